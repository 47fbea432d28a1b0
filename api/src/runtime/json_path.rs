//! Where in a JSON document serde_json stopped: the field path to the byte it reported.
//!
//! Answers are decoded with plain serde: wrapping every generated type in
//! serde_path_to_error's tracking cost the Lambda binary some 46 KB (BENCHMARKS.md), for
//! a path that only a failed decode shows. serde_json's error carries its line and
//! column; walking the body up to there gives the same path, which a test holds to
//! serde_path_to_error's on the contracts' own types.

/// One step of a path: a field of an object, or an element of an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    /// An object's member, by its key as written (escapes undone only for `\"` and `\\`).
    Key(String),
    /// An array's element, counted from 0.
    Index(usize),
}

/// serde_json's recursion limit: no document it reads nests deeper.
const MAX_DEPTH: usize = 128;

enum Frame {
    Object { key: Option<String> },
    Array { index: usize },
}

/// The path to where serde_json stopped in `body` (its 1-based `line`, and `column`,
/// the bytes of that line it had read). It reports a value it could not take just
/// after (or, for a wrong kind, at the start of) that value, and a missing field just
/// after its object's `}`: either way the path is the one a tracking deserializer gives.
pub(crate) fn path_at(body: &[u8], line: usize, column: usize) -> Vec<Segment> {
    let end = offset(body, line, column);
    let mut frames: Vec<Frame> = Vec::new();
    let mut deeper = 0_usize;
    let mut index = 0;
    // Whether the last byte read opened an object or array: serde_json reports a value
    // of the wrong kind (an array for a string) just past its first byte, and the path
    // is then the value's, not its first element's.
    let mut just_opened = false;
    while index < end {
        just_opened = matches!(body[index], b'{' | b'[');
        match body[index] {
            b'"' => {
                let (text, next, closed) = string_at(body, index + 1, end);
                index = next;
                // A key serde_json stopped inside is not yet part of the path.
                if closed
                    && deeper == 0
                    && let Some(Frame::Object { key }) = frames.last_mut()
                    && key.is_none()
                {
                    *key = Some(text);
                }
                continue;
            }
            open @ (b'{' | b'[') => {
                if frames.len() < MAX_DEPTH {
                    frames.push(if open == b'{' {
                        Frame::Object { key: None }
                    } else {
                        Frame::Array { index: 0 }
                    });
                } else {
                    deeper += 1;
                }
            }
            b'}' | b']' => {
                if deeper > 0 {
                    deeper -= 1;
                } else {
                    frames.pop();
                }
            }
            b',' if deeper == 0 => match frames.last_mut() {
                Some(Frame::Object { key }) => *key = None,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        index += 1;
    }
    if just_opened && deeper == 0 {
        frames.pop();
    }
    frames
        .into_iter()
        .filter_map(|frame| match frame {
            Frame::Object { key } => key.map(Segment::Key),
            Frame::Array { index } => Some(Segment::Index(index)),
        })
        .collect()
}

/// The byte offset of serde_json's line and column, within the body.
fn offset(body: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match body[start..].iter().position(|&b| b == b'\n') {
            Some(newline) => start += newline + 1,
            None => return body.len(),
        }
    }
    (start + column).min(body.len())
}

/// A string's text from just after its opening quote, where it ends (after its closing
/// quote, or `end`), and whether it was closed before `end`.
fn string_at(body: &[u8], mut index: usize, end: usize) -> (String, usize, bool) {
    let mut text = Vec::new();
    while index < end {
        match body[index] {
            b'"' => return (String::from_utf8_lossy(&text).into_owned(), index + 1, true),
            b'\\' if index + 1 < end => {
                let escaped = body[index + 1];
                text.extend_from_slice(match escaped {
                    b'"' => b"\"",
                    b'\\' => b"\\",
                    _ => &body[index..index + 2],
                });
                index += 2;
            }
            byte => {
                text.push(byte);
                index += 1;
            }
        }
    }
    (String::from_utf8_lossy(&text).into_owned(), end, false)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde::de::DeserializeOwned;

    use super::*;

    // The shapes of the generated answers (`ListGraphsResult`, `BatchListMetricDataResult`),
    // built the way the generator builds them: derived structs, string enums, and
    // constrained strings read through `try_from`. Local, so that this leaf does not
    // reach back to the crate's generated modules; the decode tests and the end-to-end
    // tests run the generated types through the same path finding.
    #[derive(Debug, Deserialize)]
    struct ListGraphsResult {
        #[allow(dead_code)]
        graph_count: u32,
        #[allow(dead_code)]
        graphs: Vec<Graph>,
    }

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Graph {
        id: GraphId,
        status: Status,
        name: Option<String>,
        #[serde(default)]
        tags: Vec<Tag>,
        product_type: Option<ProductType>,
    }

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    #[serde(try_from = "String")]
    struct GraphId(String);

    impl TryFrom<String> for GraphId {
        type Error = String;
        fn try_from(value: String) -> Result<Self, String> {
            if value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                Ok(Self(value))
            } else {
                Err(format!("{value:?} does not match ^[A-Za-z0-9_-]{{1,64}}$"))
            }
        }
    }

    #[derive(Debug, Deserialize)]
    enum Status {
        #[serde(rename = "200")]
        Running,
        #[serde(rename = "900")]
        Stopped,
    }

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Tag {
        key: String,
        value: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    enum ProductType {
        InMemory,
        Persistence,
    }

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct BatchListMetricDataResult {
        metrics: Vec<Metric>,
    }

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Metric {
        namespace: String,
        metric_name: String,
        datapoints: Vec<Datapoint>,
    }

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Datapoint {
        sum: Option<f64>,
        timestamp: i64,
    }

    fn rendered(path: &[Segment]) -> String {
        let mut shown = String::new();
        for segment in path {
            match segment {
                Segment::Index(index) => shown.push_str(&format!("[{index}]")),
                Segment::Key(key) => {
                    if !shown.is_empty() {
                        shown.push('.');
                    }
                    shown.push_str(key);
                }
            }
        }
        if shown.is_empty() {
            ".".to_owned()
        } else {
            shown
        }
    }

    /// Our path and serde_path_to_error's for a body that does not decode as `T`.
    fn both<T: DeserializeOwned + std::fmt::Debug>(body: &str) -> (String, String) {
        let tracked =
            serde_path_to_error::deserialize::<_, T>(&mut serde_json::Deserializer::from_str(body))
                .expect_err(body);
        let plain = serde_json::from_str::<T>(body).expect_err(body);
        let ours = path_at(body.as_bytes(), plain.line(), plain.column());
        (rendered(&ours), tracked.path().to_string())
    }

    fn same<T: DeserializeOwned + std::fmt::Debug>(body: &str, expected: &str) {
        let pretty = serde_json::to_string_pretty(
            &serde_json::from_str::<serde_json::Value>(body).expect("JSON"),
        )
        .expect("prints");
        for body in [body, pretty.as_str()] {
            let (ours, reference) = both::<T>(body);
            assert_eq!(ours, reference, "{body}");
            assert_eq!(ours, expected, "{body}");
        }
    }

    #[test]
    fn paths_are_serde_path_to_errors_on_the_contracts_shapes() {
        same::<ListGraphsResult>(r#"{"graph_count": "x", "graphs": []}"#, "graph_count");
        same::<ListGraphsResult>(
            r#"{"graph_count": 2, "graphs": [{"id": "g1", "status": "200"}, {"id": "g2", "status": 5}]}"#,
            "graphs[1].status",
        );
        same::<ListGraphsResult>(
            r#"{"graph_count": 1, "graphs": [{"id": "g1", "status": "200"}, {"id": "g2"}]}"#,
            "graphs[1]",
        );
        same::<ListGraphsResult>(r#"{"graphs": []}"#, ".");
        same::<ListGraphsResult>(
            r#"{"graph_count": 1, "graphs": [{"id": "g", "status": "200", "tags": [{"key": "a"}, {"key": 1}]}]}"#,
            "graphs[0].tags[1].key",
        );
        same::<ListGraphsResult>(
            r#"{"graph_count": 1, "graphs": [{"id": "a\"b,c", "status": "200", "name": 7}]}"#,
            "graphs[0].id",
        );
        same::<ListGraphsResult>(
            r#"{"graph_count": 1, "graphs": [{"name": "x,\"}]", "status": "200", "id": "g", "tags": {}}]}"#,
            "graphs[0].tags",
        );
        same::<ListGraphsResult>(
            r#"{"graph_count": 1, "graphs": [{"id": "g", "status": "200", "product_type": ["x"]}]}"#,
            "graphs[0].product_type",
        );
        same::<ListGraphsResult>(
            r#"{"graph_count": 1, "graphs": [{"id": "g", "status": "200", "name": {"first": [1]}}]}"#,
            "graphs[0].name",
        );
        same::<ListGraphsResult>(r#"{"graph_count": 1, "graphs": {"id": "g"}}"#, "graphs");
        same::<BatchListMetricDataResult>(
            r#"{"metrics": [{"namespace": "SYS.GES", "metric_name": "ges004_request_count", "dimensions": [{"name": "instance_id", "value": "g"}], "datapoints": [{"sum": 1, "timestamp": 1}, {"sum": "x", "timestamp": 2}], "unit": "count"}]}"#,
            "metrics[0].datapoints[1].sum",
        );
    }

    #[test]
    fn a_path_never_runs_past_the_body_or_its_depth() {
        let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
        assert!(path_at(deep.as_bytes(), 1, 250).len() <= MAX_DEPTH);
        assert!(path_at(b"{\"a\": ", 9, 9).len() <= 1);
        assert_eq!(path_at(b"", 1, 0), Vec::new());
        assert_eq!(
            path_at(b"{\"a\": {\"b\": \"unterminated", 1, 99),
            vec![Segment::Key("a".to_owned()), Segment::Key("b".to_owned())]
        );
        // Found by the decode fuzz target: serde_json stopped inside a key of bytes that
        // are not UTF-8; that key is not in the path.
        assert_eq!(
            path_at(b"{\"credentials\": {\"access_k\xff\xff\xff", 1, 30),
            vec![Segment::Key("credentials".to_owned())]
        );
    }
}
