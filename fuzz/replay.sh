#!/usr/bin/env bash
# replay.sh BUILD_DIR - build the seed corpus (seed.sh) and run each fuzz target's replay build
# (fuzz/replay.c, the ordinary compiler, no libFuzzer) over it: ctest's fuzz_replay. A target
# that no longer compiles fails the build; one whose checks fail on a real input fails here.
set -euo pipefail
build=${1:?usage: replay.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
seeds=$build/fuzz-seeds
rm -rf "$seeds"
bash "$here/seed.sh" "$seeds" >/dev/null
# the store's seeds are databases the engine writes itself
JX_FUZZ_STORE_SEEDS="$seeds/store" "$build/fuzz_replay_store" /dev/null >/dev/null
for t in value csv ruleset import store; do
    "$build/fuzz_replay_$t" "$seeds/$t"
done
