/*
 * test_rank.c - competition ranking: ties (including totals that differ only
 * by floating-point noise), groups, display order, and the ranking of a
 * stored run of fixtures/demo (totals from fixtures/README.md).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fixture_store.h"
#include "run_util.h"
#include "jixiao/import.h"
#include "jixiao/rank.h"
#include "jixiao/run.h"

/* 95, 95 and 95 + 1e-10 tie (equal to 1e-9) and share rank 1; the next rank is 4. */
static void test_ties(void **state)
{
    (void)state;
    const double t[] = {90, 95, 95, 80, 95 + 1e-10, 70};
    size_t rank[6], order[6];
    assert_int_equal(jx_rank_competition(t, NULL, 6, rank, order), JX_OK);
    const size_t want[] = {4, 1, 1, 5, 1, 6};
    for (int i = 0; i < 6; i++)
        assert_int_equal(rank[i], want[i]);
    /* display order: by rank, ties in input order */
    const size_t want_order[] = {1, 2, 4, 0, 3, 5};
    for (int i = 0; i < 6; i++)
        assert_int_equal(order[i], want_order[i]);
    /* 2e-9 apart is a real difference: 1, 2, 2, 4 */
    const double u[] = {95 + 2e-9, 95, 95, 94};
    size_t r2[4];
    assert_int_equal(jx_rank_competition(u, NULL, 4, r2, NULL), JX_OK);
    assert_int_equal(r2[0], 1);
    assert_int_equal(r2[1], 2);
    assert_int_equal(r2[2], 2);
    assert_int_equal(r2[3], 4);
    /* all equal: all first */
    const double e[] = {60, 60, 60};
    size_t r3[3];
    assert_int_equal(jx_rank_competition(e, NULL, 3, r3, NULL), JX_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(r3[i], 1);
}

/* Two groups interleaved are ranked apart. */
static void test_groups(void **state)
{
    (void)state;
    const double t[] = {70, 99, 80, 60, 80, 99.5};
    const size_t g[] = {0, 1, 0, 1, 0, 1};
    size_t rank[6], order[6];
    assert_int_equal(jx_rank_competition(t, g, 6, rank, order), JX_OK);
    /* group 0: 80, 80, 70 → 1, 1, 3; group 1: 99.5, 99, 60 → 1, 2, 3 */
    const size_t want[] = {3, 2, 1, 3, 1, 1};
    for (int i = 0; i < 6; i++)
        assert_int_equal(rank[i], want[i]);
    const size_t want_order[] = {2, 4, 0, 5, 1, 3};
    for (int i = 0; i < 6; i++)
        assert_int_equal(order[i], want_order[i]);
}

static void test_bad_input(void **state)
{
    (void)state;
    size_t rank[2];
    const double t[] = {1, NAN};
    assert_int_equal(jx_rank_competition(t, NULL, 2, rank, NULL), JX_ERR_INVALID);
    assert_int_equal(jx_rank_competition(NULL, NULL, 0, NULL, NULL), JX_OK);
    assert_int_equal(jx_rank_competition(NULL, NULL, 2, rank, NULL), JX_ERR_INVALID);
    assert_true(jx_rank_key(95) == 95000000000LL);
    assert_true(jx_rank_key(95 + 4e-10) == jx_rank_key(95));
    assert_true(jx_selection_has(NULL, "x", 2020));
    jx_selection d = {.kind = JX_SEL_DEPARTMENTS, .year = 2021};
    assert_true(jx_selection_has(&d, "", 2021));
    assert_false(jx_selection_has(&d, "项目", 2021));
    assert_false(jx_selection_has(&d, "", 2024));
}

/*
 * fixtures/demo under mof-2020 (fixtures/README.md totals):
 *   2021 部门: 矫正管理中心 99.9000, 石峰司法局 98.5559, 如皋 94.2667 → 1, 2, 3
 *   2024 部门: 大竹 96.8979, 法律援助中心 77.1926 → 1, 2
 *   2021 项目: 司法专项 89.1969 → 1
 * Display: departments before projects, years ascending, then rank.
 */
static void test_run_ranking(void **state)
{
    (void)state;
    jx_store *st = fixture_store("mof-2020");
    int64_t run;
    assert_int_equal(jx_run_latest(st, &run), JX_OK);
    jx_ranking *r = NULL;
    assert_int_equal(stored_ranking(st, run, NULL, &r), JX_OK);
    assert_int_equal(jx_ranking_count(r), 6);
    struct {
        const char *name, *project;
        int year;
        size_t rank, size;
        double total;
    } want[] = {
        {"株洲市石峰区社区矫正管理中心", "", 2021, 1, 3, 99.9},
        {"株洲市石峰区司法局", "", 2021, 2, 3, 98.5558869740},
        {"如皋市司法局", "", 2021, 3, 3, 94.2666799721},
        {"大竹县司法局", "", 2024, 1, 2, 96.8979257091},
        {"大竹县法律援助中心", "", 2024, 2, 2, 77.1925925926},
        {"株洲市石峰区司法局", "司法专项", 2021, 1, 1, 89.1969135802},
    };
    for (size_t i = 0; i < 6; i++) {
        const jx_ranked *s = jx_ranking_at(r, i);
        assert_string_equal(s->name, want[i].name);
        assert_string_equal(s->project, want[i].project);
        assert_int_equal(s->year, want[i].year);
        assert_int_equal(s->rank, want[i].rank);
        assert_int_equal(s->group_size, want[i].size);
        assert_true(fabs(s->total - want[i].total) < 1e-9);
    }
    assert_null(jx_ranking_at(r, 6));
    assert_int_equal(jx_ranking_run(r), run);
    jx_ranking_free(r);

    /* only projects; only 2024 departments */
    jx_selection p = {.kind = JX_SEL_PROJECTS};
    assert_int_equal(stored_ranking(st, run, &p, &r), JX_OK);
    assert_int_equal(jx_ranking_count(r), 1);
    assert_string_equal(jx_ranking_at(r, 0)->project, "司法专项");
    jx_ranking_free(r);
    jx_selection d = {.kind = JX_SEL_DEPARTMENTS, .year = 2024};
    assert_int_equal(stored_ranking(st, run, &d, &r), JX_OK);
    assert_int_equal(jx_ranking_count(r), 2);
    assert_string_equal(jx_ranking_at(r, 0)->code, "135");
    assert_string_equal(jx_ranking_at(r, 1)->code, "135001");
    jx_ranking_free(r);

    /* no such run */
    assert_int_equal(stored_ranking(st, 999, NULL, &r), JX_ERR_NOTFOUND);
    assert_null(r);
    jx_ranking_free(NULL);
    jx_store_close(st);
}

/* Under daying-2022 石峰司法局 loses its overshooting indicator (5.5556 points) → 93.0003 <
 * 如皋 94.2667. */
static void test_run_ranking_daying(void **state)
{
    (void)state;
    jx_store *st = fixture_store("daying-2022");
    int64_t run;
    assert_int_equal(jx_run_latest(st, &run), JX_OK);
    jx_ranking *r = NULL;
    jx_selection d = {.kind = JX_SEL_DEPARTMENTS, .year = 2021};
    assert_int_equal(stored_ranking(st, run, &d, &r), JX_OK);
    assert_int_equal(jx_ranking_count(r), 3);
    assert_string_equal(jx_ranking_at(r, 1)->name, "如皋市司法局");
    assert_int_equal(jx_ranking_at(r, 1)->rank, 2);
    assert_string_equal(jx_ranking_at(r, 2)->name, "株洲市石峰区司法局");
    assert_true(fabs(jx_ranking_at(r, 2)->total - (98.5558869740 - 50.0 / 9)) < 1e-9);
    jx_ranking_free(r);
    jx_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ties),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_run_ranking),
        cmocka_unit_test(test_run_ranking_daying),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
