/*
 * review_int.h - helpers shared by the review modules (review.c: claims against rule scores;
 * review_sample.c: the 抽查 sample; review_diff.c: two runs compared; review_trend.c: a
 * department's years). Not part of the public API.
 */
#ifndef JIXIAO_REVIEW_INT_H
#define JIXIAO_REVIEW_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "jixiao/rank.h"
#include "jixiao/review.h"
#include "jixiao/run.h"
#include "util/util_int.h"

/* A copy of s in the arena; NULL (and *nomem set) when out of memory. s NULL gives NULL. */
const char *rv_dup(jx_arena *a, const char *s, bool *nomem);

/* The target as the form shows it: 指标性质 + 指标值 + 度量单位 ("≥300件"; the unit is left out
 * when the value already holds it), copied into the arena. */
const char *rv_target_text(jx_arena *a, const jx_run_indicator *in, bool *nomem);

/* Ranks of a run's subjects by identity (name, project, year). */
typedef struct rv_ranks {
    jx_ranking *r;
    jx_map by_key; /* jx_subject_key() → index in r + 1 */
} rv_ranks;

/* Rank the run's subjects (sel: which) and index them; the message is the run's on failure. */
jx_err rv_ranks_load(jx_run *run, const jx_selection *sel, rv_ranks *out);
/* The ranked subject of that identity, or NULL. */
const jx_ranked *rv_ranks_find(const rv_ranks *rk, const char *name, const char *project, int year);
void rv_ranks_free(rv_ranks *rk);

/* Order of subjects in listings: year, departments before projects, 部门编码, name, project. */
int rv_cmp_identity(const char *code_a, const char *name_a, const char *project_a, int year_a,
                    const char *code_b, const char *name_b, const char *project_b, int year_b);

#endif
