#!/usr/bin/env bash
# Runs every fuzz target in FOLDER for SECONDS each, seeded with the
# project's fixtures, and prints the executions each one survived.
#   tests/fuzz/run_all.sh build-fuzz/tests/fuzz 30
set -euo pipefail
dir=${1:?usage: run_all.sh FOLDER SECONDS}
seconds=${2:-30}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

seeds_for() {
  case "$1" in
    fuzz_weights) ls "$root"/tests/fixtures/golden/*.ecgw "$root"/tests/fixtures/io/*.ecgw 2>/dev/null ;;
    *) find "$root/tests/fixtures/data" -type f ! -name '*.md' 2>/dev/null ;;
  esac
}

status=0
printf '%-22s %12s  %s\n' target executions result
for bin in "$dir"/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  corpus="$work/$name"
  mkdir -p "$corpus"
  seeds_for "$name" | while read -r f; do [ -f "$f" ] && cp "$f" "$corpus/"; done
  log="$work/$name.log"
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -artifact_prefix="$work/$name-" "$corpus" >"$log" 2>&1; then
    result=ok
  else
    result=FAILED; status=1
    tail -40 "$log" >&2
  fi
  runs=$(grep -oE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' | tail -1)
  printf '%-22s %12s  %s\n' "$name" "${runs:-?}" "$result"
done
exit $status
