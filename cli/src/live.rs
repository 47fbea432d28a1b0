//! `--wait` at a terminal: a line on stderr each time a graph's stop job changes status,
//! and when each graph's part of the run ends, while the table waits for the whole run.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;

use ges_api::types::{GraphId, JobId, JobStatus};
use ges_client::ges::GraphTarget;
use ges_client::run::{BatchEntry, Progress};

/// Prints the progress of a run as live lines.
#[derive(Debug, Default)]
pub(crate) struct LiveLines {
    /// Each graph's job status at the last look, so that a line says only a change.
    last: Mutex<HashMap<GraphId, JobStatus>>,
}

impl Progress for LiveLines {
    fn job(&self, target: &GraphTarget, job_id: &JobId, status: &JobStatus) {
        let changed = match self.last.lock() {
            Ok(mut last) => {
                last.insert(target.graph_id.clone(), status.clone()) != Some(status.clone())
            }
            Err(_) => true,
        };
        if changed {
            line(format_args!(
                "{}  job {job_id}  {}",
                target.graph_id,
                status.as_str()
            ));
        }
    }

    fn done(&self, entry: &BatchEntry) {
        match &entry.outcome {
            Ok(report) => line(format_args!(
                "{}  {}",
                entry.target.graph_id,
                report.outcome.as_str()
            )),
            Err(error) => line(format_args!(
                "{}  failed ({})",
                entry.target.graph_id,
                error.kind().name()
            )),
        }
    }
}

/// One line on stderr; a terminal that went away is no reason to stop the run.
fn line(text: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}
