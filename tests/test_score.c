/*
 * test_score.c - one indicator's ratio, points, flags and explanation, under
 * mof-2020 and the two local variants. Each expected number is worked by hand
 * in the comment beside its case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jixiao/score.h"
#include "jixiao/value.h"

static const char *const dirs[] = {JX_RULES_DIR};

static jx_ruleset *load(const char *name)
{
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    jx_err e = jx_ruleset_load(name, dirs, 1, &rs, &msg);
    if (e) fail_msg("load %s: %s", name, msg.text);
    return rs;
}

/* A rule set from text (e.g. mof-2020 with one section changed); fails the test on error. */
static jx_ruleset *parse(const char *ini)
{
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    if (jx_ruleset_parse(ini, strlen(ini), "test.ini", dirs, 1, &rs, &msg))
        fail_msg("parse: %s", msg.text);
    return rs;
}

static jx_value V(const char *s)
{
    jx_value v;
    jx_errmsg msg;
    if (jx_value_parse(s, strlen(s), &v, &msg)) fail_msg("parse \"%s\": %s", s, msg.text);
    return v;
}

/* actual == NULL: no actual row */
static jx_indicator ind(const char *l3, const char *target, const char *actual, double w,
                        bool reason)
{
    jx_indicator i = {.level1 = "产出指标",
                      .level2 = "数量指标",
                      .level3 = l3,
                      .weight = w,
                      .has_weight = true,
                      .has_reason = reason,
                      .year = 2021};
    i.target = V(target);
    if (actual) {
        i.actual = V(actual);
        i.has_actual = true;
    }
    return i;
}

typedef struct score_case {
    const char *rules, *l3, *target, *actual;
    double weight;
    bool reason;
    jx_err err;
    double ratio;
    jx_method method;
    unsigned flags;
} score_case;

#define NR false /* no 偏差原因 */
#define R true
#define MR JX_FLAG_MISSING_REASON

static const score_case cases[] = {
    /* >= : met 1, missed a/t (dazhu 2024: 法律援助全年办结的案件数量 ≥300 案件数, weight 5) */
    {"mof-2020", "法律援助全年办结的案件数量", "≥300件", "280件", 5, R, 0, 280.0 / 300,
     JX_M_RATIO_UP, 0},
    {"mof-2020", "法律援助全年办结的案件数量", "≥300件", "280件", 5, NR, 0, 280.0 / 300,
     JX_M_RATIO_UP, MR},
    {"mof-2020", "法律援助全年办结的案件数量", "≥300件", "300件", 5, NR, 0, 1, JX_M_MET, 0},
    /* overshoot: 391 > 300 × 1.3 = 390 → flagged, points kept under mof-2020 */
    {"mof-2020", "法律援助全年办结的案件数量", "≥300件", "391件", 5, NR, 0, 1, JX_M_MET,
     JX_FLAG_OVERSHOOT},
    {"mof-2020", "法律援助全年办结的案件数量", "≥300件", "389", 5, NR, 0, 1, JX_M_MET, 0},
    /* ... and zeroed under 大英县's rules */
    {"daying-2022", "法律援助全年办结的案件数量", "≥300件", "391件", 5, NR, 0, 0, JX_M_ZERO,
     JX_FLAG_OVERSHOOT | MR},
    /* implicit >= (shifeng 2021: 完成法律援助案件 360) */
    {"mof-2020", "完成法律援助案件", "360", "342", 10, R, 0, 342.0 / 360, JX_M_RATIO_UP, 0},
    /* t = 0 for >= is met by any a >= 0 */
    {"mof-2020", "x", "≥0", "0", 1, NR, 0, 1, JX_M_MET, 0},
    /* <= : t/a under mof-2020: ≤0.2% with 0.25% → 0.2/0.25 = 0.8 */
    {"mof-2020", "投诉率", "≤0.2 百分 率", "0.25%", 4, R, 0, 0.8, JX_M_RATIO_DOWN, 0},
    {"mof-2020", "投诉率", "≤0.2 百分 率", "0.1%", 4, R, 0, 1, JX_M_MET, 0},
    /* ... and 1 − (a − t)/t = 1 − 0.05/0.2 = 0.75 under yueyang-2021's deviation formula */
    {"yueyang-2021", "投诉率", "≤0.2%", "0.25%", 4, R, 0, 0.75, JX_M_DEVIATION, 0},
    /* bare zero is <= (rugao 2021: 社区服刑人员当年重新犯罪率 0): 0 met, 2 → 0, 无 → none happened
     */
    {"mof-2020", "社区服刑人员当年重新犯罪率", "0", "0", 10, NR, 0, 1, JX_M_MET, 0},
    {"mof-2020", "社区服刑人员当年重新犯罪率", "0", "2", 10, R, 0, 0, JX_M_ZERO, 0},
    {"mof-2020", "社区服刑人员当年重新犯罪率", "0", "无", 10, NR, 0, 1, JX_M_MET, 0},
    /* = : dazhu 完成工作的时间是多少个月 =12 月; 个月 = 月 by the rule set's unit aliases;
     * 11 → 1 − |11 − 12|/12 = 0.916667 */
    {"mof-2020", "完成工作的时间是多少个月", "=12月", "12个月", 5, NR, 0, 1, JX_M_MET, 0},
    {"mof-2020", "完成工作的时间是多少个月", "=12月", "11月", 5, R, 0, 11.0 / 12, JX_M_DEVIATION,
     0},
    {"mof-2020", "开展县级行政执法培训活动次数", "=2场次", "5场次", 5, R, 0, 0, JX_M_DEVIATION, 0},
    /* units: 万元 with 元 converts; 28 万元 / 30 万元 = 0.9333 */
    {"mof-2020", "挽回经济损失", "≥30万元", "280000元", 5, R, 0, 28.0 / 30, JX_M_RATIO_UP, 0},
    /* ‱ with %: 0.09% = 9‱, 9/10 = 0.9 (rugao 2021: 万分之十以上) */
    {"mof-2020", "法律援助案件量与常住人口比率", "万分之十以上", "0.09%", 10, R, 0, 0.9,
     JX_M_RATIO_UP, 0},
    {"mof-2020", "法律援助案件量与常住人口比率", "万分之十以上", "万分之十二", 10, NR, 0, 1,
     JX_M_MET, 0},
    /* % against a count: an input error naming the indicator */
    {"mof-2020", "满意率", "≥95%", "96件", 2, NR, JX_ERR_UNIT, 0, 0, 0},
    /* a word against a number target */
    {"mof-2020", "满意率", "≥95%", "优", 2, NR, JX_ERR_PARSE, 0, 0, 0},
    /* frequency (shifeng: 依法行政考核 每季度): 3 of 4 → 0.75 */
    {"mof-2020", "依法行政考核", "每季度", "3次", 4, R, 0, 0.75, JX_M_FREQUENCY, 0},
    {"mof-2020", "依法行政考核", "每季度", "4次", 4, NR, 0, 1, JX_M_MET, 0},
    {"mof-2020", "依法行政考核", "每季度", "每月", 4, NR, 0, 1, JX_M_MET, 0},
    /* grades (dazhu: 定性 优良差 / 好坏): 良/优 = 0.8, 差 → 0, 坏/好 → 0 */
    {"mof-2020", "行政执法活动更加规范公正文明", "优良差", "良", 3, R, 0, 0.8, JX_M_GRADE, 0},
    {"mof-2020", "行政执法活动更加规范公正文明", "优良差", "优", 3, NR, 0, 1, JX_M_GRADE, 0},
    {"mof-2020", "行政执法活动更加规范公正文明", "优良差", "差", 3, R, 0, 0, JX_M_GRADE, 0},
    {"mof-2020", "群众之间矛盾纠纷有效化解", "好坏", "坏", 2, NR, 0, 0, JX_M_GRADE, MR},
    /* 良好 as a target means 良: 良/良 = 1, 优 is capped at 1 (shifeng: 促进法治石峰平安石峰建设
       良好) */
    {"mof-2020", "促进法治石峰平安石峰建设", "良好", "良", 6, NR, 0, 1, JX_M_GRADE, 0},
    {"mof-2020", "促进法治石峰平安石峰建设", "良好", "优", 6, NR, 0, 1, JX_M_GRADE, 0},
    {"mof-2020", "促进法治石峰平安石峰建设", "良好", "中", 6, R, 0, 0.75, JX_M_GRADE, 0},
    /* words (rugao: 健全, 合规, 公开): bands 达成 1, 部分达成 0.7, 未达成 0 */
    {"mof-2020", "内部控制制度建设健全性", "健全", "健全", 3, NR, 0, 1, JX_M_BAND, 0},
    {"mof-2020", "内部控制制度建设健全性", "健全", "基本健全", 3, R, 0, 0.7, JX_M_BAND, 0},
    {"mof-2020", "内部控制制度建设健全性", "健全", "不健全", 3, R, 0, 0, JX_M_BAND, 0},
    {"mof-2020", "内部控制制度建设健全性", "健全", "部分达成 75%", 3, R, 0, 0.75, JX_M_BAND, 0},
    {"mof-2020", "内部控制制度建设健全性", "健全", "部分达成 90%", 3, R, JX_ERR_PARSE, 0, 0, 0},
    {"mof-2020", "内部控制制度建设健全性", "健全", "未达成", 3, R, 0, 0, JX_M_BAND, 0},
    {"mof-2020", "预决算信息公开情况", "公开", "已完成", 10, NR, 0, 1, JX_M_BAND, 0},
    {"mof-2020", "预决算信息公开情况", "公开", "平台双公开", 10, NR, 0, 1, JX_M_BAND,
     JX_FLAG_UNCLEAR_ACTUAL},
    {"mof-2020", "资金使用合规性", "合规", "是", 6, NR, 0, 1, JX_M_GRADE, 0},
    {"mof-2020", "资金使用合规性", "合规", "否", 6, R, 0, 0, JX_M_GRADE, 0},
    {"mof-2020", "资金使用合规性", "合规", "95%", 6, R, 0, 0.95, JX_M_BAND, 0},
    /* deadlines: on time 1, late → mof-2020's 0.6; 年底前 takes the record's year (2021) */
    {"mof-2020", "完成时间", "2020年12月31日前", "2020年11月30日", 2, NR, 0, 1, JX_M_MET, 0},
    {"mof-2020", "完成时间", "2020年12月31日前", "2021年1月15日", 2, R, 0, 0.6, JX_M_LATE, 0},
    {"mof-2020", "完成时间", "年底前", "2021年12月", 2, NR, 0, 1, JX_M_MET, 0},
    {"mof-2020", "完成时间", "年底前", "按时完成", 2, NR, 0, 1, JX_M_BAND, 0},
    /* n/a and placeholders are left out; a missing actual scores 0 */
    {"mof-2020", "无直接经济效益", "无直接经济效益", "无", 0, NR, 0, 0, JX_M_NA, 0},
    {"mof-2020", "绿化面积", "**平米", "100", 0, NR, 0, 0, JX_M_NA, JX_FLAG_PLACEHOLDER_TARGET},
    {"mof-2020", "开展普法宣传", "≧15场次", NULL, 4, NR, 0, 0, JX_M_MISSING,
     JX_FLAG_MISSING_ACTUAL | MR},
    {"mof-2020", "开展普法宣传", "≧15场次", NULL, 4, R, 0, 0, JX_M_MISSING, JX_FLAG_MISSING_ACTUAL},
    /* a qualification anywhere is 部分达成; a negation counts only at the start */
    {"mof-2020", "预决算信息公开情况", "公开", "已基本完成", 10, R, 0, 0.7, JX_M_BAND, 0},
    {"mof-2020", "安全生产", "无重大安全事故", "无重大安全事故", 3, NR, 0, 1, JX_M_BAND, 0},
    /* a rate against a grade target is measured against the target grade: 72%/良(0.8) = 0.9 */
    {"mof-2020", "促进法治石峰平安石峰建设", "良好", "72%", 6, R, 0, 0.9, JX_M_BAND, 0},
    /* a frequency wants a count, not an amount */
    {"mof-2020", "依法行政考核", "每季度", "3万元", 4, R, JX_ERR_PARSE, 0, 0, 0},
    /* yueyang-2021 overrides: 在职人员控制率 103% loses 0.5 × 3 = 1.5 of 5 → 3.5/5 = 0.7 */
    {"yueyang-2021", "在职人员控制率", "≤100%", "103%", 5, R, 0, 0.7, JX_M_DEDUCT, 0},
    {"yueyang-2021", "在职人员控制率", "≤100%", "98%", 5, NR, 0, 1, JX_M_DEDUCT, 0},
    /* tiers ≥90 → 1, 80–90 → 0.8 (4 of 5), 60–70 → 0.4, below 60 → 0 */
    {"yueyang-2021", "重点支出安排率", "≥90%", "92%", 5, NR, 0, 1, JX_M_TIERS, 0},
    {"yueyang-2021", "重点支出安排率", "≥90%", "85%", 5, R, 0, 0.8, JX_M_TIERS, 0},
    {"yueyang-2021", "重点支出安排率", "≥90%", "65%", 5, R, 0, 0.4, JX_M_TIERS, 0},
    {"yueyang-2021", "重点支出安排率", "≥90%", "50%", 5, R, 0, 0, JX_M_TIERS, 0},
    /* pattern override *资金到位率*: binary */
    {"yueyang-2021", "专项资金到位率", "=100%", "98%", 5, R, 0, 0, JX_M_ZERO, 0},
    {"yueyang-2021", "专项资金到位率", "=100%", "100%", 5, NR, 0, 1, JX_M_MET, 0},
    /* the same indicator under mof-2020 is a plain =: 1 − 2/100 = 0.98 */
    {"mof-2020", "专项资金到位率", "=100%", "98%", 5, R, 0, 0.98, JX_M_DEVIATION, 0},
};

static void test_cases(void **state)
{
    (void)state;
    jx_ruleset *rs[3] = {load("mof-2020"), load("daying-2022"), load("yueyang-2021")};
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const score_case *c = &cases[k];
        jx_ruleset *r = !strcmp(c->rules, "mof-2020")      ? rs[0]
                        : !strcmp(c->rules, "daying-2022") ? rs[1]
                                                           : rs[2];
        jx_indicator i = ind(c->l3, c->target, c->actual, c->weight, c->reason);
        jx_score s;
        jx_errmsg msg = {{0}};
        jx_err e = jx_score_indicator(r, &i, &s, &msg);
        if (e != c->err)
            fail_msg("case %zu (%s %s / %s): err %d, want %d: %s", k, c->rules, c->target,
                     c->actual ? c->actual : "(none)", e, c->err, msg.text);
        if (e) {
            if (!strstr(msg.text, c->l3))
                fail_msg("case %zu: message does not name the indicator: %s", k, msg.text);
            continue;
        }
        if (fabs(s.ratio - c->ratio) > 1e-9 || s.method != c->method || s.flags != c->flags)
            fail_msg("case %zu (%s %s / %s): ratio %.6f method %d flags %#x, want %.6f %d %#x", k,
                     c->rules, c->target, c->actual ? c->actual : "(none)", s.ratio, s.method,
                     s.flags, c->ratio, c->method, c->flags);
        assert_true(fabs(s.points - s.ratio * c->weight) < 1e-9);
        assert_int_equal(s.scored, c->method != JX_M_NA);
    }
    for (int k = 0; k < 3; k++)
        jx_ruleset_free(rs[k]);
}

/* 项目成本 under 成本指标: 20万元 (an unsigned cost), actual 22万元 */
static jx_indicator cost_22(void)
{
    jx_indicator i = ind("项目成本", "20万元", "22万元", 10, true);
    i.level2 = "成本指标";
    return i;
}

/* ---- issue 16: what real departments write, worked by hand. Each case gives the 二级指标 too
 * (direction is inferred from the names) and the exact explanation. ---- */
typedef struct form_case {
    const char *l2, *l3, *target, *actual;
    int year;
    double weight;
    double ratio;
    jx_method method;
    unsigned flags;
    const char *explain;
} form_case;

#define INF JX_FLAG_INFERRED_DIRECTION

static const form_case forms[] = {
    /* a cost: 20万元 unsigned under 成本指标 is ≤ 20万元; 22万元 → 20/22 = 0.909091 of 10 */
    {"成本指标", "项目成本", "20万元", "22万元", 2023, 10, 20.0 / 22, JX_M_RATIO_DOWN, INF,
     "20/22 = 0.9091 × 10 = 9.0909（未写方向，按指标名称推定为≤）"},
    {"经济成本指标", "人均补助", "1200元", "1000元", 2023, 10, 1, JX_M_MET, INF,
     "1000元 ≤ 1200元，达标 → 1 × 10 = 10（未写方向，按指标名称推定为≤）"},
    /* a written operator is kept: 石峰's 产出成本 `≥30万元` stays ≥ (30 = 30: met either way) */
    {"产出成本", "不超过预算", "≥30万元", "30万元", 2021, 10, 1, JX_M_MET, 0,
     "30万元 ≥ 30万元，达标 → 1 × 10 = 10"},
    {"产出成本", "不超过预算", "≥30万元", "27万元", 2021, 10, 0.9, JX_M_RATIO_UP, 0,
     "27/30 = 0.9 × 10 = 9"},
    /* bad events: 森林火灾受害率 0.9‰ with 0.5‰ → ≤, met; 1.2‰ → 0.9/1.2 = 0.75 */
    {"生态效益指标", "森林火灾受害率", "0.9‰", "0.5‰", 2023, 10, 1, JX_M_MET, INF,
     "0.5‰ ≤ 0.9‰，达标 → 1 × 10 = 10（未写方向，按指标名称推定为≤）"},
    {"生态效益指标", "森林火灾受害率", "0.9‰", "1.2‰", 2023, 10, 0.75, JX_M_RATIO_DOWN, INF,
     "0.9/1.2 = 0.75 × 10 = 7.5（未写方向，按指标名称推定为≤）"},
    {"社会效益指标", "安全事故发生率", "1%", "0.5%", 2023, 5, 1, JX_M_MET, INF,
     "0.5% ≤ 1%，达标 → 1 × 5 = 5（未写方向，按指标名称推定为≤）"},
    {"服务对象满意度指标", "群众投诉率", "5%", "4%", 2023, 5, 1, JX_M_MET, INF,
     "4% ≤ 5%，达标 → 1 × 5 = 5（未写方向，按指标名称推定为≤）"},
    /* a bare zero is the rule set's implicit_zero (≤) already: nothing inferred */
    {"成本指标", "超预算支出", "0", "0", 2023, 5, 1, JX_M_MET, 0, "0 ≤ 0，达标 → 1 × 5 = 5"},
    /* ... and a name that says nothing keeps the implicit ≥: 投诉处理率 is no 投诉率 */
    {"质量指标", "投诉处理率", "95%", "96%", 2023, 5, 1, JX_M_MET, 0,
     "96% ≥ 95%，达标 → 1 × 5 = 5"},
    /* 1次/月 is 12 a year: 10次 → 10/12 = 0.833333 of 12 = 10 */
    {"数量指标", "巡查频次", "1次/月", "10次", 2023, 12, 10.0 / 12, JX_M_FREQUENCY, 0,
     "每年10次/每年12次 = 0.8333 × 12 = 10"},
    {"数量指标", "培训次数", "2次/年", "2次", 2023, 4, 1, JX_M_MET, 0,
     "每年2次 ≥ 每年2次，达标 → 1 × 4 = 4"},
    /* ═100% is =100%: 100% is met */
    {"质量指标", "资金到位率", "═100%", "100%", 2023, 5, 1, JX_M_MET, 0,
     "100% = 100%，达标 → 1 × 5 = 5"},
    /* a period is met by its end: 2023年12月 (2023-12-31) ≤ 2023-12-31 */
    {"时效指标", "项目完成时间", "2023年1月-12月", "2023年12月", 2023, 5, 1, JX_M_MET, 0,
     "2023-12-31 ≤ 2023-12-31，按期完成 → 1 × 5 = 5"},
    {"时效指标", "项目完成时间", "2023年1月-12月", "2024年1月", 2023, 5, 0.6, JX_M_LATE, 0,
     "逾期完成：0.6 × 5 = 3"},
    /* 9月前 is by the end of August; an actual written as a month was done in that month:
     * 7月 → 2023-07-31, met; 9月 → 2023-09-30, late */
    {"时效指标", "验收时间", "9月前", "7月", 2023, 5, 1, JX_M_MET, 0,
     "2023-07-31 ≤ 2023-08-31，按期完成 → 1 × 5 = 5"},
    {"时效指标", "验收时间", "9月前", "9月", 2023, 5, 0.6, JX_M_LATE, 0, "逾期完成：0.6 × 5 = 3"},
    {"时效指标", "验收时间", "2月底前", "2月", 2024, 5, 1, JX_M_MET, 0,
     "2024-02-29 ≤ 2024-02-29，按期完成 → 1 × 5 = 5"},
    /* 12月底到位 has no year: the record's (2022) */
    {"时效指标", "资金到位时间", "12月底到位", "2022年12月20日", 2022, 5, 1, JX_M_MET, 0,
     "2022-12-20 ≤ 2022-12-31，按期完成 → 1 × 5 = 5"},
    {"时效指标", "资金到位时间", "12月底到位", "2023年1月5日", 2022, 5, 0.6, JX_M_LATE, 0,
     "逾期完成：0.6 × 5 = 3"},
    /* an actual written with an operator is read as its number, and flagged: ≥90% against
     * ≥85% → 90 ≥ 85, full; ≤98% against 100% → 98/100 */
    {"质量指标", "验收合格率", "≥85%", "≥90%", 2023, 5, 1, JX_M_MET, JX_FLAG_ACTUAL_OPERATOR,
     "90% ≥ 85%，达标 → 1 × 5 = 5（实际完成值所带“≥”不计）"},
    {"质量指标", "资金使用率", "100%", "≤98%", 2023, 5, 0.98, JX_M_RATIO_UP,
     JX_FLAG_ACTUAL_OPERATOR, "98/100 = 0.98 × 5 = 4.9（实际完成值所带“≤”不计）"},
    /* a statement where a number was wanted: mof-2020 gives full marks, flagged */
    {"数量指标", "开展培训", "≥12次", "完成", 2023, 12, 1, JX_M_STATEMENT, JX_FLAG_STATEMENT_ACTUAL,
     "文字表述“完成”，未填数值，按规则计 1 × 12 = 12"},
    {"数量指标", "开展培训", "≥12次", "达成预期指标", 2023, 12, 1, JX_M_STATEMENT,
     JX_FLAG_STATEMENT_ACTUAL, "文字表述“达成预期指标”，未填数值，按规则计 1 × 12 = 12"},
    {"数量指标", "巡查频次", "1次/月", "按期完成", 2023, 6, 1, JX_M_STATEMENT,
     JX_FLAG_STATEMENT_ACTUAL, "文字表述“按期完成”，未填数值，按规则计 1 × 6 = 6"},
    /* (a statement is scored without comparing: the direction plays no part, nothing inferred) */
    {"成本指标", "项目成本", "20万元", "全部完成", 2023, 10, 1, JX_M_STATEMENT,
     JX_FLAG_STATEMENT_ACTUAL, "文字表述“全部完成”，未填数值，按规则计 1 × 10 = 10"},
    /* 95%（含）以上 with 94% → 94/95 */
    {"质量指标", "验收合格率", "95%（含）以上", "94%", 2023, 5, 94.0 / 95, JX_M_RATIO_UP, 0,
     "94/95 = 0.9895 × 5 = 4.9474"},
};

static void test_real_forms(void **state)
{
    (void)state;
    jx_ruleset *rs = load("mof-2020");
    for (size_t k = 0; k < sizeof forms / sizeof *forms; k++) {
        const form_case *c = &forms[k];
        jx_indicator i = ind(c->l3, c->target, c->actual, c->weight, true);
        i.level2 = c->l2;
        i.year = c->year;
        jx_score s;
        jx_errmsg msg = {{0}};
        if (jx_score_indicator(rs, &i, &s, &msg))
            fail_msg("case %zu (%s / %s): %s", k, c->target, c->actual, msg.text);
        if (fabs(s.ratio - c->ratio) > 1e-9 || s.method != c->method || s.flags != c->flags)
            fail_msg("case %zu (%s %s / %s): ratio %.6f method %d flags %#x, want %.6f %d %#x", k,
                     c->l3, c->target, c->actual, s.ratio, s.method, s.flags, c->ratio, c->method,
                     c->flags);
        assert_true(fabs(s.points - c->ratio * c->weight) < 1e-9);
        char buf[256];
        jx_score_explain(&s, &i, buf, sizeof buf);
        if (strcmp(buf, c->explain))
            fail_msg("case %zu: explain \"%s\", want \"%s\"", k, buf, c->explain);
    }
    jx_ruleset_free(rs);
}

/* [rounding]: the points credited are rounded, the explanation says so; ratios are not */
static void test_rounding_explained(void **state)
{
    (void)state;
    const char *ini = "[ruleset]\nextends = mof-2020\nname = r\n[rounding]\ndecimals = 1\n";
    jx_ruleset *rs = parse(ini);
    /* 20/22 × 10 = 9.0909 → 9.1 (a cost under 成本指标: ≤, inferred) */
    jx_indicator i = cost_22();
    jx_score s;
    assert_int_equal(jx_score_indicator(rs, &i, &s, NULL), JX_OK);
    assert_true(fabs(s.points - 9.1) < 1e-12);
    assert_true(fabs(s.ratio - 20.0 / 22) < 1e-12);
    char buf[256];
    jx_score_explain(&s, &i, buf, sizeof buf);
    assert_string_equal(
        buf, "20/22 = 0.9091 × 10 = 9.0909，按规则舍入为 9.1（未写方向，按指标名称推定为≤）");
    /* a whole number needs no note: 1 × 5 = 5 */
    i = ind("x", "≥95%", "98%", 5, true);
    assert_int_equal(jx_score_indicator(rs, &i, &s, NULL), JX_OK);
    jx_score_explain(&s, &i, buf, sizeof buf);
    assert_string_equal(buf, "98% ≥ 95%，达标 → 1 × 5 = 5");
    jx_ruleset_free(rs);
}

/* Statements the grammar does not list stay input errors; a rule set may refuse all of them. */
static void test_statements(void **state)
{
    (void)state;
    jx_ruleset *rs = load("mof-2020");
    jx_score s;
    jx_errmsg msg;
    const char *not_statements[] = {"基本完成", "未完成", "见附件", "完成率高"};
    for (size_t k = 0; k < sizeof not_statements / sizeof *not_statements; k++) {
        jx_indicator i = ind("开展培训", "≥12次", not_statements[k], 12, true);
        assert_int_equal(jx_score_indicator(rs, &i, &s, &msg), JX_ERR_PARSE);
        assert_non_null(strstr(msg.text, "开展培训"));
    }
    jx_ruleset_free(rs);
    /* ratio = none: a statement is an input error naming the rule set */
    const char *ini = "[ruleset]\nextends = mof-2020\nname = strict\n[statements]\nratio = none\n";
    rs = parse(ini);
    jx_indicator i = ind("开展培训", "≥12次", "已完成", 12, true);
    assert_int_equal(jx_score_indicator(rs, &i, &s, &msg), JX_ERR_PARSE);
    assert_non_null(strstr(msg.text, "开展培训: actual \"已完成\" states completion without a "
                                     "number, and rule set strict does not score such statements"));
    jx_ruleset_free(rs);
    /* ratio = 0.6: scored 0.6 of 12 = 7.2, flagged, and missing_reason without a 偏差原因 */
    ini = "[ruleset]\nextends = mof-2020\nname = part\n[statements]\nratio = 0.6\n";
    rs = parse(ini);
    i = ind("开展培训", "≥12次", "已完成", 12, false);
    assert_int_equal(jx_score_indicator(rs, &i, &s, &msg), JX_OK);
    assert_true(fabs(s.points - 7.2) < 1e-12);
    assert_int_equal(s.flags, JX_FLAG_STATEMENT_ACTUAL | JX_FLAG_MISSING_REASON);
    jx_ruleset_free(rs);
}

/* A rule set may switch the inference off (an empty list replaces the parent's) or narrow it. */
static void test_direction_rules(void **state)
{
    (void)state;
    const char *off = "[ruleset]\nextends = mof-2020\nname = t\n[direction]\nlevel2 =\nlevel3 =\n";
    jx_ruleset *rs = parse(off);
    jx_indicator i = cost_22();
    jx_score s;
    assert_int_equal(jx_score_indicator(rs, &i, &s, NULL), JX_OK);
    assert_int_equal(s.method, JX_M_MET); /* read as ≥ 20万元: met, nothing flagged */
    assert_int_equal(s.flags, 0);
    jx_ruleset_free(rs);
    /* level-3 patterns only: the cost under 成本指标 is ≥ again, 事故率 still ≤ */
    const char *l3 = "[ruleset]\nextends = mof-2020\nname = t\n[direction]\nlevel2 =\n";
    rs = parse(l3);
    assert_int_equal(jx_score_indicator(rs, &i, &s, NULL), JX_OK);
    assert_int_equal(s.flags, 0);
    i = ind("交通事故率", "2%", "3%", 10, true);
    assert_int_equal(jx_score_indicator(rs, &i, &s, NULL), JX_OK);
    assert_int_equal(s.method, JX_M_RATIO_DOWN);
    assert_true(fabs(s.ratio - 2.0 / 3) < 1e-12);
    assert_int_equal(s.flags, JX_FLAG_INFERRED_DIRECTION);
    jx_ruleset_free(rs);
}

/* True when s holds an ASCII letter: explanations are Chinese, numbers and signs only. */
static bool has_ascii_letter(const char *s)
{
    for (; *s; s++)
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) return true;
    return false;
}

static void test_explain(void **state)
{
    (void)state;
    jx_ruleset *rs[3] = {load("mof-2020"), load("daying-2022"), load("yueyang-2021")};
    struct {
        int rules; /* 0 mof-2020, 1 daying-2022, 2 yueyang-2021 */
        const char *l3, *target, *actual;
        double w;
        const char *want;
    } ex[] = {
        /* issue 17's example (shifeng: 完成法律援助案件 360, weight 50/9) */
        {0, "x", "360", "372", 50.0 / 9, "372 ≥ 360，达标 → 1 × 5.5556 = 5.5556"},
        /* 186/200 = 0.93 of 50/18 = 2.7778 → 2.5833 */
        {0, "x", "≥200", "186", 50.0 / 18, "186/200 = 0.93 × 2.7778 = 2.5833"},
        {0, "x", "≥95%", "98%", 3, "98% ≥ 95%，达标 → 1 × 3 = 3"},
        /* 18 > 12 × 1.3 = 15.6: flagged, points kept */
        {0, "x", "≥12场次", "18场次", 4,
         "18场次 ≥ 12场次，达标 → 1 × 4 = 4，超出目标较多（保留得分）"},
        /* ... zeroed by 大英县 */
        {1, "x", "≥12场次", "18场次", 4, "超出目标超过阈值，按规则不得分：0 × 4 = 0"},
        /* the implicit operator shown is the rule set's: a bare zero is <= */
        {0, "x", "0", "0", 2, "0 ≤ 0，达标 → 1 × 2 = 2"},
        {0, "x", "0", "2", 2, "未达标，按规则不得分：0 × 2 = 0"},
        {0, "x", "≤0.2%", "0.25%", 4, "0.2/0.25 = 0.8 × 4 = 3.2"},
        {0, "x", "=324个", "330个", 5, "1 − |330 − 324|/324 = 0.9815 × 5 = 4.9074"},
        {0, "x", "优良差", "良", 5, "良/优 = 0.8/1 = 0.8 × 5 = 4"},
        {0, "x", "健全", "基本健全", 6, "部分达成 = 0.7 × 6 = 4.2"},
        {0, "x", "公开", "平台双公开", 10, "达成 = 1 × 10 = 10（无达成程度用语，按达成计）"},
        {0, "x", "合规", "95%", 10, "完成率 0.95 × 10 = 9.5"},
        {0, "x", "每季度", "3次", 4, "每年3次/每年4次 = 0.75 × 4 = 3"},
        {0, "x", "每季度", "4次", 4, "每年4次 ≥ 每年4次，达标 → 1 × 4 = 4"},
        /* deadlines: a date without a year takes the record's (2021) */
        {0, "x", "年底前", "2021年11月30日", 2, "2021-11-30 ≤ 2021-12-31，按期完成 → 1 × 2 = 2"},
        {0, "x", "2020年12月31日前", "2021年1月15日", 10, "逾期完成：0.6 × 10 = 6"},
        {0, "x", "2020年12月31日前", "基本完成", 10, "部分完成，按逾期计：0.6 × 10 = 6"},
        {0, "x", "≧15场次", NULL, 4, "未填报实际完成值：0 × 4 = 0"},
        {0, "x", "无直接经济效益", "无", 0, "不适用，不计分"},
        /* 岳阳's overrides: tiers and a per-point deduction (103%: 0.5 × 3 = 1.5 off 10) */
        {2, "重点支出安排率", "≥90%", "85%", 10, "85% → 达到分档：0.8 × 10 = 8"},
        {2, "重点支出安排率", "≥90%", "50%", 10, "50% → 低于各档：0 × 10 = 0"},
        {2, "在职人员控制率", "≤100%", "103%", 10, "103%：10 − 扣分 = 8.5（得分率 0.85）"},
    };
    for (size_t k = 0; k < sizeof ex / sizeof *ex; k++) {
        jx_indicator i = ind(ex[k].l3, ex[k].target, ex[k].actual, ex[k].w, true);
        jx_score s;
        assert_int_equal(jx_score_indicator(rs[ex[k].rules], &i, &s, NULL), JX_OK);
        char buf[256];
        size_t n = jx_score_explain(&s, &i, buf, sizeof buf);
        assert_int_equal(n, strlen(buf));
        if (strcmp(buf, ex[k].want))
            fail_msg("case %zu: got \"%s\", want \"%s\"", k, buf, ex[k].want);
        if (has_ascii_letter(buf)) fail_msg("case %zu: English in \"%s\"", k, buf);
    }
    /* overshoot deducted (an invented rule set: beyond +30%, 1% of the weight a point):
     * 15 against ≥10 is 50% over, 20 points beyond → 1 − 0.01 × 20 = 0.8 */
    const char *ini = "[ruleset]\nextends = mof-2020\nname = t\n[overshoot]\naction = deduct\n"
                      "deduct = 0.01\n";
    jx_ruleset *d = parse(ini);
    jx_indicator i = ind("x", "≥10", "15", 10, true);
    jx_score s;
    assert_int_equal(jx_score_indicator(d, &i, &s, NULL), JX_OK);
    char buf[256];
    jx_score_explain(&s, &i, buf, sizeof buf);
    assert_string_equal(buf, "超出目标较多 15/10，扣减为 0.8 × 10 = 8");
    jx_ruleset_free(d);
    /* truncation is safe and reports the full length */
    i = ind("x", "≥200", "186", 5, true);
    assert_int_equal(jx_score_indicator(rs[0], &i, &s, NULL), JX_OK);
    char small[8];
    size_t n = jx_score_explain(&s, &i, small, sizeof small);
    assert_true(n > sizeof small);
    assert_int_equal(strlen(small), sizeof small - 1);
    /* ... and cuts Chinese at a character boundary: 未填 (6 bytes) of 未填报… in 8 bytes */
    i = ind("x", "≧15场次", NULL, 4, true);
    assert_int_equal(jx_score_indicator(rs[0], &i, &s, NULL), JX_OK);
    n = jx_score_explain(&s, &i, small, sizeof small);
    assert_int_equal(n, strlen("未填报实际完成值：0 × 4 = 0"));
    assert_string_equal(small, "未填");
    for (int k = 0; k < 3; k++)
        jx_ruleset_free(rs[k]);
}

static void test_flags_names(void **state)
{
    (void)state;
    assert_string_equal(jx_flag_name(JX_FLAG_MISSING_REASON), "missing_reason");
    assert_string_equal(jx_flag_name(JX_FLAG_BUDGET_MISMATCH), "budget_mismatch");
    assert_string_equal(jx_flag_name(1u << 30), "");
    assert_string_equal(jx_flag_label(JX_FLAG_MISSING_REASON), "未填写偏差原因");
    assert_string_equal(jx_flag_name(JX_FLAG_INFERRED_DIRECTION), "inferred_direction");
    assert_string_equal(jx_flag_name(JX_FLAG_STATEMENT_ACTUAL), "statement_actual");
    assert_string_equal(jx_flag_name(JX_FLAG_ACTUAL_OPERATOR), "actual_operator");
    for (int f = 0; f < JX_FLAG_COUNT; f++) /* every bit has a name and a Chinese label */
        assert_true(*jx_flag_name(1u << f) && *jx_flag_label(1u << f));
    assert_string_equal(jx_flag_name(1u << JX_FLAG_COUNT), "");
    char buf[128];
    size_t n = jx_flags_str(JX_FLAG_OVERSHOOT | JX_FLAG_RESCALED | JX_FLAG_MISSING_ACTUAL, buf,
                            sizeof buf);
    assert_string_equal(buf, "overshoot,rescaled,missing_actual");
    assert_int_equal(n, strlen(buf));
    assert_int_equal(jx_flags_str(0, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
}

static void test_null_args(void **state)
{
    (void)state;
    jx_score s;
    jx_errmsg msg;
    assert_int_equal(jx_score_indicator(NULL, NULL, &s, &msg), JX_ERR_INVALID);
    assert_int_equal(jx_score_indicator(NULL, NULL, NULL, NULL), JX_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),       cmocka_unit_test(test_explain),
        cmocka_unit_test(test_real_forms),  cmocka_unit_test(test_direction_rules),
        cmocka_unit_test(test_statements),  cmocka_unit_test(test_rounding_explained),
        cmocka_unit_test(test_flags_names), cmocka_unit_test(test_null_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
