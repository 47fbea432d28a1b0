//! From events to days: each event's recurrence set handed to ical-rs's civil expansion,
//! walked up to the range's end, and each instance turned into local dates or instants in
//! the schedule's zone.

use std::collections::BTreeMap;

use ical::recur::IcalRecurDateTime;
use ical::recur::set::{IcalRecurOverride, IcalRecurSet};
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::read::{Clock, End, Event, Stamp};
use super::{
    CalendarDays, CalendarError, Classify, MAX_OCCURRENCES, MAX_RANGE_DAYS, MAX_WALK, TimedOff,
};
use crate::input::Excerpt;
use crate::schedule::zone::Zone;

/// Links each override (`RECURRENCE-ID`) to the series its UID names, once, at parse
/// time: refused when two series carry that UID. An override without a series in the
/// calendar stands alone.
pub(super) fn link(events: &mut [Event]) -> Result<(), CalendarError> {
    let mut series: BTreeMap<&str, (usize, Option<usize>)> = BTreeMap::new();
    for (index, event) in events.iter().enumerate() {
        if let (None, Some(uid)) = (&event.recurrence_id, &event.uid) {
            series
                .entry(uid.as_str())
                .and_modify(|(_, second)| *second = second.or(Some(index)))
                .or_insert((index, None));
        }
    }
    let mut links = Vec::new();
    for (index, event) in events.iter().enumerate() {
        let (Some(_), Some(uid)) = (&event.recurrence_id, &event.uid) else {
            continue;
        };
        match series.get(uid.as_str()) {
            None => {}
            Some((first, None)) => links.push((index, *first)),
            Some((first, Some(second))) => {
                return Err(CalendarError::AmbiguousOverride {
                    line: event.line,
                    uid: Excerpt::with_limit(uid, 40),
                    first: events[*first].line,
                    second: events[*second].line,
                });
            }
        }
    }
    for (over, series) in links {
        events[over].in_series = true;
        events[series].overrides.push(over);
    }
    Ok(())
}

/// The walk's counters, shared by the events of one call.
struct Walk {
    total: u32,
    last: Date,
}

pub(super) fn days(
    events: &[Event],
    zone: &Zone,
    first: Date,
    last: Date,
    classify: &Classify,
) -> Result<CalendarDays, CalendarError> {
    let mut days = CalendarDays::default();
    if last < first {
        return Ok(days);
    }
    if day_number(last) - day_number(first) > i64::from(MAX_RANGE_DAYS) {
        return Err(CalendarError::RangeTooLong {
            first,
            last,
            limit: MAX_RANGE_DAYS,
        });
    }
    let range = Range {
        first,
        last,
        from: zone.resolve(first.to_datetime(jiff::civil::Time::midnight())),
        to: last
            .tomorrow()
            .map(|day| zone.resolve(day.to_datetime(jiff::civil::Time::midnight())))
            .unwrap_or(Timestamp::MAX),
    };
    let mut walk = Walk { total: 0, last };
    for event in events {
        if event.in_series || event.cancelled {
            continue;
        }
        let overrides: Vec<&Event> = event.overrides.iter().map(|i| &events[*i]).collect();
        series(
            event, &overrides, zone, &range, classify, &mut walk, &mut days,
        )?;
    }
    finish(&mut days.off);
    finish(&mut days.work);
    days.timed.sort_unstable_by_key(|t| (t.start, t.line));
    let mut merged: Vec<TimedOff> = Vec::with_capacity(days.timed.len());
    for timed in days.timed.drain(..) {
        match merged.last_mut() {
            Some(previous) if timed.start <= previous.end => {
                previous.end = previous.end.max(timed.end);
            }
            _ => merged.push(timed),
        }
    }
    days.timed = merged;
    Ok(days)
}

struct Range {
    first: Date,
    last: Date,
    from: Timestamp,
    to: Timestamp,
}

fn finish(dates: &mut Vec<(Date, u32)>) {
    dates.sort_unstable();
    dates.dedup_by_key(|(date, _)| *date);
}

/// Expands one series (with its overrides) over the range.
fn series(
    event: &Event,
    overrides: &[&Event],
    zone: &Zone,
    range: &Range,
    classify: &Classify,
    walk: &mut Walk,
    days: &mut CalendarDays,
) -> Result<(), CalendarError> {
    let clock = &event.start.clock;
    let retold = |rules: &[super::read::Rule]| {
        rules
            .iter()
            .map(|rule| {
                let mut typed = rule.rule.clone();
                if let (Some(until), true) = (typed.until, rule.until_utc) {
                    typed.until = Some(tell(
                        &Stamp {
                            civil: until,
                            clock: Clock::Utc,
                        },
                        clock,
                        zone,
                    ));
                }
                typed
            })
            .collect::<Vec<_>>()
    };
    let told = |stamps: &[Stamp]| {
        let mut list: Vec<IcalRecurDateTime> =
            stamps.iter().map(|s| tell(s, clock, zone)).collect();
        list.sort_unstable();
        list.dedup();
        list
    };
    let mut moved: Vec<(IcalRecurOverride, &Event)> = overrides
        .iter()
        .filter_map(|over| {
            let (id, future) = over.recurrence_id.as_ref()?;
            Some((
                IcalRecurOverride {
                    id: tell(id, clock, zone),
                    start: tell(&over.start, clock, zone),
                    this_and_future: *future,
                },
                *over,
            ))
        })
        .collect();
    moved.sort_unstable_by_key(|(over, e)| (over.id, e.line));
    moved.dedup_by_key(|(over, _)| over.id);
    // An override may move an instance earlier than its place in the walk (which is in
    // the order of the instances' identities): walk that much further.
    let pulled_back = moved
        .iter()
        .map(|(over, _)| over.id.seconds() - over.start.seconds())
        .max()
        .unwrap_or(0)
        .max(0);
    let set = IcalRecurSet {
        zone: Default::default(),
        start: Some(event.start.civil),
        rules: retold(&event.rules),
        dates: told(&event.rdates),
        exrules: retold(&event.exrules),
        exdates: told(&event.exdates),
        overrides: moved.iter().map(|(over, _)| *over).collect(),
    };
    // Two days beyond the range's end cover any offset between the event's clock and the
    // schedule's.
    let stop = civil_of(range.last).seconds() + 2 * DAY + pulled_back;
    let mut count: u32 = 0;
    for occurrence in set.expand() {
        if occurrence.id.seconds() > stop {
            break;
        }
        count += 1;
        walk.total += 1;
        if count > MAX_OCCURRENCES || walk.total > MAX_WALK {
            return Err(CalendarError::TooManyOccurrences {
                line: event.line,
                limit: MAX_OCCURRENCES.min(MAX_WALK),
                until: walk.last,
            });
        }
        let instance = match occurrence.over.and_then(|index| moved.get(index)) {
            Some((_, over)) => *over,
            None => event,
        };
        if instance.cancelled {
            continue;
        }
        let work = match classify {
            Classify::AllOff => false,
            Classify::AllWork => true,
            Classify::WorkIf(word) => {
                let labelled = if instance.summary.is_empty() && instance.categories.is_empty() {
                    event
                } else {
                    instance
                };
                labelled.summary.contains(word.as_str())
                    || labelled
                        .categories
                        .iter()
                        .any(|c| c.contains(word.as_str()))
            }
        };
        // The instance's length: its own end if an override gives one, else the series'.
        let (ends, own) = match &instance.end {
            Some(end) => (Some(end), instance),
            None => (event.end.as_ref(), event),
        };
        if matches!(clock, Clock::Date) {
            let Some(start) = date_of(occurrence.start) else {
                continue;
            };
            let length = match ends {
                None => 1,
                Some(End::For(length)) => length.days,
                Some(End::At(end)) => {
                    (end.civil.seconds() - own.start.civil.seconds()).div_euclid(DAY)
                }
            }
            .max(1);
            let start = day_number(start);
            let from = start.max(day_number(range.first));
            let to = start.saturating_add(length - 1).min(day_number(range.last));
            let list = if work { &mut days.work } else { &mut days.off };
            push_days(list, from, to, instance.line);
            continue;
        }
        let Some(start) = instant(occurrence.start, clock, zone) else {
            continue;
        };
        let end = match ends {
            None => continue,
            Some(End::At(end)) => {
                match (
                    instant(own.start.civil, &own.start.clock, zone),
                    instant(end.civil, &end.clock, zone),
                ) {
                    (Some(a), Some(b)) => start.checked_add(b.duration_since(a)).ok(),
                    _ => None,
                }
            }
            Some(End::For(length)) => instant(
                IcalRecurDateTime::from_seconds(
                    occurrence.start.seconds() + length.days.saturating_mul(DAY),
                ),
                clock,
                zone,
            )
            .and_then(|at| {
                at.checked_add(SignedDuration::from_secs(length.seconds))
                    .ok()
            }),
        };
        let Some(end) = end.filter(|end| *end > start) else {
            continue;
        };
        if end <= range.from || start >= range.to {
            continue;
        }
        if work {
            let tz = zone.time_zone();
            let first = day_number(tz.to_datetime(start).date()).max(day_number(range.first));
            let last_instant = end
                .checked_sub(SignedDuration::from_nanos(1))
                .unwrap_or(end);
            let last = day_number(tz.to_datetime(last_instant).date()).min(day_number(range.last));
            push_days(&mut days.work, first, last, instance.line);
        } else {
            days.timed.push(TimedOff {
                start,
                end,
                line: instance.line,
            });
        }
    }
    Ok(())
}

/// Seconds in a day.
const DAY: i64 = 86_400;

/// Days since 1970-01-01: day arithmetic on the crate's civil calendar, which the
/// expansion links anyway, rather than on jiff's spans, which would add their own.
fn day_number(date: Date) -> i64 {
    civil_of(date).seconds().div_euclid(DAY)
}

/// The dates `from..=to` (day numbers), each with `line`.
fn push_days(list: &mut Vec<(Date, u32)>, from: i64, to: i64, line: u32) {
    for number in from..=to {
        if let Some(day) = date_of(IcalRecurDateTime::from_seconds(number * DAY)) {
            list.push((day, line));
        }
    }
}

fn civil_of(date: Date) -> IcalRecurDateTime {
    IcalRecurDateTime::date(
        i32::from(date.year()),
        date.month().unsigned_abs(),
        date.day().unsigned_abs(),
    )
}

fn civil_from(at: DateTime) -> IcalRecurDateTime {
    IcalRecurDateTime {
        year: i32::from(at.year()),
        month: at.month().unsigned_abs(),
        day: at.day().unsigned_abs(),
        hour: at.hour().unsigned_abs(),
        minute: at.minute().unsigned_abs(),
        second: at.second().unsigned_abs(),
    }
}

fn date_of(civil: IcalRecurDateTime) -> Option<Date> {
    Date::new(
        i16::try_from(civil.year).ok()?,
        i8::try_from(civil.month).ok()?,
        i8::try_from(civil.day).ok()?,
    )
    .ok()
}

fn wall(civil: IcalRecurDateTime) -> Option<DateTime> {
    Some(date_of(civil)?.at(
        i8::try_from(civil.hour).ok()?,
        i8::try_from(civil.minute).ok()?,
        i8::try_from(civil.second.min(59)).ok()?,
        0,
    ))
    .filter(|_| civil.hour < 24 && civil.minute < 60)
}

/// The instant a civil time on `clock` stands for; a date is its midnight, and a floating
/// time is read, in the schedule's zone.
fn instant(civil: IcalRecurDateTime, clock: &Clock, zone: &Zone) -> Option<Timestamp> {
    let at = wall(civil)?;
    Some(match clock {
        Clock::Date | Clock::Floating => zone.resolve(at),
        Clock::Utc => TimeZone::UTC.to_timestamp(at).ok()?,
        Clock::Zoned(own) => own.resolve(at),
    })
}

/// The same moment told on another clock, as the civil expansion compares on one clock
/// only (RFC 5545 3.3.10, 3.8.5.1). Dates beside date-times are compared as written at
/// midnight; a date-time beside dates keeps its local date.
fn tell(stamp: &Stamp, to: &Clock, zone: &Zone) -> IcalRecurDateTime {
    if stamp.clock.same(to) || matches!(stamp.clock, Clock::Date) {
        return stamp.civil;
    }
    let Some(at) = instant(stamp.civil, &stamp.clock, zone) else {
        return stamp.civil;
    };
    let local = match to {
        Clock::Utc => TimeZone::UTC.to_datetime(at),
        Clock::Zoned(own) => own.wall(at),
        Clock::Floating => zone.wall(at),
        Clock::Date => {
            let date = match stamp.clock {
                Clock::Floating => return civil_of_date(stamp.civil),
                _ => zone.wall(at).date(),
            };
            return civil_of(date);
        }
    };
    civil_from(local)
}

fn civil_of_date(civil: IcalRecurDateTime) -> IcalRecurDateTime {
    IcalRecurDateTime::date(civil.year, civil.month, civil.day)
}
