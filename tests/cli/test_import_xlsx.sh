#!/usr/bin/env bash
# End-to-end: import and evaluate read .xlsx workbooks (issue 10). Workbooks
# come from four programs: this project's own `export xlsx` (the 自评表 form,
# read back as it is and after another program filled in a blank one),
# Python's zipfile (tests/data/xlsx/mkxlsx.py: forms with titles, merged
# 一级/二级, percent and 0.00 cells, shared and inline strings; and every hostile
# file), LibreOffice (a fixture CSV converted in the test, where soffice is
# installed) and openpyxl (the committed tests/data/xlsx/dazhu-2024-openpyxl.xlsx).
# Expected totals are the hand-worked ones of fixtures/README.md; every rejected
# workbook must leave the database byte-for-byte unchanged.
source "$TESTS/cli/lib.sh"
DATA=$TESTS/data/xlsx
# Python's own interpreter; a version manager's python3 shim takes a second and a half to start
PY=${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}
MK() { "$PY" "$DATA/mkxlsx.py" "$@"; }

# summary: one line per subject from --format json: name|project|year|total(6dp)|grade|flags
summary() {
    grep -o '"name":"[^"]*","project":"[^"]*","year":[0-9]*,"total":[-0-9.e+]*,"grade":"[^"]*","flags":\[[^]]*\]' |
        sed -E 's/"name":"([^"]*)","project":"([^"]*)","year":([0-9]*),"total":([^,]*),"grade":"([^"]*)","flags":\[([^]]*)\]/\1|\2|\3|\4|\5|\6/' |
        awk -F'|' '{ gsub(/"/, "", $6); printf "%s|%s|%s|%.6f|%s|%s\n", $1, $2, $3, $4, $5, $6 }' | sort
}

# the hand-worked results (fixtures/README.md, "Expected results")
SHIFENG="株洲市石峰区司法局||2021|98.555887|优|missing_reason,overshoot
株洲市石峰区司法局|司法专项|2021|89.196914|良|"
DAZHU="大竹县司法局||2024|96.897926|优|missing_reason,overshoot"
RUGAO="如皋市司法局||2021|94.266680|优|missing_reason,rescaled,budget_mismatch"
DEMO="$SHIFENG
$DAZHU
$RUGAO
大竹县法律援助中心||2024|77.192593|中|missing_reason,budget_mismatch
株洲市石峰区社区矫正管理中心||2021|99.900000|优|all_full_marks"
expected() { case $1 in shifeng-2021) echo "$SHIFENG" ;; dazhu-2024) echo "$DAZHU" ;; rugao-2021) echo "$RUGAO" ;; demo) echo "$DEMO" ;; esac | sort; }

# ---- 1. every fixture typed into workbooks, as forms: same totals as the CSVs ----
for fx in shifeng-2021 dazhu-2024 rugao-2021 demo; do
    d=$WORK/$fx
    mkdir -p "$d"
    MK form "$FIXTURES/$fx/targets.csv" "$d/t.xlsx" --sheet 目标表 --title "绩效目标表" --merge
    MK form "$FIXTURES/$fx/actuals.csv" "$d/a.xlsx" --sheet 自评表 --title "绩效自评表" --merge --inline
    MK form "$FIXTURES/$fx/budget.csv" "$d/b.xlsx" --sheet 预算
    run "$JIXIAO" evaluate --targets "$d/t.xlsx" --actuals "$d/a.xlsx" --budget "$d/b.xlsx" --format json
    expect_rc 0 "evaluate $fx from workbooks"
    OUT=$(printf '%s\n' "$OUT" | summary)
    expect_out "$(expected $fx)" "$fx totals from workbooks"
done

# stored imports say what they read; the log records it
DB=$WORK/j.db
run "$JIXIAO" --db "$DB" import targets "$WORK/dazhu-2024/t.xlsx"
expect_rc 0 "import targets .xlsx"
expect_out "$WORK/dazhu-2024/t.xlsx: 22 targets rows imported (xlsx), 0 earlier rows replaced and kept; import #1"
run "$JIXIAO" --db "$DB" import --sheet 自评表 actuals "$WORK/dazhu-2024/a.xlsx"
expect_rc 0 "import --sheet"
run "$JIXIAO" --db "$DB" import budget "$WORK/dazhu-2024/b.xlsx" --sheet 预算
expect_rc 0 "import --sheet after the file"
run "$JIXIAO" --db "$DB" history --format csv
expect_out_has ",budget,$WORK/dazhu-2024/b.xlsx,xlsx,1,0,"
run "$JIXIAO" --db "$DB" score --format json
OUT=$(printf '%s\n' "$OUT" | summary)
expect_out "$DAZHU" "stored workflow from workbooks"

# content decides, not the name: a workbook called .csv and a CSV called .xls
cp "$WORK/dazhu-2024/t.xlsx" "$WORK/t.csv"
cp "$FIXTURES/dazhu-2024/actuals.csv" "$WORK/a.xls"
run "$JIXIAO" evaluate --targets "$WORK/t.csv" --actuals "$WORK/a.xls" --budget "$FIXTURES/dazhu-2024/budget.csv" --format json
expect_rc 0 "detected by content"
OUT=$(printf '%s\n' "$OUT" | summary)
expect_out "$DAZHU" "detected by content: totals"

# --sheet names a sheet that is not there
run "$JIXIAO" evaluate --sheet 不存在 --targets "$WORK/dazhu-2024/t.xlsx" --actuals "$WORK/dazhu-2024/a.xlsx"
expect_rc 1 "--sheet: no such sheet"
expect_err_has "jixiao: $WORK/dazhu-2024/t.xlsx: no sheet named \"不存在\" (the sheets are: 目标表)"

# ---- 2. the 自评表 of `export xlsx` reads back as it is ----
E=$WORK/export
mkdir -p "$E"
run "$JIXIAO" --db "$E/full.db" import targets "$FIXTURES/demo/targets.csv"
run "$JIXIAO" --db "$E/full.db" import actuals "$FIXTURES/demo/actuals.csv"
run "$JIXIAO" --db "$E/full.db" import budget "$FIXTURES/demo/budget.csv"
run "$JIXIAO" --db "$E/full.db" score
run "$JIXIAO" --db "$E/full.db" export xlsx --out "$E/full.xlsx"
expect_rc 0 "export the filled 自评表"
# a fresh database with the targets only; actuals, reasons and budget from the form, no editing
run "$JIXIAO" --db "$E/back.db" import targets "$FIXTURES/demo/targets.csv"
run "$JIXIAO" --db "$E/back.db" import actuals "$E/full.xlsx"
expect_rc 0 "import actuals from the exported form"
expect_out "$E/full.xlsx: 78 actuals rows imported (xlsx), 0 earlier rows replaced and kept; import #2"
run "$JIXIAO" --db "$E/back.db" import budget "$E/full.xlsx"
expect_rc 0 "import budget from the exported form"
expect_out "$E/full.xlsx: 6 budget rows imported (xlsx), 0 earlier rows replaced and kept; import #3"
run "$JIXIAO" --db "$E/back.db" score --format json
OUT=$(printf '%s\n' "$OUT" | summary)
expect_out "$(expected demo)" "exported form read back: demo totals"
# the reasons came back too: one of 大竹's, word for word
run sqlite3 "$E/back.db" "SELECT reason FROM actuals WHERE level3 = '全年审查涉法文件多少件'"
expect_out "县政府年内出台的规范性文件少于预期，送审件数相应减少；下年度将部门合同纳入审查范围。" "reason read back"
# even the targets, from one subject's sheet: 年度指标值 with their units, 指标性质, 分值
run "$JIXIAO" --db "$E/all.db" import --sheet 大竹县司法局 targets "$E/full.xlsx"
expect_rc 0 "import targets from the exported form"
expect_out "$E/full.xlsx: 22 targets rows imported (xlsx), 0 earlier rows replaced and kept; import #1"
run "$JIXIAO" --db "$E/all.db" import --sheet 大竹县司法局 actuals "$E/full.xlsx"
run "$JIXIAO" --db "$E/all.db" import --sheet 大竹县司法局 budget "$E/full.xlsx"
run "$JIXIAO" --db "$E/all.db" score --format json
OUT=$(printf '%s\n' "$OUT" | summary)
expect_out "$DAZHU" "大竹's whole form read back: totals"
# every sheet at once, n/a indicators included (their 分值 is written as —, read as no weight)
run "$JIXIAO" --db "$E/every.db" import targets "$E/full.xlsx"
expect_rc 0 "import every subject's targets from the exported form"
expect_out "$E/full.xlsx: 78 targets rows imported (xlsx), 0 earlier rows replaced and kept; import #1"
run "$JIXIAO" --db "$E/every.db" import actuals "$E/full.xlsx"
run "$JIXIAO" --db "$E/every.db" import budget "$E/full.xlsx"
run "$JIXIAO" --db "$E/every.db" score --format json
OUT=$(printf '%s\n' "$OUT" | summary)
expect_out "$(expected demo)" "the whole exported form read back: demo totals"

# round trip: blank form → filled in by another program → import → the CSV's scores
run "$JIXIAO" --db "$E/blank.db" import targets "$FIXTURES/demo/targets.csv"
run "$JIXIAO" --db "$E/blank.db" score
run "$JIXIAO" --db "$E/blank.db" export xlsx --blank --out "$E/blank.xlsx"
expect_rc 0 "export --blank"
run "$PY" "$DATA/fill_form.py" "$E/blank.xlsx" "$FIXTURES/demo/actuals.csv" "$FIXTURES/demo/budget.csv" "$E/filled.xlsx"
expect_rc 0 "fill in the blank form"
expect_out "typed 121 cells on 6 sheets"
run "$JIXIAO" --db "$E/blank.db" import actuals "$E/filled.xlsx"
expect_rc 0 "import the filled form's actuals"
run "$JIXIAO" --db "$E/blank.db" import budget "$E/filled.xlsx"
expect_rc 0 "import the filled form's budget"
run "$JIXIAO" --db "$E/blank.db" score --format json
OUT=$(printf '%s\n' "$OUT" | summary)
expect_out "$(expected demo)" "blank form filled in by another program: demo totals"

# ---- 3. written by other programs ----
# openpyxl (committed): targets, actuals under form fields, budget on three sheets of one workbook
O=$DATA/dazhu-2024-openpyxl.xlsx
for k in targets actuals budget; do
    run "$JIXIAO" --db "$WORK/o.db" import $k "$O"
    expect_rc 0 "openpyxl workbook: import $k"
done
run "$JIXIAO" --db "$WORK/o.db" score --format json
OUT=$(printf '%s\n' "$OUT" | summary)
expect_out "$DAZHU" "openpyxl workbook: totals"

# LibreOffice, converting the demo CSVs (98.6% becomes a percent cell, 1923.39 a number)
if command -v soffice >/dev/null 2>&1; then
    L=$WORK/lo
    mkdir -p "$L/in"
    for k in targets actuals budget; do cp "$FIXTURES/demo/$k.csv" "$L/in/demo-$k.csv"; done
    HOME=$L/home timeout 180 soffice --headless --infilter="CSV:44,34,76,1,,0,false,true,true" \
        --convert-to xlsx --outdir "$L" "$L/in/demo-targets.csv" "$L/in/demo-actuals.csv" "$L/in/demo-budget.csv" \
        >/dev/null 2>&1
    run "$JIXIAO" evaluate --targets "$L/demo-targets.xlsx" --actuals "$L/demo-actuals.xlsx" \
        --budget "$L/demo-budget.xlsx" --format json
    expect_rc 0 "evaluate LibreOffice workbooks"
    OUT=$(printf '%s\n' "$OUT" | summary)
    expect_out "$(expected demo)" "LibreOffice workbooks: demo totals"
else
    echo "skipped: LibreOffice workbooks (soffice is not installed)"
fi

# ---- 4. rejected workbooks: exact message, exit 1, database unchanged ----
BASE=$WORK/base.db
run "$JIXIAO" --db "$BASE" import targets "$FIXTURES/dazhu-2024/targets.csv"
run "$JIXIAO" --db "$BASE" import actuals "$FIXTURES/dazhu-2024/actuals.csv"
expect_rc 0 "base database"
BASE_DUMP=$(sqlite3 "$BASE" .dump)

# rejected KIND FILE MESSAGE...: import is refused with exactly these lines on stderr
rejected() {
    local kind=$1 file=$2 name
    shift 2
    name=$(basename "$file")
    cp "$BASE" "$WORK/case.db"
    run "$JIXIAO" --db "$WORK/case.db" import "$kind" "$file"
    expect_rc 1 "$name: exit status"
    local want
    want=$(printf '%s\n' "$@")
    [ "$ERR" = "$want" ] && _ok || _fail "$name: standard error" "expected:
$want
got:
$ERR"
    [ ! -e "$WORK/case.db-wal" ] && _ok || _fail "$name: -wal left behind"
    expect_same_file "$WORK/case.db" "$BASE" "$name: database file changed"
    [ "$(sqlite3 "$WORK/case.db" .dump)" = "$BASE_DUMP" ] && _ok || _fail "$name: database content changed"
}

# a department's workbook with bad cells: every one named by its cell, nothing imported
sed -e 's/,全年矛盾纠纷调解成功率,98.6%,/,全年矛盾纠纷调解成功率,约九成,/' \
    -e 's/,全年审查涉法文件多少件,372,/,全年审查涉法文件多少件,372件,/' \
    -e 's/,行政执法人员培训的次数,526,/,行政执法人员培训次数,526,/' "$FIXTURES/dazhu-2024/actuals.csv" >"$WORK/bad.csv"
MK form "$WORK/bad.csv" "$WORK/填报.xlsx" --sheet 自评表 --title "大竹县司法局2024年度自评" --merge
cd "$WORK" || exit 1
rejected actuals 填报.xlsx \
    '填报.xlsx:自评表!G15: 三级指标 "行政执法人员培训次数" matches no target of 大竹县司法局 2024' \
    '填报.xlsx:自评表!H16: column 实际完成值: "约九成" is not a number, and the target is a number' \
    'jixiao: 填报.xlsx: 2 errors; nothing imported'
cd - >/dev/null || exit 1

# hostile and damaged files
H=$WORK/h
mkdir -p "$H"
for k in bomb bomb-lying truncated-xml malformed-xml missing-sst missing-sst-part sst-index ref-col ref-row \
    merge-range merges-many style-index rows-order doctype html truncated-zip not-workbook ods encrypted-ole no-header \
    wide deep deep-sst; do
    MK bad $k "$H/$k.xlsx"
done
cd "$H" || exit 1
rejected targets bomb.xlsx \
    "jixiao: bomb.xlsx: part xl/worksheets/sheet1.xml would inflate to 3221225472 bytes, more than the limit of 2048 MiB: refused (a zip bomb?)"
rejected targets bomb-lying.xlsx \
    "jixiao: bomb-lying.xlsx: part xl/styles.xml inflates to more than 64 MiB: refused (a zip bomb?)"
rejected targets truncated-xml.xlsx \
    "jixiao: truncated-xml.xlsx:Sheet1: xl/worksheets/sheet1.xml:2:251: malformed XML (unclosed token): the file is damaged or truncated; open it in Excel and save it again"
rejected targets malformed-xml.xlsx \
    "jixiao: malformed-xml.xlsx:Sheet1: xl/worksheets/sheet1.xml:2:236: malformed XML (mismatched tag): the file is damaged or truncated; open it in Excel and save it again"
rejected targets missing-sst.xlsx \
    "jixiao: missing-sst.xlsx:Sheet1!A1: the cell refers to shared string 0, but the workbook has no shared strings part (damaged file)"
rejected targets missing-sst-part.xlsx \
    "jixiao: missing-sst-part.xlsx: the workbook has no part xl/sharedStrings.xml (damaged file)"
rejected targets sst-index.xlsx \
    "jixiao: sst-index.xlsx:Sheet1!A2: shared string 99 does not exist (the workbook has 3; damaged file)"
rejected targets ref-col.xlsx \
    "jixiao: ref-col.xlsx:Sheet1: cell XFE2 is past the sheet's last column (XFD; damaged file)"
rejected targets ref-row.xlsx \
    "jixiao: ref-row.xlsx:Sheet1: row 1048577 is past the sheet's last row (1048576; damaged file)"
rejected targets merge-range.xlsx \
    "jixiao: merge-range.xlsx:Sheet1: merged range A2:A1048600 reaches past the sheet's end (XFD1048576)"
rejected targets merges-many.xlsx \
    "jixiao: merges-many.xlsx:Sheet1: more than 1,024 merged ranges span row 1"
rejected targets style-index.xlsx \
    "jixiao: style-index.xlsx:Sheet1!B2: the cell's style 4000 does not exist (the workbook has 11; damaged file)"
rejected targets rows-order.xlsx \
    "jixiao: rows-order.xlsx:Sheet1: row 2 comes after row 9: rows out of order (damaged file)"
rejected targets doctype.xlsx \
    "jixiao: doctype.xlsx: part xl/sharedStrings.xml has a DOCTYPE, which no workbook has: refused"
rejected targets html.xlsx \
    "jixiao: html.xlsx: a web page (HTML) or XML file, not a workbook or CSV (some systems export web pages with an .xls name): open it in Excel and save it as .xlsx (Excel Workbook)"
rejected targets truncated-zip.xlsx \
    "jixiao: truncated-zip.xlsx: not a complete zip file (truncated, or not an .xlsx) (Not a zip archive)"
rejected targets not-workbook.xlsx \
    "jixiao: not-workbook.xlsx: a zip file that is not an Excel workbook (no workbook part)"
rejected targets ods.xlsx \
    "jixiao: ods.xlsx: an OpenDocument spreadsheet (.ods), not an .xlsx: save it as .xlsx (Excel 2007-365) and import that"
rejected targets encrypted-ole.xlsx \
    "jixiao: encrypted-ole.xlsx: the workbook is password-protected (encrypted): jixiao cannot read it; in Excel remove the password (File > Info > Protect Workbook > Encrypt with Password, clear it), save, and import again"
rejected targets no-header.xlsx \
    "jixiao: no-header.xlsx:说明!A2: missing columns 年度 (year), 一级指标 (level1), 二级指标 (level2), 指标值 (target) for targets"
# 300,000 rows with a cell in column XFD each (1.5 MB): the work follows the cells, not the
# width (about half a second; 16,384 columns a row would take minutes)
rejected targets wide.xlsx \
    "jixiao: wide.xlsx:Sheet1!XFD1: missing columns 年度 (year), 一级指标 (level1), 二级指标 (level2), 三级指标 (level3), 指标值 (target) for targets"
# 3 million nested elements (23 KB; 18 MB of XML), in a sheet and in a small part: refused at
# level 257 (issue 21, item 8; before: 430 MiB and 1.3 s, and 30 million levels took 4.2 GB).
# Under a 200 MiB address-space limit, so that reading them whole would fail differently (not
# under AddressSanitizer, which cannot start under such a limit).
VLIMIT=204800
sanitized && VLIMIT=unlimited
for k in deep deep-sst; do
    cp "$BASE" "$WORK/case.db"
    (ulimit -v $VLIMIT && "$JIXIAO" --db "$WORK/case.db" import targets "$k.xlsx") >"$WORK/out" 2>"$WORK/err"
    RC=$?
    ERR=$(cat "$WORK/err")
    expect_rc 1 "$k.xlsx: exit status"
    expect_same_file "$WORK/case.db" "$BASE" "$k.xlsx: database file changed"
done
[ "$ERR" = "jixiao: deep-sst.xlsx: xl/sharedStrings.xml:2:986: XML elements nested more than 256 deep, which no workbook has: the file is damaged or made to exhaust memory; refused" ] &&
    _ok || _fail "deep-sst.xlsx: message" "$ERR"
rejected targets deep.xlsx \
    "jixiao: deep.xlsx:Sheet1: xl/worksheets/sheet1.xml:2:1072: XML elements nested more than 256 deep, which no workbook has: the file is damaged or made to exhaust memory; refused"
# a damaged .xls said "(.xls, 0 sheets)" (issue 21, item 12): an .xls is refused whatever its
# state, with the same advice; an OLE2 file without a workbook stream is no .xls
"$PY" - "$DATA/dazhu-2024-targets.xls" "$H/damaged.xls" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[600:4000] = bytes(3400)  # the workbook stream's sheet records
open(sys.argv[2], "wb").write(bytes(d))
PY
rejected targets damaged.xls \
    "jixiao: damaged.xls: an Excel 97-2003 workbook (.xls): not read, because an .xls does not keep what a 自评表 is read by (75% would come back as 0.75, merged 一级指标 would be lost); open it in Excel or LibreOffice, save it as .xlsx (Excel Workbook) and import that"
"$PY" - "$DATA/dazhu-2024-targets.xls" "$H/word.doc" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
w = "Workbook".encode("utf-16-le")
assert w in d
open(sys.argv[2], "wb").write(d.replace(w, "WordDocu".encode("utf-16-le")))
PY
rejected targets word.doc \
    "jixiao: word.doc: an OLE2 compound file that is not an Excel workbook (a Word or other Office file, or a damaged one): save the table as .xlsx (Excel Workbook) or CSV and import that"
cd "$DATA" || exit 1
# a real password-protected workbook (xlsx-populate, password "secret") and an .xls (LibreOffice)
rejected budget encrypted-password-secret.xlsx \
    "jixiao: encrypted-password-secret.xlsx: the workbook is password-protected (encrypted): jixiao cannot read it; in Excel remove the password (File > Info > Protect Workbook > Encrypt with Password, clear it), save, and import again"
rejected targets dazhu-2024-targets.xls \
    "jixiao: dazhu-2024-targets.xls: an Excel 97-2003 workbook (.xls): not read, because an .xls does not keep what a 自评表 is read by (75% would come back as 0.75, merged 一级指标 would be lost); open it in Excel or LibreOffice, save it as .xlsx (Excel Workbook) and import that"
cd - >/dev/null || exit 1

# the 自评表's other fields go round: 主管部门, 实施单位, the 年度总体目标 block (预期目标 over the goal,
# 实际完成情况 over what was achieved) and the 项目资金 rows under 年度资金总额 are read back from a
# written form exactly as the CSV gave them
DD="$TESTS/data/details"
"$JIXIAO" evaluate --targets "$DD/targets.csv" --actuals "$DD/actuals.csv" --budget "$DD/budget.csv" \
    --out "$WORK/details.xlsx" >/dev/null 2>&1
q() { sqlite3 "$1" "SELECT field || '=' || value FROM subject_notes WHERE replaced_by IS NULL ORDER BY field;
    SELECT source || ':' || ifnull(initial, '') || '/' || budget || '/' || spent FROM budgets
    WHERE replaced_by IS NULL ORDER BY id"; }
for src in csv xlsx; do
    db="$WORK/details-$src.db"
    for k in targets actuals budget; do
        f="$DD/$k.csv"
        [ "$src" = xlsx ] && f="$WORK/details.xlsx"
        "$JIXIAO" --db "$db" import "$k" "$f" >/dev/null 2>&1 || _fail "import $k from $src"
    done
done
OUT=$(q "$WORK/details-xlsx.db")
expect_out "$(q "$WORK/details-csv.db")" "the form's fields and money rows read back as the CSV gave them"
expect_out_has "goal_result=完成3座水库维修，汛期无险情"
expect_out_has "本年财政拨款:80.0/100.0/96.0"

done_testing
