/*
 * fuzz_store.c - libFuzzer target for the store's open and migrate path (engine/src/keep/store.c,
 * check.c, dberr.c) on hostile database files: damaged pages, tampered schema versions, other
 * programs' databases, truncated files, text.
 *
 * The input is a database file, written to a scratch file (its -wal and -shm removed). Then:
 * jx_store_check() must answer (checked, or why not, with a message); jx_store_open() must
 * either refuse with a message or open a store whose schema version is this library's; an open
 * store is listed (history, the newest run with every indicator), a small targets file is
 * imported into it and it is scored. Oracles beyond the sanitizers: every failure has a
 * message; a refused open leaves the file's bytes as they were; after an open the version is
 * JX_SCHEMA_VERSION; a failed import leaves the targets, subjects and imports as they were
 * (when they can still be counted); the totals of a successful score are finite in [0, 100].
 *
 * Seeds: run with JX_FUZZ_STORE_SEEDS=DIR to write them (fuzz/run.sh does): a store made by
 * this library (version 2, with a run), the same at version 1, with user_version -1, -300,
 * INT_MIN, INT_MAX, 3 and 0, with a page overwritten, a table dropped, cut short, with its
 * header damaged, another program's database, an empty file and a text file.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jixiao/import.h"
#include "jixiao/run.h"
#include "jixiao/store.h"
#include "keep/store_int.h"

#define CHECK(c) ((c) ? (void)0 : abort())

static char g_dir[64], g_db[128], g_csv[128];
static jx_ruleset *g_rules;

static const char targets_csv[] =
    "部门编码,部门名称,项目名称,年度,一级指标,二级指标,三级指标,指标性质,指标值,度量单位,权重\n"
    "135,大竹县司法局,,2024,产出指标,数量指标,办结案件,≥,300,件,50\n"
    "135,大竹县司法局,,2024,满意度指标,服务对象满意度指标,满意度,≥,90%,,50\n";

static void rm_db(const char *db)
{
    char p[160];
    unlink(db);
    snprintf(p, sizeof p, "%s-wal", db);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db);
    unlink(p);
    snprintf(p, sizeof p, "%s-journal", db);
    unlink(p);
}

static void cleanup(void)
{
    rm_db(g_db);
    unlink(g_csv);
    rmdir(g_dir);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK(fwrite(data, 1, len, f) == len);
    CHECK(fclose(f) == 0);
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    CHECK(fseek(f, 0, SEEK_END) == 0);
    long n = ftell(f);
    CHECK(n >= 0);
    rewind(f);
    unsigned char *d = malloc((size_t)n + 1);
    CHECK(d != NULL);
    CHECK(fread(d, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return d;
}

static void sql(const char *path, const char *text)
{
    sqlite3 *db;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    sqlite3_exec(db, text, NULL, NULL, NULL);
    sqlite3_close(db);
}

/* ---- seeds ---- */

static void seed(const char *dir, const char *name, const unsigned char *d, size_t n)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    write_file(p, d, n);
}

/* A store of this library, one import and one run, as one file (checkpointed, no -wal). */
static unsigned char *make_store(size_t *len)
{
    rm_db(g_db);
    jx_store *st = NULL;
    CHECK(jx_store_open(g_db, &st, NULL) == JX_OK);
    CHECK(jx_import_file(st, JX_IMPORT_TARGETS, g_csv, NULL, NULL) == JX_OK);
    CHECK(jx_run_score(st, g_rules, NULL, NULL) == JX_OK);
    jx_store_close(st);
    sql(g_db, "PRAGMA journal_mode = DELETE");
    return read_file(g_db, len);
}

static void make_seeds(const char *dir)
{
    mkdir(dir, 0777);
    size_t n;
    unsigned char *good = make_store(&n);
    seed(dir, "store-v2", good, n);
    static const char *const versions[][2] = {
        {"version-minus-1", "PRAGMA user_version = -1"},
        {"version-minus-300", "PRAGMA user_version = -300"},
        {"version-int-min", "PRAGMA user_version = -2147483648"},
        {"version-int-max", "PRAGMA user_version = 2147483647"},
        {"version-3", "PRAGMA user_version = 3"},
        {"version-0", "PRAGMA user_version = 0"},
        {"version-1", "DROP TABLE scenario_items; DROP TABLE scenarios; PRAGMA user_version = 1"},
        {"table-dropped", "DROP TABLE budgets"},
        {"foreign-key", "PRAGMA foreign_keys = OFF; UPDATE targets SET subject_id = 77"},
        {"rules-changed", "UPDATE runs SET rules_source = 'x'"},
        {"other-program", "CREATE TABLE mine(x); PRAGMA user_version = 0"},
    };
    for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
        rm_db(g_db);
        write_file(g_db, good, n);
        sql(g_db, versions[i][1]);
        size_t m;
        unsigned char *d = read_file(g_db, &m);
        seed(dir, versions[i][0], d, m);
        free(d);
    }
    unsigned char *bad = malloc(n);
    CHECK(bad != NULL);
    memcpy(bad, good, n);
    for (size_t i = 4096 * 2; i < 4096 * 2 + 64 && i < n; i++) /* a b-tree page's header */
        bad[i] = 0xff;
    seed(dir, "page-damaged", bad, n);
    memcpy(bad, good, n);
    memset(bad + 16, 0x7f, 8); /* page size, versions, reserved bytes of the header */
    seed(dir, "header-damaged", bad, n);
    seed(dir, "cut-half", good, n / 2);
    seed(dir, "cut-header", good, 100);
    seed(dir, "empty", good, 0);
    seed(dir, "text", (const unsigned char *)targets_csv, sizeof targets_csv - 1);
    rm_db(g_db);
    sql(g_db, "CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 2)");
    size_t m;
    unsigned char *other = read_file(g_db, &m);
    seed(dir, "other-database", other, m);
    free(other);
    free(bad);
    free(good);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(g_dir, sizeof g_dir, "/tmp/jx_fuzz_store.XXXXXX");
    CHECK(mkdtemp(g_dir) != NULL);
    snprintf(g_db, sizeof g_db, "%s/s.db", g_dir);
    snprintf(g_csv, sizeof g_csv, "%s/t.csv", g_dir);
    atexit(cleanup);
    write_file(g_csv, targets_csv, sizeof targets_csv - 1);
    static const char *const dirs[] = {JX_RULES_DIR};
    CHECK(jx_ruleset_load("mof-2020", dirs, 1, &g_rules, NULL) == JX_OK);
    const char *seeds = getenv("JX_FUZZ_STORE_SEEDS");
    if (seeds && *seeds) {
        make_seeds(seeds);
        exit(0);
    }
    return 0;
}

static void on_finding(const jx_check_finding *f, void *ctx)
{
    (void)ctx;
    CHECK(f->text && *f->text && f->rules && f->rules_sha256);
    CHECK((unsigned)f->kind < JX_CHECK__COUNT);
}

static int on_subject(const jx_run_subject *s, void *ctx)
{
    (void)ctx;
    CHECK(s->code && s->name && s->project && s->result.grade);
    for (size_t i = 0; i < s->n; i++)
        CHECK(s->ind[i].level3 && s->ind[i].target);
    return 0;
}

static int on_import(const jx_import_info *i, void *ctx)
{
    (void)ctx;
    CHECK(i->kind && i->file && i->sha256);
    return 0;
}

static int check_total(const jx_run_subject *s, void *ctx)
{
    (void)ctx;
    CHECK(isfinite(s->result.total) && s->result.total >= 0 && s->result.total <= 100 + 1e-9);
    return 0;
}

/* Open run RUN_ID and visit its subjects; a failure must say why. */
static void read_run(jx_store *st, int64_t run_id, const jx_run_filter *f, jx_run_cb cb)
{
    jx_run *r = NULL;
    if (jx_run_open(st, run_id, &r)) {
        CHECK(*jx_store_errmsg(st));
        return;
    }
    if (jx_run_foreach(r, f, cb, NULL)) CHECK(*jx_run_errmsg(r));
    jx_run_close(r);
}

/* targets/subjects/imports counted, or "" when the file cannot be read */
static void counts(jx_store *st, char *out, size_t cap)
{
    sqlite3_stmt *q;
    out[0] = '\0';
    if (sqlite3_prepare_v2(st->db,
                           "SELECT (SELECT count(*) FROM targets) || '/' || (SELECT count(*) FROM "
                           "subjects) || '/' || (SELECT count(*) FROM imports)",
                           -1, &q, NULL) != SQLITE_OK)
        return;
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rm_db(g_db);
    write_file(g_db, data, size);
    jx_check_result res;
    jx_errmsg msg;
    jx_err e = jx_store_check(g_db, on_finding, NULL, &res, &msg);
    if (e)
        CHECK(*msg.text);
    else
        CHECK(res.total == res.problems[0] + res.problems[1] + res.problems[2] + res.problems[3]);

    jx_store *st = NULL;
    e = jx_store_open(g_db, &st, &msg);
    if (e) {
        CHECK(st == NULL && *msg.text);
        /* refused: not a byte changed (a damaged file may have been rolled back to itself) */
        size_t n;
        unsigned char *now = read_file(g_db, &n);
        if (e == JX_ERR_DB && strstr(msg.text, "schema version")) {
            CHECK(now && n == size && (size == 0 || memcmp(now, data, size) == 0));
        }
        free(now);
        return 0;
    }
    sqlite3_stmt *q;
    CHECK(sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW) CHECK(sqlite3_column_int(q, 0) == JX_SCHEMA_VERSION);
    sqlite3_finalize(q);
    if (jx_store_history(st, on_import, NULL)) CHECK(*jx_store_errmsg(st));
    int64_t run_id = 0;
    if (jx_run_latest(st, &run_id) == JX_OK) {
        jx_run_filter f = {.indicators = true};
        read_run(st, run_id, &f, on_subject);
    }
    char before[128], after[128];
    counts(st, before, sizeof before);
    e = jx_import_file(st, JX_IMPORT_TARGETS, g_csv, NULL, NULL);
    if (e) {
        CHECK(*jx_store_errmsg(st));
        counts(st, after, sizeof after);
        if (*before && *after) CHECK(strcmp(before, after) == 0);
    }
    jx_run_summary sum;
    if (jx_run_score(st, g_rules, NULL, &sum) == JX_OK) {
        read_run(st, sum.run_id, NULL, check_total);
    } else {
        CHECK(*jx_store_errmsg(st));
    }
    jx_store_close(st);
    return 0;
}
