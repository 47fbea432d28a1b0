//! A service's refusal: IAM, AWS STS, Huawei Cloud STS, AWS Secrets Manager or Cloud
//! Eye answered a call with an error. One type, so that each service's error says
//! the same things the same way (the service, the call, the status, a plain code, the
//! request id, how many times it was sent, and what to check) and a new service adds
//! no eighth copy of the fields. A leaf: the modules that make these calls use it.
//!
//! It has no field for the service's message and no way to hold its body: those
//! services' answers can repeat what was sent (a password, an ID token), so only a
//! plain code (`^[A-Za-z0-9._]{1,64}$`, [`crate::transport::plain_code`]) is kept, and
//! the constructor is where that rule is applied.

use std::fmt;

use crate::transport;
use crate::transport::retry::Attempts;

/// A service that hands out or checks credentials, or (Cloud Eye) that the run reads
/// graphs' use from with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Huawei Cloud IAM: tokens by password or agency, projects by name.
    Iam,
    /// AWS STS, which issues the function's own ID token (`GetWebIdentityToken`).
    AwsSts,
    /// Huawei Cloud STS, which trades it for temporary AK/SK (`AssumeAgencyWithOIDC`).
    HuaweiSts,
    /// AWS Secrets Manager, through the AWS Parameters and Secrets Lambda Extension.
    SecretsManager,
    /// Huawei Cloud's Cloud Eye, which holds GES's request counts (`client/src/usage`).
    CloudEye,
}

impl Service {
    /// The variables that say where the service is.
    pub fn endpoint_variables(self) -> &'static str {
        match self {
            Self::Iam => "HUAWEICLOUD_SDK_IAM_ENDPOINT or HUAWEICLOUD_SDK_REGION",
            Self::AwsSts => "AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or AWS_REGION",
            Self::HuaweiSts => "HUAWEICLOUD_SDK_STS_ENDPOINT or HUAWEICLOUD_SDK_REGION",
            Self::SecretsManager => "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT",
            Self::CloudEye => "GES_CES_ENDPOINT or HUAWEICLOUD_SDK_REGION",
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Iam => "IAM",
            Self::AwsSts => "AWS STS",
            Self::HuaweiSts => "Huawei Cloud STS",
            Self::SecretsManager => "AWS Secrets Manager",
            Self::CloudEye => "Cloud Eye",
        })
    }
}

/// A service answered a call with an error. Shown as `{service} refused {call} with
/// {status} {code} (request id {id}, after {attempts}); {hint}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The service.
    pub service: Service,
    /// The call, as messages name it (`sts:GetWebIdentityToken`, `POST /v3/auth/tokens`).
    pub call: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The service's error code, if it gave a plain one; private so that only
    /// [`Refusal::new`] sets it.
    code: Option<String>,
    /// The request id, if any.
    pub request_id: Option<String>,
    /// What to enable, grant or check.
    pub hint: &'static str,
    /// How many times the request was sent.
    pub attempts: u32,
}

impl Refusal {
    /// A refusal of `call` by `service` with `status`; `code` is kept only if it is a
    /// plain code.
    pub fn new(
        service: Service,
        call: &'static str,
        status: u16,
        code: Option<&str>,
        request_id: Option<String>,
        hint: &'static str,
        attempts: u32,
    ) -> Self {
        Self {
            service,
            call,
            status,
            code: code.and_then(transport::plain_code),
            request_id,
            hint,
            attempts,
        }
    }

    /// The service's plain error code, if it gave one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} refused {} with {}",
            self.service, self.call, self.status
        )?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        write!(
            f,
            " (request id {}, after {}); {}",
            self.request_id.as_deref().unwrap_or("none"),
            Attempts::sent_times(self.attempts),
            self.hint
        )
    }
}

impl std::error::Error for Refusal {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_code_is_kept_and_shown() {
        let refusal = |code| {
            Refusal::new(
                Service::Iam,
                "POST /v3/auth/tokens",
                401,
                Some(code),
                Some("rid".to_owned()),
                "check GES_IAM_USER",
                1,
            )
        };
        assert_eq!(
            refusal("IAM.0001").to_string(),
            format!(
                "IAM refused POST /v3/auth/tokens with 401 IAM.0001 (request id rid, after {}); \
                 check GES_IAM_USER",
                Attempts::sent_times(1)
            )
        );
        let planted = refusal("the password is hunter2");
        assert_eq!(planted.code(), None);
        assert!(!planted.to_string().contains("hunter2"));
    }
}
