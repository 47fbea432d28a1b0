//! Calendar recurrences against python-dateutil's `rrule` (python-dateutil 2.9.0.post0, pinned
//! in scripts/requirements.txt): a seeded generator writes 2,500 RFC 5545-valid cases
//! (FREQ DAILY, WEEKLY, MONTHLY, YEARLY with INTERVAL, COUNT or UNTIL, BYMONTH, BYMONTHDAY
//! from either end, BYDAY with ordinals at MONTHLY and YEARLY, BYSETPOS, WKST, EXDATE,
//! RDATE; all-day and floating timed starts), each as a calendar of one event read through
//! `Calendar`, and tests/python/rrule_oracle.py answers each with
//! `rrulestr(..., forceset=True).between(...)`. Every instance over each case's range must
//! agree.
//!
//! DTSTART is kept in step with its rule (RFC 5545 3.8.5.3 leaves a start the rule does
//! not generate undefined; the recurrence set keeps it, dateutil's rrule drops it): the
//! generator moves a drawn start to the rule's first instance from it.

mod oracle;

use std::fmt::Write as _;
use std::path::PathBuf;

use ges_client::schedule::calendar::{Calendar, Classify};
use ical::recur::expand::IcalRecurExpand;
use ical::recur::{IcalRecurDateTime, IcalRecurRule};
use jiff::ToSpan;
use jiff::civil::{Date, date};

const CASES: usize = 2_500;
const SEED: u64 = 0x5545_2026;

struct Case {
    timed: bool,
    dtstart: String,
    rule: String,
    exdates: Vec<String>,
    rdates: Vec<String>,
    first: Date,
    last: Date,
}

const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn pick<'a>(rng: &mut fastrand::Rng, from: &[&'a str], most: usize) -> Vec<&'a str> {
    let mut chosen: Vec<&str> = Vec::new();
    for _ in 0..rng.usize(1..=most) {
        let one = from[rng.usize(..from.len())];
        if !chosen.contains(&one) {
            chosen.push(one);
        }
    }
    chosen
}

fn numbers(
    rng: &mut fastrand::Rng,
    range: std::ops::RangeInclusive<i32>,
    signed: bool,
    most: usize,
) -> String {
    let mut chosen: Vec<i32> = Vec::new();
    for _ in 0..rng.usize(1..=most) {
        let mut n = rng.i32(range.clone());
        if signed && rng.bool() {
            n = -n;
        }
        if !chosen.contains(&n) {
            chosen.push(n);
        }
    }
    chosen
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn stamp(at: IcalRecurDateTime, timed: bool) -> String {
    if timed {
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}",
            at.year, at.month, at.day, at.hour, at.minute, at.second
        )
    } else {
        format!("{:04}{:02}{:02}", at.year, at.month, at.day)
    }
}

fn generate(rng: &mut fastrand::Rng) -> Option<Case> {
    let timed = rng.bool();
    let freq = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"][rng.usize(..4)];
    let mut parts = vec![format!("FREQ={freq}")];
    if rng.bool() {
        parts.push(format!("INTERVAL={}", rng.u32(2..=5)));
    }
    let mut by = false;
    if rng.u8(..4) == 0 {
        parts.push(format!("BYMONTH={}", numbers(rng, 1..=12, false, 3)));
        by = true;
    }
    let with_month = by;
    if freq != "WEEKLY" && rng.u8(..3) == 0 {
        parts.push(format!("BYMONTHDAY={}", numbers(rng, 1..=31, true, 3)));
        by = true;
    }
    if rng.u8(..5) < 2 {
        let ordinals = matches!(freq, "MONTHLY" | "YEARLY") && rng.bool();
        let days: Vec<String> = pick(rng, &DAYS, 3)
            .into_iter()
            .map(|day| {
                if !ordinals {
                    return day.to_owned();
                }
                let top = if freq == "YEARLY" && !with_month {
                    52
                } else {
                    4
                };
                let n = rng.i32(1..=top);
                format!("{}{day}", if rng.bool() { -n } else { n })
            })
            .collect();
        parts.push(format!("BYDAY={}", days.join(",")));
        by = true;
    }
    if by && matches!(freq, "MONTHLY" | "YEARLY") && rng.u8(..4) == 0 {
        parts.push(format!("BYSETPOS={}", numbers(rng, 1..=3, true, 2)));
    }
    if rng.u8(..4) == 0 {
        parts.push(format!("WKST={}", DAYS[rng.usize(..7)]));
    }
    let drawn = IcalRecurDateTime {
        year: rng.i32(2020..=2026),
        month: rng.u8(1..=12),
        day: rng.u8(1..=28),
        hour: if timed { rng.u8(0..24) } else { 0 },
        minute: if timed { [0, 30][rng.usize(..2)] } else { 0 },
        second: 0,
    };
    // In step: the rule's first instance from the drawn start.
    let open = IcalRecurRule::parse(&parts.join(";")).unwrap();
    let start = IcalRecurExpand::new(open.clone(), drawn)
        .next()
        .filter(|at| at.year <= 2030)?;
    let instances: Vec<IcalRecurDateTime> = IcalRecurExpand::new(open, start).take(30).collect();
    match rng.u8(..10) {
        0..=3 => {}
        4..=6 => parts.push(format!("COUNT={}", rng.u32(1..=40))),
        _ => {
            let until = IcalRecurDateTime::from_seconds(
                start.seconds() + i64::from(rng.u32(20..=2000)) * 86_400,
            );
            parts.push(format!("UNTIL={}", stamp(until, timed)));
        }
    }
    let exdates = if rng.u8(..3) == 0 {
        (0..rng.usize(1..=3))
            .map(|_| stamp(instances[rng.usize(..instances.len())], timed))
            .collect()
    } else {
        Vec::new()
    };
    let start_date = date(start.year as i16, start.month as i8, start.day as i8);
    let rdates = if rng.u8(..4) == 0 {
        (0..rng.usize(1..=3))
            .map(|_| {
                let day = start_date.checked_add(rng.i64(1..=900).days()).unwrap();
                let at = IcalRecurDateTime {
                    year: i32::from(day.year()),
                    month: day.month() as u8,
                    day: day.day() as u8,
                    hour: start.hour,
                    minute: start.minute,
                    second: 0,
                };
                stamp(at, timed)
            })
            .collect()
    } else {
        Vec::new()
    };
    let first = start_date.checked_add(rng.i64(-30..=3000).days()).unwrap();
    let last = first.checked_add(rng.i64(0..=1500).days()).unwrap();
    Some(Case {
        timed,
        dtstart: stamp(start, timed),
        rule: parts.join(";"),
        exdates,
        rdates,
        first,
        last,
    })
}

fn compact(day: Date) -> String {
    day.strftime("%Y%m%d").to_string()
}

/// Our instances of a case, as the oracle writes them.
fn ours(case: &Case) -> Result<Vec<String>, String> {
    let value = if case.timed { "" } else { ";VALUE=DATE" };
    let mut text = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//oracle//EN\r\nBEGIN:VEVENT\r\nUID:case\r\n",
    );
    writeln!(text, "DTSTART{value}:{}\r", case.dtstart).unwrap();
    text.push_str(if case.timed {
        "DURATION:PT1M\r\n"
    } else {
        "DURATION:P1D\r\n"
    });
    writeln!(text, "RRULE:{}\r", case.rule).unwrap();
    if !case.exdates.is_empty() {
        writeln!(text, "EXDATE{value}:{}\r", case.exdates.join(",")).unwrap();
    }
    if !case.rdates.is_empty() {
        writeln!(text, "RDATE{value}:{}\r", case.rdates.join(",")).unwrap();
    }
    text.push_str("END:VEVENT\r\nEND:VCALENDAR\r\n");
    let calendar = Calendar::parse(&text).map_err(|e| e.to_string())?;
    let days = calendar
        .days_in("UTC", case.first, case.last, &Classify::AllOff)
        .map_err(|e| e.to_string())?;
    Ok(if case.timed {
        days.timed
            .iter()
            // An instance at 23:59 the day before the range touches it: the oracle counts
            // starts in the range.
            .filter(|t| jiff::tz::TimeZone::UTC.to_datetime(t.start).date() >= case.first)
            .map(|t| t.start.strftime("%Y%m%dT%H%M%S").to_string())
            .collect()
    } else {
        days.off
            .iter()
            .map(|(d, _)| format!("{}T000000", compact(*d)))
            .collect()
    })
}

#[test]
fn recurrences_agree_with_python_dateutil() {
    let mut rng = fastrand::Rng::with_seed(SEED);
    let mut cases = Vec::with_capacity(CASES);
    while cases.len() < CASES {
        if let Some(case) = generate(&mut rng) {
            cases.push(case);
        }
    }
    let mut tsv = String::new();
    for (id, case) in cases.iter().enumerate() {
        writeln!(
            tsv,
            "{id}\t{}\t{}\t{}\t{}\t{}\t{}",
            case.dtstart,
            case.rule,
            case.exdates.join(","),
            case.rdates.join(","),
            compact(case.first),
            compact(case.last)
        )
        .unwrap();
    }
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("rrule-cases-{}.tsv", std::process::id()));
    std::fs::write(&path, &tsv).unwrap();
    let stdout = oracle::run("rrule_oracle.py", [&path]);
    std::fs::remove_file(&path).unwrap();
    let stdout = String::from_utf8(stdout).unwrap();
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some("dateutil\t2.9.0.post0"),
        "the pinned python-dateutil"
    );
    let mut differences = Vec::new();
    let mut instances = 0;
    for (id, line) in lines.enumerate() {
        let case = &cases[id];
        let (answered, theirs) = line.split_once('\t').unwrap();
        assert_eq!(answered, id.to_string());
        let theirs: Vec<String> = theirs
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        instances += theirs.len();
        let ours = ours(case);
        if ours.as_ref() != Ok(&theirs) {
            differences.push(format!(
                "case {id}: DTSTART {} RRULE {} EXDATE [{}] RDATE [{}] over {}..={}\n  dateutil: {theirs:?}\n  ours:     {ours:?}",
                case.dtstart,
                case.rule,
                case.exdates.join(","),
                case.rdates.join(","),
                case.first,
                case.last
            ));
        }
    }
    assert!(
        instances > 20_000,
        "the cases must yield instances: {instances}"
    );
    assert!(
        differences.is_empty(),
        "{} of {CASES} cases differ; the first:\n{}",
        differences.len(),
        differences[..differences.len().min(5)].join("\n")
    );
}
