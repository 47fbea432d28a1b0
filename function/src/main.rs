//! The AWS Lambda function: reads its configuration once, then serves invocations.

use ges_client::run::ErrorType;
use ges_stop_lambda::handler::{Handler, StartupError};
use ges_stop_lambda::metrics::Metrics;
use ges_stop_lambda::payload_text::{PayloadText, WholePayload};
use lambda_runtime::layers::TracingLayer;
use lambda_runtime::{LambdaEvent, Runtime, service_fn};

// One thread: a Lambda instance serves one invocation at a time, and its stops are
// I/O-bound, so a multi-threaded scheduler would only cost start-up time.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    // JSON when AWS_LAMBDA_LOG_FORMAT=JSON; every line inside an invocation carries its
    // request id, from the runtime's span.
    ges_stop_lambda::logs::init_lambda();

    let handler = match start().await {
        Ok(handler) => handler,
        Err(error) => {
            // A bad configuration fails the init phase, once, with the reason, rather
            // than every invocation.
            tracing::error!(error = %error, "ges-stop cannot start: fix its configuration");
            report_init_error(&error.to_string()).await;
            std::process::exit(1);
        }
    };
    let settings = handler.settings();
    if settings.policy.allows_any() {
        tracing::info!(
            "GES_ALLOWED_GRAPH_IDS and GES_ALLOWED_PROJECT_IDS are not set: any graph the \
             credentials can stop may be stopped"
        );
    }
    let handler = &handler;
    let service = service_fn(move |event: LambdaEvent<PayloadText>| async move {
        handler.handle_text(event).await
    });
    // What `lambda_runtime::run` builds, with the payload handed over whole (outermost,
    // so before the runtime parses it): the handler reads it strictly.
    Runtime::new(service)
        .layer(TracingLayer::new())
        .layer(WholePayload)
        .run()
        .await
}

/// The handler, from the environment, writing its metrics to stdout. The metrics
/// variables are read first: they need no call to be checked.
async fn start() -> Result<Handler, StartupError> {
    let metrics = Metrics::from_env()?;
    Ok(Handler::from_env().await?.with_metrics(metrics))
}

/// Tells the Runtime API why init failed, so that the invoker sees the reason as an
/// `InvalidConfiguration` error rather than a bare exit. `lambda_runtime` makes this
/// call only for its own SnapStart failures, so it is made here. Best effort: the
/// process exits either way, and the log line above already says why.
async fn report_init_error(message: &str) {
    let Ok(api) = std::env::var("AWS_LAMBDA_RUNTIME_API") else {
        return;
    };
    // Lambda gives host:port; local emulators may give a URL with a path prefix.
    let base = if api.contains("://") {
        api
    } else {
        format!("http://{api}")
    };
    let body = serde_json::json!({
        "errorType": ErrorType::InvalidConfiguration.name(),
        "errorMessage": message,
    });
    // Plain HTTP to the Runtime API: the compiled-in roots, never used, and no file read.
    let client = ges_client::transport::build_client(Default::default());
    let client = match client {
        Ok(client) => client,
        Err(error) => {
            tracing::warn!(error = %error, "could not build a client for the Runtime API");
            return;
        }
    };
    let sent = client
        .post(format!(
            "{}/2018-06-01/runtime/init/error",
            base.trim_end_matches('/')
        ))
        .header(
            "Lambda-Runtime-Function-Error-Type",
            ErrorType::InvalidConfiguration.name(),
        )
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .timeout(std::time::Duration::from_secs(2))
        .send()
        .await;
    if let Err(error) = sent {
        tracing::warn!(error = %error, "could not report the init error to the Runtime API");
    }
}
