//! The function's metrics, in CloudWatch Embedded Metric Format on stdout, as AWS Lambda
//! Powertools writes them and with its variables: `POWERTOOLS_METRICS_NAMESPACE`,
//! `POWERTOOLS_SERVICE_NAME` (the `service` dimension) and `POWERTOOLS_METRICS_DISABLED`.
//!
//! Per invocation that is not a dry run: how many graphs ended each way (from the
//! answer's [`Summary`]), the latency of each stop and start sent to GES, and, once per
//! process, `ColdStart`. A reconcile, when the interval between reconciles is configured
//! (`GES_RECONCILE_INTERVAL_MINUTES`), also writes per schedule the time its graphs were
//! seen stopped and, with a price table, what that time would have cost ([`stopped`]),
//! each schedule in a document of its own with the `schedule` dimension beside
//! `service`. CloudWatch Logs extracts them from the log stream: no `PutMetricData`, no
//! permission, no call on the way to the answer.
//!
//! Written with `serde_json` ([`emf`]) rather than with `metrics_cloudwatch_embedded`
//! 0.10: that crate keeps at most 100 histogram values between flushes and drops the
//! rest (a 400-graph run would lose latencies), and its cold-start metric comes with its
//! `lambda` feature, which brings `lambda_http` and `tower` into a binary that serves
//! neither.

pub mod calls;
pub mod emf;
pub mod stopped;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use lambda_runtime::Context;
use serde_json::json;

use crate::answer::FunctionError;
use calls::Call;
use emf::{DimensionValue, Document, EmfError, Namespace, Unit};
use ges_client::config::Vars;
use ges_client::ges::Change;
use ges_client::run::{Answer, BatchAnswer, RunError, Summary};
use ges_client::savings::{PriceError, PriceTable};
use jiff::SignedDuration;
use stopped::{Sampling, ScheduleStopped};

pub use calls::Recorder;

/// The namespace of the metrics (Powertools' variable).
pub const NAMESPACE_VAR: &str = "POWERTOOLS_METRICS_NAMESPACE";
/// The value of the `service` dimension (Powertools' variable).
pub const SERVICE_VAR: &str = "POWERTOOLS_SERVICE_NAME";
/// `true` writes no metric (Powertools' variable).
pub const DISABLED_VAR: &str = "POWERTOOLS_METRICS_DISABLED";
/// The namespace when none is configured.
pub const DEFAULT_NAMESPACE: &str = "ges-stop";
/// The service when none is configured: Powertools' word for it.
pub const DEFAULT_SERVICE: &str = "service_undefined";

/// What ges-stop measures. Each has one name and one unit, so that an alarm on it
/// always finds the same metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Graphs the run named or selected.
    GraphsSelected,
    /// Stop jobs started.
    GraphsStopping,
    /// Stop jobs that ended with success (`"wait": true`).
    GraphsStopped,
    /// Graphs that were not running.
    GraphsAlreadyStopped,
    /// Graphs a selection left alone.
    GraphsSkipped,
    /// Start jobs started by a reconcile.
    GraphsStarting,
    /// Graphs already running, as their schedule wants.
    GraphsAlreadyRunning,
    /// Graphs not as their schedule wants, rightly left so.
    GraphsUnchanged,
    /// Graphs whose stop was held while they serve requests (`spare_busy`).
    GraphsDeferred,
    /// Graphs whose stop (or start) failed.
    GraphsFailed,
    /// One stop call's time, retries included.
    StopLatency,
    /// One start call's time, retries included.
    StartLatency,
    /// The process's first invocation.
    ColdStart,
    /// A schedule's graphs a reconcile saw stopped, times the reconcile interval.
    StoppedGraphHours,
    /// What that time would have cost, in the price table's currency.
    EstimatedSavings,
    /// A reconcile's graphs whose schedule had a calendar that could not be read: the
    /// run started none of them.
    CalendarUnavailable,
}

impl Metric {
    /// Its name in CloudWatch.
    pub fn name(self) -> &'static str {
        match self {
            Self::GraphsSelected => "GraphsSelected",
            Self::GraphsStopping => "GraphsStopping",
            Self::GraphsStopped => "GraphsStopped",
            Self::GraphsAlreadyStopped => "GraphsAlreadyStopped",
            Self::GraphsSkipped => "GraphsSkipped",
            Self::GraphsStarting => "GraphsStarting",
            Self::GraphsAlreadyRunning => "GraphsAlreadyRunning",
            Self::GraphsUnchanged => "GraphsUnchanged",
            Self::GraphsDeferred => "GraphsDeferred",
            Self::GraphsFailed => "GraphsFailed",
            Self::StopLatency => "StopLatency",
            Self::StartLatency => "StartLatency",
            Self::ColdStart => "ColdStart",
            Self::StoppedGraphHours => "StoppedGraphHours",
            Self::EstimatedSavings => "EstimatedSavings",
            Self::CalendarUnavailable => "CalendarUnavailable",
        }
    }

    /// Its unit.
    pub fn unit(self) -> Unit {
        match self {
            Self::StopLatency | Self::StartLatency => Unit::Milliseconds,
            // CloudWatch has no unit for hours nor for money.
            Self::StoppedGraphHours | Self::EstimatedSavings => Unit::Unitless,
            _ => Unit::Count,
        }
    }
}

/// A metrics variable that cannot be used; the function does not start.
#[derive(Debug, thiserror::Error)]
pub enum MetricsConfigError {
    /// A namespace or service name CloudWatch would refuse.
    #[error("{variable}: {source}")]
    Name {
        /// The variable.
        variable: &'static str,
        /// What is wrong.
        source: EmfError,
    },
    /// Not a boolean.
    #[error("{variable} is {value:?}: give true or false")]
    Flag {
        /// The variable.
        variable: &'static str,
        /// Its value, cut to 40 characters.
        value: String,
    },
    /// The price table (`GES_PRICES` or `GES_PRICES_FILE`) is bad.
    #[error(transparent)]
    Prices(#[from] PriceError),
}

/// Where an invocation's metrics go: to stdout, or, for the command line, the tests and
/// `POWERTOOLS_METRICS_DISABLED=true`, nowhere.
#[derive(Debug)]
pub struct Metrics {
    sink: Option<Sink>,
}

#[derive(Debug)]
struct Sink {
    namespace: Namespace,
    service: DimensionValue,
    /// Until the first invocation has been measured.
    cold: AtomicBool,
    /// The price table, kept until the interval is known ([`Metrics::with_interval`]).
    prices: Option<PriceTable>,
    /// What a reconcile's stopped graphs count, once the interval is known.
    sampling: Option<Sampling>,
}

impl Metrics {
    /// No metrics.
    pub fn off() -> Self {
        Self { sink: None }
    }

    /// From the process environment.
    pub fn from_env() -> Result<Self, MetricsConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// From variables read through `lookup`; blank ones count as unset. The price table
    /// is read even with metrics off: a bad one is refused at start all the same.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, MetricsConfigError> {
        let prices = PriceTable::from_lookup(&lookup)?;
        let env = Vars(lookup);
        if let Some(value) = env.get(DISABLED_VAR)
            && flag(DISABLED_VAR, &value)?
        {
            return Ok(Self::off());
        }
        let name = |variable: &'static str, default: &str| {
            env.get(variable).unwrap_or_else(|| default.to_owned())
        };
        let namespace = name(NAMESPACE_VAR, DEFAULT_NAMESPACE)
            .parse()
            .map_err(|source| MetricsConfigError::Name {
                variable: NAMESPACE_VAR,
                source,
            })?;
        let service = name(SERVICE_VAR, DEFAULT_SERVICE)
            .parse()
            .map_err(|source| MetricsConfigError::Name {
                variable: SERVICE_VAR,
                source,
            })?;
        Ok(Self {
            sink: Some(Sink {
                namespace,
                service,
                cold: AtomicBool::new(true),
                prices,
                sampling: None,
            }),
        })
    }

    /// The same metrics, counting each graph a reconcile sees stopped for `interval`
    /// (the settings' `reconcile_interval`); without one, no stopped time is written,
    /// as none can be known.
    pub fn with_interval(mut self, interval: Option<SignedDuration>) -> Self {
        if let Some(sink) = &mut self.sink {
            sink.sampling = interval.map(|interval| Sampling {
                interval,
                prices: sink.prices.clone(),
            });
        }
        self
    }

    /// Whether metrics are written.
    pub fn enabled(&self) -> bool {
        self.sink.is_some()
    }

    /// Runs one invocation's work (`run`, whose answer is final), then writes its
    /// metrics, each EMF document a line of its own on stdout.
    pub async fn measure<F>(&self, dry_run: bool, context: &Context, run: F) -> F::Output
    where
        F: Future<Output = Result<Answer, FunctionError>>,
    {
        if self.sink.is_none() {
            return run.await;
        }
        let (result, calls) = calls::recorded(run).await;
        let lines = self.lines(dry_run, &result, &calls, context, now_ms());
        // Under the lock, so that no log line lands inside ours. A stdout that cannot be
        // written to cannot be told so either: the answer goes out regardless.
        let mut stdout = std::io::stdout().lock();
        for line in &lines {
            if writeln!(stdout, "{line}").is_err() {
                break;
            }
        }
        let _ = stdout.flush();
        result
    }

    /// The EMF lines for one invocation that ended with `result` after `calls`: none for
    /// a dry run (its cold start included: the process is warm after it), nor when
    /// metrics are off.
    pub fn lines(
        &self,
        dry_run: bool,
        result: &Result<Answer, FunctionError>,
        calls: &[Call],
        context: &Context,
        timestamp_ms: u64,
    ) -> Vec<String> {
        let Some(sink) = &self.sink else {
            return Vec::new();
        };
        let cold = sink.cold.swap(false, Ordering::Relaxed);
        if dry_run {
            return Vec::new();
        }
        let cold_start = cold.then(|| sink.cold_start(context));
        let stopped = match (&sink.sampling, batch(result)) {
            (Some(sampling), Some(batch)) => sampling.by_schedule(batch),
            _ => Vec::new(),
        };
        cold_start
            .into_iter()
            .chain([sink.run(result, calls, context)])
            .chain(
                stopped
                    .iter()
                    .map(|schedule| sink.stopped(schedule, context)),
            )
            .filter_map(built)
            .flat_map(|document| document.lines(timestamp_ms))
            .collect()
    }
}

impl Sink {
    fn document(&self, context: &Context) -> Result<Document, EmfError> {
        let mut document = Document::new(
            self.namespace.clone(),
            "service".parse()?,
            self.service.clone(),
        );
        if !context.request_id.is_empty() {
            document.property("function_request_id".parse()?, json!(context.request_id))?;
        }
        Ok(document)
    }

    /// `ColdStart` in a document of its own, with the `function_name` dimension beside
    /// `service`, as Powertools writes it.
    fn cold_start(&self, context: &Context) -> Result<Document, EmfError> {
        let mut document = self.document(context)?;
        if let Ok(function) = context.env_config.function_name.parse() {
            document.dimension("function_name".parse()?, function)?;
        }
        add(&mut document, Metric::ColdStart, 1.0)?;
        Ok(document)
    }

    /// The run's counts (every one, zeros included, when it reached its graphs) and
    /// latencies.
    fn run(
        &self,
        result: &Result<Answer, FunctionError>,
        calls: &[Call],
        context: &Context,
    ) -> Result<Document, EmfError> {
        let mut document = self.document(context)?;
        if let Some(summary) = summary(result) {
            for (metric, count) in counts(&summary) {
                add(&mut document, metric, count as f64)?;
            }
        }
        // Written only when it happened: an alarm on it needs no zeros, and a run
        // without calendars has nothing to say of them.
        let unavailable = batch(result).map_or(0, |batch| {
            batch
                .results
                .iter()
                .filter(|entry| {
                    entry
                        .facts
                        .schedule
                        .as_ref()
                        .is_some_and(|schedule| schedule.calendar_unavailable)
                })
                .count()
        });
        if unavailable > 0 {
            add(
                &mut document,
                Metric::CalendarUnavailable,
                unavailable as f64,
            )?;
        }
        for call in calls {
            let metric = match call.change {
                Change::Stop => Metric::StopLatency,
                Change::Start => Metric::StartLatency,
            };
            add(&mut document, metric, call.took.as_secs_f64() * 1e3)?;
        }
        Ok(document)
    }
}

impl Sink {
    /// One schedule's stopped time and savings, with the `schedule` dimension; the
    /// currency and the graphs counted as properties.
    fn stopped(&self, schedule: &ScheduleStopped, context: &Context) -> Result<Document, EmfError> {
        let mut document = self.document(context)?;
        document.dimension("schedule".parse()?, schedule.schedule.parse()?)?;
        add(&mut document, Metric::StoppedGraphHours, schedule.hours)?;
        document.property("stopped_graphs".parse()?, json!(schedule.graphs))?;
        if let (Some(savings), Some(sampling)) = (schedule.savings, &self.sampling) {
            add(&mut document, Metric::EstimatedSavings, savings)?;
            if let Some(prices) = &sampling.prices {
                document.property("currency".parse()?, json!(prices.currency().code()))?;
            }
            document.property("unpriced_graphs".parse()?, json!(schedule.unpriced))?;
        }
        Ok(document)
    }
}

fn add(document: &mut Document, metric: Metric, value: f64) -> Result<(), EmfError> {
    document.metric(&metric.name().parse()?, metric.unit(), value)
}

/// The document, or, should ours ever break a rule of the format, none, said in the logs:
/// the answer matters more than its metrics.
fn built(document: Result<Document, EmfError>) -> Option<Document> {
    document
        .inspect_err(|error| tracing::warn!(error = %error, "metrics not written"))
        .ok()
}

/// How the graphs of the run ended, when it reached them.
fn summary(result: &Result<Answer, FunctionError>) -> Option<Summary> {
    match result {
        Ok(Answer::Single(report)) => Some(Summary::of_one(Some(report.outcome))),
        Ok(Answer::Batch(batch)) => Some(batch.summary.clone()),
        Err(FunctionError::Run(RunError::Graph(_))) => Some(Summary::of_one(None)),
        Err(FunctionError::Run(RunError::PartialFailure(batch))) => Some(batch.summary.clone()),
        // Refused before any graph: nothing was counted.
        Err(_) => None,
    }
}

/// The run's graphs one by one, when it reached them: those of a reconcile carry their
/// schedule.
fn batch(result: &Result<Answer, FunctionError>) -> Option<&BatchAnswer> {
    match result {
        Ok(Answer::Batch(batch)) => Some(batch),
        Err(FunctionError::Run(RunError::PartialFailure(batch))) => Some(batch),
        _ => None,
    }
}

/// Each count with its metric. The dry-run counts (`would_stop`, `would_start`) have
/// none: a dry run writes no metric.
fn counts(summary: &Summary) -> [(Metric, usize); 10] {
    let Summary {
        selected,
        stopping,
        stopped,
        already_stopped,
        skipped,
        would_stop: _,
        starting,
        already_running,
        unchanged,
        would_start: _,
        deferred,
        failed,
    } = *summary;
    [
        (Metric::GraphsSelected, selected),
        (Metric::GraphsStopping, stopping),
        (Metric::GraphsStopped, stopped),
        (Metric::GraphsAlreadyStopped, already_stopped),
        (Metric::GraphsSkipped, skipped),
        (Metric::GraphsStarting, starting),
        (Metric::GraphsAlreadyRunning, already_running),
        (Metric::GraphsUnchanged, unchanged),
        (Metric::GraphsDeferred, deferred),
        (Metric::GraphsFailed, failed),
    ]
}

fn flag(variable: &'static str, value: &str) -> Result<bool, MetricsConfigError> {
    // The values Powertools reads as booleans (Python's strtobool).
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "t" | "yes" | "y" | "on" => Ok(true),
        "0" | "false" | "f" | "no" | "n" | "off" => Ok(false),
        _ => Err(MetricsConfigError::Flag {
            variable,
            value: value.chars().take(40).collect(),
        }),
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::Value;

    use std::collections::BTreeMap;
    use std::num::NonZeroU32;

    use super::*;
    use ges_api::types::{GraphSizeTypeIndex, GraphStatus};
    use ges_client::config::vars;
    use ges_client::fleet::{ScheduleFacts, SelectionFacts};
    use ges_client::ges::GraphError;
    use ges_client::ges::{GraphReport, GraphTarget, Outcome};
    use ges_client::run::{BatchAnswer, BatchEntry};
    use ges_client::schedule::Desired;
    use ges_client::transport::Attempts;

    const T: u64 = 1_700_000_000_000;

    fn metrics(vars: &[(&str, &str)]) -> Metrics {
        Metrics::from_lookup(|name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
        .unwrap()
    }

    fn target(n: usize) -> GraphTarget {
        GraphTarget {
            project_id: "0123456789abcdef0123456789abcdef".parse().unwrap(),
            graph_id: format!("g-{n}").parse().unwrap(),
        }
    }

    fn context() -> Context {
        let mut context = Context::default();
        context.request_id = "req-7".to_owned();
        context.env_config = std::sync::Arc::new(lambda_runtime::Config {
            function_name: "ges-stop-fn".to_owned(),
            ..Default::default()
        });
        context
    }

    fn single(outcome: Outcome) -> Result<Answer, FunctionError> {
        Ok(Answer::Single(GraphReport::new(&target(1), outcome, None)))
    }

    fn failure(n: usize) -> GraphError {
        GraphError::DeadlineExceeded {
            target: target(n),
            change: Change::Stop,
            attempts: Attempts::default(),
        }
    }

    fn entry(n: usize, outcome: Option<Outcome>) -> BatchEntry {
        BatchEntry {
            target: target(n),
            facts: SelectionFacts::default(),
            outcome: outcome
                .map(|outcome| GraphReport::new(&target(n), outcome, None))
                .ok_or_else(|| failure(n)),
        }
    }

    fn stops(n: usize) -> Vec<Call> {
        (0..n)
            .map(|i| Call {
                change: Change::Stop,
                took: Duration::from_millis(u64::try_from(i).unwrap() + 1),
            })
            .collect()
    }

    fn parsed(lines: Vec<String>) -> Vec<Value> {
        lines
            .iter()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    fn names(line: &Value) -> Vec<&str> {
        line["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|metric| metric["Name"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn the_first_invocation_writes_its_cold_start_apart_and_later_ones_do_not() {
        let metrics = metrics(&[(SERVICE_VAR, "nightly")]);
        let first =
            parsed(metrics.lines(false, &single(Outcome::Stopping), &stops(1), &context(), T));
        assert_eq!(first.len(), 2, "{first:?}");
        let cold = &first[0];
        assert_eq!(names(cold), ["ColdStart"]);
        assert_eq!(cold["ColdStart"], 1.0);
        let directive = &cold["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], DEFAULT_NAMESPACE);
        assert_eq!(
            directive["Dimensions"],
            json!([["service", "function_name"]])
        );
        assert_eq!(cold["function_name"], "ges-stop-fn");
        assert_eq!(cold["service"], "nightly");

        let run = &first[1];
        assert_eq!(
            run["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["service"]])
        );
        assert_eq!(run["_aws"]["Timestamp"], T);
        assert_eq!(run["function_request_id"], "req-7");
        assert_eq!(run["GraphsSelected"], 1.0);
        assert_eq!(run["GraphsStopping"], 1.0);
        assert_eq!(run["GraphsFailed"], 0.0);
        assert_eq!(run["StopLatency"], 1.0);
        assert!(run.get("ColdStart").is_none());

        let second =
            parsed(metrics.lines(false, &single(Outcome::AlreadyStopped), &[], &context(), T));
        assert_eq!(second.len(), 1);
        assert!(second[0].get("ColdStart").is_none());
        assert_eq!(second[0]["GraphsAlreadyStopped"], 1.0);
        assert!(
            second[0].get("StopLatency").is_none(),
            "no call, no latency"
        );
    }

    #[test]
    fn every_count_is_written_zeros_included_and_no_dry_run_count() {
        let metrics = metrics(&[]);
        let lines = parsed(metrics.lines(false, &single(Outcome::Starting), &[], &context(), T));
        let run = lines.last().unwrap();
        assert_eq!(
            names(run),
            [
                "GraphsSelected",
                "GraphsStopping",
                "GraphsStopped",
                "GraphsAlreadyStopped",
                "GraphsSkipped",
                "GraphsStarting",
                "GraphsAlreadyRunning",
                "GraphsUnchanged",
                "GraphsDeferred",
                "GraphsFailed",
            ]
        );
        assert_eq!(run["GraphsStarting"], 1.0);
        assert_eq!(run["GraphsStopping"], 0.0);
        assert_eq!(run["service"], DEFAULT_SERVICE);
    }

    #[test]
    fn a_partial_failure_counts_every_graph_and_a_failed_single_graph_counts_one() {
        let metrics = metrics(&[]);
        let batch = BatchAnswer::new(
            Vec::new(),
            vec![
                entry(1, Some(Outcome::Stopping)),
                entry(2, None),
                entry(3, Some(Outcome::Skipped)),
            ],
            None,
        );
        let partial = Err(FunctionError::Run(RunError::PartialFailure(Box::new(
            batch,
        ))));
        let lines = parsed(metrics.lines(false, &partial, &stops(2), &context(), T));
        let run = lines.last().unwrap();
        assert_eq!(run["GraphsSelected"], 3.0);
        assert_eq!(run["GraphsStopping"], 1.0);
        assert_eq!(run["GraphsFailed"], 1.0);
        assert_eq!(run["GraphsSkipped"], 1.0);
        assert_eq!(run["StopLatency"], json!([1.0, 2.0]));

        let lines = parsed(metrics.lines(
            false,
            &Err(FunctionError::Run(RunError::Graph(failure(1)))),
            &stops(1),
            &context(),
            T,
        ));
        assert_eq!(lines[0]["GraphsFailed"], 1.0);
        assert_eq!(lines[0]["GraphsSelected"], 1.0);
    }

    #[test]
    fn a_run_refused_before_its_graphs_counts_nothing() {
        let metrics = metrics(&[]);
        // The cold start is still written: the process did start.
        let lines = parsed(metrics.lines(
            false,
            &Err(FunctionError::Run(RunError::NoProject)),
            &[],
            &context(),
            T,
        ));
        assert_eq!(lines.len(), 1);
        assert_eq!(names(&lines[0]), ["ColdStart"]);
        let lines = metrics.lines(
            false,
            &Err(FunctionError::Run(RunError::NoProject)),
            &[],
            &context(),
            T,
        );
        assert!(lines.is_empty(), "{lines:?}");
    }

    #[test]
    fn four_hundred_stops_keep_four_hundred_latencies_and_count_once() {
        let metrics = metrics(&[]);
        let entries = (0..400)
            .map(|n| entry(n, Some(Outcome::Stopping)))
            .collect();
        let batch = Ok(Answer::Batch(BatchAnswer::new(Vec::new(), entries, None)));
        let lines = parsed(metrics.lines(false, &batch, &stops(400), &context(), T));
        let runs = &lines[1..];
        assert_eq!(runs.len(), 4);
        let latencies: usize = runs
            .iter()
            .map(|line| line["StopLatency"].as_array().unwrap().len())
            .sum();
        assert_eq!(latencies, 400);
        let stopping: f64 = runs
            .iter()
            .filter_map(|line| line["GraphsStopping"].as_f64())
            .sum();
        assert_eq!(stopping, 400.0);
    }

    #[test]
    fn a_dry_run_writes_nothing_and_takes_the_cold_start_with_it() {
        let metrics = metrics(&[]);
        let dry = metrics.lines(true, &single(Outcome::WouldStop), &[], &context(), T);
        assert!(dry.is_empty(), "{dry:?}");
        let next = parsed(metrics.lines(false, &single(Outcome::Stopping), &[], &context(), T));
        assert_eq!(next.len(), 1);
        assert!(next[0].get("ColdStart").is_none());
    }

    #[test]
    fn the_variables_set_namespace_and_service_or_turn_metrics_off() {
        let metrics = metrics(&[(NAMESPACE_VAR, "Acme/ges"), (SERVICE_VAR, "stack-1")]);
        let lines = parsed(metrics.lines(false, &single(Outcome::Stopping), &[], &context(), T));
        for line in &lines {
            assert_eq!(
                line["_aws"]["CloudWatchMetrics"][0]["Namespace"],
                "Acme/ges"
            );
            assert_eq!(line["service"], "stack-1");
        }
        for off in ["true", "TRUE", "1", "yes"] {
            let metrics = self::metrics(&[(DISABLED_VAR, off)]);
            assert!(!metrics.enabled(), "{off}");
            assert!(
                metrics
                    .lines(false, &single(Outcome::Stopping), &[], &context(), T)
                    .is_empty()
            );
        }
        for on in ["false", "0", "  "] {
            assert!(self::metrics(&[(DISABLED_VAR, on)]).enabled(), "{on:?}");
        }
        assert!(!Metrics::off().enabled());
    }

    /// A reconcile's entry: graph `n` of `schedule` (`None`: a schedule the document
    /// lacks), listed with `status` and settled as `outcome`, of size `size`.
    fn scheduled(
        n: usize,
        schedule: &str,
        desired: Option<Desired>,
        status: GraphStatus,
        outcome: Outcome,
        size: &str,
    ) -> BatchEntry {
        BatchEntry {
            target: target(n),
            facts: SelectionFacts {
                name: None,
                tags: None,
                schedule: Some(ScheduleFacts {
                    name: schedule.to_owned(),
                    desired,
                    next_change: None,
                    why: None,
                    size: Some(GraphSizeTypeIndex::from(size)),
                    replicas: NonZeroU32::new(u32::try_from(n % 3 + 1).unwrap()),
                    calendar_unavailable: false,
                }),
            },
            outcome: Ok(GraphReport::settled(
                &target(n),
                outcome,
                &status,
                "test".to_owned(),
            )),
        }
    }

    fn reconcile() -> Result<Answer, FunctionError> {
        use GraphStatus::{Running, Stopped};
        use Outcome::{AlreadyRunning, AlreadyStopped, Skipped, Unchanged};
        let stopped = Some(Desired::Stopped);
        let running = Some(Desired::Running);
        let entries = vec![
            // nightly: graphs 0 (1 replica), 2 (3 replicas) stopped, 1 running;
            // 3 stopped but skipped (database edition, opted out...), counts nothing.
            scheduled(0, "nightly", stopped, Stopped, AlreadyStopped, "1"),
            scheduled(1, "nightly", running, Running, AlreadyRunning, "1"),
            scheduled(2, "nightly", stopped, Stopped, AlreadyStopped, "4"),
            scheduled(3, "nightly", stopped, Stopped, Skipped, "1"),
            // weekend: one running, left so by hand.
            scheduled(4, "weekend", stopped, Running, Unchanged, "1"),
            // office: stopped by hand though it wants it running, of a size the table
            // does not price.
            scheduled(5, "office", running, Stopped, Unchanged, "2"),
            // a tag naming no schedule.
            scheduled(6, "nosuch", None, Stopped, Skipped, "1"),
        ];
        Ok(Answer::Batch(BatchAnswer::new(Vec::new(), entries, None)))
    }

    fn by_schedule(lines: &[Value]) -> BTreeMap<String, Value> {
        lines
            .iter()
            .filter(|line| line.get("schedule").is_some())
            .map(|line| (line["schedule"].as_str().unwrap().to_owned(), line.clone()))
            .collect()
    }

    const PRICES: &str = r#"{"currency": "USD", "per_hour": {"1": 1.25, "4": 12}}"#;

    #[test]
    fn graphs_whose_calendar_was_unavailable_are_counted_when_there_are_any() {
        let metrics = metrics(&[]);
        let unavailable = |n: usize, unavailable: bool| {
            let mut entry = scheduled(
                n,
                "office",
                Some(Desired::Running),
                GraphStatus::Stopped,
                Outcome::Unchanged,
                "1",
            );
            if let Some(schedule) = &mut entry.facts.schedule {
                schedule.calendar_unavailable = unavailable;
            }
            entry
        };
        let answer = |entries| Ok(Answer::Batch(BatchAnswer::new(Vec::new(), entries, None)));
        let lines = parsed(metrics.lines(
            false,
            &answer(vec![
                unavailable(0, true),
                unavailable(1, false),
                unavailable(2, true),
            ]),
            &[],
            &context(),
            T,
        ));
        let run = lines
            .iter()
            .find(|line| line.get("GraphsSelected").is_some())
            .unwrap();
        assert_eq!(run["CalendarUnavailable"], 2.0, "{lines:#?}");
        assert!(names(run).contains(&"CalendarUnavailable"), "{run:#}");
        let lines = parsed(metrics.lines(
            false,
            &answer(vec![unavailable(0, false)]),
            &[],
            &context(),
            T,
        ));
        assert!(
            lines
                .iter()
                .all(|line| line.get("CalendarUnavailable").is_none()),
            "{lines:#?}"
        );
    }

    #[test]
    fn graphs_a_schedule_stops_only_when_idle_count_when_seen_stopped() {
        let metrics =
            metrics(&[(SERVICE_VAR, "stack")]).with_interval(Some(SignedDuration::from_mins(15)));
        // Such a schedule wants nothing by the clock: no `desired`.
        let entries = vec![
            scheduled(
                0,
                "idle-only",
                None,
                GraphStatus::Stopped,
                Outcome::Unchanged,
                "1",
            ),
            scheduled(
                1,
                "idle-only",
                None,
                GraphStatus::Running,
                Outcome::Unchanged,
                "1",
            ),
        ];
        let answer = Ok(Answer::Batch(BatchAnswer::new(Vec::new(), entries, None)));
        let lines = parsed(metrics.lines(false, &answer, &[], &context(), T));
        let schedules = by_schedule(&lines);
        assert_eq!(
            schedules["idle-only"]["StoppedGraphHours"], 0.25,
            "{lines:#?}"
        );
    }

    #[test]
    fn a_reconcile_writes_each_schedules_stopped_hours_and_savings_apart() {
        let metrics = metrics(&[(SERVICE_VAR, "stack"), (vars::PRICES, PRICES)])
            .with_interval(Some(SignedDuration::from_mins(15)));
        let lines = parsed(metrics.lines(false, &reconcile(), &[], &context(), T));
        let schedules = by_schedule(&lines);
        assert_eq!(
            schedules.keys().collect::<Vec<_>>(),
            ["nightly", "office", "weekend"],
            "{lines:#?}"
        );
        let nightly = &schedules["nightly"];
        let directive = &nightly["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Dimensions"], json!([["service", "schedule"]]));
        assert_eq!(
            directive["Metrics"],
            json!([
                {"Name": "StoppedGraphHours", "Unit": "None"},
                {"Name": "EstimatedSavings", "Unit": "None"},
            ])
        );
        assert_eq!(nightly["service"], "stack");
        assert_eq!(nightly["function_request_id"], "req-7");
        // Two graphs a quarter of an hour each.
        assert_eq!(nightly["StoppedGraphHours"], 0.5);
        assert_eq!(nightly["stopped_graphs"], 2);
        // 1.25 x 1 replica x 0.25 h + 12 x 3 replicas x 0.25 h = 0.3125 + 9 = 9.31.
        assert_eq!(nightly["EstimatedSavings"], 9.31);
        assert_eq!(nightly["currency"], "USD");
        assert_eq!(nightly["unpriced_graphs"], 0);

        let weekend = &schedules["weekend"];
        assert_eq!(weekend["StoppedGraphHours"], 0.0, "a zero, not a gap");
        assert_eq!(weekend["EstimatedSavings"], 0.0);

        let office = &schedules["office"];
        assert_eq!(office["StoppedGraphHours"], 0.25, "stopped by hand counts");
        assert_eq!(office["EstimatedSavings"], 0.0);
        assert_eq!(office["unpriced_graphs"], 1);

        // The run's counts stay on their own line, with only `service`.
        let run = lines
            .iter()
            .find(|line| line.get("GraphsSelected").is_some())
            .unwrap();
        assert_eq!(
            run["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["service"]])
        );
        assert!(run.get("StoppedGraphHours").is_none());
    }

    #[test]
    fn without_prices_hours_only_and_without_an_interval_neither() {
        let hours = metrics(&[]).with_interval(Some(SignedDuration::from_mins(60)));
        let lines = parsed(hours.lines(false, &reconcile(), &[], &context(), T));
        let schedules = by_schedule(&lines);
        assert_eq!(schedules["nightly"]["StoppedGraphHours"], 2.0);
        for line in schedules.values() {
            assert_eq!(names(line), ["StoppedGraphHours"]);
            assert!(line.get("currency").is_none());
        }

        let none = metrics(&[(vars::PRICES, PRICES)]).with_interval(None);
        let lines = parsed(none.lines(false, &reconcile(), &[], &context(), T));
        assert!(by_schedule(&lines).is_empty(), "{lines:#?}");
        assert!(
            lines
                .iter()
                .all(|line| line.get("StoppedGraphHours").is_none())
        );

        let dry =
            metrics(&[(vars::PRICES, PRICES)]).with_interval(Some(SignedDuration::from_mins(15)));
        assert!(dry.lines(true, &reconcile(), &[], &context(), T).is_empty());
    }

    #[test]
    fn a_bad_price_table_fails_the_start_naming_its_field_even_with_metrics_off() {
        let bad = |vars: &[(&str, &str)]| {
            Metrics::from_lookup(|name| {
                vars.iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            })
            .unwrap_err()
            .to_string()
        };
        let message = bad(&[(
            vars::PRICES,
            r#"{"currency": "USD", "per_hour": {"1": -1}}"#,
        )]);
        assert!(
            message.starts_with("GES_PRICES") && message.contains("per_hour.\"1\""),
            "{message}"
        );
        let message = bad(&[
            (DISABLED_VAR, "true"),
            (vars::PRICES, r#"{"currency": "XXY", "per_hour": {"1": 1}}"#),
        ]);
        assert!(message.contains("currency"), "{message}");
        let message = bad(&[(vars::PRICES, r#"{"currency": "USD", "per_hour": {"9": 1}}"#)]);
        assert!(message.contains("per_hour.\"9\""), "{message}");
    }

    #[test]
    fn a_bad_variable_is_named() {
        let bad = |vars: &[(&str, &str)]| {
            Metrics::from_lookup(|name| {
                vars.iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            })
            .unwrap_err()
            .to_string()
        };
        assert!(bad(&[(NAMESPACE_VAR, "AWS/Lambda")]).starts_with(NAMESPACE_VAR));
        assert!(bad(&[(SERVICE_VAR, "a\u{7}b")]).starts_with(SERVICE_VAR));
        let message = bad(&[(DISABLED_VAR, "maybe")]);
        assert!(message.starts_with(DISABLED_VAR), "{message}");
        assert!(message.contains("true or false"), "{message}");
    }
}
