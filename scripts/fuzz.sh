#!/usr/bin/env bash
# Builds the libFuzzer targets for CleverTapCore's parsers and runs each for a given time.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 600 seconds each, every target
#   FUZZ_JOBS=N scripts/fuzz.sh ...           run N targets at once (default 1)
#
# Targets (fuzz/Targets/*.swift): json (parser + writer round trip), trigger (parser, printer
# round trip, matcher), mapping (validation, compiler, evaluator), workspace (codec round trip,
# validator), dashboard (dashboard-URL detection). They are compiled with
# `swiftc -sanitize=fuzzer,address` into one binary together with the core's sources that need
# no network (the HTTP client and its users are left out); FUZZ_TARGET picks the target at run
# time. Neither `swift build` nor `swift test` builds any of it.
#
# Corpora: fuzz/corpus/<target>, kept between runs and seeded from the tests' own inputs
# (fuzz/seed.py writes fuzz/seeds/<target>). Crashes, timeouts and out-of-memory inputs go to
# fuzz/findings/<target>/; the script exits 1 when there are any. Each run ends with libFuzzer's
# summary (`stat::number_of_executed_units`), also kept in .build-fuzz/<target>.log.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json trigger mapping workspace dashboard)
for target in "${targets[@]}"; do
    case $target in json|trigger|mapping|workspace|dashboard) ;; *) echo "fuzz.sh: unknown target $target" >&2; exit 2 ;; esac
done
swiftc=${SWIFTC:-swiftc}
build="$root/.build-fuzz"
binary="$build/fuzz-core"
mkdir -p "$build"

# The core without the HTTP client (the only part with package dependencies).
sources() {
    find "$root/Sources/CleverTapCore" -name '*.swift' \
        ! -path '*/CleverTap/CleverTapClient.swift' \
        ! -path '*/Delivery/CleverTapTransport.swift' \
        ! -path '*/TestEvents/TestEventSender.swift' | sort
    find "$root/fuzz/Targets" -name '*.swift' | sort
}

newest=$(sources | xargs ls -t | head -1 || true)  # head closes the pipe early
if [ ! -x "$binary" ] || [ "$newest" -nt "$binary" ]; then
    echo "fuzz.sh: building $binary (minutes: the whole core, optimised and instrumented)" >&2
    # shellcheck disable=SC2046
    "$swiftc" -O -g -sanitize=fuzzer,address -parse-as-library -module-name CleverTapCore \
        -module-cache-path "$build/module-cache" $(sources) -o "$binary" 2>&1 \
        | grep -v "Cannot export local symbol" >&2 || true
    [ -x "$binary" ] && [ "$binary" -nt "$newest" ] || { echo "fuzz.sh: build failed" >&2; exit 1; }
fi
python3 "$root/fuzz/seed.py"

run_target() {
    local name=$1
    local corpus="$root/fuzz/corpus/$name" findings="$root/fuzz/findings/$name"
    mkdir -p "$corpus" "$findings"
    echo "fuzz.sh: running $name for ${seconds}s" >&2
    FUZZ_TARGET=$name "$binary" "$corpus" "$root/fuzz/seeds/$name" \
        -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$findings/" -print_final_stats=1 >"$build/$name.log" 2>&1 || true
    echo "== $name: $(grep -E '^stat::number_of_executed_units' "$build/$name.log" || echo 'no summary') \
$(grep -cE '^==[0-9]+==|Test unit written' "$build/$name.log" || true) finding line(s)"
}

jobs=${FUZZ_JOBS:-1}
running=0
for target in "${targets[@]}"; do
    run_target "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait
status=0
for target in "${targets[@]}"; do
    if compgen -G "$root/fuzz/findings/$target/*" >/dev/null; then
        echo "fuzz.sh: $target has findings: $(ls "$root/fuzz/findings/$target" | tr '\n' ' ')" >&2
        status=1
    fi
done
exit $status
