/*
 * table_int.h - the rows of a file to import, whatever the file is: CSV/TSV text
 * (jx_csv) or a workbook (xlsx_read_int.h), told apart by content, not by name.
 * Internal to the engine (import.c reads every file through it). Not public.
 *
 * A CSV file is one table whose header is the first record. A workbook may hold
 * tables anywhere: on each sheet read (every visible sheet, or the one named),
 * the header is the first row that names every column the import needs (forms
 * have titles and blank rows above it), and the rows under it are its data, up
 * to the next row that is the header of some other table (e.g. the indicator
 * block under the budget block of a 自评表), a totals row (its first cell 合计,
 * 总计, 总分, or ending in 合计 or 小计: 指标小计) or the end of the sheet.
 *
 * Forms name their subject once, above the tables: `部门（单位）名称 | 大竹县司法局`,
 * `年度 | 2024` (a label cell and the next non-empty cell to its right, or
 * `部门名称：大竹县司法局` in one cell). Such form fields, found on the sheet above
 * a table, stand for the columns the table's header lacks: they are handed out
 * as extra columns after the table's own, in the header and in every row.
 *
 * Places in messages: `a.csv:12` (a record), `a.csv:12:3` (its third field),
 * `a.xlsx:自评表!C12` (a cell; a row is named by its cell in the table's first
 * column; a form field by the cell that holds its value).
 */
#ifndef JIXIAO_TABLE_INT_H
#define JIXIAO_TABLE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jixiao/csv.h"
#include "jixiao/error.h"

typedef struct jx_table jx_table;

/* A row, valid until the next jx_table_next() or jx_table_close(). */
typedef struct jx_table_row {
    const jx_csv_field *fields; /* NUL-terminated texts; "" for empty cells */
    size_t nfields;
    int64_t line; /* CSV: the line where the record starts; workbook: the row number */
    bool header;  /* a header row: name the columns from it (again, for a new table) */
} jx_table_row;

/*
 * The importer's judgement of a row as a header: returns how many cells name a
 * column it knows, and in *cols a bit for each column named (bit c: the
 * importer's column c); *complete when every column it needs is there. When
 * not complete, why (capacity cap) says what is missing, e.g.
 * `missing column 实际完成值 (actual) for actuals`; with cap 0 nothing is written
 * (the common case: the table asks for the words only when it needs them).
 */
typedef int (*jx_table_header_fn)(void *ctx, const jx_csv_field *fields, size_t n, bool *complete,
                                  char *why, size_t cap, uint64_t *cols);

typedef struct jx_table_opts {
    const char *name;          /* the file in messages; NULL: the path */
    const char *sheet;         /* workbooks: only this sheet; NULL: every visible sheet */
    jx_table_header_fn header; /* finds the header rows of a workbook; required for workbooks */
    void *ctx;                 /* passed to header */
} jx_table_opts;

/*
 * Open a file. Text is read as CSV/TSV (jx_csv_open); a zip or OLE2 file as a
 * workbook; HTML/XML text (often saved with an .xls name) is refused. On failure
 * *out is NULL and msg names the file and the reason.
 * Returns JX_OK or the error of the reader (JX_ERR_IO, JX_ERR_ENCODING,
 * JX_ERR_FORMAT, JX_ERR_LIMIT, JX_ERR_NOMEM, JX_ERR_INVALID).
 */
jx_err jx_table_open(const char *path, const jx_table_opts *o, jx_table **out, jx_errmsg *msg);

/* Close; NULL is a no-op. */
void jx_table_close(jx_table *t);

/*
 * The next row (blank rows are skipped). The first row returned is a header.
 * A workbook with no header row on any sheet read fails with the best candidate
 * (`a.xlsx:自评表!A3: missing column 实际完成值 (actual) for actuals`). Errors are
 * final; jx_table_errmsg() has the message with its place.
 */
jx_err jx_table_next(jx_table *t, jx_table_row *row, bool *eof);

/* The message of the last failure; "" when none. Never NULL. */
const char *jx_table_errmsg(const jx_table *t);

/* What was read: the CSV encoding ("UTF-8", "GB18030", ...) or "xlsx". Never NULL. */
const char *jx_table_format(const jx_table *t);

/* How far a CSV/TSV file has been read (bytes so far, its size), for progress; false for a
 * workbook (read from a zip) or a source of unknown size. */
bool jx_table_progress(const jx_table *t, size_t *read, size_t *size);

/*
 * The place of field col (0-based) of the row at line (as in jx_table_row) on the
 * current sheet, or of the row itself when col < 0: `a.csv:12:3`, `a.csv:12`,
 * `a.xlsx:自评表!C12`. Written into a buffer of t, valid until the next call.
 */
const char *jx_table_place(jx_table *t, int64_t line, int col);

#endif
