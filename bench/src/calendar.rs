//! `lambda-bench calendar`: reading a calendar of the largest size read (1 MiB), and
//! expanding it over the range a run needs (two weeks) and over a year, in-process. The
//! issue asks that reading a 1 MiB calendar be measured.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use ges_client::schedule::calendar::{Calendar, Classify, MAX_CALENDAR_BYTES};
use jiff::civil::date;

use crate::Error;
use crate::stats::{summary, us};

/// A calendar just under [`MAX_CALENDAR_BYTES`]: yearly holidays (RRULE), days off of
/// several days (DTEND, DURATION), make-up days, and timed events in three zones, spread
/// over 2000-2030, with folded descriptions as real feeds have.
pub(crate) fn calendar() -> Result<String, Error> {
    let mut text = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n");
    let zones = ["Asia/Shanghai", "Europe/Berlin", "America/New_York"];
    let mut n = 0u32;
    loop {
        let mut event = String::new();
        let year = 2000 + n % 31;
        let (month, day) = (1 + n % 12, 1 + n % 28);
        write!(
            event,
            "BEGIN:VEVENT\r\nUID:{n}@bench\r\nDTSTAMP:20260101T000000Z\r\n"
        )?;
        match n % 4 {
            0 => write!(
                event,
                "DTSTART;VALUE=DATE:{year}{month:02}{day:02}\r\nRRULE:FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}\r\nSUMMARY:Holiday {n} 休\r\n"
            )?,
            1 => write!(
                event,
                "DTSTART;VALUE=DATE:{year}{month:02}{day:02}\r\nDURATION:P{}D\r\nSUMMARY:Closure {n} 休\r\n",
                1 + n % 7
            )?,
            2 => write!(
                event,
                "DTSTART;VALUE=DATE:{year}{month:02}{day:02}\r\nSUMMARY:Make-up day {n} 班\r\nCATEGORIES:调休\r\n"
            )?,
            _ => write!(
                event,
                "DTSTART;TZID={zone}:{year}{month:02}{day:02}T090000\r\nDTEND;TZID={zone}:{year}{month:02}{day:02}T170000\r\nSUMMARY:Offsite {n}\r\n",
                zone = zones[(n as usize / 4) % 3]
            )?,
        }
        event.push_str("DESCRIPTION:A description long enough to be folded, as calendar servers\r\n fold lines at 75 octets (RFC 5545 3.1).\r\nEND:VEVENT\r\n");
        if text.len() + event.len() + "END:VCALENDAR\r\n".len() > MAX_CALENDAR_BYTES {
            break;
        }
        text.push_str(&event);
        n += 1;
    }
    text.push_str("END:VCALENDAR\r\n");
    Ok(text)
}

/// Times reading and expanding the calendar `runs` times and prints the table rows.
pub fn calendar_bench(runs: u32) -> Result<(), Error> {
    let text = calendar()?;
    let parsed = Calendar::parse(&text)?;
    let classify = Classify::WorkIf("班".to_owned());
    let (first, fortnight, year) = (date(2026, 12, 7), date(2026, 12, 20), date(2027, 12, 6));
    let weeks = parsed.days_in("Asia/Shanghai", first, fortnight, &classify)?;
    let whole = parsed.days_in("Asia/Shanghai", first, year, &classify)?;
    let (mut read, mut two_weeks, mut one_year) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..runs.saturating_add(runs / 10 + 1) {
        let started = Instant::now();
        let calendar = Calendar::parse(black_box(&text))?;
        let parsed_at = started.elapsed();
        black_box(calendar.days_in("Asia/Shanghai", first, fortnight, &classify)?);
        let weeks_at = started.elapsed();
        black_box(calendar.days_in("Asia/Shanghai", first, year, &classify)?);
        let year_at = started.elapsed();
        if round > runs / 10 {
            read.push(us(parsed_at) / 1000.0);
            two_weeks.push(us(weeks_at - parsed_at) / 1000.0);
            one_year.push(us(year_at - weeks_at) / 1000.0);
        }
    }
    println!(
        "| calendar (bytes) | events | read (ms) | two weeks (ms) | days off, working days, timed | a year (ms) | days off, working days, timed |"
    );
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| {} | {} | {} | {} | {}, {}, {} | {} | {}, {}, {} |",
        text.len(),
        parsed.len(),
        summary(&read),
        summary(&two_weeks),
        weeks.off.len(),
        weeks.work.len(),
        weeks.timed.len(),
        summary(&one_year),
        whole.off.len(),
        whole.work.len(),
        whole.timed.len(),
    );
    Ok(())
}
