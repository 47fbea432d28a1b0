//! The four operations over HTTP with a token: happy paths, errors, validation, paging,
//! and what every answer carries.

mod common;

use std::collections::HashSet;

use common::{PROJECT, get, graph_id, post, raw, start, token_header};
use ges_api::types::{GraphSizeTypeIndex, GraphStatus, ProductType};
use ges_simulator::{Authentication, GraphSpec, OperationKind, Scheme, error_codes};
use serde_json::json;

#[tokio::test]
async fn show_graph_returns_the_graph_with_its_tags() {
    let sim = start().await;
    let answer = get(&sim, &format!("/v2/{PROJECT}/graphs/g-running")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        answer.body,
        json!({"graph": {
            "id": "g-running",
            "name": "running-graph",
            "status": "200",
            "tags": [{"key": "env", "value": "dev"}],
            "product_type": "InMemory",
            "graph_size_type_index": "1",
            "replication": 1,
        }})
    );
    let stopped = get(&sim, &format!("/v2/{PROJECT}/graphs/g-stopped")).await;
    assert_eq!(stopped.body["graph"]["status"], "900");
}

#[tokio::test]
async fn edition_size_and_replicas_are_served_as_set_and_the_edition_can_be_left_out() {
    let sim = common::builder()
        .graph(
            GraphSpec::running(graph_id("g-database"), "database")
                .with_edition(ProductType::Persistence)
                .with_size(GraphSizeTypeIndex::TenBillionEdges)
                .with_replicas(3),
        )
        .graph(
            GraphSpec::running(graph_id("g-unlabelled"), "unlabelled")
                .with_size(GraphSizeTypeIndex::HundredBillionEdges)
                .without_edition(),
        )
        .start()
        .await
        .expect("the simulator starts");
    let all = get(&sim, &format!("/v2/{PROJECT}/graphs")).await;
    assert_eq!(all.status, 200, "{all:?}");
    let database = &all.body["graphs"][3];
    assert_eq!(database["id"], "g-database");
    assert_eq!(database["product_type"], "Persistence");
    assert_eq!(database["graph_size_type_index"], "5");
    assert_eq!(database["replication"], 3);
    let unlabelled = get(&sim, &format!("/v2/{PROJECT}/graphs/g-unlabelled")).await;
    let graph = unlabelled.body["graph"].as_object().expect("a graph");
    assert!(!graph.contains_key("product_type"), "{unlabelled:?}");
    assert_eq!(graph["graph_size_type_index"], "6");
    // What the client reads off that answer: the SDK's default for the size.
    let typed: ges_api::types::ShowGraphResult =
        serde_json::from_value(unlabelled.body.clone()).expect("a ShowGraph answer");
    assert!(typed.graph.is_database_edition());
}

#[tokio::test]
async fn an_unknown_graph_is_404() {
    let sim = start().await;
    for answer in [
        get(&sim, &format!("/v2/{PROJECT}/graphs/nope")).await,
        post(&sim, &format!("/v2/{PROJECT}/graphs/nope/stop")).await,
        get(
            &sim,
            &format!("/v2/{PROJECT}/graphs/nope/jobs/ff8080816025a0a1016025a500000001/status"),
        )
        .await,
    ] {
        assert_eq!(answer.status, 404, "{answer:?}");
        assert_eq!(answer.error_code(), error_codes::GRAPH_NOT_FOUND);
        assert!(answer.error_msg().contains("nope"), "{answer:?}");
    }
}

#[tokio::test]
async fn an_unknown_job_is_404() {
    let sim = start().await;
    let answer = get(
        &sim,
        &format!("/v2/{PROJECT}/graphs/g-running/jobs/ff8080816025a0a1016025a500000099/status"),
    )
    .await;
    assert_eq!(answer.status, 404, "{answer:?}");
    assert_eq!(answer.error_code(), error_codes::JOB_NOT_FOUND);
}

#[tokio::test]
async fn listing_pages_through_every_graph_and_counts_them_all() {
    let sim = start().await;
    let all = get(&sim, &format!("/v2/{PROJECT}/graphs")).await;
    assert_eq!(all.status, 200, "{all:?}");
    assert_eq!(all.body["graph_count"], 3);
    let ids: Vec<&str> = all.body["graphs"]
        .as_array()
        .expect("graphs")
        .iter()
        .map(|graph| graph["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(ids, ["g-running", "g-stopped", "g-other"]);
    // An empty tag value stays an empty string.
    assert_eq!(
        all.body["graphs"][2]["tags"],
        json!([{"key": "team", "value": ""}])
    );

    let mut seen = Vec::new();
    for offset in [0, 2, 4] {
        let page = get(
            &sim,
            &format!("/v2/{PROJECT}/graphs?offset={offset}&limit=2"),
        )
        .await;
        assert_eq!(page.status, 200, "{page:?}");
        assert_eq!(
            page.body["graph_count"], 3,
            "graph_count is the total, not the page"
        );
        let graphs = page.body["graphs"].as_array().expect("graphs").clone();
        assert!(graphs.len() <= 2);
        seen.extend(graphs.into_iter().map(|graph| graph["id"].clone()));
    }
    assert_eq!(
        seen,
        [json!("g-running"), json!("g-stopped"), json!("g-other")]
    );
}

#[tokio::test]
async fn listing_refuses_bad_paging_parameters() {
    let sim = start().await;
    for query in [
        "offset=-1",
        "limit=0",
        "limit=1001",
        "limit=ten",
        "offset=1.5",
        "limit=1&limit=2",
        "offset=99999999999",
    ] {
        let answer = get(&sim, &format!("/v2/{PROJECT}/graphs?{query}")).await;
        assert_eq!(answer.status, 400, "{query}: {answer:?}");
        assert_eq!(
            answer.error_code(),
            error_codes::INVALID_PARAMETER,
            "{query}"
        );
    }
    // Parameters GES does not know are ignored; limit 1000 is allowed.
    let answer = get(&sim, &format!("/v2/{PROJECT}/graphs?limit=1000&name=x")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
}

#[tokio::test]
async fn invalid_identifiers_are_400_and_never_reach_the_graphs() {
    let sim = start().await;
    let too_long = "a".repeat(65);
    let targets = [
        format!("/v2/{PROJECT}/graphs/g-running%2Fx/stop"),
        format!("/v2/{PROJECT}/graphs/g%20running/stop"),
        format!("/v2/{PROJECT}/graphs/%2E%2E/stop"),
        format!("/v2/{PROJECT}/graphs/{too_long}/stop"),
        format!("/v2/{PROJECT}/graphs/g.running/stop"),
        format!("/v2/{PROJECT}/graphs/%FF/stop"),
        format!("/v2/{PROJECT}/graphs/g-running/jobs/bad.job/status"),
        format!("/v2/{PROJECT}/graphs/g%3Frunning"),
        "/v2/project-with-dash/graphs".to_owned(),
        format!("/v2/{}/graphs", "p".repeat(65)),
    ];
    for target in &targets {
        let method = if target.ends_with("/stop") {
            "POST"
        } else {
            "GET"
        };
        let answer = raw(&sim, method, target, &token_header(), b"").await;
        assert_eq!(answer.status, 400, "{target}: {answer:?}");
        assert_eq!(
            answer.error_code(),
            error_codes::INVALID_PARAMETER,
            "{target}"
        );
        assert!(!answer.error_msg().is_empty());
    }
    assert_eq!(
        sim.graph_status(&graph_id("g-running")),
        Some(GraphStatus::Running)
    );
    assert_eq!(sim.last_stop_job(&graph_id("g-running")), None);
    let requests = sim.requests();
    assert_eq!(requests.len(), targets.len());
    assert!(requests.iter().all(|r| r.status == 400));
}

#[tokio::test]
async fn another_project_is_403() {
    let sim = start().await;
    let other = "fedcba9876543210fedcba9876543210";
    for answer in [
        get(&sim, &format!("/v2/{other}/graphs")).await,
        post(&sim, &format!("/v2/{other}/graphs/g-running/stop")).await,
    ] {
        assert_eq!(answer.status, 403, "{answer:?}");
        assert_eq!(answer.error_code(), error_codes::WRONG_PROJECT);
        assert!(answer.error_msg().contains(other), "{answer:?}");
    }
    assert_eq!(
        sim.graph_status(&graph_id("g-running")),
        Some(GraphStatus::Running)
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_are_the_gateways_404() {
    let sim = start().await;
    let cases = [
        ("GET", format!("/v2/{PROJECT}/graphs/g-running/stop")),
        ("DELETE", format!("/v2/{PROJECT}/graphs/g-running")),
        ("GET", format!("/v2/{PROJECT}/graphs/g-running/start")),
        // GES has a restart call; the simulator does not serve it.
        ("POST", format!("/v2/{PROJECT}/graphs/g-running/restart")),
        ("GET", format!("/v2/{PROJECT}/graphs/")),
        ("GET", "/".to_owned()),
    ];
    for (method, target) in &cases {
        // No credentials: the gateway answers before any authentication.
        let answer = raw(&sim, method, target, &[], b"").await;
        assert_eq!(answer.status, 404, "{method} {target}: {answer:?}");
        assert_eq!(answer.error_code(), error_codes::API_NOT_FOUND);
    }
    for record in sim.requests() {
        assert_eq!(record.operation, None);
        assert_eq!(record.authentication, Authentication::NotChecked);
    }
}

#[tokio::test]
async fn every_answer_has_a_unique_request_id_and_is_recorded() {
    let sim = start().await;
    let answers = [
        get(&sim, &format!("/v2/{PROJECT}/graphs")).await,
        post(&sim, &format!("/v2/{PROJECT}/graphs/g-stopped/stop")).await,
        get(&sim, "/nowhere").await,
        raw(
            &sim,
            "GET",
            &format!("/v2/{PROJECT}/graphs?limit=1"),
            &[],
            b"",
        )
        .await,
    ];
    let mut ids = HashSet::new();
    for answer in &answers {
        let id = answer.request_id.clone().expect("an X-Request-Id");
        assert_eq!(id.len(), 32, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        assert!(ids.insert(id), "request IDs repeat");
        assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    }

    let requests = sim.requests();
    assert_eq!(requests.len(), 4);
    let summary: Vec<_> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.operation, r.authentication, r.status))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "GET",
                Some(OperationKind::ListGraphs),
                Authentication::Accepted(Scheme::Token),
                200
            ),
            (
                "POST",
                Some(OperationKind::StopGraph),
                Authentication::Accepted(Scheme::Token),
                400
            ),
            ("GET", None, Authentication::NotChecked, 404),
            (
                "GET",
                Some(OperationKind::ListGraphs),
                Authentication::Missing,
                401
            ),
        ]
    );
    assert_eq!(requests[3].query.as_deref(), Some("limit=1"));
    assert_eq!(requests[3].path, format!("/v2/{PROJECT}/graphs"));
    for (record, answer) in requests.iter().zip(&answers) {
        assert_eq!(Some(&record.request_id), answer.request_id.as_ref());
    }
    sim.clear_requests();
    assert!(sim.requests().is_empty());
}
