//! The `ges-stop` command line: `stop` graphs and `list` them as the function selects
//! them, `invoke` the Lambda handler on an event file, run the `simulate`d GES, watch the
//! `demo`, check `schedules`, `reconcile` the scheduled graphs as the function does, or
//! see what the schedules save (`savings`).

#![warn(missing_docs)]

/// The variables a GES client reads (`stop`, `invoke`, the function), for `--help`. A
/// macro because `concat!` joins only literals. tests/tests/help.rs checks that it names
/// every variable of `config::vars`.
macro_rules! client_environment {
    () => {
        "Environment (read once, at start-up; README.md, \"Configuration\", has defaults and examples):
  HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK
                          the access key and secret key that sign requests (AK/SK)
  HUAWEICLOUD_SDK_SECURITY_TOKEN
                          the security token of temporary AK/SK credentials
  GES_AUTH_TOKEN          an IAM token, sent as X-Auth-Token, instead of AK/SK
  GES_IAM_USER, GES_IAM_PASSWORD, GES_IAM_DOMAIN
                          an IAM user whose password obtains a token, instead
  GES_IAM_AGENCY, GES_IAM_AGENCY_DOMAIN
                          an agency to assume with the credentials above, and its domain
  HUAWEICLOUD_SDK_SECRET_ID
                          an AWS Secrets Manager secret (name or ARN) holding the AK/SK,
                          token or IAM user above, as {\"HUAWEICLOUD_SDK_AK\": \"...\", ...}, read
                          through the AWS Parameters and Secrets Lambda Extension
                          (PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, AWS_SESSION_TOKEN)
  HUAWEICLOUD_OIDC_PROVIDER_URN, HUAWEICLOUD_OIDC_AGENCY_URN
                          federation, instead of all the above: temporary AK/SK from
                          Huawei Cloud STS for an OIDC ID token, by assuming this trust
                          agency that this identity provider vouches for (needs
                          HUAWEICLOUD_SDK_PROJECT_ID)
  HUAWEICLOUD_OIDC_ID_TOKEN, HUAWEICLOUD_OIDC_TOKEN_FILE
                          the ID token, or a file holding it, re-read at every exchange
  GES_OIDC_AWS_AUDIENCE   instead: the function's own ID token, asked of AWS STS
                          (GetWebIdentityToken) for this audience, signed with AWS_ACCESS_KEY_ID,
                          AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN in AWS_REGION (or
                          AWS_DEFAULT_REGION), at AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL if set
  GES_OIDC_AWS_ALGORITHM, GES_OIDC_AWS_DURATION_SECONDS
                          that token's algorithm (RS256, ES384) and life (60 to 3600 s)
  HUAWEICLOUD_OIDC_SESSION_NAME, HUAWEICLOUD_OIDC_DURATION_SECONDS
                          the agency session's name, and its credentials' life (900 to 43200 s)
  HUAWEICLOUD_OIDC_POLICY, HUAWEICLOUD_OIDC_POLICY_IDS
                          a policy, or predefined policies, that narrow the session
  HUAWEICLOUD_SDK_STS_ENDPOINT
                          Huawei Cloud STS, overriding the region's
  HUAWEICLOUD_SDK_PROJECT_ID
                          the project of the graphs
  HUAWEICLOUD_SDK_REGION  the region, which gives the endpoint, such as cn-north-4
  HUAWEICLOUD_SDK_REGION_GES_{REGION}
                          the SDK's override of one region's GES endpoint
  GES_ENDPOINT            the GES endpoint, overriding the region's
  GES_CES_ENDPOINT        Cloud Eye, where graphs' request counts are read, overriding the
                          region's
  HUAWEICLOUD_SDK_IAM_ENDPOINT
                          the IAM endpoint tokens and the project are asked of
  GES_CONNECT_TIMEOUT_SECS, GES_REQUEST_TIMEOUT_SECS
                          how long to wait for a connection, and for one whole request
  GES_MAX_ATTEMPTS        how many times one call to GES is sent at most
  RUST_LOG                the log lines on stderr: none by default (a failure is said once,
                          as \"error: ...\"); warn, info or debug for more
"
    };
}

/// The variables only the Lambda handler reads (`invoke`, the function), for `--help`.
macro_rules! function_environment {
    () => {
        "The Lambda function's own:
  GES_GRAPH_IDS           the graphs a classic scheduled event (which names none) stops
  GES_SELECTORS           or the fleet selectors it stops, as JSON: {\"name\": \"dev-*\"}
                          or [{\"tags\": {\"env\": \"dev\"}, \"project_id\": \"...\"}, ...]
  GES_OPT_OUT_TAG         the tag that keeps a graph out of every selection
                          (key=value; default ges-stop:skip=true)
  GES_MAX_GRAPHS          how many graphs selectors may select before a run is
                          refused (default 100; an event may raise it with \"max_graphs\")
  GES_ALLOWED_GRAPH_IDS   the only graphs that may be stopped (unset: any)
  GES_ALLOWED_PROJECT_IDS the only projects it may act in (unset: any)
  GES_MAX_CONCURRENCY     how many graphs one invocation stops at once
  GES_WAIT_TIMEOUT_SECS   how long \"wait\": true waits for stop jobs
  GES_SCHEDULES           the schedules document, as JSON (`ges-stop schedules check`
                          checks one)
  GES_SCHEDULES_FILE      or a file holding it, for one larger than Lambda's 4 KB
  GES_SCHEDULE_TAG        the tag key naming a graph's schedule (default ges-stop:schedule)
  GES_SKIP_UNTIL_TAG      the tag key keeping a graph out of its schedule until a date or
                          time (default ges-stop:skip-until)
  GES_TAG_SCHEDULES       what a compact schedule as the tag's value may do: off, stop
                          (default: stop graphs) or start (start them too)
  GES_CALENDAR_REFRESH_HOURS
                          how old a schedule's URL calendar may be before a run fetches
                          it again (default 24, 1 to 720)
  GES_PRICES              the price table `ges-stop savings` reads, as JSON:
                          {\"currency\": \"USD\", \"per_hour\": {\"1\": 1.25, ...}}
  GES_PRICES_FILE         or a file holding it
  GES_RECONCILE_WINDOW_MINUTES
                          how long after a boundary a run acts on it (default 30)
  GES_CES_DELAY_MINUTES   how late Cloud Eye's request counts arrive: idle and busy
                          checks read up to now minus this (default 10)
  GES_MAX_EVENT_AGE_MINUTES
                          how far in the past a reconcile that acts may be evaluated
                          (its \"at\"; default 120, up to 10080; 5 minutes ahead at most)
  GES_RECONCILE_INTERVAL_MINUTES
                          how far apart reconciles run, for the function's stopped-time
                          metrics (1 to 1440; unset: none written)
"
    };
}

#[cfg(feature = "simulator")]
mod demo;
mod exit;
mod invoke;
mod list;
mod live;
mod output;
mod reconcile;
mod run;
mod savings;
mod schedules;
#[cfg(feature = "simulator")]
mod simulate;
mod stop;
mod table;

use std::process::ExitCode;
use std::sync::LazyLock;

use clap::{Parser, Subcommand};

use exit::EXIT_FAILED;

/// `--version`: the crate's, and the version of the GES API whose contract
/// (openapi/ges.yaml) the binary was generated from.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} (GES API {}, openapi/ges.yaml)",
        env!("CARGO_PKG_VERSION"),
        ges_api::types::API_VERSION
    )
});

/// Stops Huawei Cloud GES graphs, so that they are no longer billed.
///
/// Credentials and the endpoint come from the environment, with the official SDK's
/// names where it has one (listed below with --help). The Lambda function
/// (ges-stop-lambda, deployed with deploy/template.yaml) runs the same code as `invoke`.
/// Logs go to stderr.
#[derive(Debug, Parser)]
#[command(
    name = "ges-stop",
    version = VERSION.as_str(),
    after_long_help = concat!(client_environment!(), "\n", function_environment!())
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Stop(stop::StopArgs),
    List(list::ListArgs),
    Invoke(invoke::InvokeArgs),
    #[cfg(feature = "simulator")]
    Simulate(simulate::SimulateArgs),
    #[cfg(feature = "simulator")]
    Demo(demo::DemoArgs),
    Schedules(schedules::SchedulesArgs),
    Reconcile(reconcile::ReconcileArgs),
    Savings(savings::SavingsArgs),
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
            Command::List(args) => list::run(args).await,
            Command::Invoke(args) => invoke::run(args).await,
            #[cfg(feature = "simulator")]
            Command::Simulate(args) => simulate::run(args).await,
            #[cfg(feature = "simulator")]
            Command::Demo(args) => demo::run(args).await,
            Command::Schedules(args) => schedules::run(args).await,
            Command::Reconcile(args) => reconcile::run(args).await,
            Command::Savings(args) => savings::run(args).await,
        }
    })
}

/// Log lines on stderr only as RUST_LOG asks: without it, only errors, so that a failure
/// is said once, by the command's own `error: ...` line, and not first as a WARN line.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
