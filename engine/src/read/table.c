/*
 * table.c - the rows of an import file, from CSV/TSV text or from a workbook.
 *
 * The kind of file is decided by its first bytes (a zip or OLE2 signature
 * means a workbook), never by its name: files travel with the wrong extension
 * (CSV saved as .xls, web pages saved as .xls). For a workbook this is also
 * where tables are found on sheets: the header row is located by the column
 * names the importer knows (its callback), so titles, notes and blank rows
 * above a table, and other tables below it, are passed over.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/csv_int.h"
#include "read/table_int.h"
#include "util/util_int.h"
#include "read/xlsx_read_int.h"

enum { SEEK, DATA };

#define MAX_FIELDS 16

/* A form field: a label naming a column and its value, seen above a table. */
typedef struct ffield {
    int colid;         /* the importer's column */
    char *label;       /* as written, e.g. 部门（单位）名称 */
    char *value;       /* e.g. 大竹县司法局 */
    uint32_t col, row; /* the value's cell */
} ffield;

struct jx_table {
    char *name;
    jx_csv *csv;
    bool csv_started;
    jx_wb *wb;
    jx_table_opts o;
    /* workbooks */
    size_t next_sheet; /* next sheet index to consider */
    size_t cur;        /* sheet being read, or (size_t)-1 */
    bool sheet_found;  /* a header was found on the current sheet */
    bool any_found;    /* ... on any sheet */
    bool named_done;   /* --sheet: that one sheet was read */
    int phase;
    uint32_t first_col; /* the header's first non-empty column, to name rows */
    int best;           /* names in the best header candidate so far */
    char best_msg[JX_ERRMSG_MAX];
    ffield ff[MAX_FIELDS]; /* form fields seen on the current sheet */
    size_t nff;
    /* a row of labels only (年度总体目标 | 预期目标 | 实际完成情况): their values are the cells
     * under them in the next row */
    struct {
        int id;
        uint32_t col;
        uint32_t row;
        char label[64];
    } above[MAX_FIELDS];
    size_t nabove;
    bool first_named; /* the table's first column is named (a 资金来源 label): 其中 rows belong */
    size_t hw;        /* the table's own columns (its header's cells) */
    size_t virt[MAX_FIELDS]; /* form fields that stand for columns, after the hw own ones */
    size_t nvirt;
    jx_csv_field *ext; /* a row with the form fields appended; "" but where marked */
    size_t extcap;
    bool ext_dirty; /* ext holds a header: clear it all before the first data row */
    uint32_t *mark; /* columns of ext set for the row handed out */
    size_t nmark, capmark;
    jx_csv_field *cmp; /* a row's non-empty cells side by side, to judge it */
    size_t capcmp;
    char *sheet_names; /* for messages: "汇总, 自评表" */
    /* out */
    char place[640];
    jx_err err;
    char msg[JX_ERRMSG_MAX];
};

static jx_err tfail(jx_table *t, jx_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static jx_err tfail(jx_table *t, jx_err err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(t->msg, sizeof t->msg, fmt, ap);
    va_end(ap);
    t->err = err;
    return err;
}

static void clear_fields(jx_table *t)
{
    for (size_t i = 0; i < t->nff; i++)
        free(t->ff[i].label), free(t->ff[i].value);
    t->nff = 0;
    t->nvirt = 0;
    t->nabove = 0;
}

void jx_table_close(jx_table *t)
{
    if (!t) return;
    clear_fields(t);
    free(t->ext);
    free(t->mark);
    free(t->cmp);
    jx_csv_close(t->csv);
    jx_wb_close(t->wb);
    free(t->sheet_names);
    free(t->name);
    free(t);
}

/* Find the sheet named s: exact, else ignoring ASCII case as Excel does. */
static bool find_sheet(const jx_wb *wb, const char *s, size_t *idx)
{
    size_t n = jx_wb_sheet_count(wb);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(jx_wb_sheet_name(wb, i), s)) return *idx = i, true;
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(jx_wb_sheet_name(wb, i), s)) return *idx = i, true;
    return false;
}

jx_err jx_table_open(const char *path, const jx_table_opts *o, jx_table **out, jx_errmsg *msg)
{
    if (out) *out = NULL;
    if (!path || !out) return jx_msg(msg, JX_ERR_INVALID, "jx_table_open: NULL argument");
    jx_table *t = calloc(1, sizeof *t);
    if (!t) return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    if (o) t->o = *o;
    t->name = strdup(o && o->name ? o->name : path);
    t->cur = (size_t)-1;
    jx_err e = JX_OK;
    if (!t->name) {
        e = jx_msg(msg, JX_ERR_NOMEM, "out of memory");
        goto fail;
    }
    unsigned char head[512];
    size_t nhead = 0;
    FILE *f = fopen(path, "rb");
    if (f) {
        nhead = fread(head, 1, sizeof head, f);
        fclose(f);
    } /* else: jx_csv_open reports it */
    jx_wb_sniff_kind kind = jx_wb_sniff(head, nhead);
    if (kind == JX_WB_SNIFF_HTML) {
        e = jx_msg(msg, JX_ERR_FORMAT,
                   "%s: a web page (HTML) or XML file, not a workbook or CSV (some systems export "
                   "web pages with an "
                   ".xls name): open it in Excel and save it as .xlsx (Excel Workbook)",
                   t->name);
        goto fail;
    }
    if (kind == JX_WB_SNIFF_TEXT) {
        /* jx_csv names the file by its path; the display name goes through jx_csv_open_mem only */
        if ((e = jx_csv_open(path, &t->csv, msg))) goto fail;
        *out = t;
        return JX_OK;
    }
    if ((e = jx_wb_open(path, t->name, NULL, &t->wb, msg))) goto fail;
    size_t n = jx_wb_sheet_count(t->wb);
    /* "汇总, 自评表" for messages */
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(jx_wb_sheet_name(t->wb, i)) + 2;
    t->sheet_names = malloc(len);
    if (!t->sheet_names) {
        e = jx_msg(msg, JX_ERR_NOMEM, "out of memory");
        goto fail;
    }
    t->sheet_names[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i) strcat(t->sheet_names, ", ");
        strcat(t->sheet_names, jx_wb_sheet_name(t->wb, i));
    }
    if (n == 0) {
        e = jx_msg(msg, JX_ERR_FORMAT, "%s: the workbook has no worksheets", t->name);
        goto fail;
    }
    if (t->o.sheet) {
        size_t idx;
        if (!find_sheet(t->wb, t->o.sheet, &idx)) {
            e = jx_msg(msg, JX_ERR_NOTFOUND, "%s: no sheet named \"%s\" (the sheets are: %s)",
                       t->name, t->o.sheet, t->sheet_names);
            goto fail;
        }
        t->next_sheet = idx;
    }
    if (!t->o.header) {
        e = jx_msg(msg, JX_ERR_INVALID, "%s: jx_table_open: a workbook needs a header callback",
                   t->name);
        goto fail;
    }
    *out = t;
    return JX_OK;
fail:
    jx_table_close(t);
    return e;
}

const char *jx_table_errmsg(const jx_table *t)
{
    if (!t) return "";
    if (t->msg[0]) return t->msg;
    return "";
}

bool jx_table_progress(const jx_table *t, size_t *read, size_t *size)
{
    *read = *size = 0;
    return t && !t->wb && t->csv && csv_progress(t->csv, read, size);
}

const char *jx_table_format(const jx_table *t)
{
    if (!t) return "";
    return t->wb ? "xlsx" : jx_csv_encoding(t->csv);
}

const char *jx_table_place(jx_table *t, int64_t line, int col)
{
    if (!t) return "";
    if (!t->wb) {
        if (col < 0)
            jx_fmt_trunc(t->place, sizeof t->place, "%s:%lld", t->name, (long long)line);
        else
            jx_fmt_trunc(t->place, sizeof t->place, "%s:%lld:%d", t->name, (long long)line,
                         col + 1);
        return t->place;
    }
    char ref[300], cell[24];
    jx_wb_sheet_ref(t->cur != (size_t)-1 ? jx_wb_sheet_name(t->wb, t->cur) : "", ref, sizeof ref);
    if (col >= 0 && t->nvirt && (size_t)col >= t->hw && (size_t)col < t->hw + t->nvirt) {
        const ffield *f = &t->ff[t->virt[(size_t)col - t->hw]]; /* a form field: its value's cell */
        jx_wb_cell_name(f->col, f->row, cell, sizeof cell);
    } else {
        jx_wb_cell_name(col < 0 ? t->first_col : (uint32_t)col, (uint32_t)line, cell, sizeof cell);
    }
    jx_fmt_trunc(t->place, sizeof t->place, "%s:%s!%s", t->name, ref, cell);
    return t->place;
}

/* Move to the next sheet to read; false when there is none. */
static bool next_sheet(jx_table *t)
{
    size_t n = jx_wb_sheet_count(t->wb);
    if (t->o.sheet) {
        if (t->named_done) return false;
        t->named_done = true;
        t->cur = t->next_sheet;
        return true;
    }
    while (t->next_sheet < n && jx_wb_sheet_hidden(t->wb, t->next_sheet))
        t->next_sheet++;
    if (t->next_sheet >= n) return false;
    t->cur = t->next_sheet++;
    return true;
}

/* The column a single text names (its bit), or -1. */
static int names_column(jx_table *t, const char *s, size_t n)
{
    jx_csv_field f = {s, n};
    bool complete;
    uint64_t cols = 0;
    if (t->o.header(t->o.ctx, &f, 1, &complete, NULL, 0, &cols) != 1 || !cols) return -1;
    return __builtin_ctzll(cols);
}

static void add_field(jx_table *t, int colid, const char *label, size_t llen, const char *value,
                      size_t vlen, uint32_t col, uint32_t row)
{
    size_t i = 0;
    while (i < t->nff && t->ff[i].colid != colid)
        i++; /* a later one replaces an earlier one */
    if (i == MAX_FIELDS) return;
    char *l = strndup(label, llen), *v = strndup(value, vlen);
    if (!l || !v) { /* a form field less: the header then says what is missing */
        free(l), free(v);
        return;
    }
    if (i == t->nff)
        t->nff++;
    else
        free(t->ff[i].label), free(t->ff[i].value);
    t->ff[i] = (ffield){.colid = colid, .label = l, .value = v, .col = col, .row = row};
}

/* Trimmed bounds of s (ASCII spaces and U+3000). */
static void trim(const char **s, size_t *n)
{
    for (;;) {
        if (*n && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r'))
            (*s)++, (*n)--;
        else if (*n >= 3 && !memcmp(*s, "\u3000", 3))
            *s += 3, *n -= 3;
        else
            break;
    }
    for (;;) {
        const char *e = *s + *n;
        if (*n && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
            (*n)--;
        else if (*n >= 3 && !memcmp(e - 3, "\u3000", 3))
            *n -= 3;
        else
            break;
    }
}

/* A row of labels only: remember where each stands, for values_below(). */
static void labels_above(jx_table *t, const jx_wb_row *r)
{
    t->nabove = 0;
    for (size_t k = 0; k < r->nset && t->nabove < MAX_FIELDS; k++) {
        uint32_t i = r->set[k];
        const char *s = r->cells[i].ptr;
        size_t n = r->cells[i].len;
        trim(&s, &n);
        int id = names_column(t, s, n);
        if (id < 0 || n >= sizeof t->above[0].label) continue;
        t->above[t->nabove].id = id;
        t->above[t->nabove].col = i;
        t->above[t->nabove].row = r->row;
        memcpy(t->above[t->nabove].label, s, n);
        t->above[t->nabove++].label[n] = '\0';
    }
}

/* The row under a row of labels: the text under each label is its field (a 自评表's 年度总体目标
 * block: 预期目标 over the goal, 实际完成情况 over what was achieved). */
static void values_below(jx_table *t, const jx_wb_row *r)
{
    for (size_t k = 0; k < t->nabove; k++) {
        if (t->above[k].row + 1 != r->row) continue;
        uint32_t c = t->above[k].col;
        if (c >= r->ncells) continue;
        const char *v = r->cells[c].ptr, *label = t->above[k].label;
        size_t vlen = r->cells[c].len;
        trim(&v, &vlen);
        if (!vlen || names_column(t, v, vlen) >= 0) continue;
        add_field(t, t->above[k].id, label, strlen(label), v, vlen, c, r->row);
    }
    t->nabove = 0;
}

/* Pick the form fields out of a row above a table: "label | value" or "label：value".
 * Only a row where most labels have a value is a row of form fields (a field may be
 * left empty: 部门编码 | | 年度 | 2024); a table's header, labels side by side
 * (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率), is not. */
static void scan_fields(jx_table *t, const jx_wb_row *r)
{
    struct {
        int id;
        const char *label, *value;
        size_t llen, vlen;
        uint32_t col;
    } pair[MAX_FIELDS];
    size_t npairs = 0, nlabels = 0;
    for (size_t k = 0; k < r->nset; k++) { /* the non-empty cells, left to right */
        uint32_t i = r->set[k];
        const char *s = r->cells[i].ptr;
        size_t n = r->cells[i].len;
        trim(&s, &n);
        if (!n) continue;
        /* 部门名称：大竹县司法局 (or with ':') in one cell */
        const char *colon = NULL;
        size_t clen = 0;
        const char *fw = strstr(s, "："), *ascii = memchr(s, ':', n);
        if (fw && (size_t)(fw - s) < n)
            colon = fw, clen = 3;
        else if (ascii)
            colon = ascii, clen = 1;
        const char *label = s, *value = NULL;
        size_t llen = colon ? (size_t)(colon - s) : n, vlen = 0;
        trim(&label, &llen);
        int id = names_column(t, label, llen);
        if (id < 0) continue;
        nlabels++;
        uint32_t vcol = i;
        if (colon) {
            value = colon + clen;
            vlen = n - (size_t)(value - s);
            trim(&value, &vlen);
        }
        if (!vlen) { /* the value is the next non-empty cell, unless that is a label too */
            if (k + 1 >= r->nset) continue;
            uint32_t j = r->set[k + 1];
            value = r->cells[j].ptr;
            vlen = r->cells[j].len;
            trim(&value, &vlen);
            if (!vlen || names_column(t, value, vlen) >= 0) continue;
            vcol = j;
            k++;
        }
        if (npairs == MAX_FIELDS) return;
        pair[npairs].id = id, pair[npairs].label = label, pair[npairs].llen = llen;
        pair[npairs].value = value, pair[npairs].vlen = vlen, pair[npairs].col = vcol;
        npairs++;
    }
    if (npairs * 2 <= nlabels) { /* most labels without a value: a header ... */
        if (!npairs && nlabels == r->nset) labels_above(t, r); /* ... or labels over values */
        return;
    }
    for (size_t k = 0; k < npairs; k++)
        add_field(t, pair[k].id, pair[k].label, pair[k].llen, pair[k].value, pair[k].vlen,
                  pair[k].col, r->row);
}

/* A totals row ends a table: its first cell is 合计, 总计, 总分, or ends in 合计 or 小计
 * (指标小计). So does a breakdown row under a money total, its first cell starting with 其中
 * (其中：本年财政拨款, 其中：基本支出), unless the table's first column is named (the 自评表's
 * 项目资金（万元） column: a 资金来源), which reads such rows as the parts they are. */
static bool totals_row(const jx_table *t, const jx_wb_row *r)
{
    if (!r->nset) return false;
    const char *s = r->cells[r->set[0]].ptr;
    size_t n = r->cells[r->set[0]].len;
    trim(&s, &n);
    if (n >= strlen("其中") && !memcmp(s, "其中", strlen("其中"))) return !t->first_named;
    static const char *const ends[] = {"合计", "小计", "总计"};
    for (size_t k = 0; k < 3; k++)
        if (n >= strlen(ends[k]) && !memcmp(s + n - strlen(ends[k]), ends[k], strlen(ends[k])))
            return true;
    return n == strlen("总分") && !memcmp(s, "总分", n);
}

/* Make a[0..n) exist; new entries are "". */
static bool room(jx_csv_field **a, size_t *cap, size_t n)
{
    size_t old = *cap;
    if (!JX_GROW(*a, *cap, n)) return false;
    for (size_t i = old; i < *cap; i++)
        (*a)[i] = (jx_csv_field){"", 0};
    return true;
}

/* The row's non-empty cells side by side, for judging it (positions do not matter there):
 * the work is in the cells a row has, not in its width (a hostile cell at XFD). */
static const jx_csv_field *compact(jx_table *t, const jx_wb_row *r)
{
    if (!room(&t->cmp, &t->capcmp, r->nset ? r->nset : 1)) return NULL;
    for (size_t k = 0; k < r->nset; k++)
        t->cmp[k] = r->cells[r->set[k]];
    return t->cmp;
}

/* No sheet is left: the end, or the failure that no sheet had a header. */
static jx_err no_more_sheets(jx_table *t, bool *eof)
{
    if (t->any_found) {
        *eof = true;
        return JX_OK;
    }
    if (t->best > 0) return tfail(t, JX_ERR_FORMAT, "%s", t->best_msg);
    char why[400] = "";
    bool complete = false;
    uint64_t cols;
    t->o.header(t->o.ctx, NULL, 0, &complete, why, sizeof why, &cols);
    if (t->o.sheet)
        return tfail(t, JX_ERR_FORMAT, "%s: sheet %s has no header row: %s", t->name,
                     jx_wb_sheet_name(t->wb, t->next_sheet), why);
    return tfail(t, JX_ERR_FORMAT, "%s: no sheet has a header row (sheets: %s): %s", t->name,
                 t->sheet_names, why);
}

/* A header that lacks columns the form fields above it name: try it with them (in t->cmp after
 * the row's cells). virt[*nvirt] gets the form fields used, *complete whether that makes a header.
 * false when out of memory. */
static bool with_form_fields(jx_table *t, const jx_wb_row *r, uint64_t cols, size_t *virt,
                             size_t *nvirt, bool *complete)
{
    *nvirt = 0;
    if (!room(&t->cmp, &t->capcmp, r->nset + t->nff)) return false;
    for (size_t i = 0; i < t->nff; i++) {
        if (cols & (1ull << t->ff[i].colid)) continue;
        t->cmp[r->nset + *nvirt] = (jx_csv_field){t->ff[i].label, strlen(t->ff[i].label)};
        virt[(*nvirt)++] = i;
    }
    uint64_t xcols;
    if (*nvirt) t->o.header(t->o.ctx, t->cmp, r->nset + *nvirt, complete, NULL, 0, &xcols);
    if (!*complete) *nvirt = 0;
    return true;
}

/* Row r is a table's header: the table begins; the header row is handed out, with the labels of
 * the nvirt form fields virt[] that stand for columns it lacks. */
static jx_err begin_table(jx_table *t, const jx_wb_row *r, const size_t *virt, size_t nvirt,
                          jx_table_row *row)
{
    t->phase = DATA;
    t->sheet_found = t->any_found = true;
    t->first_col = r->nset ? r->set[0] : 0;
    t->first_named =
        r->nset && names_column(t, r->cells[r->set[0]].ptr, r->cells[r->set[0]].len) >= 0;
    /* the table's width: up to its last named column (the cells right of it are not read) */
    t->hw = 0;
    for (size_t k = r->nset; k-- > 0 && !t->hw;)
        if (names_column(t, r->cells[r->set[k]].ptr, r->cells[r->set[k]].len) >= 0)
            t->hw = r->set[k] + 1;
    t->nvirt = nvirt;
    memcpy(t->virt, virt, nvirt * sizeof *virt);
    row->header = true;
    if (!nvirt) {
        row->fields = r->cells;
        row->nfields = t->hw;
        return JX_OK;
    }
    /* the header's own cells, then the form fields' labels (once per table: width is fine) */
    if (!room(&t->ext, &t->extcap, t->hw + nvirt))
        return tfail(t, JX_ERR_NOMEM, "%s: out of memory", t->name);
    for (size_t i = 0; i < t->hw; i++)
        t->ext[i] = r->cells[i];
    for (size_t i = 0; i < nvirt; i++) {
        const ffield *f = &t->ff[virt[i]];
        t->ext[t->hw + i] = (jx_csv_field){f->label, strlen(f->label)};
    }
    t->ext_dirty = true;
    row->fields = t->ext;
    row->nfields = t->hw + nvirt;
    return JX_OK;
}

/* A row above any table that names more columns than the best so far: remember what it lacks,
 * for the message when no sheet has a header. */
static void note_candidate(jx_table *t, const jx_wb_row *r, const jx_csv_field *cells, int names)
{
    char why[400] = "";
    bool complete;
    uint64_t cols;
    t->o.header(t->o.ctx, cells, r->nset, &complete, why, sizeof why, &cols);
    t->best = names;
    t->first_col = r->nset ? r->set[0] : 0;
    jx_fmt_trunc(t->best_msg, sizeof t->best_msg, "%s: %s", jx_table_place(t, r->row, -1), why);
}

/* A row of the table: its own columns, then the values of the form fields that stand for
 * columns. Only the cells the row has are written into t->ext, and taken back out at the next
 * row. */
static jx_err data_row(jx_table *t, const jx_wb_row *r, jx_table_row *row)
{
    if (!t->nvirt) {
        row->fields = r->cells;
        row->nfields = r->ncells < t->hw ? r->ncells : t->hw;
        return JX_OK;
    }
    if (t->ext_dirty) {
        for (size_t i = 0; i < t->extcap; i++)
            t->ext[i] = (jx_csv_field){"", 0};
        t->ext_dirty = false;
        t->nmark = 0;
    }
    for (size_t k = 0; k < t->nmark; k++)
        t->ext[t->mark[k]] = (jx_csv_field){"", 0};
    t->nmark = 0;
    if (!JX_GROW(t->mark, t->capmark, r->nset))
        return tfail(t, JX_ERR_NOMEM, "%s: out of memory", t->name);
    for (size_t k = 0; k < r->nset && r->set[k] < t->hw; k++) {
        t->ext[r->set[k]] = r->cells[r->set[k]];
        t->mark[t->nmark++] = r->set[k];
    }
    for (size_t i = 0; i < t->nvirt; i++) {
        const ffield *f = &t->ff[t->virt[i]];
        t->ext[t->hw + i] = (jx_csv_field){f->value, strlen(f->value)};
    }
    row->fields = t->ext;
    row->nfields = t->hw + t->nvirt;
    return JX_OK;
}

/* The next row of a workbook: sheet by sheet, each sheet's rows looked at as possible headers
 * (SEEK) until one is, then handed out as the table's rows (DATA) until the table ends. */
static jx_err wb_next(jx_table *t, jx_table_row *row, bool *eof)
{
    for (;;) {
        if (t->cur == (size_t)-1) {
            if (!next_sheet(t)) return no_more_sheets(t, eof);
            t->phase = SEEK;
            t->sheet_found = false;
            clear_fields(t);
            if (jx_wb_sheet_begin(t->wb, t->cur))
                return tfail(t, JX_ERR_FORMAT, "%s", jx_wb_errmsg(t->wb));
        }
        jx_wb_row r;
        bool end = false;
        jx_err e = jx_wb_next_row(t->wb, &r, &end);
        if (e) return tfail(t, e, "%s", jx_wb_errmsg(t->wb));
        if (end) {
            t->cur = (size_t)-1;
            continue;
        }
        const jx_csv_field *cells = compact(t, &r);
        if (!cells) return tfail(t, JX_ERR_NOMEM, "%s: out of memory", t->name);
        bool complete = false;
        uint64_t cols = 0;
        int names = t->o.header(t->o.ctx, cells, r.nset, &complete, NULL, 0, &cols);
        row->line = r.row;
        row->header = false;
        size_t nvirt = 0;
        size_t virt[MAX_FIELDS];
        if (!complete && names >= 2 && t->nff &&
            !with_form_fields(t, &r, cols, virt, &nvirt, &complete))
            return tfail(t, JX_ERR_NOMEM, "%s: out of memory", t->name);
        if (complete) return begin_table(t, &r, virt, nvirt, row);
        if (t->phase == SEEK) {
            if (!t->any_found && names > t->best) note_candidate(t, &r, cells, names);
            if (t->nabove) values_below(t, &r);
            scan_fields(t, &r);
            continue;
        }
        if (names >= 2 || totals_row(t, &r)) { /* another table's header, or the totals: it ended */
            t->phase = SEEK;
            t->nvirt = 0;
            continue;
        }
        return data_row(t, &r, row);
    }
}

jx_err jx_table_next(jx_table *t, jx_table_row *row, bool *eof)
{
    bool local_eof;
    if (!eof) eof = &local_eof;
    *eof = false;
    if (row) memset(row, 0, sizeof *row);
    if (!t || !row) return JX_ERR_INVALID;
    if (t->err) return t->err;
    if (t->wb) return wb_next(t, row, eof);
    jx_csv_row r;
    jx_err e = jx_csv_next(t->csv, &r, eof);
    if (e) return tfail(t, e, "%s", jx_csv_errmsg(t->csv));
    if (*eof) return JX_OK;
    row->fields = r.fields;
    row->nfields = r.nfields;
    row->line = (int64_t)r.line;
    row->header = !t->csv_started;
    t->csv_started = true;
    return JX_OK;
}
