//! What the simulator was asked and what it answered: one [`RequestRecord`] per
//! request, kept in arrival order so that tests can assert on the traffic (including
//! "no request at all"), plus the request IDs it hands out.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use ges_api::Operation;
use ges_api::ces::BatchListMetricDataRequest;
use ges_api::sts::AssumeAgencyWithOidcRequest;
use ges_api::types::{
    GraphId, ListGraphsRequest, ProjectId, ShowGraphRequest, ShowJobRequest, StartGraphRequest,
    StopGraphRequest,
};
use ring::rand::{SecureRandom, SystemRandom};

/// The operations the simulator serves: GES's five (the contract's), Cloud Eye's batch
/// read, the four of keyless federation, so that tests can count STS and Cloud Eye
/// calls and make them fail, and the three of FunctionGraph's custom-runtime API, so
/// that tests can count them (faults do not apply to these), and the calendar documents
/// a test serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationKind {
    /// `POST /v2/{project_id}/graphs/{graph_id}/stop`
    StopGraph,
    /// `POST /v2/{project_id}/graphs/{graph_id}/start`
    StartGraph,
    /// `GET /v2/{project_id}/graphs/{graph_id}`
    ShowGraph,
    /// `GET /v2/{project_id}/graphs`
    ListGraphs,
    /// `GET /v2/{project_id}/graphs/{graph_id}/jobs/{job_id}/status`
    ShowJob,
    /// Cloud Eye: `POST /V1.0/{project_id}/batch-query-metric-data`.
    BatchListMetricData,
    /// AWS STS: `POST /` with `Action=GetWebIdentityToken`.
    GetWebIdentityToken,
    /// AWS STS's issuer: `GET /.well-known/openid-configuration`.
    OpenIdConfiguration,
    /// AWS STS's issuer: `GET /.well-known/jwks.json`.
    Jwks,
    /// Huawei STS: `POST /v5/agencies/assume-with-oidc` (the contract's
    /// `AssumeAgencyWithOidc`).
    AssumeAgencyWithOidc,
    /// FunctionGraph's runtime API: `GET /v1/runtime/invocation/request`.
    NextInvocation,
    /// FunctionGraph's runtime API: `POST /v1/runtime/invocation/response/{request_id}`.
    InvocationResponse,
    /// FunctionGraph's runtime API: `POST /v1/runtime/invocation/error/{request_id}`.
    InvocationError,
    /// A calendar document a test serves: `GET /calendars/{name}`.
    Calendar,
}

impl OperationKind {
    /// The contract's `operationId`; for AWS's calls, the `Action`; for the issuer's
    /// documents and FunctionGraph's runtime API, a name of the simulator's.
    pub fn operation_id(self) -> &'static str {
        match self {
            Self::StopGraph => StopGraphRequest::OPERATION_ID,
            Self::StartGraph => StartGraphRequest::OPERATION_ID,
            Self::ShowGraph => ShowGraphRequest::OPERATION_ID,
            Self::ListGraphs => ListGraphsRequest::OPERATION_ID,
            Self::ShowJob => ShowJobRequest::OPERATION_ID,
            Self::BatchListMetricData => BatchListMetricDataRequest::OPERATION_ID,
            Self::GetWebIdentityToken => "GetWebIdentityToken",
            Self::OpenIdConfiguration => "OpenIdConfiguration",
            Self::Jwks => "Jwks",
            Self::AssumeAgencyWithOidc => AssumeAgencyWithOidcRequest::OPERATION_ID,
            Self::NextInvocation => "NextInvocation",
            Self::InvocationResponse => "InvocationResponse",
            Self::InvocationError => "InvocationError",
            Self::Calendar => "Calendar",
        }
    }
}

impl std::fmt::Display for OperationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.operation_id())
    }
}

/// A way of proving who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// An IAM token in `X-Auth-Token`.
    Token,
    /// An `SDK-HMAC-SHA256` signature in `Authorization`, made with an access key.
    AkSk,
    /// An `SDK-HMAC-SHA256` signature made with temporary credentials Huawei STS
    /// issued, their security token in `X-Security-Token`.
    TemporaryAkSk,
    /// An AWS SigV4 signature (`AWS4-HMAC-SHA256`), on AWS STS.
    SigV4,
    /// An OIDC ID token, on Huawei STS's `AssumeAgencyWithOidc`.
    IdToken,
}

/// How a request fared at the authentication check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Authentication {
    /// The request never reached the check: its path or method matches no operation.
    #[default]
    NotChecked,
    /// The request carried no credentials.
    Missing,
    /// The request's credentials of this scheme were refused (or were not usable).
    Refused(Scheme),
    /// The request's credentials of this scheme were accepted.
    Accepted(Scheme),
}

/// One request the simulator received, and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// The `X-Request-Id` the simulator answered with.
    pub request_id: String,
    /// The HTTP method.
    pub method: http::Method,
    /// The path as it came on the wire, still percent-encoded.
    pub path: String,
    /// The query as it came on the wire, without the `?`.
    pub query: Option<String>,
    /// The operation the path and method match, if any.
    pub operation: Option<OperationKind>,
    /// The project the path names, when it is a valid project ID (served or not), so
    /// that a test can count calls per project.
    pub project_id: Option<ProjectId>,
    /// The graph the path names, when it is a valid graph ID (known or not).
    pub graph_id: Option<GraphId>,
    /// The page a ListGraphs call asked for, defaults applied ([`crate::DEFAULT_LIST_LIMIT`]
    /// for `limit`, 0 for `offset`), before any cap
    /// ([`crate::SimulatorBuilder::cap_list_limit`]); `None` for other operations and
    /// for a query the simulator refused.
    pub page: Option<Page>,
    /// The `graph_backup_id` a StartGraph body named, so that a test can see what a
    /// start was asked to start from; `None` for other operations, for a start without
    /// a body or without the field, and for a body that is not valid JSON.
    pub graph_backup_id: Option<String>,
    /// How many metrics a Cloud Eye batch read asked for, so that a test can see how a
    /// client split its graphs into requests; `None` for other operations and for a
    /// body that is not the contract's.
    pub metrics: Option<usize>,
    /// How the request fared at the authentication check.
    pub authentication: Authentication,
    /// The access key an `SDK-HMAC-SHA256` `Authorization` header names, accepted or
    /// not, so that a test can see which credentials signed a call (an access key is
    /// not a secret; the secret key and tokens never appear in a record); `None` for a
    /// request not signed that way.
    pub access_key: Option<String>,
    /// The status code answered; `0` when an injected fault closed the connection
    /// before the status line went out ([`crate::Fault::Reset`]).
    pub status: u16,
}

/// A page of ListGraphs, as asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Page {
    /// How many graphs the page skips.
    pub offset: u32,
    /// How many graphs the page holds at most.
    pub limit: u32,
}

/// What a handler tells the journal about the request it answered; travels as a
/// response extension from the handler to the recording middleware.
#[derive(Debug, Clone, Default)]
pub(crate) struct Handled {
    pub(crate) operation: Option<OperationKind>,
    pub(crate) authentication: Authentication,
    pub(crate) target: Target,
}

/// What a request's path and query name, as far as they are valid.
#[derive(Debug, Clone, Default)]
pub(crate) struct Target {
    pub(crate) project_id: Option<ProjectId>,
    pub(crate) graph_id: Option<GraphId>,
    pub(crate) page: Option<Page>,
    pub(crate) graph_backup_id: Option<String>,
    pub(crate) metrics: Option<usize>,
}

/// Hands out request IDs: 32 hex digits, unique within the process (a per-simulator
/// seed from the start time, then a counter).
#[derive(Debug)]
pub(crate) struct RequestIds {
    seed: u64,
    next: AtomicU64,
}

impl RequestIds {
    pub(crate) fn new() -> Self {
        static SIMULATORS: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos() as u64);
        // Two simulators started in the same nanosecond still get different seeds.
        let seed = nanos ^ SIMULATORS.fetch_add(1, Ordering::Relaxed).rotate_right(16);
        Self {
            seed,
            next: AtomicU64::new(1),
        }
    }

    pub(crate) fn next(&self) -> String {
        format!(
            "{:016x}{:016x}",
            self.seed,
            self.next.fetch_add(1, Ordering::Relaxed)
        )
    }
}

/// A random (version 4) UUID, as AWS's request IDs and token IDs are.
pub(crate) fn uuid() -> String {
    let mut bytes = [0u8; 16];
    // Without randomness the ID is still well-formed; nothing relies on it being unique.
    let _ = SystemRandom::new().fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_32_hex_digits_and_unique() {
        let a = RequestIds::new();
        let b = RequestIds::new();
        let ids = [a.next(), a.next(), b.next()];
        for id in &ids {
            assert_eq!(id.len(), 32);
            assert!(id.bytes().all(|c| c.is_ascii_hexdigit()), "{id}");
        }
        assert_ne!(ids[0], ids[1]);
        assert_ne!(ids[0], ids[2]);
    }

    #[test]
    fn ids_are_uuids() {
        let id = uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4');
        assert_ne!(uuid(), id);
    }
}
