//! A VM's metadata service, in GCE format (`GET …/service-accounts/default/token`
//! with `Metadata-Flavor: Google`, answered `{"access_token","expires_in"}`)
//! and EC2 format (`GET …/security-credentials/default/`, answered
//! `{"Code","Token","Expiration"}`); and the emulator's side of both.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
#[cfg(feature = "emulator")]
use serde::Serialize;

use crate::error::{Error, Result};
#[cfg(feature = "emulator")]
use crate::time::format_rfc3339;
use crate::token::answer::{at_most_max_life, metadata_answer, text, SECONDS, TEXT, TIME, TOKEN};
#[cfg(feature = "emulator")]
use crate::token::emulator::{
    refuse, written, Answered, Emulator, Refusal, Request, TOKEN_LIFETIME,
};
use crate::token::flow::{FlowSpec, Service, METADATA_TIMEOUT_MS};
use crate::token::http::{base, HttpRequest, Token};
use crate::token::transport::{metadata_host, PlainHttp};

/// The link-local metadata service of a VM.
pub const DEFAULT_METADATA_URL: &str = concat!("http://", metadata_host!());
/// The GCE-format metadata token path.
pub const GCE_PATH: &str = "/computeMetadata/v1/instance/service-accounts/default/token";
/// The EC2-format metadata credentials path.
pub const EC2_PATH: &str = "/latest/meta-data/iam/security-credentials/default/";

/// The VM metadata service's two answer formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataFormat {
    /// `GET …/computeMetadata/v1/instance/service-accounts/default/token`
    /// with `Metadata-Flavor: Google` ([`gce_request`]).
    Gce,
    /// `GET …/latest/meta-data/iam/security-credentials/default/`
    /// ([`ec2_request`]).
    Ec2,
}

impl MetadataFormat {
    /// `gce` or `ec2`.
    ///
    /// # Errors
    /// [`Error::OptionInvalid`] for anything else, quoting it (cut short).
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "gce" => Ok(MetadataFormat::Gce),
            "ec2" => Ok(MetadataFormat::Ec2),
            other => Err(Error::OptionInvalid(format!(
                "flavor must be 'gce' or 'ec2', not '{}'",
                crate::text::one_line(other, 20)
            ))),
        }
    }
}

/// The metadata service, in one of its formats, at `base_url`
/// ([`DEFAULT_METADATA_URL`] when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataFlow {
    /// GCE or EC2.
    pub format: MetadataFormat,
    /// The service's base URL.
    pub base_url: Option<String>,
}

impl Service for MetadataFlow {
    const OPTIONS: &'static [&'static str] = &["flavor", "base_url"];

    fn from_spec(spec: &FlowSpec) -> Result<Self> {
        Ok(MetadataFlow {
            format: MetadataFormat::parse(spec.flavor.as_deref().unwrap_or("gce"))?,
            base_url: spec.base_url.clone(),
        })
    }

    /// Takes no credential.
    fn request(&self, _credential: &str) -> Result<HttpRequest> {
        Ok(match self.format {
            MetadataFormat::Gce => gce_request(self.base_url.as_deref()),
            MetadataFormat::Ec2 => ec2_request(self.base_url.as_deref()),
        })
    }

    fn parse_answer(&self, status: u16, body: &str, now: u64) -> Result<Token> {
        match self.format {
            MetadataFormat::Gce => parse_gce_response(status, body, now),
            MetadataFormat::Ec2 => parse_ec2_response(status, body, now),
        }
    }

    fn destination(&self) -> (&str, &'static str, PlainHttp) {
        (
            self.base_url.as_deref().unwrap_or(DEFAULT_METADATA_URL),
            "baseUrl",
            PlainHttp::LoopbackAndMetadata,
        )
    }

    fn timeout_ms(&self) -> u64 {
        METADATA_TIMEOUT_MS
    }
}

/// The GCE-format metadata token request.
pub fn gce_request(metadata_url: Option<&str>) -> HttpRequest {
    HttpRequest {
        method: "GET",
        url: format!("{}{GCE_PATH}", base(metadata_url, DEFAULT_METADATA_URL)),
        headers: vec![("Metadata-Flavor", "Google".to_string())],
        body: None,
    }
}

/// The EC2-format metadata credentials request.
pub fn ec2_request(metadata_url: Option<&str>) -> HttpRequest {
    HttpRequest {
        method: "GET",
        url: format!("{}{EC2_PATH}", base(metadata_url, DEFAULT_METADATA_URL)),
        headers: vec![],
        body: None,
    }
}

/// Parses the GCE metadata answer `{"access_token","expires_in","token_type"}`.
///
/// # Errors
/// [`Error::MetadataRejected`] for a non-2xx status;
/// [`Error::ResponseNotJson`]; [`Error::ResponseInvalid`].
pub fn parse_gce_response(status: u16, body: &str, now: u64) -> Result<Token> {
    let answer = metadata_answer(status, body, "the metadata service")?;
    let token = answer.required("access_token", TOKEN)?;
    let expires_in = answer.required("expires_in", SECONDS)?;
    Ok(Token {
        token,
        expires_at: at_most_max_life(now.saturating_add(expires_in), now),
    })
}

/// Parses the EC2 metadata answer `{"Code","Expiration","Token"}`; a `Code`
/// other than `Success` is an error.
///
/// # Errors
/// As [`parse_gce_response`].
pub fn parse_ec2_response(status: u16, body: &str, now: u64) -> Result<Token> {
    let answer = metadata_answer(status, body, "the metadata service")?;
    let code = answer.required("Code", TEXT)?;
    if code != "Success" {
        let message = text(&answer.map, "Message");
        return Err(Error::MetadataRejected(format!(
            "the metadata service answered Code \"{}\"{}",
            crate::text::one_line(&code, 60),
            message.map_or(String::new(), |m| format!(
                ": {}",
                crate::text::one_line(&m, 300)
            ))
        )));
    }
    let token = answer.required("Token", TOKEN)?;
    let expires_at = answer.required("Expiration", TIME)?;
    Ok(Token {
        token,
        expires_at: at_most_max_life(expires_at, now),
    })
}

#[cfg(feature = "emulator")]
#[derive(Serialize)]
struct GceAnswer<'a> {
    access_token: &'a str,
    expires_in: u64,
    token_type: &'static str,
}

#[cfg(feature = "emulator")]
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Ec2Answer<'a> {
    code: &'static str,
    last_updated: String,
    #[serde(rename = "Type")]
    kind: &'static str,
    token: &'a str,
    expiration: String,
}

#[cfg(feature = "emulator")]
impl Emulator {
    /// The service account the metadata services serve: the first key's.
    pub(crate) fn metadata_account(&self) -> core::result::Result<&str, Refusal> {
        self.keys
            .first()
            .map(|(_, account, _)| account.as_str())
            .ok_or_else(|| {
                refuse(
                    404,
                    "NOT_FOUND",
                    "no service account: register a key with the emulator (--key FILE)",
                )
            })
    }

    pub(crate) fn gce(&self, request: &Request<'_>, new_token: &str) -> Answered {
        if request.metadata_flavor != Some("Google") {
            return Err(refuse(
                403,
                "PERMISSION_DENIED",
                "the GCE-format metadata service needs the header Metadata-Flavor: Google",
            ));
        }
        self.metadata_account()?;
        written(
            200,
            &GceAnswer {
                access_token: new_token,
                expires_in: TOKEN_LIFETIME,
                token_type: "Bearer",
            },
        )
    }

    pub(crate) fn ec2(&self, now: u64, new_token: &str) -> Answered {
        self.metadata_account()?;
        written(
            200,
            &Ec2Answer {
                code: "Success",
                last_updated: format_rfc3339(now),
                kind: "AWS-HMAC",
                token: new_token,
                expiration: format_rfc3339(now.saturating_add(TOKEN_LIFETIME)),
            },
        )
    }
}
