# lib.sh - helpers for end-to-end tests of the jixiao binary. Source it from tests/cli/test_*.sh.
# ctest sets JIXIAO (the binary), FIXTURES, RULES and TESTS (source directories).
set -u
: "${JIXIAO:?JIXIAO must name the jixiao binary}"
: "${FIXTURES:?}" "${RULES:?}" "${TESTS:?}"
T_PASS=0
T_FAIL=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jixiao-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# run CMD...: runs CMD, capturing stdout in $OUT, stderr in $ERR and the status in $RC.
run() {
    "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
}

_ok()   { T_PASS=$((T_PASS + 1)); }
_fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL: $1" >&2; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /' >&2; return 0; }

expect_rc()       { [ "$RC" -eq "$1" ] && _ok || _fail "${2:-status} expected $1, got $RC" "stdout: $OUT
stderr: $ERR"; }
expect_out()      { [ "$OUT" = "$1" ] && _ok || _fail "${2:-stdout}" "expected: $1
got:      $OUT"; }
expect_out_has()  { case "$OUT" in *"$1"*) _ok ;; *) _fail "${2:-stdout should contain} '$1'" "$OUT" ;; esac; }
expect_err_has()  { case "$ERR" in *"$1"*) _ok ;; *) _fail "${2:-stderr should contain} '$1'" "$ERR" ;; esac; }
expect_same_file() { cmp -s "$1" "$2" && _ok || _fail "${3:-files differ}: $1 $2"; }

# sanitized: the binary is built with AddressSanitizer, which reserves terabytes of address
# space at start: a test cannot run it under ulimit -v.
sanitized() { grep -qa __asan_init "$JIXIAO"; }
# under_valgrind: the binary is make test-valgrind's wrapper script (scripts/memcheck.sh)
under_valgrind() { [ "$(head -c 2 "$JIXIAO")" = '#!' ]; }

# done_testing: prints the plain closing line and exits non-zero on any failure.
done_testing() {
    echo "$T_PASS passed, $T_FAIL failed"
    [ "$T_FAIL" -eq 0 ]
}
