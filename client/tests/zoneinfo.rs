//! Every boundary of several schedules over all of 2026, against an independent
//! computation with Python's zoneinfo (tests/python/schedule_boundaries.py) on the PyPI
//! tzdata package of the same IANA release as the database compiled in: DST gaps and
//! folds in Berlin and New York, overnight periods across both changes, skip dates,
//! make-up working days (China's of 2026, and Berlin's around its changes), stop-only
//! periods, Shanghai and a schedule of several periods.

mod oracle;

use std::path::PathBuf;

use ges_client::schedule::{Schedules, tzdb_version};
use serde_json::Value;

const DOCUMENT: &str = r#"{"schedules": {
  "berlin-gap-and-fold": {"timezone": "Europe/Berlin", "periods": [
      {"days": "sun", "start": "02:30", "stop": "06:00"},
      {"days": "sat", "start": "22:00", "stop": "01:30"}]},
  "berlin-overnight": {"timezone": "Europe/Berlin", "periods": [
      {"days": "sat", "start": "23:00", "stop": "04:00"}],
      "skip_dates": ["2026-04-05"],
      "work_dates": [{"date": "2026-10-24", "as": "fri"}, {"date": "2026-10-21", "as": "sat"},
                     {"date": "2026-03-28", "as": "sun"}, {"date": "2026-03-26", "as": "sat"}]},
  "berlin-nightly-stop": {"timezone": "Europe/Berlin", "periods": [
      {"days": "mon-sun", "stop": "22:00"}, {"days": "sun", "stop": "02:30"}]},
  "new-york": {"timezone": "America/New_York", "periods": [
      {"days": "sun", "start": "01:30", "stop": "02:30"},
      {"days": "mon-fri", "stop": "18:00"},
      {"days": "sun", "start": "02:30", "stop": "03:15"}]},
  "new-york-overnight": {"timezone": "America/New_York", "periods": [
      {"days": "sat-sun", "start": "22:00", "stop": "03:00"}],
      "skip_dates": ["2026-07-04", "2026-11-26"]},
  "shanghai-office": {"timezone": "Asia/Shanghai", "periods": [
      {"days": "mon-fri", "start": "08:00", "stop": "20:00"}],
      "skip_dates": ["2026-01-01", "2026-10-01", "2026-10-02", "2026-12-25"],
      "work_dates": [{"date": "2026-01-04", "as": "fri"}, {"date": "2026-02-14", "as": "mon"},
                     {"date": "2026-02-28", "as": "mon"}, {"date": "2026-05-09", "as": "tue"},
                     {"date": "2026-09-20", "as": "mon"}, {"date": "2026-10-10", "as": "wed"}],
      "start_graphs": true},
  "night-shift": {"timezone": "UTC", "periods": [
      {"days": "mon-fri", "start": "22:00", "stop": "06:00"}],
      "skip_dates": ["2026-05-01", "2026-12-25"], "enforce": true},
  "multi": {"timezone": "Europe/Berlin", "periods": [
      {"days": "mon-fri", "start": "08:00", "stop": "12:00"},
      {"days": "mon-fri", "start": "12:00", "stop": "18:00"},
      {"days": "sat", "start": "10:00", "stop": "14:00"},
      {"days": "sat", "stop": "20:00"},
      {"days": "fri-sun", "start": "21:00", "stop": "00:30"},
      {"days": "sun", "stop": "20:30"}],
      "skip_dates": ["2026-03-28", "2026-12-24"]}
}}"#;

const FROM: &str = "2026-01-01T00:00:00Z";
const TO: &str = "2027-01-01T00:00:00Z";

fn rust_boundaries(schedules: &Schedules) -> Vec<(String, Vec<String>)> {
    let (from, to) = (FROM.parse().unwrap(), TO.parse().unwrap());
    schedules
        .iter()
        .map(|(name, schedule)| {
            let lines = schedule
                .boundaries(from, to)
                .iter()
                .map(|b| format!("{} {} {}", b.at, b.desired.as_str(), b.kind.as_str()))
                .collect();
            (name.to_owned(), lines)
        })
        .collect()
}

fn python_boundaries() -> (String, Vec<(String, Vec<String>)>) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let document = dir.join(format!("schedules-zoneinfo-{}.json", std::process::id()));
    std::fs::write(&document, DOCUMENT).unwrap();
    let stdout = oracle::run(
        "schedule_boundaries.py",
        [document.as_os_str(), FROM.as_ref(), TO.as_ref()],
    );
    std::fs::remove_file(&document).unwrap();
    let answer: Value = serde_json::from_slice(&stdout).unwrap();
    let version = answer["tzdata"].as_str().unwrap().to_owned();
    let schedules = answer["schedules"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, list)| {
            let lines = list
                .as_array()
                .unwrap()
                .iter()
                .map(|b| {
                    format!(
                        "{} {} {}",
                        b[0].as_str().unwrap(),
                        b[1].as_str().unwrap(),
                        b[2].as_str().unwrap()
                    )
                })
                .collect();
            (name.clone(), lines)
        })
        .collect();
    (version, schedules)
}

/// The first place two lists of boundaries part, if they do.
fn first_difference(name: &str, ours: &[String], theirs: &[String]) -> Option<String> {
    let index = (0..ours.len().max(theirs.len())).find(|i| ours.get(*i) != theirs.get(*i))?;
    Some(format!(
        "{name}: boundary {index} of {} (Rust) / {} (zoneinfo) differs: Rust {:?}, zoneinfo {:?}; \
         before it: {:?}",
        ours.len(),
        theirs.len(),
        ours.get(index),
        theirs.get(index),
        index.checked_sub(1).and_then(|i| ours.get(i)),
    ))
}

#[test]
fn every_boundary_of_2026_matches_zoneinfo() {
    let schedules = Schedules::from_json(DOCUMENT).unwrap();
    let (version, theirs) = python_boundaries();
    assert_eq!(
        version,
        tzdb_version(),
        "Python's tzdata is not the IANA release compiled in: pin the tzdata of the same \
         release in scripts/requirements.txt"
    );
    let ours = rust_boundaries(&schedules);
    assert_eq!(
        ours.iter().map(|(name, _)| name).collect::<Vec<_>>(),
        theirs.iter().map(|(name, _)| name).collect::<Vec<_>>()
    );
    let differences: Vec<String> = ours
        .iter()
        .zip(&theirs)
        .filter_map(|((name, ours), (_, theirs))| first_difference(name, ours, theirs))
        .collect();
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // Weekly schedules over a year: enough boundaries that a difference would show.
    for (name, list) in &ours {
        assert!(list.len() > 50, "{name}: {} boundaries", list.len());
    }
    // The DST days themselves, as the gap and the fold place them.
    let berlin = &ours
        .iter()
        .find(|(name, _)| name == "berlin-gap-and-fold")
        .unwrap()
        .1;
    assert!(
        berlin.contains(&"2026-03-29T01:00:00Z running start".to_owned()),
        "{berlin:?}"
    );
    assert!(
        berlin.contains(&"2026-10-25T00:30:00Z running start".to_owned()),
        "{berlin:?}"
    );
    let new_york = &ours.iter().find(|(name, _)| name == "new-york").unwrap().1;
    assert!(
        new_york.contains(&"2026-03-08T07:00:00Z running start".to_owned()),
        "{new_york:?}"
    );
    assert!(
        new_york.contains(&"2026-11-01T05:30:00Z running start".to_owned()),
        "{new_york:?}"
    );
}

#[test]
fn the_comparison_can_fail() {
    let list = vec!["2026-01-01T08:00:00Z running start".to_owned()];
    let other = vec!["2026-01-01T08:01:00Z running start".to_owned()];
    assert!(first_difference("s", &list, &list).is_none());
    assert!(
        first_difference("s", &list, &other)
            .unwrap()
            .contains("boundary 0")
    );
    assert!(first_difference("s", &list, &[]).is_some());
}
