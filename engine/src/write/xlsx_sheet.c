/*
 * xlsx_sheet.c - one subject's 自评表 sheet, and the formats and cell helpers
 * every sheet of a workbook shares.
 *
 * Rows are written strictly top to bottom so that libxlsxwriter's
 * constant-memory mode (one row in memory) can be used: a range merged over
 * several rows (一级/二级指标, the budget label) is written cell by cell and
 * registered with worksheet_merge_range() on its last row. The layout is in
 * docs/xlsx.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/ruleset_int.h"
#include "util/util_int.h"
#include "write/xlsx_write_int.h"

#define XS_FONT "宋体"
#define XS_TITLE_FONT "宋体"
#define XS_CHARSET 134 /* GB2312: East Asian fonts render as such in Excel and WPS */
#define XS_FLAG_FILL 0xFFEB9C
#define XS_HEAD_FILL 0xD9D9D9
#define XS_MAX_TEXT 32767 /* Excel's limit of a cell's text */

/* ---- formats ---- */

#define XS_INPUT_FILL 0xDDEBF7 /* light blue: cells the blank form's reader types into */
#define XS_AUDIT_FILL 0xE2EFDA /* the auditor's header, right of the print area */

static void fmt_kind(lxw_format *f, xf_id id, bool *border)
{
    switch (id) {
    case XF_TITLE:
        format_set_font_size(f, 16);
        format_set_bold(f);
        format_set_align(f, LXW_ALIGN_CENTER);
        *border = false;
        break;
    case XF_INFO_LABEL:
    case XF_SUM_LABEL:
        format_set_bold(f);
        format_set_align(f, LXW_ALIGN_CENTER);
        format_set_text_wrap(f);
        break;
    case XF_INFO:
    case XF_TEXT:
        format_set_text_wrap(f);
        break;
    case XF_HEAD:
    case XF_AUDIT_HEAD:
    case XF_SECTION:
        format_set_bold(f);
        format_set_align(f, id == XF_SECTION ? LXW_ALIGN_LEFT : LXW_ALIGN_CENTER);
        format_set_text_wrap(f);
        format_set_bg_color(f, id == XF_AUDIT_HEAD ? XS_AUDIT_FILL : XS_HEAD_FILL);
        break;
    case XF_CENTER:
        format_set_align(f, LXW_ALIGN_CENTER);
        format_set_text_wrap(f);
        break;
    case XF_NUM2:
    case XF_SUM2:
        format_set_num_format(f, "0.00");
        format_set_align(f, LXW_ALIGN_CENTER);
        if (id == XF_SUM2) format_set_bold(f);
        break;
    case XF_PCT:
        format_set_num_format(f, "0.00%");
        format_set_align(f, LXW_ALIGN_CENTER);
        break;
    case XF_MONEY:
        format_set_num_format(f, "#,##0.00");
        break;
    case XF_TOTAL:
        format_set_bold(f);
        format_set_font_size(f, 11);
        format_set_num_format(f, "0.00");
        format_set_align(f, LXW_ALIGN_CENTER);
        break;
    case XF_GRADE:
        format_set_bold(f);
        format_set_font_size(f, 11);
        format_set_align(f, LXW_ALIGN_CENTER);
        break;
    case XF_NOTE:
    case XF_SIGN:
        format_set_text_wrap(f);
        format_set_font_size(f, 9);
        if (id == XF_SIGN) *border = false;
        break;
    case XF_HIDDEN:
        *border = false;
        break;
    case XF_INT:
        format_set_num_format(f, "0");
        format_set_align(f, LXW_ALIGN_CENTER);
        break;
    case XF_LINK:
        format_set_underline(f, LXW_UNDERLINE_SINGLE);
        format_set_font_color(f, LXW_COLOR_BLUE);
        format_set_text_wrap(f);
        break;
    case XF__COUNT:
        break;
    }
}

static lxw_format *make_fmt(lxw_workbook *wb, xf_id id, int style)
{
    lxw_format *f = workbook_add_format(wb);
    if (!f) return NULL;
    format_set_font_name(f, id == XF_TITLE ? XS_TITLE_FONT : XS_FONT);
    format_set_font_charset(f, XS_CHARSET);
    format_set_font_size(f, 10);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    bool border = true;
    fmt_kind(f, id, &border);
    if (border) format_set_border(f, LXW_BORDER_THIN);
    if (style == XS_FLAG) format_set_bg_color(f, XS_FLAG_FILL);
    if (style == XS_INPUT) {
        format_set_bg_color(f, XS_INPUT_FILL);
        format_set_unlocked(f);
    }
    return f;
}

bool xw_init(xwb *w, lxw_workbook *wb, const jx_ruleset *rs, bool blank, const jx_run_info *info)
{
    memset(w, 0, sizeof *w);
    w->wb = wb;
    w->rs = rs;
    w->blank = blank;
    w->info = info;
    /* The Normal style (the workbook's first format) in Arial 10 rather than Calibri 11: column
     * widths are counted in its digits, 7 pixels in Excel and WPS; LibreOffice, which has no
     * Calibri, would measure a wider substitute (DejaVu Sans: a third wider, so every sheet
     * printed smaller), but has Arial's metric twin (Liberation Sans). Every cell written has
     * its own 宋体 format. */
    lxw_format *normal = STAILQ_FIRST(wb->formats);
    if (normal) {
        format_set_font_name(normal, "Arial");
        format_set_font_size(normal, 10);
    }
    /* the footer: the rule set and run on every printed page ('&' doubled for the header code) */
    char who[160];
    size_t n = 0;
    snprintf(who, sizeof who, "评分规则 %s（%.12s）运行 #%lld", info->rules, info->rules_sha256,
             (long long)info->id);
    n = (size_t)snprintf(w->footer, sizeof w->footer, "&L&8");
    for (const char *p = who; *p && n + 3 < sizeof w->footer; p++) {
        if (*p == '&') w->footer[n++] = '&';
        w->footer[n++] = *p;
    }
    snprintf(w->footer + n, sizeof w->footer - n, "&C&9第 &P 页，共 &N 页");
    return true;
}

/* a and b give the same cell style: libxlsxwriter's test (its format key: the whole struct but
 * the links; the index a format is given at its first use set aside) */
static bool same_style(const lxw_format *a, const lxw_format *b)
{
    lxw_format x = *a, y = *b;
    x.file = y.file = NULL;
    x.xf_format_indices = y.xf_format_indices = NULL;
    x.dxf_format_indices = y.dxf_format_indices = NULL;
    x.num_xf_formats = y.num_xf_formats = NULL;
    x.num_dxf_formats = y.num_dxf_formats = NULL;
    x.list_pointers.stqe_next = y.list_pointers.stqe_next = NULL;
    x.xf_index = y.xf_index = LXW_PROPERTY_UNSET;
    return memcmp(&x, &y, sizeof x) == 0;
}

/* f, or the format made before it with the same style. libxlsxwriter gives a format its index
 * at its first use, but a second format of the same style it looks up by hashing the whole
 * struct (~1,000 instructions) at every cell written with it, never keeping the answer: a
 * third of the cells of a department's workbook. The earlier format gets the same index (it
 * was used first, or is used now in its place), so the workbook is the same. */
static lxw_format *first_of_style(xwb *w, lxw_format *f)
{
    for (int id = 0; id < XF__COUNT; id++)
        for (int st = 0; st < XS__COUNT; st++)
            if (w->fmt[id][st] && w->fmt[id][st] != f && same_style(w->fmt[id][st], f))
                return w->fmt[id][st];
    for (int i = 0; i < w->nufmt; i++)
        for (int st = 0; st < XS__COUNT; st++)
            if (w->ufmt[i].f[st] && w->ufmt[i].f[st] != f && same_style(w->ufmt[i].f[st], f))
                return w->ufmt[i].f[st];
    return f;
}

/* Formats are made on first use: every format costs libxlsxwriter work at close, in every
 * workbook, and a department's workbook uses few of them. */
lxw_format *xw_fmt(xwb *w, xf_id id, int style)
{
    lxw_format **f = &w->fmt[id][style];
    if (*f) return *f;
    lxw_format *n = make_fmt(w->wb, id, style);
    if (!n) w->lxerr = LXW_ERROR_MEMORY_MALLOC_FAILED;
    return *f = n ? first_of_style(w, n) : NULL;
}

static lxw_format *date_fmt(xwb *w, int style)
{
    return xw_num_fmt(w, "yyyy\"年\"m\"月\"d\"日\"", style);
}

void xw_free(xwb *w)
{
    for (int i = 0; i < w->nlists; i++)
        free(w->lists[i]);
    w->nlists = 0;
    free(w->heights);
    w->heights = NULL;
    w->capheights = 0;
}

lxw_format *xw_num_fmt(xwb *w, const char *code, int style)
{
    if (!*code) return xw_fmt(w, XF_CENTER, style);
    for (int i = 0; i < w->nufmt; i++)
        if (!strcmp(w->ufmt[i].code, code)) {
            lxw_format **f = &w->ufmt[i].f[style];
            if (!*f && (*f = make_fmt(w->wb, XF_CENTER, style))) {
                format_set_num_format(*f, code);
                *f = first_of_style(w, *f);
            }
            return *f ? *f : xw_fmt(w, XF_CENTER, style);
        }
    if (w->nufmt >= XW_MAX_UNIT_FMTS) return xw_fmt(w, XF_CENTER, style);
    int i = w->nufmt++;
    snprintf(w->ufmt[i].code, sizeof w->ufmt[i].code, "%s", code);
    for (int k = 0; k < XS__COUNT; k++)
        w->ufmt[i].f[k] = NULL;
    return xw_num_fmt(w, code, style);
}

/* ---- cells ---- */

static void keep(xwb *w, lxw_error e)
{
    if (e != LXW_NO_ERROR && w->lxerr == LXW_NO_ERROR) w->lxerr = e;
}

void xw_blank(xwb *w, lxw_worksheet *ws, int r, int c, lxw_format *f)
{
    keep(w, worksheet_write_blank(ws, (lxw_row_t)r, (lxw_col_t)c, f));
    w->stats.cells++;
}

void xw_str(xwb *w, lxw_worksheet *ws, int r, int c, const char *s, lxw_format *f)
{
    if (!s || !*s) {
        xw_blank(w, ws, r, c, f);
        return;
    }
    size_t len = strlen(s);
    if (len > XS_MAX_TEXT) { /* cut at a character boundary; bytes >= characters */
        size_t keep_len = jx_utf8_clip(s, len, XS_MAX_TEXT);
        char *cut = malloc(keep_len + 1);
        if (!cut) {
            keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        memcpy(cut, s, keep_len);
        cut[keep_len] = '\0';
        keep(w, worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, cut, f));
        free(cut);
    } else {
        /* worksheet_write_string() always stores text: "=cmd" stays the text "=cmd" */
        keep(w, worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, s, f));
    }
    w->stats.cells++;
}

void xw_num(xwb *w, lxw_worksheet *ws, int r, int c, double x, lxw_format *f)
{
    keep(w, worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, x, f));
    w->stats.cells++;
}

void xw_formula(xwb *w, lxw_worksheet *ws, int r, int c, const char *formula, double cached,
                lxw_format *f)
{
    keep(w, worksheet_write_formula_num(ws, (lxw_row_t)r, (lxw_col_t)c, formula, f, cached));
    w->stats.cells++;
}

void xw_formula_str(xwb *w, lxw_worksheet *ws, int r, int c, const char *formula,
                    const char *cached, lxw_format *f)
{
    keep(w, worksheet_write_formula_str(ws, (lxw_row_t)r, (lxw_col_t)c, formula, f, cached));
    w->stats.cells++;
}

void xw_merge(xwb *w, lxw_worksheet *ws, int r1, int c1, int r2, int c2, const char *s,
              lxw_format *f)
{
    /* In constant-memory mode the rows before r2 are gone: merge_range() can only write row r2
     * (its write of the first cell is refused and ignored); the range itself is kept. */
    keep(w, worksheet_merge_range(ws, (lxw_row_t)r1, (lxw_col_t)c1, (lxw_row_t)r2, (lxw_col_t)c2,
                                  s ? s : "", f));
    w->stats.cells += c2 - c1 + 1;
}

void xw_print_setup(xwb *w, lxw_worksheet *ws, bool landscape, int repeat_row, int last_row,
                    int last_col, int tall)
{
    if (landscape)
        worksheet_set_landscape(ws);
    else
        worksheet_set_portrait(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_set_margins(ws, 0.3, 0.3, 0.5, 0.6);
    worksheet_fit_to_pages(ws, 1, (uint16_t)tall);
    worksheet_center_horizontally(ws);
    if (repeat_row >= 0) worksheet_repeat_rows(ws, (lxw_row_t)repeat_row, (lxw_row_t)repeat_row);
    worksheet_print_area(ws, 0, 0, (lxw_row_t)last_row, (lxw_col_t)last_col);
    worksheet_set_footer(ws, w->footer);
}

void xw_quote_sheet(const char *name, char *buf, size_t cap)
{
    size_t n = 0;
    if (cap < 3) {
        if (cap) buf[0] = '\0';
        return;
    }
    buf[n++] = '\'';
    for (const char *p = name; *p && n + 3 < cap; p++) {
        if (*p == '\'') buf[n++] = '\'';
        buf[n++] = *p;
    }
    buf[n++] = '\'';
    buf[n] = '\0';
}

size_t xw_flag_labels(unsigned flags, char *buf, size_t cap)
{
    size_t n = 0;
    if (cap) buf[0] = '\0';
    for (int i = 0; i < JX_FLAG_COUNT; i++) {
        if (!(flags & (1u << i))) continue;
        int k = snprintf(n < cap ? buf + n : NULL, n < cap ? cap - n : 0, "%s%s", n ? "；" : "",
                         jx_flag_label(1u << i));
        if (k > 0) n += (size_t)k;
    }
    return n;
}

/* ---- sizes ---- */

/* Lines a text takes in a column of @p width units (Excel's: 7 pixels, plus 5 per column) at
 * @p pt points: East Asian characters are as wide as the font is high, others about half,
 * explicit line breaks count. Characters wrap where they fall, as East Asian text does. */
int xw_text_lines(const char *s, double width, double pt)
{
    if (!s || !*s) return 1;
    double room = width * 7 - 3, wide = pt * 4 / 3, narrow = wide * 0.55, cur = 0;
    int lines = 1;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p == '\n') {
            lines++;
            cur = 0;
            p++;
            continue;
        }
        double cw = *p < 0x80 ? narrow : wide;
        p += *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        if (cur + cw > room) {
            lines++;
            cur = 0;
        }
        cur += cw;
    }
    return lines;
}

double xw_row_height(int lines, double pt)
{
    return lines * pt * 1.4 + 4;
}

/* Column widths: the official eight fit A4 portrait at 83% (long 三级指标 and 偏差原因 on fewer
 * lines); the auditor's four are wide enough for their text on screen; the helpers are hidden. */
static const double col_width[C__COUNT] = {
    [C_L1] = 9,       [C_L2] = 9,     [C_L3] = 26,     [C_T] = 11,  [C_A] = 11,
    [C_W] = 7,        [C_P] = 7,      [C_REASON] = 40, [C_OP] = 6,  [C_RATIO] = 8,
    [C_EXPLAIN] = 44, [C_FLAGS] = 22, [C_HT] = 10,     [C_HA] = 10,
};

static const char *const col_head[C__COUNT] = {
    "一级指标",   "二级指标",
    "三级指标",   "年度指标值",
    "实际完成值", "分值",
    "得分",       "偏差原因分析及改进措施",
    "指标性质",   "得分率",
    "计算说明",   "审核提示",
    "目标数值",   "完成数值（折算）",
};

/* Width in units of columns c1..c2 merged. */
static double span_width(int c1, int c2)
{
    double w = 0;
    for (int c = c1; c <= c2; c++)
        w += col_width[c] + (c > c1 ? 5.0 / 7 : 0);
    return w;
}

/* A4 portrait within the margins, in points, and the printed columns' width in points. */
#define XS_PAGE_W (595.3 - 2 * 0.3 * 72)
#define XS_PAGE_H (841.9 - (0.5 + 0.6) * 72)
#define XS_MIN_SCALE 0.7

static double printed_width_pt(void)
{
    double px = 0;
    for (int c = 0; c <= C_LAST_PRINTED; c++)
        px += col_width[c] * 7 + 5;
    return px * 0.75;
}

void xs_layout(bool project, size_t n, xlay *L)
{
    memset(L, 0, sizeof *L);
    L->project = project;
    int r = 2 + (project ? 2 : 0); /* title, 部门 / 年度, (项目名称, 主管部门 / 实施单位) */
    L->money_head = r++;
    L->money_total = r++;
    L->money_sub = r;
    L->nsub = project ? 3 : 2;
    r += L->nsub;
    L->goal_head = r++;
    L->goal_row = r++;
    L->head = r++;
    L->first = r;
    L->n = (int)n;
    r += (int)n;
    L->sum = r++;
    L->total = r++;
    L->grade = r++;
    L->note = r++;
    L->sign = r;
}

/* ---- the sheet ---- */

/* One run of consecutive 实际完成值 cells with the same validation. */
typedef struct xvrun {
    xinput kind;
    int r1, r2;
    char key[XP_MAX_DROP * 40]; /* the list's words joined with '\n', or the unit */
} xvrun;

/* A subject's sheet being written. */
typedef struct xsheet {
    xwb *w;
    lxw_worksheet *ws;
    const jx_run_subject *s;
    xlay L;
    double *h; /* row heights, 0..L.sign */
    size_t nflagged;
    double bweight; /* the budget's 分值; 0: budget execution is not scored on this form */
    xvrun v;
} xsheet;

#define FM(id) xw_fmt(x->w, id, XS_PLAIN)
#define FMS(id, st) xw_fmt(x->w, id, st)
#define IN(blank) ((blank) ? XS_INPUT : XS_PLAIN)

static void merged_text(xwb *w, lxw_worksheet *ws, int r, int c1, int c2, const char *s,
                        lxw_format *f)
{
    if (c1 == c2)
        xw_str(w, ws, r, c1, s, f);
    else
        xw_merge(w, ws, r, c1, r, c2, s, f);
}

static void write_cell(xwb *w, lxw_worksheet *ws, int r, int c, const xcell *x, int style)
{
    switch (x->kind) {
    case XC_TEXT:
        xw_str(w, ws, r, c, x->text, xw_fmt(w, XF_TEXT, style));
        break;
    case XC_NUM:
        xw_num(w, ws, r, c, x->num, xw_num_fmt(w, x->nf, style));
        break;
    case XC_DATE:
        if (isnan(x->num))
            xw_blank(w, ws, r, c, date_fmt(w, style));
        else
            xw_num(w, ws, r, c, x->num, date_fmt(w, style));
        break;
    case XC_BLANK:
        xw_blank(w, ws, r, c, xw_num_fmt(w, x->nf, style));
        break;
    }
}

/* A dropdown list too long to state inline (libxlsxwriter 1.1.4 overflows a buffer on lists
 * longer than 255 bytes): a column of the hidden 选项 sheet; false when there is no room. */
static bool list_ref(xwb *w, const char *joined, int nwords, char *ref, size_t cap)
{
    int k = 0;
    while (k < w->nlists && strcmp(w->lists[k], joined))
        k++;
    if (k == w->nlists) {
        if (k >= XW_MAX_LISTS || !(w->lists[k] = strdup(joined))) return false;
        w->nlists++;
    }
    char col[4];
    lxw_col_to_name(col, (lxw_col_t)k, 0);
    snprintf(ref, cap, "='选项'!$%s$1:$%s$%d", col, col, nwords);
    return true;
}

/* Write the pending run of validations of the 实际完成值 column. */
static void flush_validation(xsheet *x)
{
    xvrun *v = &x->v;
    if (v->kind == XI_NONE) return;
    lxw_data_validation dv = {.error_type = LXW_VALIDATION_ERROR_TYPE_STOP};
    char msg[256], ref[64];
    char *list[XP_MAX_DROP + 1];
    char words[sizeof v->key];
    switch (v->kind) {
    case XI_LIST: {
        dv.validate = LXW_VALIDATION_TYPE_LIST;
        dv.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING;
        snprintf(words, sizeof words, "%s", v->key);
        int n = 0;
        for (char *p = words; p && n < XP_MAX_DROP; n++) {
            list[n] = p;
            if ((p = strchr(p, '\n'))) *p++ = '\0';
        }
        list[n] = NULL;
        if (strlen(v->key) <= 200 && !strchr(v->key, ',')) {
            dv.value_list = list;
        } else if (list_ref(x->w, v->key, n, ref, sizeof ref)) {
            dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
            dv.value_formula = ref;
        } else {
            v->kind = XI_NONE;
            return; /* no dropdown: still a valid sheet */
        }
        dv.input_title = "实际完成值";
        dv.input_message = "请从下拉列表中选择完成情况。";
        break;
    }
    case XI_NUMBER:
    case XI_PERCENT:
        dv.validate = LXW_VALIDATION_TYPE_DECIMAL;
        dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        dv.minimum_number = v->kind == XI_PERCENT ? -10 : -1e15;
        dv.maximum_number = v->kind == XI_PERCENT ? 10 : 1e15;
        if (v->kind == XI_PERCENT)
            snprintf(msg, sizeof msg, "请填写百分数，如 97.5%%（只填数字和百分号，不带文字）。");
        else
            snprintf(msg, sizeof msg, "请只填写数字，不带单位或文字%s%.32s%s。",
                     *v->key ? "（单位：" : "", v->key, *v->key ? "）" : "");
        dv.input_title = "实际完成值";
        dv.input_message = msg;
        dv.error_title = "请填写数字";
        dv.error_message = "这里只能填写数字，例如完成 150 人请填写 150。";
        break;
    case XI_DATE:
        dv.validate = LXW_VALIDATION_TYPE_DATE;
        dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        dv.minimum_datetime = (lxw_datetime){1900, 1, 1, 0, 0, 0};
        dv.maximum_datetime = (lxw_datetime){9999, 12, 31, 0, 0, 0};
        dv.input_title = "实际完成值";
        dv.input_message = "请填写完成日期，如 2024-12-31。";
        dv.error_title = "请填写日期";
        dv.error_message = "这里只能填写日期，例如 2024-12-31。";
        break;
    case XI_NONE:
        break;
    }
    keep(x->w,
         worksheet_data_validation_range(x->ws, (lxw_row_t)v->r1, C_A, (lxw_row_t)v->r2, C_A, &dv));
    v->kind = XI_NONE;
}

/* Add row @p r's validation to the run (lists always; numbers and dates on a blank form). */
static void add_validation(xsheet *x, int r, const xplan *p)
{
    xinput kind = p->ndrop ? XI_LIST : x->w->blank ? p->input : XI_NONE;
    if (kind == XI_LIST && !p->ndrop) kind = XI_NONE;
    char key[sizeof x->v.key];
    size_t n = 0;
    key[0] = '\0';
    if (kind == XI_LIST)
        for (int i = 0; i < p->ndrop && n < sizeof key; i++)
            n += (size_t)snprintf(key + n, sizeof key - n, "%s%s", i ? "\n" : "", p->drop[i]);
    else if (kind == XI_NUMBER)
        snprintf(key, sizeof key, "%s", p->unit);
    if (x->v.kind != XI_NONE && (kind != x->v.kind || r != x->v.r2 + 1 || strcmp(key, x->v.key)))
        flush_validation(x);
    if (kind == XI_NONE) return;
    if (x->v.kind == XI_NONE) {
        x->v.kind = kind;
        x->v.r1 = r;
        snprintf(x->v.key, sizeof x->v.key, "%s", key);
    }
    x->v.r2 = r;
}

void xw_finish(xwb *w)
{
    if (!w->nlists) return;
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, "选项");
    if (!ws) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    /* row by row (constant-memory mode): the word of each list on that row */
    for (int r = 0; r < XP_MAX_DROP; r++) {
        for (int k = 0; k < w->nlists; k++) {
            const char *s = w->lists[k];
            for (int i = 0; i < r && s; i++) {
                s = strchr(s, '\n');
                if (s) s++;
            }
            if (!s) continue;
            const char *e = strchr(s, '\n');
            char word[256];
            snprintf(word, sizeof word, "%.*s", (int)(e ? (size_t)(e - s) : strlen(s)), s);
            xw_str(w, ws, r, k, word, NULL);
        }
    }
    worksheet_hide(ws);
    w->stats.sheets++;
}

static void define_names(xwb *w)
{
    if (w->names_defined || !w->rs) return;
    char buf[4096];
    if (xp_grades_name(w->rs, buf, sizeof buf))
        keep(w, workbook_define_name(w->wb, XP_GRADES_NAME, buf));
    if (xp_bands_name(w->rs, buf, sizeof buf))
        keep(w, workbook_define_name(w->wb, XP_BANDS_NAME, buf));
    w->names_defined = true;
}

/* The grade formula of the total in cell @p ref: the rule set's bands, highest first. */
static bool grade_formula(const jx_ruleset *rs, const char *ref, char *buf, size_t cap)
{
    if (!rs || rs->ntotal_grade < 1) return false;
    size_t n = (size_t)snprintf(buf, cap, "=");
    for (int i = 0; i + 1 < rs->ntotal_grade && n < cap; i++) {
        char min[48];
        xp_num(min, sizeof min, rs->total_grade[i].min - 1e-9);
        n += (size_t)snprintf(buf + n, cap - n, "IF(%s>=%s,\"%s\",", ref, min,
                              rs->total_grade[i].grade);
    }
    if (n < cap)
        n += (size_t)snprintf(buf + n, cap - n, "\"%s\"",
                              rs->total_grade[rs->ntotal_grade - 1].grade);
    for (int i = 0; i + 1 < rs->ntotal_grade && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, ")");
    return n < cap;
}

/* The grade bands in words: 优 ≥ 90，良 ≥ 80，中 ≥ 60，其余为差. */
static void grade_bands(const jx_ruleset *rs, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; rs && i < rs->ntotal_grade && n < cap; i++) {
        if (i + 1 < rs->ntotal_grade)
            n += (size_t)snprintf(buf + n, cap - n, "%s%s ≥ %g", i ? "，" : "",
                                  rs->total_grade[i].grade, rs->total_grade[i].min);
        else
            n += (size_t)snprintf(buf + n, cap - n, "，其余为%s", rs->total_grade[i].grade);
    }
}

static const char sign_text[] =
    "填报人：　　　　联系电话：　　　　单位负责人（签字）：　　　　"
    "财务负责人（签字）：　　　　（单位盖章）　　　填报日期：　　年　　月　　日";

/* The 注 under the form: how it is filled and scored, from the rule set. */
static void note_text(const jx_ruleset *rs, char *buf, size_t cap)
{
    char bands[256];
    grade_bands(rs, bands, sizeof bands);
    size_t n = (size_t)snprintf(
        buf, cap,
        "注：1. 定量指标完成值达到年度指标值的得满分，未达到的按 实际完成值 ÷ 年度指标值 × 分值 "
        "计分；反向指标（≤）%s。2. 定性指标按达成、部分达成、未达成三档计分",
        rs && rs->le == RS_LE_DEVIATION ? "按偏离度（超出部分占指标值的比例）扣减计分"
                                        : "按 年度指标值 ÷ 实际完成值 × 分值 计分");
    if (rs && n < cap)
        n += (size_t)snprintf(
            buf + n, cap - n, "（%g%% / %g%% / %g%%）", rs->band[RS_BAND_MET].value * 100,
            rs->band[RS_BAND_PARTIAL].value * 100, rs->band[RS_BAND_FAILED].value * 100);
    if (n < cap)
        n += (size_t)snprintf(buf + n, cap - n,
                              "。3. 不适用的指标不计分，其余得分按百分制折算。4. "
                              "未完成的指标须填写偏差原因分析及改进措施。5. 实际完成值只填数字"
                              "（百分比填如 97.5%%），不带单位。");
    if (*bands && n < cap) snprintf(buf + n, cap - n, "6. 自评等级：%s。", bands);
}

/* ---- heights and pages ---- */

static int max_i(int a, int b)
{
    return a > b ? a : b;
}

/* Lines of an indicator row, from the text in its printed cells. */
static int indicator_lines(const xwb *w, const jx_run_indicator *in)
{
    int k = xw_text_lines(in->level3, col_width[C_L3], 10);
    k = max_i(k, xw_text_lines(in->target, col_width[C_T], 10));
    if (!w->blank) {
        k = max_i(k, xw_text_lines(in->actual, col_width[C_A], 10));
        k = max_i(k, xw_text_lines(in->reason, col_width[C_REASON], 10));
    }
    return k;
}

/* Grow the last row of a merged group [a..b] so that @p lines of its label fit. */
static void fit_group(double *h, int a, int b, int lines)
{
    double need = xw_row_height(lines, 10), have = 0;
    for (int r = a; r <= b; r++)
        have += h[r];
    if (have < need) h[b] += need - have;
}

/* The 一级指标 label's points (产出指标（50分）): Σ weights of its scored indicators. */
static double level1_points(const jx_run_subject *s, size_t i)
{
    double pts = 0;
    for (size_t k = i; k < s->n && !strcmp(s->ind[k].level1, s->ind[i].level1); k++)
        if (s->ind[k].score.scored) pts += s->ind[k].score.weight;
    return pts;
}

/* The 一级指标 cell shows its points under its name (产出指标 / （50分）) through a text format,
 * so that the cell still holds the name alone (read back by an import as it was written). */
static lxw_format *level1_fmt(xwb *w, const jx_run_subject *s, size_t i)
{
    char pts[32], code[XW_NF_MAX];
    snprintf(pts, sizeof pts, "%.2f", level1_points(s, i));
    char *e = pts + strlen(pts);
    while (e > pts && e[-1] == '0')
        *--e = '\0';
    if (e > pts && e[-1] == '.') e[-1] = '\0';
    snprintf(code, sizeof code, "@\"\n（%s分）\"", pts);
    return xw_num_fmt(w, code, XS_PLAIN);
}

static void indicator_heights(xsheet *x)
{
    const jx_run_subject *s = x->s;
    int g1 = 0, g2 = 0;
    for (size_t i = 0; i < s->n; i++) {
        const jx_run_indicator *in = &s->ind[i];
        int r = x->L.first + (int)i;
        x->h[r] = xw_row_height(indicator_lines(x->w, in), 10);
        if (i == 0 || strcmp(in->level1, s->ind[i - 1].level1)) g1 = r;
        if (r == g1 || strcmp(in->level2, s->ind[i - 1].level2)) g2 = r;
        bool end1 = i + 1 == s->n || strcmp(in->level1, s->ind[i + 1].level1);
        bool end2 = end1 || strcmp(in->level2, s->ind[i + 1].level2);
        if (end1)
            fit_group(x->h, g1, r,
                      xw_text_lines(s->ind[g1 - x->L.first].level1, col_width[C_L1], 10) + 1);
        if (end2) fit_group(x->h, g2, r, xw_text_lines(in->level2, col_width[C_L2], 10));
    }
}

/* Every row's height, from the lines of its text in the printed columns. */
static void plan_heights(xsheet *x)
{
    const xlay *L = &x->L;
    const jx_run_subject *s = x->s;
    double one = xw_row_height(1, 10);
    for (int r = 0; r <= L->sign; r++)
        x->h[r] = one;
    x->h[0] = 30;
    x->h[1] = xw_row_height(max_i(xw_text_lines(s->name, col_width[C_L3], 10),
                                  xw_text_lines(s->code, col_width[C_A], 10)),
                            10);
    if (L->project) {
        x->h[2] = xw_row_height(xw_text_lines(s->project, span_width(C_L3, C_REASON), 10), 10);
        x->h[3] = xw_row_height(max_i(xw_text_lines(s->admin_dept, span_width(C_L3, C_T), 10),
                                      xw_text_lines(s->implementer, span_width(C_W, C_REASON), 10)),
                                10);
    }
    int g =
        max_i(xw_text_lines(s->goal, span_width(C_L3, C_A), 10),
              xw_text_lines(x->w->blank ? NULL : s->goal_result, span_width(C_W, C_REASON), 10));
    x->h[L->goal_row] = xw_row_height(max_i(g, x->w->blank ? 3 : 2), 10);
    indicator_heights(x);
    x->h[L->total] = x->h[L->grade] = xw_row_height(1, 11);
    char note[1024];
    note_text(x->w->rs, note, sizeof note);
    x->h[L->note] = xw_row_height(xw_text_lines(note, span_width(0, C_LAST_PRINTED), 9), 9);
    x->h[L->sign] =
        xw_row_height(xw_text_lines(sign_text, span_width(0, C_LAST_PRINTED), 9), 9) + 8;
}

/* Print setup: one page when the sheet fits at 70% or more; else page breaks between indicator
 * rows, the header repeated, the last two indicators kept with the totals and signature. */
static void plan_pages(xsheet *x)
{
    const xlay *L = &x->L;
    double total = 0;
    for (int r = 0; r <= L->sign; r++)
        total += x->h[r];
    if (total <= XS_PAGE_H / XS_MIN_SCALE) {
        xw_print_setup(x->w, x->ws, false, L->head, L->sign, C_LAST_PRINTED, 1);
        return;
    }
    double ws = printed_width_pt() > XS_PAGE_W ? XS_PAGE_W / printed_width_pt() : 1;
    double cap = XS_PAGE_H / ws * 0.95, tail = 0, cur = 0;
    for (int r = L->sum; r <= L->sign; r++)
        tail += x->h[r];
    for (int r = 0; r < L->first; r++)
        cur += x->h[r];
    lxw_row_t *br = calloc((size_t)L->n + 2, sizeof *br);
    int nb = 0;
    int keep_from = L->n >= 2 ? L->n - 2 : 0; /* the last rows go with the totals */
    for (int i = 0; br && i < L->n; i++) {
        double unit = x->h[L->first + i];
        if (i == keep_from) {
            for (int k = i + 1; k < L->n; k++)
                unit += x->h[L->first + k];
            unit += tail;
        }
        if (cur + unit > cap && cur > x->h[L->head] + 1) {
            br[nb++] = (lxw_row_t)(L->first + i);
            cur = x->h[L->head];
        }
        cur += unit;
        if (i == keep_from) break;
    }
    if (nb) keep(x->w, worksheet_set_h_pagebreaks(x->ws, br));
    free(br);
    xw_print_setup(x->w, x->ws, false, L->head, L->sign, C_LAST_PRINTED, 0);
}

/* A row's height, set before its cells: in constant-memory mode set_row() moves on to the row. */
static void start_row(xsheet *x, int r)
{
    worksheet_set_row(x->ws, (lxw_row_t)r, x->h[r], NULL);
}

/* ---- the blocks of the form ---- */

static void write_fields(xsheet *x)
{
    xwb *w = x->w;
    lxw_worksheet *ws = x->ws;
    const jx_run_subject *s = x->s;
    const jx_run_info *info = w->info;
    char buf[1024];
    start_row(x, 0);
    snprintf(buf, sizeof buf, "%s支出绩效自评表（%d年度）", *s->project ? "项目" : "部门整体",
             s->year);
    merged_text(w, ws, 0, 0, C_LAST_PRINTED, buf, FM(XF_TITLE));
    snprintf(buf, sizeof buf, "评分规则：%s（SHA-256 %.12s…）；评分运行 #%lld%s%s%s%s", info->rules,
             info->rules_sha256, (long long)info->id, *info->label ? "（" : "", info->label,
             *info->label ? "）" : "", w->rs ? "" : "；未载入该规则集，得分率按存储值填写");
    merged_text(w, ws, 0, C_OP, C_FLAGS, buf, FM(XF_NOTE));

    start_row(x, 1);
    merged_text(w, ws, 1, C_L1, C_L2, "部门（单位）名称", FM(XF_INFO_LABEL));
    xw_str(w, ws, 1, C_L3, s->name, FM(XF_INFO));
    xw_str(w, ws, 1, C_T, "部门编码", FM(XF_INFO_LABEL));
    xw_str(w, ws, 1, C_A, s->code, FM(XF_INFO));
    merged_text(w, ws, 1, C_W, C_P, "年度", FM(XF_INFO_LABEL));
    snprintf(buf, sizeof buf, "%d", s->year);
    xw_str(w, ws, 1, C_REASON, buf, FM(XF_INFO));
    unsigned sflags = w->blank ? 0
                               : s->result.flags & (JX_FLAG_RESCALED | JX_FLAG_BUDGET_MISMATCH |
                                                    JX_FLAG_ALL_FULL_MARKS);
    size_t n = (size_t)snprintf(buf, sizeof buf, "审核提示：");
    n += xw_flag_labels(sflags, buf + n, sizeof buf - n);
    if (x->nflagged && n < sizeof buf)
        snprintf(buf + n, sizeof buf - n, "%s%zu项指标有审核提示（见“审核提示”列，已标色）",
                 sflags ? "；" : "", x->nflagged);
    else if (!sflags && n < sizeof buf)
        snprintf(buf + n, sizeof buf - n, "%s", w->blank ? "（填报后由评分程序生成）" : "无");
    merged_text(w, ws, 1, C_OP, C_FLAGS, buf,
                FMS(XF_NOTE, sflags || x->nflagged ? XS_FLAG : XS_PLAIN));
    if (!x->L.project) return;

    start_row(x, 2);
    merged_text(w, ws, 2, C_L1, C_L2, "项目名称", FM(XF_INFO_LABEL));
    merged_text(w, ws, 2, C_L3, C_REASON, s->project, FM(XF_INFO));
    start_row(x, 3);
    bool blank = w->blank;
    merged_text(w, ws, 3, C_L1, C_L2, "主管部门", FM(XF_INFO_LABEL));
    bool e1 = !s->admin_dept || !*s->admin_dept, e2 = !s->implementer || !*s->implementer;
    merged_text(w, ws, 3, C_L3, C_T, s->admin_dept, FMS(XF_INFO, IN(blank && e1)));
    xw_str(w, ws, 3, C_A, "实施单位", FM(XF_INFO_LABEL));
    merged_text(w, ws, 3, C_W, C_REASON, s->implementer, FMS(XF_INFO, IN(blank && e2)));
}

/* The points of 分值 × 得分率 as the rule set credits them ([rounding]: ROUND or ROUNDDOWN to its
 * decimals), so a sheet's total is the engine's. */
static const char *credited(const xwb *w, const char *expr, char *buf, size_t cap)
{
    const jx_ruleset *rs = w->rs;
    if (!rs || rs->round_decimals < 0) return expr;
    snprintf(buf, cap, "%s(%s,%d)", rs->round_down ? "ROUNDDOWN" : "ROUND", expr,
             rs->round_decimals);
    return buf;
}

/* One money row: the three amounts (NAN: an empty cell). */
static void money_amounts(xsheet *x, int r, double initial, double budget, double spent)
{
    const double v[3] = {initial, budget, spent};
    int st = IN(x->w->blank);
    for (int k = 0; k < 3; k++) {
        if (isnan(v[k]))
            xw_blank(x->w, x->ws, r, C_L3 + k, FMS(XF_MONEY, st));
        else
            xw_num(x->w, x->ws, r, C_L3 + k, v[k], FMS(XF_MONEY, st));
    }
}

static void write_money(xsheet *x)
{
    xwb *w = x->w;
    lxw_worksheet *ws = x->ws;
    const jx_run_subject *s = x->s;
    const jx_result *res = &s->result;
    const xlay *L = &x->L;
    static const char *const head[] = {"年初预算数", "全年预算数", "全年执行数",
                                       "分值",       "执行率",     "得分"};
    int r = L->money_head;
    start_row(x, r);
    merged_text(w, ws, r, C_L1, C_L2, L->project ? "项目资金（万元）" : "部门资金（万元）",
                FM(XF_HEAD));
    for (int i = 0; i < 6; i++)
        xw_str(w, ws, r, C_L3 + i, head[i], FM(XF_HEAD));

    r = L->money_total;
    int R = r + 1;
    start_row(x, r);
    merged_text(w, ws, r, C_L1, C_L2, "年度资金总额", FM(XF_INFO_LABEL));
    bool has = res->budget_scored || s->budget > 0 || s->spent > 0;
    if (has)
        money_amounts(x, r, s->budget_initial, s->budget, s->spent);
    else
        money_amounts(x, r, NAN, NAN, NAN);
    bool mismatch = !w->blank && (res->flags & JX_FLAG_BUDGET_MISMATCH);
    char f[160], buf[512], prod[48], rnd[80];
    if (x->bweight > 0) {
        xw_num(w, ws, r, C_W, x->bweight, FM(XF_NUM2));
        snprintf(f, sizeof f, "=IF(N(D%d)>0,N(E%d)/D%d,\"—\")", R, R, R);
        snprintf(prod, sizeof prod, "F%d*MIN(1,MAX(0,G%d))", R, R);
        const char *pts = credited(w, prod, rnd, sizeof rnd);
        if (res->budget_scored) {
            xw_formula(w, ws, r, C_P, f, res->budget_rate, FMS(XF_PCT, mismatch ? XS_FLAG : 0));
            snprintf(f, sizeof f, "=IF(ISNUMBER(G%d),%s,\"—\")", R, pts);
            xw_formula(w, ws, r, C_REASON, f, res->budget_points, FM(XF_NUM2));
        } else {
            xw_formula_str(w, ws, r, C_P, f, "—", FM(XF_PCT));
            snprintf(f, sizeof f, "=IF(ISNUMBER(G%d),%s,\"—\")", R, pts);
            xw_formula_str(w, ws, r, C_REASON, f, "—", FM(XF_NUM2));
        }
        snprintf(buf, sizeof buf,
                 "执行率 = 全年执行数 ÷ 全年预算数；得分 = 分值 × min(1, 执行率)；全年预算数为空或"
                 "不大于0时不计分%s%s",
                 mismatch ? "。" : "", mismatch ? jx_flag_label(JX_FLAG_BUDGET_MISMATCH) : "");
    } else {
        for (int c = C_W; c <= C_REASON; c++)
            xw_str(w, ws, r, c, "—", FM(XF_CENTER));
        snprintf(buf, sizeof buf, "不计分：规则集未设预算执行权重，或无预算执行数据");
    }
    xw_str(w, ws, r, C_EXPLAIN, buf, FMS(XF_NOTE, mismatch ? XS_FLAG : 0));

    static const char *const src[] = {"其中：本年财政拨款", "上年结转资金", "其他资金"};
    static const char *const use[] = {"其中：基本支出", "项目支出"};
    const jx_money *m[3] = {&s->fund_fiscal, &s->fund_carryover, &s->fund_other};
    const jx_money *u[2] = {&s->spend_basic, &s->spend_project};
    for (int i = 0; i < L->nsub; i++) {
        r = L->money_sub + i;
        start_row(x, r);
        const jx_money *mo = L->project ? m[i] : u[i];
        merged_text(w, ws, r, C_L1, C_L2, L->project ? src[i] : use[i], FM(XF_INFO_LABEL));
        if (mo->has)
            money_amounts(x, r, mo->initial, mo->budget, mo->spent);
        else
            money_amounts(x, r, NAN, NAN, NAN);
        for (int c = C_W; c <= C_REASON; c++)
            xw_blank(w, ws, r, c, FM(XF_CENTER));
    }
    if (w->blank) {
        lxw_data_validation dv = {.validate = LXW_VALIDATION_TYPE_DECIMAL,
                                  .criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO,
                                  .minimum_number = 0,
                                  .input_title = "金额（万元）",
                                  .input_message = "请填写金额，单位万元，只填数字。",
                                  .error_title = "请填写数字",
                                  .error_message = "这里只能填写不小于 0 的金额（万元）。"};
        keep(w, worksheet_data_validation_range(ws, (lxw_row_t)L->money_total, C_L3,
                                                (lxw_row_t)(L->money_sub + L->nsub - 1), C_A, &dv));
    }
}

static void write_goal(xsheet *x)
{
    xwb *w = x->w;
    lxw_worksheet *ws = x->ws;
    const xlay *L = &x->L;
    int r = L->goal_head;
    start_row(x, r);
    xw_str(w, ws, r, C_L1, "年度总体目标", FM(XF_INFO_LABEL));
    xw_blank(w, ws, r, C_L2, FM(XF_INFO_LABEL));
    merged_text(w, ws, r, C_L3, C_A, "预期目标", FM(XF_HEAD));
    merged_text(w, ws, r, C_W, C_REASON, "实际完成情况", FM(XF_HEAD));
    r = L->goal_row;
    start_row(x, r);
    xw_blank(w, ws, r, C_L1, FM(XF_INFO_LABEL));
    xw_blank(w, ws, r, C_L2, FM(XF_INFO_LABEL));
    xw_merge(w, ws, L->goal_head, C_L1, r, C_L2, "年度总体目标", FM(XF_INFO_LABEL));
    bool blank = w->blank, none = !x->s->goal || !*x->s->goal;
    merged_text(w, ws, r, C_L3, C_A, x->s->goal, FMS(XF_TEXT, IN(blank && none)));
    merged_text(w, ws, r, C_W, C_REASON, blank ? NULL : x->s->goal_result, FMS(XF_TEXT, IN(blank)));
}

static void write_head(xsheet *x)
{
    int r = x->L.head;
    start_row(x, r);
    for (int c = 0; c < C__COUNT; c++)
        xw_str(x->w, x->ws, r, c, col_head[c], FM(c > C_LAST_PRINTED ? XF_AUDIT_HEAD : XF_HEAD));
}

/* The 得分 of an indicator: 分值 × 得分率, with the blank form's guards: empty until its actual
 * is typed, 请填写数字 for text where a number is expected (0 points, never full marks). */
static void write_points(xsheet *x, int row, const jx_run_indicator *in, const xplan *p)
{
    xwb *w = x->w;
    int R = row + 1;
    char f[256], prod[32], rnd[64];
    snprintf(prod, sizeof prod, "F%d*J%d", R, R);
    const char *pts_expr = credited(w, prod, rnd, sizeof rnd);
    double pts = w->blank ? 0 : in->score.points;
    if (!p->formula) {
        if (w->blank)
            snprintf(f, sizeof f, "=IF(E%d=\"\",\"\",%s)", R, pts_expr);
        else
            snprintf(f, sizeof f, "=%s", pts_expr);
        if (w->blank)
            xw_formula_str(w, x->ws, row, C_P, f, "", FM(XF_NUM2));
        else
            xw_formula(w, x->ws, row, C_P, f, pts, FM(XF_NUM2));
        return;
    }
    char core[160];
    if (p->numeric) /* text where a number belongs: not scored, and it says so */
        snprintf(core, sizeof core, "IF(ISTEXT(E%d),\"请填写数字\",%s)", R, pts_expr);
    else
        snprintf(core, sizeof core, "IFERROR(%s,\"请从下拉列表选择\")", pts_expr);
    if (w->blank) {
        snprintf(f, sizeof f, "=IF(E%d=\"\",\"\",%s)", R, core);
        xw_formula_str(w, x->ws, row, C_P, f, "", FM(XF_NUM2));
    } else {
        snprintf(f, sizeof f, "=%s", core);
        xw_formula(w, x->ws, row, C_P, f, pts, FM(XF_NUM2));
    }
}

static void write_indicator(xsheet *x, size_t i, int *g1, int *g2)
{
    xwb *w = x->w;
    lxw_worksheet *ws = x->ws;
    const jx_run_subject *s = x->s;
    const jx_run_indicator *in = &s->ind[i];
    int row = x->L.first + (int)i;
    bool new1 = i == 0 || strcmp(in->level1, s->ind[i - 1].level1);
    bool new2 = new1 || strcmp(in->level2, s->ind[i - 1].level2);
    bool end1 = i + 1 == s->n || strcmp(in->level1, s->ind[i + 1].level1);
    bool end2 = end1 || strcmp(in->level2, s->ind[i + 1].level2);
    if (new1) *g1 = row;
    if (new2) *g2 = row;
    xplan p;
    xp_plan(w->rs, in, s->year, row, w->blank, &p);
    unsigned fl = w->blank ? 0 : in->score.flags;
    int st_t = fl & JX_FLAG_PLACEHOLDER_TARGET ? XS_FLAG : XS_PLAIN;
    int st_a = w->blank ? XS_INPUT
               : fl & (JX_FLAG_OVERSHOOT | JX_FLAG_MISSING_ACTUAL | JX_FLAG_UNCLEAR_ACTUAL)
                   ? XS_FLAG
                   : XS_PLAIN;
    int st_r = w->blank ? XS_INPUT : fl & JX_FLAG_MISSING_REASON ? XS_FLAG : XS_PLAIN;
    start_row(x, row);
    lxw_format *l1 = new1 || end1 ? level1_fmt(w, s, (size_t)(*g1 - x->L.first))
                                  : FM(XF_CENTER); /* a cell merged into the label */
    if (new1)
        xw_str(w, ws, row, C_L1, in->level1, l1);
    else
        xw_blank(w, ws, row, C_L1, l1);
    if (end1 && row > *g1)
        xw_merge(w, ws, *g1, C_L1, row, C_L1, s->ind[*g1 - x->L.first].level1, l1);
    if (new2)
        xw_str(w, ws, row, C_L2, in->level2, FM(XF_CENTER));
    else
        xw_blank(w, ws, row, C_L2, FM(XF_CENTER));
    if (end2 && row > *g2) xw_merge(w, ws, *g2, C_L2, row, C_L2, in->level2, FM(XF_CENTER));
    xw_str(w, ws, row, C_L3, in->level3, FM(XF_TEXT));
    write_cell(w, ws, row, C_T, &p.t, st_t);
    write_cell(w, ws, row, C_A, &p.a, st_a);
    add_validation(x, row, &p);
    xw_str(w, ws, row, C_REASON, w->blank ? "" : in->reason, FMS(XF_TEXT, st_r));
    xw_str(w, ws, row, C_OP, p.op, FM(XF_CENTER));
    if (in->score.scored) {
        xw_num(w, ws, row, C_W, in->score.weight, FM(XF_NUM2));
        write_points(x, row, in, &p);
        if (p.formula) {
            if (p.qualitative) define_names(w);
            xw_formula(w, ws, row, C_RATIO, p.f, p.ratio, FM(XF_PCT));
            w->stats.formulas++;
        } else {
            xw_num(w, ws, row, C_RATIO, p.ratio, FM(XF_PCT));
            w->stats.constants++;
        }
    } else {
        xw_str(w, ws, row, C_W, "—", FM(XF_CENTER));
        xw_str(w, ws, row, C_P, "—", FM(XF_CENTER));
        xw_str(w, ws, row, C_RATIO, "—", FM(XF_CENTER));
    }
    char flags[512];
    xw_flag_labels(fl, flags, sizeof flags);
    xw_str(w, ws, row, C_EXPLAIN,
           w->blank           ? ""
           : in->score.scored ? in->explain
                              : "不适用，不计分",
           FM(XF_NOTE));
    xw_str(w, ws, row, C_FLAGS, flags, FMS(XF_NOTE, fl ? XS_FLAG : XS_PLAIN));
    if (p.has_ht) xw_num(w, ws, row, C_HT, p.ht, FM(XF_HIDDEN));
    if (p.has_ha) {
        if (p.ha_formula)
            xw_formula(w, ws, row, C_HA, p.haf, p.ha, FM(XF_HIDDEN));
        else
            xw_num(w, ws, row, C_HA, p.ha, FM(XF_HIDDEN));
    }
}

/* 合计, 总分 and 自评等级: formulas over the indicators and the money row. The blank form shows
 * them empty until every scored indicator has its actual. */
static void write_totals(xsheet *x)
{
    xwb *w = x->w;
    lxw_worksheet *ws = x->ws;
    const jx_result *res = &x->s->result;
    const xlay *L = &x->L;
    bool blank = w->blank;
    int a = L->first + 1, b = L->first + L->n, M = L->money_total + 1;
    int rS = L->sum + 1, rT = L->total + 1;
    char f[700], range_f[64], range_g[64], bw[64], bp[64], buf[512];
    if (L->n) {
        snprintf(range_f, sizeof range_f, "SUM(F%d:F%d)", a, b);
        snprintf(range_g, sizeof range_g, "SUM(G%d:G%d)", a, b);
    } else {
        snprintf(range_f, sizeof range_f, "0");
        snprintf(range_g, sizeof range_g, "0");
    }
    bw[0] = bp[0] = '\0';
    if (x->bweight > 0) {
        snprintf(bw, sizeof bw, "+IF(ISNUMBER(H%d),F%d,0)", M, M);
        snprintf(bp, sizeof bp, "+IF(ISNUMBER(H%d),H%d,0)", M, M);
    }
    start_row(x, L->sum);
    merged_text(w, ws, L->sum, C_L1, C_A, "合计", FM(XF_SUM_LABEL));
    snprintf(f, sizeof f, "=%s%s", range_f, bw);
    xw_formula(w, ws, L->sum, C_W, f,
               blank ? res->ind_weight + (res->budget_scored ? res->budget_weight : 0)
                     : res->weight_sum,
               FM(XF_SUM2));
    if (blank && L->n) {
        snprintf(f, sizeof f, "=IF(COUNT(G%d:G%d)<COUNT(F%d:F%d),\"\",%s%s)", a, b, a, b, range_g,
                 bp);
        xw_formula_str(w, ws, L->sum, C_P, f, "", FM(XF_SUM2));
    } else {
        snprintf(f, sizeof f, "=%s%s", range_g, bp);
        xw_formula(w, ws, L->sum, C_P, f, res->points_sum, FM(XF_SUM2));
    }
    xw_blank(w, ws, L->sum, C_REASON, FM(XF_TEXT));
    snprintf(f, sizeof f, "=IF(%s>0,%s/%s,0)", range_f, range_g, range_f);
    xw_formula(w, ws, L->sum, C_RATIO, f,
               blank || res->ind_weight <= 0 ? 0 : res->ind_points / res->ind_weight, FM(XF_PCT));
    xw_str(w, ws, L->sum, C_EXPLAIN, "指标得分率 = 指标得分合计 ÷ 指标分值合计", FM(XF_NOTE));

    bool rescaled = !blank && (res->flags & JX_FLAG_RESCALED);
    start_row(x, L->total);
    merged_text(w, ws, L->total, C_L1, C_A, "总分", FM(XF_SUM_LABEL));
    xw_num(w, ws, L->total, C_W, 100, FM(XF_SUM2));
    snprintf(f, sizeof f,
             blank ? "=IF(G%d=\"\",\"\",IF(F%d>0,100*G%d/F%d,0))" : "=IF(F%d>0,100*G%d/F%d,0)", rS,
             rS, rS, rS);
    if (blank)
        xw_formula_str(w, ws, L->total, C_P, f, "", FM(XF_TOTAL));
    else
        xw_formula(w, ws, L->total, C_P, f, res->total, FMS(XF_TOTAL, rescaled ? XS_FLAG : 0));
    xw_str(w, ws, L->total, C_REASON, rescaled ? "不适用的指标不计分，得分按百分制折算" : "",
           FM(XF_NOTE));
    snprintf(buf, sizeof buf, "总分 = 100 × 得分合计 ÷ 分值合计%s%s", rescaled ? "。" : "",
             rescaled ? jx_flag_label(JX_FLAG_RESCALED) : "");
    xw_str(w, ws, L->total, C_EXPLAIN, buf, FMS(XF_NOTE, rescaled ? XS_FLAG : 0));

    start_row(x, L->grade);
    merged_text(w, ws, L->grade, C_L1, C_A, "自评等级", FM(XF_SUM_LABEL));
    xw_blank(w, ws, L->grade, C_W, FM(XF_SUM2));
    char ref[16], gf[512];
    snprintf(ref, sizeof ref, "G%d", rT);
    const char *grade = blank ? "" : res->grade;
    if (grade_formula(w->rs, ref, gf, sizeof gf)) {
        if (blank) {
            snprintf(f, sizeof f, "=IF(%s=\"\",\"\",%s)", ref, gf + 1);
            xw_formula_str(w, ws, L->grade, C_P, f, "", FM(XF_GRADE));
        } else {
            xw_formula_str(w, ws, L->grade, C_P, gf, grade, FM(XF_GRADE));
        }
    } else {
        xw_str(w, ws, L->grade, C_P, grade, FM(XF_GRADE));
    }
    xw_blank(w, ws, L->grade, C_REASON, FM(XF_TEXT));
    grade_bands(w->rs, buf, sizeof buf);
    xw_str(w, ws, L->grade, C_EXPLAIN, buf, FM(XF_NOTE));
}

static void write_notes(xsheet *x)
{
    char note[1024];
    note_text(x->w->rs, note, sizeof note);
    start_row(x, x->L.note);
    merged_text(x->w, x->ws, x->L.note, C_L1, C_LAST_PRINTED, note, FM(XF_NOTE));
    start_row(x, x->L.sign);
    merged_text(x->w, x->ws, x->L.sign, C_L1, C_LAST_PRINTED, sign_text, FM(XF_SIGN));
}

/* The budget's 分值 on this form: the rule set's weight (so that a blank form scores the amounts
 * typed in), else the run's when it scored the budget; 0: not scored. */
static double budget_weight(const xwb *w, const jx_result *res)
{
    if (w->rs) return w->rs->budget_weight > 0 ? w->rs->budget_weight : 0;
    return res->budget_scored ? res->budget_weight : 0;
}

void xs_subject(xwb *w, lxw_worksheet *ws, const jx_run_subject *s)
{
    xsheet x = {.w = w, .ws = ws, .s = s};
    xs_layout(*s->project != '\0', s->n, &x.L);
    size_t rows = (size_t)x.L.sign + 1;
    if (rows > w->capheights) {
        double *h = realloc(w->heights, rows * 2 * sizeof *h);
        if (!h) {
            keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        w->heights = h;
        w->capheights = rows * 2;
    }
    x.h = w->heights;
    x.bweight = budget_weight(w, &s->result);
    for (size_t i = 0; i < s->n && !w->blank; i++)
        if (s->ind[i].score.flags) x.nflagged++;
    for (int c = 0; c < C__COUNT; c++) {
        lxw_row_col_options hide = {.hidden = 1};
        worksheet_set_column_opt(ws, (lxw_col_t)c, (lxw_col_t)c, col_width[c], NULL,
                                 c >= C_HT ? &hide : NULL);
    }
    plan_heights(&x);
    plan_pages(&x);
    write_fields(&x);
    write_money(&x);
    write_goal(&x);
    write_head(&x);
    int g1 = 0, g2 = 0;
    for (size_t i = 0; i < s->n; i++)
        write_indicator(&x, i, &g1, &g2);
    flush_validation(&x);
    write_totals(&x);
    write_notes(&x);
    if (w->blank) {
        lxw_protection prot = {.format_rows = 1};
        worksheet_protect(ws, NULL, &prot);
    }
    w->stats.subjects++;
    w->stats.sheets++;
}
