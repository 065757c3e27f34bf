//! IBM Cloud VPC's instance identity and trusted profiles: step 1, `PUT
//! …/instance_identity/v1/token` with `Metadata-Flavor: ibm` for the
//! instance identity token; step 2, `POST …/instance_identity/v1/iam_token`
//! with it as the bearer, for the trusted profile's IAM token. Both answer
//! `{"access_token","expires_in"|"expires_at"}`. And the emulator's side.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use serde::Serialize;
use serde_json::Value;

use crate::error::Result;
use crate::jwt::to_json;
#[cfg(feature = "emulator")]
use crate::time::format_rfc3339;
use crate::time::parse_rfc3339;
use crate::token::answer::{at_most_max_life, metadata_answer, Reader, SECONDS, TOKEN};
#[cfg(feature = "emulator")]
use crate::token::emulator::{
    refuse, written, Answered, Emulator, Request, INSTANCE_TOKEN_LIFETIME, TOKEN_LIFETIME,
};
use crate::token::flow::{FlowSpec, Service, METADATA_TIMEOUT_MS};
use crate::token::http::{base, HttpRequest, Token};
use crate::token::metadata::DEFAULT_METADATA_URL;
use crate::token::transport::PlainHttp;

/// The IBM instance metadata API version sent with every IBM request.
pub const IBM_API_VERSION: &str = "2022-03-01";
/// IBM's instance identity token path.
pub const IBM_INSTANCE_PATH: &str = "/instance_identity/v1/token";
/// IBM's IAM token path.
pub const IBM_IAM_PATH: &str = "/instance_identity/v1/iam_token";
/// What the emulator's instance identity tokens begin with.
#[cfg(feature = "emulator")]
const INSTANCE_TOKEN_PREFIX: &str = "emulated-instance.";
/// How many IBM instance identity tokens the emulator remembers at once.
#[cfg(feature = "emulator")]
pub(crate) const MAX_INSTANCE_TOKENS: usize = 1024;

/// Which IBM trusted profile to assume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IbmProfile {
    /// The instance's default profile (no body).
    Default,
    /// A profile id (`Profile-…`).
    Id(String),
    /// A profile CRN (`crn:v1:…`).
    Crn(String),
}

impl IbmProfile {
    /// A value beginning with `crn:` is a CRN, anything else an id;
    /// nothing, a blank or `default` is the instance's default profile (no
    /// profile id is `default`: they begin with `Profile-`).
    #[must_use]
    pub fn from_id_or_crn(value: Option<&str>) -> Self {
        match value.map(str::trim) {
            None | Some("" | "default") => IbmProfile::Default,
            Some(v) if v.starts_with("crn:") => IbmProfile::Crn(v.to_string()),
            Some(v) => IbmProfile::Id(v.to_string()),
        }
    }
}

/// `{"trusted_profile":{"id"}}` or `{"trusted_profile":{"crn"}}`.
#[derive(Serialize)]
struct TrustedProfileRequest<'a> {
    trusted_profile: TrustedProfile<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum TrustedProfile<'a> {
    Id(&'a str),
    Crn(&'a str),
}

/// Step 1: the instance identity token, from the metadata service at
/// `base_url` ([`DEFAULT_METADATA_URL`] when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IbmInstanceFlow {
    /// The metadata service's base URL.
    pub base_url: Option<String>,
}

impl Service for IbmInstanceFlow {
    const OPTIONS: &'static [&'static str] = &["base_url"];

    fn from_spec(spec: &FlowSpec) -> Result<Self> {
        Ok(IbmInstanceFlow {
            base_url: spec.base_url.clone(),
        })
    }

    /// Takes no credential.
    fn request(&self, _credential: &str) -> Result<HttpRequest> {
        Ok(ibm_instance_token_request(self.base_url.as_deref()))
    }

    fn parse_answer(&self, status: u16, body: &str, now: u64) -> Result<Token> {
        parse_ibm_instance_token_response(status, body, now)
    }

    fn destination(&self) -> (&str, &'static str, PlainHttp) {
        destination(self.base_url.as_deref())
    }

    fn timeout_ms(&self) -> u64 {
        METADATA_TIMEOUT_MS
    }
}

/// Step 2: the IAM token of a trusted profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IbmIamFlow {
    /// The metadata service's base URL.
    pub base_url: Option<String>,
    /// The trusted profile.
    pub profile: IbmProfile,
}

impl Service for IbmIamFlow {
    const OPTIONS: &'static [&'static str] = &["base_url", "profile"];

    fn from_spec(spec: &FlowSpec) -> Result<Self> {
        Ok(IbmIamFlow {
            base_url: spec.base_url.clone(),
            profile: IbmProfile::from_id_or_crn(spec.profile.as_deref()),
        })
    }

    /// `credential` is the instance identity token of step 1.
    fn request(&self, credential: &str) -> Result<HttpRequest> {
        ibm_iam_token_request(self.base_url.as_deref(), credential, &self.profile)
    }

    fn parse_answer(&self, status: u16, body: &str, now: u64) -> Result<Token> {
        parse_ibm_iam_token_response(status, body, now)
    }

    fn destination(&self) -> (&str, &'static str, PlainHttp) {
        destination(self.base_url.as_deref())
    }

    fn timeout_ms(&self) -> u64 {
        METADATA_TIMEOUT_MS
    }
}

fn destination(base_url: Option<&str>) -> (&str, &'static str, PlainHttp) {
    (
        base_url.unwrap_or(DEFAULT_METADATA_URL),
        "baseUrl",
        PlainHttp::LoopbackAndMetadata,
    )
}

/// IBM step 1: the instance identity token.
pub fn ibm_instance_token_request(metadata_url: Option<&str>) -> HttpRequest {
    HttpRequest {
        method: "PUT",
        url: format!(
            "{}{IBM_INSTANCE_PATH}?version={IBM_API_VERSION}",
            base(metadata_url, DEFAULT_METADATA_URL)
        ),
        headers: vec![
            ("Metadata-Flavor", "ibm".to_string()),
            ("Accept", "application/json".to_string()),
            ("Content-Type", "application/json".to_string()),
        ],
        body: Some(r#"{"expires_in":3600}"#.to_string()),
    }
}

/// IBM step 2: the IAM token for a trusted profile, with the instance
/// identity token from step 1.
///
/// # Errors
/// As [`jwt_request`].
pub fn ibm_iam_token_request(
    metadata_url: Option<&str>,
    instance_token: &str,
    profile: &IbmProfile,
) -> Result<HttpRequest> {
    let trusted_profile = match profile {
        IbmProfile::Default => None,
        IbmProfile::Id(id) => Some(TrustedProfile::Id(id)),
        IbmProfile::Crn(crn) => Some(TrustedProfile::Crn(crn)),
    };
    let body = trusted_profile
        .map(|trusted_profile| to_json(&TrustedProfileRequest { trusted_profile }))
        .transpose()?;
    let mut headers = vec![
        ("Authorization", format!("Bearer {instance_token}")),
        ("Accept", "application/json".to_string()),
    ];
    if body.is_some() {
        headers.push(("Content-Type", "application/json".to_string()));
    }
    Ok(HttpRequest {
        method: "POST",
        url: format!(
            "{}{IBM_IAM_PATH}?version={IBM_API_VERSION}",
            base(metadata_url, DEFAULT_METADATA_URL)
        ),
        headers,
        body,
    })
}

/// Parses IBM step 1: `{"access_token", …}`, the instance identity token.
/// Its expiry is optional (it is used at once); without one it counts as
/// living the 5 minutes of IBM's default.
///
/// # Errors
/// As [`parse_gce_response`].
pub fn parse_ibm_instance_token_response(status: u16, body: &str, now: u64) -> Result<Token> {
    parse_ibm(status, body, now, Some(300))
}

/// Parses IBM step 2: `{"access_token","expires_in","expires_at"}`.
///
/// # Errors
/// As [`parse_gce_response`].
pub fn parse_ibm_iam_token_response(status: u16, body: &str, now: u64) -> Result<Token> {
    parse_ibm(status, body, now, None)
}

fn parse_ibm(status: u16, body: &str, now: u64, default_life: Option<u64>) -> Result<Token> {
    const TIME_OR_SECONDS: Reader<u64> = ("an RFC 3339 time or Unix seconds", |v| match v {
        Value::String(s) => parse_rfc3339(s),
        _ => v.as_u64(),
    });
    let answer = metadata_answer(status, body, "the IBM metadata service")?;
    let token = answer.required("access_token", TOKEN)?;
    let from_at = answer.optional("expires_at", TIME_OR_SECONDS)?;
    let from_in = answer.optional("expires_in", SECONDS)?;
    let expires_at = match (from_at, from_in, default_life) {
        (Some(at), _, _) => at,
        (None, Some(life), _) | (None, None, Some(life)) => now.saturating_add(life),
        (None, None, None) => return Err(answer.missing("expires_in")),
    };
    Ok(Token {
        token,
        expires_at: at_most_max_life(expires_at, now),
    })
}

#[cfg(feature = "emulator")]
#[derive(Serialize)]
struct IbmAnswer<'a> {
    access_token: &'a str,
    created_at: String,
    expires_at: String,
    expires_in: u64,
}

#[cfg(feature = "emulator")]
impl Emulator {
    pub(crate) fn ibm_instance(
        &mut self,
        request: &Request<'_>,
        now: u64,
        new_token: &str,
    ) -> Answered {
        if request.metadata_flavor != Some("ibm") {
            return Err(refuse(
                403,
                "PERMISSION_DENIED",
                "IBM's instance identity service needs the header Metadata-Flavor: ibm",
            ));
        }
        self.metadata_account()?;
        let token = format!("{INSTANCE_TOKEN_PREFIX}{new_token}");
        let expires_at = now.saturating_add(INSTANCE_TOKEN_LIFETIME);
        self.instance_tokens.retain(|(_, exp)| *exp >= now);
        if self.instance_tokens.len() >= MAX_INSTANCE_TOKENS {
            self.instance_tokens.remove(0);
        }
        self.instance_tokens.push((token.clone(), expires_at));
        written(
            200,
            &IbmAnswer {
                access_token: &token,
                created_at: format_rfc3339(now),
                expires_at: format_rfc3339(now.saturating_add(INSTANCE_TOKEN_LIFETIME)),
                expires_in: INSTANCE_TOKEN_LIFETIME,
            },
        )
    }

    pub(crate) fn ibm_iam(&self, request: &Request<'_>, now: u64, new_token: &str) -> Answered {
        let instance = request
            .authorization
            .and_then(|a| a.strip_prefix("Bearer "))
            .and_then(|t| self.instance_tokens.iter().find(|(given, _)| given == t));
        match instance {
            None => {
                return Err(refuse(
                    401,
                    "UNAUTHENTICATED",
                    "the IAM token request needs Authorization: Bearer with an instance identity token the emulator gave",
                ))
            }
            Some((_, exp)) if now > *exp => {
                return Err(refuse(
                    401,
                    "UNAUTHENTICATED",
                    "the instance identity token has expired; ask PUT /instance_identity/v1/token for a new one",
                ))
            }
            Some(_) => {}
        }
        self.metadata_account()?;
        written(
            200,
            &IbmAnswer {
                access_token: new_token,
                created_at: format_rfc3339(now),
                expires_at: format_rfc3339(now.saturating_add(TOKEN_LIFETIME)),
                expires_in: TOKEN_LIFETIME,
            },
        )
    }
}
