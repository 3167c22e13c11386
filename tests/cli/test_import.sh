#!/usr/bin/env bash
# End-to-end: `jixiao import` on the dazhu-2024 fixture (issue 5). Every bad file
# below is the real fixture with one thing broken; each must give its exact
# message (FILE:LINE[:COLUMN] and the offending text), every error and not only
# the first, exit status 1, and leave the database byte-for-byte unchanged.
# Then the encodings (GB18030, UTF-8 with BOM and CRLF, UTF-16) import the same
# rows as UTF-8, and re-imports replace, keep the old rows and are logged.
source "$TESTS/cli/lib.sh"
D=$FIXTURES/dazhu-2024
T=$D/targets.csv
A=$D/actuals.csv
B=$D/budget.csv
cd "$WORK" || exit 1 # bad files are named relative to here, as a clerk would type them

summary() { # name|total(6dp)|grade|flags per subject, from score --format json
    grep -o '"name":"[^"]*","project":"[^"]*","year":[0-9]*,"total":[-0-9.e+]*,"grade":"[^"]*","flags":\[[^]]*\]' |
        sed -E 's/"name":"([^"]*)","project":"[^"]*","year":[0-9]*,"total":([^,]*),"grade":"([^"]*)","flags":\[([^]]*)\]/\1|\2|\3|\4/' |
        awk -F'|' '{ gsub(/"/, "", $4); printf "%s|%.6f|%s|%s\n", $1, $2, $3, $4 }'
}

# ---- a database with the fixture in it ----
DB=$WORK/j.db
run "$JIXIAO" --db "$DB" import targets "$T"
expect_rc 0 "import targets"
expect_out "$T: 22 targets rows imported (UTF-8), 0 earlier rows replaced and kept; import #1"
run "$JIXIAO" --db "$DB" import actuals "$A"
expect_out "$A: 22 actuals rows imported (UTF-8), 0 earlier rows replaced and kept; import #2"
run "$JIXIAO" --db "$DB" import budget "$B"
expect_out "$B: 1 budget rows imported (UTF-8), 0 earlier rows replaced and kept; import #3"
run "$JIXIAO" --db "$DB" score --format json
OUT=$(summary <<<"$OUT")
expect_out "大竹县司法局|96.897926|优|missing_reason,overshoot" "fixture total (fixtures/README.md)"

# The database file is compared byte for byte. Sound because jixiao uses WAL and
# the last connection to close checkpoints the log into the file and deletes it:
# with no DB-wal left (asserted), the file is the whole database. The .dump
# comparison is the logical check that does not depend on that.
cp "$DB" "$WORK/before.db"
BEFORE_DUMP=$(sqlite3 "$DB" .dump)
unchanged() {
    [ ! -e "$DB-wal" ] && _ok || _fail "$1: $DB-wal left behind"
    expect_same_file "$DB" "$WORK/before.db" "$1: the database file changed"
    [ "$(sqlite3 "$DB" .dump)" = "$BEFORE_DUMP" ] && _ok || _fail "$1: the database content changed"
}
# rejected KIND FILE EXPECTED-STDERR: exit 1, exactly that on stderr, nothing on stdout, database unchanged
rejected() {
    run "$JIXIAO" --db "$DB" import "$1" "$2"
    expect_rc 1 "$2: exit status"
    [ "$ERR" = "$3" ] && _ok || _fail "$2: standard error" "expected:
$3
got:
$ERR"
    expect_out "" "$2: nothing on stdout"
    unchanged "$2"
}

# ---- bad files ----

# wrong encoding: Windows-1252 (Latin-1) text is neither UTF-8 nor GB18030
{ head -2 "$T"; printf '135,Caf\xe9 d\xe9partement,,2024,产出指标,数量指标,x,=,5,个,5,\n'; } >latin1.csv
rejected targets latin1.csv 'jixiao: latin1.csv:3:8: the file is neither UTF-8 nor GB18030 (bytes E9 20 64 E9); save it as UTF-8 (Excel: "CSV UTF-8")'

# a required column missing (三级指标), and two missing at once
cut -d, -f1-6,8- "$T" >no-level3.csv
rejected targets no-level3.csv 'jixiao: no-level3.csv:1: missing column 三级指标 (level3) for targets'
cut -d, -f1-3,5-7,9- "$A" >no-year-actual.csv
rejected actuals no-year-actual.csv 'jixiao: no-year-actual.csv:1: missing columns 年度 (year), 实际完成值 (actual) for actuals'
cut -d, -f1-5 "$B" >no-amounts.csv
rejected budget no-amounts.csv 'jixiao: no-amounts.csv:1: missing columns 全年预算数 (budget), 全年执行数 (spent) for budget'

# a bad number: the weight of line 3 is "abc"
sed '3s/,5,$/,abc,/' "$T" >bad-number.csv
rejected targets bad-number.csv 'bad-number.csv:3:11: column 权重: "abc" is not a number
jixiao: bad-number.csv: 1 error; nothing imported'

# all errors, not just the first: four different problems on four lines
sed -e '3s/,5,$/,abc,/' -e '5s/,2024,/,20x4,/' -e '11s/,5,$/,-3,/' -e '12s/,5,$/,150,/' "$T" >many.csv
rejected targets many.csv 'many.csv:3:11: column 权重: "abc" is not a number
many.csv:5:4: column 年度: "20x4" is not a year (e.g. 2024)
many.csv:11:11: column 权重: "-3" is negative: a weight is a number from 0 to 100
many.csv:12:11: column 权重: "150" is more than 100: a weight is a number from 0 to 100
jixiao: many.csv: 4 errors; nothing imported'

# weights on some indicators only (lines 4 and 9 lose theirs)
sed -e '4s/,5,$/,,/' -e '9s/,5,$/,,/' "$T" >some-weights.csv
rejected targets some-weights.csv 'some-weights.csv:4:11: column 权重: 大竹县司法局 2024 gives weights on some indicators only (line 2 has one, line 4 has none): give all or none
jixiao: some-weights.csv: 1 error; nothing imported'

# an actual that matches no target is named; so is a department with no targets
{ cat "$A"; echo "135,大竹县司法局,,2024,产出指标,数量指标,不存在的指标,5,"; echo ",大竹县公安局,,2024,产出指标,数量指标,出警次数,5,"; } >unmatched.csv
rejected actuals unmatched.csv 'unmatched.csv:24:7: 三级指标 "不存在的指标" matches no target of 大竹县司法局 2024
unmatched.csv:25:2: no targets for 大竹县公安局 2024: import its targets first
jixiao: unmatched.csv: 2 errors; nothing imported'

# the same 三级指标 twice for one department (line 5 repeated at the end)
{ cat "$T"; sed -n 5p "$T"; } >dup-level3.csv
rejected targets dup-level3.csv 'dup-level3.csv:24:7: 三级指标 "接受安置帮教的人员数量" appears twice for 大竹县司法局 2024 (first at line 5)
jixiao: dup-level3.csv: 1 error; nothing imported'
{ cat "$A"; sed -n 6p "$A"; } >dup-actual.csv
rejected actuals dup-actual.csv 'dup-actual.csv:24:7: 三级指标 "接受社区矫正的人员数量" of 大竹县司法局 2024 is given twice in this file
jixiao: dup-actual.csv: 1 error; nothing imported'

# empty file; header only (also for actuals and budget)
: >empty.csv
rejected targets empty.csv 'jixiao: empty.csv: empty file: no header row'
head -1 "$T" >header-only.csv
rejected targets header-only.csv 'jixiao: header-only.csv: no data rows under the header'
head -1 "$A" >header-only-actuals.csv
rejected actuals header-only-actuals.csv 'jixiao: header-only-actuals.csv: no data rows under the header'
head -1 "$B" >header-only-budget.csv
rejected budget header-only-budget.csv 'jixiao: header-only-budget.csv: no data rows under the header'

# bad budget amounts, every one reported
{ head -1 "$B"; echo "135,大竹县司法局,,2024,1923.39,两千,1987.52"; } >bad-budget.csv
rejected budget bad-budget.csv 'bad-budget.csv:2:6: column 全年预算数: "两千" is not an amount >= 0 (万元)
jixiao: bad-budget.csv: 1 error; nothing imported'

# a missing file
rejected targets no-such-file.csv 'jixiao: no-such-file.csv: No such file or directory'

# several files: each is its own transaction; the bad one is rejected, the good one imported
cp "$T" again.csv
run "$JIXIAO" --db "$DB" import targets bad-number.csv again.csv
expect_rc 1 "two files, one bad"
expect_out "again.csv: 22 targets rows imported (UTF-8), 22 earlier rows replaced and kept; import #4"
expect_err_has 'bad-number.csv:3:11: column 权重: "abc" is not a number'

# ---- encodings: the same rows as UTF-8 ----
# rows() the content of a database's current targets, actuals and budget (no ids, no import ids)
rows() {
    sqlite3 "$1" "SELECT s.code, s.name, s.project, s.year, t.line, t.seq, t.level1, t.level2, t.level3, t.op, t.target,
                         t.unit, t.weight, t.note FROM targets t JOIN subjects s ON s.id = t.subject_id
                  WHERE t.replaced_by IS NULL ORDER BY t.seq;
                  SELECT a.line, a.level1, a.level2, a.level3, a.actual, a.reason FROM actuals a
                  WHERE a.replaced_by IS NULL ORDER BY a.line;
                  SELECT initial, budget, spent FROM budgets WHERE replaced_by IS NULL"
}
UTF8=$WORK/utf8.db
for k in targets actuals budget; do "$JIXIAO" --db "$UTF8" import "$k" "$D/$k.csv" >/dev/null; done
[ "$(rows "$UTF8" | wc -l)" -eq 45 ] && _ok || _fail "utf8 database: 22 + 22 + 1 rows"

# enc NAME ENCODING-LABEL CONVERT...: convert the three files, import, compare
enc() {
    local name=$1 label=$2 db=$WORK/$1.db
    shift 2
    for k in targets actuals budget; do
        "$@" <"$D/$k.csv" >"$name-$k.csv"
        run "$JIXIAO" --db "$db" import "$k" "$name-$k.csv"
        expect_rc 0 "$name: import $k"
        expect_out_has "rows imported ($label)" "$name: $k detected as $label"
    done
    [ "$(rows "$db")" = "$(rows "$UTF8")" ] && _ok || _fail "$name: rows differ from the UTF-8 import" "$(diff <(rows "$db") <(rows "$UTF8") | head)"
    run "$JIXIAO" --db "$db" score --format json
    OUT=$(summary <<<"$OUT")
    expect_out "大竹县司法局|96.897926|优|missing_reason,overshoot" "$name: total"
    run "$JIXIAO" --db "$db" history --format csv
    expect_out_has ",$label,22,0," "$name: history records the encoding"
}
gb18030() { iconv -f UTF-8 -t GB18030; }
bom_crlf() { printf '\xef\xbb\xbf'; sed 's/$/\r/'; }
utf16le() { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE; }
gb_crlf() { sed 's/$/\r/' | iconv -f UTF-8 -t GB18030; }
tsv() { # the same table tab-separated: commas outside quotes become tabs ("2,856,000元" stays)
    awk '{ out = ""; q = 0; for (i = 1; i <= length($0); i++) { c = substr($0, i, 1); if (c == "\"") q = !q;
           if (c == "," && !q) c = "\t"; out = out c } print out }'
}
enc gb18030 GB18030 gb18030
enc bom-crlf "UTF-8 with BOM" bom_crlf
enc utf16le UTF-16LE utf16le
enc gb-crlf GB18030 gb_crlf
enc tsv UTF-8 tsv

# ---- re-import: replaces, keeps the old rows, logs everything ----
R=$WORK/r.db
for k in targets actuals budget; do "$JIXIAO" --db "$R" import "$k" "$D/$k.csv" >/dev/null; done
# the same targets again: 22 replaced, kept; the score does not move
run "$JIXIAO" --db "$R" import targets "$T"
expect_out "$T: 22 targets rows imported (UTF-8), 22 earlier rows replaced and kept; import #4"
run sqlite3 "$R" "SELECT count(*), count(replaced_by) FROM targets"
expect_out "44|22" "the replaced targets are kept"
# a corrected actual: 接受社区矫正的人员数量 587 → 600 meets its target (≥ 600): its points go
# from 2 × 587/600 = 1.956667 to 2, the total from 96.897926 to 96.897926 + 0.043333 = 96.941259,
# and missing_reason goes (that row was the one without a 偏差原因)
sed '6s/,587,$/,600,/' "$A" >corrected.csv
run "$JIXIAO" --db "$R" import actuals corrected.csv
expect_out "corrected.csv: 22 actuals rows imported (UTF-8), 22 earlier rows replaced and kept; import #5"
run "$JIXIAO" --db "$R" score --format json
OUT=$(summary <<<"$OUT")
expect_out "大竹县司法局|96.941259|优|overshoot" "total after the corrected actual"
# imports and scoring runs write with foreign-key enforcement off (their ids are read or made in
# the same transaction): every link must still hold
run sqlite3 "$R" "PRAGMA foreign_key_check"
expect_rc 0 "foreign_key_check runs"
expect_out "" "no broken link after 5 imports and 2 scoring runs"
run sqlite3 "$R" "SELECT actual FROM actuals WHERE level3 = '接受社区矫正的人员数量' ORDER BY id"
expect_out "587
600" "the old actual is kept beside the new one"
# history: every import, oldest first, with its file, encoding, rows, replaced rows and SHA-256
run "$JIXIAO" --db "$R" history --format csv
expect_rc 0 "history"
H=$(printf '%s\n' "$OUT" | cut -d, -f1,3-)
[ "$(printf '%s\n' "$H" | sed -n 1p)" = "id,kind,file,encoding,rows,replaced,sha256" ] && _ok || _fail "history header" "$H"
exp="1,targets,$T,UTF-8,22,0,$(sha256sum <"$T" | cut -c1-64)
2,actuals,$A,UTF-8,22,0,$(sha256sum <"$A" | cut -c1-64)
3,budget,$B,UTF-8,1,0,$(sha256sum <"$B" | cut -c1-64)
4,targets,$T,UTF-8,22,22,$(sha256sum <"$T" | cut -c1-64)
5,actuals,corrected.csv,UTF-8,22,22,$(sha256sum <corrected.csv | cut -c1-64)"
[ "$(printf '%s\n' "$H" | sed 1d)" = "$exp" ] && _ok || _fail "history rows" "expected:
$exp
got:
$H"
# a rejected import is not logged
run "$JIXIAO" --db "$R" import targets bad-number.csv
run "$JIXIAO" --db "$R" history --format json
expect_rc 0 "history --format json"
[ "$(grep -o '"id":' <<<"$OUT" | wc -l)" -eq 5 ] && _ok || _fail "history still lists 5 imports" "$OUT"

done_testing
