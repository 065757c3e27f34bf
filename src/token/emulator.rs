//! A local stand-in for every token source, sans-IO (feature `emulator`,
//! its own .wasm for the JS layer): it decides the answer to each request
//! as strictly as the real service documents it, each service in its own
//! room (the `impl Emulator` blocks of [`iam`](super::iam),
//! [`metadata`](super::metadata), [`ibm`](super::ibm) and
//! [`federation`](super::federation)); this file holds what they share and
//! dispatches by path. The caller runs the HTTP server, reads the clock and
//! makes the request id and the tokens.
//!
//! | path | stands in for | checked |
//! |---|---|---|
//! | `POST /iam/v1/tokens` | IAM's JWT exchange | PS256 only; `kid` registered and belonging to `iss`; `aud` the emulator's own token URL or IAM's public one; `exp - iat <= 3600`; not expired, `iat` not in the future beyond the leeway; a valid salt-32 signature |
//! | `GET /computeMetadata/v1/instance/service-accounts/default/token` | a VM's metadata service, GCE format | `Metadata-Flavor: Google` |
//! | `GET /latest/meta-data/iam/security-credentials/default/` | the same, EC2 format | — |
//! | `PUT /instance_identity/v1/token`, `POST /instance_identity/v1/iam_token` | IBM Cloud VPC's instance identity, then its IAM token | `Metadata-Flavor: ibm`; an instance token it gave and that has not expired |
//! | `POST /oauth/token` | workload identity federation (RFC 8693) | the grant and token types; `audience` a registered key's service account; the subject token RS256-signed by a key of the registered issuer its `iss` names (by `kid`; a key without one only when it is the issuer's one key), its `aud` one of the issuer's audiences, its `sub` one the issuer allows for that service account, not expired, `iat` not in the future |
//!
//! The metadata services serve the service account of the first key
//! registered.
//!
//! # Example
//! ```
//! # let json = include_str!("../../www/demo-key.json");
//! use iamjwt::{token::emulator::{Emulator, Request}, jwt::SignOptions, AuthorizedKey};
//!
//! let url = "http://127.0.0.1:8080/iam/v1/tokens";
//! let mut iam = Emulator::new(url);
//! iam.add_key(json)?;
//! let key = AuthorizedKey::from_json(json)?;
//! let jwt = key.sign_jwt(&SignOptions { endpoint: Some(url.into()), ..SignOptions::new(1_790_000_000) })?;
//! let body = format!(r#"{{"jwt":"{jwt}"}}"#);
//! let answer = iam.answer(&Request::post("/iam/v1/tokens", &body), 1_790_000_010, "req-1", "t1.emulated");
//! assert_eq!(answer.status, 200);
//! # Ok::<(), iamjwt::Error>(())
//! ```

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::Serialize;

use crate::error::Result;
use crate::jwt;
use crate::key::KeyFile;
use crate::token::federation::{Issuer, FEDERATION_PATH};
use crate::token::iam::TOKEN_PATH;
use crate::token::ibm::{
    IBM_IAM_PATH, IBM_IAM_PATH_2025, IBM_INSTANCE_PATH, IBM_INSTANCE_PATH_2025,
};
use crate::token::metadata::{EC2_PATH, GCE_PATH};
use crate::VerifyingKey;

/// How long an emulated IAM token lives, as real ones do: 12 hours.
pub const TOKEN_LIFETIME: u64 = 12 * 3600;
/// How long an emulated IBM instance identity token lives: 5 minutes.
pub const INSTANCE_TOKEN_LIFETIME: u64 = 300;
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

/// One request as the caller's server received it: the method, the path
/// with its query, the two headers the emulator reads, and the body.
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    /// `GET`, `PUT`, `POST`, …
    pub method: &'a str,
    /// The path and query, such as `/instance_identity/v1/token?version=2022-03-01`.
    pub path: &'a str,
    /// The `Metadata-Flavor` header.
    pub metadata_flavor: Option<&'a str>,
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// The body.
    pub body: &'a str,
}

impl<'a> Request<'a> {
    /// `POST {path}` with `body`.
    #[must_use]
    pub fn post(path: &'a str, body: &'a str) -> Self {
        Request {
            method: "POST",
            path,
            body,
            ..Request::default()
        }
    }
}

/// The registered keys and issuers, the instance tokens given, and the
/// emulator's own token URL.
pub struct Emulator {
    pub(crate) token_url: String,
    /// (key id, service account id, public key) of each registered key.
    pub(crate) keys: Vec<(String, String, VerifyingKey)>,
    pub(crate) issuers: Vec<Issuer>,
    /// The IBM instance identity tokens given, with their expiry.
    pub(crate) instance_tokens: Vec<(String, u64)>,
    /// What IBM IAM tokens are signed with (RS256), set at start.
    pub(crate) ibm_signing_key: Option<rsa::pkcs1v15::SigningKey<sha2::Sha256>>,
}

/// A refusal: the status and what the answer says.
pub(crate) struct Refusal {
    status: u16,
    code: &'static str,
    message: String,
}

pub(crate) fn refuse(status: u16, code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        code,
        message: message.into(),
    }
}

impl Emulator {
    /// An emulator whose IAM exchange answers at `token_url` (an `aud` JWTs
    /// may carry, beside IAM's public URL).
    #[must_use]
    pub fn new(token_url: &str) -> Self {
        Emulator {
            token_url: token_url.to_string(),
            keys: Vec::new(),
            issuers: Vec::new(),
            instance_tokens: Vec::new(),
            ibm_signing_key: None,
        }
    }

    /// The IAM token URL.
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
        self.keys.retain(|(id, _, _)| *id != file.id);
        self.keys.push((file.id, file.service_account_id, key));
        Ok(ids)
    }

    /// Answers one request at `now`. `new_token` is the token to give when
    /// one is given (an IAM token, or an IBM instance identity token).
    #[must_use]
    pub fn answer(
        &mut self,
        request: &Request<'_>,
        now: u64,
        request_id: &str,
        new_token: &str,
    ) -> HttpResponse {
        let path = request.path.split('?').next().unwrap_or_default();
        let method = request.method;
        let result = match (method, path) {
            ("POST", TOKEN_PATH) => self.exchange_jwt(request.body, now, new_token),
            ("POST", FEDERATION_PATH) => self.federate(request.body, now, new_token),
            ("GET", GCE_PATH) => self.gce(request, new_token),
            ("GET", EC2_PATH) => self.ec2(now, new_token),
            ("PUT", IBM_INSTANCE_PATH | IBM_INSTANCE_PATH_2025) => {
                self.ibm_instance(request, path, now, new_token)
            }
            ("POST", IBM_IAM_PATH | IBM_IAM_PATH_2025) => self.ibm_iam(request, path, now, new_token),
            (_, TOKEN_PATH | FEDERATION_PATH | IBM_IAM_PATH | IBM_IAM_PATH_2025) => {
                Err(refuse(405, "UNIMPLEMENTED", format!("use POST {path}")))
            }
            (_, GCE_PATH | EC2_PATH) => Err(refuse(405, "UNIMPLEMENTED", format!("use GET {path}"))),
            (_, IBM_INSTANCE_PATH | IBM_INSTANCE_PATH_2025) => {
                Err(refuse(405, "UNIMPLEMENTED", format!("use PUT {path}")))
            }
            _ => Err(refuse(
                404,
                "NOT_FOUND",
                format!(
                    "no such path; the emulator serves POST {TOKEN_PATH}, POST {FEDERATION_PATH}, GET {GCE_PATH}, GET {EC2_PATH}, PUT {IBM_INSTANCE_PATH} and POST {IBM_IAM_PATH} (or PUT {IBM_INSTANCE_PATH_2025} and POST {IBM_IAM_PATH_2025})"
                ),
            )),
        };
        let written = match result {
            Ok(answer) => answer,
            Err(refusal) if path == FEDERATION_PATH => oauth_error(&refusal),
            Err(refusal) => iam_error(&refusal, request_id),
        };
        response(written)
    }

    /// Answers one IAM exchange request body at `now` (`POST
    /// /iam/v1/tokens`, as [`Emulator::answer`] does).
    #[must_use]
    pub fn exchange(
        &self,
        body: &str,
        now: u64,
        request_id: &str,
        new_token: &str,
    ) -> HttpResponse {
        response(match self.exchange_jwt(body, now, new_token) {
            Ok(answer) => answer,
            Err(refusal) => iam_error(&refusal, request_id),
        })
    }
}

/// The response to send: the answer written, or a 500 saying why it could not be.
fn response(written: Result<(u16, String)>) -> HttpResponse {
    match written {
        Ok((status, body)) => HttpResponse { status, body },
        Err(e) => HttpResponse {
            status: 500,
            body: e.to_string(),
        },
    }
}

/// An answer written, or the refusal to write.
pub(crate) type Answered = core::result::Result<Result<(u16, String)>, Refusal>;

pub(crate) fn written<T: Serialize>(status: u16, body: &T) -> Answered {
    Ok(jwt::to_json(body).map(|body| (status, body)))
}

/// IAM's error answer, with the gRPC code of the refusal's name.
fn iam_error(refusal: &Refusal, request_id: &str) -> Result<(u16, String)> {
    let code = match refusal.code {
        "INVALID_ARGUMENT" => 3,
        "NOT_FOUND" => 5,
        "PERMISSION_DENIED" => 7,
        "UNIMPLEMENTED" => 12,
        _ => 16,
    };
    jwt::to_json(&ErrorAnswer {
        code,
        details: [RequestInfo {
            kind: "type.googleapis.com/google.rpc.RequestInfo",
            request_id,
        }],
        message: &refusal.message,
    })
    .map(|body| (refusal.status, body))
}

/// OAuth's error answer (RFC 6749 §5.2), for the federation exchange.
fn oauth_error(refusal: &Refusal) -> Result<(u16, String)> {
    let error = match refusal.code {
        "unsupported_grant_type" | "invalid_request" | "invalid_target" | "invalid_grant" => {
            refusal.code
        }
        _ => "invalid_request",
    };
    jwt::to_json(&OAuthErrorAnswer {
        error,
        error_description: &refusal.message,
    })
    .map(|body| (refusal.status, body))
}

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

#[derive(Serialize)]
struct OAuthErrorAnswer<'a> {
    error: &'static str,
    error_description: &'a str,
}
