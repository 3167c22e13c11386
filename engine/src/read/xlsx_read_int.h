/*
 * xlsx_read_int.h - reading workbooks (.xlsx; .xls is recognised and refused
 * with a reason) row by row, each cell as the person sees it in Excel.
 * Internal to the engine: import reads workbooks through table_int.h, tests
 * reach this directly. Not part of the public API.
 *
 * A ::jx_wb is opened once (the workbook part, its relationships, styles and
 * shared strings are read then) and its sheets are streamed one at a time:
 * jx_wb_sheet_begin() then jx_wb_next_row() until the end. Memory stays flat in
 * the number of rows: only the shared strings, the merged ranges of the sheet
 * and the current row are held.
 */
#ifndef JIXIAO_XLSX_READ_INT_H
#define JIXIAO_XLSX_READ_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jixiao/csv.h"
#include "jixiao/error.h"

/* Excel's own limits: cells past them are a damaged (or hostile) file. */
#define JX_WB_MAX_ROWS 1048576u
#define JX_WB_MAX_COLS 16384u
/* Longest cell text kept (Excel allows 32,767 characters); more is an error. */
#define JX_WB_CELL_MAX (1024u * 1024u)
/* Most text in one row; more is an error. */
#define JX_WB_ROW_MAX (16u * 1024u * 1024u)

/* What a file is, from its first bytes. */
typedef enum jx_wb_sniff_kind {
    JX_WB_SNIFF_TEXT, /* anything else: read as CSV/TSV */
    JX_WB_SNIFF_ZIP,  /* PK\3\4 or an empty zip: .xlsx (or another zip-based format) */
    JX_WB_SNIFF_OLE2, /* D0 CF 11 E0 A1 B1 1A E1: .xls, or an encrypted .xlsx */
    JX_WB_SNIFF_HTML  /* a web page or XML text, often saved with an .xls name */
} jx_wb_sniff_kind;

/* Classify the first n bytes of a file (n may be short; 512 is plenty). */
jx_wb_sniff_kind jx_wb_sniff(const unsigned char *head, size_t n);

/* Limits of a read; 0 in a field means the default. Tests lower them. */
typedef struct jx_wb_limits {
    uint64_t part_max; /* inflated bytes of a small part (workbook, rels, styles); default 64 MiB */
    uint64_t sst_max;  /* inflated bytes of the shared strings part; default 1 GiB */
    uint64_t sheet_max; /* inflated bytes of one worksheet part; default 2 GiB */
    uint64_t text_max;  /* bytes of shared-string text held in memory; default 256 MiB */
} jx_wb_limits;

/* A workbook being read. */
typedef struct jx_wb jx_wb;

/* One row: cells[i] is column i (0 = A), "" when empty; at least one cell is not
 * empty. Pointers stay valid until the next jx_wb_next_row(), jx_wb_sheet_begin()
 * or jx_wb_close(). */
typedef struct jx_wb_row {
    const jx_csv_field *cells;
    size_t ncells;       /* up to the last non-empty cell */
    const uint32_t *set; /* the non-empty columns, ascending: walk these, not 0..ncells */
    size_t nset;
    uint32_t row; /* 1-based row number */
} jx_wb_row;

/*
 * Open a workbook. Reads the structure, styles and shared strings; worksheets are
 * read later, one at a time. name is used in messages (NULL: path). An .xls file
 * (and an encrypted, password-protected .xlsx) fails here with the reason and what
 * to do. On failure *out is NULL and msg says why ("a.xlsx: ...").
 * Returns JX_OK, JX_ERR_FORMAT (not a readable workbook), JX_ERR_LIMIT (a part past
 * its limit: a zip bomb), JX_ERR_IO, JX_ERR_NOMEM, JX_ERR_INVALID.
 */
jx_err jx_wb_open(const char *path, const char *name, const jx_wb_limits *lim, jx_wb **out,
                  jx_errmsg *msg);

/* Close; NULL is a no-op. */
void jx_wb_close(jx_wb *wb);

/* Worksheets in workbook order (chart sheets are not counted). */
size_t jx_wb_sheet_count(const jx_wb *wb);
/* Its name (owned by wb), or NULL when i is out of range. */
const char *jx_wb_sheet_name(const jx_wb *wb, size_t i);
/* Hidden or very hidden in Excel. */
bool jx_wb_sheet_hidden(const jx_wb *wb, size_t i);

/*
 * Start reading sheet i (ends the sheet being read). Reads the sheet's merged
 * ranges first. Errors as for jx_wb_next_row().
 */
jx_err jx_wb_sheet_begin(jx_wb *wb, size_t i);

/*
 * The next row of the current sheet that has a non-empty cell. Cells read as Excel
 * shows them (see xlsx_read.c: numbers, percentages, dates, booleans, formulas'
 * cached results); a merged range gives its top-left value to the first column of
 * every row it covers. At the end: JX_OK, *eof true, row->ncells 0.
 * Errors (JX_ERR_FORMAT damaged sheet or bad reference, JX_ERR_LIMIT, JX_ERR_NOMEM,
 * JX_ERR_IO) are final for the sheet; jx_wb_errmsg() names the place, e.g.
 * `a.xlsx:自评表!C7: shared string 900 does not exist (the workbook has 12)`.
 */
jx_err jx_wb_next_row(jx_wb *wb, jx_wb_row *row, bool *eof);

/* The message of the last failure; "" when none. Never NULL. */
const char *jx_wb_errmsg(const jx_wb *wb);

/* "F12" for column 5 (0-based), row 12 (1-based), into buf (16 bytes is enough). */
void jx_wb_cell_name(uint32_t col, uint32_t row, char *buf, size_t cap);

/* "自评表", or quoted as Excel does when needed: "'Sheet 1'" (into buf). */
void jx_wb_sheet_ref(const char *sheet, char *buf, size_t cap);

/* ---- number formats (xlsx_read_fmt.c) ---- */

/* What a number format makes of a number. */
typedef enum jx_nf_kind {
    JX_NF_NUMBER,  /* General, 0.00, #,##0, currency, ...: the number itself (16.00 → 16) */
    JX_NF_PERCENT, /* 0%, 0.0%: the number × 100 and "%" (0.75 → 75%) */
    JX_NF_DATE,    /* a date and/or time: the serial number as that date */
    JX_NF_TEXT     /* @: the number itself */
} jx_nf_kind;

typedef struct jx_numfmt {
    uint8_t kind;    /* jx_nf_kind */
    uint8_t min_int; /* zero-padding of the integer part ("000" → 3), at most 20 */
    bool y, mo, d;   /* dates: which of year, month, day the format shows */
    bool h, mi, s;   /* times: hours, minutes, seconds */
    bool elapsed;    /* [h]: hours counted past 24 (a duration, not a time of day) */
    char suffix[32]; /* literal text after the number ("件" of 0"件"); "" when none */
} jx_numfmt;

/* Classify a format code ("0.00%", "yyyy\"年\"m\"月\"", "0\"件\"", ...). */
void jx_numfmt_parse(const char *code, jx_numfmt *f);
/* Classify a built-in format id (0..163); unknown ids are JX_NF_NUMBER. */
void jx_numfmt_builtin(unsigned id, jx_numfmt *f);
/* Write v as f shows it; returns the length (buf is NUL-terminated, cap >= 64). */
size_t jx_numfmt_show(const jx_numfmt *f, double v, bool date1904, char *buf, size_t cap);
/* A number as General shows it: at most 15 significant digits, no exponent for
 * 1e-9 <= |v| < 1e15 (0.1+0.2 → "0.3", 16.00 → "16"). Returns the length. */
size_t jx_num_general(double v, char *buf, size_t cap);

#endif
