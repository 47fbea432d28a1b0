//! GES itself: one HTTP client for every generated GES operation (`client.rs`), a change
//! sent to one graph (stop, start, or a stop's preview: `change.rs`), waiting for a stop
//! job to end (`wait.rs`), what became of each graph (`report.rs`) and why a call about a
//! graph failed, with what GES said (`error.rs`).

pub(crate) mod change;
pub(crate) mod client;
pub(crate) mod error;
pub(crate) mod report;
pub(crate) mod wait;

pub use change::{NOT_RUNNING, preview_stop, start_graph, stop_graph};
pub use client::{ClientError, ClientErrorKind, GesClient, MAX_RESPONSE_BYTES};
pub use error::{GesError, GraphError};
pub use report::{Change, GraphReport, GraphTarget, Outcome};
