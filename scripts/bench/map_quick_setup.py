#!/usr/bin/env python3
"""The Quick Setup transform of `clevertap-actions map`, in plain Python, for scripts/bench-map.sh.

identify -> User Upload record (identity as text, ts and ISO-8601 strings in traits to Unix seconds
with the same strict rules, nested objects flattened to dotted keys); "Delete User" track -> User
Delete record. Reads NDJSON on stdin, writes NDJSON on stdout, byte-identical to `map` on
generated events.
"""
import json
import re
import sys

ISO = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,9})?)?"
                 r"(?:Z|([-+])([0-9]{2}):?([0-9]{2}))?)?$")
DIGITS = re.compile(r"^[0-9]+(\.[0-9]+)?$")
OPERATORS = {"$add", "$remove", "$incr", "$decr", "$delete"}
MISSING = ("Identity (identity) is required but the mapping gave no value: "
           "map it to a field the event has (e.g. $.userId)")


def days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m - 3 if m > 2 else m + 9) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def days_in(y, m):
    if m == 2:
        return 29 if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def iso_seconds(text):
    if not 10 <= len(text) <= 35:
        return None
    match = ISO.match(text)
    if not match:
        return None
    y, mo, d, h, mi, s, sign, oh, om = match.groups()
    y, mo, d = int(y), int(mo), int(d)
    h, mi, s = int(h or 0), int(mi or 0), int(s or 0)
    oh, om = int(oh or 0), int(om or 0)
    if not 1 <= mo <= 12 or not 1 <= d <= days_in(y, mo) or h > 23 or mi > 59 or s > 59 or oh > 23 or om > 59:
        return None
    offset = (oh * 3600 + om * 60) * (-1 if sign == "-" else 1)
    return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset


def ts_seconds(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = int(value)
    elif isinstance(value, str):
        seconds = int(float(value)) if DIGITS.match(value) else iso_seconds(value)
    else:
        return None
    return seconds if seconds is not None and 1 <= seconds <= 9999999999 else None


def add_profile(out, prefix, attributes):
    for key, value in attributes.items():
        name = prefix + key
        if isinstance(value, str):
            seconds = iso_seconds(value)
            out.setdefault(name, value if seconds is None else seconds)
        elif isinstance(value, dict):
            if value and all(k in OPERATORS for k in value):
                out.setdefault(name, value)
            else:
                add_profile(out, name + ".", value)
        elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
            out.setdefault(name, json.dumps(value, separators=(",", ":"), ensure_ascii=False))
        else:
            out.setdefault(name, value)


def identity(value):
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def main():
    write = sys.stdout.write
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        event = json.loads(line)
        if event.get("type") == "identify":
            ident = identity(event.get("userId"))
            if ident is None:
                write(dumps({"subscription": "User Upload", "line": number, "error": MISSING}) + "\n")
            else:
                record = {"type": "profile", "identity": ident}
                ts = ts_seconds(event.get("timestamp"))
                if ts is not None:
                    record["ts"] = ts
                profile = {}
                if isinstance(event.get("traits"), dict):
                    add_profile(profile, "", event["traits"])
                record["profileData"] = profile
                write(dumps({"subscription": "User Upload", "action": "userUpload", "record": record}) + "\n")
        if event.get("event") == "Delete User":
            ident = identity(event.get("userId"))
            if ident is None:
                write(dumps({"subscription": "User Delete", "line": number, "error": MISSING}) + "\n")
            else:
                write(dumps({"subscription": "User Delete", "action": "userDelete", "record": {"identity": ident}}) + "\n")


if __name__ == "__main__":
    main()
