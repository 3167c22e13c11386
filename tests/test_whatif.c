/*
 * test_whatif.c - what-if scenarios on fixtures/demo with expected totals
 * worked by hand from fixtures/README.md; the --set grammar; saved scenarios;
 * the store's schema migration 1 → 2 that added them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_util.h"
#include "jixiao/import.h"
#include "jixiao/run.h"
#include "jixiao/whatif.h"
#include "keep/store_int.h"

#define near(a, b) assert_true(fabs((a) - (b)) < 1e-6)

static const char *const dirs[] = {JX_RULES_DIR};

static jx_ruleset *load(const char *name)
{
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    if (jx_ruleset_load(name, dirs, 1, &rs, &msg)) fail_msg("load %s: %s", name, msg.text);
    return rs;
}

static void import_demo(jx_store *st)
{
    static const char *const files[] = {"targets.csv", "actuals.csv", "budget.csv"};
    static const jx_import_kind kinds[] = {JX_IMPORT_TARGETS, JX_IMPORT_ACTUALS, JX_IMPORT_BUDGET};
    for (int i = 0; i < 3; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/demo/%s", JX_FIXTURES_DIR, files[i]);
        if (jx_import_file(st, kinds[i], path, NULL, NULL))
            fail_msg("import %s: %s", path, jx_store_errmsg(st));
    }
}

static jx_store *demo_store(void)
{
    jx_store *st = NULL;
    jx_errmsg msg;
    if (jx_store_open(":memory:", &st, &msg)) fail_msg("open: %s", msg.text);
    import_demo(st);
    return st;
}

static const jx_whatif_row *find(const jx_whatif *w, const char *name, const char *project)
{
    for (size_t i = 0; i < jx_whatif_count(w); i++) {
        const jx_whatif_row *r = jx_whatif_at(w, i);
        if (!strcmp(r->name, name) && !strcmp(r->project, project)) return r;
    }
    fail_msg("no row %s/%s", name, project);
    return NULL;
}

static void test_parse_set(void **state)
{
    (void)state;
    char buf[256];
    jx_whatif_set s;
    jx_errmsg msg;
    assert_int_equal(
        jx_whatif_parse_set("135:全年审查涉法文件多少件=400", buf, sizeof buf, &s, &msg), JX_OK);
    assert_string_equal(s.dept, "135");
    assert_string_equal(s.project, "");
    assert_string_equal(s.level3, "全年审查涉法文件多少件");
    assert_string_equal(s.value, "400");
    assert_int_equal(jx_whatif_parse_set("株洲市石峰区司法局/司法专项:开展普法宣传=16场次", buf,
                                         sizeof buf, &s, &msg),
                     JX_OK);
    assert_string_equal(s.dept, "株洲市石峰区司法局");
    assert_string_equal(s.project, "司法专项");
    assert_string_equal(s.level3, "开展普法宣传");
    assert_string_equal(s.value, "16场次");
    /* the value is everything after the first '=' (a value may hold '='), and may be empty (n/a) */
    assert_int_equal(jx_whatif_parse_set("D:x==12", buf, sizeof buf, &s, &msg), JX_OK);
    assert_string_equal(s.level3, "x");
    assert_string_equal(s.value, "=12");
    assert_int_equal(jx_whatif_parse_set("D:x=", buf, sizeof buf, &s, &msg), JX_OK);
    assert_string_equal(s.value, "");
    assert_int_equal(jx_whatif_parse_set("no colon=1", buf, sizeof buf, &s, &msg), JX_ERR_PARSE);
    assert_non_null(strstr(msg.text, "no ':'"));
    assert_int_equal(jx_whatif_parse_set("D:no equals", buf, sizeof buf, &s, &msg), JX_ERR_PARSE);
    assert_int_equal(jx_whatif_parse_set(":x=1", buf, sizeof buf, &s, &msg), JX_ERR_PARSE);
    assert_int_equal(jx_whatif_parse_set("D/:x=1", buf, sizeof buf, &s, &msg), JX_ERR_PARSE);
    assert_int_equal(jx_whatif_parse_set("D:=1", buf, sizeof buf, &s, &msg), JX_ERR_PARSE);
    assert_int_equal(jx_whatif_parse_set("D:x=1", buf, 3, &s, &msg), JX_ERR_LIMIT);
}

/*
 * 大竹县司法局 (135): 全年审查涉法文件多少件 ≥400件, weight 5, actual 372 → 372/400 × 5 = 4.65.
 * Set to 400 → met → 5: the total rises by 0.35/100 × 100 = 0.35 to 96.897926 + 0.35 = 97.247926.
 * Nothing else changes: ρ = τ = 1, no grade or rank change.
 */
static void test_set_actual(void **state)
{
    (void)state;
    jx_store *st = demo_store();
    jx_ruleset *mof = load("mof-2020");
    jx_whatif_set set = {"135", "", "全年审查涉法文件多少件", "400"};
    jx_scenario sc = {.sets = &set, .nsets = 1};
    jx_whatif *w = NULL;
    assert_int_equal(jx_whatif_run(st, mof, NULL, &sc, NULL, &w), JX_OK);
    assert_int_equal(jx_whatif_count(w), 6);
    const jx_whatif_row *r = find(w, "大竹县司法局", "");
    near(r->baseline, 96.8979257091);
    near(r->scenario, 97.2479257091);
    near(r->delta, 0.35);
    assert_int_equal(r->sets_applied, 1);
    assert_int_equal(r->baseline_rank, 1);
    assert_int_equal(r->scenario_rank, 1);
    for (size_t i = 0; i < jx_whatif_count(w); i++) {
        const jx_whatif_row *x = jx_whatif_at(w, i);
        if (x != r) assert_true(x->delta == 0);
    }
    const jx_whatif_summary *s = jx_whatif_summary_of(w);
    assert_int_equal(s->n, 6);
    assert_int_equal(s->grade_changes, 0);
    assert_int_equal(s->rank_changes, 0);
    near(s->spearman, 1);
    near(s->kendall, 1);
    near(s->mean_abs_delta, 0.35 / 6);
    jx_whatif_free(w);

    /* the stored data is untouched: scoring the store still gives the README total */
    jx_run_summary sum;
    assert_int_equal(jx_run_score(st, mof, NULL, &sum), JX_OK);
    jx_ranking *rk = NULL;
    jx_selection sel = {.year = 2024, .kind = JX_SEL_DEPARTMENTS};
    assert_int_equal(stored_ranking(st, sum.run_id, &sel, &rk), JX_OK);
    near(jx_ranking_at(rk, 0)->total, 96.8979257091);
    jx_ranking_free(rk);

    /* a project by DEPT/PROJECT: 司法专项 开展普法宣传 16 → 10 场次: 10/15 × 50/9 = 3.703704
     * instead of 5.555556: −1.851852 → 89.196914 − 1.851852 = 87.345062 (良) */
    jx_whatif_set set2 = {"株洲市石峰区司法局", "司法专项", "开展普法宣传", "10场次"};
    jx_scenario sc2 = {.sets = &set2, .nsets = 1};
    assert_int_equal(jx_whatif_run(st, mof, NULL, &sc2, NULL, &w), JX_OK);
    r = find(w, "株洲市石峰区司法局", "司法专项");
    near(r->delta, -(50.0 / 9) * (1 - 10.0 / 15));
    near(r->scenario, 87.3450617284);
    near(find(w, "株洲市石峰区司法局", "")->delta, 0);
    jx_whatif_free(w);
    jx_ruleset_free(mof);
    jx_store_close(st);
}

/*
 * daying-2022 against mof-2020 (README): 石峰司法局's 开展普法宣传 22 > 15 × 1.3 → 0 instead of
 * 50/9: 98.555887 − 5.555556 = 93.000331; 大竹's 开展法治宣传法治讲座的次数 18 > 12 × 1.3 → 0
 * instead of 4: 96.897926 − 4 = 92.897926; nothing else overshoots. 2021 departments: 矫正中心 99.9
 * (1), 石峰 98.56 (2), 如皋 94.27 (3) → 矫正中心 1, 如皋 2, 石峰 3. Ranks of the six totals
 * (ascending), subjects 石峰, 专项, 大竹, 如皋, 援助, 矫正: baseline 5 2 4 3 1 6, scenario 4 2 3 5
 * 1 6 → Σd² = 1 + 1 + 4 = 6 → ρ = 1 − 36/210 = 29/35; discordant pairs (如皋, 大竹) and (如皋,
 * 石峰) of 15 → τ = (13 − 2)/15 = 11/15. Those compare totals across groups; as ranked, group by
 * group: 2021 部门整体, ascending, baseline 如皋 1 石峰 2 矫正 3, scenario 石峰 1 如皋 2 矫正 3:
 * Σd² = 2 → ρ = 1 − 12/24 = 1/2; of its 3 pairs (如皋, 石峰) is discordant → τ = (2 − 1)/3 = 1/3;
 * 2 rank changes, mean |Δ| = (50/9)/3. 2024 部门整体: 大竹 falls 4 points and stays above 援助中心:
 * ρ = τ = 1, mean |Δ| 2. 2021 项目: one subject, ρ and τ undefined. Changed: 石峰 (total, rank),
 * 如皋 (rank), 大竹 (total): 3 of 6.
 */
static void test_rules(void **state)
{
    (void)state;
    jx_store *st = demo_store();
    jx_ruleset *mof = load("mof-2020"), *daying = load("daying-2022");
    jx_whatif *w = NULL;
    assert_int_equal(jx_whatif_run(st, mof, daying, NULL, NULL, &w), JX_OK);
    near(find(w, "株洲市石峰区司法局", "")->scenario, 98.5558869740 - 50.0 / 9);
    near(find(w, "大竹县司法局", "")->scenario, 92.8979257091);
    near(find(w, "如皋市司法局", "")->delta, 0);
    near(find(w, "株洲市石峰区司法局", "司法专项")->delta, 0);
    const jx_whatif_row *sf = find(w, "株洲市石峰区司法局", "");
    assert_int_equal(sf->baseline_rank, 2);
    assert_int_equal(sf->scenario_rank, 3);
    assert_int_equal(sf->delta_rank, 1);
    assert_int_equal(find(w, "如皋市司法局", "")->delta_rank, -1);
    /* display: 2021 departments by scenario rank */
    assert_string_equal(jx_whatif_at(w, 0)->name, "株洲市石峰区社区矫正管理中心");
    assert_string_equal(jx_whatif_at(w, 1)->name, "如皋市司法局");
    assert_string_equal(jx_whatif_at(w, 2)->name, "株洲市石峰区司法局");
    const jx_whatif_summary *s = jx_whatif_summary_of(w);
    assert_int_equal(s->grade_changes, 0);
    assert_int_equal(s->rank_changes, 2);
    assert_true(fabs(s->spearman - 29.0 / 35) < 1e-12);
    assert_true(fabs(s->kendall - 11.0 / 15) < 1e-12);
    assert_int_equal(s->changed, 3);
    assert_int_equal(sf->changed, JX_WHATIF_TOTAL | JX_WHATIF_RANK);
    assert_int_equal(find(w, "如皋市司法局", "")->changed, JX_WHATIF_RANK);
    assert_int_equal(find(w, "大竹县司法局", "")->changed, JX_WHATIF_TOTAL);
    assert_int_equal(find(w, "株洲市石峰区社区矫正管理中心", "")->changed, 0);
    assert_int_equal(find(w, "株洲市石峰区司法局", "司法专项")->changed, 0);
    /* group by group, as ranked */
    assert_int_equal(jx_whatif_group_count(w), 3);
    assert_null(jx_whatif_group_at(w, 3));
    const jx_whatif_group *g = jx_whatif_group_at(w, 0);
    assert_int_equal(g->year, 2021);
    assert_false(g->projects);
    assert_int_equal(g->sum.n, 3);
    assert_true(fabs(g->sum.spearman - 0.5) < 1e-12);
    assert_true(fabs(g->sum.kendall - 1.0 / 3) < 1e-12);
    assert_int_equal(g->sum.rank_changes, 2);
    assert_int_equal(g->sum.grade_changes, 0);
    assert_int_equal(g->sum.changed, 2);
    near(g->sum.mean_abs_delta, 50.0 / 9 / 3);
    g = jx_whatif_group_at(w, 1);
    assert_int_equal(g->year, 2024);
    assert_false(g->projects);
    assert_int_equal(g->sum.n, 2);
    assert_true(fabs(g->sum.spearman - 1) < 1e-12 && fabs(g->sum.kendall - 1) < 1e-12);
    assert_int_equal(g->sum.rank_changes, 0);
    assert_int_equal(g->sum.changed, 1);
    near(g->sum.mean_abs_delta, 2);
    g = jx_whatif_group_at(w, 2);
    assert_int_equal(g->year, 2021);
    assert_true(g->projects);
    assert_int_equal(g->sum.n, 1);
    assert_true(isnan(g->sum.spearman) && isnan(g->sum.kendall));
    assert_int_equal(g->sum.changed, 0);
    /* every row's group is one of them, and the rows come group by group */
    for (size_t i = 0; i < jx_whatif_count(w); i++) {
        const jx_whatif_row *x = jx_whatif_at(w, i);
        g = jx_whatif_group_at(w, x->group);
        assert_int_equal(g->year, x->year);
        assert_true(g->projects == (*x->project != 0));
        if (i) assert_true(x->group >= jx_whatif_at(w, i - 1)->group);
    }
    jx_whatif_free(w);
    jx_ruleset_free(mof);
    jx_ruleset_free(daying);
    jx_store_close(st);
}

/*
 * 产出指标 = 60 and 预算执行率 = 20:
 *   大竹 (产出 already 60): (87.041493 + 20 × 0.985643) / (90 + 20) = 106.754358/110 = 97.049416;
 *   援助中心 (产出 50 → 60, points 35.792593 × 1.2 = 42.951111): (42.951111 + 19.8 + 14.4 + 20 ×
 * 0.72)/120 = 91.551111/120 = 76.292593; 矫正中心 (defaults, all met): (60 + 30 + 10 + 20 ×
 * 0.99)/120 = 119.8/120 = 99.833333. The alias 产出 means 产出指标.
 */
static void test_weights(void **state)
{
    (void)state;
    jx_store *st = demo_store();
    jx_ruleset *mof = load("mof-2020");
    const char *names[] = {"产出", "预算执行率"};
    const double wts[] = {60, 20};
    jx_scenario sc = {.weight_level1 = names, .weight = wts, .nweights = 2};
    jx_whatif *w = NULL;
    assert_int_equal(jx_whatif_run(st, mof, NULL, &sc, NULL, &w), JX_OK);
    near(find(w, "大竹县司法局", "")->scenario,
         (87.04149342891278 + 20 * 1987.52 / 2016.47) / 110 * 100);
    near(find(w, "大竹县司法局", "")->scenario, 97.049416);
    near(find(w, "大竹县法律援助中心", "")->scenario, 76.292593);
    near(find(w, "株洲市石峰区社区矫正管理中心", "")->scenario, 119.8 / 120 * 100);
    jx_whatif_free(w);

    /* with a selection: only 2024 departments */
    jx_selection sel = {.kind = JX_SEL_DEPARTMENTS, .year = 2024};
    assert_int_equal(jx_whatif_run(st, mof, NULL, &sc, &sel, &w), JX_OK);
    assert_int_equal(jx_whatif_count(w), 2);
    jx_whatif_free(w);
    jx_ruleset_free(mof);
    jx_store_close(st);
}

static void test_errors(void **state)
{
    (void)state;
    jx_store *st = demo_store();
    jx_ruleset *mof = load("mof-2020");
    jx_whatif *w = NULL;
    jx_whatif_set set = {"不存在的部门", "", "x", "1"};
    jx_scenario sc = {.sets = &set, .nsets = 1};
    assert_int_equal(jx_whatif_run(st, mof, NULL, &sc, NULL, &w), JX_ERR_NOTFOUND);
    assert_null(w);
    assert_non_null(strstr(jx_store_errmsg(st), "不存在的部门"));
    set = (jx_whatif_set){"135", "", "没有这个指标", "1"};
    assert_int_equal(jx_whatif_run(st, mof, NULL, &sc, NULL, &w), JX_ERR_NOTFOUND);
    assert_non_null(strstr(jx_store_errmsg(st), "没有这个指标"));
    /* a word for a number target: the scenario cannot be scored, the message names the indicator */
    set = (jx_whatif_set){"135", "", "全年审查涉法文件多少件", "很多"};
    assert_int_equal(jx_whatif_run(st, mof, NULL, &sc, NULL, &w), JX_ERR_PARSE);
    assert_non_null(strstr(jx_store_errmsg(st), "全年审查涉法文件多少件"));
    /* the project does not exist for that department */
    set = (jx_whatif_set){"大竹县司法局", "司法专项", "开展普法宣传", "1"};
    assert_int_equal(jx_whatif_run(st, mof, NULL, &sc, NULL, &w), JX_ERR_NOTFOUND);
    /* a selection that excludes the set's subject */
    set = (jx_whatif_set){"135", "", "全年审查涉法文件多少件", "400"};
    jx_selection y2021 = {.year = 2021};
    assert_int_equal(jx_whatif_run(st, mof, NULL, &sc, &y2021, &w), JX_ERR_NOTFOUND);
    /* a level 1 no indicator has; a negative weight */
    const char *names[] = {"成本指标"};
    double wt[] = {10};
    jx_scenario sw = {.weight_level1 = names, .weight = wt, .nweights = 1};
    assert_int_equal(jx_whatif_run(st, mof, NULL, &sw, NULL, &w), JX_ERR_NOTFOUND);
    assert_non_null(strstr(jx_store_errmsg(st), "成本指标"));
    names[0] = "产出指标";
    wt[0] = -1;
    assert_int_equal(jx_whatif_run(st, mof, NULL, &sw, NULL, &w), JX_ERR_INVALID);
    /* weights that leave nothing to score: every level 1 of mof-2020 and the budget line at 0.
     * (如皋 keeps its 内部管理（共性指标）, which mof-2020 gives no weight; the others have nothing
     * left.) Refused rather than totalled 0 and graded 差. */
    const char *all[] = {"产出指标", "效益指标", "满意度指标", "预算执行率"};
    const double zero[] = {0, 0, 0, 0};
    jx_scenario sz = {.weight_level1 = all, .weight = zero, .nweights = 4};
    assert_int_equal(jx_whatif_run(st, mof, NULL, &sz, NULL, &w), JX_ERR_INVALID);
    assert_null(w);
    assert_non_null(strstr(jx_store_errmsg(st), "nothing to score"));
    /* the message names a subject left with nothing, never 如皋 (it has 内部管理 left) */
    assert_null(strstr(jx_store_errmsg(st), "如皋"));
    /* zero for some level 1s only: the others are scored */
    sz.nweights = 3; /* 产出, 效益, 满意度 at 0; the budget line keeps its 10 */
    assert_int_equal(jx_whatif_run(st, mof, NULL, &sz, NULL, &w), JX_OK);
    assert_true(jx_whatif_count(w) == 6);
    jx_whatif_free(w);
    w = NULL;
    /* nothing selected */
    jx_selection none = {.year = 1999};
    assert_int_equal(jx_whatif_run(st, mof, NULL, NULL, &none, &w), JX_ERR_NOTFOUND);
    jx_ruleset_free(mof);
    jx_store_close(st);

    /* an empty store */
    assert_int_equal(jx_store_open(":memory:", &st, NULL), JX_OK);
    mof = load("mof-2020");
    assert_int_equal(jx_whatif_run(st, mof, NULL, NULL, NULL, &w), JX_ERR_NOTFOUND);
    jx_ruleset_free(mof);
    jx_store_close(st);
}

typedef struct listed {
    int n;
    char name[64];
    size_t nweights, nsets;
    int year;
    char rules[64];
    char items[256]; /* the contents, as "L1=W;DEPT/PROJECT:L3=V;" */
} listed;

static int on_list(const jx_scenario_info *i, void *ctx)
{
    listed *l = ctx;
    l->n++;
    snprintf(l->name, sizeof l->name, "%s", i->name);
    snprintf(l->rules, sizeof l->rules, "%s", i->rules);
    l->nweights = i->nweights;
    l->nsets = i->nsets;
    l->year = i->sel.year;
    const jx_scenario *sc = i->scenario;
    assert_non_null(sc);
    assert_int_equal(sc->nweights, i->nweights);
    assert_int_equal(sc->nsets, i->nsets);
    assert_string_equal(sc->rules, i->rules);
    assert_int_equal(sc->sel.year, i->sel.year);
    size_t at = 0;
    l->items[0] = '\0';
    for (size_t k = 0; k < sc->nweights; k++)
        at += (size_t)snprintf(l->items + at, sizeof l->items - at, "%s=%g;", sc->weight_level1[k],
                               sc->weight[k]);
    for (size_t k = 0; k < sc->nsets; k++)
        at +=
            (size_t)snprintf(l->items + at, sizeof l->items - at, "%s/%s:%s=%s;", sc->sets[k].dept,
                             sc->sets[k].project, sc->sets[k].level3, sc->sets[k].value);
    return 0;
}

static int count_rows(jx_store *st, const char *sql)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
        fail_msg("%s", sqlite3_errmsg(st->db));
    int n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_finalize(q);
    return n;
}

static void test_saved(void **state)
{
    (void)state;
    jx_store *st = demo_store();
    const char *names[] = {"产出指标"};
    const double wts[] = {60};
    jx_whatif_set set = {"135", "", "全年审查涉法文件多少件", "400"};
    jx_scenario sc = {.base_rules = "",
                      .rules = "daying-2022",
                      .weight_level1 = names,
                      .weight = wts,
                      .nweights = 1,
                      .sets = &set,
                      .nsets = 1,
                      .sel = {.kind = JX_SEL_DEPARTMENTS, .year = 2024}};
    int64_t id1, id2;
    assert_int_equal(jx_scenario_save(st, "s1", &sc, &id1), JX_OK);
    /* the list shows what it contains */
    listed l0 = {0};
    assert_int_equal(jx_scenario_list(st, on_list, &l0), JX_OK);
    assert_int_equal(l0.n, 1);
    assert_string_equal(l0.items, "产出指标=60;135/:全年审查涉法文件多少件=400;");
    jx_saved_scenario *s = NULL;
    assert_int_equal(jx_scenario_load(st, "s1", &s), JX_OK);
    const jx_scenario *g = jx_saved_scenario_get(s);
    assert_string_equal(jx_saved_scenario_name(s), "s1");
    assert_string_equal(g->rules, "daying-2022");
    assert_string_equal(g->base_rules, "");
    assert_int_equal(g->nweights, 1);
    assert_string_equal(g->weight_level1[0], "产出指标");
    assert_true(g->weight[0] == 60);
    assert_int_equal(g->nsets, 1);
    assert_string_equal(g->sets[0].dept, "135");
    assert_string_equal(g->sets[0].project, "");
    assert_string_equal(g->sets[0].level3, "全年审查涉法文件多少件");
    assert_string_equal(g->sets[0].value, "400");
    assert_int_equal(g->sel.kind, JX_SEL_DEPARTMENTS);
    assert_int_equal(g->sel.year, 2024);

    /* re-running the loaded scenario gives what the original gives */
    jx_ruleset *mof = load("mof-2020"), *daying = load("daying-2022");
    jx_whatif *a = NULL, *b = NULL;
    assert_int_equal(jx_whatif_run(st, mof, daying, &sc, NULL, &a), JX_OK);
    assert_int_equal(jx_whatif_run(st, mof, daying, g, NULL, &b), JX_OK);
    for (size_t i = 0; i < jx_whatif_count(a); i++)
        assert_true(jx_whatif_at(a, i)->scenario == jx_whatif_at(b, i)->scenario);
    jx_whatif_free(a);
    jx_whatif_free(b);
    jx_saved_scenario_free(s);

    /* saving the name again replaces it; the old one is kept */
    jx_scenario sc2 = {.rules = ""};
    assert_int_equal(jx_scenario_save(st, "s1", &sc2, &id2), JX_OK);
    assert_true(id2 > id1);
    listed l = {0};
    assert_int_equal(jx_scenario_list(st, on_list, &l), JX_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.name, "s1");
    assert_string_equal(l.rules, "");
    assert_int_equal(l.nweights, 0);
    assert_int_equal(l.nsets, 0);
    assert_int_equal(l.year, 0);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM scenarios"), 2);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM scenarios WHERE replaced_by IS NOT NULL"),
                     1);
    assert_int_equal(jx_scenario_load(st, "s1", &s), JX_OK);
    assert_int_equal(jx_saved_scenario_get(s)->nweights, 0);
    jx_saved_scenario_free(s);

    assert_int_equal(jx_scenario_load(st, "nope", &s), JX_ERR_NOTFOUND);
    assert_null(s);
    assert_int_equal(jx_scenario_save(st, "", &sc, NULL), JX_ERR_INVALID);

    /* deleting: the current s1 (id2) is marked replaced by a deletion row that replaces itself;
     * nothing is removed, the list and load no longer see it */
    int64_t del;
    assert_int_equal(jx_scenario_save(st, "s2", &sc, NULL), JX_OK);
    assert_int_equal(jx_scenario_delete(st, "s1", &del), JX_OK);
    assert_true(del == id2);
    l = (listed){0};
    assert_int_equal(jx_scenario_list(st, on_list, &l), JX_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.name, "s2");
    assert_int_equal(jx_scenario_load(st, "s1", &s), JX_ERR_NOTFOUND);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM scenarios"), 4);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM scenarios WHERE name = 's1' AND "
                                    "replaced_by = id"),
                     1);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM scenarios a JOIN scenarios d ON "
                                    "d.id = a.replaced_by AND d.replaced_by = d.id "
                                    "WHERE a.name = 's1' AND a.id <> d.id"),
                     1);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM scenario_items"), 4); /* s1's 1st, s2 */
    /* deleting it again, or a name never saved: not found, nothing written */
    assert_int_equal(jx_scenario_delete(st, "s1", NULL), JX_ERR_NOTFOUND);
    assert_non_null(strstr(jx_store_errmsg(st), "s1"));
    assert_int_equal(jx_scenario_delete(st, "nope", NULL), JX_ERR_NOTFOUND);
    assert_int_equal(jx_scenario_delete(st, "", NULL), JX_ERR_INVALID);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM scenarios"), 4);
    /* saving the name again starts anew */
    assert_int_equal(jx_scenario_save(st, "s1", &sc, &id1), JX_OK);
    assert_int_equal(jx_scenario_load(st, "s1", &s), JX_OK);
    assert_int_equal(jx_saved_scenario_get(s)->nweights, 1);
    jx_saved_scenario_free(s);
    l = (listed){0};
    assert_int_equal(jx_scenario_list(st, on_list, &l), JX_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(count_rows(st, "PRAGMA foreign_key_check"), -1); /* no row: every link holds */
    jx_ruleset_free(mof);
    jx_ruleset_free(daying);
    jx_store_close(st);
}

/* A version-1 file (before saved scenarios) opens, is migrated to version 2, and keeps its data. */
static void test_migration(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "/tmp/jixiao-test-whatif-%ld.db", (long)getpid());
    jx_store *st = NULL;
    assert_int_equal(jx_store_open(path, &st, NULL), JX_OK);
    import_demo(st);
    assert_int_equal(count_rows(st, "PRAGMA user_version"), JX_SCHEMA_VERSION);
    /* turn it back into what jixiao 1 wrote (versions 4, 3 and 2's additions undone) */
    assert_int_equal(
        sqlite3_exec(st->db,
                     "DROP INDEX budgets_import; "
                     "DROP TABLE subject_notes; ALTER TABLE budgets DROP COLUMN source; "
                     "ALTER TABLE budgets DROP COLUMN claimed; "
                     "ALTER TABLE budgets DROP COLUMN claimed_total; "
                     "ALTER TABLE actuals DROP COLUMN claimed; "
                     "ALTER TABLE run_subjects DROP COLUMN budget_import; "
                     "DROP TABLE scenario_items; DROP TABLE scenarios; "
                     "PRAGMA user_version = 1",
                     NULL, NULL, NULL),
        SQLITE_OK);
    jx_store_close(st);
    assert_int_equal(jx_store_open(path, &st, NULL), JX_OK);
    assert_int_equal(count_rows(st, "PRAGMA user_version"), JX_SCHEMA_VERSION);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM targets"), 78);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM scenarios"), 0);
    /* the budget rows it had are the 年度资金总额 rows, without claims */
    assert_int_equal(count_rows(st, "SELECT count(*) FROM budgets WHERE source = '' AND claimed "
                                    "IS NULL AND claimed_total IS NULL"),
                     count_rows(st, "SELECT count(*) FROM budgets"));
    assert_true(count_rows(st, "SELECT count(*) FROM budgets") > 0);
    jx_scenario sc = {0};
    assert_int_equal(jx_scenario_save(st, "after-migration", &sc, NULL), JX_OK);
    jx_store_close(st);
    /* a newer schema is refused */
    assert_int_equal(jx_store_open(path, &st, NULL), JX_OK);
    assert_int_equal(sqlite3_exec(st->db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    jx_store_close(st);
    jx_errmsg msg;
    assert_int_equal(jx_store_open(path, &st, &msg), JX_ERR_DB);
    assert_non_null(strstr(msg.text, "schema version 99"));
    char side[300];
    remove(path);
    snprintf(side, sizeof side, "%s-wal", path);
    remove(side);
    snprintf(side, sizeof side, "%s-shm", path);
    remove(side);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_set), cmocka_unit_test(test_set_actual),
        cmocka_unit_test(test_rules),     cmocka_unit_test(test_weights),
        cmocka_unit_test(test_errors),    cmocka_unit_test(test_saved),
        cmocka_unit_test(test_migration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
