#!/usr/bin/env bash
# End-to-end concurrency (issue 9): several jixiao processes import, re-import,
# score and read one database at the same time. Every one must succeed (writers
# queue on SQLite's write lock through the busy timeout; readers never wait under
# WAL), nothing may be lost (every import in the history with all its rows,
# every run stored), and the scores must not depend on the interleaving.
# With JIXIAO_SLOW_TESTS=1 it also holds the write lock for longer than the
# 30 s busy timeout and checks that an import then fails cleanly.
source "$TESTS/cli/lib.sh"
D=$FIXTURES/dazhu-2024
NDEPTS=${JIXIAO_CONC_DEPTS:-200} # departments per importer's file (22 rows each)

summary() { # 大竹县司法局's total (6dp) from score --format json
    grep -o '"name":"大竹县司法局","project":"","year":2024,"total":[-0-9.e+]*' |
        sed -E 's/.*"total":(.*)/\1/' | awk '{ printf "%.6f\n", $1 }'
}

# gen K FILE: the fixture's targets for NDEPTS departments of importer K
gen() {
    awk -F, -v OFS=, -v n="$NDEPTS" -v k="$1" 'NR == 1 { print; next } { r[NR] = $0 }
        END { for (i = 1; i <= n; i++) for (j = 2; j <= NR; j++) { $0 = r[j]; $1 = k "-" i; $2 = "部门" k "-" i; print } }' \
        "$D/targets.csv" >"$2"
}
for k in 1 2 3 4; do gen "$k" "$WORK/t$k.csv"; done

# spawn NAME CMD...: run CMD in the background, its output in $WORK/NAME.{out,err,rc}
PIDS=()
spawn() {
    local name=$1
    shift
    ( "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; echo $? >"$WORK/$name.rc" ) &
    PIDS+=($!)
}
# all_ok NAME...: each exited 0 with an empty stderr, and none mentions a lock
all_ok() {
    local n
    for n in "$@"; do
        [ "$(cat "$WORK/$n.rc")" = 0 ] && _ok || _fail "$n: exit status $(cat "$WORK/$n.rc")" "$(cat "$WORK/$n.err")"
        grep -qi 'lock\|busy' "$WORK/$n.err" && _fail "$n: lock message" "$(cat "$WORK/$n.err")" || _ok
    done
}

# ---- a brand-new database, first used by four imports at once (creation and migration race) ----
for round in 1 2 3 4 5; do
    NEW=$WORK/new$round.db
    PIDS=()
    for k in 1 2 3 4; do spawn "new$round-$k" "$JIXIAO" --db "$NEW" import targets "$WORK/t$k.csv"; done
    wait "${PIDS[@]}"
    all_ok "new$round-1" "new$round-2" "new$round-3" "new$round-4"
    run sqlite3 "$NEW" "SELECT count(*) FROM imports; SELECT count(*) FROM targets; PRAGMA integrity_check"
    expect_out "4
$((4 * NDEPTS * 22))
ok" "round $round: four imports, all rows"
done

# ---- one database, everything at once ----
DB=$WORK/j.db
for k in targets actuals budget; do "$JIXIAO" --db "$DB" import "$k" "$D/$k.csv" >/dev/null; done
"$JIXIAO" --db "$DB" score >/dev/null # a first run, for show
for round in 1 2; do
    PIDS=()
    names=()
    for k in 1 2 3 4; do spawn "imp$round-$k" "$JIXIAO" --db "$DB" import targets "$WORK/t$k.csv"; names+=("imp$round-$k"); done
    for k in 1 2; do spawn "re$round-$k" "$JIXIAO" --db "$DB" import targets "$D/targets.csv"; names+=("re$round-$k"); done
    spawn "act$round" "$JIXIAO" --db "$DB" import actuals "$D/actuals.csv"
    names+=("act$round")
    for k in 1 2 3; do spawn "score$round-$k" "$JIXIAO" --db "$DB" score --format json; names+=("score$round-$k"); done
    spawn "hist$round" "$JIXIAO" --db "$DB" history --format csv
    spawn "show$round" "$JIXIAO" --db "$DB" show 135
    names+=("hist$round" "show$round")
    wait "${PIDS[@]}"
    all_ok "${names[@]}"
    # every score saw the same 大竹县司法局, whatever else was half-way
    for k in 1 2 3; do
        [ "$(summary <"$WORK/score$round-$k.out")" = 96.897926 ] && _ok ||
            _fail "round $round: score $k total" "$(summary <"$WORK/score$round-$k.out")"
    done
done
# nothing lost: 3 + 2 × 7 imports, each with all its rows; 1 + 6 runs
run "$JIXIAO" --db "$DB" history --format csv
[ "$(printf '%s\n' "$OUT" | sed 1d | wc -l)" -eq 17 ] && _ok || _fail "17 imports in the history" "$OUT"
[ "$(printf '%s\n' "$OUT" | grep -c ",targets,$WORK/t[1-4].csv,UTF-8,$((NDEPTS * 22)),")" -eq 8 ] && _ok ||
    _fail "8 imports of the generated files with all their rows" "$OUT"
run sqlite3 "$DB" "SELECT count(*) FROM targets WHERE replaced_by IS NULL;
                   SELECT count(*) FROM targets;
                   SELECT count(*) FROM actuals WHERE replaced_by IS NULL;
                   SELECT count(*) FROM runs;
                   PRAGMA integrity_check"
# current targets: 4 × NDEPTS departments (the second round replaced the first's) + 大竹;
# kept: 大竹's 22 replaced four times, the generated ones once
expect_out "$((4 * NDEPTS * 22 + 22))
$((2 * 4 * NDEPTS * 22 + 5 * 22))
22
7
ok" "row counts after the concurrent rounds"
run "$JIXIAO" --db "$DB" score --format json
OUT=$(summary <<<"$OUT")
expect_out 96.897926 "the score at the end"

# ---- a lock held past the busy timeout: a clean failure, nothing half-done ----
if [ "${JIXIAO_SLOW_TESTS:-0}" = 1 ]; then
    before=$(sqlite3 "$DB" .dump | sha256sum)
    printf 'BEGIN IMMEDIATE;\n.shell sleep 40\nROLLBACK;\n' | sqlite3 "$DB" &
    holder=$!
    sleep 1
    run "$JIXIAO" --db "$DB" import targets "$D/targets.csv"
    expect_rc 1 "import while another process holds the lock"
    expect_out "" "nothing imported"
    expect_err_has "$D/targets.csv: nothing imported: another process kept the database locked for longer than the busy timeout; try again"
    wait "$holder"
    [ "$(sqlite3 "$DB" .dump | sha256sum)" = "$before" ] && _ok || _fail "the database changed"
fi

done_testing
