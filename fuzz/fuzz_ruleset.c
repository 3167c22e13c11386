/*
 * fuzz_ruleset.c - libFuzzer target for the rule-set parser (engine/src/ruleset.c)
 * and, through it, for scoring under whatever policy a rule set can express.
 *
 * The input is a rule-set file. When it parses, every accessor is called and
 * two fixed subjects (indicators taken from the fixtures: one with weights
 * given, one on the level-1 defaults, both with budget execution) are scored
 * under it with jx_aggregate(). `extends = NAME` is resolved in rules/.
 * Oracles: the sanitizers, and the scoring contract: every ratio in [0, 1],
 * points = weight × ratio, finite totals in [0, 100] and a grade.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jixiao/aggregate.h"
#include "jixiao/ruleset.h"
#include "jixiao/score.h"
#include "jixiao/value.h"

#define CHECK(c) ((c) ? (void)0 : abort())

typedef struct row {
    const char *l1, *l2, *l3, *op, *target, *unit, *actual, *weight;
    int reason;
} row;

/* From fixtures/dazhu-2024 (weights given) and fixtures/shifeng-2021 + demo (defaults). */
static const row given[] = {
    {"产出指标", "数量指标", "法律顾问覆盖多少村社", "=", "324", "个", "330", "5", 1},
    {"产出指标", "数量指标", "法律援助全年办结的案件数量", "≥", "300", "案件数", "318", "5", 0},
    {"产出指标", "数量指标", "接受社区矫正的人员数量", "≥", "600", "人数", "587", "2", 0},
    {"产出指标", "数量指标", "开展法治宣传法治讲座的次数", "≥", "12", "场次", "18", "4", 0},
    {"产出指标", "质量指标", "全年矛盾纠纷调解成功率", "≥", "98", "%", "98.6%", "3", 0},
    {"产出指标", "成本指标", "办案补贴支出不超过预算", "≤", "30", "万元", "32.4万元", "10", 1},
    {"产出指标", "数量指标", "有效投诉案件数", "", "0", "件", "1件", "5", 1},
    {"效益指标", "经济效益指标", "全年通过法律援助途径挽回的经济损失金额", "≥", "300", "万元",
     "2,856,000元", "5", 1},
    {"效益指标", "社会效益指标", "发挥行政复议化解行政争议的主渠道作用", "定性", "优良差", "", "良",
     "5", 1},
    {"效益指标", "社会效益指标", "群众之间矛盾纠纷有效化解，社会和谐稳定", "定性", "好坏", "", "好",
     "2", 0},
    {"满意度指标", "服务对象满意度指标", "被执法对象的满意度", "≥", "95", "%", "96.4%", "2", 0},
    {"产出指标", "时效指标", "完成时限", "", "2024年底", "", "2024年12月31日", "3", 0},
};
static const row defaults[] = {
    {"产出指标", "产出数量", "完成法律援助案件", "", "360", "", "331", NULL, 1},
    {"产出指标", "产出数量", "开展普法宣传", "", "≧15场次", "", "22场次", NULL, 0},
    {"产出指标", "产出数量", "依法行政考核", "", "每季度", "", "3次", NULL, 1},
    {"产出指标", "产出质量", "预算资金使用率", "", "100%", "", "92%", NULL, 1},
    {"效益指标", "经济效益", "无直接经济效益", "", "无直接经济效益", "", "无直接经济效益", NULL, 0},
    {"效果指标", "社会效益", "促进法治石峰平安石峰建设", "", "良好", "", "中", NULL, 1},
    {"内部管理（共性指标）", "", "预算支出序时进度合理性", "", "合理", "", "部分达成 75%", NULL, 1},
    {"满意度指标", "满意度", "提高社会公众对司法行政的认可和满意度", "", "90%以上", "", "88%", NULL,
     0},
    {"产出指标", "产出数量", "社区服刑人员当年重新犯罪率", "", "0", "", "0", NULL, 0},
};

static void score_subject(const jx_ruleset *rs, const row *rows, size_t n)
{
    jx_indicator ind[16];
    jx_score sc[16];
    for (size_t i = 0; i < n; i++) {
        const row *r = &rows[i];
        memset(&ind[i], 0, sizeof ind[i]);
        ind[i].level1 = r->l1;
        ind[i].level2 = r->l2;
        ind[i].level3 = r->l3;
        ind[i].year = 2024;
        CHECK(jx_value_parse_cells(r->op, r->target, r->unit, &ind[i].target, NULL) == JX_OK);
        CHECK(jx_value_parse(r->actual, strlen(r->actual), &ind[i].actual, NULL) == JX_OK);
        ind[i].has_actual = true;
        ind[i].has_reason = r->reason;
        if (r->weight) {
            ind[i].has_weight = true;
            ind[i].weight = atof(r->weight);
        }
    }
    jx_budget b = {.present = true, .initial = 100, .budget = 120, .spent = 97.5};
    jx_result res;
    jx_errmsg msg;
    jx_err e = jx_aggregate(rs, ind, n, &b, sc, &res, &msg);
    if (e) {
        CHECK(msg.text[0] != '\0');
        return;
    }
    CHECK(res.grade != NULL);
    CHECK(isfinite(res.total) && res.total >= 0 && res.total <= 100 + 1e-9);
    for (size_t i = 0; i < n; i++) {
        if (!sc[i].scored) continue;
        CHECK(isfinite(sc[i].ratio) && sc[i].ratio >= 0 && sc[i].ratio <= 1);
        CHECK(fabs(sc[i].points - sc[i].weight * sc[i].ratio) <= 1e-9 * (1 + fabs(sc[i].weight)));
        char buf[512];
        size_t k = jx_score_explain(&sc[i], &ind[i], buf, sizeof buf);
        CHECK(strlen(buf) == (k < sizeof buf ? k : sizeof buf - 1));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const dirs[] = {JX_RULES_DIR};
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    jx_err e = jx_ruleset_parse((const char *)data, size, "fuzz.ini", dirs, 1, &rs, &msg);
    if (e) {
        CHECK(rs == NULL && msg.text[0] != '\0');
        return 0;
    }
    CHECK(rs != NULL);
    CHECK(jx_ruleset_name(rs) && jx_ruleset_title(rs) && jx_ruleset_origin(rs) &&
          jx_ruleset_source(rs));
    CHECK(strlen(jx_ruleset_sha256(rs)) == 64);
    size_t nl1 = jx_ruleset_level1_count(rs);
    const char *names[16];
    double weights[16];
    size_t nw = 0;
    for (size_t i = 0; i < nl1; i++) {
        const char *name;
        double w;
        CHECK(jx_ruleset_level1(rs, i, &name, &w) == JX_OK && name != NULL);
        if (nw < 16) {
            names[nw] = name;
            weights[nw++] = w / 2 + 1;
        }
    }
    CHECK(jx_ruleset_level1(rs, nl1, &(const char *){NULL}, &(double){0}) != JX_OK);
    (void)jx_ruleset_budget_weight(rs);
    CHECK(jx_ruleset_canonical_level1(rs, "效果指标") != NULL);
    static const double totals[] = {-1, 0, 59.999, 60, 80, 89.99, 90, 100, 101, NAN, INFINITY};
    for (size_t i = 0; i < sizeof totals / sizeof *totals; i++)
        CHECK(jx_ruleset_grade(rs, totals[i]) != NULL);
    const char *words[8];
    (void)jx_ruleset_scale_words(rs, "优良差", words, 8);
    (void)jx_ruleset_scale_words(rs, "好坏", words, 8);
    score_subject(rs, given, sizeof given / sizeof *given);
    score_subject(rs, defaults, sizeof defaults / sizeof *defaults);
    jx_ruleset *w = NULL;
    if (jx_ruleset_with_level1(rs, names, weights, nw, &w, &msg) == JX_OK) {
        score_subject(w, given, sizeof given / sizeof *given);
        score_subject(w, defaults, sizeof defaults / sizeof *defaults);
        jx_ruleset_free(w);
    }
    jx_ruleset_free(rs);
    return 0;
}
