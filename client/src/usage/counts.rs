//! What Cloud Eye said about one graph's window: the minutes it has a datapoint for and
//! their request counts, and what a caller may conclude from them.
//!
//! GES reports a graph's requests to Cloud Eye only while the graph runs (GES user
//! guide, "Monitoring Clusters Using Cloud Eye"), and a running graph that served no
//! request may report `0` or nothing. So a window in which every minute has a
//! datapoint, all `0`, shows both that the graph ran throughout and that nobody used
//! it; a count above `0` shows use whatever else is missing; anything else (minutes
//! without a datapoint, none at all) is not known.

use std::collections::BTreeMap;

use ges_api::types::GraphId;

use crate::usage::window::Window;

/// One graph's request counts over a window: a count for each minute Cloud Eye has a
/// datapoint for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphUsage {
    graph_id: GraphId,
    window: Window,
    /// Minute of the window -> requests in it; only minutes with a datapoint.
    counts: BTreeMap<u32, u64>,
}

/// What a window's counts show about a graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// Every minute of the window has a datapoint, and all are `0`: the graph ran
    /// throughout and served no request.
    Idle,
    /// The graph served this many requests in the minutes that have a datapoint (at
    /// least one).
    Busy {
        /// Requests counted.
        requests: u64,
    },
    /// No request was counted, but not every minute has a datapoint: the graph may not
    /// have run throughout, or Cloud Eye may not have the data yet.
    Unknown {
        /// Minutes with a datapoint.
        reported: u32,
        /// Minutes in the window.
        minutes: u32,
    },
}

impl GraphUsage {
    /// A graph's window with no datapoint yet.
    pub(crate) fn empty(graph_id: GraphId, window: Window) -> Self {
        Self {
            graph_id,
            window,
            counts: BTreeMap::new(),
        }
    }

    /// Records a minute's count; `false` if the minute already had one.
    pub(crate) fn record(&mut self, minute: u32, requests: u64) -> bool {
        self.counts.insert(minute, requests).is_none()
    }

    /// The graph.
    pub fn graph_id(&self) -> &GraphId {
        &self.graph_id
    }

    /// The window read.
    pub fn window(&self) -> Window {
        self.window
    }

    /// How many minutes of the window have a datapoint.
    pub fn reported_minutes(&self) -> u32 {
        // At most the window's minutes, which fit in u32.
        u32::try_from(self.counts.len()).unwrap_or(u32::MAX)
    }

    /// The requests counted over the minutes with a datapoint.
    pub fn requests(&self) -> u64 {
        self.counts
            .values()
            .fold(0u64, |sum, count| sum.saturating_add(*count))
    }

    /// Each minute with a datapoint (counted from the window's start) and its count,
    /// in order.
    pub fn minutes(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.counts.iter().map(|(minute, count)| (*minute, *count))
    }

    /// What the counts show: see [`Usage`].
    pub fn usage(&self) -> Usage {
        let requests = self.requests();
        if requests > 0 {
            return Usage::Busy { requests };
        }
        let reported = self.reported_minutes();
        if reported == self.window.minutes() {
            Usage::Idle
        } else {
            Usage::Unknown {
                reported,
                minutes: self.window.minutes(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use super::*;

    fn window(minutes: i64) -> Window {
        let at = |ms: i64| OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000);
        Window::new(at(0).unwrap(), at(minutes * 60_000).unwrap()).unwrap()
    }

    #[test]
    fn all_minutes_zero_is_idle_any_count_is_busy_and_gaps_are_not_known() {
        let graph: GraphId = "g".parse().unwrap();
        let mut usage = GraphUsage::empty(graph, window(3));
        assert_eq!(
            usage.usage(),
            Usage::Unknown {
                reported: 0,
                minutes: 3
            }
        );
        assert!(usage.record(0, 0));
        assert!(usage.record(2, 0));
        assert!(!usage.record(2, 0));
        assert_eq!(
            usage.usage(),
            Usage::Unknown {
                reported: 2,
                minutes: 3
            }
        );
        usage.record(1, 0);
        assert_eq!(usage.usage(), Usage::Idle);
        usage.record(1, 12);
        assert_eq!(usage.usage(), Usage::Busy { requests: 12 });
        assert_eq!(
            usage.minutes().collect::<Vec<_>>(),
            [(0, 0), (1, 12), (2, 0)]
        );
    }
}
