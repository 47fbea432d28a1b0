//! Extra root certificates (`SSL_CERT_FILE`, `SSL_CERT_DIR`): a loopback TLS server with
//! a certificate of a private test CA (tests/data/README.md) is trusted only when the
//! variables point at that CA; a path that is not there is a start-up error naming the
//! variable, and the certificates are read only when a chain first needs them.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ges_api::types::StopGraphRequest;
use ges_client::config::{Config, ConfigError, vars};
use ges_client::ges::{ClientErrorKind, GesClient};
use ges_client::transport::{self, ClientOptions};
use ges_client::transport::{SSL_CERT_DIR, SSL_CERT_FILE, TlsError, Trust};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PATIENCE: Duration = Duration::from_secs(20);
const PROJECT: &str = "0123456789abcdef0123456789abcdef";

fn data(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A loopback HTTPS server presenting tests/data/server.pem; it answers every request
/// with a stop's answer. Returns its port.
async fn tls_server() -> u16 {
    let chain = CertificateDer::pem_file_iter(data("server.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(data("server.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that does not trust us ends the handshake: nothing to serve.
                let Ok(mut stream) = acceptor.accept(stream).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                // Bounded: at most 64 KiB of request head.
                while request.len() < 64 * 1024 && !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let body = r#"{"job_id":"ff8080816025a0a1016025a5a2700007"}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    port
}

fn lookup(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    move |name| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, v)| v.clone())
    }
}

async fn get(trust: Trust, port: u16) -> Result<u16, reqwest::Error> {
    let client = transport::build_client(ClientOptions {
        trust: Some(trust),
        ..ClientOptions::default()
    })
    .unwrap();
    let response = tokio::time::timeout(
        PATIENCE,
        client.get(format!("https://localhost:{port}/")).send(),
    )
    .await
    .expect("answered in time")?;
    Ok(response.status().as_u16())
}

#[tokio::test]
async fn a_private_ca_is_trusted_only_when_ssl_cert_file_names_it() {
    let port = tls_server().await;
    assert!(
        get(Trust::compiled_in(), port).await.is_err(),
        "unknown issuer"
    );
    let trust = Trust::from_lookup(lookup(&[(SSL_CERT_FILE, data("ca.pem"))])).unwrap();
    assert!(format!("{trust:?}").contains("not read yet"), "{trust:?}");
    assert_eq!(get(trust.clone(), port).await.unwrap(), 200);
    // The handshake needed them, so they were read, once, for every clone.
    assert!(
        format!("{trust:?}").contains("SSL_CERT_FILE: 1 roots"),
        "{trust:?}"
    );
    assert_eq!(trust.extra_roots().unwrap(), 1);
}

#[tokio::test]
async fn the_extra_roots_are_read_only_when_a_chain_needs_them() {
    // A plain-http call never reads them, even when they could not be used.
    let trust = Trust::from_lookup(lookup(&[
        (SSL_CERT_FILE, data("empty.pem")),
        (SSL_CERT_DIR, data("")),
    ]))
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        if let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer).await;
            let _ = stream
                .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
                .await;
        }
    });
    let client = transport::build_client(ClientOptions {
        trust: Some(trust.clone()),
        ..ClientOptions::default()
    })
    .unwrap();
    let status = tokio::time::timeout(
        PATIENCE,
        client.get(format!("http://127.0.0.1:{port}/")).send(),
    )
    .await
    .unwrap()
    .unwrap()
    .status();
    assert_eq!(status.as_u16(), 204);
    assert!(
        format!("{trust:?}").contains("SSL_CERT_FILE: not read yet"),
        "{trust:?}"
    );

    // A chain the compiled-in roots do not anchor reads them, and the bundle that
    // cannot be used fails that connection naming its variable; the directory after it
    // is not read.
    let tls_port = tls_server().await;
    let error = get(trust.clone(), tls_port).await.unwrap_err();
    let mut shown = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        shown.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    assert!(shown.contains(SSL_CERT_FILE), "{shown}");
    assert!(
        format!("{trust:?}").contains("SSL_CERT_DIR: not read yet"),
        "{trust:?}"
    );
}

#[tokio::test]
async fn ssl_cert_dir_is_read_by_hashed_names_as_openssl_reads_it() {
    let port = tls_server().await;
    let trust = Trust::from_lookup(lookup(&[(SSL_CERT_DIR, data("hashed"))])).unwrap();
    assert_eq!(
        trust.extra_roots().unwrap(),
        1,
        "not-hashed.pem is not read"
    );
    assert_eq!(get(trust, port).await.unwrap(), 200);
}

#[tokio::test]
async fn the_configuration_loads_the_roots_and_the_ges_client_uses_them() {
    let port = tls_server().await;
    let mut env = vec![
        (vars::ENDPOINT, format!("https://localhost:{port}")),
        (vars::AUTH_TOKEN, "t".to_owned()),
        (vars::PROJECT_ID, PROJECT.to_owned()),
    ];
    let stop = StopGraphRequest {
        project_id: PROJECT.parse().unwrap(),
        graph_id: "g-1".parse().unwrap(),
    };
    let config = Config::load(lookup(&env)).await.unwrap();
    let client = GesClient::new(&config).unwrap();
    let error = tokio::time::timeout(PATIENCE, client.execute(&stop))
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(error.kind(), ClientErrorKind::Transport { .. }),
        "{error}"
    );

    env.push((SSL_CERT_FILE, data("ca.pem")));
    let config = Config::load(lookup(&env)).await.unwrap();
    let client = GesClient::new(&config).unwrap();
    let reply = tokio::time::timeout(PATIENCE, client.execute(&stop))
        .await
        .unwrap();
    assert!(reply.is_ok(), "{reply:?}");
    // A pure read of variables cannot read the file: it says so rather than ignore it.
    let err = Config::from_lookup(lookup(&env)).unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::TrustNeedsLoad {
                variable: SSL_CERT_FILE
            }
        ),
        "{err}"
    );
}

#[test]
fn bad_paths_are_errors_naming_the_variable() {
    // Not there, or not of the kind the variable names: at start-up.
    let at_start = [
        (SSL_CERT_FILE, data("no-such-file.pem")),
        (SSL_CERT_FILE, data("hashed")),
        (SSL_CERT_DIR, data("no-such-dir")),
        (SSL_CERT_DIR, data("ca.pem")),
    ];
    for (variable, path) in at_start {
        let err = Trust::from_lookup(lookup(&[(variable, path.clone())])).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with(variable) && shown.contains(&path),
            "{shown}"
        );
        assert!(matches!(err, TlsError::Unreadable { .. }), "{err:?}");
    }
    // There, but giving no certificate: when they are read.
    let when_read = [
        (SSL_CERT_FILE, data("empty.pem")),
        // No hashed names there: nothing OpenSSL would read.
        (SSL_CERT_DIR, data("")),
    ];
    for (variable, path) in when_read {
        let trust = Trust::from_lookup(lookup(&[(variable, path.clone())])).unwrap();
        let err = trust.extra_roots().unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with(variable) && shown.contains(&path),
            "{shown}"
        );
        assert!(matches!(err, TlsError::NoCertificates { .. }), "{err:?}");
    }
}

#[test]
fn neither_variable_means_the_compiled_in_roots_only() {
    let trust = Trust::from_lookup(lookup(&[(SSL_CERT_FILE, " ".to_owned())])).unwrap();
    assert_eq!(trust.extra_roots().unwrap(), 0);
}

#[test]
fn this_machines_store_loads_when_it_is_there() {
    // The bundle Debian and CI set SSL_CERT_FILE to; skipped where it does not exist.
    let bundle = "/etc/ssl/certs/ca-certificates.crt";
    if std::path::Path::new(bundle).exists() {
        let trust = Trust::from_lookup(lookup(&[
            (SSL_CERT_FILE, bundle.to_owned()),
            (SSL_CERT_DIR, "/etc/ssl/certs".to_owned()),
        ]))
        .unwrap();
        assert!(trust.extra_roots().unwrap() > 100, "{trust:?}");
    }
}
