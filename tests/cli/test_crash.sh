#!/usr/bin/env bash
# End-to-end crash safety (issue 9): `jixiao import` of a large generated file and
# `jixiao score` over it are killed with SIGKILL while they write. Afterwards the
# database passes PRAGMA integrity_check, holds exactly what it held before (the
# .dump is compared, since a killed process leaves its -wal file behind and the
# main file alone is then not the whole database), the half-done import is not
# in the history, and the next import and score work (no stale lock).
#
# The kill comes when the write-ahead log has grown past a threshold: SQLite
# spills pages of the open transaction to DB-wal once its page cache is full, so
# a growing -wal means the transaction is under way and not yet committed (the
# commit comes only after the last row; the file is sized so that this is far
# away). JIXIAO_CRASH_DEPTS sets the departments in the big file (22 rows each).
source "$TESTS/cli/lib.sh"
NDEPTS=${JIXIAO_CRASH_DEPTS:-10000}
D=$FIXTURES/dazhu-2024
DB=$WORK/c.db

# digest DB: the database's logical content
digest() { sqlite3 "$1" .dump | sha256sum | cut -c1-64; }
integrity() { sqlite3 "$1" "PRAGMA integrity_check"; }

summary() { # name|total(6dp) for 大竹县司法局, from score --format json
    grep -o '"name":"大竹县司法局","project":"","year":2024,"total":[-0-9.e+]*' |
        sed -E 's/.*"total":(.*)/\1/' | awk '{ printf "大竹县司法局|%.6f\n", $1 }'
}

# big N FILE: the fixture's 22 targets for N invented departments (codes 1..N)
big() {
    awk -F, -v OFS=, -v n="$1" 'NR == 1 { print; next } { r[NR] = $0 }
        END { for (i = 1; i <= n; i++) for (k = 2; k <= NR; k++) { $0 = r[k]; $1 = i; $2 = "部门" i; print } }' \
        "$D/targets.csv" >"$2"
}

# kill_when_wal_grows BYTES CMD...: run CMD in the background and SIGKILL it once
# DB-wal is larger than BYTES. Sets KILLED (1 when killed mid-write) and RC.
kill_when_wal_grows() {
    local limit=$1 pid size
    shift
    "$@" >"$WORK/kout" 2>"$WORK/kerr" &
    pid=$!
    KILLED=0
    while kill -0 "$pid" 2>/dev/null; do
        size=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
        if [ "$size" -gt "$limit" ]; then
            kill -KILL "$pid" 2>/dev/null && KILLED=1
            break
        fi
        sleep 0.01
    done
    { wait "$pid"; } 2>/dev/null # (bash's "Killed" notice)
    RC=$?
}

# after_kill NAME DIGEST: the database is intact and holds what it held before
after_kill() {
    [ "$KILLED" -eq 1 ] && _ok || _fail "$1: the process ended before it could be killed (make JIXIAO_CRASH_DEPTS larger)"
    [ "$RC" -eq 137 ] && _ok || _fail "$1: expected death by SIGKILL (137), got $RC" "$(cat "$WORK/kerr")"
    [ "$(integrity "$DB")" = ok ] && _ok || _fail "$1: integrity_check" "$(integrity "$DB")"
    [ "$(digest "$DB")" = "$2" ] && _ok || _fail "$1: the database content changed"
}

# ---- the previous content: the fixture, imported and scored ----
for k in targets actuals budget; do
    run "$JIXIAO" --db "$DB" import "$k" "$D/$k.csv"
    expect_rc 0 "import $k"
done
run "$JIXIAO" --db "$DB" score --format json
OUT=$(summary <<<"$OUT")
expect_out "大竹县司法局|96.897926" "score before"
BEFORE=$(digest "$DB")
[ ! -e "$DB-wal" ] && _ok || _fail "no -wal after clean exits"

big "$NDEPTS" "$WORK/big.csv"
ROWS=$((NDEPTS * 22))

# ---- SIGKILL mid-import, early and late in the transaction ----
for limit in 1000000 8000000; do
    kill_when_wal_grows "$limit" "$JIXIAO" --db "$DB" import targets "$WORK/big.csv"
    after_kill "import killed at wal > $limit" "$BEFORE"
    run "$JIXIAO" --db "$DB" history --format csv
    [ "$(printf '%s\n' "$OUT" | wc -l)" -eq 4 ] && _ok || _fail "history after the kill: the 3 earlier imports only" "$OUT"
done
# the store still works: same score, and the import goes through when not killed
run "$JIXIAO" --db "$DB" score --format json
expect_rc 0 "score after the kills"
OUT=$(summary <<<"$OUT")
expect_out "大竹县司法局|96.897926" "score after the kills"
run "$JIXIAO" --db "$DB" import targets "$WORK/big.csv"
expect_rc 0 "the big import, not killed"
expect_out_has "$ROWS targets rows imported"
run sqlite3 "$DB" "SELECT count(*) FROM targets WHERE replaced_by IS NULL"
expect_out "$((ROWS + 22))" "every row of the big import"

# ---- SIGKILL mid-import of a file that replaces all those targets ----
sed 's/,5,$/,4,/' "$WORK/big.csv" >"$WORK/big2.csv"
FULL=$(digest "$DB")
kill_when_wal_grows 4000000 "$JIXIAO" --db "$DB" import targets "$WORK/big2.csv"
after_kill "re-import killed" "$FULL"
run sqlite3 "$DB" "SELECT count(*), count(replaced_by) FROM targets"
expect_out "$((ROWS + 22))|0" "no target marked replaced by the killed re-import"

# ---- SIGKILL mid-score ----
run sqlite3 "$DB" "SELECT count(*) FROM runs"
RUNS=$OUT
kill_when_wal_grows 2000000 "$JIXIAO" --db "$DB" score
after_kill "score killed" "$FULL"
run sqlite3 "$DB" "SELECT count(*) FROM runs"
expect_out "$RUNS" "no half-stored run"
run "$JIXIAO" --db "$DB" score --format csv
expect_rc 0 "score after the kill"
expect_out_has "135,大竹县司法局,部门整体,2024,96.89792571,优"
[ "$(integrity "$DB")" = ok ] && _ok || _fail "integrity at the end"

done_testing
