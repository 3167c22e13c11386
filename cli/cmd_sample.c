/*
 * cmd_sample.c - `jixiao sample`: the 抽查 list of a review: every over-claimer, then a random
 * sample stratified by 全年预算数 quartiles, deterministic for a seed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jixiao/review.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] sample (--rate R | --count N) [--seed S] [--run ID]\n"
    "                                [--threshold P] [--rules NAME] [--departments|--projects]\n"
    "                                [--year Y] [--format table|csv|json|excel] [--out FILE.csv]\n"
    "\n"
    "抽查: the subjects to check. First every subject flagged over_claimed (自评虚高,\n"
    "see 'jixiao review'), then subjects drawn at random until the count is reached,\n"
    "stratified by budget size: the quartiles of 全年预算数 (Q1 smallest) and a stratum\n"
    "of subjects without a budget, in proportion to their size and at least one from\n"
    "every stratum while the count allows. GSL's MT19937 generator: the same data,\n"
    "options and seed give the same list; the table prints the command that repeats it.\n"
    "\n"
    "  --rate R        share of the subjects to check, 0 < R <= 1 (e.g. 0.1)\n"
    "  --count N       number of subjects to check\n"
    "  --seed S        random seed (default 1); record it with the list\n"
    "  --run ID, --threshold P, --rules NAME, --departments, --projects, --year Y:\n"
    "                  as for 'jixiao review'\n"
    "  --format F      table (default), csv, json, or excel (CSV with a BOM for Excel)\n"
    "  --out FILE.csv  write the CSV for Excel to FILE\n";

static const char *const stratum_code[JX_SAMPLE_STRATA] = {"Q1", "Q2", "Q3", "Q4", "no_budget"};
static const char *const stratum_label[JX_SAMPLE_STRATA] = {"Q1（最小）", "Q2", "Q3", "Q4（最大）",
                                                            "无预算"};

static int parse_count(const char *arg, size_t *count)
{
    int64_t v;
    if (!cli_parse_int64(arg, &v) || v <= 0) {
        cli_error("sample: --count wants a whole number of subjects (got \"%s\")", arg);
        return EXIT_USAGE;
    }
    *count = (size_t)v;
    return EXIT_OK;
}

static int parse_rate(const char *arg, double *rate)
{
    char *end;
    errno = 0;
    *rate = strtod(arg, &end);
    if (!*arg || *end || errno || !(*rate > 0 && *rate <= 1)) {
        cli_error("sample: --rate wants a share in (0, 1], e.g. 0.1 (got \"%s\")", arg);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static void print_json(const jx_review *rv, const jx_sample *sm, uint64_t seed)
{
    double cut[3];
    size_t asked = jx_sample_asked(sm, cut);
    printf("{\"run\":%lld,\"seed\":%llu,\"count\":%zu,\"selected\":%zu,\"threshold\":",
           (long long)jx_review_about(rv)->id, (unsigned long long)seed, asked,
           jx_sample_count(sm));
    json_num(stdout, jx_review_threshold(rv));
    fputs(",\"quartiles\":[", stdout);
    for (int k = 0; k < 3; k++) {
        if (k) fputc(',', stdout);
        json_num(stdout, cut[k]);
    }
    fputs("],\"strata\":[", stdout);
    for (int h = 0; h < JX_SAMPLE_STRATA; h++) {
        const jx_sample_stratum *st = jx_sample_stratum_at(sm, h);
        printf("%s{\"stratum\":\"%s\",\"min\":", h ? "," : "", stratum_code[h]);
        json_num(stdout, st->min);
        fputs(",\"max\":", stdout);
        json_num(stdout, st->max);
        printf(",\"population\":%zu,\"over_claimed\":%zu,\"drawn\":%zu}", st->population, st->over,
               st->drawn);
    }
    fputs("],\"subjects\":[", stdout);
    for (size_t i = 0; i < jx_sample_count(sm); i++) {
        const jx_sample_pick *p = jx_sample_at(sm, i);
        const jx_review_subject *s = p->s;
        fputs(i ? ",\n{" : "\n{", stdout);
        json_subject_id(stdout, s->code, s->name, s->project, s->year);
        printf(",\"reason\":\"%s\",\"stratum\":\"%s\",\"budget\":",
               p->reason == JX_SAMPLE_OVER_CLAIMED ? "over_claimed" : "random",
               stratum_code[p->stratum]);
        json_num(stdout, s->has_budget ? s->budget : NAN);
        fputs(",\"total\":", stdout);
        json_num(stdout, s->total);
        fputs(",\"claimed_total\":", stdout);
        json_num(stdout, s->claimed_total);
        fputs(",\"gap\":", stdout);
        json_num(stdout, s->gap);
        fputc('}', stdout);
    }
    fputs("\n]}\n", stdout);
}

static void print_rows(const jx_sample *sm, cli_format fmt)
{
    static const char *const hdr[] = {"序号",     "部门编码",   "部门名称", "项目",
                                      "年度",     "全年预算数", "预算分层", "总分",
                                      "自评总分", "差额",       "抽取原因"};
    static const bool right[] = {true,  false, false, false, true, true,
                                 false, true,  true,  true,  false};
    cli_table *t = table_new(11, hdr, right);
    if (!t) return;
    int dec = fmt == FMT_CSV ? -1 : 2;
    for (size_t i = 0; i < jx_sample_count(sm); i++) {
        const jx_sample_pick *p = jx_sample_at(sm, i);
        const jx_review_subject *s = p->s;
        char no[32], year[16], budget[64], total[64], claimed[64], gap[64];
        snprintf(no, sizeof no, "%zu", i + 1);
        snprintf(year, sizeof year, "%d", s->year);
        cli_fmt_num(budget, sizeof budget, s->has_budget ? s->budget : NAN, dec);
        cli_fmt_points(total, sizeof total, s->total, fmt);
        cli_fmt_points(claimed, sizeof claimed, s->claimed_total, fmt);
        cli_fmt_points(gap, sizeof gap, s->gap, fmt);
        bool over = p->reason == JX_SAMPLE_OVER_CLAIMED;
        const char *why = fmt == FMT_TABLE ? (over ? "自评虚高（必查）" : "随机抽取")
                                           : (over ? "over_claimed" : "random");
        const char *cells[] = {no,
                               s->code,
                               s->name,
                               cli_project_label(s->project),
                               year,
                               budget,
                               fmt == FMT_TABLE ? stratum_label[p->stratum]
                                                : stratum_code[p->stratum],
                               total,
                               claimed,
                               gap,
                               why};
        table_add(t, cells);
    }
    table_print(t, stdout, fmt);
    table_free(t);
}

/* The strata, and the command line that draws the same sample (the seed made explicit). */
static void print_footer(const jx_review *rv, const jx_sample *sm, uint64_t seed, bool seeded,
                         const cli_ctx *ctx, const char *const *argv, int argc)
{
    double cut[3];
    size_t asked = jx_sample_asked(sm, cut);
    printf("\n抽查 %zu of %zu subjects (asked %zu; every over_claimed subject is included) · run "
           "%lld · threshold %g points · seed %llu\n",
           jx_sample_count(sm), jx_review_count(rv), asked, (long long)jx_review_about(rv)->id,
           jx_review_threshold(rv), (unsigned long long)seed);
    static const char *const hdr[] = {"预算分层", "全年预算数", "对象数", "自评虚高", "随机抽取"};
    static const bool right[] = {false, false, true, true, true};
    cli_table *t = table_new(5, hdr, right);
    if (!t) return;
    for (int h = 0; h < JX_SAMPLE_STRATA; h++) {
        const jx_sample_stratum *st = jx_sample_stratum_at(sm, h);
        char range[96] = "—", pop[32], over[32], drawn[32];
        if (isfinite(st->min)) snprintf(range, sizeof range, "%.2f – %.2f", st->min, st->max);
        snprintf(pop, sizeof pop, "%zu", st->population);
        snprintf(over, sizeof over, "%zu", st->over);
        snprintf(drawn, sizeof drawn, "%zu", st->drawn);
        const char *cells[] = {stratum_label[h], range, pop, over, drawn};
        table_add(t, cells);
    }
    table_print(t, stdout, FMT_TABLE);
    table_free(t);
    printf("\nrepeat with: jixiao%s%s", ctx->db_given ? " --db " : "",
           ctx->db_given ? ctx->db_path : "");
    for (int i = 0; i < argc; i++)
        printf(" %s", argv[i]);
    if (!seeded) printf(" --seed %llu", (unsigned long long)seed);
    fputc('\n', stdout);
}

int cmd_sample(int argc, char **argv, cli_ctx *ctx)
{
    static const struct option opts[] = {{"rate", required_argument, NULL, 'a'},
                                         {"count", required_argument, NULL, 'n'},
                                         {"seed", required_argument, NULL, 'S'},
                                         {"run", required_argument, NULL, 'r'},
                                         {"threshold", required_argument, NULL, 't'},
                                         {"rules", required_argument, NULL, 'R'},
                                         {"departments", no_argument, NULL, 'D'},
                                         {"projects", no_argument, NULL, 'P'},
                                         {"year", required_argument, NULL, 'y'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    cli_review_args a = {.fmt = FMT_TABLE};
    jx_sample_opts so = {.seed = 1};
    bool seeded = false;
    int c, rc;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if ((rc = cli_review_option(c, optarg, "sample", &a)) >= 0) {
            if (rc) return rc;
            continue;
        }
        int64_t v;
        switch (c) {
        case 'a':
            if ((rc = parse_rate(optarg, &so.rate))) return rc;
            break;
        case 'n':
            if ((rc = parse_count(optarg, &so.count))) return rc;
            break;
        case 'S':
            if (!cli_parse_int64(optarg, &v) || v < 0) {
                cli_error("sample: --seed wants a whole number >= 0");
                return EXIT_USAGE;
            }
            so.seed = (uint64_t)v;
            seeded = true;
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
        cli_error("sample: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if (!so.count == !(so.rate > 0)) {
        cli_error("sample: give --rate R or --count N (one of them)");
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (a.out && !cli_has_ext(a.out, ".csv")) {
        cli_error("sample: --out wants a FILE.csv");
        return EXIT_USAGE;
    }
    cli_analysis_setup();
    jx_store *st;
    jx_ruleset *rs;
    jx_review *rv;
    jx_sample *sm = NULL;
    rc = cli_review_load(ctx, "sample", &a, &st, &rs, &rv);
    jx_errmsg msg;
    if (!rc && jx_sample_draw(rv, &so, &sm, &msg)) {
        cli_error("sample: %s", msg.text);
        rc = EXIT_ERR;
    }
    if (!rc && a.out) {
        if (cli_csv_out(a.out))
            a.fmt = FMT_CSV;
        else
            rc = EXIT_ERR;
    }
    if (!rc && a.fmt == FMT_JSON) {
        print_json(rv, sm, so.seed);
    } else if (!rc) {
        print_rows(sm, a.fmt);
        if (a.fmt == FMT_TABLE)
            print_footer(rv, sm, so.seed, seeded, ctx, (const char *const *)argv, argc);
    }
    jx_sample_free(sm);
    jx_review_free(rv);
    jx_ruleset_free(rs);
    jx_store_close(st);
    return rc;
}
