/*
 * test_vcache.c - the memo of parsed value strings (engine/src/vcache.c).
 *
 * The cache must be invisible: for every input, a first call (a miss), a
 * second call (a hit) and a plain jx_value_parse / jx_value_parse_cells give
 * the same value (compared as the JSON of jx_value_to_json) or the same error
 * and message. The strings are from the seed tables in ../shared/seeds/
 * (001: 指标性质 | 指标值 | 度量单位 columns; 000 and 003: values in one cell).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "model/vcache_int.h"

typedef struct cells {
    const char *op, *value, *unit;
} cells;

/* seed 001 rows, and cells that fail (not an operator; a qualitative operator on a number) */
static const cells seed001[] = {
    {"=", "324", "个"},  {"≥", "300", "案件数"},   {"≥", "95", "%"},   {"≤", "0.2", "百分 率"},
    {"≥", "12", "场次"}, {"定性", "优良中差", ""}, {"", "健全", ""},   {"≥", "100", "%"},
    {"约", "5", "个"},   {"定性", "95", "%"},      {"≥", "abc", "个"}, {"=", "324", "件"},
};

/* seed 000 and 003 values, and texts that fail */
static const char *const texts[] = {
    "≧15场次",
    "90%以上",
    "万分之十以上",
    "每季度",
    "优良差",
    "健全",
    "无直接经济效益",
    "≥95%",
    "2020年12月31日前",
    "100%",
    "≤5%",
    "较上年提高",
    "",
    "95%%",
    "≥≥5",
    "1e400",
};

static void json_of(const jx_value *v, char *buf, size_t cap)
{
    jx_value_to_json(v, buf, cap);
}

/* the cached answer (ge, gm, got) is the plain one (pe, pm, plain) */
static void same_answer(jx_err pe, const jx_errmsg *pm, const jx_value *plain, jx_err ge,
                        const jx_errmsg *gm, const jx_value *got)
{
    assert_int_equal(ge, pe);
    char a[1024], b[1024];
    json_of(plain, a, sizeof a);
    json_of(got, b, sizeof b);
    assert_string_equal(b, a);
    if (pe) assert_string_equal(gm->text, pm->text);
}

static void same_cells(jx_vcache *c, const cells *k)
{
    jx_value plain, got;
    jx_errmsg pm = {0}, gm = {0};
    jx_err pe = jx_value_parse_cells(k->op, k->value, k->unit, &plain, &pm);
    for (int round = 0; round < 2; round++) { /* a miss, then a hit */
        memset(&got, 0x5a, sizeof got);
        jx_err ge = jx_vcache_cells(c, k->op, k->value, k->unit, &got, &gm);
        same_answer(pe, &pm, &plain, ge, &gm, &got);
    }
}

static void same_text(jx_vcache *c, const char *s)
{
    jx_value plain, got;
    jx_errmsg pm = {0}, gm = {0};
    jx_err pe = jx_value_parse(s, strlen(s), &plain, &pm);
    for (int round = 0; round < 2; round++) { /* a miss, then a hit */
        memset(&got, 0x5a, sizeof got);
        jx_err ge = jx_vcache_text(c, s, strlen(s), &got, &gm);
        same_answer(pe, &pm, &plain, ge, &gm, &got);
    }
}

static void test_same_as_parse(void **state)
{
    (void)state;
    jx_vcache c = {0};
    for (size_t i = 0; i < sizeof seed001 / sizeof *seed001; i++)
        same_cells(&c, &seed001[i]);
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        same_text(&c, texts[i]);
    /* failures are not kept */
    size_t cells_ok = 0, texts_ok = 0;
    jx_value v;
    for (size_t i = 0; i < sizeof seed001 / sizeof *seed001; i++)
        cells_ok += jx_value_parse_cells(seed001[i].op, seed001[i].value, seed001[i].unit, &v,
                                         NULL) == JX_OK;
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        texts_ok += jx_value_parse(texts[i], strlen(texts[i]), &v, NULL) == JX_OK;
    /* the tables do hold failures */
    assert_true(cells_ok < sizeof seed001 / sizeof *seed001);
    assert_true(texts_ok < sizeof texts / sizeof *texts);
    assert_int_equal(c.n, cells_ok + texts_ok);
    jx_vcache_free(&c);
}

/* keys cannot run into each other: the parts are length-prefixed, and cells and texts differ */
static void test_keys_distinct(void **state)
{
    (void)state;
    jx_vcache c = {0};
    jx_value v;
    char j[512];
    /* "≥" + "95" + "%" vs "≥9" + "5" + "%"... and "≥95" + "%" + "" */
    assert_int_equal(jx_vcache_cells(&c, "≥", "95", "%", &v, NULL), JX_OK);
    json_of(&v, j, sizeof j);
    assert_string_equal(
        j, "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}");
    assert_int_equal(jx_vcache_cells(&c, "", "≥95", "", &v, NULL), JX_OK);
    json_of(&v, j, sizeof j);
    assert_string_equal(
        j, "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"\",\"implicit\":false}");
    assert_int_equal(jx_vcache_cells(&c, "", "95", "%", &v, NULL), JX_OK);
    json_of(&v, j, sizeof j);
    assert_string_equal(
        j, "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":true}");
    /* the text "95" is not the cells "", "95", "": both parse, to different units */
    assert_int_equal(jx_vcache_text(&c, "95%", 3, &v, NULL), JX_OK);
    json_of(&v, j, sizeof j);
    assert_string_equal(
        j, "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":true}");
    assert_int_equal(jx_vcache_text(&c, "95%", 2, &v, NULL), JX_OK); /* only "95" */
    json_of(&v, j, sizeof j);
    assert_string_equal(
        j, "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"\",\"implicit\":true}");
    assert_int_equal(c.n, 5);
    jx_vcache_free(&c);
}

/* A full cache keeps answering correctly; long strings and NULL cells bypass it. */
static void test_limits(void **state)
{
    (void)state;
    jx_vcache c = {0};
    jx_value v;
    char s[32], j[512], want[512];
    for (int i = 0; i < JX_VCACHE_MAX + 100; i++) {
        snprintf(s, sizeof s, "≥%d件", i);
        assert_int_equal(jx_vcache_text(&c, s, strlen(s), &v, NULL), JX_OK);
        assert_true(v.num == i);
    }
    assert_int_equal(c.n, JX_VCACHE_MAX);
    snprintf(s, sizeof s, "≥%d件", JX_VCACHE_MAX + 50); /* not kept: parsed again */
    assert_int_equal(jx_vcache_text(&c, s, strlen(s), &v, NULL), JX_OK);
    assert_true(v.num == JX_VCACHE_MAX + 50);
    assert_int_equal(jx_vcache_text(&c, "≥7件", strlen("≥7件"), &v, NULL), JX_OK); /* kept */
    assert_true(v.num == 7);

    char big[700];
    memset(big, ' ', sizeof big - 4);
    memcpy(big + sizeof big - 4, "95%", 4); /* 95% after 696 spaces: longer than a key */
    jx_vcache_free(&c);                     /* empty again */
    const size_t n0 = 0;
    assert_int_equal(jx_vcache_text(&c, big, strlen(big), &v, NULL), JX_OK);
    json_of(&v, j, sizeof j);
    jx_value p;
    assert_int_equal(jx_value_parse(big, strlen(big), &p, NULL), JX_OK);
    json_of(&p, want, sizeof want);
    assert_string_equal(j, want);
    assert_int_equal(c.n, n0); /* not kept */
    assert_int_equal(jx_vcache_cells(&c, NULL, "95", NULL, &v, NULL),
                     jx_value_parse_cells(NULL, "95", NULL, &p, NULL));
    assert_int_equal(c.n, n0);
    jx_vcache_free(&c);
}

/* the cell at fault comes through the cache: each failure is parsed again; a hit is no fault */
static void test_cells_at(void **state)
{
    (void)state;
    jx_vcache c = {0};
    jx_value v;
    jx_cell bad = JX_CELL_VALUE;
    for (int k = 0; k < 2; k++) {
        assert_int_equal(jx_vcache_cells_at(&c, "大概", "95", "%", &v, NULL, &bad), JX_ERR_PARSE);
        assert_int_equal(bad, JX_CELL_OP);
        assert_int_equal(jx_vcache_cells_at(&c, "", "95%", "件", &v, NULL, &bad), JX_ERR_CONFLICT);
        assert_int_equal(bad, JX_CELL_UNIT);
    }
    assert_int_equal(jx_vcache_cells_at(&c, "═", "100", "%", &v, NULL, &bad), JX_OK);
    bad = JX_CELL_OP;
    assert_int_equal(jx_vcache_cells_at(&c, "═", "100", "%", &v, NULL, &bad), JX_OK); /* a hit */
    assert_int_equal(bad, JX_CELL_VALUE);
    assert_int_equal(v.op, JX_OP_EQ);
    jx_vcache_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_parse),
        cmocka_unit_test(test_keys_distinct),
        cmocka_unit_test(test_cells_at),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
