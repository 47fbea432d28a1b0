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
