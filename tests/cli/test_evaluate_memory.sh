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
