#!/usr/bin/env bash
# seed.sh OUTDIR - build the fuzzers' seed corpora from the project's real inputs:
#   OUTDIR/value    every cell (≤ 80 bytes) of fixtures/*/*.csv and the seed tables
#                   (/work/shared/seeds or $JX_SEEDS), and 指标性质\0指标值\0度量单位 triples
#   OUTDIR/csv      a block-size byte + each fixture, seed table and tests/bad file, and
#                   fixtures re-encoded as GB18030, UTF-8 with BOM + CRLF, UTF-16LE
#   OUTDIR/ruleset  rules/*.ini
#   OUTDIR/import   targets\0actuals\0budget of each fixture folder (and a GB18030 copy)
# Files are named by their SHA-1, so re-running adds nothing twice.
set -euo pipefail
out=${1:?usage: seed.sh OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=${JX_SEEDS:-/work/shared/seeds}
mkdir -p "$out"/{value,csv,ruleset,import}

put() { # DIR < bytes
    local tmp
    tmp=$(mktemp "$1/.new.XXXXXX")
    cat >"$tmp"
    mv "$tmp" "$1/$(sha1sum <"$tmp" | cut -c1-40)"
}

# ---- value: cells ----
{
    find "$root/fixtures" -name '*.csv' | sort | while IFS= read -r f; do tail -n +2 "$f" | tr ',' '\n'; done
    if [ -d "$seeds" ]; then cat "$seeds"/*.txt | tr '\t' '\n'; fi
} | sed 's/\r$//; s/^ *//; s/ *$//' | awk 'length($0) > 0 && length($0) <= 80' | sort -u |
    while IFS= read -r cell; do printf '%s' "$cell" | put "$out/value"; done
# operator, value and unit cells of the targets tables (columns 8, 9, 10)
for f in "$root"/fixtures/*/targets.csv; do
    tail -n +2 "$f" | awk -F, '{ printf "%s\t%s\t%s\n", $8, $9, $10 }'
done | sort -u | while IFS=$'\t' read -r op v unit; do
    printf '%s\0%s\0%s' "$op" "$v" "$unit" | put "$out/value"
done

# ---- csv: one byte picking the block size, then the file ----
csv_seed() { { printf '\x0f'; cat; } | put "$out/csv"; }
for f in "$root"/fixtures/*/*.csv; do
    csv_seed <"$f"
    iconv -f UTF-8 -t GB18030 "$f" | csv_seed
    { printf '\xef\xbb\xbf'; sed 's/$/\r/' "$f"; } | csv_seed
    { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$f"; } | csv_seed
done
if [ -d "$seeds" ]; then for f in "$seeds"/*.txt; do csv_seed <"$f"; done; fi
if [ -d "$root/tests/bad" ]; then
    for f in "$root"/tests/bad/*; do
        case "$f" in *.md | *.txt | *.sh | *.expect) continue ;; esac
        [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 65536 ] && csv_seed <"$f"
    done
fi

# ---- ruleset ----
for f in "$root"/rules/*.ini; do put "$out/ruleset" <"$f"; done
printf '[ruleset]\nextends = mof-2020\nname = x\n' | put "$out/ruleset"

# ---- import: targets \0 actuals \0 budget ----
# every fixture folder with a targets table (fixtures/NAME/ and fixtures/published/NN-NAME/);
# actuals and budget where it has them
find "$root/fixtures" -name targets.csv | sort | while IFS= read -r f; do
    d=$(dirname "$f")
    { cat "$f"; printf '\0'; cat "$d/actuals.csv" 2>/dev/null || :; printf '\0'; cat "$d/budget.csv" 2>/dev/null || :; } |
        put "$out/import"
done
d=$root/fixtures/dazhu-2024
{ iconv -t GB18030 "$d/targets.csv"; printf '\0'; iconv -t GB18030 "$d/actuals.csv"; printf '\0'; iconv -t GB18030 "$d/budget.csv"; } |
    put "$out/import"
