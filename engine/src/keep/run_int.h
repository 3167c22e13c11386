/*
 * run_int.h - the inside of jx_run, a scored result read back (internal).
 *
 * A jx_run is a stored run (run.c) or a batch's evaluation (batch.c): each back-end fills in
 * the run's details and supplies its foreach; everything that reads a scored result (the CLI's
 * listings, the workbook writer, the analyses) goes through jx_run_foreach() and never knows
 * which one it reads.
 */
#ifndef JX_RUN_INT_H
#define JX_RUN_INT_H

#include <stdbool.h>

#include "jixiao/run.h"

struct jx_run {
    /* Visit the subjects (jx_run_foreach's contract); on failure set r->errmsg. */
    jx_err (*foreach)(jx_run *r, const jx_run_filter *f, jx_run_cb cb, void *ctx);
    void *h; /* the store or the batch it reads */
    int64_t id;
    jx_run_info info;
    char errmsg[JX_ERRMSG_MAX];
};

/* Record a failure in the run's message; returns e. */
jx_err run_fail(jx_run *r, jx_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The rows under a subject's 年度资金总额, by use. */
typedef struct run_money {
    jx_money fiscal, carryover, other, basic, project;
} run_money;

/* Add a money row (资金来源 source as stored; "" the total, ignored) to m. */
void run_add_money(run_money *m, const char *source, const jx_money *row);

/* Copy m into the subject's fund_* and spend_* fields. */
void run_set_money(jx_run_subject *s, const run_money *m);

/* Does the filter (NULL: everything) take this subject? */
bool run_wanted(const jx_run_filter *f, const char *code, const char *name, const char *project,
                int year);

#endif
