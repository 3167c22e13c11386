/*
 * aggregate.c - a subject's total from its indicators and budget execution.
 *
 * Order of work: settle weights (all given, none given → level-1 defaults split
 * equally among that level-1's scored indicators, some given → error), impose
 * what-if level-1 weights, score every indicator, add budget execution, then
 * total, grade, subtotals and flags (docs/scoring.md).
 */
#include "jixiao/aggregate.h"

#include <math.h>
#include <string.h>

#include "model/ruleset_int.h"
#include "model/score_int.h"
#include "util/util_int.h"

static const char *name_of(const jx_indicator *ind)
{
    return ind->level3 && *ind->level3 ? ind->level3 : "(unnamed indicator)";
}

/* Index of the subtotal (l1, l2), added when new; -1 when the table is full. */
/* The canonical level-1 name and its index in the rule set, remembered for the
 * previous name: rows come grouped by level 1, and the alias lookup is the most
 * expensive step of aggregation otherwise. */
typedef struct l1memo {
    const char *in, *out;
    int k;
} l1memo;

static const char *level1_of(const jx_ruleset *rs, l1memo *m, const jx_indicator *ind, int *k)
{
    const char *name = ind->level1 ? ind->level1 : "";
    if (!m->in || (m->in != name && strcmp(m->in, name))) {
        m->in = name;
        m->out = jx_ruleset_canonical_level1(rs, name);
        m->k = rs_level1_index(rs, m->out);
    }
    if (k) *k = m->k;
    return m->out;
}

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static int subtotal(jx_result *res, const char *l1, const char *l2)
{
    /* rows come grouped by level: look at the newest subtotals first */
    for (size_t i = res->nsub; i-- > 0;) {
        const jx_subtotal *s = &res->sub[i];
        if (same(s->level2, l2) && same(s->level1, l1)) return (int)i;
    }
    if (res->nsub >= JX_MAX_SUBTOTALS) return -1;
    res->sub[res->nsub] = (jx_subtotal){.level1 = l1, .level2 = l2};
    return (int)res->nsub++;
}

/* Step 1: which indicators are scored, and were weights given on all, none or some? With none,
 * count[k] is how many scored indicators level 1 k has (the default weight is shared out). */
static jx_err check_weights(const jx_ruleset *rs, const jx_indicator *inds, size_t n, l1memo *memo,
                            int *count, bool *defaulted, size_t *nscored, jx_errmsg *msg)
{
    size_t ngiven = 0;
    *nscored = 0;
    for (size_t i = 0; i < n; i++) {
        if (inds[i].target.kind == JX_KIND_NA) continue;
        ++*nscored;
        if (inds[i].has_weight) {
            ngiven++;
            if (!isfinite(inds[i].weight) || inds[i].weight < 0)
                return jx_msg(msg, JX_ERR_WEIGHTS, "%s: weight %g is not a number >= 0",
                              name_of(&inds[i]), inds[i].weight);
        }
    }
    *defaulted = ngiven == 0;
    if (ngiven && ngiven != *nscored)
        return jx_msg(msg, JX_ERR_WEIGHTS,
                      "weights are given on %zu of %zu scored indicators: give all or none", ngiven,
                      *nscored);
    if (!*defaulted) return JX_OK;
    for (size_t i = 0; i < n; i++) {
        if (inds[i].target.kind == JX_KIND_NA) continue;
        int k;
        const char *l1 = level1_of(rs, memo, &inds[i], &k);
        if (k < 0)
            return jx_msg(msg, JX_ERR_WEIGHTS,
                          "%s: 一级指标 \"%s\" has no default weight in rule set %s; give "
                          "weights in the 权重 column",
                          name_of(&inds[i]), l1, rs->name);
        count[k]++;
    }
    return JX_OK;
}

/* Step 2: each indicator's base weight into scores[i].weight, and per level 1 the sum of those
 * under a what-if imposed level-1 weight (imposed_sum), which step 3 scales to it. */
static bool base_weights(const jx_ruleset *rs, const jx_indicator *inds, size_t n, l1memo *memo,
                         const int *count, bool defaulted, jx_score *scores, double *imposed_sum)
{
    bool any_imposed = false;
    for (int k = 0; k < rs->nl1; k++)
        any_imposed |= rs->l1[k].imposed;
    for (size_t i = 0; i < n; i++) {
        if (inds[i].target.kind == JX_KIND_NA) {
            scores[i].weight = 0;
            continue;
        }
        int k;
        level1_of(rs, memo, &inds[i], &k);
        double w = defaulted ? rs->l1[k].weight / count[k] : inds[i].weight;
        scores[i].weight = w;
        if (any_imposed && k >= 0 && rs->l1[k].imposed) imposed_sum[k] += w;
    }
    return any_imposed;
}

/* One indicator scored at weight w. One that cannot be scored (its actual is not comparable with
 * its target: 件 against %, a rate outside a band) scores 0 of its weight, flagged: the subject's
 * other indicators and the run go on (the strict caller looks for the flag). */
static jx_err score_one(const jx_ruleset *rs, const jx_indicator *ind, double w, jx_score *sc)
{
    jx_err e = jx_score_weighted(rs, ind, w, sc, NULL);
    if (!e || e == JX_ERR_INVALID || e == JX_ERR_NOMEM) return e;
    *sc = (jx_score){.scored = true,
                     .method = JX_M_UNSCORABLE,
                     .weight = w,
                     .detail = (int)e,
                     .flags = JX_FLAG_UNSCORABLE};
    return JX_OK;
}

/* Step 3: score every indicator and add it to the sums and subtotals. */
static jx_err score_all(const jx_ruleset *rs, const jx_indicator *inds, size_t n, l1memo *memo,
                        bool any_imposed, const double *imposed_sum, jx_score *scores,
                        jx_result *res, bool *all_full, jx_errmsg *msg)
{
    *all_full = true;
    for (size_t i = 0; i < n; i++) {
        const jx_indicator *ind = &inds[i];
        double w = scores[i].weight;
        int k;
        const char *l1 = level1_of(rs, memo, ind, &k);
        if (any_imposed && k >= 0 && rs->l1[k].imposed && imposed_sum[k] > 0)
            w = w * rs->l1[k].weight / imposed_sum[k];
        jx_err e = score_one(rs, ind, w, &scores[i]);
        if (e) return jx_msg(msg, e, "%s: cannot be scored", name_of(ind));
        res->flags |= scores[i].flags;
        if (!scores[i].scored) {
            res->nna++;
            continue;
        }
        res->nscored++;
        res->ind_weight += scores[i].weight;
        res->ind_points += scores[i].points;
        if (scores[i].ratio < 1 - 1e-12) *all_full = false;
        int a = subtotal(res, l1, NULL);
        int b = a < 0 ? -1 : subtotal(res, l1, ind->level2 ? ind->level2 : "");
        if (a < 0 || b < 0)
            return jx_msg(msg, JX_ERR_LIMIT,
                          "more than %d level-1 and level-2 groups in one subject",
                          JX_MAX_SUBTOTALS);
        res->sub[a].weight += scores[i].weight;
        res->sub[a].points += scores[i].points;
        res->sub[b].weight += scores[i].weight;
        res->sub[b].points += scores[i].points;
    }
    return JX_OK;
}

/* Steps 4 and 5: budget execution, then total, grade and the subject's flags. */
static void finish(const jx_ruleset *rs, const jx_budget *budget, bool all_full, jx_result *res)
{
    res->weight_sum = res->ind_weight;
    res->points_sum = res->ind_points;
    if (budget && budget->present && budget->budget > 0 && rs->budget_weight > 0 &&
        isfinite(budget->spent)) {
        res->budget_scored = true;
        res->budget_rate = budget->spent / budget->budget;
        res->budget_weight = rs->budget_weight;
        double r = res->budget_rate < 0 ? 0 : res->budget_rate > 1 ? 1 : res->budget_rate;
        res->budget_points = rs_round_points(rs, rs->budget_weight * r); /* [rounding] */
        res->weight_sum += res->budget_weight;
        res->points_sum += res->budget_points;
    }
    res->total = res->weight_sum > 0 ? 100 * res->points_sum / res->weight_sum : 0;
    res->grade = jx_ruleset_grade(rs, res->total);
    if (fabs(res->weight_sum - 100) > 1e-6) res->flags |= JX_FLAG_RESCALED;
    if (all_full) res->flags |= JX_FLAG_ALL_FULL_MARKS;
    if (res->budget_scored && res->ind_weight > 0) {
        double rate = res->ind_points / res->ind_weight;
        if (rate > 0 && (rate - res->budget_rate) / rate > rs->budget_mismatch)
            res->flags |= JX_FLAG_BUDGET_MISMATCH;
    }
}

jx_err jx_aggregate(const jx_ruleset *rs, const jx_indicator *inds, size_t n,
                    const jx_budget *budget, jx_score *scores, jx_result *res, jx_errmsg *msg)
{
    if (!res) return jx_msg(msg, JX_ERR_INVALID, "jx_aggregate: res is NULL");
    memset(res, 0, sizeof *res);
    if (!rs || (n && (!inds || !scores)))
        return jx_msg(msg, JX_ERR_INVALID, "jx_aggregate: NULL argument");
    l1memo memo = {0};
    int count[RS_MAX_L1] = {0};
    double imposed_sum[RS_MAX_L1] = {0};
    bool defaulted = false, all_full = false;
    size_t nscored = 0;
    jx_err e = check_weights(rs, inds, n, &memo, count, &defaulted, &nscored, msg);
    if (!e) {
        bool any_imposed = base_weights(rs, inds, n, &memo, count, defaulted, scores, imposed_sum);
        e = score_all(rs, inds, n, &memo, any_imposed, imposed_sum, scores, res, &all_full, msg);
    }
    if (e) {
        memset(res, 0, sizeof *res);
        return e;
    }
    finish(rs, budget, all_full && nscored > 0, res);
    return JX_OK;
}
