/*
 * cmd_show.c - `jixiao show DEPT`: one subject's indicators with how each score was found.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] show DEPT... [--project P] [--year Y] [--run ID]\n"
    "                               [--format table|csv|json|excel]\n"
    "\n"
    "Print the per-indicator table of a scored department (by 部门编码 or 部门名称):\n"
    "target, actual, weight, points and the formula behind each score, then the\n"
    "budget line, the total and the grade. Uses the newest run unless --run.\n"
    "\n"
    "  --project P   only that project; --project '' for 部门整体 only\n"
    "  --year Y      only that year\n"
    "  --run ID      a stored run (see the run number printed by 'jixiao score')\n";

typedef struct seen_ctx {
    const jx_run_filter *f;
    bool *seen; /* per department named: a subject of the run matched it */
} seen_ctx;

static int seen_cb(const jx_run_subject *s, void *ctx)
{
    seen_ctx *c = ctx;
    for (size_t i = 0; i < c->f->ndepts; i++)
        if ((*s->code && !strcmp(c->f->depts[i], s->code)) || !strcmp(c->f->depts[i], s->name))
            c->seen[i] = true;
    return 0;
}

/* Every department named has a subject in the run (within --project and --year)? Else each one
 * that has none is named, and nothing is printed: a misspelt name is an error, not an empty
 * listing. */
static int check_depts(jx_run *run, const jx_run_filter *f)
{
    bool *seen = calloc(f->ndepts, sizeof *seen);
    if (!seen) {
        cli_error("out of memory");
        return EXIT_ERR;
    }
    jx_run_filter all = *f;
    all.indicators = false;
    seen_ctx c = {.f = f, .seen = seen};
    int rc = EXIT_OK;
    if (jx_run_foreach(run, &all, seen_cb, &c)) {
        cli_error("show: %s", jx_run_errmsg(run));
        rc = EXIT_ERR;
    }
    for (size_t i = 0; !rc && i < f->ndepts; i++)
        if (!seen[i]) {
            char where[160] = "";
            if (f->project && f->year)
                snprintf(where, sizeof where, " (project %s, year %d)",
                         cli_project_label(f->project), f->year);
            else if (f->project)
                snprintf(where, sizeof where, " (project %s)", cli_project_label(f->project));
            else if (f->year)
                snprintf(where, sizeof where, " (year %d)", f->year);
            cli_error("show: run %lld has no department %s%s: give its 部门编码 or 部门名称 as "
                      "'jixiao rank' lists them",
                      (long long)jx_run_about(run)->id, f->depts[i], where);
        }
    for (size_t i = 0; !rc && i < f->ndepts; i++)
        if (!seen[i]) rc = EXIT_ERR;
    free(seen);
    return rc;
}

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
            if (!cli_format_option("show", optarg, &fmt)) return EXIT_USAGE;
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
    int rc = run ? check_depts(run, &f) : EXIT_ERR;
    if (!rc) rc = cli_print_run(run, &f, fmt);
    jx_run_close(run);
    jx_store_close(st);
    return rc;
}
