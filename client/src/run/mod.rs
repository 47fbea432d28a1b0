//! One run, whoever asks for it: what every front door (the Lambda function, the command
//! line, any runtime after them) builds, runs and reports, so that none of them holds
//! the run itself.
//!
//! - [`RunRequest`] (`request.rs`): which graphs, and how; a leaf.
//! - [`load`], [`Settings`] (`settings.rs`): the environment read into a run's
//!   configuration and settings, once.
//! - [`Runner`] (`runner.rs`): the run, under a [`Deadline`] (`deadline.rs`) taken from
//!   an `Instant`, watched by a [`Progress`] (`progress.rs`).
//! - [`event`]: our own event shape (`graph_id(s)`, `selector(s)`, `reconcile`, `at`, ...)
//!   read into a [`RunRequest`], whichever envelope carried it; [`ShapeError`] says which
//!   field is wrong.
//! - [`Answer`] (`report.rs`): what it reports; [`RunError`] (`error.rs`): why it reached
//!   no outcome, of an [`ErrorType`] whose HTTP status `status.rs` holds.
//! - `reconcile.rs`: what a reconcile decides for each scheduled graph.
//! - [`Refused`], [`StartError`] (`refusal.rs`): what every front door says of an event
//!   it cannot serve, and of a start it cannot make.
//! - [`TagSchedules`], [`Scheduling::resolve`] (`tag_schedules.rs`): what a schedule tag's
//!   value stands for, a document's schedule or a compact one, or why neither.
//! - `usage_checks.rs`: the Cloud Eye reads a reconcile's idle and busy checks wait on.
//! - `at_bound.rs`: how far from now a reconcile that acts may be evaluated.
//! - [`route`] (`routes.rs`): what an HTTP request's path asks of a run, whichever
//!   gateway delivered it; [`http_request`]: the whole request (method, path, body) read
//!   into a [`RunRequest`]; [`http_answer`] (`http_answer.rs`): the status, headers and
//!   body an HTTP caller gets, before a gateway's shape.

mod at_bound;
mod calendars;
mod deadline;
mod error;
pub mod event;
mod http_answer;
pub mod http_request;
mod progress;
pub(crate) mod reconcile;
mod refusal;
mod report;
mod request;
mod routes;
mod runner;
mod scheduling;
mod settings;
mod status;
pub(crate) mod tag_schedules;
mod usage_checks;

pub use at_bound::{AtOutOfBounds, MAX_AHEAD, MAX_EVENT_AGE_MINUTES, MaxEventAge, Side};
pub use calendars::{Merges, merged as merged_calendars};
pub use deadline::{Deadline, REPORT_MARGIN};
pub use error::RunError;
pub use event::{Field, ShapeError};
pub use http_answer::{HttpAnswer, HttpOutcome, http_answer};
pub use http_request::{HttpPlace, HttpRequest, HttpRequestError};
pub use progress::Progress;
pub use reconcile::{
    DEFAULT_CES_DELAY_MINUTES, DEFAULT_SCHEDULE_TAG, DEFAULT_SKIP_UNTIL_TAG,
    DEFAULT_WINDOW_MINUTES, Decision, MAX_CES_DELAY_MINUTES, Reconcile, UsageCheck,
};
pub use refusal::{Refused, StartError};
pub use report::{Answer, BatchAnswer, BatchEntry, ErrorDetail, Rfc3339, Summary};
pub use request::{Graphs, MAX_GRAPHS_PER_EVENT, RunCredentials, RunRequest, Scheduled};
pub use routes::{GraphRoute, METHOD, Route, route};
pub use runner::{Clock, Runner};
pub use scheduling::{Scheduling, TagSchedules};
pub use settings::{
    DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_GRAPHS, DEFAULT_WAIT_TIMEOUT, MAX_CONCURRENCY,
    MAX_RECONCILE_INTERVAL_MINUTES, Settings, load,
};
pub use status::ErrorType;
pub use tag_schedules::{MAX_COMPACT_SCHEDULES, TagRefusal, TagRefusalKind, TagSchedule};
