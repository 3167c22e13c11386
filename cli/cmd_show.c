/*
 * cmd_show.c - `jixiao show DEPT`: one subject's indicators with how each score was found.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] show DEPT... [--project P] [--year Y] [--run ID] [--format "
    "table|csv|json]\n"
    "\n"
    "Print the per-indicator table of a scored department (by 部门编码 or 部门名称):\n"
    "target, actual, weight, points and the formula behind each score, then the\n"
    "budget line, the total and the grade. Uses the newest run unless --run.\n"
    "\n"
    "  --project P   only that project; --project '' for 部门整体 only\n"
    "  --year Y      only that year\n"
    "  --run ID      a stored run (see the run number printed by 'jixiao score')\n";

int cmd_show(int argc, char **argv, cli_ctx *ctx)
{
    static const struct option opts[] = {
        {"project", required_argument, NULL, 'p'}, {"year", required_argument, NULL, 'y'},
        {"run", required_argument, NULL, 'r'},     {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    jx_run_filter f = {.indicators = true};
    int64_t run_id = 0, year = 0;
    cli_format fmt = FMT_TABLE;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            f.project = optarg;
            break;
        case 'y':
            if (!cli_parse_int64(optarg, &year) || year < 1900 || year > 2999) {
                cli_error("show: --year wants a year such as 2024");
                return EXIT_USAGE;
            }
            f.year = (int)year;
            break;
        case 'r':
            if (!cli_parse_int64(optarg, &run_id) || run_id <= 0) {
                cli_error("show: --run wants a run number");
                return EXIT_USAGE;
            }
            break;
        case 'f':
            if (!cli_parse_format(optarg, &fmt)) {
                cli_error("show: --format must be table, csv or json");
                return EXIT_USAGE;
            }
            break;
        case 'h':
            fputs(usage_text, stdout);
            return EXIT_OK;
        default:
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error("show: name a department (部门编码 or 部门名称)");
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    f.depts = (const char *const *)argv + optind;
    f.ndepts = (size_t)(argc - optind);
    jx_store *st = cli_open_store(ctx->db_path);
    if (!st) return EXIT_ERR;
    jx_run *run = cli_open_run(st, run_id, "show");
    int rc = run ? cli_print_run(run, &f, fmt) : EXIT_ERR;
    jx_run_close(run);
    jx_store_close(st);
    return rc;
}
