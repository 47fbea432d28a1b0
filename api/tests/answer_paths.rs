//! A failed decode's field path (runtime/json_path.rs, found from serde_json's line and
//! column) is the one serde_path_to_error tracks, on the generated answers themselves,
//! compact and pretty-printed.

use bytes::Bytes;
use ges_api::ces::BatchListMetricDataResult;
use ges_api::runtime::{Answers, DecodeError, Origin, RawResponse, decode_json};
use ges_api::types::ListGraphsResult;
use serde::de::DeserializeOwned;

const ORIGIN: Origin = Origin {
    operation: "Test",
    service: "GES",
    answers: Answers::Quoted,
};

/// The path our decode reports, and serde_path_to_error's, `.` for the top.
fn both<T: DeserializeOwned + std::fmt::Debug>(body: &str) -> (String, String) {
    let tracked =
        serde_path_to_error::deserialize::<_, T>(&mut serde_json::Deserializer::from_str(body))
            .expect_err(body);
    let response = RawResponse {
        status: 200,
        request_id: None,
        body: Bytes::from(body.to_owned()),
    };
    let ours = match decode_json::<T>(ORIGIN, &response).expect_err(body) {
        DecodeError::InvalidBody { source, .. } => source.path().to_owned(),
        other => panic!("{other:?}"),
    };
    let ours = if ours.is_empty() {
        ".".to_owned()
    } else {
        ours
    };
    (ours, tracked.path().to_string())
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
fn paths_are_serde_path_to_errors_on_the_generated_answers() {
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
