#!/usr/bin/env bash
# End-to-end: the bad-input corpus of tests/bad/ (issue 9). Each tests/bad/NAME.csv
# has a NAME.expect (format in tests/bad/README.md) giving the command, the exit
# status and the exact standard error; the big cases (a 10 MB cell, 100,000
# columns, UTF-8 turning into GB18030 past the encoding sniff, 1,500 bad rows)
# are generated here. Every case runs against a copy of one database holding
# the dazhu-2024 fixture and a scoring run; a rejected file must leave that
# database byte-for-byte unchanged (see check_unchanged for why that is sound).
source "$TESTS/cli/lib.sh"
BAD=$TESTS/bad

# ---- the database every case starts from ----
BASE=$WORK/base.db
run "$JIXIAO" --db "$BASE" init
run "$JIXIAO" --db "$BASE" import targets "$FIXTURES/dazhu-2024/targets.csv"
run "$JIXIAO" --db "$BASE" import actuals "$FIXTURES/dazhu-2024/actuals.csv"
run "$JIXIAO" --db "$BASE" import budget "$FIXTURES/dazhu-2024/budget.csv"
run "$JIXIAO" --db "$BASE" score --format csv
expect_rc 0 "base database"
expect_out_has "大竹县司法局,部门整体,2024,96.89792571"
[ ! -e "$BASE-wal" ] && _ok || _fail "jixiao left $BASE-wal behind after a clean exit"

# dump DB: the logical content, in a stable order
dump() { sqlite3 "$1" .dump; }

# check_unchanged NAME DB: after a rejected file the database must be exactly as before.
# jixiao runs SQLite in WAL mode: committed pages may sit in DB-wal until a checkpoint,
# so comparing DB alone would only be sound if no -wal file is left. The last
# connection to close checkpoints and deletes the -wal file, so after a clean exit
# there must be none (asserted), and then `cmp` of the file is a true byte-for-byte
# check. The .dump comparison is the logical check that holds even if it were not.
check_unchanged() {
    [ ! -e "$2-wal" ] && _ok || _fail "$1: $2-wal left behind"
    expect_same_file "$2" "$WORK/base.db" "$1: database file changed"
    [ "$(dump "$2")" = "$BASE_DUMP" ] && _ok || _fail "$1: database content changed"
}
BASE_DUMP=$(dump "$BASE")

# run_case NAME FILE DIR EXPECT: run one case described by the EXPECT text.
run_case() {
    local name=$1 file=$2 dir=$3 spec=$4
    local args="" code="" err="" line cmd="" db=$WORK/$name.db
    local -a outs=()
    cp "$BASE" "$db"
    while IFS= read -r line; do
        case $line in
        args:*) args=${line#args: } ;;
        exit:*) code=${line#exit: } ;;
        err:*) err+="${line#err: }"$'\n' ;;
        esac
    done <<<"$spec"
    # shellcheck disable=SC2086 # args is a word list
    (cd "$dir" && "$JIXIAO" --db "$db" $args "$file") >"$WORK/out" 2>"$WORK/err"
    RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
    expect_rc "$code" "$name: exit status"
    [ "$ERR" = "${err%$'\n'}" ] && _ok || _fail "$name: standard error" "expected:
${err%$'\n'}
got:
$ERR"
    if [ "$code" != 0 ]; then
        check_unchanged "$name" "$db"
        return
    fi
    # after a success: `then:` commands and the lines their output must hold
    while IFS= read -r line; do
        case $line in
        then:*)
            cmd=${line#then: }
            # shellcheck disable=SC2086
            (cd "$dir" && "$JIXIAO" --db "$db" $cmd) >"$WORK/out" 2>"$WORK/err"
            RC=$?
            OUT=$(cat "$WORK/out")
            ERR=$(cat "$WORK/err")
            expect_rc 0 "$name: $cmd"
            ;;
        out:*)
            grep -qxF -- "${line#out: }" <<<"$OUT" && _ok || _fail "$name: output of '${cmd:-import}' lacks the line" "${line#out: }
in:
$OUT"
            ;;
        esac
    done <<<"$spec"
}

# ---- the corpus ----
ncases=0
for expect in "$BAD"/*.expect; do
    name=$(basename "$expect" .expect)
    file=$(sed -n 's/^file: //p' "$expect")
    [ -n "$file" ] || file=$name.csv
    [ -e "$BAD/$file" ] || { _fail "$name: $file is missing"; continue; }
    run_case "$name" "$file" "$BAD" "$(cat "$expect")"
    ncases=$((ncases + 1))
done
[ "$ncases" -ge 30 ] && _ok || _fail "only $ncases cases in tests/bad"
for f in "$BAD"/*.csv "$BAD"/*.tsv; do
    [ -e "$f" ] || continue
    n=$(basename "$f")
    [ -e "$BAD/${n%.*}.expect" ] || grep -qx "file: $n" "$BAD"/*.expect || _fail "$n has no .expect"
done

# ---- formula-like cells in the workbook: text cells, never formulas ----
# (the formula-cells case above left its database, scored, in $WORK/formula-cells.db).
# The project names become sheet names, which jixiao's own formulas reference ('@项目'!H12):
# those are checked by their cell text only.
XL=$WORK/formula.xlsx
run "$JIXIAO" --db "$WORK/formula-cells.db" export xlsx --out "$XL"
expect_rc 0 "export of the formula-cells database"
SHEETS=$(unzip -p "$XL" 'xl/worksheets/*.xml' 'xl/sharedStrings.xml' 2>/dev/null)
FORMULAS=$(grep -o '<f>[^<]*</f>' <<<"$SHEETS")
for payload in '=1+1' '=HYPERLINK(' '+SUM(A1:A9)' "@SUM(1+1)*cmd|' /C calc'!A0" "-2+3+cmd|' /C calc'!A0" '=指标'; do
    grep -qF -- "$payload" <<<"$SHEETS" && _ok || _fail "export: '$payload' is not in the workbook"
    grep -qF -- "$payload" <<<"$FORMULAS" && _fail "export: '$payload' written as a formula" "$FORMULAS" || _ok
done

# ---- generated: too big to commit ----
G=$WORK/gen
mkdir -p "$G"
H=$(head -1 "$FIXTURES/dazhu-2024/targets.csv")

# a 10 MB cell (unquoted), and a quote that is never closed before 10 MB of text
{ echo "$H"; printf '135,大竹县司法局,,2024,产出指标,数量指标,'; head -c 10485760 /dev/zero | tr '\0' x; echo ',≥,5,件,5,'; } >"$G/cell-10mb.csv"
run_case cell-10mb cell-10mb.csv "$G" "args: import targets
exit: 1
err: jixiao: cell-10mb.csv:2: field 7 is longer than 1 MiB"
{ echo "$H"; printf '135,大竹县司法局,,2024,产出指标,数量指标,"'; head -c 10485760 /dev/zero | tr '\0' x; echo ',≥,5,件,5,'; } >"$G/quote-10mb.csv"
run_case quote-10mb quote-10mb.csv "$G" "args: import targets
exit: 1
err: jixiao: quote-10mb.csv:2: field 7 is longer than 1 MiB (is the quote opened at line 2, column 28 never closed?)"

# 100,000 columns: in a data row, and in the header
{ echo "$H"; printf '135,大竹县司法局,,2024,产出指标,数量指标,x,≥,5,件,5,'; head -c 100000 /dev/zero | tr '\0' ,; echo; } >"$G/columns-100k.csv"
run_case columns-100k columns-100k.csv "$G" "args: import targets
exit: 1
err: jixiao: columns-100k.csv:2: more than 4096 fields in one record"
seq 1 100000 | paste -sd, >"$G/header-100k.csv"
run_case header-100k header-100k.csv "$G" "args: import targets
exit: 1
err: jixiao: header-100k.csv:1: more than 4096 fields in one record"

# UTF-8 for 300 KB (past the 256 KiB encoding sniff), then one GB18030 row
{
    echo "$H"
    for i in $(seq 1 2000); do echo "135,大竹县司法局,,2024,产出指标,数量指标,指标$i,≥,5,件,,备注备注备注备注备注备注备注备注备注备注"; done
    echo "135,大竹县司法局,,2024,产出指标,数量指标,最后一个指标,≥,5,件,," | iconv -t GB18030
} >"$G/mixed-late.csv"
run_case mixed-late mixed-late.csv "$G" "args: import targets
exit: 1
err: jixiao: mixed-late.csv:2002:5: invalid UTF-8 (bytes B4 F3 D6 F1): the file starts as UTF-8 but this part is in another encoding (GB18030?); save the whole file in one encoding"

# 1,500 bad rows: the first 1,000 are listed, all are counted
{ echo "$H"; for i in $(seq 1 1500); do echo "135,大竹县司法局,,2024,产出指标,数量指标,指标$i,≥,5,件,abc,"; done; } >"$G/errors-1500.csv"
(cd "$G" && "$JIXIAO" --db "$WORK/e.db" import targets errors-1500.csv) >"$WORK/out" 2>"$WORK/err"
RC=$?
sed -i '/^jixiao: creating a new database at /d' "$WORK/err"
expect_rc 1 "errors-1500"
[ "$(wc -l <"$WORK/err")" -eq 1001 ] && _ok || _fail "errors-1500: 1000 messages and a summary expected" "$(tail -3 "$WORK/err")"
[ "$(sed -n 1000p "$WORK/err")" = 'errors-1500.csv:1001:11: column 权重: "abc" is not a number' ] && _ok ||
    _fail "errors-1500: 1000th message" "$(sed -n 1000p "$WORK/err")"
[ "$(tail -1 "$WORK/err")" = "jixiao: errors-1500.csv: 1500 errors; nothing imported" ] && _ok ||
    _fail "errors-1500: summary" "$(tail -1 "$WORK/err")"

done_testing
