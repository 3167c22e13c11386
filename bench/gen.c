/*
 * gen.c - jixiao-gen: deterministic synthetic targets, actuals and budget CSVs for the benchmark.
 *
 *   jixiao-gen N DIR [SEED]
 *
 * Writes DIR/targets.csv, DIR/actuals.csv and DIR/budget.csv for N subjects of
 * 25 indicators each (the shape of a 部门整体 绩效目标表), in the input format of
 * docs/formats.md. Every third subject is a department as a whole, the other two
 * are its projects. The indicator mix follows the seeds: numbers with every
 * operator spelling and unit (≥, ≧, 不少于, =, ≤, implicit, 以上, 百分率, 万元, 天),
 * grades (优良中差, 好坏), words (有效, 健全, 长期), frequencies (每季度), deadlines
 * (2024年12月底前), n/a (无直接经济效益); about 30% of misses carry a 偏差原因,
 * some actuals overshoot, some are not reported, half the subjects give weights.
 * The same N and SEED always give the same bytes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    uint64_t s;
} rng;

static uint64_t next(rng *r) /* splitmix64 */
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static int irange(rng *r, int lo, int hi)
{
    return lo + (int)(next(r) % (uint64_t)(hi - lo + 1));
}
static double unif(rng *r)
{
    return (double)(next(r) >> 11) / 9007199254740992.0;
}
static const char *pick(rng *r, const char *const *v, int n)
{
    return v[next(r) % (uint64_t)n];
}

/* One indicator slot of the template: level 1, level 2, level-3 name, and how to draw values. */
typedef enum {
    K_COUNT,
    K_COUNT_LE,
    K_FREQ,
    K_PCT,
    K_DAYS,
    K_DEADLINE,
    K_COST,
    K_NA,
    K_GRADE,
    K_HAOHUAI,
    K_WORD,
    K_SAT
} kind;
typedef struct {
    const char *l1, *l2, *l3;
    kind k;
    int weight;
} slot;

static const slot T[] = {
    {"产出指标", "数量指标", "开展培训场次", K_COUNT, 4},
    {"产出指标", "数量指标", "服务对象人次", K_COUNT, 4},
    {"产出指标", "数量指标", "办结案件数量", K_COUNT, 4},
    {"产出指标", "数量指标", "宣传活动次数", K_COUNT, 3},
    {"产出指标", "数量指标", "覆盖村社数量", K_COUNT, 3},
    {"产出指标", "数量指标", "督导检查频次", K_FREQ, 3},
    {"产出指标", "数量指标", "投诉件数", K_COUNT_LE, 3},
    {"产出指标", "质量指标", "验收合格率", K_PCT, 4},
    {"产出指标", "质量指标", "调解成功率", K_PCT, 4},
    {"产出指标", "质量指标", "资料归档率", K_PCT, 3},
    {"产出指标", "质量指标", "制度执行率", K_PCT, 3},
    {"产出指标", "时效指标", "项目完成时限", K_DEADLINE, 3},
    {"产出指标", "时效指标", "办结平均天数", K_DAYS, 3},
    {"产出指标", "时效指标", "资金拨付及时率", K_PCT, 2},
    {"产出指标", "成本指标", "项目总成本", K_COST, 2},
    {"产出指标", "成本指标", "单位培训成本", K_COST, 2},
    {"效益指标", "经济效益指标", "直接经济效益", K_NA, 0},
    {"效益指标", "社会效益指标", "群众法治意识提升", K_GRADE, 6},
    {"效益指标", "社会效益指标", "矛盾纠纷化解成效", K_WORD, 6},
    {"效益指标", "社会效益指标", "社会和谐稳定", K_HAOHUAI, 6},
    {"效益指标", "社会效益指标", "管理制度健全性", K_WORD, 4},
    {"效益指标", "可持续影响指标", "长效机制", K_WORD, 4},
    {"效益指标", "可持续影响指标", "作用发挥年限", K_WORD, 4},
    {"满意度指标", "服务对象满意度指标", "服务对象满意度", K_SAT, 5},
    {"满意度指标", "服务对象满意度指标", "社会公众满意度", K_SAT, 5},
};
#define NSLOT (sizeof T / sizeof *T)

static const char *const REASONS[] = {"受疫情影响部分活动延期", "工作推进滞后，明年加强调度",
                                      "需求减少，据实调整", "人员变动，已补充到位"};

/* Write one slot's target and actual into tv/av; *miss says the actual falls short. */
static void draw(rng *r, kind k, char *tv, char *av, size_t cap, int *miss)
{
    double f = unif(r) < 0.6 ? 1.0 + unif(r) * 0.15 : 0.7 + unif(r) * 0.3; /* 60% meet */
    if (unif(r) < 0.04) f = 1.5 + unif(r);                                 /* overshoot */
    *miss = f < 1.0;
    switch (k) {
    case K_COUNT: {
        int n = irange(r, 5, 5000);
        static const char *const pre[] = {"≥", "≧", "", "不少于", "=", ""};
        static const char *const post[] = {"件", "场次", "人次", "个", "个", "次以上"};
        static const char *const unit[] = {"件", "场次", "人次", "个", "个", "次"};
        int i = irange(r, 0, 5);
        snprintf(tv, cap, "%s%d%s", pre[i], n, post[i]);
        double a = i == 4 ? n + (f >= 1 ? 0 : -(1 - f) * n) : n * f;
        snprintf(av, cap, "%.0f%s", a, unif(r) < 0.5 ? "" : unit[i]);
        if (i == 4 && a == n) *miss = 0;
        break;
    }
    case K_COUNT_LE: {
        int n = irange(r, 2, 20);
        snprintf(tv, cap, unif(r) < 0.5 ? "≤%d件" : "不超过%d件", n);
        snprintf(av, cap, "%d", *miss ? n + irange(r, 1, 5) : irange(r, 0, n));
        break;
    }
    case K_FREQ:
        if (unif(r) < 0.5) {
            snprintf(tv, cap, "%s", "每季度");
            snprintf(av, cap, "%d次", *miss ? irange(r, 2, 3) : 4);
        } else {
            snprintf(tv, cap, "%s", "每月");
            snprintf(av, cap, "%d次", *miss ? irange(r, 8, 11) : 12);
        }
        break;
    case K_PCT:
    case K_SAT: {
        static const int p[] = {80, 85, 90, 95, 98, 100};
        int t = p[irange(r, 0, 5)];
        static const char *const pre[] = {"≥", "", "≥", "不低于"};
        static const char *const post[] = {"%", "%以上", "百分率", "%"};
        int i = irange(r, 0, 3);
        snprintf(tv, cap, "%s%d%s", pre[i], t, post[i]);
        double a = t * (f > 1 ? 1 : f);
        if (!*miss && a < t) a = t;
        if (a > 100) a = 100;
        snprintf(av, cap, "%.1f%%", a);
        break;
    }
    case K_DAYS: {
        int d = irange(r, 5, 60);
        snprintf(tv, cap, "≤%d天", d);
        snprintf(av, cap, "%d天", *miss ? d + irange(r, 1, 10) : irange(r, 1, d));
        break;
    }
    case K_DEADLINE: {
        int m = irange(r, 6, 12);
        snprintf(tv, cap, "2024年%d月底前", m);
        if (*miss)
            snprintf(av, cap, "2025年%d月", irange(r, 1, 3));
        else
            snprintf(av, cap, "2024年%d月", irange(r, 1, m));
        break;
    }
    case K_COST: {
        double m = 1 + unif(r) * 499;
        snprintf(tv, cap, "≤%.2f万元", m);
        snprintf(av, cap, "%.2f万元", *miss ? m * (1 + unif(r) * 0.15) : m * (0.8 + unif(r) * 0.2));
        break;
    }
    case K_NA:
        snprintf(tv, cap, "%s", "无直接经济效益");
        snprintf(av, cap, "%s", "无");
        *miss = 0;
        break;
    case K_GRADE: {
        static const char *const g[] = {"优", "优", "良", "中"};
        snprintf(tv, cap, "%s", unif(r) < 0.5 ? "优良中差" : "优良差");
        const char *a = *miss ? pick(r, g + 2, 2) : "优";
        if (!strcmp(tv, "优良差") && !strcmp(a, "中")) a = "良";
        snprintf(av, cap, "%s", a);
        break;
    }
    case K_HAOHUAI:
        snprintf(tv, cap, "%s", "好坏");
        *miss = *miss && unif(r) < 0.3;
        snprintf(av, cap, "%s", *miss ? "坏" : "好");
        break;
    case K_WORD: {
        static const char *const w[] = {"有效", "健全", "长期", "显著提升", "持续发挥作用"};
        snprintf(tv, cap, "%s", pick(r, w, 5));
        snprintf(av, cap, "%s", *miss ? (unif(r) < 0.7 ? "基本达成" : "部分达成") : "达成");
        break;
    }
    }
}

static int put(FILE *f, const char *s)
{
    return fputs(s, f) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || !strcmp(argv[1], "--help")) {
        fprintf(argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr,
                "usage: jixiao-gen N DIR [SEED]\n\n"
                "Write DIR/targets.csv, DIR/actuals.csv and DIR/budget.csv for N subjects\n"
                "(25 indicators each) in jixiao's input format. Deterministic in N and SEED.\n");
        return argc >= 2 && !strcmp(argv[1], "--help") ? 0 : 2;
    }
    char *end;
    long n = strtol(argv[1], &end, 10);
    if (*end || n < 1 || n > 10000000) {
        fprintf(stderr, "jixiao-gen: N must be a number from 1 to 10000000, not \"%s\"\n", argv[1]);
        return 2;
    }
    unsigned long long seed = argc == 4 ? strtoull(argv[3], NULL, 10) : 1;
    if (mkdir(argv[2], 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "jixiao-gen: cannot create %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    char path[3][4096];
    const char *names[3] = {"targets.csv", "actuals.csv", "budget.csv"};
    FILE *f[3];
    for (int i = 0; i < 3; i++) {
        snprintf(path[i], sizeof path[i], "%s/%s", argv[2], names[i]);
        if (!(f[i] = fopen(path[i], "w"))) {
            fprintf(stderr, "jixiao-gen: cannot write %s: %s\n", path[i], strerror(errno));
            return 1;
        }
        static char buf[3][1 << 16];
        setvbuf(f[i], buf[i], _IOFBF, sizeof buf[i]);
    }
    int bad =
        put(f[0], "部门编码,部门名称,项目名称,年度,一级指标,二级指标,三级指标,指标值,权重\n") |
        put(f[1], "部门编码,部门名称,项目名称,年度,三级指标,实际完成值,偏差原因分析及改进措施\n") |
        put(f[2], "部门编码,部门名称,项目名称,年度,年初预算数,全年预算数,全年执行数\n");
    rng r = {seed * 0x2545F4914F6CDD1Dull + 1};
    for (long s = 0; s < n && !bad; s++) {
        long d = s / 3;
        char subj[256], proj[64] = "";
        if (s % 3) snprintf(proj, sizeof proj, "专项业务经费%ld", s % 3);
        snprintf(subj, sizeof subj, "%06ld,第%ld号预算单位,%s,2024", 100000 + d, d, proj);
        bool weighted = s % 2 == 0;
        for (size_t i = 0; i < NSLOT; i++) {
            char tv[64], av[64];
            int miss;
            draw(&r, T[i].k, tv, av, sizeof tv, &miss);
            if (fprintf(f[0], "%s,%s,%s,%s,%s,", subj, T[i].l1, T[i].l2, T[i].l3, tv) < 0) bad = 1;
            if (weighted && T[i].weight) fprintf(f[0], "%d", T[i].weight);
            fputc('\n', f[0]);
            if (unif(&r) < 0.02) av[0] = '\0'; /* not reported */
            const char *reason = miss && unif(&r) < 0.3 ? pick(&r, REASONS, 4) : "";
            if (fprintf(f[1], "%s,%s,%s,%s\n", subj, T[i].l3, av, reason) < 0) bad = 1;
        }
        double b = 50 + unif(&r) * 4950, spent = b * (0.7 + unif(&r) * 0.3);
        if (fprintf(f[2], "%s,%.2f,%.2f,%.2f\n", subj, b * (0.9 + unif(&r) * 0.1), b, spent) < 0)
            bad = 1;
    }
    for (int i = 0; i < 3; i++)
        if (fclose(f[i]) != 0) bad = 1;
    if (bad) {
        fprintf(stderr, "jixiao-gen: write error in %s\n", argv[2]);
        return 1;
    }
    return 0;
}
