#!/usr/bin/env bash
# End-to-end: what real published 自评表 write (issue 16), on the small table in
# tests/data/real-forms/ (an invented 林业站 using the strings of published forms):
#
#   项目成本      成本指标 20万元 (unsigned cost: ≤)  22万元        20/22 × 10   = 9.090909
#   森林火灾受害率 0.9‰ (bad events: ≤)               0.5‰          met          = 10
#   巡查频次      1次/月 (12 a year)                  10次          10/12 × 12   = 10
#   资金到位率    指标性质 ═ | 100 | %                 100%          met          = 10
#   项目实施时间  2023年1月-12月 (by 2023-12-31)       2023年12月    met          = 10
#   群众满意度    ≥85%                                ≥90% (read 90) met          = 10
#   开展培训      ≥12次                               完成 (statement) mof-2020 full = 12
#   资金到位时间  12月底到位 (2023-12-31)              2023年12月20日 met          = 6
#   宣传覆盖率    95%（含）以上                        96%           met          = 10
#   indicators Σ 87.090909 of 90; budget 95/100 × 10 = 9.5; total 96.590909 优
source "$TESTS/cli/lib.sh"
D=$TESTS/data/real-forms

# indicator lines of --format json: level3|points(6dp)|flags|explain
indicators() {
    grep -o '"level3":"[^"]*"[^}]*"points":[^,]*,"flags":\[[^]]*\],"explain":"[^"]*"' |
        sed -E 's/"level3":"([^"]*)".*"points":([^,]*),"flags":\[([^]]*)\],"explain":"([^"]*)"/\1|\2|\3|\4/' |
        awk -F'|' '{ gsub(/"/, "", $3); printf "%s|%.6f|%s|%s\n", $1, $2, $3, $4 }'
}
total() { grep -o '"total":[^,]*,"grade":"[^"]*","flags":\[[^]]*\]' | head -1; }

run "$JIXIAO" evaluate --targets "$D/targets.csv" --actuals "$D/actuals.csv" \
    --budget "$D/budget.csv" --format json
expect_rc 0 "evaluate the real-form strings"
J=$OUT
OUT=$(printf '%s\n' "$J" | indicators)
expect_out '项目成本|9.090909|inferred_direction|20/22 = 0.9091 × 10 = 9.0909（未写方向，按指标名称推定为≤）
森林火灾受害率|10.000000|inferred_direction|0.5‰ ≤ 0.9‰，达标 → 1 × 10 = 10（未写方向，按指标名称推定为≤）
巡查频次|10.000000||每年10次/每年12次 = 0.8333 × 12 = 10
资金到位率|10.000000||100% = 100%，达标 → 1 × 10 = 10
项目实施时间|10.000000||2023-12-31 ≤ 2023-12-31，按期完成 → 1 × 10 = 10
群众满意度|10.000000|actual_operator|90% ≥ 85%，达标 → 1 × 10 = 10（实际完成值所带“≥”不计）
开展培训|12.000000|statement_actual|文字表述“完成”，未填数值，按规则计 1 × 12 = 12
资金到位时间|6.000000||2023-12-20 ≤ 2023-12-31，按期完成 → 1 × 6 = 6
宣传覆盖率|10.000000||96% ≥ 95%，达标 → 1 × 10 = 10' "every indicator, worked by hand"
OUT=$(printf '%s\n' "$J" | total)
expect_out '"total":96.5909090909091,"grade":"优","flags":["inferred_direction","statement_actual","actual_operator"]' \
    "total 87.090909 + 9.5"

# the department rounds each 得分 to one decimal (half-up): 9.1 + 78 + 9.5 = 96.6
run "$JIXIAO" evaluate --targets "$D/targets.csv" --actuals "$D/actuals.csv" \
    --budget "$D/budget.csv" --rules "$D/one-decimal.ini" --format json
expect_rc 0 "evaluate with one-decimal rounding"
J=$OUT
OUT=$(printf '%s\n' "$J" | total)
expect_out '"total":96.6,"grade":"优","flags":["inferred_direction","statement_actual","actual_operator"]' \
    "total of the rounded points"
OUT=$(printf '%s\n' "$J" | indicators | head -1)
expect_out '项目成本|9.100000|inferred_direction|20/22 = 0.9091 × 10 = 9.0909，按规则舍入为 9.1（未写方向，按指标名称推定为≤）'

# the workbook credits the rounded points too: each 得分 formula rounds to one decimal, and the
# 项目成本 row shows the direction the engine inferred (≤), not the unsigned target's ≥
run "$JIXIAO" evaluate --targets "$D/targets.csv" --actuals "$D/actuals.csv" \
    --budget "$D/budget.csv" --rules "$D/one-decimal.ini" --out "$WORK/round.xlsx"
expect_rc 0 "evaluate --out with one-decimal rounding"
sheet=$(unzip -p "$WORK/round.xlsx" xl/worksheets/sheet2.xml)
case "$sheet" in *'ROUND(F10*J10,1))</f><v>9.1</v>'*) _ok ;; *) _fail "得分 formula should be ROUND(F*J,1) cached 9.1" "$(printf '%s' "$sheet" | grep -o '<f>[^<]*ROUND[^<]*</f><v>[^<]*</v>' | head -3)" ;; esac
# 项目成本 (20万元 under 成本指标) is scored ≤: its ratio formula compares E <= D
case "$sheet" in *'<f>IF(ISNUMBER(E10),IF(E10&lt;=D10,1,'*) _ok ;; *) _fail "项目成本's formula should restate the inferred ≤" ;; esac
case "$sheet" in *'MIN(1,MAX(0,G'*'),1)'*) _ok ;; *) _fail "the budget's 得分 should be rounded too" ;; esac
strings=$(unzip -p "$WORK/round.xlsx" xl/sharedStrings.xml 2>/dev/null)
case "$sheet$strings" in *'≤'*) _ok ;; *) _fail "the inferred ≤ should be shown in 指标性质" ;; esac

# the same through a store: import accepts ═ in 指标性质 and 完成 for a number; show explains
DB=$WORK/forms.db
run "$JIXIAO" --db "$DB" init
run "$JIXIAO" --db "$DB" import targets "$D/targets.csv"
expect_rc 0 "import targets with ═ in 指标性质"
run "$JIXIAO" --db "$DB" import actuals "$D/actuals.csv"
expect_rc 0 "import actuals with 完成 and ≥90%"
run "$JIXIAO" --db "$DB" import budget "$D/budget.csv"
run "$JIXIAO" --db "$DB" score --format csv
expect_rc 0 "score the store"
expect_out_has "某县林业站,部门整体,2023,96.59090909"
run "$JIXIAO" --db "$DB" show 701
expect_rc 0 "show"
expect_out_has "文字表述“完成”，未填数值，按规则计 1 × 12 = 12"
expect_out_has "每年10次/每年12次 = 0.8333 × 12 = 10"

# a word that is no statement is still refused at import, naming the cell
sed 's/,开展培训,完成,$/,开展培训,见附件,/' "$D/actuals.csv" >"$WORK/actuals.csv"
run "$JIXIAO" --db "$DB" import actuals "$WORK/actuals.csv"
expect_rc 1 "a word that is no statement"
expect_err_has 'actuals.csv:8:8: column 实际完成值: "见附件" is not a number, and the target is a number'

# a bad 指标性质 cell is reported at its own column (8), not at 指标值 (9)
sed 's/,资金到位率,═,100,%,/,资金到位率,大概,100,%,/' "$D/targets.csv" >"$WORK/targets.csv"
run "$JIXIAO" --db "$WORK/bad.db" init
run "$JIXIAO" --db "$WORK/bad.db" import targets "$WORK/targets.csv"
expect_rc 1 "a bad 指标性质 cell"
expect_err_has 'targets.csv:5:8: column 指标性质: operator column "大概" is not an operator'

done_testing
