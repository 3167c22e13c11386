#!/usr/bin/env python3
"""mkxlsx.py - write .xlsx test workbooks with nothing but Python's zipfile.

A second, independent writer of the format (beside libxlsxwriter in the C
tests), used by tests/cli/test_import_xlsx.sh. It writes what spreadsheet
programs write: shared strings (or inline strings), numbers with number
formats, merged cells, titles above the table; and the hostile files a reader
must survive.

  mkxlsx.py form CSV OUT.xlsx [--sheet NAME] [--title TEXT] [--merge] [--inline]
      CSV as a worksheet the way a clerk types it into Excel: numbers as numbers
      ("16" with a 0.00 format, so the cell shows 16.00), "98.6%" as 0.986 in a
      percent cell, text as shared (or --inline) strings; --title puts a title, a
      blank row and a unit line above the header; --merge merges runs of equal
      一级指标/二级指标 over their rows and leaves the cells under the first empty,
      as a form does.
  mkxlsx.py cells OUT.xlsx SPEC...
      one sheet from cells "A1=n:0.75:pct" "B2=s:text" "C3=d:45473" ...
      (kinds: n number [:fmt], s shared string, i inline string, b boolean,
      e error, f formula with cached number, fs formula with cached string);
      fmts: pct pct1 dec2 date ym year unit(件) zeros(000000) text.
  mkxlsx.py bad KIND OUT.xlsx
      a hostile or damaged workbook (kinds: see BAD below).
"""
import csv
import io
import re
import sys
import zipfile
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCREL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# cellXfs: index -> numFmtId; custom formats from 164
NUMFMTS = [(164, '0.0%'), (165, 'yyyy\\-mm\\-dd'), (166, 'yyyy"年"m"月"'), (167, 'yyyy'),
           (168, '0"件"'), (169, '000000'), (170, '#,##0.00"元"')]
XF = {"gen": (0, 0), "pct": (1, 9), "pct1": (2, 164), "dec2": (3, 2), "date": (4, 165), "ym": (5, 166),
      "year": (6, 167), "unit": (7, 168), "zeros": (8, 169), "text": (9, 49), "yuan": (10, 170)}


def col_name(c):
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def styles_xml():
    fmts = "".join('<numFmt numFmtId="%d" formatCode="%s"/>' % (i, escape(c, {'"': "&quot;"})) for i, c in NUMFMTS)
    xfs = "".join('<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0"%s/>'
                  % (nid, ' applyNumberFormat="1"' if nid else "") for _, (_, nid) in sorted(XF.items(), key=lambda kv: kv[1][0]))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<styleSheet xmlns="%s"><numFmts count="%d">%s</numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="%d">%s</cellXfs></styleSheet>') % (MAIN, len(NUMFMTS), fmts, len(XF), xfs)


class Book:
    def __init__(self):
        self.sheets = []  # (name, xml)
        self.sst = []
        self.sst_index = {}

    def s(self, text):
        if text not in self.sst_index:
            self.sst_index[text] = len(self.sst)
            self.sst.append(text)
        return self.sst_index[text]

    def cell(self, ref, kind, value, fmt="gen"):
        st = ' s="%d"' % XF[fmt][0] if fmt != "gen" else ""
        if kind == "n":
            return '<c r="%s"%s><v>%s</v></c>' % (ref, st, value)
        if kind == "s":
            return '<c r="%s"%s t="s"><v>%d</v></c>' % (ref, st, self.s(value))
        if kind == "i":
            return '<c r="%s"%s t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (ref, st, escape(value))
        if kind == "b":
            return '<c r="%s" t="b"><v>%s</v></c>' % (ref, value)
        if kind == "e":
            return '<c r="%s" t="e"><v>%s</v></c>' % (ref, escape(value))
        if kind == "f":
            return '<c r="%s"%s><f>1+1</f><v>%s</v></c>' % (ref, st, value)
        if kind == "fs":
            return '<c r="%s" t="str"><f>"a"&amp;"b"</f><v>%s</v></c>' % (ref, escape(value))
        raise SystemExit("unknown cell kind " + kind)

    def sheet(self, name, rows, merges=(), extra=""):
        """rows: {rownum: [cell xml...]}"""
        body = "".join('<row r="%d">%s</row>' % (r, "".join(cells)) for r, cells in sorted(rows.items()))
        mg = ""
        if merges:
            mg = '<mergeCells count="%d">%s</mergeCells>' % (len(merges), "".join('<mergeCell ref="%s"/>' % m for m in merges))
        xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="%s" xmlns:r="%s"><sheetData>%s</sheetData>%s%s'
               '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
               % (MAIN, DOCREL, body, mg, extra))
        self.sheets.append((name, xml))

    def parts(self, sst=True, styles=True):
        p = {}
        ct = ['<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
              '<Default Extension="xml" ContentType="application/xml"/>',
              '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>']
        rels = []
        sheets = []
        for i, (name, xml) in enumerate(self.sheets, 1):
            p["xl/worksheets/sheet%d.xml" % i] = xml
            ct.append('<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % i)
            rels.append('<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/sheet%d.xml"/>' % (i, DOCREL, i))
            sheets.append('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (escape(name, {'"': "&quot;"}), i, i))
        n = len(self.sheets)
        if styles:
            p["xl/styles.xml"] = styles_xml()
            rels.append('<Relationship Id="rId%d" Type="%s/styles" Target="styles.xml"/>' % (n + 1, DOCREL))
        if sst:
            p["xl/sharedStrings.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="%s" count="%d" uniqueCount="%d">%s</sst>'
                                         % (MAIN, len(self.sst), len(self.sst),
                                            "".join('<si><t xml:space="preserve">%s</t></si>' % escape(s) for s in self.sst)))
            rels.append('<Relationship Id="rId%d" Type="%s/sharedStrings" Target="sharedStrings.xml"/>' % (n + 2, DOCREL))
        p["[Content_Types].xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">%s</Types>'
                                    % "".join(ct))
        p["_rels/.rels"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>'
                            % (RELS, DOCREL))
        p["xl/workbook.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="%s" xmlns:r="%s"><sheets>%s</sheets></workbook>'
                                % (MAIN, DOCREL, "".join(sheets)))
        p["xl/_rels/workbook.xml.rels"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="%s">%s</Relationships>'
                                           % (RELS, "".join(rels)))
        return p


def write(path, parts, order=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in order or ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]:
            if name in parts:
                z.writestr(name, parts[name])
        for name, data in parts.items():
            if name not in (order or ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]):
                z.writestr(name, data)


NUM = re.compile(r"^-?\d+(\.\d+)?$")
PCT = re.compile(r"^(-?\d+(\.\d+)?)%$")


def form(args):
    src, out = args[0], args[1]
    opts = {"--sheet": "Sheet1", "--title": None}
    flags = set()
    i = 2
    while i < len(args):
        if args[i] in ("--sheet", "--title"):
            opts[args[i]] = args[i + 1]
            i += 2
        else:
            flags.add(args[i])
            i += 1
    with open(src, encoding="utf-8") as f:
        table = list(csv.reader(f))
    header, data = table[0], table[1:]
    b = Book()
    rows = {}
    merges = []
    top = 1
    if opts["--title"]:
        rows[1] = [b.cell("A1", "s", opts["--title"])]
        merges.append("A1:%s1" % col_name(len(header) - 1))  # across: gives nothing to other rows
        rows[3] = [b.cell("A3", "s", "单位：万元")]
        top = 4
    text = "i" if "--inline" in flags else "s"
    rows[top] = [b.cell(col_name(c) + str(top), text, h) for c, h in enumerate(header)]
    blank = set()
    if "--merge" in flags:
        for name in ("一级指标", "二级指标"):
            if name not in header:
                continue
            c = header.index(name)
            key = header.index("部门名称")
            start = 0
            for r in range(1, len(data) + 1):
                if r == len(data) or data[r][c] != data[start][c] or data[r][key] != data[start][key] or not data[start][c]:
                    if r - start > 1:
                        merges.append("%s%d:%s%d" % (col_name(c), top + 1 + start, col_name(c), top + r))
                        blank.update((k, c) for k in range(start + 1, r))
                    start = r
    for r, rec in enumerate(data):
        rn = top + 1 + r
        cells = []
        for c, v in enumerate(rec):
            ref = col_name(c) + str(rn)
            if (r, c) in blank:
                cells.append('<c r="%s" s="0"/>' % ref)  # a formatted empty cell under a merge
            elif v == "":
                continue
            elif NUM.match(v):
                # typed numbers; an integer shown with two decimals reads back as the integer
                cells.append(b.cell(ref, "n", v, "dec2" if "." not in v and header[c] != "年度" else "gen"))
            elif PCT.match(v):
                cells.append(b.cell(ref, "n", repr(float(PCT.match(v).group(1)) / 100), "pct1"))
            else:
                cells.append(b.cell(ref, text, v))
        rows[rn] = cells
    b.sheet(opts["--sheet"], rows, merges)
    write(out, b.parts())


def cells(args):
    out = args[0]
    b = Book()
    rows = {}
    for spec in args[1:]:
        ref, rest = spec.split("=", 1)
        parts = rest.split(":", 2)
        kind, value = parts[0], parts[1]
        fmt = parts[2] if len(parts) > 2 else "gen"
        rn = int(re.sub(r"^[A-Z]+", "", ref))
        rows.setdefault(rn, []).append(b.cell(ref, kind, value, fmt))
    for r in rows:  # cells in column order
        rows[r].sort(key=lambda x: (len(re.match(r'<c r="([A-Z]+)', x).group(1)), re.match(r'<c r="([A-Z]+)', x).group(1)))
    b.sheet("Sheet1", rows)
    write(out, b.parts())


def small_book():
    b = Book()
    b.sheet("Sheet1", {1: [b.cell("A1", "s", "部门名称"), b.cell("B1", "s", "年度")],
                       2: [b.cell("A2", "s", "大竹县司法局"), b.cell("B2", "n", "2024")]})
    return b


def set_size(path, member, size):
    """Make the zip's headers (local and central) claim another inflated size for member."""
    import struct
    data = bytearray(open(path, "rb").read())
    name = member.encode()
    i = 0
    while True:
        i = data.find(b"PK\x01\x02", i)  # central directory entries
        if i < 0:
            break
        nlen = struct.unpack_from("<H", data, i + 28)[0]
        if data[i + 46:i + 46 + nlen] == name:
            struct.pack_into("<I", data, i + 24, size)
            local = struct.unpack_from("<I", data, i + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
        i += 4
    open(path, "wb").write(bytes(data))


def bad(args):
    kind, out = args[0], args[1]
    b = small_book()
    p = b.parts()
    if kind == "bomb":  # the sheet's header says it inflates to 3 GiB (the limit is 2 GiB)
        write(out, p)
        set_size(out, "xl/worksheets/sheet1.xml", 3 << 30)
        return
    if kind == "bomb-lying":  # styles.xml claims 1 KiB and inflates to 65 MiB (limit 64 MiB)
        head, tail = p.pop("xl/styles.xml").split("<fonts", 1)
        write(out, p)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
            with z.open("xl/styles.xml", "w") as f:
                f.write(head.encode())
                blanks = b" " * (1 << 20)
                for _ in range(65):
                    f.write(blanks)
                f.write(("<fonts" + tail).encode())
        set_size(out, "xl/styles.xml", 1024)
        return
    if kind == "bomb-sst":  # shared strings of 300 MiB of text (held in memory: the limit is 256 MiB)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in p.items():
                if name != "xl/sharedStrings.xml":
                    z.writestr(name, data)
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
                f.write(('<sst xmlns="%s"><si><t>部门名称</t></si><si><t>年度</t></si><si><t>大竹县司法局</t></si>' % MAIN).encode())
                chunk = b"<si><t>" + b"x" * (1 << 20) + b"</t></si>"
                for _ in range(300):
                    f.write(chunk)
                f.write(b"</sst>")
        return
    elif kind == "truncated-xml":  # the sheet's XML stops in the middle of a tag
        s = p["xl/worksheets/sheet1.xml"]
        p["xl/worksheets/sheet1.xml"] = s[: s.index("<row r=\"2\"") + 12]
    elif kind == "malformed-xml":
        p["xl/worksheets/sheet1.xml"] = p["xl/worksheets/sheet1.xml"].replace("</row>", "</rwo>", 1)
    elif kind == "missing-sst":  # cells refer to shared strings, the part is gone (rels and all)
        p = b.parts(sst=False)
    elif kind == "missing-sst-part":  # the rels name xl/sharedStrings.xml, the zip lacks it
        del p["xl/sharedStrings.xml"]
    elif kind == "sst-index":  # a shared string past the end of the table
        p["xl/worksheets/sheet1.xml"] = p["xl/worksheets/sheet1.xml"].replace('<c r="A2" t="s"><v>2</v>', '<c r="A2" t="s"><v>99</v>')
    elif kind == "ref-col":  # a cell past column XFD
        p["xl/worksheets/sheet1.xml"] = p["xl/worksheets/sheet1.xml"].replace('<c r="B2"', '<c r="XFE2"')
    elif kind == "ref-row":  # a row past 1,048,576
        p["xl/worksheets/sheet1.xml"] = p["xl/worksheets/sheet1.xml"].replace('<row r="2">', '<row r="1048577">').replace('r="A2"', 'r="A1048577"').replace('r="B2"', 'r="B1048577"')
    elif kind == "merge-range":  # a merged range past the sheet's end
        b2 = small_book()
        b2.sheets = []
        b2.sheet("Sheet1", {1: [b2.cell("A1", "s", "部门名称"), b2.cell("B1", "s", "年度")],
                            2: [b2.cell("A2", "s", "大竹县司法局"), b2.cell("B2", "n", "2024")]}, merges=["A2:A1048600"])
        p = b2.parts()
    elif kind == "style-index":
        p["xl/worksheets/sheet1.xml"] = p["xl/worksheets/sheet1.xml"].replace('<c r="B2"', '<c r="B2" s="4000"')
    elif kind == "rows-order":
        s = p["xl/worksheets/sheet1.xml"]
        p["xl/worksheets/sheet1.xml"] = s.replace('<row r="1">', '<row r="9">').replace('r="A1"', 'r="A9"').replace('r="B1"', 'r="B9"')
    elif kind == "doctype":  # billion laughs: refused before any entity is expanded
        lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        p["xl/sharedStrings.xml"] = p["xl/sharedStrings.xml"].replace("?>\n", "?>\n" + lol, 1).replace("<t xml:space=\"preserve\">部门名称", "<t>&lol2;", 1)
    elif kind == "html":  # a web page saved as .xls/.xlsx
        open(out, "w", encoding="utf-8").write("<html><body><table><tr><td>部门名称</td><td>年度</td></tr></table></body></html>\n")
        return
    elif kind == "truncated-zip":  # the first 60% of a real workbook
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in p.items():
                z.writestr(name, data)
        data = buf.getvalue()
        open(out, "wb").write(data[: len(data) * 6 // 10])
        return
    elif kind == "not-workbook":  # a zip of something else
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("readme.txt", "hello")
        return
    elif kind == "ods":
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            z.writestr("content.xml", "<office:document-content/>")
        return
    elif kind == "encrypted-ole":  # what Excel writes for a password-protected .xlsx: an OLE2 file
        ole = bytearray(4096)
        ole[0:8] = bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        name = "EncryptedPackage".encode("utf-16-le")
        ole[1024:1024 + len(name)] = name
        open(out, "wb").write(bytes(ole))
        return
    elif kind == "wide":  # 300,000 rows, each with a cell in the last column XFD: work must follow the cells
        rows = "".join('<row r="%d"><c r="XFD%d" t="s"><v>0</v></c></row>' % (r, r) for r in range(1, 300001))
        p["xl/worksheets/sheet1.xml"] = ('<worksheet xmlns="%s"><sheetData>%s</sheetData>'
                                        '<mergeCells><mergeCell ref="A1:A1048576"/></mergeCells></worksheet>' % (MAIN, rows))
    elif kind == "merges-many":  # 1,100 merged ranges open over the same rows
        def col(c):
            return col_name(c)
        mg = "".join('<mergeCell ref="%s1:%s100"/>' % (col(c), col(c)) for c in range(1100))
        p["xl/worksheets/sheet1.xml"] = ('<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
                                        '</sheetData><mergeCells>%s</mergeCells></worksheet>' % (MAIN, mg))
    elif kind in ("deep", "deep-sst"):  # 3 million nested elements: 18 MB of XML in a ~20 KB zip
        n = 3000000
        if kind == "deep":
            s = p["xl/worksheets/sheet1.xml"]
            p["xl/worksheets/sheet1.xml"] = s.replace("</sheetData>", "<a>" * n + "</a>" * n + "</sheetData>", 1)
        else:
            s = p["xl/sharedStrings.xml"]
            p["xl/sharedStrings.xml"] = s.replace("</sst>", "<a>" * n + "</a>" * n + "</sst>", 1)
    elif kind == "no-header":
        b3 = Book()
        b3.sheet("说明", {1: [b3.cell("A1", "s", "填报说明")], 2: [b3.cell("A2", "s", "部门名称"), b3.cell("B2", "s", "三级指标")]})
        p = b3.parts()
    else:
        raise SystemExit("unknown bad kind " + kind)
    write(out, p)


if __name__ == "__main__":
    cmd, rest = sys.argv[1], sys.argv[2:]
    {"form": form, "cells": cells, "bad": bad}[cmd](rest)
