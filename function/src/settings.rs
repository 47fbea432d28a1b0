//! What the Lambda function adds to the configuration: the graphs a classic schedule
//! stops, the allow-lists, how many stops run at once and how long to wait for jobs.
//! Read and checked once, at start-up, like [`Config`](crate::config::Config).

use std::collections::BTreeSet;
use std::str::FromStr;
use std::time::Duration;

use ges_api::runtime::ConstraintViolation;
use ges_api::types::{GraphId, ProjectId};

use crate::config::{ConfigError, Vars, vars};

/// How many stops run at once unless configured: enough to stop a fleet in a few
/// round trips, few enough not to trip GES's throttling.
pub const DEFAULT_MAX_CONCURRENCY: usize = 8;
/// The most stops at once the configuration may ask for.
pub const MAX_CONCURRENCY: usize = 64;
/// How long `wait` waits for a stop job when the runtime gives no usable deadline.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(60);

/// The function's own settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// What a classic scheduled event, which names no graph, stops.
    pub default_graphs: Vec<GraphId>,
    /// The only graphs that may be stopped; `None` means any.
    pub allowed_graphs: Option<BTreeSet<GraphId>>,
    /// The only projects that may be acted in; `None` means any.
    pub allowed_projects: Option<BTreeSet<ProjectId>>,
    /// How many graphs one invocation stops at once.
    pub max_concurrency: usize,
    /// How long `wait` may take when the invocation's deadline is unknown.
    pub wait_timeout: Duration,
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup`; see [`Config::from_lookup`](crate::config::Config::from_lookup).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Vars(lookup);
        let default_graphs = id_list::<GraphId, _>(&env, vars::GRAPH_IDS)?.unwrap_or_default();
        let allowed_graphs =
            id_list::<GraphId, _>(&env, vars::ALLOWED_GRAPH_IDS)?.map(BTreeSet::from_iter);
        let allowed_projects =
            id_list::<ProjectId, _>(&env, vars::ALLOWED_PROJECT_IDS)?.map(BTreeSet::from_iter);
        let max_concurrency = match env.get(vars::MAX_CONCURRENCY) {
            None => DEFAULT_MAX_CONCURRENCY,
            Some(value) => match value.parse::<usize>() {
                Ok(count) if (1..=MAX_CONCURRENCY).contains(&count) => count,
                _ => {
                    return Err(ConfigError::Count {
                        variable: vars::MAX_CONCURRENCY,
                        value: value.chars().take(40).collect(),
                        max: MAX_CONCURRENCY,
                    });
                }
            },
        };
        let wait_timeout = env
            .seconds(vars::WAIT_TIMEOUT)?
            .unwrap_or(DEFAULT_WAIT_TIMEOUT);
        Ok(Self {
            default_graphs,
            allowed_graphs,
            allowed_projects,
            max_concurrency,
            wait_timeout,
        })
    }

    /// Whether the allow-lists let the function stop this graph in this project.
    pub fn allows(&self, project_id: &ProjectId, graph_id: &GraphId) -> bool {
        self.allowed_projects
            .as_ref()
            .is_none_or(|allowed| allowed.contains(project_id))
            && self
                .allowed_graphs
                .as_ref()
                .is_none_or(|allowed| allowed.contains(graph_id))
    }
}

/// A comma-separated list of IDs, each checked; duplicates collapsed, order kept.
fn id_list<T, F>(env: &Vars<F>, variable: &'static str) -> Result<Option<Vec<T>>, ConfigError>
where
    T: FromStr<Err = ConstraintViolation> + PartialEq,
    F: Fn(&str) -> Option<String>,
{
    let Some(list) = env.get(variable) else {
        return Ok(None);
    };
    let mut ids: Vec<T> = Vec::new();
    for (index, item) in list.split(',').map(str::trim).enumerate() {
        if item.is_empty() {
            continue;
        }
        let id = item.parse::<T>().map_err(|source| ConfigError::IdList {
            variable,
            position: index + 1,
            source,
        })?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(Some(ids))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    fn graph(id: &str) -> GraphId {
        id.parse().unwrap()
    }

    #[test]
    fn defaults_allow_everything_and_name_no_graph() {
        let settings = settings(&[]).unwrap();
        assert!(settings.default_graphs.is_empty());
        assert_eq!(settings.max_concurrency, DEFAULT_MAX_CONCURRENCY);
        assert_eq!(settings.wait_timeout, DEFAULT_WAIT_TIMEOUT);
        assert!(settings.allows(&"p1".parse().unwrap(), &graph("anything")));
    }

    #[test]
    fn lists_are_trimmed_deduplicated_and_checked() {
        let settings = settings(&[
            (vars::GRAPH_IDS, " g-1, g-2 ,,g-1 "),
            (vars::ALLOWED_GRAPH_IDS, "g-1"),
            (vars::ALLOWED_PROJECT_IDS, "p1,p2"),
        ])
        .unwrap();
        assert_eq!(settings.default_graphs, vec![graph("g-1"), graph("g-2")]);
        let p1 = "p1".parse().unwrap();
        let p3 = "p3".parse().unwrap();
        assert!(settings.allows(&p1, &graph("g-1")));
        assert!(!settings.allows(&p1, &graph("g-2")));
        assert!(!settings.allows(&p3, &graph("g-1")));

        let err = self::settings(&[(vars::GRAPH_IDS, "g-1,../etc")]).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("GES_GRAPH_IDS, entry 2: "), "{message}");
    }

    #[test]
    fn an_empty_allow_list_allows_nothing() {
        // Set but holding only separators: the operator meant a list, and an empty
        // list must not silently mean "everything".
        let settings = settings(&[(vars::ALLOWED_GRAPH_IDS, " , ")]).unwrap();
        assert!(!settings.allows(&"p1".parse().unwrap(), &graph("g-1")));
    }

    #[test]
    fn concurrency_and_wait_are_bounded() {
        assert_eq!(
            settings(&[(vars::MAX_CONCURRENCY, "3")])
                .unwrap()
                .max_concurrency,
            3
        );
        for bad in ["0", "65", "-1", "many"] {
            let err = settings(&[(vars::MAX_CONCURRENCY, bad)]).unwrap_err();
            assert!(err.to_string().contains(vars::MAX_CONCURRENCY), "{err}");
        }
        assert_eq!(
            settings(&[(vars::WAIT_TIMEOUT, "2.5")])
                .unwrap()
                .wait_timeout,
            Duration::from_millis(2500)
        );
        assert!(settings(&[(vars::WAIT_TIMEOUT, "0")]).is_err());
    }
}
