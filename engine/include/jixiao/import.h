/**
 * @file import.h
 * @brief Import targets, actuals and budget execution from CSV/TSV files or
 * .xlsx workbooks into the store.
 *
 * The kind of file is told by its content (a zip signature means a workbook).
 * One transaction per file: a file with any bad row (a workbook with any bad
 * cell) is rejected whole, every error is reported with its place
 * (`t.csv:7:11: column 权重: "abc" is not a number`,
 * `填报.xlsx:自评表!F12: column 实际完成值: ...`), and the
 * database is left unchanged. Columns may come in any order and be named in
 * Chinese or English (docs/formats.md). Re-importing a subject's targets
 * replaces them; an actual or budget row replaces the subject's previous one;
 * replaced rows are kept and every import is logged.
 */
#ifndef JIXIAO_IMPORT_H
#define JIXIAO_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "jixiao/error.h"
#include "jixiao/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a file holds. */
typedef enum jx_import_kind {
    JX_IMPORT_TARGETS, /**< 绩效目标表: indicators with target values and weights */
    JX_IMPORT_ACTUALS, /**< 实际完成值 and 偏差原因 */
    JX_IMPORT_BUDGET   /**< 年初预算数, 全年预算数, 全年执行数 */
} jx_import_kind;

/** @brief "targets", "actuals" or "budget". Static; never NULL. */
JX_API const char *jx_import_kind_str(jx_import_kind kind);

/** @brief Parse "targets" / "actuals" / "budget". @return ::JX_OK or ::JX_ERR_INVALID. */
JX_API jx_err jx_import_kind_parse(const char *s, jx_import_kind *kind);

/** Options of an import. Zero-initialise and set what you need. */
typedef struct jx_import_opts {
    /** Called once per error, in file order, before the import is rolled back. May be NULL. */
    void (*on_error)(void *ctx, const char *message);
    /** Called every 16,384 rows with the rows read so far and the rows the file is expected
     * to hold, estimated from the share of its bytes read (a CSV/TSV file: exact once it is
     * read; 0 when the reader cannot tell, as inside a zipped .xlsx). May be NULL. (0.3: the
     * total is new.) */
    void (*on_progress)(void *ctx, int64_t rows, int64_t total);
    void *ctx;                /**< passed to the callbacks */
    const char *display_name; /**< the file's name in messages and the log; NULL: the path */
    size_t max_errors;        /**< report at most this many (0: 1000); all are counted */
    /** Workbooks (.xlsx): read only the sheet of this name; NULL: every visible sheet whose
     *  header row has the needed columns. Ignored for CSV/TSV. Not copied: keep it alive
     *  during the call. */
    const char *sheet;
} jx_import_opts;

/** What an import did. Plain value owned by the caller. */
typedef struct jx_import_result {
    int64_t import_id; /**< id in the import log; 0 when nothing was imported */
    int64_t rows;      /**< data rows imported (blank rows are skipped, not counted) */
    int64_t replaced;  /**< earlier rows marked replaced */
    int64_t subjects;  /**< subjects touched */
    size_t errors;     /**< bad rows found (the import was rejected when > 0) */
    char encoding[32]; /**< "UTF-8", "UTF-8 with BOM", "GB18030", ... */
    char sha256[65];   /**< of the file's bytes */
} jx_import_result;

/**
 * @brief Import one file.
 *
 * @param st    the store (no transaction may be open)
 * @param kind  what the file holds
 * @param path  the file
 * @param opts  may be NULL
 * @param res   may be NULL; filled in also on failure (errors, encoding)
 * @return ::JX_OK; ::JX_ERR_FORMAT when rows are bad (see opts->on_error; nothing imported);
 *         ::JX_ERR_IO, ::JX_ERR_ENCODING, ::JX_ERR_LIMIT for an unreadable file (a damaged
 *         or hostile workbook: ::JX_ERR_FORMAT or ::JX_ERR_LIMIT); ::JX_ERR_NOTFOUND for a
 *         --sheet the workbook does not have; ::JX_ERR_DB.
 *         jx_store_errmsg() has a one-line summary.
 */
JX_API jx_err jx_import_file(jx_store *st, jx_import_kind kind, const char *path,
                             const jx_import_opts *opts, jx_import_result *res);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_IMPORT_H */
