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
//!
//! A company proxy or a private CA needs more: [`Trust::from_lookup`] adds the roots of
//! `SSL_CERT_FILE` (a PEM bundle) and `SSL_CERT_DIR` (OpenSSL's hashed directory) to the
//! compiled-in ones, read once, at start-up, when the configuration is read
//! ([`crate::config::Config::load`]); with neither set it touches no file at all.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// A PEM file of root certificates to trust besides the compiled-in ones (OpenSSL's
/// variable, which curl, Python and Go read too).
pub const SSL_CERT_FILE: &str = "SSL_CERT_FILE";
/// A directory of root certificates to trust besides the compiled-in ones, named as
/// OpenSSL's `c_rehash` / `openssl rehash` names them (`5ad8a5d6.0`).
pub const SSL_CERT_DIR: &str = "SSL_CERT_DIR";

/// The compiled-in roots' configuration, built once per process and shared (cloning is
/// cheap: its parts are behind `Arc`s). For clients that only speak plain HTTP to
/// loopback (which still need a TLS configuration to build) and for tests; the GES and
/// IAM clients use the [`Trust`] the configuration read.
pub fn client_config() -> rustls::ClientConfig {
    static CONFIG: OnceLock<rustls::ClientConfig> = OnceLock::new();
    CONFIG
        .get_or_init(|| config_with(compiled_in_roots()))
        .clone()
}

fn compiled_in_roots() -> RootCertStore {
    RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    }
}

fn config_with(roots: RootCertStore) -> rustls::ClientConfig {
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
}

/// The roots a client trusts: the compiled-in ones, plus those `SSL_CERT_FILE` and
/// `SSL_CERT_DIR` hold. Cheap to clone. `Debug` shows where the roots came from.
#[derive(Clone)]
pub struct Trust {
    config: Arc<rustls::ClientConfig>,
    /// How many roots came from files, and which variables named them.
    extra: usize,
    sources: &'static str,
}

impl fmt::Debug for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trust")
            .field("extra_roots", &self.extra)
            .field("from", &self.sources)
            .finish()
    }
}

impl Default for Trust {
    fn default() -> Self {
        Self::compiled_in()
    }
}

impl Trust {
    /// The compiled-in roots only.
    pub fn compiled_in() -> Self {
        Self {
            config: Arc::new(client_config()),
            extra: 0,
            sources: "compiled-in roots",
        }
    }

    /// The compiled-in roots plus those of `SSL_CERT_FILE` and `SSL_CERT_DIR` as
    /// `lookup` gives them (blank counts as unset). With neither set, no file is read.
    ///
    /// `SSL_CERT_FILE` must name a readable PEM file holding at least one certificate.
    /// `SSL_CERT_DIR` is read as OpenSSL reads it: only the files named by a
    /// certificate's subject hash (`5ad8a5d6.0`, as `openssl rehash` writes them, most
    /// of them symbolic links), not every `*.pem` or `*.crt`, which in a system store
    /// such as `/etc/ssl/certs` are the same certificates again; a hashed file that
    /// cannot be read or parsed is skipped, as OpenSSL skips it, but a directory that
    /// gives no certificate at all is an error.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, TlsError> {
        let get = |name: &str| {
            lookup(name)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
        };
        let file = get(SSL_CERT_FILE);
        let dir = get(SSL_CERT_DIR);
        if file.is_none() && dir.is_none() {
            return Ok(Self::compiled_in());
        }
        let mut found: Vec<(&'static str, Vec<CertificateDer<'static>>)> = Vec::new();
        if let Some(file) = &file {
            found.push((SSL_CERT_FILE, read_file(Path::new(file))?));
        }
        if let Some(dir) = &dir {
            found.push((SSL_CERT_DIR, read_dir(Path::new(dir))?));
        }
        let mut roots = compiled_in_roots();
        let mut extra = 0;
        for (variable, certificates) in found {
            let (added, _ignored) = roots.add_parsable_certificates(certificates);
            if added == 0 {
                return Err(TlsError::NoCertificates {
                    variable,
                    path: shown(match variable {
                        SSL_CERT_FILE => file.as_deref(),
                        _ => dir.as_deref(),
                    }),
                    why: "none of its certificates can be a root (not X.509, or malformed)",
                });
            }
            extra += added;
        }
        let sources = match (&file, &dir) {
            (Some(_), Some(_)) => "SSL_CERT_FILE and SSL_CERT_DIR",
            (Some(_), None) => "SSL_CERT_FILE",
            _ => "SSL_CERT_DIR",
        };
        tracing::debug!(
            extra_roots = extra,
            from = sources,
            "trusting extra root certificates"
        );
        Ok(Self {
            config: Arc::new(config_with(roots)),
            extra,
            sources,
        })
    }

    /// The process environment's `SSL_CERT_FILE` and `SSL_CERT_DIR`, as
    /// [`Trust::from_lookup`].
    pub fn from_env() -> Result<Self, TlsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// How many roots came from `SSL_CERT_FILE` and `SSL_CERT_DIR`.
    pub fn extra_roots(&self) -> usize {
        self.extra
    }

    /// The TLS configuration for a client (cheap: its parts are behind `Arc`s).
    pub fn client_config(&self) -> rustls::ClientConfig {
        (*self.config).clone()
    }
}

/// A path as messages show it: cut to 200 characters (paths are not secret).
fn shown(path: Option<&str>) -> String {
    path.unwrap_or_default().chars().take(200).collect()
}

fn read_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let path_text = shown(path.to_str());
    let bytes = std::fs::read(path).map_err(|error| TlsError::Unreadable {
        variable: SSL_CERT_FILE,
        path: path_text.clone(),
        why: error.to_string(),
    })?;
    let certificates = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| TlsError::NotPem {
            path: path_text.clone(),
            why: error.to_string(),
        })?;
    if certificates.is_empty() {
        return Err(TlsError::NoCertificates {
            variable: SSL_CERT_FILE,
            path: path_text,
            why: "it holds no PEM \"BEGIN CERTIFICATE\" block",
        });
    }
    Ok(certificates)
}

/// Whether a file name is a subject hash as `openssl rehash` writes it: eight hex
/// digits, a dot and a sequence number (`5ad8a5d6.0`; CRLs are `.r0`, not read).
fn is_hashed_name(name: &str) -> bool {
    let Some((hash, number)) = name.split_once('.') else {
        return false;
    };
    hash.len() == 8
        && hash.bytes().all(|byte| byte.is_ascii_hexdigit())
        && !number.is_empty()
        && number.bytes().all(|byte| byte.is_ascii_digit())
}

fn read_dir(dir: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let dir_text = shown(dir.to_str());
    let unreadable = |error: std::io::Error| TlsError::Unreadable {
        variable: SSL_CERT_DIR,
        path: dir_text.clone(),
        why: error.to_string(),
    };
    let mut names: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(is_hashed_name)
        })
        .collect();
    // The order roots are tried in does not matter to rustls; sorted, a run is the same
    // as the last.
    names.sort();
    let mut certificates = Vec::new();
    for path in names {
        let parsed = std::fs::read(&path).ok().and_then(|bytes| {
            CertificateDer::pem_slice_iter(&bytes)
                .collect::<Result<Vec<_>, _>>()
                .ok()
        });
        match parsed {
            Some(found) => certificates.extend(found),
            None => tracing::warn!(
                file = %path.display(),
                "skipping a file of SSL_CERT_DIR that cannot be read as PEM certificates"
            ),
        }
    }
    if certificates.is_empty() {
        return Err(TlsError::NoCertificates {
            variable: SSL_CERT_DIR,
            path: dir_text,
            why: "it holds no certificate under a hashed name such as 5ad8a5d6.0 (run `openssl \
                  rehash` on it, or name a PEM bundle in SSL_CERT_FILE instead)",
        });
    }
    Ok(certificates)
}

/// Extra root certificates that cannot be used. Each message names the variable.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TlsError {
    /// The file or directory cannot be read.
    #[error(
        "{variable} names {path:?}, which cannot be read ({why}): point it at a readable \
         file of PEM root certificates (SSL_CERT_FILE) or directory of them (SSL_CERT_DIR), or \
         unset it to trust the compiled-in roots only"
    )]
    Unreadable {
        /// The variable.
        variable: &'static str,
        /// The path it holds.
        path: String,
        /// The system's reason.
        why: String,
    },
    /// The file is not PEM.
    #[error(
        "SSL_CERT_FILE names {path:?}, which is not a PEM file ({why}): give a bundle of \
         -----BEGIN CERTIFICATE----- blocks (convert DER with `openssl x509 -inform der`)"
    )]
    NotPem {
        /// The path it holds.
        path: String,
        /// What the PEM reader said.
        why: String,
    },
    /// No certificate in it.
    #[error("{variable} names {path:?}, which gives no root certificate: {why}")]
    NoCertificates {
        /// The variable.
        variable: &'static str,
        /// The path it holds.
        path: String,
        /// Why.
        why: &'static str,
    },
}
