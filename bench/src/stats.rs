//! The few statistics the benchmarks print: percentiles, medians and their spread.

use std::time::Duration;

/// Microseconds.
pub fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn sorted(v: &[f64]) -> Vec<f64> {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// The nearest-rank percentile.
pub fn pct(v: &[f64], p: f64) -> f64 {
    let v = sorted(v);
    if v.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * (v.len() - 1) as f64).round() as usize;
    v[rank.min(v.len() - 1)]
}

/// The middle value.
pub fn median(v: &[f64]) -> f64 {
    pct(v, 50.0)
}

/// "median [min–max]".
pub fn summary(v: &[f64]) -> String {
    let precision = if v.iter().all(|x| x.fract() == 0.0) {
        0
    } else {
        2
    };
    format!(
        "{:.p$} [{:.p$}–{:.p$}]",
        median(v),
        pct(v, 0.0),
        pct(v, 100.0),
        p = precision
    )
}
