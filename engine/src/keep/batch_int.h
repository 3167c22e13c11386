/*
 * batch_int.h - the inside of jx_batch that import.c writes to (internal).
 *
 * An import into a batch runs import.c's checks and, where it would write to
 * the store, calls these instead. Subjects a file creates are appended (and
 * dropped again by batch_rollback()); its targets are appended and become their
 * subjects' current targets at batch_commit(); its budget rows and codes are
 * applied at commit; its actuals are written at once, the ones they replace kept
 * for batch_rollback(). So a failed file leaves the batch as it was, like a
 * rolled-back transaction.
 */
#ifndef JX_BATCH_INT_H
#define JX_BATCH_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "jixiao/batch.h"
#include "model/vcache_int.h"

/* The subject's id (index + 1), creating it when asked; 0 when it does not exist; -1 when out
 * of memory. *stored receives its code ("" when none). */
int64_t batch_subject(jx_batch *b, const char *code, const char *name, const char *project,
                      int year, bool create, const char **stored);

/* These return false when out of memory. */
bool batch_set_code(jx_batch *b, int64_t sid, const char *code);
/* A target of this file; the first of a subject in a file starts replacing its current ones.
 * kind: its value's; vidx: jx_vcache_last(batch_vcache(b)) after parsing it (-1: not kept).
 * An actual's aidx likewise. */
bool batch_add_target(jx_batch *b, int64_t sid, const char *l1, const char *l2, const char *l3,
                      const char *op, const char *target, const char *unit, bool has_weight,
                      double weight, const char *note, jx_kind kind, int32_t vidx);
bool batch_add_actual(jx_batch *b, int64_t target, const char *actual, const char *reason,
                      int32_t aidx);
bool batch_add_budget(jx_batch *b, int64_t sid, bool has_initial, double initial, double budget,
                      double spent);

/* A current target of a subject, for matching actuals. */
typedef struct batch_tgt {
    int64_t ref; /* for batch_add_actual */
    const char *l1, *l2, *l3;
    jx_kind kind; /* of its value */
} batch_tgt;

/* The subject's current targets in order: calls fn for each until it returns false; false
 * when fn did. */
bool batch_targets_of(const jx_batch *b, int64_t sid, bool (*fn)(void *ctx, const batch_tgt *t),
                      void *ctx);

/* Start, commit (returning the number of rows replaced) or roll back one file. */
void batch_begin(jx_batch *b);
int64_t batch_commit(jx_batch *b);
void batch_rollback(jx_batch *b);

/* The batch's memo of parsed value strings, shared by its imports and its scoring: each
 * distinct string is parsed once per batch, not once per file and again when scored. */
jx_vcache *batch_vcache(jx_batch *b);

/* The batch's message buffer (JX_ERRMSG_MAX bytes). */
char *batch_errbuf(jx_batch *b);

#endif
