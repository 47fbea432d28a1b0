//! ID tokens (JWTs): the simulator's AWS STS signs them with its test keys, publishes
//! the public halves as a JWKS, and its Huawei STS checks them against that JWKS.
//!
//! The keys in `simulator/keys/` are TEST KEYS, generated for this simulator with
//! openssl and published on purpose in the repository: anyone can sign with them, so
//! nothing may ever trust them outside the simulator. `rs256.pk8` (RSA 2048) and
//! `es384.pk8` (EC P-384) are the issuer's; `foreign-rs256.pk8` is a key the issuer does
//! not publish, for tokens that must fail the signature check ([`Signer::ForeignKey`]).

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `kid` of the issuer's RSA key.
pub const RS256_KEY_ID: &str = "ges-simulator-rs256-1";
/// The `kid` of the issuer's EC P-384 key.
pub const ES384_KEY_ID: &str = "ges-simulator-es384-1";

/// How far `exp`, `nbf` and `iat` may be off before a token is refused: clocks of the
/// issuer and the checker are never quite the same.
pub const ID_TOKEN_LEEWAY: time::Duration = time::Duration::seconds(30);

const RS256_PKCS8: &[u8] = include_bytes!("../keys/rs256.pk8");
const ES384_PKCS8: &[u8] = include_bytes!("../keys/es384.pk8");
const FOREIGN_RS256_PKCS8: &[u8] = include_bytes!("../keys/foreign-rs256.pk8");

/// The two algorithms AWS STS signs ID tokens with: the wire's own enum.
pub use ges_api::aws_sts::SigningAlgorithm;

/// How [`crate::RunningSimulator::mint_id_token`] signs a token: as the issuer does, or
/// in one of the ways a checker must refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Signer {
    /// RS256 with the issuer's RSA key: valid.
    Rs256,
    /// ES384 with the issuer's P-384 key: valid.
    Es384,
    /// RS256 with a key the issuer does not publish, under the issuer's RSA `kid`: the
    /// signature does not verify.
    ForeignKey,
    /// RS256 with the issuer's key, under a `kid` the JWKS does not hold.
    UnknownKeyId,
    /// `"alg": "none"` and an empty signature: an unsigned token.
    AlgNone,
    /// `"alg": "HS256"`, keyed with the issuer's public RSA modulus: the classic
    /// algorithm confusion.
    Hs256,
}

/// The `aud` claim: one audience is sent as a string, several as an array, as AWS does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// One audience.
    One(String),
    /// Several audiences.
    Many(Vec<String>),
}

impl Audience {
    /// Every audience named.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let all: &[String] = match self {
            Self::One(one) => std::slice::from_ref(one),
            Self::Many(many) => many,
        };
        all.iter().map(String::as_str)
    }
}

/// What AWS says about the caller, under the `https://sts.amazonaws.com/` claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsIdentity {
    /// The caller's AWS account.
    pub aws_account: String,
    /// The region whose STS issued the token.
    pub source_region: String,
    /// The caller: the role's ARN.
    pub principal_id: String,
}

/// An ID token's claims, as the simulator's AWS STS issues them. Times are Unix
/// seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdTokenClaims {
    /// The issuer: the simulator's base URL.
    pub iss: String,
    /// The subject: the caller's role ARN.
    pub sub: String,
    /// The audience(s) asked for.
    pub aud: Audience,
    /// When it was issued.
    pub iat: i64,
    /// Not valid before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// When it expires.
    pub exp: i64,
    /// The token's unique ID.
    pub jti: String,
    /// AWS's claims about the caller.
    #[serde(
        rename = "https://sts.amazonaws.com/",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub aws: Option<AwsIdentity>,
}

/// One public key of the issuer, as `/.well-known/jwks.json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Jwk {
    kty: String,
    kid: String,
    alg: String,
    #[serde(rename = "use")]
    use_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    e: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    y: Option<String>,
}

/// The issuer's published keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Jwks {
    keys: Vec<Jwk>,
}

/// The issuer's signing keys. `Debug` shows the key IDs only.
pub(crate) struct IssuerKeys {
    rsa: RsaKeyPair,
    ec: EcdsaKeyPair,
    foreign: RsaKeyPair,
    rng: SystemRandom,
    jwks: Jwks,
}

impl fmt::Debug for IssuerKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuerKeys")
            .field("kids", &[RS256_KEY_ID, ES384_KEY_ID])
            .finish_non_exhaustive()
    }
}

/// Why an ID token is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenRefusal {
    /// Not three base64url segments, or a header or claims that are not the JSON
    /// expected.
    Malformed(String),
    /// An algorithm other than RS256 and ES384.
    AlgorithmRefused(String),
    /// No published key has the token's `kid` and `alg`.
    UnknownKey,
    /// The signature does not verify with the published key.
    BadSignature,
    /// `iss` is not the trusted issuer.
    WrongIssuer(String),
    /// No `aud` is one the identity provider accepts.
    WrongAudience,
    /// `exp` has passed.
    Expired,
    /// `nbf` or `iat` is still to come.
    NotYetValid,
}

impl fmt::Display for TokenRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(why) => write!(f, "the id_token is not a valid JWT: {why}"),
            Self::AlgorithmRefused(alg) => write!(
                f,
                "the id_token's algorithm {alg:?} is not accepted: sign with RS256 or ES384"
            ),
            Self::UnknownKey => f.write_str(
                "the id_token's kid names no key the identity provider's issuer publishes",
            ),
            Self::BadSignature => f.write_str(
                "the id_token's signature does not verify with the issuer's published key",
            ),
            Self::WrongIssuer(iss) => write!(
                f,
                "the id_token's issuer {:?} is not the identity provider's issuer",
                shown(iss)
            ),
            Self::WrongAudience => {
                f.write_str("the id_token's audience is not one the identity provider accepts")
            }
            Self::Expired => f.write_str("the id_token has expired: obtain a new one"),
            Self::NotYetValid => f.write_str(
                "the id_token is not valid yet (nbf or iat is in the future): check the clocks",
            ),
        }
    }
}

/// The start of a value a caller sent, to repeat in a message.
fn shown(value: &str) -> String {
    value.chars().take(80).collect()
}

/// A token's header.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    alg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    typ: Option<String>,
}

/// The claims a checker reads; the rest is ignored.
#[derive(Debug, Deserialize)]
struct Checked {
    iss: String,
    sub: String,
    aud: Audience,
    exp: i64,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    iat: Option<i64>,
}

/// What a verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Verified {
    pub(crate) sub: String,
    /// The accepted audience it names.
    pub(crate) audience: String,
}

impl IssuerKeys {
    /// Loads the checked-in test keys.
    pub(crate) fn load() -> Self {
        // Start-up invariant: the keys are checked in next to this file and tested.
        let rsa = RsaKeyPair::from_pkcs8(RS256_PKCS8).expect("keys/rs256.pk8 is an RSA key");
        let foreign = RsaKeyPair::from_pkcs8(FOREIGN_RS256_PKCS8)
            .expect("keys/foreign-rs256.pk8 is an RSA key");
        let rng = SystemRandom::new();
        let ec = EcdsaKeyPair::from_pkcs8(
            &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
            ES384_PKCS8,
            &rng,
        )
        .expect("keys/es384.pk8 is a P-384 key");
        let rsa_public = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(rsa.public());
        // An uncompressed point: 0x04, then x and y, 48 bytes each.
        let point = ec.public_key().as_ref();
        let (x, y) = point[1..].split_at(48);
        let jwks = Jwks {
            keys: vec![
                Jwk {
                    kty: "RSA".to_owned(),
                    kid: RS256_KEY_ID.to_owned(),
                    alg: "RS256".to_owned(),
                    use_: "sig".to_owned(),
                    n: Some(URL_SAFE_NO_PAD.encode(&rsa_public.n)),
                    e: Some(URL_SAFE_NO_PAD.encode(&rsa_public.e)),
                    crv: None,
                    x: None,
                    y: None,
                },
                Jwk {
                    kty: "EC".to_owned(),
                    kid: ES384_KEY_ID.to_owned(),
                    alg: "ES384".to_owned(),
                    use_: "sig".to_owned(),
                    n: None,
                    e: None,
                    crv: Some("P-384".to_owned()),
                    x: Some(URL_SAFE_NO_PAD.encode(x)),
                    y: Some(URL_SAFE_NO_PAD.encode(y)),
                },
            ],
        };
        Self {
            rsa,
            ec,
            foreign,
            rng,
            jwks,
        }
    }

    /// The public keys, as `/.well-known/jwks.json` serves them.
    pub(crate) fn jwks(&self) -> &Jwks {
        &self.jwks
    }

    /// A signed token with these claims.
    pub(crate) fn mint(&self, claims: &IdTokenClaims, signer: Signer) -> Result<String, String> {
        let (alg, kid) = match signer {
            Signer::Rs256 | Signer::ForeignKey => ("RS256", Some(RS256_KEY_ID)),
            Signer::UnknownKeyId => ("RS256", Some("ges-simulator-unknown")),
            Signer::Es384 => ("ES384", Some(ES384_KEY_ID)),
            Signer::AlgNone => ("none", None),
            Signer::Hs256 => ("HS256", Some(RS256_KEY_ID)),
        };
        let header = Header {
            alg: alg.to_owned(),
            kid: kid.map(str::to_owned),
            typ: Some("JWT".to_owned()),
        };
        let signing_input = format!("{}.{}", segment(&header)?, segment(claims)?);
        let message = signing_input.as_bytes();
        let signature = match signer {
            Signer::Rs256 | Signer::UnknownKeyId => self.sign_rsa(&self.rsa, message)?,
            Signer::ForeignKey => self.sign_rsa(&self.foreign, message)?,
            Signer::Es384 => self
                .ec
                .sign(&self.rng, message)
                .map_err(|_| "ES384 signing failed".to_owned())?
                .as_ref()
                .to_vec(),
            Signer::AlgNone => Vec::new(),
            Signer::Hs256 => {
                let modulus = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(self.rsa.public()).n;
                let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &modulus);
                ring::hmac::sign(&key, message).as_ref().to_vec()
            }
        };
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        ))
    }

    fn sign_rsa(&self, key: &RsaKeyPair, message: &[u8]) -> Result<Vec<u8>, String> {
        let mut signature = vec![0; key.public().modulus_len()];
        key.sign(
            &signature::RSA_PKCS1_SHA256,
            &self.rng,
            message,
            &mut signature,
        )
        .map_err(|_| "RS256 signing failed".to_owned())?;
        Ok(signature)
    }
}

/// A header or the claims, as a token's segment: JSON, base64url.
fn segment<T: Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_vec(value)
        .map(|json| URL_SAFE_NO_PAD.encode(json))
        .map_err(|err| err.to_string())
}

/// What a checker trusts: the issuer, its published keys and the audiences accepted.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Trust<'a> {
    pub(crate) issuer: &'a str,
    pub(crate) jwks: &'a Jwks,
    pub(crate) audiences: &'a [String],
}

/// Checks an ID token as an OIDC relying party does, at `now` (Unix seconds): its
/// structure, algorithm, signature against the published keys, issuer, audience,
/// expiry, not-before and issue time (within [`ID_TOKEN_LEEWAY`]).
pub(crate) fn verify(token: &str, trust: Trust<'_>, now: i64) -> Result<Verified, TokenRefusal> {
    let malformed = |why: &str| TokenRefusal::Malformed(why.to_owned());
    let mut segments = token.split('.');
    let (Some(header_segment), Some(claims_segment), Some(signature), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(malformed(
            "it must be three base64url segments joined by dots",
        ));
    };
    let decode = |segment: &str, what: &str| {
        URL_SAFE_NO_PAD
            .decode(segment)
            .map_err(|_| malformed(&format!("its {what} is not base64url")))
    };
    let header: Header = serde_json::from_slice(&decode(header_segment, "header")?)
        .map_err(|_| malformed("its header is not a JOSE header (JSON with `alg`)"))?;
    let claims_json = decode(claims_segment, "claims")?;
    let signature = decode(signature, "signature")?;

    let Some(algorithm) = SigningAlgorithm::from_name(&header.alg) else {
        return Err(TokenRefusal::AlgorithmRefused(shown(&header.alg)));
    };
    let key = trust
        .jwks
        .keys
        .iter()
        .find(|key| {
            key.alg == algorithm.as_str() && header.kid.as_deref().is_none_or(|kid| kid == key.kid)
        })
        .ok_or(TokenRefusal::UnknownKey)?;
    let signing_input = &token[..header_segment.len() + 1 + claims_segment.len()];
    check_signature(algorithm, key, signing_input.as_bytes(), &signature)?;

    let checked: Checked = serde_json::from_slice(&claims_json).map_err(|err| {
        malformed(&format!(
            "its claims are not the JSON expected (iss, sub, aud, exp): {err}"
        ))
    })?;
    if checked.iss != trust.issuer {
        return Err(TokenRefusal::WrongIssuer(checked.iss));
    }
    let audience = checked
        .aud
        .iter()
        .find(|aud| trust.audiences.iter().any(|accepted| accepted == aud))
        .ok_or(TokenRefusal::WrongAudience)?
        .to_owned();
    let leeway = ID_TOKEN_LEEWAY.whole_seconds();
    if now >= checked.exp.saturating_add(leeway) {
        return Err(TokenRefusal::Expired);
    }
    let future = |at: Option<i64>| at.is_some_and(|at| at > now.saturating_add(leeway));
    if future(checked.nbf) || future(checked.iat) {
        return Err(TokenRefusal::NotYetValid);
    }
    Ok(Verified {
        sub: checked.sub,
        audience,
    })
}

fn check_signature(
    algorithm: SigningAlgorithm,
    key: &Jwk,
    message: &[u8],
    signature: &[u8],
) -> Result<(), TokenRefusal> {
    let member = |value: &Option<String>| {
        value
            .as_deref()
            .and_then(|value| URL_SAFE_NO_PAD.decode(value).ok())
            .ok_or(TokenRefusal::UnknownKey)
    };
    let verified = match algorithm {
        SigningAlgorithm::Rs256 => signature::RsaPublicKeyComponents {
            n: member(&key.n)?,
            e: member(&key.e)?,
        }
        .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, signature),
        SigningAlgorithm::Es384 => {
            let mut point = vec![0x04];
            point.extend(member(&key.x)?);
            point.extend(member(&key.y)?);
            signature::UnparsedPublicKey::new(&signature::ECDSA_P384_SHA384_FIXED, point)
                .verify(message, signature)
        }
    };
    verified.map_err(|_| TokenRefusal::BadSignature)
}

/// The OIDC discovery document of an issuer.
pub(crate) fn discovery(issuer: &str) -> Value {
    serde_json::json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES384"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISSUER: &str = "http://127.0.0.1:1";

    fn claims(now: i64) -> IdTokenClaims {
        IdTokenClaims {
            iss: ISSUER.to_owned(),
            sub: "arn:aws:iam::123456789012:role/r".to_owned(),
            aud: Audience::One("aud-1".to_owned()),
            iat: now,
            nbf: Some(now),
            exp: now + 300,
            jti: "j".to_owned(),
            aws: None,
        }
    }

    fn check(keys: &IssuerKeys, token: &str, now: i64) -> Result<Verified, TokenRefusal> {
        let audiences = ["aud-1".to_owned()];
        let trust = Trust {
            issuer: ISSUER,
            jwks: keys.jwks(),
            audiences: &audiences,
        };
        verify(token, trust, now)
    }

    #[test]
    fn the_issuers_tokens_verify_and_others_do_not() {
        let keys = IssuerKeys::load();
        let now = 1_800_000_000;
        for signer in [Signer::Rs256, Signer::Es384] {
            let token = keys.mint(&claims(now), signer).unwrap();
            let verified = check(&keys, &token, now).unwrap();
            assert_eq!(verified.audience, "aud-1");
        }
        let refused = |signer| check(&keys, &keys.mint(&claims(now), signer).unwrap(), now);
        assert_eq!(refused(Signer::ForeignKey), Err(TokenRefusal::BadSignature));
        assert_eq!(refused(Signer::UnknownKeyId), Err(TokenRefusal::UnknownKey));
        assert!(matches!(
            refused(Signer::AlgNone),
            Err(TokenRefusal::AlgorithmRefused(alg)) if alg == "none"
        ));
        assert!(matches!(
            refused(Signer::Hs256),
            Err(TokenRefusal::AlgorithmRefused(_))
        ));
    }

    #[test]
    fn a_tampered_token_is_refused() {
        let keys = IssuerKeys::load();
        let now = 1_800_000_000;
        let token = keys.mint(&claims(now), Signer::Es384).unwrap();
        let mut other = claims(now);
        other.sub = "arn:aws:iam::123456789012:role/admin".to_owned();
        let forged_claims = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&other).unwrap());
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!("{}.{forged_claims}.{}", parts[0], parts[2]);
        assert_eq!(check(&keys, &forged, now), Err(TokenRefusal::BadSignature));
        for garbage in ["", "a.b", "a.b.c.d", "!!.??.**", "e30.e30.e30"] {
            assert!(check(&keys, garbage, now).is_err(), "{garbage}");
        }
    }

    #[test]
    fn times_issuer_and_audience_are_checked() {
        let keys = IssuerKeys::load();
        let now = 1_800_000_000;
        let with = |change: &dyn Fn(&mut IdTokenClaims)| {
            let mut claims = claims(now);
            change(&mut claims);
            check(&keys, &keys.mint(&claims, Signer::Rs256).unwrap(), now)
        };
        assert_eq!(with(&|c| c.exp = now - 31), Err(TokenRefusal::Expired));
        assert!(with(&|c| c.exp = now - 29).is_ok());
        assert_eq!(
            with(&|c| c.nbf = Some(now + 31)),
            Err(TokenRefusal::NotYetValid)
        );
        assert_eq!(with(&|c| c.iat = now + 600), Err(TokenRefusal::NotYetValid));
        assert!(matches!(
            with(&|c| c.iss = "https://elsewhere".to_owned()),
            Err(TokenRefusal::WrongIssuer(_))
        ));
        assert_eq!(
            with(&|c| c.aud = Audience::One("other".to_owned())),
            Err(TokenRefusal::WrongAudience)
        );
        let many = with(&|c| c.aud = Audience::Many(vec!["x".to_owned(), "aud-1".to_owned()]));
        assert_eq!(many.unwrap().audience, "aud-1");
    }

    #[test]
    fn the_jwks_holds_both_keys() {
        let keys = IssuerKeys::load();
        let jwks = serde_json::to_value(keys.jwks()).unwrap();
        assert_eq!(jwks["keys"][0]["kid"], RS256_KEY_ID);
        assert_eq!(jwks["keys"][0]["e"], "AQAB");
        assert_eq!(jwks["keys"][1]["crv"], "P-384");
        assert_eq!(jwks["keys"][1]["x"].as_str().unwrap().len(), 64);
    }
}
