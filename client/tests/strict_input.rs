//! Inputs read whole: the schedules document and the secret go through the one strict
//! JSON reader, so a key given twice or anything after the document is refused, not
//! guessed at; `null` is no value of the document; a zone is shown as the database
//! spells it; and every message built from the document stays short.

use ges_client::credentials::SecretValues;
use ges_client::schedule::Schedules;

const PERIOD: &str = r#"{"days": "mon-fri", "start": "08:00", "stop": "20:00"}"#;

fn schedule(zone: &str) -> String {
    format!(r#"{{"timezone": "{zone}", "periods": [{PERIOD}]}}"#)
}

#[track_caller]
fn refused(document: &str) -> String {
    match Schedules::from_json(document) {
        Ok(schedules) => panic!(
            "accepted, with {:?}: {document}",
            schedules.iter().map(|(name, _)| name).collect::<Vec<_>>()
        ),
        Err(error) => error.to_string(),
    }
}

#[test]
fn a_key_given_twice_in_the_document_is_refused_with_its_path() {
    let utc = schedule("UTC");
    for (document, path) in [
        (
            format!(r#"{{"schedules": {{"a": {utc}, "a": {utc}}}}}"#),
            "schedules.a: ",
        ),
        (
            format!(r#"{{"schedules": {{"a": {utc}}}, "schedules": {{"b": {utc}}}}}"#),
            "schedules: ",
        ),
        (
            r#"{"schedules": {"a": {"timezone": "UTC", "timezone": "Asia/Tokyo", "periods": [{"days": "mon", "stop": "20:00"}]}}}"#.to_owned(),
            "schedules.a.timezone: ",
        ),
        (
            r#"{"schedules": {"a": {"timezone": "UTC", "periods": [{"days": "mon", "stop": "20:00", "stop": "21:00"}]}}}"#.to_owned(),
            "schedules.a.periods[0].stop: ",
        ),
    ] {
        let error = refused(&document);
        assert!(
            error.starts_with(path) && error.contains("given twice (line 1, column "),
            "want {path:?}: {error}"
        );
    }
}

#[test]
fn anything_after_the_document_is_refused() {
    let document = format!(r#"{{"schedules": {{"a": {}}}}}"#, schedule("UTC"));
    Schedules::from_json(&format!(" \n{document}\n\t ")).unwrap();
    for after in [
        r#" {"schedules": {}}"#,
        " // the night shift",
        r#"}},"b":{}}"#,
        " x",
        " null",
    ] {
        let error = refused(&format!("{document}{after}"));
        assert!(
            error.starts_with("the schedules document has more after it (line 1, column "),
            "{after:?}: {error}"
        );
    }
}

#[test]
fn null_is_no_value_of_any_field() {
    let period = |field: &str| {
        let mut fields = vec![
            ("days", r#""mon-fri""#),
            ("start", r#""08:00""#),
            ("stop", r#""20:00""#),
        ];
        for entry in &mut fields {
            if entry.0 == field {
                entry.1 = "null";
            }
        }
        let fields: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!(r#""{k}": {v}"#))
            .collect();
        format!("{{{}}}", fields.join(", "))
    };
    let mut cases: Vec<(String, String)> = [
        ("null", "the schedules document: is null"),
        (r#"{"schedules": null}"#, "schedules: is null"),
        (r#"{"schedules": {"a": null}}"#, "schedules.a: is null"),
    ]
    .map(|(document, want)| (document.to_owned(), want.to_owned()))
    .to_vec();
    for (field, path) in [
        ("start", "schedules.a.periods[0].start: is null"),
        ("stop", "schedules.a.periods[0].stop: is null"),
        ("days", "schedules.a.periods[0].days: is null"),
    ] {
        cases.push((
            format!(
                r#"{{"schedules": {{"a": {{"timezone": "UTC", "periods": [{}]}}}}}}"#,
                period(field)
            ),
            path.to_owned(),
        ));
    }
    for field in [
        "timezone",
        "periods",
        "skip_dates",
        "start_graphs",
        "enforce",
    ] {
        let mut fields = vec![
            r#""timezone": "UTC""#.to_owned(),
            format!(r#""periods": [{PERIOD}]"#),
        ];
        fields.retain(|entry| !entry.starts_with(&format!(r#""{field}""#)));
        fields.push(format!(r#""{field}": null"#));
        cases.push((
            format!(r#"{{"schedules": {{"a": {{{}}}}}}}"#, fields.join(", ")),
            format!("schedules.a.{field}: is null"),
        ));
    }
    cases.push((
        r#"{"schedules": {"a": {"timezone": "UTC", "periods": [null]}}}"#.to_owned(),
        "schedules.a.periods[0]: is null".to_owned(),
    ));
    cases.push((
        format!(
            r#"{{"schedules": {{"a": {{"timezone": "UTC", "periods": [{PERIOD}], "skip_dates": [null]}}}}}}"#
        ),
        "schedules.a.skip_dates[0]: is null".to_owned(),
    ));
    for (document, want) in cases {
        let error = refused(&document);
        assert!(
            error.starts_with(&want),
            "want {want:?}: {error}\n{document}"
        );
    }
}

#[test]
fn a_zone_in_another_case_is_shown_as_the_database_spells_it() {
    let document = format!(
        r#"{{"schedules": {{"berlin": {}, "tokyo": {}}}}}"#,
        schedule("europe/BERLIN"),
        schedule("ASIA/TOKYO")
    );
    let schedules = Schedules::from_json(&document).unwrap();
    assert_eq!(
        schedules.get("berlin").unwrap().timezone_name(),
        "Europe/Berlin"
    );
    assert_eq!(
        schedules.get("tokyo").unwrap().timezone_name(),
        "Asia/Tokyo"
    );
}

#[test]
fn messages_from_the_document_stay_short() {
    let long = "x".repeat(5000);
    let documents = [
        // A name far longer than a schedule name may be.
        format!(r#"{{"schedules": {{"{long}": {}}}}}"#, schedule("UTC")),
        // An unknown field, at every level.
        format!(r#"{{"{long}": 1, "schedules": {{}}}}"#),
        format!(
            r#"{{"schedules": {{"a": {{"timezone": "UTC", "periods": [{PERIOD}], "{long}": 1}}}}}}"#
        ),
        format!(
            r#"{{"schedules": {{"a": {{"timezone": "UTC", "periods": [{{"days": "mon", "stop": "20:00", "{long}": 1}}]}}}}}}"#
        ),
        // A value of the wrong type, quoted by the parser.
        format!(
            r#"{{"schedules": {{"a": {{"timezone": "UTC", "periods": [{PERIOD}], "enforce": "{long}"}}}}}}"#
        ),
        // A bad value of each checked kind.
        format!(r#"{{"schedules": {{"a": {}}}}}"#, schedule(&long)),
        format!(
            r#"{{"schedules": {{"a": {{"timezone": "UTC", "periods": [{{"days": "{long}", "stop": "20:00"}}]}}}}}}"#
        ),
        format!(
            r#"{{"schedules": {{"a": {{"timezone": "UTC", "periods": [{{"days": "mon", "stop": "{long}"}}]}}}}}}"#
        ),
        format!(
            r#"{{"schedules": {{"a": {{"timezone": "UTC", "periods": [{PERIOD}], "skip_dates": ["{long}"]}}}}}}"#
        ),
        // Twice, and null, under a long name.
        format!(r#"{{"schedules": {{"{long}": 1, "{long}": 2}}}}"#),
        format!(r#"{{"schedules": {{"{long}": null}}}}"#),
        // Not JSON, inside a long key.
        format!(r#"{{"schedules": {{"{long}"#),
    ];
    for document in documents {
        let error = refused(&document);
        assert!(
            error.len() <= 500 && !error.contains(&"x".repeat(100)),
            "{} bytes: {error}",
            error.len()
        );
    }
}

#[test]
fn a_secret_with_a_key_given_twice_is_refused_without_repeating_it() {
    let secret = r#"{"HUAWEICLOUD_SDK_AK": "AK1", "HUAWEICLOUD_SDK_SK": "very-secret-1", "HUAWEICLOUD_SDK_SK": "very-secret-2"}"#;
    let error = SecretValues::parse(secret).unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("line 1, column "), "{shown}");
    assert!(!shown.contains("very-secret"), "{shown}");
    let trailing = r#"{"HUAWEICLOUD_SDK_AK": "AK1", "HUAWEICLOUD_SDK_SK": "very-secret"} x"#;
    let error = SecretValues::parse(trailing).unwrap_err();
    assert!(!format!("{error} {error:?}").contains("very-secret"));
}
