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

/// Moves each date of `text` by `days`: `YYYY-MM-DD`, and `YYYYMMDD` when a time
/// follows (`20990101T000000Z`, as a skip-until tag may say it), neither part of a
/// longer run of digits. Each keeps its form.
fn move_dates(text: &str, days: i32) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        let fresh = at == 0 || !bytes[at - 1].is_ascii_digit();
        let found = if fresh { date_at(text, at) } else { None };
        match found.and_then(|(date, len, basic)| {
            let moved = date.checked_add(days.days()).ok()?;
            Some((moved, len, basic))
        }) {
            Some((moved, len, basic)) => {
                out.push_str(&text[copied..at]);
                if basic {
                    out.push_str(&moved.strftime("%Y%m%d").to_string());
                } else {
                    out.push_str(&moved.to_string());
                }
                at += len;
                copied = at;
            }
            None => at += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The date that starts at byte `at`, its length, and whether it is in basic form.
fn date_at(text: &str, at: usize) -> Option<(Date, usize, bool)> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|run| run.iter().all(u8::is_ascii_digit))
    };
    let not_digit = |index: usize| bytes.get(index).is_none_or(|b| !b.is_ascii_digit());
    if digits(at..at + 4)
        && bytes.get(at + 4) == Some(&b'-')
        && digits(at + 5..at + 7)
        && bytes.get(at + 7) == Some(&b'-')
        && digits(at + 8..at + 10)
        && not_digit(at + 10)
    {
        return Some((text[at..at + 10].parse().ok()?, 10, false));
    }
    if digits(at..at + 8) && bytes.get(at + 8) == Some(&b'T') {
        let date = Date::strptime("%Y%m%d", &text[at..at + 8]).ok()?;
        return Some((date, 8, true));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_move_and_come_back() {
        let shift = DayShift { days: 30 };
        let text = r#"{"at": "2026-12-04T20:05:00Z", "skip": ["2026-12-25"], "id": "g-20261204",
            "until": "20990101T000000Z"}"#;
        let moved = shift.apply(text);
        assert_eq!(
            moved,
            r#"{"at": "2027-01-03T20:05:00Z", "skip": ["2027-01-24"], "id": "g-20261204",
            "until": "20990131T000000Z"}"#
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
