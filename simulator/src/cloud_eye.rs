//! Cloud Eye's data about GES graphs, and the rules by which Cloud Eye reads it out.
//!
//! The data is what tests set: a request count per graph and minute
//! ([`crate::RunningSimulator::set_requests`]); nothing is invented. A minute has a
//! datapoint only when the graph was running (or importing, exporting, clearing)
//! throughout it and the minute is over: GES reports a graph's requests only while it
//! runs, and Cloud Eye shows nothing for stopped or faulty graphs (GES user guide,
//! "Monitoring Clusters Using Cloud Eye"). A running minute without a count set is `0`,
//! or, with [`IdleMinutes::Absent`], no datapoint at all: the two behaviours a client
//! must both cope with.
//!
//! The read follows Cloud Eye's batch query (api-ces ces_03_0034): at most
//! [`MAX_METRICS`] metrics; past [`MAX_DATAPOINTS`] datapoints (metrics x window /
//! interval) `from` is moved forward silently; `from` is rounded down to the period;
//! each datapoint carries the statistic `filter` names over its period, stamped with
//! the period's start.

use std::collections::{BTreeMap, HashMap};

use ges_api::ces::{Datapoint, Filter, MAX_DATAPOINTS, MINUTE_MS, Period};
use ges_api::types::GraphId;

/// What Cloud Eye reports for a minute in which a running graph served no request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdleMinutes {
    /// A datapoint of `0`.
    #[default]
    Zero,
    /// No datapoint, as for a minute in which the graph did not run.
    Absent,
}

/// The request counts tests set, and how idle minutes read.
#[derive(Debug, Default)]
pub(crate) struct RequestCounts {
    counts: HashMap<GraphId, BTreeMap<i64, u64>>,
    idle: IdleMinutes,
}

impl RequestCounts {
    /// Sets a graph's count for the minute holding `at_ms` (UNIX time in ms).
    pub(crate) fn set(&mut self, graph: GraphId, at_ms: i64, count: u64) {
        self.counts
            .entry(graph)
            .or_default()
            .insert(minute_of(at_ms), count);
    }

    pub(crate) fn set_idle(&mut self, idle: IdleMinutes) {
        self.idle = idle;
    }

    /// What a minute in which the graph ran reads as: its count, or what an idle
    /// minute reads as.
    pub(crate) fn reading(&self, graph: &GraphId, minute_ms: i64) -> Option<u64> {
        let count = self
            .counts
            .get(graph)
            .and_then(|minutes| minutes.get(&minute_ms))
            .copied()
            .unwrap_or(0);
        match (count, self.idle) {
            (0, IdleMinutes::Absent) => None,
            (count, _) => Some(count),
        }
    }
}

/// The start of the minute holding `at_ms`.
pub(crate) fn minute_of(at_ms: i64) -> i64 {
    at_ms.saturating_sub(at_ms.rem_euclid(MINUTE_MS))
}

/// The interval between datapoints of a period, in ms: 60,000 for the raw period `1`
/// (one point a minute), else the period's seconds; `None` for a period Cloud Eye does
/// not have.
pub(crate) fn interval_ms(period: &Period) -> Option<i64> {
    Some(match period {
        Period::Raw => MINUTE_MS,
        Period::FiveMinutes => 300_000,
        Period::TwentyMinutes => 1_200_000,
        Period::OneHour => 3_600_000,
        Period::FourHours => 14_400_000,
        Period::OneDay => 86_400_000,
        Period::Unknown(_) => return None,
    })
}

/// The `from` Cloud Eye reads from: moved forward, without a word, so that `metrics` x
/// (to - from) / interval stays within [`MAX_DATAPOINTS`], then rounded down to the
/// interval. `metrics` and `interval` are positive; `from` is before `to`.
pub(crate) fn effective_from(from: i64, to: i64, interval: i64, metrics: usize) -> i64 {
    let metrics = i64::try_from(metrics.max(1)).unwrap_or(i64::MAX);
    let longest = i64::from(MAX_DATAPOINTS).saturating_mul(interval) / metrics;
    let from = if to.saturating_sub(from) > longest {
        to - longest
    } else {
        from
    };
    // Saturating: a `from` near the smallest i64 a client may send stays a number.
    from.saturating_sub(from.rem_euclid(interval))
}

/// One metric's datapoints over `[from, to)`: one per interval that holds at least one
/// minute with a reading (`minute` gives it, or `None`), carrying `filter` over them.
/// Minutes at or after `now_ms` are not over and read as nothing.
pub(crate) fn datapoints(
    from: i64,
    to: i64,
    interval: i64,
    now_ms: i64,
    filter: &Filter,
    minute: impl Fn(i64) -> Option<u64>,
) -> Vec<Datapoint> {
    let mut points = Vec::new();
    let mut start = from;
    // At most MAX_DATAPOINTS periods (effective_from saw to that), each of at most a
    // day's minutes.
    while start < to && start < now_ms {
        let end = start.saturating_add(interval).min(to);
        let mut values = Vec::new();
        let mut at = minute_of(start);
        while at < end {
            if at >= start
                && at + MINUTE_MS <= now_ms
                && let Some(value) = minute(at)
            {
                values.push(value as f64);
            }
            at += MINUTE_MS;
        }
        if let Some(point) = statistic(filter, &values, start) {
            points.push(point);
        }
        start = start.saturating_add(interval);
    }
    points
}

/// The datapoint stamped `timestamp` carrying `filter` over `values`; none without
/// values (or for a filter Cloud Eye does not have).
fn statistic(filter: &Filter, values: &[f64], timestamp: i64) -> Option<Datapoint> {
    if values.is_empty() {
        return None;
    }
    let count = values.len() as f64;
    let sum: f64 = values.iter().sum();
    let average = sum / count;
    let mut point = Datapoint {
        average: None,
        max: None,
        min: None,
        sum: None,
        variance: None,
        timestamp,
    };
    match filter {
        Filter::Average => point.average = Some(average),
        Filter::Sum => point.sum = Some(sum),
        Filter::Max => point.max = values.iter().copied().reduce(f64::max),
        Filter::Min => point.min = values.iter().copied().reduce(f64::min),
        Filter::Variance => {
            point.variance =
                Some(values.iter().map(|v| (v - average).powi(2)).sum::<f64>() / count);
        }
        Filter::Unknown(_) => return None,
    }
    Some(point)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_is_moved_forward_past_the_datapoint_limit_then_rounded_down() {
        // The page's example: 300 metrics a minute apart read at most 600,000 ms.
        assert_eq!(
            effective_from(0, 600 * MINUTE_MS, MINUTE_MS, 300),
            600 * MINUTE_MS - 600_000
        );
        assert_eq!(effective_from(10_000, 610_000, MINUTE_MS, 300), 0);
        assert_eq!(effective_from(130_000, 400_000, MINUTE_MS, 1), 120_000);
        assert_eq!(effective_from(0, 3000 * MINUTE_MS, MINUTE_MS, 1), 0);
        assert_eq!(effective_from(0, 3001 * MINUTE_MS, MINUTE_MS, 1), MINUTE_MS);
    }

    #[test]
    fn datapoints_carry_the_filter_over_the_minutes_with_readings() {
        let minute = |at: i64| match at / MINUTE_MS {
            0 => Some(1),
            1 => None,
            2 => Some(5),
            n if n < 5 => Some(0),
            _ => Some(9),
        };
        let five = 5 * MINUTE_MS;
        let points = datapoints(0, 2 * five, five, i64::MAX, &Filter::Sum, minute);
        assert_eq!(points.len(), 2);
        assert_eq!((points[0].timestamp, points[0].sum), (0, Some(6.0)));
        assert_eq!((points[1].timestamp, points[1].sum), (five, Some(45.0)));
        let max = datapoints(0, five, five, i64::MAX, &Filter::Max, minute);
        assert_eq!(max[0].max, Some(5.0));
        let raw = datapoints(0, five, MINUTE_MS, i64::MAX, &Filter::Average, minute);
        let stamps: Vec<i64> = raw.iter().map(|p| p.timestamp / MINUTE_MS).collect();
        assert_eq!(stamps, [0, 2, 3, 4]);
        // Minutes not over yet read as nothing.
        let early = datapoints(0, five, MINUTE_MS, 2 * MINUTE_MS + 1, &Filter::Sum, minute);
        assert_eq!(early.len(), 1);
    }

    #[test]
    fn idle_minutes_read_as_zero_or_as_nothing() {
        let graph: GraphId = "g".parse().unwrap();
        let mut counts = RequestCounts::default();
        counts.set(graph.clone(), 90_000, 7);
        assert_eq!(counts.reading(&graph, 60_000), Some(7));
        assert_eq!(counts.reading(&graph, 0), Some(0));
        counts.set_idle(IdleMinutes::Absent);
        assert_eq!(counts.reading(&graph, 0), None);
        assert_eq!(counts.reading(&graph, 60_000), Some(7));
    }
}
