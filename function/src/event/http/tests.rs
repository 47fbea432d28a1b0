use base64::Engine as _;
use serde_json::json;

use super::*;
use crate::event::parse as parse_event;

const G1: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const P: &str = "0123456789abcdef0123456789abcdef";

fn fixture(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn rest() -> Value {
    fixture(include_str!("../../../../examples/events/apigw-rest.json"))
}

fn rest_projects() -> Value {
    fixture(include_str!(
        "../../../../examples/events/apigw-rest-projects.json"
    ))
}

fn http_api() -> Value {
    fixture(include_str!("../../../../examples/events/apigw-http.json"))
}

fn function_url() -> Value {
    fixture(include_str!(
        "../../../../examples/events/function-url.json"
    ))
}

/// Each front end's fixture, with the trigger it must be read as.
fn all() -> [(Value, HttpApi); 3] {
    [
        (rest(), HttpApi::RestApi),
        (http_api(), HttpApi::HttpApi),
        (function_url(), HttpApi::FunctionUrl),
    ]
}

fn stop(graph: &str, project: Option<&str>, wait: bool, dry_run: bool) -> RunRequest {
    RunRequest {
        graphs: Some(Graphs::Named(vec![graph.parse().unwrap()])),
        project_id: project.map(|p| p.parse().unwrap()),
        wait,
        dry_run,
        max_graphs: None,
        credentials: None,
    }
}

/// The error for `event`, checked: the HTTP trigger is kept, the status is `status`,
/// and the message is short.
fn refused(event: &Value, front_end: HttpApi, status: u16) -> EventError {
    let err = parse_event(event).unwrap_err();
    assert_eq!(err.trigger, Some(Trigger::Http(front_end)), "{err}");
    assert_eq!(err.error.http_status(), status, "{err}");
    let message = err.to_string();
    assert!(message.len() < 400, "{} chars: {message}", message.len());
    err.error
}

/// Removes the path parameters, so that the route comes from the raw path.
fn without_parameters(mut event: Value) -> Value {
    event.as_object_mut().unwrap().remove("pathParameters");
    event
}

/// Sets the path in every field that holds it.
fn with_path(mut event: Value, path: &str) -> Value {
    for pointer in ["/path", "/rawPath", "/requestContext/http/path"] {
        if let Some(field) = event.pointer_mut(pointer) {
            *field = json!(path);
        }
    }
    event
}

fn with_method(mut event: Value, method: &str) -> Value {
    for pointer in [
        "/httpMethod",
        "/requestContext/httpMethod",
        "/requestContext/http/method",
    ] {
        if let Some(field) = event.pointer_mut(pointer) {
            *field = json!(method);
        }
    }
    event
}

fn with_body(mut event: Value, body: Value, is_base64: bool) -> Value {
    event["body"] = body;
    event["isBase64Encoded"] = json!(is_base64);
    event
}

#[test]
fn fixtures_parse() {
    assert_eq!(
        parse_event(&rest()).unwrap(),
        Invocation {
            trigger: Trigger::Http(HttpApi::RestApi),
            request: stop(G1, None, false, false),
        }
    );
    assert_eq!(
        parse_event(&rest_projects()).unwrap(),
        Invocation {
            trigger: Trigger::Http(HttpApi::RestApi),
            request: stop(G1, Some(P), false, false),
        }
    );
    assert_eq!(
        parse_event(&http_api()).unwrap(),
        Invocation {
            trigger: Trigger::Http(HttpApi::HttpApi),
            request: stop(G1, None, false, false),
        }
    );
    assert_eq!(
        parse_event(&function_url()).unwrap(),
        Invocation {
            trigger: Trigger::Http(HttpApi::FunctionUrl),
            request: stop(G1, None, false, false),
        }
    );
}

#[test]
fn function_urls_are_told_by_their_host() {
    for host in [
        "abc.lambda-url.us-east-1.on.aws",
        "ABC.LAMBDA-URL.eu-west-1.ON.AWS",
        "abc.lambda-url.us-east-1.on.aws.",
    ] {
        assert!(is_function_url_host(host), "{host}");
    }
    for host in [
        "abc.execute-api.us-east-1.amazonaws.com",
        "api.example.com",
        "lambda-url.us-east-1.on.aws",
        "abc.lambda-url.us-east-1.on.aws.example.com",
        "x.abc.lambda-url.us-east-1.on.aws",
        "",
    ] {
        assert!(!is_function_url_host(host), "{host}");
    }
    // An HTTP API on a custom domain stays an HTTP API.
    let mut event = http_api();
    event["requestContext"]["domainName"] = json!("api.example.com");
    assert_eq!(
        parse_event(&event).unwrap().trigger,
        Trigger::Http(HttpApi::HttpApi)
    );
    // A 2.0 payload with no domain is an HTTP API.
    let mut event = function_url();
    event["requestContext"]
        .as_object_mut()
        .unwrap()
        .remove("domainName");
    assert_eq!(
        parse_event(&event).unwrap().trigger,
        Trigger::Http(HttpApi::HttpApi)
    );
}

#[test]
fn the_projects_route_from_the_raw_path() {
    let path = format!("/projects/{P}/graphs/{G1}/stop");
    for (event, front_end) in all() {
        let event = with_path(without_parameters(event), &path);
        let invocation = parse_event(&event).unwrap();
        assert_eq!(invocation.trigger, Trigger::Http(front_end));
        assert_eq!(
            invocation.request.graphs,
            stop(G1, None, false, false).graphs
        );
        assert_eq!(invocation.request.project_id, Some(P.parse().unwrap()));
    }
}

#[test]
fn a_stage_or_base_path_in_front_of_the_route_changes_nothing() {
    for prefix in ["/prod", "/testStage", "/v1/ges-stop", ""] {
        for (event, front_end) in all() {
            let event = with_path(
                without_parameters(event),
                &format!("{prefix}/graphs/{G1}/stop"),
            );
            let invocation = parse_event(&event).unwrap();
            assert_eq!(invocation.trigger, Trigger::Http(front_end));
            assert_eq!(invocation.request, stop(G1, None, false, false), "{prefix}");
        }
    }
}

#[test]
fn path_parameters_win_over_the_raw_path() {
    // A REST API whose resource has the template: the parameter names the graph.
    let mut event = with_path(rest(), "/somewhere/else");
    event["pathParameters"] = json!({"graph_id": "from-parameters"});
    assert_eq!(
        parse_event(&event).unwrap().request,
        stop("from-parameters", None, false, false)
    );
    // A greedy proxy resource gives no graph_id: the raw path is read.
    let mut event = rest();
    event["pathParameters"] = json!({"proxy": format!("graphs/{G1}/stop")});
    assert_eq!(
        parse_event(&event).unwrap().request,
        stop(G1, None, false, false)
    );
}

#[test]
fn a_method_other_than_post_is_405() {
    for method in ["GET", "PUT", "DELETE", "post", "OPTIONS"] {
        for (event, front_end) in all() {
            let err = refused(&with_method(event, method), front_end, 405);
            assert!(
                matches!(err, EventError::MethodNotAllowed { .. }),
                "{err:?}"
            );
            assert!(
                err.to_string()
                    .starts_with(&format!("method \"{method}\" is not allowed")),
                "{err}"
            );
        }
    }
}

#[test]
fn a_path_that_is_no_route_is_404() {
    let long = format!("/{}", "x".repeat(200_000));
    for path in [
        "/",
        "/graphs",
        "/graphs/stop",
        "/graphs/x/start",
        "/graphs/x/stop/",
        "/graph/x/stop",
        long.as_str(),
    ] {
        for (event, front_end) in all() {
            let event = with_method(with_path(without_parameters(event), path), "GET");
            let err = refused(&event, front_end, 404);
            assert!(matches!(err, EventError::NoRoute { .. }), "{err:?}");
            assert!(err.to_string().starts_with("no route for \""), "{err}");
            assert!(
                err.to_string().contains("POST /graphs/{graph_id}/stop"),
                "{err}"
            );
        }
    }
}

#[test]
fn bad_ids_in_the_path_are_400() {
    let long = "x".repeat(200_000);
    for id in [
        "a%2Fb",
        "..",
        "a?b",
        "a#b",
        "a%00b",
        "a b",
        "é",
        "",
        long.as_str(),
    ] {
        for (event, front_end) in all() {
            let event = with_path(without_parameters(event), &format!("/graphs/{id}/stop"));
            let err = refused(&event, front_end, 400);
            assert!(
                matches!(err, EventError::InvalidId { .. }),
                "{id:?}: {err:?}"
            );
            assert!(
                err.to_string()
                    .starts_with("\"graph_id\" in the request path: "),
                "{err}"
            );
        }
    }
    // Path parameters arrive decoded: a decoded `/` or control character is refused too.
    for id in ["a/b", "../x", "a\r\nb", "a\0b"] {
        let mut event = rest();
        event["pathParameters"] = json!({ "graph_id": id });
        refused(&event, HttpApi::RestApi, 400);
    }
    let mut event = rest_projects();
    event["pathParameters"]["project_id"] = json!("not-a-project");
    let err = refused(&event, HttpApi::RestApi, 400);
    assert!(
        err.to_string().starts_with(
            "\"project_id\" in the request path: \"not-a-project\" is not a valid ProjectId"
        ),
        "{err}"
    );
}

#[test]
fn the_body_may_say_wait_and_dry_run() {
    for (event, _) in all() {
        let event = with_body(event, json!(r#"{"wait": true, "dry_run": true}"#), false);
        assert_eq!(
            parse_event(&event).unwrap().request,
            stop(G1, None, true, true)
        );
    }
}

#[test]
fn a_base64_body_is_decoded() {
    let encoded = base64::engine::general_purpose::STANDARD.encode(br#"{"dry_run": true}"#);
    for (event, _) in all() {
        let event = with_body(event, json!(encoded), true);
        assert_eq!(
            parse_event(&event).unwrap().request,
            stop(G1, None, false, true)
        );
    }
    for (event, front_end) in all() {
        let err = refused(
            &with_body(event, json!("not base64!"), true),
            front_end,
            400,
        );
        assert!(matches!(err, EventError::BodyNotBase64), "{err:?}");
    }
}

#[test]
fn an_absent_or_empty_body_means_the_defaults() {
    for body in [json!(null), json!(""), json!("  \r\n"), json!("{}")] {
        for (event, _) in all() {
            let event = with_body(event, body.clone(), false);
            assert_eq!(
                parse_event(&event).unwrap().request,
                stop(G1, None, false, false)
            );
        }
    }
    for (mut event, _) in all() {
        event.as_object_mut().unwrap().remove("body");
        assert_eq!(
            parse_event(&event).unwrap().request,
            stop(G1, None, false, false)
        );
    }
}

#[test]
fn a_bad_body_is_400() {
    let cases = [
        (json!("wait=true"), "the request body is not JSON ("),
        (json!("{\"wait\": true"), "the request body is not JSON ("),
        (
            json!("[true]"),
            "the request body must be a JSON object such as {\"wait\": true}, not an array",
        ),
        (
            json!("null"),
            "the request body must be a JSON object such as {\"wait\": true}, not null",
        ),
        (
            json!(format!("{{\"graph_id\": \"{G1}\"}}")),
            "unknown field \"graph_id\" in the request body; it accepts \"wait\" and \"dry_run\"",
        ),
        (
            json!("{\"wiat\": true}"),
            "unknown field \"wiat\" in the request body",
        ),
        (
            json!("{\"wait\": \"yes\"}"),
            "\"wait\" in the request body must be a boolean, not a string",
        ),
        (
            json!(format!("\"{}\"", "x".repeat(200_000))),
            "the request body must be a JSON object",
        ),
    ];
    for (body, expected) in cases {
        for (event, front_end) in all() {
            let err = refused(&with_body(event, body.clone(), false), front_end, 400);
            assert!(err.to_string().starts_with(expected), "{err}");
        }
    }
    // The body must be a string in the envelope itself.
    for (event, front_end) in all() {
        let err = refused(
            &with_body(event, json!({"wait": true}), false),
            front_end,
            400,
        );
        assert!(
            matches!(err, EventError::MalformedEnvelope { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("malformed at \"body\""), "{err}");
    }
}

#[test]
fn headers_and_cookies_are_never_read() {
    const SECRET: &str = "Bearer s3cr3t-t0k3n";
    for (mut event, front_end) in all() {
        // Credentials, and headers no HeaderMap could hold.
        event["headers"] = json!({"Authorization": SECRET, "X-Bad\n": {"nested": SECRET}});
        event["multiValueHeaders"] = json!({"Authorization": [SECRET, 5]});
        event["cookies"] = json!([SECRET, 7]);
        assert_eq!(
            parse_event(&event).unwrap().trigger,
            Trigger::Http(front_end)
        );

        // Whatever goes wrong, no message repeats them.
        let broken = [
            with_method(event.clone(), "GET"),
            with_path(without_parameters(event.clone()), "/nowhere"),
            with_body(event.clone(), json!("{"), false),
            with_body(event.clone(), json!(5), false),
        ];
        for broken in broken {
            let err = parse_event(&broken).unwrap_err();
            assert!(!err.to_string().contains("s3cr3t"), "{err}");
            assert!(!format!("{err:?}").contains("s3cr3t"), "{err:?}");
        }
    }
}

#[test]
fn a_malformed_envelope_keeps_the_http_trigger() {
    let mut event = rest();
    event["requestContext"] = json!("nope");
    let err = refused(&event, HttpApi::RestApi, 400);
    assert!(
        err.to_string()
            .starts_with("the API Gateway REST API request is malformed at \"requestContext\""),
        "{err}"
    );

    let mut event = http_api();
    event["requestContext"]["http"]
        .as_object_mut()
        .unwrap()
        .remove("method");
    let err = refused(&event, HttpApi::HttpApi, 400);
    assert!(
        err.to_string().starts_with(
            "the API Gateway HTTP API request is malformed at \"requestContext.http\""
        ),
        "{err}"
    );

    let mut event = function_url();
    event["requestContext"]["http"]["method"] = json!(null);
    let err = refused(&event, HttpApi::FunctionUrl, 400);
    assert!(matches!(err, EventError::MissingField { .. }), "{err:?}");
}

#[test]
fn the_fleet_route_takes_the_graphs_from_the_body() {
    for (event, front_end) in all() {
        let event = with_path(without_parameters(event), "/prod/fleet/stop");
        let body = json!(r#"{"selector": {"name": "dev-*"}, "max_graphs": 5, "wait": true}"#);
        let invocation = parse_event(&with_body(event.clone(), body, false)).unwrap();
        assert_eq!(invocation.trigger, Trigger::Http(front_end));
        let Some(Graphs::Selected(selectors)) = &invocation.request.graphs else {
            panic!("{:?}", invocation.request.graphs);
        };
        assert_eq!(selectors[0].name.as_ref().unwrap().as_str(), "dev-*");
        assert_eq!(invocation.request.max_graphs, Some(5));
        assert!(invocation.request.wait);

        // Graph ids in the body work there too.
        let body = json!(format!(r#"{{"graph_ids": ["{G1}"], "project_id": "{P}"}}"#));
        let invocation = parse_event(&with_body(event.clone(), body, false)).unwrap();
        assert_eq!(invocation.request, stop(G1, Some(P), false, false));

        // Without a body it names nothing; a one-graph body option is not enough.
        let err = refused(&event, front_end, 400);
        assert!(
            matches!(
                err,
                EventError::NoGraph {
                    part: EventPart::HttpBody
                }
            ),
            "{err:?}"
        );
        let err = refused(
            &with_body(event.clone(), json!(r#"{"wait": true}"#), false),
            front_end,
            400,
        );
        assert!(matches!(err, EventError::NoGraph { .. }), "{err:?}");
        // GET on it is 405, as on the graph routes.
        refused(&with_method(event, "GET"), front_end, 405);
    }
}

#[test]
fn a_one_graph_route_refuses_selectors_in_its_body() {
    for (event, front_end) in all() {
        let body = json!(r#"{"selector": {"name": "*"}}"#);
        let err = refused(&with_body(event, body, false), front_end, 400);
        let message = err.to_string();
        assert!(
            message.starts_with("unknown field \"selector\" in the request body"),
            "{message}"
        );
        assert!(message.contains("POST /fleet/stop"), "{message}");
    }
}

/// A front end's fixture routed to `path`, with `body` (JSON `null` for none).
fn reconcile_request(event: Value, path: &str, body: Value) -> Value {
    with_body(with_path(without_parameters(event), path), body, false)
}

fn scheduled(request: &RunRequest) -> &ges_client::run::Scheduled {
    match &request.graphs {
        Some(Graphs::Scheduled(scheduled)) => scheduled,
        other => panic!("not a reconcile: {other:?}"),
    }
}

#[test]
fn post_reconcile_on_every_front_end_with_or_without_a_body() {
    let bare = RunRequest {
        graphs: Some(Graphs::Scheduled(ges_client::run::Scheduled {
            selectors: Vec::new(),
            at: None,
        })),
        project_id: None,
        wait: false,
        dry_run: false,
        max_graphs: None,
        credentials: None,
    };
    for (event, front_end) in all() {
        for path in ["/reconcile", "/prod/reconcile", "/base/path/reconcile"] {
            // No body, an empty one, a blank one, an empty object: every scheduled graph, now.
            for body in [json!(null), json!(""), json!(" \n"), json!("{}")] {
                let event = reconcile_request(event.clone(), path, body.clone());
                let invocation =
                    parse_event(&event).unwrap_or_else(|err| panic!("{path} {body}: {err}"));
                assert_eq!(invocation.trigger, Trigger::Http(front_end), "{path}");
                assert_eq!(invocation.request, bare, "{front_end:?} {path} {body}");
            }
            // A body with the options; "reconcile": true may be said again.
            for reconcile in [json!({}), json!({"reconcile": true})] {
                let mut options = json!({"at": "2026-12-04T20:00:00+08:00", "dry_run": true,
                    "project_id": P, "selectors": [{"name": "dev-*"}], "max_graphs": 10});
                if let (Some(options), Some(extra)) =
                    (options.as_object_mut(), reconcile.as_object())
                {
                    options.extend(extra.clone());
                }
                let event = reconcile_request(event.clone(), path, json!(options.to_string()));
                let request = parse_event(&event)
                    .unwrap_or_else(|err| panic!("{path}: {err}"))
                    .request;
                let reconcile = scheduled(&request);
                assert_eq!(
                    reconcile.at,
                    Some("2026-12-04T12:00:00Z".parse().unwrap()),
                    "{front_end:?} {path}"
                );
                assert_eq!(
                    serde_json::to_value(&reconcile.selectors).unwrap(),
                    json!([{"name": "dev-*"}])
                );
                assert!(request.dry_run);
                assert_eq!(request.project_id, Some(P.parse().unwrap()));
                assert_eq!(request.max_graphs, Some(10));
            }
        }
        // Base64, as a front end may send any body.
        let encoded = base64::engine::general_purpose::STANDARD.encode(r#"{"dry_run": true}"#);
        let event = with_body(
            with_path(without_parameters(event.clone()), "/reconcile"),
            json!(encoded),
            true,
        );
        let request = parse_event(&event).unwrap().request;
        assert!(request.dry_run);
        assert!(matches!(request.graphs, Some(Graphs::Scheduled(_))));
    }
}

#[test]
fn post_reconcile_refusals_name_the_body_field() {
    let cases = [
        (
            json!({"reconcile": false}),
            "\"reconcile\" in the request body must be true, not a boolean",
        ),
        (
            json!({"reconcile": "yes"}),
            "\"reconcile\" in the request body must be true, not a string",
        ),
        (
            json!({"graph_id": G1}),
            "\"graph_id\" in the request body does not go with \"reconcile\"",
        ),
        (
            json!({"graph_ids": [G1]}),
            "\"graph_ids\" in the request body does not go with \"reconcile\"",
        ),
        (
            json!({"wait": true}),
            "\"wait\" in the request body does not go with \"reconcile\"",
        ),
        (
            json!({"at": 5}),
            "\"at\" in the request body must be a string, not a number",
        ),
        (
            json!({"at": "2026-12-04T20:00:00"}),
            "\"at\" in the request body is \"2026-12-04T20:00:00\", not an RFC 3339 time",
        ),
        (
            json!({"at": "soon"}),
            "\"at\" in the request body is \"soon\", not an RFC 3339 time",
        ),
        (
            json!({"selector": {"name": "*"}, "selectors": [{"name": "*"}]}),
            "the request body has both \"selector\" and \"selectors\"",
        ),
        (
            json!({"dryrun": true}),
            "unknown field \"dryrun\" in the request body",
        ),
    ];
    for (event, front_end) in all() {
        for (body, expected) in &cases {
            let event =
                reconcile_request(event.clone(), "/prod/reconcile", json!(body.to_string()));
            let message = refused(&event, front_end, 400).to_string();
            assert!(
                message.contains(expected),
                "{front_end:?} {body}: {message}"
            );
        }
        // A body that is not a JSON object.
        let event = reconcile_request(event.clone(), "/reconcile", json!("[true]"));
        let err = refused(&event, front_end, 400);
        assert!(matches!(err, EventError::BodyNotAnObject { .. }), "{err:?}");
        // Another method is 405, as on the other routes.
        let event = with_method(reconcile_request(event, "/reconcile", json!(null)), "GET");
        let err = refused(&event, front_end, 405);
        assert!(err.to_string().contains("POST /reconcile"), "{err}");
    }
}

#[test]
fn the_reconcile_fixture_is_a_dry_run_over_every_scheduled_graph() {
    let event = fixture(include_str!(
        "../../../../examples/events/reconcile-http.json"
    ));
    let invocation = parse_event(&event).unwrap();
    assert_eq!(invocation.trigger, Trigger::Http(HttpApi::HttpApi));
    let request = invocation.request;
    assert!(request.dry_run);
    assert_eq!(
        scheduled(&request),
        &ges_client::run::Scheduled {
            selectors: Vec::new(),
            at: None,
        }
    );
}

/// The envelope through `aws_lambda_events`' full types, as it was read before the lean
/// views (`http/lean.rs`): the reference they are held to.
fn full_envelope(front_end: HttpApi, object: &Map<String, Value>) -> Result<Request, EventError> {
    use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayV2httpRequest};
    use aws_lambda_events::lambda_function_urls::LambdaFunctionUrlRequest;

    let kept = super::without_dropped_fields(object);
    let part = EventPart::HttpRequest(front_end);
    Ok(match front_end {
        HttpApi::RestApi => {
            let request: ApiGatewayProxyRequest = crate::event::envelope::read(&kept, part)?;
            Request {
                method: request.http_method.as_str().to_owned(),
                path: request.path.or(request.request_context.path),
                parameters: request.path_parameters,
                body: request.body,
                body_is_base64: request.is_base64_encoded,
            }
        }
        HttpApi::HttpApi => {
            let request: ApiGatewayV2httpRequest = crate::event::envelope::read(&kept, part)?;
            let http = request.request_context.http;
            Request {
                method: http.method.as_str().to_owned(),
                path: request.raw_path.or(http.path),
                parameters: request.path_parameters,
                body: request.body,
                body_is_base64: request.is_base64_encoded,
            }
        }
        HttpApi::FunctionUrl => {
            let request: LambdaFunctionUrlRequest = crate::event::envelope::read(&kept, part)?;
            let http = request.request_context.http;
            Request {
                method: http.method.ok_or(EventError::MissingField {
                    part,
                    field: Field::Named("requestContext.http.method"),
                })?,
                path: request.raw_path.or(http.path),
                parameters: HashMap::new(),
                body: request.body,
                body_is_base64: request.is_base64_encoded,
            }
        }
    })
}

/// The lean view and the full type read `event` alike: the same fields, or the same
/// refusal (where and why).
#[track_caller]
fn assert_read_alike(event: &Value, front_end: HttpApi) {
    let object = event.as_object().unwrap();
    assert_eq!(
        seen(envelope(front_end, object)),
        seen(full_envelope(front_end, object)),
        "{event}"
    );
}

/// What was read, the path parameters in order.
fn seen(read: Result<Request, EventError>) -> String {
    match read {
        Ok(request) => format!(
            "{:?} {:?} {:?} {:?} {}",
            request.method,
            request.path,
            request
                .parameters
                .into_iter()
                .collect::<std::collections::BTreeMap<_, _>>(),
            request.body,
            request.body_is_base64
        ),
        Err(error) => format!("{error:?}"),
    }
}

/// Every field the lean views read. A REST API's
/// `httpMethod` only there: format 2.0's full type reads a top-level `httpMethod` too
/// (deprecated, for custom authorizers), which the function never reads.
const READ_FIELDS: [&str; 12] = [
    "/httpMethod",
    "/path",
    "/rawPath",
    "/pathParameters",
    "/pathParameters/graph_id",
    "/body",
    "/isBase64Encoded",
    "/requestContext",
    "/requestContext/path",
    "/requestContext/http",
    "/requestContext/http/method",
    "/requestContext/http/path",
];

#[test]
fn the_lean_views_read_what_the_full_types_read() {
    let fixtures = [
        (rest(), HttpApi::RestApi),
        (rest_projects(), HttpApi::RestApi),
        (http_api(), HttpApi::HttpApi),
        (function_url(), HttpApi::FunctionUrl),
        (
            fixture(include_str!("../../../../examples/events/fleet-http.json")),
            HttpApi::HttpApi,
        ),
        (
            fixture(include_str!(
                "../../../../examples/events/reconcile-http.json"
            )),
            HttpApi::HttpApi,
        ),
    ];
    for (event, front_end) in fixtures {
        assert_eq!(detect(event.as_object().unwrap()), Some(front_end));
        assert!(envelope(front_end, event.as_object().unwrap()).is_ok());
        assert_read_alike(&event, front_end);
        for pointer in READ_FIELDS {
            if pointer == "/httpMethod" && front_end != HttpApi::RestApi {
                continue;
            }
            for changed in crate::event::envelope::variants(&event, pointer) {
                assert_read_alike(&changed, front_end);
            }
        }
    }
}

proptest::proptest! {
    /// Any method string, in the field each envelope reads it from.
    #[test]
    fn any_method_is_read_alike(method in "\\PC{0,12}") {
        for (mut event, front_end) in all() {
            for pointer in ["/httpMethod", "/requestContext/http/method"] {
                if pointer == "/httpMethod" && front_end != HttpApi::RestApi {
                    continue;
                }
                if let Some(field) = event.pointer_mut(pointer) {
                    *field = json!(method);
                }
            }
            assert_read_alike(&event, front_end);
        }
    }
}
