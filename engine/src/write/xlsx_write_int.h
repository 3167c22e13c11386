/*
 * xlsx_write_int.h - the inside of the 自评表 writer (xlsx.h), shared by
 * xlsx.c (runs, passes, threads, files, the 汇总 sheet), xlsx_sheet.c (one
 * subject's sheet, formats, cell helpers) and xlsx_formula.c (how each
 * indicator's ratio becomes a formula or a constant), and by the tests.
 * libxlsxwriter appears here and in those files only.
 */
#ifndef JIXIAO_XLSX_WRITE_INT_H
#define JIXIAO_XLSX_WRITE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <xlsxwriter.h>

#include "jixiao/run.h"
#include "jixiao/xlsx.h"
#include "model/ruleset_int.h"

/* ---- the subject sheet's columns (docs/xlsx.md) ---- */
enum {
    C_L1,
    C_L2,
    C_L3,
    C_T,
    C_A,
    C_W,
    C_P,
    C_REASON, /* the official eight: the print area */
    C_OP,
    C_RATIO,
    C_EXPLAIN,
    C_FLAGS, /* for the auditor, right of the print area */
    C_HT,
    C_HA, /* hidden helpers: target and actual numbers */
    C__COUNT
};
#define C_LAST_PRINTED C_REASON
#define C_LAST_VISIBLE C_FLAGS
/* The same columns as formulas name them. */
#define XL_T "D"
#define XL_A "E"
#define XL_W "F"
#define XL_P "G"
#define XL_RATIO "J"
#define XL_HT "M"
#define XL_HA "N"

/* Where the rows of a subject's sheet are (0-based), for a project or a department as a whole
 * with n indicators: title, the form's fields, the money block (header, 年度资金总额, 其中 rows),
 * 年度总体目标 (header, text), the indicator header, the indicators, 合计, 总分, 自评等级, 注 and
 * the signature line. */
typedef struct xlay {
    bool project;
    int money_head, money_total, money_sub, nsub;
    int goal_head, goal_row;
    int head, first;
    int n;
    int sum, total, grade, note, sign;
} xlay;

void xs_layout(bool project, size_t n, xlay *L);

/* The 0-based row of the 总分 and 自评等级 cells (column C_P) of a sheet. */
static inline int xs_total_row(bool project, size_t n)
{
    xlay L;
    xs_layout(project, n, &L);
    return L.total;
}
static inline int xs_grade_row(bool project, size_t n)
{
    xlay L;
    xs_layout(project, n, &L);
    return L.grade;
}

/* ---- formats of one workbook ---- */
typedef enum xf_id {
    XF_TITLE,
    XF_INFO_LABEL,
    XF_INFO,
    XF_HEAD,
    XF_TEXT,
    XF_CENTER,
    XF_NUM2,
    XF_PCT,
    XF_MONEY,
    XF_SUM_LABEL,
    XF_SUM2,
    XF_TOTAL,
    XF_GRADE,
    XF_NOTE,
    XF_SIGN,
    XF_HIDDEN,
    XF_INT,
    XF_AUDIT_HEAD,
    XF_SECTION,
    XF_LINK,
    XF__COUNT
} xf_id;

/* Cell styles: plain, flagged for the auditor (yellow), an input of the blank form (unlocked,
 * shaded). */
enum { XS_PLAIN, XS_FLAG, XS_INPUT, XS__COUNT };

#define XW_MAX_UNIT_FMTS 96
#define XW_MAX_LISTS 64
#define XW_NF_MAX 64
#define XW_FOOTER_MAX 200 /* the footer of every sheet: rule set, run, page numbers */

/* One workbook being written, with its formats and counters. Used by one thread. */
/* A section of the 汇总: one year's departments (部门整体) or projects, rows r1..r2 (0-based). */
typedef struct xsection {
    int year;
    bool projects;
    int r1, r2, stats_row;
} xsection;
#define XW_MAX_SECTIONS 64

typedef struct xwb {
    lxw_workbook *wb;
    lxw_format *fmt[XF__COUNT][XS__COUNT]; /* [id][style] */
    struct {
        char code[XW_NF_MAX];
        lxw_format *f[XS__COUNT];
    } ufmt[XW_MAX_UNIT_FMTS]; /* number formats of values with units, made on first use */
    int nufmt;
    const jx_ruleset *rs;      /* the run's rule set, or NULL: ratios as constants */
    bool blank;                /* a form to fill in */
    bool names_defined;        /* the lookup names 等级分值 / 达成度分值 */
    char *lists[XW_MAX_LISTS]; /* dropdown lists too long to inline: on the hidden 选项 sheet */
    int nlists;
    jx_xlsx_summary stats;
    lxw_error lxerr; /* first libxlsxwriter error of a cell call */
    const jx_run_info *info;
    char footer[XW_FOOTER_MAX];
    double *heights; /* scratch: row heights of the sheet being written */
    size_t capheights;
    xsection sec[XW_MAX_SECTIONS]; /* the 汇总's sections, for the 统计图 sheet */
    int nsec, stats_head, ngrades;
} xwb;

/* Set up (formats are made on first use by xw_fmt()); false when out of memory. */
bool xw_init(xwb *w, lxw_workbook *wb, const jx_ruleset *rs, bool blank, const jx_run_info *info);
/* A format of the workbook, made on first use (NULL, with lxerr set, when out of memory). */
lxw_format *xw_fmt(xwb *w, xf_id id, int style);
/* Free what xw_init and the writes allocated (not the workbook). */
void xw_free(xwb *w);
/* Add the hidden 选项 sheet if a list needs it. Call once, before workbook_close(). */
void xw_finish(xwb *w);
/* The format of a value cell with number format @p code ("" → General), centred. */
lxw_format *xw_num_fmt(xwb *w, const char *code, int style);

/* Cell writers: count cells, clip over-long text, keep the first error. Text is always text. */
void xw_str(xwb *w, lxw_worksheet *ws, int r, int c, const char *s, lxw_format *f);
void xw_num(xwb *w, lxw_worksheet *ws, int r, int c, double x, lxw_format *f);
void xw_blank(xwb *w, lxw_worksheet *ws, int r, int c, lxw_format *f);
void xw_formula(xwb *w, lxw_worksheet *ws, int r, int c, const char *formula, double cached,
                lxw_format *f);
void xw_formula_str(xwb *w, lxw_worksheet *ws, int r, int c, const char *formula,
                    const char *cached, lxw_format *f);
/* Merge [r1..r2] x [c1..c2] whose cells were already written row by row (first cell holds s). */
void xw_merge(xwb *w, lxw_worksheet *ws, int r1, int c1, int r2, int c2, const char *s,
              lxw_format *f);
/* Print setup shared by all sheets: A4, one page wide (and tall when @p tall is 1), margins,
 * centred, page numbers, the rule set in the footer. */
void xw_print_setup(xwb *w, lxw_worksheet *ws, bool landscape, int repeat_row, int last_row,
                    int last_col, int tall);
/* Display lines of UTF-8 text in a column of @p width units at @p pt points. */
int xw_text_lines(const char *s, double width, double pt);
/* Row height (points) of @p lines lines of @p pt-point text. */
double xw_row_height(int lines, double pt);
/* 'name' quoted for a formula reference ('' doubled). */
void xw_quote_sheet(const char *name, char *buf, size_t cap);
/* Chinese labels of the set flags joined with "；", like snprintf. */
size_t xw_flag_labels(unsigned flags, char *buf, size_t cap);

/* Write one subject's sheet (already added to the workbook). Errors are kept in w->lxerr. */
void xs_subject(xwb *w, lxw_worksheet *ws, const jx_run_subject *s);

/* ---- the 汇总 sheet (xlsx_summary.c) ---- */

/* One subject of the run as the 汇总 lists it (pass 1 of xlsx.c; strings in its arena). */
typedef struct xsub {
    const char *code, *name, *project, *grade, *sheet;
    const char *file; /* split: its department's workbook; else NULL */
    int year;
    double total, rate, budget, spent;
    bool rate_scored;
    unsigned flags;
    size_t nrows;
    int dept; /* split: index into the departments */
} xsub;

/* Add the 汇总 sheet (first) and, unless the form is blank, the 统计图 sheet. links: one
 * workbook (totals, grades and money refer to the subject sheets, names link to them); else the
 * split 汇总 (values, and a link to each department's file). year: the common year or 0.
 * Returns JX_OK, JX_ERR_NOMEM or JX_ERR_XLSX. */
jx_err xsum_write(xwb *w, const xsub *subs, size_t n, int year, bool links);
/* Add the 统计图 sheet of the 汇总 written before (charts of totals and grades); call once before
 * xw_finish(). */
void xsum_charts(xwb *w);

/* ---- one indicator: formula or constant (xlsx_formula.c) ---- */
typedef enum xcell_kind { XC_TEXT, XC_NUM, XC_DATE, XC_BLANK } xcell_kind;

typedef struct xcell {
    xcell_kind kind;
    const char *text;   /* XC_TEXT */
    double num;         /* XC_NUM (a rate: the fraction) or XC_DATE (Excel serial) */
    char nf[XW_NF_MAX]; /* XC_NUM, XC_BLANK: its number format ("" General), e.g. "≥"0%
                           or General"件" */
} xcell;

/* What a blank form's 实际完成值 cell accepts (its validation and input message). */
typedef enum xinput { XI_NONE, XI_NUMBER, XI_PERCENT, XI_DATE, XI_LIST } xinput;

#define XP_FORMULA_MAX 2048
#define XP_MAX_DROP (RS_MAX_SCALE_WORDS + 4)

typedef struct xplan {
    xcell t, a;             /* the 年度指标值 and 实际完成值 cells */
    const char *op;         /* the 指标性质 cell */
    bool formula;           /* the 得分率 cell is a formula */
    char f[XP_FORMULA_MAX]; /* its text, with '=' */
    double ratio;           /* its cached value, or the constant */
    bool has_ht;            /* hidden target number in C_HT */
    double ht;
    bool has_ha, ha_formula; /* hidden actual number in C_HA: a constant or =F*factor */
    double ha;
    char haf[96];
    bool qualitative;              /* needs the lookup names */
    const char *drop[XP_MAX_DROP]; /* dropdown words of the 实际完成值 cell */
    int ndrop;
    xinput input;            /* what the actual cell takes (validation) */
    bool numeric;            /* a number is expected: 得分 says 请填写数字 for text */
    char unit[JX_UNIT_MAX];  /* the unit of the number, for the input message */
    char tword[JX_TEXT_MAX]; /* a word target's normalised text (drop[0] may point here) */
} xplan;

/* Plan one scored indicator at 0-based sheet row @p row. rs NULL: constants only. The plan's
 * strings point into @p in, @p rs or static storage. */
void xp_plan(const jx_ruleset *rs, const jx_run_indicator *in, int year, int row, bool blank,
             xplan *p);

/* The lookup tables as defined-name formulas ({"优",1;"良",0.8;…}), like snprintf. */
size_t xp_grades_name(const jx_ruleset *rs, char *buf, size_t cap);
size_t xp_bands_name(const jx_ruleset *rs, char *buf, size_t cap);
#define XP_GRADES_NAME "等级分值"
#define XP_BANDS_NAME "达成度分值"

/* Shortest text that reads back to x (Excel formula syntax: upper-case E). */
void xp_num(char *buf, size_t cap, double x);

#endif
