//! Where GES is: a region's endpoint, or an explicit URL, checked once.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use url::{Host, Url};

/// The regions GES serves, with their endpoints (from the official SDK's region table).
const REGIONS: &[(&str, &str)] = &[
    ("cn-north-1", "https://ges.cn-north-1.myhuaweicloud.com"),
    ("cn-north-2", "https://ges.cn-north-2.myhuaweicloud.com"),
    ("cn-north-4", "https://ges.cn-north-4.myhuaweicloud.com"),
    ("cn-east-3", "https://ges.cn-east-3.myhuaweicloud.com"),
    ("cn-south-1", "https://ges.cn-south-1.myhuaweicloud.com"),
    (
        "ap-southeast-1",
        "https://ges.ap-southeast-1.myhuaweicloud.com",
    ),
    (
        "ap-southeast-3",
        "https://ges.ap-southeast-3.myhuaweicloud.com",
    ),
    ("ru-moscow-1", "https://ges.ru-moscow-1.myhuaweicloud.com"),
    ("eu-west-101", "https://ges.eu-west-101.myhuaweicloud.eu"),
];

/// A GES region that has a known endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    name: &'static str,
    endpoint: &'static str,
}

impl Region {
    /// Every region with a known endpoint.
    pub fn all() -> impl Iterator<Item = Region> {
        REGIONS
            .iter()
            .map(|&(name, endpoint)| Region { name, endpoint })
    }

    /// The region's name, such as `cn-north-4`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The region's GES endpoint.
    pub fn endpoint(&self) -> Endpoint {
        // Every entry of REGIONS is an https URL: checked by a test.
        Endpoint(Url::parse(self.endpoint).expect("REGIONS holds valid URLs"))
    }

    /// The region's Cloud Eye endpoint, `https://ces.{region}.myhuaweicloud.com`: GES's
    /// host with `ces.` for `ges.`, the same domain per region (`.eu` for eu-west-101).
    pub fn ces_endpoint(&self) -> Endpoint {
        let url = self.endpoint.replacen("https://ges.", "https://ces.", 1);
        // Every entry of REGIONS is an https URL starting `https://ges.`: checked by a test.
        Endpoint(Url::parse(&url).expect("REGIONS holds valid URLs"))
    }

    /// The name of the official SDK's variable that overrides this region's endpoint,
    /// such as `HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4`.
    pub fn sdk_override_variable(&self) -> String {
        format!(
            "HUAWEICLOUD_SDK_REGION_GES_{}",
            self.name.to_ascii_uppercase().replace('-', "_")
        )
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl FromStr for Region {
    type Err = EndpointError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        REGIONS
            .iter()
            .find(|(known, _)| *known == name)
            .map(|&(name, endpoint)| Region { name, endpoint })
            .ok_or_else(|| EndpointError::UnknownRegion {
                region: name.chars().take(40).collect(),
            })
    }
}

/// The base URL of a GES endpoint: `https://`, or `http://` to a loopback address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint(Url);

impl Endpoint {
    /// The URL, without a trailing slash in its path.
    pub fn url(&self) -> &Url {
        &self.0
    }

    /// The base path requests are appended to: empty, or `/prefix` with no trailing `/`.
    pub fn base_path(&self) -> &str {
        self.0.path().trim_end_matches('/')
    }

    /// The `Host` header for this endpoint: the host, and the port when the URL names
    /// one that is not the scheme's default (what both HTTP clients and the SDK signer do).
    pub fn host_header(&self) -> String {
        let host = self.0.host_str().unwrap_or_default();
        match self.0.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str().trim_end_matches('/'))
    }
}

/// The services ges-stop calls, as an endpoint's errors name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upstream {
    /// GES.
    Ges,
    /// Huawei Cloud IAM.
    Iam,
    /// Huawei Cloud STS.
    HuaweiSts,
    /// AWS STS.
    AwsSts,
    /// Cloud Eye (CES), where GES reports each graph's requests.
    Ces,
}

impl Upstream {
    /// An endpoint of this service, for a message to show what one looks like.
    fn example(self) -> &'static str {
        match self {
            Self::Ges => "https://ges.cn-north-4.myhuaweicloud.com",
            Self::Iam => "https://iam.cn-north-4.myhuaweicloud.com",
            Self::HuaweiSts => "https://sts.cn-north-4.myhuaweicloud.com",
            Self::AwsSts => "https://sts.eu-west-1.amazonaws.com",
            Self::Ces => "https://ces.cn-north-4.myhuaweicloud.com",
        }
    }
}

impl fmt::Display for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Ges => "GES",
            Self::Iam => "IAM",
            Self::HuaweiSts => "Huawei Cloud STS",
            Self::AwsSts => "AWS STS",
            Self::Ces => "Cloud Eye",
        })
    }
}

impl Endpoint {
    /// Parses `text` as `upstream`'s endpoint: its errors name that service.
    pub fn parse_for(text: &str, upstream: Upstream) -> Result<Self, EndpointError> {
        let shown = || redacted(text);
        let url = Url::parse(text.trim()).map_err(|source| EndpointError::NotAUrl {
            upstream,
            endpoint: shown(),
            source,
        })?;
        // Credentials in the URL would be sent to whoever runs that host and would end
        // up in logs; a query or fragment would be glued onto every request path.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(EndpointError::HasUserInfo { upstream });
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(EndpointError::HasQuery {
                upstream,
                endpoint: shown(),
            });
        }
        let host = url.host().ok_or_else(|| EndpointError::NoHost {
            upstream,
            endpoint: shown(),
        })?;
        match url.scheme() {
            "https" => {}
            // Plain HTTP would carry tokens and signatures in the clear: only a server on
            // this very machine (the simulator, a local proxy) may be reached that way.
            "http" if is_loopback(&host) => {}
            "http" => {
                return Err(EndpointError::InsecureHttp {
                    upstream,
                    endpoint: shown(),
                });
            }
            scheme => {
                return Err(EndpointError::Scheme {
                    upstream,
                    endpoint: shown(),
                    scheme: scheme.to_owned(),
                });
            }
        }
        Ok(Endpoint(url))
    }
}

/// A GES endpoint; IAM's and either STS's are parsed with [`Endpoint::parse_for`].
impl FromStr for Endpoint {
    type Err = EndpointError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse_for(text, Upstream::Ges)
    }
}

/// A URL as a message may show it: its user info (`user:password@`) and its query and
/// fragment (which may hold a token: `?token=...`) replaced by `<redacted>`, cut to 200
/// characters. Works on text that does not parse as a URL too, which is when a message
/// most needs to show it.
pub(crate) fn redacted(text: &str) -> String {
    let text = text.trim();
    let (scheme, rest) = match text.find("://") {
        Some(at) => text.split_at(at + 3),
        None => ("", text),
    };
    // The last `@`: a password may hold `@`, `/`, `?` or `#` when it is not escaped.
    let rest = match rest.rfind('@') {
        Some(at) => format!("<redacted>@{}", &rest[at + 1..]),
        None => rest.to_owned(),
    };
    let rest = match rest.find(['?', '#']) {
        Some(at) => format!("{}?<redacted>", &rest[..at]),
        None => rest,
    };
    format!("{scheme}{rest}").chars().take(200).collect()
}

pub(crate) fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
    }
}

/// An endpoint or region that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    /// The text does not parse as a URL.
    #[error(
        "the {upstream} endpoint {endpoint:?} is not a URL ({source}); give one like {example}",
        example = upstream.example()
    )]
    NotAUrl {
        /// Whose endpoint.
        upstream: Upstream,
        /// The endpoint as given, cut to 200 characters.
        endpoint: String,
        /// Why it does not parse.
        source: url::ParseError,
    },
    /// The URL has no host.
    #[error(
        "the {upstream} endpoint {endpoint:?} has no host; give one like {example}",
        example = upstream.example()
    )]
    NoHost {
        /// Whose endpoint.
        upstream: Upstream,
        /// The endpoint as given.
        endpoint: String,
    },
    /// The URL carries a user name or password.
    #[error(
        "the {upstream} endpoint must not hold a user name or password; put credentials in \
         their own variables instead"
    )]
    HasUserInfo {
        /// Whose endpoint.
        upstream: Upstream,
    },
    /// The URL has a query or fragment.
    #[error(
        "the {upstream} endpoint {endpoint:?} must not have a query or fragment; give the scheme, host, port and an optional path prefix only"
    )]
    HasQuery {
        /// Whose endpoint.
        upstream: Upstream,
        /// The endpoint as given.
        endpoint: String,
    },
    /// Plain HTTP to a host that is not this machine.
    #[error(
        "the {upstream} endpoint {endpoint:?} uses plain http:// to a host that is not loopback; credentials would travel in the clear: use https://"
    )]
    InsecureHttp {
        /// Whose endpoint.
        upstream: Upstream,
        /// The endpoint as given.
        endpoint: String,
    },
    /// Neither http nor https.
    #[error("the {upstream} endpoint {endpoint:?} uses the scheme {scheme:?}; use https://")]
    Scheme {
        /// Whose endpoint.
        upstream: Upstream,
        /// The endpoint as given.
        endpoint: String,
        /// Its scheme.
        scheme: String,
    },
    /// A region with no known GES endpoint.
    #[error("GES has no known endpoint in region {region:?}; use one of {known}, or set GES_ENDPOINT to the endpoint's URL", known = known_regions())]
    UnknownRegion {
        /// The region as given, cut to 40 characters.
        region: String,
    },
}

/// The regions with a known endpoint, for messages: "cn-north-1, cn-north-2, ...".
pub(crate) fn known_regions() -> String {
    REGIONS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_has_an_https_endpoint() {
        for (name, _) in REGIONS {
            let region: Region = name.parse().unwrap();
            let endpoint = region.endpoint();
            assert_eq!(endpoint.url().scheme(), "https");
            assert_eq!(endpoint, endpoint.to_string().parse().unwrap());
        }
        assert_eq!(
            "cn-north-4"
                .parse::<Region>()
                .unwrap()
                .endpoint()
                .to_string(),
            "https://ges.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            "eu-west-101"
                .parse::<Region>()
                .unwrap()
                .endpoint()
                .to_string(),
            "https://ges.eu-west-101.myhuaweicloud.eu"
        );
    }

    #[test]
    fn every_region_has_a_cloud_eye_endpoint_beside_ges() {
        for region in Region::all() {
            let ces = region.ces_endpoint().to_string();
            assert_eq!(
                ces,
                region.endpoint().to_string().replacen("ges.", "ces.", 1),
                "{region}"
            );
            assert!(ces.starts_with("https://ces."), "{ces}");
        }
        let region: Region = "cn-north-4".parse().unwrap();
        assert_eq!(
            region.ces_endpoint().to_string(),
            "https://ces.cn-north-4.myhuaweicloud.com"
        );
    }

    #[test]
    fn unknown_regions_are_refused_with_the_known_ones_listed() {
        let err = "cn-nowhere-9".parse::<Region>().unwrap_err().to_string();
        assert!(
            err.contains("cn-nowhere-9") && err.contains("cn-north-4"),
            "{err}"
        );
        assert!(err.contains("GES_ENDPOINT"), "{err}");
    }

    #[test]
    fn plain_http_is_only_for_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000/",
            "http://localhost:1234",
            "https://ges.example.com/prefix/",
        ] {
            assert!(ok.parse::<Endpoint>().is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1",
            "http://ges.cn-north-4.myhuaweicloud.com",
            "http://127.0.0.1.example.com",
            "ftp://127.0.0.1",
            "https://user:pw@ges.example.com",
            "https://ges.example.com/?a=b",
            "not a url",
        ] {
            assert!(bad.parse::<Endpoint>().is_err(), "{bad}");
        }
    }

    #[test]
    fn host_header_keeps_a_non_default_port() {
        let local: Endpoint = "http://127.0.0.1:18080".parse().unwrap();
        assert_eq!(local.host_header(), "127.0.0.1:18080");
        let remote: Endpoint = "https://ges.cn-north-4.myhuaweicloud.com:443"
            .parse()
            .unwrap();
        assert_eq!(remote.host_header(), "ges.cn-north-4.myhuaweicloud.com");
    }

    #[test]
    fn user_info_never_reaches_the_message() {
        let err = "https://ak:secret-sk@ges.example.com"
            .parse::<Endpoint>()
            .unwrap_err()
            .to_string();
        assert!(!err.contains("secret-sk"), "{err}");
    }

    #[test]
    fn no_message_shows_a_urls_user_info_or_query() {
        for text in [
            "https://user:SECRET@ges.example.com/?token=SECRET",
            "https://ges.example.com/?token=SECRET",
            "https://ges.example.com/#SECRET",
            "http://user:SECRET@10.0.0.1",
            "http://10.0.0.1/?token=SECRET",
            "ftp://u:SECRET@127.0.0.1",
            "ftp://127.0.0.1/?SECRET",
            "https://user:SEC@RET@ges.example.com",
            "https://user:SECRET@",
            "not a url ?token=SECRET",
            "user:SECRET@ges.example.com",
            "https://ges.example.com:99999/?token=SECRET",
        ] {
            let err = text.parse::<Endpoint>().unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(
                !shown.contains("SECRET") && !shown.contains("SEC@"),
                "{text}: {shown}"
            );
        }
        assert_eq!(
            redacted("https://u:p@ges.example.com:8443/base?token=t#f"),
            "https://<redacted>@ges.example.com:8443/base?<redacted>"
        );
        assert_eq!(
            redacted("https://ges.example.com/x"),
            "https://ges.example.com/x"
        );
    }

    #[test]
    fn sdk_override_variable_follows_the_sdk_naming() {
        let region: Region = "cn-north-4".parse().unwrap();
        assert_eq!(
            region.sdk_override_variable(),
            "HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4"
        );
    }
}
