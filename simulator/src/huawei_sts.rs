//! Huawei STS's `AssumeAgencyWithOIDC`, served: `POST /v5/agencies/assume-with-oidc`,
//! read into the contract's generated `AssumeAgencyWithOidcBody` and answered through
//! `AssumeAgencyWithOidcResponse`, refusals included (`{"error_code", "error_msg"}`,
//! the codes in [`crate::error_codes`]). It needs no Huawei credentials: the ID token
//! is the proof.
//!
//! Checked in this order, the first that fails answering:
//!
//! 1. the body is read (64 KiB at most) and decoded into the contract's type (`400`,
//!    `STS5.0001`);
//! 2. a fault a test queued for [`crate::OperationKind::AssumeAgencyWithOidc`];
//! 3. `duration_seconds` (default 3,600) within 900 to 43,200 (`400`, `STS5.0001`);
//! 4. the `provider_urn` is the configured identity provider (`404`, `STS5.1105`) and
//!    the `agency_urn` the configured agency (`404`, `STS5.1106`);
//! 5. the ID token (`401`): a JWT (`STS5.1201`), RS256 or ES384 only (`STS5.1202`),
//!    signed by a key of the issuer's JWKS (`STS5.1203`), `iss` the simulator's own
//!    issuer (`STS5.1204`), an `aud` the provider accepts (`STS5.1205`), not expired
//!    (`STS5.1206`), `nbf` and `iat` not in the future (`STS5.1207`), within
//!    [`crate::ID_TOKEN_LEEWAY`], on the simulator's clock;
//! 6. the token's `sub` is one the agency trusts, if it names any (`403`, `STS5.1301`).
//!
//! Then it issues temporary credentials for `duration_seconds` (or the lifetime set by
//! [`crate::SimulatorBuilder::federated_credentials_lifetime`]), with `expiration` in
//! Huawei's format (`2026-12-01T13:00:00.000000Z`, fractional seconds included, as the
//! official SDK parses it), and `assumed_agency`, `provider`, `audience` and
//! `subject_from_id_token` beside them.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::Response;
use ges_api::runtime::{ExposeSecret, SensitiveString};
use ges_api::sts::{
    AssumeAgencyWithOidcBody, AssumeAgencyWithOidcResponse, AssumedAgency, AssumedAgencySession,
    StsError, TemporaryCredentials,
};
use http::StatusCode;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::answer;
use crate::error_codes;
use crate::fault::{self, Fault, Injected};
use crate::journal::{Authentication, Handled, OperationKind, Scheme};
use crate::jwt::{self, TokenRefusal, Trust};
use crate::shared::Shared;

/// The largest request body read.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// The SDK's default duration.
const DEFAULT_DURATION_SECONDS: i32 = 3600;
/// The durations STS accepts.
const DURATIONS: std::ops::RangeInclusive<i32> = 900..=43_200;

/// A refusal, before it is rendered as the operation's error answer.
#[derive(Debug)]
struct Refused {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Refused {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    fn body(&self) -> StsError {
        StsError {
            error_code: Some(self.code.to_owned()),
            error_msg: Some(self.message.clone()),
            request_id: None,
            error: None,
        }
    }
}

/// `POST /v5/agencies/assume-with-oidc`.
pub(crate) async fn assume_agency_with_oidc(
    State(shared): State<Arc<Shared>>,
    request: Request,
) -> Response {
    let mut handled = Handled {
        operation: Some(OperationKind::AssumeAgencyWithOidc),
        ..Handled::default()
    };
    let mut delivery = None;
    let outcome = assume(&shared, request, &mut handled, &mut delivery).await;
    let response = answer::answer_or_refusal(
        outcome
            .map(AssumeAgencyWithOidcResponse::Ok)
            .map_err(|refused| (refused.status, refused.body())),
        "an STS error body",
    );
    fault::sent(response, delivery, handled).await
}

async fn assume(
    shared: &Shared,
    request: Request,
    handled: &mut Handled,
    delivery: &mut Option<Fault>,
) -> Result<AssumedAgency, Refused> {
    let invalid = |message: String| {
        Refused::new(
            StatusCode::BAD_REQUEST,
            error_codes::STS_INVALID_REQUEST,
            message,
        )
    };
    let body = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            invalid(format!(
                "The request body could not be read, or is larger than {MAX_BODY_BYTES} bytes."
            ))
        })?;
    let body: AssumeAgencyWithOidcBody = serde_json::from_slice(&body)
        .map_err(|err| invalid(format!("The request body is invalid: {err}.")))?;

    let fault = shared.take_fault(OperationKind::AssumeAgencyWithOidc, None);
    if let Some(Fault::EchoingRefusal(status)) = fault {
        *delivery = Some(Fault::EchoingRefusal(status));
        return Err(Refused::new(
            StatusCode::from_u16(status).unwrap_or(StatusCode::UNAUTHORIZED),
            error_codes::STS_ID_TOKEN_MALFORMED,
            format!(
                "The id_token '{}' cannot be verified.",
                body.id_token.expose_secret()
            ),
        ));
    }
    let refuse = |injected| {
        let (status, code) = match injected {
            Injected::InternalServerError => (
                StatusCode::INTERNAL_SERVER_ERROR,
                error_codes::STS_INTERNAL_ERROR,
            ),
            Injected::ServiceUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                error_codes::STS_SERVICE_UNAVAILABLE,
            ),
            Injected::Throttled => (StatusCode::TOO_MANY_REQUESTS, error_codes::THROTTLED),
        };
        Refused::new(
            status,
            code,
            "Injected fault: the simulator was asked to fail this AssumeAgencyWithOidc call.",
        )
    };
    fault::carry_out(fault, delivery, || operate(shared, &body, handled), refuse).await
}

/// Checks 3 to 6 of the module docs, then issues the credentials.
fn operate(
    shared: &Shared,
    body: &AssumeAgencyWithOidcBody,
    handled: &mut Handled,
) -> Result<AssumedAgency, Refused> {
    let config = &shared.federation.config;
    let duration = body.duration_seconds.unwrap_or(DEFAULT_DURATION_SECONDS);
    if !DURATIONS.contains(&duration) {
        return Err(Refused::new(
            StatusCode::BAD_REQUEST,
            error_codes::STS_INVALID_REQUEST,
            format!(
                "duration_seconds must be from {} to {}, not {duration}.",
                DURATIONS.start(),
                DURATIONS.end()
            ),
        ));
    }
    if config.provider.as_ref() != Some(&body.provider_urn) {
        return Err(Refused::new(
            StatusCode::NOT_FOUND,
            error_codes::STS_PROVIDER_NOT_FOUND,
            format!(
                "the identity provider '{}' cannot be found",
                body.provider_urn
            ),
        ));
    }
    if config.agency.as_ref() != Some(&body.agency_urn) {
        return Err(Refused::new(
            StatusCode::NOT_FOUND,
            error_codes::STS_AGENCY_NOT_FOUND,
            format!("the agency '{}' cannot be found", body.agency_urn),
        ));
    }

    let now = shared.clock.date();
    let trust = Trust {
        issuer: &shared.issuer,
        jwks: shared.keys.jwks(),
        audiences: &config.audiences,
    };
    let verified = match jwt::verify(body.id_token.expose_secret(), trust, now.unix_timestamp()) {
        Ok(verified) => verified,
        Err(refusal) => {
            handled.authentication = Authentication::Refused(Scheme::IdToken);
            return Err(Refused::new(
                StatusCode::UNAUTHORIZED,
                refusal_code(&refusal),
                refusal.to_string(),
            ));
        }
    };
    handled.authentication = Authentication::Accepted(Scheme::IdToken);
    if !config.subjects.is_empty() && !config.subjects.contains(&verified.sub) {
        return Err(Refused::new(
            StatusCode::FORBIDDEN,
            error_codes::STS_SUBJECT_NOT_TRUSTED,
            format!(
                "the agency '{}' does not trust the subject of the id_token: add it to the \
                 agency's trust policy",
                body.agency_urn
            ),
        ));
    }

    let lifetime = config
        .lifetime
        .unwrap_or(std::time::Duration::from_secs(u64::from(
            duration.unsigned_abs(),
        )));
    let expires = now
        .checked_add(time::Duration::try_from(lifetime).unwrap_or(time::Duration::ZERO))
        .unwrap_or(now);
    let Some(issued) = shared.federation.issue(expires) else {
        return Err(Refused::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            error_codes::STS_INTERNAL_ERROR,
            "The simulator could not generate credentials.",
        ));
    };
    let agency = body.agency_urn.as_str();
    let (account, agency_name) = agency_parts(agency);
    let session = body.agency_session_name.as_str();
    Ok(AssumedAgency {
        credentials: TemporaryCredentials {
            access_key_id: issued.access_key,
            secret_access_key: SensitiveString::new(issued.secret_key),
            security_token: SensitiveString::new(issued.security_token),
            expiration: expiration(issued.expires),
        },
        assumed_agency: Some(AssumedAgencySession {
            urn: Some(format!(
                "sts::{account}:assumed-agency:{agency_name}/{session}"
            )),
            id: Some(format!("{agency_name}:{session}")),
        }),
        provider: Some(body.provider_urn.as_str().to_owned()),
        audience: Some(verified.audience),
        subject_from_id_token: Some(verified.sub),
        source_identity: None,
    })
}

/// The account and name of an agency URN, `iam::{account}:agency:{name}`.
fn agency_parts(urn: &str) -> (&str, &str) {
    let fields: Vec<&str> = urn.splitn(5, ':').collect();
    match fields[..] {
        [_, _, account, _, name] => (account, name),
        _ => ("", urn),
    }
}

/// Huawei's format: `2026-12-01T13:00:00.000000Z`.
fn expiration(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    ))
    .unwrap_or_default()
}

fn refusal_code(refusal: &TokenRefusal) -> &'static str {
    match refusal {
        TokenRefusal::Malformed(_) => error_codes::STS_ID_TOKEN_MALFORMED,
        TokenRefusal::AlgorithmRefused(_) => error_codes::STS_ID_TOKEN_ALGORITHM,
        TokenRefusal::UnknownKey | TokenRefusal::BadSignature => {
            error_codes::STS_ID_TOKEN_SIGNATURE
        }
        TokenRefusal::WrongIssuer(_) => error_codes::STS_ID_TOKEN_ISSUER,
        TokenRefusal::WrongAudience => error_codes::STS_ID_TOKEN_AUDIENCE,
        TokenRefusal::Expired => error_codes::STS_ID_TOKEN_EXPIRED,
        TokenRefusal::NotYetValid => error_codes::STS_ID_TOKEN_NOT_YET_VALID,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expirations_have_microseconds_and_agency_urns_split() {
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_800_000_000_123_456_789).unwrap();
        assert_eq!(expiration(at), "2027-01-15T08:00:00.123456Z");
        assert_eq!(
            agency_parts("iam::0a1b2c:agency:ges-stop"),
            ("0a1b2c", "ges-stop")
        );
    }
}
