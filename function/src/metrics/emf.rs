//! CloudWatch Embedded Metric Format: a document of metrics, dimensions and properties,
//! written as the log lines CloudWatch Logs turns into metrics.
//!
//! The format's limits are kept by [`Document::lines`], never by dropping values: at
//! most [`MAX_VALUES_PER_METRIC`] values of one metric and [`MAX_METRICS_PER_LINE`]
//! metrics per line (more go on further lines, each a complete document), and at most
//! [`MAX_DIMENSIONS`] dimensions (refused when added). Every name is checked when it is
//! made, against CloudWatch's rules, so a line CloudWatch would reject cannot be built.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde_json::{Map, Value, json};

/// The most metrics one document's directive may name (EMF specification).
pub const MAX_METRICS_PER_LINE: usize = 100;
/// The most values one metric may have in one document (EMF specification).
pub const MAX_VALUES_PER_METRIC: usize = 100;
/// The most dimensions a dimension set may have (EMF specification).
pub const MAX_DIMENSIONS: usize = 30;
/// The member that holds the metadata: no dimension, metric or property may take it.
const METADATA: &str = "_aws";

/// The unit of a metric: those ges-stop reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Unit {
    /// A number of things.
    Count,
    /// A duration.
    Milliseconds,
    /// A quantity CloudWatch has no unit for (hours, money): its unit `None`.
    #[serde(rename = "None")]
    Unitless,
}

/// Why a name or a value cannot go into a document.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EmfError {
    /// A name or value CloudWatch would refuse.
    #[error("{what} {value:?} cannot be used in CloudWatch: {rule}")]
    Refused {
        /// What it was meant to be: a namespace, a dimension value, a member name.
        what: &'static str,
        /// The value, cut to 40 characters.
        value: String,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// A member name given twice (a dimension and a metric share the document's root).
    #[error("the document already has a member named {0:?}")]
    Taken(String),
    /// One dimension more than the format allows.
    #[error("a metric may have at most {MAX_DIMENSIONS} dimensions")]
    TooManyDimensions,
    /// A metric given values in two units.
    #[error("metric {name} was given in {first:?} and in {second:?}")]
    UnitMismatch {
        /// The metric.
        name: String,
        /// Its unit.
        first: Unit,
        /// The other one.
        second: Unit,
    },
    /// NaN or an infinity, which JSON cannot carry.
    #[error("metric {name} was given {value}, not a finite number")]
    NotFinite {
        /// The metric.
        name: String,
        /// The value.
        value: f64,
    },
}

fn refused(what: &'static str, value: &str, rule: &'static str) -> EmfError {
    EmfError::Refused {
        what,
        value: value.chars().take(40).collect(),
        rule,
    }
}

/// A CloudWatch namespace: 1 to 255 letters, digits, spaces and `.-_/#:`, not blank,
/// not in the `AWS/` namespaces, which are AWS's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace(String);

impl FromStr for Namespace {
    type Err = EmfError;

    fn from_str(value: &str) -> Result<Self, EmfError> {
        let what = "namespace";
        if value.trim().is_empty() || value.chars().count() > 255 {
            return Err(refused(
                what,
                value,
                "give 1 to 255 characters, not only spaces",
            ));
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " .-_/#:".contains(c))
        {
            return Err(refused(
                what,
                value,
                "use only letters, digits, spaces and . - _ / # :",
            ));
        }
        if value.starts_with("AWS/") {
            return Err(refused(what, value, "AWS/ namespaces are reserved for AWS"));
        }
        Ok(Self(value.to_owned()))
    }
}

impl fmt::Display for Namespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name of a member at a document's root: a dimension's, a metric's or a
/// property's. 1 to 255 characters of printable ASCII, not only spaces, not starting
/// with `:` (CloudWatch's rules for dimension names, which also fit metric names), and
/// not `_aws`, the metadata's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(String);

impl FromStr for Key {
    type Err = EmfError;

    fn from_str(value: &str) -> Result<Self, EmfError> {
        let what = "member name";
        if value.trim().is_empty() || value.len() > 255 {
            return Err(refused(
                what,
                value,
                "give 1 to 255 characters, not only spaces",
            ));
        }
        if !value.chars().all(|c| c.is_ascii() && !c.is_ascii_control()) {
            return Err(refused(what, value, "use printable ASCII characters only"));
        }
        if value.starts_with(':') {
            return Err(refused(what, value, "a name may not start with :"));
        }
        if value == METADATA {
            return Err(refused(what, value, "_aws holds the format's metadata"));
        }
        Ok(Self(value.to_owned()))
    }
}

impl Key {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A dimension's value: 1 to 1024 characters, not only spaces, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DimensionValue(String);

impl FromStr for DimensionValue {
    type Err = EmfError;

    fn from_str(value: &str) -> Result<Self, EmfError> {
        let what = "dimension value";
        if value.trim().is_empty() || value.chars().count() > 1024 {
            return Err(refused(
                what,
                value,
                "give 1 to 1024 characters, not only spaces",
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(refused(what, value, "control characters are not allowed"));
        }
        Ok(Self(value.to_owned()))
    }
}

impl DimensionValue {
    /// The value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One metric's values, in the order given.
#[derive(Debug, Clone)]
struct Series {
    name: Key,
    unit: Unit,
    values: Vec<f64>,
}

/// Metrics of one namespace sharing one set of dimensions, with properties (searchable
/// in the logs, not dimensions) beside them.
#[derive(Debug, Clone)]
pub struct Document {
    namespace: Namespace,
    dimensions: Vec<(Key, DimensionValue)>,
    properties: Vec<(Key, Value)>,
    metrics: Vec<Series>,
}

impl Document {
    /// A document in `namespace` with its first dimension: every metric has one, so
    /// that it can be told apart from another service's in the same namespace.
    pub fn new(namespace: Namespace, dimension: Key, value: DimensionValue) -> Self {
        Self {
            namespace,
            dimensions: vec![(dimension, value)],
            properties: Vec::new(),
            metrics: Vec::new(),
        }
    }

    fn taken(&self, key: &Key) -> bool {
        self.dimensions.iter().any(|(name, _)| name == key)
            || self.properties.iter().any(|(name, _)| name == key)
            || self.metrics.iter().any(|series| series.name == *key)
    }

    /// Adds a dimension to every metric of the document.
    pub fn dimension(&mut self, key: Key, value: DimensionValue) -> Result<(), EmfError> {
        if self.taken(&key) {
            return Err(EmfError::Taken(key.0));
        }
        if self.dimensions.len() == MAX_DIMENSIONS {
            return Err(EmfError::TooManyDimensions);
        }
        self.dimensions.push((key, value));
        Ok(())
    }

    /// Adds a property: written on every line, not a dimension.
    pub fn property(&mut self, key: Key, value: Value) -> Result<(), EmfError> {
        if self.taken(&key) {
            return Err(EmfError::Taken(key.0));
        }
        self.properties.push((key, value));
        Ok(())
    }

    /// Adds one value of a metric; a metric given several values keeps them all.
    pub fn metric(&mut self, name: &Key, unit: Unit, value: f64) -> Result<(), EmfError> {
        if !value.is_finite() {
            return Err(EmfError::NotFinite {
                name: name.0.clone(),
                value,
            });
        }
        if let Some(series) = self.metrics.iter_mut().find(|series| series.name == *name) {
            if series.unit != unit {
                return Err(EmfError::UnitMismatch {
                    name: name.0.clone(),
                    first: series.unit,
                    second: unit,
                });
            }
            series.values.push(value);
            return Ok(());
        }
        if self.taken(name) {
            return Err(EmfError::Taken(name.0.clone()));
        }
        self.metrics.push(Series {
            name: name.clone(),
            unit,
            values: vec![value],
        });
        Ok(())
    }

    /// The document as log lines, each a complete EMF document stamped `timestamp_ms`
    /// (milliseconds since the epoch): the first hundred values of each metric on the
    /// first line(s), the next hundred on the next, and so on; a hundred metrics at most
    /// per line. No metric, no line.
    pub fn lines(&self, timestamp_ms: u64) -> Vec<String> {
        let rounds = self
            .metrics
            .iter()
            .map(|series| series.values.len().div_ceil(MAX_VALUES_PER_METRIC))
            .max()
            .unwrap_or(0);
        let mut lines = Vec::new();
        for round in 0..rounds {
            let chunks: Vec<(&Series, &[f64])> = self
                .metrics
                .iter()
                .filter_map(|series| {
                    let chunk = series.values.chunks(MAX_VALUES_PER_METRIC).nth(round)?;
                    Some((series, chunk))
                })
                .collect();
            for group in chunks.chunks(MAX_METRICS_PER_LINE) {
                lines.push(self.line(timestamp_ms, group));
            }
        }
        lines
    }

    fn line(&self, timestamp_ms: u64, metrics: &[(&Series, &[f64])]) -> String {
        let definitions: Vec<Value> = metrics
            .iter()
            .map(|(series, _)| json!({"Name": series.name.0, "Unit": series.unit}))
            .collect();
        let dimension_set: Vec<&str> = self
            .dimensions
            .iter()
            .map(|(key, _)| key.as_str())
            .collect();
        let mut root = Map::new();
        root.insert(
            METADATA.to_owned(),
            json!({
                "Timestamp": timestamp_ms,
                "CloudWatchMetrics": [{
                    "Namespace": self.namespace.0,
                    "Dimensions": [dimension_set],
                    "Metrics": definitions,
                }],
            }),
        );
        for (key, value) in &self.dimensions {
            root.insert(key.0.clone(), Value::String(value.0.clone()));
        }
        for (key, value) in &self.properties {
            root.insert(key.0.clone(), value.clone());
        }
        for (series, values) in metrics {
            // One value as a number, as CloudWatch's own libraries write it; several as
            // an array, each a data point.
            let value = match values {
                [one] => json!(one),
                many => json!(many),
            };
            root.insert(series.name.0.clone(), value);
        }
        Value::Object(root).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> Key {
        name.parse().unwrap()
    }

    fn document() -> Document {
        Document::new(
            "ges-stop".parse().unwrap(),
            key("service"),
            "nightly".parse().unwrap(),
        )
    }

    fn parsed(lines: &[String]) -> Vec<Value> {
        lines
            .iter()
            .map(|line| {
                assert!(!line.contains('\n'), "one line each: {line}");
                serde_json::from_str(line).unwrap()
            })
            .collect()
    }

    fn directive(line: &Value) -> &Value {
        let directives = line["_aws"]["CloudWatchMetrics"].as_array().unwrap();
        assert_eq!(directives.len(), 1, "{line}");
        &directives[0]
    }

    fn metric_names(line: &Value) -> Vec<&str> {
        directive(line)["Metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|metric| metric["Name"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn one_line_names_namespace_dimensions_metrics_and_carries_every_value() {
        let mut document = document();
        document
            .property(key("function_request_id"), json!("req-1"))
            .unwrap();
        document
            .metric(&key("GraphsStopping"), Unit::Count, 2.0)
            .unwrap();
        document
            .metric(&key("StopLatency"), Unit::Milliseconds, 12.5)
            .unwrap();
        document
            .metric(&key("StopLatency"), Unit::Milliseconds, 30.0)
            .unwrap();

        let lines = parsed(&document.lines(1_700_000_000_123));
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line["_aws"]["Timestamp"], 1_700_000_000_123_u64);
        let directive = directive(line);
        assert_eq!(directive["Namespace"], "ges-stop");
        assert_eq!(directive["Dimensions"], json!([["service"]]));
        assert_eq!(
            directive["Metrics"],
            json!([
                {"Name": "GraphsStopping", "Unit": "Count"},
                {"Name": "StopLatency", "Unit": "Milliseconds"},
            ])
        );
        assert_eq!(line["service"], "nightly");
        assert_eq!(line["function_request_id"], "req-1");
        assert_eq!(line["GraphsStopping"], 2.0);
        assert_eq!(line["StopLatency"], json!([12.5, 30.0]));
    }

    #[test]
    fn four_hundred_values_go_on_four_lines_and_none_is_lost() {
        let mut document = document();
        for i in 0..400 {
            document
                .metric(&key("StopLatency"), Unit::Milliseconds, f64::from(i))
                .unwrap();
        }
        document
            .metric(&key("GraphsStopping"), Unit::Count, 400.0)
            .unwrap();

        let lines = parsed(&document.lines(1));
        assert_eq!(lines.len(), 4);
        let mut latencies = Vec::new();
        for line in &lines {
            let values = line["StopLatency"].as_array().unwrap();
            assert_eq!(values.len(), MAX_VALUES_PER_METRIC, "{line}");
            latencies.extend(values.iter().map(|value| value.as_f64().unwrap()));
            // Every line is a document of its own: dimensions and all.
            assert_eq!(line["service"], "nightly");
            assert_eq!(directive(line)["Dimensions"], json!([["service"]]));
        }
        let expected: Vec<f64> = (0..400).map(f64::from).collect();
        assert_eq!(latencies, expected);
        // The count is one value: on the first line only, so that it is counted once.
        assert_eq!(lines[0]["GraphsStopping"], 400.0);
        for line in &lines[1..] {
            assert!(line.get("GraphsStopping").is_none(), "{line}");
            assert_eq!(metric_names(line), ["StopLatency"]);
        }
    }

    #[test]
    fn a_hundred_and_fifty_metrics_go_on_two_lines() {
        let mut document = document();
        for i in 0..150 {
            document
                .metric(&key(&format!("Metric{i}")), Unit::Count, 1.0)
                .unwrap();
        }
        let lines = parsed(&document.lines(1));
        assert_eq!(lines.len(), 2);
        let first = metric_names(&lines[0]);
        let second = metric_names(&lines[1]);
        assert_eq!(first.len(), MAX_METRICS_PER_LINE);
        assert_eq!(second.len(), 50);
        for (line, names) in lines.iter().zip([first, second]) {
            for name in names {
                assert_eq!(line[name], 1.0, "{name} has its value at the root");
            }
        }
    }

    #[test]
    fn a_hundred_values_fit_one_line_and_the_hundred_and_first_starts_another() {
        let mut document = document();
        for _ in 0..100 {
            document
                .metric(&key("StopLatency"), Unit::Milliseconds, 1.0)
                .unwrap();
        }
        assert_eq!(document.lines(1).len(), 1);
        document
            .metric(&key("StopLatency"), Unit::Milliseconds, 2.0)
            .unwrap();
        let lines = parsed(&document.lines(1));
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["StopLatency"], 2.0);
    }

    #[test]
    fn at_most_thirty_dimensions() {
        let mut document = document();
        for i in 1..MAX_DIMENSIONS {
            document
                .dimension(key(&format!("d{i}")), "v".parse().unwrap())
                .unwrap();
        }
        assert_eq!(
            document.dimension(key("one_more"), "v".parse().unwrap()),
            Err(EmfError::TooManyDimensions)
        );
        document
            .metric(&key("ColdStart"), Unit::Count, 1.0)
            .unwrap();
        let lines = parsed(&document.lines(1));
        let set = &directive(&lines[0])["Dimensions"][0];
        assert_eq!(set.as_array().unwrap().len(), MAX_DIMENSIONS);
        assert_eq!(lines[0]["d29"], "v");
        assert!(lines[0].get("one_more").is_none());
    }

    #[test]
    fn no_metric_no_line() {
        let mut document = document();
        document
            .property(key("function_request_id"), json!("r"))
            .unwrap();
        assert!(document.lines(1).is_empty());
    }

    #[test]
    fn a_name_is_one_member_only() {
        let mut document = document();
        assert_eq!(
            document.metric(&key("service"), Unit::Count, 1.0),
            Err(EmfError::Taken("service".to_owned()))
        );
        document
            .metric(&key("GraphsFailed"), Unit::Count, 1.0)
            .unwrap();
        assert_eq!(
            document.property(key("GraphsFailed"), json!(1)),
            Err(EmfError::Taken("GraphsFailed".to_owned()))
        );
        assert!(matches!(
            document.metric(&key("GraphsFailed"), Unit::Milliseconds, 1.0),
            Err(EmfError::UnitMismatch { .. })
        ));
        assert!(matches!(
            document.metric(&key("StopLatency"), Unit::Milliseconds, f64::NAN),
            Err(EmfError::NotFinite { .. })
        ));
        assert_eq!(
            metric_names(&parsed(&document.lines(1))[0]),
            ["GraphsFailed"]
        );
    }

    #[test]
    fn names_cloudwatch_would_refuse_are_refused() {
        for bad in ["", "   ", "AWS/Lambda", "ges stop!", &"n".repeat(256)] {
            assert!(bad.parse::<Namespace>().is_err(), "{bad:?}");
        }
        for good in ["ges-stop", "Acme/ges-stop", "team #1: ops_x.y"] {
            assert!(good.parse::<Namespace>().is_ok(), "{good:?}");
        }
        for bad in [
            "",
            " ",
            "_aws",
            ":service",
            "servíce",
            "a\tb",
            &"k".repeat(256),
        ] {
            assert!(bad.parse::<Key>().is_err(), "{bad:?}");
        }
        for bad in ["", "  ", "a\nb", &"v".repeat(1025)] {
            assert!(bad.parse::<DimensionValue>().is_err(), "{bad:?}");
        }
        assert!("nightly stop — eu".parse::<DimensionValue>().is_ok());
    }
}
