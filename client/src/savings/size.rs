//! GES's graph sizes, as a price table keys them: the values of a listed graph's
//! `graph_size_type_index`.

use std::fmt;
use std::str::FromStr;

/// The sizes GES has: `"0"` (10 thousand edges) to `"6"` (100 billion), and `"401"` (1
/// billion, enhanced), as the official SDKs' graph models list them
/// (huaweicloud-sdk-go-v3, `services/ges/v2/model/model_list_graphs_resp_graphs.go`).
const SIZES: [u16; 8] = [0, 1, 2, 3, 4, 5, 6, 401];

/// A graph size GES has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GraphSize(u16);

/// A size GES does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a graph size GES has: give one of \"0\" to \"6\" or \"401\" (graph_size_type_index)")]
pub struct UnknownSize(crate::input::Excerpt);

impl FromStr for GraphSize {
    type Err = UnknownSize;

    fn from_str(text: &str) -> Result<Self, UnknownSize> {
        SIZES
            .iter()
            .find(|size| size.to_string() == text)
            .map(|size| GraphSize(*size))
            .ok_or_else(|| UnknownSize(crate::input::Excerpt::with_limit(text, 20)))
    }
}

impl fmt::Display for GraphSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A listed graph's size and replicas: GES's list does not give them to this contract
/// yet, so every graph is of unknown size and one replica.
pub(crate) fn of_graph(_graph: &ges_api::types::Graph) -> (Option<GraphSize>, u32) {
    (None, 1)
}
