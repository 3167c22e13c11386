#!/usr/bin/env bash
# make demo: the main job on the bundled multi-department fixture (fixtures/demo:
# real targets from three published 绩效目标表, invented actuals and budget).
set -euo pipefail
JIXIAO=${1:-build/jixiao}
cd "$(dirname "$0")/.."
echo "== jixiao evaluate on fixtures/demo (targets real, actuals and budget invented; see fixtures/README.md)"
echo
OUT="$(dirname "$JIXIAO")/demo-自评表.xlsx"
"$JIXIAO" evaluate --targets fixtures/demo/targets.csv --actuals fixtures/demo/actuals.csv \
    --budget fixtures/demo/budget.csv --out "$OUT"
echo
echo "== one department in detail: jixiao evaluate ... --show (大竹县司法局)"
echo
"$JIXIAO" --db "${TMPDIR:-/tmp}/jixiao-demo.$$.db" evaluate --targets fixtures/dazhu-2024/targets.csv \
    --actuals fixtures/dazhu-2024/actuals.csv --budget fixtures/dazhu-2024/budget.csv --show | sed -n '/^135 /,$p'
rm -f "${TMPDIR:-/tmp}/jixiao-demo.$$.db"*
