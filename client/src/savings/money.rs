//! Money, kept exact until it is shown: a price is a whole number of millionths of its
//! currency per hour, a stopped time a whole number of seconds, and their product (times
//! the replicas) a whole number too. Sums of those are exact; each figure shown is
//! rounded once, to the currency's minor unit, from its exact sum. Floating point would
//! round at every step and drift with the number of graphs; whole numbers cannot.

use std::fmt;

use iso_currency::Currency;
use jiff::SignedDuration;

/// Millionths of a currency unit in one unit: the precision a price is read to.
pub const MICROS: u64 = 1_000_000;
/// The most a price per hour may be, in currency units: far above any GES size's, so
/// that a value past it is a mistake (a price per month, or in cents), not a price.
pub const MAX_PRICE_PER_HOUR: u64 = 1_000_000;

/// A price per hour, in millionths of the currency: `1.25` is `1_250_000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HourlyPrice(u64);

impl HourlyPrice {
    /// A price of `micros` millionths per hour, at most [`MAX_PRICE_PER_HOUR`] units.
    pub fn from_micros(micros: u64) -> Option<Self> {
        (micros <= MAX_PRICE_PER_HOUR * MICROS).then_some(Self(micros))
    }

    /// Millionths of the currency per hour.
    pub fn micros(self) -> u64 {
        self.0
    }

    /// The price as a JSON number: the nearest double to the decimal, which prints as
    /// that decimal.
    pub fn to_json(self) -> serde_json::Value {
        let value = self.0 as f64 / MICROS as f64;
        serde_json::Number::from_f64(value).map_or(serde_json::Value::Null, Into::into)
    }

    /// What `replicas` replicas at this price cost for `stopped`, exactly. A negative
    /// duration counts as none.
    pub fn for_time(self, replicas: u32, stopped: SignedDuration) -> Amount {
        let seconds = u128::try_from(stopped.as_secs()).unwrap_or(0);
        Amount(u128::from(self.0) * u128::from(replicas) * seconds)
    }
}

impl fmt::Display for HourlyPrice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = self.0 / MICROS;
        let fraction = self.0 % MICROS;
        if fraction == 0 {
            return write!(f, "{units}");
        }
        let digits = format!("{fraction:06}");
        write!(f, "{units}.{}", digits.trim_end_matches('0'))
    }
}

/// An exact sum of money, in millionths of a currency unit times seconds per hour
/// (a price per hour in millionths times seconds): shown only through [`Amount::round`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Amount(u128);

impl std::ops::Add for Amount {
    type Output = Amount;

    fn add(self, other: Amount) -> Amount {
        // Bounded far below u128: at most 10,000 graphs (a listing's bound) of prices up
        // to 10^12 millionths, replicas up to 2^32 and 400 days of seconds come to
        // under 10^36.
        Amount(self.0.saturating_add(other.0))
    }
}

impl std::iter::Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        iter.fold(Amount::default(), |sum, amount| sum + amount)
    }
}

impl Amount {
    /// Rounded to `currency`'s minor unit (cents for USD, yen for JPY), half up: the
    /// one rounding a figure goes through.
    pub fn round(self, currency: Currency) -> Money {
        let exponent = currency.exponent().unwrap_or(0);
        let scale = 10u128.pow(u32::from(exponent));
        let per_unit = u128::from(MICROS) * 3600;
        let scaled = self.0.saturating_mul(scale);
        let minor = scaled / per_unit + u128::from(scaled % per_unit * 2 >= per_unit);
        Money { minor, exponent }
    }
}

/// A sum of money in a currency's minor units, as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    minor: u128,
    exponent: u16,
}

impl Money {
    /// The amount as a JSON number with the currency's decimals (`12.5` for 12.50): the
    /// nearest double to the decimal, which prints as that decimal.
    pub fn to_json(self) -> serde_json::Value {
        let value = self.minor as f64 / 10f64.powi(i32::from(self.exponent));
        serde_json::Number::from_f64(value).map_or(serde_json::Value::Null, Into::into)
    }
}

impl fmt::Display for Money {
    /// With all the currency's decimals: `12.50`, `1200` for yen.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.exponent == 0 {
            return write!(f, "{}", self.minor);
        }
        let scale = 10u128.pow(u32::from(self.exponent));
        write!(
            f,
            "{}.{:0width$}",
            self.minor / scale,
            self.minor % scale,
            width = usize::from(self.exponent)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(micros: u64) -> HourlyPrice {
        HourlyPrice::from_micros(micros).unwrap()
    }

    #[test]
    fn amounts_are_exact_and_rounded_once() {
        // 0.10 an hour, for 20 minutes, three times: 0.0333... each, 0.10 together. Each
        // rounded and added would give 0.09.
        let third = price(100_000).for_time(1, SignedDuration::from_mins(20));
        assert_eq!(third.round(Currency::USD).to_string(), "0.03");
        let sum: Amount = [third, third, third].into_iter().sum();
        assert_eq!(sum.round(Currency::USD).to_string(), "0.10");
        // Half a cent rounds up.
        let half_cent = price(10_000).for_time(1, SignedDuration::from_mins(30));
        assert_eq!(half_cent.round(Currency::USD).to_string(), "0.01");
    }

    #[test]
    fn replicas_multiply_and_currencies_keep_their_decimals() {
        // 12 an hour, 3 replicas, 108 hours.
        let amount = price(12_000_000).for_time(3, SignedDuration::from_hours(108));
        assert_eq!(amount.round(Currency::USD).to_string(), "3888.00");
        assert_eq!(amount.round(Currency::JPY).to_string(), "3888");
        assert_eq!(amount.round(Currency::KWD).to_string(), "3888.000");
        assert_eq!(
            amount.round(Currency::USD).to_json(),
            serde_json::json!(3888.0)
        );
        let cents = price(1_250_000).for_time(1, SignedDuration::from_mins(90));
        assert_eq!(
            cents.round(Currency::EUR).to_json(),
            serde_json::json!(1.88)
        );
    }

    #[test]
    fn prices_show_their_decimals_and_have_a_ceiling() {
        assert_eq!(price(1_250_000).to_string(), "1.25");
        assert_eq!(price(12_000_000).to_string(), "12");
        assert_eq!(price(1).to_string(), "0.000001");
        assert!(HourlyPrice::from_micros(MAX_PRICE_PER_HOUR * MICROS).is_some());
        assert!(HourlyPrice::from_micros(MAX_PRICE_PER_HOUR * MICROS + 1).is_none());
        assert_eq!(
            price(1).for_time(1, SignedDuration::from_secs(-5)),
            Amount::default()
        );
    }
}
