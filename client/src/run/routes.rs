//! The HTTP routes of a run, whichever gateway delivers the request: `POST
//! /graphs/{graph_id}/stop` and `POST /projects/{project_id}/graphs/{graph_id}/stop` for
//! one graph, `POST /fleet/stop` whose body says which graphs, and `POST /reconcile`.
//! The ids come from the path parameters `graph_id` and `project_id` when the gateway's
//! route template gives them; else from the last segments of the raw path, so that a
//! stage prefix (`/prod/...`) or a custom domain's base path in front of the route
//! changes nothing. A leaf: a front door reads its envelope, and asks here what the path
//! means.

use std::collections::HashMap;

/// The one method every route takes.
pub const METHOD: &str = "POST";

/// What a request's route names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    /// One graph, named by the path.
    Graph(GraphRoute<'a>),
    /// `POST /fleet/stop`: the body says which graphs.
    Fleet,
    /// `POST /reconcile`: the scheduled graphs; the body, optional, gives the options.
    Reconcile,
}

/// The ids a one-graph route names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphRoute<'a> {
    /// The graph's id, as the path gives it (not yet checked).
    pub graph_id: &'a str,
    /// The project's id, when the path names one (not yet checked).
    pub project_id: Option<&'a str>,
}

/// The route: from the path parameters when the gateway's template gives `graph_id`,
/// else from the path's last segments, `.../graphs/{graph_id}/stop` optionally after
/// `projects/{project_id}`, or `.../fleet/stop`. Whatever comes before (a stage, a base path)
/// is ignored.
pub fn route<'a>(
    parameters: &'a HashMap<String, String>,
    path: Option<&'a str>,
) -> Option<Route<'a>> {
    if let Some(graph_id) = parameters.get("graph_id") {
        return Some(Route::Graph(GraphRoute {
            graph_id,
            project_id: parameters.get("project_id").map(String::as_str),
        }));
    }
    let segments: Vec<&str> = path?.split('/').collect();
    match segments.as_slice() {
        [.., "projects", project_id, "graphs", graph_id, "stop"] => {
            Some(Route::Graph(GraphRoute {
                graph_id,
                project_id: Some(*project_id),
            }))
        }
        [.., "graphs", graph_id, "stop"] => Some(Route::Graph(GraphRoute {
            graph_id,
            project_id: None,
        })),
        [.., "fleet", "stop"] => Some(Route::Fleet),
        [.., "reconcile"] => Some(Route::Reconcile),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph_of(path: &str) -> Option<(String, Option<String>)> {
        match route(&HashMap::new(), Some(path))? {
            Route::Graph(route) => Some((
                route.graph_id.to_owned(),
                route.project_id.map(str::to_owned),
            )),
            _ => None,
        }
    }

    #[test]
    fn the_last_segments_name_the_route_whatever_comes_before() {
        assert_eq!(graph_of("/graphs/g-1/stop"), Some(("g-1".to_owned(), None)));
        assert_eq!(
            graph_of("/prod/projects/p1/graphs/g-1/stop"),
            Some(("g-1".to_owned(), Some("p1".to_owned())))
        );
        assert!(matches!(
            route(&HashMap::new(), Some("/base/fleet/stop")),
            Some(Route::Fleet)
        ));
        assert!(matches!(
            route(&HashMap::new(), Some("/reconcile")),
            Some(Route::Reconcile)
        ));
        assert!(route(&HashMap::new(), Some("/graphs/g-1/start")).is_none());
        assert!(route(&HashMap::new(), None).is_none());
    }

    #[test]
    fn the_gateways_path_parameters_win_over_the_path() {
        let parameters = HashMap::from([
            ("graph_id".to_owned(), "g-2".to_owned()),
            ("project_id".to_owned(), "p2".to_owned()),
        ]);
        let Some(Route::Graph(route)) = route(&parameters, Some("/anything")) else {
            panic!("no graph route");
        };
        assert_eq!((route.graph_id, route.project_id), ("g-2", Some("p2")));
    }
}
