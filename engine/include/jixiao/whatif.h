/**
 * @file whatif.h
 * @brief What-if scenarios: rescore the current data in memory under other
 * rules, other level-1 weights or corrected actuals; saved scenarios.
 *
 * A scenario never touches the stored targets, actuals or runs. Every selected
 * subject is scored twice from the current data: the *baseline* under the
 * baseline rule set, the *scenario* under the scenario rule set with the
 * scenario's level-1 weights imposed and its actuals replaced. The result
 * gives per subject both totals, Δ, both competition ranks (rank.h groups) and
 * the grade change, and per ranking group (one year and kind) and overall the
 * Spearman ρ and Kendall τ-b between the two rankings and the number of grade
 * and rank changes.
 *
 * A level-1 weight (`产出指标=60`) means: the indicator weights under that
 * level 1 are rescaled proportionally to sum to it, whether they were given or
 * defaulted (jx_ruleset_with_level1()); the total is then rescaled to 100 as
 * usual. The name ::JX_BUDGET_LEVEL1 (预算执行率) sets the budget-execution
 * weight instead.
 *
 * Scenarios can be saved by name in the store (schema version 2), listed and
 * re-run. Saving a name again replaces the older scenario (which is kept);
 * deleting one marks it replaced by a deletion (nothing is removed).
 */
#ifndef JIXIAO_WHATIF_H
#define JIXIAO_WHATIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jixiao/error.h"
#include "jixiao/rank.h"
#include "jixiao/ruleset.h"
#include "jixiao/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The level-1 name that stands for budget execution in scenario weights and sensitivity inputs. */
#define JX_BUDGET_LEVEL1 "预算执行率"

/** A replaced actual: `DEPT[/PROJECT]:三级指标=VALUE`. Strings are borrowed. */
typedef struct jx_whatif_set {
    const char *dept;    /**< 部门编码 or 部门名称 */
    const char *project; /**< "" = 部门整体 */
    const char *level3;  /**< 三级指标, exactly as in the targets */
    const char *value;   /**< the new 实际完成值 (value grammar) */
} jx_whatif_set;

/**
 * @brief Split `DEPT[/PROJECT]:三级指标=VALUE` at the first ':' , the first '/'
 * before it and the first '=' after it.
 * @param buf  receives a copy of @p spec that @p out points into (capacity @p cap)
 * @return ::JX_OK, ::JX_ERR_PARSE (a part is missing or empty; @p msg says which),
 *         ::JX_ERR_LIMIT (@p buf too small), ::JX_ERR_INVALID.
 */
JX_API jx_err jx_whatif_parse_set(const char *spec, char *buf, size_t cap, jx_whatif_set *out,
                                  jx_errmsg *msg);

/** A scenario. All pointers are borrowed. */
typedef struct jx_scenario {
    const char *
        base_rules; /**< baseline rule-set name as given ("" or NULL: the default); recorded only */
    const char *rules; /**< scenario rule-set name ("" or NULL: the baseline's); recorded only */
    const char *const
        *weight_level1;   /**< @p nweights level-1 names (aliases allowed, or ::JX_BUDGET_LEVEL1) */
    const double *weight; /**< their weights, ≥ 0 */
    size_t nweights;
    const jx_whatif_set *sets; /**< @p nsets replaced actuals */
    size_t nsets;
    jx_selection
        sel; /**< the subjects it was run on; recorded only (jx_whatif_run() takes its own) */
} jx_scenario;

/** What a scenario changed of a subject (::jx_whatif_row.changed bits). */
typedef enum jx_whatif_change {
    JX_WHATIF_TOTAL = 1u << 0, /**< the total (compared as ranked: jx_rank_key()) */
    JX_WHATIF_RANK = 1u << 1,  /**< the rank within its group */
    JX_WHATIF_GRADE = 1u << 2  /**< the grade */
} jx_whatif_change;

/** One subject of a what-if result. Strings are owned by the ::jx_whatif. */
typedef struct jx_whatif_row {
    int64_t subject_id;
    const char *code, *name, *project; /**< project "" = 部门整体 */
    int year;
    double baseline, scenario, delta; /**< totals; delta = scenario − baseline */
    const char *baseline_grade, *scenario_grade;
    size_t baseline_rank, scenario_rank; /**< competition ranks within the group */
    long delta_rank; /**< scenario_rank − baseline_rank (negative: moved up) */
    size_t group;    /**< ranking group (rank.h) */
    unsigned baseline_flags, scenario_flags;
    size_t sets_applied; /**< actuals replaced in this subject */
    unsigned changed; /**< ::jx_whatif_change bits; 0: total, rank and grade as in the baseline */
} jx_whatif_row;

/** Summary of a what-if result. */
typedef struct jx_whatif_summary {
    size_t n; /**< subjects */
    double
        spearman; /**< ρ between baseline and scenario totals (ties averaged); NaN when undefined */
    double kendall;        /**< τ-b between them; NaN when undefined */
    size_t grade_changes;  /**< subjects whose grade differs */
    size_t rank_changes;   /**< subjects whose rank differs */
    double mean_abs_delta; /**< mean |Δ total| */
    size_t changed;        /**< subjects whose total, rank or grade changed (::jx_whatif_row) */
} jx_whatif_summary;

/** The summary of one ranking group (rank.h): the subjects of one year and kind. */
typedef struct jx_whatif_group {
    int year;
    bool projects;         /**< false: 部门整体; true: projects */
    jx_whatif_summary sum; /**< over the group's subjects: ρ and τ within the group */
} jx_whatif_group;

/** A what-if result. Opaque; free with jx_whatif_free(). */
typedef struct jx_whatif jx_whatif;

/**
 * @brief Score the current data twice: baseline and scenario.
 *
 * @param base       the baseline rule set
 * @param scen_rules the scenario's rule set, or NULL for @p base
 * @param sc         the scenario (weights imposed on @p scen_rules; sets applied); NULL: none
 * @param sel        which subjects (NULL: all); a set must match exactly one selected subject
 * @param out        receives the result (caller frees); NULL on failure
 * @return ::JX_OK; ::JX_ERR_NOTFOUND (no data, a set or weight that matches nothing);
 *         ::JX_ERR_PARSE (a set's value does not parse), ::JX_ERR_INVALID (a set matches
 *         several subjects or indicators, a negative weight, weights that leave a subject
 *         scored in the baseline nothing to score: every scored indicator and the budget
 *         line weigh 0), any error of jx_aggregate()
 *         for a subject; ::JX_ERR_DB, ::JX_ERR_NOMEM. jx_store_errmsg() names the culprit.
 */
JX_API jx_err jx_whatif_run(jx_store *st, const jx_ruleset *base, const jx_ruleset *scen_rules,
                            const jx_scenario *sc, const jx_selection *sel, jx_whatif **out);

/** @brief Number of subjects. */
JX_API size_t jx_whatif_count(const jx_whatif *w);
/** @brief The i-th subject in display order (as rank.h, by scenario rank); NULL out of range. */
JX_API const jx_whatif_row *jx_whatif_at(const jx_whatif *w, size_t i);
/**
 * @brief The summary over every subject. Its ρ and τ compare the totals of all subjects, across
 * groups (a 2021 department's total with a 2024 project's); jx_whatif_group_at() has them group
 * by group, as the subjects are ranked. Owned by @p w.
 */
JX_API const jx_whatif_summary *jx_whatif_summary_of(const jx_whatif *w);
/** @brief Number of ranking groups (::jx_whatif_row.group is below it). */
JX_API size_t jx_whatif_group_count(const jx_whatif *w);
/** @brief Group @p g's summary (display order: 部门整体 first, years ascending); NULL out of range.
 * Owned by @p w. */
JX_API const jx_whatif_group *jx_whatif_group_at(const jx_whatif *w, size_t g);
/** @brief Free a result. NULL is a harmless no-op. */
JX_API void jx_whatif_free(jx_whatif *w);

/**
 * @brief Copy of @p rs for a scenario's weights: level-1 names imposed with
 * jx_ruleset_with_level1(), ::JX_BUDGET_LEVEL1 setting the budget weight.
 * @param out  receives the copy (caller frees with jx_ruleset_free()); NULL on failure
 * @return ::JX_OK, ::JX_ERR_INVALID (a weight < 0 or not finite), ::JX_ERR_NOMEM, ::JX_ERR_LIMIT.
 */
JX_API jx_err jx_whatif_ruleset(const jx_ruleset *rs, const char *const *level1,
                                const double *weight, size_t n, jx_ruleset **out, jx_errmsg *msg);

/* ---- saved scenarios ---- */

/**
 * @brief Save @p sc under @p name (one transaction). An older scenario of that
 * name is marked replaced and kept.
 * @param id  optional; receives the new scenario's id
 * @return ::JX_OK, ::JX_ERR_INVALID (empty name), ::JX_ERR_DB.
 */
JX_API jx_err jx_scenario_save(jx_store *st, const char *name, const jx_scenario *sc, int64_t *id);

/** A saved scenario. Opaque; free with jx_saved_scenario_free(). */
typedef struct jx_saved_scenario jx_saved_scenario;

/**
 * @brief Read the current scenario saved as @p name.
 * @param out  receives it (caller frees); NULL on failure
 * @return ::JX_OK, ::JX_ERR_NOTFOUND, ::JX_ERR_DB, ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_scenario_load(jx_store *st, const char *name, jx_saved_scenario **out);

/** @brief The scenario (strings owned by @p s, valid until it is freed). */
JX_API const jx_scenario *jx_saved_scenario_get(const jx_saved_scenario *s);
/** @brief Its name. Owned by @p s. (When it was saved: jx_scenario_list().) */
JX_API const char *jx_saved_scenario_name(const jx_saved_scenario *s);
/** @brief Free. NULL is a harmless no-op. */
JX_API void jx_saved_scenario_free(jx_saved_scenario *s);

/** One saved scenario as listed. Strings valid during the callback only. */
typedef struct jx_scenario_info {
    int64_t id;
    const char *name, *created_at, *base_rules, *rules;
    jx_selection sel;
    size_t nweights, nsets;
    const jx_scenario *scenario; /**< what it contains: its weights and sets (and the above) */
} jx_scenario_info;

/**
 * @brief Call @p cb for every current saved scenario, by name; non-zero from @p cb stops.
 * @return ::JX_OK, ::JX_ERR_DB.
 */
JX_API jx_err jx_scenario_list(jx_store *st, int (*cb)(const jx_scenario_info *info, void *ctx),
                               void *ctx);

/**
 * @brief Delete the current scenario saved as @p name (one transaction).
 *
 * Nothing is removed from the store: a deletion is a row of its own in the table of scenarios
 * (the name, no items, created_at the time of the deletion) that replaces itself, and the
 * scenario is marked replaced by it, as saving the name again would mark it. Then
 * jx_scenario_load() and jx_scenario_list() no longer see the name; saving it again starts anew.
 * @param id  optional; receives the deleted scenario's id
 * @return ::JX_OK, ::JX_ERR_NOTFOUND (no current scenario of that name), ::JX_ERR_INVALID,
 *         ::JX_ERR_DB.
 */
JX_API jx_err jx_scenario_delete(jx_store *st, const char *name, int64_t *id);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_WHATIF_H */
