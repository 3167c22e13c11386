/*
 * util_int.h - small internal helpers shared by engine modules: error-message
 * formatting, UTF-8 decoding, an arena, a string hash and a string-keyed map. Not part of the
 * public API.
 */
#ifndef JIXIAO_UTIL_INT_H
#define JIXIAO_UTIL_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jixiao/error.h"

/* Format into buf (capacity cap), truncating at a UTF-8 character boundary.
 * Safe with buf == NULL or cap == 0 (then nothing is written). */
void jx_fmt_trunc(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void jx_vfmt_trunc(char *buf, size_t cap, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Fill a jx_errmsg (may be NULL) and return err, so a failure path is one line:
 *     return jx_msg(msg, JX_ERR_PARSE, "\"%.*s\": two operators", (int)len, text); */
jx_err jx_msg(jx_errmsg *msg, jx_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- UTF-8: the one place that knows its encoding ---- */

/* Check the UTF-8 character at s[0..len): its length (1..4) when it is valid (shortest form,
 * not a surrogate, at most U+10FFFF); JX_UTF8_CUT when s[0..len) is the valid beginning of a
 * character that len cuts short (more bytes could complete it); 0 when invalid or len == 0. */
#define JX_UTF8_CUT (-1)
int jx_utf8_check(const char *s, size_t len);

/* Decode one UTF-8 character from s[0..len). Returns the bytes consumed (1..4)
 * and stores the code point, or returns 0 for an invalid/truncated/overlong
 * sequence or a surrogate (then *cp is untouched). len == 0 returns 0. */
size_t jx_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Display width of s[0..len) in terminal columns: East Asian wide and full-width characters 2,
 * others 1, an invalid byte 1. The same in every locale (a fixed table, not wcwidth()). */
size_t jx_utf8_width(const char *s, size_t len);

/* Length of the longest prefix of s[0..len) that is at most max bytes and
 * ends on a character boundary (s is assumed valid UTF-8). */
size_t jx_utf8_clip(const char *s, size_t len, size_t max);

/* Copy src[0..len) into dst (capacity cap), clipped at a character boundary,
 * NUL-terminated. Returns 1 when it had to clip, else 0. */
int jx_copy_clip(char *dst, size_t cap, const char *src, size_t len);

/* printf("%.*f", decimals, x) into dst (capacity cap), the same bytes, without printf for
 * |x| < 1e14, decimals ≤ 9 and cap ≥ JX_NUMBER_ROOM (numfmt.c); returns what snprintf returns. */
int jx_fmt_fixed(char *dst, size_t cap, double x, int decimals);

/* ---- arena: many small strings freed at once (one import, one subject) ---- */
typedef struct jx_arena {
    struct jx_arena_block *head;
} jx_arena;
/* Copy len bytes plus a NUL into the arena; NULL when out of memory. */
char *jx_arena_strndup(jx_arena *a, const char *s, size_t len);
void jx_arena_free(jx_arena *a);

/* ---- hashing: the one string hash of the engine (jx_map's; any table of text keys) ---- */
/* FNV-1a of s[0..n) with murmur3's finaliser, so that the low bits (a slot index) depend on
 * every byte, the last ones too. */
uint64_t jx_hash_bytes(const char *s, size_t n);
static inline uint64_t jx_hash_str(const char *s) /* a NUL-terminated key */
{
    return jx_hash_bytes(s, strlen(s));
}

/* ---- string-keyed hash map to int64 values (open addressing, keys copied into an arena) ---- */
typedef struct jx_map {
    struct jx_map_slot *slots;
    size_t cap, len;
    jx_arena keys;
} jx_map;
/* Find key; returns a pointer to its value or NULL. */
int64_t *jx_map_get(const jx_map *m, const char *key, size_t klen);
/* Find or insert key (value 0 when new, *is_new set); NULL when out of memory. */
int64_t *jx_map_put(jx_map *m, const char *key, size_t klen, int *is_new);
void jx_map_free(jx_map *m);

/* Make room for need elements in the realloc'd array p (any element type) of capacity cap (a
 * size_t): doubled as needed, from 16. false when out of memory or when the size would overflow;
 * the array and cap are then unchanged. The one growth helper of the engine. */
#define JX_GROW(p, cap, need) jx_grow_room_(&(p), &(cap), (need), sizeof *(p))
bool jx_grow_(void *pp, size_t *cap, size_t need, size_t elem); /* JX_GROW's worker */
/* JX_GROW's common case, inline: callers grow per element (a CSV field), and there is room */
static inline bool jx_grow_room_(void *pp, size_t *cap, size_t need, size_t elem)
{
    return need <= *cap || jx_grow_(pp, cap, need, elem);
}

/* Copy the number text s into out (capacity cap) without its thousands separators, by the rule
 * of the value grammar (jx_value_parse): a comma separates groups of three digits of the integer
 * part, so 2,016.47 and 1,000 are read as 2016.47 and 1000, while 2016,47, 1,5 and 1,0000 (a
 * decimal comma, a typo) are errors. Returns NULL, or the problem: "bad thousands separator", or
 * "too long" when out is too small. Nothing else is checked. */
const char *jx_number_ungroup(const char *s, char *out, size_t cap);

/* "wang (uid 1001)", or "uid 1001" when the user has no name, into buf; returns buf. */
const char *jx_user_name(unsigned uid, char *buf, size_t cap);

/* Is there room for need more bytes under the process's memory limits (ulimit -v, ulimit -d)?
 * true when no limit is set. For code that hands memory to a library that does not survive a
 * failed allocation (libxlsxwriter dereferences NULL rows): stop before, with a message. */
bool jx_mem_headroom(size_t need);

/* The map key of a subject: "YEAR\x1fNAME\x1fPROJECT" into buf; its length, or 0 when it does
 * not fit in cap (NUL included). Built by hand: the importer builds one for every row. */
size_t jx_subject_key(char *buf, size_t cap, int year, const char *name, const char *project);

#endif
