/*
 * vcache_int.h - a memo of parsed value strings (internal).
 *
 * Real target tables repeat their value strings ("100%", "≥95%", "优", "每季度"):
 * an import or a scoring run parses each distinct (operator, value, unit) once
 * and copies the result after that. jx_value_parse is a pure function of its
 * text, so a hit is exactly what a parse would give. Failures are not kept
 * (their message must quote the text each time). At most JX_VCACHE_MAX distinct
 * strings are kept (about 3 MiB); beyond that the cache just parses.
 */
#ifndef JX_VCACHE_INT_H
#define JX_VCACHE_INT_H

#include "jixiao/value.h"
#include "util/util_int.h"

#define JX_VCACHE_MAX 8192

typedef struct jx_vcache {
    jx_map map; /* key → index + 1 into vals */
    jx_value *vals;
    size_t n, cap;
    size_t max;   /* most strings kept; 0: JX_VCACHE_MAX */
    int32_t last; /* the entry the last successful call found or kept, -1: none (jx_vcache_last) */
} jx_vcache;      /* zero-initialise; jx_vcache_free when done */

/* jx_value_parse_cells through the cache (same arguments, same results). */
jx_err jx_vcache_cells(jx_vcache *c, const char *op, const char *value, const char *unit,
                       jx_value *out, jx_errmsg *msg);
/* jx_value_parse_cells_at through the cache: *bad (may be NULL) names the cell at fault. */
jx_err jx_vcache_cells_at(jx_vcache *c, const char *op, const char *value, const char *unit,
                          jx_value *out, jx_errmsg *msg, jx_cell *bad);
/* jx_value_parse through the cache. */
jx_err jx_vcache_text(jx_vcache *c, const char *text, size_t len, jx_value *out, jx_errmsg *msg);
void jx_vcache_free(jx_vcache *c);
/* The entry behind the last successful call's value (-1 when it was not kept: cache full, text
 * too long, or the call failed), for jx_vcache_at: an owner that keeps the index skips hashing
 * the text again. Entries are never dropped, so an index stays valid until jx_vcache_free. */
int32_t jx_vcache_last(const jx_vcache *c);
const jx_value *jx_vcache_at(const jx_vcache *c, int32_t i);

#endif
