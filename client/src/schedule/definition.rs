//! One schedule, as checked: its zone, periods, skip dates and flags. Its boundaries are
//! worked out in `boundaries`.

use jiff::civil::{Date, Weekday};

use super::name::ScheduleName;
use super::period::Period;
use super::usage_rules::{SpareBusy, StopWhenIdle};
use super::zone::Zone;

/// One schedule: its zone, periods and skip dates, checked.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub(super) name: ScheduleName,
    pub(super) zone: Zone,
    pub(super) periods: Vec<Period>,
    /// Sorted, without repeats.
    pub(crate) skip_dates: Vec<Date>,
    /// Make-up working days and the weekday each works as, sorted by date, none a skip
    /// date.
    pub(crate) work_dates: Vec<(Date, Weekday)>,
    /// Timed days off, `[start, end)`, sorted and apart (overlapping or touching ones
    /// merged): from calendars only.
    pub(crate) timed_off: Vec<(jiff::Timestamp, jiff::Timestamp)>,
    /// The days (off or worked) calendars added, with the index of the calendar each
    /// came from, sorted: what `schedules check` shows as their source.
    pub(crate) calendar_sources: Vec<(Date, u16)>,
    /// Its calendars, skip calendars first.
    pub(crate) calendars: Vec<super::calendar_source::CalendarSource>,
    pub(super) start_graphs: bool,
    pub(super) enforce: bool,
    pub(super) stop_when_idle: Option<StopWhenIdle>,
    pub(super) spare_busy: Option<SpareBusy>,
}

impl Schedule {
    /// Its name.
    pub fn name(&self) -> &ScheduleName {
        &self.name
    }

    /// Its zone's IANA name, as the document gave it.
    pub fn timezone_name(&self) -> &str {
        self.zone.name()
    }

    /// Its zone.
    pub fn time_zone(&self) -> &jiff::tz::TimeZone {
        self.zone.time_zone()
    }

    /// The instant a wall time in this schedule's zone stands for, as boundaries place
    /// it: in a DST gap the transition, in a fold the earlier instant.
    pub fn resolve(&self, wall: jiff::civil::DateTime) -> jiff::Timestamp {
        self.zone.resolve(wall)
    }

    pub(crate) fn zone(&self) -> &Zone {
        &self.zone
    }

    /// Whether a run may start graphs at this schedule's starts (else it only stops).
    pub fn start_graphs(&self) -> bool {
        self.start_graphs
    }

    /// Whether a run puts graphs back into the desired state at any time, not only just
    /// after a boundary.
    pub fn enforce(&self) -> bool {
        self.enforce
    }

    /// How long a running graph must have served no request to be stopped, if the
    /// schedule stops idle graphs.
    pub fn stop_when_idle(&self) -> Option<StopWhenIdle> {
        self.stop_when_idle
    }

    /// How a stop is held while the graph is busy, if it is.
    pub fn spare_busy(&self) -> Option<SpareBusy> {
        self.spare_busy
    }

    /// Whether the schedule decides by Cloud Eye's request counts too.
    pub fn reads_usage(&self) -> bool {
        self.stop_when_idle.is_some() || self.spare_busy.is_some()
    }

    /// Its periods, in document order (none for a schedule that stops graphs only when
    /// idle).
    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// Its skip dates, in order.
    pub fn skip_dates(&self) -> &[Date] {
        &self.skip_dates
    }

    pub(crate) fn is_skip_date(&self, date: Date) -> bool {
        self.skip_dates.binary_search(&date).is_ok()
    }

    /// Its make-up working days, in order, each with the weekday whose periods it
    /// follows.
    pub fn work_dates(&self) -> &[(Date, Weekday)] {
        &self.work_dates
    }

    /// The weekday whose periods start on `date`: its own, or the one a make-up working
    /// day works as.
    pub(crate) fn works_as(&self, date: Date) -> Weekday {
        match self.work_dates.binary_search_by_key(&date, |(day, _)| *day) {
            Ok(found) => self.work_dates[found].1,
            Err(_) => date.weekday(),
        }
    }

    /// How many dates that break the weekly pattern (skip dates and working days) fall
    /// on `date` or later.
    pub(crate) fn special_dates_from(&self, date: Date) -> usize {
        let skips = self.skip_dates.len() - self.skip_dates.partition_point(|skip| *skip < date);
        let works =
            self.work_dates.len() - self.work_dates.partition_point(|(work, _)| *work < date);
        let from = self
            .zone
            .resolve(date.to_datetime(jiff::civil::Time::midnight()));
        let timed = self.timed_off.len() - self.timed_off.partition_point(|off| off.1 < from);
        skips + works + timed
    }

    /// The first date on or after `date` that breaks the weekly pattern.
    pub(crate) fn next_special_date(&self, date: Date) -> Option<Date> {
        let skip = self
            .skip_dates
            .get(self.skip_dates.partition_point(|skip| *skip < date))
            .copied();
        let work = self
            .work_dates
            .get(self.work_dates.partition_point(|(work, _)| *work < date))
            .map(|(work, _)| *work);
        let from = self
            .zone
            .resolve(date.to_datetime(jiff::civil::Time::midnight()));
        // A timed day off that began before `date` and ends after it changes the
        // state at its end.
        let timed = self
            .timed_off
            .get(self.timed_off.partition_point(|off| off.1 < from))
            .map(|off| {
                self.zone
                    .wall(if off.0 >= from { off.0 } else { off.1 })
                    .date()
            });
        [skip, work, timed].into_iter().flatten().min()
    }

    /// Whether any period starts graphs: a stop-only schedule never wants one running.
    pub(crate) fn has_start(&self) -> bool {
        self.periods.iter().any(|period| period.start().is_some())
    }
}
