#!/usr/bin/env bash
# Renders a run report (reports/<D>/index.html) to a PNG screenshot with headless Chromium, to check it
# reads well or to attach it to a message. Usage: scripts/render-report.sh <index.html> <out.png>
# Needs the OS package: apt-get install -y chromium. REPORT_WINDOW_SIZE overrides the page size (W,H).
set -euo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: $0 <report.html> <out.png>" >&2
  exit 2
fi
html="$(realpath -e "$1")"
png="$(realpath -m "$2")"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [[ -z "$browser" ]]; then
  echo "$0: chromium not found; install it with: apt-get update && apt-get install -y chromium" >&2
  exit 4
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
mkdir -p "$(dirname "$png")"
# A fresh profile and no background services: the page must render from the file alone, offline.
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --screenshot="$png" --window-size="${REPORT_WINDOW_SIZE:-1400,3000}" \
  "file://$html" >/dev/null 2>"$profile/chromium.log" || { cat "$profile/chromium.log" >&2; exit 1; }
[[ -s "$png" ]] || { echo "$0: no screenshot written" >&2; cat "$profile/chromium.log" >&2; exit 1; }
echo "$png"
