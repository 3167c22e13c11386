/*
 * test_stats.c - descriptive statistics and correlations on small sets worked
 * by hand, Kendall's τ-b against a brute-force count, and the statistics
 * report of fixtures/demo (totals and budgets from fixtures/README.md and
 * fixtures/demo/budget.csv), as one sample and group by group (year and kind).
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
#include "run_util.h"
#include "jixiao/import.h"
#include "jixiao/run.h"
#include "jixiao/stats.h"

#define near(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

/*
 * {2, 4, 4, 4, 5, 5, 7, 9}: mean 40/8 = 5; deviations −3 −1 −1 −1 0 0 2 4;
 * Σd² = 32 → sample variance 32/7, sd = √(32/7) = 2.138089935;
 * quartiles (R type 7, h = (n − 1)p): q1 h = 1.75 → 4 + .75·0 = 4; median 4.5;
 * q3 h = 5.25 → 5 + .25·2 = 5.5;
 * Σd³ = −27 −1 −1 −1 + 8 + 64 = 42 → skew = 42 / (8 · (32/7)^1.5) = 0.537132457;
 * Σd⁴ = 81 + 1 + 1 + 1 + 16 + 256 = 356 → kurtosis = 356 / (8 · (32/7)²) − 3
 *      = 17444/8192 − 3 = −0.87060546875.
 */
static void test_describe(void **state)
{
    (void)state;
    const double x[] = {9, 4, 2, 5, 4, 7, 4, 5}; /* unsorted on purpose */
    jx_describe d;
    assert_int_equal(jx_stats_describe(x, 8, &d), JX_OK);
    assert_int_equal(d.n, 8);
    near(d.mean, 5, 1e-12);
    near(d.sd, sqrt(32.0 / 7), 1e-12);
    near(d.min, 2, 0);
    near(d.max, 9, 0);
    near(d.q1, 4, 1e-12);
    near(d.median, 4.5, 1e-12);
    near(d.q3, 5.5, 1e-12);
    near(d.skewness, 42 / (8 * pow(32.0 / 7, 1.5)), 1e-12);
    near(d.skewness, 0.537132457, 1e-9);
    near(d.kurtosis, -0.87060546875, 1e-12);
    /* the input is untouched */
    assert_true(x[0] == 9 && x[7] == 5);
}

/* Degenerate sets: undefined statistics are NaN, not errors. */
static void test_describe_degenerate(void **state)
{
    (void)state;
    jx_describe d;
    assert_int_equal(jx_stats_describe(NULL, 0, &d), JX_OK);
    assert_int_equal(d.n, 0);
    assert_true(isnan(d.mean) && isnan(d.median));
    const double one[] = {87.5};
    assert_int_equal(jx_stats_describe(one, 1, &d), JX_OK);
    near(d.mean, 87.5, 0);
    near(d.q1, 87.5, 0);
    near(d.q3, 87.5, 0);
    assert_true(isnan(d.sd) && isnan(d.skewness) && isnan(d.kurtosis));
    const double flat[] = {90, 90, 90};
    assert_int_equal(jx_stats_describe(flat, 3, &d), JX_OK);
    near(d.sd, 0, 0);
    assert_true(isnan(d.skewness) && isnan(d.kurtosis));
    const double bad[] = {1, INFINITY};
    assert_int_equal(jx_stats_describe(bad, 2, &d), JX_ERR_INVALID);
    assert_true(isnan(jx_stats_pearson(flat, one, 1)));
    const double y[] = {1, 2, 3};
    assert_true(isnan(jx_stats_pearson(flat, y, 3))); /* a constant */
    assert_true(isnan(jx_stats_spearman(flat, y, 3)));
    assert_true(isnan(jx_stats_kendall(flat, y, 3)));
}

/*
 * x = 1..5, y = 2 4 5 4 5.
 * Pearson: dx = −2 −1 0 1 2, dy = −2 0 1 0 1: Sxy = 4 + 2 = 6, Sxx = 10, Syy = 6 → 6/√60 =
 * 0.774596669. Spearman: ranks of y (ties averaged: the 4s share ranks 2, 3; the 5s ranks 4, 5)
 * 1 2.5 4.5 2.5 4.5: dy' = −2 −.5 1.5 −.5 1.5: Sxy = 4 + .5 + 0 − .5 + 3 = 7, Syy = 4 + .25 + 2.25
 * + .25 + 2.25 = 9 → 7/√90 = 0.737864787. Kendall τ-b: of the 10 pairs 7 concordant, 1 discordant
 * (3,4), 2 tied in y (2,4) (3,5), none in x → (7 − 1)/√(10 · 8) = 0.670820393.
 */
static void test_correlations(void **state)
{
    (void)state;
    const double x[] = {1, 2, 3, 4, 5}, y[] = {2, 4, 5, 4, 5};
    near(jx_stats_pearson(x, y, 5), 6 / sqrt(60), 1e-12);
    near(jx_stats_spearman(x, y, 5), 7 / sqrt(90), 1e-12);
    near(jx_stats_kendall(x, y, 5), 6 / sqrt(80), 1e-12);
    /* reversed order: −1 everywhere */
    const double r[] = {5, 4, 3, 2, 1};
    near(jx_stats_pearson(x, r, 5), -1, 1e-12);
    near(jx_stats_spearman(x, r, 5), -1, 1e-12);
    near(jx_stats_kendall(x, r, 5), -1, 1e-12);
}

/* Knight's O(n log n) τ-b equals the O(n²) definition on data with many ties. */
static void test_kendall_bruteforce(void **state)
{
    (void)state;
    enum { N = 200 };
    double x[N], y[N];
    unsigned s = 12345;
    for (int i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = (double)((s >> 16) % 17);
        s = s * 1103515245u + 12345u;
        y[i] = (double)((s >> 16) % 11) + 0.1 * x[i];
        if (i % 7 == 0) y[i] = 3; /* extra ties */
    }
    double c = 0, d = 0, tx = 0, ty = 0;
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++) {
            double a = (x[i] - x[j]) * (y[i] - y[j]);
            if (a > 0)
                c++;
            else if (a < 0)
                d++;
            if (x[i] == x[j]) tx++;
            if (y[i] == y[j]) ty++;
        }
    double n0 = N * (N - 1) / 2.0;
    double want = (c - d) / sqrt((n0 - tx) * (n0 - ty));
    near(jx_stats_kendall(x, y, N), want, 1e-12);
}

/*
 * fixtures/demo totals (README): 98.5558869740 (石峰), 89.1969135802 (司法专项), 96.8979257091
 * (大竹), 94.2666799721 (如皋), 77.1925925926 (援助中心), 99.9 (矫正中心).
 * Sorted: 77.1926 89.1969 94.2667 96.8979 98.5559 99.9.
 *   mean = 556.010 / 6 = 92.668333138; median = (94.2667 + 96.8979)/2 = 95.582302841;
 *   q1: h = 1.25 → 89.1969136 + .25 (94.2666800 − 89.1969136) = 90.464355178;
 *   q3: h = 3.75 → 96.8979257 + .75 (98.5558870 − 96.8979257) = 98.141396658;
 *   IQR 7.677041480 → fences 78.948792958 and 109.656958878: 77.1926 is the one outlier.
 * Budget-weighted (全年预算数 452.6, 30, 2016.47, 2186.4, 92, 58):
 *   Σ b·t / Σ b = 461 826.82… / 4835.47 = 95.476685765.
 * 执行率: 441.3/452.6 = .975033, 27.6/30 = .92, 1987.52/2016.47 = .985643, 1884.68/2186.4 =
 * .862001, 66.24/92 = .72, 57.42/58 = .99. Ranks of totals 5 2 4 3 1 6, of rates 4 3 5 2 1 6: Σd² =
 * 4 → Spearman 1 − 6·4/(6·35) = 0.885714286; Pearson 0.926367134. Grades 优 4
 * (99.9, 98.56, 96.90, 94.27), 良 1, 中 1; histogram: [70,80) 1, [80,90) 1, [90,100] 4. Flags
 * (README): missing_reason 4 of 6, overshoot 2, rescaled 1, budget_mismatch 2, all_full_marks 1.
 */
static void test_demo_report(void **state)
{
    (void)state;
    jx_store *st = fixture_store("mof-2020");
    int64_t run;
    assert_int_equal(jx_run_latest(st, &run), JX_OK);
    jx_ranking *r = NULL;
    assert_int_equal(stored_ranking(st, run, NULL, &r), JX_OK);
    jx_stats_report s;
    assert_int_equal(jx_stats_of_ranking(r, &s), JX_OK);
    assert_int_equal(s.d.n, 6);
    near(s.d.mean, 92.668333138, 1e-8);
    near(s.d.median, 95.582302841, 1e-8);
    near(s.d.q1, 90.464355178, 1e-8);
    near(s.d.q3, 98.141396658, 1e-8);
    near(s.d.min, 77.1925925926, 1e-9);
    near(s.d.max, 99.9, 1e-9);
    near(s.d.sd, 8.472942356, 1e-8);
    near(s.lower_fence, 78.948792958, 1e-8);
    near(s.upper_fence, 109.656958878, 1e-8);
    assert_int_equal(s.noutliers, 1);
    assert_string_equal(jx_ranking_at(r, s.outliers[0])->name, "大竹县法律援助中心");
    near(s.weighted_mean, 95.476685765, 1e-8);
    assert_int_equal(s.nweighted, 6);
    assert_int_equal(s.nbudget, 6);
    near(s.spearman_budget, 31.0 / 35, 1e-12);
    near(s.pearson_budget, 0.926367134, 1e-8);
    assert_int_equal(s.ngrades, 3);
    assert_string_equal(s.grades[0].grade, "优");
    assert_int_equal(s.grades[0].count, 4);
    assert_string_equal(s.grades[1].grade, "良");
    assert_int_equal(s.grades[1].count, 1);
    assert_string_equal(s.grades[2].grade, "中");
    assert_int_equal(s.grades[2].count, 1);
    const size_t hist[JX_STATS_BINS] = {0, 0, 0, 0, 0, 0, 0, 1, 1, 4};
    for (int b = 0; b < JX_STATS_BINS; b++)
        assert_int_equal(s.histogram[b], hist[b]);
    assert_int_equal(s.flag_count[0], 4); /* missing_reason */
    near(s.flag_share[0], 4.0 / 6, 1e-12);
    assert_int_equal(s.flag_count[1], 2); /* overshoot */
    assert_int_equal(s.flag_count[2], 0); /* placeholder_target */
    assert_int_equal(s.flag_count[3], 1); /* rescaled */
    assert_int_equal(s.flag_count[4], 2); /* budget_mismatch */
    assert_int_equal(s.flag_count[5], 1); /* all_full_marks */
    jx_stats_report_free(&s);
    assert_null(s.outliers);
    jx_ranking_free(r);

    /* one subject (the project): quartiles are its total, sd and correlations undefined */
    jx_selection p = {.kind = JX_SEL_PROJECTS};
    assert_int_equal(stored_ranking(st, run, &p, &r), JX_OK);
    assert_int_equal(jx_stats_of_ranking(r, &s), JX_OK);
    assert_int_equal(s.d.n, 1);
    near(s.d.q1, 89.1969135802, 1e-9);
    assert_true(isnan(s.d.sd) && isnan(s.pearson_budget) && isnan(s.spearman_budget));
    assert_int_equal(s.noutliers, 0);
    jx_stats_report_free(&s);
    jx_ranking_free(r);
    jx_store_close(st);
}

/*
 * The same run group by group (rank.h: each year apart, 部门整体 apart from 项目), in display
 * order:
 *
 * 2021 部门整体, n 3: 如皋 94.2666799721, 石峰 98.5558869740, 矫正中心 99.9 (sorted).
 *   mean 292.7225669461 / 3 = 97.574188982; median 98.555886974;
 *   deviations −3.307509010, 0.981697992, 2.325811018: Σd² = 17.312753680 → sd √8.656376840 =
 *   2.942171281; q1: h = 0.5 → 94.2666800 + .5 × 4.2892070 = 96.411283473; q3: h = 1.5 →
 *   98.5558870 + .5 × 1.3441130 = 99.227943487; IQR 2.816660014 → fences 92.186293452 and
 *   103.452933508: no outlier. Weighted (全年预算数 452.6, 2186.4, 58; Σ 2697):
 *   (44 606.394 + 206 104.669 + 5 794.2) / 2697 = 256 505.264 / 2697 = 95.107624596.
 *   执行率 .975033 (石峰), .862001 (如皋), .99 (矫正中心): the same order as the totals →
 * Spearman 1. Grades 优 3; histogram [90,100] 3. Flags: missing_reason 2 (石峰, 如皋), overshoot 1
 * (石峰), rescaled 1 and budget_mismatch 1 (如皋), all_full_marks 1 (矫正中心). 2024 部门整体, n 2:
 * 援助中心 77.1925925926, 大竹 96.8979257091. mean 174.0905183017 / 2 = 87.045259151; sd
 * = 19.7053331165 / √2 = 13.933786; q1 = 77.1925926 + .25 × 19.7053331 = 82.118925871, q3
 * = 77.1925926 + .75 × 19.7053331 = 91.971592431: fences 67.339426031 and 106.751092271, so
 * 援助中心, the outlier of the six mixed (below 78.948793), is none within its year. Weighted
 * (2016.47, 92): (195 391.760 + 7 101.719) / 2108.47. 执行率 .985643 and .72 in the order of the
 * totals → Pearson and Spearman 1. Grades 优 1, 中 1; histogram [70,80) 1, [90,100] 1. Flags:
 * missing_reason 2, overshoot 1 (大竹), budget_mismatch 1. 2021 项目, n 1: 司法专项 89.1969135802
 * (良): sd, correlations undefined; no flag.
 */
static void test_demo_groups(void **state)
{
    (void)state;
    jx_store *st = fixture_store("mof-2020");
    jx_ranking *r = NULL;
    assert_int_equal(stored_ranking(st, 0, NULL, &r), JX_OK);
    jx_stats_groups gs;
    assert_int_equal(jx_stats_of_groups(r, &gs), JX_OK);
    assert_int_equal(gs.n, 3);

    const jx_stats_group *g = &gs.group[0];
    assert_int_equal(g->year, 2021);
    assert_false(g->projects);
    assert_int_equal(g->first, 0);
    const jx_stats_report *s = &g->rep;
    assert_int_equal(s->d.n, 3);
    near(s->d.mean, 97.574188982, 1e-8);
    near(s->d.median, 98.555886974, 1e-8);
    near(s->d.sd, 2.942171281, 1e-8);
    near(s->d.q1, 96.411283473, 1e-8);
    near(s->d.q3, 99.227943487, 1e-8);
    near(s->lower_fence, 92.186293452, 1e-8);
    near(s->upper_fence, 103.452933508, 1e-8);
    assert_int_equal(s->noutliers, 0);
    near(s->weighted_mean,
         (452.6 * 98.5558869740 + 2186.4 * 94.2666799721 + 58 * 99.9) / (452.6 + 2186.4 + 58),
         1e-8);
    near(s->weighted_mean, 95.107624596, 1e-8);
    near(s->spearman_budget, 1, 1e-12);
    assert_int_equal(s->ngrades, 1);
    assert_string_equal(s->grades[0].grade, "优");
    assert_int_equal(s->grades[0].count, 3);
    assert_int_equal(s->histogram[9], 3);
    const size_t flags2021[6] = {2, 1, 0, 1, 1, 1};
    for (int f = 0; f < 6; f++)
        assert_int_equal(s->flag_count[f], flags2021[f]);
    near(s->flag_share[0], 2.0 / 3, 1e-12);
    for (size_t i = 0; i < 3; i++) /* its subjects are the first three of the ranking */
        assert_int_equal(jx_ranking_at(r, g->first + i)->year, 2021);

    g = &gs.group[1];
    s = &g->rep;
    assert_int_equal(g->year, 2024);
    assert_false(g->projects);
    assert_int_equal(g->first, 3);
    assert_int_equal(s->d.n, 2);
    near(s->d.mean, 87.045259151, 1e-8);
    near(s->d.sd, (96.8979257091 - 77.1925925926) / sqrt(2), 1e-8);
    near(s->d.q1, 82.118925871, 1e-8);
    near(s->d.q3, 91.971592431, 1e-8);
    assert_int_equal(s->noutliers, 0);
    near(s->weighted_mean, (2016.47 * 96.8979257091 + 92 * 77.1925925926) / 2108.47, 1e-8);
    near(s->pearson_budget, 1, 1e-12);
    near(s->spearman_budget, 1, 1e-12);
    assert_int_equal(s->ngrades, 2);
    assert_string_equal(s->grades[0].grade, "优");
    assert_string_equal(s->grades[1].grade, "中");
    assert_int_equal(s->grades[1].count, 1);
    assert_int_equal(s->histogram[7], 1);
    assert_int_equal(s->histogram[9], 1);
    const size_t flags2024[6] = {2, 1, 0, 0, 1, 0};
    for (int f = 0; f < 6; f++)
        assert_int_equal(s->flag_count[f], flags2024[f]);

    g = &gs.group[2];
    s = &g->rep;
    assert_int_equal(g->year, 2021);
    assert_true(g->projects);
    assert_int_equal(g->first, 5);
    assert_int_equal(s->d.n, 1);
    near(s->d.mean, 89.1969135802, 1e-9);
    assert_true(isnan(s->d.sd) && isnan(s->spearman_budget));
    assert_string_equal(s->grades[0].grade, "良");
    assert_int_equal(s->histogram[8], 1);
    for (int f = 0; f < JX_FLAG_COUNT; f++)
        assert_int_equal(s->flag_count[f], 0);
    jx_stats_groups_free(&gs);
    assert_null(gs.group);
    assert_int_equal(gs.n, 0);
    jx_ranking_free(r);

    /* a selection of one year leaves its groups; one of nothing, none */
    jx_selection y = {.year = 2024};
    assert_int_equal(stored_ranking(st, 0, &y, &r), JX_OK);
    assert_int_equal(jx_stats_of_groups(r, &gs), JX_OK);
    assert_int_equal(gs.n, 1);
    assert_int_equal(gs.group[0].year, 2024);
    near(gs.group[0].rep.d.mean, 87.045259151, 1e-8);
    jx_stats_groups_free(&gs);
    jx_ranking_free(r);
    y.year = 1999;
    assert_int_equal(stored_ranking(st, 0, &y, &r), JX_OK);
    assert_int_equal(jx_stats_of_groups(r, &gs), JX_OK);
    assert_int_equal(gs.n, 0);
    assert_null(gs.group);
    jx_stats_groups_free(&gs);
    jx_ranking_free(r);
    jx_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_describe),     cmocka_unit_test(test_describe_degenerate),
        cmocka_unit_test(test_correlations), cmocka_unit_test(test_kendall_bruteforce),
        cmocka_unit_test(test_demo_report),  cmocka_unit_test(test_demo_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
