//! The price table: what an hour of a running graph costs, by graph size, in one
//! currency. Read once, at start, from `GES_PRICES` (the JSON itself), `GES_PRICES_FILE`
//! (a file holding it) or a file the command line names, strictly (a key given twice,
//! or anything after the JSON, is refused) and checked whole: a bad table fails naming
//! its field, before anything is sent to GES.
//!
//! ```json
//! {"currency": "USD", "per_hour": {"1": 1.25, "4": 12.0}}
//! ```
//!
//! No price is built in: Huawei's differ by region, site (international or Chinese
//! mainland) and contract. A price is per replica: a graph of three replicas costs three
//! times its size's price.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use iso_currency::Currency;
use serde_json::Value;

use super::money::{HourlyPrice, MAX_PRICE_PER_HOUR, MICROS};
use super::size::GraphSize;
use crate::config::env::{Vars, vars};
use crate::input::json::{self, JsonError};
use crate::input::{Excerpt, JsonKind};

/// The largest price file read: a table of eight prices is some hundred bytes.
pub const MAX_PRICES_BYTES: u64 = 64 * 1024;
/// The most decimals a price may have: millionths of the currency, far below a cent.
pub const MAX_PRICE_DECIMALS: usize = 6;

/// A checked price table: a currency that ISO 4217 lists, and a price per hour for one
/// or more of GES's graph sizes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceTable {
    currency: Currency,
    per_hour: BTreeMap<GraphSize, HourlyPrice>,
}

/// Why a price table cannot be used, and where it came from. Messages name the field
/// (`per_hour."4"`), the variable or the file; never more than an excerpt of a value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PriceError {
    /// A field with a bad value, an unknown field, or a missing one.
    #[error("{field}: {message}")]
    Invalid {
        /// Which field, such as `currency` or `per_hour."4"`.
        field: String,
        /// What is wrong, and what is accepted.
        message: String,
    },
    /// Not strict JSON: a syntax error, a key given twice, or more after the value.
    #[error("the price table {0}")]
    Json(#[from] JsonError),
    /// The table in a variable or a file is bad.
    #[error("{origin}: {source}")]
    In {
        /// `GES_PRICES`, `GES_PRICES_FILE /path` or `--prices /path`.
        origin: String,
        /// What is wrong with it.
        #[source]
        source: Box<PriceError>,
    },
    /// The file could not be read.
    #[error("could not read the price table {} ({origin}): {source}", path.display())]
    Read {
        /// `GES_PRICES_FILE` or `--prices`.
        origin: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than a price table needs to be.
    #[error(
        "the price table {} is larger than {MAX_PRICES_BYTES} bytes: is it the right file?",
        path.display()
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// Both the table and a file.
    #[error(
        "both GES_PRICES and GES_PRICES_FILE are set: unset one of them, so that it is \
         clear which prices apply"
    )]
    BothSet,
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> PriceError {
    PriceError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

impl PriceTable {
    /// Parses and checks a table's JSON text.
    pub fn from_json(text: &str) -> Result<Self, PriceError> {
        let value = json::parse(text)?;
        Self::from_value(&value)
    }

    /// Reads and checks the table in a file (`--prices`).
    pub fn from_file(path: &Path) -> Result<Self, PriceError> {
        Self::read_file("--prices", path)
    }

    /// The configured table: `GES_PRICES` (the JSON) or `GES_PRICES_FILE` (a file
    /// holding it); none when neither is set.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, PriceError> {
        let env = Vars(lookup);
        match (env.get(vars::PRICES), env.get(vars::PRICES_FILE)) {
            (Some(_), Some(_)) => Err(PriceError::BothSet),
            (Some(text), None) => {
                Self::from_json(&text)
                    .map(Some)
                    .map_err(|source| PriceError::In {
                        origin: vars::PRICES.to_owned(),
                        source: Box::new(source),
                    })
            }
            (None, Some(path)) => Self::read_file(vars::PRICES_FILE, Path::new(&path)).map(Some),
            (None, None) => Ok(None),
        }
    }

    fn read_file(origin: &'static str, path: &Path) -> Result<Self, PriceError> {
        let read = |source| PriceError::Read {
            origin,
            path: path.to_owned(),
            source,
        };
        let mut text = String::new();
        std::fs::File::open(path)
            .map_err(read)?
            .take(MAX_PRICES_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(read)?;
        if text.len() as u64 > MAX_PRICES_BYTES {
            return Err(PriceError::TooLarge {
                path: path.to_owned(),
            });
        }
        Self::from_json(&text).map_err(|source| PriceError::In {
            origin: format!("{origin} {}", path.display()),
            source: Box::new(source),
        })
    }

    fn from_value(value: &Value) -> Result<Self, PriceError> {
        let Value::Object(table) = value else {
            return Err(invalid(
                "the price table",
                format!(
                    "is {}, not an object such as {{\"currency\": \"USD\", \"per_hour\": \
                     {{\"1\": 1.25}}}}",
                    JsonKind::of(value)
                ),
            ));
        };
        if let Some(unknown) = table
            .keys()
            .find(|key| !matches!(key.as_str(), "currency" | "per_hour"))
        {
            return Err(invalid(
                json::key(unknown, 40),
                "is not a field of a price table: it has \"currency\" and \"per_hour\"",
            ));
        }
        let currency = currency(table.get("currency"))?;
        let Some(per_hour) = table.get("per_hour") else {
            return Err(invalid(
                "per_hour",
                "is missing: give a price per hour for each graph size, such as {\"1\": 1.25}",
            ));
        };
        let Value::Object(per_hour) = per_hour else {
            return Err(invalid(
                "per_hour",
                format!(
                    "is {}, not an object of prices by graph size",
                    JsonKind::of(per_hour)
                ),
            ));
        };
        if per_hour.is_empty() {
            return Err(invalid(
                "per_hour",
                "names no graph size: give a price for each size you run",
            ));
        }
        let mut prices = BTreeMap::new();
        for (key, value) in per_hour {
            let field = format!("per_hour.{}", Excerpt::with_limit(key, 20));
            let size = key
                .parse::<GraphSize>()
                .map_err(|error| invalid(&field, format!("{error}")))?;
            prices.insert(size, price(&field, value)?);
        }
        Ok(Self {
            currency,
            per_hour: prices,
        })
    }

    /// Its currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The price of an hour of one replica of a graph of this size, if the table has one.
    pub fn per_hour(&self, size: GraphSize) -> Option<HourlyPrice> {
        self.per_hour.get(&size).copied()
    }

    /// Every size it prices, in order, with its price.
    pub fn iter(&self) -> impl Iterator<Item = (GraphSize, HourlyPrice)> + '_ {
        self.per_hour.iter().map(|(size, price)| (*size, *price))
    }
}

/// The `currency` field: an ISO 4217 code in use, with a minor unit.
fn currency(value: Option<&Value>) -> Result<Currency, PriceError> {
    let field = "currency";
    let code = match value {
        None => {
            return Err(invalid(
                field,
                "is missing: give an ISO 4217 code such as \"USD\"",
            ));
        }
        Some(Value::String(code)) => code,
        Some(other) => {
            return Err(invalid(
                field,
                format!(
                    "is {}, not an ISO 4217 code such as \"USD\"",
                    JsonKind::of(other)
                ),
            ));
        }
    };
    let Some(currency) = Currency::from_code(code) else {
        return Err(invalid(
            field,
            format!(
                "{} is not an ISO 4217 currency code: give three capital letters, such as \
                 \"USD\", \"EUR\" or \"CNY\"",
                Excerpt::with_limit(code, 20)
            ),
        ));
    };
    if let Some(successor) = currency.is_superseded() {
        return Err(invalid(
            field,
            format!(
                "\"{code}\" is no longer in use: ISO 4217 replaced it with \"{}\"",
                successor.code()
            ),
        ));
    }
    if currency.exponent().is_none() {
        return Err(invalid(
            field,
            format!(
                "\"{code}\" is not money one is billed in (ISO 4217 gives it no minor unit): \
                 give the currency of your Huawei Cloud bill"
            ),
        ));
    }
    Ok(currency)
}

/// A price per hour: a number from 0 to [`MAX_PRICE_PER_HOUR`] with at most
/// [`MAX_PRICE_DECIMALS`] decimals, held exactly as millionths.
fn price(field: &str, value: &Value) -> Result<HourlyPrice, PriceError> {
    let Value::Number(number) = value else {
        return Err(invalid(
            field,
            format!(
                "is {}, not a price per hour such as 1.25",
                JsonKind::of(value)
            ),
        ));
    };
    let bad = |why: &str| invalid(field, format!("{number} {why}"));
    let Some(price) = number.as_f64() else {
        return Err(bad("is not a number ges-stop can read"));
    };
    if !price.is_finite() {
        return Err(bad("is not a finite price"));
    }
    if price < 0.0 || (price == 0.0 && price.is_sign_negative()) {
        return Err(bad("is negative: a price per hour is 0 or more"));
    }
    if price > MAX_PRICE_PER_HOUR as f64 {
        return Err(bad(&format!(
            "is more than {MAX_PRICE_PER_HOUR} an hour: give the price of one hour of one \
             replica"
        )));
    }
    // The shortest decimal that reads back as this number: what the table said.
    let text = format!("{price}");
    let (units, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if fraction.len() > MAX_PRICE_DECIMALS {
        return Err(bad(&format!(
            "has more than {MAX_PRICE_DECIMALS} decimals: give the price to at most a \
             millionth"
        )));
    }
    let units: u64 = units
        .parse()
        .map_err(|_| bad("is not a plain decimal number"))?;
    let fraction: u64 = format!("{fraction:0<width$}", width = MAX_PRICE_DECIMALS)
        .parse()
        .map_err(|_| bad("is not a plain decimal number"))?;
    units
        .checked_mul(MICROS)
        .and_then(|micros| micros.checked_add(fraction))
        .and_then(HourlyPrice::from_micros)
        .ok_or_else(|| bad("is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn refused(text: &str) -> String {
        match PriceTable::from_json(text) {
            Ok(table) => panic!("accepted {text}: {table:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn the_documented_table_is_read_exactly() {
        let table = PriceTable::from_json(
            r#"{"currency": "USD", "per_hour": {"1": 1.25, "4": 12.0, "401": 0.1}}"#,
        )
        .unwrap();
        assert_eq!(table.currency(), Currency::USD);
        let prices: Vec<(String, u64)> = table
            .iter()
            .map(|(size, price)| (size.to_string(), price.micros()))
            .collect();
        assert_eq!(
            prices,
            [
                ("1".to_owned(), 1_250_000),
                ("4".to_owned(), 12_000_000),
                ("401".to_owned(), 100_000)
            ]
        );
        assert_eq!(table.per_hour("2".parse().unwrap()), None);
        // Zero is a price (a free tier), and so is a millionth.
        assert!(
            PriceTable::from_json(r#"{"currency": "JPY", "per_hour": {"0": 0, "6": 0.000001}}"#)
                .is_ok()
        );
    }

    #[test]
    fn every_bad_table_is_refused_naming_its_field() {
        let cases = [
            (
                r#"{"currency": "USD", "per_hour": {"1": -1.25}}"#,
                r#"per_hour."1": -1.25 is negative"#,
            ),
            (
                r#"{"currency": "USD", "per_hour": {"1": -0.0}}"#,
                r#"per_hour."1": -0.0 is negative"#,
            ),
            (
                r#"{"currency": "USD", "per_hour": {"1": 1e300}}"#,
                r#"per_hour."1": 1e+300 is more than 1000000 an hour"#,
            ),
            (
                r#"{"currency": "USD", "per_hour": {"1": 1.0000001}}"#,
                r#"per_hour."1": 1.0000001 has more than 6 decimals"#,
            ),
            (
                r#"{"currency": "USD", "per_hour": {"1": "1.25"}}"#,
                r#"per_hour."1": is a string, not a price"#,
            ),
            (
                r#"{"currency": "USD", "per_hour": {"1": null}}"#,
                r#"per_hour."1": is null"#,
            ),
            (
                r#"{"currency": "USD", "per_hour": {"7": 1}}"#,
                r#"per_hour."7": "7" is not a graph size GES has"#,
            ),
            (
                r#"{"currency": "USD", "per_hour": {"small": 1}}"#,
                r#"per_hour."small": "small" is not a graph size GES has"#,
            ),
            (
                r#"{"currency": "USD", "per_hour": {}}"#,
                "per_hour: names no graph size",
            ),
            (
                r#"{"currency": "USD", "per_hour": [1.25]}"#,
                "per_hour: is an array",
            ),
            (r#"{"currency": "USD"}"#, "per_hour: is missing"),
            (
                r#"{"currency": "ABC", "per_hour": {"1": 1}}"#,
                r#"currency: "ABC" is not an ISO 4217 currency code"#,
            ),
            (
                r#"{"currency": "usd", "per_hour": {"1": 1}}"#,
                r#"currency: "usd" is not an ISO 4217 currency code"#,
            ),
            (
                r#"{"currency": "HRK", "per_hour": {"1": 1}}"#,
                r#"currency: "HRK" is no longer in use: ISO 4217 replaced it with "EUR""#,
            ),
            (
                r#"{"currency": "XXX", "per_hour": {"1": 1}}"#,
                r#"currency: "XXX" is not money one is billed in"#,
            ),
            (
                r#"{"currency": 840, "per_hour": {"1": 1}}"#,
                "currency: is a number",
            ),
            (r#"{"per_hour": {"1": 1}}"#, "currency: is missing"),
            (
                r#"{"currency": "USD", "per_hour": {"1": 1}, "region": "x"}"#,
                "region: is not a field of a price table",
            ),
            (r#"["USD"]"#, "the price table: is an array"),
            (
                r#"{"currency": "USD", "per_hour": {"1": 1, "1": 2}}"#,
                "the price table gives the key per_hour.\"1\" twice",
            ),
            (
                r#"{"currency": "USD", "currency": "EUR", "per_hour": {"1": 1}}"#,
                "the price table gives the key currency twice",
            ),
            (
                r#"{"currency": "USD", "per_hour": {"1": 1}} {}"#,
                "the price table has more after its JSON value",
            ),
            (
                r#"{"currency": "USD", "per_hour": {"1": 1}"#,
                "the price table is not JSON",
            ),
        ];
        for (text, expected) in cases {
            let message = refused(text);
            assert!(
                message.starts_with(expected),
                "{text}:\n  {message}\n  expected {expected}"
            );
            assert!(message.len() < 300, "{message}");
        }
    }

    #[test]
    fn the_table_comes_from_the_variable_or_a_file_not_both() {
        let lookup = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        assert_eq!(PriceTable::from_lookup(lookup(&[])).unwrap(), None);
        let table = PriceTable::from_lookup(lookup(&[(
            "GES_PRICES",
            r#"{"currency": "EUR", "per_hour": {"2": 3}}"#,
        )]))
        .unwrap()
        .unwrap();
        assert_eq!(table.currency(), Currency::EUR);
        let bad = PriceTable::from_lookup(lookup(&[(
            "GES_PRICES",
            r#"{"currency": "EUR", "per_hour": {"2": -3}}"#,
        )]))
        .unwrap_err();
        assert!(
            bad.to_string()
                .starts_with(r#"GES_PRICES: per_hour."2": -3"#),
            "{bad}"
        );
        let both = PriceTable::from_lookup(lookup(&[
            ("GES_PRICES", "{}"),
            ("GES_PRICES_FILE", "/nonexistent"),
        ]))
        .unwrap_err();
        assert!(matches!(both, PriceError::BothSet), "{both}");
        let missing =
            PriceTable::from_lookup(lookup(&[("GES_PRICES_FILE", "/nonexistent/prices.json")]))
                .unwrap_err();
        assert!(
            missing.to_string().starts_with(
                "could not read the price table /nonexistent/prices.json (GES_PRICES_FILE)"
            ),
            "{missing}"
        );
    }

    #[test]
    fn a_file_is_read_and_named_in_its_errors() {
        let dir = std::env::temp_dir().join(format!("ges-stop-prices-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.json");
        std::fs::write(
            &good,
            r#"{"currency": "CNY", "per_hour": {"1": 6.25, "2": 15}}"#,
        )
        .unwrap();
        assert_eq!(
            PriceTable::from_file(&good).unwrap().currency(),
            Currency::CNY
        );
        let bad = dir.join("bad.json");
        std::fs::write(&bad, r#"{"currency": "CNY", "per_hour": {"9": 1}}"#).unwrap();
        let error = PriceTable::from_file(&bad).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("--prices {}: per_hour.\"9\"", bad.display())),
            "{error}"
        );
        let large = dir.join("large.json");
        std::fs::write(&large, " ".repeat(MAX_PRICES_BYTES as usize + 1)).unwrap();
        assert!(matches!(
            PriceTable::from_file(&large),
            Err(PriceError::TooLarge { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
