/*
 * test_ruleset.c - loading rule sets: the shipped files, extends, the SHA-256
 * identity, lookups, and errors that name the file and line.
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

#include "model/ruleset_int.h"

static const char *const dirs[] = {JX_RULES_DIR};

static jx_ruleset *load(const char *name)
{
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    if (jx_ruleset_load(name, dirs, 1, &rs, &msg)) fail_msg("load %s: %s", name, msg.text);
    return rs;
}

static void test_mof2020(void **state)
{
    (void)state;
    jx_ruleset *rs = load("mof-2020");
    assert_string_equal(jx_ruleset_name(rs), "mof-2020");
    assert_string_equal(jx_ruleset_origin(rs), JX_RULES_DIR "/mof-2020.ini");
    assert_int_equal(strlen(jx_ruleset_sha256(rs)), 64);
    /* level-1 defaults 产出 50, 效益 30, 满意度 10, budget 10 */
    assert_int_equal(jx_ruleset_level1_count(rs), 3);
    const char *name;
    double w;
    assert_int_equal(jx_ruleset_level1(rs, 0, &name, &w), JX_OK);
    assert_string_equal(name, "产出指标");
    assert_true(w == 50);
    assert_int_equal(jx_ruleset_level1(rs, 2, &name, &w), JX_OK);
    assert_string_equal(name, "满意度指标");
    assert_true(w == 10);
    assert_int_equal(jx_ruleset_level1(rs, 3, &name, &w), JX_ERR_INVALID);
    assert_true(jx_ruleset_budget_weight(rs) == 10);
    /* aliases */
    assert_string_equal(jx_ruleset_canonical_level1(rs, "效果指标"), "效益指标");
    assert_string_equal(jx_ruleset_canonical_level1(rs, "产出"), "产出指标");
    assert_string_equal(jx_ruleset_canonical_level1(rs, "其他"), "其他");
    /* total grades: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差 */
    assert_string_equal(jx_ruleset_grade(rs, 100), "优");
    assert_string_equal(jx_ruleset_grade(rs, 90), "优");
    assert_string_equal(jx_ruleset_grade(rs, 89.99), "良");
    assert_string_equal(jx_ruleset_grade(rs, 80), "良");
    assert_string_equal(jx_ruleset_grade(rs, 60), "中");
    assert_string_equal(jx_ruleset_grade(rs, 59.9), "差");
    assert_string_equal(jx_ruleset_grade(rs, 0), "差");
    /* scales and grade values, 良好 an alias of 良 */
    const char *words[8];
    assert_int_equal(jx_ruleset_scale_words(rs, "优良差", words, 8), 3);
    assert_string_equal(words[0], "优");
    assert_string_equal(words[2], "差");
    assert_int_equal(jx_ruleset_scale_words(rs, "好较好一般差", words, 2), 4);
    assert_int_equal(jx_ruleset_scale_words(rs, "没有", words, 8), 0);
    double v;
    assert_true(rs_grade_value(rs, "良好", &v) && v == 0.8);
    assert_true(rs_grade_value(rs, "是", &v) && v == 1);
    assert_false(rs_grade_value(rs, "极好", &v));
    /* units, operators, overshoot, bands */
    assert_string_equal(rs_canonical_unit(rs, "个月"), "月");
    assert_int_equal(rs->implicit_op, JX_OP_GE);
    assert_int_equal(rs->implicit_zero_op, JX_OP_LE);
    assert_int_equal(rs->le, RS_LE_RATIO);
    assert_true(rs->over_threshold == 0.30);
    assert_int_equal(rs->over_action, RS_OVER_KEEP);
    assert_true(rs->band[RS_BAND_PARTIAL].value == 0.7);
    assert_true(rs->band[RS_BAND_PARTIAL].lo == 0.6 && rs->band[RS_BAND_PARTIAL].hi == 0.8);
    assert_int_equal(rs->novr, 0);
    /* direction from the names: cost 二级指标, bad-event 三级指标 */
    assert_int_equal(rs->ndir_l2, 2);
    assert_int_equal(rs->ndir_l3, 7);
    assert_true(rs_lower_is_better(rs, "成本指标", "任何"));
    assert_true(rs_lower_is_better(rs, "生态环境成本指标", NULL));
    assert_true(rs_lower_is_better(rs, "产出成本", ""));
    assert_true(rs_lower_is_better(rs, "生态效益指标", "森林火灾受害率"));
    assert_true(rs_lower_is_better(rs, NULL, "安全生产事故率"));
    assert_false(rs_lower_is_better(rs, "数量指标", "投诉处理率"));
    assert_false(rs_lower_is_better(rs, "成本控制", "事故率下降幅度"));
    assert_false(rs_lower_is_better(rs, NULL, NULL));
    /* statements of completion on number targets: full marks */
    assert_true(rs->stmt_scored && rs->stmt_ratio == 1);
    /* points as computed */
    assert_int_equal(rs->round_decimals, -1);
    assert_true(rs_round_points(rs, 5.5556) == 5.5556);
    jx_ruleset_free(rs);
    jx_ruleset_free(NULL); /* harmless */
}

static void test_variants(void **state)
{
    (void)state;
    jx_ruleset *mof = load("mof-2020"), *dy = load("daying-2022"),
               *yy = load(JX_RULES_DIR "/yueyang-2021.ini");
    /* extends: inherits the level-1 weights, changes what it states */
    assert_string_equal(jx_ruleset_name(dy), "daying-2022");
    assert_int_equal(jx_ruleset_level1_count(dy), 3);
    assert_int_equal(dy->over_action, RS_OVER_ZERO);
    assert_int_equal(yy->le, RS_LE_DEVIATION);
    assert_int_equal(yy->novr, 3);
    /* the hash covers the whole chain: differs from the parent's, stable across loads */
    assert_string_not_equal(jx_ruleset_sha256(dy), jx_ruleset_sha256(mof));
    jx_ruleset *again = load("daying-2022");
    assert_string_equal(jx_ruleset_sha256(dy), jx_ruleset_sha256(again));
    assert_non_null(strstr(jx_ruleset_source(dy), "name = mof-2020"));
    /* overrides: exact name and pattern */
    const rs_override *o = rs_find_override(yy, "在职人员控制率");
    assert_non_null(o);
    assert_int_equal(o->method, RS_M_DEDUCT);
    assert_true(o->limit == 100 && o->per_unit == 0.5 && !o->below);
    o = rs_find_override(yy, "重点支出安排率");
    assert_non_null(o);
    assert_int_equal(o->ntiers, 4);
    assert_true(o->tiers[1].bound == 80 && o->tiers[1].ratio == 0.8);
    o = rs_find_override(yy, "省级专项资金到位率");
    assert_non_null(o);
    assert_int_equal(o->method, RS_M_BINARY);
    assert_null(rs_find_override(yy, "在职人员控制率2"));
    assert_null(rs_find_override(mof, "在职人员控制率"));
    /* the local variants inherit the national [direction] through extends */
    assert_true(rs_lower_is_better(dy, "成本指标", "x") && rs_lower_is_better(yy, "成本指标", "x"));
    jx_ruleset_free(mof);
    jx_ruleset_free(dy);
    jx_ruleset_free(yy);
    jx_ruleset_free(again);
}

static void test_sha256_of_text(void **state)
{
    (void)state;
    /* SHA-256 of the text as loaded: identical text → identical hash, one byte more → another */
    jx_ruleset *a = load("mof-2020");
    const char *src = jx_ruleset_source(a);
    jx_ruleset *b = NULL, *c = NULL;
    assert_int_equal(jx_ruleset_parse(src, strlen(src), "copy.ini", dirs, 1, &b, NULL), JX_OK);
    assert_string_equal(jx_ruleset_sha256(a), jx_ruleset_sha256(b));
    char *more = malloc(strlen(src) + 3);
    sprintf(more, "%s\n;", src);
    assert_int_equal(jx_ruleset_parse(more, strlen(more), "more.ini", dirs, 1, &c, NULL), JX_OK);
    assert_string_not_equal(jx_ruleset_sha256(a), jx_ruleset_sha256(c));
    free(more);
    jx_ruleset_free(a);
    jx_ruleset_free(b);
    jx_ruleset_free(c);
}

/* Malformed rule sets: the message names the origin and the line. */
static void test_errors(void **state)
{
    (void)state;
    struct {
        const char *text;
        jx_err err;
        const char *want;
    } bad[] = {
        {"[ruleset]\nextends = mof-2020\nname = x\n[overshoot]\naction = maybe\n", JX_ERR_RULES,
         "bad.ini:5: [overshoot] action: \"maybe\" is not keep, zero or deduct"},
        {"[ruleset]\nextends = mof-2020\nname = x\n[colours]\nred = 1\n", JX_ERR_RULES,
         "bad.ini:5: [colours] red: unknown section"},
        {"[ruleset]\nextends = mof-2020\nname = x\n[level1]\n产出指标 = lots\n", JX_ERR_RULES,
         "bad.ini:5: [level1] 产出指标: \"lots\" is not a weight >= 0"},
        {"[ruleset]\nname = x\nextends = mof-2020\n", JX_ERR_RULES,
         "bad.ini:3: [ruleset] extends: extends must be the first key"},
        {"[ruleset]\nextends = nosuch\n", JX_ERR_NOTFOUND,
         "bad.ini:2: extends nosuch: no rule set named \"nosuch\""},
        {"[ruleset]\nextends = mof-2020\nname = x\n[override 重点支出安排率]\nmethod = "
         "tiers\ntiers = 80:0.8, 90:1\n",
         JX_ERR_RULES,
         "bad.ini:6: [override 重点支出安排率] tiers: bounds must be listed highest first"},
        {"[ruleset]\nextends = mof-2020\nname = x\n[override 重点支出安排率]\nmethod = tiers\n",
         JX_ERR_RULES, "method tiers needs tiers"},
        {"[ruleset]\nextends = mof-2020\nname = x\n[bands]\n部分达成 = 0.9, 60..80\n", JX_ERR_RULES,
         "bad.ini:5: [bands] 部分达成:"},
        {"[ruleset]\nname = lonely\n", JX_ERR_RULES, "[level1] states no weights"},
        {"[ruleset]\nextends = mof-2020\nname = x\nthis is not ini\n", JX_ERR_RULES,
         "bad.ini:4: not a section header"},
        {"[ruleset]\nextends = mof-2020\nname = x\n[grades]\n良好 = 极好\n", JX_ERR_RULES,
         "no grade 极好"},
        /* every file names its rule set; no policy is assumed for keys never stated */
        {"[ruleset]\nextends = mof-2020\n[overshoot]\naction = zero\n", JX_ERR_RULES,
         "[ruleset] name is missing"},
        {"[ruleset]\nname = bare\n[level1]\n产出指标 = 100\n[operators]\nimplicit = "
         ">=\nimplicit_zero = <=\n"
         "[total_grades]\n优 = 90\n[bands]\n达成 = 1, 80..100\n部分达成 = 0.7, 60..80\n",
         JX_ERR_RULES, "[budget] weight is missing"},
        {"[ruleset]\nextends = mof-2020\nname = x\n[override 在职人员控制率]\nmethod = "
         "deduct\nper_unit = 0.5\n",
         JX_ERR_RULES, "needs limit and per_unit > 0"},
        {"[ruleset]\nextends = mof-2020\nname = x\n[rounding]\ndecimals = 0.5\n", JX_ERR_RULES,
         "bad.ini:5: [rounding] decimals: \"0.5\" is not none or 0 to 4"},
        {"[ruleset]\nextends = mof-2020\nname = x\n[rounding]\nmode = bankers\n", JX_ERR_RULES,
         "bad.ini:5: [rounding] mode: \"bankers\" is not half_up or down"},
        {"[ruleset]\nextends = mof-2020\nname = x\n[rounding]\ndigits = 1\n", JX_ERR_RULES,
         "bad.ini:5: [rounding] digits: unknown key (decimals, mode)"},
        {"[ruleset]\nextends = mof-2020\nname = x\n[statements]\nratio = 2\n", JX_ERR_RULES,
         "bad.ini:5: [statements] ratio: \"2\" is not a ratio in [0, 1] or none"},
        {"[ruleset]\nextends = mof-2020\nname = x\n[statements]\nwords = 完成\n", JX_ERR_RULES,
         "bad.ini:5: [statements] words: unknown key (ratio)"},
        {"[ruleset]\nextends = mof-2020\nname = x\n[direction]\nlevel1 = *成本\n", JX_ERR_RULES,
         "bad.ini:5: [direction] level1: unknown key (level2, level3)"},
        {"[ruleset]\nextends = mof-2020\nname = x\n[direction]\nlevel3 = "
         "*一二三四五六七八九十一二三四五六七八九十\n",
         JX_ERR_RULES, "bad.ini:5: [direction] level3: at most 32 patterns of at most 31 bytes"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        jx_ruleset *rs = (jx_ruleset *)&rs; /* must be reset to NULL */
        jx_errmsg msg = {{0}};
        jx_err e =
            jx_ruleset_parse(bad[k].text, strlen(bad[k].text), "bad.ini", dirs, 1, &rs, &msg);
        if (e != bad[k].err || !strstr(msg.text, bad[k].want))
            fail_msg("case %zu: err %d msg \"%s\", want %d \"%s\"", k, e, msg.text, bad[k].err,
                     bad[k].want);
        assert_null(rs);
    }
    /* a line longer than inih reads is refused, not silently cut */
    char longline[400] = "[ruleset]\nextends = mof-2020\nname = x\ntitle = ";
    size_t n = strlen(longline);
    memset(longline + n, 'a', 250);
    longline[n + 250] = '\0';
    jx_ruleset *rs;
    jx_errmsg msg;
    assert_int_equal(jx_ruleset_parse(longline, strlen(longline), "long.ini", dirs, 1, &rs, &msg),
                     JX_ERR_RULES);
    assert_non_null(strstr(msg.text, "long.ini:4: line longer than 198 bytes"));
    /* not found by name, and by path */
    assert_int_equal(jx_ruleset_load("nosuch", dirs, 1, &rs, &msg), JX_ERR_NOTFOUND);
    assert_non_null(strstr(msg.text, "no rule set named \"nosuch\""));
    assert_int_equal(jx_ruleset_load("/nonexistent/x.ini", dirs, 1, &rs, &msg), JX_ERR_NOTFOUND);
    assert_int_equal(jx_ruleset_load(NULL, dirs, 1, &rs, &msg), JX_ERR_INVALID);
    /* NUL inside the text */
    assert_int_equal(jx_ruleset_parse("[ruleset]\0x", 11, "nul.ini", dirs, 1, &rs, &msg),
                     JX_ERR_RULES);
}

/* [rounding]: half-up and cut, to whole points and decimals; binary noise does not tip a digit */
static void test_rounding(void **state)
{
    (void)state;
    struct {
        const char *text;
        double in, want;
    } c[] = {
        {"decimals = 0", 5.5556, 6},
        {"decimals = 0", 4.5, 5},
        {"decimals = 0", 4.4999, 4},
        {"decimals = 1", 5.5556, 5.6},
        {"decimals = 1", 0.87 * 5, 4.4}, /* 4.35 in binary is 4.3499…: still half-up to 4.4 */
        {"decimals = 1", 2.4000000000000004, 2.4},
        {"decimals = 2", 9.0909, 9.09},
        {"decimals = 0\nmode = down", 5.9999, 5},
        {"decimals = 1\nmode = down", 5.5556, 5.5},
        {"decimals = 1\nmode = down", 0.7 * 6, 4.2}, /* 4.199999… is 4.2, not cut to 4.1 */
        {"decimals = none", 1.23456, 1.23456},
    };
    for (size_t k = 0; k < sizeof c / sizeof *c; k++) {
        char ini[200];
        snprintf(ini, sizeof ini, "[ruleset]\nextends = mof-2020\nname = r\n[rounding]\n%s\n",
                 c[k].text);
        jx_ruleset *rs = NULL;
        assert_int_equal(jx_ruleset_parse(ini, strlen(ini), "r.ini", dirs, 1, &rs, NULL), JX_OK);
        double got = rs_round_points(rs, c[k].in);
        if (fabs(got - c[k].want) > 1e-12)
            fail_msg("case %zu (%s, %.17g): %.17g, want %g", k, c[k].text, c[k].in, got, c[k].want);
        jx_ruleset_free(rs);
    }
}

/* A child's [override X] replaces the parent's [override X] instead of being shadowed by it. */
static void test_override_replaced(void **state)
{
    (void)state;
    const char *text = "[ruleset]\nextends = yueyang-2021\nname = child\n"
                       "[override 重点支出安排率]\nmethod = tiers\ntiers = 95:1, 50:0.5\n";
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    if (jx_ruleset_parse(text, strlen(text), "child.ini", dirs, 1, &rs, &msg))
        fail_msg("%s", msg.text);
    assert_int_equal(rs->novr, 3);
    const rs_override *o = rs_find_override(rs, "重点支出安排率");
    assert_int_equal(o->ntiers, 2);
    assert_true(o->tiers[0].bound == 95);
    jx_ruleset_free(rs);
}

static void test_with_level1(void **state)
{
    (void)state;
    jx_ruleset *rs = load("mof-2020"), *w = NULL;
    const char *names[] = {"产出", "其他指标"};
    double ws[] = {60, 5};
    assert_int_equal(jx_ruleset_with_level1(rs, names, ws, 2, &w, NULL), JX_OK);
    assert_int_equal(rs_level1_index(w, "产出指标"), 0);
    assert_true(w->l1[0].weight == 60 && w->l1[0].imposed);
    assert_false(w->l1[1].imposed);
    assert_int_equal(jx_ruleset_level1_count(w), 4);
    assert_true(rs->l1[0].weight == 50); /* the original is untouched */
    /* the scenario is part of the identity: same name, another hash, the weights in its text */
    assert_string_equal(jx_ruleset_name(w), "mof-2020");
    assert_string_not_equal(jx_ruleset_sha256(w), jx_ruleset_sha256(rs));
    assert_non_null(strstr(jx_ruleset_source(w), "产出指标 = 60 ; imposed (what-if)"));
    jx_ruleset_free(w);
    double neg[] = {-1};
    assert_int_equal(jx_ruleset_with_level1(rs, names, neg, 1, &w, NULL), JX_ERR_INVALID);
    assert_null(w);
    jx_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mof2020),        cmocka_unit_test(test_variants),
        cmocka_unit_test(test_sha256_of_text), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_with_level1),    cmocka_unit_test(test_override_replaced),
        cmocka_unit_test(test_rounding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
