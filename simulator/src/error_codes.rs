//! The `error_code`s the simulator answers with, so that tests can match on them.
//!
//! Every error body is GES's flat shape, `{"error_code": ..., "error_msg": ...}`.
//! `GES.7001` and the `APIGW.*` codes are the real service's; the other `GES.*` codes
//! are the simulator's own choice (GES does not publish them for these cases).

/// `400`: stop on a graph that is not running. GES's own code and message.
pub const GRAPH_NOT_RUNNING: &str = "GES.7001";
/// GES's message for [`GRAPH_NOT_RUNNING`], word for word.
pub const GRAPH_NOT_RUNNING_MSG: &str = "The graph is not running.";
/// `400`: start on a graph that is not stopped (running, stopping, starting, or in any
/// other status but `900`). The simulator's choice: GES's code for this case is not
/// known here, so it takes the number after [`GRAPH_NOT_RUNNING`], the code of the
/// mirror-image refusal, in the same family.
pub const GRAPH_NOT_STOPPED: &str = "GES.7002";
/// The simulator's message for [`GRAPH_NOT_STOPPED`], worded like GES's
/// [`GRAPH_NOT_RUNNING_MSG`].
pub const GRAPH_NOT_STOPPED_MSG: &str = "The graph is not stopped.";
/// `400`: a path or query parameter breaks the contract's rules, a StartGraph body is
/// not valid JSON of the contract's shape, or the body is too big.
pub const INVALID_PARAMETER: &str = "GES.8001";
/// `403`: the path names a project the simulator does not serve, or one the caller may
/// not use: an IAM token scoped to another project, or a signed request whose
/// `X-Project-Id` names another project.
pub const WRONG_PROJECT: &str = "GES.8003";
/// `404`: no graph has the ID in the path.
pub const GRAPH_NOT_FOUND: &str = "GES.8011";
/// `404`: the graph has no job with the ID in the path.
pub const JOB_NOT_FOUND: &str = "GES.8012";
/// `500`: an injected [`crate::Fault::InternalServerError`], or a body that could not be
/// encoded.
pub const INTERNAL_ERROR: &str = "GES.8000";
/// `503`: an injected [`crate::Fault::ServiceUnavailable`].
pub const SERVICE_UNAVAILABLE: &str = "GES.8503";
/// `401`: missing, malformed, unknown, expired or wrongly signed credentials. The API
/// gateway's code.
pub const AUTHENTICATION_FAILED: &str = "APIGW.0301";
/// `404`: no operation has this path and method. The API gateway's code.
pub const API_NOT_FOUND: &str = "APIGW.0101";
/// `429`: an injected [`crate::Fault::Throttled`]. The API gateway's code.
pub const THROTTLED: &str = "APIGW.0308";
