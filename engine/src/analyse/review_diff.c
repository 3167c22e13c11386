/*
 * review_diff.c - what changed between two runs: the subjects whose total, grade or any
 * indicator differs, each changed indicator before and after, and why.
 *
 * Both runs are read once with their indicators (strings kept in the diff's arena). Subjects
 * are matched by their identity (name, project, year); a subject's indicators by (一级, 二级,
 * 三级指标), the k-th occurrence in one run with the k-th in the other. An indicator changed
 * when its target, actual, weight, scored/n/a state, points (as ranked: 1e-9) or flags differ.
 * Why, from what the runs record:
 *   target_changed     its target row differs (another row id in a store) and so does what the
 *                      row says (指标性质/指标值/度量单位, or a given weight)
 *   actual_reimported  its 实际完成值 or 偏差原因 differs (a later import replaced the actual)
 *   rules_changed      the runs' rule sets differ (SHA-256)
 *   weight_changed     the weight used moved while neither its target nor the rules did: another
 *                      row of the subject changed the equal split of a level-1's default weight
 * and for a subject: budget_changed (its budget figures differ), added, removed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/analysis_int.h"
#include "analyse/review_int.h"
#include "jixiao/review.h"
#include "util/util_int.h"

/* An indicator of one run, as compared. */
typedef struct dind {
    const char *l1, *l2, *l3, *target, *actual, *reason;
    bool scored, weight_given, matched;
    double weight, points;
    unsigned flags;
    int64_t tref, aref;
} dind;

/* A subject of one run; its indicators are side.ind[i0 .. i0 + n). */
typedef struct dsubj {
    const char *code, *name, *project, *grade;
    int year;
    double total, budget, spent;
    bool budget_scored, matched;
    size_t i0, n;
} dsubj;

typedef struct dside {
    dsubj *s;
    size_t ns, caps;
    dind *ind;
    size_t ni, capi;
    jx_map by_key; /* identity → subject index + 1 */
    rv_ranks ranks;
} dside;

/* A changed subject while the diff is built: its indicators are out[o0 .. o0 + n). */
typedef struct dout {
    jx_diff_subject pub; /* first: jx_diff_at() returns it */
    size_t o0;
    int64_t group;
} dout;

struct jx_diff {
    jx_run_info info[2];
    dout *s;
    size_t n, cap;
    jx_diff_indicator *ind;
    size_t ni, capi;
    size_t compared;
    jx_arena arena;
};

typedef struct load_ctx {
    jx_diff *d;
    dside *side;
    const jx_selection *sel;
    bool nomem;
} load_ctx;

static void copy_indicator(load_ctx *c, const jx_run_indicator *in, dind *o)
{
    jx_arena *a = &c->d->arena;
    *o = (dind){.l1 = rv_dup(a, in->level1, &c->nomem),
                .l2 = rv_dup(a, in->level2, &c->nomem),
                .l3 = rv_dup(a, in->level3, &c->nomem),
                .target = rv_target_text(a, in, &c->nomem),
                .actual = rv_dup(a, in->actual, &c->nomem),
                .reason = rv_dup(a, in->reason, &c->nomem),
                .scored = in->score.scored,
                .weight_given = in->weight_given,
                .weight = in->score.weight,
                .points = in->score.points,
                .flags = in->score.flags,
                .tref = in->target_ref,
                .aref = in->actual_ref};
}

static int load_subject(const jx_run_subject *s, void *ctx)
{
    load_ctx *c = ctx;
    dside *sd = c->side;
    jx_arena *a = &c->d->arena;
    if (!jx_selection_has(c->sel, s->project, s->year)) return 0;
    if (!JX_GROW(sd->s, sd->caps, sd->ns + 1) || !JX_GROW(sd->ind, sd->capi, sd->ni + s->n))
        return c->nomem = true;
    dsubj *o = &sd->s[sd->ns];
    *o = (dsubj){.code = rv_dup(a, s->code, &c->nomem),
                 .name = rv_dup(a, s->name, &c->nomem),
                 .project = rv_dup(a, s->project, &c->nomem),
                 .grade = rv_dup(a, s->result.grade, &c->nomem),
                 .year = s->year,
                 .total = s->result.total,
                 .budget_scored = s->result.budget_scored,
                 .budget = s->budget,
                 .spent = s->spent,
                 .i0 = sd->ni,
                 .n = s->n};
    for (size_t i = 0; i < s->n; i++)
        copy_indicator(c, &s->ind[i], &sd->ind[sd->ni++]);
    char key[512];
    size_t len = jx_subject_key(key, sizeof key, s->year, s->name, s->project);
    int64_t *v = len ? jx_map_put(&sd->by_key, key, len, &(int){0}) : NULL;
    if (len && !v) return c->nomem = true;
    if (v) *v = (int64_t)sd->ns + 1; /* identities too long for a key are compared by hand */
    sd->ns++;
    return c->nomem;
}

static jx_err load_side(jx_diff *d, jx_run *run, const jx_selection *sel, dside *sd, jx_errmsg *msg)
{
    load_ctx c = {.d = d, .side = sd, .sel = sel};
    jx_run_filter f = {.year = sel ? sel->year : 0, .indicators = true};
    jx_err e = jx_run_foreach(run, &f, load_subject, &c);
    if (!e && c.nomem) return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    if (!e) e = rv_ranks_load(run, sel, &sd->ranks);
    return e ? jx_msg(msg, e, "run %lld: %s", (long long)jx_run_about(run)->id, jx_run_errmsg(run))
             : JX_OK;
}

static void side_free(dside *sd)
{
    free(sd->s);
    free(sd->ind);
    jx_map_free(&sd->by_key);
    rv_ranks_free(&sd->ranks);
}

/* The subject of side a with b's identity, or NULL. */
static dsubj *find_subject(dside *a, const dsubj *b)
{
    char key[512];
    size_t len = jx_subject_key(key, sizeof key, b->year, b->name, b->project);
    if (len) {
        int64_t *v = jx_map_get(&a->by_key, key, len);
        return v ? &a->s[*v - 1] : NULL;
    }
    for (size_t i = 0; i < a->ns; i++)
        if (a->s[i].year == b->year && !strcmp(a->s[i].name, b->name) &&
            !strcmp(a->s[i].project, b->project))
            return &a->s[i];
    return NULL;
}

static bool same_str(const char *x, const char *y)
{
    return x == y || (x && y && !strcmp(x, y));
}

/* Why indicator x (run a) became y (run b); 0 with *changed false when nothing changed. */
static unsigned compare_indicator(const dind *x, const dind *y, bool rules_differ, bool *changed)
{
    bool target = !same_str(x->target, y->target);
    bool given = x->weight_given != y->weight_given ||
                 (y->weight_given && an_rank_key(x->weight) != an_rank_key(y->weight));
    bool weight = an_rank_key(x->weight) != an_rank_key(y->weight);
    bool actual = !same_str(x->actual, y->actual) || !same_str(x->reason, y->reason);
    *changed = target || weight || !same_str(x->actual, y->actual) || x->scored != y->scored ||
               an_rank_key(x->points) != an_rank_key(y->points) || x->flags != y->flags;
    if (!*changed) return 0;
    bool row_changed = x->tref && y->tref ? x->tref != y->tref : true;
    unsigned why = 0;
    if (row_changed && (target || given)) why |= JX_DIFF_TARGET;
    if (actual) why |= JX_DIFF_ACTUAL;
    if (rules_differ) why |= JX_DIFF_RULES;
    if (weight && !(why & (JX_DIFF_TARGET | JX_DIFF_RULES))) why |= JX_DIFF_WEIGHT;
    return why;
}

static jx_diff_side side_of(const dind *x)
{
    if (!x) return (jx_diff_side){0};
    return (jx_diff_side){.present = true,
                          .target = x->target,
                          .actual = x->actual,
                          .scored = x->scored,
                          .weight = x->weight,
                          .points = x->points,
                          .flags = x->flags};
}

static bool add_indicator(jx_diff *d, const dind *x, const dind *y, unsigned why)
{
    if (!JX_GROW(d->ind, d->capi, d->ni + 1)) return false;
    const dind *any = y ? y : x;
    d->ind[d->ni++] = (jx_diff_indicator){.level1 = any->l1,
                                          .level2 = any->l2,
                                          .level3 = any->l3,
                                          .a = side_of(x),
                                          .b = side_of(y),
                                          .why = why};
    return true;
}

/* The k-th unmatched occurrence of y's names among x's indicators (the first one left). */
static dind *match_indicator(dind *xs, size_t n, const dind *y)
{
    for (size_t i = 0; i < n; i++)
        if (!xs[i].matched && !strcmp(xs[i].l3, y->l3) && !strcmp(xs[i].l1, y->l1) &&
            !strcmp(xs[i].l2, y->l2))
            return &xs[i];
    return NULL;
}

/* The changed indicators of a subject in both runs (x NULL: only in b; y NULL: only in a). */
static bool diff_indicators(jx_diff *d, dside *a, dside *b, const dsubj *x, const dsubj *y,
                            bool rules_differ)
{
    dind *xs = x && x->n ? a->ind + x->i0 : NULL;
    for (size_t j = 0; y && j < y->n; j++) {
        const dind *yi = &b->ind[y->i0 + j];
        dind *xi = x ? match_indicator(xs, x->n, yi) : NULL;
        bool changed = true;
        unsigned why = JX_DIFF_ADDED;
        if (xi) {
            xi->matched = true;
            why = compare_indicator(xi, yi, rules_differ, &changed);
        }
        if (changed && !add_indicator(d, xi, yi, why)) return false;
    }
    for (size_t i = 0; xs && i < x->n; i++)
        if (!xs[i].matched && !add_indicator(d, &xs[i], NULL, JX_DIFF_REMOVED)) return false;
    return true;
}

static bool budget_differs(const dsubj *x, const dsubj *y)
{
    return x->budget_scored != y->budget_scored ||
           (y->budget_scored && (x->budget != y->budget || x->spent != y->spent));
}

/* Compare one subject (x in a, y in b; either may be NULL); record it when it changed. */
static bool diff_subject(jx_diff *d, dside *a, dside *b, const dsubj *x, const dsubj *y,
                         bool rules_differ)
{
    size_t o0 = d->ni;
    if (!diff_indicators(d, a, b, x, y, rules_differ)) return false;
    unsigned why = !x ? JX_DIFF_ADDED : !y ? JX_DIFF_REMOVED : 0;
    if (x && y) {
        if (budget_differs(x, y)) why |= JX_DIFF_BUDGET;
        bool moved = an_rank_key(x->total) != an_rank_key(y->total) || strcmp(x->grade, y->grade);
        if (rules_differ && moved) why |= JX_DIFF_RULES;
        if (!moved && !why && d->ni == o0) return true; /* unchanged */
    }
    if (!JX_GROW(d->s, d->cap, d->n + 1)) return false;
    const dsubj *any = y ? y : x;
    const jx_ranked *ra = x ? rv_ranks_find(&a->ranks, x->name, x->project, x->year) : NULL;
    const jx_ranked *rb = y ? rv_ranks_find(&b->ranks, y->name, y->project, y->year) : NULL;
    d->s[d->n++] = (dout){.pub = {.code = any->code,
                                  .name = any->name,
                                  .project = any->project,
                                  .year = any->year,
                                  .in_a = x != NULL,
                                  .in_b = y != NULL,
                                  .total_a = x ? x->total : NAN,
                                  .total_b = y ? y->total : NAN,
                                  .rank_a = ra ? ra->rank : 0,
                                  .rank_b = rb ? rb->rank : 0,
                                  .grade_a = x ? x->grade : "",
                                  .grade_b = y ? y->grade : "",
                                  .why = why,
                                  .n = d->ni - o0},
                          .o0 = o0,
                          .group = an_group_key(any->project, any->year)};
    return true;
}

/* display order: in b first, by group and b's rank; then removed ones; ties by identity */
static int cmp_out(const void *p, const void *q)
{
    const dout *x = p, *y = q;
    if (x->pub.in_b != y->pub.in_b) return x->pub.in_b ? -1 : 1;
    if (x->group != y->group) return x->group < y->group ? -1 : 1;
    if (x->pub.rank_b != y->pub.rank_b) return x->pub.rank_b < y->pub.rank_b ? -1 : 1;
    return rv_cmp_identity(x->pub.code, x->pub.name, x->pub.project, x->pub.year, y->pub.code,
                           y->pub.name, y->pub.project, y->pub.year);
}

static jx_err compare_runs(jx_diff *d, dside *a, dside *b, jx_errmsg *msg)
{
    bool rules_differ = strcmp(d->info[0].rules_sha256, d->info[1].rules_sha256) != 0;
    for (size_t j = 0; j < b->ns; j++) {
        dsubj *x = find_subject(a, &b->s[j]);
        if (x) x->matched = true;
        if (!diff_subject(d, a, b, x, &b->s[j], rules_differ))
            return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    }
    d->compared = b->ns;
    for (size_t i = 0; i < a->ns; i++) {
        if (a->s[i].matched) continue;
        d->compared++;
        if (!diff_subject(d, a, b, &a->s[i], NULL, rules_differ))
            return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < d->n; i++)
        d->s[i].pub.ind = d->s[i].pub.n ? d->ind + d->s[i].o0 : NULL;
    if (d->n > 1) qsort(d->s, d->n, sizeof *d->s, cmp_out); /* d->s is NULL when none */
    return JX_OK;
}

jx_err jx_diff_runs(jx_run *a, jx_run *b, const jx_selection *sel, jx_diff **out, jx_errmsg *msg)
{
    if (!out) return jx_msg(msg, JX_ERR_INVALID, "jx_diff_runs: out is NULL");
    *out = NULL;
    if (!a || !b) return jx_msg(msg, JX_ERR_INVALID, "jx_diff_runs: NULL run");
    jx_diff *d = calloc(1, sizeof *d);
    if (!d) return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    d->info[0] = *jx_run_about(a);
    d->info[1] = *jx_run_about(b);
    dside sa = {0}, sb = {0};
    jx_err e = load_side(d, a, sel, &sa, msg);
    if (!e) e = load_side(d, b, sel, &sb, msg);
    if (!e) e = compare_runs(d, &sa, &sb, msg);
    side_free(&sa);
    side_free(&sb);
    if (e) {
        jx_diff_free(d);
        return e;
    }
    *out = d;
    return JX_OK;
}

size_t jx_diff_count(const jx_diff *d)
{
    return d ? d->n : 0;
}

const jx_diff_subject *jx_diff_at(const jx_diff *d, size_t i)
{
    return d && i < d->n ? &d->s[i].pub : NULL;
}

const jx_run_info *jx_diff_about(const jx_diff *d, int side)
{
    return d && (side == 0 || side == 1) ? &d->info[side] : NULL;
}

size_t jx_diff_compared(const jx_diff *d)
{
    return d ? d->compared : 0;
}

void jx_diff_free(jx_diff *d)
{
    if (!d) return;
    free(d->s);
    free(d->ind);
    jx_arena_free(&d->arena);
    free(d);
}
