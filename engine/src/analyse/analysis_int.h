/*
 * analysis_int.h - helpers shared by the analysis modules (rank.c, stats.c,
 * whatif.c, sensitivity.c): ranking groups and rank keys.
 * Not part of the public API.
 */
#ifndef JIXIAO_ANALYSIS_INT_H
#define JIXIAO_ANALYSIS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jixiao/rank.h"

/* The group key of a subject: departments before projects, then by year. */
static inline int64_t an_group_key(const char *project, int year)
{
    return (project && *project ? (int64_t)1 << 32 : 0) + (int64_t)year;
}

/* The rank key of a total (jx_rank_key()): total × 1e9 rounded half away from zero. Inline for
 * the sensitivity loop; totals beyond ±1e9 are clamped so the conversion stays defined. */
static inline int64_t an_rank_key(double total)
{
    if (!(total > -1e9)) total = -1e9;
    if (total > 1e9) total = 1e9;
    double x = total * 1e9;
    return x >= 0 ? (int64_t)(x + 0.5) : -(int64_t)(-x + 0.5);
}

/* Dense group numbers 0..ngroups−1 for n group keys, numbered in key order.
 * group[] receives them; *ngroups the count. false when out of memory. */
bool an_groups(const int64_t *keys, size_t n, size_t *group, size_t *ngroups);

#endif
