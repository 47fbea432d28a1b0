//! The TLS configuration of every HTTP client in the workspace (GES, IAM, the Secrets
//! extension, the Runtime API; the tests' and the bench's loopback clients): rustls with
//! its *ring* provider, and Mozilla's root certificates as compiled into `webpki-roots`.
//!
//! Why ring, not aws-lc-rs (rustls's and reqwest's default): the Lambda binary is
//! 0.77 MB smaller with it (4.95 -> 4.18 MB stripped, x86_64; 4.34 -> 3.75 MB arm64;
//! Cargo.toml's release profile has the numbers). Both offer the TLS 1.2 and 1.3 cipher
//! suites and key exchanges that public HTTPS endpoints such as GES and IAM use (ECDHE
//! with X25519, P-256 or P-384; AES-GCM: ring's ChaCha20-Poly1305 is left out, see
//! `CIPHER_SUITES`). What only aws-lc-rs has (the hybrid post-quantum key exchange
//! X25519MLKEM768, FIPS mode) is not needed here.
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
//! compiled-in ones. At start-up it only checks that the paths are there (one `stat`
//! each); the certificates are read when a server's chain first fails to verify against
//! the compiled-in roots, the bundle first and the directory only if the bundle was not
//! enough, once per process ([`ExtraRoots`]). CI images, Nix and many company machines
//! set both variables to the whole system store, which took most of a start when it was
//! read eagerly: a plain-http endpoint (the simulator, loopback) and a public one (GES,
//! IAM: Mozilla's roots) now never read it. With neither set no file is touched.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustls::SupportedCipherSuite;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::ring::cipher_suite;
use rustls::crypto::{CryptoProvider, KeyProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::sign::SigningKey;
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};

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

/// ring's cipher suites, in ring's order of preference, without ChaCha20-Poly1305. Every
/// TLS 1.3 server must implement TLS_AES_128_GCM_SHA256 (RFC 8446, section 9.1), and the
/// ECDHE AES-GCM suites are what TLS 1.2 servers of public clouds offer; ChaCha20 only
/// helps a client without AES instructions, which neither Lambda's x86_64 nor its Graviton
/// processors are. Leaving it out leaves ring's ChaCha20-Poly1305 code out of the binary
/// (BENCHMARKS.md, "Binary size, issue 19").
static CIPHER_SUITES: &[SupportedCipherSuite] = &[
    cipher_suite::TLS13_AES_256_GCM_SHA384,
    cipher_suite::TLS13_AES_128_GCM_SHA256,
    cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    cipher_suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    cipher_suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
];

fn provider() -> Arc<CryptoProvider> {
    Arc::new(CryptoProvider {
        cipher_suites: CIPHER_SUITES.to_vec(),
        key_provider: &NoClientKey,
        ..rustls::crypto::ring::default_provider()
    })
}

/// A client that never presents a certificate needs no private key: this provider loads
/// none, so that ring's RSA, ECDSA and Ed25519 signing code stays out of the binary.
#[derive(Debug)]
struct NoClientKey;

impl KeyProvider for NoClientKey {
    fn load_private_key(
        &self,
        _key: PrivateKeyDer<'static>,
    ) -> Result<Arc<dyn SigningKey>, rustls::Error> {
        Err(rustls::Error::General(
            "ges-stop presents no client certificate".to_owned(),
        ))
    }
}

fn config_with(roots: RootCertStore) -> rustls::ClientConfig {
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        // The provider's defaults are its protocol versions: cannot fail.
        .unwrap_or_else(|_| unreachable!("ring supports TLS 1.2 and 1.3"))
        .with_root_certificates(roots)
        .with_no_client_auth();
    http1_only(config)
}

fn config_verified_by(verifier: Arc<ExtraRoots>) -> rustls::ClientConfig {
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|_| unreachable!("ring supports TLS 1.2 and 1.3"))
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    http1_only(config)
}

fn http1_only(mut config: rustls::ClientConfig) -> rustls::ClientConfig {
    // What reqwest offers by itself without its `http2` feature: HTTP/1.1 only
    // (Cargo.toml says why). Offering h2 would let a server choose a protocol
    // this client cannot speak.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

/// The roots a client trusts: the compiled-in ones, plus those `SSL_CERT_FILE` and
/// `SSL_CERT_DIR` hold, read when first needed. Cheap to clone. `Debug` shows where the
/// roots come from.
#[derive(Clone)]
pub struct Trust {
    config: Arc<rustls::ClientConfig>,
    /// The extra roots, when a variable names some.
    extra: Option<Arc<ExtraRoots>>,
    sources: &'static str,
}

impl fmt::Debug for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trust")
            .field("from", &self.sources)
            .field("extra", &self.extra)
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
            extra: None,
            sources: "compiled-in roots",
        }
    }

    /// The compiled-in roots plus those of `SSL_CERT_FILE` and `SSL_CERT_DIR` as
    /// `lookup` gives them (blank counts as unset). With neither set, no file is touched;
    /// with either, only its kind is checked now (a file, a directory), and its
    /// certificates are read when a chain first needs them.
    ///
    /// `SSL_CERT_FILE` must name a readable PEM file holding at least one certificate.
    /// `SSL_CERT_DIR` is read as OpenSSL reads it: only the files named by a
    /// certificate's subject hash (`5ad8a5d6.0`, as `openssl rehash` writes them, most
    /// of them symbolic links), not every `*.pem` or `*.crt`, which in a system store
    /// such as `/etc/ssl/certs` are the same certificates again; a hashed file that
    /// cannot be read or parsed is skipped, as OpenSSL skips it, but a directory that
    /// gives no certificate at all is an error, then.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, TlsError> {
        let get = |name: &str| {
            lookup(name)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
        };
        let file = get(SSL_CERT_FILE).map(PathBuf::from);
        let dir = get(SSL_CERT_DIR).map(PathBuf::from);
        if file.is_none() && dir.is_none() {
            return Ok(Self::compiled_in());
        }
        if let Some(file) = &file {
            check_kind(SSL_CERT_FILE, file, false)?;
        }
        if let Some(dir) = &dir {
            check_kind(SSL_CERT_DIR, dir, true)?;
        }
        let sources = match (&file, &dir) {
            (Some(_), Some(_)) => "SSL_CERT_FILE and SSL_CERT_DIR",
            (Some(_), None) => "SSL_CERT_FILE",
            _ => "SSL_CERT_DIR",
        };
        let extra = Arc::new(ExtraRoots::new(file, dir)?);
        Ok(Self {
            config: Arc::new(config_verified_by(Arc::clone(&extra))),
            extra: Some(extra),
            sources,
        })
    }

    /// The process environment's `SSL_CERT_FILE` and `SSL_CERT_DIR`, as
    /// [`Trust::from_lookup`].
    pub fn from_env() -> Result<Self, TlsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// How many roots `SSL_CERT_FILE` and `SSL_CERT_DIR` add, reading them now if no
    /// connection has needed them yet (for `schedules check`-like diagnostics and tests).
    pub fn extra_roots(&self) -> Result<usize, TlsError> {
        match &self.extra {
            None => Ok(0),
            Some(extra) => extra.count(),
        }
    }

    /// The TLS configuration for a client (cheap: its parts are behind `Arc`s).
    pub fn client_config(&self) -> rustls::ClientConfig {
        (*self.config).clone()
    }
}

/// Refuses a path that is not there or not of the kind its variable names: the one
/// check made at start-up, a `stat`, so that a typo still fails the start.
fn check_kind(variable: &'static str, path: &Path, directory: bool) -> Result<(), TlsError> {
    let unreadable = |why: String| TlsError::Unreadable {
        variable,
        path: shown(path.to_str()),
        why,
    };
    let metadata = std::fs::metadata(path).map_err(|error| unreadable(error.to_string()))?;
    match (directory, metadata.is_dir()) {
        (true, false) => Err(unreadable("it is not a directory".to_owned())),
        (false, true) => Err(unreadable("it is a directory".to_owned())),
        _ => Ok(()),
    }
}

/// A chain is checked against the compiled-in roots first; only a chain they do not
/// anchor (`UnknownIssuer`: a company proxy's or a private CA's) makes the extra roots
/// be read, `SSL_CERT_FILE`'s bundle first and `SSL_CERT_DIR` only if the bundle did not
/// anchor it either. Each stage is read once per process and kept; a stage that cannot
/// be read fails the connections that need it with its reason, naming the variable.
pub(crate) struct ExtraRoots {
    compiled_in: Arc<WebPkiServerVerifier>,
    stages: Vec<Stage>,
}

/// The roots of one more variable, on top of the stages before it.
struct Stage {
    variable: &'static str,
    path: PathBuf,
    /// The compiled-in roots, the earlier stages' and this one's, once read.
    verifier: OnceLock<Result<(Arc<WebPkiServerVerifier>, usize), TlsError>>,
}

impl fmt::Debug for ExtraRoots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for stage in &self.stages {
            let state = match stage.verifier.get() {
                None => "not read yet".to_owned(),
                Some(Ok((_, added))) => format!("{added} roots"),
                Some(Err(_)) => "unusable".to_owned(),
            };
            list.entry(&format_args!("{}: {state}", stage.variable));
        }
        list.finish()
    }
}

impl ExtraRoots {
    fn new(file: Option<PathBuf>, dir: Option<PathBuf>) -> Result<Self, TlsError> {
        let compiled_in = verifier(compiled_in_roots())?;
        let stages = [(SSL_CERT_FILE, file), (SSL_CERT_DIR, dir)]
            .into_iter()
            .filter_map(|(variable, path)| {
                path.map(|path| Stage {
                    variable,
                    path,
                    verifier: OnceLock::new(),
                })
            })
            .collect();
        Ok(Self {
            compiled_in,
            stages,
        })
    }

    /// Stage `index`'s verifier, reading its roots (and those of the stages before it)
    /// the first time.
    fn stage(&self, index: usize) -> &Result<(Arc<WebPkiServerVerifier>, usize), TlsError> {
        let stage = &self.stages[index];
        stage.verifier.get_or_init(|| {
            let mut roots = compiled_in_roots();
            let mut added_here = 0;
            for (position, earlier) in self.stages[..=index].iter().enumerate() {
                let certificates = match earlier.variable {
                    SSL_CERT_FILE => read_file(&earlier.path)?,
                    _ => read_dir(&earlier.path)?,
                };
                let (added, _ignored) = roots.add_parsable_certificates(certificates);
                if added == 0 {
                    return Err(TlsError::NoCertificates {
                        variable: earlier.variable,
                        path: shown(earlier.path.to_str()),
                        why: "none of its certificates can be a root (not X.509, or malformed)",
                    });
                }
                if position == index {
                    added_here = added;
                }
            }
            tracing::debug!(
                variable = stage.variable,
                extra_roots = added_here,
                "read extra root certificates: a server's chain needed them"
            );
            Ok((verifier(roots)?, added_here))
        })
    }

    fn count(&self) -> Result<usize, TlsError> {
        (0..self.stages.len()).try_fold(0, |total, index| match self.stage(index) {
            Ok((_, added)) => Ok(total + added),
            Err(error) => Err(error.clone()),
        })
    }
}

fn verifier(roots: RootCertStore) -> Result<Arc<WebPkiServerVerifier>, TlsError> {
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .map_err(|error| TlsError::Verifier {
            why: error.to_string(),
        })
}

impl ServerCertVerifier for ExtraRoots {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verify = |verifier: &WebPkiServerVerifier| {
            verifier.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        };
        let mut outcome = verify(&self.compiled_in);
        for index in 0..self.stages.len() {
            if !matches!(
                outcome,
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::UnknownIssuer
                ))
            ) {
                break;
            }
            outcome = match self.stage(index) {
                Ok((verifier, _)) => verify(verifier),
                Err(error) => Err(rustls::Error::General(error.to_string())),
            };
        }
        outcome
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        // A handshake signature is checked against the certificate, not the roots.
        self.compiled_in.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.compiled_in.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.compiled_in.supported_verify_schemes()
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
    /// The roots could not be made into a verifier.
    #[error("the root certificates cannot be used to verify servers ({why})")]
    Verifier {
        /// rustls's reason.
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
