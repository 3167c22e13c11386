/*
 * cmd_sensitivity.c - `jixiao sensitivity`: Monte Carlo robustness of the
 * ranking to the level-1 weights and the choice of rule set.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "jixiao/sensitivity.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] sensitivity [--samples N] [--spread S] [--rules A,B,...] [--seed "
    "N]\n"
    "                                     [--mode scale|impose] [--threads N]\n"
    "                                     [--departments|--projects] [--year Y]\n"
    "                                     [--format table|csv|json|excel] [--out FILE.xlsx]\n"
    "\n"
    "How robust is the ranking? Each of N samples draws the level-1 weights\n"
    "(产出, 效益, 满意度, …, 预算执行率) from a Dirichlet distribution around the\n"
    "nominal ones and, with several rule sets, one rule set at random; every\n"
    "subject of the current data is rescored and ranked (departments and projects\n"
    "apart, each year apart). Per subject: nominal rank, mean, median, 5th and\n"
    "95th percentile of its rank, P(优) and the share of samples with another\n"
    "grade. Overall: the mean absolute rank shift and first-order sensitivity\n"
    "indices (which input moves ranks most). The same options and seed give the\n"
    "same output, whatever the number of threads. docs/analysis.md has the method.\n"
    "\n"
    "  --samples N       samples (default 1000)\n"
    "  --spread S        Dirichlet concentration α_k = p_k/S² around the nominal shares\n"
    "                    p_k (default 0.1: a 50-point weight varies by about ±5); 0 = none\n"
    "  --rules A,B,...   rule sets; the first is nominal; with several, each sample\n"
    "                    picks one uniformly (default: the newest run's, else mof-2020)\n"
    "  --seed N          random seed (default 1)\n"
    "  --mode M          scale (default): each subject's own level-1 weights are\n"
    "                    multiplied by sampled/nominal, so the nominal point is its\n"
    "                    score; impose: the sampled weights are imposed on every\n"
    "                    subject as 'whatif --weight' does\n"
    "  --threads N       worker threads (default 2; results do not depend on it)\n"
    "  --departments     only 部门整体 subjects;  --projects  only projects\n"
    "  --year Y          only that year\n"
    "  --format F        table (default), csv, json or excel (CSV with a BOM)\n"
    "  --out FILE.xlsx   also write the rank intervals (P5–P95 around the nominal rank,\n"
    "                    per ranking group) with charts to a workbook\n";

static int parse_u64(const char *arg, const char *what, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!*arg || *arg == '-') goto bad;
    unsigned long long v = strtoull(arg, &end, 10);
    if (*end || errno || v > max) goto bad;
    *out = v;
    return EXIT_OK;
bad:
    cli_error("sensitivity: %s wants a whole number from 0 to %llu (got \"%s\")", what,
              (unsigned long long)max, arg);
    return EXIT_USAGE;
}

static void print_params(FILE *f, const jx_sens_summary *s, jx_ruleset *const *rs, size_t nrules,
                         const jx_selection *sel)
{
    char spread[40];
    cli_fmt_shortest(spread, sizeof spread, s->spread);
    fprintf(f, "jixiao sensitivity --samples %zu --spread %s --seed %llu --rules ", s->samples,
            spread, (unsigned long long)s->seed);
    for (size_t r = 0; r < nrules; r++)
        fprintf(f, "%s%s", r ? "," : "", jx_ruleset_name(rs[r]));
    fprintf(f, " --mode %s", s->mode == JX_SENS_IMPOSE ? "impose" : "scale");
    if (sel->kind == JX_SEL_DEPARTMENTS) fputs(" --departments", f);
    if (sel->kind == JX_SEL_PROJECTS) fputs(" --projects", f);
    if (sel->year) fprintf(f, " --year %d", sel->year);
    fputc('\n', f);
    for (size_t r = 0; r < nrules; r++)
        fprintf(f, "rules %s sha256 %s\n", jx_ruleset_name(rs[r]), jx_ruleset_sha256(rs[r]));
}

static void print_json(const jx_sensitivity *res, jx_ruleset *const *rs, size_t nrules,
                       const jx_selection *sel)
{
    const jx_sens_summary *s = jx_sensitivity_summary(res);
    printf("{\"samples\":%zu,\"spread\":", s->samples);
    json_num(stdout, s->spread);
    printf(",\"seed\":%llu,\"rules\":[", (unsigned long long)s->seed);
    for (size_t r = 0; r < nrules; r++) {
        if (r) fputc(',', stdout);
        json_str(stdout, jx_ruleset_name(rs[r]));
    }
    fputs("],\"rules_sha256\":[", stdout);
    for (size_t r = 0; r < nrules; r++) {
        if (r) fputc(',', stdout);
        json_str(stdout, jx_ruleset_sha256(rs[r]));
    }
    printf("],\"mode\":\"%s\",\"year\":%d,\"kind\":\"%s\",\"threads\":%zu,\"bins\":%zu,\"mean_abs_"
           "shift\":",
           s->mode == JX_SENS_IMPOSE ? "impose" : "scale", sel->year,
           sel->kind == JX_SEL_DEPARTMENTS ? "departments"
           : sel->kind == JX_SEL_PROJECTS  ? "projects"
                                           : "all",
           s->threads, s->bins);
    json_num(stdout, s->mean_abs_shift);
    fputs(",\"indices\":{", stdout);
    for (size_t k = 0; k < s->ninputs; k++) {
        if (k) fputc(',', stdout);
        json_str(stdout, s->inputs[k].name);
        fputc(':', stdout);
        json_num(stdout, s->inputs[k].index);
    }
    fputs("},\"nominal_weights\":{", stdout);
    for (size_t k = 0; k < s->ninputs; k++) {
        if (k) fputc(',', stdout);
        json_str(stdout, s->inputs[k].name);
        fputc(':', stdout);
        json_num(stdout, s->inputs[k].nominal);
    }
    fputs("},\"subjects\":[", stdout);
    size_t n = jx_sensitivity_count(res);
    for (size_t i = 0; i < n; i++) {
        const jx_sens_subject *o = jx_sensitivity_at(res, i);
        fputs(i ? ",\n{" : "\n{", stdout);
        json_subject_id(stdout, o->code, o->name, o->project, o->year);
        fputs(",\"nominal_total\":", stdout);
        json_num(stdout, o->nominal_total);
        fputs(",\"nominal_grade\":", stdout);
        json_str(stdout, o->nominal_grade);
        printf(",\"nominal_rank\":%zu,\"rank_mean\":", o->nominal_rank);
        json_num(stdout, o->rank_mean);
        fputs(",\"rank_median\":", stdout);
        json_num(stdout, o->rank_median);
        fputs(",\"rank_p5\":", stdout);
        json_num(stdout, o->rank_p5);
        fputs(",\"rank_p95\":", stdout);
        json_num(stdout, o->rank_p95);
        fputs(",\"p_top_grade\":", stdout);
        json_num(stdout, o->p_top_grade);
        fputs(",\"p_grade_change\":", stdout);
        json_num(stdout, o->p_grade_change);
        fputc('}', stdout);
    }
    fputs("\n]}\n", stdout);
}

static void print_table(const jx_sensitivity *res, cli_format fmt)
{
    static const char *const hdr[] = {"部门编码", "部门名称", "项目",     "年度",
                                      "名义总分", "名义排名", "平均排名", "中位排名",
                                      "P5",       "P95",      "P(优)",    "P(等级变化)"};
    static const bool right[] = {false, false, false, true, true, true,
                                 true,  true,  true,  true, true, true};
    cli_table *t = table_new(12, hdr, right);
    if (!t) return;
    bool csv = fmt == FMT_CSV;
    size_t n = jx_sensitivity_count(res);
    for (size_t i = 0; i < n; i++) {
        const jx_sens_subject *o = jx_sensitivity_at(res, i);
        char year[16], tot[64], nr[32], mean[64], med[64], p5[64], p95[64], top[64], chg[64];
        snprintf(year, sizeof year, "%d", o->year);
        cli_fmt_num(tot, sizeof tot, o->nominal_total, csv ? -1 : 2);
        snprintf(nr, sizeof nr, "%zu", o->nominal_rank);
        cli_fmt_num(mean, sizeof mean, o->rank_mean, csv ? -1 : 2);
        cli_fmt_num(med, sizeof med, o->rank_median, csv ? -1 : 1);
        cli_fmt_num(p5, sizeof p5, o->rank_p5, csv ? -1 : 1);
        cli_fmt_num(p95, sizeof p95, o->rank_p95, csv ? -1 : 1);
        cli_fmt_num(top, sizeof top, o->p_top_grade, csv ? -1 : 3);
        cli_fmt_num(chg, sizeof chg, o->p_grade_change, csv ? -1 : 3);
        const char *cells[] = {
            o->code, o->name, cli_project_label(o->project), year, tot, nr, mean, med, p5, p95,
            top,     chg};
        table_add(t, cells);
    }
    table_print(t, stdout, fmt);
    table_free(t);
}

/* The options, into *o, *fmt, *rules and *out. Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, jx_sens_opts *o, cli_format *fmt,
                         const char **rules, const char **out)
{
    static const struct option opts[] = {{"samples", required_argument, NULL, 'n'},
                                         {"spread", required_argument, NULL, 's'},
                                         {"rules", required_argument, NULL, 'r'},
                                         {"seed", required_argument, NULL, 'S'},
                                         {"mode", required_argument, NULL, 'm'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"departments", no_argument, NULL, 'D'},
                                         {"projects", no_argument, NULL, 'P'},
                                         {"year", required_argument, NULL, 'y'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    uint64_t v;
    int c, rc;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if ((rc = cli_selection_option(c, optarg, "sensitivity", &o->sel)) >= 0) {
            if (rc) return rc;
            continue;
        }
        switch (c) {
        case 'n':
            if ((rc = parse_u64(optarg, "--samples", JX_SENS_MAX_SAMPLES, &v))) return rc;
            if (!v) {
                cli_error("sensitivity: --samples must be at least 1");
                return EXIT_USAGE;
            }
            o->samples = (size_t)v;
            break;
        case 's': {
            char *end;
            errno = 0;
            o->spread = strtod(optarg, &end);
            if (!*optarg || *end || errno || !isfinite(o->spread) || o->spread < 0 ||
                o->spread > 100) {
                cli_error("sensitivity: --spread wants a number from 0 to 100 (got \"%s\")",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        }
        case 'r':
            *rules = optarg;
            break;
        case 'S':
            if ((rc = parse_u64(optarg, "--seed", UINT64_MAX, &v))) return rc;
            o->seed = v;
            break;
        case 'm':
            if (!strcmp(optarg, "scale"))
                o->mode = JX_SENS_SCALE;
            else if (!strcmp(optarg, "impose"))
                o->mode = JX_SENS_IMPOSE;
            else {
                cli_error("sensitivity: --mode must be scale or impose");
                return EXIT_USAGE;
            }
            break;
        case 't':
            if ((rc = parse_u64(optarg, "--threads", 64, &v))) return rc;
            o->threads = (unsigned)v;
            break;
        case 'f':
            if (!cli_format_option("sensitivity", optarg, fmt)) return EXIT_USAGE;
            break;
        case 'o':
            *out = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return EXIT_OK;
        default:
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
    }
    if (*out && !cli_has_ext(*out, ".xlsx")) {
        cli_error("sensitivity: --out wants a FILE.xlsx");
        return EXIT_USAGE;
    }
    if (optind < argc) {
        cli_error("sensitivity: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    return -1;
}

#define MAX_RULES 16

/* The rule sets into rs[MAX_RULES] (the caller frees them): those named by --rules A,B,..., else
 * the newest run's, else the default. Returns EXIT_OK or the exit status. */
static int load_rule_sets(jx_store *st, const char *rules, jx_ruleset **rs, size_t *nrules)
{
    *nrules = 0;
    if (!rules) {
        int64_t id;
        jx_run_info info;
        if (!jx_run_latest(st, &id) && !jx_run_get(st, id, &info))
            rs[0] = cli_load_rules(info.rules);
        if (!rs[0] && !(rs[0] = cli_load_rules(NULL))) return EXIT_ERR;
        *nrules = 1;
        return EXIT_OK;
    }
    char *list = strdup(rules);
    if (!list) {
        cli_error("out of memory");
        return EXIT_ERR;
    }
    int rc = EXIT_OK;
    char *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
        if (*nrules == MAX_RULES) {
            cli_error("sensitivity: at most 16 rule sets");
            rc = EXIT_USAGE;
        } else if (!(rs[*nrules] = cli_load_rules(tok))) {
            rc = EXIT_ERR;
        } else {
            ++*nrules;
        }
    }
    if (!rc && !*nrules) {
        cli_error("sensitivity: --rules wants NAME[,NAME...]");
        rc = EXIT_USAGE;
    }
    free(list);
    return rc;
}

/* The table format: the parameters, the subjects, then the mean rank shift and the indices. */
static void print_report(const jx_sensitivity *res, jx_ruleset *const *rs, size_t nrules,
                         const jx_selection *sel)
{
    const jx_sens_summary *s = jx_sensitivity_summary(res);
    print_params(stdout, s, rs, nrules, sel);
    size_t ngroups = 0; /* the subjects come group by group (rank.h) */
    for (size_t i = 0; i < jx_sensitivity_count(res); i++)
        if (!i || jx_sensitivity_at(res, i)->group != jx_sensitivity_at(res, i - 1)->group)
            ngroups++;
    printf("%zu subjects · %zu samples · %zu thread%s · ranked within ", s->subjects, s->samples,
           s->threads, s->threads == 1 ? "" : "s");
    cli_groups_note(stdout, ngroups);
    fputs("\n\n", stdout);
    print_table(res, FMT_TABLE);
    printf("\nmean absolute rank shift: %.4f\n\nfirst-order sensitivity of the rank shift "
           "(Var(E[Y|X])/Var(Y), %zu bins):\n",
           s->mean_abs_shift, s->bins);
    static const char *const hdr[] = {"输入", "名义", "一阶指数"};
    static const bool right[] = {false, true, true};
    cli_table *t = table_new(3, hdr, right);
    if (!t) return;
    for (size_t k = 0; k < s->ninputs; k++) {
        char nom[64], idx[64];
        cli_fmt_num(nom, sizeof nom, s->inputs[k].nominal, 2);
        cli_fmt_num(idx, sizeof idx, s->inputs[k].index, 3);
        const char *cells[] = {s->inputs[k].name, nom, idx};
        table_add(t, cells);
    }
    table_print(t, stdout, FMT_TABLE);
    table_free(t);
}

int cmd_sensitivity(int argc, char **argv, cli_ctx *ctx)
{
    jx_sens_opts o = {
        .samples = JX_SENS_DEFAULT_SAMPLES, .spread = JX_SENS_DEFAULT_SPREAD, .seed = 1};
    cli_format fmt = FMT_TABLE;
    const char *rules = NULL, *out = NULL;
    int rc = parse_options(argc, argv, &o, &fmt, &rules, &out);
    if (rc >= 0) return rc;
    cli_analysis_setup();
    jx_store *st = cli_open_store(ctx->db_path);
    if (!st) return EXIT_ERR;
    jx_ruleset *rs[MAX_RULES] = {0};
    size_t nrules = 0;
    jx_sensitivity *res = NULL;
    if ((rc = load_rule_sets(st, rules, rs, &nrules))) goto done;
    rc = EXIT_ERR;
    o.rules = (const jx_ruleset *const *)rs;
    o.nrules = nrules;
    cli_progress p;
    cli_progress_begin(&p, "敏感性分析", "次抽样");
    o.on_progress = cli_progress_cb;
    o.ctx = &p;
    jx_err e = jx_sensitivity_run(st, &o, &res);
    cli_progress_end(&p);
    if (e) {
        cli_error("sensitivity: %s", jx_store_errmsg(st));
        goto done;
    }
    if (fmt == FMT_JSON) {
        print_json(res, rs, nrules, &o.sel);
    } else if (fmt == FMT_CSV) {
        fputs("# ", stderr); /* stdout stays plain CSV; the parameters go to stderr */
        print_params(stderr, jx_sensitivity_summary(res), rs, nrules, &o.sel);
        print_table(res, fmt);
    } else {
        print_report(res, rs, nrules, &o.sel);
    }
    rc = out ? cli_sensitivity_xlsx(res, rs, nrules, &o.sel, out) : EXIT_OK;
done:
    jx_sensitivity_free(res);
    for (size_t r = 0; r < MAX_RULES; r++)
        jx_ruleset_free(rs[r]);
    jx_store_close(st);
    return rc;
}
