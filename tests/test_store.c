/*
 * test_store.c - the store's guards (issue 21): a transaction SQLite rolled back is never
 * written on in autocommit mode, schema versions no jixiao writes are refused without a byte
 * changed, jx_store_check() finds what was tampered with; and the helpers under them:
 * jx_number_ungroup() (the value grammar's thousands separators, checked against
 * jx_value_parse() itself) and the output files of util/outfile.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jixiao/import.h"
#include "jixiao/store.h"
#include "jixiao/value.h"
#include "keep/store_int.h"
#include "util/outfile_int.h"
#include "util/util_int.h"

static char g_dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/jx-test-store.XXXXXX");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void path_in(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", g_dir, name);
}

/* ---- jx_number_ungroup: the same verdict as the value grammar ---- */

static void test_ungroup(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out; /* out NULL: refused */
    } cases[] = {
        {"2,016.47", "2016.47"},
        {"1,000", "1000"},
        {"12,345,678.9", "12345678.9"},
        {"-1,000", "-1000"},
        {"+999,999", "+999999"},
        {"1,000%", "1000%"},
        {"4.9e-324", "4.9e-324"},
        {"2016.47", "2016.47"},
        {"2016,47", NULL}, /* a decimal comma: was read as 201647 */
        {"1,5", NULL},     /* was 15 */
        {"5,0", NULL},     /* was 50 */
        {"1,0000", NULL},
        {"1234,567", NULL},
        {"1,00,000", NULL}, /* lakh grouping */
        {",100", NULL},
        {"100,", NULL},
        {"1.000,5", NULL},
        {"1e1,000", NULL},
        {"12,5%", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[64];
        const char *why = jx_number_ungroup(cases[i].in, buf, sizeof buf);
        if (cases[i].out) {
            assert_null(why);
            assert_string_equal(buf, cases[i].out);
        } else {
            assert_non_null(why);
            assert_string_equal(why, "bad thousands separator");
        }
        /* the value grammar (jixiao value) reads the same number, or none: refused with "bad
         * thousands separator", or as text after a number, or as a word (",100") */
        if (!strchr(cases[i].in, ',')) continue;
        jx_value v;
        jx_errmsg msg;
        jx_err e = jx_value_parse(cases[i].in, strlen(cases[i].in), &v, &msg);
        if (cases[i].out) {
            assert_int_equal(e, JX_OK);
            assert_int_equal(v.kind, JX_KIND_NUMBER);
            assert_true(v.num == strtod(cases[i].out, NULL) ||
                        v.num == -strtod(cases[i].out, NULL)); /* (the sign may be an operator) */
        } else {
            assert_true(e != JX_OK || v.kind != JX_KIND_NUMBER);
        }
    }
    char small[4];
    assert_string_equal(jx_number_ungroup("12345", small, sizeof small), "too long");
}

/* ---- a transaction SQLite rolled back by itself ---- */

static void test_rolled_back_transaction(void **state)
{
    (void)state;
    jx_store *st = NULL;
    jx_errmsg msg;
    assert_int_equal(jx_store_open(":memory:", &st, &msg), JX_OK);
    assert_int_equal(st_begin(st), JX_OK);
    assert_false(st_broken(st));
    sqlite3_stmt *q = st_stmt(st, S_SUBJECT_INSERT);
    assert_non_null(q);
    st_bind_text(q, 1, "");
    st_bind_text(q, 2, "部门");
    st_bind_text(q, 3, "");
    sqlite3_bind_int(q, 4, 2024);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    /* what SQLite does on an I/O error or a full disk: the transaction is gone, the
     * connection is in autocommit mode again */
    sqlite3_reset(q);
    assert_int_equal(sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    assert_true(st_broken(st));
    /* no statement is handed out: it would be committed on its own */
    assert_null(st_stmt(st, S_SUBJECT_INSERT));
    assert_non_null(strstr(jx_store_errmsg(st), "rolled back after an earlier error"));
    assert_int_equal(st_commit(st), JX_ERR_DB);
    assert_non_null(strstr(jx_store_errmsg(st), "nothing written"));
    /* nothing of it is there, and the store works again */
    q = st_stmt(st, S_SUBJECT_FIND);
    assert_non_null(q);
    st_bind_text(q, 1, "部门");
    st_bind_text(q, 2, "");
    sqlite3_bind_int(q, 3, 2024);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_reset(q);
    jx_store_close(st);
}

/* A failed statement also stops a commit (st_dberr marks the transaction). */
static void test_failed_statement_blocks_commit(void **state)
{
    (void)state;
    jx_store *st = NULL;
    assert_int_equal(jx_store_open(":memory:", &st, NULL), JX_OK);
    assert_int_equal(st_begin(st), JX_OK);
    assert_int_equal(sqlite3_exec(st->db, "INSERT INTO nosuchtable VALUES (1)", NULL, NULL, NULL),
                     SQLITE_ERROR);
    assert_int_equal(st_dberr(st, "test"), JX_ERR_DB);
    assert_non_null(strstr(jx_store_errmsg(st), ":memory:: no such table: nosuchtable (test)"));
    assert_true(st_broken(st));
    assert_int_equal(st_commit(st), JX_ERR_DB);
    assert_false(st->in_tx);
    jx_store_close(st);
}

/* ---- schema versions ---- */

static void read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    *data = malloc(*len ? *len : 1);
    assert_non_null(*data);
    assert_int_equal(fread(*data, 1, *len, f), *len);
    fclose(f);
}

static void set_version(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_versions_refused(void **state)
{
    (void)state;
    char path[128];
    path_in(path, sizeof path, "v.db");
    static const struct {
        const char *sql, *want;
    } cases[] = {
        {"PRAGMA user_version = -1",
         "schema version -1 (PRAGMA user_version), which no jixiao writes"},
        {"PRAGMA user_version = -2147483648", "schema version -2147483648"},
        {"PRAGMA user_version = 5", "schema version 5; this jixiao knows up to 4: upgrade jixiao"},
        {"PRAGMA user_version = 0", "but its tables are those of version 4"},
        {"PRAGMA user_version = 1", "but its tables are those of version 4"},
        {"DROP TABLE scenario_items", "not a jixiao database"}, /* version 4, a table gone */
        {"CREATE TABLE mine(x); PRAGMA user_version = 1", "not a jixiao database"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        unlink(path);
        jx_store *st = NULL;
        assert_int_equal(jx_store_open(path, &st, NULL), JX_OK);
        jx_store_close(st);
        set_version(path, cases[i].sql);
        char *before, *after;
        size_t nb, na;
        read_file(path, &before, &nb);
        jx_errmsg msg;
        jx_err e = jx_store_open(path, &st, &msg);
        if (i == 5) { /* the latest version is not looked at on open (jixiao check does) */
            assert_int_equal(e, JX_OK);
            jx_store_close(st);
            jx_check_result res;
            assert_int_equal(jx_store_check(path, NULL, NULL, &res, &msg), JX_OK);
            assert_int_equal(res.problems[JX_CHECK_SCHEMA], 1);
            free(before);
            continue;
        }
        assert_int_equal(e, JX_ERR_DB);
        assert_null(st);
        if (!strstr(msg.text, cases[i].want)) fail_msg("%s: got %s", cases[i].sql, msg.text);
        read_file(path, &after, &na);
        assert_true(nb == na && !memcmp(before, after, nb)); /* not a byte changed */
        free(before);
        free(after);
    }
}

/* ---- jx_store_check ---- */

static void on_finding(const jx_check_finding *f, void *ctx)
{
    int *runs = ctx;
    if (!f->problem && f->kind == JX_CHECK_RUNS) {
        (*runs)++;
        assert_string_equal(f->rules, "mof-2020");
        assert_int_equal(strlen(f->rules_sha256), 64);
    }
}

static void test_check(void **state)
{
    (void)state;
    char path[128];
    path_in(path, sizeof path, "c.db");
    unlink(path);
    jx_store *st = NULL;
    assert_int_equal(jx_store_open(path, &st, NULL), JX_OK);
    assert_int_equal(
        jx_import_file(st, JX_IMPORT_TARGETS, JX_FIXTURES_DIR "/demo/targets.csv", NULL, NULL),
        JX_OK);
    jx_store_close(st);
    jx_check_result res;
    jx_errmsg msg;
    int runs = 0;
    assert_int_equal(jx_store_check(path, on_finding, &runs, &res, &msg), JX_OK);
    assert_int_equal(res.total, 0);
    assert_int_equal(res.version, JX_SCHEMA_VERSION);
    set_version(path,
                "PRAGMA foreign_keys = OFF; "
                "INSERT INTO targets(subject_id, import_id, line, seq, level1, level2, level3, "
                "target) VALUES (999, 998, 1, 1, 'a', 'b', 'c', '1'); "
                "INSERT INTO runs(rules, rules_sha256, rules_source) VALUES ('mof-2020', "
                "'0000000000000000000000000000000000000000000000000000000000000000', 'x');");
    assert_int_equal(jx_store_check(path, on_finding, &runs, &res, &msg), JX_OK);
    assert_int_equal(res.problems[JX_CHECK_FOREIGN_KEYS], 2); /* the subject and the import */
    assert_int_equal(res.problems[JX_CHECK_RUNS], 1);
    assert_int_equal(res.problems[JX_CHECK_SCHEMA], 0);
    assert_int_equal(res.problems[JX_CHECK_INTEGRITY], 0);
    assert_int_equal(res.total, 3);
    assert_int_equal(res.runs, 1);
    assert_int_equal(runs, 1);
    path_in(path, sizeof path, "none.db");
    assert_int_equal(jx_store_check(path, NULL, NULL, &res, &msg), JX_ERR_NOTFOUND);
}

/* ---- output files ---- */

static size_t entries(void)
{
    DIR *d = opendir(g_dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static void write_through(const jx_outfile *f, const char *text)
{
    FILE *w = fopen(f->io, "wb");
    assert_non_null(w);
    fputs(text, w);
    assert_int_equal(fclose(w), 0);
}

static void test_outfile(void **state)
{
    (void)state;
    char sub[128];
    path_in(sub, sizeof sub, "out");
    assert_int_equal(mkdir(sub, 0700), 0);
    char path[256], link[256], cmd[300];
    snprintf(path, sizeof path, "%s/book.xlsx", sub);
    jx_outfile f;
    jx_errmsg msg;
    /* a failed write leaves nothing, not even the temporary file */
    size_t before = entries();
    assert_int_equal(jx_outfile_open(&f, path, &msg), JX_OK);
    assert_non_null(strstr(f.tmp, "book.xlsx.part-"));
    write_through(&f, "half");
    assert_int_equal(jx_outfile_close(&f, false, &msg), JX_OK);
    assert_int_equal(access(path, F_OK), -1);
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", sub);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(entries(), before);
    /* a whole write replaces the file and keeps its mode */
    FILE *o = fopen(path, "w");
    assert_non_null(o);
    fputs("old", o);
    fclose(o);
    assert_int_equal(chmod(path, 0604), 0);
    assert_int_equal(jx_outfile_open(&f, path, &msg), JX_OK);
    write_through(&f, "new");
    assert_int_equal(jx_outfile_close(&f, true, &msg), JX_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0604);
    assert_int_equal(sb.st_size, 3);
    /* one's own link: the file it names is replaced, the link stays */
    snprintf(link, sizeof link, "%s/link.xlsx", sub);
    assert_int_equal(symlink("book.xlsx", link), 0);
    assert_int_equal(jx_outfile_open(&f, link, &msg), JX_OK);
    assert_string_equal(f.final, path);
    write_through(&f, "newer");
    assert_int_equal(jx_outfile_close(&f, true, &msg), JX_OK);
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 5);
    /* a folder is refused */
    assert_int_equal(jx_outfile_open(&f, sub, &msg), JX_ERR_IO);
    assert_non_null(strstr(msg.text, "it is a folder"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ungroup),
        cmocka_unit_test(test_rolled_back_transaction),
        cmocka_unit_test(test_failed_statement_blocks_commit),
        cmocka_unit_test(test_versions_refused),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_outfile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
