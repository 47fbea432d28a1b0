//! Fleet selection: the graphs of a project that selectors select, found by paging list
//! graphs to the end (GES filters by neither name nor tag), and what each one needs.
//!
//! Only a running graph (`200`) gets a stop call. A graph that is stopped or stopping
//! (`900`, `901`) is reported `already_stopped`, and one in any other status (importing,
//! faulty, frozen, ...) `skipped` with the reason, without a call: GES would refuse it.
//! A graph that carries the opt-out tag, that GES cannot stop ([`Unchangeable`]: the
//! database edition), or that the allow-list leaves out, is `skipped` too, whatever its
//! status.

pub(crate) mod policy;
pub(crate) mod regions;
pub mod selector;
mod unchangeable;

pub use policy::{DEFAULT_OPT_OUT_TAG, Policy};
pub use selector::{MAX_SELECTORS, Selector, SelectorError};
pub use unchangeable::Unchangeable;

use std::collections::HashSet;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use ges_api::types::{
    Graph, GraphId, GraphSizeTypeIndex, GraphStatus, ListGraphsRequest, ProjectId,
};
use tokio::time::Instant;

use crate::failure::FailureKind;
use crate::fleet::regions::{RegionError, Regions};
use crate::ges::client::{ClientError, ClientErrorKind, GesClient, Reply};
use crate::ges::error::{AfterAttempts, GesError};
use crate::ges::report::{GraphReport, GraphTarget, Outcome};
use crate::schedule::{Boundary, Desired};
use crate::transport::retry::Attempts;

/// Graphs asked for per page: one request per thousand graphs where GES allows it. The
/// API reference gives `limit` a default of 10 and documents no maximum, so a GES that
/// refuses this is asked again with its own default ([`PageSizes`]).
pub const PAGE_SIZE: i32 = 1000;
/// The most graphs read from one project: far more than a project holds, so that a
/// listing that never ends (a count that keeps growing) still ends, after at most this
/// many pages whatever their size; a first answer that counts more is refused at once.
pub const MAX_LISTED: usize = 10_000;
/// The most bytes of list answers one run reads, over all its pages and projects. A
/// page is at most [`MAX_RESPONSE_BYTES`](crate::ges::client::MAX_RESPONSE_BYTES), decoded
/// and dropped before the next; what the run keeps of it (names, tags and a report a
/// graph) and its answer come to some ten times its bytes at worst: graphs of nothing
/// but one-letter tags raised a dry run's peak by 81 MB for 8.0 MB listed (measured
/// in-process, the simulator's share included). So some 60 MB for 6 MiB, beside a
/// process of under 10 MB: within a 128 MB function, the template's smallest, with
/// room to spare.
pub const MAX_LISTING_BYTES: usize = 6 * 1024 * 1024;

/// The endpoints whose GES refused a page of [`PAGE_SIZE`] graphs, remembered while the
/// process lives (a warm Lambda function), so that only its first listing pays for the
/// refusal. Clones share what they learn.
#[derive(Debug, Clone, Default)]
pub struct PageSizes(Arc<Mutex<HashSet<String>>>);

impl PageSizes {
    /// The `limit` to ask `endpoint` for: ours, or GES's own default (none sent).
    fn limit(&self, endpoint: &str) -> Option<i32> {
        match self.0.lock() {
            Ok(refused) if refused.contains(endpoint) => None,
            _ => Some(PAGE_SIZE),
        }
    }

    fn refused(&self, endpoint: &str) {
        if let Ok(mut refused) = self.0.lock() {
            refused.insert(endpoint.to_owned());
        }
    }
}

/// A graph a run is to act on: which, what the selection knows of it, and what it needs.
/// A graph named by ID is one too, with no facts and always to be stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    /// The graph and its project.
    pub target: GraphTarget,
    /// What the selection adds to the graph's entry in the answer.
    pub facts: SelectionFacts,
    /// What it needs.
    pub action: Action,
}

/// What a selection knows of a graph beyond its stop: the answer's entry repeats it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectionFacts {
    /// The graph's name, as listed.
    pub name: Option<String>,
    /// The graph's tags as listed, key and value (`""` for a tag without one, as a
    /// selector reads it); none for a graph named by ID. Shown to whoever checks a
    /// selection (`ges-stop list`).
    pub tags: Option<Vec<(String, String)>>,
    /// The schedule the graph follows, in a reconcile.
    pub schedule: Option<ScheduleFacts>,
}

/// What a reconcile knows of a graph's schedule: the answer's `schedule`, `desired` and
/// `next_change`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleFacts {
    /// The schedule's name, as the graph's tag gives it (one that does not exist too).
    pub name: String,
    /// The state the schedule wants now, when the schedule exists.
    pub desired: Option<Desired>,
    /// The schedule's next change of state, if it ever changes.
    pub next_change: Option<Boundary>,
    /// Why the reconcile stops or starts the graph (the boundary it acts on), for the
    /// report of a call that needs no reason of its own.
    pub why: Option<String>,
    /// The graph's size as listed (`graph_size_type_index`), which prices its stopped
    /// time in the metrics.
    pub size: Option<GraphSizeTypeIndex>,
    /// Its replicas as listed ([`Graph::replicas`]), which multiply that price.
    pub replicas: Option<NonZeroU32>,
    /// Whether a calendar of its schedule gave this run nothing (so it starts no graph):
    /// what the `CalendarUnavailable` metric counts.
    pub calendar_unavailable: bool,
}

/// What a selected graph needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A running graph, or one named by ID: stop it (or, in a dry run, say whether a run
    /// would).
    Stop,
    /// A stopped graph whose schedule's period began: start it.
    Start,
    /// Nothing to send: the report says what it came to, and why.
    Settled(GraphReport),
}

impl Selected {
    /// A graph named by ID: to be stopped, with nothing known of it yet.
    pub fn named(target: GraphTarget) -> Self {
        Self {
            target,
            facts: SelectionFacts::default(),
            action: Action::Stop,
        }
    }
}

/// One project a run lists, through its region's endpoint, and the selectors that look
/// there: selectors that look in the same place share one listing.
#[derive(Debug)]
pub struct Scope<'a> {
    /// The client for the project's region.
    pub client: GesClient,
    /// The project.
    pub project_id: ProjectId,
    selectors: Vec<&'a Selector>,
}

/// Where each selector looks: its project (named, found in IAM for another region, or
/// `default_project`) through its region's endpoint. Every project must be allowed;
/// nothing is sent to GES here.
pub async fn scopes<'a>(
    selectors: &'a [Selector],
    home: &GesClient,
    regions: &Regions,
    default_project: Option<&ProjectId>,
    policy: &Policy,
) -> Result<Vec<Scope<'a>>, SelectError> {
    let mut scopes: Vec<Scope<'a>> = Vec::new();
    for selector in selectors {
        let other_region = regions.other(selector.region);
        let client = match other_region {
            Some(region) => home.with_endpoint(regions.endpoint(region)),
            None => home.clone(),
        };
        let project_id = match (&selector.project_id, other_region) {
            (Some(project_id), _) => project_id.clone(),
            (None, Some(region)) => regions.project(home, region).await?,
            (None, None) => default_project.cloned().ok_or(SelectError::NoProject)?,
        };
        if !policy.allows_project(&project_id) {
            return Err(SelectError::NotAllowed { project_id });
        }
        match scopes.iter_mut().find(|scope| {
            scope.project_id == project_id && scope.client.endpoint() == client.endpoint()
        }) {
            Some(scope) => scope.selectors.push(selector),
            None => scopes.push(Scope {
                client,
                project_id,
                selectors: vec![selector],
            }),
        }
    }
    Ok(scopes)
}

/// The scope of a run that names no selectors: the event's project, else the default
/// one, through the home endpoint. It must be allowed; nothing is sent to GES here.
pub fn home_scope<'a>(
    home: &GesClient,
    project_id: Option<&ProjectId>,
    policy: &Policy,
) -> Result<Scope<'a>, SelectError> {
    let project_id = project_id.cloned().ok_or(SelectError::NoProject)?;
    if !policy.allows_project(&project_id) {
        return Err(SelectError::NotAllowed { project_id });
    }
    Ok(Scope {
        client: home.clone(),
        project_id,
        selectors: Vec::new(),
    })
}

impl Scope<'_> {
    /// Whether any of the scope's selectors selects the graph (none, for a scope
    /// without selectors).
    pub fn selects(&self, graph: &Graph) -> bool {
        is_selected(self.selectors.iter().copied(), graph)
    }
}

/// Lists every scope's project and keeps the graphs that `decide` takes, each with the
/// client of its scope and what it needs; refuses more than `max_graphs` before any
/// call but the listings is sent. For selectors, `decide` is [`selectors_decide`].
///
/// Each page is decided as it comes and dropped: what a run keeps is what `decide`
/// took (a reconcile, the graphs tagged with a schedule; selectors, the graphs they
/// select), never the whole listing. The run's listings together read at most
/// [`MAX_LISTING_BYTES`] of answers.
pub async fn select<'a, T>(
    scopes: &'a [Scope<'a>],
    pages: &PageSizes,
    max_graphs: usize,
    deadline: Option<Instant>,
    decide: impl Fn(&Scope<'a>, &Graph) -> Option<T>,
) -> Result<Vec<(&'a GesClient, T)>, SelectError> {
    let mut selected = Vec::new();
    let mut bytes_left = MAX_LISTING_BYTES;
    for scope in scopes {
        let before = selected.len();
        let listed = list_graphs(
            &scope.client,
            &scope.project_id,
            pages,
            deadline,
            &mut bytes_left,
            |graph| {
                if let Some(decided) = decide(scope, graph) {
                    selected.push((&scope.client, decided));
                }
            },
        )
        .await?;
        tracing::info!(
            project_id = %scope.project_id,
            endpoint = %scope.client.endpoint(),
            listed,
            selected = selected.len() - before,
            "selection"
        );
    }
    if selected.len() > max_graphs {
        return Err(SelectError::TooManyGraphs {
            selected: selected.len(),
            max_graphs,
        });
    }
    Ok(selected)
}

/// What a fleet run decides for a listed graph: a graph the scope's selectors select is
/// [`classify`]d, the others are not part of the run.
pub fn selectors_decide<'p>(
    policy: &'p Policy,
    dry_run: bool,
) -> impl Fn(&Scope<'_>, &Graph) -> Option<Selected> + 'p {
    move |scope, graph| {
        scope
            .selects(graph)
            .then(|| classify(graph, &scope.project_id, policy, dry_run))
    }
}

/// Every graph of one project, in GES's order, each once, handed to `each` page by
/// page; the answer is how many there were. Pages are read until GES's `graph_count`
/// graphs were seen or a page comes back empty. Each page starts where the graphs
/// received so far end, whatever size GES chose to answer; a `400` to the first page's
/// `limit` of [`PAGE_SIZE`] is taken as GES refusing large pages, and the listing starts
/// again with its default.
///
/// A listing that does not end is refused ([`SelectError::Endless`]) as soon as it
/// shows: a first answer that counts more than [`MAX_LISTED`] graphs, a page that holds
/// no graph not listed before (a GES that ignores `offset`), or more pages than the
/// first answer's `graph_count` promised at that answer's page size, plus one for a
/// graph created meanwhile. The answers' bytes are taken from `bytes_left`, and a page
/// that finds too few left is refused ([`SelectError::ListingTooLarge`]).
pub async fn list_graphs(
    client: &GesClient,
    project_id: &ProjectId,
    pages: &PageSizes,
    deadline: Option<Instant>,
    bytes_left: &mut usize,
    mut each: impl FnMut(&Graph),
) -> Result<usize, SelectError> {
    let endpoint = client.endpoint().to_string();
    let mut limit = pages.limit(&endpoint);
    let mut seen: HashSet<GraphId> = HashSet::new();
    let mut offset: i32 = 0;
    let mut answered: usize = 0;
    // How many pages the first answer promised; set by it.
    let mut promised: Option<usize> = None;
    let endless = |seen: &HashSet<GraphId>, why: Unending| SelectError::Endless {
        project_id: project_id.clone(),
        graphs: seen.len(),
        why,
    };
    // Each turn but the one that asks the first page again with GES's default either
    // ends the listing or answers a page, and at most MAX_LISTED + 1 pages are answered
    // (the promise is capped by MAX_LISTED graphs a page of one).
    for _ in 0..MAX_LISTED + 3 {
        let request = ListGraphsRequest {
            project_id: project_id.clone(),
            offset: Some(offset),
            limit,
        };
        let Reply {
            response,
            request_id,
            attempts,
            body_bytes,
        } = client
            .execute_before(&request, deadline)
            .await
            .map_err(|error| SelectError::from_client(project_id, error))?;
        *bytes_left =
            bytes_left
                .checked_sub(body_bytes)
                .ok_or_else(|| SelectError::ListingTooLarge {
                    project_id: project_id.clone(),
                    graphs: seen.len(),
                })?;
        let result = match response.into_result() {
            Ok(result) => result,
            Err((status, body)) => {
                if status == 400 && offset == 0 && limit.is_some() {
                    tracing::info!(
                        %project_id,
                        %endpoint,
                        limit = PAGE_SIZE,
                        "GES refused the page size; listing again with its default"
                    );
                    pages.refused(&endpoint);
                    limit = None;
                    continue;
                }
                return Err(SelectError::Refused {
                    project_id: project_id.clone(),
                    ges: Box::new(GesError {
                        attempts,
                        ..GesError::from_body(status, &body, request_id)
                    }),
                });
            }
        };
        let received = result.graphs.len();
        answered += 1;
        tracing::debug!(
            %project_id,
            page = answered,
            offset,
            received,
            graph_count = result.graph_count,
            body_bytes,
            "listed graphs"
        );
        let promised = match promised {
            Some(promised) => promised,
            None => {
                let count = usize::try_from(result.graph_count).unwrap_or(0);
                if count > MAX_LISTED {
                    return Err(endless(
                        &seen,
                        Unending::Counted {
                            graph_count: result.graph_count,
                        },
                    ));
                }
                *promised.insert(count.div_ceil(received.max(1)) + 1)
            }
        };
        // A graph created or deleted while we page shifts the pages: one seen twice is
        // kept once, where first seen. A page of nothing but those makes no progress.
        let mut new = 0_usize;
        for graph in &result.graphs {
            if seen.insert(graph.id.clone()) {
                new += 1;
                each(graph);
            }
        }
        let next = i32::try_from(received)
            .ok()
            .and_then(|received| offset.checked_add(received));
        match next {
            Some(next) if received > 0 && next < result.graph_count => {
                if new == 0 {
                    return Err(endless(&seen, Unending::NoProgress { offset }));
                }
                if usize::try_from(next).unwrap_or(usize::MAX) >= MAX_LISTED {
                    return Err(endless(&seen, Unending::TooMany));
                }
                if answered >= promised {
                    return Err(endless(
                        &seen,
                        Unending::PastCount {
                            pages: answered,
                            graph_count: result.graph_count,
                        },
                    ));
                }
                offset = next;
            }
            _ => return Ok(seen.len()),
        }
    }
    Err(endless(&seen, Unending::TooMany))
}

/// Why a listing was taken for one that does not end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unending {
    /// The first answer counts more graphs than a listing reads.
    Counted {
        /// The answer's `graph_count`.
        graph_count: i32,
    },
    /// Graphs still came after [`MAX_LISTED`].
    TooMany,
    /// A page held only graphs listed before: GES ignored `offset`, or its pages go round.
    NoProgress {
        /// The page's offset.
        offset: i32,
    },
    /// Graphs still came after the pages the first answer's `graph_count` promised.
    PastCount {
        /// The pages read.
        pages: usize,
        /// The last answer's `graph_count`.
        graph_count: i32,
    },
}

impl std::fmt::Display for Unending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Counted { graph_count } => write!(
                f,
                "GES counts {graph_count} graphs in it, more than the {MAX_LISTED} a listing reads"
            ),
            Self::TooMany => write!(f, "graphs still came after {MAX_LISTED}"),
            Self::NoProgress { offset } => write!(
                f,
                "the page at offset {offset} held only graphs already listed (GES answered as \
                 if it ignored offset)"
            ),
            Self::PastCount { pages, graph_count } => write!(
                f,
                "graphs still came after {pages} pages, more than the first answer's \
                 graph_count promised (now {graph_count})"
            ),
        }
    }
}

/// What a graph of `project_id` that a selector matched needs, given the opt-out tag
/// and the allow-lists. In a dry run a running graph is settled as `would_stop`: the
/// listing already said what a look-up would.
pub fn classify(graph: &Graph, project_id: &ProjectId, policy: &Policy, dry_run: bool) -> Selected {
    let opt_out = &policy.opt_out_tag;
    let target = GraphTarget {
        project_id: project_id.clone(),
        graph_id: graph.id.clone(),
    };
    let facts = SelectionFacts {
        name: graph.name.clone(),
        tags: Some(listed_tags(graph)),
        schedule: None,
    };
    let report = |outcome: Outcome, reason: String| Selected {
        target: target.clone(),
        facts: facts.clone(),
        action: Action::Settled(GraphReport {
            graph_status: Some(graph.status.clone()),
            reason: Some(reason),
            ..GraphReport::new(&target, outcome, None)
        }),
    };
    if opt_out.is_on(graph.tags.as_deref().unwrap_or_default()) {
        return report(Outcome::Skipped, format!("opted out by the tag {opt_out}"));
    }
    if let Some(unchangeable) = Unchangeable::of(graph) {
        return report(Outcome::Skipped, unchangeable.to_string());
    }
    if !policy.allows(project_id, &graph.id) {
        return report(
            Outcome::Skipped,
            "not in GES_ALLOWED_GRAPH_IDS / GES_ALLOWED_PROJECT_IDS".to_owned(),
        );
    }
    match &graph.status {
        GraphStatus::Running if dry_run => {
            report(Outcome::WouldStop, "the graph is running".to_owned())
        }
        GraphStatus::Running => Selected {
            target,
            facts,
            action: Action::Stop,
        },
        GraphStatus::Stopped | GraphStatus::Stopping => report(
            Outcome::AlreadyStopped,
            format!("the graph is {}", describe(&graph.status)),
        ),
        other => report(
            Outcome::Skipped,
            format!(
                "the graph is {}; GES stops only running graphs",
                describe(other)
            ),
        ),
    }
}

/// Whether any selector selects the graph.
pub fn is_selected<'a>(selectors: impl IntoIterator<Item = &'a Selector>, graph: &Graph) -> bool {
    let name = graph.name.as_deref().unwrap_or_default();
    let tags = graph.tags.as_deref().unwrap_or_default();
    selectors
        .into_iter()
        .any(|selector| selector.matches(name, tags))
}

/// A listed graph's tags, as [`SelectionFacts::tags`] holds them.
pub(crate) fn listed_tags(graph: &Graph) -> Vec<(String, String)> {
    graph
        .tags
        .iter()
        .flatten()
        .map(|tag| (tag.key.clone(), tag.value.clone().unwrap_or_default()))
        .collect()
}

/// A status in words, with its code: "importing (202)".
pub fn describe(status: &GraphStatus) -> String {
    // The words are the contract's (`x-enum-descriptions`); it has none for a value it
    // does not list.
    let words = status
        .description()
        .unwrap_or("in a status this function does not know");
    format!("{words} ({})", status.as_str())
}

/// Why a fleet selection could not be made. Nothing is stopped then: a partial listing
/// would make a partial selection.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    /// A selector names no project, and neither the event nor the configuration does.
    #[error(
        "a selector names no project_id, and neither the event nor HUAWEICLOUD_SDK_PROJECT_ID \
         does: name the project in the selector or the event, or configure it"
    )]
    NoProject,
    /// A selector looks in a project outside the allow-list; nothing was sent.
    #[error("project {project_id} is not allowed by GES_ALLOWED_PROJECT_IDS; nothing was stopped")]
    NotAllowed {
        /// The project refused.
        project_id: ProjectId,
    },
    /// Another region's project could not be found.
    #[error(transparent)]
    Region(#[from] RegionError),
    /// More graphs were selected than allowed; nothing was sent but the listings.
    #[error(
        "the run selects {selected} graphs, more than the maximum of {max_graphs} \
         (GES_MAX_GRAPHS, or \"max_graphs\" in the event); nothing was stopped or started: \
         narrow the selectors (or the graphs tagged with a schedule), or say \
         \"max_graphs\": {selected} in the event if that many is meant"
    )]
    TooManyGraphs {
        /// How many graphs the selectors selected.
        selected: usize,
        /// The maximum in force.
        max_graphs: usize,
    },
    /// GES refused the listing.
    #[error(
        "could not list the graphs of project {project_id}: {ges}; check the project ID, and \
         that the credentials may list graphs there (the action ges:graph:list)"
    )]
    Refused {
        /// The project.
        project_id: ProjectId,
        /// What GES said.
        ges: Box<GesError>,
    },
    /// The deadline came first.
    #[error(
        "the deadline ran out while listing the graphs of project {project_id}{}; nothing was \
         stopped: give the function more time, or narrow the selection",
        AfterAttempts(*attempts)
    )]
    DeadlineExceeded {
        /// The project.
        project_id: ProjectId,
        /// How the last page's attempts went.
        attempts: Attempts,
    },
    /// The call failed.
    #[error("could not list the graphs of project {project_id}: {source}")]
    Client {
        /// The project.
        project_id: ProjectId,
        /// Why. Boxed: a rare error need not make every `Result` large.
        source: Box<ClientError>,
    },
    /// A listing that does not end: too many graphs, no progress, or more pages than
    /// GES's count promised.
    #[error(
        "the listing of project {project_id} does not end: {why} ({graphs} distinct graphs \
         listed); nothing was stopped or started: a listing like this is not a project's, \
         check that the endpoint is GES's"
    )]
    Endless {
        /// The project.
        project_id: ProjectId,
        /// How many graphs were seen.
        graphs: usize,
        /// What showed it.
        why: Unending,
    },
    /// The run's listings passed [`MAX_LISTING_BYTES`].
    #[error(
        "the graphs listed by this run passed {} MiB of answers at project {project_id} \
         ({graphs} of its graphs listed); nothing was stopped or started: list fewer projects \
         in one run, or give the graphs fewer or shorter tags",
        MAX_LISTING_BYTES >> 20
    )]
    ListingTooLarge {
        /// The project being listed.
        project_id: ProjectId,
        /// How many of its graphs were listed.
        graphs: usize,
    },
}

impl SelectError {
    /// The kind of failure, from the same list as [`GraphError::kind`](crate::ges::error::GraphError::kind).
    pub fn kind(&self) -> FailureKind {
        match self {
            Self::NoProject | Self::Region(RegionError::NoIam { .. }) => FailureKind::NoProject,
            Self::NotAllowed { .. } => FailureKind::NotAllowed,
            Self::Region(RegionError::Lookup { source, .. }) => source.failure_kind(),
            Self::TooManyGraphs { .. } => FailureKind::TooManyGraphs,
            // A listing names no graph: what it did not find is the project.
            Self::Refused { ges, .. } if ges.status == 404 => FailureKind::ProjectNotFound,
            Self::Refused { ges, .. } => FailureKind::of_status(ges.status),
            Self::DeadlineExceeded { .. } => FailureKind::DeadlineExceeded,
            Self::Client { source, .. } => source.failure_kind(),
            Self::Endless { .. } | Self::ListingTooLarge { .. } => FailureKind::UnexpectedAnswer,
        }
    }

    /// What GES said, when it said anything.
    pub fn ges(&self) -> Option<&GesError> {
        match self {
            Self::Refused { ges, .. } => Some(ges),
            _ => None,
        }
    }

    fn from_client(project_id: &ProjectId, error: ClientError) -> Self {
        let project_id = project_id.clone();
        let attempts = error.attempts();
        match error.kind() {
            ClientErrorKind::Decode { source } => Self::Refused {
                project_id,
                ges: Box::new(GesError {
                    attempts,
                    ..GesError::from_undecoded(source)
                }),
            },
            ClientErrorKind::DeadlineExceeded => Self::DeadlineExceeded {
                project_id,
                attempts,
            },
            _ => Self::Client {
                project_id,
                source: Box::new(error),
            },
        }
    }
}
