#!/usr/bin/env bash
# Benchmark of `clevertap-actions map` with a Quick Setup workspace against jq and python3 doing
# the same transform (scripts/bench/map-quick-setup.jq, scripts/bench/map_quick_setup.py), on
# generated Segment events, each pinned to one core (`map --jobs 1`), then `map` on all cores
# against its one-core rate. Prints events/s and ratios; checks that the outputs are
# byte-identical. Not a test: figures vary with the machine.
#
#   scripts/bench-map.sh            # 200,000 events
#   EVENTS=50000 scripts/bench-map.sh
#   BUILD=0 scripts/bench-map.sh       # use the release binary as it is (as the other benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
events_count=${EVENTS:-200000}
seed=${SEED:-7}
core=${CORE:-0}

# gen_events.py lives in the shared folder beside the repository root (one or two levels up,
# depending on whether this is the main checkout or a worktree), or wherever GEN_EVENTS says.
generator=${GEN_EVENTS:-}
if [ -z "$generator" ]; then
    for candidate in ../shared/data/gen_events.py ../../shared/data/gen_events.py; do
        if [ -f "$candidate" ]; then generator=$candidate; break; fi
    done
fi
[ -n "$generator" ] && [ -f "$generator" ] || { echo "bench-map: gen_events.py not found; set GEN_EVENTS=path" >&2; exit 2; }
for tool in jq python3 taskset bc; do
    command -v "$tool" >/dev/null || { echo "bench-map: $tool is required" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
events=$work/events.ndjson

echo "Generating $events_count events (seed $seed)..."
python3 "$generator" "$events_count" "$seed" > "$events"
bytes=$(wc -c < "$events")

if [ "${BUILD:-1}" != 0 ]; then
    echo "Building release..."
    swift=${SWIFT:-swift}  # SWIFT names another driver (a wrapper) when needed
    "$swift" build -c release --product clevertap-actions 2>&1 | tail -1
fi
binary=$root/.build/release/clevertap-actions

"$binary" setup --non-interactive --config "$work/workspace.json" --source-name Bench --project-id W9R-486-4W5Z \
    --passcode-env CT_PASSCODE --region eu1 --quick > /dev/null 2>&1

. "$root/scripts/bench/timing.sh"
# best_of RUNS OUTPUT COMMAND...: fastest wall time of RUNS runs, each reading the events on
# standard input; the output of the last run is kept.
best_of() {
    local runs=$1 output=$2; shift 2
    local best="" start
    for _ in $(seq "$runs"); do
        start=$(now)
        "$@" < "$events" > "$output"
        keep_best best "$(elapsed_since "$start")"
    done
    echo "$best"
}

# map on one core and on all cores in turns (ROUNDS of them, best time each): the VM's speed
# drifts by a third within a minute, so timing one after the other compared different machines.
rounds=${ROUNDS:-10}  # each round is a few seconds; more of them find the quiet moments of a busy host
cores=$(nproc)
echo "Timing map on core $core, on all $cores cores, and $cores one-core maps at once, in turns (best of $rounds)..."
map_time=""; all_time=""; ceiling_time=""
for _ in $(seq "$rounds"); do
    keep_best map_time "$(best_of 1 "$work/map.out" taskset -c "$core" "$binary" map --jobs 1 --config "$work/workspace.json" -)"
    keep_best all_time "$(best_of 1 "$work/map-all.out" "$binary" map --jobs "$cores" --config "$work/workspace.json" -)"
    keep_best ceiling_time "$(one_per_core "$cores" "$work/ceiling-" "$binary" map --jobs 1 --config "$work/workspace.json" "$events")"
done
echo "Timing python3 (best of 3) and jq (one run) on core $core..."
py_time=$(best_of 3 "$work/python.out" taskset -c "$core" python3 scripts/bench/map_quick_setup.py)
jq_time=$(best_of 1 "$work/jq.out" taskset -c "$core" jq -c -f scripts/bench/map-quick-setup.jq)

# The same events with what analytics.js adds to every call (page, user agent, campaign, ...):
# most of such an event is read by no subscription, which `map` skips without building.
browser=$work/browser.ndjson
python3 scripts/bench/browser_context.py < "$events" > "$browser"
browser_bytes=$(wc -c < "$browser")
best_of_browser() { local saved=$events; events=$browser; best_of "$@"; events=$saved; }
echo "Timing events of browser size on core $core (map: best of 3; jq: one run)..."
browser_map_time=$(best_of_browser 3 "$work/browser-map.out" taskset -c "$core" "$binary" map --jobs 1 --config "$work/workspace.json" -)
browser_jq_time=$(best_of_browser 1 "$work/browser-jq.out" taskset -c "$core" jq -c -f scripts/bench/map-quick-setup.jq)


if cmp -s "$work/map.out" "$work/jq.out" && cmp -s "$work/map.out" "$work/python.out" && cmp -s "$work/map.out" "$work/map-all.out"; then
    same="identical ($(wc -l < "$work/map.out") lines each)"
    cmp -s "$work/browser-map.out" "$work/browser-jq.out" || same="$same; browser-size outputs DIFFERENT"
else
    same="DIFFERENT: compare the tools' outputs"
fi

rate() { echo "$events_count / $1" | bc -l; }
map_rate=$(rate "$map_time"); py_rate=$(rate "$py_time"); jq_rate=$(rate "$jq_time"); all_rate=$(rate "$all_time")
echo
printf 'Events: %d (%.1f MB), Quick Setup (User Upload on identify, User Delete on "Delete User")\n' "$events_count" "$(echo "$bytes / 1000000" | bc -l)"
printf '%-34s %9s %14s %12s\n' "tool" "seconds" "events/s" "map is"
printf '%-34s %9.3f %14.0f %12s\n' "clevertap-actions map (release)" "$map_time" "$map_rate" "-"
printf '%-34s %9.3f %14.0f %11.2fx\n' "map --jobs $cores (x one core)" "$all_time" "$all_rate" "$(echo "$all_rate / $map_rate" | bc -l)"
# What the machine gives $cores cores of independent work, in the same turns: the yardstick for
# the --jobs ratio (on this VM two runs at once each run ~1.4x slower than one alone).
ceiling=$(echo "$cores * $map_time / $ceiling_time" | bc -l)
printf '%-34s %9.3f %14.0f %11.2fx\n' "$cores one-core maps at once" "$ceiling_time" "$(echo "$cores * $events_count / $ceiling_time" | bc -l)" "$ceiling"
printf '%-34s %23s %11.0f%%\n' "map --jobs $cores / maps at once" "" "$(echo "100 * ($all_rate / $map_rate) / $ceiling" | bc -l)"
printf '%-34s %9.3f %14.0f %11.1fx\n' "python3 (json, re)" "$py_time" "$py_rate" "$(echo "$map_rate / $py_rate" | bc -l)"
printf '%-34s %9.3f %14.0f %11.1fx\n' "jq $(jq --version | sed 's/jq-//')" "$jq_time" "$jq_rate" "$(echo "$map_rate / $jq_rate" | bc -l)"
browser_map_rate=$(rate "$browser_map_time"); browser_jq_rate=$(rate "$browser_jq_time")
printf '\nThe same events at browser size (%.1f MB, %.0f bytes each: page, user agent, campaign, ...)\n' \
    "$(echo "$browser_bytes / 1000000" | bc -l)" "$(echo "$browser_bytes / $events_count" | bc -l)"
printf '%-34s %9.3f %14.0f %12s\n' "clevertap-actions map (release)" "$browser_map_time" "$browser_map_rate" "-"
printf '%-34s %9.3f %14.0f %11.1fx\n' "jq $(jq --version | sed 's/jq-//')" "$browser_jq_time" "$browser_jq_rate" "$(echo "$browser_map_rate / $browser_jq_rate" | bc -l)"
printf '%-34s %23.0f %12s\n' "map, MB/s of input" "$(echo "$browser_bytes / 1000000 / $browser_map_time" | bc -l)" ""
echo "Outputs: $same"
