//! No secret ever shows: the handler runs with real-looking secrets configured (an IAM
//! token; AK/SK with a security token), every error path it has is driven against the
//! simulator, and every log line (captured at TRACE level, as text and as JSON), every
//! answer, error message and `Debug` output is searched for the secrets.

mod common;

use common::context;

use std::sync::OnceLock;
use std::time::Duration;

use ges_client::config::vars;
use ges_client::test_support::LogBuffer;
use ges_simulator::{Fault, GraphSpec, OperationKind, RunningSimulator, Simulator};
use ges_stop_lambda::handler::Handler;
use lambda_runtime::{Diagnostic, LambdaEvent};
use serde_json::{Value, json};
use tracing_subscriber::layer::SubscriberExt;

const TOKEN: &str = "MIIZ-token-SECRET-2f0c9a7e5b1d4c3a8e6f";
const WRONG_TOKEN: &str = "MIIZ-wrong-token-SECRET-7d1e0b9c";
const AK: &str = "HPUASECRETSTESTAK000";
const SK: &str = "sk-SECRET-9b3f6e1a0c7d4e2b8a5f1c3d";
const WRONG_SK: &str = "sk-wrong-SECRET-4a8e2c6f0b1d";
const SECURITY_TOKEN: &str = "gQpzZWNyZXQtc2VjdXJpdHktdG9rZW4-SECRET-st";
const SECRETS: [&str; 5] = [TOKEN, WRONG_TOKEN, SK, WRONG_SK, SECURITY_TOKEN];

/// Everything the tracing subscriber wrote.
fn logs() -> &'static LogBuffer {
    static LOGS: OnceLock<LogBuffer> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = LogBuffer::default();
        let writer = {
            let buffer = buffer.clone();
            move || buffer.clone()
        };
        let subscriber = tracing_subscriber::registry()
            .with(tracing_subscriber::filter::LevelFilter::TRACE)
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(writer.clone()),
            )
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(true)
                    .with_writer(writer),
            );
        tracing::subscriber::set_global_default(subscriber).expect("one subscriber");
        buffer
    })
}

async fn simulator() -> RunningSimulator {
    Simulator::builder()
        .graph(GraphSpec::running("g-1".parse().unwrap(), "one"))
        .token(TOKEN)
        .ak_sk(AK, SK)
        .stop_duration(Duration::from_millis(300))
        .start()
        .await
        .unwrap()
}

fn handler(
    simulator: &RunningSimulator,
    credentials: &[(&str, &str)],
    shown: &mut Vec<String>,
) -> Handler {
    let mut env = common::simulator_env(simulator, &[(vars::REQUEST_TIMEOUT, "1")]);
    env.extend(
        credentials
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let (config, settings) = common::config(&env);
    shown.push(format!("{config:?} {settings:?}"));
    let handler = Handler::new(&config, settings).unwrap();
    shown.push(format!("{handler:?}"));
    handler
}

/// Invokes, and keeps the answer or the error, as text, Debug and Display.
async fn invoke(handler: &Handler, payload: Value, left: Duration, shown: &mut Vec<String>) {
    match handler
        .handle(LambdaEvent::new(payload, context(left)))
        .await
    {
        Ok(answer) => shown.push(format!("{answer} {answer:?}")),
        Err(error) => {
            shown.push(format!("{error} {error:?}"));
            let diagnostic = Diagnostic::from(error);
            shown.push(format!("{diagnostic:?}"));
        }
    }
}

/// Every error path, through `handler`.
async fn drive(simulator: &RunningSimulator, handler: &Handler, shown: &mut Vec<String>) {
    const LONG: Duration = Duration::from_secs(30);
    let http = {
        let text = std::fs::read_to_string(format!(
            "{}/../examples/events/apigw-http.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        serde_json::from_str::<Value>(&text.replace("6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d", "g-1"))
            .unwrap()
    };
    // Bad events.
    for payload in [
        json!({}),
        json!({"graph_id": "../g-1"}),
        json!({"graph_id": 42}),
        json!({"graph_id": "g-1", "token": TOKEN}),
        json!("g-1"),
    ] {
        invoke(handler, payload, LONG, shown).await;
    }
    // A graph GES does not have: 404.
    invoke(handler, json!({"graph_id": "nope"}), LONG, shown).await;
    // Answers GES may give, each as it comes over HTTP and as an event.
    let faults: Vec<Vec<Fault>> = vec![
        vec![Fault::json(
            401,
            r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information."}"#,
        )],
        vec![Fault::json(
            403,
            r#"{"error_code":"GES.8003","error_msg":"Forbidden."}"#,
        )],
        vec![Fault::ServiceUnavailable; 3],
        vec![Fault::status(502, "Bad Gateway"); 3],
        vec![Fault::throttled_for("3600")],
        vec![Fault::Reset; 3],
        vec![Fault::Delay(Duration::from_millis(1500)); 3],
        vec![Fault::MalformedJson],
        vec![Fault::TruncatedJson],
        vec![Fault::json(200, "{}")],
        vec![Fault::HugeBody(5 << 20)],
    ];
    for queued in faults {
        for payload in [json!({"graph_id": "g-1"}), http.clone()] {
            simulator.put_graph(GraphSpec::running("g-1".parse().unwrap(), "one"));
            simulator.clear_faults();
            for fault in &queued {
                simulator.fail_next(OperationKind::StopGraph, fault.clone());
            }
            invoke(handler, payload, LONG, shown).await;
        }
    }
    // The deadline.
    simulator.put_graph(GraphSpec::running("g-1".parse().unwrap(), "one"));
    simulator.fail_next(
        OperationKind::StopGraph,
        Fault::Delay(Duration::from_secs(3)),
    );
    invoke(
        handler,
        json!({"graph_id": "g-1"}),
        Duration::from_millis(800),
        shown,
    )
    .await;
    // A wait whose look-ups fail, and a dry run.
    simulator.put_graph(GraphSpec::running("g-1".parse().unwrap(), "one"));
    simulator.fail_next(OperationKind::ShowJob, Fault::Reset);
    invoke(
        handler,
        json!({"graph_id": "g-1", "wait": true}),
        LONG,
        shown,
    )
    .await;
    simulator.fail_next(OperationKind::ShowGraph, Fault::MalformedJson);
    invoke(
        handler,
        json!({"graph_id": "g-1", "dry_run": true}),
        LONG,
        shown,
    )
    .await;
    // A batch, one graph failing.
    simulator.fail_graph(&"g-1".parse().unwrap(), Fault::ServiceUnavailable);
    invoke(handler, json!({"graph_ids": ["g-1", "nope"]}), LONG, shown).await;
    simulator.clear_faults();
    // Fleet runs: a selection, its listing refused or failing, too many selected, a
    // another region whose project IAM must find.
    invoke(handler, json!({"selector": {"name": "*"}}), LONG, shown).await;
    for fault in [
        Fault::json(403, r#"{"error_code":"GES.8003","error_msg":"Forbidden."}"#),
        Fault::MalformedJson,
        Fault::Reset,
    ] {
        simulator.fail_next(OperationKind::ListGraphs, fault);
        invoke(handler, json!({"selector": {"name": "*"}}), LONG, shown).await;
        simulator.clear_faults();
    }
    invoke(
        handler,
        json!({"selector": {"name": "*"}, "max_graphs": 1}),
        LONG,
        shown,
    )
    .await;
    invoke(
        handler,
        json!({"selector": {"name": "*", "region": "ap-southeast-1"}}),
        Duration::from_secs(2),
        shown,
    )
    .await;
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(
            !text.contains(secret),
            "{what} holds the secret {secret:?}: ...{}...",
            around(text, secret)
        );
    }
}

fn around<'a>(text: &'a str, secret: &str) -> &'a str {
    let at = text.find(secret).unwrap_or(0);
    let start = (0..=at.saturating_sub(200))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    &text[start..at]
}

#[tokio::test]
async fn no_secret_reaches_a_log_line_an_answer_an_error_or_debug_output() {
    let logs = logs();
    let simulator = simulator().await;
    let mut shown = Vec::new();

    let token = handler(&simulator, &[(vars::AUTH_TOKEN, TOKEN)], &mut shown);
    drive(&simulator, &token, &mut shown).await;
    let aksk = handler(
        &simulator,
        &[
            (vars::AK, AK),
            (vars::SK, SK),
            (vars::SECURITY_TOKEN, SECURITY_TOKEN),
        ],
        &mut shown,
    );
    drive(&simulator, &aksk, &mut shown).await;
    // Credentials GES refuses: real 401s.
    for credentials in [
        vec![(vars::AUTH_TOKEN, WRONG_TOKEN)],
        vec![
            (vars::AK, AK),
            (vars::SK, WRONG_SK),
            (vars::SECURITY_TOKEN, SECURITY_TOKEN),
        ],
    ] {
        let wrong = handler(&simulator, &credentials, &mut shown);
        invoke(
            &wrong,
            json!({"graph_id": "g-1"}),
            Duration::from_secs(30),
            &mut shown,
        )
        .await;
        shown.push(format!("{:?}", simulator.requests().last()));
    }
    shown.push(format!("{:?}", simulator.requests()));

    let logged = logs.text();
    assert!(
        logged.contains("trying again") && logged.contains("graph failed"),
        "the logs were captured: {} bytes",
        logged.len()
    );
    eprintln!(
        "{} bytes of logs and {} answers, errors and Debug outputs searched",
        logged.len(),
        shown.len()
    );
    assert_no_secret("the logs", &logged);
    for (index, text) in shown.iter().enumerate() {
        assert_no_secret(&format!("output {index}"), text);
    }
}

#[test]
#[should_panic(expected = "holds the secret")]
fn the_search_finds_a_secret() {
    assert_no_secret("a line", &format!("Authorization: token={SK}"));
}
