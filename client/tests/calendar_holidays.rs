//! Holiday calendars made at test time from maintained public data (PyPI packages pinned in
//! scripts/requirements.txt, nothing else downloaded), by tests/python/holiday_calendars.py:
//!
//! - `holidays` 0.108 (MIT): the public holidays of Germany, the United States, the United
//!   Kingdom, Japan and China over 2025-2027, written as yearly rules, events of several
//!   days (`DTEND` and `DURATION`) and single days;
//! - `chinesecalendar` 1.11.0 (MIT): China's days off (休) and make-up working days (班)
//!   of 2025-2026 in one feed, read with `Classify::WorkIf("班")`;
//! - US holidays of 2026 as timed events in America/New_York read for Asia/Shanghai, their
//!   instants from Python's zoneinfo on the pinned tzdata.
//!
//! Each calendar's [`CalendarDays`] must be what the packages say, and each day's line
//! must be its event's `BEGIN:VEVENT`.

mod oracle;

use std::path::PathBuf;

use ges_client::schedule::calendar::{Calendar, CalendarDays, Classify};
use jiff::civil::{Date, date};
use serde_json::Value;

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn dates(list: &[(Date, u32)]) -> Vec<String> {
    list.iter().map(|(d, _)| d.to_string()).collect()
}

/// Every line a day names is a `BEGIN:VEVENT` of the text.
#[track_caller]
fn lines_are_events(text: &str, days: &CalendarDays) {
    let lines: Vec<&str> = text.lines().collect();
    let named = days
        .off
        .iter()
        .chain(&days.work)
        .map(|(_, line)| *line)
        .chain(days.timed.iter().map(|t| t.line));
    for line in named {
        assert_eq!(lines[line as usize - 1], "BEGIN:VEVENT", "line {line}");
    }
}

fn read(path: &Value) -> (String, Calendar) {
    let text = std::fs::read_to_string(path.as_str().unwrap()).unwrap();
    let calendar = Calendar::parse(&text).unwrap();
    (text, calendar)
}

#[test]
fn holiday_calendars_from_public_data_give_the_days_their_packages_list() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("holiday-calendars-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let stdout = oracle::run("holiday_calendars.py", [&dir]);
    let answer: Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(answer["holidays"], "0.108");
    assert_eq!(answer["chinesecalendar"], "1.11.0");

    for (code, zone) in [
        ("DE", "Europe/Berlin"),
        ("US", "America/New_York"),
        ("GB", "Europe/London"),
        ("JP", "Asia/Tokyo"),
        ("CN", "Asia/Shanghai"),
    ] {
        let country = &answer["countries"][code];
        let (text, calendar) = read(&country["file"]);
        let days = calendar
            .days_in(
                zone,
                date(2025, 1, 1),
                date(2027, 12, 31),
                &Classify::AllOff,
            )
            .unwrap();
        let want = strings(&country["off"]);
        assert!(want.len() >= 15, "{code}: {want:?}");
        assert_eq!(dates(&days.off), want, "{code}");
        assert!(days.work.is_empty() && days.timed.is_empty(), "{code}");
        lines_are_events(&text, &days);
        // A range inside the years gives the holidays inside it, and only them.
        let one = calendar
            .days_in(zone, date(2026, 3, 1), date(2026, 5, 31), &Classify::AllOff)
            .unwrap();
        let inside: Vec<String> = want
            .iter()
            .filter(|d| d.as_str() >= "2026-03-01" && d.as_str() <= "2026-05-31")
            .cloned()
            .collect();
        assert_eq!(dates(&one.off), inside, "{code} in spring 2026");
    }

    // China's days off and make-up working days, in one feed.
    let mixed = &answer["china_mixed"];
    let (text, calendar) = read(&mixed["file"]);
    let days = calendar
        .days_in(
            "Asia/Shanghai",
            date(2025, 1, 1),
            date(2026, 12, 31),
            &Classify::WorkIf("班".into()),
        )
        .unwrap();
    let (off, work) = (strings(&mixed["off"]), strings(&mixed["work"]));
    assert!(work.contains(&"2026-01-04".to_owned()), "{work:?}");
    assert_eq!(dates(&days.off), off);
    assert_eq!(dates(&days.work), work);
    lines_are_events(&text, &days);
    // Read as all days off, the make-up days are days off too.
    let all = calendar
        .days_in(
            "Asia/Shanghai",
            date(2025, 1, 1),
            date(2026, 12, 31),
            &Classify::AllOff,
        )
        .unwrap();
    assert_eq!(all.off.len(), off.len() + work.len());

    // Timed events in New York, read for Shanghai.
    let timed = &answer["us_timed"];
    let (text, calendar) = read(&timed["file"]);
    let days = calendar
        .days_in(
            "Asia/Shanghai",
            date(2026, 1, 1),
            date(2026, 12, 31),
            &Classify::AllOff,
        )
        .unwrap();
    let got: Vec<Vec<String>> = days
        .timed
        .iter()
        .map(|t| vec![t.start.to_string(), t.end.to_string()])
        .collect();
    let want: Vec<Vec<String>> = timed["timed"]
        .as_array()
        .unwrap()
        .iter()
        .map(strings)
        .collect();
    assert!(want.len() >= 10);
    assert_eq!(got, want);
    assert!(days.off.is_empty());
    lines_are_events(&text, &days);
    let work = calendar
        .days_in(
            "Asia/Shanghai",
            date(2026, 1, 1),
            date(2026, 12, 31),
            &Classify::AllWork,
        )
        .unwrap();
    assert_eq!(dates(&work.work), strings(&timed["shanghai_dates"]));
    std::fs::remove_dir_all(&dir).unwrap();
}
