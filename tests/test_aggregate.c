/*
 * test_aggregate.c - a subject's total: weights given / defaulted / mixed,
 * n/a exclusion and rescaling, budget execution, grades, subtotals, subject
 * flags and imposed level-1 weights. Expected numbers are worked by hand.
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

#include "jixiao/aggregate.h"

static const char *const dirs[] = {JX_RULES_DIR};

static jx_ruleset *load(const char *name)
{
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    if (jx_ruleset_load(name, dirs, 1, &rs, &msg)) fail_msg("load %s: %s", name, msg.text);
    return rs;
}

static jx_indicator I(const char *l1, const char *l2, const char *l3, const char *target,
                      const char *actual, const char *weight, bool reason)
{
    jx_indicator i = {.level1 = l1, .level2 = l2, .level3 = l3, .has_reason = reason, .year = 2024};
    jx_errmsg msg;
    if (jx_value_parse(target, strlen(target), &i.target, &msg)) fail_msg("%s", msg.text);
    if (actual) {
        if (jx_value_parse(actual, strlen(actual), &i.actual, &msg)) fail_msg("%s", msg.text);
        i.has_actual = true;
    }
    if (weight) {
        i.has_weight = true;
        i.weight = strtod(weight, NULL);
    }
    return i;
}

#define near(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static const jx_subtotal *find_sub(const jx_result *r, const char *l1, const char *l2)
{
    for (size_t i = 0; i < r->nsub; i++)
        if (!strcmp(r->sub[i].level1, l1) &&
            ((!l2 && !r->sub[i].level2) ||
             (l2 && r->sub[i].level2 && !strcmp(r->sub[i].level2, l2))))
            return &r->sub[i];
    fail_msg("no subtotal %s/%s", l1, l2 ? l2 : "-");
    return NULL;
}

/*
 * No weights given: mof-2020 level-1 defaults 产出 50, 效益 30, 满意度 10.
 *   A 产出/数量 ≥300件, 270件 → 270/300 = 0.9; weight 50/2 = 25 → 22.5
 *   B 产出/质量 100%, 100%     → 1;          weight 25      → 25
 *   C 效果指标(=效益)/社会 优良差, 良 → 0.8; weight 30/1 = 30 (D is n/a) → 24
 *   D 效益/经济 无直接经济效益   → n/a, left out
 *   E 满意度/服务对象 90%以上, 92% → 1;      weight 10      → 10
 *   budget 100 万元, spent 90 → rate 0.9 → 10 × 0.9 = 9
 * Σw = 25+25+30+10+10 = 100, Σp = 22.5+25+24+10+9 = 90.5 → total 90.5, 优.
 * C has no 偏差原因 and r < 1 → missing_reason. Indicator rate 81.5/90 = 0.9056;
 * (0.9056 − 0.9)/0.9056 = 0.6% < 5% → no budget_mismatch. Σw = 100 → not rescaled.
 */
static void test_defaults(void **state)
{
    (void)state;
    jx_ruleset *rs = load("mof-2020");
    jx_indicator in[] = {
        I("产出指标", "数量指标", "A", "≥300件", "270件", NULL, true),
        I("产出指标", "质量指标", "B", "100%", "100%", NULL, false),
        I("效果指标", "社会效益指标", "C", "优良差", "良", NULL, false),
        I("效益指标", "经济效益指标", "D", "无直接经济效益", "无", NULL, false),
        I("满意度指标", "服务对象满意度指标", "E", "90%以上", "92%", NULL, false),
    };
    jx_score sc[5];
    jx_result r;
    jx_budget b = {.present = true, .initial = 100, .budget = 100, .spent = 90};
    jx_errmsg msg;
    if (jx_aggregate(rs, in, 5, &b, sc, &r, &msg)) fail_msg("%s", msg.text);
    near(sc[0].weight, 25);
    near(sc[0].points, 22.5);
    near(sc[2].weight, 30);
    near(sc[2].points, 24);
    assert_false(sc[3].scored);
    near(sc[4].weight, 10);
    assert_int_equal(r.nscored, 4);
    assert_int_equal(r.nna, 1);
    assert_true(r.budget_scored);
    near(r.budget_rate, 0.9);
    near(r.budget_points, 9);
    near(r.weight_sum, 100);
    near(r.points_sum, 90.5);
    near(r.total, 90.5);
    assert_string_equal(r.grade, "优");
    assert_int_equal(r.flags, JX_FLAG_MISSING_REASON);
    /* subtotals: 3 level-1 + 4 level-2: 产出 50/47.5 (数量 25/22.5, 质量 25/25),
     * 效益 30/24 under its canonical name (社会效益 30/24; D is n/a), 满意度 10/10 (服务对象 10/10)
     */
    assert_int_equal(r.nsub, 7);
    near(find_sub(&r, "产出指标", NULL)->points, 47.5);
    near(find_sub(&r, "产出指标", "数量指标")->points, 22.5);
    near(find_sub(&r, "效益指标", NULL)->weight, 30);
    near(find_sub(&r, "效益指标", "社会效益指标")->points, 24);
    near(find_sub(&r, "满意度指标", NULL)->points, 10);
    jx_ruleset_free(rs);
}

/*
 * Weights given on every indicator, summing to 90 (as dazhu 2024: the other 10 is budget):
 *   ≥300 案件数 w5: 330 → 1 → 5;  =324 个 w5: 320 → 1 − 4/324 = 0.987654 → 4.938272
 *   定性 优良差 w80: 中 → 0.6 → 48
 * Σw = 90 + 10 (budget 200, spent 150 → 0.75 → 7.5) = 100; Σp = 5 + 4.938272 + 48 + 7.5 = 65.438272
 * total 65.438272 → 中. Indicator rate 57.938272/90 = 0.643759 < 0.75 → no budget_mismatch.
 */
static void test_given(void **state)
{
    (void)state;
    jx_ruleset *rs = load("mof-2020");
    jx_indicator in[] = {
        I("产出指标", "数量指标", "法律援助全年办结的案件数量", "≥300", "330", "5", false),
        I("产出指标", "数量指标", "法律顾问覆盖多少村社", "=324个", "320个", "5", true),
        I("效益指标", "社会效益指标", "行政执法活动更加规范公正文明", "优良差", "中", "80", true),
    };
    jx_score sc[3];
    jx_result r;
    jx_budget b = {.present = true, .initial = 180, .budget = 200, .spent = 150};
    assert_int_equal(jx_aggregate(rs, in, 3, &b, sc, &r, NULL), JX_OK);
    near(sc[1].points, 5 * (1 - 4.0 / 324));
    near(r.weight_sum, 100);
    near(r.total, 5 + 5 * (1 - 4.0 / 324) + 48 + 7.5);
    assert_string_equal(r.grade, "中");
    assert_int_equal(r.flags, 0);
    jx_ruleset_free(rs);
}

/*
 * An indicator whose actual cannot be compared with its target (96件 against ≥95%, a unit error)
 * scores 0 of its weight, flagged unscorable, and the subject is totalled all the same:
 *   A ≥95%, 96件 → unscorable: 0 of 40;  B ≥100, 120 → met: 60
 *   total = 100 × 60 / 100 = 60 (中), flags unscorable (the subject's and A's).
 */
static void test_unscorable(void **state)
{
    (void)state;
    jx_ruleset *rs = load("mof-2020");
    jx_indicator in[] = {
        I("产出指标", "质量指标", "验收合格率", "≥95%", "96件", "40", false),
        I("效益指标", "社会效益指标", "受益人数", "≥100", "120", "60", false),
    };
    jx_score sc[2];
    jx_result r;
    assert_int_equal(jx_aggregate(rs, in, 2, NULL, sc, &r, NULL), JX_OK);
    assert_int_equal(sc[0].method, JX_M_UNSCORABLE);
    assert_int_equal(sc[0].detail, JX_ERR_UNIT);
    assert_true(sc[0].scored);
    near(sc[0].weight, 40);
    near(sc[0].points, 0);
    assert_int_equal(sc[0].flags, JX_FLAG_UNSCORABLE);
    near(sc[1].points, 60);
    near(r.total, 60);
    assert_string_equal(r.grade, "中");
    assert_true(r.flags & JX_FLAG_UNSCORABLE);
    char buf[256];
    jx_score_explain(&sc[0], &in[0], buf, sizeof buf);
    assert_string_equal(buf, "实际完成值的单位“件”与指标值的单位“%”不可比，无法计分：0 × 40 = 0");
    /* the indicator alone is still an error: the strict caller's check */
    jx_score one;
    assert_int_equal(jx_score_indicator(rs, &in[0], &one, NULL), JX_ERR_UNIT);
    jx_ruleset_free(rs);
}

/* Weights on some only: an error that counts them. Unknown level 1 without weights: named. */
static void test_weight_errors(void **state)
{
    (void)state;
    jx_ruleset *rs = load("mof-2020");
    jx_indicator mixed[] = {
        I("产出指标", "数量指标", "a", "≥1", "1", "5", false),
        I("产出指标", "数量指标", "b", "≥1", "1", NULL, false),
        I("产出指标", "数量指标", "c", "无", "1", NULL, false), /* n/a: not counted */
    };
    jx_score sc[3];
    jx_result r;
    jx_errmsg msg;
    assert_int_equal(jx_aggregate(rs, mixed, 3, NULL, sc, &r, &msg), JX_ERR_WEIGHTS);
    assert_non_null(strstr(msg.text, "weights are given on 1 of 2 scored indicators"));
    near(r.total, 0);

    jx_indicator unknown[] = {
        I("内部管理（共性指标）", "财务管理", "预算执行率", "> 90%", "95%", NULL, false)};
    assert_int_equal(jx_aggregate(rs, unknown, 1, NULL, sc, &r, &msg), JX_ERR_WEIGHTS);
    assert_non_null(strstr(msg.text, "一级指标 \"内部管理（共性指标）\" has no default weight"));

    jx_indicator negative[] = {I("产出指标", "数量指标", "a", "≥1", "1", "-5", false)};
    assert_int_equal(jx_aggregate(rs, negative, 1, NULL, sc, &r, &msg), JX_ERR_WEIGHTS);
    /* (an indicator that cannot be scored is no longer an error of the subject: test_unscorable) */
    jx_ruleset_free(rs);
}

/*
 * Rescaling and n/a: weights 20 + 30 = 50, no budget row.
 *   ≥10 w20: 8 → 0.8 → 16 (reason given);  健全 w30: 健全 → 1 → 30
 * total = 100 × 46/50 = 92 → 优, flagged rescaled. With every indicator n/a and
 * no budget: total 0, no division by zero.
 */
static void test_rescaled_and_empty(void **state)
{
    (void)state;
    jx_ruleset *rs = load("mof-2020");
    jx_indicator in[] = {
        I("产出指标", "数量指标", "a", "≥10", "8", "20", true),
        I("效益指标", "可持续影响指标", "b", "健全", "健全", "30", false),
    };
    jx_score sc[2];
    jx_result r;
    assert_int_equal(jx_aggregate(rs, in, 2, NULL, sc, &r, NULL), JX_OK);
    near(r.total, 92);
    assert_string_equal(r.grade, "优");
    assert_int_equal(r.flags, JX_FLAG_RESCALED);
    assert_false(r.budget_scored);

    jx_indicator na[] = {
        I("效益指标", "经济效益指标", "a", "无直接经济效益", NULL, NULL, false),
        I("效益指标", "生态效益指标", "b", "不适用", NULL, NULL, false),
    };
    assert_int_equal(jx_aggregate(rs, na, 2, NULL, sc, &r, NULL), JX_OK);
    near(r.total, 0);
    assert_int_equal(r.nscored, 0);
    assert_int_equal(r.nna, 2);
    assert_string_equal(r.grade, "差");
    /* only a budget: 10 × 0.5 of 10 → 50 */
    jx_budget b = {.present = true, .budget = 10, .spent = 5};
    assert_int_equal(jx_aggregate(rs, na, 2, &b, sc, &r, NULL), JX_OK);
    near(r.total, 50);
    /* a budget of 0 cannot give a rate: budget execution is n/a */
    jx_budget zero = {.present = true, .budget = 0, .spent = 5};
    assert_int_equal(jx_aggregate(rs, na, 2, &zero, sc, &r, NULL), JX_OK);
    assert_false(r.budget_scored);
    assert_int_equal(jx_aggregate(rs, NULL, 0, NULL, NULL, &r, NULL), JX_OK);
    jx_ruleset_free(rs);
}

/*
 * all_full_marks and budget_mismatch: every indicator met (rate 1), 执行率 0.5:
 * (1 − 0.5)/1 = 50% > 5% → budget_mismatch; points 90 + 10 × 0.5 = 95 of 100.
 * Overspending (rate 1.2) is capped at the full 10 points.
 */
static void test_subject_flags(void **state)
{
    (void)state;
    jx_ruleset *rs = load("mof-2020");
    jx_indicator in[] = {
        I("产出指标", "数量指标", "a", "≥10", "10", "50", false),
        I("效益指标", "社会效益指标", "b", "优良差", "优", "40", false),
    };
    jx_score sc[2];
    jx_result r;
    jx_budget half = {.present = true, .budget = 100, .spent = 50};
    assert_int_equal(jx_aggregate(rs, in, 2, &half, sc, &r, NULL), JX_OK);
    near(r.total, 95);
    assert_int_equal(r.flags, JX_FLAG_ALL_FULL_MARKS | JX_FLAG_BUDGET_MISMATCH);
    jx_budget over = {.present = true, .budget = 100, .spent = 120};
    assert_int_equal(jx_aggregate(rs, in, 2, &over, sc, &r, NULL), JX_OK);
    near(r.budget_rate, 1.2);
    near(r.budget_points, 10);
    near(r.total, 100);
    assert_int_equal(r.flags, JX_FLAG_ALL_FULL_MARKS);
    jx_ruleset_free(rs);
}

/*
 * Imposed level-1 weight (what-if 产出指标=60) on test_defaults' subject:
 * A and B (25 each, defaulted) scale to 30 each: A 0.9 × 30 = 27, B 30.
 * Σw = 60 + 30 + 10 + 10 = 110, Σp = 27 + 30 + 24 + 10 + 9 = 100 → 100 × 100/110 = 90.909091,
 * rescaled.
 */
static void test_imposed(void **state)
{
    (void)state;
    jx_ruleset *base = load("mof-2020"), *rs = NULL;
    const char *names[] = {"产出指标"};
    double w[] = {60};
    assert_int_equal(jx_ruleset_with_level1(base, names, w, 1, &rs, NULL), JX_OK);
    jx_indicator in[] = {
        I("产出指标", "数量指标", "A", "≥300件", "270件", NULL, true),
        I("产出指标", "质量指标", "B", "100%", "100%", NULL, false),
        I("效果指标", "社会效益指标", "C", "优良差", "良", NULL, false),
        I("效益指标", "经济效益指标", "D", "无直接经济效益", "无", NULL, false),
        I("满意度指标", "服务对象满意度指标", "E", "90%以上", "92%", NULL, false),
    };
    jx_score sc[5];
    jx_result r;
    jx_budget b = {.present = true, .initial = 100, .budget = 100, .spent = 90};
    assert_int_equal(jx_aggregate(rs, in, 5, &b, sc, &r, NULL), JX_OK);
    near(sc[0].weight, 30);
    near(sc[0].points, 27);
    near(r.weight_sum, 110);
    near(r.total, 100.0 * 100 / 110);
    assert_true(r.flags & JX_FLAG_RESCALED);
    /* given weights are rescaled the same way: 5 + 15 under 产出 → 15 + 45 */
    jx_indicator given[] = {
        I("产出指标", "数量指标", "a", "≥1", "1", "5", false),
        I("产出指标", "数量指标", "b", "≥1", "1", "15", false),
        I("效益指标", "社会效益指标", "c", "≥1", "1", "40", false),
    };
    assert_int_equal(jx_aggregate(rs, given, 3, NULL, sc, &r, NULL), JX_OK);
    near(sc[0].weight, 15);
    near(sc[1].weight, 45);
    near(sc[2].weight, 40);
    jx_ruleset_free(rs);
    jx_ruleset_free(base);
}

/*
 * Rounding conventions ([rounding]): each indicator's points and the budget's are rounded as
 * the department writes them in its 得分 column, and the total is the sum of those.
 *   A 产出/数量 ≥300件, 281件, w 50: 281/300 × 50 = 46.8333  → half-up 1 dp 46.8,  whole 47, cut 1
 * dp 46.8 B 产出/质量 ≥95%, 93%,   w 30: 93/95 × 30   = 29.3684  → 29.4, 29,       29.3 C 满意度
 * ≥90%, 85%,   w 10: 85/90 × 10   = 9.4444   → 9.4,                9,        9.4 budget 100 万元,
 * spent 98.76 → rate 0.9876 × 10 = 9.876 → 9.9,                10,       9.8 totals (Σ w =
 * 100): 95.5, 95, 95.3; as computed 95.52261…
 */
static void test_rounding(void **state)
{
    (void)state;
    jx_indicator inds[] = {
        I("产出指标", "数量指标", "A", "≥300件", "281件", "50", true),
        I("产出指标", "质量指标", "B", "≥95%", "93%", "30", true),
        I("满意度指标", "满意度", "C", "≥90%", "85%", "10", true),
    };
    jx_budget b = {.present = true, .initial = 100, .budget = 100, .spent = 98.76};
    static const struct {
        const char *rounding;
        double a, bpts, c, budget, total;
    } cases[] = {
        {"decimals = none\n", 281.0 / 300 * 50, 93.0 / 95 * 30, 85.0 / 90 * 10, 9.876,
         281.0 / 300 * 50 + 93.0 / 95 * 30 + 85.0 / 90 * 10 + 9.876},
        {"decimals = 1\n", 46.8, 29.4, 9.4, 9.9, 95.5},
        {"decimals = 0\nmode = half_up\n", 47, 29, 9, 10, 95},
        {"decimals = 1\nmode = down\n", 46.8, 29.3, 9.4, 9.8, 95.3},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char ini[256];
        snprintf(ini, sizeof ini, "[ruleset]\nextends = mof-2020\nname = r\n[rounding]\n%s",
                 cases[k].rounding);
        jx_ruleset *rs = NULL;
        jx_errmsg msg;
        if (jx_ruleset_parse(ini, strlen(ini), "r.ini", dirs, 1, &rs, &msg))
            fail_msg("%s", msg.text);
        jx_score sc[3];
        jx_result r;
        assert_int_equal(jx_aggregate(rs, inds, 3, &b, sc, &r, NULL), JX_OK);
        near(sc[0].points, cases[k].a);
        near(sc[1].points, cases[k].bpts);
        near(sc[2].points, cases[k].c);
        near(r.budget_points, cases[k].budget);
        near(r.total, cases[k].total);
        near(r.ind_points, cases[k].a + cases[k].bpts + cases[k].c);
        /* the ratio stays as computed: only the points credited are rounded */
        near(sc[0].ratio, 281.0 / 300);
        jx_ruleset_free(rs);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),      cmocka_unit_test(test_given),
        cmocka_unit_test(test_weight_errors), cmocka_unit_test(test_rescaled_and_empty),
        cmocka_unit_test(test_subject_flags), cmocka_unit_test(test_imposed),
        cmocka_unit_test(test_rounding),      cmocka_unit_test(test_unscorable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
