#!/usr/bin/env bash
# Benchmark of `clevertap-actions serve` (not a test: figures vary with the machine). In one run,
# against the local sandbox, with the SQLite queue (and with PostgreSQL when BENCH_POSTGRES names a
# database URL whose server may get a scratch database per run):
#   1. intake: events/s acknowledged (HTTP 200 = committed) for POST /v1/batch with 100 events per
#      request, from CONCURRENCY parallel senders;
#   2. delivery: how long until every acknowledged event is stored in the sandbox, and p50/p99 of
#      accept -> CleverTap's confirmation per record, from serve's own latency histogram
#      (/metrics; a quantile is reported as the upper bound of its bucket);
#   3. deliver: the same number of identifies from a file through its SQLite queue (`deliver`,
#      resumable: the only way it sends) against `deliver --dry-run` over the same file (reading,
#      mapping and batching alone), and the ratio of their rates.
#
#   scripts/bench-serve.sh
#   EVENTS=50000 CONCURRENCY=8 scripts/bench-serve.sh
#   BUILD=0 BINARY=.build/debug/clevertap-actions scripts/bench-serve.sh   # another binary, as it is
#   BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres scripts/bench-serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
events=${EVENTS:-20000}
concurrency=${CONCURRENCY:-4}

if [ "${BUILD:-1}" != 0 ]; then
    echo "Building release..."
    "${SWIFT:-swift}" build -c release --product clevertap-actions 2>&1 | tail -1
fi
binary=${BINARY:-$root/.build/release/clevertap-actions}

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

export BENCH_PASSCODE=sandbox-passcode
"$binary" sandbox --port 0 > "$work/sandbox.out" 2> "$work/sandbox.err" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/sandbox.out" ] && break; sleep 0.1; done
sandbox=$(head -1 "$work/sandbox.out")
"$binary" setup --non-interactive --config "$work/workspace.json" --source-name Bench --source-type server \
    --project-id TEST-SBX-123-456Z --passcode-env BENCH_PASSCODE --endpoint "$sandbox" --quick > /dev/null
run_one() {  # $1: label, $2: queue URL
    "$binary" serve --config "$work/workspace.json" --listen 127.0.0.1:0 --queue "$2" > "$work/serve.out" 2> "$work/serve.err" &
    local serve_pid=$!
    pids+=($serve_pid)
    for _ in $(seq 100); do [ -s "$work/serve.out" ] && break; sleep 0.1; done
    local serve
    serve=$(head -1 "$work/serve.out")
    python3 "$work/bench.py" "$serve" "$sandbox" "$key" "$events" "$concurrency" "$binary" "$1"
    kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
    : > "$work/serve.out"
}
key=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['sources'][0]['writeKey'])" "$work/workspace.json")

cat > "$work/bench.py" <<'PY'
import base64, http.client, json, re, sys, threading, time, urllib.parse

serve, sandbox, key, total, concurrency, binary, label = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7]
run = "%x" % int(time.time() * 1000)
auth = "Basic " + base64.b64encode((key + ":").encode()).decode()
host = urllib.parse.urlparse(serve)
per_request = 100
batches = total // per_request
lock = threading.Lock()
next_batch = [0]
acknowledged = [0]
refused = [0]

def sender():
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    while True:
        with lock:
            index = next_batch[0]
            next_batch[0] += 1
        if index >= batches:
            return
        batch = [{"type": "identify", "userId": "bench-%s-%d-%d" % (run, index, i),
                  "traits": {"email": "b%d.%d@example.com" % (index, i), "plan": "pro"}} for i in range(per_request)]
        body = json.dumps({"batch": batch}).encode()
        connection.request("POST", "/v1/batch", body, {"Authorization": auth, "Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        with lock:
            if response.status == 200:
                acknowledged[0] += per_request
            else:
                refused[0] += per_request

def get(base, path):
    url = urllib.parse.urlparse(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.request("GET", path)
    return connection.getresponse().read().decode()

baseline = json.loads(get(sandbox, "/sandbox/profiles"))["count"]
start = time.monotonic()
threads = [threading.Thread(target=sender) for _ in range(concurrency)]
for thread in threads: thread.start()
for thread in threads: thread.join()
accepted_in = time.monotonic() - start
while json.loads(get(sandbox, "/sandbox/profiles"))["count"] < baseline + acknowledged[0]:
    if time.monotonic() - start > 600:
        sys.exit("bench-serve: not every acknowledged event arrived within 600 s")
    time.sleep(0.05)
stored_in = time.monotonic() - start

metrics = get(serve, "/metrics")
buckets = sorted((float("inf") if le == "+Inf" else float(le), float(count)) for le, count in
                 re.findall(r'clevertap_serve_delivery_latency_seconds_bucket\{[^}]*le="([^"]+)"\} ([0-9.e+]+)', metrics))
count = buckets[-1][1] if buckets else 0
def quantile(q):
    for bound, cumulative in buckets:
        if cumulative >= q * count:
            return bound
    return float("nan")

print("serve benchmark (%s, %s queue, sandbox on loopback)" % (binary, label))
print("  events sent:            %d in batches of %d from %d senders (%d refused)" % (acknowledged[0] + refused[0], per_request, concurrency, refused[0]))
print("  intake:                 %.0f events/s acknowledged (%d in %.2f s)" % (acknowledged[0] / accepted_in, acknowledged[0], accepted_in))
print("  end to end:             %.0f events/s stored in the sandbox (all %d in %.2f s from the first request)" % (acknowledged[0] / stored_in, acknowledged[0], stored_in))
finite = [bound for bound, _ in buckets if bound != float("inf")]
def show(q):
    value = quantile(q)
    return "<= %.3f s" % value if value != float("inf") else "> %.0f s (past the last bucket)" % (finite[-1] if finite else 0)
print("  accept -> confirmed:    p50 %s, p99 %s over %d records (histogram bucket bounds)" % (show(0.5), show(0.99), count))
PY

[ "${SKIP_SQLITE:-0}" = 1 ] || run_one "SQLite (synchronous=FULL)" "sqlite:$work/queue.sqlite"
if [ -n "${BENCH_POSTGRES:-}" ]; then
    database=bench_serve_$$
    psql "$BENCH_POSTGRES" -qc "CREATE DATABASE $database"
    run_one "PostgreSQL" "${BENCH_POSTGRES%/*}/$database"
    psql "$BENCH_POSTGRES" -qc "DROP DATABASE $database" || true
fi

# 3. deliver from a file through the queue, against a dry run of the same file.
python3 - "$binary" "$work" "$events" <<'PY'
import json, subprocess, sys, time
binary, work, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
run = "%x" % int(time.time() * 1000)

def events(name):
    path = "%s/%s.ndjson" % (work, name)
    with open(path, "w") as out:
        for i in range(total):
            out.write(json.dumps({"type": "identify", "userId": "%s-%s-%d" % (name, run, i),
                                  "traits": {"email": "%s%d@example.com" % (name, i), "plan": "pro"}}) + "\n")
    return path

def timed(arguments):
    start = time.monotonic()
    result = subprocess.run(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if result.returncode != 0:
        sys.exit("bench-serve: %s failed: %s" % (" ".join(arguments[1:3]), result.stderr.decode()[-400:]))
    return time.monotonic() - start

config = work + "/workspace.json"
path = events("file")
dry = timed([binary, "deliver", "--config", config, "--dry-run", "--output", "/dev/null", path])
queued = timed([binary, "deliver", "--config", config, "--queue", "sqlite:%s/deliver.sqlite" % work, path])
print("deliver benchmark (%s, %d identifies from a file to the sandbox)" % (binary, total))
print("  dry run (no queue, nothing sent): %.0f events/s (%.2f s)" % (total / dry, dry))
print("  through the queue to the sandbox: %.0f events/s (%.2f s): %.2fx the dry run's rate, resumable after a kill" % (total / queued, queued, dry / queued))
PY
