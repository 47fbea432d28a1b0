//! The document's refusals, each naming its field, and reading it from the environment.

use super::*;
use crate::config::env::vars;

const EXAMPLE: &str = r#"{"schedules": {
  "office-hours": {"timezone": "Asia/Shanghai",
                   "periods": [{"days": "mon-fri", "start": "08:00", "stop": "20:00"}],
                   "skip_dates": ["2026-12-25", "2027-01-01"],
                   "start_graphs": true},
  "nightly-stop": {"timezone": "Europe/Berlin", "periods": [{"days": "mon-sun", "stop": "22:00"}]},
  "night-shift":  {"timezone": "UTC", "periods": [{"days": "mon-fri", "start": "22:00", "stop": "06:00"}],
                   "enforce": true}
}}"#;

#[test]
fn the_example_document_is_read() {
    let schedules = Schedules::from_json(EXAMPLE).unwrap();
    assert_eq!(schedules.len(), 3);
    let names: Vec<&str> = schedules.iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["night-shift", "nightly-stop", "office-hours"]);
    let office = schedules.get("office-hours").unwrap();
    assert_eq!(office.timezone_name(), "Asia/Shanghai");
    assert!(office.start_graphs() && !office.enforce());
    assert_eq!(office.skip_dates().len(), 2);
    let night = schedules.get("night-shift").unwrap();
    assert!(night.enforce() && !night.start_graphs());
    assert!(night.periods()[0].overnight());
    assert!(schedules.get("nope").is_none());
}

/// The document with `schedule` as the only schedule, named `s`.
fn one(schedule: &str) -> String {
    format!(r#"{{"schedules": {{"s": {schedule}}}}}"#)
}

#[track_caller]
fn refused(document: &str) -> String {
    match Schedules::from_json(document) {
        Ok(_) => panic!("accepted: {document}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn the_example_message() {
    let document = r#"{"schedules": {"office-hours": {"timezone": "Asia/Shanghai",
        "periods": [{"days": "mon-fri", "start": "25:00", "stop": "20:00"}]}}}"#;
    assert_eq!(
        refused(document),
        r#"schedules."office-hours".periods[0].start: "25:00" is not a time of day HH:MM (00:00 to 23:59)"#
    );
}

#[test]
fn every_refusal_names_its_field() {
    let period = r#"{"days": "mon-fri", "start": "08:00", "stop": "20:00"}"#;
    let cases: Vec<(String, &str, &str)> = vec![
        (
            r#"{"schedules": {}, "extra": 1}"#.into(),
            "extra: ",
            "unknown field `extra`, expected `schedules`",
        ),
        (r#"{"schedules": {}}"#.into(), "schedules: ", "no schedules"),
        (
            "{}".into(),
            "the schedules document: ",
            "missing field `schedules`",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "colour": "red"}}"#
            )),
            "schedules.s.colour: ",
            "unknown field `colour`",
        ),
        (
            one(
                r#"{"timezone": "UTC", "periods": [{"days": "mon", "stop": "20:00", "end": "x"}]}"#,
            ),
            "schedules.s.periods[0].end: ",
            "unknown field `end`",
        ),
        (
            one(&format!(
                r#"{{"timezone": "Europe/Atlantis", "periods": [{period}]}}"#
            )),
            "schedules.s.timezone: ",
            r#""Europe/Atlantis" is not a time zone"#,
        ),
        (
            one(&format!(r#"{{"periods": [{period}]}}"#)),
            "schedules.s: ",
            "missing field `timezone`",
        ),
        (
            one(r#"{"timezone": "UTC", "periods": [{"days": "mon", "start": "08:00"}]}"#),
            "schedules.s.periods[0]: ",
            "missing field `stop`",
        ),
        (
            one(r#"{"timezone": "UTC", "periods": [{"days": "mon", "stop": "24:00"}]}"#),
            "schedules.s.periods[0].stop: ",
            "is not a time of day",
        ),
        (
            one(r#"{"timezone": "UTC", "periods": [{"days": "", "stop": "20:00"}]}"#),
            "schedules.s.periods[0].days: ",
            "lists no day",
        ),
        (
            one(r#"{"timezone": "UTC", "periods": [{"days": "mon,mon", "stop": "20:00"}]}"#),
            "schedules.s.periods[0].days: ",
            "names mon twice",
        ),
        (
            one(r#"{"timezone": "UTC", "periods": [{"days": 5, "stop": "20:00"}]}"#),
            "schedules.s.periods[0].days: ",
            "invalid type",
        ),
        (
            one(r#"{"timezone": "UTC", "periods": []}"#),
            "schedules.s.periods: ",
            "no periods",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "skip_dates": ["2026-02-30"]}}"#
            )),
            "schedules.s.skip_dates[0]: ",
            "is not a date YYYY-MM-DD",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "skip_dates": ["2026-12-25", "christmas"]}}"#
            )),
            "schedules.s.skip_dates[1]: ",
            "is not a date",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "skip_dates": ["2026-12-25", "2026-01-01", "2026-12-25"]}}"#
            )),
            "schedules.s.skip_dates[2]: ",
            "2026-12-25 is listed twice",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "work_dates": [{{"date": "2027-02-07", "as": "monday"}}]}}"#
            )),
            "schedules.s.work_dates[0].as: ",
            "\"monday\" is not one day: give one of mon, tue",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "work_dates": [{{"date": "2027-02-07", "as": "mon-fri"}}]}}"#
            )),
            "schedules.s.work_dates[0].as: ",
            "is not one day",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "work_dates": [{{"date": "2027-02-30", "as": "mon"}}]}}"#
            )),
            "schedules.s.work_dates[0].date: ",
            "is not a date YYYY-MM-DD",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "work_dates": [{{"date": "2027-02-07"}}]}}"#
            )),
            "schedules.s.work_dates[0]: ",
            "missing field `as`",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "work_dates": [{{"date": "2027-02-07", "as": "mon", "note": "x"}}]}}"#
            )),
            "schedules.s.work_dates[0].note: ",
            "unknown field `note`",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "work_dates": [{{"date": "2027-02-07", "as": "mon"}}, {{"date": "2027-02-20", "as": "fri"}}, {{"date": "2027-02-07", "as": "tue"}}]}}"#
            )),
            "schedules.s.work_dates[2].date: ",
            "2027-02-07 is listed twice",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "skip_dates": ["2027-01-01", "2027-02-07"], "work_dates": [{{"date": "2027-02-07", "as": "mon"}}]}}"#
            )),
            "schedules.s.work_dates[0].date: ",
            "2027-02-07 is also skip_dates[1]: a day is either off or worked",
        ),
        (
            one(
                r#"{"timezone": "UTC", "periods": [{"days": "mon", "start": "08:00", "stop": "08:00"}]}"#,
            ),
            "schedules.s.periods[0]: ",
            "start and stop are both 08:00",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}, {{"days": "wed", "start": "19:00", "stop": "21:00"}}]}}"#
            )),
            "schedules.s.periods[1]: ",
            "overlaps periods[0] on wed",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}, {{"days": "tue", "stop": "12:00"}}]}}"#
            )),
            "schedules.s.periods[1].stop: ",
            "stops on tue at 12:00 while periods[0] runs",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "enforce": "yes"}}"#
            )),
            "schedules.s.enforce: ",
            "invalid type",
        ),
        (
            format!(
                r#"{{"schedules": {{"office hours": {{"timezone": "UTC", "periods": [{period}]}}}}}}"#
            ),
            r#"schedules."office hours": "#,
            "is not a schedule name",
        ),
        (
            format!(r#"{{"schedules": {{"": {{"timezone": "UTC", "periods": [{period}]}}}}}}"#),
            r#"schedules."": "#,
            "is not a schedule name",
        ),
        (
            format!(
                r#"{{"schedules": {{"{}": {{"timezone": "UTC", "periods": [{period}]}}}}}}"#,
                "x".repeat(64)
            ),
            "schedules.",
            "is not a schedule name",
        ),
        (
            format!(
                r#"{{"schedules": {{"a": {{"timezone": "UTC", "periods": [{period}]}}, "a": {{"timezone": "UTC", "periods": [{period}]}}}}}}"#
            ),
            "schedules.a: ",
            "given twice (line 1, column",
        ),
    ];
    for (document, path, message) in cases {
        let error = refused(&document);
        assert!(
            error.starts_with(path),
            "want {path:?} first: {error}\n{document}"
        );
        assert!(
            error.contains(message),
            "want {message:?}: {error}\n{document}"
        );
    }
}

#[test]
fn too_many_periods_or_skip_dates_are_refused() {
    let periods: Vec<String> = (0..=MAX_PERIODS)
        .map(|i| {
            format!(
                r#"{{"days": "mon", "stop": "{:02}:{:02}"}}"#,
                i / 60,
                i % 60
            )
        })
        .collect();
    let error = refused(&one(&format!(
        r#"{{"timezone": "UTC", "periods": [{}]}}"#,
        periods.join(",")
    )));
    assert!(
        error.starts_with("schedules.s.periods: 65 periods"),
        "{error}"
    );
    let dates: Vec<String> = (0..=MAX_SKIP_DATES)
        .map(|i| {
            format!(
                r#""{}""#,
                jiff::civil::date(2026, 1, 1)
                    .saturating_add(jiff::SignedDuration::from_hours(24 * i as i64))
            )
        })
        .collect();
    let error = refused(&one(&format!(
        r#"{{"timezone": "UTC", "periods": [{{"days": "mon", "stop": "20:00"}}], "skip_dates": [{}]}}"#,
        dates.join(",")
    )));
    assert!(
        error.starts_with("schedules.s.skip_dates: 1001 skip dates"),
        "{error}"
    );
}

#[test]
fn too_many_work_dates_are_refused() {
    let dates: Vec<String> = (0..=MAX_WORK_DATES)
        .map(|i| {
            format!(
                r#"{{"date": "{}", "as": "mon"}}"#,
                jiff::civil::date(2026, 1, 1)
                    .saturating_add(jiff::SignedDuration::from_hours(24 * i as i64))
            )
        })
        .collect();
    let error = refused(&one(&format!(
        r#"{{"timezone": "UTC", "periods": [{{"days": "mon", "stop": "20:00"}}], "work_dates": [{}]}}"#,
        dates.join(",")
    )));
    assert!(
        error.starts_with("schedules.s.work_dates: 1001 work dates"),
        "{error}"
    );
}

/// China's 2026 Spring Festival: Saturday 2026-02-28 is a make-up working day (国务院办公厅
/// 2026 holiday notice, as `chinesecalendar` 1.11.0 lists it), worked as a Monday here.
#[test]
fn a_working_day_starts_the_periods_of_the_day_it_works_as() {
    let schedules = Schedules::from_json(
        r#"{"schedules": {"office": {"timezone": "Asia/Shanghai", "start_graphs": true,
            "periods": [{"days": "mon-fri", "start": "08:00", "stop": "20:00"},
                        {"days": "fri", "start": "22:00", "stop": "02:00"},
                        {"days": "sat", "start": "10:00", "stop": "12:00"},
                        {"days": "sun", "stop": "23:00"}],
            "work_dates": [{"date": "2026-02-28", "as": "mon"}]}}}"#,
    )
    .unwrap();
    let office = schedules.get("office").unwrap();
    assert_eq!(
        office.work_dates(),
        [(jiff::civil::date(2026, 2, 28), jiff::civil::Weekday::Monday)]
    );
    let at = |text: &str| text.parse::<jiff::Timestamp>().unwrap();
    let shown: Vec<String> = office
        .boundaries(at("2026-02-27T00:00:00Z"), at("2026-03-02T00:00:00Z"))
        .iter()
        .map(|b| format!("{} {} {}", b.at, b.desired.as_str(), b.kind.as_str()))
        .collect();
    // Friday's night period ends on Saturday as it would; Saturday then runs Monday's
    // hours, not its own; Sunday is Sunday again.
    assert_eq!(
        shown,
        [
            "2026-02-27T00:00:00Z running start",
            "2026-02-27T12:00:00Z stopped stop",
            "2026-02-27T14:00:00Z running start",
            "2026-02-27T18:00:00Z stopped stop",
            "2026-02-28T00:00:00Z running start",
            "2026-02-28T12:00:00Z stopped stop",
            "2026-03-01T15:00:00Z stopped stop",
        ]
    );
    // Monday-only schedule whose Monday is worked as a Sunday: the last boundary is two
    // weeks back, and is still found.
    let schedules = Schedules::from_json(
        r#"{"schedules": {"m": {"timezone": "UTC",
            "periods": [{"days": "mon", "start": "08:00", "stop": "20:00"}],
            "work_dates": [{"date": "2026-03-09", "as": "sun"}]}}}"#,
    )
    .unwrap();
    let m = schedules.get("m").unwrap();
    let latest = m.latest(at("2026-03-13T12:00:00Z"));
    assert_eq!(latest.at, at("2026-03-02T20:00:00Z"));
    assert_eq!(latest.kind, BoundaryKind::Stop);
    assert_eq!(
        m.next_change(at("2026-03-13T12:00:00Z")).map(|b| b.at),
        Some(at("2026-03-16T08:00:00Z"))
    );
}

#[test]
fn not_json_says_where() {
    let error = refused(r#"{"schedules": {"#);
    assert!(
        error.starts_with("the schedules document is not JSON: "),
        "{error}"
    );
    assert!(error.contains("(line 1, column"), "{error}");
}

#[test]
fn from_lookup_reads_the_variable_or_the_file() {
    let lookup = |pairs: Vec<(&'static str, String)>| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, v)| v.clone())
        }
    };
    assert!(Schedules::from_lookup(lookup(vec![])).unwrap().is_none());
    assert!(
        Schedules::from_lookup(lookup(vec![(vars::SCHEDULES, "  ".into())]))
            .unwrap()
            .is_none()
    );
    let found = Schedules::from_lookup(lookup(vec![(vars::SCHEDULES, EXAMPLE.into())]));
    assert_eq!(found.unwrap().unwrap().len(), 3);

    let bad = Schedules::from_lookup(lookup(vec![(vars::SCHEDULES, "{}".into())]))
        .unwrap_err()
        .to_string();
    assert_eq!(
        bad,
        "GES_SCHEDULES: the schedules document: missing field `schedules`"
    );

    let both = Schedules::from_lookup(lookup(vec![
        (vars::SCHEDULES, EXAMPLE.into()),
        (vars::SCHEDULES_FILE, "/x".into()),
    ]));
    assert!(matches!(both, Err(ScheduleError::BothSet)));

    let dir = std::env::temp_dir().join(format!("ges-schedules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("schedules.json");
    std::fs::write(&file, EXAMPLE).unwrap();
    let path = file.display().to_string();
    let read = Schedules::from_lookup(lookup(vec![(vars::SCHEDULES_FILE, path.clone())]));
    assert_eq!(read.unwrap().unwrap().len(), 3);

    std::fs::write(
        &file,
        r#"{"schedules": {"s": {"timezone": "UTC", "periods": []}}}"#,
    )
    .unwrap();
    let error = Schedules::from_lookup(lookup(vec![(vars::SCHEDULES_FILE, path.clone())]))
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(&format!(
            "GES_SCHEDULES_FILE {path}: schedules.s.periods: no periods"
        )),
        "{error}"
    );

    let missing = dir.join("missing.json").display().to_string();
    let error = Schedules::from_lookup(lookup(vec![(vars::SCHEDULES_FILE, missing.clone())]))
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(&format!(
            "could not read the schedules file {missing} (GES_SCHEDULES_FILE)"
        )),
        "{error}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_bundled_database_is_the_pinned_release() {
    assert_eq!(tzdb_version(), "2026f");
}

#[test]
fn usage_fields_are_read_once_and_refused_naming_the_field() {
    let period = r#"{"days": "mon-fri", "start": "08:00", "stop": "20:00"}"#;
    let read = Schedules::from_json(&one(&format!(
        r#"{{"timezone": "UTC", "periods": [{period}], "stop_when_idle": "1h30m",
            "spare_busy": {{"quiet": "15m", "at_most": "2h"}}}}"#
    )))
    .unwrap();
    let schedule = read.get("s").unwrap();
    assert_eq!(schedule.stop_when_idle().unwrap().span().get(), 90);
    let spare = schedule.spare_busy().unwrap();
    assert_eq!((spare.quiet().get(), spare.at_most().get()), (15, 120));
    // Idle-only: no periods at all, or an empty list.
    for idle_only in [
        r#"{"timezone": "UTC", "stop_when_idle": "30m"}"#,
        r#"{"timezone": "UTC", "periods": [], "stop_when_idle": "30m"}"#,
    ] {
        let read = Schedules::from_json(&one(idle_only)).unwrap();
        assert!(read.get("s").unwrap().periods().is_empty());
    }
    let cases: Vec<(String, &str, &str)> = vec![
        (
            one(r#"{"timezone": "UTC"}"#),
            "schedules.s.periods: ",
            "no periods",
        ),
        (
            one(r#"{"timezone": "UTC", "spare_busy": {"quiet": "15m", "at_most": "2h"}}"#),
            "schedules.s.periods: ",
            "no periods",
        ),
        (
            one(r#"{"timezone": "UTC", "stop_when_idle": "30"}"#),
            "schedules.s.stop_when_idle: ",
            "not a duration",
        ),
        (
            one(r#"{"timezone": "UTC", "stop_when_idle": 30}"#),
            "schedules.s.stop_when_idle: ",
            "invalid type",
        ),
        (
            one(r#"{"timezone": "UTC", "stop_when_idle": "10m"}"#),
            "schedules.s.stop_when_idle: ",
            "out of range",
        ),
        (
            one(r#"{"timezone": "UTC", "stop_when_idle": "169h"}"#),
            "schedules.s.stop_when_idle: ",
            "out of range",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "spare_busy": {{"quiet": "3h", "at_most": "2h"}}}}"#
            )),
            "schedules.s.spare_busy.quiet: ",
            "longer than at_most",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "spare_busy": {{"quiet": "15m", "at_most": "25h"}}}}"#
            )),
            "schedules.s.spare_busy.at_most: ",
            "too long",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "spare_busy": {{"quiet": "15m"}}}}"#
            )),
            "schedules.s.spare_busy: ",
            "missing field `at_most`",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "spare_busy": {{"quiet": "15m", "at_most": "2h", "max": "1h"}}}}"#
            )),
            "schedules.s.spare_busy.max: ",
            "unknown field",
        ),
        (
            one(&format!(
                r#"{{"timezone": "UTC", "periods": [{period}], "spare_busy": {{"quiet": "1x", "at_most": "2h"}}}}"#
            )),
            "schedules.s.spare_busy.quiet: ",
            "not a duration",
        ),
    ];
    for (document, prefix, contains) in cases {
        let message = refused(&document);
        assert!(
            message.starts_with(prefix) && message.contains(contains),
            "{document}: {message}"
        );
    }
}

/// A schedule with these calendar fields.
fn with_calendars(fields: &str) -> String {
    one(&format!(
        r#"{{"timezone": "Asia/Shanghai", "periods": [{{"days": "mon-fri", "start": "08:00", "stop": "20:00"}}], {fields}}}"#
    ))
}

#[test]
fn calendar_sources_are_refused_naming_the_field_and_what_to_write() {
    let dir = std::env::temp_dir().join(format!("ges-stop-calendars-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.ics");
    std::fs::write(
        &broken,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    let missing = dir.join("missing.ics");
    let url = "https://example.com/cn.ics";
    let cases = [
        (
            format!(r#""skip_calendars": [{{"file": "/x.ics", "url": "{url}"}}]"#),
            "schedules.s.skip_calendars[0]: give one of \"file\"",
        ),
        (
            r#""skip_calendars": [{}]"#.to_owned(),
            "schedules.s.skip_calendars[0]: give one of \"file\"",
        ),
        (
            format!(r#""skip_calendars": [{{"url": "{url}", "work_if": "班"}}]"#),
            "schedules.s.skip_calendars[0]: work_if without \"as\"",
        ),
        (
            format!(r#""skip_calendars": [{{"url": "{url}", "as": "mon"}}]"#),
            "schedules.s.skip_calendars[0].as: a calendar of days off has no working days",
        ),
        (
            format!(r#""skip_calendars": [{{"url": "{url}", "work_if": " ", "as": "mon"}}]"#),
            "schedules.s.skip_calendars[0].work_if: give the word",
        ),
        (
            format!(r#""work_calendars": [{{"url": "{url}"}}]"#),
            "schedules.s.work_calendars[0]: missing field `as`",
        ),
        (
            format!(r#""work_calendars": [{{"url": "{url}", "work_if": "班", "as": "mon"}}]"#),
            "schedules.s.work_calendars[0].work_if: every event of a work calendar",
        ),
        (
            r#""skip_calendars": [{"url": "http://example.com/cn.ics"}]"#.to_owned(),
            "schedules.s.skip_calendars[0].url: ",
        ),
        (
            r#""skip_calendars": [{"url": "https://example.com/cn.ics", "ttl": 5}]"#.to_owned(),
            "unknown field `ttl`",
        ),
        (
            format!(
                r#""skip_calendars": [{}]"#,
                vec![format!(r#"{{"url": "{url}"}}"#); 9].join(", ")
            ),
            "schedules.s.skip_calendars: 9 calendars: a schedule may list at most 8",
        ),
        (
            format!(r#""skip_calendars": [{{"file": "{}"}}]"#, missing.display()),
            "schedules.s.skip_calendars[0].file: could not read the calendar",
        ),
        (
            format!(r#""skip_calendars": [{{"file": "{}"}}]"#, broken.display()),
            "line 3",
        ),
    ];
    for (fields, expected) in cases {
        let error = refused(&with_calendars(&fields));
        assert!(error.contains(expected), "{fields}: {error}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn calendar_sources_are_read_in_order_skip_calendars_first() {
    let dir = std::env::temp_dir().join(format!("ges-stop-calendars-ok-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("shutdown.ics");
    // With a byte order mark, which is no part of the calendar.
    std::fs::write(
        &file,
        "\u{feff}BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20261228\r\nDTEND;VALUE=DATE:20270102\r\nSUMMARY:shutdown\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    let document = with_calendars(&format!(
        r#""work_calendars": [{{"url": "https://example.com/work.ics?token=abc", "as": "fri"}}],
           "skip_calendars": [{{"file": "{}"}}, {{"url": "https://example.com/cn.ics", "work_if": "班", "as": "mon"}}]"#,
        file.display()
    ));
    let schedules = Schedules::from_json(&document).unwrap();
    let shown: Vec<String> = schedules
        .get("s")
        .unwrap()
        .calendars()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        shown,
        [
            format!("skip_calendars[0] (file {})", file.display()),
            "skip_calendars[1] (https://example.com/cn.ics, working days where \"班\", as mon)"
                .to_owned(),
            "work_calendars[0] (https://example.com/work.ics?…, as fri)".to_owned(),
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
