/*
 * run_int.h - what run.c shares with batch.c (internal): the subject filter of
 * jx_run_foreach(), so a batch and a store select the same subjects.
 */
#ifndef JX_RUN_INT_H
#define JX_RUN_INT_H

#include <stdbool.h>

#include "jixiao/run.h"

/* Does the filter (NULL: everything) take this subject? */
bool run_wanted(const jx_run_filter *f, const char *code, const char *name, const char *project,
                int year);

#endif
