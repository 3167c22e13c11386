/*
 * cmd_trend.c - `jixiao trend DEPT`: a department's years side by side, its indicators matched
 * across years, and the targets that were not raised above the previous year's actual.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jixiao/review.h"
#include "jixiao/score.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] trend DEPT [--project P] [--run ID] [--indicators]\n"
    "                               [--format table|csv|json|excel]\n"
    "\n"
    "Every year of one department (部门编码 or 部门名称) side by side: total, grade and\n"
    "rank within its year; then its indicators matched across years by 三级指标, with\n"
    "target, actual and points per year. 目标未提高 (target_not_raised) marks a year\n"
    "whose number target is at or below the previous year's actual (at or above, for\n"
    "≤ targets): a target set too low (目标设置偏低), a 复核 finding.\n"
    "\n"
    "  --project P   a project of the department (default: 部门整体)\n"
    "  --run ID      a stored run (default: the newest; it holds every year scored)\n"
    "  --indicators  CSV: the indicators, one row per indicator and year (default: the\n"
    "                years; a table shows both)\n"
    "  --format F    table (default), csv, json, or excel (CSV with a BOM for Excel)\n";

static void print_json(const jx_trend *t, int64_t run)
{
    const jx_trend_year *y0 = jx_trend_year_at(t, 0);
    printf("{\"run\":%lld,", (long long)run);
    json_subject_id(stdout, y0->code, y0->name, y0->project, y0->year);
    fputs(",\"years\":[", stdout);
    size_t ny = jx_trend_years(t);
    for (size_t i = 0; i < ny; i++) {
        const jx_trend_year *y = jx_trend_year_at(t, i);
        printf("%s{\"year\":%d,\"total\":", i ? "," : "", y->year);
        json_num(stdout, y->total);
        fputs(",\"grade\":", stdout);
        json_str(stdout, y->grade);
        printf(",\"rank\":%zu,\"of\":%zu}", y->rank, y->of);
    }
    fputs("],\"indicators\":[", stdout);
    for (size_t r = 0; r < jx_trend_count(t); r++) {
        const jx_trend_indicator *x = jx_trend_at(t, r);
        fputs(r ? ",\n{\"level1\":" : "\n{\"level1\":", stdout);
        json_str(stdout, x->level1);
        fputs(",\"level2\":", stdout);
        json_str(stdout, x->level2);
        fputs(",\"level3\":", stdout);
        json_str(stdout, x->level3);
        fputs(",\"years\":[", stdout);
        bool first = true;
        for (size_t i = 0; i < ny; i++) {
            const jx_trend_cell *c = &x->cells[i];
            if (!c->present) continue;
            printf("%s{\"year\":%d,\"target\":", first ? "" : ",", jx_trend_year_at(t, i)->year);
            first = false;
            json_str(stdout, c->target);
            fputs(",\"actual\":", stdout);
            c->actual ? json_str(stdout, c->actual) : (void)fputs("null", stdout);
            fputs(",\"weight\":", stdout);
            json_num(stdout, c->scored ? c->weight : NAN);
            fputs(",\"points\":", stdout);
            json_num(stdout, c->scored ? c->points : NAN);
            fputs(",\"flags\":", stdout);
            json_bits(stdout, c->review_flags, JX_REVIEW_FLAG_COUNT, jx_review_flag_name);
            fputs(",\"score_flags\":", stdout);
            json_bits(stdout, c->flags, JX_FLAG_COUNT, jx_flag_name);
            fputs(",\"previous_actual\":", stdout);
            json_num(stdout, c->prev_actual);
            fputc('}', stdout);
        }
        fputs("]}", stdout);
    }
    fputs("\n]}\n", stdout);
}

static void print_years(const jx_trend *t, cli_format fmt)
{
    static const char *const hdr[] = {"年度", "总分", "等级", "排名", "组内"};
    static const bool right[] = {true, true, false, true, true};
    cli_table *tb = table_new(5, hdr, right);
    if (!tb) return;
    for (size_t i = 0; i < jx_trend_years(t); i++) {
        const jx_trend_year *y = jx_trend_year_at(t, i);
        char year[16], total[64], rank[32], of[32];
        snprintf(year, sizeof year, "%d", y->year);
        cli_fmt_num(total, sizeof total, y->total, fmt == FMT_CSV ? -1 : 2);
        snprintf(rank, sizeof rank, "%zu", y->rank);
        snprintf(of, sizeof of, "%zu", y->of);
        const char *cells[] = {year, total, y->grade, rank, of};
        table_add(tb, cells);
    }
    table_print(tb, stdout, fmt);
    table_free(tb);
}

/* One row per indicator and year (a long table: it reads in a terminal and pivots in Excel). */
static void print_indicators(const jx_trend *t, cli_format fmt)
{
    static const char *const hdr[] = {"一级指标",   "二级指标", "三级指标", "年度", "指标值",
                                      "实际完成值", "分值",     "得分",     "标记"};
    static const bool right[] = {false, false, false, true, false, false, true, true, false};
    cli_table *tb = table_new(9, hdr, right);
    if (!tb) return;
    int dec = fmt == FMT_CSV ? -1 : 2;
    for (size_t r = 0; r < jx_trend_count(t); r++) {
        const jx_trend_indicator *x = jx_trend_at(t, r);
        for (size_t i = 0; i < jx_trend_years(t); i++) {
            const jx_trend_cell *c = &x->cells[i];
            if (!c->present) continue;
            char year[16], w[64], p[64], flags[256];
            snprintf(year, sizeof year, "%d", jx_trend_year_at(t, i)->year);
            cli_fmt_num(w, sizeof w, c->scored ? c->weight : NAN, dec);
            cli_fmt_num(p, sizeof p, c->scored ? c->points : NAN, dec);
            cli_bits_text(c->review_flags, JX_REVIEW_FLAG_COUNT, jx_review_flag_name,
                          jx_review_flag_label, fmt, flags, sizeof flags);
            if (fmt == FMT_TABLE && isfinite(c->prev_actual)) {
                size_t n = strlen(flags);
                snprintf(flags + n, sizeof flags - n, "（上年完成 %g）", c->prev_actual);
            }
            bool first = fmt != FMT_TABLE || i == 0 || !x->cells[i - 1].present;
            const char *cells[] = {first ? x->level1 : "",
                                   first ? x->level2 : "",
                                   first ? x->level3 : "",
                                   year,
                                   c->target,
                                   c->actual ? c->actual : "（未填报）",
                                   w,
                                   p,
                                   flags};
            table_add(tb, cells);
        }
    }
    table_print(tb, stdout, fmt);
    table_free(tb);
}

int cmd_trend(int argc, char **argv, cli_ctx *ctx)
{
    static const struct option opts[] = {
        {"project", required_argument, NULL, 'p'}, {"run", required_argument, NULL, 'r'},
        {"indicators", no_argument, NULL, 'I'},    {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *project = "";
    int64_t run_id = 0;
    cli_format fmt = FMT_TABLE;
    bool indicators = false;
    int c, rc;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'I') {
            indicators = true;
        } else if (c == 'p') {
            project = optarg;
        } else if (c == 'r') {
            if ((rc = cli_parse_run(optarg, "trend", &run_id))) return rc;
        } else if (c == 'f' && cli_format_option("trend", optarg, &fmt)) {
        } else if (c == 'h') {
            fputs(usage_text, stdout);
            return EXIT_OK;
        } else {
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_error("trend: name one department (部门编码 or 部门名称)");
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    jx_store *st = cli_open_store(ctx->db_path);
    if (!st) return EXIT_ERR;
    jx_run *run = cli_open_run(st, run_id, "trend");
    jx_trend *t = NULL;
    jx_errmsg msg;
    rc = run ? EXIT_OK : EXIT_ERR;
    if (!rc && jx_trend_load(run, argv[optind], project, &t, &msg)) {
        cli_error("trend: %s", msg.text);
        rc = EXIT_ERR;
    }
    if (!rc && fmt == FMT_JSON) {
        print_json(t, jx_run_about(run)->id);
    } else if (!rc) {
        const jx_trend_year *y = jx_trend_year_at(t, 0);
        if (fmt == FMT_TABLE)
            printf("%s%s%s · %s · run %lld\n\n", y->code, *y->code ? " " : "", y->name,
                   cli_project_label(y->project), (long long)jx_run_about(run)->id);
        if (fmt == FMT_TABLE || !indicators) print_years(t, fmt);
        if (fmt == FMT_TABLE) fputs("\n", stdout);
        if (fmt == FMT_TABLE || indicators) print_indicators(t, fmt);
    }
    jx_trend_free(t);
    jx_run_close(run);
    jx_store_close(st);
    return rc;
}
