//! How a request proves who sends it: an IAM token, or an AK/SK signature.
//!
//! Secrets live in [`SecretString`]s, whose `Debug` prints `[REDACTED]`; they are exposed
//! only at the moment a header is written or a signature computed.

use ges_api::signing::{self, RequestView, SdkDate, SignatureError};
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

/// The credentials requests are sent with.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// An IAM token, sent as `X-Auth-Token`.
    Token(SecretString),
    /// An access key and secret key that sign each request (`SDK-HMAC-SHA256`).
    AkSk {
        /// The access key ID. Not a secret, but not logged either.
        access_key: String,
        /// The secret key.
        secret_key: SecretString,
        /// The security token of temporary credentials, sent as `X-Security-Token`.
        security_token: Option<SecretString>,
    },
}

impl Credentials {
    /// What kind of credentials these are, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Token(_) => "token",
            Self::AkSk {
                security_token: None,
                ..
            } => "AK/SK",
            Self::AkSk {
                security_token: Some(_),
                ..
            } => "temporary AK/SK",
        }
    }

    /// Adds the authentication headers to a request that is otherwise complete: every
    /// header it will carry is already in `request.headers`, `Host` included, since
    /// the signature covers them.
    pub fn authorize(
        &self,
        request: &mut OutgoingRequest,
        project_id: &str,
        now: OffsetDateTime,
    ) -> Result<(), SignatureError> {
        match self {
            Self::Token(token) => request
                .headers
                .push(("X-Auth-Token", token.expose_secret().to_owned())),
            Self::AkSk {
                access_key,
                secret_key,
                security_token,
            } => {
                // The official SDK scopes AK/SK requests to a project with this header.
                request
                    .headers
                    .push(("X-Project-Id", project_id.to_owned()));
                request
                    .headers
                    .push((signing::HEADER_SDK_DATE, SdkDate::from(now).to_string()));
                if let Some(token) = security_token {
                    request
                        .headers
                        .push(("X-Security-Token", token.expose_secret().to_owned()));
                }
                let signed = signing::sign(
                    &request.signing_view(),
                    access_key,
                    secret_key.expose_secret().as_bytes(),
                )?;
                request
                    .headers
                    .push((signing::HEADER_AUTHORIZATION, signed.authorization));
            }
        }
        Ok(())
    }
}

/// A request as it will go on the wire, before it is handed to the HTTP client.
pub struct OutgoingRequest {
    /// The HTTP method.
    pub method: http::Method,
    /// The path, percent-encoded, base path included.
    pub path: String,
    /// The query parameters, not encoded.
    pub query: Vec<(String, String)>,
    /// Every header to send, in order.
    pub headers: Vec<(&'static str, String)>,
    /// The body; empty for none.
    pub body: Vec<u8>,
}

impl OutgoingRequest {
    /// The query string as sent: the signer's canonical form, so that what is signed
    /// is byte for byte what is sent.
    pub fn query_string(&self) -> String {
        signing::canonical_query(&self.query)
    }

    fn signing_view(&self) -> RequestView<'_> {
        RequestView {
            method: self.method.as_str(),
            path: &self.path,
            query: self
                .query
                .iter()
                .map(|(key, value)| (key.as_str(), value.as_str()))
                .collect(),
            headers: self
                .headers
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect(),
            body: &self.body,
        }
    }
}
