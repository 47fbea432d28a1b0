"""Every boundary of every schedule of a ges-stop schedules document in [FROM, TO),
computed independently of the Rust code with Python's zoneinfo, for
client/tests/zoneinfo.rs to compare with.

Usage: schedule_boundaries.py DOCUMENT.json FROM TO   (FROM, TO: UTC, 2026-01-01T00:00:00Z)
Prints JSON: {"tzdata": IANA version, "schedules": {name: [[utc, desired, kind], ...]}}.

Run with PYTHONTZPATH="" so that zoneinfo reads the pinned PyPI tzdata package, never the
host's database.
"""

import json
import sys
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import tzdata

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PRECEDENCE = {"start": 2, "skip_date": 1, "stop": 0}


def weekdays(text):
    days = set()
    for item in text.split(","):
        first, _, last = item.partition("-")
        last = last or first
        day = DAYS.index(first)
        while True:
            days.add(day)
            if day == DAYS.index(last):
                break
            day = (day + 1) % 7
    return days


def hhmm(text):
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def resolve(zone, wall):
    """The earliest existing local minute at or after `wall`, fold=0 in a fold."""
    for minutes in range(24 * 60):  # no gap is a day long
        candidate = (wall + timedelta(minutes=minutes)).replace(tzinfo=zone, fold=0)
        utc = candidate.astimezone(timezone.utc)
        back = utc.astimezone(zone).replace(tzinfo=None)
        if back == candidate.replace(tzinfo=None):
            return utc
    raise ValueError(f"no existing minute after {wall} in {zone}")


def events(schedule, first, last):
    zone = ZoneInfo(schedule["timezone"])
    skips = {date.fromisoformat(d) for d in schedule.get("skip_dates", [])}
    # A make-up working day starts the periods of the weekday it works as.
    works = {
        date.fromisoformat(w["date"]): DAYS.index(w["as"])
        for w in schedule.get("work_dates", [])
    }
    day = first
    while day <= last:
        midnight = lambda d: resolve(zone, datetime.combine(d, time(0, 0)))
        if day in skips:
            yield midnight(day), "skip_date"
        for period in schedule["periods"]:
            if works.get(day, day.weekday()) not in weekdays(period["days"]):
                continue
            stop_time = hhmm(period["stop"])
            if "start" not in period or period["start"] is None:
                yield resolve(zone, datetime.combine(day, stop_time)), "stop"
                continue
            if day in skips:
                continue
            start_time = hhmm(period["start"])
            start = resolve(zone, datetime.combine(day, start_time))
            if start_time > stop_time:
                following = day + timedelta(days=1)
                if following in skips:
                    stop = midnight(following)
                else:
                    stop = resolve(zone, datetime.combine(following, stop_time))
            else:
                stop = resolve(zone, datetime.combine(day, stop_time))
            if start < stop:
                yield start, "start"
            yield stop, "stop"
        day += timedelta(days=1)


def boundaries(schedule, start, end):
    merged = {}
    first = start.date() - timedelta(days=3)
    last = end.date() + timedelta(days=3)
    for at, kind in events(schedule, first, last):
        if start <= at < end:
            if at not in merged or PRECEDENCE[kind] > PRECEDENCE[merged[at]]:
                merged[at] = kind
    return [
        [at.strftime("%Y-%m-%dT%H:%M:%SZ"), "running" if kind == "start" else "stopped", kind]
        for at, kind in sorted(merged.items())
    ]


def utc(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def main():
    path, start, end = sys.argv[1:]
    with open(path, encoding="utf-8") as file:
        document = json.load(file)
    answer = {
        "tzdata": tzdata.IANA_VERSION,
        "schedules": {
            name: boundaries(schedule, utc(start), utc(end))
            for name, schedule in document["schedules"].items()
        },
    }
    json.dump(answer, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
