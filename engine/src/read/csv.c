/*
 * csv.c - streaming CSV/TSV reader.
 *
 * Three layers work on one text buffer (buf):
 *   1. fill() appends a block of UTF-8 to buf: read(2) straight into it when the
 *      file is UTF-8, else read into `raw` and convert with iconv(3).
 *   2. validate() checks the new bytes (UTF-8 well-formed, no NUL, no U+FEFF)
 *      and advances `vend`; the parser never looks past vend. A problem stops
 *      vend at the bad byte and is remembered in `pend`; it becomes an error,
 *      with its line and column, when the parser reaches it.
 *   3. parse() is a resumable state machine that scans [pos, vend) and records
 *      each field as an offset into the current record. When it runs out of
 *      text mid-record, fill() moves the unfinished record to the front of buf
 *      (offsets are record-relative, so nothing else changes) and appends more.
 * Only when a record is complete are its fields turned into pointers, `""`
 * undone in place and NUL terminators written, so the parser can always
 * re-read the original bytes (for columns in messages) and resume anywhere.
 */
#include "read/csv_int.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util_int.h"

/* Problems found below the parser, reported when it reaches them. */
enum { PEND_NONE, PEND_NUL, PEND_BOM, PEND_UTF8, PEND_TRUNC, PEND_ILLEGAL };

/* Parser states. */
enum {
    S_FSTART, /* at the start of a field */
    S_UNQ,    /* inside an unquoted field */
    S_Q,      /* inside a quoted field */
    S_EOL     /* fields done, pos at the line break ending the record */
};

/* parse() results. */
enum { P_NEED, P_REC, P_EOF, P_ERR };

/* Byte classes (bit flags in jx_csv.cls). */
#define CLS_UNQ 1u /* ends an unquoted field: delimiter, LF, CR */
#define CLS_Q 2u   /* interesting inside quotes: '"', LF, CR */

typedef struct csv_fld {
    size_t off; /* start, relative to the record start */
    size_t len; /* bytes in the buffer (a quoted field still has its doubled quotes) */
    bool esc;   /* holds "" to undo */
} csv_fld;

struct jx_csv {
    /* source */
    int fd;          /* -1 when reading memory */
    const char *mem; /* memory source */
    size_t memlen;   /* its length */
    size_t mempos;   /* bytes taken from it */
    bool srceof;     /* the source has nothing more */
    size_t srcread;  /* bytes read from it so far */
    size_t srcsize;  /* its size (0: not known, as for a pipe) */
    char *name;      /* for messages */
    size_t block;    /* bytes per fill */
    size_t sniff;    /* bytes examined for the encoding */
    /* encoding */
    const char *encname; /* what jx_csv_encoding() says */
    const char *srcenc;  /* iconv name of the source encoding, when converting */
    iconv_t cd;          /* (iconv_t)-1 when the text is read as UTF-8 */
    char *raw;           /* undecoded bytes: the sniff, then iconv's input */
    size_t rawcap, rawpos, rawlen;
    int srcpend;               /* conversion problem (PEND_*) at the end of the converted text */
    unsigned char srcbytes[4]; /* its bytes */
    size_t nsrcbytes;
    /* text buffer: [0, vend) is valid UTF-8, [vend, end) awaits validation */
    char *buf;
    size_t cap, end, vend, capmax;
    bool done;               /* everything is in buf and valid: vend is the end of the text */
    int pend;                /* PEND_*: a problem at vend; nothing past it is ever parsed */
    unsigned char pbytes[4]; /* the bytes at fault, for the message */
    size_t npbytes;
    /* parser */
    char delim;
    unsigned char cls[256];         /* CLS_* flags per byte */
    int st;                         /* S_* */
    bool in_rec;                    /* a record has been begun and not yet returned */
    size_t rec;                     /* offset of the current record in buf */
    size_t pos;                     /* parse position */
    size_t fstart;                  /* offset of the current field's text */
    size_t linestart;               /* offset of the start of the physical line at pos */
    size_t line;                    /* physical line number at pos (1-based) */
    size_t rec_line;                /* line where the current record starts */
    size_t skipped;                 /* blank lines skipped before the current record */
    size_t qpos, qline, qlinestart; /* the opening quote of the current quoted field */
    bool esc;                       /* current quoted field holds "" */
    /* fields of the current record */
    csv_fld *f;
    jx_csv_field *pub; /* what the caller sees */
    size_t nf, fcap, pubcap;
    /* error */
    jx_err err; /* sticky */
    char msg[JX_ERRMSG_MAX];
};

static jx_err fail(jx_csv *c, jx_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static jx_err fail(jx_csv *c, jx_err err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(c->msg, sizeof c->msg, fmt, ap);
    va_end(ap);
    c->err = err;
    return err;
}

/* "E4 B8" */
static void hexbytes(char *out, size_t cap, const unsigned char *b, size_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && k + 4 <= cap; i++) {
        if (i) out[k++] = ' ';
        out[k++] = "0123456789ABCDEF"[b[i] >> 4];
        out[k++] = "0123456789ABCDEF"[b[i] & 15];
        out[k] = '\0';
    }
}

/* ---- the source ---- */

/* Read up to n bytes into dst; *got == 0 means the source is exhausted. */
static jx_err src_read(jx_csv *c, char *dst, size_t n, size_t *got)
{
    *got = 0;
    if (c->srceof || n == 0) return JX_OK;
    if (c->fd < 0) {
        size_t k = c->memlen - c->mempos;
        if (k > n) k = n;
        if (k) memcpy(dst, c->mem + c->mempos, k);
        c->mempos += k;
        *got = k;
    } else {
        ssize_t r;
        do
            r = read(c->fd, dst, n);
        while (r < 0 && errno == EINTR);
        if (r < 0) {
            char e[128];
            if (strerror_r(errno, e, sizeof e)) e[0] = '\0';
            return fail(c, JX_ERR_IO, "%s: cannot read: %s", c->name, e);
        }
        *got = (size_t)r;
    }
    if (*got == 0) c->srceof = true;
    c->srcread += *got;
    return JX_OK;
}

/* ---- UTF-8 validation ---- */

enum { U_OK, U_NUL, U_BOM, U_BAD, U_SHORT };

/*
 * Scan s[i, n) for the first problem: a NUL, a U+FEFF, an invalid sequence, or
 * a sequence cut short by n (U_SHORT, which may still be completed by more
 * input). Returns U_OK with *at = n when there is none, else the kind with *at
 * at its first byte. What is valid is jx_utf8_check()'s to say; the fast paths
 * only step over what it would accept: eight ASCII bytes at a time, then runs of
 * the three-byte characters Chinese text is made of (measured: they make this fast).
 */
static int utf8_scan(const unsigned char *s, size_t i, size_t n, size_t *at)
{
    for (;;) {
        while (n - i >= 8) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            /* any byte >= 0x80, or 0x00 (0 - 1 borrows into bit 7): leave the fast path */
            if (((v - 0x0101010101010101u) | v) & 0x8080808080808080u) break;
            i += 8;
        }
        if (i >= n) break;
        unsigned b = s[i];
        if (b < 0x80) {
            if (b == 0) {
                *at = i;
                return U_NUL;
            }
            i++;
            continue;
        }
        /* Chinese text is three-byte sequences led by E1..EC or EE..EF, whose second byte may be
         * any continuation byte (E0's excludes overlongs, ED's surrogates): step over them here.
         * EF BB (BF) goes the long way: a byte order mark inside the text is reported. */
        while (b >= 0xE1 && b <= 0xEF && b != 0xED && n - i >= 3 && (s[i + 1] & 0xC0) == 0x80 &&
               (s[i + 2] & 0xC0) == 0x80 && !(b == 0xEF && s[i + 1] == 0xBB)) {
            i += 3;
            if (i >= n) break;
            b = s[i];
        }
        if (i >= n) break;
        if (b < 0x80) continue;
        int k = jx_utf8_check((const char *)s + i, n - i);
        if (k <= 0) {
            *at = i;
            return k == JX_UTF8_CUT ? U_SHORT : U_BAD;
        }
        if (b == 0xEF && s[i + 1] == 0xBB && s[i + 2] == 0xBF) {
            *at = i;
            return U_BOM;
        }
        i += (size_t)k;
    }
    *at = n;
    return U_OK;
}

static bool input_done(const jx_csv *c)
{
    return c->srceof && c->rawpos == c->rawlen;
}

static void set_pend(jx_csv *c, int kind, const unsigned char *bytes, size_t n)
{
    if (n > sizeof c->pbytes) n = sizeof c->pbytes;
    c->pend = kind;
    memcpy(c->pbytes, bytes, n);
    c->npbytes = n;
}

/* Validate [vend, end): advance vend over good text, or stop it at a problem. */
static void validate(jx_csv *c)
{
    const unsigned char *s = (const unsigned char *)c->buf;
    size_t at;
    int k = utf8_scan(s, c->vend, c->end, &at);
    c->vend = at;
    size_t n = c->end - at;
    switch (k) {
    case U_OK:
        if (c->srcpend) set_pend(c, c->srcpend, c->srcbytes, c->nsrcbytes);
        break;
    case U_NUL:
        set_pend(c, PEND_NUL, s + at, 1);
        break;
    case U_BOM:
        set_pend(c, PEND_BOM, s + at, 3);
        break;
    case U_BAD:
        set_pend(c, PEND_UTF8, s + at, n);
        break;
    case U_SHORT:
        /* only the UTF-8 path can end mid-character: iconv emits whole ones */
        if (input_done(c)) set_pend(c, PEND_TRUNC, s + at, n);
        break;
    }
    c->done = !c->pend && c->vend == c->end && input_done(c);
}

/* ---- filling the buffer ---- */

/* Convert raw input into buf[end, end + room). Stops after producing some text,
 * at the end of the input, or at a conversion problem (kept in srcpend). */
static jx_err convert(jx_csv *c, size_t room)
{
    size_t start = c->end;
    for (;;) {
        if (c->rawpos == c->rawlen) {
            if (c->srceof || c->end > start) return JX_OK;
            size_t got;
            c->rawpos = c->rawlen = 0;
            jx_err e = src_read(c, c->raw, c->block < c->rawcap ? c->block : c->rawcap, &got);
            if (e) return e;
            c->rawlen = got;
            continue;
        }
        char *in = c->raw + c->rawpos, *out = c->buf + c->end;
        size_t inleft = c->rawlen - c->rawpos, outleft = room - (c->end - start);
        size_t r = iconv(c->cd, &in, &inleft, &out, &outleft);
        int en = errno;
        c->rawpos = (size_t)(in - c->raw);
        c->end = (size_t)(out - c->buf);
        if (r != (size_t)-1) continue; /* all input converted: read more unless we have text */
        if (en == E2BIG) return JX_OK; /* room is >= 16 bytes, so some text was produced */
        if (en == EINVAL) {
            /* a character cut by the end of the input read so far */
            size_t left = c->rawlen - c->rawpos;
            if (c->srceof) {
                c->srcpend = PEND_TRUNC;
                c->nsrcbytes = left < 4 ? left : 4;
                memcpy(c->srcbytes, c->raw + c->rawpos, c->nsrcbytes);
                c->rawpos = c->rawlen; /* consumed: nothing follows */
                return JX_OK;
            }
            memmove(c->raw, c->raw + c->rawpos, left);
            c->rawpos = 0;
            c->rawlen = left;
            size_t got, want = c->rawcap - left;
            if (want > c->block) want = c->block;
            jx_err e = src_read(c, c->raw + left, want, &got);
            if (e) return e;
            c->rawlen += got;
            continue; /* at the end of the source, iconv says EINVAL again: caught above */
        }
        /* EILSEQ (or anything else): stop converting; report at this point,
         * showing up to 4 bytes however small the block */
        size_t left = c->rawlen - c->rawpos;
        memmove(c->raw, c->raw + c->rawpos, left);
        c->rawpos = 0;
        c->rawlen = left;
        while (c->rawlen < 4 && !c->srceof) {
            size_t got;
            jx_err e = src_read(c, c->raw + c->rawlen, 4 - c->rawlen, &got);
            if (e) return e;
            c->rawlen += got;
        }
        left = c->rawlen;
        c->srcpend = PEND_ILLEGAL;
        c->nsrcbytes = left < 4 ? left : 4;
        memcpy(c->srcbytes, c->raw + c->rawpos, c->nsrcbytes);
        c->rawpos = c->rawlen;
        c->srceof = true;
        return JX_OK;
    }
}

/*
 * Make more text available after vend: move the current record to the front
 * of buf, grow buf if the record needs it (the caller enforces the limits, so
 * it stays under capmax), then read and validate one block. Afterwards vend
 * has advanced, or done or pend is set.
 */
static jx_err fill(jx_csv *c)
{
    if (c->rec > 0) {
        size_t sh = c->rec;
        memmove(c->buf, c->buf + sh, c->end - sh);
        c->rec = 0;
        c->pos -= sh;
        c->fstart -= sh;
        c->linestart -= sh;
        c->qpos -= sh;
        c->qlinestart -= sh;
        c->vend -= sh;
        c->end -= sh;
    }
    size_t need = c->block + 16; /* 16: room for a converted character however small the block */
    /* not JX_GROW: the buffer doubles only up to capmax, the memory a record may take */
    if (c->cap - c->end - 1 < need) {
        size_t ncap = c->cap * 2;
        if (ncap > c->capmax) ncap = c->capmax;
        if (ncap < c->end + need + 1) ncap = c->end + need + 1;
        char *nb = realloc(c->buf, ncap);
        if (!nb) return fail(c, JX_ERR_NOMEM, "%s: out of memory", c->name);
        c->buf = nb;
        c->cap = ncap;
    }
    size_t room = c->cap - c->end - 1; /* 1: the NUL after a last field at the very end */
    jx_err e;
    if (c->cd == (iconv_t)-1) {
        size_t got;
        e = src_read(c, c->buf + c->end, room < c->block ? room : c->block, &got);
        c->end += got;
    } else {
        e = convert(c, room);
    }
    if (e) return e;
    validate(c);
    if (c->pend == PEND_UTF8 && c->npbytes < 4) {
        /* show up to 4 bytes in the message however small the block (room is >= 16) */
        while (c->end - c->vend < 4 && !c->srceof) {
            size_t got;
            e = src_read(c, c->buf + c->end, 4 - (c->end - c->vend), &got);
            if (e) return e;
            c->end += got;
        }
        set_pend(c, PEND_UTF8, (const unsigned char *)c->buf + c->vend, c->end - c->vend);
    }
    return JX_OK;
}

/* ---- locations ---- */

/* Line and character column of s[target], counting from s[from], which is the start of
 * physical line `line`; s[0..end) is the text there is (a CR before its end is looked past). */
static void text_place(const unsigned char *s, size_t end, size_t from, size_t line, size_t target,
                       size_t *oline, size_t *ocol)
{
    size_t col = 1;
    for (size_t i = from; i < target; i++) {
        unsigned char b = s[i];
        if (b == '\n' || (b == '\r' && !(i + 1 < end && s[i + 1] == '\n'))) {
            line++;
            col = 1;
        } else if ((b & 0xC0) != 0x80 && b != '\r') {
            col++;
        }
    }
    *oline = line;
    *ocol = col;
}

/* The same for buf[target] */
static void locate(const jx_csv *c, size_t from, size_t line, size_t target, size_t *oline,
                   size_t *ocol)
{
    text_place((const unsigned char *)c->buf, c->end, from, line, target, oline, ocol);
}

static jx_err fail_pending(jx_csv *c)
{
    size_t line, col;
    char hex[16];
    locate(c, c->linestart, c->line, c->vend, &line, &col);
    hexbytes(hex, sizeof hex, c->pbytes, c->npbytes);
    const char *enc = c->srcenc ? c->srcenc : "UTF-8";
    switch (c->pend) {
    case PEND_NUL:
        return fail(c, JX_ERR_FORMAT,
                    "%s:%zu:%zu: NUL byte in the text (a binary file, or UTF-16 without a "
                    "byte order mark?)",
                    c->name, line, col);
    case PEND_BOM:
        if (col > 1) /* inside a cell: an invisible character copied in with the text */
            return fail(c, JX_ERR_ENCODING,
                        "%s:%zu:%zu: an invisible character U+FEFF (zero width no-break space, "
                        "also used as a byte order mark) inside the text: delete it",
                        c->name, line, col);
        return fail(c, JX_ERR_ENCODING,
                    "%s:%zu:%zu: byte order mark (U+FEFF) in the middle of the file "
                    "(were two files joined together?)",
                    c->name, line, col);
    case PEND_UTF8:
        return fail(c, JX_ERR_ENCODING,
                    "%s:%zu:%zu: invalid UTF-8 (bytes %s): the file starts as UTF-8 but this "
                    "part is in another encoding (GB18030?); save the whole file in one encoding",
                    c->name, line, col, hex);
    case PEND_TRUNC:
        return fail(c, JX_ERR_ENCODING,
                    "%s:%zu:%zu: the file ends in the middle of a %s character (bytes %s)", c->name,
                    line, col, enc, hex);
    default:
        return fail(c, JX_ERR_ENCODING, "%s:%zu:%zu: bytes %s are not valid %s", c->name, line, col,
                    hex, enc);
    }
}

/* ---- the parser ---- */

static jx_err add_field(jx_csv *c, size_t start, size_t len, bool esc)
{
    if (c->nf == JX_CSV_FIELDS_MAX)
        return fail(c, JX_ERR_LIMIT, "%s:%zu: more than %u fields in one record", c->name,
                    c->rec_line, JX_CSV_FIELDS_MAX);
    if (len > JX_CSV_FIELD_MAX)
        return fail(c, JX_ERR_LIMIT, "%s:%zu: field %zu is longer than 1 MiB (%zu bytes)", c->name,
                    c->rec_line, c->nf + 1, len);
    /* capacities double from 16 and so stop at JX_CSV_FIELDS_MAX, a power of two */
    if (!JX_GROW(c->f, c->fcap, c->nf + 1) || !JX_GROW(c->pub, c->pubcap, c->nf + 1))
        return fail(c, JX_ERR_NOMEM, "%s: out of memory", c->name);
    c->f[c->nf].off = start - c->rec;
    c->f[c->nf].len = len;
    c->f[c->nf].esc = esc;
    c->nf++;
    return JX_OK;
}

static void begin_record(jx_csv *c)
{
    c->rec = c->pos;
    c->rec_line = c->line;
    c->linestart = c->pos;
    c->fstart = c->pos;
    c->qpos = c->qlinestart = c->pos;
    c->nf = 0;
    c->st = S_FSTART;
    c->skipped = 0;
    c->in_rec = true;
}

/* Step over the line break at p (LF, CR or CR LF). NULL when a CR ends the text read so far
 * and more may follow: its LF could be the next byte, so the CR is left unconsumed. */
static inline const char *skip_eol(const char *p, const char *e, bool done)
{
    if (*p == '\r') {
        if (p + 1 == e && !done) return NULL;
        if (p + 1 < e && p[1] == '\n') p++;
    }
    return p + 1;
}

/* The parser's view of the text: buf, the end of the valid text, the position. The state
 * functions below take it and return a P_* result, or P_GO to go on in the state they set. */
typedef struct scan {
    char *b;
    const char *e, *p;
    bool done; /* e is the end of all the text */
} scan;

enum { P_GO = -1 };

/* S_FSTART: open a quoted or an unquoted field, or skip a blank line. */
static inline int field_start(jx_csv *c, scan *s, int *st)
{
    if (s->p == s->e) {
        if (!s->done) return P_NEED;
        if (c->nf == 0) return P_EOF;
        /* a delimiter just before the end: an empty last field */
        return add_field(c, (size_t)(s->p - s->b), 0, false) ? P_ERR : P_REC;
    }
    if (*s->p == '"') {
        c->qpos = (size_t)(s->p - s->b);
        c->qline = c->line;
        c->qlinestart = c->linestart;
        c->esc = false;
        s->p++;
        c->fstart = (size_t)(s->p - s->b);
        *st = S_Q;
        return P_GO;
    }
    if (c->nf == 0 && (*s->p == '\n' || *s->p == '\r')) {
        /* a blank line: skip it; the record starts on the next line */
        const char *next = skip_eol(s->p, s->e, s->done);
        if (!next) return P_NEED;
        s->p = next;
        c->line++;
        c->skipped++;
        c->rec = c->linestart = c->fstart = (size_t)(s->p - s->b);
        c->rec_line = c->line;
        return P_GO;
    }
    c->fstart = (size_t)(s->p - s->b);
    *st = S_UNQ;
    return P_GO;
}

/* S_UNQ: to the delimiter or line break that ends an unquoted field. */
static inline int unquoted(jx_csv *c, scan *s, int *st)
{
    const char *p = s->p, *e = s->e;
    while (p < e && !(c->cls[(unsigned char)*p] & CLS_UNQ))
        p++;
    s->p = p;
    if (p == e && !s->done) return P_NEED;
    if (add_field(c, c->fstart, (size_t)(p - s->b) - c->fstart, false)) return P_ERR;
    if (p == e) return P_REC;
    if (*p == c->delim) {
        s->p++;
        *st = S_FSTART;
    } else {
        *st = S_EOL;
    }
    return P_GO;
}

static int unclosed_quote(jx_csv *c)
{
    size_t ql, qc;
    locate(c, c->qlinestart, c->qline, c->qpos, &ql, &qc);
    fail(c, JX_ERR_FORMAT,
         "%s:%zu:%zu: the quote opened here is never closed (the file ends inside a quoted field)",
         c->name, ql, qc);
    return P_ERR;
}

static int text_after_quote(jx_csv *c, size_t at)
{
    size_t l, col;
    locate(c, c->linestart, c->line, at, &l, &col);
    fail(c, JX_ERR_FORMAT,
         "%s:%zu:%zu: text after the closing quote of a quoted field (a quote inside a quoted "
         "field must be doubled: \"\")",
         c->name, l, col);
    return P_ERR;
}

/* After the closing quote of a field: the delimiter, a line break or the end must follow. */
static inline int after_quote(jx_csv *c, scan *s, int *st)
{
    if (add_field(c, c->fstart, (size_t)(s->p - s->b) - c->fstart, c->esc)) return P_ERR;
    s->p++;
    if (s->p == s->e) return P_REC;
    if (*s->p == c->delim) {
        s->p++;
        *st = S_FSTART;
        return P_GO;
    }
    if (*s->p == '\n' || *s->p == '\r') {
        *st = S_EOL;
        return P_GO;
    }
    return text_after_quote(c, (size_t)(s->p - s->b));
}

/* S_Q: inside a quoted field, over line breaks and doubled quotes to the closing quote. */
static inline int quoted(jx_csv *c, scan *s, int *st)
{
    for (;;) {
        const char *p = s->p, *e = s->e;
        while (p < e && !(c->cls[(unsigned char)*p] & CLS_Q))
            p++;
        s->p = p;
        if (p == e) return s->done ? unclosed_quote(c) : P_NEED;
        if (*p == '\n' || *p == '\r') {
            const char *next = skip_eol(p, e, s->done);
            if (!next) return P_NEED;
            s->p = next;
            c->line++;
            c->linestart = (size_t)(next - s->b);
            continue;
        }
        /* a quote: doubled, or the closing one */
        if (p + 1 == e && !s->done) return P_NEED;
        if (p + 1 < e && p[1] == '"') {
            c->esc = true;
            s->p += 2;
            continue;
        }
        return after_quote(c, s, st);
    }
}

/* S_EOL: the line break that ends the record. */
static inline int end_of_line(jx_csv *c, scan *s)
{
    const char *next = skip_eol(s->p, s->e, s->done);
    if (!next) return P_NEED;
    s->p = next;
    c->line++;
    return P_REC;
}

/*
 * Scan from pos to vend. Returns P_REC when a record is complete, P_EOF at the
 * end of the text, P_NEED when more text is needed (state saved; calling again
 * after fill() resumes), P_ERR after fail(). Where a decision needs the next
 * byte (CR LF, a quote followed by a quote) and it is not there yet, the byte
 * is left unconsumed so that resuming looks at it again.
 */
static int parse(jx_csv *c)
{
    scan s = {.b = c->buf, .e = c->buf + c->vend, .p = c->buf + c->pos, .done = c->done};
    int st = c->st, r = P_GO;
    while (r == P_GO) {
        switch (st) {
        case S_FSTART:
            r = field_start(c, &s, &st);
            break;
        case S_UNQ:
            r = unquoted(c, &s, &st);
            break;
        case S_Q:
            r = quoted(c, &s, &st);
            break;
        default:
            r = end_of_line(c, &s);
            break;
        }
    }
    c->pos = (size_t)(s.p - s.b);
    c->st = st;
    return r;
}

/* Undo "" in place; returns the new length. */
static size_t unescape(char *s, size_t len)
{
    char *w = memchr(s, '"', len);
    if (!w) return len;
    const char *r = w, *end = s + len;
    while (r < end) {
        char ch = *r++;
        *w++ = ch;
        if (ch == '"') r++; /* skip the second quote of the pair */
    }
    return (size_t)(w - s);
}

/* Turn the finished record's offsets into the caller's fields. */
static void finish(jx_csv *c, jx_csv_row *row)
{
    char *base = c->buf + c->rec;
    for (size_t i = 0; i < c->nf; i++) {
        char *s = base + c->f[i].off;
        size_t len = c->f[i].len;
        if (c->f[i].esc) len = unescape(s, len);
        s[len] = '\0'; /* the delimiter, closing quote or line break after it; or buf[end] */
        c->pub[i].ptr = s;
        c->pub[i].len = len;
    }
    row->fields = c->pub;
    row->nfields = c->nf;
    row->line = c->rec_line;
    row->skipped = c->skipped;
}

/* Called when the parser needs more text: is what it holds already too long? */
static jx_err check_limits(jx_csv *c)
{
    if ((c->st == S_UNQ || c->st == S_Q) && c->vend - c->fstart > JX_CSV_FIELD_MAX) {
        if (c->st == S_Q) {
            size_t ql, qc;
            locate(c, c->qlinestart, c->qline, c->qpos, &ql, &qc);
            return fail(c, JX_ERR_LIMIT,
                        "%s:%zu: field %zu is longer than 1 MiB (is the quote opened at line "
                        "%zu, column %zu never closed?)",
                        c->name, c->rec_line, c->nf + 1, ql, qc);
        }
        return fail(c, JX_ERR_LIMIT, "%s:%zu: field %zu is longer than 1 MiB", c->name, c->rec_line,
                    c->nf + 1);
    }
    if (c->vend - c->rec > JX_CSV_RECORD_MAX)
        return fail(c, JX_ERR_LIMIT, "%s:%zu: record is longer than 16 MiB", c->name, c->rec_line);
    return JX_OK;
}

jx_err jx_csv_next(jx_csv *c, jx_csv_row *row, bool *eof)
{
    if (eof) *eof = false;
    if (row) {
        row->fields = NULL;
        row->nfields = 0;
        row->line = 0;
        row->skipped = 0;
    }
    if (!c || !row) return JX_ERR_INVALID;
    if (c->err) return c->err;
    if (!c->in_rec) begin_record(c);
    for (;;) {
        int r = parse(c);
        if (r == P_REC) {
            if (c->pos - c->rec > JX_CSV_RECORD_MAX + 2) /* + 2: the CR LF */
                return fail(c, JX_ERR_LIMIT, "%s:%zu: record is longer than 16 MiB", c->name,
                            c->rec_line);
            finish(c, row);
            c->in_rec = false;
            return JX_OK;
        }
        if (r == P_EOF) {
            row->skipped = c->skipped;
            c->skipped = 0; /* reported once */
            if (eof) *eof = true;
            return JX_OK;
        }
        if (r == P_ERR) return c->err;
        if (c->pend) return fail_pending(c);
        jx_err e = check_limits(c);
        if (!e) e = fill(c);
        if (e) return e;
    }
}

/* ---- opening ---- */

/* Choose the delimiter from the first record: the most frequent of , TAB ;
 * outside quotes, comma on a tie. Reads on until the first line break outside
 * quotes (or sniff bytes) is in the buffer. */
static jx_err detect_delimiter(jx_csv *c)
{
    for (;;) {
        size_t n[3] = {0, 0, 0}; /* , \t ; */
        bool inq = false, eol = false;
        /* only the first sniff bytes count: how far the buffer reaches depends on the block */
        for (size_t i = 0; i < c->vend && i < c->sniff && !eol; i++) {
            char ch = c->buf[i];
            if (ch == '"')
                inq = !inq;
            else if (inq)
                continue;
            else if (ch == ',')
                n[0]++;
            else if (ch == '\t')
                n[1]++;
            else if (ch == ';')
                n[2]++;
            else if (ch == '\n' || ch == '\r')
                eol = true;
        }
        if (eol || c->done || c->pend || c->vend >= c->sniff) {
            c->delim = ',';
            if (n[1] > n[0] && n[1] >= n[2])
                c->delim = '\t';
            else if (n[2] > n[0] && n[2] > n[1])
                c->delim = ';';
            return JX_OK;
        }
        jx_err e = fill(c);
        if (e) return e;
    }
}

static jx_err set_iconv(jx_csv *c, const char *srcenc)
{
    c->srcenc = srcenc;
    c->cd = iconv_open("UTF-8", srcenc);
    if (c->cd == (iconv_t)-1)
        return fail(c, JX_ERR_ENCODING, "%s: this system cannot convert %s (iconv)", c->name,
                    srcenc);
    return JX_OK;
}

/* Does raw[rawpos, rawlen) convert cleanly (a cut-off last character aside)? */
static bool converts_cleanly(jx_csv *c)
{
    char *in = c->raw + c->rawpos;
    size_t inleft = c->rawlen - c->rawpos;
    bool ok = true;
    while (inleft > 0) {
        char *out = c->buf;
        size_t outleft = c->cap;
        size_t r = iconv(c->cd, &in, &inleft, &out, &outleft);
        if (r != (size_t)-1) break;
        if (errno == E2BIG) continue;
        ok = errno == EINVAL; /* cut off at the end of the sniff: fine */
        break;
    }
    iconv(c->cd, NULL, NULL, NULL, NULL); /* reset for the real conversion */
    return ok;
}

/* Look at the first bytes: byte order mark, else UTF-8, else GB18030. */
static jx_err detect_encoding(jx_csv *c)
{
    const unsigned char *u = (const unsigned char *)c->raw;
    size_t n = c->rawlen;
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        c->encname = "UTF-8 with BOM";
        c->rawpos = 3;
        return JX_OK;
    }
    if (n >= 4 && ((u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0) ||
                   (u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF)))
        return fail(c, JX_ERR_ENCODING, "%s: UTF-32 is not supported; save it as UTF-8", c->name);
    if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        c->encname = "UTF-16LE";
        c->rawpos = 2;
        return set_iconv(c, "UTF-16LE");
    }
    if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        c->encname = "UTF-16BE";
        c->rawpos = 2;
        return set_iconv(c, "UTF-16BE");
    }
    if (n >= 4 && u[0] == 0x84 && u[1] == 0x31 && u[2] == 0x95 && u[3] == 0x33) {
        c->encname = "GB18030 with BOM";
        c->rawpos = 4;
        return set_iconv(c, "GB18030");
    }
    /* UTF-8 unless the sniff holds an invalid sequence (NUL and U+FEFF are
     * well-formed: they are reported later with their line) */
    size_t at = 0;
    int k;
    do {
        k = utf8_scan(u, at, n, &at);
        if (k == U_NUL)
            at += 1;
        else if (k == U_BOM)
            at += 3;
    } while (k == U_NUL || k == U_BOM);
    if (k != U_BAD) {
        c->encname = "UTF-8";
        return JX_OK;
    }
    /* GB18030 text has no NUL bytes (iconv would pass them); UTF-16 without a byte
     * order mark has one in every other byte of ASCII: refuse it here, saying so */
    bool has_nul = memchr(u, 0, n) != NULL;
    if (!has_nul) {
        jx_err e = set_iconv(c, "GB18030");
        if (e) return e;
        if (converts_cleanly(c)) {
            c->encname = "GB18030";
            return JX_OK;
        }
    }
    /* neither: say where UTF-8 broke */
    size_t line, col;
    text_place(u, n, 0, 1, at, &line, &col);
    char hex[16];
    hexbytes(hex, sizeof hex, u + at, n - at < 4 ? n - at : 4);
    if (has_nul)
        return fail(
            c, JX_ERR_ENCODING,
            "%s:%zu:%zu: the file is neither UTF-8 nor GB18030 (bytes %s) and holds NUL "
            "bytes: UTF-16 without a byte order mark? save it as UTF-8 (Excel: \"CSV UTF-8\")",
            c->name, line, col, hex);
    return fail(c, JX_ERR_ENCODING,
                "%s:%zu:%zu: the file is neither UTF-8 nor GB18030 (bytes %s); save it as "
                "UTF-8 (Excel: \"CSV UTF-8\")",
                c->name, line, col, hex);
}

jx_err csv_open_opts(const char *path, const char *data, size_t len, const char *name,
                     const csv_opts *opts, jx_csv **out, jx_errmsg *msg)
{
    if (out) *out = NULL;
    if (!out || (!path && !data && len > 0))
        return jx_msg(msg, JX_ERR_INVALID, "jx_csv_open: invalid argument");
    jx_csv *c = calloc(1, sizeof *c);
    if (!c) return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    c->fd = -1;
    c->cd = (iconv_t)-1;
    c->line = 1;
    c->block = opts && opts->block ? opts->block : JX_CSV_BLOCK;
    c->sniff = opts && opts->sniff ? opts->sniff : c->block < 4096 ? 4096 : c->block;
    c->name = strdup(path ? path : name ? name : "(memory)");
    jx_err e = JX_OK;
    if (!c->name) {
        e = JX_ERR_NOMEM;
        jx_fmt_trunc(c->msg, sizeof c->msg, "out of memory");
        goto done;
    }
    if (path) {
        c->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (c->fd < 0) {
            char es[128];
            if (strerror_r(errno, es, sizeof es)) es[0] = '\0';
            e = fail(c, JX_ERR_IO, "%s: cannot open: %s", c->name, es);
            goto done;
        }
    } else {
        c->mem = data;
        c->memlen = len;
    }
    /* A small input needs no 256 KiB buffers: size block and sniff to it. The reader
     * works with any block, so a file that grows while it is read only takes more fills. */
    struct stat sb;
    size_t known =
        path ? (fstat(c->fd, &sb) == 0 && S_ISREG(sb.st_mode) ? (size_t)sb.st_size : SIZE_MAX)
             : len;
    c->srcsize = known == SIZE_MAX ? 0 : known;
    if (known < c->block) c->block = known + 1;
    if (known < c->sniff) c->sniff = known + 1;
    size_t big = c->block > c->sniff ? c->block : c->sniff;
    c->rawcap = big + 8;
    c->cap = 2 * big + 64; /* a converted sniff may grow by half */
    c->capmax = JX_CSV_RECORD_MAX + 2 * c->block + 64;
    if (c->capmax < c->cap) c->capmax = c->cap;
    c->raw = malloc(c->rawcap);
    c->buf = malloc(c->cap);
    if (!c->raw || !c->buf) {
        e = fail(c, JX_ERR_NOMEM, "%s: out of memory", c->name);
        goto done;
    }
    while (c->rawlen < c->sniff && !c->srceof) {
        size_t got;
        e = src_read(c, c->raw + c->rawlen, c->sniff - c->rawlen, &got);
        if (e) goto done;
        c->rawlen += got;
    }
    e = detect_encoding(c);
    if (e) goto done;
    if (c->cd == (iconv_t)-1) {
        /* UTF-8: the sniffed bytes become the first text; raw is not needed any more */
        c->end = c->rawlen - c->rawpos;
        memcpy(c->buf, c->raw + c->rawpos, c->end);
        c->rawpos = c->rawlen = c->rawcap = 0;
        free(c->raw);
        c->raw = NULL;
        validate(c);
    } else {
        e = fill(c);
        if (e) goto done;
    }
    e = detect_delimiter(c);
    if (e) goto done;
    c->cls[(unsigned char)c->delim] |= CLS_UNQ;
    c->cls['\n'] |= CLS_UNQ | CLS_Q;
    c->cls['\r'] |= CLS_UNQ | CLS_Q;
    c->cls['"'] |= CLS_Q;
    c->err = JX_OK; /* no failure yet */
    c->msg[0] = '\0';
done:
    if (e) {
        if (msg) jx_fmt_trunc(msg->text, sizeof msg->text, "%s", c->msg);
        jx_csv_close(c);
        return e;
    }
    *out = c;
    return JX_OK;
}

jx_err jx_csv_open(const char *path, jx_csv **out, jx_errmsg *msg)
{
    if (!path) {
        if (out) *out = NULL;
        return jx_msg(msg, JX_ERR_INVALID, "jx_csv_open: path is NULL");
    }
    return csv_open_opts(path, NULL, 0, NULL, NULL, out, msg);
}

jx_err jx_csv_open_mem(const char *data, size_t len, const char *name, jx_csv **out, jx_errmsg *msg)
{
    return csv_open_opts(NULL, data, len, name, NULL, out, msg);
}

void jx_csv_close(jx_csv *c)
{
    if (!c) return;
    if (c->fd >= 0) close(c->fd);
    if (c->cd != (iconv_t)-1) iconv_close(c->cd);
    free(c->raw);
    free(c->buf);
    free(c->f);
    free(c->pub);
    free(c->name);
    free(c);
}

const char *jx_csv_errmsg(const jx_csv *c)
{
    return c ? c->msg : "";
}

const char *jx_csv_encoding(const jx_csv *c)
{
    return c ? c->encname : "";
}

char jx_csv_delimiter(const jx_csv *c)
{
    return c ? c->delim : '\0';
}

const char *jx_csv_name(const jx_csv *c)
{
    return c ? c->name : "";
}

bool csv_progress(const jx_csv *c, size_t *read, size_t *size)
{
    *read = c->srcread;
    *size = c->srcsize;
    return c->srcsize > 0;
}
