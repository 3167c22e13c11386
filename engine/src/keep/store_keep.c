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
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
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

/* ---- a targets import: SQLite on a second thread ----
 *
 * Writing a target row is half of a targets import (SQLite's insert into a 13-column table
 * with a partial index); reading, parsing and checking the rows is the other half. The rows go
 * to a writer thread, in batches handed over whenever it is idle, so the two halves run on
 * two cores. Every other operation first waits until the writer has written all rows given so
 * far (drain), and then uses the connection itself: the connection is never used by two
 * threads at once (SQLite's multi-thread mode). A failed row stops the writer; its error (with
 * SQLite's message, in errmsg) is returned by the next operation, and the import is rolled
 * back as before, a few rows later than when each row was written at once. */

/* What the writer writes: a target row, or a subject made or given a code (those come from
 * the subjects read at the start, so that finding a subject needs no SQLite). */
enum { W_TARGET, W_SUBJECT, W_SETCODE };
typedef struct wrow {
    int kind;
    int64_t sid, line;
    int seq; /* a target's seq; a subject's year */
    bool first, has_weight;
    double weight;
    size_t text[7]; /* l1, l2, l3, op, target, unit, note (a subject: code, name, project):
                       offsets into the batch's text */
} wrow;

typedef struct wbatch {
    wrow *rows;
    size_t n, cap;
    char *text;
    size_t tn, tcap;
} wbatch;

typedef struct st_writer {
    jx_store *st;
    /* the subjects, read when the import began and kept up to date by it */
    jx_map subj; /* jx_subject_key → index + 1 into subs */
    struct wsubj {
        int64_t id;
        const char *code;
    } * subs;
    size_t nsubs, capsubs;
    jx_arena text;
    int64_t max_id;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    wbatch fill;         /* the rows the importer gives: the calling thread's only */
    wbatch work;         /* the rows being written: the writer's while busy */
    bool busy;           /* work is being written (under mu) */
    bool quit;           /* (under mu) */
    atomic_int error;    /* the first failure (jx_err), 0: none */
    sqlite3_stmt *group; /* the INSERT of GROUP target rows, prepared on first use */
} st_writer;

/* The subject's current rows of a table marked replaced by this import (the statement takes the
 * subject and the import), counted in the file's replaced rows. */
static jx_err replace_current(jx_store *st, st_id id, int64_t sid, const char *what)
{
    sqlite3_stmt *q = st_stmt(st, id);
    if (q) {
        sqlite3_bind_int64(q, 1, sid);
        sqlite3_bind_int64(q, 2, st->import_id);
    }
    jx_err e = step_done(st, q, what);
    if (!e) st->file->replaced += sqlite3_changes(st->db);
    return e;
}

/* A target row's twelve values into q's parameters p + 1 … p + 12 (f: its seven texts, l1 …
 * note). */
static void bind_target(jx_store *st, sqlite3_stmt *q, int p, const wrow *r, const char *const *f)
{
    sqlite3_bind_int64(q, p + 1, r->sid);
    sqlite3_bind_int64(q, p + 2, st->import_id);
    sqlite3_bind_int64(q, p + 3, r->line);
    sqlite3_bind_int(q, p + 4, r->seq);
    for (int i = 0; i < 6; i++)
        st_bind_text(q, p + 5 + i, f[i]);
    if (r->has_weight)
        sqlite3_bind_double(q, p + 11, r->weight);
    else
        sqlite3_bind_null(q, p + 11);
    st_bind_text(q, p + 12, f[6]);
}

/* Write one target row. */
static jx_err write_target(jx_store *st, const wrow *r, const char *const *f)
{
    jx_err e;
    /* the subject's current targets are replaced by this file's */
    if (r->first && (e = replace_current(st, S_TARGETS_REPLACE, r->sid, "targets"))) return e;
    sqlite3_stmt *q = st_stmt(st, S_TARGET_INSERT);
    if (q) bind_target(st, q, 0, r, f);
    return step_done(st, q, "targets");
}

/* The texts of a queued row (in the batch being written). */
static void row_texts(const st_writer *w, const wrow *r, const char **f)
{
    for (int k = 0; k < 7; k++)
        f[k] = w->work.text + r->text[k];
}

static jx_err write_subject(jx_store *st, const wrow *r, const char *const *f)
{
    sqlite3_stmt *q = st_stmt(st, r->kind == W_SUBJECT ? S_SUBJECT_INSERT_ID : S_SUBJECT_SETCODE);
    if (q && r->kind == W_SUBJECT) {
        st_bind_text(q, 1, f[0]);
        st_bind_text(q, 2, f[1]);
        st_bind_text(q, 3, f[2]);
        sqlite3_bind_int(q, 4, r->seq);
        sqlite3_bind_int64(q, 5, r->sid);
    } else if (q) {
        sqlite3_bind_int64(q, 1, r->sid);
        st_bind_text(q, 2, f[0]);
    }
    return step_done(st, q, "subjects");
}

/* Target rows GROUP at a time: one INSERT of GROUP rows costs SQLite much less than GROUP
 * statements (each statement's start and end: 8% of a targets import). */
#define GROUP 16

static jx_err write_group(st_writer *w, const wrow *const *g, size_t n)
{
    jx_store *st = w->st;
    if (n < GROUP) { /* the rest, one by one */
        for (size_t i = 0; i < n; i++) {
            const char *f[7];
            row_texts(w, g[i], f);
            jx_err e = write_target(st, g[i], f);
            if (e) return e;
        }
        return JX_OK;
    }
    if (!w->group) {
        char sql[GROUP * 64 + 256];
        size_t k = (size_t)snprintf(sql, sizeof sql,
                                    "INSERT INTO targets(subject_id, import_id, line, seq, level1, "
                                    "level2, level3, op, target, unit, weight, note) VALUES ");
        for (int r = 0; r < GROUP; r++)
            k += (size_t)snprintf(sql + k, sizeof sql - k, "%s(?,?,?,?,?,?,?,?,?,?,?,?)",
                                  r ? "," : "");
        if (sqlite3_prepare_v2(st->db, sql, -1, &w->group, NULL) != SQLITE_OK)
            return st_dberr(st, "targets");
    }
    sqlite3_stmt *q = w->group;
    sqlite3_reset(q);
    for (size_t i = 0; i < n; i++) {
        const char *f[7];
        row_texts(w, g[i], f);
        bind_target(st, q, (int)i * 12, g[i], f);
    }
    if (st_broken(st))
        return st_fail(st, JX_ERR_DB, "%s: the transaction was rolled back after an earlier error",
                       st->path ? st->path : "the database");
    return step_done(st, q, "targets");
}

/* The batch in order: a subject's replacing UPDATE and the subjects' rows where they come,
 * the target rows between them in groups. */
static jx_err write_batch(st_writer *w)
{
    const wrow *g[GROUP];
    size_t n = 0;
    jx_err e = JX_OK;
    for (size_t i = 0; i < w->work.n && !e; i++) {
        const wrow *r = &w->work.rows[i];
        if (r->kind == W_TARGET && !r->first) {
            g[n++] = r;
            if (n == GROUP) e = write_group(w, g, n), n = 0;
            continue;
        }
        if (n) e = write_group(w, g, n), n = 0;
        if (e) break;
        const char *f[7];
        row_texts(w, r, f);
        e = r->kind == W_TARGET ? write_target(w->st, r, f) : write_subject(w->st, r, f);
    }
    if (!e && n) e = write_group(w, g, n);
    return e;
}

static void *writer_main(void *arg)
{
    st_writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->busy && !w->quit)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->busy) break; /* quit, and nothing left */
        pthread_mutex_unlock(&w->mu);
        if (!atomic_load(&w->error)) { /* after a failure nothing more is written */
            jx_err e = write_batch(w);
            if (e) atomic_store(&w->error, (int)e);
        }
        pthread_mutex_lock(&w->mu);
        w->work.n = w->work.tn = 0;
        w->busy = false;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void batch_free(wbatch *b)
{
    free(b->rows);
    free(b->text);
}

/* Hand the rows given so far to the writer when it is idle (wait: even when it is busy). */
static void hand_over(st_writer *w, bool wait)
{
    pthread_mutex_lock(&w->mu);
    while (wait && w->busy)
        pthread_cond_wait(&w->cv, &w->mu);
    if (!w->busy && w->fill.n) {
        wbatch t = w->work;
        w->work = w->fill;
        w->fill = t;
        w->busy = true;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
}

/* Every row given so far written (or the writer stopped at a failure): its error, else OK. */
static jx_err drain(jx_store *st)
{
    st_writer *w = st->writer;
    if (!w) return JX_OK;
    hand_over(w, true);
    pthread_mutex_lock(&w->mu);
    while (w->busy)
        pthread_cond_wait(&w->cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
    return (jx_err)atomic_load(&w->error);
}

void st_writer_stop(jx_store *st)
{
    st_writer *w = st->writer;
    if (!w) return;
    drain(st);
    pthread_mutex_lock(&w->mu);
    w->quit = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->th, NULL);
    sqlite3_finalize(w->group);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    batch_free(&w->fill);
    batch_free(&w->work);
    jx_map_free(&w->subj);
    free(w->subs);
    jx_arena_free(&w->text);
    free(w);
    st->writer = NULL;
}

/* A subject known to the writer's table; false when out of memory. */
static bool add_subject(st_writer *w, const char *key, size_t klen, int64_t id, const char *code)
{
    if (!JX_GROW(w->subs, w->capsubs, w->nsubs + 1)) return false;
    const char *c = jx_arena_strndup(&w->text, code, strlen(code));
    int is_new;
    int64_t *slot = c ? jx_map_put(&w->subj, key, klen, &is_new) : NULL;
    if (!slot) return false;
    w->subs[w->nsubs] = (struct wsubj){.id = id, .code = c};
    *slot = (int64_t)++w->nsubs;
    if (id > w->max_id) w->max_id = id;
    return true;
}

/* The subjects as they are when the import begins; false when that fails. */
static bool load_subjects(jx_store *st, st_writer *w)
{
    sqlite3_stmt *q = st_stmt(st, S_SUBJECTS_ALL);
    if (!q) return false;
    int rc;
    bool ok = true;
    while (ok && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        char key[1024];
        const char *c[3];
        for (int i = 0; i < 3; i++) {
            const unsigned char *t = sqlite3_column_text(q, 1 + i);
            c[i] = t ? (const char *)t : "";
        }
        size_t klen = jx_subject_key(key, sizeof key, sqlite3_column_int(q, 4), c[1], c[2]);
        ok = klen && add_subject(w, key, klen, sqlite3_column_int64(q, 0), c[0]);
    }
    sqlite3_reset(q);
    return ok && rc == SQLITE_DONE;
}

/* A writer for this import; without one (no thread to be had) rows are written at once. */
static void writer_start(jx_store *st)
{
    st_writer *w = calloc(1, sizeof *w);
    if (!w) return;
    w->st = st;
    atomic_init(&w->error, 0);
    if (pthread_mutex_init(&w->mu, NULL)) {
        free(w);
        return;
    }
    if (pthread_cond_init(&w->cv, NULL)) {
        pthread_mutex_destroy(&w->mu);
        free(w);
        return;
    }
    if (!load_subjects(st, w) || pthread_create(&w->th, NULL, writer_main, w)) {
        jx_map_free(&w->subj);
        free(w->subs);
        jx_arena_free(&w->text);
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        free(w);
        return;
    }
    st->writer = w;
}

/* r with its texts f (nf of them) copied into the writer's next batch; false when out of
 * memory */
static bool queue(st_writer *w, const wrow *row, const char *const *f, int nf)
{
    wbatch *b = &w->fill;
    size_t len[7], need = 0;
    for (int i = 0; i < nf; i++)
        need += (len[i] = strlen(f[i] ? f[i] : "")) + 1;
    if (!JX_GROW(b->rows, b->cap, b->n + 1) || !JX_GROW(b->text, b->tcap, b->tn + need))
        return false;
    wrow *r = &b->rows[b->n++];
    *r = *row;
    for (int i = 0; i < nf; i++) {
        r->text[i] = b->tn;
        memcpy(b->text + b->tn, f[i] ? f[i] : "", len[i] + 1);
        b->tn += len[i] + 1;
    }
    return true;
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
    if (f->kind == JX_IMPORT_TARGETS) writer_start(st);
    return JX_OK;
}

/* r queued for the writer (handed over when a good batch is ready and the writer idle) */
static jx_err queue_row(jx_store *st, const wrow *r, const char *const *f, int nf)
{
    st_writer *w = st->writer;
    jx_err e = (jx_err)atomic_load(&w->error);
    if (e) return e;
    if (!queue(w, r, f, nf))
        return (e = drain(st)) ? e : st_fail(st, JX_ERR_NOMEM, "out of memory");
    /* a batch of 256 when the writer is idle; at 16,384 wait for it (bounded memory: the
     * reader is the faster when the second core is busy) */
    if (w->fill.n >= 256) hand_over(w, w->fill.n >= 16384);
    return JX_OK;
}

/* subject() during a targets import: from the subjects read when it began; a new one gets the
 * next id (as SQLite would give it: the largest + 1) and is written by the writer. */
static jx_err writer_subject(jx_store *st, const char *code, const char *name, const char *project,
                             int year, bool create, int64_t *sid, const char **code_out)
{
    st_writer *w = st->writer;
    char key[1024];
    size_t klen = jx_subject_key(key, sizeof key, year, name, project);
    jx_err e;
    if (!klen)
        return (e = drain(st)) ? e
                               : st_fail(st, JX_ERR_INVALID, "部门名称 and 项目名称 are too long");
    int64_t *hit = jx_map_get(&w->subj, key, klen);
    if (hit) {
        *sid = w->subs[*hit - 1].id;
        *code_out = w->subs[*hit - 1].code;
        return JX_OK;
    }
    if (!create) return JX_OK;
    int64_t id = w->max_id + 1;
    if (!add_subject(w, key, klen, id, code))
        return (e = drain(st)) ? e : st_fail(st, JX_ERR_NOMEM, "out of memory");
    const char *f[3] = {code, name, project};
    e = queue_row(st, &(wrow){.kind = W_SUBJECT, .sid = id, .seq = year}, f, 3);
    if (e) return e;
    *sid = id;
    *code_out = w->subs[w->nsubs - 1].code;
    return JX_OK;
}

static jx_err subject(void *h, const char *code, const char *name, const char *project, int year,
                      bool create, int64_t *sid, const char **code_out)
{
    jx_store *st = h;
    *sid = 0;
    *code_out = "";
    if (st->writer) return writer_subject(st, code, name, project, year, create, sid, code_out);
    jx_err e;
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
    if ((e = step_done(st, ins, "subjects"))) return e;
    *sid = sqlite3_last_insert_rowid(st->db);
    *code_out = code;
    return JX_OK;
}

static jx_err set_code(void *h, int64_t sid, const char *code)
{
    jx_store *st = h;
    if (st->writer) {
        st_writer *w = st->writer;
        /* its entry: ids are 1, 2, … in the order read (rowid order) unless rows were removed */
        size_t i =
            sid >= 1 && (size_t)sid <= w->nsubs && w->subs[sid - 1].id == sid ? (size_t)sid - 1 : 0;
        while (i < w->nsubs && w->subs[i].id != sid)
            i++;
        if (i < w->nsubs) {
            const char *c = jx_arena_strndup(&w->text, code, strlen(code));
            jx_err e;
            if (!c) return (e = drain(st)) ? e : st_fail(st, JX_ERR_NOMEM, "out of memory");
            w->subs[i].code = c;
        }
        return queue_row(st, &(wrow){.kind = W_SETCODE, .sid = sid}, &code, 1);
    }
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
    const char *f[7] = {t->l1, t->l2, t->l3, t->op, t->target, t->unit, t->note};
    wrow r = {.kind = W_TARGET,
              .sid = t->sid,
              .line = t->line,
              .seq = t->seq,
              .first = t->first,
              .has_weight = t->has_weight,
              .weight = t->weight};
    return st->writer ? queue_row(st, &r, f, 7) : write_target(st, &r, f);
}

static jx_err targets_of(void *h, int64_t sid, bool (*fn)(void *ctx, const kp_current *c),
                         void *ctx, bool *has_actuals)
{
    jx_store *st = h;
    *has_actuals = false;
    jx_err e = drain(st);
    if (e) return e;
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
    jx_err e = drain(st);
    if (e) return e;
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
    jx_err e = drain(st);
    if (e) return e;
    /* the subject's current rows (its total and the rows under it) */
    if (b->first && (e = replace_current(st, S_BUDGET_REPLACE, b->sid, "budgets"))) return e;
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
    jx_err e = drain(st);
    if (e) return e;
    sqlite3_stmt *r = st_stmt(st, S_NOTE_REPLACE);
    if (r) {
        sqlite3_bind_int64(r, 1, sid);
        st_bind_text(r, 2, field);
        sqlite3_bind_int64(r, 3, st->import_id);
    }
    if ((e = step_done(st, r, "subject_notes"))) return e;
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
    jx_err e = drain(st);
    st_writer_stop(st);
    if (e) return e;
    sqlite3_stmt *q = st_stmt(st, S_IMPORT_FINISH);
    if (q) {
        sqlite3_bind_int64(q, 1, st->import_id);
        sqlite3_bind_int64(q, 2, st->file->rows);
        sqlite3_bind_int64(q, 3, st->file->replaced);
    }
    e = step_done(st, q, "imports");
    if (!e) e = st_commit(st);
    if (e) return e;
    st->file->import_id = st->import_id;
    st->file = NULL;
    return JX_OK;
}

static void rollback(void *h)
{
    jx_store *st = h;
    st_writer_stop(st); /* what it has not written is rolled back with the rest */
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
