/*
 * test_xlsx.c - the 自评表 workbook: sheet names, the official layout and its
 * merged ranges, formulas with the engine's numbers as cached values (the
 * hand-worked fixture totals of fixtures/README.md), dropdowns, print setup,
 * text that looks like a formula, --blank, --split and errors. The workbook
 * is opened as what it is, a zip of XML parts (unzip -p), and the parts are
 * checked as text.
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
#include <sys/stat.h>
#include <unistd.h>

#include "run_util.h"
#include "jixiao/import.h"
#include "jixiao/run.h"
#include "jixiao/xlsx.h"
#include "write/xlsx_write_int.h"

static const char *const dirs[] = {JX_RULES_DIR};

/* LeakSanitizer: libxlsxwriter 1.1.4 leaks its copy of the range text of a list validation that
 * points at a range (the long lists on the 选项 sheet, test_kinds); that frame only. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:worksheet_data_validation_range\n";
}
/* libxlsxwriter has no frame pointers: unwind slowly so that the frame above is seen. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}

static jx_ruleset *load(const char *name)
{
    jx_ruleset *rs = NULL;
    jx_errmsg msg;
    if (jx_ruleset_load(name, dirs, 1, &rs, &msg)) fail_msg("load %s: %s", name, msg.text);
    return rs;
}

/* A temporary directory, removed (with its files) by cleanup(). */
static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/jx-xlsx-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int cleanup(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A store with the three files of a fixture directory imported and scored under @p rules. */
static jx_store *scored(const char *dir, const char *rules, int64_t *run_id)
{
    jx_store *st = NULL;
    jx_errmsg msg;
    if (jx_store_open(":memory:", &st, &msg)) fail_msg("%s", msg.text);
    static const struct {
        jx_import_kind kind;
        const char *file;
    } files[] = {{JX_IMPORT_TARGETS, "targets.csv"},
                 {JX_IMPORT_ACTUALS, "actuals.csv"},
                 {JX_IMPORT_BUDGET, "budget.csv"}};
    for (int i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, files[i].file);
        if (access(path, R_OK)) continue;
        if (jx_import_file(st, files[i].kind, path, NULL, NULL))
            fail_msg("import %s: %s", path, jx_store_errmsg(st));
    }
    jx_ruleset *rs = load(rules);
    jx_run_summary sum;
    if (jx_run_score(st, rs, NULL, &sum)) fail_msg("score: %s", jx_store_errmsg(st));
    jx_ruleset_free(rs);
    *run_id = sum.run_id;
    return st;
}

/* One part of a workbook, as text (malloc'd). */
static char *part(const char *xlsx, const char *name)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s'", xlsx, name);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t k;
    while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (cap - n < 2) buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    assert_int_equal(pclose(p), 0);
    return buf;
}

#define has(hay, needle)                                                                           \
    do {                                                                                           \
        if (!strstr((hay), (needle))) fail_msg("missing: %s", (needle));                           \
    } while (0)
#define lacks(hay, needle)                                                                         \
    do {                                                                                           \
        if (strstr((hay), (needle))) fail_msg("unexpected: %s", (needle));                         \
    } while (0)

/* The cached value of the formula in cell @p ref of a sheet's XML. */
static double cached(const char *xml, const char *ref)
{
    char pat[32];
    snprintf(pat, sizeof pat, "<c r=\"%s\"", ref);
    const char *c = strstr(xml, pat);
    if (!c) fail_msg("no cell %s", ref);
    const char *f = strstr(c, "<f>"), *v = strstr(c, "<v>"), *end = strstr(c, "</c>");
    if (!f || !v || !end || f > end || v > end)
        fail_msg("cell %s is not a formula with a value", ref);
    return strtod(v + 3, NULL);
}

#define near(a, b) assert_true(fabs((a) - (b)) < 1e-6)

/* ---- sheet names ---- */

static void test_sheet_name(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"株洲市石峰区司法局", "株洲市石峰区司法局"},
        {"a[b]c:d*e?f/g\\h", "abcdefgh"}, /* the characters Excel forbids */
        {"'quoted'", "quoted"},           /* no apostrophe at either end */
        {"it's", "it's"},                 /* inside is fine */
        {"", "Sheet"},                    /* never empty */
        {"[]:*?", "Sheet"},
        {"tab\there", "tabhere"},   /* control characters */
        {"=cmd|calc", "=cmd|calc"}, /* a name, not a formula: allowed as is */
        /* 31 UTF-16 units: 35 CJK characters are cut to 31 */
        {"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五",
         "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"},
        /* a character outside the BMP counts 2: 30 + 😀 would be 32, so it goes */
        {"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十😀",
         "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[160];
        size_t n = jx_xlsx_sheet_name(cases[i].in, buf, sizeof buf);
        if (strcmp(buf, cases[i].out))
            fail_msg("sheet name of \"%s\": \"%s\", want \"%s\"", cases[i].in, buf, cases[i].out);
        assert_int_equal(n, strlen(cases[i].out));
    }
}

/* ---- the 石峰 fixture: layout, formulas, cached values ---- */

static void test_shifeng(void **state)
{
    (void)state;
    int64_t run;
    jx_store *st = scored(JX_FIXTURES_DIR "/shifeng-2021", "mof-2020", &run);
    jx_ruleset *rs = load("mof-2020");
    char path[512];
    snprintf(path, sizeof path, "%s/shifeng.xlsx", tmpdir);
    jx_xlsx_opts o = {.rules = rs};
    jx_xlsx_summary sum;
    jx_errmsg msg;
    if (stored_xlsx(st, run, path, &o, &sum, &msg)) fail_msg("%s", msg.text);
    assert_true(sum.rules_matched);
    assert_int_equal(sum.subjects, 2);
    assert_int_equal(sum.sheets, 4); /* 汇总, two subjects, 统计图 */
    assert_int_equal(sum.workbooks, 1);
    /* 11 scored indicators in each subject, every ratio expressible: all formulas */
    assert_int_equal(sum.formulas, 22);
    assert_int_equal(sum.constants, 0);

    char *wb = part(path, "xl/workbook.xml");
    /* 汇总 first, then the subjects in store order, the 统计图 last; the lookup names */
    const char *a = strstr(wb, "name=\"汇总\""), *b = strstr(wb, "name=\"株洲市石峰区司法局\""),
               *c = strstr(wb, "name=\"司法专项\""), *d = strstr(wb, "name=\"统计图\"");
    assert_true(a && b && c && d && a < b && b < c && c < d);
    has(wb, "<definedName name=\"等级分值\">{\"优\",1;\"良\",0.8;\"中\",0.6;\"差\",0;");
    has(wb, "<definedName name=\"达成度分值\">{\"达成\",1;\"部分达成\",0.7;\"未达成\",0}");
    /* print: the official eight columns only, the indicator header repeated */
    has(wb, "'株洲市石峰区司法局'!$9:$9");
    has(wb, "'株洲市石峰区司法局'!$A$1:$H$26");
    has(wb, "'司法专项'!$A$1:$H$29");
    free(wb);
    char *sty = part(path, "xl/styles.xml");
    has(sty, "<name val=\"Arial\"/>"); /* the Normal style: widths mean the same everywhere */
    has(sty, "formatCode=\"&quot;≥&quot;0%\"");            /* a rate target: 90% stored as 0.9 */
    has(sty, "formatCode=\"@&quot;&#xA;（50分）&quot;\""); /* 产出指标 with its points */
    free(sty);

    char *s = part(path, "xl/worksheets/sheet2.xml"); /* 株洲市石峰区司法局, 部门整体 */
    has(s, "部门整体支出绩效自评表（2021年度）");
    has(s, "<mergeCell ref=\"A1:H1\"/>");
    has(s, "<mergeCell ref=\"A10:A18\"/>"); /* 产出指标 over its nine rows */
    has(s, "<mergeCell ref=\"B10:B15\"/>"); /* 产出数量 over six */
    has(s, "<mergeCell ref=\"A19:A20\"/>"); /* 效益指标 */
    has(s, "<mergeCell ref=\"A7:B8\"/>");   /* 年度总体目标 */
    has(s, "<t>其中：基本支出</t>");
    has(s, "<t>项目支出</t>");
    /* budget: 执行率 and 得分 as formulas with the engine's values (README: 441.3 / 452.6) */
    has(s, "<f>IF(N(D4)&gt;0,N(E4)/D4,\"—\")</f>");
    near(cached(s, "G4"), 441.3 / 452.6);
    has(s, "<f>IF(ISNUMBER(G4),F4*MIN(1,MAX(0,G4)),\"—\")</f>");
    near(cached(s, "H4"), 9.750331);
    /* 安置帮教对象 184/200 = 0.92: the ratio formula over the target and actual cells; text where a
     * number belongs scores 0 and 得分 says so */
    has(s, "<f>IF(ISNUMBER(E15),IF(OR(E15&gt;=D15,AND(D15=0,E15&gt;=0)),1,IF(D15&gt;0,MAX(0,MIN(1,"
           "E15/D15)),0)),0)</f>");
    near(cached(s, "J15"), 0.92);
    has(s, "<f>IF(ISTEXT(E15),\"请填写数字\",F15*J15)</f>");
    near(cached(s, "G15"), 5.111111);
    /* flags: 未填写偏差原因 on that row, 超额完成较多 on 开展普法宣传 */
    has(s, "未填写偏差原因");
    has(s, "超额完成较多，目标可能偏低");
    /* totals: Σ weights 90 + 10, Σ points 88.805556 + 9.750331 = 98.555887 → 优 */
    has(s, "<f>SUM(F10:F21)+IF(ISNUMBER(H4),F4,0)</f>");
    near(cached(s, "F22"), 100);
    near(cached(s, "G22"), 98.555887);
    near(cached(s, "J22"), 88.805556 / 90);
    has(s, "<f>IF(F22&gt;0,100*G22/F22,0)</f>");
    near(cached(s, "G23"), 98.555887);
    has(s, "<f>IF(G23&gt;=89.999999999,\"优\",IF(G23&gt;=79.999999999,\"良\",IF(G23&gt;=59."
           "999999999,\"中\",\"差\")))</f><v>优</v>");
    /* 定性 actual: a dropdown of its scale (良好 → 优良中差) with an input message */
    has(s, "<dataValidation type=\"list\" errorStyle=\"warning\"");
    has(s, "prompt=\"请从下拉列表中选择完成情况。\" "
           "sqref=\"E20\"><formula1>\"优,良,中,差\"</formula1>");
    /* the 定性 ratio: lookups, with the target word's value 0.8 */
    has(s, "VLOOKUP(E20,等级分值,2,FALSE)/0.8");
    /* print setup: A4 portrait, one page; page numbers and the rule set in the footer */
    has(s, "<pageSetUpPr fitToPage=\"1\"/>");
    has(s, "<pageSetup paperSize=\"9\" orientation=\"portrait\"/>");
    has(s, "&amp;P");
    has(s, "评分规则 mof-2020");
    /* hidden helper columns; a filled workbook is not protected */
    has(s, "<col min=\"13\" max=\"13\" width=\"10.7109375\" hidden=\"1\" customWidth=\"1\"/>");
    lacks(s, "<sheetProtection");
    free(s);

    s = part(path, "xl/worksheets/sheet3.xml"); /* 司法专项 */
    has(s, "项目支出绩效自评表（2021年度）");
    has(s, "<t>其中：本年财政拨款</t>");
    has(s, "<t>上年结转资金</t>");
    has(s, "<t>主管部门</t>");
    has(s, "<t>实施单位</t>");
    near(cached(s, "G26"), 89.196914);
    has(s, "<v>良</v>");
    free(s);

    /* 汇总: by year and kind, ranked within each, totals and grades linked to the sheets */
    s = part(path, "xl/worksheets/sheet1.xml");
    has(s, "<t>2021年度 部门整体支出（1个）</t>");
    has(s, "<t>2021年度 项目支出（1个）</t>");
    has(s, "<f>IF(F5=\"\",\"\",COUNTIF($F$5:$F$5,\"&gt;\"&amp;(F5+1E-09))+1)</f><v>1</v>");
    has(s, "<f>'株洲市石峰区司法局'!$G$23</f>");
    near(cached(s, "F5"), 98.555887);
    near(cached(s, "F7"), 89.196914);
    has(s, "<f>'司法专项'!$G$27</f><v>良</v>");
    has(s, "<f>'株洲市石峰区司法局'!$D$4</f>");
    has(s, "<mergeCell ref=\"A1:M1\"/>");
    has(s, "<conditionalFormatting sqref=\"G4:G7\">");
    has(s, "<t>标记数（导出时）</t>");
    free(s);
    s = part(path, "xl/drawings/drawing1.xml");
    has(s, "<c:chart ");
    free(s);
    jx_ruleset_free(rs);
    jx_store_close(st);
}

/* ---- rule kinds, text that looks like formulas, --blank, long dropdowns ---- */

static const char kinds_targets[] =
    "部门编码,部门名称,项目名称,年度,一级指标,二级指标,三级指标,指标性质,指标值,度量单位,权重,"
    "备注\n"
    "=9,=cmd|calc,,2024,产出指标,数量指标,数量A,≥,100,件,10,\n"
    "=9,=cmd|calc,,2024,产出指标,质量指标,在职人员控制率,≤,100,%,5,\n"
    "=9,=cmd|calc,,2024,产出指标,质量指标,重点支出安排率,≥,90,%,5,\n"
    "=9,=cmd|calc,,2024,产出指标,时效指标,完成时间,,2024年12月31日前,,5,\n"
    "=9,=cmd|calc,,2024,产出指标,成本指标,成本,≤,30,万元,5,\n"
    "=9,=cmd|calc,,2024,效益指标,社会效益指标,制度健全,定性,健全,,10,\n"
    "=9,=cmd|calc,,2024,效益指标,社会效益指标,长效机制,定性,健全,,5,\n"
    "=9,=cmd|calc,,2024,效益指标,社会效益指标,长名称,定性,"
    "依法依规建立健全覆盖全部业务环节的内部控制制度体系并严格执行各项制度规定确保资金使用安全规范有"
    "效并定期开展自查自纠和内部审计工作,,5,\n"
    "=9,=cmd|calc,,2024,满意度指标,服务对象满意度指标,满意度,≥,90,%,10,\n";
static const char kinds_actuals[] =
    "部门编码,部门名称,项目名称,年度,一级指标,二级指标,三级指标,实际完成值,偏差原因分析及改进措施\n"
    "=9,=cmd|calc,,2024,产出指标,数量指标,数量A,140件,\n"
    "=9,=cmd|calc,,2024,产出指标,质量指标,在职人员控制率,103%,+超编\n"
    "=9,=cmd|calc,,2024,产出指标,质量指标,重点支出安排率,85%,@安排不足\n"
    "=9,=cmd|calc,,2024,产出指标,时效指标,完成时间,2025年1月15日,延期\n"
    "=9,=cmd|calc,,2024,产出指标,成本指标,成本,320000元,=HYPERLINK(\"x\")\n"
    "=9,=cmd|calc,,2024,效益指标,社会效益指标,制度健全,部分达成,在建\n"
    "=9,=cmd|calc,,2024,效益指标,社会效益指标,长效机制,已基本建立,-\n"
    "=9,=cmd|calc,,2024,效益指标,社会效益指标,长名称,达成,\n";
static const char kinds_budget[] = "部门编码,部门名称,项目名称,年度,年初预算数,全年预算数,"
                                   "全年执行数\n=9,=cmd|calc,,2024,90,100,95\n";

static jx_store *kinds_store(const char *rules, int64_t *run)
{
    char d[512], p[600];
    snprintf(d, sizeof d, "%s/kinds", tmpdir);
    mkdir(d, 0777);
    snprintf(p, sizeof p, "%s/targets.csv", d);
    write_file(p, kinds_targets);
    snprintf(p, sizeof p, "%s/actuals.csv", d);
    write_file(p, kinds_actuals);
    snprintf(p, sizeof p, "%s/budget.csv", d);
    write_file(p, kinds_budget);
    return scored(d, rules, run);
}

static void test_kinds(void **state)
{
    (void)state;
    int64_t run;
    jx_store *st = kinds_store("yueyang-2021", &run);
    jx_ruleset *rs = load("yueyang-2021");
    char path[512];
    snprintf(path, sizeof path, "%s/kinds.xlsx", tmpdir);
    jx_xlsx_opts o = {.rules = rs};
    jx_xlsx_summary sum;
    jx_errmsg msg;
    if (stored_xlsx(st, run, path, &o, &sum, &msg)) fail_msg("%s", msg.text);
    /* 9 scored; 长效机制 (已基本建立: free text, read by band words) is the one constant */
    assert_int_equal(sum.formulas, 8);
    assert_int_equal(sum.constants, 1);
    char *s = part(path, "xl/worksheets/sheet2.xml");
    /* names and reasons that start with = + - @ are text, never formulas */
    has(s, "<t>=cmd|calc</t>");
    has(s, "<t>=9</t>");
    has(s, "<t>=HYPERLINK(\"x\")</t>");
    has(s, "<t>+超编</t>");
    has(s, "<t>@安排不足</t>");
    lacks(s, "<f>cmd");
    lacks(s, "<f>HYPERLINK");
    /* yueyang: 在职人员控制率 103% → 5 − 0.5 × 3 = 3.5 of 5 (a rate's cells hold 1.03, so the
     * override's percentage points are E*100) */
    has(s, "<f>IF(ISNUMBER(E11),IF(F11&gt;0,MAX(0,MIN(1,(F11-0.5*MAX(0,(E11*100)-100))/F11)),IF(0."
           "5*MAX(0,(E11*100)-100)&gt;0,0,1)),0)</f>");
    near(cached(s, "J11"), 0.7);
    has(s, "<c r=\"E11\" s=\"");
    has(s, "<v>1.03</v>");
    /* tiers: 85% → 0.8 */
    has(s, "IF((E12*100)&gt;=90,1,IF((E12*100)&gt;=80,0.8,IF((E12*100)&gt;=70,0.6,IF((E12*100)&gt;="
           "60,0.4,0))))");
    near(cached(s, "J12"), 0.8);
    /* deadline: dates as Excel serials, 2025-01-15 after 2024-12-31 → late 0.6 */
    has(s, "<f>IF(ISNUMBER(E13),IF(E13&lt;=M13,1,0.6),0)</f>");
    has(s, "<c r=\"M13\" s=");
    has(s, "<v>45657</v>"); /* 2024-12-31 */
    has(s, "<v>45672</v>"); /* 2025-01-15 */
    near(cached(s, "J13"), 0.6);
    /* 320000元 against 万元: a hidden helper converts, then yueyang's ≤ deviation 1 − 2/30 */
    has(s, "<f>E14*0.0001</f>");
    near(cached(s, "J14"), 1 - 2.0 / 30);
    /* band word from the dropdown; two rows with the same list share one validation */
    near(cached(s, "J15"), 0.7);
    has(s, "sqref=\"E15:E16\"><formula1>\"健全,达成,部分达成,未达成\"</formula1>");
    /* a list over 200 bytes lives on the hidden 选项 sheet */
    has(s, "<formula1>'选项'!$A$1:$A$4</formula1>");
    /* 满意度 with no actual: an empty cell, the formula gives 0 */
    has(s, "<c r=\"E18\" s=");
    near(cached(s, "J18"), 0);
    has(s, "未填报实际完成值");
    free(s);
    char *wb = part(path, "xl/workbook.xml");
    has(wb, "name=\"选项\" sheetId=\"4\" state=\"hidden\"");
    free(wb);
    jx_ruleset_free(rs);

    /* another rule set than the run's: ratios as values, and it says so */
    rs = load("mof-2020");
    o.rules = rs;
    if (stored_xlsx(st, run, path, &o, &sum, &msg)) fail_msg("%s", msg.text);
    assert_false(sum.rules_matched);
    assert_int_equal(sum.formulas, 0);
    assert_int_equal(sum.constants, 9);
    s = part(path, "xl/worksheets/sheet2.xml");
    has(s, "未载入该规则集，得分率按存储值填写");
    has(s, "<c r=\"J11\" s=\"");
    near(cached(s, "G11"), 3.5); /* the points formula still =F*J over the stored ratio */
    free(s);
    jx_ruleset_free(rs);
    jx_store_close(st);
}

static void test_blank(void **state)
{
    (void)state;
    int64_t run;
    jx_store *st = scored(JX_FIXTURES_DIR "/shifeng-2021", "mof-2020", &run);
    jx_ruleset *rs = load("mof-2020");
    char path[512];
    snprintf(path, sizeof path, "%s/blank.xlsx", tmpdir);
    jx_xlsx_opts o = {.rules = rs,
                      .blank = true,
                      .depts = (const char *const[]){"株洲市石峰区司法局"},
                      .ndepts = 1};
    jx_xlsx_summary sum;
    jx_errmsg msg;
    if (stored_xlsx(st, run, path, &o, &sum, &msg)) fail_msg("%s", msg.text);
    char *s = part(path, "xl/worksheets/sheet2.xml");
    /* the targets stay, the actuals and reasons are empty cells, the ratios are formulas giving 0
     */
    has(s, "<c r=\"D15\" s=");
    lacks(s, "辖区内两个大型小区物业纠纷");
    has(s, "<c r=\"E15\" s=");
    lacks(s, "<c r=\"E15\" s=\"12\"><v>");
    near(cached(s, "J15"), 0);
    /* 得分 empty until the actual is typed; text where a number belongs: 请填写数字, 0 points */
    has(s, "<f>IF(E15=\"\",\"\",IF(ISTEXT(E15),\"请填写数字\",F15*J15))</f>");
    has(s, "<f>IF(E20=\"\",\"\",IFERROR(F20*J20,\"请从下拉列表选择\"))</f>");
    /* totals, grade: empty until every scored indicator has its actual (not the budget alone) */
    has(s, "<f>IF(COUNT(G10:G21)&lt;COUNT(F10:F21),\"\",SUM(G10:G21)+IF(ISNUMBER(H4),H4,0))</f>");
    has(s, "<c r=\"G23\" s=\"");
    has(s, "<f>IF(G22=\"\",\"\",IF(F22&gt;0,100*G22/F22,0))</f><v></v>");
    lacks(s, "<v>差</v>");
    lacks(s, "未填写偏差原因");
    /* a safe form: protected without a password, numbers validated with a Chinese message */
    has(s, "<sheetProtection sheet=\"1\"");
    lacks(s, "password");
    has(s, "<dataValidation type=\"decimal\" allowBlank=\"1\" showInputMessage=\"1\" "
           "showErrorMessage=\"1\" errorTitle=\"请填写数字\"");
    has(s, "prompt=\"请只填写数字，不带单位或文字（单位：件）。\"");
    has(s, "prompt=\"请填写百分数，如 97.5%（只填数字和百分号，不带文字）。\"");
    has(s, "<formula1>-10</formula1><formula2>10</formula2>");
    has(s, "prompt=\"请填写金额，单位万元，只填数字。\"");
    free(s);
    char *sty = part(path, "xl/styles.xml");
    has(sty, "<protection locked=\"0\"/>");  /* the input cells */
    has(sty, "<fgColor rgb=\"FFDDEBF7\"/>"); /* shaded */
    free(sty);
    /* 汇总: no total, grade or rank yet; no 统计图 */
    s = part(path, "xl/worksheets/sheet1.xml");
    has(s, "<f>IF(F5=\"\",\"\",COUNTIF($F$5:$F$5,\"&gt;\"&amp;(F5+1E-09))+1)</f><v></v>");
    free(s);
    char *wb = part(path, "xl/workbook.xml");
    lacks(wb, "统计图");
    free(wb);
    jx_ruleset_free(rs);
    jx_store_close(st);
}

/* ---- --split: a workbook per department, two workers ---- */

static void test_split(void **state)
{
    (void)state;
    int64_t run;
    jx_store *st = scored(JX_FIXTURES_DIR "/demo", "mof-2020", &run);
    jx_ruleset *rs = load("mof-2020");
    char dir[512], path[700];
    snprintf(dir, sizeof dir, "%s/split", tmpdir);
    jx_xlsx_opts o = {.rules = rs, .split_dir = dir, .threads = 2};
    jx_xlsx_summary sum;
    jx_errmsg msg;
    if (stored_xlsx(st, run, NULL, &o, &sum, &msg)) fail_msg("%s", msg.text);
    /* five departments (石峰 has its project beside it) + 汇总 */
    assert_int_equal(sum.workbooks, 6);
    assert_int_equal(sum.subjects, 6);
    assert_int_equal(sum.sheets, 8); /* 6 subjects, 汇总 and its 统计图 */
    snprintf(path, sizeof path, "%s/株洲市石峰区司法局_2021.xlsx", dir);
    char *wb = part(path, "xl/workbook.xml");
    has(wb, "<sheet name=\"株洲市石峰区司法局\"");
    has(wb, "<sheet name=\"司法专项\"");
    free(wb);
    char *s = part(path, "xl/worksheets/sheet2.xml");
    near(cached(s, "G26"), 89.196914);
    free(s);
    snprintf(path, sizeof path, "%s/135_大竹县司法局_2024.xlsx", dir);
    s = part(path, "xl/worksheets/sheet1.xml");
    near(cached(s, "G33"), 96.897926);
    free(s);
    snprintf(path, sizeof path, "%s/汇总.xlsx", dir);
    s = part(path, "xl/worksheets/sheet1.xml");
    /* values, by year and kind: 2021's departments, 99.9 社区矫正管理中心 first; 2024's */
    has(s, "<t>2021年度 部门整体支出（3个）</t>");
    has(s, "<t>2024年度 部门整体支出（2个）</t>");
    has(s, "<c r=\"C5\" s=");
    has(s, "<t>株洲市石峰区社区矫正管理中心</t>");
    has(s, "<v>77.19259259259");
    lacks(s, "<f>'"); /* nothing refers to sheets of other files */
    /* each row links to its department's file */
    has(s, "<t>135001_大竹县法律援助中心_2024.xlsx</t>");
    has(s, "location=\"'大竹县法律援助中心'!A1\"/>");
    free(s);
    s = part(path, "xl/worksheets/_rels/sheet1.xml.rels");
    has(s, "Target=\"135001_大竹县法律援助中心_2024.xlsx\" TargetMode=\"External\"");
    free(s);
    /* no temporary file is left behind */
    char cmd[800];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -c part", dir);
    FILE *p = popen(cmd, "r");
    char out[16] = "";
    assert_non_null(fgets(out, sizeof out, p));
    pclose(p);
    assert_string_equal(out, "0\n");
    jx_ruleset_free(rs);
    jx_store_close(st);
}

/* ---- the form's own fields, written from a subject built here (the inputs come later) ---- */

static void test_fields(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/fields.xlsx", tmpdir);
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    jx_run_info info = {.id = 3, .rules = "mof-2020", .rules_sha256 = "d5c0026e9d03"};
    xwb w;
    xw_init(&w, wb, NULL, false, &info);
    jx_run_indicator ind[2] = {
        {.level1 = "产出指标",
         .level2 = "数量指标",
         .level3 = "委托业务数量",
         .op = "",
         .target = "≥50个",
         .unit = "",
         .note = "",
         .actual = "50个",
         .reason = "",
         .score = {.scored = true, .weight = 50, .ratio = 1, .points = 50}},
        {.level1 = "满意度指标",
         .level2 = "满意度指标",
         .level3 = "公众满意度",
         .op = "",
         .target = "≥90%",
         .unit = "",
         .note = "",
         .actual = "95%",
         .reason = "",
         .score = {.scored = true, .weight = 40, .ratio = 1, .points = 40}},
    };
    jx_run_subject s = {.code = "219001",
                        .name = "棠溪镇人民政府",
                        .project = "委托业务项目",
                        .year = 2022,
                        .n = 2,
                        .ind = ind,
                        .admin_dept = "219-池州市贵池区棠溪镇人民政府",
                        .implementer = "219001-池州市贵池区棠溪镇人民政府",
                        .goal = "本项目共申请预算资金90万元。",
                        .goal_result = "本项目共完成预算资金89.97万元。",
                        .fund_fiscal = {true, 90, 89.974, 89.974},
                        .fund_other = {true, 0, 0, 0}};
    s.result.grade = "优";
    lxw_worksheet *ws = workbook_add_worksheet(wb, "委托业务项目");
    xs_subject(&w, ws, &s);
    assert_int_equal(w.lxerr, LXW_NO_ERROR);
    xw_free(&w);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    char *x = part(path, "xl/sharedStrings.xml");
    has(x, "<t>219-池州市贵池区棠溪镇人民政府</t>");
    has(x, "<t>219001-池州市贵池区棠溪镇人民政府</t>");
    has(x, "<t>本项目共申请预算资金90万元。</t>");
    has(x, "<t>本项目共完成预算资金89.97万元。</t>");
    free(x);
    x = part(path, "xl/worksheets/sheet1.xml");
    /* 主管部门 | value (C4:D4) | 实施单位 | value (F4:H4) */
    has(x, "<mergeCell ref=\"C4:D4\"/>");
    has(x, "<mergeCell ref=\"F4:H4\"/>");
    /* 其中：本年财政拨款 on row 7: 90 | 89.974 | 89.974; 上年结转资金 empty; 其他资金 zeros */
    has(x, "<c r=\"C7\" s=");
    has(x, "<v>89.974</v>");
    lacks(x, "<c r=\"C8\" s=\"8\"><v>");
    /* 年度总体目标: the two texts side by side on row 11 (C:E and F:H) */
    has(x, "<mergeCell ref=\"C11:E11\"/>");
    has(x, "<mergeCell ref=\"F11:H11\"/>");
    free(x);
}

static void test_errors(void **state)
{
    (void)state;
    int64_t run;
    jx_store *st = scored(JX_FIXTURES_DIR "/shifeng-2021", "mof-2020", &run);
    jx_xlsx_summary sum;
    jx_errmsg msg;
    char path[512];
    snprintf(path, sizeof path, "%s/no/such/dir/x.xlsx", tmpdir);
    assert_int_equal(stored_xlsx(st, run, path, NULL, &sum, &msg), JX_ERR_IO);
    has(msg.text, "cannot write ");
    has(msg.text, "No such file or directory");
    assert_int_equal(sum.cells, 0);
    snprintf(path, sizeof path, "%s/x.xlsx", tmpdir);
    assert_int_equal(stored_xlsx(st, run + 99, path, NULL, &sum, &msg), JX_ERR_NOTFOUND);
    jx_xlsx_opts o = {.depts = (const char *const[]){"没有这个部门"}, .ndepts = 1};
    assert_int_equal(stored_xlsx(st, run, path, &o, &sum, &msg), JX_ERR_NOTFOUND);
    has(msg.text, "no subject");
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(stored_xlsx(NULL, run, path, NULL, &sum, &msg), JX_ERR_INVALID);
    /* /dev/null is written through, never replaced by a file */
    assert_int_equal(stored_xlsx(st, run, "/dev/null", NULL, &sum, &msg), JX_OK);
    struct stat sb;
    assert_int_equal(stat("/dev/null", &sb), 0);
    assert_true(S_ISCHR(sb.st_mode));
    jx_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sheet_name), cmocka_unit_test(test_shifeng),
        cmocka_unit_test(test_kinds),      cmocka_unit_test(test_blank),
        cmocka_unit_test(test_split),      cmocka_unit_test(test_fields),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, cleanup);
}
