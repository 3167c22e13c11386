/**
 * @file xlsx.h
 * @brief Writing the 自评表 workbook (.xlsx) of a run: stored, or a batch's evaluation.
 *
 * The "write" stage: a stored run (run.h) becomes the workbook a department
 * signs and a finance bureau reads. A 汇总 (summary) sheet comes first: the
 * subjects by year and kind (departments by total, projects under their
 * department), ranked as `jixiao rank` ranks them, with statistics per section;
 * then one sheet per subject in the official 财预〔2020〕10号 layout (the form's
 * fields, the money block, 年度总体目标, the indicators, 合计 / 总分 / 自评等级,
 * the 注 and the signature line), printed on A4 with the auditor's 得分率,
 * 计算说明 and 审核提示 beside the print area; and a 统计图 sheet of charts.
 * 执行率, 得分, the totals and 自评等级 are formulas carrying the engine's
 * numbers as cached results; a ratio the rule set makes computable from the
 * cells is a formula too (change an actual and the score follows), any other
 * is a constant with its explanation. The layout and every formula are
 * documented in docs/xlsx.md.
 *
 * Written with libxlsxwriter; nothing of it appears here.
 */
#ifndef JIXIAO_XLSX_H
#define JIXIAO_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jixiao/run.h"
#include "jixiao/error.h"
#include "jixiao/ruleset.h"
#include "jixiao/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of jx_xlsx_write(). Zero-initialise and set what you need. */
typedef struct jx_xlsx_opts {
    /** The rule set the run was scored with (jx_run_info.rules, loaded by the caller). Its
     *  parameters turn ratios into formulas. NULL, or a rule set whose SHA-256 differs from the
     *  run's: every ratio is written as a constant (jx_xlsx_summary.rules_matched is false). */
    const jx_ruleset *rules;
    const char *const *depts; /**< only these departments (codes or names); NULL or ndepts 0: all */
    size_t ndepts;
    /** A form to fill in: empty 实际完成值 and 偏差原因 cells, no flags; sheets protected without a
     *  password, input cells unlocked, shaded and validated, totals empty until filled. */
    bool blank;
    /** NULL: one workbook at @p path. Otherwise a directory (created if missing): one workbook per
     *  department and year (its 部门整体 sheet and its projects), written in parallel, plus the
     *  汇总 workbook at @p path, or at DIR/汇总.xlsx when @p path is NULL. */
    const char *split_dir;
    int threads;        /**< worker threads with split_dir; 0: 2 */
    const char *tmpdir; /**< libxlsxwriter's temporary files; NULL: the system's */
    /** Called every 100 subjects with the count so far and the subjects to write. May be
     * NULL. Called from the caller's thread. (0.3: the total is new.) */
    void (*on_progress)(void *ctx, int64_t subjects, int64_t total);
    void *ctx;
} jx_xlsx_opts;

/** What jx_xlsx_write() wrote. */
typedef struct jx_xlsx_summary {
    int64_t subjects;   /**< subject sheets */
    int64_t workbooks;  /**< files written (the 汇总 workbook included) */
    int64_t sheets;     /**< worksheets, 汇总 sheets included */
    int64_t cells;      /**< cells written (values, formulas and formatted blanks) */
    int64_t formulas;   /**< indicator ratios written as formulas */
    int64_t constants;  /**< scored indicator ratios written as constants (rule not expressible) */
    bool rules_matched; /**< opts.rules is the run's rule set: ratio formulas were possible */
} jx_xlsx_summary;

/**
 * @brief Write the 自评表 workbook(s) of a run: a stored run (jx_run_open()) or a batch's
 * evaluation (jx_batch_run()); the cells are the same either way.
 *
 * Each file is written under a temporary name beside it and renamed into place
 * when complete, so an existing file is replaced only by a whole workbook.
 * Sheet names are the subjects' names (projects: the project name) with the
 * characters Excel forbids removed, at most 31 UTF-16 units, unique
 * (case-insensitively) within their workbook. Text is always written as text:
 * a name such as `=cmd` never becomes a formula.
 *
 * @param run     the run (read from the calling thread only)
 * @param path    the workbook (or, with split_dir, the 汇总 workbook; may then be NULL)
 * @param opts    options; NULL for the defaults
 * @param out     optional; what was written (zeroed on failure)
 * @param msg     optional; on failure the reason, e.g. `cannot write out/x.xlsx: Permission denied`
 * @return ::JX_OK; ::JX_ERR_NOTFOUND (no subject matches the filter);
 *         ::JX_ERR_IO (a file or directory cannot be written); ::JX_ERR_XLSX (libxlsxwriter
 *         failed); ::JX_ERR_DB; ::JX_ERR_NOMEM; ::JX_ERR_INVALID (NULL arguments).
 *         On failure no partial file is left under a final name.
 */
JX_API jx_err jx_xlsx_write(jx_run *run, const char *path, const jx_xlsx_opts *opts,
                            jx_xlsx_summary *out, jx_errmsg *msg);

/**
 * @brief The sheet name Excel would accept for @p name, like snprintf: characters `[]:*?/\`
 * and control characters removed, a leading or trailing `'` removed, cut at 31 UTF-16 units
 * on a character boundary; "Sheet" when nothing is left. (Uniqueness is the writer's job.)
 * @return the length of the result (excluding NUL); the output is NUL-terminated when cap > 0.
 */
JX_API size_t jx_xlsx_sheet_name(const char *name, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_XLSX_H */
