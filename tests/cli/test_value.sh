# test_value.sh - end-to-end test of `jixiao value`: the value grammar through the real binary.
# Strings come from the seed tables in ../shared/seeds/ (000 石峰区, 001 大竹县, 003 如皋市).
source "$TESTS/cli/lib.sh"

# --json: one exact object per TEXT, in order (seed 000 and 003 指标值 cells)
run "$JIXIAO" value --json '≧15场次' '90%以上' '每季度' '≥30万元' '良好' '无直接经济效益' \
    '360' '> 90%' '万分之十以 上' '0' '健全' '优良差' '≤0.2 百分 率' '2020年12月31日前' '**平米'
expect_rc 0 "seed strings parse"
expect_out '{"kind":"number","op":">=","value":15,"unit":"场次","implicit":false}
{"kind":"number","op":">=","value":90,"unit":"%","implicit":false}
{"kind":"frequency","per_year":4}
{"kind":"number","op":">=","value":30,"unit":"万元","implicit":false}
{"kind":"grade","grade":"良","scale":"优良中差"}
{"kind":"na","placeholder":false}
{"kind":"number","op":">=","value":360,"unit":"","implicit":true}
{"kind":"number","op":">","value":90,"unit":"%","implicit":false}
{"kind":"number","op":">=","value":10,"unit":"‱","implicit":false}
{"kind":"number","op":"<=","value":0,"unit":"","implicit":true}
{"kind":"word","text":"健全"}
{"kind":"grade","grade":"优","scale":"优良差"}
{"kind":"number","op":"<=","value":0.2,"unit":"%","implicit":false}
{"kind":"deadline","date":"2020-12-31"}
{"kind":"na","placeholder":true}' "seed strings as JSON"
[ -z "$ERR" ] && _ok || _fail "no stderr on success" "$ERR"

# issue 16: strings of real published forms, each read as a person reads it
run "$JIXIAO" value --json '═100%' '≥=95%' '95%（含）以上' '100%完成' '2021年1月-12月' \
    '2020年1月--2020年11月' '2022年1-12月' '2020年全年' '12月底到位' '12月底前' '1次/月' '2次/年'
expect_rc 0 "real-form strings parse"
expect_out '{"kind":"number","op":"=","value":100,"unit":"%","implicit":false}
{"kind":"number","op":">=","value":95,"unit":"%","implicit":false}
{"kind":"number","op":">=","value":95,"unit":"%","implicit":false}
{"kind":"number","op":">=","value":100,"unit":"%","implicit":true}
{"kind":"deadline","date":"2021-12-31"}
{"kind":"deadline","date":"2020-11-30"}
{"kind":"deadline","date":"2022-12-31"}
{"kind":"deadline","date":"2020-12-31"}
{"kind":"deadline","date":"--12-31"}
{"kind":"deadline","date":"--12-31"}
{"kind":"frequency","per_year":12}
{"kind":"frequency","per_year":2}' "real-form strings as JSON"
# ... and the look-alike operators in the 指标性质 column
run "$JIXIAO" value --json --op '═' --unit '%' 100
expect_rc 0 "═ in the operator column"
expect_out '{"kind":"number","op":"=","value":100,"unit":"%","implicit":false}'
run "$JIXIAO" value --json --op '≥=' 95%
expect_rc 0 "≥= in the operator column"
expect_out '{"kind":"number","op":">=","value":95,"unit":"%","implicit":false}'

# a value broken across a line by the PDF extraction
run "$JIXIAO" value --json "万分之十以
上"
expect_rc 0 "line break inside a value"
expect_out '{"kind":"number","op":">=","value":10,"unit":"‱","implicit":false}'

# --op / --unit: the three cells of seed 001 (指标性质 | 指标值 | 度量单位)
run "$JIXIAO" value --json --op '=' --unit '个' 324
expect_rc 0 "cells = 324 个"
expect_out '{"kind":"number","op":"=","value":324,"unit":"个","implicit":false}'
run "$JIXIAO" value --json --op '≥' --unit '%' 98 95
expect_rc 0 "cells ≥ 98/95 %"
expect_out '{"kind":"number","op":">=","value":98,"unit":"%","implicit":false}
{"kind":"number","op":">=","value":95,"unit":"%","implicit":false}'
run "$JIXIAO" value --json --op '定性' '优良差' '好坏'
expect_rc 0 "cells 定性 scales"
expect_out '{"kind":"grade","grade":"优","scale":"优良差"}
{"kind":"grade","grade":"好","scale":"好坏"}'
run "$JIXIAO" value --json --unit '百分 率' '≥65'
expect_rc 0 "unit column only"
expect_out '{"kind":"number","op":">=","value":65,"unit":"%","implicit":false}'

# column conflicts: exit 1, message names the text
run "$JIXIAO" value --json --op '定性' 95
expect_rc 1 "定性 with a number"
expect_out ""
expect_err_has '"95"'
expect_err_has '定性'
run "$JIXIAO" value --json --op '=' '≥95'
expect_rc 1 "operator column conflict"
expect_err_has 'operator column "=" (=) conflicts with "≥95" (>=)'
run "$JIXIAO" value --json --unit '件' '95%'
expect_rc 1 "unit column conflict"
expect_err_has 'unit column "件" conflicts'
run "$JIXIAO" value --op 'abc' 1
expect_rc 1 "bad operator column"
expect_err_has 'operator column "abc" is not an operator'

# a bad string: exit 1 with its message; the good strings around it still print
run "$JIXIAO" value --json '≧400件' '95%满意' '≥5以下' '每月2次'
expect_rc 1 "bad strings among good ones"
expect_out '{"kind":"number","op":">=","value":400,"unit":"件","implicit":false}
{"kind":"frequency","per_year":24}' "good strings still print"
expect_err_has '"95%满意": unexpected text "满意" after the unit'
expect_err_has '"≥5以下": two operators (>= and <=)'

# the plain (non-JSON) form: text, kind, typed value
run "$JIXIAO" value '≧15场次' 360 优良差 XX
expect_rc 0 "plain output"
expect_out_has 'number    >=15场次'
expect_out_has 'number    >=360 (implicit)'
expect_out_has 'grade     优 (优良差)'
expect_out_has 'na        n/a (placeholder)'

# invalid UTF-8 from the command line
run "$JIXIAO" value --json "$(printf '95\377%%')"
expect_rc 1 "invalid UTF-8"
expect_err_has 'invalid UTF-8 at byte 2'

# usage errors and help
run "$JIXIAO" value
expect_rc 2 "no TEXT"
expect_err_has 'no TEXT given'
expect_err_has 'usage: jixiao value'
run "$JIXIAO" value --bogus 1
expect_rc 2 "unknown option"
expect_err_has 'usage: jixiao value'
run "$JIXIAO" value --op
expect_rc 2 "--op without its argument"
run "$JIXIAO" value --help
expect_rc 0 "--help"
expect_out_has 'usage: jixiao value [--json]'
[ -z "$ERR" ] && _ok || _fail "--help prints nothing on stderr" "$ERR"

done_testing
