//! A period of a schedule, and the checks that need all of a schedule's periods: as
//! weekly wall-clock intervals, cyclic over the week, no two may overlap, and no stop-only
//! time may fall strictly inside a running interval (either would leave the desired state
//! at that moment a matter of which period is read first).

use jiff::civil::Weekday;

use super::days::Weekdays;
use super::time_of_day::{MINUTES_PER_DAY, TimeOfDay};

const MINUTES_PER_WEEK: i32 = 7 * MINUTES_PER_DAY as i32;

/// When a graph should run: from `start` to `stop` on each of `days` (the days it
/// starts), or, without `start`, a stop at `stop` on each of `days`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    days: Weekdays,
    start: Option<TimeOfDay>,
    stop: TimeOfDay,
}

/// A period whose start and stop are the same time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ZeroLength;

impl Period {
    /// A period; `start == stop` is refused, as it says neither "never" nor "always".
    pub(crate) fn new(
        days: Weekdays,
        start: Option<TimeOfDay>,
        stop: TimeOfDay,
    ) -> Result<Period, ZeroLength> {
        if start == Some(stop) {
            return Err(ZeroLength);
        }
        Ok(Period { days, start, stop })
    }

    /// The days it starts on (or, stop-only, stops on).
    pub fn days(&self) -> Weekdays {
        self.days
    }

    /// When it starts; `None` for a stop-only period, which never wants a graph running.
    pub fn start(&self) -> Option<TimeOfDay> {
        self.start
    }

    /// When it stops: on the day it started, or the next day when it runs past midnight.
    pub fn stop(&self) -> TimeOfDay {
        self.stop
    }

    /// Whether it stops on the day after it starts.
    pub fn overnight(&self) -> bool {
        self.start.is_some_and(|start| start > self.stop)
    }

    /// Its running intervals in minutes of the week from Monday 00:00, end exclusive; the
    /// end may pass the week's end (Sunday overnight). Stop-only periods have none.
    fn intervals(&self) -> impl Iterator<Item = (Weekday, i32, i32)> + '_ {
        let start = self.start;
        self.days.iter().filter_map(move |day| {
            let start = i32::from(start?.minutes());
            let mut stop = i32::from(self.stop.minutes());
            if stop < start {
                stop += i32::from(MINUTES_PER_DAY);
            }
            let base = i32::from(day.to_monday_zero_offset()) * i32::from(MINUTES_PER_DAY);
            Some((day, base + start, base + stop))
        })
    }

    /// Its stop times, in minutes of the week, when it is stop-only.
    fn stop_points(&self) -> impl Iterator<Item = (Weekday, i32)> + '_ {
        let stop_only = self.start.is_none();
        self.days.iter().filter(move |_| stop_only).map(move |day| {
            let base = i32::from(day.to_monday_zero_offset()) * i32::from(MINUTES_PER_DAY);
            (day, base + i32::from(self.stop.minutes()))
        })
    }
}

/// Two periods of one schedule that cannot both hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conflict {
    /// `later`'s running interval overlaps `earlier`'s, on the day `later` starts.
    Overlap {
        earlier: usize,
        later: usize,
        day: Weekday,
    },
    /// Stop-only period `stop_only` stops strictly inside `running`'s interval.
    StopInside {
        stop_only: usize,
        running: usize,
        day: Weekday,
    },
}

/// Finds the first conflict among `periods`. Quadratic, over at most
/// [`super::MAX_PERIODS`] periods of 7 days each.
pub(crate) fn conflict(periods: &[Period]) -> Option<Conflict> {
    // The week wraps: Sunday 22:00-Monday 06:00 meets Monday's periods a week later.
    let shifts = [-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK];
    for (later, period) in periods.iter().enumerate() {
        for (earlier, other) in periods.iter().enumerate().take(later) {
            for (day, start, stop) in period.intervals() {
                let overlaps = other.intervals().any(|(_, other_start, other_stop)| {
                    shifts
                        .iter()
                        .any(|shift| start < other_stop + shift && other_start + shift < stop)
                });
                if overlaps {
                    return Some(Conflict::Overlap {
                        earlier,
                        later,
                        day,
                    });
                }
            }
        }
    }
    for (stop_only, period) in periods.iter().enumerate() {
        for (day, point) in period.stop_points() {
            for (running, other) in periods.iter().enumerate() {
                let inside = other.intervals().any(|(_, start, stop)| {
                    shifts
                        .iter()
                        .any(|shift| start < point + shift && point + shift < stop)
                });
                if inside {
                    return Some(Conflict::StopInside {
                        stop_only,
                        running,
                        day,
                    });
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(days: &str, start: Option<&str>, stop: &str) -> Period {
        Period::new(
            days.parse().unwrap(),
            start.map(|start| start.parse().unwrap()),
            stop.parse().unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn start_equal_to_stop_is_refused() {
        let at = "08:00".parse().unwrap();
        assert_eq!(Period::new(Weekdays::ALL, Some(at), at), Err(ZeroLength));
    }

    #[test]
    fn touching_periods_do_not_conflict() {
        let periods = [
            period("mon", Some("08:00"), "12:00"),
            period("mon", Some("12:00"), "20:00"),
            period("mon", Some("20:00"), "08:00"),
            period("mon", None, "20:00"),
            period("wed", None, "12:00"),
        ];
        assert_eq!(conflict(&periods), None);
    }

    #[test]
    fn overlaps_are_found_across_midnight_and_the_end_of_the_week() {
        let overlap = conflict(&[
            period("mon-fri", Some("08:00"), "20:00"),
            period("wed", Some("19:00"), "21:00"),
        ]);
        assert_eq!(
            overlap,
            Some(Conflict::Overlap {
                earlier: 0,
                later: 1,
                day: Weekday::Wednesday
            })
        );
        // Sunday night runs into Monday morning.
        let wrapped = conflict(&[
            period("mon", Some("05:00"), "09:00"),
            period("sun", Some("22:00"), "06:00"),
        ]);
        assert!(
            matches!(wrapped, Some(Conflict::Overlap { .. })),
            "{wrapped:?}"
        );
        assert_eq!(
            conflict(&[
                period("mon", Some("06:00"), "09:00"),
                period("sun", Some("22:00"), "06:00"),
            ]),
            None
        );
    }

    #[test]
    fn a_stop_inside_a_running_interval_is_found() {
        let inside = conflict(&[
            period("fri", Some("22:00"), "06:00"),
            period("sat", None, "02:00"),
        ]);
        assert_eq!(
            inside,
            Some(Conflict::StopInside {
                stop_only: 1,
                running: 0,
                day: Weekday::Saturday
            })
        );
        // At the ends it is only another stop, or a stop that a start overrides.
        assert_eq!(
            conflict(&[
                period("fri", Some("22:00"), "06:00"),
                period("sat", None, "06:00"),
                period("fri", None, "22:00"),
            ]),
            None
        );
    }
}
