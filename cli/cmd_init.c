/*
 * cmd_init.c - `jixiao init`: create (or migrate) the database.
 */
#define _GNU_SOURCE
#include <getopt.h>

#include "cli.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] init\n"
    "\n"
    "Create the database (default $JIXIAO_DB or ./jixiao.db), or bring an existing\n"
    "one to this version's schema. Safe to run more than once.\n";

int cmd_init(int argc, char **argv, cli_ctx *ctx)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage_text, stdout);
            return EXIT_OK;
        }
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (optind < argc) {
        cli_error("init: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    jx_store *st = cli_open_store(ctx->db_path);
    if (!st) return EXIT_ERR;
    jx_store_close(st);
    printf("%s: ready (schema version %d)\n", ctx->db_path, JX_SCHEMA_VERSION);
    return EXIT_OK;
}
