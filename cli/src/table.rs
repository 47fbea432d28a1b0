//! The answer as a table for a person: one graph a line, columns aligned by `tabwriter`
//! (elastic tabstops, a small crate whose only dependency, unicode-width, the lockfile
//! had already), then the counts.

use std::io::Write;

use serde_json::Value;
use tabwriter::TabWriter;

use ges_api::types::GraphId;
use ges_client::fleet::ScheduleFacts;
use ges_client::fleet::describe;
use ges_client::ges::GraphError;
use ges_client::ges::GraphReport;
use ges_client::run::{Answer, Summary};

/// Which table: what a stop did, or what a listing found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    /// Each graph's outcome, job and what to know of it.
    Stop,
    /// Each graph's status, tags, and what a stop would do to it.
    List,
    /// Each scheduled graph's schedule, what it wants, and what was done.
    Reconcile,
}

/// One graph's line: what the answer says of it.
struct Row<'a> {
    graph_id: &'a GraphId,
    name: Option<&'a str>,
    tags: Option<&'a [(String, String)]>,
    schedule: Option<&'a ScheduleFacts>,
    outcome: Result<&'a GraphReport, &'a GraphError>,
}

/// Writes the answer as the `view`'s table.
pub(crate) fn write(out: &mut impl Write, answer: &Answer, view: View) -> std::io::Result<()> {
    let (rows, summary): (Vec<Row<'_>>, Option<&Summary>) = match answer {
        Answer::Single(report) => (
            vec![Row {
                graph_id: &report.graph_id,
                name: None,
                tags: None,
                schedule: None,
                outcome: Ok(report),
            }],
            None,
        ),
        Answer::Batch(batch) => (
            batch
                .results
                .iter()
                .map(|entry| Row {
                    graph_id: &entry.target.graph_id,
                    name: entry.facts.name.as_deref(),
                    tags: entry.facts.tags.as_deref(),
                    schedule: entry.facts.schedule.as_ref(),
                    outcome: entry.outcome.as_ref(),
                })
                .collect(),
            Some(&batch.summary),
        ),
    };
    if let Answer::Batch(batch) = answer
        && let Some(at) = &batch.at
    {
        writeln!(out, "the schedules at {}", at.0)?;
    }
    if rows.is_empty() {
        writeln!(out, "no graph selected")?;
    } else {
        let mut table = TabWriter::new(&mut *out).padding(2);
        let header = match view {
            View::Stop => "GRAPH\tNAME\tOUTCOME\tJOB\tDETAIL",
            View::List => "NAME\tGRAPH\tSTATUS\tTAGS\tA STOP\tWHY",
            View::Reconcile => "GRAPH\tNAME\tSCHEDULE\tWANTS\tOUTCOME\tJOB\tDETAIL",
        };
        writeln!(table, "{header}")?;
        for row in &rows {
            let cells = match view {
                View::Stop => stop_cells(row).to_vec(),
                View::List => list_cells(row).to_vec(),
                View::Reconcile => reconcile_cells(row),
            };
            let cells: Vec<String> = cells.iter().map(|cell| shown(cell)).collect();
            writeln!(table, "{}", cells.join("\t"))?;
        }
        table.flush()?;
    }
    if let Some(summary) = summary {
        writeln!(out, "{}", counts(summary))?;
    }
    Ok(())
}

fn stop_cells(row: &Row<'_>) -> [String; 5] {
    let name = row.name.unwrap_or("-").to_owned();
    match row.outcome {
        Ok(report) => {
            let job = report
                .job_id
                .as_ref()
                .map_or_else(|| "-".to_owned(), |job| job.to_string());
            let detail = match (&report.job_status, &report.reason) {
                (_, Some(reason)) => reason.clone(),
                (Some(status), None) => {
                    format!("the job was {} at the last look", status.as_str())
                }
                (None, None) => String::new(),
            };
            [
                row.graph_id.to_string(),
                name,
                report.outcome.as_str().to_owned(),
                job,
                detail,
            ]
        }
        Err(error) => [
            row.graph_id.to_string(),
            name,
            "failed".to_owned(),
            "-".to_owned(),
            format!("{}: {error}", error.kind().name()),
        ],
    }
}

/// A stop's cells, with the graph's schedule and what it wants after its name.
fn reconcile_cells(row: &Row<'_>) -> Vec<String> {
    let [graph, name, rest @ ..] = stop_cells(row);
    let schedule = row.schedule.map_or("-", |facts| facts.name.as_str());
    let wants = row
        .schedule
        .and_then(|facts| facts.desired)
        .map_or("-", |desired| desired.as_str());
    [graph, name, schedule.to_owned(), wants.to_owned()]
        .into_iter()
        .chain(rest)
        .collect()
}

fn list_cells(row: &Row<'_>) -> [String; 6] {
    let tags = row.tags.map_or_else(String::new, |tags| {
        tags.iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect::<Vec<_>>()
            .join(",")
    });
    let name = row.name.unwrap_or("-").to_owned();
    match row.outcome {
        Ok(report) => [
            name,
            row.graph_id.to_string(),
            report
                .graph_status
                .as_ref()
                .map_or_else(|| "-".to_owned(), describe),
            tags,
            report.outcome.as_str().to_owned(),
            report.reason.clone().unwrap_or_default(),
        ],
        Err(error) => [
            name,
            row.graph_id.to_string(),
            "-".to_owned(),
            tags,
            "failed".to_owned(),
            format!("{}: {error}", error.kind().name()),
        ],
    }
}

/// A cell as a terminal may show it: GES names, tags and messages are not ours, so a
/// control character (an escape sequence, a tab that would break the columns) is
/// written escaped.
pub(crate) fn shown(cell: &str) -> String {
    cell.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// "3 graphs: 1 already_stopped, 1 skipped, 1 stopping": the answer's counts that are
/// not zero, by the answer's own names (in their JSON's order).
fn counts(summary: &Summary) -> String {
    let counted = match serde_json::to_value(summary) {
        Ok(Value::Object(counts)) => counts
            .into_iter()
            .filter(|(key, count)| key != "selected" && count.as_u64().is_some_and(|n| n > 0))
            .map(|(key, count)| format!("{count} {key}"))
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    let graphs = match summary.selected {
        1 => "1 graph".to_owned(),
        n => format!("{n} graphs"),
    };
    if counted.is_empty() {
        graphs
    } else {
        format!("{graphs}: {}", counted.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(shown("dev\tetl\u{1b}[31m"), "dev\\tetl\\u{1b}[31m");
        assert_eq!(shown("plain-name_1"), "plain-name_1");
    }

    #[test]
    fn counts_name_only_what_happened() {
        let summary = Summary {
            selected: 3,
            stopping: 2,
            failed: 1,
            ..Summary::default()
        };
        assert_eq!(counts(&summary), "3 graphs: 1 failed, 2 stopping");
        assert_eq!(counts(&Summary::default()), "0 graphs");
    }
}
