//! The schedules document as JSON, and how it becomes checked [`Schedules`]: serde
//! structures that refuse unknown fields and hold checked values (time of day, days,
//! zone, date), then the checks that need a whole schedule, each error naming its field.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::Path as FilePath;

use jiff::civil::{Date, Weekday};
use serde::Deserialize;
use serde_path_to_error::{Path, Segment};

use crate::config::env::{Vars, vars};
use crate::input::json::JsonError;

use super::calendar::{Calendar, Classify, MAX_CALENDAR_BYTES};
use super::calendar_source::{CalendarList, CalendarLocation, CalendarSource, MAX_CALENDARS};
use super::date::LocalDate;
use super::days::{DayName, Weekdays, day_name};
use super::definition::Schedule;
use super::error::ScheduleError;
use super::name::ScheduleName;
use super::period::{Conflict, Period};
use super::time_of_day::TimeOfDay;
use super::usage_rules::{Minutes, SpareBusy, StopWhenIdle};
use super::zone::Zone;

/// The most periods one schedule may have: the overlap check compares every pair.
pub const MAX_PERIODS: usize = 64;
/// The most skip dates one schedule may have: looking for a change walks past them.
pub const MAX_SKIP_DATES: usize = 1000;
/// The most make-up working days one schedule may have, as for skip dates.
pub const MAX_WORK_DATES: usize = 1000;
/// The largest schedules file read, far above any real document.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Every schedule of a document, by name; at least one.
#[derive(Debug, Clone)]
pub struct Schedules {
    schedules: BTreeMap<ScheduleName, Schedule>,
}

impl Schedules {
    /// Parses and checks the document text.
    pub fn from_json(text: &str) -> Result<Schedules, ScheduleError> {
        parse(text)
    }

    /// Reads and checks the document in a file.
    pub fn from_file(path: &FilePath) -> Result<Schedules, ScheduleError> {
        Self::read_file(None, path)
    }

    fn read_file(
        variable: Option<&'static str>,
        path: &FilePath,
    ) -> Result<Schedules, ScheduleError> {
        let read = |source| ScheduleError::Read {
            variable,
            path: path.to_owned(),
            source,
        };
        let mut text = String::new();
        std::fs::File::open(path)
            .map_err(read)?
            .take(MAX_FILE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(read)?;
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(ScheduleError::TooLarge {
                path: path.to_owned(),
                limit: MAX_FILE_BYTES,
            });
        }
        Self::from_json(&text).map_err(|source| ScheduleError::InFile {
            variable,
            path: path.to_owned(),
            source: Box::new(source),
        })
    }

    /// The configured document: `GES_SCHEDULES` (the document) or `GES_SCHEDULES_FILE`
    /// (a path), read through `lookup` (blank counts as unset). Both set is an error;
    /// neither is `Ok(None)`.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Schedules>, ScheduleError> {
        let env = Vars(lookup);
        match (env.get(vars::SCHEDULES), env.get(vars::SCHEDULES_FILE)) {
            (Some(_), Some(_)) => Err(ScheduleError::BothSet),
            (Some(text), None) => {
                Self::from_json(&text)
                    .map(Some)
                    .map_err(|source| ScheduleError::InVariable {
                        variable: vars::SCHEDULES,
                        source: Box::new(source),
                    })
            }
            (None, Some(path)) => {
                Self::read_file(Some(vars::SCHEDULES_FILE), FilePath::new(&path)).map(Some)
            }
            (None, None) => Ok(None),
        }
    }

    /// The schedule of that name.
    pub fn get(&self, name: &str) -> Option<&Schedule> {
        self.schedules.get(name)
    }

    /// The schedules, by name in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Schedule)> {
        self.schedules
            .iter()
            .map(|(name, schedule)| (name.as_str(), schedule))
    }

    /// How many schedules there are; never 0.
    pub fn len(&self) -> usize {
        self.schedules.len()
    }

    /// Always false: a document has at least one schedule.
    pub fn is_empty(&self) -> bool {
        self.schedules.is_empty()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    // Read from a strict JSON value: a name given twice was refused already.
    schedules: BTreeMap<String, RawSchedule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    timezone: Zone,
    // Left out only beside `stop_when_idle`: checked with the whole schedule.
    #[serde(default)]
    periods: Vec<RawPeriod>,
    #[serde(default)]
    skip_dates: Vec<LocalDate>,
    #[serde(default)]
    work_dates: Vec<RawWorkDate>,
    #[serde(default)]
    skip_calendars: Vec<RawCalendar>,
    #[serde(default)]
    work_calendars: Vec<RawCalendar>,
    #[serde(default)]
    start_graphs: bool,
    #[serde(default)]
    enforce: bool,
    #[serde(default)]
    stop_when_idle: Option<Minutes>,
    #[serde(default)]
    spare_busy: Option<RawSpareBusy>,
}

/// A make-up working day: `{"date": "2027-02-07", "as": "mon"}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkDate {
    date: LocalDate,
    #[serde(rename = "as")]
    works_as: DayName,
}

/// A calendar: `{"file": ...}` or `{"url": ...}`, with how its events count.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    work_if: Option<String>,
    #[serde(default, rename = "as")]
    works_as: Option<DayName>,
}

impl<'de> Deserialize<'de> for DayName {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpareBusy {
    quiet: Minutes,
    at_most: Minutes,
}

impl<'de> Deserialize<'de> for Minutes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    days: Weekdays,
    #[serde(default)]
    start: Option<TimeOfDay>,
    stop: TimeOfDay,
}

impl<'de> Deserialize<'de> for Weekdays {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Zone::lookup(&text).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for LocalDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .try_into()
            .map_err(serde::de::Error::custom)
    }
}

/// `schedules."office-hours".periods[0]`: keys that are not identifiers are quoted.
fn render(path: &Path) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&field(key));
            }
            Segment::Unknown => out.push_str(if out.is_empty() { "?" } else { ".?" }),
        }
    }
    if out.is_empty() {
        out.push_str("the schedules document");
    }
    out
}

/// A key as a path shows it: bare when a short identifier, else quoted and cut.
fn field(key: &str) -> String {
    crate::input::json::key(key, KEY_LIMIT)
}

/// The most characters of a key a path shows.
const KEY_LIMIT: usize = 40;
/// The most characters of a quoted value (`` `...` `` or `"..."`) a parser's message
/// repeats, and of the whole message: an unknown field of 6,000 characters is named, not
/// repeated.
const QUOTED_LIMIT: usize = 40;
const MESSAGE_LIMIT: usize = 300;

/// A parser's message, its quoted values cut to [`QUOTED_LIMIT`] characters and the
/// whole to [`MESSAGE_LIMIT`], control characters escaped.
fn bounded(message: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    let mut quote: Option<(char, usize)> = None;
    for c in message.chars() {
        if width >= MESSAGE_LIMIT {
            out.push('…');
            break;
        }
        match quote {
            Some((open, _)) if c == open => quote = None,
            Some((_, ref mut shown)) => {
                *shown += 1;
                if *shown > QUOTED_LIMIT {
                    if *shown == QUOTED_LIMIT + 1 {
                        out.push('…');
                        width += 1;
                    }
                    continue;
                }
            }
            None if c == '`' || c == '"' => quote = Some((c, 0)),
            None => {}
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
        width += 1;
    }
    out
}

/// The first `null` in the document, by path: every field of the document has a value
/// or is left out, so that `"start": null` cannot pass for a period that only stops.
fn first_null(value: &serde_json::Value, path: &mut Vec<String>) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::Null => Some(if path.is_empty() {
            "the schedules document".to_owned()
        } else {
            path.concat()
        }),
        Value::Array(items) => items.iter().enumerate().find_map(|(index, item)| {
            path.push(format!("[{index}]"));
            let found = first_null(item, path);
            path.pop();
            found
        }),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let joined = if path.is_empty() {
                field(key)
            } else {
                format!(".{}", field(key))
            };
            path.push(joined);
            let found = first_null(item, path);
            path.pop();
            found
        }),
        Value::Bool(_) | Value::Number(_) | Value::String(_) => None,
    }
}

fn invalid(path: impl Into<String>, message: impl fmt::Display) -> ScheduleError {
    ScheduleError::Invalid {
        path: path.into(),
        message: message.to_string(),
    }
}

/// Parses and checks a document.
pub(crate) fn parse(text: &str) -> Result<Schedules, ScheduleError> {
    // The one strict reader: a key given twice, or anything after the document (a
    // second document, a comment, a stray `}`), is refused, not guessed at.
    let value = crate::input::json::parse(text).map_err(|error| match error {
        JsonError::Syntax {
            message,
            line,
            column,
        } => {
            // serde_json ends every message with where it was; the error says that.
            let message = message
                .strip_suffix(&format!(" at line {line} column {column}"))
                .unwrap_or(&message)
                .to_owned();
            ScheduleError::Syntax {
                message,
                line,
                column,
            }
        }
        JsonError::DuplicateKey { path, line, column } => invalid(
            path,
            format!(
                "given twice (line {line}, column {column}): give each schedule and each \
                 field once, as JSON readers disagree on which of two counts"
            ),
        ),
        JsonError::TrailingContent { line, column } => {
            ScheduleError::TrailingContent { line, column }
        }
    })?;
    if let Some(path) = first_null(&value, &mut Vec::new()) {
        return Err(invalid(
            path,
            "is null: give a value, or leave the field out where it may be left out",
        ));
    }
    let raw: RawDocument = serde_path_to_error::deserialize(value).map_err(|error| {
        let path = render(error.path());
        invalid(path, bounded(&error.into_inner().to_string()))
    })?;
    if raw.schedules.is_empty() {
        return Err(invalid(
            "schedules",
            "no schedules: give at least one, such as \"office-hours\": {\"timezone\": \
             \"Asia/Shanghai\", \"periods\": [{\"days\": \"mon-fri\", \"start\": \"08:00\", \
             \"stop\": \"20:00\"}]}",
        ));
    }
    let mut schedules = BTreeMap::new();
    for (name, raw) in raw.schedules {
        let at = format!("schedules.{}", field(&name));
        let name: ScheduleName = name.parse().map_err(|error| invalid(&at, error))?;
        let schedule = check_schedule(&at, name.clone(), raw)?;
        schedules.insert(name, schedule);
    }
    Ok(Schedules { schedules })
}

fn check_schedule(
    at: &str,
    name: ScheduleName,
    raw: RawSchedule,
) -> Result<Schedule, ScheduleError> {
    let stop_when_idle = raw
        .stop_when_idle
        .map(StopWhenIdle::new)
        .transpose()
        .map_err(|message| invalid(format!("{at}.stop_when_idle"), message))?;
    let spare_busy = raw
        .spare_busy
        .map(|spare| SpareBusy::new(spare.quiet, spare.at_most))
        .transpose()
        .map_err(|(field, message)| invalid(format!("{at}.spare_busy.{field}"), message))?;
    // A schedule that stops graphs only when idle needs no period; any other does.
    if raw.periods.is_empty() && stop_when_idle.is_none() {
        return Err(invalid(
            format!("{at}.periods"),
            "no periods: give at least one, such as {\"days\": \"mon-fri\", \"start\": \
             \"08:00\", \"stop\": \"20:00\"}, or {\"days\": \"mon-sun\", \"stop\": \"22:00\"} \
             for a nightly stop, or give stop_when_idle for a schedule that stops graphs only \
             when nobody uses them",
        ));
    }
    if raw.periods.len() > MAX_PERIODS {
        return Err(invalid(
            format!("{at}.periods"),
            format!(
                "{} periods: a schedule may have at most {MAX_PERIODS}; split it into several \
                 schedules",
                raw.periods.len()
            ),
        ));
    }
    let mut periods = Vec::with_capacity(raw.periods.len());
    for (index, period) in raw.periods.into_iter().enumerate() {
        let period = Period::new(period.days, period.start, period.stop).map_err(|_| {
            invalid(
                format!("{at}.periods[{index}]"),
                format!(
                    "start and stop are both {}: a period needs a length (or leave start out \
                     for a period that only stops graphs)",
                    period.stop
                ),
            )
        })?;
        periods.push(period);
    }
    if let Some(conflict) = super::period::conflict(&periods) {
        return Err(match conflict {
            Conflict::Overlap {
                earlier,
                later,
                day,
            } => invalid(
                format!("{at}.periods[{later}]"),
                format!(
                    "overlaps periods[{earlier}] on {}: a graph cannot follow two periods at \
                     once; let one stop where the other starts, or merge them",
                    day_name(day)
                ),
            ),
            Conflict::StopInside {
                stop_only,
                running,
                day,
            } => invalid(
                format!("{at}.periods[{stop_only}].stop"),
                format!(
                    "stops on {} at {} while periods[{running}] runs: shorten periods[{running}] \
                     instead, or move the stop outside it",
                    day_name(day),
                    periods[stop_only].stop()
                ),
            ),
        });
    }
    if raw.skip_dates.len() > MAX_SKIP_DATES {
        return Err(invalid(
            format!("{at}.skip_dates"),
            format!(
                "{} skip dates: a schedule may have at most {MAX_SKIP_DATES}; drop the past ones",
                raw.skip_dates.len()
            ),
        ));
    }
    let mut skip_dates: Vec<_> = raw.skip_dates.iter().map(|date| date.0).collect();
    skip_dates.sort_unstable();
    if let Some(pair) = skip_dates.windows(2).find(|pair| pair[0] == pair[1]) {
        let twice = pair[0];
        let index = raw
            .skip_dates
            .iter()
            .rposition(|date| date.0 == twice)
            .unwrap_or_default();
        return Err(invalid(
            format!("{at}.skip_dates[{index}]"),
            format!("{twice} is listed twice: list each date once"),
        ));
    }
    let work_dates = check_work_dates(at, &raw.work_dates, &raw.skip_dates)?;
    let calendars = check_calendars(at, raw.skip_calendars, raw.work_calendars)?;
    Ok(Schedule {
        name,
        zone: raw.timezone,
        periods,
        skip_dates,
        work_dates,
        timed_off: Vec::new(),
        calendar_sources: Vec::new(),
        calendars,
        start_graphs: raw.start_graphs,
        enforce: raw.enforce,
        stop_when_idle,
        spare_busy,
    })
}

/// The make-up working days, sorted: each date once, and none that is also a skip date
/// (a day cannot be both off and worked; which one a reader meant is a guess).
fn check_work_dates(
    at: &str,
    raw: &[RawWorkDate],
    skip_dates: &[LocalDate],
) -> Result<Vec<(Date, Weekday)>, ScheduleError> {
    if raw.len() > MAX_WORK_DATES {
        return Err(invalid(
            format!("{at}.work_dates"),
            format!(
                "{} work dates: a schedule may have at most {MAX_WORK_DATES}; drop the past ones",
                raw.len()
            ),
        ));
    }
    let mut work_dates: Vec<(Date, Weekday)> = raw
        .iter()
        .map(|work| (work.date.0, work.works_as.0))
        .collect();
    work_dates.sort_unstable_by_key(|(date, _)| *date);
    if let Some(pair) = work_dates.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        let twice = pair[0].0;
        let index = raw
            .iter()
            .rposition(|work| work.date.0 == twice)
            .unwrap_or_default();
        return Err(invalid(
            format!("{at}.work_dates[{index}].date"),
            format!("{twice} is listed twice: list each working day once"),
        ));
    }
    for (index, work) in raw.iter().enumerate() {
        if let Some(skip) = skip_dates.iter().position(|skip| *skip == work.date) {
            return Err(invalid(
                format!("{at}.work_dates[{index}].date"),
                format!(
                    "{} is also skip_dates[{skip}]: a day is either off or worked; remove it \
                     from one of the two lists",
                    work.date.0
                ),
            ));
        }
    }
    Ok(work_dates)
}

/// The longest `work_if` word: a word, not a sentence.
const MAX_WORK_IF_CHARS: usize = 40;

/// The calendars, skip calendars first: each from one place, its `work_if` and `as`
/// where its list needs them, a file read and checked now.
fn check_calendars(
    at: &str,
    skip: Vec<RawCalendar>,
    work: Vec<RawCalendar>,
) -> Result<Vec<CalendarSource>, ScheduleError> {
    if skip.len() + work.len() > MAX_CALENDARS {
        return Err(invalid(
            format!("{at}.skip_calendars"),
            format!(
                "{} calendars: a schedule may list at most {MAX_CALENDARS} (skip_calendars and \
                 work_calendars together); merge some into one file",
                skip.len() + work.len()
            ),
        ));
    }
    let lists = skip
        .into_iter()
        .enumerate()
        .map(|(index, raw)| (CalendarList::Skip, index, raw))
        .chain(
            work.into_iter()
                .enumerate()
                .map(|(index, raw)| (CalendarList::Work, index, raw)),
        );
    let mut sources = Vec::new();
    for (list, index, raw) in lists {
        let field = match list {
            CalendarList::Skip => "skip_calendars",
            CalendarList::Work => "work_calendars",
        };
        let here = format!("{at}.{field}[{index}]");
        let classify = match (list, raw.work_if, raw.works_as) {
            (CalendarList::Skip, None, None) => Classify::AllOff,
            (CalendarList::Skip, Some(word), Some(_)) => {
                let word = word.trim();
                if word.is_empty()
                    || word.chars().count() > MAX_WORK_IF_CHARS
                    || word.chars().any(char::is_control)
                {
                    return Err(invalid(
                        format!("{here}.work_if"),
                        format!(
                            "give the word (1 to {MAX_WORK_IF_CHARS} characters) that marks a \
                             working day in an event's SUMMARY or CATEGORIES, such as \"班\""
                        ),
                    ));
                }
                Classify::WorkIf(word.to_owned())
            }
            (CalendarList::Skip, Some(_), None) => {
                return Err(invalid(
                    &here,
                    "work_if without \"as\": say which weekday's periods its working days \
                     follow, such as \"as\": \"mon\"",
                ));
            }
            (CalendarList::Skip, None, Some(_)) => {
                return Err(invalid(
                    format!("{here}.as"),
                    "a calendar of days off has no working days to work as a weekday: give \
                     work_if too, or list it in work_calendars",
                ));
            }
            (CalendarList::Work, None, Some(_)) => Classify::AllWork,
            (CalendarList::Work, Some(_), _) => {
                return Err(invalid(
                    format!("{here}.work_if"),
                    "every event of a work calendar is a working day: list a calendar that mixes \
                     days off and working days in skip_calendars, with work_if",
                ));
            }
            (CalendarList::Work, None, None) => {
                return Err(invalid(
                    &here,
                    "missing field `as`: say which weekday's periods its working days follow, \
                     such as \"as\": \"mon\"",
                ));
            }
        };
        let location = match (raw.file, raw.url) {
            (Some(path), None) => {
                let path = std::path::PathBuf::from(path);
                let calendar = read_calendar(&path)
                    .map_err(|message| invalid(format!("{here}.file"), message))?;
                CalendarLocation::File {
                    path,
                    calendar: std::sync::Arc::new(calendar),
                }
            }
            (None, Some(url)) => CalendarLocation::Url(
                url.parse()
                    .map_err(|error| invalid(format!("{here}.url"), error))?,
            ),
            _ => {
                return Err(invalid(
                    &here,
                    "give one of \"file\" (a path) or \"url\" (an https address), not both \
                     nor neither",
                ));
            }
        };
        sources.push(CalendarSource {
            list,
            index,
            location,
            classify,
            works_as: raw.works_as.map(|day| day.0),
        });
    }
    Ok(sources)
}

/// Reads and checks a calendar file, at most [`MAX_CALENDAR_BYTES`] of it.
fn read_calendar(path: &FilePath) -> Result<Calendar, String> {
    let shown = path.display();
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|file| {
            file.take(MAX_CALENDAR_BYTES as u64 + 1)
                .read_to_string(&mut text)
        })
        .map_err(|error| format!("could not read the calendar {shown}: {error}"))?;
    // A byte order mark is no part of the calendar.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Calendar::parse(text).map_err(|error| format!("the calendar {shown}: {error}"))
}
