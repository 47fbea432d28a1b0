//! FunctionGraph's timer trigger: `{"version", "time", "trigger_type": "TIMER",
//! "trigger_name", "user_event"}`, all strings. The timer's "additional information" is
//! its `user_event` (Huawei, "Using a Timer Trigger", functiongraph_01_0207; a string
//! under 2 KB, empty by default: the AOS element FGS.TimerEventMap). Empty, the timer
//! runs the default, as a classic schedule does on Lambda: a reconcile at the timer's
//! `time` where schedules are configured, else the configured graphs
//! (`GES_GRAPH_IDS`/`GES_SELECTORS`). Otherwise it holds our event, run as a direct
//! invocation would be; a reconcile in it is evaluated at the timer's `time` unless it
//! gives its own `at` (the runner bounds how far from now an `at` may be).

use ges_client::input::{Excerpt, brief};
use ges_client::run::event::{self, REASON_LIMIT};
use ges_client::run::{Graphs, RunRequest, Scheduled};
use jiff::Timestamp;
use serde_json::{Map, Value};

use super::error::{EventError, EventPart};
use super::fields::{carried, string};
use super::request::{Defaults, Run};

/// The one trigger type this reader serves.
const TIMER: &str = "TIMER";

/// Reads a timer event.
pub(super) fn read(object: &Map<String, Value>, defaults: Defaults) -> Result<Run, EventError> {
    let part = EventPart::Timer;
    let trigger_type = string(object, "trigger_type", part)?;
    if trigger_type != TIMER {
        return Err(EventError::UnsupportedTrigger {
            found: Excerpt::of(trigger_type),
        });
    }
    let time_text = string(object, "time", part)?;
    let time = time_text
        .parse::<Timestamp>()
        .map_err(|error| EventError::InvalidTime {
            part,
            value: Excerpt::of(time_text),
            reason: brief(&error.to_string(), REASON_LIMIT),
        })?;
    let user_event = string(object, "user_event", part)?;
    let request = if user_event.trim().is_empty() {
        RunRequest {
            graphs: defaults.schedules.then(|| {
                Graphs::Scheduled(Scheduled {
                    selectors: Vec::new(),
                    at: Some(time),
                })
            }),
            ..RunRequest::default()
        }
    } else {
        let part = EventPart::UserEvent;
        let mut request =
            event::parse(&carried(user_event, part)?).map_err(|error| EventError::Shape {
                part,
                error: Box::new(error),
            })?;
        if let Some(Graphs::Scheduled(scheduled)) = &mut request.graphs {
            scheduled.at.get_or_insert(time);
        }
        request
    };
    Ok(Run {
        message_id: None,
        request,
    })
}
