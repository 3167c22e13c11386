#!/usr/bin/env bash
# End-to-end: `jixiao evaluate` in memory (a jx_batch, no --db) against the same
# evaluation through a store (--db): both must print the same bytes on stdout and
# stderr and exit with the same status, for every fixture, every format, several
# files of a kind, files that replace earlier ones, and every bad input of
# tests/bad/ put in the place of its kind. The store path is the reference: it is
# what `import` + `score` + `show` do, tested on its own in test_evaluate.sh.
source "$TESTS/cli/lib.sh"
export JIXIAO_RULES="$RULES"

n=0
# same ARGS...: evaluate ARGS in memory and through a new database; compare everything
same() {
    n=$((n + 1))
    local db="$WORK/s$n.db"
    "$JIXIAO" evaluate "$@" >"$WORK/m.out" 2>"$WORK/m.err"
    local mrc=$?
    "$JIXIAO" --db "$db" evaluate "$@" >"$WORK/s.out" 2>"$WORK/s.err"
    local src=$?
    grep -q "^jixiao: creating a new database at $db\$" "$WORK/s.err" && _ok ||
        _fail "evaluate --db NEW says it creates the database" "$(cat "$WORK/s.err")"
    sed -i '/^jixiao: creating a new database at /d' "$WORK/s.err"
    if [ "$mrc" -eq "$src" ] && cmp -s "$WORK/m.out" "$WORK/s.out" && cmp -s "$WORK/m.err" "$WORK/s.err"; then
        _ok
    else
        _fail "evaluate $* : memory and store differ (status $mrc vs $src)" \
            "$(diff "$WORK/m.out" "$WORK/s.out" | head -5; diff "$WORK/m.err" "$WORK/s.err" | head -5)"
    fi
    MRC=$mrc
}

fx() { # DIR: the fixture's three files as evaluate options
    echo --targets "$FIXTURES/$1/targets.csv" --actuals "$FIXTURES/$1/actuals.csv" --budget "$FIXTURES/$1/budget.csv"
}

# every fixture, every format, the per-indicator listing
for d in demo dazhu-2024 rugao-2021 shifeng-2021; do
    for f in table csv json; do
        # shellcheck disable=SC2046
        same $(fx "$d") --format "$f"
        [ "$MRC" -eq 0 ] && _ok || _fail "evaluate $d --format $f failed"
    done
    # shellcheck disable=SC2046
    same $(fx "$d") --show
done

# several files of a kind, subjects in the order the targets files name them
# shellcheck disable=SC2046
same $(fx dazhu-2024) $(fx rugao-2021) $(fx shifeng-2021) --format json
# no budget file: 预算执行率 n/a
same --targets "$FIXTURES/dazhu-2024/targets.csv" --actuals "$FIXTURES/dazhu-2024/actuals.csv" --show

# files that replace earlier rows: a second actuals file changes one value (the newest wins);
# the targets file given twice (its subjects' targets replaced by the same ones)
a2="$WORK/actuals2.csv"
# the first row of dazhu's actuals with 实际完成值 (column 8) 330 → 200
sed -n '1p;2s/,330,/,200,/p' "$FIXTURES/dazhu-2024/actuals.csv" >"$a2"
grep -q ',200,' "$a2" && _ok || _fail "actuals2.csv not made"
# shellcheck disable=SC2046
same $(fx dazhu-2024) --actuals "$a2" --format json
# shellcheck disable=SC2046
run "$JIXIAO" evaluate $(fx dazhu-2024) --format csv
base=$OUT
# shellcheck disable=SC2046
run "$JIXIAO" evaluate $(fx dazhu-2024) --actuals "$a2" --format csv
[ "$OUT" != "$base" ] && _ok || _fail "a second actuals file should change the total" "$OUT"
# shellcheck disable=SC2046
same --targets "$FIXTURES/dazhu-2024/targets.csv" $(fx dazhu-2024) --format json
# shellcheck disable=SC2046
run "$JIXIAO" evaluate --targets "$FIXTURES/dazhu-2024/targets.csv" $(fx dazhu-2024) --format csv
expect_out "$base" "targets given twice: the same scores"

# workbooks: --out and --split written from memory and from a store hold the same cells
# (every worksheet, the shared strings and the workbook part; docProps carry the time)
parts() { # FILE.xlsx: its sheets, strings and workbook XML, in name order; the run's time masked
    local f
    for f in $(unzip -Z1 "$1" | grep -E '^xl/(worksheets/sheet[0-9]+|sharedStrings|workbook)\.xml$' | sort); do
        printf '== %s\n' "$f"
        unzip -p "$1" "$f" | sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g'
        echo
    done
}
book_same() { # NAME ARGS...: evaluate ARGS --out/--split both ways, compare what was written
    local name=$1
    shift
    rm -rf "$WORK/bm" "$WORK/bs" "$WORK/bs.db"
    mkdir -p "$WORK/bm" "$WORK/bs"
    "$JIXIAO" evaluate "$@" --out "$WORK/bm/one.xlsx" --split "$WORK/bm/split" >"$WORK/m.out" 2>"$WORK/m.err"
    local mrc=$?
    "$JIXIAO" --db "$WORK/bs.db" evaluate "$@" --out "$WORK/bs/one.xlsx" --split "$WORK/bs/split" \
        >"$WORK/s.out" 2>"$WORK/s.err"
    local src=$?
    sed -i '/^jixiao: creating a new database at /d' "$WORK/s.err"
    [ "$mrc" -eq 0 ] && [ "$src" -eq 0 ] && _ok || _fail "$name: evaluate --out --split failed ($mrc, $src)" "$(cat "$WORK/m.err" "$WORK/s.err")"
    cmp -s "$WORK/m.out" "$WORK/s.out" && _ok || _fail "$name: listings differ"
    # the summary line names the directory and says how long it took: compare the rest
    [ "$(sed "s| in [0-9.]* s | in … s |; s|$WORK/bm/|DIR/|" "$WORK/m.err")" = \
        "$(sed "s| in [0-9.]* s | in … s |; s|$WORK/bs/|DIR/|" "$WORK/s.err")" ] &&
        _ok || _fail "$name: messages differ" "$(diff "$WORK/m.err" "$WORK/s.err")"
    local lm ls
    lm=$(cd "$WORK/bm" && find . -name '*.xlsx' | sort)
    ls=$(cd "$WORK/bs" && find . -name '*.xlsx' | sort)
    [ -n "$lm" ] && [ "$lm" = "$ls" ] && _ok || _fail "$name: different files written" "$lm
--
$ls"
    local f
    for f in $lm; do
        [ "$(parts "$WORK/bm/$f")" = "$(parts "$WORK/bs/$f")" ] && _ok || _fail "$name: $f differs"
    done
}
# shellcheck disable=SC2046
book_same demo $(fx demo)
# shellcheck disable=SC2046
book_same three $(fx dazhu-2024) $(fx rugao-2021) $(fx shifeng-2021)

# every bad input of tests/bad/ in the place of its kind, the other files from dazhu-2024
for e in "$TESTS"/bad/*.expect; do
    name=$(basename "$e" .expect)
    kind=$(sed -n 's/^args: import \([a-z]*\).*/\1/p' "$e")
    file="$TESTS/bad/$name.csv"
    [ -f "$file" ] || continue
    t="$FIXTURES/dazhu-2024/targets.csv" a="$FIXTURES/dazhu-2024/actuals.csv" b="$FIXTURES/dazhu-2024/budget.csv"
    case "$kind" in
    targets) t=$file ;;
    actuals) a=$file ;;
    budget) b=$file ;;
    *) continue ;;
    esac
    same --targets "$t" --actuals "$a" --budget "$b" --format csv
done

done_testing
