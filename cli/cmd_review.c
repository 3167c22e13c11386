/*
 * cmd_review.c - `jixiao review`: the departments' own scores (自评得分, 自评总分) against the
 * rule scores of a run. Also the options and set-up `sample` shares.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jixiao/charts.h"
#include "jixiao/review.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] review [--run ID] [--threshold P] [--rules NAME] [--flagged]\n"
    "                                [--indicators] [--departments|--projects] [--year Y]\n"
    "                                [--format table|csv|json|excel] [--out FILE.xlsx|FILE.csv]\n"
    "\n"
    "复核: compare what each department claimed (自评得分 per indicator and for the\n"
    "预算执行率 line, 自评总分) with the scores of a stored run (default: the newest).\n"
    "Per subject: the claimed total (the 自评总分, else its 自评得分 totalled as the\n"
    "rules total points), the rule total, the gap (claimed − rule), both grades, and\n"
    "every indicator whose claim differs from the rule points, largest gap first.\n"
    "over_claimed (自评虚高): the gap exceeds the threshold, or the claimed grade is\n"
    "above the rule grade. Subjects that claimed nothing are counted, not listed.\n"
    "\n"
    "  --run ID        a stored run (see 'jixiao runs')\n"
    "  --threshold P   points (default: the rule set's [review] threshold; mof-2020: 5)\n"
    "  --rules NAME    rule set that grades the claimed totals (default: the run's)\n"
    "  --flagged       only the over_claimed subjects\n"
    "  --indicators    list the indicator gaps, one a row (table and CSV)\n"
    "  --departments   only 部门整体;  --projects  only projects;  --year Y  only that year\n"
    "  --format F      table (default), csv, json, or excel (CSV with a BOM for Excel)\n"
    "  --out FILE      FILE.xlsx: also write the 复核 workbook (subjects, indicator gaps,\n"
    "                  a chart of claimed against rule totals); FILE.csv: write the CSV\n"
    "                  listing there instead of standard output, for Excel (with a BOM)\n";

int cli_review_option(int c, const char *arg, const char *cmd, cli_review_args *a)
{
    int rc = cli_selection_option(c, arg, cmd, &a->opts.sel);
    if (rc >= 0) return rc;
    switch (c) {
    case 'r':
        return cli_parse_run(arg, cmd, &a->run_id);
    case 't': {
        char *end;
        errno = 0;
        double t = strtod(arg, &end);
        if (!*arg || *end || errno || !isfinite(t) || t < 0 || t > 100) {
            cli_error("%s: --threshold wants points from 0 to 100 (got \"%s\")", cmd, arg);
            return EXIT_USAGE;
        }
        a->opts.has_threshold = true;
        a->opts.threshold = t;
        return EXIT_OK;
    }
    case 'R':
        a->rules = arg;
        return EXIT_OK;
    case 'f':
        return cli_format_option(cmd, arg, &a->fmt) ? EXIT_OK : EXIT_USAGE;
    case 'o':
        a->out = arg;
        return EXIT_OK;
    }
    return -1;
}

jx_ruleset *cli_run_rules(const jx_run_info *info, const char *name, const char *cmd)
{
    jx_ruleset *rs = cli_load_rules(name ? name : info->rules);
    if (!rs && !name)
        cli_error("%s: run %lld was scored under rule set %s: name its file with --rules PATH", cmd,
                  (long long)info->id, info->rules);
    if (rs && !name && strcmp(jx_ruleset_sha256(rs), info->rules_sha256))
        fprintf(stderr,
                "jixiao: %s: rule set %s has changed since run %lld was scored (SHA-256 %.12s… "
                "then, %.12s… now); the claimed totals are graded by today's file\n",
                cmd, info->rules, (long long)info->id, info->rules_sha256, jx_ruleset_sha256(rs));
    return rs;
}

int cli_review_load(cli_ctx *ctx, const char *cmd, cli_review_args *a, jx_store **st,
                    jx_ruleset **rs, jx_review **rv)
{
    *rs = NULL;
    *rv = NULL;
    if (!(*st = cli_open_store(ctx->db_path))) return EXIT_ERR;
    jx_run *run = cli_open_run(*st, a->run_id, cmd);
    if (!run) return EXIT_ERR;
    jx_errmsg msg;
    int rc = EXIT_ERR;
    if ((*rs = cli_run_rules(jx_run_about(run), a->rules, cmd))) {
        jx_err e = jx_review_run(run, *rs, &a->opts, rv, &msg);
        if (e) cli_error("%s: %s", cmd, msg.text);
        rc = e == JX_ERR_RULES ? EXIT_USAGE : e ? EXIT_ERR : EXIT_OK;
    }
    jx_run_close(run);
    return rc;
}

void cli_fmt_points(char *buf, size_t cap, double x, cli_format fmt)
{
    if (fmt != FMT_CSV && fabs(x) < 0.005) x = 0; /* no "-0.00" */
    cli_fmt_num(buf, cap, x, fmt == FMT_CSV ? -1 : 2);
}

static void print_json(const jx_review *rv, bool flagged)
{
    const jx_run_info *info = jx_review_about(rv);
    size_t n = jx_review_count(rv), without = 0;
    printf("{\"run\":%lld,\"rules\":", (long long)info->id);
    json_str(stdout, info->rules);
    fputs(",\"threshold\":", stdout);
    json_num(stdout, jx_review_threshold(rv));
    fputs(",\"subjects\":[", stdout);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        const jx_review_subject *s = jx_review_at(rv, i);
        without += !s->has_claims;
        if (!s->has_claims || (flagged && !(s->flags & JX_REVIEW_OVER_CLAIMED))) continue;
        fputs(first ? "\n{" : ",\n{", stdout);
        first = false;
        json_subject_id(stdout, s->code, s->name, s->project, s->year);
        fputs(",\"claimed_total\":", stdout);
        json_num(stdout, s->claimed_total);
        fputs(",\"total\":", stdout);
        json_num(stdout, s->total);
        fputs(",\"gap\":", stdout);
        json_num(stdout, s->gap);
        fputs(",\"claimed_grade\":", stdout);
        if (s->claimed_grade)
            json_str(stdout, s->claimed_grade);
        else
            fputs("null", stdout);
        fputs(",\"grade\":", stdout);
        json_str(stdout, s->grade);
        fputs(",\"flags\":", stdout);
        json_bits(stdout, s->flags, JX_REVIEW_FLAG_COUNT, jx_review_flag_name);
        fputs(",\"indicators\":[", stdout);
        for (size_t k = 0; k < s->ngaps; k++) {
            const jx_review_gap *g = &s->gaps[k];
            fputs(k ? ",{\"level1\":" : "{\"level1\":", stdout);
            json_str(stdout, g->level1);
            fputs(",\"level2\":", stdout);
            json_str(stdout, g->level2);
            fputs(",\"level3\":", stdout);
            json_str(stdout, g->level3);
            fputs(",\"claimed\":", stdout);
            json_num(stdout, g->claimed);
            fputs(",\"points\":", stdout);
            json_num(stdout, g->scored ? g->points : NAN);
            fputs(",\"gap\":", stdout);
            json_num(stdout, g->gap);
            fputc('}', stdout);
        }
        fputs("]}", stdout);
    }
    printf("\n],\"without_claims\":%zu}\n", without);
}

static void subject_row(cli_table *t, const jx_review_subject *s, cli_format fmt)
{
    char year[16], claimed[64], total[64], gap[64], gaps[32], flags[256];
    snprintf(year, sizeof year, "%d", s->year);
    cli_fmt_points(claimed, sizeof claimed, s->claimed_total, fmt);
    cli_fmt_points(total, sizeof total, s->total, fmt);
    cli_fmt_points(gap, sizeof gap, s->gap, fmt);
    snprintf(gaps, sizeof gaps, "%zu", s->ngaps);
    cli_bits_text(s->flags, JX_REVIEW_FLAG_COUNT, jx_review_flag_name, jx_review_flag_label, fmt,
                  flags, sizeof flags);
    const char *cells[] = {
        s->code,  s->name, cli_project_label(s->project),
        year,     claimed, s->total_given ? (fmt == FMT_TABLE ? "自评总分" : "given") : "",
        total,    gap,     s->claimed_grade ? s->claimed_grade : "—",
        s->grade, gaps,    flags};
    table_add(t, cells);
}

static void gap_rows(cli_table *t, const jx_review_subject *s, cli_format fmt)
{
    for (size_t k = 0; k < s->ngaps; k++) {
        const jx_review_gap *g = &s->gaps[k];
        char year[16], claimed[64], points[64], gap[64];
        snprintf(year, sizeof year, "%d", s->year);
        cli_fmt_points(claimed, sizeof claimed, g->claimed, fmt);
        cli_fmt_points(points, sizeof points, g->scored ? g->points : NAN, fmt);
        cli_fmt_points(gap, sizeof gap, g->gap, fmt);
        const char *cells[] = {s->code,   s->name,   cli_project_label(s->project),
                               year,      g->level1, g->level2,
                               g->level3, claimed,   points,
                               gap};
        table_add(t, cells);
    }
}

static int print_rows(const jx_review *rv, cli_format fmt, bool flagged, bool indicators)
{
    static const char *const hdr[] = {"部门编码", "部门名称", "项目",     "年度",
                                      "自评总分", "来源",     "规则总分", "差额",
                                      "自评等级", "规则等级", "差异指标", "标记"};
    static const bool right[] = {false, false, false, true,  true, false,
                                 true,  true,  false, false, true, false};
    static const char *const ghdr[] = {"部门编码", "部门名称", "项目",     "年度",     "一级指标",
                                       "二级指标", "三级指标", "自评得分", "规则得分", "差额"};
    static const bool gright[] = {false, false, false, true, false, false, false, true, true, true};
    cli_table *t = table_new(12, hdr, right), *g = table_new(10, ghdr, gright);
    if (!t || !g) {
        table_free(t);
        table_free(g);
        return EXIT_ERR;
    }
    size_t n = jx_review_count(rv), with = 0, over = 0, incomplete = 0;
    for (size_t i = 0; i < n; i++) {
        const jx_review_subject *s = jx_review_at(rv, i);
        with += s->has_claims;
        over += (s->flags & JX_REVIEW_OVER_CLAIMED) != 0;
        incomplete += (s->flags & JX_REVIEW_CLAIMS_INCOMPLETE) != 0;
        if (!s->has_claims || (flagged && !(s->flags & JX_REVIEW_OVER_CLAIMED))) continue;
        subject_row(t, s, fmt);
        gap_rows(g, s, fmt);
    }
    if (!indicators) table_print(t, stdout, fmt);
    if (indicators || fmt == FMT_TABLE) {
        if (!indicators)
            fputs("\n指标差异（自评得分与规则得分不同的指标，差额大者在前）\n", stdout);
        table_print(g, stdout, fmt);
    }
    if (fmt == FMT_TABLE) {
        const jx_run_info *info = jx_review_about(rv);
        printf("\nrun %lld · rules %s · threshold %g points · %zu subjects: %zu with claims, %zu "
               "over_claimed (自评虚高), %zu with claims incomplete, %zu without claims\n",
               (long long)info->id, info->rules, jx_review_threshold(rv), n, with, over, incomplete,
               n - with);
    }
    table_free(t);
    table_free(g);
    return EXIT_OK;
}

/* The name ends in .ext (case-insensitive). */
bool cli_has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), k = strlen(ext);
    return n > k && !strcasecmp(path + n - k, ext);
}

int cmd_review(int argc, char **argv, cli_ctx *ctx)
{
    static const struct option opts[] = {
        {"run", required_argument, NULL, 'r'},    {"threshold", required_argument, NULL, 't'},
        {"rules", required_argument, NULL, 'R'},  {"flagged", no_argument, NULL, 'F'},
        {"indicators", no_argument, NULL, 'I'},   {"departments", no_argument, NULL, 'D'},
        {"projects", no_argument, NULL, 'P'},     {"year", required_argument, NULL, 'y'},
        {"format", required_argument, NULL, 'f'}, {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    cli_review_args a = {.fmt = FMT_TABLE};
    bool flagged = false, indicators = false;
    int c, rc;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if ((rc = cli_review_option(c, optarg, "review", &a)) >= 0) {
            if (rc) return rc;
            continue;
        }
        if (c == 'F') {
            flagged = true;
        } else if (c == 'I') {
            indicators = true;
        } else if (c == 'h') {
            fputs(usage_text, stdout);
            return EXIT_OK;
        } else {
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("review: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    bool xlsx = a.out && cli_has_ext(a.out, ".xlsx");
    if (a.out && !xlsx && !cli_has_ext(a.out, ".csv")) {
        cli_error("review: --out wants a FILE.xlsx (the 复核 workbook) or a FILE.csv");
        return EXIT_USAGE;
    }
    cli_analysis_setup();
    jx_store *st;
    jx_ruleset *rs;
    jx_review *rv;
    rc = cli_review_load(ctx, "review", &a, &st, &rs, &rv);
    jx_errmsg msg;
    if (!rc && xlsx && jx_review_write_xlsx(rv, a.out, &msg)) {
        cli_error("review: %s", msg.text);
        rc = EXIT_ERR;
    } else if (!rc && xlsx) {
        fprintf(stderr, "jixiao: review: wrote %s\n", a.out);
    } else if (!rc && a.out) { /* FILE.csv: the listing, for Excel */
        if (cli_csv_out(a.out))
            a.fmt = FMT_CSV;
        else
            rc = EXIT_ERR;
    }
    if (!rc && a.fmt == FMT_JSON)
        print_json(rv, flagged);
    else if (!rc)
        rc = print_rows(rv, a.fmt, flagged, indicators);
    jx_review_free(rv);
    jx_ruleset_free(rs);
    jx_store_close(st);
    return rc;
}
