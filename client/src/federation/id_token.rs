//! An OIDC ID token, checked once where it enters: from `HUAWEICLOUD_OIDC_ID_TOKEN`,
//! from the file `HUAWEICLOUD_OIDC_TOKEN_FILE` names, or from AWS STS. Only its shape is
//! checked here (three base64url parts, the length STS takes); its signature and claims
//! are Huawei Cloud STS's to check, against the identity provider's keys.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use crate::federation::error::FederationError;

/// The shortest and longest ID token STS takes (`AssumeAgencyWithOIDC`'s `id_token`).
const LENGTH: std::ops::RangeInclusive<usize> = 4..=20_000;

/// An ID token of the shape STS takes. `Debug` does not show it.
#[derive(Clone)]
pub struct IdToken(SecretString);

impl IdToken {
    /// Checks `text` (surrounding white space trimmed, as files end in a newline);
    /// `from` says where it came from, for the message.
    pub fn parse(text: &str, from: &str) -> Result<Self, FederationError> {
        let text = text.trim();
        let refuse = |why| FederationError::NotAJwt {
            from: from.to_owned(),
            why,
        };
        if text.is_empty() {
            return Err(refuse("it is empty"));
        }
        if !LENGTH.contains(&text.len()) {
            return Err(refuse("its length is out of range"));
        }
        let base64url = |part: &str| {
            part.bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        };
        let parts: Vec<&str> = text.split('.').collect();
        match parts.as_slice() {
            [header, payload, signature]
                if !header.is_empty()
                    && !payload.is_empty()
                    && base64url(header)
                    && base64url(payload)
                    && base64url(signature) => {}
            [_, _, _] => return Err(refuse("a part is empty or not base64url")),
            _ => return Err(refuse("it does not have three parts")),
        }
        Ok(Self(SecretString::from(text)))
    }

    /// The token, for the one request body it goes in.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for IdToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdToken([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

    #[test]
    fn a_jwt_is_taken_trimmed_and_never_shown() {
        let token = IdToken::parse(&format!("  {JWT}\n"), "HUAWEICLOUD_OIDC_ID_TOKEN").unwrap();
        assert_eq!(token.expose(), JWT);
        assert_eq!(format!("{token:?}"), "IdToken([redacted])");
    }

    #[test]
    fn what_is_not_a_jwt_is_refused_without_being_repeated() {
        for (text, why) in [
            ("", "it is empty"),
            ("secret-token", "it does not have three parts"),
            ("a.b.c.d", "it does not have three parts"),
            ("a..c", "a part is empty or not base64url"),
            ("a.b+c.d", "a part is empty or not base64url"),
        ] {
            let error = IdToken::parse(text, "the file /run/token").unwrap_err();
            let message = error.to_string();
            assert!(message.contains(why), "{message}");
            assert!(message.contains("the file /run/token"), "{message}");
            if !text.is_empty() {
                assert!(!message.contains(text), "{message}");
            }
        }
        let long = format!("{}.b.c", "a".repeat(20_000));
        assert!(IdToken::parse(&long, "AWS STS").is_err());
    }
}
