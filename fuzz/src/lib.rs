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

/// The fields the contracts mark `x-sensitive` (openapi/iam.yaml, openapi/sts.yaml): a
/// password, a secret key, a security token, an ID token. Written here from the
/// contracts, not read from the generated types.
pub const SENSITIVE_FIELDS: &[&str] = &[
    "password",
    "secret_access_key",
    "security_token",
    "id_token",
];

/// The header a contract marks `x-sensitive`: IAM's token.
pub const SENSITIVE_HEADER: &str = "x-subject-token";

/// Fields in which a service's own words may repeat what it was sent (an STS
/// `error_msg` that quotes the ID token it refused).
pub const ECHOING_FIELDS: &[&str] = &["error_msg", "message"];

/// The value planted in sensitive fields: no message may hold it.
pub const MARKER: &str = "zqSENSITIVEmarker7";

/// `body` with [`MARKER`] as the value of every string field named in `fields`, at any
/// depth; `None` when the body is not JSON or has no such field.
pub fn plant(body: &[u8], fields: &[&str]) -> Option<Vec<u8>> {
    fn walk(value: &mut serde_json::Value, fields: &[&str], planted: &mut bool, depth: usize) {
        // As deep as serde_json parses (its recursion limit is 128).
        if depth > 128 {
            return;
        }
        match value {
            serde_json::Value::Object(object) => {
                for (key, value) in object.iter_mut() {
                    if fields.contains(&key.as_str()) && value.is_string() {
                        *value = serde_json::Value::String(MARKER.to_owned());
                        *planted = true;
                    } else {
                        walk(value, fields, planted, depth + 1);
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    walk(item, fields, planted, depth + 1);
                }
            }
            _ => {}
        }
    }
    let mut value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut planted = false;
    walk(&mut value, fields, &mut planted, 0);
    planted.then(|| serde_json::to_vec(&value).ok()).flatten()
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
