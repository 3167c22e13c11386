/*
 * store.c - open, migrate and close the SQLite store; the statement cache and
 * transaction helpers the import and run modules use; the import history.
 *
 * Schema (version 1; docs/formats.md describes it for users):
 *   imports        every import: kind, file, SHA-256, encoding, time, rows, rows replaced
 *   subjects       部门整体 or 项目: (name, project, year) is the identity; code optional
 *   targets        indicator rows; replaced_by marks rows a later import superseded
 *   actuals        实际完成值 + 偏差原因, keyed by subject and (一级, 二级, 三级)
 *   budgets        年初预算数 / 全年预算数 / 全年执行数 per subject
 *   runs           a scoring run: rule set name, SHA-256 and text
 *   run_subjects   totals, grades, flags, budget execution per subject
 *   run_indicators ratio, points, flags, method per target row, with the actual row used
 * Version 2 adds:
 *   scenarios      saved what-if scenarios: name, baseline and scenario rule-set names, selection;
 *                  a row that replaces itself (replaced_by = id) is a deletion, at its created_at
 *   scenario_items their level-1 weights and replaced actuals, in order
 * Version 3 adds the 自评表's other fields and the departments' own scores:
 *   subject_notes  主管部门, 实施单位, 年度总体目标 (预期目标) and its 实际完成情况, per subject
 *   budgets.source '' for the 年度资金总额 row; 本年财政拨款, 上年结转资金, 其他资金, 基本支出,
 *                  项目支出 for the rows under it
 *   actuals.claimed, budgets.claimed, budgets.claimed_total   自评得分 and 自评总分 as written
 *   run_subjects.budget_import   the import whose budget rows the run scored
 * Version 4 adds the index budgets_import (subject_id, import_id): a run read back with its
 * indicators reads each subject's budget rows of the import it scored, which were replaced
 * rows as often as current ones, so budgets_current could not serve it: every subject scanned
 * the whole table (`jixiao review` of 8,000 subjects: 4.6 s, 0.4 s with the index).
 */
#include "keep/store_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util_int.h"

#define BUSY_TIMEOUT_MS 30000

static const char *const sql_text[S__COUNT] = {
    [S_IMPORT_INSERT] = "INSERT INTO imports(kind, file, sha256, encoding) VALUES (?1, ?2, ?3, ?4)",
    [S_IMPORT_FINISH] = "UPDATE imports SET rows = ?2, replaced = ?3 WHERE id = ?1",
    [S_IMPORT_FILE] = "SELECT file FROM imports WHERE id = ?1",
    [S_SUBJECT_FIND] =
        "SELECT id, code FROM subjects WHERE name = ?1 AND project = ?2 AND year = ?3",
    [S_SUBJECT_INSERT] = "INSERT INTO subjects(code, name, project, year) VALUES (?1, ?2, ?3, ?4)",
    [S_SUBJECT_INSERT_ID] =
        "INSERT INTO subjects(id, code, name, project, year) VALUES (?5, ?1, ?2, ?3, ?4)",
    [S_SUBJECTS_ALL] = "SELECT id, code, name, project, year FROM subjects",
    [S_SUBJECT_SETCODE] = "UPDATE subjects SET code = ?2 WHERE id = ?1",
    [S_TARGETS_REPLACE] =
        "UPDATE targets SET replaced_by = ?2 WHERE subject_id = ?1 AND replaced_by IS NULL",
    [S_TARGET_INSERT] =
        "INSERT INTO targets(subject_id, import_id, line, seq, level1, level2, level3, op, target, "
        "unit, weight, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [S_TARGETS_OF] = "SELECT level1, level2, level3, op, target, unit FROM targets "
                     "WHERE subject_id = ?1 AND replaced_by IS NULL ORDER BY seq",
    [S_ACTUALS_ANY] = "SELECT 1 FROM actuals WHERE subject_id = ?1 AND replaced_by IS NULL LIMIT 1",
    [S_ACTUAL_REPLACE] =
        "UPDATE actuals SET replaced_by = ?5 WHERE subject_id = ?1 AND level3 = ?4 AND level1 = ?2 "
        "AND level2 = ?3 AND replaced_by IS NULL",
    [S_ACTUAL_INSERT] =
        "INSERT INTO actuals(subject_id, import_id, line, level1, level2, level3, actual, reason, "
        "claimed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_BUDGET_REPLACE] =
        "UPDATE budgets SET replaced_by = ?2 WHERE subject_id = ?1 AND replaced_by IS NULL",
    [S_BUDGET_INSERT] = "INSERT INTO budgets(subject_id, import_id, line, initial, budget, spent, "
                        "source, claimed, claimed_total) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_NOTE_REPLACE] =
        "UPDATE subject_notes SET replaced_by = ?3 WHERE subject_id = ?1 AND field = ?2 "
        "AND replaced_by IS NULL",
    [S_NOTE_INSERT] = "INSERT INTO subject_notes(subject_id, import_id, field, value) "
                      "VALUES (?1, ?2, ?3, ?4)",
    [S_NOTES_OF] = "SELECT field, value FROM subject_notes WHERE subject_id = ?1 "
                   "AND replaced_by IS NULL",
    [S_MONEY_OF] = "SELECT source, initial, budget, spent, claimed, claimed_total FROM budgets "
                   "WHERE subject_id = ?1 AND import_id = ?2 ORDER BY id",
    [S_HISTORY] = "SELECT id, kind, file, sha256, encoding, imported_at, rows, replaced FROM "
                  "imports ORDER BY id",
    [S_RUN_INSERT] =
        "INSERT INTO runs(rules, rules_sha256, rules_source, label) VALUES (?1, ?2, ?3, ?4)",
    [S_RUN_FINISH] = "UPDATE runs SET subjects = ?2, indicators = ?3 WHERE id = ?1",
    [S_RUN_SUBJECT_INSERT] = "INSERT INTO run_subjects(run_id, subject_id, total, grade, flags, "
                             "weight_sum, points_sum, ind_weight, "
                             "ind_points, budget_scored, budget_initial, budget, spent, "
                             "budget_rate, budget_weight, budget_points, "
                             "nscored, nna, budget_import) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                             "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
    [S_RUN_IND_INSERT] =
        "INSERT INTO run_indicators(run_id, subject_id, seq, target_id, actual_id, scored, method, "
        "weight, ratio, points, a, t, detail, flags) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    /* every current target with its current actual, subject by subject, in table order */
    [S_SCORE_ROWS] =
        "SELECT s.id, s.code, s.name, s.project, s.year, t.id, t.level1, t.level2, t.level3, t.op, "
        "t.target, "
        "t.unit, t.weight, a.id, a.actual, a.reason, a.import_id, a.line "
        "FROM subjects s JOIN targets t ON t.subject_id = s.id AND t.replaced_by IS NULL "
        "LEFT JOIN actuals a INDEXED BY actuals_current ON a.subject_id = s.id AND a.level3 = "
        "t.level3 "
        "AND a.level1 = t.level1 AND a.level2 = t.level2 AND a.replaced_by IS NULL "
        "ORDER BY s.id, t.seq",
    [S_BUDGET_OF] = "SELECT initial, budget, spent, import_id FROM budgets WHERE subject_id = ?1 "
                    "AND replaced_by IS NULL AND source = ''",
    [S_RUN_INFO] = "SELECT id, created_at, rules, rules_sha256, subjects, indicators, label FROM "
                   "runs WHERE id = ?1",
    [S_RUN_LATEST] = "SELECT max(id) FROM runs",
    [S_RUN_LIST] = "SELECT r.id, r.created_at, r.rules, r.rules_sha256, r.subjects, r.indicators, "
                   "r.label, (SELECT avg(total) FROM run_subjects WHERE run_id = r.id) "
                   "FROM runs r ORDER BY r.id",
    [S_RUN_SUBJECTS] = "SELECT r.subject_id, s.code, s.name, s.project, s.year, r.total, r.grade, "
                       "r.flags, r.weight_sum, "
                       "r.points_sum, r.ind_weight, r.ind_points, r.budget_scored, "
                       "r.budget_initial, r.budget, r.spent, "
                       "r.budget_rate, r.budget_weight, r.budget_points, r.nscored, r.nna, "
                       "r.budget_import "
                       "FROM run_subjects r JOIN subjects s ON s.id = r.subject_id WHERE r.run_id "
                       "= ?1 ORDER BY r.subject_id",
    [S_RUN_INDICATORS] =
        "SELECT t.level1, t.level2, t.level3, t.op, t.target, t.unit, t.note, a.actual, a.reason, "
        "i.scored, i.method, "
        "i.weight, i.ratio, i.points, i.a, i.t, i.detail, i.flags, t.weight IS NOT NULL, s.year, "
        "a.claimed, i.target_id, i.actual_id "
        "FROM run_indicators i JOIN targets t ON t.id = i.target_id JOIN subjects s ON s.id = "
        "i.subject_id "
        "LEFT JOIN actuals a ON a.id = i.actual_id "
        "WHERE i.run_id = ?1 AND i.subject_id = ?2 ORDER BY i.seq",
    /* saved what-if scenarios (schema 2); a name saved again replaces (and keeps) the older one */
    [S_SCENARIO_FIND] = "SELECT id, name, created_at, base_rules, rules, year, kind FROM scenarios "
                        "WHERE name = ?1 AND replaced_by IS NULL ORDER BY id DESC LIMIT 1",
    [S_SCENARIO_INSERT] =
        "INSERT INTO scenarios(name, base_rules, rules, year, kind) VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_SCENARIO_REPLACE] = "UPDATE scenarios SET replaced_by = ?2 WHERE name = ?1 AND replaced_by "
                           "IS NULL AND id <> ?2",
    [S_SCENARIO_ITEM_INSERT] =
        "INSERT INTO scenario_items(scenario_id, seq, kind, level1, weight, dept, project, "
        "level3, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_SCENARIO_ITEMS] =
        "SELECT kind, level1, weight, dept, project, level3, value FROM scenario_items "
        "WHERE scenario_id = ?1 ORDER BY seq",
    [S_SCENARIO_LIST] =
        "SELECT s.id, s.name, s.created_at, s.base_rules, s.rules, s.year, s.kind, "
        "(SELECT count(*) FROM scenario_items i WHERE i.scenario_id = s.id AND i.kind = 'weight'), "
        "(SELECT count(*) FROM scenario_items i WHERE i.scenario_id = s.id AND i.kind = 'set') "
        "FROM scenarios s WHERE s.replaced_by IS NULL ORDER BY s.name, s.id",
    /* whatif --delete: the deletion's own row replaces itself (S_SCENARIO_REPLACE marked the
     * scenario replaced by it) */
    [S_SCENARIO_DELETED] = "UPDATE scenarios SET replaced_by = id WHERE id = ?1",
};

/* Migrations: schema[v] takes user_version v to v + 1. */
static const char *const schema[] = {
    "CREATE TABLE imports(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('targets', 'actuals', 'budget')),\n"
    "  file TEXT NOT NULL,\n"
    "  sha256 TEXT NOT NULL,\n"
    "  encoding TEXT NOT NULL DEFAULT '',\n"
    "  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),\n"
    "  rows INTEGER NOT NULL DEFAULT 0,\n"
    "  replaced INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE subjects(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL DEFAULT '',\n"
    "  name TEXT NOT NULL,\n"
    "  project TEXT NOT NULL DEFAULT '',\n"
    "  year INTEGER NOT NULL,\n"
    "  UNIQUE (name, project, year));\n"
    "CREATE TABLE targets(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  subject_id INTEGER NOT NULL REFERENCES subjects(id),\n"
    "  import_id INTEGER NOT NULL REFERENCES imports(id),\n"
    "  line INTEGER NOT NULL,\n"
    "  seq INTEGER NOT NULL,\n"
    "  level1 TEXT NOT NULL, level2 TEXT NOT NULL, level3 TEXT NOT NULL,\n"
    "  op TEXT NOT NULL DEFAULT '', target TEXT NOT NULL, unit TEXT NOT NULL DEFAULT '',\n"
    "  weight REAL, note TEXT NOT NULL DEFAULT '',\n"
    "  replaced_by INTEGER REFERENCES imports(id));\n"
    "CREATE INDEX targets_current ON targets(subject_id, seq) WHERE replaced_by IS NULL;\n"
    "CREATE TABLE actuals(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  subject_id INTEGER NOT NULL REFERENCES subjects(id),\n"
    "  import_id INTEGER NOT NULL REFERENCES imports(id),\n"
    "  line INTEGER NOT NULL,\n"
    "  level1 TEXT NOT NULL, level2 TEXT NOT NULL, level3 TEXT NOT NULL,\n"
    "  actual TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',\n"
    "  replaced_by INTEGER REFERENCES imports(id));\n"
    "CREATE INDEX actuals_current ON actuals(subject_id, level3) WHERE replaced_by IS NULL;\n"
    "CREATE TABLE budgets(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  subject_id INTEGER NOT NULL REFERENCES subjects(id),\n"
    "  import_id INTEGER NOT NULL REFERENCES imports(id),\n"
    "  line INTEGER NOT NULL,\n"
    "  initial REAL, budget REAL NOT NULL, spent REAL NOT NULL,\n"
    "  replaced_by INTEGER REFERENCES imports(id));\n"
    "CREATE INDEX budgets_current ON budgets(subject_id) WHERE replaced_by IS NULL;\n"
    "CREATE TABLE runs(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),\n"
    "  rules TEXT NOT NULL, rules_sha256 TEXT NOT NULL, rules_source TEXT NOT NULL,\n"
    "  label TEXT NOT NULL DEFAULT '',\n"
    "  subjects INTEGER NOT NULL DEFAULT 0, indicators INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE run_subjects(\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(id),\n"
    "  subject_id INTEGER NOT NULL REFERENCES subjects(id),\n"
    "  total REAL NOT NULL, grade TEXT NOT NULL, flags INTEGER NOT NULL,\n"
    "  weight_sum REAL NOT NULL, points_sum REAL NOT NULL, ind_weight REAL NOT NULL, ind_points "
    "REAL NOT NULL,\n"
    "  budget_scored INTEGER NOT NULL, budget_initial REAL, budget REAL, spent REAL,\n"
    "  budget_rate REAL, budget_weight REAL, budget_points REAL,\n"
    "  nscored INTEGER NOT NULL, nna INTEGER NOT NULL,\n"
    "  PRIMARY KEY (run_id, subject_id)) WITHOUT ROWID;\n"
    "CREATE TABLE run_indicators(\n"
    "  run_id INTEGER NOT NULL, subject_id INTEGER NOT NULL, seq INTEGER NOT NULL,\n"
    "  target_id INTEGER NOT NULL REFERENCES targets(id),\n"
    "  actual_id INTEGER REFERENCES actuals(id),\n"
    "  scored INTEGER NOT NULL, method INTEGER NOT NULL,\n"
    "  weight REAL NOT NULL, ratio REAL NOT NULL, points REAL NOT NULL, a REAL, t REAL,\n"
    "  detail INTEGER NOT NULL, flags INTEGER NOT NULL,\n"
    "  PRIMARY KEY (run_id, subject_id, seq),\n"
    "  FOREIGN KEY (run_id, subject_id) REFERENCES run_subjects(run_id, subject_id)) WITHOUT "
    "ROWID;\n",
    /* 1 → 2: saved what-if scenarios (jixiao whatif --save); version-1 files gain the two tables */
    "CREATE TABLE scenarios(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),\n"
    "  base_rules TEXT NOT NULL DEFAULT '',\n"
    "  rules TEXT NOT NULL DEFAULT '',\n"
    "  year INTEGER NOT NULL DEFAULT 0,\n"
    "  kind INTEGER NOT NULL DEFAULT 0,\n"
    "  replaced_by INTEGER REFERENCES scenarios(id));\n"
    "CREATE INDEX scenarios_current ON scenarios(name) WHERE replaced_by IS NULL;\n"
    "CREATE TABLE scenario_items(\n"
    "  scenario_id INTEGER NOT NULL REFERENCES scenarios(id),\n"
    "  seq INTEGER NOT NULL,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('weight', 'set')),\n"
    "  level1 TEXT, weight REAL,\n"
    "  dept TEXT, project TEXT, level3 TEXT, value TEXT,\n"
    "  PRIMARY KEY (scenario_id, seq)) WITHOUT ROWID;\n",
    /* 2 → 3: the 自评表's other fields and the departments' own scores (自评得分) */
    "CREATE TABLE subject_notes(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  subject_id INTEGER NOT NULL REFERENCES subjects(id),\n"
    "  import_id INTEGER NOT NULL REFERENCES imports(id),\n"
    "  field TEXT NOT NULL CHECK (field IN ('admin_dept', 'implementer', 'goal', 'goal_result')),\n"
    "  value TEXT NOT NULL,\n"
    "  replaced_by INTEGER REFERENCES imports(id));\n"
    "CREATE INDEX subject_notes_current ON subject_notes(subject_id) WHERE replaced_by IS NULL;\n"
    "ALTER TABLE budgets ADD COLUMN source TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE budgets ADD COLUMN claimed REAL;\n"
    "ALTER TABLE budgets ADD COLUMN claimed_total REAL;\n"
    "ALTER TABLE actuals ADD COLUMN claimed REAL;\n"
    "ALTER TABLE run_subjects ADD COLUMN budget_import INTEGER;\n",
    /* 3 → 4: a run's budget rows by subject and import (S_MONEY_OF) */
    "CREATE INDEX IF NOT EXISTS budgets_import ON budgets(subject_id, import_id);\n",
};
_Static_assert(sizeof schema / sizeof *schema == JX_SCHEMA_VERSION,
               "one migration per schema version");

jx_err st_fail(jx_store *st, jx_err err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(st->errmsg, sizeof st->errmsg, fmt, ap);
    va_end(ap);
    return err;
}

/* The explanation of the connection's last error (st_explain) into st->errmsg. */
static jx_err explain(jx_store *st, int rc, const char *sqlmsg, const char *what)
{
    st->failed = true;
    st->busy = (rc & 0xff) == SQLITE_BUSY; /* jx_store_open() retries its set-up then */
    st_explain(st->path ? st->path : "the database", rc, sqlite3_system_errno(st->db), sqlmsg, what,
               st->errmsg, sizeof st->errmsg);
    return (rc & 0xff) == SQLITE_NOMEM ? JX_ERR_NOMEM : JX_ERR_DB;
}

jx_err st_dberr(jx_store *st, const char *what)
{
    if (!st->db) return st_fail(st, JX_ERR_DB, "%s: no database", what);
    return explain(st, sqlite3_extended_errcode(st->db), sqlite3_errmsg(st->db), what);
}

bool st_broken(const jx_store *st)
{
    return st->in_tx && (st->failed || sqlite3_get_autocommit(st->db));
}

sqlite3_stmt *st_stmt(jx_store *st, st_id id)
{
    /* A statement after a failed one would run outside the transaction, on its own, if SQLite
     * rolled the transaction back (an I/O error, a full disk): it is never handed out. */
    if (st->in_tx && sqlite3_get_autocommit(st->db)) {
        st->failed = true;
        st_fail(st, JX_ERR_DB, "%s: the transaction was rolled back after an earlier error",
                st->path ? st->path : "the database");
        return NULL;
    }
    sqlite3_stmt *s = st->stmt[id];
    if (s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return s;
    }
    if (sqlite3_prepare_v3(st->db, sql_text[id], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[id],
                           NULL) != SQLITE_OK) {
        st_dberr(st, "prepare");
        return NULL;
    }
    return st->stmt[id];
}

int st_bind_text(sqlite3_stmt *s, int i, const char *text)
{
    return sqlite3_bind_text(s, i, text ? text : "", -1, SQLITE_STATIC);
}

static jx_err exec(jx_store *st, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) {
        st->busy = (rc & 0xff) == SQLITE_BUSY;
        rc = sqlite3_extended_errcode(st->db);
        jx_err e = explain(st, rc, err ? err : sqlite3_errmsg(st->db),
                           strlen(sql) < 40 ? sql : "upgrading the schema");
        sqlite3_free(err);
        return e;
    }
    return JX_OK;
}

/* after a bulk transaction: foreign keys are enforced again for every other write */
static void end_bulk(jx_store *st)
{
    if (!st->bulk) return;
    st->bulk = false;
    sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
}

jx_err st_begin(jx_store *st)
{
    if (st->in_tx) return st_fail(st, JX_ERR_INVALID, "a transaction is already open");
    jx_err e = exec(st, "BEGIN IMMEDIATE");
    if (e == JX_OK) st->in_tx = true;
    st->failed = false;
    return e;
}

jx_err st_begin_bulk(jx_store *st)
{
    if (st->in_tx) return st_fail(st, JX_ERR_INVALID, "a transaction is already open");
    jx_err e = exec(st, "PRAGMA foreign_keys = OFF"); /* only outside a transaction */
    if (e) return e;
    st->bulk = true;
    e = st_begin(st);
    if (e) end_bulk(st);
    return e;
}

jx_err st_commit(jx_store *st)
{
    /* SQLite rolls a transaction back by itself on some errors (I/O, a full disk): then the
     * writes after it were not part of it, and COMMIT would seal whatever they left. */
    if (st->in_tx && sqlite3_get_autocommit(st->db)) {
        st_fail(st, JX_ERR_DB,
                "%s: the transaction was rolled back after an earlier error; nothing written",
                st->path ? st->path : "the database");
        st_rollback(st);
        return JX_ERR_DB;
    }
    if (st->in_tx && st->failed) {
        st_rollback(st);
        return JX_ERR_DB; /* the message of the failed statement stays */
    }
    jx_err e = exec(st, "COMMIT");
    if (e) {
        st_rollback(st);
        return e;
    }
    st->in_tx = false;
    end_bulk(st);
    return JX_OK;
}

void st_rollback(jx_store *st)
{
    if (!st->in_tx) return;
    for (int i = 0; i < S__COUNT; i++)
        if (st->stmt[i]) sqlite3_reset(st->stmt[i]); /* a pending read would block ROLLBACK */
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_tx = false;
    end_bulk(st);
}

static jx_err read_version(jx_store *st, int *version)
{
    sqlite3_stmt *s;
    *version = 0;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return st_dberr(st, "reading the schema version");
    int rc = sqlite3_step(s);
    jx_err e = JX_OK;
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int(s, 0);
    else
        e = st_dberr(st, "reading the schema version");
    sqlite3_finalize(s);
    return e;
}

/* Is version a state this jixiao can open or upgrade, given the tables the file holds? A
 * negative version, or tables that are not those of the version (user_version reset to 0 by a
 * tool, another program's database), is refused with what to do: the file is left alone. */
static jx_err check_version(jx_store *st, int version)
{
    int latest = (int)(sizeof schema / sizeof *schema);
    const char *p = st->path;
    if (version > latest)
        return st_fail(
            st, JX_ERR_DB,
            "%s: the database has schema version %d; this jixiao knows up to %d: upgrade jixiao", p,
            version, latest);
    int tables = st_schema_guess(st->db);
    if (version >= 0 && tables == version) return JX_OK; /* as written, or a new empty file */
    if (tables < 0)
        return st_fail(st, JX_ERR_DB,
                       "%s: not a jixiao database: it holds tables that are not jixiao's, or only "
                       "some of them (schema version %d); the file is left as it is: give jixiao "
                       "a file of its own, or restore this one from a backup",
                       p, version);
    if (tables == 0)
        return st_fail(st, JX_ERR_DB,
                       "%s: the database has schema version %d (PRAGMA user_version) but no "
                       "tables; the file is left as it is: delete it, or use another file",
                       p, version);
    char what[120];
    if (version < 0)
        jx_fmt_trunc(what, sizeof what, "which no jixiao writes");
    else
        jx_fmt_trunc(what, sizeof what, "but its tables are those of version %d", tables);
    return st_fail(st, JX_ERR_DB,
                   "%s: the database has schema version %d (PRAGMA user_version), %s: a tool "
                   "changed the version, and the file is left as it is; if it is a jixiao "
                   "database of version %d, set the version back with sqlite3 %s 'PRAGMA "
                   "user_version = %d', then run 'jixiao --db %s check'",
                   p, version, what, tables, p, tables, p);
}

/* The schema version, checked against the tables (check_version) in one snapshot: another
 * process may be creating the tables meanwhile (a version read before its commit and tables
 * read after it would look tampered with). */
static jx_err read_checked_version(jx_store *st, int *version)
{
    bool own_tx = !st->in_tx;
    if (own_tx && exec(st, "BEGIN")) return JX_ERR_DB;
    jx_err e = read_version(st, version);
    if (!e && *version != JX_SCHEMA_VERSION) e = check_version(st, *version);
    if (own_tx) sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL); /* it only read */
    return e;
}

static jx_err migrate(jx_store *st)
{
    int version;
    jx_err e = read_checked_version(st, &version);
    if (e) return e;
    int latest = (int)(sizeof schema / sizeof *schema);
    if (version == latest) return JX_OK;
    if ((e = st_begin(st))) return e;
    /* Another process may have migrated while this one waited for the write
     * lock (two first imports into a new file): read the version again. */
    if ((e = read_checked_version(st, &version))) {
        st_rollback(st);
        return e;
    }
    if (version == latest) {
        st_rollback(st);
        return JX_OK;
    }
    /* check_version() allows only 0 <= version < latest here: schema[version] exists */
    for (int v = version; v < latest; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if ((e = exec(st, schema[v])) || (e = exec(st, pragma))) {
            st_rollback(st);
            return e;
        }
    }
    return st_commit(st);
}

jx_err jx_store_open(const char *path, jx_store **out, jx_errmsg *msg)
{
    if (!out || !path) return jx_msg(msg, JX_ERR_INVALID, "jx_store_open: NULL argument");
    *out = NULL;
    jx_store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        free(st);
        return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    }
    jx_err e = JX_OK;
    if (sqlite3_open_v2(path, &st->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        e = st_dberr(st, NULL);
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
    /* WAL lets readers go on while an import writes; foreign keys guard the links. */
    if ((e = exec(st, "PRAGMA foreign_keys = ON"))) goto fail;
    /* Several processes opening a new file at once: switching it to WAL needs an exclusive
     * lock, and SQLite answers SQLITE_BUSY at once, without the busy handler, where waiting
     * could deadlock (8 of 4,000 processes failed in 1,000 rounds of 4 first imports).
     * Retry the set-up, for up to the busy timeout. */
    for (int waited = 0;; waited += 10) {
        st->busy = false;
        int version;
        /* A file no jixiao could have written (another program's database, a tampered version)
         * is refused before anything is changed, the journal mode included. */
        if (!(e = read_checked_version(st, &version)) &&
            !(e = exec(st, "PRAGMA journal_mode = WAL")) &&
            !(e = exec(st, "PRAGMA synchronous = FULL")))
            e = migrate(st);
        if (!e || !st->busy || waited >= BUSY_TIMEOUT_MS) break;
        sqlite3_sleep(10);
    }
    if (e) goto fail;
    *out = st;
    return JX_OK;
fail:
    jx_msg(msg, e, "%s", st->errmsg); /* it names the database */
    jx_store_close(st);
    return e;
}

void jx_store_close(jx_store *st)
{
    if (!st) return;
    st_writer_stop(st);
    st_rollback(st);
    for (int i = 0; i < S__COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    sqlite3_close(st->db);
    free(st->code);
    free(st->path);
    free(st);
}

const char *jx_store_errmsg(const jx_store *st)
{
    return st ? st->errmsg : "no store";
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

jx_err jx_store_history(jx_store *st, jx_import_cb cb, void *ctx)
{
    if (!st || !cb) return JX_ERR_INVALID;
    sqlite3_stmt *s = st_stmt(st, S_HISTORY);
    if (!s) return JX_ERR_DB;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        jx_import_info info = {
            .id = sqlite3_column_int64(s, 0),
            .kind = col_text(s, 1),
            .file = col_text(s, 2),
            .sha256 = col_text(s, 3),
            .encoding = col_text(s, 4),
            .at = col_text(s, 5),
            .rows = sqlite3_column_int64(s, 6),
            .replaced = sqlite3_column_int64(s, 7),
        };
        if (cb(&info, ctx)) break;
    }
    jx_err e = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? JX_OK : st_dberr(st, "history");
    sqlite3_reset(s);
    return e;
}
