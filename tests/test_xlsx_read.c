/*
 * test_xlsx_read.c - reading workbooks: number formats as a person reads them
 * (a table worked out by hand), cells of every kind written by libxlsxwriter,
 * merged ranges, tables under titles and on several sheets, hostile zips made
 * with libzip (each with its exact message), and the seed fixtures typed into
 * form-like workbooks importing to the same scores as their CSVs and as the
 * hand-worked totals of fixtures/README.md.
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
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "run_util.h"
#include "jixiao/csv.h"
#include "jixiao/import.h"
#include "jixiao/ruleset.h"
#include "jixiao/run.h"
#include "jixiao/store.h"
#include "keep/store_int.h"
#include "read/table_int.h"
#include "read/xlsx_read_int.h"

/* ---- helpers ---- */

static char *temp_path(const char *suffix)
{
    char tmpl[] = "/tmp/jx_test_xlsx_XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    close(fd);
    unlink(tmpl);
    size_t n = strlen(tmpl) + strlen(suffix) + 1;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s%s", tmpl, suffix);
    return p;
}

/* All rows of sheet i as "row|A|B|C" lines (empty cells as ""), into a malloc'd string. */
static char *dump_sheet(jx_wb *wb, size_t i)
{
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    out[0] = '\0';
    assert_int_equal(jx_wb_sheet_begin(wb, i), JX_OK);
    for (;;) {
        jx_wb_row r;
        bool eof;
        jx_err e = jx_wb_next_row(wb, &r, &eof);
        if (e) fprintf(stderr, "%s\n", jx_wb_errmsg(wb));
        assert_int_equal(e, JX_OK);
        if (eof) break;
        char line[2048];
        int k = snprintf(line, sizeof line, "%u", r.row);
        for (size_t c = 0; c < r.ncells; c++) {
            if (strlen(r.cells[c].ptr) != r.cells[c].len)
                fail_msg("row %u col %zu: \"%s\" strlen %zu len %zu", r.row, c, r.cells[c].ptr,
                         strlen(r.cells[c].ptr), r.cells[c].len);
            k += snprintf(line + k, sizeof line - (size_t)k, "|%s", r.cells[c].ptr);
        }
        k += snprintf(line + k, sizeof line - (size_t)k, "\n");
        while (len + (size_t)k + 1 > cap)
            out = realloc(out, cap *= 2);
        memcpy(out + len, line, (size_t)k + 1);
        len += (size_t)k;
    }
    return out;
}

/* ---- number formats ---- */

typedef struct fmt_case {
    const char *code; /* NULL: builtin id */
    unsigned id;
    double v;
    const char *want;
} fmt_case;

static void test_numfmt(void **state)
{
    (void)state;
    /* Serial 45292 is 2024-01-01 (Excel), so 45473 = 45292 + 181 is 2024-06-30; .75 of a day is
     * 18:00. */
    static const fmt_case cases[] = {
        {"General", 0, 16, "16"},
        {"0.00", 0, 16, "16"}, /* shown 16.00: the value is 16 */
        {"0.00", 0, 16.5, "16.5"},
        {"#,##0.00", 0, 1923.39, "1923.39"}, /* shown 1,923.39 */
        {"0%", 0, 0.75, "75%"},
        {"0%", 0, 1, "100%"},
        {"0.0%", 0, 0.986, "98.6%"},
        {"0%", 0, 0.755, "75.5%"}, /* shown 76%: what was typed is 75.5% */
        {"yyyy-mm-dd", 0, 45473, "2024-06-30"},
        {"yyyy\"年\"m\"月\"d\"日\"", 0, 45473, "2024-06-30"},
        {"yyyy/m/d h:mm", 0, 45473.75, "2024-06-30 18:00"},
        {"yyyy\"年\"m\"月\"", 0, 45473, "2024年6月"},
        {"yyyy", 0, 45473, "2024"}, /* a year typed as a date, shown as the year */
        {"m\"月\"d\"日\"", 0, 45473, "6月30日"},
        {"h:mm", 0, 0.5, "12:00"},
        {"mm:ss", 0, 0.5 / 24, "00:30:00"}, /* m before s is minutes */
        {"[h]:mm:ss", 0, 1.5, "36:00:00"},  /* a duration */
        {"0\"件\"", 0, 12, "12件"},         /* the unit is part of what is seen */
        {"#,##0.00\"元\"", 0, 2856000, "2856000元"},
        {"0.00 \"万元\"", 0, 30, "30万元"},
        {"000000", 0, 135, "000135"},         /* a code padded with zeros */
        {"¥#,##0.00", 0, 1923.39, "1923.39"}, /* a currency sign before the number is decoration */
        {"[$¥-804]#,##0.00;[Red]-[$¥-804]#,##0.00", 0, -5, "-5"},
        {"@", 0, 12, "12"},
        {"0.00E+00", 0, 12345, "12345"},
        {"#,##0;[Red]\\-#,##0", 0, -5, "-5"},
        {"# ?/?", 0, 0.5, "0.5"},
        {"General", 0, 0.1 + 0.2, "0.3"}, /* 15 significant digits, as Excel */
        {"General", 0, 1.0 / 3, "0.333333333333333"},
        {"General", 0, 0.000001, "0.000001"},
        {"General", 0, 1e20, "1e+20"},
        {"General", 0, -0.0, "0"},
        {"General", 0, 98.6, "98.6"},
        {"General", 0, 2856000, "2856000"},
        {NULL, 9, 0.95, "95%"},
        {NULL, 10, 0.9312, "93.12%"},
        {NULL, 14, 45473, "2024-06-30"},
        {NULL, 22, 45473.5, "2024-06-30 12:00"},
        {NULL, 31, 45473, "2024-06-30"}, /* yyyy"年"m"月"d"日" */
        {NULL, 57, 45473, "2024年6月"},
        {NULL, 49, 7, "7"},
        {NULL, 2, 3, "3"},
        {NULL, 200, 3.25, "3.25"},       /* unknown ids read as numbers */
        {"m/d/yy", 0, 60, "1900-02-29"}, /* Excel's phantom leap day */
        {"m/d/yy", 0, 61, "1900-03-01"},
        {"m/d/yy", 0, 1, "1900-01-01"},
        {"m/d/yy", 0, 3e6, "3000000"}, /* past 9999-12-31: Excel shows #####; keep the number */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        jx_numfmt f;
        if (cases[i].code)
            jx_numfmt_parse(cases[i].code, &f);
        else
            jx_numfmt_builtin(cases[i].id, &f);
        char buf[96];
        jx_numfmt_show(&f, cases[i].v, false, buf, sizeof buf);
        if (strcmp(buf, cases[i].want))
            fail_msg("format %s (id %u), %.17g: got \"%s\", want \"%s\"",
                     cases[i].code ? cases[i].code : "builtin", cases[i].id, cases[i].v, buf,
                     cases[i].want);
    }
    /* the 1904 date system: serial 0 is 1904-01-01 */
    jx_numfmt f;
    jx_numfmt_builtin(14, &f);
    char buf[96];
    jx_numfmt_show(&f, 0, true, buf, sizeof buf);
    assert_string_equal(buf, "1904-01-01");
    jx_numfmt_show(&f, 43830, true, buf, sizeof buf); /* 43830 + 1462 = 45292 in 1900 terms */
    assert_string_equal(buf, "2024-01-01");
}

static void test_sniff(void **state)
{
    (void)state;
    static const unsigned char zip[] = "PK\x03\x04rest",
                               ole[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0};
    assert_int_equal(jx_wb_sniff(zip, 8), JX_WB_SNIFF_ZIP);
    assert_int_equal(jx_wb_sniff((const unsigned char *)"PK\x05\x06", 4), JX_WB_SNIFF_ZIP);
    assert_int_equal(jx_wb_sniff(ole, 9), JX_WB_SNIFF_OLE2);
    assert_int_equal(jx_wb_sniff((const unsigned char *)"<html><body>", 12), JX_WB_SNIFF_HTML);
    assert_int_equal(jx_wb_sniff((const unsigned char *)"\xEF\xBB\xBF  <?xml version", 17),
                     JX_WB_SNIFF_HTML);
    assert_int_equal(jx_wb_sniff((const unsigned char *)"\xFF\xFE<\0h\0t\0", 8), JX_WB_SNIFF_HTML);
    assert_int_equal(jx_wb_sniff((const unsigned char *)"部门名称,年度\n", 20), JX_WB_SNIFF_TEXT);
    assert_int_equal(jx_wb_sniff((const unsigned char *)"PK", 2), JX_WB_SNIFF_TEXT);
    assert_int_equal(jx_wb_sniff((const unsigned char *)"", 0), JX_WB_SNIFF_TEXT);
    assert_int_equal(jx_wb_sniff((const unsigned char *)"<5 件,x\n", 9), JX_WB_SNIFF_TEXT);

    char buf[64];
    jx_wb_cell_name(0, 1, buf, sizeof buf);
    assert_string_equal(buf, "A1");
    jx_wb_cell_name(25, 12, buf, sizeof buf);
    assert_string_equal(buf, "Z12");
    jx_wb_cell_name(26, 3, buf, sizeof buf);
    assert_string_equal(buf, "AA3");
    jx_wb_cell_name(16383, 1048576, buf, sizeof buf);
    assert_string_equal(buf, "XFD1048576");
    jx_wb_sheet_ref("自评表", buf, sizeof buf);
    assert_string_equal(buf, "自评表");
    jx_wb_sheet_ref("Sheet 1", buf, sizeof buf);
    assert_string_equal(buf, "'Sheet 1'");
    jx_wb_sheet_ref("O'Neil", buf, sizeof buf);
    assert_string_equal(buf, "'O''Neil'");
    jx_wb_sheet_ref("2024", buf, sizeof buf);
    assert_string_equal(buf, "'2024'");
}

/* ---- cells written by libxlsxwriter ---- */

static void test_cells(void **state)
{
    (void)state;
    char *path = temp_path(".xlsx");
    lxw_workbook *wbk = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wbk, "数据 1");
    lxw_format *pct = workbook_add_format(wbk), *dec2 = workbook_add_format(wbk),
               *date = workbook_add_format(wbk);
    lxw_format *unit = workbook_add_format(wbk), *bold = workbook_add_format(wbk),
               *year = workbook_add_format(wbk);
    format_set_num_format(pct, "0%");
    format_set_num_format(dec2, "0.00");
    format_set_num_format(date, "yyyy\"年\"m\"月\"d\"日\"");
    format_set_num_format(unit, "0\"场次\"");
    format_set_num_format(year, "yyyy");
    format_set_bold(bold);
    /* row 1: a title; row 3: text of every kind */
    worksheet_write_string(ws, 0, 0, "2024年度绩效自评表", NULL);
    worksheet_write_string(ws, 2, 0, "  前后有空格  ", NULL);
    worksheet_write_string(ws, 2, 1, "a<b & \"c\"", NULL);
    lxw_rich_string_tuple f1 = {.format = bold, .string = "部分"},
                          f2 = {.format = NULL, .string = "达成"};
    lxw_rich_string_tuple *rich[] = {&f1, &f2, NULL};
    worksheet_write_rich_string(ws, 2, 2, rich, NULL);
    worksheet_write_string(ws, 2, 3, "第一行\n第二行", NULL);
    /* row 4: numbers as shown */
    worksheet_write_number(ws, 3, 0, 0.75, pct);
    worksheet_write_number(ws, 3, 1, 16, dec2);
    worksheet_write_number(ws, 3, 2, 45473, date);
    worksheet_write_number(ws, 3, 3, 18, unit);
    worksheet_write_number(ws, 3, 4, 45473, year);
    worksheet_write_number(ws, 3, 5, 0.1 + 0.2, NULL);
    /* row 5: booleans, formulas with cached results, a blank formatted cell, a far column */
    worksheet_write_boolean(ws, 4, 0, 1, NULL);
    worksheet_write_boolean(ws, 4, 1, 0, NULL);
    worksheet_write_formula_num(ws, 4, 2, "=1/3", NULL, 0.5);
    worksheet_write_formula_str(ws, 4, 3, "=\"好\"", NULL, "好");
    worksheet_write_formula_num(ws, 4, 4, "=A4", pct, 0.9);
    worksheet_write_blank(ws, 4, 5, pct);
    worksheet_write_string(ws, 4, 27, "AB", NULL);
    /* row 7: a merged block A7:B9 and a vertical merge D7:D8 */
    worksheet_merge_range(ws, 6, 0, 8, 1, "产出指标", NULL);
    worksheet_merge_range(ws, 6, 3, 7, 3, "数量指标", NULL);
    worksheet_write_string(ws, 6, 2, "x1", NULL);
    worksheet_write_string(ws, 7, 2, "x2", NULL);
    worksheet_write_string(ws, 8, 2, "x3", NULL);
    /* row 11: a merged cell over blank rows gives nothing to rows that have nothing of their own */
    worksheet_merge_range(ws, 10, 0, 12, 0, "合计", NULL);
    worksheet_write_blank(ws, 11, 1, bold);
    lxw_worksheet *hidden = workbook_add_worksheet(wbk, "选项");
    worksheet_write_string(hidden, 0, 0, "优", NULL);
    worksheet_hide(hidden);
    assert_int_equal(workbook_close(wbk), LXW_NO_ERROR);

    jx_wb *wb = NULL;
    jx_errmsg msg;
    jx_err e = jx_wb_open(path, "t.xlsx", NULL, &wb, &msg);
    if (e) fail_msg("%s", msg.text);
    assert_int_equal(jx_wb_sheet_count(wb), 2);
    assert_string_equal(jx_wb_sheet_name(wb, 0), "数据 1");
    assert_false(jx_wb_sheet_hidden(wb, 0));
    assert_true(jx_wb_sheet_hidden(wb, 1));
    assert_null(jx_wb_sheet_name(wb, 2));
    char *got = dump_sheet(wb, 0);
    assert_string_equal(got, "1|2024年度绩效自评表\n"
                             "3|  前后有空格  |a<b & \"c\"|部分达成|第一行\n第二行\n"
                             "4|75%|16|2024-06-30|18场次|2024|0.3\n"
                             "5|TRUE|FALSE|0.5|好|90%|||||||||||||||||||||||AB\n"
                             "7|产出指标||x1|数量指标\n"
                             "8|产出指标||x2|数量指标\n"
                             "9|产出指标||x3\n"
                             "11|合计\n");
    free(got);
    got = dump_sheet(wb, 1);
    assert_string_equal(got, "1|优\n");
    free(got);
    /* reading a sheet again starts it over */
    got = dump_sheet(wb, 0);
    assert_non_null(strstr(got, "4|75%|16|"));
    free(got);
    jx_wb_close(wb);
    unlink(path);
    free(path);
}

/* constant_memory mode writes inline strings, not shared ones; a long sheet streams */
static void test_inline_and_long(void **state)
{
    (void)state;
    char *path = temp_path(".xlsx");
    lxw_workbook_options o = {.constant_memory = LXW_TRUE};
    lxw_workbook *wbk = workbook_new_opt(path, &o);
    lxw_worksheet *ws = workbook_add_worksheet(wbk, "Sheet1");
    enum { N = 120000 };
    for (int r = 0; r < N; r++) {
        char s[32];
        snprintf(s, sizeof s, "部门%d", r);
        worksheet_write_string(ws, (lxw_row_t)r, 0, s, NULL);
        worksheet_write_number(ws, (lxw_row_t)r, 1, r * 0.5, NULL);
    }
    assert_int_equal(workbook_close(wbk), LXW_NO_ERROR);
    jx_wb *wb = NULL;
    jx_errmsg msg;
    assert_int_equal(jx_wb_open(path, NULL, NULL, &wb, &msg), JX_OK);
    assert_int_equal(jx_wb_sheet_begin(wb, 0), JX_OK);
    size_t n = 0;
    for (;;) {
        jx_wb_row r;
        bool eof;
        assert_int_equal(jx_wb_next_row(wb, &r, &eof), JX_OK);
        if (eof) break;
        char want[32], num[32];
        snprintf(want, sizeof want, "部门%zu", n);
        assert_int_equal(r.row, n + 1);
        assert_int_equal(r.ncells, 2);
        assert_string_equal(r.cells[0].ptr, want);
        jx_num_general(n * 0.5, num, sizeof num);
        assert_string_equal(r.cells[1].ptr, num);
        n++;
    }
    assert_int_equal(n, N);
    /* after the end, the end again */
    jx_wb_row r;
    bool eof = false;
    assert_int_equal(jx_wb_next_row(wb, &r, &eof), JX_OK);
    assert_true(eof);
    jx_wb_close(wb);
    unlink(path);
    free(path);
}

/* ---- tables found on sheets ---- */

/* A header judge like import's: the columns 部门名称, 年度, 三级指标 are needed. */
static int judge(void *ctx, const jx_csv_field *f, size_t n, bool *complete, char *why, size_t cap,
                 uint64_t *cols)
{
    (void)ctx;
    static const char *const need[] = {"部门名称", "年度", "三级指标"};
    static const char *const other[] = {"年初预算数", "全年预算数", "全年执行数"};
    bool have[3] = {0};
    int names = 0;
    *cols = 0;
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < 3; k++)
            if (!strcmp(f[i].ptr, need[k])) have[k] = true, names++, *cols |= 1u << k;
        for (int k = 0; k < 3; k++)
            if (!strcmp(f[i].ptr, other[k])) names++, *cols |= 8u << k;
    }
    *complete = have[0] && have[1] && have[2];
    snprintf(why, cap, "missing%s%s%s", have[0] ? "" : " 部门名称", have[1] ? "" : " 年度",
             have[2] ? "" : " 三级指标");
    return names;
}

static char *dump_table(const char *path, const char *sheet, jx_err *err, char *errbuf,
                        size_t errcap)
{
    jx_table_opts o = {.name = "f.xlsx", .sheet = sheet, .header = judge};
    jx_table *t = NULL;
    jx_errmsg msg;
    *err = jx_table_open(path, &o, &t, &msg);
    if (*err) {
        snprintf(errbuf, errcap, "%s", msg.text);
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *out = calloc(1, cap);
    for (;;) {
        jx_table_row r;
        bool eof;
        *err = jx_table_next(t, &r, &eof);
        if (*err) {
            snprintf(errbuf, errcap, "%s", jx_table_errmsg(t));
            break;
        }
        if (eof) break;
        char line[1024];
        int k = snprintf(line, sizeof line, "%s%s", r.header ? "H " : "",
                         jx_table_place(t, r.line, -1));
        for (size_t c = 0; c < r.nfields; c++)
            k += snprintf(line + k, sizeof line - (size_t)k, "|%s", r.fields[c].ptr);
        k += snprintf(line + k, sizeof line - (size_t)k, "\n");
        while (len + (size_t)k + 1 > cap)
            out = realloc(out, cap *= 2);
        memcpy(out + len, line, (size_t)k + 1);
        len += (size_t)k;
    }
    jx_table_close(t);
    return out;
}

static void test_tables(void **state)
{
    (void)state;
    char *path = temp_path(".xlsx");
    lxw_workbook *wbk = workbook_new(path);
    /* a notes sheet with no table */
    lxw_worksheet *s0 = workbook_add_worksheet(wbk, "填报说明");
    worksheet_write_string(s0, 0, 0, "请填写实际完成值", NULL);
    /* a form: title, blank row, budget block, indicator block under it */
    lxw_worksheet *s1 = workbook_add_worksheet(wbk, "自评表");
    worksheet_merge_range(s1, 0, 1, 0, 4, "2024年度部门整体支出绩效自评表", NULL);
    worksheet_write_string(s1, 2, 1, "年初预算数", NULL);
    worksheet_write_string(s1, 2, 2, "全年预算数", NULL);
    worksheet_write_string(s1, 2, 3, "全年执行数", NULL);
    worksheet_write_number(s1, 3, 1, 1923.39, NULL);
    worksheet_write_string(s1, 5, 1, "部门名称", NULL);
    worksheet_write_string(s1, 5, 2, "年度", NULL);
    worksheet_write_string(s1, 5, 3, "三级指标", NULL);
    worksheet_merge_range(s1, 6, 1, 7, 1, "大竹县司法局", NULL);
    worksheet_merge_range(s1, 6, 2, 7, 2, "", NULL);
    worksheet_write_number(s1, 6, 2, 2024, NULL);
    worksheet_write_string(s1, 6, 3, "法治讲座", NULL);
    worksheet_write_string(s1, 7, 3, "案卷评查", NULL);
    /* the budget block again: ends the indicator table */
    worksheet_write_string(s1, 9, 1, "年初预算数", NULL);
    worksheet_write_string(s1, 9, 2, "全年预算数", NULL);
    worksheet_write_number(s1, 10, 1, 5, NULL);
    /* a second sheet with the same table, its header in row 1 column A */
    lxw_worksheet *s2 = workbook_add_worksheet(wbk, "项目 2");
    worksheet_write_string(s2, 0, 0, "部门名称", NULL);
    worksheet_write_string(s2, 0, 1, "年度", NULL);
    worksheet_write_string(s2, 0, 2, "三级指标", NULL);
    worksheet_write_string(s2, 1, 0, "如皋市司法局", NULL);
    worksheet_write_number(s2, 1, 1, 2021, NULL);
    worksheet_write_string(s2, 1, 2, "预算执行率", NULL);
    /* a hidden sheet with a table: not read unless named */
    lxw_worksheet *s3 = workbook_add_worksheet(wbk, "隐藏");
    worksheet_write_string(s3, 0, 0, "部门名称", NULL);
    worksheet_write_string(s3, 0, 1, "年度", NULL);
    worksheet_write_string(s3, 0, 2, "三级指标", NULL);
    worksheet_write_string(s3, 1, 0, "x", NULL);
    worksheet_hide(s3);
    assert_int_equal(workbook_close(wbk), LXW_NO_ERROR);

    jx_err e;
    char err[600] = "";
    char *got = dump_table(path, NULL, &e, err, sizeof err);
    if (e) fail_msg("%s", err);
    assert_string_equal(got, "H f.xlsx:自评表!B6||部门名称|年度|三级指标\n"
                             "f.xlsx:自评表!B7||大竹县司法局|2024|法治讲座\n"
                             "f.xlsx:自评表!B8||大竹县司法局|2024|案卷评查\n"
                             "H f.xlsx:'项目 2'!A1|部门名称|年度|三级指标\n"
                             "f.xlsx:'项目 2'!A2|如皋市司法局|2021|预算执行率\n");
    free(got);
    got = dump_table(path, "隐藏", &e, err, sizeof err);
    assert_int_equal(e, JX_OK);
    assert_string_equal(got, "H f.xlsx:隐藏!A1|部门名称|年度|三级指标\nf.xlsx:隐藏!A2|x\n");
    free(got);
    /* --sheet of a sheet without the table: the best candidate row says what is missing */
    got = dump_table(path, "填报说明", &e, err, sizeof err);
    assert_int_equal(e, JX_ERR_FORMAT);
    assert_string_equal(err,
                        "f.xlsx: sheet 填报说明 has no header row: missing 部门名称 年度 三级指标");
    free(got);
    got = dump_table(path, "nosuch", &e, err, sizeof err);
    assert_null(got);
    assert_int_equal(e, JX_ERR_NOTFOUND);
    assert_string_equal(
        err, "f.xlsx: no sheet named \"nosuch\" (the sheets are: 填报说明, 自评表, 项目 2, 隐藏)");
    unlink(path);
    free(path);

    /* no sheet has the table: the row that came closest is named */
    path = temp_path(".xlsx");
    wbk = workbook_new(path);
    s0 = workbook_add_worksheet(wbk, "Sheet1");
    worksheet_write_string(s0, 0, 0, "标题", NULL);
    worksheet_write_string(s0, 3, 2, "部门名称", NULL);
    worksheet_write_string(s0, 3, 3, "三级指标", NULL);
    assert_int_equal(workbook_close(wbk), LXW_NO_ERROR);
    got = dump_table(path, NULL, &e, err, sizeof err);
    assert_int_equal(e, JX_ERR_FORMAT);
    assert_string_equal(err, "f.xlsx:Sheet1!C4: missing 年度");
    free(got);
    unlink(path);
    free(path);
}

/* ---- hostile zips, made with libzip ---- */

typedef struct member {
    const char *name;
    const char *data; /* NULL: generated, see big */
    size_t big;       /* bytes of spaces inserted in data at "@@" */
} member;

static const char ct[] = "<?xml version=\"1.0\"?><Types "
                         "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";
static const char rels[] =
    "<Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
    "Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"xl/workbook.xml\"/></Relationships>";
static const char wbxml[] =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships\"><sheets><sheet name=\"S\" sheetId=\"1\" "
    "r:id=\"rId1\"/></sheets></workbook>";
static const char wbrels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/>"
    "</Relationships>";
static const char sst[] =
    "<sst "
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>a</t></si>@@</sst>";
static const char sheet[] = "<worksheet "
                            "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/"
                            "main\"><sheetData>@@<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
                            "<c r=\"B1\"><v>7</v></c></row></sheetData></worksheet>";

/* Write a zip of members; when lie is set, the headers of member `lie` claim 100 bytes. */
static char *make_zip(const member *m, size_t n, const char *lie)
{
    char *path = temp_path(".xlsx");
    int err = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(z);
    char **bufs = calloc(n, sizeof *bufs);
    for (size_t i = 0; i < n; i++) {
        const char *at = strstr(m[i].data, "@@");
        size_t len = strlen(m[i].data) - (at ? 2 : 0) + m[i].big;
        char *b = malloc(len + 1);
        assert_non_null(b);
        if (at) {
            size_t pre = (size_t)(at - m[i].data);
            memcpy(b, m[i].data, pre);
            memset(b + pre, ' ', m[i].big);
            strcpy(b + pre + m[i].big, at + 2);
        } else {
            strcpy(b, m[i].data);
        }
        bufs[i] = b;
        zip_source_t *src = zip_source_buffer(z, b, len, 0);
        assert_non_null(src);
        assert_true(zip_file_add(z, m[i].name, src, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    for (size_t i = 0; i < n; i++)
        free(bufs[i]);
    free(bufs);
    if (lie) { /* patch the inflated size in the central directory and the local header */
        FILE *f = fopen(path, "r+b");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        long sz = ftell(f);
        unsigned char *d = malloc((size_t)sz);
        fseek(f, 0, SEEK_SET);
        assert_int_equal(fread(d, 1, (size_t)sz, f), (size_t)sz);
        size_t nl = strlen(lie);
        bool done = false;
        for (long i = 0; i + 46 < sz; i++) {
            if (memcmp(d + i, "PK\x01\x02", 4)) continue;
            unsigned namelen = d[i + 28] | d[i + 29] << 8;
            if (namelen != nl || memcmp(d + i + 46, lie, nl)) continue;
            unsigned long local = d[i + 42] | d[i + 43] << 8 | (unsigned long)d[i + 44] << 16 |
                                  (unsigned long)d[i + 45] << 24;
            d[i + 24] = 100, d[i + 25] = d[i + 26] = d[i + 27] = 0;
            d[local + 22] = 100, d[local + 23] = d[local + 24] = d[local + 25] = 0;
            done = true;
        }
        assert_true(done);
        fseek(f, 0, SEEK_SET);
        fwrite(d, 1, (size_t)sz, f);
        fclose(f);
        free(d);
    }
    return path;
}

/* Open and read every row of sheet 0; the first failure's code and message. */
static jx_err read_all(const char *path, const jx_wb_limits *lim, char *msgbuf, size_t cap)
{
    jx_wb *wb = NULL;
    jx_errmsg msg;
    jx_err e = jx_wb_open(path, "h.xlsx", lim, &wb, &msg);
    if (e) {
        snprintf(msgbuf, cap, "%s", msg.text);
        assert_null(wb);
        return e;
    }
    e = jx_wb_sheet_begin(wb, 0);
    while (!e) {
        jx_wb_row r;
        bool eof;
        e = jx_wb_next_row(wb, &r, &eof);
        if (!e && eof) break;
    }
    snprintf(msgbuf, cap, "%s", e ? jx_wb_errmsg(wb) : "");
    if (e) { /* errors are final */
        jx_wb_row r;
        assert_int_equal(jx_wb_next_row(wb, &r, NULL), e);
        assert_int_equal(r.ncells, 0);
    }
    jx_wb_close(wb);
    return e;
}

/* The limits of the hostile-file tests, and a sound workbook's six parts, to spoil one by one. */
static const jx_wb_limits small = {
    .part_max = 1 << 20, .sst_max = 1 << 20, .sheet_max = 1 << 20, .text_max = 1 << 20};

static void sound_parts(member ok[6])
{
    const member m[] = {{"[Content_Types].xml", ct, 0},   {"_rels/.rels", rels, 0},
                        {"xl/workbook.xml", wbxml, 0},    {"xl/_rels/workbook.xml.rels", wbrels, 0},
                        {"xl/sharedStrings.xml", sst, 0}, {"xl/worksheets/sheet1.xml", sheet, 0}};
    memcpy(ok, m, sizeof m);
}

/* A sound workbook reads; parts that inflate past the limits are refused (zip bombs). */
static void test_hostile_sizes(void **state)
{
    (void)state;
    char msg[JX_ERRMSG_MAX];
    member ok[6];
    sound_parts(ok);
    char *p = make_zip(ok, 6, NULL);
    assert_int_equal(read_all(p, &small, msg, sizeof msg), JX_OK);
    unlink(p), free(p);

    /* a sheet whose headers admit it inflates to 2 MiB: refused before inflating */
    ok[5].big = 2 << 20;
    p = make_zip(ok, 6, NULL);
    assert_int_equal(read_all(p, &small, msg, sizeof msg), JX_ERR_LIMIT);
    assert_string_equal(msg, "h.xlsx: part xl/worksheets/sheet1.xml would inflate to 2097331 "
                             "bytes, more than the limit of 1 MiB: refused (a zip bomb?)");
    unlink(p), free(p);
    /* ... and one whose headers lie (100 bytes): stopped at the limit while inflating */
    p = make_zip(ok, 6, "xl/worksheets/sheet1.xml");
    assert_int_equal(read_all(p, &small, msg, sizeof msg), JX_ERR_LIMIT);
    assert_string_equal(
        msg,
        "h.xlsx: part xl/worksheets/sheet1.xml inflates to more than 1 MiB: refused (a zip bomb?)");
    unlink(p), free(p);
    ok[5].big = 0;
    /* the same for the shared strings, read when the workbook is opened */
    ok[4].big = 3 << 20;
    p = make_zip(ok, 6, "xl/sharedStrings.xml");
    assert_int_equal(read_all(p, &small, msg, sizeof msg), JX_ERR_LIMIT);
    assert_string_equal(
        msg,
        "h.xlsx: part xl/sharedStrings.xml inflates to more than 1 MiB: refused (a zip bomb?)");
    unlink(p), free(p);
    /* ... and the text it would hold in memory */
    ok[4].big = 0;
    char sst_many[4096] = "<sst><si><t>a</t></si>";
    for (int i = 0; i < 100; i++)
        strcat(sst_many, "<si><t>0123456789abcdef</t></si>");
    strcat(sst_many, "</sst>");
    ok[4].data = sst_many;
    jx_wb_limits text = {.text_max = 1000};
    p = make_zip(ok, 6, NULL);
    assert_int_equal(read_all(p, &text, msg, sizeof msg), JX_ERR_LIMIT);
    assert_string_equal(msg, "h.xlsx: the shared strings hold more than 1000 bytes of text");
    unlink(p), free(p);
    ok[4].data = sst;
}

/* Broken XML of every part kind, each refused with its place. */
static void test_hostile_xml(void **state)
{
    (void)state;
    char msg[JX_ERRMSG_MAX];
    member ok[6];
    sound_parts(ok);
    char *p;
    /* broken XML of every part kind, each with its place */
    static const struct {
        size_t part;
        const char *data, *want;
        jx_err err;
    } bad[] = {
        {5, "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", /* truncated */
         "h.xlsx:S: xl/worksheets/sheet1.xml:1:62: malformed XML (no element found): the file is "
         "damaged or truncated; open it in Excel and save it again",
         JX_ERR_FORMAT},
        {5,
         "<worksheet><sheetData><row r=\"1\"><c "
         "r=\"A1\"><v>1</v></c></rwo></sheetData></worksheet>",
         "h.xlsx:S: xl/worksheets/sheet1.xml:1:58: malformed XML (mismatched tag): the file is "
         "damaged or truncated; open it in Excel and save it again",
         JX_ERR_FORMAT},
        {2, "<workbook><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets>",
         "h.xlsx: xl/workbook.xml:1:69: malformed XML (no element found): the file is damaged or "
         "truncated; open it in Excel and save it again",
         JX_ERR_FORMAT},
        {4,
         "<!DOCTYPE a [<!ENTITY x \"xxxxxxxxxx\"><!ENTITY y "
         "\"&x;&x;&x;&x;&x;\">]><sst><si><t>&y;</t></si></sst>",
         "h.xlsx: part xl/sharedStrings.xml has a DOCTYPE, which no workbook has: refused",
         JX_ERR_FORMAT},
        {5,
         "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" "
         "t=\"s\"><v>5</v></c></row></sheetData></worksheet>",
         "h.xlsx:S!A1: shared string 5 does not exist (the workbook has 1; damaged file)",
         JX_ERR_FORMAT},
        {5,
         "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" "
         "t=\"s\"><v>-1</v></c></row></sheetData></worksheet>",
         "h.xlsx:S!A1: \"-1\" is not a shared string number (damaged file)", JX_ERR_FORMAT},
        {5,
         "<worksheet><sheetData><row r=\"1\"><c "
         "r=\"XFE1\"><v>1</v></c></row></sheetData></worksheet>",
         "h.xlsx:S: cell XFE1 is past the sheet's last column (XFD; damaged file)", JX_ERR_FORMAT},
        {5,
         "<worksheet><sheetData><row r=\"1048577\"><c><v>1</v></c></row></sheetData></worksheet>",
         "h.xlsx:S: row 1048577 is past the sheet's last row (1048576; damaged file)",
         JX_ERR_FORMAT},
        {5, "<worksheet><sheetData><row r=\"3\"/><row r=\"2\"/></sheetData></worksheet>",
         "h.xlsx:S: row 2 comes after row 3: rows out of order (damaged file)", JX_ERR_FORMAT},
        {5,
         "<worksheet><sheetData><row r=\"1\"><c "
         "r=\"A2\"><v>1</v></c></row></sheetData></worksheet>",
         "h.xlsx:S: cell A2 is inside row 1 (damaged file)", JX_ERR_FORMAT},
        {5,
         "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c><c "
         "r=\"A1\"><v>2</v></c></row></sheetData></worksheet>",
         "h.xlsx:S!A1: the cell appears twice in its row (damaged file)", JX_ERR_FORMAT},
        {5,
         "<worksheet><sheetData><row r=\"1\"><c "
         "r=\"B1\"><v>1e999</v></c></row></sheetData></worksheet>",
         "h.xlsx:S!B1: \"1e999\" in a number cell is not a number (damaged file)", JX_ERR_FORMAT},
        {5,
         "<worksheet><sheetData><row r=\"1\"><c r=\"B1\" "
         "s=\"3\"><v>1</v></c></row></sheetData></worksheet>",
         "h.xlsx:S!B1: the cell's style 3 does not exist (the workbook has 0; damaged file)",
         JX_ERR_FORMAT},
        {5,
         "<worksheet><sheetData><row r=\"1\"><c r=\"B1\" "
         "t=\"z\"><v>1</v></c></row></sheetData></worksheet>",
         "h.xlsx:S!B1: unknown cell type \"z\" (damaged file)", JX_ERR_FORMAT},
        {5, "<worksheet><sheetData><c r=\"B1\"><v>1</v></c></sheetData></worksheet>",
         "h.xlsx:S: a cell outside any row (damaged file)", JX_ERR_FORMAT},
        {5,
         "<worksheet><sheetData/><mergeCells><mergeCell "
         "ref=\"A1:A1048577\"/></mergeCells></worksheet>",
         "h.xlsx:S: merged range A1:A1048577 reaches past the sheet's end (XFD1048576)",
         JX_ERR_FORMAT},
        {5,
         "<worksheet><sheetData/><x:mergeCells><x:mergeCell "
         "ref=\"B3:A1\"/></x:mergeCells></worksheet>",
         "h.xlsx:S: merged range \"B3:A1\" is not a range of cells (damaged file)", JX_ERR_FORMAT},
        {3,
         "<Relationships><Relationship Id=\"rId9\" Type=\"x/worksheet\" "
         "Target=\"worksheets/sheet1.xml\"/></Relationships>",
         "h.xlsx: sheet S has no part (relationship rId1 is missing; damaged file)", JX_ERR_FORMAT},
        {3,
         "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
         "Target=\"worksheets/nosuch.xml\"/></Relationships>",
         "h.xlsx: the workbook has no part xl/worksheets/nosuch.xml (damaged file)", JX_ERR_FORMAT},
        {1,
         "<Relationships><Relationship Id=\"rId1\" Type=\"x/officeDocument\" "
         "Target=\"word/document.xml\"/></Relationships>",
         "h.xlsx: the workbook has no part word/document.xml (damaged file)", JX_ERR_FORMAT},
    };
    int failures = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        member m[6];
        memcpy(m, ok, sizeof m);
        m[bad[i].part].data = bad[i].data;
        p = make_zip(m, 6, NULL);
        jx_err e = read_all(p, &small, msg, sizeof msg);
        if (e != bad[i].err || strcmp(msg, bad[i].want)) {
            print_error("case %zu: got %d \"%s\"\n        want %d \"%s\"\n", i, e, msg, bad[i].err,
                        bad[i].want);
            failures++;
        }
        unlink(p), free(p);
    }
    assert_int_equal(failures, 0);
}

/* Damaged files: no shared strings for a cell that needs them, a zip that is no workbook, a
 * truncated zip, a file that is not there. */
static void test_hostile_files(void **state)
{
    (void)state;
    char msg[JX_ERRMSG_MAX];
    char *p;
    /* no shared strings part at all, and a cell that needs one */
    member nosst[] = {{"_rels/.rels", rels, 0},
                      {"xl/workbook.xml", wbxml, 0},
                      {"xl/_rels/workbook.xml.rels",
                       "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
                       "Target=\"worksheets/sheet1.xml\"/></Relationships>",
                       0},
                      {"xl/worksheets/sheet1.xml", sheet, 0}};
    p = make_zip(nosst, 4, NULL);
    assert_int_equal(read_all(p, &small, msg, sizeof msg), JX_ERR_FORMAT);
    assert_string_equal(msg, "h.xlsx:S!A1: the cell refers to shared string 0, but the workbook "
                             "has no shared strings part (damaged file)");
    unlink(p), free(p);
    /* a zip that is not a workbook; an empty file; a truncated zip; an .xls */
    member other[] = {{"readme.txt", "hello", 0}};
    p = make_zip(other, 1, NULL);
    assert_int_equal(read_all(p, &small, msg, sizeof msg), JX_ERR_FORMAT);
    assert_string_equal(msg, "h.xlsx: a zip file that is not an Excel workbook (no workbook part)");
    /* cut the zip short: the central directory is gone */
    assert_int_equal(truncate(p, 30), 0);
    assert_int_equal(read_all(p, &small, msg, sizeof msg), JX_ERR_FORMAT);
    assert_string_equal(
        msg, "h.xlsx: not a complete zip file (truncated, or not an .xlsx) (Not a zip archive)");
    unlink(p), free(p);
    assert_int_equal(read_all("/nonexistent/x.xlsx", NULL, msg, sizeof msg), JX_ERR_IO);
    assert_string_equal(msg, "h.xlsx: cannot open: No such file or directory");
}

/* ---- the fixtures, typed into workbooks ---- */

/* Does s look like a plain number / a percentage as a clerk types them? */
static bool plain_number(const char *s, double *v)
{
    if (!*s) return false;
    char *end;
    *v = strtod(s, &end);
    if (*end) return false;
    for (const char *p = s; *p; p++)
        if (!(*p == '-' || *p == '.' || (*p >= '0' && *p <= '9'))) return false;
    return true;
}

/*
 * fixture CSV → a form-like workbook: a merged title, a unit line, the header in
 * row 4 from column B, numbers as numbers (integers shown with two decimals),
 * "98.6%" as 0.986 in a 0.0% cell, 一级指标/二级指标 merged over their runs.
 */
static void csv_to_form(const char *csvpath, const char *xlsxpath, const char *sheetname)
{
    jx_csv *c = NULL;
    jx_errmsg msg;
    assert_int_equal(jx_csv_open(csvpath, &c, &msg), JX_OK);
    lxw_workbook *wbk = workbook_new(xlsxpath);
    lxw_worksheet *ws = workbook_add_worksheet(wbk, sheetname);
    lxw_format *dec2 = workbook_add_format(wbk), *pct = workbook_add_format(wbk),
               *wrap = workbook_add_format(wbk);
    format_set_num_format(dec2, "0.00");
    format_set_num_format(pct, "0.0%");
    format_set_text_wrap(wrap);
    worksheet_merge_range(ws, 0, 1, 0, 6, "绩效自评表（测试）", NULL);
    worksheet_write_string(ws, 2, 1, "单位：万元", NULL);
    enum { MAXR = 200, MAXC = 16 };
    char *cells[MAXR][MAXC] = {{0}};
    size_t nr = 0, nc = 0;
    for (;;) {
        jx_csv_row r;
        bool eof;
        assert_int_equal(jx_csv_next(c, &r, &eof), JX_OK);
        if (eof) break;
        assert_true(nr < MAXR && r.nfields <= MAXC);
        for (size_t i = 0; i < r.nfields; i++)
            cells[nr][i] = strdup(r.fields[i].ptr);
        if (r.nfields > nc) nc = r.nfields;
        nr++;
    }
    jx_csv_close(c);
    int l1 = -1, l2 = -1, name = -1;
    for (size_t i = 0; i < nc; i++) {
        if (!strcmp(cells[0][i], "一级指标")) l1 = (int)i;
        if (!strcmp(cells[0][i], "二级指标")) l2 = (int)i;
        if (!strcmp(cells[0][i], "部门名称")) name = (int)i;
    }
    const lxw_row_t top = 3;
    for (size_t r = 0; r < nr; r++)
        for (size_t i = 0; i < nc; i++) {
            const char *s = cells[r][i] ? cells[r][i] : "";
            lxw_row_t row = top + (lxw_row_t)r;
            lxw_col_t col = (lxw_col_t)(i + 1);
            double v;
            size_t n = strlen(s);
            if (!*s) continue;
            if (r > 0 && plain_number(s, &v)) {
                worksheet_write_number(ws, row, col, v, strchr(s, '.') ? NULL : dec2);
            } else if (r > 0 && n > 1 && s[n - 1] == '%') {
                char tmp[64];
                snprintf(tmp, sizeof tmp, "%.*s", (int)(n - 1), s);
                if (plain_number(tmp, &v))
                    worksheet_write_number(ws, row, col, v / 100, pct);
                else
                    worksheet_write_string(ws, row, col, s, wrap);
            } else {
                worksheet_write_string(ws, row, col, s, wrap);
            }
        }
    /* merge runs of equal 一级/二级 within a department, as a form does */
    int mc[2] = {l1, l2};
    for (int k = 0; k < 2; k++) {
        if (mc[k] < 0) continue;
        size_t start = 1;
        for (size_t r = 2; r <= nr; r++) {
            bool same = r < nr && cells[r][mc[k]] && cells[start][mc[k]] && *cells[start][mc[k]] &&
                        !strcmp(cells[r][mc[k]], cells[start][mc[k]]) &&
                        !strcmp(cells[r][name], cells[start][name]);
            if (same) continue;
            if (r - start > 1)
                worksheet_merge_range(ws, top + (lxw_row_t)start, (lxw_col_t)(mc[k] + 1),
                                      top + (lxw_row_t)(r - 1), (lxw_col_t)(mc[k] + 1),
                                      cells[start][mc[k]], wrap);
            start = r;
        }
    }
    for (size_t r = 0; r < nr; r++)
        for (size_t i = 0; i < nc; i++)
            free(cells[r][i]);
    assert_int_equal(workbook_close(wbk), LXW_NO_ERROR);
}

static void on_err(void *ctx, const char *message)
{
    char *buf = ctx;
    size_t n = strlen(buf);
    snprintf(buf + n, 4096 - n, "%s\n", message);
}

/* Import targets, actuals and budget from dir (CSV, or workbooks made from them) and score. */
typedef struct totals {
    char line[16][160];
    size_t n;
} totals;

static int collect(const jx_run_subject *s, void *ctx)
{
    totals *t = ctx;
    assert_true(t->n < 16);
    snprintf(t->line[t->n++], sizeof t->line[0], "%s|%s|%d|%.6f|%s", s->name, s->project, s->year,
             s->result.total, s->result.grade);
    return 0;
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void import_and_score(const char *dir, bool as_xlsx, totals *out)
{
    jx_store *st = NULL;
    jx_errmsg msg;
    assert_int_equal(jx_store_open(":memory:", &st, &msg), JX_OK);
    static const char *const kinds[] = {"targets", "actuals", "budget"};
    for (int k = 0; k < 3; k++) {
        char csv[512], path[512];
        snprintf(csv, sizeof csv, "%s/%s/%s.csv", JX_FIXTURES_DIR, dir, kinds[k]);
        char *x = NULL;
        if (as_xlsx) {
            x = temp_path(".xlsx");
            csv_to_form(csv, x, k == 0 ? "目标表" : k == 1 ? "自评表" : "预算执行");
        }
        snprintf(path, sizeof path, "%s", as_xlsx ? x : csv);
        char errs[4096] = "";
        jx_import_opts o = {.on_error = on_err, .ctx = errs};
        jx_import_kind kind;
        assert_int_equal(jx_import_kind_parse(kinds[k], &kind), JX_OK);
        jx_import_result res;
        jx_err e = jx_import_file(st, kind, path, &o, &res);
        if (e) fail_msg("%s %s: %s\n%s", dir, kinds[k], jx_store_errmsg(st), errs);
        assert_string_equal(res.encoding, as_xlsx ? "xlsx" : "UTF-8");
        if (x) unlink(x), free(x);
    }
    const char *dirs[] = {JX_RULES_DIR};
    jx_ruleset *rs = NULL;
    assert_int_equal(jx_ruleset_load("mof-2020", dirs, 1, &rs, &msg), JX_OK);
    jx_run_summary sum;
    assert_int_equal(jx_run_score(st, rs, NULL, &sum), JX_OK);
    memset(out, 0, sizeof *out);
    assert_int_equal(stored_foreach(st, sum.run_id, NULL, collect, out), JX_OK);
    qsort(out->line, out->n, sizeof out->line[0], cmp_line);
    jx_ruleset_free(rs);
    jx_store_close(st);
}

static void test_fixtures(void **state)
{
    (void)state;
    /* the hand-worked totals of fixtures/README.md ("Expected results") */
    static const struct {
        const char *dir;
        const char *want[6];
    } fx[] = {
        {"shifeng-2021",
         {"株洲市石峰区司法局||2021|98.555887|优",
          "株洲市石峰区司法局|司法专项|2021|89.196914|良"}},
        {"dazhu-2024", {"大竹县司法局||2024|96.897926|优"}},
        {"rugao-2021", {"如皋市司法局||2021|94.266680|优"}},
        {"demo",
         {"如皋市司法局||2021|94.266680|优", "大竹县司法局||2024|96.897926|优",
          "大竹县法律援助中心||2024|77.192593|中", "株洲市石峰区司法局||2021|98.555887|优",
          "株洲市石峰区司法局|司法专项|2021|89.196914|良",
          "株洲市石峰区社区矫正管理中心||2021|99.900000|优"}},
    };
    for (size_t i = 0; i < sizeof fx / sizeof fx[0]; i++) {
        totals csv, xlsx;
        import_and_score(fx[i].dir, false, &csv);
        import_and_score(fx[i].dir, true, &xlsx);
        size_t want = 0;
        while (want < 6 && fx[i].want[want])
            want++;
        assert_int_equal(xlsx.n, want);
        assert_int_equal(csv.n, want);
        const char *sorted[6];
        for (size_t k = 0; k < want; k++)
            sorted[k] = fx[i].want[k];
        for (size_t k = 0; k < want; k++) {
            /* the same subject lines whichever way the data came */
            assert_string_equal(xlsx.line[k], csv.line[k]);
            bool found = false;
            for (size_t j = 0; j < want; j++)
                found = found || !strcmp(xlsx.line[k], sorted[j]);
            if (!found)
                fail_msg("%s: %s is not among the hand-worked totals", fx[i].dir, xlsx.line[k]);
        }
    }
}

/* Everything in the store, as text: to see that a rejected import changed nothing. */
static char *store_dump(jx_store *st)
{
    sqlite3_stmt *q = NULL;
    const char *sql = "SELECT 'i', id, kind, rows FROM imports UNION ALL "
                      "SELECT 't', id, level3, coalesce(replaced_by, '') FROM targets UNION ALL "
                      "SELECT 'a', id, actual, coalesce(replaced_by, '') FROM actuals UNION ALL "
                      "SELECT 'b', id, spent, coalesce(replaced_by, '') FROM budgets UNION ALL "
                      "SELECT 's', id, name, year FROM subjects";
    assert_int_equal(sqlite3_prepare_v2(st->db, sql, -1, &q, NULL), SQLITE_OK);
    size_t cap = 1 << 16, len = 0;
    char *out = calloc(1, cap);
    while (sqlite3_step(q) == SQLITE_ROW) {
        char line[1024];
        int k = snprintf(line, sizeof line, "%s|%s|%s|%s\n", sqlite3_column_text(q, 0),
                         sqlite3_column_text(q, 1), sqlite3_column_text(q, 2),
                         sqlite3_column_text(q, 3));
        while (len + (size_t)k + 1 > cap)
            out = realloc(out, cap *= 2);
        memcpy(out + len, line, (size_t)k + 1);
        len += (size_t)k;
    }
    sqlite3_finalize(q);
    return out;
}

static void test_bad_cells_rejected(void **state)
{
    (void)state;
    jx_store *st = NULL;
    jx_errmsg msg;
    assert_int_equal(jx_store_open(":memory:", &st, &msg), JX_OK);
    char csv[512];
    snprintf(csv, sizeof csv, "%s/dazhu-2024/targets.csv", JX_FIXTURES_DIR);
    assert_int_equal(jx_import_file(st, JX_IMPORT_TARGETS, csv, NULL, NULL), JX_OK);
    char *before = store_dump(st);

    /* a department's filled-in sheet: a title, the header in row 3, two bad cells */
    char *path = temp_path(".xlsx");
    lxw_workbook *wbk = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wbk, "自评表");
    lxw_format *pct = workbook_add_format(wbk);
    format_set_num_format(pct, "0%");
    worksheet_write_string(ws, 0, 0, "大竹县司法局 2024 自评", NULL);
    const char *hdr[] = {"部门名称", "年度", "三级指标", "实际完成值", "偏差原因分析及改进措施"};
    for (int i = 0; i < 5; i++)
        worksheet_write_string(ws, 2, (lxw_col_t)i, hdr[i], NULL);
    worksheet_write_string(ws, 3, 0, "大竹县司法局", NULL);
    worksheet_write_number(ws, 3, 1, 2024, NULL);
    worksheet_write_string(ws, 3, 2, "法律援助全年办结的案件数量", NULL);
    worksheet_write_number(ws, 3, 3, 318, NULL);
    worksheet_write_string(ws, 4, 0, "大竹县司法局", NULL);
    worksheet_write_number(ws, 4, 1, 2024, NULL);
    worksheet_write_string(ws, 4, 2, "全年矛盾纠纷调解成功率", NULL);
    worksheet_write_string(ws, 4, 3, "约九成", NULL);
    worksheet_write_string(ws, 5, 0, "大竹县司法局", NULL);
    worksheet_write_number(ws, 5, 1, 2024, NULL);
    worksheet_write_string(ws, 5, 2, "没有这个指标", NULL);
    worksheet_write_number(ws, 5, 3, 0.9, pct);
    assert_int_equal(workbook_close(wbk), LXW_NO_ERROR);
    char errs[4096] = "";
    jx_import_opts o = {.on_error = on_err, .ctx = errs, .display_name = "填报.xlsx"};
    jx_import_result res;
    assert_int_equal(jx_import_file(st, JX_IMPORT_ACTUALS, path, &o, &res), JX_ERR_FORMAT);
    assert_string_equal(
        errs,
        "填报.xlsx:自评表!D5: column 实际完成值: \"约九成\" is not a number, and the target is a "
        "number\n"
        "填报.xlsx:自评表!C6: 三级指标 \"没有这个指标\" matches no target of 大竹县司法局 2024\n");
    assert_string_equal(jx_store_errmsg(st), "填报.xlsx: 2 errors; nothing imported");
    assert_int_equal(res.errors, 2);
    assert_int_equal(res.rows, 0);
    char *after = store_dump(st);
    assert_string_equal(before, after);
    free(after);

    /* --sheet names a sheet that is not there */
    o.sheet = "Sheet9";
    errs[0] = '\0';
    assert_int_equal(jx_import_file(st, JX_IMPORT_ACTUALS, path, &o, &res), JX_ERR_NOTFOUND);
    assert_string_equal(jx_store_errmsg(st),
                        "填报.xlsx: no sheet named \"Sheet9\" (the sheets are: 自评表)");
    after = store_dump(st);
    assert_string_equal(before, after);
    free(after);
    free(before);
    unlink(path);
    free(path);
    jx_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numfmt),      cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_cells),       cmocka_unit_test(test_inline_and_long),
        cmocka_unit_test(test_tables),      cmocka_unit_test(test_hostile_sizes),
        cmocka_unit_test(test_hostile_xml), cmocka_unit_test(test_hostile_files),
        cmocka_unit_test(test_fixtures),    cmocka_unit_test(test_bad_cells_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
