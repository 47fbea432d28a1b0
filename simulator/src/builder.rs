//! Configuring a simulator: its projects, graphs, credentials, keyless federation
//! (AWS STS and Huawei STS), timing and address, checked before anything listens.

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use ges_api::sts::{AgencyUrn, ProviderUrn};
use ges_api::types::{GraphId, ProjectId};

use crate::auth::Credentials;
use crate::aws_sts::{AwsCredentials, AwsStsConfig};
use crate::error::SimulatorError;
use crate::federation::FederationConfig;
use crate::iam::IamConfig;
use crate::server::{self, RunningSimulator};
use crate::shared::{Config, PageLimits, Project};
use crate::state::GraphSpec;

/// The project a simulator serves unless told otherwise.
pub const DEFAULT_PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";

/// How long a stop takes unless told otherwise: long enough to watch `901`, short
/// enough for a demo.
pub const DEFAULT_STOP_DURATION: Duration = Duration::from_secs(3);

/// How long a start takes unless told otherwise: as long as a stop, long enough to
/// watch `920`, short enough for a demo.
pub const DEFAULT_START_DURATION: Duration = DEFAULT_STOP_DURATION;

/// Builds a simulator; see [`crate::Simulator::builder`].
#[derive(Debug, Clone)]
pub struct SimulatorBuilder {
    project_id: Option<ProjectId>,
    /// ID and IAM name of each project served besides the main one.
    extra_projects: Vec<(ProjectId, String)>,
    /// Each graph with its project; `None` is the main project, whose ID may be set
    /// after the graph is added.
    graphs: Vec<(Option<ProjectId>, GraphSpec)>,
    credentials: Credentials,
    iam: IamConfig,
    aws_sts: AwsStsConfig,
    federation: FederationConfig,
    stop_duration: Duration,
    start_duration: Duration,
    page_limits: PageLimits,
    listen: SocketAddr,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        Self {
            project_id: None,
            extra_projects: Vec::new(),
            graphs: Vec::new(),
            credentials: Credentials::default(),
            iam: IamConfig::default(),
            aws_sts: AwsStsConfig::default(),
            federation: FederationConfig::default(),
            stop_duration: DEFAULT_STOP_DURATION,
            start_duration: DEFAULT_START_DURATION,
            page_limits: PageLimits::default(),
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        }
    }
}

impl SimulatorBuilder {
    /// The main project, named after the region in IAM; [`DEFAULT_PROJECT_ID`] if not
    /// set. Calls for a project the simulator does not serve are answered `403`.
    #[must_use]
    pub fn project_id(mut self, project_id: ProjectId) -> Self {
        self.project_id = Some(project_id);
        self
    }

    /// One more project to serve, with its own graphs, named `name` in IAM (token
    /// scopes by name, and `GET /v3/projects?name=`). Huawei Cloud names a region's
    /// project after the region (`cn-north-4`) and its sub-projects
    /// `{region}_{suffix}` (`cn-north-4_dev`). IDs and names must differ from every
    /// other project's, the main one's included.
    #[must_use]
    pub fn extra_project(mut self, project_id: ProjectId, name: impl Into<String>) -> Self {
        self.extra_projects.push((project_id, name.into()));
        self
    }

    /// One more graph, in the main project. A project lists its graphs in the order
    /// they are added.
    #[must_use]
    pub fn graph(mut self, graph: GraphSpec) -> Self {
        self.graphs.push((None, graph));
        self
    }

    /// More graphs in the main project, in order.
    #[must_use]
    pub fn graphs(mut self, graphs: impl IntoIterator<Item = GraphSpec>) -> Self {
        self.graphs
            .extend(graphs.into_iter().map(|graph| (None, graph)));
        self
    }

    /// One more graph, in this project: the main one or one added with
    /// [`Self::extra_project`] (else [`Self::start`] fails with
    /// [`SimulatorError::UnknownProject`]). A graph ID must be unique across all
    /// projects.
    #[must_use]
    pub fn graph_in(mut self, project_id: ProjectId, graph: GraphSpec) -> Self {
        self.graphs.push((Some(project_id), graph));
        self
    }

    /// Accepts `X-Auth-Token: {token}`. Call it again to accept several tokens.
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.credentials.add_token(token.into());
        self
    }

    /// Accepts requests signed (`SDK-HMAC-SHA256`) with this access key and secret
    /// key. Call it again to accept several keys.
    #[must_use]
    pub fn ak_sk(mut self, access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        self.credentials
            .add_access_key(access_key.into(), secret_key.into());
        self
    }

    /// Lets IAM (`POST /v3/auth/tokens`) issue a token to this user of this domain
    /// (account) for this password; the tokens are accepted like [`Self::token`]s
    /// until they expire. Call it again for several users.
    #[must_use]
    pub fn iam_user(
        mut self,
        domain: impl Into<String>,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        self.iam
            .add_user(domain.into(), user.into(), password.into());
        self
    }

    /// Lets IAM issue an agency token (`assume_role`) for this agency of this domain,
    /// to a caller authenticated with a configured token or access key.
    #[must_use]
    pub fn iam_agency(mut self, domain: impl Into<String>, agency: impl Into<String>) -> Self {
        self.iam.add_agency(domain.into(), agency.into());
        self
    }

    /// The region the main project is named after in IAM (token scopes by name, and
    /// `GET /v3/projects?name=`); [`crate::DEFAULT_REGION`] if not set.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.iam.region = region.into();
        self
    }

    /// How long the tokens IAM issues live; [`crate::DEFAULT_TOKEN_LIFETIME`] (24 hours)
    /// if not set. Short lifetimes let tests see expiry and refresh.
    #[must_use]
    pub fn iam_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.iam.token_lifetime = lifetime;
        self
    }

    /// Lets AWS STS (`POST /`) accept `GetWebIdentityToken` calls SigV4-signed with
    /// this access key and secret key, and, when given, this session token in
    /// `X-Amz-Security-Token` (which is then required), as a Lambda role's credentials
    /// are. Without them every call is refused `InvalidClientTokenId`. Call it again to
    /// replace them.
    #[must_use]
    pub fn aws_credentials(
        mut self,
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        self.aws_sts.credentials = Some(AwsCredentials::new(
            access_key.into(),
            secret_key.into(),
            session_token,
        ));
        self
    }

    /// The region AWS STS signs for: a signature scoped to another region is refused
    /// `SignatureDoesNotMatch`. [`crate::DEFAULT_AWS_REGION`] if not set.
    #[must_use]
    pub fn aws_region(mut self, region: impl Into<String>) -> Self {
        self.aws_sts.region = region.into();
        self
    }

    /// The role AWS STS issues ID tokens about (their `sub` and `principal_id`; its
    /// account is their `aws_account`). [`crate::DEFAULT_AWS_ROLE_ARN`] if not set.
    #[must_use]
    pub fn aws_role_arn(mut self, role_arn: impl Into<String>) -> Self {
        self.aws_sts.role_arn = role_arn.into();
        self
    }

    /// Makes AWS STS refuse every `GetWebIdentityToken` with `403
    /// OutboundWebIdentityFederationDisabledException`, as for an account where
    /// `aws iam enable-outbound-web-identity-federation` was never run.
    #[must_use]
    pub fn aws_outbound_federation_disabled(mut self) -> Self {
        self.aws_sts.federation_disabled = true;
        self
    }

    /// Makes AWS STS refuse every `GetWebIdentityToken` with `403 AccessDenied`, as
    /// for a role without `sts:GetWebIdentityToken`.
    #[must_use]
    pub fn aws_deny_web_identity_token(mut self) -> Self {
        self.aws_sts.deny_all = true;
        self
    }

    /// Lets the role ask only for these audiences (as an `sts:IdentityTokenAudience`
    /// condition does); a call naming any other is refused `403 AccessDenied`. Any
    /// audience if not set.
    #[must_use]
    pub fn aws_token_audiences(
        mut self,
        audiences: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.aws_sts.audiences = Some(audiences.into_iter().map(Into::into).collect());
        self
    }

    /// How long the caller's own session still lasts: a `DurationSeconds` beyond it is
    /// refused `403 SessionDurationEscalationException`. No limit if not set.
    #[must_use]
    pub fn aws_session_remaining(mut self, remaining: Duration) -> Self {
        self.aws_sts.session_remaining = Some(remaining);
        self
    }

    /// Gives Huawei STS an OIDC identity provider: this URN, trusting the simulator's
    /// own AWS STS as its issuer ([`crate::RunningSimulator::issuer`]), accepting ID
    /// tokens for this audience. Call [`Self::oidc_audience`] for more audiences.
    /// With [`Self::oidc_agency`], the simulator needs no other credentials: the
    /// temporary ones STS issues are accepted by GES and IAM.
    #[must_use]
    pub fn oidc_provider(mut self, provider_urn: ProviderUrn, audience: impl Into<String>) -> Self {
        self.federation.provider = Some(provider_urn);
        self.federation.audiences.push(audience.into());
        self
    }

    /// One more audience the identity provider accepts.
    #[must_use]
    pub fn oidc_audience(mut self, audience: impl Into<String>) -> Self {
        self.federation.audiences.push(audience.into());
        self
    }

    /// The trust agency Huawei STS lets be assumed with an ID token of the identity
    /// provider; it trusts any subject unless [`Self::oidc_trusted_subject`] names
    /// some.
    #[must_use]
    pub fn oidc_agency(mut self, agency_urn: AgencyUrn) -> Self {
        self.federation.agency = Some(agency_urn);
        self
    }

    /// A subject (`sub`, for AWS the role ARN) the agency trusts; once one is named,
    /// a token of any other is refused `403 STS5.1301`. Call it again for several.
    #[must_use]
    pub fn oidc_trusted_subject(mut self, subject: impl Into<String>) -> Self {
        self.federation.subjects.push(subject.into());
        self
    }

    /// How long the temporary credentials Huawei STS issues live, whatever
    /// `duration_seconds` asked (which must still be 900 to 43,200): short lifetimes
    /// let tests see them expire and be refreshed. `duration_seconds` if not set.
    #[must_use]
    pub fn federated_credentials_lifetime(mut self, lifetime: Duration) -> Self {
        self.federation.lifetime = Some(lifetime);
        self
    }

    /// How long a stop takes: the graph is `901` stopping, then `900` stopped; the
    /// job is `pending` for the first fifth of it, `running`, then `success`.
    /// [`DEFAULT_STOP_DURATION`] if not set; zero stops at once.
    #[must_use]
    pub fn stop_duration(mut self, stop_duration: Duration) -> Self {
        self.stop_duration = stop_duration;
        self
    }

    /// How long a start takes: the graph is `920` starting, then `200` running; the
    /// job is `pending` for the first fifth of it, `running`, then `success`.
    /// [`DEFAULT_START_DURATION`] if not set; zero starts at once.
    #[must_use]
    pub fn start_duration(mut self, start_duration: Duration) -> Self {
        self.start_duration = start_duration;
        self
    }

    /// Answers every ListGraphs page with at most `most` graphs, however many its
    /// `limit` asked for (the default page of [`crate::DEFAULT_LIST_LIMIT`] included), as a
    /// server may that caps page sizes without saying so: a client must page by what
    /// each answer holds, up to `graph_count`. The journal still records the `limit`
    /// asked. No cap if not set; `most` must be at least 1, else [`Self::start`] fails
    /// with [`SimulatorError::UnusableListLimit`].
    #[must_use]
    pub fn cap_list_limit(mut self, most: u32) -> Self {
        self.page_limits.cap = Some(most);
        self
    }

    /// Refuses a ListGraphs `limit` above `most` with `400` and GES's error body,
    /// `{"error_code": "GES.8001", "error_msg": ...}` ([`crate::error_codes::INVALID_PARAMETER`],
    /// the message naming `limit` and the range accepted), as a server may that
    /// allows smaller pages than a client asks for. A request without a `limit` is
    /// never refused: it gets the default page. If not set, `limit`s up to 1000 (the
    /// contract's maximum) are accepted; `most` may also be above 1000, for a server that
    /// allows more. It must be at least 1, else [`Self::start`] fails with
    /// [`SimulatorError::UnusableListLimit`].
    #[must_use]
    pub fn refuse_list_limit_over(mut self, most: u32) -> Self {
        self.page_limits.refuse_over = most;
        self
    }

    /// Where to listen: a loopback address only (`127.0.0.0/8` or `::1`); port 0
    /// picks a free port. `127.0.0.1:0` if not set.
    #[must_use]
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Checks the configuration, binds the address and starts serving on the current
    /// Tokio runtime.
    pub async fn start(self) -> Result<RunningSimulator, SimulatorError> {
        let config = self.check()?;
        server::start(config).await
    }

    fn check(self) -> Result<Config, SimulatorError> {
        if !self.listen.ip().is_loopback() {
            return Err(SimulatorError::NotLoopback { addr: self.listen });
        }
        match self.credentials.check() {
            // IAM users can obtain tokens, and federation temporary credentials:
            // nothing else is needed.
            Err(SimulatorError::NoCredentials)
                if self.iam.has_users() || self.federation.is_complete() => {}
            checked => checked?,
        }
        if self
            .aws_sts
            .credentials
            .as_ref()
            .is_some_and(|credentials| !credentials.usable())
        {
            return Err(SimulatorError::UnusableCredential {
                what: "AWS access key, secret key or session token",
                hint: ", and the access key no slashes",
            });
        }
        for (option, most) in [
            ("cap_list_limit", self.page_limits.cap),
            ("refuse_list_limit_over", Some(self.page_limits.refuse_over)),
        ] {
            if most == Some(0) {
                return Err(SimulatorError::UnusableListLimit { option });
            }
        }
        let project_id = match self.project_id {
            Some(project_id) => project_id,
            None => DEFAULT_PROJECT_ID
                .parse()
                // Start-up invariant: a constant of 32 hex digits.
                .expect("the default project ID is a valid ProjectId"),
        };
        let projects = projects(project_id.clone(), &self.iam.region, self.extra_projects)?;
        let mut seen: HashSet<&GraphId> = HashSet::new();
        for (_, graph) in &self.graphs {
            if !seen.insert(&graph.id) {
                return Err(SimulatorError::DuplicateGraph {
                    id: graph.id.clone(),
                });
            }
        }
        let graphs = self
            .graphs
            .into_iter()
            .map(|(project, graph)| match project {
                None => Ok((project_id.clone(), graph)),
                Some(project) if projects.iter().any(|p| p.id == project) => Ok((project, graph)),
                Some(project) => Err(SimulatorError::UnknownProject {
                    project_id: project,
                }),
            })
            .collect::<Result<_, _>>()?;
        Ok(Config {
            project_id,
            projects,
            graphs,
            credentials: self.credentials,
            iam: self.iam,
            aws_sts: self.aws_sts,
            federation: self.federation,
            stop_duration: self.stop_duration,
            start_duration: self.start_duration,
            page_limits: self.page_limits,
            listen: self.listen,
        })
    }
}

/// The projects served, the main one first, checked for clashes: IAM finds a project
/// by ID or by name, so neither may name two.
fn projects(
    main: ProjectId,
    region: &str,
    extra: Vec<(ProjectId, String)>,
) -> Result<Vec<Project>, SimulatorError> {
    let mut projects = vec![Project {
        id: main,
        name: region.to_owned(),
    }];
    for (id, name) in extra {
        if let Some(clash) = projects.iter().find(|p| p.id == id || p.name == name) {
            let clashing = if clash.id == id { id.to_string() } else { name };
            return Err(SimulatorError::DuplicateProject { project: clashing });
        }
        projects.push(Project { id, name });
    }
    Ok(projects)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::DEFAULT_REGION;

    #[test]
    fn a_non_loopback_address_is_refused() {
        let err = SimulatorBuilder::default()
            .token("t")
            .listen("0.0.0.0:0".parse().unwrap())
            .check()
            .unwrap_err();
        assert!(matches!(err, SimulatorError::NotLoopback { .. }), "{err}");
        assert!(err.to_string().contains("0.0.0.0:0"), "{err}");
    }

    #[test]
    fn loopback_addresses_are_accepted() {
        for addr in ["127.0.0.1:0", "127.0.0.2:0", "[::1]:0"] {
            SimulatorBuilder::default()
                .token("t")
                .listen(addr.parse().unwrap())
                .check()
                .unwrap();
        }
    }

    #[test]
    fn a_simulator_without_credentials_is_refused() {
        let err = SimulatorBuilder::default().check().unwrap_err();
        assert!(matches!(err, SimulatorError::NoCredentials), "{err}");
    }

    #[test]
    fn federation_alone_is_enough_credentials() {
        let provider = "iam::0a1b:identityProvider:aws".parse().unwrap();
        let agency = "iam::0a1b:agency:ges-stop".parse().unwrap();
        let without_agency = SimulatorBuilder::default().oidc_provider(provider, "aud");
        assert!(matches!(
            without_agency.clone().check(),
            Err(SimulatorError::NoCredentials)
        ));
        without_agency.oidc_agency(agency).check().unwrap();
    }

    #[test]
    fn graph_ids_must_differ() {
        let id: GraphId = "g".parse().unwrap();
        let err = SimulatorBuilder::default()
            .token("t")
            .graph(GraphSpec::running(id.clone(), "a"))
            .graph(GraphSpec::running(id, "b"))
            .check()
            .unwrap_err();
        assert!(
            matches!(err, SimulatorError::DuplicateGraph { .. }),
            "{err}"
        );
    }

    fn project(value: &str) -> ProjectId {
        value.parse().unwrap()
    }

    #[test]
    fn graph_ids_must_differ_across_projects() {
        let err = SimulatorBuilder::default()
            .token("t")
            .extra_project(project("b"), "cn-north-4_b")
            .graph(GraphSpec::numbered(1, "a"))
            .graph_in(project("b"), GraphSpec::numbered(1, "b"))
            .check()
            .unwrap_err();
        assert!(
            matches!(err, SimulatorError::DuplicateGraph { .. }),
            "{err}"
        );
    }

    #[test]
    fn a_graph_of_an_unknown_project_is_refused() {
        let err = SimulatorBuilder::default()
            .token("t")
            .graph_in(project("nowhere"), GraphSpec::numbered(1, "a"))
            .check()
            .unwrap_err();
        assert!(
            matches!(&err, SimulatorError::UnknownProject { project_id } if project_id.as_str() == "nowhere"),
            "{err}"
        );
        assert!(err.to_string().contains("nowhere"), "{err}");
    }

    #[test]
    fn project_ids_and_names_must_differ() {
        for (id, name) in [
            (DEFAULT_PROJECT_ID, "cn-north-4_dev"),
            ("b", DEFAULT_REGION),
        ] {
            let err = SimulatorBuilder::default()
                .token("t")
                .extra_project(project(id), name)
                .check()
                .unwrap_err();
            assert!(
                matches!(err, SimulatorError::DuplicateProject { .. }),
                "{id} {name}: {err}"
            );
        }
    }

    #[test]
    fn graphs_land_in_their_projects_and_the_main_project_may_be_set_last() {
        let config = SimulatorBuilder::default()
            .token("t")
            .graph(GraphSpec::numbered(1, "main"))
            .extra_project(project("b"), "cn-north-4_b")
            .graph_in(project("b"), GraphSpec::numbered(2, "b"))
            .graph_in(project("m"), GraphSpec::numbered(3, "main too"))
            .project_id(project("m"))
            .check()
            .unwrap();
        let placed: Vec<(&str, &str)> = config
            .graphs
            .iter()
            .map(|(p, g)| (p.as_str(), g.name.as_str()))
            .collect();
        assert_eq!(placed, [("m", "main"), ("b", "b"), ("m", "main too")]);
        let names: Vec<&str> = config.projects.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, [DEFAULT_REGION, "cn-north-4_b"]);
    }

    #[test]
    fn the_default_project_is_used_when_none_is_set() {
        let config = SimulatorBuilder::default().token("t").check().unwrap();
        assert_eq!(config.project_id.as_str(), DEFAULT_PROJECT_ID);
    }
}
