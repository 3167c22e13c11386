#!/usr/bin/env bash
# The installed static archive exports exactly the JX_API functions of the public headers
# (ctest: library_symbols). Usage: check-symbols.sh LIBJIXIAO.A INCLUDE_DIR
set -u
lib=$1
inc=$2
exported=$(nm -g --defined-only "$lib" | awk 'NF==3{print $3}' | sort -u)
declared=$(cat "$inc"/*.h | tr '\n' ' ' | grep -o 'JX_API[^;]*;' | grep -o 'jx_[a-z0-9_]*(' | tr -d '(' | sort -u)
rc=0
extra=$(comm -23 <(echo "$exported") <(echo "$declared"))
missing=$(comm -13 <(echo "$exported") <(echo "$declared"))
if [ -n "$extra" ]; then
    echo "check-symbols: $lib exports names that no public header declares:" >&2
    printf '  %s\n' $extra >&2
    rc=1
fi
if [ -n "$missing" ]; then
    echo "check-symbols: public functions missing from $lib:" >&2
    printf '  %s\n' $missing >&2
    rc=1
fi
[ $rc -eq 0 ] && echo "$(echo "$exported" | wc -l) public functions, nothing else exported"
exit $rc
