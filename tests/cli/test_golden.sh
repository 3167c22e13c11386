#!/usr/bin/env bash
# Golden outputs: what every fixture prints (evaluate in every format, show, rank, stats,
# whatif, sensitivity) and the cells of the workbooks it writes, compared byte for byte with
# tests/golden/. A refactoring must leave them unchanged; an intended change of output is
# made by regenerating them (GOLDEN_UPDATE=1 ctest -R golden) and committing the difference
# with the change that causes it, so the diff shows exactly what moved.
source "$TESTS/cli/lib.sh"
export JIXIAO_RULES="$RULES"
GOLDEN="$TESTS/golden"

# check NAME: compare $WORK/g.out with tests/golden/NAME (or write it when updating)
check() {
    if [ -n "${GOLDEN_UPDATE:-}" ]; then
        cp "$WORK/g.out" "$GOLDEN/$1"
        _ok
    elif cmp -s "$WORK/g.out" "$GOLDEN/$1"; then
        _ok
    else
        _fail "$1 differs from tests/golden/$1" "$(diff "$GOLDEN/$1" "$WORK/g.out" | head -20)"
    fi
}
# out NAME CMD...: stdout, stderr and status of CMD, with the work directory and times masked
out() {
    local name=$1
    shift
    "$@" >"$WORK/o" 2>"$WORK/e"
    local rc=$?
    { cat "$WORK/o"; echo "== stderr"; cat "$WORK/e"; echo "== status $rc"; } |
        sed -E "s|$WORK|WORK|g; s/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g; s/ in [0-9.]+ s/ in … s/g" >"$WORK/g.out"
    check "$name"
}
# cells NAME FILE.xlsx: its sheets, strings and workbook XML, in name order; the time masked
cells() {
    local f
    for f in $(unzip -Z1 "$2" | grep -E '^xl/(worksheets/sheet[0-9]+|sharedStrings|workbook)\.xml$' | sort -V); do
        printf '== %s\n' "$f"
        unzip -p "$2" "$f" | sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g'
        echo
    done >"$WORK/g.out"
    check "$1"
}
fx() { echo --targets "$FIXTURES/$1/targets.csv" --actuals "$FIXTURES/$1/actuals.csv" --budget "$FIXTURES/$1/budget.csv"; }

for d in demo dazhu-2024 rugao-2021 shifeng-2021; do
    for f in table csv json; do
        # shellcheck disable=SC2046
        out "evaluate-$d.$f" "$JIXIAO" evaluate $(fx "$d") --format "$f"
    done
    # shellcheck disable=SC2046
    out "show-$d.txt" "$JIXIAO" evaluate $(fx "$d") --show
    # shellcheck disable=SC2046
    out "show-$d.json" "$JIXIAO" evaluate $(fx "$d") --show --format json
    rm -f "$WORK/b.xlsx"
    # shellcheck disable=SC2046
    "$JIXIAO" evaluate $(fx "$d") --out "$WORK/b.xlsx" >/dev/null 2>&1
    cells "book-$d.xml" "$WORK/b.xlsx"
done

# a store with the three published fixtures: the analyses
db="$WORK/g.db"
for d in dazhu-2024 rugao-2021 shifeng-2021; do
    for k in targets actuals budget; do "$JIXIAO" --db "$db" import "$k" "$FIXTURES/$d/$k.csv" >/dev/null 2>&1; done
done
"$JIXIAO" --db "$db" score >/dev/null 2>&1
for f in table json; do
    out "rank.$f" "$JIXIAO" --db "$db" rank --format "$f"
    out "stats.$f" "$JIXIAO" --db "$db" stats --format "$f"
    out "whatif.$f" "$JIXIAO" --db "$db" whatif --weight 产出指标=60 --rules yueyang-2021 --format "$f"
    out "sensitivity.$f" "$JIXIAO" --db "$db" sensitivity --samples 200 --seed 7 --format "$f"
done
out "show-store.txt" "$JIXIAO" --db "$db" show 大竹县司法局
rm -f "$WORK/s.xlsx"
"$JIXIAO" --db "$db" export xlsx --out "$WORK/s.xlsx" >/dev/null 2>&1
cells "book-store.xml" "$WORK/s.xlsx"
rm -f "$WORK/blank.xlsx"
"$JIXIAO" --db "$db" export xlsx --blank --out "$WORK/blank.xlsx" >/dev/null 2>&1
cells "book-blank.xml" "$WORK/blank.xlsx"

done_testing
