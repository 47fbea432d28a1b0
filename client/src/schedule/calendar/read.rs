//! Reading the text: the one file that knows ical-rs's tokeniser. Each content line is
//! taken with `IcalLine::take` (folding, blank lines), its physical line counted here, and
//! the events' date properties are checked into [`Event`]s. The crate's decoded model is
//! not used: it would link every property's and value's codec for the handful of
//! properties a schedule reads.

use ical::recur::{IcalRecurDateTime, IcalRecurFreq, IcalRecurRule};
use ical::tree::line::IcalLine;

use super::error::CalendarError;
use crate::input::Excerpt;
use crate::schedule::zone::Zone;

/// Components nest at most this deep (VCALENDAR > VEVENT > VALARM is 3).
const MAX_DEPTH: usize = 16;

/// The clock a date or date-time is told on (RFC 5545 3.3.4, 3.3.5).
#[derive(Debug, Clone)]
pub(super) enum Clock {
    /// A `DATE`: a whole local day.
    Date,
    /// A local time with no zone: read in the schedule's zone.
    Floating,
    /// A UTC time (`Z`).
    Utc,
    /// A local time in a `TZID` zone, looked up in our database.
    Zoned(Zone),
}

impl Clock {
    pub(super) fn same(&self, other: &Clock) -> bool {
        match (self, other) {
            (Clock::Date, Clock::Date)
            | (Clock::Floating, Clock::Floating)
            | (Clock::Utc, Clock::Utc) => true,
            (Clock::Zoned(a), Clock::Zoned(b)) => a.name() == b.name(),
            _ => false,
        }
    }
}

/// A date or date-time as written, with its clock.
#[derive(Debug, Clone)]
pub(super) struct Stamp {
    pub(super) civil: IcalRecurDateTime,
    pub(super) clock: Clock,
}

/// A `DURATION` (RFC 5545 3.3.6): days are nominal (a day is a wall-clock day), the
/// time part exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Length {
    pub(super) days: i64,
    pub(super) seconds: i64,
}

#[derive(Debug, Clone)]
pub(super) enum End {
    At(Stamp),
    For(Length),
}

/// A recurrence rule, and whether its `UNTIL` was written in UTC (it must then be told
/// on DTSTART's clock before the civil expansion compares with it).
#[derive(Debug, Clone)]
pub(super) struct Rule {
    pub(super) rule: IcalRecurRule,
    pub(super) until_utc: bool,
}

/// One `VEVENT`, its date properties checked.
#[derive(Debug, Clone)]
pub(super) struct Event {
    /// Its `BEGIN:VEVENT` line.
    pub(super) line: u32,
    pub(super) uid: Option<String>,
    pub(super) start: Stamp,
    pub(super) end: Option<End>,
    pub(super) rules: Vec<Rule>,
    pub(super) exrules: Vec<Rule>,
    pub(super) rdates: Vec<Stamp>,
    pub(super) exdates: Vec<Stamp>,
    /// `RECURRENCE-ID`, and whether it carries `RANGE=THISANDFUTURE`.
    pub(super) recurrence_id: Option<(Stamp, bool)>,
    pub(super) cancelled: bool,
    pub(super) summary: String,
    pub(super) categories: Vec<String>,
    /// For a series, the indices of the overrides (`RECURRENCE-ID`) that name its UID.
    pub(super) overrides: Vec<usize>,
    /// For an override, whether its series is in the calendar (else it stands alone).
    pub(super) in_series: bool,
}

/// An event being read: each property an event may carry once, with the line it came on.
#[derive(Default)]
struct Draft {
    line: u32,
    uid: Option<(u32, String)>,
    start: Option<(u32, Stamp)>,
    end: Option<(u32, End)>,
    duration_line: Option<u32>,
    end_line: Option<u32>,
    rules: Vec<Rule>,
    exrules: Vec<Rule>,
    rdates: Vec<Stamp>,
    exdates: Vec<Stamp>,
    recurrence_id: Option<(u32, (Stamp, bool))>,
    status: Option<(u32, bool)>,
    summary: Option<(u32, String)>,
    categories: Vec<String>,
}

/// Reads every event of `text`, checked.
pub(super) fn events(text: &str) -> Result<Vec<Event>, CalendarError> {
    let input = text.as_bytes();
    let mut rest = input;
    let mut line_no: u32 = 1;
    let mut stack: Vec<String> = Vec::new();
    let mut events = Vec::new();
    let mut draft: Option<Draft> = None;
    let mut calendar_line = 0;
    let mut closed = false;

    loop {
        // Blank lines before a content line: the tokeniser skips them, we count them.
        loop {
            if let Some(tail) = rest.strip_prefix(b"\r\n") {
                rest = tail;
            } else if let Some(tail) = rest.strip_prefix(b"\n") {
                rest = tail;
            } else {
                break;
            }
            line_no = line_no.saturating_add(1);
        }
        if rest.iter().all(|b| b.is_ascii_whitespace()) {
            break;
        }
        let here = line_no;
        if closed {
            return Err(CalendarError::TrailingContent { line: here });
        }
        let (line, tail) = IcalLine::take(rest).map_err(|_| syntax(here, not_a_line(rest)))?;
        let consumed = &rest[..rest.len() - tail.len()];
        line_no = line_no.saturating_add(count_newlines(consumed));
        rest = tail;

        let name = line.name.get().to_ascii_uppercase();
        if stack.is_empty() && calendar_line == 0 {
            let value = line.raw_value_str();
            if name != "BEGIN" || !value.trim().eq_ignore_ascii_case("VCALENDAR") {
                return Err(CalendarError::NotICalendar { line: here });
            }
        }
        match name.as_str() {
            "BEGIN" => {
                let component = line.raw_value_str().trim().to_ascii_uppercase();
                if stack.len() >= MAX_DEPTH {
                    return Err(syntax(
                        here,
                        format!("components nest more than {MAX_DEPTH} deep"),
                    ));
                }
                if stack.is_empty() {
                    calendar_line = here;
                }
                if component == "VEVENT" && stack.len() == 1 {
                    draft = Some(Draft {
                        line: here,
                        ..Draft::default()
                    });
                }
                stack.push(component);
            }
            "END" => {
                let component = line.raw_value_str().trim().to_ascii_uppercase();
                let Some(open) = stack.pop() else {
                    return Err(syntax(here, "END without a BEGIN".into()));
                };
                if open != component {
                    return Err(syntax(
                        here,
                        format!(
                            "END:{} closes BEGIN:{}: close components in the order they open",
                            Excerpt::with_limit(&component, 30),
                            Excerpt::with_limit(&open, 30)
                        ),
                    ));
                }
                if open == "VEVENT"
                    && stack.len() == 1
                    && let Some(done) = draft.take()
                {
                    events.push(done.finish()?);
                }
                closed = stack.is_empty();
            }
            _ => {
                if stack.len() == 2
                    && let Some(draft) = draft.as_mut()
                {
                    draft.property(&name, &line, here)?;
                }
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(syntax(
            line_no,
            format!(
                "BEGIN:{} is never closed: end it with END:{}",
                Excerpt::with_limit(open, 30),
                Excerpt::with_limit(open, 30)
            ),
        ));
    }
    if calendar_line == 0 {
        return Err(CalendarError::NotICalendar { line: 1 });
    }
    if events.is_empty() {
        return Err(CalendarError::NoEvents {
            line: calendar_line,
        });
    }
    Ok(events)
}

fn syntax(line: u32, what: String) -> CalendarError {
    CalendarError::Syntax {
        line,
        what: what.into_boxed_str(),
    }
}

fn not_a_line(rest: &[u8]) -> String {
    let first = rest.split(|b| *b == b'\n').next().unwrap_or_default();
    let first = first.strip_suffix(b"\r").unwrap_or(first);
    format!(
        "{} is not a content line: write NAME:VALUE (RFC 5545 3.1)",
        Excerpt::with_limit(&String::from_utf8_lossy(first), 40)
    )
}

fn count_newlines(bytes: &[u8]) -> u32 {
    u32::try_from(bytes.iter().filter(|b| **b == b'\n').count()).unwrap_or(u32::MAX)
}

/// The first value of a parameter, unquoted.
fn param<'l>(line: &'l IcalLine<'_>, name: &str) -> Option<&'l str> {
    line.params
        .iter()
        .find(|param| param.name.get().eq_ignore_ascii_case(name))
        .and_then(|param| param.values.first())
        .map(|value| value.get().trim_matches('"'))
}

fn once<T>(
    slot: &mut Option<(u32, T)>,
    line: u32,
    property: &'static str,
    value: T,
) -> Result<(), CalendarError> {
    if let Some((first, _)) = slot {
        return Err(CalendarError::Duplicate {
            line,
            first: *first,
            property,
        });
    }
    *slot = Some((line, value));
    Ok(())
}

impl Draft {
    fn property(
        &mut self,
        name: &str,
        line: &IcalLine<'_>,
        here: u32,
    ) -> Result<(), CalendarError> {
        match name {
            "DTSTART" => {
                let stamp = stamp(line, here, "DTSTART")?;
                once(&mut self.start, here, "DTSTART", stamp)
            }
            "DTEND" => {
                let stamp = stamp(line, here, "DTEND")?;
                self.end_line = Some(here);
                self.no_both(here)?;
                once(&mut self.end, here, "DTEND", End::At(stamp))
            }
            "DURATION" => {
                let raw = line.raw_value_str();
                let length = length(raw.trim()).ok_or_else(|| CalendarError::Value {
                    line: here,
                    property: "DURATION",
                    value: Excerpt::with_limit(&raw, 40),
                    expected: "a duration such as P1D, P2W or PT1H30M (RFC 5545 3.3.6)",
                })?;
                self.duration_line = Some(here);
                self.no_both(here)?;
                once(&mut self.end, here, "DURATION", End::For(length))
            }
            "RRULE" | "EXRULE" => {
                let raw = line.raw_value_str();
                let rule = rule(raw.trim(), here)?;
                if name == "RRULE" {
                    self.rules.push(rule);
                } else {
                    self.exrules.push(rule);
                }
                Ok(())
            }
            "RDATE" | "EXDATE" => {
                let property = if name == "RDATE" { "RDATE" } else { "EXDATE" };
                let list = stamps(line, here, property)?;
                if name == "RDATE" {
                    self.rdates.extend(list);
                } else {
                    self.exdates.extend(list);
                }
                Ok(())
            }
            "RECURRENCE-ID" => {
                let stamp = stamp(line, here, "RECURRENCE-ID")?;
                let future =
                    param(line, "RANGE").is_some_and(|r| r.eq_ignore_ascii_case("THISANDFUTURE"));
                once(
                    &mut self.recurrence_id,
                    here,
                    "RECURRENCE-ID",
                    (stamp, future),
                )
            }
            "STATUS" => {
                let cancelled = line
                    .raw_value_str()
                    .trim()
                    .eq_ignore_ascii_case("CANCELLED");
                once(&mut self.status, here, "STATUS", cancelled)
            }
            "UID" => {
                let uid = line.value.decode().trim().to_owned();
                once(&mut self.uid, here, "UID", uid)
            }
            "SUMMARY" => {
                let summary = line.value.decode().into_owned();
                once(&mut self.summary, here, "SUMMARY", summary)
            }
            "CATEGORIES" => {
                self.categories.extend(
                    line.value
                        .decode_list()
                        .into_iter()
                        .map(|category| category.into_owned()),
                );
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn no_both(&self, here: u32) -> Result<(), CalendarError> {
        match (self.end_line, self.duration_line) {
            (Some(end), Some(duration)) => Err(CalendarError::EndAndDuration {
                line: here,
                other: end.min(duration),
            }),
            _ => Ok(()),
        }
    }

    fn finish(self) -> Result<Event, CalendarError> {
        let Some((_, start)) = self.start else {
            return Err(CalendarError::MissingStart { line: self.line });
        };
        if let Some((line, End::At(end))) = &self.end
            && matches!(start.clock, Clock::Date) != matches!(end.clock, Clock::Date)
        {
            return Err(CalendarError::Value {
                line: *line,
                property: "DTEND",
                value: Excerpt::of(&format!("{:?}", end.civil)),
                expected: "of DTSTART's kind: both dates, or both date-times (RFC 5545 3.6.1)",
            });
        }
        if let Some((line, End::For(length))) = &self.end
            && matches!(start.clock, Clock::Date)
            && length.seconds != 0
        {
            return Err(CalendarError::Value {
                line: *line,
                property: "DURATION",
                value: Excerpt::of(&format!("{}s", length.seconds)),
                expected: "whole days or weeks beside a DTSTART that is a date (RFC 5545 3.8.2.5)",
            });
        }
        Ok(Event {
            line: self.line,
            uid: self.uid.map(|(_, uid)| uid),
            start,
            end: self.end.map(|(_, end)| end),
            rules: self.rules,
            exrules: self.exrules,
            rdates: self.rdates,
            exdates: self.exdates,
            recurrence_id: self.recurrence_id.map(|(_, id)| id),
            cancelled: self.status.is_some_and(|(_, cancelled)| cancelled),
            summary: self.summary.map(|(_, s)| s).unwrap_or_default(),
            categories: self.categories,
            overrides: Vec::new(),
            in_series: false,
        })
    }
}

/// The clock a date property's parameters and value name.
fn clock(line: &IcalLine<'_>, value: &str, here: u32) -> Result<Clock, CalendarError> {
    let date = param(line, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
    if date || value.len() == 8 {
        return Ok(Clock::Date);
    }
    if value.ends_with(['Z', 'z']) {
        return Ok(Clock::Utc);
    }
    match param(line, "TZID") {
        None => Ok(Clock::Floating),
        Some(tzid) => {
            // RFC 5545 3.2.19 lets a TZID start with `/` for a globally unique name.
            let name = tzid.strip_prefix('/').unwrap_or(tzid);
            Zone::lookup(name)
                .map(Clock::Zoned)
                .map_err(|_| CalendarError::UnknownZone {
                    line: here,
                    tzid: Excerpt::with_limit(tzid, 40),
                })
        }
    }
}

fn stamp_of(
    line: &IcalLine<'_>,
    value: &str,
    here: u32,
    property: &'static str,
) -> Result<Stamp, CalendarError> {
    let clock = clock(line, value, here)?;
    let wrong = || CalendarError::Value {
        line: here,
        property,
        value: Excerpt::with_limit(value, 40),
        expected: match clock {
            Clock::Date => "a date such as 20270101 (VALUE=DATE)",
            _ => "a date-time such as 20270101T090000 or 20270101T090000Z",
        },
    };
    let is_date = matches!(clock, Clock::Date);
    if is_date != (value.len() == 8) {
        return Err(wrong());
    }
    let civil = IcalRecurDateTime::parse(value).map_err(|_| wrong())?;
    // Leap seconds name no wall time jiff can hold; the year must be one RFC 5545 spells.
    if civil.second > 59 || !(1..=9999).contains(&civil.year) {
        return Err(wrong());
    }
    Ok(Stamp { civil, clock })
}

fn stamp(line: &IcalLine<'_>, here: u32, property: &'static str) -> Result<Stamp, CalendarError> {
    let raw = line.raw_value_str();
    stamp_of(line, raw.trim(), here, property)
}

/// A list of dates (RDATE, EXDATE); a period's start stands for it (RFC 5545 3.8.5.2).
fn stamps(
    line: &IcalLine<'_>,
    here: u32,
    property: &'static str,
) -> Result<Vec<Stamp>, CalendarError> {
    let raw = line.raw_value_str();
    raw.split(',')
        .map(|item| {
            let start = item.split('/').next().unwrap_or(item).trim();
            stamp_of(line, start, here, property)
        })
        .collect()
}

fn rule(raw: &str, here: u32) -> Result<Rule, CalendarError> {
    let refuse = |why: &'static str| CalendarError::Rule {
        line: here,
        rule: Excerpt::with_limit(raw, 60),
        why,
    };
    let rule = IcalRecurRule::parse(raw).map_err(|_| {
        refuse("does not parse: write FREQ=...;INTERVAL=...;BYDAY=... as RFC 5545 3.3.10 does")
    })?;
    if rule.count.is_some() && rule.until.is_some() {
        return Err(refuse("has both COUNT and UNTIL: RFC 5545 allows one"));
    }
    if rule.scale.is_some() {
        return Err(refuse(
            "names an RSCALE (RFC 7529): only the Gregorian rules of RFC 5545 are read",
        ));
    }
    if rule.freq == IcalRecurFreq::Secondly {
        return Err(refuse(
            "is FREQ=SECONDLY: a day off lasts longer than a second",
        ));
    }
    let until_utc = raw.split(';').any(|part| {
        part.split_once('=').is_some_and(|(name, value)| {
            name.trim().eq_ignore_ascii_case("UNTIL") && value.trim().ends_with(['Z', 'z'])
        })
    });
    Ok(Rule { rule, until_utc })
}

/// A `DURATION` value, strictly as RFC 5545 3.3.6 writes it: `[+-]P` then `nW`, or
/// `[nD][T[nH][nM][nS]]`.
pub(super) fn length(text: &str) -> Option<Length> {
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'-') => (-1, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    };
    let rest = rest.strip_prefix('P')?;
    let number = |s: &str| -> Option<(i64, usize)> {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        Some((s[..digits].parse().ok()?, digits))
    };
    if let Some(weeks) = rest.strip_suffix('W') {
        let (n, used) = number(weeks)?;
        return (used == weeks.len()).then_some(Length {
            days: sign * n * 7,
            seconds: 0,
        });
    }
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (rest, None),
    };
    let mut days = 0;
    if !date.is_empty() {
        let day = date.strip_suffix('D')?;
        let (n, used) = number(day)?;
        if used != day.len() {
            return None;
        }
        days = n;
    }
    let mut seconds = 0;
    if let Some(mut time) = time {
        if time.is_empty() {
            return None;
        }
        // Units in order, each at most once.
        for (unit, scale) in [('H', 3600), ('M', 60), ('S', 1)] {
            if let Some((n, used)) = number(time)
                && time[used..].starts_with(unit)
            {
                seconds += n * scale;
                time = &time[used + 1..];
            }
        }
        if !time.is_empty() {
            return None;
        }
    } else if date.is_empty() {
        return None;
    }
    Some(Length {
        days: sign * days,
        seconds: sign * seconds,
    })
}
