//! `lambda-bench decide`: the CPU a reconcile spends deciding, with nothing sent. The
//! issue asks that a run over 1,000 scheduled graphs decides in well under 10 ms; this
//! times `Reconcile::new` (each schedule's state, once) plus `decide_checking` for every
//! listed graph, and the settling of each idle or busy check with counts as Cloud Eye
//! would give them, in-process, so that the figure is the decision alone, not the
//! listing, the Cloud Eye read or the calls.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use ges_api::types::{Graph, GraphSizeTypeIndex, GraphStatus, ProductType, ProjectId, Tag};
use ges_client::fleet::{Action, Selected};
use ges_client::fleet::{DEFAULT_OPT_OUT_TAG, Policy};
use ges_client::run::{
    DEFAULT_SCHEDULE_TAG, DEFAULT_SKIP_UNTIL_TAG, DEFAULT_WINDOW_MINUTES, Decision, Reconcile,
    Scheduling, TagSchedules,
};
use ges_client::schedule::{Schedules, WithCalendars};
use ges_client::usage::Usage;
use jiff::{SignedDuration, Timestamp};

use crate::Error;
use crate::stats::{median, us};

/// Four schedules in four zones, with DST and without, stop-only and enforcing, with skip
/// dates, three of them with idle or busy checks: the work per schedule is not the
/// simplest case.
const DOCUMENT: &str = r#"{"schedules": {
  "office-shanghai": {"timezone": "Asia/Shanghai", "start_graphs": true,
    "periods": [{"days": "mon-fri", "start": "08:00", "stop": "20:00"}],
    "skip_dates": ["2026-12-25", "2027-01-01", "2027-02-17"],
    "spare_busy": {"quiet": "15m", "at_most": "2h"}},
  "office-berlin": {"timezone": "Europe/Berlin", "start_graphs": true,
    "periods": [{"days": "mon-thu", "start": "07:30", "stop": "19:00"},
                {"days": "fri", "start": "07:30", "stop": "15:00"}],
    "stop_when_idle": "1h"},
  "nightly-stop": {"timezone": "America/New_York", "periods": [{"days": "mon-sun", "stop": "22:00"}],
    "stop_when_idle": "30m"},
  "batch-nights": {"timezone": "Asia/Kolkata", "start_graphs": true, "enforce": true,
    "periods": [{"days": "mon-fri", "start": "22:00", "stop": "04:00"}]}
}}"#;

/// The schedule names, in the order graphs are spread over them.
const NAMES: [&str; 4] = [
    "office-shanghai",
    "office-berlin",
    "nightly-stop",
    "batch-nights",
];

/// Graph `n`: its schedule, a status from a mix (mostly running or stopped, some in
/// transition or busy), every tenth with a skip-until tag in one of its three forms (one
/// of the three unparseable), every fiftieth untagged.
fn graph(n: u32) -> Result<Graph, Error> {
    let status = match n % 10 {
        0..=4 => GraphStatus::Running,
        5..=7 => GraphStatus::Stopped,
        8 => GraphStatus::Stopping,
        _ => GraphStatus::Importing,
    };
    let mut tags = vec![Tag {
        key: "env".to_owned(),
        value: Some("dev".to_owned()),
    }];
    if n % 50 != 49 {
        let name = NAMES.get(n as usize % NAMES.len()).copied().unwrap_or("");
        tags.push(Tag {
            key: DEFAULT_SCHEDULE_TAG.to_owned(),
            value: Some(name.to_owned()),
        });
    }
    if n % 10 == 3 {
        let until = match n % 30 {
            3 => "2026-12-05",
            13 => "20261204T130000Z",
            _ => "not-a-time",
        };
        tags.push(Tag {
            key: DEFAULT_SKIP_UNTIL_TAG.to_owned(),
            value: Some(until.to_owned()),
        });
    }
    Ok(Graph {
        id: format!("graph-{n:05}").parse()?,
        name: Some(format!("scheduled-{n:05}")),
        status,
        tags: Some(tags),
        product_type: Some(ProductType::InMemory),
        graph_size_type_index: Some(GraphSizeTypeIndex::MillionEdges),
        replication: Some(1),
    })
}

/// Times `runs` decisions over `graphs` scheduled graphs and prints the table rows: with
/// the document as it is, then with `office-shanghai` reading a 1 MiB calendar file (its
/// days merged in once, as a run does before it decides; that merge timed apart).
pub fn decide(graphs: u32, runs: u32) -> Result<(), Error> {
    decide_with(graphs, runs, DOCUMENT, "none")?;
    let path = std::env::temp_dir().join(format!("lambda-bench-{}.ics", std::process::id()));
    std::fs::write(&path, crate::calendar::calendar()?)?;
    let document = DOCUMENT.replacen(
        r#""skip_dates": ["2026-12-25", "2027-01-01", "2027-02-17"],"#,
        &format!(
            r#""skip_calendars": [{{"file": {:?}, "work_if": "班", "as": "mon"}}],"#,
            path.display().to_string()
        ),
        1,
    );
    let result = decide_with(graphs, runs, &document, "1 MiB file");
    std::fs::remove_file(&path)?;
    result
}

fn decide_with(graphs: u32, runs: u32, document: &str, calendar: &str) -> Result<(), Error> {
    let scheduling = Scheduling {
        schedules: Some(Schedules::from_json(document)?),
        tag_schedules: TagSchedules::Off,
        schedule_tag: DEFAULT_SCHEDULE_TAG.to_owned(),
        skip_until_tag: DEFAULT_SKIP_UNTIL_TAG.to_owned(),
        window: SignedDuration::from_mins(i64::from(DEFAULT_WINDOW_MINUTES)),
        ces_delay: SignedDuration::from_mins(10),
    };
    let policy = Policy {
        allowed_graphs: None,
        allowed_projects: None,
        opt_out_tag: DEFAULT_OPT_OUT_TAG
            .parse()
            .map_err(|()| "the default opt-out tag does not parse")?,
    };
    let project: ProjectId = "0123456789abcdef0123456789abcdef".parse()?;
    let listed = (0..graphs).map(graph).collect::<Result<Vec<_>, _>>()?;
    // Ten minutes after Shanghai's Friday stop: some graphs act, most settle.
    let at: Timestamp = "2026-12-04T12:10:00Z".parse()?;

    // The calendars' days, merged as a run merges them before deciding.
    let merge = || -> BTreeMap<String, std::sync::Arc<WithCalendars>> {
        scheduling
            .schedules
            .iter()
            .flat_map(Schedules::iter)
            .filter(|(_, schedule)| !schedule.calendars().is_empty())
            .map(|(name, schedule)| {
                let merged = schedule.with_calendars(at, |_| Err("no URL here".to_owned()));
                (name.to_owned(), std::sync::Arc::new(merged))
            })
            .collect()
    };
    let mut merge_times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        black_box(merge());
        merge_times.push(us(started.elapsed()));
    }
    let merged = merge();
    let (mut stops, mut starts, mut settled, mut untagged) = (0u32, 0u32, 0u32, 0u32);
    let mut checks = 0u32;
    let reconcile = Reconcile::new(&scheduling, &policy, at, false).with_calendars(&merged);
    for (n, graph) in listed.iter().enumerate() {
        let decided = reconcile.decide_checking(graph, &project).map(|decision| {
            checks += u32::from(decision.check.is_some());
            settled_by_cloud_eye(decision, n)
        });
        match decided.map(|selected| selected.action) {
            Some(Action::Stop) => stops += 1,
            Some(Action::Start) => starts += 1,
            Some(Action::Settled(_)) => settled += 1,
            None => untagged += 1,
        }
    }

    // A few untimed rounds first: caches and the allocator warm, as in a warm Lambda.
    let mut times = Vec::with_capacity(runs as usize);
    for round in 0..runs.saturating_add(runs / 10 + 1) {
        let started = Instant::now();
        let reconcile =
            Reconcile::new(&scheduling, &policy, black_box(at), false).with_calendars(&merged);
        for (n, graph) in listed.iter().enumerate() {
            let decision = reconcile.decide_checking(black_box(graph), &project);
            black_box(decision.map(|decision| settled_by_cloud_eye(decision, n)));
        }
        let elapsed = started.elapsed();
        if round > runs / 10 {
            times.push(us(elapsed));
        }
    }
    let min = times.iter().copied().fold(f64::INFINITY, f64::min);
    let max = times.iter().copied().fold(0.0, f64::max);
    let per_graph = median(&times) / f64::from(graphs.max(1));
    if calendar == "none" {
        println!(
            "| calendar | its days merged (µs), median of 5 | graphs | schedules | idle or busy checks | to stop | to start | settled | untagged | decision (µs), median [min–max] of {} | per graph (µs) |",
            times.len()
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|");
    }
    println!(
        "| {calendar} | {:.1} | {graphs} | {} | {checks} | {stops} | {starts} | {settled} | {untagged} | {:.1} [{min:.1}–{max:.1}] | {per_graph:.3} |",
        median(&merge_times),
        scheduling.schedules.as_ref().map_or(0, Schedules::len),
        median(&times),
    );
    Ok(())
}

/// A decision settled with the counts Cloud Eye would give: of every three checked
/// graphs, one idle, one busy and one with minutes missing.
fn settled_by_cloud_eye(decision: Decision, n: usize) -> Selected {
    let Decision { selected, check } = decision;
    match check {
        None => selected,
        Some(check) => {
            let usage = match n % 3 {
                0 => Usage::Idle,
                1 => Usage::Busy { requests: 12 },
                _ => Usage::Unknown {
                    reported: 20,
                    minutes: 60,
                },
            };
            check.settle(selected, Ok(usage))
        }
    }
}
