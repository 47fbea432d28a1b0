//! What a graph's schedule tag value stands for: a schedule of the document, else (where
//! `GES_TAG_SCHEDULES` allows) a compact schedule written in the value itself, else
//! nothing, with the reason the graph is skipped. The reconcile and `ges-stop savings`
//! both resolve values here, so that they agree on every graph.

use std::ops::Deref;
use std::sync::Arc;

use super::scheduling::{Scheduling, TagSchedules};
use crate::input::Excerpt;
use crate::schedule::{CompactError, Schedule, looks_compact};

/// The most distinct compact values one run works out: a fleet shares a few, and a run
/// must not parse and evaluate without bound whatever its graphs are tagged with.
pub const MAX_COMPACT_SCHEDULES: usize = 1000;

/// The schedule a tag value stands for.
#[derive(Debug, Clone)]
pub enum TagSchedule<'a> {
    /// The document's schedule of that name.
    Named(&'a Schedule),
    /// The compact schedule the value is.
    Compact(Arc<Schedule>),
}

impl Deref for TagSchedule<'_> {
    type Target = Schedule;

    fn deref(&self) -> &Schedule {
        match self {
            TagSchedule::Named(schedule) => schedule,
            TagSchedule::Compact(schedule) => schedule,
        }
    }
}

/// Why a tag value stands for no schedule the run may follow: the graph is skipped with
/// this reason, and the run goes on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the tag {tag}={value} {kind}")]
pub struct TagRefusal {
    /// The tag key, as configured.
    tag: Box<str>,
    /// The value.
    value: Excerpt,
    /// Why.
    kind: TagRefusalKind,
}

impl TagRefusal {
    /// Why the value is refused.
    pub fn kind(&self) -> &TagRefusalKind {
        &self.kind
    }
}

/// Why a tag value is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagRefusalKind {
    /// Not a name of the document, and compact values are not read
    /// (`GES_TAG_SCHEDULES=off`).
    #[error(
        "names a schedule the document does not have (GES_TAG_SCHEDULES=off reads no compact \
         schedule): fix the tag, or add the schedule"
    )]
    Off,
    /// Neither a document's name nor, as far as can be told, meant as a compact value.
    #[error(
        "names a schedule the document does not have and is not a compact schedule such as \
         mon-fri_0800-2000_Asia.Shanghai: fix the tag, or add the schedule"
    )]
    NotCompact,
    /// Meant as a compact schedule, and not one.
    #[error("names no schedule of the document and is not a compact schedule: {0}")]
    Invalid(CompactError),
    /// A compact schedule that starts graphs, under `GES_TAG_SCHEDULES=stop`.
    #[error(
        "asks for starts (start_), which GES_TAG_SCHEDULES=stop does not allow: set \
         GES_TAG_SCHEDULES=start to let tags start graphs, or drop start_"
    )]
    Starts,
    /// One distinct compact value more than a run works out.
    #[error(
        "is past the {MAX_COMPACT_SCHEDULES} distinct compact schedules one run works out: \
         have most graphs name a document schedule instead"
    )]
    TooMany,
}

impl Scheduling {
    /// The schedule `value` (a schedule tag's value) stands for: the document's of that
    /// name, which wins; else the compact schedule it is, where allowed.
    pub fn resolve(&self, value: &str) -> Result<TagSchedule<'_>, TagRefusal> {
        match self.named(value) {
            Some(schedule) => Ok(TagSchedule::Named(schedule)),
            None => self
                .compact(value)
                .map(|schedule| TagSchedule::Compact(Arc::new(schedule))),
        }
    }

    /// The document's schedule named `value`, if a document is configured and has it.
    pub(crate) fn named(&self, value: &str) -> Option<&Schedule> {
        self.schedules.as_ref()?.get(value)
    }

    /// The compact schedule `value` is, for a value the document does not name, if
    /// `GES_TAG_SCHEDULES` lets it act.
    pub(crate) fn compact(&self, value: &str) -> Result<Schedule, TagRefusal> {
        if self.tag_schedules == TagSchedules::Off {
            return Err(self.refuse(value, TagRefusalKind::Off));
        }
        let schedule = match Schedule::from_compact(value) {
            Ok(schedule) => schedule,
            Err(error) if looks_compact(value) => {
                return Err(self.refuse(value, TagRefusalKind::Invalid(error)));
            }
            Err(_) => return Err(self.refuse(value, TagRefusalKind::NotCompact)),
        };
        if schedule.start_graphs() && self.tag_schedules != TagSchedules::Start {
            return Err(self.refuse(value, TagRefusalKind::Starts));
        }
        Ok(schedule)
    }

    /// The refusal of `value`, naming the tag: out of line, as every refusal builds it.
    #[cold]
    #[inline(never)]
    fn refuse(&self, value: &str, kind: TagRefusalKind) -> TagRefusal {
        TagRefusal {
            tag: self.schedule_tag.as_str().into(),
            value: Excerpt::with_limit(value, 50),
            kind,
        }
    }
}

/// The compact schedules a run has read, each once, as `T` (the schedule, or the schedule
/// with its state at the run's instant), at most [`MAX_COMPACT_SCHEDULES`]. A vector kept
/// sorted by value rather than a map, whose code for these types would weigh more in the
/// function's binary than a few binary searches.
#[derive(Debug)]
pub(crate) struct CompactSchedules<T> {
    read: Vec<(Box<str>, Arc<T>)>,
}

impl<T> Default for CompactSchedules<T> {
    fn default() -> Self {
        Self { read: Vec::new() }
    }
}

impl<T> CompactSchedules<T> {
    /// `value`'s compact schedule as `make` makes it, made the first time it is asked
    /// for; a value refused is not kept, and is refused again the next time.
    pub(crate) fn get_or_read(
        &mut self,
        scheduling: &Scheduling,
        value: &str,
        make: impl FnOnce(Schedule) -> T,
    ) -> Result<Arc<T>, TagRefusal> {
        let at = match self
            .read
            .binary_search_by(|(read, _)| read.as_ref().cmp(value))
        {
            Ok(at) => return Ok(Arc::clone(&self.read[at].1)),
            Err(at) => at,
        };
        let schedule = scheduling.compact(value)?;
        if self.read.len() >= MAX_COMPACT_SCHEDULES {
            return Err(scheduling.refuse(value, TagRefusalKind::TooMany));
        }
        let made = Arc::new(make(schedule));
        self.read.insert(at, (value.into(), Arc::clone(&made)));
        Ok(made)
    }

    /// How many it holds.
    pub(crate) fn len(&self) -> usize {
        self.read.len()
    }
}

#[cfg(test)]
mod tests {
    use jiff::SignedDuration;

    use super::*;
    use crate::schedule::Schedules;

    fn scheduling(document: Option<&str>, tag_schedules: TagSchedules) -> Scheduling {
        Scheduling {
            schedules: document.map(|json| Schedules::from_json(json).unwrap()),
            tag_schedules,
            schedule_tag: "ges-stop:schedule".to_owned(),
            skip_until_tag: "ges-stop:skip-until".to_owned(),
            window: SignedDuration::from_mins(30),
            ces_delay: SignedDuration::from_mins(10),
        }
    }

    /// A document whose names look compact: the document's meaning wins.
    const DOCUMENT: &str = r#"{"schedules": {
        "mon-fri_0800-2000_Asia.Shanghai": {"timezone": "Europe/Berlin",
            "periods": [{"days": "sat", "stop": "01:00"}]},
        "nightly": {"timezone": "UTC", "periods": [{"days": "mon-sun", "stop": "22:00"}]}}}"#;

    #[test]
    fn a_name_the_document_has_wins_over_a_compact_reading() {
        for tag_schedules in [TagSchedules::Off, TagSchedules::Stop, TagSchedules::Start] {
            let scheduling = scheduling(Some(DOCUMENT), tag_schedules);
            let named = scheduling
                .resolve("mon-fri_0800-2000_Asia.Shanghai")
                .unwrap();
            assert!(matches!(named, TagSchedule::Named(_)));
            assert_eq!(named.timezone_name(), "Europe/Berlin");
            assert!(matches!(
                scheduling.resolve("nightly").unwrap(),
                TagSchedule::Named(_)
            ));
        }
    }

    #[test]
    fn stop_reads_stop_only_forms_and_refuses_starts() {
        let stop = scheduling(Some(DOCUMENT), TagSchedules::Stop);
        let compact = stop.resolve("mon-fri_0900-1700_Asia.Tokyo").unwrap();
        assert!(matches!(compact, TagSchedule::Compact(_)));
        assert_eq!(compact.timezone_name(), "Asia/Tokyo");
        let refused = stop
            .resolve("start_mon-fri_0900-1700_Asia.Tokyo")
            .unwrap_err();
        assert_eq!(refused.kind(), &TagRefusalKind::Starts);
        assert!(
            refused.to_string().contains("set GES_TAG_SCHEDULES=start"),
            "{refused}"
        );
        // Without a document too: tag schedules need none.
        let alone = scheduling(None, TagSchedules::Stop);
        assert!(alone.resolve("mon-sun_2200_UTC").is_ok());
        assert_eq!(
            alone.resolve("nightly").unwrap_err().kind(),
            &TagRefusalKind::NotCompact
        );
    }

    #[test]
    fn start_reads_both_forms() {
        let start = scheduling(None, TagSchedules::Start);
        let starts = start.resolve("start_mon-fri_0900-1700_Asia.Tokyo").unwrap();
        assert!(starts.start_graphs());
        assert!(
            !start
                .resolve("mon-fri_0900-1700_Asia.Tokyo")
                .unwrap()
                .start_graphs()
        );
    }

    #[test]
    fn off_reads_no_compact_value() {
        let off = scheduling(Some(DOCUMENT), TagSchedules::Off);
        let refused = off.resolve("mon-sun_2200_UTC").unwrap_err();
        assert_eq!(refused.kind(), &TagRefusalKind::Off);
        assert_eq!(
            refused.to_string(),
            "the tag ges-stop:schedule=\"mon-sun_2200_UTC\" names a schedule the document \
             does not have (GES_TAG_SCHEDULES=off reads no compact schedule): fix the tag, or \
             add the schedule"
        );
    }

    #[test]
    fn a_value_meant_as_compact_is_refused_with_what_is_wrong() {
        let stop = scheduling(Some(DOCUMENT), TagSchedules::Stop);
        let refused = stop.resolve("mon-fri_0800-2000_Asia.Atlantis").unwrap_err();
        assert!(matches!(refused.kind(), TagRefusalKind::Invalid(_)));
        let message = refused.to_string();
        assert!(
            message.contains("\"Asia.Atlantis\" is not an IANA time zone"),
            "{message}"
        );
        let typo = stop.resolve("nightlly").unwrap_err().to_string();
        assert!(
            typo.contains("names a schedule the document does not have and is not a compact"),
            "{typo}"
        );
        let long = stop.resolve(&"mon-".repeat(200)).unwrap_err().to_string();
        assert!(long.len() < 500, "{long}");
    }

    #[test]
    fn a_run_reads_at_most_so_many_distinct_values_each_once() {
        let stop = scheduling(None, TagSchedules::Stop);
        let mut read = CompactSchedules::default();
        let mut made = 0;
        let value = |minute: usize| format!("mon_{:02}{:02}_UTC", minute / 60, minute % 60);
        for minute in 0..MAX_COMPACT_SCHEDULES {
            for _ in 0..2 {
                read.get_or_read(&stop, &value(minute), |schedule| {
                    made += 1;
                    schedule
                })
                .unwrap();
            }
        }
        assert_eq!(
            (read.len(), made),
            (MAX_COMPACT_SCHEDULES, MAX_COMPACT_SCHEDULES)
        );
        let past = read
            .get_or_read(&stop, &value(MAX_COMPACT_SCHEDULES), |schedule| schedule)
            .unwrap_err();
        assert_eq!(past.kind(), &TagRefusalKind::TooMany, "{past}");
        assert!(past.to_string().contains("1000 distinct"), "{past}");
        // One already read is still served.
        assert!(
            read.get_or_read(&stop, &value(7), |schedule| schedule)
                .is_ok()
        );
        // A refused value is refused for what it is, not for the bound.
        assert!(matches!(
            read.get_or_read(&stop, "mon_2500_UTC", |schedule| schedule)
                .unwrap_err()
                .kind(),
            TagRefusalKind::Invalid(_)
        ));
    }
}
