#!/usr/bin/env bash
# Runs that go on (issue 16 item 4): an indicator whose actual cannot be compared with its target
# (甲局's 验收合格率: target ≥95%, actual 96件) scores 0 of its 50 points, flagged unscorable and
# listed on stderr at the actual's FILE:LINE; every other indicator and subject is scored and the
# exit status is 0. --strict keeps the old behaviour: exit 1, nothing stored.
# Hand-worked: 甲局 = 100 × (0 + 50) / 100 = 50 (差); 乙局 = 100 × 100 × 8/10 / 100 = 80 (良).
source "$TESTS/cli/lib.sh"
export JIXIAO_RULES="$RULES"
D="$TESTS/data/unscorable"
args=(--targets "$D/targets.csv" --actuals "$D/actuals.csv")
line="$D/actuals.csv:2: 甲局 2023: 验收合格率: 实际完成值的单位“件”与指标值的单位“%”不可比，无法计分：0 × 50 = 0"

for db in "" "$WORK/e.db"; do
    where=${db:+ --db}
    run "$JIXIAO" ${db:+--db "$db"} evaluate "${args[@]}" --format csv
    expect_rc 0 "evaluate$where: an unscorable indicator does not stop the run"
    expect_err_has "$line"
    expect_out_has ",甲局,部门整体,2023,50,差,"
    expect_out_has ",乙局,部门整体,2023,80,良,"
    run "$JIXIAO" ${db:+--db "$db"} evaluate "${args[@]}" --format json
    expect_out_has '"level3":"验收合格率","op":"","target":"≥95%","unit":"","actual":"96件","reason":"","scored":true,"weight":50,"ratio":0,"points":0,"flags":["unscorable"]'
    run "$JIXIAO" ${db:+--db "$db"} evaluate "${args[@]}" --strict
    expect_rc 1 "evaluate$where --strict"
    expect_err_has "$line"
    expect_err_has "1 subject or indicator could not be scored; no run stored"
done
# with a store: --strict stored nothing; score keeps the same choice
db="$WORK/s.db"
"$JIXIAO" --db "$db" import targets "$D/targets.csv" >/dev/null
"$JIXIAO" --db "$db" import actuals "$D/actuals.csv" >/dev/null
run "$JIXIAO" --db "$db" score --strict
expect_rc 1 "score --strict"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM runs')" = 0 ] && _ok || _fail "score --strict stored a run"
run "$JIXIAO" --db "$db" score --format csv
expect_rc 0 "score"
expect_err_has "$line"
expect_out_has ",甲局,部门整体,2023,50,差,"
[ "$(sqlite3 "$db" "SELECT flags FROM run_indicators WHERE points = 0 AND ratio = 0")" = 2048 ] &&
    _ok || _fail "the stored indicator should carry the unscorable flag (2048)"
run "$JIXIAO" --db "$db" show 甲局
expect_out_has "无法计分"
done_testing
