/*
 * cmd_rank.c - `jixiao rank`: competition ranking of a stored run. Also the
 * option helpers the analysis commands (rank, stats, whatif, sensitivity) share.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] rank [--run ID] [--departments|--projects] [--year Y]\n"
    "                              [--format table|csv|json|excel]\n"
    "\n"
    "Rank the subjects of a stored run (default: the newest) by total, highest\n"
    "first, with competition ranks (1, 2, 2, 4). Departments (部门整体) and projects\n"
    "are ranked apart, and each year apart. Tied totals (equal to 1e-9) share a\n"
    "rank; the listing breaks ties by 部门编码 and name, for display only.\n"
    "\n"
    "  --run ID        a stored run (see 'jixiao score')\n"
    "  --departments   only 部门整体 subjects\n"
    "  --projects      only projects\n"
    "  --year Y        only that year\n"
    "  --format F      table (default), csv, json or excel (CSV with a BOM)\n";

void cli_analysis_setup(void)
{
    /* GSL's default error handler aborts the process. The engine checks every
     * input before calling GSL and never touches this process-wide setting (a
     * library must not); the program owns it, so the CLI turns it off here. */
    gsl_set_error_handler_off();
}

int cli_selection_option(int c, const char *arg, const char *cmd, jx_selection *sel)
{
    int64_t y;
    switch (c) {
    case 'y':
        if (!cli_parse_int64(arg, &y) || y < 1900 || y > 2999) {
            cli_error("%s: --year wants a year such as 2024", cmd);
            return EXIT_USAGE;
        }
        sel->year = (int)y;
        return EXIT_OK;
    case 'D':
    case 'P': {
        jx_sel_kind k = c == 'D' ? JX_SEL_DEPARTMENTS : JX_SEL_PROJECTS;
        if (sel->kind != JX_SEL_ALL && sel->kind != k) {
            cli_error("%s: --departments and --projects exclude each other", cmd);
            return EXIT_USAGE;
        }
        sel->kind = k;
        return EXIT_OK;
    }
    }
    return -1;
}

int cli_parse_run(const char *arg, const char *cmd, int64_t *run_id)
{
    if (!cli_parse_int64(arg, run_id) || *run_id <= 0) {
        cli_error("%s: --run wants a run number", cmd);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

const char *cli_project_label(const char *project)
{
    return project && *project ? project : "部门整体";
}

const char *cli_kind_label(bool projects)
{
    return projects ? "项目" : "部门整体";
}

const char *cli_kind_code(bool projects)
{
    return projects ? "projects" : "departments";
}

void cli_groups_note(FILE *f, size_t ngroups)
{
    fprintf(f, "%zu group%s (each year apart, 部门整体 apart from 项目)", ngroups,
            ngroups == 1 ? "" : "s");
}

void cli_fmt_num(char *buf, size_t cap, double x, int decimals)
{
    if (decimals <
        0) { /* CSV: full precision for spreadsheets (as 'score'), empty when undefined */
        if (isnan(x))
            snprintf(buf, cap, "%s", "");
        else
            snprintf(buf, cap, "%.10g", x);
    } else if (isnan(x)) {
        snprintf(buf, cap, "—");
    } else {
        snprintf(buf, cap, "%.*f", decimals, x);
    }
}

void cli_fmt_shortest(char *buf, size_t cap, double x)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) return;
    }
}

static void json_ranked(FILE *f, const jx_ranked *s, bool first)
{
    fprintf(f, "%s{\"rank\":%zu,", first ? "\n" : ",\n", s->rank);
    json_subject_id(f, s->code, s->name, s->project, s->year);
    fputs(",\"total\":", f);
    json_num(f, s->total);
    fputs(",\"grade\":", f);
    json_str(f, s->grade);
    fprintf(f, ",\"group_size\":%zu}", s->group_size);
}

/* The options rank and stats share (--run --departments --projects --year --format
 * --help), then the store and the run's ranking. Returns -1 when the command goes
 * on with *st (close it) and *r (free it) set, else the exit status to return. */
int cli_ranking_open(int argc, char **argv, cli_ctx *ctx, const char *cmd, const char *usage,
                     cli_format *fmt, int64_t *run_id, jx_run_info *info, jx_store **st,
                     jx_ranking **r)
{
    static const struct option opts[] = {{"run", required_argument, NULL, 'r'},
                                         {"departments", no_argument, NULL, 'D'},
                                         {"projects", no_argument, NULL, 'P'},
                                         {"year", required_argument, NULL, 'y'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    jx_selection sel = {0};
    *run_id = 0;
    *fmt = FMT_TABLE;
    *st = NULL;
    *r = NULL;
    int c, rc;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if ((rc = cli_selection_option(c, optarg, cmd, &sel)) >= 0) {
            if (rc) return rc;
            continue;
        }
        switch (c) {
        case 'r':
            if ((rc = cli_parse_run(optarg, cmd, run_id))) return rc;
            break;
        case 'f':
            if (!cli_format_option(cmd, optarg, fmt)) return EXIT_USAGE;
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        default:
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("%s: unexpected argument '%s'", cmd, argv[optind]);
        return EXIT_USAGE;
    }
    cli_analysis_setup();
    if (!(*st = cli_open_store(ctx->db_path))) return EXIT_ERR;
    jx_run *run = cli_open_run(*st, *run_id, cmd);
    if (run && jx_ranking_load(run, &sel, r)) cli_error("%s: %s", cmd, jx_run_errmsg(run));
    if (run) {
        *info = *jx_run_about(run);
        *run_id = info->id;
    }
    jx_run_close(run);
    if (!*r) {
        jx_store_close(*st);
        *st = NULL;
        return EXIT_ERR;
    }
    return -1;
}

int cmd_rank(int argc, char **argv, cli_ctx *ctx)
{
    cli_format fmt;
    int64_t run_id;
    jx_run_info info;
    jx_store *st;
    jx_ranking *r;
    int rc = cli_ranking_open(argc, argv, ctx, "rank", usage_text, &fmt, &run_id, &info, &st, &r);
    if (rc >= 0) return rc;
    rc = EXIT_ERR;
    size_t n = jx_ranking_count(r);
    if (fmt == FMT_JSON) {
        printf("{\"run\":%lld,\"rules\":", (long long)run_id);
        json_str(stdout, info.rules);
        fputs(",\"subjects\":[", stdout);
        for (size_t i = 0; i < n; i++)
            json_ranked(stdout, jx_ranking_at(r, i), i == 0);
        fputs("\n]}\n", stdout);
    } else {
        static const char *const hdr[] = {"排名", "部门编码", "部门名称", "项目",
                                          "年度", "总分",     "等级",     "组内"};
        static const bool right[] = {true, false, false, false, true, true, false, true};
        cli_table *t = table_new(8, hdr, right);
        if (!t) goto done;
        for (size_t i = 0; i < n; i++) {
            const jx_ranked *s = jx_ranking_at(r, i);
            char rank[32], year[16], total[64], size[32];
            snprintf(rank, sizeof rank, "%zu", s->rank);
            snprintf(year, sizeof year, "%d", s->year);
            if (fmt == FMT_CSV)
                snprintf(total, sizeof total, "%.10g", s->total);
            else
                snprintf(total, sizeof total, "%.2f", s->total);
            snprintf(size, sizeof size, "%zu", s->group_size);
            const char *cells[] = {rank, s->code, s->name,  cli_project_label(s->project),
                                   year, total,   s->grade, size};
            table_add(t, cells);
        }
        table_print(t, stdout, fmt);
        table_free(t);
        if (fmt == FMT_TABLE)
            printf("\nrun %lld · rules %s · %zu subjects · departments and projects ranked apart, "
                   "each year apart\n",
                   (long long)run_id, info.rules, n);
    }
    rc = EXIT_OK;
done:
    jx_ranking_free(r);
    jx_store_close(st);
    return rc;
}
