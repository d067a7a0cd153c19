#!/usr/bin/env python3
"""Seeds fuzz/seeds/<target>/ from the tests' own inputs, so each fuzzer starts from valid
examples of what it parses (libFuzzer then mutates them). Run by scripts/fuzz.sh; idempotent."""
import hashlib, json, os, re, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tests = os.path.join(root, "Tests")


def swift_literals(path):
    """String literals of a Swift file: raw #"..."# ones verbatim, plain "..." ones unescaped."""
    text = open(path, encoding="utf-8").read()
    for match in re.finditer(r'#"(.*?)"#', text):
        yield match.group(1)
    for match in re.finditer(r'(?<![#\\])"((?:[^"\\\n]|\\.)*)"', text):
        raw = match.group(1)
        try:
            yield json.loads('"' + raw.replace("\\(", "(") + '"')
        except ValueError:
            pass


def files(*patterns):
    for directory, _, names in os.walk(tests):
        for name in sorted(names):
            if name.endswith(".swift") and any(re.search(p, name) for p in patterns):
                yield os.path.join(directory, name)


def is_json(text, kind=None):
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return kind is None or isinstance(value, kind)


def save(target, inputs):
    directory = os.path.join(root, "fuzz", "seeds", target)
    os.makedirs(directory, exist_ok=True)
    count = 0
    for text in inputs:
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        if not data or len(data) > 65536:
            continue
        name = hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(directory, name), "wb") as out:
            out.write(data)
        count += 1
    print(f"seed.py: {target}: {count} inputs", file=sys.stderr)


events = [line for line in open(os.path.join(tests, "Fixtures", "sample-events.ndjson"), encoding="utf-8") if line.strip()]
json_literals = [s for f in files(r"JSON", r"Delivery", r"Mapping") for s in swift_literals(f) if is_json(s)]
save("json", events + json_literals)

save("trigger", [s for f in files(r"Trigger", r"EvalTrigger") for s in swift_literals(f)
                 if any(k in s for k in ("=", "contains", "exists", "type", "event"))])

mappings = [s for f in files(r"Mapping", r"EvalMapping", r"RecordBuilder", r"Pipeline") for s in swift_literals(f)
            if is_json(s, dict) and "@" in s]
save("mapping", mappings + [json.dumps({"identity": {"@path": "$.userId"}, "ts": {"@path": "$.timestamp"},
                                        "profileData": {"@path": "$.traits"}})])

support = open(os.path.join(tests, "CleverTapCoreTests", "WorkspaceTestSupport.swift"), encoding="utf-8").read()
fixture = re.search(r'static let text = """\n(.*?)\n\s*"""', support, re.S).group(1).replace('\\\\"', '\\"')
save("workspace", [fixture, '{"version": 1, "sources": [], "destinations": []}'])

save("dashboard", [s for s in swift_literals(os.path.join(tests, "CleverTapCoreTests", "DashboardURLTests.swift"))
                   if "clevertap" in s.lower() or "://" in s])
