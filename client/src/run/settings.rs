//! What a run adds to the configuration: the graphs (or fleet selectors) a classic
//! schedule stops, the allow-lists, the fleet safety settings, the schedules a reconcile
//! follows, how long a calendar read from a URL serves, how many stops run at once and
//! how long to wait for jobs; and [`load`], the
//! one way every front door reads the environment into a [`Config`] and [`Settings`],
//! once, at start-up.

use std::collections::BTreeSet;
use std::str::FromStr;
use std::time::Duration;

use ges_api::runtime::ConstraintViolation;
use ges_api::types::{GraphId, ProjectId};
use jiff::SignedDuration;
use serde_json::Value;

use super::at_bound::{MAX_EVENT_AGE_MINUTES, MaxEventAge};
use super::request::{Graphs, MAX_GRAPHS_PER_EVENT};
use super::scheduling::TagSchedules;
use crate::calendars::CalendarRefresh;
use crate::config::env::{Vars, vars};
use crate::config::{Config, ConfigError, Overrides, seconds};
use crate::fleet::policy::{DEFAULT_OPT_OUT_TAG, Policy};
use crate::fleet::selector::{self, MAX_SELECTORS, Selector};
use crate::run::reconcile::{
    DEFAULT_CES_DELAY_MINUTES, DEFAULT_SCHEDULE_TAG, DEFAULT_SKIP_UNTIL_TAG,
    DEFAULT_WINDOW_MINUTES, MAX_CES_DELAY_MINUTES, MAX_WINDOW_MINUTES,
};
use crate::run::scheduling::Scheduling;
use crate::schedule::Schedules;

/// Reads the configuration and the settings from `lookup` (the process environment, or a
/// test's), with `overrides` and `wait_timeout` in place of the variables they replace:
/// the secret the variables name and the region's project (from IAM) included, as
/// [`Config::load`] reads them.
pub async fn load(
    lookup: impl Fn(&str) -> Option<String>,
    overrides: &Overrides,
    wait_timeout: Option<Duration>,
) -> Result<(Config, Settings), ConfigError> {
    let config = Config::load_with(&lookup, overrides).await?;
    // The variable a given timeout replaces is not read, as an override's is not.
    let mut settings = Settings::from_lookup(|name| {
        lookup(name).filter(|_| wait_timeout.is_none() || name != vars::WAIT_TIMEOUT)
    })?;
    if let Some(wait_timeout) = wait_timeout {
        settings.wait_timeout = wait_timeout;
    }
    Ok((config, settings))
}

/// The longest reconcile interval: a day. EventBridge Scheduler's rates go further, but
/// a reconcile a day apart already misses every boundary in between.
pub const MAX_RECONCILE_INTERVAL_MINUTES: u16 = 1440;

/// How many stops run at once unless configured: enough to stop a fleet in a few
/// round trips, few enough not to trip GES's throttling.
pub const DEFAULT_MAX_CONCURRENCY: usize = 8;
/// The most stops at once the configuration may ask for.
pub const MAX_CONCURRENCY: usize = 64;
/// How long `wait` waits for a stop job when the runtime gives no usable deadline.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(60);
/// How many graphs selectors may select unless configured (or raised by the event): a
/// selector with a typo must not stop a whole project.
pub const DEFAULT_MAX_GRAPHS: usize = 100;

/// A run's settings, beside the [`Config`] its calls are made with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// What a classic scheduled event, which names no graph, stops: `GES_GRAPH_IDS` or
    /// `GES_SELECTORS`; none configured, and such an event is refused.
    pub default_graphs: Option<Graphs>,
    /// The allow-lists and the opt-out tag.
    pub policy: Policy,
    /// How many graphs one invocation stops at once.
    pub max_concurrency: usize,
    /// How long `wait` may take when the invocation's deadline is unknown.
    pub wait_timeout: Duration,
    /// How many graphs selectors may select before a run is refused.
    pub max_graphs: usize,
    /// The schedules and their tags, when a document is configured (`vars::SCHEDULES`,
    /// or the file `vars::SCHEDULES_FILE` names) or tags may hold schedules
    /// (`vars::TAG_SCHEDULES` not `off`); without either, a reconcile is refused.
    pub scheduling: Option<Scheduling>,
    /// How far in the past a reconcile that acts may be evaluated
    /// (`vars::MAX_EVENT_AGE`); a dry run takes any instant.
    pub max_event_age: MaxEventAge,
    /// How far apart reconciles run (`vars::RECONCILE_INTERVAL`), when configured: each
    /// graph a reconcile sees stopped counts that long in the metrics. Unset, the
    /// metrics count no stopped time, as none can be known.
    pub reconcile_interval: Option<SignedDuration>,
    /// How long a calendar read from a URL serves before a run fetches it again
    /// (`vars::CALENDAR_REFRESH`, in hours).
    pub calendar_refresh: CalendarRefresh,
}

impl Settings {
    /// Whether a timer that names nothing means a reconcile: with a schedules document,
    /// as always; with tag schedules only, when no `GES_GRAPH_IDS` or `GES_SELECTORS`
    /// claims such a timer for itself.
    pub fn timer_reconciles(&self) -> bool {
        self.scheduling.as_ref().is_some_and(|scheduling| {
            scheduling.schedules.is_some() || self.default_graphs.is_none()
        })
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup`; see [`Config::from_lookup`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Vars(lookup);
        let default_graphs = match (
            id_list::<GraphId, _>(&env, vars::GRAPH_IDS)?,
            env.get(vars::SELECTORS),
        ) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::Conflicting {
                    first: vars::GRAPH_IDS,
                    second: vars::SELECTORS,
                });
            }
            (Some(ids), None) if !ids.is_empty() => Some(Graphs::Named(ids)),
            (_, Some(json)) => Some(Graphs::Selected(selectors(vars::SELECTORS, &json)?)),
            _ => None,
        };
        let allowed_graphs =
            id_list::<GraphId, _>(&env, vars::ALLOWED_GRAPH_IDS)?.map(BTreeSet::from_iter);
        let allowed_projects =
            id_list::<ProjectId, _>(&env, vars::ALLOWED_PROJECT_IDS)?.map(BTreeSet::from_iter);
        let max_concurrency =
            count(&env, vars::MAX_CONCURRENCY, MAX_CONCURRENCY)?.unwrap_or(DEFAULT_MAX_CONCURRENCY);
        let max_graphs =
            count(&env, vars::MAX_GRAPHS, MAX_GRAPHS_PER_EVENT)?.unwrap_or(DEFAULT_MAX_GRAPHS);
        let wait_timeout = seconds(&env, vars::WAIT_TIMEOUT)?.unwrap_or(DEFAULT_WAIT_TIMEOUT);
        let opt_out_tag = env
            .get(vars::OPT_OUT_TAG)
            .unwrap_or_else(|| DEFAULT_OPT_OUT_TAG.to_owned());
        let opt_out_tag = opt_out_tag.parse().map_err(|()| ConfigError::Tag {
            variable: vars::OPT_OUT_TAG,
            value: opt_out_tag.chars().take(40).collect(),
        })?;
        // The reconcile's settings are checked whether or not a document is set: a
        // mistake in them must not wait for the day one is.
        let window = minutes(&env, vars::RECONCILE_WINDOW, MAX_WINDOW_MINUTES)?
            .unwrap_or(SignedDuration::from_mins(i64::from(DEFAULT_WINDOW_MINUTES)));
        let ces_delay = minutes(&env, vars::CES_DELAY, MAX_CES_DELAY_MINUTES)?.unwrap_or(
            SignedDuration::from_mins(i64::from(DEFAULT_CES_DELAY_MINUTES)),
        );
        let reconcile_interval = minutes(
            &env,
            vars::RECONCILE_INTERVAL,
            MAX_RECONCILE_INTERVAL_MINUTES,
        )?;
        let calendar_refresh = count(
            &env,
            vars::CALENDAR_REFRESH,
            usize::from(CalendarRefresh::MAX_HOURS),
        )?
        .and_then(|hours| u16::try_from(hours).ok())
        .and_then(CalendarRefresh::from_hours)
        .unwrap_or_default();
        let max_event_age = match count(
            &env,
            vars::MAX_EVENT_AGE,
            usize::from(MAX_EVENT_AGE_MINUTES),
        )? {
            None => MaxEventAge::default(),
            Some(minutes) => u16::try_from(minutes)
                .ok()
                .and_then(MaxEventAge::from_minutes)
                .unwrap_or_default(),
        };
        let schedule_tag = env
            .get(vars::SCHEDULE_TAG)
            .unwrap_or_else(|| DEFAULT_SCHEDULE_TAG.to_owned());
        let skip_until_tag = env
            .get(vars::SKIP_UNTIL_TAG)
            .unwrap_or_else(|| DEFAULT_SKIP_UNTIL_TAG.to_owned());
        if skip_until_tag == schedule_tag {
            return Err(ConfigError::SameTagKey {
                first: vars::SKIP_UNTIL_TAG,
                second: vars::SCHEDULE_TAG,
                key: skip_until_tag.chars().take(40).collect(),
            });
        }
        let tag_schedules = TagSchedules::read(env.get(vars::TAG_SCHEDULES).as_deref())?;
        let schedules = Schedules::from_lookup(|name| env.get(name))?;
        // Tag schedules need no document: a reconcile runs on what the tags say.
        let scheduling =
            (schedules.is_some() || tag_schedules != TagSchedules::Off).then(|| Scheduling {
                schedules,
                tag_schedules,
                schedule_tag,
                skip_until_tag,
                window,
                ces_delay,
            });
        Ok(Self {
            scheduling,
            default_graphs,
            policy: Policy {
                allowed_graphs,
                allowed_projects,
                opt_out_tag,
            },
            max_concurrency,
            wait_timeout,
            max_graphs,
            max_event_age,
            reconcile_interval,
            calendar_refresh,
        })
    }
}

/// A whole number from 1 to `max`, if set.
fn count<F: Fn(&str) -> Option<String>>(
    env: &Vars<F>,
    variable: &'static str,
    max: usize,
) -> Result<Option<usize>, ConfigError> {
    let Some(value) = env.get(variable) else {
        return Ok(None);
    };
    match value.parse::<usize>() {
        Ok(count) if (1..=max).contains(&count) => Ok(Some(count)),
        _ => Err(ConfigError::Count {
            variable,
            value: value.chars().take(40).collect(),
            max,
        }),
    }
}

/// A whole number of minutes, 1 to `max`, if the variable is set.
fn minutes<F: Fn(&str) -> Option<String>>(
    env: &Vars<F>,
    variable: &'static str,
    max: u16,
) -> Result<Option<SignedDuration>, ConfigError> {
    Ok(count(env, variable, usize::from(max))?
        .and_then(|minutes| i64::try_from(minutes).ok())
        .map(SignedDuration::from_mins))
}

/// Selectors as JSON: one object, or an array of 1 to [`MAX_SELECTORS`] objects.
fn selectors(variable: &'static str, json: &str) -> Result<Vec<Selector>, ConfigError> {
    let refuse = |reason: String| ConfigError::Selectors { variable, reason };
    let value = crate::input::json::parse(json).map_err(|err| refuse(err.to_string()))?;
    match value {
        Value::Array(entries) if entries.is_empty() || entries.len() > MAX_SELECTORS => {
            Err(refuse(format!("lists {} selectors", entries.len())))
        }
        Value::Array(entries) => entries
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                selector::parse(entry).map_err(|err| refuse(format!("entry {}: {err}", index + 1)))
            })
            .collect(),
        one => selector::parse(&one)
            .map(|selector| vec![selector])
            .map_err(|err| refuse(format!("selector {err}"))),
    }
}

/// A comma-separated list of IDs, each checked; duplicates collapsed, order kept.
fn id_list<T, F>(env: &Vars<F>, variable: &'static str) -> Result<Option<Vec<T>>, ConfigError>
where
    T: FromStr<Err = ConstraintViolation> + PartialEq,
    F: Fn(&str) -> Option<String>,
{
    let Some(list) = env.get(variable) else {
        return Ok(None);
    };
    let mut ids: Vec<T> = Vec::new();
    for (index, item) in list.split(',').map(str::trim).enumerate() {
        if item.is_empty() {
            continue;
        }
        let id = item.parse::<T>().map_err(|source| ConfigError::IdList {
            variable,
            position: index + 1,
            source,
        })?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(Some(ids))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use ges_api::types::Tag;

    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    fn graph(id: &str) -> GraphId {
        id.parse().unwrap()
    }

    #[test]
    fn defaults_allow_everything_and_name_no_graph() {
        let settings = settings(&[]).unwrap();
        assert_eq!(settings.default_graphs, None);
        assert_eq!(settings.max_graphs, DEFAULT_MAX_GRAPHS);
        assert_eq!(settings.policy.opt_out_tag.to_string(), DEFAULT_OPT_OUT_TAG);
        assert_eq!(settings.max_concurrency, DEFAULT_MAX_CONCURRENCY);
        assert_eq!(settings.wait_timeout, DEFAULT_WAIT_TIMEOUT);
        assert!(
            settings
                .policy
                .allows(&"p1".parse().unwrap(), &graph("anything"))
        );
    }

    #[test]
    fn lists_are_trimmed_deduplicated_and_checked() {
        let settings = settings(&[
            (vars::GRAPH_IDS, " g-1, g-2 ,,g-1 "),
            (vars::ALLOWED_GRAPH_IDS, "g-1"),
            (vars::ALLOWED_PROJECT_IDS, "p1,p2"),
        ])
        .unwrap();
        assert_eq!(
            settings.default_graphs,
            Some(Graphs::Named(vec![graph("g-1"), graph("g-2")]))
        );
        let p1 = "p1".parse().unwrap();
        let p3 = "p3".parse().unwrap();
        assert!(settings.policy.allows(&p1, &graph("g-1")));
        assert!(!settings.policy.allows(&p1, &graph("g-2")));
        assert!(!settings.policy.allows(&p3, &graph("g-1")));

        let err = self::settings(&[(vars::GRAPH_IDS, "g-1,../etc")]).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("GES_GRAPH_IDS, entry 2: "), "{message}");
    }

    #[test]
    fn an_empty_allow_list_allows_nothing() {
        // Set but holding only separators: the operator meant a list, and an empty
        // list must not silently mean "everything".
        let settings = settings(&[(vars::ALLOWED_GRAPH_IDS, " , ")]).unwrap();
        assert!(
            !settings
                .policy
                .allows(&"p1".parse().unwrap(), &graph("g-1"))
        );
    }

    #[test]
    fn concurrency_and_wait_are_bounded() {
        assert_eq!(
            settings(&[(vars::MAX_CONCURRENCY, "3")])
                .unwrap()
                .max_concurrency,
            3
        );
        for bad in ["0", "65", "-1", "many"] {
            let err = settings(&[(vars::MAX_CONCURRENCY, bad)]).unwrap_err();
            assert!(err.to_string().contains(vars::MAX_CONCURRENCY), "{err}");
        }
        assert_eq!(
            settings(&[(vars::WAIT_TIMEOUT, "2.5")])
                .unwrap()
                .wait_timeout,
            Duration::from_millis(2500)
        );
        assert!(settings(&[(vars::WAIT_TIMEOUT, "0")]).is_err());
        assert_eq!(
            settings(&[(vars::MAX_GRAPHS, "250")]).unwrap().max_graphs,
            250
        );
        for bad in ["0", "1001", "lots"] {
            let err = settings(&[(vars::MAX_GRAPHS, bad)]).unwrap_err();
            assert!(err.to_string().contains(vars::MAX_GRAPHS), "{err}");
        }
    }

    #[test]
    fn selectors_for_the_schedule() {
        let one = settings(&[(vars::SELECTORS, r#"{"name": "dev-*"}"#)]).unwrap();
        let Some(Graphs::Selected(selectors)) = one.default_graphs else {
            panic!("{:?}", one.default_graphs);
        };
        assert_eq!(selectors.len(), 1);
        assert!(selectors[0].matches("dev-1", &[]));
        let two = settings(&[(
            vars::SELECTORS,
            r#"[{"name": "a*"}, {"tags": {"env": "dev"}, "project_id": "p2"}]"#,
        )])
        .unwrap();
        assert!(matches!(two.default_graphs, Some(Graphs::Selected(ref s)) if s.len() == 2));

        for (value, expected) in [
            ("{", "GES_SELECTORS is not JSON"),
            ("[]", "GES_SELECTORS lists 0 selectors"),
            (
                r#"[{"name": "a"}, {}]"#,
                "GES_SELECTORS entry 2: says neither",
            ),
            (
                r#"{"nmae": "a"}"#,
                "GES_SELECTORS selector has the unknown field \"nmae\"",
            ),
        ] {
            let message = settings(&[(vars::SELECTORS, value)])
                .unwrap_err()
                .to_string();
            assert!(message.starts_with(expected), "{message}");
        }
        let both = settings(&[
            (vars::SELECTORS, r#"{"name": "a"}"#),
            (vars::GRAPH_IDS, "g-1"),
        ]);
        assert!(matches!(both, Err(ConfigError::Conflicting { .. })));
    }

    /// Refused at start-up, whether or not schedules are set, naming the variable: a
    /// window of 0 acts on no boundary, and a skip-until key equal to the schedule key
    /// read every graph's schedule name as a date and skipped them all.
    #[test]
    fn reconcile_mistakes_are_caught_at_start_up_naming_the_variable() {
        const DOCUMENT: &str = r#"{"schedules": {"nightly": {"timezone": "UTC",
               "periods": [{"days": "mon-sun", "stop": "22:00"}]}}}"#;
        for schedules in [None, Some(DOCUMENT)] {
            let with = |pairs: &[(&'static str, &'static str)]| {
                let mut pairs = pairs.to_vec();
                pairs.extend(schedules.map(|document| (vars::SCHEDULES, document)));
                settings(&pairs)
            };
            for bad in ["0", "1441", "-5", "soon"] {
                let err = with(&[(vars::RECONCILE_WINDOW, bad)]).unwrap_err();
                assert!(err.to_string().contains(vars::RECONCILE_WINDOW), "{err}");
            }
            let same = with(&[(vars::SKIP_UNTIL_TAG, "ges-stop:schedule")]).unwrap_err();
            let message = same.to_string();
            assert!(
                message.starts_with("GES_SKIP_UNTIL_TAG and GES_SCHEDULE_TAG are both"),
                "{message}"
            );
            let renamed = with(&[(vars::SCHEDULE_TAG, "plan"), (vars::SKIP_UNTIL_TAG, "plan")]);
            assert!(matches!(renamed, Err(ConfigError::SameTagKey { .. })));
            // The default skip-until key taken as the schedule key collides as well.
            let defaulted = with(&[(vars::SCHEDULE_TAG, "ges-stop:skip-until")]);
            assert!(matches!(defaulted, Err(ConfigError::SameTagKey { .. })));
            assert!(
                with(&[
                    (vars::SCHEDULE_TAG, "plan"),
                    (vars::SKIP_UNTIL_TAG, "pause")
                ])
                .is_ok()
            );
        }
    }

    #[test]
    fn the_cloud_eye_delay_is_a_checked_number_of_minutes() {
        let delay = |vars: &[(&str, &str)]| {
            settings(vars).map(|settings| settings.scheduling.map(|s| s.ces_delay.as_mins()))
        };
        let document = r#"{"schedules": {"s": {"timezone": "UTC", "stop_when_idle": "30m"}}}"#;
        assert_eq!(delay(&[(vars::SCHEDULES, document)]).unwrap(), Some(10));
        assert_eq!(
            delay(&[(vars::SCHEDULES, document), (vars::CES_DELAY, "3")]).unwrap(),
            Some(3)
        );
        for bad in ["0", "61", "-1", "10m"] {
            let message = delay(&[(vars::CES_DELAY, bad)]).unwrap_err().to_string();
            assert!(
                message.contains(vars::CES_DELAY) && message.contains("1 to 60"),
                "{bad}: {message}"
            );
        }
    }

    #[test]
    fn the_reconcile_interval_is_a_checked_number_of_minutes_or_none() {
        let interval = |vars: &[(&str, &str)]| {
            settings(vars).map(|settings| settings.reconcile_interval.map(|i| i.as_mins()))
        };
        assert_eq!(interval(&[]).unwrap(), None);
        assert_eq!(
            interval(&[(vars::RECONCILE_INTERVAL, "15")]).unwrap(),
            Some(15)
        );
        assert_eq!(
            interval(&[(vars::RECONCILE_INTERVAL, "1440")]).unwrap(),
            Some(1440)
        );
        for bad in ["0", "1441", "-5", "15m", "1.5"] {
            let message = interval(&[(vars::RECONCILE_INTERVAL, bad)])
                .unwrap_err()
                .to_string();
            assert!(
                message.contains(vars::RECONCILE_INTERVAL) && message.contains("1 to 1440"),
                "{bad}: {message}"
            );
        }
    }

    #[test]
    fn the_calendar_refresh_is_a_checked_number_of_hours() {
        let hours = |vars: &[(&str, &str)]| {
            settings(vars).map(|settings| settings.calendar_refresh.hours())
        };
        assert_eq!(hours(&[]).unwrap(), 24);
        assert_eq!(hours(&[(vars::CALENDAR_REFRESH, "6")]).unwrap(), 6);
        assert_eq!(hours(&[(vars::CALENDAR_REFRESH, "720")]).unwrap(), 720);
        for bad in ["0", "721", "-1", "24h", "1.5"] {
            let message = hours(&[(vars::CALENDAR_REFRESH, bad)])
                .unwrap_err()
                .to_string();
            assert!(
                message.contains(vars::CALENDAR_REFRESH) && message.contains("1 to 720"),
                "{bad}: {message}"
            );
        }
    }

    #[test]
    fn the_event_age_is_a_checked_number_of_minutes() {
        assert_eq!(settings(&[]).unwrap().max_event_age.minutes(), 120);
        assert_eq!(
            settings(&[(vars::MAX_EVENT_AGE, "30")])
                .unwrap()
                .max_event_age
                .minutes(),
            30
        );
        for bad in ["0", "10081", "-1", "2h", "1.5"] {
            let err = settings(&[(vars::MAX_EVENT_AGE, bad)]).unwrap_err();
            let message = err.to_string();
            assert!(
                message.contains(vars::MAX_EVENT_AGE) && message.contains("1 to 10080"),
                "{message}"
            );
        }
    }

    #[test]
    fn tag_schedules_default_to_stop_and_schedule_without_a_document() {
        let tag_schedules = |pairs: &[(&str, &str)]| {
            settings(pairs).map(|settings| {
                settings
                    .scheduling
                    .map(|scheduling| (scheduling.tag_schedules, scheduling.schedules.is_some()))
            })
        };
        assert_eq!(
            tag_schedules(&[]).unwrap(),
            Some((TagSchedules::Stop, false))
        );
        for (word, expected) in [
            ("stop", TagSchedules::Stop),
            ("start", TagSchedules::Start),
            (" start ", TagSchedules::Start),
        ] {
            assert_eq!(
                tag_schedules(&[(vars::TAG_SCHEDULES, word)]).unwrap(),
                Some((expected, false)),
                "{word}"
            );
        }
        // Off, and no document: nothing to reconcile on.
        assert_eq!(
            tag_schedules(&[(vars::TAG_SCHEDULES, "off")]).unwrap(),
            None
        );
        let document = r#"{"schedules": {"s": {"timezone": "UTC",
            "periods": [{"days": "mon-sun", "stop": "22:00"}]}}}"#;
        assert_eq!(
            tag_schedules(&[(vars::TAG_SCHEDULES, "off"), (vars::SCHEDULES, document)]).unwrap(),
            Some((TagSchedules::Off, true))
        );
        for bad in ["Stop", "on", "true", "starts", "stop,start"] {
            let error = settings(&[(vars::TAG_SCHEDULES, bad)]).unwrap_err();
            assert!(matches!(error, ConfigError::TagSchedules { .. }), "{bad}");
            let message = error.to_string();
            assert!(
                message.starts_with(&format!("GES_TAG_SCHEDULES is {bad:?}: give off"))
                    && message.contains("stop (the default")
                    && message.contains("start (they may start them too)"),
                "{message}"
            );
        }
    }

    /// A timer that names nothing keeps running the configured graphs when no document
    /// is set, tag schedules or not.
    #[test]
    fn a_timer_reconciles_with_a_document_or_with_tag_schedules_alone() {
        let document = r#"{"schedules": {"s": {"timezone": "UTC",
            "periods": [{"days": "mon-sun", "stop": "22:00"}]}}}"#;
        let reconciles = |pairs: &[(&str, &str)]| settings(pairs).unwrap().timer_reconciles();
        assert!(reconciles(&[]));
        assert!(!reconciles(&[(vars::TAG_SCHEDULES, "off")]));
        assert!(!reconciles(&[(vars::GRAPH_IDS, "g-1")]));
        assert!(!reconciles(&[(vars::SELECTORS, r#"{"name": "dev-*"}"#)]));
        assert!(reconciles(&[
            (vars::SCHEDULES, document),
            (vars::GRAPH_IDS, "g-1")
        ]));
        assert!(reconciles(&[
            (vars::SCHEDULES, document),
            (vars::TAG_SCHEDULES, "off")
        ]));
    }

    #[test]
    fn the_opt_out_tag() {
        let tag = |key: &str, value: Option<&str>| Tag {
            key: key.to_owned(),
            value: value.map(str::to_owned),
        };
        let default = settings(&[]).unwrap().policy.opt_out_tag;
        assert!(default.is_on(&[tag("env", Some("dev")), tag("ges-stop:skip", Some("true"))]));
        assert!(!default.is_on(&[tag("ges-stop:skip", Some("false"))]));
        let custom = settings(&[(vars::OPT_OUT_TAG, "keep-running=")])
            .unwrap()
            .policy
            .opt_out_tag;
        assert!(custom.is_on(&[tag("keep-running", None)]));
        assert_eq!(custom.to_string(), "keep-running=");
        for bad in ["no-equals", "=true"] {
            let err = settings(&[(vars::OPT_OUT_TAG, bad)]).unwrap_err();
            assert!(err.to_string().contains(vars::OPT_OUT_TAG), "{err}");
        }
    }
}
