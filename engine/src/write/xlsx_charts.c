/*
 * xlsx_charts.c - analysis workbooks with charts (charts.h): the 复核 workbook of a review, the
 * statistics of a ranking, the rank intervals of a sensitivity analysis.
 *
 * Self-contained on top of libxlsxwriter (the 自评表 writer, xlsx.c, is a separate module):
 * a small sheet writer (title, note, header, typed cells, column widths, the first error kept),
 * then one function per workbook. Charts read their data from cells of the same workbook, so
 * what a chart shows can always be checked against the numbers beside it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "jixiao/charts.h"
#include "jixiao/score.h"
#include "util/util_int.h"

#define RED 0xC0504D
#define BLUE 0x4F81BD
#define GREY 0x7F7F7F
#define FILL_FLAGGED 0xFDE9D9

/* Rows above a listing: title, note, header. */
#define ROW_TITLE 0
#define ROW_NOTE 1
#define ROW_HEAD 2
#define ROW_FIRST 3

typedef enum cf_id {
    CF_TITLE,
    CF_NOTE,
    CF_HEAD,
    CF_TEXT,
    CF_NUM2,
    CF_INT,
    CF_PCT,
    CF__COUNT
} cf_id;

/* One workbook being written. */
typedef struct cw {
    lxw_workbook *wb;
    lxw_format *f[CF__COUNT][2]; /* [id][flagged]: flagged rows have a fill */
    lxw_error err;               /* first error of a cell call */
} cw;

static lxw_format *fmt(cw *w, cf_id id, bool flagged)
{
    lxw_format *f = w->f[id][flagged];
    if (f) return f;
    f = w->f[id][flagged] = workbook_add_format(w->wb);
    if (!f) return NULL;
    format_set_font_size(f, id == CF_TITLE ? 14 : 10);
    if (id == CF_TITLE || id == CF_HEAD) format_set_bold(f);
    if (id == CF_HEAD) {
        format_set_bg_color(f, 0xDCE6F1);
        format_set_text_wrap(f);
        format_set_align(f, LXW_ALIGN_CENTER);
        format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    }
    if (id == CF_HEAD || id >= CF_TEXT) format_set_border(f, LXW_BORDER_THIN);
    if (id == CF_NUM2) format_set_num_format(f, "0.00");
    if (id == CF_INT) format_set_num_format(f, "0");
    if (id == CF_PCT) format_set_num_format(f, "0.0%");
    if (flagged) format_set_bg_color(f, FILL_FLAGGED);
    return f;
}

static void keep(cw *w, lxw_error e)
{
    if (e && !w->err) w->err = e;
}

static void str(cw *w, lxw_worksheet *ws, int r, int c, const char *s, cf_id id, bool flagged)
{
    keep(w,
         worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, s ? s : "", fmt(w, id, flagged)));
}

/* A number; a blank cell when it is not finite (an undefined statistic, an unknown total). */
static void num(cw *w, lxw_worksheet *ws, int r, int c, double x, cf_id id, bool flagged)
{
    if (isfinite(x))
        keep(w, worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, x, fmt(w, id, flagged)));
    else
        keep(w, worksheet_write_blank(ws, (lxw_row_t)r, (lxw_col_t)c, fmt(w, id, flagged)));
}

/* Who a row is about, in columns c..c+3: 部门编码, 部门名称, 项目 (部门整体 for ""), 年度. */
static void identity(cw *w, lxw_worksheet *ws, int r, int c, const char *code, const char *name,
                     const char *project, int year, bool flagged)
{
    str(w, ws, r, c, code, CF_TEXT, flagged);
    str(w, ws, r, c + 1, name, CF_TEXT, flagged);
    str(w, ws, r, c + 2, *project ? project : "部门整体", CF_TEXT, flagged);
    num(w, ws, r, c + 3, year, CF_INT, flagged);
}

/* Title, note and header of a listing; columns sized by width[] (characters). */
static lxw_worksheet *listing(cw *w, const char *name, const char *title, const char *note,
                              const char *const *head, const double *width, int ncols)
{
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, name);
    if (!ws) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    str(w, ws, ROW_TITLE, 0, title, CF_TITLE, false);
    if (note) str(w, ws, ROW_NOTE, 0, note, CF_NOTE, false);
    for (int c = 0; c < ncols; c++) {
        str(w, ws, ROW_HEAD, c, head[c], CF_HEAD, false);
        keep(w, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width[c], NULL));
    }
    keep(w, worksheet_set_row(ws, ROW_HEAD, 30, NULL));
    worksheet_freeze_panes(ws, ROW_FIRST, 0);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, ROW_HEAD, ROW_HEAD);
    return ws;
}

static void autofilter(cw *w, lxw_worksheet *ws, int rows, int ncols)
{
    if (rows)
        keep(w, worksheet_autofilter(ws, ROW_HEAD, 0, (lxw_row_t)(ROW_HEAD + rows),
                                     (lxw_col_t)(ncols - 1)));
}

static lxw_chart *chart_new(cw *w, uint8_t type, const char *title, const char *x_title,
                            const char *y_title)
{
    lxw_chart *ch = workbook_add_chart(w->wb, type);
    if (!ch) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    chart_title_set_name(ch, title);
    if (x_title) chart_axis_set_name(ch->x_axis, x_title);
    if (y_title) chart_axis_set_name(ch->y_axis, y_title);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    return ch;
}

/* A series of cells of one sheet: values in column vc, categories (or x) in column cc (−1:
 * none), rows r0..r1. */
static lxw_chart_series *series(lxw_chart *ch, const char *sheet, int cc, int vc, int r0, int r1,
                                const char *name)
{
    lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
    if (!s) return NULL;
    if (cc >= 0)
        chart_series_set_categories(s, sheet, (lxw_row_t)r0, (lxw_col_t)cc, (lxw_row_t)r1,
                                    (lxw_col_t)cc);
    chart_series_set_values(s, sheet, (lxw_row_t)r0, (lxw_col_t)vc, (lxw_row_t)r1, (lxw_col_t)vc);
    chart_series_set_name(s, name);
    return s;
}

/* Markers only, in a colour (no line between the points). */
static void dots(lxw_chart_series *s, uint8_t marker, lxw_color_t color, uint8_t size)
{
    if (!s) return;
    lxw_chart_line none = {.none = LXW_TRUE};
    lxw_chart_fill fill = {.color = color};
    lxw_chart_line edge = {.color = color};
    chart_series_set_line(s, &none);
    chart_series_set_marker_type(s, marker);
    chart_series_set_marker_size(s, size);
    chart_series_set_marker_fill(s, &fill);
    chart_series_set_marker_line(s, &edge);
}

static void line_style(lxw_chart_series *s, lxw_color_t color, uint8_t dash)
{
    if (!s) return;
    lxw_chart_line l = {.color = color, .width = 1.5, .dash_type = dash};
    chart_series_set_line(s, &l);
    chart_series_set_marker_type(s, LXW_CHART_MARKER_NONE);
}

/* Place a chart on sheet ws at row r, about width × height pixels. */
static void place(cw *w, lxw_worksheet *ws, int r, lxw_chart *ch, double width, double height)
{
    if (!ch) return;
    lxw_chart_options o = {.x_scale = width / 480, .y_scale = height / 288, .x_offset = 10};
    keep(w, worksheet_insert_chart_opt(ws, (lxw_row_t)r, 0, ch, &o));
}

static jx_err finish(cw *w, const char *path, jx_errmsg *msg)
{
    lxw_error e = workbook_close(w->wb);
    if (w->err) return jx_msg(msg, JX_ERR_XLSX, "%s: %s", path, lxw_strerror(w->err));
    if (e == LXW_ERROR_CREATING_XLSX_FILE || e == LXW_ERROR_CREATING_TMPFILE)
        return jx_msg(msg, JX_ERR_IO, "%s: cannot write the file (%s)", path, lxw_strerror(e));
    if (e) return jx_msg(msg, JX_ERR_XLSX, "%s: %s", path, lxw_strerror(e));
    return JX_OK;
}

static jx_err start(cw *w, const char *path, jx_errmsg *msg)
{
    memset(w, 0, sizeof *w);
    if (!path) return jx_msg(msg, JX_ERR_INVALID, "no file name");
    lxw_workbook_options o = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
    if (!(w->wb = workbook_new_opt(path, &o)))
        return jx_msg(msg, JX_ERR_NOMEM, "%s: cannot start the workbook", path);
    return JX_OK;
}

/* ---- the 复核 workbook ---- */

static int review_subjects(cw *w, const jx_review *rv, const char *note)
{
    static const char *const head[] = {"部门编码", "部门名称",   "项目", "年度",
                                       "自评总分", "规则总分",   "差额", "自评等级",
                                       "规则等级", "差异指标数", "标记"};
    static const double width[] = {10, 26, 20, 7, 10, 10, 9, 9, 9, 10, 22};
    lxw_worksheet *ws =
        listing(w, "复核汇总", "绩效自评复核：自评总分与规则总分", note, head, width, 11);
    if (!ws) return 0;
    int r = ROW_FIRST;
    for (size_t i = 0; i < jx_review_count(rv); i++) {
        const jx_review_subject *s = jx_review_at(rv, i);
        if (!s->has_claims) continue;
        bool fl = s->flags & JX_REVIEW_OVER_CLAIMED;
        char flags[128] = "";
        for (int b = 0; b < JX_REVIEW_FLAG_COUNT; b++)
            if (s->flags & (1u << b))
                jx_fmt_trunc(flags + strlen(flags), sizeof flags - strlen(flags), "%s%s",
                             *flags ? "、" : "", jx_review_flag_label(1u << b));
        identity(w, ws, r, 0, s->code, s->name, s->project, s->year, fl);
        num(w, ws, r, 4, s->claimed_total, CF_NUM2, fl);
        num(w, ws, r, 5, s->total, CF_NUM2, fl);
        num(w, ws, r, 6, s->gap, CF_NUM2, fl);
        str(w, ws, r, 7, s->claimed_grade ? s->claimed_grade : "—", CF_TEXT, fl);
        str(w, ws, r, 8, s->grade, CF_TEXT, fl);
        num(w, ws, r, 9, (double)s->ngaps, CF_INT, fl);
        str(w, ws, r, 10, flags, CF_TEXT, fl);
        r++;
    }
    autofilter(w, ws, r - ROW_FIRST, 11);
    return r - ROW_FIRST;
}

static void review_gaps(cw *w, const jx_review *rv, const char *note)
{
    static const char *const head[] = {"部门编码", "部门名称", "项目",     "年度",     "一级指标",
                                       "二级指标", "三级指标", "自评得分", "规则得分", "差额"};
    static const double width[] = {10, 24, 18, 7, 12, 16, 34, 9, 9, 9};
    lxw_worksheet *ws = listing(w, "指标差异", "自评得分与规则得分不同的指标（差额大者在前）", note,
                                head, width, 10);
    if (!ws) return;
    int r = ROW_FIRST;
    for (size_t i = 0; i < jx_review_count(rv); i++) {
        const jx_review_subject *s = jx_review_at(rv, i);
        for (size_t k = 0; k < s->ngaps; k++, r++) {
            const jx_review_gap *g = &s->gaps[k];
            bool fl = s->flags & JX_REVIEW_OVER_CLAIMED;
            identity(w, ws, r, 0, s->code, s->name, s->project, s->year, fl);
            str(w, ws, r, 4, g->level1, CF_TEXT, fl);
            str(w, ws, r, 5, g->level2, CF_TEXT, fl);
            str(w, ws, r, 6, g->level3, CF_TEXT, fl);
            num(w, ws, r, 7, g->claimed, CF_NUM2, fl);
            if (g->scored)
                num(w, ws, r, 8, g->points, CF_NUM2, fl);
            else
                str(w, ws, r, 8, "不适用", CF_TEXT, fl);
            num(w, ws, r, 9, g->gap, CF_NUM2, fl);
        }
    }
    autofilter(w, ws, r - ROW_FIRST, 10);
}

/* 图表数据 of the review chart: over-claimers (A:B), the others (C:D), the line claimed = rule
 * (F:G) and the threshold line (H:I); returns the axis minimum. */
static double review_chart_data(cw *w, lxw_worksheet *ws, const jx_review *rv, int *n_over,
                                int *n_other)
{
    static const char *const head[] = {"规则总分（自评虚高）",
                                       "自评总分（自评虚高）",
                                       "规则总分（其他）",
                                       "自评总分（其他）",
                                       "",
                                       "参考线 x",
                                       "自评 = 规则",
                                       "阈值线 x",
                                       "规则 + 阈值"};
    for (int c = 0; c < 9; c++) {
        str(w, ws, 0, c, head[c], CF_HEAD, false);
        keep(w, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, 14, NULL));
    }
    double lo = 100;
    *n_over = *n_other = 0;
    for (size_t i = 0; i < jx_review_count(rv); i++) {
        const jx_review_subject *s = jx_review_at(rv, i);
        if (!isfinite(s->gap)) continue;
        bool over = s->flags & JX_REVIEW_OVER_CLAIMED;
        int *n = over ? n_over : n_other, c = over ? 0 : 2;
        num(w, ws, 1 + (*n)++, c, s->total, CF_NUM2, false);
        num(w, ws, *n, c + 1, s->claimed_total, CF_NUM2, false);
        lo = fmin(lo, fmin(s->total, s->claimed_total));
    }
    lo = fmax(0, floor(lo / 10) * 10);
    double t = jx_review_threshold(rv), hi = fmax(100, lo + 10);
    num(w, ws, 1, 5, lo, CF_NUM2, false);
    num(w, ws, 1, 6, lo, CF_NUM2, false);
    num(w, ws, 2, 5, hi, CF_NUM2, false);
    num(w, ws, 2, 6, hi, CF_NUM2, false);
    num(w, ws, 1, 7, lo, CF_NUM2, false);
    num(w, ws, 1, 8, lo + t, CF_NUM2, false);
    num(w, ws, 2, 7, hi - t, CF_NUM2, false);
    num(w, ws, 2, 8, hi, CF_NUM2, false);
    return lo;
}

static void review_chart(cw *w, const jx_review *rv)
{
    lxw_worksheet *cs = workbook_add_worksheet(w->wb, "图表");
    lxw_worksheet *ds = workbook_add_worksheet(w->wb, "图表数据");
    if (!cs || !ds) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    int n_over, n_other;
    double lo = review_chart_data(w, ds, rv, &n_over, &n_other);
    char thr[64];
    snprintf(thr, sizeof thr, "阈值：规则总分 + %g 分", jx_review_threshold(rv));
    lxw_chart *ch = chart_new(w, LXW_CHART_SCATTER, "自评总分与规则总分", "规则总分（按规则计算）",
                              "自评总分（单位自报）");
    if (!ch) return;
    if (n_other)
        dots(series(ch, "图表数据", 2, 3, 1, n_other, "其他单位"), LXW_CHART_MARKER_CIRCLE, BLUE,
             5);
    if (n_over)
        dots(series(ch, "图表数据", 0, 1, 1, n_over, "自评虚高"), LXW_CHART_MARKER_DIAMOND, RED, 7);
    line_style(series(ch, "图表数据", 5, 6, 1, 2, "自评总分 = 规则总分"), GREY,
               LXW_CHART_LINE_DASH_SOLID);
    line_style(series(ch, "图表数据", 7, 8, 1, 2, thr), RED, LXW_CHART_LINE_DASH_DASH);
    chart_axis_set_min(ch->x_axis, lo);
    chart_axis_set_max(ch->x_axis, 100);
    chart_axis_set_min(ch->y_axis, lo);
    chart_axis_set_max(ch->y_axis, 100);
    str(w, cs, 0, 0,
        "点在虚线上方：自评总分超过规则总分加阈值（自评虚高）；点在实线上：自评与规则一致", CF_NOTE,
        false);
    place(w, cs, 1, ch, 760, 560);
    worksheet_set_landscape(cs);
    worksheet_set_paper(cs, 9);
    worksheet_fit_to_pages(cs, 1, 1);
}

jx_err jx_review_write_xlsx(const jx_review *rv, const char *path, jx_errmsg *msg)
{
    if (!rv) return jx_msg(msg, JX_ERR_INVALID, "jx_review_write_xlsx: no review");
    cw w;
    jx_err e = start(&w, path, msg);
    if (e) return e;
    const jx_run_info *info = jx_review_about(rv);
    char note[512];
    snprintf(
        note, sizeof note,
        "评分运行 #%lld（%s），规则 %s；阈值 %g 分：差额超过阈值或自评等级高于规则等级为自评虚高",
        (long long)info->id, info->created_at, info->rules, jx_review_threshold(rv));
    review_subjects(&w, rv, note);
    review_gaps(&w, rv, note);
    review_chart(&w, rv);
    return finish(&w, path, msg);
}

/* ---- statistics ---- */

/* A sheet's name: base, or base and the group's label (统计 2021部门整体). */
static const char *sheet_name(char *buf, size_t cap, const char *base, const char *group)
{
    if (!group) return base;
    snprintf(buf, cap, "%s %s", base, group);
    return buf;
}

static void stats_rows(cw *w, const jx_stats_report *s, const char *note, const char *group)
{
    static const char *const head[] = {"统计量", "值", "说明"};
    static const double width[] = {22, 14, 48};
    char name[64], title[96];
    snprintf(title, sizeof title, "总分统计%s%s", group ? "：" : "", group ? group : "");
    lxw_worksheet *ws =
        listing(w, sheet_name(name, sizeof name, "统计", group), title, note, head, width, 3);
    if (!ws) return;
    const jx_describe *d = &s->d;
    const struct {
        const char *name;
        double x;
        const char *what;
    } rows[] = {
        {"n（对象数）", (double)d->n, ""},
        {"mean（平均）", d->mean, ""},
        {"sd（标准差）", d->sd, "样本标准差 (n − 1)"},
        {"min（最低）", d->min, ""},
        {"q1（下四分位）", d->q1, "线性插值"},
        {"median（中位数）", d->median, ""},
        {"q3（上四分位）", d->q3, ""},
        {"max（最高）", d->max, ""},
        {"skewness（偏度）", d->skewness, ""},
        {"kurtosis（峰度）", d->kurtosis, "超额峰度（正态 = 0）"},
        {"weighted_mean（预算加权平均）", s->weighted_mean, "权重：全年预算数"},
        {"pearson_budget", s->pearson_budget, "总分与执行率的 Pearson 相关"},
        {"spearman_budget", s->spearman_budget, "总分与执行率的 Spearman 等级相关"},
        {"lower_fence", s->lower_fence, "Q1 − 1.5 IQR"},
        {"upper_fence", s->upper_fence, "Q3 + 1.5 IQR"},
    };
    int r = ROW_FIRST;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++, r++) {
        str(w, ws, r, 0, rows[i].name, CF_TEXT, false);
        num(w, ws, r, 1, rows[i].x, i ? CF_NUM2 : CF_INT, false);
        str(w, ws, r, 2, isfinite(rows[i].x) ? rows[i].what : "无定义（样本不足或为常数）", CF_TEXT,
            false);
    }
    for (int f = 0; f < JX_FLAG_COUNT; f++, r++) {
        str(w, ws, r, 0, jx_flag_name(1u << f), CF_TEXT, false);
        num(w, ws, r, 1, s->flag_share[f], CF_PCT, false);
        str(w, ws, r, 2, jx_flag_label(1u << f), CF_TEXT, false);
    }
}

/* The subjects i0 .. i0 + n − 1 of the ranking. */
static int stats_subjects(cw *w, const jx_ranking *r, size_t i0, size_t n, const char *note,
                          const char *group)
{
    static const char *const head[] = {"排名", "部门编码", "部门名称", "项目",
                                       "年度", "总分",     "等级",     "执行率"};
    static const double width[] = {6, 10, 26, 20, 7, 9, 7, 9};
    char name[64];
    lxw_worksheet *ws = listing(w, sheet_name(name, sizeof name, "对象", group),
                                "各对象总分（各组内排名）", note, head, width, 8);
    if (!ws) return 0;
    for (size_t i = 0; i < n; i++) {
        const jx_ranked *s = jx_ranking_at(r, i0 + i);
        int row = ROW_FIRST + (int)i;
        num(w, ws, row, 0, (double)s->rank, CF_INT, false);
        identity(w, ws, row, 1, s->code, s->name, s->project, s->year, false);
        num(w, ws, row, 5, s->total, CF_NUM2, false);
        str(w, ws, row, 6, s->grade, CF_TEXT, false);
        num(w, ws, row, 7, s->budget_scored ? s->budget_rate : NAN, CF_PCT, false);
    }
    autofilter(w, ws, (int)n, 8);
    return (int)n;
}

/* 图表数据: histogram (A:B), grades (D:E), total against 执行率 (G:H); *npts points. */
static void stats_chart_data(cw *w, lxw_worksheet *ds, const jx_ranking *r, size_t i0, size_t n,
                             const jx_stats_report *s, int *npts)
{
    static const char *const head[] = {"总分区间", "对象数", "",       "等级",
                                       "对象数",   "",       "执行率", "总分"};
    for (int c = 0; c < 8; c++) {
        str(w, ds, 0, c, head[c], CF_HEAD, false);
        keep(w, worksheet_set_column(ds, (lxw_col_t)c, (lxw_col_t)c, 11, NULL));
    }
    for (int b = 0; b < JX_STATS_BINS; b++) {
        char bin[32];
        snprintf(bin, sizeof bin, b == JX_STATS_BINS - 1 ? "%d–%d" : "%d–<%d", b * 10, b * 10 + 10);
        str(w, ds, 1 + b, 0, bin, CF_TEXT, false);
        num(w, ds, 1 + b, 1, (double)s->histogram[b], CF_INT, false);
    }
    for (size_t g = 0; g < s->ngrades; g++) {
        str(w, ds, 1 + (int)g, 3, s->grades[g].grade, CF_TEXT, false);
        num(w, ds, 1 + (int)g, 4, (double)s->grades[g].count, CF_INT, false);
    }
    *npts = 0;
    for (size_t i = i0; i < i0 + n; i++) {
        const jx_ranked *x = jx_ranking_at(r, i);
        if (!x->budget_scored) continue;
        num(w, ds, 1 + *npts, 6, x->budget_rate, CF_PCT, false);
        num(w, ds, 1 + (*npts)++, 7, x->total, CF_NUM2, false);
    }
}

static void stats_charts(cw *w, const jx_ranking *r, size_t i0, size_t n, const jx_stats_report *s,
                         const char *group)
{
    char cname[64], dname[64];
    const char *data = sheet_name(dname, sizeof dname, "图表数据", group);
    lxw_worksheet *cs =
        workbook_add_worksheet(w->wb, sheet_name(cname, sizeof cname, "图表", group));
    lxw_worksheet *ds = workbook_add_worksheet(w->wb, data);
    if (!cs || !ds) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    int npts;
    stats_chart_data(w, ds, r, i0, n, s, &npts);
    lxw_chart *h = chart_new(w, LXW_CHART_COLUMN, "总分分布（每 10 分一档）", "总分", "对象数");
    if (h) {
        lxw_chart_series *x = series(h, data, 0, 1, 1, JX_STATS_BINS, "对象数");
        lxw_chart_fill f = {.color = BLUE};
        if (x) chart_series_set_fill(x, &f);
        chart_set_series_gap(h, 10);
        chart_legend_set_position(h, LXW_CHART_LEGEND_NONE);
    }
    place(w, cs, 0, h, 640, 320);
    /* a chart without a series cannot be placed: a group with no grade or no 执行率 gets none */
    lxw_chart *g = s->ngrades ? chart_new(w, LXW_CHART_COLUMN, "等级分布", "等级", "对象数") : NULL;
    if (g) {
        series(g, data, 3, 4, 1, (int)s->ngrades, "对象数");
        chart_legend_set_position(g, LXW_CHART_LEGEND_NONE);
    }
    place(w, cs, 17, g, 640, 320);
    lxw_chart *c =
        npts ? chart_new(w, LXW_CHART_SCATTER, "总分与预算执行率", "预算执行率", "总分") : NULL;
    if (c) {
        dots(series(c, data, 6, 7, 1, npts, "各对象"), LXW_CHART_MARKER_CIRCLE, BLUE, 5);
        chart_axis_set_num_format(c->x_axis, "0%");
        chart_legend_set_position(c, LXW_CHART_LEGEND_NONE);
    }
    place(w, cs, 34, c, 640, 400);
    worksheet_set_paper(cs, 9);
    worksheet_fit_to_pages(cs, 1, 0);
}

jx_err jx_stats_write_xlsx(const jx_ranking *r, const jx_stats_report *rep, const char *note,
                           const char *path, jx_errmsg *msg)
{
    if (!r || !rep) return jx_msg(msg, JX_ERR_INVALID, "jx_stats_write_xlsx: NULL argument");
    cw w;
    jx_err e = start(&w, path, msg);
    if (e) return e;
    stats_rows(&w, rep, note, NULL);
    stats_subjects(&w, r, 0, jx_ranking_count(r), note, NULL);
    stats_charts(&w, r, 0, jx_ranking_count(r), rep, NULL);
    return finish(&w, path, msg);
}

jx_err jx_stats_groups_write_xlsx(const jx_ranking *r, const jx_stats_groups *gs, const char *note,
                                  const char *path, jx_errmsg *msg)
{
    if (!r || !gs || !gs->n)
        return jx_msg(msg, JX_ERR_INVALID, "jx_stats_groups_write_xlsx: no group");
    if (gs->n == 1) return jx_stats_write_xlsx(r, &gs->group[0].rep, note, path, msg);
    cw w;
    jx_err e = start(&w, path, msg);
    if (e) return e;
    for (size_t k = 0; k < gs->n; k++) {
        const jx_stats_group *g = &gs->group[k];
        char label[32];
        snprintf(label, sizeof label, "%d%s", g->year, g->projects ? "项目" : "部门整体");
        stats_rows(&w, &g->rep, note, label);
        stats_subjects(&w, r, g->first, g->rep.d.n, note, label);
        stats_charts(&w, r, g->first, g->rep.d.n, &g->rep, label);
    }
    return finish(&w, path, msg);
}

/* ---- sensitivity ---- */

/* The listing; rows of one ranking group are contiguous (display order). */
static void sens_rows(cw *w, lxw_worksheet *ws, const jx_sensitivity *s)
{
    for (size_t i = 0; i < jx_sensitivity_count(s); i++) {
        const jx_sens_subject *o = jx_sensitivity_at(s, i);
        int r = ROW_FIRST + (int)i;
        char label[256];
        snprintf(label, sizeof label, "%s%s%s", o->name, *o->project ? " / " : "", o->project);
        str(w, ws, r, 0, o->code, CF_TEXT, false);
        str(w, ws, r, 1, label, CF_TEXT, false);
        num(w, ws, r, 2, o->year, CF_INT, false);
        num(w, ws, r, 3, o->nominal_total, CF_NUM2, false);
        num(w, ws, r, 4, (double)o->nominal_rank, CF_INT, false);
        num(w, ws, r, 5, o->rank_mean, CF_NUM2, false);
        num(w, ws, r, 6, o->rank_median, CF_NUM2, false);
        num(w, ws, r, 7, o->rank_p5, CF_NUM2, false);
        num(w, ws, r, 8, o->rank_p95, CF_NUM2, false);
        num(w, ws, r, 9, o->p_top_grade, CF_PCT, false);
        num(w, ws, r, 10, o->p_grade_change, CF_PCT, false);
    }
}

/* 图表数据 of one group (subjects i0..i1 in nominal order), in columns c..c+4: the interval
 * as segments (x, P5), (x, P95), then a blank row that breaks the line; x, the nominal and the
 * median rank. x is the subject's place in nominal order (1, 2, …). */
static void sens_chart_data(cw *w, lxw_worksheet *ds, const jx_sensitivity *s, size_t i0, size_t i1,
                            int c)
{
    static const char *const head[] = {"序号", "P5 / P95 排名", "序号", "名义排名", "中位排名"};
    for (int k = 0; k < 5; k++)
        str(w, ds, 0, c + k, head[k], CF_HEAD, false);
    for (size_t i = i0; i <= i1; i++) {
        const jx_sens_subject *o = jx_sensitivity_at(s, i);
        double x = (double)(i - i0 + 1);
        int r = 1 + 3 * (int)(i - i0);
        num(w, ds, r, c, x, CF_INT, false);
        num(w, ds, r, c + 1, o->rank_p5, CF_NUM2, false);
        num(w, ds, r + 1, c, x, CF_INT, false);
        num(w, ds, r + 1, c + 1, o->rank_p95, CF_NUM2, false);
        num(w, ds, 1 + (int)(i - i0), c + 2, x, CF_INT, false);
        num(w, ds, 1 + (int)(i - i0), c + 3, (double)o->nominal_rank, CF_INT, false);
        num(w, ds, 1 + (int)(i - i0), c + 4, o->rank_median, CF_NUM2, false);
    }
}

/* The chart of one group: a vertical line from P5 to P95 per subject, with its nominal and
 * median rank, subjects in nominal order. Scatter series only: they render alike in Excel and
 * LibreOffice (high-low lines and up-down bars do not). */
static lxw_chart *sens_chart(cw *w, const jx_sens_subject *first, size_t n, int c)
{
    char title[256];
    snprintf(title, sizeof title, "%d年%s排名的不确定性：P5–P95 区间与名义排名", first->year,
             *first->project ? "项目" : "部门");
    lxw_chart *ch =
        chart_new(w, LXW_CHART_SCATTER_STRAIGHT, title,
                  "对象（按名义排名排列，序号见图表数据与排名区间表）", "排名（1 = 最好）");
    if (!ch) return NULL;
    int rows = 3 * (int)n;
    line_style(series(ch, "图表数据", c, c + 1, 1, rows, "P5–P95 区间"), GREY,
               LXW_CHART_LINE_DASH_SOLID);
    dots(series(ch, "图表数据", c + 2, c + 4, 1, (int)n, "中位排名"), LXW_CHART_MARKER_X, RED, 5);
    dots(series(ch, "图表数据", c + 2, c + 3, 1, (int)n, "名义排名"), LXW_CHART_MARKER_CIRCLE, BLUE,
         5);
    chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
    chart_axis_set_reverse(ch->y_axis);
    chart_axis_set_min(ch->y_axis, 1);
    chart_axis_set_max(ch->y_axis, fmax(2, (double)n));
    chart_axis_set_min(ch->x_axis, 0);
    chart_axis_set_max(ch->x_axis, (double)n + 1);
    chart_axis_set_label_position(ch->x_axis, LXW_CHART_AXIS_LABEL_POSITION_HIGH);
    return ch;
}

jx_err jx_sensitivity_write_xlsx(const jx_sensitivity *s, const char *note, const char *path,
                                 jx_errmsg *msg)
{
    if (!s) return jx_msg(msg, JX_ERR_INVALID, "jx_sensitivity_write_xlsx: no result");
    cw w;
    jx_err e = start(&w, path, msg);
    if (e) return e;
    static const char *const head[] = {"部门编码", "部门名称 / 项目", "年度",       "名义总分",
                                       "名义排名", "平均排名",        "中位排名",   "P5 排名",
                                       "P95 排名", "P(优)",           "P(等级变化)"};
    static const double width[] = {10, 32, 7, 9, 8, 8, 8, 8, 8, 8, 10};
    lxw_worksheet *ws = listing(&w, "排名区间", "排名的稳健性（蒙特卡洛）", note, head, width, 11);
    lxw_worksheet *cs = workbook_add_worksheet(w.wb, "图表");
    lxw_worksheet *ds = workbook_add_worksheet(w.wb, "图表数据");
    if (!ws || !cs || !ds) {
        keep(&w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return finish(&w, path, msg);
    }
    sens_rows(&w, ws, s);
    size_t n = jx_sensitivity_count(s);
    autofilter(&w, ws, (int)n, 11);
    int charts = 0;
    lxw_row_t breaks[13] = {0}; /* a page per chart; the list ends with 0 */
    for (size_t i = 0; i < n && charts < 12;) {
        size_t j = i;
        while (j + 1 < n && jx_sensitivity_at(s, j + 1)->group == jx_sensitivity_at(s, i)->group)
            j++;
        if (charts) breaks[charts - 1] = (lxw_row_t)(charts * 25);
        sens_chart_data(&w, ds, s, i, j, 6 * charts);
        double width_px = fmin(1400, fmax(720, 12.0 * (double)(j - i + 1)));
        place(&w, cs, charts * 25, sens_chart(&w, jx_sensitivity_at(s, i), j - i + 1, 6 * charts),
              width_px, 460);
        charts++;
        i = j + 1;
    }
    if (charts > 1) keep(&w, worksheet_set_h_pagebreaks(cs, breaks));
    worksheet_set_landscape(cs);
    worksheet_set_paper(cs, 9);
    worksheet_fit_to_pages(cs, 1, 0);
    return finish(&w, path, msg);
}
