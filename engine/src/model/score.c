/*
 * score.c - one indicator's ratio and points under a rule set.
 *
 * Pure and allocation-free: this is the inner loop of scoring, of what-if runs
 * and of the Monte Carlo sensitivity analysis. The method used and the numbers
 * compared are kept in jx_score, and jx_score_explain() turns them into the
 * one-line account an auditor reads. Formulas: docs/scoring.md.
 */
#include "jixiao/score.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model/ruleset_int.h"
#include "model/score_int.h"
#include "model/value_int.h"
#include "util/util_int.h"

static const struct {
    const char *name, *label;
} flag_info[JX_FLAG_COUNT] = {
    {"missing_reason", "未填写偏差原因"},
    {"overshoot", "超额完成较多，目标可能偏低"},
    {"placeholder_target", "指标值为占位符"},
    {"rescaled", "计分权重合计不为100，已折算"},
    {"budget_mismatch", "得分率与预算执行率不匹配"},
    {"all_full_marks", "全部指标满分"},
    {"missing_actual", "未填报实际完成值"},
    {"unclear_actual", "完成情况表述不明确，按达成计"},
    {"inferred_direction", "指标值未写方向，按指标名称推定为越低越好（≤）"},
    {"statement_actual", "实际完成值为文字表述，未填数值"},
    {"actual_operator", "实际完成值带比较符号，按其数值计"},
    {"unscorable", "实际完成值无法与指标值比较，记0分"},
};

static int flag_index(unsigned flag)
{
    for (int i = 0; i < JX_FLAG_COUNT; i++)
        if (flag == 1u << i) return i;
    return -1;
}

const char *jx_flag_name(unsigned flag)
{
    int i = flag_index(flag);
    return i < 0 ? "" : flag_info[i].name;
}

const char *jx_flag_label(unsigned flag)
{
    int i = flag_index(flag);
    return i < 0 ? "" : flag_info[i].label;
}

size_t jx_flags_str(unsigned flags, char *buf, size_t cap)
{
    size_t n = 0;
    if (cap) buf[0] = '\0';
    for (int i = 0; i < JX_FLAG_COUNT; i++) {
        if (!(flags & (1u << i))) continue;
        int k = snprintf(n < cap ? buf + n : NULL, n < cap ? cap - n : 0, "%s%s", n ? "," : "",
                         flag_info[i].name);
        if (k > 0) n += (size_t)k;
    }
    return n;
}

/* ---- units ---- */

/* Units of one family convert by their factor; a unit in no family only matches itself. */
static const struct {
    const char *unit;
    int family;
    double factor;
} unit_family[] = {
    {"元", 1, 1},   {"千元", 1, 1e3}, {"万元", 1, 1e4}, {"亿元", 1, 1e8},
    {"%", 2, 1e-2}, {"‰", 2, 1e-3},   {"‱", 2, 1e-4},
};

static bool unit_info(const char *u, int *family, double *factor)
{
    for (size_t i = 0; i < sizeof unit_family / sizeof *unit_family; i++)
        if (!strcmp(unit_family[i].unit, u)) {
            *family = unit_family[i].family;
            *factor = unit_family[i].factor;
            return true;
        }
    return false;
}

bool jx_unit_factor(const jx_ruleset *rs, const char *tu, const char *au, double *f)
{
    *f = 1;
    if (!*tu || !*au) return true; /* a bare number goes with any unit */
    tu = rs_canonical_unit(rs, tu);
    au = rs_canonical_unit(rs, au);
    if (!strcmp(tu, au)) return true;
    int tf, af;
    double tx, ax;
    if (unit_info(tu, &tf, &tx) && unit_info(au, &af, &ax) && tf == af) {
        *f = ax / tx;
        return true;
    }
    return false;
}

jx_op jx_target_op(const jx_ruleset *rs, const jx_value *t, const char *level2, const char *level3,
                   bool *inferred)
{
    if (inferred) *inferred = false;
    if (!t->implicit) return t->op;
    if (t->num == 0) return rs->implicit_zero_op; /* a bare zero: the rule set's reading */
    jx_op op = rs->implicit_op;
    if (op != JX_OP_LE && op != JX_OP_LT && rs_lower_is_better(rs, level2, level3)) {
        if (inferred) *inferred = true;
        op = JX_OP_LE;
    }
    return op;
}

static jx_op effective_op(const jx_ruleset *rs, const jx_indicator *ind, bool *inferred)
{
    return jx_target_op(rs, &ind->target, ind->level2, ind->level3, inferred);
}

bool jx_op_met(jx_op op, double a, double t, double tol)
{
    switch (op) {
    case JX_OP_GE:
        return a >= t;
    case JX_OP_GT:
        return a > t;
    case JX_OP_LE:
        return a <= t;
    case JX_OP_LT:
        return a < t;
    case JX_OP_EQ:
        return a == t || fabs(a - t) <= tol * fmax(fabs(t), fabs(a));
    default:
        return false;
    }
}

/* The plain formula for op when the target is missed (mof-2020 table). */
static void missed(const jx_ruleset *rs, jx_op op, double a, double t, bool le_deviation,
                   jx_score *s)
{
    switch (op) {
    case JX_OP_GE:
    case JX_OP_GT:
        if (t > 0) {
            s->method = JX_M_RATIO_UP;
            s->ratio = jx_clamp01(a / t);
        } else {
            s->method = JX_M_ZERO;
        }
        break;
    case JX_OP_LE:
    case JX_OP_LT:
        if (t == 0 || a == 0) {
            s->method = JX_M_ZERO;
        } else if (le_deviation) {
            s->method = JX_M_DEVIATION;
            s->ratio = jx_clamp01(1 - (a - t) / fabs(t));
        } else {
            s->method = JX_M_RATIO_DOWN;
            s->ratio = jx_clamp01(t / a);
        }
        break;
    case JX_OP_EQ:
        if (rs->eq == RS_EQ_BINARY || t == 0) {
            s->method = JX_M_ZERO;
        } else {
            s->method = JX_M_DEVIATION;
            s->ratio = jx_clamp01(1 - fabs(a - t) / fabs(t));
        }
        break;
    default:
        s->method = JX_M_ZERO;
    }
}

static void score_override(const rs_override *o, jx_op op, double a, double t, double tol,
                           const jx_ruleset *rs, jx_score *s)
{
    bool met = jx_op_met(op, a, t, tol);
    switch (o->method) {
    case RS_M_TIERS:
        s->method = JX_M_TIERS;
        s->detail = -1; /* below every tier */
        for (int i = 0; i < o->ntiers; i++)
            if (a >= o->tiers[i].bound) {
                s->ratio = o->tiers[i].ratio;
                s->detail = i;
                break;
            }
        break;
    case RS_M_DEDUCT:
        s->method = JX_M_DEDUCT;
        s->ratio = jx_deduct_ratio(s->weight, jx_deduct_lost(o, a));
        break;
    case RS_M_RATIO:
        if (met)
            s->method = JX_M_MET, s->ratio = 1;
        else
            missed(rs, op, a, t, false, s);
        break;
    case RS_M_DEVIATION:
        if (met)
            s->method = JX_M_MET, s->ratio = 1;
        else if (t == 0)
            s->method = JX_M_ZERO;
        else
            s->method = JX_M_DEVIATION, s->ratio = jx_clamp01(1 - fabs(a - t) / fabs(t));
        break;
    case RS_M_BINARY:
        s->method = met ? JX_M_MET : JX_M_ZERO;
        s->ratio = met ? 1 : 0;
        break;
    }
}

/* A statement of completion (完成, 已完成) where a number was wanted: the rule set's ratio,
 * flagged for the auditor (nothing was measured), or an input error when it gives none. */
static jx_err score_statement(const jx_ruleset *rs, const jx_indicator *ind, jx_score *s,
                              jx_errmsg *msg)
{
    if (!rs->stmt_scored)
        return jx_msg(msg, JX_ERR_PARSE,
                      "%s: actual \"%s\" states completion without a number, and rule set %s "
                      "does not score such statements ([statements] ratio)",
                      ind->level3 ? ind->level3 : "indicator", ind->actual.text, rs->name);
    s->method = JX_M_STATEMENT;
    s->ratio = rs->stmt_ratio;
    s->flags |= JX_FLAG_STATEMENT_ACTUAL;
    return JX_OK;
}

static jx_err score_number(const jx_ruleset *rs, const jx_indicator *ind, jx_score *s,
                           jx_errmsg *msg)
{
    const jx_value *t = &ind->target, *a = &ind->actual;
    double av;
    if (jx_value_is_statement(a)) {
        s->t = t->num;
        return score_statement(rs, ind, s, msg);
    }
    if (a->kind == JX_KIND_NUMBER) {
        double f;
        if (!jx_unit_factor(rs, t->unit, a->unit, &f))
            return jx_msg(msg, JX_ERR_UNIT,
                          "%s: actual unit \"%s\" is not comparable with target unit \"%s\"",
                          ind->level3 ? ind->level3 : "indicator", a->unit, t->unit);
        av = a->num * f;
    } else if (a->kind == JX_KIND_NA && !a->placeholder) {
        av = 0; /* only reached for a zero <= target: "无" means none happened */
    } else {
        char buf[64];
        jx_value_to_text(a, buf, sizeof buf);
        return jx_msg(msg, JX_ERR_PARSE, "%s: actual \"%s\" is not a number (target %s%g%s)",
                      ind->level3 ? ind->level3 : "indicator", buf, jx_op_str(t->op), t->num,
                      t->unit);
    }
    double tv = t->num;
    bool inferred;
    jx_op op = effective_op(rs, ind, &inferred);
    if (inferred) s->flags |= JX_FLAG_INFERRED_DIRECTION;
    s->a = av;
    s->t = tv;
    s->detail = (int)op; /* the operator applied (the rule set's, when the target's was implicit) */
    const rs_override *o = rs_find_override(rs, ind->level3);
    if (o) {
        score_override(o, op, av, tv, rs->eq_tolerance, rs, s);
        return JX_OK;
    }
    if (jx_op_met(op, av, tv, rs->eq_tolerance) ||
        ((op == JX_OP_GE || op == JX_OP_GT) && tv == 0 && av >= 0)) {
        s->method = JX_M_MET;
        s->ratio = 1;
        if ((op == JX_OP_GE || op == JX_OP_GT) && tv > 0 && av > tv * (1 + rs->over_threshold)) {
            s->flags |= JX_FLAG_OVERSHOOT;
            if (rs->over_action == RS_OVER_ZERO) {
                s->method = JX_M_ZERO;
                s->ratio = 0;
            } else if (rs->over_action == RS_OVER_DEDUCT) {
                double pp = (av / tv - 1 - rs->over_threshold) * 100;
                s->method = JX_M_OVERSHOOT;
                s->ratio = jx_clamp01(1 - rs->over_deduct * pp);
            }
        }
        return JX_OK;
    }
    missed(rs, op, av, tv, rs->le == RS_LE_DEVIATION, s);
    return JX_OK;
}

/* Count of an actual against a frequency target: 每季度 or `3次`. */
static jx_err score_frequency(const jx_ruleset *rs, const jx_indicator *ind, jx_score *s,
                              jx_errmsg *msg)
{
    const jx_value *a = &ind->actual;
    double n;
    if (jx_value_is_statement(a)) {
        s->t = ind->target.per_year;
        return score_statement(rs, ind, s, msg);
    }
    if (a->kind == JX_KIND_FREQUENCY)
        n = a->per_year;
    else if (a->kind == JX_KIND_NUMBER && (!a->unit[0] || strstr(a->unit, "次")))
        n = a->num; /* a count: 3, 3次, 3场次 */
    else
        return jx_msg(msg, JX_ERR_PARSE, "%s: actual is not a count (target %d times a year)",
                      ind->level3 ? ind->level3 : "indicator", ind->target.per_year);
    s->a = n;
    s->t = ind->target.per_year;
    if (n >= s->t)
        s->method = JX_M_MET, s->ratio = 1;
    else
        s->method = JX_M_FREQUENCY, s->ratio = jx_clamp01(n / s->t);
    return JX_OK;
}

/* Parses "75%" (the whole rest of a band word) into 0.75. */
static bool parse_rate(const char *s, double *r)
{
    double v = 0, scale = 0;
    const char *p = s;
    if (!(*p >= '0' && *p <= '9')) return false;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (scale)
                v += (*p - '0') * scale, scale /= 10;
            else
                v = v * 10 + (*p - '0');
        } else if (*p == '.' && !scale) {
            scale = 0.1;
        } else {
            break;
        }
    }
    if (strcmp(p, "%")) return false;
    *r = v / 100;
    return true;
}

/* Band names longest first, so 部分达成 is not read as 达成. */
static const int band_order[RS_BAND__COUNT] = {RS_BAND_PARTIAL, RS_BAND_FAILED, RS_BAND_MET};

static bool has_prefix(const char *s, const char *p)
{
    return !strncmp(s, p, strlen(p));
}

/* Band of a word actual against a word target (domain: 达成 / 部分达成 / 未达成). */
static jx_err score_band(const jx_ruleset *rs, const jx_indicator *ind, const char *text,
                         jx_score *s, jx_errmsg *msg)
{
    /* 1. an explicit band name, perhaps with a rate: 部分达成75% (longest names first) */
    for (int k = 0; k < RS_BAND__COUNT; k++) {
        int b = band_order[k];
        if (!has_prefix(text, rs_band_names[b])) continue;
        const char *rest = text + strlen(rs_band_names[b]);
        double r;
        s->method = JX_M_BAND;
        s->detail = b;
        if (*rest && parse_rate(rest, &r)) {
            if (r < rs->band[b].lo - 1e-9 || r > rs->band[b].hi + 1e-9)
                return jx_msg(msg, JX_ERR_PARSE, "%s: \"%s\": %g%% lies outside %s (%g–%g%%)",
                              ind->level3 ? ind->level3 : "indicator", text, r * 100,
                              rs_band_names[b], rs->band[b].lo * 100, rs->band[b].hi * 100);
            s->ratio = r;
            s->a = r;
        } else {
            s->ratio = rs->band[b].value;
        }
        return JX_OK;
    }
    s->method = JX_M_BAND;
    /* 2. the actual repeats the target word */
    if (ind->target.kind == JX_KIND_WORD && !strcmp(text, ind->target.text)) {
        s->detail = RS_BAND_MET;
        s->ratio = rs->band[RS_BAND_MET].value;
        return JX_OK;
    }
    /* 3. a negation as prefix (未完成, 不健全); then a qualification anywhere (基本健全,
     * 已基本完成); then 达成 words anywhere. A negation inside the text is not one (不断完善 vs
     * 无安全事故 both exist), so only the start counts for 未达成. */
    for (int i = 0; i < rs->band[RS_BAND_FAILED].nwords; i++)
        if (has_prefix(text, rs->band[RS_BAND_FAILED].words[i])) {
            s->detail = RS_BAND_FAILED;
            s->ratio = rs->band[RS_BAND_FAILED].value;
            return JX_OK;
        }
    for (int i = 0; i < rs->band[RS_BAND_PARTIAL].nwords; i++)
        if (strstr(text, rs->band[RS_BAND_PARTIAL].words[i])) {
            s->detail = RS_BAND_PARTIAL;
            s->ratio = rs->band[RS_BAND_PARTIAL].value;
            return JX_OK;
        }
    s->detail = RS_BAND_MET;
    s->ratio = rs->band[RS_BAND_MET].value;
    for (int i = 0; i < rs->band[RS_BAND_MET].nwords; i++)
        if (strstr(text, rs->band[RS_BAND_MET].words[i])) return JX_OK;
    /* 4. a statement with no band word: read as 达成, flagged for the auditor */
    s->flags |= JX_FLAG_UNCLEAR_ACTUAL;
    return JX_OK;
}

static jx_err grade_value(const jx_ruleset *rs, const jx_indicator *ind, const char *g, double *v,
                          jx_errmsg *msg)
{
    if (rs_grade_value(rs, g, v)) return JX_OK;
    return jx_msg(msg, JX_ERR_RULES, "%s: grade \"%s\" has no value in rule set %s",
                  ind->level3 ? ind->level3 : "indicator", g, rs->name);
}

/* Qualitative targets: a grade (优良差) or a word (健全). */
static jx_err score_qualitative(const jx_ruleset *rs, const jx_indicator *ind, jx_score *s,
                                jx_errmsg *msg)
{
    const jx_value *t = &ind->target, *a = &ind->actual;
    double tv = 1;
    jx_err e;
    if (t->kind == JX_KIND_GRADE && (e = grade_value(rs, ind, t->grade, &tv, msg))) return e;
    switch (a->kind) {
    case JX_KIND_GRADE: {
        double av;
        if ((e = grade_value(rs, ind, a->grade, &av, msg))) return e;
        s->a = av;
        s->t = tv;
        s->method = JX_M_GRADE;
        s->ratio = tv > 0 ? jx_clamp01(av / tv) : 1;
        return JX_OK;
    }
    case JX_KIND_WORD:
        return score_band(rs, ind, a->text, s, msg);
    case JX_KIND_NUMBER:
        if (!strcmp(a->unit,
                    "%")) { /* an attainment rate: 95%, measured against the target grade's value */
            s->method = JX_M_BAND;
            s->detail = -1;
            s->a = a->num / 100;
            s->ratio = tv > 0 ? jx_clamp01(a->num / 100 / tv) : 1;
            return JX_OK;
        }
        break;
    default:
        break;
    }
    char buf[64];
    jx_value_to_text(a, buf, sizeof buf);
    return jx_msg(msg, JX_ERR_PARSE,
                  "%s: actual \"%s\" cannot be scored against a qualitative target",
                  ind->level3 ? ind->level3 : "indicator", buf);
}

/* A deadline value's date in year y (its own year, else the record's): the day of a year-less
 * date is clamped to the month (2月底 and 2月29日 are the 28th in 2023). */
static void date_of(const jx_value *v, int year, int *y, int *d)
{
    *y = v->year ? v->year : year;
    int last = *y ? jx_month_days(*y, v->month) : 31;
    *d = v->day > last ? last : v->day;
}

static long day_number(const jx_value *v, int year)
{
    int y, d;
    date_of(v, year, &y, &d);
    return (long)y * 10000 + v->month * 100 + d; /* ordering only */
}

static jx_err score_deadline(const jx_ruleset *rs, const jx_indicator *ind, jx_score *s,
                             jx_errmsg *msg)
{
    const jx_value *t = &ind->target, *a = &ind->actual;
    int ty = t->year ? t->year : ind->year;
    jx_value month;
    if (jx_month_actual(a, ind->year, &month)) a = &month; /* `7月`: done in July */
    if (a->kind == JX_KIND_DEADLINE) {
        bool met = day_number(a, ind->year) <= day_number(t, ind->year);
        s->method = met ? JX_M_MET : JX_M_LATE;
        s->ratio = met ? 1 : rs->late_ratio;
        return JX_OK;
    }
    if (a->kind == JX_KIND_WORD) { /* 按时完成 / 未完成 / 基本完成 */
        jx_err e = score_band(rs, ind, a->text, s, msg);
        if (e) return e;
        if (s->detail == RS_BAND_PARTIAL) s->method = JX_M_LATE, s->ratio = rs->late_ratio;
        return JX_OK;
    }
    return jx_msg(msg, JX_ERR_PARSE,
                  "%s: actual is not a date or a completion word (target %04d-%02d-%02d)",
                  ind->level3 ? ind->level3 : "indicator", ty, t->month, t->day);
}

double jx_deduct_lost(const rs_override *o, double a)
{
    if (!o || o->method != RS_M_DEDUCT) return 0;
    double dist = o->below ? o->limit - a : a - o->limit;
    return dist > 0 ? o->per_unit * dist : 0;
}

double jx_deduct_ratio(double w, double lost)
{
    return w > 0 ? jx_clamp01((w - lost) / w) : (lost > 0 ? 0 : 1);
}

jx_err jx_score_indicator(const jx_ruleset *rs, const jx_indicator *ind, jx_score *out,
                          jx_errmsg *msg)
{
    if (!out) return jx_msg(msg, JX_ERR_INVALID, "jx_score_indicator: out is NULL");
    if (!rs || !ind) {
        memset(out, 0, sizeof *out);
        return jx_msg(msg, JX_ERR_INVALID, "jx_score_indicator: NULL argument");
    }
    return jx_score_weighted(rs, ind, ind->weight, out, msg);
}

jx_err jx_score_weighted(const jx_ruleset *rs, const jx_indicator *ind, double weight,
                         jx_score *out, jx_errmsg *msg)
{
    memset(out, 0, sizeof *out);
    const jx_value *t = &ind->target, *a = &ind->actual;
    out->weight = weight;
    if (t->kind == JX_KIND_NA) {
        out->method = JX_M_NA;
        if (t->placeholder) out->flags |= JX_FLAG_PLACEHOLDER_TARGET;
        return JX_OK;
    }
    out->scored = true;
    jx_op top = t->kind == JX_KIND_NUMBER ? effective_op(rs, ind, NULL) : JX_OP_NONE;
    bool zero_le = t->kind == JX_KIND_NUMBER && t->num == 0 && (top == JX_OP_LE || top == JX_OP_LT);
    if (!ind->has_actual || (a->kind == JX_KIND_NA && !(zero_le && !a->placeholder))) {
        out->method = JX_M_MISSING;
        out->flags |= JX_FLAG_MISSING_ACTUAL;
        if (!ind->has_reason) out->flags |= JX_FLAG_MISSING_REASON; /* r = 0 < 1 and no 偏差原因 */
        return JX_OK;
    }
    jx_err e;
    switch (t->kind) {
    case JX_KIND_NUMBER:
        e = score_number(rs, ind, out, msg);
        break;
    case JX_KIND_FREQUENCY:
        e = score_frequency(rs, ind, out, msg);
        break;
    case JX_KIND_DEADLINE:
        e = score_deadline(rs, ind, out, msg);
        break;
    default:
        e = score_qualitative(rs, ind, out, msg);
        break;
    }
    if (e) {
        memset(out, 0, sizeof *out);
        return e;
    }
    /* `≥90%` as an actual: read as its number (above), and flagged */
    if (a->kind == JX_KIND_NUMBER && !a->implicit) out->flags |= JX_FLAG_ACTUAL_OPERATOR;
    out->points = rs_round_points(rs, out->weight * out->ratio); /* [rounding] */
    if (out->ratio < 1 - 1e-12 && !ind->has_reason) out->flags |= JX_FLAG_MISSING_REASON;
    return JX_OK;
}

/* ---- explanations ---- */

/* A number for people: up to 4 decimals, trailing zeros dropped. */
static const char *num(char *buf, size_t cap, double x)
{
    jx_fmt_fixed(buf, cap, x, 4); /* "%.4f" */
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot) *e = '\0';
    }
    if (!strcmp(buf, "-0")) snprintf(buf, cap, "0");
    return buf;
}

/* A deadline's date with the record's year when it names none: 2021-12-31 (--12-31 unknown). */
static const char *date_str(char *buf, size_t cap, const jx_value *v, int year)
{
    int y, d;
    date_of(v, year, &y, &d);
    if (y)
        snprintf(buf, cap, "%04d-%02d-%02d", y, v->month, d);
    else
        snprintf(buf, cap, "--%02d-%02d", v->month, d);
    return buf;
}

/* The strings up to a NULL, one after another, into b (capacity cap) as snprintf("%s%s…")
 * writes them: what fits, NUL-terminated; returns the whole length. An explanation is made
 * for every indicator read back, and printf's cost was most of it. */
static int join(char *b, size_t cap, ...)
{
    va_list ap;
    va_start(ap, cap);
    size_t n = 0;
    for (const char *s; (s = va_arg(ap, const char *));) {
        size_t k = strlen(s);
        if (b && n < cap) {
            size_t room = cap - 1 - n, c = k < room ? k : room;
            memcpy(b + n, s, c);
        }
        n += k;
    }
    va_end(ap);
    if (b && cap) b[n < cap ? n : cap - 1] = '\0';
    return n > INT_MAX ? -1 : (int)n;
}

/* Append s to an explanation of length n so far, like snprintf. */
static int append(char *b, size_t cap, int n, const char *s)
{
    if (n < 0) return n;
    bool room = b && (size_t)n < cap;
    int k = join(room ? b + n : NULL, room ? cap - (size_t)n : 0, s, (char *)NULL);
    return k < 0 ? k : n + k;
}

/* "met" (达标) for each kind of target: the comparison that was met. */
static int explain_met(const jx_score *s, const jx_indicator *ind, char *b, size_t cap,
                       const char *a, const char *t, const char *w, const char *p)
{
    jx_kind k = ind ? ind->target.kind : JX_KIND_NA;
    if (k == JX_KIND_NUMBER) {
        const char *u = ind->target.unit;
        return join(b, cap, a, u, " ", jx_op_sign((jx_op)s->detail), " ", t, u, "，达标 → 1 × ", w,
                    " = ", p, s->flags & JX_FLAG_OVERSHOOT ? "，超出目标较多（保留得分）" : "",
                    (char *)NULL);
    }
    if (k == JX_KIND_FREQUENCY)
        return join(b, cap, "每年", a, "次 ≥ 每年", t, "次，达标 → 1 × ", w, " = ", p,
                    (char *)NULL);
    jx_value month;
    const jx_value *av = &ind->actual;
    if (k == JX_KIND_DEADLINE && ind->has_actual && jx_month_actual(av, ind->year, &month))
        av = &month;
    if (k == JX_KIND_DEADLINE && ind->has_actual && av->kind == JX_KIND_DEADLINE) {
        char ad[24], td[24];
        return snprintf(b, cap, "%s ≤ %s，按期完成 → 1 × %s = %s",
                        date_str(ad, sizeof ad, av, ind->year),
                        date_str(td, sizeof td, &ind->target, ind->year), w, p);
    }
    return join(b, cap, "达标 → 1 × ", w, " = ", p, (char *)NULL);
}

size_t jx_score_explain(const jx_score *s, const jx_indicator *ind, char *buf, size_t cap)
{
    char a[32], t[32], r[32], w[32], p[32];
    num(a, sizeof a, s->a);
    num(t, sizeof t, s->t);
    num(r, sizeof r, s->ratio);
    num(w, sizeof w, s->weight);
    double raw = s->weight * s->ratio; /* the formula's points; s->points may be rounded */
    num(p, sizeof p, raw);
    const char *unit = ind && ind->target.kind == JX_KIND_NUMBER ? ind->target.unit : "";
    int n = 0;
    char *b = cap ? buf : NULL;
    switch (s->method) {
    case JX_M_NA:
        n = join(b, cap, "不适用，不计分", (char *)NULL);
        break;
    case JX_M_MISSING:
        n = join(b, cap, "未填报实际完成值：0 × ", w, " = 0", (char *)NULL);
        break;
    case JX_M_MET:
        n = explain_met(s, ind, b, cap, a, t, w, p);
        break;
    case JX_M_RATIO_UP:
        n = join(b, cap, a, "/", t, " = ", r, " × ", w, " = ", p, (char *)NULL);
        break;
    case JX_M_RATIO_DOWN:
        n = join(b, cap, t, "/", a, " = ", r, " × ", w, " = ", p, (char *)NULL);
        break;
    case JX_M_DEVIATION:
        n = join(b, cap, "1 − |", a, " − ", t, "|/", t, " = ", r, " × ", w, " = ", p, (char *)NULL);
        break;
    case JX_M_ZERO:
        n = join(b, cap,
                 s->flags & JX_FLAG_OVERSHOOT ? "超出目标超过阈值，按规则不得分"
                                              : "未达标，按规则不得分",
                 "：0 × ", w, " = 0", (char *)NULL);
        break;
    case JX_M_FREQUENCY:
        n = join(b, cap, "每年", a, "次/每年", t, "次 = ", r, " × ", w, " = ", p, (char *)NULL);
        break;
    case JX_M_LATE:
        n = join(b, cap, s->detail == RS_BAND_PARTIAL ? "部分完成，按逾期计" : "逾期完成", "：", r,
                 " × ", w, " = ", p, (char *)NULL);
        break;
    case JX_M_GRADE:
        n = join(b, cap, ind ? ind->actual.grade : "?", "/",
                 ind && ind->target.kind == JX_KIND_GRADE ? ind->target.grade : "达成", " = ", a,
                 "/", t, " = ", r, " × ", w, " = ", p, (char *)NULL);
        break;
    case JX_M_BAND:
        if (s->detail >= 0 && s->detail < RS_BAND__COUNT)
            n = join(b, cap, rs_band_names[s->detail], " = ", r, " × ", w, " = ", p,
                     s->flags & JX_FLAG_UNCLEAR_ACTUAL ? "（无达成程度用语，按达成计）" : "",
                     (char *)NULL);
        else
            n = join(b, cap, "完成率 ", r, " × ", w, " = ", p, (char *)NULL);
        break;
    case JX_M_TIERS:
        n = snprintf(b, cap, "%s%s → %s：%s × %s = %s", a, unit,
                     s->detail >= 0 ? "达到分档" : "低于各档", r, w, p);
        break;
    case JX_M_DEDUCT:
        n = snprintf(b, cap, "%s%s：%s − 扣分 = %s（得分率 %s）", a, unit, w, p, r);
        break;
    case JX_M_OVERSHOOT:
        n = snprintf(b, cap, "超出目标较多 %s/%s，扣减为 %s × %s = %s", a, t, r, w, p);
        break;
    case JX_M_STATEMENT: {
        char q[64]; /* the statement, cut to keep the line short */
        const char *txt = ind && ind->actual.kind == JX_KIND_WORD ? ind->actual.text : "";
        jx_copy_clip(q, sizeof q, txt, strlen(txt));
        n = snprintf(b, cap, "文字表述“%s”，未填数值，按规则计 %s × %s = %s", q, r, w, p);
        break;
    }
    case JX_M_UNSCORABLE:
        if (s->detail == JX_ERR_UNIT && ind && ind->target.kind == JX_KIND_NUMBER &&
            ind->actual.kind == JX_KIND_NUMBER)
            n = snprintf(b, cap,
                         "实际完成值的单位“%s”与指标值的单位“%s”不可比，无法计分：0 × %s = 0",
                         ind->actual.unit, ind->target.unit, w);
        else
            n = snprintf(b, cap, "实际完成值无法与指标值比较（%s），无法计分：0 × %s = 0",
                         s->detail == JX_ERR_UNIT    ? "单位不可比"
                         : s->detail == JX_ERR_RULES ? "不在规则的分档之内"
                                                     : "类型不符",
                         w);
        break;
    }
    if (fabs(raw - s->points) > 1e-9) { /* [rounding]: the points credited */
        char q[32], note[64];
        snprintf(note, sizeof note, "，按规则舍入为 %s", num(q, sizeof q, s->points));
        n = append(b, cap, n, note);
    }
    if (s->flags & JX_FLAG_INFERRED_DIRECTION)
        n = append(b, cap, n, "（未写方向，按指标名称推定为≤）");
    if (s->flags & JX_FLAG_ACTUAL_OPERATOR && ind && ind->actual.kind == JX_KIND_NUMBER) {
        char note[64];
        snprintf(note, sizeof note, "（实际完成值所带“%s”不计）", jx_op_sign(ind->actual.op));
        n = append(b, cap, n, note);
    }
    if (n < 0) return 0;
    if (cap && (size_t)n >= cap) { /* cut: keep whole characters only */
        size_t k = 0, d;
        uint32_t cp;
        while (k < cap - 1 && (d = jx_utf8_decode(buf + k, cap - 1 - k, &cp)) > 0)
            k += d;
        buf[k] = '\0';
    }
    return (size_t)n;
}
