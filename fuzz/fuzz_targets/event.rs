//! `ges_stop_lambda::event::parse` and `read` on any JSON the Lambda runtime could hand
//! them.
//!
//! Beyond "no panic": every id a parse yields obeys the README's rule, the named graphs
//! are 1 to 1000 distinct ids, selectors 1 to 10 (0 to 10 for a reconcile); every error's message is at most
//! 2 KiB; an HTTP event gives the same invocation or the same error without its
//! headers and cookies, so no message can repeat them. `read` gives one event as `parse`
//! does, and each message of an SQS batch or SNS notification obeys the same rules and
//! is never HTTP.
#![no_main]

use ges_stop_fuzz::{assert_bounded, is_graph_id, is_project_id};
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
    // What the runtime does with the invocation's bytes before the handler sees them.
    let Ok(payload) = serde_json::from_slice::<Value>(data) else {
        return;
    };
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
