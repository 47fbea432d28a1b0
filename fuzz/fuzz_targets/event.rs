//! `ges_stop_lambda::event::read_text`, `parse` and `read` on any payload the Lambda
//! runtime could hand the function, as its bytes (`function/src/payload_text.rs`); and
//! `ges_client::schedule::Schedules::from_json` on the same bytes, as a schedules
//! document.
//!
//! Beyond "no panic": no payload is served that gives a key twice anywhere, has more
//! than whitespace after its value, or is not JSON, as an independent reader
//! (`ges_stop_fuzz::json_verdict`) tells; nor an SQS body, an SNS message (alone or in
//! an SQS body) or an HTTP body that does. The same holds for a schedules document, and
//! an accepted one has no `null`. Every id a parse yields obeys the README's rule, the
//! named graphs are 1 to 1000 distinct ids, selectors 1 to 10 (0 to 10 for a
//! reconcile); every error's message is at most 2 KiB; an HTTP event gives the same
//! invocation or the same error without its headers and cookies, so no message can
//! repeat them. `read` gives one event as `parse` does, and each message of an SQS batch
//! or SNS notification obeys the same rules and is never HTTP.
#![no_main]

use ges_client::schedule::Schedules;
use ges_stop_fuzz::{JsonVerdict, assert_bounded, is_graph_id, is_project_id, json_verdict};
use ges_stop_lambda::event::{self, Graphs, InvalidEvent, MAX_GRAPHS_PER_EVENT, Trigger, selector};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The longest message an event error may have. Each error is fixed text (at most
/// ~400 bytes: the accepted shapes, the routes) plus at most two excerpts of 80
/// characters and a parser's reason cut to 120 characters, 4 bytes a character at worst.
const MESSAGE_LIMIT: usize = 2048;

/// Where an HTTP event carries headers and cookies (API Gateway v1 and v2, function URLs).
const HEADER_FIELDS: [&str; 3] = ["headers", "multiValueHeaders", "cookies"];

fuzz_target!(|data: &[u8]| {
    // What the runtime hands the handler: the body, whole, when it is UTF-8.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check_schedules(text);
    let strict = event::read_text(text);
    let verdict = json_verdict(text);
    if verdict != JsonVerdict::Strict {
        let Err(invalid) = &strict else {
            panic!("a payload the independent reader calls {verdict:?} was read: {strict:?}");
        };
        let message = invalid.to_string();
        assert_bounded("event::read_text", &message, MESSAGE_LIMIT);
        match verdict {
            JsonVerdict::DuplicateKey => assert!(message.contains(" twice (line "), "{message}"),
            JsonVerdict::TrailingContent => {
                assert!(message.contains("more after its JSON value"), "{message}")
            }
            _ => {}
        }
        return;
    }
    let payload: Value = serde_json::from_str(text).expect("the independent reader read it");
    assert_eq!(
        format!("{strict:?}"),
        format!("{:?}", event::read(&payload)),
        "read_text and read differ on a payload without duplicates"
    );
    check_carried(&payload, &strict);
    let result = event::parse(&payload);
    match &result {
        Ok(invocation) => check_invocation(invocation),
        Err(invalid) => {
            let message = invalid.to_string();
            assert_bounded("event::parse", &message, MESSAGE_LIMIT);
            assert_eq!(message, invalid.error.to_string());
            assert!(matches!(
                invalid.error.http_status().as_u16(),
                400 | 404 | 405
            ));
        }
    }
    check_headers_ignored(&payload, &result);
    check_read(&payload, &result);
});

/// A schedules document is read whole and strictly: accepted only when the independent
/// reader finds it strict and it has no `null`; refused with a bounded message.
fn check_schedules(text: &str) {
    match Schedules::from_json(text) {
        Ok(_) => {
            let verdict = json_verdict(text);
            assert_eq!(
                verdict,
                JsonVerdict::Strict,
                "a schedules document was read"
            );
            let value: Value = serde_json::from_str(text).expect("strict");
            assert!(!has_null(&value), "a schedules document with null was read");
        }
        Err(error) => assert_bounded("Schedules::from_json", &error.to_string(), MESSAGE_LIMIT),
    }
}

fn has_null(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.iter().any(has_null),
        Value::Object(fields) => fields.values().any(has_null),
        _ => false,
    }
}

/// The texts a payload carries are read as strictly as the payload: an SQS body, an
/// SNS message (alone, or in a notification in an SQS body) and an HTTP body that give
/// a key twice or have more after their value fail their message or the request.
fn check_carried(payload: &Value, read: &Result<event::Payload, InvalidEvent>) {
    let text_at =
        |value: &Value, pointer: &str| value.pointer(pointer)?.as_str().map(str::to_owned);
    // Whether `text`, or the message of the notification it is, is not strict.
    fn loose(text: &str) -> bool {
        match json_verdict(text) {
            JsonVerdict::DuplicateKey | JsonVerdict::TrailingContent => true,
            JsonVerdict::Strict => {
                let value: Value = serde_json::from_str(text).expect("strict");
                value.get("TopicArn").is_some()
                    && value
                        .get("Message")
                        .and_then(Value::as_str)
                        .is_some_and(loose)
            }
            JsonVerdict::NotJson => false,
        }
    }
    match read {
        Ok(event::Payload::Queue(queue)) => {
            for (index, message) in queue.messages.iter().enumerate() {
                let body = text_at(payload, &format!("/Records/{index}/body"));
                if body.as_deref().is_some_and(loose) {
                    assert!(
                        message.event.is_err(),
                        "an SQS body read half-way: {body:?}"
                    );
                }
            }
        }
        Ok(event::Payload::Topic(message)) => {
            let text = text_at(payload, "/Records/0/Sns/Message");
            if text.as_deref().is_some_and(loose) {
                assert!(
                    message.event.is_err(),
                    "an SNS message read half-way: {text:?}"
                );
            }
        }
        Ok(event::Payload::One(invocation)) if matches!(invocation.trigger, Trigger::Http(_)) => {
            let base64 = payload.get("isBase64Encoded") == Some(&Value::Bool(true));
            let body = text_at(payload, "/body");
            if !base64
                && body.as_deref().is_some_and(|body| {
                    matches!(
                        json_verdict(body),
                        JsonVerdict::DuplicateKey | JsonVerdict::TrailingContent
                    )
                })
            {
                panic!("an HTTP body read half-way: {body:?}");
            }
        }
        _ => {}
    }
}

/// What `read` gives: one event as `parse` gave it, or messages each checked as one.
fn check_read(payload: &Value, parsed: &Result<event::Invocation, InvalidEvent>) {
    let check_message = |message: &event::Message| match &message.event {
        Ok(invocation) => {
            assert!(
                !matches!(invocation.trigger, Trigger::Http(_)),
                "a message that carries an HTTP request was read"
            );
            check_invocation(invocation);
        }
        Err(invalid) => assert_bounded("a message's event", &invalid.to_string(), MESSAGE_LIMIT),
    };
    match event::read(payload) {
        Ok(event::Payload::One(invocation)) => {
            assert_eq!(
                parsed.as_ref().ok(),
                Some(&invocation),
                "read and parse differ"
            );
        }
        Ok(event::Payload::Queue(queue)) => {
            assert!(!queue.messages.is_empty(), "an SQS batch of no message");
            queue.messages.iter().for_each(check_message);
        }
        Ok(event::Payload::Topic(message)) => check_message(&message),
        Err(invalid) => assert_bounded("event::read", &invalid.to_string(), MESSAGE_LIMIT),
    }
}

fn check_invocation(invocation: &event::Invocation) {
    let request = &invocation.request;
    if let Some(project) = &request.project_id {
        assert!(
            is_project_id(project.as_str()),
            "bad project id {project:?}"
        );
    }
    match &request.graphs {
        Some(Graphs::Named(graphs)) => {
            assert!(
                (1..=MAX_GRAPHS_PER_EVENT).contains(&graphs.len()),
                "{} graphs named",
                graphs.len()
            );
            for (index, graph) in graphs.iter().enumerate() {
                assert!(is_graph_id(graph.as_str()), "bad graph id {graph:?}");
                assert!(
                    !graphs[..index].contains(graph),
                    "graph {graph:?} named twice"
                );
            }
            assert_eq!(request.max_graphs, None, "max_graphs without selectors");
        }
        Some(Graphs::Selected(selectors)) => {
            assert!(
                (1..=selector::MAX_SELECTORS).contains(&selectors.len()),
                "{} selectors",
                selectors.len()
            );
            selectors.iter().for_each(check_selector);
        }
        Some(Graphs::Scheduled(scheduled)) => {
            // No selectors means every scheduled graph of the project.
            assert!(
                scheduled.selectors.len() <= selector::MAX_SELECTORS,
                "{} selectors",
                scheduled.selectors.len()
            );
            scheduled.selectors.iter().for_each(check_selector);
            assert!(!request.wait, "a reconcile never waits");
        }
        None => assert_eq!(request.max_graphs, None),
        // A kind of graphs added later must be checked here too.
        Some(other) => panic!("a kind of graphs this target does not check yet: {other:?}"),
    }
    if let Some(max) = request.max_graphs {
        assert!(
            (1..=MAX_GRAPHS_PER_EVENT).contains(&max),
            "max_graphs {max}"
        );
    }
}

fn check_selector(selector: &selector::Selector) {
    assert!(
        selector.name.is_some() || !selector.tags.is_empty(),
        "a selector with neither name nor tags selects everything by accident"
    );
    assert!(selector.tags.len() <= selector::MAX_TAGS);
    for (key, pattern) in &selector.tags {
        assert!(!key.is_empty(), "empty tag key");
        assert!(pattern.as_str().chars().count() <= selector::MAX_PATTERN_CHARS);
    }
    if let Some(name) = &selector.name {
        assert!(name.as_str().chars().count() <= selector::MAX_PATTERN_CHARS);
    }
    if let Some(project) = &selector.project_id {
        assert!(
            is_project_id(project.as_str()),
            "bad project id {project:?}"
        );
    }
}

/// Headers, multi-value headers and cookies are dropped before an HTTP envelope is
/// read (`function/src/event/http.rs`): so that no message can repeat them, and no
/// malformed header can make a request fail. So the event without them must give the
/// very same invocation, or the very same error.
fn check_headers_ignored(payload: &Value, result: &Result<event::Invocation, InvalidEvent>) {
    let http = match result {
        Ok(invocation) => matches!(invocation.trigger, Trigger::Http(_)),
        Err(invalid) => matches!(invalid.trigger, Some(Trigger::Http(_))),
    };
    let Value::Object(object) = payload else {
        return;
    };
    if !http
        || !HEADER_FIELDS
            .iter()
            .any(|field| object.contains_key(*field))
    {
        return;
    }
    let mut without = object.clone();
    for field in HEADER_FIELDS {
        without.remove(field);
    }
    let again = event::parse(&Value::Object(without));
    match (result, &again) {
        (Ok(with), Ok(without)) => assert_eq!(with, without, "headers changed the invocation"),
        (Err(with), Err(without)) => {
            assert_eq!(with.trigger, without.trigger);
            assert_eq!(
                with.to_string(),
                without.to_string(),
                "headers changed the error: the message may repeat them"
            );
        }
        (with, without) => panic!(
            "headers decide whether the request is served: {:?} with them, {:?} without",
            with.as_ref().map(|_| ()).map_err(ToString::to_string),
            without.as_ref().map(|_| ()).map_err(ToString::to_string),
        ),
    }
}
