//! Fleet selectors: which graphs an event (or the configuration) means by name pattern
//! and tags, rather than by ID.
//!
//! `{"name": "dev-*", "tags": {"env": "dev"}, "project_id": "P", "region": "cn-north-4"}`
//! selects every graph of that project whose name matches the pattern and that carries
//! every tag listed with a matching value. Patterns know `*` (any run of characters,
//! none included) and `?` (one character) and nothing else, and are case-sensitive, as
//! GES names and tags are. A selector must say `name` or `tags`: `{"name": "*"}` is how
//! to mean every graph, so that an empty object cannot mean it by accident.
//!
//! Read by hand, like the direct shape, so that each refusal names its field.

use std::fmt;

use ges_api::types::{ProjectId, Tag};
use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::{Map, Value};
use wildmatch::WildMatch;

use crate::config::endpoint::Region;
use crate::input::{Excerpt, JsonKind};

/// The most selectors one event or configuration may hold.
pub const MAX_SELECTORS: usize = 10;
/// The most tags one selector may require.
pub const MAX_TAGS: usize = 20;
/// The longest pattern, in characters: GES names and tag values are far shorter.
pub const MAX_PATTERN_CHARS: usize = 255;

/// The fields of a selector.
const FIELDS: [&str; 4] = ["name", "tags", "project_id", "region"];
const ACCEPTED: &str = "\"name\", \"tags\", \"project_id\" and \"region\"";

/// Which graphs to act on, by name pattern and tags, in one project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// The pattern the graph's name must match, if any.
    pub name: Option<Pattern>,
    /// Tags the graph must carry: each key exactly, its value matching the pattern.
    pub tags: Vec<(String, Pattern)>,
    /// The project, when the selector names one; else the event's, else the default.
    pub project_id: Option<ProjectId>,
    /// The region, when the selector names one; else the configured one.
    pub region: Option<Region>,
}

/// A name or tag-value pattern: `*` and `?` wildcards, case-sensitive.
#[derive(Clone)]
pub struct Pattern {
    text: Box<str>,
    matcher: WildMatch,
}

impl Pattern {
    fn new(text: &str) -> Self {
        Self {
            text: text.into(),
            matcher: WildMatch::new(text),
        }
    }

    /// Whether `value` matches.
    pub fn matches(&self, value: &str) -> bool {
        self.matcher.matches(value)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Pattern {}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl Selector {
    /// A selector from parts already typed (the command line's flags), held to the
    /// rules an event's selector is: a name or tags, the patterns' and the tags' bounds.
    pub fn new(
        name: Option<&str>,
        tags: &[(String, String)],
        project_id: Option<ProjectId>,
        region: Option<Region>,
    ) -> Result<Self, SelectorError> {
        let name = name
            .map(|text| pattern_text(text, "\"name\""))
            .transpose()?;
        if tags.len() > MAX_TAGS {
            return Err(SelectorError::TooManyTags { count: tags.len() });
        }
        let tags = tags
            .iter()
            .map(|(key, value)| tag(key, value.as_str(), pattern_text))
            .collect::<Result<Vec<_>, _>>()?;
        if name.is_none() && tags.is_empty() {
            return Err(SelectorError::NoCriteria);
        }
        Ok(Self {
            name,
            tags,
            project_id,
            region,
        })
    }

    /// Whether a graph with this name and these tags is selected. A tag without a
    /// value counts as the empty value.
    pub fn matches(&self, name: &str, tags: &[Tag]) -> bool {
        self.name
            .as_ref()
            .is_none_or(|pattern| pattern.matches(name))
            && self.tags.iter().all(|(key, pattern)| {
                tags.iter().any(|tag| {
                    tag.key == *key && pattern.matches(tag.value.as_deref().unwrap_or_default())
                })
            })
    }
}

/// As the answer echoes it: the fields given, in the event's spelling.
impl Serialize for Selector {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(name) = &self.name {
            map.serialize_entry("name", name.as_str())?;
        }
        if !self.tags.is_empty() {
            let tags: Map<String, Value> = self
                .tags
                .iter()
                .map(|(key, value)| (key.clone(), Value::from(value.as_str())))
                .collect();
            map.serialize_entry("tags", &tags)?;
        }
        if let Some(project_id) = &self.project_id {
            map.serialize_entry("project_id", project_id)?;
        }
        if let Some(region) = &self.region {
            map.serialize_entry("region", region.name())?;
        }
        map.end()
    }
}

/// What is wrong with a selector. The caller says where the selector is.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SelectorError {
    /// Not a JSON object.
    #[error("must be an object such as {{\"name\": \"dev-*\"}}, not {found}")]
    NotAnObject {
        /// The JSON type received.
        found: JsonKind,
    },
    /// A field a selector does not define.
    #[error("has the unknown field {field}; a selector accepts {ACCEPTED}")]
    UnknownField {
        /// The field's name, cut.
        field: Excerpt,
    },
    /// Neither `name` nor `tags`.
    #[error(
        "says neither \"name\" nor \"tags\"; give at least one (\"name\": \"*\" selects \
         every graph of the project)"
    )]
    NoCriteria,
    /// A field of the wrong JSON type, or empty where a value is required.
    #[error("{field} must be {expected}, not {found}")]
    WrongType {
        /// The field, quoted, such as `"name"`, or the tag `"env"` in `"tags"`.
        field: Box<str>,
        /// What it must be.
        expected: &'static str,
        /// What it is.
        found: JsonKind,
    },
    /// A pattern longer than [`MAX_PATTERN_CHARS`].
    #[error("{field} is {chars} characters long; a pattern may have at most {MAX_PATTERN_CHARS}")]
    PatternTooLong {
        /// The field.
        field: Box<str>,
        /// Its length.
        chars: usize,
    },
    /// An empty tag key.
    #[error("\"tags\" has an empty key; name the tag")]
    EmptyTagKey,
    /// More tags than [`MAX_TAGS`].
    #[error("\"tags\" lists {count} tags; a selector may require at most {MAX_TAGS}")]
    TooManyTags {
        /// How many.
        count: usize,
    },
    /// A project ID that breaks the id rules.
    #[error("\"project_id\": {0}")]
    InvalidProjectId(Box<ges_api::runtime::ConstraintViolation>),
    /// A region GES has no known endpoint for.
    #[error(
        "\"region\" {region} is not a GES region this function knows; use one of {}",
        crate::config::endpoint::known_regions()
    )]
    UnknownRegion {
        /// The region given, cut.
        region: Excerpt,
    },
}

/// Reads one selector.
pub fn parse(value: &Value) -> Result<Selector, SelectorError> {
    let Value::Object(object) = value else {
        return Err(SelectorError::NotAnObject {
            found: JsonKind::of(value),
        });
    };
    if let Some(unknown) = object.keys().find(|key| !FIELDS.contains(&key.as_str())) {
        return Err(SelectorError::UnknownField {
            field: Excerpt::of(unknown),
        });
    }
    let name = object
        .get("name")
        .map(|value| pattern(value, "\"name\""))
        .transpose()?;
    let tags = match object.get("tags") {
        None => Vec::new(),
        Some(value) => tags(value)?,
    };
    if name.is_none() && tags.is_empty() {
        return Err(SelectorError::NoCriteria);
    }
    let project_id = object
        .get("project_id")
        .map(|value| {
            let text = non_empty_string(value, "\"project_id\"")?;
            ProjectId::try_from(text)
                .map_err(|violation| SelectorError::InvalidProjectId(Box::new(violation)))
        })
        .transpose()?;
    let region = object
        .get("region")
        .map(|value| {
            let text = non_empty_string(value, "\"region\"")?;
            text.parse::<Region>()
                .map_err(|_| SelectorError::UnknownRegion {
                    region: Excerpt::of(text),
                })
        })
        .transpose()?;
    Ok(Selector {
        name,
        tags,
        project_id,
        region,
    })
}

fn tags(value: &Value) -> Result<Vec<(String, Pattern)>, SelectorError> {
    let Value::Object(tags) = value else {
        return Err(SelectorError::WrongType {
            field: "\"tags\"".into(),
            expected: "an object of tag keys and value patterns, such as {\"env\": \"dev\"}",
            found: JsonKind::of(value),
        });
    };
    if tags.is_empty() {
        return Err(SelectorError::WrongType {
            field: "\"tags\"".into(),
            expected: "an object with at least one tag",
            found: JsonKind::Object,
        });
    }
    if tags.len() > MAX_TAGS {
        return Err(SelectorError::TooManyTags { count: tags.len() });
    }
    tags.iter()
        .map(|(key, value)| tag(key, value, pattern))
        .collect()
}

/// A pattern; the empty string is one (it matches an empty tag value).
fn pattern(value: &Value, field: &str) -> Result<Pattern, SelectorError> {
    let Value::String(text) = value else {
        return Err(SelectorError::WrongType {
            field: field.into(),
            expected: "a string pattern",
            found: JsonKind::of(value),
        });
    };
    pattern_text(text, field)
}

/// A pattern from its text, within [`MAX_PATTERN_CHARS`].
fn pattern_text(text: &str, field: &str) -> Result<Pattern, SelectorError> {
    let chars = text.chars().count();
    if chars > MAX_PATTERN_CHARS {
        return Err(SelectorError::PatternTooLong {
            field: field.into(),
            chars,
        });
    }
    Ok(Pattern::new(text))
}

/// A tag's key, checked, and the value's pattern from `value`.
fn tag<V: ?Sized>(
    key: &str,
    value: &V,
    pattern: impl Fn(&V, &str) -> Result<Pattern, SelectorError>,
) -> Result<(String, Pattern), SelectorError> {
    if key.is_empty() {
        return Err(SelectorError::EmptyTagKey);
    }
    if key.chars().count() > MAX_PATTERN_CHARS {
        return Err(SelectorError::PatternTooLong {
            field: "a key in \"tags\"".into(),
            chars: key.chars().count(),
        });
    }
    let field = format!("the tag {} in \"tags\"", Excerpt::of(key));
    Ok((key.to_owned(), pattern(value, &field)?))
}

fn non_empty_string<'a>(value: &'a Value, field: &str) -> Result<&'a str, SelectorError> {
    match value {
        Value::String(text) if !text.is_empty() => Ok(text),
        other => Err(SelectorError::WrongType {
            field: field.into(),
            expected: "a non-empty string",
            found: match other {
                Value::String(_) => JsonKind::EmptyString,
                other => JsonKind::of(other),
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn tag(key: &str, value: Option<&str>) -> Tag {
        Tag {
            key: key.to_owned(),
            value: value.map(str::to_owned),
        }
    }

    #[test]
    fn name_and_tags_must_all_match() {
        let selector =
            parse(&json!({"name": "dev-*", "tags": {"env": "dev", "team": "d?ta"}})).unwrap();
        let tags = [tag("env", Some("dev")), tag("team", Some("data"))];
        assert!(selector.matches("dev-orders", &tags));
        assert!(!selector.matches("prod-orders", &tags));
        assert!(!selector.matches("Dev-orders", &tags), "case-sensitive");
        assert!(!selector.matches("dev-orders", &tags[..1]), "a missing tag");
        assert!(!selector.matches(
            "dev-orders",
            &[tag("env", Some("dev")), tag("team", Some("data-eng"))]
        ));
    }

    #[test]
    fn an_empty_pattern_matches_a_tag_without_a_value() {
        let selector = parse(&json!({"tags": {"keep": ""}})).unwrap();
        assert!(selector.matches("g", &[tag("keep", None)]));
        assert!(selector.matches("g", &[tag("keep", Some(""))]));
        assert!(!selector.matches("g", &[tag("keep", Some("x"))]));
        assert!(!selector.matches("g", &[]));
    }

    #[test]
    fn every_graph_must_be_asked_for() {
        assert!(matches!(parse(&json!({})), Err(SelectorError::NoCriteria)));
        assert!(matches!(
            parse(&json!({"project_id": "p1"})),
            Err(SelectorError::NoCriteria)
        ));
        let all = parse(&json!({"name": "*"})).unwrap();
        assert!(all.matches("anything", &[]));
        assert!(all.matches("", &[]));
    }

    #[test]
    fn refusals_name_the_field() {
        let cases = [
            (json!([]), "must be an object"),
            (json!({"nmae": "x"}), "unknown field \"nmae\""),
            (
                json!({"name": 3}),
                "\"name\" must be a string pattern, not a number",
            ),
            (
                json!({"tags": []}),
                "\"tags\" must be an object of tag keys",
            ),
            (json!({"tags": {}}), "at least one tag"),
            (json!({"tags": {"": "x"}}), "empty key"),
            (
                json!({"tags": {"env": true}}),
                "the tag \"env\" in \"tags\" must be a string",
            ),
            (
                json!({"name": "*", "project_id": ""}),
                "must be a non-empty string, not an empty string",
            ),
            (
                json!({"name": "*", "project_id": "../x"}),
                "\"project_id\": ",
            ),
            (
                json!({"name": "*", "region": "mars-1"}),
                "\"mars-1\" is not a GES region",
            ),
            (json!({"name": "x".repeat(300)}), "300 characters long"),
        ];
        for (value, expected) in cases {
            let message = parse(&value).unwrap_err().to_string();
            assert!(message.contains(expected), "{value}: {message}");
            assert!(message.len() < 400, "{message}");
        }
        let many: Map<String, Value> = (0..=MAX_TAGS)
            .map(|i| (format!("k{i}"), json!("v")))
            .collect();
        assert!(matches!(
            parse(&json!({"tags": many})),
            Err(SelectorError::TooManyTags { count: 21 })
        ));
    }

    #[test]
    fn the_answer_echoes_what_was_given() {
        let value = json!({"name": "dev-*", "tags": {"env": "dev"}, "project_id": "p1", "region": "cn-north-4"});
        assert_eq!(serde_json::to_value(parse(&value).unwrap()).unwrap(), value);
        let value = json!({"tags": {"env": "dev"}});
        assert_eq!(serde_json::to_value(parse(&value).unwrap()).unwrap(), value);
    }
}
