//! Which graphs a run acts on: the one idea that an event, the configuration and the
//! handler share. A leaf module: events produce it, settings hold the configured one,
//! the handler resolves it; it knows none of them.

use ges_api::types::GraphId;
use ges_client::selector::Selector;
use jiff::Timestamp;

/// The graphs a run means. Where it is optional (an event that names none, a deployment
/// that configures none), absent means the configured set, or nothing configured.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Graphs {
    /// These graphs, by ID: at least one, at most
    /// [`MAX_GRAPHS_PER_EVENT`](crate::event::MAX_GRAPHS_PER_EVENT), each once, in the
    /// order first named.
    Named(Vec<GraphId>),
    /// The graphs that match any of these selectors: at least one selector, at most
    /// [`MAX_SELECTORS`](ges_client::selector::MAX_SELECTORS).
    Selected(Vec<Selector>),
    /// The graphs that follow a schedule (by their schedule tag), brought to the state
    /// their schedule wants: a reconcile.
    Scheduled(Scheduled),
}

/// A reconcile: which scheduled graphs, and when to evaluate their schedules at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    /// Only the scheduled graphs these select; empty means every scheduled graph of the
    /// project.
    pub selectors: Vec<Selector>,
    /// The instant to evaluate the schedules at, when the event gives one (a late
    /// invocation acts on the time it was meant for; a dry run asks "what then?"); else
    /// now.
    pub at: Option<Timestamp>,
}
