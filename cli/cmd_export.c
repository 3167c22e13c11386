/*
 * cmd_export.c - `jixiao export xlsx`: the 自评表 workbook of a stored run
 * (engine: jx_xlsx_write()), and the helper `evaluate --out` shares.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"
#include "jixiao/xlsx.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] export xlsx --out FILE [--dept CODE]... [--run ID] [--blank]\n"
    "                                      [--split DIR] [--rules NAME|PATH] [--threads N]\n"
    "\n"
    "Write the 自评表 workbook of a scoring run (the newest unless --run): a 汇总\n"
    "sheet ranking every subject per year and kind, then one sheet per department\n"
    "(部门整体) and project in the official layout, one A4 page each, and a 统计图\n"
    "sheet of charts. Scores, totals and grades are Excel formulas carrying jixiao's\n"
    "numbers; see docs/xlsx.md.\n"
    "\n"
    "  --out FILE      the workbook (with --split: the 汇总 workbook; default DIR/汇总.xlsx)\n"
    "  --dept CODE     only this department (部门编码 or 部门名称); repeatable\n"
    "  --run ID        a stored run (see 'jixiao history' and 'jixiao score')\n"
    "  --blank         a form to fill in: empty 实际完成值 and 偏差原因 cells, sheets\n"
    "                  protected (no password), input cells shaded and validated\n"
    "  --split DIR     one workbook per department and year in DIR, written in parallel\n"
    "  --rules R       the rule set the run used, when it is not found by its name\n"
    "  --threads N     workers for --split (default 2)\n";

/* Process-wide memory settings for writing workbooks, made here and not in the library.
 * --split: zlib allocates and frees a ~270 KB deflate state for every part of every workbook;
 * glibc's default gives the top of the heap back to the kernel each time, and the page faults
 * and TLB flushes cost 15-20% of the CPU time. Keep the heap. One workbook: libxlsxwriter's
 * constant-memory mode callocs a 128 KB array per sheet and touches one page of it; keep such
 * blocks mmap'd (a fixed threshold) or they become resident from reused heap (4x the memory). */
static void tune_process(bool split)
{
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
    if (!split) mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#else
    (void)split;
#endif
    /* constant-memory mode keeps a temporary file per sheet open: allow as many as we may */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* libxlsxwriter's temporary files: $TMPDIR, else /dev/shm when writable (a workbook's parts are
 * small and short-lived; creating them on a disk file system costs more than writing them). */
static const char *tmp_dir(void)
{
    const char *t = getenv("TMPDIR");
    if (t && *t) return t;
    if (access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
    return NULL;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int cli_export_xlsx(jx_run *run, const jx_ruleset *rs, const char *out, const char *split,
                    const char *const *depts, size_t ndepts, bool blank, int threads, FILE *report)
{
    tune_process(split != NULL);
    jx_xlsx_opts o = {.rules = rs,
                      .depts = depts,
                      .ndepts = ndepts,
                      .blank = blank,
                      .split_dir = split,
                      .threads = threads,
                      .tmpdir = tmp_dir(),
                      .on_progress = cli_progress_cb};
    cli_progress p;
    cli_progress_begin(&p, "写自评表", "个");
    o.ctx = &p;
    jx_xlsx_summary sum;
    jx_errmsg msg;
    double t0 = now();
    jx_err e = jx_xlsx_write(run, out, &o, &sum, &msg);
    double secs = now() - t0;
    cli_progress_end(&p);
    if (e) {
        cli_error("%s", msg.text);
        return EXIT_ERR;
    }
    if (rs && !sum.rules_matched)
        cli_error("warning: rule set %s is not the one run %lld was scored with (SHA-256 differs): "
                  "得分率 written as values, not formulas",
                  jx_ruleset_name(rs), (long long)jx_run_about(run)->id);
    fprintf(report,
            "wrote %s: %lld workbook%s, %lld sheets, %lld subjects, %lld cells in %.2f s "
            "(%lld ratios as formulas, %lld as values)\n",
            split ? split : out, (long long)sum.workbooks, sum.workbooks == 1 ? "" : "s",
            (long long)sum.sheets, (long long)sum.subjects, (long long)sum.cells, secs,
            (long long)sum.formulas, (long long)sum.constants);
    return EXIT_OK;
}

/* The rule set a run was scored with: --rules, else its name; NULL (with a warning) when absent. */
static jx_ruleset *run_rules(const char *given, const char *name)
{
    if (given) return cli_load_rules(given);
    const char *dirs[16];
    cli_rules_paths paths;
    size_t n = cli_rules_dirs(&paths, dirs, 16);
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    if (jx_ruleset_load(name, dirs, n, &rs, &msg)) {
        cli_error(
            "warning: %s; 得分率 written as values, not formulas (give the rule set with --rules)",
            msg.text);
        return NULL;
    }
    return rs;
}

int cmd_export(int argc, char **argv, cli_ctx *ctx)
{
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
                                         {"dept", required_argument, NULL, 'd'},
                                         {"run", required_argument, NULL, 'r'},
                                         {"blank", no_argument, NULL, 'b'},
                                         {"split", required_argument, NULL, 's'},
                                         {"rules", required_argument, NULL, 'R'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "xlsx")) {
        cli_error("export: say what to export: 'jixiao export xlsx --out FILE'");
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    argc--;
    argv++;
    const char *out = NULL, *split = NULL, *rules = NULL;
    const char **depts = calloc((size_t)argc + 1, sizeof *depts);
    if (!depts) {
        cli_error("out of memory");
        return EXIT_ERR;
    }
    size_t ndepts = 0;
    int64_t run_id = 0, threads = 0;
    bool blank = false;
    int c, rc = EXIT_USAGE;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'd':
            depts[ndepts++] = optarg;
            break;
        case 'b':
            blank = true;
            break;
        case 's':
            split = optarg;
            break;
        case 'R':
            rules = optarg;
            break;
        case 'r':
            if (!cli_parse_int64(optarg, &run_id) || run_id <= 0) {
                cli_error("export: --run wants a run number");
                goto done;
            }
            break;
        case 't':
            if (!cli_parse_int64(optarg, &threads) || threads < 1 || threads > 64) {
                cli_error("export: --threads wants a number from 1 to 64");
                goto done;
            }
            break;
        case 'h':
            fputs(usage_text, stdout);
            rc = EXIT_OK;
            goto done;
        default:
            fputs(usage_text, stderr);
            goto done;
        }
    }
    if (optind < argc) {
        cli_error("export: unexpected argument '%s'", argv[optind]);
        goto done;
    }
    if (!out && !split) {
        cli_error("export: --out FILE (or --split DIR) is required");
        fputs(usage_text, stderr);
        goto done;
    }
    rc = EXIT_ERR;
    jx_store *st = cli_open_store(ctx->db_path);
    if (!st) goto done;
    jx_run *run = cli_open_run(st, run_id, "export");
    if (run) {
        jx_ruleset *rs = run_rules(rules, jx_run_about(run)->rules);
        if (!rules || rs)
            rc = cli_export_xlsx(run, rs, out, split, depts, ndepts, blank, (int)threads, stdout);
        jx_ruleset_free(rs);
    }
    jx_run_close(run);
    jx_store_close(st);
done:
    free(depts);
    return rc;
}
