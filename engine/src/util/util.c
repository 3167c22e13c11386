/*
 * util.c - error-message formatting and UTF-8 helpers shared by the engine.
 */
#include "util/util_int.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

/* jx_utf8_check(), inline in jx_utf8_decode(): value parsing decodes every character */
static inline __attribute__((always_inline)) int utf8_check(const unsigned char *u, size_t len)
{
    if (len == 0) return 0;
    unsigned b = u[0];
    if (b < 0x80) return 1;
    size_t need;
    unsigned lo = 0x80, hi = 0xBF; /* the range of the second byte */
    if (b >= 0xC2 && b <= 0xDF) {
        need = 2; /* C0, C1: overlong */
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 3;
        if (b == 0xE0)
            lo = 0xA0; /* overlong */
        else if (b == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 4;
        if (b == 0xF0)
            lo = 0x90; /* overlong */
        else if (b == 0xF4)
            hi = 0x8F; /* > U+10FFFF */
    } else {
        return 0; /* a continuation byte, or F5..FF */
    }
    if (len >= 2 && (u[1] < lo || u[1] > hi)) return 0;
    for (size_t k = 2; k < need && k < len; k++)
        if ((u[k] & 0xC0) != 0x80) return 0;
    return len < need ? JX_UTF8_CUT : (int)need;
}

int jx_utf8_check(const char *s, size_t len)
{
    return utf8_check((const unsigned char *)s, len);
}

/* jx_utf8_decode(), inline in jx_utf8_width() */
static inline __attribute__((always_inline)) size_t utf8_decode(const unsigned char *u, size_t len,
                                                                uint32_t *cp)
{
    int n = utf8_check(u, len);
    if (n <= 0) return 0;
    if (n == 1) {
        *cp = u[0];
        return 1;
    }
    uint32_t c = u[0] & (0x7Fu >> n); /* the lead byte's payload: 5, 4 or 3 bits */
    for (int i = 1; i < n; i++)
        c = (c << 6) | (u[i] & 0x3F);
    *cp = c;
    return (size_t)n;
}

size_t jx_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    return utf8_decode((const unsigned char *)s, len, cp);
}

/* Terminal columns of code point c: 2 for East Asian wide and full-width characters (汉字,
 * kana, Hangul, ，（）％￥), 1 for the rest. A fixed table, not wcwidth(): the width must not
 * depend on the locale (wcwidth() gives −1 for every non-ASCII character in the C locale). */
static int cp_width(uint32_t c)
{
    if (c == 0) return 0;
    if (c < 0x1100) return 1;
    if ((c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) ||
        (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
        (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
        (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD))
        return 2;
    return 1;
}

size_t jx_utf8_width(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t w = 0;
    for (size_t i = 0; i < len;) {
        if (u[i] < 0x80 && u[i]) { /* ASCII: most of a table */
            w++;
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = utf8_decode(u + i, len - i, &cp);
        if (!k) { /* an invalid byte: one column (a terminal shows one replacement mark) */
            w++;
            i++;
            continue;
        }
        w += (size_t)cp_width(cp);
        i += k;
    }
    return w;
}

size_t jx_utf8_clip(const char *s, size_t len, size_t max)
{
    if (len <= max) return len;
    size_t n = max;
    /* step back over continuation bytes so we end before a lead byte */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

int jx_copy_clip(char *dst, size_t cap, const char *src, size_t len)
{
    if (cap == 0) return len > 0;
    size_t n = jx_utf8_clip(src, len, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
    return n < len;
}

void jx_vfmt_trunc(char *buf, size_t cap, const char *fmt, va_list ap)
{
    if (!buf || cap == 0) return;
    int n = vsnprintf(buf, cap, fmt, ap);
    if (n < 0) {
        buf[0] = '\0';
        return;
    }
    if ((size_t)n >= cap) {
        /* vsnprintf cut at a byte: drop a final character that lost its tail */
        size_t end = cap - 1, p = end;
        while (p > 0 && ((unsigned char)buf[p - 1] & 0xC0) == 0x80)
            p--;
        if (p > 0) {
            unsigned char lead = (unsigned char)buf[p - 1];
            size_t need = lead < 0x80             ? 1
                          : (lead & 0xE0) == 0xC0 ? 2
                          : (lead & 0xF0) == 0xE0 ? 3
                                                  : 4;
            if ((p - 1) + need > end) buf[p - 1] = '\0';
        }
    }
}

void jx_fmt_trunc(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(buf, cap, fmt, ap);
    va_end(ap);
}

jx_err jx_msg(jx_errmsg *msg, jx_err err, const char *fmt, ...)
{
    if (msg) {
        va_list ap;
        va_start(ap, fmt);
        jx_vfmt_trunc(msg->text, sizeof msg->text, fmt, ap);
        va_end(ap);
    }
    return err;
}

/* ---- arena ---- */

struct jx_arena_block {
    struct jx_arena_block *next;
    size_t used, cap;
    char data[];
};

#define ARENA_BLOCK (64 * 1024)

char *jx_arena_strndup(jx_arena *a, const char *s, size_t len)
{
    struct jx_arena_block *b = a->head;
    if (!b || b->cap - b->used < len + 1) {
        size_t cap = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b) return NULL;
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    char *p = b->data + b->used;
    memcpy(p, s, len);
    p[len] = '\0';
    b->used += len + 1;
    return p;
}

void jx_arena_free(jx_arena *a)
{
    struct jx_arena_block *b = a->head;
    while (b) {
        struct jx_arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
}

/* ---- hash map ---- */

struct jx_map_slot {
    const char *key; /* NULL: empty */
    size_t klen;
    uint64_t hash;
    int64_t value;
};

uint64_t jx_hash_bytes(const char *s, size_t n)
{
    /* eight bytes a step (a key is mostly Chinese text: 3 bytes a character, 20-60 bytes),
     * each word mixed in by a multiply and a rotation, the tail likewise */
    const uint64_t k1 = 0x9e3779b97f4a7c15ULL, k2 = 0xbf58476d1ce4e5b9ULL;
    uint64_t h = 1469598103934665603ULL ^ (n * k1);
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        h = (h ^ (v * k2)) * k1;
        h = (h << 29) | (h >> 35);
    }
    if (n) {
        uint64_t v = 0;
        memcpy(&v, s, n);
        h = (h ^ (v * k2)) * k1;
    }
    /* keys differ mostly at the end ("12\x1f产出指标\x1f…\x1f数量1", "数量2") and a table's slot
     * index takes the low bits: finish with murmur3's avalanche, or linear probing clusters */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

int64_t *jx_map_get(const jx_map *m, const char *key, size_t klen)
{
    if (!m->cap) return NULL;
    uint64_t h = jx_hash_bytes(key, klen);
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        struct jx_map_slot *s = &m->slots[i];
        if (!s->key) return NULL;
        if (s->hash == h && s->klen == klen && !memcmp(s->key, key, klen)) return &s->value;
    }
}

static int map_grow(jx_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    struct jx_map_slot *slots = calloc(cap, sizeof *slots);
    if (!slots) return -1;
    for (size_t k = 0; k < m->cap; k++) {
        struct jx_map_slot *s = &m->slots[k];
        if (!s->key) continue;
        size_t i = s->hash & (cap - 1);
        while (slots[i].key)
            i = (i + 1) & (cap - 1);
        slots[i] = *s;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

int64_t *jx_map_put(jx_map *m, const char *key, size_t klen, int *is_new)
{
    if ((m->len + 1) * 4 > m->cap * 3 && map_grow(m)) return NULL; /* keep the load under 3/4 */
    uint64_t h = jx_hash_bytes(key, klen);
    size_t i = h & (m->cap - 1);
    for (;; i = (i + 1) & (m->cap - 1)) {
        struct jx_map_slot *s = &m->slots[i];
        if (!s->key) break;
        if (s->hash == h && s->klen == klen && !memcmp(s->key, key, klen)) {
            if (is_new) *is_new = 0;
            return &s->value;
        }
    }
    char *k = jx_arena_strndup(&m->keys, key, klen);
    if (!k) return NULL;
    m->slots[i] = (struct jx_map_slot){.key = k, .klen = klen, .hash = h, .value = 0};
    m->len++;
    if (is_new) *is_new = 1;
    return &m->slots[i].value;
}

void jx_map_free(jx_map *m)
{
    free(m->slots);
    jx_arena_free(&m->keys);
    m->slots = NULL;
    m->cap = m->len = 0;
}

size_t jx_subject_key(char *buf, size_t cap, int year, const char *name, const char *project)
{
    char num[16];
    size_t n = 0;
    unsigned u = year > 0 ? (unsigned)year : 0; /* years are checked: 1900..2999 */
    do
        num[sizeof num - ++n] = (char)('0' + u % 10);
    while ((u /= 10) && n < sizeof num);
    const char *parts[3] = {num + sizeof num - n, name, project};
    size_t lens[3] = {n, strlen(name), strlen(project)};
    size_t len = 0;
    for (int i = 0; i < 3; i++) {
        if (len + lens[i] + 1 >= cap) return 0;
        if (i) buf[len++] = '\x1f';
        memcpy(buf + len, parts[i], lens[i]);
        len += lens[i];
    }
    buf[len] = '\0';
    return len;
}

bool jx_grow_(void *pp, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return true;
    size_t nc = *cap ? *cap : 16;
    while (nc < need) {
        if (nc > SIZE_MAX / 2) return false;
        nc *= 2;
    }
    if (elem && nc > SIZE_MAX / elem) return false;
    void *p;
    memcpy(&p, pp, sizeof p); /* the caller's pointer, whatever its type (JX_GROW) */
    void *q = realloc(p, nc * elem);
    if (!q) return false;
    memcpy(pp, &q, sizeof q);
    *cap = nc;
    return true;
}

const char *jx_number_ungroup(const char *s, char *out, size_t cap)
{
    static const char bad[] = "bad thousands separator";
    size_t n = 0, group = 0; /* digits in the current group of the integer part */
    bool in_int = false, after_int = false, seps = false;
    for (const char *p = s; *p; p++) {
        char ch = *p;
        if (ch == ',') {
            /* 1-3 digits before the first separator, 3 before each later one, 3 after each */
            if (!in_int || after_int || group > 3 || (seps && group != 3)) return bad;
            size_t g = 0;
            while (p[1 + g] >= '0' && p[1 + g] <= '9')
                g++;
            if (g != 3) return bad;
            seps = true;
            group = 0;
            continue;
        }
        if (ch >= '0' && ch <= '9') {
            if (!after_int) in_int = true, group++;
        } else if (in_int) {
            after_int = true; /* the point, an exponent, a unit: no separator after it */
        }
        if (n + 1 >= cap) return "too long";
        out[n++] = ch;
    }
    if (!cap) return "too long";
    out[n] = '\0';
    return NULL;
}

const char *jx_user_name(unsigned uid, char *buf, size_t cap)
{
    struct passwd pw, *res = NULL;
    char tmp[1024];
    if (getpwuid_r((uid_t)uid, &pw, tmp, sizeof tmp, &res) == 0 && res && res->pw_name)
        jx_fmt_trunc(buf, cap, "%s (uid %u)", res->pw_name, uid);
    else
        jx_fmt_trunc(buf, cap, "uid %u", uid);
    return buf;
}

bool jx_mem_headroom(size_t need)
{
    struct rlimit as, data;
    bool as_set = getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY;
    bool data_set = getrlimit(RLIMIT_DATA, &data) == 0 && data.rlim_cur != RLIM_INFINITY;
    if (!as_set && !data_set) return true;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return true;
    unsigned long size = 0, rss, shared, text, lib, dat = 0;
    int n = fscanf(f, "%lu %lu %lu %lu %lu %lu", &size, &rss, &shared, &text, &lib, &dat);
    fclose(f);
    if (n != 6) return true;
    long page = sysconf(_SC_PAGESIZE);
    uint64_t used_as = (uint64_t)size * (uint64_t)(page > 0 ? page : 4096);
    uint64_t used_data = (uint64_t)dat * (uint64_t)(page > 0 ? page : 4096);
    if (as_set && (uint64_t)as.rlim_cur < used_as + need) return false;
    if (data_set && (uint64_t)data.rlim_cur < used_data + need) return false;
    return true;
}
