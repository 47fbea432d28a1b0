//! The function's log lines: JSON on stdout, which FunctionGraph sends to LTS, one line
//! per event with the spans it sits in (the invocation's `request_id`, a graph's
//! `graph_id`). The level comes from `RUST_LOG` (`info`, `ges_client=debug,warn`), read
//! with [`Targets`] (no regex engine in the binary), else INFO.

use std::str::FromStr;

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the subscriber for the process.
pub fn init() {
    let filter = filter(std::env::var("RUST_LOG").ok().as_deref());
    let lines = tracing_subscriber::fmt::layer()
        .json()
        .with_current_span(true)
        .with_span_list(true)
        .with_target(false)
        .with_writer(std::io::stdout);
    tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .init();
}

/// `RUST_LOG`'s directives when they can be read, else INFO.
fn filter(rust_log: Option<&str>) -> Targets {
    rust_log
        .map(str::trim)
        .filter(|directives| !directives.is_empty())
        .and_then(|directives| Targets::from_str(directives).ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn info_unless_rust_log_says_otherwise() {
        assert!(filter(None).would_enable("ges_client", &Level::INFO));
        assert!(!filter(None).would_enable("ges_client", &Level::DEBUG));
        assert!(filter(Some("debug")).would_enable("hyper", &Level::DEBUG));
        assert!(filter(Some("ges_client=loud")).would_enable("ges_client", &Level::INFO));
    }
}
