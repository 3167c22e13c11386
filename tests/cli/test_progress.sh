#!/usr/bin/env bash
# The progress line of long work: on a terminal only, erased at the end, silenced by --quiet.
# A terminal is a pty from script(1) (bsdutils); JIXIAO_PROGRESS_AFTER=0 shows the line without
# waiting the usual second, so that generated data of 2,000 subjects (50,000 rows: the engine
# reports every 16,384 rows and every 1,000 subjects) is enough.
. "$(dirname "$0")/lib.sh"
GEN=$(dirname "$JIXIAO")/jixiao-gen
export JIXIAO_RULES="$RULES" JIXIAO_PROGRESS_AFTER=0
if [ ! -x "$GEN" ]; then
    echo "jixiao-gen not built: skipped"
    done_testing
    exit $?
fi
"$GEN" 2000 "$WORK/d" >/dev/null
ev="evaluate --targets $WORK/d/targets.csv --actuals $WORK/d/actuals.csv --budget $WORK/d/budget.csv --format csv"

# not a terminal: nothing on standard error, and the same output as with --quiet
# shellcheck disable=SC2086
run "$JIXIAO" $ev
expect_rc 0
[ -z "$ERR" ] && _ok || _fail "no progress when stderr is not a terminal" "$ERR"
cp "$WORK/out" "$WORK/plain.csv"
# shellcheck disable=SC2086
run "$JIXIAO" --quiet $ev
expect_rc 0
expect_same_file "$WORK/plain.csv" "$WORK/out" "--quiet changes nothing but the progress line"

if ! command -v script >/dev/null 2>&1; then
    echo "script(1) not found: the terminal cases skipped"
    done_testing
    exit $?
fi
# on_tty FILE CMD: CMD with standard error on a pty (standard output to FILE.out); the pty's
# bytes in FILE
on_tty() {
    local f=$1
    shift
    script -qec "$* 2>&1 >$f.out" "$f" >/dev/null 2>&1
}
# shellcheck disable=SC2086
on_tty "$WORK/tty" "$JIXIAO" $ev
grep -q '读入 .*targets.csv：16384/[0-9]* 行 · [0-9]* 行/秒 · 约剩' "$WORK/tty" && _ok ||
    _fail "reading targets shows rows done, rate and time left" "$(cat -v "$WORK/tty")"
grep -q '评分：1000/2000 个 · [0-9]* 个/秒' "$WORK/tty" && _ok ||
    _fail "scoring shows subjects done, of how many" "$(cat -v "$WORK/tty")"
# the line is erased at the end: the last bytes of the pty before script's footer
tr -d '\n' <"$WORK/tty" | grep -q $'\r\033\[K$\|\r\033\[KScript done' && _ok ||
    _fail "the progress line is erased at the end" "$(tail -c 200 "$WORK/tty" | cat -v)"
expect_same_file "$WORK/plain.csv" "$WORK/tty.out" "standard output is the same on a terminal"

# shellcheck disable=SC2086
on_tty "$WORK/q" "$JIXIAO" --quiet $ev
grep -q '行/秒\|个/秒' "$WORK/q" && _fail "--quiet: no progress line" "$(cat -v "$WORK/q")" || _ok
# shellcheck disable=SC2086
on_tty "$WORK/q2" "$JIXIAO" $ev --quiet
grep -q '行/秒\|个/秒' "$WORK/q2" && _fail "--quiet after the command too" "$(cat -v "$WORK/q2")" || _ok

# import into a store, and the workbooks
on_tty "$WORK/imp" "$JIXIAO" --db "$WORK/p.db" import targets "$WORK/d/targets.csv"
grep -q '导入 .*targets.csv：[0-9]*/[0-9]* 行' "$WORK/imp" && _ok ||
    _fail "import shows its progress" "$(cat -v "$WORK/imp")"
"$JIXIAO" --db "$WORK/p.db" import actuals "$WORK/d/actuals.csv" >/dev/null 2>&1
"$JIXIAO" --db "$WORK/p.db" score >/dev/null 2>&1
on_tty "$WORK/exp" "$JIXIAO" --db "$WORK/p.db" export xlsx --split "$WORK/x"
grep -q '写自评表：[0-9]*/2000 个' "$WORK/exp" && _ok ||
    _fail "export shows subjects written, of how many" "$(cat -v "$WORK/exp")"

done_testing
