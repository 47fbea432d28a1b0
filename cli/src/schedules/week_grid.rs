//! A schedule's week drawn as a grid: 7 rows of local days by 48 half-hour cells, each
//! running or stopped, in colour on a terminal that wants it.

use std::fmt::Write;

use ges_client::schedule::{Desired, Schedule};
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
    let mut day = first;
    for _ in 0..7 {
        let _ = write!(out, "  {} ", day.strftime("%a %m-%d"));
        for hour in 0..24 {
            for half in 0..CELLS_PER_HOUR {
                let time = Time::constant(hour, half * 30, 0, 0);
                let at: Timestamp = schedule.resolve(day.to_datetime(time));
                out.push_str(&cell(schedule.latest(at).desired, colour));
            }
        }
        out.push('\n');
        day = day.saturating_add(SignedDuration::from_hours(24));
    }
    out
}
