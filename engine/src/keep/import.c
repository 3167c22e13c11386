/*
 * import.c - CSV/TSV files into the store, one transaction per file.
 *
 * Every row is checked (keys, years, numbers, value strings, duplicates, that
 * an actual matches a target) and every error is reported through the
 * caller's callback as FILE:LINE: column NAME: "text" problem. Rows are
 * written as they are read; any error rolls the whole file back, so the
 * database is either unchanged or holds the whole file.
 */
#include "jixiao/import.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keep/batch_int.h"
#include "jixiao/csv.h"
#include "jixiao/value.h"
#include "keep/store_int.h"
#include "read/table_int.h"
#include "util/util_int.h"
#include "model/vcache_int.h"

enum col {
    C_CODE,
    C_NAME,
    C_PROJECT,
    C_YEAR,
    C_L1,
    C_L2,
    C_L3,
    C_OP,
    C_TARGET,
    C_UNIT,
    C_WEIGHT,
    C_NOTE,
    C_ACTUAL,
    C_REASON,
    C_INITIAL,
    C_BUDGET,
    C_SPENT,
    C__COUNT
};

/* Header names accepted for each column: the canonical Chinese name first (used in messages). */
static const char *const col_names[C__COUNT][8] = {
    [C_CODE] = {"部门编码", "dept_code", "部门代码", "单位编码", "单位代码", "code"},
    [C_NAME] = {"部门名称", "dept_name", "单位名称", "预算单位名称", "部门", "name",
                "部门（单位）名称", "部门(单位)名称"},
    [C_PROJECT] = {"项目名称", "project", "项目"},
    [C_YEAR] = {"年度", "year", "预算年度"},
    [C_L1] = {"一级指标", "level1"},
    [C_L2] = {"二级指标", "level2"},
    [C_L3] = {"三级指标", "level3", "绩效指标"},
    [C_OP] = {"指标性质", "op", "绩效指标性质", "operator"},
    [C_TARGET] = {"指标值", "target", "绩效指标值", "年度指标值", "目标值"},
    [C_UNIT] = {"度量单位", "unit", "绩效度量单位", "计量单位"},
    [C_WEIGHT] = {"权重", "weight", "分值", "权重(%)", "权重（%）"},
    [C_NOTE] = {"备注", "note", "指标说明"},
    [C_ACTUAL] = {"实际完成值", "actual", "完成值", "实际值"},
    [C_REASON] = {"偏差原因分析及改进措施", "reason", "偏差原因", "偏差原因分析"},
    [C_INITIAL] = {"年初预算数", "budget_initial", "initial"},
    [C_BUDGET] = {"全年预算数", "budget"},
    [C_SPENT] = {"全年执行数", "spent", "执行数"},
};

/* Columns each kind needs; the others it reads when present. */
static const int need_targets[] = {C_NAME, C_YEAR, C_L1, C_L2, C_L3, C_TARGET, -1};
static const int need_actuals[] = {C_NAME, C_YEAR, C_L3, C_ACTUAL, -1};
static const int need_budget[] = {C_NAME, C_YEAR, C_BUDGET, C_SPENT, -1};

/* One subject seen in this file. */
typedef struct subj {
    int64_t id; /* subjects.id (a batch's index + 1); 0 when it does not exist (actuals, budget) */
    int seq;    /* next target seq */
    const char *l1; /* fill-down of merged 一级/二级 cells */
    const char *l2;
    bool replaced;    /* its old targets were marked replaced */
    bool loaded;      /* its targets were loaded (actuals) */
    bool has_actuals; /* it had current actuals before this import (set when loaded) */
    bool budget_seen;
    int64_t weighted_line;   /* first scored row with a weight (targets) */
    int64_t unweighted_line; /* first scored row without one */
    int64_t first_line;      /* first indicator row (targets) */
    int64_t nrows, nok;      /* its indicator rows, and those that passed every check */
    int64_t nscored;         /* of those, the ones with a scorable (not n/a) target */
    double wsum;             /* Σ weights given on scored rows */
    uint32_t *tab;           /* its rows in m->tg (index + 1; 0 empty), open addressing on tgt.h3 */
    uint32_t tcap, tlen;
    char label[160]; /* for messages: 大竹县司法局 2024 / 司法专项 */
} subj;

/* An indicator of a subject: a target row of this file (targets: duplicate detection) or a
 * current target (actuals: matching). Found through its subject's table (subj.tab). */
typedef struct tgt {
    int64_t ref;  /* a batch's target (batch_add_actual) */
    int64_t line; /* targets: where it was read */
    uint32_t h3;  /* hash of l3 */
    const char *l1, *l2, *l3;
    jx_kind kind; /* of its value: what an actual must be (kind_mismatch) */
    bool matched; /* an actual in this file already matched it */
} tgt;

typedef struct imp {
    jx_store *st; /* the store written to, or NULL when reading into ... */
    jx_batch *b;  /* ... a batch (batch_int.h) */
    jx_import_kind kind;
    const char *name;
    const jx_import_opts *o;
    jx_import_result *res;
    int col[C__COUNT];
    size_t errors, max_errors;
    bool writing; /* false after the first error: keep checking, stop writing */
    bool nomem;   /* out of memory: the import ends at this row (stopped()) */
    int64_t import_id;
    jx_arena arena;
    jx_map subj_by_key; /* key → index + 1 into subj[] */
    char last_key[256]; /* the key of the last subject found (get_subject), and its index */
    size_t last_klen, last_subj;
    subj *subj;
    size_t nsubj, capsubj;
    tgt *tg;
    size_t ntg, captg;
    const char *f[C__COUNT]; /* the current row's fields, trimmed, in scratch */
    char *scratch;
    size_t scratch_cap;
    int64_t line;
    jx_table *tab;    /* the file's rows: CSV or a workbook */
    jx_map colmap;    /* column name (ASCII lower-cased) → column + 1, built on first use */
    jx_vcache own_vc; /* value strings parsed so far in this file ... */
    jx_vcache *vc;    /* ... or, into a batch, in the whole batch (batch_vcache) */
} imp;

static void report(imp *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(imp *m, const char *fmt, ...)
{
    m->errors++;
    m->writing = false;
    if (m->errors > m->max_errors || !m->o || !m->o->on_error) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(buf, sizeof buf, fmt, ap);
    va_end(ap);
    m->o->on_error(m->o->ctx, buf);
}

/* Out of memory: counted, not reported per row; the import ends at this row (stopped()). */
static void nomem(imp *m)
{
    m->errors++;
    m->writing = false;
    m->nomem = true;
}

/* Record a failure of the whole file in the store's or the batch's message. */
static jx_err fail(imp *m, jx_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static jx_err fail(imp *m, jx_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(m->st ? m->st->errmsg : batch_errbuf(m->b), JX_ERRMSG_MAX, fmt, ap);
    va_end(ap);
    return e;
}

/* A quoted excerpt of user text for messages, cut at a character boundary. */
static const char *excerpt(char *buf, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n < cap - 4) return s;
    size_t k = jx_utf8_clip(s, n, cap - 4);
    memcpy(buf, s, k);
    memcpy(buf + k, "…", 4);
    return buf;
}

/* Where column c of the current row is (c < 0: the row): a.csv:12:3, a.xlsx:自评表!C12. */
static const char *at(imp *m, int c)
{
    return jx_table_place(m->tab, m->line, c >= 0 && c < C__COUNT ? m->col[c] : -1);
}

static void col_err(imp *m, int c, const char *problem)
{
    char ex[100];
    report(m, "%s: column %s: \"%s\" %s", at(m, c), col_names[c][0],
           excerpt(ex, sizeof ex, m->f[c]), problem);
}

/* ---- header ---- */

static bool header_is(const char *field, const char *name)
{
    /* ASCII case-insensitive; Chinese exact (after trimming) */
    size_t n = strlen(name);
    if (strlen(field) != n) return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)field[i]) != tolower((unsigned char)name[i])) return false;
    return true;
}

/* The trimmed (ASCII white space and U+3000 at both ends) bounds of a field. */
static void trim_bounds(const char *s, size_t n, size_t *b, size_t *e)
{
    size_t i = 0;
    for (;;) {
        if (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
            i++;
        else if (i + 3 <= n && !memcmp(s + i, "\u3000", 3))
            i += 3;
        else
            break;
    }
    while (n > i) {
        if (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')
            n--;
        else if (n - i >= 3 && !memcmp(s + n - 3, "\u3000", 3))
            n -= 3;
        else
            break;
    }
    *b = i;
    *e = n;
}

/* Copy the row's trimmed fields of interest into m->scratch and point m->f[] at them. */
static bool take_fields(imp *m, const jx_table_row *row)
{
    size_t need = 0;
    for (int c = 0; c < C__COUNT; c++)
        if (m->col[c] >= 0 && (size_t)m->col[c] < row->nfields)
            need += row->fields[m->col[c]].len + 1;
    if (need > m->scratch_cap) {
        size_t cap = need * 2;
        char *p = realloc(m->scratch, cap);
        if (!p) return false;
        m->scratch = p;
        m->scratch_cap = cap;
    }
    size_t off = 0;
    for (int c = 0; c < C__COUNT; c++) {
        if (m->col[c] < 0 || (size_t)m->col[c] >= row->nfields) {
            m->f[c] = "";
            continue;
        }
        const jx_csv_field *fl = &row->fields[m->col[c]];
        size_t b, e;
        trim_bounds(fl->ptr, fl->len, &b, &e);
        memcpy(m->scratch + off, fl->ptr + b, e - b);
        m->scratch[off + e - b] = '\0';
        m->f[c] = m->scratch + off;
        off += e - b + 1;
    }
    return true;
}

/* Map the columns named by a header row into col[]: -1 when absent, -2 - i when the
 * column's name appears a second time at field i. Returns how many cells name a column. */
static int header_columns(imp *m, const jx_csv_field *fields, size_t n, int col[C__COUNT])
{
    /* a workbook's every row is looked at as a possible header: one hash lookup per cell */
    if (!m->colmap.len) {
        for (int c = 0; c < C__COUNT; c++)
            for (int k = 0; k < 8 && col_names[c][k]; k++) {
                char key[64];
                size_t len = strlen(col_names[c][k]);
                for (size_t j = 0; j < len; j++)
                    key[j] = (char)tolower((unsigned char)col_names[c][k][j]);
                int is_new;
                int64_t *v = jx_map_put(&m->colmap, key, len, &is_new);
                if (v) *v = c + 1;
            }
    }
    int names = 0;
    for (int c = 0; c < C__COUNT; c++)
        col[c] = -1;
    for (size_t i = 0; i < n; i++) {
        char h[128];
        size_t b, en;
        trim_bounds(fields[i].ptr, fields[i].len, &b, &en);
        if (en - b >= sizeof h || en == b) continue; /* no column name is that long */
        for (size_t j = b; j < en; j++)
            h[j - b] = (char)tolower((unsigned char)fields[i].ptr[j]);
        h[en - b] = '\0';
        int c = -1;
        int64_t *v = m->colmap.len ? jx_map_get(&m->colmap, h, en - b) : NULL;
        if (v) c = (int)*v - 1;
        for (int cc = 0; !m->colmap.len && cc < C__COUNT && c < 0;
             cc++) /* out of memory: the slow way */
            for (int k = 0; k < 8 && col_names[cc][k] && c < 0; k++)
                if (header_is(h, col_names[cc][k])) c = cc;
        if (c < 0) continue;
        names++;
        if (col[c] == -1)
            col[c] = (int)i;
        else if (col[c] >= 0)
            col[c] = -2 - (int)i;
    }
    return names;
}

/* "missing columns 指标值 (target), 年度 (year) for targets" into buf (not when cap is 0: then
 * only the answer); false when none is missing. */
static bool header_missing(jx_import_kind kind, const int col[C__COUNT], char *buf, size_t cap)
{
    const int *need = kind == JX_IMPORT_TARGETS   ? need_targets
                      : kind == JX_IMPORT_ACTUALS ? need_actuals
                                                  : need_budget;
    bool any = false;
    for (const int *c = need; *c >= 0 && !any; c++)
        any = col[*c] == -1;
    if (!any || !cap) return any;
    char missing[512] = "";
    for (const int *c = need; *c >= 0; c++)
        if (col[*c] == -1)
            jx_fmt_trunc(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s (%s)",
                         missing[0] ? ", " : "", col_names[*c][0], col_names[*c][1]);
    if (!missing[0]) return false;
    jx_fmt_trunc(buf, cap, "missing column%s %s for %s", strchr(missing, ',') ? "s" : "", missing,
                 jx_import_kind_str(kind));
    return true;
}

/* jx_table's judgement of a workbook row as this import's header. */
static int header_rank(void *ctx, const jx_csv_field *fields, size_t n, bool *complete, char *why,
                       size_t cap, uint64_t *cols)
{
    imp *m = ctx;
    int col[C__COUNT];
    int names = header_columns(m, fields, n, col);
    *complete = !header_missing(m->kind, col, why, cap);
    *cols = 0;
    for (int c = 0; c < C__COUNT; c++)
        if (col[c] != -1) *cols |= 1ull << c;
    return names;
}

/* Name the columns from a header row (the first row of a CSV file; a table's header on a sheet). */
static jx_err read_header(imp *m, const jx_table_row *row)
{
    header_columns(m, row->fields, row->nfields, m->col);
    for (int c = 0; c < C__COUNT; c++) {
        if (m->col[c] >= -1) continue;
        int second = -2 - m->col[c], first = -1; /* find the first appearance again */
        for (size_t i = 0; i < row->nfields && first < 0; i++) {
            char h[128];
            size_t b, en;
            trim_bounds(row->fields[i].ptr, row->fields[i].len, &b, &en);
            if (en - b >= sizeof h) continue;
            memcpy(h, row->fields[i].ptr + b, en - b);
            h[en - b] = '\0';
            for (int k = 0; k < 8 && col_names[c][k]; k++)
                if (header_is(h, col_names[c][k])) first = (int)i;
        }
        return fail(m, JX_ERR_FORMAT, "%s: column %s appears twice (columns %d and %d)",
                    jx_table_place(m->tab, row->line, -1), col_names[c][0], first + 1, second + 1);
    }
    char why[600];
    if (header_missing(m->kind, m->col, why, sizeof why))
        return fail(m, JX_ERR_FORMAT, "%s: %s", jx_table_place(m->tab, row->line, -1), why);
    return JX_OK;
}

/* ---- numbers ---- */

/* Problems of parse_amount() beyond "not a number". */
static const char comma_problem[] =
    "has a comma that is not a thousands separator: write a decimal point as \".\" (1.5); a "
    "comma may only separate groups of three digits (2,016.47)";
static const char tiny_problem[] =
    "is too close to 0 to be read exactly: write 0 or a larger number";

/* A number with optional thousands separators (the value grammar's rule: 2,016.47, not 2016,47)
 * and a trailing %. NULL when it is one (in *out); else the problem: comma_problem,
 * tiny_problem, or "" when it is no number at all (the caller words that). */
static const char *parse_amount(const char *s, bool allow_percent, double *out)
{
    char buf[64];
    const char *why = jx_number_ungroup(s, buf, sizeof buf);
    if (why) return strcmp(why, "too long") ? comma_problem : "";
    size_t n = strlen(buf);
    if (allow_percent && n && buf[n - 1] == '%')
        buf[--n] = '\0';
    else if (allow_percent && n >= 3 && !strcmp(buf + n - 3, "％"))
        buf[n -= 3] = '\0';
    if (!n) return "";
    /* strtod accepts hex and "inf"/"nan": only plain decimals are amounts */
    for (const char *p = buf; *p; p++)
        if (!(isdigit((unsigned char)*p) || *p == '.' || *p == '-' || *p == '+' || *p == 'e' ||
              *p == 'E'))
            return "";
    char *end;
    errno = 0;
    double d = strtod(buf, &end);
    if (*end || !isfinite(d)) return "";
    if (errno == ERANGE) return fabs(d) < 1 ? tiny_problem : ""; /* 4.9e-324; 1e400 */
    *out = d;
    return NULL;
}

static bool parse_year(const char *s, int *year)
{
    char buf[16];
    size_t n = strlen(s);
    if (n >= 3 && !strcmp(s + n - 3, "年")) n -= 3;
    if (n != 4) return false; /* before the digits: 15 of them would overflow y */
    memcpy(buf, s, n);
    buf[n] = '\0';
    int y = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)buf[i])) return false;
        y = y * 10 + (buf[i] - '0');
    }
    if (y < 1900 || y > 2999) return false;
    *year = y;
    return true;
}

/* ---- subjects ---- */

static void remember_subject(imp *m, const char *key, size_t klen, size_t index)
{
    if (klen >= sizeof m->last_key) return;
    memcpy(m->last_key, key, klen);
    m->last_klen = klen;
    m->last_subj = index;
}

static const char *keep(imp *m, const char *s);

/* s's id in the store or the batch (0: none), created when asked; *stored: its code ("" when
 * none). false on a database or memory error (reported). */
static bool find_subject(imp *m, subj *s, const char *code, const char *name, const char *project,
                         int year, bool create, const char **stored)
{
    *stored = "";
    if (m->b) {
        s->id = batch_subject(m->b, code, name, project, year, create, stored);
        if (s->id >= 0) return true;
        s->id = 0;
        nomem(m);
        return false;
    }
    sqlite3_stmt *q = st_stmt(m->st, S_SUBJECT_FIND);
    if (!q) goto dberr;
    st_bind_text(q, 1, name);
    st_bind_text(q, 2, project);
    sqlite3_bind_int(q, 3, year);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        s->id = sqlite3_column_int64(q, 0);
        const char *c = (const char *)sqlite3_column_text(q, 1);
        if (c && *c && !(*stored = keep(m, c))) {
            sqlite3_reset(q);
            nomem(m);
            return false;
        }
    } else if (rc != SQLITE_DONE) {
        goto dberr;
    }
    sqlite3_reset(q);
    if (rc == SQLITE_DONE && create) {
        sqlite3_stmt *ins = st_stmt(m->st, S_SUBJECT_INSERT);
        if (!ins) goto dberr;
        st_bind_text(ins, 1, code);
        st_bind_text(ins, 2, name);
        st_bind_text(ins, 3, project);
        sqlite3_bind_int(ins, 4, year);
        if (sqlite3_step(ins) != SQLITE_DONE) goto dberr;
        s->id = sqlite3_last_insert_rowid(m->st->db);
        *stored = code;
    }
    return true;
dberr:
    st_dberr(m->st, "subjects");
    report(m, "%s: %s", at(m, -1), m->st->errmsg);
    return false;
}

/* Give subject s the code the file names (it had none). false on an error (reported). */
static bool set_code(imp *m, const subj *s, const char *code)
{
    if (m->b) {
        if (batch_set_code(m->b, s->id, code)) return true;
        nomem(m);
        return false;
    }
    sqlite3_stmt *u = st_stmt(m->st, S_SUBJECT_SETCODE);
    if (u) {
        sqlite3_bind_int64(u, 1, s->id);
        st_bind_text(u, 2, code);
        if (sqlite3_step(u) == SQLITE_DONE) return true;
    }
    st_dberr(m->st, "subjects");
    report(m, "%s: %s", at(m, -1), m->st->errmsg);
    return false;
}

static subj *get_subject(imp *m, bool create)
{
    const char *name = m->f[C_NAME], *project = m->f[C_PROJECT], *code = m->f[C_CODE];
    if (!strcmp(project, "部门整体"))
        project = ""; /* what the 自评表 form writes for the department as a whole */
    int year;
    if (!*name) {
        report(m, "%s: column %s is empty", at(m, C_NAME), col_names[C_NAME][0]);
        return NULL;
    }
    if (!parse_year(m->f[C_YEAR], &year)) {
        col_err(m, C_YEAR, "is not a year (e.g. 2024)");
        return NULL;
    }
    char key[1024];
    size_t klen = jx_subject_key(key, sizeof key, year, name, project);
    if (!klen) {
        report(m, "%s: 部门名称 and 项目名称 are too long", at(m, C_NAME));
        return NULL;
    }
    /* rows come subject by subject: most rows name the subject of the row before */
    if (m->last_klen == klen && !memcmp(m->last_key, key, klen)) return &m->subj[m->last_subj];
    /* room first: a key in the map must always have its subject (a failed realloc after the
     * insertion left a slot of 0, and the next row used subj[-1]) */
    if (m->nsubj == m->capsubj) {
        size_t cap = m->capsubj ? m->capsubj * 2 : 64;
        subj *p = realloc(m->subj, cap * sizeof *p);
        if (!p) {
            nomem(m);
            return NULL;
        }
        m->subj = p;
        m->capsubj = cap;
    }
    int is_new;
    int64_t *slot = jx_map_put(&m->subj_by_key, key, (size_t)klen, &is_new);
    if (!slot) {
        nomem(m);
        return NULL;
    }
    if (!is_new) {
        remember_subject(m, key, klen, (size_t)*slot - 1);
        return &m->subj[*slot - 1];
    }
    subj *s = &m->subj[m->nsubj];
    memset(s, 0, sizeof *s);
    *slot = (int64_t)++m->nsubj;
    remember_subject(m, key, klen, m->nsubj - 1);
    jx_fmt_trunc(s->label, sizeof s->label, "%s%s%s %d", name, *project ? " / " : "", project,
                 year);
    const char *stored; /* its code as kept, "" when none */
    if (!find_subject(m, s, code, name, project, year, create, &stored)) return NULL;
    if (*code && *stored && strcmp(code, stored)) {
        char ex[100];
        report(m, "%s: column %s: \"%s\" differs from %s stored for %s", at(m, C_CODE),
               col_names[C_CODE][0], excerpt(ex, sizeof ex, code), stored, s->label);
    } else if (*code && !*stored && create && s->id && !set_code(m, s, code)) {
        return NULL;
    }
    if (s->id) m->res->subjects++;
    return s;
}

static const char *keep(imp *m, const char *s)
{
    return jx_arena_strndup(&m->arena, s, strlen(s));
}

/* ---- each subject's indicators, by name ----
 * A table per subject, not one map for the file: a subject's ~25 rows stay in a few cache
 * lines (a file-wide map of 500,000 text keys was a quarter of an evaluation, in cache misses). */

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    h ^= h >>
         16; /* FNV's low bits barely depend on the last bytes ("数量1", "数量2"): mix them in */
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    return h;
}

static tgt *new_tgt(imp *m)
{
    if (m->ntg == m->captg) {
        size_t cap = m->captg ? m->captg * 2 : 256;
        tgt *p = realloc(m->tg, cap * sizeof *p);
        if (!p) return NULL;
        m->tg = p;
        m->captg = cap;
    }
    tgt *t = &m->tg[m->ntg];
    memset(t, 0, sizeof *t);
    return t;
}

/* Add the last of m->tg (l1, l2, l3 set) to s's table; false when out of memory. */
static bool add_tgt(imp *m, subj *s)
{
    if (m->ntg >= UINT32_MAX) return false;
    tgt *t = &m->tg[m->ntg];
    t->h3 = hash_str(t->l3);
    if ((s->tlen + 1) * 2 > s->tcap) { /* at most half full */
        uint32_t cap = s->tcap ? s->tcap * 2 : 16;
        uint32_t *tab = calloc(cap, sizeof *tab);
        if (!tab) return false;
        for (uint32_t i = 0; i < s->tcap; i++) {
            if (!s->tab[i]) continue;
            uint32_t k = m->tg[s->tab[i] - 1].h3 & (cap - 1);
            while (tab[k])
                k = (k + 1) & (cap - 1);
            tab[k] = s->tab[i];
        }
        free(s->tab);
        s->tab = tab;
        s->tcap = cap;
    }
    uint32_t k = t->h3 & (s->tcap - 1);
    while (s->tab[k])
        k = (k + 1) & (s->tcap - 1);
    s->tab[k] = (uint32_t)++m->ntg;
    s->tlen++;
    return true;
}

/* s's indicator named l3 (and, when l1 is not NULL, l1 and l2): NULL when there is none;
 * *several is set when l1 is NULL and more than one has that 三级指标. */
static tgt *find_tgt(imp *m, const subj *s, const char *l1, const char *l2, const char *l3,
                     bool *several)
{
    tgt *hit = NULL;
    if (several) *several = false;
    if (!s->tcap) return NULL;
    uint32_t h = hash_str(l3);
    for (uint32_t k = h & (s->tcap - 1); s->tab[k]; k = (k + 1) & (s->tcap - 1)) {
        tgt *t = &m->tg[s->tab[k] - 1];
        if (t->h3 != h || strcmp(t->l3, l3)) continue;
        if (l1 && (strcmp(t->l1, l1) || strcmp(t->l2, l2))) continue;
        if (hit && several) {
            *several = true;
            return NULL;
        }
        hit = t;
        if (l1) break;
    }
    return hit;
}

/* ---- targets ---- */

static void target_row(imp *m)
{
    subj *s = get_subject(m, true);
    if (!s) return;
    /* merged 一级/二级 cells come out of Excel as blanks under the first row: fill down */
    const char *l1 = *m->f[C_L1] ? m->f[C_L1] : s->l1;
    const char *l2 = *m->f[C_L2] ? m->f[C_L2] : s->l2;
    const char *l3 = m->f[C_L3];
    if (!*l3) {
        if (!*m->f[C_TARGET])
            return; /* a form's empty placeholder row (生态效益 with no indicator) */
        report(m, "%s: column %s is empty", at(m, C_L3), col_names[C_L3][0]);
        return;
    }
    if (!l1 || !*l1) {
        report(m, "%s: column %s is empty", at(m, C_L1), col_names[C_L1][0]);
        return;
    }
    /* kept for the fill-down and the duplicate check: one copy per change, not per row */
    if (*m->f[C_L1]) l1 = s->l1 = s->l1 && !strcmp(s->l1, l1) ? s->l1 : keep(m, l1);
    if (*m->f[C_L2]) l2 = s->l2 = s->l2 && !strcmp(s->l2, l2) ? s->l2 : keep(m, l2);
    if (!l1 || (*m->f[C_L2] && !l2)) {
        nomem(m);
        return;
    }
    if (!l2) l2 = "";
    if (!s->nrows++) s->first_line = m->line;

    jx_value v;
    jx_errmsg msg;
    jx_err e = jx_vcache_cells(m->vc, m->f[C_OP], m->f[C_TARGET], m->f[C_UNIT], &v, &msg);
    int32_t vidx =
        jx_vcache_last(m->vc); /* a batch keeps it: scoring need not hash the text again */
    if (e) {
        report(m, "%s: column %s: %s", at(m, C_TARGET), col_names[C_TARGET][0], msg.text);
        return;
    }
    if (v.kind == JX_KIND_NUMBER &&
        v.num < 0) { /* ratios divide by the target: a/t, t/a, |a − t|/t */
        col_err(m, C_TARGET, "is negative: a target is a number >= 0");
        return;
    }
    double w = 0;
    /* a dash is how forms (ours included: export writes — for an n/a indicator's 分值) say "none"
     */
    const char *wt = m->f[C_WEIGHT];
    bool has_w =
        *wt != '\0' && strcmp(wt, "—") && strcmp(wt, "-") && strcmp(wt, "－") && strcmp(wt, "/");
    const char *why = has_w ? parse_amount(m->f[C_WEIGHT], true, &w) : NULL;
    if (why) {
        col_err(m, C_WEIGHT, *why ? why : "is not a number");
        return;
    }
    /* a weight is an indicator's points out of 100 (or its %); a bigger one is a typing
     * error, and 1e308 would make the sums infinite */
    if (has_w && (w < 0 || w > 100)) {
        col_err(m, C_WEIGHT,
                w < 0 ? "is negative: a weight is a number from 0 to 100"
                      : "is more than 100: a weight is a number from 0 to 100");
        return;
    }
    const tgt *seen = find_tgt(m, s, l1, l2, l3, NULL);
    if (seen) {
        char ex[100];
        report(m, "%s: 三级指标 \"%s\" appears twice for %s (first at line %lld)", at(m, C_L3),
               excerpt(ex, sizeof ex, l3), s->label, (long long)seen->line);
        return;
    }
    tgt *t = new_tgt(m);
    if (t) {
        t->line = m->line;
        t->l1 = l1; /* kept: the fill-down copies */
        t->l2 = l2;
        t->l3 = keep(m, l3);
    }
    if (!t || !t->l3 || !add_tgt(m, s)) {
        nomem(m);
        return;
    }
    s->nok++;
    if (v.kind !=
        JX_KIND_NA) { /* weights on some scored rows only is an error: remember both kinds */
        int64_t *first = has_w ? &s->weighted_line : &s->unweighted_line;
        if (!*first) *first = m->line;
        s->nscored++;
        s->wsum += w;
    }
    if (!m->writing) return;
    if (m->b) {
        if (!batch_add_target(m->b, s->id, l1, l2, l3, m->f[C_OP], m->f[C_TARGET], m->f[C_UNIT],
                              has_w, w, m->f[C_NOTE], v.kind, vidx))
            nomem(m);
        else
            m->res->rows++;
        return;
    }
    if (!s->replaced) {
        sqlite3_stmt *r = st_stmt(m->st, S_TARGETS_REPLACE);
        if (!r) goto dberr;
        sqlite3_bind_int64(r, 1, s->id);
        sqlite3_bind_int64(r, 2, m->import_id);
        if (sqlite3_step(r) != SQLITE_DONE) goto dberr;
        m->res->replaced += sqlite3_changes(m->st->db);
        s->replaced = true;
    }
    sqlite3_stmt *q = st_stmt(m->st, S_TARGET_INSERT);
    if (!q) goto dberr;
    sqlite3_bind_int64(q, 1, s->id);
    sqlite3_bind_int64(q, 2, m->import_id);
    sqlite3_bind_int64(q, 3, m->line);
    sqlite3_bind_int(q, 4, s->seq++);
    st_bind_text(q, 5, l1);
    st_bind_text(q, 6, l2);
    st_bind_text(q, 7, l3);
    st_bind_text(q, 8, m->f[C_OP]);
    st_bind_text(q, 9, m->f[C_TARGET]);
    st_bind_text(q, 10, m->f[C_UNIT]);
    if (has_w)
        sqlite3_bind_double(q, 11, w);
    else
        sqlite3_bind_null(q, 11);
    st_bind_text(q, 12, m->f[C_NOTE]);
    if (sqlite3_step(q) != SQLITE_DONE) goto dberr;
    m->res->rows++;
    return;
dberr:
    st_dberr(m->st, "targets");
    report(m, "%s: %s", at(m, -1), m->st->errmsg);
}

/* ---- actuals ---- */

/* Add a loaded current target (the last of m->tg) to s's table, with the kind of its value. */
static bool key_tgt(imp *m, subj *s, tgt *t, const char *op, const char *target, const char *unit)
{
    jx_value tv;
    t->kind = jx_vcache_cells(m->vc, op, target, unit, &tv, NULL)
                  ? JX_KIND_NA
                  : tv.kind; /* fails: cannot happen, checked on import */
    return add_tgt(m, s);
}

typedef struct load_ctx {
    imp *m;
    subj *s;
} load_ctx;

static bool load_batch_tgt(void *ctx, const batch_tgt *bt)
{
    load_ctx *c = ctx;
    tgt *t = new_tgt(c->m);
    if (!t) return false;
    t->ref = bt->ref;
    t->l1 = bt->l1; /* the batch keeps its strings until it is freed */
    t->l2 = bt->l2;
    t->l3 = bt->l3;
    t->kind = bt->kind;
    return add_tgt(c->m, c->s);
}

/* Load a subject's current targets into m->tg and its table, from the batch or the store. */
static bool load_targets(imp *m, subj *s)
{
    s->loaded = true;
    if (m->b) return batch_targets_of(m->b, s->id, load_batch_tgt, &(load_ctx){.m = m, .s = s});
    sqlite3_stmt *q = st_stmt(m->st, S_TARGETS_OF);
    if (!q) return false;
    sqlite3_bind_int64(q, 1, s->id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        tgt *t = new_tgt(m);
        if (t) {
            t->l1 = keep(m, (const char *)sqlite3_column_text(q, 0));
            t->l2 = keep(m, (const char *)sqlite3_column_text(q, 1));
            t->l3 = keep(m, (const char *)sqlite3_column_text(q, 2));
        }
        if (!t || !t->l1 || !t->l2 || !t->l3 ||
            !key_tgt(m, s, t, (const char *)sqlite3_column_text(q, 3),
                     (const char *)sqlite3_column_text(q, 4),
                     (const char *)sqlite3_column_text(q, 5))) {
            sqlite3_reset(q);
            m->nomem = true;
            return false;
        }
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) return false;
    /* Without current actuals there is nothing to mark replaced: the per-row UPDATE (which
     * builds a temporary table each time, the partial index being on the updated column)
     * is skipped. A repeat within this file is refused before it would be written. */
    q = st_stmt(m->st, S_ACTUALS_ANY);
    if (!q) return false;
    sqlite3_bind_int64(q, 1, s->id);
    rc = sqlite3_step(q);
    sqlite3_reset(q);
    s->has_actuals = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Can this actual be scored against this target at all? (units are checked when scoring) */
static const char *kind_mismatch(jx_kind target, const jx_value *a)
{
    if (a->kind == JX_KIND_NA) return NULL;
    switch (target) {
    case JX_KIND_NUMBER:
        return a->kind == JX_KIND_NUMBER ? NULL : "is not a number, and the target is a number";
    case JX_KIND_FREQUENCY:
        return a->kind == JX_KIND_NUMBER || a->kind == JX_KIND_FREQUENCY
                   ? NULL
                   : "is not a count, and the target is a frequency";
    case JX_KIND_DEADLINE:
        return a->kind == JX_KIND_DEADLINE || a->kind == JX_KIND_WORD
                   ? NULL
                   : "is not a date, and the target is a deadline";
    case JX_KIND_GRADE:
    case JX_KIND_WORD:
        if (a->kind == JX_KIND_GRADE || a->kind == JX_KIND_WORD) return NULL;
        if (a->kind == JX_KIND_NUMBER && !strcmp(a->unit, "%")) return NULL;
        return "cannot be scored against a qualitative target (write a grade, "
               "达成/部分达成/未达成, or a rate in %)";
    default:
        return NULL;
    }
}

static void actual_row(imp *m)
{
    subj *s = get_subject(m, false);
    if (!s) return;
    if (!s->id) {
        report(m, "%s: no targets for %s: import its targets first", at(m, C_NAME), s->label);
        return;
    }
    if (!s->loaded && !load_targets(m, s)) {
        if (m->b || m->nomem) {
            nomem(m);
            return;
        }
        if (!m->st->failed) st_dberr(m->st, "targets"); /* (a failed st_stmt() said why) */
        report(m, "%s: %s", at(m, -1), m->st->errmsg);
        return;
    }
    const char *l3 = m->f[C_L3];
    char ex[100];
    if (!*l3) {
        report(m, "%s: column %s is empty", at(m, C_L3), col_names[C_L3][0]);
        return;
    }
    bool several;
    tgt *t = find_tgt(m, s, NULL, NULL, l3, &several);
    if (several) { /* the name repeats under several 一级/二级: they must be given */
        t = find_tgt(m, s, m->f[C_L1], m->f[C_L2], l3, NULL);
        if (!t) {
            report(m,
                   "%s: 三级指标 \"%s\" repeats in %s: give its 一级指标 and 二级指标 to say which",
                   at(m, C_L3), excerpt(ex, sizeof ex, l3), s->label);
            return;
        }
    }
    if (!t) {
        report(m, "%s: 三级指标 \"%s\" matches no target of %s", at(m, C_L3),
               excerpt(ex, sizeof ex, l3), s->label);
        return;
    }
    if (!*m->f[C_ACTUAL]) return; /* not reported (yet): scored as missing_actual */
    jx_value a;
    jx_errmsg msg;
    if (jx_vcache_text(m->vc, m->f[C_ACTUAL], strlen(m->f[C_ACTUAL]), &a, &msg)) {
        report(m, "%s: column %s: %s", at(m, C_ACTUAL), col_names[C_ACTUAL][0], msg.text);
        return;
    }
    int32_t aidx = jx_vcache_last(m->vc);
    const char *why = kind_mismatch(t->kind, &a);
    if (why) {
        col_err(m, C_ACTUAL, why);
        return;
    }
    if (t->matched) {
        report(m, "%s: 三级指标 \"%s\" of %s is given twice in this file", at(m, C_L3),
               excerpt(ex, sizeof ex, l3), s->label);
        return;
    }
    t->matched = true;
    if (!m->writing) return;
    if (m->b) {
        if (!batch_add_actual(m->b, t->ref, m->f[C_ACTUAL], m->f[C_REASON], aidx))
            nomem(m);
        else
            m->res->rows++;
        return;
    }
    if (s->has_actuals) {
        sqlite3_stmt *r = st_stmt(m->st, S_ACTUAL_REPLACE);
        if (!r) goto dberr;
        sqlite3_bind_int64(r, 1, s->id);
        st_bind_text(r, 2, t->l1);
        st_bind_text(r, 3, t->l2);
        st_bind_text(r, 4, t->l3);
        sqlite3_bind_int64(r, 5, m->import_id);
        if (sqlite3_step(r) != SQLITE_DONE) goto dberr;
        m->res->replaced += sqlite3_changes(m->st->db);
    }
    sqlite3_stmt *q = st_stmt(m->st, S_ACTUAL_INSERT);
    if (!q) goto dberr;
    sqlite3_bind_int64(q, 1, s->id);
    sqlite3_bind_int64(q, 2, m->import_id);
    sqlite3_bind_int64(q, 3, m->line);
    st_bind_text(q, 4, t->l1);
    st_bind_text(q, 5, t->l2);
    st_bind_text(q, 6, t->l3);
    st_bind_text(q, 7, m->f[C_ACTUAL]);
    st_bind_text(q, 8, m->f[C_REASON]);
    if (sqlite3_step(q) != SQLITE_DONE) goto dberr;
    m->res->rows++;
    return;
dberr:
    st_dberr(m->st, "actuals");
    report(m, "%s: %s", at(m, -1), m->st->errmsg);
}

/* ---- budget ---- */

static void budget_row(imp *m)
{
    subj *s = get_subject(m, false);
    if (!s) return;
    if (!s->id) {
        report(m, "%s: no targets for %s: import its targets first", at(m, C_NAME), s->label);
        return;
    }
    double initial = 0, budget = 0, spent = 0;
    bool has_initial = *m->f[C_INITIAL] != '\0';
    static const int amount_col[3] = {C_INITIAL, C_BUDGET, C_SPENT};
    double *amount[3] = {&initial, &budget, &spent};
    for (int k = has_initial ? 0 : 1; k < 3; k++) {
        const char *why = parse_amount(m->f[amount_col[k]], false, amount[k]);
        if (why || *amount[k] < 0) {
            col_err(m, amount_col[k], why && *why ? why : "is not an amount >= 0 (万元)");
            return;
        }
    }
    if (s->budget_seen) {
        report(m, "%s: %s has a second budget row in this file", at(m, -1), s->label);
        return;
    }
    s->budget_seen = true;
    if (!m->writing) return;
    if (m->b) {
        if (!batch_add_budget(m->b, s->id, has_initial, initial, budget, spent))
            nomem(m);
        else
            m->res->rows++;
        return;
    }
    sqlite3_stmt *r = st_stmt(m->st, S_BUDGET_REPLACE);
    if (!r) goto dberr;
    sqlite3_bind_int64(r, 1, s->id);
    sqlite3_bind_int64(r, 2, m->import_id);
    if (sqlite3_step(r) != SQLITE_DONE) goto dberr;
    m->res->replaced += sqlite3_changes(m->st->db);
    sqlite3_stmt *q = st_stmt(m->st, S_BUDGET_INSERT);
    if (!q) goto dberr;
    sqlite3_bind_int64(q, 1, s->id);
    sqlite3_bind_int64(q, 2, m->import_id);
    sqlite3_bind_int64(q, 3, m->line);
    if (has_initial)
        sqlite3_bind_double(q, 4, initial);
    else
        sqlite3_bind_null(q, 4);
    sqlite3_bind_double(q, 5, budget);
    sqlite3_bind_double(q, 6, spent);
    if (sqlite3_step(q) != SQLITE_DONE) goto dberr;
    m->res->rows++;
    return;
dberr:
    st_dberr(m->st, "budgets");
    report(m, "%s: %s", at(m, -1), m->st->errmsg);
}

/* ---- the file ---- */

static jx_err file_sha256(const char *path, char hex[65], jx_errmsg *msg)
{
    FILE *f = fopen(path, "rb");
    if (!f) return jx_msg(msg, JX_ERR_IO, "%s: %s", path, strerror(errno));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char buf[1 << 16], md[32];
    unsigned int mdlen = 0;
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0)
        ok = EVP_DigestUpdate(ctx, buf, n);
    ok = ok && !ferror(f) && EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == 32;
    EVP_MD_CTX_free(ctx);
    fclose(f);
    if (!ok) return jx_msg(msg, JX_ERR_IO, "%s: read error", path);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return JX_OK;
}

const char *jx_import_kind_str(jx_import_kind kind)
{
    switch (kind) {
    case JX_IMPORT_TARGETS:
        return "targets";
    case JX_IMPORT_ACTUALS:
        return "actuals";
    case JX_IMPORT_BUDGET:
        return "budget";
    }
    return "?";
}

jx_err jx_import_kind_parse(const char *s, jx_import_kind *kind)
{
    if (!s || !kind) return JX_ERR_INVALID;
    if (!strcmp(s, "targets"))
        *kind = JX_IMPORT_TARGETS;
    else if (!strcmp(s, "actuals"))
        *kind = JX_IMPORT_ACTUALS;
    else if (!strcmp(s, "budget"))
        *kind = JX_IMPORT_BUDGET;
    else
        return JX_ERR_INVALID;
    return JX_OK;
}

/* Start writing: the store's transaction and its import log row, or a batch's pending file. */
static jx_err begin(imp *m)
{
    if (m->b) {
        batch_begin(m->b);
        return JX_OK;
    }
    jx_store *st = m->st;
    jx_err e = st_begin_bulk(st);
    if (e) {
        if ((sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_BUSY) /* the busy timeout ran out */
            st_fail(st, e,
                    "%s: nothing imported: another process kept the database locked for longer "
                    "than the "
                    "busy timeout; try again",
                    m->name);
        return e;
    }
    sqlite3_stmt *q = st_stmt(st, S_IMPORT_INSERT);
    if (!q) return JX_ERR_DB;
    st_bind_text(q, 1, jx_import_kind_str(m->kind));
    st_bind_text(q, 2, m->name);
    st_bind_text(q, 3, m->res->sha256);
    st_bind_text(q, 4, m->res->encoding);
    if (sqlite3_step(q) != SQLITE_DONE) return st_dberr(st, "imports");
    m->import_id = sqlite3_last_insert_rowid(st->db);
    return JX_OK;
}

/* Finish writing a file that had no error: the import log row and COMMIT, or the batch's commit. */
static jx_err finish(imp *m)
{
    if (m->b) {
        m->res->replaced += batch_commit(m->b);
        return JX_OK;
    }
    jx_store *st = m->st;
    sqlite3_stmt *q = st_stmt(st, S_IMPORT_FINISH);
    if (!q) return JX_ERR_DB;
    sqlite3_bind_int64(q, 1, m->import_id);
    sqlite3_bind_int64(q, 2, m->res->rows);
    sqlite3_bind_int64(q, 3, m->res->replaced);
    if (sqlite3_step(q) != SQLITE_DONE) return st_dberr(st, "imports");
    sqlite3_reset(q);
    jx_err e = st_commit(st);
    if (!e) m->res->import_id = m->import_id;
    return e;
}

/* The import ends at the current row: out of memory, or the database failed to write (SQLite
 * may have rolled the transaction back already: any further statement would be committed on its
 * own, so none is run). */
static jx_err stopped(imp *m)
{
    if (m->nomem)
        return fail(m, JX_ERR_NOMEM, "%s: out of memory at %s; nothing imported", m->name,
                    at(m, -1));
    return fail(m, JX_ERR_DB,
                "%s: nothing imported: the import stopped at %s because the database could not "
                "be written (the error above); the database is as it was before",
                m->name, at(m, -1));
}

/* A database error before or after the rows (BEGIN, COMMIT) names the database: add the file. */
static void name_the_file(imp *m)
{
    if (!strncmp(m->st->errmsg, m->name, strlen(m->name))) return; /* it does already */
    char why[JX_ERRMSG_MAX];
    memcpy(why, m->st->errmsg, sizeof why);
    fail(m, JX_ERR_DB, "%s: nothing imported: %s", m->name, why);
}

/* Read, check and write one file (m: its store or batch, kind, options and result set). */
static jx_err import_file(imp *m, const char *path)
{
    const jx_import_opts *opts = m->o;
    jx_import_kind kind = m->kind;
    jx_import_result *res = m->res;
    jx_errmsg msg;
    jx_err e;
    /* the import log names the file's bytes; a batch keeps no log */
    if (m->st && (e = file_sha256(path, res->sha256, &msg))) return fail(m, e, "%s", msg.text);
    jx_table_opts to = {.name = opts ? opts->display_name : NULL,
                        .sheet = opts ? opts->sheet : NULL,
                        .header = header_rank,
                        .ctx = m};
    e = jx_table_open(path, &to, &m->tab, &msg);
    if (e) return fail(m, e, "%s", msg.text);
    bool eof = false;
    jx_table_row row;
    if ((e = jx_table_next(m->tab, &row, &eof))) {
        fail(m, e, "%s", jx_table_errmsg(m->tab));
        goto done;
    }
    if (eof) {
        e = fail(m, JX_ERR_FORMAT, "%s: empty file: no header row", m->name);
        goto done;
    }
    if ((e = read_header(m, &row))) goto done;
    jx_fmt_trunc(res->encoding, sizeof res->encoding, "%s", jx_table_format(m->tab));
    if ((e = begin(m))) goto done;

    int64_t nrows = 0;
    for (;;) {
        e = jx_table_next(m->tab, &row, &eof);
        if (e) {
            fail(m, e, "%s", jx_table_errmsg(m->tab));
            goto done;
        }
        if (eof) break;
        if (row.header) { /* a workbook's next table (another sheet): its own columns */
            if ((e = read_header(m, &row))) goto done;
            continue;
        }
        m->line = row.line;
        if (!take_fields(m, &row)) {
            e = fail(m, JX_ERR_NOMEM, "out of memory");
            goto done;
        }
        bool blank = true;
        for (int c = 0; c < C__COUNT && blank; c++)
            blank = !*m->f[c];
        if (blank) continue; /* Excel writes ",,,,," for empty rows */
        /* a form's totals and notes rows (合计, 总分, 自评等级) name no indicator and give no value
         */
        if (kind != JX_IMPORT_BUDGET && !*m->f[C_L3] &&
            !*m->f[kind == JX_IMPORT_TARGETS ? C_TARGET : C_ACTUAL])
            continue;
        nrows++;
        if (kind == JX_IMPORT_TARGETS)
            target_row(m);
        else if (kind == JX_IMPORT_ACTUALS)
            actual_row(m);
        else
            budget_row(m);
        if (m->nomem || (m->st && st_broken(m->st))) {
            e = stopped(m);
            goto done;
        }
        if (opts && opts->on_progress && (nrows & 0xFFFF) == 0) opts->on_progress(opts->ctx, nrows);
    }
    for (size_t i = 0; kind == JX_IMPORT_TARGETS && i < m->nsubj; i++) {
        const subj *s = &m->subj[i];
        if (s->weighted_line && s->unweighted_line)
            report(m,
                   "%s: column %s: %s gives weights on some indicators only (line %lld has one, "
                   "line %lld "
                   "has none): give all or none",
                   jx_table_place(m->tab, s->unweighted_line, m->col[C_WEIGHT]),
                   col_names[C_WEIGHT][0], s->label, (long long)s->weighted_line,
                   (long long)s->unweighted_line);
        else if (s->nrows && s->nok == s->nrows &&
                 !s->nscored) /* nothing to divide by: refuse, not 0 points */
            report(m, "%s: %s: every indicator is n/a (无, 不适用, —, /): nothing to score",
                   jx_table_place(m->tab, s->first_line, m->col[C_TARGET]), s->label);
        else if (s->nrows && s->nok == s->nrows && s->weighted_line && s->wsum <= 0)
            report(m, "%s: column %s: the weights of %s add up to 0: nothing to score",
                   jx_table_place(m->tab, s->weighted_line, m->col[C_WEIGHT]),
                   col_names[C_WEIGHT][0], s->label);
    }
    if (nrows == 0 && m->errors == 0) {
        e = fail(m, JX_ERR_FORMAT, "%s: no data rows under the header", m->name);
        goto done;
    }
    if (m->errors) {
        e = fail(m, JX_ERR_FORMAT, "%s: %zu error%s; nothing imported", m->name, m->errors,
                 m->errors == 1 ? "" : "s");
        goto done;
    }
    e = finish(m);
done:
    if (e == JX_ERR_DB && m->st) name_the_file(m);
    res->errors = m->errors;
    if (e) {
        if (m->b)
            batch_rollback(m->b);
        else
            st_rollback(m->st);
        res->rows = res->replaced = res->subjects = 0;
    }
    jx_table_close(m->tab);
    jx_map_free(&m->subj_by_key);
    for (size_t i = 0; i < m->nsubj; i++)
        free(m->subj[i].tab);
    jx_map_free(&m->colmap);
    jx_vcache_free(&m->own_vc);
    jx_arena_free(&m->arena);
    free(m->subj);
    free(m->tg);
    free(m->scratch);
    return e;
}

/* Import into the store st or, when st is NULL, the batch b. */
static jx_err import_into(jx_store *st, jx_batch *b, jx_import_kind kind, const char *path,
                          const jx_import_opts *opts, jx_import_result *res)
{
    jx_import_result local;
    if (!res) res = &local;
    memset(res, 0, sizeof *res);
    if ((!st && !b) || !path) return JX_ERR_INVALID;
    imp m = {.st = st, .b = b, .kind = kind, .o = opts, .res = res, .writing = true};
    m.name = opts && opts->display_name ? opts->display_name : path;
    m.max_errors = opts && opts->max_errors ? opts->max_errors : 1000;
    m.vc = b ? batch_vcache(b) : &m.own_vc;
    return import_file(&m, path);
}

jx_err jx_import_file(jx_store *st, jx_import_kind kind, const char *path,
                      const jx_import_opts *opts, jx_import_result *res)
{
    return import_into(st, NULL, kind, path, opts, res);
}

jx_err jx_batch_import_file(jx_batch *b, jx_import_kind kind, const char *path,
                            const jx_import_opts *opts, jx_import_result *res)
{
    return import_into(NULL, b, kind, path, opts, res);
}
