//! Values the contract marks `x-sensitive: true`, such as IAM's `X-Subject-Token`: held
//! so that neither `Debug` nor a log line built from a response can show them.

use std::fmt;
use std::str::FromStr;

use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

/// A sensitive string from the wire. `Debug` prints `[redacted]`; the value is zeroed
/// when dropped; reading it takes [`ExposeSecret::expose_secret`], which is easy to find
/// in review.
#[derive(Clone)]
pub struct SensitiveString(SecretString);

impl SensitiveString {
    /// Takes ownership of a secret value.
    pub fn new(value: String) -> Self {
        Self(SecretString::from(value))
    }
}

impl ExposeSecret<str> for SensitiveString {
    fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for SensitiveString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SensitiveString([redacted])")
    }
}

/// Compared in constant time, so that a server comparing a presented token against the
/// one it issued does not leak how much of it matched.
impl PartialEq for SensitiveString {
    fn eq(&self, other: &Self) -> bool {
        bool::from(
            self.expose_secret()
                .as_bytes()
                .ct_eq(other.expose_secret().as_bytes()),
        )
    }
}

impl Eq for SensitiveString {}

impl From<String> for SensitiveString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SensitiveString {
    fn from(value: &str) -> Self {
        Self(SecretString::from(value))
    }
}

impl FromStr for SensitiveString {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(value))
    }
}

/// Serialised as the plain string: a sensitive value in a body (a password) has to go
/// on the wire. Only `Debug` hides it.
impl serde::Serialize for SensitiveString {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose_secret())
    }
}

impl<'de> serde::Deserialize<'de> for SensitiveString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let token = SensitiveString::from("MIIsecret");
        assert_eq!(format!("{token:?}"), "SensitiveString([redacted])");
        assert!(!format!("{:?}", Some(token.clone())).contains("MIIsecret"));
        assert_eq!(token.expose_secret(), "MIIsecret");
        assert_eq!(token, SensitiveString::from("MIIsecret".to_owned()));
        assert_ne!(token, SensitiveString::from("MIIsecreT"));
    }

    #[test]
    fn it_goes_on_the_wire_as_a_plain_string() {
        let token = SensitiveString::from("pw");
        assert_eq!(serde_json::to_string(&token).unwrap(), "\"pw\"");
        let back: SensitiveString = serde_json::from_str("\"pw\"").unwrap();
        assert_eq!(back, token);
    }
}
