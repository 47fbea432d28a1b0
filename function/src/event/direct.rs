//! The direct shape: `{"graph_id": "G"}`, `{"graph_ids": ["G1", ...]}`, or selectors
//! (`{"selector": {...}}` or `{"selectors": [{...}, ...]}`, see [`super::selector`]), with
//! optional `"project_id"`, `"wait"`, `"dry_run"` and, for selectors, `"max_graphs"`; or a
//! reconcile, `{"reconcile": true}` with optional `"at"`, selectors, `"project_id"`,
//! `"dry_run"` and `"max_graphs"`. A direct invoke and EventBridge Scheduler send
//! it as the whole payload; an EventBridge event carries it as `detail` and a CloudEvent
//! as `data`.
//!
//! Read by hand rather than derived, so that each refusal names its field: an unknown
//! field (a typo such as `grahp_id` must not quietly mean "no graph"), a wrong JSON type,
//! or an id that breaks the id rules, with its index in `graph_ids`.

use std::collections::HashSet;

use ges_api::types::{GraphId, ProjectId};
use ges_client::fleet::selector::{self, MAX_SELECTORS, Selector};
use ges_client::input::{Excerpt, JsonKind};
use serde_json::{Map, Value};

use jiff::Timestamp;

use super::error::{EventError, EventPart, Field, REASON_LIMIT, brief};
use super::request::{MAX_GRAPHS_PER_EVENT, RunRequest};
use ges_client::run::{Graphs, Scheduled};

/// The fields that say which graphs; an event gives exactly one of them.
const GRAPH_FIELDS: [&str; 4] = ["graph_id", "graph_ids", "selector", "selectors"];

/// The fields of the direct shape.
const FIELDS: [&str; 10] = [
    "graph_id",
    "graph_ids",
    "selector",
    "selectors",
    "project_id",
    "wait",
    "dry_run",
    "max_graphs",
    "reconcile",
    "at",
];

/// The same, for messages.
const ACCEPTED: &str = "\"graph_id\", \"graph_ids\", \"selector\", \"selectors\", \
     \"project_id\", \"wait\", \"dry_run\", \"max_graphs\", \"reconcile\" and \"at\"";

/// The fields a reconcile refuses: it decides the graphs, and does not wait.
const NOT_WITH_RECONCILE: [&str; 3] = ["graph_id", "graph_ids", "wait"];

/// Whether a top-level object means the direct shape: it has one of its fields. An
/// object with none of them is no shape at all, and is refused as such.
pub(super) fn detect(object: &Map<String, Value>) -> bool {
    FIELDS.iter().any(|field| object.contains_key(*field))
}

/// Reads the direct shape from `object`, which is `part` of the event.
pub(super) fn parse(
    object: &Map<String, Value>,
    part: EventPart,
) -> Result<RunRequest, EventError> {
    if let Some(unknown) = object.keys().find(|key| !FIELDS.contains(&key.as_str())) {
        return Err(EventError::UnknownField {
            part,
            field: Excerpt::of(unknown),
            accepted: ACCEPTED,
        });
    }
    let reconcile = match object.get("reconcile") {
        None => false,
        Some(Value::Bool(true)) => true,
        Some(other) => {
            return Err(EventError::ReconcileNotTrue {
                part,
                found: JsonKind::of(other),
            });
        }
    };
    let graphs = if reconcile {
        if let Some(field) = NOT_WITH_RECONCILE
            .iter()
            .find(|field| object.contains_key(**field))
        {
            return Err(EventError::NotWithReconcile { part, field });
        }
        let selectors = match (object.get("selector"), object.get("selectors")) {
            (Some(_), Some(_)) => {
                return Err(EventError::ConflictingGraphFields {
                    part,
                    first: "selector",
                    second: "selectors",
                });
            }
            (Some(one), None) => vec![selector(one, part, Field::Named("selector"))?],
            (None, Some(many)) => selectors(many, part)?,
            (None, None) => Vec::new(),
        };
        Graphs::Scheduled(Scheduled {
            selectors,
            at: object.get("at").map(|at| at_time(at, part)).transpose()?,
        })
    } else {
        if object.contains_key("at") {
            return Err(EventError::AtWithoutReconcile { part });
        }
        named_or_selected(object, part)?
    };
    let max_graphs = match object.get("max_graphs") {
        None => None,
        Some(_) if matches!(graphs, Graphs::Named(_)) => {
            return Err(EventError::MaxGraphsWithoutSelector { part });
        }
        Some(value) => Some(
            value
                .as_u64()
                .and_then(|count| usize::try_from(count).ok())
                .filter(|count| (1..=MAX_GRAPHS_PER_EVENT).contains(count))
                .ok_or(EventError::InvalidMaxGraphs { part })?,
        ),
    };
    let project_id = match object.get("project_id") {
        None => None,
        Some(value) => {
            let field = Field::Named("project_id");
            let text = string(value, part, field)?;
            Some(
                ProjectId::try_from(text)
                    .map_err(|violation| EventError::invalid_id(part, field, violation))?,
            )
        }
    };
    Ok(RunRequest {
        graphs: Some(graphs),
        project_id,
        wait: flag(object, "wait", part)?,
        dry_run: flag(object, "dry_run", part)?,
        max_graphs,
        credentials: None,
    })
}

/// The graphs of a stop: named, or selected; exactly one of the fields that say which.
fn named_or_selected(object: &Map<String, Value>, part: EventPart) -> Result<Graphs, EventError> {
    let mut given = GRAPH_FIELDS
        .iter()
        .filter_map(|field| object.get(*field).map(|value| (*field, value)));
    Ok(match (given.next(), given.next()) {
        (Some((first, _)), Some((second, _))) => {
            return Err(EventError::ConflictingGraphFields {
                part,
                first,
                second,
            });
        }
        (None, _) => return Err(EventError::NoGraph { part }),
        (Some(("graph_id", one)), None) => {
            Graphs::Named(vec![graph_id(one, part, Field::Named("graph_id"))?])
        }
        (Some(("graph_ids", many)), None) => Graphs::Named(graph_ids(many, part)?),
        (Some(("selector", one)), None) => {
            Graphs::Selected(vec![selector(one, part, Field::Named("selector"))?])
        }
        (Some((_, many)), None) => Graphs::Selected(selectors(many, part)?),
    })
}

/// A reconcile's `at`: an RFC 3339 time, whose offset says which instant it is.
fn at_time(value: &Value, part: EventPart) -> Result<Timestamp, EventError> {
    let text = string(value, part, Field::Named("at"))?;
    text.parse::<Timestamp>()
        .map_err(|error| EventError::InvalidAt {
            part,
            value: Excerpt::of(text),
            reason: brief(&error.to_string(), REASON_LIMIT),
        })
}

fn selector(value: &Value, part: EventPart, field: Field) -> Result<Selector, EventError> {
    selector::parse(value).map_err(|error| EventError::InvalidSelector {
        part,
        field,
        error: Box::new(error),
    })
}

fn selectors(value: &Value, part: EventPart) -> Result<Vec<Selector>, EventError> {
    let Value::Array(entries) = value else {
        return Err(EventError::WrongType {
            part,
            field: Field::Named("selectors"),
            expected: "an array of selector objects",
            found: JsonKind::of(value),
        });
    };
    if entries.is_empty() || entries.len() > MAX_SELECTORS {
        return Err(EventError::SelectorCount {
            part,
            count: entries.len(),
        });
    }
    entries
        .iter()
        .enumerate()
        .map(|(index, entry)| selector(entry, part, Field::Entry("selectors", index)))
        .collect()
}

/// Reads the optional boolean fields that say how to stop (`wait`, `dry_run`); absent
/// means false. Shared with the HTTP body, which has only these.
pub(super) fn flag(
    object: &Map<String, Value>,
    name: &'static str,
    part: EventPart,
) -> Result<bool, EventError> {
    match object.get(name) {
        None => Ok(false),
        Some(Value::Bool(value)) => Ok(*value),
        Some(other) => Err(EventError::WrongType {
            part,
            field: Field::Named(name),
            expected: "a boolean",
            found: JsonKind::of(other),
        }),
    }
}

fn graph_ids(value: &Value, part: EventPart) -> Result<Vec<GraphId>, EventError> {
    let Value::Array(entries) = value else {
        return Err(EventError::WrongType {
            part,
            field: Field::Named("graph_ids"),
            expected: "an array of strings",
            found: JsonKind::of(value),
        });
    };
    if entries.is_empty() {
        return Err(EventError::EmptyGraphList { part });
    }
    // Counted as sent, before any entry is read: the bound is on the work too.
    if entries.len() > MAX_GRAPHS_PER_EVENT {
        return Err(EventError::TooManyGraphs {
            part,
            count: entries.len(),
        });
    }
    let mut seen = HashSet::with_capacity(entries.len());
    let mut graphs = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let id = graph_id(entry, part, Field::Entry("graph_ids", index))?;
        // A graph named twice is stopped once, where it was first named.
        if seen.insert(id.as_str().to_owned()) {
            graphs.push(id);
        }
    }
    Ok(graphs)
}

fn graph_id(value: &Value, part: EventPart, field: Field) -> Result<GraphId, EventError> {
    let text = string(value, part, field)?;
    GraphId::try_from(text).map_err(|violation| EventError::invalid_id(part, field, violation))
}

fn string(value: &Value, part: EventPart, field: Field) -> Result<&str, EventError> {
    value.as_str().ok_or_else(|| EventError::WrongType {
        part,
        field,
        expected: "a string",
        found: JsonKind::of(value),
    })
}

#[cfg(test)]
mod tests;
