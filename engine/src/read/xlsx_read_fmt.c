/*
 * xlsx_read_fmt.c - Excel number formats, read the way a person reads the cell.
 *
 * A workbook stores numbers; the format decides what the cell shows. An import
 * must see what the person saw and typed, so that a value means the same as in
 * CSV: 0.75 in a percent cell is 75%, a date serial in a date cell is that date,
 * a year typed into a cell formatted "yyyy" is the year. The number of decimals
 * shown is not applied: 16 shown as 16.00 is 16, and 75.5% shown as 76% is 75.5%
 * (the cell holds what was typed; the rounding is only on screen). Literal text
 * after the number is kept because it carries the unit (0"件", #,##0"元":
 * 2856000元 against a target in 万元 must be converted, not read as 万元).
 * Currency signs and other decoration before the number are dropped.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "read/xlsx_read_int.h"
#include "util/util_int.h"

size_t jx_num_general(double v, char *buf, size_t cap)
{
    int n;
    double a = fabs(v);
    if (!isfinite(v)) {
        n = snprintf(buf, cap, "%s", isnan(v) ? "#NUM!" : "#NUM!");
    } else if (a < 1e15 && v == floor(v)) {
        /* integers, the most common cell: by hand, printf's float path is slow */
        char tmp[24];
        size_t k = 0;
        uint64_t u = (uint64_t)a;
        do
            tmp[k++] = (char)('0' + u % 10), u /= 10;
        while (u);
        n = 0;
        if (v < 0 && (size_t)n + 1 < cap) buf[n++] = '-';
        while (k && (size_t)n + 1 < cap)
            buf[n++] = tmp[--k];
        buf[n] = '\0';
    } else if (a >= 1e15 || a < 1e-9) {
        n = snprintf(buf, cap, "%.15g", v);
    } else {
        /* 15 significant digits in fixed notation, trailing zeros dropped */
        int mag = (int)floor(log10(a));
        int dec = 14 - mag;
        if (dec < 0) dec = 0;
        if (dec > 24) dec = 24;
        n = snprintf(buf, cap, "%.*f", dec, v);
        if (n > 0 && (size_t)n < cap && strchr(buf, '.')) {
            while (n > 0 && buf[n - 1] == '0')
                buf[--n] = '\0';
            if (n > 0 && buf[n - 1] == '.') buf[--n] = '\0';
        }
        if (!strcmp(buf, "-0")) n = snprintf(buf, cap, "0");
    }
    if (n < 0) n = 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

/* ---- classifying a format code ---- */

/* Append literal text (UTF-8) to the suffix being collected. */
static void lit(char *acc, size_t cap, const char *s, size_t n)
{
    size_t have = strlen(acc);
    if (have + n + 1 > cap) return; /* a long literal is decoration, not a unit */
    memcpy(acc + have, s, n);
    acc[have + n] = '\0';
}

/* Trim ASCII spaces at both ends of s in place. */
static void trim(char *s)
{
    size_t n = strlen(s), b = 0;
    while (b < n && s[b] == ' ')
        b++;
    while (n > b && s[n - 1] == ' ')
        n--;
    memmove(s, s + b, n - b);
    s[n - b] = '\0';
}

/* What jx_numfmt_parse() has seen so far of a format's first section. */
typedef struct nf_scan {
    char pending[sizeof((jx_numfmt *)0)->suffix]; /* literals since the last digit placeholder */
    bool seen_digit, in_frac, percent, text;
    char last_tok; /* last date/time letter class seen: 'y','M','d','h','m','s' */
    int int_zeros;
    bool pending_m; /* 'm' is a minute after h or before s: decided when the next letter arrives */
} nf_scan;

/* The parts below take a token at p: the bytes they took, 0 when it is not theirs, NF_STOP when
 * the code ends there. */
#define NF_STOP ((size_t)-1)

/* Text shown as it is: "…" and \x are kept (they carry units), as are CJK characters written
 * without quotes; _x (a space as wide as x) and *x (fill with x) are not. */
static size_t nf_literal(const char *p, nf_scan *sc)
{
    unsigned char c = (unsigned char)*p;
    if (c == '"') {
        const char *q = strchr(p + 1, '"');
        size_t n = q ? (size_t)(q - p - 1) : strlen(p + 1);
        lit(sc->pending, sizeof sc->pending, p + 1, n);
        return n + 1 + (q ? 1 : 0);
    }
    if (c == '\\' || c >= 0x80) {
        const char *s = c == '\\' ? p + 1 : p;
        if (!*s) return NF_STOP;
        int k = jx_utf8_check(s, strlen(s)); /* a whole character; a bad byte alone */
        size_t n = k > 0 ? (size_t)k : 1;
        lit(sc->pending, sizeof sc->pending, s, n);
        return (size_t)(s - p) + n;
    }
    if (c == '_' || c == '*') return p[1] ? 2 : 1;
    return 0;
}

/* [h] [mm] [ss]: elapsed time; [Red], [$¥-804], [>100], [DBNum1]: decoration. */
static size_t nf_bracket(const char *p, jx_numfmt *f)
{
    const char *q = strchr(p, ']');
    if (!q) return NF_STOP;
    size_t n = (size_t)(q - p - 1);
    char t = n ? (char)(p[1] | 0x20) : 0;
    bool all_same = n > 0;
    for (size_t i = 1; i <= n; i++)
        if ((p[i] | 0x20) != t) all_same = false;
    if (all_same && (t == 'h' || t == 'm' || t == 's')) {
        f->kind = JX_NF_DATE;
        if (t == 'h')
            f->h = f->elapsed = true;
        else if (t == 'm')
            f->mi = true;
        else
            f->s = true;
    }
    return n + 2;
}

/* General (a number as it is), AM/PM and A/P. */
static size_t nf_word(const char *p, nf_scan *sc)
{
    if (!strncasecmp(p, "General", 7)) {
        sc->seen_digit = true;
        sc->pending[0] = '\0';
        return 7;
    }
    if (!strncasecmp(p, "AM/PM", 5) || !strncasecmp(p, "A/P", 3)) return p[1] == '/' ? 3 : 5;
    return 0;
}

/* A run of one date or time letter (yyyy, mm, dd, h, ss; e and b: era years), or the E of an
 * exponent after digits. */
static size_t nf_date(const char *p, jx_numfmt *f, nf_scan *sc)
{
    char lc = (char)(*p | 0x20);
    if (!(lc == 'y' || lc == 'd' || lc == 'h' || lc == 's' || lc == 'm' || lc == 'e' || lc == 'b'))
        return 0;
    if (lc == 'e' && sc->seen_digit) /* 0.00E+00: an exponent */
        return (p[1] == '+' || p[1] == '-') ? 2 : 1;
    f->kind = JX_NF_DATE;
    char cls = lc == 'e' || lc == 'b' ? 'y' : lc;
    if (sc->pending_m) { /* the previous m run: minute when followed by s */
        if (cls == 's')
            f->mi = true;
        else
            f->mo = true;
        sc->pending_m = false;
    }
    if (cls == 'm') {
        if (sc->last_tok == 'h')
            f->mi = true;
        else
            sc->pending_m = true;
    } else if (cls == 'y')
        f->y = true;
    else if (cls == 'd')
        f->d = true;
    else if (cls == 'h')
        f->h = true;
    else if (cls == 's')
        f->s = true;
    sc->last_tok = cls;
    const char *q = p;
    while ((q[0] | 0x20) == lc)
        q++; /* the whole run: yyyy, mm, dd */
    if (lc == 'b' && (*q == '1' || *q == '2')) q++;
    return (size_t)(q - p);
}

/* Digit placeholders, the decimal point, % and @; other characters ($ - + / ( ) : ! ^ & ' ~
 * { } < > = space ,) show as themselves, and some of them are kept as literal text. */
static size_t nf_number(const char *p, nf_scan *sc)
{
    unsigned char c = (unsigned char)*p;
    if (c == '0' || c == '#' || c == '?') {
        if (!sc->in_frac && c == '0') sc->int_zeros++;
        sc->seen_digit = true;
        sc->pending[0] = '\0';
        return 1;
    }
    if (c == '.') {
        sc->in_frac = true;
        return 1;
    }
    if (c == '%') sc->percent = true;
    if (c == '@') sc->text = true;
    if (c != ',' && c != '%' && c != '@' && c != ' ' && c != '(' && c != ')' && c != '$' &&
        c != '-' && c != '+')
        lit(sc->pending, sizeof sc->pending, p, 1);
    return 1;
}

void jx_numfmt_parse(const char *code, jx_numfmt *f)
{
    memset(f, 0, sizeof *f);
    f->kind = JX_NF_NUMBER;
    if (!code) return;
    /* the first section (positive numbers) decides; a section ends at an unquoted ';' */
    nf_scan sc = {.pending = ""};
    for (const char *p = code; *p && *p != ';';) {
        size_t k = nf_literal(p, &sc);
        if (!k && *p == '[') k = nf_bracket(p, f);
        if (!k) k = nf_word(p, &sc);
        if (!k) k = nf_date(p, f, &sc);
        if (!k) k = nf_number(p, &sc);
        if (k == NF_STOP) break;
        p += k;
    }
    if (sc.pending_m) f->mo = true;
    if (f->kind == JX_NF_DATE) return;
    if (sc.percent)
        f->kind = JX_NF_PERCENT;
    else if (sc.text && !sc.seen_digit)
        f->kind = JX_NF_TEXT;
    if (f->kind == JX_NF_NUMBER && sc.seen_digit) {
        trim(sc.pending);
        memcpy(f->suffix, sc.pending, sizeof f->suffix);
        f->min_int = (uint8_t)(sc.int_zeros > 20 ? 20 : sc.int_zeros);
    }
}

void jx_numfmt_builtin(unsigned id, jx_numfmt *f)
{
    /* ECMA-376 18.8.30 and the zh-CN meanings of the locale-dependent ids (27-36, 50-58) */
    static const char *const codes[] = {
        [0] = "General",
        [1] = "0",
        [2] = "0.00",
        [3] = "#,##0",
        [4] = "#,##0.00",
        [5] = "$#,##0;($#,##0)",
        [6] = "$#,##0;[Red]($#,##0)",
        [7] = "$#,##0.00;($#,##0.00)",
        [8] = "$#,##0.00;[Red]($#,##0.00)",
        [9] = "0%",
        [10] = "0.00%",
        [11] = "0.00E+00",
        [12] = "# ?/?",
        [13] = "# ?\?/?\?",
        [14] = "yyyy/m/d",
        [15] = "d-mmm-yy",
        [16] = "d-mmm",
        [17] = "mmm-yy",
        [18] = "h:mm AM/PM",
        [19] = "h:mm:ss AM/PM",
        [20] = "h:mm",
        [21] = "h:mm:ss",
        [22] = "yyyy/m/d h:mm",
        [27] = "yyyy\"年\"m\"月\"",
        [28] = "m\"月\"d\"日\"",
        [29] = "m\"月\"d\"日\"",
        [30] = "m-d-yy",
        [31] = "yyyy\"年\"m\"月\"d\"日\"",
        [32] = "h\"时\"mm\"分\"",
        [33] = "h\"时\"mm\"分\"ss\"秒\"",
        [34] = "上午/下午h\"时\"mm\"分\"",
        [35] = "上午/下午h\"时\"mm\"分\"ss\"秒\"",
        [36] = "yyyy\"年\"m\"月\"",
        [37] = "#,##0 ;(#,##0)",
        [38] = "#,##0 ;[Red](#,##0)",
        [39] = "#,##0.00;(#,##0.00)",
        [40] = "#,##0.00;[Red](#,##0.00)",
        [45] = "mm:ss",
        [46] = "[h]:mm:ss",
        [47] = "mmss.0",
        [48] = "##0.0E+0",
        [49] = "@",
        [50] = "yyyy\"年\"m\"月\"",
        [51] = "m\"月\"d\"日\"",
        [52] = "yyyy\"年\"m\"月\"",
        [53] = "m\"月\"d\"日\"",
        [54] = "m\"月\"d\"日\"",
        [55] = "h\"时\"mm\"分\"",
        [56] = "h\"时\"mm\"分\"ss\"秒\"",
        [57] = "yyyy\"年\"m\"月\"",
        [58] = "m\"月\"d\"日\"",
    };
    const char *code = id < sizeof codes / sizeof codes[0] ? codes[id] : NULL;
    jx_numfmt_parse(code ? code : "General", f);
    if (id == 34 || id == 35) { /* 上午/下午 is a literal there, not a unit */
        f->suffix[0] = '\0';
    }
}

/* ---- showing a number ---- */

/* Days since 1970-01-01 → civil date (H. Hinnant's algorithm). */
static void civil(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

static size_t show_date(const jx_numfmt *f, double v, bool date1904, char *buf, size_t cap)
{
    /* Excel shows ##### for dates before its epoch or after 9999-12-31: keep the number */
    if (!isfinite(v) || v < 0 || v >= 2958466.0) return jx_num_general(v, buf, cap);
    /* to the nearest second, as Excel rounds */
    double secs_total = floor(v * 86400.0 + 0.5);
    int64_t days = (int64_t)floor(secs_total / 86400.0);
    int64_t secs = (int64_t)secs_total - days * 86400;
    int y;
    unsigned mo, d;
    if (date1904) {
        civil(days + (-24107), &y, &mo, &d); /* 1904-01-01 is day -24107 since 1970 */
    } else if (days == 60) {
        y = 1900, mo = 2, d = 29; /* Lotus's leap day that never was; Excel shows it */
    } else if (days == 0) {
        y = 1900, mo = 1, d = 0; /* Excel shows 1900-01-00 */
    } else {
        /* serial 1 is 1900-01-01; after the phantom 1900-02-29 the count is off by one */
        civil(days - (days > 60 ? 25569 : 25568), &y, &mo, &d);
    }
    bool date = f->y || f->mo || f->d;
    bool time = f->h || f->mi || f->s;
    if (!date && !time) date = true;
    if (f->elapsed && !date) { /* a duration: [h]:mm:ss of 1.5 is 36:00:00 */
        int64_t h = (int64_t)secs_total / 3600, mi = (int64_t)secs_total / 60 % 60,
                s = (int64_t)secs_total % 60;
        int k = f->s ? snprintf(buf, cap, "%lld:%02lld:%02lld", (long long)h, (long long)mi,
                                (long long)s)
                     : snprintf(buf, cap, "%lld:%02lld", (long long)h, (long long)mi);
        if (k < 0) k = 0;
        return (size_t)k < cap ? (size_t)k : cap - 1;
    }
    int n = 0;
    if (date) {
        if (f->y && f->mo && !f->d)
            n = snprintf(buf, cap, "%d年%u月", y, mo);
        else if (f->y && !f->mo && !f->d)
            n = snprintf(buf, cap, "%d", y);
        else if (!f->y && f->mo && f->d)
            n = snprintf(buf, cap, "%u月%u日", mo, d);
        else
            n = snprintf(buf, cap, "%04d-%02u-%02u", y, mo, d);
    }
    if (time && n >= 0 && (size_t)n < cap) {
        int h = (int)(secs / 3600), mi = (int)(secs / 60 % 60), s = (int)(secs % 60);
        int k =
            f->s ? snprintf(buf + n, cap - (size_t)n, "%s%02d:%02d:%02d", date ? " " : "", h, mi, s)
                 : snprintf(buf + n, cap - (size_t)n, "%s%02d:%02d", date ? " " : "", h, mi);
        if (k > 0) n += k;
    }
    if (n < 0) n = 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t jx_numfmt_show(const jx_numfmt *f, double v, bool date1904, char *buf, size_t cap)
{
    switch (f->kind) {
    case JX_NF_DATE:
        return show_date(f, v, date1904, buf, cap);
    case JX_NF_PERCENT: {
        size_t n = jx_num_general(v * 100.0, buf, cap - 1);
        buf[n++] = '%';
        buf[n] = '\0';
        return n;
    }
    case JX_NF_TEXT:
        return jx_num_general(v, buf, cap);
    default:
        break;
    }
    size_t n = jx_num_general(v, buf, cap);
    /* zero padding of integers: 135 in a "000000" cell shows (and is) 000135 */
    if (f->min_int > 0 && v >= 0 && v == floor(v) && n < f->min_int && f->min_int < cap) {
        size_t pad = f->min_int - n;
        memmove(buf + pad, buf, n + 1);
        memset(buf, '0', pad);
        n += pad;
    }
    if (f->suffix[0] && isfinite(v)) {
        size_t k = strlen(f->suffix);
        if (n + k < cap) {
            memcpy(buf + n, f->suffix, k + 1);
            n += k;
        }
    }
    return n;
}
