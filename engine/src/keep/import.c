/*
 * import.c - a CSV/TSV file or a workbook into a store or a batch, all or nothing.
 *
 * Every row is checked (keys, years, numbers, value strings, duplicates, that
 * an actual matches a target) and every error is reported through the
 * caller's callback as FILE:LINE: column NAME: "text" problem. Rows are
 * written as they are read, through the back-end interface (keep_int.h): this
 * file does not know whether a store or a batch keeps them. Any error rolls
 * the whole file back, so the data is either unchanged or holds the whole
 * file; a failed write (a full disk, no memory) stops the import at once.
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

#include "keep/keep_int.h"
#include "jixiao/csv.h"
#include "jixiao/value.h"
#include "read/table_int.h"
#include "util/util_int.h"
#include "model/value_int.h"
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
    C_ADMIN,       /* 主管部门 (targets) */
    C_IMPL,        /* 实施单位 (targets) */
    C_GOAL,        /* 年度总体目标 (targets) */
    C_GOAL_RESULT, /* its 实际完成情况 (actuals) */
    C_SOURCE,      /* 资金来源 of a budget row: the 年度资金总额 row or one under it */
    C_CLAIM, /* 自评得分: the department's own points (actuals; budget: the 执行率 line) */
    C_CLAIM_TOTAL, /* 自评总分 (budget) */
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
    [C_ADMIN] = {"主管部门", "admin_dept", "主管部门及代码", "主管单位"},
    [C_IMPL] = {"实施单位", "implementer", "项目实施单位"},
    [C_GOAL] = {"年度总体目标", "goal", "预期目标", "总体目标", "年度目标"},
    [C_GOAL_RESULT] = {"实际完成情况", "goal_result", "总体目标完成情况", "年度总体目标完成情况"},
    [C_SOURCE] = {"资金来源", "source", "资金类别", "资金项目", "项目资金（万元）",
                  "部门资金（万元）", "项目资金(万元)", "部门资金(万元)"},
    [C_CLAIM] = {"自评得分", "claimed", "单位自评得分", "自评分"},
    [C_CLAIM_TOTAL] = {"自评总分", "claimed_total"},
};

/* The texts a subject carries besides its rows (kp_ops.note): field name and column. */
enum { N_ADMIN, N_IMPL, N_GOAL, N_GOAL_RESULT, N__COUNT };
static const struct {
    const char *field;
    int col;
} notes[N__COUNT] = {
    [N_ADMIN] = {"admin_dept", C_ADMIN},
    [N_IMPL] = {"implementer", C_IMPL},
    [N_GOAL] = {"goal", C_GOAL},
    [N_GOAL_RESULT] = {"goal_result", C_GOAL_RESULT},
};

/* The rows under a budget's 年度资金总额 (资金来源), as stored; "" is the total row itself. */
static const struct {
    const char *name;     /* stored */
    const char *alias[4]; /* also accepted (after a leading 其中：) */
} sources[] = {
    {"", {"年度资金总额", "资金总额", "合计", "总额"}},
    {"本年财政拨款", {"财政拨款", "财政资金", "本年财政资金"}},
    {"上年结转资金", {"上年结转", "结转资金"}},
    {"其他资金", {"其他"}},
    {"财政专户管理资金", {NULL}},
    {"单位资金", {NULL}},
    {"基本支出", {NULL}},
    {"项目支出", {NULL}},
};
#define NSOURCES (sizeof sources / sizeof *sources)

/* Columns each kind needs; the others it reads when present. */
static const int need_targets[] = {C_NAME, C_YEAR, C_L1, C_L2, C_L3, C_TARGET, -1};
static const int need_actuals[] = {C_NAME, C_YEAR, C_L3, C_ACTUAL, -1};
static const int need_budget[] = {C_NAME, C_YEAR, C_BUDGET, C_SPENT, -1};

/* One subject seen in this file. */
typedef struct subj {
    int64_t id;     /* the back-end's subject id; 0 when it does not exist (actuals, budget) */
    int seq;        /* next target seq */
    const char *l1; /* fill-down of merged 一级/二级 cells */
    const char *l2;
    bool replaced;              /* its old targets were marked replaced */
    bool loaded;                /* its targets were loaded (actuals) */
    bool has_actuals;           /* it had current actuals before this import (set when loaded) */
    uint32_t budget_seen;       /* the 资金来源 rows read (bit i: sources[i]) */
    const char *note[N__COUNT]; /* the notes this file gave, and where */
    int64_t note_line[N__COUNT];
    int64_t weighted_line;   /* first scored row with a weight (targets) */
    int64_t unweighted_line; /* first scored row without one */
    int64_t first_line;      /* first indicator row (targets) */
    int64_t nrows, nok;      /* its indicator rows, and those that passed every check */
    int64_t nscored;         /* of those, the ones with a scorable (not n/a) target */
    double wsum;             /* Σ weights given on scored rows */
    uint32_t *tab;           /* its rows in m->tg (index + 1; 0 empty), open addressing on tgt.h3 */
    uint32_t tcap, tlen;
    const char *label; /* for messages: 大竹县司法局 2024 / 司法专项 (in the arena: 100,000
                        * subjects took 16 MB as a 160-byte array each) */
} subj;

/* An indicator of a subject: a target row of this file (targets: duplicate detection) or a
 * current target (actuals: matching). Found through its subject's table (subj.tab). */
typedef struct tgt { /* 48 bytes, one per row of the file (2.5 M for 100,000 subjects) */
    int64_t ref;     /* the back-end's handle of a current target (kp_actual.ref) */
    int64_t line;    /* targets: where it was read */
    const char *l1, *l2, *l3;
    uint32_t h3;  /* hash of l3 */
    uint8_t kind; /* jx_kind of its value: what an actual must be (kind_mismatch) */
    bool matched; /* an actual in this file already matched it */
} tgt;

typedef struct imp {
    kp_backend be; /* where the rows go */
    kp_file file;  /* the file as the back-end sees it */
    jx_import_kind kind;
    const char *name;
    const jx_import_opts *o;
    jx_import_result *res;
    int col[C__COUNT];
    size_t errors, max_errors;
    bool writing; /* false after the first error: keep checking, stop writing */
    jx_err fatal; /* a write failed (or memory ran out): the import stops at once */
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
    jx_vcache *vc;    /* ... or the back-end's memo, shared (kp_ops.vcache) */
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

/* Record a failure of the whole file in the back-end's message. */
static jx_err fail(imp *m, jx_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static jx_err fail(imp *m, jx_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(m->be.ops->errbuf(m->be.h), JX_ERRMSG_MAX, fmt, ap);
    va_end(ap);
    return e;
}

static const char *at(imp *m, int c);

/* A write failed (its message is in the back-end's buffer) or memory ran out: the import stops
 * at once. Memory: one message. A write: the back-end's error at the row, then what it means.
 * Returns false, for `return stop(m, e)`. */
static bool stop(imp *m, jx_err e)
{
    if (m->fatal) return false;
    m->fatal = e;
    m->errors++;
    m->writing = false;
    if (e == JX_ERR_NOMEM) {
        fail(m, e, "%s: out of memory at %s; nothing imported", m->name, at(m, -1));
        return false;
    }
    char buf[JX_ERRMSG_MAX];
    jx_fmt_trunc(buf, sizeof buf, "%s: %s", at(m, -1), m->be.ops->errbuf(m->be.h));
    if (m->o && m->o->on_error) m->o->on_error(m->o->ctx, buf);
    fail(m, e,
         "%s: nothing imported: the import stopped at %s because the data could not be written "
         "(the error above); %s",
         m->name, at(m, -1),
         m->be.ops->keeps_log ? "the database is as it was before" : "nothing was kept");
    return false;
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
    if (!JX_GROW(m->scratch, m->scratch_cap, need)) return false;
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

/* A department's own points (自评得分, 自评总分) in column c: *has false when the cell is empty;
 * false when it is not a number >= 0 (reported). */
static bool parse_claim(imp *m, int c, bool *has, double *v)
{
    *has = *m->f[c] != '\0';
    *v = 0;
    if (!*has) return true;
    const char *why = parse_amount(m->f[c], false, v);
    if (!why && *v >= 0) return true;
    col_err(m, c, why && *why ? why : "is not a number of points >= 0");
    return false;
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

/* s's id (0: none), created when asked; *stored: its code ("" when none), kept. false when a
 * write failed or memory ran out (the import stops). */
static bool find_subject(imp *m, subj *s, const char *code, const char *name, const char *project,
                         int year, bool create, const char **stored)
{
    *stored = "";
    const char *c = "";
    jx_err e = m->be.ops->subject(m->be.h, code, name, project, year, create, &s->id, &c);
    if (e) return stop(m, e);
    if (*c && !(*stored = keep(m, c))) return stop(m, JX_ERR_NOMEM);
    return true;
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
    /* room first: a slot put in the map must never be left pointing at no subject */
    if (!JX_GROW(m->subj, m->capsubj, m->nsubj + 1)) return stop(m, JX_ERR_NOMEM), NULL;
    int is_new;
    int64_t *slot = jx_map_put(&m->subj_by_key, key, (size_t)klen, &is_new);
    if (!slot) return stop(m, JX_ERR_NOMEM), NULL;
    if (!is_new) {
        remember_subject(m, key, klen, (size_t)*slot - 1);
        return &m->subj[*slot - 1];
    }
    subj *s = &m->subj[m->nsubj];
    memset(s, 0, sizeof *s);
    *slot = (int64_t)++m->nsubj;
    remember_subject(m, key, klen, m->nsubj - 1);
    char label[160];
    jx_fmt_trunc(label, sizeof label, "%s%s%s %d", name, *project ? " / " : "", project, year);
    if (!(s->label = keep(m, label))) return stop(m, JX_ERR_NOMEM), NULL;
    const char *stored; /* its code as kept, "" when none */
    if (!find_subject(m, s, code, name, project, year, create, &stored)) return NULL;
    if (*code && *stored && strcmp(code, stored)) {
        char ex[100];
        report(m, "%s: column %s: \"%s\" differs from %s stored for %s", at(m, C_CODE),
               col_names[C_CODE][0], excerpt(ex, sizeof ex, code), stored, s->label);
    } else if (*code && !*stored && create && s->id) {
        jx_err e = m->be.ops->set_code(m->be.h, s->id, code);
        if (e) return stop(m, e), NULL;
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
    return (uint32_t)jx_hash_str(s); /* the engine's one string hash (jx_map's) */
}

static tgt *new_tgt(imp *m)
{
    if (!JX_GROW(m->tg, m->captg, m->ntg + 1)) return NULL;
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

/* ---- the notes of a subject ---- */

/* Does a file of this kind give note n? (主管部门, 实施单位, 年度总体目标: targets; 实际完成情况:
 * actuals.) */
static bool note_for(jx_import_kind kind, int n)
{
    return kind == JX_IMPORT_TARGETS ? n != N_GOAL_RESULT
                                     : kind == JX_IMPORT_ACTUALS && n == N_GOAL_RESULT;
}

/* Does the current row give a note? */
static bool row_has_note(const imp *m)
{
    for (int n = 0; n < N__COUNT; n++)
        if (note_for(m->kind, n) && *m->f[notes[n].col]) return true;
    return false;
}

/* The notes this row gives its subject: the first value of each in the file is written; another
 * value later in the file is an error. */
static void notes_row(imp *m, subj *s)
{
    for (int n = 0; n < N__COUNT; n++) {
        int c = notes[n].col;
        const char *v = m->f[c];
        if (!*v || !note_for(m->kind, n)) continue;
        if (s->note[n]) {
            char ex[100];
            if (strcmp(s->note[n], v))
                report(m, "%s: column %s: \"%s\" differs from line %lld for %s", at(m, c),
                       col_names[c][0], excerpt(ex, sizeof ex, v), (long long)s->note_line[n],
                       s->label);
            continue;
        }
        if (!(s->note[n] = keep(m, v))) {
            stop(m, JX_ERR_NOMEM);
            return;
        }
        s->note_line[n] = m->line;
        if (!m->writing) continue;
        jx_err e = m->be.ops->note(m->be.h, s->id, notes[n].field, v);
        if (e) {
            stop(m, e);
            return;
        }
    }
}

/* A row with notes only (a form's 年度总体目标 row, above or below its indicators). */
static void note_row(imp *m)
{
    subj *s = get_subject(m, m->kind == JX_IMPORT_TARGETS);
    if (!s) return;
    if (!s->id) {
        report(m, "%s: no targets for %s: import its targets first", at(m, C_NAME), s->label);
        return;
    }
    notes_row(m, s);
}

/* ---- targets ---- */

/* The checked target row through the back-end; *kept: its copy of l3 when it keeps one.
 * false when the write failed (the import stops). */
static bool write_target(imp *m, subj *s, const jx_value *v, const char *l1, const char *l2,
                         const char *l3, bool has_w, double w, int32_t vidx, const char **kept)
{
    kp_target kt = {.sid = s->id,
                    .first = !s->replaced,
                    .line = m->line,
                    .seq = s->seq++,
                    .l1 = l1,
                    .l2 = l2,
                    .l3 = l3,
                    .op = m->f[C_OP],
                    .target = m->f[C_TARGET],
                    .unit = m->f[C_UNIT],
                    .note = m->f[C_NOTE],
                    .has_weight = has_w,
                    .weight = w,
                    .kind = v->kind,
                    .vidx = vidx,
                    .kept_l3 = kept};
    jx_err e = m->be.ops->target(m->be.h, &kt);
    if (e) return stop(m, e), false;
    s->replaced = true;
    m->file.rows++;
    return true;
}

static void target_row(imp *m)
{
    subj *s = get_subject(m, true);
    if (!s) return;
    notes_row(m, s);
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
        stop(m, JX_ERR_NOMEM);
        return;
    }
    if (!l2) l2 = "";
    if (!s->nrows++) s->first_line = m->line;

    jx_value v;
    jx_errmsg msg;
    jx_cell bad;
    jx_err e = jx_vcache_cells_at(m->vc, m->f[C_OP], m->f[C_TARGET], m->f[C_UNIT], &v, &msg, &bad);
    int32_t vidx =
        jx_vcache_last(m->vc); /* a batch keeps it: scoring need not hash the text again */
    if (e) {                   /* name the cell at fault: 指标性质, 指标值 or 度量单位 */
        int c = bad == JX_CELL_OP ? C_OP : bad == JX_CELL_UNIT ? C_UNIT : C_TARGET;
        report(m, "%s: column %s: %s", at(m, c), col_names[c][0], msg.text);
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
    /* written first (when writing): a back-end that keeps l3 (a batch) lends its copy, and the
     * importer's table of this file's rows does not hold a second one */
    const char *kept = NULL;
    if (m->writing && !write_target(m, s, &v, l1, l2, l3, has_w, w, vidx, &kept)) return;
    tgt *t = new_tgt(m);
    if (t) {
        t->line = m->line;
        t->l1 = l1; /* kept: the fill-down copies */
        t->l2 = l2;
        t->l3 = kept ? kept : keep(m, l3);
    }
    if (!t || !t->l3 || !add_tgt(m, s)) {
        stop(m, JX_ERR_NOMEM);
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
}

/* ---- actuals ---- */

typedef struct load_ctx {
    imp *m;
    subj *s;
} load_ctx;

/* One current target into m->tg and its subject's table. */
static bool load_tgt(void *ctx, const kp_current *c)
{
    load_ctx *lc = ctx;
    imp *m = lc->m;
    tgt *t = new_tgt(m);
    if (!t) return false;
    t->ref = c->ref;
    if (c->stable) { /* a batch keeps its strings until it is freed */
        t->l1 = c->l1, t->l2 = c->l2, t->l3 = c->l3;
    } else {
        t->l1 = keep(m, c->l1), t->l2 = keep(m, c->l2), t->l3 = keep(m, c->l3);
        if (!t->l1 || !t->l2 || !t->l3) return false;
    }
    jx_value tv;
    if (c->kind_known)
        t->kind = (uint8_t)c->kind;
    else /* a failure cannot happen: the target was checked when it was imported */
        t->kind =
            (uint8_t)(jx_vcache_cells(m->vc, c->op, c->target, c->unit, &tv, NULL) ? JX_KIND_NA
                                                                                   : tv.kind);
    return add_tgt(m, lc->s);
}

/* Load a subject's current targets into m->tg and its table. false when a read failed or
 * memory ran out (the import stops). */
static bool load_targets(imp *m, subj *s)
{
    s->loaded = true;
    jx_err e = m->be.ops->targets_of(m->be.h, s->id, load_tgt, &(load_ctx){.m = m, .s = s},
                                     &s->has_actuals);
    return e ? stop(m, e) : true;
}

/* Can this actual be scored against this target at all? (units are checked when scoring) */
static const char *kind_mismatch(jx_kind target, const jx_value *a)
{
    if (a->kind == JX_KIND_NA) return NULL;
    switch (target) {
    case JX_KIND_NUMBER: /* a statement (完成, 已完成) is scored by the rule set's [statements] */
        return a->kind == JX_KIND_NUMBER || jx_value_is_statement(a)
                   ? NULL
                   : "is not a number, and the target is a number";
    case JX_KIND_FREQUENCY:
        return a->kind == JX_KIND_NUMBER || a->kind == JX_KIND_FREQUENCY || jx_value_is_statement(a)
                   ? NULL
                   : "is not a count, and the target is a frequency";
    case JX_KIND_DEADLINE: { /* a month (`7月`) says when it was done */
        jx_value month;
        return a->kind == JX_KIND_DEADLINE || a->kind == JX_KIND_WORD ||
                       jx_month_actual(a, 2000, &month)
                   ? NULL
                   : "is not a date, and the target is a deadline";
    }
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
    if (!s->loaded && !load_targets(m, s)) return;
    notes_row(m, s);
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
    bool has_claim;
    double claim;
    if (!parse_claim(m, C_CLAIM, &has_claim, &claim)) return;
    if (!*m->f[C_ACTUAL]) { /* not reported (yet): scored as missing_actual */
        if (has_claim)
            report(m, "%s: column %s: points are claimed for \"%s\", whose %s is empty",
                   at(m, C_CLAIM), col_names[C_CLAIM][0], excerpt(ex, sizeof ex, l3),
                   col_names[C_ACTUAL][0]);
        return;
    }
    jx_value a;
    jx_errmsg msg;
    if (jx_vcache_text(m->vc, m->f[C_ACTUAL], strlen(m->f[C_ACTUAL]), &a, &msg)) {
        report(m, "%s: column %s: %s", at(m, C_ACTUAL), col_names[C_ACTUAL][0], msg.text);
        return;
    }
    int32_t aidx = jx_vcache_last(m->vc);
    const char *why = kind_mismatch((jx_kind)t->kind, &a);
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
    kp_actual ka = {.sid = s->id,
                    .ref = t->ref,
                    .line = m->line,
                    .has_actuals = s->has_actuals,
                    .l1 = t->l1,
                    .l2 = t->l2,
                    .l3 = t->l3,
                    .actual = m->f[C_ACTUAL],
                    .reason = m->f[C_REASON],
                    .aidx = aidx,
                    .has_claim = has_claim,
                    .claim = claim};
    jx_err e = m->be.ops->actual(m->be.h, &ka);
    if (e) {
        stop(m, e);
        return;
    }
    m->file.rows++;
}

/* ---- budget ---- */

/* The 资金来源 of the current budget row: its index in sources[], or -1 (reported). */
static int budget_source(imp *m)
{
    const char *v = m->f[C_SOURCE];
    if (!strncmp(v, "其中：", strlen("其中：")))
        v += strlen("其中：");
    else if (!strncmp(v, "其中:", strlen("其中:")))
        v += strlen("其中:");
    for (size_t i = 0; i < NSOURCES; i++) {
        if (!strcmp(v, sources[i].name)) return (int)i;
        for (int k = 0; k < 4 && sources[i].alias[k]; k++)
            if (!strcmp(v, sources[i].alias[k])) return (int)i;
    }
    col_err(m, C_SOURCE,
            "is not a 资金来源 (年度资金总额, 本年财政拨款, 上年结转资金, 其他资金, "
            "财政专户管理资金, 单位资金, 基本支出 or 项目支出)");
    return -1;
}

/* The three amounts of a budget row; false when one is not an amount (reported). */
static bool budget_amounts(imp *m, kp_budget *kb)
{
    kb->has_initial = *m->f[C_INITIAL] != '\0';
    static const int amount_col[3] = {C_INITIAL, C_BUDGET, C_SPENT};
    double *amount[3] = {&kb->initial, &kb->budget, &kb->spent};
    for (int k = kb->has_initial ? 0 : 1; k < 3; k++) {
        const char *why = parse_amount(m->f[amount_col[k]], false, amount[k]);
        if (why || *amount[k] < 0) {
            col_err(m, amount_col[k], why && *why ? why : "is not an amount >= 0 (万元)");
            return false;
        }
    }
    return true;
}

static void budget_row(imp *m)
{
    subj *s = get_subject(m, false);
    if (!s) return;
    if (!s->id) {
        report(m, "%s: no targets for %s: import its targets first", at(m, C_NAME), s->label);
        return;
    }
    int src = budget_source(m);
    if (src > 0 && !*m->f[C_INITIAL] && !*m->f[C_BUDGET] && !*m->f[C_SPENT])
        return; /* a form's
empty 其中 row: nothing given */
    kp_budget kb = {.sid = s->id, .line = m->line};
    if (src < 0 || !budget_amounts(m, &kb) || !parse_claim(m, C_CLAIM, &kb.has_claim, &kb.claim) ||
        !parse_claim(m, C_CLAIM_TOTAL, &kb.has_claim_total, &kb.claim_total))
        return;
    if (src && (kb.has_claim || kb.has_claim_total)) {
        report(m, "%s: %s and %s belong on the 年度资金总额 row of %s, not on %s",
               at(m, kb.has_claim ? C_CLAIM : C_CLAIM_TOTAL), col_names[C_CLAIM][0],
               col_names[C_CLAIM_TOTAL][0], s->label, sources[src].name);
        return;
    }
    if (s->budget_seen & (1u << src)) {
        if (!src)
            report(m, "%s: %s has a second budget row in this file", at(m, -1), s->label);
        else
            report(m, "%s: %s has a second %s row in this file", at(m, C_SOURCE), s->label,
                   sources[src].name);
        return;
    }
    kb.first = !s->budget_seen;
    kb.source = sources[src].name;
    s->budget_seen |= 1u << src;
    if (!m->writing) return;
    jx_err e = m->be.ops->budget(m->be.h, &kb);
    if (e) {
        stop(m, e);
        return;
    }
    m->file.rows++;
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

/* The checks that need a subject's every row: weights on all or none, something to score (a
 * targets file); a 年度资金总额 row above the rows under it (a budget file). */
static void check_subjects(imp *m)
{
    for (size_t i = 0; i < m->nsubj; i++) {
        const subj *s = &m->subj[i];
        if (m->kind == JX_IMPORT_BUDGET) {
            if (s->budget_seen && !(s->budget_seen & 1u))
                report(m,
                       "%s: %s: the budget rows have no 年度资金总额 row (资金来源 empty or "
                       "年度资金总额): its 全年预算数 and 全年执行数 are what 执行率 is scored on",
                       m->name, s->label);
            continue;
        }
        if (m->kind != JX_IMPORT_TARGETS) continue;
        if (!s->nrows && (s->note[N_ADMIN] || s->note[N_IMPL] || s->note[N_GOAL]))
            report(m, "%s: %s: 年度总体目标 or 主管部门 given, but no indicator", m->name,
                   s->label);
        else if (s->weighted_line && s->unweighted_line)
            report(m,
                   "%s: column %s: %s gives weights on some indicators only (line %lld has one, "
                   "line %lld has none): give all or none",
                   jx_table_place(m->tab, s->unweighted_line, m->col[C_WEIGHT]),
                   col_names[C_WEIGHT][0], s->label, (long long)s->weighted_line,
                   (long long)s->unweighted_line);
        else if (s->nrows && s->nok == s->nrows && !s->nscored) /* nothing to divide by */
            report(m, "%s: %s: every indicator is n/a (无, 不适用, —, /): nothing to score",
                   jx_table_place(m->tab, s->first_line, m->col[C_TARGET]), s->label);
        else if (s->nrows && s->nok == s->nrows && s->weighted_line && s->wsum <= 0)
            report(m, "%s: column %s: the weights of %s add up to 0: nothing to score",
                   jx_table_place(m->tab, s->weighted_line, m->col[C_WEIGHT]),
                   col_names[C_WEIGHT][0], s->label);
    }
}

/* Rows so far, and the rows the file holds estimated from the share of its bytes read. */
static void progress(imp *m, const jx_import_opts *opts, int64_t rows)
{
    size_t got, size;
    int64_t total = 0;
    if (jx_table_progress(m->tab, &got, &size) && got > 0)
        total = (int64_t)((double)rows * (double)size / (double)got);
    opts->on_progress(opts->ctx, rows, total > rows ? total : rows);
}

/* The data rows after the header: each checked and written, until the end of the file or a
 * failed write. *nrows: the rows that were not blank. */
static jx_err read_rows(imp *m, int64_t *nrows)
{
    const jx_import_opts *opts = m->o;
    jx_import_kind kind = m->kind;
    jx_table_row row;
    bool eof = false;
    *nrows = 0;
    while (!m->fatal) {
        jx_err e = jx_table_next(m->tab, &row, &eof);
        if (e) return fail(m, e, "%s", jx_table_errmsg(m->tab));
        if (eof) break;
        if (row.header) { /* a workbook's next table (another sheet): its own columns */
            if ((e = read_header(m, &row))) return e;
            continue;
        }
        m->line = row.line;
        if (!take_fields(m, &row)) return stop(m, JX_ERR_NOMEM), m->fatal;
        bool blank = true;
        for (int c = 0; c < C__COUNT && blank; c++)
            blank = !*m->f[c];
        if (blank) continue; /* Excel writes ",,,,," for empty rows */
        /* a form's totals and notes rows (合计, 总分, 自评等级) name no indicator, give no value */
        if (kind != JX_IMPORT_BUDGET && !*m->f[C_L3] &&
            !*m->f[kind == JX_IMPORT_TARGETS ? C_TARGET : C_ACTUAL]) {
            if (row_has_note(m)) note_row(m);
            continue;
        }
        ++*nrows;
        if (kind == JX_IMPORT_TARGETS)
            target_row(m);
        else if (kind == JX_IMPORT_ACTUALS)
            actual_row(m);
        else
            budget_row(m);
        if (opts && opts->on_progress && (*nrows & 0x3FFF) == 0) progress(m, opts, *nrows);
    }
    return m->fatal;
}

/* A database error before or after the rows (BEGIN, COMMIT) names the database: add the file. */
static void name_the_file(imp *m)
{
    const char *msg = m->be.ops->errbuf(m->be.h);
    if (!strncmp(msg, m->name, strlen(m->name))) return; /* it does already */
    char why[JX_ERRMSG_MAX];
    memcpy(why, msg, sizeof why);
    fail(m, JX_ERR_DB, "%s: nothing imported: %s", m->name, why);
}

/* Read, check and write one file (m: its back-end, kind, options and result set). */
static jx_err import_file(imp *m, const char *path)
{
    const jx_import_opts *opts = m->o;
    jx_import_result *res = m->res;
    jx_errmsg msg;
    jx_err e;
    bool begun = false;
    if (m->be.ops->keeps_log && (e = file_sha256(path, res->sha256, &msg)))
        return fail(m, e, "%s", msg.text);
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
    m->file = (kp_file){
        .kind = m->kind, .name = m->name, .sha256 = res->sha256, .encoding = res->encoding};
    if ((e = m->be.ops->begin(m->be.h, &m->file))) goto done;
    begun = true;
    int64_t nrows;
    if ((e = read_rows(m, &nrows))) goto done;
    check_subjects(m);
    if (nrows == 0 && m->errors == 0) {
        e = fail(m, JX_ERR_FORMAT, "%s: no data rows under the header", m->name);
        goto done;
    }
    if (m->errors) {
        e = fail(m, JX_ERR_FORMAT, "%s: %zu error%s; nothing imported", m->name, m->errors,
                 m->errors == 1 ? "" : "s");
        goto done;
    }
    if ((e = m->be.ops->commit(m->be.h))) {
        fail(m, e, "%s: %s; nothing imported", m->name, m->be.ops->errbuf(m->be.h));
        goto done;
    }
    begun = false;
    res->rows = m->file.rows;
    res->replaced = m->file.replaced;
    res->import_id = m->file.import_id;
done:
    if (e == JX_ERR_DB) name_the_file(m);
    res->errors = m->errors;
    if (e) {
        if (begun) m->be.ops->rollback(m->be.h);
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

/* Read, check and write one file into the back-end be. */
static jx_err kp_import(kp_backend be, jx_import_kind kind, const char *path,
                        const jx_import_opts *opts, jx_import_result *res)
{
    jx_import_result local;
    if (!res) res = &local;
    memset(res, 0, sizeof *res);
    if (!be.h || !path) return JX_ERR_INVALID;
    imp m = {.be = be, .kind = kind, .o = opts, .res = res, .writing = true};
    m.name = opts && opts->display_name ? opts->display_name : path;
    m.max_errors = opts && opts->max_errors ? opts->max_errors : 1000;
    m.vc = be.ops->vcache(be.h);
    if (!m.vc) m.vc = &m.own_vc;
    return import_file(&m, path);
}

jx_err jx_import_file(jx_store *st, jx_import_kind kind, const char *path,
                      const jx_import_opts *opts, jx_import_result *res)
{
    return st ? kp_import(kp_store(st), kind, path, opts, res) : JX_ERR_INVALID;
}

jx_err jx_batch_import_file(jx_batch *b, jx_import_kind kind, const char *path,
                            const jx_import_opts *opts, jx_import_result *res)
{
    return b ? kp_import(kp_batch(b), kind, path, opts, res) : JX_ERR_INVALID;
}
