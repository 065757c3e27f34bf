//! IAM's JWT exchange: `POST {endpoint}` with `{"jwt"}`, answered with
//! `{"iamToken","expiresAt"}` or IAM's `{"code","message","details"}`; and
//! the emulator's side of it (feature `emulator`).

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::jwt::{iam_token_path, to_json, DEFAULT_AUDIENCE};
use crate::token::answer::{at_most_max_life, object, text, Answer, TIME, TOKEN};
#[cfg(feature = "emulator")]
use crate::token::emulator::{refuse, written, Answered, Emulator, LEEWAY, TOKEN_LIFETIME};
use crate::token::flow::{FlowSpec, Service, IAM_TIMEOUT_MS};
use crate::token::http::{json_post, HttpRequest, Token};
use crate::token::transport::{self, PlainHttp};
#[cfg(feature = "emulator")]
use crate::{
    jwt::{self, VerifyOptions},
    time::format_rfc3339,
};

/// The public IAM token endpoint.
pub const DEFAULT_ENDPOINT: &str = DEFAULT_AUDIENCE;
/// The path of the IAM token exchange.
pub const TOKEN_PATH: &str = iam_token_path!();

/// `{"jwt"}`: IAM's JWT exchange.
#[derive(Serialize)]
struct JwtExchange<'a> {
    jwt: &'a str,
}

/// The JWT exchange, at `endpoint` ([`DEFAULT_ENDPOINT`] when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtFlow {
    /// The IAM token URL.
    pub endpoint: Option<String>,
}

impl Service for JwtFlow {
    const OPTIONS: &'static [&'static str] = &["endpoint"];

    fn from_spec(spec: &FlowSpec) -> Result<Self> {
        Ok(JwtFlow {
            endpoint: spec.endpoint.clone(),
        })
    }

    /// `credential` is the signed JWT.
    fn request(&self, credential: &str) -> Result<HttpRequest> {
        jwt_request(credential, self.endpoint.as_deref())
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

/// `POST {endpoint}` with `{"jwt": …}`; the endpoint defaults to
/// [`DEFAULT_ENDPOINT`].
///
/// # Errors
/// [`Error::Internal`] only if the body could not be written, which does
/// not happen.
pub fn jwt_request(jwt: &str, endpoint: Option<&str>) -> Result<HttpRequest> {
    Ok(json_post(
        endpoint.unwrap_or(DEFAULT_ENDPOINT),
        to_json(&JwtExchange { jwt })?,
    ))
}

/// Parses the IAM answer to [`jwt_request`] or [`oauth_request`]:
/// `{"iamToken","expiresAt"}` on success, `{"code","message","details"}`
/// otherwise. An `expiresAt` later than 12 hours from `now` counts as 12
/// hours ([`MAX_TOKEN_LIFE`]), as in every parser here.
///
/// # Errors
/// [`Error::IamRejected`] with the HTTP status, gRPC code, message and
/// request id; [`Error::ResponseNotJson`]; [`Error::ResponseInvalid`].
pub fn parse_iam_response(status: u16, body: &str, now: u64) -> Result<Token> {
    if !(200..300).contains(&status) {
        return Err(iam_error(status, body));
    }
    let answer = Answer::new(status, body, "IAM")?;
    let token = answer.required("iamToken", TOKEN)?;
    let expires_at = answer.required("expiresAt", TIME)?;
    Ok(Token {
        token,
        expires_at: at_most_max_life(expires_at, now),
    })
}

/// An IAM error answer as an error value (also for non-JSON bodies).
pub(crate) fn iam_error(status: u16, body: &str) -> Error {
    let map = match object(status, body, "IAM") {
        Ok(map) => map,
        Err(e) => return e,
    };
    let grpc_code = map.get("code").and_then(Value::as_i64);
    let message = text(&map, "message")
        .or_else(|| text(&map, "error"))
        .unwrap_or_else(|| "no message".to_string());
    let request_id = map
        .get("details")
        .and_then(Value::as_array)
        .and_then(|d| {
            d.iter()
                .find_map(|x| x.get("requestId").and_then(Value::as_str))
        })
        .map(ToOwned::to_owned);
    if request_id
        .as_deref()
        .is_some_and(|id| !transport::is_token_text(id))
    {
        return Error::ResponseInvalid(format!(
            "IAM answered HTTP {status}, but its \"requestId\" is not {}",
            TOKEN.0
        ));
    }
    Error::IamRejected {
        status,
        grpc_code,
        oauth_error: None,
        message: crate::text::one_line(&message, 500),
        request_id,
    }
}

/// IAM's token answer.
#[cfg(feature = "emulator")]
#[derive(Serialize)]
struct IamTokenAnswer<'a> {
    #[serde(rename = "expiresAt")]
    expires_at: String,
    #[serde(rename = "iamToken")]
    iam_token: &'a str,
}

#[cfg(feature = "emulator")]
impl Emulator {
    pub(crate) fn exchange_jwt(&self, body: &str, now: u64, new_token: &str) -> Answered {
        let invalid = |m: &str| refuse(400, "INVALID_ARGUMENT", m);
        let request: Value =
            serde_json::from_str(body).map_err(|_| invalid("the request body is not JSON"))?;
        if request.get("yandexPassportOauthToken").is_some() {
            return Err(invalid(
                "the emulator exchanges JWTs only, not OAuth tokens",
            ));
        }
        let token = request
            .get("jwt")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("the request has no \"jwt\" string"))?;
        let decoded = jwt::decode(token).map_err(|e| invalid(&e.to_string()))?;
        let unauthenticated = |m: String| refuse(401, "UNAUTHENTICATED", m);
        let kid = decoded
            .header
            .get("kid")
            .and_then(Value::as_str)
            .ok_or_else(|| unauthenticated("the JWT's header has no kid".to_string()))?;
        let (_, _, key) = self
            .keys
            .iter()
            .find(|(id, _, _)| id == kid)
            .ok_or_else(|| {
                unauthenticated(format!(
                    "key {} is not registered with the emulator",
                    crate::text::short(kid)
                ))
            })?;
        let options = VerifyOptions {
            now,
            leeway: LEEWAY,
            audience: None,
        };
        let checked = jwt::verify(token, key, &options).map_err(|e| match e {
            Error::JwtMalformed(_) => invalid(&e.to_string()),
            other => unauthenticated(format!("the JWT is not valid: {other}")),
        })?;
        // Its own URL, or IAM's: what every SDK names.
        let audiences = [self.token_url.as_str(), DEFAULT_AUDIENCE];
        let aud_ok = match checked.payload.get("aud") {
            Some(Value::String(aud)) => audiences.contains(&aud.as_str()),
            Some(Value::Array(auds)) => auds
                .iter()
                .any(|a| a.as_str().is_some_and(|a| audiences.contains(&a))),
            _ => false,
        };
        if !aud_ok {
            return Err(unauthenticated(format!(
                "the JWT is not valid: its aud is neither {} nor {DEFAULT_AUDIENCE}",
                crate::text::short(&self.token_url)
            )));
        }
        written(
            200,
            &IamTokenAnswer {
                expires_at: format_rfc3339(now.saturating_add(TOKEN_LIFETIME)),
                iam_token: new_token,
            },
        )
    }
}
