#!/usr/bin/env bash
# End-to-end: `jixiao rank`, `stats`, `whatif` and `sensitivity` on fixtures/demo.
# Expected numbers are the hand-worked totals of fixtures/README.md and the
# derivations in tests/test_whatif.c and tests/test_stats.c, rounded to 6 decimals.
source "$TESTS/cli/lib.sh"

DB="$WORK/a.db"
J() { "$JIXIAO" --db "$DB" "$@"; }

# a number from one-line JSON: num KEY (first occurrence), rounded to 6 decimals
num() { printf '%s\n' "$OUT" | grep -o "\"$1\":[-0-9.e+]*" | head -1 | cut -d: -f2 | awk '{ printf "%.6f\n", $1 }'; }

# no database yet: commands that only read refuse (and create nothing)
run J rank
expect_rc 1 "rank without a database"
expect_err_has "no database at $DB"
[ ! -e "$DB" ] && _ok || _fail "rank created $DB"
# before any run: a clear error
run J init
expect_err_has "creating a new database at $DB"
run J rank
expect_rc 1 "rank without a run"
expect_err_has "no scoring run yet"

for k in targets actuals budget; do
    run J import "$k" "$FIXTURES/demo/$k.csv"
    expect_rc 0 "import $k"
done
run J score
expect_rc 0 "score"

# ---- rank ----
# 2021 部门: 矫正中心 99.9, 石峰 98.5559, 如皋 94.2667; 2024 部门: 大竹 96.8979, 援助中心 77.1926; 2021 项目: 司法专项
run J rank --format json
expect_rc 0 "rank json"
OUT=$(printf '%s\n' "$OUT" | grep -o '"rank":[0-9]*,"code":"[^"]*","name":"[^"]*","project":"[^"]*","year":[0-9]*' |
    sed -E 's/"rank":([0-9]*),"code":"[^"]*","name":"([^"]*)","project":"([^"]*)","year":([0-9]*)/\1|\2|\3|\4/')
expect_out "1|株洲市石峰区社区矫正管理中心||2021
2|株洲市石峰区司法局||2021
3|如皋市司法局||2021
1|大竹县司法局||2024
2|大竹县法律援助中心||2024
1|株洲市石峰区司法局|司法专项|2021" "rank: departments and projects apart, each year apart"
run J rank --projects --format csv
expect_rc 0 "rank --projects"
expect_out "排名,部门编码,部门名称,项目,年度,总分,等级,组内
1,,株洲市石峰区司法局,司法专项,2021,89.19691358,良,1" "rank --projects csv"
run J rank --departments --projects
expect_rc 2 "--departments with --projects"

# ---- stats ----
# group by group, as ranked (tests/test_stats.c works the numbers): 2021 部门整体 n 3, mean
# 97.574189, weighted 95.107625; 2024 部门整体 n 2, mean 87.045259 (援助中心 77.19 is no outlier
# within its year); 2021 项目 n 1. Never the six mixed (mean 92.668333, one outlier).
run J stats --format json
expect_rc 0 "stats json"
ALL=$OUT
expect_out_has '{"run":1,"rules":"mof-2020","subjects":6,"groups":['
[ "$(printf '%s\n' "$ALL" | grep -c '^{"year":')" -eq 3 ] && _ok || _fail "stats: three groups" "$ALL"
OUT=$(printf '%s\n' "$ALL" | grep '^{"year":2021,"kind":"departments",')
[ "$(num n)" = "3.000000" ] && _ok || _fail "stats 2021 n 3" "$OUT"
[ "$(num mean)" = "97.574189" ] && _ok || _fail "stats 2021 mean 97.574189" "$(num mean)"
[ "$(num median)" = "98.555887" ] && _ok || _fail "stats 2021 median" "$(num median)"
[ "$(num weighted_mean)" = "95.107625" ] && _ok || _fail "stats 2021 weighted mean (全年预算数)" "$(num weighted_mean)"
[ "$(num spearman_budget)" = "1.000000" ] && _ok || _fail "stats 2021 spearman with 执行率" "$(num spearman_budget)"
expect_out_has '"grades":{"优":3}'
expect_out_has '"histogram":[0,0,0,0,0,0,0,0,0,3]'
expect_out_has '"flag_counts":{"missing_reason":2,"overshoot":1,"placeholder_target":0,"rescaled":1,"budget_mismatch":1,"all_full_marks":1'
OUT=$(printf '%s\n' "$ALL" | grep '^{"year":2024,"kind":"departments",')
[ "$(num n)" = "2.000000" ] && _ok || _fail "stats 2024 n 2" "$OUT"
[ "$(num mean)" = "87.045259" ] && _ok || _fail "stats 2024 mean 87.045259" "$(num mean)"
expect_out_has '"grades":{"优":1,"中":1}'
expect_out_has '"outliers":[]'
OUT=$(printf '%s\n' "$ALL" | grep '^{"year":2021,"kind":"projects",')
expect_out_has '"n":1,"mean":89.19691358'
expect_out_has '"sd":null'
run J stats --projects --format json
expect_rc 0 "stats of one subject"
expect_out_has '"subjects":1,"groups":['
expect_out_has '{"year":2021,"kind":"projects","n":1,'
run J stats --year 2024 --format csv
expect_rc 0 "stats --year csv"
expect_out_has "年度,类别,统计量,值,说明
2024,部门整体,n,2,subjects
2024,部门整体,mean,87.04525915,"
[ "$(printf '%s\n' "$OUT" | grep -vc '^2024,部门整体,')" -eq 1 ] && _ok || _fail "stats --year 2024: only that group (and the header)" "$OUT"
run J stats
expect_rc 0 "stats table"
expect_out_has "6 subjects · 3 groups (each year apart, 部门整体 apart from 项目)"
expect_out_has "== 2021 · 部门整体 · 3 subjects =="
expect_out_has "== 2024 · 部门整体 · 2 subjects =="
expect_out_has "== 2021 · 项目 · 1 subject =="
expect_out_has "weighted_mean"
run J stats --year 1999 --format json
expect_rc 0 "stats of nothing"
expect_out '{"run":1,"rules":"mof-2020","subjects":0,"groups":[
]}'

# ---- whatif ----
# 大竹's 全年审查涉法文件多少件 372 → 400 of ≥400: +0.35 → 97.247926
run J whatif --set "135:全年审查涉法文件多少件=400" --format json
expect_rc 0 "whatif --set"
line=$(printf '%s\n' "$OUT" | grep '"name":"大竹县司法局"')
OUT=$line
[ "$(num scenario)" = "97.247926" ] && _ok || _fail "whatif --set scenario total 97.247926" "$line"
[ "$(num delta)" = "0.350000" ] && _ok || _fail "whatif --set delta 0.35" "$line"
# the stored run is untouched
run J rank --format csv --year 2024
expect_out_has "1,135,大竹县司法局,部门整体,2024,96.89792571,优"

# daying-2022: 石峰 98.555887 − 50/9 = 93.000331 falls below 如皋; ρ = 29/35, τ = 11/15
run J whatif --rules daying-2022 --format json
expect_rc 0 "whatif --rules daying-2022"
ALL=$OUT
[ "$(num spearman)" = "0.828571" ] && _ok || _fail "whatif spearman 29/35" "$(num spearman)"
[ "$(num kendall)" = "0.733333" ] && _ok || _fail "whatif kendall 11/15" "$(num kendall)"
expect_out_has '"grade_changes":0,"rank_changes":2,"changed":3'
# group by group, as ranked: 2021 部门整体 ρ = 1/2, τ = 1/3; 2024 部门整体 ρ = τ = 1; the project alone
# (the correlations to 6 decimals: their last bits depend on the floating-point unit, valgrind's
# among them)
groups() { # the groups' year|kind|n|spearman|kendall|grade_changes|rank_changes|changed, 6 decimals
    printf '%s\n' "$ALL" | python3 -c 'import json,sys
f = lambda x: "null" if x is None else "%.6f" % x
for g in json.load(sys.stdin)["groups"]:
    print("|".join(str(v) for v in (g["year"], g["kind"], g["n"], f(g["spearman"]), f(g["kendall"]),
          g["grade_changes"], g["rank_changes"], g["changed"])))'
}
[ "$(groups)" = "2021|departments|3|0.500000|0.333333|0|2|2
2024|departments|2|1.000000|1.000000|0|0|1
2021|projects|1|null|null|0|0|0" ] && _ok || _fail "whatif groups" "$(groups)"
expect_out_has '"changed":1,"mean_abs_delta":2}'
expect_out_has '{"year":2021,"kind":"projects","n":1,"spearman":null,"kendall":null,'
OUT=$(printf '%s\n' "$ALL" | grep '"name":"株洲市石峰区司法局","project":""')
[ "$(num scenario)" = "93.000331" ] && _ok || _fail "石峰 under daying 93.000331" "$OUT"
expect_out_has '"baseline_rank":2,"scenario_rank":3,"delta_rank":1'
# --changed: only 如皋 (rank), 石峰 (total and rank), 大竹 (total); the summaries still of all six
run J whatif --rules daying-2022 --changed --format csv
expect_rc 0 "whatif --changed"
expect_out "部门编码,部门名称,项目,年度,基准,情景,Δ,基准排名,情景排名,Δ排名,等级
,如皋市司法局,部门整体,2021,94.26667997,94.26667997,0,3,2,-1,优
,株洲市石峰区司法局,部门整体,2021,98.55588697,93.00033142,-5.555555556,2,3,+1,优
135,大竹县司法局,部门整体,2024,96.89792571,92.89792571,-4,1,1,0,优" "whatif --changed csv"
run J whatif --rules daying-2022 --changed
expect_out_has "ranked within 3 groups (each year apart, 部门整体 apart from 项目)"
expect_out_has "3 of 6 subjects changed total, rank or grade"
expect_out_has "2021 · 部门整体: 3 subjects · Spearman ρ 0.5000 · Kendall τ-b 0.3333 · grade changes 0 · rank changes 2"
expect_out_has "2021 · 项目: 1 subject · Spearman ρ — · Kendall τ-b —"
expect_out_has "all: 6 subjects · Spearman ρ 0.8286 · Kendall τ-b 0.7333 (totals compared across groups)"
case "$OUT" in *矫正管理中心*) _fail "--changed lists an unchanged subject" "$OUT" ;; *) _ok ;; esac
run J whatif --rules daying-2022 --changed --format json
expect_out_has '"only_changed":true'
[ "$(printf '%s\n' "$OUT" | grep -c '^{"code"')" -eq 3 ] && _ok || _fail "--changed json: 3 subjects" "$OUT"
# nothing changed: no row, and the count says so
run J whatif --year 2024 --set "135:全年审查涉法文件多少件=372" --changed --format csv
expect_rc 0 "whatif --changed, nothing changed"
expect_out "部门编码,部门名称,项目,年度,基准,情景,Δ,基准排名,情景排名,Δ排名,等级"

# weights: 产出指标=60, 预算执行率=20 → 大竹 97.049416, 援助中心 76.292593 (test_whatif.c)
run J whatif --weight 产出指标=60 --weight 预算执行率=20 --year 2024 --departments --save w60 --format json
expect_rc 0 "whatif --weight --save"
expect_err_has 'scenario "w60" saved'
SAVED=$OUT
OUT=$(printf '%s\n' "$SAVED" | grep '"name":"大竹县司法局"')
[ "$(num scenario)" = "97.049416" ] && _ok || _fail "大竹 with 产出 60, budget 20" "$OUT"
OUT=$(printf '%s\n' "$SAVED" | grep '"name":"大竹县法律援助中心"')
[ "$(num scenario)" = "76.292593" ] && _ok || _fail "援助中心 with 产出 60, budget 20" "$OUT"
run J whatif --set "株洲市石峰区司法局/司法专项:开展普法宣传=10场次" --rules daying-2022 --save sets --format csv
expect_rc 0 "whatif --set --save"
# --list shows what each scenario contains: rule sets, subjects, weights, sets
run J whatif --list --format csv
expect_rc 0 "whatif --list"
expect_out "name,saved (UTC),baseline rules,scenario rules,subjects,weights,sets
sets,$(printf '%s\n' "$OUT" | sed -n 2p | cut -d, -f2),(default),daying-2022,all,,株洲市石峰区司法局/司法专项:开展普法宣传=10场次
w60,$(printf '%s\n' "$OUT" | sed -n 3p | cut -d, -f2),(default),(baseline's),departments 2024,\"产出指标=60, 预算执行率=20\"," "whatif --list csv"
run J whatif --list
expect_out_has "产出指标=60, 预算执行率=20"
run J whatif --load w60 --format json
expect_rc 0 "whatif --load"
expect_out "$SAVED" "a saved scenario re-runs to the same result, on the subjects it was saved with"
run J whatif --load w60 --year 2021 --format json
expect_rc 0 "whatif --load with another selection"
expect_out_has '"name":"株洲市石峰区司法局","project":"司法专项"'
run J whatif --list --format json
expect_out_has '"name":"w60"'
expect_out_has '"year":2024,"kind":"departments","weights":{"产出指标":60,"预算执行率":20},"sets":[]}'
expect_out_has '"rules":"daying-2022","year":0,"kind":"all","weights":{},"sets":[{"dept":"株洲市石峰区司法局","project":"司法专项","level3":"开展普法宣传","value":"10场次"}]}'
run J whatif --load nosuch
expect_rc 1 "whatif --load of an unknown name"
expect_err_has 'no saved scenario named "nosuch"'
# --delete: gone from the list and from --load, kept in the store (marked replaced)
run J whatif --delete sets
expect_rc 0 "whatif --delete"
expect_err_has 'scenario "sets" deleted'
run J whatif --list --format csv
case "$OUT" in *sets,*) _fail "--list still shows a deleted scenario" "$OUT" ;; *) _ok ;; esac
expect_out_has "w60,"
run J whatif --load sets
expect_rc 1 "--load of a deleted scenario"
run J whatif --delete sets
expect_rc 1 "--delete of a deleted scenario"
expect_err_has 'no saved scenario named "sets"'
run J whatif --delete w60 --list
expect_rc 2 "--delete with --list"
run J whatif --delete w60 --weight 产出指标=50
expect_rc 2 "--delete with a scenario option"
run J whatif --list --format json
expect_out_has '"name":"w60"'

# bad scenarios
run J whatif --set "135:全年审查涉法文件多少件"
expect_rc 2 "--set without a value"
expect_err_has "no '='"
run J whatif --set "不存在:x=1"
expect_rc 1 "--set of an unknown department"
expect_err_has "不存在"
run J whatif --set "135:全年审查涉法文件多少件=很多"
expect_rc 1 "--set with a value of the wrong kind"
expect_err_has "全年审查涉法文件多少件"
run J whatif --weight 产出指标=-5
expect_rc 2 "negative weight"
run J whatif --weight 不存在的一级=5
expect_rc 1 "unknown level 1"
expect_err_has "不存在的一级"
# every level 1 and the budget at 0: nothing left to score (not totals of 0 graded 差)
run J whatif --weight 产出指标=0 --weight 效益指标=0 --weight 满意度指标=0 --weight 预算执行率=0
expect_rc 1 "all-zero weights"
expect_err_has "nothing to score"
expect_out ""
run J whatif --format xml
expect_rc 2 "whatif --format xml"
expect_err_has "--format must be table, csv, json or excel"

# ---- sensitivity ----
run J sensitivity --samples 400 --spread 0.3 --rules mof-2020,daying-2022 --seed 9 --format json
expect_rc 0 "sensitivity"
FIRST=$OUT
expect_out_has '"samples":400,"spread":0.3,"seed":9,"rules":["mof-2020","daying-2022"]'
expect_out_has '"规则集":'
run J sensitivity --samples 400 --spread 0.3 --rules mof-2020,daying-2022 --seed 9 --format json --threads 1
expect_rc 0 "sensitivity, one thread"
[ "$(printf '%s' "$OUT" | sed 's/"threads":[0-9]*//')" = "$(printf '%s' "$FIRST" | sed 's/"threads":[0-9]*//')" ] &&
    _ok || _fail "same seed, other thread count: same output"
run J sensitivity --samples 400 --spread 0.3 --rules mof-2020,daying-2022 --seed 10 --format json
[ "$OUT" != "$FIRST" ] && _ok || _fail "another seed gives another output"
# zero spread: every percentile is the nominal rank
run J sensitivity --samples 50 --spread 0 --format json
expect_rc 0 "sensitivity --spread 0"
bad=$(printf '%s\n' "$OUT" | grep '"nominal_rank"' |
    sed -E 's/.*"nominal_rank":([0-9]+),"rank_mean":([0-9.]+),"rank_median":([0-9.]+),"rank_p5":([0-9.]+),"rank_p95":([0-9.]+).*/\1 \2 \3 \4 \5/' |
    awk '$1 != $2 || $1 != $3 || $1 != $4 || $1 != $5' | wc -l)
[ "$bad" -eq 0 ] && _ok || _fail "spread 0 reproduces the nominal ranks" "$OUT"
expect_out_has '"mean_abs_shift":0'
run J sensitivity --samples 20
expect_rc 0 "sensitivity table"
expect_out_has "ranked within 3 groups (each year apart, 部门整体 apart from 项目)"
expect_out_has "jixiao sensitivity --samples 20 --spread 0.1 --seed 1 --rules mof-2020 --mode scale"
expect_out_has "mean absolute rank shift"
run J sensitivity --samples 0
expect_rc 2 "--samples 0"
run J sensitivity --spread -1
expect_rc 2 "negative spread"
run J sensitivity --rules nosuch
expect_rc 1 "unknown rule set"

# ---- ties: a copy of 大竹县司法局 under another name and code ties with it: 1, 1, 3 ----
for k in targets actuals budget; do
    sed 's/^135,大竹县司法局,/136,大竹县司法局乙,/' "$FIXTURES/dazhu-2024/$k.csv" >"$WORK/$k.csv"
    run J import "$k" "$WORK/$k.csv"
    expect_rc 0 "import copy $k"
done
run J score
run J rank --year 2024 --format csv
expect_out "排名,部门编码,部门名称,项目,年度,总分,等级,组内
1,135,大竹县司法局,部门整体,2024,96.89792571,优,3
1,136,大竹县司法局乙,部门整体,2024,96.89792571,优,3
3,135001,大竹县法律援助中心,部门整体,2024,77.19259259,中,3" "competition ranks with a tie"
# a --set on the copy breaks the tie
run J whatif --year 2024 --set "136:全年审查涉法文件多少件=400" --format csv
expect_rc 0 "whatif breaks a tie"
expect_out_has "136,大竹县司法局乙,部门整体,2024,96.89792571,97.24792571,0.35"

for cmd in rank stats whatif sensitivity; do
    run "$JIXIAO" "$cmd" --help
    expect_rc 0 "$cmd --help"
    expect_out_has "usage: jixiao"
done

done_testing
