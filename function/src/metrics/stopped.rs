//! What a reconcile saw stopped, by schedule: each scheduled graph that was stopped when
//! the reconcile listed it counts one reconcile interval of stopped time
//! (`StoppedGraphHours`) and, with a price table, what that time would have cost
//! (`EstimatedSavings`).
//!
//! ges-stop keeps no memory between runs, so the time a graph was stopped is sampled:
//! every reconcile that sees it stopped counts the interval until the next one. Graphs
//! a reconcile skips (database edition, opted out, kept out by skip-until, outside the
//! allow-lists, an unknown schedule) count nothing, as their stopped time is not the
//! schedule's doing.

use ges_api::types::GraphStatus;
use ges_client::ges::Outcome;
use ges_client::run::BatchAnswer;
use ges_client::savings::{Amount, GraphSize, PriceTable};
use jiff::SignedDuration;

/// How long each graph seen stopped counts, and what its time costs.
#[derive(Debug, Clone)]
pub struct Sampling {
    /// How far apart reconciles run (`GES_RECONCILE_INTERVAL_MINUTES`).
    pub interval: SignedDuration,
    /// The price table (`GES_PRICES` or `GES_PRICES_FILE`), if one is configured.
    pub prices: Option<PriceTable>,
}

/// One schedule's part of a reconcile.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleStopped {
    /// The schedule's name, as its graphs' tag gives it.
    pub schedule: String,
    /// How many of its graphs the reconcile saw stopped.
    pub graphs: usize,
    /// Those graphs times the interval, in hours.
    pub hours: f64,
    /// What that time would have cost, in the table's currency, rounded to its minor
    /// unit; `None` without a price table.
    pub savings: Option<f64>,
    /// Graphs seen stopped whose size the table does not price, or whose size or
    /// replicas GES did not give: their time counts, their money does not.
    pub unpriced: usize,
}

impl Sampling {
    /// Each schedule that a graph of the reconcile followed (skipped graphs aside), by
    /// name, with what its graphs seen stopped count: zero when none was, so that a
    /// schedule's series has a value at every run.
    pub fn by_schedule(&self, batch: &BatchAnswer) -> Vec<ScheduleStopped> {
        // By name, kept sorted: a sorted vector rather than a map, which would bring a
        // map's code for these types into the function's binary for a few schedules.
        let mut schedules: Vec<(&str, usize, Amount, usize)> = Vec::new();
        for entry in &batch.results {
            let (Some(facts), Ok(report)) = (&entry.facts.schedule, &entry.outcome) else {
                continue;
            };
            // A schedule the document lacks leaves its graphs skipped. `desired` is no
            // guide: a schedule that stops graphs only when idle wants nothing by the
            // clock, and its stopped graphs count.
            if report.outcome == Outcome::Skipped {
                continue;
            }
            let name = facts.name.as_str();
            let at = match schedules.binary_search_by(|(other, ..)| (*other).cmp(name)) {
                Ok(at) => at,
                Err(at) => {
                    schedules.insert(at, (name, 0, Amount::default(), 0));
                    at
                }
            };
            let sums = &mut schedules[at];
            if report.graph_status != Some(GraphStatus::Stopped) {
                continue;
            }
            sums.1 += 1;
            let Some(prices) = &self.prices else {
                continue;
            };
            let price = facts
                .size
                .as_ref()
                .and_then(GraphSize::of)
                .and_then(|size| prices.per_hour(size));
            match (price, facts.replicas) {
                (Some(price), Some(replicas)) => {
                    sums.2 = sums.2 + price.for_time(replicas.get(), self.interval);
                }
                _ => {
                    sums.3 += 1;
                    tracing::warn!(
                        graph_id = %entry.target.graph_id,
                        schedule = facts.name.as_str(),
                        "the price table has no price for this stopped graph's size (or GES \
                         gave no size or replicas): its time counts in StoppedGraphHours, \
                         not in EstimatedSavings"
                    );
                }
            }
        }
        let hours_each = self.interval.as_secs_f64() / 3600.0;
        schedules
            .into_iter()
            .map(|(schedule, graphs, amount, unpriced)| ScheduleStopped {
                schedule: schedule.to_owned(),
                graphs,
                hours: graphs as f64 * hours_each,
                savings: self
                    .prices
                    .as_ref()
                    .and_then(|prices| amount.round(prices.currency()).to_json().as_f64()),
                unpriced,
            })
            .collect()
    }
}
