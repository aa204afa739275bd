#!/usr/bin/env bash
# The third corpus of bench/sweep.mts: real English prose and documentation that a Debian
# machine ships, concatenated in a fixed order into one UTF-8 file outside the repository:
#
#   1. the license texts of /usr/share/common-licenses, in name order;
#   2. manual pages of section 1 (/usr/share/man/man1), in name order, rendered as plain text
#      80 columns wide without hyphenation or justification (man --nh --nj -P cat, then col -bx
#      to drop the overstrikes), until the file reaches the target size.
#
# Each text is taken once (symlinks and texts identical to one already taken, such as the pages
# of GET, HEAD and POST, are left out) and only if it is valid UTF-8 of 1 KB or more.
#
#   bash bench/debian-corpus.sh [OUT] [TARGET_BYTES]     # defaults: /tmp/debian-docs.txt 3000000
#
# Writes OUT and OUT.files (each source's path and its bytes, in order), and prints a summary.
# The same installed packages give the same file byte for byte; another machine's packages give
# another file, which OUT.files records (keep it beside a sweep's results). Needs man-db and
# groff (man, col), nothing else; reads only /usr/share.
set -euo pipefail
export LC_ALL=C
out=${1:-/tmp/debian-docs.txt}
target=${2:-3000000}
case "$target" in '' | *[!0-9]*) echo "debian-corpus: TARGET_BYTES must be a number of bytes, got '$target'" >&2; exit 2 ;; esac
command -v man >/dev/null && command -v col >/dev/null || { echo "debian-corpus: needs man and col (apt-get install man-db groff-base bsdextrautils)" >&2; exit 1; }
repo=$(cd "$(dirname "$0")/.." && pwd)
case "$(cd "$(dirname "$out")" && pwd)/" in "$repo"/*) echo "debian-corpus: write it outside the repository, not $out" >&2; exit 2 ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/corpus"
: >"$tmp/files"
: >"$tmp/seen"
size=0

# add NAME FILE: appends FILE (valid UTF-8, at least 1 KB, not seen before) and records NAME.
add() {
  local bytes sum
  bytes=$(wc -c <"$2")
  sum=$(sha256sum <"$2" | cut -c1-64)
  if [ "$bytes" -ge 1024 ] && ! grep -qx "$sum" "$tmp/seen" && iconv -f UTF-8 -t UTF-8 "$2" >/dev/null 2>&1; then
    cat "$2" >>"$tmp/corpus"
    printf '%s\t%s\n' "$1" "$bytes" >>"$tmp/files"
    echo "$sum" >>"$tmp/seen"
    size=$((size + bytes))
  fi
}

for f in /usr/share/common-licenses/*; do
  [ -f "$f" ] && [ ! -L "$f" ] || continue
  [ "$size" -lt "$target" ] || break
  add "$f" "$f"
done

for page in /usr/share/man/man1/*; do
  [ "$size" -lt "$target" ] || break
  [ -f "$page" ] && [ ! -L "$page" ] || continue
  MANWIDTH=80 man --nh --nj -E UTF-8 -P cat -l "$page" 2>/dev/null | col -bx >"$tmp/page" || continue
  add "$page" "$tmp/page"
done

mv "$tmp/corpus" "$out"
mv "$tmp/files" "$out.files"
echo "$out: $(wc -c <"$out") bytes, $(wc -l <"$out") lines, from $(wc -l <"$out.files") files (listed in $out.files)"
