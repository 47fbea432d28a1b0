//! The function's agency: FunctionGraph hands each invocation of a function that has one
//! a fresh temporary AK/SK and security token, in the response headers of the invocation
//! request (Huawei, "Custom Runtime", functiongraph_01_0406, Table 1: `X-CFF-Access-Key`,
//! `X-CFF-Secret-Key`, `X-CFF-Security-Token`, "an agency must be configured for the
//! function if this variable is used"). They sign that invocation's calls and no other:
//! they change between invocations, so none is kept.
//!
//! All three present and non-empty: the agency's credentials. All absent or empty: none
//! (the function has no agency; a configured mode signs, or the run is refused). Any other
//! set is refused, naming the header that is missing, before anything is sent. The values
//! are secrets: no message, log line or `Debug` output holds them.

use ges_client::run::{ErrorType, RunCredentials};
use reqwest::header::HeaderMap;

/// The headers of the agency's access key, secret key and security token.
pub use ges_api::functiongraph::{ACCESS_KEY, SECRET_KEY, SECURITY_TOKEN};

/// Why an invocation's credential headers cannot be used. Names headers, never values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgencyError {
    /// Some of the three headers, not all.
    #[error(
        "the invocation carries {given} but no {missing}: an agency's temporary credentials are \
         an access key, a secret key and a security token, all three; nothing was sent. Check \
         the function's agency"
    )]
    Incomplete {
        /// A header that is missing or empty.
        missing: &'static str,
        /// A header that is given.
        given: &'static str,
    },
    /// A header whose value is not visible ASCII text.
    #[error(
        "the invocation's {header} holds characters a credential cannot; nothing was sent. \
         Check the function's agency"
    )]
    NotText {
        /// The header.
        header: &'static str,
    },
}

impl AgencyError {
    /// What a caller filters on: the function's configuration is wrong.
    pub fn error_type(&self) -> ErrorType {
        ErrorType::InvalidConfiguration
    }
}

/// The agency's credentials in `headers`, if any.
pub fn from_headers(headers: &HeaderMap) -> Result<Option<RunCredentials>, AgencyError> {
    let read = |header: &'static str| -> Result<Option<String>, AgencyError> {
        match headers.get(header) {
            None => Ok(None),
            Some(value) => {
                let text = value
                    .to_str()
                    .map_err(|_| AgencyError::NotText { header })?;
                if !ges_client::transport::is_header_text(text) {
                    return Err(AgencyError::NotText { header });
                }
                Ok(Some(text.trim().to_owned()).filter(|text| !text.is_empty()))
            }
        }
    };
    let access_key = read(ACCESS_KEY)?;
    let secret_key = read(SECRET_KEY)?;
    let security_token = read(SECURITY_TOKEN)?;
    match (access_key, secret_key, security_token) {
        (Some(access_key), Some(secret_key), Some(token)) => Ok(Some(RunCredentials::ak_sk(
            access_key,
            secret_key.into(),
            Some(token.into()),
        ))),
        (None, None, None) => Ok(None),
        (access_key, secret_key, token) => {
            let given = [
                (ACCESS_KEY, access_key.is_some()),
                (SECRET_KEY, secret_key.is_some()),
                (SECURITY_TOKEN, token.is_some()),
            ];
            let pick = |present: bool| {
                given
                    .iter()
                    .find(|(_, is)| *is == present)
                    .map_or(ACCESS_KEY, |(header, _)| *header)
            };
            Err(AgencyError::Incomplete {
                missing: pick(false),
                given: pick(true),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn all_three_are_the_agency_and_none_is_no_agency() {
        let full = headers(&[
            ("x-cff-access-key", "AK-1"),
            ("X-CFF-SECRET-KEY", "sk-planted-secret"),
            (SECURITY_TOKEN, "st-planted-secret"),
        ]);
        let credentials = from_headers(&full).unwrap().expect("credentials");
        let shown = format!("{credentials:?}");
        assert!(shown.contains("temporary AK/SK"), "{shown}");
        assert!(!shown.contains("planted"), "{shown}");
        assert_eq!(from_headers(&HeaderMap::new()).unwrap(), None);
        let empty = headers(&[(ACCESS_KEY, ""), (SECRET_KEY, " "), (SECURITY_TOKEN, "")]);
        assert_eq!(from_headers(&empty).unwrap(), None);
    }

    #[test]
    fn a_partial_set_names_the_missing_header_and_no_value() {
        for (pairs, missing) in [
            (
                vec![(ACCESS_KEY, "AK"), (SECRET_KEY, "sk-planted-secret")],
                SECURITY_TOKEN,
            ),
            (vec![(SECURITY_TOKEN, "st-planted-secret")], ACCESS_KEY),
            (
                vec![
                    (ACCESS_KEY, "AK"),
                    (SECRET_KEY, ""),
                    (SECURITY_TOKEN, "st-planted-secret"),
                ],
                SECRET_KEY,
            ),
        ] {
            let error = from_headers(&headers(&pairs)).unwrap_err();
            let AgencyError::Incomplete { missing: said, .. } = &error else {
                panic!("{error:?}");
            };
            assert_eq!(*said, missing);
            let shown = format!("{error} {error:?}");
            assert!(shown.contains(missing), "{shown}");
            assert!(!shown.contains("planted"), "{shown}");
            assert_eq!(error.error_type(), ErrorType::InvalidConfiguration);
        }
    }

    #[test]
    fn a_value_that_is_no_text_is_refused_without_repeating_it() {
        let mut map = headers(&[(ACCESS_KEY, "AK"), (SECURITY_TOKEN, "st")]);
        map.insert(
            SECRET_KEY,
            HeaderValue::from_bytes(b"sk-planted-\xff").unwrap(),
        );
        let error = from_headers(&map).unwrap_err();
        assert_eq!(error, AgencyError::NotText { header: SECRET_KEY });
        assert!(!format!("{error} {error:?}").contains("planted"));
    }
}
