/*
 * review_trend.c - one department over the years: its totals, grades and ranks side by side,
 * and its indicators matched across years by 三级指标 (the k-th occurrence of a name in one year
 * with the k-th in another), with target_not_raised where a year's target asks no more than the
 * previous year already achieved (目标设置偏低, a 复核 finding).
 *
 * The comparison uses the numbers the scorer compared (jx_score.a and .t: the actual converted
 * into its target's unit), so it is made only for number targets of the same unit in both
 * years whose earlier actual was scored. "Previous year" is the preceding year the run holds
 * for the department. Direction from the operator applied: ≥ and > targets are flagged when
 * target ≤ previous actual; ≤ and < targets when target ≥ previous actual; = never.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/review_int.h"
#include "jixiao/review.h"
#include "jixiao/value.h"
#include "util/util_int.h"

/* An indicator of one year, as the trend keeps it. */
typedef struct tind {
    const char *l1, *l2, *l3, *target, *actual;
    bool scored, number, has_numbers;
    double weight, points, a, t;
    unsigned flags;
    jx_op op;               /* the operator applied (or written, when no actual was scored) */
    char unit[JX_UNIT_MAX]; /* the target's normalised unit, for number targets */
} tind;

typedef struct tyear {
    jx_trend_year pub;
    size_t i0, n; /* its indicators: ind[i0 .. i0 + n) */
} tyear;

struct jx_trend {
    tyear *y;
    size_t ny, capy;
    jx_trend_year *years; /* pub of y, in year order */
    tind *ind;
    size_t ni, capi;
    jx_trend_indicator *rows;
    size_t nrows, caprows;
    jx_trend_cell *cells; /* nrows × ny, filled after the rows are known */
    size_t *occ;          /* rows' occurrence numbers of their 三级指标 */
    size_t capocc;
    jx_arena arena;
};

typedef struct trend_ctx {
    jx_trend *t;
    bool nomem;
    int dup_year; /* a year with two subjects of that name: the name is ambiguous */
} trend_ctx;

static void keep_indicator(trend_ctx *c, const jx_run_indicator *in, tind *o)
{
    jx_arena *a = &c->t->arena;
    *o = (tind){.l1 = rv_dup(a, in->level1, &c->nomem),
                .l2 = rv_dup(a, in->level2, &c->nomem),
                .l3 = rv_dup(a, in->level3, &c->nomem),
                .target = rv_target_text(a, in, &c->nomem),
                .actual = rv_dup(a, in->actual, &c->nomem),
                .scored = in->score.scored,
                .weight = in->score.weight,
                .points = in->score.points,
                .a = in->score.a,
                .t = in->score.t,
                .flags = in->score.flags};
    jx_value v;
    if (jx_value_parse_cells(in->op, in->target, in->unit, &v, NULL) || v.kind != JX_KIND_NUMBER)
        return;
    o->number = true;
    memcpy(o->unit, v.unit, sizeof o->unit);
    jx_method m = in->score.method;
    o->has_numbers = in->score.scored && m != JX_M_MISSING && m != JX_M_NA;
    o->op = o->has_numbers ? (jx_op)in->score.detail : v.op;
}

static int trend_subject(const jx_run_subject *s, void *ctx)
{
    trend_ctx *c = ctx;
    jx_trend *t = c->t;
    for (size_t i = 0; i < t->ny; i++)
        if (t->y[i].pub.year == s->year) {
            c->dup_year = s->year;
            return 1;
        }
    if (!JX_GROW(t->y, t->capy, t->ny + 1) || !JX_GROW(t->ind, t->capi, t->ni + s->n))
        return c->nomem = true;
    tyear *y = &t->y[t->ny++];
    jx_arena *a = &t->arena;
    *y = (tyear){.pub = {.year = s->year,
                         .code = rv_dup(a, s->code, &c->nomem),
                         .name = rv_dup(a, s->name, &c->nomem),
                         .project = rv_dup(a, s->project, &c->nomem),
                         .total = s->result.total,
                         .grade = rv_dup(a, s->result.grade, &c->nomem)},
                 .i0 = t->ni,
                 .n = s->n};
    for (size_t i = 0; i < s->n; i++)
        keep_indicator(c, &s->ind[i], &t->ind[t->ni++]);
    return c->nomem;
}

static int cmp_year(const void *a, const void *b)
{
    const tyear *x = a, *y = b;
    return (x->pub.year > y->pub.year) - (x->pub.year < y->pub.year);
}

/* The row of the k-th occurrence of this 三级指标, created when new; SIZE_MAX out of memory. */
static size_t row_of(jx_trend *t, const tind *x, size_t k)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (t->occ[r] == k && !strcmp(t->rows[r].level3, x->l3)) return r;
    if (!JX_GROW(t->rows, t->caprows, t->nrows + 1) || !JX_GROW(t->occ, t->capocc, t->nrows + 1))
        return SIZE_MAX;
    t->rows[t->nrows] = (jx_trend_indicator){.level1 = x->l1, .level2 = x->l2, .level3 = x->l3};
    t->occ[t->nrows] = k;
    return t->nrows++;
}

/* Is cur's target no harder than prev's actual? */
static bool not_raised(const tind *prev, const tind *cur)
{
    if (!prev->number || !cur->number || !prev->has_numbers || strcmp(prev->unit, cur->unit))
        return false;
    double tol = 1e-9 * fmax(1, fabs(prev->a));
    switch (cur->op) {
    case JX_OP_GE:
    case JX_OP_GT:
        return cur->t <= prev->a + tol;
    case JX_OP_LE:
    case JX_OP_LT:
        return cur->t >= prev->a - tol;
    default:
        return false;
    }
}

/* Lay the indicators out in rows × years; flag the targets that were not raised. */
static bool build_rows(jx_trend *t)
{
    size_t *row = malloc((t->ni ? t->ni : 1) * sizeof *row);
    if (!row) return false;
    for (size_t y = 0; y < t->ny; y++)
        for (size_t j = 0; j < t->y[y].n; j++) {
            const tind *x = &t->ind[t->y[y].i0 + j];
            size_t k = 0;
            for (size_t i = 0; i < j; i++)
                k += !strcmp(t->ind[t->y[y].i0 + i].l3, x->l3);
            if ((row[t->y[y].i0 + j] = row_of(t, x, k)) == SIZE_MAX) {
                free(row);
                return false;
            }
        }
    t->cells = calloc(t->nrows * t->ny + 1, sizeof *t->cells);
    const tind **at = calloc(t->nrows * t->ny + 1, sizeof *at);
    bool ok = t->cells && at;
    for (size_t y = 0; ok && y < t->ny; y++)
        for (size_t j = 0; j < t->y[y].n; j++) {
            const tind *x = &t->ind[t->y[y].i0 + j];
            size_t r = row[t->y[y].i0 + j];
            at[r * t->ny + y] = x;
            jx_trend_cell *c = &t->cells[r * t->ny + y];
            *c = (jx_trend_cell){.present = true,
                                 .target = x->target,
                                 .actual = x->actual,
                                 .scored = x->scored,
                                 .weight = x->weight,
                                 .points = x->points,
                                 .flags = x->flags,
                                 .prev_actual = NAN};
            const tind *p = y ? at[r * t->ny + y - 1] : NULL;
            if (p && not_raised(p, x)) {
                c->review_flags |= JX_REVIEW_TARGET_NOT_RAISED;
                c->prev_actual = p->a;
            }
        }
    for (size_t r = 0; ok && r < t->nrows; r++)
        t->rows[r].cells = &t->cells[r * t->ny];
    free(at);
    free(row);
    return ok;
}

/* The department's projects in the run (for the message when the one asked for is not there). */
typedef struct projects_ctx {
    char list[256];
    size_t n;
} projects_ctx;

static int collect_project(const jx_run_subject *s, void *ctx)
{
    projects_ctx *p = ctx;
    const char *name = *s->project ? s->project : "部门整体";
    if (strstr(p->list, name)) return 0;
    size_t len = strlen(p->list);
    jx_fmt_trunc(p->list + len, sizeof p->list - len, "%s%s", p->n++ ? ", " : "", name);
    return 0;
}

static jx_err not_found(jx_run *run, const char *dept, const char *project, jx_errmsg *msg)
{
    projects_ctx p = {{0}, 0};
    jx_run_filter f = {.depts = &dept, .ndepts = 1};
    jx_run_foreach(run, &f, collect_project, &p);
    long long id = (long long)jx_run_about(run)->id;
    if (!p.n) return jx_msg(msg, JX_ERR_NOTFOUND, "run %lld has no department %s", id, dept);
    return jx_msg(msg, JX_ERR_NOTFOUND, "run %lld has no %s of %s; it has: %s", id,
                  *project ? project : "部门整体", dept, p.list);
}

/* Ranks within each year (departments and projects apart). */
static jx_err rank_years(jx_run *run, jx_trend *t, const char *project)
{
    rv_ranks rk;
    jx_selection sel = {.kind = *project ? JX_SEL_PROJECTS : JX_SEL_DEPARTMENTS};
    jx_err e = rv_ranks_load(run, &sel, &rk);
    if (e) return e;
    for (size_t i = 0; i < t->ny; i++) {
        jx_trend_year *y = &t->y[i].pub;
        const jx_ranked *r = rv_ranks_find(&rk, y->name, y->project, y->year);
        y->rank = r ? r->rank : 0;
        y->of = r ? r->group_size : 0;
    }
    rv_ranks_free(&rk);
    return JX_OK;
}

static jx_err load(jx_run *run, const char *dept, const char *project, jx_trend *t, jx_errmsg *msg)
{
    trend_ctx c = {.t = t};
    jx_run_filter f = {.depts = &dept, .ndepts = 1, .project = project, .indicators = true};
    jx_err e = jx_run_foreach(run, &f, trend_subject, &c);
    if (e) return jx_msg(msg, e, "%s", jx_run_errmsg(run));
    if (c.nomem) return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    if (c.dup_year)
        return jx_msg(msg, JX_ERR_INVALID,
                      "%s names more than one department in %d: use its 部门编码", dept,
                      c.dup_year);
    if (!t->ny) return not_found(run, dept, project, msg);
    qsort(t->y, t->ny, sizeof *t->y, cmp_year);
    if ((e = rank_years(run, t, project))) return jx_msg(msg, e, "%s", jx_run_errmsg(run));
    if (!(t->years = malloc(t->ny * sizeof *t->years)) || !build_rows(t))
        return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < t->ny; i++)
        t->years[i] = t->y[i].pub;
    return JX_OK;
}

jx_err jx_trend_load(jx_run *run, const char *dept, const char *project, jx_trend **out,
                     jx_errmsg *msg)
{
    if (!out) return jx_msg(msg, JX_ERR_INVALID, "jx_trend_load: out is NULL");
    *out = NULL;
    if (!run || !dept || !project) return jx_msg(msg, JX_ERR_INVALID, "jx_trend_load: NULL");
    jx_trend *t = calloc(1, sizeof *t);
    if (!t) return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    jx_err e = load(run, dept, project, t, msg);
    if (e) {
        jx_trend_free(t);
        return e;
    }
    *out = t;
    return JX_OK;
}

size_t jx_trend_years(const jx_trend *t)
{
    return t ? t->ny : 0;
}

const jx_trend_year *jx_trend_year_at(const jx_trend *t, size_t i)
{
    return t && i < t->ny ? &t->years[i] : NULL;
}

size_t jx_trend_count(const jx_trend *t)
{
    return t ? t->nrows : 0;
}

const jx_trend_indicator *jx_trend_at(const jx_trend *t, size_t i)
{
    return t && i < t->nrows ? &t->rows[i] : NULL;
}

void jx_trend_free(jx_trend *t)
{
    if (!t) return;
    free(t->y);
    free(t->years);
    free(t->ind);
    free(t->rows);
    free(t->cells);
    free(t->occ);
    jx_arena_free(&t->arena);
    free(t);
}
