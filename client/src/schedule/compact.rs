//! A schedule written in a graph's schedule tag itself, in a form every Huawei Cloud tag
//! value rule we know of allows: at most 43 characters of `A-Z a-z 0-9 _ . -` (Tag
//! Management Service's predefined tags; its Ankara-region page also refuses `.`, so `__`
//! stands for `/` as well as `.` does).
//!
//! ```text
//! value = [ "start_" ] days "_" times "_" zone
//! days  = mon-fri | sat.sun | mon.wed.fri | fri-mon   (ranges, joined by ".")
//! times = HHMM-HHMM (a period: start, then stop, past midnight if earlier) | HHMM (a stop)
//! zone  = an IANA name, "/" written "." or "__"       (Asia.Shanghai, Asia__Shanghai)
//! ```
//!
//! `start_` asks for starts (`start_graphs`). A compact schedule has one period, no skip
//! dates, does not enforce and reads no request counts: anything more is a document's.

use super::days::Weekdays;
use super::definition::Schedule;
use super::period::Period;
use super::time_of_day::TimeOfDay;
use super::zone::Zone;
use crate::input::Excerpt;

/// The longest compact value: the 43 characters of Tag Management Service's tag values.
pub const MAX_COMPACT_LEN: usize = 43;

/// The prefix of a compact value that asks for starts.
const STARTS: &str = "start_";

/// A tag value that is not a compact schedule: the part that is wrong, quoted, and what to
/// write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text} {}", part.says())]
pub struct CompactError {
    part: Part,
    text: Excerpt,
}

impl CompactError {
    /// Which part is wrong.
    pub fn part(&self) -> Part {
        self.part
    }
}

/// The part of a compact value that is wrong, or the rule it breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Longer than a tag value may be everywhere.
    Length,
    /// A character outside `A-Z a-z 0-9 _ . -`.
    Character,
    /// Not days, times and zone joined by `_`.
    Shape,
    /// The days.
    Days,
    /// The times: neither `HHMM-HHMM` nor `HHMM`.
    Times,
    /// A start equal to the stop.
    ZeroLength,
    /// `start_` with a stop-only period, which has nothing to start.
    StartsWithoutStart,
    /// Not a zone of the database.
    Zone,
}

impl Part {
    /// What is wrong with the part, and what to write instead.
    fn says(self) -> &'static str {
        match self {
            Part::Length => {
                "is longer than the 43 characters a compact schedule may have: name a document \
                 schedule instead"
            }
            Part::Character => {
                "is not allowed in a compact schedule: write it with A-Z, a-z, 0-9, '_', '.' and \
                 '-' only ('/' in a zone as '.' or '__')"
            }
            Part::Shape => {
                "is not days_times_zone: write a compact schedule such as \
                 mon-fri_0800-2000_Asia.Shanghai, or start_ before it to ask for starts"
            }
            Part::Days => {
                "are not days of the week: write mon..sun, a range such as mon-fri or fri-mon, \
                 or days joined by '.' such as sat.sun, each day once"
            }
            Part::Times => {
                "are not times HHMM-HHMM (a start and a stop, such as 0800-2000) or HHMM (a stop \
                 only, such as 2200), from 0000 to 2359"
            }
            Part::ZeroLength => {
                "start and stop at the same minute, which says neither always nor never: give \
                 two different times, or only the stop"
            }
            Part::StartsWithoutStart => {
                "asks for starts (start_) with a stop only: give a start too (0800-2000), or \
                 drop start_"
            }
            Part::Zone => {
                "is not an IANA time zone: write its name with '/' as '.' or '__', such as \
                 Asia.Shanghai or America__New_York; a zone with '+' is named by a document \
                 schedule"
            }
        }
    }
}

/// The error for `part`, quoting `text`: out of line, as every refusal builds it.
#[cold]
#[inline(never)]
fn refuse(part: Part, text: &str) -> CompactError {
    CompactError {
        part,
        text: Excerpt::with_limit(text, 50),
    }
}

impl Schedule {
    /// The schedule a compact tag value stands for, named by the value.
    pub fn from_compact(value: &str) -> Result<Schedule, CompactError> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
        if let Some(found) = value.chars().find(|c| !allowed(*c)) {
            return Err(refuse(Part::Character, found.encode_utf8(&mut [0; 4])));
        }
        // ASCII from here on: a byte is a character.
        if value.len() > MAX_COMPACT_LEN {
            return Err(refuse(Part::Length, value));
        }
        let (start_graphs, rest) = match value.strip_prefix(STARTS) {
            Some(rest) => (true, rest),
            None => (false, value),
        };
        // Days and times hold no '_', so the zone is all after the second one.
        let Some((days, (times, zone))) = rest
            .split_once('_')
            .and_then(|(days, rest)| Some((days, rest.split_once('_')?)))
        else {
            return Err(refuse(Part::Shape, value));
        };
        if days.is_empty() || times.is_empty() || zone.is_empty() {
            return Err(refuse(Part::Shape, value));
        }
        // One day parser: the document's, whose lists are joined by ','.
        let weekdays = days
            .replace('.', ",")
            .parse::<Weekdays>()
            .map_err(|_| refuse(Part::Days, days))?;
        // The start, if given, and the stop: `None` where one does not read.
        let (start, stop) = match times.split_once('-') {
            Some((start, stop)) => (time_of_day(start).map(Some), time_of_day(stop)),
            None => (Some(None), time_of_day(times)),
        };
        let (Some(start), Some(stop)) = (start, stop) else {
            return Err(refuse(Part::Times, times));
        };
        if start_graphs && start.is_none() {
            return Err(refuse(Part::StartsWithoutStart, value));
        }
        let period =
            Period::new(weekdays, start, stop).map_err(|_| refuse(Part::ZeroLength, times))?;
        let zone = Zone::lookup(&zone.replace("__", "/").replace('.', "/"))
            .map_err(|_| refuse(Part::Zone, zone))?;
        // Within 43 characters of the name's own alphabet: always a name.
        let name = value.parse().map_err(|_| refuse(Part::Shape, value))?;
        Ok(Schedule {
            name,
            zone,
            periods: vec![period],
            skip_dates: Vec::new(),
            work_dates: Vec::new(),
            timed_off: Vec::new(),
            calendar_sources: Vec::new(),
            calendars: Vec::new(),
            start_graphs,
            enforce: false,
            stop_when_idle: None,
            spare_busy: None,
        })
    }
}

/// Whether a value that names no document schedule was meant as a compact one: it opens
/// with `start_` or a day, then a `_`, `-` or `.`. Its refusal then gives the compact
/// error rather than an unknown name.
pub fn looks_compact(value: &str) -> bool {
    let rest = value.strip_prefix(STARTS).unwrap_or(value);
    value.len() != rest.len()
        || (rest
            .get(..3)
            .is_some_and(|day| day.parse::<Weekdays>().is_ok())
            && matches!(rest.as_bytes().get(3), Some(b'_' | b'-' | b'.')))
}

/// `HHMM`, 0000 to 2359.
fn time_of_day(text: &str) -> Option<TimeOfDay> {
    let bytes = text.as_bytes();
    if bytes.len() != 4 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let two = |at: usize| u16::from(bytes[at] - b'0') * 10 + u16::from(bytes[at + 1] - b'0');
    let (hour, minute) = (two(0), two(2));
    if hour >= 24 || minute >= 60 {
        return None;
    }
    TimeOfDay::from_minutes(hour * 60 + minute)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(value: &str) -> Schedule {
        Schedule::from_compact(value).unwrap_or_else(|error| panic!("{value}: {error}"))
    }

    fn error(value: &str) -> CompactError {
        Schedule::from_compact(value).unwrap_err()
    }

    fn period(schedule: &Schedule) -> (String, Option<String>, String) {
        let [period] = schedule.periods() else {
            panic!("{:?}", schedule.periods());
        };
        (
            period.days().to_string(),
            period.start().map(|start| start.to_string()),
            period.stop().to_string(),
        )
    }

    #[test]
    fn every_form_reads() {
        let office = parsed("mon-fri_0800-2000_Asia.Shanghai");
        assert_eq!(office.name().as_str(), "mon-fri_0800-2000_Asia.Shanghai");
        assert_eq!(office.timezone_name(), "Asia/Shanghai");
        assert_eq!(
            period(&office),
            (
                "mon,tue,wed,thu,fri".to_owned(),
                Some("08:00".to_owned()),
                "20:00".to_owned()
            )
        );
        assert!(!office.start_graphs());
        assert!(!office.enforce());
        assert!(!office.reads_usage());
        assert!(office.skip_dates().is_empty());

        let nightly = parsed("mon-sun_2200_Europe.Berlin");
        assert_eq!(
            period(&nightly),
            (
                "mon,tue,wed,thu,fri,sat,sun".to_owned(),
                None,
                "22:00".to_owned()
            )
        );
        assert_eq!(nightly.timezone_name(), "Europe/Berlin");

        let starts = parsed("start_mon-fri_0800-2000_Asia.Shanghai");
        assert!(starts.start_graphs());
        assert_eq!(
            starts.name().as_str(),
            "start_mon-fri_0800-2000_Asia.Shanghai"
        );

        let ankara = parsed("mon-fri_0800-2000_Asia__Shanghai");
        assert_eq!(ankara.timezone_name(), "Asia/Shanghai");
        let underscores = parsed("sat.sun_2200-0600_America__New_York");
        assert_eq!(underscores.timezone_name(), "America/New_York");
        assert_eq!(period(&underscores).0, "sat,sun");
        assert!(underscores.periods()[0].overnight());
        assert_eq!(
            parsed("mon.wed.fri_1200_America.Argentina.Salta").timezone_name(),
            "America/Argentina/Salta"
        );
        assert_eq!(
            period(&parsed("fri-mon_0900-1700_UTC")).0,
            "mon,fri,sat,sun"
        );
        assert_eq!(parsed("sun_0000_utc").timezone_name(), "UTC");
        assert_eq!(parsed("mon_2359_Etc.GMT-8").timezone_name(), "Etc/GMT-8");
        let longest = format!("start_mon-fri_0800-2000_{}", "America.Los_Angeles");
        assert_eq!(longest.len(), MAX_COMPACT_LEN);
        assert_eq!(parsed(&longest).timezone_name(), "America/Los_Angeles");
    }

    #[test]
    fn each_error_names_its_part_and_what_to_write() {
        type Case = (&'static str, fn(&CompactError) -> bool, &'static str);
        let cases: [Case; 11] = [
            (
                "start_mon-fri_0800-2000_America.Argentina.Salta",
                |e| e.part() == Part::Length,
                "is longer than the 43 characters",
            ),
            (
                "mon-fri_0800-2000_Asia/Shanghai",
                |e| e.part() == Part::Character,
                "\"/\" is not allowed",
            ),
            (
                "mon-fri 0800",
                |e| e.part() == Part::Character,
                "\" \" is not allowed",
            ),
            (
                "office-hours",
                |e| e.part() == Part::Shape,
                "\"office-hours\" is not days_times_zone",
            ),
            (
                "mon-fri__Asia.Shanghai",
                |e| e.part() == Part::Shape,
                "such as mon-fri_0800-2000_Asia.Shanghai",
            ),
            (
                "mon-fry_0800-2000_UTC",
                |e| e.part() == Part::Days,
                "\"mon-fry\" are not days of the week",
            ),
            (
                "mon.mon_0800-2000_UTC",
                |e| e.part() == Part::Days,
                "each day once",
            ),
            (
                "mon-fri_08:00-20:00_UTC",
                |e| e.part() == Part::Character,
                "\":\" is not allowed",
            ),
            (
                "mon-fri_0800-2400_UTC",
                |e| e.part() == Part::Times,
                "\"0800-2400\" are not times HHMM-HHMM",
            ),
            (
                "mon-fri_0800-0800_UTC",
                |e| e.part() == Part::ZeroLength,
                "the same minute",
            ),
            (
                "mon-fri_0800-2000_Asia.Atlantis",
                |e| e.part() == Part::Zone,
                "\"Asia.Atlantis\" is not an IANA time zone",
            ),
        ];
        for (value, kind, words) in cases {
            let error = error(value);
            let message = error.to_string();
            assert!(kind(&error), "{value}: {error:?}");
            assert!(message.contains(words), "{value}: {message}");
            assert!(message.len() < 300, "{value}: {message}");
        }
        let stop_only = error("start_mon-sun_2200_UTC");
        assert_eq!(stop_only.part(), Part::StartsWithoutStart);
        assert!(stop_only.to_string().contains("drop start_"), "{stop_only}");
        for times in [
            "800",
            "0800-",
            "-2000",
            "0860",
            "08000",
            "0800-2000-2100",
            "ab12",
        ] {
            let value = format!("mon_{times}_UTC");
            assert_eq!(error(&value).part(), Part::Times, "{value}");
        }
        // A long value is shown cut.
        let long = error(&"x".repeat(500)).to_string();
        assert!(long.len() < 250, "{long}");
    }

    #[test]
    fn values_meant_as_compact_are_told_from_names() {
        for meant in [
            "start_x",
            "mon-fri_0800_Nowhere",
            "sat.sun_2200_UTC",
            "mon_2200",
        ] {
            assert!(looks_compact(meant), "{meant}");
        }
        for name in ["office-hours", "monday", "nightly", "sun", "weekend_stop"] {
            assert!(!looks_compact(name), "{name}");
        }
    }

    /// The mapping of '/' to '.' or '__' can be read back only while no zone name holds
    /// either: checked on the database compiled in, at every release of it.
    #[test]
    fn no_bundled_zone_name_holds_a_dot_or_a_double_underscore() {
        let names: Vec<String> = jiff::tz::db()
            .available()
            .map(|name| name.to_string())
            .collect();
        assert!(names.len() > 400, "{}", names.len());
        for name in &names {
            assert!(
                !name.contains('.') && !name.contains("__"),
                "{name} cannot be written in a compact schedule"
            );
        }
        assert!(names.iter().any(|name| name == "Asia/Shanghai"));
    }
}
