/*
 * cmd_score.c - `jixiao score`: score every subject in the database and store the run.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] score [--rules NAME|PATH] [--label TEXT] [--strict]\n"
    "                                [--format table|csv|json|excel]\n"
    "\n"
    "Score every department and project in the database under a rule set\n"
    "(default mof-2020), store the run (rule set name and SHA-256 included) and\n"
    "print the totals. 'jixiao show DEPT' lists one subject's indicators.\n"
    "\n"
    "  --rules NAME|PATH  rule set by name (see 'jixiao rules list') or file\n"
    "  --label TEXT       a note stored with the run\n"
    "  --format F         table (default), csv, json (with every indicator) or excel\n"
    "                     (CSV with a BOM, for Excel)\n"
    "  --strict           an indicator whose actual cannot be compared with its target\n"
    "                     (`96件` against `≥95%`) is an error: nothing is scored or stored.\n"
    "                     Without it such an indicator scores 0, is flagged 无法计分 and\n"
    "                     listed on standard error as FILE:LINE, and the run goes on.\n";

int cmd_score(int argc, char **argv, cli_ctx *ctx)
{
    static const struct option opts[] = {
        {"rules", required_argument, NULL, 'r'}, {"label", required_argument, NULL, 'l'},
        {"strict", no_argument, NULL, 'S'},      {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    const char *rules = NULL, *label = NULL;
    bool strict = false;
    cli_format fmt = FMT_TABLE;
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            rules = optarg;
            break;
        case 'S':
            strict = true;
            break;
        case 'l':
            label = optarg;
            break;
        case 'f':
            if (!cli_format_option("score", optarg, &fmt)) return EXIT_USAGE;
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
        cli_error("score: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    jx_ruleset *rs = cli_load_rules(rules);
    if (!rs) return EXIT_ERR;
    jx_store *st = cli_open_store(ctx->db_path);
    if (!st) {
        jx_ruleset_free(rs);
        return EXIT_ERR;
    }
    cli_progress p;
    cli_progress_begin(&p, "评分", "个");
    jx_run_opts o = {.label = label,
                     .strict = strict,
                     .on_error = cli_on_error,
                     .on_progress = cli_progress_cb,
                     .ctx = &p};
    jx_run_summary sum;
    int rc = EXIT_OK;
    jx_err e = jx_run_score(st, rs, &o, &sum);
    cli_progress_end(&p);
    if (e) {
        cli_error("score: %s", jx_store_errmsg(st));
        rc = EXIT_ERR;
    } else {
        jx_run_filter f = {.indicators = fmt == FMT_JSON};
        jx_run *run = cli_open_run(st, sum.run_id, "score");
        rc = run ? cli_print_run(run, &f, fmt) : EXIT_ERR;
        jx_run_close(run);
    }
    jx_store_close(st);
    jx_ruleset_free(rs);
    return rc;
}
