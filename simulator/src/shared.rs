//! What the server, the routes and IAM share: the checked configuration and the state
//! every handler reads and changes.
//!
//! It sits below every module that serves requests (`builder`, `server`, `routes`,
//! `iam_routes`) and uses none of them, so that they can all use it without a cycle;
//! it uses only the modules that hold the parts (`auth`, `aws_sts`, `clock`,
//! `calendar_files`, `federation`, `function_runtime`, `iam`, `journal`, `jwt`, `fault`,
//! `state`).

use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use ges_api::types::ProjectId;
use http::request::Parts;
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::auth::{AuthRefusal, Credentials};
use crate::aws_sts::AwsStsConfig;
use crate::calendar_files::CalendarFiles;
use crate::clock::Clock;
use crate::cloud_eye::RequestCounts;
use crate::fault::{Fault, FaultQueue};
use crate::federation::{Federation, FederationConfig};
use crate::function_runtime::FunctionRuntime;
use crate::iam::{Iam, IamConfig};
use crate::journal::{OperationKind, RequestIds, RequestRecord, Scheme};
use crate::jwt::IssuerKeys;
use crate::state::{GraphSpec, Timing, World};

/// A project the simulator serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Project {
    pub(crate) id: ProjectId,
    /// Its name in IAM.
    pub(crate) name: String,
}

/// How many graphs a ListGraphs page holds when the request gives no `limit`: GES's
/// documented default.
pub const DEFAULT_LIST_LIMIT: i32 = 10;
/// The largest ListGraphs `limit` accepted unless told otherwise, as the contract says.
pub(crate) const MAX_LIST_LIMIT: u32 = 1000;

/// How ListGraphs treats the page size a client asks for (`limit`): GES documents no
/// maximum, so a real server may cap a large page or refuse it, and a client must cope
/// with both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageLimits {
    /// The largest `limit` accepted; a larger one is refused with `400`.
    pub(crate) refuse_over: u32,
    /// The most graphs a page holds, whatever `limit` asked; `None` for no cap.
    pub(crate) cap: Option<u32>,
}

impl Default for PageLimits {
    fn default() -> Self {
        Self {
            refuse_over: MAX_LIST_LIMIT,
            cap: None,
        }
    }
}

impl PageLimits {
    /// How many graphs a page asked to hold `limit` holds.
    pub(crate) fn held(&self, limit: u32) -> u32 {
        self.cap.map_or(limit, |cap| limit.min(cap))
    }
}

/// How much of an `X-Project-Id` a refusal repeats.
const PROJECT_SHOWN: usize = 80;

/// A checked configuration.
#[derive(Debug)]
pub(crate) struct Config {
    /// The main project's ID.
    pub(crate) project_id: ProjectId,
    /// Every project served, the main one first.
    pub(crate) projects: Vec<Project>,
    pub(crate) graphs: Vec<(ProjectId, GraphSpec)>,
    pub(crate) credentials: Credentials,
    pub(crate) iam: IamConfig,
    pub(crate) aws_sts: AwsStsConfig,
    pub(crate) federation: FederationConfig,
    pub(crate) stop_duration: Duration,
    pub(crate) start_duration: Duration,
    pub(crate) page_limits: PageLimits,
    pub(crate) listen: SocketAddr,
}

/// What the handlers share: configuration, the world, the journal and the faults.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The main project's ID.
    pub(crate) project_id: ProjectId,
    /// Every project served, the main one first.
    pub(crate) projects: Vec<Project>,
    pub(crate) credentials: Credentials,
    pub(crate) iam: Iam,
    pub(crate) aws_sts: AwsStsConfig,
    /// The issuer's URL, `http://{addr}`: the `iss` of the ID tokens AWS STS issues,
    /// and the one Huawei STS's identity provider trusts.
    pub(crate) issuer: String,
    pub(crate) keys: IssuerKeys,
    /// Huawei STS's temporary credentials, and the agency credentials FunctionGraph's
    /// runtime hands out with invocations: one store, so that both sign GES calls.
    pub(crate) federation: Federation,
    /// FunctionGraph's custom runtime: the invocations queued and waiting.
    pub(crate) function_runtime: FunctionRuntime,
    pub(crate) request_ids: RequestIds,
    pub(crate) page_limits: PageLimits,
    /// The clock the graphs and jobs move by; authentication keeps to real time.
    pub(crate) clock: Clock,
    world: Mutex<World>,
    cloud_eye: Mutex<RequestCounts>,
    journal: Mutex<Vec<RequestRecord>>,
    faults: Mutex<FaultQueue>,
    calendars: Mutex<CalendarFiles>,
}

impl Shared {
    /// The shared state of a simulator listening at `addr`.
    pub(crate) fn new(config: Config, addr: SocketAddr) -> Self {
        let clock = Clock::default();
        let timing = Timing {
            stop: config.stop_duration,
            start: config.start_duration,
        };
        let world = World::new(config.graphs, timing, clock.now());
        Self {
            project_id: config.project_id,
            projects: config.projects,
            credentials: config.credentials,
            iam: Iam::new(config.iam),
            aws_sts: config.aws_sts,
            issuer: format!("http://{addr}"),
            keys: IssuerKeys::load(),
            federation: Federation::new(config.federation),
            function_runtime: FunctionRuntime::default(),
            request_ids: RequestIds::new(),
            page_limits: config.page_limits,
            clock,
            world: Mutex::new(world),
            cloud_eye: Mutex::new(RequestCounts::default()),
            journal: Mutex::new(Vec::new()),
            faults: Mutex::new(FaultQueue::default()),
            calendars: Mutex::new(CalendarFiles::default()),
        }
    }

    /// Whether the simulator serves this project.
    pub(crate) fn serves(&self, project_id: &ProjectId) -> bool {
        self.projects
            .iter()
            .any(|project| &project.id == project_id)
    }

    /// Authenticates a call, GES's or IAM's: a token IAM issued is checked first (and
    /// refused once it expired), giving the project it is scoped to; anything else goes
    /// to the configured credentials and the temporary ones STS issued, which open
    /// every project (`None`).
    pub(crate) fn authenticate(
        &self,
        parts: &Parts,
        body: &[u8],
    ) -> Result<(Scheme, Option<ProjectId>), AuthRefusal> {
        match self.iam.check_issued(parts) {
            Some(result) => result.map(|scope| (Scheme::Token, Some(scope))),
            None => self
                .credentials
                .authenticate(parts, body, OffsetDateTime::now_utc(), &|access_key| {
                    self.federation.find(access_key, self.clock.date())
                })
                .map(|scheme| (scheme, None)),
        }
    }

    /// Now, on the clock the graphs and jobs move by.
    pub(crate) fn now(&self) -> Instant {
        self.clock.now()
    }

    /// The world, locked.
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    /// Cloud Eye's request counts, locked. Whoever holds the world too locks the world
    /// first.
    pub(crate) fn cloud_eye(&self) -> MutexGuard<'_, RequestCounts> {
        lock(&self.cloud_eye)
    }

    /// Whether an authenticated caller may act in `project_id`, GES's way (Cloud Eye's
    /// route checks the same): the project must be one the simulator serves; a token
    /// IAM issued (`scope`) opens only the project it was scoped to; a signed request
    /// that carries an `X-Project-Id` (the SDK sends one) opens only the project it
    /// names. The refusal's message otherwise.
    pub(crate) fn admit(
        &self,
        parts: &Parts,
        scheme: Scheme,
        scope: Option<&ProjectId>,
        project_id: &ProjectId,
    ) -> Result<(), String> {
        if !self.serves(project_id) {
            let served: Vec<&str> = self
                .projects
                .iter()
                .map(|project| project.id.as_str())
                .collect();
            let noun = if served.len() == 1 {
                "project"
            } else {
                "projects"
            };
            return Err(format!(
                "The project {project_id} is not accessible: this simulator serves {noun} {} only.",
                served.join(", ")
            ));
        }
        if let Some(scope) = scope.filter(|scope| *scope != project_id) {
            return Err(format!(
                "The token is scoped to project {scope}, not {project_id}."
            ));
        }
        if !matches!(scheme, Scheme::AkSk | Scheme::TemporaryAkSk) {
            return Ok(());
        }
        // The gateway authorises AK/SK calls for the project in this header.
        let mut values = parts.headers.get_all("x-project-id").iter();
        let Some(first) = values.next() else {
            return Ok(());
        };
        let named = match (first.to_str().ok().map(str::trim), values.next()) {
            (Some(value), None) => value,
            _ => {
                return Err(format!(
                    "The X-Project-Id header must be given once and name the project {project_id}."
                ));
            }
        };
        if named == project_id.as_str() {
            return Ok(());
        }
        let shown: String = named.chars().take(PROJECT_SHOWN).collect();
        Err(format!(
            "The X-Project-Id header names project {shown}, not {project_id}."
        ))
    }

    /// The journal, locked.
    pub(crate) fn journal(&self) -> MutexGuard<'_, Vec<RequestRecord>> {
        lock(&self.journal)
    }

    /// The faults waiting for their call, locked.
    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultQueue> {
        lock(&self.faults)
    }

    /// The calendar documents a test serves, locked.
    pub(crate) fn calendars(&self) -> MutexGuard<'_, CalendarFiles> {
        lock(&self.calendars)
    }

    pub(crate) fn record(&self, record: RequestRecord) {
        self.journal().push(record);
    }

    pub(crate) fn take_fault(
        &self,
        operation: OperationKind,
        graph_id: Option<&str>,
    ) -> Option<Fault> {
        self.faults().take(operation, graph_id)
    }
}

/// Locks one of the shared parts. No lock is ever held across an `await`, and no code
/// that holds one panics, so a poisoned lock still holds consistent data.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
