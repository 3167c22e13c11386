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

#include "util/util_int.h"
#include "write/xlsx_write_int.h"

#define XS_FONT "宋体"
#define XS_TITLE_FONT "宋体"
#define XS_CHARSET 134 /* GB2312: East Asian fonts render as such in Excel and WPS */
#define XS_FLAG_FILL 0xFFEB9C
#define XS_HEAD_FILL 0xD9D9D9
#define XS_MAX_TEXT 32767 /* Excel's limit of a cell's text */

/* ---- formats ---- */

static lxw_format *make_fmt(lxw_workbook *wb, xf_id id, bool flagged)
{
    lxw_format *f = workbook_add_format(wb);
    if (!f) return NULL;
    format_set_font_name(f, id == XF_TITLE ? XS_TITLE_FONT : XS_FONT);
    format_set_font_charset(f, XS_CHARSET);
    format_set_font_size(f, 10);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    bool border = true;
    switch (id) {
    case XF_TITLE:
        format_set_font_size(f, 16);
        format_set_bold(f);
        format_set_align(f, LXW_ALIGN_CENTER);
        border = false;
        break;
    case XF_INFO_LABEL:
        format_set_bold(f);
        format_set_align(f, LXW_ALIGN_CENTER);
        format_set_text_wrap(f);
        break;
    case XF_INFO:
    case XF_TEXT:
        format_set_text_wrap(f);
        break;
    case XF_HEAD:
        format_set_bold(f);
        format_set_align(f, LXW_ALIGN_CENTER);
        format_set_text_wrap(f);
        format_set_bg_color(f, XS_HEAD_FILL);
        break;
    case XF_CENTER:
        format_set_align(f, LXW_ALIGN_CENTER);
        format_set_text_wrap(f);
        break;
    case XF_NUM2:
        format_set_num_format(f, "0.00");
        break;
    case XF_PCT:
        format_set_num_format(f, "0.00%");
        break;
    case XF_MONEY:
        format_set_num_format(f, "#,##0.00");
        break;
    case XF_SUM_LABEL:
        format_set_bold(f);
        format_set_align(f, LXW_ALIGN_CENTER);
        break;
    case XF_SUM2:
        format_set_bold(f);
        format_set_num_format(f, "0.00");
        break;
    case XF_TOTAL:
        format_set_bold(f);
        format_set_font_size(f, 11);
        format_set_num_format(f, "0.00");
        break;
    case XF_GRADE:
        format_set_bold(f);
        format_set_font_size(f, 11);
        format_set_align(f, LXW_ALIGN_CENTER);
        break;
    case XF_NOTE:
        format_set_text_wrap(f);
        format_set_font_size(f, 9);
        break;
    case XF_SIGN:
        format_set_text_wrap(f);
        border = false;
        break;
    case XF_HIDDEN:
        border = false;
        break;
    case XF_INT:
        format_set_num_format(f, "0");
        break;
    case XF__COUNT:
        break;
    }
    if (border) format_set_border(f, LXW_BORDER_THIN);
    if (flagged) format_set_bg_color(f, XS_FLAG_FILL);
    return f;
}

bool xw_init(xwb *w, lxw_workbook *wb, const jx_ruleset *rs, bool blank, const jx_run_info *info)
{
    memset(w, 0, sizeof *w);
    w->wb = wb;
    w->rs = rs;
    w->blank = blank;
    w->info = info;
    return true;
}

/* Formats are made on first use: every format costs libxlsxwriter work at close, in every
 * workbook, and a department's workbook uses few of them. */
lxw_format *xw_fmt(xwb *w, xf_id id, bool flagged)
{
    lxw_format **f = &w->fmt[id][flagged ? 1 : 0];
    if (!*f && !(*f = make_fmt(w->wb, id, flagged))) w->lxerr = LXW_ERROR_MEMORY_MALLOC_FAILED;
    return *f;
}

static lxw_format *date_fmt(xwb *w, bool flagged)
{
    lxw_format **f = &w->datefmt[flagged ? 1 : 0];
    if (!*f && (*f = make_fmt(w->wb, XF_CENTER, flagged)))
        format_set_num_format(*f, "yyyy\"年\"m\"月\"d\"日\"");
    return *f;
}

void xw_free(xwb *w)
{
    for (int i = 0; i < w->nlists; i++)
        free(w->lists[i]);
    w->nlists = 0;
}

lxw_format *xw_unit_fmt(xwb *w, const char *unit, bool flagged)
{
    for (int i = 0; i < w->nufmt; i++)
        if (!strcmp(w->ufmt[i].unit, unit)) return w->ufmt[i].f[flagged];
    if (w->nufmt >= XW_MAX_UNIT_FMTS || strpbrk(unit, "\"\\")) return xw_fmt(w, XF_CENTER, flagged);
    int i = w->nufmt;
    char nf[JX_UNIT_MAX + 16];
    if (*unit)
        snprintf(nf, sizeof nf, "General\"%s\"", unit);
    else
        snprintf(nf, sizeof nf, "General");
    for (int k = 0; k < 2; k++) {
        lxw_format *f = make_fmt(w->wb, XF_CENTER, k);
        if (!f) return xw_fmt(w, XF_CENTER, flagged);
        format_set_num_format(f, nf);
        w->ufmt[i].f[k] = f;
    }
    snprintf(w->ufmt[i].unit, sizeof w->ufmt[i].unit, "%s", unit);
    w->nufmt++;
    return w->ufmt[i].f[flagged];
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

void xw_print_setup(lxw_worksheet *ws, int repeat_row, int last_row, int last_col)
{
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_center_horizontally(ws);
    if (repeat_row >= 0) worksheet_repeat_rows(ws, (lxw_row_t)repeat_row, (lxw_row_t)repeat_row);
    worksheet_print_area(ws, 0, 0, (lxw_row_t)last_row, (lxw_col_t)last_col);
    worksheet_set_footer(ws, "&C第 &P 页，共 &N 页");
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

/* Display width of UTF-8 text in Excel's column units (CJK and other wide characters count 2)
 * and the lines it takes in a column of @p width units, counting explicit line breaks. */
static int text_lines(const char *s, double width)
{
    if (!s || !*s) return 1;
    int lines = 1;
    double cur = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p == '\n') {
            lines++;
            cur = 0;
            p++;
            continue;
        }
        double cw = *p < 0x80 ? 1.1 : 2.1;
        p += *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        if (cur + cw > width) {
            lines++;
            cur = 0;
        }
        cur += cw;
    }
    return lines;
}

static const double col_width[C__COUNT] = {
    [C_L1] = 10,      [C_L2] = 11,    [C_L3] = 24, [C_OP] = 6,      [C_T] = 11,
    [C_A] = 11,       [C_W] = 7,      [C_P] = 7,   [C_REASON] = 24, [C_RATIO] = 8,
    [C_EXPLAIN] = 26, [C_FLAGS] = 16, [C_HT] = 10, [C_HA] = 10,
};

static const char *const col_head[C__COUNT] = {
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
    "得分率",
    "计算说明",
    "审核提示",
    "目标数值",
    "完成数值（折算）",
};

/* ---- the sheet ---- */

static void merged_text(xwb *w, lxw_worksheet *ws, int r, int c1, int c2, const char *s,
                        lxw_format *f)
{
    if (c1 == c2)
        xw_str(w, ws, r, c1, s, f);
    else
        xw_merge(w, ws, r, c1, r, c2, s, f);
}

static void write_cell(xwb *w, lxw_worksheet *ws, int r, int c, const xcell *x, bool flagged)
{
    switch (x->kind) {
    case XC_TEXT:
        xw_str(w, ws, r, c, x->text, xw_fmt(w, XF_TEXT, flagged));
        break;
    case XC_NUM:
        xw_num(w, ws, r, c, x->num, xw_unit_fmt(w, x->unit, flagged));
        break;
    case XC_DATE:
        if (isnan(x->num))
            xw_blank(w, ws, r, c, date_fmt(w, flagged));
        else
            xw_num(w, ws, r, c, x->num, date_fmt(w, flagged));
        break;
    case XC_BLANK:
        xw_blank(w, ws, r, c, xw_unit_fmt(w, x->unit, flagged));
        break;
    }
}

/* The dropdown of a 实际完成值 cell: inline when short (libxlsxwriter 1.1.4 overflows a buffer on
 * lists longer than 255 bytes), else a column of the hidden 选项 sheet. */
static void validate_list(xwb *w, lxw_worksheet *ws, int r, int c, const xplan *p)
{
    size_t bytes = 0;
    bool comma = false;
    for (int i = 0; i < p->ndrop; i++) {
        bytes += strlen(p->drop[i]) + 1;
        comma |= strchr(p->drop[i], ',') != NULL;
    }
    lxw_data_validation dv = {.validate = LXW_VALIDATION_TYPE_LIST,
                              .error_type = LXW_VALIDATION_ERROR_TYPE_WARNING};
    char *list[XP_MAX_DROP + 1];
    char ref[64];
    if (bytes <= 200 && !comma) {
        for (int i = 0; i < p->ndrop; i++)
            list[i] = (char *)p->drop[i]; /* lxw copies them */
        list[p->ndrop] = NULL;
        dv.value_list = list;
    } else {
        /* a list: its words joined with '\n', one column of 选项 per distinct list */
        char joined[XP_MAX_DROP * 40];
        size_t n = 0;
        joined[0] = '\0';
        for (int i = 0; i < p->ndrop && n < sizeof joined; i++)
            n += (size_t)snprintf(joined + n, sizeof joined - n, "%s%s", i ? "\n" : "", p->drop[i]);
        int k = 0;
        while (k < w->nlists && strcmp(w->lists[k], joined))
            k++;
        if (k == w->nlists) {
            if (k >= XW_MAX_LISTS || !(w->lists[k] = strdup(joined)))
                return; /* no dropdown: still a valid sheet */
            w->nlists++;
        }
        char col[4];
        lxw_col_to_name(col, (lxw_col_t)k, 0);
        snprintf(ref, sizeof ref, "='选项'!$%s$1:$%s$%d", col, col, p->ndrop);
        dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
        dv.value_formula = ref;
    }
    keep(w, worksheet_data_validation_cell(ws, (lxw_row_t)r, (lxw_col_t)c, &dv));
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

static void fmt_pct(char *buf, size_t cap, double x)
{
    snprintf(buf, cap, "%.2f%%", x * 100);
}

void xs_subject(xwb *w, lxw_worksheet *ws, const jx_run_subject *s)
{
    const jx_result *res = &s->result;
    const jx_run_info *info = w->info;
    bool blank = w->blank;
#define FM(id) xw_fmt(w, id, false)
#define FMF(id, fl) xw_fmt(w, id, fl)
    char buf[1024], ref[64];

    for (int c = 0; c < C__COUNT; c++) {
        lxw_row_col_options hide = {.hidden = 1};
        worksheet_set_column_opt(ws, (lxw_col_t)c, (lxw_col_t)c, col_width[c], NULL,
                                 c >= C_HT ? &hide : NULL);
    }

    /* title and subject */
    worksheet_set_row(ws, XR_TITLE, 30, NULL);
    snprintf(buf, sizeof buf, "%d年度%s支出绩效自评表", s->year, *s->project ? "项目" : "部门整体");
    merged_text(w, ws, XR_TITLE, 0, C_LAST_VISIBLE, buf, FM(XF_TITLE));

    worksheet_set_row(ws, XR_INFO1, 20, NULL);
    merged_text(w, ws, XR_INFO1, C_L1, C_L2, "部门（单位）名称", FM(XF_INFO_LABEL));
    merged_text(w, ws, XR_INFO1, C_L3, C_A, s->name, FM(XF_INFO));
    merged_text(w, ws, XR_INFO1, C_W, C_P, "部门编码", FM(XF_INFO_LABEL));
    xw_str(w, ws, XR_INFO1, C_REASON, s->code, FM(XF_INFO));
    xw_str(w, ws, XR_INFO1, C_RATIO, "年度", FM(XF_INFO_LABEL));
    snprintf(buf, sizeof buf, "%d", s->year);
    merged_text(w, ws, XR_INFO1, C_EXPLAIN, C_FLAGS, buf, FM(XF_INFO));

    worksheet_set_row(ws, XR_INFO2, 30, NULL);
    merged_text(w, ws, XR_INFO2, C_L1, C_L2, "项目名称", FM(XF_INFO_LABEL));
    merged_text(w, ws, XR_INFO2, C_L3, C_A, *s->project ? s->project : "部门整体", FM(XF_INFO));
    merged_text(w, ws, XR_INFO2, C_W, C_P, "评分规则", FM(XF_INFO_LABEL));
    snprintf(buf, sizeof buf, "%s（SHA-256 %.12s…）；评分运行 #%lld%s%s%s", info->rules,
             info->rules_sha256, (long long)info->id, *info->label ? "（" : "", info->label,
             *info->label ? "）" : "");
    if (!w->rs)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
                 "；未载入该规则集，得分率按存储值填写");
    merged_text(w, ws, XR_INFO2, C_REASON, C_FLAGS, buf, FM(XF_INFO));

    /* budget block */
    static const char *const bhead[] = {"年初预算数", "全年预算数", "全年执行数",
                                        "分值",       "执行率",     "得分"};
    worksheet_set_row(ws, XR_BUDGET_HEAD, 20, NULL);
    xw_str(w, ws, XR_BUDGET_HEAD, C_L1, "预算执行情况（万元）", FM(XF_HEAD));
    xw_blank(w, ws, XR_BUDGET_HEAD, C_L2, FM(XF_HEAD));
    for (int i = 0; i < 6; i++)
        xw_str(w, ws, XR_BUDGET_HEAD, C_L3 + i, bhead[i], FM(XF_HEAD));
    merged_text(w, ws, XR_BUDGET_HEAD, C_REASON, C_FLAGS, "计算方法", FM(XF_HEAD));

    int br = XR_BUDGET, B = XR_BUDGET + 1; /* 0-based row and Excel's row of the budget figures */
    worksheet_set_row(ws, br, 30, NULL);
    xw_blank(w, ws, br, C_L1, FM(XF_HEAD));
    xw_blank(w, ws, br, C_L2, FM(XF_HEAD));
    xw_merge(w, ws, XR_BUDGET_HEAD, C_L1, br, C_L2, "预算执行情况（万元）", FM(XF_HEAD));
    bool mismatch = !blank && (res->flags & JX_FLAG_BUDGET_MISMATCH);
    if (res->budget_scored) {
        xw_num(w, ws, br, C_L3, s->budget_initial, FM(XF_MONEY));
        xw_num(w, ws, br, C_OP, s->budget, FM(XF_MONEY));
        xw_num(w, ws, br, C_T, s->spent, FM(XF_MONEY));
        xw_num(w, ws, br, C_A, res->budget_weight, FM(XF_NUM2));
        snprintf(ref, sizeof ref, "=IF(D%d>0,E%d/D%d,0)", B, B, B);
        xw_formula(w, ws, br, C_W, ref, res->budget_rate, FMF(XF_PCT, mismatch));
        snprintf(ref, sizeof ref, "=F%d*MIN(1,MAX(0,G%d))", B, B);
        xw_formula(w, ws, br, C_P, ref, res->budget_points, FM(XF_NUM2));
        char rate[32];
        fmt_pct(rate, sizeof rate, res->budget_rate);
        snprintf(buf, sizeof buf,
                 "执行率 = 全年执行数 ÷ 全年预算数 = %s；得分 = 分值 × min(1, 执行率)%s%s", rate,
                 mismatch ? "。" : "", mismatch ? jx_flag_label(JX_FLAG_BUDGET_MISMATCH) : "");
    } else {
        for (int c = C_L3; c <= C_P; c++)
            xw_str(w, ws, br, c, "—", FM(XF_CENTER));
        snprintf(buf, sizeof buf,
                 "不计分：无预算执行数据、全年预算数不大于0，或规则集未设预算执行权重");
    }
    merged_text(w, ws, br, C_REASON, C_FLAGS, buf, FMF(XF_NOTE, mismatch));

    /* indicator header */
    worksheet_set_row(ws, XR_HEAD, 30, NULL);
    for (int c = 0; c < C__COUNT; c++)
        xw_str(w, ws, XR_HEAD, c, col_head[c], FM(XF_HEAD));

    /* indicators */
    const jx_ruleset *rs = w->rs;
    int g1 = 0, g2 = 0; /* first rows of the current 一级 and 二级 groups */
    size_t nflagged = 0;
    for (size_t i = 0; i < s->n; i++) {
        const jx_run_indicator *in = &s->ind[i];
        int row = XR_FIRST + (int)i, R = row + 1;
        bool new1 = i == 0 || strcmp(in->level1, s->ind[i - 1].level1);
        bool new2 = new1 || strcmp(in->level2, s->ind[i - 1].level2);
        bool end1 = i + 1 == s->n || strcmp(in->level1, s->ind[i + 1].level1);
        bool end2 = end1 || strcmp(in->level2, s->ind[i + 1].level2);
        if (new1) g1 = (int)i;
        if (new2) g2 = (int)i;

        xplan p;
        xp_plan(rs, in, s->year, row, blank, &p);
        bool scored = in->score.scored;
        unsigned fl = blank ? 0 : in->score.flags;
        if (fl) nflagged++;
        bool hl_t = fl & JX_FLAG_PLACEHOLDER_TARGET;
        bool hl_a = fl & (JX_FLAG_OVERSHOOT | JX_FLAG_MISSING_ACTUAL | JX_FLAG_UNCLEAR_ACTUAL);
        bool hl_r = fl & JX_FLAG_MISSING_REASON;
        char flags[512];
        xw_flag_labels(fl, flags, sizeof flags);
        const char *reason = blank ? "" : in->reason;
        const char *explain = blank ? "" : scored ? in->explain : "不适用，不计分";

        int lines = text_lines(in->level3, col_width[C_L3]);
        int k;
        if ((k = text_lines(reason, col_width[C_REASON])) > lines) lines = k;
        if ((k = text_lines(explain, col_width[C_EXPLAIN])) > lines) lines = k;
        if ((k = text_lines(flags, col_width[C_FLAGS])) > lines) lines = k;
        if (p.t.kind == XC_TEXT && (k = text_lines(p.t.text, col_width[C_T])) > lines) lines = k;
        if (p.a.kind == XC_TEXT && (k = text_lines(p.a.text, col_width[C_A])) > lines) lines = k;
        worksheet_set_row(ws, (lxw_row_t)row, lines > 1 ? 13.5 * lines + 3 : 18, NULL);

        if (new1)
            xw_str(w, ws, row, C_L1, in->level1, FM(XF_CENTER));
        else
            xw_blank(w, ws, row, C_L1, FM(XF_CENTER));
        if (end1 && (int)i > g1)
            xw_merge(w, ws, XR_FIRST + g1, C_L1, row, C_L1, in->level1, FM(XF_CENTER));
        if (new2)
            xw_str(w, ws, row, C_L2, in->level2, FM(XF_CENTER));
        else
            xw_blank(w, ws, row, C_L2, FM(XF_CENTER));
        if (end2 && (int)i > g2)
            xw_merge(w, ws, XR_FIRST + g2, C_L2, row, C_L2, in->level2, FM(XF_CENTER));

        xw_str(w, ws, row, C_L3, in->level3, FM(XF_TEXT));
        xw_str(w, ws, row, C_OP, p.op, FM(XF_CENTER));
        write_cell(w, ws, row, C_T, &p.t, hl_t);
        write_cell(w, ws, row, C_A, &p.a, hl_a);
        if (p.ndrop) validate_list(w, ws, row, C_A, &p);
        xw_str(w, ws, row, C_REASON, reason, FMF(XF_TEXT, hl_r));
        if (scored) {
            xw_num(w, ws, row, C_W, in->score.weight, FM(XF_NUM2));
            snprintf(ref, sizeof ref, "=G%d*J%d", R, R);
            xw_formula(w, ws, row, C_P, ref, blank ? 0 : in->score.points, FM(XF_NUM2));
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
        xw_str(w, ws, row, C_EXPLAIN, explain, FM(XF_NOTE));
        xw_str(w, ws, row, C_FLAGS, flags, FMF(XF_NOTE, fl != 0));
        if (p.has_ht) xw_num(w, ws, row, C_HT, p.ht, FM(XF_HIDDEN));
        if (p.has_ha) {
            if (p.ha_formula)
                xw_formula(w, ws, row, C_HA, p.haf, p.ha, FM(XF_HIDDEN));
            else
                xw_num(w, ws, row, C_HA, p.ha, FM(XF_HIDDEN));
        }
    }

    /* totals */
    int q = XR_FIRST + (int)s->n;
    int first = XR_FIRST + 1, last = XR_FIRST + (int)s->n; /* Excel rows of the indicators */
    int rI = q + XT_IND + 1, rB = q + XT_BUDGET + 1, rS = q + XT_SUM + 1, rT = q + XT_TOTAL + 1;
    double ind_points = blank ? 0 : res->ind_points;
    double points_sum = blank ? res->budget_points : res->points_sum;
    double total =
        blank ? (res->weight_sum > 0 ? 100 * points_sum / res->weight_sum : 0) : res->total;
    const char *grade = blank ? (rs ? jx_ruleset_grade(rs, total) : "") : res->grade;

    /* row heights are set before each row's cells: set_row() moves constant-memory mode on */
    worksheet_set_row(ws, (lxw_row_t)(q + XT_IND), 20, NULL);
    merged_text(w, ws, q + XT_IND, C_L1, C_A, "指标小计", FM(XF_SUM_LABEL));
    if (s->n) {
        snprintf(ref, sizeof ref, "=SUM(G%d:G%d)", first, last);
        xw_formula(w, ws, q + XT_IND, C_W, ref, res->ind_weight, FM(XF_SUM2));
        snprintf(ref, sizeof ref, "=SUM(H%d:H%d)", first, last);
        xw_formula(w, ws, q + XT_IND, C_P, ref, ind_points, FM(XF_SUM2));
    } else {
        xw_num(w, ws, q + XT_IND, C_W, 0, FM(XF_SUM2));
        xw_num(w, ws, q + XT_IND, C_P, 0, FM(XF_SUM2));
    }
    xw_blank(w, ws, q + XT_IND, C_REASON, FM(XF_TEXT));
    snprintf(ref, sizeof ref, "=IF(G%d>0,H%d/G%d,0)", rI, rI, rI);
    xw_formula(w, ws, q + XT_IND, C_RATIO, ref,
               res->ind_weight > 0 ? ind_points / res->ind_weight : 0, FM(XF_PCT));
    merged_text(w, ws, q + XT_IND, C_EXPLAIN, C_FLAGS, "指标得分率 = 得分小计 ÷ 分值小计",
                FM(XF_NOTE));

    worksheet_set_row(ws, (lxw_row_t)(q + XT_BUDGET), 20, NULL);
    merged_text(w, ws, q + XT_BUDGET, C_L1, C_A, "预算执行率", FM(XF_SUM_LABEL));
    if (res->budget_scored) {
        snprintf(ref, sizeof ref, "=F%d", B);
        xw_formula(w, ws, q + XT_BUDGET, C_W, ref, res->budget_weight, FM(XF_SUM2));
        snprintf(ref, sizeof ref, "=H%d", B);
        xw_formula(w, ws, q + XT_BUDGET, C_P, ref, res->budget_points, FM(XF_SUM2));
    } else {
        xw_str(w, ws, q + XT_BUDGET, C_W, "—", FM(XF_CENTER));
        xw_str(w, ws, q + XT_BUDGET, C_P, "—", FM(XF_CENTER));
    }
    merged_text(w, ws, q + XT_BUDGET, C_REASON, C_FLAGS,
                res->budget_scored ? "见上方预算执行情况" : "不计分", FM(XF_NOTE));

    worksheet_set_row(ws, (lxw_row_t)(q + XT_SUM), 20, NULL);
    merged_text(w, ws, q + XT_SUM, C_L1, C_A, "合计", FM(XF_SUM_LABEL));
    if (res->budget_scored)
        snprintf(ref, sizeof ref, "=G%d+G%d", rI, rB);
    else
        snprintf(ref, sizeof ref, "=G%d", rI);
    xw_formula(w, ws, q + XT_SUM, C_W, ref, res->weight_sum, FM(XF_SUM2));
    if (res->budget_scored)
        snprintf(ref, sizeof ref, "=H%d+H%d", rI, rB);
    else
        snprintf(ref, sizeof ref, "=H%d", rI);
    xw_formula(w, ws, q + XT_SUM, C_P, ref, points_sum, FM(XF_SUM2));
    merged_text(w, ws, q + XT_SUM, C_REASON, C_FLAGS, "分值合计与得分合计", FM(XF_NOTE));

    bool rescaled = !blank && (res->flags & JX_FLAG_RESCALED);
    worksheet_set_row(ws, (lxw_row_t)(q + XT_TOTAL), 22, NULL);
    merged_text(w, ws, q + XT_TOTAL, C_L1, C_A, "总分", FM(XF_SUM_LABEL));
    xw_blank(w, ws, q + XT_TOTAL, C_W, FM(XF_SUM2));
    snprintf(ref, sizeof ref, "=IF(G%d>0,100*H%d/G%d,0)", rS, rS, rS);
    xw_formula(w, ws, q + XT_TOTAL, C_P, ref, total, FMF(XF_TOTAL, rescaled));
    snprintf(buf, sizeof buf, "总分 = 100 × 得分合计 ÷ 分值合计%s%s", rescaled ? "。" : "",
             rescaled ? jx_flag_label(JX_FLAG_RESCALED) : "");
    merged_text(w, ws, q + XT_TOTAL, C_REASON, C_FLAGS, buf, FMF(XF_NOTE, rescaled));

    worksheet_set_row(ws, (lxw_row_t)(q + XT_GRADE), 22, NULL);
    merged_text(w, ws, q + XT_GRADE, C_L1, C_A, "自评等级", FM(XF_SUM_LABEL));
    xw_blank(w, ws, q + XT_GRADE, C_W, FM(XF_SUM2));
    char gref[16], gf[512];
    snprintf(gref, sizeof gref, "H%d", rT);
    if (grade_formula(rs, gref, gf, sizeof gf))
        xw_formula_str(w, ws, q + XT_GRADE, C_P, gf, grade, FM(XF_GRADE));
    else
        xw_str(w, ws, q + XT_GRADE, C_P, grade, FM(XF_GRADE));
    buf[0] = '\0';
    if (rs)
        for (int i = 0; i < rs->ntotal_grade; i++) {
            size_t n = strlen(buf);
            if (i + 1 < rs->ntotal_grade)
                snprintf(buf + n, sizeof buf - n, "%s%s ≥ %g", i ? "，" : "",
                         rs->total_grade[i].grade, rs->total_grade[i].min);
            else
                snprintf(buf + n, sizeof buf - n, "，其余为%s", rs->total_grade[i].grade);
        }
    merged_text(w, ws, q + XT_GRADE, C_REASON, C_FLAGS, buf, FM(XF_NOTE));

    unsigned sflags =
        blank ? 0
              : res->flags & (JX_FLAG_RESCALED | JX_FLAG_BUDGET_MISMATCH | JX_FLAG_ALL_FULL_MARKS);
    size_t n = xw_flag_labels(sflags, buf, sizeof buf);
    if (nflagged)
        snprintf(buf + n, n < sizeof buf ? sizeof buf - n : 0,
                 "%s%zu项指标有审核提示（见“审核提示”列，已标色）", n ? "；" : "", nflagged);
    else if (!n)
        snprintf(buf, sizeof buf, blank ? "（填报后由评分程序生成）" : "无");
    worksheet_set_row(ws, (lxw_row_t)(q + XT_FLAGS), 13.5 * text_lines(buf, 150) + 6, NULL);
    merged_text(w, ws, q + XT_FLAGS, C_L1, C_L2, "审核提示", FM(XF_INFO_LABEL));
    merged_text(w, ws, q + XT_FLAGS, C_L3, C_FLAGS, buf, FMF(XF_INFO, sflags || nflagged));

    worksheet_set_row(ws, (lxw_row_t)(q + XT_SIGN), 30, NULL);
    merged_text(w, ws, q + XT_SIGN, C_L1, C_FLAGS,
                "填报人：　　　　　　联系电话：　　　　　　单位负责人（签字）：　　　　　　（单位盖"
                "章）　　　　　　"
                "填报日期：　　　　年　　月　　日",
                FM(XF_SIGN));

    xw_print_setup(ws, XR_HEAD, q + XT_SIGN, C_LAST_VISIBLE);
    w->stats.subjects++;
    w->stats.sheets++;
#undef FM
#undef FMF
}
