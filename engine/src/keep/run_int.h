/*
 * run_int.h - what run.c shares with batch.c (internal): the error report of a run and the
 * subject filter of jx_run_foreach(), so a batch and a store report and select alike.
 */
#ifndef JX_RUN_INT_H
#define JX_RUN_INT_H

#include <stdbool.h>

#include "jixiao/run.h"

/* Count an error of a run and pass its message to o->on_error (when set). */
void run_error(const jx_run_opts *o, size_t *errors, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Does the filter (NULL: everything) take this subject? */
bool run_wanted(const jx_run_filter *f, const char *code, const char *name, const char *project,
                int year);

#endif
