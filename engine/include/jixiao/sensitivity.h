/**
 * @file sensitivity.h
 * @brief Monte Carlo sensitivity of the ranking to the level-1 weights and the rule set.
 *
 * Each sample draws the level-1 weights (产出, 效益, 满意度, …, and 预算执行率)
 * from a Dirichlet distribution centred on the nominal ones and, when several
 * rule sets are given, one of them uniformly; every selected subject is
 * rescored and ranked (rank.h groups). Per subject: mean, median, 5th and 95th
 * percentile of its rank, the share of samples with the rule set's top grade
 * (优) and the share whose grade differs from the nominal grade. Overall: the
 * mean absolute rank shift from the nominal ranks and first-order
 * variance-based sensitivity indices of that shift for each perturbed weight
 * and for the rule-set choice. docs/analysis.md gives the method.
 *
 * A sample is not a rescoring: a weight change leaves every indicator's ratio
 * unchanged, so each subject's points and weights are summed once per level 1
 * (per rule set) and a sample costs O(subjects × level 1s) plus a sort.
 * Results depend only on the options (seed included), not on the number of
 * threads or their scheduling: the random stream of each block of samples is
 * seeded from (seed, block).
 *
 * GSL (gsl_rng_mt19937, gsl_ran_dirichlet, gsl_stats_*) is called only with
 * checked inputs; the module never changes GSL's error handler (see stats.h).
 */
#ifndef JIXIAO_SENSITIVITY_H
#define JIXIAO_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "jixiao/error.h"
#include "jixiao/rank.h"
#include "jixiao/ruleset.h"
#include "jixiao/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How a sample's level-1 weights reach a subject. */
typedef enum jx_sens_mode {
    /** Each subject's own level-1 weights (given or defaulted) are multiplied by
     *  sampled / nominal: the nominal point is the subject's stored score. */
    JX_SENS_SCALE = 0,
    /** The sampled weights are imposed on every subject (whatif.h semantics):
     *  the nominal point imposes the rule set's level-1 weights. */
    JX_SENS_IMPOSE
} jx_sens_mode;

#define JX_SENS_DEFAULT_SAMPLES 1000
#define JX_SENS_DEFAULT_SPREAD 0.1
#define JX_SENS_MAX_SAMPLES 10000000

/** Options. Zero-initialise, then set rules/nrules at least. */
typedef struct jx_sens_opts {
    size_t samples; /**< N (0: ::JX_SENS_DEFAULT_SAMPLES); at most ::JX_SENS_MAX_SAMPLES */
    double spread; /**< S ≥ 0: Dirichlet α_k = p_k / S² (p: nominal shares); 0 = no perturbation */
    uint64_t seed;                  /**< random seed */
    const jx_ruleset *const *rules; /**< @p nrules rule sets; rules[0] is the nominal one */
    size_t nrules;     /**< ≥ 1; with more than one, each sample picks one uniformly */
    jx_sens_mode mode; /**< ::JX_SENS_SCALE (default) or ::JX_SENS_IMPOSE */
    jx_selection sel;  /**< which subjects */
    unsigned threads;  /**< worker threads (0: 2); results do not depend on it */
    /** Called on the calling thread now and then with the samples done and the samples
     * asked for. May be NULL. (0.3: the total is new.) */
    void (*on_progress)(void *ctx, int64_t samples_done, int64_t total);
    void *ctx;
} jx_sens_opts;

/** One subject's result. Strings are owned by the ::jx_sensitivity. */
typedef struct jx_sens_subject {
    int64_t subject_id;
    const char *code, *name, *project; /**< project "" = 部门整体 */
    int year;
    size_t group;         /**< ranking group (rank.h) */
    double nominal_total; /**< total at the nominal weights under rules[0] */
    const char *nominal_grade;
    size_t nominal_rank;
    double rank_mean, rank_median, rank_p5, rank_p95; /**< of its rank over the samples */
    double p_top_grade;    /**< share of samples with the sample rule set's top grade (优) */
    double p_grade_change; /**< share of samples whose grade differs from nominal_grade */
} jx_sens_subject;

/** A perturbed input and its first-order sensitivity index. */
typedef struct jx_sens_input {
    const char *name; /**< level-1 name, ::JX_BUDGET_LEVEL1-like 预算执行率, or "规则集" */
    double nominal;   /**< nominal weight (rule-set choice: number of rule sets) */
    double
        index; /**< S_i = Var(E[Y | X_i]) / Var(Y) for Y = mean |rank shift|; NaN when Var(Y) = 0 */
} jx_sens_input;

/** Overall results and the parameters used. Owned by the ::jx_sensitivity. */
typedef struct jx_sens_summary {
    size_t samples, subjects;
    double spread;
    uint64_t seed;
    jx_sens_mode mode;
    size_t nrules;
    size_t threads;        /**< threads used (does not change results) */
    double mean_abs_shift; /**< mean over samples and subjects of |rank − nominal rank| */
    size_t ninputs;
    const jx_sens_input
        *inputs; /**< the perturbed weights in rule-set order, then 规则集 when nrules > 1 */
    size_t bins; /**< bins per continuous input in the index estimator */
} jx_sens_summary;

/** A sensitivity result. Opaque; free with jx_sensitivity_free(). */
typedef struct jx_sensitivity jx_sensitivity;

/**
 * @brief Run the analysis on the current data.
 * @param out  receives the result (caller frees); NULL on failure
 * @return ::JX_OK; ::JX_ERR_INVALID (bad options); ::JX_ERR_NOTFOUND (no data / no subject
 *         selected); ::JX_ERR_PARSE or a jx_aggregate() error for a subject that cannot be
 *         scored; ::JX_ERR_LIMIT (the rank matrix, 2 × subjects × samples bytes (4 with a group of
 * more than 65,535 subjects), would exceed 2 GiB); ::JX_ERR_NOMEM;
 *         ::JX_ERR_DB. jx_store_errmsg() says more.
 */
JX_API jx_err jx_sensitivity_run(jx_store *st, const jx_sens_opts *opts, jx_sensitivity **out);

/** @brief Number of subjects. */
JX_API size_t jx_sensitivity_count(const jx_sensitivity *s);
/** @brief The i-th subject in display order (rank.h, by nominal rank); NULL out of range. */
JX_API const jx_sens_subject *jx_sensitivity_at(const jx_sensitivity *s, size_t i);
/** @brief Overall results and parameters. Owned by @p s. */
JX_API const jx_sens_summary *jx_sensitivity_summary(const jx_sensitivity *s);
/** @brief Free. NULL is a harmless no-op. */
JX_API void jx_sensitivity_free(jx_sensitivity *s);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_SENSITIVITY_H */
