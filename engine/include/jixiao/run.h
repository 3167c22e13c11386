/**
 * @file run.h
 * @brief Scoring runs: score every subject in the store under a rule set, record it, read it back.
 *
 * A run scores each subject's current targets against its current actuals and
 * budget execution (aggregate.h) and stores the totals and every indicator's
 * ratio, points and flags, with the rule set's name, SHA-256 and text, so a
 * stored score can always be traced to its inputs and its policy.
 */
#ifndef JIXIAO_RUN_H
#define JIXIAO_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jixiao/aggregate.h"
#include "jixiao/error.h"
#include "jixiao/ruleset.h"
#include "jixiao/score.h"
#include "jixiao/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of jx_run_score(). Zero-initialise and set what you need. */
typedef struct jx_run_opts {
    const char *label; /**< stored with the run (e.g. a scenario name); NULL: "" */
    /** Called for each subject that cannot be scored (message names it). May be NULL. */
    void (*on_error)(void *ctx, const char *message);
    /** Called every 1,000 subjects with the count so far. May be NULL. */
    void (*on_progress)(void *ctx, int64_t subjects);
    void *ctx;
} jx_run_opts;

/** What a run did. */
typedef struct jx_run_summary {
    int64_t run_id;     /**< 0 when nothing was stored */
    int64_t subjects;   /**< subjects scored */
    int64_t indicators; /**< indicator rows scored or left out as n/a */
    size_t errors;      /**< subjects that could not be scored (the run was not stored when > 0) */
} jx_run_summary;

/**
 * @brief Score every subject that has targets, and store the run (one transaction).
 * @return ::JX_OK; ::JX_ERR_NOTFOUND when the store holds no targets; ::JX_ERR_FORMAT
 *         when some subjects cannot be scored (each reported through opts->on_error;
 *         nothing stored); ::JX_ERR_DB. jx_store_errmsg() has a summary.
 */
JX_API jx_err jx_run_score(jx_store *st, const jx_ruleset *rs, const jx_run_opts *opts,
                           jx_run_summary *out);

/** A stored run. Plain value; strings are copies. */
typedef struct jx_run_info {
    int64_t id;
    char created_at[32];   /**< UTC, ISO 8601 */
    char rules[96];        /**< rule set name */
    char rules_sha256[65]; /**< its SHA-256 */
    char label[128];
    int64_t subjects, indicators;
} jx_run_info;

/** @brief The newest run's id. @return ::JX_OK or ::JX_ERR_NOTFOUND when there is none. */
JX_API jx_err jx_run_latest(jx_store *st, int64_t *run_id);

/** @brief A run's details. @return ::JX_OK or ::JX_ERR_NOTFOUND. */
JX_API jx_err jx_run_get(jx_store *st, int64_t run_id, jx_run_info *out);

/** One indicator of a stored run, as read back. Strings are valid during the callback only. */
typedef struct jx_run_indicator {
    const char *level1, *level2, *level3; /**< as in the targets table */
    const char *op, *target, *unit;       /**< the 指标性质 / 指标值 / 度量单位 cells */
    const char *note;                     /**< 备注 */
    const char *actual;                   /**< 实际完成值, NULL when none was reported */
    const char *reason;                   /**< 偏差原因, "" when none */
    bool weight_given;                    /**< the weight came from the table (else defaulted) */
    jx_score score;                       /**< as stored */
    char explain[256];                    /**< jx_score_explain() of it */
} jx_run_indicator;

/** Money of one row of the form's 项目资金 / 部门 money block (万元); has == false: not given. */
typedef struct jx_money {
    bool has;
    double initial, budget, spent;
} jx_money;

/** One subject of a stored run. Valid during the callback only. */
typedef struct jx_run_subject {
    int64_t subject_id;
    const char *code, *name, *project; /**< project "" = 部门整体 */
    int year;
    jx_result result;      /**< totals, grade, flags and budget (no subtotals: nsub = 0) */
    double budget_initial; /**< 年初预算数 (0 when not given) */
    double budget;         /**< 全年预算数 (when result.budget_scored) */
    double spent;          /**< 全年执行数 */
    size_t n;              /**< indicators in ind[] (0 unless requested) */
    const jx_run_indicator *ind;
    const char *admin_dept;  /**< 主管部门 (NULL: not given) */
    const char *implementer; /**< 实施单位 */
    const char *goal;        /**< 年度总体目标: 预期目标 */
    const char *goal_result; /**< 年度总体目标: 实际完成情况 */
    jx_money fund_fiscal, fund_carryover,
        fund_other; /**< 其中：本年财政拨款 / 上年结转资金 / 其他资金 */
    jx_money spend_basic, spend_project; /**< 部门整体: 基本支出 / 项目支出 */
} jx_run_subject;

/** Which subjects jx_run_foreach() visits. Zero-initialised: all, without indicators. */
typedef struct jx_run_filter {
    const char *const *depts; /**< codes or names; NULL or ndepts 0: all */
    size_t ndepts;
    const char *project; /**< NULL: any; "": 部门整体 only; else that project */
    int year;            /**< 0: any */
    bool indicators;     /**< also read every indicator (with explanations) */
} jx_run_filter;

/** Callback of jx_run_foreach(); return non-zero to stop. */
typedef int (*jx_run_cb)(const jx_run_subject *s, void *ctx);

/**
 * @brief Visit the subjects of a run in store order.
 * @return ::JX_OK, ::JX_ERR_NOTFOUND (no such run), ::JX_ERR_DB, ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_run_foreach(jx_store *st, int64_t run_id, const jx_run_filter *filter,
                             jx_run_cb cb, void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_RUN_H */
