//! Support for the end-to-end tests under `tests/tests/`: where the workspace is, the
//! built binaries and the Python venv that `scripts/test` prepares ([`tools`]), the
//! Lambda function under a Lambda runtime emulator ([`lambda`]), a function binary as a
//! child process, its output and logs ([`process`]), the FunctionGraph function under the
//! simulator's FunctionGraph runtime ([`functiongraph`]), and the module-graph
//! check every crate is held to ([`modules`]); and pinned scenarios moved next to now
//! ([`shift`]).

#![warn(missing_docs)]

pub mod functiongraph;
pub mod lambda;
pub mod modules;
pub mod process;
pub mod shift;
pub mod tools;

pub use lambda::{Invocation, LambdaEmulator, LambdaFunction};
pub use process::{FunctionOutput, RunningBinary};
pub use tools::{
    cargo_lambda, ges_stop_binary, ges_stop_functiongraph_binary, ges_stop_lambda_binary, python,
    workspace_root,
};
