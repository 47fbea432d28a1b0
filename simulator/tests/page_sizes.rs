//! ListGraphs page sizes: GES's default page of 10 when no `limit` is given, and the two
//! ways a server may treat a large `limit` that a client must cope with: answering
//! fewer graphs than asked ([`SimulatorBuilder::cap_list_limit`]), or refusing the page
//! with `400` ([`SimulatorBuilder::refuse_list_limit_over`]).

mod common;

use common::{Answer, PROJECT, builder, get};
use ges_simulator::{
    GraphSpec, Page, RunningSimulator, SimulatorBuilder, SimulatorError, error_codes,
};

/// The common builder's three graphs and 22 numbered ones: 25 in all.
const GRAPHS: usize = 25;

fn fleet() -> SimulatorBuilder {
    builder().graphs((0..22).map(|n| GraphSpec::numbered(n, format!("fleet-{n}"))))
}

async fn start(builder: SimulatorBuilder) -> RunningSimulator {
    builder.start().await.expect("the simulator starts")
}

async fn list(sim: &RunningSimulator, query: &str) -> Answer {
    get(sim, &format!("/v2/{PROJECT}/graphs{query}")).await
}

fn held(answer: &Answer) -> usize {
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["graph_count"], GRAPHS, "{answer:?}");
    answer.body["graphs"].as_array().expect("graphs").len()
}

fn last_page_asked(sim: &RunningSimulator) -> Option<Page> {
    sim.requests().pop().expect("a request").page
}

/// Pages from offset 0 by what each answer holds, as a client must; returns each
/// page's size.
async fn page_through(sim: &RunningSimulator, limit: Option<u32>) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut offset = 0;
    while offset < GRAPHS {
        let query = match limit {
            Some(limit) => format!("?offset={offset}&limit={limit}"),
            None => format!("?offset={offset}"),
        };
        let answer = list(sim, &query).await;
        let size = held(&answer);
        assert!(size > 0, "an empty page before the end: {answer:?}");
        sizes.push(size);
        offset += size;
    }
    sizes
}

#[tokio::test]
async fn without_options_a_page_holds_ten_by_default_and_up_to_a_thousand() {
    let sim = start(fleet()).await;
    assert_eq!(held(&list(&sim, "").await), 10);
    assert_eq!(
        last_page_asked(&sim),
        Some(Page {
            offset: 0,
            limit: 10
        })
    );
    assert_eq!(held(&list(&sim, "?limit=1000").await), GRAPHS);
    let refused = list(&sim, "?limit=1001").await;
    assert_eq!(refused.status, 400, "{refused:?}");
    assert_eq!(refused.error_code(), error_codes::INVALID_PARAMETER);
}

#[tokio::test]
async fn a_capped_page_holds_no_more_than_the_cap_whatever_was_asked() {
    let sim = start(fleet().cap_list_limit(7)).await;
    assert_eq!(held(&list(&sim, "?limit=1000").await), 7);
    assert_eq!(
        last_page_asked(&sim),
        Some(Page {
            offset: 0,
            limit: 1000
        }),
        "the journal keeps what was asked"
    );
    assert_eq!(
        held(&list(&sim, "").await),
        7,
        "the default page is capped too"
    );
    assert_eq!(
        held(&list(&sim, "?limit=3").await),
        3,
        "smaller pages are as asked"
    );
    assert_eq!(page_through(&sim, Some(1000)).await, [7, 7, 7, 4]);
}

#[tokio::test]
async fn a_page_larger_than_allowed_is_refused_with_a_ges_error_naming_limit() {
    let sim = start(fleet().refuse_list_limit_over(20)).await;
    let refused = list(&sim, "?limit=1000").await;
    assert_eq!(refused.status, 400, "{refused:?}");
    assert_eq!(refused.content_type.as_deref(), Some("application/json"));
    assert_eq!(refused.error_code(), error_codes::INVALID_PARAMETER);
    assert!(refused.error_msg().contains("limit"), "{refused:?}");
    assert!(refused.error_msg().contains("1 to 20"), "{refused:?}");
    assert_eq!(last_page_asked(&sim), None, "a refused page is not a page");
    assert_eq!(
        refused.body.as_object().map(|body| body.len()),
        Some(2),
        "{refused:?}"
    );

    assert_eq!(held(&list(&sim, "?limit=20").await), 20);
    assert_eq!(held(&list(&sim, "").await), 10, "no limit is never refused");
}

#[tokio::test]
async fn a_client_refused_a_large_first_page_falls_back_to_the_default_page() {
    let sim = start(fleet().refuse_list_limit_over(100)).await;
    let first = list(&sim, "?offset=0&limit=1000").await;
    assert_eq!(first.status, 400, "{first:?}");
    assert_eq!(page_through(&sim, None).await, [10, 10, 5]);
}

#[tokio::test]
async fn a_server_may_allow_more_than_the_contracts_thousand() {
    let sim = start(fleet().refuse_list_limit_over(5000)).await;
    assert_eq!(held(&list(&sim, "?limit=5000").await), GRAPHS);
    assert_eq!(list(&sim, "?limit=5001").await.status, 400);
}

#[tokio::test]
async fn refusing_and_capping_combine() {
    let sim = start(fleet().refuse_list_limit_over(100).cap_list_limit(8)).await;
    assert_eq!(list(&sim, "?limit=101").await.status, 400);
    assert_eq!(page_through(&sim, Some(100)).await, [8, 8, 8, 1]);
}

#[tokio::test]
async fn a_zero_page_size_option_is_refused_at_start() {
    for (builder, option) in [
        (fleet().cap_list_limit(0), "cap_list_limit"),
        (fleet().refuse_list_limit_over(0), "refuse_list_limit_over"),
    ] {
        let err = builder.start().await.expect_err("zero is refused");
        assert!(
            matches!(err, SimulatorError::UnusableListLimit { option: named } if named == option),
            "{err}"
        );
        assert!(err.to_string().contains(option), "{err}");
    }
}
