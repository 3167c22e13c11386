/*
 * xlsx_formula.c - how one indicator's ratio (得分率) is written in the 自评表:
 * as an Excel formula over the target and actual cells, or as a constant.
 *
 * For every rule that can be stated over numbers (docs/xlsx.md, "Formulas"),
 * the formula is built next to a C evaluation of the very same expression, on
 * the very numbers written to the cells. The formula is used only when that
 * evaluation gives the ratio the engine stored (within 1e-12); otherwise the
 * ratio is written as a constant beside the engine's explanation. So a
 * recalculated workbook always shows the engine's numbers, whatever a rule set
 * does that the formulas do not know.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util_int.h"
#include "model/score_int.h"
#include "write/xlsx_write_int.h"

/* ---- a bounded string builder ---- */

typedef struct fb {
    char *s;
    size_t cap, len;
    bool over; /* ran out of room, or an expression could not be stated */
} fb;

static void fb_fmt(fb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fb_fmt(fb *b, const char *fmt, ...)
{
    if (b->over) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= b->cap - b->len) {
        b->over = true;
        b->s[b->len] = '\0';
        return;
    }
    b->len += (size_t)n;
}

void xp_num(char *buf, size_t cap, double x)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*G", prec, x);
        if (strtod(buf, NULL) == x) break;
    }
    if (x < 0) { /* a negative literal goes in parentheses: 1-(-0.5) */
        char tmp[48];
        snprintf(tmp, sizeof tmp, "(%s)", buf);
        snprintf(buf, cap, "%s", tmp);
    }
}

/* A number for a formula: N(k) gives the k-th of a few rotating buffers. */
typedef struct nums {
    char b[8][48];
    int k;
} nums;

static const char *N(nums *n, double x)
{
    char *b = n->b[n->k++ & 7];
    xp_num(b, sizeof n->b[0], x);
    return b;
}

/* A string literal for a formula: "…" with quotes doubled. */
static void fb_strlit(fb *b, const char *s)
{
    fb_fmt(b, "\"");
    for (const char *p = s; *p && !b->over; p++)
        fb_fmt(b, *p == '"' ? "\"\"" : "%c", *p);
    fb_fmt(b, "\"");
}

/* units: the engine's own conversion (score.c, jx_unit_factor in score_int.h) */

/* ---- number targets: the engine's formulas (score.c) over cells A (actual) and T (target) ---- */

static void f_met(fb *b, nums *n, jx_op op, const char *A, const char *T, double tol)
{
    switch (op) {
    case JX_OP_GE:
        fb_fmt(b, "%s>=%s", A, T);
        break;
    case JX_OP_GT:
        fb_fmt(b, "%s>%s", A, T);
        break;
    case JX_OP_LE:
        fb_fmt(b, "%s<=%s", A, T);
        break;
    case JX_OP_LT:
        fb_fmt(b, "%s<%s", A, T);
        break;
    case JX_OP_EQ:
        fb_fmt(b, "ABS(%s-%s)<=%s*MAX(ABS(%s),ABS(%s))", A, T, N(n, tol), T, A);
        break;
    default:
        b->over = true;
    }
}

/* The target missed: score.c missed(). */
static double c_missed(const jx_ruleset *rs, jx_op op, double a, double t, bool le_dev)
{
    switch (op) {
    case JX_OP_GE:
    case JX_OP_GT:
        return t > 0 ? jx_clamp01(a / t) : 0;
    case JX_OP_LE:
    case JX_OP_LT:
        if (t == 0 || a == 0) return 0;
        return le_dev ? jx_clamp01(1 - (a - t) / fabs(t)) : jx_clamp01(t / a);
    case JX_OP_EQ:
        return rs->eq == RS_EQ_BINARY || t == 0 ? 0 : jx_clamp01(1 - fabs(a - t) / fabs(t));
    default:
        return 0;
    }
}

static void f_missed(fb *b, const jx_ruleset *rs, jx_op op, const char *A, const char *T,
                     bool le_dev)
{
    switch (op) {
    case JX_OP_GE:
    case JX_OP_GT:
        fb_fmt(b, "IF(%s>0,MAX(0,MIN(1,%s/%s)),0)", T, A, T);
        break;
    case JX_OP_LE:
    case JX_OP_LT:
        if (le_dev)
            fb_fmt(b, "IF(OR(%s=0,%s=0),0,MAX(0,MIN(1,1-(%s-%s)/ABS(%s))))", T, A, A, T, T);
        else
            fb_fmt(b, "IF(OR(%s=0,%s=0),0,MAX(0,MIN(1,%s/%s)))", T, A, T, A);
        break;
    case JX_OP_EQ:
        if (rs->eq == RS_EQ_BINARY)
            fb_fmt(b, "0");
        else
            fb_fmt(b, "IF(%s=0,0,MAX(0,MIN(1,1-ABS(%s-%s)/ABS(%s))))", T, A, T, T);
        break;
    default:
        b->over = true;
    }
}

static double c_deviation(double a, double t)
{
    return t == 0 ? 0 : jx_clamp01(1 - fabs(a - t) / fabs(t));
}

/* An override (score.c score_override()). W is the weight cell. */
static double c_override(const jx_ruleset *rs, const rs_override *o, jx_op op, double a, double t,
                         double w)
{
    bool met = jx_op_met(op, a, t, rs->eq_tolerance);
    switch (o->method) {
    case RS_M_TIERS:
        for (int i = 0; i < o->ntiers; i++)
            if (a >= o->tiers[i].bound) return o->tiers[i].ratio;
        return 0;
    case RS_M_DEDUCT: {
        double dist = o->below ? o->limit - a : a - o->limit;
        double lost = dist > 0 ? o->per_unit * dist : 0;
        return w > 0 ? jx_clamp01((w - lost) / w) : (lost > 0 ? 0 : 1);
    }
    case RS_M_RATIO:
        return met ? 1 : c_missed(rs, op, a, t, false);
    case RS_M_DEVIATION:
        return met ? 1 : c_deviation(a, t);
    case RS_M_BINARY:
        return met ? 1 : 0;
    }
    return 0;
}

static void f_override(fb *b, nums *n, const jx_ruleset *rs, const rs_override *o, jx_op op,
                       const char *A, const char *T, const char *W)
{
    switch (o->method) {
    case RS_M_TIERS:
        for (int i = 0; i < o->ntiers; i++)
            fb_fmt(b, "IF(%s>=%s,%s,", A, N(n, o->tiers[i].bound), N(n, o->tiers[i].ratio));
        fb_fmt(b, "0");
        for (int i = 0; i < o->ntiers; i++)
            fb_fmt(b, ")");
        return;
    case RS_M_DEDUCT: {
        char dist[96];
        if (o->below)
            snprintf(dist, sizeof dist, "%s-%s", N(n, o->limit), A);
        else
            snprintf(dist, sizeof dist, "%s-%s", A, N(n, o->limit));
        const char *pu = N(n, o->per_unit);
        fb_fmt(b, "IF(%s>0,MAX(0,MIN(1,(%s-%s*MAX(0,%s))/%s)),IF(%s*MAX(0,%s)>0,0,1))", W, W, pu,
               dist, W, pu, dist);
        return;
    }
    case RS_M_RATIO:
    case RS_M_DEVIATION:
    case RS_M_BINARY:
        fb_fmt(b, "IF(");
        f_met(b, n, op, A, T, rs->eq_tolerance);
        fb_fmt(b, ",1,");
        if (o->method == RS_M_RATIO)
            f_missed(b, rs, op, A, T, false);
        else if (o->method == RS_M_DEVIATION)
            fb_fmt(b, "IF(%s=0,0,MAX(0,MIN(1,1-ABS(%s-%s)/ABS(%s))))", T, A, T, T);
        else
            fb_fmt(b, "0");
        fb_fmt(b, ")");
        return;
    }
    b->over = true;
}

/* The plain rule of a number target: met (with overshoot) or missed. */
static double c_number(const jx_ruleset *rs, jx_op op, double a, double t)
{
    bool up = op == JX_OP_GE || op == JX_OP_GT;
    if (jx_op_met(op, a, t, rs->eq_tolerance) || (up && t == 0 && a >= 0)) {
        if (up && t > 0 && a > t * (1 + rs->over_threshold)) {
            if (rs->over_action == RS_OVER_ZERO) return 0;
            if (rs->over_action == RS_OVER_DEDUCT)
                return jx_clamp01(1 - rs->over_deduct * ((a / t - 1 - rs->over_threshold) * 100));
        }
        return 1;
    }
    return c_missed(rs, op, a, t, rs->le == RS_LE_DEVIATION);
}

static void f_number(fb *b, nums *n, const jx_ruleset *rs, jx_op op, const char *A, const char *T)
{
    bool up = op == JX_OP_GE || op == JX_OP_GT;
    fb_fmt(b, up ? "IF(OR(" : "IF(");
    f_met(b, n, op, A, T, rs->eq_tolerance);
    if (up) fb_fmt(b, ",AND(%s=0,%s>=0))", T, A);
    fb_fmt(b, ",");
    if (up && rs->over_action != RS_OVER_KEEP) {
        const char *k = N(n, 1 + rs->over_threshold);
        fb_fmt(b, "IF(AND(%s>0,%s>%s*%s),", T, A, T, k);
        if (rs->over_action == RS_OVER_ZERO)
            fb_fmt(b, "0");
        else
            fb_fmt(b, "MAX(0,MIN(1,1-%s*((%s/%s-1-%s)*100)))", N(n, rs->over_deduct), A, T,
                   N(n, rs->over_threshold));
        fb_fmt(b, ",1)");
    } else {
        fb_fmt(b, "1");
    }
    fb_fmt(b, ",");
    f_missed(b, rs, op, A, T, rs->le == RS_LE_DEVIATION);
    fb_fmt(b, ")");
}

/* ---- qualitative targets: lookup tables as defined names ---- */

static bool grade_lookup(const jx_ruleset *rs, const char *word, double *v)
{
    for (int i = 0; i < rs->ngrade; i++)
        if (!strcmp(rs->grade[i].word, word)) return (*v = rs->grade[i].value, true);
    for (int i = 0; i < rs->ngrade_alias; i++)
        if (!strcmp(rs->grade_alias[i].from, word))
            return rs_grade_value(rs, rs->grade_alias[i].to, v);
    return false;
}

static bool band_lookup(const jx_ruleset *rs, const char *word, double *v)
{
    for (int b = 0; b < RS_BAND__COUNT; b++)
        if (!strcmp(rs_band_names[b], word)) return (*v = rs->band[b].value, true);
    return false;
}

size_t xp_grades_name(const jx_ruleset *rs, char *buf, size_t cap)
{
    fb b = {.s = buf, .cap = cap};
    nums n = {0};
    fb_fmt(&b, "={");
    int k = 0;
    for (int i = 0; i < rs->ngrade; i++, k++) {
        fb_fmt(&b, k ? ";" : "");
        fb_strlit(&b, rs->grade[i].word);
        fb_fmt(&b, ",%s", N(&n, rs->grade[i].value));
    }
    for (int i = 0; i < rs->ngrade_alias; i++) {
        double v;
        if (!rs_grade_value(rs, rs->grade_alias[i].to, &v)) continue;
        fb_fmt(&b, k++ ? ";" : "");
        fb_strlit(&b, rs->grade_alias[i].from);
        fb_fmt(&b, ",%s", N(&n, v));
    }
    fb_fmt(&b, "}");
    return b.over ? 0 : b.len;
}

size_t xp_bands_name(const jx_ruleset *rs, char *buf, size_t cap)
{
    fb b = {.s = buf, .cap = cap};
    nums n = {0};
    fb_fmt(&b, "={");
    for (int i = 0; i < RS_BAND__COUNT; i++) {
        fb_fmt(&b, i ? ";" : "");
        fb_strlit(&b, rs_band_names[i]);
        fb_fmt(&b, ",%s", N(&n, rs->band[i].value));
    }
    fb_fmt(&b, "}");
    return b.over ? 0 : b.len;
}

/* ---- dates: Excel serial numbers (1900 system; days since 1899-12-30) ---- */

static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static double excel_date(int y, int m, int d)
{
    return (double)(days_from_civil(y, m, d) - days_from_civil(1899, 12, 30));
}

/* ---- the plan ---- */

/* The operator the indicator's number target is scored under: the scorer's own choice (written,
 * implicit, or inferred from the indicator's name by [direction]), so the 指标性质 cell and the
 * formula say what the engine did. Without the rule set, the 指标性质 cell's best guess. */
static jx_op effective_op(const jx_ruleset *rs, const jx_value *t, const jx_run_indicator *in)
{
    if (rs) return jx_target_op(rs, t, in->level2, in->level3, NULL);
    if (!t->implicit) return t->op;
    return t->num == 0 ? JX_OP_LE : JX_OP_GE;
}

static void cell_text(xcell *c, const char *s)
{
    c->kind = XC_TEXT;
    c->text = s;
}

/* The number format of a value in @p unit, after an optional operator shown before it:
 * "≥"General"件"; a unit a format cannot quote is left out. */
static void nf_unit(char *nf, const char *op, const char *unit)
{
    size_t n = 0;
    nf[0] = '\0';
    if (op && *op) n = (size_t)snprintf(nf, XW_NF_MAX, "\"%s\"", op);
    bool quotable = unit && *unit && !strpbrk(unit, "\"\\") && strlen(unit) + n + 12 < XW_NF_MAX;
    if (n || quotable)
        snprintf(nf + n, XW_NF_MAX - n, quotable ? "General\"%s\"" : "General", unit);
}

/* A percentage format with the decimals @p pct (in percent, NAN: up to two) needs. */
static void nf_pct(char *nf, const char *op, double pct)
{
    int d = 0;
    if (isnan(pct))
        d = -1;
    else
        while (d < 4 && fabs(pct * pow(10, d) - nearbyint(pct * pow(10, d))) > 1e-9)
            d++;
    const char *q = op && *op ? "\"" : "";
    snprintf(nf, XW_NF_MAX, "%s%s%s0%s%.*s%%", q, op ? op : "", q, d ? "." : "", d < 0 ? 2 : d,
             d < 0 ? "0#" : "0000");
}

static void cell_num(xcell *c, double x, const char *nf)
{
    c->kind = XC_NUM;
    c->num = x;
    snprintf(c->nf, sizeof c->nf, "%s", nf);
}

static void cell_blank(xcell *c, const char *nf)
{
    c->kind = XC_BLANK;
    snprintf(c->nf, sizeof c->nf, "%s", nf);
}

/* Dropdown words of a qualitative target's 实际完成值 cell. */
static void dropdown(const jx_ruleset *rs, const jx_value *t, xplan *p)
{
    if (t->kind == JX_KIND_GRADE) {
        const char *w[RS_MAX_SCALE_WORDS];
        size_t n = jx_ruleset_scale_words(rs, t->scale, w, RS_MAX_SCALE_WORDS);
        for (size_t i = 0; i < n && i < RS_MAX_SCALE_WORDS; i++)
            p->drop[p->ndrop++] = w[i];
        return;
    }
    double v;
    snprintf(p->tword, sizeof p->tword, "%s", t->text);
    if (p->tword[0] && !band_lookup(rs, p->tword, &v)) p->drop[p->ndrop++] = p->tword;
    for (int b = 0; b < RS_BAND__COUNT; b++)
        p->drop[p->ndrop++] = rs_band_names[b];
}

/* The cells of a formula's row, as formulas name them. */
typedef struct xrefs {
    char E[16], D[16], F[16], M[16], N[16];
} xrefs;

/* What planning one indicator needs besides the plan. */
typedef struct xpctx {
    const jx_ruleset *rs;
    const jx_run_indicator *in;
    int year;
    bool blank, has_a, aok;
    jx_value tv, av;
    xrefs r;
    fb b;
    nums n;
    double got; /* the C evaluation of the formula on the cells written */
    bool can;
} xpctx;

/* A number target: the engine's rule, or an override, over the cells (a rate's cells hold
 * fractions: 95% is 0.95 shown as 95%, as a spreadsheet stores a percentage). */
static void plan_number(xpctx *c, xplan *p)
{
    const jx_ruleset *rs = c->rs;
    bool pct = !strcmp(c->tv.unit, "%");
    double scale = pct ? 100 : 1;
    jx_op op = effective_op(rs, &c->tv, c->in);
    char nf[XW_NF_MAX];
    if (pct)
        nf_pct(nf, p->op, c->tv.num);
    else
        nf_unit(nf, p->op, c->tv.unit);
    cell_num(&p->t, c->tv.num / scale, nf);
    p->input = pct ? XI_PERCENT : XI_NUMBER;
    p->numeric = true;
    snprintf(p->unit, sizeof p->unit, "%s", c->tv.unit);
    if (pct)
        nf_pct(nf, NULL, NAN);
    else
        nf_unit(nf, NULL, c->tv.unit);
    if (c->blank) cell_blank(&p->a, nf);
    const char *A = c->r.E, *T = c->r.D;
    double a = 0, f = 1;
    if (c->aok && c->av.kind == JX_KIND_NUMBER) {
        if (!rs || !jx_unit_factor(rs, c->tv.unit, c->av.unit, &f)) c->can = false;
        a = c->av.num * f;
        if (pct && f == 1 && (!strcmp(c->av.unit, "%") || !c->av.unit[0])) {
            nf_pct(nf, NULL, c->av.num);
            cell_num(&p->a, c->av.num / 100, nf);
        } else {
            nf_unit(nf, NULL, c->av.unit);
            cell_num(&p->a, c->av.num, nf);
        }
        if (f != 1) {
            p->has_ha = p->ha_formula = true;
            p->ha = a / scale;
            snprintf(p->haf, sizeof p->haf, "=%s*%s", c->r.E, N(&c->n, f / scale));
            A = c->r.N;
        }
    } else if (c->has_a) {
        c->can = false; /* an n/a or non-numeric actual: the engine's special cases */
    }
    if (!c->can) return;
    const rs_override *o = rs_find_override(rs, c->in->level3);
    char As[24], Ts[24];
    snprintf(As, sizeof As, pct && o ? "(%s*100)" : "%s", A);
    snprintf(Ts, sizeof Ts, pct && o ? "(%s*100)" : "%s", T);
    fb_fmt(&c->b, "=IF(ISNUMBER(%s),", c->r.E); /* empty or text: 0 */
    if (o)
        f_override(&c->b, &c->n, rs, o, op, As, Ts, c->r.F);
    else
        f_number(&c->b, &c->n, rs, op, As, Ts);
    fb_fmt(&c->b, ",0)");
    c->got = !c->has_a ? 0
             : o       ? c_override(rs, o, op, a, c->tv.num, c->in->score.weight)
                       : c_number(rs, op, a, c->tv.num);
}

static void plan_frequency(xpctx *c, xplan *p)
{
    p->has_ht = true;
    p->ht = c->tv.per_year;
    p->input = XI_NUMBER;
    p->numeric = true;
    snprintf(p->unit, sizeof p->unit, "次/年");
    char nf[XW_NF_MAX];
    nf_unit(nf, NULL, "次");
    if (c->blank) cell_blank(&p->a, nf);
    const jx_value *av = &c->av;
    double a = 0;
    bool word = false;
    if (c->aok && av->kind == JX_KIND_NUMBER && (!av->unit[0] || strstr(av->unit, "次"))) {
        nf_unit(nf, NULL, av->unit);
        cell_num(&p->a, av->num, nf);
        a = av->num;
    } else if (c->aok && av->kind == JX_KIND_FREQUENCY) {
        p->has_ha = true;
        p->ha = a = av->per_year;
        word = true;
        p->numeric = false; /* the formula reads the word's count, not the cell */
    } else if (c->has_a) {
        c->can = false;
    }
    if (!c->can) return;
    const char *E = c->r.E, *M = c->r.M, *A = word ? c->r.N : E;
    if (word)
        fb_fmt(&c->b, "=IF(%s=\"\",0,IF(%s>=%s,1,MAX(0,MIN(1,%s/%s))))", E, A, M, A, M);
    else
        fb_fmt(&c->b, "=IF(ISNUMBER(%s),IF(%s>=%s,1,MAX(0,MIN(1,%s/%s))),0)", E, A, M, A, M);
    c->got = !c->has_a ? 0 : a >= p->ht ? 1 : jx_clamp01(a / p->ht);
}

static void plan_deadline(xpctx *c, xplan *p)
{
    const jx_ruleset *rs = c->rs;
    p->has_ht = true;
    p->ht = excel_date(c->tv.year ? c->tv.year : c->year, c->tv.month, c->tv.day);
    p->input = XI_DATE;
    p->numeric = true;
    if (c->blank) {
        cell_blank(&p->a, "");
        p->a.kind = XC_DATE; /* a date-formatted empty cell */
        p->a.num = NAN;
    }
    double a = 0;
    if (c->aok && c->av.kind == JX_KIND_DEADLINE) {
        p->a.kind = XC_DATE;
        p->a.num = a = excel_date(c->av.year ? c->av.year : c->year, c->av.month, c->av.day);
    } else if (c->has_a) {
        c->can = false; /* a completion word: scored by its band */
    }
    if (!c->can) return;
    const char *E = c->r.E;
    fb_fmt(&c->b, "=IF(ISNUMBER(%s),IF(%s<=%s,1,%s),0)", E, E, c->r.M, N(&c->n, rs->late_ratio));
    c->got = !c->has_a ? 0 : a <= p->ht ? 1 : rs->late_ratio;
}

static void plan_qualitative(xpctx *c, xplan *p)
{
    const jx_ruleset *rs = c->rs;
    const jx_value *tv = &c->tv;
    if (!rs) return;
    dropdown(rs, tv, p);
    p->input = XI_LIST;
    double tval = 1;
    if (tv->kind == JX_KIND_GRADE && !rs_grade_value(rs, tv->grade, &tval)) return;
    char nf[XW_NF_MAX];
    nf_unit(nf, NULL, "%");
    if (c->aok && c->av.kind == JX_KIND_NUMBER && !strcmp(c->av.unit, "%"))
        cell_num(&p->a, c->av.num, nf);
    p->qualitative = true;
    const char *E = c->r.E, *tv_s = N(&c->n, tval);
    fb *b = &c->b;
    fb_fmt(b, "=IF(%s=\"\",0,IF(ISNUMBER(%s),", E, E);
    if (tval > 0)
        fb_fmt(b, "MAX(0,MIN(1,%s/100/%s))", E, tv_s);
    else
        fb_fmt(b, "1");
    fb_fmt(b, ",IFERROR(");
    if (tval > 0)
        fb_fmt(b, "MAX(0,MIN(1,VLOOKUP(%s,%s,2,FALSE)/%s))", E, XP_GRADES_NAME, tv_s);
    else
        fb_fmt(b, "VLOOKUP(%s,%s,2,FALSE)*0+1", E, XP_GRADES_NAME);
    fb_fmt(b, ",IFERROR(VLOOKUP(%s,%s,2,FALSE),", E, XP_BANDS_NAME);
    if (tv->kind == JX_KIND_WORD) {
        fb_fmt(b, "IF(%s=", E);
        fb_strlit(b, tv->text);
        fb_fmt(b, ",%s,NA())", N(&c->n, rs->band[RS_BAND_MET].value));
    } else {
        fb_fmt(b, "NA()");
    }
    fb_fmt(b, "))))");
    /* evaluate on the cell as written */
    const char *act = c->in->actual;
    double v;
    if (!c->has_a)
        c->got = 0;
    else if (p->a.kind == XC_NUM)
        c->got = tval > 0 ? jx_clamp01(p->a.num / 100 / tval) : 1;
    else if (grade_lookup(rs, act, &v))
        c->got = tval > 0 ? jx_clamp01(v / tval) : 1;
    else if (band_lookup(rs, act, &v))
        c->got = v;
    else if (tv->kind == JX_KIND_WORD && !strcmp(act, tv->text))
        c->got = rs->band[RS_BAND_MET].value;
    else
        c->can = false; /* free text: classified by the engine's band words */
}

void xp_plan(const jx_ruleset *rs, const jx_run_indicator *in, int year, int row, bool blank,
             xplan *p)
{
    memset(p, 0, sizeof *p);
    xpctx c = {.rs = rs, .in = in, .year = year, .blank = blank, .can = rs != NULL};
    bool tok = jx_value_parse_cells(in->op, in->target, in->unit, &c.tv, NULL) == JX_OK;
    c.has_a = !blank && in->actual && in->actual[0];
    c.aok = c.has_a && jx_value_parse(in->actual, strlen(in->actual), &c.av, NULL) == JX_OK;
    p->op = in->op;
    cell_text(&p->t, in->target);
    if (c.has_a)
        cell_text(&p->a, in->actual);
    else
        cell_blank(&p->a, "");
    p->ratio = blank ? 0 : in->score.ratio;
    if (!tok) return;
    if (c.tv.kind == JX_KIND_NUMBER)
        p->op = jx_op_sign(effective_op(rs, &c.tv, in));
    else if (c.tv.kind == JX_KIND_GRADE || c.tv.kind == JX_KIND_WORD)
        p->op = "定性";
    else if (c.tv.kind == JX_KIND_FREQUENCY)
        p->op = "≥"; /* at least so many times a year */
    else if (c.tv.kind == JX_KIND_DEADLINE)
        p->op = "≤"; /* on or before the date */
    if (!in->score.scored) return;

    int R = row + 1; /* Excel's 1-based row */
    snprintf(c.r.E, sizeof c.r.E, XL_A "%d", R);
    snprintf(c.r.D, sizeof c.r.D, XL_T "%d", R);
    snprintf(c.r.F, sizeof c.r.F, XL_W "%d", R);
    snprintf(c.r.M, sizeof c.r.M, XL_HT "%d", R);
    snprintf(c.r.N, sizeof c.r.N, XL_HA "%d", R);
    c.b = (fb){.s = p->f, .cap = sizeof p->f};
    switch (c.tv.kind) {
    case JX_KIND_NUMBER:
        plan_number(&c, p);
        break;
    case JX_KIND_FREQUENCY:
        plan_frequency(&c, p);
        break;
    case JX_KIND_DEADLINE:
        plan_deadline(&c, p);
        break;
    case JX_KIND_GRADE:
    case JX_KIND_WORD:
        plan_qualitative(&c, p);
        break;
    default:
        c.can = false;
    }
    if (!c.can || c.b.over || c.b.len == 0 || fabs(c.got - p->ratio) > 1e-12) {
        p->f[0] = '\0';
        p->formula = false;
        p->qualitative = false;
        return;
    }
    p->formula = true;
}
