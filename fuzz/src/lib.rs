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
