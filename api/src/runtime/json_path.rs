//! Where in a JSON document serde_json stopped: the field path to the byte it reported.
//!
//! Answers are decoded with plain serde: wrapping every generated type in
//! serde_path_to_error's tracking cost the Lambda binary some 46 KB (BENCHMARKS.md), for
//! a path that only a failed decode shows. serde_json's error carries its line and
//! column; walking the body up to there gives the same path, which a test
//! (api/tests/answer_paths.rs) holds to serde_path_to_error's on the generated types.

/// One step of a path: a field of an object, or an element of an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    /// An object's member, by its key as written (escapes undone only for `\"` and `\\`).
    Key(String),
    /// An array's element, counted from 0.
    Index(usize),
}

/// serde_json's recursion limit: no document it reads nests deeper.
const MAX_DEPTH: usize = 128;

enum Frame {
    Object { key: Option<String> },
    Array { index: usize },
}

/// The path to where serde_json stopped in `body` (its 1-based `line`, and `column`,
/// the bytes of that line it had read). It reports a value it could not take just
/// after (or, for a wrong kind, at the start of) that value, and a missing field just
/// after its object's `}`: either way the path is the one a tracking deserializer gives.
pub(crate) fn path_at(body: &[u8], line: usize, column: usize) -> Vec<Segment> {
    let end = offset(body, line, column);
    let mut frames: Vec<Frame> = Vec::new();
    let mut deeper = 0_usize;
    let mut index = 0;
    // Whether the last byte read opened an object or array: serde_json reports a value
    // of the wrong kind (an array for a string) just past its first byte, and the path
    // is then the value's, not its first element's.
    let mut just_opened = false;
    while index < end {
        just_opened = matches!(body[index], b'{' | b'[');
        match body[index] {
            b'"' => {
                let (text, next, closed) = string_at(body, index + 1, end);
                index = next;
                // A key serde_json stopped inside is not yet part of the path.
                if closed
                    && deeper == 0
                    && let Some(Frame::Object { key }) = frames.last_mut()
                    && key.is_none()
                {
                    *key = Some(text);
                }
                continue;
            }
            open @ (b'{' | b'[') => {
                if frames.len() < MAX_DEPTH {
                    frames.push(if open == b'{' {
                        Frame::Object { key: None }
                    } else {
                        Frame::Array { index: 0 }
                    });
                } else {
                    deeper += 1;
                }
            }
            b'}' | b']' => {
                if deeper > 0 {
                    deeper -= 1;
                } else {
                    frames.pop();
                }
            }
            b',' if deeper == 0 => match frames.last_mut() {
                Some(Frame::Object { key }) => *key = None,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        index += 1;
    }
    if just_opened && deeper == 0 {
        frames.pop();
    }
    frames
        .into_iter()
        .filter_map(|frame| match frame {
            Frame::Object { key } => key.map(Segment::Key),
            Frame::Array { index } => Some(Segment::Index(index)),
        })
        .collect()
}

/// The byte offset of serde_json's line and column, within the body.
fn offset(body: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match body[start..].iter().position(|&b| b == b'\n') {
            Some(newline) => start += newline + 1,
            None => return body.len(),
        }
    }
    (start + column).min(body.len())
}

/// A string's text from just after its opening quote, where it ends (after its closing
/// quote, or `end`), and whether it was closed before `end`.
fn string_at(body: &[u8], mut index: usize, end: usize) -> (String, usize, bool) {
    let mut text = Vec::new();
    while index < end {
        match body[index] {
            b'"' => return (String::from_utf8_lossy(&text).into_owned(), index + 1, true),
            b'\\' if index + 1 < end => {
                let escaped = body[index + 1];
                text.extend_from_slice(match escaped {
                    b'"' => b"\"",
                    b'\\' => b"\\",
                    _ => &body[index..index + 2],
                });
                index += 2;
            }
            byte => {
                text.push(byte);
                index += 1;
            }
        }
    }
    (String::from_utf8_lossy(&text).into_owned(), end, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_never_runs_past_the_body_or_its_depth() {
        let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
        assert!(path_at(deep.as_bytes(), 1, 250).len() <= MAX_DEPTH);
        assert!(path_at(b"{\"a\": ", 9, 9).len() <= 1);
        assert_eq!(path_at(b"", 1, 0), Vec::new());
        assert_eq!(
            path_at(b"{\"a\": {\"b\": \"unterminated", 1, 99),
            vec![Segment::Key("a".to_owned()), Segment::Key("b".to_owned())]
        );
        // Found by the decode fuzz target: serde_json stopped inside a key of bytes that
        // are not UTF-8; that key is not in the path.
        assert_eq!(
            path_at(b"{\"credentials\": {\"access_k\xff\xff\xff", 1, 30),
            vec![Segment::Key("credentials".to_owned())]
        );
    }
}
