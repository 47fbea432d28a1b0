"""Writes holiday calendars from maintained public data, for client/tests/calendar_holidays.rs.

- `holidays` 0.108 (MIT): public holidays of DE, US, GB, JP and CN, 2025-2027, one .ics per
  country. A holiday on the same month and day in every year is one yearly event
  (RRULE:FREQ=YEARLY;COUNT=3); consecutive days of one holiday are one event of several
  days (DTEND, or DURATION for every other one); the rest are one-day events.
- `chinesecalendar` 1.11.0 (MIT): China's days off (SUMMARY "... 休") and make-up working
  days (SUMMARY "... 班") of 2025-2026 in one feed, as published Chinese feeds mix them.
- US holidays of 2026 as timed events, 09:00-17:00 in America/New_York, for a reader in
  Asia/Shanghai: their instants from Python's zoneinfo (PYTHONTZPATH="", so the tzdata
  package only).

Prints JSON: for each calendar its file and what the packages say it holds.
"""

import datetime
import json
import os
import sys
from importlib.metadata import version
from zoneinfo import ZoneInfo

import chinese_calendar
import holidays

YEARS = (2025, 2026, 2027)
UTC = datetime.timezone.utc


def ics(events):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ges-stop tests//holidays//EN"]
    for number, event in enumerate(events):
        lines += ["BEGIN:VEVENT", f"UID:{number}@holidays.test", "DTSTAMP:20260101T000000Z"]
        lines += event
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def escape(text):
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")


def day(d):
    return d.strftime("%Y%m%d")


def country(code):
    found = holidays.country_holidays(code, years=YEARS)
    dates = sorted(found.keys())
    names = {d: found.get(d) for d in dates}
    events = []
    done = set()
    # Same month and day, same name, every year: one yearly event.
    for d in dates:
        if d in done or d.year != YEARS[0]:
            continue
        same = [datetime.date(y, d.month, d.day) for y in YEARS]
        if all(s in names and names[s] == names[d] for s in same):
            events.append(
                [f"DTSTART;VALUE=DATE:{day(d)}", f"SUMMARY:{escape(names[d])}",
                 f"RRULE:FREQ=YEARLY;COUNT={len(YEARS)}"]
            )
            done.update(same)
    # Runs of consecutive days of one holiday: one event of several days.
    rest = [d for d in dates if d not in done]
    index = 0
    while index < len(rest):
        start = rest[index]
        end = start
        while index + 1 < len(rest) and rest[index + 1] == end + datetime.timedelta(days=1) \
                and names[rest[index + 1]] == names[start]:
            index += 1
            end = rest[index]
        length = (end - start).days + 1
        event = [f"DTSTART;VALUE=DATE:{day(start)}", f"SUMMARY:{escape(names[start])}"]
        if length > 1 and len(events) % 2:
            event.append(f"DURATION:P{length}D")
        elif length > 1:
            event.append(f"DTEND;VALUE=DATE:{day(end + datetime.timedelta(days=1))}")
        events.append(event)
        index += 1
    return ics(events), [d.isoformat() for d in dates]


def china_mixed():
    first, last = datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)
    off = sorted(d for d in chinese_calendar.holidays if first <= d <= last)
    work = sorted(d for d in chinese_calendar.workdays if first <= d <= last)
    events = []
    for d in off:
        events.append([f"DTSTART;VALUE=DATE:{day(d)}",
                       f"SUMMARY:{escape(chinese_calendar.holidays[d])} 休"])
    for d in work:
        events.append([f"DTSTART;VALUE=DATE:{day(d)}",
                       f"SUMMARY:{escape(chinese_calendar.workdays[d])} 班",
                       "CATEGORIES:调休"])
    events.sort(key=lambda e: e[0])
    return ics(events), [d.isoformat() for d in off], [d.isoformat() for d in work]


def us_timed():
    new_york, shanghai = ZoneInfo("America/New_York"), ZoneInfo("Asia/Shanghai")
    found = holidays.country_holidays("US", years=2026)
    events, timed, dates = [], [], set()
    for d in sorted(found.keys()):
        start = datetime.datetime(d.year, d.month, d.day, 9, tzinfo=new_york)
        end = datetime.datetime(d.year, d.month, d.day, 17, tzinfo=new_york)
        events.append([f"DTSTART;TZID=America/New_York:{day(d)}T090000",
                       f"DTEND;TZID=America/New_York:{day(d)}T170000",
                       f"SUMMARY:{escape(found.get(d))}"])
        timed.append([start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                      end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")])
        # The Shanghai dates the working event covers, its end exclusive.
        local = start.astimezone(shanghai)
        last = (end - datetime.timedelta(microseconds=1)).astimezone(shanghai)
        while local.date() <= last.date():
            dates.add(local.date().isoformat())
            local += datetime.timedelta(days=1)
    return ics(events), timed, sorted(dates)


def main(directory):
    answer = {"holidays": version("holidays"), "chinesecalendar": version("chinesecalendar"),
              "countries": {}}
    for code in ("DE", "US", "GB", "JP", "CN"):
        text, dates = country(code)
        path = os.path.join(directory, f"{code}.ics")
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        answer["countries"][code] = {"file": path, "off": dates}
    text, off, work = china_mixed()
    path = os.path.join(directory, "CN-mixed.ics")
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(text)
    answer["china_mixed"] = {"file": path, "off": off, "work": work}
    text, timed, dates = us_timed()
    path = os.path.join(directory, "US-timed.ics")
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(text)
    answer["us_timed"] = {"file": path, "timed": timed, "shanghai_dates": dates}
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
