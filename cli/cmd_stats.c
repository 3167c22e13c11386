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
    "                               [--format table|csv|json|excel] [--out FILE.xlsx]\n"
    "\n"
    "Statistics of the totals of a stored run (default: the newest), for each\n"
    "ranking group apart: each year apart, 部门整体 apart from projects, as 'rank'\n"
    "ranks them (totals of different years are not one distribution). Per group:\n"
    "n, mean, sample standard deviation, min, quartiles, median, max, skewness,\n"
    "excess kurtosis, the mean weighted by 全年预算数, the grade distribution, a\n"
    "10-point histogram, Tukey outliers (beyond 1.5 IQR), the Pearson and Spearman\n"
    "correlation of total with 执行率, and the share of subjects with each flag.\n"
    "Undefined statistics (one subject, a constant) print as — (JSON null).\n"
    "\n"
    "  --run ID        a stored run (see 'jixiao score')\n"
    "  --departments   only 部门整体 subjects\n"
    "  --projects      only projects\n"
    "  --year Y        only that year\n"
    "  --format F      table (default), csv, json or excel (CSV with a BOM); CSV has\n"
    "                  one row per group and statistic, its 年度 and 类别 first\n"
    "  --out FILE.xlsx also write the statistics with charts (histogram, grades,\n"
    "                  total against 执行率) to a workbook: each group's sheets\n";

static void json_kv(const char *key, double x, bool comma)
{
    printf("%s\"%s\":", comma ? "," : "", key);
    json_num(stdout, x);
}

/* One group's statistics as the members of a JSON object (no braces). */
static void json_group(const jx_ranking *r, const jx_stats_group *g)
{
    const jx_stats_report *s = &g->rep;
    const jx_describe *d = &s->d;
    printf("\n{\"year\":%d,\"kind\":\"%s\",\"n\":%zu", g->year, cli_kind_code(g->projects), d->n);
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
    for (size_t k = 0; k < s->ngrades; k++) {
        if (k) fputc(',', stdout);
        json_str(stdout, s->grades[k].grade);
        printf(":%zu", s->grades[k].count);
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
    fputs("}}", stdout);
}

static void print_json(const jx_ranking *r, const jx_stats_groups *gs, int64_t run_id,
                       const char *rules)
{
    printf("{\"run\":%lld,\"rules\":", (long long)run_id);
    json_str(stdout, rules);
    printf(",\"subjects\":%zu,\"groups\":[", jx_ranking_count(r));
    for (size_t k = 0; k < gs->n; k++) {
        if (k) fputc(',', stdout);
        json_group(r, &gs->group[k]);
    }
    fputs("\n]}\n", stdout);
}

/* The rows being written: a table per group, or one CSV table whose rows begin with the
 * group's 年度 and 类别. */
typedef struct rows {
    cli_table *t;
    cli_format fmt;
    char year[16];
    const char *kind;
} rows;

static void add(rows *o, const char *name, const char *value, const char *note)
{
    const char *cells[] = {o->year, o->kind, name, value, note};
    table_add(o->t, o->fmt == FMT_CSV ? cells : cells + 2);
}

static void add_num(rows *o, const char *name, double x, const char *note)
{
    char v[64];
    cli_fmt_num(v, sizeof v, x, o->fmt == FMT_CSV ? -1 : 4);
    add(o, name, v, note);
}

static void add_count(rows *o, const char *name, size_t x, const char *note)
{
    char v[32];
    snprintf(v, sizeof v, "%zu", x);
    add(o, name, v, note);
}

/* The grades and the histogram of s. */
static void add_distribution(rows *o, const jx_stats_report *s)
{
    for (size_t g = 0; g < s->ngrades; g++) {
        char key[64];
        snprintf(key, sizeof key, "grade %s", s->grades[g].grade);
        add_count(o, key, s->grades[g].count, "subjects");
    }
    for (int b = 0; b < JX_STATS_BINS; b++) {
        char key[64], bar[256] = "";
        snprintf(key, sizeof key,
                 b == JX_STATS_BINS - 1 ? "histogram [%d,%d]" : "histogram [%d,%d)", b * 10,
                 b * 10 + 10);
        if (o->fmt == FMT_TABLE && s->d.n) {
            size_t len = (s->histogram[b] * 40 + s->d.n - 1) / s->d.n, at = 0;
            for (size_t k = 0; k < len && at + 4 < sizeof bar; k++)
                at += (size_t)snprintf(bar + at, sizeof bar - at, "█");
        }
        add_count(o, key, s->histogram[b], bar);
    }
}

/* One group's statistics, one a row. */
static void add_group(rows *o, const jx_ranking *r, const jx_stats_report *s)
{
    const jx_describe *d = &s->d;
    char note[256];
    add_count(o, "n", d->n, "subjects");
    add_num(o, "mean", d->mean, "");
    add_num(o, "sd", d->sd, "sample standard deviation (n − 1)");
    add_num(o, "min", d->min, "");
    add_num(o, "q1", d->q1, "25th percentile (linear interpolation)");
    add_num(o, "median", d->median, "");
    add_num(o, "q3", d->q3, "75th percentile");
    add_num(o, "max", d->max, "");
    add_num(o, "skewness", d->skewness, "");
    add_num(o, "kurtosis", d->kurtosis, "excess (normal = 0)");
    snprintf(note, sizeof note, "weights 全年预算数, %zu subjects with a budget", s->nweighted);
    add_num(o, "weighted_mean", s->weighted_mean, note);
    snprintf(note, sizeof note, "total vs 执行率, %zu subjects with budget execution", s->nbudget);
    add_num(o, "pearson_budget", s->pearson_budget, note);
    add_num(o, "spearman_budget", s->spearman_budget, note);
    add_num(o, "lower_fence", s->lower_fence, "Q1 − 1.5 IQR");
    add_num(o, "upper_fence", s->upper_fence, "Q3 + 1.5 IQR");
    add_distribution(o, s);
    for (int f = 0; f < JX_FLAG_COUNT; f++) {
        char key[64];
        snprintf(key, sizeof key, "flag %s", jx_flag_name(1u << f));
        snprintf(note, sizeof note, "%zu subjects · %s", s->flag_count[f], jx_flag_label(1u << f));
        add_num(o, key, s->flag_share[f], note);
    }
    for (size_t k = 0; k < s->noutliers; k++) {
        const jx_ranked *x = jx_ranking_at(r, s->outliers[k]);
        snprintf(note, sizeof note, "%s%s%s %s %d", x->code, *x->code ? " " : "", x->name,
                 cli_project_label(x->project), x->year);
        add_num(o, "outlier", x->total, note);
    }
}

/* table: a header line and a table per group; CSV: one table */
static void print_rows(const jx_ranking *r, const jx_stats_groups *gs, cli_format fmt)
{
    static const char *const hdr[] = {"年度", "类别", "统计量", "值", "说明"};
    static const bool right[] = {true, false, false, true, false};
    bool csv = fmt == FMT_CSV;
    rows o = {.fmt = fmt};
    for (size_t k = 0; k < gs->n; k++) {
        const jx_stats_group *g = &gs->group[k];
        if (!o.t && !(o.t = csv ? table_new(5, hdr, right) : table_new(3, hdr + 2, right + 2)))
            return;
        snprintf(o.year, sizeof o.year, "%d", g->year);
        o.kind = cli_kind_label(g->projects);
        if (!csv)
            printf("%s== %d · %s · %zu subject%s ==\n", k ? "\n" : "", g->year, o.kind, g->rep.d.n,
                   g->rep.d.n == 1 ? "" : "s");
        add_group(&o, r, &g->rep);
        if (!csv) {
            table_print(o.t, stdout, fmt);
            table_free(o.t);
            o.t = NULL;
        }
    }
    if (!gs->n && !csv) puts("no subject matches the selection");
    if (csv && !o.t) o.t = table_new(5, hdr, right); /* no group: the header alone */
    if (o.t) table_print(o.t, stdout, fmt);
    table_free(o.t);
}

/* --out: the workbook of the groups selected, a set of sheets each; exit status */
static int write_book(const jx_ranking *r, const jx_stats_groups *gs, const jx_run_info *info,
                      const char *out)
{
    if (!gs->n) {
        cli_error("stats: --out: no subject matches the selection");
        return EXIT_ERR;
    }
    return cli_stats_xlsx(r, gs, info, out);
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
    jx_stats_groups gs = {0};
    rc = EXIT_ERR;
    jx_err e = jx_stats_of_groups(r, &gs);
    if (e) {
        cli_error("stats: %s", jx_strerror(e));
        goto done;
    }
    if (out && gs.n != 1) { /* refused before anything is printed */
        rc = write_book(r, &gs, &info, out);
        goto done;
    }
    if (fmt == FMT_JSON) {
        print_json(r, &gs, run_id, info.rules);
    } else {
        if (fmt == FMT_TABLE) {
            printf("run %lld · rules %s · %zu subjects · ", (long long)run_id, info.rules,
                   jx_ranking_count(r));
            cli_groups_note(stdout, gs.n);
            fputs("\n\n", stdout);
        }
        print_rows(r, &gs, fmt);
    }
    rc = out ? write_book(r, &gs, &info, out) : EXIT_OK;
done:
    jx_stats_groups_free(&gs);
    jx_ranking_free(r);
    jx_store_close(st);
    return rc;
}
