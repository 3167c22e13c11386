#!/usr/bin/python3
"""gen_claims.py N DIR [SEED] - departments that score themselves, for the 复核 tests and timings.

Writes DIR/targets.csv, actuals.csv and budget.csv for N departments (部门整体) in two years,
2023 and 2024, and DIR/expected.json: what `jixiao review` and `jixiao trend` must find.

Every department has the same seven indicators with weights given (90 points) and a budget line
(10 points, mof-2020), so the rule points are worked out here independently of jixiao, with the
mof-2020 formulas (>=: a/t, <=: t/a, word target: 达成 1, 基本… 0.7; budget 10 × min(1, 执行率)).
The claims (自评得分, one per indicator and one for the budget line) are those points plus known
offsets, by department number d (both years alike):
  d % 10 == 0  8 points more, spread over the first indicators that fall short of their weight
               (capped at the weight): over_claimed when the gap exceeds 5 points
  d % 10 == 3  +2 on 合格率 (capped): over_claimed only if the claimed grade is higher
  d % 10 == 5  exact claims, but a 自评总分 6 points above the rule total (at most 100)
  d % 10 == 7  −3 on 满意度 (an under-claim: a gap, never a flag)
  d % 20 == 9  no claims at all
  d % 20 == 19 exact claims with the 满意度 claim left blank: claims_incomplete
  others       exact claims (no gap)
Count targets of 2024 are the 2023 actuals × 1.1, rounded up, except for d % 7 == 0, whose
数量指标1 target is the 2023 actual × 0.9 (rounded down): target_not_raised; the rate and cost
targets are drawn afresh, and expected.json lists every one at or below (≤ targets: at or above)
the 2023 actual.
"""
import json, math, os, random, sys

L1W = [("产出指标", "数量指标", "数量指标1", 20), ("产出指标", "数量指标", "服务人次", 15),
       ("产出指标", "质量指标", "合格率", 10), ("产出指标", "成本指标", "单位成本", 10),
       ("效益指标", "社会效益指标", "受益人口", 15), ("效益指标", "可持续影响指标", "长效机制", 10),
       ("满意度指标", "服务对象满意度指标", "满意度", 10)]


def grade(total):
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


def indicators(r, d, year, prev):
    """(level1, level2, level3, target text, actual text, weight, points, target number, actual)"""
    out = []
    for l1, l2, l3, w in L1W:
        if l3 in ("数量指标1", "服务人次", "受益人口"):
            unit = {"数量指标1": "件", "服务人次": "人次", "受益人口": "人"}[l3]
            if prev is None:
                t = r.randint(50, 5000)
            elif l3 == "数量指标1" and d % 7 == 0:
                t = math.floor(prev[l3] * 0.9)
            else:
                t = math.ceil(prev[l3] * 1.1)
            a = max(1, int(t * r.uniform(0.75, 1.25)))
            out.append((l1, l2, l3, f"≥{t}{unit}", f"{a}", w, w * min(1, a / t), t, a))
        elif l3 in ("合格率", "满意度"):
            t = r.choice([90, 95, 98]) if l3 == "合格率" else 90
            a = round(t * r.uniform(0.9, 1.02), 1)
            a = min(a, 100.0)
            out.append((l1, l2, l3, f"≥{t}%", f"{a}%", w, w * min(1, a / t), t, a))
        elif l3 == "单位成本":
            t = round(r.uniform(10, 500), 2)
            a = round(t * r.uniform(0.85, 1.15), 2)
            out.append((l1, l2, l3, f"≤{t}万元", f"{a}万元", w, w * min(1, t / a), t, a))
        else:
            a = r.choice(["健全", "健全", "基本健全"])
            out.append((l1, l2, l3, "健全", a, w, w * (1 if a == "健全" else 0.7), None, None))
    return out


def claims_for(d, inds):
    """claims per indicator (None: blank) and the claimed total given (None: not given)"""
    claims = [x[6] for x in inds]
    names = [x[2] for x in inds]
    weights = [x[5] for x in inds]

    def add(name, off):
        i = names.index(name)
        claims[i] = min(weights[i], claims[i] + off) if off > 0 else claims[i] + off
    if d % 20 == 9:
        return [None] * len(inds), None, False
    if d % 10 == 0:  # 8 points more, where the weights leave room
        left = 8.0
        for i in range(len(claims)):
            room = min(left, weights[i] - claims[i])
            claims[i] += room
            left -= room
    elif d % 10 == 3:
        add("合格率", 2)
    elif d % 10 == 7:
        add("满意度", -3)
    if d % 20 == 19:
        claims[names.index("满意度")] = None
    return claims, None, True


def main(n, out, seed=1):
    r = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    exp = {"review": {}, "not_raised": [], "threshold": 5}
    t = open(f"{out}/targets.csv", "w")
    a = open(f"{out}/actuals.csv", "w")
    b = open(f"{out}/budget.csv", "w")
    t.write("部门编码,部门名称,项目名称,年度,一级指标,二级指标,三级指标,指标值,分值\n")
    a.write("部门编码,部门名称,项目名称,年度,三级指标,实际完成值,偏差原因分析及改进措施,自评得分\n")
    b.write("部门编码,部门名称,项目名称,年度,年初预算数,全年预算数,全年执行数,自评得分,自评总分\n")
    for d in range(n):
        code, name = f"R{d:05d}", f"复核测试第{d}号单位"
        prev = None
        for year in (2023, 2024):
            inds = indicators(r, d, year, prev)
            bud = round(r.uniform(100, 5000), 2)
            spent = round(bud * r.uniform(0.7, 1.0), 2)
            bpts = 10 * min(1, spent / bud)
            claims, _, any_claim = claims_for(d, inds)
            rule_total = sum(x[6] for x in inds) + bpts
            given = min(100.0, rule_total + 6) if d % 10 == 5 else None
            for (l1, l2, l3, tv, av, w, p, tn, an), c in zip(inds, claims):
                t.write(f"{code},{name},,{year},{l1},{l2},{l3},{tv},{w}\n")
                cs = "" if c is None else f"{c:.6f}"
                a.write(f"{code},{name},,{year},{l3},{av},,{cs}\n")
            bc = f"{bpts:.6f}" if any_claim else ""
            gs = "" if given is None else f"{given:.6f}"
            b.write(f"{code},{name},,{year},{bud},{bud},{spent},{bc},{gs}\n")
            gaps = [(x[2], c - x[6]) for x, c in zip(inds, claims)
                    if c is not None and abs(c - x[6]) >= 0.005]
            key = f"{name}|{year}"
            if not any_claim:
                exp["review"][key] = {"claims": False}
            elif None in claims and given is None:
                exp["review"][key] = {"claims": True, "incomplete": True, "gaps": gaps}
            else:
                claimed = given if given is not None else sum(claims) + bpts
                over = claimed - rule_total > 5 or (claimed > rule_total and
                                                    grade(claimed) != grade(rule_total))
                exp["review"][key] = {"claims": True, "claimed_total": claimed, "total": rule_total,
                                      "over": over, "gaps": sorted(gaps, key=lambda g: -g[1]),
                                      "budget": bud}
            if prev is not None:
                for x in inds:
                    if x[2] not in prev or x[7] is None:
                        continue
                    if (x[3].startswith("≥") and x[7] <= prev[x[2]]) or \
                            (x[3].startswith("≤") and x[7] >= prev[x[2]]):
                        exp["not_raised"].append([name, year, x[2]])
            prev = {x[2]: x[8] for x in inds if x[8] is not None}
    for f in (t, a, b):
        f.close()
    with open(f"{out}/expected.json", "w") as f:
        json.dump(exp, f, ensure_ascii=False, indent=0)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1)
