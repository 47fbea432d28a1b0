//! AWS STS's `GetWebIdentityToken` and its issuer's documents, served.
//!
//! - `POST /` (Query protocol, version `2011-06-15`, form-encoded body): checked in this
//!   order, the first that fails answering: the body is read (64 KiB at most); the SigV4
//!   signature (`aws_sts`: `MissingAuthenticationToken`, `IncompleteSignature`,
//!   `InvalidClientTokenId`, `SignatureDoesNotMatch`); the parameters (`InvalidAction`,
//!   `MissingParameter`, `ValidationError`); a fault a test queued
//!   ([`crate::Fault`]); then the refusals a test configured: outbound federation
//!   disabled (`OutboundWebIdentityFederationDisabledException`), the role denied
//!   (`AccessDenied`), `DurationSeconds` beyond the caller's session
//!   (`SessionDurationEscalationException`); claims larger than
//!   [`crate::MAX_JWT_PAYLOAD_BYTES`] (`JWTPayloadSizeExceededException`). A success
//!   is `200 text/xml`, `GetWebIdentityTokenResponse` with the token and its
//!   `Expiration`; a refusal is AWS's `ErrorResponse`. Both carry a UUID request ID in
//!   the body and in `x-amzn-RequestId`.
//! - `GET /.well-known/openid-configuration`: the issuer's discovery document
//!   (`issuer`, `jwks_uri`, `id_token_signing_alg_values_supported`, ...).
//! - `GET /.well-known/jwks.json`: the issuer's public keys (RSA `n`/`e`, EC P-384
//!   `x`/`y`, each with `kid`, `alg` and `use`).
//!
//! The token is signed with the checked-in test key of the algorithm asked (`jwt`);
//! its claims are `iss` (the simulator's base URL), `sub` (the configured role ARN),
//! `aud`, `iat` and `nbf` (now, on the simulator's clock), `exp` (`iat` +
//! `DurationSeconds`), `jti` (a UUID) and `https://sts.amazonaws.com/` with
//! `aws_account`, `source_region` and `principal_id`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use ges_api::aws_sts::{self as wire, ErrorAnswer, SigningAlgorithm, TokenAnswer};
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::answer;
use crate::aws_sts::{self, MAX_JWT_PAYLOAD_BYTES, QueryError, TokenAsk};
use crate::error_codes;
use crate::fault::{self, Fault, Injected};
use crate::journal::{Authentication, Handled, OperationKind, Scheme, uuid};
use crate::jwt::{Audience, AwsIdentity, IdTokenClaims, Signer};
use crate::shared::Shared;

/// The largest Query body read.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// `POST /`.
pub(crate) async fn get_web_identity_token(
    State(shared): State<Arc<Shared>>,
    request: Request,
) -> Response {
    let mut handled = Handled {
        operation: Some(OperationKind::GetWebIdentityToken),
        ..Handled::default()
    };
    let request_id = uuid();
    let mut delivery = None;
    let outcome = issue(&shared, request, &mut handled, &mut delivery).await;
    let mut response = match outcome {
        Ok(issued) => xml(StatusCode::OK, issued.answer(&request_id).to_xml()),
        Err(refused) => xml(
            refused.status,
            ErrorAnswer::new(
                refused.status.as_u16(),
                refused.code,
                &refused.message,
                Some(&request_id),
            )
            .to_xml(),
        ),
    };
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response
            .headers_mut()
            .insert(wire::REQUEST_ID_HEADER, value);
    }
    fault::sent(response, delivery, handled).await
}

/// A token issued: the JWT and when it expires.
struct Issued {
    token: String,
    expiration: OffsetDateTime,
}

impl Issued {
    /// The answer, its expiration in whole seconds as AWS writes it.
    fn answer(&self, request_id: &str) -> TokenAnswer {
        let expiration = self
            .expiration
            .replace_nanosecond(0)
            .unwrap_or(self.expiration)
            .format(&Rfc3339)
            .unwrap_or_default();
        TokenAnswer {
            web_identity_token: self.token.clone(),
            expiration,
            request_id: Some(request_id.to_owned()),
        }
    }
}

async fn issue(
    shared: &Shared,
    request: Request,
    handled: &mut Handled,
    delivery: &mut Option<Fault>,
) -> Result<Issued, QueryError> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            QueryError::new(
                StatusCode::BAD_REQUEST,
                error_codes::VALIDATION_ERROR,
                format!(
                    "The request body could not be read, or is larger than {MAX_BODY_BYTES} bytes."
                ),
            )
        })?;
    match aws_sts::authenticate(&shared.aws_sts, &parts, &body, OffsetDateTime::now_utc()) {
        Ok(()) => handled.authentication = Authentication::Accepted(Scheme::SigV4),
        Err(refused) => {
            handled.authentication = if refused.code == error_codes::MISSING_AUTHENTICATION_TOKEN {
                Authentication::Missing
            } else {
                Authentication::Refused(Scheme::SigV4)
            };
            return Err(refused);
        }
    }
    let ask = aws_sts::parse_ask(&body)?;
    let refuse = |injected| {
        let (status, code) = match injected {
            Injected::InternalServerError => (
                StatusCode::INTERNAL_SERVER_ERROR,
                error_codes::AWS_INTERNAL_FAILURE,
            ),
            Injected::ServiceUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                error_codes::AWS_SERVICE_UNAVAILABLE,
            ),
            Injected::Throttled => (StatusCode::BAD_REQUEST, error_codes::AWS_THROTTLING),
        };
        QueryError::new(
            status,
            code,
            "Injected fault: the simulator was asked to fail this GetWebIdentityToken call.",
        )
    };
    let fault = shared.take_fault(OperationKind::GetWebIdentityToken, None);
    fault::carry_out(fault, delivery, || operate(shared, &ask), refuse).await
}

/// The refusals a test configured, then the token.
fn operate(shared: &Shared, ask: &TokenAsk) -> Result<Issued, QueryError> {
    let config = &shared.aws_sts;
    let forbidden =
        |code, message: String| Err(QueryError::new(StatusCode::FORBIDDEN, code, message));
    if config.federation_disabled {
        return forbidden(
            error_codes::OUTBOUND_FEDERATION_DISABLED,
            format!(
                "Outbound web identity federation is disabled for account {}: enable it with \
                 `aws iam enable-outbound-web-identity-federation`.",
                config.account()
            ),
        );
    }
    let denied = config.deny_all
        || config.audiences.as_ref().is_some_and(|allowed| {
            ask.audiences
                .iter()
                .any(|audience| !allowed.contains(audience))
        });
    if denied {
        return forbidden(
            error_codes::ACCESS_DENIED,
            format!(
                "User: {} is not authorized to perform: sts:GetWebIdentityToken for the \
                 audience asked, because no identity-based policy allows it",
                config.role_arn
            ),
        );
    }
    if let Some(remaining) = config
        .session_remaining
        .filter(|remaining| ask.duration > *remaining)
    {
        return forbidden(
            error_codes::SESSION_DURATION_ESCALATION,
            format!(
                "The requested DurationSeconds ({}) exceeds the {} seconds left in the \
                 caller's session.",
                ask.duration.as_secs(),
                remaining.as_secs()
            ),
        );
    }
    let claims = claims(shared, ask);
    let size = serde_json::to_vec(&claims).map_or(usize::MAX, |json| json.len());
    if size > MAX_JWT_PAYLOAD_BYTES {
        return Err(QueryError::new(
            StatusCode::BAD_REQUEST,
            error_codes::JWT_PAYLOAD_SIZE_EXCEEDED,
            format!(
                "The token's payload would be {size} bytes, more than the {MAX_JWT_PAYLOAD_BYTES} \
                 allowed: ask for fewer or shorter audiences."
            ),
        ));
    }
    let signer = match ask.algorithm {
        SigningAlgorithm::Rs256 => Signer::Rs256,
        SigningAlgorithm::Es384 => Signer::Es384,
    };
    let token = shared.keys.mint(&claims, signer).map_err(|err| {
        tracing::error!(%err, "could not sign an ID token");
        QueryError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            error_codes::AWS_INTERNAL_FAILURE,
            "The simulator could not sign the token.",
        )
    })?;
    let expiration = OffsetDateTime::from_unix_timestamp(claims.exp)
        .unwrap_or_else(|_| OffsetDateTime::now_utc());
    Ok(Issued { token, expiration })
}

/// The claims of a token issued now, on the simulator's clock, for `ask`.
fn claims(shared: &Shared, ask: &TokenAsk) -> IdTokenClaims {
    let config = &shared.aws_sts;
    let now = shared.clock.date().unix_timestamp();
    let aud = match ask.audiences.as_slice() {
        [one] => Audience::One(one.clone()),
        many => Audience::Many(many.to_vec()),
    };
    IdTokenClaims {
        iss: shared.issuer.clone(),
        sub: config.role_arn.clone(),
        aud,
        iat: now,
        nbf: Some(now),
        exp: now.saturating_add(i64::try_from(ask.duration.as_secs()).unwrap_or(i64::MAX)),
        jti: uuid(),
        aws: Some(AwsIdentity {
            aws_account: config.account().to_owned(),
            source_region: config.region.clone(),
            principal_id: config.role_arn.clone(),
        }),
    }
}

fn xml(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            CONTENT_TYPE,
            HeaderValue::from_static(wire::XML_CONTENT_TYPE),
        )],
        body,
    )
        .into_response()
}

/// `GET /.well-known/openid-configuration`.
pub(crate) async fn openid_configuration(State(shared): State<Arc<Shared>>) -> Response {
    let document = jwt_document(serde_json::to_vec(&crate::jwt::discovery(&shared.issuer)));
    serve_document(&shared, OperationKind::OpenIdConfiguration, document).await
}

/// `GET /.well-known/jwks.json`.
pub(crate) async fn jwks(State(shared): State<Arc<Shared>>) -> Response {
    let document = jwt_document(serde_json::to_vec(shared.keys.jwks()));
    serve_document(&shared, OperationKind::Jwks, document).await
}

fn jwt_document(encoded: serde_json::Result<Vec<u8>>) -> Response {
    match encoded {
        Ok(body) => answer::json(StatusCode::OK, body),
        Err(err) => {
            tracing::error!(%err, "could not encode an issuer document");
            answer::internal_error()
        }
    }
}

/// An issuer document, or the fault a test queued for it.
async fn serve_document(shared: &Shared, kind: OperationKind, document: Response) -> Response {
    let refuse = |injected| {
        let status = match injected {
            Injected::InternalServerError => StatusCode::INTERNAL_SERVER_ERROR,
            Injected::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Injected::Throttled => StatusCode::TOO_MANY_REQUESTS,
        };
        // Boxed: an answer is too large to be a `Result`'s error by value.
        Box::new(answer::json(
            status,
            format!(
                r#"{{"message":"Injected fault: the simulator was asked to fail this {kind} call."}}"#
            ),
        ))
    };
    let mut delivery = None;
    let fault = shared.take_fault(kind, None);
    let response = fault::carry_out(fault, &mut delivery, || Ok(document), refuse)
        .await
        .unwrap_or_else(|refused| *refused);
    let handled = Handled {
        operation: Some(kind),
        authentication: Authentication::NotChecked,
        ..Handled::default()
    };
    fault::sent(response, delivery, handled).await
}
