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

jx_err jx_aggregate(const jx_ruleset *rs, const jx_indicator *inds, size_t n,
                    const jx_budget *budget, jx_score *scores, jx_result *res, jx_errmsg *msg)
{
    if (!res) return jx_msg(msg, JX_ERR_INVALID, "jx_aggregate: res is NULL");
    memset(res, 0, sizeof *res);
    if (!rs || (n && (!inds || !scores)))
        return jx_msg(msg, JX_ERR_INVALID, "jx_aggregate: NULL argument");

    /* 1. which indicators are scored, and were weights given on all, none or some? */
    size_t nscored = 0, ngiven = 0;
    int count[RS_MAX_L1] = {0};
    for (size_t i = 0; i < n; i++) {
        if (inds[i].target.kind == JX_KIND_NA) continue;
        nscored++;
        if (inds[i].has_weight) {
            ngiven++;
            if (!isfinite(inds[i].weight) || inds[i].weight < 0)
                return jx_msg(msg, JX_ERR_WEIGHTS, "%s: weight %g is not a number >= 0",
                              name_of(&inds[i]), inds[i].weight);
        }
    }
    bool defaulted = ngiven == 0;
    if (ngiven && ngiven != nscored)
        return jx_msg(msg, JX_ERR_WEIGHTS,
                      "weights are given on %zu of %zu scored indicators: give all or none", ngiven,
                      nscored);
    l1memo memo = {0};
    if (defaulted) {
        for (size_t i = 0; i < n; i++) {
            if (inds[i].target.kind == JX_KIND_NA) continue;
            int k;
            const char *l1 = level1_of(rs, &memo, &inds[i], &k);
            if (k < 0)
                return jx_msg(msg, JX_ERR_WEIGHTS,
                              "%s: 一级指标 \"%s\" has no default weight in rule set %s; give "
                              "weights in the 权重 column",
                              name_of(&inds[i]), l1, rs->name);
            count[k]++;
        }
    }

    /* 2. base weights, then what-if level-1 weights imposed by scaling */
    double imposed_sum[RS_MAX_L1] = {0};
    bool any_imposed = false;
    for (int k = 0; k < rs->nl1; k++)
        any_imposed |= rs->l1[k].imposed;
    for (size_t i = 0; i < n; i++) {
        if (inds[i].target.kind == JX_KIND_NA) {
            scores[i].weight = 0;
            continue;
        }
        double w;
        if (defaulted) {
            int k;
            level1_of(rs, &memo, &inds[i], &k);
            w = rs->l1[k].weight / count[k];
        } else {
            w = inds[i].weight;
        }
        scores[i].weight = w;
        if (any_imposed) {
            int k;
            level1_of(rs, &memo, &inds[i], &k);
            if (k >= 0 && rs->l1[k].imposed) imposed_sum[k] += w;
        }
    }

    /* 3. score */
    bool all_full = nscored > 0;
    for (size_t i = 0; i < n; i++) {
        const jx_indicator *ind = &inds[i];
        double w = scores[i].weight;
        int k;
        const char *l1 = level1_of(rs, &memo, ind, &k);
        if (any_imposed) {
            if (k >= 0 && rs->l1[k].imposed && imposed_sum[k] > 0)
                w = w * rs->l1[k].weight / imposed_sum[k];
        }
        jx_err e = jx_score_weighted(rs, ind, w, &scores[i], msg);
        if (e) {
            memset(res, 0, sizeof *res);
            return e;
        }
        res->flags |= scores[i].flags;
        if (!scores[i].scored) {
            res->nna++;
            continue;
        }
        res->nscored++;
        res->ind_weight += scores[i].weight;
        res->ind_points += scores[i].points;
        if (scores[i].ratio < 1 - 1e-12) all_full = false;
        int a = subtotal(res, l1, NULL);
        int b = a < 0 ? -1 : subtotal(res, l1, ind->level2 ? ind->level2 : "");
        if (a < 0 || b < 0) {
            memset(res, 0, sizeof *res);
            return jx_msg(msg, JX_ERR_LIMIT,
                          "more than %d level-1 and level-2 groups in one subject",
                          JX_MAX_SUBTOTALS);
        }
        res->sub[a].weight += scores[i].weight;
        res->sub[a].points += scores[i].points;
        res->sub[b].weight += scores[i].weight;
        res->sub[b].points += scores[i].points;
    }

    /* 4. budget execution */
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

    /* 5. total, grade, subject flags */
    res->total = res->weight_sum > 0 ? 100 * res->points_sum / res->weight_sum : 0;
    res->grade = jx_ruleset_grade(rs, res->total);
    if (fabs(res->weight_sum - 100) > 1e-6) res->flags |= JX_FLAG_RESCALED;
    if (all_full) res->flags |= JX_FLAG_ALL_FULL_MARKS;
    if (res->budget_scored && res->ind_weight > 0) {
        double rate = res->ind_points / res->ind_weight;
        if (rate > 0 && (rate - res->budget_rate) / rate > rs->budget_mismatch)
            res->flags |= JX_FLAG_BUDGET_MISMATCH;
    }
    return JX_OK;
}
