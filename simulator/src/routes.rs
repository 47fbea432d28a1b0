//! Turning requests into answers.
//!
//! Each contract operation is routed on its generated request type's `METHOD` and
//! `PATH_TEMPLATE`, and answered with its generated response enum, rendered through
//! [`OperationResponse::status`], [`OperationResponse::headers`] and
//! [`OperationResponse::body`] (as `application/json`). A request goes through these
//! checks, in this order, and the first that fails answers:
//!
//! 1. the body is read, up to 1 MiB (`400` beyond);
//! 2. authentication (`401`, `APIGW.0301`; see `auth`);
//! 3. `project_id` must be a valid `ProjectId` (`400`, `GES.8001`) and one of the
//!    simulator's projects (`403`, `GES.8003`);
//! 4. the caller must be allowed in that project (`403`, `GES.8003`): a token IAM
//!    issued opens only the project it was scoped to ("The token is scoped to project
//!    A, not B."), as Huawei Cloud's tokens do; a configured token opens every project;
//!    an AK/SK signature opens every project, unless the request carries an
//!    `X-Project-Id` (the SDK sends one), which must then name the path's project;
//! 5. a fault a test queued for this operation, or set for the graph the path names, if
//!    any ([`crate::Fault`]; those that go wrong on the wire are applied to the answer
//!    last);
//! 6. the operation's own parameters (`400`, `GES.8001`, naming the rule broken), then
//!    the operation, on the graphs of the path's project only (a graph of another
//!    project is unknown, `404`):
//!    - StopGraph: `200 {"job_id"}` for a running graph; `400 GES.7001` otherwise;
//!      `404 GES.8011` for an unknown graph. A request body is ignored, as GES does.
//!    - StartGraph: `200 {"job_id"}` for a stopped graph; `400 GES.7002` otherwise
//!      ([`error_codes::GRAPH_NOT_STOPPED`], the simulator's choice of code); `404
//!      GES.8011` for an unknown graph. The body is optional (none, or empty, starts
//!      the graph from its own data); when there is one it must be the contract's
//!      `StartGraphBody`, JSON (`400 GES.8001` otherwise, checked after the graph ID);
//!      its `graph_backup_id` is accepted as it is and recorded in the journal
//!      ([`crate::RequestRecord::graph_backup_id`]).
//!    - ShowGraph: `200 {"graph"}`; `404 GES.8011`.
//!    - ListGraphs: `200 {"graph_count", "graphs"}`, `offset` (default 0, 0 to
//!      2<sup>31</sup>-1) and `limit` (default [`DEFAULT_LIST_LIMIT`], 1 to 1000 or
//!      what [`crate::SimulatorBuilder::refuse_list_limit_over`] set), each an integer
//!      given at most once; a page holds `limit` graphs at most, or fewer if
//!      [`crate::SimulatorBuilder::cap_list_limit`] set a cap; `graph_count` counts every graph of the project,
//!      not the page, and an offset at or past the end gives `"graphs": []`. Graphs
//!      come in the order they were added; one added while a client pages
//!      ([`crate::RunningSimulator::put_graph`]) comes last, so the client sees it on
//!      its last page and in a larger `graph_count`. Until cleared,
//!      [`crate::RunningSimulator::fail_listings`] makes every page go wrong
//!      ([`crate::ListingFault`]).
//!    - ShowJob: `200` with the job; `404 GES.8011` for an unknown graph, `404 GES.8012`
//!      for a job the graph does not have.
//!
//! Cloud Eye's `POST /V1.0/{project_id}/batch-query-metric-data` is served by
//! `ces_routes`, which documents its checks (authentication and project access are the
//! ones above, 2 to 4).
//!
//! IAM's `POST /v3/auth/tokens` and `GET /v3/projects` are served by `iam_routes`, which
//! documents them; a token it issued passes check 2 until it expires.
//!
//! Keyless federation is served on the same address: AWS STS's `POST /`
//! (`GetWebIdentityToken`) and its issuer's `GET /.well-known/openid-configuration` and
//! `GET /.well-known/jwks.json` by `aws_sts_routes`, Huawei STS's `POST
//! /v5/agencies/assume-with-oidc` by `huawei_sts`; both document their checks. The
//! temporary credentials Huawei STS issues pass check 2, with their `X-Security-Token`,
//! until they expire on the simulator's clock; like a configured access key, they
//! open every project.
//!
//! FunctionGraph's custom-runtime API (`GET /v1/runtime/invocation/request`, `POST
//! /v1/runtime/invocation/response/{request_id}` and `POST
//! /v1/runtime/invocation/error/{request_id}`) is served by `function_runtime_routes`,
//! which documents it; it checks no credentials. So are the calendar documents a test
//! serves (`GET /calendars/{name}`), by `calendar_routes`.
//!
//! Any other path or method answers `404 APIGW.0101` without an authentication check,
//! as the API gateway does. Every answer, whatever it is, carries a fresh
//! `X-Request-Id` and is recorded in the journal.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::handler::Handler;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{MethodFilter, get, on, post};
use ges_api::Operation;
use ges_api::ces::BatchListMetricDataRequest;
use ges_api::iam::{CreateTokenRequest, ListProjectsRequest};
use ges_api::runtime::{self, OperationResponse, Refusable};
use ges_api::signing;
use ges_api::sts::AssumeAgencyWithOidcRequest;
use ges_api::types::{
    ErrorBody, GraphId, JobId, ListGraphsRequest, ListGraphsResponse, ListGraphsResult, ProjectId,
    ShowGraphRequest, ShowGraphResponse, ShowGraphResult, ShowJobRequest, ShowJobResponse,
    StartGraphBody, StartGraphRequest, StartGraphResponse, StartGraphResult, StopGraphRequest,
    StopGraphResponse, StopGraphResult,
};
use http::{HeaderValue, StatusCode};

use crate::answer;
use crate::aws_sts_routes;
use crate::calendar_routes;
use crate::ces_routes;
use crate::error_codes;
use crate::fault::{self, Fault, Injected, ListingFault};
use crate::function_runtime_routes;
use crate::huawei_sts;
use crate::iam_routes;
use crate::journal::{Authentication, Handled, OperationKind, Page, RequestRecord, Target};
use crate::shared::{DEFAULT_LIST_LIMIT, PageLimits, Shared};
use crate::state::{JobLookupFailure, StartRefusal, StopRefusal};

/// The largest body read; of GES's operations here only StartGraph takes one, a few
/// bytes long.
const MAX_BODY_BYTES: usize = 1 << 20;
/// How much of an unknown path an error message repeats.
const PATH_SHOWN: usize = 80;

/// The start of a value the client sent, to repeat in a message: enough to recognise
/// it, never a flood.
fn shown(value: &str) -> String {
    value.chars().take(PATH_SHOWN).collect()
}

/// The simulator's routes, wrapped in the journal.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let router = Router::new();
    let router = route::<StopGraphRequest>(router);
    let router = route::<StartGraphRequest>(router);
    let router = route::<ShowGraphRequest>(router);
    let router = route::<ListGraphsRequest>(router);
    let router = route::<ShowJobRequest>(router);
    let router = route_to::<CreateTokenRequest, _, _>(router, iam_routes::create_token);
    let router = route_to::<ListProjectsRequest, _, _>(router, iam_routes::list_projects);
    let router =
        route_to::<AssumeAgencyWithOidcRequest, _, _>(router, huawei_sts::assume_agency_with_oidc);
    let router =
        route_to::<BatchListMetricDataRequest, _, _>(router, ces_routes::batch_list_metric_data);
    let router = function_runtime_routes::routes(router);
    let router = calendar_routes::routes(router);
    // AWS STS's Query API has no contract here: the generator speaks JSON only.
    let router = router
        .route("/", post(aws_sts_routes::get_web_identity_token))
        .route(
            "/.well-known/openid-configuration",
            get(aws_sts_routes::openid_configuration),
        )
        .route("/.well-known/jwks.json", get(aws_sts_routes::jwks));
    router
        .fallback(no_such_api)
        .method_not_allowed_fallback(no_such_api)
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), record))
        .with_state(shared)
}

fn route<Op: Served>(router: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    route_to::<Op, _, _>(router, handle::<Op>)
}

/// Routes a contract operation, on its generated method and path, to its handler.
fn route_to<Op: Operation, H, T>(router: Router<Arc<Shared>>, handler: H) -> Router<Arc<Shared>>
where
    H: Handler<T, Arc<Shared>>,
    T: 'static,
{
    let filter = MethodFilter::try_from(Op::METHOD)
        // Start-up invariant: the contract's methods are GET and POST.
        .expect("the contract uses standard HTTP methods");
    router.route(Op::PATH_TEMPLATE, on(filter, handler))
}

/// An operation the simulator carries out.
trait Served:
    Operation<Response: OperationResponse + Refusable<ErrorBody = ErrorBody> + Send> + Send + 'static
{
    /// Which operation this is, for the journal and for faults.
    const KIND: OperationKind;

    /// Carries out an authenticated call for one of the simulator's projects.
    fn operate(
        shared: &Shared,
        project_id: &ProjectId,
        call: &Call,
    ) -> Result<Self::Response, Refused>;
}

/// The status codes errors are answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorStatus {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    TooManyRequests,
    InternalServerError,
    ServiceUnavailable,
}

impl ErrorStatus {
    fn code(self) -> StatusCode {
        match self {
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::InternalServerError => StatusCode::INTERNAL_SERVER_ERROR,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// An error answer, before it is rendered as the operation's response.
#[derive(Debug, Clone)]
struct Refused {
    status: ErrorStatus,
    body: ErrorBody,
}

impl Refused {
    fn new(status: ErrorStatus, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody {
                error_code: Some(code.to_owned()),
                error_msg: Some(message.into()),
                error: None,
            },
        }
    }

    fn invalid(message: impl Into<String>) -> Self {
        Self::new(
            ErrorStatus::BadRequest,
            error_codes::INVALID_PARAMETER,
            message,
        )
    }

    fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorStatus::Forbidden, error_codes::WRONG_PROJECT, message)
    }

    fn graph_not_found(graph_id: &GraphId) -> Self {
        Self::new(
            ErrorStatus::NotFound,
            error_codes::GRAPH_NOT_FOUND,
            format!("The graph {graph_id} does not exist."),
        )
    }
}

/// An authenticated call: its decoded path parameters, raw query and body.
#[derive(Debug)]
struct Call {
    params: HashMap<String, String>,
    query: Option<String>,
    body: Bytes,
}

impl Call {
    /// What the path and query name, for the journal: whatever is valid of it.
    fn target(&self, kind: OperationKind, limits: &PageLimits) -> Target {
        Target {
            project_id: self
                .params
                .get("project_id")
                .and_then(|value| value.parse().ok()),
            graph_id: self
                .params
                .get("graph_id")
                .and_then(|value| value.parse().ok()),
            page: match kind {
                OperationKind::ListGraphs => self.page(limits).ok(),
                _ => None,
            },
            graph_backup_id: match kind {
                OperationKind::StartGraph => self
                    .start_body()
                    .ok()
                    .flatten()
                    .and_then(|body| body.graph_backup_id),
                _ => None,
            },
            metrics: None,
        }
    }

    /// StartGraph's optional body: none (or an empty one) starts the graph from its own
    /// data, as ges-stop does; anything else must be the contract's JSON.
    fn start_body(&self) -> Result<Option<StartGraphBody>, Refused> {
        if self.body.is_empty() {
            return Ok(None);
        }
        serde_json::from_slice(&self.body).map(Some).map_err(|err| {
            Refused::invalid(format!(
                "The request body is not a valid StartGraph body ({{\"graph_backup_id\": \"...\"}}): {err}."
            ))
        })
    }

    /// ListGraphs' page as asked, defaults applied; a `limit` above what the simulator
    /// accepts is refused.
    fn page(&self, limits: &PageLimits) -> Result<Page, Refused> {
        let offset = self.query_int("offset", 0, i32::MAX)?.unwrap_or(0);
        let most = i32::try_from(limits.refuse_over).unwrap_or(i32::MAX);
        let limit = self
            .query_int("limit", 1, most)?
            .unwrap_or(DEFAULT_LIST_LIMIT);
        // Both are non-negative, checked above.
        Ok(Page {
            offset: offset.unsigned_abs(),
            limit: limit.unsigned_abs(),
        })
    }

    /// A path parameter, checked against its generated type's rules.
    fn path_param<T>(&self, name: &str) -> Result<T, Refused>
    where
        T: std::str::FromStr<Err = runtime::ConstraintViolation>,
    {
        // The route template names every parameter an operation reads.
        let raw = self.params.get(name).map_or("", String::as_str);
        raw.parse().map_err(|err| {
            Refused::invalid(format!("The path parameter {name} is invalid: {err}."))
        })
    }

    /// An optional integer query parameter within `min..=max`.
    fn query_int(&self, name: &str, min: i32, max: i32) -> Result<Option<i32>, Refused> {
        let Some(raw) = &self.query else {
            return Ok(None);
        };
        let pairs = signing::decode_query(raw)
            .map_err(|err| Refused::invalid(format!("The query is invalid: {err}.")))?;
        let mut values = pairs.iter().filter(|(key, _)| key == name);
        let Some((_, value)) = values.next() else {
            return Ok(None);
        };
        if values.next().is_some() {
            return Err(Refused::invalid(format!(
                "The query parameter {name} is given more than once."
            )));
        }
        match value.parse::<i32>() {
            Ok(number) if (min..=max).contains(&number) => Ok(Some(number)),
            _ => Err(Refused::invalid(format!(
                "The query parameter {name} must be an integer from {min} to {max}, not {:?}.",
                shown(value)
            ))),
        }
    }
}

impl Served for StopGraphRequest {
    const KIND: OperationKind = OperationKind::StopGraph;

    fn operate(
        shared: &Shared,
        project_id: &ProjectId,
        call: &Call,
    ) -> Result<StopGraphResponse, Refused> {
        let graph_id: GraphId = call.path_param("graph_id")?;
        let now = shared.now();
        match shared.world().stop(project_id, &graph_id, now) {
            Ok(job_id) => Ok(StopGraphResponse::Ok(StopGraphResult {
                job_id: Some(job_id),
            })),
            Err(StopRefusal::UnknownGraph) => Err(Refused::graph_not_found(&graph_id)),
            Err(StopRefusal::NotRunning(_)) => Err(Refused::new(
                ErrorStatus::BadRequest,
                error_codes::GRAPH_NOT_RUNNING,
                error_codes::GRAPH_NOT_RUNNING_MSG,
            )),
        }
    }
}

impl Served for StartGraphRequest {
    const KIND: OperationKind = OperationKind::StartGraph;

    fn operate(
        shared: &Shared,
        project_id: &ProjectId,
        call: &Call,
    ) -> Result<StartGraphResponse, Refused> {
        let graph_id: GraphId = call.path_param("graph_id")?;
        // Checked, not used: the simulator keeps no backups, so a graph started from one
        // is the same graph; the journal records which backup was named.
        call.start_body()?;
        let now = shared.now();
        match shared.world().start(project_id, &graph_id, now) {
            Ok(job_id) => Ok(StartGraphResponse::Ok(StartGraphResult {
                job_id: Some(job_id),
            })),
            Err(StartRefusal::UnknownGraph) => Err(Refused::graph_not_found(&graph_id)),
            Err(StartRefusal::NotStopped(_)) => Err(Refused::new(
                ErrorStatus::BadRequest,
                error_codes::GRAPH_NOT_STOPPED,
                error_codes::GRAPH_NOT_STOPPED_MSG,
            )),
        }
    }
}

impl Served for ShowGraphRequest {
    const KIND: OperationKind = OperationKind::ShowGraph;

    fn operate(
        shared: &Shared,
        project_id: &ProjectId,
        call: &Call,
    ) -> Result<ShowGraphResponse, Refused> {
        let graph_id: GraphId = call.path_param("graph_id")?;
        let now = shared.now();
        match shared.world().graph(project_id, &graph_id, now) {
            Some(graph) => Ok(ShowGraphResponse::Ok(ShowGraphResult { graph })),
            None => Err(Refused::graph_not_found(&graph_id)),
        }
    }
}

impl Served for ListGraphsRequest {
    const KIND: OperationKind = OperationKind::ListGraphs;

    fn operate(
        shared: &Shared,
        project_id: &ProjectId,
        call: &Call,
    ) -> Result<ListGraphsResponse, Refused> {
        let page = call.page(&shared.page_limits)?;
        let now = shared.now();
        let held = shared.page_limits.held(page.limit) as usize;
        let listing = shared.faults().listing();
        let (count, graphs) = match listing {
            None => shared
                .world()
                .list(project_id, page.offset as usize, held, now),
            Some(ListingFault::IgnoresOffset) => shared.world().list(project_id, 0, held, now),
            Some(ListingFault::Endless) => fault::endless_page(page.offset as usize, held),
        };
        Ok(ListGraphsResponse::Ok(ListGraphsResult {
            graph_count: i32::try_from(count).unwrap_or(i32::MAX),
            graphs,
        }))
    }
}

impl Served for ShowJobRequest {
    const KIND: OperationKind = OperationKind::ShowJob;

    fn operate(
        shared: &Shared,
        project_id: &ProjectId,
        call: &Call,
    ) -> Result<ShowJobResponse, Refused> {
        let graph_id: GraphId = call.path_param("graph_id")?;
        let job_id: JobId = call.path_param("job_id")?;
        let now = shared.now();
        match shared.world().job(project_id, &graph_id, &job_id, now) {
            Ok(job) => Ok(ShowJobResponse::Ok(job)),
            Err(JobLookupFailure::UnknownGraph) => Err(Refused::graph_not_found(&graph_id)),
            Err(JobLookupFailure::UnknownJob) => Err(Refused::new(
                ErrorStatus::NotFound,
                error_codes::JOB_NOT_FOUND,
                format!("The job {job_id} of graph {graph_id} does not exist."),
            )),
        }
    }
}

/// The handler of every operation.
async fn handle<Op: Served>(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let mut handled = Handled {
        operation: Some(Op::KIND),
        ..Handled::default()
    };
    let mut delivery = None;
    let outcome = answer::<Op>(&shared, request, &mut handled, &mut delivery).await;
    let response = match outcome {
        Ok(answer) => answer::documented(&answer),
        Err(refused) => match Op::Response::refusal(refused.status.code(), refused.body.clone()) {
            Some(answer) => answer::documented(&answer),
            None => render_error(refused.status.code(), &refused.body),
        },
    };
    fault::sent(response, delivery, handled).await
}

/// Runs the checks of the module docs, then the operation; tells the journal what it
/// learnt through `handled`.
async fn answer<Op: Served>(
    shared: &Shared,
    request: Request,
    handled: &mut Handled,
    delivery: &mut Option<Fault>,
) -> Result<Op::Response, Refused> {
    let (mut parts, body) = request.into_parts();
    // Read before any check, so that the journal names the project and graph of a
    // refused request too (a test counting calls per project counts those); a path
    // that cannot be read is refused in its turn, after authentication.
    let mut call = Path::<HashMap<String, String>>::from_request_parts(&mut parts, &())
        .await
        .map(|Path(params)| Call {
            params,
            query: parts.uri.query().map(str::to_owned),
            body: Bytes::new(),
        })
        .map_err(|rejection| {
            Refused::invalid(format!(
                "The path parameters could not be read: {rejection}."
            ))
        });
    if let Ok(call) = &call {
        handled.target = call.target(Op::KIND, &shared.page_limits);
    }
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            Refused::invalid(format!(
                "The request body could not be read, or is larger than {MAX_BODY_BYTES} bytes."
            ))
        })?;
    if let Ok(call) = &mut call {
        call.body = body.clone();
        // Again, now that the body a start may name a backup in has come.
        handled.target = call.target(Op::KIND, &shared.page_limits);
    }

    let (scheme, scope) = match shared.authenticate(&parts, &body) {
        Ok(authenticated) => authenticated,
        Err(refusal) => {
            handled.authentication = refusal.authentication();
            return Err(Refused::new(
                ErrorStatus::Unauthorized,
                error_codes::AUTHENTICATION_FAILED,
                refusal.message,
            ));
        }
    };
    handled.authentication = Authentication::Accepted(scheme);

    let call = call?;
    let project_id: ProjectId = call.path_param("project_id")?;
    shared
        .admit(&parts, scheme, scope.as_ref(), &project_id)
        .map_err(Refused::forbidden)?;

    let graph_id = call.params.get("graph_id").map(String::as_str);
    let fault = shared.take_fault(Op::KIND, graph_id);
    let refuse = |injected| {
        let (status, code) = match injected {
            Injected::InternalServerError => (
                ErrorStatus::InternalServerError,
                error_codes::INTERNAL_ERROR,
            ),
            Injected::ServiceUnavailable => (
                ErrorStatus::ServiceUnavailable,
                error_codes::SERVICE_UNAVAILABLE,
            ),
            Injected::Throttled => (ErrorStatus::TooManyRequests, error_codes::THROTTLED),
        };
        Refused::new(
            status,
            code,
            format!(
                "Injected fault: the simulator was asked to fail this {} call.",
                Op::KIND
            ),
        )
    };
    // Answers that go wrong on the wire: `handle` hands the rendered answer to
    // `fault::deliver`, which sends what the fault says instead.
    fault::carry_out(
        fault,
        delivery,
        || Op::operate(shared, &project_id, &call),
        refuse,
    )
    .await
}

/// Any path or method that is not an operation.
async fn no_such_api(request: Request) -> Response {
    let path = shown(request.uri().path());
    let body = Refused::new(
        ErrorStatus::NotFound,
        error_codes::API_NOT_FOUND,
        format!(
            "The API does not exist or has not been published in the environment: no \
             operation is {} {path}.",
            request.method()
        ),
    )
    .body;
    let mut response = render_error(StatusCode::NOT_FOUND, &body);
    response.extensions_mut().insert(Handled::default());
    response
}

/// An error answer the contract does not document for the operation (429, or the
/// answer to an unknown route).
fn render_error(status: StatusCode, body: &ErrorBody) -> Response {
    match runtime::encode_json("error body", body) {
        Ok(body) => answer::json(status, body),
        Err(err) => {
            tracing::error!(%err, "could not encode an error body");
            answer::internal_error()
        }
    }
}

/// Gives every answer an `X-Request-Id`, and records and logs the exchange.
///
/// The exchange runs on a task of its own, so that a request is carried out and
/// journaled even when its client gives up (times out, or drops the connection) before
/// the answer: a test then still sees every attempt that reached the simulator.
async fn record(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    tokio::spawn(record_exchange(shared, request, next))
        .await
        .unwrap_or_else(|_| answer::internal_error())
}

async fn record_exchange(shared: Arc<Shared>, request: Request, next: Next) -> Response {
    let request_id = shared.request_ids.next();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let access_key = signed_by(&request);

    let mut response = next.run(request).await;

    let handled = response
        .extensions()
        .get::<Handled>()
        .cloned()
        .unwrap_or_default();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    // A connection dropped by a fault before its status line was sent: no status.
    let status = match response.extensions().get::<fault::Dropped>() {
        Some(_) => 0,
        None => response.status().as_u16(),
    };
    tracing::debug!(
        %request_id,
        %method,
        %path,
        query = query.as_deref().unwrap_or(""),
        operation = ?handled.operation,
        authentication = ?handled.authentication,
        status,
        "simulator answered",
    );
    shared.record(RequestRecord {
        request_id,
        method,
        path,
        query,
        operation: handled.operation,
        project_id: handled.target.project_id,
        graph_id: handled.target.graph_id,
        page: handled.target.page,
        graph_backup_id: handled.target.graph_backup_id,
        metrics: handled.target.metrics,
        authentication: handled.authentication,
        access_key,
        status,
    });
    response
}

/// The access key a request's one `SDK-HMAC-SHA256` `Authorization` header names.
fn signed_by(request: &Request) -> Option<String> {
    let mut values = request
        .headers()
        .get_all(http::header::AUTHORIZATION)
        .iter();
    match (values.next(), values.next()) {
        (Some(value), None) => signing::parse_authorization(value.to_str().ok()?)
            .ok()
            .map(|parsed| parsed.access_key),
        _ => None,
    }
}
