//! Calendar dates as the document and tags write them, `YYYY-MM-DD` exactly: skip dates
//! and the date form of `skip-until`.

use jiff::civil::Date;

use crate::input::Excerpt;

/// A value that is not a date `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a date YYYY-MM-DD, such as \"2026-12-25\"")]
pub struct DateError(Excerpt);

/// Parses `YYYY-MM-DD`, a real day of the calendar, and nothing else (jiff's own parser
/// also takes other ISO 8601 forms, which a document should not depend on).
pub(crate) fn parse_date(text: &str) -> Result<Date, DateError> {
    let error = || DateError(Excerpt::with_limit(text, 40));
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return Err(error());
    }
    let number = |range: std::ops::Range<usize>| -> Option<i16> {
        let digits = &text[range];
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return Err(error());
    };
    let (Ok(month), Ok(day)) = (i8::try_from(month), i8::try_from(day)) else {
        return Err(error());
    };
    Date::new(year, month, day).map_err(|_| error())
}

/// A skip date in the document: a `YYYY-MM-DD` string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct LocalDate(pub(crate) Date);

impl TryFrom<String> for LocalDate {
    type Error = DateError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        parse_date(&text).map(LocalDate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_yyyy_mm_dd_and_real() {
        assert_eq!(
            parse_date("2026-12-25").unwrap(),
            jiff::civil::date(2026, 12, 25)
        );
        assert_eq!(
            parse_date("2028-02-29").unwrap(),
            jiff::civil::date(2028, 2, 29)
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-12-32",
            "20261225",
            "2026-1-05",
            "26-12-25",
            "2026-12-25T00:00",
            "",
            "2026/12/25",
            "+2026-12-2",
            "christmas",
        ] {
            let error = parse_date(bad).unwrap_err().to_string();
            assert!(error.contains("is not a date YYYY-MM-DD"), "{error}");
        }
    }
}
