/*
 * xlsx_read.c - read .xlsx workbooks row by row, cells as Excel shows them.
 *
 * An .xlsx is a zip (libzip) of XML parts (expat). The small parts are read
 * whole when the workbook is opened: the package relationships lead to the
 * workbook part, whose relationships name the worksheets, the styles and the
 * shared strings. A worksheet is streamed: zip_fread() feeds expat one block at
 * a time, and the parser is suspended at the end of every row (XML_StopParser
 * with resumable = true), so the caller pulls one row at a time and only that
 * row is in memory, however long the sheet. Merged ranges are listed after the
 * cells in the sheet XML, so a first pass over the inflated bytes picks out the
 * <mergeCells> element (and parses just that) before the rows are read.
 *
 * What a cell reads as: a shared or inline string as written; a number through
 * its number format (xlsx_read_fmt.c: 0.75 in a percent cell is 75%, a date
 * serial in a date cell is the date, 16.00 is 16); a boolean as TRUE/FALSE; a
 * formula as its cached result; an error as Excel shows it (#DIV/0!).
 *
 * Hostile files: every inflated part has a size limit (a zip bomb stops there
 * with an error, whatever its headers claim); a DOCTYPE is refused (no entity
 * expansion at all); references are checked against Excel's limits, shared
 * string and style indexes against what the workbook has; rows must ascend.
 *
 * .xls (Excel 97-2003): recognised by its OLE2 signature and its Workbook stream
 * (an encrypted .xlsx, also OLE2, by its EncryptedPackage stream) and refused with
 * a message saying to save it as .xlsx. Debian's .xls library (libfreexl) reads
 * the cells but reports neither number formats nor merged ranges, so 75% would
 * silently become 0.75 and merged 一级指标 would be lost: reading them that way
 * would be worse than not reading them; telling the file apart needs no library.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "util/util_int.h"
#include "read/xlsx_read_int.h"

#define CHUNK (64u * 1024u)
#define NO_SHEET ((size_t)-1)

typedef struct wsheet {
    char *name;  /* as in the workbook */
    char *part;  /* zip entry name of its XML */
    bool hidden; /* state="hidden" or "veryHidden" */
} wsheet;

typedef struct merge {
    uint32_t r1, r2, c1, c2;
    char *val; /* the top-left cell's text, once its row was read; NULL before */
} merge;

typedef struct cellrec {
    uint32_t col;
    size_t off, len; /* its text in rb */
} cellrec;

/* An inflating zip entry with a size limit. */
typedef struct part {
    zip_file_t *zf;
    const char *name;
    uint64_t total, limit;
} part;

enum { CT_N, CT_S, CT_STR, CT_INLINE, CT_B, CT_E, CT_D };

struct jx_wb {
    zip_t *za;
    char *name; /* for messages */
    jx_wb_limits lim;
    bool date1904;
    wsheet *sh;
    size_t nsh;
    /* styles: the number format of each cellXfs entry */
    jx_numfmt *xf;
    size_t nxf;
    bool have_styles;
    /* shared strings: text of string i is sst_text[sst_off[i] .. sst_off[i+1]) */
    char *sst_text;
    size_t sst_len, sst_cap;
    uint32_t *sst_off; /* text_max keeps offsets below 4 GiB */
    size_t nsst, sst_offcap;
    bool have_sst;
    /* the sheet being read */
    size_t cur;
    part pr;
    XML_Parser xp;
    bool xp_final, xp_suspended, sheet_done;
    merge *mg;
    size_t nmg, mg_next;
    size_t *act; /* indexes into mg of merges begun and not yet ended */
    size_t nact, capact;
    /* the row being built */
    bool in_row, in_cell;
    int depth; /* of XML elements open in the sheet (XML_DEPTH_MAX) */
    uint32_t row_num, prev_row, next_col;
    char *rb;
    size_t rblen, rbcap;
    /* A row costs in proportion to the cells it has, not to its width (a cell at XFD): the
     * dense fields[] stay "" but for the columns listed in set[], which are reset after. */
    cellrec *cr; /* the row's own non-empty cells, in the order read */
    size_t ncr, capcr;
    uint32_t *stamp; /* stamp[col] == row number: the cell was seen in this row */
    size_t capstamp;
    uint32_t *set; /* non-empty columns of the row handed out, ascending */
    size_t nset, capset;
    jx_csv_field *fields;
    size_t capf, nfields;
    /* the cell being parsed */
    int ctype;
    uint32_t cstyle, ccol;
    bool in_v, in_is, in_t, in_rph, has_v;
    char *cv;
    size_t cvlen, cvcap;
    /* failure (sticky) */
    jx_err err;
    char msg[JX_ERRMSG_MAX];
};

static jx_err wfail(jx_wb *wb, jx_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static jx_err wfail(jx_wb *wb, jx_err err, const char *fmt, ...)
{
    if (wb->err) return wb->err; /* the first failure is the one to report */
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(wb->msg, sizeof wb->msg, fmt, ap);
    va_end(ap);
    wb->err = err;
    return err;
}

/* ---- small helpers ---- */

jx_wb_sniff_kind jx_wb_sniff(const unsigned char *h, size_t n)
{
    if (n >= 4 && h[0] == 'P' && h[1] == 'K' &&
        ((h[2] == 3 && h[3] == 4) || (h[2] == 5 && h[3] == 6)))
        return JX_WB_SNIFF_ZIP;
    static const unsigned char ole[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    if (n >= 8 && !memcmp(h, ole, 8)) return JX_WB_SNIFF_OLE2;
    /* text starting with a tag: <html, <!DOCTYPE, <?xml, <table (after a BOM and spaces) */
    size_t i = 0, step = 1;
    if (n >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF)
        i = 3;
    else if (n >= 2 && h[0] == 0xFF && h[1] == 0xFE)
        i = 2, step = 2; /* UTF-16LE */
    else if (n >= 2 && h[0] == 0xFE && h[1] == 0xFF)
        i = 3, step = 2; /* UTF-16BE: low bytes */
    while (i < n && (h[i] == ' ' || h[i] == '\t' || h[i] == '\r' || h[i] == '\n'))
        i += step;
    if (i + step < n && h[i] == '<') {
        unsigned char c = h[i + step];
        if (c == '!' || c == '?' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
            return JX_WB_SNIFF_HTML;
    }
    return JX_WB_SNIFF_TEXT;
}

void jx_wb_cell_name(uint32_t col, uint32_t row, char *buf, size_t cap)
{
    char letters[8];
    size_t n = 0;
    uint32_t c = col + 1;
    while (c > 0 && n < sizeof letters) {
        letters[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    char out[24];
    size_t k = 0;
    while (n > 0)
        out[k++] = letters[--n];
    out[k] = '\0';
    snprintf(buf, cap, "%s%u", out, row);
}

void jx_wb_sheet_ref(const char *sheet, char *buf, size_t cap)
{
    /* Excel quotes a name that is not a plain word: spaces, punctuation, a leading digit */
    bool quote = !*sheet || (*sheet >= '0' && *sheet <= '9');
    for (const unsigned char *p = (const unsigned char *)sheet; *p; p++)
        if (*p < 0x80 && !(*p == '_' || *p == '.' || (*p >= '0' && *p <= '9') ||
                           ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')))
            quote = true;
    if (!quote) {
        jx_fmt_trunc(buf, cap, "%s", sheet);
        return;
    }
    size_t k = 0;
    if (cap < 3) {
        if (cap) buf[0] = '\0';
        return;
    }
    buf[k++] = '\'';
    for (const char *p = sheet; *p && k + 3 < cap; p++) {
        if (*p == '\'') buf[k++] = '\'';
        buf[k++] = *p;
    }
    buf[k++] = '\'';
    buf[k] = '\0';
}

/* "B12" → col 1, row 12. Returns false when it is not a cell reference. row 0: no digits. */
static bool parse_ref(const char *s, uint32_t *col, uint32_t *row)
{
    uint64_t c = 0, r = 0;
    const char *p = s;
    if (*p == '$') p++;
    const char *ls = p;
    while (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') && p - ls < 4)
        c = c * 26 + (uint64_t)((*p++ | 0x20) - 'a' + 1);
    if (p == ls || c == 0) return false;
    if (*p == '$') p++;
    const char *ds = p;
    while (*p >= '0' && *p <= '9' && p - ds < 10)
        r = r * 10 + (uint64_t)(*p++ - '0');
    if (*p) return false;
    if (c > 0xFFFFFF || r > 0xFFFFFFFFu) return false;
    *col = (uint32_t)(c - 1);
    *row = (uint32_t)r;
    return true;
}

/* Parse a decimal unsigned integer attribute; false when not one. */
static bool parse_u32(const char *s, uint32_t *out)
{
    if (!s || !*s) return false;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > 0xFFFFFFFFu) return false;
    }
    *out = (uint32_t)v;
    return true;
}

/* The local part of an XML name: "x:row" → "row". */
static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *lname)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (!strcmp(local(atts[i]), lname)) return atts[i + 1];
    return NULL;
}

/* Append to a growable byte buffer with a cap; false when over the cap or out of memory. */
static bool buf_add(char **b, size_t *len, size_t *cap, const char *s, size_t n, size_t max)
{
    if (*len + n > max) return false;
    if (!JX_GROW(*b, *cap, *len + n + 1)) return false;
    memcpy(*b + *len, s, n);
    *len += n;
    (*b)[*len] = '\0';
    return true;
}

/* Undo OOXML's _xHHHH_ escapes (ST_Xstring) in place: _x000D_ is a CR, _x005F_ an underscore. */
static size_t unescape_x(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '_' && i + 6 < n && (s[i + 1] == 'x' || s[i + 1] == 'X') && s[i + 6] == '_') {
            uint32_t cp = 0;
            bool hex = true;
            for (size_t k = 2; k < 6; k++) {
                char c = s[i + k];
                int v = c >= '0' && c <= '9'                     ? c - '0'
                        : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                                 : -1;
                if (v < 0)
                    hex = false;
                else
                    cp = cp * 16 + (uint32_t)v;
            }
            if (hex) {
                i += 7;
                if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
                    continue;                               /* control characters: dropped */
                if (cp >= 0xD800 && cp <= 0xDFFF) continue; /* lone surrogate halves */
                if (cp < 0x80)
                    s[o++] = (char)cp;
                else if (cp < 0x800)
                    s[o++] = (char)(0xC0 | cp >> 6), s[o++] = (char)(0x80 | (cp & 0x3F));
                else
                    s[o++] = (char)(0xE0 | cp >> 12), s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F)),
                    s[o++] = (char)(0x80 | (cp & 0x3F));
                continue; /* the encoding is never longer than the 7-byte escape */
            }
        }
        s[o++] = s[i++];
    }
    s[o] = '\0';
    return o;
}

/* "64 MiB", or "1000 bytes" below a MiB. */
static const char *size_text(char *buf, size_t cap, uint64_t n)
{
    if (n >= (1u << 20) && n % (1u << 20) == 0)
        snprintf(buf, cap, "%llu MiB", (unsigned long long)(n >> 20));
    else
        snprintf(buf, cap, "%llu bytes", (unsigned long long)n);
    return buf;
}

/* ---- zip parts ---- */

static zip_int64_t locate(jx_wb *wb, const char *name)
{
    if (*name == '/') name++;
    return zip_name_locate(wb->za, name, ZIP_FL_NOCASE);
}

static jx_err part_open(jx_wb *wb, part *pr, const char *name, uint64_t limit)
{
    memset(pr, 0, sizeof *pr);
    pr->name = name;
    pr->limit = limit;
    zip_int64_t idx = locate(wb, name);
    if (idx < 0)
        return wfail(wb, JX_ERR_FORMAT, "%s: the workbook has no part %s (damaged file)", wb->name,
                     name);
    zip_stat_t zs;
    zip_stat_init(&zs);
    if (zip_stat_index(wb->za, (zip_uint64_t)idx, 0, &zs) == 0 && (zs.valid & ZIP_STAT_SIZE) &&
        zs.size > limit) {
        char lim[32];
        return wfail(wb, JX_ERR_LIMIT,
                     "%s: part %s would inflate to %llu bytes, more than the limit of %s: refused "
                     "(a zip bomb?)",
                     wb->name, name, (unsigned long long)zs.size,
                     size_text(lim, sizeof lim, limit));
    }
    pr->zf = zip_fopen_index(wb->za, (zip_uint64_t)idx, 0);
    if (!pr->zf) {
        zip_error_t *ze = zip_get_error(wb->za);
        int code = zip_error_code_zip(ze);
        if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP)
            return wfail(
                wb, JX_ERR_FORMAT,
                "%s: part %s is encrypted (a password-protected zip): jixiao cannot read it",
                wb->name, name);
        return wfail(wb, JX_ERR_FORMAT, "%s: cannot open part %s: %s (damaged file)", wb->name,
                     name, zip_error_strerror(ze));
    }
    return JX_OK;
}

static void part_close(part *pr)
{
    if (pr->zf) zip_fclose(pr->zf);
    pr->zf = NULL;
}

/* Read up to n inflated bytes; 0 at the end; -1 on failure (wb->err set). */
static int64_t part_read(jx_wb *wb, part *pr, void *buf, size_t n)
{
    zip_int64_t k = zip_fread(pr->zf, buf, n);
    if (k < 0) {
        wfail(wb, JX_ERR_FORMAT, "%s: cannot inflate part %s: %s (damaged or truncated file)",
              wb->name, pr->name, zip_file_strerror(pr->zf));
        return -1;
    }
    pr->total += (uint64_t)k;
    if (pr->total > pr->limit) {
        char lim[32];
        wfail(wb, JX_ERR_LIMIT, "%s: part %s inflates to more than %s: refused (a zip bomb?)",
              wb->name, pr->name, size_text(lim, sizeof lim, pr->limit));
        return -1;
    }
    return k;
}

/* ---- XML parsing of a whole small part ---- */

typedef struct xctx xctx;
typedef void (*start_fn)(xctx *x, const char *el, const char **atts);
typedef void (*end_fn)(xctx *x, const char *el);

struct xctx {
    jx_wb *wb;
    XML_Parser p;
    const char *part;
    start_fn on_start;
    end_fn on_end;
    int depth;
    const char *root; /* local name of the root element */
    char rootbuf[32];
    /* per part */
    struct rel {
        char *id, *type, *target;
    } * rels;
    size_t nrels, caprels;
    /* styles */
    int in_numfmts, in_cellxfs;
    struct nfcode {
        uint32_t id;
        size_t seq; /* order of definition */
        char *code;
    } * codes;
    size_t ncodes, capcodes;
    uint32_t *xfids;
    size_t nxfids, capxfids;
    /* shared strings and merges */
    bool in_si, in_t, in_rph, in_merges;
    char *txt;
    size_t txtlen, txtcap;
    merge *mg;
    size_t nmg, capmg;
};

static void xml_abort(xctx *x)
{
    XML_StopParser(x->p, XML_FALSE);
}

/* Elements nested deeper than this are refused: SpreadsheetML nests about 10 levels, and every
 * open level costs expat memory (3 million levels in a 21 KB workbook took 419 MiB). */
#define XML_DEPTH_MAX 256

static void deep_fail(jx_wb *wb, XML_Parser p, const char *where, const char *partname)
{
    wfail(wb, JX_ERR_LIMIT,
          "%s: %s:%lu:%lu: XML elements nested more than %d deep, which no workbook has: the file "
          "is damaged or made to exhaust memory; refused",
          where, partname, (unsigned long)XML_GetCurrentLineNumber(p),
          (unsigned long)XML_GetCurrentColumnNumber(p) + 1, XML_DEPTH_MAX);
}

static void XMLCALL x_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    xctx *x = ud;
    if (x->wb->err) return;
    if (x->depth >= XML_DEPTH_MAX) {
        deep_fail(x->wb, x->p, x->wb->name, x->part);
        xml_abort(x);
        return;
    }
    if (x->depth++ == 0)
        jx_fmt_trunc(x->rootbuf, sizeof x->rootbuf, "%s", local(el)), x->root = x->rootbuf;
    if (x->on_start) x->on_start(x, local(el), (const char **)atts);
    if (x->wb->err) xml_abort(x);
}

static void XMLCALL x_end(void *ud, const XML_Char *el)
{
    xctx *x = ud;
    x->depth--;
    if (x->wb->err) return;
    if (x->on_end) x->on_end(x, local(el));
    if (x->wb->err) xml_abort(x);
}

static void XMLCALL x_text(void *ud, const XML_Char *s, int len)
{
    xctx *x = ud;
    if (x->wb->err || !x->in_t || x->in_rph) return;
    if (!buf_add(&x->txt, &x->txtlen, &x->txtcap, s, (size_t)len, JX_WB_CELL_MAX)) {
        wfail(x->wb, x->txtlen + (size_t)len > JX_WB_CELL_MAX ? JX_ERR_LIMIT : JX_ERR_NOMEM,
              "%s: %s: a text longer than 1 MiB", x->wb->name, x->part);
        xml_abort(x);
    }
}

/* No DTDs in OOXML: refusing them rules out entity expansion (billion laughs) and external
 * entities. */
static void XMLCALL x_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                              const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    xctx *x = ud;
    wfail(x->wb, JX_ERR_FORMAT, "%s: part %s has a DOCTYPE, which no workbook has: refused",
          x->wb->name, x->part);
    xml_abort(x);
}

static XML_Parser new_parser(void *ud)
{
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p) return NULL;
    XML_SetUserData(p, ud);
    XML_SetStartDoctypeDeclHandler(p, x_doctype);
    return p;
}

/* The message for an expat failure: "a.xlsx: xl/workbook.xml:3:17: malformed XML (mismatched tag)".
 */
static jx_err xml_fail(jx_wb *wb, XML_Parser p, const char *where, const char *partname)
{
    return wfail(wb, JX_ERR_FORMAT,
                 "%s: %s:%lu:%lu: malformed XML (%s): the file is damaged or truncated; open it in "
                 "Excel and save it again",
                 where, partname, (unsigned long)XML_GetCurrentLineNumber(p),
                 (unsigned long)XML_GetCurrentColumnNumber(p) + 1,
                 XML_ErrorString(XML_GetErrorCode(p)));
}

static jx_err parse_part(jx_wb *wb, xctx *x, const char *name, uint64_t limit)
{
    part pr;
    jx_err e = part_open(wb, &pr, name, limit);
    if (e) return e;
    x->wb = wb;
    x->part = name;
    x->p = new_parser(x);
    if (!x->p) {
        part_close(&pr);
        return wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
    }
    XML_SetElementHandler(x->p, x_start, x_end);
    XML_SetCharacterDataHandler(x->p, x_text);
    for (;;) {
        void *buf = XML_GetBuffer(x->p, CHUNK);
        if (!buf) {
            e = wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
            break;
        }
        int64_t n = part_read(wb, &pr, buf, CHUNK);
        if (n < 0) {
            e = wb->err;
            break;
        }
        if (XML_ParseBuffer(x->p, (int)n, n == 0) != XML_STATUS_OK) {
            e = wb->err ? wb->err : xml_fail(wb, x->p, wb->name, name);
            break;
        }
        if (n == 0) break;
    }
    XML_ParserFree(x->p);
    x->p = NULL;
    part_close(&pr);
    return e;
}

static void xctx_free(xctx *x)
{
    for (size_t i = 0; i < x->nrels; i++)
        free(x->rels[i].id), free(x->rels[i].type), free(x->rels[i].target);
    free(x->rels);
    for (size_t i = 0; i < x->ncodes; i++)
        free(x->codes[i].code);
    free(x->codes);
    free(x->xfids);
    free(x->txt);
    for (size_t i = 0; i < x->nmg; i++)
        free(x->mg[i].val);
    free(x->mg);
}

/* ---- relationships ---- */

static void rels_start(xctx *x, const char *el, const char **atts)
{
    if (strcmp(el, "Relationship")) return;
    const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
    const char *mode = attr(atts, "TargetMode");
    if (!id || !type || !target || (mode && !strcmp(mode, "External"))) return;
    if (x->nrels > 100000) {
        wfail(x->wb, JX_ERR_LIMIT, "%s: %s: more than 100,000 relationships", x->wb->name, x->part);
        return;
    }
    if (!JX_GROW(x->rels, x->caprels, x->nrels + 1)) goto nomem;
    struct rel *r = &x->rels[x->nrels];
    r->id = strdup(id), r->type = strdup(type), r->target = strdup(target);
    x->nrels++;
    if (!r->id || !r->type || !r->target) goto nomem;
    return;
nomem:
    wfail(x->wb, JX_ERR_NOMEM, "%s: out of memory", x->wb->name);
}

/* The last path segment of a relationship type: ".../officeDocument" → "officeDocument". */
static const char *rel_kind(const char *type)
{
    const char *s = strrchr(type, '/');
    return s ? s + 1 : type;
}

/* Resolve a relationship target against the directory of the part that holds it. */
static char *resolve(const char *base_dir, const char *target)
{
    char path[1024];
    if (*target == '/')
        jx_fmt_trunc(path, sizeof path, "%s", target + 1);
    else
        jx_fmt_trunc(path, sizeof path, "%s%s", base_dir, target);
    /* fold "x/../" and "./" */
    char out[1024];
    size_t o = 0;
    for (const char *p = path; *p;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 1 && p[0] == '.') {
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (o > 0) o--;
            while (o > 0 && out[o - 1] != '/')
                o--;
        } else if (n > 0) {
            if (o + n + 1 >= sizeof out) break;
            memcpy(out + o, p, n);
            o += n;
            if (slash) out[o++] = '/';
        }
        p += n + (slash ? 1 : 0);
    }
    out[o] = '\0';
    return strdup(out);
}

/* ---- workbook, styles, shared strings ---- */

typedef struct wbsheet_raw {
    char *name, *rid;
    bool hidden;
} wbsheet_raw;

typedef struct wbctx {
    xctx x;
    wbsheet_raw *s;
    size_t ns, caps;
} wbctx;

static void wb_start(xctx *x, const char *el, const char **atts)
{
    wbctx *w = (wbctx *)x;
    if (!strcmp(el, "workbookPr")) {
        const char *d = attr(atts, "date1904");
        x->wb->date1904 = d && (!strcmp(d, "1") || !strcasecmp(d, "true"));
    } else if (!strcmp(el, "sheet")) {
        const char *name = attr(atts, "name"), *state = attr(atts, "state");
        const char *rid = NULL;
        for (size_t i = 0; atts[i]; i += 2) /* r:id: "id" with a namespace prefix */
            if (strchr(atts[i], ':') && !strcmp(local(atts[i]), "id")) rid = atts[i + 1];
        if (!name || !rid) {
            wfail(x->wb, JX_ERR_FORMAT,
                  "%s: %s: a sheet without a name or relationship id (damaged file)", x->wb->name,
                  x->part);
            return;
        }
        if (w->ns >= 65536) {
            wfail(x->wb, JX_ERR_LIMIT, "%s: more than 65,536 sheets", x->wb->name);
            return;
        }
        if (!JX_GROW(w->s, w->caps, w->ns + 1)) goto nomem;
        wbsheet_raw *s = &w->s[w->ns++];
        s->name = strdup(name), s->rid = strdup(rid);
        s->hidden = state && strcmp(state, "visible");
        if (!s->name || !s->rid) goto nomem;
    }
    return;
nomem:
    wfail(x->wb, JX_ERR_NOMEM, "%s: out of memory", x->wb->name);
}

static void styles_start(xctx *x, const char *el, const char **atts)
{
    if (!strcmp(el, "numFmts"))
        x->in_numfmts++;
    else if (!strcmp(el, "cellXfs"))
        x->in_cellxfs++;
    else if (x->in_numfmts && !strcmp(el, "numFmt")) {
        uint32_t id;
        const char *code = attr(atts, "formatCode");
        if (!parse_u32(attr(atts, "numFmtId"), &id) || !code) return;
        if (x->ncodes >= 65536) return;
        if (!JX_GROW(x->codes, x->capcodes, x->ncodes + 1)) goto nomem;
        x->codes[x->ncodes].id = id;
        x->codes[x->ncodes].code = strdup(code);
        if (!x->codes[x->ncodes++].code) goto nomem;
    } else if (x->in_cellxfs && !strcmp(el, "xf")) {
        uint32_t id = 0;
        const char *s = attr(atts, "numFmtId");
        if (s && !parse_u32(s, &id)) id = 0;
        if (x->nxfids >= 1000000) {
            wfail(x->wb, JX_ERR_LIMIT, "%s: %s: more than 1,000,000 cell formats", x->wb->name,
                  x->part);
            return;
        }
        if (!JX_GROW(x->xfids, x->capxfids, x->nxfids + 1)) goto nomem;
        x->xfids[x->nxfids++] = id;
    }
    return;
nomem:
    wfail(x->wb, JX_ERR_NOMEM, "%s: out of memory", x->wb->name);
}

static void styles_end(xctx *x, const char *el)
{
    if (!strcmp(el, "numFmts"))
        x->in_numfmts--;
    else if (!strcmp(el, "cellXfs"))
        x->in_cellxfs--;
}

static void sst_start(xctx *x, const char *el, const char **atts)
{
    (void)atts;
    if (!strcmp(el, "si")) {
        x->in_si = true;
        x->txtlen = 0;
        if (x->txt) x->txt[0] = '\0';
    } else if (x->in_si && !strcmp(el, "rPh")) {
        x->in_rph = true; /* phonetic guide (furigana): not part of the text */
    } else if (x->in_si && !strcmp(el, "t")) {
        x->in_t = true;
    }
}

static void sst_end(xctx *x, const char *el)
{
    jx_wb *wb = x->wb;
    if (!strcmp(el, "t")) {
        x->in_t = false;
    } else if (!strcmp(el, "rPh")) {
        x->in_rph = false;
    } else if (!strcmp(el, "si") && x->in_si) {
        x->in_si = false;
        size_t n = x->txt ? unescape_x(x->txt, x->txtlen) : 0;
        if (wb->nsst >= 32u << 20) {
            wfail(wb, JX_ERR_LIMIT, "%s: more than 33,554,432 shared strings", wb->name);
            return;
        }
        if (wb->sst_len + n + 1 > wb->lim.text_max) {
            char lim[32];
            wfail(wb, JX_ERR_LIMIT, "%s: the shared strings hold more than %s of text", wb->name,
                  size_text(lim, sizeof lim, wb->lim.text_max));
            return;
        }
        if (!JX_GROW(wb->sst_off, wb->sst_offcap, wb->nsst + 2) ||
            !buf_add(&wb->sst_text, &wb->sst_len, &wb->sst_cap, x->txt ? x->txt : "", n,
                     SIZE_MAX)) {
            wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
            return;
        }
        /* each string is NUL-terminated in sst_text, so it can be handed out as it is */
        if (!buf_add(&wb->sst_text, &wb->sst_len, &wb->sst_cap, "", 1, SIZE_MAX)) {
            wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
            return;
        }
        wb->nsst++;
        wb->sst_off[wb->nsst] = (uint32_t)wb->sst_len;
    }
}

static int code_cmp(const void *a, const void *b)
{
    const struct nfcode *x = a, *y = b;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static jx_err load_styles(jx_wb *wb, const char *partname)
{
    xctx x = {.on_start = styles_start, .on_end = styles_end};
    jx_err e = parse_part(wb, &x, partname, wb->lim.part_max);
    if (!e) {
        wb->xf = calloc(x.nxfids ? x.nxfids : 1, sizeof *wb->xf);
        if (!wb->xf) e = wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
    }
    /* custom codes sorted by id (a later definition of an id wins) for a binary search */
    for (size_t i = 0; i < x.ncodes; i++)
        x.codes[i].seq = i;
    if (x.ncodes) qsort(x.codes, x.ncodes, sizeof *x.codes, code_cmp);
    for (size_t i = 0; !e && i < x.nxfids; i++) {
        const char *code = NULL;
        size_t lo = 0, hi = x.ncodes;
        while (lo < hi) { /* the last entry with this id */
            size_t mid = lo + (hi - lo) / 2;
            if (x.codes[mid].id <= x.xfids[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > 0 && x.codes[lo - 1].id == x.xfids[i]) code = x.codes[lo - 1].code;
        if (code)
            jx_numfmt_parse(code, &wb->xf[i]);
        else
            jx_numfmt_builtin(x.xfids[i], &wb->xf[i]);
    }
    wb->nxf = e ? 0 : x.nxfids;
    wb->have_styles = !e;
    xctx_free(&x);
    return e;
}

static jx_err load_sst(jx_wb *wb, const char *partname)
{
    wb->sst_off = malloc(16 * sizeof *wb->sst_off);
    if (!wb->sst_off) return wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
    wb->sst_offcap = 16;
    wb->sst_off[0] = 0;
    xctx x = {.on_start = sst_start, .on_end = sst_end};
    jx_err e = parse_part(wb, &x, partname, wb->lim.sst_max);
    xctx_free(&x);
    wb->have_sst = !e;
    return e;
}

/* Does the OLE2 compound file at path name a stream called name (its directory holds the name in
 * UTF-16LE; the scan reads at most 256 MiB)? */
static bool ole_has_stream(const char *path, const char *name)
{
    char pat[64];
    size_t plen = 0;
    for (const char *c = name; *c && plen + 2 <= sizeof pat; c++)
        pat[plen++] = *c, pat[plen++] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    enum { BLK = 1 << 16 };
    char *buf = malloc(BLK + plen);
    bool found = false;
    size_t keep = 0, total = 0;
    while (buf && !found && total < (256u << 20)) {
        size_t n = fread(buf + keep, 1, BLK, f);
        if (n == 0) break;
        total += n;
        size_t have = keep + n;
        for (size_t i = 0; i + plen <= have && !found; i++)
            if (buf[i] == pat[0] && !memcmp(buf + i, pat, plen)) found = true;
        keep = have < plen ? have : plen - 1;
        memmove(buf, buf + have - keep, keep);
    }
    free(buf);
    fclose(f);
    return found;
}

/* An OLE2 compound file: say what it is and why it is not read. An .xls is refused whatever its
 * state (damaged, password-protected): its cells carry neither the number formats nor the merged
 * ranges a 自评表 is read by, so the answer is the same — save it as .xlsx, which Excel or
 * LibreOffice does and whose own messages say when the file is damaged or locked. */
static jx_err refuse_ole2(jx_wb *wb, const char *path)
{
    if (ole_has_stream(path, "EncryptedPackage"))
        return wfail(wb, JX_ERR_FORMAT,
                     "%s: the workbook is password-protected (encrypted): jixiao cannot read it; "
                     "in Excel remove the "
                     "password (File > Info > Protect Workbook > Encrypt with Password, clear it), "
                     "save, and import again",
                     wb->name);
    if (ole_has_stream(path, "Workbook") || ole_has_stream(path, "Book"))
        return wfail(wb, JX_ERR_FORMAT,
                     "%s: an Excel 97-2003 workbook (.xls): not read, because an .xls does not "
                     "keep what a 自评表 is read by (75%% would come back as 0.75, merged 一级指标 "
                     "would be lost); open it in Excel or LibreOffice, save it as .xlsx (Excel "
                     "Workbook) and import that",
                     wb->name);
    return wfail(wb, JX_ERR_FORMAT,
                 "%s: an OLE2 compound file that is not an Excel workbook (a Word or other Office "
                 "file, or a damaged one): save the table as .xlsx (Excel Workbook) or CSV and "
                 "import that",
                 wb->name);
}

static const char *zip_open_problem(int code)
{
    switch (code) {
    case ZIP_ER_NOZIP:
        return "not a complete zip file (truncated, or not an .xlsx)";
    case ZIP_ER_INCONS:
        return "the zip structure is inconsistent (damaged or truncated file)";
    case ZIP_ER_OPEN:
        return "cannot open the file";
    case ZIP_ER_READ:
        return "read error";
    case ZIP_ER_MEMORY:
        return "out of memory";
    default:
        return NULL;
    }
}

/* The file is a zip: open it. Anything else (an .xls, an encrypted .xlsx, other files) is
 * refused with what it is. */
static jx_err open_zip(jx_wb *wb, const char *path)
{
    unsigned char head[512];
    size_t nhead = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return wfail(wb, JX_ERR_IO, "%s: cannot open: %s", wb->name, strerror(errno));
    nhead = fread(head, 1, sizeof head, f);
    fclose(f);
    jx_wb_sniff_kind kind = jx_wb_sniff(head, nhead);
    if (kind == JX_WB_SNIFF_OLE2) return refuse_ole2(wb, path);
    if (kind != JX_WB_SNIFF_ZIP)
        return wfail(wb, JX_ERR_FORMAT, "%s: not a workbook (no zip or OLE2 signature)", wb->name);
    int zerr = 0;
    wb->za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (wb->za) return JX_OK;
    zip_error_t ze;
    zip_error_init_with_code(&ze, zerr);
    const char *why = zip_open_problem(zerr);
    jx_err e =
        wfail(wb,
              zerr == ZIP_ER_MEMORY                        ? JX_ERR_NOMEM
              : zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ ? JX_ERR_IO
                                                           : JX_ERR_FORMAT,
              "%s: %s (%s)", wb->name, why ? why : "cannot read the zip", zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return e;
}

/* The workbook's main part, named by the package relationships (rels), else the usual place,
 * into *wbpart (malloc'd). Other zip-based formats (.ods, .xlsb) say what they are. */
static jx_err main_part(jx_wb *wb, xctx *rels, char **wbpart)
{
    if (locate(wb, "mimetype") >= 0) {
        part pr;
        char m[128] = "";
        if (!part_open(wb, &pr, "mimetype", 4096)) {
            int64_t n = part_read(wb, &pr, m, sizeof m - 1);
            m[n > 0 ? n : 0] = '\0';
            part_close(&pr);
        }
        wb->err = JX_OK;
        if (strstr(m, "opendocument.spreadsheet"))
            return wfail(wb, JX_ERR_FORMAT,
                         "%s: an OpenDocument spreadsheet (.ods), not an .xlsx: save it as .xlsx "
                         "(Excel 2007-365) and import that",
                         wb->name);
    }
    jx_err e;
    if (locate(wb, "_rels/.rels") >= 0) {
        if ((e = parse_part(wb, rels, "_rels/.rels", wb->lim.part_max))) return e;
        for (size_t i = 0; i < rels->nrels && !*wbpart; i++)
            if (!strcmp(rel_kind(rels->rels[i].type), "officeDocument"))
                *wbpart = resolve("", rels->rels[i].target);
    }
    if (!*wbpart && locate(wb, "xl/workbook.xml") >= 0) *wbpart = strdup("xl/workbook.xml");
    if (!*wbpart)
        return wfail(wb, JX_ERR_FORMAT,
                     "%s: a zip file that is not an Excel workbook (no workbook part)", wb->name);
    size_t wl = strlen(*wbpart);
    if (wl > 4 && !strcasecmp(*wbpart + wl - 4, ".bin"))
        return wfail(wb, JX_ERR_FORMAT,
                     "%s: an Excel binary workbook (.xlsb): save it as .xlsx (Excel Workbook) and "
                     "import that",
                     wb->name);
    return JX_OK;
}

/* The workbook part's relationships (dir: the part's folder): its styles and shared strings,
 * loaded. */
static jx_err workbook_parts(jx_wb *wb, const char *dir, const char *wbpart, xctx *wrels)
{
    char rp[1024];
    size_t dirlen = strlen(dir);
    jx_fmt_trunc(rp, sizeof rp, "%s_rels/%s.rels", dir, wbpart + dirlen);
    jx_err e = parse_part(wb, wrels, rp, wb->lim.part_max);
    if (e) return e;
    char *styles = NULL, *sst = NULL;
    for (size_t i = 0; i < wrels->nrels; i++) {
        const char *k = rel_kind(wrels->rels[i].type);
        if (!strcmp(k, "styles") && !styles)
            styles = resolve(dir, wrels->rels[i].target);
        else if (!strcmp(k, "sharedStrings") && !sst)
            sst = resolve(dir, wrels->rels[i].target);
    }
    if (styles) e = load_styles(wb, styles);
    if (!e && sst) e = load_sst(wb, sst);
    free(styles);
    free(sst);
    return e;
}

/* The worksheets the workbook part lists (w), in workbook order, with their parts; chart and
 * dialog sheets are skipped. */
static jx_err list_sheets(jx_wb *wb, const wbctx *w, const xctx *wrels, const char *dir)
{
    wb->sh = calloc(w->ns ? w->ns : 1, sizeof *wb->sh);
    if (!wb->sh) return wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
    for (size_t i = 0; i < w->ns; i++) {
        const struct rel *r = NULL;
        for (size_t k = 0; k < wrels->nrels && !r; k++)
            if (!strcmp(wrels->rels[k].id, w->s[i].rid)) r = &wrels->rels[k];
        if (!r)
            return wfail(wb, JX_ERR_FORMAT,
                         "%s: sheet %s has no part (relationship %s is missing; damaged file)",
                         wb->name, w->s[i].name, w->s[i].rid);
        if (strcmp(rel_kind(r->type), "worksheet")) continue;
        wsheet *s = &wb->sh[wb->nsh];
        s->part = resolve(dir, r->target);
        s->name = strdup(w->s[i].name);
        s->hidden = w->s[i].hidden;
        wb->nsh++;
        if (!s->part || !s->name) return wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
    }
    return JX_OK;
}

/* Read the workbook: the zip, its main part, styles, shared strings, the list of sheets. */
static jx_err wb_read(jx_wb *wb, const char *path)
{
    wbctx w = {0};
    xctx rels = {.on_start = rels_start}, wrels = {.on_start = rels_start};
    char *wbpart = NULL;
    jx_err e = open_zip(wb, path);
    if (!e) e = main_part(wb, &rels, &wbpart);
    if (!e) {
        w.x.on_start = wb_start;
        e = parse_part(wb, &w.x, wbpart, wb->lim.part_max);
    }
    if (!e && (!w.x.root || strcmp(w.x.root, "workbook")))
        e = wfail(wb, JX_ERR_FORMAT,
                  "%s: not an Excel workbook (its main part %s is a %s document)", wb->name, wbpart,
                  w.x.root ? w.x.root : "empty");
    if (!e) {
        const char *slash = strrchr(wbpart, '/');
        char dir[512];
        jx_fmt_trunc(dir, sizeof dir, "%.*s", slash ? (int)(slash - wbpart + 1) : 0, wbpart);
        e = workbook_parts(wb, dir, wbpart, &wrels);
        if (!e) e = list_sheets(wb, &w, &wrels, dir);
    }
    for (size_t i = 0; i < w.ns; i++)
        free(w.s[i].name), free(w.s[i].rid);
    free(w.s);
    xctx_free(&w.x);
    xctx_free(&rels);
    xctx_free(&wrels);
    free(wbpart);
    return e;
}

jx_err jx_wb_open(const char *path, const char *name, const jx_wb_limits *lim, jx_wb **out,
                  jx_errmsg *msg)
{
    if (out) *out = NULL;
    if (!path || !out) return jx_msg(msg, JX_ERR_INVALID, "jx_wb_open: NULL argument");
    jx_wb *wb = calloc(1, sizeof *wb);
    if (!wb) return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    wb->cur = NO_SHEET;
    wb->name = strdup(name ? name : path);
    if (!wb->name) {
        free(wb);
        return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    }
    wb->lim.part_max = lim && lim->part_max ? lim->part_max : 64u << 20;
    wb->lim.sst_max = lim && lim->sst_max ? lim->sst_max : 1ull << 30;
    wb->lim.sheet_max = lim && lim->sheet_max ? lim->sheet_max : 2ull << 30;
    wb->lim.text_max = lim && lim->text_max ? lim->text_max : 256u << 20;
    if (wb->lim.text_max > UINT32_MAX) wb->lim.text_max = UINT32_MAX; /* 32-bit offsets */
    jx_err e = wb_read(wb, path);
    if (e) {
        jx_msg(msg, e, "%s", wb->msg);
        jx_wb_close(wb);
        return e;
    }
    *out = wb;
    return JX_OK;
}

static void sheet_end(jx_wb *wb)
{
    if (wb->xp) XML_ParserFree(wb->xp);
    wb->xp = NULL;
    part_close(&wb->pr);
    for (size_t i = 0; i < wb->nmg; i++)
        free(wb->mg[i].val);
    free(wb->mg);
    wb->mg = NULL;
    wb->nmg = wb->mg_next = wb->nact = 0;
    wb->cur = NO_SHEET;
}

void jx_wb_close(jx_wb *wb)
{
    if (!wb) return;
    sheet_end(wb);
    for (size_t i = 0; i < wb->nsh; i++)
        free(wb->sh[i].name), free(wb->sh[i].part);
    free(wb->sh);
    free(wb->xf);
    free(wb->sst_text);
    free(wb->sst_off);
    free(wb->act);
    free(wb->rb);
    free(wb->cr);
    free(wb->stamp);
    free(wb->set);
    free(wb->fields);
    free(wb->cv);
    if (wb->za) zip_discard(wb->za);
    free(wb->name);
    free(wb);
}

size_t jx_wb_sheet_count(const jx_wb *wb)
{
    return wb ? wb->nsh : 0;
}

const char *jx_wb_sheet_name(const jx_wb *wb, size_t i)
{
    return wb && i < wb->nsh ? wb->sh[i].name : NULL;
}

bool jx_wb_sheet_hidden(const jx_wb *wb, size_t i)
{
    return wb && i < wb->nsh && wb->sh[i].hidden;
}

const char *jx_wb_errmsg(const jx_wb *wb)
{
    return wb ? wb->msg : "";
}

/* ---- a worksheet ---- */

/* "a.xlsx:自评表" into buf. */
static const char *sheet_where(jx_wb *wb, char *buf, size_t cap)
{
    char ref[300];
    jx_wb_sheet_ref(wb->cur < wb->nsh ? wb->sh[wb->cur].name : "?", ref, sizeof ref);
    jx_fmt_trunc(buf, cap, "%s:%s", wb->name, ref);
    return buf;
}

/* "a.xlsx:自评表!C7" for the cell being read into buf. */
static const char *cell_where(jx_wb *wb, uint32_t col, uint32_t row, char *buf, size_t cap)
{
    char ref[300], cell[24];
    jx_wb_sheet_ref(wb->cur < wb->nsh ? wb->sh[wb->cur].name : "?", ref, sizeof ref);
    jx_wb_cell_name(col, row, cell, sizeof cell);
    jx_fmt_trunc(buf, cap, "%s:%s!%s", wb->name, ref, cell);
    return buf;
}

/* First pass: pick the <mergeCells> element out of the inflated sheet and parse only that. */
static void mg_start(xctx *x, const char *el, const char **atts)
{
    if (!strcmp(el, "mergeCells")) {
        x->in_merges = true;
        return;
    }
    if (!x->in_merges || strcmp(el, "mergeCell")) return;
    jx_wb *wb = x->wb;
    const char *ref = attr(atts, "ref");
    char where[600];
    if (!ref) return;
    const char *colon = strchr(ref, ':');
    char a[32], b[32];
    if (!colon || (size_t)(colon - ref) >= sizeof a || strlen(colon + 1) >= sizeof b) goto bad;
    memcpy(a, ref, (size_t)(colon - ref));
    a[colon - ref] = '\0';
    strcpy(b, colon + 1);
    uint32_t c1, r1, c2, r2;
    if (!parse_ref(a, &c1, &r1) || !parse_ref(b, &c2, &r2) || r1 == 0 || r2 == 0) goto bad;
    if (c1 > c2 || r1 > r2) goto bad;
    if (c2 >= JX_WB_MAX_COLS || r2 > JX_WB_MAX_ROWS) {
        wfail(wb, JX_ERR_FORMAT, "%s: merged range %s reaches past the sheet's end (XFD1048576)",
              sheet_where(wb, where, sizeof where), ref);
        return;
    }
    if (r2 == r1) return; /* within one row: nothing to give to other rows */
    if (x->nmg >= 4000000) {
        wfail(wb, JX_ERR_LIMIT, "%s: more than 4,000,000 merged ranges",
              sheet_where(wb, where, sizeof where));
        return;
    }
    if (!JX_GROW(x->mg, x->capmg, x->nmg + 1)) {
        wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
        return;
    }
    x->mg[x->nmg++] = (merge){.r1 = r1, .r2 = r2, .c1 = c1, .c2 = c2};
    return;
bad:
    wfail(wb, JX_ERR_FORMAT, "%s: merged range \"%.40s\" is not a range of cells (damaged file)",
          sheet_where(wb, where, sizeof where), ref);
}

static void mg_end(xctx *x, const char *el)
{
    if (!strcmp(el, "mergeCells")) {
        x->in_merges = false;
        xml_abort(x); /* done: the rest of the sheet is not needed */
    }
}

static int merge_cmp(const void *a, const void *b)
{
    const merge *x = a, *y = b;
    return x->r1 < y->r1 ? -1 : x->r1 > y->r1 ? 1 : x->c1 < y->c1 ? -1 : x->c1 > y->c1;
}

/* Is this the start of a mergeCells start tag: "<mergeCells" or "<x:mergeCells"? */
static bool merge_tag_at(const char *buf, size_t pos, size_t *lt)
{
    size_t i = pos;
    if (i > 0 && buf[i - 1] == '<') {
        *lt = i - 1;
        return true;
    }
    if (i == 0 || buf[i - 1] != ':') return false;
    i--;
    size_t k = 0;
    while (i > 0 && k < 32) {
        char c = buf[i - 1];
        if (c == '<') {
            *lt = i - 1;
            return k > 0;
        }
        if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9') && c != '_' &&
            c != '-' && c != '.')
            return false;
        i--, k++;
    }
    return false;
}

static jx_err read_merges(jx_wb *wb, const char *partname)
{
    part pr;
    jx_err e = part_open(wb, &pr, partname, wb->lim.sheet_max);
    if (e) return e;
    static const char tag[] = "mergeCells";
    const size_t tl = sizeof tag - 1, keep = 64;
    char *buf = malloc(CHUNK + keep);
    xctx x = {.on_start = mg_start, .on_end = mg_end};
    bool feeding = false, found = false;
    size_t have = 0;
    if (!buf) {
        part_close(&pr);
        return wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
    }
    for (;;) {
        int64_t n = part_read(wb, &pr, buf + have, CHUNK);
        if (n < 0) {
            e = wb->err;
            break;
        }
        if (feeding) {
            if (n == 0)
                break; /* the document ended inside <mergeCells>: the second pass reports it */
            if (XML_Parse(x.p, buf, (int)n, 0) != XML_STATUS_OK) break;
            continue;
        }
        size_t total = have + (size_t)n;
        size_t from = 0;
        for (const char *q = buf; !found && (q = memmem(q, total - (size_t)(q - buf), tag, tl));
             q++) {
            size_t lt;
            if (merge_tag_at(buf, (size_t)(q - buf), &lt)) {
                found = true;
                from = lt;
            }
        }
        if (found) {
            x.wb = wb;
            x.part = partname;
            x.p = new_parser(&x);
            if (!x.p) {
                e = wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
                break;
            }
            XML_SetElementHandler(x.p, x_start, x_end);
            feeding = true;
            if (XML_Parse(x.p, buf + from, (int)(total - from), 0) != XML_STATUS_OK) break;
            have = 0;
            continue;
        }
        if (n == 0) break;
        /* keep the tail: a tag may straddle two blocks */
        size_t k = total < keep ? total : keep;
        memmove(buf, buf + total - k, k);
        have = k;
    }
    /* an abort after </mergeCells> is the normal end; a real XML error is reported by the row pass
     */
    if (x.p) XML_ParserFree(x.p);
    free(buf);
    part_close(&pr);
    if (!e && wb->err) e = wb->err;
    if (!e && x.nmg) {
        qsort(x.mg, x.nmg, sizeof *x.mg, merge_cmp);
        wb->mg = x.mg;
        wb->nmg = x.nmg;
        x.mg = NULL;
        x.nmg = 0;
    }
    xctx_free(&x);
    return e;
}

/* Row pass handlers. */

static bool row_set(jx_wb *wb, uint32_t col, const char *s, size_t n)
{
    if (!n) return true;
    if (!JX_GROW(wb->cr, wb->capcr, wb->ncr + 1)) return false;
    wb->cr[wb->ncr++] = (cellrec){.col = col, .off = wb->rblen, .len = n};
    /* each cell is NUL-terminated in rb, so it can be handed out as it is */
    return buf_add(&wb->rb, &wb->rblen, &wb->rbcap, s, n, JX_WB_ROW_MAX) &&
           buf_add(&wb->rb, &wb->rblen, &wb->rbcap, "", 1, JX_WB_ROW_MAX + 1);
}

/* Make fields[0..n) exist; new entries are "". */
static bool fields_room(jx_wb *wb, size_t n)
{
    size_t old = wb->capf;
    if (!JX_GROW(wb->fields, wb->capf, n)) return false;
    for (size_t i = old; i < wb->capf; i++)
        wb->fields[i] = (jx_csv_field){"", 0};
    return true;
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void stop(jx_wb *wb)
{
    XML_StopParser(wb->xp, XML_FALSE);
}

/* The text of the cell just read, as Excel shows it, into the row. */
static void cell_done(jx_wb *wb)
{
    char where[600], num[96];
    const char *out = "";
    size_t n = 0;
    if (wb->ccol < wb->capstamp && wb->stamp[wb->ccol] == wb->row_num) {
        wfail(wb, JX_ERR_FORMAT, "%s: the cell appears twice in its row (damaged file)",
              cell_where(wb, wb->ccol, wb->row_num, where, sizeof where));
        return;
    }
    size_t oldcap = wb->capstamp;
    if (!JX_GROW(wb->stamp, wb->capstamp, (size_t)wb->ccol + 1)) {
        wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
        return;
    }
    memset(wb->stamp + oldcap, 0, (wb->capstamp - oldcap) * sizeof *wb->stamp);
    wb->stamp[wb->ccol] = wb->row_num;
    const jx_numfmt *fmt = NULL;
    jx_numfmt general;
    if (wb->cstyle < wb->nxf) {
        fmt = &wb->xf[wb->cstyle];
    } else if (wb->cstyle == 0) {
        jx_numfmt_builtin(0, &general);
        fmt = &general;
    } else {
        wfail(wb, JX_ERR_FORMAT,
              "%s: the cell's style %u does not exist (the workbook has %zu; damaged file)",
              cell_where(wb, wb->ccol, wb->row_num, where, sizeof where), wb->cstyle, wb->nxf);
        return;
    }
    char *v = wb->cv ? wb->cv : (char *)"";
    size_t vlen = wb->cvlen;
    if (!wb->has_v) {
        /* no value: an empty (perhaps formatted) cell, or a formula never calculated */
    } else if (wb->ctype == CT_S) {
        uint32_t idx;
        /* the index may carry spaces around it */
        while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\n' || v[vlen - 1] == '\r' ||
                        v[vlen - 1] == '\t'))
            v[--vlen] = '\0';
        while (*v == ' ' || *v == '\n' || *v == '\r' || *v == '\t')
            v++, vlen--;
        if (!parse_u32(v, &idx)) {
            wfail(wb, JX_ERR_FORMAT, "%s: \"%.20s\" is not a shared string number (damaged file)",
                  cell_where(wb, wb->ccol, wb->row_num, where, sizeof where), v);
            return;
        }
        if (!wb->have_sst) {
            wfail(wb, JX_ERR_FORMAT,
                  "%s: the cell refers to shared string %u, but the workbook has no shared strings "
                  "part (damaged file)",
                  cell_where(wb, wb->ccol, wb->row_num, where, sizeof where), idx);
            return;
        }
        if (idx >= wb->nsst) {
            wfail(wb, JX_ERR_FORMAT,
                  "%s: shared string %u does not exist (the workbook has %zu; damaged file)",
                  cell_where(wb, wb->ccol, wb->row_num, where, sizeof where), idx, wb->nsst);
            return;
        }
        out = wb->sst_text + wb->sst_off[idx];
        n = wb->sst_off[idx + 1] - wb->sst_off[idx] - 1;
    } else if (wb->ctype == CT_INLINE || wb->ctype == CT_STR || wb->ctype == CT_E) {
        n = unescape_x(v, vlen);
        out = v;
    } else if (wb->ctype == CT_B) {
        out = (!strcmp(v, "1") || !strcasecmp(v, "true")) ? "TRUE" : "FALSE";
        n = strlen(out);
    } else if (wb->ctype == CT_D) {
        /* ISO 8601: 2024-06-30T00:00:00 → 2024-06-30; a time of day is kept */
        jx_fmt_trunc(num, sizeof num, "%.*s", (int)(vlen < 40 ? vlen : 40), v);
        char *t = strchr(num, 'T');
        if (t) {
            if (!strncmp(t + 1, "00:00:00", 8))
                *t = '\0';
            else
                *t = ' ';
        }
        out = num;
        n = strlen(num);
    } else {
        char *end;
        errno = 0;
        while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\n' || v[vlen - 1] == '\r' ||
                        v[vlen - 1] == '\t'))
            v[--vlen] = '\0';
        while (*v == ' ' || *v == '\n' || *v == '\r' || *v == '\t')
            v++, vlen--;
        double d = vlen ? strtod(v, &end) : 0;
        if (!vlen) {
            n = 0;
        } else if (*end || errno == ERANGE) {
            wfail(wb, JX_ERR_FORMAT,
                  "%s: \"%.40s\" in a number cell is not a number (damaged file)",
                  cell_where(wb, wb->ccol, wb->row_num, where, sizeof where), v);
            return;
        } else {
            n = jx_numfmt_show(fmt, d, wb->date1904, num, sizeof num);
            out = num;
        }
    }
    /* trailing text is trimmed by the importer; keep the cell as it is */
    if (!row_set(wb, wb->ccol, out, n))
        wfail(wb, wb->rblen + n > JX_WB_ROW_MAX ? JX_ERR_LIMIT : JX_ERR_NOMEM, "%s: %s",
              cell_where(wb, wb->ccol, wb->row_num, where, sizeof where),
              wb->rblen + n > JX_WB_ROW_MAX ? "the row holds more than 16 MiB of text"
                                            : "out of memory");
}

/* End of a row: give merged values to the rows they cover, build the fields, suspend. */
static void row_done(jx_wb *wb)
{
    uint32_t r = wb->row_num;
    /* merges that ended above this row are done (their values went out with earlier rows) */
    size_t k = 0;
    for (size_t i = 0; i < wb->nact; i++) {
        merge *m = &wb->mg[wb->act[i]];
        if (m->r2 >= r)
            wb->act[k++] = wb->act[i];
        else
            free(m->val), m->val = NULL;
    }
    wb->nact = k;
    /* merges that start at or before this row join the active list */
    while (wb->mg_next < wb->nmg && wb->mg[wb->mg_next].r1 <= r) {
        if (!JX_GROW(wb->act, wb->capact, wb->nact + 1)) goto nomem;
        merge *m = &wb->mg[wb->mg_next];
        if (m->r1 == r) { /* its top-left value: this row's cell */
            const cellrec *c = NULL;
            for (size_t i = 0; i < wb->ncr && !c; i++)
                if (wb->cr[i].col == m->c1) c = &wb->cr[i];
            m->val = strndup(c ? wb->rb + c->off : "", c ? c->len : 0);
            if (!m->val) goto nomem;
        }
        if (wb->nact >= 1024) {
            char where[600];
            wfail(wb, JX_ERR_LIMIT, "%s: more than 1,024 merged ranges span row %u",
                  sheet_where(wb, where, sizeof where), r);
            return;
        }
        wb->act[wb->nact++] = wb->mg_next++;
    }
    wb->prev_row = r;
    /* a row with nothing of its own is blank, even inside a merged range */
    if (!wb->ncr) return;
    size_t width = 0;
    for (size_t i = 0; i < wb->ncr; i++)
        if (wb->cr[i].col >= width) width = wb->cr[i].col + 1;
    for (size_t i = 0; i < wb->nact; i++) {
        const merge *m = &wb->mg[wb->act[i]];
        if (m->r1 < r && m->val && *m->val && m->c1 >= width) width = m->c1 + 1;
    }
    if (!fields_room(wb, width) || !JX_GROW(wb->set, wb->capset, wb->ncr + wb->nact)) goto nomem;
    bool sorted = true;
    for (size_t i = 0; i < wb->ncr; i++) {
        const cellrec *c = &wb->cr[i];
        wb->fields[c->col] = (jx_csv_field){wb->rb + c->off, c->len};
        if (wb->nset && wb->set[wb->nset - 1] > c->col) sorted = false;
        wb->set[wb->nset++] = c->col;
    }
    /* merged ranges give their value to the first column of the rows below their first */
    for (size_t i = 0; i < wb->nact; i++) {
        const merge *m = &wb->mg[wb->act[i]];
        if (m->r1 < r && m->val && *m->val && !wb->fields[m->c1].len) {
            wb->fields[m->c1] = (jx_csv_field){m->val, strlen(m->val)};
            if (wb->nset && wb->set[wb->nset - 1] > m->c1) sorted = false;
            wb->set[wb->nset++] = m->c1;
        }
    }
    if (!sorted) qsort(wb->set, wb->nset, sizeof *wb->set, u32_cmp);
    wb->nfields = width;
    XML_StopParser(wb->xp, XML_TRUE);
    return;
nomem:
    wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
}

/* Forget the row handed out: its fields go back to "". */
static void row_reset(jx_wb *wb)
{
    for (size_t i = 0; i < wb->nset; i++)
        wb->fields[wb->set[i]] = (jx_csv_field){"", 0};
    wb->nset = 0;
    wb->rblen = 0;
    wb->ncr = 0;
    wb->nfields = 0;
}

static void XMLCALL s_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    jx_wb *wb = ud;
    if (wb->err) return;
    const char *el = local(name);
    char where[600];
    if (++wb->depth > XML_DEPTH_MAX) {
        deep_fail(wb, wb->xp, sheet_where(wb, where, sizeof where), wb->sh[wb->cur].part);
        goto fail;
    }
    if (wb->in_cell) {
        if (!strcmp(el, "v"))
            wb->in_v = true, wb->has_v = true, wb->cvlen = 0;
        else if (!strcmp(el, "is"))
            wb->in_is = true, wb->has_v = true, wb->cvlen = 0;
        else if (wb->in_is && !strcmp(el, "rPh"))
            wb->in_rph = true;
        else if (wb->in_is && !strcmp(el, "t"))
            wb->in_t = true;
        return;
    }
    if (!strcmp(el, "row")) {
        const char *rs = attr((const char **)atts, "r");
        uint32_t r;
        if (rs) {
            if (!parse_u32(rs, &r) || r == 0) {
                wfail(wb, JX_ERR_FORMAT, "%s: row number \"%.20s\" is not a number (damaged file)",
                      sheet_where(wb, where, sizeof where), rs);
                goto fail;
            }
        } else {
            r = wb->prev_row + 1;
        }
        if (r > JX_WB_MAX_ROWS) {
            wfail(wb, JX_ERR_FORMAT,
                  "%s: row %u is past the sheet's last row (1048576; damaged file)",
                  sheet_where(wb, where, sizeof where), r);
            goto fail;
        }
        if (r <= wb->prev_row) {
            wfail(wb, JX_ERR_FORMAT,
                  "%s: row %u comes after row %u: rows out of order (damaged file)",
                  sheet_where(wb, where, sizeof where), r, wb->prev_row);
            goto fail;
        }
        row_reset(wb);
        wb->row_num = r;
        wb->prev_row = r; /* also for a row that turns out blank */
        wb->next_col = 0;
        wb->in_row = true;
    } else if (!strcmp(el, "c")) {
        if (!wb->in_row) {
            wfail(wb, JX_ERR_FORMAT, "%s: a cell outside any row (damaged file)",
                  sheet_where(wb, where, sizeof where));
            goto fail;
        }
        const char *rs = attr((const char **)atts, "r"), *t = attr((const char **)atts, "t"),
                   *s = attr((const char **)atts, "s");
        uint32_t col = wb->next_col, row = wb->row_num;
        if (rs) {
            if (!parse_ref(rs, &col, &row)) {
                wfail(wb, JX_ERR_FORMAT, "%s: \"%.20s\" is not a cell reference (damaged file)",
                      sheet_where(wb, where, sizeof where), rs);
                goto fail;
            }
            if (col >= JX_WB_MAX_COLS) {
                wfail(wb, JX_ERR_FORMAT,
                      "%s: cell %.20s is past the sheet's last column (XFD; damaged file)",
                      sheet_where(wb, where, sizeof where), rs);
                goto fail;
            }
            if (row != wb->row_num) {
                wfail(wb, JX_ERR_FORMAT, "%s: cell %.20s is inside row %u (damaged file)",
                      sheet_where(wb, where, sizeof where), rs, wb->row_num);
                goto fail;
            }
        } else if (col >= JX_WB_MAX_COLS) {
            wfail(wb, JX_ERR_FORMAT,
                  "%s: row %u has cells past the sheet's last column (XFD; damaged file)",
                  sheet_where(wb, where, sizeof where), row);
            goto fail;
        }
        wb->ccol = col;
        wb->ctype = !t || !strcmp(t, "n")     ? CT_N
                    : !strcmp(t, "s")         ? CT_S
                    : !strcmp(t, "str")       ? CT_STR
                    : !strcmp(t, "inlineStr") ? CT_INLINE
                    : !strcmp(t, "b")         ? CT_B
                    : !strcmp(t, "e")         ? CT_E
                    : !strcmp(t, "d")         ? CT_D
                                              : -1;
        if (wb->ctype < 0) {
            wfail(wb, JX_ERR_FORMAT, "%s: unknown cell type \"%.20s\" (damaged file)",
                  cell_where(wb, col, row, where, sizeof where), t);
            goto fail;
        }
        wb->cstyle = 0;
        if (s && !parse_u32(s, &wb->cstyle)) {
            wfail(wb, JX_ERR_FORMAT, "%s: style \"%.20s\" is not a number (damaged file)",
                  cell_where(wb, col, row, where, sizeof where), s);
            goto fail;
        }
        wb->in_cell = true;
        wb->has_v = wb->in_v = wb->in_is = wb->in_t = wb->in_rph = false;
        wb->cvlen = 0;
        if (wb->cv) wb->cv[0] = '\0';
    }
    return;
fail:
    stop(wb);
}

static void XMLCALL s_end(void *ud, const XML_Char *name)
{
    jx_wb *wb = ud;
    wb->depth--;
    if (wb->err) return;
    const char *el = local(name);
    if (wb->in_cell) {
        if (!strcmp(el, "c")) {
            wb->in_cell = false;
            cell_done(wb);
            wb->next_col = wb->ccol + 1;
        } else if (!strcmp(el, "v"))
            wb->in_v = false;
        else if (!strcmp(el, "is"))
            wb->in_is = false;
        else if (!strcmp(el, "rPh"))
            wb->in_rph = false;
        else if (!strcmp(el, "t"))
            wb->in_t = false;
    } else if (!strcmp(el, "row")) {
        wb->in_row = false;
        row_done(wb);
    } else if (!strcmp(el, "sheetData")) {
        wb->sheet_done = true;
        stop(wb); /* what follows (merged ranges, print settings) was read already or is not needed
                   */
    }
    if (wb->err) stop(wb);
}

static void XMLCALL s_text(void *ud, const XML_Char *s, int len)
{
    jx_wb *wb = ud;
    if (wb->err || !wb->in_cell || !(wb->in_v || (wb->in_t && !wb->in_rph))) return;
    if (!buf_add(&wb->cv, &wb->cvlen, &wb->cvcap, s, (size_t)len, JX_WB_CELL_MAX)) {
        char where[600];
        if (wb->cvlen + (size_t)len > JX_WB_CELL_MAX)
            wfail(wb, JX_ERR_LIMIT, "%s: the cell holds more than 1 MiB of text",
                  cell_where(wb, wb->ccol, wb->row_num, where, sizeof where));
        else
            wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
        stop(wb);
    }
}

static void XMLCALL s_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                              const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    jx_wb *wb = ud;
    char where[600];
    wfail(wb, JX_ERR_FORMAT, "%s: the sheet has a DOCTYPE, which no workbook has: refused",
          sheet_where(wb, where, sizeof where));
    stop(wb);
}

jx_err jx_wb_sheet_begin(jx_wb *wb, size_t i)
{
    if (!wb) return JX_ERR_INVALID;
    if (wb->err) return wb->err;
    sheet_end(wb);
    if (i >= wb->nsh) return wfail(wb, JX_ERR_INVALID, "%s: no sheet %zu", wb->name, i);
    wb->cur = i;
    wb->xp_final = wb->xp_suspended = wb->sheet_done = false;
    wb->in_row = wb->in_cell = false;
    wb->depth = 0;
    wb->prev_row = 0;
    row_reset(wb);
    if (wb->stamp)
        memset(wb->stamp, 0, wb->capstamp * sizeof *wb->stamp); /* rows count from 1 again */
    jx_err e = read_merges(wb, wb->sh[i].part);
    if (e) return e;
    if ((e = part_open(wb, &wb->pr, wb->sh[i].part, wb->lim.sheet_max))) return e;
    wb->xp = XML_ParserCreate("UTF-8");
    if (!wb->xp) return wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
    XML_SetUserData(wb->xp, wb);
    XML_SetElementHandler(wb->xp, s_start, s_end);
    XML_SetCharacterDataHandler(wb->xp, s_text);
    XML_SetStartDoctypeDeclHandler(wb->xp, s_doctype);
    return JX_OK;
}

jx_err jx_wb_next_row(jx_wb *wb, jx_wb_row *row, bool *eof)
{
    if (eof) *eof = false;
    if (row) memset(row, 0, sizeof *row);
    if (!wb || !row) return JX_ERR_INVALID;
    if (wb->err) return wb->err;
    if (wb->cur == NO_SHEET || !wb->xp)
        return wfail(wb, JX_ERR_INVALID, "%s: no sheet is being read", wb->name);
    char where[600];
    for (;;) {
        if (wb->sheet_done) {
            if (eof) *eof = true;
            return JX_OK;
        }
        enum XML_Status st;
        if (wb->xp_suspended) {
            wb->xp_suspended = false;
            row_reset(wb);
            st = XML_ResumeParser(wb->xp);
        } else if (wb->xp_final) {
            /* the XML ended cleanly without </sheetData>: treat as the end */
            wb->sheet_done = true;
            continue;
        } else {
            void *buf = XML_GetBuffer(wb->xp, CHUNK);
            if (!buf) return wfail(wb, JX_ERR_NOMEM, "%s: out of memory", wb->name);
            int64_t n = part_read(wb, &wb->pr, buf, CHUNK);
            if (n < 0) return wb->err;
            wb->xp_final = n == 0;
            st = XML_ParseBuffer(wb->xp, (int)n, wb->xp_final);
        }
        if (wb->err) return wb->err;
        if (st == XML_STATUS_SUSPENDED) {
            wb->xp_suspended = true;
            row->cells = wb->fields;
            row->ncells = wb->nfields;
            row->set = wb->set;
            row->nset = wb->nset;
            row->row = wb->row_num;
            return JX_OK;
        }
        if (st == XML_STATUS_ERROR) {
            if (wb->sheet_done) continue; /* stopped at </sheetData> */
            return xml_fail(wb, wb->xp, sheet_where(wb, where, sizeof where), wb->sh[wb->cur].part);
        }
    }
}
