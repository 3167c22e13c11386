/*
 * fixture_store.h - for cmocka tests: fixtures/demo imported into an in-memory
 * store, and optionally scored. Include after <cmocka.h>; needs JX_FIXTURES_DIR
 * and JX_RULES_DIR (set by CMake for every test).
 */
#ifndef JX_TEST_FIXTURE_STORE_H
#define JX_TEST_FIXTURE_STORE_H

#include <stdio.h>

#include "jixiao/import.h"
#include "jixiao/run.h"

/* The demo fixture in a new in-memory store; scored under `rules` unless it is NULL.
 * Fails the test on any error. The caller closes the store. */
static jx_store *fixture_store(const char *rules)
{
    jx_store *st = NULL;
    jx_errmsg msg;
    if (jx_store_open(":memory:", &st, &msg)) fail_msg("open: %s", msg.text);
    static const char *const files[] = {"targets.csv", "actuals.csv", "budget.csv"};
    static const jx_import_kind kinds[] = {JX_IMPORT_TARGETS, JX_IMPORT_ACTUALS, JX_IMPORT_BUDGET};
    for (int i = 0; i < 3; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/demo/%s", JX_FIXTURES_DIR, files[i]);
        if (jx_import_file(st, kinds[i], path, NULL, NULL))
            fail_msg("import %s: %s", path, jx_store_errmsg(st));
    }
    if (!rules) return st;
    static const char *const rule_dirs[] = {JX_RULES_DIR};
    jx_ruleset *rs = NULL;
    if (jx_ruleset_load(rules, rule_dirs, 1, &rs, &msg)) fail_msg("rules: %s", msg.text);
    if (jx_run_score(st, rs, NULL, NULL)) fail_msg("score: %s", jx_store_errmsg(st));
    jx_ruleset_free(rs);
    return st;
}

#endif
