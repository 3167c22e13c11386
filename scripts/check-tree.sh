#!/usr/bin/env bash
# The tree's own rules, checked by `make test` (ctest: tree_check):
#  1. every tracked C file is formatted as .clang-format says (clang-format 14, Debian 12);
#  2. engine/src/STAGE/ files include internal headers of their own stage or a lower one only:
#     util < read < model < keep < analyse < write (docs/architecture.md).
set -u
cd "$(dirname "$0")/.."
rc=0
if ! command -v clang-format >/dev/null 2>&1; then
    echo "check-tree: clang-format is not installed (make deps installs it)" >&2
    exit 1
fi
bad=$(git ls-files '*.c' '*.h' | xargs clang-format --dry-run 2>&1 | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning:.*/\1/p' | sort -u)
if [ -n "$bad" ]; then
    echo "check-tree: not formatted by .clang-format (run 'make format'):" >&2
    printf '  %s\n' $bad >&2
    rc=1
fi
rank() { case $1 in util) echo 0 ;; read) echo 1 ;; model) echo 2 ;; keep) echo 3 ;; analyse) echo 4 ;; write) echo 5 ;; *) echo 9 ;; esac; }
for f in $(git ls-files 'engine/src/*/*.[ch]'); do
    stage=$(basename "$(dirname "$f")")
    mine=$(rank "$stage")
    [ "$mine" -eq 9 ] && { echo "check-tree: $f: $stage is not a stage" >&2; rc=1; continue; }
    for inc in $(sed -n 's/^#include "\([a-z]*\)\/[^"]*".*/\1/p' "$f"); do
        [ "$inc" = jixiao ] && continue
        if [ "$(rank "$inc")" -gt "$mine" ]; then
            echo "check-tree: $f ($stage) includes a header of a higher stage ($inc)" >&2
            rc=1
        fi
    done
done
exit $rc
