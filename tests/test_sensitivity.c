/*
 * test_sensitivity.c - the Monte Carlo sensitivity analysis: the precomputed
 * model agrees with full rescoring (jx_aggregate() under rule sets with the
 * sampled weights imposed) for several weight vectors, rule sets with
 * per-point deductions and tiers, both modes; zero spread reproduces the
 * nominal ranks; a fixed seed reproduces the output whatever the number of
 * threads; the index estimator on data worked by hand.
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

#include "fixture_store.h"
#include "jixiao/import.h"
#include "jixiao/run.h"
#include "jixiao/sensitivity.h"
#include "jixiao/whatif.h"
#include "analyse/sensitivity_int.h"
#include "keep/keep_int.h"
#include "keep/store_int.h"

static const char *const dirs[] = {JX_RULES_DIR};

static jx_ruleset *load(const char *name)
{
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    if (jx_ruleset_load(name, dirs, 1, &rs, &msg)) fail_msg("load %s: %s", name, msg.text);
    return rs;
}

/* ---- an extra subject scored by 岳阳's per-point deduction and tiers ---- */

static jx_indicator I(const char *l1, const char *l2, const char *l3, const char *target,
                      const char *actual, double weight)
{
    jx_indicator i = {.level1 = l1,
                      .level2 = l2,
                      .level3 = l3,
                      .has_reason = true,
                      .has_actual = true,
                      .has_weight = true,
                      .weight = weight,
                      .year = 2024};
    jx_errmsg msg;
    if (jx_value_parse(target, strlen(target), &i.target, &msg)) fail_msg("%s", msg.text);
    if (jx_value_parse(actual, strlen(actual), &i.actual, &msg)) fail_msg("%s", msg.text);
    return i;
}

/* 在职人员控制率 104% (yueyang: 10 − 0.5 × 4 = 8 of 10; a small imposed weight is floored at 0),
 * 重点支出安排率 85% (yueyang tier 0.8), a grade, a rate, and 成本指标, a level 1 no rule set
 * weights (not perturbed). Budget 80 of 100. */
static size_t extra_subject(jx_indicator *in, jx_budget *b)
{
    in[0] = I("产出指标", "数量指标", "在职人员控制率", "≤100%", "104%", 10);
    in[1] = I("产出指标", "质量指标", "重点支出安排率", "≥90%", "85%", 20);
    in[2] = I("效益指标", "社会效益指标", "群众认可", "优良差", "良", 30);
    in[3] = I("满意度指标", "服务对象满意度指标", "满意度", "≥95%", "91%", 20);
    in[4] = I("成本指标", "经济成本指标", "办案成本", "≤30万元", "32万元", 10);
    *b = (jx_budget){.present = true, .initial = 100, .budget = 100, .spent = 80};
    return 5;
}

/* ---- full rescoring: every subject aggregated under a rule set with the weights imposed ---- */

typedef struct full_ctx {
    const sens_model *m;
    size_t r;
    const double *w;
    double *total;
    const char **grade;
    size_t n;
} full_ctx;

/* The total of one subject by full rescoring, as the model's mode defines the sample. */
static double full_total(const full_ctx *c, const jx_indicator *ind, size_t n, const jx_budget *b,
                         const char **grade)
{
    const sens_model *m = c->m;
    const jx_ruleset *rs = m->rules[c->r];
    const char *names[SENS_MAX_COMP];
    double wts[SENS_MAX_COMP];
    size_t k = 0;
    jx_score sc[64];
    jx_result res;
    jx_errmsg msg;
    if (m->mode == JX_SENS_IMPOSE) {
        for (size_t x = 0; x < m->K; x++)
            names[k] = m->comp_name[x], wts[k++] = c->w[x];
    } else {
        /* scale: the subject's own level-1 sums under rs, times sampled/nominal */
        if (jx_aggregate(rs, ind, n, b, sc, &res, &msg)) fail_msg("%s", msg.text);
        for (size_t x = 0; x < m->Kl; x++)
            for (size_t s = 0; s < res.nsub; s++)
                if (!res.sub[s].level2 && !strcmp(res.sub[s].level1, m->comp_name[x]))
                    names[k] = m->comp_name[x], wts[k++] = res.sub[s].weight * (c->w[x] / m->w0[x]);
        if (m->kb >= 0)
            names[k] = JX_BUDGET_LEVEL1, wts[k++] = m->bw[c->r] * (c->w[m->kb] / m->w0[m->kb]);
    }
    jx_ruleset *imp = NULL;
    if (jx_whatif_ruleset(rs, names, wts, k, &imp, &msg)) fail_msg("%s", msg.text);
    if (jx_aggregate(imp, ind, n, b, sc, &res, &msg)) fail_msg("%s", msg.text);
    *grade = jx_ruleset_grade(rs, res.total);
    jx_ruleset_free(imp);
    return res.total;
}

static jx_err full_subject(void *ctx, kp_subject *s)
{
    full_ctx *c = ctx;
    c->total[c->n] = full_total(c, s->ind, s->n, &s->budget, &c->grade[c->n]);
    c->n++;
    return JX_OK;
}

static jx_err model_subject(void *ctx, kp_subject *s)
{
    jx_errmsg msg;
    jx_err e = sens_model_add(ctx, s->id, s->code, s->name, s->project, s->year, s->ind, s->n,
                              &s->budget, &msg);
    if (e) fail_msg("%s", msg.text);
    return e;
}

/*
 * One sample's weights scored both ways, for each rule set and several weight vectors (nominal,
 * a mild shift, and extremes that floor the deduction at 0 or make 产出 tiny): the precomputed
 * totals equal full rescoring to 1e-9 points and give the same grades.
 */
static void check_model(jx_sens_mode mode)
{
    jx_store *st = fixture_store(NULL);
    jx_ruleset *rules[3] = {load("mof-2020"), load("daying-2022"), load("yueyang-2021")};
    sens_model m;
    jx_errmsg msg;
    assert_int_equal(sens_model_init(&m, (const jx_ruleset *const *)rules, 3, mode, &msg), JX_OK);
    kp_visit v = {.on_subject = model_subject, .ctx = &m};
    assert_int_equal(kp_visit_subjects(kp_store(st), &v), JX_OK);
    jx_indicator extra[8];
    jx_budget eb;
    size_t ne = extra_subject(extra, &eb);
    assert_int_equal(sens_model_add(&m, 999, "X1", "岳阳测试单位", "", 2024, extra, ne, &eb, &msg),
                     JX_OK);
    assert_int_equal(sens_model_finish(&m, &msg), JX_OK);
    /* components: the three level 1s of mof-2020 and the budget; 成本指标 is fixed */
    assert_int_equal(m.K, 4);
    assert_int_equal(m.Kl, 3);
    assert_string_equal(m.comp_name[0], "产出指标");
    assert_string_equal(m.comp_name[3], JX_BUDGET_LEVEL1);
    assert_true(m.w0[0] == 50 && m.w0[1] == 30 && m.w0[2] == 10 && m.w0[3] == 10);
    assert_int_equal(m.n, 7);

    const double W[][4] = {
        {50, 30, 10, 10}, {55, 25, 12, 8}, {12, 40, 30, 18}, {3, 60, 27, 10}, {70, 10, 5, 15}};
    double model[8], full[8];
    const char *grade[8];
    for (size_t r = 0; r < 3; r++)
        for (size_t t = 0; t < sizeof W / sizeof *W; t++) {
            sens_model_totals(&m, r, W[t], model);
            full_ctx c = {.m = &m, .r = r, .w = W[t], .total = full, .grade = grade};
            kp_visit fv = {.on_subject = full_subject, .ctx = &c};
            assert_int_equal(kp_visit_subjects(kp_store(st), &fv), JX_OK);
            full[c.n] = full_total(&c, extra, ne, &eb, &grade[c.n]);
            c.n++;
            assert_int_equal(c.n, m.n);
            for (size_t i = 0; i < m.n; i++) {
                if (fabs(model[i] - full[i]) > 1e-9)
                    fail_msg("mode %d rules %zu weights %zu subject %zu: model %.12f, full %.12f",
                             (int)mode, r, t, i, model[i], full[i]);
                size_t band;
                int g = sens_model_grade(&m, r, model[i], &band);
                assert_string_equal(m.grade_word[g], grade[i]);
            }
        }
    /* the extra subject under yueyang, impose, 产出 = 12 (of 30 given): 在职人员控制率 weighs 10 ×
     * 12/30 = 4, loses 2 → 2 points; 重点支出安排率 weighs 8 → tier 0.8 → 6.4; 效益 40 × 0.8 = 32;
     * 满意度 30 × 91/95; 成本 (fixed; yueyang's ≤ formula is the deviation) 10 × (1 − 2/30); budget
     * 18 × 0.8 = 14.4. Σw = 12 + 40 + 30 + 10 + 18 = 110. */
    if (mode == JX_SENS_IMPOSE) {
        sens_model_totals(&m, 2, W[2], model);
        double want = 100 * (2 + 6.4 + 32 + 30 * 91.0 / 95 + 10 * (1 - 2.0 / 30) + 14.4) / 110;
        assert_true(fabs(model[6] - want) < 1e-9);
    }
    sens_model_free(&m);
    for (int r = 0; r < 3; r++)
        jx_ruleset_free(rules[r]);
    jx_store_close(st);
}

static void test_model_vs_full_scale(void **state)
{
    (void)state;
    check_model(JX_SENS_SCALE);
}

static void test_model_vs_full_impose(void **state)
{
    (void)state;
    check_model(JX_SENS_IMPOSE);
}

static int64_t last_progress;
static int64_t last_total;
static void on_progress(void *ctx, int64_t done, int64_t total)
{
    (void)ctx;
    last_progress = done;
    last_total = total;
}

/* Zero spread, one rule set: every sample is the nominal point. In scale mode the nominal totals
 * are the stored totals (fixtures/README.md) and the nominal ranks those of `jixiao rank`. */
static void test_zero_spread(void **state)
{
    (void)state;
    jx_store *st = fixture_store(NULL);
    jx_ruleset *mof = load("mof-2020");
    const jx_ruleset *rules[] = {mof};
    jx_sens_opts o = {.samples = 200,
                      .spread = 0,
                      .seed = 7,
                      .rules = rules,
                      .nrules = 1,
                      .on_progress = on_progress};
    jx_sensitivity *s = NULL;
    assert_int_equal(jx_sensitivity_run(st, &o, &s), JX_OK);
    assert_int_equal(last_progress, 200);
    assert_int_equal(last_total, 200);
    assert_int_equal(jx_sensitivity_count(s), 6);
    const struct {
        const char *name, *project;
        double total;
        size_t rank;
        double top;
    } want[] = {
        {"株洲市石峰区社区矫正管理中心", "", 99.9, 1, 1},
        {"株洲市石峰区司法局", "", 98.5558869740, 2, 1},
        {"如皋市司法局", "", 94.2666799721, 3, 1},
        {"大竹县司法局", "", 96.8979257091, 1, 1},
        {"大竹县法律援助中心", "", 77.1925925926, 2, 0},
        {"株洲市石峰区司法局", "司法专项", 89.1969135802, 1, 0},
    };
    for (size_t i = 0; i < 6; i++) {
        const jx_sens_subject *x = jx_sensitivity_at(s, i);
        assert_string_equal(x->name, want[i].name);
        assert_string_equal(x->project, want[i].project);
        assert_true(fabs(x->nominal_total - want[i].total) < 1e-9);
        assert_int_equal(x->nominal_rank, want[i].rank);
        assert_true(x->rank_mean == (double)want[i].rank);
        assert_true(x->rank_median == (double)want[i].rank);
        assert_true(x->rank_p5 == (double)want[i].rank);
        assert_true(x->rank_p95 == (double)want[i].rank);
        assert_true(x->p_grade_change == 0);
        assert_true(x->p_top_grade == want[i].top);
    }
    const jx_sens_summary *sum = jx_sensitivity_summary(s);
    assert_true(sum->mean_abs_shift == 0);
    assert_int_equal(sum->ninputs, 4);
    for (size_t k = 0; k < sum->ninputs; k++)
        assert_true(isnan(sum->inputs[k].index)); /* Var(Y) = 0 */
    jx_sensitivity_free(s);

    /* a spread of 1e-7 moves the weights by about 1e-6 points: no rank moves on this data */
    o.spread = 1e-7;
    assert_int_equal(jx_sensitivity_run(st, &o, &s), JX_OK);
    for (size_t i = 0; i < 6; i++) {
        const jx_sens_subject *x = jx_sensitivity_at(s, i);
        assert_true(x->rank_p5 == (double)want[i].rank && x->rank_p95 == (double)want[i].rank);
    }
    jx_sensitivity_free(s);

    /* impose mode, zero spread: 大竹's given weights 60/28/2 become 50/30/10:
     * 58.881493/60 × 50 + 26.16/28 × 30 + 2/2 × 10 + 9.856432 = 96.952915 */
    o.spread = 0;
    o.mode = JX_SENS_IMPOSE;
    assert_int_equal(jx_sensitivity_run(st, &o, &s), JX_OK);
    const jx_sens_subject *dz = jx_sensitivity_at(s, 3);
    assert_string_equal(dz->name, "大竹县司法局");
    double want_dz = 58.88149342891278 / 60 * 50 + 26.16 / 28 * 30 + 10 + 10 * 1987.52 / 2016.47;
    assert_true(fabs(dz->nominal_total - want_dz) < 1e-9);
    assert_true(fabs(dz->nominal_total - 96.952915) < 1e-6);
    jx_sensitivity_free(s);
    jx_ruleset_free(mof);
    jx_store_close(st);
}

static void same_result(const jx_sensitivity *a, const jx_sensitivity *b)
{
    assert_int_equal(jx_sensitivity_count(a), jx_sensitivity_count(b));
    for (size_t i = 0; i < jx_sensitivity_count(a); i++) {
        const jx_sens_subject *x = jx_sensitivity_at(a, i), *y = jx_sensitivity_at(b, i);
        assert_int_equal(x->subject_id, y->subject_id);
        assert_true(x->rank_mean == y->rank_mean && x->rank_median == y->rank_median);
        assert_true(x->rank_p5 == y->rank_p5 && x->rank_p95 == y->rank_p95);
        assert_true(x->p_top_grade == y->p_top_grade && x->p_grade_change == y->p_grade_change);
    }
    const jx_sens_summary *p = jx_sensitivity_summary(a), *q = jx_sensitivity_summary(b);
    assert_true(p->mean_abs_shift == q->mean_abs_shift);
    assert_int_equal(p->ninputs, q->ninputs);
    for (size_t k = 0; k < p->ninputs; k++)
        assert_true(p->inputs[k].index == q->inputs[k].index ||
                    (isnan(p->inputs[k].index) && isnan(q->inputs[k].index)));
}

/* The same seed gives the same output, whatever the number of threads; another seed another one. */
static void test_determinism(void **state)
{
    (void)state;
    jx_store *st = fixture_store(NULL);
    jx_ruleset *rules[3] = {load("mof-2020"), load("daying-2022"), load("yueyang-2021")};
    jx_sens_opts o = {.samples = 1000,
                      .spread = 0.5,
                      .seed = 42,
                      .rules = (const jx_ruleset *const *)rules,
                      .nrules = 3};
    jx_sensitivity *a = NULL, *b = NULL, *c = NULL, *d = NULL;
    o.threads = 1;
    assert_int_equal(jx_sensitivity_run(st, &o, &a), JX_OK);
    o.threads = 2;
    assert_int_equal(jx_sensitivity_run(st, &o, &b), JX_OK);
    o.threads = 5;
    assert_int_equal(jx_sensitivity_run(st, &o, &c), JX_OK);
    same_result(a, b);
    same_result(a, c);
    assert_int_equal(jx_sensitivity_summary(c)->threads, 5);
    /* the rule set moves ranks here (daying zeroes 石峰's overshoot): shifts happen */
    const jx_sens_summary *sa = jx_sensitivity_summary(a);
    assert_true(sa->mean_abs_shift > 0);
    assert_int_equal(sa->ninputs, 5);
    assert_string_equal(sa->inputs[4].name, "规则集");
    assert_true(sa->inputs[4].index > 0);
    o.seed = 43;
    assert_int_equal(jx_sensitivity_run(st, &o, &d), JX_OK);
    assert_true(jx_sensitivity_summary(d)->mean_abs_shift != sa->mean_abs_shift);
    /* shares are shares, percentiles ordered */
    for (size_t i = 0; i < jx_sensitivity_count(a); i++) {
        const jx_sens_subject *x = jx_sensitivity_at(a, i);
        assert_true(x->rank_p5 <= x->rank_median && x->rank_median <= x->rank_p95);
        assert_true(x->p_top_grade >= 0 && x->p_top_grade <= 1);
        assert_true(x->p_grade_change >= 0 && x->p_grade_change <= 1);
    }
    jx_sensitivity_free(a);
    jx_sensitivity_free(b);
    jx_sensitivity_free(c);
    jx_sensitivity_free(d);
    for (int r = 0; r < 3; r++)
        jx_ruleset_free(rules[r]);
    jx_store_close(st);
}

/*
 * The estimator, by hand: y = 1 3 | 5 7 in categories 0 | 1. ȳ = 4; between = 2·(2−4)² + 2·(6−4)² =
 * 16; total = 9 + 1 + 1 + 9 = 20; within = 4 → (16 − (2 − 1)·4/(4 − 2))/20 = 14/20 = 0.7. Then y =
 * x1 exactly: S1 near 1; an unrelated x2: S2 near 0; y = x1 + x2: both near ½.
 */
static void test_first_order(void **state)
{
    (void)state;
    const double y4[] = {1, 3, 5, 7};
    const int cat[] = {0, 0, 1, 1};
    size_t perm[4000];
    assert_true(fabs(sens_first_order(NULL, 0, y4, 4, 0, 2, cat, 4, 20, perm) - 0.7) < 1e-12);
    assert_true(isnan(sens_first_order(NULL, 0, y4, 4, 0, 2, cat, 4, 0, perm)));
    enum { N = 4000 };
    static double x[N * 2], y[N], z[N];
    unsigned s = 99;
    for (size_t i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        x[2 * i] = (double)i / N;
        x[2 * i + 1] = (double)((s >> 8) % 100000) / 100000;
        y[i] = x[2 * i];
        z[i] = x[2 * i] + x[2 * i + 1];
    }
    double ybar = 0, ss = 0, zbar = 0, zz = 0;
    for (size_t i = 0; i < N; i++)
        ybar += y[i], zbar += z[i];
    ybar /= N, zbar /= N;
    for (size_t i = 0; i < N; i++)
        ss += (y[i] - ybar) * (y[i] - ybar), zz += (z[i] - zbar) * (z[i] - zbar);
    double s1 = sens_first_order(x, 2, y, N, 16, 0, NULL, ybar, ss, perm);
    double s2 = sens_first_order(x + 1, 2, y, N, 16, 0, NULL, ybar, ss, perm);
    assert_true(s1 > 0.99 && s1 <= 1);
    assert_true(s2 >= 0 && s2 < 0.02);
    double a = sens_first_order(x, 2, z, N, 16, 0, NULL, zbar, zz, perm);
    double b = sens_first_order(x + 1, 2, z, N, 16, 0, NULL, zbar, zz, perm);
    assert_true(fabs(a - 0.5) < 0.05 && fabs(b - 0.5) < 0.05);
}

static void test_errors(void **state)
{
    (void)state;
    jx_store *st = fixture_store(NULL);
    jx_ruleset *mof = load("mof-2020");
    const jx_ruleset *rules[] = {mof};
    jx_sensitivity *s = NULL;
    jx_sens_opts o = {.samples = 10, .rules = rules, .nrules = 0};
    assert_int_equal(jx_sensitivity_run(st, &o, &s), JX_ERR_INVALID);
    o.nrules = 1;
    o.spread = -1;
    assert_int_equal(jx_sensitivity_run(st, &o, &s), JX_ERR_INVALID);
    o.spread = NAN;
    assert_int_equal(jx_sensitivity_run(st, &o, &s), JX_ERR_INVALID);
    o.spread = 0.1;
    o.sel.year = 1999;
    assert_int_equal(jx_sensitivity_run(st, &o, &s), JX_ERR_NOTFOUND);
    assert_null(s);
    o.sel.year = 0;
    o.samples = JX_SENS_MAX_SAMPLES + 1;
    assert_int_equal(jx_sensitivity_run(st, &o, &s), JX_ERR_INVALID);
    /* one sample, one project: trivially rank 1 */
    o.samples = 1;
    o.sel.kind = JX_SEL_PROJECTS;
    assert_int_equal(jx_sensitivity_run(st, &o, &s), JX_OK);
    assert_int_equal(jx_sensitivity_count(s), 1);
    assert_true(jx_sensitivity_at(s, 0)->rank_mean == 1);
    assert_true(isnan(jx_sensitivity_summary(s)->inputs[0].index));
    jx_sensitivity_free(s);
    jx_sensitivity_free(NULL);
    jx_ruleset_free(mof);
    jx_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_vs_full_scale), cmocka_unit_test(test_model_vs_full_impose),
        cmocka_unit_test(test_zero_spread),         cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_first_order),         cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
