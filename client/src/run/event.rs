//! Our own event shape, whoever delivers it: `{"graph_id": "G"}`,
//! `{"graph_ids": ["G1", ...]}`, or selectors (`{"selector": {...}}` or
//! `{"selectors": [{...}, ...]}`, see [`crate::fleet::selector`]), with optional
//! `"project_id"`, `"wait"`, `"dry_run"` and, for selectors, `"max_graphs"`; or a
//! reconcile, `{"reconcile": true}` with optional `"at"`, selectors, `"project_id"`,
//! `"dry_run"` and `"max_graphs"`. Read into a [`RunRequest`].
//!
//! The shape is ours, not AWS's: a direct invoke and EventBridge Scheduler send it as the
//! whole payload, an EventBridge event as its `detail`, a CloudEvent as its `data`, an
//! HTTP request as its body, a queue's message as its body; each front door says which
//! part of its envelope held it, around the [`ShapeError`] that says which field is wrong.
//!
//! Read by hand rather than derived, so that each refusal names its field: an unknown
//! field (a typo such as `grahp_id` must not quietly mean "no graph"), a wrong JSON type,
//! or an id that breaks the id rules, with its index in `graph_ids`.

use std::collections::HashSet;
use std::fmt;

use ges_api::runtime::ConstraintViolation;
use ges_api::types::{GraphId, ProjectId};
use jiff::Timestamp;
use serde_json::{Map, Value};

use crate::fleet::selector::{self, MAX_SELECTORS, Selector, SelectorError};
use crate::input::{Excerpt, JsonKind, brief};
use crate::run::request::{Graphs, MAX_GRAPHS_PER_EVENT, RunRequest, Scheduled};

/// The fields that say which graphs; an event gives exactly one of them.
const GRAPH_FIELDS: [&str; 4] = ["graph_id", "graph_ids", "selector", "selectors"];

/// The fields of the shape.
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
pub const ACCEPTED: &str = "\"graph_id\", \"graph_ids\", \"selector\", \"selectors\", \
     \"project_id\", \"wait\", \"dry_run\", \"max_graphs\", \"reconcile\" and \"at\"";

/// The fields a reconcile refuses: it decides the graphs, and does not wait.
const NOT_WITH_RECONCILE: [&str; 3] = ["graph_id", "graph_ids", "wait"];

/// How much of a parser's complaint a message repeats.
pub const REASON_LIMIT: usize = 120;

/// A field, for messages: `"graph_id"`, or `"graph_ids"[3]` for an entry of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A field by name.
    Named(&'static str),
    /// An entry of a list field, by index from 0.
    Entry(&'static str, usize),
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Named(name) => write!(f, "\"{name}\""),
            Self::Entry(name, index) => write!(f, "\"{name}\"[{index}]"),
        }
    }
}

/// What is wrong with an event of our shape: which field, and why. It does not say
/// where the shape sat in its envelope; the front door that read the envelope does.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ShapeError {
    /// A field the shape does not define: refused, so that a typo cannot go unnoticed.
    #[error("unknown field {field}; the event accepts {ACCEPTED}")]
    UnknownField {
        /// The field's name, cut.
        field: Excerpt,
    },
    /// A field of the wrong JSON type.
    #[error("{field} must be {expected}, not {found}")]
    WrongType {
        /// The field.
        field: Field,
        /// What it must be, such as "a boolean".
        expected: &'static str,
        /// What it is.
        found: JsonKind,
    },
    /// More than one of `graph_id`, `graph_ids`, `selector` and `selectors`.
    #[error("both \"{first}\" and \"{second}\" are given: give one of them")]
    ConflictingGraphFields {
        /// The first of the fields given.
        first: &'static str,
        /// Another.
        second: &'static str,
    },
    /// None of `graph_id`, `graph_ids`, `selector` and `selectors`.
    #[error("no graph is named")]
    NoGraph,
    /// `graph_ids` is an empty list.
    #[error("\"graph_ids\" is empty")]
    EmptyGraphList,
    /// `graph_ids` lists more than [`MAX_GRAPHS_PER_EVENT`] entries.
    #[error(
        "\"graph_ids\" lists {count} graphs; one event may name at most {MAX_GRAPHS_PER_EVENT}"
    )]
    TooManyGraphs {
        /// How many entries the list has.
        count: usize,
    },
    /// A selector that cannot be read.
    #[error("{field} {error}")]
    InvalidSelector {
        /// Which field (and which entry of `selectors`).
        field: Field,
        /// What is wrong. Boxed: errors are rare, and a small error keeps `Result` small.
        error: Box<SelectorError>,
    },
    /// `selectors` is empty, or lists more than [`MAX_SELECTORS`].
    #[error("\"selectors\" lists {count} selectors; give 1 to {MAX_SELECTORS}")]
    SelectorCount {
        /// How many entries it has.
        count: usize,
    },
    /// `max_graphs` that is not a whole number from 1 to [`MAX_GRAPHS_PER_EVENT`].
    #[error("\"max_graphs\" must be a whole number from 1 to {MAX_GRAPHS_PER_EVENT}")]
    InvalidMaxGraphs,
    /// `max_graphs` without selectors, where it would mean nothing.
    #[error("\"max_graphs\" applies to selectors only")]
    MaxGraphsWithoutSelector,
    /// `reconcile` other than `true`.
    #[error("\"reconcile\" must be true, not {found}")]
    ReconcileNotTrue {
        /// What it is.
        found: JsonKind,
    },
    /// A field that does not go with `reconcile`.
    #[error("\"{field}\" does not go with \"reconcile\"")]
    NotWithReconcile {
        /// The field.
        field: &'static str,
    },
    /// `at` without `reconcile`, where it would mean nothing.
    #[error("\"at\" applies to a reconcile only")]
    AtWithoutReconcile,
    /// `at` that is not an RFC 3339 time.
    #[error("\"at\" is {value}, not an RFC 3339 time with its offset ({reason})")]
    InvalidAt {
        /// The value, cut.
        value: Excerpt,
        /// The parser's complaint, cut.
        reason: Box<str>,
    },
    /// A graph or project id that breaks the id rules.
    #[error("{field}: {violation}")]
    InvalidId {
        /// Which field (and which entry of a list).
        field: Field,
        /// The rule it breaks; its message already cuts the value. Boxed, as above.
        violation: Box<ConstraintViolation>,
    },
}

impl ShapeError {
    fn invalid_id(field: Field, violation: ConstraintViolation) -> Self {
        Self::InvalidId {
            field,
            violation: Box::new(violation),
        }
    }
}

/// Whether a top-level object means our shape: it has one of its fields. An object with
/// none of them is no shape at all, and is refused as such.
pub fn detect(object: &Map<String, Value>) -> bool {
    FIELDS.iter().any(|field| object.contains_key(*field))
}

/// Reads our shape from `object`.
pub fn parse(object: &Map<String, Value>) -> Result<RunRequest, ShapeError> {
    if let Some(unknown) = object.keys().find(|key| !FIELDS.contains(&key.as_str())) {
        return Err(ShapeError::UnknownField {
            field: Excerpt::of(unknown),
        });
    }
    let reconcile = match object.get("reconcile") {
        None => false,
        Some(Value::Bool(true)) => true,
        Some(other) => {
            return Err(ShapeError::ReconcileNotTrue {
                found: JsonKind::of(other),
            });
        }
    };
    let graphs = if reconcile {
        if let Some(field) = NOT_WITH_RECONCILE
            .iter()
            .find(|field| object.contains_key(**field))
        {
            return Err(ShapeError::NotWithReconcile { field });
        }
        let selectors = match (object.get("selector"), object.get("selectors")) {
            (Some(_), Some(_)) => {
                return Err(ShapeError::ConflictingGraphFields {
                    first: "selector",
                    second: "selectors",
                });
            }
            (Some(one), None) => vec![selector(one, Field::Named("selector"))?],
            (None, Some(many)) => selectors(many)?,
            (None, None) => Vec::new(),
        };
        Graphs::Scheduled(Scheduled {
            selectors,
            at: object.get("at").map(at_time).transpose()?,
        })
    } else {
        if object.contains_key("at") {
            return Err(ShapeError::AtWithoutReconcile);
        }
        named_or_selected(object)?
    };
    let max_graphs = match object.get("max_graphs") {
        None => None,
        Some(_) if matches!(graphs, Graphs::Named(_)) => {
            return Err(ShapeError::MaxGraphsWithoutSelector);
        }
        Some(value) => Some(
            value
                .as_u64()
                .and_then(|count| usize::try_from(count).ok())
                .filter(|count| (1..=MAX_GRAPHS_PER_EVENT).contains(count))
                .ok_or(ShapeError::InvalidMaxGraphs)?,
        ),
    };
    let project_id = match object.get("project_id") {
        None => None,
        Some(value) => {
            let field = Field::Named("project_id");
            let text = string(value, field)?;
            Some(
                ProjectId::try_from(text)
                    .map_err(|violation| ShapeError::invalid_id(field, violation))?,
            )
        }
    };
    Ok(RunRequest {
        graphs: Some(graphs),
        project_id,
        wait: flag(object, "wait")?,
        dry_run: flag(object, "dry_run")?,
        max_graphs,
        credentials: None,
    })
}

/// The graphs of a stop: named, or selected; exactly one of the fields that say which.
fn named_or_selected(object: &Map<String, Value>) -> Result<Graphs, ShapeError> {
    let mut given = GRAPH_FIELDS
        .iter()
        .filter_map(|field| object.get(*field).map(|value| (*field, value)));
    Ok(match (given.next(), given.next()) {
        (Some((first, _)), Some((second, _))) => {
            return Err(ShapeError::ConflictingGraphFields { first, second });
        }
        (None, _) => return Err(ShapeError::NoGraph),
        (Some(("graph_id", one)), None) => {
            Graphs::Named(vec![graph_id(one, Field::Named("graph_id"))?])
        }
        (Some(("graph_ids", many)), None) => Graphs::Named(graph_ids(many)?),
        (Some(("selector", one)), None) => {
            Graphs::Selected(vec![selector(one, Field::Named("selector"))?])
        }
        (Some((_, many)), None) => Graphs::Selected(selectors(many)?),
    })
}

/// A reconcile's `at`: an RFC 3339 time, whose offset says which instant it is.
fn at_time(value: &Value) -> Result<Timestamp, ShapeError> {
    let text = string(value, Field::Named("at"))?;
    text.parse::<Timestamp>()
        .map_err(|error| ShapeError::InvalidAt {
            value: Excerpt::of(text),
            reason: brief(&error.to_string(), REASON_LIMIT),
        })
}

fn selector(value: &Value, field: Field) -> Result<Selector, ShapeError> {
    selector::parse(value).map_err(|error| ShapeError::InvalidSelector {
        field,
        error: Box::new(error),
    })
}

fn selectors(value: &Value) -> Result<Vec<Selector>, ShapeError> {
    let Value::Array(entries) = value else {
        return Err(ShapeError::WrongType {
            field: Field::Named("selectors"),
            expected: "an array of selector objects",
            found: JsonKind::of(value),
        });
    };
    if entries.is_empty() || entries.len() > MAX_SELECTORS {
        return Err(ShapeError::SelectorCount {
            count: entries.len(),
        });
    }
    entries
        .iter()
        .enumerate()
        .map(|(index, entry)| selector(entry, Field::Entry("selectors", index)))
        .collect()
}

/// Reads an optional boolean field that says how to stop (`wait`, `dry_run`); absent
/// means false. Also for an HTTP body, which has only these.
pub fn flag(object: &Map<String, Value>, name: &'static str) -> Result<bool, ShapeError> {
    match object.get(name) {
        None => Ok(false),
        Some(Value::Bool(value)) => Ok(*value),
        Some(other) => Err(ShapeError::WrongType {
            field: Field::Named(name),
            expected: "a boolean",
            found: JsonKind::of(other),
        }),
    }
}

fn graph_ids(value: &Value) -> Result<Vec<GraphId>, ShapeError> {
    let Value::Array(entries) = value else {
        return Err(ShapeError::WrongType {
            field: Field::Named("graph_ids"),
            expected: "an array of strings",
            found: JsonKind::of(value),
        });
    };
    if entries.is_empty() {
        return Err(ShapeError::EmptyGraphList);
    }
    // Counted as sent, before any entry is read: the bound is on the work too.
    if entries.len() > MAX_GRAPHS_PER_EVENT {
        return Err(ShapeError::TooManyGraphs {
            count: entries.len(),
        });
    }
    let mut seen = HashSet::with_capacity(entries.len());
    let mut graphs = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let id = graph_id(entry, Field::Entry("graph_ids", index))?;
        // A graph named twice is stopped once, where it was first named.
        if seen.insert(id.as_str().to_owned()) {
            graphs.push(id);
        }
    }
    Ok(graphs)
}

fn graph_id(value: &Value, field: Field) -> Result<GraphId, ShapeError> {
    let text = string(value, field)?;
    GraphId::try_from(text).map_err(|violation| ShapeError::invalid_id(field, violation))
}

fn string(value: &Value, field: Field) -> Result<&str, ShapeError> {
    value.as_str().ok_or_else(|| ShapeError::WrongType {
        field,
        expected: "a string",
        found: JsonKind::of(value),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(object) => object,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn a_graph_id_is_one_named_graph() {
        let request = parse(&object(json!({
            "graph_id": "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
            "dry_run": true,
        })))
        .unwrap();
        assert!(matches!(request.graphs, Some(Graphs::Named(ref ids)) if ids.len() == 1));
        assert!(request.dry_run && !request.wait);
    }

    #[test]
    fn each_refusal_names_its_field() {
        let error = parse(&object(json!({"grahp_id": "g"}))).unwrap_err();
        assert!(matches!(error, ShapeError::UnknownField { .. }), "{error}");
        let error = parse(&object(json!({"graph_ids": ["g", 7]}))).unwrap_err();
        assert_eq!(
            error.to_string(),
            "\"graph_ids\"[1] must be a string, not a number"
        );
        let error = parse(&object(json!({"reconcile": true, "wait": true}))).unwrap_err();
        assert_eq!(error.to_string(), "\"wait\" does not go with \"reconcile\"");
    }
}
