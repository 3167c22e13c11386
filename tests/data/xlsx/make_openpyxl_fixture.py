#!/usr/bin/python3
"""make_openpyxl_fixture.py - how dazhu-2024-openpyxl.xlsx was made (run once, by hand).

The committed workbook is the "third program" of issue 10: written by openpyxl
(Debian's python3-openpyxl 3.0.9, run with /usr/bin/python3), not by jixiao
(libxlsxwriter) or by LibreOffice. It holds the whole of fixtures/dazhu-2024 the
way a department might lay it out by hand, one table per sheet:

  绩效目标   a title, a blank row, the header in row 3 from column B; numbers typed
             as numbers (integers shown 5.00), 一级指标/二级指标 merged over their rows
  自评表     the subject as form fields above the table (部门名称：大竹县司法局 in
             one cell; 部门编码 | 135 | 年度 | 2024), the table without those columns,
             percentages in percent cells (0.986 shown 98.6%), a 合计 row under it
  预算执行   部门名称 | 年度 | amounts with a #,##0.00 format; 年度 a date shown yyyy

Usage: /usr/bin/python3 make_openpyxl_fixture.py FIXTURES_DIR OUT.xlsx
"""
import csv
import datetime
import sys

from openpyxl import Workbook
from openpyxl.styles import Alignment

fx, out = sys.argv[1], sys.argv[2]


def rows(name):
    with open("%s/dazhu-2024/%s.csv" % (fx, name), encoding="utf-8") as f:
        return list(csv.reader(f))


def typed(cell, text):
    """Put text into a cell as a person types it: numbers and percentages as numbers."""
    t = text.strip()
    try:
        if t.endswith("%"):
            cell.value = float(t[:-1]) / 100
            cell.number_format = "0.0%"
            return
        v = float(t)
        cell.value = int(v) if v == int(v) and "." not in t else v
        if "." not in t:
            cell.number_format = "0.00"
        return
    except ValueError:
        cell.value = text if text else None


wb = Workbook()
ws = wb.active
ws.title = "绩效目标"
t = rows("targets")
ws["B1"] = "大竹县司法局2024年度部门整体支出绩效目标表"
ws.merge_cells(start_row=1, start_column=2, end_row=1, end_column=1 + len(t[0]))
for c, h in enumerate(t[0]):
    ws.cell(row=3, column=2 + c, value=h)
for r, rec in enumerate(t[1:]):
    for c, v in enumerate(rec):
        typed(ws.cell(row=4 + r, column=2 + c), v)
for name in ("一级指标", "二级指标"):
    c = t[0].index(name)
    start = 1
    for r in range(2, len(t) + 1):
        if r < len(t) and t[r][c] == t[start][c]:
            continue
        if r - start > 1:
            ws.merge_cells(start_row=3 + start, start_column=2 + c, end_row=3 + r - 1, end_column=2 + c)
            ws.cell(row=3 + start, column=2 + c).alignment = Alignment(vertical="center")
        start = r

ws = wb.create_sheet("自评表")
a = rows("actuals")
ws["A1"] = "2024年度部门整体支出绩效自评表"
ws.merge_cells("A1:F1")
ws["A2"] = "部门名称：大竹县司法局"
ws["C2"] = "部门编码"
ws["D2"] = "135"
ws["E2"] = "年度"
ws["F2"] = 2024
keep = ["一级指标", "二级指标", "三级指标", "实际完成值", "偏差原因分析及改进措施"]
idx = [a[0].index(k) for k in keep]
for c, h in enumerate(keep):
    ws.cell(row=4, column=1 + c, value=h)
for r, rec in enumerate(a[1:]):
    for c, i in enumerate(idx):
        typed(ws.cell(row=5 + r, column=1 + c), rec[i])
last = 5 + len(a) - 1
ws.cell(row=last, column=1, value="合计")
ws.cell(row=last, column=4, value="=COUNTA(D5:D%d)" % (last - 1))
ws.cell(row=last + 1, column=1, value="填报人：张三")

ws = wb.create_sheet("预算执行")
b = rows("budget")
for c, h in enumerate(b[0]):
    ws.cell(row=1, column=1 + c, value=h)
for c, v in enumerate(b[1]):
    cell = ws.cell(row=2, column=1 + c)
    if b[0][c] == "年度":
        cell.value = datetime.date(int(v), 7, 1)
        cell.number_format = "yyyy"
    elif b[0][c] in ("年初预算数", "全年预算数", "全年执行数"):
        cell.value = float(v)
        cell.number_format = "#,##0.00"
    else:
        cell.value = v if v else None
wb.save(out)
