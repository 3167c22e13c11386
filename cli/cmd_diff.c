/*
 * cmd_diff.c - `jixiao diff [RUN_A RUN_B]`: the subjects whose total, grade or any indicator
 * changed between two stored runs, and why.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jixiao/review.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] diff [RUN_A RUN_B] [--indicators] [--departments|--projects]\n"
    "                              [--year Y] [--format table|csv|json|excel]\n"
    "\n"
    "What changed between two scoring runs (default: the newest two, see 'jixiao runs'),\n"
    "for example after corrected actuals were imported and scored again. Only the\n"
    "subjects whose total, grade or some indicator changed are listed, with total,\n"
    "rank and grade before and after, and each changed indicator (target, actual,\n"
    "points before and after) with why: 目标已修改 (target_changed), 实际值重新导入\n"
    "(actual_reimported), 规则集不同 (rules_changed), 分值随其他指标变化\n"
    "(weight_changed), 预算数据变化 (budget_changed), 新增 (added), 已删除 (removed).\n"
    "\n"
    "  --indicators    list the changed indicators, one a row (table and CSV)\n"
    "  --departments   only 部门整体;  --projects  only projects;  --year Y  only that year\n"
    "  --format F      table (default), csv, json, or excel (CSV with a BOM for Excel)\n";

typedef struct two_newest {
    int64_t a, b;
} two_newest;

static int keep_newest(const jx_run_info *info, double mean, void *ctx)
{
    (void)mean;
    two_newest *t = ctx;
    t->a = t->b;
    t->b = info->id;
    return 0;
}

static void json_why(unsigned why)
{
    json_bits(stdout, why, JX_DIFF_WHY_COUNT, jx_diff_why_name);
}

static void json_side_str(const char *key, const char *s, bool present)
{
    printf(",\"%s\":", key);
    if (present && s)
        json_str(stdout, s);
    else
        fputs("null", stdout);
}

static void json_indicator(const jx_diff_indicator *x, bool first)
{
    fputs(first ? "{\"level1\":" : ",{\"level1\":", stdout);
    json_str(stdout, x->level1);
    fputs(",\"level2\":", stdout);
    json_str(stdout, x->level2);
    fputs(",\"level3\":", stdout);
    json_str(stdout, x->level3);
    json_side_str("target_a", x->a.target, x->a.present);
    json_side_str("target_b", x->b.target, x->b.present);
    json_side_str("actual_a", x->a.actual, x->a.present);
    json_side_str("actual_b", x->b.actual, x->b.present);
    fputs(",\"points_a\":", stdout);
    json_num(stdout, x->a.present && x->a.scored ? x->a.points : NAN);
    fputs(",\"points_b\":", stdout);
    json_num(stdout, x->b.present && x->b.scored ? x->b.points : NAN);
    fputs(",\"why\":", stdout);
    json_why(x->why);
    fputc('}', stdout);
}

static void json_run(const char *key, const jx_run_info *info)
{
    printf("\"%s\":{", key);
    json_run_info(stdout, info);
    fputc('}', stdout);
}

static void print_json(const jx_diff *d)
{
    fputc('{', stdout);
    json_run("a", jx_diff_about(d, 0));
    fputc(',', stdout);
    json_run("b", jx_diff_about(d, 1));
    printf(",\"compared\":%zu,\"subjects\":[", jx_diff_compared(d));
    for (size_t i = 0; i < jx_diff_count(d); i++) {
        const jx_diff_subject *s = jx_diff_at(d, i);
        fputs(i ? ",\n{" : "\n{", stdout);
        json_subject_id(stdout, s->code, s->name, s->project, s->year);
        fputs(",\"total_a\":", stdout);
        json_num(stdout, s->total_a);
        fputs(",\"total_b\":", stdout);
        json_num(stdout, s->total_b);
        fputs(",\"rank_a\":", stdout);
        s->in_a ? printf("%zu", s->rank_a) : fputs("null", stdout);
        fputs(",\"rank_b\":", stdout);
        s->in_b ? printf("%zu", s->rank_b) : fputs("null", stdout);
        json_side_str("grade_a", s->grade_a, s->in_a);
        json_side_str("grade_b", s->grade_b, s->in_b);
        fputs(",\"why\":", stdout);
        json_why(s->why);
        fputs(",\"indicators\":[", stdout);
        for (size_t k = 0; k < s->n; k++)
            json_indicator(&s->ind[k], k == 0);
        fputs("]}", stdout);
    }
    fputs("\n]}\n", stdout);
}

/* "a → b" (a table) or the two values apart (CSV keeps them in two columns: see callers). */
static void arrow(char *buf, size_t cap, const char *a, const char *b)
{
    snprintf(buf, cap, "%s → %s", a, b);
}

static void num_or_dash(char *buf, size_t cap, double x, bool present, cli_format fmt)
{
    cli_fmt_points(buf, cap, present ? x : NAN, fmt);
}

static void subject_row(cli_table *t, const jx_diff_subject *s, cli_format fmt)
{
    char year[16], ta[64], tb[64], ra[32] = "—", rb[32] = "—", tot[160], rank[80], grade[80],
                                   why[256], nind[32];
    snprintf(year, sizeof year, "%d", s->year);
    num_or_dash(ta, sizeof ta, s->total_a, s->in_a, fmt);
    num_or_dash(tb, sizeof tb, s->total_b, s->in_b, fmt);
    if (s->in_a) snprintf(ra, sizeof ra, "%zu", s->rank_a);
    if (s->in_b) snprintf(rb, sizeof rb, "%zu", s->rank_b);
    arrow(tot, sizeof tot, ta, tb);
    arrow(rank, sizeof rank, ra, rb);
    arrow(grade, sizeof grade, s->in_a ? s->grade_a : "—", s->in_b ? s->grade_b : "—");
    cli_bits_text(s->why, JX_DIFF_WHY_COUNT, jx_diff_why_name, jx_diff_why_label, fmt, why,
                  sizeof why);
    snprintf(nind, sizeof nind, "%zu", s->n);
    if (fmt == FMT_CSV) {
        const char *cells[] = {s->code,
                               s->name,
                               cli_project_label(s->project),
                               year,
                               ta,
                               tb,
                               ra,
                               rb,
                               s->in_a ? s->grade_a : "",
                               s->in_b ? s->grade_b : "",
                               nind,
                               why};
        table_add(t, cells);
    } else {
        const char *cells[] = {
            s->code, s->name, cli_project_label(s->project), year, tot, rank, grade, nind, why};
        table_add(t, cells);
    }
}

static void indicator_rows(cli_table *t, const jx_diff_subject *s, cli_format fmt)
{
    for (size_t k = 0; k < s->n; k++) {
        const jx_diff_indicator *x = &s->ind[k];
        char year[16], pa[64], pb[64], tgt[512], act[512], pts[160], why[256];
        const char *na = fmt == FMT_CSV ? "" : "—";
        snprintf(year, sizeof year, "%d", s->year);
        num_or_dash(pa, sizeof pa, x->a.points, x->a.present && x->a.scored, fmt);
        num_or_dash(pb, sizeof pb, x->b.points, x->b.present && x->b.scored, fmt);
        const char *t_a = x->a.present ? x->a.target : na, *t_b = x->b.present ? x->b.target : na;
        const char *a_a = x->a.present && x->a.actual ? x->a.actual : na;
        const char *a_b = x->b.present && x->b.actual ? x->b.actual : na;
        cli_bits_text(x->why, JX_DIFF_WHY_COUNT, jx_diff_why_name, jx_diff_why_label, fmt, why,
                      sizeof why);
        if (fmt == FMT_CSV) {
            const char *cells[] = {s->code,   s->name,   cli_project_label(s->project),
                                   year,      x->level1, x->level2,
                                   x->level3, t_a,       t_b,
                                   a_a,       a_b,       pa,
                                   pb,        why};
            table_add(t, cells);
            continue;
        }
        snprintf(tgt, sizeof tgt, "%s", t_a);
        if (strcmp(t_a, t_b)) arrow(tgt, sizeof tgt, t_a, t_b);
        snprintf(act, sizeof act, "%s", a_a);
        if (strcmp(a_a, a_b)) arrow(act, sizeof act, a_a, a_b);
        arrow(pts, sizeof pts, pa, pb);
        const char *cells[] = {
            s->name, cli_project_label(s->project), year, x->level3, tgt, act, pts, why};
        table_add(t, cells);
    }
}

static int print_rows(const jx_diff *d, cli_format fmt, bool indicators)
{
    static const char *const hdr[] = {"部门编码", "部门名称", "项目",     "年度", "总分",
                                      "排名",     "等级",     "变化指标", "原因"};
    static const bool right[] = {false, false, false, true, true, true, false, true, false};
    static const char *const chdr[] = {"部门编码", "部门名称", "项目",     "年度",
                                       "总分A",    "总分B",    "排名A",    "排名B",
                                       "等级A",    "等级B",    "变化指标", "原因"};
    static const char *const ihdr[] = {"部门名称", "项目",       "年度", "三级指标",
                                       "指标值",   "实际完成值", "得分", "原因"};
    static const bool iright[] = {false, false, true, false, false, false, true, false};
    static const char *const cihdr[] = {
        "部门编码", "部门名称", "项目",        "年度",        "一级指标", "二级指标", "三级指标",
        "指标值A",  "指标值B",  "实际完成值A", "实际完成值B", "得分A",    "得分B",    "原因"};
    bool csv = fmt == FMT_CSV;
    cli_table *t = csv ? table_new(12, chdr, NULL) : table_new(9, hdr, right);
    cli_table *it = csv ? table_new(14, cihdr, NULL) : table_new(8, ihdr, iright);
    if (!t || !it) {
        table_free(t);
        table_free(it);
        return EXIT_ERR;
    }
    for (size_t i = 0; i < jx_diff_count(d); i++) {
        subject_row(t, jx_diff_at(d, i), fmt);
        indicator_rows(it, jx_diff_at(d, i), fmt);
    }
    const jx_run_info *a = jx_diff_about(d, 0), *b = jx_diff_about(d, 1);
    if (fmt == FMT_TABLE)
        printf("run %lld (%s, %s) → run %lld (%s, %s)\n\n", (long long)a->id, a->created_at,
               a->rules, (long long)b->id, b->created_at, b->rules);
    if (!indicators) table_print(t, stdout, fmt);
    if (indicators || fmt == FMT_TABLE) {
        if (!indicators) fputs("\n变化的指标\n", stdout);
        table_print(it, stdout, fmt);
    }
    if (fmt == FMT_TABLE)
        printf("\n%zu of %zu subjects changed\n", jx_diff_count(d), jx_diff_compared(d));
    table_free(t);
    table_free(it);
    return EXIT_OK;
}

/* RUN_A RUN_B from the arguments, or the newest two. */
static int which_runs(jx_store *st, int argc, char **argv, int64_t *a, int64_t *b)
{
    if (argc - optind == 2) {
        if (!cli_parse_int64(argv[optind], a) || *a <= 0 || !cli_parse_int64(argv[optind + 1], b) ||
            *b <= 0) {
            cli_error("diff: RUN_A and RUN_B are run numbers (see 'jixiao runs')");
            return EXIT_USAGE;
        }
        return EXIT_OK;
    }
    if (argc - optind != 0) {
        cli_error("diff: give two run numbers, or none for the newest two");
        return EXIT_USAGE;
    }
    two_newest t = {0, 0};
    if (jx_run_list(st, keep_newest, &t)) {
        cli_error("diff: %s", jx_store_errmsg(st));
        return EXIT_ERR;
    }
    if (!t.a) {
        cli_error("diff: needs two scoring runs and the database holds %s: import the corrected "
                  "data and run 'jixiao score' again",
                  t.b ? "one" : "none");
        return EXIT_ERR;
    }
    *a = t.a;
    *b = t.b;
    return EXIT_OK;
}

int cmd_diff(int argc, char **argv, cli_ctx *ctx)
{
    static const struct option opts[] = {{"indicators", no_argument, NULL, 'I'},
                                         {"departments", no_argument, NULL, 'D'},
                                         {"projects", no_argument, NULL, 'P'},
                                         {"year", required_argument, NULL, 'y'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    jx_selection sel = {0};
    cli_format fmt = FMT_TABLE;
    bool indicators = false;
    int c, rc;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if ((rc = cli_selection_option(c, optarg, "diff", &sel)) >= 0) {
            if (rc) return rc;
            continue;
        }
        if (c == 'I') {
            indicators = true;
        } else if (c == 'f' && cli_format_option("diff", optarg, &fmt)) {
        } else if (c == 'h') {
            fputs(usage_text, stdout);
            return EXIT_OK;
        } else {
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
    }
    jx_store *st = cli_open_store(ctx->db_path);
    if (!st) return EXIT_ERR;
    int64_t ida, idb;
    jx_run *ra = NULL, *rb = NULL;
    jx_diff *d = NULL;
    if (!(rc = which_runs(st, argc, argv, &ida, &idb))) {
        ra = cli_open_run(st, ida, "diff");
        rb = ra ? cli_open_run(st, idb, "diff") : NULL;
        rc = rb ? EXIT_OK : EXIT_ERR;
    }
    jx_errmsg msg;
    if (!rc && jx_diff_runs(ra, rb, &sel, &d, &msg)) {
        cli_error("diff: %s", msg.text);
        rc = EXIT_ERR;
    }
    if (!rc && fmt == FMT_JSON)
        print_json(d);
    else if (!rc)
        rc = print_rows(d, fmt, indicators);
    jx_diff_free(d);
    jx_run_close(ra);
    jx_run_close(rb);
    jx_store_close(st);
    return rc;
}
