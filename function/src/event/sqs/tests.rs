//! SQS batches: AWS's own samples (`aws_lambda_events` 1.2.1's `src/fixtures/`, copied
//! here unchanged), `examples/events/sqs.json`, each accepted shape as a body, and the
//! refusals that fail one message or the whole batch.

use serde_json::{Value, json};

use crate::event::{EventError, EventPart, Graphs, Invocation, Payload, Queue, Trigger};
use crate::event::{parse as parse_event, read};

const G1: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const G2: &str = "7c2d1e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";
const G3: &str = "8d3e2f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a";
const P: &str = "0123456789abcdef0123456789abcdef";

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// AWS's sample SQS event: its body is the text `Message Body`.
fn aws_sample() -> Value {
    json_of(include_str!("example-sqs-event.json"))
}

fn example() -> Value {
    json_of(include_str!("../../../../examples/events/sqs.json"))
}

#[track_caller]
fn read_queue(payload: &Value) -> Queue {
    match read(payload) {
        Ok(Payload::Queue(queue)) => queue,
        other => panic!("not read as a queue: {other:?}"),
    }
}

/// The AWS sample's one record, with `body` as given, `fields` over it.
fn record(id: &str, body: &str, fields: Value) -> Value {
    let mut record = aws_sample()["Records"][0].clone();
    record["messageId"] = json!(id);
    record["body"] = json!(body);
    if let (Value::Object(record), Value::Object(fields)) = (&mut record, fields) {
        record.extend(fields);
    }
    record
}

fn batch(records: Vec<Value>) -> Value {
    json!({ "Records": records })
}

#[track_caller]
fn refusal(payload: &Value) -> EventError {
    match read(payload) {
        Err(invalid) => {
            assert_eq!(invalid.trigger, None, "{invalid}");
            invalid.error
        }
        Ok(other) => panic!("read: {other:?}"),
    }
}

/// Each message's event, or the error that fails it.
#[track_caller]
fn events(queue: &Queue) -> Vec<Result<&Invocation, &EventError>> {
    queue
        .messages
        .iter()
        .map(|message| message.event.as_ref().map_err(|invalid| &invalid.error))
        .collect()
}

#[test]
fn the_aws_sample_is_a_batch_of_one_message_whose_body_fails_alone() {
    let queue = read_queue(&aws_sample());
    assert!(!queue.fifo);
    assert_eq!(queue.messages.len(), 1);
    assert_eq!(queue.messages[0].id.as_str(), "MessageID_1");
    let invalid = queue.messages[0].event.as_ref().unwrap_err();
    assert!(
        matches!(
            invalid.error,
            EventError::MessageNotJson {
                part: EventPart::SqsBody,
                ..
            }
        ),
        "{invalid:?}"
    );
    assert!(
        invalid
            .to_string()
            .starts_with("the SQS message's body is not JSON (expected value at line 1"),
        "{invalid}"
    );

    // The other sample's body is JSON, but no event of ours.
    let queue = read_queue(&json_of(include_str!("example-sqs-event-obj.json")));
    let [Err(EventError::UnrecognizedShape { .. })] = events(&queue)[..] else {
        panic!("{:?}", events(&queue));
    };
}

#[test]
fn the_example_carries_a_direct_event_and_one_in_an_sns_notification() {
    let queue = read_queue(&example());
    assert!(!queue.fifo);
    let ids: Vec<&str> = queue.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["MessageID_1", "MessageID_2"]);
    let events = events(&queue);
    let [Ok(first), Ok(second)] = events[..] else {
        panic!("{events:?}");
    };
    assert_eq!(
        *first,
        parse_event(&json!({"graph_id": G1, "project_id": P})).unwrap()
    );
    assert_eq!(
        *second,
        parse_event(&json!({"graph_ids": [G2, G3], "project_id": P})).unwrap()
    );
}

#[test]
fn every_accepted_shape_but_http_is_a_body() {
    for (name, text) in [
        (
            "direct-many.json",
            include_str!("../../../../examples/events/direct-many.json"),
        ),
        (
            "fleet-schedule-v2.json",
            include_str!("../../../../examples/events/fleet-schedule-v2.json"),
        ),
        (
            "reconcile-dry-run-at.json",
            include_str!("../../../../examples/events/reconcile-dry-run-at.json"),
        ),
        (
            "eventbridge-custom.json",
            include_str!("../../../../examples/events/eventbridge-custom.json"),
        ),
        (
            "eventbridge-schedule.json",
            include_str!("../../../../examples/events/eventbridge-schedule.json"),
        ),
        (
            "cloudevent.json",
            include_str!("../../../../examples/events/cloudevent.json"),
        ),
    ] {
        let queue = read_queue(&batch(vec![record("m-1", text, json!({}))]));
        let [Ok(invocation)] = events(&queue)[..] else {
            panic!("{name}: {:?}", events(&queue));
        };
        assert_eq!(*invocation, parse_event(&json_of(text)).unwrap(), "{name}");
    }
}

#[test]
fn an_http_request_as_a_body_fails_its_message_alone() {
    for text in [
        include_str!("../../../../examples/events/apigw-rest.json"),
        include_str!("../../../../examples/events/apigw-http.json"),
        include_str!("../../../../examples/events/function-url.json"),
    ] {
        let direct = json!({"graph_id": G1}).to_string();
        let queue = read_queue(&batch(vec![
            record("m-1", text, json!({})),
            record("m-2", &direct, json!({})),
        ]));
        let events = events(&queue);
        let [
            Err(EventError::HttpInMessage {
                part: EventPart::SqsBody,
            }),
            Ok(invocation),
        ] = events[..]
        else {
            panic!("{events:?}");
        };
        assert_eq!(invocation.trigger, Trigger::Direct);
        let message = queue.messages[0].event.as_ref().unwrap_err().to_string();
        assert!(
            message.starts_with("the SQS message's body is an HTTP request"),
            "{message}"
        );
    }
}

#[test]
fn a_body_that_cannot_be_read_fails_its_message_alone() {
    let good = json!({"graph_id": G1}).to_string();
    let queue = read_queue(&batch(vec![
        record("bad-json", "{\"graph_id\": ", json!({})),
        record("good", &good, json!({})),
        record("typo", &json!({"grahp_id": G1}).to_string(), json!({})),
        record("no-body", "", json!({"body": null})),
        record("a-batch", &aws_sample().to_string(), json!({})),
    ]));
    let events = events(&queue);
    assert!(
        matches!(
            events[..],
            [
                Err(EventError::MessageNotJson { .. }),
                Ok(_),
                Err(EventError::UnrecognizedShape { .. }),
                Err(EventError::MissingField {
                    part: EventPart::SqsMessage,
                    ..
                }),
                Err(EventError::RecordsInMessage {
                    part: EventPart::SqsBody
                }),
            ]
        ),
        "{events:?}"
    );
    assert_eq!(
        queue.messages[3].event.as_ref().unwrap_err().to_string(),
        "the SQS message has no \"body\", which it requires"
    );
}

#[test]
fn a_fifo_queue_is_known_by_its_arn_or_a_message_group() {
    let body = json!({"graph_id": G1}).to_string();
    let fifo_arn = json!({"eventSourceARN": "arn:aws:sqs:us-west-2:123456789012:stops.fifo"});
    assert!(read_queue(&batch(vec![record("m-1", &body, fifo_arn)])).fifo);

    let mut grouped = record("m-1", &body, json!({}));
    grouped["attributes"]["MessageGroupId"] = json!("nightly");
    assert!(read_queue(&batch(vec![record("m-0", &body, json!({})), grouped])).fifo);

    assert!(!read_queue(&batch(vec![record("m-1", &body, json!({}))])).fifo);
}

/// SNS to SQS with raw message delivery off: the body is the notification, whose
/// `Message` is the event. A FIFO topic with content-based deduplication leaves the
/// signature's fields out.
#[test]
fn an_sns_notification_as_a_body_is_unwrapped_once() {
    let notification = |message: &str, kind: &str| {
        json!({
            "Type": kind,
            "MessageId": "2b3c4d5e-0000-4000-8000-000000000001",
            "SequenceNumber": "10000000000000003000",
            "TopicArn": "arn:aws:sns:us-west-2:123456789012:stops.fifo",
            "Message": message,
            "Timestamp": "2026-12-04T20:00:00.000Z",
            "UnsubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe",
        })
        .to_string()
    };
    let direct = json!({"graph_id": G1}).to_string();
    let queue = read_queue(&batch(vec![
        record(
            "fifo-topic",
            &notification(&direct, "Notification"),
            json!({}),
        ),
        record(
            "twice",
            &notification(&notification(&direct, "Notification"), "Notification"),
            json!({}),
        ),
        record(
            "confirmation",
            &notification(&direct, "SubscriptionConfirmation"),
            json!({}),
        ),
        record(
            "not-json",
            &notification("stop it", "Notification"),
            json!({}),
        ),
        record(
            "no-message",
            &json!({"Type": "Notification", "TopicArn": "arn:aws:sns:x"}).to_string(),
            json!({}),
        ),
    ]));
    let events = events(&queue);
    let [
        Ok(invocation),
        Err(EventError::NotificationInMessage {
            part: EventPart::SnsMessage,
        }),
        Err(EventError::NotANotification {
            part: EventPart::SnsNotification,
            ..
        }),
        Err(EventError::MessageNotJson {
            part: EventPart::SnsMessage,
            ..
        }),
        Err(EventError::MalformedEnvelope {
            part: EventPart::SnsNotification,
            ..
        }),
    ] = events[..]
    else {
        panic!("{events:?}");
    };
    assert_eq!(
        invocation.request.graphs,
        Some(Graphs::Named(vec![G1.parse().unwrap()]))
    );
}

#[test]
fn an_envelope_that_does_not_fit_fails_the_whole_batch() {
    let body = json!({"graph_id": G1}).to_string();
    // No id, an empty one, a huge one, one with a control character: no failure could
    // name the message.
    for id in [
        json!(null),
        json!(""),
        json!("x".repeat(129)),
        json!("a\nb"),
    ] {
        let mut bad = record("m-2", &body, json!({}));
        bad["messageId"] = id.clone();
        let error = refusal(&batch(vec![record("m-1", &body, json!({})), bad]));
        assert!(
            matches!(error, EventError::InvalidMessageId { .. }),
            "{id}: {error:?}"
        );
        assert_eq!(
            error.to_string(),
            "\"Records\"[1] in the SQS event is no message id: SQS and SNS give each message \
             one, 1 to 128 characters without control characters"
        );
    }
    let longest = "x".repeat(128);
    assert_eq!(
        read_queue(&batch(vec![record(&longest, &body, json!({}))])).messages[0]
            .id
            .as_str(),
        longest
    );

    let mut sns_record = record("m-2", &body, json!({}));
    sns_record["eventSource"] = json!("aws:sns");
    assert!(matches!(
        refusal(&batch(vec![record("m-1", &body, json!({})), sns_record])),
        EventError::MixedRecords {
            part: EventPart::Sqs,
            index: 1
        }
    ));

    let mut not_text = record("m-1", &body, json!({}));
    not_text["body"] = json!({"graph_id": G1});
    assert!(matches!(
        refusal(&batch(vec![not_text])),
        EventError::MalformedEnvelope {
            part: EventPart::Sqs,
            ..
        }
    ));
}

#[test]
fn records_of_no_queue_or_topic_are_refused() {
    assert!(matches!(
        refusal(&json!({"Records": []})),
        EventError::NoRecords
    ));
    assert!(matches!(
        refusal(&json!({"Records": {"eventSource": "aws:sqs"}})),
        EventError::WrongType {
            part: EventPart::Records,
            ..
        }
    ));
    let s3 = json!({"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3"}]});
    assert_eq!(
        read(&s3).unwrap_err().to_string(),
        "the event's records come from \"aws:s3\"; accepted: \"aws:sqs\" (Amazon SQS) and \
         \"aws:sns\" (Amazon SNS), each message carrying one of the events the function accepts"
    );
    assert!(
        read(&json!({"Records": [{"body": "{}"}]}))
            .unwrap_err()
            .to_string()
            .starts_with("the event's records come from no named event source;")
    );
    // One event is read as before.
    assert!(matches!(
        read(&json!({"graph_id": G1})),
        Ok(Payload::One(Invocation {
            trigger: Trigger::Direct,
            ..
        }))
    ));
}

/// The batch through `aws_lambda_events`' full `SqsEvent`, its records' fields given to
/// the same conversion as the lean view's: the reference the view is held to.
fn read_full(payload: &Value) -> Result<Queue, EventError> {
    let event: aws_lambda_events::sqs::SqsEvent =
        crate::event::envelope::read(payload, EventPart::Sqs)?;
    let records = event.records.into_iter().map(|record| super::SqsMessage {
        message_id: record.message_id,
        body: record.body,
        attributes: record.attributes,
        event_source_arn: record.event_source_arn,
        event_source: record.event_source,
    });
    super::queue(records.collect())
}

#[test]
fn the_lean_view_reads_what_the_full_type_reads() {
    let fixtures = [
        aws_sample(),
        json_of(include_str!("example-sqs-event-obj.json")),
        example(),
    ];
    let fields = [
        "/Records",
        "/Records/0",
        "/Records/0/messageId",
        "/Records/0/body",
        "/Records/0/attributes",
        "/Records/0/attributes/MessageGroupId",
        "/Records/0/eventSourceARN",
        "/Records/0/eventSource",
        "/Records/1/body",
    ];
    for event in fixtures {
        assert!(super::read(&event).is_ok(), "{event}");
        let mut events = vec![event.clone()];
        for pointer in fields {
            events.extend(crate::event::envelope::variants(&event, pointer));
        }
        for event in events {
            assert_eq!(
                format!("{:?}", super::read(&event)),
                format!("{:?}", read_full(&event)),
                "{event}"
            );
        }
    }
}
