//! A local stand-in for every token source, sans-IO: it decides the answer
//! to each request as strictly as the real service documents it. The
//! caller runs the HTTP server, reads the clock and makes the request id
//! and the tokens.
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

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rsa::pkcs1v15::Pkcs1v15Sign;
use rsa::{BoxedUint, PublicKey};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::jwt::{self, VerifyOptions, DEFAULT_AUDIENCE};
use crate::key::{der, KeyFile};
use crate::time::format_rfc3339;
use crate::VerifyingKey;

/// How long an emulated IAM token lives, as real ones do: 12 hours.
pub const TOKEN_LIFETIME: u64 = 12 * 3600;
/// How long an emulated IBM instance identity token lives: 5 minutes.
pub const INSTANCE_TOKEN_LIFETIME: u64 = 300;
/// Clock skew the emulator allows for `iat` and `exp`, in seconds.
pub const LEEWAY: u64 = 30;
/// The path of the IAM token exchange.
pub const TOKEN_PATH: &str = "/iam/v1/tokens";
/// The path of the federation token exchange.
pub const FEDERATION_PATH: &str = "/oauth/token";
/// The GCE-format metadata token path.
pub const GCE_PATH: &str = "/computeMetadata/v1/instance/service-accounts/default/token";
/// The EC2-format metadata credentials path.
pub const EC2_PATH: &str = "/latest/meta-data/iam/security-credentials/default/";
/// IBM's instance identity token path.
pub const IBM_INSTANCE_PATH: &str = "/instance_identity/v1/token";
/// IBM's IAM token path.
pub const IBM_IAM_PATH: &str = "/instance_identity/v1/iam_token";

/// What the emulator's instance identity tokens begin with.
const INSTANCE_TOKEN_PREFIX: &str = "emulated-instance.";

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

/// An issuer key for federation's subject tokens: the key and its `kid`.
struct IssuerKey {
    kid: Option<String>,
    key: PublicKey,
}

/// A registered OIDC issuer, as a workload identity federation has it: its
/// `iss`, the audiences its tokens may name, the subjects each service
/// account accepts (its federated credentials), and its keys.
struct Issuer {
    issuer: String,
    audiences: Vec<String>,
    subjects: Vec<(String, Vec<String>)>,
    keys: Vec<IssuerKey>,
}

/// How many IBM instance identity tokens the emulator remembers at once.
const MAX_INSTANCE_TOKENS: usize = 1024;

/// The registered keys and the emulator's own token URL.
pub struct Emulator {
    token_url: String,
    keys: Vec<(String, String, VerifyingKey)>,
    issuers: Vec<Issuer>,
    /// The IBM instance identity tokens given, with their expiry.
    instance_tokens: Vec<(String, u64)>,
}

/// A refusal: the status and what the answer says.
struct Refusal {
    status: u16,
    code: &'static str,
    message: String,
}

fn refuse(status: u16, code: &'static str, message: impl Into<String>) -> Refusal {
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

    /// Registers an OIDC issuer whose RS256 subject tokens federation then
    /// exchanges, as a workload identity federation and its federated
    /// credentials describe it:
    ///
    /// ```json
    /// {"issuer": "https://token.actions.githubusercontent.com",
    ///  "audiences": ["https://github.com/octo-org"],
    ///  "subjects": {"ajeSERVICEACCOUNT": ["repo:octo-org/app:ref:refs/heads/main"]},
    ///  "keys": [{"kty": "RSA", "kid": "…", "n": "…", "e": "AQAB"}]}
    /// ```
    ///
    /// `keys` is the issuer's JWKS; `publicKey`, a PEM, may stand in for it.
    /// Returns how many keys. Registering an issuer again replaces it.
    ///
    /// # Errors
    /// [`Error::OptionInvalid`] for a missing or empty `issuer`,
    /// `audiences` or `subjects`; [`Error::KeyCorrupt`] for a JWKS with no
    /// RSA key or a damaged one; the `ERR_KEY_*` errors of a PEM.
    pub fn add_issuer(&mut self, text: &str) -> Result<usize> {
        crate::key::file::check_size(text)?;
        let trimmed = text.trim_start_matches('\u{feff}').trim();
        let shape = || {
            Error::OptionInvalid(
                "an OIDC issuer is JSON: {\"issuer\", \"audiences\": [...], \"subjects\": {\"SERVICE_ACCOUNT_ID\": [\"sub\", ...]}, \"keys\": [JWK...] or \"publicKey\": PEM}".to_string(),
            )
        };
        let Ok(Value::Object(config)) = serde_json::from_str::<Value>(trimmed) else {
            return Err(shape());
        };
        let strings = |value: &Value| -> Option<Vec<String>> {
            let list: Vec<String> = value
                .as_array()?
                .iter()
                .map(|v| {
                    v.as_str()
                        .filter(|s| !s.is_empty())
                        .map(ToString::to_string)
                })
                .collect::<Option<_>>()?;
            (!list.is_empty()).then_some(list)
        };
        let issuer = config
            .get("issuer")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(shape)?
            .to_string();
        let audiences = config
            .get("audiences")
            .and_then(strings)
            .ok_or_else(shape)?;
        let subjects: Vec<(String, Vec<String>)> = config
            .get("subjects")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(account, subs)| strings(subs).map(|s| (account.clone(), s)))
                    .collect::<Option<Vec<_>>>()
            })
            .and_then(|s| s.filter(|s| !s.is_empty()))
            .ok_or_else(shape)?;
        let keys = match (
            config.get("keys"),
            config.get("publicKey").and_then(Value::as_str),
        ) {
            (Some(keys), None) => jwks(&Value::Object(Map::from_iter([(
                "keys".to_string(),
                keys.clone(),
            )])))?,
            (None, Some(pem)) => Vec::from([IssuerKey {
                kid: None,
                key: issuer_pem(pem)?,
            }]),
            _ => return Err(shape()),
        };
        let count = keys.len();
        self.issuers.retain(|i| i.issuer != issuer);
        self.issuers.push(Issuer {
            issuer,
            audiences,
            subjects,
            keys,
        });
        Ok(count)
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
            ("PUT", IBM_INSTANCE_PATH) => self.ibm_instance(request, now, new_token),
            ("POST", IBM_IAM_PATH) => self.ibm_iam(request, now, new_token),
            (_, TOKEN_PATH | FEDERATION_PATH | IBM_IAM_PATH) => {
                Err(refuse(405, "UNIMPLEMENTED", format!("use POST {path}")))
            }
            (_, GCE_PATH | EC2_PATH) => Err(refuse(405, "UNIMPLEMENTED", format!("use GET {path}"))),
            (_, IBM_INSTANCE_PATH) => Err(refuse(405, "UNIMPLEMENTED", format!("use PUT {path}"))),
            _ => Err(refuse(
                404,
                "NOT_FOUND",
                format!(
                    "no such path; the emulator serves POST {TOKEN_PATH}, POST {FEDERATION_PATH}, GET {GCE_PATH}, GET {EC2_PATH}, PUT {IBM_INSTANCE_PATH} and POST {IBM_IAM_PATH}"
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

    fn exchange_jwt(&self, body: &str, now: u64, new_token: &str) -> Answered {
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

    /// The service account the metadata services serve: the first key's.
    fn metadata_account(&self) -> core::result::Result<&str, Refusal> {
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

    fn gce(&self, request: &Request<'_>, new_token: &str) -> Answered {
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

    fn ec2(&self, now: u64, new_token: &str) -> Answered {
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

    fn ibm_instance(&mut self, request: &Request<'_>, now: u64, new_token: &str) -> Answered {
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

    fn ibm_iam(&self, request: &Request<'_>, now: u64, new_token: &str) -> Answered {
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

    fn federate(&self, body: &str, now: u64, new_token: &str) -> Answered {
        let form = form_pairs(body);
        let field = |name: &str| {
            form.iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let invalid = |code, m: String| refuse(400, code, m);
        if field("grant_type") != Some("urn:ietf:params:oauth:grant-type:token-exchange") {
            return Err(invalid(
                "unsupported_grant_type",
                "grant_type must be urn:ietf:params:oauth:grant-type:token-exchange".to_string(),
            ));
        }
        if !matches!(
            field("subject_token_type"),
            Some(
                "urn:ietf:params:oauth:token-type:id_token"
                    | "urn:ietf:params:oauth:token-type:jwt"
            )
        ) {
            return Err(invalid(
                "invalid_request",
                "subject_token_type must be urn:ietf:params:oauth:token-type:id_token".to_string(),
            ));
        }
        let audience = field("audience").unwrap_or_default();
        if !self.keys.iter().any(|(_, account, _)| account == audience) {
            return Err(invalid(
                "invalid_target",
                format!(
                    "audience {} is not the service account of a key registered with the emulator",
                    crate::text::short(audience)
                ),
            ));
        }
        let subject = field("subject_token")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| invalid("invalid_request", "subject_token is missing".to_string()))?;
        self.check_subject(subject, audience, now)
            .map_err(|m| invalid("invalid_grant", m))?;
        written(
            200,
            &FederationAnswer {
                access_token: new_token,
                issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
                token_type: "Bearer",
                expires_in: TOKEN_LIFETIME,
            },
        )
    }

    /// An external OIDC token for `account`: RS256, `iss` a registered
    /// issuer, signed by one of its keys (by `kid`; a key without one only
    /// when it is the issuer's one key), `exp` not passed, `iat` not ahead,
    /// `aud` one of the issuer's audiences, `sub` one it allows for `account`.
    fn check_subject(
        &self,
        token: &str,
        account: &str,
        now: u64,
    ) -> core::result::Result<(), String> {
        if self.issuers.is_empty() {
            return Err(
                "the emulator has no OIDC issuer: start it with --oidc-issuer FILE".to_string(),
            );
        }
        let decoded = jwt::decode(token).map_err(|e| format!("the subject token: {e}"))?;
        match decoded.header.get("alg").and_then(Value::as_str) {
            Some("RS256") => {}
            other => {
                return Err(format!(
                    "the subject token's alg is {}; the emulator takes RS256",
                    crate::text::short(other.unwrap_or("missing"))
                ))
            }
        }
        let iss = decoded
            .payload
            .get("iss")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let issuer = self
            .issuers
            .iter()
            .find(|i| i.issuer == iss)
            .ok_or_else(|| {
                format!(
                    "the subject token's iss {} is not a registered issuer",
                    crate::text::short(iss)
                )
            })?;
        let kid = decoded.header.get("kid").and_then(Value::as_str);
        let only_key = issuer.keys.len() == 1;
        let input = token
            .trim()
            .rsplit_once('.')
            .map(|(input, _)| input)
            .unwrap_or_default();
        let hashed = Sha256::digest(input.as_bytes());
        let verifies = issuer
            .keys
            .iter()
            .filter(|key| match (kid, key.kid.as_deref()) {
                (Some(a), Some(b)) => a == b,
                _ => only_key,
            })
            .any(|key| {
                key.key
                    .verify(Pkcs1v15Sign::new::<Sha256>(), &hashed, &decoded.signature)
                    .is_ok()
            });
        if !verifies {
            return Err(
                "the subject token's signature does not verify with its issuer's keys".to_string(),
            );
        }
        let claim = |name: &str| decoded.payload.get(name).and_then(Value::as_u64);
        let exp = claim("exp").ok_or("the subject token has no exp")?;
        if now > exp.saturating_add(LEEWAY) {
            return Err(format!(
                "the subject token expired at {}",
                format_rfc3339(exp)
            ));
        }
        let iat = claim("iat").ok_or("the subject token has no iat")?;
        if iat > now.saturating_add(LEEWAY) {
            return Err("the subject token's iat is in the future".to_string());
        }
        let audience_ok = match decoded.payload.get("aud") {
            Some(Value::String(aud)) => issuer.audiences.contains(aud),
            Some(Value::Array(auds)) => auds
                .iter()
                .filter_map(Value::as_str)
                .any(|aud| issuer.audiences.iter().any(|a| a == aud)),
            _ => false,
        };
        if !audience_ok {
            return Err("the subject token's aud is not an audience of its issuer".to_string());
        }
        let sub = decoded
            .payload
            .get("sub")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let allowed = issuer
            .subjects
            .iter()
            .any(|(a, subs)| a == account && subs.iter().any(|s| s == sub));
        if !allowed {
            return Err(format!(
                "the subject token's sub is not a federated credential of service account {}",
                crate::text::short(account)
            ));
        }
        Ok(())
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
type Answered = core::result::Result<Result<(u16, String)>, Refusal>;

fn written<T: Serialize>(status: u16, body: &T) -> Answered {
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

/// `name=value&…`, form-decoded: `+` is a space, `%XX` a byte.
fn form_pairs(body: &str) -> Vec<(String, String)> {
    let decode = |text: &str| {
        let mut bytes = Vec::with_capacity(text.len());
        let mut rest = text.as_bytes();
        while let Some((&b, tail)) = rest.split_first() {
            rest = tail;
            match b {
                b'+' => bytes.push(b' '),
                b'%' => {
                    let hex = rest
                        .get(..2)
                        .and_then(|h| core::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    match hex {
                        Some(byte) => {
                            bytes.push(byte);
                            rest = rest.get(2..).unwrap_or_default();
                        }
                        None => bytes.push(b'%'),
                    }
                }
                _ => bytes.push(b),
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    };
    body.trim()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (decode(name), decode(value)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// An issuer's key as a PEM: a public key, or a private one's public half.
fn issuer_pem(pem: &str) -> Result<PublicKey> {
    let pem = pem.trim();
    if crate::text::find(pem, "PRIVATE KEY-----").is_some() {
        Ok(der::private_key_from_pem(pem, "the issuer key")?
            .key
            .to_public_key())
    } else {
        der::public_key_from_pem(pem, "the issuer key")
    }
}

/// The RSA keys of a JWKS (`{"keys": [...]}`) or of one JWK.
fn jwks(value: &Value) -> Result<Vec<IssuerKey>> {
    let corrupt =
        |why: &str| Error::KeyCorrupt(format!("the issuer key is not a usable JWKS: {why}"));
    let keys: Vec<&Map<String, Value>> = match value.get("keys") {
        Some(Value::Array(keys)) => keys.iter().filter_map(Value::as_object).collect(),
        _ => value.as_object().into_iter().collect(),
    };
    let rsa: Vec<IssuerKey> = keys
        .into_iter()
        .filter(|jwk| jwk.get("kty").and_then(Value::as_str) == Some("RSA"))
        .map(|jwk| {
            let number = |name: &str| {
                jwk.get(name)
                    .and_then(Value::as_str)
                    .and_then(|b64| URL_SAFE_NO_PAD.decode(b64.trim_end_matches('=')).ok())
                    .map(|bytes| BoxedUint::from_be_slice_vartime(&bytes))
                    .ok_or_else(|| corrupt(&format!("an RSA key without a base64url \"{name}\"")))
            };
            let key = PublicKey::new(number("n")?, number("e")?)
                .map_err(|_| corrupt("an RSA key whose n and e are not a valid public key"))?;
            Ok(IssuerKey {
                kid: jwk
                    .get("kid")
                    .and_then(Value::as_str)
                    .map(ToString::to_string),
                key,
            })
        })
        .collect::<Result<_>>()?;
    if rsa.is_empty() {
        return Err(corrupt("it has no RSA key (kty \"RSA\")"));
    }
    Ok(rsa)
}

/// IAM's token answer.
#[derive(Serialize)]
struct IamTokenAnswer<'a> {
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

#[derive(Serialize)]
struct GceAnswer<'a> {
    access_token: &'a str,
    expires_in: u64,
    token_type: &'static str,
}

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

#[derive(Serialize)]
struct IbmAnswer<'a> {
    access_token: &'a str,
    created_at: String,
    expires_at: String,
    expires_in: u64,
}

#[derive(Serialize)]
struct FederationAnswer<'a> {
    access_token: &'a str,
    issued_token_type: &'static str,
    token_type: &'static str,
    expires_in: u64,
}

#[derive(Serialize)]
struct OAuthErrorAnswer<'a> {
    error: &'static str,
    error_description: &'a str,
}
