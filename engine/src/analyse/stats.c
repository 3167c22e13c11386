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

static int cmp_by_total(const void *a, const void *b, const jx_ranking *r)
{
    double x = jx_ranking_at(r, *(const size_t *)a)->total,
           y = jx_ranking_at(r, *(const size_t *)b)->total;
    if (x != y) return x < y ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* insertion sort of the (few) outliers by total: qsort has no context argument in C11 */
static void sort_outliers(size_t *o, size_t n, const jx_ranking *r)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp_by_total(&o[j - 1], &o[j], r) > 0; j--) {
            size_t t = o[j];
            o[j] = o[j - 1];
            o[j - 1] = t;
        }
}

jx_err jx_stats_of_ranking(const jx_ranking *r, jx_stats_report *out)
{
    if (!out) return JX_ERR_INVALID;
    memset(out, 0, sizeof *out);
    out->weighted_mean = out->pearson_budget = out->spearman_budget = out->lower_fence =
        out->upper_fence = NAN;
    for (int f = 0; f < JX_FLAG_COUNT; f++)
        out->flag_share[f] = NAN;
    size_t n = jx_ranking_count(r);
    jx_err e = JX_OK;
    double *total = malloc((n ? n : 1) * sizeof *total);
    double *w = malloc((n ? n : 1) * sizeof *w), *wx = malloc((n ? n : 1) * sizeof *wx);
    double *bx = malloc((n ? n : 1) * sizeof *bx), *by = malloc((n ? n : 1) * sizeof *by);
    double gmax[JX_STATS_MAX_GRADES] = {0};
    if (!total || !w || !wx || !bx || !by) {
        e = JX_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const jx_ranked *s = jx_ranking_at(r, i);
        total[i] = s->total;
        if (s->budget > 0 && isfinite(s->budget)) {
            w[out->nweighted] = s->budget;
            wx[out->nweighted++] = s->total;
        }
        if (s->budget_scored && isfinite(s->budget_rate)) {
            bx[out->nbudget] = s->total;
            by[out->nbudget++] = s->budget_rate;
        }
        for (int f = 0; f < JX_FLAG_COUNT; f++)
            if (s->flags & (1u << f)) out->flag_count[f]++;
        /* grades, best first by the highest total that earned them; overflow lumped as 其他 */
        size_t g = 0;
        while (g < out->ngrades && strcmp(out->grades[g].grade, s->grade))
            g++;
        if (g == out->ngrades) {
            if (g == JX_STATS_MAX_GRADES) {
                g--;
                out->grades[g].grade = "其他";
            } else {
                out->ngrades++;
                out->grades[g].grade = s->grade;
                out->grades[g].count = 0;
                gmax[g] = s->total;
            }
        }
        out->grades[g].count++;
        if (s->total > gmax[g]) gmax[g] = s->total;
        size_t bin = s->total >= 100 ? JX_STATS_BINS - 1
                     : s->total <= 0 ? 0
                                     : (size_t)(s->total / 10);
        if (bin >= JX_STATS_BINS) bin = JX_STATS_BINS - 1;
        out->histogram[bin]++;
    }
    for (size_t a = 1; a < out->ngrades; a++) /* a handful: insertion sort */
        for (size_t b = a; b > 0 && gmax[b] > gmax[b - 1]; b--) {
            double t = gmax[b];
            gmax[b] = gmax[b - 1];
            gmax[b - 1] = t;
            jx_stats_grade tg = out->grades[b];
            out->grades[b] = out->grades[b - 1];
            out->grades[b - 1] = tg;
        }
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
    if (n) {
        double iqr = out->d.q3 - out->d.q1;
        out->lower_fence = out->d.q1 - 1.5 * iqr;
        out->upper_fence = out->d.q3 + 1.5 * iqr;
        for (size_t i = 0; i < n; i++)
            if (total[i] < out->lower_fence || total[i] > out->upper_fence) out->noutliers++;
        if (out->noutliers) {
            out->outliers = malloc(out->noutliers * sizeof *out->outliers);
            if (!out->outliers) {
                out->noutliers = 0;
                e = JX_ERR_NOMEM;
                goto done;
            }
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                if (total[i] < out->lower_fence || total[i] > out->upper_fence)
                    out->outliers[k++] = i;
            sort_outliers(out->outliers, k, r);
        }
    }
done:
    free(total);
    free(w);
    free(wx);
    free(bx);
    free(by);
    return e;
}

void jx_stats_report_free(jx_stats_report *rep)
{
    if (!rep) return;
    free(rep->outliers);
    memset(rep, 0, sizeof *rep);
}
