//! The `ges-stop` command line: `stop` a graph, `invoke` the Lambda handler on an event
//! file, run the `simulate`d GES, or watch the `demo`.

mod demo;
mod invoke;
mod simulate;
mod stop;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code for a failure GES or the network reported.
const EXIT_FAILED: u8 = 1;
/// Exit code for a bad command line or configuration: nothing was sent.
const EXIT_USAGE: u8 = 2;

/// Stops Huawei Cloud GES graphs, so that they are no longer billed.
///
/// Credentials and the endpoint come from the environment, with the official SDK's
/// names: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN,
/// HUAWEICLOUD_SDK_PROJECT_ID, HUAWEICLOUD_SDK_REGION; or GES_AUTH_TOKEN for an IAM
/// token and GES_ENDPOINT for an explicit endpoint. Logs go to stderr (RUST_LOG=debug
/// for more).
#[derive(Debug, Parser)]
#[command(name = "ges-stop", version)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Stop(stop::StopArgs),
    Invoke(invoke::InvokeArgs),
    Simulate(simulate::SimulateArgs),
    Demo(demo::DemoArgs),
}

/// Runs the command line; the binary's `main`.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    runtime.block_on(async {
        match cli.command {
            Command::Stop(args) => stop::run(args).await,
            Command::Invoke(args) => invoke::run(args).await,
            Command::Simulate(args) => simulate::run(args).await,
            Command::Demo(args) => demo::run(args).await,
        }
    })
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Prints an error the way every subcommand does, and gives the exit code.
fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}
