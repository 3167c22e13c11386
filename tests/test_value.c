/*
 * test_value.c - the indicator value grammar (engine/src/value.c).
 *
 * Table-driven: each table says where its strings come from. The seed tables
 * are the three real 绩效目标表 in ../shared/seeds/; every indicator value in
 * them is a case here, with the expected parse written as the exact JSON of
 * jx_value_to_json() (which shows every field that matters for the kind).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "jixiao/value.h"

/* One text and the JSON of its parse. */
typedef struct json_case {
    const char *in;
    const char *json;
} json_case;

/* One text that must fail, with the code and a piece of the message. */
typedef struct err_case {
    const char *in;
    size_t len; /* 0: strlen(in) */
    jx_err err;
    const char *msg_has;
} err_case;

/* Three cells 指标性质 | 指标值 | 度量单位 and the result. */
typedef struct cells_case {
    const char *op, *value, *unit;
    jx_err err;
    const char *json_or_msg; /* the JSON on success, a piece of the message on failure */
} cells_case;

static size_t n_cases; /* counted for the summary line */

static void check_json(const json_case *c)
{
    jx_value v;
    jx_errmsg msg;
    char buf[1024];
    jx_err e = jx_value_parse(c->in, strlen(c->in), &v, &msg);
    if (e) fail_msg("\"%s\": unexpected error %d: %s", c->in, e, msg.text);
    jx_value_to_json(&v, buf, sizeof buf);
    if (strcmp(buf, c->json) != 0) fail_msg("\"%s\"\n  got  %s\n  want %s", c->in, buf, c->json);
    n_cases++;
}

#define RUN_JSON(table)                                                                            \
    for (size_t i_ = 0; i_ < sizeof(table) / sizeof *(table); i_++)                                \
    check_json(&(table)[i_])

/* ---- seed 000 (株洲市石峰区司法局 2021): column 指标值 of both indicator tables, in order ---- */
static const json_case seed000[] = {
    {"360", "{\"kind\":\"number\",\"op\":\">=\",\"value\":360,\"unit\":\"\",\"implicit\":true}"},
    {"≧15场次",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":15,\"unit\":\"场次\",\"implicit\":false}"},
    {"每季度", "{\"kind\":\"frequency\",\"per_year\":4}"},
    {"≧400件",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":400,\"unit\":\"件\",\"implicit\":false}"},
    {"≧80人",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":80,\"unit\":\"人\",\"implicit\":false}"},
    {"≧200人",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":200,\"unit\":\"人\",\"implicit\":false}"},
    {"100%", "{\"kind\":\"number\",\"op\":\">=\",\"value\":100,\"unit\":\"%\",\"implicit\":true}"},
    {"100%", "{\"kind\":\"number\",\"op\":\">=\",\"value\":100,\"unit\":\"%\",\"implicit\":true}"},
    {"≥30万元",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":30,\"unit\":\"万元\",\"implicit\":false}"},
    {"无直接经济效益", "{\"kind\":\"na\",\"placeholder\":false}"},
    {"良好", "{\"kind\":\"grade\",\"grade\":\"良\",\"scale\":\"优良中差\"}"},
    {"", "{\"kind\":\"na\",\"placeholder\":false}"}, /* 生态效益: empty cell */
    {"", "{\"kind\":\"na\",\"placeholder\":false}"}, /* 可持续影响: empty cell */
    /* the last cell runs into the next page: "90%以上\n \t2021年..." was cut by the
     * table reader; what reaches the parser is the value with its line break */
    {"90%以上\n",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":90,\"unit\":\"%\",\"implicit\":false}"},
    /* and the same strings as written in the second (专项资金) table */
    {" ≧15场次 ",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":15,\"unit\":\"场次\",\"implicit\":false}"},
    {"\t每季度", "{\"kind\":\"frequency\",\"per_year\":4}"},
};

/* ---- seed 003 (如皋市司法局 2021): column 指标值, in order; cells split across lines by the
 * PDF extraction keep their breaks ("万分之十以 上") ---- */
static const json_case seed003[] = {
    {"健全", "{\"kind\":\"word\",\"text\":\"健全\"}"},
    {"> 90%", "{\"kind\":\"number\",\"op\":\">\",\"value\":90,\"unit\":\"%\",\"implicit\":false}"},
    {"合规", "{\"kind\":\"word\",\"text\":\"合规\"}"},
    {"合理", "{\"kind\":\"word\",\"text\":\"合理\"}"},
    {"健全", "{\"kind\":\"word\",\"text\":\"健全\"}"},
    {"合理", "{\"kind\":\"word\",\"text\":\"合理\"}"},
    {"合理", "{\"kind\":\"word\",\"text\":\"合理\"}"},
    {"合规", "{\"kind\":\"word\",\"text\":\"合规\"}"},
    {"健全", "{\"kind\":\"word\",\"text\":\"健全\"}"},
    {"合规", "{\"kind\":\"word\",\"text\":\"合规\"}"},
    {"健全", "{\"kind\":\"word\",\"text\":\"健全\"}"},
    {"规范", "{\"kind\":\"word\",\"text\":\"规范\"}"},
    {"公开", "{\"kind\":\"word\",\"text\":\"公开\"}"},
    {"> 90%", "{\"kind\":\"number\",\"op\":\">\",\"value\":90,\"unit\":\"%\",\"implicit\":false}"},
    {"万分之十以 上",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":10,\"unit\":\"‱\",\"implicit\":false}"},
    {"万分之十以\n上",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":10,\"unit\":\"‱\",\"implicit\":false}"},
    {"0", "{\"kind\":\"number\",\"op\":\"<=\",\"value\":0,\"unit\":\"\",\"implicit\":true}"},
    {"100%", "{\"kind\":\"number\",\"op\":\">=\",\"value\":100,\"unit\":\"%\",\"implicit\":true}"},
    {"100%", "{\"kind\":\"number\",\"op\":\">=\",\"value\":100,\"unit\":\"%\",\"implicit\":true}"},
};

/* ---- seed 003, column 指标说明 and the project tables' 年度目标: targets written in prose.
 * Numbers inside a sentence stay words; the short phrases parse. ---- */
static const json_case seed003_prose[] = {
    {"预算执行率大于90%", "{\"kind\":\"word\",\"text\":\"预算执行率大于90%\"}"},
    {"大于90%",
     "{\"kind\":\"number\",\"op\":\">\",\"value\":90,\"unit\":\"%\",\"implicit\":false}"},
    {"达到1235 以上",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":1235,\"unit\":\"\",\"implicit\":false}"},
    {"当年无重新犯罪", "{\"kind\":\"word\",\"text\":\"当年无重新犯罪\"}"},
    {"不少于6天",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":6,\"unit\":\"天\",\"implicit\":false}"},
    {"98%以上",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":98,\"unit\":\"%\",\"implicit\":false}"},
    {"95%以上",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {"达到十", "{\"kind\":\"number\",\"op\":\">=\",\"value\":10,\"unit\":\"\",\"implicit\":false}"},
    {"调查评估率100%", "{\"kind\":\"word\",\"text\":\"调查评估率100%\"}"},
};

/* ---- shared/domain.md "Value grammar" and the lead's grammar notes: one block per rule ---- */

/* normalisation: white space anywhere (ASCII, U+3000, breaks), full-width ASCII, a final 。 */
static const json_case rule_normalise[] = {
    {"≤0.2 百分 率",
     "{\"kind\":\"number\",\"op\":\"<=\",\"value\":0.2,\"unit\":\"%\",\"implicit\":false}"},
    {"≥65%百分 率",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":65,\"unit\":\"%\",\"implicit\":false}"},
    {"≥65%百分\r\n率",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":65,\"unit\":\"%\",\"implicit\":false}"},
    {"９５％", "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":true}"},
    {"＞＝９５％",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {"\xe3\x80\x80"
     "3\xe3\x80\x80件",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":3,\"unit\":\"件\",\"implicit\":true}"},
    {"健全。", "{\"kind\":\"word\",\"text\":\"健全\"}"},
    {"12件.", "{\"kind\":\"number\",\"op\":\">=\",\"value\":12,\"unit\":\"件\",\"implicit\":true}"},
    {"效果 显著", "{\"kind\":\"word\",\"text\":\"效果显著\"}"},
    {"ＡＢＣ", "{\"kind\":\"word\",\"text\":\"ABC\"}"},
};

/* operators: symbols, words, trailing words, repeats */
static const json_case rule_ops[] = {
    {"≥95%", "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {">=95%", "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {"大于等于95%",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {"不低于95%",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {"至少3次",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":3,\"unit\":\"次\",\"implicit\":false}"},
    {"90%及以上",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":90,\"unit\":\"%\",\"implicit\":false}"},
    {"≤5%", "{\"kind\":\"number\",\"op\":\"<=\",\"value\":5,\"unit\":\"%\",\"implicit\":false}"},
    {"≦5%", "{\"kind\":\"number\",\"op\":\"<=\",\"value\":5,\"unit\":\"%\",\"implicit\":false}"},
    {"＜＝5", "{\"kind\":\"number\",\"op\":\"<=\",\"value\":5,\"unit\":\"\",\"implicit\":false}"},
    {"不超过100万元",
     "{\"kind\":\"number\",\"op\":\"<=\",\"value\":100,\"unit\":\"万元\",\"implicit\":false}"},
    {"小于等于3",
     "{\"kind\":\"number\",\"op\":\"<=\",\"value\":3,\"unit\":\"\",\"implicit\":false}"},
    {"控制在5%以内",
     "{\"kind\":\"number\",\"op\":\"<=\",\"value\":5,\"unit\":\"%\",\"implicit\":false}"},
    {"5%以下", "{\"kind\":\"number\",\"op\":\"<=\",\"value\":5,\"unit\":\"%\",\"implicit\":false}"},
    {"3件及以下",
     "{\"kind\":\"number\",\"op\":\"<=\",\"value\":3,\"unit\":\"件\",\"implicit\":false}"},
    {"＞90%", "{\"kind\":\"number\",\"op\":\">\",\"value\":90,\"unit\":\"%\",\"implicit\":false}"},
    {"高于90%",
     "{\"kind\":\"number\",\"op\":\">\",\"value\":90,\"unit\":\"%\",\"implicit\":false}"},
    {"<1%", "{\"kind\":\"number\",\"op\":\"<\",\"value\":1,\"unit\":\"%\",\"implicit\":false}"},
    {"低于1%", "{\"kind\":\"number\",\"op\":\"<\",\"value\":1,\"unit\":\"%\",\"implicit\":false}"},
    {"=12", "{\"kind\":\"number\",\"op\":\"=\",\"value\":12,\"unit\":\"\",\"implicit\":false}"},
    {"＝12个月",
     "{\"kind\":\"number\",\"op\":\"=\",\"value\":12,\"unit\":\"个月\",\"implicit\":false}"},
    {"等于12", "{\"kind\":\"number\",\"op\":\"=\",\"value\":12,\"unit\":\"\",\"implicit\":false}"},
    {"不低于90%以上",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":90,\"unit\":\"%\",\"implicit\":false}"},
    /* a word operator before something that is no number: the whole text is a word */
    {"达到国家标准", "{\"kind\":\"word\",\"text\":\"达到国家标准\"}"},
    {"支出金额控制在预算额度内", "{\"kind\":\"word\",\"text\":\"支出金额控制在预算额度内\"}"},
    {"控制在预算内", "{\"kind\":\"word\",\"text\":\"控制在预算内\"}"},
    /* no operator: >= implicit, bare zero <= implicit */
    {"300", "{\"kind\":\"number\",\"op\":\">=\",\"value\":300,\"unit\":\"\",\"implicit\":true}"},
    {"0%", "{\"kind\":\"number\",\"op\":\"<=\",\"value\":0,\"unit\":\"%\",\"implicit\":true}"},
    {"0件", "{\"kind\":\"number\",\"op\":\"<=\",\"value\":0,\"unit\":\"件\",\"implicit\":true}"},
    {"≥0", "{\"kind\":\"number\",\"op\":\">=\",\"value\":0,\"unit\":\"\",\"implicit\":false}"},
};

/* numbers: decimals, sign, thousands separators, Chinese numerals, fractions */
static const json_case rule_numbers[] = {
    {"0.2", "{\"kind\":\"number\",\"op\":\">=\",\"value\":0.2,\"unit\":\"\",\"implicit\":true}"},
    {"99.95%",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":99.95,\"unit\":\"%\",\"implicit\":true}"},
    {"-5", "{\"kind\":\"number\",\"op\":\">=\",\"value\":-5,\"unit\":\"\",\"implicit\":true}"},
    {"6,700", "{\"kind\":\"number\",\"op\":\">=\",\"value\":6700,\"unit\":\"\",\"implicit\":true}"},
    {"1,234,567元",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":1234567,\"unit\":\"元\",\"implicit\":true}"},
    {"1,234.5",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":1234.5,\"unit\":\"\",\"implicit\":true}"},
    {"６，７００",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":6700,\"unit\":\"\",\"implicit\":true}"},
    {"十", "{\"kind\":\"number\",\"op\":\">=\",\"value\":10,\"unit\":\"\",\"implicit\":true}"},
    {"二十五", "{\"kind\":\"number\",\"op\":\">=\",\"value\":25,\"unit\":\"\",\"implicit\":true}"},
    {"一百", "{\"kind\":\"number\",\"op\":\">=\",\"value\":100,\"unit\":\"\",\"implicit\":true}"},
    {"一百零五",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":105,\"unit\":\"\",\"implicit\":true}"},
    {"两千", "{\"kind\":\"number\",\"op\":\">=\",\"value\":2000,\"unit\":\"\",\"implicit\":true}"},
    {"三万", "{\"kind\":\"number\",\"op\":\">=\",\"value\":30000,\"unit\":\"\",\"implicit\":true}"},
    {"一万二千",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":12000,\"unit\":\"\",\"implicit\":true}"},
    {"一百五", "{\"kind\":\"number\",\"op\":\">=\",\"value\":150,\"unit\":\"\",\"implicit\":true}"},
    {"三亿",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":300000000,\"unit\":\"\",\"implicit\":true}"},
    {"十五场次",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":15,\"unit\":\"场次\",\"implicit\":true}"},
    {"两个月",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":2,\"unit\":\"个月\",\"implicit\":true}"},
    {"零", "{\"kind\":\"number\",\"op\":\"<=\",\"value\":0,\"unit\":\"\",\"implicit\":true}"},
    {"≥十件",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":10,\"unit\":\"件\",\"implicit\":false}"},
    {"百分之九十五",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":true}"},
    {"百分之95",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":true}"},
    {"千分之五",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":5,\"unit\":\"‰\",\"implicit\":true}"},
    {"万分之十",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":10,\"unit\":\"‱\",\"implicit\":true}"},
    {"不低于百分之九十",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":90,\"unit\":\"%\",\"implicit\":false}"},
    /* a Chinese numeral that does not end in a measure word opens an ordinary word */
    {"一村一法律顾问", "{\"kind\":\"word\",\"text\":\"一村一法律顾问\"}"},
    {"十分满意", "{\"kind\":\"word\",\"text\":\"十分满意\"}"},
    {"十四五规划", "{\"kind\":\"word\",\"text\":\"十四五规划\"}"},
    {"百分之九十五的群众", "{\"kind\":\"word\",\"text\":\"百分之九十五的群众\"}"},
};

/* units: every percent spelling is %, ‰ ‱ kept, other short units as written */
static const json_case rule_units[] = {
    {"95百分率",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":true}"},
    {"95百分比",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":true}"},
    {"95%百分率",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":true}"},
    {"5‰", "{\"kind\":\"number\",\"op\":\">=\",\"value\":5,\"unit\":\"‰\",\"implicit\":true}"},
    {"10‱以上",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":10,\"unit\":\"‱\",\"implicit\":false}"},
    {"300案件数",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":300,\"unit\":\"案件数\",\"implicit\":true}"},
    /* a count per period is a frequency (issue 16), but not a fraction of times */
    {"0.5次/月",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":0.5,\"unit\":\"次/月\",\"implicit\":true}"},
    {"4件/年",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":4,\"unit\":\"件/年\",\"implicit\":true}"},
    {"500人次",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":500,\"unit\":\"人次\",\"implicit\":true}"},
    {"120km",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":120,\"unit\":\"km\",\"implicit\":true}"},
    {"≥30万元以上",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":30,\"unit\":\"万元\",\"implicit\":false}"},
};

/* grades and scales */
static const json_case rule_grades[] = {
    {"优", "{\"kind\":\"grade\",\"grade\":\"优\",\"scale\":\"优良中差\"}"},
    {"优秀", "{\"kind\":\"grade\",\"grade\":\"优\",\"scale\":\"优良中差\"}"},
    {"良", "{\"kind\":\"grade\",\"grade\":\"良\",\"scale\":\"优良中差\"}"},
    {"中", "{\"kind\":\"grade\",\"grade\":\"中\",\"scale\":\"优良中差\"}"},
    {"差", "{\"kind\":\"grade\",\"grade\":\"差\",\"scale\":\"优良中差\"}"},
    {"好", "{\"kind\":\"grade\",\"grade\":\"好\",\"scale\":\"好较好一般差\"}"},
    {"较好", "{\"kind\":\"grade\",\"grade\":\"较好\",\"scale\":\"好较好一般差\"}"},
    {"一般", "{\"kind\":\"grade\",\"grade\":\"一般\",\"scale\":\"好较好一般差\"}"},
    {"坏", "{\"kind\":\"grade\",\"grade\":\"坏\",\"scale\":\"好坏\"}"},
    {"是", "{\"kind\":\"grade\",\"grade\":\"是\",\"scale\":\"是否\"}"},
    {"否", "{\"kind\":\"grade\",\"grade\":\"否\",\"scale\":\"是否\"}"},
    {"优良中差", "{\"kind\":\"grade\",\"grade\":\"优\",\"scale\":\"优良中差\"}"},
    {"好较好一般差", "{\"kind\":\"grade\",\"grade\":\"好\",\"scale\":\"好较好一般差\"}"},
    {"是否", "{\"kind\":\"grade\",\"grade\":\"是\",\"scale\":\"是否\"}"},
    {"优/良/差", "{\"kind\":\"grade\",\"grade\":\"优\",\"scale\":\"优良差\"}"},
    {"优、良、中、差", "{\"kind\":\"grade\",\"grade\":\"优\",\"scale\":\"优良中差\"}"},
    {"好／坏", "{\"kind\":\"grade\",\"grade\":\"好\",\"scale\":\"好坏\"}"},
};

/* frequencies */
static const json_case rule_frequency[] = {
    {"每年", "{\"kind\":\"frequency\",\"per_year\":1}"},
    {"每半年", "{\"kind\":\"frequency\",\"per_year\":2}"},
    {"每季", "{\"kind\":\"frequency\",\"per_year\":4}"},
    {"每月", "{\"kind\":\"frequency\",\"per_year\":12}"},
    {"每周", "{\"kind\":\"frequency\",\"per_year\":52}"},
    {"每日", "{\"kind\":\"frequency\",\"per_year\":365}"},
    {"每天", "{\"kind\":\"frequency\",\"per_year\":365}"},
    {"每月2次", "{\"kind\":\"frequency\",\"per_year\":24}"},
    {"每年4次", "{\"kind\":\"frequency\",\"per_year\":4}"},
    {"每周一次", "{\"kind\":\"frequency\",\"per_year\":52}"},
    {"按季度", "{\"kind\":\"frequency\",\"per_year\":4}"},
    {"按月", "{\"kind\":\"frequency\",\"per_year\":12}"},
    /* 每 opening a sentence (seed 003 project table: 年度目标 of 法律援助) */
    {"每万人获得法律援助率达到十", "{\"kind\":\"word\",\"text\":\"每万人获得法律援助率达到十\"}"},
};

/* deadlines */
static const json_case rule_deadline[] = {
    {"2020年底", "{\"kind\":\"deadline\",\"date\":\"2020-12-31\"}"},
    {"2020 年末", "{\"kind\":\"deadline\",\"date\":\"2020-12-31\"}"},
    {"2020年12月31日前", "{\"kind\":\"deadline\",\"date\":\"2020-12-31\"}"},
    {"2020年12月31日之前", "{\"kind\":\"deadline\",\"date\":\"2020-12-31\"}"},
    {"2020-12-31", "{\"kind\":\"deadline\",\"date\":\"2020-12-31\"}"},
    {"2020.12.31", "{\"kind\":\"deadline\",\"date\":\"2020-12-31\"}"},
    {"2020年6月底", "{\"kind\":\"deadline\",\"date\":\"2020-06-30\"}"},
    {"2020年6月", "{\"kind\":\"deadline\",\"date\":\"2020-06-30\"}"},
    {"2020年6月前完成", "{\"kind\":\"deadline\",\"date\":\"2020-06-30\"}"},
    {"2021年底前完成", "{\"kind\":\"deadline\",\"date\":\"2021-12-31\"}"},
    {"2024年2月底", "{\"kind\":\"deadline\",\"date\":\"2024-02-29\"}"},
    {"2023年2月底", "{\"kind\":\"deadline\",\"date\":\"2023-02-28\"}"},
    {"2000年2月29日", "{\"kind\":\"deadline\",\"date\":\"2000-02-29\"}"},
    {"年底前", "{\"kind\":\"deadline\",\"date\":\"--12-31\"}"},
    {"年底", "{\"kind\":\"deadline\",\"date\":\"--12-31\"}"},
    {"12月31日前", "{\"kind\":\"deadline\",\"date\":\"--12-31\"}"},
    /* a month count is a number, not a date */
    {"12月", "{\"kind\":\"number\",\"op\":\">=\",\"value\":12,\"unit\":\"月\",\"implicit\":true}"},
    {"2020.5",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":2020.5,\"unit\":\"\",\"implicit\":true}"},
};

/* ---- issue 16: strings of real published 自评表 (schools, water bureaus, forestry, health
 * centres) that were refused or misread; each reads as a person reads it ---- */
static const json_case real_forms[] = {
    /* look-alike operators: ═ (U+2550, box drawing) and the small forms are =, < and > */
    {"═100%", "{\"kind\":\"number\",\"op\":\"=\",\"value\":100,\"unit\":\"%\",\"implicit\":false}"},
    {"﹦100%",
     "{\"kind\":\"number\",\"op\":\"=\",\"value\":100,\"unit\":\"%\",\"implicit\":false}"},
    {"＝100%",
     "{\"kind\":\"number\",\"op\":\"=\",\"value\":100,\"unit\":\"%\",\"implicit\":false}"},
    {"≧95%", "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {"≦5%", "{\"kind\":\"number\",\"op\":\"<=\",\"value\":5,\"unit\":\"%\",\"implicit\":false}"},
    {"≥=95%", "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {"≤=5%", "{\"kind\":\"number\",\"op\":\"<=\",\"value\":5,\"unit\":\"%\",\"implicit\":false}"},
    {"＞90%", "{\"kind\":\"number\",\"op\":\">\",\"value\":90,\"unit\":\"%\",\"implicit\":false}"},
    {"＜5%", "{\"kind\":\"number\",\"op\":\"<\",\"value\":5,\"unit\":\"%\",\"implicit\":false}"},
    {"﹥90%", "{\"kind\":\"number\",\"op\":\">\",\"value\":90,\"unit\":\"%\",\"implicit\":false}"},
    {"﹤5%", "{\"kind\":\"number\",\"op\":\"<\",\"value\":5,\"unit\":\"%\",\"implicit\":false}"},
    /* words after the number that change nothing */
    {"100%完成",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":100,\"unit\":\"%\",\"implicit\":true}"},
    {"95%（含）以上",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {"95%以上（含）",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {"≥3次(含本数)",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":3,\"unit\":\"次\",\"implicit\":false}"},
    {"十项完成", "{\"kind\":\"word\",\"text\":\"十项完成\"}"}, /* a sentence stays one */
    /* periods: met by their end, a deadline on the last day */
    {"2021年1月-12月", "{\"kind\":\"deadline\",\"date\":\"2021-12-31\"}"},
    {"2020年1月--2020年11月", "{\"kind\":\"deadline\",\"date\":\"2020-11-30\"}"},
    {"2022年1-12月", "{\"kind\":\"deadline\",\"date\":\"2022-12-31\"}"},
    {"2023年1月-12月", "{\"kind\":\"deadline\",\"date\":\"2023-12-31\"}"},
    {"2021年1月至12月", "{\"kind\":\"deadline\",\"date\":\"2021-12-31\"}"},
    {"2021年1月—12月", "{\"kind\":\"deadline\",\"date\":\"2021-12-31\"}"},
    {"2021年3月1日-11月15日", "{\"kind\":\"deadline\",\"date\":\"2021-11-15\"}"},
    {"2024年1-2月底", "{\"kind\":\"deadline\",\"date\":\"2024-02-29\"}"},
    {"2021.1-2021.12", "{\"kind\":\"deadline\",\"date\":\"2021-12-31\"}"},
    {"2021.01-06", "{\"kind\":\"deadline\",\"date\":\"2021-06-30\"}"},
    {"1-12月", "{\"kind\":\"deadline\",\"date\":\"--12-31\"}"},
    {"2020年全年", "{\"kind\":\"deadline\",\"date\":\"2020-12-31\"}"},
    {"全年", "{\"kind\":\"deadline\",\"date\":\"--12-31\"}"},
    /* a month's end without a year: the record's year */
    {"12月底到位", "{\"kind\":\"deadline\",\"date\":\"--12-31\"}"},
    {"12月底前", "{\"kind\":\"deadline\",\"date\":\"--12-31\"}"},
    {"6月底前到位", "{\"kind\":\"deadline\",\"date\":\"--06-30\"}"},
    {"2021年9月底到位", "{\"kind\":\"deadline\",\"date\":\"2021-09-30\"}"},
    /* M月前: before the month begins, so by the end of the month before; M月完成: within it */
    {"9月前", "{\"kind\":\"deadline\",\"date\":\"--08-31\"}"},
    {"11月之前完成", "{\"kind\":\"deadline\",\"date\":\"--10-31\"}"},
    {"3月以前", "{\"kind\":\"deadline\",\"date\":\"--02-29\"}"}, /* the month's last day */
    {"9月完成", "{\"kind\":\"deadline\",\"date\":\"--09-30\"}"},
    {"6月到位", "{\"kind\":\"deadline\",\"date\":\"--06-30\"}"},
    /* 1月前 would be in the year before, which a year-less date cannot say; a bare month is a
     * number of months (read as the month it names only against a deadline: test_score.c) */
    {"1月前",
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":1,\"unit\":\"月前\",\"implicit\":true}"},
    {"7月", "{\"kind\":\"number\",\"op\":\">=\",\"value\":7,\"unit\":\"月\",\"implicit\":true}"},
    /* N次/period: a frequency */
    {"1次/月", "{\"kind\":\"frequency\",\"per_year\":12}"},
    {"2次/年", "{\"kind\":\"frequency\",\"per_year\":2}"},
    {"1次/季", "{\"kind\":\"frequency\",\"per_year\":4}"},
    {"2次/季度", "{\"kind\":\"frequency\",\"per_year\":8}"},
    {"4次/年", "{\"kind\":\"frequency\",\"per_year\":4}"},
    {"≥12次/年", "{\"kind\":\"frequency\",\"per_year\":12}"},
    {"一次/半年", "{\"kind\":\"frequency\",\"per_year\":2}"},
    /* ... but a ceiling on a count per period is a number */
    {"≤1次/月",
     "{\"kind\":\"number\",\"op\":\"<=\",\"value\":1,\"unit\":\"次/月\",\"implicit\":false}"},
};

/* n/a and placeholders */
static const json_case rule_na[] = {
    {"无", "{\"kind\":\"na\",\"placeholder\":false}"},
    {"—", "{\"kind\":\"na\",\"placeholder\":false}"},
    {"——", "{\"kind\":\"na\",\"placeholder\":false}"},
    {"-", "{\"kind\":\"na\",\"placeholder\":false}"},
    {"--", "{\"kind\":\"na\",\"placeholder\":false}"},
    {"/", "{\"kind\":\"na\",\"placeholder\":false}"},
    {"／", "{\"kind\":\"na\",\"placeholder\":false}"},
    {"不适用", "{\"kind\":\"na\",\"placeholder\":false}"},
    {"N/A", "{\"kind\":\"na\",\"placeholder\":false}"},
    {"n/a", "{\"kind\":\"na\",\"placeholder\":false}"},
    {" \t\n", "{\"kind\":\"na\",\"placeholder\":false}"},
    {"**平米", "{\"kind\":\"na\",\"placeholder\":true}"},
    {"≥**%", "{\"kind\":\"na\",\"placeholder\":true}"},
    {"XX", "{\"kind\":\"na\",\"placeholder\":true}"},
    {"xx件", "{\"kind\":\"na\",\"placeholder\":true}"},
    {"×××", "{\"kind\":\"na\",\"placeholder\":true}"},
};

/* words, including actuals that scoring interprets later */
static const json_case rule_words[] = {
    {"部分达成 75%", "{\"kind\":\"word\",\"text\":\"部分达成75%\"}"},
    {"已完成", "{\"kind\":\"word\",\"text\":\"已完成\"}"},
    {"基本达成", "{\"kind\":\"word\",\"text\":\"基本达成\"}"},
    {"效果显著", "{\"kind\":\"word\",\"text\":\"效果显著\"}"},
    {"年度计划", "{\"kind\":\"word\",\"text\":\"年度计划\"}"},
    {"有效", "{\"kind\":\"word\",\"text\":\"有效\"}"},
    {"say \"hi\"\\", "{\"kind\":\"word\",\"text\":\"say\\\"hi\\\"\\\\\"}"}, /* JSON escaping */
};

static void test_seed000(void **state)
{
    (void)state;
    RUN_JSON(seed000);
}

static void test_seed003(void **state)
{
    (void)state;
    RUN_JSON(seed003);
    RUN_JSON(seed003_prose);
}

static void test_rules(void **state)
{
    (void)state;
    RUN_JSON(rule_normalise);
    RUN_JSON(rule_ops);
    RUN_JSON(rule_numbers);
    RUN_JSON(rule_units);
    RUN_JSON(rule_grades);
    RUN_JSON(rule_frequency);
    RUN_JSON(rule_deadline);
    RUN_JSON(rule_na);
    RUN_JSON(rule_words);
}

static void test_real_forms(void **state)
{
    (void)state;
    RUN_JSON(real_forms);
}

/* ---- seed 001 (大竹县司法局 2024): 绩效指标性质 | 绩效指标值 | 绩效度量单位, every row in order
 * ---- */
static const cells_case seed001[] = {
    {"=", "324", "个", JX_OK,
     "{\"kind\":\"number\",\"op\":\"=\",\"value\":324,\"unit\":\"个\",\"implicit\":false}"},
    {"=", "31", "个", JX_OK,
     "{\"kind\":\"number\",\"op\":\"=\",\"value\":31,\"unit\":\"个\",\"implicit\":false}"},
    {"≥", "300", "案件数", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":300,\"unit\":\"案件数\",\"implicit\":false}"},
    {"≥", "560", "人数", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":560,\"unit\":\"人数\",\"implicit\":false}"},
    {"≥", "600", "人数", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":600,\"unit\":\"人数\",\"implicit\":false}"},
    {"≥", "30", "卷", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":30,\"unit\":\"卷\",\"implicit\":false}"},
    {"≥", "12", "场次", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":12,\"unit\":\"场次\",\"implicit\":false}"},
    {"=", "2", "场次", JX_OK,
     "{\"kind\":\"number\",\"op\":\"=\",\"value\":2,\"unit\":\"场次\",\"implicit\":false}"},
    {"≥", "3200", "件", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":3200,\"unit\":\"件\",\"implicit\":false}"},
    {"≥", "400", "件", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":400,\"unit\":\"件\",\"implicit\":false}"},
    {"≥", "500", "人次", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":500,\"unit\":\"人次\",\"implicit\":false}"},
    {"≥", "98", "%", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":98,\"unit\":\"%\",\"implicit\":false}"},
    {"≥", "95", "%", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {"=", "12", "月", JX_OK,
     "{\"kind\":\"number\",\"op\":\"=\",\"value\":12,\"unit\":\"月\",\"implicit\":false}"},
    {"≥", "300", "万元", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":300,\"unit\":\"万元\",\"implicit\":false}"},
    {"定性", "优良差", "", JX_OK, "{\"kind\":\"grade\",\"grade\":\"优\",\"scale\":\"优良差\"}"},
    {"定性", "好坏", "", JX_OK, "{\"kind\":\"grade\",\"grade\":\"好\",\"scale\":\"好坏\"}"},
    {"定性", "优良差", "", JX_OK, "{\"kind\":\"grade\",\"grade\":\"优\",\"scale\":\"优良差\"}"},
    {"定性", "优良差", "", JX_OK, "{\"kind\":\"grade\",\"grade\":\"优\",\"scale\":\"优良差\"}"},
    {"定性", "优良差", "", JX_OK, "{\"kind\":\"grade\",\"grade\":\"优\",\"scale\":\"优良差\"}"},
    {"定性", "优良差", "", JX_OK, "{\"kind\":\"grade\",\"grade\":\"优\",\"scale\":\"优良差\"}"},
    {"≥", "95", "%", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
};

/* ---- jx_value_parse_cells rules (value.h): column vs text ---- */
static const cells_case cells_rules[] = {
    /* column applies when the text has none; NULL cells are empty */
    {NULL, "95%", NULL, JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":true}"},
    {"", "0", "", JX_OK,
     "{\"kind\":\"number\",\"op\":\"<=\",\"value\":0,\"unit\":\"\",\"implicit\":true}"},
    {"≥", "0", "件", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":0,\"unit\":\"件\",\"implicit\":false}"},
    {" ＝ ", "12", NULL, JX_OK,
     "{\"kind\":\"number\",\"op\":\"=\",\"value\":12,\"unit\":\"\",\"implicit\":false}"},
    {"不低于", "90", "%", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":90,\"unit\":\"%\",\"implicit\":false}"},
    {"反向", "5", "%", JX_OK,
     "{\"kind\":\"number\",\"op\":\"<=\",\"value\":5,\"unit\":\"%\",\"implicit\":false}"},
    /* look-alike operators in the 指标性质 column (issue 16) */
    {"═", "100", "%", JX_OK,
     "{\"kind\":\"number\",\"op\":\"=\",\"value\":100,\"unit\":\"%\",\"implicit\":false}"},
    {"≥=", "95", "%", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {"≧", "95", "%", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {"≦", "5", "%", JX_OK,
     "{\"kind\":\"number\",\"op\":\"<=\",\"value\":5,\"unit\":\"%\",\"implicit\":false}"},
    {"＞", "90", "%", JX_OK,
     "{\"kind\":\"number\",\"op\":\">\",\"value\":90,\"unit\":\"%\",\"implicit\":false}"},
    {"＜", "5", "%", JX_OK,
     "{\"kind\":\"number\",\"op\":\"<\",\"value\":5,\"unit\":\"%\",\"implicit\":false}"},
    {"═", "═100%", "", JX_OK,
     "{\"kind\":\"number\",\"op\":\"=\",\"value\":100,\"unit\":\"%\",\"implicit\":false}"},
    /* a count per period across the value and unit cells is a frequency, as in one cell */
    {"", "4", "次/年", JX_OK, "{\"kind\":\"frequency\",\"per_year\":4}"},
    {"≥", "1", "次/月", JX_OK, "{\"kind\":\"frequency\",\"per_year\":12}"},
    {"", "2次", "次/季度", JX_OK, "{\"kind\":\"frequency\",\"per_year\":8}"},
    {"≤", "1", "次/月", JX_OK,
     "{\"kind\":\"number\",\"op\":\"<=\",\"value\":1,\"unit\":\"次/月\",\"implicit\":false}"},
    {"", "0.5", "次/月", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":0.5,\"unit\":\"次/月\",\"implicit\":true}"},
    {"", "4", "件/年", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":4,\"unit\":\"件/年\",\"implicit\":true}"},
    /* both given and agreeing, after normalisation */
    {"≥", "≥95%", "%", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {">=", "90%以上", "百分 率", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":90,\"unit\":\"%\",\"implicit\":false}"},
    {"≥", "95百分比", "％", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    {"≥", "95", "百分比", JX_OK,
     "{\"kind\":\"number\",\"op\":\">=\",\"value\":95,\"unit\":\"%\",\"implicit\":false}"},
    /* a unit or numeric operator column says nothing about a non-number */
    {"≥", "健全", "件", JX_OK, "{\"kind\":\"word\",\"text\":\"健全\"}"},
    {"定性", "", "", JX_OK, "{\"kind\":\"na\",\"placeholder\":false}"},
    {"定性", "健全", "", JX_OK, "{\"kind\":\"word\",\"text\":\"健全\"}"},
    /* conflicts */
    {"定性", "95", "%", JX_ERR_CONFLICT, "定性"},
    {"定性", "0", "", JX_ERR_CONFLICT, "定性"},
    {"=", "≥95", "%", JX_ERR_CONFLICT, "operator column \"=\" (=) conflicts with \"≥95\" (>=)"},
    {"≤", "90%以上", "", JX_ERR_CONFLICT, "(<=) conflicts"},
    {"", "95%", "件", JX_ERR_CONFLICT,
     "unit column \"件\" conflicts with the unit \"%\" in \"95%\""},
    {"≥", "30万元", "元", JX_ERR_CONFLICT, "unit column \"元\""},
    /* malformed cells */
    {"abc", "1", "", JX_ERR_PARSE, "operator column \"abc\" is not an operator"},
    {"≥", "≥5以下", "", JX_ERR_PARSE, "two operators"},
    {"", "1", "一二三四五六七八九十一二三四五六七八九十", JX_ERR_PARSE, "unit column"},
};

static void check_cells(const cells_case *c)
{
    jx_value v;
    jx_errmsg msg;
    char buf[1024];
    jx_err e = jx_value_parse_cells(c->op, c->value, c->unit, &v, &msg);
    const char *op = c->op ? c->op : "(null)", *unit = c->unit ? c->unit : "(null)";
    if (e != c->err)
        fail_msg("[%s|%s|%s]: error %d, want %d (%s)", op, c->value, unit, e, c->err,
                 e ? msg.text : "");
    if (e) {
        if (!strstr(msg.text, c->json_or_msg))
            fail_msg("[%s|%s|%s]: message \"%s\" lacks \"%s\"", op, c->value, unit, msg.text,
                     c->json_or_msg);
        assert_int_equal(v.kind, JX_KIND_NA); /* zeroed on failure */
    } else {
        jx_value_to_json(&v, buf, sizeof buf);
        if (strcmp(buf, c->json_or_msg) != 0)
            fail_msg("[%s|%s|%s]\n  got  %s\n  want %s", op, c->value, unit, buf, c->json_or_msg);
    }
    n_cases++;
}

static void test_seed001_cells(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof seed001 / sizeof *seed001; i++)
        check_cells(&seed001[i]);
}

static void test_cells_rules(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cells_rules / sizeof *cells_rules; i++)
        check_cells(&cells_rules[i]);
}

/* ---- statements of completion: words, recognised on the whole text ---- */
static void test_statements(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        bool statement;
    } cases[] = {
        {"完成", true},         {"已完成", true},     {"全部完成", true},  {"按期完成", true},
        {"达成预期指标", true}, {" 已 完成。", true}, {"达标", true},      {"基本完成", false},
        {"未完成", false},      {"完成率", false},    {"100%完成", false}, {"健全", false},
        {"优", false},          {"", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        jx_value v;
        assert_int_equal(jx_value_parse(cases[i].in, strlen(cases[i].in), &v, NULL), JX_OK);
        if (jx_value_is_statement(&v) != cases[i].statement)
            fail_msg("\"%s\": statement %d, want %d", cases[i].in, !cases[i].statement,
                     cases[i].statement);
        n_cases++;
    }
    assert_false(jx_value_is_statement(NULL));
}

/* ---- jx_value_parse_cells_at: which cell is at fault, so import can name its column ---- */
static void test_cells_at(void **state)
{
    (void)state;
    static const struct {
        const char *op, *value, *unit;
        jx_err err;
        jx_cell bad;
    } cases[] = {
        {"≥", "95", "%", JX_OK, JX_CELL_VALUE},
        {"═", "100", "%", JX_OK, JX_CELL_VALUE}, /* a look-alike is no fault (issue 16) */
        {"大概", "95", "%", JX_ERR_PARSE, JX_CELL_OP},
        {"定性", "95", "", JX_ERR_CONFLICT, JX_CELL_OP},
        {"=", "≥95", "", JX_ERR_CONFLICT, JX_CELL_OP},
        {"≥", "95%满意", "", JX_ERR_PARSE, JX_CELL_VALUE},
        {"≥", "95%", "件", JX_ERR_CONFLICT, JX_CELL_UNIT},
        {"", "1", "一二三四五六七八九十一二三四五六七八九十", JX_ERR_PARSE, JX_CELL_UNIT},
        {"", "1", "\xff", JX_ERR_PARSE, JX_CELL_UNIT},
        {"\xff", "1", "", JX_ERR_PARSE, JX_CELL_OP},
        {"", "\xff", "", JX_ERR_PARSE, JX_CELL_VALUE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        jx_value v;
        jx_cell bad = (jx_cell)99;
        jx_err e =
            jx_value_parse_cells_at(cases[i].op, cases[i].value, cases[i].unit, &v, NULL, &bad);
        if (e != cases[i].err || bad != cases[i].bad)
            fail_msg("[%s|%s|%s]: err %d cell %d, want %d %d", cases[i].op, cases[i].value,
                     cases[i].unit, e, bad, cases[i].err, cases[i].bad);
        /* the plain form gives the same result */
        jx_value w;
        assert_int_equal(jx_value_parse_cells(cases[i].op, cases[i].value, cases[i].unit, &w, NULL),
                         e);
        n_cases++;
    }
    jx_value v;
    assert_int_equal(jx_value_parse_cells_at("≥", "1", "", &v, NULL, NULL), JX_OK);
}

/* ---- malformed input: the lead's error list; messages quote the text ---- */
static const err_case errors[] = {
    /* two conflicting operators */
    {"≥5以下", 0, JX_ERR_PARSE, "\"≥5以下\": two operators (>= and <=)"},
    {"控制在5%以上", 0, JX_ERR_PARSE, "two operators (<= and >=)"},
    {"5以上以下", 0, JX_ERR_PARSE, "two operators (>= and <=)"},
    {"不低于五以下", 0, JX_ERR_PARSE, "two operators"},
    /* garbage after the unit or the number */
    {"95%满意", 0, JX_ERR_PARSE, "\"95%满意\": unexpected text \"满意\" after the unit"},
    {"95%以上满意", 0, JX_ERR_PARSE, "unexpected text \"以上满意\" after the unit"},
    {"1.2.3", 0, JX_ERR_PARSE, "unexpected text \".3\" after the number"},
    {"1e5", 0, JX_ERR_PARSE, "unexpected text \"e5\""},
    {"5-10", 0, JX_ERR_PARSE, "unexpected text \"-10\""},
    {"2021年1月至12", 0, JX_ERR_PARSE, "unexpected text"},
    {"10-20", 0, JX_ERR_PARSE, "unexpected text \"-20\""},
    {"1000.5-2000.5", 0, JX_ERR_PARSE, "unexpected text"}, /* no period: no plausible year */
    {"100%完成率", 0, JX_ERR_PARSE, "unexpected text \"完成率\" after the unit"},
    /* periods that are no period */
    {"2021年12月-1月", 0, JX_ERR_PARSE, "\"2021年12月-1月\": the period ends before it starts"},
    {"2021年1月-13月", 0, JX_ERR_PARSE, "invalid date (month 13)"},
    {"2021年2月-2月30日", 0, JX_ERR_PARSE, "invalid date (2月30日"},
    {"12件/年每季度报送", 0, JX_ERR_PARSE, "unexpected text"},
    {"百分之95满意", 0, JX_ERR_PARSE, "unexpected text \"满意\""},
    {"≥一村一法律顾问", 0, JX_ERR_PARSE, "unexpected text"},
    /* a symbol operator without a number */
    {"≥", 0, JX_ERR_PARSE, "no number after the operator"},
    {"≥国家标准", 0, JX_ERR_PARSE, "\"≥国家标准\": no number after the operator \"≥\""},
    /* bad numbers */
    {"12,34", 0, JX_ERR_PARSE, "bad thousands separator"},
    {"1234,567", 0, JX_ERR_PARSE, "bad thousands separator"},
    {"1,2345", 0, JX_ERR_PARSE, "bad thousands separator"},
    {"12345678901234567890", 0, JX_ERR_PARSE, "too many digits"},
    /* invalid dates */
    {"2月30日", 0, JX_ERR_PARSE, "invalid date"},
    {"2021年2月29日", 0, JX_ERR_PARSE, "invalid date"},
    {"2100年2月29日前", 0, JX_ERR_PARSE, "invalid date"},
    {"2020年13月", 0, JX_ERR_PARSE, "invalid date (month 13)"},
    {"2020-04-31", 0, JX_ERR_PARSE, "invalid date"},
    /* bytes that are no text */
    {"95\xff%", 0, JX_ERR_PARSE, "invalid UTF-8 at byte 2 (after \"95\")"},
    {"\xc0\xaf", 0, JX_ERR_PARSE, "invalid UTF-8 at byte 0"},     /* overlong '/' */
    {"\xed\xa0\x80", 0, JX_ERR_PARSE, "invalid UTF-8"},           /* surrogate */
    {"95\xe4\xbb", 0, JX_ERR_PARSE, "truncated UTF-8 at byte 2"}, /* 件 cut short */
    {"95\0%", 4, JX_ERR_PARSE, "NUL byte at byte 2"},
    {"9\x01"
     "5",
     0, JX_ERR_PARSE, "control character 0x01"},
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof errors / sizeof *errors; i++) {
        const err_case *c = &errors[i];
        jx_value v;
        jx_errmsg msg;
        memset(&v, 0xAB, sizeof v);
        jx_err e = jx_value_parse(c->in, c->len ? c->len : strlen(c->in), &v, &msg);
        if (e != c->err) fail_msg("case %zu \"%s\": error %d, want %d", i, c->in, e, c->err);
        if (!strstr(msg.text, c->msg_has))
            fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, msg.text, c->msg_has);
        assert_int_equal(v.kind, JX_KIND_NA);
        assert_int_equal(v.op, JX_OP_NONE);
        assert_int_equal(v.text[0], '\0');
        n_cases++;
    }
}

/* ---- struct fields beyond the JSON, API edge cases ---- */
static void test_fields_and_api(void **state)
{
    (void)state;
    jx_value v;
    jx_errmsg msg;

    /* the input need not be NUL-terminated: only len bytes are read */
    const char buf[] = {'9', '5', '%', '9', '9'};
    assert_int_equal(jx_value_parse(buf, 3, &v, &msg), JX_OK);
    assert_int_equal(v.kind, JX_KIND_NUMBER);
    assert_true(v.num == 95.0);
    assert_string_equal(v.unit, "%");

    /* 0.2 is the same double as the literal */
    assert_int_equal(jx_value_parse("≤0.2", strlen("≤0.2"), &v, NULL), JX_OK);
    assert_true(v.num == 0.2);
    assert_int_equal(v.op, JX_OP_LE);
    assert_false(v.implicit);

    /* NULL with len 0 is the empty string; NULL with len > 0 and out NULL are caller bugs */
    assert_int_equal(jx_value_parse(NULL, 0, &v, &msg), JX_OK);
    assert_int_equal(v.kind, JX_KIND_NA);
    assert_false(v.placeholder);
    assert_int_equal(jx_value_parse(NULL, 3, &v, &msg), JX_ERR_INVALID);
    assert_int_equal(jx_value_parse("1", 1, NULL, &msg), JX_ERR_INVALID);
    assert_int_equal(jx_value_parse_cells("≥", "1", "", NULL, NULL), JX_ERR_INVALID);
    /* msg may be NULL on failure */
    assert_int_equal(jx_value_parse("≥5以下", strlen("≥5以下"), &v, NULL), JX_ERR_PARSE);

    /* deadline fields */
    assert_int_equal(jx_value_parse("年底前", strlen("年底前"), &v, NULL), JX_OK);
    assert_int_equal(v.year, 0);
    assert_int_equal(v.month, 12);
    assert_int_equal(v.day, 31);

    /* a long word is cut at a character boundary and flagged */
    char big[2000];
    size_t n = 0;
    while (n + 3 <= 900) {
        memcpy(big + n, "健", 3);
        n += 3;
    }
    assert_int_equal(jx_value_parse(big, n, &v, &msg), JX_OK);
    assert_int_equal(v.kind, JX_KIND_WORD);
    assert_true(v.truncated);
    assert_int_equal(strlen(v.text), 255); /* 85 characters of 3 bytes */
    /* longer than the normalisation buffer: still a truncated word */
    while (n + 3 <= sizeof big) {
        memcpy(big + n, "全", 3);
        n += 3;
    }
    assert_int_equal(jx_value_parse(big, n, &v, &msg), JX_OK);
    assert_int_equal(v.kind, JX_KIND_WORD);
    assert_true(v.truncated);
    /* a long text that starts like a number is an error, not a number */
    big[0] = '9';
    big[1] = '5';
    big[2] = '%';
    assert_int_equal(jx_value_parse(big, n, &v, &msg), JX_ERR_PARSE);
    /* invalid UTF-8 is found even past the part that is kept */
    memcpy(big, "健", 3);
    big[n - 1] = '\xff';
    assert_int_equal(jx_value_parse(big, n, &v, &msg), JX_ERR_PARSE);
    assert_non_null(strstr(msg.text, "invalid UTF-8"));

    /* white space inside a word is removed */
    assert_int_equal(jx_value_parse("达 成", strlen("达 成"), &v, NULL), JX_OK);
    assert_string_equal(v.text, "达成");
    assert_false(v.truncated);
    n_cases += 12;
}

/* ---- jx_op_parse ---- */
static void test_op_parse(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        jx_err err;
        jx_op op;
        bool qual;
    } cases[] = {
        {"≥", JX_OK, JX_OP_GE, false},
        {"≧", JX_OK, JX_OP_GE, false},
        {">=", JX_OK, JX_OP_GE, false},
        {"＞＝", JX_OK, JX_OP_GE, false},
        {"不低于", JX_OK, JX_OP_GE, false},
        {"以上", JX_OK, JX_OP_GE, false},
        {"≤", JX_OK, JX_OP_LE, false},
        {"不超过", JX_OK, JX_OP_LE, false},
        {">", JX_OK, JX_OP_GT, false},
        {"<", JX_OK, JX_OP_LT, false},
        {"=", JX_OK, JX_OP_EQ, false},
        {" = ", JX_OK, JX_OP_EQ, false},
        {"定性", JX_OK, JX_OP_NONE, true},
        {"定量", JX_OK, JX_OP_NONE, false},
        {"", JX_OK, JX_OP_NONE, false},
        {NULL, JX_OK, JX_OP_NONE, false},
        {"正向", JX_OK, JX_OP_GE, false},
        {"反向", JX_OK, JX_OP_LE, false},
        /* look-alikes of real forms (issue 16) */
        {"═", JX_OK, JX_OP_EQ, false},
        {"＝", JX_OK, JX_OP_EQ, false},
        {"≦", JX_OK, JX_OP_LE, false},
        {"≥=", JX_OK, JX_OP_GE, false},
        {"≤=", JX_OK, JX_OP_LE, false},
        {"＞", JX_OK, JX_OP_GT, false},
        {"＜", JX_OK, JX_OP_LT, false},
        {"﹥", JX_OK, JX_OP_GT, false},
        {"≥95", JX_ERR_PARSE, JX_OP_NONE, false},
        {"大概", JX_ERR_PARSE, JX_OP_NONE, false},
        {"完成", JX_ERR_PARSE, JX_OP_NONE, false},
        {"(含)", JX_ERR_PARSE, JX_OP_NONE, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        jx_op op = JX_OP_LT;
        bool q = !cases[i].qual;
        jx_err e = jx_op_parse(cases[i].in, &op, &q);
        if (e != cases[i].err || op != cases[i].op || q != cases[i].qual)
            fail_msg("op \"%s\": got %d %d %d", cases[i].in ? cases[i].in : "(null)", e, op, q);
        n_cases++;
    }
    jx_op op;
    assert_int_equal(jx_op_parse("≥", NULL, NULL), JX_ERR_INVALID);
    assert_int_equal(jx_op_parse("≥", &op, NULL), JX_OK);
    assert_string_equal(jx_op_str(JX_OP_GE), ">=");
    assert_string_equal(jx_op_str(JX_OP_NONE), "");
    assert_string_equal(jx_op_str((jx_op)99), "");
    assert_string_equal(jx_op_sign(JX_OP_GE), "≥");
    assert_string_equal(jx_op_sign(JX_OP_LE), "≤");
    assert_string_equal(jx_op_sign(JX_OP_EQ), "=");
    assert_string_equal(jx_op_sign(JX_OP_NONE), "");
    assert_string_equal(jx_kind_str(JX_KIND_DEADLINE), "deadline");
    assert_string_equal(jx_kind_str((jx_kind)99), "na");
}

/* ---- output: to_text forms, number formatting, escaping, truncation ---- */
static void test_output(void **state)
{
    (void)state;
    static const struct {
        const char *in, *text;
    } texts[] = {
        {"≥260件", ">=260件"},
        {"360", ">=360 (implicit)"},
        {"优良差", "优 (优良差)"},
        {"良好", "良 (优良中差)"},
        {"每年4次", "每年4次"},
        {"每季度", "每年4次"},
        {"2020年底", "2020-12-31"},
        {"年底前", "--12-31"},
        {"", "n/a"},
        {"XX", "n/a (placeholder)"},
        {"健全", "健全"},
        {"≤0.2 百分 率", "<=0.2%"},
    };
    char buf[256];
    jx_value v;
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        assert_int_equal(jx_value_parse(texts[i].in, strlen(texts[i].in), &v, NULL), JX_OK);
        size_t n = jx_value_to_text(&v, buf, sizeof buf);
        if (strcmp(buf, texts[i].text) != 0 || n != strlen(texts[i].text))
            fail_msg("text \"%s\": got \"%s\" want \"%s\"", texts[i].in, buf, texts[i].text);
        n_cases++;
    }

    /* numbers: shortest form that reads back */
    static const struct {
        double x;
        const char *json;
    } nums[] = {
        {260, "{\"kind\":\"number\",\"op\":\">=\",\"value\":260,\"unit\":\"\",\"implicit\":false}"},
        {0.2, "{\"kind\":\"number\",\"op\":\">=\",\"value\":0.2,\"unit\":\"\",\"implicit\":false}"},
        {0.1 + 0.2, "{\"kind\":\"number\",\"op\":\">=\",\"value\":0.30000000000000004,\"unit\":"
                    "\"\",\"implicit\":false}"},
        {1e21,
         "{\"kind\":\"number\",\"op\":\">=\",\"value\":1e+21,\"unit\":\"\",\"implicit\":false}"},
        {-1.5,
         "{\"kind\":\"number\",\"op\":\">=\",\"value\":-1.5,\"unit\":\"\",\"implicit\":false}"},
    };
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
        memset(&v, 0, sizeof v);
        v.kind = JX_KIND_NUMBER;
        v.op = JX_OP_GE;
        v.num = nums[i].x;
        jx_value_to_json(&v, buf, sizeof buf);
        assert_string_equal(buf, nums[i].json);
        n_cases++;
    }

    /* a control character in a hand-made word is escaped */
    memset(&v, 0, sizeof v);
    v.kind = JX_KIND_WORD;
    strcpy(v.text, "a\nb\x01");
    jx_value_to_json(&v, buf, sizeof buf);
    assert_string_equal(buf, "{\"kind\":\"word\",\"text\":\"a\\nb\\u0001\"}");
    /* a hand-made deadline and an impossible number */
    memset(&v, 0, sizeof v);
    v.kind = JX_KIND_DEADLINE;
    v.year = 2021;
    v.month = 3;
    v.day = 5;
    jx_value_to_json(&v, buf, sizeof buf);
    assert_string_equal(buf, "{\"kind\":\"deadline\",\"date\":\"2021-03-05\"}");

    /* truncation: returns the full length, like snprintf, and cuts at a character */
    assert_int_equal(jx_value_parse("健全", strlen("健全"), &v, NULL), JX_OK);
    const char *full = "{\"kind\":\"word\",\"text\":\"健全\"}";
    assert_int_equal(jx_value_to_json(&v, NULL, 0), strlen(full));
    char small[26]; /* {"kind":"word","text":" is 23 bytes; 健 needs 3 more and the NUL */
    assert_int_equal(jx_value_to_json(&v, small, sizeof small), strlen(full));
    assert_string_equal(small, "{\"kind\":\"word\",\"text\":\"");
    char small2[27];
    jx_value_to_json(&v, small2, sizeof small2);
    assert_string_equal(small2, "{\"kind\":\"word\",\"text\":\"健");
    assert_int_equal(jx_value_to_text(&v, small, 1), strlen("健全"));
    assert_string_equal(small, "");
    n_cases += 4;
}

static void test_summary(void **state)
{
    (void)state;
    printf("[ INFO     ] %zu value cases checked\n", n_cases);
    assert_true(n_cases >= 60);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed000),       cmocka_unit_test(test_seed003),
        cmocka_unit_test(test_seed001_cells), cmocka_unit_test(test_cells_rules),
        cmocka_unit_test(test_rules),         cmocka_unit_test(test_real_forms),
        cmocka_unit_test(test_cells_at),      cmocka_unit_test(test_statements),
        cmocka_unit_test(test_errors),        cmocka_unit_test(test_fields_and_api),
        cmocka_unit_test(test_op_parse),      cmocka_unit_test(test_output),
        cmocka_unit_test(test_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
