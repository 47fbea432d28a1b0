//! What the schedules save: the time each scheduled graph's schedule wants it stopped
//! over a range of days, and, with a price table, what that time would have cost.
//!
//! - `prices.rs`: [`PriceTable`], read strictly from `GES_PRICES`, `GES_PRICES_FILE` or
//!   a file, and [`PriceError`] naming the field.
//! - `money.rs`: exact amounts ([`HourlyPrice`], [`Amount`]) rounded once ([`Money`]).
//! - `size.rs`: GES's graph sizes ([`GraphSize`]).
//! - `range.rs`: whole local days ([`DateRange`]), a year at most.
//! - `estimate.rs`: [`estimate`], by graph, by schedule and in all ([`Savings`]).

mod estimate;
mod money;
mod prices;
mod range;
mod size;

pub use estimate::{
    GraphSavings, ListedGraph, Savings, ScheduleSavings, estimate, rounded_hours, whole_minutes,
};
/// The ISO 4217 currencies a price table names (the `iso_currency` crate's list).
pub use iso_currency::Currency;
pub use money::{Amount, HourlyPrice, MAX_PRICE_PER_HOUR, MICROS, Money};
pub use prices::{MAX_PRICE_DECIMALS, MAX_PRICES_BYTES, PriceError, PriceTable};
pub use range::{DateRange, MAX_DAYS, RangeError};
pub use size::{GraphSize, UnknownSize};
