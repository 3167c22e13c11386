/*
 * cmd_history.c - `jixiao history`: the import log.
 */
#define _GNU_SOURCE
#include <getopt.h>

#include "cli.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] history [--format table|csv|json|excel]\n"
    "\n"
    "List every import: id, time (UTC), kind, file, encoding, rows, earlier rows\n"
    "it replaced (kept, never deleted) and the SHA-256 of the file.\n";

typedef struct hist {
    cli_format fmt;
    cli_table *t;
    bool first;
} hist;

static int row(const jx_import_info *i, void *ctx)
{
    hist *h = ctx;
    if (h->fmt == FMT_JSON) {
        printf("%s{\"id\":%lld,\"at\":", h->first ? "\n" : ",\n", (long long)i->id);
        h->first = false;
        json_str(stdout, i->at);
        fputs(",\"kind\":", stdout);
        json_str(stdout, i->kind);
        fputs(",\"file\":", stdout);
        json_str(stdout, i->file);
        fputs(",\"encoding\":", stdout);
        json_str(stdout, i->encoding);
        printf(",\"rows\":%lld,\"replaced\":%lld,\"sha256\":", (long long)i->rows,
               (long long)i->replaced);
        json_str(stdout, i->sha256);
        fputc('}', stdout);
        return 0;
    }
    char id[32], rows[32], rep[32];
    snprintf(id, sizeof id, "%lld", (long long)i->id);
    snprintf(rows, sizeof rows, "%lld", (long long)i->rows);
    snprintf(rep, sizeof rep, "%lld", (long long)i->replaced);
    const char *cells[] = {id, i->at, i->kind, i->file, i->encoding, rows, rep, i->sha256};
    table_add(h->t, cells);
    return 0;
}

int cmd_history(int argc, char **argv, cli_ctx *ctx)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    hist h = {.fmt = FMT_TABLE, .first = true};
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!cli_format_option("history", optarg, &h.fmt)) return EXIT_USAGE;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return EXIT_OK;
        default:
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("history: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    jx_store *st = cli_open_store(ctx->db_path);
    if (!st) return EXIT_ERR;
    static const char *const hdr[] = {"id",       "time (UTC)", "kind",     "file",
                                      "encoding", "rows",       "replaced", "sha256"};
    static const bool right[] = {true, false, false, false, false, true, true, false};
    h.t = table_new(8, hdr, right);
    if (h.fmt == FMT_JSON) fputs("{\"imports\":[", stdout);
    jx_err e = jx_store_history(st, row, &h);
    if (h.fmt == FMT_JSON)
        fputs("\n]}\n", stdout);
    else
        table_print(h.t, stdout, h.fmt);
    table_free(h.t);
    if (e) cli_error("history: %s", jx_store_errmsg(st));
    jx_store_close(st);
    return e ? EXIT_ERR : EXIT_OK;
}
