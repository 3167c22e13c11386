/*
 * fuzz_import.c - libFuzzer target for the importer (engine/src/import.c) on an
 * in-memory store, and the scoring run over whatever it accepted.
 *
 * The input is split at NUL bytes into a targets file, an actuals file and a
 * budget file (a NUL is an error inside a CSV anyway); each non-empty part is
 * written to a scratch file and imported into an empty `:memory:` store, in that
 * order (one store, emptied after each input). Oracles: the sanitizers; an import that fails leaves
 * every table as it was (row counts, current rows) and reports at least one message; one that
 * succeeds logs itself; then a scoring run over the store gives finite totals
 * in [0, 100] for every subject, each with a grade. The same files go into a
 * jx_batch (evaluate's in-memory path): every import must end the same way
 * (status, message, counts) and the scored result must be the same, subject by
 * subject and indicator by indicator.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_util.h"
#include "jixiao/batch.h"
#include "jixiao/import.h"
#include "jixiao/run.h"
#include "keep/store_int.h"

#define CHECK(c) ((c) ? (void)0 : abort())

static char g_dir[64];
static jx_ruleset *g_rules;
static jx_store *g_store;  /* emptied after every input: opening a store costs more than the rest */
static sqlite3_stmt *g_fp; /* fingerprint(), prepared once */
static sqlite3_stmt *g_del[8]; /* the DELETEs that empty the store, children first (foreign keys) */

/* The fingerprint of the store's content (see fingerprint()). */
static const char fp_sql[] =
    "SELECT (SELECT count(*) FROM imports) || '/' || (SELECT count(*) FROM subjects) || '/' || "
    "(SELECT count(*) || ':' || count(replaced_by) || ':' || total(line) FROM targets) || '/' || "
    "(SELECT count(*) || ':' || count(replaced_by) FROM actuals) || '/' || "
    "(SELECT count(*) || ':' || count(replaced_by) FROM budgets) || '/' || "
    "(SELECT group_concat(code, ',') FROM subjects)";

/* Remove the scratch files at exit. */
static void cleanup(void)
{
    for (int kind = 0; kind < 3; kind++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%d.csv", g_dir, kind);
        unlink(path);
    }
    rmdir(g_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(g_dir, sizeof g_dir, "/tmp/jx_fuzz_import.XXXXXX");
    CHECK(mkdtemp(g_dir) != NULL);
    atexit(cleanup);
    static const char *const dirs[] = {JX_RULES_DIR};
    CHECK(jx_ruleset_load("mof-2020", dirs, 1, &g_rules, NULL) == JX_OK);
    CHECK(jx_store_open(":memory:", &g_store, NULL) == JX_OK);
    CHECK(sqlite3_prepare_v2(g_store->db, fp_sql, -1, &g_fp, NULL) == SQLITE_OK);
    static const char *const tables[8] = {"run_indicators", "run_subjects", "runs",     "budgets",
                                          "actuals",        "targets",      "subjects", "imports"};
    for (int i = 0; i < 8; i++) {
        char sql[64];
        snprintf(sql, sizeof sql, "DELETE FROM %s", tables[i]);
        CHECK(sqlite3_prepare_v2(g_store->db, sql, -1, &g_del[i], NULL) == SQLITE_OK);
    }
    return 0;
}

/* A fingerprint of the store's content that any write changes. */
static void fingerprint(char *out, size_t cap)
{
    CHECK(sqlite3_step(g_fp) == SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(g_fp, 0);
    snprintf(out, cap, "%s", t ? (const char *)t : "");
    sqlite3_reset(g_fp);
}

static void count_error(void *ctx, const char *message)
{
    CHECK(message && *message);
    ++*(size_t *)ctx;
}

/* A text of a result, to compare a store's with a batch's. */
typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text *t, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    CHECK(n >= 0);
    if ((size_t)n >= sizeof buf) n = sizeof buf - 1;
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        CHECK(t->s != NULL);
    }
    memcpy(t->s + t->len, buf, (size_t)n + 1);
    t->len += (size_t)n;
}

static int print_subject(const jx_run_subject *s, void *ctx)
{
    const jx_result *r = &s->result;
    put(ctx, "%s|%s|%s|%d|%a|%s|%u|%a|%a|%d|%a|%zu|%zu|%a|%a|%a\n", s->code, s->name, s->project,
        s->year, r->total, r->grade, r->flags, r->weight_sum, r->points_sum, r->budget_scored,
        r->budget_rate, r->nscored, r->nna, s->budget_initial, s->budget, s->spent);
    for (size_t i = 0; i < s->n; i++) {
        const jx_run_indicator *in = &s->ind[i];
        put(ctx, " %s|%s|%s|%s|%s|%d|%a|%a|%u|%s\n", in->level1, in->level2, in->level3,
            in->actual ? in->actual : "-", in->reason, in->score.scored, in->score.ratio,
            in->score.points, in->score.flags, in->explain);
    }
    return 0;
}

static int check_subject(const jx_run_subject *s, void *ctx)
{
    print_subject(s, ctx);
    const jx_result *r = &s->result;
    CHECK(isfinite(r->total) && r->total >= 0 && r->total <= 100 + 1e-9);
    CHECK(r->grade != NULL && *r->grade);
    for (size_t i = 0; i < s->n; i++) {
        const jx_score *sc = &s->ind[i].score;
        if (sc->scored)
            CHECK(isfinite(sc->ratio) && sc->ratio >= 0 && sc->ratio <= 1 && isfinite(sc->points));
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jx_store *st = g_store;
    jx_batch *b = NULL;
    CHECK(jx_batch_new(&b) == JX_OK);
    size_t start = 0;
    int imported = 0;
    for (int kind = 0; kind < 3 && start <= size; kind++) {
        const uint8_t *p = memchr(data + start, 0, size - start);
        size_t end = p ? (size_t)(p - data) : size;
        size_t len = end - start;
        if (len > 0) {
            char path[128];
            snprintf(path, sizeof path, "%s/%d.csv", g_dir, kind);
            FILE *f = fopen(path, "wb");
            CHECK(f != NULL);
            CHECK(fwrite(data + start, 1, len, f) == len);
            CHECK(fclose(f) == 0);
            char before[512], after[512];
            fingerprint(before, sizeof before);
            size_t nerr = 0;
            jx_import_opts o = {.on_error = count_error, .ctx = &nerr};
            jx_import_result res;
            jx_err e = jx_import_file(st, (jx_import_kind)kind, path, &o, &res);
            fingerprint(after, sizeof after);
            size_t nerr_b = 0;
            jx_import_opts ob = {.on_error = count_error, .ctx = &nerr_b};
            jx_import_result rb;
            CHECK(jx_batch_import_file(b, (jx_import_kind)kind, path, &ob, &rb) == e);
            CHECK(nerr_b == nerr && rb.errors == res.errors && rb.rows == res.rows &&
                  rb.replaced == res.replaced && rb.subjects == res.subjects);
            if (e) CHECK(strcmp(jx_batch_errmsg(b), jx_store_errmsg(st)) == 0);
            if (e) {
                CHECK(strcmp(before, after) == 0); /* nothing written */
                CHECK(*jx_store_errmsg(st) != '\0');
                CHECK(res.import_id == 0 && res.rows == 0);
                if (e == JX_ERR_FORMAT && res.errors)
                    CHECK(nerr == (res.errors < 1000 ? res.errors : 1000));
            } else {
                CHECK(res.import_id > 0 && res.errors == 0 && nerr == 0);
                CHECK(strcmp(before, after) != 0);
                imported++;
            }
        }
        start = end + 1;
    }
    if (imported) {
        jx_run_summary sum, sum_b;
        jx_err e = jx_run_score(st, g_rules, NULL, &sum);
        CHECK(jx_batch_score(b, g_rules, NULL, &sum_b) == e);
        text ts = {0}, tb = {0};
        if (e == JX_OK) {
            CHECK(sum.subjects == sum_b.subjects && sum.indicators == sum_b.indicators);
            const jx_run_filter all = {.indicators = true};
            CHECK(stored_foreach(st, sum.run_id, &all, check_subject, &ts) == JX_OK);
            CHECK(batch_foreach(b, &all, print_subject, &tb) == JX_OK);
            CHECK((!ts.s && !tb.s) || (ts.s && tb.s && !strcmp(ts.s, tb.s)));
        } else {
            CHECK(e == JX_ERR_FORMAT || e == JX_ERR_NOTFOUND);
            CHECK(strcmp(jx_batch_errmsg(b), jx_store_errmsg(st)) == 0);
        }
        free(ts.s);
        free(tb.s);
    }
    jx_batch_free(b);
    /* back to an empty store */
    for (int i = 0; i < 8; i++) {
        CHECK(sqlite3_step(g_del[i]) == SQLITE_DONE);
        sqlite3_reset(g_del[i]);
    }
    return 0;
}
