//! RFC 5545's own examples (the VEVENTs of 3.6.1, the recurrence rules of 3.8.5.3, written
//! here from the RFC's text with the dates it lists), and every refusal with its line.

use jiff::civil::{Date, date};

use super::*;

fn calendar(body: &str) -> String {
    let mut text = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//RFC 5545//EN\r\n");
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("END:VCALENDAR\r\n");
    text
}

fn days(text: &str, zone: &str, first: Date, last: Date, classify: Classify) -> CalendarDays {
    Calendar::parse(text)
        .unwrap()
        .days_in(zone, first, last, &classify)
        .unwrap()
}

fn dates(list: &[(Date, u32)]) -> Vec<String> {
    list.iter().map(|(d, _)| d.to_string()).collect()
}

// RFC 5545 3.6.1, the four VEVENT examples.

#[test]
fn rfc_3_6_1_a_timed_event_in_utc() {
    let text = calendar(
        "BEGIN:VEVENT
         UID:19970901T130000Z-123401@example.com
         DTSTAMP:19970901T130000Z
         DTSTART:19970903T163000Z
         DTEND:19970903T190000Z
         SUMMARY:Annual Employee Review
         CLASS:PRIVATE
         CATEGORIES:BUSINESS,HUMAN RESOURCES
         END:VEVENT",
    );
    let got = days(
        &text,
        "Europe/Berlin",
        date(1997, 9, 1),
        date(1997, 9, 30),
        Classify::AllOff,
    );
    assert_eq!(got.off, []);
    assert_eq!(
        got.timed,
        [TimedOff {
            start: "1997-09-03T16:30:00Z".parse().unwrap(),
            end: "1997-09-03T19:00:00Z".parse().unwrap(),
            line: 4,
        }]
    );
    // As a working event it covers the local date it falls on: in Tokyo 01:30-04:00 on
    // the 4th.
    let work = days(
        &text,
        "Asia/Tokyo",
        date(1997, 9, 1),
        date(1997, 9, 30),
        Classify::AllWork,
    );
    assert_eq!(dates(&work.work), ["1997-09-04"]);
    // The word of a category makes it one.
    let word = Classify::WorkIf("HUMAN".into());
    let work = days(&text, "UTC", date(1997, 9, 1), date(1997, 9, 30), word);
    assert_eq!(dates(&work.work), ["1997-09-03"]);
}

#[test]
fn rfc_3_6_1_a_timed_event_over_midnight() {
    let text = calendar(
        "BEGIN:VEVENT
         UID:19970901T130000Z-123402@example.com
         DTSTAMP:19970901T130000Z
         DTSTART:19970401T163000Z
         DTEND:19970402T010000Z
         SUMMARY:Laurel is in sensitivity awareness class.
         CLASS:PUBLIC
         CATEGORIES:BUSINESS,HUMAN RESOURCES
         TRANSP:TRANSPARENT
         END:VEVENT",
    );
    let work = days(
        &text,
        "UTC",
        date(1997, 3, 1),
        date(1997, 4, 30),
        Classify::AllWork,
    );
    assert_eq!(dates(&work.work), ["1997-04-01", "1997-04-02"]);
    let off = days(
        &text,
        "UTC",
        date(1997, 4, 2),
        date(1997, 4, 2),
        Classify::AllOff,
    );
    assert_eq!(
        off.timed.len(),
        1,
        "an event that began the day before touches the range"
    );
}

#[test]
fn rfc_3_6_1_a_yearly_anniversary() {
    let text = calendar(
        "BEGIN:VEVENT
         UID:19970901T130000Z-123403@example.com
         DTSTAMP:19970901T130000Z
         DTSTART;VALUE=DATE:19971102
         SUMMARY:Our Blissful Anniversary
         TRANSP:TRANSPARENT
         CLASS:CONFIDENTIAL
         CATEGORIES:ANNIVERSARY,PERSONAL,SPECIAL OCCASION
         RRULE:FREQ=YEARLY
         END:VEVENT",
    );
    let got = days(
        &text,
        "Asia/Shanghai",
        date(1996, 1, 1),
        date(2001, 12, 31),
        Classify::AllOff,
    );
    assert_eq!(
        dates(&got.off),
        [
            "1997-11-02",
            "1998-11-02",
            "1999-11-02",
            "2000-11-02",
            "2001-11-02"
        ]
    );
    assert!(got.off.iter().all(|(_, line)| *line == 4));
    // Far from its start, only the range is expanded.
    let far = days(
        &text,
        "UTC",
        date(2026, 11, 2),
        date(2026, 11, 2),
        Classify::AllOff,
    );
    assert_eq!(dates(&far.off), ["2026-11-02"]);
}

#[test]
fn rfc_3_6_1_a_festival_of_several_days() {
    let text = calendar(
        "BEGIN:VEVENT
         UID:20070423T123432Z-541111@example.com
         DTSTAMP:20070423T123432Z
         DTSTART;VALUE=DATE:20070628
         DTEND;VALUE=DATE:20070709
         SUMMARY:Festival International de Jazz de Montreal
         TRANSP:TRANSPARENT
         END:VEVENT",
    );
    let got = days(
        &text,
        "America/Montreal",
        date(2007, 6, 1),
        date(2007, 7, 31),
        Classify::AllOff,
    );
    let want: Vec<String> = date(2007, 6, 28)
        .series(1.day())
        .take(11)
        .map(|d| d.to_string())
        .collect();
    assert_eq!(dates(&got.off), want, "DTEND is exclusive: up to 8 July");
    // The range cuts it.
    let cut = days(
        &text,
        "UTC",
        date(2007, 7, 8),
        date(2007, 7, 20),
        Classify::AllOff,
    );
    assert_eq!(dates(&cut.off), ["2007-07-08"]);
}

use jiff::ToSpan;

// RFC 5545 3.8.5.3: every example, DTSTART;TZID=America/New_York as the RFC writes it. A
// DURATION is added (the RFC's examples give none) so that each instance has a length.

/// The local starts (New York) of the instances of a rule over a range.
fn starts(dtstart: &str, extra: &str, duration: &str, first: Date, last: Date) -> Vec<String> {
    let text = calendar(&format!(
        "BEGIN:VEVENT
         UID:rfc@example.com
         DTSTAMP:19970901T000000Z
         DTSTART;TZID=America/New_York:{dtstart}
         DURATION:{duration}
         {extra}
         END:VEVENT"
    ));
    let zone = jiff::tz::TimeZone::get("America/New_York").unwrap();
    days(&text, "America/New_York", first, last, Classify::AllOff)
        .timed
        .iter()
        .map(|t| {
            zone.to_datetime(t.start)
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .collect()
}

/// The dates of the instances (9:00 each), one hour long.
fn on(dtstart: &str, rule: &str, first: Date, last: Date) -> Vec<String> {
    starts(dtstart, rule, "PT1H", first, last)
        .into_iter()
        .map(|s| {
            assert!(
                s.ends_with(&format!("{}:{}", &dtstart[9..11], &dtstart[11..13])),
                "{s}"
            );
            s[..10].to_owned()
        })
        .collect()
}

fn list(year: i16, month: i8, days: &[i8]) -> Vec<String> {
    days.iter()
        .map(|d| date(year, month, *d).to_string())
        .collect()
}

fn cat(parts: &[Vec<String>]) -> Vec<String> {
    parts.concat()
}

const Y1997: (Date, Date) = (date(1997, 1, 1), date(1997, 12, 31));

#[test]
fn rfc_3_8_5_3_daily() {
    let (a, b) = Y1997;
    assert_eq!(
        on("19970902T090000", "RRULE:FREQ=DAILY;COUNT=10", a, b),
        list(1997, 9, &[2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    );
    let until = on(
        "19970902T090000",
        "RRULE:FREQ=DAILY;UNTIL=19971224T000000Z",
        a,
        b,
    );
    assert_eq!(until.len(), 113);
    assert_eq!(
        (until[0].as_str(), until[112].as_str()),
        ("1997-09-02", "1997-12-23")
    );
    let other = on(
        "19970902T090000",
        "RRULE:FREQ=DAILY;INTERVAL=2",
        a,
        date(1997, 9, 30),
    );
    assert_eq!(
        other,
        list(
            1997,
            9,
            &[2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
        )
    );
    assert_eq!(
        on(
            "19970902T090000",
            "RRULE:FREQ=DAILY;INTERVAL=10;COUNT=5",
            a,
            b
        ),
        cat(&[list(1997, 9, &[2, 12, 22]), list(1997, 10, &[2, 12])])
    );
    let january = |year| {
        (1..=31)
            .map(|d| date(year, 1, d).to_string())
            .collect::<Vec<_>>()
    };
    let want = cat(&[january(1998), january(1999), january(2000)]);
    for rule in [
        "RRULE:FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
        "RRULE:FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1",
    ] {
        assert_eq!(
            on(
                "19980101T090000",
                rule,
                date(1998, 1, 1),
                date(2001, 12, 31)
            ),
            want
        );
    }
}

#[test]
fn rfc_3_8_5_3_weekly() {
    let (a, b) = Y1997;
    assert_eq!(
        on("19970902T090000", "RRULE:FREQ=WEEKLY;COUNT=10", a, b),
        cat(&[
            list(1997, 9, &[2, 9, 16, 23, 30]),
            list(1997, 10, &[7, 14, 21, 28]),
            list(1997, 11, &[4])
        ])
    );
    let until = on(
        "19970902T090000",
        "RRULE:FREQ=WEEKLY;UNTIL=19971224T000000Z",
        a,
        b,
    );
    assert_eq!(until.len(), 17);
    assert_eq!(until[16], "1997-12-23");
    assert_eq!(
        on(
            "19970902T090000",
            "RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU",
            a,
            date(1998, 2, 28)
        ),
        cat(&[
            list(1997, 9, &[2, 16, 30]),
            list(1997, 10, &[14, 28]),
            list(1997, 11, &[11, 25]),
            list(1997, 12, &[9, 23]),
            list(1998, 1, &[6, 20]),
            list(1998, 2, &[3, 17]),
        ])
    );
    let tue_thu = cat(&[
        list(1997, 9, &[2, 4, 9, 11, 16, 18, 23, 25, 30]),
        list(1997, 10, &[2]),
    ]);
    for rule in [
        "RRULE:FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
        "RRULE:FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH",
    ] {
        assert_eq!(on("19970902T090000", rule, a, b), tue_thu);
    }
    assert_eq!(
        on(
            "19970901T090000",
            "RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
            a,
            b
        ),
        cat(&[
            list(1997, 9, &[1, 3, 5, 15, 17, 19, 29]),
            list(1997, 10, &[1, 3, 13, 15, 17, 27, 29, 31]),
            list(1997, 11, &[10, 12, 14, 24, 26, 28]),
            list(1997, 12, &[8, 10, 12, 22]),
        ])
    );
    assert_eq!(
        on(
            "19970902T090000",
            "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH",
            a,
            b
        ),
        cat(&[
            list(1997, 9, &[2, 4, 16, 18, 30]),
            list(1997, 10, &[2, 14, 16])
        ])
    );
    // WKST changes what a week is.
    assert_eq!(
        on(
            "19970805T090000",
            "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
            a,
            b
        ),
        list(1997, 8, &[5, 10, 19, 24])
    );
    assert_eq!(
        on(
            "19970805T090000",
            "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
            a,
            b
        ),
        list(1997, 8, &[5, 17, 19, 31])
    );
}

#[test]
fn rfc_3_8_5_3_monthly() {
    let wide = (date(1997, 1, 1), date(1999, 12, 31));
    let (a, b) = wide;
    assert_eq!(
        on(
            "19970905T090000",
            "RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
            a,
            b
        ),
        cat(&[
            list(1997, 9, &[5]),
            list(1997, 10, &[3]),
            list(1997, 11, &[7]),
            list(1997, 12, &[5]),
            list(1998, 1, &[2]),
            list(1998, 2, &[6]),
            list(1998, 3, &[6]),
            list(1998, 4, &[3]),
            list(1998, 5, &[1]),
            list(1998, 6, &[5]),
        ])
    );
    assert_eq!(
        on(
            "19970905T090000",
            "RRULE:FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR",
            a,
            b
        ),
        cat(&[
            list(1997, 9, &[5]),
            list(1997, 10, &[3]),
            list(1997, 11, &[7]),
            list(1997, 12, &[5])
        ])
    );
    assert_eq!(
        on(
            "19970907T090000",
            "RRULE:FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU",
            a,
            b
        ),
        cat(&[
            list(1997, 9, &[7, 28]),
            list(1997, 11, &[2, 30]),
            list(1998, 1, &[4, 25]),
            list(1998, 3, &[1, 29]),
            list(1998, 5, &[3, 31]),
        ])
    );
    assert_eq!(
        on(
            "19970922T090000",
            "RRULE:FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",
            a,
            b
        ),
        cat(&[
            list(1997, 9, &[22]),
            list(1997, 10, &[20]),
            list(1997, 11, &[17]),
            list(1997, 12, &[22]),
            list(1998, 1, &[19]),
            list(1998, 2, &[16]),
        ])
    );
    assert_eq!(
        on(
            "19970928T090000",
            "RRULE:FREQ=MONTHLY;BYMONTHDAY=-3",
            a,
            date(1998, 2, 28)
        ),
        cat(&[
            list(1997, 9, &[28]),
            list(1997, 10, &[29]),
            list(1997, 11, &[28]),
            list(1997, 12, &[29]),
            list(1998, 1, &[29]),
            list(1998, 2, &[26]),
        ])
    );
    assert_eq!(
        on(
            "19970902T090000",
            "RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",
            a,
            b
        ),
        cat(&[
            list(1997, 9, &[2, 15]),
            list(1997, 10, &[2, 15]),
            list(1997, 11, &[2, 15]),
            list(1997, 12, &[2, 15]),
            list(1998, 1, &[2, 15]),
        ])
    );
    assert_eq!(
        on(
            "19970930T090000",
            "RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1",
            a,
            b
        ),
        cat(&[
            list(1997, 9, &[30]),
            list(1997, 10, &[1, 31]),
            list(1997, 11, &[1, 30]),
            list(1997, 12, &[1, 31]),
            list(1998, 1, &[1, 31]),
            list(1998, 2, &[1]),
        ])
    );
    assert_eq!(
        on(
            "19970910T090000",
            "RRULE:FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15",
            a,
            b
        ),
        cat(&[
            list(1997, 9, &[10, 11, 12, 13, 14, 15]),
            list(1999, 3, &[10, 11, 12, 13])
        ])
    );
    assert_eq!(
        on(
            "19970902T090000",
            "RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",
            a,
            date(1998, 3, 31)
        ),
        cat(&[
            list(1997, 9, &[2, 9, 16, 23, 30]),
            list(1997, 11, &[4, 11, 18, 25]),
            list(1998, 1, &[6, 13, 20, 27]),
            list(1998, 3, &[3, 10, 17, 24, 31]),
        ])
    );
    // Friday the 13th, DTSTART excluded by an EXDATE.
    assert_eq!(
        on(
            "19970902T090000",
            "EXDATE;TZID=America/New_York:19970902T090000\r\nRRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
            a,
            date(2000, 12, 31)
        ),
        cat(&[
            list(1998, 2, &[13]),
            list(1998, 3, &[13]),
            list(1998, 11, &[13]),
            list(1999, 8, &[13]),
            list(2000, 10, &[13])
        ])
    );
    // The first Saturday that follows the first Sunday of the month.
    assert_eq!(
        on(
            "19970913T090000",
            "RRULE:FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13",
            a,
            date(1998, 6, 30)
        ),
        cat(&[
            list(1997, 9, &[13]),
            list(1997, 10, &[11]),
            list(1997, 11, &[8]),
            list(1997, 12, &[13]),
            list(1998, 1, &[10]),
            list(1998, 2, &[7]),
            list(1998, 3, &[7]),
            list(1998, 4, &[11]),
            list(1998, 5, &[9]),
            list(1998, 6, &[13]),
        ])
    );
    assert_eq!(
        on(
            "19970904T090000",
            "RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
            a,
            b
        ),
        cat(&[
            list(1997, 9, &[4]),
            list(1997, 10, &[7]),
            list(1997, 11, &[6])
        ])
    );
    assert_eq!(
        on(
            "19970929T090000",
            "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
            a,
            date(1998, 3, 31)
        ),
        cat(&[
            list(1997, 9, &[29]),
            list(1997, 10, &[30]),
            list(1997, 11, &[27]),
            list(1997, 12, &[30]),
            list(1998, 1, &[29]),
            list(1998, 2, &[26]),
            list(1998, 3, &[30]),
        ])
    );
    // An invalid date (30 February) is ignored.
    assert_eq!(
        on(
            "20070115T090000",
            "RRULE:FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5",
            date(2007, 1, 1),
            date(2007, 12, 31)
        ),
        cat(&[
            list(2007, 1, &[15, 30]),
            list(2007, 2, &[15]),
            list(2007, 3, &[15, 30])
        ])
    );
}

#[test]
fn rfc_3_8_5_3_yearly() {
    let (a, b) = (date(1996, 1, 1), date(2005, 12, 31));
    let june_july: Vec<String> = (1997..=2001)
        .flat_map(|y| [date(y, 6, 10).to_string(), date(y, 7, 10).to_string()])
        .collect();
    assert_eq!(
        on(
            "19970610T090000",
            "RRULE:FREQ=YEARLY;COUNT=10;BYMONTH=6,7",
            a,
            b
        ),
        june_july
    );
    assert_eq!(
        on(
            "19970310T090000",
            "RRULE:FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3",
            a,
            b
        ),
        cat(&[
            list(1997, 3, &[10]),
            list(1999, 1, &[10]),
            list(1999, 2, &[10]),
            list(1999, 3, &[10]),
            list(2001, 1, &[10]),
            list(2001, 2, &[10]),
            list(2001, 3, &[10]),
            list(2003, 1, &[10]),
            list(2003, 2, &[10]),
            list(2003, 3, &[10]),
        ])
    );
    assert_eq!(
        on(
            "19970101T090000",
            "RRULE:FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",
            date(1997, 1, 1),
            date(2006, 12, 31)
        ),
        cat(&[
            list(1997, 1, &[1]),
            list(1997, 4, &[10]),
            list(1997, 7, &[19]),
            list(2000, 1, &[1]),
            list(2000, 4, &[9]),
            list(2000, 7, &[18]),
            list(2003, 1, &[1]),
            list(2003, 4, &[10]),
            list(2003, 7, &[19]),
            list(2006, 1, &[1]),
        ])
    );
    assert_eq!(
        on(
            "19970519T090000",
            "RRULE:FREQ=YEARLY;BYDAY=20MO",
            a,
            date(1999, 12, 31)
        ),
        cat(&[
            list(1997, 5, &[19]),
            list(1998, 5, &[18]),
            list(1999, 5, &[17])
        ])
    );
    assert_eq!(
        on(
            "19970512T090000",
            "RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
            a,
            date(1999, 12, 31)
        ),
        cat(&[
            list(1997, 5, &[12]),
            list(1998, 5, &[11]),
            list(1999, 5, &[17])
        ])
    );
    assert_eq!(
        on(
            "19970313T090000",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=TH",
            a,
            date(1999, 12, 31)
        ),
        cat(&[
            list(1997, 3, &[13, 20, 27]),
            list(1998, 3, &[5, 12, 19, 26]),
            list(1999, 3, &[4, 11, 18, 25])
        ])
    );
    assert_eq!(
        on(
            "19970605T090000",
            "RRULE:FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8",
            a,
            date(1998, 12, 31)
        ),
        cat(&[
            list(1997, 6, &[5, 12, 19, 26]),
            list(1997, 7, &[3, 10, 17, 24, 31]),
            list(1997, 8, &[7, 14, 21, 28]),
            list(1998, 6, &[4, 11, 18, 25]),
            list(1998, 7, &[2, 9, 16, 23, 30]),
            list(1998, 8, &[6, 13, 20, 27]),
        ])
    );
    // US presidential election day: the Tuesday after the first Monday of November.
    assert_eq!(
        on(
            "19961105T090000",
            "RRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",
            a,
            b
        ),
        cat(&[
            list(1996, 11, &[5]),
            list(2000, 11, &[7]),
            list(2004, 11, &[2])
        ])
    );
}

#[test]
fn rfc_3_8_5_3_within_a_day() {
    let day = (date(1997, 9, 2), date(1997, 9, 3));
    let (a, b) = day;
    // "Every 3 hours from 9:00 AM to 5:00 PM on a specific day": the RFC lists 15:00 too,
    // but its UNTIL, 17:00Z, is 13:00 EDT, and UNTIL bounds the set inclusively.
    assert_eq!(
        starts(
            "19970902T090000",
            "RRULE:FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z",
            "PT1M",
            a,
            b
        ),
        ["1997-09-02 09:00", "1997-09-02 12:00"]
    );
    assert_eq!(
        starts(
            "19970902T090000",
            "RRULE:FREQ=MINUTELY;INTERVAL=15;COUNT=6",
            "PT1M",
            a,
            b
        ),
        [
            "1997-09-02 09:00",
            "1997-09-02 09:15",
            "1997-09-02 09:30",
            "1997-09-02 09:45",
            "1997-09-02 10:00",
            "1997-09-02 10:15"
        ]
    );
    assert_eq!(
        starts(
            "19970902T090000",
            "RRULE:FREQ=MINUTELY;INTERVAL=90;COUNT=4",
            "PT1M",
            a,
            b
        ),
        [
            "1997-09-02 09:00",
            "1997-09-02 10:30",
            "1997-09-02 12:00",
            "1997-09-02 13:30"
        ]
    );
    let every_20: Vec<String> = ["1997-09-02", "1997-09-03"]
        .iter()
        .flat_map(|d| (9..=16).flat_map(move |h| [0, 20, 40].map(|m| format!("{d} {h:02}:{m:02}"))))
        .collect();
    for rule in [
        "RRULE:FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40",
        "RRULE:FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16",
    ] {
        assert_eq!(
            starts("19970902T090000", rule, "PT1M", a, b),
            every_20,
            "{rule}"
        );
    }
}

// What the module adds to the RFC: overrides, cancellations, zones, classes, merging.

#[test]
fn overrides_move_and_cancel_instances_and_cancelled_events_count_for_nothing() {
    let text = calendar(
        "BEGIN:VEVENT
         UID:team-day@example.com
         DTSTART;VALUE=DATE:20270104
         RRULE:FREQ=WEEKLY;COUNT=4
         EXDATE;VALUE=DATE:20270111
         RDATE;VALUE=DATE:20270130
         SUMMARY:Team day off
         END:VEVENT
         BEGIN:VEVENT
         UID:team-day@example.com
         RECURRENCE-ID;VALUE=DATE:20270118
         DTSTART;VALUE=DATE:20270119
         END:VEVENT
         BEGIN:VEVENT
         UID:team-day@example.com
         RECURRENCE-ID;VALUE=DATE:20270125
         DTSTART;VALUE=DATE:20270125
         STATUS:CANCELLED
         END:VEVENT
         BEGIN:VEVENT
         UID:gone@example.com
         DTSTART;VALUE=DATE:20270105
         STATUS:CANCELLED
         END:VEVENT",
    );
    let got = days(
        &text,
        "Asia/Shanghai",
        date(2027, 1, 1),
        date(2027, 1, 31),
        Classify::AllOff,
    );
    assert_eq!(
        got.off,
        [
            (date(2027, 1, 4), 4),
            (date(2027, 1, 19), 12),
            (date(2027, 1, 30), 4)
        ]
    );
}

#[test]
fn timed_events_in_another_zone_are_instants_and_overlaps_merge() {
    let text = calendar(
        "BEGIN:VEVENT
         UID:a
         DTSTART;TZID=America/New_York:20270310T200000
         DTEND;TZID=America/New_York:20270310T230000
         END:VEVENT
         BEGIN:VEVENT
         UID:b
         DTSTART:20270311T020000Z
         DURATION:PT4H
         END:VEVENT
         BEGIN:VEVENT
         UID:no-length
         DTSTART:20270312T090000
         END:VEVENT
         BEGIN:VEVENT
         UID:floating
         DTSTART:20270313T090000
         DTEND:20270313T100000
         END:VEVENT",
    );
    let got = days(
        &text,
        "Asia/Shanghai",
        date(2027, 3, 1),
        date(2027, 3, 31),
        Classify::AllOff,
    );
    assert_eq!(
        got.timed,
        [
            // 20:00-23:00 EST (New York springs forward on 14 March 2027), merged with
            // 02:00-06:00Z.
            TimedOff {
                start: "2027-03-11T01:00:00Z".parse().unwrap(),
                end: "2027-03-11T06:00:00Z".parse().unwrap(),
                line: 4,
            },
            // Floating: read in the schedule's zone.
            TimedOff {
                start: "2027-03-13T01:00:00Z".parse().unwrap(),
                end: "2027-03-13T02:00:00Z".parse().unwrap(),
                line: 18,
            },
        ]
    );
    assert_eq!(
        dates(
            &days(
                &text,
                "Asia/Shanghai",
                date(2027, 3, 1),
                date(2027, 3, 31),
                Classify::AllWork
            )
            .work
        ),
        ["2027-03-11", "2027-03-13"]
    );
}

#[test]
fn a_timed_event_in_a_dst_gap_starts_at_the_transition() {
    let text = calendar(
        "BEGIN:VEVENT
         UID:gap
         DTSTART;TZID=Europe/Berlin:20270328T023000
         DURATION:PT1H
         END:VEVENT",
    );
    let got = days(
        &text,
        "UTC",
        date(2027, 3, 28),
        date(2027, 3, 28),
        Classify::AllOff,
    );
    assert_eq!(got.timed[0].start, "2027-03-28T01:00:00Z".parse().unwrap());
}

#[test]
fn work_if_classifies_by_summary_or_category() {
    let text = calendar(
        "BEGIN:VEVENT
         UID:1
         DTSTART;VALUE=DATE:20260101
         DTEND;VALUE=DATE:20260104
         SUMMARY:元旦 休
         END:VEVENT
         BEGIN:VEVENT
         UID:2
         DTSTART;VALUE=DATE:20260104
         SUMMARY:元旦
         CATEGORIES:调休,班
         END:VEVENT",
    );
    let got = days(
        &text,
        "Asia/Shanghai",
        date(2026, 1, 1),
        date(2026, 1, 31),
        Classify::WorkIf("班".into()),
    );
    assert_eq!(dates(&got.off), ["2026-01-01", "2026-01-02", "2026-01-03"]);
    assert_eq!(got.work, [(date(2026, 1, 4), 10)]);
}

#[test]
fn folded_lines_and_blank_lines_are_counted_in_line_numbers() {
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\r\nBEGIN:VEVENT\r\nSUMMARY:a long\r\n  summary\r\nDTSTART;VALUE=DATE:20270101\r\nDTSTART;VALUE=DATE:20270102\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert_eq!(
        Calendar::parse(text).unwrap_err(),
        CalendarError::Duplicate {
            line: 8,
            first: 7,
            property: "DTSTART"
        }
    );
}

// Refusals, each with its line.

#[track_caller]
fn refused(text: &str) -> CalendarError {
    let error = Calendar::parse(text).unwrap_err();
    assert!(error.to_string().len() < 400, "{error}");
    error
}

#[test]
fn refusals_name_their_line() {
    assert_eq!(
        refused("hello\r\nworld\r\n"),
        CalendarError::Syntax {
            line: 1,
            what: "\"hello\" is not a content line: write NAME:VALUE (RFC 5545 3.1)".into()
        }
    );
    assert_eq!(
        refused("\r\nBEGIN:VCARD\r\nEND:VCARD\r\n"),
        CalendarError::NotICalendar { line: 2 }
    );
    assert_eq!(refused(""), CalendarError::NotICalendar { line: 1 });
    assert_eq!(refused(&calendar("")), CalendarError::NoEvents { line: 1 });
    assert_eq!(
        refused(&calendar("BEGIN:VTODO\nDTSTART:20270101T000000\nEND:VTODO")),
        CalendarError::NoEvents { line: 1 }
    );
    assert_eq!(
        refused(&calendar("BEGIN:VEVENT\nUID:x\nSUMMARY:s\nEND:VEVENT")),
        CalendarError::MissingStart { line: 4 }
    );
    let windows = refused(&calendar(
        "BEGIN:VEVENT\nDTSTART;TZID=W. Europe Standard Time:20270101T090000\nEND:VEVENT",
    ));
    assert_eq!(
        windows,
        CalendarError::UnknownZone {
            line: 5,
            tzid: crate::input::Excerpt::of("W. Europe Standard Time")
        }
    );
    assert!(
        windows
            .to_string()
            .contains("VTIMEZONE definitions are not used"),
        "{windows}"
    );
    let big = format!(
        "{}{}",
        calendar("BEGIN:VEVENT\nDTSTART:20270101\nEND:VEVENT"),
        " ".repeat(MAX_CALENDAR_BYTES)
    );
    assert!(matches!(refused(&big), CalendarError::TooLarge { .. }));
    for (rule, why) in [
        ("RRULE:FREQ=FORTNIGHTLY", "does not parse"),
        ("RRULE:COUNT=3", "does not parse"),
        ("RRULE:FREQ=DAILY;BYMONTH=13", "does not parse"),
        ("RRULE:FREQ=DAILY;INTERVAL=0", "does not parse"),
        (
            "RRULE:FREQ=DAILY;COUNT=2;UNTIL=20270105",
            "both COUNT and UNTIL",
        ),
        ("RRULE:FREQ=SECONDLY", "FREQ=SECONDLY"),
        ("RRULE:FREQ=YEARLY;RSCALE=CHINESE", "RSCALE"),
    ] {
        let error = refused(&calendar(&format!(
            "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\n{rule}\nEND:VEVENT"
        )));
        assert!(
            matches!(error, CalendarError::Rule { line: 6, .. }),
            "{rule}: {error:?}"
        );
        assert!(error.to_string().contains(why), "{rule}: {error}");
    }
    for (line, expected) in [
        ("DTSTART;VALUE=DATE:20270230", "a date such as"),
        ("DTSTART:2027-01-01", "a date-time"),
        ("DTSTART:20270101T250000", "a date-time"),
        ("DTSTART;VALUE=DATE:20270101T090000", "a date such as"),
        ("DTSTART:20270101T0900", "a date-time"),
    ] {
        let error = refused(&calendar(&format!("BEGIN:VEVENT\n{line}\nEND:VEVENT")));
        assert!(
            matches!(error, CalendarError::Value { line: 5, .. }),
            "{line}: {error:?}"
        );
        assert!(error.to_string().contains(expected), "{line}: {error}");
    }
    for duration in ["P", "PT", "1D", "P1H", "P1W2D", "PT1S1H", "P1DT"] {
        let error = refused(&calendar(&format!(
            "BEGIN:VEVENT\nDTSTART:20270101T090000\nDURATION:{duration}\nEND:VEVENT"
        )));
        assert!(
            matches!(
                error,
                CalendarError::Value {
                    line: 6,
                    property: "DURATION",
                    ..
                }
            ),
            "{duration}: {error:?}"
        );
    }
    assert_eq!(
        refused(&calendar(
            "BEGIN:VEVENT\nDTSTART:20270101T090000\nDTEND:20270101T100000\nDURATION:PT1H\nEND:VEVENT"
        )),
        CalendarError::EndAndDuration { line: 7, other: 6 }
    );
    assert!(matches!(
        refused(&calendar(
            "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nDTEND:20270101T100000\nEND:VEVENT"
        )),
        CalendarError::Value {
            line: 6,
            property: "DTEND",
            ..
        }
    ));
    for (property, value) in [
        ("SUMMARY", "a"),
        ("STATUS", "CONFIRMED"),
        ("UID", "u"),
        ("DTEND", "20270102T000000"),
    ] {
        let error = refused(&calendar(&format!(
            "BEGIN:VEVENT\nDTSTART:20270101T090000\n{property}:{value}\n{property}:{value}\nEND:VEVENT"
        )));
        assert_eq!(
            error,
            CalendarError::Duplicate {
                line: 7,
                first: 6,
                property: match property {
                    "SUMMARY" => "SUMMARY",
                    "STATUS" => "STATUS",
                    "UID" => "UID",
                    _ => "DTEND",
                }
            }
        );
    }
    assert!(matches!(
        refused(&calendar("BEGIN:VEVENT\nDTSTART:20270101\nEND:VTODO")),
        CalendarError::Syntax { line: 6, .. }
    ));
    assert!(matches!(
        refused("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20270101\r\nEND:VEVENT\r\n"),
        CalendarError::Syntax { line: 5, .. }
    ));
    assert_eq!(
        refused(&format!(
            "{}BEGIN:VCALENDAR\r\n",
            calendar("BEGIN:VEVENT\nDTSTART:20270101\nEND:VEVENT")
        )),
        CalendarError::TrailingContent { line: 8 }
    );
    assert_eq!(
        refused(&calendar(
            "BEGIN:VEVENT\nUID:u\nDTSTART:20270101\nEND:VEVENT\nBEGIN:VEVENT\nUID:u\nDTSTART:20270108\nEND:VEVENT\nBEGIN:VEVENT\nUID:u\nRECURRENCE-ID:20270101\nDTSTART:20270102\nEND:VEVENT"
        )),
        CalendarError::AmbiguousOverride {
            line: 12,
            uid: crate::input::Excerpt::of("u"),
            first: 4,
            second: 8
        }
    );
}

#[test]
fn expansion_is_bounded_whatever_the_rule() {
    // An endless minutely rule from 1970 would walk 30 million instances to reach 2027.
    let text = calendar(
        "BEGIN:VEVENT\nDTSTART:19700101T000000Z\nDURATION:PT1M\nRRULE:FREQ=MINUTELY\nEND:VEVENT",
    );
    let minutely = Calendar::parse(&text).unwrap();
    let error = minutely
        .days_in("UTC", date(2027, 1, 1), date(2027, 1, 2), &Classify::AllOff)
        .unwrap_err();
    assert_eq!(
        error,
        CalendarError::TooManyOccurrences {
            line: 4,
            limit: MAX_OCCURRENCES,
            until: date(2027, 1, 2)
        }
    );
    // A rule no date satisfies ends rather than searches forever.
    let never = Calendar::parse(&calendar(
        "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\nEND:VEVENT",
    ))
    .unwrap();
    let got = never
        .days_in(
            "UTC",
            date(2027, 1, 1),
            date(2036, 12, 31),
            &Classify::AllOff,
        )
        .unwrap();
    assert_eq!(
        dates(&got.off),
        ["2027-01-01"],
        "DTSTART is the set's first instance"
    );
    // Ranges longer than ten years are refused, not walked.
    assert!(matches!(
        never.days_in("UTC", date(2000, 1, 1), date(2030, 1, 1), &Classify::AllOff),
        Err(CalendarError::RangeTooLong { .. })
    ));
}
