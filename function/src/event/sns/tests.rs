//! SNS notifications: AWS's own samples (`aws_lambda_events` 1.2.1's `src/fixtures/`,
//! copied here unchanged), `examples/events/sns.json`, and the refusals.

use serde_json::{Value, json};

use crate::event::{EventError, EventPart, Message, Payload};
use crate::event::{parse as parse_event, read};

const G1: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const P: &str = "0123456789abcdef0123456789abcdef";

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// AWS's sample: its message is the text `Hello\r\nworld!`.
fn aws_sample() -> Value {
    json_of(include_str!("example-sns-event.json"))
}

#[track_caller]
fn topic(payload: &Value) -> Message {
    match read(payload) {
        Ok(Payload::Topic(message)) => message,
        other => panic!("not read as a notification: {other:?}"),
    }
}

/// The AWS sample with `Sns.Message` set to `message`.
fn with_message(message: &str) -> Value {
    let mut event = aws_sample();
    event["Records"][0]["Sns"]["Message"] = json!(message);
    event
}

#[track_caller]
fn refusal(payload: &Value) -> EventError {
    let invalid = read(payload).unwrap_err();
    assert_eq!(invalid.trigger, None, "{invalid}");
    invalid.error
}

#[test]
fn the_aws_samples_are_notifications_whose_message_is_no_event() {
    // The second writes the URLs' keys as `SigningCertUrl`, which the type reads too.
    for sample in [
        aws_sample(),
        json_of(include_str!("example-sns-event-pascal-case.json")),
    ] {
        let message = topic(&sample);
        assert_eq!(message.id.as_str(), "82833b5c-8d5d-56d0-b0e1-7511f8253eb8");
        let invalid = message.event.unwrap_err();
        assert!(
            matches!(
                invalid.error,
                EventError::MessageNotJson {
                    part: EventPart::SnsMessage,
                    ..
                }
            ),
            "{invalid:?}"
        );
        assert!(
            invalid
                .to_string()
                .starts_with("the SNS notification's \"Message\" is not JSON"),
            "{invalid}"
        );
    }
}

#[test]
fn the_example_carries_a_direct_event() {
    let message = topic(&json_of(include_str!(
        "../../../../examples/events/sns.json"
    )));
    assert_eq!(message.id.as_str(), "82833b5c-8d5d-56d0-b0e1-7511f8253eb8");
    assert_eq!(
        message.event.unwrap(),
        parse_event(&json!({"graph_id": G1, "project_id": P})).unwrap()
    );
}

#[test]
fn every_accepted_shape_but_http_is_a_message() {
    for text in [
        include_str!("../../../../examples/events/fleet-schedule-v2.json"),
        include_str!("../../../../examples/events/reconcile.json"),
        include_str!("../../../../examples/events/eventbridge-custom.json"),
        include_str!("../../../../examples/events/cloudevent.json"),
    ] {
        assert_eq!(
            topic(&with_message(text)).event.unwrap(),
            parse_event(&json_of(text)).unwrap()
        );
    }
}

#[test]
fn a_message_of_another_kind_fails() {
    let http = include_str!("../../../../examples/events/apigw-http.json");
    let notification = aws_sample()["Records"][0]["Sns"].to_string();
    let queue = include_str!("../../../../examples/events/sqs.json");
    for (message, wanted) in [
        (http, "an HTTP request"),
        (notification.as_str(), "itself an SNS notification"),
        (queue, "itself a batch of records"),
    ] {
        let invalid = topic(&with_message(message)).event.unwrap_err();
        assert!(
            invalid
                .to_string()
                .starts_with(&format!("the SNS notification's \"Message\" is {wanted}")),
            "{invalid}"
        );
    }
}

#[test]
fn an_event_that_is_not_one_notification_is_refused() {
    let mut two = aws_sample();
    let record = two["Records"][0].clone();
    two["Records"].as_array_mut().unwrap().push(record);
    assert!(matches!(
        refusal(&two),
        EventError::SnsRecordCount { count: 2 }
    ));

    let mut confirmation = aws_sample();
    confirmation["Records"][0]["Sns"]["Type"] = json!("UnsubscribeConfirmation");
    assert_eq!(
        refusal(&confirmation).to_string(),
        "the SNS event is of type \"UnsubscribeConfirmation\", not \"Notification\": only a \
         notification carries an event"
    );

    let mut no_id = aws_sample();
    no_id["Records"][0]["Sns"]["MessageId"] = json!("");
    assert!(matches!(
        refusal(&no_id),
        EventError::InvalidMessageId {
            part: EventPart::Sns,
            ..
        }
    ));

    let mut no_message = aws_sample();
    no_message["Records"][0]["Sns"]
        .as_object_mut()
        .unwrap()
        .remove("Message");
    assert!(matches!(
        refusal(&no_message),
        EventError::MalformedEnvelope {
            part: EventPart::Sns,
            ..
        }
    ));
}

/// The notification through `aws_lambda_events`' full `SnsEvent`, its records' fields
/// given to the same conversion as the lean view's: the reference the view is held to.
fn read_full(payload: &Value) -> Result<Message, EventError> {
    let event: aws_lambda_events::sns::SnsEvent =
        crate::event::envelope::read(payload, EventPart::Sns)?;
    let records = event.records.into_iter().map(|record| super::SnsRecord {
        sns: super::SnsMessage {
            sns_message_type: record.sns.sns_message_type,
            message_id: record.sns.message_id,
            message: record.sns.message,
        },
    });
    super::message(records.collect())
}

#[test]
fn the_lean_view_reads_what_the_full_type_reads() {
    let fixtures = [
        aws_sample(),
        json_of(include_str!("example-sns-event-pascal-case.json")),
        json_of(include_str!("../../../../examples/events/sns.json")),
    ];
    let fields = [
        "/Records",
        "/Records/0",
        "/Records/0/Sns",
        "/Records/0/Sns/Type",
        "/Records/0/Sns/MessageId",
        "/Records/0/Sns/Message",
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
