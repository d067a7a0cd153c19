"""Adds what analytics.js puts on every call (a page, a user agent, campaign, sentAt, ...) to
generated events, so a benchmark also sees events of the size browsers send (about 1.1 KB,
where gen_events.py makes about 340 bytes). Reads NDJSON on stdin, writes NDJSON on stdout."""
import json
import sys

CONTEXT = {
    "ip": "203.0.113.7",
    "locale": "en-US",
    "library": {"name": "analytics.js", "version": "npm:next-1.55.0"},
    "page": {
        "path": "/pricing",
        "referrer": "https://www.google.com/",
        "search": "?utm_source=google",
        "title": "Pricing - Example",
        "url": "https://www.example.com/pricing?utm_source=google",
    },
    "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                 "Chrome/119.0.0.0 Safari/537.36",
    "userAgentData": {
        "brands": [{"brand": "Google Chrome", "version": "119"}, {"brand": "Chromium", "version": "119"},
                   {"brand": "Not?A_Brand", "version": "24"}],
        "mobile": False,
        "platform": "macOS",
    },
    "campaign": {"name": "winter", "source": "google", "medium": "cpc"},
    "timezone": "Europe/Berlin",
}

for line in sys.stdin:
    event = json.loads(line)
    event["context"] = {**CONTEXT, **event.get("context", {})}
    event["integrations"] = {}
    for key in ("originalTimestamp", "sentAt", "receivedAt"):
        event[key] = event["timestamp"]
    sys.stdout.write(json.dumps(event, separators=(",", ":"), ensure_ascii=False) + "\n")
