//! The code generated from `openapi/ges.yaml`, used the way clients and the simulator
//! use it.

use bytes::Bytes;
use ges_api::runtime::{self, DecodeError, Operation, OperationResponse, RawResponse, Rule};
use ges_codegen_snapshots::ges::*;

fn answer(status: u16, body: &str) -> RawResponse {
    RawResponse {
        status,
        request_id: Some("req-42".to_owned()),
        body: Bytes::from(body.to_owned()),
    }
}

fn stop(graph: &str) -> StopGraphRequest {
    StopGraphRequest {
        project_id: "0123abcd".parse().unwrap(),
        graph_id: graph.parse().unwrap(),
    }
}

#[test]
fn operations_carry_the_spec_facts() {
    assert_eq!(StopGraphRequest::OPERATION_ID, "StopGraph");
    assert_eq!(StopGraphRequest::METHOD, runtime::Method::POST);
    assert_eq!(
        StopGraphRequest::PATH_TEMPLATE,
        "/v2/{project_id}/graphs/{graph_id}/stop"
    );
    assert_eq!(ShowJobRequest::METHOD, runtime::Method::GET);
    assert_eq!(
        ShowJobRequest::PATH_TEMPLATE,
        "/v2/{project_id}/graphs/{graph_id}/jobs/{job_id}/status"
    );
}

#[test]
fn paths_are_rendered_from_the_template() {
    assert_eq!(stop("g-1_x").path(), "/v2/0123abcd/graphs/g-1_x/stop");
    let job = ShowJobRequest {
        project_id: "p1".parse().unwrap(),
        graph_id: "g1".parse().unwrap(),
        job_id: "ff8080816025a0a1016025a5a2700007".parse().unwrap(),
    };
    assert_eq!(
        job.path(),
        "/v2/p1/graphs/g1/jobs/ff8080816025a0a1016025a5a2700007/status"
    );
    assert!(stop("g").query().is_empty() && stop("g").headers().is_empty());
    assert_eq!(stop("g").body().unwrap(), None);
}

#[test]
fn identifiers_refuse_what_could_change_a_path() {
    for bad in ["", "a/b", "..", "a b", "a%2F", "a?b", "a#b", "a\nb", "ü"] {
        assert!(bad.parse::<GraphId>().is_err(), "{bad:?}");
        assert!(GraphId::try_from(bad).is_err(), "{bad:?}");
        assert!(GraphId::try_from(bad.to_owned()).is_err(), "{bad:?}");
        let json = serde_json::to_string(bad).unwrap();
        assert!(serde_json::from_str::<GraphId>(&json).is_err(), "{bad:?}");
    }
    // ProjectId is stricter than GraphId: no `-` or `_`.
    assert!("a-b".parse::<GraphId>().is_ok());
    assert!("a-b".parse::<ProjectId>().is_err());
    let long = "x".repeat(65);
    let error = long.parse::<JobId>().unwrap_err();
    assert_eq!(error.type_name(), "JobId");
    assert_eq!(
        error.rule(),
        &Rule::MaxLength {
            max: 64,
            length: 65
        }
    );
    assert!("x".repeat(64).parse::<JobId>().is_ok());
}

#[test]
fn a_bad_identifier_in_a_body_names_its_rule() {
    let error = serde_json::from_str::<StopGraphResult>(r#"{"job_id": "a/b"}"#).unwrap_err();
    assert!(error.to_string().contains("JobId"), "{error}");
    assert!(error.to_string().contains("must match"), "{error}");
}

#[test]
fn identifiers_round_trip_as_plain_strings() {
    let id: GraphId = "graph-1".parse().unwrap();
    assert_eq!(id.as_str(), "graph-1");
    assert_eq!(id.to_string(), "graph-1");
    assert_eq!(AsRef::<str>::as_ref(&id), "graph-1");
    assert_eq!(serde_json::to_string(&id).unwrap(), r#""graph-1""#);
    assert_eq!(id.clone().into_inner(), "graph-1");
    assert_eq!(GraphId::RULES.max_length, Some(64));
}

#[test]
fn enums_keep_unknown_values() {
    assert_eq!(GraphStatus::from("200"), GraphStatus::Running);
    assert_eq!(GraphStatus::from("900"), GraphStatus::Stopped);
    assert_eq!(GraphStatus::from("901"), GraphStatus::Stopping);
    assert_eq!(GraphStatus::Stopped.as_str(), "900");
    let unknown: GraphStatus = serde_json::from_str(r#""999""#).unwrap();
    assert_eq!(unknown, GraphStatus::Unknown("999".to_owned()));
    assert_eq!(serde_json::to_string(&unknown).unwrap(), r#""999""#);
    assert_eq!(
        "cancelled".parse::<JobStatus>().unwrap().to_string(),
        "cancelled"
    );
    assert_eq!(JobStatus::from("success"), JobStatus::Success);
}

#[test]
fn documented_statuses_decode_to_their_variants() {
    let ok = StopGraphRequest::decode(&answer(200, r#"{"job_id": "ff80"}"#)).unwrap();
    assert_eq!(
        ok,
        StopGraphResponse::Ok(StopGraphResult {
            job_id: Some("ff80".parse().unwrap())
        })
    );
    let not_running = StopGraphRequest::decode(&answer(
        400,
        r#"{"error_code": "GES.7001", "error_msg": "The graph is not running."}"#,
    ))
    .unwrap();
    let StopGraphResponse::BadRequest(body) = not_running else {
        panic!("{not_running:?}")
    };
    assert_eq!(body.error_code.as_deref(), Some("GES.7001"));
    let gateway = StopGraphRequest::decode(&answer(
        401,
        r#"{"error": {"code": "APIGW.0301", "message": "Incorrect IAM authentication information"}}"#,
    ))
    .unwrap();
    let StopGraphResponse::Unauthorized(body) = gateway else {
        panic!("{gateway:?}")
    };
    assert_eq!(body.error.unwrap().code.as_deref(), Some("APIGW.0301"));
    // An empty error body is an error body with nothing in it.
    assert_eq!(
        StopGraphRequest::decode(&answer(503, "")).unwrap(),
        StopGraphResponse::ServiceUnavailable(ErrorBody {
            error_code: None,
            error_msg: None,
            error: None,
        })
    );
}

#[test]
fn graphs_decode_with_their_tags_and_unknown_fields_ignored() {
    let body = r#"{"graph_count": 1, "graphs": [{"id": "g1", "name": "demo", "status": "200",
        "tags": [{"key": "env", "value": "dev"}], "vertexNum": 3}]}"#;
    let ListGraphsResponse::Ok(page) = ListGraphsRequest::decode(&answer(200, body)).unwrap()
    else {
        panic!("not Ok")
    };
    assert_eq!(page.graph_count, 1);
    let graph = &page.graphs[0];
    assert_eq!(graph.status, GraphStatus::Running);
    assert_eq!(graph.tags.as_ref().unwrap()[0].key, "env");
}

#[test]
fn an_undocumented_status_keeps_everything_received() {
    let error = StopGraphRequest::decode(&answer(502, "<html>bad gateway</html>")).unwrap_err();
    assert!(
        matches!(error, DecodeError::UnexpectedStatus { .. }),
        "{error:?}"
    );
    assert_eq!(error.status(), 502);
    assert_eq!(error.request_id(), Some("req-42"));
    assert_eq!(
        error.body().map(|body| body.as_ref()),
        Some(&b"<html>bad gateway</html>"[..])
    );
    assert!(
        error
            .to_string()
            .contains("StopGraph: GES answered HTTP 502"),
        "{error}"
    );
}

#[test]
fn a_body_that_breaks_the_contract_is_invalid_body() {
    for (status, body) in [
        (200, r#"{"job_id": "a/b"}"#),
        (200, "not json"),
        (400, r#"{"error_code": 7001}"#),
    ] {
        let error = StopGraphRequest::decode(&answer(status, body)).unwrap_err();
        assert!(
            matches!(error, DecodeError::InvalidBody { .. }),
            "{error:?}"
        );
        assert_eq!(error.status(), status);
        assert_eq!(error.request_id(), Some("req-42"));
        assert_eq!(
            error.body().map(|body| body.as_ref()),
            Some(body.as_bytes())
        );
    }
    // `status` is required in a job.
    let error = ShowJobRequest::decode(&answer(200, r#"{"job_id": "j1"}"#)).unwrap_err();
    assert!(error.to_string().contains("status"), "{error}");
}

#[test]
fn query_parameters_are_rendered_in_spec_order_when_present() {
    let mut list = ListGraphsRequest {
        project_id: "p1".parse().unwrap(),
        offset: None,
        limit: None,
    };
    assert!(list.query().is_empty());
    list.offset = Some(0);
    assert_eq!(list.query(), [("offset", "0".to_owned())]);
    list.limit = Some(100);
    assert_eq!(
        list.query(),
        [("offset", "0".to_owned()), ("limit", "100".to_owned())]
    );
    assert_eq!(list.path(), "/v2/p1/graphs");
}

#[test]
fn responses_render_their_status_and_body() {
    let ok = StopGraphResponse::Ok(StopGraphResult {
        job_id: Some("j1".parse().unwrap()),
    });
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.body().unwrap().unwrap(), br#"{"job_id":"j1"}"#);
    let empty = StopGraphResponse::Ok(StopGraphResult { job_id: None });
    assert_eq!(empty.body().unwrap().unwrap(), b"{}");
    let not_found = ShowGraphResponse::NotFound(ErrorBody {
        error_code: Some("GES.8000".to_owned()),
        error_msg: None,
        error: None,
    });
    assert_eq!(not_found.status(), 404);
    assert_eq!(
        not_found.body().unwrap().unwrap(),
        br#"{"error_code":"GES.8000"}"#
    );
    // What a server renders, a client decodes back to the same value.
    let raw = RawResponse {
        status: not_found.status(),
        request_id: None,
        body: Bytes::from(not_found.body().unwrap().unwrap()),
    };
    assert_eq!(ShowGraphRequest::decode(&raw).unwrap(), not_found);
}

#[test]
fn every_project_scoped_request_says_its_project() {
    use ges_api::runtime::ProjectScoped;
    let project: ProjectId = "0123abcd".parse().unwrap();
    let graph: GraphId = "g1".parse().unwrap();
    let show = ShowGraphRequest {
        project_id: project.clone(),
        graph_id: graph.clone(),
    };
    let list = ListGraphsRequest {
        project_id: project.clone(),
        offset: None,
        limit: None,
    };
    let job = ShowJobRequest {
        project_id: project.clone(),
        graph_id: graph,
        job_id: "j1".parse().unwrap(),
    };
    assert_eq!(stop("g1").project_id(), &project);
    assert_eq!(show.project_id(), &project);
    assert_eq!(list.project_id(), &project);
    assert_eq!(job.project_id(), &project);
}

#[test]
fn every_operation_builds_its_documented_refusals() {
    use ges_api::runtime::{Refusable, StatusCode};
    let body = ErrorBody {
        error_code: Some("GES.7001".to_owned()),
        error_msg: None,
        error: None,
    };
    for (status, code) in [
        (StatusCode::BAD_REQUEST, 400),
        (StatusCode::UNAUTHORIZED, 401),
        (StatusCode::FORBIDDEN, 403),
        (StatusCode::NOT_FOUND, 404),
        (StatusCode::INTERNAL_SERVER_ERROR, 500),
        (StatusCode::SERVICE_UNAVAILABLE, 503),
    ] {
        let refused = StopGraphResponse::refusal(status, body.clone()).unwrap();
        assert_eq!(refused.status(), code);
        assert_eq!(refused.into_result().unwrap_err(), (code, body.clone()));
        assert_eq!(
            ShowGraphResponse::refusal(status, body.clone())
                .unwrap()
                .status(),
            code
        );
        assert_eq!(
            ListGraphsResponse::refusal(status, body.clone())
                .unwrap()
                .status(),
            code
        );
        assert_eq!(
            ShowJobResponse::refusal(status, body.clone())
                .unwrap()
                .status(),
            code
        );
    }
    // GES throttles with 429, which the contract does not document per operation.
    assert!(StopGraphResponse::refusal(StatusCode::TOO_MANY_REQUESTS, body).is_none());
}

/// The words fleet selection used to keep in a match of its own, now in the contract.
#[test]
fn graph_statuses_have_the_words_messages_use() {
    let words: Vec<(&str, &str)> = GraphStatus::KNOWN
        .iter()
        .map(|status| (status.as_str(), status.description().unwrap()))
        .collect();
    assert_eq!(
        words,
        [
            ("100", "preparing"),
            ("200", "running"),
            ("201", "upgrading"),
            ("202", "importing"),
            ("203", "rolling back"),
            ("204", "exporting"),
            ("205", "clearing"),
            ("206", "preparing to scale out"),
            ("207", "scaling out"),
            ("208", "rolling back a scale-out"),
            ("210", "preparing a replica expansion"),
            ("211", "expanding its replicas"),
            ("300", "faulty"),
            ("303", "not created (creation failed)"),
            ("400", "deleted"),
            ("800", "frozen"),
            ("900", "stopped"),
            ("901", "stopping"),
            ("920", "starting"),
        ]
    );
    assert_eq!(GraphStatus::from("999").description(), None);
}

/// A 200 whose `graph_count` is a 20,000-character string made a 20.7 KB message:
/// serde repeated the string past the body excerpt's cut.
#[test]
fn a_decode_message_has_a_bound_whatever_the_answer() {
    let long = "7".repeat(20_000);
    let body = format!(r#"{{"graph_count": "{long}", "graphs": []}}"#);
    let error = ListGraphsRequest::decode(&answer(200, &body)).unwrap_err();
    assert!(
        matches!(error, DecodeError::InvalidBody { .. }),
        "{error:?}"
    );
    let shown = error.to_string();
    assert!(shown.len() < 1_500, "{} bytes: {shown}", shown.len());
    assert!(shown.contains("line 1 column"), "{shown}");
    // The whole source chain is bounded too, not only the top message.
    let source = std::error::Error::source(&error).unwrap().to_string();
    assert!(source.len() < 400, "{} bytes: {source}", source.len());
    // An undocumented status with a hostile request id and body, likewise.
    let raw = RawResponse {
        status: 418,
        request_id: Some("\u{1}".repeat(10_000)),
        body: Bytes::from(vec![0u8; 100_000]),
    };
    let shown = ListGraphsRequest::decode(&raw).unwrap_err().to_string();
    assert!(shown.len() < 1_500, "{} bytes: {shown}", shown.len());
}
