//! Configuration, read once from the environment (or anything that looks like it) and
//! checked there, so that a bad setting fails at start-up with a message naming the
//! variable, not on every invocation.
//!
//! [`Config::from_lookup`] only reads variables: no file, no network. What needs more
//! is read by the start-up step, [`Config::load`]: the secret `HUAWEICLOUD_SDK_SECRET_ID`
//! names, the region's project from IAM, and the paths of the extra root certificates of
//! `SSL_CERT_FILE`/`SSL_CERT_DIR` ([`crate::transport::tls::Trust`], which reads the certificates
//! when a chain first needs them); [`Config::from_env`] checks those paths too, but
//! refuses a secret.

pub(crate) mod bounded_seconds;
pub(crate) mod endpoint;
pub(crate) mod env;

pub use endpoint::{Endpoint, Region};
pub use env::Vars;

use std::time::Duration;

use ges_api::runtime::ConstraintViolation;
use ges_api::types::ProjectId;
use secrecy::SecretString;

use crate::config::endpoint::{EndpointError, Upstream};
use crate::credentials::iam::{self, IamError, ProjectScope, TokenIdentity, TokenRequest};
use crate::credentials::secrets::{self, SecretsError};
use crate::credentials::{Credentials, IamTokens, StaticCredentials};
use crate::federation;
use crate::federation::config::FederationConfigError;
use crate::transport::Transport;
use crate::transport::retry::{DEFAULT_MAX_ATTEMPTS, MAX_ATTEMPTS_LIMIT, RetryPolicy};
use crate::transport::tls::{self, TlsError, Trust};

pub use crate::transport::Timeouts;

pub use crate::config::env::vars;

/// What a front door sets in place of the variables, as typed values (the command line's
/// `--project-id`, `--region`, `--endpoint`): each, when given, is used as the variable
/// it replaces would be, and that variable is not read.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// In place of `HUAWEICLOUD_SDK_PROJECT_ID`.
    pub project_id: Option<ProjectId>,
    /// In place of `HUAWEICLOUD_SDK_REGION`.
    pub region: Option<Region>,
    /// In place of `GES_ENDPOINT`.
    pub endpoint: Option<Endpoint>,
    /// Whether no configured credentials is a configuration: each run then brings its
    /// own ([`crate::run::RunRequest::credentials`]), and one that brings none is refused
    /// before anything is sent ([`Credentials::PerRun`]). Only the FunctionGraph front door
    /// sets it, whose invocations carry their agency's temporary credentials; the Lambda
    /// function and the command line keep [`ConfigError::NoCredentials`].
    pub runs_bring_credentials: bool,
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
    /// Where IAM is, when known: from `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else the region's.
    pub iam_endpoint: Option<Endpoint>,
    /// How long to wait for GES and IAM.
    pub timeouts: Timeouts,
    /// The root certificates GES and IAM are trusted with.
    pub trust: Trust,
    /// How failed calls are tried again.
    pub retry: RetryPolicy,
    /// Where the home region's Cloud Eye is, when known: `GES_CES_ENDPOINT`, else the
    /// region's (`https://ces.{region}.myhuaweicloud.com`).
    pub ces_endpoint: Option<Endpoint>,
    /// The GES endpoint of every other region a fleet selector may name: the official
    /// SDK's override variable (`HUAWEICLOUD_SDK_REGION_GES_<REGION>`) if set, else the
    /// region's public endpoint.
    pub region_endpoints: Vec<(Region, Endpoint)>,
}

/// A variable's value by its name, as [`Config::from_vars`] reads them.
type Lookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

impl Config {
    /// Reads the process environment, and the root certificates `SSL_CERT_FILE` and
    /// `SSL_CERT_DIR` name. No network: a secret (`HUAWEICLOUD_SDK_SECRET_ID`) is
    /// refused, and a project is not looked up; see [`Config::load_env`].
    pub fn from_env() -> Result<Self, ConfigError> {
        let env = Vars(|name: &str| std::env::var(name).ok());
        if env.get(vars::SECRET_ID).is_some() {
            return Err(ConfigError::SecretNeedsLoad);
        }
        let trust = Trust::from_lookup(|name| env.get(name))?;
        Ok(Self {
            trust,
            ..Self::from_vars(&env, &Overrides::default())?
        })
    }

    /// Reads the process environment as [`Config::load`] does.
    pub async fn load_env() -> Result<Self, ConfigError> {
        Self::load(|name| std::env::var(name).ok()).await
    }

    /// Reads the configuration at start-up, once: the variables and the root
    /// certificates `SSL_CERT_FILE`/`SSL_CERT_DIR` name (no file is read when neither is
    /// set), then the credentials in the secret `HUAWEICLOUD_SDK_SECRET_ID` names
    /// (through the AWS Parameters and Secrets Lambda Extension), and, when a region but
    /// no project ID is configured, the region's project ID from IAM. With IAM token
    /// credentials, the token obtained for the look-up is kept for the GES calls.
    pub async fn load(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::load_with(lookup, &Overrides::default()).await
    }

    /// As [`Config::load`], with `overrides` in place of the variables they replace.
    pub async fn load_with(
        lookup: impl Fn(&str) -> Option<String>,
        overrides: &Overrides,
    ) -> Result<Self, ConfigError> {
        let env = Vars(lookup);
        // First: a wrong path fails at once, before anything is asked of the network.
        let trust = Trust::from_lookup(|name| env.get(name))?;
        let secret = match env.get(vars::SECRET_ID) {
            Some(_)
                if let Some(federation) = federation::config::FEDERATION_VARIABLES
                    .iter()
                    .copied()
                    .find(|name| env.get(name).is_some()) =>
            {
                // Refused before the secret is read: nothing is asked of anyone.
                return Err(FederationConfigError::Mixed {
                    federation,
                    other: vars::SECRET_ID,
                }
                .into());
            }
            Some(secret_id) => Some(secrets::fetch(&env, &secret_id).await?),
            None => None,
        };
        let mut config = match &secret {
            Some(secret) => {
                secret.check_not_in(&env)?;
                Self::from_vars(
                    &Vars(|name: &str| secret.get(name).or_else(|| env.get(name))),
                    overrides,
                )?
            }
            None => Self::from_vars(&env, overrides)?,
        };
        config.trust = trust;
        // Without configured credentials there is nothing to ask IAM with: the front door
        // that allows that names the project (FunctionGraph's RUNTIME_PROJECT_ID).
        if config.default_project_id.is_none()
            && !matches!(config.credentials, Credentials::PerRun)
            && let (Some(region), Some(iam_endpoint)) = (config.region, &config.iam_endpoint)
        {
            let transport = Transport::new(config.timeouts, config.retry, &config.trust)
                .map_err(|source| ConfigError::HttpClient { source })?;
            let project_id = iam::project_id_by_name(
                &transport,
                iam_endpoint,
                region.name(),
                &config.credentials,
            )
            .await
            .map_err(|source| ConfigError::ProjectLookup {
                region: region.name(),
                source: Box::new(source),
            })?;
            tracing::info!(
                region = region.name(),
                %project_id,
                "found the region's project in IAM"
            );
            if let Credentials::Iam(tokens) = &config.credentials {
                tokens.set_home_project(project_id.as_str());
            }
            config.default_project_id = Some(project_id);
        }
        Ok(config)
    }

    /// Reads variables through `lookup`, so that callers can layer command-line flags
    /// over the environment and tests need not touch the process environment.
    /// A variable set to an empty or blank value counts as unset, as consoles that
    /// cannot delete a variable leave it empty.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Vars(lookup);
        if env.get(vars::SECRET_ID).is_some() {
            return Err(ConfigError::SecretNeedsLoad);
        }
        if let Some(variable) = [tls::SSL_CERT_FILE, tls::SSL_CERT_DIR]
            .into_iter()
            .find(|name| env.get(name).is_some())
        {
            return Err(ConfigError::TrustNeedsLoad { variable });
        }
        Self::from_vars(&env, &Overrides::default())
    }

    pub(crate) fn from_vars<F: Fn(&str) -> Option<String>>(
        env: &Vars<F>,
        overrides: &Overrides,
    ) -> Result<Self, ConfigError> {
        // One copy of the reading below, whatever the lookup (the environment, a secret
        // over it, a test's map): it is some 17 KiB of code in the function's binary.
        let lookup = |name: &str| env.get(name);
        Self::read_vars(&Vars(&lookup as &Lookup<'_>), overrides)
    }

    fn read_vars(env: &Vars<&Lookup<'_>>, overrides: &Overrides) -> Result<Self, ConfigError> {
        let get = |name: &str| env.get(name);
        let region = match overrides.region {
            Some(region) => Some(region),
            None => get(vars::REGION)
                .map(|name| name.parse::<Region>())
                .transpose()
                .map_err(|source| ConfigError::Endpoint {
                    variable: vars::REGION.to_owned(),
                    source,
                })?,
        };
        let endpoint = match &overrides.endpoint {
            Some(endpoint) => endpoint.clone(),
            None => resolve_endpoint(&get, region)?,
        };

        let default_project_id = match &overrides.project_id {
            Some(project_id) => Some(project_id.clone()),
            None => get(vars::PROJECT_ID)
                .map(|value| value.parse::<ProjectId>())
                .transpose()
                .map_err(|source| ConfigError::ProjectId {
                    variable: vars::PROJECT_ID,
                    source,
                })?,
        };

        let iam_endpoint = resolve_iam_endpoint(&get, region)?;
        let ces_endpoint = resolve_ces_endpoint(&get, region)?;
        let scope = match (&default_project_id, region) {
            (Some(id), _) => Some(ProjectScope::Id(id.clone())),
            (None, Some(region)) => Some(ProjectScope::Name(region.name().to_owned())),
            (None, None) => None,
        };
        let credentials =
            match federation::config::from_vars(&get, region, default_project_id.as_ref())? {
                Some(federated) => Credentials::Federated(federated),
                None => credentials(
                    &get,
                    iam_endpoint.as_ref(),
                    scope,
                    overrides.runs_bring_credentials,
                )?,
            };
        let timeouts = Timeouts {
            connect: seconds(env, vars::CONNECT_TIMEOUT)?.unwrap_or(Timeouts::default().connect),
            request: seconds(env, vars::REQUEST_TIMEOUT)?.unwrap_or(Timeouts::default().request),
        };

        let retry = RetryPolicy {
            max_attempts: max_attempts(env)?,
            ..RetryPolicy::default()
        };

        let region_endpoints = Region::all()
            .filter(|other| Some(*other) != region)
            .map(|other| Ok((other, region_endpoint(&get, other)?)))
            .collect::<Result<_, ConfigError>>()?;

        Ok(Config {
            endpoint,
            region,
            default_project_id,
            credentials,
            iam_endpoint,
            timeouts,
            // The compiled-in roots: the extra ones are files, read by `load`/`from_env`.
            trust: Trust::compiled_in(),
            retry,
            ces_endpoint,
            region_endpoints,
        })
    }
}

/// `GES_MAX_ATTEMPTS`: 1 (no retry) to [`MAX_ATTEMPTS_LIMIT`].
fn max_attempts<F: Fn(&str) -> Option<String>>(env: &Vars<F>) -> Result<u32, ConfigError> {
    let Some(value) = env.get(vars::MAX_ATTEMPTS) else {
        return Ok(DEFAULT_MAX_ATTEMPTS);
    };
    match value.parse::<u32>() {
        Ok(count) if (1..=MAX_ATTEMPTS_LIMIT).contains(&count) => Ok(count),
        _ => Err(ConfigError::Count {
            variable: vars::MAX_ATTEMPTS,
            value: value.chars().take(40).collect(),
            max: MAX_ATTEMPTS_LIMIT as usize,
        }),
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
    region_endpoint(get, region.ok_or(ConfigError::NoEndpoint)?)
}

/// A region's endpoint: the official SDK's override variable, else the public one.
fn region_endpoint(
    get: &impl Fn(&str) -> Option<String>,
    region: Region,
) -> Result<Endpoint, ConfigError> {
    let override_variable = region.sdk_override_variable();
    match get(&override_variable) {
        // The SDK's override holds a comma-separated list; it tries them in order, and
        // the first is the one it uses while that one answers.
        Some(list) => {
            let first = list.split(',').next().unwrap_or_default().trim().to_owned();
            first
                .parse::<Endpoint>()
                .map_err(|source| ConfigError::Endpoint {
                    variable: override_variable,
                    source,
                })
        }
        None => Ok(region.endpoint()),
    }
}

/// The IAM endpoint: `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else the region's
/// (`https://iam.{region}.myhuaweicloud.com`, `.eu` for eu-west-101), else none.
fn resolve_iam_endpoint(
    get: &impl Fn(&str) -> Option<String>,
    region: Option<Region>,
) -> Result<Option<Endpoint>, ConfigError> {
    let value = match (get(vars::IAM_ENDPOINT), region) {
        (Some(value), _) => value,
        // The GES endpoint's host with `iam.` for `ges.`: the same domain per region.
        (None, Some(region)) => {
            region
                .endpoint()
                .to_string()
                .replacen("https://ges.", "https://iam.", 1)
        }
        (None, None) => return Ok(None),
    };
    Endpoint::parse_for(&value, Upstream::Iam)
        .map(Some)
        .map_err(|source| ConfigError::Endpoint {
            variable: vars::IAM_ENDPOINT.to_owned(),
            source,
        })
}

/// The home region's Cloud Eye endpoint: `GES_CES_ENDPOINT`, else the region's, else
/// none.
fn resolve_ces_endpoint(
    get: &impl Fn(&str) -> Option<String>,
    region: Option<Region>,
) -> Result<Option<Endpoint>, ConfigError> {
    match get(vars::CES_ENDPOINT) {
        Some(value) => Endpoint::parse_for(&value, Upstream::Ces)
            .map(Some)
            .map_err(|source| ConfigError::Endpoint {
                variable: vars::CES_ENDPOINT.to_owned(),
                source,
            }),
        None => Ok(region.map(|region| region.ces_endpoint())),
    }
}

/// Exactly one kind of credentials: AK/SK (with a security token when temporary), a
/// token, an IAM user's password, or an agency assumed with AK/SK or a token; or none,
/// when `runs_bring_credentials` says that each run brings its own.
fn credentials(
    get: &impl Fn(&str) -> Option<String>,
    iam_endpoint: Option<&Endpoint>,
    scope: Option<ProjectScope>,
    runs_bring_credentials: bool,
) -> Result<Credentials, ConfigError> {
    let user = get(vars::IAM_USER);
    let password = get(vars::IAM_PASSWORD);
    let domain = get(vars::IAM_DOMAIN);
    let agency = get(vars::IAM_AGENCY);
    let agency_domain = get(vars::IAM_AGENCY_DOMAIN);
    let wants_password = user.is_some() || password.is_some() || domain.is_some();
    let wants_agency = agency.is_some() || agency_domain.is_some();
    let fixed = static_credentials(
        get,
        !(wants_password || wants_agency || runs_bring_credentials),
    )?;

    let identity = match (wants_password, wants_agency, fixed) {
        (false, false, Some(fixed)) => return Ok(Credentials::Static(fixed)),
        (false, false, None) if runs_bring_credentials => return Ok(Credentials::PerRun),
        (false, false, None) => return Err(ConfigError::NoCredentials),
        (true, true, _) => {
            return Err(ConfigError::ConflictingCredentials {
                first: "GES_IAM_USER/GES_IAM_PASSWORD/GES_IAM_DOMAIN",
                second: "GES_IAM_AGENCY/GES_IAM_AGENCY_DOMAIN",
            });
        }
        (true, false, Some(fixed)) => {
            return Err(ConfigError::ConflictingCredentials {
                first: "GES_IAM_USER/GES_IAM_PASSWORD/GES_IAM_DOMAIN",
                second: match fixed {
                    StaticCredentials::Token(_) => vars::AUTH_TOKEN,
                    StaticCredentials::AkSk { .. } => "HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK",
                },
            });
        }
        (true, false, None) => {
            let missing = |value: Option<String>, variable| {
                value.ok_or(ConfigError::IncompleteIam {
                    missing: variable,
                    needs: "a password token needs GES_IAM_USER, GES_IAM_PASSWORD and GES_IAM_DOMAIN",
                })
            };
            TokenIdentity::Password {
                user: missing(user, vars::IAM_USER)?,
                password: SecretString::from(missing(password, vars::IAM_PASSWORD)?),
                domain: missing(domain, vars::IAM_DOMAIN)?,
            }
        }
        (false, true, fixed) => {
            let missing = |value: Option<String>, variable| {
                value.ok_or(ConfigError::IncompleteIam {
                    missing: variable,
                    needs: "an agency token needs GES_IAM_AGENCY and GES_IAM_AGENCY_DOMAIN",
                })
            };
            let agency = missing(agency, vars::IAM_AGENCY)?;
            let domain = missing(agency_domain, vars::IAM_AGENCY_DOMAIN)?;
            let via = fixed.ok_or(ConfigError::AgencyWithoutCredentials)?;
            TokenIdentity::Agency {
                domain,
                agency,
                via,
            }
        }
    };
    let endpoint = iam_endpoint.cloned().ok_or(ConfigError::NoIamEndpoint)?;
    let scope = scope.ok_or(ConfigError::NoTokenScope)?;
    Ok(Credentials::Iam(IamTokens::new(
        endpoint,
        TokenRequest { identity, scope },
    )))
}

/// AK/SK or a token, if configured; `required` says whether their absence is an error
/// (it is not when IAM credentials are configured instead).
fn static_credentials(
    get: &impl Fn(&str) -> Option<String>,
    required: bool,
) -> Result<Option<StaticCredentials>, ConfigError> {
    let token = get(vars::AUTH_TOKEN);
    let access_key = get(vars::AK);
    let secret_key = get(vars::SK);
    let security_token = get(vars::SECURITY_TOKEN);
    // These go in headers as they are (the SK only keys a signature).
    for (variable, value) in [
        (vars::AUTH_TOKEN, &token),
        (vars::AK, &access_key),
        (vars::SECURITY_TOKEN, &security_token),
    ] {
        if value
            .as_deref()
            .is_some_and(|value| !crate::transport::is_header_text(value))
        {
            return Err(ConfigError::NotHeaderText { variable });
        }
    }

    match (token, access_key, secret_key) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(ConfigError::TwoKindsOfCredentials),
        (Some(_), None, None) if security_token.is_some() => {
            Err(ConfigError::SecurityTokenWithoutAkSk)
        }
        (Some(token), None, None) => Ok(Some(StaticCredentials::Token(SecretString::from(token)))),
        (None, Some(access_key), Some(secret_key)) => Ok(Some(StaticCredentials::AkSk {
            access_key,
            secret_key: SecretString::from(secret_key),
            security_token: security_token.map(SecretString::from),
        })),
        (None, Some(_), None) => Err(ConfigError::HalfAkSk { missing: vars::SK }),
        (None, None, Some(_)) => Err(ConfigError::HalfAkSk { missing: vars::AK }),
        (None, None, None) if security_token.is_some() => {
            Err(ConfigError::SecurityTokenWithoutAkSk)
        }
        (None, None, None) if required => Err(ConfigError::NoCredentials),
        (None, None, None) => Ok(None),
    }
}

/// A number of seconds, more than 0 and at most 900 (a Lambda's longest run), if set.
pub fn seconds<F: Fn(&str) -> Option<String>>(
    env: &Vars<F>,
    variable: &'static str,
) -> Result<Option<Duration>, ConfigError> {
    let Some(value) = env.get(variable) else {
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

/// A configuration that cannot work. Each message names the variable to fix; none
/// repeats a secret.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No credentials at all.
    #[error(
        "no GES credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (plus \
         HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary credentials), or GES_AUTH_TOKEN, or \
         GES_IAM_USER, GES_IAM_PASSWORD and GES_IAM_DOMAIN for IAM password tokens \
         (or name a secret holding them in HUAWEICLOUD_SDK_SECRET_ID)"
    )]
    NoCredentials,
    /// A credential that cannot go in an HTTP header. The value is not repeated.
    #[error(
        "{variable} holds a character an HTTP header cannot carry (a control character such \
         as a line break, or a non-ASCII one): set it to the credential alone"
    )]
    NotHeaderText {
        /// The variable.
        variable: &'static str,
    },
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
    /// Credentials of two kinds at once.
    #[error(
        "both {first} and {second} are set: configure one kind of credentials, so that it is \
         clear which ones ges-stop uses"
    )]
    ConflictingCredentials {
        /// The variables of one kind.
        first: &'static str,
        /// The variables of the other.
        second: &'static str,
    },
    /// Part of the IAM user or agency settings.
    #[error("{missing} is not set: {needs}")]
    IncompleteIam {
        /// The variable that is missing.
        missing: &'static str,
        /// What the kind needs.
        needs: &'static str,
    },
    /// An agency without credentials to assume it with.
    #[error(
        "GES_IAM_AGENCY is set without credentials to assume it with: set \
         HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (temporary ones with \
         HUAWEICLOUD_SDK_SECURITY_TOKEN), or GES_AUTH_TOKEN"
    )]
    AgencyWithoutCredentials,
    /// IAM credentials but no IAM endpoint.
    #[error(
        "IAM token credentials need IAM: set HUAWEICLOUD_SDK_REGION (which gives \
         https://iam.{{region}}.myhuaweicloud.com) or HUAWEICLOUD_SDK_IAM_ENDPOINT"
    )]
    NoIamEndpoint,
    /// IAM credentials but nothing to scope the token to.
    #[error(
        "an IAM token is scoped to a project: set HUAWEICLOUD_SDK_PROJECT_ID, or \
         HUAWEICLOUD_SDK_REGION to scope it to the region's project"
    )]
    NoTokenScope,
    /// A secret ID on a path that reads only the environment.
    #[error(
        "HUAWEICLOUD_SDK_SECRET_ID is set, but this entry point reads the environment only \
         (Config::from_env/from_lookup): read the configuration with Config::load"
    )]
    SecretNeedsLoad,
    /// Extra root certificates on a path that reads only variables.
    #[error(
        "{variable} is set, but this entry point reads variables only \
         (Config::from_lookup): read the configuration with Config::load or Config::from_env, \
         which read the certificates"
    )]
    TrustNeedsLoad {
        /// The variable.
        variable: &'static str,
    },
    /// The extra root certificates cannot be used.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The secret could not be read.
    #[error(transparent)]
    Secret(#[from] SecretsError),
    /// Federation's settings cannot work.
    #[error(transparent)]
    Federation(#[from] FederationConfigError),
    /// The region's project could not be found.
    #[error(
        "no HUAWEICLOUD_SDK_PROJECT_ID, and the project of region {region} could not be \
         looked up in IAM: {source}"
    )]
    ProjectLookup {
        /// The region.
        region: &'static str,
        /// Why.
        source: Box<IamError>,
    },
    /// The HTTP client for IAM could not be set up.
    #[error("could not set up the HTTPS client for IAM: {source}")]
    HttpClient {
        /// Why.
        source: reqwest::Error,
    },
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
    /// The schedules document (or the file that holds it) is wrong.
    #[error(transparent)]
    Schedules(#[from] crate::schedule::ScheduleError),
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
    /// Fleet selectors that cannot be read.
    #[error(
        "{variable} {reason}; give a selector such as {{\"name\": \"dev-*\", \"tags\": \
         {{\"env\": \"dev\"}}}}, or an array of 1 to {} of them",
        crate::fleet::selector::MAX_SELECTORS
    )]
    Selectors {
        /// The variable that holds them.
        variable: &'static str,
        /// What is wrong, and where.
        reason: String,
    },
    /// Two settings that cannot both hold.
    #[error("{first} and {second} are both set: set one of them")]
    Conflicting {
        /// One variable.
        first: &'static str,
        /// The other.
        second: &'static str,
    },
    /// Two tag-key settings that name the same key: one tag cannot mean both.
    #[error(
        "{first} and {second} are both {key:?}: one tag cannot both name a graph's schedule \
         and keep the graph out of it (every scheduled graph would be skipped); give {first} \
         another key"
    )]
    SameTagKey {
        /// The variable to change.
        first: &'static str,
        /// The variable it collides with.
        second: &'static str,
        /// The key both name, cut to 40 characters.
        key: String,
    },
    /// An opt-out tag that is not `key=value`.
    #[error("{variable} is {value:?}: give the tag as key=value, such as ges-stop:skip=true")]
    Tag {
        /// The variable that holds it.
        variable: &'static str,
        /// Its value, cut to 40 characters.
        value: String,
    },
    /// A `GES_TAG_SCHEDULES` that is not one of its words.
    #[error(
        "{variable} is {value:?}: give off (tags name document schedules only), stop (the \
         default: compact schedules in tags may stop graphs) or start (they may start them too)"
    )]
    TagSchedules {
        /// The variable.
        variable: &'static str,
        /// Its value, cut to 40 characters.
        value: String,
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
        assert!(matches!(
            config.credentials,
            Credentials::Static(StaticCredentials::AkSk { .. })
        ));
        assert_eq!(
            config.default_project_id.unwrap().as_str(),
            "0123456789abcdef0123456789abcdef"
        );
        assert_eq!(config.timeouts, Timeouts::default());
        assert_eq!(config.retry, RetryPolicy::default());
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
                credentials: Credentials::Static(StaticCredentials::Token(_)),
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
                credentials: Credentials::Static(StaticCredentials::AkSk {
                    security_token: Some(_),
                    ..
                }),
                ..
            })
        ));
    }

    #[test]
    fn cloud_eye_is_the_regions_unless_ges_ces_endpoint_says() {
        let by_region = config(&[(vars::AUTH_TOKEN, "t"), (vars::REGION, "cn-east-3")]).unwrap();
        assert_eq!(
            by_region.ces_endpoint.map(|e| e.to_string()).as_deref(),
            Some("https://ces.cn-east-3.myhuaweicloud.com")
        );
        let explicit = config(&[
            (vars::AUTH_TOKEN, "t"),
            (vars::REGION, "cn-east-3"),
            (vars::CES_ENDPOINT, "http://127.0.0.1:9"),
        ])
        .unwrap();
        assert_eq!(
            explicit.ces_endpoint.map(|e| e.to_string()).as_deref(),
            Some("http://127.0.0.1:9")
        );
        let none = config(&[
            (vars::AUTH_TOKEN, "t"),
            (vars::ENDPOINT, "http://127.0.0.1:8"),
        ]);
        assert_eq!(none.unwrap().ces_endpoint, None);
        let err = config(&[
            (vars::AUTH_TOKEN, "t"),
            (vars::REGION, "cn-east-3"),
            (vars::CES_ENDPOINT, "http://203.0.113.9"),
        ])
        .unwrap_err();
        assert!(err.to_string().starts_with("GES_CES_ENDPOINT: "), "{err}");
        assert!(err.to_string().contains("Cloud Eye"), "{err}");
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
        for bad in ["0", "11", "-1", "three"] {
            let err = config(&[
                (vars::AUTH_TOKEN, "t"),
                (vars::REGION, "cn-north-4"),
                (vars::MAX_ATTEMPTS, bad),
            ])
            .unwrap_err();
            assert!(err.to_string().contains(vars::MAX_ATTEMPTS), "{err}");
        }
        let one = config(&[
            (vars::AUTH_TOKEN, "t"),
            (vars::REGION, "cn-north-4"),
            (vars::MAX_ATTEMPTS, "1"),
        ])
        .unwrap();
        assert_eq!(one.retry.max_attempts, 1);
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

    #[test]
    fn endpoint_errors_never_show_a_urls_secrets() {
        for bad in [
            "https://user:SECRET@ges.example.com",
            "https://ges.example.com/?token=SECRET",
            "http://user:SECRET@203.0.113.9/?token=SECRET",
            "ftp://ges.example.com/?token=SECRET",
            "https://user:SECRET@ges.example.com:99999999/?token=SECRET",
        ] {
            for variable in [
                vars::ENDPOINT,
                vars::IAM_ENDPOINT,
                "HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4",
            ] {
                let err = config(&[
                    (vars::REGION, "cn-north-4"),
                    (vars::AUTH_TOKEN, "t"),
                    (variable, bad),
                ])
                .unwrap_err();
                let shown = format!("{err} {err:?}");
                assert!(shown.contains(variable), "{shown}");
                assert!(!shown.contains("SECRET"), "{variable}={bad}: {shown}");
            }
        }
    }

    const IAM_USER: [(&str, &str); 3] = [
        (vars::IAM_USER, "ops"),
        (vars::IAM_PASSWORD, "very-secret-password"),
        (vars::IAM_DOMAIN, "acme"),
    ];

    #[test]
    fn a_password_gives_iam_tokens_scoped_by_id_or_region() {
        let mut all = IAM_USER.to_vec();
        all.push((vars::REGION, "cn-north-4"));
        let config = config(&all).unwrap();
        let Credentials::Iam(tokens) = &config.credentials else {
            panic!("{:?}", config.credentials)
        };
        assert_eq!(
            tokens.endpoint().to_string(),
            "https://iam.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            tokens.request().scope,
            ProjectScope::Name("cn-north-4".to_owned())
        );
        let shown = format!("{config:?}");
        assert!(!shown.contains("very-secret"), "{shown}");

        all.push((vars::PROJECT_ID, "0123456789abcdef0123456789abcdef"));
        all.push((vars::IAM_ENDPOINT, "http://127.0.0.1:5000"));
        let config = self::config(&all).unwrap();
        let Credentials::Iam(tokens) = &config.credentials else {
            panic!("{:?}", config.credentials)
        };
        assert_eq!(tokens.endpoint().to_string(), "http://127.0.0.1:5000");
        assert!(matches!(tokens.request().scope, ProjectScope::Id(_)));

        let eu = self::config(&[
            (vars::REGION, "eu-west-101"),
            (vars::AK, "AK"),
            (vars::SK, "SK"),
        ])
        .unwrap();
        assert_eq!(
            eu.iam_endpoint.unwrap().to_string(),
            "https://iam.eu-west-101.myhuaweicloud.eu"
        );
    }

    #[test]
    fn an_agency_is_assumed_with_aksk_or_a_token() {
        let agency = [
            (vars::REGION, "cn-north-4"),
            (vars::IAM_AGENCY, "ges-operator"),
            (vars::IAM_AGENCY_DOMAIN, "other"),
        ];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut all = agency.to_vec();
            all.extend_from_slice(extra);
            config(&all)
        };
        for extra in [
            &[(vars::AK, "AK"), (vars::SK, "very-secret-sk")][..],
            &[(vars::AUTH_TOKEN, "very-secret-token")][..],
        ] {
            let config = with(extra).unwrap();
            assert!(matches!(config.credentials, Credentials::Iam(_)));
            let shown = format!("{config:?}");
            assert!(!shown.contains("very-secret"), "{shown}");
        }
        assert!(matches!(
            with(&[]),
            Err(ConfigError::AgencyWithoutCredentials)
        ));
    }

    #[test]
    fn iam_credentials_must_be_complete_and_alone() {
        let named = |all: &[(&str, &str)], variable: &str| {
            let err = config(all).unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(shown.contains(variable), "{variable}: {shown}");
            assert!(!shown.contains("very-secret"), "{shown}");
        };
        let region = (vars::REGION, "cn-north-4");
        named(&[region, IAM_USER[0], IAM_USER[1]], vars::IAM_DOMAIN);
        named(&[region, IAM_USER[1]], vars::IAM_USER);
        named(
            &[
                region,
                (vars::IAM_AGENCY, "a"),
                (vars::AK, "AK"),
                (vars::SK, "SK"),
            ],
            vars::IAM_AGENCY_DOMAIN,
        );
        let mut both = IAM_USER.to_vec();
        both.extend([region, (vars::AK, "AK"), (vars::SK, "very-secret-sk")]);
        named(&both, "HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK");
        let mut both = IAM_USER.to_vec();
        both.extend([
            region,
            (vars::IAM_AGENCY, "a"),
            (vars::IAM_AGENCY_DOMAIN, "d"),
        ]);
        named(&both, "GES_IAM_AGENCY");
        // No IAM endpoint: GES's endpoint alone says nothing about IAM.
        let mut no_iam = IAM_USER.to_vec();
        no_iam.push((vars::ENDPOINT, "http://127.0.0.1:9"));
        named(&no_iam, vars::IAM_ENDPOINT);
        // Nothing to scope the token to.
        no_iam.push((vars::IAM_ENDPOINT, "http://127.0.0.1:9"));
        named(&no_iam, vars::PROJECT_ID);
        // Plain http to a host that is not loopback.
        let mut remote = IAM_USER.to_vec();
        remote.extend([region, (vars::IAM_ENDPOINT, "http://203.0.113.9")]);
        named(&remote, vars::IAM_ENDPOINT);
        // A secret only an async load can read.
        named(
            &[
                region,
                (vars::SECRET_ID, "ges/stop"),
                (vars::AK, "AK"),
                (vars::SK, "SK"),
            ],
            vars::SECRET_ID,
        );
    }
}
