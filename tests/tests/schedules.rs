//! `ges-stop schedules check`: a document from --file or the environment, checked, and
//! each schedule's week shown from a fixed --at; bad documents and missing ones refused
//! with exit 2; `--tag` explains a schedule tag's value.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use ges_stop_e2e::ges_stop_binary;

const DOCUMENT: &str = r#"{"schedules": {
  "office-hours": {"timezone": "Asia/Shanghai",
                   "periods": [{"days": "mon-fri", "start": "08:00", "stop": "20:00"}],
                   "skip_dates": ["2026-03-04"], "start_graphs": true,
                   "work_dates": [{"date": "2026-03-14", "as": "mon"}]},
  "nightly-stop": {"timezone": "Europe/Berlin", "periods": [{"days": "mon-sun", "stop": "22:00"}]}
}}"#;

/// Monday 2026-03-02, 08:00 in Shanghai.
const AT: &str = "2026-03-02T00:00:00Z";

fn check(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(ges_stop_binary())
        .args(["schedules", "check"])
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("ges-stop runs")
}

fn document_file(name: &str, text: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("schedules-{}-{name}.json", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[track_caller]
fn refused(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty(), "{output:?}");
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn a_document_file_is_checked_and_its_week_shown() {
    let file = document_file("good", DOCUMENT);
    let out = stdout(&check(&["--file", file.to_str().unwrap(), "--at", AT], &[]));
    std::fs::remove_file(&file).unwrap();
    assert!(
        out.starts_with("the schedules document is valid: 2 schedules"),
        "{out}"
    );
    assert!(
        out.contains("office-hours: Asia/Shanghai; starts graphs"),
        "{out}"
    );
    // Its changes in its own zone and in UTC, the skip date's Wednesday left out.
    for line in [
        "running since Mon 2026-03-02 08:00 CST",
        "Mon 2026-03-02 20:00 CST     2026-03-02T12:00:00Z  stopped  (stop)",
        "Tue 2026-03-03 08:00 CST     2026-03-03T00:00:00Z  running  (start)",
        "Thu 2026-03-05 08:00 CST     2026-03-05T00:00:00Z  running  (start)",
    ] {
        assert!(out.contains(line), "{line:?} in:\n{out}");
    }
    assert!(!out.contains("2026-03-04 08:00 CST"), "{out}");
    // Four days of 12 hours out of 168: 120 hours stopped.
    assert!(out.contains("stopped 120.0 of 168 hours (71.4%)"), "{out}");
    assert!(out.contains("stopped 168.0 of 168 hours (100.0%)"), "{out}");
    assert!(out.contains("none: stopped all week"), "{out}");
    // The grid: a legend, and Monday running 08:00 to 20:00, Wednesday not at all.
    assert!(
        out.contains("█ running, · stopped; a cell is 30 minutes"),
        "{out}"
    );
    let office = out.split("office-hours:").nth(1).unwrap();
    let row = |day: &str| {
        office
            .lines()
            .find(|line| line.starts_with(&format!("  {day}")) && line.contains('·'))
            .unwrap_or_else(|| panic!("no {day} row in:\n{out}"))
            .to_owned()
    };
    let running = format!("{}{}{}", "·".repeat(16), "█".repeat(24), "·".repeat(8));
    assert_eq!(row("Mon 03-02"), format!("  Mon 03-02 {running}"));
    assert_eq!(row("Wed 03-04"), format!("  Wed 03-04 {}", "·".repeat(48)));
    // Not a terminal: no colour codes.
    assert!(!out.contains('\x1b'), "{out}");
    // Two weeks of days off and working days, by default, each with its source.
    for line in [
        "  days off and working days, 2026-03-02 to 2026-03-15 (2 weeks):",
        "    Wed 2026-03-04  day off        (skip_dates)",
        "    Sat 2026-03-14  works as mon   (work_dates)",
        "    none: every day follows its weekday",
    ] {
        assert!(out.contains(line), "{line:?} in:\n{out}");
    }
}

#[test]
fn weeks_set_how_far_days_off_and_working_days_are_listed() {
    let out = stdout(&check(
        &["--at", AT, "--weeks", "1"],
        &[("GES_SCHEDULES", DOCUMENT)],
    ));
    assert!(
        out.contains("days off and working days, 2026-03-02 to 2026-03-08 (1 week):"),
        "{out}"
    );
    assert!(out.contains("Wed 2026-03-04  day off"), "{out}");
    assert!(!out.contains("2026-03-14"), "{out}");
    for bad in ["0", "54", "two"] {
        let error = refused(&check(
            &["--at", AT, "--weeks", bad],
            &[("GES_SCHEDULES", DOCUMENT)],
        ));
        assert!(error.contains("--weeks"), "{error}");
    }
}

#[test]
fn the_environment_gives_the_document() {
    let out = stdout(&check(&["--at", AT], &[("GES_SCHEDULES", DOCUMENT)]));
    assert!(out.contains("office-hours: Asia/Shanghai"), "{out}");

    let file = document_file("env", DOCUMENT);
    let path = file.to_str().unwrap();
    let out = stdout(&check(&["--at", AT], &[("GES_SCHEDULES_FILE", path)]));
    assert!(out.contains("nightly-stop: Europe/Berlin"), "{out}");

    let both = refused(&check(
        &[],
        &[("GES_SCHEDULES", DOCUMENT), ("GES_SCHEDULES_FILE", path)],
    ));
    assert!(
        both.contains("both GES_SCHEDULES and GES_SCHEDULES_FILE are set"),
        "{both}"
    );
    std::fs::remove_file(&file).unwrap();

    let neither = refused(&check(&[], &[("GES_SCHEDULES", "  ")]));
    assert!(
        neither.contains("no schedules document: set GES_SCHEDULES"),
        "{neither}"
    );
}

#[test]
fn a_bad_document_is_refused_with_its_field() {
    let bad = DOCUMENT.replace("\"08:00\"", "\"25:00\"");
    let error = refused(&check(&[], &[("GES_SCHEDULES", &bad)]));
    assert_eq!(
        error.trim_end(),
        r#"error: GES_SCHEDULES: schedules."office-hours".periods[0].start: "25:00" is not a time of day HH:MM (00:00 to 23:59)"#
    );
    let file = document_file("bad", &DOCUMENT.replace("Europe/Berlin", "Europe/Atlantis"));
    let error = refused(&check(&["--file", file.to_str().unwrap()], &[]));
    std::fs::remove_file(&file).unwrap();
    assert!(
        error
            .contains(r#"schedules."nightly-stop".timezone: "Europe/Atlantis" is not a time zone"#),
        "{error}"
    );
    assert!(error.contains(file.to_str().unwrap()), "{error}");

    let error = refused(&check(&["--at", "monday"], &[("GES_SCHEDULES", DOCUMENT)]));
    assert!(error.contains("--at: not an RFC 3339 time"), "{error}");
}

#[test]
fn a_tag_value_is_explained_as_the_schedule_it_stands_for() {
    // A compact value, with no document: shown as a document schedule is.
    let compact = stdout(&check(
        &["--tag", "mon-fri_0800-2000_Asia.Shanghai", "--at", AT],
        &[],
    ));
    assert!(
        compact.starts_with(
            "\"mon-fri_0800-2000_Asia.Shanghai\" is a compact schedule; GES_TAG_SCHEDULES=stop \
             lets it act: it stops graphs, and starts none\n"
        ),
        "{compact}"
    );
    assert!(
        compact.contains(
            "mon-fri_0800-2000_Asia.Shanghai: Asia/Shanghai; only stops graphs; acts at its \
             boundaries only"
        ),
        "{compact}"
    );
    assert!(compact.contains("stopped 108.0 of 168 hours"), "{compact}");

    // Starts, under each setting.
    let starts = [
        "--tag",
        "start_sat.sun_2200-0600_Asia__Shanghai",
        "--at",
        AT,
    ];
    let refused_starts = stdout(&check(&starts, &[]));
    assert!(
        refused_starts
            .contains("GES_TAG_SCHEDULES=stop does not let it act, as it asks for starts"),
        "{refused_starts}"
    );
    assert!(
        refused_starts.contains("; starts graphs;"),
        "{refused_starts}"
    );
    let allowed = stdout(&check(&starts, &[("GES_TAG_SCHEDULES", "start")]));
    assert!(
        allowed.contains("GES_TAG_SCHEDULES=start lets it act: it stops and starts graphs"),
        "{allowed}"
    );
    let off = stdout(&check(&starts, &[("GES_TAG_SCHEDULES", "off")]));
    assert!(
        off.contains("GES_TAG_SCHEDULES=off reads no compact schedule"),
        "{off}"
    );

    // A name the document has wins, even one that reads as compact.
    let document = r#"{"schedules": {"mon-sun_2200_UTC": {"timezone": "Europe/Berlin",
        "periods": [{"days": "sat", "stop": "01:00"}]}}}"#;
    let named = stdout(&check(
        &["--tag", "mon-sun_2200_UTC", "--at", AT],
        &[("GES_SCHEDULES", document)],
    ));
    assert!(
        named.starts_with("\"mon-sun_2200_UTC\" names the document's schedule"),
        "{named}"
    );
    assert!(named.contains("mon-sun_2200_UTC: Europe/Berlin"), "{named}");

    // Neither: exit 2 with what is wrong.
    let bad = refused(&check(&["--tag", "mon-fri_0800-2000_Asia.Atlantis"], &[]));
    assert!(
        bad.contains("\"Asia.Atlantis\" is not an IANA time zone"),
        "{bad}"
    );
    let unknown = refused(&check(&["--tag", "office"], &[("GES_SCHEDULES", document)]));
    assert!(
        unknown.contains(
            "\"office\" names no schedule of the document, and is not a compact schedule"
        ),
        "{unknown}"
    );
    let setting = refused(&check(
        &["--tag", "mon-sun_2200_UTC"],
        &[("GES_TAG_SCHEDULES", "yes")],
    ));
    assert!(
        setting.contains("GES_TAG_SCHEDULES is \"yes\": give off"),
        "{setting}"
    );
}

/// China's 2026 National Day feed (`chinesecalendar` 1.11.0): 1-7 October off (休),
/// Saturday 10 October worked (班), and a timed maintenance window in New York time.
const FEED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ges-stop tests//EN\r\n\
BEGIN:VEVENT\r\nUID:nd@test\r\nDTSTART;VALUE=DATE:20261001\r\nDTEND;VALUE=DATE:20261008\r\nSUMMARY:国庆节 休\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:work@test\r\nDTSTART;VALUE=DATE:20261010\r\nSUMMARY:调休 班\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:window@test\r\nDTSTART;TZID=America/New_York:20261012T090000\r\n\
DTEND;TZID=America/New_York:20261012T110000\r\nSUMMARY:maintenance\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

fn calendar_document(source: &str) -> String {
    format!(
        r#"{{"schedules": {{"office": {{"timezone": "Asia/Shanghai", "start_graphs": true,
            "periods": [{{"days": "mon-fri", "start": "08:00", "stop": "20:00"}}],
            "skip_calendars": [{{{source}, "work_if": "班", "as": "mon"}}]}}}}}}"#
    )
}

#[test]
fn a_schedule_s_calendar_days_are_listed_with_the_calendar_they_came_from() {
    let feed = document_file("feed.ics", FEED);
    let document = calendar_document(&format!(r#""file": "{}""#, feed.display()));
    let out = stdout(&check(
        &["--at", "2026-09-29T00:00:00Z", "--weeks", "3"],
        &[("GES_SCHEDULES", &document)],
    ));
    for line in [
        format!(
            "    calendar skip_calendars[0] (file {}, working days where \"班\", as mon)",
            feed.display()
        ),
        "    Thu 2026-10-01  day off        (skip_calendars[0])".to_owned(),
        "    Wed 2026-10-07  day off        (skip_calendars[0])".to_owned(),
        "    Sat 2026-10-10  works as mon   (skip_calendars[0])".to_owned(),
        "    off from Mon 2026-10-12 21:00 to Mon 2026-10-12 23:00  (a calendar's timed event)"
            .to_owned(),
    ] {
        assert!(out.contains(&line), "{line:?} in:\n{out}");
    }
    assert!(!out.contains("2026-10-08  day off"), "{out}");
    std::fs::remove_file(&feed).unwrap();
}

#[test]
fn a_calendar_that_cannot_be_read_is_an_error_naming_it() {
    // Nothing listens on the discard port of this machine: the connection is refused.
    let document = calendar_document(r#""url": "http://127.0.0.1:9/cn.ics?token=s3cr3t""#);
    let error = refused(&check(
        &["--at", "2026-09-29T00:00:00Z"],
        &[("GES_SCHEDULES", &document)],
    ));
    assert!(
        error.contains("a calendar cannot be read: schedules.office.skip_calendars[0]"),
        "{error}"
    );
    assert!(!error.contains("s3cr3t"), "{error}");

    // A file that does not parse fails the document, with its line.
    let broken = document_file(
        "broken.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    let document = calendar_document(&format!(r#""file": "{}""#, broken.display()));
    let error = refused(&check(&[], &[("GES_SCHEDULES", &document)]));
    assert!(
        error.contains("schedules.office.skip_calendars[0].file") && error.contains("line 3"),
        "{error}"
    );
    std::fs::remove_file(&broken).unwrap();
}
