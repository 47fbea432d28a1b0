//! GES's graph sizes, as a price table keys them: the values the contract lists for a
//! graph's `graph_size_type_index` ([`GraphSizeTypeIndex`], generated from
//! openapi/ges.yaml, where each is cited).

use std::fmt;
use std::str::FromStr;

use ges_api::types::GraphSizeTypeIndex;

use crate::input::Excerpt;

/// A graph size the contract lists: one of [`GraphSizeTypeIndex::KNOWN`], ordered as
/// there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GraphSize(usize);

/// A size GES does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0} is not a graph size GES has: give one of \"0\" to \"6\" or \"401\" \
     (graph_size_type_index)"
)]
pub struct UnknownSize(Excerpt);

impl GraphSize {
    /// The size of a listed graph, when the contract knows it.
    pub fn of(listed: &GraphSizeTypeIndex) -> Option<Self> {
        GraphSizeTypeIndex::KNOWN
            .iter()
            .position(|known| known == listed)
            .map(GraphSize)
    }

    /// The size as the contract names it.
    pub fn index(self) -> GraphSizeTypeIndex {
        GraphSizeTypeIndex::KNOWN[self.0].clone()
    }
}

impl FromStr for GraphSize {
    type Err = UnknownSize;

    fn from_str(text: &str) -> Result<Self, UnknownSize> {
        Self::of(&GraphSizeTypeIndex::from(text))
            .ok_or_else(|| UnknownSize(Excerpt::with_limit(text, 20)))
    }
}

impl fmt::Display for GraphSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(GraphSizeTypeIndex::KNOWN[self.0].as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_the_contract_lists_reads_and_no_other() {
        for known in GraphSizeTypeIndex::KNOWN {
            let size: GraphSize = known.as_str().parse().unwrap();
            assert_eq!(size.index(), known);
            assert_eq!(size.to_string(), known.as_str());
        }
        for other in ["7", "402", "", " 1", "01", "one"] {
            assert!(other.parse::<GraphSize>().is_err(), "{other:?}");
        }
        assert!("0".parse::<GraphSize>().unwrap() < "401".parse::<GraphSize>().unwrap());
    }
}
