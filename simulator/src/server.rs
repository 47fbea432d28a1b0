//! Listening, serving and shutting down, and the handle a running simulator is
//! inspected and steered through.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ges_api::sts::{AgencyUrn, ProviderUrn};
use ges_api::types::{Graph, GraphId, GraphStatus, JobId, JobStatus, ProjectId};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::cloud_eye::IdleMinutes;
use crate::error::SimulatorError;
use crate::fault::{Fault, ListingFault};
use crate::function_runtime::{FunctionInvocation, FunctionOutcome};
use crate::journal::{OperationKind, RequestRecord};
use crate::jwt::{Audience, AwsIdentity, IdTokenClaims, Signer};
use crate::routes;
use crate::shared::{Config, Shared};
use crate::state::GraphSpec;

/// How long [`RunningSimulator::shutdown`] waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Binds the checked configuration's address and serves on the current runtime.
pub(crate) async fn start(config: Config) -> Result<RunningSimulator, SimulatorError> {
    let listen = config.listen;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| SimulatorError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener
        .local_addr()
        .map_err(|source| SimulatorError::Bind {
            addr: listen,
            source,
        })?;
    let shared = Arc::new(Shared::new(config, addr));
    let app = routes::router(Arc::clone(&shared));
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                // A dropped sender stops the server too.
                let _ = stop_rx.await;
            })
            .await
    });
    tracing::info!(
        %addr,
        project_id = %shared.project_id,
        projects = shared.projects.len(),
        "GES simulator listening"
    );
    Ok(RunningSimulator {
        addr,
        shared,
        stop_tx: Some(stop_tx),
        task: Some(task),
    })
}

/// A simulator serving on its loopback address. Dropping it stops the server
/// abruptly; [`RunningSimulator::shutdown`] lets requests in flight finish.
#[derive(Debug)]
pub struct RunningSimulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop_tx: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningSimulator {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The endpoint to give a client: `http://127.0.0.1:{port}`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The main project: the one [`crate::SimulatorBuilder::project_id`] set.
    pub fn project_id(&self) -> &ProjectId {
        &self.shared.project_id
    }

    /// Every project it serves: the main one, then the
    /// [`crate::SimulatorBuilder::extra_project`]s in the order they were added.
    pub fn project_ids(&self) -> Vec<ProjectId> {
        self.shared
            .projects
            .iter()
            .map(|project| project.id.clone())
            .collect()
    }

    /// A graph, whichever project it is in, as show graph would return it now.
    pub fn graph(&self, id: &GraphId) -> Option<Graph> {
        let world = self.shared.world();
        let project_id = world.project_of(id)?;
        world.graph(project_id, id, self.shared.now())
    }

    /// A graph's status now, whichever project it is in.
    pub fn graph_status(&self, id: &GraphId) -> Option<GraphStatus> {
        self.shared.world().graph_status(id, self.shared.now())
    }

    /// The job of the graph's latest stop, if it was stopped since the start.
    pub fn last_stop_job(&self, id: &GraphId) -> Option<JobId> {
        self.shared.world().last_stop_job(id)
    }

    /// The job of the graph's latest start, if it was started since the simulator
    /// started (or since [`Self::put_graph`] replaced it).
    pub fn last_start_job(&self, id: &GraphId) -> Option<JobId> {
        self.shared.world().last_start_job(id)
    }

    /// A job's status now.
    pub fn job_status(&self, id: &JobId) -> Option<JobStatus> {
        self.shared.world().job_status(id, self.shared.now())
    }

    /// Replaces the graph with the same ID in whichever project it is (forgetting its
    /// stops and starts; it keeps its place in the list), or adds the graph to the main project
    /// (last in the list, so a client paging through list graphs meanwhile sees it on
    /// its last page and in a larger `graph_count`); how a test puts a graph back to
    /// running, or makes the fleet grow.
    pub fn put_graph(&self, graph: GraphSpec) {
        let mut world = self.shared.world();
        let project_id = world
            .project_of(&graph.id)
            .unwrap_or(&self.shared.project_id)
            .clone();
        world.put(project_id, graph, self.shared.now());
    }

    /// Like [`Self::put_graph`], in this project: a graph with the same ID is replaced
    /// (in its place if it is in this project; moved here, last, if it is in another:
    /// an ID names one graph across the simulator). Fails for a project the
    /// simulator does not serve.
    pub fn put_graph_in(
        &self,
        project_id: &ProjectId,
        graph: GraphSpec,
    ) -> Result<(), SimulatorError> {
        if !self.shared.serves(project_id) {
            return Err(SimulatorError::UnknownProject {
                project_id: project_id.clone(),
            });
        }
        let now = self.shared.now();
        self.shared.world().put(project_id.clone(), graph, now);
        Ok(())
    }

    /// Moves the simulator's clock forward by `by`: every graph and job is then where it
    /// would be that much later (a stop or a start done, a graph stopped for
    /// [`crate::SELF_RESTART_AFTER`] running again), and job times read that much
    /// later, without anybody waiting; ID tokens are dated by it and temporary
    /// credentials from Huawei STS expire by it. The rest of authentication keeps to
    /// real time (signatures' dates, IAM tokens' expiry). The clock only moves forward, and at most
    /// [`crate::MAX_CLOCK_OFFSET`] ahead of real time in all.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// How far [`Self::advance_clock`] has moved the simulator's clock ahead of real
    /// time; zero at the start.
    pub fn clock_offset(&self) -> Duration {
        self.shared.clock.offset()
    }

    /// Now, as a date, on the simulator's clock (real time moved ahead by
    /// [`Self::advance_clock`]): what Cloud Eye's windows and datapoints are dated by.
    pub fn now_utc(&self) -> time::OffsetDateTime {
        self.shared.clock.date()
    }

    /// Sets how many requests a graph served in the minute holding `at` (a date on the
    /// simulator's clock, see [`Self::now_utc`]), as GES reports them to Cloud Eye
    /// (`SYS.GES`, `ges004_request_count`). Cloud Eye shows it only if the graph ran
    /// throughout that minute and the minute is over; a later call for the same minute
    /// replaces it.
    pub fn set_requests(&self, graph_id: &GraphId, at: time::OffsetDateTime, count: u64) {
        let at_ms = i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
        self.shared.cloud_eye().set(graph_id.clone(), at_ms, count);
    }

    /// What Cloud Eye shows for a minute in which a running graph served no request:
    /// `0` ([`IdleMinutes::Zero`], the default) or no datapoint ([`IdleMinutes::Absent`]).
    pub fn set_idle_minutes(&self, idle: IdleMinutes) {
        self.shared.cloud_eye().set_idle(idle);
    }

    /// Whether a graph with this ID exists, in any project.
    pub fn has_graph(&self, id: &GraphId) -> bool {
        self.shared.world().contains(id)
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.journal().clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.shared.journal().clear();
    }

    /// How many token requests (`POST /v3/auth/tokens`) IAM received, refused ones
    /// included.
    pub fn iam_token_requests(&self) -> usize {
        self.shared.iam.token_requests()
    }

    /// How many project look-ups (`GET /v3/projects`) IAM received, refused ones
    /// included.
    pub fn iam_project_requests(&self) -> usize {
        self.shared.iam.project_requests()
    }

    /// Makes every token IAM issued so far expire now, as when a password changes:
    /// a client still holding one gets `401` from then on.
    pub fn revoke_iam_tokens(&self) {
        self.shared.iam.revoke_all();
    }

    /// The issuer of the ID tokens its AWS STS issues, and the one its Huawei STS's
    /// identity provider trusts: [`Self::base_url`], `http://127.0.0.1:{port}`. AWS STS
    /// (`POST /`, with `/.well-known/openid-configuration` and `/.well-known/jwks.json`)
    /// and Huawei STS (`POST /v5/agencies/assume-with-oidc`) are both served there.
    pub fn issuer(&self) -> &str {
        &self.shared.issuer
    }

    /// The region its AWS STS signs for ([`crate::SimulatorBuilder::aws_region`]).
    pub fn aws_region(&self) -> &str {
        &self.shared.aws_sts.region
    }

    /// The role its AWS STS issues ID tokens about: their `sub`
    /// ([`crate::SimulatorBuilder::aws_role_arn`]).
    pub fn aws_role_arn(&self) -> &str {
        &self.shared.aws_sts.role_arn
    }

    /// The identity provider Huawei STS knows
    /// ([`crate::SimulatorBuilder::oidc_provider`]), if any.
    pub fn oidc_provider_urn(&self) -> Option<&ProviderUrn> {
        self.shared.federation.config.provider.as_ref()
    }

    /// The audiences its identity provider accepts, the first one given first.
    pub fn oidc_audiences(&self) -> &[String] {
        &self.shared.federation.config.audiences
    }

    /// The trust agency Huawei STS lets be assumed
    /// ([`crate::SimulatorBuilder::oidc_agency`]), if any.
    pub fn oidc_agency_urn(&self) -> Option<&AgencyUrn> {
        self.shared.federation.config.agency.as_ref()
    }

    /// The claims of an ID token AWS STS would issue now (on the simulator's clock) for
    /// the provider's first audience (empty if none is configured), valid for five
    /// minutes: a starting point that a test changes to craft a token that must be
    /// refused (expired, not yet valid, another audience or issuer) and signs with
    /// [`Self::mint_id_token`].
    pub fn id_token_claims(&self) -> IdTokenClaims {
        let now = self.shared.clock.date().unix_timestamp();
        let config = &self.shared.aws_sts;
        IdTokenClaims {
            iss: self.shared.issuer.clone(),
            sub: config.role_arn.clone(),
            aud: Audience::One(self.oidc_audiences().first().cloned().unwrap_or_default()),
            iat: now,
            nbf: Some(now),
            exp: now + 300,
            jti: crate::journal::uuid(),
            aws: Some(AwsIdentity {
                aws_account: config.account().to_owned(),
                source_region: config.region.clone(),
                principal_id: config.role_arn.clone(),
            }),
        }
    }

    /// An ID token with these claims, signed as `signer` says: with the issuer's keys
    /// ([`Signer::Rs256`], [`Signer::Es384`]; accepted if the claims are), or in a way
    /// Huawei STS refuses ([`Signer::ForeignKey`], [`Signer::UnknownKeyId`],
    /// [`Signer::AlgNone`], [`Signer::Hs256`]).
    pub fn mint_id_token(&self, claims: &IdTokenClaims, signer: Signer) -> String {
        // Start-up invariant: the checked-in keys sign (tested in jwt.rs).
        self.shared
            .keys
            .mint(claims, signer)
            .expect("the simulator's test keys sign")
    }

    /// How many temporary credentials Huawei STS issued, agency credentials the
    /// FunctionGraph runtime handed out included.
    pub fn federated_credentials_issued(&self) -> usize {
        self.shared.federation.issued_count()
    }

    /// Every temporary credential Huawei STS issued, and those the FunctionGraph
    /// runtime handed out with invocations, oldest first, secrets in the clear:
    /// `(access key, secret key, security token)`. A test accessor, so that a
    /// test can check that a client never shows them (in logs, errors or answers).
    pub fn federated_credentials(&self) -> Vec<(String, String, String)> {
        self.shared.federation.all()
    }

    /// Makes every temporary credential Huawei STS issued so far, and every agency
    /// credential the FunctionGraph runtime handed out, expire now: a client still
    /// signing with them gets `401` from then on.
    pub fn revoke_federated_credentials(&self) {
        self.shared.federation.revoke_all(self.shared.clock.date());
    }

    /// Where FunctionGraph's custom-runtime API is served, `127.0.0.1:{port}` (the
    /// simulator's own address): what a custom runtime's `bootstrap` is given as
    /// `RUNTIME_API_ADDR`.
    pub fn runtime_api_addr(&self) -> String {
        self.addr.to_string()
    }

    /// Invokes the function that asks this simulator's runtime API for invocations:
    /// queues `invocation`; the function's next `GET /v1/runtime/invocation/request`
    /// receives it, with a fresh `X-Cff-Request-Id` and, when it has an agency, new
    /// temporary credentials and token (see
    /// [the crate's docs](crate#functiongraphs-custom-runtime)). Resolves when the function posts its answer
    /// ([`FunctionOutcome::Answered`]) or its error report ([`FunctionOutcome::Failed`]),
    /// or with [`FunctionOutcome::TimedOut`] once `invocation.timeout` has passed since
    /// the call, fetched or not; an answer after that is refused. Invocations are handed
    /// out in the order they were queued.
    pub async fn invoke_function(&self, invocation: FunctionInvocation) -> FunctionOutcome {
        self.shared
            .function_runtime
            .invoke(crate::journal::uuid(), invocation)
            .await
    }

    /// The agency access keys the runtime API handed out with invocations, in order:
    /// a new one for every invocation with an agency. (All temporary credentials,
    /// secrets included, are in [`Self::federated_credentials`].)
    pub fn agency_access_keys(&self) -> Vec<String> {
        self.shared.function_runtime.access_keys()
    }

    /// Serves `body` as the calendar `name` (letters, digits, `-`, `_`, `.` and `/`), at
    /// `GET /calendars/{name}`, in place of any earlier one; gives its URL,
    /// [`Self::calendar_url`].
    pub fn serve_calendar(&self, name: &str, body: impl Into<Vec<u8>>) -> String {
        self.shared
            .calendars()
            .serve(name, axum::body::Bytes::from(body.into()));
        self.calendar_url(name)
    }

    /// The URL of the calendar `name`: `http://127.0.0.1:{port}/calendars/{name}`.
    pub fn calendar_url(&self, name: &str) -> String {
        format!(
            "{}{}{name}",
            self.base_url(),
            crate::calendar_files::CALENDAR_PREFIX
        )
    }

    /// Makes the next `times` requests of the calendar `name` meet `fault` (after the
    /// faults queued before for it): [`Fault::status`] for a status,
    /// [`Fault::redirect`], [`Fault::Delay`], [`Fault::Reset`], [`Fault::HugeBody`]...
    pub fn fail_calendar(&self, name: &str, fault: Fault, times: usize) {
        self.shared.calendars().fail(name, fault, times);
    }

    /// How many requests the calendar `name` got, answered or not.
    pub fn calendar_requests(&self, name: &str) -> usize {
        self.shared.calendars().requests(name)
    }

    /// Makes the next authenticated call of `operation` fail this way. Faults queue
    /// up: call it again for the call after. For AWS STS's `GetWebIdentityToken` the
    /// fault comes after the signature and parameter checks; for Huawei STS's
    /// `AssumeAgencyWithOidc`, after the body is read and before the ID token is
    /// checked; for the issuer's documents, at once.
    pub fn fail_next(&self, operation: OperationKind, fault: Fault) {
        self.shared.faults().push(operation, fault);
    }

    /// Makes every authenticated call that names this graph fail this way (after any
    /// fault queued with [`RunningSimulator::fail_next`] for its operation), until
    /// [`RunningSimulator::clear_faults`]. Replaces the graph's earlier fault.
    pub fn fail_graph(&self, graph_id: &GraphId, fault: Fault) {
        self.shared.faults().set_for_graph(graph_id.clone(), fault);
    }

    /// Makes every ListGraphs page go wrong this way (after any fault queued with
    /// [`RunningSimulator::fail_next`]), until [`RunningSimulator::clear_faults`].
    /// Replaces the earlier way.
    pub fn fail_listings(&self, fault: ListingFault) {
        self.shared.faults().set_listing(fault);
    }

    /// Forgets every fault, queued, per graph or for listings.
    pub fn clear_faults(&self) {
        self.shared.faults().clear();
    }

    /// Stops listening, lets requests in flight finish (for up to five seconds), and
    /// waits for the server to end.
    pub async fn shutdown(mut self) -> Result<(), SimulatorError> {
        // A function's long poll would hold the graceful shutdown up.
        self.shared.function_runtime.close();
        if let Some(stop_tx) = self.stop_tx.take() {
            // The server may have ended already; then there is nobody to tell.
            let _ = stop_tx.send(());
        }
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        let ended = match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
            Ok(ended) => ended,
            Err(_) => {
                task.abort();
                return Err(SimulatorError::Server {
                    reason: format!(
                        "requests were still in flight {} s after the shutdown began; \
                         the server was aborted",
                        SHUTDOWN_GRACE.as_secs()
                    ),
                });
            }
        };
        tracing::info!(addr = %self.addr, "GES simulator stopped");
        match ended {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(SimulatorError::Server {
                reason: err.to_string(),
            }),
            Err(err) => Err(SimulatorError::Server {
                reason: format!("its task did not finish: {err}"),
            }),
        }
    }
}

impl Drop for RunningSimulator {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
