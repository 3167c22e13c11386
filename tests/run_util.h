/*
 * run_util.h - the tests' shorthand for reading a scored result: a stored run by id, or a
 * batch's, each opened as a jx_run, used once and closed (run.h, batch.h).
 */
#ifndef JX_TEST_RUN_UTIL_H
#define JX_TEST_RUN_UTIL_H

#include "jixiao/batch.h"
#include "jixiao/rank.h"
#include "jixiao/run.h"
#include "jixiao/xlsx.h"

/* jx_run_foreach over stored run run_id (0: the newest) */
static inline jx_err stored_foreach(jx_store *st, int64_t run_id, const jx_run_filter *f,
                                    jx_run_cb cb, void *ctx)
{
    jx_run *r = NULL;
    jx_err e = jx_run_open(st, run_id, &r);
    if (!e) e = jx_run_foreach(r, f, cb, ctx);
    jx_run_close(r);
    return e;
}

/* jx_run_foreach over a batch's result */
static inline jx_err batch_foreach(jx_batch *b, const jx_run_filter *f, jx_run_cb cb, void *ctx)
{
    jx_run *r = NULL;
    jx_err e = jx_batch_run(b, &r);
    if (!e) e = jx_run_foreach(r, f, cb, ctx);
    jx_run_close(r);
    return e;
}

/* the details of a batch's result (JX_ERR_NOTFOUND when it has not been scored) */
static inline jx_err batch_info(jx_batch *b, jx_run_info *info)
{
    jx_run *r = NULL;
    jx_err e = jx_batch_run(b, &r);
    if (!e) *info = *jx_run_about(r);
    jx_run_close(r);
    return e;
}

/* jx_ranking_load of stored run run_id */
static inline jx_err stored_ranking(jx_store *st, int64_t run_id, const jx_selection *sel,
                                    jx_ranking **out)
{
    jx_run *r = NULL;
    *out = NULL;
    jx_err e = jx_run_open(st, run_id, &r);
    if (!e) e = jx_ranking_load(r, sel, out);
    jx_run_close(r);
    return e;
}

/* jx_xlsx_write of stored run run_id */
static inline jx_err stored_xlsx(jx_store *st, int64_t run_id, const char *path,
                                 const jx_xlsx_opts *o, jx_xlsx_summary *sum, jx_errmsg *msg)
{
    jx_run *r = NULL;
    jx_err e = jx_run_open(st, run_id, &r);
    if (!e) e = jx_xlsx_write(r, path, o, sum, msg);
    jx_run_close(r);
    return e;
}

#endif
