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
    C_OP,
    C_T,
    C_A,
    C_W,
    C_P,
    C_REASON, /* the official nine */
    C_RATIO,
    C_EXPLAIN,
    C_FLAGS, /* for the auditor */
    C_HT,
    C_HA, /* hidden helpers: target and actual numbers */
    C__COUNT
};
#define C_LAST_VISIBLE C_FLAGS

/* Rows above the indicators: title, two info rows, the budget block (two rows), the header. */
#define XR_TITLE 0
#define XR_INFO1 1
#define XR_INFO2 2
#define XR_BUDGET_HEAD 3
#define XR_BUDGET 4
#define XR_HEAD 5
#define XR_FIRST 6
/* Rows after the n indicators, relative to XR_FIRST + n. */
enum { XT_IND, XT_BUDGET, XT_SUM, XT_TOTAL, XT_GRADE, XT_FLAGS, XT_GAP, XT_SIGN, XT__COUNT };

/* The 0-based row of the 总分 and 自评等级 cells (column C_P) of a sheet with n indicators. */
static inline int xs_total_row(size_t n)
{
    return XR_FIRST + (int)n + XT_TOTAL;
}
static inline int xs_grade_row(size_t n)
{
    return XR_FIRST + (int)n + XT_GRADE;
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
    XF__COUNT
} xf_id;

#define XW_MAX_UNIT_FMTS 96
#define XW_MAX_LISTS 64

/* One workbook being written, with its formats and counters. Used by one thread. */
typedef struct xwb {
    lxw_workbook *wb;
    lxw_format *fmt[XF__COUNT][2]; /* [id][flagged]: flagged cells have a fill */
    struct {
        char unit[JX_UNIT_MAX];
        lxw_format *f[2];
    } ufmt[XW_MAX_UNIT_FMTS]; /* General"<unit>" number formats, made on first use */
    int nufmt;
    lxw_format *datefmt[2];
    const jx_ruleset *rs;      /* the run's rule set, or NULL: ratios as constants */
    bool blank;                /* a form to fill in */
    bool names_defined;        /* the lookup names 等级分值 / 达成度分值 */
    char *lists[XW_MAX_LISTS]; /* dropdown lists too long to inline: on the hidden 选项 sheet */
    int nlists;
    jx_xlsx_summary stats;
    lxw_error lxerr; /* first libxlsxwriter error of a cell call */
    const jx_run_info *info;
} xwb;

/* Set up (formats are made on first use by xw_fmt()); false when out of memory. */
bool xw_init(xwb *w, lxw_workbook *wb, const jx_ruleset *rs, bool blank, const jx_run_info *info);
/* A format of the workbook, made on first use (NULL, with lxerr set, when out of memory). */
lxw_format *xw_fmt(xwb *w, xf_id id, bool flagged);
/* Free what xw_init and the writes allocated (not the workbook). */
void xw_free(xwb *w);
/* Add the hidden 选项 sheet if a list needs it. Call once, before workbook_close(). */
void xw_finish(xwb *w);
/* The General"<unit>" format of a number with a unit ("" → plain). */
lxw_format *xw_unit_fmt(xwb *w, const char *unit, bool flagged);

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
/* Print setup shared by all sheets: A4 landscape, one page wide, page numbers. */
void xw_print_setup(lxw_worksheet *ws, int repeat_row, int last_row, int last_col);
/* 'name' quoted for a formula reference ('' doubled). */
void xw_quote_sheet(const char *name, char *buf, size_t cap);
/* Chinese labels of the set flags joined with "；", like snprintf. */
size_t xw_flag_labels(unsigned flags, char *buf, size_t cap);

/* Write one subject's sheet (already added to the workbook). Errors are kept in w->lxerr. */
void xs_subject(xwb *w, lxw_worksheet *ws, const jx_run_subject *s);

/* ---- one indicator: formula or constant (xlsx_formula.c) ---- */
typedef enum xcell_kind { XC_TEXT, XC_NUM, XC_DATE, XC_BLANK } xcell_kind;

typedef struct xcell {
    xcell_kind kind;
    const char *text;       /* XC_TEXT */
    double num;             /* XC_NUM (in unit) or XC_DATE (Excel serial) */
    char unit[JX_UNIT_MAX]; /* XC_NUM: shown as a suffix */
} xcell;

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
