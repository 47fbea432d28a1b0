//! FunctionGraph's custom runtime API, as Huawei's "Custom Runtime" page gives it (user
//! guide, functiongraph_01_0406; whole in the OTC mirror,
//! `umn/source/before_you_start/supported_programming_languages/custom_runtime.rst`): its
//! three paths and the headers of an invocation, written once for the function that calls
//! it and the simulator that serves it.

/// `GET`: the next invocation; the body is the event, the headers below describe it.
pub const NEXT_INVOCATION_PATH: &str = "/v1/runtime/invocation/request";

/// `POST`: the answer to the invocation `request_id` names.
pub fn response_path(request_id: &str) -> String {
    format!("/v1/runtime/invocation/response/{request_id}")
}

/// `POST`: the failure of the invocation `request_id` names.
pub fn error_path(request_id: &str) -> String {
    format!("/v1/runtime/invocation/error/{request_id}")
}

// Table 1 of the page, the invocation's headers. The page writes `X-Cff-Request-Id` and
// `X-CFF-...`; header names are case-insensitive, and these are written lower-case, the
// form `http`'s static names take.

/// The invocation's request id, which its answer's path names.
pub const REQUEST_ID: &str = "x-cff-request-id";
/// The invocation type (the page gives no values).
pub const INVOKE_TYPE: &str = "x-cff-invoke-type";
/// The agency's temporary access key ("an agency must be configured for the function").
pub const ACCESS_KEY: &str = "x-cff-access-key";
/// The agency's temporary secret key: a secret.
pub const SECRET_KEY: &str = "x-cff-secret-key";
/// The agency's security token, sent with the temporary AK/SK: a secret.
pub const SECURITY_TOKEN: &str = "x-cff-security-token";
/// An IAM token of the agency: a secret.
pub const AUTH_TOKEN: &str = "x-cff-auth-token";
