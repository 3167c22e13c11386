/*
 * store_int.h - the inside of jx_store, shared by store.c, import.c, run.c and the analyses
 * (whatif.c, sensitivity.c):
 * the connection, its prepared statements (prepared once, on first use, and
 * reused) and transaction helpers. SQLite never appears in public headers.
 */
#ifndef JIXIAO_STORE_INT_H
#define JIXIAO_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "jixiao/aggregate.h"
#include "jixiao/score.h"
#include "jixiao/store.h"

/* Every statement the engine runs; the SQL is in store.c. */
typedef enum st_id {
    S_IMPORT_INSERT,
    S_IMPORT_FINISH,
    S_IMPORT_FILE,
    S_SUBJECT_FIND,
    S_SUBJECT_INSERT,
    S_SUBJECT_INSERT_ID,
    S_SUBJECTS_ALL,
    S_SUBJECT_SETCODE,
    S_TARGETS_REPLACE,
    S_TARGET_INSERT,
    S_TARGETS_OF,
    S_ACTUALS_ANY,
    S_ACTUAL_REPLACE,
    S_ACTUAL_INSERT,
    S_BUDGET_REPLACE,
    S_BUDGET_INSERT,
    S_NOTE_REPLACE,
    S_NOTE_INSERT,
    S_NOTES_OF,
    S_MONEY_OF,
    S_HISTORY,
    S_RUN_INSERT,
    S_RUN_FINISH,
    S_RUN_SUBJECT_INSERT,
    S_RUN_IND_INSERT,
    S_SCORE_ROWS,
    S_BUDGET_OF,
    S_RUN_INFO,
    S_RUN_LATEST,
    S_RUN_LIST,
    S_RUN_SUBJECTS,
    S_RUN_INDICATORS,
    S_SCENARIO_FIND,
    S_SCENARIO_INSERT,
    S_SCENARIO_REPLACE,
    S_SCENARIO_ITEM_INSERT,
    S_SCENARIO_ITEMS,
    S_SCENARIO_LIST,
    S_SCENARIO_DELETED,
    S__COUNT
} st_id;

struct jx_store {
    sqlite3 *db;
    char *path; /* as given to jx_store_open(), for messages */
    char errmsg[JX_ERRMSG_MAX];
    sqlite3_stmt *stmt[S__COUNT];
    bool in_tx;
    bool bulk;   /* foreign keys are off until this transaction ends (st_begin_bulk) */
    bool busy;   /* the last failed statement met a lock (SQLITE_BUSY) */
    bool failed; /* a statement failed since the transaction began (st_broken) */
    /* the store as a back-end (store_keep.c): the file being imported, or the run recorded */
    struct kp_file *file;
    int64_t import_id, run_id;
    char *code; /* the code of the subject found last (kp_ops.subject) */
    size_t capcode;
    struct st_writer *writer; /* a targets import's rows written on a second thread */
};

/* Stop a targets import's writer thread, dropping rows not yet written (store_keep.c); for
 * jx_store_close() of a store left in the middle of an import. */
void st_writer_stop(jx_store *st);

/* The statement, prepared on first use, reset and unbound; NULL on failure (errmsg set). */
sqlite3_stmt *st_stmt(jx_store *st, st_id id);

/* Record the failure of the last statement in st->errmsg, naming the database, what was being
 * done and what to do ("s.db: the disk is full (database or disk is full; targets): free space
 * and try again"); marks the transaction failed (st_broken). Returns JX_ERR_DB (JX_ERR_NOMEM when
 * SQLite ran out of memory). */
jx_err st_dberr(jx_store *st, const char *what);

/* The open transaction can no longer be committed: a statement in it failed, or SQLite rolled it
 * back (an I/O error, a full disk) and the connection is in autocommit mode again. A writer
 * stops at once: any further statement would be committed on its own. */
bool st_broken(const jx_store *st);

/* Record a failure with our own text; returns err. */
jx_err st_fail(jx_store *st, jx_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* BEGIN IMMEDIATE (takes the write lock at once, waiting up to the busy timeout), COMMIT, ROLLBACK.
 */
jx_err st_begin(jx_store *st);
/* BEGIN IMMEDIATE with foreign-key enforcement off until COMMIT or ROLLBACK, for the two bulk
 * writers (an import, a scoring run). Each writes only ids it read or created in the same
 * transaction, so the links hold by construction; the checks cost a fifth of a scoring run
 * (a parent lookup per reference per row). The tests run PRAGMA foreign_key_check after them. */
jx_err st_begin_bulk(jx_store *st);
jx_err st_commit(jx_store *st);
void st_rollback(jx_store *st);

/* The schema version whose tables and indexes db holds (check.c): 0 when it holds none, 1 or 2,
 * -1 when it holds others, or only some of a version's. */
int st_schema_guess(sqlite3 *db);

/* The explanation of a failed SQLite call into buf (dberr.c): the database at path named, the
 * cause of result code rc (extended; sys_errno: sqlite3_system_errno) in plain words, SQLite's
 * message and what was being done (what, may be NULL), and what to do. */
void st_explain(const char *path, int rc, int sys_errno, const char *sqlmsg, const char *what,
                char *buf, size_t cap);

/* Bind helpers: text with length -1 and SQLITE_STATIC (the caller keeps it alive until the step).
 */
int st_bind_text(sqlite3_stmt *s, int i, const char *text);

#endif
