#!/usr/bin/env bash
# End-to-end: `jixiao export xlsx` and `evaluate --out` on the seed fixtures. The workbook is
# read back by an independent reader (python3's zipfile and a small evaluator of the formula
# subset the writer uses, below): every formula must recalculate to the value jixiao cached,
# the totals must be the hand-worked ones of fixtures/README.md, and changing an actual must
# move the score. Where LibreOffice is installed it recalculates the workbook too.
source "$TESTS/cli/lib.sh"
export JIXIAO_RULES="$RULES"

if ! command -v python3 >/dev/null 2>&1 || ! command -v unzip >/dev/null 2>&1; then
    echo "SKIP: python3 and unzip are needed to read the workbooks back"
    echo "0 passed, 0 failed"
    exit 0
fi

# ---- the reader: python3 xcheck.py FILE            recalculate, compare with the cached values
#                  python3 xcheck.py FILE 'S!A1' ... print cells ('S!A1=V' overrides a cell first)
cat >"$WORK/xcheck.py" <<'PYEOF'
import re, sys, zipfile, math
from xml.etree import ElementTree as ET

NS = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
      'r': 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'}
RNS = '{http://schemas.openxmlformats.org/package/2006/relationships}'


class XErr(Exception):
    def __init__(self, code):
        self.code = code

    def __repr__(self):
        return self.code


def col_num(s):
    n = 0
    for ch in s:
        n = n * 26 + ord(ch) - 64
    return n


def load(path):
    z = zipfile.ZipFile(path)
    wb = ET.fromstring(z.read('xl/workbook.xml'))
    rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
    target = {r.get('Id'): r.get('Target') for r in rels.iter(RNS + 'Relationship')}
    sst = []
    if 'xl/sharedStrings.xml' in z.namelist():
        for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', NS):
            sst.append(''.join(t.text or '' for t in si.iter('{%s}t' % NS['m'])))
    sheets, order = {}, []
    for s in wb.find('m:sheets', NS):
        name = s.get('name')
        rid = s.get('{%s}id' % NS['r'])
        x = ET.fromstring(z.read('xl/' + target[rid]))
        cells = {}
        for c in x.iter('{%s}c' % NS['m']):
            ref = c.get('r')
            t = c.get('t')
            f = c.find('m:f', NS)
            v = c.find('m:v', NS)
            val = None
            if t == 'inlineStr':
                val = ''.join(e.text or '' for e in c.iter('{%s}t' % NS['m']))
            elif t == 's' and v is not None:
                val = sst[int(v.text)]
            elif t == 'str':
                val = (v.text or '') if v is not None else ''
            elif t == 'b':
                val = v.text == '1'
            elif v is not None:
                val = float(v.text)
            cells[ref] = {'f': f.text if f is not None else None, 'v': val}
        sheets[name] = cells
        order.append(name)
    names = {}
    dn = wb.find('m:definedNames', NS)
    if dn is not None:
        for d in dn:
            if d.get('localSheetId') is None:
                names[d.get('name')] = d.text
    return sheets, order, names


TOK = re.compile(r'''\s*(?:
 (?P<num>\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)
|(?P<str>"(?:[^"]|"")*")
|(?P<ref>(?:(?:'(?:[^']|'')+'|[^\s'!(),{};:=<>&+\-*/^"]+)!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)
|(?P<func>[A-Z][A-Z0-9.]*)\(
|(?P<op><=|>=|<>|[-+*/^&=<>(),;{}])
|(?P<name>[^\s'!(),{};:=<>&+\-*/^"]+)
)''', re.X)


def tokenize(s):
    out, pos = [], 0
    while pos < len(s):
        if s[pos:].strip() == '':
            break
        m = TOK.match(s, pos)
        if not m:
            raise ValueError('cannot tokenize %r at %d' % (s, pos))
        pos = m.end()
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    return out


class Book:
    def __init__(self, path):
        self.sheets, self.order, self.names = load(path)
        self.cache = {}
        self.overrides = {}

    def cell(self, sheet, ref):
        ref = ref.replace('$', '')
        key = (sheet, ref)
        if key in self.overrides:
            return self.overrides[key]
        c = self.sheets[sheet].get(ref)
        if c is None:
            return None
        if c['f'] is None:
            return c['v']
        if key not in self.cache:
            self.cache[key] = XErr('#CIRC')
            try:
                self.cache[key] = self.eval(c['f'], sheet)
            except XErr as e:
                self.cache[key] = e
        return self.cache[key]

    def eval(self, formula, sheet):
        saved = (getattr(self, 'toks', None), getattr(self, 'i', 0), getattr(self, 'sheet', None))
        self.toks = tokenize(formula)
        self.i = 0
        self.sheet = sheet
        try:
            v = self.expr()
            if self.i != len(self.toks):
                raise ValueError('trailing tokens in %r' % formula)
            return v
        finally:
            self.toks, self.i, self.sheet = saved

    # -- parser --
    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, val=None):
        t = self.toks[self.i]
        if val is not None and t[1] != val:
            raise ValueError('expected %s got %s' % (val, t))
        self.i += 1
        return t

    def expr(self):
        a = self.concat()
        while self.peek()[1] in ('=', '<>', '<', '>', '<=', '>='):
            op = self.take()[1]
            b = self.concat()
            a = compare(op, a, b)
        return a

    def concat(self):
        a = self.additive()
        while self.peek()[1] == '&':
            self.take()
            b = self.additive()
            a = text(a) + text(b)
        return a

    def additive(self):
        a = self.term()
        while self.peek()[1] in ('+', '-'):
            op = self.take()[1]
            b = self.term()
            a = num(a) + num(b) if op == '+' else num(a) - num(b)
        return a

    def term(self):
        a = self.unary()
        while self.peek()[1] in ('*', '/'):
            op = self.take()[1]
            b = self.unary()
            if op == '*':
                a = num(a) * num(b)
            else:
                if num(b) == 0:
                    raise XErr('#DIV/0!')
                a = num(a) / num(b)
        return a

    def unary(self):
        if self.peek()[1] == '-':
            self.take()
            return -num(self.unary())
        if self.peek()[1] == '+':
            self.take()
            return self.unary()
        return self.primary()

    def primary(self):
        kind, val = self.take()
        if kind == 'num':
            return float(val)
        if kind == 'str':
            return val[1:-1].replace('""', '"')
        if kind == 'ref':
            return self.ref(val)
        if kind == 'name':
            if val in ('TRUE', 'FALSE'):
                return val == 'TRUE'
            return self.name(val)
        if kind == 'func':
            args = []
            if self.peek()[1] != ')':
                while True:
                    args.append(self.lazy())
                    if self.peek()[1] == ',':
                        self.take()
                        continue
                    break
            self.take(')')
            return call(self, val, args)
        if val == '(':
            v = self.expr()
            self.take(')')
            return v
        if val == '{':
            return self.array()
        raise ValueError('unexpected %r' % val)

    def lazy(self):
        # arguments are evaluated eagerly but errors are kept as values (IF/IFERROR need them)
        start = self.i
        try:
            return ('v', self.expr())
        except XErr as e:
            # skip this argument, from its start (the error may come from deep inside it)
            self.i = start
            depth = 0
            while self.i < len(self.toks):
                k, v = self.toks[self.i]
                if v in ('(', '{') or k == 'func':
                    depth += 1
                elif v in (')', '}'):
                    if depth == 0:
                        break
                    depth -= 1
                elif v == ',' and depth == 0:
                    break
                self.i += 1
            return ('e', e)

    def array(self):
        rows, row = [], []
        while True:
            kind, val = self.take()
            if kind == 'num':
                row.append(float(val))
            elif kind == 'str':
                row.append(val[1:-1].replace('""', '"'))
            elif val == '-':
                k2, v2 = self.take()
                row.append(-float(v2))
            if self.peek()[1] == ',':
                self.take()
            elif self.peek()[1] == ';':
                self.take()
                rows.append(row)
                row = []
            elif self.peek()[1] == '}':
                self.take()
                rows.append(row)
                return Range(rows)

    def ref(self, val):
        sheet = self.sheet
        if '!' in val:
            s, val = val.rsplit('!', 1)
            sheet = s[1:-1].replace("''", "'") if s.startswith("'") else s
        val = val.replace('$', '')
        if ':' in val:
            a, b = val.split(':')
            ma, mb = re.match(r'([A-Z]+)(\d+)', a), re.match(r'([A-Z]+)(\d+)', b)
            rows = []
            for r in range(int(ma.group(2)), int(mb.group(2)) + 1):
                row = []
                for c in range(col_num(ma.group(1)), col_num(mb.group(1)) + 1):
                    row.append(self.cell(sheet, col_name(c) + str(r)))
                rows.append(row)
            return Range(rows)
        v = self.cell(sheet, val)
        if isinstance(v, XErr):
            raise v
        return v

    def name(self, n):
        f = self.names.get(n)
        if f is None:
            raise XErr('#NAME?')
        return self.eval(f, self.sheet)


class Range:
    def __init__(self, rows):
        self.rows = rows

    def flat(self):
        return [v for r in self.rows for v in r]


def col_name(n):
    s = ''
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def num(v):
    if isinstance(v, XErr):
        raise v
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, float):
        return v
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            raise XErr('#VALUE!')
    raise XErr('#VALUE!')


def text(v):
    if v is None:
        return ''
    if isinstance(v, float):
        return ('%.15g' % v)
    return str(v)


def compare(op, a, b):
    if isinstance(a, XErr):
        raise a
    if isinstance(b, XErr):
        raise b
    if a is None:
        a = '' if isinstance(b, str) else 0.0
    if b is None:
        b = '' if isinstance(a, str) else 0.0
    if isinstance(a, str) and isinstance(b, str):
        a, b = a.lower(), b.lower()
    elif isinstance(a, str) or isinstance(b, str):
        # Excel: text > number
        ka, kb = (1 if isinstance(a, str) else 0), (1 if isinstance(b, str) else 0)
        a, b = ka, kb
    return {'=': a == b, '<>': a != b, '<': a < b, '>': a > b, '<=': a <= b, '>=': a >= b}[op]


def truth(v):
    if isinstance(v, XErr):
        raise v
    if isinstance(v, bool):
        return v
    return num(v) != 0


def val(arg):
    kind, v = arg
    if kind == 'e':
        raise v
    return v


def nums(args):
    out = []
    for a in args:
        v = val(a)
        if isinstance(v, Range):
            for x in v.flat():
                if isinstance(x, XErr):
                    raise x
                if isinstance(x, float):
                    out.append(x)
        else:
            out.append(num(v))
    return out


def call(book, f, args):
    if f == 'IF':
        c = truth(val(args[0]))
        if c:
            return val(args[1]) if len(args) > 1 else True
        return val(args[2]) if len(args) > 2 else False
    if f == 'IFERROR':
        try:
            return val(args[0])
        except XErr:
            return val(args[1])
    if f == 'OR':
        return any(truth(val(a)) for a in args)
    if f == 'AND':
        return all([truth(val(a)) for a in args])
    if f == 'MAX':
        return max(nums(args), default=0.0)
    if f == 'MIN':
        return min(nums(args), default=0.0)
    if f == 'SUM':
        return math.fsum(nums(args)) if False else sum(nums(args), 0.0)
    if f == 'ABS':
        return abs(num(val(args[0])))
    if f == 'NA':
        raise XErr('#N/A')
    if f == 'ISTEXT':
        try:
            return isinstance(val(args[0]), str)
        except XErr:
            return False
    if f == 'ISNUMBER':
        try:
            return isinstance(val(args[0]), float)
        except XErr:
            return False
    if f == 'VLOOKUP':
        key = val(args[0])
        table = val(args[1])
        col = int(num(val(args[2])))
        for row in table.rows:
            k = row[0]
            if isinstance(key, str) and isinstance(k, str) and key.lower() == k.lower():
                return row[col - 1]
            if isinstance(key, float) and isinstance(k, float) and key == k:
                return row[col - 1]
        raise XErr('#N/A')
    if f == 'N':
        v = val(args[0])
        return v if isinstance(v, float) else 0.0
    if f == 'COUNT':
        n = 0
        for a in args:
            v = val(a)
            n += sum(1 for x in v.flat() if isinstance(x, float)) if isinstance(v, Range) else isinstance(v, float)
        return float(n)
    if f == 'AVERAGE':
        xs = nums(args)
        if not xs:
            raise XErr('#DIV/0!')
        return sum(xs) / len(xs)
    if f == 'COUNTIF':
        rng, crit = val(args[0]), val(args[1])
        m = re.match(r'^(<=|>=|<>|<|>|=)?(.*)$', crit if isinstance(crit, str) else '=' + text(crit), re.S)
        op, rhs = m.group(1) or '=', m.group(2)
        try:
            rv = float(rhs)
        except ValueError:
            rv = None
        n = 0
        for x in rng.flat():
            if rv is not None and isinstance(x, float):
                n += compare(op, x, rv)
            elif rv is None and isinstance(x, str):
                n += compare(op, x, rhs)
        return float(n)
    if f == 'RANK':
        x = num(val(args[0]))
        vals = nums([args[1]])
        return float(1 + sum(1 for v in vals if v > x))
    raise ValueError('function %s not supported' % f)


def check(book):
    n, bad = 0, []
    for s in book.order:
        for ref, c in book.sheets[s].items():
            if c['f'] is None:
                continue
            n += 1
            got = book.cell(s, ref)
            want = c['v']
            ok = False
            if isinstance(got, XErr):
                ok = False
            elif isinstance(want, float) and not isinstance(got, str):
                g = num(got)
                ok = abs(g - want) <= 1e-9 * max(1.0, abs(want))
            else:
                ok = got == want
            if not ok:
                bad.append('%s!%s: %s computed %r, cached %r' % (s, ref, c['f'], got, want))
    return n, bad


if __name__ == '__main__':
    book = Book(sys.argv[1])
    gets = []
    for a in sys.argv[2:]:
        m = re.match(r'^(.*)!([A-Z]+[0-9]+)(?:=(.*))?$', a, re.S)
        if m and m.group(3) is not None:
            s, r, v = m.group(1), m.group(2), m.group(3)
            try:
                book.overrides[(s, r)] = float(v)
            except ValueError:
                book.overrides[(s, r)] = v if v != '' else None
        else:
            gets.append(a)
    if gets:
        for g in gets:
            s, r = g.rsplit('!', 1)
            v = book.cell(s, r)
            print('%s=%s' % (g, ('%.10g' % v) if isinstance(v, float) else v))
    else:
        n, bad = check(book)
        for b in bad:
            print('MISMATCH ' + b)
        print('recalculated %d formulas, %d differ from the cached values' % (n, len(bad)))
        sys.exit(1 if bad else 0)
PYEOF
xcheck() { python3 "$WORK/xcheck.py" "$@"; }

DB="$WORK/demo.db"
run "$JIXIAO" --db "$DB" init
for k in targets actuals budget; do
    run "$JIXIAO" --db "$DB" import "$k" "$FIXTURES/demo/$k.csv"
    expect_rc 0 "import $k"
done
run "$JIXIAO" --db "$DB" score
expect_rc 0 "score"

# ---- one workbook
run "$JIXIAO" --db "$DB" export xlsx --out "$WORK/demo.xlsx"
expect_rc 0 "export xlsx"
expect_out_has "wrote $WORK/demo.xlsx: 1 workbook, 8 sheets, 6 subjects"
expect_out_has "(73 ratios as formulas, 3 as values)"

run xcheck "$WORK/demo.xlsx"
expect_rc 0 "every formula recalculates to its cached value"
expect_out_has ", 0 differ from the cached values"

# sheet order and names: 汇总 first, then the subjects in store order
run python3 -c '
import sys, zipfile, re
x = zipfile.ZipFile(sys.argv[1]).read("xl/workbook.xml").decode()
print(",".join(re.findall(r"<sheet name=\"([^\"]*)\"", x)))' "$WORK/demo.xlsx"
expect_out "汇总,株洲市石峰区司法局,司法专项,大竹县司法局,如皋市司法局,大竹县法律援助中心,株洲市石峰区社区矫正管理中心,统计图" "sheet names"

# the hand-worked totals (fixtures/README.md), as computed by the reader from the sheets
run xcheck "$WORK/demo.xlsx" '株洲市石峰区司法局!G23' '株洲市石峰区司法局!G24' '司法专项!G26' '司法专项!G27' \
    '大竹县司法局!G33' '大竹县司法局!G34' '如皋市司法局!G29' '如皋市司法局!G30' \
    '大竹县法律援助中心!G19' '大竹县法律援助中心!G20' '株洲市石峰区社区矫正管理中心!G17' '株洲市石峰区社区矫正管理中心!G18'
expect_out "株洲市石峰区司法局!G23=98.55588697
株洲市石峰区司法局!G24=优
司法专项!G26=89.19691358
司法专项!G27=良
大竹县司法局!G33=96.89792571
大竹县司法局!G34=优
如皋市司法局!G29=94.26667997
如皋市司法局!G30=优
大竹县法律援助中心!G19=77.19259259
大竹县法律援助中心!G20=中
株洲市石峰区社区矫正管理中心!G17=99.9
株洲市石峰区社区矫正管理中心!G18=优" "totals and grades recalculated"

# 汇总: by year and kind as `jixiao rank` ranks (大竹县司法局 is 2024's first department, not 3rd
# of all); totals follow the sheets
run xcheck "$WORK/demo.xlsx" '汇总!A5' '汇总!C5' '汇总!F5' '汇总!A7' '汇总!C7' '汇总!A9' '汇总!D9' \
    '汇总!A11' '汇总!C11' '汇总!A12' '汇总!C12' '汇总!G12'
expect_out "汇总!A5=1
汇总!C5=株洲市石峰区社区矫正管理中心
汇总!F5=99.9
汇总!A7=3
汇总!C7=如皋市司法局
汇总!A9=1
汇总!D9=司法专项
汇总!A11=1
汇总!C11=大竹县司法局
汇总!A12=2
汇总!C12=大竹县法律援助中心
汇总!G12=中" "汇总 ranks per year and kind"
# the statistics under it: 2021's three departments: 优 2, 良 0, 中 0 … mean of 99.9, 98.56, 94.27
run xcheck "$WORK/demo.xlsx" '汇总!D15' '汇总!E15' '汇总!F15' '汇总!I15' '汇总!J15' '汇总!K15' '汇总!L15'
expect_out "汇总!D15=3
汇总!E15=3
汇总!F15=0
汇总!I15=97.57418898
汇总!J15=99.9
汇总!K15=94.26667997
汇总!L15=2697" "汇总 statistics"

# an auditor changes an actual: 安置帮教对象 184 → 200 makes it full marks (+0.444444 points)
run xcheck "$WORK/demo.xlsx" '株洲市石峰区司法局!E15=200' '株洲市石峰区司法局!J15' '株洲市石峰区司法局!G23' '汇总!F6'
expect_out "株洲市石峰区司法局!J15=1
株洲市石峰区司法局!G23=99.00033142
汇总!F6=99.00033142" "the score follows a changed actual"
# ... and a 定性 actual picked from its dropdown: 良好 → 中 is 0.6/0.8 of 30 points
run xcheck "$WORK/demo.xlsx" '株洲市石峰区司法局!E20=中' '株洲市石峰区司法局!J20' '株洲市石峰区司法局!G20'
expect_out "株洲市石峰区司法局!J20=0.75
株洲市石峰区司法局!G20=22.5" "a 定性 actual from the dropdown"
# ... and 大竹's 2,856,000元 against 300万元 goes through the hidden conversion cell
run xcheck "$WORK/demo.xlsx" '大竹县司法局!E24=3000000' '大竹县司法局!N24' '大竹县司法局!J24'
expect_out "大竹县司法局!N24=300
大竹县司法局!J24=1" "unit conversion follows the actual"
# ... and text where a number belongs scores 0 with 请填写数字, never full marks
run xcheck "$WORK/demo.xlsx" '株洲市石峰区司法局!E15=250人' '株洲市石峰区司法局!J15' '株洲市石峰区司法局!G15'
expect_out "株洲市石峰区司法局!J15=0
株洲市石峰区司法局!G15=请填写数字" "text in a number cell"

# print setup and dropdowns in the sheet XML
sheet2=$(unzip -p "$WORK/demo.xlsx" xl/worksheets/sheet2.xml)
OUT=$sheet2
expect_out_has '<pageSetup paperSize="9" orientation="portrait"/>' "A4 portrait, one page"
expect_out_has '<pageSetUpPr fitToPage="1"/>' "fit to page"
expect_out_has '第 &amp;P 页，共 &amp;N 页' "page numbers"
expect_out_has 'sqref="E20"><formula1>"优,良,中,差"</formula1>' "定性 dropdown"
expect_out_has '<mergeCell ref="A10:A18"/>' "一级 merged"
OUT=$(unzip -p "$WORK/demo.xlsx" xl/workbook.xml)
expect_out_has "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"1\">'株洲市石峰区司法局'!\$9:\$9</definedName>" "header row repeated"
expect_out_has "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"1\">'株洲市石峰区司法局'!\$A\$1:\$H\$26</definedName>" "the official columns print"
OUT=$(unzip -p "$WORK/demo.xlsx" xl/styles.xml)
expect_out_has '<name val="宋体"/>' "CJK font"

# ---- --blank: a form to fill in
run "$JIXIAO" --db "$DB" export xlsx --blank --dept 135 --out "$WORK/blank.xlsx"
expect_rc 0 "export --blank"
run xcheck "$WORK/blank.xlsx"
expect_rc 0 "blank form recalculates"
run xcheck "$WORK/blank.xlsx" '大竹县司法局!E10' '大竹县司法局!H13' '大竹县司法局!J13' '大竹县司法局!G33' '大竹县司法局!G34' '汇总!A5'
expect_out "大竹县司法局!E10=None
大竹县司法局!H13=None
大竹县司法局!J13=0
大竹县司法局!G33=
大竹县司法局!G34=
汇总!A5=" "blank form: empty actuals and reasons, no total, grade or rank yet"
run xcheck "$WORK/blank.xlsx" '大竹县司法局!E10=330' '大竹县司法局!J10'
expect_out "大竹县司法局!J10=0.9814814815" "blank form: a filled-in actual is scored (= 324: 1 − 6/324)"

# ---- --split: one workbook per department, in parallel
run "$JIXIAO" --db "$DB" export xlsx --split "$WORK/split" --threads 2
expect_rc 0 "export --split"
expect_out_has "6 workbooks, 8 sheets, 6 subjects"
run bash -c "cd '$WORK/split' && ls | sort"
expect_out "$(printf '%s\n' 135001_大竹县法律援助中心_2024.xlsx 135_大竹县司法局_2024.xlsx 如皋市司法局_2021.xlsx \
    株洲市石峰区司法局_2021.xlsx 株洲市石峰区社区矫正管理中心_2021.xlsx 汇总.xlsx | sort)" "split files"
bad=0
for f in "$WORK/split"/*.xlsx; do xcheck "$f" >/dev/null || bad=1; done
[ "$bad" = 0 ] && _ok || _fail "every split workbook recalculates to its cached values"
run xcheck "$WORK/split/株洲市石峰区司法局_2021.xlsx" '株洲市石峰区司法局!G23' '司法专项!G26'
expect_out "株洲市石峰区司法局!G23=98.55588697
司法专项!G26=89.19691358" "split: a department with its project"

# ---- text that looks like a formula stays text
mkdir -p "$WORK/inj"
printf '%s\n' '部门编码,部门名称,项目名称,年度,一级指标,二级指标,三级指标,指标值,权重' \
    '=1+1,=cmd|calc,@SUM(A1),2024,产出指标,数量指标,-2+3,≥10件,100' >"$WORK/inj/t.csv"
printf '%s\n' '部门编码,部门名称,项目名称,年度,一级指标,二级指标,三级指标,实际完成值,偏差原因分析及改进措施' \
    '=1+1,=cmd|calc,@SUM(A1),2024,产出指标,数量指标,-2+3,8件,"+HYPERLINK(""http://x"")"' >"$WORK/inj/a.csv"
run "$JIXIAO" evaluate --targets "$WORK/inj/t.csv" --actuals "$WORK/inj/a.csv" --out "$WORK/inj.xlsx"
expect_rc 0 "evaluate --out with formula-like names"
OUT=$(unzip -p "$WORK/inj.xlsx" xl/worksheets/sheet2.xml)
expect_out_has '<t>=cmd|calc</t>' "name as text"
expect_out_has '<t>=1+1</t>' "code as text"
expect_out_has '<t>-2+3</t>' "indicator as text"
expect_out_has '<t>+HYPERLINK("http://x")</t>' "reason as text"
case "$OUT" in *"<f>cmd"*|*"<f>1+1"*|*"<f>HYPERLINK"*|*"<f>SUM(A1)"*) _fail "formula-like text became a formula" ;; *) _ok ;; esac
OUT=$(unzip -p "$WORK/inj.xlsx" xl/workbook.xml)
expect_out_has '<sheet name="@SUM(A1)"' "sheet named after the project"

# ---- errors and usage
run "$JIXIAO" --db "$DB" export xlsx
expect_rc 2 "export without --out"
expect_err_has "--out FILE (or --split DIR) is required"
run "$JIXIAO" --db "$DB" export
expect_rc 2 "export without a format"
run "$JIXIAO" --db "$DB" export xlsx --out "$WORK/no/such/dir/x.xlsx"
expect_rc 1 "unwritable path"
expect_err_has "cannot write $WORK/no/such/dir/x.xlsx: No such file or directory"
run "$JIXIAO" --db "$DB" export xlsx --out "$WORK/x.xlsx" --run 99
expect_rc 1 "no such run"
expect_err_has "no run 99"
run "$JIXIAO" --db "$DB" export xlsx --out "$WORK/x.xlsx" --dept 没有这个部门
expect_rc 1 "no such department"
expect_err_has "no subject of the departments named"
[ ! -e "$WORK/x.xlsx" ] && _ok || _fail "nothing written on failure"
run "$JIXIAO" export --help
expect_rc 0 "export --help"
expect_out_has "--split DIR"

# a rule set that is not the run's: values, and a warning
run "$JIXIAO" --db "$DB" export xlsx --out "$WORK/other.xlsx" --rules daying-2022
expect_rc 0 "export with another rule set"
expect_err_has "is not the one run 1 was scored with"
expect_out_has "(0 ratios as formulas, 76 as values)"
run xcheck "$WORK/other.xlsx"
expect_rc 0 "values still recalculate to the totals"

# ---- evaluate --out
run "$JIXIAO" evaluate --targets "$FIXTURES/shifeng-2021/targets.csv" --actuals "$FIXTURES/shifeng-2021/actuals.csv" \
    --budget "$FIXTURES/shifeng-2021/budget.csv" --out "$WORK/eval.xlsx" --format json
expect_rc 0 "evaluate --out"
expect_err_has "wrote $WORK/eval.xlsx: 1 workbook, 4 sheets, 2 subjects"
case "$OUT" in "{"*) _ok ;; *) _fail "evaluate --format json keeps stdout JSON" "$OUT" ;; esac
run xcheck "$WORK/eval.xlsx" '株洲市石峰区司法局!G23' '司法专项!G27'
expect_out "株洲市石峰区司法局!G23=98.55588697
司法专项!G27=良" "evaluate --out totals"

# ---- a clerk fills in the blank form: numbers, text with a unit, a percentage typed as text, a
# percentage as a spreadsheet stores it (0.975 shown 97.5%), a word from the dropdown
run "$JIXIAO" evaluate --targets "$FIXTURES/shifeng-2021/targets.csv" --actuals "$FIXTURES/shifeng-2021/actuals.csv" \
    --budget "$FIXTURES/shifeng-2021/budget.csv" --format csv --out "$WORK/sf.xlsx"
run "$JIXIAO" --db "$WORK/sf.db" import targets "$FIXTURES/shifeng-2021/targets.csv"
run "$JIXIAO" --db "$WORK/sf.db" import budget "$FIXTURES/shifeng-2021/budget.csv"
run "$JIXIAO" --db "$WORK/sf.db" score
run "$JIXIAO" --db "$WORK/sf.db" export xlsx --blank --dept 株洲市石峰区司法局 --out "$WORK/sfblank.xlsx"
expect_rc 0 "the blank form to fill"
cat >"$WORK/clerk.py" <<'PYEOF'
# clerk.py IN OUT SHEET CELL=VALUE...: type into cells as a spreadsheet stores what is typed:
# 372 a number; 97.5% the number 0.975 shown as a percentage (the workbook's 0.00% style);
# '97.5% (a leading apostrophe) and anything else text.
import re, sys, zipfile
import xml.etree.ElementTree as ET
M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ET.register_namespace("", M)
ET.register_namespace("r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships")
Q = "{%s}" % M
src, out, sheet = sys.argv[1:4]
z = zipfile.ZipFile(src)
styles = ET.fromstring(z.read("xl/styles.xml"))
pct = [nf.get("numFmtId") for nf in styles.iter(Q + "numFmt") if nf.get("formatCode") == "0.00%"] + ["10"]
xfs = styles.find(Q + "cellXfs").findall(Q + "xf")
pstyle = next(str(i) for i, x in enumerate(xfs) if x.get("numFmtId") in pct)
wb = z.read("xl/workbook.xml").decode()
names = re.findall(r'<sheet name="([^"]*)" sheetId="\d+" r:id="rId(\d+)"', wb)
part = "xl/worksheets/sheet%s.xml" % dict(names)[sheet]
root = ET.fromstring(z.read(part))
cells = {c.get("r"): c for c in root.iter(Q + "c")}
for a in sys.argv[4:]:
    ref, v = a.split("=", 1)
    c = cells[ref]
    for ch in list(c):
        c.remove(ch)
    c.attrib.pop("t", None)
    if v.startswith("'"):
        c.set("t", "inlineStr")
        ET.SubElement(ET.SubElement(c, Q + "is"), Q + "t").text = v[1:]
    elif re.fullmatch(r"-?\d+(\.\d+)?%", v):
        c.set("s", pstyle)
        ET.SubElement(c, Q + "v").text = repr(float(v[:-1]) / 100)
    elif re.fullmatch(r"-?\d+(\.\d+)?", v):
        ET.SubElement(c, Q + "v").text = v
    else:
        c.set("t", "inlineStr")
        ET.SubElement(ET.SubElement(c, Q + "is"), Q + "t").text = v
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
    for it in z.infolist():
        zo.writestr(it, ET.tostring(root, encoding="UTF-8", xml_declaration=True) if it.filename == part else z.read(it.filename))
PYEOF
S=株洲市石峰区司法局
# 安置帮教对象 (≥200) typed 150人, 预算资金使用率 (≥100%) typed "97.5%" as text: 请填写数字, 0 points,
# no total yet; 工作及时完成率 (≥100%) 0.975 shown as a percentage: 97.5% of its points
python3 "$WORK/clerk.py" "$WORK/sfblank.xlsx" "$WORK/clerk1.xlsx" "$S" E10=372 E11=22 E12=4 E13=356 E14=86 \
    E15=150人 "E16='97.5%" E17=97.5% E18=30 E20=中 E21=93.2%
python3 "$WORK/clerk.py" "$WORK/clerk1.xlsx" "$WORK/clerk2.xlsx" "$S" E15=184 E16=97.5%
CLERK_CELLS="$S!J15 $S!G15 $S!J17 $S!G17 $S!J20 $S!G20 $S!J21 $S!G22 $S!G23 $S!G24"
CLERK1="$S!J15=0
$S!G15=请填写数字
$S!J17=0.975
$S!G17=5.416666667
$S!J20=0.75
$S!G20=22.5
$S!J21=1
$S!G22=
$S!G23=
$S!G24="
# then 150人 corrected to 184: 50/9 × (1+1+1+0.89+1+0.92+0.975+0.975+1) + 22.5 + 10 + 9.750331 (budget)
CLERK2="$S!J15=0.92
$S!G15=5.111111111
$S!J17=0.975
$S!G17=5.416666667
$S!J20=0.75
$S!G20=22.5
$S!J21=1
$S!G22=90.91699809
$S!G23=90.91699809
$S!G24=优"
# shellcheck disable=SC2086
run xcheck "$WORK/clerk1.xlsx" $CLERK_CELLS
expect_out "$CLERK1" "clerk: 150人 is not a number (0 points), a percentage scores right, no total yet"
# shellcheck disable=SC2086
run xcheck "$WORK/clerk2.xlsx" $CLERK_CELLS
expect_out "$CLERK2" "clerk: all filled in, the total and grade appear"

# ---- LibreOffice, where installed, recalculates the same (every formula, on load)
lo_recalc() { # IN OUTDIR: OUTDIR/IN recalculated by LibreOffice
    local prof=$WORK/lo-profile
    mkdir -p "$prof/user" "$2"
    cat >"$prof/user/registrymodifications.xcu" <<'XCU'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
XCU
    HOME=$WORK/lo timeout 180 soffice -env:UserInstallation="file://$prof" --headless \
        --convert-to 'xlsx:Calc MS Excel 2007 XML' --outdir "$2" "$1" >/dev/null 2>&1
}
lo_cells() { # FILE CELL...: the values LibreOffice cached
    python3 - "$@" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
wb = z.read("xl/workbook.xml").decode()
sst = [re.sub(r"<[^>]+>", "", x) for x in re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S)]
ids = {n: i for i, n in enumerate(re.findall(r'<sheet name="([^"]*)"', wb), 1)}
for a in sys.argv[2:]:
    s, r = a.rsplit("!", 1)
    x = z.read("xl/worksheets/sheet%d.xml" % ids[s]).decode()
    m = re.search(r'<c r="%s"([^>]*?)(?:/>|>(.*?)</c>)' % r, x, re.S)
    v = re.search(r"<v>(.*?)</v>", m.group(2) or "") if m else None
    v = v.group(1) if v else ""
    if m and 't="s"' in m.group(1) and v:
        v = sst[int(v)]
    elif v and not re.search(r't="(str|inlineStr|e|b)"', m.group(1)):
        v = "%.10g" % float(v)
    print("%s=%s" % (a, v))
PY
}
if command -v soffice >/dev/null 2>&1; then
    lo_recalc "$WORK/demo.xlsx" "$WORK/lo"
    # shellcheck disable=SC2046
    run lo_cells "$WORK/lo/demo.xlsx" '株洲市石峰区司法局!G23' '大竹县司法局!G33' '汇总!A11' '汇总!F5'
    expect_out "株洲市石峰区司法局!G23=98.55588697
大竹县司法局!G33=96.89792571
汇总!A11=1
汇总!F5=99.9" "LibreOffice recalculates the totals and ranks"
    for k in 1 2; do
        lo_recalc "$WORK/clerk$k.xlsx" "$WORK/lo"
        # shellcheck disable=SC2086
        run lo_cells "$WORK/lo/clerk$k.xlsx" $CLERK_CELLS
        want=CLERK$k
        expect_out "${!want}" "LibreOffice scores the clerk's form ($k)"
    done
else
    echo "SKIP: LibreOffice (soffice) not installed: recalculation checked by the bundled reader only"
fi

done_testing
