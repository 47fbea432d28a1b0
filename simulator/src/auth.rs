//! Authentication, as the API gateway in front of GES does it: a request carries either
//! an IAM token (`X-Auth-Token`) or an `SDK-HMAC-SHA256` signature (`Authorization`,
//! checked with [`ges_api::signing`]), never both, and is refused with `401` otherwise.
//!
//! A signature is checked over what came on the wire: the raw path, the raw query
//! (decoded the way the signer encodes it), the headers and the body bytes. The router
//! is never nested, so the request's `Uri` is the wire's, as `OriginalUri` would be. Beyond
//! what [`signing::verify`] requires, the simulator insists that `host` is signed and
//! that `X-Sdk-Date` is within [`MAX_CLOCK_SKEW`] of its clock.
//!
//! A signature may also be made with temporary credentials Huawei STS issued
//! (`federation`): the request must then carry their security token, signed, in
//! `X-Security-Token`, and is refused once they expired on the simulator's clock.
//!
//! Refusal messages say what was wrong, never a secret: no token, secret key or
//! signature is ever put in a message or a log line.

use std::fmt;

use ges_api::signing::{self, RequestView, SdkDate};
use http::HeaderValue;
use http::request::Parts;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use crate::error::SimulatorError;
use crate::journal::{Authentication, Scheme};

/// How far `X-Sdk-Date` may be from the simulator's clock, as on Huawei Cloud.
pub(crate) const MAX_CLOCK_SKEW: time::Duration = time::Duration::minutes(15);

/// The header a token comes in.
const HEADER_AUTH_TOKEN: &str = "x-auth-token";

/// The credentials a simulator accepts. `Debug` shows how many there are and the
/// access keys, never a token or a secret key.
#[derive(Clone, Default)]
pub(crate) struct Credentials {
    tokens: Vec<String>,
    /// Access key and secret key pairs.
    access_keys: Vec<(String, String)>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let access_keys: Vec<&str> = self.access_keys.iter().map(|(ak, _)| ak.as_str()).collect();
        f.debug_struct("Credentials")
            .field("tokens", &format_args!("<{} tokens>", self.tokens.len()))
            .field("access_keys", &access_keys)
            .finish_non_exhaustive()
    }
}

/// Temporary credentials, as the signature check needs them.
pub(crate) struct TemporaryKey {
    pub(crate) secret_key: String,
    pub(crate) security_token: String,
    /// Whether they expired, on the simulator's clock.
    pub(crate) expired: bool,
}

/// Finds the temporary credentials of an access key.
pub(crate) type TemporaryKeys<'a> = &'a dyn Fn(&str) -> Option<TemporaryKey>;

/// Why a request was refused, with the scheme it tried, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthRefusal {
    /// The scheme the request presented; `None` when it presented no credentials.
    pub(crate) presented: Option<Scheme>,
    /// What was wrong, for the client: safe to show.
    pub(crate) message: String,
}

impl AuthRefusal {
    /// How the refused request fared, for the journal.
    pub(crate) fn authentication(&self) -> Authentication {
        self.presented
            .map_or(Authentication::Missing, Authentication::Refused)
    }
}

/// The request's `X-Auth-Token`, when it carries exactly one.
pub(crate) fn single_token(parts: &Parts) -> Option<&HeaderValue> {
    let mut values = parts.headers.get_all(HEADER_AUTH_TOKEN).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => Some(value),
        _ => None,
    }
}

impl Credentials {
    pub(crate) fn add_token(&mut self, token: String) {
        self.tokens.push(token);
    }

    pub(crate) fn add_access_key(&mut self, access_key: String, secret_key: String) {
        self.access_keys.push((access_key, secret_key));
    }

    /// Checks that there is something to accept and that each value can travel in a
    /// header.
    pub(crate) fn check(&self) -> Result<(), SimulatorError> {
        if self.tokens.is_empty() && self.access_keys.is_empty() {
            return Err(SimulatorError::NoCredentials);
        }
        let usable = |value: &str| !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic());
        if !self.tokens.iter().all(|token| usable(token)) {
            return Err(SimulatorError::UnusableCredential {
                what: "token",
                hint: "",
            });
        }
        for (access_key, secret_key) in &self.access_keys {
            if !usable(access_key) || access_key.contains(',') {
                return Err(SimulatorError::UnusableCredential {
                    what: "access key",
                    hint: ", nor commas",
                });
            }
            if secret_key.is_empty() {
                return Err(SimulatorError::UnusableCredential {
                    what: "secret key",
                    hint: "",
                });
            }
        }
        Ok(())
    }

    /// Authenticates a request by its head and body, at `now` on the wall clock; an
    /// access key not configured is looked up in `temporary`.
    pub(crate) fn authenticate(
        &self,
        parts: &Parts,
        body: &[u8],
        now: OffsetDateTime,
        temporary: TemporaryKeys<'_>,
    ) -> Result<Scheme, AuthRefusal> {
        let token = parts.headers.get_all(HEADER_AUTH_TOKEN).iter().count();
        let authorization = parts
            .headers
            .get_all(http::header::AUTHORIZATION)
            .iter()
            .count();
        match (token, authorization) {
            (0, 0) => Err(AuthRefusal {
                presented: None,
                message: "Incorrect IAM authentication information: the request has neither an \
                          X-Auth-Token header nor an Authorization header"
                    .to_owned(),
            }),
            (0, _) => self.check_signature(parts, body, now, temporary),
            (_, 0) => self.check_token(parts).map(|()| Scheme::Token),
            (_, _) => Err(AuthRefusal {
                presented: Some(Scheme::Token),
                message: "Incorrect IAM authentication information: the request has both an \
                          X-Auth-Token header and an Authorization header; send one of them"
                    .to_owned(),
            }),
        }
    }

    fn check_token(&self, parts: &Parts) -> Result<(), AuthRefusal> {
        let refuse = |why: &str| AuthRefusal {
            presented: Some(Scheme::Token),
            message: format!("Incorrect IAM authentication information: {why}"),
        };
        // Called for a request with at least one token.
        let Some(value) = single_token(parts) else {
            return Err(refuse("the X-Auth-Token header is sent more than once"));
        };
        if self
            .tokens
            .iter()
            .any(|token| bool::from(token.as_bytes().ct_eq(value.as_bytes())))
        {
            Ok(())
        } else {
            Err(refuse(
                "the X-Auth-Token is not valid: it is not a token this service issued, or it expired",
            ))
        }
    }

    fn check_signature(
        &self,
        parts: &Parts,
        body: &[u8],
        now: OffsetDateTime,
        temporary: TemporaryKeys<'_>,
    ) -> Result<Scheme, AuthRefusal> {
        let refuse_as = |scheme: Scheme, why: String| AuthRefusal {
            presented: Some(scheme),
            message: format!("Incorrect IAM authentication information: {why}"),
        };
        let refuse = |why: String| refuse_as(Scheme::AkSk, why);
        let mut values = parts.headers.get_all(http::header::AUTHORIZATION).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return Err(refuse(
                "the Authorization header is sent more than once".to_owned(),
            ));
        };
        let value = value
            .to_str()
            .map_err(|_| refuse("the Authorization header is not ASCII".to_owned()))?;
        let parsed = signing::parse_authorization(value).map_err(|err| refuse(err.to_string()))?;
        let configured = self
            .access_keys
            .iter()
            .find(|(access_key, _)| *access_key == parsed.access_key)
            .map(|(_, secret_key)| secret_key.clone());
        let (scheme, secret_key) = match configured {
            Some(secret_key) => (Scheme::AkSk, secret_key),
            None => match temporary(&parsed.access_key) {
                Some(key) => {
                    let refuse = |why: &str| refuse_as(Scheme::TemporaryAkSk, why.to_owned());
                    check_security_token(parts, &parsed.signed_headers, &key)
                        .map_err(|why| refuse(&why))?;
                    if key.expired {
                        return Err(refuse(
                            "the security token has expired: obtain new temporary credentials \
                             from STS",
                        ));
                    }
                    (Scheme::TemporaryAkSk, key.secret_key)
                }
                None => {
                    return Err(refuse(format!(
                        "the access key `{}` is unknown: sign with an access key this service knows",
                        parsed.access_key
                    )));
                }
            },
        };
        let refuse = |why: String| refuse_as(scheme, why);
        if !parsed
            .signed_headers
            .iter()
            .any(|name| name.eq_ignore_ascii_case(signing::HEADER_HOST))
        {
            return Err(refuse(
                "`host` is not among the signed headers: sign the Host header".to_owned(),
            ));
        }

        let query = match parts.uri.query() {
            Some(raw) => signing::decode_query(raw).map_err(|err| refuse(err.to_string()))?,
            None => Vec::new(),
        };
        let view = RequestView {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: query
                .iter()
                .map(|(key, value)| (key.as_str(), value.as_str()))
                .collect(),
            // A header that is not visible ASCII cannot have been signed as the SDK
            // signs; leaving it out makes it "missing" if it is listed as signed.
            headers: parts
                .headers
                .iter()
                .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
                .collect(),
            body,
        };
        signing::verify(&view, &parsed, secret_key.as_bytes())
            .map_err(|err| refuse(err.to_string()))?;

        // verify() has checked that the date is present, signed and well-formed.
        let date = view
            .header(signing::HEADER_SDK_DATE)
            .ok()
            .flatten()
            .and_then(|value| SdkDate::parse(value.trim()).ok())
            .ok_or_else(|| refuse("the X-Sdk-Date header is missing".to_owned()))?;
        let skew = date.skew(now);
        if skew.abs() > MAX_CLOCK_SKEW {
            return Err(refuse(format!(
                "X-Sdk-Date {date} is {} minutes {} the server's clock; at most {} minutes \
                 are allowed: check the client's clock",
                skew.whole_minutes().abs(),
                if skew.is_negative() {
                    "behind"
                } else {
                    "ahead of"
                },
                MAX_CLOCK_SKEW.whole_minutes()
            )));
        }
        Ok(scheme)
    }
}

/// A request signed with temporary credentials must carry their security token, once,
/// among the signed headers, as the SDK sends it.
fn check_security_token(
    parts: &Parts,
    signed_headers: &[String],
    key: &TemporaryKey,
) -> Result<(), String> {
    let mut values = parts.headers.get_all(signing::HEADER_SECURITY_TOKEN).iter();
    let value = match (values.next(), values.next()) {
        (Some(value), None) => value,
        (None, _) => {
            return Err(
                "the access key is temporary but the request has no X-Security-Token header: \
                 send the security token STS issued with it"
                    .to_owned(),
            );
        }
        (Some(_), Some(_)) => {
            return Err("the X-Security-Token header is sent more than once".to_owned());
        }
    };
    if !bool::from(value.as_bytes().ct_eq(key.security_token.as_bytes())) {
        return Err(
            "the X-Security-Token does not belong to the access key: send the security token \
             issued with it"
                .to_owned(),
        );
    }
    if !signed_headers
        .iter()
        .any(|name| name.eq_ignore_ascii_case(signing::HEADER_SECURITY_TOKEN))
    {
        return Err("`x-security-token` is not among the signed headers: sign it".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const AK: &str = "HPUAEXAMPLEAK0000000";
    const SK: &str = "ExampleSecretKey0000000000000000000000000";

    fn no_temporary(_: &str) -> Option<TemporaryKey> {
        None
    }

    fn credentials() -> Credentials {
        let mut credentials = Credentials::default();
        credentials.add_token("T0KEN".to_owned());
        credentials.add_access_key(AK.to_owned(), SK.to_owned());
        credentials
    }

    fn parts(method: &str, uri: &str, headers: &[(&str, &str)]) -> Parts {
        let mut builder = http::Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    /// Signs like a client: every header in `headers`, plus Host and X-Sdk-Date.
    fn signed(
        method: &str,
        path: &str,
        query: &str,
        body: &[u8],
        date: SdkDate,
        secret_key: &str,
    ) -> Vec<(String, String)> {
        let date = date.to_string();
        let decoded = signing::decode_query(query).unwrap();
        let mut view = RequestView::new(method, path)
            .with_header("Host", "127.0.0.1:8080")
            .with_header("X-Sdk-Date", &date)
            .with_header("Content-Type", "application/json")
            .with_body(body);
        for (key, value) in &decoded {
            view = view.with_query(key, value);
        }
        let signed = signing::sign(&view, AK, secret_key.as_bytes()).unwrap();
        vec![
            ("Host".to_owned(), "127.0.0.1:8080".to_owned()),
            ("X-Sdk-Date".to_owned(), date),
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("Authorization".to_owned(), signed.authorization),
        ]
    }

    fn as_refs(headers: &[(String, String)]) -> Vec<(&str, &str)> {
        headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn tokens_are_checked() {
        let now = OffsetDateTime::now_utc();
        let ok = parts("GET", "/v2/p/graphs", &[("X-Auth-Token", "T0KEN")]);
        assert_eq!(
            credentials().authenticate(&ok, b"", now, &no_temporary),
            Ok(Scheme::Token)
        );
        let wrong = parts("GET", "/v2/p/graphs", &[("X-Auth-Token", "T0KEM")]);
        let refusal = credentials()
            .authenticate(&wrong, b"", now, &no_temporary)
            .unwrap_err();
        assert_eq!(refusal.presented, Some(Scheme::Token));
        assert!(!refusal.message.contains("T0KE"), "{}", refusal.message);
        let none = parts("GET", "/v2/p/graphs", &[]);
        assert_eq!(
            credentials()
                .authenticate(&none, b"", now, &no_temporary)
                .unwrap_err()
                .presented,
            None
        );
    }

    #[test]
    fn signatures_are_checked_over_path_query_and_body() {
        let now = OffsetDateTime::now_utc();
        let date = SdkDate::from_datetime(now);
        let headers = signed("GET", "/v2/p/graphs", "limit=2&offset=0", b"", date, SK);
        let ok = parts("GET", "/v2/p/graphs?limit=2&offset=0", &as_refs(&headers));
        assert_eq!(
            credentials().authenticate(&ok, b"", now, &no_temporary),
            Ok(Scheme::AkSk)
        );

        let other_query = parts("GET", "/v2/p/graphs?limit=3&offset=0", &as_refs(&headers));
        let refusal = credentials()
            .authenticate(&other_query, b"", now, &no_temporary)
            .unwrap_err();
        assert_eq!(refusal.presented, Some(Scheme::AkSk));
        assert!(
            refusal.message.contains("signature mismatch"),
            "{}",
            refusal.message
        );
        assert!(!refusal.message.contains(SK));

        let headers = signed("POST", "/v2/p/graphs/g/stop", "", b"{}", date, SK);
        let stop = parts("POST", "/v2/p/graphs/g/stop", &as_refs(&headers));
        assert_eq!(
            credentials().authenticate(&stop, b"{}", now, &no_temporary),
            Ok(Scheme::AkSk)
        );
        assert!(
            credentials()
                .authenticate(&stop, b"{ }", now, &no_temporary)
                .is_err()
        );
        let other_path = parts("POST", "/v2/p/graphs/h/stop", &as_refs(&headers));
        assert!(
            credentials()
                .authenticate(&other_path, b"{}", now, &no_temporary)
                .is_err()
        );
    }

    #[test]
    fn a_wrong_secret_key_or_unknown_access_key_is_refused() {
        let now = OffsetDateTime::now_utc();
        let date = SdkDate::from_datetime(now);
        let headers = signed("GET", "/v2/p/graphs", "", b"", date, "not-the-secret");
        let request = parts("GET", "/v2/p/graphs", &as_refs(&headers));
        let refusal = credentials()
            .authenticate(&request, b"", now, &no_temporary)
            .unwrap_err();
        assert!(!refusal.message.contains("not-the-secret"));

        let mut only_token = Credentials::default();
        only_token.add_token("T0KEN".to_owned());
        let refusal = only_token
            .authenticate(&request, b"", now, &no_temporary)
            .unwrap_err();
        assert!(refusal.message.contains("unknown"), "{}", refusal.message);
    }

    #[test]
    fn the_date_must_be_within_fifteen_minutes() {
        let now = OffsetDateTime::now_utc();
        for (offset, accepted) in [(-14, true), (14, true), (-16, false), (16, false)] {
            let date = SdkDate::from_datetime(now + time::Duration::minutes(offset));
            let headers = signed("GET", "/v2/p/graphs", "", b"", date, SK);
            let request = parts("GET", "/v2/p/graphs", &as_refs(&headers));
            let outcome = credentials().authenticate(&request, b"", now, &no_temporary);
            assert_eq!(outcome.is_ok(), accepted, "{offset}: {outcome:?}");
        }
    }

    /// Headers signed with temporary credentials, their token sent as `sent_token`
    /// and signed or not.
    fn signed_temporary(sent_token: &str, sign_token: bool) -> Vec<(String, String)> {
        let date = SdkDate::now().to_string();
        let mut view = RequestView::new("GET", "/v2/p/graphs")
            .with_header("Host", "127.0.0.1:8080")
            .with_header("X-Sdk-Date", &date);
        if sign_token {
            view = view.with_header("X-Security-Token", sent_token);
        }
        let signed = signing::sign(&view, "HSTTEMPORARY", b"temporary-secret").unwrap();
        vec![
            ("Host".to_owned(), "127.0.0.1:8080".to_owned()),
            ("X-Sdk-Date".to_owned(), date),
            ("X-Security-Token".to_owned(), sent_token.to_owned()),
            ("Authorization".to_owned(), signed.authorization),
        ]
    }

    #[test]
    fn temporary_credentials_need_their_own_signed_security_token_and_expire() {
        let now = OffsetDateTime::now_utc();
        let lookup = |expired: bool| {
            move |access_key: &str| {
                (access_key == "HSTTEMPORARY").then(|| TemporaryKey {
                    secret_key: "temporary-secret".to_owned(),
                    security_token: "the-token".to_owned(),
                    expired,
                })
            }
        };
        let outcome = |headers: Vec<(String, String)>, expired: bool| {
            let request = parts("GET", "/v2/p/graphs", &as_refs(&headers));
            credentials().authenticate(&request, b"", now, &lookup(expired))
        };
        assert_eq!(
            outcome(signed_temporary("the-token", true), false),
            Ok(Scheme::TemporaryAkSk)
        );
        for (headers, expired, why) in [
            (
                signed_temporary("other-token", true),
                false,
                "does not belong",
            ),
            (
                signed_temporary("the-token", false),
                false,
                "not among the signed headers",
            ),
            (signed_temporary("the-token", true), true, "expired"),
        ] {
            let refusal = outcome(headers, expired).unwrap_err();
            assert_eq!(refusal.presented, Some(Scheme::TemporaryAkSk));
            assert!(refusal.message.contains(why), "{}", refusal.message);
            assert!(
                !refusal.message.contains("the-token"),
                "{}",
                refusal.message
            );
        }
    }

    #[test]
    fn both_schemes_at_once_are_refused() {
        let now = OffsetDateTime::now_utc();
        let headers = signed("GET", "/", "", b"", SdkDate::from_datetime(now), SK);
        let mut both = as_refs(&headers);
        both.push(("X-Auth-Token", "T0KEN"));
        let request = parts("GET", "/", &both);
        assert!(
            credentials()
                .authenticate(&request, b"", now, &no_temporary)
                .is_err()
        );
    }

    #[test]
    fn debug_output_hides_secrets() {
        let shown = format!("{:?}", credentials());
        assert!(!shown.contains("T0KEN") && !shown.contains(SK), "{shown}");
        assert!(shown.contains(AK), "{shown}");
    }

    #[test]
    fn credentials_are_checked() {
        assert!(matches!(
            Credentials::default().check(),
            Err(SimulatorError::NoCredentials)
        ));
        let mut spaced = Credentials::default();
        spaced.add_token("a b".to_owned());
        assert!(spaced.check().is_err());
        let mut empty_sk = Credentials::default();
        empty_sk.add_access_key("AK".to_owned(), String::new());
        assert!(empty_sk.check().is_err());
        assert!(credentials().check().is_ok());
    }
}
