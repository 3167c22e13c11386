#!/usr/bin/env bash
# memcheck.sh BUILD_DIR - the test suite under valgrind memcheck: every cmocka test
# executable, and every end-to-end test with the jixiao binary run through
# valgrind. Any memory error or definite/indirect leak fails (valgrind's exit
# status 99 breaks the test's expected status, and the logs are checked too).
# Left out: test_crash.sh and test_concurrency.sh, which kill processes and race
# them on purpose (timing, not memory: ASan runs them in `make test-san`).
set -uo pipefail
build=${1:?usage: memcheck.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
command -v valgrind >/dev/null || { echo "memcheck: valgrind is not installed (scripts/deps.sh)" >&2; exit 1; }
logs=$build/memcheck
rm -rf "$logs"
mkdir -p "$logs"
VG=(valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect
    --errors-for-leak-kinds=definite,indirect --track-fds=no --num-callers=30
    --suppressions=$root/scripts/valgrind.supp)

# the binary the end-to-end tests run: jixiao under valgrind, one log per process
cat >"$logs/jixiao" <<EOF
#!/bin/sh
exec ${VG[*]} --log-file="$logs/jixiao.%p.log" "$build/jixiao" "\$@"
EOF
chmod +x "$logs/jixiao"

# one_test KIND NAME: run one test (KIND c: a cmocka executable, sh: an end-to-end script)
one_test() {
    local kind=$1 name=$2
    if [ "$kind" = c ]; then
        [ -x "$build/$name" ] || { echo "memcheck: $name FAILED (not built)"; return 1; }
        if (cd "$build" && "${VG[@]}" --log-file="$logs/$name.log" "./$name" >"$logs/$name.out" 2>&1); then
            echo "memcheck: $name ok"
        else
            echo "memcheck: $name FAILED (see $logs/$name.log, $logs/$name.out)"
            return 1
        fi
    elif JIXIAO=$logs/jixiao FIXTURES=$root/fixtures RULES=$root/rules TESTS=$root/tests \
        bash "$root/tests/cli/$name.sh" >"$logs/cli_$name.out" 2>&1; then
        echo "memcheck: cli_$name ok ($(tail -1 "$logs/cli_$name.out"))"
    else
        echo "memcheck: cli_$name FAILED (see $logs/cli_$name.out)"
        return 1
    fi
}
export -f one_test
export build logs root
export VG_LIST="${VG[*]}"

# the jobs, slowest first, run JOBS at a time (valgrind is slow: ~1 s to start jixiao)
jobs=()
for t in "$root"/tests/cli/test_*.sh; do
    name=$(basename "$t" .sh)
    case $name in test_crash | test_concurrency) continue ;; esac
    jobs+=("sh $name")
done
for t in "$root"/tests/test_*.c; do jobs+=("c $(basename "$t" .c)"); done
failed=()
printf '%s\n' "${jobs[@]}" |
    xargs -P "${JOBS:-2}" -I{} bash -c 'read -ra VG <<<"$VG_LIST"; one_test {}' >"$logs/summary.txt"
cat "$logs/summary.txt"
grep -q FAILED "$logs/summary.txt" && failed+=("tests")
# a log with anything in it is an error report (valgrind -q prints only errors and leaks)
bad_logs=$(find "$logs" -name '*.log' -size +0 | sort)
if [ -n "$bad_logs" ]; then
    echo "memcheck: valgrind reported errors or leaks:"
    for f in $bad_logs; do
        echo "== $f"
        head -40 "$f"
    done
    failed+=("valgrind logs")
fi
nproc_runs=$(find "$logs" -name 'jixiao.*.log' | wc -l)
echo "memcheck: $nproc_runs jixiao processes checked"
if [ ${#failed[@]} -gt 0 ]; then
    echo "memcheck: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "memcheck: no errors, no leaks"
