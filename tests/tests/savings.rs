//! `ges-stop savings` against the simulator on loopback, with the example schedules
//! (examples/schedules.json): the hours each schedule keeps its graphs stopped in
//! December 2026 (a skip date, a stop-only schedule, an overnight one, a graph kept out
//! by skip-until, one opted out, one naming no schedule of the document), the money
//! with a price table, and bad price tables refused before anything is sent.

use std::process::{Output, Stdio};
use std::time::Duration;

use ges_api::types::{GraphSizeTypeIndex, ProductType};
use ges_simulator::{GraphSpec, RunningSimulator, Simulator};
use ges_stop_e2e::{ges_stop_binary, workspace_root};
use serde_json::{Value, json};
use tokio::process::Command;

const TOKEN: &str = "e2e-savings-token";
const RUN_LIMIT: Duration = Duration::from_secs(30);
const TAG: &str = "ges-stop:schedule";

async fn simulator() -> RunningSimulator {
    let graph = |id: &str, name: &str| GraphSpec::running(id.parse().unwrap(), name);
    Simulator::builder()
        .graphs([
            graph("g-1", "search-prod")
                .with_tag(TAG, "office-hours")
                .with_size(GraphSizeTypeIndex::MillionEdges),
            graph("g-2", "etl-berlin")
                .with_tag(TAG, "nightly-stop")
                .with_size(GraphSizeTypeIndex::BillionEdges)
                .with_replicas(2),
            graph("g-3", "night-batch")
                .with_tag(TAG, "night-shift")
                .with_size(GraphSizeTypeIndex::BillionEdgesEnhanced),
            graph("g-4", "paused")
                .with_tag(TAG, "office-hours")
                .with_tag("ges-stop:skip-until", "2026-12-16"),
            graph("g-5", "kept")
                .with_tag(TAG, "office-hours")
                .with_tag("ges-stop:skip", "true"),
            graph("g-6", "lost").with_tag(TAG, "weekend"),
            graph("g-7", "plain"),
            graph("g-8", "archive")
                .with_tag(TAG, "office-hours")
                .with_edition(ProductType::Persistence),
        ])
        .token(TOKEN)
        .start()
        .await
        .unwrap()
}

async fn savings(simulator: &RunningSimulator, args: &[&str], env: &[(&str, &str)]) -> Output {
    let schedules = workspace_root().join("examples/schedules.json");
    let mut command = Command::new(ges_stop_binary());
    command
        .arg("savings")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GES_ENDPOINT", simulator.base_url())
        .env("GES_AUTH_TOKEN", TOKEN)
        .env(
            "HUAWEICLOUD_SDK_PROJECT_ID",
            simulator.project_id().to_string(),
        )
        .env("GES_SCHEDULES_FILE", schedules)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .kill_on_drop(true);
    tokio::time::timeout(RUN_LIMIT, command.output())
        .await
        .expect("ges-stop finished in time")
        .expect("ges-stop ran")
}

const PRICES: &str = r#"{"currency": "USD", "per_hour": {"1": 1.25, "4": 12.0}}"#;

/// Each graph's name, hours stopped and money (or why not), in the listing's order.
fn by_graph(answer: &Value) -> Vec<Value> {
    answer["graphs"]
        .as_array()
        .unwrap_or_else(|| panic!("no graphs: {answer}"))
        .iter()
        .map(|graph| {
            json!([
                graph["name"],
                graph["stopped_hours"],
                graph["saved"],
                graph["reason"]
            ])
        })
        .collect()
}

#[tokio::test]
async fn december_on_the_example_schedules_in_hours_and_dollars() {
    let simulator = simulator().await;
    let output = savings(
        &simulator,
        &["--month", "2026-12", "--output", "json"],
        &[("GES_PRICES", PRICES)],
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["from"], "2026-12-01");
    assert_eq!(answer["to"], "2026-12-31");
    assert_eq!(answer["currency"], "USD");
    // office-hours (Shanghai): 23 weekdays in December, less the 25th, of 12 hours
    // running: 744 - 22 x 12 = 480 stopped. nightly-stop (Berlin, stop-only): all 744.
    // night-shift (UTC): 22 nights of 8 hours, the 31st's first 2 and the 6 hours
    // November 30th's night runs into December: 744 - 184 = 560. paused, on
    // office-hours from its skip-until (the 16th, Shanghai): 384 - 11 x 12 = 252.
    assert_eq!(
        by_graph(&answer),
        [
            json!(["search-prod", 480.0, 600.0, null]),
            json!(["etl-berlin", 744.0, 17856.0, null]),
            json!([
                "night-batch",
                560.0,
                null,
                "the price table has no price for size 401"
            ]),
            json!([
                "paused",
                252.0,
                315.0,
                "kept out of its schedule by the tag ges-stop:skip-until until \
                 2026-12-15T16:00:00Z: counted from then"
            ]),
            json!([
                "kept",
                null,
                null,
                "opted out by the tag ges-stop:skip=true: no schedule acts on it"
            ]),
            json!([
                "lost",
                null,
                null,
                "the tag ges-stop:schedule=\"weekend\" names a schedule the document does not have and is not a compact schedule such as mon-fri_0800-2000_Asia.Shanghai: fix the tag, or add the schedule"
            ]),
            json!([
                "archive",
                null,
                null,
                "of the database edition, which GES cannot stop: no schedule saves anything on it"
            ]),
        ]
    );
    let etl = &answer["graphs"][1];
    assert_eq!(etl["size"], "4");
    assert_eq!(etl["replicas"], 2);
    assert_eq!(etl["price_per_hour"], 12.0);
    assert_eq!(etl["stopped_minutes"], 744 * 60);
    let schedules: Vec<Value> = answer["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            json!([
                s["schedule"],
                s["graphs"],
                s["stopped_hours_per_graph"],
                s["stopped_graph_hours"],
                s["saved"],
                s["from"]
            ])
        })
        .collect();
    assert_eq!(
        schedules,
        [
            json!(["night-shift", 1, 560.0, 560.0, 0.0, "2026-12-01T00:00:00Z"]),
            json!([
                "nightly-stop",
                1,
                744.0,
                744.0,
                17856.0,
                "2026-11-30T23:00:00Z"
            ]),
            json!([
                "office-hours",
                2,
                480.0,
                732.0,
                915.0,
                "2026-11-30T16:00:00Z"
            ]),
        ]
    );
    assert_eq!(
        answer["total"],
        json!({"graphs": 4, "stopped_graph_minutes": 2036 * 60, "stopped_graph_hours": 2036.0,
               "saved": 18771.0, "priced_graphs": 3})
    );
    // Only the listing was sent.
    let requests = simulator.requests();
    assert!(!requests.is_empty());
    assert!(
        requests
            .iter()
            .all(|r| r.method == "GET" && r.path.ends_with("/graphs")),
        "{requests:?}"
    );
}

#[tokio::test]
async fn the_table_at_a_terminal_and_hours_only_without_prices() {
    let simulator = simulator().await;
    let output = savings(
        &simulator,
        &[
            "--from",
            "2026-12-01",
            "--to",
            "2026-12-31",
            "--output",
            "table",
        ],
        &[],
    )
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let table = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "savings from 2026-12-01 to 2026-12-31 (31 days, each schedule in its own time zone): \
         hours only, no price table",
        "{table}"
    );
    assert!(
        lines[1].starts_with("NAME") && !lines[1].contains("SAVED"),
        "{table}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("etl-berlin") && line.ends_with("744.00")),
        "{table}"
    );
    assert_eq!(
        lines.last().copied(),
        Some("total: 4 graphs counted, 2036.00 graph-hours stopped"),
        "{table}"
    );
    // JSON without prices: hours only, no money fields.
    let output = savings(&simulator, &["--month", "2026-12"], &[]).await;
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["currency"], Value::Null);
    assert_eq!(answer["graphs"][0].get("saved"), None, "{answer}");
    assert_eq!(answer["total"]["stopped_graph_hours"], 2036.0);
}

/// Flags, variables, and the one line on stderr that refuses them.
type Refusal<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, String);

#[tokio::test]
async fn bad_price_tables_are_refused_naming_the_field_and_nothing_is_sent() {
    let simulator = simulator().await;
    let dir = std::env::temp_dir().join(format!("ges-stop-savings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("prices.json");
    std::fs::write(
        &file,
        r#"{"currency": "USD", "per_hour": {"1": 1.25, "1": 2}}"#,
    )
    .unwrap();
    let file_arg = file.to_str().unwrap().to_owned();
    let cases: Vec<Refusal<'_>> = vec![
        (
            vec![],
            vec![(
                "GES_PRICES",
                r#"{"currency": "USD", "per_hour": {"1": -1.25}}"#,
            )],
            r#"error: GES_PRICES: per_hour."1": -1.25 is negative"#.to_owned(),
        ),
        (
            vec![],
            vec![("GES_PRICES", r#"{"currency": "US$", "per_hour": {"1": 1}}"#)],
            r#"error: GES_PRICES: currency: "US$" is not an ISO 4217 currency code"#.to_owned(),
        ),
        (
            vec![],
            vec![("GES_PRICES", r#"{"currency": "USD", "per_hour": {"7": 1}}"#)],
            r#"error: GES_PRICES: per_hour."7": "7" is not a graph size GES has"#.to_owned(),
        ),
        (
            vec![],
            vec![(
                "GES_PRICES",
                r#"{"currency": "USD", "per_hour": {"1": 1}} x"#,
            )],
            "error: GES_PRICES: the price table has more after its JSON value".to_owned(),
        ),
        (
            vec!["--prices", &file_arg],
            vec![],
            format!(
                "error: --prices {}: the price table gives the key per_hour.\"1\" twice",
                file.display()
            ),
        ),
        (
            vec![],
            vec![("GES_PRICES", PRICES), ("GES_PRICES_FILE", &file_arg)],
            "error: both GES_PRICES and GES_PRICES_FILE are set".to_owned(),
        ),
        (
            vec!["--from", "2026-01-01", "--to", "2027-01-02"],
            vec![],
            "error: --from/--to: the range covers 367 days, more than 366".to_owned(),
        ),
    ];
    for (args, env, expected) in cases {
        let output = savings(&simulator, &args, &env).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{expected}: {stderr}");
        assert!(
            stderr.starts_with(&expected),
            "{stderr}\nexpected {expected}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(output.stdout.is_empty());
    }
    assert!(simulator.requests().is_empty(), "nothing sent");
    std::fs::remove_dir_all(&dir).unwrap();
}
