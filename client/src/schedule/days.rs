//! The days of the week a period starts on: `mon`..`sun`, comma lists and ranges
//! (`mon-fri,sun`, wrapping `fri-mon`), as a set that cannot be empty.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Weekday;

use crate::input::Excerpt;

const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A non-empty set of weekdays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Weekdays(u8);

impl Weekdays {
    /// Every day of the week.
    pub const ALL: Weekdays = Weekdays(0b111_1111);

    /// Whether `day` is in the set.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & bit(day) != 0
    }

    /// The days in the set, Monday first.
    pub fn iter(self) -> impl Iterator<Item = Weekday> {
        (0..7)
            .filter_map(|offset| Weekday::from_monday_zero_offset(offset).ok())
            .filter(move |day| self.contains(*day))
    }
}

fn bit(day: Weekday) -> u8 {
    1 << day.to_monday_zero_offset()
}

/// One day of the week, as `work_dates` names the day a date works as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DayName(pub(crate) Weekday);

impl FromStr for DayName {
    type Err = WeekdaysError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        day_named(text)
            .map(DayName)
            .ok_or_else(|| WeekdaysError::NotOneDay {
                given: Excerpt::with_limit(text, 20),
            })
    }
}

/// A day's name as the document writes it: `mon`..`sun`.
pub(crate) fn day_name(day: Weekday) -> &'static str {
    NAMES[day.to_monday_zero_offset() as usize]
}

fn day_named(name: &str) -> Option<Weekday> {
    let offset = NAMES.iter().position(|known| *known == name)?;
    Weekday::from_monday_zero_offset(i8::try_from(offset).ok()?).ok()
}

/// A `days` value that is not a set of weekdays.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeekdaysError {
    /// Nothing listed, or an empty item (`mon,,tue`).
    #[error(
        "{0} lists no day there: give days mon..sun, comma lists and ranges such as \
         \"mon-fri,sun\""
    )]
    Empty(Excerpt),
    /// Not a day's name.
    #[error(
        "{given}: {item} is not a day: give days mon..sun, comma lists and ranges such as \
         \"mon-fri,sun\""
    )]
    NotADay {
        /// The whole value.
        given: Excerpt,
        /// The item that is not a day.
        item: Excerpt,
    },
    /// Not the name of one day, where one day is asked for (`"as"` of a work date).
    #[error("{given} is not one day: give one of mon, tue, wed, thu, fri, sat, sun")]
    NotOneDay {
        /// The whole value.
        given: Excerpt,
    },
    /// A day named twice, which is a mistake in a list or a range.
    #[error("{given} names {day} twice: list each day once")]
    Twice {
        /// The whole value.
        given: Excerpt,
        /// The day named twice.
        day: &'static str,
    },
}

impl FromStr for Weekdays {
    type Err = WeekdaysError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let given = || Excerpt::with_limit(text, 40);
        let mut set = 0u8;
        for item in text.split(',') {
            if item.is_empty() {
                return Err(WeekdaysError::Empty(given()));
            }
            let day = |name: &str| {
                day_named(name).ok_or_else(|| WeekdaysError::NotADay {
                    given: given(),
                    item: Excerpt::with_limit(item, 20),
                })
            };
            let (first, last) = match item.split_once('-') {
                Some((first, last)) => (day(first)?, day(last)?),
                None => (day(item)?, day(item)?),
            };
            // A range walks forward from its first day, wrapping past Sunday.
            let mut current = first;
            for _ in 0..7 {
                if set & bit(current) != 0 {
                    return Err(WeekdaysError::Twice {
                        given: given(),
                        day: day_name(current),
                    });
                }
                set |= bit(current);
                if current == last {
                    break;
                }
                current = current.next();
            }
        }
        Ok(Weekdays(set))
    }
}

impl TryFrom<String> for Weekdays {
    type Error = WeekdaysError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl fmt::Display for Weekdays {
    /// As a comma list of days, Monday first.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut separator = "";
        for day in self.iter() {
            write!(f, "{separator}{}", day_name(day))?;
            separator = ",";
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(text: &str) -> String {
        text.parse::<Weekdays>().unwrap().to_string()
    }

    #[test]
    fn lists_ranges_and_wrapping_ranges() {
        assert_eq!(days("mon-fri"), "mon,tue,wed,thu,fri");
        assert_eq!(days("mon-fri,sun"), "mon,tue,wed,thu,fri,sun");
        assert_eq!(days("fri-mon"), "mon,fri,sat,sun");
        assert_eq!(days("sun"), "sun");
        assert_eq!(days("mon-sun"), "mon,tue,wed,thu,fri,sat,sun");
        assert_eq!(days("sat,tue"), "tue,sat");
        assert_eq!("mon-sun".parse::<Weekdays>().unwrap(), Weekdays::ALL);
    }

    #[test]
    fn empty_unknown_and_repeated_days_are_refused() {
        let error = |text: &str| text.parse::<Weekdays>().unwrap_err().to_string();
        assert!(error("").contains("lists no day"), "{}", error(""));
        assert!(error("mon,,tue").contains("lists no day"));
        assert!(error("mon,").contains("lists no day"));
        assert!(
            error("Mon").contains("\"Mon\" is not a day"),
            "{}",
            error("Mon")
        );
        assert!(error("monday").contains("is not a day"));
        assert!(error("mon - fri").contains("is not a day"));
        assert!(error("mon-").contains("is not a day"));
        assert_eq!(
            error("mon-fri,wed"),
            "\"mon-fri,wed\" names wed twice: list each day once"
        );
        assert!(error("mon,mon").contains("names mon twice"));
        assert!(error("fri-mon,sat").contains("names sat twice"));
    }
}
