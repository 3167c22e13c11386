/*
 * csv_int.h - internals of the CSV reader that tests reach: opening with a
 * chosen block and sniff size, so block-boundary cases need only small inputs.
 * Not part of the public API.
 */
#ifndef JIXIAO_CSV_INT_H
#define JIXIAO_CSV_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "jixiao/csv.h"

/* Options of csv_open_opts(); 0 in a field means the default. */
typedef struct csv_opts {
    size_t block; /* bytes read (and converted) per fill; default JX_CSV_BLOCK; any size >= 1 */
    size_t sniff; /* bytes examined to detect the encoding; default max(block, 4096) */
} csv_opts;

/* jx_csv_open() (path != NULL) or jx_csv_open_mem() (path == NULL) with options. */
jx_err csv_open_opts(const char *path, const char *data, size_t len, const char *name,
                     const csv_opts *opts, jx_csv **out, jx_errmsg *msg);

/* How far the source has been read: bytes so far and its size; false when the size is not
 * known (a pipe). For progress only: the reader reads ahead of the record it returns. */
bool csv_progress(const jx_csv *c, size_t *read, size_t *size);

#endif
