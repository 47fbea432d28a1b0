//! `ges-stop schedules check`: checks a schedules document and shows what each schedule
//! does over the coming week, so that a document can be tried before it is deployed.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use ges_client::calendars::{CalendarFetcher, CalendarRefresh};
use ges_client::config::vars;
use ges_client::input::Excerpt;
use ges_client::run::{
    DEFAULT_CES_DELAY_MINUTES, DEFAULT_SCHEDULE_TAG, DEFAULT_SKIP_UNTIL_TAG,
    DEFAULT_WINDOW_MINUTES, Scheduling, TagRefusalKind, TagSchedule, TagSchedules,
};
use ges_client::run::{Merges, merged_calendars};
use ges_client::schedule::{DaySource, Schedule, ScheduleError, Schedules, WithCalendars};
use ges_client::transport::Transport;
use jiff::{SignedDuration, Timestamp};

use crate::exit::{EXIT_FAILED, EXIT_USAGE, fail};
use crate::output::write_out;
mod week_grid;

/// Work with schedules documents (GES_SCHEDULES): check one, and see its week.
#[derive(Debug, Args)]
pub(crate) struct SchedulesArgs {
    #[command(subcommand)]
    command: SchedulesCommand,
}

#[derive(Debug, Subcommand)]
enum SchedulesCommand {
    Check(CheckArgs),
}

/// Check a schedules document, and show each schedule's coming week: its changes in
/// its own zone and in UTC, the hours a week it keeps a graph stopped, the week as a
/// grid, and its days off and make-up working days over the coming weeks.
///
/// A bad document is refused with the field named, exit 2. Reads no credentials and
/// sends nothing.
#[derive(Debug, Args)]
#[command(after_long_help = "Environment (when --file is not given):
  GES_SCHEDULES           the schedules document, as JSON
  GES_SCHEDULES_FILE      or a file holding it
  GES_TAG_SCHEDULES       with --tag: off, stop (the default) or start: what a compact
                          schedule in a tag may do
  GES_SCHEDULE_TAG        with --tag: the tag key, as the reasons name it
  NO_COLOR                when set and not empty, the grid has no colour (neither has it
                          when stdout is not a terminal)
")]
pub(crate) struct CheckArgs {
    /// The document to check [default: GES_SCHEDULES, else the file GES_SCHEDULES_FILE names].
    #[arg(long)]
    file: Option<PathBuf>,
    /// Show the week from this instant, in RFC 3339 (2026-03-02T08:00:00+08:00), instead of now.
    #[arg(long)]
    at: Option<String>,
    /// List each schedule's days off and make-up working days over this many weeks from
    /// --at (1 to 53).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=53))]
    weeks: u8,
    /// Explain a schedule tag's value instead: the document's schedule it names, or the
    /// compact schedule it is (mon-fri_0800-2000_Asia.Shanghai), and whether
    /// GES_TAG_SCHEDULES lets it act. A value that is neither exits 2.
    #[arg(long, value_name = "VALUE")]
    tag: Option<String>,
}

pub(super) async fn run(args: SchedulesArgs) -> ExitCode {
    let SchedulesCommand::Check(args) = args.command;
    let at = match args.at.as_deref().map(str::parse::<Timestamp>).transpose() {
        Ok(at) => at.unwrap_or_else(Timestamp::now),
        Err(error) => {
            return fail(
                EXIT_USAGE,
                format_args!("--at: not an RFC 3339 time such as 2026-03-02T08:00:00Z: {error}"),
            );
        }
    };
    let schedules = match &args.file {
        Some(path) => Schedules::from_file(path).map(Some),
        None => Schedules::from_lookup(|name| std::env::var(name).ok()),
    };
    if let Some(value) = &args.tag {
        return explain_tag(value, schedules, at);
    }
    let schedules = match schedules {
        Ok(Some(schedules)) => schedules,
        Ok(None) => {
            return fail(
                EXIT_USAGE,
                "no schedules document: set GES_SCHEDULES (the document) or \
                 GES_SCHEDULES_FILE (a file holding it), or pass --file",
            );
        }
        Err(error) => return fail(EXIT_USAGE, error),
    };
    let calendars = match calendars(&schedules, at).await {
        Ok(calendars) => calendars,
        Err(code) => return code,
    };
    let colour = week_grid::colour_wanted();
    let mut out = format!(
        "the schedules document is valid: {} schedule{} (time zones: IANA {})\n",
        schedules.len(),
        if schedules.len() == 1 { "" } else { "s" },
        ges_client::schedule::tzdb_version()
    );
    for (name, schedule) in schedules.iter() {
        // A schedule with calendars is shown as a run decides by it: their days in.
        let schedule = calendars
            .get(name)
            .map_or(schedule, |merged| &merged.schedule);
        out.push('\n');
        out.push_str(&report(name, schedule, at, colour));
        out.push_str(&special_days(schedule, at, args.weeks));
    }
    match write_out(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(EXIT_FAILED, error),
    }
}

/// `--tag`: what a schedule tag's value stands for, shown as a document schedule is;
/// the document is optional here, as tag schedules need none.
fn explain_tag(
    value: &str,
    schedules: Result<Option<Schedules>, ScheduleError>,
    at: Timestamp,
) -> ExitCode {
    let lookup = |name: &str| std::env::var(name).ok();
    let tag_schedules = TagSchedules::read(lookup(vars::TAG_SCHEDULES).as_deref());
    let (schedules, tag_schedules) = match (schedules, tag_schedules) {
        (Ok(schedules), Ok(tag_schedules)) => (schedules, tag_schedules),
        (Err(error), _) => return fail(EXIT_USAGE, error),
        (_, Err(error)) => return fail(EXIT_USAGE, error),
    };
    let scheduling = Scheduling {
        schedules,
        tag_schedules,
        schedule_tag: lookup(vars::SCHEDULE_TAG)
            .map(|key| key.trim().to_owned())
            .filter(|key| !key.is_empty())
            .unwrap_or_else(|| DEFAULT_SCHEDULE_TAG.to_owned()),
        skip_until_tag: DEFAULT_SKIP_UNTIL_TAG.to_owned(),
        window: SignedDuration::from_mins(i64::from(DEFAULT_WINDOW_MINUTES)),
        ces_delay: SignedDuration::from_mins(i64::from(DEFAULT_CES_DELAY_MINUTES)),
    };
    let given = Excerpt::of(value);
    let colour = week_grid::colour_wanted();
    let out = match (scheduling.resolve(value), Schedule::from_compact(value)) {
        (Ok(TagSchedule::Named(schedule)), _) => format!(
            "{given} names the document's schedule {given}: a name the document has wins, \
             whatever GES_TAG_SCHEDULES says\n\n{}",
            report(value, schedule, at, colour)
        ),
        (verdict, Ok(schedule)) => {
            let verdict = match verdict {
                Ok(_) if schedule.start_graphs() => "lets it act: it stops and starts graphs",
                Ok(_) => "lets it act: it stops graphs, and starts none",
                Err(refusal) if *refusal.kind() == TagRefusalKind::Starts => {
                    "does not let it act, as it asks for starts (start_): its graphs are \
                     skipped; set GES_TAG_SCHEDULES=start, or drop start_"
                }
                Err(_) => "reads no compact schedule: its graphs are skipped",
            };
            format!(
                "{given} is a compact schedule; GES_TAG_SCHEDULES={tag_schedules} {verdict}\n\n{}",
                report(value, &schedule, at, colour)
            )
        }
        (_, Err(error)) => {
            let document = if scheduling.schedules.is_some() {
                "names no schedule of the document"
            } else {
                "names no schedule (no document is configured)"
            };
            return fail(
                EXIT_USAGE,
                format_args!("{given} {document}, and is not a compact schedule: {error}"),
            );
        }
    };
    match write_out(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(EXIT_FAILED, error),
    }
}

const WEEK: SignedDuration = SignedDuration::from_hours(7 * 24);

/// A schedule's days off and working days in the `weeks` weeks from `at`'s local date,
/// and where each came from.
/// The document's schedules that list calendars, with their days in: URL calendars
/// fetched now (at most [`CALENDAR_TIME`] for them all). A calendar that cannot be read
/// is an error here, as it would leave a run starting nothing.
pub(crate) async fn calendars(
    schedules: &Schedules,
    at: Timestamp,
) -> Result<BTreeMap<String, Arc<WithCalendars>>, ExitCode> {
    let transport = Transport::standalone()
        .map_err(|error| fail(EXIT_FAILED, format_args!("could not set up HTTPS: {error}")))?;
    let fetcher = CalendarFetcher::new(CalendarRefresh::default());
    let deadline = tokio::time::Instant::now() + CALENDAR_TIME;
    let merged = merged_calendars(
        schedules,
        &fetcher,
        &Merges::default(),
        &transport,
        Some(deadline),
        Timestamp::now(),
        at,
    )
    .await;
    let unreadable: Vec<String> = merged
        .iter()
        .flat_map(|(name, merged)| {
            merged
                .unavailable
                .iter()
                .map(move |unavailable| format!("schedules.{name}.{unavailable}"))
        })
        .collect();
    if !unreadable.is_empty() {
        return Err(fail(
            EXIT_USAGE,
            format_args!("a calendar cannot be read: {}", unreadable.join("; ")),
        ));
    }
    Ok(merged)
}

/// How long `schedules check` waits for its URL calendars, all of them.
const CALENDAR_TIME: std::time::Duration = std::time::Duration::from_secs(30);

fn special_days(schedule: &Schedule, at: Timestamp, weeks: u8) -> String {
    let first = schedule.time_zone().to_datetime(at).date();
    let last = first.saturating_add(SignedDuration::from_hours(24 * (7 * i64::from(weeks) - 1)));
    let plural = if weeks == 1 { "" } else { "s" };
    let mut out =
        format!("  days off and working days, {first} to {last} ({weeks} week{plural}):\n");
    for source in schedule.calendars() {
        let _ = writeln!(out, "    calendar {source}");
    }
    let days = schedule.special_days(first, last);
    if days.is_empty() {
        out.push_str("    none: every day follows its weekday\n");
    }
    for day in days {
        let source = match day.source {
            DaySource::Calendar(index) => schedule
                .calendars()
                .get(usize::from(index))
                .map_or_else(|| "calendar".to_owned(), |source| source.field()),
            field => field.as_str().to_owned(),
        };
        let _ = writeln!(
            out,
            "    {}  {:<13}  ({source})",
            day.date.strftime("%a %Y-%m-%d"),
            day.kind.describe(),
        );
    }
    let zone = schedule.time_zone();
    let midnight =
        |date: jiff::civil::Date| schedule.resolve(date.to_datetime(jiff::civil::Time::midnight()));
    let end = last.tomorrow().map_or(Timestamp::MAX, midnight);
    for (start, stop) in schedule.timed_days_off(midnight(first), end) {
        let local = |t: Timestamp| {
            t.to_zoned_datetime(zone.clone())
                .strftime("%a %Y-%m-%d %H:%M")
                .to_string()
        };
        let _ = writeln!(
            out,
            "    off from {} to {}  (a calendar's timed event)",
            local(start),
            local(stop)
        );
    }
    out
}

/// One schedule's week from `at`.
fn report(name: &str, schedule: &Schedule, at: Timestamp, colour: bool) -> String {
    let zone = schedule.time_zone();
    let local = |t: Timestamp| {
        t.to_zoned_datetime(zone.clone())
            .strftime("%a %Y-%m-%d %H:%M %Z")
            .to_string()
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{name}: {}; {}; {}",
        schedule.timezone_name(),
        if schedule.start_graphs() {
            "starts graphs"
        } else {
            "only stops graphs"
        },
        if schedule.enforce() {
            "enforced"
        } else {
            "acts at its boundaries only"
        },
    );
    let end = at.checked_add(WEEK).unwrap_or(Timestamp::MAX);
    let latest = schedule.latest(at);
    let _ = writeln!(
        out,
        "  at {} ({at}): {} since {}",
        local(at),
        latest.desired.as_str(),
        local(latest.at)
    );
    let mut state = latest.desired;
    let mut changes = 0;
    let _ = writeln!(out, "  changes in the next 7 days (local time, then UTC):");
    for boundary in schedule.boundaries(at, end) {
        if boundary.at <= at || boundary.desired == state {
            continue;
        }
        let _ = writeln!(
            out,
            "    {:<27}  {}  {:<7}  ({})",
            local(boundary.at),
            boundary.at,
            boundary.desired.as_str(),
            boundary.kind.as_str()
        );
        state = boundary.desired;
        changes += 1;
    }
    if changes == 0 {
        let _ = writeln!(out, "    none: {} all week", state.as_str());
    }
    let hours = schedule.stopped_within(at, end).as_secs_f64() / 3600.0;
    let week = WEEK.as_secs_f64() / 3600.0;
    let _ = writeln!(
        out,
        "  stopped {hours:.1} of {week:.0} hours ({:.1}%): the share of a graph's running \
         cost this schedule saves",
        100.0 * hours / week
    );
    let _ = writeln!(out, "  the week ({}):", week_grid::legend(colour));
    out.push_str(&week_grid::draw(
        schedule,
        schedule.time_zone().to_datetime(at).date(),
        colour,
    ));
    out
}
