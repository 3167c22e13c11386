/**
 * @file score.h
 * @brief Score one indicator: parsed target and actual, weight, rule set → ratio and points.
 *
 * Pure functions, no I/O, no allocation. The ratio r is in [0, 1] and
 * points = weight × r; how r was found is kept in ::jx_score so that
 * jx_score_explain() can write a one-line account for the auditor, e.g.
 * `186/200 = 0.93 × 2.78 = 2.58`. The formulas are in docs/scoring.md.
 */
#ifndef JIXIAO_SCORE_H
#define JIXIAO_SCORE_H

#include <stdbool.h>
#include <stddef.h>

#include "jixiao/error.h"
#include "jixiao/ruleset.h"
#include "jixiao/value.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Flags: warnings for the auditor, never errors. Bit values are stored; append only. */
typedef enum jx_flag {
    JX_FLAG_MISSING_REASON = 1u << 0, /**< r < 1 and no 偏差原因 */
    JX_FLAG_OVERSHOOT = 1u << 1,      /**< >= target exceeded beyond the threshold: set too low? */
    JX_FLAG_PLACEHOLDER_TARGET = 1u << 2, /**< target was a placeholder (`XX`, `**平米`) */
    JX_FLAG_RESCALED = 1u << 3,           /**< subject: scored weights do not add up to 100 */
    JX_FLAG_BUDGET_MISMATCH = 1u << 4, /**< subject: score rate exceeds 执行率 by > 5% of itself */
    JX_FLAG_ALL_FULL_MARKS = 1u << 5, /**< subject: every indicator at full marks (inflation?) */
    JX_FLAG_MISSING_ACTUAL = 1u << 6, /**< no actual reported: scored 0 */
    JX_FLAG_UNCLEAR_ACTUAL = 1u << 7, /**< actual word matched no band word: read as 达成 */
    JX_FLAG_INFERRED_DIRECTION = 1u << 8, /**< an unsigned number target read as ≤ because its
                                               name says lower is better (rule set [direction]) */
    JX_FLAG_STATEMENT_ACTUAL = 1u << 9, /**< a statement (`完成`) for a number: nothing measured */
    JX_FLAG_ACTUAL_OPERATOR = 1u << 10, /**< an actual written with an operator (`≥90%`): read
                                             as its number */
    JX_FLAG_UNSCORABLE = 1u << 11       /**< the actual cannot be compared with the target (units
                                             `件` against `%`, …): 0 points, for review */
} jx_flag;

/** Number of defined flag bits. */
#define JX_FLAG_COUNT 12

/** @brief Name of one flag bit (`missing_reason`, ...), or "" for an unknown bit. Static. */
JX_API const char *jx_flag_name(unsigned flag);

/** @brief Chinese description of one flag bit (`未填写偏差原因`, ...), or "". Static. */
JX_API const char *jx_flag_label(unsigned flag);

/**
 * @brief Comma-separated names of the set flags, like snprintf.
 * @return the length needed (excluding NUL).
 */
JX_API size_t jx_flags_str(unsigned flags, char *buf, size_t cap);

/** How the ratio was obtained (for explanations and the workbook's formulas). */
typedef enum jx_method {
    JX_M_NA = 0,     /**< target n/a: excluded, not scored */
    JX_M_MISSING,    /**< no actual: 0 */
    JX_M_MET,        /**< target met: 1 */
    JX_M_RATIO_UP,   /**< >= missed: a / t */
    JX_M_RATIO_DOWN, /**< <= missed: t / a */
    JX_M_DEVIATION,  /**< 1 − |a − t| / t (=, or <= under the deviation formula) */
    JX_M_ZERO,       /**< 0 by rule (t = 0 missed, = under binary, overshoot zeroed) */
    JX_M_FREQUENCY,  /**< count / per-year count */
    JX_M_LATE,       /**< deadline missed: the rule set's late ratio */
    JX_M_GRADE,      /**< value(actual grade) / value(target grade) */
    JX_M_BAND,       /**< band of a word actual (or its explicit rate) */
    JX_M_TIERS,      /**< override: tiered table */
    JX_M_DEDUCT,     /**< override: per-unit deduction */
    JX_M_OVERSHOOT,  /**< overshoot deduction applied */
    JX_M_STATEMENT,  /**< a statement actual (`完成`) on a number target: the rule set's ratio */
    JX_M_UNSCORABLE  /**< the actual cannot be compared with the target: 0 (jx_aggregate; the
                          score's detail is the ::jx_err that jx_score_indicator() gave) */
} jx_method;

/** One indicator to score. Strings are borrowed for the duration of the call. */
typedef struct jx_indicator {
    const char *level1; /**< 一级指标 as written (aliases are applied by the aggregator) */
    const char *level2; /**< 二级指标 */
    const char *level3; /**< 三级指标: matched against the rule set's overrides */
    jx_value target;    /**< parsed 指标值 */
    jx_value actual;    /**< parsed 实际完成值; ignored when !has_actual */
    bool has_actual;    /**< an actual row exists */
    bool has_reason;    /**< a 偏差原因 was given */
    bool has_weight;    /**< a weight was given in the table */
    double weight;      /**< the weight given; with !has_weight the aggregator sets it */
    int year;           /**< the record's year: completes deadlines written without one */
} jx_indicator;

/** The score of one indicator. Plain value owned by the caller. */
typedef struct jx_score {
    bool scored;      /**< false: n/a target, left out of the total */
    jx_method method; /**< how ratio was found */
    double weight;    /**< weight used */
    double ratio;     /**< in [0, 1] */
    double points;    /**< weight × ratio */
    double a,
        t;      /**< the numbers compared, in the target's unit (actual converted), where numeric */
    int detail; /**< band (0 达成, 1 部分达成, 2 未达成) for ::JX_M_BAND; tier index for
                   ::JX_M_TIERS; the ::jx_op applied for other methods on number targets */
    unsigned flags; /**< ::jx_flag bits */
} jx_score;

/**
 * @brief Score one indicator under a rule set.
 *
 * @param rs   the rule set
 * @param ind  the indicator; its weight must already be final (see jx_aggregate())
 * @param out  receives the score; zeroed on failure
 * @param msg  optional; on failure names the indicator and the problem
 * @return ::JX_OK; ::JX_ERR_UNIT when target and actual units are not comparable
 *         (`%` against `件`); ::JX_ERR_PARSE when the actual's kind cannot be scored
 *         against the target's (a word for a number target) or an explicit band rate
 *         lies outside its band; ::JX_ERR_INVALID for NULL arguments.
 */
JX_API jx_err jx_score_indicator(const jx_ruleset *rs, const jx_indicator *ind, jx_score *out,
                                 jx_errmsg *msg);

/**
 * @brief A one-line account of how the points were found, like snprintf.
 *
 * In Chinese, with operator signs (docs/scoring.md §2.6): `186/200 = 0.93 × 2.78 = 2.58`,
 * `98% ≥ 95%，达标 → 1 × 3 = 3`, `良/优 = 0.8/1 = 0.8 × 5 = 4`, `部分达成 = 0.7 × 6 = 4.2`,
 * `不适用，不计分`. A cut line keeps whole characters. Rounded points (rule set `[rounding]`)
 * are noted: `…= 9.0909，按规则舍入为 9.1`.
 * @return the length needed (excluding NUL).
 */
JX_API size_t jx_score_explain(const jx_score *s, const jx_indicator *ind, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_SCORE_H */
