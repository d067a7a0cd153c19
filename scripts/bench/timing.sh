# Timing helpers sourced by scripts/bench-map.sh and scripts/bench-deliver.sh.

now() { date +%s.%N; }
elapsed_since() { echo "$(now) - $1" | bc -l; }

# keep_best VARIABLE SECONDS: keeps the smaller of VARIABLE's value and SECONDS in VARIABLE.
keep_best() {
    local current=${!1}
    if [ -z "$current" ] || [ "$(echo "$2 < $current" | bc -l)" = 1 ]; then printf -v "$1" '%s' "$2"; fi
}

# one_per_core CORES PREFIX COMMAND...: wall time of CORES copies of COMMAND run at once, copy i
# pinned to core i, its standard output written to the file PREFIXi (a regular file, as the timed
# runs it is compared with write theirs: /dev/null would spare the copies the writing). What the
# machine gives that many cores doing independent work: on this VM two one-core runs at once each
# take up to ~1.4x as long as one alone (the vCPUs share a physical core or a busy host). The
# benchmarks print this yardstick beside their --jobs ratios, measured in the same turns.
one_per_core() {
    local cores=$1 prefix=$2; shift 2
    local start pids=() c
    start=$(now)
    for c in $(seq 0 $((cores - 1))); do
        taskset -c "$c" "$@" > "$prefix$c" 2> /dev/null &
        pids+=($!)
    done
    for c in "${pids[@]}"; do wait "$c" || true; done
    elapsed_since "$start"
}
