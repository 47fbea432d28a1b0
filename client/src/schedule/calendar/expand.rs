//! From events to days: each event's recurrence set handed to ical-rs's civil expansion,
//! walked up to the range's end, and each instance turned into local dates or instants in
//! the schedule's zone.

use std::collections::BTreeMap;

use ical::recur::set::{IcalRecurOverride, IcalRecurSet};
use ical::recur::{IcalRecurDateTime, IcalRecurFreq, IcalRecurRule};
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::days::{CalendarDays, Classify, MAX_OCCURRENCES, MAX_RANGE_DAYS, MAX_WALK, TimedOff};
use super::error::CalendarError;
use super::read::{Clock, End, Event, Stamp};
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
    let rules = retold(&event.rules);
    let exrules = retold(&event.exrules);
    // Instances that began this long before the range may still reach into it.
    let reach = match &event.end {
        None => 0,
        Some(End::For(length)) => length.days + length.seconds.div_euclid(DAY),
        Some(End::At(end)) => (end.civil.seconds() - event.start.civil.seconds()).div_euclid(DAY),
    }
    .clamp(0, i64::from(MAX_RANGE_DAYS))
        + 3;
    let before = civil_of(range.first).seconds() - reach * DAY;
    let later = if exrules.is_empty() {
        later_start(event.start.civil, &rules, before)
    } else {
        None
    };
    let set = IcalRecurSet {
        zone: Default::default(),
        start: Some(later.unwrap_or(event.start.civil)),
        rules,
        dates: told(&event.rdates),
        exrules,
        exdates: told(&event.exdates),
        overrides: moved.iter().map(|(over, _)| *over).collect(),
    };
    // The set keeps its start as an instance, so a later start is one too even where no
    // rule generates it: harmless, as it lies before the range by more than the event
    // lasts, and instances there touch nothing asked for.
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

/// A start for the walk later than `start` and before `before`, when the rules allow one:
/// ical-rs tests every day of each yearly or monthly period it walks, from the start on,
/// so a yearly holiday written in 1997 costs some 10,000 day tests by 2027. A rule
/// without COUNT (which counts from the start) and without BYWEEKNO (whose weekday the
/// start gives), at YEARLY or MONTHLY, yields the same instances from any start that is
/// a whole number of its periods later on the same day of the month at the same time:
/// periods stay aligned with INTERVAL, and the parts no BY part pins (month, day, time)
/// come from the start unchanged.
fn later_start(
    start: IcalRecurDateTime,
    rules: &[IcalRecurRule],
    before: i64,
) -> Option<IcalRecurDateTime> {
    let mut step: i64 = 1;
    for rule in rules {
        let months = match rule.freq {
            IcalRecurFreq::Yearly => 12,
            IcalRecurFreq::Monthly => 1,
            _ => return None,
        };
        if rule.count.is_some() || !rule.by_week_no.is_empty() {
            return None;
        }
        let period = months * i64::from(rule.interval.max(1));
        step = step / gcd(step, period) * period;
        if step > 12 * 400 {
            return None;
        }
    }
    if rules.is_empty() {
        return None;
    }
    let limit = IcalRecurDateTime::from_seconds(before);
    let months = (i64::from(limit.year) - i64::from(start.year)) * 12 + i64::from(limit.month)
        - i64::from(start.month)
        - 1;
    let mut periods = months.div_euclid(step);
    // A day the month lacks (the 31st, 29 February): an earlier period, a few at most.
    for _ in 0..4 {
        if periods <= 0 {
            return None;
        }
        let index = i64::from(start.year) * 12 + i64::from(start.month) - 1 + periods * step;
        let later = IcalRecurDateTime {
            year: i32::try_from(index.div_euclid(12)).ok()?,
            month: u8::try_from(index.rem_euclid(12) + 1).ok()?,
            ..start
        };
        if date_of(later).is_some() && later.seconds() < before {
            return Some(later);
        }
        periods -= 1;
    }
    None
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd(b, a % b) }
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
