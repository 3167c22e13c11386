/*
 * run.c - score the store subject by subject and record the run; read runs back.
 *
 * One pass over the current targets joined with their current actuals, in
 * subject order (st_visit_subjects(), also used by the what-if and sensitivity
 * analyses to rescore in memory): each subject's rows are collected (strings
 * in an arena that is reset per subject, so memory stays flat) and handed to a
 * callback before the next subject is read. A run aggregates and writes each
 * subject in that callback; the whole run is one transaction.
 */
#include "jixiao/run.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keep/run_int.h"
#include "keep/store_int.h"
#include "util/util_int.h"
#include "model/vcache_int.h"

/* Per-subject buffers, grown as needed and reused. */
typedef struct buf {
    jx_indicator *ind;
    jx_score *sc;
    int64_t *target_id, *actual_id;
    jx_run_indicator *out;
    size_t n, cap;
    jx_arena arena;
    jx_vcache vc; /* value strings parsed so far, across subjects */
} buf;

static bool buf_reserve(buf *b, size_t n)
{
    if (n <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < n)
        cap *= 2;
    jx_indicator *ind = realloc(b->ind, cap * sizeof *ind);
    if (ind) b->ind = ind;
    jx_score *sc = realloc(b->sc, cap * sizeof *sc);
    if (sc) b->sc = sc;
    int64_t *t = realloc(b->target_id, cap * sizeof *t);
    if (t) b->target_id = t;
    int64_t *a = realloc(b->actual_id, cap * sizeof *a);
    if (a) b->actual_id = a;
    jx_run_indicator *o = realloc(b->out, cap * sizeof *o);
    if (o) b->out = o;
    if (!ind || !sc || !t || !a || !o) return false;
    b->cap = cap;
    return true;
}

static void buf_free(buf *b)
{
    free(b->ind);
    free(b->sc);
    free(b->target_id);
    free(b->actual_id);
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

void run_error(const jx_run_opts *o, size_t *errors, const char *fmt, ...)
{
    (*errors)++;
    if (!o || !o->on_error) return;
    char m[1024];
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(m, sizeof m, fmt, ap);
    va_end(ap);
    o->on_error(o->ctx, m);
}

/* ---- the current data, subject by subject ---- */

typedef struct visit_state {
    const st_visit *v;
    buf b;
    st_subject s;
    char label[256];
} visit_state;

static void visit_error(visit_state *vs, const char *level3, const char *text)
{
    vs->s.errors++;
    if (!vs->v->on_error) return;
    char m[1024];
    jx_fmt_trunc(m, sizeof m, "%s: %s: %s", vs->label, level3, text);
    vs->v->on_error(vs->v->ctx, m);
}

/* Read the collected subject's budget and hand it to the callback. */
static jx_err visit_flush(jx_store *st, visit_state *vs)
{
    st_subject *s = &vs->s;
    memset(&s->budget, 0, sizeof s->budget);
    sqlite3_stmt *q = st_stmt(st, S_BUDGET_OF);
    if (!q) return JX_ERR_DB;
    sqlite3_bind_int64(q, 1, s->id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        s->budget.present = true;
        s->budget.initial = sqlite3_column_double(q, 0);
        s->budget.budget = sqlite3_column_double(q, 1);
        s->budget.spent = sqlite3_column_double(q, 2);
    } else if (rc != SQLITE_DONE) {
        return st_dberr(st, "budgets");
    }
    sqlite3_reset(q);
    s->ind = vs->b.ind;
    s->target_id = vs->b.target_id;
    s->actual_id = vs->b.actual_id;
    s->n = vs->b.n;
    s->label = vs->label;
    return vs->v->on_subject(st, s, vs->v->ctx);
}

jx_err st_visit_subjects(jx_store *st, const st_visit *v)
{
    if (!st || !v || !v->on_subject) return JX_ERR_INVALID;
    visit_state vs = {.v = v};
    jx_err e = JX_OK;
    sqlite3_stmt *rows = st_stmt(st, S_SCORE_ROWS);
    if (!rows) return JX_ERR_DB;
    buf *b = &vs.b;
    st_subject *s = &vs.s;
    int rc;
    while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
        int64_t sid = sqlite3_column_int64(rows, 0);
        if (sid != s->id) {
            if (s->id && (e = visit_flush(st, &vs))) goto done;
            b->n = 0;
            jx_arena_free(&b->arena);
            memset(s, 0, sizeof *s);
            s->id = sid;
            s->code = dup(b, rows, 1);
            s->name = dup(b, rows, 2);
            s->project = dup(b, rows, 3);
            s->year = sqlite3_column_int(rows, 4);
            if (!s->code || !s->name || !s->project) {
                e = st_fail(st, JX_ERR_NOMEM, "out of memory");
                goto done;
            }
            jx_fmt_trunc(vs.label, sizeof vs.label, "%s%s%s %d", s->name, *s->project ? " / " : "",
                         s->project, s->year);
        }
        if (!buf_reserve(b, b->n + 1)) {
            e = st_fail(st, JX_ERR_NOMEM, "out of memory");
            goto done;
        }
        size_t i = b->n++;
        jx_indicator *ind = &b->ind[i];
        memset(ind, 0, sizeof *ind);
        ind->year = s->year;
        b->target_id[i] = sqlite3_column_int64(rows, 5);
        ind->level1 = dup(b, rows, 6);
        ind->level2 = dup(b, rows, 7);
        ind->level3 = dup(b, rows, 8);
        if (!ind->level1 || !ind->level2 || !ind->level3) {
            e = st_fail(st, JX_ERR_NOMEM, "out of memory");
            goto done;
        }
        b->actual_id[i] = 0;
        jx_errmsg msg;
        if (jx_vcache_cells(&b->vc, col(rows, 9), col(rows, 10), col(rows, 11), &ind->target,
                            &msg)) {
            visit_error(&vs, ind->level3, msg.text);
            continue;
        }
        if (sqlite3_column_type(rows, 12) != SQLITE_NULL) {
            ind->has_weight = true;
            ind->weight = sqlite3_column_double(rows, 12);
        }
        b->actual_id[i] =
            sqlite3_column_type(rows, 13) == SQLITE_NULL ? 0 : sqlite3_column_int64(rows, 13);
        if (b->actual_id[i]) {
            const char *a = col(rows, 14);
            if (jx_vcache_text(&b->vc, a, strlen(a), &ind->actual, &msg)) {
                visit_error(&vs, ind->level3, msg.text);
                continue;
            }
            ind->has_actual = true;
            ind->has_reason = *col(rows, 15) != '\0';
        }
    }
    if (rc != SQLITE_DONE) {
        e = st_dberr(st, "targets");
        goto done;
    }
    sqlite3_reset(rows); /* before the last callback: it may write */
    if (s->id)
        e = visit_flush(st, &vs);
    else
        e = st_fail(st, JX_ERR_NOTFOUND, "no targets to score: import targets first");
done:
    sqlite3_reset(rows);
    buf_free(b);
    return e;
}

/* ---- scoring runs ---- */

typedef struct run_state {
    const jx_ruleset *rs;
    const jx_run_opts *opts;
    jx_run_summary *sum;
    int64_t run_id;
    jx_score *sc; /* scores of the current subject, grown as needed */
    size_t cap;
} run_state;

static void run_row_error(void *ctx, const char *message)
{
    run_state *r = ctx;
    run_error(r->opts, &r->sum->errors, "%s", message);
}

/* Aggregate one subject and write its rows. */
static jx_err run_subject(jx_store *st, st_subject *s, void *ctx)
{
    run_state *rs_ = ctx;
    const jx_run_opts *o = rs_->opts;
    jx_run_summary *sum = rs_->sum;
    if (s->n > rs_->cap) {
        size_t cap = rs_->cap ? rs_->cap : 64;
        while (cap < s->n)
            cap *= 2;
        jx_score *sc = realloc(rs_->sc, cap * sizeof *sc);
        if (!sc) return st_fail(st, JX_ERR_NOMEM, "out of memory");
        rs_->sc = sc;
        rs_->cap = cap;
    }
    jx_result r;
    jx_errmsg msg;
    if (jx_aggregate(rs_->rs, s->ind, s->n, &s->budget, rs_->sc, &r, &msg)) {
        run_error(o, &sum->errors, "%s: %s", s->label, msg.text);
        return JX_OK;
    }
    if (sum->errors) return JX_OK; /* the run will not be stored: skip the writes */
    sqlite3_stmt *q = st_stmt(st, S_RUN_SUBJECT_INSERT);
    if (!q) return JX_ERR_DB;
    sqlite3_bind_int64(q, 1, rs_->run_id);
    sqlite3_bind_int64(q, 2, s->id);
    sqlite3_bind_double(q, 3, r.total);
    st_bind_text(q, 4, r.grade);
    sqlite3_bind_int64(q, 5, r.flags);
    sqlite3_bind_double(q, 6, r.weight_sum);
    sqlite3_bind_double(q, 7, r.points_sum);
    sqlite3_bind_double(q, 8, r.ind_weight);
    sqlite3_bind_double(q, 9, r.ind_points);
    sqlite3_bind_int(q, 10, r.budget_scored);
    if (s->budget.present) {
        sqlite3_bind_double(q, 11, s->budget.initial);
        sqlite3_bind_double(q, 12, s->budget.budget);
        sqlite3_bind_double(q, 13, s->budget.spent);
    }
    if (r.budget_scored) {
        sqlite3_bind_double(q, 14, r.budget_rate);
        sqlite3_bind_double(q, 15, r.budget_weight);
        sqlite3_bind_double(q, 16, r.budget_points);
    }
    sqlite3_bind_int64(q, 17, (sqlite3_int64)r.nscored);
    sqlite3_bind_int64(q, 18, (sqlite3_int64)r.nna);
    if (sqlite3_step(q) != SQLITE_DONE) return st_dberr(st, "run_subjects");
    q = st_stmt(st, S_RUN_IND_INSERT);
    if (!q) return JX_ERR_DB;
    for (size_t i = 0; i < s->n; i++) {
        const jx_score *sc = &rs_->sc[i];
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, rs_->run_id);
        sqlite3_bind_int64(q, 2, s->id);
        sqlite3_bind_int64(q, 3, (sqlite3_int64)i);
        sqlite3_bind_int64(q, 4, s->target_id[i]);
        if (s->actual_id[i])
            sqlite3_bind_int64(q, 5, s->actual_id[i]);
        else
            sqlite3_bind_null(q, 5);
        sqlite3_bind_int(q, 6, sc->scored);
        sqlite3_bind_int(q, 7, sc->method);
        sqlite3_bind_double(q, 8, sc->weight);
        sqlite3_bind_double(q, 9, sc->ratio);
        sqlite3_bind_double(q, 10, sc->points);
        sqlite3_bind_double(q, 11, sc->a);
        sqlite3_bind_double(q, 12, sc->t);
        sqlite3_bind_int(q, 13, sc->detail);
        sqlite3_bind_int64(q, 14, sc->flags);
        if (sqlite3_step(q) != SQLITE_DONE) return st_dberr(st, "run_indicators");
    }
    sum->subjects++;
    sum->indicators += (int64_t)s->n;
    if (o && o->on_progress && sum->subjects % 1000 == 0) o->on_progress(o->ctx, sum->subjects);
    return JX_OK;
}

jx_err jx_run_score(jx_store *st, const jx_ruleset *rs, const jx_run_opts *opts,
                    jx_run_summary *out)
{
    jx_run_summary local;
    jx_run_summary *sum = out ? out : &local;
    memset(sum, 0, sizeof *sum);
    if (!st || !rs) return JX_ERR_INVALID;
    jx_err e = st_begin_bulk(st);
    if (e) return e;
    run_state r = {.rs = rs, .opts = opts, .sum = sum};
    sqlite3_stmt *q = st_stmt(st, S_RUN_INSERT);
    if (!q) {
        e = JX_ERR_DB;
        goto done;
    }
    st_bind_text(q, 1, jx_ruleset_name(rs));
    st_bind_text(q, 2, jx_ruleset_sha256(rs));
    st_bind_text(q, 3, jx_ruleset_source(rs));
    st_bind_text(q, 4, opts && opts->label ? opts->label : "");
    if (sqlite3_step(q) != SQLITE_DONE) {
        e = st_dberr(st, "runs");
        goto done;
    }
    r.run_id = sqlite3_last_insert_rowid(st->db);
    st_visit v = {.on_subject = run_subject, .on_error = run_row_error, .ctx = &r};
    if ((e = st_visit_subjects(st, &v))) goto done;
    if (sum->errors) {
        e = st_fail(st, JX_ERR_FORMAT, "%zu subject%s could not be scored; no run stored",
                    sum->errors, sum->errors == 1 ? "" : "s");
        goto done;
    }
    q = st_stmt(st, S_RUN_FINISH);
    if (!q) {
        e = JX_ERR_DB;
        goto done;
    }
    sqlite3_bind_int64(q, 1, r.run_id);
    sqlite3_bind_int64(q, 2, sum->subjects);
    sqlite3_bind_int64(q, 3, sum->indicators);
    if (sqlite3_step(q) != SQLITE_DONE) {
        e = st_dberr(st, "runs");
        goto done;
    }
    sqlite3_reset(q);
    e = st_commit(st);
    if (!e) sum->run_id = r.run_id;
done:
    if (e) {
        st_rollback(st);
        sum->run_id = 0;
    }
    free(r.sc);
    return e;
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
    out->id = sqlite3_column_int64(q, 0);
    jx_fmt_trunc(out->created_at, sizeof out->created_at, "%s", col(q, 1));
    jx_fmt_trunc(out->rules, sizeof out->rules, "%s", col(q, 2));
    jx_fmt_trunc(out->rules_sha256, sizeof out->rules_sha256, "%s", col(q, 3));
    out->subjects = sqlite3_column_int64(q, 4);
    out->indicators = sqlite3_column_int64(q, 5);
    jx_fmt_trunc(out->label, sizeof out->label, "%s", col(q, 6));
    sqlite3_reset(q);
    return JX_OK;
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
        if (!buf_reserve(b, b->n + 1)) return st_fail(st, JX_ERR_NOMEM, "out of memory");
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

jx_err jx_run_foreach(jx_store *st, int64_t run_id, const jx_run_filter *filter, jx_run_cb cb,
                      void *ctx)
{
    if (!st || !cb) return JX_ERR_INVALID;
    jx_run_info info;
    jx_err e = jx_run_get(st, run_id, &info);
    if (e) return e;
    sqlite3_stmt *q = st_stmt(st, S_RUN_SUBJECTS); /* stays open while S_RUN_INDICATORS reads */
    if (!q) return JX_ERR_DB;
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
        if (filter && filter->indicators) {
            if ((e = read_indicators(st, run_id, s.subject_id, &b))) break;
            s.n = b.n;
            s.ind = b.out;
        }
        if (cb(&s, ctx)) break;
    }
    if (!e && rc != SQLITE_ROW && rc != SQLITE_DONE) e = st_dberr(st, "run_subjects");
    sqlite3_reset(q);
    buf_free(&b);
    return e;
}
