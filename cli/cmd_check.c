/*
 * cmd_check.c - `jixiao check`: is the database sound? (engine: jx_store_check()).
 */
#define _GNU_SOURCE
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: jixiao [--db PATH] check\n"
    "\n"
    "Check the database without changing it: its schema version and tables, SQLite's\n"
    "integrity check (every page, record and index), the foreign-key check (every row's\n"
    "links), and each stored scoring run's rule set (its text against its SHA-256, and\n"
    "whether the rule set of that name found now is the same). Works on a database that\n"
    "other commands refuse. Run it after a crash, a full disk or a copy from another\n"
    "machine, before archiving or handing the file on, and whenever a command says the\n"
    "database is damaged (docs/reliability.md).\n"
    "\n"
    "Exit status: 0 when the database is sound, 1 when a problem was found or the file\n"
    "could not be checked, 2 on usage errors.\n";

typedef struct check_ctx {
    const char *path;
    bool printed[JX_CHECK__COUNT]; /* a finding of this kind was printed */
} check_ctx;

/* The rule set of a stored run against the one found now by its name (what export would use). */
static void run_rules_note(const jx_check_finding *f)
{
    const char *dirs[16];
    cli_rules_paths paths;
    size_t n = cli_rules_dirs(&paths, dirs, 16);
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    if (!*f->rules || jx_ruleset_load(f->rules, dirs, n, &rs, &msg)) {
        printf("  %s: rule set %s is not found here (export writes its 得分率 as values)\n",
               f->text, *f->rules ? f->rules : "(no name)");
        return;
    }
    bool same = !strcmp(jx_ruleset_sha256(rs), f->rules_sha256);
    printf("  %s: %s\n", f->text,
           same ? "the rule set of that name found now is the same"
                : "the rule set of that name found now differs (export writes its 得分率 as "
                  "values unless given the run's rule set with --rules)");
    jx_ruleset_free(rs);
}

static void on_finding(const jx_check_finding *f, void *ctx)
{
    check_ctx *c = ctx;
    c->printed[f->kind] = true;
    if (!f->problem && f->kind == JX_CHECK_RUNS) {
        run_rules_note(f);
        return;
    }
    printf("  %s: %s%s\n", jx_check_kind_str(f->kind), f->problem ? "PROBLEM: " : "", f->text);
}

int cmd_check(int argc, char **argv, cli_ctx *ctx)
{
    int rc = cli_no_options(argc, argv, "check", usage_text);
    if (rc >= 0) return rc;
    check_ctx cc = {.path = ctx->db_path};
    jx_check_result res;
    jx_errmsg msg;
    printf("%s\n", ctx->db_path);
    if (jx_store_check(ctx->db_path, on_finding, &cc, &res, &msg)) {
        cli_error("check: %s", msg.text);
        return EXIT_ERR;
    }
    for (int k = 0; k < JX_CHECK__COUNT; k++) {
        if (res.problems[k] > JX_CHECK_REPORT_MAX)
            printf("  %s: … %zu problems in all (the first %d listed)\n",
                   jx_check_kind_str((jx_check_kind)k), res.problems[k], JX_CHECK_REPORT_MAX);
        else if (!res.problems[k] && k == JX_CHECK_SCHEMA)
            printf("  schema: ok (version %d)\n", res.version);
        else if (!res.problems[k] && k == JX_CHECK_RUNS)
            printf("  runs: ok (%lld stored run%s)\n", (long long)res.runs,
                   res.runs == 1 ? "" : "s");
        else if (!res.problems[k])
            printf("  %s: ok\n", jx_check_kind_str((jx_check_kind)k));
    }
    if (res.total) {
        cli_error("check: %s: %zu problem%s found: copy the file aside, then restore it from a "
                  "backup (docs/reliability.md)",
                  ctx->db_path, res.total, res.total == 1 ? "" : "s");
        return EXIT_ERR;
    }
    printf("the database is sound\n");
    return EXIT_OK;
}
