//! Properties of boundaries over random schedules: the desired state follows the
//! occurrences, `next_change` is the first boundary that changes it, and boundaries are
//! strictly increasing.

use jiff::civil::{Date, Time, date};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::merged::FromCalendars;
use super::{Desired, Schedule, Schedules};

const ZONES: [&str; 5] = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Shanghai",
    "Australia/Lord_Howe",
];
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn day_list(mask: u8) -> String {
    let days: Vec<&str> = (0..7)
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| DAYS[i])
        .collect();
    days.join(",")
}

fn time(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A schedule document, which may well be refused (overlaps): the strategy keeps the
/// ones that are not.
fn document() -> impl Strategy<Value = Schedules> {
    let period = (
        1u8..128,
        prop::option::weighted(0.8, 0u16..1440),
        0u16..1440,
    );
    (
        0..ZONES.len(),
        prop::collection::vec(period, 1..4),
        prop::collection::vec(0i64..400, 0..6),
        prop::collection::vec((0i64..400, 0usize..7), 0..40),
    )
        .prop_filter_map("overlapping periods", |(zone, periods, skips, works)| {
            let periods: Vec<String> = periods
                .iter()
                .map(|(days, start, stop)| match start {
                    Some(start) => format!(
                        r#"{{"days": "{}", "start": "{}", "stop": "{}"}}"#,
                        day_list(*days),
                        time(*start),
                        time(*stop)
                    ),
                    None => format!(
                        r#"{{"days": "{}", "stop": "{}"}}"#,
                        day_list(*days),
                        time(*stop)
                    ),
                })
                .collect();
            let mut skips: Vec<String> = skips
                .iter()
                .map(|day| format!(r#""{}""#, days_after(date(2025, 12, 1), *day)))
                .collect();
            skips.sort();
            skips.dedup();
            // Working days on skip dates or twice are refused: those are left out.
            let mut works = works;
            works.sort_by_key(|(day, _)| *day);
            works.dedup_by_key(|(day, _)| *day);
            let works: Vec<String> = works
                .iter()
                .filter(|(day, _)| {
                    !skips.contains(&format!(r#""{}""#, days_after(date(2025, 12, 1), *day)))
                })
                .map(|(day, works_as)| {
                    format!(
                        r#"{{"date": "{}", "as": "{}"}}"#,
                        days_after(date(2025, 12, 1), *day),
                        DAYS[*works_as]
                    )
                })
                .collect();
            Schedules::from_json(&format!(
                r#"{{"schedules": {{"p": {{"timezone": "{}", "periods": [{}], "skip_dates": [{}],
                    "work_dates": [{}]}}}}}}"#,
                ZONES[zone],
                periods.join(","),
                skips.join(","),
                works.join(",")
            ))
            .ok()
        })
}

/// A schedule from [`document`], with what calendars might give it merged in: days off,
/// working days (which may clash with the document's or each other's) and timed days
/// off (which may overlap) around 2026.
fn schedule() -> impl Strategy<Value = Schedule> {
    let day = 0i64..400;
    // Mostly hours to days long, now and then weeks (a shutdown): next_change must
    // look past weeks without a start for the end of one.
    let length = prop_oneof![9 => 1i64..4 * 24 * 3, 1 => 1i64..4 * 24 * 30];
    let timed = (0i64..400 * 24 * 4, length, 0u16..3);
    (
        document(),
        prop::collection::vec((day.clone(), 0u16..3), 0..30),
        prop::collection::vec((day, 0usize..7, 0u16..3), 0..30),
        prop::collection::vec(timed, 0..40),
    )
        .prop_map(|(schedules, off, work, timed)| {
            let base = date(2025, 12, 1);
            let quarter =
                |quarters: i64| Timestamp::from_second(1_764_547_200 + quarters * 15 * 60).unwrap();
            let days = FromCalendars {
                off: off
                    .iter()
                    .map(|(day, index)| (days_after(base, *day), *index))
                    .collect(),
                work: work
                    .iter()
                    .map(|(day, works_as, index)| {
                        let works_as = jiff::civil::Weekday::from_monday_zero_offset(
                            i8::try_from(*works_as).unwrap(),
                        )
                        .unwrap();
                        (days_after(base, *day), works_as, *index)
                    })
                    .collect(),
                timed: timed
                    .iter()
                    .map(|(start, length, index)| {
                        (quarter(*start), quarter(start + length), *index)
                    })
                    .collect(),
            };
            schedules.get("p").unwrap().merged_with(days).schedule
        })
}

fn days_after(date: Date, days: i64) -> Date {
    date.saturating_add(SignedDuration::from_hours(24 * days))
}

fn instant() -> impl Strategy<Value = Timestamp> {
    // 2026, to the minute, and now and then a second off it.
    (0i64..365 * 1440, prop::bool::weighted(0.2)).prop_map(|(minute, off)| {
        Timestamp::from_second(1_767_225_600 + minute * 60 + i64::from(off)).unwrap()
    })
}

/// Whether `at` is inside an occurrence, from the definition: a period's start on a day
/// it lists (or on a working day that works as one it lists) that is no skip date, to
/// its stop (the next day's 00:00 if that is one); and outside every timed day off.
fn inside(schedule: &Schedule, at: Timestamp) -> bool {
    let day_off = schedule
        .timed_days_off(at, at + SignedDuration::from_secs(1))
        .iter()
        .any(|(start, end)| *start <= at && at < *end);
    !day_off && inside_week(schedule, at)
}

fn inside_week(schedule: &Schedule, at: Timestamp) -> bool {
    let zone = schedule.zone();
    let today = zone.wall(at).date();
    (-2..=1).any(|offset| {
        let day = days_after(today, offset);
        if schedule.skip_dates().contains(&day) {
            return false;
        }
        schedule.periods().iter().any(|period| {
            let Some(start) = period.start() else {
                return false;
            };
            let works_as = schedule
                .work_dates()
                .iter()
                .find(|(work, _)| *work == day)
                .map_or(day.weekday(), |(_, works_as)| *works_as);
            if !period.days().contains(works_as) {
                return false;
            }
            let begin = zone.resolve(day.to_datetime(start.to_civil()));
            let next = days_after(day, 1);
            let end = if !period.overnight() {
                zone.resolve(day.to_datetime(period.stop().to_civil()))
            } else if schedule.skip_dates().contains(&next) {
                zone.resolve(next.to_datetime(Time::midnight()))
            } else {
                zone.resolve(next.to_datetime(period.stop().to_civil()))
            };
            begin <= at && at < end
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn inside_an_occurrence_exactly_when_the_latest_boundary_wants_it_running(
        schedule in schedule(),
        at in instant(),
    ) {
        let latest = schedule.latest(at);
        prop_assert!(latest.at <= at);
        prop_assert_eq!(inside(&schedule, at), latest.desired == Desired::Running, "{:?}", latest);
    }

    #[test]
    fn next_change_is_the_first_later_boundary_with_another_state(
        schedule in schedule(),
        at in instant(),
    ) {
        let current = schedule.latest(at).desired;
        let later = schedule.boundaries(at, at + SignedDuration::from_hours(24 * 399));
        let expected = later.iter().find(|b| b.at > at && b.desired != current).copied();
        prop_assert_eq!(schedule.next_change(at), expected);
    }

    #[test]
    fn boundaries_strictly_increase_and_each_is_in_force_at_its_instant(
        schedule in schedule(),
        from in instant(),
        days in 1i64..30,
    ) {
        let to = from + SignedDuration::from_hours(24 * days);
        let boundaries = schedule.boundaries(from, to);
        for pair in boundaries.windows(2) {
            prop_assert!(pair[0].at < pair[1].at, "{:?}", pair);
        }
        for boundary in &boundaries {
            prop_assert!(from <= boundary.at && boundary.at < to);
            prop_assert_eq!(schedule.latest(boundary.at), *boundary);
        }
    }
}
