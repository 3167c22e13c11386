/**
 * @file review.h
 * @brief The finance bureau's review (复核): the departments' own scores against the rules,
 * the 抽查 sample, what changed between two runs, and a department's years side by side.
 *
 * Under 财预〔2020〕10号 a department scores itself (自评得分 per indicator, 自评总分) and the
 * bureau checks a sample of the self-evaluations for scores the rules do not support (虚高).
 * Everything here reads scored results through a ::jx_run (run.h), so it works the same on a
 * stored run and on a batch's evaluation; docs/analysis.md describes the workflow.
 *
 * - jx_review_run(): per subject the claimed total, the rule total, the gap, both grades and
 *   every item whose claim differs from the rule points; `over_claimed` where the gap exceeds
 *   the rule set's threshold (`[review] threshold`) or the claimed grade is above the rule grade.
 * - jx_sample_draw(): the 抽查 list: every over-claimer, then a random sample stratified by the
 *   quartiles of 全年预算数 (GSL's MT19937, deterministic for a seed).
 * - jx_diff_runs(): the subjects whose total, grade or any indicator differs between two runs,
 *   with each changed indicator and why it changed.
 * - jx_trend_load(): every year of one department, its indicators matched across years by name,
 *   with `target_not_raised` where a target is no harder than the previous year's actual.
 *
 * The results are opaque and own their strings. Not thread-safe per object.
 */
#ifndef JIXIAO_REVIEW_H
#define JIXIAO_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jixiao/error.h"
#include "jixiao/rank.h"
#include "jixiao/ruleset.h"
#include "jixiao/run.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A claim and the rule points are the same when they differ by less than this (the forms show
 * points to two decimals). */
#define JX_REVIEW_TOLERANCE 0.005

/** Findings of the review, as bits. Names (`over_claimed`) are stable; append only. */
typedef enum jx_review_flag {
    /** claimed total − rule total > threshold, or the claimed grade is above the rule grade */
    JX_REVIEW_OVER_CLAIMED = 1u << 0,
    /** no 自评总分 and some scored item has no 自评得分: the claimed total cannot be known */
    JX_REVIEW_CLAIMS_INCOMPLETE = 1u << 1,
    /** trend: a target is at or below the previous year's actual (≥ targets; at or above for ≤
     * targets): 目标设置偏低 */
    JX_REVIEW_TARGET_NOT_RAISED = 1u << 2
} jx_review_flag;

/** Number of defined review flag bits. */
#define JX_REVIEW_FLAG_COUNT 3

/** @brief Code of one review flag bit (`over_claimed`, ...), "" for an unknown bit. Static. */
JX_API const char *jx_review_flag_name(unsigned flag);
/** @brief Chinese label of one review flag bit (`自评虚高`, ...), "" for an unknown bit. Static. */
JX_API const char *jx_review_flag_label(unsigned flag);

/* ---- claimed against rule scores ---- */

/** The name under which the budget-execution line appears among the gaps (level1). */
#define JX_REVIEW_BUDGET_LINE "预算执行率"

/** One item whose claim differs from the rule points. Strings are owned by the ::jx_review. */
typedef struct jx_review_gap {
    const char *level1, *level2,
        *level3;    /**< the budget line: 预算执行率, "", 全年执行数/全年预算数 */
    bool scored;    /**< the rules scored it; false: n/a under the rules (points 0, left out) */
    double claimed; /**< 自评得分 */
    double points;  /**< the rule points (0 when !scored) */
    double gap;     /**< claimed − points */
} jx_review_gap;

/** One subject of a review. Strings are owned by the ::jx_review. */
typedef struct jx_review_subject {
    int64_t subject_id;
    const char *code, *name, *project; /**< project "" = 部门整体 */
    int year;
    double total;      /**< the run's (rule) total */
    const char *grade; /**< the run's grade */
    bool has_claims;   /**< the department gave a 自评总分 or some 自评得分 */
    bool total_given;  /**< claimed_total is the 自评总分 as written (else computed) */
    double claimed_total; /**< 自评总分, else 100 × Σ claims / Σ weights of the scored items, the
                             budget line's claim included; NaN when unknown */
    const char *claimed_grade; /**< the rule set's grade of claimed_total; NULL when unknown */
    double gap;                /**< claimed_total − total; NaN when unknown */
    unsigned flags;            /**< ::jx_review_flag bits */
    size_t nclaims;            /**< items (indicators and the budget line) with a 自评得分 */
    size_t nmissing;           /**< scored items without one */
    bool has_budget;           /**< the run scored budget execution */
    double budget;             /**< 全年预算数, when has_budget */
    size_t ngaps;
    const jx_review_gap *gaps; /**< items whose claim differs by ≥ ::JX_REVIEW_TOLERANCE, largest
                                  gap (claimed − points) first */
} jx_review_subject;

/** Options of jx_review_run(). Zero-initialised: every subject, the rule set's threshold. */
typedef struct jx_review_opts {
    jx_selection sel;   /**< which subjects */
    bool has_threshold; /**< use @ref threshold instead of the rule set's `[review] threshold` */
    double threshold;   /**< points, ≥ 0 */
} jx_review_opts;

/** A review. Opaque; free with jx_review_free(). */
typedef struct jx_review jx_review;

/**
 * @brief Compare every selected subject's claims with its rule scores.
 * @param run   the scored result (a stored run or a batch's)
 * @param rs    the run's rule set: grades the claimed totals and gives the threshold
 * @param opts  NULL: every subject, the rule set's threshold
 * @param out   receives the review (caller frees); NULL on failure
 * @param msg   optional; says why on failure
 * @return ::JX_OK; ::JX_ERR_RULES when neither @p opts nor @p rs gives a threshold;
 *         ::JX_ERR_INVALID (a negative or non-finite threshold, NULL); an error of
 *         jx_run_foreach(); ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_review_run(jx_run *run, const jx_ruleset *rs, const jx_review_opts *opts,
                            jx_review **out, jx_errmsg *msg);

/** @brief Number of subjects (with claims or not). */
JX_API size_t jx_review_count(const jx_review *rv);
/**
 * @brief The i-th subject: those with a known gap first, largest gap first; then those whose
 * claimed total is unknown; then those without claims; ties by year, 部门编码, name, project.
 * NULL when out of range. Owned by @p rv.
 */
JX_API const jx_review_subject *jx_review_at(const jx_review *rv, size_t i);
/** @brief The threshold used, in points. */
JX_API double jx_review_threshold(const jx_review *rv);
/** @brief The run reviewed (copy of jx_run_about()). Owned by @p rv. */
JX_API const jx_run_info *jx_review_about(const jx_review *rv);
/** @brief Free. NULL is a harmless no-op. */
JX_API void jx_review_free(jx_review *rv);

/* ---- the 抽查 sample ---- */

/** Strata of the sample: the quartiles of 全年预算数 (Q1 smallest), and subjects without one. */
#define JX_SAMPLE_STRATA 5
#define JX_SAMPLE_NO_BUDGET 4

/** Why a subject is in the sample. */
typedef enum jx_sample_reason {
    JX_SAMPLE_OVER_CLAIMED = 1, /**< flagged over_claimed: always checked */
    JX_SAMPLE_RANDOM            /**< drawn at random within its budget stratum */
} jx_sample_reason;

/** Options of jx_sample_draw(). */
typedef struct jx_sample_opts {
    size_t count; /**< how many to check (> 0), or 0 to use @ref rate */
    double rate;  /**< share of the subjects in (0, 1]: count = ⌈rate × subjects⌉ */
    uint64_t seed;
} jx_sample_opts;

/** One subject of the sample. */
typedef struct jx_sample_pick {
    const jx_review_subject *s; /**< owned by the review */
    jx_sample_reason reason;
    int stratum; /**< 0..3: budget quartile Q1..Q4; ::JX_SAMPLE_NO_BUDGET */
} jx_sample_pick;

/** One stratum: its members among the subjects, and how many of them were picked. */
typedef struct jx_sample_stratum {
    size_t population; /**< subjects in it */
    size_t over;       /**< of them flagged over_claimed (all picked) */
    size_t drawn;      /**< of the others, drawn at random */
    double min, max;   /**< 全年预算数 of its members (NaN when empty or no budget) */
} jx_sample_stratum;

/** A sample. Opaque; free with jx_sample_free(). It points into its review: free it first. */
typedef struct jx_sample jx_sample;

/**
 * @brief Draw the 抽查 list from a review: every over_claimed subject, then random subjects until
 * the count is reached, allocated to the strata in proportion to their size (at least one from
 * every non-empty stratum while the count allows), drawn within a stratum without replacement by
 * gsl_ran_choose() from gsl_rng_mt19937 seeded with @p opts->seed. The same review and options
 * give the same sample.
 * @return ::JX_OK, ::JX_ERR_INVALID (no count nor a rate in (0, 1]), ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_sample_draw(const jx_review *rv, const jx_sample_opts *opts, jx_sample **out,
                             jx_errmsg *msg);
/** @brief Subjects picked: max(count, over-claimers) or all. */
JX_API size_t jx_sample_count(const jx_sample *sm);
/** @brief The i-th pick: over-claimers (largest gap first), then the random ones by stratum. */
JX_API const jx_sample_pick *jx_sample_at(const jx_sample *sm, size_t i);
/** @brief Stratum k (0 ≤ k < ::JX_SAMPLE_STRATA); NULL out of range. */
JX_API const jx_sample_stratum *jx_sample_stratum_at(const jx_sample *sm, int k);
/** @brief The count asked for (after the rate), and the quartile cuts of 全年预算数 (cut[0..2];
 * NaN when no subject has a budget). */
JX_API size_t jx_sample_asked(const jx_sample *sm, double cut[3]);
/** @brief Free. NULL is a harmless no-op. */
JX_API void jx_sample_free(jx_sample *sm);

/* ---- what changed between two runs ---- */

/** Why an indicator or a subject differs between two runs, as bits; names are stable. */
typedef enum jx_diff_why {
    JX_DIFF_TARGET = 1u << 0, /**< target_changed: another target row (targets re-imported) */
    JX_DIFF_ACTUAL = 1u << 1, /**< actual_reimported: another actual row (or none) */
    JX_DIFF_RULES = 1u << 2,  /**< rules_changed: the runs' rule sets differ (SHA-256) */
    JX_DIFF_WEIGHT = 1u << 3, /**< weight_changed: its weight moved with its own rows unchanged
                                 (another row of the subject changed the default split) */
    JX_DIFF_BUDGET = 1u << 4, /**< budget_changed: other budget figures (subjects only) */
    JX_DIFF_ADDED = 1u << 5,  /**< added: only in run B */
    JX_DIFF_REMOVED = 1u << 6 /**< removed: only in run A */
} jx_diff_why;
#define JX_DIFF_WHY_COUNT 7

/** @brief Code of one jx_diff_why bit (`actual_reimported`, ...), "" when unknown. Static. */
JX_API const char *jx_diff_why_name(unsigned bit);
/** @brief Chinese label of one bit (`实际值重新导入`, ...), "" when unknown. Static. */
JX_API const char *jx_diff_why_label(unsigned bit);

/** One side of a changed indicator. Strings are owned by the ::jx_diff. */
typedef struct jx_diff_side {
    bool present;       /**< the indicator is in this run */
    const char *target; /**< 指标性质 + 指标值 + 度量单位 as written ("≥300件") */
    const char *actual; /**< 实际完成值; NULL when none was reported */
    bool scored;        /**< false: n/a */
    double weight, points;
    unsigned flags; /**< ::jx_flag bits */
} jx_diff_side;

/** One changed indicator. */
typedef struct jx_diff_indicator {
    const char *level1, *level2, *level3;
    jx_diff_side a, b;
    unsigned why; /**< ::jx_diff_why bits */
} jx_diff_indicator;

/** One subject that changed. Strings are owned by the ::jx_diff. */
typedef struct jx_diff_subject {
    const char *code, *name, *project;
    int year;
    bool in_a, in_b;
    double total_a, total_b;       /**< NaN on the side it is missing from */
    size_t rank_a, rank_b;         /**< competition rank in its group (rank.h); 0 when missing */
    const char *grade_a, *grade_b; /**< "" when missing */
    unsigned why;                  /**< subject-level reasons: budget, rules, added, removed */
    size_t n;
    const jx_diff_indicator
        *ind; /**< the changed indicators, in run B's order, then removed ones */
} jx_diff_subject;

/** A diff. Opaque; free with jx_diff_free(). */
typedef struct jx_diff jx_diff;

/**
 * @brief The subjects whose total (as ranked, jx_rank_key()), grade or any indicator (target,
 * actual, weight, points, flags) differs between run @p a and run @p b. Subjects are matched by
 * (name, project, year), indicators by (一级, 二级, 三级指标) and order of appearance.
 * @param sel  which subjects (NULL: all)
 * @return ::JX_OK, an error of jx_run_foreach(), ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_diff_runs(jx_run *a, jx_run *b, const jx_selection *sel, jx_diff **out,
                           jx_errmsg *msg);
/** @brief Subjects that changed. */
JX_API size_t jx_diff_count(const jx_diff *d);
/** @brief The i-th, in display order (rank.h: departments first, years ascending, by run B's
 * rank; removed subjects last). Owned by @p d. */
JX_API const jx_diff_subject *jx_diff_at(const jx_diff *d, size_t i);
/** @brief The two runs (side 0: a, 1: b). Owned by @p d. */
JX_API const jx_run_info *jx_diff_about(const jx_diff *d, int side);
/** @brief Subjects compared (in either run). */
JX_API size_t jx_diff_compared(const jx_diff *d);
/** @brief Free. NULL is a harmless no-op. */
JX_API void jx_diff_free(jx_diff *d);

/* ---- one department over the years ---- */

/** One year of the department. */
typedef struct jx_trend_year {
    int year;
    const char *code, *name, *project;
    double total;
    const char *grade;
    size_t rank, of; /**< competition rank within its year (and kind), and the group's size */
} jx_trend_year;

/** One indicator in one year. */
typedef struct jx_trend_cell {
    bool present;       /**< the indicator is in that year's targets */
    const char *target; /**< as written with its operator and unit */
    const char *actual; /**< NULL when none was reported */
    bool scored;
    double weight, points;
    unsigned flags;        /**< ::jx_flag bits of its score */
    unsigned review_flags; /**< ::JX_REVIEW_TARGET_NOT_RAISED */
    double prev_actual;    /**< the previous year's actual, in this target's unit, when flagged */
} jx_trend_cell;

/** One indicator across the years. */
typedef struct jx_trend_indicator {
    const char *level1, *level2, *level3;
    const jx_trend_cell *cells; /**< one per year, in jx_trend_year_at() order */
} jx_trend_indicator;

/** A trend. Opaque; free with jx_trend_free(). */
typedef struct jx_trend jx_trend;

/**
 * @brief Every year of one department (部门编码 or 部门名称) in a run, side by side, and its
 * indicators matched across years by 三级指标 (and order of appearance).
 *
 * A number target of the same unit in consecutive years is flagged target_not_raised when it is
 * at or below the previous year's actual (≥ and > targets) or at or above it (≤ and < targets).
 * @param project  "" for 部门整体, else the project's name
 * @return ::JX_OK; ::JX_ERR_NOTFOUND when the run holds no such subject (msg names the
 *         department's projects when it has some); an error of jx_run_foreach().
 */
JX_API jx_err jx_trend_load(jx_run *run, const char *dept, const char *project, jx_trend **out,
                            jx_errmsg *msg);
/** @brief Years, ascending. */
JX_API size_t jx_trend_years(const jx_trend *t);
JX_API const jx_trend_year *jx_trend_year_at(const jx_trend *t, size_t i);
/** @brief Indicators, in order of first appearance (earliest year first). */
JX_API size_t jx_trend_count(const jx_trend *t);
JX_API const jx_trend_indicator *jx_trend_at(const jx_trend *t, size_t i);
/** @brief Free. NULL is a harmless no-op. */
JX_API void jx_trend_free(jx_trend *t);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_REVIEW_H */
