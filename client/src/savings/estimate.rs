//! What the schedules save over a range of days: for each scheduled graph, the time its
//! schedule wants it stopped ([`Schedule::stopped_within`], the same boundaries a
//! reconcile acts on) and, with a price table, what that time would have cost; then the
//! sums by schedule and in all. The plan, from the schedules and the graphs' tags as
//! listed now: not what happened (a graph started by hand between boundaries runs on).

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::sync::Arc;

use ges_api::types::{Graph, GraphId, GraphSizeTypeIndex, ProjectId};
use iso_currency::Currency;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::money::{Amount, HourlyPrice};
use super::prices::PriceTable;
use super::range::DateRange;
use super::size::GraphSize;
use crate::fleet::Policy;
use crate::input::Excerpt;
use crate::run::reconcile::tag_value;
use crate::run::tag_schedules::CompactSchedules;
use crate::run::{Scheduling, TagSchedule};
use crate::schedule::{Schedule, SkipUntil, WithCalendars};

/// A scheduled graph as a listing shows it: what an estimate needs of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedGraph {
    /// Its project.
    pub project_id: ProjectId,
    /// Its ID.
    pub graph_id: GraphId,
    /// Its name.
    pub name: Option<String>,
    /// Its tags, key and value.
    pub tags: Vec<ges_api::types::Tag>,
    /// Its size (`graph_size_type_index`), as listed: one the contract does not know
    /// too.
    pub size: Option<GraphSizeTypeIndex>,
    /// Its replicas (`replication`, 1 when not listed); `None` for a count below 1.
    pub replicas: Option<NonZeroU32>,
    /// Whether it is of the database edition, which GES cannot stop.
    pub database_edition: bool,
}

impl ListedGraph {
    /// A listed graph of `project_id`.
    pub fn of(project_id: &ProjectId, graph: &Graph) -> Self {
        Self {
            project_id: project_id.clone(),
            graph_id: graph.id.clone(),
            name: graph.name.clone(),
            tags: graph.tags.clone().unwrap_or_default(),
            size: graph.graph_size_type_index.clone(),
            replicas: graph.replicas(),
            database_edition: graph.is_database_edition(),
        }
    }
}

/// One graph's part of an estimate.
#[derive(Debug, Clone)]
pub struct GraphSavings {
    /// Its project.
    pub project_id: ProjectId,
    /// Its ID.
    pub graph_id: GraphId,
    /// Its name.
    pub name: Option<String>,
    /// The schedule its tag names.
    pub schedule: String,
    /// Its size, as listed.
    pub size: Option<GraphSizeTypeIndex>,
    /// Its replicas, when known.
    pub replicas: Option<NonZeroU32>,
    /// How long its schedule wants it stopped in the range, when the schedule applies.
    pub stopped: Option<SignedDuration>,
    /// What that time would have cost, with a price table that prices its size.
    pub amount: Option<Amount>,
    /// The price per hour of one replica used, if any.
    pub price: Option<HourlyPrice>,
    /// Why it counts no time, or no money, or only part of the range.
    pub reason: Option<String>,
}

/// One schedule's part of an estimate.
#[derive(Debug, Clone)]
pub struct ScheduleSavings {
    /// Its name.
    pub schedule: String,
    /// Its zone.
    pub timezone: String,
    /// The range's start in that zone.
    pub from: Timestamp,
    /// The range's end (exclusive) in that zone.
    pub to: Timestamp,
    /// How long it wants a graph stopped in the range.
    pub stopped_per_graph: SignedDuration,
    /// Its graphs that count time.
    pub graphs: usize,
    /// Their stopped time, summed.
    pub stopped: SignedDuration,
    /// Their money, summed, with a price table.
    pub amount: Option<Amount>,
    /// How many of its graphs have a price.
    pub priced: usize,
}

/// An estimate over a range.
#[derive(Debug, Clone)]
pub struct Savings {
    /// The days.
    pub range: DateRange,
    /// The currency, with a price table.
    pub currency: Option<Currency>,
    /// Each scheduled graph, in listing order.
    pub graphs: Vec<GraphSavings>,
    /// Each schedule the graphs name and the document has, by name.
    pub schedules: Vec<ScheduleSavings>,
    /// The graphs' stopped time, summed.
    pub stopped: SignedDuration,
    /// Their money, summed: of the graphs that have a price.
    pub amount: Option<Amount>,
}

/// Works out what the schedules save over `range` for the `graphs` listed (those that
/// carry the schedule tag), with `prices` if given. A graph of the database edition
/// (which GES cannot stop), opted out, outside the allow-lists, naming an unknown
/// schedule or with a skip-until that does not parse is listed with its reason and
/// counts nothing, as a reconcile would leave it alone; one kept out by skip-until
/// counts from then. A document schedule in `calendars` counts with its calendars'
/// days in ([`crate::run::merged_calendars`]).
pub fn estimate(
    scheduling: &Scheduling,
    calendars: &BTreeMap<String, Arc<WithCalendars>>,
    policy: &Policy,
    prices: Option<&PriceTable>,
    range: DateRange,
    graphs: &[ListedGraph],
) -> Savings {
    let mut schedules: BTreeMap<&str, ScheduleSavings> = BTreeMap::new();
    let mut compact = CompactSchedules::default();
    let mut results = Vec::with_capacity(graphs.len());
    for graph in graphs {
        let name = tag_value(&graph.tags, &scheduling.schedule_tag).unwrap_or_default();
        // As a reconcile reads the tag: the document's name, else a compact schedule.
        let found = match scheduling.named(name) {
            Some(schedule) => Ok(TagSchedule::Named(
                calendars
                    .get(name)
                    .map_or(schedule, |merged| &merged.schedule),
            )),
            None => compact
                .get_or_read(scheduling, name, |schedule| schedule)
                .map(TagSchedule::Compact),
        };
        let mut entry = GraphSavings {
            project_id: graph.project_id.clone(),
            graph_id: graph.graph_id.clone(),
            name: graph.name.clone(),
            schedule: name.to_owned(),
            size: graph.size.clone(),
            replicas: graph.replicas,
            stopped: None,
            amount: None,
            price: None,
            reason: None,
        };
        let counted = match found {
            Err(refusal) => Err(refusal.to_string()),
            Ok(schedule) => counted_span(scheduling, policy, graph, &schedule, range)
                .map(|(from, to, why)| (name, schedule, from, to, why)),
        };
        match counted {
            Err(reason) => entry.reason = Some(reason),
            Ok((key, schedule, from, to, why)) => {
                let stopped = schedule.stopped_within(from, to);
                entry.stopped = Some(stopped);
                entry.reason = why;
                if schedule.periods().is_empty() {
                    // Idleness cannot be planned: only the schedule's skip dates count.
                    let idle = "stopped by its schedule only when idle (stop_when_idle): no \
                                planned hours but its skip dates";
                    entry.reason = Some(match entry.reason.take() {
                        Some(why) => format!("{why}; {idle}"),
                        None => idle.to_owned(),
                    });
                }
                if let Some(prices) = prices {
                    match priced(prices, graph) {
                        Ok((price, replicas)) => {
                            entry.price = Some(price);
                            entry.amount = Some(price.for_time(replicas.get(), stopped));
                        }
                        Err(missing) => {
                            entry.reason = Some(match entry.reason.take() {
                                Some(why) => format!("{why}; {missing}"),
                                None => missing,
                            });
                        }
                    }
                }
                let (schedule_from, schedule_to) = range.span_in(&schedule);
                let sums = schedules.entry(key).or_insert_with(|| ScheduleSavings {
                    schedule: key.to_owned(),
                    timezone: schedule.timezone_name().to_owned(),
                    from: schedule_from,
                    to: schedule_to,
                    stopped_per_graph: schedule.stopped_within(schedule_from, schedule_to),
                    graphs: 0,
                    stopped: SignedDuration::ZERO,
                    amount: prices.map(|_| Amount::default()),
                    priced: 0,
                });
                sums.graphs += 1;
                sums.stopped += stopped;
                if let (Some(sum), Some(amount)) = (&mut sums.amount, entry.amount) {
                    *sum = *sum + amount;
                    sums.priced += 1;
                }
            }
        }
        results.push(entry);
    }
    let stopped = results
        .iter()
        .filter_map(|graph| graph.stopped)
        .fold(SignedDuration::ZERO, |sum, stopped| sum + stopped);
    let amount = prices.map(|_| results.iter().filter_map(|graph| graph.amount).sum());
    Savings {
        range,
        currency: prices.map(PriceTable::currency),
        graphs: results,
        schedules: schedules.into_values().collect(),
        stopped,
        amount,
    }
}

/// The price of an hour of one replica of the graph, and its replicas; or why none
/// applies.
fn priced(prices: &PriceTable, graph: &ListedGraph) -> Result<(HourlyPrice, NonZeroU32), String> {
    let Some(listed) = &graph.size else {
        return Err("GES did not list its size, so no price applies".to_owned());
    };
    let Some(size) = GraphSize::of(listed) else {
        return Err(format!(
            "GES listed its size as {}, which this contract does not know, so no price applies",
            Excerpt::with_limit(listed.as_str(), 20)
        ));
    };
    let Some(price) = prices.per_hour(size) else {
        return Err(format!("the price table has no price for size {size}"));
    };
    let Some(replicas) = graph.replicas else {
        return Err("GES listed a replica count below 1, so no price applies".to_owned());
    };
    Ok((price, replicas))
}

/// The span of `range` in which `schedule` governs the graph, and why it is shorter
/// than the range if it is; or why it governs none of it.
fn counted_span(
    scheduling: &Scheduling,
    policy: &Policy,
    graph: &ListedGraph,
    schedule: &Schedule,
    range: DateRange,
) -> Result<(Timestamp, Timestamp, Option<String>), String> {
    if graph.database_edition {
        return Err(
            "of the database edition, which GES cannot stop: no schedule saves anything on it"
                .to_owned(),
        );
    }
    let opt_out = &policy.opt_out_tag;
    if opt_out.is_on(&graph.tags) {
        return Err(format!(
            "opted out by the tag {opt_out}: no schedule acts on it"
        ));
    }
    if !policy.allows(&graph.project_id, &graph.graph_id) {
        return Err(
            "not in GES_ALLOWED_GRAPH_IDS / GES_ALLOWED_PROJECT_IDS: no schedule acts on it"
                .to_owned(),
        );
    }
    let (from, to) = range.span_in(schedule);
    let Some(value) = tag_value(&graph.tags, &scheduling.skip_until_tag) else {
        return Ok((from, to, None));
    };
    let until = value
        .parse::<SkipUntil>()
        .map_err(|error| {
            format!(
                "the tag {} does not parse, so no schedule acts on it: {error}",
                scheduling.skip_until_tag
            )
        })?
        .until(schedule);
    if until <= from {
        return Ok((from, to, None));
    }
    let why = format!(
        "kept out of its schedule by the tag {} until {until}: counted from then",
        scheduling.skip_until_tag
    );
    Ok((until.min(to), to, Some(why)))
}

/// Hours to two decimals, for reading: the minutes stay the exact figure.
pub fn rounded_hours(duration: SignedDuration) -> f64 {
    (duration.as_secs_f64() / 36.0).round() / 100.0
}

/// Whole minutes: exact, as every boundary falls on a whole minute in the years an
/// estimate covers (every zone's offset has been whole minutes since 1972).
pub fn whole_minutes(duration: SignedDuration) -> i64 {
    duration.as_secs() / 60
}

impl Savings {
    /// The estimate as JSON: the range, the currency, each graph, each schedule and the
    /// total. Times in exact minutes, and in hours to two decimals; money rounded once
    /// each, to the currency's minor unit, from its exact sum.
    pub fn to_json(&self) -> Value {
        let money = |amount: Option<Amount>| match (amount, self.currency) {
            (Some(amount), Some(currency)) => amount.round(currency).to_json(),
            _ => Value::Null,
        };
        let time = |stopped: Option<SignedDuration>| {
            (
                stopped.map_or(Value::Null, |d| json!(whole_minutes(d))),
                stopped.map_or(Value::Null, |d| json!(rounded_hours(d))),
            )
        };
        let graphs: Vec<Value> = self
            .graphs
            .iter()
            .map(|graph| {
                let (minutes, hours) = time(graph.stopped);
                let mut entry = json!({
                    "graph_id": graph.graph_id,
                    "project_id": graph.project_id,
                    "name": graph.name,
                    "schedule": graph.schedule,
                    "size": graph.size.as_ref().map(GraphSizeTypeIndex::as_str),
                    "replicas": graph.replicas.map(NonZeroU32::get),
                    "stopped_minutes": minutes,
                    "stopped_hours": hours,
                });
                if self.currency.is_some() {
                    entry["price_per_hour"] =
                        graph.price.map_or(Value::Null, |price| price.to_json());
                    entry["saved"] = money(graph.amount);
                }
                if let Some(reason) = &graph.reason {
                    entry["reason"] = json!(reason);
                }
                entry
            })
            .collect();
        let schedules: Vec<Value> = self
            .schedules
            .iter()
            .map(|schedule| {
                let mut entry = json!({
                    "schedule": schedule.schedule,
                    "timezone": schedule.timezone,
                    "from": schedule.from.to_string(),
                    "to": schedule.to.to_string(),
                    "stopped_minutes_per_graph": whole_minutes(schedule.stopped_per_graph),
                    "stopped_hours_per_graph": rounded_hours(schedule.stopped_per_graph),
                    "graphs": schedule.graphs,
                    "stopped_graph_minutes": whole_minutes(schedule.stopped),
                    "stopped_graph_hours": rounded_hours(schedule.stopped),
                });
                if self.currency.is_some() {
                    entry["saved"] = money(schedule.amount);
                    entry["priced_graphs"] = json!(schedule.priced);
                }
                entry
            })
            .collect();
        let counted = self.graphs.iter().filter(|g| g.stopped.is_some()).count();
        let mut total = json!({
            "graphs": counted,
            "stopped_graph_minutes": whole_minutes(self.stopped),
            "stopped_graph_hours": rounded_hours(self.stopped),
        });
        if self.currency.is_some() {
            total["saved"] = money(self.amount);
            total["priced_graphs"] =
                json!(self.graphs.iter().filter(|g| g.amount.is_some()).count());
        }
        json!({
            "from": self.range.first().to_string(),
            "to": self.range.last().to_string(),
            "currency": self.currency.map(|currency| currency.code()),
            "graphs": graphs,
            "schedules": schedules,
            "total": total,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use ges_api::types::Tag;
    use jiff::civil::date;

    use super::*;
    use crate::run::TagSchedules;
    use crate::schedule::Schedules;

    fn scheduling() -> Scheduling {
        Scheduling {
            schedules: Some(
                Schedules::from_json(
                    r#"{"schedules": {"day": {"timezone": "UTC",
                    "periods": [{"days": "mon-sun", "start": "08:00", "stop": "20:00"}]}}}"#,
                )
                .unwrap(),
            ),
            tag_schedules: TagSchedules::Stop,
            schedule_tag: "sched".to_owned(),
            skip_until_tag: "until".to_owned(),
            window: SignedDuration::from_mins(30),
            ces_delay: SignedDuration::from_mins(10),
        }
    }

    fn graph(id: &str, tags: &[(&str, &str)]) -> ListedGraph {
        ListedGraph {
            project_id: "p0".parse().unwrap(),
            graph_id: id.parse().unwrap(),
            name: Some(id.to_owned()),
            tags: tags
                .iter()
                .map(|(key, value)| Tag {
                    key: (*key).to_owned(),
                    value: Some((*value).to_owned()),
                })
                .collect(),
            size: Some(GraphSizeTypeIndex::MillionEdges),
            replicas: NonZeroU32::new(3),
            database_edition: false,
        }
    }

    #[test]
    fn a_graph_stopped_only_when_idle_has_no_planned_hours_and_says_so() {
        let mut scheduling = scheduling();
        scheduling.schedules = Some(
            Schedules::from_json(
                r#"{"schedules": {"day": {"timezone": "UTC", "stop_when_idle": "2h",
                "skip_dates": ["2026-03-03"]}}}"#,
            )
            .unwrap(),
        );
        let policy = Policy {
            allowed_graphs: None,
            allowed_projects: None::<BTreeSet<_>>,
            opt_out_tag: "skip=true".parse().unwrap(),
        };
        let range = DateRange::new(date(2026, 3, 2), date(2026, 3, 3)).unwrap();
        let savings = estimate(
            &scheduling,
            &BTreeMap::new(),
            &policy,
            None,
            range,
            &[graph("a", &[("sched", "day")])],
        );
        let entry = &savings.graphs[0];
        // Only the skip date, 2026-03-03, counts.
        assert_eq!(entry.stopped.map(rounded_hours), Some(24.0));
        assert!(
            entry
                .reason
                .as_deref()
                .is_some_and(|why| why.contains("only when idle")),
            "{:?}",
            entry.reason
        );
    }

    #[test]
    fn each_graph_counts_or_says_why_not() {
        let policy = Policy {
            allowed_graphs: Some(
                ["a", "b", "c", "d", "e"]
                    .iter()
                    .map(|id| id.parse().unwrap())
                    .collect(),
            ),
            allowed_projects: None::<BTreeSet<_>>,
            opt_out_tag: "skip=true".parse().unwrap(),
        };
        let prices =
            PriceTable::from_json(r#"{"currency": "EUR", "per_hour": {"1": 0.5}}"#).unwrap();
        let mut unknown_size = graph("c", &[("sched", "day")]);
        unknown_size.size = Some(GraphSizeTypeIndex::from("402"));
        let mut no_replicas = graph("d", &[("sched", "day")]);
        no_replicas.replicas = None;
        let graphs = [
            graph("a", &[("sched", "day")]),
            graph("b", &[("sched", "day"), ("until", "next tuesday")]),
            unknown_size,
            no_replicas,
            graph(
                "e",
                &[("sched", " day "), ("until", "2026-03-03T20:00:00Z")],
            ),
            graph("f", &[("sched", "day")]),
        ];
        // Two days, 2026-03-02 and 03: 24 hours stopped of 48.
        let range = DateRange::new(date(2026, 3, 2), date(2026, 3, 3)).unwrap();
        let savings = estimate(
            &scheduling(),
            &BTreeMap::new(),
            &policy,
            Some(&prices),
            range,
            &graphs,
        );
        let shown: Vec<(Option<f64>, Option<String>, Option<&str>)> = savings
            .graphs
            .iter()
            .map(|graph| {
                (
                    graph.stopped.map(rounded_hours),
                    graph.amount.map(|a| a.round(Currency::EUR).to_string()),
                    graph
                        .reason
                        .as_deref()
                        .map(|r| r.split(':').next().unwrap_or(r)),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                // 24 hours x 3 replicas x 0.50.
                (Some(24.0), Some("36.00".to_owned()), None),
                (
                    None,
                    None,
                    Some("the tag until does not parse, so no schedule acts on it")
                ),
                (
                    Some(24.0),
                    None,
                    Some(
                        "GES listed its size as \"402\", which this contract does not know, so no price applies"
                    )
                ),
                (
                    Some(24.0),
                    None,
                    Some("GES listed a replica count below 1, so no price applies")
                ),
                // Counted from 20:00 on the 3rd: 4 hours.
                (
                    Some(4.0),
                    Some("6.00".to_owned()),
                    Some("kept out of its schedule by the tag until until 2026-03-03T20")
                ),
                (
                    None,
                    None,
                    Some("not in GES_ALLOWED_GRAPH_IDS / GES_ALLOWED_PROJECT_IDS")
                ),
            ]
        );
        assert_eq!(savings.schedules.len(), 1);
        assert_eq!(savings.schedules[0].graphs, 4);
        assert_eq!(savings.schedules[0].priced, 2);
        assert_eq!(savings.stopped, SignedDuration::from_hours(76));
        assert_eq!(
            savings.amount.map(|a| a.round(Currency::EUR).to_string()),
            Some("42.00".to_owned())
        );
    }

    /// Compact schedules count as the reconcile reads them: once per value, by value,
    /// a starts form refused under the default, a document's name winning.
    #[test]
    fn compact_schedules_in_tags_are_counted_as_a_reconcile_reads_them() {
        let policy = Policy {
            allowed_graphs: None,
            allowed_projects: None::<BTreeSet<_>>,
            opt_out_tag: "skip=true".parse().unwrap(),
        };
        let graphs = [
            // 20:00 to 08:00 stopped, each of two days: 24 hours.
            graph("a", &[("sched", "mon-sun_0800-2000_UTC")]),
            graph("b", &[("sched", "mon-sun_0800-2000_UTC")]),
            graph("c", &[("sched", "start_mon-sun_0800-2000_UTC")]),
            graph("d", &[("sched", "mon-sun_0800-2000_Mars.Olympus")]),
            graph("e", &[("sched", "day")]),
        ];
        let range = DateRange::new(date(2026, 3, 2), date(2026, 3, 3)).unwrap();
        let savings = estimate(
            &scheduling(),
            &BTreeMap::new(),
            &policy,
            None,
            range,
            &graphs,
        );
        let stopped: Vec<Option<f64>> = savings
            .graphs
            .iter()
            .map(|graph| graph.stopped.map(rounded_hours))
            .collect();
        assert_eq!(stopped, [Some(24.0), Some(24.0), None, None, Some(24.0)]);
        let reason = |n: usize| savings.graphs[n].reason.clone().unwrap_or_default();
        assert!(
            reason(2).contains("GES_TAG_SCHEDULES=stop does not allow"),
            "{}",
            reason(2)
        );
        assert!(
            reason(3).contains("\"Mars.Olympus\" is not an IANA"),
            "{}",
            reason(3)
        );
        let names: Vec<(&str, usize)> = savings
            .schedules
            .iter()
            .map(|schedule| (schedule.schedule.as_str(), schedule.graphs))
            .collect();
        assert_eq!(names, [("day", 1), ("mon-sun_0800-2000_UTC", 2)]);
    }
}
