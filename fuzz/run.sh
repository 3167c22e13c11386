#!/usr/bin/env bash
# run.sh BUILD_DIR [SECONDS] - run each fuzz target for SECONDS (default 60), one
# after the other, single process. Seeds come from seed.sh; what a target finds
# is kept in BUILD_DIR/corpus/TARGET, crashes in BUILD_DIR/artifacts/, logs in
# BUILD_DIR/logs/. FUZZ_TARGETS="value csv" picks targets. Exit status 1 when
# any target crashed (the artifact is named in the log).
set -uo pipefail
build=${1:?usage: run.sh BUILD_DIR [SECONDS]}
secs=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
targets=${FUZZ_TARGETS:-value csv ruleset import store}
bash "$here/seed.sh" "$build/seeds" || exit 1
# the store's seeds are databases made by the engine itself (fuzz_store.c)
if [ -x "$build/fuzz/fuzz_store" ]; then
    JX_FUZZ_STORE_SEEDS="$build/seeds/store" "$build/fuzz/fuzz_store" >/dev/null 2>&1 ||
        { echo "fuzz_store: could not write its seeds" >&2; exit 1; }
fi
mkdir -p "$build/artifacts" "$build/logs"
failed=()
for t in $targets; do
    mkdir -p "$build/corpus/$t"
    dict=()
    case $t in
    value | import) dict=(-dict="$here/value.dict") ;;
    store) dict=(-dict="$here/store.dict") ;;
    ruleset) dict=(-dict="$here/ruleset.dict") ;;
    esac
    log=$build/logs/$t.log
    bin=$build/fuzz/fuzz_$t
    [ -x "$bin" ] || { echo "fuzz_$t: $bin not built" >&2; failed+=("$t"); continue; }
    echo "fuzz_$t: ${secs}s (log $log)"
    "$bin" "${dict[@]}" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2560 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t-" "$build/corpus/$t" "$build/seeds/$t" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "fuzz_$t: exit $rc, ${runs:-?} executions, ${cov:-cov: ?}, corpus $(ls "$build/corpus/$t" | wc -l) files"
    if [ $rc -ne 0 ]; then
        failed+=("$t")
        grep -E 'ERROR|SUMMARY|artifact|Test unit written' "$log" | head -5
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: no crashes"
