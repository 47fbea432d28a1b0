//! Configuration, read once from the environment (or anything that looks like it) and
//! checked there, so that a bad setting fails at start-up with a message naming the
//! variable, not on every invocation.

use std::time::Duration;

use ges_api::runtime::ConstraintViolation;
use ges_api::types::ProjectId;
use secrecy::SecretString;

use crate::credentials::Credentials;
use crate::endpoint::{Endpoint, EndpointError, Region};

/// The variables this module reads. The `HUAWEICLOUD_SDK_*` ones are the official SDK's
/// names, so a team that already uses the SDK configures nothing new.
pub mod vars {
    /// The access key (AK) for request signing.
    pub const AK: &str = "HUAWEICLOUD_SDK_AK";
    /// The secret key (SK) for request signing.
    pub const SK: &str = "HUAWEICLOUD_SDK_SK";
    /// The security token that comes with temporary AK/SK credentials.
    pub const SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
    /// The default project ID.
    pub const PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
    /// The region, which gives the endpoint.
    pub const REGION: &str = "HUAWEICLOUD_SDK_REGION";
    /// An explicit GES endpoint, overriding the region's.
    pub const ENDPOINT: &str = "GES_ENDPOINT";
    /// An IAM token, instead of AK/SK.
    pub const AUTH_TOKEN: &str = "GES_AUTH_TOKEN";
    /// Seconds to wait for a connection to GES.
    pub const CONNECT_TIMEOUT: &str = "GES_CONNECT_TIMEOUT_SECS";
    /// Seconds to wait for one whole request to GES.
    pub const REQUEST_TIMEOUT: &str = "GES_REQUEST_TIMEOUT_SECS";
    /// The graphs a classic scheduled event stops, comma-separated.
    pub const GRAPH_IDS: &str = "GES_GRAPH_IDS";
    /// The only graphs the function may stop, comma-separated; unset means any.
    pub const ALLOWED_GRAPH_IDS: &str = "GES_ALLOWED_GRAPH_IDS";
    /// The only projects the function may act in, comma-separated; unset means any.
    pub const ALLOWED_PROJECT_IDS: &str = "GES_ALLOWED_PROJECT_IDS";
    /// How many graphs one invocation stops at once.
    pub const MAX_CONCURRENCY: &str = "GES_MAX_CONCURRENCY";
    /// Seconds to wait for stop jobs when the runtime gives no usable deadline.
    pub const WAIT_TIMEOUT: &str = "GES_WAIT_TIMEOUT_SECS";
}

/// Everything needed to talk to GES.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where GES is.
    pub endpoint: Endpoint,
    /// The region, when the endpoint came from one.
    pub region: Option<Region>,
    /// The project a request names when it names none.
    pub default_project_id: Option<ProjectId>,
    /// How requests are authenticated.
    pub credentials: Credentials,
    /// How long to wait for GES.
    pub timeouts: Timeouts,
}

/// How long to wait for GES.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// For a TCP and TLS connection.
    pub connect: Duration,
    /// For one whole request, from sending it to the last byte of the answer.
    pub request: Duration,
}

impl Default for Timeouts {
    /// The official SDK waits 60 s to connect and 120 s to read; a stop answers in well
    /// under a second, and a Lambda invocation has its own deadline, so we give up far
    /// sooner and leave time to report.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(30),
        }
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup`, so that callers can layer command-line flags
    /// over the environment and tests need not touch the process environment.
    /// A variable set to an empty or blank value counts as unset, as consoles that
    /// cannot delete a variable leave it empty.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::from_vars(&Vars(lookup))
    }

    pub(crate) fn from_vars<F: Fn(&str) -> Option<String>>(
        env: &Vars<F>,
    ) -> Result<Self, ConfigError> {
        let get = |name: &str| env.get(name);
        let region = get(vars::REGION)
            .map(|name| name.parse::<Region>())
            .transpose()
            .map_err(|source| ConfigError::Endpoint {
                variable: vars::REGION.to_owned(),
                source,
            })?;
        let endpoint = resolve_endpoint(&get, region)?;

        let default_project_id = get(vars::PROJECT_ID)
            .map(|value| value.parse::<ProjectId>())
            .transpose()
            .map_err(|source| ConfigError::ProjectId {
                variable: vars::PROJECT_ID,
                source,
            })?;

        let credentials = credentials(&get)?;
        let timeouts = Timeouts {
            connect: env
                .seconds(vars::CONNECT_TIMEOUT)?
                .unwrap_or(Timeouts::default().connect),
            request: env
                .seconds(vars::REQUEST_TIMEOUT)?
                .unwrap_or(Timeouts::default().request),
        };

        Ok(Config {
            endpoint,
            region,
            default_project_id,
            credentials,
            timeouts,
        })
    }
}

fn resolve_endpoint(
    get: &impl Fn(&str) -> Option<String>,
    region: Option<Region>,
) -> Result<Endpoint, ConfigError> {
    let parse = |variable: String, value: String| {
        value
            .parse::<Endpoint>()
            .map_err(|source| ConfigError::Endpoint { variable, source })
    };
    if let Some(value) = get(vars::ENDPOINT) {
        return parse(vars::ENDPOINT.to_owned(), value);
    }
    let region = region.ok_or(ConfigError::NoEndpoint)?;
    let override_variable = region.sdk_override_variable();
    match get(&override_variable) {
        // The SDK's override holds a comma-separated list; it tries them in order, and
        // the first is the one it uses while that one answers.
        Some(list) => {
            let first = list.split(',').next().unwrap_or_default().trim().to_owned();
            parse(override_variable, first)
        }
        None => Ok(region.endpoint()),
    }
}

fn credentials(get: &impl Fn(&str) -> Option<String>) -> Result<Credentials, ConfigError> {
    let token = get(vars::AUTH_TOKEN);
    let access_key = get(vars::AK);
    let secret_key = get(vars::SK);
    let security_token = get(vars::SECURITY_TOKEN);

    match (token, access_key, secret_key) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(ConfigError::TwoKindsOfCredentials),
        (Some(_), None, None) if security_token.is_some() => {
            Err(ConfigError::SecurityTokenWithoutAkSk)
        }
        (Some(token), None, None) => Ok(Credentials::Token(SecretString::from(token))),
        (None, Some(access_key), Some(secret_key)) => Ok(Credentials::AkSk {
            access_key,
            secret_key: SecretString::from(secret_key),
            security_token: security_token.map(SecretString::from),
        }),
        (None, Some(_), None) => Err(ConfigError::HalfAkSk { missing: vars::SK }),
        (None, None, Some(_)) => Err(ConfigError::HalfAkSk { missing: vars::AK }),
        (None, None, None) if security_token.is_some() => {
            Err(ConfigError::SecurityTokenWithoutAkSk)
        }
        (None, None, None) => Err(ConfigError::NoCredentials),
    }
}

/// Reads variables: blank counts as unset, as consoles that cannot delete a variable
/// leave it empty; values are trimmed.
pub(crate) struct Vars<F>(pub(crate) F);

impl<F: Fn(&str) -> Option<String>> Vars<F> {
    /// A variable's trimmed value, if set and not blank.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    }

    /// A number of seconds, more than 0 and at most 900 (a Lambda's longest run).
    pub(crate) fn seconds(&self, variable: &'static str) -> Result<Option<Duration>, ConfigError> {
        let Some(value) = self.get(variable) else {
            return Ok(None);
        };
        match value.parse::<f64>() {
            Ok(secs) if secs.is_finite() && secs > 0.0 && secs <= 900.0 => {
                Ok(Some(Duration::from_secs_f64(secs)))
            }
            _ => Err(ConfigError::Seconds {
                variable,
                value: value.chars().take(40).collect(),
            }),
        }
    }
}

/// A configuration that cannot work. Each message names the variable to fix; none
/// repeats a secret.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No credentials at all.
    #[error(
        "no GES credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (plus \
         HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary credentials), or GES_AUTH_TOKEN"
    )]
    NoCredentials,
    /// A token and AK/SK at once: which one to use would be a guess.
    #[error(
        "both GES_AUTH_TOKEN and HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK are set: unset one of \
         them, so that it is clear which credentials ges-stop uses"
    )]
    TwoKindsOfCredentials,
    /// One half of an AK/SK pair.
    #[error(
        "{missing} is not set: AK/SK signing needs both HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK"
    )]
    HalfAkSk {
        /// The variable that is missing.
        missing: &'static str,
    },
    /// A security token without the AK/SK it belongs to.
    #[error(
        "HUAWEICLOUD_SDK_SECURITY_TOKEN is set without HUAWEICLOUD_SDK_AK and \
         HUAWEICLOUD_SDK_SK: a security token only comes with temporary AK/SK credentials"
    )]
    SecurityTokenWithoutAkSk,
    /// Neither an endpoint nor a region.
    #[error("no GES endpoint: set HUAWEICLOUD_SDK_REGION (such as cn-north-4) or GES_ENDPOINT")]
    NoEndpoint,
    /// A bad endpoint or region.
    #[error("{variable}: {source}")]
    Endpoint {
        /// The variable that holds it.
        variable: String,
        /// What is wrong.
        source: EndpointError,
    },
    /// A bad project ID.
    #[error("{variable}: {source}")]
    ProjectId {
        /// The variable that holds it.
        variable: &'static str,
        /// What is wrong.
        source: ConstraintViolation,
    },
    /// A bad entry in a comma-separated list of IDs.
    #[error("{variable}, entry {position}: {source}")]
    IdList {
        /// The variable that holds it.
        variable: &'static str,
        /// Which entry, from 1.
        position: usize,
        /// What is wrong.
        source: ConstraintViolation,
    },
    /// A bad concurrency.
    #[error("{variable} is {value:?}: give a whole number from 1 to {max}")]
    Count {
        /// The variable that holds it.
        variable: &'static str,
        /// Its value, cut to 40 characters.
        value: String,
        /// The largest allowed.
        max: usize,
    },
    /// A bad number of seconds.
    #[error("{variable} is {value:?}: give a number of seconds greater than 0 and at most 900")]
    Seconds {
        /// The variable that holds it.
        variable: &'static str,
        /// Its value, cut to 40 characters.
        value: String,
    },
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn region_gives_the_endpoint_and_aksk_the_credentials() {
        let config = config(&[
            (vars::REGION, "cn-north-4"),
            (vars::AK, "AK"),
            (vars::SK, "SK"),
            (vars::PROJECT_ID, "0123456789abcdef0123456789abcdef"),
        ])
        .unwrap();
        assert_eq!(
            config.endpoint.to_string(),
            "https://ges.cn-north-4.myhuaweicloud.com"
        );
        assert!(matches!(config.credentials, Credentials::AkSk { .. }));
        assert_eq!(
            config.default_project_id.unwrap().as_str(),
            "0123456789abcdef0123456789abcdef"
        );
        assert_eq!(config.timeouts, Timeouts::default());
    }

    #[test]
    fn explicit_endpoint_wins_over_region_and_sdk_override() {
        let explicit = config(&[
            (vars::REGION, "cn-north-4"),
            (vars::ENDPOINT, "http://127.0.0.1:9999"),
            ("HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4", "https://a.example"),
            (vars::AUTH_TOKEN, "t"),
        ])
        .unwrap();
        assert_eq!(explicit.endpoint.to_string(), "http://127.0.0.1:9999");
        let overridden = config(&[
            (vars::REGION, "cn-north-4"),
            (
                "HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4",
                "https://a.example, https://b.example",
            ),
            (vars::AUTH_TOKEN, "t"),
        ])
        .unwrap();
        assert_eq!(overridden.endpoint.to_string(), "https://a.example");
    }

    #[test]
    fn credentials_must_be_one_complete_kind() {
        let base = [(vars::REGION, "cn-north-4")];
        let with = |extra: &[(&str, &str)]| {
            let mut all = base.to_vec();
            all.extend_from_slice(extra);
            config(&all)
        };
        assert!(matches!(with(&[]), Err(ConfigError::NoCredentials)));
        assert!(matches!(
            with(&[(vars::AK, "AK")]),
            Err(ConfigError::HalfAkSk { missing: vars::SK })
        ));
        assert!(matches!(
            with(&[(vars::SK, "SK")]),
            Err(ConfigError::HalfAkSk { missing: vars::AK })
        ));
        assert!(matches!(
            with(&[(vars::AUTH_TOKEN, "t"), (vars::AK, "AK"), (vars::SK, "SK")]),
            Err(ConfigError::TwoKindsOfCredentials)
        ));
        assert!(matches!(
            with(&[(vars::SECURITY_TOKEN, "st")]),
            Err(ConfigError::SecurityTokenWithoutAkSk)
        ));
        assert!(matches!(
            with(&[(vars::AUTH_TOKEN, "t"), (vars::SECURITY_TOKEN, "st")]),
            Err(ConfigError::SecurityTokenWithoutAkSk)
        ));
        // Blank counts as unset.
        assert!(matches!(
            with(&[(vars::AUTH_TOKEN, "t"), (vars::AK, "  ")]),
            Ok(Config {
                credentials: Credentials::Token(_),
                ..
            })
        ));
        assert!(matches!(
            with(&[
                (vars::AK, "AK"),
                (vars::SK, "SK"),
                (vars::SECURITY_TOKEN, "st")
            ]),
            Ok(Config {
                credentials: Credentials::AkSk {
                    security_token: Some(_),
                    ..
                },
                ..
            })
        ));
    }

    #[test]
    fn bad_values_name_their_variable() {
        let err = config(&[(vars::AUTH_TOKEN, "t")]).unwrap_err();
        assert!(matches!(err, ConfigError::NoEndpoint));
        let err = config(&[(vars::AUTH_TOKEN, "t"), (vars::REGION, "mars-1")]).unwrap_err();
        assert!(
            err.to_string().starts_with("HUAWEICLOUD_SDK_REGION: "),
            "{err}"
        );
        let err = config(&[
            (vars::AUTH_TOKEN, "t"),
            (vars::ENDPOINT, "http://203.0.113.9"),
        ])
        .unwrap_err();
        assert!(err.to_string().starts_with("GES_ENDPOINT: "), "{err}");
        let err = config(&[
            (vars::AUTH_TOKEN, "t"),
            (vars::REGION, "cn-north-4"),
            (vars::PROJECT_ID, "../etc"),
        ])
        .unwrap_err();
        assert!(
            err.to_string().starts_with("HUAWEICLOUD_SDK_PROJECT_ID: "),
            "{err}"
        );
        let err = config(&[
            (vars::AUTH_TOKEN, "t"),
            (vars::REGION, "cn-north-4"),
            (vars::REQUEST_TIMEOUT, "-1"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains(vars::REQUEST_TIMEOUT), "{err}");
    }

    #[test]
    fn secrets_never_reach_debug_or_errors() {
        let config = config(&[
            (vars::REGION, "cn-north-4"),
            (vars::AK, "AK-ID"),
            (vars::SK, "very-secret-sk"),
            (vars::SECURITY_TOKEN, "very-secret-security-token"),
        ])
        .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        let config = self::config(&[
            (vars::REGION, "cn-north-4"),
            (vars::AUTH_TOKEN, "very-secret-token"),
        ])
        .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        let err = self::config(&[
            (vars::AUTH_TOKEN, "very-secret-token"),
            (vars::AK, "AK"),
            (vars::SK, "very-secret-sk"),
        ])
        .unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
    }
}
