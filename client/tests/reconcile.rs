//! The reconcile's decisions through its public API: `Reconcile::new` then `decide` for
//! listed graphs, against the decision table of `ges_client::run`'s module doc.
//!
//! The schedules are in Asia/Shanghai (UTC+8, no DST), Monday to Friday 08:00-20:00, with
//! 2026-12-25 (a Friday) a skip date; 2026-12-04 is a Friday. The window is 30 minutes.

use std::collections::BTreeSet;

use ges_api::types::{Graph, GraphSizeTypeIndex, GraphStatus, ProductType, ProjectId, Tag};
use ges_client::fleet::Policy;
use ges_client::fleet::{Action, Selected};
use ges_client::ges::Outcome;
use ges_client::run::{Reconcile, Scheduling, TagSchedules};
use ges_client::schedule::{BoundaryKind, Desired, Schedules};
use jiff::{SignedDuration, Timestamp};

const P: &str = "0123456789abcdef0123456789abcdef";
const G: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const SCHEDULE_TAG: &str = "ges-stop:schedule";
const SKIP_UNTIL_TAG: &str = "ges-stop:skip-until";

/// Friday, 10 minutes after the 20:00 stop: within the window, the schedule wants stopped.
const AFTER_STOP: &str = "2026-12-04T20:10:00+08:00";
/// Friday, an hour after the stop: outside the window.
const LONG_AFTER_STOP: &str = "2026-12-04T21:00:00+08:00";
/// Friday, 10 minutes after the 08:00 start: within the window, the schedule wants running.
const AFTER_START: &str = "2026-12-04T08:10:00+08:00";
/// Friday, an hour after the start: outside the window.
const LONG_AFTER_START: &str = "2026-12-04T09:00:00+08:00";
/// Christmas, a Friday and a skip date, at 10:00: ten hours after its 00:00 boundary.
const ON_SKIP_DATE: &str = "2026-12-25T10:00:00+08:00";

fn scheduling() -> Scheduling {
    let periods = r#"[{"days": "mon-fri", "start": "08:00", "stop": "20:00"}]"#;
    let skip = r#"["2026-12-25"]"#;
    let document = format!(
        r#"{{"schedules": {{
            "office": {{"timezone": "Asia/Shanghai", "periods": {periods},
                        "skip_dates": {skip}, "start_graphs": true}},
            "office-no-start": {{"timezone": "Asia/Shanghai", "periods": {periods},
                        "skip_dates": {skip}}},
            "office-enforced": {{"timezone": "Asia/Shanghai", "periods": {periods},
                        "skip_dates": {skip}, "start_graphs": true, "enforce": true}},
            "nightly-stop": {{"timezone": "Asia/Shanghai",
                        "periods": [{{"days": "mon-sun", "stop": "22:00"}}]}}
        }}}}"#
    );
    Scheduling {
        schedules: Some(Schedules::from_json(&document).unwrap()),
        tag_schedules: TagSchedules::Stop,
        schedule_tag: SCHEDULE_TAG.to_owned(),
        skip_until_tag: SKIP_UNTIL_TAG.to_owned(),
        window: SignedDuration::from_mins(30),
        ces_delay: SignedDuration::from_mins(10),
    }
}

fn policy() -> Policy {
    Policy {
        allowed_graphs: None,
        allowed_projects: None,
        opt_out_tag: "ges-stop:skip=true".parse().unwrap(),
    }
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn project() -> ProjectId {
    P.parse().unwrap()
}

fn graph(status: GraphStatus, tags: &[(&str, Option<&str>)]) -> Graph {
    Graph {
        id: G.parse().unwrap(),
        name: Some("office-graph".to_owned()),
        status,
        tags: Some(
            tags.iter()
                .map(|(key, value)| Tag {
                    key: (*key).to_owned(),
                    value: value.map(str::to_owned),
                })
                .collect(),
        ),
        product_type: Some(ProductType::InMemory),
        graph_size_type_index: Some(GraphSizeTypeIndex::MillionEdges),
        replication: Some(1),
    }
}

/// A graph that follows `schedule`, with these tags besides.
fn scheduled(schedule: &str, status: GraphStatus, more: &[(&str, Option<&str>)]) -> Graph {
    let mut tags = vec![(SCHEDULE_TAG, Some(schedule))];
    tags.extend_from_slice(more);
    graph(status, &tags)
}

fn decide_with(
    scheduling: &Scheduling,
    policy: &Policy,
    when: &str,
    dry_run: bool,
    graph: &Graph,
) -> Option<Selected> {
    Reconcile::new(scheduling, policy, at(when), dry_run).decide(graph, &project())
}

/// The decision for a graph of the default deployment, which must be part of the run.
fn decide(when: &str, dry_run: bool, graph: &Graph) -> Selected {
    decide_with(&scheduling(), &policy(), when, dry_run, graph)
        .unwrap_or_else(|| panic!("{graph:?} at {when}: not part of the run"))
}

/// What a decision comes to, in a word: `stop`, `start`, or the settled outcome; with
/// the settled report's reason.
fn verdict(selected: &Selected) -> (&'static str, String) {
    match &selected.action {
        Action::Stop => ("stop", String::new()),
        Action::Start => ("start", String::new()),
        Action::Settled(report) => {
            assert_eq!(report.graph_id.as_str(), G);
            assert_eq!(report.project_id.as_str(), P);
            assert!(report.job_id.is_none(), "{report:?}");
            assert!(report.graph_status.is_some(), "{report:?}");
            (
                report.outcome.as_str(),
                report.reason.clone().unwrap_or_default(),
            )
        }
    }
}

fn word(when: &str, schedule: &str, status: GraphStatus) -> &'static str {
    verdict(&decide(when, false, &scheduled(schedule, status, &[]))).0
}

#[test]
fn within_the_window_the_table_is_acted_on() {
    use GraphStatus::*;
    // (when, schedule, status, expected)
    let cases = [
        (AFTER_STOP, "office", Running, "stop"),
        (AFTER_STOP, "office", Stopped, "already_stopped"),
        (AFTER_STOP, "office", Stopping, "already_stopped"),
        (AFTER_STOP, "office", Starting, "skipped"),
        (AFTER_STOP, "office", Importing, "skipped"),
        (AFTER_STOP, "office", Faulty, "skipped"),
        (AFTER_START, "office", Stopped, "start"),
        (AFTER_START, "office", Running, "already_running"),
        (AFTER_START, "office", Starting, "already_running"),
        (AFTER_START, "office", Stopping, "skipped"),
        (AFTER_START, "office", Importing, "skipped"),
        (AFTER_START, "office-no-start", Stopped, "unchanged"),
        (AFTER_START, "office-no-start", Running, "already_running"),
        (AFTER_STOP, "office-no-start", Running, "stop"),
    ];
    for (when, schedule, status, expected) in cases {
        assert_eq!(
            word(when, schedule, status.clone()),
            expected,
            "{schedule} at {when}, {status:?}"
        );
    }
}

#[test]
fn outside_the_window_a_graph_changed_by_hand_is_left_alone() {
    use GraphStatus::*;
    let cases = [
        (LONG_AFTER_STOP, "office", Running, "unchanged"),
        (LONG_AFTER_STOP, "office", Stopped, "already_stopped"),
        (LONG_AFTER_STOP, "office", Stopping, "already_stopped"),
        (LONG_AFTER_STOP, "office", Importing, "unchanged"),
        (LONG_AFTER_STOP, "office", Starting, "unchanged"),
        (LONG_AFTER_START, "office", Stopped, "unchanged"),
        (LONG_AFTER_START, "office", Running, "already_running"),
        (LONG_AFTER_START, "office", Starting, "already_running"),
        (LONG_AFTER_START, "office", Importing, "unchanged"),
    ];
    for (when, schedule, status, expected) in cases {
        assert_eq!(
            word(when, schedule, status.clone()),
            expected,
            "{schedule} at {when}, {status:?}"
        );
    }
    let (_, reason) = verdict(&decide(
        LONG_AFTER_STOP,
        false,
        &scheduled("office", Running, &[]),
    ));
    assert!(reason.contains("over 30 minutes old"), "{reason}");
    assert!(reason.contains("does not enforce"), "{reason}");
}

#[test]
fn the_window_opens_at_the_boundary_and_closes_before_its_end() {
    use GraphStatus::Running;
    assert_eq!(word("2026-12-04T20:00:00+08:00", "office", Running), "stop");
    assert_eq!(word("2026-12-04T20:29:59+08:00", "office", Running), "stop");
    assert_eq!(
        word("2026-12-04T20:30:00+08:00", "office", Running),
        "unchanged"
    );
    // A second before the stop the period is still on.
    assert_eq!(
        word("2026-12-04T19:59:59+08:00", "office", Running),
        "already_running"
    );
}

#[test]
fn an_enforcing_schedule_acts_at_any_time() {
    use GraphStatus::*;
    assert_eq!(word(LONG_AFTER_STOP, "office-enforced", Running), "stop");
    assert_eq!(word(LONG_AFTER_START, "office-enforced", Stopped), "start");
    assert_eq!(
        word(LONG_AFTER_START, "office-enforced", Running),
        "already_running"
    );
    // Acting, but GES cannot stop an importing graph: skipped, tried again next run.
    let (outcome, reason) = verdict(&decide(
        LONG_AFTER_STOP,
        false,
        &scheduled("office-enforced", Importing, &[]),
    ));
    assert_eq!(outcome, "skipped");
    assert!(reason.contains("tries again"), "{reason}");
    assert!(reason.contains("(202)"), "{reason}");
}

#[test]
fn a_skip_date_stops_all_day() {
    use GraphStatus::*;
    let selected = decide(ON_SKIP_DATE, false, &scheduled("office", Running, &[]));
    assert_eq!(selected.action, Action::Stop);
    let facts = selected.facts.schedule.unwrap();
    assert_eq!(facts.desired, Some(Desired::Stopped));
    assert_eq!(word(ON_SKIP_DATE, "office", Stopped), "already_stopped");
    // Stopped on a skip date stays stopped, even for a schedule that starts graphs.
    assert_eq!(word(ON_SKIP_DATE, "office-enforced", Running), "stop");
    let (outcome, reason) = verdict(&decide(
        ON_SKIP_DATE,
        true,
        &scheduled("office", Running, &[]),
    ));
    assert_eq!(outcome, "would_stop");
    assert!(reason.contains("2026-12-25 is a skip date"), "{reason}");
}

#[test]
fn a_dry_run_says_what_a_run_would_do() {
    use GraphStatus::*;
    let (outcome, reason) = verdict(&decide(
        AFTER_STOP,
        true,
        &scheduled("office", Running, &[]),
    ));
    assert_eq!(outcome, "would_stop");
    assert!(reason.contains("the schedule wants it stopped"), "{reason}");
    assert!(reason.contains("its period ended at"), "{reason}");
    let (outcome, reason) = verdict(&decide(
        AFTER_START,
        true,
        &scheduled("office", Stopped, &[]),
    ));
    assert_eq!(outcome, "would_start");
    assert!(reason.contains("its period began at"), "{reason}");
    // Settled decisions are the same in a dry run.
    let (outcome, _) = verdict(&decide(
        AFTER_STOP,
        true,
        &scheduled("office", Stopped, &[]),
    ));
    assert_eq!(outcome, "already_stopped");
    let (outcome, _) = verdict(&decide(
        LONG_AFTER_STOP,
        true,
        &scheduled("office", Running, &[]),
    ));
    assert_eq!(outcome, "unchanged");
    // The settled report carries the listed status.
    let selected = decide(AFTER_STOP, true, &scheduled("office", Running, &[]));
    let Action::Settled(report) = &selected.action else {
        panic!("{selected:?}");
    };
    assert_eq!(report.outcome, Outcome::WouldStop);
    assert_eq!(report.graph_status, Some(Running));
}

#[test]
fn a_schedule_that_does_not_start_graphs_says_so() {
    let (outcome, reason) = verdict(&decide(
        AFTER_START,
        false,
        &scheduled("office-no-start", GraphStatus::Stopped, &[]),
    ));
    assert_eq!(outcome, "unchanged");
    assert!(reason.contains("\"start_graphs\" is false"), "{reason}");
}

#[test]
fn a_schedule_that_starts_nothing_leaves_a_graph_it_wants_running_unchanged_whatever_its_status() {
    // It would never start the graph, so an importing one is not "tried again later".
    assert_eq!(
        word(AFTER_START, "office-no-start", GraphStatus::Importing),
        "unchanged"
    );
}

#[test]
fn a_stop_only_schedule_never_wants_a_graph_running() {
    use GraphStatus::*;
    assert_eq!(
        word("2026-12-04T22:05:00+08:00", "nightly-stop", Running),
        "stop"
    );
    assert_eq!(
        word("2026-12-04T23:00:00+08:00", "nightly-stop", Running),
        "unchanged"
    );
    // Started by hand in the morning: the schedule leaves it until 22:00.
    assert_eq!(
        word("2026-12-05T09:00:00+08:00", "nightly-stop", Running),
        "unchanged"
    );
    let selected = decide(
        "2026-12-05T09:00:00+08:00",
        false,
        &scheduled("nightly-stop", Running, &[]),
    );
    let facts = selected.facts.schedule.unwrap();
    assert_eq!(facts.desired, Some(Desired::Stopped));
    assert_eq!(facts.next_change, None);
}

#[test]
fn skip_until_keeps_a_graph_out_until_then() {
    use GraphStatus::Running;
    // (value, kept out at AFTER_STOP, the instant named in the reason)
    let cases = [
        // A date: from 00:00 in the schedule's zone.
        ("2026-12-05", true, Some("2026-12-04T16:00:00Z")),
        ("2026-12-04", false, None),
        ("2026-12-01", false, None),
        // The extended form, with its offset.
        (
            "2026-12-04T21:00:00+08:00",
            true,
            Some("2026-12-04T13:00:00Z"),
        ),
        ("2026-12-04T13:00:00Z", true, Some("2026-12-04T13:00:00Z")),
        ("2026-12-04T20:00:00+08:00", false, None),
        // Exactly now: the skip is over.
        ("2026-12-04T20:10:00+08:00", false, None),
        // The basic UTC form, for tag values that cannot hold ':' or '+'.
        ("20261204T130000Z", true, Some("2026-12-04T13:00:00Z")),
        ("20261204T115000Z", false, None),
        // Blank names nothing: the tag is as good as absent.
        ("", false, None),
        ("  ", false, None),
    ];
    for (value, kept_out, until) in cases {
        let graph = scheduled("office", Running, &[(SKIP_UNTIL_TAG, Some(value))]);
        let (outcome, reason) = verdict(&decide(AFTER_STOP, false, &graph));
        if kept_out {
            assert_eq!(outcome, "skipped", "{value}: {reason}");
            assert!(
                reason.contains(&format!(
                    "kept out of its schedule by the tag {SKIP_UNTIL_TAG} until {}",
                    until.unwrap()
                )),
                "{value}: {reason}"
            );
        } else {
            assert_eq!(outcome, "stop", "{value}: {reason}");
        }
    }
    // A tag without a value names nothing either.
    let graph = scheduled("office", Running, &[(SKIP_UNTIL_TAG, None)]);
    assert_eq!(verdict(&decide(AFTER_STOP, false, &graph)).0, "stop");
}

#[test]
fn a_skip_until_that_does_not_parse_leaves_the_graph_alone() {
    for value in [
        "tomorrow",
        "2026-12-04T21:00:00",
        "20261204T130000",
        "2026-13-01",
    ] {
        let graph = scheduled(
            "office",
            GraphStatus::Running,
            &[(SKIP_UNTIL_TAG, Some(value))],
        );
        let (outcome, reason) = verdict(&decide(AFTER_STOP, false, &graph));
        assert_eq!(outcome, "skipped", "{value}");
        assert!(
            reason.contains(&format!("the tag {SKIP_UNTIL_TAG} does not parse")),
            "{value}: {reason}"
        );
        assert!(reason.contains("is not a skip-until value"), "{reason}");
    }
}

#[test]
fn an_unknown_or_empty_schedule_is_skipped_with_its_name() {
    for (value, named) in [
        (Some("night-shift"), "night-shift"),
        (Some(""), ""),
        (Some("   "), ""),
        (None, ""),
    ] {
        let graph = graph(GraphStatus::Running, &[(SCHEDULE_TAG, value)]);
        let selected = decide(AFTER_STOP, false, &graph);
        let (outcome, reason) = verdict(&selected);
        assert_eq!(outcome, "skipped", "{value:?}");
        assert!(
            reason.contains(&format!("{SCHEDULE_TAG}={named:?}")),
            "{value:?}: {reason}"
        );
        assert!(reason.contains("the document does not have"), "{reason}");
        let facts = selected.facts.schedule.unwrap();
        assert_eq!(facts.name, named);
        assert_eq!(facts.desired, None);
        assert_eq!(facts.next_change, None);
    }
    // The name is trimmed before it is looked up.
    assert_eq!(word(AFTER_STOP, " office ", GraphStatus::Running), "stop");
}

#[test]
fn an_untagged_graph_is_not_part_of_the_run() {
    let (scheduling, policy) = (scheduling(), policy());
    for graph in [
        graph(GraphStatus::Running, &[]),
        graph(GraphStatus::Running, &[("env", Some("office"))]),
        Graph {
            tags: None,
            ..graph(GraphStatus::Running, &[])
        },
    ] {
        assert_eq!(
            decide_with(&scheduling, &policy, AFTER_STOP, false, &graph),
            None,
            "{graph:?}"
        );
    }
    // Even an opted-out one: it is not part of the run at all.
    let opted_out = graph(GraphStatus::Running, &[("ges-stop", Some("skip"))]);
    assert_eq!(
        decide_with(&scheduling, &policy, AFTER_STOP, false, &opted_out),
        None
    );
}

#[test]
fn the_opt_out_tag_wins_over_everything() {
    let opt_out = ("ges-stop:skip", Some("true"));
    for graph in [
        scheduled("office", GraphStatus::Running, &[opt_out]),
        scheduled("no-such-schedule", GraphStatus::Running, &[opt_out]),
        scheduled(
            "office",
            GraphStatus::Running,
            &[opt_out, (SKIP_UNTIL_TAG, Some("garbage"))],
        ),
        scheduled("office-enforced", GraphStatus::Stopped, &[opt_out]),
    ] {
        let (outcome, reason) = verdict(&decide(AFTER_STOP, false, &graph));
        assert_eq!(outcome, "skipped", "{graph:?}");
        assert_eq!(reason, "opted out by the tag ges-stop:skip=true");
    }
    // Another value is no opt-out.
    let graph = scheduled(
        "office",
        GraphStatus::Running,
        &[("ges-stop:skip", Some("false"))],
    );
    assert_eq!(verdict(&decide(AFTER_STOP, false, &graph)).0, "stop");
}

#[test]
fn the_allow_lists_skip_what_they_do_not_list() {
    let scheduling = scheduling();
    let graph = scheduled("office", GraphStatus::Running, &[]);
    let other_graph = Policy {
        allowed_graphs: Some(BTreeSet::from(["another-graph".parse().unwrap()])),
        ..policy()
    };
    let other_project = Policy {
        allowed_projects: Some(BTreeSet::from(["ffffffffffffffffffffffffffffffff"
            .parse()
            .unwrap()])),
        ..policy()
    };
    for policy in [&other_graph, &other_project] {
        let selected = decide_with(&scheduling, policy, AFTER_STOP, false, &graph).unwrap();
        let (outcome, reason) = verdict(&selected);
        assert_eq!(outcome, "skipped");
        assert_eq!(
            reason,
            "not in GES_ALLOWED_GRAPH_IDS / GES_ALLOWED_PROJECT_IDS"
        );
    }
    let listed = Policy {
        allowed_graphs: Some(BTreeSet::from([G.parse().unwrap()])),
        allowed_projects: Some(BTreeSet::from([P.parse().unwrap()])),
        ..policy()
    };
    let selected = decide_with(&scheduling, &listed, AFTER_STOP, false, &graph).unwrap();
    assert_eq!(selected.action, Action::Stop);
    // A graph kept out by its skip-until tag says so first, allow-listed or not.
    let kept = scheduled(
        "office",
        GraphStatus::Running,
        &[(SKIP_UNTIL_TAG, Some("2026-12-05"))],
    );
    let selected = decide_with(&scheduling, &other_graph, AFTER_STOP, false, &kept).unwrap();
    assert!(verdict(&selected).1.contains("kept out"), "{selected:?}");
}

#[test]
fn the_facts_name_the_schedule_its_state_and_next_change() {
    // Friday after the stop: stopped until Monday 08:00.
    let selected = decide(
        AFTER_STOP,
        false,
        &scheduled("office", GraphStatus::Running, &[]),
    );
    assert_eq!(selected.target.graph_id.as_str(), G);
    assert_eq!(selected.target.project_id.as_str(), P);
    assert_eq!(selected.facts.name.as_deref(), Some("office-graph"));
    let facts = selected.facts.schedule.unwrap();
    assert_eq!(facts.name, "office");
    assert_eq!(facts.desired, Some(Desired::Stopped));
    let next = facts.next_change.unwrap();
    assert_eq!(next.at, at("2026-12-07T08:00:00+08:00"));
    assert_eq!(next.desired, Desired::Running);
    assert_eq!(next.kind, BoundaryKind::Start);

    // Friday after the start: running until 20:00.
    let selected = decide(
        AFTER_START,
        false,
        &scheduled("office", GraphStatus::Stopped, &[]),
    );
    let facts = selected.facts.schedule.unwrap();
    assert_eq!(facts.desired, Some(Desired::Running));
    let next = facts.next_change.unwrap();
    assert_eq!(next.at, at("2026-12-04T20:00:00+08:00"));
    assert_eq!(next.desired, Desired::Stopped);

    // On the skip date (a Friday), the next start is Monday's.
    let selected = decide(
        ON_SKIP_DATE,
        false,
        &scheduled("office", GraphStatus::Stopped, &[]),
    );
    let facts = selected.facts.schedule.unwrap();
    assert_eq!(facts.desired, Some(Desired::Stopped));
    assert_eq!(
        facts.next_change.unwrap().at,
        at("2026-12-28T08:00:00+08:00")
    );

    // Skipped graphs carry the facts too: the answer says what the schedule wanted.
    let selected = decide(
        AFTER_STOP,
        false,
        &scheduled(
            "office",
            GraphStatus::Running,
            &[(SKIP_UNTIL_TAG, Some("x"))],
        ),
    );
    let facts = selected.facts.schedule.unwrap();
    assert_eq!(facts.desired, Some(Desired::Stopped));
    assert!(facts.next_change.is_some());
}

#[test]
fn the_reconcile_keeps_its_instant_and_decides_the_same_twice() {
    let (scheduling, policy) = (scheduling(), policy());
    let reconcile = Reconcile::new(&scheduling, &policy, at(AFTER_STOP), false);
    assert_eq!(reconcile.at(), at("2026-12-04T12:10:00Z"));
    let graph = scheduled("office", GraphStatus::Running, &[]);
    assert_eq!(
        reconcile.decide(&graph, &project()),
        reconcile.decide(&graph, &project())
    );
}

#[test]
fn only_the_schedules_that_graphs_name_are_worked_out_each_once() {
    let (scheduling, policy) = (scheduling(), policy());
    let reconcile = Reconcile::new(&scheduling, &policy, at(AFTER_STOP), false);
    // A run with no graph, or none tagged, works out nothing of the document.
    assert_eq!(reconcile.schedules_worked_out(), 0);
    let untagged = graph(GraphStatus::Running, &[("env", Some("dev"))]);
    assert!(reconcile.decide(&untagged, &project()).is_none());
    let unknown = scheduled("no-such-schedule", GraphStatus::Running, &[]);
    assert!(reconcile.decide(&unknown, &project()).is_some());
    assert_eq!(reconcile.schedules_worked_out(), 0);
    // Graphs that share a schedule share its working out.
    for status in [GraphStatus::Running, GraphStatus::Stopped] {
        reconcile.decide(&scheduled("office", status, &[]), &project());
    }
    assert_eq!(reconcile.schedules_worked_out(), 1);
    reconcile.decide(
        &scheduled("nightly-stop", GraphStatus::Running, &[]),
        &project(),
    );
    assert_eq!(reconcile.schedules_worked_out(), 2);
    // What is worked out on demand is what a reconcile that worked out everything
    // decided: the state, the next change and the action, for every schedule.
    let fresh = || Reconcile::new(&scheduling, &policy, at(AFTER_STOP), false);
    let all = fresh();
    let names: Vec<&str> = scheduling
        .schedules
        .iter()
        .flat_map(Schedules::iter)
        .map(|(name, _)| name)
        .collect();
    for name in &names {
        all.decide(&scheduled(name, GraphStatus::Stopped, &[]), &project());
    }
    assert_eq!(all.schedules_worked_out(), names.len());
    for name in names.iter().rev() {
        for status in [GraphStatus::Running, GraphStatus::Stopped] {
            let graph = scheduled(name, status, &[]);
            assert_eq!(
                fresh().decide(&graph, &project()),
                all.decide(&graph, &project()),
                "{name}"
            );
        }
    }
}
