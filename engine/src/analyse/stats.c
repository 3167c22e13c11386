/*
 * stats.c - descriptive statistics (GSL), Pearson/Spearman/Kendall correlations
 * and the statistics report of a ranked run.
 *
 * GSL is called only with inputs already checked (n ≥ 2 and non-constant data
 * for the correlations, n ≥ 1 for quantiles), so its error handler is never
 * reached from this file and the module changes no global state.
 */
#include "jixiao/stats.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/analysis_int.h"

jx_err jx_stats_describe(const double *x, size_t n, jx_describe *out)
{
    if (!out) return JX_ERR_INVALID;
    *out = (jx_describe){.n = n,
                         .mean = NAN,
                         .sd = NAN,
                         .min = NAN,
                         .q1 = NAN,
                         .median = NAN,
                         .q3 = NAN,
                         .max = NAN,
                         .skewness = NAN,
                         .kurtosis = NAN};
    if (!n) return JX_OK;
    if (!x) return JX_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return JX_ERR_INVALID;
    double *s = malloc(n * sizeof *s);
    if (!s) return JX_ERR_NOMEM;
    memcpy(s, x, n * sizeof *s);
    gsl_sort(s, 1, n);
    out->mean = gsl_stats_mean(s, 1, n);
    out->min = s[0];
    out->max = s[n - 1];
    out->q1 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.25);
    out->median = gsl_stats_median_from_sorted_data(s, 1, n);
    out->q3 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.75);
    if (n >= 2) {
        out->sd = gsl_stats_sd_m(s, 1, n, out->mean);
        if (out->sd > 0 && s[0] != s[n - 1]) {
            out->skewness = gsl_stats_skew_m_sd(s, 1, n, out->mean, out->sd);
            out->kurtosis = gsl_stats_kurtosis_m_sd(s, 1, n, out->mean, out->sd);
        }
    }
    free(s);
    return JX_OK;
}

/* true when the n values are finite and not all equal */
static bool varies(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return false;
    for (size_t i = 1; i < n; i++)
        if (x[i] != x[0]) return true;
    return false;
}

double jx_stats_pearson(const double *x, const double *y, size_t n)
{
    if (!x || !y || n < 2 || !varies(x, n) || !varies(y, n)) return NAN;
    return gsl_stats_correlation(x, 1, y, 1, n);
}

double jx_stats_spearman(const double *x, const double *y, size_t n)
{
    if (!x || !y || n < 2 || !varies(x, n) || !varies(y, n)) return NAN;
    double *work = malloc(2 * n * sizeof *work);
    if (!work) return NAN;
    double r = gsl_stats_spearman(x, 1, y, 1, n, work);
    free(work);
    return r;
}

/* ---- Kendall's tau-b (Knight's algorithm) ---- */

typedef struct xy {
    double x, y;
} xy;

static int cmp_xy(const void *a, const void *b)
{
    const xy *p = a, *q = b;
    if (p->x != q->x) return p->x < q->x ? -1 : 1;
    if (p->y != q->y) return p->y < q->y ? -1 : 1;
    return 0;
}

/* Sort v[0..n) by y (stable merge sort) and return the number of swaps
 * (pairs out of order), which is the number of discordant pairs. */
static uint64_t merge_count(xy *v, xy *tmp, size_t n)
{
    if (n < 2) return 0;
    size_t h = n / 2;
    uint64_t s = merge_count(v, tmp, h) + merge_count(v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        if (v[j].y < v[i].y) {
            s += h - i; /* v[j] jumps over every remaining left element */
            tmp[k++] = v[j++];
        } else {
            tmp[k++] = v[i++];
        }
    }
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
    return s;
}

/* Σ t(t−1)/2 over runs of equal values of field f in a sorted array */
static uint64_t tied_pairs(const xy *v, size_t n, bool by_x, bool joint)
{
    uint64_t s = 0, run = 1;
    for (size_t i = 1; i <= n; i++) {
        bool same = i < n && (by_x ? v[i].x == v[i - 1].x : v[i].y == v[i - 1].y) &&
                    (!joint || (v[i].x == v[i - 1].x && v[i].y == v[i - 1].y));
        if (same) {
            run++;
        } else {
            s += run * (run - 1) / 2;
            run = 1;
        }
    }
    return s;
}

double jx_stats_kendall(const double *x, const double *y, size_t n)
{
    if (!x || !y || n < 2 || !varies(x, n) || !varies(y, n)) return NAN;
    xy *v = malloc(n * sizeof *v), *tmp = malloc(n * sizeof *tmp);
    if (!v || !tmp) {
        free(v);
        free(tmp);
        return NAN;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = (xy){x[i], y[i]};
    qsort(v, n, sizeof *v, cmp_xy);
    uint64_t n0 = (uint64_t)n * (n - 1) / 2;
    uint64_t n1 = tied_pairs(v, n, true, false); /* ties in x */
    uint64_t n3 = tied_pairs(v, n, true, true);  /* ties in both */
    uint64_t swaps = merge_count(v, tmp, n);
    uint64_t n2 = tied_pairs(v, n, false, false); /* ties in y (v is now sorted by y) */
    free(v);
    free(tmp);
    /* concordant − discordant = n0 − n1 − n2 + n3 − 2 × swaps */
    double num = (double)n0 - (double)n1 - (double)n2 + (double)n3 - 2.0 * (double)swaps;
    double den = sqrt(((double)n0 - (double)n1) * ((double)n0 - (double)n2));
    return den > 0 ? num / den : NAN;
}

/* ---- the report of a ranking ---- */

/* A grade being counted: its highest total and the order it was first seen in order the
 * grades at the end. */
typedef struct grade_tally {
    jx_stats_grade g;
    double best;
    size_t seen;
} grade_tally;

/* best first; a tie keeps the order of first appearance */
static int cmp_grade_tally(const void *a, const void *b)
{
    const grade_tally *x = a, *y = b;
    if (x->best != y->best) return x->best > y->best ? -1 : 1;
    return x->seen < y->seen ? -1 : x->seen > y->seen;
}

/* Count subject s's flags, grade and histogram bin into out (grades into tally). */
static void count_subject(jx_stats_report *out, grade_tally *tally, const jx_ranked *s)
{
    for (int f = 0; f < JX_FLAG_COUNT; f++)
        if (s->flags & (1u << f)) out->flag_count[f]++;
    /* grades beyond JX_STATS_MAX_GRADES are lumped as 其他 in the last one */
    size_t g = 0;
    while (g < out->ngrades && strcmp(tally[g].g.grade, s->grade))
        g++;
    if (g == out->ngrades) {
        if (g == JX_STATS_MAX_GRADES) {
            g--;
            tally[g].g.grade = "其他";
        } else {
            out->ngrades++;
            tally[g] =
                (grade_tally){.g = {.grade = s->grade, .count = 0}, .best = s->total, .seen = g};
        }
    }
    tally[g].g.count++;
    if (s->total > tally[g].best) tally[g].best = s->total;
    size_t bin = s->total >= 100 ? JX_STATS_BINS - 1 : s->total <= 0 ? 0 : (size_t)(s->total / 10);
    if (bin >= JX_STATS_BINS) bin = JX_STATS_BINS - 1;
    out->histogram[bin]++;
}

/* A total and its place in the ranking, to order the outliers. */
typedef struct placed_total {
    double total;
    size_t i;
} placed_total;

static int cmp_placed_total(const void *a, const void *b)
{
    const placed_total *x = a, *y = b;
    if (x->total != y->total) return x->total < y->total ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* The Tukey fences of out->d and the totals outside them, lowest first; total[k] is the total of
 * ranking row at[k]. */
static jx_err find_outliers(jx_stats_report *out, const double *total, const size_t *at, size_t n)
{
    double iqr = out->d.q3 - out->d.q1;
    out->lower_fence = out->d.q1 - 1.5 * iqr;
    out->upper_fence = out->d.q3 + 1.5 * iqr;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (total[i] < out->lower_fence || total[i] > out->upper_fence) k++;
    if (!k) return JX_OK;
    placed_total *o = malloc(k * sizeof *o);
    out->outliers = malloc(k * sizeof *out->outliers);
    if (!o || !out->outliers) {
        free(o);
        free(out->outliers);
        out->outliers = NULL;
        return JX_ERR_NOMEM;
    }
    k = 0;
    for (size_t i = 0; i < n; i++)
        if (total[i] < out->lower_fence || total[i] > out->upper_fence)
            o[k++] = (placed_total){total[i], at[i]};
    qsort(o, k, sizeof *o, cmp_placed_total);
    for (size_t j = 0; j < k; j++)
        out->outliers[j] = o[j].i;
    out->noutliers = k;
    free(o);
    return JX_OK;
}

/* Every subject of the ranking (group SIZE_MAX) or those of one group. */
#define ALL_GROUPS SIZE_MAX

/* The statistics of the rows of r in group g (ALL_GROUPS: every row). */
static jx_err report_of(const jx_ranking *r, size_t g, jx_stats_report *out)
{
    memset(out, 0, sizeof *out);
    out->weighted_mean = out->pearson_budget = out->spearman_budget = out->lower_fence =
        out->upper_fence = NAN;
    for (int f = 0; f < JX_FLAG_COUNT; f++)
        out->flag_share[f] = NAN;
    size_t nr = jx_ranking_count(r), n = 0, cap = nr ? nr : 1;
    jx_err e = JX_OK;
    double *total = malloc(cap * sizeof *total);
    double *w = malloc(cap * sizeof *w), *wx = malloc(cap * sizeof *wx);
    double *bx = malloc(cap * sizeof *bx), *by = malloc(cap * sizeof *by);
    size_t *at = malloc(cap * sizeof *at);
    grade_tally tally[JX_STATS_MAX_GRADES];
    if (!total || !w || !wx || !bx || !by || !at) {
        e = JX_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < nr; i++) {
        const jx_ranked *s = jx_ranking_at(r, i);
        if (g != ALL_GROUPS && s->group != g) continue;
        at[n] = i;
        total[n++] = s->total;
        if (s->budget > 0 && isfinite(s->budget)) {
            w[out->nweighted] = s->budget;
            wx[out->nweighted++] = s->total;
        }
        if (s->budget_scored && isfinite(s->budget_rate)) {
            bx[out->nbudget] = s->total;
            by[out->nbudget++] = s->budget_rate;
        }
        count_subject(out, tally, s);
    }
    qsort(tally, out->ngrades, sizeof *tally, cmp_grade_tally);
    for (size_t k = 0; k < out->ngrades; k++)
        out->grades[k] = tally[k].g;
    if ((e = jx_stats_describe(total, n, &out->d))) goto done;
    for (int f = 0; f < JX_FLAG_COUNT; f++)
        out->flag_share[f] = n ? (double)out->flag_count[f] / (double)n : NAN;
    if (out->nweighted) {
        double sw = 0;
        for (size_t i = 0; i < out->nweighted; i++)
            sw += w[i];
        if (sw > 0) out->weighted_mean = gsl_stats_wmean(w, 1, wx, 1, out->nweighted);
    }
    out->pearson_budget = jx_stats_pearson(bx, by, out->nbudget);
    out->spearman_budget = jx_stats_spearman(bx, by, out->nbudget);
    if (n) e = find_outliers(out, total, at, n);
done:
    free(total);
    free(w);
    free(wx);
    free(bx);
    free(by);
    free(at);
    return e;
}

jx_err jx_stats_of_ranking(const jx_ranking *r, jx_stats_report *out)
{
    if (!out) return JX_ERR_INVALID;
    return report_of(r, ALL_GROUPS, out);
}

jx_err jx_stats_of_groups(const jx_ranking *r, jx_stats_groups *out)
{
    if (!out) return JX_ERR_INVALID;
    memset(out, 0, sizeof *out);
    size_t nr = jx_ranking_count(r);
    /* the rows of a group are contiguous in display order (rank.h): one group per change */
    for (size_t i = 0; i < nr; i++)
        if (!i || jx_ranking_at(r, i)->group != jx_ranking_at(r, i - 1)->group) out->n++;
    if (!out->n) return JX_OK;
    if (!(out->group = calloc(out->n, sizeof *out->group))) {
        out->n = 0;
        return JX_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < nr; i++) {
        const jx_ranked *s = jx_ranking_at(r, i);
        if (i && s->group == jx_ranking_at(r, i - 1)->group) continue;
        jx_stats_group *o = &out->group[k++];
        o->year = s->year;
        o->projects = *s->project != '\0';
        o->group = s->group;
        o->first = i;
        jx_err e = report_of(r, s->group, &o->rep);
        if (e) {
            jx_stats_groups_free(out);
            return e;
        }
    }
    return JX_OK;
}

void jx_stats_groups_free(jx_stats_groups *g)
{
    if (!g) return;
    for (size_t k = 0; k < g->n; k++)
        jx_stats_report_free(&g->group[k].rep);
    free(g->group);
    memset(g, 0, sizeof *g);
}

void jx_stats_report_free(jx_stats_report *rep)
{
    if (!rep) return;
    free(rep->outliers);
    memset(rep, 0, sizeof *rep);
}
