//! What the fuzz targets check besides "no panic", shared by them: the identifier rules
//! and the bounds on error messages, written here from the README and the code's own
//! documentation rather than from the types under test, so that a type that drifts
//! from its documented rule is caught.

/// A project ID, as the README documents it: 1 to 64 ASCII letters and digits.
pub fn is_project_id(value: &str) -> bool {
    (1..=64).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A graph ID, as the README documents it: 1 to 64 ASCII letters, digits, `-` and `_`.
pub fn is_graph_id(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A job ID as the generated type's rule says (`openapi/ges.yaml`): same alphabet as a
/// graph ID, at most 64 characters.
pub fn is_job_id(value: &str) -> bool {
    is_graph_id(value)
}

/// Panics, with the message cut, when an error message is longer than `limit` bytes.
#[track_caller]
pub fn assert_bounded(what: &str, message: &str, limit: usize) {
    assert!(
        message.len() <= limit,
        "{what}: error message of {} bytes, over the {limit}-byte bound; it starts {:?}",
        message.len(),
        message.chars().take(300).collect::<String>()
    );
}

/// Whether `needle` occurs in `haystack`, for the "repeats no secret" checks.
pub fn contains(haystack: &str, needle: &str) -> bool {
    !needle.is_empty() && haystack.contains(needle)
}

/// What a text is, as JSON, by a reader written here and not the one under test: the
/// whole value is read (no early stop at a duplicate), each object's keys sorted and
/// compared, then what follows the value looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonVerdict {
    /// One value, every object's keys distinct, nothing after it but whitespace.
    Strict,
    /// One value in which some object gives a key twice.
    DuplicateKey,
    /// One value with distinct keys, then more than whitespace.
    TrailingContent,
    /// Not one JSON value.
    NotJson,
}

/// The verdict on `text`.
pub fn json_verdict(text: &str) -> JsonVerdict {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    match serde::Deserializer::deserialize_any(&mut deserializer, HasDuplicate) {
        Err(_) => JsonVerdict::NotJson,
        Ok(true) => JsonVerdict::DuplicateKey,
        Ok(false) if deserializer.end().is_err() => JsonVerdict::TrailingContent,
        Ok(false) => JsonVerdict::Strict,
    }
}

/// Whether a value, read whole, holds an object that gives a key twice.
struct HasDuplicate;

impl<'de> serde::de::DeserializeSeed<'de> for HasDuplicate {
    type Value = bool;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for HasDuplicate {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(inner) = seq.next_element_seed(HasDuplicate)? {
            found |= inner;
        }
        Ok(found)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut keys = Vec::new();
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            keys.push(key);
            found |= map.next_value_seed(HasDuplicate)?;
        }
        keys.sort_unstable();
        Ok(found || keys.windows(2).any(|pair| pair[0] == pair[1]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdicts() {
        assert_eq!(
            json_verdict(r#" {"a": [1, {"b": 2}]} "#),
            JsonVerdict::Strict
        );
        assert_eq!(
            json_verdict(r#"{"a": 1, "a": 1}"#),
            JsonVerdict::DuplicateKey
        );
        assert_eq!(
            json_verdict(r#"[{"b": {"a": 1, "c": 2, "a": 3}}]"#),
            JsonVerdict::DuplicateKey
        );
        assert_eq!(json_verdict(r#"{"a": 1} 2"#), JsonVerdict::TrailingContent);
        assert_eq!(json_verdict(r#"{"a": "#), JsonVerdict::NotJson);
    }
}
