/*
 * review.c - the bureau's review (复核): each subject's own scores (自评得分, 自评总分) against
 * the rule scores of a run; the codes and labels of the review's flags and of a diff's reasons;
 * helpers the other review modules share.
 *
 * A claimed total is the 自评总分 when the department gave one. Otherwise it is totalled from
 * the per-item claims the way the rules total points: 100 × Σ claimed points / Σ weights of the
 * items the rules scored (n/a items left out), the budget line's claim included. That needs a
 * claim on every scored item; with some missing the claimed total is unknown (flag
 * claims_incomplete) rather than guessed.
 */
#include "jixiao/review.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/analysis_int.h"
#include "analyse/review_int.h"
#include "keep/run_int.h"
#include "util/util_int.h"

/* Codes and Chinese labels of bit flags: the review's findings and a diff's reasons. */
typedef struct code_label {
    const char *name, *label;
} code_label;

static const code_label review_flags[JX_REVIEW_FLAG_COUNT] = {
    {"over_claimed", "自评虚高"},
    {"claims_incomplete", "自评得分不全"},
    {"target_not_raised", "目标未提高"},
};

static const code_label diff_why[JX_DIFF_WHY_COUNT] = {
    {"target_changed", "目标已修改"},
    {"actual_reimported", "实际值重新导入"},
    {"rules_changed", "规则集不同"},
    {"weight_changed", "分值随其他指标变化"},
    {"budget_changed", "预算数据变化"},
    {"added", "新增"},
    {"removed", "已删除"},
};

/* The entry of one bit (1u << i) of a table of n, or NULL. */
static const code_label *bit_entry(const code_label *t, int n, unsigned bit)
{
    for (int i = 0; i < n; i++)
        if (bit == 1u << i) return &t[i];
    return NULL;
}

const char *jx_review_flag_name(unsigned flag)
{
    const code_label *e = bit_entry(review_flags, JX_REVIEW_FLAG_COUNT, flag);
    return e ? e->name : "";
}

const char *jx_review_flag_label(unsigned flag)
{
    const code_label *e = bit_entry(review_flags, JX_REVIEW_FLAG_COUNT, flag);
    return e ? e->label : "";
}

const char *jx_diff_why_name(unsigned bit)
{
    const code_label *e = bit_entry(diff_why, JX_DIFF_WHY_COUNT, bit);
    return e ? e->name : "";
}

const char *jx_diff_why_label(unsigned bit)
{
    const code_label *e = bit_entry(diff_why, JX_DIFF_WHY_COUNT, bit);
    return e ? e->label : "";
}

/* ---- helpers of the review modules (review_int.h) ---- */

const char *rv_dup(jx_arena *a, const char *s, bool *nomem)
{
    if (!s) return NULL;
    const char *d = jx_arena_strndup(a, s, strlen(s));
    if (!d) *nomem = true;
    return d;
}

const char *rv_target_text(jx_arena *a, const jx_run_indicator *in, bool *nomem)
{
    size_t lo = strlen(in->op), lt = strlen(in->target), lu = strlen(in->unit);
    if (lu && strstr(in->target, in->unit)) lu = 0;
    char stack[512], *buf = lo + lt + lu < sizeof stack ? stack : malloc(lo + lt + lu + 1);
    const char *d = NULL;
    if (buf) {
        memcpy(buf, in->op, lo);
        memcpy(buf + lo, in->target, lt);
        memcpy(buf + lo + lt, in->unit, lu);
        d = jx_arena_strndup(a, buf, lo + lt + lu);
    }
    if (buf != stack) free(buf);
    if (!d) *nomem = true;
    return d;
}

/* jx_subject_key() into buf, or into *heap when it does not fit; NULL when out of memory. */
static const char *identity_key(char *buf, size_t cap, char **heap, const char *name,
                                const char *project, int year, size_t *len)
{
    *heap = NULL;
    *len = jx_subject_key(buf, cap, year, name, project);
    if (*len) return buf;
    size_t need = strlen(name) + strlen(project) + 24;
    if (!(*heap = malloc(need))) return NULL;
    *len = jx_subject_key(*heap, need, year, name, project);
    return *heap;
}

jx_err rv_ranks_load(jx_run *run, const jx_selection *sel, rv_ranks *out)
{
    memset(out, 0, sizeof *out);
    jx_err e = jx_ranking_load(run, sel, &out->r);
    if (e) return e;
    size_t n = jx_ranking_count(out->r);
    for (size_t i = 0; i < n; i++) {
        const jx_ranked *s = jx_ranking_at(out->r, i);
        char buf[512], *heap;
        size_t len;
        const char *k = identity_key(buf, sizeof buf, &heap, s->name, s->project, s->year, &len);
        int64_t *v = k ? jx_map_put(&out->by_key, k, len, &(int){0}) : NULL;
        free(heap);
        if (!v) {
            rv_ranks_free(out);
            return run_fail(run, JX_ERR_NOMEM, "out of memory");
        }
        *v = (int64_t)i + 1;
    }
    return JX_OK;
}

const jx_ranked *rv_ranks_find(const rv_ranks *rk, const char *name, const char *project, int year)
{
    char buf[512], *heap;
    size_t len;
    const char *k = identity_key(buf, sizeof buf, &heap, name, project, year, &len);
    const int64_t *v = k ? jx_map_get(&rk->by_key, k, len) : NULL;
    free(heap);
    return v ? jx_ranking_at(rk->r, (size_t)(*v - 1)) : NULL;
}

void rv_ranks_free(rv_ranks *rk)
{
    jx_ranking_free(rk->r);
    jx_map_free(&rk->by_key);
    memset(rk, 0, sizeof *rk);
}

int rv_cmp_identity(const char *code_a, const char *name_a, const char *project_a, int year_a,
                    const char *code_b, const char *name_b, const char *project_b, int year_b)
{
    if (year_a != year_b) return year_a < year_b ? -1 : 1;
    bool pa = *project_a, pb = *project_b;
    if (pa != pb) return pa ? 1 : -1;
    int c = strcmp(code_a, code_b);
    if (!c) c = strcmp(name_a, name_b);
    if (!c) c = strcmp(project_a, project_b);
    return c;
}

/* ---- the review ---- */

/* A subject while the review is built: its gaps are gaps[g0 .. g0 + pub.ngaps) until the end. */
typedef struct rsub {
    jx_review_subject pub; /* first: jx_review_at() returns it */
    size_t g0;
} rsub;

struct jx_review {
    jx_run_info info;
    double threshold;
    rsub *s;
    size_t n, cap;
    jx_review_gap *gaps;
    size_t ngaps, capg;
    jx_arena arena;
};

typedef struct rv_ctx {
    jx_review *rv;
    const jx_ruleset *rs;
    const jx_selection *sel;
    bool nomem;
} rv_ctx;

/* Record one item whose claim differs from its rule points. */
static void add_gap(rv_ctx *c, const char *l1, const char *l2, const char *l3, bool scored,
                    double claimed, double points)
{
    jx_review *rv = c->rv;
    double gap = claimed - (scored ? points : 0);
    if (fabs(gap) < JX_REVIEW_TOLERANCE) return;
    if (!JX_GROW(rv->gaps, rv->capg, rv->ngaps + 1)) {
        c->nomem = true;
        return;
    }
    jx_review_gap *g = &rv->gaps[rv->ngaps++];
    g->level1 = rv_dup(&rv->arena, l1, &c->nomem);
    g->level2 = rv_dup(&rv->arena, l2, &c->nomem);
    g->level3 = rv_dup(&rv->arena, l3, &c->nomem);
    g->scored = scored;
    g->claimed = claimed;
    g->points = scored ? points : 0;
    g->gap = gap;
}

/* The claims of one subject: its gaps, and Σ claimed points over the scored items. */
static double collect_claims(rv_ctx *c, const jx_run_subject *s, jx_review_subject *o)
{
    const jx_result *r = &s->result;
    double sum = 0;
    for (size_t i = 0; i < s->n; i++) {
        const jx_run_indicator *in = &s->ind[i];
        if (!in->has_claim) {
            o->nmissing += in->score.scored;
            continue;
        }
        o->nclaims++;
        if (in->score.scored) sum += in->claimed;
        add_gap(c, in->level1, in->level2, in->level3, in->score.scored, in->claimed,
                in->score.points);
    }
    if (s->has_claimed_budget) {
        o->nclaims++;
        if (r->budget_scored) sum += s->claimed_budget;
        add_gap(c, JX_REVIEW_BUDGET_LINE, "", "全年执行数/全年预算数", r->budget_scored,
                s->claimed_budget, r->budget_points);
    } else {
        o->nmissing += r->budget_scored;
    }
    return sum;
}

/* The claimed total, its grade, the gap and the flags of one subject. */
static void judge(rv_ctx *c, const jx_run_subject *s, double claimed_sum, jx_review_subject *o)
{
    const jx_result *r = &s->result;
    o->has_claims = o->nclaims > 0 || s->has_claimed_total;
    o->claimed_total = o->gap = NAN;
    if (s->has_claimed_total) {
        o->claimed_total = s->claimed_total;
        o->total_given = true;
    } else if (o->nclaims && !o->nmissing && r->weight_sum > 0) {
        o->claimed_total = 100 * claimed_sum / r->weight_sum;
    } else if (o->nclaims) {
        o->flags |= JX_REVIEW_CLAIMS_INCOMPLETE;
    }
    if (!isfinite(o->claimed_total)) return;
    o->gap = o->claimed_total - o->total;
    o->claimed_grade = rv_dup(&c->rv->arena, jx_ruleset_grade(c->rs, o->claimed_total), &c->nomem);
    bool higher_grade = o->claimed_grade && strcmp(o->claimed_grade, o->grade) &&
                        o->claimed_total > o->total; /* grades rise with the total */
    if (an_rank_key(o->gap) > an_rank_key(c->rv->threshold) || higher_grade)
        o->flags |= JX_REVIEW_OVER_CLAIMED;
}

static int review_subject(const jx_run_subject *s, void *ctx)
{
    rv_ctx *c = ctx;
    jx_review *rv = c->rv;
    if (!jx_selection_has(c->sel, s->project, s->year)) return 0;
    if (!JX_GROW(rv->s, rv->cap, rv->n + 1)) return c->nomem = true;
    rsub *x = &rv->s[rv->n++];
    memset(x, 0, sizeof *x);
    jx_review_subject *o = &x->pub;
    o->subject_id = s->subject_id;
    o->code = rv_dup(&rv->arena, s->code, &c->nomem);
    o->name = rv_dup(&rv->arena, s->name, &c->nomem);
    o->project = rv_dup(&rv->arena, s->project, &c->nomem);
    o->grade = rv_dup(&rv->arena, s->result.grade, &c->nomem);
    o->year = s->year;
    o->total = s->result.total;
    o->has_budget = s->result.budget_scored;
    o->budget = o->has_budget ? s->budget : NAN;
    x->g0 = rv->ngaps;
    double sum = collect_claims(c, s, o);
    o->ngaps = rv->ngaps - x->g0;
    if (!c->nomem) judge(c, s, sum, o);
    return c->nomem;
}

static int order_group(const jx_review_subject *s)
{
    return isfinite(s->gap) ? 0 : s->has_claims ? 1 : 2;
}

static int cmp_subject(const void *a, const void *b)
{
    const jx_review_subject *x = a, *y = b;
    int gx = order_group(x), gy = order_group(y);
    if (gx != gy) return gx < gy ? -1 : 1;
    if (gx == 0 && x->gap != y->gap) return x->gap > y->gap ? -1 : 1;
    return rv_cmp_identity(x->code, x->name, x->project, x->year, y->code, y->name, y->project,
                           y->year);
}

/* Sort each subject's gaps (largest first, ties in the form's order: an insertion sort, stable
 * and fast for the few gaps of a subject), point the subjects at them, then sort the subjects. */
static void finish(jx_review *rv)
{
    for (size_t i = 0; i < rv->n; i++) {
        rsub *x = &rv->s[i];
        if (!x->pub.ngaps) continue;
        jx_review_gap *g = (jx_review_gap *)(x->pub.gaps = rv->gaps + x->g0);
        for (size_t k = 1; k < x->pub.ngaps; k++)
            for (size_t j = k; j > 0 && g[j].gap > g[j - 1].gap; j--) {
                jx_review_gap t = g[j];
                g[j] = g[j - 1];
                g[j - 1] = t;
            }
    }
    if (rv->n > 1) qsort(rv->s, rv->n, sizeof *rv->s, cmp_subject);
}

jx_err jx_review_run(jx_run *run, const jx_ruleset *rs, const jx_review_opts *opts, jx_review **out,
                     jx_errmsg *msg)
{
    if (!out) return jx_msg(msg, JX_ERR_INVALID, "jx_review_run: out is NULL");
    *out = NULL;
    if (!run || !rs) return jx_msg(msg, JX_ERR_INVALID, "jx_review_run: NULL argument");
    double threshold;
    if (opts && opts->has_threshold)
        threshold = opts->threshold;
    else if (!jx_ruleset_review_threshold(rs, &threshold))
        return jx_msg(msg, JX_ERR_RULES,
                      "rule set %s states no [review] threshold: give one (--threshold POINTS)",
                      jx_ruleset_name(rs));
    if (!isfinite(threshold) || threshold < 0)
        return jx_msg(msg, JX_ERR_INVALID, "the threshold must be a number of points >= 0");
    jx_review *rv = calloc(1, sizeof *rv);
    if (!rv) return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    rv->info = *jx_run_about(run);
    rv->threshold = threshold;
    rv_ctx c = {.rv = rv, .rs = rs, .sel = opts ? &opts->sel : NULL};
    jx_run_filter f = {.year = c.sel ? c.sel->year : 0, .indicators = true};
    jx_err e = jx_run_foreach(run, &f, review_subject, &c);
    if (e)
        jx_msg(msg, e, "%s", jx_run_errmsg(run));
    else if (c.nomem)
        e = jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    if (e) {
        jx_review_free(rv);
        return e;
    }
    finish(rv);
    *out = rv;
    return JX_OK;
}

size_t jx_review_count(const jx_review *rv)
{
    return rv ? rv->n : 0;
}

const jx_review_subject *jx_review_at(const jx_review *rv, size_t i)
{
    return rv && i < rv->n ? &rv->s[i].pub : NULL;
}

double jx_review_threshold(const jx_review *rv)
{
    return rv ? rv->threshold : NAN;
}

const jx_run_info *jx_review_about(const jx_review *rv)
{
    return rv ? &rv->info : NULL;
}

void jx_review_free(jx_review *rv)
{
    if (!rv) return;
    free(rv->s);
    free(rv->gaps);
    jx_arena_free(&rv->arena);
    free(rv);
}
