/*
 * test_csv.c - the CSV/TSV reader: a table of inputs (bytes in, rows or error
 * out), each run through memory and a file at many block sizes so that every
 * multi-byte character, CR LF and quote lands on a block boundary somewhere;
 * then large generated files in UTF-8, GB18030 and UTF-16LE, the limits, and
 * the API's edge cases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "read/csv_int.h"

/* ---- helpers ---- */

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void b_add(buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void b_str(buf *b, const char *s)
{
    b_add(b, s, strlen(s));
}

static void b_fmt(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void b_fmt(buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof tmp);
    b_add(b, tmp, (size_t)n);
}

static char *write_temp(const char *data, size_t len)
{
    char *path = strdup("/tmp/jx_test_csv_XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        assert_true(w > 0);
        off += (size_t)w;
    }
    close(fd);
    return path;
}

/* Convert UTF-8 to another encoding with iconv (for building test files). */
static buf convert_to(const char *enc, const char *s, size_t n)
{
    buf out = {0};
    iconv_t cd = iconv_open(enc, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t cap = n * 4 + 16;
    out.p = malloc(cap);
    assert_non_null(out.p);
    char *in = (char *)s, *o = out.p;
    size_t inleft = n, oleft = cap;
    assert_true(iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1);
    out.n = cap - oleft;
    out.cap = cap;
    iconv_close(cd);
    return out;
}

/* The outcome of reading an input to its end. */
typedef struct result {
    jx_err err;
    int at_open; /* the error came from opening */
    buf rows;    /* "LINE[f1][f2];" per record, "(s=N)" for skipped blank lines */
    char msg[JX_ERRMSG_MAX];
    char enc[32];
    char delim;
} result;

/* Read a whole input: from memory (file == 0) or a temp file, with the given
 * block and sniff sizes (0: defaults through the public API). */
static result read_all(const char *in, size_t len, size_t block, size_t sniff, int file)
{
    result r;
    memset(&r, 0, sizeof r);
    b_str(&r.rows, "");
    char *path = file ? write_temp(in, len) : NULL;
    jx_csv *c = NULL;
    jx_errmsg msg;
    csv_opts o = {block, sniff};
    if (block == 0 && sniff == 0)
        r.err = file ? jx_csv_open(path, &c, &msg) : jx_csv_open_mem(in, len, "t", &c, &msg);
    else
        r.err = csv_open_opts(path, in, len, "t", &o, &c, &msg);
    if (r.err) {
        assert_null(c);
        r.at_open = 1;
        snprintf(r.msg, sizeof r.msg, "%s", msg.text);
        goto out;
    }
    snprintf(r.enc, sizeof r.enc, "%s", jx_csv_encoding(c));
    r.delim = jx_csv_delimiter(c);
    assert_string_equal(jx_csv_errmsg(c), "");
    for (;;) {
        jx_csv_row row;
        bool eof = true;
        r.err = jx_csv_next(c, &row, &eof);
        if (r.err) {
            assert_false(eof);
            assert_int_equal(row.nfields, 0);
            snprintf(r.msg, sizeof r.msg, "%s", jx_csv_errmsg(c));
            /* errors are sticky */
            assert_int_equal(jx_csv_next(c, &row, NULL), r.err);
            assert_string_equal(jx_csv_errmsg(c), r.msg);
            break;
        }
        if (row.skipped) b_fmt(&r.rows, "(s=%zu)", row.skipped);
        if (eof) {
            assert_int_equal(row.nfields, 0);
            assert_null(row.fields);
            /* the end stays the end */
            assert_int_equal(jx_csv_next(c, &row, &eof), JX_OK);
            assert_true(eof);
            assert_int_equal(row.skipped, 0);
            break;
        }
        assert_true(row.nfields >= 1);
        b_fmt(&r.rows, "%zu", row.line);
        for (size_t i = 0; i < row.nfields; i++) {
            assert_int_equal(row.fields[i].ptr[row.fields[i].len], '\0');
            assert_null(memchr(row.fields[i].ptr, '\0', row.fields[i].len));
            b_str(&r.rows, "[");
            b_add(&r.rows, row.fields[i].ptr, row.fields[i].len);
            b_str(&r.rows, "]");
        }
        b_str(&r.rows, ";");
    }
out:
    if (path && strncmp(r.msg, path, strlen(path)) == 0) {
        /* the public file API names the file by its path: call it "t" like the rest */
        char tmp[JX_ERRMSG_MAX];
        snprintf(tmp, sizeof tmp, "t%s", r.msg + strlen(path));
        memcpy(r.msg, tmp, sizeof tmp);
    }
    jx_csv_close(c);
    if (path) {
        unlink(path);
        free(path);
    }
    return r;
}

/* ---- the table ---- */

typedef struct csv_case {
    const char *name;
    const char *in;
    size_t len;
    const char *rows; /* expected rows (before the error, if any) */
    jx_err err;       /* expected error, JX_OK for none */
    const char *msg;  /* substring of the message, with "t" as the name */
    const char *enc;  /* expected encoding, or NULL */
    char delim;       /* expected delimiter, or 0 */
    size_t sniff;     /* sniff size for the small-block runs; 0 = default */
} csv_case;

#define IN(s) s, sizeof(s) - 1

static const csv_case cases[] = {
    {"empty file", IN(""), "", JX_OK, NULL, "UTF-8", ',', 0},
    {"only a BOM", IN("\xEF\xBB\xBF"), "", JX_OK, NULL, "UTF-8 with BOM", ',', 0},
    {"only blank lines", IN("\n\r\n\n"), "(s=3)", JX_OK, NULL, "UTF-8", ',', 0},
    {"header only", IN("a,b,c\n"), "1[a][b][c];", JX_OK, NULL, NULL, ',', 0},
    {"header only, no newline", IN("a,b,c"), "1[a][b][c];", JX_OK, NULL, NULL, ',', 0},
    {"UTF-8 without BOM", IN("部门名称,年度\n财政局,2023\n"), "1[部门名称][年度];2[财政局][2023];",
     JX_OK, NULL, "UTF-8", ',', 0},
    {"UTF-8 with BOM, CRLF", IN("\xEF\xBB\xBF部门名称,年度\r\n财政局,2023\r\n"),
     "1[部门名称][年度];2[财政局][2023];", JX_OK, NULL, "UTF-8 with BOM", ',', 0},
    {"LF and CRLF mixed", IN("a,b\r\nc,d\ne,f\r\n"), "1[a][b];2[c][d];3[e][f];", JX_OK, NULL, NULL,
     ',', 0},
    {"lone CR at the end", IN("a,b\r"), "1[a][b];", JX_OK, NULL, NULL, ',', 0},
    {"CR line ends", IN("a,b\rc,d\r"), "1[a][b];2[c][d];", JX_OK, NULL, NULL, ',', 0},
    {"quoted delimiter, newline, quotes", IN("\"a,b\",\"x\ny\",\"say \"\"hi\"\"\"\nnext,2,3\n"),
     "1[a,b][x\ny][say \"hi\"];3[next][2][3];", JX_OK, NULL, NULL, ',', 0},
    {"quoted CRLF kept", IN("\"a\r\nb\",c\r\nd,e\r\n"), "1[a\r\nb][c];3[d][e];", JX_OK, NULL, NULL,
     ',', 0},
    {"only quotes", IN("\"\"\"\"\"\",\"\"\n"), "1[\"\"][];", JX_OK, NULL, NULL, ',', 0},
    {"quoted field at the end without newline", IN("a,\"b\"\"\""), "1[a][b\"];", JX_OK, NULL, NULL,
     ',', 0},
    {"quote inside an unquoted field", IN("ab\"c,d\"\n"), "1[ab\"c][d\"];", JX_OK, NULL, NULL, ',',
     0},
    {"space before a quote: unquoted", IN(" \"a\",b\n"), "1[ \"a\"][b];", JX_OK, NULL, NULL, ',',
     0},
    {"empty fields", IN(",,\n\"\",x\na,"), "1[][][];2[][x];3[a][];", JX_OK, NULL, NULL, ',', 0},
    {"blank lines skipped", IN("a\n\n\r\nb\n\n"), "1[a];(s=2)4[b];(s=1)", JX_OK, NULL, NULL, ',',
     0},
    {"blank lines first", IN("\n\na,b\n"), "(s=2)3[a][b];", JX_OK, NULL, NULL, ',', 0},
    {"TSV", IN("部门\t年度\n财政局\t2023\n"), "1[部门][年度];2[财政局][2023];", JX_OK, NULL,
     "UTF-8", '\t', 0},
    {"TSV with commas in fields", IN("a,b\tc\td\n1,5\t2\t3\n"), "1[a,b][c][d];2[1,5][2][3];", JX_OK,
     NULL, NULL, '\t', 0},
    {"semicolons", IN("a;b;c\n1;2;3\n"), "1[a][b][c];2[1][2][3];", JX_OK, NULL, NULL, ';', 0},
    {"tie: comma", IN("a,b;c\n"), "1[a][b;c];", JX_OK, NULL, NULL, ',', 0},
    {"quoted delimiters do not count", IN("\"a,b,c\"\tx\n"), "1[a,b,c][x];", JX_OK, NULL, NULL,
     '\t', 0},
    {"single column", IN("name\nx\n"), "1[name];2[x];", JX_OK, NULL, NULL, ',', 0},
    /* 部门名称,年度 \n 财政局,2023 \n in GB18030 */
    {"GB18030",
     IN("\xB2\xBF\xC3\xC5\xC3\xFB\xB3\xC6,\xC4\xEA\xB6\xC8\r\n\xB2\xC6\xD5\xFE\xBE\xD6,2023\r\n"),
     "1[部门名称][年度];2[财政局][2023];", JX_OK, NULL, "GB18030", ',', 0},
    {"GB18030 quoted newline", IN("\"\xB2\xBF\n\xC3\xC5\",x\n"), "1[部\n门][x];", JX_OK, NULL,
     "GB18030", ',', 0},
    {"GB18030 with its BOM", IN("\x84\x31\x95\x33\xB2\xBF\xC3\xC5\n"), "1[部门];", JX_OK, NULL,
     "GB18030 with BOM", ',', 0},
    /* 部门\t年度\r\n财政局\t2023\r\n in UTF-16LE with BOM: Excel's "Unicode text" */
    {"UTF-16LE with BOM",
     IN("\xFF\xFE\xE8\x90\xE8\x95\x09\x00\x74\x5E\xA6\x5E\x0D\x00\x0A\x00\x22\x8D\x3F\x65\x40\x5C"
        "\x09\x00\x32\x00\x30\x00\x32\x00\x33\x00\x0D\x00\x0A\x00"),
     "1[部门][年度];2[财政局][2023];", JX_OK, NULL, "UTF-16LE", '\t', 0},
    {"UTF-16BE with BOM", IN("\xFE\xFF\x90\xE8\x95\xE8\x00\x0A\x00x"), "1[部门];2[x];", JX_OK, NULL,
     "UTF-16BE", ',', 0},
    {"UTF-16LE cut off", IN("\xFF\xFE\x61\x00\x62"), "", JX_ERR_ENCODING,
     "t:1:2: the file ends in the middle of a UTF-16LE character (bytes 62)", "UTF-16LE", 0, 0},
    {"UTF-16LE lone surrogate", IN("\xFF\xFE\x61\x00\x0A\x00\x00\xD8\x61\x00"), "1[a];",
     JX_ERR_ENCODING, "t:2:1: bytes 00 D8 61 00 are not valid UTF-16LE", NULL, 0, 0},
    {"UTF-32 refused", IN("\xFF\xFE\x00\x00\x61\x00\x00\x00"), "", JX_ERR_ENCODING,
     "t: UTF-32 is not supported", NULL, 0, 0},
    /* the first 16 bytes are UTF-8, then GB18030 部门 on line 3 */
    {"mixed encodings", IN("abcdefghij,klmno\n第二行,x\nab\xB2\xBF\xC3\xC5\n"),
     "1[abcdefghij][klmno];2[第二行][x];", JX_ERR_ENCODING,
     "t:3:3: invalid UTF-8 (bytes B2 BF C3 C5)", "UTF-8", ',', 16},
    {"mixed encodings inside a quoted field", IN("a,\"x\n中y\xFF\"\n"), "", JX_ERR_ENCODING,
     "t:2:3: invalid UTF-8 (bytes FF 22 0A)", "UTF-8", ',', 4},
    {"neither UTF-8 nor GB18030", IN("a,\"x\n中y\xFF\"\n"), "", JX_ERR_ENCODING,
     "t:2:3: the file is neither UTF-8 nor GB18030 (bytes FF 22 0A)", NULL, 0, 0},
    {"GB18030, bad byte later", IN("\xB2\xBF,\xC3\xC5\nx,\xFF\n"), "1[部][门];", JX_ERR_ENCODING,
     "t:2:3: bytes FF 0A are not valid GB18030", "GB18030", ',', 6},
    {"UTF-8 cut off at the end", IN("a,b\n中文,\xE4\xB8"), "1[a][b];", JX_ERR_ENCODING,
     "t:2:4: the file ends in the middle of a UTF-8 character (bytes E4 B8)", "UTF-8", ',', 0},
    {"lone lead byte", IN("a\n\xC0\n"), "", JX_ERR_ENCODING,
     "t:2:1: the file is neither UTF-8 nor GB18030 (bytes C0 0A)", NULL, 0, 0},
    {"NUL byte", IN("a,b\nc,d\0e\n"), "1[a][b];", JX_ERR_FORMAT, "t:2:4: NUL byte", NULL, ',', 0},
    {"UTF-16 without BOM", IN("a\0,\0b\0\n\0"), "", JX_ERR_FORMAT,
     "t:1:2: NUL byte in the text (a binary file, or UTF-16 without a byte order mark?)", "UTF-8",
     0, 0},
    /* fuzz_csv found: after a BOM the sniff holds 13 bytes of text, so the delimiter count
     * went on into the next block, and then depended on the block size (',' or '\t').
     * Only the first `sniff` bytes of text count: 7 commas, not the 10 tabs after them. */
    {"delimiter from the sniff only, after a BOM",
     IN("\xEF\xBB\xBF"
        "a,b,c,d,e,f,g,hx\t\t\t\t\t\t\t\t\t\t\n"),
     "1[a][b][c][d][e][f][g][hx\t\t\t\t\t\t\t\t\t\t];", JX_OK, NULL, "UTF-8 with BOM", ',', 16},
    /* 部门,x in UTF-16LE without BOM: not UTF-8 (90 E8 ...); says UTF-16, not just "neither" */
    {"UTF-16 Chinese without BOM", IN("\xE8\x90\xE8\x95,\0x\0\n\0"), "", JX_ERR_ENCODING,
     "t:1:1: the file is neither UTF-8 nor GB18030 (bytes E8 90 E8 95) and holds NUL bytes: "
     "UTF-16 without a byte order mark?",
     NULL, 0, 0},
    {"BOM in the middle",
     IN("a,b\n\xEF\xBB\xBF"
        "c,d\n"),
     "1[a][b];", JX_ERR_ENCODING, "t:2:1: byte order mark (U+FEFF) in the middle of the file", NULL,
     ',', 0},
    {"BOM twice",
     IN("\xEF\xBB\xBF\xEF\xBB\xBF"
        "a\n"),
     "", JX_ERR_ENCODING, "t:1:1: byte order mark", "UTF-8 with BOM", 0, 0},
    {"unterminated quote", IN("a,b\n中,\"unclosed\nmore\n"), "1[a][b];", JX_ERR_FORMAT,
     "t:2:3: the quote opened here is never closed", NULL, ',', 0},
    {"text after the closing quote", IN("x\n\"ab\"c,d\n"), "1[x];", JX_ERR_FORMAT,
     "t:2:5: text after the closing quote of a quoted field", NULL, ',', 0},
    {"text after a closing quote on a later line", IN("\"a\n中\" ,d\n"), "", JX_ERR_FORMAT,
     "t:2:3: text after the closing quote", NULL, ',', 0},
};

static void check_case(const csv_case *k, size_t block, size_t sniff, int file)
{
    result r = read_all(k->in, k->len, block, sniff, file);
    char where[160];
    snprintf(where, sizeof where, "case \"%s\", block %zu, sniff %zu, %s", k->name, block, sniff,
             file ? "file" : "memory");
    if (r.err != k->err)
        fail_msg("%s: error %d (%s), expected %d; rows %s", where, r.err, r.msg, k->err, r.rows.p);
    if (k->msg && !strstr(r.msg, k->msg))
        fail_msg("%s: message \"%s\" lacks \"%s\"", where, r.msg, k->msg);
    if (k->rows && strcmp(r.rows.p, k->rows) != 0)
        fail_msg("%s: rows\n  got  %s\n  want %s", where, r.rows.p, k->rows);
    if (!r.at_open && k->enc && strcmp(r.enc, k->enc) != 0)
        fail_msg("%s: encoding %s, expected %s", where, r.enc, k->enc);
    if (!r.at_open && k->delim && r.delim != k->delim)
        fail_msg("%s: delimiter '%c', expected '%c'", where, r.delim, k->delim);
    free(r.rows.p);
}

static void test_table(void **state)
{
    (void)state;
    static const size_t blocks[] = {1, 2, 3, 4, 5, 7, 13, 64};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const csv_case *k = &cases[i];
        if (k->sniff == 0) {
            check_case(k, 0, 0, 0); /* public API, memory */
            check_case(k, 0, 0, 1); /* public API, file */
        }
        for (size_t j = 0; j < sizeof blocks / sizeof blocks[0]; j++) {
            check_case(k, blocks[j], k->sniff, 0);
            check_case(k, blocks[j], k->sniff, 1);
        }
    }
}

/* ---- large generated files: block boundaries everywhere ---- */

/* Rows of varied shape; *expect gets their serialization as read_all() makes it. */
static void gen(buf *text, buf *expect, size_t nrows, const char *eol)
{
    size_t line = 1;
    b_str(text, "部门名称,项目,指标值,备注");
    b_str(text, eol);
    b_fmt(expect, "%zu[部门名称][项目][指标值][备注];", line++);
    for (size_t i = 0; i < nrows; i++) {
        size_t start = line;
        buf f4 = {0};
        b_str(&f4, "");
        b_fmt(text, "第%zu号单位,项目%zu,≥%zu件,", i, i % 7, i * 13 % 1000);
        switch (i % 5) {
        case 0:
            b_str(&f4, "达成");
            b_str(text, "达成");
            break;
        case 1: /* quoted with a line break */
            b_fmt(&f4, "偏差原因%zu%s改进措施", i, eol);
            b_fmt(text, "\"偏差原因%zu%s改进措施\"", i, eol);
            line++;
            break;
        case 2: /* doubled quotes and a delimiter */
            b_str(&f4, "称\"好\",是");
            b_str(text, "\"称\"\"好\"\",是\"");
            break;
        case 3:
            break; /* empty */
        default:   /* a longer field */
            for (size_t k = 0; k < i % 40; k++)
                b_str(&f4, "长");
            b_add(text, f4.p, f4.n);
        }
        b_str(text, eol);
        line++;
        b_fmt(expect, "%zu[第%zu号单位][项目%zu][≥%zu件][", start, i, i % 7, i * 13 % 1000);
        b_add(expect, f4.p, f4.n);
        b_str(expect, "];");
        free(f4.p);
        if (i % 997 == 0) { /* a blank line now and then */
            b_str(text, eol);
            line++;
            b_str(expect, "(s=1)");
        }
    }
}

static void check_big(const char *what, const buf *data, const buf *expect, const char *enc)
{
    static const size_t blocks[] = {0, 4093, 65536, 1000};
    for (size_t j = 0; j < sizeof blocks / sizeof blocks[0]; j++) {
        result r = read_all(data->p, data->n, blocks[j], 0, 1);
        if (r.err) fail_msg("%s, block %zu: %s", what, blocks[j], r.msg);
        assert_string_equal(r.enc, enc);
        assert_int_equal(r.delim, ',');
        if (strcmp(r.rows.p, expect->p) != 0) {
            size_t k = 0;
            while (r.rows.p[k] == expect->p[k])
                k++;
            fail_msg("%s, block %zu: rows differ at byte %zu: got \"%.60s\" want \"%.60s\"", what,
                     blocks[j], k, r.rows.p + k, expect->p + k);
        }
        free(r.rows.p);
    }
}

static void test_big_files(void **state)
{
    (void)state;
    const char *eols[] = {"\n", "\r\n"};
    for (size_t e = 0; e < 2; e++) {
        buf text = {0}, expect = {0};
        gen(&text, &expect, 20000, eols[e]); /* ~1.2 MB: several 256 KiB blocks */
        assert_true(text.n > 3 * JX_CSV_BLOCK);
        check_big("UTF-8", &text, &expect, "UTF-8");

        buf bom = {0};
        b_str(&bom, "\xEF\xBB\xBF");
        b_add(&bom, text.p, text.n);
        check_big("UTF-8 with BOM", &bom, &expect, "UTF-8 with BOM");
        free(bom.p);

        buf gb = convert_to("GB18030", text.p, text.n);
        check_big("GB18030", &gb, &expect, "GB18030");
        free(gb.p);

        buf u16 = convert_to("UTF-16LE", text.p, text.n), u16b = {0};
        b_str(&u16b, "\xFF\xFE");
        b_add(&u16b, u16.p, u16.n);
        check_big("UTF-16LE", &u16b, &expect, "UTF-16LE");
        free(u16.p);
        free(u16b.p);
        free(text.p);
        free(expect.p);
    }
}

/* A file that is UTF-8 for its first block and GB18030 far beyond it. */
static void test_mixed_far(void **state)
{
    (void)state;
    buf text = {0};
    size_t lines = 0;
    while (text.n < 2 * JX_CSV_BLOCK + 1000) {
        b_str(&text, "部门名称,财政局,\"多行\n备注\"\n");
        lines += 2;
    }
    b_str(&text, "ok,好,"); /* line lines+1, column 6 */
    b_str(&text, "\xB2\xBF\xC3\xC5\n");
    result r = read_all(text.p, text.n, 0, 0, 1);
    assert_int_equal(r.err, JX_ERR_ENCODING);
    char want[128];
    snprintf(want, sizeof want, ":%zu:6: invalid UTF-8 (bytes B2 BF C3 C5)", lines + 1);
    if (!strstr(r.msg, want)) fail_msg("message \"%s\" lacks \"%s\"", r.msg, want);
    assert_true(strncmp(r.msg, "t:", 2) == 0); /* named by its path, which read_all() calls "t" */
    free(r.rows.p);
    free(text.p);
}

/* ---- limits ---- */

static void test_limits(void **state)
{
    (void)state;
    size_t blocks[] = {0, 100000};
    for (size_t j = 0; j < 2; j++) {
        size_t bl = blocks[j];
        /* a field of exactly the limit is fine, one byte more is not */
        buf t = {0};
        b_str(&t, "a,b\nx,");
        for (size_t i = 0; i < JX_CSV_FIELD_MAX; i++)
            b_add(&t, "x", 1);
        b_str(&t, "\n");
        result r = read_all(t.p, t.n, bl, 0, 0);
        assert_int_equal(r.err, JX_OK);
        free(r.rows.p);
        t.n -= 1;
        b_str(&t, "x\n");
        r = read_all(t.p, t.n, bl, 0, 0);
        assert_int_equal(r.err, JX_ERR_LIMIT);
        assert_non_null(strstr(r.msg, "t:2: field 2 is longer than 1 MiB"));
        free(r.rows.p);
        free(t.p);

        /* a 10 MB cell, no line break: stops early, says so */
        t = (buf){0};
        b_str(&t, "a\n\"");
        for (size_t i = 0; i < 10 * 1000 * 1000; i += 10)
            b_add(&t, "0123456789", 10);
        r = read_all(t.p, t.n, bl, 0, 0);
        assert_int_equal(r.err, JX_ERR_LIMIT);
        assert_non_null(strstr(r.msg, "t:2: field 1 is longer than 1 MiB (is the quote opened "
                                      "at line 2, column 1 never closed?)"));
        free(r.rows.p);
        free(t.p);

        /* a record over 16 MiB made of fields under 1 MiB */
        t = (buf){0};
        b_str(&t, "h\n");
        for (size_t f = 0; f < 17; f++) {
            for (size_t i = 0; i < JX_CSV_FIELD_MAX - 16; i += 16)
                b_add(&t, "0123456789abcdef", 16);
            b_add(&t, ",", 1);
        }
        r = read_all(t.p, t.n, bl, 0, 0);
        assert_int_equal(r.err, JX_ERR_LIMIT);
        assert_non_null(strstr(r.msg, "t:2: record is longer than 16 MiB"));
        free(r.rows.p);
        free(t.p);

        /* 4096 fields are fine, 4097 are not, nor 100,000 */
        size_t counts[] = {4096, 4097, 100000};
        for (size_t k = 0; k < 3; k++) {
            t = (buf){0};
            b_str(&t, "x");
            for (size_t i = 1; i < counts[k]; i++)
                b_str(&t, ",x");
            b_str(&t, "\n");
            r = read_all(t.p, t.n, bl, 0, 0);
            assert_int_equal(r.err, counts[k] <= JX_CSV_FIELDS_MAX ? JX_OK : JX_ERR_LIMIT);
            if (r.err) assert_non_null(strstr(r.msg, "t:1: more than 4096 fields in one record"));
            free(r.rows.p);
            free(t.p);
        }
    }
}

/* ---- API edges ---- */

static void test_api(void **state)
{
    (void)state;
    jx_csv *c = (jx_csv *)&c; /* not NULL: must be reset */
    jx_errmsg msg;
    assert_int_equal(jx_csv_open("/nonexistent/x.csv", &c, &msg), JX_ERR_IO);
    assert_null(c);
    assert_string_equal(msg.text, "/nonexistent/x.csv: cannot open: No such file or directory");
    assert_int_equal(jx_csv_open("/tmp", &c, &msg), JX_ERR_IO);
    assert_non_null(strstr(msg.text, "/tmp: cannot read: "));
    assert_int_equal(jx_csv_open(NULL, &c, NULL), JX_ERR_INVALID);
    assert_int_equal(jx_csv_open_mem("a", 1, NULL, NULL, NULL), JX_ERR_INVALID);
    assert_int_equal(jx_csv_open_mem(NULL, 1, NULL, &c, NULL), JX_ERR_INVALID);
    assert_int_equal(jx_csv_open_mem(NULL, 0, NULL, &c, NULL), JX_OK); /* empty */
    assert_string_equal(jx_csv_name(c), "(memory)");
    jx_csv_row row;
    bool eof = false;
    assert_int_equal(jx_csv_next(c, &row, &eof), JX_OK);
    assert_true(eof);
    assert_int_equal(jx_csv_next(c, NULL, &eof), JX_ERR_INVALID);
    assert_int_equal(jx_csv_next(NULL, &row, &eof), JX_ERR_INVALID);
    jx_csv_close(c);
    jx_csv_close(NULL);
    assert_string_equal(jx_csv_errmsg(NULL), "");
    assert_string_equal(jx_csv_encoding(NULL), "");
    assert_string_equal(jx_csv_name(NULL), "");
    assert_int_equal(jx_csv_delimiter(NULL), '\0');

    /* the caller's bytes are not modified, and fields stay valid until the next call */
    const char data[] = "\"a\"\"b\",c\nd,e";
    char copy[sizeof data];
    memcpy(copy, data, sizeof data);
    assert_int_equal(jx_csv_open_mem(copy, sizeof copy - 1, "m", &c, NULL), JX_OK);
    assert_int_equal(jx_csv_next(c, &row, NULL), JX_OK);
    assert_string_equal(row.fields[0].ptr, "a\"b");
    assert_int_equal(row.fields[0].len, 3);
    assert_string_equal(row.fields[1].ptr, "c");
    assert_int_equal(jx_csv_next(c, &row, NULL), JX_OK);
    assert_int_equal(row.line, 2);
    assert_string_equal(row.fields[1].ptr, "e");
    assert_int_equal(jx_csv_next(c, &row, NULL), JX_OK);
    assert_int_equal(row.nfields, 0); /* the end, without the eof flag */
    assert_memory_equal(copy, data, sizeof data);
    jx_csv_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),     cmocka_unit_test(test_big_files),
        cmocka_unit_test(test_mixed_far), cmocka_unit_test(test_limits),
        cmocka_unit_test(test_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
