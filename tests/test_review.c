/*
 * test_review.c - the bureau's review (review.h) on the worked example of tests/data/review
 * (README.md there has every number by hand): claims against rule scores on a stored run and
 * on a batch, the threshold, the 抽查 sample, run diffs, trends, and the workbooks with charts
 * (charts.h) read back.
 */
#define _GNU_SOURCE /* mkstemps */
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
#include <zip.h>

#include "jixiao/batch.h"
#include "jixiao/charts.h"
#include "jixiao/import.h"
#include "jixiao/review.h"
#include "jixiao/run.h"
#include "jixiao/sensitivity.h"
#include "jixiao/stats.h"
#include "read/xlsx_read_int.h"

#define DATA(f) JX_TESTS_DIR "/data/review/" f
#define EPS 1e-9

static const char *const rule_dirs[] = {JX_RULES_DIR};

static jx_ruleset *rules(const char *name)
{
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    if (jx_ruleset_load(name, rule_dirs, 1, &rs, &msg)) fail_msg("rules: %s", msg.text);
    return rs;
}

static void import(jx_store *st, jx_import_kind kind, const char *path)
{
    if (jx_import_file(st, kind, path, NULL, NULL))
        fail_msg("import %s: %s", path, jx_store_errmsg(st));
}

static void score(jx_store *st, const jx_ruleset *rs)
{
    if (jx_run_score(st, rs, NULL, NULL)) fail_msg("score: %s", jx_store_errmsg(st));
}

/* the worked example in a new in-memory store, scored once under mof-2020 (run 1) */
static jx_store *example_store(const jx_ruleset *rs)
{
    jx_store *st = NULL;
    jx_errmsg msg;
    if (jx_store_open(":memory:", &st, &msg)) fail_msg("open: %s", msg.text);
    import(st, JX_IMPORT_TARGETS, DATA("targets.csv"));
    import(st, JX_IMPORT_ACTUALS, DATA("actuals.csv"));
    import(st, JX_IMPORT_BUDGET, DATA("budget.csv"));
    score(st, rs);
    return st;
}

/* The worked example scored (run 1), open for reading: each test's state (setup/teardown). */
typedef struct fixture {
    jx_ruleset *rs;
    jx_store *st;
    jx_run *run;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    fx->rs = rules("mof-2020");
    fx->st = example_store(fx->rs);
    if (jx_run_open(fx->st, 0, &fx->run)) return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    jx_run_close(fx->run);
    jx_store_close(fx->st);
    jx_ruleset_free(fx->rs);
    free(fx);
    return 0;
}

static jx_batch *example_batch(const jx_ruleset *rs)
{
    jx_batch *b = NULL;
    assert_int_equal(jx_batch_new(&b), JX_OK);
    static const char *const files[] = {DATA("targets.csv"), DATA("actuals.csv"),
                                        DATA("budget.csv")};
    static const jx_import_kind kinds[] = {JX_IMPORT_TARGETS, JX_IMPORT_ACTUALS, JX_IMPORT_BUDGET};
    for (int i = 0; i < 3; i++)
        if (jx_batch_import_file(b, kinds[i], files[i], NULL, NULL))
            fail_msg("batch import %s: %s", files[i], jx_batch_errmsg(b));
    if (jx_batch_score(b, rs, NULL, NULL)) fail_msg("batch score: %s", jx_batch_errmsg(b));
    return b;
}

static jx_review *review_of(jx_run *run, const jx_ruleset *rs, const jx_review_opts *o)
{
    jx_review *rv = NULL;
    jx_errmsg msg;
    if (jx_review_run(run, rs, o, &rv, &msg)) fail_msg("review: %s", msg.text);
    return rv;
}

static const jx_review_subject *find(const jx_review *rv, const char *name, const char *project,
                                     int year)
{
    for (size_t i = 0; i < jx_review_count(rv); i++) {
        const jx_review_subject *s = jx_review_at(rv, i);
        if (!strcmp(s->name, name) && !strcmp(s->project, project) && s->year == year) return s;
    }
    fail_msg("no subject %s/%s %d", name, project, year);
    return NULL;
}

static void check_gap(const jx_review_gap *g, const char *level3, double claimed, double points)
{
    assert_string_equal(g->level3, level3);
    assert_true(fabs(g->claimed - claimed) < EPS);
    assert_true(fabs(g->points - points) < 1e-6);
    assert_true(fabs(g->gap - (claimed - points)) < 1e-6);
}

/* every number of README.md's table */
static void check_example(const jx_review *rv)
{
    assert_int_equal(jx_review_count(rv), 6);
    assert_true(jx_review_threshold(rv) == 5);
    /* order: known gaps, largest first; then unknown; then no claims */
    assert_string_equal(jx_review_at(rv, 0)->name, "甲局");
    assert_int_equal(jx_review_at(rv, 0)->year, 2024);
    assert_string_equal(jx_review_at(rv, 4)->name, "丁局");
    assert_string_equal(jx_review_at(rv, 5)->name, "丙局");

    const jx_review_subject *a23 = find(rv, "甲局", "", 2023);
    assert_true(fabs(a23->total - 96) < 1e-9 && fabs(a23->claimed_total - 100) < 1e-9);
    assert_false(a23->total_given);
    assert_int_equal(a23->flags, 0); /* gap 4 ≤ 5, 优 = 优 */
    assert_int_equal(a23->ngaps, 2);
    check_gap(&a23->gaps[0], "合格率", 30, 27);
    check_gap(&a23->gaps[1], "全年执行数/全年预算数", 10, 9);
    assert_string_equal(a23->gaps[1].level1, JX_REVIEW_BUDGET_LINE);
    assert_int_equal(a23->nclaims, 4);
    assert_true(a23->has_budget && a23->budget == 100);

    const jx_review_subject *a24 = find(rv, "甲局", "", 2024);
    double rule = 36 + 30 + 20.0 * 80 / 85 + 10;
    assert_true(fabs(a24->total - rule) < 1e-9);
    assert_true(fabs(a24->gap - (100 - rule)) < 1e-9);
    assert_int_equal(a24->flags, JX_REVIEW_OVER_CLAIMED);
    assert_string_equal(a24->claimed_grade, "优");
    assert_int_equal(a24->ngaps, 2);
    check_gap(&a24->gaps[0], "培训人次", 40, 36);
    check_gap(&a24->gaps[1], "满意度", 20, 20.0 * 80 / 85);

    const jx_review_subject *b = find(rv, "乙局", "", 2024);
    assert_true(b->total_given && b->claimed_total == 92);
    assert_true(fabs(b->gap - (92 - 93.5)) < 1e-9);
    assert_int_equal(b->flags, 0);
    assert_int_equal(b->ngaps, 1);
    check_gap(&b->gaps[0], "案件数", 45, 40.5);
    assert_int_equal(b->nmissing, 2); /* 覆盖率 and the budget line: no claim, but a 自评总分 */

    const jx_review_subject *p = find(rv, "乙局", "专项", 2024);
    assert_true(fabs(p->total - 79) < 1e-9 && fabs(p->claimed_total - 80) < 1e-9);
    assert_string_equal(p->grade, "中");
    assert_string_equal(p->claimed_grade, "良");
    assert_int_equal(p->flags, JX_REVIEW_OVER_CLAIMED); /* a gap of 1, but a higher grade */
    assert_false(p->has_budget);

    const jx_review_subject *c = find(rv, "丙局", "", 2024);
    assert_false(c->has_claims);
    assert_true(isnan(c->claimed_total) && isnan(c->gap) && !c->claimed_grade);
    assert_int_equal(c->flags, 0);

    const jx_review_subject *d = find(rv, "丁局", "", 2024);
    assert_true(d->has_claims);
    assert_int_equal(d->flags, JX_REVIEW_CLAIMS_INCOMPLETE);
    assert_true(isnan(d->claimed_total));
    assert_int_equal(d->ngaps, 0);
    assert_int_equal(d->nclaims, 1);
    assert_int_equal(d->nmissing, 2);
}

/* the same review from a stored run and from a batch */
static void review_store_and_batch(void **state)
{
    fixture *fx = *state;
    jx_review *rv = review_of(fx->run, fx->rs, NULL);
    check_example(rv);
    assert_int_equal(jx_review_about(rv)->id, 1);
    jx_review_free(rv);

    jx_batch *b = example_batch(fx->rs);
    jx_run *run = NULL;
    assert_int_equal(jx_batch_run(b, &run), JX_OK);
    rv = review_of(run, fx->rs, NULL);
    check_example(rv);
    jx_review_free(rv);
    jx_run_close(run);
    jx_batch_free(b);
}

/* the threshold: strict, from the options or the rule set; none at all is an error */
static void review_threshold(void **state)
{
    fixture *fx = *state;
    jx_ruleset *rs = fx->rs;
    jx_run *run = fx->run;
    double t = 0;
    assert_true(jx_ruleset_review_threshold(rs, &t));
    assert_true(t == 5);
    jx_review_opts o = {.has_threshold = true, .threshold = 4};
    jx_review *rv = review_of(run, rs, &o);
    assert_int_equal(find(rv, "甲局", "", 2023)->flags, 0); /* a gap of exactly 4 is not > 4 */
    jx_review_free(rv);
    o.threshold = 3.99;
    rv = review_of(run, rs, &o);
    assert_int_equal(find(rv, "甲局", "", 2023)->flags, JX_REVIEW_OVER_CLAIMED);
    jx_review_free(rv);
    o = (jx_review_opts){.sel = {.kind = JX_SEL_PROJECTS}};
    rv = review_of(run, rs, &o);
    assert_int_equal(jx_review_count(rv), 1);
    jx_review_free(rv);

    /* mof-2020 without its [review] section */
    FILE *f = fopen(JX_RULES_DIR "/mof-2020.ini", "rb");
    assert_non_null(f);
    char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *cut = strstr(text, "[review]");
    assert_non_null(cut);
    *cut = '\0';
    jx_ruleset *bare = NULL;
    jx_errmsg msg;
    assert_int_equal(jx_ruleset_parse(text, strlen(text), "bare.ini", NULL, 0, &bare, &msg), JX_OK);
    assert_false(jx_ruleset_review_threshold(bare, &t));
    assert_int_equal(jx_review_run(run, bare, NULL, &rv, &msg), JX_ERR_RULES);
    assert_null(rv);
    assert_non_null(strstr(msg.text, "[review] threshold"));
    o = (jx_review_opts){.has_threshold = true, .threshold = -1};
    assert_int_equal(jx_review_run(run, rs, &o, &rv, &msg), JX_ERR_INVALID);
    jx_ruleset_free(bare);
}

/* a [review] threshold out of range is a rule-set error naming the line */
static void review_threshold_rules(void **state)
{
    (void)state;
    static const char text[] = "[ruleset]\nextends = mof-2020\nname = x\n[review]\nthreshold = "
                               "-2\n";
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    assert_int_equal(jx_ruleset_parse(text, strlen(text), "x.ini", rule_dirs, 1, &rs, &msg),
                     JX_ERR_RULES);
    assert_non_null(strstr(msg.text, "x.ini:5: [review] threshold"));
    static const char ok[] = "[ruleset]\nextends = mof-2020\nname = x\n[review]\nthreshold = 2.5\n";
    assert_int_equal(jx_ruleset_parse(ok, strlen(ok), "x.ini", rule_dirs, 1, &rs, &msg), JX_OK);
    double t;
    assert_true(jx_ruleset_review_threshold(rs, &t) && t == 2.5);
    jx_ruleset_free(rs);
}

/* "甲局2024", "乙局专项2024": who was picked, in buf */
static const char *pick_name(const jx_sample_pick *p, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s%d", p->s->name, p->s->project, p->s->year);
    return buf;
}
#define PICK(p) pick_name((p), (char[64]){0}, 64)

/* every over-claimer, then the strata (README.md): reproducible, one from each stratum */
static void sample_strata(void **state)
{
    fixture *fx = *state;
    jx_review *rv = review_of(fx->run, fx->rs, NULL);
    jx_errmsg msg;
    char seen[3][64] = {{0}};
    int distinct = 0;
    for (uint64_t seed = 1; seed <= 30; seed++) {
        jx_sample_opts o = {.count = 4, .seed = seed};
        jx_sample *sm = NULL, *again = NULL;
        assert_int_equal(jx_sample_draw(rv, &o, &sm, &msg), JX_OK);
        assert_int_equal(jx_sample_draw(rv, &o, &again, &msg), JX_OK);
        assert_int_equal(jx_sample_count(sm), 4);
        for (size_t i = 0; i < 4; i++) /* the same seed, the same list */
            assert_ptr_equal(jx_sample_at(sm, i)->s, jx_sample_at(again, i)->s);
        assert_string_equal(PICK(jx_sample_at(sm, 0)), "甲局2024");
        assert_int_equal(jx_sample_at(sm, 0)->reason, JX_SAMPLE_OVER_CLAIMED);
        assert_int_equal(jx_sample_at(sm, 0)->stratum, 2);
        assert_string_equal(PICK(jx_sample_at(sm, 1)), "乙局专项2024");
        assert_int_equal(jx_sample_at(sm, 1)->stratum, JX_SAMPLE_NO_BUDGET);
        /* 2 random: one of Q1 {丁局, 甲局 2023, 丙局}, and Q4's only member 乙局 */
        const jx_sample_pick *q1 = jx_sample_at(sm, 2), *q4 = jx_sample_at(sm, 3);
        assert_int_equal(q1->reason, JX_SAMPLE_RANDOM);
        assert_int_equal(q1->stratum, 0);
        assert_true(q1->s->budget <= 100);
        assert_string_equal(PICK(q4), "乙局2024");
        assert_int_equal(q4->stratum, 3);
        char name[64];
        pick_name(q1, name, sizeof name);
        int k = 0;
        while (k < distinct && strcmp(seen[k], name))
            k++;
        if (k == distinct && distinct < 3) snprintf(seen[distinct++], 64, "%s", name);
        jx_sample_free(sm);
        jx_sample_free(again);
    }
    assert_int_equal(distinct, 3); /* 30 seeds reach every member of Q1 */

    double cut[3];
    jx_sample_opts o = {.rate = 0.5, .seed = 9};
    jx_sample *sm = NULL;
    assert_int_equal(jx_sample_draw(rv, &o, &sm, &msg), JX_OK);
    assert_int_equal(jx_sample_asked(sm, cut), 3);
    assert_true(cut[0] == 100 && cut[1] == 100 && cut[2] == 200);
    assert_int_equal(jx_sample_count(sm), 3); /* one random: the largest stratum, Q1 */
    assert_int_equal(jx_sample_at(sm, 2)->stratum, 0);
    const jx_sample_stratum *q1 = jx_sample_stratum_at(sm, 0);
    assert_int_equal(q1->population, 3);
    assert_int_equal(q1->drawn, 1);
    assert_true(q1->min == 50 && q1->max == 100);
    assert_int_equal(jx_sample_stratum_at(sm, 1)->population, 0);
    jx_sample_free(sm);
    o = (jx_sample_opts){.count = 1}; /* fewer than the over-claimers: all of them anyway */
    assert_int_equal(jx_sample_draw(rv, &o, &sm, &msg), JX_OK);
    assert_int_equal(jx_sample_count(sm), 2);
    jx_sample_free(sm);
    o = (jx_sample_opts){.count = 100};
    assert_int_equal(jx_sample_draw(rv, &o, &sm, &msg), JX_OK);
    assert_int_equal(jx_sample_count(sm), 6);
    jx_sample_free(sm);
    o = (jx_sample_opts){.rate = 1.5};
    assert_int_equal(jx_sample_draw(rv, &o, &sm, &msg), JX_ERR_INVALID);
    assert_null(sm);
    jx_review_free(rv);
}

static jx_diff *diff_of(jx_store *st, int64_t a, int64_t b)
{
    jx_run *ra = NULL, *rb = NULL;
    assert_int_equal(jx_run_open(st, a, &ra), JX_OK);
    assert_int_equal(jx_run_open(st, b, &rb), JX_OK);
    jx_diff *d = NULL;
    jx_errmsg msg;
    if (jx_diff_runs(ra, rb, NULL, &d, &msg)) fail_msg("diff: %s", msg.text);
    jx_run_close(ra);
    jx_run_close(rb);
    return d;
}

/* a corrected actual, a changed target, another rule set: each diff lists what changed and why */
static void diff_runs(void **state)
{
    fixture *fx = *state;
    jx_ruleset *rs = fx->rs;
    jx_store *st = fx->st;
    jx_diff *d = diff_of(st, 1, 1);
    assert_int_equal(jx_diff_count(d), 0);
    assert_int_equal(jx_diff_compared(d), 6);
    jx_diff_free(d);

    import(st, JX_IMPORT_ACTUALS, DATA("actuals-fix.csv"));
    score(st, rs); /* run 2 */
    d = diff_of(st, 1, 2);
    assert_int_equal(jx_diff_count(d), 1);
    const jx_diff_subject *s = jx_diff_at(d, 0);
    assert_string_equal(s->name, "甲局");
    assert_int_equal(s->year, 2024);
    double before = 36 + 30 + 20.0 * 80 / 85 + 10;
    assert_true(fabs(s->total_a - before) < 1e-9 && fabs(s->total_b - (before + 4)) < 1e-9);
    assert_int_equal(s->rank_a, 3);
    assert_int_equal(s->rank_b, 3);
    assert_string_equal(s->grade_a, "优");
    assert_int_equal(s->why, 0);
    assert_int_equal(s->n, 1);
    assert_string_equal(s->ind[0].level3, "培训人次");
    assert_string_equal(s->ind[0].a.actual, "99");
    assert_string_equal(s->ind[0].b.actual, "110");
    assert_string_equal(s->ind[0].a.target, "≥110人次");
    assert_true(s->ind[0].a.points == 36 && s->ind[0].b.points == 40);
    assert_int_equal(s->ind[0].why, JX_DIFF_ACTUAL);
    assert_int_equal(jx_diff_about(d, 0)->id, 1);
    assert_int_equal(jx_diff_about(d, 1)->id, 2);
    jx_diff_free(d);

    /* 乙局's targets again, 案件数 now ≥45件: its row and its points change, 覆盖率 only its row */
    char path[] = "/tmp/jx-review-targets-XXXXXX.csv";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("部门编码,部门名称,项目名称,年度,一级指标,二级指标,三级指标,指标值,分值\n"
          "802,乙局,,2024,产出指标,数量指标,案件数,≥45件,45\n"
          "802,乙局,,2024,效益指标,社会效益指标,覆盖率,≥80%,45\n",
          f);
    fclose(f);
    import(st, JX_IMPORT_TARGETS, path);
    unlink(path);
    score(st, rs); /* run 3 */
    d = diff_of(st, 2, 3);
    assert_int_equal(jx_diff_count(d), 1);
    s = jx_diff_at(d, 0);
    assert_string_equal(s->name, "乙局");
    assert_int_equal(s->n, 1);
    assert_string_equal(s->ind[0].a.target, "≥50件");
    assert_string_equal(s->ind[0].b.target, "≥45件");
    assert_true(s->ind[0].a.points == 40.5 && s->ind[0].b.points == 45);
    assert_int_equal(s->ind[0].why, JX_DIFF_TARGET);
    jx_diff_free(d);

    /* another rule set (budget line 20 points): every subject with a budget moves */
    static const char text[] = "[ruleset]\nextends = mof-2020\nname = budget20\n[budget]\n"
                               "weight = 20\n";
    jx_ruleset *rs20 = NULL;
    jx_errmsg msg;
    assert_int_equal(jx_ruleset_parse(text, strlen(text), "b20.ini", rule_dirs, 1, &rs20, &msg),
                     JX_OK);
    score(st, rs20); /* run 4 */
    d = diff_of(st, 3, 4);
    /* 甲局 2023 and 2024, 乙局; not 专项 (no budget), nor 丙局 and 丁局 (full marks: 100 either
     * way) */
    assert_int_equal(jx_diff_count(d), 3);
    for (size_t i = 0; i < jx_diff_count(d); i++) {
        assert_true(jx_diff_at(d, i)->why & JX_DIFF_RULES);
        assert_int_equal(jx_diff_at(d, i)->n, 0);
    }
    assert_string_equal(jx_diff_why_name(JX_DIFF_RULES), "rules_changed");
    assert_string_equal(jx_diff_why_name(JX_DIFF_ACTUAL), "actual_reimported");
    jx_diff_free(d);
    jx_ruleset_free(rs20);
}

/* 甲局's two years lined up; the targets that were not raised */
static void trend_years(void **state)
{
    fixture *fx = *state;
    jx_run *run = fx->run;
    jx_trend *t = NULL;
    jx_errmsg msg;
    assert_int_equal(jx_trend_load(run, "801", "", &t, &msg), JX_OK);
    assert_int_equal(jx_trend_years(t), 2);
    const jx_trend_year *y0 = jx_trend_year_at(t, 0), *y1 = jx_trend_year_at(t, 1);
    assert_int_equal(y0->year, 2023);
    assert_true(y0->total == 96 || fabs(y0->total - 96) < 1e-9);
    assert_int_equal(y0->rank, 1);
    assert_int_equal(y0->of, 1);
    assert_int_equal(y1->year, 2024);
    assert_int_equal(y1->rank, 3); /* 丙局 and 丁局 100, 甲局 94.82, 乙局 93.5 */
    assert_int_equal(y1->of, 4);
    assert_int_equal(jx_trend_count(t), 3);
    const jx_trend_indicator *x = jx_trend_at(t, 0);
    assert_string_equal(x->level3, "培训人次");
    assert_string_equal(x->cells[0].target, "≥100人次");
    assert_string_equal(x->cells[1].actual, "99");
    assert_int_equal(x->cells[0].review_flags, 0);
    assert_int_equal(x->cells[1].review_flags, JX_REVIEW_TARGET_NOT_RAISED);
    assert_true(x->cells[1].prev_actual == 120);
    assert_true(x->cells[1].points == 36);
    assert_int_equal(jx_trend_at(t, 1)->cells[1].review_flags, 0); /* 合格率 90% > 81% */
    assert_int_equal(jx_trend_at(t, 2)->cells[1].review_flags, JX_REVIEW_TARGET_NOT_RAISED);
    assert_true(jx_trend_at(t, 2)->cells[1].prev_actual == 90);
    jx_trend_free(t);

    assert_int_equal(jx_trend_load(run, "乙局", "专项", &t, &msg), JX_OK);
    assert_int_equal(jx_trend_years(t), 1);
    assert_int_equal(jx_trend_year_at(t, 0)->rank, 1);
    jx_trend_free(t);
    assert_int_equal(jx_trend_load(run, "乙局", "另一项目", &t, &msg), JX_ERR_NOTFOUND);
    assert_non_null(strstr(msg.text, "部门整体, 专项"));
    assert_int_equal(jx_trend_load(run, "戊局", "", &t, &msg), JX_ERR_NOTFOUND);
    assert_non_null(strstr(msg.text, "no department 戊局"));
    assert_string_equal(jx_review_flag_name(JX_REVIEW_TARGET_NOT_RAISED), "target_not_raised");
}

/* the first non-empty row of a sheet whose first cell is `first`, as "a|b|c…" */
static void sheet_row(const char *path, size_t sheet, const char *first, char *out, size_t cap)
{
    jx_wb *wb = NULL;
    jx_errmsg msg;
    if (jx_wb_open(path, NULL, NULL, &wb, &msg)) fail_msg("%s", msg.text);
    assert_int_equal(jx_wb_sheet_begin(wb, sheet), JX_OK);
    jx_wb_row row;
    bool eof = false;
    out[0] = '\0';
    while (!jx_wb_next_row(wb, &row, &eof) && !eof) {
        if (strcmp(row.cells[0].ptr, first)) continue;
        for (size_t i = 0; i < row.ncells; i++)
            snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? "|" : "", row.cells[i].ptr);
        break;
    }
    jx_wb_close(wb);
}

static bool has_part(const char *path, const char *part, const char *needle)
{
    int err = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &err);
    assert_non_null(z);
    zip_stat_t zs;
    bool found = false;
    if (!zip_stat(z, part, 0, &zs)) {
        char *buf = calloc(1, zs.size + 1);
        zip_file_t *f = zip_fopen(z, part, 0);
        if (buf && f && zip_fread(f, buf, zs.size) == (zip_int64_t)zs.size)
            found = !needle || strstr(buf, needle);
        if (f) zip_fclose(f);
        free(buf);
    }
    zip_close(z);
    return found;
}

/* the three workbooks: their numbers read back, their charts present */
static void workbooks(void **state)
{
    fixture *fx = *state;
    jx_ruleset *rs = fx->rs;
    jx_store *st = fx->st;
    jx_run *run = fx->run;
    jx_review *rv = review_of(run, rs, NULL);
    char path[] = "/tmp/jx-review-XXXXXX.xlsx", row[1024];
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    close(fd);
    jx_errmsg msg;
    assert_int_equal(jx_review_write_xlsx(rv, path, &msg), JX_OK);
    sheet_row(path, 0, "801", row, sizeof row); /* the first subject: 甲局 2024 */
    /* typed numbers, read back as General shows them (15 digits) */
    assert_string_equal(row, "801|甲局|部门整体|2024|100|94.8235294117647|5.1764705882353|优|优|2|"
                             "自评虚高");
    sheet_row(path, 1, "802", row,
              sizeof row); /* 指标差异: 乙局 专项 comes first of 802; 72 − 71.1 */
    assert_string_equal(row,
                        "802|乙局|专项|2024|产出指标|数量指标|设备数|72|71.1|0.899999999999991");
    assert_true(has_part(path, "xl/charts/chart1.xml", "<c:scatterChart>"));
    jx_review_free(rv);

    jx_ranking *r = NULL;
    assert_int_equal(jx_ranking_load(run, NULL, &r), JX_OK);
    jx_stats_report rep = {0};
    assert_int_equal(jx_stats_of_ranking(r, &rep), JX_OK);
    assert_int_equal(jx_stats_write_xlsx(r, &rep, "run 1", path, &msg), JX_OK);
    assert_true(has_part(path, "xl/charts/chart1.xml", "<c:barChart>"));
    assert_true(has_part(path, "xl/charts/chart3.xml", "<c:scatterChart>"));
    sheet_row(path, 0, "n（对象数）", row, sizeof row);
    assert_string_equal(row, "n（对象数）|6");
    jx_stats_report_free(&rep);
    jx_ranking_free(r);

    const jx_ruleset *rsets[] = {rs};
    jx_sens_opts so = {.samples = 50, .spread = 0.1, .seed = 3, .rules = rsets, .nrules = 1};
    jx_sensitivity *sens = NULL;
    assert_int_equal(jx_sensitivity_run(st, &so, &sens), JX_OK);
    assert_int_equal(jx_sensitivity_write_xlsx(sens, NULL, path, &msg), JX_OK);
    /* groups: departments 2023, departments 2024, projects 2024: a chart each */
    assert_true(has_part(path, "xl/charts/chart3.xml", "<c:scatterChart>"));
    assert_false(has_part(path, "xl/charts/chart4.xml", NULL));
    jx_sensitivity_free(sens);
    assert_int_equal(jx_review_write_xlsx(NULL, path, &msg), JX_ERR_INVALID);
    unlink(path);
    rv = review_of(run, rs, NULL);
    assert_int_equal(jx_review_write_xlsx(rv, "/nonexistent-dir/x.xlsx", &msg), JX_ERR_IO);
    jx_review_free(rv);
}

/* the runs of a store, with their mean totals */
static int count_run(const jx_run_info *info, double mean, void *ctx)
{
    double *m = ctx;
    m[info->id - 1] = mean;
    return 0;
}

static void run_list(void **state)
{
    fixture *fx = *state;
    jx_ruleset *rs = fx->rs;
    jx_store *st = fx->st;
    import(st, JX_IMPORT_ACTUALS, DATA("actuals-fix.csv"));
    score(st, rs);
    double m[3] = {NAN, NAN, NAN};
    assert_int_equal(jx_run_list(st, count_run, m), JX_OK);
    double totals = 96 + (36 + 30 + 20.0 * 80 / 85 + 10) + 93.5 + 79 + 100 + 100;
    assert_true(fabs(m[0] - totals / 6) < 1e-9);
    assert_true(fabs(m[1] - (totals + 4) / 6) < 1e-9);
    assert_true(isnan(m[2]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(review_store_and_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(review_threshold, setup, teardown),
        cmocka_unit_test(review_threshold_rules),
        cmocka_unit_test_setup_teardown(sample_strata, setup, teardown),
        cmocka_unit_test_setup_teardown(diff_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(trend_years, setup, teardown),
        cmocka_unit_test_setup_teardown(workbooks, setup, teardown),
        cmocka_unit_test_setup_teardown(run_list, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
