/*
 * check.c - jx_store_check(): is a store sound? Its schema version and tables, SQLite's
 * integrity and foreign-key checks, and every stored run's rule set against its SHA-256.
 *
 * The file is opened read-only and never migrated, so a store that jx_store_open() refuses
 * (a schema version changed by a tool, damage) can still be looked at, and a check never
 * changes what it checks.
 */
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "keep/store_int.h"
#include "util/util_int.h"

/* The objects (tables and indexes) each schema version adds, as store.c's migrations create
 * them. */
static const char *const objects_v1[] = {
    "imports", "subjects",        "targets", "targets_current", "actuals",        "actuals_current",
    "budgets", "budgets_current", "runs",    "run_subjects",    "run_indicators", NULL};
static const char *const objects_v2[] = {"scenarios", "scenarios_current", "scenario_items", NULL};
static const char *const objects_v3[] = {"subject_notes", "subject_notes_current", NULL};
static const char *const objects_v4[] = {"budgets_import", NULL};
static const char *const *const objects[] = {objects_v1, objects_v2, objects_v3, objects_v4};
_Static_assert(sizeof objects / sizeof *objects == JX_SCHEMA_VERSION,
               "the objects of every schema version");

/* The version that creates object name (1, 2, ...), or 0 when no version does. */
static int object_version(const char *name)
{
    for (int v = 0; v < JX_SCHEMA_VERSION; v++)
        for (const char *const *o = objects[v]; *o; o++)
            if (!strcmp(*o, name)) return v + 1;
    return 0;
}

int st_schema_guess(sqlite3 *db)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db,
                           "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' "
                           "ESCAPE '\\'",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    size_t have[JX_SCHEMA_VERSION] = {0}, any = 0;
    bool other = false;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        int v = name ? object_version(name) : 0;
        any++;
        if (v)
            have[v - 1]++;
        else
            other = true;
    }
    sqlite3_finalize(s);
    if (!any) return 0;
    if (other) return -1;
    /* versions are cumulative: all of 1..v and none after */
    int v = 0;
    while (v < JX_SCHEMA_VERSION && have[v]) {
        size_t n = 0;
        while (objects[v][n])
            n++;
        if (have[v] != n) return -1;
        v++;
    }
    for (int k = v; k < JX_SCHEMA_VERSION; k++)
        if (have[k]) return -1;
    return v;
}

const char *jx_check_kind_str(jx_check_kind kind)
{
    switch (kind) {
    case JX_CHECK_SCHEMA:
        return "schema";
    case JX_CHECK_INTEGRITY:
        return "integrity";
    case JX_CHECK_FOREIGN_KEYS:
        return "foreign keys";
    case JX_CHECK_RUNS:
        return "runs";
    case JX_CHECK__COUNT:
        break;
    }
    return "?";
}

typedef struct chk {
    sqlite3 *db;
    const char *path;
    jx_check_cb cb;
    void *ctx;
    jx_check_result *res;
    int want; /* the schema version whose objects the file should hold */
} chk;

static void note(chk *c, jx_check_kind kind, bool problem, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void note(chk *c, jx_check_kind kind, bool problem, const char *fmt, ...)
{
    if (problem) {
        c->res->total++;
        if (++c->res->problems[kind] > JX_CHECK_REPORT_MAX) return;
    }
    if (!c->cb) return;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(text, sizeof text, fmt, ap);
    va_end(ap);
    jx_check_finding f = {
        .kind = kind, .problem = problem, .text = text, .rules = "", .rules_sha256 = ""};
    c->cb(&f, c->ctx);
}

/* A failed statement of a check is itself a finding of that check (a damaged file fails them). */
static void step_failed(chk *c, jx_check_kind kind, const char *what)
{
    char buf[JX_ERRMSG_MAX];
    st_explain(c->path, sqlite3_extended_errcode(c->db), sqlite3_system_errno(c->db),
               sqlite3_errmsg(c->db), what, buf, sizeof buf);
    note(c, kind, true, "%s", buf);
}

/* Run sql and hand each row to row(); a statement that fails is a finding of kind (a damaged
 * file fails them). */
static void each_row(chk *c, jx_check_kind kind, const char *sql, const char *what,
                     void (*row)(chk *c, sqlite3_stmt *q))
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(c->db, sql, -1, &q, NULL) != SQLITE_OK) {
        step_failed(c, kind, what);
        return;
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        row(c, q);
    if (rc != SQLITE_DONE) step_failed(c, kind, what);
    sqlite3_finalize(q);
}

/* An object of the file that none of the versions it should be creates. */
static void object_row(chk *c, sqlite3_stmt *q)
{
    const char *type = (const char *)sqlite3_column_text(q, 0);
    const char *name = (const char *)sqlite3_column_text(q, 1);
    int ov = name ? object_version(name) : 0;
    if (!ov || ov > c->want)
        note(c, JX_CHECK_SCHEMA, true, "%s %s is not one of jixiao's (schema version %d)",
             type ? type : "object", name ? name : "?", c->want);
}

/* Is the object name there? */
static void schema_object(chk *c, sqlite3_stmt *q, const char *name)
{
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE)
        note(c, JX_CHECK_SCHEMA, true, "%s is missing", name);
    else if (rc != SQLITE_ROW)
        step_failed(c, JX_CHECK_SCHEMA, name);
}

static void check_schema(chk *c, int tables)
{
    int v = c->res->version;
    if (v < 0 || v > JX_SCHEMA_VERSION)
        note(c, JX_CHECK_SCHEMA, true,
             "schema version %d (PRAGMA user_version): jixiao writes 1 to %d; the version was "
             "changed by another tool, or the file was written by a newer jixiao",
             v, JX_SCHEMA_VERSION);
    else if (v == 0 && tables != 0)
        note(c, JX_CHECK_SCHEMA, true,
             "schema version 0 (PRAGMA user_version) in a file that holds tables: the version "
             "was reset by another tool, or it is another program's database");
    if (tables > 0 && tables != v)
        note(c, JX_CHECK_SCHEMA, true,
             "its tables are those of schema version %d: if only the version number was "
             "changed, set it back with sqlite3 %s 'PRAGMA user_version = %d'",
             tables, c->path, tables);
    /* every object of the versions the file claims (or, when it claims none, seems to hold) */
    int want = v >= 1 && v <= JX_SCHEMA_VERSION ? v : tables > 0 ? tables : 0;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(c->db, "SELECT type FROM sqlite_master WHERE name = ?1", -1, &q, NULL) !=
        SQLITE_OK) {
        step_failed(c, JX_CHECK_SCHEMA, "reading the schema");
        return;
    }
    for (int k = 0; k < want; k++)
        for (const char *const *o = objects[k]; *o; o++)
            schema_object(c, q, *o);
    sqlite3_finalize(q);
    c->want = want;
    each_row(c, JX_CHECK_SCHEMA,
             "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
             "ORDER BY rowid",
             "reading the schema", object_row);
}

static void integrity_row(chk *c, sqlite3_stmt *q)
{
    const char *t = (const char *)sqlite3_column_text(q, 0);
    if (t && strcmp(t, "ok")) note(c, JX_CHECK_INTEGRITY, true, "%s", t);
}

static void foreign_key_row(chk *c, sqlite3_stmt *q)
{
    const char *table = (const char *)sqlite3_column_text(q, 0);
    const char *parent = (const char *)sqlite3_column_text(q, 2);
    if (sqlite3_column_type(q, 1) == SQLITE_NULL)
        note(c, JX_CHECK_FOREIGN_KEYS, true, "a row of %s refers to a %s row that does not exist",
             table ? table : "?", parent ? parent : "?");
    else
        note(c, JX_CHECK_FOREIGN_KEYS, true, "%s row %lld refers to a %s row that does not exist",
             table ? table : "?", (long long)sqlite3_column_int64(q, 1), parent ? parent : "?");
}

static bool sha256_hex(const void *p, size_t n, char hex[65])
{
    unsigned char md[32];
    unsigned int len = 0;
    if (!EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) || len != 32) return false;
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return true;
}

static void run_row(chk *c, sqlite3_stmt *q)
{
    int64_t id = sqlite3_column_int64(q, 0);
    const char *rules = (const char *)sqlite3_column_text(q, 1);
    const char *sha = (const char *)sqlite3_column_text(q, 2);
    const void *src = sqlite3_column_blob(q, 3);
    size_t n = (size_t)sqlite3_column_bytes(q, 3);
    int64_t claimed = sqlite3_column_int64(q, 4), held = sqlite3_column_int64(q, 5);
    rules = rules ? rules : "";
    sha = sha ? sha : "";
    c->res->runs++;
    char hex[65] = "";
    if (!sha256_hex(src ? src : "", src ? n : 0, hex))
        note(c, JX_CHECK_RUNS, true, "run %lld: SHA-256 failed", (long long)id);
    else if (strcmp(hex, sha))
        note(c, JX_CHECK_RUNS, true,
             "run %lld (rule set %s): the rule set's text kept with the run does not have the "
             "SHA-256 kept with it (%.12s…, the text has %.12s…): one was changed after the run",
             (long long)id, rules, sha, hex);
    if (claimed != held)
        note(c, JX_CHECK_RUNS, true, "run %lld: it scored %lld subjects but holds %lld",
             (long long)id, (long long)claimed, (long long)held);
    if (!c->cb) return;
    char text[300];
    jx_fmt_trunc(text, sizeof text, "run %lld: rule set %s (SHA-256 %.12s…), %lld subjects",
                 (long long)id, rules, sha, (long long)held);
    jx_check_finding f = {
        .kind = JX_CHECK_RUNS, .text = text, .run_id = id, .rules = rules, .rules_sha256 = sha};
    c->cb(&f, c->ctx);
}

jx_err jx_store_check(const char *path, jx_check_cb cb, void *ctx, jx_check_result *res,
                      jx_errmsg *msg)
{
    if (!path || !res) return jx_msg(msg, JX_ERR_INVALID, "jx_store_check: NULL argument");
    memset(res, 0, sizeof *res);
    struct stat sb;
    if (stat(path, &sb) != 0) return jx_msg(msg, JX_ERR_NOTFOUND, "%s: no such database", path);
    if (!S_ISREG(sb.st_mode)) return jx_msg(msg, JX_ERR_DB, "%s: not a database file", path);
    chk c = {.path = path, .cb = cb, .ctx = ctx, .res = res};
    jx_err e = JX_OK;
    char buf[JX_ERRMSG_MAX];
    int rc = sqlite3_open_v2(path, &c.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    sqlite3_stmt *q = NULL;
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(c.db, 1);
        sqlite3_busy_timeout(c.db, 30000);
        rc = sqlite3_prepare_v2(c.db, "PRAGMA user_version", -1, &q, NULL);
        if (rc == SQLITE_OK) rc = sqlite3_step(q);
    }
    if (rc != SQLITE_ROW) { /* not a database at all, or unreadable: nothing to check */
        if (!c.db) {
            sqlite3_finalize(q);
            return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
        }
        st_explain(path, sqlite3_extended_errcode(c.db), sqlite3_system_errno(c.db),
                   sqlite3_errmsg(c.db), "reading the schema version", buf, sizeof buf);
        e = jx_msg(msg, (rc & 0xff) == SQLITE_NOMEM ? JX_ERR_NOMEM : JX_ERR_DB, "%s", buf);
        sqlite3_finalize(q);
        sqlite3_close(c.db);
        return e;
    }
    res->version = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    int tables = st_schema_guess(c.db);
    check_schema(&c, tables);
    each_row(&c, JX_CHECK_INTEGRITY, "PRAGMA integrity_check(1000)", "integrity_check",
             integrity_row);
    if (tables != 0)
        each_row(&c, JX_CHECK_FOREIGN_KEYS, "PRAGMA foreign_key_check", "foreign_key_check",
                 foreign_key_row);
    /* the runs tables are the same in every version; when they are not there, the schema check
     * said so */
    if (sqlite3_prepare_v2(c.db,
                           "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                           "('runs', 'run_subjects')",
                           -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) == 2) {
        sqlite3_finalize(q);
        q = NULL;
        each_row(&c, JX_CHECK_RUNS,
                 "SELECT r.id, r.rules, r.rules_sha256, r.rules_source, r.subjects, "
                 "(SELECT count(*) FROM run_subjects s WHERE s.run_id = r.id) "
                 "FROM runs r ORDER BY r.id",
                 "runs", run_row);
    }
    sqlite3_finalize(q);
    sqlite3_close(c.db);
    return JX_OK;
}
