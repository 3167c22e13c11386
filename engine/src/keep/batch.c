/*
 * batch.c - an evaluation in memory: subjects, current targets, actuals and
 * budget rows held in arrays, scored subject by subject, read back like a
 * stored run.
 *
 * import.c reads and checks the files (jx_batch_import_file is there, beside
 * jx_import_file) and writes through batch_int.h. What a store keeps as rows
 * with a replaced_by column is kept here as each subject's current state:
 *
 *   subjects  in the order the targets files first named them (a store's id order)
 *   targets   appended; each subject chains its current ones in file order (its seq)
 *   actuals   on their targets; when targets are replaced, their actuals move to the
 *             subject's list (newest first, by the three names, as the store matches them),
 *             where a target imported again under the same names finds its actual
 *   budget    one row per subject, the newest
 *
 * A file's subjects and targets are appended and its budget rows and codes kept
 * aside until batch_commit(); its actuals are written at once, with the ones they
 * replace on an undo list. batch_rollback() drops or undoes all of it, so a failed
 * file changes nothing (its strings stay in the arena until the batch is freed).
 */
#include "jixiao/batch.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keep/batch_int.h"
#include "keep/run_int.h"
#include "util/util_int.h"
#include "model/vcache_int.h"

/* A batch lives for one evaluation of up to ~2.5 M indicators: it keeps more distinct value
 * strings than an import (jx_value is ~400 bytes: at most 26 MiB). */
#define BATCH_VCACHE_MAX 65536

typedef struct bsubj {
    const char *code, *name, *project;
    int year;
    int64_t head, tail; /* current targets (index into tg, -1: none) */
    int64_t acts;       /* newest actual (index into act, -1: none) */
    uint64_t gen;       /* the commit that last replaced its targets */
    jx_budget budget;   /* present == false: no budget row */
} bsubj;

typedef struct btarget {
    int64_t subj, next;
    const char *l1, *l2, *l3, *op, *target, *unit, *note;
    const char *actual, *reason; /* NULL: no actual */
    double weight;
    int32_t vidx, aidx; /* the parsed target and actual in the batch's vcache; -1: parse again */
    uint32_t agen;      /* the file (b->gen + 1 while it is read) that set the actual */
    jx_kind kind;       /* of the target */
    bool has_weight;
} btarget;

typedef struct bactual {
    const char *l1, *l2, *l3, *actual, *reason;
    int32_t aidx;
    int64_t next;
} bactual;

/* An actual a file replaced (written at once, undone by batch_rollback) */
typedef struct undo_actual {
    int64_t target;
    const char *actual, *reason;
    int32_t aidx;
    uint32_t agen;
} undo_actual;
typedef struct pend_budget {
    int64_t subj;
    jx_budget budget;
} pend_budget;
typedef struct pend_code {
    int64_t subj;
    const char *code;
} pend_code;

/* One scored subject: the numbers a stored run keeps (jx_result without subtotals). */
typedef struct bres {
    int64_t subj;
    size_t n; /* its indicators */
    double total, weight_sum, points_sum, ind_weight, ind_points, budget_rate, budget_weight,
        budget_points;
    unsigned flags;
    bool budget_scored;
    size_t nscored, nna;
    char grade[16];
} bres;

/* Grow array p (capacity cap) to hold at least want elements (jx_grow). */
#define ARR_RESERVE(p, cap, want) jx_grow((void **)&(p), &(cap), (want), sizeof *(p))

struct jx_batch {
    char errmsg[JX_ERRMSG_MAX];
    jx_arena arena;
    jx_map subj_by_key; /* "year\x1fname\x1fproject" → index + 1 */
    bsubj *subj;
    size_t nsubj, capsubj;
    btarget *tg;
    size_t ntg, captg;
    bactual *act;
    size_t nact, capact;
    /* the file being read */
    size_t subj_mark, tg_mark;
    uint64_t gen;
    undo_actual *ua; /* actuals this file replaced */
    size_t nua, capua;
    pend_budget *pb;
    size_t npb, cappb;
    pend_code *pc;
    size_t npc, cappc;
    /* the scored result */
    bool scored;
    jx_run_info info;
    bres *res;
    size_t nres, capres;
    const jx_ruleset
        *rs; /* scored under: the scores are computed again when read (jx_batch_foreach) */
    jx_indicator *ind; /* a subject's indicators and scores, reused */
    jx_score *sc;
    size_t capind, capsc;
    jx_vcache vc;
};

static jx_err bfail(jx_batch *b, jx_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static jx_err bfail(jx_batch *b, jx_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(b->errmsg, sizeof b->errmsg, fmt, ap);
    va_end(ap);
    return e;
}

jx_err jx_batch_new(jx_batch **out)
{
    if (!out) return JX_ERR_INVALID;
    *out = calloc(1, sizeof **out);
    if (!*out) return JX_ERR_NOMEM;
    (*out)->vc.max = BATCH_VCACHE_MAX;
    return JX_OK;
}

void jx_batch_free(jx_batch *b)
{
    if (!b) return;
    jx_arena_free(&b->arena);
    jx_map_free(&b->subj_by_key);
    jx_vcache_free(&b->vc);
    free(b->subj);
    free(b->tg);
    free(b->act);
    free(b->ua);
    free(b->pb);
    free(b->pc);
    free(b->res);
    free(b->ind);
    free(b->sc);
    free(b);
}

const char *jx_batch_errmsg(const jx_batch *b)
{
    return b ? b->errmsg : "no batch";
}

jx_vcache *batch_vcache(jx_batch *b)
{
    return &b->vc;
}

char *batch_errbuf(jx_batch *b)
{
    return b->errmsg;
}

static const char *keep(jx_batch *b, const char *s)
{
    return jx_arena_strndup(&b->arena, s, strlen(s));
}

/* ---- written by import.c ---- */

int64_t batch_subject(jx_batch *b, const char *code, const char *name, const char *project,
                      int year, bool create, const char **stored)
{
    char key[1024];
    size_t klen = jx_subject_key(key, sizeof key, year, name, project);
    if (!klen) return -1; /* import.c refuses such long names before asking */
    *stored = "";
    int64_t *hit = jx_map_get(&b->subj_by_key, key, klen);
    if (hit) {
        *stored = b->subj[*hit - 1].code;
        return *hit;
    }
    if (!create) return 0;
    if (!ARR_RESERVE(b->subj, b->capsubj, b->nsubj + 1)) return -1;
    bsubj *s = &b->subj[b->nsubj];
    *s = (bsubj){
        .code = keep(b, code),
        .name = keep(b, name),
        .project = keep(b, project),
        .year = year,
        .head = -1,
        .tail = -1,
        .acts = -1,
    };
    int is_new;
    int64_t *slot = jx_map_put(&b->subj_by_key, key, klen, &is_new);
    if (!slot || !s->code || !s->name || !s->project) return -1;
    *slot = (int64_t)++b->nsubj;
    *stored = s->code; /* created with the code given, as a store inserts it */
    return *slot;
}

bool batch_set_code(jx_batch *b, int64_t sid, const char *code)
{
    if (!ARR_RESERVE(b->pc, b->cappc, b->npc + 1)) return false;
    b->pc[b->npc] = (pend_code){.subj = sid - 1, .code = keep(b, code)};
    return b->pc[b->npc++].code != NULL;
}

/* s kept: the previous row's copy when it is the same text (一级/二级 names, operators and
 * units repeat row after row), "" for empty cells, else a new copy */
static const char *keep_like(jx_batch *b, const char *s, const char *prev)
{
    if (!*s) return "";
    if (prev && !strcmp(s, prev)) return prev;
    return keep(b, s);
}

bool batch_add_target(jx_batch *b, int64_t sid, const char *l1, const char *l2, const char *l3,
                      const char *op, const char *target, const char *unit, bool has_weight,
                      double weight, const char *note, jx_kind kind, int32_t vidx)
{
    if (!ARR_RESERVE(b->tg, b->captg, b->ntg + 1)) return false;
    btarget *t = &b->tg[b->ntg];
    const btarget *p = b->ntg ? &b->tg[b->ntg - 1] : &(btarget){0};
    *t = (btarget){.subj = sid - 1,
                   .next = -1,
                   .l1 = keep_like(b, l1, p->l1),
                   .l2 = keep_like(b, l2, p->l2),
                   .l3 = keep_like(b, l3, NULL),
                   .op = keep_like(b, op, p->op),
                   .target = keep_like(b, target, p->target),
                   .unit = keep_like(b, unit, p->unit),
                   .note = keep_like(b, note, p->note),
                   .has_weight = has_weight,
                   .weight = weight,
                   .kind = kind,
                   .vidx = vidx,
                   .aidx = -1};
    if (!t->l1 || !t->l2 || !t->l3 || !t->op || !t->target || !t->unit || !t->note) return false;
    b->ntg++;
    return true;
}

bool batch_add_actual(jx_batch *b, int64_t target, const char *actual, const char *reason,
                      int32_t aidx)
{
    /* written at once (a pending list cost 32 bytes an actual); the file's generation marks it */
    const char *a = keep(b, actual), *r = keep_like(b, reason, NULL);
    if (!a || !r) return false;
    btarget *t = &b->tg[target];
    if (t->actual) {
        if (!ARR_RESERVE(b->ua, b->capua, b->nua + 1)) return false;
        b->ua[b->nua++] = (undo_actual){.target = target,
                                        .actual = t->actual,
                                        .reason = t->reason,
                                        .aidx = t->aidx,
                                        .agen = t->agen};
    }
    t->actual = a;
    t->reason = r;
    t->aidx = aidx;
    t->agen = (uint32_t)(b->gen + 1);
    return true;
}

bool batch_add_budget(jx_batch *b, int64_t sid, bool has_initial, double initial, double budget,
                      double spent)
{
    if (!ARR_RESERVE(b->pb, b->cappb, b->npb + 1)) return false;
    b->pb[b->npb++] = (pend_budget){.subj = sid - 1,
                                    .budget = {.present = true,
                                               .initial = has_initial ? initial : 0,
                                               .budget = budget,
                                               .spent = spent}};
    return true;
}

bool batch_targets_of(const jx_batch *b, int64_t sid, bool (*fn)(void *ctx, const batch_tgt *t),
                      void *ctx)
{
    for (int64_t i = b->subj[sid - 1].head; i >= 0; i = b->tg[i].next) {
        const btarget *t = &b->tg[i];
        batch_tgt bt = {.ref = i, .l1 = t->l1, .l2 = t->l2, .l3 = t->l3, .kind = t->kind};
        if (!fn(ctx, &bt)) return false;
    }
    return true;
}

void batch_begin(jx_batch *b)
{
    b->subj_mark = b->nsubj;
    b->tg_mark = b->ntg;
    b->nua = b->npb = b->npc = 0;
}

/* The subject's newest actual under these names, or -1. */
static int64_t actual_named(const jx_batch *b, const bsubj *s, const btarget *t)
{
    for (int64_t i = s->acts; i >= 0; i = b->act[i].next) {
        const bactual *a = &b->act[i];
        if (!strcmp(a->l3, t->l3) && !strcmp(a->l1, t->l1) && !strcmp(a->l2, t->l2)) return i;
    }
    return -1;
}

int64_t batch_commit(jx_batch *b)
{
    int64_t replaced = 0;
    b->scored = false; /* the result no longer describes the batch */
    uint64_t gen = ++b->gen;
    /* targets: the file's rows become their subjects' current ones */
    for (size_t i = b->tg_mark; i < b->ntg; i++) {
        btarget *t = &b->tg[i];
        bsubj *s = &b->subj[t->subj];
        if (s->gen != gen) { /* its current targets are replaced: keep their actuals by name */
            s->gen = gen;
            for (int64_t k = s->head; k >= 0; k = b->tg[k].next) {
                replaced++;
                const btarget *o = &b->tg[k];
                if (o->actual && ARR_RESERVE(b->act, b->capact, b->nact + 1)) {
                    b->act[b->nact] = (bactual){.l1 = o->l1,
                                                .l2 = o->l2,
                                                .l3 = o->l3,
                                                .actual = o->actual,
                                                .reason = o->reason,
                                                .aidx = o->aidx,
                                                .next = s->acts};
                    s->acts = (int64_t)b->nact++;
                }
            }
            s->head = s->tail = -1;
        }
        if (s->tail >= 0)
            b->tg[s->tail].next = (int64_t)i;
        else
            s->head = (int64_t)i;
        s->tail = (int64_t)i;
        if (s->acts >=
            0) { /* a store joins actuals by name: the new target keeps the current one */
            int64_t a = actual_named(b, s, t);
            if (a >= 0)
                t->actual = b->act[a].actual, t->reason = b->act[a].reason,
                t->aidx = b->act[a].aidx;
        }
    }
    replaced += (int64_t)b->nua; /* actuals are written as they come, each replaced one undoable */
    for (size_t i = 0; i < b->npb; i++) {
        bsubj *s = &b->subj[b->pb[i].subj];
        if (s->budget.present) replaced++;
        s->budget = b->pb[i].budget;
    }
    for (size_t i = 0; i < b->npc; i++)
        b->subj[b->pc[i].subj].code = b->pc[i].code;
    batch_begin(b);
    return replaced;
}

void batch_rollback(jx_batch *b)
{
    b->ntg = b->tg_mark;
    /* actuals this file wrote: cleared, then the ones it replaced put back */
    uint32_t gen = (uint32_t)(b->gen + 1);
    for (size_t i = 0; i < b->ntg; i++)
        if (b->tg[i].actual && b->tg[i].agen == gen) {
            b->tg[i].actual = b->tg[i].reason = NULL;
            b->tg[i].aidx = -1;
            b->tg[i].agen = 0;
        }
    for (size_t i = b->nua; i-- > 0;) {
        btarget *t = &b->tg[b->ua[i].target];
        t->actual = b->ua[i].actual;
        t->reason = b->ua[i].reason;
        t->aidx = b->ua[i].aidx;
        t->agen = b->ua[i].agen;
    }
    if (b->nsubj >
        b->subj_mark) { /* the map cannot delete: build it again from the subjects kept */
        b->nsubj = b->subj_mark;
        jx_map_free(&b->subj_by_key);
        for (size_t i = 0; i < b->nsubj; i++) {
            char key[1024];
            size_t klen = jx_subject_key(key, sizeof key, b->subj[i].year, b->subj[i].name,
                                         b->subj[i].project);
            int is_new;
            int64_t *slot = jx_map_put(&b->subj_by_key, key, klen, &is_new);
            if (slot) *slot = (int64_t)i + 1;
        }
    }
    batch_begin(b);
}

/* ---- scoring ---- */

/* t's target and actual values, from the vcache entries kept at import, else parsed (again) */
static jx_err target_value(jx_batch *b, const btarget *t, jx_value *v, jx_errmsg *msg)
{
    const jx_value *hit = jx_vcache_at(&b->vc, t->vidx);
    if (!hit) return jx_vcache_cells(&b->vc, t->op, t->target, t->unit, v, msg);
    *v = *hit;
    return JX_OK;
}

static jx_err actual_value(jx_batch *b, const btarget *t, jx_value *v, jx_errmsg *msg)
{
    const jx_value *hit = jx_vcache_at(&b->vc, t->aidx);
    if (!hit) return jx_vcache_text(&b->vc, t->actual, strlen(t->actual), v, msg);
    *v = *hit;
    return JX_OK;
}

/* The indicator as the engine scores it, strings borrowed from the batch. */
static bool indicator(jx_batch *b, const bsubj *s, const btarget *t, jx_indicator *ind,
                      jx_errmsg *msg)
{
    memset(ind, 0, sizeof *ind);
    ind->level1 = t->l1;
    ind->level2 = t->l2;
    ind->level3 = t->l3;
    ind->year = s->year;
    if (target_value(b, t, &ind->target, msg)) return false;
    ind->has_weight = t->has_weight;
    ind->weight = t->weight;
    if (t->actual) {
        if (actual_value(b, t, &ind->actual, msg)) return false;
        ind->has_actual = true;
        ind->has_reason = *t->reason != '\0';
    }
    return true;
}

/* s's current targets as indicators in b->ind (with room in b->sc for their scores); *n: how
 * many; *bad: how many did not parse, each reported through opts (import checked them: cannot
 * happen). false when out of memory. */
static bool subject_indicators(jx_batch *b, const bsubj *s, const jx_run_opts *opts,
                               const char *label, size_t *n, size_t *bad)
{
    *n = *bad = 0;
    for (int64_t k = s->head; k >= 0; k = b->tg[k].next)
        ++*n;
    if (!ARR_RESERVE(b->ind, b->capind, *n) || !ARR_RESERVE(b->sc, b->capsc, *n)) return false;
    size_t i = 0;
    for (int64_t k = s->head; k >= 0; k = b->tg[k].next, i++) {
        jx_errmsg msg;
        if (!indicator(b, s, &b->tg[k], &b->ind[i], &msg))
            run_error(opts, bad, "%s: %s: %s", label, b->tg[k].l3, msg.text);
    }
    return true;
}

jx_err jx_batch_score(jx_batch *b, const jx_ruleset *rs, const jx_run_opts *opts,
                      jx_run_summary *out)
{
    jx_run_summary local;
    jx_run_summary *sum = out ? out : &local;
    memset(sum, 0, sizeof *sum);
    if (!b || !rs) return JX_ERR_INVALID;
    b->scored = false;
    b->nres = 0;
    b->rs = rs;
    jx_err e = JX_OK;
    for (size_t i = 0; i < b->nsubj; i++) {
        const bsubj *s = &b->subj[i];
        if (s->head < 0) continue;
        char label[256];
        jx_fmt_trunc(label, sizeof label, "%s%s%s %d", s->name, *s->project ? " / " : "",
                     s->project, s->year);
        size_t n, bad;
        if (!subject_indicators(b, s, opts, label, &n, &bad) ||
            !ARR_RESERVE(b->res, b->capres, b->nres + 1)) {
            e = bfail(b, JX_ERR_NOMEM, "out of memory");
            break;
        }
        sum->errors += bad;
        jx_result r;
        jx_errmsg msg;
        if (bad) continue;
        if (jx_aggregate(rs, b->ind, n, &s->budget, b->sc, &r, &msg)) {
            run_error(opts, &sum->errors, "%s: %s", label, msg.text);
            continue;
        }
        bres *o = &b->res[b->nres++];
        *o = (bres){.subj = (int64_t)i,
                    .n = n,
                    .total = r.total,
                    .weight_sum = r.weight_sum,
                    .points_sum = r.points_sum,
                    .ind_weight = r.ind_weight,
                    .ind_points = r.ind_points,
                    .flags = r.flags,
                    .budget_scored = r.budget_scored,
                    .nscored = r.nscored,
                    .nna = r.nna};
        if (r.budget_scored) { /* a store keeps these only when the budget was scored */
            o->budget_rate = r.budget_rate;
            o->budget_weight = r.budget_weight;
            o->budget_points = r.budget_points;
        }
        jx_fmt_trunc(o->grade, sizeof o->grade, "%s", r.grade ? r.grade : "");
        sum->subjects++;
        sum->indicators += (int64_t)n;
        if (opts && opts->on_progress && sum->subjects % 1000 == 0)
            opts->on_progress(opts->ctx, sum->subjects);
    }
    if (e) return e;
    if (!sum->subjects && !sum->errors)
        return bfail(b, JX_ERR_NOTFOUND, "no targets to score: import targets first");
    if (sum->errors) {
        sum->subjects = sum->indicators = 0;
        return bfail(b, JX_ERR_FORMAT, "%zu subject%s could not be scored; no run stored",
                     sum->errors, sum->errors == 1 ? "" : "s");
    }
    jx_run_info *info = &b->info;
    memset(info, 0, sizeof *info);
    info->id = sum->run_id = 1;
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(info->created_at, sizeof info->created_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    jx_fmt_trunc(info->rules, sizeof info->rules, "%s", jx_ruleset_name(rs));
    jx_fmt_trunc(info->rules_sha256, sizeof info->rules_sha256, "%s", jx_ruleset_sha256(rs));
    jx_fmt_trunc(info->label, sizeof info->label, "%s", opts && opts->label ? opts->label : "");
    info->subjects = sum->subjects;
    info->indicators = sum->indicators;
    b->scored = true;
    return JX_OK;
}

jx_err jx_batch_info(const jx_batch *b, jx_run_info *out)
{
    if (!b || !out) return JX_ERR_INVALID;
    if (!b->scored) {
        memset(out, 0, sizeof *out);
        return JX_ERR_NOTFOUND;
    }
    *out = b->info;
    return JX_OK;
}

jx_err jx_batch_foreach(jx_batch *b, const jx_run_filter *filter, jx_run_cb cb, void *ctx)
{
    if (!b || !cb) return JX_ERR_INVALID;
    if (!b->scored) return bfail(b, JX_ERR_NOTFOUND, "nothing scored yet");
    jx_run_indicator *ind = NULL;
    size_t cap = 0;
    jx_err e = JX_OK;
    for (size_t i = 0; i < b->nres; i++) {
        const bres *o = &b->res[i];
        const bsubj *s = &b->subj[o->subj];
        if (!run_wanted(filter, s->code, s->name, s->project, s->year)) continue;
        jx_run_subject rs = {.subject_id = o->subj + 1,
                             .code = s->code,
                             .name = s->name,
                             .project = s->project,
                             .year = s->year};
        rs.result = (jx_result){.total = o->total,
                                .grade = o->grade,
                                .flags = o->flags,
                                .weight_sum = o->weight_sum,
                                .points_sum = o->points_sum,
                                .ind_weight = o->ind_weight,
                                .ind_points = o->ind_points,
                                .budget_scored = o->budget_scored,
                                .budget_rate = o->budget_rate,
                                .budget_weight = o->budget_weight,
                                .budget_points = o->budget_points,
                                .nscored = o->nscored,
                                .nna = o->nna};
        if (s->budget.present) {
            rs.budget_initial = s->budget.initial;
            rs.budget = s->budget.budget;
            rs.spent = s->budget.spent;
        }
        if (filter && filter->indicators) {
            /* the scores again: the same indicators under the same rule set give the same bits,
             * and keeping 56 bytes per indicator was a tenth of a big evaluation's memory */
            size_t n, bad;
            jx_result r;
            if (!subject_indicators(b, s, NULL, NULL, &n, &bad) || !ARR_RESERVE(ind, cap, n)) {
                e = bfail(b, JX_ERR_NOMEM, "out of memory");
                break;
            }
            if (bad || n != o->n || jx_aggregate(b->rs, b->ind, n, &s->budget, b->sc, &r, NULL)) {
                e = bfail(b, JX_ERR_INVALID,
                          "the batch changed after it was scored: score it again");
                break;
            }
            n = 0;
            for (int64_t k = s->head; k >= 0; k = b->tg[k].next, n++) {
                const btarget *t = &b->tg[k];
                jx_run_indicator *ri = &ind[n];
                *ri = (jx_run_indicator){.level1 = t->l1,
                                         .level2 = t->l2,
                                         .level3 = t->l3,
                                         .op = t->op,
                                         .target = t->target,
                                         .unit = t->unit,
                                         .note = t->note,
                                         .actual = t->actual,
                                         .reason = t->actual ? t->reason : "",
                                         .weight_given = t->has_weight,
                                         .score = b->sc[n]};
                /* as jx_run_foreach explains a stored indicator: from its parsed values only */
                jx_indicator x = {.level1 = t->l1,
                                  .level2 = t->l2,
                                  .level3 = t->l3,
                                  .year = s->year,
                                  .target = b->ind[n].target,
                                  .actual = b->ind[n].actual,
                                  .has_actual = b->ind[n].has_actual};
                jx_score_explain(&ri->score, &x, ri->explain, sizeof ri->explain);
            }
            rs.n = n;
            rs.ind = ind;
        }
        if (cb(&rs, ctx)) break;
    }
    free(ind);
    return e;
}
