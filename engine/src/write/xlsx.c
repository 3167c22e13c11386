/*
 * xlsx.c - the 自评表 workbook(s) of a stored run: the two passes over the
 * run, sheet and file names, the 汇总 sheet, and --split's parallel workers.
 *
 * Pass 1 reads the run's subjects without their indicators (totals, grades,
 * flags, row counts): enough for the 汇总 sheet, the sheet names and, with
 * split_dir, which subjects make up each department's workbook. Pass 2 reads
 * each subject with its indicators and writes its sheet (xlsx_sheet.c).
 *
 * One workbook: written in the caller's thread, in libxlsxwriter's
 * constant-memory mode when the open-file limit allows one temporary file per
 * sheet. Split: the caller's thread reads the store (a jx_store is used by one
 * thread) and hands each department, once its last subject has been read, to
 * a small pool of workers, each writing its own workbook (libxlsxwriter
 * workbooks share nothing). The queue is bounded, so memory stays flat when a
 * department's subjects are stored together, as imports store them.
 */
#include "jixiao/xlsx.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/outfile_int.h"
#include "util/util_int.h"
#include "write/xlsx_write_int.h"

/* Memory a sheet may still need when the next one is begun: libxlsxwriter does not survive a
 * failed allocation (a NULL row is dereferenced in worksheet_write_string()), so a workbook
 * stops, with a message, before a memory limit (ulimit -v, ulimit -d) comes this close. */
#define XLSX_HEADROOM (64u << 20)
#define SUMMARY_FILE "汇总.xlsx"

/* ---- sheet names ---- */

size_t jx_xlsx_sheet_name(const char *name, char *buf, size_t cap)
{
    char out[31 * 4 + 1];
    size_t n = 0, units = 0, len = name ? strlen(name) : 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = jx_utf8_decode(name + i, len - i, &cp);
        if (!k) { /* invalid byte: dropped */
            i++;
            continue;
        }
        bool bad = cp < 0x20 || cp == 0x7f || (cp < 0x80 && strchr("[]:*?/\\", (int)cp));
        size_t u = cp >= 0x10000 ? 2 : 1;
        if (!bad) {
            if (units + u > 31) break;
            memcpy(out + n, name + i, k);
            n += k;
            units += u;
        }
        i += k;
    }
    size_t start = 0;
    while (start < n && out[start] == '\'')
        start++;
    while (n > start && out[n - 1] == '\'')
        n--;
    const char *res = out + start;
    size_t rlen = n - start;
    if (!rlen) {
        res = "Sheet";
        rlen = 5;
    }
    if (cap) {
        size_t c = rlen < cap - 1 ? rlen : cap - 1;
        memcpy(buf, res, c);
        buf[c] = '\0';
    }
    return rlen;
}

/* Longest prefix of s within @p max UTF-16 units, in bytes. */
static size_t units_prefix(const char *s, size_t max)
{
    size_t units = 0, len = strlen(s), i = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = jx_utf8_decode(s + i, len - i, &cp);
        if (!k) k = 1, cp = 0;
        size_t u = cp >= 0x10000 ? 2 : 1;
        if (units + u > max) break;
        units += u;
        i += k;
    }
    return i;
}

/* Claim a name in a scope (case-insensitively, as Excel compares sheet names); false when taken. */
static int claim(jx_map *m, int64_t scope, const char *name)
{
    char key[300];
    int n = snprintf(key, sizeof key, "%lld\x1f", (long long)scope);
    for (const char *p = name; *p && (size_t)n < sizeof key - 1; p++)
        key[n++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
    key[n] = '\0';
    int is_new = 0;
    if (!jx_map_put(m, key, (size_t)n, &is_new)) return -1;
    return is_new;
}

/* A unique sheet name for @p name within @p scope, into out (>= 128 bytes). */
static int unique_sheet(jx_map *m, int64_t scope, const char *name, char *out, size_t cap)
{
    char base[128];
    jx_xlsx_sheet_name(name, base, sizeof base);
    snprintf(out, cap, "%s", base);
    int r = claim(m, scope, out);
    for (int k = 2; r == 0; k++) {
        char suffix[24];
        snprintf(suffix, sizeof suffix, "(%d)", k);
        size_t keep = units_prefix(base, 31 - strlen(suffix));
        snprintf(out, cap, "%.*s%s", (int)keep, base, suffix);
        r = claim(m, scope, out);
    }
    return r < 0 ? -1 : 0;
}

/* A file name for a department: characters no file system likes replaced by '_'. */
static void file_part(const char *s, char *out, size_t cap, size_t max_bytes)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len && n + 4 < cap && n < max_bytes;) {
        uint32_t cp;
        size_t k = jx_utf8_decode(s + i, len - i, &cp);
        if (!k) {
            i++;
            continue;
        }
        if (cp < 0x20 || cp == 0x7f || (cp < 0x80 && strchr("/\\:*?\"<>|", (int)cp)))
            out[n++] = '_';
        else {
            memcpy(out + n, s + i, k);
            n += k;
        }
        i += k;
    }
    while (n && (out[n - 1] == ' ' || out[n - 1] == '.'))
        n--; /* Windows drops these */
    out[n] = '\0';
}

/* ---- pass 1: the subjects ---- */

typedef struct xsnap xsnap;

typedef struct xdept {
    const char *file; /* the file name (in the arena) */
    size_t last;      /* ordinal of its last subject */
    size_t nsub;
    xsnap *head, *tail; /* subjects read and waiting for the rest */
} xdept;

typedef struct xctx {
    jx_run *run; /* a stored run or a batch's: read through jx_run_foreach */
    jx_run_info info;
    const jx_xlsx_opts *opts;
    const jx_ruleset *rs; /* NULL unless the run's */
    xsub *subs;
    size_t nsubs, capsubs;
    xdept *depts;
    size_t ndepts, capdepts;
    jx_arena arena;
    jx_map names, dept_keys, files;
    bool split;
    jx_err err;
    int year; /* the common year, 0 when they differ */
} xctx;

/* The run's subjects; on failure msg says why. */
static jx_err run_foreach(xctx *x, const jx_run_filter *f, jx_run_cb cb, void *ctx, jx_errmsg *msg)
{
    jx_err e = jx_run_foreach(x->run, f, cb, ctx);
    if (e) jx_msg(msg, e, "%s", jx_run_errmsg(x->run));
    return e;
}

static char *keep_str(xctx *x, const char *s)
{
    return jx_arena_strndup(&x->arena, s ? s : "", s ? strlen(s) : 0);
}

static int dept_of(xctx *x, const jx_run_subject *s)
{
    char key[1024];
    int n = snprintf(key, sizeof key, "%s%s\x1f%d", *s->code ? "C" : "N",
                     *s->code ? s->code : s->name, s->year);
    if (n < 0 || (size_t)n >= sizeof key) n = (int)sizeof key - 1;
    int is_new = 0;
    int64_t *v = jx_map_put(&x->dept_keys, key, (size_t)n, &is_new);
    if (!v) return -1;
    if (!is_new) return (int)*v;
    if (x->ndepts == x->capdepts) {
        size_t cap = x->capdepts ? x->capdepts * 2 : 64;
        xdept *d = realloc(x->depts, cap * sizeof *d);
        if (!d) return -1;
        x->depts = d;
        x->capdepts = cap;
    }
    char code[200], name[200], file[512];
    file_part(s->code, code, sizeof code, 60);
    file_part(s->name, name, sizeof name, 150);
    snprintf(file, sizeof file, "%s%s%s_%d", code, *code ? "_" : "", *name ? name : "部门",
             s->year);
    char unique[600];
    snprintf(unique, sizeof unique, "%s.xlsx", file);
    int r;
    for (int k = 2; (r = claim(&x->files, 0, unique)) == 0; k++)
        snprintf(unique, sizeof unique, "%s(%d).xlsx", file, k);
    if (r < 0) return -1;
    xdept *d = &x->depts[x->ndepts];
    memset(d, 0, sizeof *d);
    if (!(d->file = keep_str(x, unique))) return -1;
    *v = (int64_t)x->ndepts;
    return (int)x->ndepts++;
}

static int pass1_cb(const jx_run_subject *s, void *ctx)
{
    xctx *x = ctx;
    if (x->nsubs == x->capsubs) {
        size_t cap = x->capsubs ? x->capsubs * 2 : 256;
        xsub *n = realloc(x->subs, cap * sizeof *n);
        if (!n) return x->err = JX_ERR_NOMEM, 1;
        x->subs = n;
        x->capsubs = cap;
    }
    xsub *u = &x->subs[x->nsubs];
    memset(u, 0, sizeof *u);
    u->code = keep_str(x, s->code);
    u->name = keep_str(x, s->name);
    u->project = keep_str(x, s->project);
    u->grade = keep_str(x, s->result.grade);
    u->year = s->year;
    u->total = s->result.total;
    u->rate = s->result.budget_rate;
    u->rate_scored = s->result.budget_scored;
    u->budget = s->budget;
    u->spent = s->spent;
    u->flags = s->result.flags;
    u->nrows = s->result.nscored + s->result.nna;
    u->dept = -1;
    if (!u->code || !u->name || !u->project || !u->grade) return x->err = JX_ERR_NOMEM, 1;
    if (x->split && (u->dept = dept_of(x, s)) < 0) return x->err = JX_ERR_NOMEM, 1;
    if (x->split) {
        x->depts[u->dept].last = x->nsubs;
        x->depts[u->dept].nsub++;
        u->file = x->depts[u->dept].file;
    }
    /* sheet names are unique per workbook: the whole file, or the department's */
    char sheet[128];
    if (unique_sheet(&x->names, x->split ? u->dept : 0, *s->project ? s->project : s->name, sheet,
                     sizeof sheet) ||
        !(u->sheet = keep_str(x, sheet)))
        return x->err = JX_ERR_NOMEM, 1;
    x->year = x->nsubs == 0 ? s->year : x->year == s->year ? x->year : 0;
    x->nsubs++;
    return 0;
}

/* ---- files ---- */

typedef struct xfile {
    jx_outfile out; /* the temporary file, renamed over the destination when complete */
    lxw_workbook *wb;
} xfile;

/* Open a workbook in a new temporary file beside @p path (util/outfile.c). */
static jx_err file_open(xfile *f, const char *path, const char *tmpdir, size_t nsheets,
                        jx_errmsg *msg)
{
    memset(f, 0, sizeof *f);
    jx_err e = jx_outfile_open(&f->out, path, msg);
    if (e) return e;
    /* constant memory keeps one temporary file open per sheet: use it while the limit allows */
    struct rlimit rl;
    bool cm = getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
              (rl.rlim_cur == RLIM_INFINITY || nsheets + 64 < rl.rlim_cur);
    lxw_workbook_options o = {.constant_memory = cm, .tmpdir = (char *)tmpdir};
    f->wb = workbook_new_opt(f->out.io, &o); /* through the descriptor: no name to swap */
    if (!f->wb) {
        jx_outfile_close(&f->out, false, NULL);
        return jx_msg(msg, JX_ERR_NOMEM,
                      "cannot write %s: libxlsxwriter could not create the workbook (out of "
                      "memory)",
                      path);
    }
    return JX_OK;
}

/* Close (always) and, when all went well, move into place. */
static jx_err file_close(xfile *f, lxw_error cell_err, jx_errmsg *msg)
{
    errno = 0;
    lxw_error e = LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (f->wb && cell_err != LXW_NO_ERROR)
        lxw_workbook_free(f->wb); /* a failed workbook is not assembled only to be removed */
    else if (f->wb)
        e = workbook_close(f->wb);
    int en = errno; /* a full disk or a size limit shows here; libxlsxwriter's code does not say */
    f->wb = NULL;
    if (cell_err != LXW_NO_ERROR || e != LXW_NO_ERROR) {
        jx_outfile_close(&f->out, false, NULL);
        lxw_error le = cell_err != LXW_NO_ERROR ? cell_err : e;
        bool disk = le != LXW_ERROR_MEMORY_MALLOC_FAILED &&
                    (en == ENOSPC || en == EFBIG || en == EDQUOT || en == EIO);
        char why[200];
        jx_fmt_trunc(why, sizeof why, "%s", lxw_strerror(le));
        size_t n = strlen(why);
        if (n && why[n - 1] == '.') why[n - 1] = '\0';
        return jx_msg(msg, le == LXW_ERROR_MEMORY_MALLOC_FAILED ? JX_ERR_NOMEM : JX_ERR_XLSX,
                      "cannot write %s: %s%s%s%s", f->out.path, why, disk ? " (" : "",
                      disk ? strerror(en) : "", disk ? ")" : "");
    }
    return jx_outfile_close(&f->out, true, msg);
}

static lxw_error set_props(lxw_workbook *wb, const xctx *x, char *title, size_t cap, char *comments,
                           size_t ccap)
{
    if (x->year)
        snprintf(title, cap, "%d年度绩效自评表", x->year);
    else
        snprintf(title, cap, "绩效自评表");
    snprintf(comments, ccap, "评分运行 #%lld；规则集 %s（SHA-256 %s）", (long long)x->info.id,
             x->info.rules, x->info.rules_sha256);
    lxw_doc_properties p = {.title = title, .author = "jixiao", .comments = comments};
    return workbook_set_properties(wb, &p);
}

/* One workbook being written: its file, its writer state, and the property strings. */
typedef struct xbook {
    xfile f;
    xwb w;
    char title[64], comments[256];
} xbook;

static jx_err book_open(xbook *b, xctx *x, const char *path, size_t nsheets, jx_errmsg *msg)
{
    jx_err e = file_open(&b->f, path, x->opts->tmpdir, nsheets, msg);
    if (e) return e;
    if (set_props(b->f.wb, x, b->title, sizeof b->title, b->comments, sizeof b->comments) ||
        !xw_init(&b->w, b->f.wb, x->rs, x->opts->blank, &x->info)) {
        file_close(&b->f, LXW_ERROR_MEMORY_MALLOC_FAILED, NULL);
        return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    }
    return JX_OK;
}

/* Finish and close the workbook; e (already in msg) discards the file. Returns e or the close's
 * error. */
static jx_err book_close(xbook *b, jx_xlsx_summary *sum, jx_err e, jx_errmsg *msg)
{
    xsum_charts(&b->w);
    xw_finish(&b->w);
    *sum = b->w.stats;
    sum->workbooks = 1;
    lxw_error cell_err = b->w.lxerr;
    xw_free(&b->w);
    if (e) {
        file_close(&b->f, LXW_ERROR_MEMORY_MALLOC_FAILED, NULL);
        return e;
    }
    return file_close(&b->f, cell_err, msg);
}

/* ---- one workbook ---- */

typedef struct one_ctx {
    xctx *x;
    xwb *w;
    size_t k; /* ordinal of the next subject */
    jx_errmsg *msg;
} one_ctx;

static int one_cb(const jx_run_subject *s, void *ctx)
{
    one_ctx *o = ctx;
    xctx *x = o->x;
    if (o->k >= x->nsubs || s->n != x->subs[o->k].nrows) {
        x->err = jx_msg(o->msg, JX_ERR_DB, "run %lld changed while it was being written",
                        (long long)x->info.id);
        return 1;
    }
    if (!jx_mem_headroom(XLSX_HEADROOM)) {
        x->err = jx_msg(o->msg, JX_ERR_NOMEM,
                        "out of memory after %zu of %zu sheets: a workbook is built in memory; "
                        "write one workbook per department with --split, or allow more memory",
                        o->k, x->nsubs);
        return 1;
    }
    lxw_worksheet *ws = workbook_add_worksheet(o->w->wb, x->subs[o->k].sheet);
    if (!ws) {
        x->err = jx_msg(o->msg, JX_ERR_XLSX, "cannot add sheet %s", x->subs[o->k].sheet);
        return 1;
    }
    xs_subject(o->w, ws, s);
    o->k++;
    if (x->opts->on_progress && o->k % 100 == 0)
        x->opts->on_progress(x->opts->ctx, (int64_t)o->k, (int64_t)x->nsubs);
    if (o->w->lxerr != LXW_NO_ERROR) return 1;
    return 0;
}

static jx_err write_one(xctx *x, const char *path, jx_xlsx_summary *sum, jx_errmsg *msg)
{
    xbook b;
    jx_err e = book_open(&b, x, path, x->nsubs + 2, msg);
    if (e) return e;
    e = xsum_write(&b.w, x->subs, x->nsubs, x->year, true);
    if (!e) {
        one_ctx o = {.x = x, .w = &b.w, .msg = msg};
        jx_run_filter filt = {
            .depts = x->opts->depts, .ndepts = x->opts->ndepts, .indicators = true};
        e = run_foreach(x, &filt, one_cb, &o, msg);
        if (!e && x->err) e = x->err;
    } else {
        jx_msg(msg, e, "cannot write %s: %s", path,
               e == JX_ERR_NOMEM ? "out of memory" : "cannot add the 汇总 sheet");
    }
    return book_close(&b, sum, e, msg);
}

/* ---- split: a department per workbook, written by a pool of workers ---- */

struct xsnap {
    xsnap *next;
    jx_run_subject s;
};

/* A deep copy of a subject and its indicators in one block. */
static xsnap *snap(const jx_run_subject *s)
{
    const char *const extra[4] = {s->admin_dept, s->implementer, s->goal, s->goal_result};
    size_t strs =
        strlen(s->code) + strlen(s->name) + strlen(s->project) + strlen(s->result.grade) + 4;
    for (int k = 0; k < 4; k++)
        strs += extra[k] ? strlen(extra[k]) + 1 : 0;
    for (size_t i = 0; i < s->n; i++) {
        const jx_run_indicator *in = &s->ind[i];
        strs += strlen(in->level1) + strlen(in->level2) + strlen(in->level3) + strlen(in->op) +
                strlen(in->target) + strlen(in->unit) + strlen(in->note) + strlen(in->reason) +
                (in->actual ? strlen(in->actual) : 0) + 9;
    }
    size_t head = (sizeof(xsnap) + 15) & ~(size_t)15;
    xsnap *c = malloc(head + s->n * sizeof(jx_run_indicator) + strs);
    if (!c) return NULL;
    c->next = NULL;
    c->s = *s;
    jx_run_indicator *ind = (jx_run_indicator *)((char *)c + head);
    char *p = (char *)(ind + s->n);
#define CP(dst, src)                                                                               \
    do {                                                                                           \
        size_t l_ = strlen(src) + 1;                                                               \
        memcpy(p, (src), l_);                                                                      \
        (dst) = p;                                                                                 \
        p += l_;                                                                                   \
    } while (0)
    CP(c->s.code, s->code);
    CP(c->s.name, s->name);
    CP(c->s.project, s->project);
    CP(c->s.result.grade, s->result.grade);
    const char **to[4] = {&c->s.admin_dept, &c->s.implementer, &c->s.goal, &c->s.goal_result};
    for (int k = 0; k < 4; k++)
        if (extra[k]) CP(*to[k], extra[k]);
    for (size_t i = 0; i < s->n; i++) {
        const jx_run_indicator *in = &s->ind[i];
        ind[i] = *in;
        CP(ind[i].level1, in->level1);
        CP(ind[i].level2, in->level2);
        CP(ind[i].level3, in->level3);
        CP(ind[i].op, in->op);
        CP(ind[i].target, in->target);
        CP(ind[i].unit, in->unit);
        CP(ind[i].note, in->note);
        CP(ind[i].reason, in->reason);
        if (in->actual) CP(ind[i].actual, in->actual);
    }
#undef CP
    c->s.ind = ind;
    return c;
}

static void free_snaps(xsnap *h)
{
    while (h) {
        xsnap *n = h->next;
        free(h);
        h = n;
    }
}

typedef struct xjob {
    struct xjob *next;
    int dept;        /* -1: the 汇总 workbook */
    size_t first;    /* ordinal of its first subject */
    xsnap *subjects; /* in store order */
} xjob;

typedef struct xpool {
    pthread_mutex_t mu;
    pthread_cond_t can_pop, can_push;
    xjob *head, *tail;
    int len, cap;
    bool closed, failed;
    size_t written;       /* workbooks written whole (the 汇总 included) */
    bool summary_written; /* the 汇总 workbook is one of them */
    jx_err err;
    jx_errmsg msg;
    jx_xlsx_summary stats;
    xctx *x;
    const char *dir, *summary_path;
} xpool;

static jx_err write_dept(xpool *pl, const xjob *j, jx_xlsx_summary *st, jx_errmsg *msg)
{
    xctx *x = pl->x;
    const xdept *d = &x->depts[j->dept];
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", pl->dir, d->file);
    xbook b;
    jx_err e = book_open(&b, x, path, d->nsub + 1, msg);
    if (e) return e;
    xwb *w = &b.w;
    /* the subjects of this department, in store order, with the names pass 1 gave them */
    size_t k = j->first;
    for (const xsnap *c = j->subjects; c && w->lxerr == LXW_NO_ERROR; c = c->next) {
        while (k < x->nsubs && x->subs[k].dept != j->dept)
            k++;
        const char *name = k < x->nsubs ? x->subs[k].sheet : "Sheet";
        k++;
        lxw_worksheet *ws =
            jx_mem_headroom(XLSX_HEADROOM) ? workbook_add_worksheet(w->wb, name) : NULL;
        if (!ws) {
            w->lxerr = LXW_ERROR_MEMORY_MALLOC_FAILED;
            break;
        }
        xs_subject(w, ws, &c->s);
    }
    return book_close(&b, st, JX_OK, msg);
}

static jx_err write_split_summary(xpool *pl, jx_xlsx_summary *st, jx_errmsg *msg)
{
    xctx *x = pl->x;
    xbook b;
    jx_err e = book_open(&b, x, pl->summary_path, 2, msg);
    if (e) return e;
    e = xsum_write(&b.w, x->subs, x->nsubs, x->year, false);
    if (e)
        jx_msg(msg, e, "cannot write %s: %s", pl->summary_path,
               e == JX_ERR_NOMEM ? "out of memory" : "cannot add the 汇总 sheet");
    return book_close(&b, st, e, msg);
}

static void add_stats(jx_xlsx_summary *to, const jx_xlsx_summary *s)
{
    to->subjects += s->subjects;
    to->workbooks += s->workbooks;
    to->sheets += s->sheets;
    to->cells += s->cells;
    to->formulas += s->formulas;
    to->constants += s->constants;
}

static void *worker(void *arg)
{
    xpool *pl = arg;
    for (;;) {
        pthread_mutex_lock(&pl->mu);
        while (!pl->head && !pl->closed)
            pthread_cond_wait(&pl->can_pop, &pl->mu);
        xjob *j = pl->head;
        if (j) {
            pl->head = j->next;
            if (!pl->head) pl->tail = NULL;
            pl->len--;
            pthread_cond_signal(&pl->can_push);
        }
        bool failed = pl->failed;
        pthread_mutex_unlock(&pl->mu);
        if (!j) return NULL;
        jx_xlsx_summary st = {0};
        jx_errmsg msg;
        jx_err e = JX_OK;
        int j_dept = j->dept;
        if (!failed)
            e = j->dept < 0 ? write_split_summary(pl, &st, &msg) : write_dept(pl, j, &st, &msg);
        free_snaps(j->subjects);
        free(j);
        pthread_mutex_lock(&pl->mu);
        add_stats(&pl->stats, &st);
        if (!e && !failed) {
            pl->written++;
            if (j_dept < 0) pl->summary_written = true;
        }
        if (e && !pl->failed) {
            pl->failed = true;
            pl->err = e;
            pl->msg = msg;
        }
        pthread_mutex_unlock(&pl->mu);
    }
}

/* Queue a job, waiting while the queue is full; false when a worker has failed. */
static bool push(xpool *pl, xjob *j)
{
    pthread_mutex_lock(&pl->mu);
    while (pl->len >= pl->cap && !pl->failed)
        pthread_cond_wait(&pl->can_push, &pl->mu);
    bool ok = !pl->failed;
    if (ok) {
        if (pl->tail)
            pl->tail->next = j;
        else
            pl->head = j;
        pl->tail = j;
        pl->len++;
        pthread_cond_signal(&pl->can_pop);
    }
    pthread_mutex_unlock(&pl->mu);
    if (!ok) {
        free_snaps(j->subjects);
        free(j);
    }
    return ok;
}

typedef struct split_ctx {
    xpool *pl;
    size_t k;
    size_t *first; /* per department: ordinal of its first subject */
} split_ctx;

static int split_cb(const jx_run_subject *s, void *ctx)
{
    split_ctx *sc = ctx;
    xpool *pl = sc->pl;
    xctx *x = pl->x;
    if (sc->k >= x->nsubs) {
        x->err = JX_ERR_DB;
        return 1;
    }
    size_t k = sc->k++;
    xdept *d = &x->depts[x->subs[k].dept];
    xsnap *c = snap(s);
    if (!c) {
        x->err = JX_ERR_NOMEM;
        return 1;
    }
    if (d->tail)
        d->tail->next = c;
    else
        d->head = c;
    d->tail = c;
    if (x->opts->on_progress && sc->k % 100 == 0)
        x->opts->on_progress(x->opts->ctx, (int64_t)sc->k, (int64_t)x->nsubs);
    if (k != d->last) return 0;
    xjob *j = calloc(1, sizeof *j);
    if (!j) {
        x->err = JX_ERR_NOMEM;
        return 1;
    }
    j->dept = x->subs[k].dept;
    j->first = sc->first[j->dept];
    j->subjects = d->head;
    d->head = d->tail = NULL;
    return push(pl, j) ? 0 : 1;
}

static jx_err write_split(xctx *x, const char *path, jx_xlsx_summary *sum, jx_errmsg *msg)
{
    const char *dir = x->opts->split_dir;
    if (mkdir(dir, 0777) && errno != EEXIST)
        return jx_msg(msg, JX_ERR_IO, "cannot write %s: %s", dir, strerror(errno));
    struct stat stt;
    if (stat(dir, &stt) || !S_ISDIR(stt.st_mode))
        return jx_msg(msg, JX_ERR_IO, "cannot write %s: not a directory", dir);
    jx_err le = jx_outdir_check(dir, msg); /* not through another user's link */
    if (le) return le;
    char summary[4096];
    if (path)
        snprintf(summary, sizeof summary, "%s", path);
    else
        snprintf(summary, sizeof summary, "%s/%s", dir, SUMMARY_FILE);

    size_t *first = malloc((x->ndepts ? x->ndepts : 1) * sizeof *first);
    if (!first) return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    for (size_t i = x->nsubs; i-- > 0;)
        first[x->subs[i].dept] = i;

    int nthreads = x->opts->threads > 0 ? x->opts->threads : 2;
    if (nthreads > 64) nthreads = 64;
    xpool pl = {.cap = 2 * nthreads, .x = x, .dir = dir, .summary_path = summary};
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.can_pop, NULL);
    pthread_cond_init(&pl.can_push, NULL);
    pthread_t th[64];
    int started = 0;
    jx_err e = JX_OK;
    for (; started < nthreads; started++)
        if (pthread_create(&th[started], NULL, worker, &pl)) break;
    if (!started) e = jx_msg(msg, JX_ERR_NOMEM, "cannot start a worker thread");

    if (!e) {
        xjob *j = calloc(1, sizeof *j);
        if (!j)
            e = jx_msg(msg, JX_ERR_NOMEM, "out of memory");
        else {
            j->dept = -1;
            push(&pl, j);
        }
    }
    if (!e) {
        split_ctx sc = {.pl = &pl, .first = first};
        jx_run_filter filt = {
            .depts = x->opts->depts, .ndepts = x->opts->ndepts, .indicators = true};
        e = run_foreach(x, &filt, split_cb, &sc, msg);
        if (!e && x->err == JX_ERR_NOMEM)
            e = jx_msg(msg, x->err, "out of memory");
        else if (!e && x->err)
            e = jx_msg(msg, x->err, "run %lld changed while it was being written",
                       (long long)x->info.id);
    }
    pthread_mutex_lock(&pl.mu);
    pl.closed = true;
    pthread_cond_broadcast(&pl.can_pop);
    pthread_mutex_unlock(&pl.mu);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    /* jobs left when a worker failed early */
    for (xjob *j = pl.head; j;) {
        xjob *n = j->next;
        free_snaps(j->subjects);
        free(j);
        j = n;
    }
    for (size_t i = 0; i < x->ndepts; i++) {
        free_snaps(x->depts[i].head);
        x->depts[i].head = x->depts[i].tail = NULL;
    }
    if (!e && pl.failed) {
        e = pl.err;
        if (msg) *msg = pl.msg;
    }
    if (e && msg) { /* say what is there: the workbooks written before the error are whole */
        char what[JX_ERRMSG_MAX];
        memcpy(what, msg->text, sizeof what);
        jx_msg(msg, e,
               "%s; %zu of the %zu workbooks were written to %s before it stopped (%s among "
               "them); write them all again once the cause is fixed",
               what, pl.written, x->ndepts + 1, dir,
               pl.summary_written ? "汇总 is" : "汇总 is not");
    }
    *sum = pl.stats;
    pthread_mutex_destroy(&pl.mu);
    pthread_cond_destroy(&pl.can_pop);
    pthread_cond_destroy(&pl.can_push);
    free(first);
    return e;
}

/* ---- entry ---- */

static const jx_xlsx_opts default_opts;

jx_err jx_xlsx_write(jx_run *run, const char *path, const jx_xlsx_opts *opts, jx_xlsx_summary *out,
                     jx_errmsg *msg)
{
    jx_xlsx_summary local;
    jx_xlsx_summary *sum = out ? out : &local;
    memset(sum, 0, sizeof *sum);
    if (!opts) opts = &default_opts;
    if (!run || (!path && !opts->split_dir))
        return jx_msg(msg, JX_ERR_INVALID, "jx_xlsx_write: no run or no path");
    xctx x = {.run = run, .opts = opts, .split = opts->split_dir != NULL};
    x.info = *jx_run_about(run);
    if (opts->rules && !strcmp(jx_ruleset_sha256(opts->rules), x.info.rules_sha256))
        x.rs = opts->rules;
    jx_run_filter filt = {.depts = opts->depts, .ndepts = opts->ndepts};
    jx_err e = run_foreach(&x, &filt, pass1_cb, &x, msg);
    if (!e && x.err)
        e = jx_msg(msg, x.err, "out of memory");
    else if (!e && !x.nsubs)
        e = jx_msg(msg, JX_ERR_NOTFOUND, "run %lld has no subject%s", (long long)x.info.id,
                   opts->ndepts ? " of the departments named" : "");
    if (!e) e = x.split ? write_split(&x, path, sum, msg) : write_one(&x, path, sum, msg);
    if (!e)
        sum->rules_matched = x.rs != NULL;
    else
        memset(sum, 0, sizeof *sum);
    free(x.subs);
    free(x.depts);
    jx_map_free(&x.names);
    jx_map_free(&x.dept_keys);
    jx_map_free(&x.files);
    jx_arena_free(&x.arena);
    return e;
}
