#!/usr/bin/env bash
# End-to-end: the bureau's review (复核): review, sample, runs, diff, trend, the workbooks of
# review/stats/sensitivity --out, CSV for Excel, and a missing --db. First the worked example
# of tests/data/review (its README.md has every number by hand), then generated data with
# known claims (tests/review/gen_claims.py, which works the rule points out on its own).
source "$TESTS/cli/lib.sh"

PY=${PYTHON:-$([ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}
if ! command -v "$PY" >/dev/null 2>&1; then
    echo "SKIP: python3 is needed to read the JSON back"
    exit 0
fi
D="$TESTS/data/review"
DB="$WORK/r.db"
J() { "$JIXIAO" --db "$DB" "$@"; }
# py EXPR: evaluate a Python expression over the JSON in $OUT (bound to j); prints the result
py() { printf '%s' "$OUT" | "$PY" -c "import json,sys; j=json.load(sys.stdin); print(($1))"; }
expect_py() { local got; got=$(py "$1") && [ "$got" = "$2" ] && _ok || _fail "${3:-$1}" "expected: $2
got:      $got"; }

# ---- every command has --help; a missing database is refused by the readers ----
for c in review sample runs diff trend; do
    run "$JIXIAO" --db "$DB" "$c" --help
    expect_rc 0 "$c --help"
    expect_out_has "usage: jixiao [--db PATH] $c"
    case $c in sample) args="--count 3" ;; trend) args="801" ;; *) args="" ;; esac
    run J "$c" $args
    expect_rc 1 "$c without a database"
    expect_err_has "no database at $DB"
done
[ ! -e "$DB" ] && _ok || _fail "a reading command created $DB"

for k in targets actuals budget; do
    run J import "$k" "$D/$k.csv"
    expect_rc 0 "import $k"
done
run J review
expect_rc 1 "review before a run"
expect_err_has "no scoring run yet"
run J score --label 初评
expect_rc 0 "score"

# ---- review ----
run J review --format json
expect_rc 0 "review json"
expect_py 'list(j.keys())' "['run', 'rules', 'threshold', 'subjects', 'without_claims']"
expect_py 'list(j["subjects"][0].keys())' "['code', 'name', 'project', 'year', 'claimed_total', 'total', 'gap', 'claimed_grade', 'grade', 'flags', 'indicators']" "review subject keys (issue 18)"
expect_py 'list(j["subjects"][0]["indicators"][0].keys())' "['level1', 'level2', 'level3', 'claimed', 'points', 'gap']" "review indicator keys"
expect_py '[(s["name"]+s["project"], s["year"], round(s["gap"],6) if s["gap"] is not None else None, s["flags"]) for s in j["subjects"]]' \
    "[('甲局', 2024, 5.176471, ['over_claimed']), ('甲局', 2023, 4, []), ('乙局专项', 2024, 1.0, ['over_claimed']), ('乙局', 2024, -1.5, []), ('丁局', 2024, None, ['claims_incomplete'])]" \
    "review: gaps and flags of README.md"
expect_py '[(i["level3"], i["claimed"], round(i["points"],6), round(i["gap"],6)) for i in j["subjects"][0]["indicators"]]' \
    "[('培训人次', 40, 36, 4), ('满意度', 20, 18.823529, 1.176471)]" "review: 甲局 2024's gaps, largest first"
expect_py 'j["subjects"][2]["claimed_grade"], j["subjects"][2]["grade"]' "('良', '中')"
expect_py 'j["without_claims"], j["threshold"]' "(1, 5)"
run J review
expect_out_has "自评虚高"
expect_out_has "自评得分不全"
expect_out_has "1 without claims"
run J review --format csv
expect_out_has "over_claimed"
[ "$(printf '%s' "$OUT" | head -c 3 | od -An -tx1 | tr -d ' ')" != "efbbbf" ] && _ok || _fail "csv on stdout has no BOM"
run J review --format excel
[ "$(printf '%s' "$OUT" | head -c 3 | od -An -tx1 | tr -d ' ')" = "efbbbf" ] && _ok || _fail "--format excel starts with a BOM"
run J review --flagged --format json
expect_py '[s["name"] for s in j["subjects"]]' "['甲局', '乙局']"
run J review --threshold 3.5 --format json
expect_py '[s["name"] for s in j["subjects"] if "over_claimed" in s["flags"]]' "['甲局', '甲局', '乙局']"
run J review --threshold -1
expect_rc 2 "a negative threshold"
run J review --indicators --format csv
expect_out_has "801,甲局,部门整体,2024,产出指标,数量指标,培训人次,40,36,4"
run J review --out "$WORK/rv.xlsx"
expect_rc 0 "review --out xlsx"
expect_err_has "wrote $WORK/rv.xlsx"
[ -s "$WORK/rv.xlsx" ] && _ok || _fail "review workbook written"
run J review --out "$WORK/rv.csv"
expect_rc 0 "review --out csv"
[ "$(head -c 3 "$WORK/rv.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] && _ok || _fail "--out FILE.csv has a BOM"
grep -q "^801,甲局,部门整体,2024,100," "$WORK/rv.csv" && _ok || _fail "--out FILE.csv holds the listing"
run J review --out "$WORK/rv.txt"
expect_rc 2 "--out wants .xlsx or .csv"

# ---- sample ----
run J sample --count 4 --seed 5 --format json
expect_rc 0 "sample json"
S1=$OUT
expect_py 'list(j.keys())' "['run', 'seed', 'count', 'selected', 'threshold', 'quartiles', 'strata', 'subjects']"
expect_py 'list(j["subjects"][0].keys())' "['code', 'name', 'project', 'year', 'reason', 'stratum', 'budget', 'total', 'claimed_total', 'gap']"
expect_py '[(s["name"]+s["project"], s["reason"], s["stratum"]) for s in j["subjects"][:2]]' \
    "[('甲局', 'over_claimed', 'Q3'), ('乙局专项', 'over_claimed', 'no_budget')]"
expect_py '[s["stratum"] for s in j["subjects"][2:]]' "['Q1', 'Q4']" "sample: one from each non-empty stratum"
expect_py 'j["quartiles"]' "[100, 100, 200]"
run J sample --count 4 --seed 5 --format json
[ "$OUT" = "$S1" ] && _ok || _fail "sample: the same seed, the same list"
picks=$(for s in 1 2 3 4 5 6 7 8 9 10 11 12; do J sample --count 4 --seed $s --format json |
    "$PY" -c "import json,sys; print(json.load(sys.stdin)['subjects'][2]['name'])"; done | sort -u | wc -l)
[ "$picks" -eq 3 ] && _ok || _fail "sample: seeds reach every member of Q1 ($picks of 3)"
run J sample --rate 0.5
expect_rc 0 "sample --rate"
expect_out_has "抽查 3 of 6 subjects"
expect_out_has "repeat with: jixiao --db $DB sample --rate 0.5 --seed 1"
run J sample --rate 0.5 --count 3
expect_rc 2 "--rate and --count"
run J sample
expect_rc 2 "neither --rate nor --count"
run J sample --rate 2
expect_rc 2 "a rate above 1"

# ---- runs, diff ----
run J diff
expect_rc 1 "diff with one run"
expect_err_has "needs two scoring runs"
run J import actuals "$D/actuals-fix.csv"
run J score --label 更正后
run J runs --format json
expect_py 'list(j["runs"][0].keys())' "['run', 'created_at', 'rules', 'rules_sha256', 'label', 'subjects', 'indicators', 'mean_total']"
expect_py '[(r["run"], r["label"], r["subjects"], round(r["mean_total"], 6)) for r in j["runs"]]' \
    "[(1, '初评', 6, 93.887255), (2, '更正后', 6, 94.553922)]"
run J runs
expect_out_has "更正后"
run J diff --format json
expect_rc 0 "diff json"
expect_py 'list(j.keys())' "['a', 'b', 'compared', 'subjects']"
expect_py 'j["a"]["run"], j["b"]["run"]' "(1, 2)"
expect_py 'list(j["subjects"][0].keys())' "['code', 'name', 'project', 'year', 'total_a', 'total_b', 'rank_a', 'rank_b', 'grade_a', 'grade_b', 'why', 'indicators']" "diff subject keys (issue 18, and why)"
expect_py '[(s["name"], s["year"], round(s["total_a"],6), round(s["total_b"],6)) for s in j["subjects"]]' \
    "[('甲局', 2024, 94.823529, 98.823529)]" "diff: exactly the corrected subject"
expect_py 'j["subjects"][0]["indicators"]' \
    "[{'level1': '产出指标', 'level2': '数量指标', 'level3': '培训人次', 'target_a': '≥110人次', 'target_b': '≥110人次', 'actual_a': '99', 'actual_b': '110', 'points_a': 36, 'points_b': 40, 'why': ['actual_reimported']}]" \
    "diff: exactly the corrected indicator"
run J diff 2 1 --format json
expect_py '[(s["name"], s["indicators"][0]["actual_a"]) for s in j["subjects"]]' "[('甲局', '110')]"
run J diff
expect_out_has "实际值重新导入"
expect_out_has "1 of 6 subjects changed"
run J diff 1 9
expect_rc 1 "diff with a run that does not exist"
run J diff 1
expect_rc 2 "diff with one run number"

# ---- trend ----
run J trend 801 --format json
expect_rc 0 "trend json"
expect_py 'list(j.keys())' "['run', 'code', 'name', 'project', 'year', 'years', 'indicators']"
expect_py '[dict(y, total=round(y["total"], 6)) for y in j["years"]]' "[{'year': 2023, 'total': 96, 'grade': '优', 'rank': 1, 'of': 1}, {'year': 2024, 'total': 98.823529, 'grade': '优', 'rank': 3, 'of': 4}]" "trend lines up two years (after the correction: 3rd of 4, after two 100s)"
expect_py '[(i["level3"], [(y["year"], y["flags"]) for y in i["years"]]) for i in j["indicators"]]' \
    "[('培训人次', [(2023, []), (2024, ['target_not_raised'])]), ('合格率', [(2023, []), (2024, [])]), ('满意度', [(2023, []), (2024, ['target_not_raised'])])]"
run J trend 甲局
expect_out_has "目标未提高（上年完成 120）"
run J trend 乙局 --project 没有
expect_rc 1 "trend of a project that does not exist"
expect_err_has "it has: 部门整体, 专项"

# ---- stats and sensitivity workbooks ----
# three groups (2023 and 2024 部门整体, 2024 项目): each its own sheets, never mixed
run J stats --out "$WORK/st3.xlsx"
expect_rc 0 "stats --out of three groups"
"$PY" - "$WORK/st3.xlsx" <<'PY' && _ok || _fail "stats --out: a set of sheets per group"
import sys, zipfile, re
wb = zipfile.ZipFile(sys.argv[1]).read("xl/workbook.xml").decode()
names = re.findall(r'<sheet name="([^"]+)"', wb)
want = [f"{s} {g}" for g in ("2023部门整体", "2024部门整体", "2024项目") for s in ("统计", "对象", "图表", "图表数据")]
assert names == want, names
PY
# one group: the sheets keep their plain names
run J stats --year 2024 --departments --out "$WORK/st.xlsx"
expect_rc 0 "stats --out of one group"
[ -s "$WORK/st.xlsx" ] && _ok || _fail "stats workbook written"
run J stats --out "$WORK/st.csv"
expect_rc 2 "stats --out wants .xlsx"
run J sensitivity --samples 50 --out "$WORK/se.xlsx"
expect_rc 0 "sensitivity --out"
[ -s "$WORK/se.xlsx" ] && _ok || _fail "sensitivity workbook written"
"$PY" - "$WORK/rv.xlsx" "$WORK/st.xlsx" "$WORK/se.xlsx" <<'PY' && _ok || _fail "workbooks hold their charts"
import sys, zipfile
want = {1: ["scatterChart"], 2: ["barChart", "barChart", "scatterChart"], 3: ["scatterChart"] * 3}
for k, path in enumerate(sys.argv[1:], 1):
    z = zipfile.ZipFile(path)
    charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
    kinds = [next(t for t in ("scatterChart", "barChart") if t in z.read(n).decode()) for n in charts]
    assert kinds == want[k], (path, kinds)
PY

# ---- generated data with known claims ----
G="$WORK/gen"
"$PY" "$TESTS/review/gen_claims.py" 60 "$G" 7
DB="$WORK/g.db"
for k in targets actuals budget; do J import "$k" "$G/$k.csv" >/dev/null 2>&1; done
run J score
expect_rc 0 "score generated data"
run J review --format json
printf '%s' "$OUT" >"$WORK/got.json"
"$PY" - "$G/expected.json" "$WORK/got.json" <<'PY' && _ok || _fail "review finds exactly the offsets above the threshold, and every indicator gap"
import json, sys
exp = json.load(open(sys.argv[1]))["review"]
got = json.load(open(sys.argv[2]))
seen = {f'{s["name"]}|{s["year"]}': s for s in got["subjects"]}
for key, e in exp.items():
    if not e["claims"]:
        assert key not in seen, key
        continue
    s = seen[key]
    if e.get("incomplete"):
        assert s["flags"] == ["claims_incomplete"] and s["claimed_total"] is None, (key, s)
    else:
        assert abs(s["claimed_total"] - e["claimed_total"]) < 1e-4, (key, s, e)
        assert abs(s["total"] - e["total"]) < 1e-9, (key, s["total"], e["total"])
        assert ("over_claimed" in s["flags"]) == e["over"], (key, s, e)
    gaps = [(i["level3"], round(i["gap"], 4)) for i in s["indicators"]]
    want = [(g[0], round(g[1], 4)) for g in e["gaps"]]
    assert sorted(gaps) == sorted(want), (key, gaps, want)
over = sum(1 for e in exp.values() if e.get("over"))
assert over == sum(1 for s in got["subjects"] if "over_claimed" in s["flags"]) and over >= 10, over
PY
run J sample --rate 0.3 --seed 11 --format json
S1=$OUT
run J sample --rate 0.3 --seed 11 --format json
[ "$OUT" = "$S1" ] && _ok || _fail "generated: sample reproducible for a seed"
printf '%s' "$OUT" >"$WORK/got.json"
"$PY" - "$G/expected.json" "$WORK/got.json" <<'PY' && _ok || _fail "generated: sample holds every over-claimer and draws from every quartile"
import json, sys
exp = json.load(open(sys.argv[1]))["review"]
got = json.load(open(sys.argv[2]))
over = {k for k, e in exp.items() if e.get("over")}
picked = {f'{s["name"]}|{s["year"]}': s for s in got["subjects"]}
assert over <= set(picked), over - set(picked)
assert all(picked[k]["reason"] == "over_claimed" for k in over)
assert {s["stratum"] for s in got["subjects"] if s["reason"] == "random"} == {"Q1", "Q2", "Q3", "Q4"}
assert got["selected"] == 36 == got["count"], got["selected"]
PY
run J sample --rate 0.3 --seed 12 --format json
[ "$OUT" != "$S1" ] && _ok || _fail "generated: another seed, another sample"
printf '部门编码,部门名称,项目名称,年度,三级指标,实际完成值\nR00013,复核测试第13号单位,,2024,数量指标1,1\n' >"$WORK/fix.csv"
run J import actuals "$WORK/fix.csv"
run J score
run J diff --format json
expect_py '[(s["name"], s["year"], [(i["level3"], i["actual_b"], i["why"]) for i in s["indicators"]]) for s in j["subjects"]]' \
    "[('复核测试第13号单位', 2024, [('数量指标1', '1', ['actual_reimported'])])]" "generated: diff lists exactly the corrected subject and indicator"
run J trend R00014 --format json
printf '%s' "$OUT" >"$WORK/got.json"
"$PY" - "$G/expected.json" "$WORK/got.json" <<'PY' && _ok || _fail "generated: trend lines up two years, targets not raised as expected"
import json, sys
exp = json.load(open(sys.argv[1]))["not_raised"]
got = json.load(open(sys.argv[2]))
assert [y["year"] for y in got["years"]] == [2023, 2024]
assert all(len(i["years"]) == 2 for i in got["indicators"]) and len(got["indicators"]) == 7
flagged = sorted([got["name"], y["year"], i["level3"]] for i in got["indicators"] for y in i["years"] if "target_not_raised" in y["flags"])
want = sorted(e for e in exp if e[0] == got["name"])
assert flagged == want and any(e[2] == "数量指标1" for e in want), (flagged, want)
PY

done_testing
