/*
 * xlsx_summary.c - the 汇总 sheet a finance bureau files, and the 统计图 sheet
 * drawn from it.
 *
 * The 汇总 lists the subjects by year and kind, as `jixiao rank` ranks them:
 * for each year, the departments (部门整体) highest total first, then the
 * projects grouped under their department (in the departments' order), each
 * department's projects highest first. Each such section is a contiguous range,
 * so its ranks are COUNTIF formulas over it (competition ranks, totals within
 * 1e-9 tie) and its statistics (counts per grade, mean / highest / lowest,
 * budget totals) are plain formulas over it. In one workbook the totals,
 * grades and money refer to the subject sheets, so the 汇总 follows any change
 * made there; the flag columns are export-time values and say so. The layout
 * is in docs/xlsx.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jixiao/rank.h"
#include "util/util_int.h"
#include "write/xlsx_write_int.h"

enum {
    S_RANK,
    S_CODE,
    S_NAME,
    S_PROJECT,
    S_YEAR,
    S_TOTAL,
    S_GRADE,
    S_BUDGET,
    S_SPENT,
    S_RATE,
    S_NFLAGS,
    S_FLAGS,
    S_SHEET,
    S__COUNT
};

static const double widths[S__COUNT] = {6, 9, 22, 20, 6, 8, 7, 10, 10, 8, 7, 30, 26};
#define FILE_WIDTH 40 /* --split: the department's file name, on one line */

#define SUMMARY_SHEET "汇总"
#define CHART_SHEET "统计图"
#define FIRST_ROW 3 /* 0-based: title, the run, the header */

/* ---- the order: year, then departments by total, then projects under their department ---- */

typedef struct sortctx {
    const int64_t *key; /* jx_rank_key of the total, or 0 on a blank form */
    const size_t *grp;  /* projects: their department's position; NULL for departments */
} sortctx;

static int cmp(const sortctx *c, size_t i, size_t j)
{
    if (c->grp && c->grp[i] != c->grp[j]) return c->grp[i] < c->grp[j] ? -1 : 1;
    if (c->key[i] != c->key[j]) return c->key[i] > c->key[j] ? -1 : 1;
    return i < j ? -1 : i > j;
}

/* qsort_r is a GNU/BSD extension with two signatures: a plain merge sort of indices. */
static void msort(size_t *v, size_t *tmp, size_t n, const sortctx *c)
{
    if (n < 2) return;
    size_t h = n / 2;
    msort(v, tmp, h, c);
    msort(v + h, tmp, n - h, c);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp(c, v[j], v[i]) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The department a subject belongs to: its code, or its name when it has none. */
static size_t dept_key(const xsub *u, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "%s%s", *u->code ? "C" : "N", *u->code ? u->code : u->name);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

typedef struct order {
    size_t *idx;   /* subjects in 汇总 order */
    size_t *grp;   /* scratch: projects' department positions */
    int64_t *key;  /* rank keys */
    size_t *start; /* per section: its first position in idx */
    int *years;
    size_t nsec;
} order;

/* One year's two sections into o->idx from position *at. False when out of memory. */
static bool order_year(order *o, const xsub *subs, size_t n, int year, size_t *at, size_t *tmp)
{
    jx_map pos = {0};
    size_t a = *at, nd = 0;
    for (size_t i = 0; i < n; i++)
        if (subs[i].year == year && !*subs[i].project) o->idx[a + nd++] = i;
    sortctx c = {.key = o->key};
    msort(o->idx + a, tmp, nd, &c);
    bool ok = true;
    char k[600];
    for (size_t d = 0; d < nd && ok; d++) {
        int fresh = 0;
        int64_t *v = jx_map_put(&pos, k, dept_key(&subs[o->idx[a + d]], k, sizeof k), &fresh);
        if (!v)
            ok = false;
        else if (fresh)
            *v = (int64_t)d;
    }
    size_t np = 0, next = nd;
    for (size_t i = 0; i < n && ok; i++) {
        if (subs[i].year != year || !*subs[i].project) continue;
        int fresh = 0;
        int64_t *v = jx_map_put(&pos, k, dept_key(&subs[i], k, sizeof k), &fresh);
        if (!v) {
            ok = false;
            break;
        }
        if (fresh) *v = (int64_t)next++; /* a department without its 部门整体 row: after */
        o->grp[i] = (size_t)*v;
        o->idx[a + nd + np++] = i;
    }
    jx_map_free(&pos);
    if (!ok) return false;
    c.grp = o->grp;
    msort(o->idx + a + nd, tmp, np, &c);
    if (nd) o->start[o->nsec] = a, o->years[o->nsec++] = year;
    if (np) o->start[o->nsec] = a + nd, o->years[o->nsec++] = -year;
    *at = a + nd + np;
    return true;
}

static bool make_order(order *o, const xsub *subs, size_t n, bool blank)
{
    size_t m = n ? n : 1;
    o->idx = malloc(m * sizeof *o->idx);
    o->grp = malloc(m * sizeof *o->grp);
    o->key = malloc(m * sizeof *o->key);
    o->start = malloc((2 * m + 1) * sizeof *o->start);
    o->years = malloc((2 * m + 1) * sizeof *o->years);
    size_t *tmp = malloc(m * sizeof *tmp);
    int *ys = malloc(m * sizeof *ys);
    bool ok = o->idx && o->grp && o->key && o->start && o->years && tmp && ys;
    for (size_t i = 0; ok && i < n; i++) {
        o->key[i] = blank ? 0 : jx_rank_key(subs[i].total);
        ys[i] = subs[i].year;
    }
    if (ok) qsort(ys, n, sizeof *ys, cmp_int);
    size_t at = 0;
    for (size_t i = 0; ok && i < n; i++)
        if (i == 0 || ys[i] != ys[i - 1]) ok = order_year(o, subs, n, ys[i], &at, tmp);
    o->start[o->nsec] = n;
    free(tmp);
    free(ys);
    return ok;
}

static void free_order(order *o)
{
    free(o->idx);
    free(o->grp);
    free(o->key);
    free(o->start);
    free(o->years);
}

/* Competition ranks of the section idx[a..b): 1 + the number of greater keys. */
static void section_ranks(const order *o, size_t a, size_t b, size_t *rank, int64_t *tmp)
{
    size_t n = b - a;
    for (size_t i = 0; i < n; i++)
        tmp[i] = o->key[o->idx[a + i]];
    for (size_t i = 1; i < n; i++) { /* insertion sort is fine: departments come sorted */
        int64_t v = tmp[i];
        size_t j = i;
        while (j > 0 && tmp[j - 1] < v) {
            tmp[j] = tmp[j - 1];
            j--;
        }
        tmp[j] = v;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t v = o->key[o->idx[a + i]];
        size_t lo = 0, hi = n; /* first position whose key is not greater */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (tmp[mid] > v)
                lo = mid + 1;
            else
                hi = mid;
        }
        rank[i] = lo + 1;
    }
}

/* ---- the sheet ---- */

static int popcount(unsigned x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

static void head_rows(xwb *w, lxw_worksheet *ws, size_t n, size_t nproj, int year, bool links)
{
    static const char *const head[S__COUNT] = {"排名",
                                               "部门编码",
                                               "部门（单位）名称",
                                               "项目",
                                               "年度",
                                               "总分",
                                               "自评等级",
                                               "全年预算数（万元）",
                                               "全年执行数（万元）",
                                               "预算执行率",
                                               "标记数（导出时）",
                                               "审核提示（导出时）",
                                               "工作表"};
    double total = 0;
    for (int c = 0; c < S__COUNT; c++) {
        double wd = c == S_SHEET && !links ? FILE_WIDTH : widths[c];
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, wd, NULL);
        total += wd;
    }
    char buf[1024];
    worksheet_set_row(ws, 0, 30, NULL);
    if (year)
        snprintf(buf, sizeof buf, "%d年度部门整体及项目支出绩效自评结果汇总", year);
    else
        snprintf(buf, sizeof buf, "部门整体及项目支出绩效自评结果汇总");
    xw_merge(w, ws, 0, 0, 0, S__COUNT - 1, buf, xw_fmt(w, XF_TITLE, XS_PLAIN));
    const jx_run_info *info = w->info;
    snprintf(buf, sizeof buf,
             "评分规则：%s（SHA-256 %.12s…）；评分运行 #%lld，%s；共 %zu 个（部门整体 %zu 个，项目 "
             "%zu 个）。部门与项目分开、各年度分开排名。%s",
             info->rules, info->rules_sha256, (long long)info->id, info->created_at, n, n - nproj,
             nproj,
             w->blank ? "空白填报表：总分、等级和排名在各表填报完成后显示。"
             : links  ? "总分、等级、预算数和执行率取自各工作表，随之变化；标记数和审核提示为导出时"
                        "的值。"
                      : "本表数值为导出时各部门文件中的值，部门文件修改后请重新导出汇总。");
    worksheet_set_row(ws, 1, xw_row_height(xw_text_lines(buf, total, 9), 9), NULL);
    xw_merge(w, ws, 1, 0, 1, S__COUNT - 1, buf, xw_fmt(w, XF_SIGN, XS_PLAIN));
    worksheet_set_row(ws, 2, xw_row_height(2, 10), NULL);
    for (int c = 0; c < S__COUNT; c++)
        xw_str(w, ws, 2, c, c == S_SHEET && !links ? "文件" : head[c],
               xw_fmt(w, XF_HEAD, XS_PLAIN));
}

typedef struct srow {
    const xsub *u;
    int row;     /* 0-based */
    int r1, r2;  /* Excel rows of its section */
    size_t rank; /* cached */
    bool links, blank;
} srow;

/* Total, grade, money: references to the subject's sheet, or values. */
static void row_values(xwb *w, lxw_worksheet *ws, const srow *r, const char *q)
{
    const xsub *u = r->u;
    int row = r->row;
    char f[400];
    bool project = *u->project != '\0';
    xlay L;
    xs_layout(project, u->nrows, &L);
    lxw_format *num2 = xw_fmt(w, XF_NUM2, XS_PLAIN), *center = xw_fmt(w, XF_CENTER, XS_PLAIN);
    lxw_format *money = xw_fmt(w, XF_MONEY, XS_PLAIN), *pct = xw_fmt(w, XF_PCT, XS_PLAIN);
    if (r->links) {
        snprintf(f, sizeof f, "=%s!$G$%d", q, L.total + 1);
        if (r->blank)
            xw_formula_str(w, ws, row, S_TOTAL, f, "", num2);
        else
            xw_formula(w, ws, row, S_TOTAL, f, u->total, num2);
        snprintf(f, sizeof f, "=%s!$G$%d", q, L.grade + 1);
        xw_formula_str(w, ws, row, S_GRADE, f, r->blank ? "" : u->grade, center);
        snprintf(f, sizeof f, "=%s!$D$%d", q, L.money_total + 1);
        xw_formula(w, ws, row, S_BUDGET, f, u->budget, money);
        snprintf(f, sizeof f, "=%s!$E$%d", q, L.money_total + 1);
        xw_formula(w, ws, row, S_SPENT, f, u->spent, money);
        snprintf(f, sizeof f, "=%s!$G$%d", q, L.money_total + 1);
        if (u->rate_scored)
            xw_formula(w, ws, row, S_RATE, f, u->rate, pct);
        else
            xw_formula_str(w, ws, row, S_RATE, f, "—", pct);
        return;
    }
    if (r->blank) {
        xw_blank(w, ws, row, S_TOTAL, num2);
        xw_blank(w, ws, row, S_GRADE, center);
    } else {
        xw_num(w, ws, row, S_TOTAL, u->total, num2);
        xw_str(w, ws, row, S_GRADE, u->grade, center);
    }
    xw_num(w, ws, row, S_BUDGET, u->budget, money);
    xw_num(w, ws, row, S_SPENT, u->spent, money);
    if (u->rate_scored)
        xw_num(w, ws, row, S_RATE, u->rate, pct);
    else
        xw_str(w, ws, row, S_RATE, "—", center);
}

static void subject_row(xwb *w, lxw_worksheet *ws, const srow *r)
{
    const xsub *u = r->u;
    int row = r->row, R = row + 1;
    char flags[512], f[400], q[160];
    xw_flag_labels(r->blank ? 0 : u->flags, flags, sizeof flags);
    xw_quote_sheet(u->sheet, q, sizeof q);
    const char *link_text = r->links ? u->sheet : u->file ? u->file : "";
    int lines = xw_text_lines(u->name, widths[S_NAME], 10);
    int k = xw_text_lines(u->project, widths[S_PROJECT], 10);
    lines = k > lines ? k : lines;
    k = xw_text_lines(flags, widths[S_FLAGS], 9);
    lines = k > lines ? k : lines;
    k = xw_text_lines(link_text, r->links ? widths[S_SHEET] : FILE_WIDTH, 10);
    lines = k > lines ? k : lines;
    worksheet_set_row(ws, (lxw_row_t)row, xw_row_height(lines, 10), NULL);
    snprintf(f, sizeof f, "=IF(F%d=\"\",\"\",COUNTIF($F$%d:$F$%d,\">\"&(F%d+1E-09))+1)", R, r->r1,
             r->r2, R);
    if (r->blank)
        xw_formula_str(w, ws, row, S_RANK, f, "", xw_fmt(w, XF_INT, XS_PLAIN));
    else
        xw_formula(w, ws, row, S_RANK, f, (double)r->rank, xw_fmt(w, XF_INT, XS_PLAIN));
    lxw_format *text = xw_fmt(w, XF_TEXT, XS_PLAIN);
    xw_str(w, ws, row, S_CODE, u->code, text);
    xw_str(w, ws, row, S_NAME, u->name, text);
    xw_str(w, ws, row, S_PROJECT, *u->project ? u->project : "部门整体", text);
    xw_num(w, ws, row, S_YEAR, u->year, xw_fmt(w, XF_INT, XS_PLAIN));
    row_values(w, ws, r, q);
    bool fl = u->flags && !r->blank;
    xw_num(w, ws, row, S_NFLAGS, r->blank ? 0 : popcount(u->flags),
           xw_fmt(w, XF_INT, fl ? XS_FLAG : XS_PLAIN));
    xw_str(w, ws, row, S_FLAGS, flags, xw_fmt(w, XF_NOTE, fl ? XS_FLAG : XS_PLAIN));
    char url[1200];
    if (r->links)
        snprintf(url, sizeof url, "internal:%s!A1", q);
    else if (u->file)
        snprintf(url, sizeof url, "external:%s#%s!A1", u->file, q);
    else
        url[0] = '\0';
    lxw_error e = *url ? worksheet_write_url_opt(ws, (lxw_row_t)row, S_SHEET, url,
                                                 xw_fmt(w, XF_LINK, XS_PLAIN), link_text, NULL)
                       : LXW_ERROR_PARAMETER_VALIDATION;
    if (e != LXW_NO_ERROR)
        xw_str(w, ws, row, S_SHEET, link_text, text);
    else
        w->stats.cells++;
}

/* The grade colours of the 自评等级 column: best green, then blue, yellow, worst red. */
static void grade_colours(xwb *w, lxw_worksheet *ws, int r1, int r2)
{
    static const lxw_color_t fill[] = {0xC6EFCE, 0xDDEBF7, 0xFFEB9C, 0xFFC7CE};
    const jx_ruleset *rs = w->rs;
    int ng = rs ? rs->ntotal_grade : 0;
    for (int i = 0; i < ng; i++) {
        lxw_format *f = workbook_add_format(w->wb);
        if (!f) return;
        int k = ng <= 4 ? (i == ng - 1 ? 3 : i) : (i * 3) / (ng - 1);
        format_set_bg_color(f, fill[k]);
        char v[64];
        snprintf(v, sizeof v, "\"%s\"", rs->total_grade[i].grade);
        lxw_conditional_format cf = {.type = LXW_CONDITIONAL_TYPE_CELL,
                                     .criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO,
                                     .value_string = v,
                                     .format = f};
        worksheet_conditional_format_range(ws, (lxw_row_t)r1, S_GRADE, (lxw_row_t)r2, S_GRADE, &cf);
    }
}

/* ---- statistics per section ---- */

static int grade_count(const xwb *w)
{
    return w->rs && w->rs->ntotal_grade > 0 ? w->rs->ntotal_grade : 0;
}

static void stats_head(xwb *w, lxw_worksheet *ws, int row)
{
    int ng = grade_count(w), c = S_YEAR;
    lxw_format *h = xw_fmt(w, XF_HEAD, XS_PLAIN);
    worksheet_set_row(ws, (lxw_row_t)row, xw_row_height(2, 10), NULL);
    xw_merge(w, ws, row, S_RANK, row, S_NAME, "统计", h);
    xw_str(w, ws, row, S_PROJECT, "数量", h);
    for (int i = 0; i < ng; i++)
        xw_str(w, ws, row, c++, w->rs->total_grade[i].grade, h);
    static const char *const rest[] = {"平均分", "最高分", "最低分", "全年预算数合计（万元）",
                                       "全年执行数合计（万元）"};
    for (int i = 0; i < 5; i++)
        xw_str(w, ws, row, c++, rest[i], h);
}

/* One section's statistics: formulas over its rows a..b (Excel), cached from the subjects. */
static void stats_row(xwb *w, lxw_worksheet *ws, int row, const xsection *sec, const xsub *subs,
                      const order *o, size_t k)
{
    int a = sec->r1 + 1, b = sec->r2 + 1, ng = grade_count(w), c = S_YEAR;
    size_t i0 = o->start[k], i1 = o->start[k + 1];
    char f[256], label[96];
    worksheet_set_row(ws, (lxw_row_t)row, xw_row_height(1, 10), NULL);
    snprintf(label, sizeof label, "%d年度%s", sec->year,
             sec->projects ? "项目支出" : "部门整体支出");
    xw_merge(w, ws, row, S_RANK, row, S_NAME, label, xw_fmt(w, XF_INFO_LABEL, XS_PLAIN));
    xw_num(w, ws, row, S_PROJECT, (double)(i1 - i0), xw_fmt(w, XF_INT, XS_PLAIN));
    double sum = 0, mx = -INFINITY, mn = INFINITY, bud = 0, sp = 0;
    for (size_t i = i0; i < i1; i++) {
        const xsub *u = &subs[o->idx[i]];
        sum += u->total;
        mx = u->total > mx ? u->total : mx;
        mn = u->total < mn ? u->total : mn;
        bud += u->budget;
        sp += u->spent;
    }
    for (int g = 0; g < ng; g++) {
        const char *gw = w->rs->total_grade[g].grade;
        size_t cnt = 0;
        for (size_t i = i0; i < i1 && !w->blank; i++)
            cnt += !strcmp(subs[o->idx[i]].grade, gw);
        snprintf(f, sizeof f, "=COUNTIF($G$%d:$G$%d,\"%s\")", a, b, gw);
        xw_formula(w, ws, row, c++, f, (double)cnt, xw_fmt(w, XF_INT, XS_PLAIN));
    }
    static const char *const fn[] = {"AVERAGE", "MAX", "MIN"};
    const double val[] = {sum / (double)(i1 - i0), mx, mn};
    for (int i = 0; i < 3; i++) {
        snprintf(f, sizeof f, "=IF(COUNT($F$%d:$F$%d)=0,\"\",%s($F$%d:$F$%d))", a, b, fn[i], a, b);
        if (w->blank)
            xw_formula_str(w, ws, row, c++, f, "", xw_fmt(w, XF_NUM2, XS_PLAIN));
        else
            xw_formula(w, ws, row, c++, f, val[i], xw_fmt(w, XF_NUM2, XS_PLAIN));
    }
    snprintf(f, sizeof f, "=SUM($H$%d:$H$%d)", a, b);
    xw_formula(w, ws, row, c++, f, bud, xw_fmt(w, XF_MONEY, XS_PLAIN));
    snprintf(f, sizeof f, "=SUM($I$%d:$I$%d)", a, b);
    xw_formula(w, ws, row, c, f, sp, xw_fmt(w, XF_MONEY, XS_PLAIN));
}

/* ---- the 汇总 sheet ---- */

/* The section rows and the subjects under them, from row FIRST_ROW; returns the next row. */
static int write_sections(xwb *w, lxw_worksheet *ws, const xsub *subs, const order *o, bool links)
{
    int row = FIRST_ROW;
    size_t n = o->start[o->nsec];
    size_t *rank = malloc((n ? n : 1) * sizeof *rank);
    int64_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!rank || !tmp) {
        free(rank);
        free(tmp);
        w->lxerr = LXW_ERROR_MEMORY_MALLOC_FAILED;
        return row;
    }
    for (size_t k = 0; k < o->nsec; k++) {
        size_t a = o->start[k], b = o->start[k + 1];
        bool proj = o->years[k] < 0;
        int year = proj ? -o->years[k] : o->years[k];
        char buf[128];
        snprintf(buf, sizeof buf, "%d年度 %s（%zu个）", year, proj ? "项目支出" : "部门整体支出",
                 b - a);
        worksheet_set_row(ws, (lxw_row_t)row, xw_row_height(1, 10), NULL);
        xw_merge(w, ws, row, 0, row, S__COUNT - 1, buf, xw_fmt(w, XF_SECTION, XS_PLAIN));
        row++;
        section_ranks(o, a, b, rank, tmp);
        if (w->nsec < XW_MAX_SECTIONS)
            w->sec[w->nsec++] =
                (xsection){.year = year, .projects = proj, .r1 = row, .r2 = row + (int)(b - a) - 1};
        for (size_t i = a; i < b; i++, row++) {
            srow r = {.u = &subs[o->idx[i]],
                      .row = row,
                      .r1 = row - (int)(i - a) + 1,
                      .r2 = row - (int)(i - a) + (int)(b - a),
                      .rank = rank[i - a],
                      .links = links,
                      .blank = w->blank};
            subject_row(w, ws, &r);
        }
    }
    free(rank);
    free(tmp);
    return row;
}

jx_err xsum_write(xwb *w, const xsub *subs, size_t n, int year, bool links)
{
    /* libxlsxwriter does not survive a failed allocation: stop before memory runs that low */
    if (!jx_mem_headroom((64u << 20) + n * 4096)) return JX_ERR_NOMEM;
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, SUMMARY_SHEET);
    if (!ws) return JX_ERR_XLSX;
    w->stats.sheets++;
    order o = {0};
    if (!make_order(&o, subs, n, w->blank)) {
        free_order(&o);
        return JX_ERR_NOMEM;
    }
    size_t nproj = 0;
    for (size_t i = 0; i < n; i++)
        nproj += *subs[i].project != '\0';
    head_rows(w, ws, n, nproj, year, links);
    w->nsec = 0;
    int row = write_sections(w, ws, subs, &o, links);
    if (row > FIRST_ROW) grade_colours(w, ws, FIRST_ROW, row - 1);
    int last = row - 1;
    if (o.nsec && w->nsec == (int)o.nsec) {
        row++; /* a blank row, then the statistics */
        w->stats_head = row;
        stats_head(w, ws, row++);
        for (int k = 0; k < w->nsec; k++) {
            w->sec[k].stats_row = row;
            stats_row(w, ws, row++, &w->sec[k], subs, &o, (size_t)k);
        }
        last = row - 1;
    }
    w->ngrades = grade_count(w);
    free_order(&o);
    worksheet_freeze_panes(ws, FIRST_ROW, 0);
    xw_print_setup(w, ws, true, 2, last, S__COUNT - 1, 0);
    return w->lxerr == LXW_NO_ERROR ? JX_OK : JX_ERR_XLSX;
}

/* ---- the 统计图 sheet ---- */

static void chart_font(lxw_chart *ch)
{
    lxw_chart_font title = {.name = "宋体", .size = 12, .bold = 1, .charset = 134};
    chart_title_set_name_font(ch, &title);
}

/* Grade distribution: one series per section, the grades as categories. */
static lxw_chart *grade_chart(xwb *w)
{
    lxw_chart *ch = workbook_add_chart(w->wb, LXW_CHART_COLUMN);
    if (!ch) return NULL;
    chart_title_set_name(ch, "自评等级分布（个数）");
    chart_font(ch);
    for (int k = 0; k < w->nsec; k++) {
        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        if (!s) continue;
        int r = w->sec[k].stats_row;
        chart_series_set_categories(s, SUMMARY_SHEET, (lxw_row_t)w->stats_head, S_YEAR,
                                    (lxw_row_t)w->stats_head, (lxw_col_t)(S_YEAR + w->ngrades - 1));
        chart_series_set_values(s, SUMMARY_SHEET, (lxw_row_t)r, S_YEAR, (lxw_row_t)r,
                                (lxw_col_t)(S_YEAR + w->ngrades - 1));
        chart_series_set_name_range(s, SUMMARY_SHEET, (lxw_row_t)r, S_RANK);
        chart_series_set_labels(s);
    }
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    return ch;
}

#define MAX_BARS 40

/* One section's totals, highest first (the section is sorted): a bar per subject. */
static lxw_chart *totals_chart(xwb *w, const xsection *sec, int *bars)
{
    lxw_chart *ch = workbook_add_chart(w->wb, LXW_CHART_BAR);
    if (!ch) return NULL;
    int n = sec->r2 - sec->r1 + 1;
    *bars = n > MAX_BARS ? MAX_BARS : n;
    char title[128];
    snprintf(title, sizeof title, "%d年度%s自评总分%s", sec->year,
             sec->projects ? "项目" : "部门整体", n > MAX_BARS ? "（前40名）" : "");
    chart_title_set_name(ch, title);
    chart_font(ch);
    lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
    if (s) {
        lxw_col_t names = sec->projects ? S_PROJECT : S_NAME;
        chart_series_set_categories(s, SUMMARY_SHEET, (lxw_row_t)sec->r1, names,
                                    (lxw_row_t)(sec->r1 + *bars - 1), names);
        chart_series_set_values(s, SUMMARY_SHEET, (lxw_row_t)sec->r1, S_TOTAL,
                                (lxw_row_t)(sec->r1 + *bars - 1), S_TOTAL);
        chart_series_set_name(s, "总分");
        chart_series_set_labels(s);
    }
    chart_axis_set_reverse(ch->y_axis); /* highest at the top */
    chart_axis_set_min(ch->x_axis, 0);
    chart_axis_set_max(ch->x_axis, 100);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
    return ch;
}

void xsum_charts(xwb *w)
{
    if (w->blank || w->nsec == 0 || w->ngrades == 0) return;
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, CHART_SHEET);
    if (!ws) {
        w->lxerr = LXW_ERROR_MEMORY_MALLOC_FAILED;
        return;
    }
    w->stats.sheets++;
    lxw_chart *g = grade_chart(w);
    lxw_chart_options big = {.x_scale = 1.5, .y_scale = 1.0};
    if (g) worksheet_insert_chart_opt(ws, 0, 0, g, &big);
    int row = 16, shown = 0; /* 288 px at 20 px a row, and a gap */
    for (int k = w->nsec - 1; k >= 0 && shown < 3; k--) {
        int bars = 0;
        const xsection *sec = &w->sec[k];
        if (sec->projects) continue;
        lxw_chart *t = totals_chart(w, sec, &bars);
        if (!t) continue;
        double px = 130 + 28.0 * bars; /* room for the title, the axis and a name per bar */
        lxw_chart_options o = {.x_scale = 1.5, .y_scale = px / 288};
        worksheet_insert_chart_opt(ws, (lxw_row_t)row, 0, t, &o);
        row += (int)(px / 20) + 2;
        shown++;
    }
    xw_print_setup(w, ws, false, -1, row, 11, 1);
}
