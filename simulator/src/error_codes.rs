//! The `error_code`s the simulator answers with, so that tests can match on them.
//!
//! Every GES error body is GES's flat shape, `{"error_code": ..., "error_msg": ...}`;
//! Huawei STS's is the same shape, AWS STS's is XML.
//! `GES.7001` and the `APIGW.*` codes are the real service's, and the contract's
//! (`ErrorCode` in `openapi/ges.yaml`, with their sources): the names below take them
//! from there. The other `GES.*` codes are the simulator's own choice (GES does not
//! publish them for these cases).

use ges_api::types::ErrorCode;

/// A code of the contract's, as text: what tests and answers match on.
const fn contract(code: &ErrorCode) -> &'static str {
    match code.known_value() {
        Some(value) => value,
        None => "",
    }
}

/// The contract's words for a code of its own.
const fn contract_message(code: &ErrorCode) -> &'static str {
    match code.description() {
        Some(message) => message,
        None => "",
    }
}

/// `400`: stop on a graph that is not running. GES's own code and message.
pub const GRAPH_NOT_RUNNING: &str = contract(&ErrorCode::GraphNotRunning);
/// GES's message for [`GRAPH_NOT_RUNNING`], word for word.
pub const GRAPH_NOT_RUNNING_MSG: &str = contract_message(&ErrorCode::GraphNotRunning);
/// `400`: start on a graph that is not stopped (running, stopping, starting, or in any
/// other status but `900`). The simulator's choice: GES's code for this case is not
/// known here, so it takes the number after [`GRAPH_NOT_RUNNING`], the code of the
/// mirror-image refusal, in the same family.
pub const GRAPH_NOT_STOPPED: &str = "GES.7002";
/// The simulator's message for [`GRAPH_NOT_STOPPED`], worded like GES's
/// [`GRAPH_NOT_RUNNING_MSG`].
pub const GRAPH_NOT_STOPPED_MSG: &str = "The graph is not stopped.";
/// `400`: a path or query parameter breaks the contract's rules, a StartGraph body is
/// not valid JSON of the contract's shape, or the body is too big.
pub const INVALID_PARAMETER: &str = "GES.8001";
/// `403`: the path names a project the simulator does not serve, or one the caller may
/// not use: an IAM token scoped to another project, or a signed request whose
/// `X-Project-Id` names another project.
pub const WRONG_PROJECT: &str = "GES.8003";
/// `404`: no graph has the ID in the path.
pub const GRAPH_NOT_FOUND: &str = "GES.8011";
/// `404`: the graph has no job with the ID in the path.
pub const JOB_NOT_FOUND: &str = "GES.8012";
/// `500`: an injected [`crate::Fault::InternalServerError`], or a body that could not be
/// encoded.
pub const INTERNAL_ERROR: &str = "GES.8000";
/// `503`: an injected [`crate::Fault::ServiceUnavailable`].
pub const SERVICE_UNAVAILABLE: &str = "GES.8503";
/// `401`: missing, malformed, unknown, expired or wrongly signed credentials. The API
/// gateway's code, which it answers for every IAM authentication failure, the message
/// saying which: temporary credentials STS issued that have expired ("the security
/// token has expired") or whose `X-Security-Token` is missing or not theirs are refused
/// with it too.
pub const AUTHENTICATION_FAILED: &str = contract(&ErrorCode::AuthenticationFailed);
/// `404`: no operation has this path and method. The API gateway's code.
pub const API_NOT_FOUND: &str = contract(&ErrorCode::ApiNotFound);
/// `429`: an injected [`crate::Fault::Throttled`]. The API gateway's code.
pub const THROTTLED: &str = contract(&ErrorCode::Throttled);

// AWS STS (`POST /`, GetWebIdentityToken): Query errors, `<ErrorResponse><Error><Type>
// <Code><Message></Error><RequestId></ErrorResponse>`, with AWS's own codes, which the
// wire's module (`ges_api::aws_sts::codes`) holds with their sources; the simulator
// answers them as follows. Outbound federation disabled:
// `SimulatorBuilder::aws_outbound_federation_disabled`; a session too short:
// `SimulatorBuilder::aws_session_remaining`; claims larger than `MAX_JWT_PAYLOAD_BYTES`;
// access denied: `SimulatorBuilder::aws_deny_web_identity_token`,
// `SimulatorBuilder::aws_token_audiences`; `InternalFailure`, `ServiceUnavailable` and
// `Throttling`: an injected `Fault::InternalServerError`, `Fault::ServiceUnavailable`,
// `Fault::Throttled`.

pub use ges_api::aws_sts::codes::{
    ACCESS_DENIED, INCOMPLETE_SIGNATURE, INTERNAL_FAILURE as AWS_INTERNAL_FAILURE, INVALID_ACTION,
    INVALID_CLIENT_TOKEN_ID, JWT_PAYLOAD_SIZE_EXCEEDED, MISSING_AUTHENTICATION_TOKEN,
    MISSING_PARAMETER, OUTBOUND_FEDERATION_DISABLED,
    SERVICE_UNAVAILABLE as AWS_SERVICE_UNAVAILABLE, SESSION_DURATION_ESCALATION,
    SIGNATURE_DOES_NOT_MATCH, THROTTLING as AWS_THROTTLING, VALIDATION_ERROR,
};

// Cloud Eye (`POST /V1.0/{project_id}/batch-query-metric-data`): v1's `{"http_code",
// "message": {"code", "details"}}`, with Cloud Eye's codes and words
// (https://support.huaweicloud.com/intl/en-us/api-ces/ErrorCode.html); an authentication
// failure is the gateway's `APIGW.0301` and a throttled call its `APIGW.0308`, in the
// gateway's `{"error_code", "error_msg"}`, as for GES.

/// `400`: the body is not the contract's, or breaks one of Cloud Eye's rules (more
/// than 500 metrics, a period or filter it does not have, `from` not before `to`).
/// "Some content in message body is not correct."
pub const CES_BAD_BODY: &str = "ces.0014";
/// `400`: the path's project ID is not valid. "The tenant ID is left blank or
/// incorrect."
pub const CES_BAD_PROJECT: &str = "ces.0003";
/// `403`: the caller may not read this project's metrics (a project the simulator does
/// not serve, a token scoped elsewhere, an `X-Project-Id` naming another project).
pub const CES_FORBIDDEN: &str = "ces.0017";
/// `500`: an injected [`crate::Fault::InternalServerError`]. "Internal service error."
pub const CES_INTERNAL_ERROR: &str = "ces.0007";
/// `503`: an injected [`crate::Fault::ServiceUnavailable`]. The simulator's choice:
/// Cloud Eye publishes no code for it.
pub const CES_SERVICE_UNAVAILABLE: &str = "ces.0503";

// Huawei STS (`POST /v5/agencies/assume-with-oidc`): `{"error_code", "error_msg"}`.
// `STS5.1106` is Huawei's (its API reference's example); the others are the
// simulator's choice in the same family, Huawei does not publish them.

/// `400`: the body is not JSON of the contract's shape, or `duration_seconds` is
/// outside 900 to 43,200.
pub const STS_INVALID_REQUEST: &str = "STS5.0001";
/// `404`: no identity provider has the `provider_urn`.
pub const STS_PROVIDER_NOT_FOUND: &str = "STS5.1105";
/// `404`: no agency has the `agency_urn`. Huawei's code.
pub const STS_AGENCY_NOT_FOUND: &str = "STS5.1106";
/// `401`: the `id_token` is not a JWT (three base64url segments of JSON).
pub const STS_ID_TOKEN_MALFORMED: &str = "STS5.1201";
/// `401`: the `id_token` is signed with an algorithm other than RS256 and ES384
/// (`none` and `HS*` included).
pub const STS_ID_TOKEN_ALGORITHM: &str = "STS5.1202";
/// `401`: the `id_token`'s signature does not verify with the issuer's published keys
/// (or its `kid` names none of them).
pub const STS_ID_TOKEN_SIGNATURE: &str = "STS5.1203";
/// `401`: the `id_token`'s `iss` is not the identity provider's issuer.
pub const STS_ID_TOKEN_ISSUER: &str = "STS5.1204";
/// `401`: the `id_token`'s `aud` is not an audience the identity provider accepts.
pub const STS_ID_TOKEN_AUDIENCE: &str = "STS5.1205";
/// `401`: the `id_token` has expired.
pub const STS_ID_TOKEN_EXPIRED: &str = "STS5.1206";
/// `401`: the `id_token`'s `nbf` or `iat` is in the future.
pub const STS_ID_TOKEN_NOT_YET_VALID: &str = "STS5.1207";
/// `403`: the agency does not trust the token's subject
/// ([`crate::SimulatorBuilder::oidc_trusted_subject`]).
pub const STS_SUBJECT_NOT_TRUSTED: &str = "STS5.1301";
/// `500`: an injected [`crate::Fault::InternalServerError`].
pub const STS_INTERNAL_ERROR: &str = "STS5.0500";
/// `503`: an injected [`crate::Fault::ServiceUnavailable`].
pub const STS_SERVICE_UNAVAILABLE: &str = "STS5.0503";

/// `503`: FunctionGraph's runtime API had no invocation for a function's `GET` within
/// [`crate::RUNTIME_LONG_POLL`], or is shutting down: ask again. This and the three
/// below are the simulator's own codes: Huawei documents no error answer of the
/// runtime API.
pub const NO_INVOCATION: &str = "FSS.0503";
/// `404`: an answer or error report for a request ID the runtime never handed out.
pub const UNKNOWN_INVOCATION: &str = "FSS.0404";
/// `409`: an answer or error report for an invocation already answered, or whose
/// timeout passed.
pub const INVOCATION_FINISHED: &str = "FSS.0409";
/// `413`: an answer or error report larger than [`crate::RUNTIME_MAX_RESP_BODY_SIZE`].
pub const RESPONSE_TOO_LARGE: &str = "FSS.0413";
