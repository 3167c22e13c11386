/*
 * cmd_init.c - `jixiao init`: create (or migrate) the database.
 */
#define _GNU_SOURCE

#include "cli.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] init\n"
    "\n"
    "Create the database (default $JIXIAO_DB or ./jixiao.db), or bring an existing\n"
    "one to this version's schema. Safe to run more than once.\n";

int cmd_init(int argc, char **argv, cli_ctx *ctx)
{
    int rc = cli_no_options(argc, argv, "init", usage_text);
    if (rc >= 0) return rc;
    jx_store *st = cli_open_store(ctx->db_path);
    if (!st) return EXIT_ERR;
    jx_store_close(st);
    printf("%s: ready (schema version %d)\n", ctx->db_path, JX_SCHEMA_VERSION);
    return EXIT_OK;
}
