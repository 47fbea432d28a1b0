//! A schedule's week drawn as a grid: 7 rows of local days by 48 half-hour cells, each
//! running or stopped, in colour on a terminal that wants it.

use std::fmt::Write;

use ges_client::schedule::{Boundary, Desired, Schedule};
use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};

const CELLS_PER_HOUR: i8 = 2;
const RUNNING: char = '█';
const STOPPED: char = '·';
const GREEN: &str = "\x1b[32m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Whether to colour: stdout is a terminal, and NO_COLOR (no-color.org) is unset or empty.
pub(crate) fn colour_wanted() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The legend line.
pub(crate) fn legend(colour: bool) -> String {
    format!(
        "{} running, {} stopped; a cell is 30 minutes, local time",
        cell(Desired::Running, colour),
        cell(Desired::Stopped, colour)
    )
}

fn cell(desired: Desired, colour: bool) -> String {
    match (desired, colour) {
        (Desired::Running, false) => RUNNING.to_string(),
        (Desired::Stopped, false) => STOPPED.to_string(),
        (Desired::Running, true) => format!("{GREEN}{RUNNING}{RESET}"),
        (Desired::Stopped, true) => format!("{DIM}{STOPPED}{RESET}"),
    }
}

/// The 7 local days from `first` on, each cell what the schedule wants at its start.
pub(crate) fn draw(schedule: &Schedule, first: Date, colour: bool) -> String {
    // Under the cells: `  Mon 03-02 ` is 12 characters.
    let mut out = String::from("           ");
    for hour in (0..24).step_by(2) {
        let _ = write!(out, " {hour:02} ");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    let days: Vec<Date> = std::iter::successors(Some(first), |day| {
        Some(day.saturating_add(SignedDuration::from_hours(24)))
    })
    .take(7)
    .collect();
    let cells: Vec<Vec<Timestamp>> = days
        .iter()
        .map(|day| {
            (0..24)
                .flat_map(|hour| {
                    (0..CELLS_PER_HOUR).map(move |half| Time::constant(hour, half * 30, 0, 0))
                })
                .map(|time| schedule.resolve(day.to_datetime(time)))
                .collect()
        })
        .collect();
    let states = States::over(schedule, cells.iter().flatten().copied());
    for (day, cells) in days.iter().zip(&cells) {
        let _ = write!(out, "  {} ", day.strftime("%a %m-%d"));
        for at in cells {
            out.push_str(&cell(states.at(*at), colour));
        }
        out.push('\n');
    }
    out
}

/// What a schedule wants at any instant of a span: the state at its start and the
/// boundaries within it, worked out once, so that the grid's 336 cells cost a look-up
/// each rather than a schedule's work each.
struct States {
    first: Timestamp,
    before: Desired,
    boundaries: Vec<Boundary>,
}

impl States {
    /// The states from the earliest to the latest of `instants`.
    fn over(schedule: &Schedule, instants: impl Iterator<Item = Timestamp>) -> States {
        let (first, last) = instants.fold((Timestamp::MAX, Timestamp::MIN), |(min, max), at| {
            (min.min(at), max.max(at))
        });
        // `boundaries` takes the span's end as open: one nanosecond more keeps `last`.
        let end = last
            .checked_add(SignedDuration::from_nanos(1))
            .unwrap_or(Timestamp::MAX);
        States {
            first,
            before: schedule.latest(first).desired,
            boundaries: schedule.boundaries(first, end),
        }
    }

    /// What the schedule wants at `at`, an instant of the span: that of the latest
    /// boundary at or before it.
    fn at(&self, at: Timestamp) -> Desired {
        let seen = self
            .boundaries
            .partition_point(|boundary| boundary.at <= at);
        match seen.checked_sub(1) {
            Some(last) if at >= self.first => self.boundaries[last].desired,
            _ => self.before,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ges_client::schedule::Schedules;

    /// The grid as it was drawn before [`States`]: the schedule asked at every cell.
    fn draw_cell_by_cell(schedule: &Schedule, first: Date) -> String {
        let mut out = String::new();
        let mut day = first;
        for _ in 0..7 {
            for hour in 0..24 {
                for half in 0..CELLS_PER_HOUR {
                    let time = Time::constant(hour, half * 30, 0, 0);
                    let at: Timestamp = schedule.resolve(day.to_datetime(time));
                    out.push_str(&cell(schedule.latest(at).desired, false));
                }
            }
            out.push('\n');
            day = day.saturating_add(SignedDuration::from_hours(24));
        }
        out
    }

    /// The cells of a drawn grid, without its heading and day names.
    fn cells_of(grid: &str) -> String {
        grid.lines()
            .skip(1)
            .map(|line| format!("{}\n", &line[12..]))
            .collect()
    }

    fn assert_same_grids(document: &str, firsts: &[Date]) {
        let schedules = Schedules::from_json(document).unwrap();
        for (name, schedule) in schedules.iter() {
            for first in firsts {
                assert_eq!(
                    cells_of(&draw(schedule, *first, false)),
                    draw_cell_by_cell(schedule, *first),
                    "{name} from {first}"
                );
            }
        }
    }

    /// Weeks around New Year and the DST changes of both hemispheres in 2026 and 2027.
    fn weeks() -> Vec<Date> {
        [
            (2026, 3, 25),
            (2026, 3, 29),
            (2026, 4, 1),
            (2026, 10, 22),
            (2026, 10, 29),
            (2026, 12, 28),
            (2027, 3, 10),
        ]
        .into_iter()
        .map(|(y, m, d)| jiff::civil::date(y, m, d))
        .collect()
    }

    #[test]
    fn the_example_document_draws_as_it_did_cell_by_cell() {
        let document = include_str!("../../../examples/schedules.json");
        assert_same_grids(document, &weeks());
    }

    #[test]
    fn generated_schedules_draw_as_they_did_cell_by_cell() {
        // Periods at every half hour and at odd minutes, overnight and stop-only ones,
        // skip dates, in zones with DST gaps and folds at 00:00, 01:00, 02:00 and
        // 02:30 local, and one with a 30-minute shift.
        let zones = [
            "Europe/Berlin",
            "America/New_York",
            "America/Havana",
            "America/Santiago",
            "Australia/Lord_Howe",
            "Asia/Shanghai",
            "UTC",
        ];
        let mut seed: u32 = 0x2545_f491;
        let mut next = |bound: u32| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed % bound
        };
        let time = |minutes: u32| format!("{:02}:{:02}", minutes / 60, minutes % 60);
        for zone in zones {
            let mut schedules = Vec::new();
            for index in 0..8 {
                // Periods on days two apart cannot overlap, even overnight.
                let mut period = |days: &str| {
                    let start = next(48) * 30 + if next(4) == 0 { next(30) } else { 0 };
                    let stop = (start + 30 + next(46) * 30) % 1440;
                    format!(
                        r#"{{"days": "{days}", "start": "{}", "stop": "{}"}}"#,
                        time(start),
                        time(stop)
                    )
                };
                let mut periods: Vec<String> = if index % 4 == 0 {
                    vec![period("mon-sun")]
                } else {
                    let days: &[&str] = match index % 3 {
                        0 => &["wed"],
                        1 => &["mon", "fri"],
                        _ => &["mon", "wed", "fri"],
                    };
                    days.iter().map(|days| period(days)).collect()
                };
                if index % 2 == 1 {
                    periods.push(format!(
                        r#"{{"days": "sun", "stop": "{}"}}"#,
                        time(next(48) * 30)
                    ));
                }
                let skips = ["2026-03-29", "2026-10-25", "2026-12-31", "2027-03-14"];
                let skip: Vec<String> = skips
                    .iter()
                    .filter(|_| next(3) == 0)
                    .map(|date| format!("\"{date}\""))
                    .collect();
                schedules.push(format!(
                    r#""s{index}": {{"timezone": "{zone}", "periods": [{}], "skip_dates": [{}]}}"#,
                    periods.join(", "),
                    skip.join(", ")
                ));
            }
            let document = format!(r#"{{"schedules": {{{}}}}}"#, schedules.join(", "));
            assert_same_grids(&document, &weeks());
        }
    }
}
