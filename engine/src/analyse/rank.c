/*
 * rank.c - competition ranking (1, 2, 2, 4) of subjects by total, within
 * groups (departments apart from projects, each year apart), and the ranked
 * subjects of a stored run. Also the group helpers the other analyses share.
 */
#include "jixiao/rank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/analysis_int.h"
#include "jixiao/run.h"
#include "keep/run_int.h"
#include "util/util_int.h"

bool jx_selection_has(const jx_selection *sel, const char *project, int year)
{
    if (!sel) return true;
    if (sel->year && sel->year != year) return false;
    bool is_project = project && *project;
    if (sel->kind == JX_SEL_DEPARTMENTS && is_project) return false;
    if (sel->kind == JX_SEL_PROJECTS && !is_project) return false;
    return true;
}

int64_t jx_rank_key(double total)
{
    return an_rank_key(total);
}

typedef struct keyed {
    int64_t key;
    size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

bool an_groups(const int64_t *keys, size_t n, size_t *group, size_t *ngroups)
{
    *ngroups = 0;
    if (!n) return true;
    keyed *k = malloc(n * sizeof *k);
    if (!k) return false;
    for (size_t i = 0; i < n; i++)
        k[i] = (keyed){keys[i], i};
    qsort(k, n, sizeof *k, cmp_keyed);
    size_t g = 0;
    for (size_t p = 0; p < n; p++) {
        if (p && k[p].key != k[p - 1].key) g++;
        group[k[p].i] = g;
    }
    *ngroups = g + 1;
    free(k);
    return true;
}

typedef struct rank_item {
    size_t group;
    int64_t key;
    size_t i;
} rank_item;

/* by group, then total descending, then input position */
static int cmp_rank_item(const void *a, const void *b)
{
    const rank_item *x = a, *y = b;
    if (x->group != y->group) return x->group < y->group ? -1 : 1;
    if (x->key != y->key) return x->key > y->key ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

jx_err jx_rank_competition(const double *total, const size_t *group, size_t n, size_t *rank,
                           size_t *order)
{
    if (!n) return JX_OK;
    if (!total || !rank) return JX_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(total[i])) return JX_ERR_INVALID;
    rank_item *it = malloc(n * sizeof *it);
    if (!it) return JX_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        it[i] = (rank_item){group ? group[i] : 0, an_rank_key(total[i]), i};
    qsort(it, n, sizeof *it, cmp_rank_item);
    size_t start = 0, r = 0;
    for (size_t p = 0; p < n; p++) {
        if (!p || it[p].group != it[p - 1].group)
            start = p, r = 1;
        else if (it[p].key != it[p - 1].key)
            r = p - start + 1;
        rank[it[p].i] = r;
        if (order) order[p] = it[p].i;
    }
    free(it);
    return JX_OK;
}

/* ---- the ranking of a stored run ---- */

struct jx_ranking {
    int64_t run_id;
    jx_ranked *row; /* display order */
    size_t n, cap;
    jx_arena arena; /* strings */
};

typedef struct load_ctx {
    jx_ranking *r;
    const jx_selection *sel;
    bool nomem;
} load_ctx;

static int load_subject(const jx_run_subject *s, void *ctx)
{
    load_ctx *c = ctx;
    if (!jx_selection_has(c->sel, s->project, s->year)) return 0;
    jx_ranking *r = c->r;
    if (!JX_GROW(r->row, r->cap, r->n + 1)) return c->nomem = true;
    jx_ranked *o = &r->row[r->n];
    memset(o, 0, sizeof *o);
    o->subject_id = s->subject_id;
    o->code = jx_arena_strndup(&r->arena, s->code, strlen(s->code));
    o->name = jx_arena_strndup(&r->arena, s->name, strlen(s->name));
    o->project = jx_arena_strndup(&r->arena, s->project, strlen(s->project));
    o->grade = jx_arena_strndup(&r->arena, s->result.grade, strlen(s->result.grade));
    if (!o->code || !o->name || !o->project || !o->grade) return c->nomem = true;
    o->year = s->year;
    o->total = s->result.total;
    o->flags = s->result.flags;
    o->budget_scored = s->result.budget_scored;
    o->budget = s->budget;
    o->budget_rate = s->result.budget_rate;
    r->n++;
    return 0;
}

/* display order: group, rank, then 部门编码, name, project */
static int cmp_display(const void *a, const void *b)
{
    const jx_ranked *x = a, *y = b;
    if (x->group != y->group) return x->group < y->group ? -1 : 1;
    if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
    int c = strcmp(x->code, y->code);
    if (!c) c = strcmp(x->name, y->name);
    if (!c) c = strcmp(x->project, y->project);
    return c;
}

jx_err jx_ranking_load(jx_run *run, const jx_selection *sel, jx_ranking **out)
{
    if (!out) return JX_ERR_INVALID;
    *out = NULL;
    if (!run) return JX_ERR_INVALID;
    jx_ranking *r = calloc(1, sizeof *r);
    if (!r) return run_fail(run, JX_ERR_NOMEM, "out of memory");
    int64_t run_id = r->run_id = run->id;
    load_ctx c = {.r = r, .sel = sel};
    jx_run_filter f = {.year = sel ? sel->year : 0};
    jx_err e = jx_run_foreach(run, &f, load_subject, &c);
    if (!e && c.nomem) e = run_fail(run, JX_ERR_NOMEM, "out of memory");
    double *total = NULL;
    int64_t *key = NULL;
    size_t *group = NULL, *rank = NULL, *size = NULL;
    if (!e && r->n) {
        total = malloc(r->n * sizeof *total);
        key = malloc(r->n * sizeof *key);
        group = malloc(r->n * sizeof *group);
        rank = malloc(r->n * sizeof *rank);
        size = calloc(r->n, sizeof *size);
        if (!total || !key || !group || !rank || !size)
            e = run_fail(run, JX_ERR_NOMEM, "out of memory");
    }
    if (!e && r->n) {
        size_t ng = 0;
        for (size_t i = 0; i < r->n; i++) {
            total[i] = r->row[i].total;
            key[i] = an_group_key(r->row[i].project, r->row[i].year);
        }
        if (!an_groups(key, r->n, group, &ng))
            e = run_fail(run, JX_ERR_NOMEM, "out of memory");
        else if ((e = jx_rank_competition(total, group, r->n, rank, NULL)))
            e = run_fail(run, e, "run %lld holds a total that is not a number", (long long)run_id);
    }
    if (!e && r->n) {
        for (size_t i = 0; i < r->n; i++)
            size[group[i]]++;
        for (size_t i = 0; i < r->n; i++) {
            r->row[i].group = group[i];
            r->row[i].rank = rank[i];
            r->row[i].group_size = size[group[i]];
        }
        qsort(r->row, r->n, sizeof *r->row, cmp_display);
    }
    free(total);
    free(key);
    free(group);
    free(rank);
    free(size);
    if (e) {
        jx_ranking_free(r);
        return e;
    }
    *out = r;
    return JX_OK;
}

size_t jx_ranking_count(const jx_ranking *r)
{
    return r ? r->n : 0;
}

const jx_ranked *jx_ranking_at(const jx_ranking *r, size_t i)
{
    return r && i < r->n ? &r->row[i] : NULL;
}

int64_t jx_ranking_run(const jx_ranking *r)
{
    return r ? r->run_id : 0;
}

void jx_ranking_free(jx_ranking *r)
{
    if (!r) return;
    free(r->row);
    jx_arena_free(&r->arena);
    free(r);
}
