/*
 * run.c - scoring runs of the store: score and record (the one loop is scoring.c), and read a
 * stored run back as a jx_run (run_int.h), the type every reader of a scored result takes.
 */
#include "jixiao/run.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keep/keep_int.h"
#include "keep/run_int.h"
#include "keep/store_int.h"
#include "util/util_int.h"

/* A subject's indicators as read back, grown as needed and reused from one subject to the
 * next (strings in the arena). */
typedef struct buf {
    jx_indicator *ind;
    jx_run_indicator *out;
    size_t n, cap_i, cap_o;
    jx_arena arena;
    jx_vcache vc; /* value strings parsed so far, across subjects */
} buf;

static void buf_free(buf *b)
{
    free(b->ind);
    free(b->out);
    jx_arena_free(&b->arena);
    jx_vcache_free(&b->vc);
}

static const char *col(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

static const char *dup(buf *b, sqlite3_stmt *s, int i)
{
    const char *t = col(s, i);
    return jx_arena_strndup(&b->arena, t, strlen(t));
}

jx_err jx_run_score(jx_store *st, const jx_ruleset *rs, const jx_run_opts *opts,
                    jx_run_summary *out)
{
    if (!st) {
        if (out) memset(out, 0, sizeof *out);
        return JX_ERR_INVALID;
    }
    return kp_score(kp_store(st), rs, opts, out);
}

jx_err jx_run_latest(jx_store *st, int64_t *run_id)
{
    if (!st || !run_id) return JX_ERR_INVALID;
    *run_id = 0;
    sqlite3_stmt *q = st_stmt(st, S_RUN_LATEST);
    if (!q) return JX_ERR_DB;
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
        *run_id = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return *run_id ? JX_OK
                   : st_fail(st, JX_ERR_NOTFOUND, "no scoring run yet: run 'jixiao score' first");
}

/* A run's details from columns 0-6 of S_RUN_INFO or S_RUN_LIST (id, created_at, rules,
 * rules_sha256, subjects, indicators, label). */
static void info_from(sqlite3_stmt *q, jx_run_info *out)
{
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(q, 0);
    jx_fmt_trunc(out->created_at, sizeof out->created_at, "%s", col(q, 1));
    jx_fmt_trunc(out->rules, sizeof out->rules, "%s", col(q, 2));
    jx_fmt_trunc(out->rules_sha256, sizeof out->rules_sha256, "%s", col(q, 3));
    out->subjects = sqlite3_column_int64(q, 4);
    out->indicators = sqlite3_column_int64(q, 5);
    jx_fmt_trunc(out->label, sizeof out->label, "%s", col(q, 6));
}

jx_err jx_run_get(jx_store *st, int64_t run_id, jx_run_info *out)
{
    if (!st || !out) return JX_ERR_INVALID;
    memset(out, 0, sizeof *out);
    sqlite3_stmt *q = st_stmt(st, S_RUN_INFO);
    if (!q) return JX_ERR_DB;
    sqlite3_bind_int64(q, 1, run_id);
    int rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(q);
        return rc == SQLITE_DONE ? st_fail(st, JX_ERR_NOTFOUND, "no run %lld", (long long)run_id)
                                 : st_dberr(st, "runs");
    }
    info_from(q, out);
    sqlite3_reset(q);
    return JX_OK;
}

jx_err jx_run_list(jx_store *st, jx_run_list_cb cb, void *ctx)
{
    if (!st || !cb) return JX_ERR_INVALID;
    sqlite3_stmt *q = st_stmt(st, S_RUN_LIST);
    if (!q) return JX_ERR_DB;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        jx_run_info info;
        info_from(q, &info);
        double mean = sqlite3_column_type(q, 7) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 7);
        if (cb(&info, mean, ctx)) break;
    }
    jx_err e = rc == SQLITE_ROW || rc == SQLITE_DONE ? JX_OK : st_dberr(st, "runs");
    sqlite3_reset(q);
    return e;
}

bool run_wanted(const jx_run_filter *f, const char *code, const char *name, const char *project,
                int year)
{
    if (!f) return true;
    if (f->year && f->year != year) return false;
    if (f->project && strcmp(f->project, project)) return false;
    if (!f->depts || !f->ndepts) return true;
    for (size_t i = 0; i < f->ndepts; i++)
        if ((*code && !strcmp(f->depts[i], code)) || !strcmp(f->depts[i], name)) return true;
    return false;
}

/* Read one subject's indicators of a run into b->out (strings in b->arena). */
static jx_err read_indicators(jx_store *st, int64_t run_id, int64_t sid, buf *b)
{
    b->n = 0;
    jx_arena_free(&b->arena);
    sqlite3_stmt *q = st_stmt(st, S_RUN_INDICATORS);
    if (!q) return JX_ERR_DB;
    sqlite3_bind_int64(q, 1, run_id);
    sqlite3_bind_int64(q, 2, sid);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (!JX_GROW(b->ind, b->cap_i, b->n + 1) || !JX_GROW(b->out, b->cap_o, b->n + 1))
            return st_fail(st, JX_ERR_NOMEM, "out of memory");
        jx_run_indicator *o = &b->out[b->n];
        jx_indicator *ind = &b->ind[b->n];
        b->n++;
        memset(o, 0, sizeof *o);
        memset(ind, 0, sizeof *ind);
        o->level1 = dup(b, q, 0);
        o->level2 = dup(b, q, 1);
        o->level3 = dup(b, q, 2);
        o->op = dup(b, q, 3);
        o->target = dup(b, q, 4);
        o->unit = dup(b, q, 5);
        o->note = dup(b, q, 6);
        o->actual = sqlite3_column_type(q, 7) == SQLITE_NULL ? NULL : dup(b, q, 7);
        o->reason = dup(b, q, 8);
        if (!o->level1 || !o->level2 || !o->level3 || !o->op || !o->target || !o->unit ||
            !o->note || !o->reason || (sqlite3_column_type(q, 7) != SQLITE_NULL && !o->actual))
            return st_fail(st, JX_ERR_NOMEM, "out of memory");
        o->score = (jx_score){
            .scored = sqlite3_column_int(q, 9),
            .method = (jx_method)sqlite3_column_int(q, 10),
            .weight = sqlite3_column_double(q, 11),
            .ratio = sqlite3_column_double(q, 12),
            .points = sqlite3_column_double(q, 13),
            .a = sqlite3_column_double(q, 14),
            .t = sqlite3_column_double(q, 15),
            .detail = sqlite3_column_int(q, 16),
            .flags = (unsigned)sqlite3_column_int64(q, 17),
        };
        o->weight_given = sqlite3_column_int(q, 18);
        if (sqlite3_column_type(q, 20) != SQLITE_NULL) {
            o->has_claim = true;
            o->claimed = sqlite3_column_double(q, 20);
        }
        o->target_ref = sqlite3_column_int64(q, 21);
        o->actual_ref = sqlite3_column_int64(q, 22); /* NULL reads as 0 */
        /* the explanation needs the parsed values (units, grade words) */
        ind->level1 = o->level1;
        ind->level2 = o->level2;
        ind->level3 = o->level3;
        ind->year = sqlite3_column_int(q, 19);
        if (jx_vcache_cells(&b->vc, o->op, o->target, o->unit, &ind->target, NULL))
            ind->target.kind = JX_KIND_NA;
        if (o->actual && !jx_vcache_text(&b->vc, o->actual, strlen(o->actual), &ind->actual, NULL))
            ind->has_actual = true;
        jx_score_explain(&o->score, ind, o->explain, sizeof o->explain);
    }
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? JX_OK : st_dberr(st, "run_indicators");
}

void run_add_money(run_money *m, const char *source, const jx_money *row)
{
    jx_money *to = NULL;
    if (!strcmp(source, "本年财政拨款"))
        to = &m->fiscal;
    else if (!strcmp(source, "上年结转资金"))
        to = &m->carryover;
    else if (!strcmp(source, "基本支出"))
        to = &m->basic;
    else if (!strcmp(source, "项目支出"))
        to = &m->project;
    else if (*source) /* 其他资金, 财政专户管理资金, 单位资金 */
        to = &m->other;
    if (!to) return;
    to->initial += row->initial;
    to->budget += row->budget;
    to->spent += row->spent;
    to->has = true;
}

void run_set_money(jx_run_subject *s, const run_money *m)
{
    s->fund_fiscal = m->fiscal;
    s->fund_carryover = m->carryover;
    s->fund_other = m->other;
    s->spend_basic = m->basic;
    s->spend_project = m->project;
}

/* A subject's notes (current) and the money rows and claims of the budget its run scored. */
static jx_err read_details(jx_store *st, int64_t budget_import, jx_run_subject *s, buf *b)
{
    const char **slot[] = {&s->admin_dept, &s->implementer, &s->goal, &s->goal_result};
    static const char *const field[] = {"admin_dept", "implementer", "goal", "goal_result"};
    sqlite3_stmt *q = st_stmt(st, S_NOTES_OF);
    if (!q) return JX_ERR_DB;
    sqlite3_bind_int64(q, 1, s->subject_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        for (int i = 0; i < 4; i++)
            if (!strcmp(col(q, 0), field[i]) && !(*slot[i] = dup(b, q, 1))) {
                sqlite3_reset(q);
                return st_fail(st, JX_ERR_NOMEM, "out of memory");
            }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) return st_dberr(st, "subject_notes");
    if (!budget_import) return JX_OK;
    if (!(q = st_stmt(st, S_MONEY_OF))) return JX_ERR_DB;
    sqlite3_bind_int64(q, 1, s->subject_id);
    sqlite3_bind_int64(q, 2, budget_import);
    run_money money = {0};
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        jx_money m = {.initial = sqlite3_column_double(q, 1),
                      .budget = sqlite3_column_double(q, 2),
                      .spent = sqlite3_column_double(q, 3)};
        run_add_money(&money, col(q, 0), &m);
        if (*col(q, 0)) continue;
        if ((s->has_claimed_budget = sqlite3_column_type(q, 4) != SQLITE_NULL))
            s->claimed_budget = sqlite3_column_double(q, 4);
        if ((s->has_claimed_total = sqlite3_column_type(q, 5) != SQLITE_NULL))
            s->claimed_total = sqlite3_column_double(q, 5);
    }
    sqlite3_reset(q);
    run_set_money(s, &money);
    return rc == SQLITE_DONE ? JX_OK : st_dberr(st, "budgets");
}

/* A stored run's foreach: its subjects in store order, each read with its indicators when the
 * filter asks. */
static jx_err store_foreach(jx_run *run, const jx_run_filter *filter, jx_run_cb cb, void *ctx)
{
    jx_store *st = run->h;
    int64_t run_id = run->id;
    jx_err e = JX_OK;
    sqlite3_stmt *q = st_stmt(st, S_RUN_SUBJECTS); /* stays open while S_RUN_INDICATORS reads */
    if (!q) {
        jx_fmt_trunc(run->errmsg, sizeof run->errmsg, "%s", st->errmsg);
        return JX_ERR_DB;
    }
    sqlite3_bind_int64(q, 1, run_id);
    buf b = {0};
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        jx_run_subject s = {0};
        s.subject_id = sqlite3_column_int64(q, 0);
        s.code = col(q, 1);
        s.name = col(q, 2);
        s.project = col(q, 3);
        s.year = sqlite3_column_int(q, 4);
        if (!run_wanted(filter, s.code, s.name, s.project, s.year)) continue;
        jx_result *r = &s.result;
        r->total = sqlite3_column_double(q, 5);
        r->grade = col(q, 6);
        r->flags = (unsigned)sqlite3_column_int64(q, 7);
        r->weight_sum = sqlite3_column_double(q, 8);
        r->points_sum = sqlite3_column_double(q, 9);
        r->ind_weight = sqlite3_column_double(q, 10);
        r->ind_points = sqlite3_column_double(q, 11);
        r->budget_scored = sqlite3_column_int(q, 12);
        s.budget_initial = sqlite3_column_double(q, 13);
        s.budget = sqlite3_column_double(q, 14);
        s.spent = sqlite3_column_double(q, 15);
        r->budget_rate = sqlite3_column_double(q, 16);
        r->budget_weight = sqlite3_column_double(q, 17);
        r->budget_points = sqlite3_column_double(q, 18);
        r->nscored = (size_t)sqlite3_column_int64(q, 19);
        r->nna = (size_t)sqlite3_column_int64(q, 20);
        s.budget_ref = sqlite3_column_int64(q, 21);
        if (filter && filter->indicators) {
            if ((e = read_indicators(st, run_id, s.subject_id, &b)) ||
                (e = read_details(st, s.budget_ref, &s, &b)))
                break;
            s.n = b.n;
            s.ind = b.out;
        }
        if (cb(&s, ctx)) break;
    }
    if (!e && rc != SQLITE_ROW && rc != SQLITE_DONE) e = st_dberr(st, "run_subjects");
    sqlite3_reset(q);
    buf_free(&b);
    if (e) jx_fmt_trunc(run->errmsg, sizeof run->errmsg, "%s", st->errmsg);
    return e;
}

jx_err jx_run_open(jx_store *st, int64_t run_id, jx_run **out)
{
    if (!out) return JX_ERR_INVALID;
    *out = NULL;
    if (!st) return JX_ERR_INVALID;
    jx_err e;
    if (!run_id && (e = jx_run_latest(st, &run_id))) return e;
    jx_run *r = calloc(1, sizeof *r);
    if (!r) return st_fail(st, JX_ERR_NOMEM, "out of memory");
    if ((e = jx_run_get(st, run_id, &r->info))) {
        free(r);
        return e;
    }
    r->foreach = store_foreach;
    r->h = st;
    r->id = run_id;
    *out = r;
    return JX_OK;
}

jx_err run_fail(jx_run *r, jx_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(r->errmsg, sizeof r->errmsg, fmt, ap);
    va_end(ap);
    return e;
}

void jx_run_close(jx_run *r)
{
    free(r);
}

const jx_run_info *jx_run_about(const jx_run *r)
{
    return r ? &r->info : NULL;
}

const char *jx_run_errmsg(const jx_run *r)
{
    return r ? r->errmsg : "no run";
}

jx_err jx_run_foreach(jx_run *r, const jx_run_filter *filter, jx_run_cb cb, void *ctx)
{
    if (!r || !cb) return JX_ERR_INVALID;
    r->errmsg[0] = '\0';
    return r->foreach (r, filter, cb, ctx);
}
