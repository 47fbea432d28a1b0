//! The generated response decoders (`Operation::decode` of every operation in
//! `openapi/ges.yaml`, `openapi/iam.yaml`, `openapi/sts.yaml` and `openapi/ces.yaml`) on
//! any answer a server
//! or a proxy in front of it could send: status code, headers and body, taken apart the
//! way `client/src/ges/client.rs` does (`X-Request-Id` read with `HeaderValue::to_str`,
//! then a `RawResponse`).
//!
//! Beyond "no panic":
//! - a decoded answer has the status it came with, every id in it obeys its rule, and
//!   it encodes (`OperationResponse::body`) to a body that decodes to the same answer;
//! - an error keeps the status, the request id and (GES's and Cloud Eye's) the whole
//!   body, and names the service that answered;
//! - its message shows a bounded excerpt of the body: the parser's complaint
//!   (`source`) is at most 1 KiB, the whole message at most 5 KiB plus the request
//!   id, and it repeats no other header;
//! - no sensitive field's value reaches a message: the answer is tried again as IAM's
//!   and STS's with [`MARKER`] planted in every sensitive field, in the fields a
//!   service's words may repeat it in, and in IAM's token header, and no error's
//!   `Display`, `Debug` or source, nor a decoded answer's `Debug`, holds it.
#![no_main]

use std::error::Error as _;

use bytes::Bytes;
use ges_api::ces::BatchListMetricDataRequest;
use ges_api::iam::{CreateTokenRequest, ListProjectsRequest};
use ges_api::runtime::{DecodeError, Operation, OperationResponse, RawResponse};
use ges_api::sts::AssumeAgencyWithOidcRequest;
use ges_api::types::{
    Graph, ListGraphsRequest, ListGraphsResponse, ShowGraphRequest, ShowGraphResponse,
    ShowJobRequest, ShowJobResponse, StopGraphRequest, StopGraphResponse,
};
use ges_stop_fuzz::{
    ECHOING_FIELDS, MARKER, SENSITIVE_FIELDS, SENSITIVE_HEADER, assert_bounded, is_graph_id,
    is_job_id, plant,
};
use libfuzzer_sys::fuzz_target;

/// The parser's complaint, as the message repeats it. A complaint quotes the value it
/// is about; quoting a whole field of the body would defeat the 512-byte body excerpt.
const SOURCE_LIMIT: usize = 1024;
/// The message without the request id: fixed text (~200 bytes), the body's first 512
/// bytes escaped (at most 6 bytes each, `\u{1f}`), and the complaint.
const MESSAGE_LIMIT: usize = 200 + 512 * 6 + 64 + SOURCE_LIMIT;
/// Header values shorter than this may appear in a message by coincidence.
const SHORTEST_CHECKED_HEADER: usize = 16;

fuzz_target!(|data: &[u8]| {
    let Some(answer) = Answer::parse(data) else {
        return;
    };
    check::<StopGraphRequest>(&answer, "GES", |response| {
        if let StopGraphResponse::Ok(result) = response
            && let Some(job) = &result.job_id
        {
            assert!(is_job_id(job.as_str()), "bad job id {job:?}");
        }
    });
    check::<ShowGraphRequest>(&answer, "GES", |response| {
        if let ShowGraphResponse::Ok(result) = response {
            check_graph(&result.graph);
        }
    });
    check::<ListGraphsRequest>(&answer, "GES", |response| {
        if let ListGraphsResponse::Ok(result) = response {
            result.graphs.iter().for_each(check_graph);
        }
    });
    check::<ShowJobRequest>(&answer, "GES", |response| {
        if let ShowJobResponse::Ok(result) = response
            && let Some(job) = &result.job_id
        {
            assert!(is_job_id(job.as_str()), "bad job id {job:?}");
        }
    });
    // Every count and timestamp is a number as JSON has it: checked by the round trip.
    check::<BatchListMetricDataRequest>(&answer, "Cloud Eye", |_| {});
    for answer in answer.planted() {
        withheld::<CreateTokenRequest>(&answer, "IAM");
        withheld::<ListProjectsRequest>(&answer, "IAM");
        withheld::<AssumeAgencyWithOidcRequest>(&answer, "Huawei Cloud STS");
    }
});

/// A credential service's decoder on `answer`: its errors name `service`, keep no
/// body, and, as its decoded answers' `Debug`, never hold [`MARKER`] (unless the
/// request id, which messages show, holds it).
fn withheld<O: Operation>(answer: &Answer, service: &str)
where
    O::Response: std::fmt::Debug,
{
    let raw = &answer.raw;
    let in_request_id = raw
        .request_id
        .as_deref()
        .is_some_and(|id| id.contains(MARKER));
    match O::decode_with_headers(raw, &answer.headers) {
        // What the contract calls sensitive is hidden from `Debug`; the fields a
        // service's words may hold it in are its refusal's, shown as it said them.
        Ok(response) if !answer.marker_anywhere => {
            let shown = format!("{response:?}");
            assert!(
                in_request_id || !shown.contains(MARKER),
                "{} Debug shows a sensitive value: {shown}",
                O::OPERATION_ID
            );
        }
        Ok(_) => {}
        Err(error) => {
            assert_eq!(error.service(), service, "{}", O::OPERATION_ID);
            assert!(
                error.body().is_none(),
                "{}: a body was kept",
                O::OPERATION_ID
            );
            let source = error.source().map(ToString::to_string).unwrap_or_default();
            let shown = format!("{error} {error:?} {source}");
            assert!(
                in_request_id || !shown.contains(MARKER),
                "{} error repeats a sensitive value: {shown}",
                O::OPERATION_ID
            );
            let request_id_len = raw.request_id.as_deref().map_or(0, str::len);
            assert_bounded(
                &format!("{} decode error", O::OPERATION_ID),
                &error.to_string(),
                1024 + request_id_len,
            );
        }
    }
}

fn check_graph(graph: &Graph) {
    assert!(
        is_graph_id(graph.id.as_str()),
        "bad graph id {:?}",
        graph.id
    );
}

fn check<O: Operation>(answer: &Answer, service: &str, check_ids: impl Fn(&O::Response))
where
    O::Response: PartialEq + std::fmt::Debug,
{
    let raw = &answer.raw;
    match O::decode(raw) {
        Ok(response) => {
            assert_eq!(response.status(), raw.status, "{}", O::OPERATION_ID);
            check_ids(&response);
            // What the simulator sends for this answer must decode back to it.
            let body = response
                .body()
                .unwrap_or_else(|error| panic!("{}: cannot encode: {error}", O::OPERATION_ID))
                .unwrap_or_default();
            let again = RawResponse {
                status: raw.status,
                request_id: None,
                body: Bytes::from(body),
            };
            match O::decode(&again) {
                Ok(decoded) => assert_eq!(decoded, response, "{} round trip", O::OPERATION_ID),
                Err(error) => panic!(
                    "{}: its own encoding does not decode: {error}",
                    O::OPERATION_ID
                ),
            }
        }
        Err(error) => check_error(O::OPERATION_ID, service, &error, answer),
    }
}

fn check_error(operation: &str, service: &str, error: &DecodeError, answer: &Answer) {
    let raw = &answer.raw;
    assert_eq!(error.status(), raw.status);
    assert_eq!(error.request_id(), raw.request_id.as_deref());
    assert_eq!(error.service(), service, "{operation}");
    assert_eq!(
        error.body(),
        Some(&raw.body),
        "{operation}: the error lost the body"
    );

    if let Some(source) = error.source() {
        assert_bounded(
            &format!("{operation} decode error's source"),
            &source.to_string(),
            SOURCE_LIMIT,
        );
    }
    let message = error.to_string();
    let request_id_len = raw.request_id.as_deref().map_or(0, str::len);
    assert_bounded(
        &format!("{operation} decode error"),
        &message,
        MESSAGE_LIMIT + request_id_len,
    );
    // The body as the message escapes it: a header value may occur in that by chance.
    let shown_body = format!("{:?}", String::from_utf8_lossy(&raw.body));
    for (name, value) in &answer.headers {
        if name == "x-request-id" {
            continue;
        }
        // Trimmed: the message puts its own spaces around what it repeats.
        let Ok(value) = value.to_str().map(str::trim) else {
            continue;
        };
        let elsewhere = raw
            .request_id
            .as_deref()
            .is_some_and(|id| id.contains(value))
            || shown_body.contains(value)
            || String::from_utf8_lossy(&raw.body).contains(value);
        assert!(
            value.len() < SHORTEST_CHECKED_HEADER || elsewhere || !message.contains(value),
            "{operation} decode error repeats the {name} header: {message:?}"
        );
    }
}

/// An answer as text: the status code on the first line, `Name: value` header lines,
/// an empty line, then the body (bytes, not necessarily UTF-8).
struct Answer {
    headers: http::HeaderMap,
    raw: RawResponse,
    /// Whether [`MARKER`] may be in a field a decoded answer shows: planted where a
    /// service's words may repeat it, or put anywhere by the fuzzer.
    marker_anywhere: bool,
}

impl Answer {
    /// This answer with [`MARKER`] in IAM's token header and, when the body is JSON,
    /// in its sensitive fields; then also in the fields a service's words may repeat
    /// it in. The answer as it came too, whose body may hold the marker where the
    /// fuzzer put it (the seeds have it in every sensitive field).
    fn planted(&self) -> Vec<Self> {
        let with_body = |body: Bytes, marker_anywhere: bool| {
            let mut headers = self.headers.clone();
            headers.insert(SENSITIVE_HEADER, http::HeaderValue::from_static(MARKER));
            Self {
                headers,
                raw: RawResponse {
                    status: self.raw.status,
                    request_id: self.raw.request_id.clone(),
                    body,
                },
                marker_anywhere,
            }
        };
        let came_with_marker = self
            .raw
            .body
            .windows(MARKER.len())
            .any(|window| window == MARKER.as_bytes());
        let mut answers = vec![with_body(self.raw.body.clone(), true)];
        if let Some(body) = plant(&self.raw.body, SENSITIVE_FIELDS) {
            let echoing = plant(&body, ECHOING_FIELDS);
            answers.push(with_body(Bytes::from(body), came_with_marker));
            if let Some(body) = echoing {
                answers.push(with_body(Bytes::from(body), true));
            }
        }
        answers
    }

    fn parse(data: &[u8]) -> Option<Self> {
        let (head, body) = match find(data, b"\n\n") {
            Some(at) => (&data[..at], &data[at + 2..]),
            None => (data, &[][..]),
        };
        let mut lines = head.split(|&byte| byte == b'\n');
        let status: u16 = std::str::from_utf8(lines.next()?)
            .ok()?
            .trim()
            .parse()
            .ok()?;
        let mut headers = http::HeaderMap::new();
        for line in lines {
            let (name, value) = match find(line, b":") {
                Some(at) => (&line[..at], &line[at + 1..]),
                None => (line, &[][..]),
            };
            let value = value.strip_prefix(b" ").unwrap_or(value);
            // What hyper would not have delivered is not an answer.
            let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name),
                http::HeaderValue::from_bytes(value),
            ) else {
                continue;
            };
            headers.append(name, value);
        }
        // As client/src/ges/client.rs reads it.
        let request_id = headers
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        Some(Self {
            raw: RawResponse {
                status,
                request_id,
                body: Bytes::copy_from_slice(body),
            },
            headers,
            marker_anywhere: false,
        })
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
