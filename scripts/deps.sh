#!/usr/bin/env bash
# Install the Debian packages jixiao needs, only when something is missing.
# Non-interactive; uses sudo when not root. Does nothing when all are present.
#
#   scripts/deps.sh         what building, testing and the demo need
#   scripts/deps.sh bench   that, and the pandas peer's Python packages (make bench compares
#                           jixiao with ../shared/peer/score_ref.py in the same run)
set -euo pipefail

# pkg-config module -> Debian package
declare -A MODS=(
  [sqlite3]=libsqlite3-dev [gsl]=libgsl-dev [xlsxwriter]=libxlsxwriter-dev
  [cmocka]=libcmocka-dev [inih]=libinih-dev [libcrypto]=libssl-dev
  [libzip]=libzip-dev [expat]=libexpat1-dev
)
# command -> Debian package
declare -A CMDS=( [cmake]=cmake [pkg-config]=pkg-config [cc]=gcc [make]=make [unzip]=unzip [sqlite3]=sqlite3 [python3]=python3 [valgrind]=valgrind [clang-format]=clang-format [git]=git )

missing=()
for c in "${!CMDS[@]}"; do command -v "$c" >/dev/null 2>&1 || missing+=("${CMDS[$c]}"); done
for m in "${!MODS[@]}"; do
  if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists "$m"; then missing+=("${MODS[$m]}"); fi
done
# python module -> Debian package: only for the benchmark's peer
if [ "${1:-}" = bench ]; then
  declare -A PYMODS=( [pandas]=python3-pandas [xlsxwriter]=python3-xlsxwriter )
  for m in "${!PYMODS[@]}"; do
    /usr/bin/python3 -c "import $m" >/dev/null 2>&1 || missing+=("${PYMODS[$m]}")
  done
fi
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
