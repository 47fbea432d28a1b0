//! The Lambda function's log lines: what `lambda_runtime::tracing::init_default_subscriber`
//! sets up (stdout, no time or target, JSON when `AWS_LAMBDA_LOG_FORMAT=JSON`, the level
//! from `AWS_LAMBDA_LOG_LEVEL` or `RUST_LOG`), with a [`Targets`] filter instead of its
//! `EnvFilter`.
//!
//! Why: `EnvFilter` brings the `regex` engine into the binary (0.32 MB of the Lambda
//! binary, x86_64; Cargo.toml's release profile) for what Lambda gives as a level.
//! `Targets` reads the same `RUST_LOG` directives (`info`, `ges_stop=debug,hyper=warn`)
//! without regular expressions; what it cannot read (span and field filters,
//! `target[span{f=v}]=level`) is ignored with a line on stderr, as `EnvFilter` ignores a
//! directive it cannot read. The command line keeps `EnvFilter` (cli/mod.rs): the size
//! budget is the function's.

use std::str::FromStr;

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the subscriber for the process, from the environment.
pub fn init_lambda() {
    let var = |name: &str| std::env::var(name).ok();
    let json =
        var("AWS_LAMBDA_LOG_FORMAT").is_some_and(|format| format.eq_ignore_ascii_case("json"));
    let filter = filter(
        var("AWS_LAMBDA_LOG_LEVEL").as_deref(),
        var("RUST_LOG").as_deref(),
    );
    let lines = tracing_subscriber::fmt::layer()
        .with_target(false)
        .without_time()
        .with_writer(std::io::stdout);
    let registry = tracing_subscriber::registry().with(filter);
    if json {
        registry.with(lines.json()).init();
    } else {
        registry.with(lines).init();
    }
}

/// The filter, as `lambda_runtime` builds it: the directives of `RUST_LOG` when it has any
/// that can be read; otherwise one level for everything, from `AWS_LAMBDA_LOG_LEVEL`, else
/// `RUST_LOG`, else INFO (INFO also when that level cannot be read). Lambda's FATAL, which
/// `tracing` has not, means ERROR: the fewest lines, not the default's.
fn filter(aws_level: Option<&str>, rust_log: Option<&str>) -> Targets {
    let mut directives = Targets::new();
    let mut any = false;
    for directive in rust_log
        .unwrap_or_default()
        .split(',')
        .filter(|d| !d.is_empty())
    {
        match Targets::from_str(directive) {
            Ok(read) => {
                if let Some(level) = read.default_level() {
                    directives = directives.with_default(level);
                }
                directives.extend(read.iter());
                any = true;
            }
            Err(error) => eprintln!("ignoring `{directive}` in RUST_LOG: {error}"),
        }
    }
    if any {
        return directives;
    }
    let level = aws_level
        .or(rust_log)
        .and_then(|level| match level.trim() {
            fatal if fatal.eq_ignore_ascii_case("fatal") => Some(LevelFilter::ERROR),
            other => LevelFilter::from_str(other).ok(),
        })
        .unwrap_or(LevelFilter::INFO);
    Targets::new().with_default(level)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    fn enabled(filter: &Targets, target: &str, level: Level) -> bool {
        filter.would_enable(target, &level)
    }

    #[test]
    fn info_when_nothing_is_set() {
        let filter = filter(None, None);
        assert!(enabled(&filter, "ges_stop", Level::INFO));
        assert!(!enabled(&filter, "ges_stop", Level::DEBUG));
    }

    #[test]
    fn the_lambda_level_sets_every_target() {
        let debug = filter(Some("DEBUG"), None);
        assert!(enabled(&debug, "hyper", Level::DEBUG));
        assert!(!enabled(&debug, "hyper", Level::TRACE));
        let warn = filter(Some("WARN"), None);
        assert!(!enabled(&warn, "ges_stop", Level::INFO));
        assert!(enabled(&warn, "ges_stop", Level::WARN));
    }

    #[test]
    fn a_level_that_cannot_be_read_is_info_and_fatal_is_error() {
        let fatal = filter(Some("FATAL"), None);
        let filter = filter(Some("LOUD"), None);
        assert!(enabled(&filter, "ges_stop", Level::INFO));
        assert!(!enabled(&filter, "ges_stop", Level::DEBUG));
        assert!(enabled(&fatal, "ges_stop", Level::ERROR));
        assert!(!enabled(&fatal, "ges_stop", Level::WARN));
    }

    #[test]
    fn rust_log_directives_are_read_per_target() {
        let filter = filter(None, Some("warn,ges_stop=debug"));
        assert!(enabled(&filter, "ges_stop::client", Level::DEBUG));
        assert!(!enabled(&filter, "hyper", Level::INFO));
        assert!(enabled(&filter, "hyper", Level::WARN));
    }

    #[test]
    fn rust_log_directives_win_over_the_lambda_level_as_in_lambda_runtime() {
        let filter = filter(Some("ERROR"), Some("ges_stop=debug"));
        assert!(enabled(&filter, "ges_stop", Level::DEBUG));
        // No default directive among them: other targets are off, as with EnvFilter.
        assert!(!enabled(&filter, "hyper", Level::ERROR));
    }

    #[test]
    fn a_directive_that_cannot_be_read_is_skipped() {
        let filter = filter(None, Some("ges_stop[span{id=1}]=trace,debug"));
        assert!(enabled(&filter, "hyper", Level::DEBUG));
        assert!(!enabled(&filter, "ges_stop", Level::TRACE));
    }
}
