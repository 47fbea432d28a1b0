//! What Cloud Eye's wire says about GES's request counts and a batch read's limits, that
//! the contract (openapi/ces.yaml) cannot type: written once, for the client's reads and
//! the simulator's answers alike.

/// GES's namespace in Cloud Eye (GES user guide, "Monitoring Clusters Using Cloud Eye",
/// usermanual-ges ges_01_0172).
pub const GES_NAMESPACE: &str = "SYS.GES";
/// GES's request-count metric ("Request Quantity"): requests a graph served, a count a
/// minute.
pub const REQUEST_COUNT_METRIC: &str = "ges004_request_count";
/// The dimension that names a graph; its value is the graph's ID (as Huawei's own
/// cloudeye-exporter builds it).
pub const GRAPH_DIMENSION: &str = "instance_id";
/// The most metrics a batch read may ask for (api-ces ces_03_0034, Table 2; older and
/// partner-region pages say 10, the regions ges-stop knows say 500).
pub const MAX_METRICS: usize = 500;
/// The most datapoints a batch read answers before Cloud Eye moves `from` forward,
/// silently (api-ces ces_03_0034: metrics x (to - from) / interval <= 3,000).
pub const MAX_DATAPOINTS: u32 = 3000;
/// The largest batch read body Cloud Eye takes (api-ces ces_03_0034).
pub const MAX_BODY_BYTES: usize = 512 * 1024;
/// A minute, in ms: the interval of GES's raw request count (period `1`).
pub const MINUTE_MS: i64 = 60_000;
