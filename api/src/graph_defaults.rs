//! What a graph's optional fields mean when GES leaves them out: its edition and its
//! replica count, each decided here and nowhere else.
//!
//! The rules are the official SDK's (huaweicloud-sdk-go-v3
//! `services/ges/v2/model/model_list_graphs_resp_graphs.go` and
//! `model_show_graph_resp_graph.go`): `product_type` defaults to `InMemory`, or to
//! `Persistence` when `graph_size_type_index` is `"6"`; `replication` defaults to 1.

use std::num::NonZeroU32;

use crate::types::{Graph, GraphSizeTypeIndex, ProductType};

impl Graph {
    /// The graph's edition: `product_type` as GES sent it (an edition the contract does
    /// not list stays `Unknown`), or, when GES left it out, the SDK's default: the
    /// database edition for a 100-billion-edge graph, the in-memory edition otherwise.
    pub fn edition(&self) -> ProductType {
        match (&self.product_type, &self.graph_size_type_index) {
            (Some(edition), _) => edition.clone(),
            (None, Some(GraphSizeTypeIndex::HundredBillionEdges)) => ProductType::Persistence,
            (None, _) => ProductType::InMemory,
        }
    }

    /// Whether GES says the graph is of the database edition, which it cannot stop. An
    /// unknown edition is not: its graphs are called, and GES's own answer decides.
    pub fn is_database_edition(&self) -> bool {
        self.edition() == ProductType::Persistence
    }

    /// How many replicas the graph has: `replication`, 1 when GES left it out, `None`
    /// when GES sent a count below 1, which no graph has (a caller that multiplies by it
    /// says it does not know, rather than count a graph as free).
    pub fn replicas(&self) -> Option<NonZeroU32> {
        match self.replication {
            None => Some(NonZeroU32::MIN),
            Some(count) => u32::try_from(count).ok().and_then(NonZeroU32::new),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::GraphStatus;

    fn graph(
        product_type: Option<ProductType>,
        size: Option<GraphSizeTypeIndex>,
        replication: Option<i32>,
    ) -> Graph {
        Graph {
            id: "g".parse().unwrap(),
            name: None,
            status: GraphStatus::Running,
            tags: None,
            product_type,
            graph_size_type_index: size,
            replication,
        }
    }

    #[test]
    fn an_absent_edition_is_persistence_only_for_the_hundred_billion_size() {
        for size in GraphSizeTypeIndex::KNOWN {
            let expected = if size == GraphSizeTypeIndex::HundredBillionEdges {
                ProductType::Persistence
            } else {
                ProductType::InMemory
            };
            assert_eq!(
                graph(None, Some(size.clone()), None).edition(),
                expected,
                "{size}"
            );
        }
        assert_eq!(graph(None, None, None).edition(), ProductType::InMemory);
        let new_size = GraphSizeTypeIndex::from("402");
        assert_eq!(
            graph(None, Some(new_size), None).edition(),
            ProductType::InMemory
        );
    }

    #[test]
    fn a_sent_edition_wins_over_the_size_default() {
        let hundred_billion = Some(GraphSizeTypeIndex::HundredBillionEdges);
        assert_eq!(
            graph(Some(ProductType::InMemory), hundred_billion, None).edition(),
            ProductType::InMemory
        );
        let small = Some(GraphSizeTypeIndex::MillionEdges);
        assert!(graph(Some(ProductType::Persistence), small, None).is_database_edition());
    }

    #[test]
    fn an_unknown_edition_is_kept_and_is_not_the_database_edition() {
        let unknown = ProductType::from("Hybrid");
        let g = graph(Some(unknown.clone()), None, None);
        assert_eq!(g.edition(), unknown);
        assert!(!g.is_database_edition());
    }

    #[test]
    fn replicas_default_to_one_and_a_count_below_one_is_unknown() {
        assert_eq!(
            graph(None, None, None).replicas().map(NonZeroU32::get),
            Some(1)
        );
        assert_eq!(
            graph(None, None, Some(3)).replicas().map(NonZeroU32::get),
            Some(3)
        );
        assert_eq!(graph(None, None, Some(0)).replicas(), None);
        assert_eq!(graph(None, None, Some(-2)).replicas(), None);
    }

    #[test]
    fn a_listing_with_an_unknown_size_and_edition_still_decodes() {
        let page: crate::types::ListGraphsResult = serde_json::from_str(
            r#"{"graph_count": 2, "graphs": [
                {"id": "a", "status": "200", "product_type": "Hybrid",
                 "graph_size_type_index": "999", "replication": 2},
                {"id": "b", "status": "200", "product_type": "Persistence",
                 "graph_size_type_index": "6"}]}"#,
        )
        .unwrap();
        assert_eq!(
            page.graphs[0].graph_size_type_index,
            Some(GraphSizeTypeIndex::Unknown("999".to_owned()))
        );
        assert_eq!(
            page.graphs[0].edition(),
            ProductType::Unknown("Hybrid".to_owned())
        );
        assert!(page.graphs[1].is_database_edition());
        assert_eq!(page.graphs[1].replicas().map(NonZeroU32::get), Some(1));
    }
}
