/**
 * @file csv.h
 * @brief Streaming CSV/TSV reader: detects encoding and delimiter, yields records.
 *
 * A ::jx_csv reads a file (or a memory buffer) block by block and hands out
 * one record at a time with jx_csv_next(). Memory stays flat: only the current
 * record and one block are held, whatever the file size.
 *
 * - Encodings: UTF-8 with or without byte order mark; GB18030 (which includes
 *   GBK/CP936, Excel's default for Chinese CSV); UTF-16LE/BE with a byte order
 *   mark (Excel's "Unicode text"). Without a mark the first block decides: valid
 *   UTF-8 means UTF-8, else text that converts cleanly as GB18030 means GB18030,
 *   else ::JX_ERR_ENCODING. Everything is handed out as UTF-8.
 * - Delimiter: comma, tab or semicolon, whichever occurs most often outside
 *   quotes in the first record (comma on a tie or when none occurs).
 * - Quoting as in RFC 4180: a field that starts with `"` is quoted and may hold
 *   delimiters, line breaks and doubled quotes (`""` stands for `"`); a quote
 *   inside an unquoted field is kept as it is. Lines end in LF, CRLF or CR.
 *   Blank lines are skipped (counted in jx_csv_row::skipped), never returned.
 *
 * Errors are final: after jx_csv_next() fails, every further call returns the
 * same error. They name the place, e.g.
 * `a.csv:12:7: invalid UTF-8 (bytes B2 BF C3 C5): ...` (file:line:column, the
 * column counted in characters from 1). The full list is in docs/formats.md.
 *
 * A handle is not thread-safe; distinct handles are independent.
 */
#ifndef JIXIAO_CSV_H
#define JIXIAO_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "jixiao/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Size of the blocks read from the file (and of the encoding sniff). */
#define JX_CSV_BLOCK (256u * 1024u)
/** Longest field, in UTF-8 bytes between its delimiters (quotes included); more is ::JX_ERR_LIMIT.
 */
#define JX_CSV_FIELD_MAX (1024u * 1024u)
/** Longest record, in UTF-8 bytes from its first byte to its line break; more is ::JX_ERR_LIMIT. */
#define JX_CSV_RECORD_MAX (16u * 1024u * 1024u)
/** Most fields in one record; more is ::JX_ERR_LIMIT. */
#define JX_CSV_FIELDS_MAX 4096u

/** A reader. Opaque; create with jx_csv_open() or jx_csv_open_mem(), free with jx_csv_close(). */
typedef struct jx_csv jx_csv;

/** One field of a record: UTF-8 text, quotes removed and `""` undone. */
typedef struct jx_csv_field {
    const char
        *ptr;   /**< the text, NUL-terminated (ptr[len] == '\0'); never contains a NUL itself */
    size_t len; /**< length in bytes, without the terminating NUL */
} jx_csv_field;

/**
 * A record as returned by jx_csv_next(). Filled in by the reader; all pointers
 * point into the reader and stay valid until the next jx_csv_next() or
 * jx_csv_close() on the same handle. Do not free them; copy what you keep.
 */
typedef struct jx_csv_row {
    const jx_csv_field *fields; /**< nfields fields; NULL when nfields == 0 */
    size_t nfields;             /**< at least 1 for a record; 0 at the end or on error */
    size_t line;                /**< physical line (1-based) where the record starts */
    size_t skipped; /**< blank lines skipped just before this record (or before the end) */
} jx_csv_row;

/**
 * @brief Open a file for reading.
 *
 * Reads the first block to detect the encoding and the delimiter. A file that
 * is neither UTF-8 nor GB18030 (nor marked UTF-16) fails here; problems further
 * in (a NUL byte, a change of encoding, a bad quote) are reported by
 * jx_csv_next() with their line.
 *
 * @param path  file to read; used as the file name in messages
 * @param out   receives the reader (owned by the caller: jx_csv_close()); NULL on failure
 * @param msg   optional; on failure says why, e.g. `a.csv: cannot open: No such file or directory`
 * @return ::JX_OK, ::JX_ERR_INVALID (NULL path or out), ::JX_ERR_IO,
 *         ::JX_ERR_ENCODING, ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_csv_open(const char *path, jx_csv **out, jx_errmsg *msg);

/**
 * @brief Read CSV text from memory, as jx_csv_open() does for a file.
 *
 * @param data  the bytes; not copied as a whole, so they must stay valid and
 *              unchanged until jx_csv_close(). Not modified. May be NULL when len is 0.
 * @param len   number of bytes
 * @param name  names the data in messages (copied); NULL means "(memory)"
 * @param out   receives the reader (owned by the caller: jx_csv_close()); NULL on failure
 * @param msg   optional; on failure says why
 * @return ::JX_OK, ::JX_ERR_INVALID, ::JX_ERR_ENCODING, ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_csv_open_mem(const char *data, size_t len, const char *name, jx_csv **out,
                              jx_errmsg *msg);

/** @brief Close a reader and free everything it owns (also the rows it handed out). NULL is a
 * no-op. */
JX_API void jx_csv_close(jx_csv *c);

/**
 * @brief Read the next record.
 *
 * On success either @p row holds a record (nfields >= 1, `*eof` false) or the
 * input is exhausted (nfields == 0, fields NULL, `*eof` true); calling again at
 * the end returns the end again. Since every record has at least one field,
 * `row->nfields == 0` alone also means the end, so @p eof may be NULL.
 *
 * The row's pointers are valid until the next call on this handle (see ::jx_csv_row).
 *
 * @param row  filled in (caller-owned struct); nfields 0 on failure
 * @param eof  optional; set to true at the end, false otherwise (also on failure)
 * @return ::JX_OK; ::JX_ERR_ENCODING (invalid UTF-8 or GB18030/UTF-16 bytes, a
 *         character cut off by the end of the file, a byte order mark in the
 *         middle); ::JX_ERR_FORMAT (NUL byte, unclosed quote, text after a
 *         closing quote); ::JX_ERR_LIMIT (see ::JX_CSV_FIELD_MAX and the other
 *         limits); ::JX_ERR_IO; ::JX_ERR_NOMEM; ::JX_ERR_INVALID (NULL c or row).
 *         After a failure the reader is stuck: later calls return the same error.
 *         jx_csv_errmsg() names the file, line and column.
 */
JX_API jx_err jx_csv_next(jx_csv *c, jx_csv_row *row, bool *eof);

/**
 * @brief The detailed message of the last failure of jx_csv_next(), e.g.
 * `a.csv:5:3: NUL byte in the text (...)`; "" when nothing has failed.
 * @return Never NULL (also for a NULL handle). Owned by the reader: do not free;
 *         valid until jx_csv_close().
 */
JX_API const char *jx_csv_errmsg(const jx_csv *c);

/**
 * @brief The detected encoding: "UTF-8", "UTF-8 with BOM", "GB18030",
 * "GB18030 with BOM", "UTF-16LE" or "UTF-16BE".
 * @return A static string; never NULL ("" for a NULL handle). Do not free.
 */
JX_API const char *jx_csv_encoding(const jx_csv *c);

/** @brief The detected delimiter: ',', '\\t' or ';' ('\\0' for a NULL handle). */
JX_API char jx_csv_delimiter(const jx_csv *c);

/**
 * @brief The name used in messages (the path, or the name given to jx_csv_open_mem()).
 * @return Owned by the reader, valid until jx_csv_close(); never NULL ("" for a NULL handle).
 */
JX_API const char *jx_csv_name(const jx_csv *c);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_CSV_H */
