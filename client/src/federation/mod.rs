//! Credentials without long-lived keys: an OIDC ID token traded at Huawei Cloud STS for
//! temporary AK/SK and a security token (`huawei_sts.rs`), which then sign GES and
//! IAM requests as configured temporary credentials do.
//!
//! The ID token comes from `HUAWEICLOUD_OIDC_ID_TOKEN` (which wins, as in the SDK),
//! from the file `HUAWEICLOUD_OIDC_TOKEN_FILE` names, re-read at every exchange (the
//! projected tokens of Kubernetes and CI runners are rotated in place), or, with
//! `GES_OIDC_AWS_AUDIENCE`, from AWS STS: the function's own identity
//! (`aws_sts.rs`). A token is obtained only when credentials are, and kept no
//! longer than the exchange needs it.
//!
//! The temporary credentials are cached (`credentials/refresh.rs`) in [`FederatedCredentials`],
//! which every clone of the [`crate::credentials::Credentials`] shares, so a warm
//! function reuses them across invocations; they are refreshed before they expire, one
//! exchange in flight, and dropped when GES refuses them (`401`).

pub(crate) mod aws_sts;
pub(crate) mod config;
pub(crate) mod error;
pub(crate) mod huawei_sts;
pub(crate) mod id_token;
pub(crate) mod sts_call;

/// The AWS keys that sign the STS request, for the test that checks it against botocore.
#[cfg(feature = "test-support")]
pub use aws_sts::AwsKeys;
pub use aws_sts::WebIdentity;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::time::Instant;

use crate::config::endpoint::Endpoint;
use crate::credentials::configured::StaticCredentials;
use crate::credentials::refresh::{FetchError, Fresh, GetError, Refresher};
use crate::federation::error::{EXPIRED_CREDENTIALS_BACKOFF, ExpiredCredentials, FederationError};
use crate::federation::huawei_sts::AgencyRequest;
use crate::federation::id_token::IdToken;
use crate::transport::Transport;

/// The most of an ID token file read: a JWT is a few kilobytes, STS takes 20,000
/// characters at most.
const MAX_TOKEN_FILE_BYTES: u64 = 64 * 1024;

/// Where the ID token comes from.
#[derive(Debug, Clone)]
pub enum IdTokenSource {
    /// `HUAWEICLOUD_OIDC_ID_TOKEN`, as configured.
    Given(IdToken),
    /// The file `HUAWEICLOUD_OIDC_TOKEN_FILE` names, read at every exchange.
    File(PathBuf),
    /// AWS STS, as the function's own identity.
    Aws(Box<WebIdentity>),
}

impl IdTokenSource {
    /// What it is, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Given(_) => "ID token from HUAWEICLOUD_OIDC_ID_TOKEN",
            Self::File(_) => "ID token file",
            Self::Aws(_) => "AWS web identity token",
        }
    }

    /// An ID token, as of now.
    pub async fn fetch(
        &self,
        transport: &Transport,
        deadline: Option<Instant>,
    ) -> Result<IdToken, FederationError> {
        match self {
            Self::Given(token) => Ok(token.clone()),
            Self::File(path) => read_token_file(path),
            Self::Aws(identity) => aws_sts::web_identity_token(transport, identity, deadline).await,
        }
    }
}

fn read_token_file(path: &PathBuf) -> Result<IdToken, FederationError> {
    let shown = path.display().to_string();
    let refuse = |why: String| FederationError::TokenFile {
        path: shown.clone(),
        why,
    };
    let size = std::fs::metadata(path)
        .map_err(|error| refuse(error.to_string()))?
        .len();
    if size > MAX_TOKEN_FILE_BYTES {
        return Err(refuse(format!(
            "it holds {size} bytes, more than an ID token's {MAX_TOKEN_FILE_BYTES}"
        )));
    }
    // Small and local: a blocking read of a few kilobytes costs less than a thread hop.
    let text = std::fs::read_to_string(path).map_err(|error| refuse(error.to_string()))?;
    IdToken::parse(&text, &format!("the file {shown}"))
}

/// Temporary credentials obtained by federation and kept fresh; clones share the cache.
#[derive(Clone)]
pub struct FederatedCredentials(Arc<Source>);

struct Source {
    endpoint: Endpoint,
    request: AgencyRequest,
    id_token: IdTokenSource,
    keys: Refresher<(), StaticCredentials, ExpiredCredentials>,
}

impl fmt::Debug for FederatedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URNs name an account's provider and agency: not secret. The token and the
        // keys are never shown.
        f.debug_struct("FederatedCredentials")
            .field("sts_endpoint", &self.0.endpoint.to_string())
            .field("request", &self.0.request)
            .field("id_token", &self.0.id_token.kind())
            .field("obtained", &self.obtained())
            .finish_non_exhaustive()
    }
}

impl FederatedCredentials {
    /// Credentials asked of the STS at `endpoint` with `request` and tokens from
    /// `id_token`; nothing is asked for yet.
    pub fn new(endpoint: Endpoint, request: AgencyRequest, id_token: IdTokenSource) -> Self {
        Self(Arc::new(Source {
            endpoint,
            request,
            id_token,
            keys: Refresher::default(),
        }))
    }

    /// The STS endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.0.endpoint
    }

    /// Where the ID token comes from.
    pub fn id_token(&self) -> &IdTokenSource {
        &self.0.id_token
    }

    /// How many sets of credentials were obtained so far.
    pub fn obtained(&self) -> u64 {
        self.0.keys.obtained()
    }

    /// The cached credentials and their serial, or new ones when there are none or
    /// they are due for refresh, never past `deadline`.
    pub(crate) async fn current(
        &self,
        transport: &Transport,
        deadline: Option<Instant>,
    ) -> Result<(StaticCredentials, u64), FederationError> {
        let source = &self.0;
        let fetch = || async {
            let exchange = async {
                let token = source.id_token.fetch(transport, deadline).await?;
                huawei_sts::assume_agency(
                    transport,
                    &source.endpoint,
                    &source.request,
                    &token,
                    deadline,
                )
                .await
            };
            match exchange.await {
                Ok(issued) => {
                    tracing::info!(
                        lifetime_secs = issued.lifetime.as_secs(),
                        id_token = source.id_token.kind(),
                        agency = %source.request.agency_urn,
                        "obtained temporary credentials from Huawei Cloud STS"
                    );
                    Ok(Fresh {
                        value: issued.keys,
                        lifetime: issued.lifetime,
                    })
                }
                Err(FederationError::ExpiredOnArrival(expired)) => {
                    let error = FederationError::ExpiredOnArrival(expired.clone());
                    tracing::warn!(error = %error, "STS's credentials were expired on arrival");
                    Err(FetchError::Refused {
                        refusal: expired,
                        backoff: EXPIRED_CREDENTIALS_BACKOFF,
                    })
                }
                Err(error) => Err(FetchError::Failed(error)),
            }
        };
        source
            .keys
            .get((), deadline, fetch)
            .await
            .map_err(|error| match error {
                GetError::Failed(error) => error,
                GetError::Refused(expired) => FederationError::ExpiredOnArrival(expired),
                GetError::Deadline => FederationError::DeadlineExceeded {
                    service: crate::federation::error::Service::HuaweiSts,
                    call: huawei_sts::ASSUME_AGENCY_WITH_OIDC,
                    attempts: 0,
                },
            })
    }

    /// Drops the cached credentials if they are still the ones with this serial.
    pub(crate) fn invalidate(&self, serial: u64) {
        if self.0.keys.invalidate(serial) {
            tracing::info!(
                serial,
                "GES refused the temporary credentials: they will be refreshed"
            );
        }
    }
}
