//! The TLS configuration of every HTTPS client (GES, IAM): rustls with its aws-lc-rs
//! provider, and Mozilla's root certificates as compiled into `webpki-roots`.
//!
//! Why not reqwest's default (the platform verifier over the system's trust store): it
//! reads and parses every certificate file of the system store when a client is built, at
//! start-up: on a Debian machine (about 290 files in /etc/ssl/certs) that was most of the
//! function's cold start (BENCHMARKS.md, "Tuning"). GES and IAM present certificates of
//! public CAs, which Mozilla's list holds; the compiled-in anchors cost nothing to load.

use std::sync::{Arc, OnceLock};

/// The configuration, built once per process and shared (cloning is cheap: its parts are
/// behind `Arc`s).
pub(crate) fn client_config() -> rustls::ClientConfig {
    static CONFIG: OnceLock<rustls::ClientConfig> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
            let mut config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                // The provider's defaults are its protocol versions: cannot fail.
                .unwrap_or_else(|_| unreachable!("aws-lc-rs supports TLS 1.2 and 1.3"))
                .with_root_certificates(roots)
                .with_no_client_auth();
            // What reqwest offers by itself (HTTP/2 first, as its `http2` feature is on).
            config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
            config
        })
        .clone()
}
