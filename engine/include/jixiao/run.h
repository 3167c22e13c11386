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
    /** An indicator whose actual cannot be compared with its target (`96件` against `≥95%`) scores
     *  0, flagged unscorable, and is reported through on_error; the run goes on. strict: it is an
     *  error, and nothing is stored (as for a subject that cannot be scored). */
    bool strict;
    /** Called for each subject that cannot be scored (message names it). May be NULL. */
    void (*on_error)(void *ctx, const char *message);
    /** Called every 1,000 subjects with the count so far and the subjects to score (the
     * subjects kept: an upper bound, since one without current targets is skipped; 0 when
     * not known). May be NULL. (0.3: the total is new.) */
    void (*on_progress)(void *ctx, int64_t subjects, int64_t total);
    void *ctx;
} jx_run_opts;

/** What a run did. */
typedef struct jx_run_summary {
    int64_t run_id;     /**< 0 when nothing was stored */
    int64_t subjects;   /**< subjects scored */
    int64_t indicators; /**< indicator rows scored or left out as n/a */
    size_t errors;      /**< subjects that could not be scored (the run was not stored when > 0) */
    size_t unscorable;  /**< indicators scored 0 because they could not be compared (reported) */
} jx_run_summary;

/**
 * @brief Score every subject that has targets, and store the run (one transaction).
 * @return ::JX_OK; ::JX_ERR_NOTFOUND when the store holds no targets; ::JX_ERR_FORMAT
 *         when some subjects cannot be scored (each reported through opts->on_error;
 *         nothing stored); ::JX_ERR_DB. jx_store_errmsg() has a summary.
 */
JX_API jx_err jx_run_score(jx_store *st, const jx_ruleset *rs, const jx_run_opts *opts,
                           jx_run_summary *out);

/** A run's details. Plain value; strings are copies. */
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

/** Callback of jx_run_list(): one run and the mean of its subjects' totals (NaN when it has
 * none); return non-zero to stop. */
typedef int (*jx_run_list_cb)(const jx_run_info *info, double mean_total, void *ctx);

/**
 * @brief Every stored run, oldest first, with the mean of its totals.
 * @return ::JX_OK (also when there is none), ::JX_ERR_DB, ::JX_ERR_INVALID; jx_store_errmsg().
 */
JX_API jx_err jx_run_list(jx_store *st, jx_run_list_cb cb, void *ctx);

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
    bool has_claim;                       /**< the department gave its own points (自评得分) */
    double claimed;                       /**< 自评得分 as written, when has_claim */
    /** The store's row ids of the target and the actual the run scored (0: no actual, or a
     * batch's run, which keeps no rows): two runs that scored the same row have the same id,
     * so a diff can tell a re-imported actual or a changed target from a changed rule set. */
    int64_t target_ref, actual_ref;
} jx_run_indicator;

/** Money of one row of the form's 项目资金 / 部门 money block (万元); has == false: not given. */
typedef struct jx_money {
    bool has;
    double initial, budget, spent; /**< 年初预算数, 全年预算数, 全年执行数 */
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
    /* read with the indicators (jx_run_filter.indicators); else NULL and not given: */
    const char *admin_dept;  /**< 主管部门 (NULL: not given) */
    const char *implementer; /**< 实施单位 */
    const char *goal;        /**< 年度总体目标: 预期目标 */
    const char *goal_result; /**< 年度总体目标: 实际完成情况 */
    /** 其中：本年财政拨款 / 上年结转资金 / 其他资金 (其他资金 also sums 财政专户管理资金, 单位资金)
     */
    jx_money fund_fiscal, fund_carryover, fund_other;
    jx_money spend_basic, spend_project; /**< 部门整体: 基本支出 / 项目支出 */
    bool has_claimed_budget;             /**< the department scored its 预算执行率 line */
    double claimed_budget;               /**< its 自评得分 for that line */
    bool has_claimed_total;              /**< the department gave its 自评总分 */
    double claimed_total;                /**< 自评总分 as written */
    /** The store's import that wrote the budget rows the run scored (0: none, or a batch's run);
     * read with or without the indicators. */
    int64_t budget_ref;
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
 * A scored result, read back: a run stored in a store (jx_run_open()) or the evaluation of a
 * batch in memory (jx_batch_run(), batch.h). Both give the same subjects with the same fields,
 * so everything that reads a scored result (listings, workbooks, rankings) takes a jx_run and
 * works on either. Opaque; close with jx_run_close(). Not thread-safe: one thread at a time.
 */
typedef struct jx_run jx_run;

/**
 * @brief Open a stored run for reading.
 * @param st      the store; must outlive the run
 * @param run_id  the run; 0 for the newest
 * @param out     receives the run (owned by the caller: jx_run_close()); NULL on failure
 * @return ::JX_OK; ::JX_ERR_NOTFOUND (no such run, or none yet); ::JX_ERR_DB; ::JX_ERR_NOMEM;
 *         ::JX_ERR_INVALID. jx_store_errmsg() says why.
 */
JX_API jx_err jx_run_open(jx_store *st, int64_t run_id, jx_run **out);

/** @brief Free a run handle (not the run it reads). NULL is a no-op. */
JX_API void jx_run_close(jx_run *r);

/** @brief The run's details (id, time, rule set, label, counts). Owned by the run; never NULL for
 * a run, NULL for NULL. */
JX_API const jx_run_info *jx_run_about(const jx_run *r);

/** @brief The last failure's message (owned by the run; valid until its next call). */
JX_API const char *jx_run_errmsg(const jx_run *r);

/**
 * @brief Visit the subjects of a run in store order (a batch: the order in which the targets
 * files first named them), with their indicators when the filter asks.
 * @return ::JX_OK, ::JX_ERR_DB, ::JX_ERR_NOMEM, ::JX_ERR_INVALID (a batch changed after it was
 *         scored); jx_run_errmsg() says why.
 */
JX_API jx_err jx_run_foreach(jx_run *r, const jx_run_filter *filter, jx_run_cb cb, void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_RUN_H */
