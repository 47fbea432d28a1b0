//! Graphs GES cannot change, known from the listing alone: fleet runs and reconciles
//! skip them without a call. Named-graph runs do not ask: there GES's own answer to the
//! stop is the last word.

use std::fmt;

use ges_api::types::Graph;

/// Why a listed graph is left alone whatever its status or schedule says: GES would
/// refuse the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unchangeable {
    /// A graph of the database edition (`product_type` `Persistence`), which GES cannot
    /// stop (its v2 stop page, api-ges ges_03_0348). `inferred` when GES left
    /// `product_type` out and the edition follows from the graph's size, as the official
    /// SDK documents (`Graph::edition`).
    DatabaseEdition {
        /// Whether the edition was read off the size rather than listed.
        inferred: bool,
    },
}

impl Unchangeable {
    /// Why GES cannot change `graph`, if it cannot. A graph of an edition the contract
    /// does not know is not taken for the database edition: it is called, and GES
    /// answers for it.
    pub fn of(graph: &Graph) -> Option<Self> {
        graph
            .is_database_edition()
            .then_some(Self::DatabaseEdition {
                inferred: graph.product_type.is_none(),
            })
    }
}

impl fmt::Display for Unchangeable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DatabaseEdition { inferred: false } => f.write_str(
                "the graph is of the database edition (product_type Persistence), which GES \
                 cannot stop",
            ),
            Self::DatabaseEdition { inferred: true } => f.write_str(
                "the graph is of the database edition (GES lists no product_type, and a graph \
                 of 100 billion edges is Persistence by default), which GES cannot stop",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ges_api::types::{GraphSizeTypeIndex, GraphStatus, ProductType};

    fn graph(product_type: Option<ProductType>, size: GraphSizeTypeIndex) -> Graph {
        Graph {
            id: "g".parse().unwrap(),
            name: None,
            status: GraphStatus::Running,
            tags: None,
            product_type,
            graph_size_type_index: Some(size),
            replication: None,
        }
    }

    #[test]
    fn only_the_database_edition_is_unchangeable_and_the_reason_says_how_it_was_known() {
        let listed = graph(
            Some(ProductType::Persistence),
            GraphSizeTypeIndex::MillionEdges,
        );
        assert_eq!(
            Unchangeable::of(&listed),
            Some(Unchangeable::DatabaseEdition { inferred: false })
        );
        let by_size = graph(None, GraphSizeTypeIndex::HundredBillionEdges);
        let inferred = Unchangeable::of(&by_size).unwrap();
        assert!(
            inferred.to_string().contains("no product_type"),
            "{inferred}"
        );
        for other in [
            graph(
                Some(ProductType::InMemory),
                GraphSizeTypeIndex::HundredBillionEdges,
            ),
            graph(
                Some(ProductType::from("Hybrid")),
                GraphSizeTypeIndex::MillionEdges,
            ),
            graph(None, GraphSizeTypeIndex::BillionEdges),
        ] {
            assert_eq!(Unchangeable::of(&other), None, "{other:?}");
        }
    }
}
