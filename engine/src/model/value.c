/*
 * value.c - the indicator value grammar: one target or actual string (指标值 /
 * 实际完成值) to a typed jx_value.
 *
 * Real target tables write the same idea in many ways: `≧15场次`, `90%以上`,
 * `≤0.2 百分 率` (a unit broken by text extraction), `万分之十以上`, `每季度`,
 * `优良差`, `2020年底前`, `无直接经济效益`, `**平米`. Parsing runs in two steps:
 *
 *   1. normalise: check the UTF-8, drop all white space, fold full-width ASCII
 *      (U+FF01..FF5E) to ASCII and drop one trailing full stop;
 *   2. classify the normalised text, first match wins: n/a word, placeholder,
 *      grade or scale, frequency, deadline, number; anything else is a word.
 *
 * The grammar with examples and every decision is in docs/value-grammar.md.
 *
 * The module is pure: no allocation, no global or static mutable state, no
 * locale-dependent calls while parsing, and it never reads past the given
 * length. Only the fixed lookup tables below live at file scope.
 */
#include "jixiao/value.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jixiao/text.h"
#include "util/util_int.h"

/* Capacity of the normalised copy of the input. Longer text can only be a
 * word (every other kind is short), so it is parsed as a truncated prefix. */
#define NORM_MAX 1024
/* Maximum characters of a unit written after a number (`案件数`, `次/年`). */
#define UNIT_CHARS_MAX 6
/* Maximum significant digits of a number: the mantissa stays exact in uint64. */
#define DIGITS_MAX 18

/* ------------------------------------------------------------------------ */
/* Small byte-string helpers. All texts here are (pointer, length) pairs.   */

/* The vocabulary tables are scanned entry by entry: reject on the first byte
 * before measuring the literal (most entries differ there). */
static bool has_prefix(const char *s, size_t n, const char *lit)
{
    if (!lit[0]) return true;
    if (!n || s[0] != lit[0]) return false;
    size_t k = strlen(lit);
    return k <= n && memcmp(s, lit, k) == 0;
}

static bool has_suffix(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return k <= n && memcmp(s + n - k, lit, k) == 0;
}

static bool is_lit(const char *s, size_t n, const char *lit)
{
    if (n && s[0] != lit[0]) return false;
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static bool is_digit(char c)
{
    /* not isdigit(): that one follows the locale */
    return c >= '0' && c <= '9';
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool is_lit_nocase(const char *s, size_t n, const char *lit)
{
    if (strlen(lit) != n) return false;
    for (size_t i = 0; i < n; i++)
        if (ascii_lower(s[i]) != ascii_lower(lit[i])) return false;
    return true;
}

/* Bytes of s to quote in a message: at most QUOTE_MAX, cut at a character
 * boundary, so a long text leaves room for what is wrong with it. */
#define QUOTE_MAX 200
static int qlen(const char *s, size_t n)
{
    return (int)jx_utf8_clip(s, n, QUOTE_MAX);
}

/* Decode one character of text already known to be valid UTF-8. */
static size_t next_cp(const char *s, size_t n, uint32_t *cp)
{
    size_t k = jx_utf8_decode(s, n, cp);
    if (k == 0) { /* cannot happen on normalised text; step one byte to stay safe */
        *cp = 0xFFFD;
        k = n ? 1 : 0;
    }
    return k;
}

/* ------------------------------------------------------------------------ */
/* Step 1: normalisation.                                                   */

typedef struct norm {
    char s[NORM_MAX]; /* normalised text, NUL-terminated */
    size_t n;         /* its length */
    bool overflow;    /* the input did not fit: s holds a prefix, cut at a character */
} norm;

static bool is_space_cp(uint32_t cp)
{
    switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000: /* ideographic space, common in Chinese tables */
    case 0x200B:
    case 0xFEFF: /* zero-width space and BOM: invisible extraction noise */
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

/* Tell a sequence cut off by the end of the input from a wrong one, so the
 * message can say "truncated" (a buffer cut mid-character) or "invalid". */
static bool utf8_truncated(const char *s, size_t n)
{
    return jx_utf8_check(s, n) == JX_UTF8_CUT; /* a character's valid beginning at the end */
}

static jx_err normalise(const char *text, size_t len, norm *t, jx_errmsg *msg)
{
    t->n = 0;
    t->overflow = false;
    t->s[0] = '\0';
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = jx_utf8_decode(text + i, len - i, &cp);
        if (k == 0)
            return jx_msg(msg, JX_ERR_PARSE, "%s UTF-8 at byte %zu (after \"%.*s\")",
                          utf8_truncated(text + i, len - i) ? "truncated" : "invalid", i, (int)t->n,
                          t->s);
        if (cp == 0)
            return jx_msg(msg, JX_ERR_PARSE, "NUL byte at byte %zu (after \"%.*s\")", i, (int)t->n,
                          t->s);
        if (is_space_cp(cp)) {
            i += k;
            continue;
        }
        if (cp < 0x20 || cp == 0x7F)
            return jx_msg(msg, JX_ERR_PARSE,
                          "control character 0x%02X at byte %zu (after \"%.*s\")", (unsigned)cp, i,
                          (int)t->n, t->s);
        char one;
        const char *src = text + i;
        size_t w = k;
        if (cp >= 0xFF01 && cp <= 0xFF5E) { /* full-width ASCII: ０-９ ％ ＞＝ Ａ-Ｚ ... */
            one = (char)(cp - 0xFEE0);
            src = &one;
            w = 1;
        } else if (cp == 0x2212 || cp == 0xFE63) { /* minus sign, small hyphen-minus */
            one = '-';
            src = &one;
            w = 1;
        } else if (cp == 0xFE6A) { /* small percent sign */
            one = '%';
            src = &one;
            w = 1;
        } else if (cp == 0x2550 || cp == 0xFE66 || cp == 0xFE64 || cp == 0xFE65) {
            /* look-alikes office software writes for an operator: ═ (box drawing) and the
             * small forms ﹦ ﹤ ﹥ */
            one = cp == 0xFE64 ? '<' : cp == 0xFE65 ? '>' : '=';
            src = &one;
            w = 1;
        }
        /* keep a contiguous prefix: once something did not fit, add nothing more */
        if (!t->overflow && t->n + w < NORM_MAX) {
            memcpy(t->s + t->n, src, w);
            t->n += w;
        } else {
            t->overflow = true;
        }
        i += k;
    }
    /* a cell sometimes ends with a sentence's full stop: `健全。` */
    if (!t->overflow && t->n > 0) {
        if (has_suffix(t->s, t->n, "。"))
            t->n -= strlen("。");
        else if (t->s[t->n - 1] == '.')
            t->n -= 1;
    }
    t->s[t->n] = '\0';
    return JX_OK;
}

/* ------------------------------------------------------------------------ */
/* Operators.                                                               */

typedef struct op_word {
    const char *text;
    jx_op op;
    bool symbol; /* a symbol must be followed by a number; a word need not be */
} op_word;

/* Operators written before the number. Longest match wins (大于等于 over 大于). */
static const op_word lead_ops[] = {
    {">=", JX_OP_GE, true},          {"≥", JX_OP_GE, true},           {"≧", JX_OP_GE, true},
    {"⩾", JX_OP_GE, true},           {"≮", JX_OP_GE, true},           {"<=", JX_OP_LE, true},
    {"≤", JX_OP_LE, true},           {"≦", JX_OP_LE, true},           {"⩽", JX_OP_LE, true},
    {"≯", JX_OP_LE, true},           {">", JX_OP_GT, true},           {"<", JX_OP_LT, true},
    {"=", JX_OP_EQ, true},           {"≥=", JX_OP_GE, true},          {"≧=", JX_OP_GE, true},
    {"≤=", JX_OP_LE, true},          {"≦=", JX_OP_LE, true},          {"大于等于", JX_OP_GE, false},
    {"大于或等于", JX_OP_GE, false}, {"不低于", JX_OP_GE, false},     {"不少于", JX_OP_GE, false},
    {"不小于", JX_OP_GE, false},     {"至少", JX_OP_GE, false},       {"达到", JX_OP_GE, false},
    {"小于等于", JX_OP_LE, false},   {"小于或等于", JX_OP_LE, false}, {"不高于", JX_OP_LE, false},
    {"不超过", JX_OP_LE, false},     {"不多于", JX_OP_LE, false},     {"不大于", JX_OP_LE, false},
    {"控制在", JX_OP_LE, false},     {"大于", JX_OP_GT, false},       {"高于", JX_OP_GT, false},
    {"超过", JX_OP_GT, false},       {"小于", JX_OP_LT, false},       {"低于", JX_OP_LT, false},
    {"少于", JX_OP_LT, false},       {"等于", JX_OP_EQ, false},
};

/* Operators written after the number and unit. */
static const op_word tail_ops[] = {
    {"及以上", JX_OP_GE, false}, {"或以上", JX_OP_GE, false}, {"以上", JX_OP_GE, false},
    {"及以下", JX_OP_LE, false}, {"或以下", JX_OP_LE, false}, {"以下", JX_OP_LE, false},
    {"以内", JX_OP_LE, false},   {"之内", JX_OP_LE, false},
};

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* Longest operator that starts s; NULL when none. */
static const op_word *match_lead_op(const char *s, size_t n)
{
    const op_word *best = NULL;
    for (size_t i = 0; i < COUNT(lead_ops); i++)
        if (has_prefix(s, n, lead_ops[i].text) &&
            (!best || strlen(lead_ops[i].text) > strlen(best->text)))
            best = &lead_ops[i];
    return best;
}

/* Longest operator that ends s; NULL when none. */
static const op_word *match_tail_op(const char *s, size_t n)
{
    const op_word *best = NULL;
    for (size_t i = 0; i < COUNT(tail_ops); i++)
        if (has_suffix(s, n, tail_ops[i].text) &&
            (!best || strlen(tail_ops[i].text) > strlen(best->text)))
            best = &tail_ops[i];
    return best;
}

/* Words written after a number that say nothing about the operator: `95%（含）以上` (the bound
 * is included, as 以上 already says), `100%完成`. Stripped only from a committed number (ASCII
 * digits or a symbol operator), so `十项完成` stays a sentence. */
static const char *const tail_noise[] = {"(含)", "(含本数)", "完成"};

static size_t match_tail_noise(const char *s, size_t n)
{
    for (size_t i = 0; i < COUNT(tail_noise); i++)
        if (has_suffix(s, n, tail_noise[i])) return strlen(tail_noise[i]);
    return 0;
}

/* Each operator as ASCII (`>=`, the JSON and text output) and as the sign clerks write (`≥`). */
static const struct {
    const char *ascii, *sign;
} op_names[] = {
    [JX_OP_NONE] = {"", ""},  [JX_OP_GE] = {">=", "≥"}, [JX_OP_GT] = {">", ">"},
    [JX_OP_LE] = {"<=", "≤"}, [JX_OP_LT] = {"<", "<"},  [JX_OP_EQ] = {"=", "="},
};

const char *jx_op_str(jx_op op)
{
    return (unsigned)op < COUNT(op_names) ? op_names[op].ascii : "";
}

const char *jx_op_sign(jx_op op)
{
    return (unsigned)op < COUNT(op_names) ? op_names[op].sign : "";
}

const char *jx_kind_str(jx_kind kind)
{
    switch (kind) {
    case JX_KIND_NA:
        return "na";
    case JX_KIND_NUMBER:
        return "number";
    case JX_KIND_GRADE:
        return "grade";
    case JX_KIND_WORD:
        return "word";
    case JX_KIND_FREQUENCY:
        return "frequency";
    case JX_KIND_DEADLINE:
        return "deadline";
    }
    return "na";
}

/* ------------------------------------------------------------------------ */
/* n/a and placeholders.                                                    */

static const char *const na_words[] = {
    "无", "—", "——", "―", "–", "-", "--", "/", "不适用", "不涉及", "无直接经济效益",
};

static bool is_na_word(const char *s, size_t n)
{
    for (size_t i = 0; i < COUNT(na_words); i++)
        if (is_lit(s, n, na_words[i])) return true;
    return is_lit_nocase(s, n, "N/A") || is_lit_nocase(s, n, "NA");
}

/* `**平米`, `≥**%`, `XX件`, `×××`: a template cell nobody filled in. A `*` is
 * never part of a real value; X needs two in a row so a lone letter in a
 * unit does not count. */
static bool is_placeholder(const char *s, size_t n)
{
    int run = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = next_cp(s + i, n - i, &cp);
        if (cp == '*') return true;
        run = (cp == 'X' || cp == 'x' || cp == 0xD7 /* × */) ? run + 1 : 0;
        if (run >= 2) return true;
        i += k;
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* Statements of completion: actuals that say "done" without a number.      */

static const char *const statement_words[] = {
    "完成",         "已完成",       "全部完成",     "已全部完成",   "全面完成",     "已全面完成",
    "按期完成",     "已按期完成",   "按时完成",     "已按时完成",   "如期完成",     "已如期完成",
    "圆满完成",     "顺利完成",     "完成目标",     "已完成目标",   "完成预期目标", "完成年度目标",
    "完成年度任务", "达成预期指标", "达成预期目标", "达到预期指标", "达到预期目标", "达成预期",
    "达到预期",     "达成目标",     "达到目标",     "已达成",       "已达到",       "达标",
    "已达标",
};

bool jx_value_is_statement(const jx_value *v)
{
    if (!v || v->kind != JX_KIND_WORD || v->truncated) return false;
    size_t n = strlen(v->text);
    for (size_t i = 0; i < COUNT(statement_words); i++)
        if (is_lit(v->text, n, statement_words[i])) return true;
    return false;
}

/* ------------------------------------------------------------------------ */
/* Grades and scales.                                                       */

typedef struct grade_word {
    const char *text;
    const char *grade; /* normalised grade */
    const char *scale; /* the usual scale of the grade */
} grade_word;

static const grade_word grade_words[] = {
    {"优", "优", "优良中差"},
    {"优秀", "优", "优良中差"},
    {"良", "良", "优良中差"},
    {"良好", "良", "优良中差"},
    {"中", "中", "优良中差"},
    {"差", "差", "优良中差"},
    {"好", "好", "好较好一般差"},
    {"较好", "较好", "好较好一般差"},
    {"一般", "一般", "好较好一般差"},
    {"坏", "坏", "好坏"},
    {"是", "是", "是否"},
    {"否", "否", "是否"},
};

/* Scales written as a target mean their top grade. */
static const grade_word scale_words[] = {
    {"优良中差", "优", "优良中差"},         {"优良差", "优", "优良差"}, {"好坏", "好", "好坏"},
    {"好较好一般差", "好", "好较好一般差"}, {"是否", "是", "是否"},
};

static bool is_scale_sep(uint32_t cp)
{
    /* after folding, ／ ，｜ ； are ASCII already */
    return cp == '/' || cp == 0x3001 /* 、 */ || cp == ',' || cp == '|' || cp == ';' || cp == '\\';
}

static bool parse_grade(const char *s, size_t n, jx_value *v)
{
    for (size_t i = 0; i < COUNT(grade_words); i++) {
        if (is_lit(s, n, grade_words[i].text)) {
            v->kind = JX_KIND_GRADE;
            jx_copy_clip(v->grade, sizeof v->grade, grade_words[i].grade,
                         strlen(grade_words[i].grade));
            jx_copy_clip(v->scale, sizeof v->scale, grade_words[i].scale,
                         strlen(grade_words[i].scale));
            return true;
        }
    }
    /* a scale may be written with separators: `优/良/差`, `优、良、中、差` */
    char bare[64];
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = next_cp(s + i, n - i, &cp);
        if (!is_scale_sep(cp)) {
            if (m + k >= sizeof bare) return false; /* too long to be a scale */
            memcpy(bare + m, s + i, k);
            m += k;
        }
        i += k;
    }
    for (size_t i = 0; i < COUNT(scale_words); i++) {
        if (is_lit(bare, m, scale_words[i].text)) {
            v->kind = JX_KIND_GRADE;
            jx_copy_clip(v->grade, sizeof v->grade, scale_words[i].grade,
                         strlen(scale_words[i].grade));
            jx_copy_clip(v->scale, sizeof v->scale, scale_words[i].scale,
                         strlen(scale_words[i].scale));
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* Numbers: ASCII and Chinese numerals.                                     */

/* Outcome of reading a number: how far it got, or why it failed. */
typedef struct num_read {
    size_t len; /* bytes consumed; 0 when no number starts here */
    double val;
    const char *error; /* non-NULL: the digits are malformed (an error, not a word) */
} num_read;

/* ASCII number: [-+]digits[,ddd...][.digits] or [-+].digits. Thousands separators must be
 * full groups of three so `1,2` or `12,34` (typos, or two values) fail loudly. */
static num_read read_ascii_num(const char *s, size_t n)
{
    num_read r = {0, 0.0, NULL};
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) {
        neg = s[i] == '-';
        i++;
    }
    /* `.5` is 0.5; a sign or a point alone is no number */
    bool lead_point = i + 1 < n && s[i] == '.' && is_digit(s[i + 1]);
    if (i >= n || (!is_digit(s[i]) && !lead_point)) return r;
    uint64_t mant = 0;
    int sig = 0;      /* significant digits in mant */
    int scale = 0;    /* digits after the decimal point */
    size_t group = 0; /* digits in the current group (for separators) */
    bool seps = false;
    for (; i < n; i++) {
        if (is_digit(s[i])) {
            group++;
        } else if (s[i] == ',') {
            /* a separator needs 1-3 digits before (3 after the first one) and exactly 3 after */
            if ((seps && group != 3) || group > 3) {
                r.error = "bad thousands separator";
                return r;
            }
            size_t g = 0;
            while (i + 1 + g < n && is_digit(s[i + 1 + g]))
                g++;
            if (g != 3) {
                r.error = "bad thousands separator";
                return r;
            }
            seps = true;
            group = 0;
            continue;
        } else {
            break;
        }
        if (mant != 0 || s[i] != '0') sig++;
        if (sig > DIGITS_MAX) {
            r.error = "too many digits";
            return r;
        }
        mant = mant * 10 + (uint64_t)(s[i] - '0');
    }
    if (seps && group != 3) {
        r.error = "bad thousands separator";
        return r;
    }
    if (i + 1 < n && s[i] == '.' && is_digit(s[i + 1])) {
        for (i++; i < n && is_digit(s[i]); i++) {
            if (mant != 0 || s[i] != '0') sig++;
            scale++;
            if (sig > DIGITS_MAX || scale > DIGITS_MAX) {
                r.error = "too many digits";
                return r;
            }
            mant = mant * 10 + (uint64_t)(s[i] - '0');
        }
    }
    /* mant and 10^scale are both exact doubles for the usual short numbers, so
     * one division gives the correctly rounded value (0.2 is 2/10) */
    double p = 1.0;
    for (int k = 0; k < scale; k++)
        p *= 10.0;
    r.val = (double)mant / p;
    if (neg) r.val = -r.val;
    r.len = i;
    return r;
}

static int cn_digit(uint32_t cp)
{
    switch (cp) {
    case 0x96F6:
    case 0x3007:
        return 0; /* 零 〇 */
    case 0x4E00:
        return 1; /* 一 */
    case 0x4E8C:
    case 0x4E24:
        return 2; /* 二 两 */
    case 0x4E09:
        return 3; /* 三 */
    case 0x56DB:
        return 4; /* 四 */
    case 0x4E94:
        return 5; /* 五 */
    case 0x516D:
        return 6; /* 六 */
    case 0x4E03:
        return 7; /* 七 */
    case 0x516B:
        return 8; /* 八 */
    case 0x4E5D:
        return 9; /* 九 */
    default:
        return -1;
    }
}

static uint64_t cn_unit(uint32_t cp)
{
    switch (cp) {
    case 0x5341:
        return 10; /* 十 */
    case 0x767E:
        return 100; /* 百 */
    case 0x5343:
        return 1000; /* 千 */
    case 0x4E07:
        return 10000; /* 万 */
    case 0x4EBF:
        return 100000000; /* 亿 */
    default:
        return 0;
    }
}

/* Chinese numeral: 十 二十五 一百零五 两千 三万 一万二千 (up to 亿). Reads the
 * longest well-formed prefix; `十四五` reads 十四 and leaves 五. Colloquial
 * `一百五` (150), `两千五` (2500) follow everyday usage. */
static num_read read_cn_num(const char *s, size_t n)
{
    num_read r = {0, 0.0, NULL};
    uint64_t yi = 0, wan = 0, sec = 0; /* 亿 part, 万 part, current section (< 10000) */
    int pending = -1;                  /* digit not yet multiplied by a unit */
    uint64_t small = 10000;            /* last 十/百/千 of this section: must decrease */
    uint64_t last = 0;                 /* last unit applied, for 一百五 */
    bool zero = false, wan_done = false, yi_done = false;
    size_t i = 0, end = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = next_cp(s + i, n - i, &cp);
        int d = cn_digit(cp);
        uint64_t u = cn_unit(cp);
        if (d >= 0) {
            if (pending > 0) break; /* two digits in a row: 十四五 stops before 五 */
            pending = d;
            if (d == 0) zero = true;
        } else if (u >= 10 && u <= 1000) {
            uint64_t p;
            if (u >= small) break;
            if (pending > 0)
                p = (uint64_t)pending;
            else if (pending < 0 && sec == 0 && u == 10)
                p = 1; /* 十五 = 15 */
            else
                break;
            sec += p * u;
            small = last = u;
            pending = -1;
            zero = false;
        } else if (u == 10000) {
            uint64_t cur = sec + (pending > 0 ? (uint64_t)pending : 0);
            if (wan_done || cur == 0) break;
            wan = cur;
            sec = 0;
            small = 10000;
            last = u;
            pending = -1;
            zero = false;
            wan_done = true;
        } else if (u == 100000000) {
            uint64_t cur = wan * 10000 + sec + (pending > 0 ? (uint64_t)pending : 0);
            if (yi_done || cur == 0) break;
            yi = cur;
            wan = sec = 0;
            small = 10000;
            last = u;
            pending = -1;
            zero = false;
            wan_done = false;
            yi_done = true;
        } else {
            break;
        }
        i += k;
        end = i;
    }
    if (end == 0) return r;
    uint64_t tail = 0;
    if (pending > 0)
        tail = (!zero && last >= 100) ? (uint64_t)pending * (last / 10) : (uint64_t)pending;
    r.val = (double)yi * 1e8 + (double)wan * 1e4 + (double)sec + (double)tail;
    r.len = end;
    return r;
}

/* ------------------------------------------------------------------------ */
/* Units.                                                                   */

/* Length of a run of percent spellings at the start of s: `%`, `百分率`,
 * `百分比`, in any combination (`%百分率` is one unit written twice). */
static size_t pct_run(const char *s, size_t n)
{
    static const char *const pct[] = {"%", "百分率", "百分比"};
    size_t i = 0;
    for (;;) {
        size_t j = i;
        for (size_t k = 0; k < COUNT(pct); k++)
            if (has_prefix(s + i, n - i, pct[k])) {
                i += strlen(pct[k]);
                break;
            }
        if (i == j) return i;
    }
}

/* A unit written after a number: a short run of letters (CJK or ASCII) and
 * `/`, with no digits (also no Chinese digits: `一村一法律顾问` is no unit)
 * and no stray operator word. */
static bool unit_ok(const char *s, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = next_cp(s + i, n - i, &cp);
        bool cjk = (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
        bool letter = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
        bool sym = cp == '/' || cp == 0xB7 /* · */ || cp == 0xB2 /* ² */ || cp == 0xB3 /* ³ */ ||
                   cp == 0x2103 /* ℃ */ || cp == 0x33A1 /* ㎡ */ || cp == 0x339E /* ㎞ */ ||
                   cp == 0x338F /* ㎏ */;
        if (!cjk && !letter && !sym) return false;
        if (cjk && (cn_digit(cp) >= 0 || cp == 0x5341 /* 十 */ || cp == 0x767E /* 百 */ ||
                    cp == 0x4EE5 /* 以 */ || cp == 0x53CA /* 及 */))
            return false;
        chars++;
        i += k;
    }
    return chars <= UNIT_CHARS_MAX;
}

/* After a Chinese numeral the text may as well be a sentence: `十分满意`,
 * `一次性告知`, `一致`. There only these common measure words make a number
 * (`十五场次`, `两个月`); anything else leaves the text a word. */
static bool is_measure_word(const char *s, size_t n)
{
    static const char *const words[] = {
        "个", "件", "次",       "人",     "人次", "场", "场次", "项", "家",     "户",   "名", "所",
        "天", "日", "个月",     "月",     "年",   "周", "小时", "元", "万元",   "亿元", "台", "套",
        "本", "篇", "期",       "批",     "份",   "条", "起",   "宗", "例",     "处",   "座", "类",
        "种", "分", "个工作日", "工作日", "卷",   "册", "册次", "村", "万人次", "万人",
    };
    for (size_t i = 0; i < COUNT(words); i++)
        if (is_lit(s, n, words[i])) return true;
    return false;
}

/* Normalise a unit for storage and comparison: every percent spelling is `%`. */
static void unit_norm(const char *s, size_t n, char *out, size_t cap)
{
    if (n > 0 && pct_run(s, n) == n)
        jx_copy_clip(out, cap, "%", 1);
    else
        jx_copy_clip(out, cap, s, n);
}

/* ------------------------------------------------------------------------ */
/* Frequencies: 每季度, 每月2次, 按月.                                       */

typedef struct period {
    const char *text;
    int per_year;
} period;

static const period periods[] = {
    {"半年", 2}, {"年度", 1}, {"季度", 4}, {"季", 4},   {"年", 1},
    {"月", 12},  {"周", 52},  {"日", 365}, {"天", 365},
};

/* The longest period that starts s; NULL when none. */
static const period *match_period(const char *s, size_t n)
{
    const period *best = NULL;
    for (size_t k = 0; k < COUNT(periods); k++)
        if (has_prefix(s, n, periods[k].text) &&
            (!best || strlen(periods[k].text) > strlen(best->text)))
            best = &periods[k];
    return best;
}

/* A count of times at the start of s: 1..1000, ASCII or a Chinese numeral, then `次`.
 * Returns the bytes read (0: none). */
static size_t read_times(const char *s, size_t n, int *times)
{
    num_read r = read_ascii_num(s, n);
    if (r.len == 0 && !r.error) r = read_cn_num(s, n);
    if (r.len == 0 || r.error || r.val < 1 || r.val > 1000 || r.val != floor(r.val)) return 0;
    if (!has_prefix(s + r.len, n - r.len, "次")) return 0;
    *times = (int)r.val;
    return r.len + strlen("次");
}

/* `1次/月`, `≥2次/年`, `4次/季度`: a count per period, written as a rate. An operator before
 * it may only say "at least" (a frequency is a level to reach). */
static bool parse_count_per(const char *s, size_t n, jx_value *v)
{
    size_t i = 0;
    const op_word *lead = match_lead_op(s, n);
    if (lead) {
        if (lead->op != JX_OP_GE) return false;
        i = strlen(lead->text);
    }
    int times;
    size_t k = read_times(s + i, n - i, &times);
    if (!k) return false;
    i += k;
    if (!has_prefix(s + i, n - i, "/")) return false;
    i++;
    const period *p = match_period(s + i, n - i);
    if (!p || strlen(p->text) != n - i) return false;
    v->kind = JX_KIND_FREQUENCY;
    v->per_year = times * p->per_year;
    return true;
}

static bool parse_frequency(const char *s, size_t n, jx_value *v)
{
    if (!has_prefix(s, n, "每") && !has_prefix(s, n, "按")) return parse_count_per(s, n, v);
    size_t i = strlen("每"); /* 每 and 按 are both 3 bytes */
    const period *best = match_period(s + i, n - i);
    if (!best) return false;
    i += strlen(best->text);
    int times = 1;
    /* `每月2次`, `每周一次`: a count per period */
    if (i < n && read_times(s + i, n - i, &times) != n - i) return false;
    v->kind = JX_KIND_FREQUENCY;
    v->per_year = times * best->per_year;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Deadlines: 2020年底, 2020年12月31日前, 2020-12-31, 年底前.                 */

static bool leap(int y)
{
    /* year 0 (unknown) counts as leap so that 2月29日 is accepted */
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return (m == 2 && leap(y)) ? 29 : dm[m - 1];
}

int jx_month_days(int y, int m)
{
    return days_in(y, m);
}

bool jx_month_actual(const jx_value *a, int y, jx_value *out)
{
    if (a->kind != JX_KIND_NUMBER || strcmp(a->unit, "月") || !a->implicit) return false;
    if (a->num < 1 || a->num > 12 || a->num != (double)(int)a->num) return false;
    int m = (int)a->num;
    memset(out, 0, sizeof *out);
    out->kind = JX_KIND_DEADLINE;
    out->year = y;
    out->month = m;
    out->day = days_in(y, m);
    return true;
}

/* Read 1..max ASCII digits as an int; returns the count read (0: none). */
static size_t read_int(const char *s, size_t n, size_t max, int *out)
{
    size_t i = 0;
    int v = 0;
    while (i < n && i < max && is_digit(s[i]))
        v = v * 10 + (s[i++] - '0');
    if (i < n && i == max && is_digit(s[i])) return 0; /* too many digits */
    *out = v;
    return i;
}

static bool deadline_suffix(const char *s, size_t n)
{
    static const char *const sfx[] = {"",     "前",     "之前",     "以前",
                                      "完成", "前完成", "之前完成", "以前完成",
                                      "到位", "前到位", "之前到位", "以前到位"};
    for (size_t i = 0; i < COUNT(sfx); i++)
        if (is_lit(s, n, sfx[i])) return true;
    return false;
}

/* A suffix that says "before" (前, 之前, 以前, with 完成 or 到位 after it). */
static bool before_month(const char *s, size_t n)
{
    return deadline_suffix(s, n) &&
           (has_prefix(s, n, "前") || has_prefix(s, n, "之前") || has_prefix(s, n, "以前"));
}

/* Is month m, day *d of year y (0: any year) a date? With month_end, *d becomes the month's
 * last day. False with the message set when not. */
static bool check_date(const char *s, size_t n, int y, int m, int *d, bool month_end,
                       jx_errmsg *msg)
{
    if (m < 1 || m > 12) {
        jx_msg(msg, JX_ERR_PARSE, "\"%.*s\": invalid date (month %d)", qlen(s, n), s, m);
        return false;
    }
    if (month_end) /* with no year, 2月底 is the 29th: the month's last day in the record's year,
                    * which the scorer settles (a year-less date's day is clamped to its month) */
        *d = days_in(y ? y : 2000, m);
    if (*d < 1 || *d > days_in(y, m)) {
        jx_msg(msg, JX_ERR_PARSE, "\"%.*s\": invalid date (%d月%d日%s)", qlen(s, n), s, m, *d,
               y ? " does not exist in that year" : " does not exist");
        return false;
    }
    return true;
}

static void set_date(jx_value *v, int y, int m, int d)
{
    v->kind = JX_KIND_DEADLINE;
    v->year = y;
    v->month = m;
    v->day = d;
}

/* 1: a deadline; 0: not one (try other kinds); -1: a date that does not exist. */
static int parse_deadline(const char *s, size_t n, jx_value *v, jx_errmsg *msg)
{
    int y = 0, m = 0, d = 0;
    bool month_end = false; /* 6月底, 2020年6月: the last day of the month */
    size_t i = 0, k;
    int yr = 0;
    if ((k = read_int(s, n, 4, &yr)) == 4 && yr >= 1000) {
        y = yr;
        i = 4;
        char sep = i < n ? s[i] : 0;
        if (sep == '-' || sep == '.' || sep == '/') {
            /* 2020-12-31, 2020.12.31, 2020/12/31: all three parts required */
            i++;
            if ((k = read_int(s + i, n - i, 2, &m)) == 0) return 0;
            i += k;
            if (i >= n || s[i] != sep) return 0;
            i++;
            if ((k = read_int(s + i, n - i, 2, &d)) == 0) return 0;
            i += k;
        } else if (has_prefix(s + i, n - i, "年")) {
            i += strlen("年");
            if (has_prefix(s + i, n - i, "年")) i += strlen("年"); /* 2020年年底 */
            if (has_prefix(s + i, n - i, "底") || has_prefix(s + i, n - i, "末")) {
                i += strlen("底");
                m = 12;
                d = 31;
            } else if ((k = read_int(s + i, n - i, 2, &m)) > 0 &&
                       has_prefix(s + i + k, n - i - k, "月")) {
                i += k + strlen("月");
                if ((k = read_int(s + i, n - i, 2, &d)) > 0 &&
                    (has_prefix(s + i + k, n - i - k, "日") ||
                     has_prefix(s + i + k, n - i - k, "号"))) {
                    i += k + strlen("日");
                } else {
                    month_end = true;
                    if (has_prefix(s + i, n - i, "底") || has_prefix(s + i, n - i, "末"))
                        i += strlen("底");
                }
            } else {
                return 0; /* `2020年` alone is a number with unit 年 */
            }
        } else {
            return 0;
        }
    } else if (has_prefix(s, n, "年底") || has_prefix(s, n, "年末") || has_prefix(s, n, "年内")) {
        i = strlen("年底");
        m = 12;
        d = 31;
    } else if ((k = read_int(s, n, 2, &m)) > 0 && has_prefix(s + k, n - k, "月")) {
        /* no year: 12月31日前, 6月底 (a bare `12月` stays a number: 12 months) */
        i = k + strlen("月");
        if ((k = read_int(s + i, n - i, 2, &d)) > 0 &&
            (has_prefix(s + i + k, n - i - k, "日") || has_prefix(s + i + k, n - i - k, "号"))) {
            i += k + strlen("日");
        } else if (has_prefix(s + i, n - i, "底") || has_prefix(s + i, n - i, "末")) {
            i += strlen("底");
            month_end = true;
        } else if (i < n && before_month(s + i, n - i)) {
            /* 9月前, 9月之前完成: before September begins, so by the end of August (1月前 would
             * be the year before, which a year-less date cannot say: not read as a date) */
            if (m <= 1 || m > 12) return 0;
            m--;
            month_end = true;
        } else if (i < n && deadline_suffix(s + i, n - i)) {
            month_end = true; /* 9月完成, 9月到位: within September */
        } else {
            return 0;
        }
    } else {
        return 0;
    }
    if (!deadline_suffix(s + i, n - i)) return 0;
    if (!check_date(s, n, y, m, &d, month_end, msg)) return -1;
    set_date(v, y, m, d);
    return 1;
}

/* One end of a period: [YYYY年 | YYYY. | YYYY/] M [月 [D日 | D号] [底 | 末]]. */
typedef struct dpoint {
    int y, m, d;     /* y 0: no year; d 0: no day (the month's end for the period's end) */
    bool month_word; /* 月 was written */
    bool dotted;     /* YYYY.M or YYYY/M */
} dpoint;

static size_t read_point(const char *s, size_t n, dpoint *p)
{
    memset(p, 0, sizeof *p);
    size_t i = 0, k;
    int x;
    if (read_int(s, n, 4, &x) == 4 && x >= 1000) {
        if (has_prefix(s + 4, n - 4, "年"))
            i = 4 + strlen("年");
        else if (n > 4 && (s[4] == '.' || s[4] == '/') && x >= 1900 && x < 2200)
            i = 5, p->dotted = true; /* a plausible year: 1000.5-2000.5 is no period */
        else
            return 0;
        p->y = x;
    }
    if ((k = read_int(s + i, n - i, 2, &p->m)) == 0) return 0;
    i += k;
    if (!has_prefix(s + i, n - i, "月")) return i;
    i += strlen("月");
    p->month_word = true;
    if ((k = read_int(s + i, n - i, 2, &x)) > 0 &&
        (has_prefix(s + i + k, n - i - k, "日") || has_prefix(s + i + k, n - i - k, "号"))) {
        p->d = x;
        i += k + strlen("日");
    } else if (has_prefix(s + i, n - i, "底") || has_prefix(s + i, n - i, "末")) {
        i += strlen("底");
    }
    return i;
}

/* Separators of a period's two ends, longest first. */
static const char *const period_seps[] = {"——", "--", "—", "–", "-", "~", "至", "到"};

/* A period: `2021年1月-12月`, `2020年1月--2020年11月`, `2022年1-12月`, `2021.1-2021.12`,
 * `2020年全年`, `全年`. The target is met by the period's end: a deadline on its last day.
 * 1: a period; 0: not one; -1: a date that does not exist, or an end before the start. */
static int parse_period(const char *s, size_t n, jx_value *v, jx_errmsg *msg)
{
    int y = 0;
    size_t i = 0;
    if (read_int(s, n, 4, &y) == 4 && y >= 1000 && has_prefix(s + 4, n - 4, "年全年"))
        i = 4 + strlen("年全年");
    else if (has_prefix(s, n, "全年"))
        i = strlen("全年"), y = 0;
    if (i) {
        if (!deadline_suffix(s + i, n - i)) return 0;
        set_date(v, y, 12, 31);
        return 1;
    }
    dpoint a, b;
    i = read_point(s, n, &a);
    if (!i) return 0;
    size_t k = 0;
    for (size_t j = 0; j < COUNT(period_seps) && !k; j++)
        if (has_prefix(s + i, n - i, period_seps[j])) k = strlen(period_seps[j]);
    if (!k) return 0;
    i += k;
    if (!(k = read_point(s + i, n - i, &b))) return 0;
    i += k;
    /* it must read as months: 月 at the end (1-12月), or the dotted form with its year */
    if (!deadline_suffix(s + i, n - i) || !(b.month_word || (a.dotted && (b.dotted || !b.y))))
        return 0;
    if (!a.y) a.y = b.y;
    if (!b.y) b.y = a.y;
    int ad = a.d ? a.d : 1, bd = b.d;
    if (!check_date(s, n, a.y, a.m, &ad, false, msg) ||
        !check_date(s, n, b.y, b.m, &bd, b.d == 0, msg))
        return -1;
    if ((long)a.y * 10000 + a.m * 100 + ad > (long)b.y * 10000 + b.m * 100 + bd) {
        jx_msg(msg, JX_ERR_PARSE, "\"%.*s\": the period ends before it starts", qlen(s, n), s);
        return -1;
    }
    set_date(v, b.y, b.m, bd);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Number with operator and unit.                                           */

/* 1: a number; 0: a word after all; -1: an error (message set). */
static int parse_number(const char *s, size_t n, jx_value *v, jx_errmsg *msg)
{
    size_t i = 0;
    const op_word *lead = match_lead_op(s, n);
    if (lead) i += strlen(lead->text);

    /* 百分之九十五, 千分之五, 万分之十: the fraction fixes the unit */
    const char *frac_unit = NULL;
    if (has_prefix(s + i, n - i, "百分之"))
        frac_unit = "%";
    else if (has_prefix(s + i, n - i, "千分之"))
        frac_unit = "‰";
    else if (has_prefix(s + i, n - i, "万分之"))
        frac_unit = "‱";
    if (frac_unit) i += strlen("百分之");

    num_read r = read_ascii_num(s + i, n - i);
    bool ascii = r.len > 0 || r.error;
    if (!ascii) r = read_cn_num(s + i, n - i);
    if (r.error) {
        jx_msg(msg, JX_ERR_PARSE, "\"%.*s\": %s", qlen(s, n), s, r.error);
        return -1;
    }
    if (r.len == 0) {
        /* `≥国家标准` is a broken number; `达到国家标准` is a sentence */
        if (lead && lead->symbol) {
            jx_msg(msg, JX_ERR_PARSE, "\"%.*s\": no number after the operator \"%s\"", qlen(s, n),
                   s, lead->text);
            return -1;
        }
        return 0;
    }
    /* digits or a symbol commit the text to being a number; a Chinese numeral
     * after nothing or a word operator may still open an ordinary sentence */
    bool strict = ascii || (lead && lead->symbol);
    i += r.len;

    /* trailing operators: 以上, 及以下, 以内 (also repeated: 不低于90%以上).
     * Stripped from the end, so the one found first was written last. */
    size_t end = n;
    jx_op tail_last = JX_OP_NONE, tail_other = JX_OP_NONE;
    while (end > i) {
        const op_word *t = match_tail_op(s + i, end - i);
        size_t noise = strict && !t ? match_tail_noise(s + i, end - i) : 0;
        if (!t && !noise) break;
        if (noise) {
            end -= noise;
            continue;
        }
        if (tail_last == JX_OP_NONE)
            tail_last = t->op;
        else if (t->op != tail_last)
            tail_other = t->op;
        end -= strlen(t->text);
    }

    /* the unit: what is left between the number and the trailing operator */
    const char *u = s + i;
    size_t un = end - i;
    char unit[JX_UNIT_MAX] = "";
    if (frac_unit) {
        if (un > 0) goto garbage;
        jx_copy_clip(unit, sizeof unit, frac_unit, strlen(frac_unit));
    } else if (un > 0) {
        size_t p = pct_run(u, un);
        if (p == un) {
            jx_copy_clip(unit, sizeof unit, "%", 1);
        } else if (p > 0) {
            if (!strict) return 0;
            jx_msg(msg, JX_ERR_PARSE, "\"%.*s\": unexpected text \"%.*s\" after the unit",
                   qlen(s, n), s, (int)(n - i - p), u + p);
            return -1;
        } else if (is_lit(u, un, "‰") || is_lit(u, un, "‱")) {
            jx_copy_clip(unit, sizeof unit, u, un);
        } else if (strict ? unit_ok(u, un) : is_measure_word(u, un)) {
            if (un >= JX_UNIT_MAX) {
                if (!strict) return 0;
                jx_msg(msg, JX_ERR_PARSE, "\"%.*s\": unit \"%.*s\" is longer than %d bytes",
                       qlen(s, n), s, (int)un, u, JX_UNIT_MAX - 1);
                return -1;
            }
            jx_copy_clip(unit, sizeof unit, u, un);
        } else {
            goto garbage;
        }
    }

    /* the operator: all written ones must agree; name the first two that differ */
    jx_op written[3] = {lead ? lead->op : JX_OP_NONE, tail_other, tail_last};
    jx_op op = JX_OP_NONE;
    for (size_t k = 0; k < 3; k++) {
        if (written[k] == JX_OP_NONE) continue;
        if (op == JX_OP_NONE) {
            op = written[k];
        } else if (written[k] != op) {
            jx_msg(msg, JX_ERR_PARSE, "\"%.*s\": two operators (%s and %s)", qlen(s, n), s,
                   jx_op_str(op), jx_op_str(written[k]));
            return -1;
        }
    }

    v->kind = JX_KIND_NUMBER;
    v->num = r.val;
    memcpy(v->unit, unit, sizeof unit);
    if (op == JX_OP_NONE) {
        /* a bare target is a level to reach; a bare zero is a ceiling (zero incidents) */
        v->implicit = true;
        v->op = r.val == 0.0 ? JX_OP_LE : JX_OP_GE;
    } else {
        v->op = op;
    }
    return 1;

garbage:
    if (!strict) return 0;
    jx_msg(msg, JX_ERR_PARSE, "\"%.*s\": unexpected text \"%.*s\" after the number", qlen(s, n), s,
           (int)(n - i), s + i);
    return -1;
}

/* ------------------------------------------------------------------------ */
/* Public parsing entry points.                                             */

/* Classify normalised text. Returns JX_OK or JX_ERR_PARSE (message set). */
static jx_err classify(const norm *t, jx_value *v, jx_errmsg *msg)
{
    const char *s = t->s;
    size_t n = t->n;
    if (n == 0 || is_na_word(s, n)) {
        v->kind = JX_KIND_NA;
        return JX_OK;
    }
    if (is_placeholder(s, n)) {
        v->kind = JX_KIND_NA;
        v->placeholder = true;
        return JX_OK;
    }
    if (parse_grade(s, n, v) || parse_frequency(s, n, v)) return JX_OK;
    int rc = parse_deadline(s, n, v, msg);
    if (rc == 0) rc = parse_period(s, n, v, msg);
    if (rc < 0) return JX_ERR_PARSE;
    if (rc > 0) return JX_OK;
    rc = parse_number(s, n, v, msg);
    if (rc < 0) return JX_ERR_PARSE;
    if (rc > 0) return JX_OK;
    v->kind = JX_KIND_WORD;
    v->truncated = jx_copy_clip(v->text, sizeof v->text, s, n) != 0;
    return JX_OK;
}

jx_err jx_value_parse(const char *text, size_t len, jx_value *out, jx_errmsg *msg)
{
    if (!out) return jx_msg(msg, JX_ERR_INVALID, "jx_value_parse: out is NULL");
    memset(out, 0, sizeof *out);
    if (!text && len > 0) return jx_msg(msg, JX_ERR_INVALID, "jx_value_parse: text is NULL");
    norm t;
    jx_err err = normalise(text, len, &t, msg);
    if (!err) err = classify(&t, out, msg);
    if (!err && t.overflow) {
        if (out->kind == JX_KIND_WORD) {
            out->truncated = true;
        } else {
            /* only a word can be this long; a prefix that looked like a number is not one */
            err = jx_msg(msg, JX_ERR_PARSE, "\"%.*s...\": text too long (over %d bytes)",
                         qlen(t.s, 60), t.s, NORM_MAX - 1);
        }
    }
    if (err) memset(out, 0, sizeof *out);
    return err;
}

/* Operator column: the lead and tail operators, plus 定性/定量 and 正向/反向. */
jx_err jx_op_parse(const char *text, jx_op *op, bool *qualitative)
{
    if (!op) return JX_ERR_INVALID;
    *op = JX_OP_NONE;
    if (qualitative) *qualitative = false;
    norm t;
    if (normalise(text, text ? strlen(text) : 0, &t, NULL)) return JX_ERR_PARSE;
    if (t.overflow) return JX_ERR_PARSE;
    if (t.n == 0 || is_lit(t.s, t.n, "定量")) return JX_OK;
    if (is_lit(t.s, t.n, "定性")) {
        if (qualitative) *qualitative = true;
        return JX_OK;
    }
    /* direction columns of some tables: 正向 (higher is better), 反向 (lower is better) */
    if (is_lit(t.s, t.n, "正向") || is_lit(t.s, t.n, "正向指标")) {
        *op = JX_OP_GE;
        return JX_OK;
    }
    if (is_lit(t.s, t.n, "反向") || is_lit(t.s, t.n, "反向指标")) {
        *op = JX_OP_LE;
        return JX_OK;
    }
    for (size_t i = 0; i < COUNT(lead_ops); i++)
        if (is_lit(t.s, t.n, lead_ops[i].text)) {
            *op = lead_ops[i].op;
            return JX_OK;
        }
    for (size_t i = 0; i < COUNT(tail_ops); i++)
        if (is_lit(t.s, t.n, tail_ops[i].text)) {
            *op = tail_ops[i].op;
            return JX_OK;
        }
    return JX_ERR_PARSE;
}

/* `4 | 次/年` (指标值 | 度量单位) is a frequency, as `4次/年` in one cell is: a whole count
 * 1..1000, no unit or 次 in the value, and no operator other than "at least". */
static bool cells_frequency(jx_value *v, jx_op col_op, const char *u, size_t un)
{
    size_t k = strlen("次/");
    if (!has_prefix(u, un, "次/")) return false;
    const period *p = match_period(u + k, un - k);
    if (!p || strlen(p->text) != un - k) return false;
    if (v->unit[0] && strcmp(v->unit, "次")) return false;
    if ((!v->implicit && v->op != JX_OP_GE) || (col_op != JX_OP_NONE && col_op != JX_OP_GE))
        return false;
    if (v->num < 1 || v->num > 1000 || v->num != floor(v->num)) return false;
    int times = (int)v->num;
    memset(v, 0, sizeof *v);
    v->kind = JX_KIND_FREQUENCY;
    v->per_year = times * p->per_year;
    return true;
}

jx_err jx_value_parse_cells(const char *op_text, const char *value_text, const char *unit_text,
                            jx_value *out, jx_errmsg *msg)
{
    return jx_value_parse_cells_at(op_text, value_text, unit_text, out, msg, NULL);
}

jx_err jx_value_parse_cells_at(const char *op_text, const char *value_text, const char *unit_text,
                               jx_value *out, jx_errmsg *msg, jx_cell *bad)
{
    jx_cell dummy;
    if (!bad) bad = &dummy;
    *bad = JX_CELL_VALUE;
    if (!out) return jx_msg(msg, JX_ERR_INVALID, "jx_value_parse_cells: out is NULL");
    memset(out, 0, sizeof *out);
    jx_op col_op;
    bool qual;
    if (jx_op_parse(op_text, &col_op, &qual)) {
        *bad = JX_CELL_OP;
        return jx_msg(msg, JX_ERR_PARSE,
                      "operator column \"%.*s\" is not an operator (≥ = ≤ 定性 ...)",
                      qlen(op_text, strlen(op_text)), op_text);
    }

    /* the unit column, normalised as a unit written in the text would be */
    norm ut;
    *bad = JX_CELL_UNIT;
    jx_err err = normalise(unit_text, unit_text ? strlen(unit_text) : 0, &ut, msg);
    if (err) return err;
    char col_unit[JX_UNIT_MAX];
    if (ut.overflow || ut.n >= JX_UNIT_MAX)
        return jx_msg(msg, JX_ERR_PARSE, "unit column \"%.*s\" is longer than %d bytes",
                      qlen(ut.s, ut.n), ut.s, JX_UNIT_MAX - 1);
    unit_norm(ut.s, ut.n, col_unit, sizeof col_unit);

    *bad = JX_CELL_VALUE;
    const char *vt = value_text ? value_text : "";
    err = jx_value_parse(vt, strlen(vt), out, msg);
    if (err) return err;
    if (out->kind != JX_KIND_NUMBER) return JX_OK; /* op and unit columns say nothing about words */

    *bad = JX_CELL_OP;
    if (qual) {
        err = jx_msg(
            msg, JX_ERR_CONFLICT,
            "\"%.*s\": the operator column says 定性 (qualitative) but the value is a number",
            qlen(vt, strlen(vt)), vt);
        goto fail;
    }
    if (cells_frequency(out, col_op, ut.s, ut.n)) {
        *bad = JX_CELL_VALUE;
        return JX_OK;
    }
    if (col_op != JX_OP_NONE) {
        if (out->implicit) {
            out->op = col_op;
            out->implicit = false;
        } else if (out->op != col_op) {
            err = jx_msg(msg, JX_ERR_CONFLICT,
                         "operator column \"%.*s\" (%s) conflicts with \"%.*s\" (%s)",
                         qlen(op_text, strlen(op_text)), op_text, jx_op_str(col_op),
                         qlen(vt, strlen(vt)), vt, jx_op_str(out->op));
            goto fail;
        }
    }
    *bad = JX_CELL_UNIT;
    if (col_unit[0]) {
        if (!out->unit[0]) {
            memcpy(out->unit, col_unit, sizeof col_unit);
        } else if (strcmp(out->unit, col_unit) != 0) {
            err = jx_msg(msg, JX_ERR_CONFLICT,
                         "unit column \"%s\" conflicts with the unit \"%s\" in \"%.*s\"", col_unit,
                         out->unit, qlen(vt, strlen(vt)), vt);
            goto fail;
        }
    }
    *bad = JX_CELL_VALUE;
    return JX_OK;
fail:
    memset(out, 0, sizeof *out);
    return err;
}

/* ------------------------------------------------------------------------ */
/* Output.                                                                  */

/* An snprintf-like writer: counts everything, stores what fits. */
typedef struct wbuf {
    char *buf;
    size_t cap;
    size_t len;
} wbuf;

static void w_bytes(wbuf *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, w->len++)
        if (w->len < w->cap) w->buf[w->len] = s[i];
}

static void w_str(wbuf *w, const char *s)
{
    w_bytes(w, s, strlen(s));
}

/* NUL-terminate; when the output was cut, cut it at a character boundary. */
static size_t w_finish(wbuf *w)
{
    if (w->cap == 0 || !w->buf) return w->len;
    if (w->len < w->cap)
        w->buf[w->len] = '\0';
    else
        w->buf[jx_utf8_clip(w->buf, w->cap, w->cap - 1)] = '\0';
    return w->len;
}

static void w_json_str(wbuf *w, const char *s)
{
    char buf[JX_JSON_ROOM(128)];
    size_t n = strlen(s);
    w_str(w, "\"");
    for (size_t i = 0; i < n; i += 128)
        w_bytes(w, buf, jx_json_escape(buf, s + i, n - i < 128 ? n - i : 128));
    w_str(w, "\"");
}

/* Shortest of %.15g, %.16g, %.17g that reads back as the same double; null for NaN, infinity. */
static void w_num(wbuf *w, double x)
{
    char tmp[JX_NUMBER_ROOM];
    jx_json_number(tmp, x);
    w_str(w, tmp);
}

static void w_date(wbuf *w, const jx_value *v)
{
    char tmp[48];
    if (v->year)
        snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", v->year, v->month, v->day);
    else
        snprintf(tmp, sizeof tmp, "--%02d-%02d", v->month, v->day);
    w_str(w, tmp);
}

size_t jx_value_to_json(const jx_value *v, char *buf, size_t cap)
{
    wbuf w = {buf, cap, 0};
    char tmp[32];
    if (!v) {
        w_str(&w, "null");
        return w_finish(&w);
    }
    w_str(&w, "{\"kind\":");
    w_json_str(&w, jx_kind_str(v->kind));
    switch (v->kind) {
    case JX_KIND_NUMBER:
        w_str(&w, ",\"op\":");
        w_json_str(&w, jx_op_str(v->op));
        w_str(&w, ",\"value\":");
        w_num(&w, v->num);
        w_str(&w, ",\"unit\":");
        w_json_str(&w, v->unit);
        w_str(&w, v->implicit ? ",\"implicit\":true" : ",\"implicit\":false");
        break;
    case JX_KIND_GRADE:
        w_str(&w, ",\"grade\":");
        w_json_str(&w, v->grade);
        w_str(&w, ",\"scale\":");
        w_json_str(&w, v->scale);
        break;
    case JX_KIND_WORD:
        w_str(&w, ",\"text\":");
        w_json_str(&w, v->text);
        break;
    case JX_KIND_FREQUENCY:
        snprintf(tmp, sizeof tmp, ",\"per_year\":%d", v->per_year);
        w_str(&w, tmp);
        break;
    case JX_KIND_DEADLINE:
        w_str(&w, ",\"date\":\"");
        w_date(&w, v);
        w_str(&w, "\"");
        break;
    case JX_KIND_NA:
        w_str(&w, v->placeholder ? ",\"placeholder\":true" : ",\"placeholder\":false");
        break;
    }
    w_str(&w, "}");
    return w_finish(&w);
}

size_t jx_value_to_text(const jx_value *v, char *buf, size_t cap)
{
    wbuf w = {buf, cap, 0};
    char tmp[32];
    if (!v) {
        w_str(&w, "n/a");
        return w_finish(&w);
    }
    switch (v->kind) {
    case JX_KIND_NUMBER:
        w_str(&w, jx_op_str(v->op));
        w_num(&w, v->num);
        w_str(&w, v->unit);
        if (v->implicit) w_str(&w, " (implicit)");
        break;
    case JX_KIND_GRADE:
        w_str(&w, v->grade);
        w_str(&w, " (");
        w_str(&w, v->scale);
        w_str(&w, ")");
        break;
    case JX_KIND_WORD:
        w_str(&w, v->text);
        if (v->truncated) w_str(&w, "...");
        break;
    case JX_KIND_FREQUENCY:
        snprintf(tmp, sizeof tmp, "每年%d次", v->per_year);
        w_str(&w, tmp);
        break;
    case JX_KIND_DEADLINE:
        w_date(&w, v);
        break;
    case JX_KIND_NA:
        w_str(&w, v->placeholder ? "n/a (placeholder)" : "n/a");
        break;
    }
    return w_finish(&w);
}
