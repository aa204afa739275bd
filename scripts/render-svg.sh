#!/usr/bin/env bash
# Screenshot an SVG with headless Chromium, to look at what `charnn plot` drew.
#   scripts/render-svg.sh chart.svg [out.png]     (default: chart.png beside the SVG)
# Needs Debian's chromium (apt-get install -y chromium), or CHROMIUM=/path/to/chrome.
# The window is the SVG's own width x height (from its root element; 900x600 if absent).
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 FILE.svg [OUT.png]" >&2
  exit 2
fi
svg=$1
png=${2:-${svg%.svg}.png}
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [ -z "$chromium" ]; then
  echo "$0: no chromium found (apt-get install -y chromium, or set CHROMIUM)" >&2
  exit 1
fi
if [ ! -f "$svg" ]; then
  echo "$0: no such file: $svg" >&2
  exit 1
fi
root=$(grep -o '<svg[^>]*>' "$svg" | head -1)
width=$(printf '%s' "$root" | sed -n 's/.* width="\([0-9.]*\)".*/\1/p')
height=$(printf '%s' "$root" | sed -n 's/.* height="\([0-9.]*\)".*/\1/p')
width=${width%.*}
height=${height%.*}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# Chromium resolves --screenshot relative to its working directory: give it absolute paths.
abs_png=$(cd "$(dirname "$png")" && pwd)/$(basename "$png")
abs_svg=$(cd "$(dirname "$svg")" && pwd)/$(basename "$svg")
"$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
  --user-data-dir="$profile" --screenshot="$abs_png" --window-size="${width:-900},${height:-600}" \
  "file://$abs_svg" >/dev/null 2>&1
if [ ! -s "$abs_png" ]; then
  echo "$0: chromium wrote no screenshot" >&2
  exit 1
fi
echo "$abs_png"
