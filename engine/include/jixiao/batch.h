/**
 * @file batch.h
 * @brief Evaluate in memory: import, score and read back without a store.
 *
 * A batch holds what a store would hold for one evaluation — subjects, their
 * current targets, actuals and budget rows — in memory, and scores it the way
 * jx_run_score() scores a store. Files are read and checked by the same code
 * as jx_import_file(), so every message, every rule about replacing and every
 * all-or-nothing guarantee is the same; nothing is written anywhere, there is
 * no import log (jx_import_result.sha256 and import_id stay empty) and no
 * history of replaced rows. This is the fast path of `jixiao evaluate` without
 * `--db`: SQLite is half of an import's cost, and an evaluation that keeps
 * nothing need not pay it.
 *
 * Use: jx_batch_new(), jx_batch_import_file() for each file (targets first),
 * jx_batch_score(), then jx_batch_run() to read the result as a jx_run, exactly
 * like a stored run (run.h): the same foreach, the same workbook writer, the
 * same rankings. Not thread-safe; one batch per thread.
 */
#ifndef JIXIAO_BATCH_H
#define JIXIAO_BATCH_H

#include <stdint.h>

#include "jixiao/error.h"
#include "jixiao/import.h"
#include "jixiao/ruleset.h"
#include "jixiao/run.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An evaluation in memory. Opaque; create with jx_batch_new(), free with jx_batch_free(). */
typedef struct jx_batch jx_batch;

/** @brief A new, empty batch (owned by the caller: jx_batch_free()). @return ::JX_OK,
 * ::JX_ERR_NOMEM, ::JX_ERR_INVALID. */
JX_API jx_err jx_batch_new(jx_batch **out);

/** @brief Free a batch and everything it holds. NULL is a no-op. */
JX_API void jx_batch_free(jx_batch *b);

/** @brief The last failure's one-line message (owned by the batch; valid until its next call). */
JX_API const char *jx_batch_errmsg(const jx_batch *b);

/**
 * @brief Read one file into the batch, as jx_import_file() would into a store.
 *
 * Same checks, same messages, same return values (::JX_ERR_DB aside). On failure the batch
 * is as it was before the call. A file imported into a scored batch discards the result:
 * score again.
 */
JX_API jx_err jx_batch_import_file(jx_batch *b, jx_import_kind kind, const char *path,
                                   const jx_import_opts *opts, jx_import_result *res);

/**
 * @brief Score every subject that has targets (jx_run_score()'s rules and messages).
 *
 * The result replaces any earlier one of this batch. It is numbered run 1 (out->run_id)
 * and, like a stored run, is kept only when every subject could be scored. The batch keeps
 * each subject's totals, not every indicator's score: jx_run_foreach() computes those again
 * (the same bits), so @p rs must stay alive while the result is read.
 * @return ::JX_OK; ::JX_ERR_NOTFOUND when the batch holds no targets; ::JX_ERR_FORMAT
 *         when some subjects cannot be scored (each reported through opts->on_error);
 *         ::JX_ERR_NOMEM. jx_batch_errmsg() has a summary.
 */
JX_API jx_err jx_batch_score(jx_batch *b, const jx_ruleset *rs, const jx_run_opts *opts,
                             jx_run_summary *out);

/**
 * @brief The scored result as a jx_run (run.h): details as jx_run_open() gives a stored run's
 * (id 1, created_at the time of scoring, the rule set's name and SHA-256), subjects in the order
 * the targets files first named them, with the same fields as a stored run's.
 *
 * @param out  receives the run (owned by the caller: jx_run_close()). It reads the batch, which
 *             must outlive it, and the rule set it was scored with, which must stay alive too.
 *             A file imported into the batch afterwards makes its foreach fail: score again.
 * @return ::JX_OK; ::JX_ERR_NOTFOUND when the batch has not been scored; ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_batch_run(jx_batch *b, jx_run **out);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_BATCH_H */
