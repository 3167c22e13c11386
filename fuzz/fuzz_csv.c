/*
 * fuzz_csv.c - libFuzzer target for the CSV/TSV reader (engine/src/csv.c).
 *
 * The first byte picks a small block size (1..64 bytes) so that every
 * character, CR LF and quote lands on a block boundary somewhere; the rest is
 * the file. Each input is read twice, with that block and with one block of
 * 64 KiB (same sniff), and the two readings must agree record by record
 * and end the same way: block size is an implementation detail the records
 * must never depend on. Other oracles: the sanitizers and the documented
 * contract (fields NUL-terminated, no NUL inside, valid UTF-8, at least one
 * field per record, lines increasing, errors sticky with a message).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/csv_int.h"

#define CHECK(c) ((c) ? (void)0 : abort())

/* Both readings sniff the same bytes, so they detect the same encoding. The
 * "big" reading uses one block for the whole input (libFuzzer's inputs are
 * shorter than SNIFF unless -max_len says otherwise): the reader's default
 * (256 KiB) would only cost time here; tests/test_csv.c covers it. */
#define SNIFF 4096u
#define BIG_BLOCK (64u * 1024u)

/* Well-formed UTF-8 without NUL (the reader promises both). */
static int utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned b = s[i];
        if (b == 0) return 0;
        if (b < 0x80) {
            i++;
            continue;
        }
        size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
        if (b < 0xC2 || b > 0xF4 || i + need > n) return 0;
        for (size_t k = 1; k < need; k++)
            if ((s[i + k] & 0xC0) != 0x80) return 0;
        i += need;
    }
    return 1;
}

/* A reading: every record flattened into one buffer, then how it ended. */
typedef struct reading {
    char *text;
    size_t len, cap;
    jx_err err;
    char msg[JX_ERRMSG_MAX];
    char enc[32];
    char delim;
} reading;

static void put(reading *r, const void *p, size_t n)
{
    if (r->len + n > r->cap) {
        size_t cap = (r->len + n) * 2 + 64;
        char *t = realloc(r->text, cap);
        CHECK(t != NULL);
        r->text = t;
        r->cap = cap;
    }
    memcpy(r->text + r->len, p, n);
    r->len += n;
}

static void read_all(const uint8_t *data, size_t size, size_t block, reading *r)
{
    memset(r, 0, sizeof *r);
    csv_opts o = {.block = block, .sniff = SNIFF};
    jx_csv *c = NULL;
    jx_errmsg msg;
    r->err = csv_open_opts(NULL, (const char *)data, size, "fuzz.csv", &o, &c, &msg);
    if (r->err) {
        CHECK(c == NULL && msg.text[0] != '\0');
        snprintf(r->msg, sizeof r->msg, "%s", msg.text);
        return;
    }
    snprintf(r->enc, sizeof r->enc, "%s", jx_csv_encoding(c));
    r->delim = jx_csv_delimiter(c);
    CHECK(r->delim == ',' || r->delim == '\t' || r->delim == ';');
    size_t last_line = 0;
    for (;;) {
        jx_csv_row row;
        bool eof = true;
        jx_err e = jx_csv_next(c, &row, &eof);
        if (e) {
            CHECK(!eof && row.nfields == 0 && row.fields == NULL);
            CHECK(jx_csv_errmsg(c)[0] != '\0');
            /* sticky */
            jx_csv_row again;
            CHECK(jx_csv_next(c, &again, NULL) == e && again.nfields == 0);
            r->err = e;
            snprintf(r->msg, sizeof r->msg, "%s", jx_csv_errmsg(c));
            break;
        }
        if (eof) {
            CHECK(row.nfields == 0 && row.fields == NULL);
            jx_csv_row again;
            CHECK(jx_csv_next(c, &again, &eof) == JX_OK && eof && again.nfields == 0);
            break;
        }
        CHECK(row.nfields >= 1 && row.nfields <= JX_CSV_FIELDS_MAX);
        CHECK(row.line > last_line);
        last_line = row.line;
        put(r, &row.line, sizeof row.line);
        put(r, &row.nfields, sizeof row.nfields);
        for (size_t i = 0; i < row.nfields; i++) {
            const jx_csv_field *f = &row.fields[i];
            CHECK(f->ptr != NULL && f->ptr[f->len] == '\0');
            CHECK(f->len <= JX_CSV_FIELD_MAX);
            CHECK(utf8_ok((const unsigned char *)f->ptr, f->len));
            put(r, &f->len, sizeof f->len);
            put(r, f->ptr, f->len);
        }
    }
    jx_csv_close(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t block = (size_t)(data[0] & 63) + 1;
    data++;
    size--;
    reading small, big;
    read_all(data, size, block, &small);
    read_all(data, size, BIG_BLOCK, &big);
    CHECK(small.err == big.err);
    CHECK(strcmp(small.msg, big.msg) == 0);
    CHECK(strcmp(small.enc, big.enc) == 0 && small.delim == big.delim);
    CHECK(small.len == big.len && (small.len == 0 || memcmp(small.text, big.text, small.len) == 0));
    free(small.text);
    free(big.text);
    return 0;
}
