//! The environment variables ges-stop reads, by name, and how they are read: a leaf
//! module, so that the configuration, the secret and the function's settings share the
//! names without depending on each other.

/// The variables this module reads. The `HUAWEICLOUD_SDK_*` ones are the official SDK's
/// names, so a team that already uses the SDK configures nothing new.
pub mod vars {
    /// The access key (AK) for request signing.
    pub const AK: &str = "HUAWEICLOUD_SDK_AK";
    /// The secret key (SK) for request signing.
    pub const SK: &str = "HUAWEICLOUD_SDK_SK";
    /// The security token that comes with temporary AK/SK credentials.
    pub const SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
    /// The default project ID.
    pub const PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
    /// The region, which gives the endpoint.
    pub const REGION: &str = "HUAWEICLOUD_SDK_REGION";
    /// An explicit GES endpoint, overriding the region's.
    pub const ENDPOINT: &str = "GES_ENDPOINT";
    /// An explicit Cloud Eye endpoint for the home region, overriding the region's.
    pub const CES_ENDPOINT: &str = "GES_CES_ENDPOINT";
    /// An IAM token, instead of AK/SK.
    pub const AUTH_TOKEN: &str = "GES_AUTH_TOKEN";
    /// The IAM endpoint tokens and the project are asked of (the official SDK's name).
    pub const IAM_ENDPOINT: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";
    /// The IAM user a password token is obtained for.
    pub const IAM_USER: &str = "GES_IAM_USER";
    /// That user's password.
    pub const IAM_PASSWORD: &str = "GES_IAM_PASSWORD";
    /// That user's domain (account) name.
    pub const IAM_DOMAIN: &str = "GES_IAM_DOMAIN";
    /// An agency to assume (`assume_role`) with the AK/SK or token configured.
    pub const IAM_AGENCY: &str = "GES_IAM_AGENCY";
    /// The name of the domain (account) that created that agency.
    pub const IAM_AGENCY_DOMAIN: &str = "GES_IAM_AGENCY_DOMAIN";
    /// An AWS Secrets Manager secret (name or ARN) holding credentials, read through
    /// the AWS Parameters and Secrets Lambda Extension.
    pub const SECRET_ID: &str = "HUAWEICLOUD_SDK_SECRET_ID";
    /// The extension's port (the extension's own variable).
    pub const SECRETS_EXTENSION_PORT: &str = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";
    /// The session token the extension wants back (set by Lambda).
    pub const AWS_SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
    /// Seconds to wait for a connection to GES.
    pub const CONNECT_TIMEOUT: &str = "GES_CONNECT_TIMEOUT_SECS";
    /// Seconds to wait for one whole request to GES.
    pub const REQUEST_TIMEOUT: &str = "GES_REQUEST_TIMEOUT_SECS";
    /// How many times one call to GES is sent at most, the first included.
    pub const MAX_ATTEMPTS: &str = "GES_MAX_ATTEMPTS";
    /// The graphs a classic scheduled event stops, comma-separated.
    pub const GRAPH_IDS: &str = "GES_GRAPH_IDS";
    /// The only graphs the function may stop, comma-separated; unset means any.
    pub const ALLOWED_GRAPH_IDS: &str = "GES_ALLOWED_GRAPH_IDS";
    /// The only projects the function may act in, comma-separated; unset means any.
    pub const ALLOWED_PROJECT_IDS: &str = "GES_ALLOWED_PROJECT_IDS";
    /// How many graphs one invocation stops at once.
    pub const MAX_CONCURRENCY: &str = "GES_MAX_CONCURRENCY";
    /// Seconds to wait for stop jobs when the runtime gives no usable deadline.
    pub const WAIT_TIMEOUT: &str = "GES_WAIT_TIMEOUT_SECS";
    /// Fleet selectors a classic scheduled event stops, as JSON: one selector object or
    /// an array of them.
    pub const SELECTORS: &str = "GES_SELECTORS";
    /// The tag, `key=value`, that keeps a graph out of every selection.
    pub const OPT_OUT_TAG: &str = "GES_OPT_OUT_TAG";
    /// How many graphs selectors may select before a run is refused.
    pub const MAX_GRAPHS: &str = "GES_MAX_GRAPHS";
    /// The schedules document itself, as JSON.
    pub const SCHEDULES: &str = "GES_SCHEDULES";
    /// A file holding the schedules document, for one larger than Lambda's 4 KB of
    /// environment.
    pub const SCHEDULES_FILE: &str = "GES_SCHEDULES_FILE";
    /// The price table `ges-stop savings` and the function's savings metric read, as
    /// JSON.
    pub const PRICES: &str = "GES_PRICES";
    /// A file holding the price table.
    pub const PRICES_FILE: &str = "GES_PRICES_FILE";
    /// The tag key whose value names a graph's schedule.
    pub const SCHEDULE_TAG: &str = "GES_SCHEDULE_TAG";
    /// What a compact schedule in a graph's schedule tag may do: `off`, `stop` (the
    /// default) or `start`.
    pub const TAG_SCHEDULES: &str = "GES_TAG_SCHEDULES";
    /// The tag key whose value keeps a graph out of its schedule until then.
    pub const SKIP_UNTIL_TAG: &str = "GES_SKIP_UNTIL_TAG";
    /// Minutes after a schedule's boundary in which a run acts on it.
    pub const RECONCILE_WINDOW: &str = "GES_RECONCILE_WINDOW_MINUTES";
    /// How many hours a calendar read from a URL serves before a run fetches it again.
    pub const CALENDAR_REFRESH: &str = "GES_CALENDAR_REFRESH_HOURS";
    /// How many minutes late Cloud Eye's request counts arrive: idle and busy checks
    /// read up to now minus this.
    pub const CES_DELAY: &str = "GES_CES_DELAY_MINUTES";
    /// How many minutes apart reconciles run (the deployment's schedule says so; the
    /// function cannot tell): what each graph seen stopped counts in the metrics.
    pub const RECONCILE_INTERVAL: &str = "GES_RECONCILE_INTERVAL_MINUTES";
    /// How many minutes in the past a reconcile that acts may be evaluated at.
    pub const MAX_EVENT_AGE: &str = "GES_MAX_EVENT_AGE_MINUTES";
    /// The OIDC identity provider STS checks ID tokens against (the SDK's name).
    pub const OIDC_PROVIDER_URN: &str = "HUAWEICLOUD_OIDC_PROVIDER_URN";
    /// The trust agency assumed with an ID token (the SDK's name).
    pub const OIDC_AGENCY_URN: &str = "HUAWEICLOUD_OIDC_AGENCY_URN";
    /// An ID token, as it is (the SDK's name).
    pub const OIDC_ID_TOKEN: &str = "HUAWEICLOUD_OIDC_ID_TOKEN";
    /// A file holding the ID token, re-read at every exchange (the SDK's name).
    pub const OIDC_TOKEN_FILE: &str = "HUAWEICLOUD_OIDC_TOKEN_FILE";
    /// The agency session's name (the SDK's name).
    pub const OIDC_SESSION_NAME: &str = "HUAWEICLOUD_OIDC_SESSION_NAME";
    /// How long the temporary credentials last, in seconds (the SDK's name).
    pub const OIDC_DURATION_SECONDS: &str = "HUAWEICLOUD_OIDC_DURATION_SECONDS";
    /// A policy that narrows the session (the SDK's name).
    pub const OIDC_POLICY: &str = "HUAWEICLOUD_OIDC_POLICY";
    /// Predefined policies that narrow the session, comma-separated (the SDK's name).
    pub const OIDC_POLICY_IDS: &str = "HUAWEICLOUD_OIDC_POLICY_IDS";
    /// Huawei Cloud STS's endpoint (the SDK's name).
    pub const STS_ENDPOINT: &str = "HUAWEICLOUD_SDK_STS_ENDPOINT";
    /// The audience of the function's own ID token, asked of AWS STS.
    pub const OIDC_AWS_AUDIENCE: &str = "GES_OIDC_AWS_AUDIENCE";
    /// The algorithm AWS signs that token with: RS256 (the default) or ES384.
    pub const OIDC_AWS_ALGORITHM: &str = "GES_OIDC_AWS_ALGORITHM";
    /// How long that token lives, in seconds (60 to 3600, AWS's default 300).
    pub const OIDC_AWS_DURATION_SECONDS: &str = "GES_OIDC_AWS_DURATION_SECONDS";
    /// The Lambda role's access key ID (AWS's name).
    pub const AWS_ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
    /// The Lambda role's secret access key (AWS's name).
    pub const AWS_SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
    /// The function's AWS region (set by Lambda).
    pub const AWS_REGION: &str = "AWS_REGION";
    /// The AWS region, as the AWS CLI and SDKs also read it.
    pub const AWS_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
    /// AWS STS's endpoint, as the AWS SDKs read it.
    pub const AWS_ENDPOINT_URL_STS: &str = "AWS_ENDPOINT_URL_STS";
    /// Every AWS service's endpoint, as the AWS SDKs read it.
    pub const AWS_ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";
}

/// Reads variables: blank counts as unset, as consoles that cannot delete a variable
/// leave it empty; values are trimmed.
pub struct Vars<F>(pub F);

impl<F> std::fmt::Debug for Vars<F> {
    /// Names nothing: what the lookup holds may be a secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vars").finish_non_exhaustive()
    }
}

impl<F: Fn(&str) -> Option<String>> Vars<F> {
    /// A variable's trimmed value, if set and not blank.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    }
}
