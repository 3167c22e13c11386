#!/usr/bin/env bash
# End-to-end: the corpus of real, published, filled-in 自评表 (fixtures/published/, issue 16
# item 7). Every source is evaluated from its three CSVs and each indicator's points are compared
# with the 得分 the department published (published.json, matched by 三级指标). One line per
# source: "NN-name: k/n indicators agree, total jixiao X vs published Y".
#
# The expected state lives in the table between the `floors:begin` / `floors:end` markers of
# fixtures/published/README.md (columns: source | status | indicators | agreeing | floor):
#   status `scores`  - the source must import and score (exit 0) and at least `floor` of its
#                      indicators must agree with the published points;
#   status `refused` - jixiao refuses the source today (a value string the grammar does not read
#                      yet, or a run that stops); the test reports the reason and passes. When
#                      such a source starts to score, the test says so (tighten the table then).
# A folder without a row, or a row without a folder, fails. Update the table, not this script.
source "$TESTS/cli/lib.sh"
export JIXIAO_RULES="$RULES"
PUB=$FIXTURES/published
README=$PUB/README.md
PY=${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}
if ! command -v "$PY" >/dev/null 2>&1; then
    echo "SKIP: python3 is needed to compare the JSON output with published.json"
    exit 0
fi

# ---- 1. evaluate every source; keep stdout, stderr and the status ----
n=0
for d in "$PUB"/[0-9][0-9]-*/; do
    d=${d%/}
    name=${d##*/}
    n=$((n + 1))
    for f in targets.csv actuals.csv published.json source.txt; do
        [ -f "$d/$f" ] && _ok || _fail "$name: $f is missing"
    done
    args=(--targets "$d/targets.csv" --actuals "$d/actuals.csv")
    [ -f "$d/budget.csv" ] && args+=(--budget "$d/budget.csv")
    "$JIXIAO" evaluate "${args[@]}" --format json >"$WORK/$name.out" 2>"$WORK/$name.err"
    echo $? >"$WORK/$name.rc"
done
[ "$n" -ge 10 ] && _ok || _fail "the corpus holds $n sources (at least 10 expected)"

# ---- 2. compare with published.json and the README table ----
cat >"$WORK/compare.py" <<'PY'
import json, math, os, re, sys

pub_dir, work, readme = sys.argv[1:4]

def table(path):
    """The floors table of the README: {source: (status, floor)}."""
    text = open(path, encoding="utf-8").read()
    m = re.search(r"<!-- floors:begin -->(.*?)<!-- floors:end -->", text, re.S)
    if not m:
        print("FAIL README.md has no floors table (<!-- floors:begin --> ... <!-- floors:end -->)")
        return {}
    rows = {}
    for line in m.group(1).splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or not re.match(r"\d\d-", cells[0]):
            continue
        floor = int(cells[4]) if cells[4].isdigit() else 0
        rows[cells[0]] = (cells[1], floor)
    return rows

def rounded(x, rule):
    e = 1e-9
    return {"floor0": math.floor(x + e), "round0": math.floor(x + 0.5 + e),
            "floor1": math.floor(x * 10 + e) / 10, "round1": math.floor(x * 10 + 0.5 + e) / 10}.get(rule)

def num(x):
    return "—" if x is None else ("%.2f" % x).rstrip("0").rstrip(".")

rows = table(readme)
names = sorted(n for n in os.listdir(pub_dir) if re.match(r"\d\d-", n) and os.path.isdir(os.path.join(pub_dir, n)))
for name in sorted(set(rows) - set(names)):
    print("FAIL %s: in the README table but there is no such folder" % name)
for name in names:
    if name not in rows:
        print("FAIL %s: no row in the README floors table" % name)
        continue
    status, floor = rows[name]
    pub = json.load(open(os.path.join(pub_dir, name, "published.json"), encoding="utf-8"))
    rc = int(open(os.path.join(work, name + ".rc")).read())
    err = open(os.path.join(work, name + ".err"), encoding="utf-8").read().strip().splitlines()
    wanted = [i for i in pub["indicators"] if i["points"] is not None]
    if rc != 0:
        why = err[0] if err else "exit status %d" % rc
        why = why.replace(pub_dir + "/", "")
        if status == "refused":
            print("OK %s: refused today (as recorded): %s" % (name, why))
        else:
            print("FAIL %s: does not import/score (exit %d): %s" % (name, rc, why))
        continue
    subj = json.load(open(os.path.join(work, name + ".out"), encoding="utf-8"))["departments"]
    subj = [s for s in subj if s["name"] == pub["department"] and s["project"] == pub["project"]]
    if len(subj) != 1:
        print("FAIL %s: jixiao printed no subject %s / %s" % (name, pub["department"], pub["project"]))
        continue
    s = subj[0]
    by3 = {}
    for i in s["indicators"]:
        by3.setdefault(i["level3"], []).append(i)
    rule = pub.get("rounding", "none")
    agree = after_rounding = 0
    notes = []
    for p in wanted:
        cand = [i for i in by3.get(p["level3"], []) if i["level1"] == p["level1"] and i["level2"] == p["level2"]]
        cand = cand or by3.get(p["level3"], [])
        if len(cand) != 1:
            notes.append("%s: not found in jixiao's output" % p["level3"])
            continue
        j = cand[0]["points"] if cand[0]["scored"] else None
        if j is not None and abs(j - p["points"]) <= 0.01:
            agree += 1
        elif j is not None and rounded(j, rule) is not None and abs(rounded(j, rule) - p["points"]) < 1e-9:
            agree += 1
            after_rounding += 1
        else:
            notes.append("%s: jixiao %s vs published %s" % (p["level3"], "n/a" if j is None else num(j), num(p["points"])))
    line = "%s: %d/%d indicators agree" % (name, agree, len(wanted))
    if after_rounding:
        line += " (%d after the department's rounding, %s)" % (after_rounding, rule)
    line += ", total jixiao %s vs published %s" % (num(s["total"]), num(pub["total"]))
    b = s.get("budget")
    if pub.get("budget_points") is not None or b:
        line += "; budget line jixiao %s vs published %s" % (num(b["points"]) if b else "—", num(pub.get("budget_points")))
    if status == "refused":
        print("OK %s — NOTE: recorded as refused, now scores: tighten the README table" % line)
    elif agree < floor:
        print("FAIL %s — below the floor of %d" % (line, floor))
    else:
        print("OK %s" % line)
    for t in notes:
        print("INFO     %s" % t)
PY
if "$PY" "$WORK/compare.py" "$PUB" "$WORK" "$README" >"$WORK/compare.txt" 2>&1; then
    _ok
else
    _fail "compare.py crashed" "$(cat "$WORK/compare.txt")"
fi
while IFS= read -r line; do
    case $line in
        "OK "*) echo "${line#OK }"; _ok ;;
        "FAIL "*) _fail "${line#FAIL }" ;;
        "INFO "*) echo "${line#INFO }" ;;
        *) _fail "compare.py: $line" ;;
    esac
done <"$WORK/compare.txt"
done_testing
