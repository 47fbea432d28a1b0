//! What an event asks for, once read: the [`Invocation`], its [`Trigger`] and its
//! [`Run`]s; and the [`Defaults`] a timer that names nothing runs. A leaf: the readers
//! of each shape build these, and it uses none of them.

use ges_client::input::Excerpt;
use ges_client::run::RunRequest;

/// What one invocation asks for, whatever shape it came in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// Who invoked the function, which decides the form of the answer.
    pub trigger: Trigger,
    /// The runs, in order: one, except for an SMN event of several records.
    pub runs: Vec<Run>,
}

/// One run an invocation asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The SMN message that carried it, for its log lines.
    pub message_id: Option<Excerpt>,
    /// What to run.
    pub request: RunRequest,
}

impl Run {
    pub(super) fn alone(request: RunRequest) -> Self {
        Self {
            message_id: None,
            request,
        }
    }
}

/// The kind of caller, detected from the event's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// A direct invocation with our event.
    Direct,
    /// A timer trigger.
    Timer,
    /// An APIG trigger: it gets an HTTP answer, whatever happened.
    Apig,
    /// An SMN trigger.
    Smn,
}

/// What the configuration says of a timer that names no graph: whether its run is a
/// reconcile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Defaults {
    /// A schedules document is configured (`GES_SCHEDULES` or `GES_SCHEDULES_FILE`), or
    /// tag schedules are on and no `GES_GRAPH_IDS`/`GES_SELECTORS` is
    /// (`Settings::timer_reconciles`).
    pub schedules: bool,
}
