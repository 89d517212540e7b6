#!/usr/bin/env bash
# Renders an out/ folder's report.html in headless Chromium to a PNG, for a person to look at.
#   bench/screenshot-report.sh OUT_DIR [PNG] [WIDTHxHEIGHT]
# Needs Debian's `chromium` and a CJK font (`apt-get install -y chromium fonts-noto-cjk`).
set -euo pipefail

out_dir=${1:?usage: bench/screenshot-report.sh OUT_DIR [PNG] [WIDTHxHEIGHT]}
png=${2:-$out_dir/report.png}
size=${3:-1400x2400}
report="$(cd "$out_dir" && pwd)/report.html"

[[ -f $report ]] || { echo "no report.html in $out_dir; run fapiao load first" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[[ -n $browser ]] || { echo "chromium not found; install it with: apt-get install -y chromium fonts-noto-cjk" >&2; exit 2; }
fc-list :lang=zh 2>/dev/null | grep -q . || echo "warning: no Chinese font found; install fonts-noto-cjk" >&2

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size="${size/x/,}" --screenshot="$png" "file://$report" 2>/dev/null
echo "wrote $png"
