//! What a deployment's schedules are and how graphs are tied to them, read once at
//! start-up: what the reconcile, the tag values' resolution and `ges-stop savings` all
//! read.

use std::fmt;
use std::str::FromStr;

use jiff::SignedDuration;

use crate::config::ConfigError;
use crate::config::env::vars;
use crate::schedule::Schedules;

/// What a deployment's schedules are, and how graphs are tied to them: read once, at
/// start-up.
#[derive(Debug, Clone)]
pub struct Scheduling {
    /// The schedules document, when one is configured.
    pub schedules: Option<Schedules>,
    /// What a compact schedule in a tag may do (`GES_TAG_SCHEDULES`).
    pub tag_schedules: TagSchedules,
    /// The tag key that names a graph's schedule.
    pub schedule_tag: String,
    /// The tag key that keeps a graph out until a date or time.
    pub skip_until_tag: String,
    /// How long after a boundary a run acts on it.
    pub window: SignedDuration,
    /// How late Cloud Eye's request counts arrive: idle and busy checks read windows
    /// that end this long before the reconcile's instant.
    pub ces_delay: SignedDuration,
}

/// What a compact schedule in a tag may do (`GES_TAG_SCHEDULES`). Whoever may tag a graph
/// may write one, so starting a billed graph needs the operator's word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TagSchedules {
    /// Tags name document schedules only.
    Off,
    /// Compact schedules without `start_` apply: they stop graphs, never start them.
    #[default]
    Stop,
    /// Compact schedules apply, `start_` ones included.
    Start,
}

impl TagSchedules {
    /// The word that sets it.
    pub fn as_str(self) -> &'static str {
        match self {
            TagSchedules::Off => "off",
            TagSchedules::Stop => "stop",
            TagSchedules::Start => "start",
        }
    }
}

impl TagSchedules {
    /// Reads `GES_TAG_SCHEDULES`'s value, trimmed: unset or blank is the default, `stop`.
    pub fn read(value: Option<&str>) -> Result<Self, ConfigError> {
        match value.map(str::trim).filter(|value| !value.is_empty()) {
            None => Ok(Self::default()),
            Some(value) => value.parse().map_err(|()| ConfigError::TagSchedules {
                variable: vars::TAG_SCHEDULES,
                value: value.chars().take(40).collect(),
            }),
        }
    }
}

impl FromStr for TagSchedules {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        match text {
            "off" => Ok(TagSchedules::Off),
            "stop" => Ok(TagSchedules::Stop),
            "start" => Ok(TagSchedules::Start),
            _ => Err(()),
        }
    }
}

impl fmt::Display for TagSchedules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
