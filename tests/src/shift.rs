//! Pinned instants brought next to now. A reconcile that acts takes its `at` only
//! within `GES_MAX_EVENT_AGE_MINUTES` of the function's clock, which the end-to-end
//! tests cannot pin; their scenarios are written at fixed dates, and moved by a whole
//! number of days so that the latest instant a run acts at falls within the last day.
//! Every date of the scenario (events, tags, documents) moves with it, and the answers
//! are moved back before they are compared, so the scenario reads as written. Only
//! schedules whose periods cover every day may be moved: a weekday would change.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde_json::Value;

/// A whole number of days to move a scenario's dates by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayShift {
    days: i32,
}

impl DayShift {
    /// The shift that brings `latest` (RFC 3339) within the day before now: at or before
    /// now, and less than 24 hours before it.
    pub fn to_now(latest: &str) -> Self {
        let latest: Timestamp = latest.parse().expect("an RFC 3339 instant");
        let behind = Timestamp::now().duration_since(latest);
        let days = behind
            .as_secs()
            .div_euclid(SignedDuration::from_hours(24).as_secs());
        Self {
            days: i32::try_from(days).expect("a scenario within a few thousand years"),
        }
    }

    /// The days moved by.
    pub fn days(self) -> i32 {
        self.days
    }

    /// `text` with every date in it (`YYYY-MM-DD`) moved by the shift.
    pub fn apply(self, text: &str) -> String {
        move_dates(text, self.days)
    }

    /// `text` with every date in it moved back.
    pub fn undo(self, text: &str) -> String {
        move_dates(text, -self.days)
    }

    /// `value` with every date in its strings moved back: an answer as the scenario
    /// wrote it.
    pub fn undo_json(self, value: &Value) -> Value {
        match value {
            Value::String(text) => Value::String(self.undo(text)),
            Value::Array(items) => {
                Value::Array(items.iter().map(|item| self.undo_json(item)).collect())
            }
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(key, item)| (key.clone(), self.undo_json(item)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// Moves each `YYYY-MM-DD` of `text` (not part of a longer run of digits) by `days`.
fn move_dates(text: &str, days: i32) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at + 10 <= bytes.len() {
        let window = &bytes[at..at + 10];
        let shaped = window.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
        let alone = (at == 0 || !bytes[at - 1].is_ascii_digit())
            && bytes.get(at + 10).is_none_or(|b| !b.is_ascii_digit());
        let date = (shaped && alone)
            .then(|| text[at..at + 10].parse::<Date>().ok())
            .flatten()
            .and_then(|date| date.checked_add(days.days()).ok());
        match date {
            Some(date) => {
                out.push_str(&text[copied..at]);
                out.push_str(&date.to_string());
                at += 10;
                copied = at;
            }
            None => at += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_move_and_come_back() {
        let shift = DayShift { days: 30 };
        let text = r#"{"at": "2026-12-04T20:05:00Z", "skip": ["2026-12-25"], "id": "g-20261204"}"#;
        let moved = shift.apply(text);
        assert_eq!(
            moved,
            r#"{"at": "2027-01-03T20:05:00Z", "skip": ["2027-01-24"], "id": "g-20261204"}"#
        );
        assert_eq!(shift.undo(&moved), text);
        let value: Value = serde_json::from_str(&moved).unwrap();
        assert_eq!(
            shift.undo_json(&value),
            serde_json::from_str::<Value>(text).unwrap()
        );
    }

    #[test]
    fn the_latest_instant_lands_within_the_last_day() {
        let shift = DayShift::to_now("2026-12-04T20:05:00Z");
        let moved: Timestamp = shift.apply("2026-12-04T20:05:00Z").parse().unwrap();
        let behind = Timestamp::now().duration_since(moved);
        assert!(behind >= SignedDuration::ZERO, "{behind}");
        assert!(behind < SignedDuration::from_hours(24), "{behind}");
    }
}
