//! What a deployment allows, whoever invokes it: the graph and project allow-lists and the
//! tag that keeps a graph out of every selection. Checked before anything is sent.

use std::collections::BTreeSet;
use std::fmt;

use ges_api::types::{GraphId, ProjectId, Tag};

/// The tag that keeps a graph out of every selection unless configured.
pub const DEFAULT_OPT_OUT_TAG: &str = "ges-stop:skip=true";

/// The allow-lists and the opt-out tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The only graphs that may be stopped; `None` means any.
    pub allowed_graphs: Option<BTreeSet<GraphId>>,
    /// The only projects that may be acted in; `None` means any.
    pub allowed_projects: Option<BTreeSet<ProjectId>>,
    /// The tag that keeps a graph out of every selection.
    pub opt_out_tag: OptOutTag,
}

impl Policy {
    /// Whether the allow-list lets the function act in this project.
    pub fn allows_project(&self, project_id: &ProjectId) -> bool {
        self.allowed_projects
            .as_ref()
            .is_none_or(|allowed| allowed.contains(project_id))
    }

    /// Whether the allow-lists let the function stop this graph in this project.
    pub fn allows(&self, project_id: &ProjectId, graph_id: &GraphId) -> bool {
        self.allows_project(project_id)
            && self
                .allowed_graphs
                .as_ref()
                .is_none_or(|allowed| allowed.contains(graph_id))
    }

    /// Whether neither allow-list is set: any graph the credentials can stop may be.
    pub fn allows_any(&self) -> bool {
        self.allowed_graphs.is_none() && self.allowed_projects.is_none()
    }
}

/// A tag, `key=value`, that a graph opts out of fleet selections with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptOutTag {
    key: String,
    value: String,
}

impl OptOutTag {
    /// Whether a graph with these tags carries it (a tag without a value has the empty
    /// value).
    pub fn is_on(&self, tags: &[Tag]) -> bool {
        tags.iter().any(|tag| {
            tag.key == self.key && tag.value.as_deref().unwrap_or_default() == self.value
        })
    }
}

impl fmt::Display for OptOutTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

impl std::str::FromStr for OptOutTag {
    type Err = ();

    /// `key=value`: the key is everything before the first `=`, and may not be empty.
    fn from_str(text: &str) -> Result<Self, ()> {
        match text.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => Ok(Self {
                key: key.trim().to_owned(),
                value: value.trim().to_owned(),
            }),
            _ => Err(()),
        }
    }
}
