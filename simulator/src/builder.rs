//! Configuring a simulator: its project, graphs, credentials, timing and address,
//! checked before anything listens.

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use ges_api::types::{GraphId, ProjectId};

use crate::SimulatorError;
use crate::auth::Credentials;
use crate::iam::IamConfig;
use crate::server::{self, RunningSimulator};
use crate::state::GraphSpec;

/// The project a simulator serves unless told otherwise.
pub const DEFAULT_PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";

/// How long a stop takes unless told otherwise: long enough to watch `901`, short
/// enough for a demo.
pub const DEFAULT_STOP_DURATION: Duration = Duration::from_secs(3);

/// Builds a simulator; see [`crate::Simulator::builder`].
#[derive(Debug, Clone)]
pub struct SimulatorBuilder {
    project_id: Option<ProjectId>,
    graphs: Vec<GraphSpec>,
    credentials: Credentials,
    iam: IamConfig,
    stop_duration: Duration,
    listen: SocketAddr,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        Self {
            project_id: None,
            graphs: Vec::new(),
            credentials: Credentials::default(),
            iam: IamConfig::default(),
            stop_duration: DEFAULT_STOP_DURATION,
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        }
    }
}

impl SimulatorBuilder {
    /// The one project the simulator serves; [`DEFAULT_PROJECT_ID`] if not set. Calls
    /// for any other project are answered `403`.
    #[must_use]
    pub fn project_id(mut self, project_id: ProjectId) -> Self {
        self.project_id = Some(project_id);
        self
    }

    /// One more graph. Graphs are listed in the order they are added.
    #[must_use]
    pub fn graph(mut self, graph: GraphSpec) -> Self {
        self.graphs.push(graph);
        self
    }

    /// More graphs, in order.
    #[must_use]
    pub fn graphs(mut self, graphs: impl IntoIterator<Item = GraphSpec>) -> Self {
        self.graphs.extend(graphs);
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

    /// The region the project is named after in IAM (token scopes by name, and
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

    /// How long a stop takes: the graph is `901` stopping, then `900` stopped; the
    /// job is `pending` for the first fifth of it, `running`, then `success`.
    /// [`DEFAULT_STOP_DURATION`] if not set; zero stops at once.
    #[must_use]
    pub fn stop_duration(mut self, stop_duration: Duration) -> Self {
        self.stop_duration = stop_duration;
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
            // IAM users can obtain tokens: nothing else is needed.
            Err(SimulatorError::NoCredentials) if self.iam.has_users() => {}
            checked => checked?,
        }
        let mut seen: HashSet<&GraphId> = HashSet::new();
        for graph in &self.graphs {
            if !seen.insert(&graph.id) {
                return Err(SimulatorError::DuplicateGraph {
                    id: graph.id.clone(),
                });
            }
        }
        let project_id = match self.project_id {
            Some(project_id) => project_id,
            None => DEFAULT_PROJECT_ID
                .parse()
                // Start-up invariant: a constant of 32 hex digits.
                .expect("the default project ID is a valid ProjectId"),
        };
        Ok(Config {
            project_id,
            graphs: self.graphs,
            credentials: self.credentials,
            iam: self.iam,
            stop_duration: self.stop_duration,
            listen: self.listen,
        })
    }
}

/// A checked configuration.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) project_id: ProjectId,
    pub(crate) graphs: Vec<GraphSpec>,
    pub(crate) credentials: Credentials,
    pub(crate) iam: IamConfig,
    pub(crate) stop_duration: Duration,
    pub(crate) listen: SocketAddr,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Simulator;

    #[test]
    fn a_non_loopback_address_is_refused() {
        let err = Simulator::builder()
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
            Simulator::builder()
                .token("t")
                .listen(addr.parse().unwrap())
                .check()
                .unwrap();
        }
    }

    #[test]
    fn a_simulator_without_credentials_is_refused() {
        let err = Simulator::builder().check().unwrap_err();
        assert!(matches!(err, SimulatorError::NoCredentials), "{err}");
    }

    #[test]
    fn graph_ids_must_differ() {
        let id: GraphId = "g".parse().unwrap();
        let err = Simulator::builder()
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

    #[test]
    fn the_default_project_is_used_when_none_is_set() {
        let config = Simulator::builder().token("t").check().unwrap();
        assert_eq!(config.project_id.as_str(), DEFAULT_PROJECT_ID);
    }
}
