//! Failures a test can ask for, so that the client's retries, timeouts, size cap and
//! error reports can be tested against a live server: error answers of any status,
//! header and body, delays, connections dropped before or in the middle of an answer,
//! malformed or truncated JSON, huge bodies and slow ones.
//!
//! A fault is for the next authenticated call of an operation
//! ([`crate::RunningSimulator::fail_next`], first asked first served), or for every
//! call that names a graph until cleared ([`crate::RunningSimulator::fail_graph`]), or
//! a way for every ListGraphs page to go wrong until cleared
//! ([`crate::RunningSimulator::fail_listings`]).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::response::Response;
use futures_util::stream::{self, StreamExt};
use ges_api::types::{Graph, GraphId, GraphStatus};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderName, HeaderValue, StatusCode};

use crate::answer;
use crate::journal::{Handled, OperationKind};

/// A failure for one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `500` with `{"error_code":"GES.8000","error_msg":...}`; nothing changes.
    InternalServerError,
    /// `503` with `{"error_code":"GES.8503","error_msg":...}`; nothing changes.
    ServiceUnavailable,
    /// `429` with `{"error_code":"APIGW.0308","error_msg":...}`, as the API gateway
    /// throttles; a status the contract does not document. Nothing changes.
    Throttled,
    /// The call is carried out normally, but answered only after this long.
    Delay(Duration),
    /// This status, these headers and this body, as they are; nothing changes. See
    /// [`Fault::status`], [`Fault::json`] and [`Fault::throttled_for`].
    Answer {
        /// The status code.
        status: u16,
        /// Headers, in order.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// The connection is closed without an answer; nothing changes.
    Reset,
    /// The call is carried out, then the connection is closed without an answer: the
    /// stop happened, but the client cannot know.
    ResetAfterOperating,
    /// The call is carried out; the answer's headers promise its whole body, half of it
    /// is sent, and the connection is closed.
    CutShort,
    /// `200` with a body that is not JSON at all; nothing changes.
    MalformedJson,
    /// The call is carried out; the answer is its first half, a JSON document cut in
    /// the middle (with a `Content-Length` that matches what is sent).
    TruncatedJson,
    /// `200` with a JSON body of this many bytes, with its `Content-Length`; nothing
    /// changes.
    HugeBody(usize),
    /// `200` with a body of this many bytes sent in chunks, with no length given in
    /// advance; nothing changes.
    HugeStream(usize),
    /// The call is carried out, and its JSON answer is sent in a shape the contract
    /// does not give, still holding what the call issued (credentials, a token): with
    /// `status`, each key `renamed` names (a JSON pointer to it, and its new name)
    /// renamed, and each key `removed` points to taken out.
    Reshaped {
        /// The status code to answer with.
        status: u16,
        /// `(pointer, new name)`: `("/credentials/secret", "Secret")`.
        renamed: Vec<(String, String)>,
        /// Pointers to the keys to take out: `"/credentials/securitytoken"`.
        removed: Vec<String>,
    },
    /// A refusal with this status whose message repeats the credential the request
    /// carried, as a service that quotes its input does: for `AssumeAgencyWithOidc`,
    /// the ID token. Nothing changes. Other operations answer `500`.
    EchoingRefusal(u16),
    /// The call is carried out; its answer is sent in this many chunks, with a pause
    /// before every chunk after the first.
    SlowBody {
        /// How many pieces the body is sent in.
        chunks: usize,
        /// The pause before each piece after the first.
        pause: Duration,
    },
}

impl Fault {
    /// `status` with a plain-text body, as a gateway or a proxy answers (`502 Bad
    /// Gateway`, `504 Gateway Time-out`).
    pub fn status(status: u16, body: &str) -> Self {
        Self::Answer {
            status,
            headers: vec![("content-type".to_owned(), "text/plain".to_owned())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// `status` with a JSON body, given as it is sent.
    pub fn json(status: u16, body: &str) -> Self {
        Self::Answer {
            status,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// A redirect: `status` (`301`, `302`, `303`, `307` or `308`) with `Location:
    /// {location}` and no body, as a host that moved a document answers.
    pub fn redirect(status: u16, location: &str) -> Self {
        Self::Answer {
            status,
            headers: vec![(
                http::header::LOCATION.as_str().to_owned(),
                location.to_owned(),
            )],
            body: Vec::new(),
        }
    }

    /// `429` with the API gateway's throttling body and `Retry-After: {retry_after}`
    /// (seconds, or an HTTP date).
    pub fn throttled_for(retry_after: &str) -> Self {
        Self::Answer {
            status: 429,
            headers: vec![
                ("content-type".to_owned(), "application/json".to_owned()),
                (RETRY_AFTER.as_str().to_owned(), retry_after.to_owned()),
            ],
            body: format!(
                r#"{{"error_code":"{}","error_msg":"Injected fault: the request was throttled."}}"#,
                crate::error_codes::THROTTLED
            )
            .into_bytes(),
        }
    }

    /// Whether the call is carried out before the answer goes wrong.
    pub(crate) fn operates(&self) -> bool {
        matches!(
            self,
            Self::Delay(_)
                | Self::Reshaped { .. }
                | Self::ResetAfterOperating
                | Self::CutShort
                | Self::TruncatedJson
                | Self::SlowBody { .. }
        )
    }
}

/// How every ListGraphs page goes wrong, as a broken GES or a proxy that drops the
/// query string might answer: pages that never end. The pages are answered `200`, in
/// the contract's shape, and the journal records the page asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingFault {
    /// Every page is the first: `offset` is ignored, `graph_count` is the project's.
    IgnoresOffset,
    /// Every page holds graphs never listed before (made up: running, named
    /// `endless-N` for their place in the listing, untagged), and `graph_count` always
    /// counts one graph more than the page's end: a project that keeps growing.
    Endless,
}

/// A page of [`ListingFault::Endless`] at `offset`, of `held` made-up graphs, and the
/// count that always promises one more.
pub(crate) fn endless_page(offset: usize, held: usize) -> (usize, Vec<Graph>) {
    let graphs: Vec<Graph> = (offset..offset.saturating_add(held))
        .filter_map(|n| {
            let id = format!("endless-{n}").parse().ok()?;
            Some(Graph {
                id,
                name: Some(format!("endless-{n}")),
                status: GraphStatus::Running,
                tags: None,
                product_type: None,
                graph_size_type_index: None,
                replication: None,
            })
        })
        .collect();
    (
        offset.saturating_add(graphs.len()).saturating_add(1),
        graphs,
    )
}

/// Faults waiting for their call: per operation, first asked first served, and per
/// graph or for every listing, until cleared.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    pending: VecDeque<(OperationKind, Fault)>,
    per_graph: Vec<(GraphId, Fault)>,
    listing: Option<ListingFault>,
}

impl FaultQueue {
    pub(crate) fn push(&mut self, operation: OperationKind, fault: Fault) {
        self.pending.push_back((operation, fault));
    }

    /// Makes every call naming `graph` fail this way (after any queued for its
    /// operation), replacing the graph's earlier fault.
    pub(crate) fn set_for_graph(&mut self, graph: GraphId, fault: Fault) {
        self.per_graph.retain(|(id, _)| *id != graph);
        self.per_graph.push((graph, fault));
    }

    /// Makes every ListGraphs page go wrong this way, replacing the earlier way.
    pub(crate) fn set_listing(&mut self, fault: ListingFault) {
        self.listing = Some(fault);
    }

    /// How ListGraphs pages go wrong, if they do.
    pub(crate) fn listing(&self) -> Option<ListingFault> {
        self.listing
    }

    /// Forgets every fault.
    pub(crate) fn clear(&mut self) {
        self.pending.clear();
        self.per_graph.clear();
        self.listing = None;
    }

    /// The oldest fault waiting for this operation, taken out of the queue; else the
    /// fault of the graph the call names, if any.
    pub(crate) fn take(&mut self, operation: OperationKind, graph: Option<&str>) -> Option<Fault> {
        if let Some(index) = self.pending.iter().position(|(op, _)| *op == operation) {
            return self.pending.remove(index).map(|(_, fault)| fault);
        }
        let graph = graph?;
        self.per_graph
            .iter()
            .find(|(id, _)| id.as_str() == graph)
            .map(|(_, fault)| fault.clone())
    }
}

/// Marks an answer whose connection is closed before its status line goes out: the
/// journal records status `0` for it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dropped;

/// The error a body stream fails with; hyper then closes the connection.
#[derive(Debug, thiserror::Error)]
#[error("injected fault: the connection is closed")]
struct Closed;

/// How far into a body a cut falls: half of it, at least one byte short of all of it.
fn half(body: &Bytes) -> usize {
    (body.len() / 2).min(body.len().saturating_sub(1))
}

/// The three faults each service answers in its own words: GES, AWS STS and Huawei STS
/// each have their status and code for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Injected {
    /// [`Fault::InternalServerError`], or the error answer a fault that does not carry
    /// out the call replaces on the wire.
    InternalServerError,
    /// [`Fault::ServiceUnavailable`].
    ServiceUnavailable,
    /// [`Fault::Throttled`].
    Throttled,
}

/// The one fault switch every operation goes through: with no fault, `operate`; for
/// the three injected refusals, `refuse` words them; a delay carries the call out now
/// and answers later; any other fault carries the call out if it [`Fault::operates`]
/// (else an internal error stands in for the answer it replaces) and is left in
/// `delivery` for [`deliver`] to send the answer wrong.
pub(crate) async fn carry_out<T, E>(
    fault: Option<Fault>,
    delivery: &mut Option<Fault>,
    operate: impl FnOnce() -> Result<T, E>,
    refuse: impl Fn(Injected) -> E,
) -> Result<T, E> {
    let injected = match fault {
        None => return operate(),
        Some(Fault::InternalServerError) => Injected::InternalServerError,
        Some(Fault::ServiceUnavailable) => Injected::ServiceUnavailable,
        Some(Fault::Throttled) => Injected::Throttled,
        Some(Fault::Delay(delay)) => {
            // Carried out now, answered later: what a client that times out never sees.
            let answer = operate();
            tokio::time::sleep(delay).await;
            return answer;
        }
        Some(fault) => {
            let answer = if fault.operates() {
                operate()
            } else {
                Err(refuse(Injected::InternalServerError))
            };
            *delivery = Some(fault);
            return answer;
        }
    };
    Err(refuse(injected))
}

/// The answer to send for a call that met `fault`, given the answer the call would
/// have had (`normal`; for a fault that does not carry out the call, an error answer
/// that is discarded).
pub(crate) async fn deliver(fault: &Fault, normal: Response) -> Response {
    match fault {
        Fault::InternalServerError
        | Fault::ServiceUnavailable
        | Fault::Throttled
        | Fault::Delay(_) => normal,
        Fault::Answer {
            status,
            headers,
            body,
        } => {
            let mut response = Response::new(Body::from(body.clone()));
            *response.status_mut() =
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            for (name, value) in headers {
                if let (Ok(name), Ok(value)) = (
                    HeaderName::from_bytes(name.as_bytes()),
                    HeaderValue::from_str(value),
                ) {
                    response.headers_mut().append(name, value);
                }
            }
            response
        }
        // The operation made the refusal itself, from what the request carried.
        Fault::EchoingRefusal(_) => normal,
        Fault::Reshaped {
            status,
            renamed,
            removed,
        } => {
            let (mut parts, body) = normal.into_parts();
            let bytes = collect(body).await;
            let mut value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            for (pointer, name) in renamed {
                reshape(&mut value, pointer, Some(name));
            }
            for pointer in removed {
                reshape(&mut value, pointer, None);
            }
            let body = serde_json::to_vec(&value).unwrap_or_default();
            parts.status =
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            parts
                .headers
                .insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
            Response::from_parts(parts, Body::from(body))
        }
        Fault::Reset | Fault::ResetAfterOperating => {
            // A body that fails before its first byte: hyper drops the connection
            // with the status line still unsent.
            let body = Body::from_stream(stream::once(async { Err::<Bytes, _>(Closed) }));
            let mut response = Response::new(body);
            response.extensions_mut().insert(Dropped);
            response
        }
        Fault::CutShort => {
            let (mut parts, body) = normal.into_parts();
            let bytes = collect(body).await;
            let sent = bytes.slice(..half(&bytes));
            parts
                .headers
                .insert(CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            let chunks = stream::iter([Ok(sent), Err(Closed)]);
            Response::from_parts(parts, Body::from_stream(chunks))
        }
        Fault::MalformedJson => answer::json(
            StatusCode::OK,
            Bytes::from_static(b"<html><body>502 Bad Gateway</body></html>, {\"job_id\": "),
        ),
        Fault::TruncatedJson => {
            let (mut parts, body) = normal.into_parts();
            let bytes = collect(body).await;
            let sent = bytes.slice(..half(&bytes));
            parts.headers.remove(CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(sent))
        }
        Fault::HugeBody(size) => answer::json(StatusCode::OK, huge(*size)),
        Fault::HugeStream(size) => {
            const CHUNK: usize = 64 * 1024;
            let body = huge(*size);
            let chunks = stream::iter((0..body.len()).step_by(CHUNK).map(move |start| {
                Ok::<_, Infallible>(body.slice(start..(start + CHUNK).min(body.len())))
            }));
            let mut response = Response::new(Body::from_stream(chunks));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Fault::SlowBody { chunks, pause } => {
            let (mut parts, body) = normal.into_parts();
            let bytes = collect(body).await;
            let size = bytes.len().div_ceil((*chunks).max(1)).max(1);
            let pause = *pause;
            let pieces: Vec<Bytes> = (0..bytes.len())
                .step_by(size)
                .map(|start| bytes.slice(start..(start + size).min(bytes.len())))
                .collect();
            let body = stream::iter(pieces.into_iter().enumerate()).then(
                move |(index, piece)| async move {
                    if index > 0 {
                        tokio::time::sleep(pause).await;
                    }
                    Ok::<_, Infallible>(piece)
                },
            );
            parts.headers.remove(CONTENT_LENGTH);
            Response::from_parts(parts, Body::from_stream(body))
        }
    }
}

/// Renames (to `name`) or, without one, takes out the key `pointer` points to; a
/// pointer to nothing changes nothing.
fn reshape(value: &mut serde_json::Value, pointer: &str, name: Option<&String>) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    let Some(object) = value
        .pointer_mut(parent)
        .and_then(|parent| parent.as_object_mut())
    else {
        return;
    };
    let Some(taken) = object.remove(key) else {
        return;
    };
    if let Some(name) = name {
        object.insert(name.clone(), taken);
    }
}

/// A simulator-made body, read whole (it is small: an answer the simulator rendered).
async fn collect(body: Body) -> Bytes {
    axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default()
}

/// A valid JSON document of `size` bytes (at least its frame): a stop answer whose
/// `job_id` is a long run of `a`.
fn huge(size: usize) -> Bytes {
    const FRAME: &[u8] = br#"{"job_id":""}"#;
    let mut body = Vec::with_capacity(size.max(FRAME.len()));
    body.extend_from_slice(&FRAME[..11]);
    body.resize(size.saturating_sub(2).max(11), b'a');
    body.extend_from_slice(b"\"}");
    Bytes::from(body)
}

/// A handled call's response as it leaves: the fault a test asked for carried out on
/// it, and what the journal records of the call attached.
pub(crate) async fn sent(
    mut response: Response,
    delivery: Option<Fault>,
    handled: Handled,
) -> Response {
    if let Some(fault) = &delivery {
        response = deliver(fault, response).await;
    }
    response.extensions_mut().insert(handled);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_served_per_operation_in_order() {
        let mut queue = FaultQueue::default();
        queue.push(OperationKind::StopGraph, Fault::ServiceUnavailable);
        queue.push(OperationKind::ShowJob, Fault::Throttled);
        queue.push(OperationKind::StopGraph, Fault::InternalServerError);
        assert_eq!(queue.take(OperationKind::ListGraphs, None), None);
        assert_eq!(
            queue.take(OperationKind::StopGraph, None),
            Some(Fault::ServiceUnavailable)
        );
        assert_eq!(
            queue.take(OperationKind::StopGraph, None),
            Some(Fault::InternalServerError)
        );
        assert_eq!(queue.take(OperationKind::StopGraph, None), None);
        assert_eq!(
            queue.take(OperationKind::ShowJob, None),
            Some(Fault::Throttled)
        );
    }

    #[test]
    fn a_graph_fault_stays_until_cleared_and_queued_faults_come_first() {
        let mut queue = FaultQueue::default();
        queue.set_for_graph("g-1".parse().unwrap(), Fault::Reset);
        queue.push(OperationKind::StopGraph, Fault::Throttled);
        let take = |queue: &mut FaultQueue, graph| queue.take(OperationKind::StopGraph, graph);
        assert_eq!(take(&mut queue, Some("g-1")), Some(Fault::Throttled));
        assert_eq!(take(&mut queue, Some("g-1")), Some(Fault::Reset));
        assert_eq!(take(&mut queue, Some("g-1")), Some(Fault::Reset));
        assert_eq!(take(&mut queue, Some("g-2")), None);
        assert_eq!(take(&mut queue, None), None);
        queue.clear();
        assert_eq!(take(&mut queue, Some("g-1")), None);
    }

    #[test]
    fn a_listing_fault_stays_until_cleared() {
        let mut queue = FaultQueue::default();
        assert_eq!(queue.listing(), None);
        queue.set_listing(ListingFault::IgnoresOffset);
        queue.set_listing(ListingFault::Endless);
        assert_eq!(queue.listing(), Some(ListingFault::Endless));
        assert_eq!(queue.listing(), Some(ListingFault::Endless));
        queue.clear();
        assert_eq!(queue.listing(), None);
    }

    #[test]
    fn huge_bodies_are_json_of_the_size_asked() {
        for size in [0, 5, 13, 100, 5 << 20] {
            let body = huge(size);
            assert_eq!(body.len(), size.max(13), "{size}");
            assert!(body.starts_with(br#"{"job_id":""#) && body.ends_with(br#""}"#));
        }
    }
}
