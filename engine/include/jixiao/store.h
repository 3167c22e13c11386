/**
 * @file store.h
 * @brief The SQLite store: targets, actuals, budget execution, import log and scoring runs.
 *
 * One file holds a bureau's data year after year. The schema is versioned
 * (`PRAGMA user_version`, migrated on open); foreign keys are on, the journal
 * is WAL and a busy timeout lets several processes share the file. Nothing is
 * ever deleted: re-importing a subject's targets marks the old rows replaced
 * by the new import, and every import is logged with its file's SHA-256.
 *
 * Imports are in import.h, scoring runs in run.h; this header opens, closes
 * and lists.
 */
#ifndef JIXIAO_STORE_H
#define JIXIAO_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jixiao/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An open store. Opaque; one handle is used by one thread at a time. */
typedef struct jx_store jx_store;

/** Schema version this library writes (`PRAGMA user_version`). */
#define JX_SCHEMA_VERSION 4

/**
 * @brief Open (creating and migrating as needed) the store at @p path.
 *
 * `:memory:` gives a private in-memory store (used by `jixiao evaluate`).
 * A file written by a newer jixiao (higher schema version) is refused.
 * @param out  receives the handle (close with jx_store_close()); NULL on failure
 * @param msg  optional; the reason on failure
 * @return ::JX_OK, ::JX_ERR_DB (cannot open, not a database, newer schema), ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_store_open(const char *path, jx_store **out, jx_errmsg *msg);

/** @brief Close the store. NULL is a harmless no-op. An open transaction is rolled back. */
JX_API void jx_store_close(jx_store *st);

/** @brief Detailed message of the last failed call on @p st. Owned by @p st; never NULL. */
JX_API const char *jx_store_errmsg(const jx_store *st);

/** One logged import, as listed by jx_store_history(). Strings are valid during the callback only.
 */
typedef struct jx_import_info {
    int64_t id;
    const char *kind;     /**< "targets", "actuals" or "budget" */
    const char *file;     /**< the file name as given */
    const char *sha256;   /**< of the file's bytes */
    const char *encoding; /**< as detected: "UTF-8", "GB18030", ... */
    const char *at;       /**< UTC time, ISO 8601 */
    int64_t rows;         /**< rows imported */
    int64_t replaced;     /**< earlier rows this import replaced (kept, marked) */
} jx_import_info;

/** Callback of jx_store_history(); return non-zero to stop early. */
typedef int (*jx_import_cb)(const jx_import_info *info, void *ctx);

/** @brief Call @p cb for every logged import, oldest first. */
JX_API jx_err jx_store_history(jx_store *st, jx_import_cb cb, void *ctx);

/** What jx_store_check() looks at, in the order it looks. */
typedef enum jx_check_kind {
    JX_CHECK_SCHEMA,       /**< the schema version, and that the file holds jixiao's tables */
    JX_CHECK_INTEGRITY,    /**< PRAGMA integrity_check: pages, records, indexes, constraints */
    JX_CHECK_FOREIGN_KEYS, /**< PRAGMA foreign_key_check: every row's links point at a row */
    JX_CHECK_RUNS,         /**< every stored run's rule set: its text has the stored SHA-256 */
    JX_CHECK__COUNT
} jx_check_kind;

/** @brief "schema", "integrity", "foreign keys", "runs". Static; never NULL. */
JX_API const char *jx_check_kind_str(jx_check_kind kind);

/** One finding of jx_store_check(). Strings are valid during the callback only. */
typedef struct jx_check_finding {
    jx_check_kind kind;
    bool problem;             /**< true: something is wrong; false: a note (a run, a summary) */
    const char *text;         /**< what was found, in words */
    int64_t run_id;           /**< JX_CHECK_RUNS: the run (0 for other kinds) */
    const char *rules;        /**< JX_CHECK_RUNS: its rule set's name ("" otherwise) */
    const char *rules_sha256; /**< JX_CHECK_RUNS: the SHA-256 stored with it ("" otherwise) */
} jx_check_finding;

/** Callback of jx_store_check(). */
typedef void (*jx_check_cb)(const jx_check_finding *f, void *ctx);

/** What jx_store_check() found. */
typedef struct jx_check_result {
    int version;                      /**< PRAGMA user_version of the file */
    size_t problems[JX_CHECK__COUNT]; /**< problems of each kind (all counted) */
    size_t total;                     /**< their sum: 0 when the store is sound */
    int64_t runs;                     /**< stored runs looked at */
} jx_check_result;

/** At most this many problems of one kind are handed to the callback (all are counted). */
#define JX_CHECK_REPORT_MAX 100

/**
 * @brief Check the store at @p path without changing it (opened read-only; not migrated).
 *
 * Works on files jx_store_open() refuses (a tampered schema version, damage), so that the
 * damage can be seen. Each problem, and a note per stored run (its rule set's name and
 * SHA-256), goes to @p cb (may be NULL).
 * @param res  receives the counts (required)
 * @param msg  optional; why the file could not be checked
 * @return ::JX_OK when the file was checked (res->total says whether it is sound),
 *         ::JX_ERR_NOTFOUND (no such file), ::JX_ERR_DB (not a database, cannot be read),
 *         ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_store_check(const char *path, jx_check_cb cb, void *ctx, jx_check_result *res,
                             jx_errmsg *msg);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_STORE_H */
