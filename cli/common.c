/*
 * common.c - set-up shared by the commands: finding rule sets, opening the
 * store, and printing a run in table, CSV or JSON form.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "jixiao/score.h"

size_t cli_rules_dirs(cli_rules_paths *g_dirs_, const char **dirs, size_t cap)
{
    cli_rules_paths *g = g_dirs_;
    size_t n = 0;
    const char *env = getenv("JIXIAO_RULES");
    if (env && *env) {
        snprintf(g->env, sizeof g->env, "%s", env);
        for (char *tok = strtok(g->env, ":"); tok && n < cap; tok = strtok(NULL, ":"))
            dirs[n++] = tok;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0';
        snprintf(g->exe_share, sizeof g->exe_share, "%.*s/../share/jixiao/rules", 4000, exe);
        snprintf(g->exe_src, sizeof g->exe_src, "%.*s/../rules", 4000, exe);
        if (n < cap) dirs[n++] = g->exe_share;
        if (n < cap) dirs[n++] = g->exe_src;
    }
    if (n < cap) dirs[n++] = JX_INSTALL_RULES_DIR;
    return n;
}

jx_ruleset *cli_load_rules(const char *name_or_path)
{
    const char *dirs[16];
    cli_rules_paths paths;
    size_t n = cli_rules_dirs(&paths, dirs, 16);
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    if (jx_ruleset_load(name_or_path ? name_or_path : JX_RULESET_DEFAULT, dirs, n, &rs, &msg)) {
        cli_error("%s", msg.text);
        return NULL;
    }
    return rs;
}

/* Whether the running command writes the database (main.c sets it from the command's name). */
static bool store_writes;

void cli_store_writes(bool writes)
{
    store_writes = writes;
}

jx_store *cli_open_store(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) && errno == ENOENT) {
        if (!store_writes) {
            cli_error("no database at %s: import data first ('jixiao --db %s import …'), or "
                      "name another file with --db",
                      path, path);
            return NULL;
        }
        fprintf(stderr, "jixiao: creating a new database at %s\n", path);
    }
    jx_store *st = NULL;
    jx_errmsg msg;
    if (jx_store_open(path, &st, &msg)) {
        cli_error("%s", msg.text);
        return NULL;
    }
    return st;
}

jx_run *cli_open_run(jx_store *st, int64_t run_id, const char *cmd)
{
    jx_run *run = NULL;
    if (jx_run_open(st, run_id, &run)) cli_error("%s: %s", cmd, jx_store_errmsg(st));
    return run;
}

void cli_on_error(void *ctx, const char *message)
{
    (void)ctx;
    cli_fputs_safe(stderr, message, true);
    fputc('\n', stderr);
}

bool cli_parse_int64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno) return false;
    *out = v;
    return true;
}

int cli_no_options(int argc, char **argv, const char *cmd, const char *usage)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        }
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (optind < argc) {
        cli_error("%s: unexpected argument '%s'", cmd, argv[optind]);
        return EXIT_USAGE;
    }
    return -1;
}

/* ---- printing a run ---- */

typedef struct print_ctx {
    cli_format fmt;
    bool indicators;
    bool first;
    cli_table *table;
    cli_jbuf *json; /* the JSON listing's buffer on stdout */
} print_ctx;

/* Flags as a listing shows them: Chinese in a table, codes in CSV (and JSON). */
static void flags_text(unsigned flags, cli_format fmt, char *buf, size_t cap)
{
    cli_bits_text(flags, JX_FLAG_COUNT, jx_flag_name, jx_flag_label, fmt, buf, cap);
}

static void fmt_num(char *buf, size_t cap, double x, int decimals)
{
    snprintf(buf, cap, "%.*f", decimals, x);
}

static void jb_budget(cli_jbuf *j, const jx_run_subject *s)
{
    const jx_result *r = &s->result;
    if (!r->budget_scored) {
        jb_lit(j, "null");
        return;
    }
    static const char *const key[] = {"{\"initial\":", ",\"budget\":", ",\"spent\":",
                                      ",\"rate\":",    ",\"weight\":", ",\"points\":"};
    const double v[] = {s->budget_initial, s->budget,        s->spent,
                        r->budget_rate,    r->budget_weight, r->budget_points};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        jb_lit(j, key[i]);
        jb_num(j, v[i]);
    }
    jb_lit(j, "}");
}

static void jb_indicator(cli_jbuf *j, const jx_run_indicator *in, bool first)
{
    static const char *const key[] = {
        "\"level1\":", ",\"level2\":", ",\"level3\":", ",\"op\":", ",\"target\":", ",\"unit\":"};
    const char *const v[] = {in->level1, in->level2, in->level3, in->op, in->target, in->unit};
    jb_lit(j, first ? "{" : ",{");
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        jb_lit(j, key[i]);
        jb_str(j, v[i]);
    }
    jb_lit(j, ",\"actual\":");
    if (in->actual)
        jb_str(j, in->actual);
    else
        jb_lit(j, "null");
    jb_lit(j, ",\"reason\":");
    jb_str(j, in->reason);
    if (in->score.scored) {
        jb_lit(j, ",\"scored\":true,\"weight\":");
        jb_num(j, in->score.weight);
        jb_lit(j, ",\"ratio\":");
        jb_num(j, in->score.ratio);
        jb_lit(j, ",\"points\":");
        jb_num(j, in->score.points);
    } else {
        jb_lit(j, ",\"scored\":false,\"weight\":null,\"ratio\":null,\"points\":null");
    }
    jb_lit(j, ",\"flags\":");
    jb_bits(j, in->score.flags, JX_FLAG_COUNT, jx_flag_name);
    jb_lit(j, ",\"explain\":");
    jb_str(j, in->explain);
    jb_lit(j, "}");
}

static int print_json_subject(const jx_run_subject *s, print_ctx *p)
{
    cli_jbuf *j = p->json;
    const jx_result *r = &s->result;
    jb_lit(j, p->first ? "\n{\"code\":" : ",\n{\"code\":");
    p->first = false;
    jb_str(j, s->code); /* json_subject_id()'s fields */
    jb_lit(j, ",\"name\":");
    jb_str(j, s->name);
    jb_lit(j, ",\"project\":");
    jb_str(j, s->project);
    char year[24];
    snprintf(year, sizeof year, ",\"year\":%d", s->year);
    jb_lit(j, year);
    jb_lit(j, ",\"total\":");
    jb_num(j, r->total);
    jb_lit(j, ",\"grade\":");
    jb_str(j, r->grade);
    jb_lit(j, ",\"flags\":");
    jb_bits(j, r->flags, JX_FLAG_COUNT, jx_flag_name);
    jb_lit(j, ",\"budget\":");
    jb_budget(j, s);
    jb_lit(j, ",\"weight_sum\":");
    jb_num(j, r->weight_sum);
    jb_lit(j, ",\"points_sum\":");
    jb_num(j, r->points_sum);
    if (p->indicators) {
        jb_lit(j, ",\"indicators\":[");
        for (size_t i = 0; i < s->n; i++)
            jb_indicator(j, &s->ind[i], i == 0);
        jb_lit(j, "]");
    }
    jb_lit(j, "}");
    return 0;
}

static void subject_cells(const jx_run_subject *s, cli_format fmt, char bufs[][256],
                          const char **cells)
{
    const jx_result *r = &s->result;
    cells[0] = s->code;
    cells[1] = s->name;
    cells[2] = *s->project ? s->project : "部门整体";
    snprintf(bufs[0], 256, "%d", s->year);
    cells[3] = bufs[0];
    fmt_num(bufs[1], 256, r->total, 2);
    cells[4] = bufs[1];
    cells[5] = r->grade;
    if (r->budget_scored) {
        fmt_num(bufs[2], 256, r->budget_rate * 100, 1);
        strcat(bufs[2], "%");
    } else {
        snprintf(bufs[2], 256, "—");
    }
    cells[6] = bufs[2];
    flags_text(r->flags, fmt, bufs[3], 256);
    cells[7] = bufs[3];
}

static int print_subject(const jx_run_subject *s, void *ctx)
{
    print_ctx *p = ctx;
    if (p->fmt == FMT_JSON) return print_json_subject(s, p);
    if (!p->indicators) {
        char bufs[4][256];
        const char *cells[8];
        char total[64]; /* outside the if: table_add() below reads it */
        subject_cells(s, p->fmt, bufs, cells);
        if (p->fmt == FMT_CSV) { /* full precision for spreadsheets */
            snprintf(total, sizeof total, "%.10g", s->result.total);
            cells[4] = total;
        }
        table_add(p->table, cells);
        return 0;
    }
    /* per-indicator listing (show) */
    const jx_result *r = &s->result;
    if (p->fmt == FMT_TABLE) {
        cli_fputs_safe(stdout, s->code, false);
        fputs(*s->code ? " " : "", stdout);
        cli_fputs_safe(stdout, s->name, false);
        fputs(" · ", stdout);
        cli_fputs_safe(stdout, *s->project ? s->project : "部门整体", false);
        printf(" · %d\n", s->year);
    }
    static const char *const hdr[] = {"一级指标", "二级指标", "三级指标", "指标值", "实际完成值",
                                      "分值",     "得分",     "计算",     "标记",   "偏差原因"};
    static const bool right[] = {false, false, false, false, false,
                                 true,  true,  false, false, false};
    cli_table *t = table_new(10, hdr, right);
    if (!t) return 1;
    for (size_t i = 0; i < s->n; i++) {
        const jx_run_indicator *in = &s->ind[i];
        char target[256], w[32], pts[32], flags[256];
        snprintf(target, sizeof target, "%s%s%s", in->op, in->target,
                 strstr(in->target, in->unit) ? "" : in->unit);
        if (in->score.scored) {
            fmt_num(w, sizeof w, in->score.weight, 2);
            fmt_num(pts, sizeof pts, in->score.points, 2);
        } else {
            snprintf(w, sizeof w, "—");
            snprintf(pts, sizeof pts, "—");
        }
        flags_text(in->score.flags, p->fmt, flags, sizeof flags);
        const char *cells[10] = {
            in->level1, in->level2, in->level3,  target, in->actual ? in->actual : "（未填报）",
            w,          pts,        in->explain, flags,  in->reason};
        table_add(t, cells);
    }
    if (r->budget_scored) {
        char rate[64], w[32], pts[32], how[128];
        snprintf(rate, sizeof rate, "%.2f/%.2f万元", s->spent, s->budget);
        fmt_num(w, sizeof w, r->budget_weight, 2);
        fmt_num(pts, sizeof pts, r->budget_points, 2);
        snprintf(how, sizeof how, "执行率 %.2f%% → min(1, %.4f) × %s", r->budget_rate * 100,
                 r->budget_rate, w);
        const char *cells[10] = {"预算执行率", "", "全年执行数/全年预算数", "", rate, w, pts, how,
                                 "",           ""};
        table_add(t, cells);
    }
    table_print(t, stdout, p->fmt);
    table_free(t);
    if (p->fmt == FMT_TABLE) {
        char flags[512];
        flags_text(r->flags, p->fmt, flags, sizeof flags);
        printf("总分 %.2f = 100 × %.4f / %.4f   等级 %s%s%s\n\n", r->total, r->points_sum,
               r->weight_sum, r->grade, *flags ? "   标记 " : "", flags);
    }
    return 0;
}

int cli_print_run(jx_run *run, const jx_run_filter *filter, cli_format fmt)
{
    const jx_run_info info = *jx_run_about(run);
    print_ctx p = {.fmt = fmt, .indicators = filter && filter->indicators, .first = true};
    static const char *const hdr[] = {"部门编码", "部门名称", "项目",       "年度",
                                      "总分",     "等级",     "预算执行率", "标记"};
    static const bool right[] = {false, false, false, true, true, false, true, false};
    if (!p.indicators && fmt != FMT_JSON) {
        p.table = table_new(8, hdr, right);
        if (!p.table) return EXIT_ERR;
    }
    if (fmt == FMT_JSON) {
        printf("{\"run\":%lld,\"rules\":", (long long)info.id);
        json_str(stdout, info.rules);
        fputs(",\"rules_sha256\":", stdout);
        json_str(stdout, info.rules_sha256);
        fputs(",\"departments\":[", stdout);
    }
    if (fmt == FMT_JSON && !(p.json = malloc(sizeof *p.json))) {
        cli_error("out of memory");
        return EXIT_ERR;
    }
    if (p.json) *p.json = (cli_jbuf){.f = stdout};
    jx_err e = jx_run_foreach(run, filter, print_subject, &p);
    if (p.json) jb_flush(p.json);
    free(p.json);
    if (fmt == FMT_JSON) fputs("\n]}\n", stdout);
    if (p.table) {
        table_print(p.table, stdout, fmt);
        table_free(p.table);
        if (fmt == FMT_TABLE)
            printf("\nrun %lld · rules %s (sha256 %.12s…) · %lld subjects\n", (long long)info.id,
                   info.rules, info.rules_sha256, (long long)info.subjects);
    }
    if (e) {
        cli_error("%s", jx_run_errmsg(run));
        return EXIT_ERR;
    }
    return EXIT_OK;
}
