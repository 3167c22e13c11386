/**
 * @file stats.h
 * @brief Descriptive statistics of a run's totals (GSL), and rank correlations.
 *
 * jx_stats_describe() and the correlation functions work on plain arrays;
 * jx_stats_of_groups() describes the subjects of a ::jx_ranking group by
 * group: the distribution of totals, a budget-weighted mean, grades, a 10-point
 * histogram, Tukey outliers, the correlation of total with 执行率 and the
 * share of subjects carrying each flag, for each ranking group (rank.h: one
 * year and one kind, 部门整体 or 项目), because totals of different years and
 * kinds are not compared (the ranking does not compare them either).
 * jx_stats_of_ranking() describes every subject of the ranking as one sample,
 * whatever its groups. Formulas are in docs/analysis.md.
 *
 * Statistics that are undefined for the data (a standard deviation of one
 * value, a correlation with a constant) are NaN, never an error.
 *
 * GSL: inputs are checked before every GSL call, so GSL's error handler is
 * never reached from here; applications that use GSL themselves may still
 * want gsl_set_error_handler_off() (the jixiao CLI calls it).
 */
#ifndef JIXIAO_STATS_H
#define JIXIAO_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include "jixiao/error.h"
#include "jixiao/rank.h"
#include "jixiao/score.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Summary of a sample. NaN marks a statistic that is undefined for the data. */
typedef struct jx_describe {
    size_t n;
    double mean;
    double sd;                       /**< sample standard deviation (n − 1); NaN when n < 2 */
    double min, q1, median, q3, max; /**< quartiles by linear interpolation (R type 7) */
    double skewness; /**< (1/n) Σ ((x − mean)/sd)³ (GSL); NaN when n < 2 or sd = 0 */
    double kurtosis; /**< excess: (1/n) Σ ((x − mean)/sd)⁴ − 3 (GSL); NaN when n < 2 or sd = 0 */
} jx_describe;

/**
 * @brief Describe @p n values.
 * @return ::JX_OK (n = 0 gives n 0 and NaN everywhere), ::JX_ERR_INVALID (a value not finite,
 *         NULL with n > 0), ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_stats_describe(const double *x, size_t n, jx_describe *out);

/** @brief Pearson correlation; NaN when n < 2 or either side is constant. */
JX_API double jx_stats_pearson(const double *x, const double *y, size_t n);

/** @brief Spearman rank correlation (ties get average ranks); NaN as for Pearson or out of memory.
 */
JX_API double jx_stats_spearman(const double *x, const double *y, size_t n);

/**
 * @brief Kendall's τ-b (adjusted for ties), O(n log n); NaN when n < 2, either
 * side is constant, or out of memory.
 */
JX_API double jx_stats_kendall(const double *x, const double *y, size_t n);

/** Number of histogram bins: [0,10), [10,20), …, [90,100]. */
#define JX_STATS_BINS 10
/** Most distinct grades counted. */
#define JX_STATS_MAX_GRADES 8

/** How many subjects earned a grade. */
typedef struct jx_stats_grade {
    const char
        *grade; /**< owned by the ranking; "其他" lumps grades beyond ::JX_STATS_MAX_GRADES */
    size_t count;
} jx_stats_grade;

/** Statistics of a ranking's totals. Owned by the caller; free with jx_stats_report_free(). */
typedef struct jx_stats_report {
    jx_describe d; /**< of the totals */
    double weighted_mean; /**< Σ 全年预算数 × total / Σ 全年预算数 over subjects with a budget; NaN
                             when none */
    size_t nweighted; /**< subjects in the weighted mean */
    size_t ngrades;
    jx_stats_grade grades[JX_STATS_MAX_GRADES]; /**< best first (by their highest total) */
    size_t histogram[JX_STATS_BINS]; /**< counts of totals per 10 points; 100 is in the last bin */
    double lower_fence, upper_fence; /**< Q1 − 1.5 IQR and Q3 + 1.5 IQR */
    size_t noutliers;
    size_t *outliers;       /**< indices into the ranking (jx_ranking_at()), lowest total first */
    size_t nbudget;         /**< subjects with budget execution scored */
    double pearson_budget;  /**< Pearson r of total and 执行率 over them (NaN when undefined) */
    double spearman_budget; /**< Spearman ρ of the same */
    size_t flag_count[JX_FLAG_COUNT]; /**< subjects carrying flag bit i */
    double flag_share[JX_FLAG_COUNT]; /**< flag_count / n (NaN when n = 0) */
} jx_stats_report;

/**
 * @brief Compute the statistics of all the subjects of @p r as one sample.
 *
 * When @p r holds several ranking groups (years, 部门整体 and 项目) they are mixed:
 * jx_stats_of_groups() keeps them apart. This is the statistics of one group when
 * the selection the ranking was loaded with leaves one.
 * @param out  filled in; free its array with jx_stats_report_free() (also after a failure)
 * @return ::JX_OK, ::JX_ERR_INVALID, ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_stats_of_ranking(const jx_ranking *r, jx_stats_report *out);

/** @brief Free the report's arrays and zero it. NULL is a harmless no-op. */
JX_API void jx_stats_report_free(jx_stats_report *rep);

/** The statistics of one ranking group: the subjects of one year and kind. */
typedef struct jx_stats_group {
    int year;            /**< the group's year */
    bool projects;       /**< false: 部门整体 (project ""); true: projects */
    size_t group;        /**< its group number in the ranking (::jx_ranked.group) */
    size_t first;        /**< its first subject in the ranking (jx_ranking_at()); the group's
                              rep.d.n subjects follow it */
    jx_stats_report rep; /**< its statistics; outliers are indices into the whole ranking */
} jx_stats_group;

/** Statistics group by group. Owned by the caller; free with jx_stats_groups_free(). */
typedef struct jx_stats_groups {
    size_t n;              /**< groups: 0 for an empty ranking */
    jx_stats_group *group; /**< in display order: 部门整体 before 项目, years ascending */
} jx_stats_groups;

/**
 * @brief Compute the statistics of each ranking group of @p r.
 * @param out  filled in; free with jx_stats_groups_free() (also after a failure)
 * @return ::JX_OK, ::JX_ERR_INVALID, ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_stats_of_groups(const jx_ranking *r, jx_stats_groups *out);

/** @brief Free the groups' reports and array and zero @p g. NULL is a harmless no-op. */
JX_API void jx_stats_groups_free(jx_stats_groups *g);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_STATS_H */
