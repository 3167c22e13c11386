/*
 * cmd_runs.c - `jixiao runs`: every stored scoring run (id, time, rule set, label, subjects,
 * the mean of its totals).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <math.h>
#include <stdlib.h>

#include "cli.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] runs [--format table|csv|json|excel]\n"
    "\n"
    "List every scoring run stored by 'jixiao score', oldest first: its number, when\n"
    "it was scored (UTC), the rule set and its SHA-256, the label (score --label),\n"
    "the subjects and indicators scored and the mean of the totals. 'jixiao diff'\n"
    "compares two of them; every analysis takes --run ID.\n";

typedef struct runs_ctx {
    cli_format fmt;
    cli_table *t;
    bool first;
} runs_ctx;

void json_run_info(FILE *f, const jx_run_info *info)
{
    fprintf(f, "\"run\":%lld,\"created_at\":", (long long)info->id);
    json_str(f, info->created_at);
    fputs(",\"rules\":", f);
    json_str(f, info->rules);
    fputs(",\"rules_sha256\":", f);
    json_str(f, info->rules_sha256);
    fputs(",\"label\":", f);
    json_str(f, info->label);
}

static int one_run(const jx_run_info *info, double mean, void *ctx)
{
    runs_ctx *c = ctx;
    if (c->fmt == FMT_JSON) {
        fputs(c->first ? "\n{" : ",\n{", stdout);
        json_run_info(stdout, info);
        printf(",\"subjects\":%lld,\"indicators\":%lld,\"mean_total\":", (long long)info->subjects,
               (long long)info->indicators);
        json_num(stdout, mean);
        fputc('}', stdout);
        c->first = false;
        return 0;
    }
    char id[32], sha[16], subjects[32], indicators[32], m[64];
    snprintf(id, sizeof id, "%lld", (long long)info->id);
    snprintf(sha, sizeof sha, "%.12s", info->rules_sha256);
    snprintf(subjects, sizeof subjects, "%lld", (long long)info->subjects);
    snprintf(indicators, sizeof indicators, "%lld", (long long)info->indicators);
    cli_fmt_num(m, sizeof m, mean, c->fmt == FMT_CSV ? -1 : 2);
    const char *cells[] = {
        id,          info->created_at, info->rules, c->fmt == FMT_CSV ? info->rules_sha256 : sha,
        info->label, subjects,         indicators,  m};
    table_add(c->t, cells);
    return 0;
}

int cmd_runs(int argc, char **argv, cli_ctx *ctx)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    runs_ctx c = {.fmt = FMT_TABLE, .first = true};
    int o;
    while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (o == 'f' && cli_format_option("runs", optarg, &c.fmt)) continue;
        if (o == 'h') {
            fputs(usage_text, stdout);
            return EXIT_OK;
        }
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (optind < argc) {
        cli_error("runs: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    jx_store *st = cli_open_store(ctx->db_path);
    if (!st) return EXIT_ERR;
    static const char *const hdr[] = {"运行", "时间（UTC）", "规则集", "SHA-256",
                                      "标签", "对象数",      "指标数", "平均总分"};
    static const bool right[] = {true, false, false, false, false, true, true, true};
    if (c.fmt != FMT_JSON && !(c.t = table_new(8, hdr, right))) {
        jx_store_close(st);
        return EXIT_ERR;
    }
    if (c.fmt == FMT_JSON) fputs("{\"runs\":[", stdout);
    jx_err e = jx_run_list(st, one_run, &c);
    if (c.fmt == FMT_JSON) fputs("\n]}\n", stdout);
    if (c.t) {
        table_print(c.t, stdout, c.fmt);
        table_free(c.t);
    }
    if (e) cli_error("runs: %s", jx_store_errmsg(st));
    jx_store_close(st);
    return e ? EXIT_ERR : EXIT_OK;
}
