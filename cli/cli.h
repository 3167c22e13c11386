/*
 * cli.h - shared declarations of the jixiao command-line front end.
 * The CLI parses arguments and prints; it never scores (that is libjixiao).
 */
#ifndef JIXIAO_CLI_H
#define JIXIAO_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit statuses, as git: 0 ok, 1 error, 2 usage. */
enum { EXIT_OK = 0, EXIT_ERR = 1, EXIT_USAGE = 2 };

/* Output formats of listing commands. */
typedef enum cli_format { FMT_TABLE, FMT_CSV, FMT_JSON } cli_format;

/* Options common to all commands, parsed by the dispatcher. */
typedef struct cli_ctx {
    const char *db_path;  /* --db, $JIXIAO_DB, or "./jixiao.db" */
    const char *argv0;    /* program name for messages */
} cli_ctx;

typedef int (*cli_fn)(int argc, char **argv, cli_ctx *ctx);

/* One row of the command table (git.c style). */
typedef struct cli_cmd {
    const char *name;
    cli_fn fn;
    const char *summary;
} cli_cmd;

/* commands: cli/cmd_<name>.c */
int cmd_value(int argc, char **argv, cli_ctx *ctx);

/* out.c: printing helpers */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool cli_parse_format(const char *s, cli_format *f);
void json_str(FILE *f, const char *s);               /* a JSON string literal, escaped */
void json_num(FILE *f, double x);                    /* shortest round-trip number, null for NaN/inf */
void csv_field(FILE *f, const char *s);              /* RFC 4180 field; formula-like text made inert */
size_t display_width(const char *s);                /* terminal columns: CJK wide, others 1 */
void pad_to(FILE *f, const char *s, size_t width);   /* print s left-aligned in width columns */
void padl_to(FILE *f, const char *s, size_t width);  /* right-aligned */

/* A simple aligned table: add cells row by row, then print. */
typedef struct cli_table cli_table;
cli_table *table_new(size_t ncols, const char *const *headers, const bool *right_align);
void table_add(cli_table *t, const char *const *cells);
void table_print(cli_table *t, FILE *f, cli_format fmt);
void table_free(cli_table *t);

#endif
