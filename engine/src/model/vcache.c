/*
 * vcache.c - a memo of parsed value strings; see vcache_int.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/vcache_int.h"

#define KEY_MAX 512 /* longer strings are parsed every time */

/* tag, then each part as a 2-byte length and its bytes: no two inputs share a key */
static size_t make_key(char *key, char tag, const char *const *parts, const size_t *lens, int n)
{
    size_t k = 0;
    key[k++] = tag;
    for (int i = 0; i < n; i++) {
        if (k + 2 + lens[i] > KEY_MAX) return 0;
        key[k++] = (char)(lens[i] & 0xff);
        key[k++] = (char)(lens[i] >> 8);
        memcpy(key + k, parts[i], lens[i]);
        k += lens[i];
    }
    return k;
}

static const jx_value *lookup(jx_vcache *c, const char *key, size_t klen)
{
    c->last = -1;
    if (!klen || !c->n) return NULL;
    const int64_t *v = jx_map_get(&c->map, key, klen);
    if (!v) return NULL;
    c->last = (int32_t)(*v - 1);
    return &c->vals[*v - 1];
}

/* keep a successfully parsed value; out of memory or a full cache only means no memo */
static void remember(jx_vcache *c, const char *key, size_t klen, const jx_value *v)
{
    if (!klen || c->n >= (c->max ? c->max : JX_VCACHE_MAX)) return;
    if (!JX_GROW(c->vals, c->cap, c->n + 1)) return;
    int is_new;
    int64_t *slot = jx_map_put(&c->map, key, klen, &is_new);
    if (!slot || !is_new) return;
    c->vals[c->n] = *v;
    c->last = (int32_t)c->n;
    *slot = (int64_t)++c->n;
}

jx_err jx_vcache_cells(jx_vcache *c, const char *op, const char *value, const char *unit,
                       jx_value *out, jx_errmsg *msg)
{
    return jx_vcache_cells_at(c, op, value, unit, out, msg, NULL);
}

jx_err jx_vcache_cells_at(jx_vcache *c, const char *op, const char *value, const char *unit,
                          jx_value *out, jx_errmsg *msg, jx_cell *bad)
{
    if (bad) *bad = JX_CELL_VALUE;
    char key[KEY_MAX];
    size_t klen = 0;
    if (op && value && unit && out) {
        const char *parts[3] = {op, value, unit};
        size_t lens[3] = {strlen(op), strlen(value), strlen(unit)};
        klen = make_key(key, 'c', parts, lens, 3);
    }
    const jx_value *hit = lookup(c, key, klen);
    if (hit) {
        *out = *hit;
        return JX_OK;
    }
    jx_err e = jx_value_parse_cells_at(op, value, unit, out, msg, bad);
    if (!e) remember(c, key, klen, out);
    return e;
}

jx_err jx_vcache_text(jx_vcache *c, const char *text, size_t len, jx_value *out, jx_errmsg *msg)
{
    char key[KEY_MAX];
    size_t klen = 0;
    if (text && out) klen = make_key(key, 't', &text, &len, 1);
    const jx_value *hit = lookup(c, key, klen);
    if (hit) {
        *out = *hit;
        return JX_OK;
    }
    jx_err e = jx_value_parse(text, len, out, msg);
    if (!e) remember(c, key, klen, out);
    return e;
}

int32_t jx_vcache_last(const jx_vcache *c)
{
    return c->n ? c->last : -1;
}

const jx_value *jx_vcache_at(const jx_vcache *c, int32_t i)
{
    return i >= 0 && (size_t)i < c->n ? &c->vals[i] : NULL;
}

void jx_vcache_free(jx_vcache *c)
{
    jx_map_free(&c->map);
    free(c->vals);
    memset(c, 0, sizeof *c);
}
