//! The TLS configuration of every HTTP client in the workspace (GES, IAM, the Secrets
//! extension, the Runtime API; the tests' and the bench's loopback clients): rustls with
//! its *ring* provider, and Mozilla's root certificates as compiled into `webpki-roots`.
//!
//! Why ring, not aws-lc-rs (rustls's and reqwest's default): the Lambda binary is
//! 0.77 MB smaller with it (4.95 -> 4.18 MB stripped, x86_64; 4.34 -> 3.75 MB arm64;
//! Cargo.toml's release profile has the numbers). Both offer the TLS 1.2 and 1.3 cipher
//! suites and key exchanges that public HTTPS endpoints such as GES and IAM use (ECDHE
//! with X25519, P-256 or P-384; AES-GCM or ChaCha20-Poly1305). What only aws-lc-rs has
//! (the hybrid post-quantum key exchange X25519MLKEM768, FIPS mode) is not needed here.
//!
//! reqwest is built with `rustls-no-provider`, so aws-lc-rs is not linked at all; the
//! price is that a reqwest client built *without* [`client_config`] panics (reqwest finds
//! no crypto provider), even one that only speaks plain HTTP, as every client builds its
//! TLS configuration. So every `reqwest::Client` goes through here, rather than relying
//! on a process-wide default provider (`CryptoProvider::install_default`): that would be
//! one more thing each binary, test and bench must do before its first client, in the
//! right order, and a missed one aborts the Lambda process (`panic = "abort"`).
//!
//! Why not reqwest's default (the platform verifier over the system's trust store): it
//! reads and parses every certificate file of the system store when a client is built, at
//! start-up: on a Debian machine (about 290 files in /etc/ssl/certs) that was most of the
//! function's cold start (BENCHMARKS.md, "Tuning"). GES and IAM present certificates of
//! public CAs, which Mozilla's list holds; the compiled-in anchors cost nothing to load.

use std::sync::{Arc, OnceLock};

/// The configuration, built once per process and shared (cloning is cheap: its parts are
/// behind `Arc`s). Give it to every client: `reqwest::Client::builder()
/// .tls_backend_preconfigured(ges_client::tls::client_config())`.
pub fn client_config() -> rustls::ClientConfig {
    static CONFIG: OnceLock<rustls::ClientConfig> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let mut config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                // The provider's defaults are its protocol versions: cannot fail.
                .unwrap_or_else(|_| unreachable!("ring supports TLS 1.2 and 1.3"))
                .with_root_certificates(roots)
                .with_no_client_auth();
            // What reqwest offers by itself without its `http2` feature: HTTP/1.1 only
            // (Cargo.toml says why). Offering h2 would let a server choose a protocol
            // this client cannot speak.
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            config
        })
        .clone()
}
