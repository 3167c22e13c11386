/*
 * cmd_stats.c - `jixiao stats`: statistics of a stored run's totals.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <math.h>
#include <string.h>

#include "cli.h"
#include "jixiao/score.h"
#include "jixiao/stats.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] stats [--run ID] [--departments|--projects] [--year Y]\n"
    "                               [--format table|csv|json]\n"
    "\n"
    "Statistics of the totals of a stored run (default: the newest): n, mean,\n"
    "sample standard deviation, min, quartiles, median, max, skewness, excess\n"
    "kurtosis, the mean weighted by 全年预算数, the grade distribution, a 10-point\n"
    "histogram, Tukey outliers (beyond 1.5 IQR), the Pearson and Spearman\n"
    "correlation of total with 执行率, and the share of subjects with each flag.\n"
    "Undefined statistics (one subject, a constant) print as — (JSON null).\n"
    "\n"
    "  --run ID        a stored run (see 'jixiao score')\n"
    "  --departments   only 部门整体 subjects\n"
    "  --projects      only projects\n"
    "  --year Y        only that year\n"
    "  --format F      table (default), csv or json\n"
    "  --out FILE.xlsx also write the statistics with charts (histogram, grades,\n"
    "                  total against 执行率) to a workbook\n";

static void json_kv(const char *key, double x, bool comma)
{
    printf("%s\"%s\":", comma ? "," : "", key);
    json_num(stdout, x);
}

static void print_json(const jx_ranking *r, const jx_stats_report *s, int64_t run_id,
                       const char *rules)
{
    const jx_describe *d = &s->d;
    printf("{\"run\":%lld,\"rules\":", (long long)run_id);
    json_str(stdout, rules);
    printf(",\"n\":%zu", d->n);
    json_kv("mean", d->mean, true);
    json_kv("sd", d->sd, true);
    json_kv("min", d->min, true);
    json_kv("q1", d->q1, true);
    json_kv("median", d->median, true);
    json_kv("q3", d->q3, true);
    json_kv("max", d->max, true);
    json_kv("skewness", d->skewness, true);
    json_kv("kurtosis", d->kurtosis, true);
    json_kv("weighted_mean", s->weighted_mean, true);
    printf(",\"weighted_n\":%zu,\"grades\":{", s->nweighted);
    for (size_t g = 0; g < s->ngrades; g++) {
        if (g) fputc(',', stdout);
        json_str(stdout, s->grades[g].grade);
        printf(":%zu", s->grades[g].count);
    }
    fputs("},\"histogram\":[", stdout);
    for (int b = 0; b < JX_STATS_BINS; b++)
        printf("%s%zu", b ? "," : "", s->histogram[b]);
    fputs("],\"histogram_bin_width\":10", stdout);
    json_kv("lower_fence", s->lower_fence, true);
    json_kv("upper_fence", s->upper_fence, true);
    fputs(",\"outliers\":[", stdout);
    for (size_t k = 0; k < s->noutliers; k++) {
        const jx_ranked *o = jx_ranking_at(r, s->outliers[k]);
        fputs(k ? ",{" : "{", stdout);
        json_subject_id(stdout, o->code, o->name, o->project, o->year);
        fputs(",\"total\":", stdout);
        json_num(stdout, o->total);
        fputc('}', stdout);
    }
    fputc(']', stdout);
    json_kv("pearson_budget", s->pearson_budget, true);
    json_kv("spearman_budget", s->spearman_budget, true);
    printf(",\"budget_n\":%zu,\"flags\":{", s->nbudget);
    for (int f = 0; f < JX_FLAG_COUNT; f++) {
        if (f) fputc(',', stdout);
        json_str(stdout, jx_flag_name(1u << f));
        fputc(':', stdout);
        json_num(stdout, s->flag_share[f]);
    }
    fputs("},\"flag_counts\":{", stdout);
    for (int f = 0; f < JX_FLAG_COUNT; f++) {
        if (f) fputc(',', stdout);
        json_str(stdout, jx_flag_name(1u << f));
        printf(":%zu", s->flag_count[f]);
    }
    fputs("}}\n", stdout);
}

/* table and CSV: one statistic a row */
static void print_rows(const jx_ranking *r, const jx_stats_report *s, cli_format fmt)
{
    static const char *const hdr[] = {"统计量", "值", "说明"};
    static const bool right[] = {false, true, false};
    cli_table *t = table_new(3, hdr, right);
    if (!t) return;
    const jx_describe *d = &s->d;
    int dec = fmt == FMT_CSV ? -1 : 4;
    char v[64], note[256];
#define ROW(name, x, what)                                                                         \
    do {                                                                                           \
        cli_fmt_num(v, sizeof v, (x), dec);                                                        \
        const char *cells_[] = {(name), v, (what)};                                                \
        table_add(t, cells_);                                                                      \
    } while (0)
    snprintf(v, sizeof v, "%zu", d->n);
    const char *nrow[] = {"n", v, "subjects"};
    table_add(t, nrow);
    ROW("mean", d->mean, "");
    ROW("sd", d->sd, "sample standard deviation (n − 1)");
    ROW("min", d->min, "");
    ROW("q1", d->q1, "25th percentile (linear interpolation)");
    ROW("median", d->median, "");
    ROW("q3", d->q3, "75th percentile");
    ROW("max", d->max, "");
    ROW("skewness", d->skewness, "");
    ROW("kurtosis", d->kurtosis, "excess (normal = 0)");
    snprintf(note, sizeof note, "weights 全年预算数, %zu subjects with a budget", s->nweighted);
    ROW("weighted_mean", s->weighted_mean, note);
    snprintf(note, sizeof note, "total vs 执行率, %zu subjects with budget execution", s->nbudget);
    ROW("pearson_budget", s->pearson_budget, note);
    ROW("spearman_budget", s->spearman_budget, note);
    ROW("lower_fence", s->lower_fence, "Q1 − 1.5 IQR");
    ROW("upper_fence", s->upper_fence, "Q3 + 1.5 IQR");
    for (size_t g = 0; g < s->ngrades; g++) {
        char key[64];
        snprintf(key, sizeof key, "grade %s", s->grades[g].grade);
        snprintf(v, sizeof v, "%zu", s->grades[g].count);
        const char *cells[] = {key, v, "subjects"};
        table_add(t, cells);
    }
    for (int b = 0; b < JX_STATS_BINS; b++) {
        char key[64], bar[256] = "";
        snprintf(key, sizeof key,
                 b == JX_STATS_BINS - 1 ? "histogram [%d,%d]" : "histogram [%d,%d)", b * 10,
                 b * 10 + 10);
        snprintf(v, sizeof v, "%zu", s->histogram[b]);
        if (fmt == FMT_TABLE && d->n) {
            size_t len = (s->histogram[b] * 40 + d->n - 1) / d->n, at = 0;
            for (size_t k = 0; k < len && at + 4 < sizeof bar; k++)
                at += (size_t)snprintf(bar + at, sizeof bar - at, "█");
        }
        const char *cells[] = {key, v, bar};
        table_add(t, cells);
    }
    for (int f = 0; f < JX_FLAG_COUNT; f++) {
        char key[64];
        snprintf(key, sizeof key, "flag %s", jx_flag_name(1u << f));
        snprintf(note, sizeof note, "%zu subjects · %s", s->flag_count[f], jx_flag_label(1u << f));
        ROW(key, s->flag_share[f], note);
    }
    for (size_t k = 0; k < s->noutliers; k++) {
        const jx_ranked *o = jx_ranking_at(r, s->outliers[k]);
        snprintf(note, sizeof note, "%s%s%s %s %d", o->code, *o->code ? " " : "", o->name,
                 cli_project_label(o->project), o->year);
        ROW("outlier", o->total, note);
    }
#undef ROW
    table_print(t, stdout, fmt);
    table_free(t);
}

int cmd_stats(int argc, char **argv, cli_ctx *ctx)
{
    cli_format fmt;
    int64_t run_id;
    jx_run_info info;
    jx_store *st;
    jx_ranking *r;
    const char *out = NULL;
    if (!cli_take_option(&argc, argv, "out", &out) || (out && !cli_has_ext(out, ".xlsx"))) {
        cli_error("stats: --out wants a FILE.xlsx");
        return EXIT_USAGE;
    }
    int rc = cli_ranking_open(argc, argv, ctx, "stats", usage_text, &fmt, &run_id, &info, &st, &r);
    if (rc >= 0) return rc;
    jx_stats_report rep = {0};
    rc = EXIT_ERR;
    jx_err e = jx_stats_of_ranking(r, &rep);
    if (e) {
        cli_error("stats: %s", jx_strerror(e));
        goto done;
    }
    if (fmt == FMT_JSON) {
        print_json(r, &rep, run_id, info.rules);
    } else {
        if (fmt == FMT_TABLE)
            printf("run %lld · rules %s · %zu subjects\n\n", (long long)run_id, info.rules,
                   rep.d.n);
        print_rows(r, &rep, fmt);
    }
    rc = out ? cli_stats_xlsx(r, &rep, &info, out) : EXIT_OK;
done:
    jx_stats_report_free(&rep);
    jx_ranking_free(r);
    jx_store_close(st);
    return rc;
}
