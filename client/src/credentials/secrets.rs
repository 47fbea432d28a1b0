//! Credentials kept in AWS Secrets Manager, read without the AWS SDK through the AWS
//! Parameters and Secrets Lambda Extension: a layer that serves
//! `GET http://localhost:{port}/secretsmanager/get?secretId=ID` to callers presenting
//! the function's `AWS_SESSION_TOKEN` in `X-Aws-Parameters-Secrets-Token`.
//!
//! The secret's `SecretString` is a JSON object whose keys are the names of the
//! credential variables it stands for ([`KEYS`]), such as
//! `{"HUAWEICLOUD_SDK_AK": "...", "HUAWEICLOUD_SDK_SK": "..."}` or
//! `{"GES_IAM_USER": "...", "GES_IAM_DOMAIN": "...", "GES_IAM_PASSWORD": "..."}`:
//! one convention, the same names as the environment. A key outside [`KEYS`] is refused
//! (a typo would otherwise be ignored), and so is a key also set in the environment
//! (which one wins would be a guess). The secret is read once, at start-up.
//!
//! No error repeats a value of the secret, the session token, or the extension's
//! answer body.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

use crate::config::env::{Vars, vars};
use crate::credentials::refusal::{Refusal, Service};
use crate::transport::{self, ClientOptions, ReadError, Timeouts};

/// The extension's port unless `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT` says otherwise.
pub(crate) const DEFAULT_EXTENSION_PORT: u16 = 2773;

/// The keys a secret may hold: the credential variables.
pub(crate) const KEYS: &[&str] = &[
    vars::AK,
    vars::SK,
    vars::SECURITY_TOKEN,
    vars::AUTH_TOKEN,
    vars::IAM_USER,
    vars::IAM_PASSWORD,
    vars::IAM_DOMAIN,
];

/// How long one request to the extension may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// How many times the extension is tried when it refuses the connection: it starts
/// alongside the function and may not listen yet.
const CONNECT_ATTEMPTS: u32 = 3;
/// The pause between those tries.
const CONNECT_PAUSE: Duration = Duration::from_millis(200);
/// The most of the extension's answer read (a secret is at most 64 KiB).
const MAX_ANSWER_BYTES: usize = 256 * 1024;
/// The call, as IAM policies name it.
const GET_SECRET_VALUE: &str = "secretsmanager:GetSecretValue";
/// What to check when the extension refuses.
const REFUSED_HINT: &str = "check the name or ARN, and that the function's role may call \
                            secretsmanager:GetSecretValue on it (and kms:Decrypt for its key)";

/// The credential variables a secret holds. `Debug` shows the keys only.
#[derive(Clone, Default)]
pub struct SecretValues {
    values: Vec<(&'static str, SecretString)>,
}

impl fmt::Debug for SecretValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&str> = self.values.iter().map(|(key, _)| *key).collect();
        f.debug_struct("SecretValues")
            .field("keys", &keys)
            .finish_non_exhaustive()
    }
}

impl SecretValues {
    /// Reads a `SecretString`: a JSON object of the variables' names (`KEYS`) to strings.
    pub fn parse(secret_string: &str) -> Result<Self, SecretsError> {
        // Strictly: a key given twice would leave which credential is used to a guess.
        // Only where: a parser's message may quote the text, which is secret.
        let object: Map<String, Value> = match crate::input::json::parse(secret_string) {
            Ok(Value::Object(object)) => object,
            Ok(_) => return Err(SecretsError::NotAnObject { line: 1, column: 1 }),
            Err(error) => {
                let (line, column) = error.position();
                return Err(SecretsError::NotAnObject { line, column });
            }
        };
        let mut values = Vec::with_capacity(object.len());
        for (key, value) in object {
            if let Some(federation) = crate::federation::config::FEDERATION_VARIABLES
                .iter()
                .copied()
                .find(|known| *known == key)
            {
                return Err(SecretsError::FederationKey { key: federation });
            }
            let Some(known) = KEYS.iter().copied().find(|known| *known == key) else {
                return Err(SecretsError::UnknownKey {
                    key: shown_key(&key),
                    length: key.chars().count(),
                });
            };
            let Value::String(value) = value else {
                return Err(SecretsError::NotAString { key: known });
            };
            if !value.trim().is_empty() {
                values.push((known, SecretString::from(value)));
            }
        }
        if values.is_empty() {
            return Err(SecretsError::Empty);
        }
        Ok(Self { values })
    }

    /// The value the secret gives `variable`, if any.
    pub fn get(&self, variable: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(key, _)| *key == variable)
            .map(|(_, value)| value.expose_secret().trim().to_owned())
    }

    /// The variables the secret sets.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.values.iter().map(|(key, _)| *key)
    }

    /// Refuses a variable set both here and in the environment.
    pub(crate) fn check_not_in<F: Fn(&str) -> Option<String>>(
        &self,
        env: &Vars<F>,
    ) -> Result<(), SecretsError> {
        match self.keys().find(|key| env.get(key).is_some()) {
            Some(variable) => Err(SecretsError::SetTwice { variable }),
            None => Ok(()),
        }
    }
}

/// An unknown key as a message may show it: only when it reads as a variable's name,
/// in upper case with `_` (`HUAWEICLOUD_SDK_SK_`, `GES_IAM_PASWORD`) or as the end of
/// one (`ak`, `password`). A key typed in a console's key column may be the credential
/// itself (an SK is 40 letters and digits), which no message may repeat.
fn shown_key(key: &str) -> Option<String> {
    let plain = (1..=40).contains(&key.len())
        && key
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
    let upper = key.to_ascii_uppercase();
    let a_variable_name = key.contains('_')
        && key
            .bytes()
            .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit() || byte == b'_');
    let ends_a_variable = KEYS
        .iter()
        .any(|known| *known == upper || known.ends_with(&format!("_{upper}")));
    (plain && (a_variable_name || ends_a_variable)).then(|| key.to_owned())
}

/// Reads the secret `secret_id` through the extension.
pub(crate) async fn fetch<F: Fn(&str) -> Option<String>>(
    env: &Vars<F>,
    secret_id: &str,
) -> Result<SecretValues, SecretsError> {
    let port = match env.get(vars::SECRETS_EXTENSION_PORT) {
        None => DEFAULT_EXTENSION_PORT,
        Some(value) => value
            .parse::<u16>()
            .ok()
            .filter(|port| *port != 0)
            .ok_or_else(|| SecretsError::BadPort {
                value: value.chars().take(40).collect(),
            })?,
    };
    let session_token = env
        .get(vars::AWS_SESSION_TOKEN)
        .map(SecretString::from)
        .ok_or(SecretsError::NoSessionToken)?;
    let http = transport::build_client(ClientOptions {
        timeouts: Some(Timeouts {
            connect: REQUEST_TIMEOUT,
            request: REQUEST_TIMEOUT,
        }),
        // Plain HTTP to loopback: the compiled-in roots, never used.
        trust: None,
        // The extension is on loopback; a proxy configured for the internet must not
        // see the session token.
        no_proxy: true,
    })
    .map_err(|source| SecretsError::Transport { source })?;
    let token_header = transport::header_map(&[(
        "X-Aws-Parameters-Secrets-Token",
        session_token.expose_secret().to_owned(),
    )])
    .map_err(|_| SecretsError::Malformed {
        why: "AWS_SESSION_TOKEN holds characters an HTTP header cannot carry",
    })?;
    let mut url = url::Url::parse(&format!("http://localhost:{port}/secretsmanager/get"))
        // A port number and a fixed path always make a URL.
        .expect("the extension's URL is valid");
    url.query_pairs_mut().append_pair("secretId", secret_id);

    let mut attempt = 0;
    let response = loop {
        attempt += 1;
        let sent = http
            .get(url.clone())
            .headers(token_header.clone())
            .send()
            .await;
        match sent {
            Ok(response) => break response,
            Err(error) if error.is_connect() && attempt < CONNECT_ATTEMPTS => {
                tokio::time::sleep(CONNECT_PAUSE).await;
            }
            Err(error) => {
                return Err(SecretsError::Transport {
                    source: transport::quiet(error),
                });
            }
        }
    };
    let status = response.status().as_u16();
    let body = transport::read_capped(response, MAX_ANSWER_BYTES)
        .await
        .map_err(|error| match error {
            ReadError::TooLarge { .. } => SecretsError::Malformed {
                why: "the answer is too large",
            },
            ReadError::Transport(source) => SecretsError::Transport { source },
        })?;
    if status != 200 {
        // The extension's error body is Secrets Manager's, passed on: neither its code
        // nor its message is read, only the status.
        return Err(SecretsError::Refused(Refusal::new(
            Service::SecretsManager,
            GET_SECRET_VALUE,
            status,
            None,
            None,
            REFUSED_HINT,
            1,
        )));
    }
    let answer: Value = serde_json::from_slice(&body).map_err(|_| SecretsError::Malformed {
        why: "the answer is not JSON",
    })?;
    let Some(Value::String(secret_string)) = answer.get("SecretString") else {
        return Err(SecretsError::Malformed {
            why: "the answer has no SecretString (a binary secret cannot hold credentials)",
        });
    };
    let values = SecretValues::parse(secret_string)?;
    tracing::info!(
        keys = ?values.keys().collect::<Vec<_>>(),
        "read credentials from the secret HUAWEICLOUD_SDK_SECRET_ID names"
    );
    Ok(values)
}

/// The secret could not be used. No variant holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// No session token to present.
    #[error(
        "HUAWEICLOUD_SDK_SECRET_ID is set but AWS_SESSION_TOKEN is not: the AWS Parameters and \
         Secrets Lambda Extension wants it (Lambda sets it); outside Lambda, set the \
         credential variables instead"
    )]
    NoSessionToken,
    /// A bad port.
    #[error("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT is {value:?}: give a port from 1 to 65535")]
    BadPort {
        /// Its value, cut to 40 characters.
        value: String,
    },
    /// The extension could not be reached.
    #[error(
        "could not reach the AWS Parameters and Secrets Lambda Extension for \
         HUAWEICLOUD_SDK_SECRET_ID: {source}; add the extension's layer to the function \
         (and check PARAMETERS_SECRETS_EXTENSION_HTTP_PORT)"
    )]
    Transport {
        /// What went wrong.
        source: reqwest::Error,
    },
    /// The extension refused.
    #[error(
        "the AWS Parameters and Secrets Lambda Extension answered {} for the secret \
         HUAWEICLOUD_SDK_SECRET_ID names: {}",
        .0.status,
        .0.hint
    )]
    Refused(Refusal),
    /// The extension's answer is not one.
    #[error("the AWS Parameters and Secrets Lambda Extension's answer cannot be used: {why}")]
    Malformed {
        /// What is wrong.
        why: &'static str,
    },
    /// The secret is not a JSON object.
    #[error(
        "the secret HUAWEICLOUD_SDK_SECRET_ID names is not a JSON object (line {line}, column \
         {column}): store {{\"HUAWEICLOUD_SDK_AK\": \"...\", \"HUAWEICLOUD_SDK_SK\": \"...\"}} \
         or the GES_IAM_* keys"
    )]
    NotAnObject {
        /// Where it stops being one.
        line: usize,
        /// Where it stops being one.
        column: usize,
    },
    /// A key the secret may not hold.
    #[error(
        "the secret HUAWEICLOUD_SDK_SECRET_ID names holds {}, which is not a credential \
         variable: use HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN, \
         GES_AUTH_TOKEN, GES_IAM_USER, GES_IAM_PASSWORD or GES_IAM_DOMAIN",
        match key {
            Some(key) => format!("the key {key:?}"),
            None => format!(
                "a key of {length} characters (not shown: it does not read as a variable's \
                 name, and may be a credential typed where a key belongs)"
            ),
        }
    )]
    UnknownKey {
        /// The key, when it reads as a variable's name.
        key: Option<String>,
        /// How many characters it has.
        length: usize,
    },
    /// A federation variable in the secret.
    #[error(
        "the secret HUAWEICLOUD_SDK_SECRET_ID names holds {key}, a federation variable: \
         federation needs no secret; set the HUAWEICLOUD_OIDC_* and GES_OIDC_* variables in \
         the environment and unset HUAWEICLOUD_SDK_SECRET_ID"
    )]
    FederationKey {
        /// The key.
        key: &'static str,
    },
    /// A value that is not a string.
    #[error(
        "the secret HUAWEICLOUD_SDK_SECRET_ID names holds {key} as something other than a string"
    )]
    NotAString {
        /// The key.
        key: &'static str,
    },
    /// Nothing in it.
    #[error("the secret HUAWEICLOUD_SDK_SECRET_ID names holds no credentials")]
    Empty,
    /// Set twice.
    #[error(
        "{variable} is set both in the environment and in the secret \
         HUAWEICLOUD_SDK_SECRET_ID names: keep one"
    )]
    SetTwice {
        /// The variable.
        variable: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_strings_hold_credential_variables() {
        let values = SecretValues::parse(
            r#"{"HUAWEICLOUD_SDK_AK": "AK1", "HUAWEICLOUD_SDK_SK": "very-secret-sk"}"#,
        )
        .unwrap();
        assert_eq!(values.get(vars::AK).as_deref(), Some("AK1"));
        assert_eq!(values.get(vars::SK).as_deref(), Some("very-secret-sk"));
        assert_eq!(values.get(vars::AUTH_TOKEN), None);
        let shown = format!("{values:?}");
        assert!(
            !shown.contains("very-secret") && shown.contains(vars::SK),
            "{shown}"
        );
    }

    #[test]
    fn bad_secret_strings_are_refused_without_repeating_them() {
        for (text, expected) in [
            (r#"{"ak": "very-secret"}"#, "\"ak\""),
            (
                r#"{"GES_IAM_PASWORD": "very-secret"}"#,
                "\"GES_IAM_PASWORD\"",
            ),
            (
                r#"{"very-secret7Kd9QmZ2xR4tW8yB1nC5vF3hJ6gL0pA": "x"}"#,
                "a key of 42 characters",
            ),
            (
                r#"{"verysecret7Kd9QmZ2xR4tW8yB1nC5vF3hJ6gL0p": "x"}"#,
                "a key of 40",
            ),
            (r#"{"HUAWEICLOUD_SDK_SK": 12345}"#, "HUAWEICLOUD_SDK_SK"),
            (r#"very-secret"#, "line 1"),
            (r#"{"HUAWEICLOUD_SDK_SK": "very-secret""#, "line 1"),
            (r#"{}"#, "no credentials"),
        ] {
            let err = SecretValues::parse(text).unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(shown.contains(expected), "{shown}");
            assert!(!shown.contains("very-secret"), "{shown}");
        }
    }
}
