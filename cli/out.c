/*
 * out.c - printing helpers of the CLI: messages, JSON and CSV escaping, and
 * aligned tables that measure Chinese text by its display width.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ---- text that must not reach a terminal raw ---- */

/* One UTF-8 character of s (valid or not): its code point, or 0xFFFFFFFF for a stray byte;
 * the bytes it takes in *n. */
static uint32_t next_cp(const unsigned char *s, size_t *n)
{
    uint32_t c = s[0];
    size_t k = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (!k) {
        *n = 1;
        return 0xFFFFFFFF;
    }
    if (k > 1) c &= 0xFF >> (k + 1);
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *n = 1;
            return 0xFFFFFFFF;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    *n = k;
    return c;
}

/* Control characters (C0 but, with keep_ws, TAB, LF and CR; DEL; C1) and the invisible
 * characters that reorder or hide text (bidirectional embeddings, overrides, isolates and
 * marks): a name holding ESC [ 2 J or U+202E would act on the terminal or show another text. */
static bool unsafe_cp(uint32_t c, bool keep_ws)
{
    if (c < 0x20) return !(keep_ws && (c == '\t' || c == '\n' || c == '\r'));
    return c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

void cli_fputs_safe(FILE *f, const char *s, bool keep_ws)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n;
        uint32_t c = next_cp(p, &n);
        if (c != 0xFFFFFFFF && unsafe_cp(c, keep_ws))
            fprintf(f, c < 0x80 ? "\\x%02X" : "\\u%04X", (unsigned)c);
        else
            fwrite(p, 1, n, f);
        p += n;
    }
}

char *cli_safe_dup(const char *s, bool keep_ws)
{
    size_t extra = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n;
        uint32_t c = next_cp(p, &n);
        if (c != 0xFFFFFFFF && unsafe_cp(c, keep_ws)) extra += 6;
        p += n;
    }
    if (!extra) return NULL;
    char *buf = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&buf, &size);
    if (!m) return NULL;
    cli_fputs_safe(m, s, keep_ws);
    if (fclose(m)) {
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

bool cli_parse_format(const char *s, cli_format *f)
{
    if (!strcmp(s, "table"))
        *f = FMT_TABLE;
    else if (!strcmp(s, "csv"))
        *f = FMT_CSV;
    else if (!strcmp(s, "json"))
        *f = FMT_JSON;
    else
        return false;
    return true;
}

void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (*p < 0x20) {
                fprintf(f, "\\u%04x", *p);
            } else if (*p < 0x80) {
                fputc(*p, f);
            } else { /* C1 controls and bidirectional formatting: escaped, so still the same text */
                size_t n;
                uint32_t c = next_cp(p, &n);
                if (c != 0xFFFFFFFF && unsafe_cp(c, false))
                    fprintf(f, "\\u%04x", (unsigned)c);
                else
                    fwrite(p, 1, n, f);
                p += n - 1;
            }
        }
    }
    fputc('"', f);
}

void json_num(FILE *f, double x)
{
    if (!isfinite(x)) {
        fputs("null", f);
        return;
    }
    /* shortest %g that reads back to the same double */
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) break;
    }
    fputs(buf, f);
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

size_t display_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t c = *p;
        int n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        if (n > 1) {
            c &= (0xFF >> (n + 1));
            for (int i = 1; i < n; i++) {
                if (!p[i]) {
                    n = i;
                    break;
                }
                c = (c << 6) | (p[i] & 0x3F);
            }
        }
        w += (size_t)cp_width(c);
        p += n;
    }
    return w;
}

void pad_to(FILE *f, const char *s, size_t width)
{
    fputs(s, f);
    for (size_t w = display_width(s); w < width; w++)
        fputc(' ', f);
}

void padl_to(FILE *f, const char *s, size_t width)
{
    for (size_t w = display_width(s); w < width; w++)
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
        size_t cap = t->cap ? t->cap * 2 : 64;
        char **c = realloc(t->cells, cap * t->ncols * sizeof *c);
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

void table_print(cli_table *t, FILE *f, cli_format fmt)
{
    if (fmt == FMT_CSV) {
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
        w[j] = display_width(t->headers[j]);
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t j = 0; j < t->ncols; j++) {
            size_t dw = display_width(t->cells[r * t->ncols + j]);
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
