#!/usr/bin/env bash
# Measures Trigger.matches throughput on generated events (prints figures; not a test).
# Usage: scripts/bench-triggers.sh [EVENTS]   (default 200000)
# Compiles only the dependency-free JSON and Triggers sources with swiftc -O, so it neither
# needs nor disturbs the package's .build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
count="${1:-200000}"
generator="${GEN_EVENTS:-$root/../shared/data/gen_events.py}"
# A git worktree sits one level deeper than the main checkout.
[ -f "$generator" ] || [ -n "${GEN_EVENTS:-}" ] || generator="$root/../../shared/data/gen_events.py"
[ -f "$generator" ] || { echo "gen_events.py not found at $generator (set GEN_EVENTS)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$generator" "$count" 7 > "$work/events.ndjson"
swiftc -O -wmo -module-name TriggerBench -o "$work/bench" \
    "$root"/Sources/CleverTapCore/JSON/*.swift "$root"/Sources/CleverTapCore/Triggers/*.swift \
    "$root/scripts/bench-triggers/main.swift"
"$work/bench" "$work/events.ndjson"
