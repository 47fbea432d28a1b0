//! The Cloud Eye reads a reconcile's checks wait on (`stop_when_idle`, `spare_busy`):
//! gathered from every graph that needs one, read once per Cloud Eye, project and window
//! (the usage module batches the graphs), within the run's deadline, and handed back to
//! each check. A window longer than one read may hold (a long `stop_when_idle`) is read
//! in parts and put back together.

use ges_api::types::{GraphId, ProjectId};
use jiff::Timestamp;
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::config::Endpoint;
use crate::fleet::Selected;
use crate::ges::client::GesClient;
use crate::run::reconcile::{Decision, UsageCheck};
use ges_api::ces::MAX_DATAPOINTS;

use crate::usage::{GraphUsage, Usage, Window, read_request_counts};

/// Where each GES's Cloud Eye is: the home region's (`GES_CES_ENDPOINT`, else the
/// region's) and every other known region's.
#[derive(Debug, Clone, Default)]
pub(crate) struct CloudEyes(Vec<(Endpoint, Endpoint)>);

impl CloudEyes {
    /// From pairs of a GES endpoint and its region's Cloud Eye.
    pub(crate) fn new(pairs: Vec<(Endpoint, Endpoint)>) -> Self {
        Self(pairs)
    }

    fn of(&self, ges: &Endpoint) -> Option<&Endpoint> {
        self.0
            .iter()
            .find(|(known, _)| known == ges)
            .map(|(_, ces)| ces)
    }
}

/// One read: a Cloud Eye, a project, a window.
type ReadKey = (usize, ProjectId, Window);

/// What one check reads: for each part of its window, the read and the graph's place
/// in it; or why it cannot be read.
type Plan = Result<Vec<(usize, usize)>, String>;

/// Settles every decision that waits on Cloud Eye; the others pass through as they
/// are. Graphs of one Cloud Eye, project and window are read together; a read that
/// fails settles each of its graphs with the reason.
pub(crate) async fn settle<'a>(
    decisions: Vec<(&'a GesClient, Decision)>,
    cloud_eyes: &CloudEyes,
    deadline: Option<Instant>,
) -> Vec<(&'a GesClient, Selected)> {
    // What each check reads (the places of its windows' parts among the reads), or why
    // it cannot be read. The reads are few (a Cloud Eye, project and window each), so
    // they are found by a look along them: no map is linked into the function for it.
    let mut plans: Vec<Option<Plan>> = Vec::with_capacity(decisions.len());
    let mut reads: Vec<(ReadKey, &'a GesClient, Endpoint, Vec<GraphId>)> = Vec::new();
    for (client, decision) in &decisions {
        let Some(check) = &decision.check else {
            plans.push(None);
            continue;
        };
        let plan = plan_reads(client, check, cloud_eyes).map(|(ces, parts)| {
            let target = &decision.selected.target;
            parts
                .into_iter()
                .map(|window| {
                    let key: ReadKey = (ces.0, target.project_id.clone(), window);
                    let index = match reads.iter().position(|read| read.0 == key) {
                        Some(index) => index,
                        None => {
                            reads.push((key, client, ces.1.clone(), Vec::new()));
                            reads.len() - 1
                        }
                    };
                    let graphs = &mut reads[index].3;
                    graphs.push(target.graph_id.clone());
                    (index, graphs.len() - 1)
                })
                .collect()
        });
        plans.push(Some(plan));
    }
    // Each read's graphs' usages, in the order asked (the read answers in that order,
    // each graph once), or why it failed.
    let mut results: Vec<(u32, Result<Vec<GraphUsage>, String>)> = Vec::new();
    for (key, client, endpoint, graphs) in reads {
        let read = read_request_counts(client, &endpoint, &key.1, &graphs, key.2, deadline)
            .await
            .map_err(|error| {
                tracing::warn!(
                    project_id = %key.1,
                    graphs = graphs.len(),
                    "{error}"
                );
                error.to_string()
            });
        results.push((key.2.minutes(), read));
    }
    decisions
        .into_iter()
        .zip(plans)
        .map(|((client, decision), plan)| {
            let Decision { selected, check } = decision;
            let (Some(check), Some(plan)) = (check, plan) else {
                return (client, selected);
            };
            let graph = selected.target.graph_id.clone();
            let read = plan.and_then(|places| {
                places
                    .iter()
                    .map(|(read, place)| match results.get(*read) {
                        // In the order asked, so at its place unless a graph was asked
                        // twice (read once): then looked for.
                        Some((minutes, Ok(usages))) => Ok((
                            usages
                                .get(*place)
                                .filter(|usage| *usage.graph_id() == graph)
                                .or_else(|| usages.iter().find(|usage| *usage.graph_id() == graph))
                                .map_or(
                                    Usage::Unknown {
                                        reported: 0,
                                        minutes: *minutes,
                                    },
                                    GraphUsage::usage,
                                ),
                            *minutes,
                        )),
                        Some((_, Err(error))) => Err(error.clone()),
                        None => Err("the read was not made".to_owned()),
                    })
                    .collect::<Result<Vec<(Usage, u32)>, String>>()
                    .map(|parts| joined(&parts))
            });
            let read = read.as_ref().map(|usage| *usage).map_err(String::as_str);
            (client, check.settle(selected, read))
        })
        .collect()
}

/// The Cloud Eye a check reads (its place among the known ones, and its endpoint), and
/// its window in parts each one read may hold.
fn plan_reads(
    client: &GesClient,
    check: &UsageCheck,
    cloud_eyes: &CloudEyes,
) -> Result<((usize, Endpoint), Vec<Window>), String> {
    let ces = cloud_eyes
        .0
        .iter()
        .position(|(known, _)| known == client.endpoint())
        .and_then(|index| Some((index, cloud_eyes.of(client.endpoint())?.clone())))
        .ok_or_else(|| {
            format!(
                "no Cloud Eye endpoint is known for the GES at {}; set GES_CES_ENDPOINT for \
                 the home region",
                client.endpoint()
            )
        })?;
    let (from, to) = check.window();
    let mut parts = Vec::new();
    let mut start = from;
    let step = jiff::SignedDuration::from_mins(i64::from(MAX_DATAPOINTS));
    // At most 4 parts: a window is at most 7 days, a part 3,000 minutes.
    for _ in 0..8 {
        if start >= to {
            break;
        }
        let end = start.checked_add(step).unwrap_or(to).min(to);
        // Whole minutes, at most MAX_DATAPOINTS of them: a part is always a window. The
        // error's own words (with dates) are not linked into the function for it.
        let window = Window::new(odt(start)?, odt(end)?)
            .map_err(|_| "the window to read is not whole minutes".to_owned())?;
        parts.push(window);
        start = end;
    }
    Ok((ces, parts))
}

fn odt(at: Timestamp) -> Result<OffsetDateTime, String> {
    OffsetDateTime::from_unix_timestamp(at.as_second())
        .map_err(|_| format!("{at} is outside the times Cloud Eye can be asked about"))
}

/// A window's parts, each with its minutes, put together: busy if any part is, idle if
/// all are, else not known.
fn joined(parts: &[(Usage, u32)]) -> Usage {
    let mut requests = 0u64;
    let mut reported = 0u32;
    let mut minutes = 0u32;
    for (part, length) in parts {
        minutes = minutes.saturating_add(*length);
        match *part {
            Usage::Busy { requests: more } => requests = requests.saturating_add(more),
            Usage::Idle => reported = reported.saturating_add(*length),
            Usage::Unknown { reported: some, .. } => reported = reported.saturating_add(some),
        }
    }
    if requests > 0 {
        Usage::Busy { requests }
    } else if reported == minutes {
        Usage::Idle
    } else {
        Usage::Unknown { reported, minutes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_join_busy_if_any_idle_if_all() {
        let idle = (Usage::Idle, 3000);
        let gap = (
            Usage::Unknown {
                reported: 10,
                minutes: 20,
            },
            20,
        );
        let busy = (Usage::Busy { requests: 4 }, 3000);
        assert_eq!(joined(&[idle, idle]), Usage::Idle);
        assert_eq!(
            joined(&[idle, gap]),
            Usage::Unknown {
                reported: 3010,
                minutes: 3020
            }
        );
        assert_eq!(joined(&[idle, gap, busy]), Usage::Busy { requests: 4 });
    }
}
