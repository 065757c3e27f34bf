//! IAM's OAuth exchange: `POST {endpoint}` with
//! `{"yandexPassportOauthToken"}`, answered as the JWT exchange is
//! ([`parse_iam_response`](crate::token::iam::parse_iam_response)). The
//! emulator does not take OAuth tokens: it says so on IAM's path.

use alloc::string::String;
use serde::Serialize;

use crate::error::Result;
use crate::jwt::to_json;
use crate::token::flow::{FlowSpec, Service, IAM_TIMEOUT_MS};
use crate::token::http::{json_post, HttpRequest, Token};
use crate::token::iam::{parse_iam_response, DEFAULT_ENDPOINT};
use crate::token::transport::PlainHttp;

/// `{"yandexPassportOauthToken"}`: IAM's OAuth exchange.
#[derive(Serialize)]
struct OAuthExchange<'a> {
    #[serde(rename = "yandexPassportOauthToken")]
    oauth_token: &'a str,
}

/// The OAuth exchange, at `endpoint` ([`DEFAULT_ENDPOINT`] when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthFlow {
    /// The IAM token URL.
    pub endpoint: Option<String>,
}

impl Service for OAuthFlow {
    const OPTIONS: &'static [&'static str] = &["endpoint"];

    fn from_spec(spec: &FlowSpec) -> Result<Self> {
        Ok(OAuthFlow {
            endpoint: spec.endpoint.clone(),
        })
    }

    /// `credential` is the OAuth token.
    fn request(&self, credential: &str) -> Result<HttpRequest> {
        oauth_request(credential, self.endpoint.as_deref())
    }

    fn parse_answer(&self, status: u16, body: &str, now: u64) -> Result<Token> {
        parse_iam_response(status, body, now)
    }

    fn destination(&self) -> (&str, &'static str, PlainHttp) {
        (
            self.endpoint.as_deref().unwrap_or(DEFAULT_ENDPOINT),
            "endpoint",
            PlainHttp::LoopbackOnly,
        )
    }

    fn timeout_ms(&self) -> u64 {
        IAM_TIMEOUT_MS
    }
}

/// `POST {endpoint}` with `{"yandexPassportOauthToken": …}`.
///
/// # Errors
/// As [`jwt_request`].
pub fn oauth_request(oauth_token: &str, endpoint: Option<&str>) -> Result<HttpRequest> {
    Ok(json_post(
        endpoint.unwrap_or(DEFAULT_ENDPOINT),
        to_json(&OAuthExchange {
            oauth_token: oauth_token.trim(),
        })?,
    ))
}
