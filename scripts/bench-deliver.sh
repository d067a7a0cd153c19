#!/usr/bin/env bash
# Benchmark of `clevertap-actions deliver` (not a test: figures vary with the machine). In one run:
#   1. `deliver --dry-run` on generated events, pinned to one core, against the equivalent jq
#      transform (scripts/bench/map-quick-setup.jq piped into scripts/bench/deliver-batch.jq, the
#      same core): events/s and MB/s, and a check that both write byte-identical requests; then the
#      dry run on all cores (`--jobs $(nproc)`) against its one-core rate, outputs compared;
#   2. delivery into the local sandbox with batching (1000 profiles per request) against one
#      request per event (--batch-size 1, what Segment's own CleverTap action does), both with
#      the default concurrency: records/s;
#   3. peak memory (maximum RSS from /usr/bin/time -v) of a dry run over 1,000,000 events.
#
#   scripts/bench-deliver.sh
#   EVENTS=200000 DELIVER_EVENTS=20000 PER_EVENT=2000 BIG=1000000 LATENCY_MS=0 scripts/bench-deliver.sh
#   BUILD=0 scripts/bench-deliver.sh    # use the release binary as it is
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
events_count=${EVENTS:-200000}
deliver_count=${DELIVER_EVENTS:-20000}
per_event_count=${PER_EVENT:-2000}
big_count=${BIG:-1000000}
latency=${LATENCY_MS:-0}
seed=${SEED:-7}
core=${CORE:-0}

generator=${GEN_EVENTS:-}
if [ -z "$generator" ]; then
    for candidate in ../shared/data/gen_events.py ../../shared/data/gen_events.py; do
        if [ -f "$candidate" ]; then generator=$candidate; break; fi
    done
fi
[ -n "$generator" ] && [ -f "$generator" ] || { echo "bench-deliver: gen_events.py not found; set GEN_EVENTS=path" >&2; exit 2; }
for tool in jq python3 taskset bc; do
    command -v "$tool" >/dev/null || { echo "bench-deliver: $tool is required" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench-deliver: /usr/bin/time is required (apt-get install time)" >&2; exit 2; }

work=$(mktemp -d)
sandbox_pid=""
cleanup() {
    if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

if [ "${BUILD:-1}" != 0 ]; then
    echo "Building release..."
    swift=${SWIFT:-swift}  # SWIFT names another driver (a wrapper) when needed
    "$swift" build -c release --product clevertap-actions 2>&1 | tail -1
fi
binary=$root/.build/release/clevertap-actions

export BENCH_PASSCODE=sandbox-passcode
"$binary" setup --non-interactive --config "$work/workspace.json" --source-name Bench --project-id TEST-SBX-123-456Z \
    --passcode-env BENCH_PASSCODE --endpoint http://127.0.0.1:9 --quick > /dev/null

. "$root/scripts/bench/timing.sh"

# --- 1. dry run vs jq -------------------------------------------------------------------------
events=$work/events.ndjson
echo "Generating $events_count events (seed $seed)..."
python3 "$generator" "$events_count" "$seed" > "$events"
bytes=$(wc -c < "$events")

# The dry run on one core, on all cores, and map on one core, in turns (ROUNDS of them, best
# time each): the VM's speed drifts by a third within a minute, so timing one after the other
# compared different machines. Issue 12's targets: all cores at least 1.7x one core, and the dry
# run at least 80% of map's rate on the same events and core. Every timed run writes its output
# (requests, records) to a regular file, as a user's run would: map's went to /dev/null here
# once, which spared it the writing the dry run was timed with.
rounds=${ROUNDS:-10}  # each round is a few seconds; more of them find the quiet moments of a busy host
cores=$(nproc)
echo "Dry run (one core, all $cores cores, $cores one-core runs at once) and map (one core), in turns, best of $rounds; jq: one run..."
dry_time=""; dry_all_time=""; map_time=""; ceiling_time=""
for _ in $(seq "$rounds"); do
    start=$(now)
    taskset -c "$core" "$binary" deliver --config "$work/workspace.json" --dry-run --jobs 1 --output "$work/deliver.out" "$events" > /dev/null 2>&1
    keep_best dry_time "$(elapsed_since "$start")"
    start=$(now)
    "$binary" deliver --config "$work/workspace.json" --dry-run --jobs "$cores" --output "$work/deliver-all.out" "$events" > /dev/null 2>&1
    keep_best dry_all_time "$(elapsed_since "$start")"
    start=$(now)
    taskset -c "$core" "$binary" map --jobs 1 --config "$work/workspace.json" "$events" > "$work/map.out" 2> /dev/null || true
    keep_best map_time "$(elapsed_since "$start")"
    keep_best ceiling_time "$(one_per_core "$cores" "$work/ceiling-" "$binary" deliver --config "$work/workspace.json" --dry-run --jobs 1 "$events")"
done
if cmp -s "$work/deliver.out" "$work/deliver-all.out"; then all_same="identical"; else all_same="DIFFERENT from the one-core output"; fi
start=$(now)
taskset -c "$core" sh -c "jq -c -f '$root/scripts/bench/map-quick-setup.jq' < '$events' | jq -n -c -f '$root/scripts/bench/deliver-batch.jq' > '$work/jq.out'"
jq_time=$(elapsed_since "$start")
if cmp -s "$work/deliver.out" "$work/jq.out"; then
    same="identical ($(wc -l < "$work/deliver.out") requests each)"
else
    same="DIFFERENT: compare $work/deliver.out and $work/jq.out"
fi

# --- 2. batched vs one request per event, into the sandbox ------------------------------------
"$binary" sandbox --port 0 --latency-ms "$latency" > "$work/sandbox.out" 2> "$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 100); do [ -s "$work/sandbox.out" ] && break; sleep 0.1; done
url=$(head -n 1 "$work/sandbox.out")
case "$url" in http://*) ;; *) echo "bench-deliver: the sandbox did not start: $(cat "$work/sandbox.err")" >&2; exit 1 ;; esac

head -n "$deliver_count" "$events" > "$work/batched.ndjson"
head -n "$per_event_count" "$events" > "$work/per-event.ndjson"
run_delivery() {  # run_delivery INPUT REPORT [extra args...]
    local input=$1 report=$2; shift 2
    "$binary" deliver --config "$work/workspace.json" --endpoint "$url" --json --dead-letter "$work/dead-letter.ndjson" \
        --queue "sqlite:$work/deliver-$(basename "$input").sqlite" "$@" "$input" > "$report" || true
}
records_of() { jq '[.subscriptions[].processed] | add' "$1"; }
requests_of() { jq '.requests' "$1"; }
echo "Delivering $deliver_count events batched and $per_event_count one request per event to the sandbox at $url (latency ${latency} ms)..."
start=$(now); run_delivery "$work/batched.ndjson" "$work/batched.json"; batched_time=$(elapsed_since "$start")
start=$(now); run_delivery "$work/per-event.ndjson" "$work/per-event.json" --batch-size 1; single_time=$(elapsed_since "$start")
batched_records=$(records_of "$work/batched.json"); single_records=$(records_of "$work/per-event.json")
batched_requests=$(requests_of "$work/batched.json"); single_requests=$(requests_of "$work/per-event.json")
lost=0
[ -s "$work/dead-letter.ndjson" ] && lost=$(wc -l < "$work/dead-letter.ndjson")

# --- 3. peak memory on a large file --------------------------------------------------------------
big=$work/big.ndjson
echo "Generating $big_count events for the memory run..."
python3 "$generator" "$big_count" "$seed" > "$big"
big_bytes=$(wc -c < "$big")
/usr/bin/time -v "$binary" deliver --config "$work/workspace.json" --dry-run --output /dev/null "$big" 2> "$work/time.txt" >/dev/null || true
rss_kib=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$work/time.txt")
big_time=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$work/time.txt")

# --- report ----------------------------------------------------------------------------------------
mb() { echo "$1 / 1000000" | bc -l; }
dry_rate=$(echo "$events_count / $dry_time" | bc -l); jq_rate=$(echo "$events_count / $jq_time" | bc -l)
batched_rate=$(echo "$batched_records / $batched_time" | bc -l); single_rate=$(echo "$single_records / $single_time" | bc -l)
echo
printf 'Dry run: %d events (%.1f MB), Quick Setup, one core\n' "$events_count" "$(mb "$bytes")"
printf '  %-40s %9s %12s %9s\n' "tool" "seconds" "events/s" "MB/s"
printf '  %-40s %9.3f %12.0f %9.1f\n' "clevertap-actions deliver --dry-run" "$dry_time" "$dry_rate" "$(echo "$(mb "$bytes") / $dry_time" | bc -l)"
printf '  %-40s %9.3f %12.0f %9.1f\n' "jq $(jq --version | sed 's/jq-//') (map | batch)" "$jq_time" "$jq_rate" "$(echo "$(mb "$bytes") / $jq_time" | bc -l)"
printf '  deliver --dry-run is %.1fx jq; requests %s\n' "$(echo "$dry_rate / $jq_rate" | bc -l)" "$same"
printf '  deliver --dry-run --jobs %d (all cores): %.3f s, %.0f events/s, %.2fx one core; requests %s\n' \
    "$cores" "$dry_all_time" "$(echo "$events_count / $dry_all_time" | bc -l)" "$(echo "$dry_time / $dry_all_time" | bc -l)" "$all_same"
printf '  %d one-core dry runs at once, one per core: %.2fx one alone (the machine'"'"'s yardstick); --jobs %d is %.0f%% of that\n' \
    "$cores" "$(echo "$cores * $dry_time / $ceiling_time" | bc -l)" "$cores" "$(echo "100 * ($dry_time / $dry_all_time) / ($cores * $dry_time / $ceiling_time)" | bc -l)"
printf '  clevertap-actions map --jobs 1, same events and core: %.3f s, %.0f events/s; the dry run is %.0f%% of it\n' \
    "$map_time" "$(echo "$events_count / $map_time" | bc -l)" "$(echo "100 * $map_time / $dry_time" | bc -l)"
echo
printf 'Delivery to the sandbox (concurrency 15, latency %s ms)\n' "$latency"
printf '  %-40s %9s %9s %12s\n' "mode" "records" "requests" "records/s"
printf '  %-40s %9d %9d %12.0f\n' "batched (1000 per upload, 100 per delete)" "$batched_records" "$batched_requests" "$batched_rate"
printf '  %-40s %9d %9d %12.0f\n' "one request per event (--batch-size 1)" "$single_records" "$single_requests" "$single_rate"
printf '  batched is %.1fx one request per event; dead-lettered: %d\n' "$(echo "$batched_rate / $single_rate" | bc -l)" "$lost"
echo
printf 'Memory: dry run over %d events (%.0f MB) took %s, peak RSS %.1f MiB\n' "$big_count" "$(mb "$big_bytes")" "$big_time" "$(echo "$rss_kib / 1024" | bc -l)"
