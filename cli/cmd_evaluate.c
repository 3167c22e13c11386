/*
 * cmd_evaluate.c - `jixiao evaluate`: the one-shot main job. Import targets,
 * actuals and budget, score, print (and write the workbooks). In memory (a
 * jx_batch, no SQLite) unless --db names a database to keep the data in.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <unistd.h>

#include "cli.h"
#include "jixiao/import.h"

static const char usage_text[] =
    "usage: jixiao evaluate --targets T.csv --actuals A.csv [--budget B.csv] [--rules NAME|PATH]\n"
    "                       [--format table|csv|json|excel] [--show] [--strict] [--out FILE.xlsx]\n"
    "                       [--split DIR]\n"
    "\n"
    "The main job: load a 绩效目标表 (targets), the 实际完成值 (actuals) and the\n"
    "budget execution, score every department and project, and print the totals.\n"
    "Works in memory unless the global --db names a database to keep the data in.\n"
    "Each option may be given more than once (several files of a kind).\n"
    "\n"
    "  --targets FILE    targets: CSV/TSV or .xlsx workbook (required)\n"
    "  --actuals FILE    actuals: CSV/TSV or .xlsx (required; a filled-in 自评表 works)\n"
    "  --budget FILE     budget execution: CSV/TSV or .xlsx (optional: without it 预算执行率 is "
    "n/a)\n"
    "  --sheet NAME      in .xlsx workbooks read only this sheet (default: every sheet with the "
    "columns)\n"
    "  --rules NAME      rule set (default mof-2020)\n"
    "  --format F        table (default), csv, json (with every indicator) or excel\n"
    "                    (CSV with a BOM, for Excel)\n"
    "  --show            also print every subject's indicator table with explanations\n"
    "  --strict          an indicator whose actual cannot be compared with its target\n"
    "                    (`96件` against `≥95%`) is an error: nothing is scored or stored.\n"
    "                    Without it such an indicator scores 0, is flagged 无法计分 and\n"
    "                    listed on standard error as FILE:LINE, and the run goes on.\n"
    "  --out FILE.xlsx   also write the 自评表 workbook (汇总 + one sheet per subject; "
    "docs/xlsx.md)\n"
    "  --split DIR       also write one workbook per department into DIR (汇总 in --out or "
    "DIR/汇总.xlsx)\n";

#define MAX_FILES 64

typedef struct files {
    const char *path[MAX_FILES];
    int n;
    const char *sheet; /* --sheet: the sheet to read in workbooks */
} files;

static bool add(files *f, const char *p)
{
    if (f->n >= MAX_FILES) return false;
    f->path[f->n++] = p;
    return true;
}

/* Import into the store st or, when st is NULL, the batch b. */
static int import_all(jx_store *st, jx_batch *b, jx_import_kind kind, const files *f)
{
    for (int i = 0; i < f->n; i++) {
        char what[512];
        snprintf(what, sizeof what, "读入 %s", f->path[i]);
        cli_progress p;
        cli_progress_begin(&p, what, "行");
        jx_import_opts o = {
            .on_error = cli_on_error, .on_progress = cli_progress_cb, .ctx = &p, .sheet = f->sheet};
        jx_err e = st ? jx_import_file(st, kind, f->path[i], &o, NULL)
                      : jx_batch_import_file(b, kind, f->path[i], &o, NULL);
        cli_progress_end(&p);
        if (e) {
            cli_error("%s", st ? jx_store_errmsg(st) : jx_batch_errmsg(b));
            return EXIT_ERR;
        }
    }
    return EXIT_OK;
}

/* Score and print (and write the workbook) through the store st or the batch b. */
static int score_print(jx_store *st, jx_batch *b, const jx_ruleset *rs, cli_format fmt, bool show,
                       bool strict, const char *out, const char *split)
{
    cli_progress p;
    cli_progress_begin(&p, "评分", "个");
    jx_run_opts o = {
        .strict = strict, .on_error = cli_on_error, .on_progress = cli_progress_cb, .ctx = &p};
    jx_run_summary sum;
    jx_err e = st ? jx_run_score(st, rs, &o, &sum) : jx_batch_score(b, rs, &o, &sum);
    cli_progress_end(&p);
    if (e) {
        cli_error("evaluate: %s", st ? jx_store_errmsg(st) : jx_batch_errmsg(b));
        return EXIT_ERR;
    }
    /* from here on, one scored result: what is printed and written does not depend on where
     * the data is kept */
    jx_run *run = NULL;
    if (st ? jx_run_open(st, sum.run_id, &run) : jx_batch_run(b, &run)) {
        cli_error("evaluate: %s", st ? jx_store_errmsg(st) : jx_batch_errmsg(b));
        return EXIT_ERR;
    }
    jx_run_filter f = {.indicators = fmt == FMT_JSON};
    int rc = cli_print_run(run, &f, fmt);
    if (!rc && show && fmt == FMT_TABLE) {
        putchar('\n');
        jx_run_filter all = {.indicators = true};
        rc = cli_print_run(run, &all, fmt);
    }
    /* the workbook after the totals; its summary line on stderr keeps stdout the listing */
    if (!rc && (out || split)) {
        fflush(stdout);
        rc = cli_export_xlsx(run, rs, out, split, NULL, 0, false, 0, stderr);
    }
    jx_run_close(run);
    return rc;
}

int cmd_evaluate(int argc, char **argv, cli_ctx *ctx)
{
    static const struct option opts[] = {
        {"targets", required_argument, NULL, 't'}, {"actuals", required_argument, NULL, 'a'},
        {"budget", required_argument, NULL, 'b'},  {"rules", required_argument, NULL, 'r'},
        {"format", required_argument, NULL, 'f'},  {"out", required_argument, NULL, 'o'},
        {"show", no_argument, NULL, 's'},          {"strict", no_argument, NULL, 'X'},
        {"help", no_argument, NULL, 'h'},          {"split", required_argument, NULL, 'S'},
        {"sheet", required_argument, NULL, 'W'},   {NULL, 0, NULL, 0}};
    files t = {0}, a = {0}, b = {0};
    const char *rules = NULL, *out = NULL, *split = NULL;
    cli_format fmt = FMT_TABLE;
    bool show = false, strict = false;
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
        case 'a':
        case 'b':
            if (!add(c == 't' ? &t : c == 'a' ? &a : &b, optarg)) {
                cli_error("evaluate: at most %d files of a kind", MAX_FILES);
                return EXIT_USAGE;
            }
            break;
        case 'r':
            rules = optarg;
            break;
        case 'W':
            t.sheet = a.sheet = b.sheet = optarg;
            break;
        case 'X':
            strict = true;
            break;
        case 's':
            show = true;
            break;
        case 'f':
            if (!cli_format_option("evaluate", optarg, &fmt)) return EXIT_USAGE;
            break;
        case 'o':
            out = optarg;
            break;
        case 'S':
            split = optarg;
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
        cli_error("evaluate: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if (!t.n || !a.n) {
        cli_error("evaluate: --targets and --actuals are required");
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    jx_ruleset *rs = cli_load_rules(rules);
    if (!rs) return EXIT_ERR;
    jx_store *st = NULL;
    jx_batch *bt = NULL;
    if (ctx->db_given)
        st = cli_open_store(ctx->db_path); /* prints why it cannot */
    else if (jx_batch_new(&bt) != JX_OK)
        cli_error("evaluate: out of memory");
    if (!st && !bt) {
        jx_ruleset_free(rs);
        return EXIT_ERR;
    }
    int rc = import_all(st, bt, JX_IMPORT_TARGETS, &t);
    if (!rc) rc = import_all(st, bt, JX_IMPORT_ACTUALS, &a);
    if (!rc) rc = import_all(st, bt, JX_IMPORT_BUDGET, &b);
    if (!rc) rc = score_print(st, bt, rs, fmt, show, strict, out, split);
    jx_store_close(st);
    jx_batch_free(bt);
    jx_ruleset_free(rs);
    return rc;
}
