//! `ges-stop invoke`: run the Lambda handler locally on an event file.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use lambda_runtime::{Context, Diagnostic};
use serde_json::Value;

use crate::exit::{EXIT_FAILED, EXIT_USAGE, fail};
use crate::output::line;
use ges_stop_lambda::handler::Handler;

/// Run the Lambda handler on an event file, with the configuration from the
/// environment, and print its answer: try an event before deploying it.
///
/// The answer goes to stdout as JSON, exactly as the function would return it (an HTTP
/// event gets the gateway's response object). A failure prints the Lambda error
/// {"errorType", "errorMessage"} on stderr and exits 1; a bad configuration or an
/// unreadable file exits 2. The event really runs: use "dry_run": true to send no stop.
#[derive(Debug, Args)]
#[command(after_long_help = concat!(client_environment!(), "\n", function_environment!()))]
pub(crate) struct InvokeArgs {
    /// The event, as a JSON file (examples/events/ has one for every trigger); - for stdin.
    #[arg(long)]
    event: PathBuf,
}

/// The biggest event file read: Lambda's own limit for a synchronous invocation.
const MAX_EVENT_BYTES: u64 = 6 * 1024 * 1024;

pub(super) async fn run(args: InvokeArgs) -> ExitCode {
    let payload = match read_event(&args.event) {
        Ok(payload) => payload,
        Err(message) => return fail(EXIT_USAGE, message),
    };
    // As the function starts: the secret it names and the region's project included.
    let handler = match Handler::from_env().await {
        Ok(handler) => handler,
        Err(error) => return fail(EXIT_USAGE, error),
    };
    // The Lambda handler itself, as the runtime calls it, with a context of our own.
    let mut context = Context::default();
    context.request_id = "local-invoke".to_owned();
    match handler.invoke(&payload, &context).await {
        Ok(answer) => match line(answer) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => fail(EXIT_FAILED, error),
        },
        Err(error) => {
            let diagnostic = Diagnostic::from(error);
            let shown = serde_json::json!({
                "errorType": diagnostic.error_type,
                "errorMessage": diagnostic.error_message,
            });
            eprintln!("{shown}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

fn read_event(path: &PathBuf) -> Result<Value, String> {
    use std::io::Read;
    let shown = path.display();
    let mut text = String::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin()
            .take(MAX_EVENT_BYTES + 1)
            .read_to_string(&mut text)
    } else {
        std::fs::File::open(path)
            .and_then(|file| file.take(MAX_EVENT_BYTES + 1).read_to_string(&mut text))
    };
    read.map_err(|error| format!("--event {shown}: {error}"))?;
    if text.len() as u64 > MAX_EVENT_BYTES {
        return Err(format!(
            "--event {shown}: larger than Lambda's 6 MB limit for an event"
        ));
    }
    // As the function reads its payload: a key given twice, or more after the value, is
    // refused, not guessed at.
    ges_client::input::json::parse(&text).map_err(|error| format!("--event {shown} {error}"))
}
