//! Credentials used as configured, which nothing needs to obtain or refresh: a fixed IAM
//! token, or an AK/SK pair that signs each request (`SDK-HMAC-SHA256`). A leaf below
//! [`crate::credentials`] and [`crate::credentials::iam`], which both authorize requests with them
//! (IAM's agency token request is itself authorized with static credentials).

use ges_api::signing::{self, SdkDate, SignatureError};
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use crate::transport::OutgoingRequest;

/// Credentials used as configured: nothing to obtain or refresh.
#[derive(Debug, Clone)]
pub enum StaticCredentials {
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

impl StaticCredentials {
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

    /// Adds the authentication headers, as [`Credentials::authorize`](crate::credentials::Credentials::authorize). A request scoped
    /// to a project (every GES call) says so in `X-Project-Id` when signed, as the
    /// official SDK does; IAM calls are not scoped.
    pub fn authorize(
        &self,
        request: &mut OutgoingRequest,
        project_id: Option<&str>,
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
                if let Some(project_id) = project_id {
                    request
                        .headers
                        .push(("X-Project-Id", project_id.to_owned()));
                }
                request
                    .headers
                    .push((signing::HEADER_SDK_DATE, SdkDate::from(now).to_string()));
                if let Some(token) = security_token {
                    request.headers.push((
                        signing::HEADER_SECURITY_TOKEN,
                        token.expose_secret().to_owned(),
                    ));
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
