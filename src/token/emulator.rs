//! A local stand-in for the IAM token endpoint, sans-IO: it decides the
//! answer to a `{"jwt": …}` exchange as strictly as IAM documents it, with
//! the same verifier as [`crate::jwt::verify`]. The caller runs
//! the HTTP server, reads the clock and makes the request id and the token.
//!
//! Checked: PS256 only; `kid` registered and belonging to `iss`; `aud`
//! equal to the emulator's own token URL; `exp - iat <= 3600`; not expired,
//! `iat` not in the future beyond the leeway; a valid salt-32 signature.
//!
//! # Example
//! ```
//! # let json = include_str!("../../www/demo-key.json");
//! use iamjwt::{token::emulator::Emulator, jwt::SignOptions, AuthorizedKey};
//!
//! let url = "http://127.0.0.1:8080/iam/v1/tokens";
//! let mut iam = Emulator::new(url);
//! iam.add_key(json)?;
//! let key = AuthorizedKey::from_json(json)?;
//! let jwt = key.sign_jwt(&SignOptions { endpoint: Some(url.into()), ..SignOptions::new(1_790_000_000) })?;
//! let body = format!(r#"{{"jwt":"{jwt}"}}"#);
//! let answer = iam.exchange(&body, 1_790_000_010, "req-1", "t1.emulated");
//! assert_eq!(answer.status, 200);
//! # Ok::<(), iamjwt::Error>(())
//! ```

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::jwt::{self, VerifyOptions};
use crate::key::KeyFile;
use crate::time::format_rfc3339;
use crate::VerifyingKey;

/// How long an emulated IAM token lives, as real ones do: 12 hours.
pub const TOKEN_LIFETIME: u64 = 12 * 3600;
/// Clock skew the emulator allows for `iat` and `exp`, in seconds.
pub const LEEWAY: u64 = 30;

/// An HTTP answer for the caller to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: String,
}

/// The registered keys and the emulator's own token URL.
pub struct Emulator {
    token_url: String,
    keys: Vec<(String, VerifyingKey)>,
}

impl Emulator {
    /// An emulator that answers at `token_url` (the `aud` JWTs must carry).
    #[must_use]
    pub fn new(token_url: &str) -> Self {
        Emulator {
            token_url: token_url.to_string(),
            keys: Vec::new(),
        }
    }

    /// The URL JWTs must name as `aud`.
    #[must_use]
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// Registers the public key of an authorized key (or of a key
    /// description with `public_key`). Returns `(key id, service account id)`.
    ///
    /// # Errors
    /// The `ERR_KEY_*` errors of [`KeyFile::from_json_public`] and of the
    /// public key.
    pub fn add_key(&mut self, json: &str) -> Result<(String, String)> {
        let file = KeyFile::from_json_public(json)?;
        let key = VerifyingKey::from_text(json)?;
        let ids = (file.id.clone(), file.service_account_id.clone());
        self.keys.retain(|(id, _)| *id != file.id);
        self.keys.push((file.id, key));
        Ok(ids)
    }

    /// Answers one exchange request body at `now`.
    #[must_use]
    pub fn exchange(
        &self,
        body: &str,
        now: u64,
        request_id: &str,
        new_token: &str,
    ) -> HttpResponse {
        let answer = match self.check(body, now) {
            Ok(()) => jwt::to_json(&TokenAnswer {
                expires_at: format_rfc3339(now.saturating_add(TOKEN_LIFETIME)),
                iam_token: new_token,
            })
            .map(|body| (200, body)),
            Err((status, grpc, message)) => {
                error_body(grpc, &message, request_id).map(|body| (status, body))
            }
        };
        match answer {
            Ok((status, body)) => HttpResponse { status, body },
            Err(e) => HttpResponse {
                status: 500,
                body: e.to_string(),
            },
        }
    }

    fn check(&self, body: &str, now: u64) -> core::result::Result<(), (u16, i64, String)> {
        let invalid = |m: &str| (400, 3, m.to_string());
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
        let kid = decoded
            .header
            .get("kid")
            .and_then(Value::as_str)
            .ok_or_else(|| (401, 16, "the JWT's header has no kid".to_string()))?;
        let (_, key) = self.keys.iter().find(|(id, _)| id == kid).ok_or_else(|| {
            (
                401,
                16,
                format!(
                    "key {} is not registered with the emulator",
                    crate::text::short(kid)
                ),
            )
        })?;
        let options = VerifyOptions {
            now,
            leeway: LEEWAY,
            audience: Some(self.token_url.clone()),
        };
        jwt::verify(token, key, &options).map_err(|e| match e {
            Error::JwtMalformed(_) => (400, 3, e.to_string()),
            other => (401, 16, format!("the JWT is not valid: {other}")),
        })?;
        Ok(())
    }
}

/// IAM's token answer.
#[derive(Serialize)]
struct TokenAnswer<'a> {
    #[serde(rename = "expiresAt")]
    expires_at: String,
    #[serde(rename = "iamToken")]
    iam_token: &'a str,
}

/// IAM's error answer: `{"code","details":[{"@type","requestId"}],"message"}`.
#[derive(Serialize)]
struct ErrorAnswer<'a> {
    code: i64,
    details: [RequestInfo<'a>; 1],
    message: &'a str,
}

#[derive(Serialize)]
struct RequestInfo<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "requestId")]
    request_id: &'a str,
}

fn error_body(grpc_code: i64, message: &str, request_id: &str) -> Result<String> {
    jwt::to_json(&ErrorAnswer {
        code: grpc_code,
        details: [RequestInfo {
            kind: "type.googleapis.com/google.rpc.RequestInfo",
            request_id,
        }],
        message,
    })
}
