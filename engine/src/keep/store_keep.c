/*
 * store_keep.c - the store as a back-end (keep_int.h): the import's writes, the current data
 * subject by subject, and the writes of a scoring run, in SQL.
 *
 * An import is one transaction (BEGIN IMMEDIATE, foreign keys off until it ends: every id it
 * writes was read or made in the same transaction); so is a run. Each statement's failure is
 * returned at once with SQLite's message, and the importer stops: after an I/O error SQLite
 * has rolled the transaction back, and a further statement would run in autocommit mode and
 * keep its rows. COMMIT is refused when the transaction is no longer open.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keep/keep_int.h"
#include "keep/store_int.h"
#include "util/util_int.h"

static char *errbuf(void *h)
{
    return ((jx_store *)h)->errmsg;
}

static jx_vcache *no_vcache(void *h)
{
    (void)h;
    return NULL;
}

/* A statement's failure, named after its table. */
static jx_err step_done(jx_store *st, sqlite3_stmt *q, const char *what)
{
    if (!q) return JX_ERR_DB;
    if (sqlite3_step(q) != SQLITE_DONE) return st_dberr(st, what);
    return JX_OK;
}

/* ---- an import ---- */

static jx_err begin(void *h, kp_file *f)
{
    jx_store *st = h;
    jx_err e = st_begin_bulk(st);
    if (e) {
        if ((sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_BUSY) /* the timeout ran out */
            st_fail(st, e,
                    "%s: nothing imported: another process kept the database locked for longer "
                    "than the busy timeout; try again",
                    f->name);
        return e;
    }
    sqlite3_stmt *q = st_stmt(st, S_IMPORT_INSERT);
    if (q) {
        st_bind_text(q, 1, jx_import_kind_str(f->kind));
        st_bind_text(q, 2, f->name);
        st_bind_text(q, 3, f->sha256);
        st_bind_text(q, 4, f->encoding);
    }
    if ((e = step_done(st, q, "imports"))) {
        st_rollback(st);
        return e;
    }
    st->file = f;
    st->import_id = sqlite3_last_insert_rowid(st->db);
    return JX_OK;
}

static jx_err subject(void *h, const char *code, const char *name, const char *project, int year,
                      bool create, int64_t *sid, const char **code_out)
{
    jx_store *st = h;
    *sid = 0;
    *code_out = "";
    sqlite3_stmt *q = st_stmt(st, S_SUBJECT_FIND);
    if (!q) return JX_ERR_DB;
    st_bind_text(q, 1, name);
    st_bind_text(q, 2, project);
    sqlite3_bind_int(q, 3, year);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *sid = sqlite3_column_int64(q, 0);
        const char *c = (const char *)sqlite3_column_text(q, 1);
        size_t n = c ? strlen(c) : 0;
        /* copied: the statement is reset now, not left reading until the next call */
        if (!JX_GROW(st->code, st->capcode, n + 1)) {
            sqlite3_reset(q);
            return st_fail(st, JX_ERR_NOMEM, "out of memory");
        }
        memcpy(st->code, c ? c : "", n + 1);
        sqlite3_reset(q);
        *code_out = st->code;
        return JX_OK;
    }
    if (rc != SQLITE_DONE) return st_dberr(st, "subjects");
    sqlite3_reset(q);
    if (!create) return JX_OK;
    sqlite3_stmt *ins = st_stmt(st, S_SUBJECT_INSERT);
    if (ins) {
        st_bind_text(ins, 1, code);
        st_bind_text(ins, 2, name);
        st_bind_text(ins, 3, project);
        sqlite3_bind_int(ins, 4, year);
    }
    jx_err e = step_done(st, ins, "subjects");
    if (e) return e;
    *sid = sqlite3_last_insert_rowid(st->db);
    *code_out = code;
    return JX_OK;
}

static jx_err set_code(void *h, int64_t sid, const char *code)
{
    jx_store *st = h;
    sqlite3_stmt *u = st_stmt(st, S_SUBJECT_SETCODE);
    if (u) {
        sqlite3_bind_int64(u, 1, sid);
        st_bind_text(u, 2, code);
    }
    return step_done(st, u, "subjects");
}

static jx_err target(void *h, const kp_target *t)
{
    jx_store *st = h;
    jx_err e;
    if (t->first) { /* the subject's current targets are replaced by this file's */
        sqlite3_stmt *r = st_stmt(st, S_TARGETS_REPLACE);
        if (r) {
            sqlite3_bind_int64(r, 1, t->sid);
            sqlite3_bind_int64(r, 2, st->import_id);
        }
        if ((e = step_done(st, r, "targets"))) return e;
        st->file->replaced += sqlite3_changes(st->db);
    }
    sqlite3_stmt *q = st_stmt(st, S_TARGET_INSERT);
    if (q) {
        sqlite3_bind_int64(q, 1, t->sid);
        sqlite3_bind_int64(q, 2, st->import_id);
        sqlite3_bind_int64(q, 3, t->line);
        sqlite3_bind_int(q, 4, t->seq);
        st_bind_text(q, 5, t->l1);
        st_bind_text(q, 6, t->l2);
        st_bind_text(q, 7, t->l3);
        st_bind_text(q, 8, t->op);
        st_bind_text(q, 9, t->target);
        st_bind_text(q, 10, t->unit);
        if (t->has_weight)
            sqlite3_bind_double(q, 11, t->weight);
        else
            sqlite3_bind_null(q, 11);
        st_bind_text(q, 12, t->note);
    }
    return step_done(st, q, "targets");
}

static jx_err targets_of(void *h, int64_t sid, bool (*fn)(void *ctx, const kp_current *c),
                         void *ctx, bool *has_actuals)
{
    jx_store *st = h;
    *has_actuals = false;
    sqlite3_stmt *q = st_stmt(st, S_TARGETS_OF);
    if (!q) return JX_ERR_DB;
    sqlite3_bind_int64(q, 1, sid);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        kp_current c = {.ref = 0};
        const char **cells[] = {&c.l1, &c.l2, &c.l3, &c.op, &c.target, &c.unit};
        for (int i = 0; i < 6; i++) {
            const unsigned char *v = sqlite3_column_text(q, i);
            *cells[i] = v ? (const char *)v : "";
        }
        if (!fn(ctx, &c)) {
            sqlite3_reset(q);
            return st_fail(st, JX_ERR_NOMEM, "out of memory");
        }
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) return st_dberr(st, "targets");
    /* Without current actuals there is nothing to mark replaced: the per-row UPDATE (which
     * builds a temporary table each time, the partial index being on the updated column)
     * is skipped. A repeat within this file is refused before it would be written. */
    q = st_stmt(st, S_ACTUALS_ANY);
    if (!q) return JX_ERR_DB;
    sqlite3_bind_int64(q, 1, sid);
    rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return st_dberr(st, "actuals");
    *has_actuals = rc == SQLITE_ROW;
    return JX_OK;
}

static jx_err actual(void *h, const kp_actual *a)
{
    jx_store *st = h;
    jx_err e;
    if (a->has_actuals) {
        sqlite3_stmt *r = st_stmt(st, S_ACTUAL_REPLACE);
        if (r) {
            sqlite3_bind_int64(r, 1, a->sid);
            st_bind_text(r, 2, a->l1);
            st_bind_text(r, 3, a->l2);
            st_bind_text(r, 4, a->l3);
            sqlite3_bind_int64(r, 5, st->import_id);
        }
        if ((e = step_done(st, r, "actuals"))) return e;
        st->file->replaced += sqlite3_changes(st->db);
    }
    sqlite3_stmt *q = st_stmt(st, S_ACTUAL_INSERT);
    if (q) {
        sqlite3_bind_int64(q, 1, a->sid);
        sqlite3_bind_int64(q, 2, st->import_id);
        sqlite3_bind_int64(q, 3, a->line);
        st_bind_text(q, 4, a->l1);
        st_bind_text(q, 5, a->l2);
        st_bind_text(q, 6, a->l3);
        st_bind_text(q, 7, a->actual);
        st_bind_text(q, 8, a->reason);
        if (a->has_claim) sqlite3_bind_double(q, 9, a->claim);
    }
    return step_done(st, q, "actuals");
}

static jx_err budget(void *h, const kp_budget *b)
{
    jx_store *st = h;
    if (b->first) { /* the subject's current rows (its total and the rows under it) */
        sqlite3_stmt *r = st_stmt(st, S_BUDGET_REPLACE);
        if (r) {
            sqlite3_bind_int64(r, 1, b->sid);
            sqlite3_bind_int64(r, 2, st->import_id);
        }
        jx_err e = step_done(st, r, "budgets");
        if (e) return e;
        st->file->replaced += sqlite3_changes(st->db);
    }
    sqlite3_stmt *q = st_stmt(st, S_BUDGET_INSERT);
    if (q) {
        sqlite3_bind_int64(q, 1, b->sid);
        sqlite3_bind_int64(q, 2, st->import_id);
        sqlite3_bind_int64(q, 3, b->line);
        if (b->has_initial)
            sqlite3_bind_double(q, 4, b->initial);
        else
            sqlite3_bind_null(q, 4);
        sqlite3_bind_double(q, 5, b->budget);
        sqlite3_bind_double(q, 6, b->spent);
        st_bind_text(q, 7, b->source);
        if (b->has_claim) sqlite3_bind_double(q, 8, b->claim);
        if (b->has_claim_total) sqlite3_bind_double(q, 9, b->claim_total);
    }
    return step_done(st, q, "budgets");
}

static jx_err note(void *h, int64_t sid, const char *field, const char *value)
{
    jx_store *st = h;
    sqlite3_stmt *r = st_stmt(st, S_NOTE_REPLACE);
    if (r) {
        sqlite3_bind_int64(r, 1, sid);
        st_bind_text(r, 2, field);
        sqlite3_bind_int64(r, 3, st->import_id);
    }
    jx_err e = step_done(st, r, "subject_notes");
    if (e) return e;
    st->file->replaced += sqlite3_changes(st->db);
    sqlite3_stmt *q = st_stmt(st, S_NOTE_INSERT);
    if (q) {
        sqlite3_bind_int64(q, 1, sid);
        sqlite3_bind_int64(q, 2, st->import_id);
        st_bind_text(q, 3, field);
        st_bind_text(q, 4, value);
    }
    return step_done(st, q, "subject_notes");
}

static jx_err commit(void *h)
{
    jx_store *st = h;
    sqlite3_stmt *q = st_stmt(st, S_IMPORT_FINISH);
    if (q) {
        sqlite3_bind_int64(q, 1, st->import_id);
        sqlite3_bind_int64(q, 2, st->file->rows);
        sqlite3_bind_int64(q, 3, st->file->replaced);
    }
    jx_err e = step_done(st, q, "imports");
    if (!e) e = st_commit(st);
    if (e) return e;
    st->file->import_id = st->import_id;
    st->file = NULL;
    return JX_OK;
}

static void rollback(void *h)
{
    jx_store *st = h;
    st_rollback(st);
    st->file = NULL;
}

/* ---- the current data, subject by subject ---- */

/* Per-subject buffers, grown as needed and reused. */
typedef struct vbuf {
    jx_indicator *ind;
    int64_t *target_id, *actual_id, *actual_file, *actual_line;
    size_t n, cap, cap_t, cap_a, cap_f, cap_l;
    jx_arena arena;
    jx_vcache vc; /* value strings parsed so far, across subjects */
} vbuf;

typedef struct visit_state {
    jx_store *st;
    const kp_visit *v;
    vbuf b;
    kp_subject s;
    char label[256];
    int64_t total; /* subjects kept, for progress */
} visit_state;

static const char *col(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

static const char *dup(vbuf *b, sqlite3_stmt *s, int i)
{
    const char *t = col(s, i);
    return jx_arena_strndup(&b->arena, t, strlen(t));
}

static void visit_error(visit_state *vs, const char *level3, const char *text)
{
    vs->s.errors++;
    if (!vs->v->on_error) return;
    char m[1024];
    jx_fmt_trunc(m, sizeof m, "%s: %s: %s", vs->label, level3, text);
    vs->v->on_error(vs->v->ctx, m);
}

/* Read the collected subject's budget and hand it to the callback. */
static jx_err visit_flush(visit_state *vs)
{
    jx_store *st = vs->st;
    kp_subject *s = &vs->s;
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
        s->budget_ref = sqlite3_column_int64(q, 3);
    } else if (rc != SQLITE_DONE) {
        return st_dberr(st, "budgets");
    }
    sqlite3_reset(q);
    s->ind = vs->b.ind;
    s->target_id = vs->b.target_id;
    s->actual_id = vs->b.actual_id;
    s->actual_file = vs->b.actual_file;
    s->actual_line = vs->b.actual_line;
    s->n = vs->b.n;
    s->label = vs->label;
    return vs->v->on_subject(vs->v->ctx, s);
}

/* A new subject starts at this row. */
static bool visit_start(visit_state *vs, sqlite3_stmt *rows, int64_t sid)
{
    vbuf *b = &vs->b;
    kp_subject *s = &vs->s;
    b->n = 0;
    jx_arena_free(&b->arena);
    memset(s, 0, sizeof *s);
    s->id = sid;
    s->code = dup(b, rows, 1);
    s->name = dup(b, rows, 2);
    s->project = dup(b, rows, 3);
    s->year = sqlite3_column_int(rows, 4);
    s->total = vs->total;
    if (!s->code || !s->name || !s->project) return false;
    kp_label(vs->label, sizeof vs->label, s->name, s->project, s->year);
    return true;
}

/* One indicator row of the current subject; false when out of memory. */
static bool visit_row(visit_state *vs, sqlite3_stmt *rows)
{
    vbuf *b = &vs->b;
    if (!JX_GROW(b->ind, b->cap, b->n + 1) || !JX_GROW(b->target_id, b->cap_t, b->n + 1) ||
        !JX_GROW(b->actual_id, b->cap_a, b->n + 1) ||
        !JX_GROW(b->actual_file, b->cap_f, b->n + 1) ||
        !JX_GROW(b->actual_line, b->cap_l, b->n + 1))
        return false;
    size_t i = b->n++;
    jx_indicator *ind = &b->ind[i];
    memset(ind, 0, sizeof *ind);
    ind->year = vs->s.year;
    b->target_id[i] = sqlite3_column_int64(rows, 5);
    ind->level1 = dup(b, rows, 6);
    ind->level2 = dup(b, rows, 7);
    ind->level3 = dup(b, rows, 8);
    if (!ind->level1 || !ind->level2 || !ind->level3) return false;
    b->actual_id[i] = 0;
    b->actual_file[i] = sqlite3_column_int64(rows, 16); /* NULL (no actual): 0 */
    b->actual_line[i] = sqlite3_column_int64(rows, 17);
    jx_errmsg msg;
    if (jx_vcache_cells(&b->vc, col(rows, 9), col(rows, 10), col(rows, 11), &ind->target, &msg)) {
        visit_error(vs, ind->level3, msg.text);
        return true;
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
            visit_error(vs, ind->level3, msg.text);
            return true;
        }
        ind->has_actual = true;
        ind->has_reason = *col(rows, 15) != '\0';
    }
    return true;
}

/* The subjects kept (for progress: some may have no current targets); 0 when it fails. */
static int64_t subject_count(jx_store *st)
{
    sqlite3_stmt *q = NULL;
    int64_t n = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM subjects", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
}

static jx_err visit(void *h, const kp_visit *v)
{
    jx_store *st = h;
    visit_state vs = {.st = st, .v = v, .total = subject_count(st)};
    jx_err e = JX_OK;
    sqlite3_stmt *rows = st_stmt(st, S_SCORE_ROWS);
    if (!rows) return JX_ERR_DB;
    int rc;
    while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
        int64_t sid = sqlite3_column_int64(rows, 0);
        if (sid != vs.s.id) {
            if (vs.s.id && (e = visit_flush(&vs))) goto done;
            if (!visit_start(&vs, rows, sid)) goto nomem;
        }
        if (!visit_row(&vs, rows)) goto nomem;
    }
    if (rc != SQLITE_DONE) {
        e = st_dberr(st, "targets");
        goto done;
    }
    sqlite3_reset(rows); /* before the last callback: it may write */
    if (vs.s.id)
        e = visit_flush(&vs);
    else
        e = st_fail(st, JX_ERR_NOTFOUND, "no targets to score: import targets first");
    goto done;
nomem:
    e = st_fail(st, JX_ERR_NOMEM, "out of memory");
done:
    sqlite3_reset(rows);
    free(vs.b.ind);
    free(vs.b.target_id);
    free(vs.b.actual_id);
    free(vs.b.actual_file);
    free(vs.b.actual_line);
    jx_arena_free(&vs.b.arena);
    jx_vcache_free(&vs.b.vc);
    return e;
}

static const char *file_name(void *h, int64_t file)
{
    jx_store *st = h;
    sqlite3_stmt *q = file ? st_stmt(st, S_IMPORT_FILE) : NULL;
    if (!q) return "";
    sqlite3_bind_int64(q, 1, file);
    const char *name = "";
    if (sqlite3_step(q) == SQLITE_ROW && JX_GROW(st->code, st->capcode, 1)) {
        const char *c = (const char *)sqlite3_column_text(q, 0);
        size_t n = c ? strlen(c) : 0;
        if (JX_GROW(st->code, st->capcode, n + 1)) { /* the store's scratch for one name */
            memcpy(st->code, c ? c : "", n + 1);
            name = st->code;
        }
    }
    sqlite3_reset(q);
    return name;
}

/* ---- a scoring run ---- */

static jx_err run_begin(void *h, const jx_ruleset *rs, const char *label)
{
    jx_store *st = h;
    jx_err e = st_begin_bulk(st);
    if (e) return e;
    sqlite3_stmt *q = st_stmt(st, S_RUN_INSERT);
    if (q) {
        st_bind_text(q, 1, jx_ruleset_name(rs));
        st_bind_text(q, 2, jx_ruleset_sha256(rs));
        st_bind_text(q, 3, jx_ruleset_source(rs));
        st_bind_text(q, 4, label ? label : "");
    }
    if ((e = step_done(st, q, "runs"))) {
        st_rollback(st);
        return e;
    }
    st->run_id = sqlite3_last_insert_rowid(st->db);
    return JX_OK;
}

static jx_err run_subject_row(jx_store *st, int64_t run_id, const kp_subject *s, const jx_result *r)
{
    sqlite3_stmt *q = st_stmt(st, S_RUN_SUBJECT_INSERT);
    if (!q) return JX_ERR_DB;
    sqlite3_bind_int64(q, 1, run_id);
    sqlite3_bind_int64(q, 2, s->id);
    sqlite3_bind_double(q, 3, r->total);
    st_bind_text(q, 4, r->grade);
    sqlite3_bind_int64(q, 5, r->flags);
    sqlite3_bind_double(q, 6, r->weight_sum);
    sqlite3_bind_double(q, 7, r->points_sum);
    sqlite3_bind_double(q, 8, r->ind_weight);
    sqlite3_bind_double(q, 9, r->ind_points);
    sqlite3_bind_int(q, 10, r->budget_scored);
    if (s->budget.present) {
        sqlite3_bind_double(q, 11, s->budget.initial);
        sqlite3_bind_double(q, 12, s->budget.budget);
        sqlite3_bind_double(q, 13, s->budget.spent);
    }
    if (r->budget_scored) {
        sqlite3_bind_double(q, 14, r->budget_rate);
        sqlite3_bind_double(q, 15, r->budget_weight);
        sqlite3_bind_double(q, 16, r->budget_points);
    }
    sqlite3_bind_int64(q, 17, (sqlite3_int64)r->nscored);
    sqlite3_bind_int64(q, 18, (sqlite3_int64)r->nna);
    if (s->budget_ref) sqlite3_bind_int64(q, 19, s->budget_ref);
    return step_done(st, q, "run_subjects");
}

static jx_err run_subject(void *h, const kp_subject *s, const jx_result *r, const jx_score *scores)
{
    jx_store *st = h;
    int64_t run_id = st->run_id;
    jx_err e = run_subject_row(st, run_id, s, r);
    if (e) return e;
    sqlite3_stmt *q = st_stmt(st, S_RUN_IND_INSERT);
    if (!q) return JX_ERR_DB;
    for (size_t i = 0; i < s->n; i++) {
        const jx_score *sc = &scores[i];
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, run_id);
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
        if ((e = step_done(st, q, "run_indicators"))) return e;
    }
    return JX_OK;
}

static jx_err run_finish(void *h, const jx_run_summary *sum, int64_t *run_id)
{
    jx_store *st = h;
    int64_t id = st->run_id;
    sqlite3_stmt *q = st_stmt(st, S_RUN_FINISH);
    if (q) {
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int64(q, 2, sum->subjects);
        sqlite3_bind_int64(q, 3, sum->indicators);
    }
    jx_err e = step_done(st, q, "runs");
    if (!e) e = st_commit(st);
    if (e) return e;
    *run_id = id;
    return JX_OK;
}

static void run_abort(void *h)
{
    st_rollback(h);
}

static const kp_ops store_ops = {
    .keeps_log = true,
    .errbuf = errbuf,
    .vcache = no_vcache,
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

kp_backend kp_store(jx_store *st)
{
    return (kp_backend){.ops = &store_ops, .h = st};
}
