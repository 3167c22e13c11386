/*
 * batch.c - an evaluation in memory: subjects, current targets, actuals and
 * budget rows held in arrays, scored subject by subject, read back like a
 * stored run.
 *
 * It is one of the two back-ends of keep_int.h: import.c reads and checks the
 * files and writes through its operations, scoring.c scores it subject by
 * subject, and its result is read back as a jx_run. What a store keeps as rows
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

#include "keep/keep_int.h"
#include "keep/run_int.h"
#include "util/util_int.h"
#include "model/vcache_int.h"

/* A batch lives for one evaluation of up to ~2.5 M indicators: it keeps more distinct value
 * strings than an import (jx_value is ~400 bytes: at most 26 MiB). */
#define BATCH_VCACHE_MAX 65536

/* A subject's 资金来源 rows and the department's own scores on its budget (when any given). */
typedef struct bfunds {
    run_money money;
    int nrows; /* the rows under the total it holds */
    bool has_claim, has_claim_total;
    double claim, claim_total;
} bfunds;

typedef struct bsubj {
    const char *code, *name, *project;
    int year;
    const char *note[4]; /* 主管部门, 实施单位, 年度总体目标, 实际完成情况 (NULL: none) */
    int32_t funds;      /* its entry in jx_batch.funds, -1: none */
    int64_t head, tail; /* current targets (index into tg, -1: none) */
    int64_t acts;       /* newest actual (index into act, -1: none) */
    uint64_t gen;       /* reserve_retired() has counted it (== jx_batch.seen_gen) */
    jx_budget budget;   /* present == false: no budget row */
} bsubj;

/* A text kept by the batch: its id (jx_batch.strs); 0 is no text (NULL), 1 is "". A target
 * record names nine texts: 36 bytes as ids, 72 as pointers (100,000 subjects: 2.5 M records). */
typedef uint32_t btext;
#define BT_NONE 0
#define BT_EMPTY 1

typedef struct btarget {
    int32_t subj, next; /* index into subj; the subject's next current target (-1: none) */
    btext l1, l2, l3, op, target, unit, note;
    btext actual, reason; /* BT_NONE: no actual */
    double weight;
    double claim;       /* 自评得分 of the actual, when has_claim */
    int32_t vidx, aidx; /* the parsed target and actual in the batch's vcache; -1: parse again */
    uint32_t agen;      /* the file (b->gen + 1 while it is read) that set the actual */
    int32_t aline;      /* the actual's line */
    uint16_t afile;     /* and its file (jx_batch.files, index + 1; 0: none or too many) */
    uint8_t kind;       /* jx_kind of the target */
    bool has_weight;
    bool has_claim;
} btarget;

typedef struct bactual {
    btext l1, l2, l3, actual, reason;
    int32_t aidx, aline;
    uint16_t afile;
    bool has_claim;
    double claim;
    int64_t next;
} bactual;

/* An actual a file replaced (written at once, undone by batch_rollback) */
typedef struct undo_actual {
    int64_t target;
    btext actual, reason;
    int32_t aidx, aline;
    uint32_t agen;
    uint16_t afile;
    bool has_claim;
    double claim;
} undo_actual;
typedef struct pend_budget {
    int64_t subj;
    kp_budget row; /* its source is one of import.c's static names */
} pend_budget;
typedef struct pend_note {
    int64_t subj;
    int field; /* index into bsubj.note */
    const char *value;
} pend_note;
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

struct jx_batch {
    char errmsg[JX_ERRMSG_MAX];
    jx_arena arena;
    const char **strs; /* the texts of the targets and actuals, each distinct one once (btext) */
    size_t nstrs, capstrs;
    uint32_t *stab; /* their ids by hash, open addressing (0: empty), at most half full */
    size_t stcap;
    jx_map subj_by_key; /* "year\x1fname\x1fproject" → index + 1 */
    bsubj *subj;
    size_t nsubj, capsubj;
    btarget *tg;
    size_t ntg, captg;
    bactual *act;
    size_t nact, capact;
    /* the file being read */
    kp_file *file;
    size_t subj_mark, tg_mark;
    uint64_t gen;      /* files committed; b->gen + 1 marks the actuals of the file being read */
    uint64_t seen_gen; /* reserve_retired()'s mark */
    undo_actual *ua;   /* actuals this file replaced */
    size_t nua, capua;
    pend_budget *pb;
    size_t npb, cappb;
    pend_code *pc;
    size_t npc, cappc;
    pend_note *pn;
    size_t npn, cappn;
    bfunds *funds; /* the subjects' rows under their totals, and their claims */
    size_t nfunds, capfunds;
    const char **files; /* the names of the files read (in the arena), for messages */
    size_t nfiles, capfiles;
    /* the scored result */
    bool scored;
    jx_run_info info;
    bres *res;
    size_t nres, capres;
    const jx_ruleset *rs; /* scored under: the scores are computed again when read */
    jx_indicator *ind;    /* a subject's indicators and scores, reused */
    jx_score *sc;
    int64_t *vfile, *vline; /* and where their actuals were read */
    size_t capind, capsc, capvf, capvl;
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
    if (!JX_GROW((*out)->strs, (*out)->capstrs, 2)) {
        free(*out);
        *out = NULL;
        return JX_ERR_NOMEM;
    }
    (*out)->strs[BT_NONE] = NULL;
    (*out)->strs[BT_EMPTY] = "";
    (*out)->nstrs = 2;
    return JX_OK;
}

void jx_batch_free(jx_batch *b)
{
    if (!b) return;
    jx_arena_free(&b->arena);
    free(b->strs);
    free(b->stab);
    jx_map_free(&b->subj_by_key);
    jx_vcache_free(&b->vc);
    free(b->subj);
    free(b->tg);
    free(b->act);
    free(b->ua);
    free(b->pb);
    free(b->pc);
    free(b->pn);
    free(b->funds);
    free(b->files);
    free(b->res);
    free(b->ind);
    free(b->sc);
    free(b->vfile);
    free(b->vline);
    free(b);
}

const char *jx_batch_errmsg(const jx_batch *b)
{
    return b ? b->errmsg : "no batch";
}

static char *errbuf(void *h)
{
    return ((jx_batch *)h)->errmsg;
}

static jx_vcache *vcache(void *h)
{
    return &((jx_batch *)h)->vc;
}

static const char *keep(jx_batch *b, const char *s)
{
    return jx_arena_strndup(&b->arena, s, strlen(s));
}

static jx_err nomem(jx_batch *b)
{
    return bfail(b, JX_ERR_NOMEM, "out of memory");
}

/* ---- an import: written by import.c through kp_ops ---- */

static jx_err subject(void *h, const char *code, const char *name, const char *project, int year,
                      bool create, int64_t *sid, const char **code_out)
{
    jx_batch *b = h;
    *sid = 0;
    *code_out = "";
    char key[1024];
    size_t klen = jx_subject_key(key, sizeof key, year, name, project);
    if (!klen) return bfail(b, JX_ERR_INVALID, "部门名称 and 项目名称 are too long");
    int64_t *hit = jx_map_get(&b->subj_by_key, key, klen);
    if (hit) {
        *sid = *hit;
        *code_out = b->subj[*hit - 1].code;
        return JX_OK;
    }
    if (!create) return JX_OK;
    if (!JX_GROW(b->subj, b->capsubj, b->nsubj + 1)) return nomem(b);
    bsubj *s = &b->subj[b->nsubj];
    *s = (bsubj){
        .code = keep(b, code),
        .name = keep(b, name),
        .project = keep(b, project),
        .year = year,
        .head = -1,
        .tail = -1,
        .acts = -1,
        .funds = -1,
    };
    if (!s->code || !s->name || !s->project) return nomem(b);
    int is_new;
    int64_t *slot = jx_map_put(&b->subj_by_key, key, klen, &is_new);
    if (!slot) return nomem(b);
    *slot = (int64_t)++b->nsubj;
    *sid = *slot;
    *code_out = s->code; /* created with the code given, as a store inserts it */
    return JX_OK;
}

static jx_err set_code(void *h, int64_t sid, const char *code)
{
    jx_batch *b = h;
    if (!JX_GROW(b->pc, b->cappc, b->npc + 1)) return nomem(b);
    b->pc[b->npc] = (pend_code){.subj = sid - 1, .code = keep(b, code)};
    if (!b->pc[b->npc].code) return nomem(b);
    b->npc++;
    return JX_OK;
}

static inline const char *txt(const jx_batch *b, btext id)
{
    return b->strs[id];
}

static bool stab_grow(jx_batch *b)
{
    size_t cap = b->stcap ? b->stcap * 2 : 1024;
    uint32_t *tab = calloc(cap, sizeof *tab);
    if (!tab) return false;
    for (size_t id = BT_EMPTY + 1; id < b->nstrs; id++) {
        size_t k = (size_t)jx_hash_str(b->strs[id]) & (cap - 1);
        while (tab[k])
            k = (k + 1) & (cap - 1);
        tab[k] = (uint32_t)id;
    }
    free(b->stab);
    b->stab = tab;
    b->stcap = cap;
    return true;
}

/* s's id: the text kept once however many rows repeat it (三级指标 names, values, reasons);
 * BT_NONE when out of memory (or past 2^32 distinct texts) */
static btext intern(jx_batch *b, const char *s)
{
    if (!*s) return BT_EMPTY;
    if ((b->nstrs + 1) * 2 > b->stcap && !stab_grow(b)) return BT_NONE;
    size_t n = strlen(s), k = (size_t)jx_hash_bytes(s, n) & (b->stcap - 1);
    for (; b->stab[k]; k = (k + 1) & (b->stcap - 1))
        if (!strcmp(b->strs[b->stab[k]], s)) return b->stab[k];
    if (b->nstrs >= UINT32_MAX || !JX_GROW(b->strs, b->capstrs, b->nstrs + 1)) return BT_NONE;
    const char *c = jx_arena_strndup(&b->arena, s, n);
    if (!c) return BT_NONE;
    b->strs[b->nstrs] = c;
    b->stab[k] = (uint32_t)b->nstrs;
    return (btext)b->nstrs++;
}

/* s kept: the previous row's when it is the same text (一级/二级 names, operators and units
 * repeat row after row: no hashing), else its id */
static btext keep_like(jx_batch *b, const char *s, btext prev)
{
    if (!*s) return BT_EMPTY;
    if (prev > BT_EMPTY && !strcmp(s, txt(b, prev))) return prev;
    return intern(b, s);
}

static jx_err target(void *h, const kp_target *kt)
{
    jx_batch *b = h;
    if (b->ntg >= INT32_MAX)
        return bfail(b, JX_ERR_LIMIT, "more than %d indicators in one evaluation", INT32_MAX);
    if (!JX_GROW(b->tg, b->captg, b->ntg + 1)) return nomem(b);
    btarget *t = &b->tg[b->ntg];
    const btarget *p = b->ntg ? &b->tg[b->ntg - 1] : &(btarget){0};
    *t = (btarget){.subj = (int32_t)(kt->sid - 1),
                   .next = -1,
                   .l1 = keep_like(b, kt->l1, p->l1),
                   .l2 = keep_like(b, kt->l2, p->l2),
                   .l3 = keep_like(b, kt->l3, BT_NONE),
                   .op = keep_like(b, kt->op, p->op),
                   .target = keep_like(b, kt->target, p->target),
                   .unit = keep_like(b, kt->unit, p->unit),
                   .note = keep_like(b, kt->note, p->note),
                   .has_weight = kt->has_weight,
                   .weight = kt->weight,
                   .kind = (uint8_t)kt->kind,
                   .vidx = kt->vidx,
                   .aidx = -1};
    if (!t->l1 || !t->l2 || !t->l3 || !t->op || !t->target || !t->unit || !t->note) return nomem(b);
    if (kt->kept_l3) *kt->kept_l3 = txt(b, t->l3); /* the importer's duplicate check shares it */
    b->ntg++;
    return JX_OK;
}

static jx_err targets_of(void *h, int64_t sid, bool (*fn)(void *ctx, const kp_current *c),
                         void *ctx, bool *has_actuals)
{
    jx_batch *b = h;
    *has_actuals = false; /* a batch replaces actuals in place: nothing to look up */
    for (int64_t i = b->subj[sid - 1].head; i >= 0; i = b->tg[i].next) {
        const btarget *t = &b->tg[i];
        kp_current c = {.ref = i,
                        .l1 = txt(b, t->l1),
                        .l2 = txt(b, t->l2),
                        .l3 = txt(b, t->l3),
                        .kind = (jx_kind)t->kind,
                        .kind_known = true,
                        .stable = true};
        if (!fn(ctx, &c)) return nomem(b);
    }
    return JX_OK;
}

static jx_err actual(void *h, const kp_actual *ka)
{
    jx_batch *b = h;
    /* written at once (a pending list cost 32 bytes an actual); the file's generation marks it */
    btext a = intern(b, ka->actual), r = keep_like(b, ka->reason, BT_NONE);
    if (!a || !r) return nomem(b);
    btarget *t = &b->tg[ka->ref];
    if (t->actual) {
        if (!JX_GROW(b->ua, b->capua, b->nua + 1)) return nomem(b);
        b->ua[b->nua++] = (undo_actual){.target = ka->ref,
                                        .actual = t->actual,
                                        .reason = t->reason,
                                        .aidx = t->aidx,
                                        .agen = t->agen,
                                        .has_claim = t->has_claim,
                                        .claim = t->claim,
                                        .afile = t->afile,
                                        .aline = t->aline};
    }
    t->actual = a;
    t->reason = r;
    t->aidx = ka->aidx;
    t->has_claim = ka->has_claim;
    t->claim = ka->claim;
    t->afile = b->nfiles <= UINT16_MAX ? (uint16_t)b->nfiles : 0; /* begin() added its name */
    t->aline = ka->line <= INT32_MAX ? (int32_t)ka->line : 0;
    t->agen = (uint32_t)(b->gen + 1);
    return JX_OK;
}

static jx_err budget(void *h, const kp_budget *kb)
{
    jx_batch *b = h;
    if (!JX_GROW(b->pb, b->cappb, b->npb + 1)) return nomem(b);
    b->pb[b->npb++] = (pend_budget){.subj = kb->sid - 1, .row = *kb};
    return JX_OK;
}

static jx_err note(void *h, int64_t sid, const char *field, const char *value)
{
    jx_batch *b = h;
    static const char *const fields[4] = {"admin_dept", "implementer", "goal", "goal_result"};
    int f = 0;
    while (f < 3 && strcmp(fields[f], field))
        f++;
    if (!JX_GROW(b->pn, b->cappn, b->npn + 1)) return nomem(b);
    b->pn[b->npn] = (pend_note){.subj = sid - 1, .field = f, .value = keep(b, value)};
    if (!b->pn[b->npn].value) return nomem(b);
    b->npn++;
    return JX_OK;
}

/* A budget row of the committed file onto its subject: its first row of the file replaces what
 * the subject had. Room for a funds entry per pending row was made (commit), so this cannot
 * fail. */
static void apply_budget(jx_batch *b, const pend_budget *p, int64_t *replaced)
{
    bsubj *s = &b->subj[p->subj];
    const kp_budget *r = &p->row;
    if (r->first) { /* as a store marks every current row of the subject replaced */
        *replaced += s->budget.present + (s->funds >= 0 ? b->funds[s->funds].nrows : 0);
        s->budget = (jx_budget){0};
        s->funds = -1;
    }
    bool total = !*r->source;
    if (s->funds < 0 && (!total || r->has_claim || r->has_claim_total)) {
        s->funds = (int32_t)b->nfunds;
        b->funds[b->nfunds++] = (bfunds){0};
    }
    if (total) {
        s->budget = (jx_budget){.present = true,
                                .initial = r->has_initial ? r->initial : 0,
                                .budget = r->budget,
                                .spent = r->spent};
        if (s->funds < 0) return;
        bfunds *f = &b->funds[s->funds];
        f->has_claim = r->has_claim;
        f->claim = r->claim;
        f->has_claim_total = r->has_claim_total;
        f->claim_total = r->claim_total;
        return;
    }
    bfunds *f = &b->funds[s->funds];
    jx_money m = {.initial = r->initial, .budget = r->budget, .spent = r->spent};
    run_add_money(&f->money, r->source, &m);
    f->nrows++;
}

static void mark(jx_batch *b)
{
    b->subj_mark = b->nsubj;
    b->tg_mark = b->ntg;
    b->nua = b->npb = b->npc = b->npn = 0;
}

static jx_err begin(void *h, kp_file *f)
{
    jx_batch *b = h;
    mark(b);
    b->file = f;
    if (!JX_GROW(b->files, b->capfiles, b->nfiles + 1)) return nomem(b);
    if (!(b->files[b->nfiles] = keep(b, f->name))) return nomem(b);
    b->nfiles++; /* kept when the file fails: its index is never reused */
    return JX_OK;
}

/* The subject's newest actual under these names, or -1. */
static int64_t actual_named(const jx_batch *b, const bsubj *s, const btarget *t)
{
    for (int64_t i = s->acts; i >= 0; i = b->act[i].next) {
        const bactual *a = &b->act[i];
        if (a->l3 == t->l3 && a->l1 == t->l1 && a->l2 == t->l2) return i; /* ids: one per text */
    }
    return -1;
}

/* s's current targets are replaced: their actuals move to its list (room made beforehand), where
 * a target imported again under the same names finds its actual. */
static void retire_targets(jx_batch *b, bsubj *s, int64_t *replaced)
{
    for (int64_t k = s->head; k >= 0; k = b->tg[k].next) {
        ++*replaced;
        const btarget *o = &b->tg[k];
        if (!o->actual) continue;
        b->act[b->nact] = (bactual){.l1 = o->l1,
                                    .l2 = o->l2,
                                    .l3 = o->l3,
                                    .actual = o->actual,
                                    .reason = o->reason,
                                    .aidx = o->aidx,
                                    .has_claim = o->has_claim,
                                    .claim = o->claim,
                                    .afile = o->afile,
                                    .aline = o->aline,
                                    .next = s->acts};
        s->acts = (int64_t)b->nact++;
    }
    s->head = s->tail = -1;
}

/* Room for every actual this file's targets retire, so that the commit cannot fail half-way. */
static bool reserve_retired(jx_batch *b)
{
    uint64_t seen = ++b->seen_gen; /* marks the subjects counted */
    size_t need = 0;
    for (size_t i = b->tg_mark; i < b->ntg; i++) {
        bsubj *s = &b->subj[b->tg[i].subj];
        if (s->gen == seen) continue;
        s->gen = seen;
        for (int64_t k = s->head; k >= 0; k = b->tg[k].next)
            need += b->tg[k].actual != BT_NONE;
    }
    return JX_GROW(b->act, b->capact, b->nact + need);
}

static jx_err commit(void *h)
{
    jx_batch *b = h;
    if (!reserve_retired(b) || !JX_GROW(b->funds, b->capfunds, b->nfunds + b->npb)) return nomem(b);
    int64_t replaced = 0;
    b->scored = false; /* the result no longer describes the batch */
    b->gen++;
    /* targets: the file's rows become their subjects' current ones; a subject's first row of
     * the file (its current targets are older than the file) retires them */
    for (size_t i = b->tg_mark; i < b->ntg; i++) {
        btarget *t = &b->tg[i];
        bsubj *s = &b->subj[t->subj];
        if (s->head < (int64_t)b->tg_mark) retire_targets(b, s, &replaced);
        if (s->tail >= 0)
            b->tg[s->tail].next = (int32_t)i;
        else
            s->head = (int64_t)i;
        s->tail = (int64_t)i;
        if (s->acts >= 0) { /* a store joins actuals by name: the new target keeps the current */
            int64_t a = actual_named(b, s, t);
            if (a >= 0) {
                t->actual = b->act[a].actual;
                t->reason = b->act[a].reason;
                t->aidx = b->act[a].aidx;
                t->has_claim = b->act[a].has_claim;
                t->claim = b->act[a].claim;
                t->afile = b->act[a].afile;
                t->aline = b->act[a].aline;
            }
        }
    }
    replaced += (int64_t)b->nua; /* actuals are written as they come, each replaced one undoable */
    for (size_t i = 0; i < b->npb; i++)
        apply_budget(b, &b->pb[i], &replaced);
    for (size_t i = 0; i < b->npc; i++)
        b->subj[b->pc[i].subj].code = b->pc[i].code;
    for (size_t i = 0; i < b->npn; i++) {
        const char **note = &b->subj[b->pn[i].subj].note[b->pn[i].field];
        replaced += *note != NULL;
        *note = b->pn[i].value;
    }
    mark(b);
    if (b->file) b->file->replaced += replaced;
    b->file = NULL;
    return JX_OK;
}

static void rollback(void *h)
{
    jx_batch *b = h;
    b->ntg = b->tg_mark;
    /* actuals this file wrote: cleared, then the ones it replaced put back */
    uint32_t gen = (uint32_t)(b->gen + 1);
    for (size_t i = 0; i < b->ntg; i++)
        if (b->tg[i].actual && b->tg[i].agen == gen) {
            b->tg[i].actual = b->tg[i].reason = BT_NONE;
            b->tg[i].aidx = -1;
            b->tg[i].agen = 0;
            b->tg[i].has_claim = false;
        }
    for (size_t i = b->nua; i-- > 0;) {
        btarget *t = &b->tg[b->ua[i].target];
        t->actual = b->ua[i].actual;
        t->reason = b->ua[i].reason;
        t->aidx = b->ua[i].aidx;
        t->agen = b->ua[i].agen;
        t->has_claim = b->ua[i].has_claim;
        t->claim = b->ua[i].claim;
        t->afile = b->ua[i].afile;
        t->aline = b->ua[i].aline;
    }
    if (b->nsubj > b->subj_mark) { /* the map cannot delete: build it again from those kept */
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
    mark(b);
    b->file = NULL;
}

/* ---- the current data, subject by subject ---- */

/* t's target and actual values, from the vcache entries kept at import, else parsed (again) */
static jx_err target_value(jx_batch *b, const btarget *t, jx_value *v, jx_errmsg *msg)
{
    const jx_value *hit = jx_vcache_at(&b->vc, t->vidx);
    if (!hit)
        return jx_vcache_cells(&b->vc, txt(b, t->op), txt(b, t->target), txt(b, t->unit), v, msg);
    *v = *hit;
    return JX_OK;
}

static jx_err actual_value(jx_batch *b, const btarget *t, jx_value *v, jx_errmsg *msg)
{
    const jx_value *hit = jx_vcache_at(&b->vc, t->aidx);
    if (!hit) return jx_vcache_text(&b->vc, txt(b, t->actual), strlen(txt(b, t->actual)), v, msg);
    *v = *hit;
    return JX_OK;
}

/* The indicator as the engine scores it, strings borrowed from the batch. */
static bool indicator(jx_batch *b, const bsubj *s, const btarget *t, jx_indicator *ind,
                      jx_errmsg *msg)
{
    memset(ind, 0, sizeof *ind);
    ind->level1 = txt(b, t->l1);
    ind->level2 = txt(b, t->l2);
    ind->level3 = txt(b, t->l3);
    ind->year = s->year;
    if (target_value(b, t, &ind->target, msg)) return false;
    ind->has_weight = t->has_weight;
    ind->weight = t->weight;
    if (t->actual) {
        if (actual_value(b, t, &ind->actual, msg)) return false;
        ind->has_actual = true;
        ind->has_reason = t->reason > BT_EMPTY;
    }
    return true;
}

/* s's current targets as indicators in b->ind (with room in b->sc for their scores); *n: how
 * many; each that does not parse (import checked them: cannot happen) is counted in ks->errors
 * and reported through v (when given). false when out of memory. */
static bool subject_indicators(jx_batch *b, const bsubj *s, const kp_visit *v, kp_subject *ks,
                               size_t *n)
{
    *n = 0;
    for (int64_t k = s->head; k >= 0; k = b->tg[k].next)
        ++*n;
    if (!JX_GROW(b->ind, b->capind, *n) || !JX_GROW(b->sc, b->capsc, *n) ||
        !JX_GROW(b->vfile, b->capvf, *n) || !JX_GROW(b->vline, b->capvl, *n))
        return false;
    size_t i = 0;
    for (int64_t k = s->head; k >= 0; k = b->tg[k].next, i++) {
        jx_errmsg msg;
        b->vfile[i] = b->tg[k].actual ? b->tg[k].afile : 0;
        b->vline[i] = b->tg[k].aline;
        if (indicator(b, s, &b->tg[k], &b->ind[i], &msg)) continue;
        ks->errors++;
        if (!v || !v->on_error) continue;
        char m[1024];
        jx_fmt_trunc(m, sizeof m, "%s: %s: %s", ks->label, txt(b, b->tg[k].l3), msg.text);
        v->on_error(v->ctx, m);
    }
    return true;
}

static jx_err visit(void *h, const kp_visit *v)
{
    jx_batch *b = h;
    bool any = false;
    for (size_t i = 0; i < b->nsubj; i++) {
        const bsubj *s = &b->subj[i];
        if (s->head < 0) continue;
        any = true;
        char label[256];
        kp_label(label, sizeof label, s->name, s->project, s->year);
        kp_subject ks = {.id = (int64_t)i + 1,
                         .code = s->code,
                         .name = s->name,
                         .project = s->project,
                         .year = s->year,
                         .label = label,
                         .budget = s->budget,
                         .total = (int64_t)b->nsubj};
        if (!subject_indicators(b, s, v, &ks, &ks.n)) return nomem(b);
        ks.ind = b->ind;
        ks.actual_file = b->vfile;
        ks.actual_line = b->vline;
        jx_err e = v->on_subject(v->ctx, &ks);
        if (e) return e;
    }
    return any ? JX_OK : bfail(b, JX_ERR_NOTFOUND, "no targets to score: import targets first");
}

/* ---- a scoring run: each subject's totals kept, its indicators scored again when read ---- */

static jx_err run_begin(void *h, const jx_ruleset *rs, const char *label)
{
    jx_batch *b = h;
    b->scored = false;
    b->nres = 0;
    b->rs = rs;
    memset(&b->info, 0, sizeof b->info);
    jx_fmt_trunc(b->info.label, sizeof b->info.label, "%s", label ? label : "");
    return JX_OK;
}

static jx_err run_subject(void *h, const kp_subject *s, const jx_result *r, const jx_score *sc)
{
    (void)sc; /* computed again when read: the same bits (batch_foreach) */
    jx_batch *b = h;
    if (!JX_GROW(b->res, b->capres, b->nres + 1)) return nomem(b);
    bres *o = &b->res[b->nres++];
    *o = (bres){.subj = s->id - 1,
                .n = s->n,
                .total = r->total,
                .weight_sum = r->weight_sum,
                .points_sum = r->points_sum,
                .ind_weight = r->ind_weight,
                .ind_points = r->ind_points,
                .flags = r->flags,
                .budget_scored = r->budget_scored,
                .nscored = r->nscored,
                .nna = r->nna};
    if (r->budget_scored) { /* a store keeps these only when the budget was scored */
        o->budget_rate = r->budget_rate;
        o->budget_weight = r->budget_weight;
        o->budget_points = r->budget_points;
    }
    jx_fmt_trunc(o->grade, sizeof o->grade, "%s", r->grade ? r->grade : "");
    return JX_OK;
}

static jx_err run_finish(void *h, const jx_run_summary *sum, int64_t *run_id)
{
    jx_batch *b = h;
    jx_run_info *info = &b->info;
    info->id = *run_id = 1; /* a fresh database's first run would be run 1 too */
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(info->created_at, sizeof info->created_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    jx_fmt_trunc(info->rules, sizeof info->rules, "%s", jx_ruleset_name(b->rs));
    jx_fmt_trunc(info->rules_sha256, sizeof info->rules_sha256, "%s", jx_ruleset_sha256(b->rs));
    info->subjects = sum->subjects;
    info->indicators = sum->indicators;
    b->scored = true;
    return JX_OK;
}

static void run_abort(void *h)
{
    jx_batch *b = h;
    b->scored = false;
    b->nres = 0;
}

static const char *file_name(void *h, int64_t file)
{
    jx_batch *b = h;
    return file > 0 && (size_t)file <= b->nfiles ? b->files[file - 1] : "";
}

static const kp_ops batch_ops = {
    .keeps_log = false,
    .errbuf = errbuf,
    .vcache = vcache,
    .begin = begin,
    .subject = subject,
    .set_code = set_code,
    .target = target,
    .targets_of = targets_of,
    .actual = actual,
    .budget = budget,
    .note = note,
    .commit = commit,
    .rollback = rollback,
    .visit = visit,
    .file_name = file_name,
    .run_begin = run_begin,
    .run_subject = run_subject,
    .run_finish = run_finish,
    .run_abort = run_abort,
};

kp_backend kp_batch(jx_batch *b)
{
    return (kp_backend){.ops = &batch_ops, .h = b};
}

jx_err jx_batch_score(jx_batch *b, const jx_ruleset *rs, const jx_run_opts *opts,
                      jx_run_summary *out)
{
    if (!b) {
        if (out) memset(out, 0, sizeof *out);
        return JX_ERR_INVALID;
    }
    return kp_score(kp_batch(b), rs, opts, out);
}

/* ---- the result read back as a jx_run ---- */

/* One subject's indicators, scored again, into ind[] (the batch's scratch arrays hold the
 * values and scores). */
static jx_err rescore(jx_batch *b, const bsubj *s, const bres *o, jx_run_indicator **ind,
                      size_t *cap, size_t *n)
{
    kp_subject ks = {.label = ""};
    jx_result r;
    if (!subject_indicators(b, s, NULL, &ks, n) || !JX_GROW(*ind, *cap, *n)) return nomem(b);
    /* the same indicators under the same rule set give the same bits: keeping 56 bytes per
     * indicator was a tenth of a big evaluation's memory */
    if (ks.errors || *n != o->n || jx_aggregate(b->rs, b->ind, *n, &s->budget, b->sc, &r, NULL))
        return bfail(b, JX_ERR_INVALID, "the batch changed after it was scored: score it again");
    size_t i = 0;
    for (int64_t k = s->head; k >= 0; k = b->tg[k].next, i++) {
        const btarget *t = &b->tg[k];
        jx_run_indicator *ri = &(*ind)[i];
        *ri = (jx_run_indicator){.level1 = txt(b, t->l1),
                                 .level2 = txt(b, t->l2),
                                 .level3 = txt(b, t->l3),
                                 .op = txt(b, t->op),
                                 .target = txt(b, t->target),
                                 .unit = txt(b, t->unit),
                                 .note = txt(b, t->note),
                                 .actual = txt(b, t->actual),
                                 .reason = t->actual ? txt(b, t->reason) : "",
                                 .weight_given = t->has_weight,
                                 .score = b->sc[i],
                                 .has_claim = t->actual && t->has_claim,
                                 .claimed = t->claim};
        /* as a stored indicator is explained: from its parsed values only */
        jx_indicator x = {.level1 = ri->level1,
                          .level2 = ri->level2,
                          .level3 = ri->level3,
                          .year = s->year,
                          .target = b->ind[i].target,
                          .actual = b->ind[i].actual,
                          .has_actual = b->ind[i].has_actual};
        jx_score_explain(&ri->score, &x, ri->explain, sizeof ri->explain);
    }
    return JX_OK;
}

/* The notes, money rows and claims of a subject, as a stored run gives them with its indicators. */
static void subject_details(const jx_batch *b, const bsubj *s, jx_run_subject *rs)
{
    rs->admin_dept = s->note[0];
    rs->implementer = s->note[1];
    rs->goal = s->note[2];
    rs->goal_result = s->note[3];
    if (s->funds < 0) return;
    const bfunds *f = &b->funds[s->funds];
    run_set_money(rs, &f->money);
    rs->has_claimed_budget = f->has_claim;
    rs->claimed_budget = f->claim;
    rs->has_claimed_total = f->has_claim_total;
    rs->claimed_total = f->claim_total;
}

static jx_err batch_foreach(jx_run *run, const jx_run_filter *filter, jx_run_cb cb, void *ctx)
{
    jx_batch *b = run->h;
    jx_err e = JX_OK;
    if (!b->scored) e = bfail(b, JX_ERR_NOTFOUND, "nothing scored yet");
    jx_run_indicator *ind = NULL;
    size_t cap = 0;
    for (size_t i = 0; !e && i < b->nres; i++) {
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
            if ((e = rescore(b, s, o, &ind, &cap, &rs.n))) break;
            rs.ind = ind;
            subject_details(b, s, &rs);
        }
        if (cb(&rs, ctx)) break;
    }
    free(ind);
    if (e) jx_fmt_trunc(run->errmsg, sizeof run->errmsg, "%s", b->errmsg);
    return e;
}

jx_err jx_batch_run(jx_batch *b, jx_run **out)
{
    if (!out) return JX_ERR_INVALID;
    *out = NULL;
    if (!b) return JX_ERR_INVALID;
    if (!b->scored) return bfail(b, JX_ERR_NOTFOUND, "the batch has not been scored");
    jx_run *r = calloc(1, sizeof *r);
    if (!r) return nomem(b);
    r->foreach = batch_foreach;
    r->h = b;
    r->id = b->info.id;
    r->info = b->info;
    *out = r;
    return JX_OK;
}
