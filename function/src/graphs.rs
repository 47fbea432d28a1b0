//! Which graphs a run acts on: the one idea that an event, the configuration and the
//! handler share. A leaf module: events produce it, settings hold the configured one,
//! the handler resolves it; it knows none of them.

use ges_api::types::GraphId;
use ges_client::selector::Selector;

/// The graphs a run means. Where it is optional (an event that names none, a deployment
/// that configures none), absent means the configured set, or nothing configured.
/// A new way of choosing graphs (a schedule's selection, say) is a new variant.
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
}
