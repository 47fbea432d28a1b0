//! Federation's settings, read once at start-up from the official SDK's variables
//! (`HUAWEICLOUD_OIDC_*`, `HUAWEICLOUD_SDK_STS_ENDPOINT`) and ours for the function's
//! own identity (`GES_OIDC_AWS_*`), into [`FederatedCredentials`] that cannot hold a bad
//! value. Nothing is asked of the network here: the first call that needs credentials
//! gets them.
//!
//! Two rules beyond the SDK's. Federation is one kind of credentials: mixed with any
//! other (AK/SK, a token, IAM's password or agency, or the ID token sources with each
//! other but the SDK's "the variable wins over the file"), it is refused, naming the
//! variables. And the project must be configured (`HUAWEICLOUD_SDK_PROJECT_ID`): the
//! start-up look-up of the region's project would need credentials at start-up, and
//! federation obtains none before a call needs them.

use std::path::PathBuf;

use ges_api::runtime::ConstraintViolation;
use ges_api::types::ProjectId;
use secrecy::SecretString;

use crate::config::endpoint::{Endpoint, EndpointError, Region, Upstream};
use crate::config::env::vars;
use crate::federation::aws_sts::{self, AwsKeys, DEFAULT_TOKEN_LIFETIME, WebIdentity};
use crate::federation::error::FederationError;
use crate::federation::huawei_sts::{
    AgencyRequest, DEFAULT_CREDENTIALS_LIFETIME, DEFAULT_SESSION_NAME, MAX_POLICY_IDS, PolicyId,
};
use crate::federation::id_token::IdToken;
use crate::federation::{FederatedCredentials, IdTokenSource};

/// The variables that ask for federation: any one of them set means federation.
pub(crate) const FEDERATION_VARIABLES: &[&str] = &[
    vars::OIDC_PROVIDER_URN,
    vars::OIDC_AGENCY_URN,
    vars::OIDC_ID_TOKEN,
    vars::OIDC_TOKEN_FILE,
    vars::OIDC_SESSION_NAME,
    vars::OIDC_DURATION_SECONDS,
    vars::OIDC_POLICY,
    vars::OIDC_POLICY_IDS,
    vars::OIDC_AWS_AUDIENCE,
    vars::OIDC_AWS_ALGORITHM,
    vars::OIDC_AWS_DURATION_SECONDS,
];

/// The variables of every other kind of credentials.
const OTHER_CREDENTIALS: &[&str] = &[
    vars::AK,
    vars::SK,
    vars::SECURITY_TOKEN,
    vars::AUTH_TOKEN,
    vars::IAM_USER,
    vars::IAM_PASSWORD,
    vars::IAM_DOMAIN,
    vars::IAM_AGENCY,
    vars::IAM_AGENCY_DOMAIN,
    vars::SECRET_ID,
];

/// The regions the official SDK knows an STS endpoint for
/// (`huaweicloudsdkcore/auth/endpoint.py`, 3.1.219): `https://sts.{region}.myhuaweicloud.com`.
const STS_REGIONS: &[&str] = &[
    "cn-north-4",
    "cn-south-1",
    "cn-east-3",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-3",
    "ap-southeast-2",
    "sa-brazil-1",
    "la-south-2",
    "af-south-1",
    "ap-southeast-4",
    "tr-west-1",
];

/// A federation setting that cannot work. Each message names the variables to fix;
/// none repeats a secret.
#[derive(Debug, thiserror::Error)]
pub enum FederationConfigError {
    /// Federation and another kind of credentials at once.
    #[error(
        "{federation} (federation) and {other} are both set: federation needs no other \
         credentials; unset {other}, or the federation variables"
    )]
    Mixed {
        /// The federation variable that is set.
        federation: &'static str,
        /// The other kind's variable that is set.
        other: &'static str,
    },
    /// Two sources of the ID token.
    #[error(
        "GES_OIDC_AWS_AUDIENCE and {other} are both set: the ID token is either the \
         function's own, from AWS STS (GES_OIDC_AWS_AUDIENCE), or given \
         (HUAWEICLOUD_OIDC_ID_TOKEN or HUAWEICLOUD_OIDC_TOKEN_FILE); unset one"
    )]
    TwoTokenSources {
        /// The given token's variable.
        other: &'static str,
    },
    /// A credential that cannot go in an HTTP header. The value is not repeated.
    #[error(
        "{variable} holds a character an HTTP header cannot carry (a control character such \
         as a line break, or a non-ASCII one): set it to the credential alone"
    )]
    NotHeaderText {
        /// The variable.
        variable: &'static str,
    },
    /// No source of the ID token.
    #[error(
        "federation needs an ID token: set GES_OIDC_AWS_AUDIENCE (the function's own, from \
         AWS STS), HUAWEICLOUD_OIDC_ID_TOKEN or HUAWEICLOUD_OIDC_TOKEN_FILE"
    )]
    NoTokenSource,
    /// An AWS-only setting without the AWS source.
    #[error("{variable} is set without GES_OIDC_AWS_AUDIENCE, whose ID token it configures")]
    AwsSettingAlone {
        /// The setting.
        variable: &'static str,
    },
    /// A variable federation needs.
    #[error("{missing} is not set: {needs}")]
    Missing {
        /// The variable.
        missing: &'static str,
        /// Why it is needed.
        needs: &'static str,
    },
    /// A value that does not fit its variable.
    #[error("{variable} is {value:?}: {expected}")]
    Invalid {
        /// The variable.
        variable: &'static str,
        /// The value, cut to 60 characters (none of these is a secret).
        value: String,
        /// What it should be.
        expected: &'static str,
    },
    /// A URN or session name that breaks STS's rules.
    #[error("{variable}: {source}")]
    Constraint {
        /// The variable.
        variable: &'static str,
        /// What is wrong.
        source: ConstraintViolation,
    },
    /// The ID token variable holds no JWT.
    #[error(transparent)]
    IdToken(FederationError),
    /// A bad endpoint.
    #[error("{variable}: {source}")]
    Endpoint {
        /// The variable.
        variable: &'static str,
        /// What is wrong.
        source: EndpointError,
    },
    /// No STS endpoint is known for the region.
    #[error(
        "the official SDK knows no STS endpoint for region {region}: set \
         HUAWEICLOUD_SDK_STS_ENDPOINT (ges-stop never falls back to another region's STS)"
    )]
    NoStsForRegion {
        /// The region.
        region: &'static str,
    },
    /// Neither an STS endpoint nor a region.
    #[error("federation needs STS: set HUAWEICLOUD_SDK_STS_ENDPOINT or HUAWEICLOUD_SDK_REGION")]
    NoSts,
}

/// The federated credentials the variables configure, if any asks for federation.
/// `project` is the configured project: federation requires one.
pub(crate) fn from_vars(
    get: &impl Fn(&str) -> Option<String>,
    region: Option<Region>,
    project: Option<&ProjectId>,
) -> Result<Option<FederatedCredentials>, FederationConfigError> {
    let Some(federation) = FEDERATION_VARIABLES
        .iter()
        .copied()
        .find(|name| get(name).is_some())
    else {
        return Ok(None);
    };
    if let Some(other) = OTHER_CREDENTIALS
        .iter()
        .copied()
        .find(|name| get(name).is_some())
    {
        return Err(FederationConfigError::Mixed { federation, other });
    }
    let required = |variable: &'static str, needs: &'static str| {
        get(variable).ok_or(FederationConfigError::Missing {
            missing: variable,
            needs,
        })
    };
    let constraint =
        |variable| move |source| FederationConfigError::Constraint { variable, source };
    let request = AgencyRequest {
        provider_urn: required(
            vars::OIDC_PROVIDER_URN,
            "federation names the OIDC identity provider Huawei Cloud IAM trusts \
             (iam::{account_id}:oidcProvider:{name})",
        )?
        .parse()
        .map_err(constraint(vars::OIDC_PROVIDER_URN))?,
        agency_urn: required(
            vars::OIDC_AGENCY_URN,
            "federation names the trust agency to assume (iam::{account_id}:agency:{name})",
        )?
        .parse()
        .map_err(constraint(vars::OIDC_AGENCY_URN))?,
        session_name: get(vars::OIDC_SESSION_NAME)
            .unwrap_or_else(|| DEFAULT_SESSION_NAME.to_owned())
            .parse()
            .map_err(constraint(vars::OIDC_SESSION_NAME))?,
        lifetime: parsed(
            get,
            vars::OIDC_DURATION_SECONDS,
            "a whole number of seconds from 900 to 43200, at most the agency's maximum session",
        )?
        .unwrap_or(DEFAULT_CREDENTIALS_LIFETIME),
        policy: get(vars::OIDC_POLICY)
            .map(|policy| policy.parse())
            .transpose()
            .map_err(constraint(vars::OIDC_POLICY))?,
        policy_ids: policy_ids(get)?,
    };
    let id_token = id_token_source(get)?;
    let endpoint = sts_endpoint(get, region)?;
    if project.is_none() {
        return Err(FederationConfigError::Missing {
            missing: vars::PROJECT_ID,
            needs: "federation obtains credentials only when a call needs them, so the \
                    region's project is not looked up at start-up: configure the project",
        });
    }
    Ok(Some(FederatedCredentials::new(endpoint, request, id_token)))
}

/// A value of a type that parses, if set.
fn parsed<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    expected: &'static str,
) -> Result<Option<T>, FederationConfigError> {
    get(variable)
        .map(|value| {
            value.parse().map_err(|_| FederationConfigError::Invalid {
                variable,
                value: value.chars().take(60).collect(),
                expected,
            })
        })
        .transpose()
}

fn policy_ids(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Vec<PolicyId>, FederationConfigError> {
    let Some(list) = get(vars::OIDC_POLICY_IDS) else {
        return Ok(Vec::new());
    };
    let invalid = || FederationConfigError::Invalid {
        variable: vars::OIDC_POLICY_IDS,
        value: list.chars().take(60).collect(),
        expected: "1 to 20 comma-separated policy IDs, each 1 to 64 of letters, digits, _ and -",
    };
    // As the SDK reads it: blank entries are skipped.
    let ids = list
        .split(',')
        .filter(|id| !id.trim().is_empty())
        .map(|id| id.parse::<PolicyId>().map_err(|()| invalid()))
        .collect::<Result<Vec<_>, _>>()?;
    if ids.is_empty() || ids.len() > MAX_POLICY_IDS {
        return Err(invalid());
    }
    Ok(ids)
}

fn id_token_source(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<IdTokenSource, FederationConfigError> {
    let given = get(vars::OIDC_ID_TOKEN);
    let file = get(vars::OIDC_TOKEN_FILE);
    let Some(audience) = get(vars::OIDC_AWS_AUDIENCE) else {
        if let Some(variable) = [vars::OIDC_AWS_ALGORITHM, vars::OIDC_AWS_DURATION_SECONDS]
            .into_iter()
            .find(|name| get(name).is_some())
        {
            return Err(FederationConfigError::AwsSettingAlone { variable });
        }
        // As in the SDK, the variable wins over the file.
        return match (given, file) {
            (Some(token), _) => IdToken::parse(&token, vars::OIDC_ID_TOKEN)
                .map(IdTokenSource::Given)
                .map_err(FederationConfigError::IdToken),
            (None, Some(path)) => Ok(IdTokenSource::File(PathBuf::from(path))),
            (None, None) => Err(FederationConfigError::NoTokenSource),
        };
    };
    if let Some(other) = [
        (vars::OIDC_ID_TOKEN, &given),
        (vars::OIDC_TOKEN_FILE, &file),
    ]
    .into_iter()
    .find_map(|(name, value)| value.is_some().then_some(name))
    {
        return Err(FederationConfigError::TwoTokenSources { other });
    }
    let audience = audience
        .parse()
        .map_err(|()| FederationConfigError::Invalid {
            variable: vars::OIDC_AWS_AUDIENCE,
            value: audience.chars().take(60).collect(),
            expected: "the audience the Huawei identity provider expects, 1 to 1000 characters",
        })?;
    let needs_aws = "the function's own ID token is asked of AWS STS with the AWS credentials \
                     Lambda sets from the function's role";
    let missing = |variable| FederationConfigError::Missing {
        missing: variable,
        needs: needs_aws,
    };
    let region = get(vars::AWS_REGION)
        .or_else(|| get(vars::AWS_DEFAULT_REGION))
        .ok_or(missing(vars::AWS_REGION))?;
    let endpoint_variable = [vars::AWS_ENDPOINT_URL_STS, vars::AWS_ENDPOINT_URL]
        .into_iter()
        .find(|name| get(name).is_some());
    let (variable, endpoint) = match endpoint_variable {
        Some(variable) => (variable, get(variable).unwrap_or_default()),
        None => (vars::AWS_REGION, WebIdentity::regional_endpoint(&region)),
    };
    let endpoint = Endpoint::parse_for(&endpoint, Upstream::AwsSts)
        .map_err(|source| FederationConfigError::Endpoint { variable, source })?;
    Ok(IdTokenSource::Aws(Box::new(WebIdentity {
        endpoint,
        region,
        keys: AwsKeys {
            access_key_id: header_text(
                vars::AWS_ACCESS_KEY_ID,
                get(vars::AWS_ACCESS_KEY_ID).ok_or(missing(vars::AWS_ACCESS_KEY_ID))?,
            )?,
            secret_access_key: SecretString::from(
                get(vars::AWS_SECRET_ACCESS_KEY).ok_or(missing(vars::AWS_SECRET_ACCESS_KEY))?,
            ),
            session_token: get(vars::AWS_SESSION_TOKEN)
                .map(|token| header_text(vars::AWS_SESSION_TOKEN, token))
                .transpose()?
                .map(SecretString::from),
        },
        audience,
        algorithm: parsed(get, vars::OIDC_AWS_ALGORITHM, "RS256 or ES384")?
            .unwrap_or(aws_sts::DEFAULT_SIGNING_ALGORITHM),
        lifetime: parsed(
            get,
            vars::OIDC_AWS_DURATION_SECONDS,
            "a whole number of seconds from 60 to 3600",
        )?
        .unwrap_or(DEFAULT_TOKEN_LIFETIME),
    })))
}

/// `value`, when it can go in an HTTP header (the access key ID in `Authorization`, the
/// session token in `X-Amz-Security-Token`); else a refusal naming `variable`, not the
/// value.
fn header_text(variable: &'static str, value: String) -> Result<String, FederationConfigError> {
    if crate::transport::is_header_text(&value) {
        Ok(value)
    } else {
        Err(FederationConfigError::NotHeaderText { variable })
    }
}

/// `HUAWEICLOUD_SDK_STS_ENDPOINT`, else the region's from the SDK's table; a region not
/// in it needs the variable.
fn sts_endpoint(
    get: &impl Fn(&str) -> Option<String>,
    region: Option<Region>,
) -> Result<Endpoint, FederationConfigError> {
    let value = match (get(vars::STS_ENDPOINT), region) {
        (Some(value), _) => value,
        (None, Some(region)) if STS_REGIONS.contains(&region.name()) => {
            format!("https://sts.{}.myhuaweicloud.com", region.name())
        }
        (None, Some(region)) => {
            return Err(FederationConfigError::NoStsForRegion {
                region: region.name(),
            });
        }
        (None, None) => return Err(FederationConfigError::NoSts),
    };
    Endpoint::parse_for(&value, Upstream::HuaweiSts).map_err(|source| {
        FederationConfigError::Endpoint {
            variable: vars::STS_ENDPOINT,
            source,
        }
    })
}
