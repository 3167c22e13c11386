#!/usr/bin/env python3
"""fill_form.py BLANK.xlsx ACTUALS.csv BUDGET.csv OUT.xlsx

Fill in a blank 自评表 written by `jixiao export xlsx --blank` the way a clerk
does in a spreadsheet program, with nothing but Python's zipfile and
ElementTree (another program than jixiao): on every subject sheet, find the
subject in the form's own fields (部门（单位）名称, 项目名称, 年度), then type
each indicator's 实际完成值 and 偏差原因 from ACTUALS.csv into the form's cells
and the 年初预算数/全年预算数/全年执行数 from BUDGET.csv into the budget row.

Typing follows what a spreadsheet does with keyboard input: a number goes in
as a number and keeps the cell's format (a cell formatted General"个" then
shows 330个; one formatted General"%" shows 98.6% when 98.6 is typed; a true
percent format stores 98.6% as 0.986); anything else is text.
Nothing else in the workbook is touched.
"""
import csv
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS = {"m": MAIN}
ET.register_namespace("", MAIN)
ET.register_namespace("r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships")
ET.register_namespace("mc", "http://schemas.openxmlformats.org/markup-compatibility/2006")
ET.register_namespace("x14ac", "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac")
Q = "{%s}" % MAIN
NUM = re.compile(r"^(-?\d+(?:\.\d+)?)(.*)$")


def col_of(ref):
    m = re.match(r"([A-Z]+)(\d+)", ref)
    c = 0
    for ch in m.group(1):
        c = c * 26 + ord(ch) - 64
    return c - 1, int(m.group(2))


def text_of(c, sst):
    t = c.get("t")
    if t == "s":
        return sst[int(c.find("m:v", NS).text)]
    if t == "inlineStr":
        return "".join(x.text or "" for x in c.iter(Q + "t"))
    v = c.find("m:v", NS)
    return v.text if v is not None and v.text else ""


def formats(z):
    st = ET.fromstring(z.read("xl/styles.xml"))
    codes = {9: "0%", 10: "0.00%"}
    for nf in st.iter(Q + "numFmt"):
        codes[int(nf.get("numFmtId"))] = nf.get("formatCode")
    xfs = st.find("m:cellXfs", NS)
    return [codes.get(int(x.get("numFmtId", "0")), "General") for x in xfs.findall("m:xf", NS)]


def true_percent(code):
    return "%" in re.sub(r'"[^"]*"', "", code)


def literal_suffix(code):
    m = re.search(r'"([^"]*)"\s*$', code)
    return m.group(1) if m else ""


def type_into(c, value, fmt):
    """Set cell c to what typing `value` into it gives."""
    for child in list(c):
        c.remove(child)
    c.attrib.pop("t", None)
    m = NUM.match(value.strip())
    number = None
    if m and (m.group(2).strip() == "" or m.group(2).strip() == literal_suffix(fmt)):
        number = float(m.group(1))
    elif m and m.group(2).strip() == "%":
        number = float(m.group(1)) / 100 if true_percent(fmt) else None
    if number is not None and not true_percent(fmt) and m.group(2).strip() == "%" and literal_suffix(fmt) == "%":
        number = float(m.group(1))
    if number is not None:
        ET.SubElement(c, Q + "v").text = repr(number)
    else:
        c.set("t", "inlineStr")
        ET.SubElement(ET.SubElement(c, Q + "is"), Q + "t").text = value


def main(blank, actuals_csv, budget_csv, out):
    with open(actuals_csv, encoding="utf-8") as f:
        acts = list(csv.DictReader(f))
    with open(budget_csv, encoding="utf-8") as f:
        buds = list(csv.DictReader(f))
    zin = zipfile.ZipFile(blank)
    sst = []
    if "xl/sharedStrings.xml" in zin.namelist():
        for si in ET.fromstring(zin.read("xl/sharedStrings.xml")).findall("m:si", NS):
            sst.append("".join(x.text or "" for x in si.iter(Q + "t")))
    fmts = formats(zin)
    filled = {}
    typed = 0
    for name in zin.namelist():
        if not re.match(r"xl/worksheets/sheet\d+\.xml$", name):
            continue
        root = ET.fromstring(zin.read(name))
        rows = {int(r.get("r")): r for r in root.iter(Q + "row")}
        grid = {}
        for r in rows.values():
            for c in r.findall("m:c", NS):
                grid[col_of(c.get("r"))] = c
        def val(col, row):
            c = grid.get((col, row))
            return text_of(c, sst) if c is not None else ""
        # the subject, from the form's fields: a label and the next non-empty cell
        fields = {}
        for row in sorted(rows)[:6]:
            cells = sorted((k[0], text_of(c, sst)) for k, c in grid.items() if k[1] == row)
            cells = [(col, t) for col, t in cells if t]
            for i, (col, t) in enumerate(cells[:-1]):
                if t in ("部门（单位）名称", "项目名称", "年度"):
                    fields[t] = cells[i + 1][1]
        if "部门（单位）名称" not in fields:
            continue  # the 汇总 sheet
        dept, year = fields["部门（单位）名称"], fields["年度"]
        project = "" if fields.get("项目名称") == "部门整体" else fields.get("项目名称", "")
        # the header rows of the two blocks
        head = {}
        budget_row = None
        for (col, row), c in grid.items():
            t = text_of(c, sst)
            if t in ("三级指标", "实际完成值", "偏差原因分析及改进措施", "一级指标", "二级指标"):
                head[t] = (col, row)
            if t in ("年初预算数", "全年预算数", "全年执行数"):
                head[t] = (col, row)
        if "年初预算数" not in head or "三级指标" not in head:
            continue  # not a subject's form (the 汇总 sheet)
        budget_row = head["年初预算数"][1] + 1
        first = head["三级指标"][1] + 1
        l1 = l2 = ""
        mine = [a for a in acts if a["部门名称"] == dept and a["项目名称"] == project and a["年度"] == year]
        row = first
        while True:
            l3 = val(head["三级指标"][0], row)
            if not l3:
                break
            l1 = val(head["一级指标"][0], row) or l1
            l2 = val(head["二级指标"][0], row) or l2
            hits = [a for a in mine if a["三级指标"] == l3 and (not a.get("一级指标") or a["一级指标"] == l1)
                    and (not a.get("二级指标") or a["二级指标"] == l2)]
            if len(hits) == 1:
                a = hits[0]
                for col_name, key in (("实际完成值", "实际完成值"), ("偏差原因分析及改进措施", "偏差原因分析及改进措施")):
                    if a.get(key):
                        c = grid[(head[col_name][0], row)]
                        type_into(c, a[key], fmts[int(c.get("s", "0"))])
                        typed += 1
            row += 1
        for b in buds:
            if b["部门名称"] == dept and b["项目名称"] == project and b["年度"] == year:
                for k in ("年初预算数", "全年预算数", "全年执行数"):
                    if b.get(k):
                        c = grid[(head[k][0], budget_row)]
                        type_into(c, b[k], fmts[int(c.get("s", "0"))])
                        typed += 1
        filled[name] = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, filled.get(item.filename, zin.read(item.filename)))
    print("typed %d cells on %d sheets" % (typed, len(filled)))


if __name__ == "__main__":
    main(*sys.argv[1:5])
