/*
 * cmd_whatif.c - `jixiao whatif`: rescore the current data under a scenario
 * (rule set, level-1 weights, replaced actuals), compare with the baseline;
 * save, list and re-run scenarios.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jixiao/whatif.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] whatif [--rules NAME] [--weight LEVEL1=W]... [--set SPEC]...\n"
    "                                [--base-rules NAME] [--save NAME] [--load NAME] [--changed]\n"
    "                                [--departments|--projects] [--year Y]\n"
    "                                [--format table|csv|json|excel]\n"
    "       jixiao [--db PATH] whatif --list [--format table|csv|json|excel]\n"
    "       jixiao [--db PATH] whatif --delete NAME\n"
    "\n"
    "Score the current data twice, in memory, without touching anything stored:\n"
    "the baseline, and a scenario with another rule set, other level-1 weights or\n"
    "replaced actuals. Print per subject both totals, Δ, both ranks and Δrank\n"
    "(ranked within groups: each year apart, 部门整体 apart from projects) and any\n"
    "grade change; then per group and over all subjects the Spearman ρ and Kendall\n"
    "τ-b between the rankings and the number of grade and rank changes.\n"
    "\n"
    "  --rules NAME         the scenario's rule set (default: the baseline's)\n"
    "  --weight L1=W        impose a level-1 weight: the indicator weights under\n"
    "                       L1 are rescaled to sum to W (given or defaulted), then\n"
    "                       the total is rescaled to 100. 预算执行率=W sets the\n"
    "                       budget-execution weight. Repeatable. Weights that leave a\n"
    "                       subject nothing to score (all 0) are refused.\n"
    "  --set SPEC           replace an actual: \"DEPT[/PROJECT]:三级指标=VALUE\", DEPT a\n"
    "                       部门编码 or 部门名称. Repeatable.\n"
    "  --base-rules NAME    the baseline rule set (default: the newest run's, else mof-2020)\n"
    "  --changed            list only the subjects whose total, rank or grade changed\n"
    "                       (the summaries still cover every subject)\n"
    "  --save NAME          save the scenario under NAME (after it ran)\n"
    "  --load NAME          re-run a saved scenario, on the subjects it was saved with\n"
    "                       (weights and sets given too are added; a selection replaces)\n"
    "  --list               list the saved scenarios: rule sets, subjects, weights, sets\n"
    "  --delete NAME        delete a saved scenario (kept in the store, marked replaced)\n"
    "  --departments        only 部门整体 subjects;  --projects  only projects\n"
    "  --year Y             only that year (a --set must match one subject)\n"
    "  --format F           table (default), csv, json or excel (CSV with a BOM)\n";

/* Level-1 weights and replaced actuals, in arrays sized once: the counts are known before the
 * items are added (each option takes an argument of argv; a saved scenario knows its own). */
typedef struct wargs {
    const char **wname;
    double *w;
    size_t nw;
    jx_whatif_set *sets;
    char **setbuf; /* owned texts of the sets parsed from argv; NULL for borrowed ones */
    size_t ns;
} wargs;

static bool wargs_alloc(wargs *a, size_t maxw, size_t maxs)
{
    a->wname = calloc(maxw ? maxw : 1, sizeof *a->wname);
    a->w = calloc(maxw ? maxw : 1, sizeof *a->w);
    a->sets = calloc(maxs ? maxs : 1, sizeof *a->sets);
    a->setbuf = calloc(maxs ? maxs : 1, sizeof *a->setbuf);
    return a->wname && a->w && a->sets && a->setbuf;
}

static void add_weight(wargs *a, const char *name, double w)
{
    a->wname[a->nw] = name;
    a->w[a->nw++] = w;
}

static void add_set(wargs *a, const jx_whatif_set *s, char *buf)
{
    a->sets[a->ns] = *s;
    a->setbuf[a->ns++] = buf;
}

static void wargs_free(wargs *a)
{
    for (size_t i = 0; i < a->ns; i++)
        free(a->setbuf[i]);
    free(a->setbuf);
    free(a->sets);
    free(a->wname);
    free(a->w);
}

/* "产出指标=60": the name is everything before the last '=' (argv is modified) */
static int parse_weight(char *arg, wargs *a)
{
    char *eq = strrchr(arg, '=');
    char *end;
    if (!eq || eq == arg) {
        cli_error("whatif: --weight wants LEVEL1=W, e.g. 产出指标=60 (got \"%s\")", arg);
        return EXIT_USAGE;
    }
    *eq = '\0';
    errno = 0;
    double w = strtod(eq + 1, &end);
    if (!eq[1] || *end || errno || !isfinite(w) || w < 0) {
        cli_error("whatif: --weight %s: \"%s\" is not a weight >= 0", arg, eq + 1);
        return EXIT_USAGE;
    }
    add_weight(a, arg, w);
    return EXIT_OK;
}

static int parse_set(const char *arg, wargs *a)
{
    size_t cap = strlen(arg) + 1;
    char *buf = malloc(cap);
    jx_whatif_set s;
    jx_errmsg msg;
    if (!buf) {
        cli_error("out of memory");
        return EXIT_ERR;
    }
    if (jx_whatif_parse_set(arg, buf, cap, &s, &msg)) {
        free(buf);
        cli_error("whatif: --set %s", msg.text);
        return EXIT_USAGE;
    }
    add_set(a, &s, buf);
    return EXIT_OK;
}

/* ---- a scenario's contents ---- */

static void json_scenario(const jx_scenario *sc)
{
    fputs(",\"weights\":{", stdout);
    for (size_t k = 0; k < sc->nweights; k++) {
        if (k) fputc(',', stdout);
        json_str(stdout, sc->weight_level1[k]);
        fputc(':', stdout);
        json_num(stdout, sc->weight[k]);
    }
    fputs("},\"sets\":[", stdout);
    for (size_t k = 0; k < sc->nsets; k++) {
        fputs(k ? ",{\"dept\":" : "{\"dept\":", stdout);
        json_str(stdout, sc->sets[k].dept);
        fputs(",\"project\":", stdout);
        json_str(stdout, sc->sets[k].project);
        fputs(",\"level3\":", stdout);
        json_str(stdout, sc->sets[k].level3);
        fputs(",\"value\":", stdout);
        json_str(stdout, sc->sets[k].value);
        fputc('}', stdout);
    }
    fputc(']', stdout);
}

/* A scenario's weights ("产出指标=60, 预算执行率=20") and sets ("135:指标=400; …") as text;
 * malloc'd (NULL when out of memory). */
static char *items_text(const jx_scenario *sc, bool sets)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    for (size_t k = 0; !sets && k < sc->nweights; k++) {
        /* as typed: 60, 33.5 (and every digit a weight has, as 'whatif' would use it) */
        double x = sc->weight[k];
        char w[64];
        snprintf(w, sizeof w, "%.15g", x);
        if (strtod(w, NULL) != x) snprintf(w, sizeof w, "%.17g", x);
        fprintf(f, "%s%s=%s", k ? ", " : "", sc->weight_level1[k], w);
    }
    for (size_t k = 0; sets && k < sc->nsets; k++) {
        const jx_whatif_set *x = &sc->sets[k];
        fprintf(f, "%s%s%s%s:%s=%s", k ? "; " : "", x->dept, *x->project ? "/" : "", x->project,
                x->level3, x->value);
    }
    return fclose(f) ? (free(buf), NULL) : buf;
}

/* ---- --list and --delete ---- */

typedef struct list_ctx {
    cli_format fmt;
    cli_table *t;
    bool first, failed;
} list_ctx;

static const char *kind_name(jx_sel_kind k)
{
    return k == JX_SEL_DEPARTMENTS ? "departments" : k == JX_SEL_PROJECTS ? "projects" : "all";
}

static int list_row(const jx_scenario_info *i, void *ctx)
{
    list_ctx *l = ctx;
    if (l->fmt == FMT_JSON) {
        printf("%s{\"id\":%lld,\"name\":", l->first ? "\n" : ",\n", (long long)i->id);
        l->first = false;
        json_str(stdout, i->name);
        fputs(",\"created_at\":", stdout);
        json_str(stdout, i->created_at);
        fputs(",\"base_rules\":", stdout);
        json_str(stdout, i->base_rules);
        fputs(",\"rules\":", stdout);
        json_str(stdout, i->rules);
        printf(",\"year\":%d,\"kind\":\"%s\"", i->sel.year, kind_name(i->sel.kind));
        json_scenario(i->scenario);
        fputc('}', stdout);
        return 0;
    }
    char sel[64];
    if (i->sel.year)
        snprintf(sel, sizeof sel, "%s %d", kind_name(i->sel.kind), i->sel.year);
    else
        snprintf(sel, sizeof sel, "%s", kind_name(i->sel.kind));
    char *w = items_text(i->scenario, false), *x = items_text(i->scenario, true);
    if (!w || !x) {
        free(w);
        free(x);
        cli_error("out of memory");
        return l->failed = true;
    }
    const char *none = l->fmt == FMT_TABLE ? "—" : "";
    const char *cells[] = {i->name,
                           i->created_at,
                           *i->base_rules ? i->base_rules : "(default)",
                           *i->rules ? i->rules : "(baseline's)",
                           sel,
                           *w ? w : none,
                           *x ? x : none};
    table_add(l->t, cells);
    free(w);
    free(x);
    return 0;
}

static int do_list(jx_store *st, cli_format fmt)
{
    static const char *const hdr[] = {
        "name", "saved (UTC)", "baseline rules", "scenario rules", "subjects", "weights", "sets"};
    static const bool right[] = {false, false, false, false, false, false, false};
    list_ctx l = {.fmt = fmt, .first = true, .t = table_new(7, hdr, right)};
    if (!l.t) return EXIT_ERR;
    if (fmt == FMT_JSON) fputs("{\"scenarios\":[", stdout);
    jx_err e = jx_scenario_list(st, list_row, &l);
    if (fmt == FMT_JSON)
        fputs("\n]}\n", stdout);
    else
        table_print(l.t, stdout, fmt);
    table_free(l.t);
    if (e) cli_error("whatif: %s", jx_store_errmsg(st));
    return e || l.failed ? EXIT_ERR : EXIT_OK;
}

static int do_delete(jx_store *st, const char *name)
{
    int64_t id;
    if (jx_scenario_delete(st, name, &id)) {
        cli_error("whatif: --delete: %s", jx_store_errmsg(st));
        return EXIT_ERR;
    }
    fprintf(stderr, "scenario \"%s\" deleted (its row, id %lld, is kept, marked replaced)\n", name,
            (long long)id);
    return EXIT_OK;
}

/* ---- printing a result ---- */

static void json_row(const jx_whatif_row *r, bool first)
{
    fputs(first ? "\n{" : ",\n{", stdout);
    json_subject_id(stdout, r->code, r->name, r->project, r->year);
    fputs(",\"baseline\":", stdout);
    json_num(stdout, r->baseline);
    fputs(",\"scenario\":", stdout);
    json_num(stdout, r->scenario);
    fputs(",\"delta\":", stdout);
    json_num(stdout, r->delta);
    printf(",\"baseline_rank\":%zu,\"scenario_rank\":%zu,\"delta_rank\":%ld,\"baseline_grade\":",
           r->baseline_rank, r->scenario_rank, r->delta_rank);
    json_str(stdout, r->baseline_grade);
    fputs(",\"scenario_grade\":", stdout);
    json_str(stdout, r->scenario_grade);
    fputc('}', stdout);
}

/* "n":…,"spearman":…,…,"mean_abs_delta":… of a summary (no braces) */
static void json_summary(const jx_whatif_summary *s)
{
    printf("\"n\":%zu,\"spearman\":", s->n);
    json_num(stdout, s->spearman);
    fputs(",\"kendall\":", stdout);
    json_num(stdout, s->kendall);
    printf(",\"grade_changes\":%zu,\"rank_changes\":%zu,\"changed\":%zu,\"mean_abs_delta\":",
           s->grade_changes, s->rank_changes, s->changed);
    json_num(stdout, s->mean_abs_delta);
}

/* What to print of a result. */
typedef struct shown {
    cli_format fmt;
    bool only_changed; /* --changed */
} shown;

static void print_json(const jx_whatif *w, const jx_scenario *sc, const char *base_name,
                       const char *scen_name, bool only_changed)
{
    fputs("{\"base_rules\":", stdout);
    json_str(stdout, base_name);
    fputs(",\"rules\":", stdout);
    json_str(stdout, scen_name);
    json_scenario(sc);
    fputc(',', stdout);
    json_summary(jx_whatif_summary_of(w));
    fputs(",\"groups\":[", stdout);
    for (size_t g = 0; g < jx_whatif_group_count(w); g++) {
        const jx_whatif_group *x = jx_whatif_group_at(w, g);
        printf("%s{\"year\":%d,\"kind\":\"%s\",", g ? "," : "", x->year,
               cli_kind_code(x->projects));
        json_summary(&x->sum);
        fputc('}', stdout);
    }
    printf("],\"only_changed\":%s,\"subjects\":[", only_changed ? "true" : "false");
    size_t n = jx_whatif_count(w), k = 0;
    for (size_t i = 0; i < n; i++) {
        const jx_whatif_row *r = jx_whatif_at(w, i);
        if (!only_changed || r->changed) json_row(r, k++ == 0);
    }
    fputs("\n]}\n", stdout);
}

/* One row per subject (with --changed, per changed subject), as a table or CSV. */
static void print_rows(const jx_whatif *w, cli_format fmt, bool only_changed)
{
    static const char *const hdr[] = {"部门编码", "部门名称", "项目",     "年度",  "基准", "情景",
                                      "Δ",        "基准排名", "情景排名", "Δ排名", "等级"};
    static const bool right[] = {false, false, false, true, true, true,
                                 true,  true,  true,  true, false};
    cli_table *t = table_new(11, hdr, right);
    if (!t) return;
    int dec = fmt == FMT_CSV ? -1 : 2;
    size_t n = jx_whatif_count(w);
    for (size_t i = 0; i < n; i++) {
        const jx_whatif_row *r = jx_whatif_at(w, i);
        if (only_changed && !r->changed) continue;
        char year[16], b[64], sv[64], d[64], br[32], sr[32], dr[32], g[64];
        snprintf(year, sizeof year, "%d", r->year);
        cli_fmt_num(b, sizeof b, r->baseline, dec);
        cli_fmt_num(sv, sizeof sv, r->scenario, dec);
        if (fmt == FMT_CSV)
            snprintf(d, sizeof d, "%.10g", r->delta);
        else
            snprintf(d, sizeof d, "%+.2f", r->delta);
        snprintf(br, sizeof br, "%zu", r->baseline_rank);
        snprintf(sr, sizeof sr, "%zu", r->scenario_rank);
        snprintf(dr, sizeof dr, r->delta_rank ? "%+ld" : "%ld", r->delta_rank);
        if (strcmp(r->baseline_grade, r->scenario_grade))
            snprintf(g, sizeof g, "%s→%s", r->baseline_grade, r->scenario_grade);
        else
            snprintf(g, sizeof g, "%s", r->baseline_grade);
        const char *cells[] = {
            r->code, r->name, cli_project_label(r->project), year, b, sv, d, br, sr, dr, g};
        table_add(t, cells);
    }
    table_print(t, stdout, fmt);
    table_free(t);
}

/* "N subjects · Spearman ρ … · mean |Δ| …" */
static void print_summary(const jx_whatif_summary *s, const char *note)
{
    char rho[32], tau[32];
    cli_fmt_num(rho, sizeof rho, s->spearman, 4);
    cli_fmt_num(tau, sizeof tau, s->kendall, 4);
    printf("%zu subject%s · Spearman ρ %s · Kendall τ-b %s%s · grade changes %zu · rank changes "
           "%zu · mean |Δ| %.4f\n",
           s->n, s->n == 1 ? "" : "s", rho, tau, note, s->grade_changes, s->rank_changes,
           s->mean_abs_delta);
}

/* The table's header: the rule sets, weights and sets, and how subjects are ranked. */
static void print_header(const jx_whatif *w, const jx_scenario *sc, const char *base_name,
                         const char *scen_name)
{
    printf("baseline: rules %s · scenario: rules %s", base_name, scen_name);
    char *wt = items_text(sc, false), *set = items_text(sc, true);
    if (wt && *wt) printf(" · weights %s", wt);
    if (set && *set) printf(" · set %s", set);
    free(wt);
    free(set);
    fputs("\nranked within ", stdout);
    cli_groups_note(stdout, jx_whatif_group_count(w));
    fputs("\n\n", stdout);
}

/* The table's footer: per group, then over all subjects. */
static void print_footer(const jx_whatif *w, bool only_changed)
{
    const jx_whatif_summary *s = jx_whatif_summary_of(w);
    size_t ng = jx_whatif_group_count(w);
    fputc('\n', stdout);
    if (only_changed)
        printf("%zu of %zu subjects changed total, rank or grade (--changed lists only them)\n",
               s->changed, s->n);
    if (ng < 2) {
        print_summary(s, "");
        return;
    }
    for (size_t g = 0; g < ng; g++) {
        const jx_whatif_group *x = jx_whatif_group_at(w, g);
        printf("%d · %s: ", x->year, cli_kind_label(x->projects));
        print_summary(&x->sum, "");
    }
    fputs("all: ", stdout);
    print_summary(s, " (totals compared across groups)");
}

static void print_result(const jx_whatif *w, const jx_scenario *sc, const char *base_name,
                         const char *scen_name, shown how)
{
    if (how.fmt == FMT_JSON) {
        print_json(w, sc, base_name, scen_name, how.only_changed);
        return;
    }
    if (how.fmt == FMT_TABLE) print_header(w, sc, base_name, scen_name);
    print_rows(w, how.fmt, how.only_changed);
    if (how.fmt == FMT_TABLE) print_footer(w, how.only_changed);
}

/* the default baseline: the newest run's rule set when it still loads by name, else mof-2020 */
static jx_ruleset *default_base(jx_store *st)
{
    int64_t id;
    jx_run_info info;
    if (!jx_run_latest(st, &id) && !jx_run_get(st, id, &info)) {
        jx_ruleset *rs = cli_load_rules(info.rules);
        if (rs) return rs;
        fprintf(stderr, "jixiao: whatif: baseline falls back to %s\n", JX_RULESET_DEFAULT);
    }
    return cli_load_rules(NULL);
}

/* What the command line asks for. */
typedef struct wopts {
    jx_selection sel;
    bool sel_given, list, changed;
    cli_format fmt;
    const char *rules, *base_rules, *save, *load, *del;
    wargs a; /* the --weight and --set items (owned) */
} wopts;

/* The options into *o. Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, wopts *o)
{
    static const struct option opts[] = {{"rules", required_argument, NULL, 'r'},
                                         {"weight", required_argument, NULL, 'w'},
                                         {"set", required_argument, NULL, 's'},
                                         {"base-rules", required_argument, NULL, 'b'},
                                         {"save", required_argument, NULL, 'S'},
                                         {"load", required_argument, NULL, 'L'},
                                         {"list", no_argument, NULL, 'l'},
                                         {"delete", required_argument, NULL, 'X'},
                                         {"changed", no_argument, NULL, 'c'},
                                         {"departments", no_argument, NULL, 'D'},
                                         {"projects", no_argument, NULL, 'P'},
                                         {"year", required_argument, NULL, 'y'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    if (!wargs_alloc(&o->a, (size_t)argc, (size_t)argc)) {
        cli_error("out of memory");
        return EXIT_ERR;
    }
    int c, rc;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if ((rc = cli_selection_option(c, optarg, "whatif", &o->sel)) >= 0) {
            if (rc) return rc;
            o->sel_given = true;
            continue;
        }
        rc = EXIT_OK;
        switch (c) {
        case 'r':
            o->rules = optarg;
            break;
        case 'b':
            o->base_rules = optarg;
            break;
        case 'S':
            o->save = optarg;
            break;
        case 'L':
            o->load = optarg;
            break;
        case 'l':
            o->list = true;
            break;
        case 'X':
            o->del = optarg;
            break;
        case 'c':
            o->changed = true;
            break;
        case 'w':
            rc = parse_weight(optarg, &o->a);
            break;
        case 's':
            rc = parse_set(optarg, &o->a);
            break;
        case 'f':
            if (!cli_format_option("whatif", optarg, &o->fmt)) rc = EXIT_USAGE;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return EXIT_OK;
        default:
            fputs(usage_text, stderr);
            rc = EXIT_USAGE;
            break;
        }
        if (rc) return rc;
    }
    if (optind < argc) {
        cli_error("whatif: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if ((o->save && !*o->save) || (o->del && !*o->del)) {
        cli_error("whatif: --%s wants a name", o->del && !*o->del ? "delete" : "save");
        return EXIT_USAGE;
    }
    /* --list and --delete run no scenario: they take no scenario options */
    bool scenario = o->rules || o->base_rules || o->save || o->load || o->changed || o->a.nw ||
                    o->a.ns || o->sel_given;
    if ((o->list || o->del) && (scenario || (o->list && o->del))) {
        cli_error("whatif: --%s takes no other option but --format", o->list ? "list" : "delete");
        return EXIT_USAGE;
    }
    return -1;
}

/* The scenario's items into *all: a loaded scenario's (ls, may be NULL), then the command line's
 * (borrowed pointers). false when out of memory. */
static bool gather_items(wargs *all, const jx_scenario *ls, const wargs *a)
{
    if (!wargs_alloc(all, (ls ? ls->nweights : 0) + a->nw, (ls ? ls->nsets : 0) + a->ns))
        return false;
    for (size_t k = 0; ls && k < ls->nweights; k++)
        add_weight(all, ls->weight_level1[k], ls->weight[k]);
    for (size_t k = 0; ls && k < ls->nsets; k++)
        add_set(all, &ls->sets[k], NULL);
    for (size_t k = 0; k < a->nw; k++)
        add_weight(all, a->wname[k], a->w[k]);
    for (size_t k = 0; k < a->ns; k++)
        add_set(all, &a->sets[k], NULL);
    return true;
}

/* Run the scenario (a saved one with --load, completed by the command line), print it and
 * save it with --save. Returns the exit status. */
static int run_scenario(jx_store *st, wopts *o)
{
    int rc = EXIT_ERR;
    jx_saved_scenario *saved = NULL;
    jx_ruleset *base = NULL, *scen = NULL;
    jx_whatif *w = NULL;
    wargs all = {0};
    const jx_scenario *ls = NULL;
    if (o->load) {
        if (jx_scenario_load(st, o->load, &saved)) {
            cli_error("whatif: %s", jx_store_errmsg(st));
            goto done;
        }
        ls = jx_saved_scenario_get(saved);
        if (!o->base_rules && *ls->base_rules) o->base_rules = ls->base_rules;
        if (!o->rules && *ls->rules) o->rules = ls->rules;
        if (!o->sel_given)
            o->sel = ls->sel; /* the subjects it was saved with, unless told otherwise */
    }
    if (!gather_items(&all, ls, &o->a)) {
        cli_error("out of memory");
        goto done;
    }
    base = o->base_rules ? cli_load_rules(o->base_rules) : default_base(st);
    if (!base) goto done;
    if (o->rules && !(scen = cli_load_rules(o->rules))) goto done;
    jx_scenario sc = {.base_rules = o->base_rules ? o->base_rules : "",
                      .rules = o->rules ? o->rules : "",
                      .weight_level1 = all.wname,
                      .weight = all.w,
                      .nweights = all.nw,
                      .sets = all.sets,
                      .nsets = all.ns,
                      .sel = o->sel};
    if (jx_whatif_run(st, base, scen, &sc, &o->sel, &w)) {
        cli_error("whatif: %s", jx_store_errmsg(st));
        goto done;
    }
    print_result(w, &sc, jx_ruleset_name(base), jx_ruleset_name(scen ? scen : base),
                 (shown){.fmt = o->fmt, .only_changed = o->changed});
    if (o->save) {
        int64_t id;
        if (jx_scenario_save(st, o->save, &sc, &id)) {
            cli_error("whatif: --save: %s", jx_store_errmsg(st));
            goto done;
        }
        fprintf(stderr,
                "scenario \"%s\" saved (id %lld); re-run it with 'jixiao whatif --load %s'\n",
                o->save, (long long)id, o->save);
    }
    rc = EXIT_OK;
done:
    wargs_free(&all);
    jx_whatif_free(w);
    jx_ruleset_free(scen);
    jx_ruleset_free(base);
    jx_saved_scenario_free(saved);
    return rc;
}

int cmd_whatif(int argc, char **argv, cli_ctx *ctx)
{
    wopts o = {.fmt = FMT_TABLE};
    int rc = parse_options(argc, argv, &o);
    if (rc < 0) {
        cli_analysis_setup();
        jx_store *st = cli_open_store(ctx->db_path);
        if (!st) {
            rc = EXIT_ERR;
        } else {
            rc = o.list ? do_list(st, o.fmt) : o.del ? do_delete(st, o.del) : run_scenario(st, &o);
            jx_store_close(st);
        }
    }
    wargs_free(&o.a);
    return rc;
}
