/*
 * ruleset.c - load rule sets (rules/NAME.ini) into a flat jx_ruleset.
 *
 * The INI text is read with inih. Debian's inih reports no line numbers to the
 * handler, so the text is fed through ini_parse_stream() with a reader that
 * counts lines: every error then names FILE:LINE. Policy lives entirely in the
 * files; this code only knows the keys (docs/rules.md), never the numbers.
 */
#include "model/ruleset_int.h"

#include <errno.h>
#include <math.h>
#include <fnmatch.h>
#include <ini.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util_int.h"

const char *const rs_band_names[RS_BAND__COUNT] = {"达成", "部分达成", "未达成"};

#define RS_MAX_FILE (1u << 20)

/* Parser state for one file of the extends chain. */
typedef struct rs_ctx {
    jx_ruleset *rs;
    const char *origin; /* file name for messages */
    const char *text;   /* NUL-terminated INI text */
    size_t pos;         /* reader position */
    int line;           /* current line (1-based) */
    int keys;           /* keys seen so far (extends must come first) */
    int ovr;            /* index of the override the current [override …] section fills */
    char section[256];  /* last section seen, to notice a new [override …] */
    int depth;
    const char *const *dirs;
    size_t ndirs;
    jx_err err;
    jx_errmsg *msg;
} rs_ctx;

static jx_err load_chain(jx_ruleset *rs, const char *name_or_path, const char *const *dirs,
                         size_t ndirs, int depth, jx_errmsg *msg);
static jx_err parse_into(jx_ruleset *rs, const char *text, size_t len, const char *origin,
                         const char *const *dirs, size_t ndirs, int depth, jx_errmsg *msg);

/* ---- small parsing helpers ---- */

static bool parse_num(const char *s, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || errno == ERANGE) return false;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end) return false;
    if (d != d) return false; /* NaN */
    *out = d;
    return true;
}

static int fail(rs_ctx *c, const char *section, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(rs_ctx *c, const char *section, const char *key, const char *fmt, ...)
{
    if (c->err == JX_OK) { /* keep the first error: it is the one the user must fix first */
        char detail[JX_ERRMSG_MAX];
        va_list ap;
        va_start(ap, fmt);
        jx_vfmt_trunc(detail, sizeof detail, fmt, ap);
        va_end(ap);
        c->err = JX_ERR_RULES;
        jx_msg(c->msg, JX_ERR_RULES, "%s:%d: [%s] %s: %s", c->origin, c->line, section, key,
               detail);
    }
    return 0;
}

static bool set_name(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) return false;
    memcpy(dst, src, n + 1);
    return true;
}

/* Split a list value on spaces, commas (ASCII or full-width) and 、 into words. */
static int split_words(const char *s, char words[][RS_WORD_MAX], int cap, bool *too_long)
{
    int n = 0;
    *too_long = false;
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == ',')
            s++;
        if (!strncmp(s, "，", 3) || !strncmp(s, "、", 3)) {
            s += 3;
            continue;
        }
        if (!*s) break;
        const char *b = s;
        while (*s && *s != ' ' && *s != '\t' && *s != ',' && strncmp(s, "，", 3) &&
               strncmp(s, "、", 3))
            s++;
        size_t len = (size_t)(s - b);
        if (n >= cap || len >= RS_WORD_MAX) {
            *too_long = true;
            return n;
        }
        memcpy(words[n], b, len);
        words[n][len] = '\0';
        n++;
    }
    return n;
}

static int put_pair(rs_ctx *c, const char *section, rs_pair *tab, int *n, const char *from,
                    const char *to)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp(tab[i].from, from)) {
            if (!set_name(tab[i].to, sizeof tab[i].to, to))
                return fail(c, section, from, "too long");
            return 1;
        }
    if (*n >= RS_MAX_ALIASES) return fail(c, section, from, "more than %d entries", RS_MAX_ALIASES);
    if (!set_name(tab[*n].from, sizeof tab[*n].from, from) ||
        !set_name(tab[*n].to, sizeof tab[*n].to, to))
        return fail(c, section, from, "too long");
    (*n)++;
    return 1;
}

static bool parse_op(const char *s, jx_op *op)
{
    bool qual = false;
    return jx_op_parse(s, op, &qual) == JX_OK && !qual && *op != JX_OP_NONE;
}

/* ---- section handlers ---- */

static int h_ruleset(rs_ctx *c, const char *k, const char *v)
{
    jx_ruleset *rs = c->rs;
    if (!strcmp(k, "extends")) {
        if (c->keys != 1) return fail(c, "ruleset", k, "extends must be the first key of the file");
        jx_errmsg sub;
        jx_err e = load_chain(rs, v, c->dirs, c->ndirs, c->depth + 1, &sub);
        if (e) {
            if (c->err == JX_OK) {
                c->err = e;
                jx_msg(c->msg, e, "%s:%d: extends %s: %s", c->origin, c->line, v, sub.text);
            }
            return 0;
        }
        return 1;
    }
    if (!strcmp(k, "name")) {
        if (!*v || strchr(v, '/')) return fail(c, "ruleset", k, "\"%s\" is not a valid name", v);
        if (!set_name(rs->name, sizeof rs->name, v)) return fail(c, "ruleset", k, "too long");
        if (c->depth == 0) rs->named = true;
        return 1;
    }
    if (!strcmp(k, "title")) {
        if (!set_name(rs->title, sizeof rs->title, v)) return fail(c, "ruleset", k, "too long");
        return 1;
    }
    if (!strcmp(k, "description") || !strcmp(k, "source")) return 1; /* documentation only */
    return fail(c, "ruleset", k, "unknown key (name, title, extends, description, source)");
}

static int h_level1(rs_ctx *c, const char *k, const char *v)
{
    jx_ruleset *rs = c->rs;
    double w;
    if (!parse_num(v, &w) || w < 0) return fail(c, "level1", k, "\"%s\" is not a weight >= 0", v);
    for (int i = 0; i < rs->nl1; i++)
        if (!strcmp(rs->l1[i].name, k)) {
            rs->l1[i].weight = w;
            return 1;
        }
    if (rs->nl1 >= RS_MAX_L1)
        return fail(c, "level1", k, "more than %d level-1 weights", RS_MAX_L1);
    if (!set_name(rs->l1[rs->nl1].name, sizeof rs->l1[0].name, k))
        return fail(c, "level1", k, "too long");
    rs->l1[rs->nl1].weight = w;
    rs->l1[rs->nl1].imposed = false;
    rs->nl1++;
    return 1;
}

static int h_budget(rs_ctx *c, const char *k, const char *v)
{
    double d;
    if (!parse_num(v, &d) || d < 0) return fail(c, "budget", k, "\"%s\" is not a number >= 0", v);
    if (!strcmp(k, "weight"))
        c->rs->budget_weight = d, c->rs->seen |= RS_SEEN_BUDGET_WEIGHT;
    else if (!strcmp(k, "mismatch"))
        c->rs->budget_mismatch = d, c->rs->seen |= RS_SEEN_MISMATCH;
    else
        return fail(c, "budget", k, "unknown key (weight, mismatch)");
    return 1;
}

static int h_operators(rs_ctx *c, const char *k, const char *v)
{
    jx_ruleset *rs = c->rs;
    if (!strcmp(k, "implicit") || !strcmp(k, "implicit_zero")) {
        jx_op op;
        if (!parse_op(v, &op)) return fail(c, "operators", k, "\"%s\" is not an operator", v);
        if (!strcmp(k, "implicit"))
            rs->implicit_op = op;
        else
            rs->implicit_zero_op = op;
    } else if (!strcmp(k, "le")) {
        if (!strcmp(v, "ratio"))
            rs->le = RS_LE_RATIO;
        else if (!strcmp(v, "deviation"))
            rs->le = RS_LE_DEVIATION;
        else
            return fail(c, "operators", k, "\"%s\" is not ratio or deviation", v);
        rs->seen |= RS_SEEN_LE;
    } else if (!strcmp(k, "eq")) {
        if (!strcmp(v, "deviation"))
            rs->eq = RS_EQ_DEVIATION;
        else if (!strcmp(v, "binary"))
            rs->eq = RS_EQ_BINARY;
        else
            return fail(c, "operators", k, "\"%s\" is not deviation or binary", v);
        rs->seen |= RS_SEEN_EQ;
    } else if (!strcmp(k, "eq_tolerance")) {
        if (!parse_num(v, &rs->eq_tolerance) || rs->eq_tolerance < 0)
            return fail(c, "operators", k, "\"%s\" is not a number >= 0", v);
        rs->seen |= RS_SEEN_EQ_TOL;
    } else {
        return fail(c, "operators", k,
                    "unknown key (implicit, implicit_zero, le, eq, eq_tolerance)");
    }
    return 1;
}

static int h_deadline(rs_ctx *c, const char *k, const char *v)
{
    if (strcmp(k, "late")) return fail(c, "deadline", k, "unknown key (late)");
    double d;
    if (!parse_num(v, &d) || d < 0 || d > 1)
        return fail(c, "deadline", k, "\"%s\" is not a ratio in [0, 1]", v);
    c->rs->late_ratio = d;
    c->rs->seen |= RS_SEEN_LATE;
    return 1;
}

static int h_overshoot(rs_ctx *c, const char *k, const char *v)
{
    jx_ruleset *rs = c->rs;
    if (!strcmp(k, "action")) {
        if (!strcmp(v, "keep"))
            rs->over_action = RS_OVER_KEEP;
        else if (!strcmp(v, "zero"))
            rs->over_action = RS_OVER_ZERO;
        else if (!strcmp(v, "deduct"))
            rs->over_action = RS_OVER_DEDUCT;
        else
            return fail(c, "overshoot", k, "\"%s\" is not keep, zero or deduct", v);
        rs->seen |= RS_SEEN_OVER_ACTION;
        return 1;
    }
    double d;
    if (!parse_num(v, &d) || d < 0)
        return fail(c, "overshoot", k, "\"%s\" is not a number >= 0", v);
    if (!strcmp(k, "threshold"))
        rs->over_threshold = d, rs->seen |= RS_SEEN_OVER_THRESHOLD;
    else if (!strcmp(k, "deduct"))
        rs->over_deduct = d;
    else
        return fail(c, "overshoot", k, "unknown key (threshold, action, deduct)");
    return 1;
}

static int h_grades(rs_ctx *c, const char *k, const char *v)
{
    jx_ruleset *rs = c->rs;
    double d;
    if (!parse_num(v, &d)) /* a word: an alias of another grade (良好 = 良) */
        return put_pair(c, "grades", rs->grade_alias, &rs->ngrade_alias, k, v);
    if (d < 0 || d > 1) return fail(c, "grades", k, "\"%s\" is not a value in [0, 1]", v);
    for (int i = 0; i < rs->ngrade; i++)
        if (!strcmp(rs->grade[i].word, k)) {
            rs->grade[i].value = d;
            return 1;
        }
    if (rs->ngrade >= RS_MAX_GRADES)
        return fail(c, "grades", k, "more than %d grades", RS_MAX_GRADES);
    if (!set_name(rs->grade[rs->ngrade].word, sizeof rs->grade[0].word, k))
        return fail(c, "grades", k, "too long");
    rs->grade[rs->ngrade++].value = d;
    return 1;
}

static int h_scales(rs_ctx *c, const char *k, const char *v)
{
    jx_ruleset *rs = c->rs;
    int i = 0;
    while (i < rs->nscale && strcmp(rs->scale[i].name, k))
        i++;
    if (i == rs->nscale) {
        if (rs->nscale >= RS_MAX_SCALES)
            return fail(c, "scales", k, "more than %d scales", RS_MAX_SCALES);
        if (!set_name(rs->scale[i].name, sizeof rs->scale[i].name, k))
            return fail(c, "scales", k, "too long");
        rs->nscale++;
    }
    bool too_long;
    rs->scale[i].nwords = split_words(v, rs->scale[i].words, RS_MAX_SCALE_WORDS, &too_long);
    if (too_long || rs->scale[i].nwords < 2)
        return fail(c, "scales", k, "\"%s\" must list 2 to %d grade words, best first", v,
                    RS_MAX_SCALE_WORDS);
    return 1;
}

static int band_index(const char *k)
{
    for (int b = 0; b < RS_BAND__COUNT; b++)
        if (!strcmp(k, rs_band_names[b])) return b;
    return -1;
}

/* 达成 = 1.0, 80..100  — the value of the plain word and the range of explicit rates (in %). */
static int h_bands(rs_ctx *c, const char *k, const char *v)
{
    int b = band_index(k);
    if (b < 0) return fail(c, "bands", k, "unknown band (达成, 部分达成, 未达成)");
    double val = -1, lo = -1, hi = -1;
    char part[3][64] = {"", "", ""};
    const char *comma = strchr(v, ','), *dots = comma ? strstr(comma, "..") : NULL;
    if (comma && dots && (size_t)(comma - v) < 64 && (size_t)(dots - comma) < 64 &&
        strlen(dots) < 64) {
        memcpy(part[0], v, (size_t)(comma - v));
        memcpy(part[1], comma + 1, (size_t)(dots - comma - 1));
        strcpy(part[2], dots + 2);
    }
    if (!parse_num(part[0], &val) || !parse_num(part[1], &lo) || !parse_num(part[2], &hi) ||
        val < 0 || val > 1 || lo < 0 || hi > 100 || lo > hi || val * 100 < lo - 1e-9 ||
        val * 100 > hi + 1e-9)
        return fail(c, "bands", k, "\"%s\" is not VALUE, LO..HI (value in [0,1] inside LO..HI %%)",
                    v);
    c->rs->band[b].value = val;
    c->rs->band[b].lo = lo / 100;
    c->rs->band[b].hi = hi / 100;
    return 1;
}

static int h_band_words(rs_ctx *c, const char *k, const char *v)
{
    int b = band_index(k);
    if (b < 0) return fail(c, "band_words", k, "unknown band (达成, 部分达成, 未达成)");
    bool too_long;
    c->rs->band[b].nwords = split_words(v, c->rs->band[b].words, RS_MAX_BAND_WORDS, &too_long);
    if (too_long)
        return fail(c, "band_words", k, "at most %d words of at most 31 bytes", RS_MAX_BAND_WORDS);
    return 1;
}

/* [direction] level2 = *成本 *成本指标; level3 = *受害率 …: fnmatch patterns, a list replaces the
 * parent's. */
static int h_direction(rs_ctx *c, const char *k, const char *v)
{
    jx_ruleset *rs = c->rs;
    bool l2 = !strcmp(k, "level2");
    if (!l2 && strcmp(k, "level3")) return fail(c, "direction", k, "unknown key (level2, level3)");
    bool too_long;
    int n = split_words(v, l2 ? rs->dir_l2 : rs->dir_l3, RS_MAX_PATTERNS, &too_long);
    if (too_long)
        return fail(c, "direction", k, "at most %d patterns of at most %d bytes", RS_MAX_PATTERNS,
                    RS_WORD_MAX - 1);
    *(l2 ? &rs->ndir_l2 : &rs->ndir_l3) = n;
    return 1;
}

/* [statements] ratio = 1 | none: the ratio of a statement actual on a number target. */
static int h_statements(rs_ctx *c, const char *k, const char *v)
{
    if (strcmp(k, "ratio")) return fail(c, "statements", k, "unknown key (ratio)");
    double d;
    if (!strcmp(v, "none")) {
        c->rs->stmt_scored = false;
        return 1;
    }
    if (!parse_num(v, &d) || d < 0 || d > 1)
        return fail(c, "statements", k, "\"%s\" is not a ratio in [0, 1] or none", v);
    c->rs->stmt_scored = true;
    c->rs->stmt_ratio = d;
    return 1;
}

/* [rounding] decimals = none | 0..4; mode = half_up | down */
static int h_rounding(rs_ctx *c, const char *k, const char *v)
{
    jx_ruleset *rs = c->rs;
    if (!strcmp(k, "decimals")) {
        double d;
        if (!strcmp(v, "none"))
            rs->round_decimals = -1;
        else if (parse_num(v, &d) && d >= 0 && d <= 4 && d == (int)d)
            rs->round_decimals = (int)d;
        else
            return fail(c, "rounding", k, "\"%s\" is not none or 0 to 4", v);
    } else if (!strcmp(k, "mode")) {
        if (!strcmp(v, "half_up"))
            rs->round_down = false;
        else if (!strcmp(v, "down"))
            rs->round_down = true;
        else
            return fail(c, "rounding", k, "\"%s\" is not half_up or down", v);
    } else {
        return fail(c, "rounding", k, "unknown key (decimals, mode)");
    }
    return 1;
}

double rs_round_points(const jx_ruleset *rs, double x)
{
    if (rs->round_decimals < 0 || !isfinite(x)) return x;
    double f = 1;
    for (int i = 0; i < rs->round_decimals; i++)
        f *= 10;
    /* points are >= 0; 1e-9 (in the last kept digit) absorbs binary noise: 4.35 × 10 is
     * 43.4999…, 2.4000000000000004 is 2.4 */
    double y = x * f;
    y = rs->round_down ? floor(y + 1e-9) : floor(y + 0.5 + 1e-9);
    return y / f;
}

/* [review]: settings of the bureau's 复核 (analyse/review.c). Optional: a rule set without them
 * makes `jixiao review` ask for --threshold. */
static int h_review(rs_ctx *c, const char *k, const char *v)
{
    double d;
    if (strcmp(k, "threshold")) return fail(c, "review", k, "unknown key (threshold)");
    if (!parse_num(v, &d) || d < 0 || d > 100)
        return fail(c, "review", k, "\"%s\" is not a number of points in [0, 100]", v);
    c->rs->review_threshold = d;
    c->rs->has_review_threshold = true;
    return 1;
}

static int h_total_grades(rs_ctx *c, const char *k, const char *v)
{
    jx_ruleset *rs = c->rs;
    double d;
    if (!parse_num(v, &d) || d < 0 || d > 100)
        return fail(c, "total_grades", k, "\"%s\" is not a score in [0, 100]", v);
    int i = 0;
    while (i < rs->ntotal_grade && strcmp(rs->total_grade[i].grade, k))
        i++;
    if (i == rs->ntotal_grade) {
        if (i >= RS_MAX_TOTAL_GRADES)
            return fail(c, "total_grades", k, "more than %d grades", RS_MAX_TOTAL_GRADES);
        if (!set_name(rs->total_grade[i].grade, sizeof rs->total_grade[i].grade, k))
            return fail(c, "total_grades", k, "too long");
        rs->ntotal_grade++;
    }
    rs->total_grade[i].min = d;
    return 1;
}

static const struct {
    const char *name;
    rs_method m;
} methods[] = {{"tiers", RS_M_TIERS},
               {"deduct", RS_M_DEDUCT},
               {"ratio", RS_M_RATIO},
               {"deviation", RS_M_DEVIATION},
               {"binary", RS_M_BINARY}};

/* tiers = 90:1, 80:0.8, 70:0.6, 60:0.4, 0:0 */
static int parse_tiers(rs_ctx *c, const char *sec, rs_override *o, const char *v)
{
    o->ntiers = 0;
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p) break;
        char *end;
        double bound = strtod(p, &end);
        if (end == p || *end != ':')
            return fail(c, sec, "tiers", "\"%s\" is not BOUND:RATIO, ...", v);
        p = end + 1;
        double ratio = strtod(p, &end);
        if (end == p || ratio < 0 || ratio > 1)
            return fail(c, sec, "tiers", "ratio in \"%s\" must be in [0, 1]", v);
        p = end;
        if (o->ntiers >= RS_MAX_TIERS)
            return fail(c, sec, "tiers", "more than %d tiers", RS_MAX_TIERS);
        if (o->ntiers > 0 && bound >= o->tiers[o->ntiers - 1].bound)
            return fail(c, sec, "tiers", "bounds must be listed highest first");
        o->tiers[o->ntiers].bound = bound;
        o->tiers[o->ntiers].ratio = ratio;
        o->ntiers++;
        while (*p == ' ')
            p++;
        if (*p && *p != ',') return fail(c, sec, "tiers", "\"%s\" is not BOUND:RATIO, ...", v);
    }
    if (o->ntiers == 0) return fail(c, sec, "tiers", "no tiers");
    return 1;
}

static int h_override(rs_ctx *c, const char *section, const char *k, const char *v)
{
    jx_ruleset *rs = c->rs;
    rs_override *o = &rs->ovr[c->ovr];
    if (!strcmp(k, "match") || !strcmp(k, "pattern")) {
        if (!set_name(o->match, sizeof o->match, v)) return fail(c, section, k, "too long");
        o->pattern = !strcmp(k, "pattern");
    } else if (!strcmp(k, "method")) {
        size_t i = 0;
        while (i < sizeof methods / sizeof *methods && strcmp(methods[i].name, v))
            i++;
        if (i == sizeof methods / sizeof *methods)
            return fail(c, section, k, "\"%s\" is not tiers, deduct, ratio, deviation or binary",
                        v);
        o->method = methods[i].m;
    } else if (!strcmp(k, "tiers")) {
        return parse_tiers(c, section, o, v);
    } else if (!strcmp(k, "limit")) {
        if (!parse_num(v, &o->limit)) return fail(c, section, k, "\"%s\" is not a number", v);
        o->has_limit = true;
    } else if (!strcmp(k, "per_unit")) {
        if (!parse_num(v, &o->per_unit) || o->per_unit < 0)
            return fail(c, section, k, "\"%s\" is not a number >= 0", v);
    } else if (!strcmp(k, "direction")) {
        if (!strcmp(v, "above"))
            o->below = false;
        else if (!strcmp(v, "below"))
            o->below = true;
        else
            return fail(c, section, k, "\"%s\" is not above or below", v);
    } else {
        return fail(c, section, k,
                    "unknown key (match, pattern, method, tiers, limit, per_unit, direction)");
    }
    return 1;
}

/* A new [override NAME] section: start an entry matching NAME exactly unless `match`/`pattern` says
 * otherwise. */
static int start_override(rs_ctx *c, const char *section)
{
    jx_ruleset *rs = c->rs;
    const char *name = section + strlen("override");
    while (*name == ' ' || *name == ':')
        name++;
    if (!*name) return fail(c, section, "-", "name the indicator: [override 三级指标名称]");
    /* the same section in a child replaces the parent's override (kept in its place) */
    int i = 0;
    while (i < rs->novr && strcmp(rs->ovr[i].section, section))
        i++;
    if (i == rs->novr && rs->novr >= RS_MAX_OVERRIDES)
        return fail(c, section, "-", "more than %d overrides", RS_MAX_OVERRIDES);
    if (i == rs->novr) rs->novr++;
    c->ovr = i;
    rs_override *o = &rs->ovr[i];
    memset(o, 0, sizeof *o);
    o->method = RS_M_RATIO;
    o->line = c->line;
    if (!set_name(o->match, sizeof o->match, name) ||
        !set_name(o->section, sizeof o->section, section))
        return fail(c, section, "-", "name too long");
    return 1;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
    rs_ctx *c = user;
    if (c->err) return 0;
    c->keys++;
    bool new_section = strcmp(section, c->section) != 0;
    if (new_section) {
        snprintf(c->section, sizeof c->section, "%s", section);
        if (!strncmp(section, "override", 8) && !start_override(c, section)) return 0;
    }
    if (!strcmp(section, "ruleset")) return h_ruleset(c, key, value);
    if (!strcmp(section, "level1")) return h_level1(c, key, value);
    if (!strcmp(section, "budget")) return h_budget(c, key, value);
    if (!strcmp(section, "aliases"))
        return put_pair(c, section, c->rs->l1_alias, &c->rs->nl1_alias, key, value);
    if (!strcmp(section, "units"))
        return put_pair(c, section, c->rs->unit_alias, &c->rs->nunit_alias, key, value);
    if (!strcmp(section, "operators")) return h_operators(c, key, value);
    if (!strcmp(section, "deadline")) return h_deadline(c, key, value);
    if (!strcmp(section, "overshoot")) return h_overshoot(c, key, value);
    if (!strcmp(section, "grades")) return h_grades(c, key, value);
    if (!strcmp(section, "scales")) return h_scales(c, key, value);
    if (!strcmp(section, "bands")) return h_bands(c, key, value);
    if (!strcmp(section, "band_words")) return h_band_words(c, key, value);
    if (!strcmp(section, "total_grades")) return h_total_grades(c, key, value);
    if (!strcmp(section, "direction")) return h_direction(c, key, value);
    if (!strcmp(section, "statements")) return h_statements(c, key, value);
    if (!strcmp(section, "rounding")) return h_rounding(c, key, value);
    if (!strcmp(section, "review")) return h_review(c, key, value);
    if (!strncmp(section, "override", 8)) return h_override(c, section, key, value);
    if (!*section) return fail(c, "", key, "key outside any section");
    return fail(c, section, key, "unknown section");
}

/* fgets-like reader over the text that counts lines and refuses lines inih would cut. */
static char *reader(char *str, int num, void *stream)
{
    rs_ctx *c = stream;
    if (c->err || !c->text[c->pos]) return NULL;
    const char *b = c->text + c->pos;
    const char *nl = strchr(b, '\n');
    size_t len = nl ? (size_t)(nl - b) + 1 : strlen(b);
    c->line++;
    if (len >= (size_t)num) {
        c->err = JX_ERR_RULES;
        jx_msg(c->msg, JX_ERR_RULES, "%s:%d: line longer than %d bytes", c->origin, c->line,
               num - 2);
        return NULL;
    }
    memcpy(str, b, len);
    str[len] = '\0';
    c->pos += len;
    return str;
}

static jx_err append_source(jx_ruleset *rs, const char *text, size_t len)
{
    size_t old = rs->source ? strlen(rs->source) : 0;
    char *s = realloc(rs->source, old + len + 1);
    if (!s) return JX_ERR_NOMEM;
    memcpy(s + old, text, len);
    s[old + len] = '\0';
    rs->source = s;
    return JX_OK;
}

static jx_err parse_into(jx_ruleset *rs, const char *text, size_t len, const char *origin,
                         const char *const *dirs, size_t ndirs, int depth, jx_errmsg *msg)
{
    if (depth >= RS_MAX_DEPTH)
        return jx_msg(msg, JX_ERR_RULES, "%s: extends chain deeper than %d", origin, RS_MAX_DEPTH);
    if (memchr(text, '\0', len))
        return jx_msg(msg, JX_ERR_RULES, "%s: contains a NUL byte", origin);
    char *copy = malloc(len + 1); /* inih wants a NUL-terminated text */
    if (!copy) return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    memcpy(copy, text, len);
    copy[len] = '\0';
    rs_ctx c = {.rs = rs,
                .origin = origin,
                .text = copy,
                .depth = depth,
                .dirs = dirs,
                .ndirs = ndirs,
                .msg = msg};
    int r = ini_parse_stream(reader, &c, handler, &c);
    jx_err err = c.err;
    if (!err && r != 0) {
        c.line = r > 0 ? r : c.line;
        err =
            jx_msg(msg, JX_ERR_RULES, "%s:%d: not a section header or KEY = VALUE line", origin, r);
    }
    /* the parent's text was appended by the recursive call; ours follows */
    if (!err && append_source(rs, copy, len)) err = jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    free(copy);
    return err;
}

static jx_err read_file(const char *path, char **out, size_t *len, jx_errmsg *msg)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return jx_msg(msg, errno == ENOENT ? JX_ERR_NOTFOUND : JX_ERR_IO, "%s: %s", path,
                      strerror(errno));
    char *buf = malloc(RS_MAX_FILE + 1);
    if (!buf) {
        fclose(f);
        return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    }
    size_t n = fread(buf, 1, RS_MAX_FILE + 1, f);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return jx_msg(msg, JX_ERR_IO, "%s: read error", path);
    }
    if (n > RS_MAX_FILE) {
        free(buf);
        return jx_msg(msg, JX_ERR_RULES, "%s: larger than %u bytes", path, RS_MAX_FILE);
    }
    *out = buf;
    *len = n;
    return JX_OK;
}

static bool is_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') || (n > 4 && !strcmp(s + n - 4, ".ini"));
}

static jx_err load_chain(jx_ruleset *rs, const char *name_or_path, const char *const *dirs,
                         size_t ndirs, int depth, jx_errmsg *msg)
{
    char path[1024];
    if (is_path(name_or_path)) {
        snprintf(path, sizeof path, "%s", name_or_path);
    } else {
        size_t i = 0;
        for (; i < ndirs; i++) {
            snprintf(path, sizeof path, "%s/%s.ini", dirs[i], name_or_path);
            FILE *f = fopen(path, "rb");
            if (f) {
                fclose(f);
                break;
            }
        }
        if (i == ndirs) {
            char where[600] = "";
            for (size_t k = 0; k < ndirs; k++)
                jx_fmt_trunc(where + strlen(where), sizeof where - strlen(where), "%s%s",
                             k ? ", " : "", dirs[k]);
            return jx_msg(msg, JX_ERR_NOTFOUND, "no rule set named \"%s\" (looked in: %s)",
                          name_or_path, ndirs ? where : "no directories");
        }
    }
    char *text = NULL;
    size_t len = 0;
    jx_err e = read_file(path, &text, &len, msg);
    if (e) return e;
    if (depth == 0) jx_fmt_trunc(rs->origin, sizeof rs->origin, "%s", path);
    e = parse_into(rs, text, len, path, dirs, ndirs, depth, msg);
    free(text);
    return e;
}

static const struct {
    unsigned bit;
    const char *key;
} required[] = {{RS_SEEN_BUDGET_WEIGHT, "[budget] weight"},
                {RS_SEEN_MISMATCH, "[budget] mismatch"},
                {RS_SEEN_LE, "[operators] le"},
                {RS_SEEN_EQ, "[operators] eq"},
                {RS_SEEN_EQ_TOL, "[operators] eq_tolerance"},
                {RS_SEEN_LATE, "[deadline] late"},
                {RS_SEEN_OVER_THRESHOLD, "[overshoot] threshold"},
                {RS_SEEN_OVER_ACTION, "[overshoot] action"}};

/* Checks that the complete rule set states every policy the scorer needs. */
static jx_err validate(jx_ruleset *rs, jx_errmsg *msg)
{
    const char *o = rs->origin;
    if (!rs->name[0] || !rs->named)
        return jx_msg(msg, JX_ERR_RULES,
                      "%s: [ruleset] name is missing (every file names its rule set)", o);
    if (rs->nl1 == 0) return jx_msg(msg, JX_ERR_RULES, "%s: [level1] states no weights", o);
    for (size_t k = 0; k < sizeof required / sizeof *required; k++)
        if (!(rs->seen & required[k].bit))
            return jx_msg(msg, JX_ERR_RULES, "%s: %s is missing (no policy is assumed)", o,
                          required[k].key);
    if (rs->implicit_op == JX_OP_NONE || rs->implicit_zero_op == JX_OP_NONE)
        return jx_msg(msg, JX_ERR_RULES, "%s: [operators] implicit and implicit_zero are required",
                      o);
    if (rs->ntotal_grade == 0) return jx_msg(msg, JX_ERR_RULES, "%s: [total_grades] is missing", o);
    for (int b = 0; b < RS_BAND__COUNT; b++)
        if (rs->band[b].hi <= 0 && b != RS_BAND_FAILED)
            return jx_msg(msg, JX_ERR_RULES, "%s: [bands] %s is missing", o, rs_band_names[b]);
    for (int i = 0; i < rs->novr; i++) {
        const rs_override *v = &rs->ovr[i];
        if (v->method == RS_M_TIERS && v->ntiers == 0)
            return jx_msg(msg, JX_ERR_RULES, "%s:%d: [override %s] method tiers needs tiers = ...",
                          o, v->line, v->match);
        if (v->method == RS_M_DEDUCT && (v->per_unit <= 0 || !v->has_limit))
            return jx_msg(msg, JX_ERR_RULES,
                          "%s:%d: [override %s] method deduct needs limit and per_unit > 0", o,
                          v->line, v->match);
    }
    for (int i = 0; i < rs->ngrade_alias; i++)
        if (!rs_grade_value(rs, rs->grade_alias[i].to, &(double){0}))
            return jx_msg(msg, JX_ERR_RULES, "%s: [grades] %s = %s: no grade %s", o,
                          rs->grade_alias[i].from, rs->grade_alias[i].to, rs->grade_alias[i].to);
    /* total grades, highest minimum first, so the first band reached is the grade */
    for (int i = 1; i < rs->ntotal_grade; i++)
        for (int j = i; j > 0 && rs->total_grade[j].min > rs->total_grade[j - 1].min; j--) {
            __typeof__(rs->total_grade[0]) t = rs->total_grade[j];
            rs->total_grade[j] = rs->total_grade[j - 1];
            rs->total_grade[j - 1] = t;
        }
    return JX_OK;
}

static bool compute_sha(jx_ruleset *rs)
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    const char *src = rs->source ? rs->source : "";
    if (!EVP_Digest(src, strlen(src), md, &mdlen, EVP_sha256(), NULL) || mdlen != 32) return false;
    for (int i = 0; i < 32; i++)
        snprintf(rs->sha256 + 2 * i, 3, "%02x", md[i]);
    return true;
}

static jx_err finish(jx_ruleset *rs, jx_errmsg *msg)
{
    jx_err e = validate(rs, msg);
    if (e) return e;
    if (!compute_sha(rs)) return jx_msg(msg, JX_ERR_RULES, "%s: SHA-256 failed", rs->origin);
    return JX_OK;
}

/* An empty rule set: zero, except what zero does not mean (points as computed). */
static jx_ruleset *new_ruleset(void)
{
    jx_ruleset *rs = calloc(1, sizeof *rs);
    if (rs) rs->round_decimals = -1;
    return rs;
}

jx_err jx_ruleset_load(const char *name_or_path, const char *const *dirs, size_t ndirs,
                       jx_ruleset **out, jx_errmsg *msg)
{
    if (!out) return jx_msg(msg, JX_ERR_INVALID, "jx_ruleset_load: out is NULL");
    *out = NULL;
    if (!name_or_path || !*name_or_path) return jx_msg(msg, JX_ERR_INVALID, "no rule set named");
    jx_ruleset *rs = new_ruleset();
    if (!rs) return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    jx_err e = load_chain(rs, name_or_path, dirs, ndirs, 0, msg);
    if (!e) e = finish(rs, msg);
    if (e) {
        jx_ruleset_free(rs);
        return e;
    }
    *out = rs;
    return JX_OK;
}

jx_err jx_ruleset_parse(const char *text, size_t len, const char *origin, const char *const *dirs,
                        size_t ndirs, jx_ruleset **out, jx_errmsg *msg)
{
    if (!out || (!text && len))
        return jx_msg(msg, JX_ERR_INVALID, "jx_ruleset_parse: bad arguments");
    *out = NULL;
    jx_ruleset *rs = new_ruleset();
    if (!rs) return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    snprintf(rs->origin, sizeof rs->origin, "%s", origin ? origin : "(memory)");
    jx_err e = parse_into(rs, text ? text : "", len, rs->origin, dirs, ndirs, 0, msg);
    if (!e) e = finish(rs, msg);
    if (e) {
        jx_ruleset_free(rs);
        return e;
    }
    *out = rs;
    return JX_OK;
}

void jx_ruleset_free(jx_ruleset *rs)
{
    if (!rs) return;
    free(rs->source);
    free(rs);
}

const char *jx_ruleset_name(const jx_ruleset *rs)
{
    return rs->name;
}
const char *jx_ruleset_title(const jx_ruleset *rs)
{
    return rs->title;
}
const char *jx_ruleset_origin(const jx_ruleset *rs)
{
    return rs->origin;
}
const char *jx_ruleset_sha256(const jx_ruleset *rs)
{
    return rs->sha256;
}
const char *jx_ruleset_source(const jx_ruleset *rs)
{
    return rs->source ? rs->source : "";
}
size_t jx_ruleset_level1_count(const jx_ruleset *rs)
{
    return (size_t)rs->nl1;
}
double jx_ruleset_budget_weight(const jx_ruleset *rs)
{
    return rs->budget_weight;
}

bool jx_ruleset_review_threshold(const jx_ruleset *rs, double *threshold)
{
    if (!rs || !rs->has_review_threshold) return false;
    if (threshold) *threshold = rs->review_threshold;
    return true;
}

jx_err jx_ruleset_level1(const jx_ruleset *rs, size_t i, const char **name, double *weight)
{
    if (i >= (size_t)rs->nl1) return JX_ERR_INVALID;
    if (name) *name = rs->l1[i].name;
    if (weight) *weight = rs->l1[i].weight;
    return JX_OK;
}

const char *jx_ruleset_canonical_level1(const jx_ruleset *rs, const char *name)
{
    for (int i = 0; i < rs->nl1_alias; i++)
        if (!strcmp(rs->l1_alias[i].from, name)) return rs->l1_alias[i].to;
    return name;
}

int rs_level1_index(const jx_ruleset *rs, const char *canonical_name)
{
    for (int i = 0; i < rs->nl1; i++)
        if (!strcmp(rs->l1[i].name, canonical_name)) return i;
    return -1;
}

const char *jx_ruleset_grade(const jx_ruleset *rs, double total)
{
    for (int i = 0; i < rs->ntotal_grade; i++)
        if (total >= rs->total_grade[i].min - 1e-9) return rs->total_grade[i].grade;
    return rs->ntotal_grade ? rs->total_grade[rs->ntotal_grade - 1].grade : "";
}

size_t jx_ruleset_scale_words(const jx_ruleset *rs, const char *scale, const char **words,
                              size_t cap)
{
    for (int i = 0; i < rs->nscale; i++) {
        if (strcmp(rs->scale[i].name, scale)) continue;
        for (int k = 0; k < rs->scale[i].nwords && (size_t)k < cap; k++)
            words[k] = rs->scale[i].words[k];
        return (size_t)rs->scale[i].nwords;
    }
    return 0;
}

const char *rs_canonical_unit(const jx_ruleset *rs, const char *unit)
{
    for (int i = 0; i < rs->nunit_alias; i++)
        if (!strcmp(rs->unit_alias[i].from, unit)) return rs->unit_alias[i].to;
    return unit;
}

bool rs_grade_value(const jx_ruleset *rs, const char *word, double *value)
{
    for (int i = 0; i < rs->ngrade_alias; i++)
        if (!strcmp(rs->grade_alias[i].from, word)) {
            word = rs->grade_alias[i].to;
            break;
        }
    for (int i = 0; i < rs->ngrade; i++)
        if (!strcmp(rs->grade[i].word, word)) {
            *value = rs->grade[i].value;
            return true;
        }
    return false;
}

/* fnmatch(pat, name, 0) == 0, without fnmatch for the patterns rule sets use: a literal
 * (no * ? [ or backslash) is compared whole, and `*` followed by a literal is a suffix. A byte
 * comparison gives fnmatch's answer in a UTF-8 locale too (UTF-8 is self-synchronising, and
 * fnmatch compares bytes when either text is not valid UTF-8); fnmatch's multibyte path cost
 * ~16,000 instructions per indicator of a cost 二级指标 (docs/performance.md). */
static bool glob_match(const char *pat, const char *name)
{
    bool star = pat[0] == '*';
    const char *lit = pat + star;
    if (strpbrk(lit, "*?[\\")) return fnmatch(pat, name, 0) == 0;
    if (!star) return strcmp(lit, name) == 0;
    size_t n = strlen(name), k = strlen(lit);
    return n >= k && memcmp(name + n - k, lit, k) == 0;
}

const rs_override *rs_find_override(const jx_ruleset *rs, const char *level3)
{
    if (!level3) return NULL;
    for (int i = 0; i < rs->novr; i++) {
        const rs_override *o = &rs->ovr[i];
        if (o->pattern ? glob_match(o->match, level3) : strcmp(o->match, level3) == 0) return o;
    }
    return NULL;
}

static bool any_match(const char pats[][RS_WORD_MAX], int n, const char *name)
{
    if (!name || !*name) return false;
    for (int i = 0; i < n; i++)
        if (glob_match(pats[i], name)) return true;
    return false;
}

bool rs_lower_is_better(const jx_ruleset *rs, const char *level2, const char *level3)
{
    return any_match(rs->dir_l2, rs->ndir_l2, level2) || any_match(rs->dir_l3, rs->ndir_l3, level3);
}

jx_err jx_ruleset_with_level1(const jx_ruleset *rs, const char *const *names, const double *weights,
                              size_t n, jx_ruleset **out, jx_errmsg *msg)
{
    if (!rs || !out || (n && (!names || !weights)))
        return jx_msg(msg, JX_ERR_INVALID, "bad arguments");
    *out = NULL;
    jx_ruleset *c = malloc(sizeof *c);
    if (!c) return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    *c = *rs;
    c->source = rs->source ? strdup(rs->source) : NULL;
    if (rs->source && !c->source) {
        free(c);
        return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    }
    for (size_t k = 0; k < n; k++) {
        if (!(weights[k] >= 0)) {
            jx_ruleset_free(c);
            return jx_msg(msg, JX_ERR_INVALID, "weight of %s must be >= 0", names[k]);
        }
        const char *canon = jx_ruleset_canonical_level1(rs, names[k]);
        int i = rs_level1_index(c, canon);
        if (i < 0) {
            if (c->nl1 >= RS_MAX_L1 || strlen(canon) >= RS_NAME_MAX) {
                jx_ruleset_free(c);
                return jx_msg(msg, JX_ERR_LIMIT, "cannot add level-1 weight %s", canon);
            }
            i = c->nl1++;
            snprintf(c->l1[i].name, sizeof c->l1[i].name, "%s", canon);
        }
        c->l1[i].weight = weights[k];
        c->l1[i].imposed = true;
        /* the scenario is part of the rule set's identity: state it in the text that is hashed */
        char line[RS_NAME_MAX + 96];
        int len = snprintf(line, sizeof line, "%s%s = %.17g ; imposed (what-if)\n",
                           k ? "" : "\n[level1]\n", canon, weights[k]);
        if (len < 0 || append_source(c, line, (size_t)len)) {
            jx_ruleset_free(c);
            return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
        }
    }
    if (!compute_sha(c)) {
        jx_ruleset_free(c);
        return jx_msg(msg, JX_ERR_RULES, "SHA-256 failed");
    }
    return (*out = c, JX_OK);
}
