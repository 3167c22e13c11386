#!/usr/bin/env bash
# make bench: time every stage of jixiao on generated data and print one table.
#
#   bench/bench.sh BUILD_DIR            sizes 1,000 and 10,000 subjects
#   SIZE=large bench/bench.sh BUILD_DIR also 100,000 subjects
#   SIZES="2000 5000" bench/bench.sh …  any sizes
#
# BUILD_DIR holds a Release build (jixiao, jixiao-gen, jixiao-timeit,
# jixiao-bench-score). Data goes to $BENCH_DIR (default a temporary directory,
# removed at the end). Each goal (issues 8 and 19, docs/performance.md) is
# checked in the same run as its reference: the sqlite3 shell's .import for
# import, the pandas peer (../shared/peer/score_ref.py; `make bench` installs
# python3-pandas and python3-xlsxwriter for it) for evaluate's JSON and
# workbooks, on PEER_SIZE (default 4,000) subjects of the peer's own generator.
set -euo pipefail
B=$(cd "${1:?usage: bench.sh BUILD_DIR}" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
J="$B/jixiao" GEN="$B/jixiao-gen" T="$B/jixiao-timeit" ENG="$B/jixiao-bench-score"
PEER_DIR=${PEER_DIR:-$ROOT/../shared/peer}
export JIXIAO_RULES="$ROOT/rules"

sizes=${SIZES:-"1000 10000"}
peer_size=${PEER_SIZE:-4000}
[ "${SIZE:-}" = large ] && sizes="$sizes 100000"
work=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/jixiao-bench.XXXXXX")}
[ -z "${BENCH_DIR:-}" ] && trap 'rm -rf "$work"' EXIT
mkdir -p "$work"

rows=() # the table, one line per measurement: stage|size|items|unit|seconds|rss_kib|goal|verdict
log() { printf '%s\n' "$*" >&2; }
# measure CMD...: run under jixiao-timeit, stdout to $work/.out; sets SEC and RSS
measure() {
  local out="$work/.t"
  if ! "$T" "$out" "$@" >"$work/.out" 2>"$work/.err"; then
    log "bench: failed: $*"; cat "$work/.err" >&2; exit 1
  fi
  read -r SEC RSS <"$out"
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
add() { rows+=("$1|$2|$3|$4|$5|$6|$7|$8"); }
verdict() { if ge "$1" "$2"; then echo ok; else echo MISSED; fi; }
le_verdict() { if ge "$2" "$1"; then echo ok; else echo MISSED; fi; }

have_pandas=false
if [ -f "$PEER_DIR/score_ref.py" ] && /usr/bin/python3 -c 'import pandas, xlsxwriter' 2>/dev/null; then have_pandas=true; fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# sheets a workbook run reports on stderr: "wrote F: 1 workbook, S sheets, ..."
sheets_of() { sed -n 's/.* \([0-9][0-9]*\) sheets, .*/\1/p' "$work/.err" | tail -1; }
has_cmd() { "$J" --help 2>/dev/null | grep -q "^  $1 "; }

for n in $sizes; do
  d="$work/$n"
  log "bench: generating $n subjects"
  "$GEN" "$n" "$d"
  ind=$((n * 25))
  db="$d/jixiao.db"
  rm -f "$db" "$db"-*

  log "bench: import ($n subjects, $ind indicator rows)"
  measure "$J" --db "$db" import targets "$d/targets.csv"
  t_rate=$(rate "$ind" "$SEC"); t_sec=$SEC; t_rss=$RSS
  measure "$J" --db "$db" import actuals "$d/actuals.csv"
  a_rate=$(rate "$ind" "$SEC"); a_sec=$SEC; a_rss=$RSS
  measure "$J" --db "$db" import budget "$d/budget.csv"
  rm -f "$d/raw.db"
  measure sqlite3 "$d/raw.db" ".mode csv" ".import '$d/targets.csv' t"
  s_rate=$(rate "$ind" "$SEC")
  add "sqlite3 .import targets (reference)" "$n" "$ind" "rows" "$SEC" "$RSS" "-" "-"
  # issue 19: at least the shell's bare insert of the same rows (one row per indicator)
  x=$(ratio "$t_rate" "$s_rate")
  add "import targets" "$n" "$ind" "rows" "$t_sec" "$t_rss" "≥ 1× .import: ${x}×" "$(verdict "$x" 1)"
  add "import actuals" "$n" "$ind" "rows" "$a_sec" "$a_rss" "(.import: $(ratio "$a_rate" "$s_rate")×)" "-"

  log "bench: scoring"
  line=$("$ENG" "$d" "$ROOT/rules" 1)
  e_rate=$(sed 's/.*indicators_per_s=\([0-9]*\).*/\1/' <<<"$line")
  e_sec=$(sed 's/.*seconds=\([0-9.]*\).*/\1/' <<<"$line")
  e_items=$(awk -v r="$e_rate" -v s="$e_sec" 'BEGIN { printf "%.0f", r * s }')
  add "score, engine alone" "$n" "$e_items" "indicators" "$e_sec" "-" "≥ 5000000 ind/s" "$(verdict "$e_rate" 5000000)"
  measure "$J" --db "$db" score --format csv
  add "score, stored (jixiao score)" "$n" "$ind" "indicators" "$SEC" "$RSS" "≥ 500000 ind/s (#8)" "$(verdict "$(rate "$ind" "$SEC")" 500000)"

  log "bench: evaluate"
  measure "$J" evaluate --targets "$d/targets.csv" --actuals "$d/actuals.csv" --budget "$d/budget.csv" --format csv
  add "evaluate, no workbook" "$n" "$ind" "indicators" "$SEC" "$RSS" "≤ 512 MiB" "$(le_verdict "$RSS" 524288)"
  measure "$J" evaluate --targets "$d/targets.csv" --actuals "$d/actuals.csv" --budget "$d/budget.csv" --format json
  add "evaluate --format json" "$n" "$ind" "indicators" "$SEC" "$RSS" "-" "-"

  if has_cmd export; then
    log "bench: export"
    rm -rf "$d/xlsx"
    measure "$J" --db "$db" export xlsx --split "$d/xlsx"
    # the export reports "wrote DIR: W workbooks, S sheets, N subjects, C cells in T s (...)"
    cells=$(sed -n 's/.* \([0-9][0-9]*\) cells in .*/\1/p' "$work/.out" | tail -1)
    cells=${cells:-0}
    add "export xlsx --split" "$n" "$cells" "cells" "$SEC" "$RSS" "≥ 1000000 cells/s (#8)" "$(verdict "$(rate "$cells" "$SEC")" 1000000)"
    rm -rf "$d/xlsx"
    if [ "$n" -le 10000 ]; then
      # the goal (≤ 5 s at 10k, workbooks included) by either layout: one workbook, or --split
      goal=5; [ "$n" -ne 10000 ] && goal=-
      measure "$J" evaluate --targets "$d/targets.csv" --actuals "$d/actuals.csv" --budget "$d/budget.csv" \
        --format csv --split "$d/xlsx"
      v=-; [ "$goal" = 5 ] && v=$(le_verdict "$SEC" 5)
      add "evaluate --split (workbooks)" "$n" "$ind" "indicators" "$SEC" "$RSS" "${goal/5/≤ 5 s (#8)}" "$v"
      rm -rf "$d/xlsx"
      measure "$J" evaluate --targets "$d/targets.csv" --actuals "$d/actuals.csv" --budget "$d/budget.csv" \
        --format csv --out "$d/all.xlsx"
      v=-; [ "$goal" = 5 ] && v=$(le_verdict "$SEC" 5)
      add "evaluate --out (one workbook)" "$n" "$ind" "indicators" "$SEC" "$RSS" "${goal/5/≤ 5 s (#8)}" "$v"
      rm -f "$d/all.xlsx"
    else
      measure "$J" evaluate --targets "$d/targets.csv" --actuals "$d/actuals.csv" --budget "$d/budget.csv" \
        --format csv --split "$d/xlsx"
      add "evaluate --split" "$n" "$ind" "indicators" "$SEC" "$RSS" "≤ 60 s" "$(le_verdict "$SEC" 60)"
      rm -rf "$d/xlsx"
    fi
  fi

  rm -f "$db" "$db"-* "$d/raw.db"
done

# issue 19: evaluate's JSON and workbooks against the pandas peer, on the peer's own data
if $have_pandas; then
  n=$peer_size p="$work/peer"
  log "bench: pandas peer ($n subjects of its own generator; the same files for both)"
  /usr/bin/python3 "$PEER_DIR/gen.py" "$n" "$p" 3 >/dev/null
  files=(--targets "$p/targets.csv" --actuals "$p/actuals.csv" --budget "$p/budget.csv")
  ind=$((n * 25))
  measure "$J" evaluate "${files[@]}" --format json
  j_sec=$SEC
  add "evaluate --format json (peer data)" "$n" "$ind" "indicators" "$SEC" "$RSS" "-" "-"
  measure /usr/bin/python3 "$PEER_DIR/score_ref.py" "$p/targets.csv" "$p/actuals.csv" "$p/budget.csv" --json "$p/peer.json"
  x=$(ratio "$SEC" "$j_sec")
  add "pandas peer --json (reference)" "$n" "$ind" "indicators" "$SEC" "$RSS" "jixiao ≥ 50×: ${x}×" "$(verdict "$x" 50)"
  # per sheet: the whole run over the sheets written (jixiao: one per subject, 汇总 and 统计图;
  # the peer: 排名 and its first 200 departments)
  measure "$J" evaluate "${files[@]}" --format csv --out "$p/all.xlsx"
  j_sec=$SEC j_sheets=$(sheets_of)
  add "evaluate --out, per sheet (peer data)" "$n" "$j_sheets" "sheets" "$SEC" "$RSS" "-" "-"
  measure /usr/bin/python3 "$PEER_DIR/score_ref.py" "$p/targets.csv" "$p/actuals.csv" "$p/budget.csv" --xlsx "$p/peer.xlsx"
  p_sheets=$(( (n < 200 ? n : 200) + 1 ))
  x=$(awk -v ps="$SEC" -v pn="$p_sheets" -v js="$j_sec" -v jn="$j_sheets" 'BEGIN { printf "%.0f", (ps / pn) / (js / jn) }')
  add "pandas peer --xlsx, per sheet (ref.)" "$n" "$p_sheets" "sheets" "$SEC" "$RSS" "jixiao ≥ 100×: ${x}×" "$(verdict "$x" 100)"
  rm -rf "$p"
fi

if has_cmd sensitivity; then
  n=3000 d="$work/sens"
  log "bench: sensitivity (3,000 subjects, 10,000 samples)"
  "$GEN" "$n" "$d"
  db="$d/jixiao.db"
  "$J" --db "$db" import targets "$d/targets.csv" >/dev/null
  "$J" --db "$db" import actuals "$d/actuals.csv" >/dev/null
  "$J" --db "$db" import budget "$d/budget.csv" >/dev/null
  "$J" --db "$db" score >/dev/null
  measure "$J" --db "$db" sensitivity --samples 10000 --seed 1 --format csv
  add "sensitivity 10,000 samples" "$n" 10000 "samples" "$SEC" "$RSS" "≤ 2 s" "$(le_verdict "$SEC" 2)"
fi
$have_pandas || log "bench: pandas peer skipped (scripts/deps.sh bench installs python3-pandas and python3-xlsxwriter)"

printf '\njixiao %s · %s · %s cores\n\n' "$("$J" --version | cut -d' ' -f2)" "$(uname -m)" "$(nproc)"
printf '%-36s %8s %10s %-10s %8s %12s %9s  %-26s %s\n' stage subjects items unit seconds rate "peak MiB" goal ""
for r in "${rows[@]}"; do
  IFS='|' read -r stage size items unit sec rss goal v <<<"$r"
  rt=$(rate "$items" "$sec")
  mib=-; [ "$rss" != - ] && mib=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
  printf '%-36s %8s %10s %-10s %8.3f %12s %9s  %-26s %s\n' "$stage" "$size" "$items" "$unit" "$sec" "$rt/s" "$mib" "$goal" "$v"
done
