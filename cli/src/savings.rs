//! `ges-stop savings`: what the schedules save over a month or a range of days, for each
//! scheduled graph, each schedule and in all: the hours each schedule wants its graphs
//! stopped and, with a price table, the money. Sends only the listing.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ges_api::types::ProjectId;
use ges_client::config::Overrides;
use ges_client::run::{RunError, Scheduling};
use ges_client::savings::{DateRange, ListedGraph, PriceTable, Savings, estimate, rounded_hours};
use jiff::civil::Date;
use tabwriter::TabWriter;

use crate::exit::{EXIT_FAILED, EXIT_USAGE, fail};
use crate::output::{Format, line, write_out};
use crate::run::{OutputArgs, exit_code, runner};
use crate::table::shown;

/// Show what the schedules save: for each scheduled graph, the hours its schedule keeps
/// it stopped over a month (or --from/--to), and with a price table what those hours
/// would have cost; then by schedule and in all.
///
/// The hours come from each schedule's own boundaries, the same a reconcile acts on:
/// skip dates and daylight saving changes included. Dates are whole days in each
/// schedule's own time zone: December is December in Shanghai for a Shanghai schedule.
/// They are the plan (what the schedule wants, from the graphs' tags as listed now), not
/// what happened: a graph started by hand between boundaries of a schedule without
/// "enforce" runs until the next one. A graph of the database edition (which GES
/// cannot stop), opted out, outside the allow-lists or naming an unknown schedule counts
/// nothing, with the reason; one kept out by its skip-until tag counts from then.
///
/// Money: the price per hour of the graph's size (graph_size_type_index), times its
/// replicas, times its stopped time; exact until shown, each figure rounded once to the
/// currency's minor unit. Without a price table, hours only.
///
/// Sends only the graph listing of the project. A table at a terminal, else JSON
/// (--output json): {"from", "to", "currency", "graphs": [...], "schedules": [...],
/// "total"}. Exit 1 when GES or the network refused; 2 when the command line, the price
/// table or the configuration is wrong, or no schedules are configured (nothing was
/// sent).
#[derive(Debug, Args)]
#[command(after_long_help = concat!(
    "Price table (--prices FILE, else GES_PRICES or GES_PRICES_FILE):
  {\"currency\": \"USD\", \"per_hour\": {\"1\": 1.25, \"4\": 12.0}}
  currency: an ISO 4217 code in use; per_hour: the price of one hour of one replica, by
  graph size (\"0\" to \"6\", \"401\"), 0 to 1000000 with at most 6 decimals. No price is
  built in: take yours from Huawei Cloud's GES price pages for your region and site.

",
    client_environment!(),
    "\n",
    function_environment!()
))]
pub(crate) struct SavingsArgs {
    /// The month, YYYY-MM [default: the current month, in UTC].
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["from", "to"])]
    month: Option<String>,
    /// The first day, YYYY-MM-DD (with --to): at most 366 days in all.
    #[arg(long, value_name = "DATE", requires = "to")]
    from: Option<Date>,
    /// The last day, YYYY-MM-DD, included (with --from): --from 2026-12-01 --to
    /// 2026-12-31 is December.
    #[arg(long, value_name = "DATE", requires = "from")]
    to: Option<Date>,
    /// The price table, a JSON file [default: GES_PRICES, else the file
    /// GES_PRICES_FILE names; neither: hours only].
    #[arg(long, value_name = "FILE")]
    prices: Option<PathBuf>,
    /// The project to look in [default: HUAWEICLOUD_SDK_PROJECT_ID].
    #[arg(long)]
    project_id: Option<ProjectId>,
    #[command(flatten)]
    output: OutputArgs,
}

/// The days the flags name, else the current month in UTC.
fn range(args: &SavingsArgs, today: Date) -> Result<DateRange, String> {
    match (&args.month, args.from, args.to) {
        (Some(month), _, _) => DateRange::month(month).map_err(|error| format!("--month: {error}")),
        (None, Some(first), Some(last)) => {
            DateRange::new(first, last).map_err(|error| format!("--from/--to: {error}"))
        }
        _ => DateRange::month_of(today).map_err(|error| error.to_string()),
    }
}

/// The price table the flag or the environment gives, if any.
fn prices(args: &SavingsArgs) -> Result<Option<PriceTable>, String> {
    match &args.prices {
        Some(path) => PriceTable::from_file(path).map(Some),
        None => PriceTable::from_lookup(|name| std::env::var(name).ok()),
    }
    .map_err(|error| error.to_string())
}

pub(super) async fn run(args: SavingsArgs) -> ExitCode {
    // Everything the command line says is checked before the configuration is read
    // (which may ask IAM) and before anything is sent.
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    let range = match range(&args, today) {
        Ok(range) => range,
        Err(message) => return fail(EXIT_USAGE, message),
    };
    let prices = match prices(&args) {
        Ok(prices) => prices,
        Err(message) => return fail(EXIT_USAGE, message),
    };
    let overrides = Overrides {
        project_id: args.project_id.clone(),
        ..Overrides::default()
    };
    let runner = match runner(&overrides, None, true).await {
        Ok(runner) => runner,
        Err(code) => return code,
    };
    // No schedules configured is the core's to refuse, before any listing, as a
    // reconcile's is.
    let graphs = match runner.scheduled_graphs(args.project_id.as_ref()).await {
        Ok((project_id, graphs)) => graphs
            .iter()
            .map(|graph| ListedGraph::of(&project_id, graph))
            .collect::<Vec<_>>(),
        Err(error) => {
            let kind = error.kind();
            return fail(exit_code(kind), format_args!("{error} ({kind})"));
        }
    };
    let Some(scheduling) = runner.settings().scheduling.as_ref() else {
        // Unreachable: the listing above was refused without them.
        return fail(EXIT_USAGE, RunError::NoSchedulesConfigured);
    };
    // As `schedules check` reads them: a calendar that cannot be read is an error.
    let calendars = match &scheduling.schedules {
        Some(schedules) => {
            // The calendars' range runs from before the first day to a year past it.
            let at = jiff::tz::Offset::UTC
                .to_timestamp(range.first().to_datetime(jiff::civil::Time::midnight()))
                .unwrap_or_else(|_| jiff::Timestamp::now());
            match crate::schedules::calendars(schedules, at).await {
                Ok(calendars) => calendars,
                Err(code) => return code,
            }
        }
        None => std::collections::BTreeMap::new(),
    };
    let savings = estimate(
        scheduling,
        &calendars,
        &runner.settings().policy,
        prices.as_ref(),
        range,
        &graphs,
    );
    let printed = match args.output.format() {
        Format::Json => line(savings.to_json()),
        Format::Table => table(&savings, scheduling),
    };
    match printed {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(EXIT_FAILED, error),
    }
}

/// The estimate for a person: a line per graph, a line per schedule, and the total.
fn table(savings: &Savings, scheduling: &Scheduling) -> std::io::Result<()> {
    let currency = savings.currency.map(|currency| currency.code());
    let money = |amount: Option<ges_client::savings::Amount>| match (amount, savings.currency) {
        (Some(amount), Some(currency)) => amount.round(currency).to_string(),
        _ => "-".to_owned(),
    };
    let hours = |stopped: Option<jiff::SignedDuration>| {
        stopped.map_or_else(|| "-".to_owned(), |d| format!("{:.2}", rounded_hours(d)))
    };
    let mut out = Vec::new();
    writeln!(
        out,
        "savings from {} to {} ({} days, each schedule in its own time zone){}",
        savings.range.first(),
        savings.range.last(),
        savings.range.days(),
        currency.map_or_else(
            || ": hours only, no price table".to_owned(),
            |code| format!(", in {code}")
        )
    )?;
    if savings.graphs.is_empty() {
        writeln!(out, "no graph carries the tag {}", scheduling.schedule_tag)?;
        return write_out(&String::from_utf8_lossy(&out));
    }
    let mut rows = TabWriter::new(&mut out).padding(2);
    writeln!(
        rows,
        "NAME\tGRAPH\tSCHEDULE\tSIZE\tREPLICAS\tSTOPPED HOURS{}\tWHY",
        if currency.is_some() {
            "\tPRICE/H\tSAVED"
        } else {
            ""
        }
    )?;
    for graph in &savings.graphs {
        let priced = if currency.is_some() {
            format!(
                "\t{}\t{}",
                graph
                    .price
                    .map_or_else(|| "-".to_owned(), |p| p.to_string()),
                money(graph.amount)
            )
        } else {
            String::new()
        };
        writeln!(
            rows,
            "{}\t{}\t{}\t{}\t{}\t{}{priced}\t{}",
            // Names, tags, sizes GES sent and reasons quoting them are not ours.
            shown(graph.name.as_deref().unwrap_or("-")),
            graph.graph_id,
            shown(&graph.schedule),
            shown(graph.size.as_ref().map_or("-", |size| size.as_str())),
            graph
                .replicas
                .map_or_else(|| "-".to_owned(), |r| r.to_string()),
            hours(graph.stopped),
            shown(graph.reason.as_deref().unwrap_or("")),
        )?;
    }
    rows.flush()?;
    drop(rows);
    writeln!(out)?;
    let mut rows = TabWriter::new(&mut out).padding(2);
    writeln!(
        rows,
        "SCHEDULE\tZONE\tSTOPPED HOURS A GRAPH\tGRAPHS\tGRAPH-HOURS STOPPED{}",
        if currency.is_some() { "\tSAVED" } else { "" }
    )?;
    for schedule in &savings.schedules {
        writeln!(
            rows,
            "{}\t{}\t{}\t{}\t{}{}",
            schedule.schedule,
            schedule.timezone,
            hours(Some(schedule.stopped_per_graph)),
            schedule.graphs,
            hours(Some(schedule.stopped)),
            if currency.is_some() && schedule.priced > 0 {
                format!("\t{}", money(schedule.amount))
            } else if currency.is_some() {
                "\t-".to_owned()
            } else {
                String::new()
            }
        )?;
    }
    rows.flush()?;
    drop(rows);
    let counted = savings
        .graphs
        .iter()
        .filter(|g| g.stopped.is_some())
        .count();
    writeln!(
        out,
        "\ntotal: {counted} graph{} counted, {} graph-hours stopped{}",
        if counted == 1 { "" } else { "s" },
        hours(Some(savings.stopped)),
        match currency {
            Some(code) => format!(
                ", {} {code} saved ({} of them priced)",
                money(savings.amount),
                savings.graphs.iter().filter(|g| g.amount.is_some()).count()
            ),
            None => String::new(),
        }
    )?;
    // A line whose last column is empty keeps no padding after its text.
    let text = String::from_utf8_lossy(&out);
    let trimmed: String = text
        .lines()
        .map(|line| format!("{}\n", line.trim_end()))
        .collect();
    write_out(&trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::parse_args;
    use jiff::civil::date;

    fn parse(args: &[&str]) -> Result<SavingsArgs, clap::Error> {
        parse_args::<SavingsArgs>("savings", args)
    }

    #[test]
    fn the_range_is_the_month_the_days_or_this_month() {
        let today = date(2026, 12, 7);
        let of = |args: &[&str]| range(&parse(args).unwrap(), today);
        let december = DateRange::new(date(2026, 12, 1), date(2026, 12, 31)).unwrap();
        assert_eq!(of(&[]), Ok(december));
        assert_eq!(of(&["--month", "2026-12"]), Ok(december));
        assert_eq!(
            of(&["--from", "2026-12-01", "--to", "2026-12-31"]),
            Ok(december)
        );
        let message = of(&["--from", "2026-01-01", "--to", "2027-01-02"]).unwrap_err();
        assert!(
            message.starts_with("--from/--to: the range covers 367 days"),
            "{message}"
        );
        assert!(
            of(&["--month", "2026-13"])
                .unwrap_err()
                .starts_with("--month: ")
        );
    }

    #[test]
    fn the_flags_go_together_or_not_at_all() {
        assert!(parse(&["--from", "2026-12-01"]).is_err());
        assert!(parse(&["--to", "2026-12-01"]).is_err());
        assert!(
            parse(&[
                "--month",
                "2026-12",
                "--from",
                "2026-12-01",
                "--to",
                "2026-12-02"
            ])
            .is_err()
        );
        assert!(parse(&["--from", "2026-12-32", "--to", "2026-12-31"]).is_err());
    }
}
