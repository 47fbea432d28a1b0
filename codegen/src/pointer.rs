//! JSON pointers (RFC 6901) into the spec, the way every problem names its place.

use std::fmt;

/// A place in the spec, written as a URI fragment: `#/paths/~1v2~1graphs/get`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pointer(String);

impl Pointer {
    /// The whole document.
    pub(crate) fn root() -> Self {
        Self("#".to_owned())
    }

    /// The place one key or index further down. `~` and `/` in the key are escaped, as
    /// RFC 6901 requires, so a path template stays one segment.
    pub(crate) fn push(&self, segment: impl fmt::Display) -> Self {
        let segment = segment.to_string().replace('~', "~0").replace('/', "~1");
        Self(format!("{}/{segment}", self.0))
    }

    /// The place one level up; the root is its own parent.
    pub(crate) fn parent(&self) -> Self {
        match self.0.rfind('/') {
            Some(end) => Self(self.0[..end].to_owned()),
            None => self.clone(),
        }
    }

    /// The pointer without its leading `#`, as `serde_json::Value::pointer` wants it.
    pub(crate) fn as_json_pointer(&self) -> &str {
        &self.0[1..]
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Undoes RFC 6901 escaping in one segment of a `$ref`.
pub(crate) fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_escaped() {
        let pointer = Pointer::root().push("paths").push("/v2/{id}~x").push("get");
        assert_eq!(pointer.to_string(), "#/paths/~1v2~1{id}~0x/get");
        assert_eq!(pointer.as_json_pointer(), "/paths/~1v2~1{id}~0x/get");
        assert_eq!(unescape("~1v2~0x"), "/v2~x");
    }
}
