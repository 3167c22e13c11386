/**
 * @file rank.h
 * @brief Competition ranking of scored subjects; which subjects an analysis looks at.
 *
 * Subjects are ranked by total, highest first, with competition ranks
 * (1, 2, 2, 4): tied totals share a rank and the next rank skips. Departments
 * (部门整体, project "") and projects are ranked apart, and each year apart:
 * a ranking *group* is (kind, year). Totals are compared after rounding to
 * 1e-9 points, so two totals that differ only by floating-point noise tie.
 * Ties are broken for display only (by 部门编码, name, project).
 *
 * The selection (::jx_selection) and the groups are shared by stats.h,
 * whatif.h and sensitivity.h. docs/analysis.md describes the commands.
 */
#ifndef JIXIAO_RANK_H
#define JIXIAO_RANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jixiao/error.h"
#include "jixiao/run.h"
#include "jixiao/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Which kind of subject an analysis takes. */
typedef enum jx_sel_kind {
    JX_SEL_ALL = 0,     /**< departments and projects (each still ranked apart) */
    JX_SEL_DEPARTMENTS, /**< 部门整体 only (project "") */
    JX_SEL_PROJECTS     /**< projects only */
} jx_sel_kind;

/** Which subjects an analysis takes. Zero-initialised: all of them. */
typedef struct jx_selection {
    jx_sel_kind kind; /**< departments, projects or both */
    int year;         /**< 0: every year */
} jx_selection;

/** @brief true when a subject (project "" = 部门整体) is selected by @p sel (NULL selects all). */
JX_API bool jx_selection_has(const jx_selection *sel, const char *project, int year);

/**
 * @brief The key totals are ranked by: round(total × 1e9), so that totals equal
 * to 1e-9 points tie. Exposed so every analysis ranks the same way.
 */
JX_API int64_t jx_rank_key(double total);

/**
 * @brief Competition ranks of @p n totals, highest first, within groups.
 *
 * rank[i] = 1 + the number of subjects in the same group whose total is
 * greater (compared by jx_rank_key()). Pure; allocates a work array.
 * @param total  @p n totals (finite)
 * @param group  @p n group numbers, or NULL for one group
 * @param rank   receives @p n ranks (caller-allocated)
 * @param order  optional (NULL): receives the display order, a permutation of
 *               0..n−1 by group, rank, then input position
 * @return ::JX_OK, ::JX_ERR_INVALID (NULL arrays with n > 0, a total not finite), ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_rank_competition(const double *total, const size_t *group, size_t n, size_t *rank,
                                  size_t *order);

/** One ranked subject of a stored run. Strings are owned by the ::jx_ranking. */
typedef struct jx_ranked {
    int64_t subject_id;
    const char *code, *name, *project; /**< project "" = 部门整体 */
    int year;
    double total;       /**< as stored */
    const char *grade;  /**< as stored */
    unsigned flags;     /**< ::jx_flag bits, as stored */
    bool budget_scored; /**< budget execution was scored */
    double budget;      /**< 全年预算数 (0 when there is none) */
    double budget_rate; /**< 执行率 (when budget_scored) */
    size_t rank;        /**< competition rank within its group */
    size_t group;       /**< group number: subjects with the same kind and year share it */
    size_t group_size;  /**< subjects in the group */
} jx_ranked;

/** A ranked run. Opaque; free with jx_ranking_free(). */
typedef struct jx_ranking jx_ranking;

/**
 * @brief Read a run's subjects (a stored run or a batch's, run.h) and rank them.
 * @param run  the run
 * @param sel  which subjects (NULL: all)
 * @param out  receives the ranking (caller frees with jx_ranking_free()); NULL on failure
 * @return ::JX_OK, ::JX_ERR_DB, ::JX_ERR_NOMEM; jx_run_errmsg() says more.
 */
JX_API jx_err jx_ranking_load(jx_run *run, const jx_selection *sel, jx_ranking **out);

/** @brief Number of subjects in the ranking. */
JX_API size_t jx_ranking_count(const jx_ranking *r);

/**
 * @brief The i-th subject in display order: departments before projects, years
 * ascending, then by rank (ties by 部门编码, name, project). NULL when out of range.
 * Owned by @p r.
 */
JX_API const jx_ranked *jx_ranking_at(const jx_ranking *r, size_t i);

/** @brief The run the ranking was read from. */
JX_API int64_t jx_ranking_run(const jx_ranking *r);

/** @brief Free a ranking. NULL is a harmless no-op. */
JX_API void jx_ranking_free(jx_ranking *r);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_RANK_H */
