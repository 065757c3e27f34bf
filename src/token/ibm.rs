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

use crate::error::{Error, Result};
use crate::jwt::to_json;
#[cfg(feature = "emulator")]
use crate::time::format_rfc3339;
use crate::time::parse_rfc3339;
use crate::token::answer::{at_most_max_life, metadata_answer, Reader, SECONDS, TOKEN};
#[cfg(feature = "emulator")]
use crate::token::emulator::{
    refuse, written, Answered, Emulator, Refusal, Request, INSTANCE_TOKEN_LIFETIME,
};
use crate::token::flow::{FlowSpec, Service, METADATA_TIMEOUT_MS};
use crate::token::http::{base, HttpRequest, Token};
use crate::token::metadata::DEFAULT_METADATA_URL;
use crate::token::transport::PlainHttp;
#[cfg(feature = "emulator")]
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
#[cfg(feature = "emulator")]
use rsa::signature::{SignatureEncoding as _, Signer as _};

/// The IBM instance metadata API version sent by default, as IBM's SDK has it.
pub const IBM_API_VERSION: &str = "2022-03-01";
/// IBM's instance identity token path (service version 2022-03-01).
pub const IBM_INSTANCE_PATH: &str = "/instance_identity/v1/token";
/// IBM's IAM token path (service version 2022-03-01).
pub const IBM_IAM_PATH: &str = "/instance_identity/v1/iam_token";
/// IBM's instance identity token path (service version 2025-08-26).
pub const IBM_INSTANCE_PATH_2025: &str = "/identity/v1/token";
/// IBM's IAM token path (service version 2025-08-26).
pub const IBM_IAM_PATH_2025: &str = "/identity/v1/iam_tokens";
/// How long IBM's IAM tokens live: one hour.
pub const IBM_IAM_TOKEN_LIFETIME: u64 = 3600;

/// The instance metadata service's versions, each with its own paths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IbmServiceVersion {
    /// `2022-03-01` (IBM's SDK's default): `/instance_identity/v1/token` and `…/iam_token`.
    #[default]
    V2022,
    /// `2025-08-26`: `/identity/v1/token` and `/identity/v1/iam_tokens`.
    V2025,
}

impl IbmServiceVersion {
    /// Both versions.
    pub const ALL: [IbmServiceVersion; 2] = [IbmServiceVersion::V2022, IbmServiceVersion::V2025];

    /// The version a caller named; the default when `None`.
    ///
    /// # Errors
    /// [`Error::OptionInvalid`] for any other, naming both.
    pub fn parse(name: Option<&str>) -> Result<Self> {
        match name.map(str::trim) {
            None => Ok(IbmServiceVersion::default()),
            Some(v) => IbmServiceVersion::ALL
                .into_iter()
                .find(|version| version.as_str() == v)
                .ok_or_else(|| {
                    Error::OptionInvalid(format!(
                        "serviceVersion must be '2022-03-01' or '2025-08-26', not '{}'",
                        crate::text::one_line(v, 20)
                    ))
                }),
        }
    }

    /// As the `version` query has it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            IbmServiceVersion::V2022 => IBM_API_VERSION,
            IbmServiceVersion::V2025 => "2025-08-26",
        }
    }

    /// Step 1's path.
    #[must_use]
    pub fn instance_path(self) -> &'static str {
        match self {
            IbmServiceVersion::V2022 => IBM_INSTANCE_PATH,
            IbmServiceVersion::V2025 => IBM_INSTANCE_PATH_2025,
        }
    }

    /// Step 2's path.
    #[must_use]
    pub fn iam_path(self) -> &'static str {
        match self {
            IbmServiceVersion::V2022 => IBM_IAM_PATH,
            IbmServiceVersion::V2025 => IBM_IAM_PATH_2025,
        }
    }
}
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
    /// The service version, with its paths.
    pub version: IbmServiceVersion,
}

impl Service for IbmInstanceFlow {
    const OPTIONS: &'static [&'static str] = &["base_url", "service_version"];

    fn from_spec(spec: &FlowSpec) -> Result<Self> {
        Ok(IbmInstanceFlow {
            base_url: spec.base_url.clone(),
            version: IbmServiceVersion::parse(spec.service_version.as_deref())?,
        })
    }

    /// Takes no credential.
    fn request(&self, _credential: &str) -> Result<HttpRequest> {
        Ok(ibm_instance_token_request(
            self.base_url.as_deref(),
            self.version,
        ))
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
    /// The service version, with its paths.
    pub version: IbmServiceVersion,
}

impl Service for IbmIamFlow {
    const OPTIONS: &'static [&'static str] = &["base_url", "profile", "service_version"];

    fn from_spec(spec: &FlowSpec) -> Result<Self> {
        Ok(IbmIamFlow {
            base_url: spec.base_url.clone(),
            profile: IbmProfile::from_id_or_crn(spec.profile.as_deref()),
            version: IbmServiceVersion::parse(spec.service_version.as_deref())?,
        })
    }

    /// `credential` is the instance identity token of step 1.
    fn request(&self, credential: &str) -> Result<HttpRequest> {
        ibm_iam_token_request(
            self.base_url.as_deref(),
            credential,
            &self.profile,
            self.version,
        )
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

/// IBM step 1: the instance identity token, at `version`'s path.
pub fn ibm_instance_token_request(
    metadata_url: Option<&str>,
    version: IbmServiceVersion,
) -> HttpRequest {
    HttpRequest {
        method: "PUT",
        url: format!(
            "{}{}?version={}",
            base(metadata_url, DEFAULT_METADATA_URL),
            version.instance_path(),
            version.as_str()
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
    version: IbmServiceVersion,
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
        ("Metadata-Flavor", "ibm".to_string()),
        ("Accept", "application/json".to_string()),
    ];
    if body.is_some() {
        headers.push(("Content-Type", "application/json".to_string()));
    }
    Ok(HttpRequest {
        method: "POST",
        url: format!(
            "{}{}?version={}",
            base(metadata_url, DEFAULT_METADATA_URL),
            version.iam_path(),
            version.as_str()
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

/// The version a request names in its `version` query, if it is the one
/// its path belongs to; else the refusal IBM's service gives.
#[cfg(feature = "emulator")]
fn version_of(
    request: &Request<'_>,
    path: &str,
) -> core::result::Result<IbmServiceVersion, Refusal> {
    let version = IbmServiceVersion::ALL
        .into_iter()
        .find(|v| v.instance_path() == path || v.iam_path() == path)
        .unwrap_or_default();
    let query = request.path.split_once('?').map_or("", |(_, q)| q);
    let given = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("version="));
    if given == Some(version.as_str()) {
        Ok(version)
    } else {
        Err(refuse(
            400,
            "INVALID_ARGUMENT",
            format!("{path} needs the query version={}", version.as_str()),
        ))
    }
}

#[cfg(feature = "emulator")]
fn flavor(request: &Request<'_>) -> core::result::Result<(), Refusal> {
    if request.metadata_flavor == Some("ibm") {
        Ok(())
    } else {
        Err(refuse(
            403,
            "PERMISSION_DENIED",
            "IBM's instance identity service needs the header Metadata-Flavor: ibm",
        ))
    }
}

/// IBM's IAM token, as IBM issues them: an RS256 JWT with `iat` and `exp`.
#[cfg(feature = "emulator")]
#[derive(Serialize)]
struct IbmIamClaims<'a> {
    iss: &'static str,
    sub: &'a str,
    iat: u64,
    exp: u64,
    jti: &'a str,
}

#[cfg(feature = "emulator")]
impl Emulator {
    /// Sets the key the emulator signs IBM IAM tokens with (a private key
    /// PEM, made at the emulator's start).
    ///
    /// # Errors
    /// The `ERR_KEY_*` errors of the PEM.
    pub fn set_ibm_signing_key(&mut self, pem: &str) -> Result<()> {
        let key = crate::key::der::private_key_from_pem(pem, "the IBM signing key")?.key;
        self.ibm_signing_key = Some(rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key));
        Ok(())
    }

    pub(crate) fn ibm_instance(
        &mut self,
        request: &Request<'_>,
        path: &str,
        now: u64,
        new_token: &str,
    ) -> Answered {
        flavor(request)?;
        version_of(request, path)?;
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
                expires_at: format_rfc3339(expires_at),
                expires_in: INSTANCE_TOKEN_LIFETIME,
            },
        )
    }

    pub(crate) fn ibm_iam(
        &self,
        request: &Request<'_>,
        path: &str,
        now: u64,
        new_token: &str,
    ) -> Answered {
        flavor(request)?;
        version_of(request, path)?;
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
                    "the instance identity token has expired; ask for a new one",
                ))
            }
            Some(_) => {}
        }
        self.metadata_account()?;
        // The profile asked for: its id, CRN or name, or the default.
        let body: Value = serde_json::from_str(request.body).unwrap_or(Value::Null);
        let profile = body.get("trusted_profile");
        let sub = ["id", "crn", "name"]
            .iter()
            .find_map(|k| profile.and_then(|p| p.get(k)).and_then(Value::as_str))
            .unwrap_or("default");
        let Some(key) = &self.ibm_signing_key else {
            return Err(refuse(
                500,
                "INTERNAL",
                "the emulator has no IBM signing key (it makes one at start)",
            ));
        };
        let exp = now.saturating_add(IBM_IAM_TOKEN_LIFETIME);
        let claims = IbmIamClaims {
            iss: "https://iam.cloud.ibm.com",
            sub,
            iat: now,
            exp,
            jti: new_token,
        };
        let token = match to_json(&claims) {
            Ok(payload) => {
                let input = format!(
                    "{}.{}",
                    URL_SAFE_NO_PAD
                        .encode(r#"{"alg":"RS256","typ":"JWT","kid":"iamjwt-emulator"}"#),
                    URL_SAFE_NO_PAD.encode(payload)
                );
                let signature = key.sign(input.as_bytes()).to_vec();
                format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
            }
            Err(e) => return Ok(Err(e)),
        };
        written(
            200,
            &IbmAnswer {
                access_token: &token,
                created_at: format_rfc3339(now),
                expires_at: format_rfc3339(exp),
                expires_in: IBM_IAM_TOKEN_LIFETIME,
            },
        )
    }
}
