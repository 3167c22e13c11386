/*
 * cmd_rules.c - `jixiao rules list|show|check`: the rule sets.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: jixiao rules list\n"
    "       jixiao rules show NAME|PATH\n"
    "       jixiao rules check FILE...\n"
    "\n"
    "Rule sets are scoring policy as data (rules/*.ini; keys in docs/rules.md).\n"
    "  list    every rule set found, in search order: $JIXIAO_RULES (colon-separated),\n"
    "          ../share/jixiao/rules and ../rules beside the program, then the install directory\n"
    "  show    a rule set's name, title, file, SHA-256, level-1 weights and full text\n"
    "  check   load each FILE and report the first error with its line; exit 1 on any error\n";

static int list(void)
{
    const char *dirs[16];
    cli_rules_paths paths;
    size_t n = cli_rules_dirs(&paths, dirs, 16);
    static const char *const hdr[] = {"name", "title", "file", "sha256"};
    cli_table *t = table_new(4, hdr, NULL);
    char seen[64][96];
    size_t nseen = 0;
    for (size_t d = 0; d < n; d++) {
        DIR *dir = opendir(dirs[d]);
        if (!dir) continue;
        /* readdir order is arbitrary: collect and sort the names */
        char names[64][256];
        size_t k = 0;
        struct dirent *de;
        while ((de = readdir(dir)) && k < 64) {
            size_t len = strlen(de->d_name);
            if (len > 4 && len < 256 && !strcmp(de->d_name + len - 4, ".ini"))
                snprintf(names[k++], 256, "%s", de->d_name);
        }
        closedir(dir);
        qsort(names, k, sizeof names[0], (int (*)(const void *, const void *))strcmp);
        for (size_t i = 0; i < k; i++) {
            char path[8192];
            snprintf(path, sizeof path, "%.4000s/%.255s", dirs[d], names[i]);
            jx_ruleset *rs = NULL;
            jx_errmsg msg;
            if (jx_ruleset_load(path, dirs, n, &rs, &msg)) {
                cli_error("%s", msg.text);
                continue;
            }
            bool dup = false;
            for (size_t s = 0; s < nseen; s++)
                dup |= !strcmp(seen[s], jx_ruleset_name(rs));
            if (!dup && nseen < 64) {
                snprintf(seen[nseen++], 96, "%s", jx_ruleset_name(rs));
                char sha[16];
                snprintf(sha, sizeof sha, "%.12s", jx_ruleset_sha256(rs));
                const char *cells[] = {jx_ruleset_name(rs), jx_ruleset_title(rs), path, sha};
                table_add(t, cells);
            }
            jx_ruleset_free(rs);
        }
    }
    table_print(t, stdout, FMT_TABLE);
    table_free(t);
    return EXIT_OK;
}

static int show(const char *name)
{
    jx_ruleset *rs = cli_load_rules(name);
    if (!rs) return EXIT_ERR;
    printf("name:    %s\ntitle:   %s\nfile:    %s\nsha256:  %s\nweights:", jx_ruleset_name(rs),
           jx_ruleset_title(rs), jx_ruleset_origin(rs), jx_ruleset_sha256(rs));
    for (size_t i = 0; i < jx_ruleset_level1_count(rs); i++) {
        const char *l1;
        double w;
        jx_ruleset_level1(rs, i, &l1, &w);
        printf(" %s %g,", l1, w);
    }
    printf(" 预算执行率 %g\n\n%s", jx_ruleset_budget_weight(rs), jx_ruleset_source(rs));
    jx_ruleset_free(rs);
    return EXIT_OK;
}

static int check(int n, char **files)
{
    const char *dirs[16];
    cli_rules_paths paths;
    size_t nd = cli_rules_dirs(&paths, dirs, 16);
    int rc = EXIT_OK;
    for (int i = 0; i < n; i++) {
        jx_ruleset *rs = NULL;
        jx_errmsg msg;
        /* a FILE is always a path here, even without a slash */
        char path[8192];
        snprintf(path, sizeof path, "%s%.8000s", strchr(files[i], '/') ? "" : "./", files[i]);
        if (jx_ruleset_load(path, dirs, nd, &rs, &msg)) {
            cli_error("%s", msg.text);
            rc = EXIT_ERR;
            continue;
        }
        printf("%s: ok: %s, sha256 %s\n", files[i], jx_ruleset_name(rs), jx_ruleset_sha256(rs));
        jx_ruleset_free(rs);
    }
    return rc;
}

int cmd_rules(int argc, char **argv, cli_ctx *ctx)
{
    (void)ctx;
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage_text, stdout);
            return EXIT_OK;
        }
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *sub = optind < argc ? argv[optind] : NULL;
    int rest = argc - optind - 1;
    if (sub && !strcmp(sub, "list") && rest == 0) return list();
    if (sub && !strcmp(sub, "show") && rest == 1) return show(argv[optind + 1]);
    if (sub && !strcmp(sub, "check") && rest >= 1) return check(rest, argv + optind + 1);
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}
