/*
 * out.c - printing helpers of the CLI: messages, JSON and CSV escaping, and
 * aligned tables that measure Chinese text by its display width.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jixiao/text.h"

/* ---- text that must not reach a terminal raw ---- */

void cli_fputs_safe(FILE *f, const char *s, bool keep_ws)
{
    char buf[JX_VISIBLE_ROOM(256)];
    size_t n = strlen(s);
    for (size_t i = 0, k; i < n; i += k) { /* in pieces that end on a character boundary */
        k = n - i < 256 ? n - i : 256;
        while (k < n - i && k > 1 && ((unsigned char)s[i + k] & 0xC0) == 0x80)
            k--;
        fwrite(buf, 1, jx_text_visible(buf, s + i, k, keep_ws), f);
    }
}

char *cli_safe_dup(const char *s, bool keep_ws)
{
    size_t n = strlen(s);
    char *buf = malloc(JX_VISIBLE_ROOM(n));
    if (!buf) return NULL;
    if (jx_text_visible(buf, s, n, keep_ws) == n) { /* nothing to make visible */
        free(buf);
        return NULL;
    }
    return buf;
}

void cli_error(const char *fmt, ...)
{
    char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&text, fmt, ap);
    va_end(ap);
    fputs("jixiao: ", stderr);
    if (n >= 0)
        cli_fputs_safe(stderr, text, true);
    else
        fputs("(out of memory)", stderr);
    fputc('\n', stderr);
    free(text);
}

/* CSV for Excel (--format excel, or a listing written to a file with --out): a UTF-8 byte-order
 * mark before the first table, so that Excel on Chinese Windows reads the file as UTF-8 rather
 * than in the system's code page. Standard output for programs stays plain CSV. */
static bool bom_pending;

bool cli_parse_format(const char *s, cli_format *f)
{
    if (!strcmp(s, "table"))
        *f = FMT_TABLE;
    else if (!strcmp(s, "csv"))
        *f = FMT_CSV;
    else if (!strcmp(s, "excel"))
        *f = FMT_CSV, bom_pending = true;
    else if (!strcmp(s, "json"))
        *f = FMT_JSON;
    else
        return false;
    return true;
}

bool cli_format_option(const char *cmd, const char *arg, cli_format *f)
{
    if (cli_parse_format(arg, f)) return true;
    cli_error("%s: --format must be table, csv, json or excel (got \"%s\")", cmd, arg);
    return false;
}

void json_str(FILE *f, const char *s)
{
    char buf[JX_JSON_ROOM(256)];
    size_t n = strlen(s);
    fputc('"', f);
    for (size_t i = 0, k; i < n; i += k) { /* escaped in pieces: no allocation, any length */
        k = n - i < 256 ? n - i : 256;
        while (k < n - i && k > 1 && ((unsigned char)s[i + k] & 0xC0) == 0x80)
            k--; /* a piece ends on a character boundary */
        fwrite(buf, 1, jx_json_escape(buf, s + i, k), f);
    }
    fputc('"', f);
}

void jb_flush(cli_jbuf *j)
{
    if (j->n) fwrite(j->b, 1, j->n, j->f);
    j->n = 0;
}

void jb_raw(cli_jbuf *j, const char *s, size_t n)
{
    if (j->n + n > sizeof j->b) {
        jb_flush(j);
        if (n > sizeof j->b) {
            fwrite(s, 1, n, j->f);
            return;
        }
    }
    memcpy(j->b + j->n, s, n);
    j->n += n;
}

void jb_lit(cli_jbuf *j, const char *s)
{
    jb_raw(j, s, strlen(s));
}

void jb_str(cli_jbuf *j, const char *s)
{
    enum { PIECE = 1024 };
    size_t n = strlen(s);
    jb_raw(j, "\"", 1);
    for (size_t i = 0, k; i < n; i += k) { /* escaped in pieces, each on a character boundary */
        k = n - i < PIECE ? n - i : PIECE;
        while (k < n - i && k > 1 && ((unsigned char)s[i + k] & 0xC0) == 0x80)
            k--;
        if (j->n + JX_JSON_ROOM(PIECE) > sizeof j->b) jb_flush(j);
        j->n += jx_json_escape(j->b + j->n, s + i, k);
    }
    jb_raw(j, "\"", 1);
}

void jb_num(cli_jbuf *j, double x)
{
    if (j->n + JX_NUMBER_ROOM > sizeof j->b) jb_flush(j);
    j->n += jx_json_number(j->b + j->n, x);
}

void jb_bits(cli_jbuf *j, unsigned bits, int count, const char *(*name)(unsigned))
{
    jb_raw(j, "[", 1);
    bool first = true;
    for (int i = 0; i < count; i++)
        if (bits & (1u << i)) {
            if (!first) jb_raw(j, ",", 1);
            jb_str(j, name(1u << i));
            first = false;
        }
    jb_raw(j, "]", 1);
}

void json_num(FILE *f, double x)
{
    char buf[JX_NUMBER_ROOM];
    fwrite(buf, 1, jx_json_number(buf, x), f); /* the shortest %.15g…%.17g that reads back */
}

void json_subject_id(FILE *f, const char *code, const char *name, const char *project, int year)
{
    fputs("\"code\":", f);
    json_str(f, code);
    fputs(",\"name\":", f);
    json_str(f, name);
    fputs(",\"project\":", f);
    json_str(f, project);
    fprintf(f, ",\"year\":%d", year);
}

void csv_field(FILE *f, const char *s)
{
    /* control and bidirectional characters become visible escapes (a CSV is read on terminals
     * too); TAB, CR and LF are quoted as they are */
    char *safe = cli_safe_dup(s, true);
    if (safe) {
        csv_field(f, safe);
        free(safe);
        return;
    }
    /* A cell starting with = + - @ (or TAB, CR) would be a formula when the CSV is
     * opened in Excel: prefix a quote character so it stays text. */
    bool formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
    if (formula) { /* a plain signed number (-5, +1.5) stays as it is; -2+3+cmd|... does not */
        char *end;
        (void)strtod(s, &end);
        formula = end == s || *end != '\0';
    }
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    if (formula) fputc('\'', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"') fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

void pad_to(FILE *f, const char *s, size_t width)
{
    fputs(s, f);
    for (size_t w = jx_text_width(s); w < width; w++)
        fputc(' ', f);
}

void padl_to(FILE *f, const char *s, size_t width)
{
    for (size_t w = jx_text_width(s); w < width; w++)
        fputc(' ', f);
    fputs(s, f);
}

struct cli_table {
    size_t ncols, nrows, cap;
    char **cells; /* nrows * ncols, row-major, owned */
    const char *const *headers;
    bool *right;
};

cli_table *table_new(size_t ncols, const char *const *headers, const bool *right_align)
{
    cli_table *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->ncols = ncols;
    t->headers = headers;
    t->right = calloc(ncols, sizeof *t->right);
    if (!t->right) {
        free(t);
        return NULL;
    }
    if (right_align) memcpy(t->right, right_align, ncols * sizeof *t->right);
    return t;
}

void table_add(cli_table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        /* the CLI's one growing array (libjixiao keeps its JX_GROW to itself): rows double */
        size_t cap = t->cap ? t->cap * 2 : 64;
        char **c = cap <= SIZE_MAX / sizeof *c / (t->ncols ? t->ncols : 1)
                       ? realloc(t->cells, cap * t->ncols * sizeof *c)
                       : NULL;
        if (!c) {
            cli_error("out of memory");
            exit(EXIT_ERR);
        }
        t->cells = c;
        t->cap = cap;
    }
    for (size_t j = 0; j < t->ncols; j++) {
        char *d = strdup(cells[j] ? cells[j] : "");
        if (!d) {
            cli_error("out of memory");
            exit(EXIT_ERR);
        }
        t->cells[t->nrows * t->ncols + j] = d;
    }
    t->nrows++;
}

bool cli_take_option(int *argc, char **argv, const char *name, const char **value)
{
    size_t len = strlen(name);
    int to = 1;
    bool ok = true, rest = false;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        rest |= !strcmp(a, "--");
        if (rest || strncmp(a, "--", 2) || strncmp(a + 2, name, len) ||
            (a[2 + len] && a[2 + len] != '=')) {
            argv[to++] = argv[i];
            continue;
        }
        if (a[2 + len] == '=')
            *value = a + 3 + len;
        else if (i + 1 < *argc)
            *value = argv[++i];
        else
            ok = false;
    }
    argv[to] = NULL;
    *argc = to;
    return ok;
}

bool cli_csv_out(const char *path)
{
    if (!freopen(path, "w", stdout)) {
        cli_error("%s: %s", path, strerror(errno));
        return false;
    }
    bom_pending = true;
    return true;
}

void cli_bits_text(unsigned bits, int count, const char *(*name)(unsigned),
                   const char *(*label)(unsigned), cli_format fmt, char *buf, size_t cap)
{
    size_t n = 0;
    if (cap) buf[0] = '\0';
    for (int i = 0; i < count && n < cap; i++) {
        if (!(bits & (1u << i))) continue;
        const char *sep = !n ? "" : fmt == FMT_TABLE ? "、" : ",";
        int k = snprintf(buf + n, cap - n, "%s%s", sep,
                         fmt == FMT_TABLE ? label(1u << i) : name(1u << i));
        if (k < 0 || (size_t)k >= cap - n) break;
        n += (size_t)k;
    }
}

void json_bits(FILE *f, unsigned bits, int count, const char *(*name)(unsigned))
{
    fputc('[', f);
    bool first = true;
    for (int i = 0; i < count; i++)
        if (bits & (1u << i)) {
            if (!first) fputc(',', f);
            json_str(f, name(1u << i));
            first = false;
        }
    fputc(']', f);
}

void table_print(cli_table *t, FILE *f, cli_format fmt)
{
    if (fmt == FMT_CSV) {
        if (bom_pending && f == stdout) fputs("\xEF\xBB\xBF", f);
        if (f == stdout) bom_pending = false;
        for (size_t r = 0; r <= t->nrows; r++) {
            for (size_t j = 0; j < t->ncols; j++) {
                if (j) fputc(',', f);
                csv_field(f, r == 0 ? t->headers[j] : t->cells[(r - 1) * t->ncols + j]);
            }
            fputc('\n', f);
        }
        return;
    }
    /* a terminal table: control and bidirectional characters (TAB and LF too) made visible */
    for (size_t i = 0; i < t->nrows * t->ncols; i++) {
        char *safe = cli_safe_dup(t->cells[i], false);
        if (safe) {
            free(t->cells[i]);
            t->cells[i] = safe;
        }
    }
    size_t *w = calloc(t->ncols, sizeof *w);
    if (!w) return;
    for (size_t j = 0; j < t->ncols; j++)
        w[j] = jx_text_width(t->headers[j]);
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t j = 0; j < t->ncols; j++) {
            size_t dw = jx_text_width(t->cells[r * t->ncols + j]);
            if (dw > w[j]) w[j] = dw;
        }
    for (size_t r = 0; r <= t->nrows; r++) {
        for (size_t j = 0; j < t->ncols; j++) {
            const char *s = r == 0 ? t->headers[j] : t->cells[(r - 1) * t->ncols + j];
            if (j) fputs("  ", f);
            if (t->right[j])
                padl_to(f, s, w[j]);
            else if (j + 1 == t->ncols)
                fputs(s, f);
            else
                pad_to(f, s, w[j]);
        }
        fputc('\n', f);
    }
    free(w);
}

void table_free(cli_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->right);
    free(t);
}
