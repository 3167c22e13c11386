/*
 * test_batch.c - evaluation in memory (engine/src/batch.c, jx_batch_import_file in import.c).
 *
 * The oracle is the store: every sequence of files is imported into a batch and
 * into an in-memory store, both are scored under mof-2020, and what
 * jx_batch_foreach and jx_run_foreach give (every total, grade, flag, budget
 * figure, indicator score and explanation, printed with %.17g) must be the same
 * text. The sequences are the ones `evaluate` cannot produce: targets imported
 * again after actuals (a store keeps actuals matched by name), an indicator
 * dropped and added back, failed files in the middle (a batch, like a store,
 * must be unchanged by them), filters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_util.h"
#include "jixiao/batch.h"
#include "jixiao/import.h"
#include "jixiao/run.h"

#define FX(dir, file) JX_FIXTURES_DIR "/" dir "/" file
#define DAZHU_T FX("dazhu-2024", "targets.csv")
#define DAZHU_A FX("dazhu-2024", "actuals.csv")
#define DAZHU_B FX("dazhu-2024", "budget.csv")

typedef struct step {
    jx_import_kind kind;
    const char *path;
    jx_err want; /* JX_OK or the error both must return */
} step;

/* ---- text of a result ---- */

typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(text *t, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof buf);
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
    memcpy(t->s + t->len, buf, (size_t)n + 1);
    t->len += (size_t)n;
}

static int print_subject(const jx_run_subject *s, void *ctx)
{
    text *t = ctx;
    const jx_result *r = &s->result;
    add(t,
        "%lld|%s|%s|%s|%d|%.17g|%s|%u|%.17g|%.17g|%.17g|%.17g|%d|%.17g|%.17g|%.17g|%zu|%zu|%.17g|%."
        "17g|%.17g\n",
        (long long)s->subject_id, s->code, s->name, s->project, s->year, r->total, r->grade,
        r->flags, r->weight_sum, r->points_sum, r->ind_weight, r->ind_points, r->budget_scored,
        r->budget_rate, r->budget_weight, r->budget_points, r->nscored, r->nna, s->budget_initial,
        s->budget, s->spent);
    if (s->n) { /* the details read with the indicators */
        const jx_money *m[] = {&s->fund_fiscal, &s->fund_carryover, &s->fund_other, &s->spend_basic,
                               &s->spend_project};
        add(t, " notes|%s|%s|%s|%s\n", s->admin_dept ? s->admin_dept : "(null)",
            s->implementer ? s->implementer : "(null)", s->goal ? s->goal : "(null)",
            s->goal_result ? s->goal_result : "(null)");
        for (int k = 0; k < 5; k++)
            if (m[k]->has)
                add(t, " money %d|%.17g|%.17g|%.17g\n", k, m[k]->initial, m[k]->budget,
                    m[k]->spent);
        if (s->has_claimed_budget) add(t, " claimed budget|%.17g\n", s->claimed_budget);
        if (s->has_claimed_total) add(t, " claimed total|%.17g\n", s->claimed_total);
    }
    for (size_t i = 0; i < s->n; i++) {
        const jx_run_indicator *in = &s->ind[i];
        const jx_score *c = &in->score;
        if (in->has_claim) add(t, "  claimed|%.17g\n", in->claimed);
        add(t, "  %s|%s|%s|%s|%s|%s|%s|%s|%s|%d|%d|%d|%.17g|%.17g|%.17g|%.17g|%.17g|%d|%u|%s\n",
            in->level1, in->level2, in->level3, in->op, in->target, in->unit, in->note,
            in->actual ? in->actual : "(null)", in->reason, in->weight_given, c->scored,
            (int)c->method, c->weight, c->ratio, c->points, c->a, c->t, c->detail, c->flags,
            in->explain);
    }
    return 0;
}

static void on_error(void *ctx, const char *message)
{
    add(ctx, "%s\n", message);
}

static jx_ruleset *rules(void)
{
    static const char *const dirs[] = {JX_RULES_DIR};
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    if (jx_ruleset_load("mof-2020", dirs, 1, &rs, &msg)) fail_msg("rules: %s", msg.text);
    return rs;
}

/* Run the steps on a batch and on a store; both results (or both score errors) as text. */
static void run_both(const step *steps, size_t n, const jx_run_filter *filter, text *bt,
                     text *st_text)
{
    jx_batch *b = NULL;
    jx_store *st = NULL;
    jx_errmsg msg;
    assert_int_equal(jx_batch_new(&b), JX_OK);
    if (jx_store_open(":memory:", &st, &msg)) fail_msg("open: %s", msg.text);
    for (size_t i = 0; i < n; i++) {
        jx_import_result rb, rst;
        text mb = {0}, ms = {0}; /* every row's message */
        jx_import_opts ob = {.on_error = on_error, .ctx = &mb},
                       os = {.on_error = on_error, .ctx = &ms};
        jx_err eb = jx_batch_import_file(b, steps[i].kind, steps[i].path, &ob, &rb);
        jx_err es = jx_import_file(st, steps[i].kind, steps[i].path, &os, &rst);
        assert_string_equal(mb.s ? mb.s : "", ms.s ? ms.s : "");
        assert_true(!steps[i].want || *jx_batch_errmsg(b)); /* a failed file says why */
        free(mb.s);
        free(ms.s);
        if (eb != steps[i].want || es != steps[i].want)
            fail_msg("step %zu (%s): batch %d \"%s\", store %d \"%s\", want %d", i, steps[i].path,
                     eb, jx_batch_errmsg(b), es, jx_store_errmsg(st), steps[i].want);
        assert_string_equal(jx_batch_errmsg(b),
                            jx_store_errmsg(st)); /* set on failure only: "" or the same */
        assert_int_equal(rb.rows, rst.rows);
        assert_int_equal(rb.replaced, rst.replaced);
        assert_int_equal(rb.subjects, rst.subjects);
        assert_int_equal(rb.errors, rst.errors);
    }
    jx_ruleset *rs = rules();
    jx_run_summary sb, ss;
    jx_err eb = jx_batch_score(b, rs, NULL, &sb);
    jx_err es = jx_run_score(st, rs, NULL, &ss);
    assert_int_equal(eb, es);
    if (eb) {
        add(bt, "error %d: %s\n", eb, jx_batch_errmsg(b));
        add(st_text, "error %d: %s\n", es, jx_store_errmsg(st));
    } else {
        assert_int_equal(sb.subjects, ss.subjects);
        assert_int_equal(sb.indicators, ss.indicators);
        assert_int_equal(batch_foreach(b, filter, print_subject, bt), JX_OK);
        assert_int_equal(stored_foreach(st, ss.run_id, filter, print_subject, st_text), JX_OK);
    }
    jx_ruleset_free(rs);
    jx_store_close(st);
    jx_batch_free(b);
}

static void check_same(const step *steps, size_t n, const jx_run_filter *filter, text *out)
{
    text bt = {0}, stt = {0};
    run_both(steps, n, filter, &bt, &stt);
    assert_non_null(bt.s);
    assert_string_equal(bt.s, stt.s);
    if (out)
        *out = bt;
    else
        free(bt.s);
    free(stt.s);
}

/* ---- files written by the tests ---- */

static char dir[] = "/tmp/jixiao-test-batch.XXXXXX";

static const char *write_file(const char *name, const char *content)
{
    static char path[8][512];
    static int k;
    char *p = path[k++ % 8];
    snprintf(p, 512, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    return p;
}

static const char *const T_HEAD =
    "部门名称,项目名称,年度,一级指标,二级指标,三级指标,指标性质,指标值,度量单位,权重\n";
static const char *const A_HEAD =
    "部门名称,项目名称,年度,一级指标,二级指标,三级指标,实际完成值,偏差原因\n";

/* ---- tests ---- */

/* every fixture, one file of each kind, with indicators */
static void fixtures_match_the_store(void **state)
{
    (void)state;
    static const char *const dirs[] = {"demo", "dazhu-2024", "rugao-2021", "shifeng-2021"};
    for (size_t d = 0; d < 4; d++) {
        char t[512], a[512], bu[512];
        snprintf(t, sizeof t, "%s/%s/targets.csv", JX_FIXTURES_DIR, dirs[d]);
        snprintf(a, sizeof a, "%s/%s/actuals.csv", JX_FIXTURES_DIR, dirs[d]);
        snprintf(bu, sizeof bu, "%s/%s/budget.csv", JX_FIXTURES_DIR, dirs[d]);
        step s[] = {{JX_IMPORT_TARGETS, t, JX_OK},
                    {JX_IMPORT_ACTUALS, a, JX_OK},
                    {JX_IMPORT_BUDGET, bu, JX_OK}};
        jx_run_filter f = {.indicators = true};
        check_same(s, 3, &f, NULL);
    }
}

/* targets again after actuals and budget: replaced, actuals and budget kept (a store matches
 * actuals by name); the totals are the first import's */
static void targets_again_keep_actuals(void **state)
{
    (void)state;
    step once[] = {{JX_IMPORT_TARGETS, DAZHU_T, JX_OK},
                   {JX_IMPORT_ACTUALS, DAZHU_A, JX_OK},
                   {JX_IMPORT_BUDGET, DAZHU_B, JX_OK}};
    step twice[] = {{JX_IMPORT_TARGETS, DAZHU_T, JX_OK},
                    {JX_IMPORT_ACTUALS, DAZHU_A, JX_OK},
                    {JX_IMPORT_BUDGET, DAZHU_B, JX_OK},
                    {JX_IMPORT_TARGETS, DAZHU_T, JX_OK}};
    jx_run_filter f = {.indicators = true};
    text a = {0}, b = {0};
    check_same(once, 3, &f, &a);
    check_same(twice, 4, &f, &b);
    assert_string_equal(a.s, b.s);
    assert_non_null(strstr(a.s, "|330|")); /* the first actual, 330 村社 */
    free(a.s);
    free(b.s);
}

/* an indicator dropped by a new targets file and added back by a third: its actual returns */
static void indicator_dropped_and_back(void **state)
{
    (void)state;
    char full[1024], part[1024];
    snprintf(full, sizeof full,
             "%s甲局,,2024,产出指标,数量指标,培训场次,≥,10,场,50\n甲局,,2024,效益指标,社会效益,"
             "满意度,≥,90,%%,50\n",
             T_HEAD);
    snprintf(part, sizeof part, "%s甲局,,2024,产出指标,数量指标,培训场次,≥,10,场,100\n", T_HEAD);
    const char *tf = write_file("full.csv", full), *tp = write_file("part.csv", part);
    char act[1024];
    snprintf(act, sizeof act, "%s甲局,,2024,,,培训场次,8,场地未落实\n甲局,,2024,,,满意度,95%%,\n",
             A_HEAD);
    const char *af = write_file("act.csv", act);
    step s[] = {{JX_IMPORT_TARGETS, tf, JX_OK},
                {JX_IMPORT_ACTUALS, af, JX_OK},
                {JX_IMPORT_TARGETS, tp, JX_OK},
                {JX_IMPORT_TARGETS, tf, JX_OK}};
    jx_run_filter f = {.indicators = true};
    text t = {0};
    check_same(s, 4, &f, &t);
    assert_non_null(strstr(t.s, "满意度|≥|90|%||95%|"));
    free(t.s);
    check_same(s, 3, &f, NULL); /* with the indicator dropped */
}

/* a failed file in the middle changes nothing: the same text as without it */
static void failed_files_change_nothing(void **state)
{
    (void)state;
    char newsubj[1024];
    /* a new subject's good row, then a bad weight: the subject must not survive */
    snprintf(newsubj, sizeof newsubj,
             "%s乙局,,2024,产出指标,数量指标,培训场次,≥,10,场,50\n乙局,,2024,产出指标,数量指标,"
             "宣传,≥,5,次,abc\n",
             T_HEAD);
    const char *tn = write_file("newsubj.csv", newsubj);
    char act[1024];
    snprintf(act, sizeof act, "%s乙局,,2024,,,培训场次,8,\n", A_HEAD);
    const char *an = write_file("newact.csv", act);
    step clean[] = {{JX_IMPORT_TARGETS, DAZHU_T, JX_OK},
                    {JX_IMPORT_ACTUALS, DAZHU_A, JX_OK},
                    {JX_IMPORT_BUDGET, DAZHU_B, JX_OK}};
    step with_failures[] = {
        {JX_IMPORT_TARGETS, DAZHU_T, JX_OK},
        {JX_IMPORT_TARGETS, tn, JX_ERR_FORMAT},
        {JX_IMPORT_ACTUALS, an, JX_ERR_FORMAT}, /* 乙局 was rolled back: no targets for it */
        {JX_IMPORT_ACTUALS, DAZHU_A, JX_OK},
        {JX_IMPORT_ACTUALS, JX_TESTS_DIR "/bad/actual-numbers.csv", JX_ERR_FORMAT},
        {JX_IMPORT_BUDGET, DAZHU_B, JX_OK},
        {JX_IMPORT_BUDGET, JX_TESTS_DIR "/bad/budget-numbers.csv", JX_ERR_FORMAT},
        {JX_IMPORT_TARGETS, JX_TESTS_DIR "/bad/target-numbers.csv", JX_ERR_FORMAT},
        {JX_IMPORT_TARGETS, JX_TESTS_DIR "/bad/empty.csv", JX_ERR_FORMAT},
    };
    jx_run_filter f = {.indicators = true};
    text a = {0}, b = {0};
    check_same(clean, 3, &f, &a);
    check_same(with_failures, sizeof with_failures / sizeof *with_failures, &f, &b);
    assert_string_equal(a.s, b.s);
    assert_null(strstr(b.s, "乙局"));
    free(a.s);
    free(b.s);
}

/* a failed actuals file that had already replaced an actual: the earlier one is back */
static void failed_actuals_put_back(void **state)
{
    (void)state;
    char t[1024], a1[1024], a2[1024];
    snprintf(t, sizeof t,
             "%s丙局,,2024,产出指标,数量指标,培训场次,≥,10,场,50\n丙局,,2024,效益指标,社会效益,"
             "满意度,≥,90,%%,50\n",
             T_HEAD);
    snprintf(a1, sizeof a1, "%s丙局,,2024,,,培训场次,8,场地未落实\n丙局,,2024,,,满意度,95%%,\n",
             A_HEAD);
    /* row 2 replaces 培训场次 (8 -> 12), row 3 is bad: the file fails after the replacement */
    snprintf(a2, sizeof a2, "%s丙局,,2024,,,培训场次,12,\n丙局,,2024,,,满意度,很满意,\n", A_HEAD);
    const char *tf = write_file("t3.csv", t), *af1 = write_file("a31.csv", a1),
               *af2 = write_file("a32.csv", a2);
    step clean[] = {{JX_IMPORT_TARGETS, tf, JX_OK}, {JX_IMPORT_ACTUALS, af1, JX_OK}};
    step failed[] = {{JX_IMPORT_TARGETS, tf, JX_OK},
                     {JX_IMPORT_ACTUALS, af1, JX_OK},
                     {JX_IMPORT_ACTUALS, af2, JX_ERR_FORMAT}};
    jx_run_filter f = {.indicators = true};
    text x = {0}, y = {0};
    check_same(clean, 2, &f, &x);
    check_same(failed, 3, &f, &y);
    assert_string_equal(x.s, y.s);
    assert_non_null(strstr(y.s, "培训场次|≥|10|场||8|场地未落实|"));
    free(x.s);
    free(y.s);
}

/* 主管部门, 实施单位, 年度总体目标 and its 实际完成情况, the money rows under 年度资金总额 and the
 * department's own scores (自评得分, 自评总分): read back the same from a batch and a store, and
 * replaced by a later budget file that has the total row only */
#define DETAILS(f) JX_TESTS_DIR "/data/details/" f
static void details_match(void **state)
{
    (void)state;
    step s[] = {{JX_IMPORT_TARGETS, DETAILS("targets.csv"), JX_OK},
                {JX_IMPORT_ACTUALS, DETAILS("actuals.csv"), JX_OK},
                {JX_IMPORT_BUDGET, DETAILS("budget.csv"), JX_OK},
                {JX_IMPORT_BUDGET, DETAILS("budget-bad.csv"), JX_ERR_FORMAT},
                {JX_IMPORT_ACTUALS, DETAILS("actuals-bad.csv"), JX_ERR_FORMAT}};
    jx_run_filter f = {.indicators = true};
    text x = {0};
    check_same(s, sizeof s / sizeof *s, &f, &x);
    assert_non_null(strstr(x.s, " notes|219-测试县人民政府|901-测试县水利局|"
                                "完成3座小型水库维修，保障汛期安全|完成3座水库维修，汛期无险情\n"));
    assert_non_null(strstr(x.s, " money 0|80|100|96\n money 1|20|20|18\n money 2|0|0|0\n"));
    assert_non_null(strstr(x.s, " claimed budget|10\n claimed total|100\n"));
    assert_non_null(strstr(x.s, "  claimed|30\n  产出指标|数量指标|维修水库数量|"));
    /* 执行率 114 / 120 = 0.95: the total row is what is scored */
    assert_non_null(strstr(x.s, "|0.94999999999999996|10|9.5|"));
    free(x.s);
    step again[] = {{JX_IMPORT_TARGETS, DETAILS("targets.csv"), JX_OK},
                    {JX_IMPORT_ACTUALS, DETAILS("actuals.csv"), JX_OK},
                    {JX_IMPORT_BUDGET, DETAILS("budget.csv"), JX_OK},
                    {JX_IMPORT_BUDGET, DETAILS("budget-total-only.csv"), JX_OK}};
    check_same(again, 4, &f, &x);
    assert_null(strstr(x.s, " money "));
    assert_null(strstr(x.s, " claimed budget"));
    assert_non_null(strstr(x.s, "|1|10|10|")); /* 120 / 120 */
    free(x.s);
}

/* the filters of jx_run_foreach select the same subjects */
static void filters_match(void **state)
{
    (void)state;
    step s[] = {{JX_IMPORT_TARGETS, FX("shifeng-2021", "targets.csv"), JX_OK},
                {JX_IMPORT_TARGETS, DAZHU_T, JX_OK},
                {JX_IMPORT_ACTUALS, FX("shifeng-2021", "actuals.csv"), JX_OK},
                {JX_IMPORT_BUDGET, FX("shifeng-2021", "budget.csv"), JX_OK}};
    static const char *const depts[] = {"135"};
    const jx_run_filter filters[] = {
        {.project = ""}, {.project = "司法专项"},       {.year = 2024},
        {.year = 2021},  {.depts = depts, .ndepts = 1},
    };
    const size_t want[] = {2, 1, 1, 2, 1};
    for (size_t i = 0; i < sizeof filters / sizeof *filters; i++) {
        text t = {0};
        check_same(s, 4, &filters[i], &t);
        size_t lines = 0;
        for (const char *p = t.s; p && *p; p++)
            lines += *p == '\n';
        assert_int_equal(lines, want[i]);
        free(t.s);
    }
}

/* nothing to score, nothing scored yet; a batch scored again sees new files */
static void empty_and_rescored(void **state)
{
    (void)state;
    jx_batch *b = NULL;
    assert_int_equal(jx_batch_new(&b), JX_OK);
    jx_ruleset *rs = rules();
    jx_run_info info;
    assert_int_equal(batch_info(b, &info), JX_ERR_NOTFOUND);
    text t = {0};
    assert_int_equal(batch_foreach(b, NULL, print_subject, &t), JX_ERR_NOTFOUND);
    assert_int_equal(jx_batch_score(b, rs, NULL, NULL), JX_ERR_NOTFOUND);
    assert_string_equal(jx_batch_errmsg(b), "no targets to score: import targets first");
    assert_int_equal(jx_batch_import_file(b, JX_IMPORT_TARGETS, DAZHU_T, NULL, NULL), JX_OK);
    jx_run_summary sum;
    assert_int_equal(jx_batch_score(b, rs, NULL, &sum), JX_OK);
    assert_int_equal(sum.run_id, 1);
    assert_int_equal(sum.subjects, 1);
    assert_int_equal(batch_info(b, &info), JX_OK);
    assert_string_equal(info.rules, "mof-2020");
    assert_int_equal(info.subjects, 1);
    assert_int_equal(
        jx_batch_import_file(b, JX_IMPORT_TARGETS, FX("rugao-2021", "targets.csv"), NULL, NULL),
        JX_OK);
    assert_int_equal(jx_batch_score(b, rs, NULL, &sum), JX_OK);
    assert_int_equal(sum.subjects, 2);
    assert_int_equal(batch_foreach(b, NULL, print_subject, &t), JX_OK);
    assert_non_null(strstr(t.s, "大竹县司法局"));
    assert_non_null(strstr(t.s, "如皋市司法局"));
    free(t.s);
    assert_int_equal(jx_batch_import_file(NULL, JX_IMPORT_TARGETS, DAZHU_T, NULL, NULL),
                     JX_ERR_INVALID);
    assert_int_equal(jx_batch_new(NULL), JX_ERR_INVALID);
    jx_batch_free(NULL);
    jx_ruleset_free(rs);
    jx_batch_free(b);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const names[] = {"full.csv",   "part.csv", "act.csv", "newsubj.csv",
                                        "newact.csv", "t3.csv",   "a31.csv", "a32.csv"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixtures_match_the_store),   cmocka_unit_test(targets_again_keep_actuals),
        cmocka_unit_test(indicator_dropped_and_back), cmocka_unit_test(failed_files_change_nothing),
        cmocka_unit_test(failed_actuals_put_back),    cmocka_unit_test(filters_match),
        cmocka_unit_test(empty_and_rescored),         cmocka_unit_test(details_match),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
