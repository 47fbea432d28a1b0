//! The generated response decoders (`Operation::decode` of every GES operation in
//! `openapi/ges.yaml`) on any answer a server or a proxy in front of it could send:
//! status code, headers and body, taken apart the way `client/src/client.rs` does
//! (`X-Request-Id` read with `HeaderValue::to_str`, then a `RawResponse`).
//!
//! Beyond "no panic":
//! - a decoded answer has the status it came with, every id in it obeys its rule, and
//!   it encodes (`OperationResponse::body`) to a body that decodes to the same answer;
//! - an error keeps the status, the request id and the whole body;
//! - its message shows a bounded excerpt of the body: the parser's complaint
//!   (`source`) is at most 1 KiB, the whole message at most 5 KiB plus the request
//!   id, and it repeats no other header.
#![no_main]

use std::error::Error as _;

use bytes::Bytes;
use ges_api::runtime::{DecodeError, Operation, OperationResponse, RawResponse};
use ges_api::types::{
    Graph, ListGraphsRequest, ListGraphsResponse, ShowGraphRequest, ShowGraphResponse,
    ShowJobRequest, ShowJobResponse, StopGraphRequest, StopGraphResponse,
};
use ges_stop_fuzz::{assert_bounded, is_graph_id, is_job_id};
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
    check::<StopGraphRequest>(&answer, |response| {
        if let StopGraphResponse::Ok(result) = response
            && let Some(job) = &result.job_id
        {
            assert!(is_job_id(job.as_str()), "bad job id {job:?}");
        }
    });
    check::<ShowGraphRequest>(&answer, |response| {
        if let ShowGraphResponse::Ok(result) = response {
            check_graph(&result.graph);
        }
    });
    check::<ListGraphsRequest>(&answer, |response| {
        if let ListGraphsResponse::Ok(result) = response {
            result.graphs.iter().for_each(check_graph);
        }
    });
    check::<ShowJobRequest>(&answer, |response| {
        if let ShowJobResponse::Ok(result) = response
            && let Some(job) = &result.job_id
        {
            assert!(is_job_id(job.as_str()), "bad job id {job:?}");
        }
    });
});

fn check_graph(graph: &Graph) {
    assert!(
        is_graph_id(graph.id.as_str()),
        "bad graph id {:?}",
        graph.id
    );
}

fn check<O: Operation>(answer: &Answer, check_ids: impl Fn(&O::Response))
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
        Err(error) => check_error(O::OPERATION_ID, &error, answer),
    }
}

fn check_error(operation: &str, error: &DecodeError, answer: &Answer) {
    let raw = &answer.raw;
    assert_eq!(error.status(), raw.status);
    assert_eq!(error.request_id(), raw.request_id.as_deref());
    assert_eq!(
        error.body(),
        &raw.body,
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
}

impl Answer {
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
        // As client/src/client.rs reads it.
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
        })
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
