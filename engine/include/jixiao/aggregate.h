/**
 * @file aggregate.h
 * @brief A subject's total: weights, budget execution, n/a exclusion, rescaling, grade, flags.
 *
 * A subject is a department as a whole (部门整体) or one of its projects. Given
 * its indicators and budget figures, jx_aggregate() settles the weights (given,
 * defaulted from the rule set's level-1 weights, or an error when only some are
 * given), scores every indicator, adds budget execution, and computes
 * total = 100 × Σ points / Σ weights over the scored items, the grade, level-1
 * and level-2 subtotals and the subject's flags. Pure; no I/O, no allocation.
 */
#ifndef JIXIAO_AGGREGATE_H
#define JIXIAO_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>

#include "jixiao/error.h"
#include "jixiao/ruleset.h"
#include "jixiao/score.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Budget execution (预算执行情况) of a subject, in 万元. */
typedef struct jx_budget {
    bool present;   /**< false: no budget data, budget execution is n/a */
    double initial; /**< 年初预算数 */
    double budget;  /**< 全年预算数: the base of 执行率 */
    double spent;   /**< 全年执行数 */
} jx_budget;

/** Most subtotals (level-1 plus level-2) one subject may have. */
#define JX_MAX_SUBTOTALS 64

/** A level-1 (level2 == NULL) or level-2 subtotal. */
typedef struct jx_subtotal {
    const char
        *level1; /**< canonical level-1 name: owned by the rule set or borrowed from an indicator */
    const char *level2; /**< borrowed from an indicator; NULL for a level-1 subtotal */
    double weight;      /**< Σ weights of its scored indicators */
    double points;      /**< Σ points */
} jx_subtotal;

/** The result for one subject. Plain value owned by the caller; its strings are borrowed (see
 * fields). */
typedef struct jx_result {
    double total;         /**< 100 × points_sum / weight_sum; 0 when nothing was scored */
    const char *grade;    /**< 优 良 中 差 from the rule set's bands; owned by the rule set */
    unsigned flags;       /**< subject flags OR'd with every indicator's flags (::jx_flag) */
    double weight_sum;    /**< Σ weights of the scored items, budget included */
    double points_sum;    /**< Σ points of the scored items, budget included */
    double ind_weight;    /**< Σ weights of scored indicators (budget excluded) */
    double ind_points;    /**< Σ points of scored indicators */
    bool budget_scored;   /**< budget execution was scored */
    double budget_rate;   /**< 执行率 = spent / budget (unclamped) */
    double budget_weight; /**< the rule set's budget weight, when scored */
    double budget_points; /**< budget_weight × min(1, rate) */
    size_t nscored;       /**< indicators scored */
    size_t nna;           /**< indicators left out as n/a */
    size_t nsub;          /**< subtotals in sub[] */
    jx_subtotal
        sub[JX_MAX_SUBTOTALS]; /**< level-1 and level-2 subtotals in order of first appearance */
} jx_result;

/**
 * @brief Score and total one subject.
 *
 * @param rs      the rule set
 * @param inds    @p n indicators of the subject (weights as given: has_weight/weight)
 * @param n       number of indicators (0 is allowed: only the budget, if any, is scored)
 * @param budget  the budget figures, or NULL for none
 * @param scores  receives @p n scores (caller-allocated); scores[i].weight is the weight used
 * @param res     receives the total
 * @param msg     optional; on failure says which indicator and why
 * An indicator that jx_score_indicator() cannot score (its actual is not comparable with its
 * target: `96件` against `≥95%`, a rate outside a band) is no error of the subject: it scores 0
 * of its weight (method ::JX_M_UNSCORABLE, detail the ::jx_err, flag ::JX_FLAG_UNSCORABLE, also
 * in the result's flags), and the rest is totalled. A caller that wants it to be an error checks
 * the flag (jx_run_opts.strict does).
 * @return ::JX_OK; ::JX_ERR_WEIGHTS when weights are given on some but not all scored
 *         indicators, a weight is negative or not finite, or a level-1 has no default
 *         weight; ::JX_ERR_LIMIT over ::JX_MAX_SUBTOTALS; ::JX_ERR_INVALID.
 *         On failure @p res is zeroed and @p scores are unspecified.
 */
JX_API jx_err jx_aggregate(const jx_ruleset *rs, const jx_indicator *inds, size_t n,
                           const jx_budget *budget, jx_score *scores, jx_result *res,
                           jx_errmsg *msg);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_AGGREGATE_H */
