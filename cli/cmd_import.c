/*
 * cmd_import.c - `jixiao import targets|actuals|budget FILE...`.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <unistd.h>

#include "cli.h"
#include "jixiao/import.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] import [--sheet NAME] targets|actuals|budget FILE...\n"
    "\n"
    "Load CSV or TSV files (UTF-8 with or without BOM, GB18030, UTF-16) or .xlsx\n"
    "workbooks (told apart by content, not by name) into the\n"
    "database. Each file is one transaction: a file with any bad row is rejected\n"
    "whole, every error is listed as FILE:LINE: column NAME: \"text\" problem, and\n"
    "the database is left unchanged. Columns may come in any order, named in\n"
    "Chinese or English (docs/formats.md).\n"
    "\n"
    "  targets   部门编码 部门名称 项目名称 年度 一级指标 二级指标 三级指标 指标性质 指标值 "
    "度量单位 权重 备注\n"
    "            re-importing a subject's targets replaces them (the old rows are kept)\n"
    "  actuals   部门名称 项目名称 年度 [一级指标 二级指标] 三级指标 实际完成值 "
    "偏差原因分析及改进措施\n"
    "  budget    部门名称 项目名称 年度 年初预算数 全年预算数 全年执行数 (万元)\n"
    "\n"
    "\n"
    "  --sheet NAME  workbooks: read only this sheet (default: every visible sheet whose\n"
    "                header row, found anywhere on it, has the needed columns)\n"
    "\n"
    "Exit status: 0 when every file was imported, 1 when any was rejected, 2 on usage errors.\n";

int cmd_import(int argc, char **argv, cli_ctx *ctx)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                         {"sheet", required_argument, NULL, 'W'},
                                         {NULL, 0, NULL, 0}};
    const char *sheet = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage_text, stdout);
            return EXIT_OK;
        }
        if (c == 'W') {
            sheet = optarg;
            continue;
        }
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    jx_import_kind kind;
    if (optind >= argc || jx_import_kind_parse(argv[optind], &kind)) {
        cli_error("import: say what the files hold: targets, actuals or budget");
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (optind + 1 >= argc) {
        cli_error("import: no FILE given");
        return EXIT_USAGE;
    }
    jx_store *st = cli_open_store(ctx->db_path);
    if (!st) return EXIT_ERR;
    int rc = EXIT_OK;
    for (int i = optind + 1; i < argc; i++) {
        char what[512];
        snprintf(what, sizeof what, "导入 %s", argv[i]);
        cli_progress p;
        cli_progress_begin(&p, what, "行");
        jx_import_opts o = {
            .on_error = cli_on_error, .on_progress = cli_progress_cb, .ctx = &p, .sheet = sheet};
        jx_import_result r;
        jx_err e = jx_import_file(st, kind, argv[i], &o, &r);
        cli_progress_end(&p);
        if (e) {
            cli_error("%s", jx_store_errmsg(st));
            rc = EXIT_ERR;
            continue;
        }
        printf(
            "%s: %lld %s rows imported (%s), %lld earlier rows replaced and kept; import #%lld\n",
            argv[i], (long long)r.rows, jx_import_kind_str(kind), r.encoding, (long long)r.replaced,
            (long long)r.import_id);
    }
    jx_store_close(st);
    return rc;
}
