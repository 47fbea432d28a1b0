//! Other regions than the configured one, which fleet selectors may name: each region's
//! GES endpoint, and its project when the selector names none (from IAM, which names a
//! region's default project after the region), kept while the function stays warm.

use std::collections::HashMap;

use ges_api::types::ProjectId;
use tokio::sync::Mutex;

use crate::config::Config;
use crate::config::endpoint::{Endpoint, Region};
use crate::credentials::iam;
use crate::ges::client::{ClientError, GesClient};

/// What is known of the regions a selector may name.
#[derive(Debug)]
pub struct Regions {
    /// The configured region, whose endpoint and project are the configuration's.
    home: Option<Region>,
    /// Every other known region's endpoint.
    endpoints: Vec<(Region, Endpoint)>,
    iam_endpoint: Option<Endpoint>,
    /// Projects found in IAM so far, by region.
    projects: Mutex<HashMap<&'static str, ProjectId>>,
}

/// Why another region's project could not be found.
#[derive(Debug, thiserror::Error)]
pub enum RegionError {
    /// No IAM endpoint to ask.
    #[error(
        "a selector names region {region} without a project_id, and no IAM endpoint is \
         configured to find that region's project: give \"project_id\" in the selector, or set \
         HUAWEICLOUD_SDK_IAM_ENDPOINT"
    )]
    NoIam {
        /// The region.
        region: Region,
    },
    /// IAM did not say.
    #[error("could not find the project of region {region} in IAM: {source}")]
    Lookup {
        /// The region.
        region: Region,
        /// Why. Boxed: a rare error need not make every `Result` large.
        source: Box<ClientError>,
    },
}

impl Regions {
    /// The regions as configured.
    pub fn new(config: &Config) -> Self {
        Self {
            home: config.region,
            endpoints: config.region_endpoints.clone(),
            iam_endpoint: config.iam_endpoint.clone(),
            projects: Mutex::new(HashMap::new()),
        }
    }

    /// `region` unless it is the configured one: a selector naming the configured
    /// region means the configured endpoint and project.
    pub fn other(&self, region: Option<Region>) -> Option<Region> {
        region.filter(|region| Some(*region) != self.home)
    }

    /// The GES endpoint of another region.
    pub fn endpoint(&self, region: Region) -> Endpoint {
        self.endpoints
            .iter()
            .find(|(known, _)| *known == region)
            .map(|(_, endpoint)| endpoint.clone())
            .unwrap_or_else(|| region.endpoint())
    }

    /// The default project of another region, asked of IAM with `client`'s credentials
    /// once, then kept.
    pub async fn project(
        &self,
        client: &GesClient,
        region: Region,
    ) -> Result<ProjectId, RegionError> {
        // Held across the IAM call: two selectors naming one region ask once.
        let mut known = self.projects.lock().await;
        if let Some(project_id) = known.get(region.name()) {
            return Ok(project_id.clone());
        }
        let iam_endpoint = self
            .iam_endpoint
            .as_ref()
            .ok_or(RegionError::NoIam { region })?;
        let project_id = iam::project_id_by_name(
            client.http(),
            iam_endpoint,
            region.name(),
            client.credentials(),
        )
        .await
        .map_err(|source| RegionError::Lookup {
            region,
            source: Box::new(ClientError::from(source)),
        })?;
        tracing::info!(region = region.name(), %project_id, "found the region's project in IAM");
        known.insert(region.name(), project_id.clone());
        Ok(project_id)
    }
}
