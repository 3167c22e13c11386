/*
 * review_sample.c - the 抽查 list of a review: every over-claimer, then a random sample
 * stratified by budget size.
 *
 * Strata: the quartiles of 全年预算数 over the subjects whose budget execution was scored (cut
 * points Q1, median, Q3 by linear interpolation, as `stats`; a budget equal to a cut falls in the
 * lower stratum), and a fifth stratum of subjects without a budget. The random part is allocated
 * to the strata in proportion to their size (excluding the over-claimers already picked), at
 * least one to every non-empty stratum while the count allows, largest remainders first; each
 * stratum is drawn without replacement by gsl_ran_choose() over its subjects in a fixed order
 * (year, kind, 部门编码, name, project), with one gsl_rng_mt19937 seeded with the seed (folded to
 * 32 bits: seed XOR seed >> 32), strata in order Q1..Q4, no budget. So a
 * seed, the review and the count determine the sample, whatever the order the data was read in.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/review_int.h"
#include "jixiao/review.h"
#include "util/util_int.h"

struct jx_sample {
    jx_sample_pick *pick;
    size_t n, asked;
    double cut[3];
    jx_sample_stratum st[JX_SAMPLE_STRATA];
};

static int cmp_identity(const void *a, const void *b)
{
    const jx_review_subject *x = *(const jx_review_subject *const *)a;
    const jx_review_subject *y = *(const jx_review_subject *const *)b;
    return rv_cmp_identity(x->code, x->name, x->project, x->year, y->code, y->name, y->project,
                           y->year);
}

/* Quartile cuts of the budgets; false when out of memory. */
static bool budget_cuts(const jx_review *rv, double cut[3])
{
    size_t n = jx_review_count(rv), m = 0;
    cut[0] = cut[1] = cut[2] = NAN;
    double *b = malloc((n ? n : 1) * sizeof *b);
    if (!b) return false;
    for (size_t i = 0; i < n; i++) {
        const jx_review_subject *s = jx_review_at(rv, i);
        if (s->has_budget) b[m++] = s->budget;
    }
    if (m) {
        gsl_sort(b, 1, m);
        for (int k = 0; k < 3; k++)
            cut[k] = gsl_stats_quantile_from_sorted_data(b, 1, m, 0.25 * (k + 1));
    }
    free(b);
    return true;
}

static int stratum_of(const jx_review_subject *s, const double cut[3])
{
    if (!s->has_budget) return JX_SAMPLE_NO_BUDGET;
    int k = 0;
    while (k < 3 && s->budget > cut[k])
        k++;
    return k;
}

/* How many to draw from each stratum: k in all, at most avail[h] from stratum h. */
static void allocate(size_t k, const size_t avail[JX_SAMPLE_STRATA], size_t take[JX_SAMPLE_STRATA])
{
    size_t nonempty = 0, total = 0;
    for (int h = 0; h < JX_SAMPLE_STRATA; h++) {
        take[h] = 0;
        nonempty += avail[h] > 0;
        total += avail[h];
    }
    if (k >= total) {
        memcpy(take, avail, JX_SAMPLE_STRATA * sizeof *take);
        return;
    }
    if (k >= nonempty)
        for (int h = 0; h < JX_SAMPLE_STRATA; h++)
            if (avail[h]) take[h] = 1, k--;
    while (k) { /* proportional to what is left, largest remainders first, capped */
        size_t room = 0;
        for (int h = 0; h < JX_SAMPLE_STRATA; h++)
            room += avail[h] - take[h];
        double rem[JX_SAMPLE_STRATA];
        size_t given = 0;
        for (int h = 0; h < JX_SAMPLE_STRATA; h++) {
            double q = (double)k * (double)(avail[h] - take[h]) / (double)room;
            size_t whole = (size_t)q;
            take[h] += whole;
            given += whole;
            rem[h] = avail[h] > take[h] ? q - (double)whole : -1;
        }
        for (k -= given; k;) { /* one more to each of the largest remainders */
            int best = -1;
            for (int h = 0; h < JX_SAMPLE_STRATA; h++)
                if (rem[h] >= 0 && (best < 0 || rem[h] > rem[best])) best = h;
            if (best < 0) break; /* the loop above hands out the rest */
            take[best]++, k--, rem[best] = -1;
        }
    }
}

/* Draw take[h] of the eligible subjects of each stratum into sm->pick. */
static bool draw(jx_sample *sm, const jx_review_subject **elig, size_t nelig, const int *stratum,
                 const size_t take[JX_SAMPLE_STRATA], uint64_t seed)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    const jx_review_subject **pool = malloc((nelig ? nelig : 1) * sizeof *pool);
    const jx_review_subject **chosen = malloc((nelig ? nelig : 1) * sizeof *chosen);
    bool ok = rng && pool && chosen;
    if (ok) gsl_rng_set(rng, (unsigned long)((seed ^ seed >> 32) & 0xffffffffu)); /* MT: 32 bits */
    for (int h = 0; ok && h < JX_SAMPLE_STRATA; h++) {
        size_t m = 0;
        for (size_t i = 0; i < nelig; i++)
            if (stratum[i] == h) pool[m++] = elig[i];
        if (!take[h]) continue;
        if (take[h] < m)
            gsl_ran_choose(rng, chosen, take[h], pool, m, sizeof *pool);
        else
            memcpy(chosen, pool, m * sizeof *pool);
        for (size_t i = 0; i < take[h]; i++)
            sm->pick[sm->n++] = (jx_sample_pick){chosen[i], JX_SAMPLE_RANDOM, h};
        sm->st[h].drawn = take[h];
    }
    gsl_rng_free(rng);
    free(pool);
    free(chosen);
    return ok;
}

/* The subjects that are not over-claimers, in the fixed order, with their strata. */
static jx_err pick_all(const jx_review *rv, jx_sample *sm, size_t asked, uint64_t seed)
{
    size_t n = jx_review_count(rv), nelig = 0;
    const jx_review_subject **elig = malloc((n ? n : 1) * sizeof *elig);
    int *stratum = malloc((n ? n : 1) * sizeof *stratum);
    jx_err e = elig && stratum ? JX_OK : JX_ERR_NOMEM;
    size_t avail[JX_SAMPLE_STRATA] = {0};
    for (size_t i = 0; !e && i < n; i++) { /* the review's order: over-claimers by gap */
        const jx_review_subject *s = jx_review_at(rv, i);
        jx_sample_stratum *st = &sm->st[stratum_of(s, sm->cut)];
        st->population++;
        if (s->has_budget && (isnan(st->min) || s->budget < st->min)) st->min = s->budget;
        if (s->has_budget && (isnan(st->max) || s->budget > st->max)) st->max = s->budget;
        if (s->flags & JX_REVIEW_OVER_CLAIMED) {
            st->over++;
            sm->pick[sm->n++] = (jx_sample_pick){s, JX_SAMPLE_OVER_CLAIMED, stratum_of(s, sm->cut)};
        } else {
            elig[nelig++] = s;
        }
    }
    if (!e) {
        qsort(elig, nelig, sizeof *elig, cmp_identity);
        for (size_t i = 0; i < nelig; i++)
            avail[stratum[i] = stratum_of(elig[i], sm->cut)]++;
        size_t take[JX_SAMPLE_STRATA];
        allocate(asked > sm->n ? asked - sm->n : 0, avail, take);
        if (!draw(sm, elig, nelig, stratum, take, seed)) e = JX_ERR_NOMEM;
    }
    free(elig);
    free(stratum);
    return e;
}

jx_err jx_sample_draw(const jx_review *rv, const jx_sample_opts *opts, jx_sample **out,
                      jx_errmsg *msg)
{
    if (!out) return jx_msg(msg, JX_ERR_INVALID, "jx_sample_draw: out is NULL");
    *out = NULL;
    if (!rv || !opts) return jx_msg(msg, JX_ERR_INVALID, "jx_sample_draw: NULL argument");
    size_t n = jx_review_count(rv), asked = opts->count;
    if (!asked) {
        if (!(opts->rate > 0 && opts->rate <= 1))
            return jx_msg(msg, JX_ERR_INVALID,
                          "give a count of subjects to check, or a rate in (0, 1]");
        asked = (size_t)ceil(opts->rate * (double)n - 1e-9);
    }
    jx_sample *sm = calloc(1, sizeof *sm);
    if (sm) sm->pick = malloc((n ? n : 1) * sizeof *sm->pick);
    if (!sm || !sm->pick || !budget_cuts(rv, sm->cut)) {
        jx_sample_free(sm);
        return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    }
    sm->asked = asked;
    for (int h = 0; h < JX_SAMPLE_STRATA; h++)
        sm->st[h].min = sm->st[h].max = NAN;
    jx_err e = pick_all(rv, sm, asked, opts->seed);
    if (e) {
        jx_sample_free(sm);
        return jx_msg(msg, e, "out of memory");
    }
    *out = sm;
    return JX_OK;
}

size_t jx_sample_count(const jx_sample *sm)
{
    return sm ? sm->n : 0;
}

const jx_sample_pick *jx_sample_at(const jx_sample *sm, size_t i)
{
    return sm && i < sm->n ? &sm->pick[i] : NULL;
}

const jx_sample_stratum *jx_sample_stratum_at(const jx_sample *sm, int k)
{
    return sm && k >= 0 && k < JX_SAMPLE_STRATA ? &sm->st[k] : NULL;
}

size_t jx_sample_asked(const jx_sample *sm, double cut[3])
{
    if (!sm) return 0;
    if (cut) memcpy(cut, sm->cut, sizeof sm->cut);
    return sm->asked;
}

void jx_sample_free(jx_sample *sm)
{
    if (!sm) return;
    free(sm->pick);
    free(sm);
}
