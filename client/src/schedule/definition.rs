//! One schedule, as checked: its zone, periods, skip dates and flags. Its boundaries are
//! worked out in `boundaries`.

use jiff::civil::Date;

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

    /// How many skip dates fall on `date` or later.
    pub(crate) fn skip_dates_from(&self, date: Date) -> usize {
        self.skip_dates.len() - self.skip_dates.partition_point(|skip| *skip < date)
    }

    /// Whether any period starts graphs: a stop-only schedule never wants one running.
    pub(crate) fn has_start(&self) -> bool {
        self.periods.iter().any(|period| period.start().is_some())
    }
}
