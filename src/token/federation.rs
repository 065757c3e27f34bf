//! Workload identity federation (RFC 8693): `POST
//! https://auth.yandex.cloud/oauth/token`, form-encoded, exchanging an
//! external OIDC token for a service account's IAM token, answered
//! `{"access_token","expires_in"}` or OAuth's `{"error","error_description"}`;
//! GitHub Actions' OIDC token for the job (`GET $ACTIONS_ID_TOKEN_REQUEST_URL`),
//! one such subject token; and the emulator's side: registered issuers and
//! the exchange.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
#[cfg(feature = "emulator")]
use alloc::vec::Vec;
#[cfg(feature = "emulator")]
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::token::answer::{at_most_max_life, object, text, Answer, SECONDS, TOKEN};
#[cfg(feature = "emulator")]
use crate::token::emulator::{refuse, written, Answered, Emulator, LEEWAY, TOKEN_LIFETIME};
use crate::token::flow::{FlowSpec, Service, IAM_TIMEOUT_MS};
use crate::token::http::{form, percent_encode, HttpRequest, Token};
use crate::token::transport::{self, PlainHttp};
#[cfg(feature = "emulator")]
use crate::{jwt, key::der, time::format_rfc3339};
#[cfg(feature = "emulator")]
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
#[cfg(feature = "emulator")]
use rsa::{pkcs1v15::Pkcs1v15Sign, BoxedUint, PublicKey};
#[cfg(feature = "emulator")]
use serde_json::Map;
#[cfg(feature = "emulator")]
use sha2::{Digest, Sha256};

/// The path of the token exchange, written once.
macro_rules! federation_path {
    () => {
        "/oauth/token"
    };
}
/// The path of the federation token exchange.
pub const FEDERATION_PATH: &str = federation_path!();
/// Yandex Cloud's token exchange for workload identity federation (RFC 8693).
pub const DEFAULT_FEDERATION_ENDPOINT: &str =
    concat!("https://auth.yandex.cloud", federation_path!());

/// The exchange at `endpoint` ([`DEFAULT_FEDERATION_ENDPOINT`] when `None`)
/// for an IAM token of `service_account_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederationFlow {
    /// The token exchange's URL.
    pub endpoint: Option<String>,
    /// The service account whose token is asked for.
    pub service_account_id: String,
}

impl Service for FederationFlow {
    const OPTIONS: &'static [&'static str] = &["endpoint", "service_account_id"];

    fn from_spec(spec: &FlowSpec) -> Result<Self> {
        Ok(FederationFlow {
            endpoint: spec.endpoint.clone(),
            service_account_id: spec
                .service_account_id
                .as_deref()
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .ok_or_else(|| {
                    Error::OptionInvalid(
                        "federation needs the service account id to get a token for".to_string(),
                    )
                })?
                .to_string(),
        })
    }

    /// `credential` is the external OIDC token: a JWT, at most 16 KB.
    fn request(&self, credential: &str) -> Result<HttpRequest> {
        Ok(federation_request(
            transport::subject_token(credential, "the subject token")?,
            &self.service_account_id,
            self.endpoint.as_deref(),
        ))
    }

    fn parse_answer(&self, status: u16, body: &str, now: u64) -> Result<Token> {
        parse_federation_response(status, body, now)
    }

    fn destination(&self) -> (&str, &'static str, PlainHttp) {
        (
            self.endpoint
                .as_deref()
                .unwrap_or(DEFAULT_FEDERATION_ENDPOINT),
            "endpoint",
            PlainHttp::LoopbackOnly,
        )
    }

    fn timeout_ms(&self) -> u64 {
        IAM_TIMEOUT_MS
    }
}

/// GitHub Actions' OIDC token for the running job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubOidcFlow {
    /// `ACTIONS_ID_TOKEN_REQUEST_URL`.
    pub request_url: String,
    /// The token's `aud`; GitHub's default when `None`.
    pub audience: Option<String>,
}

impl Service for GithubOidcFlow {
    const OPTIONS: &'static [&'static str] = &["audience", "request_url", "github_actions"];

    fn from_spec(spec: &FlowSpec) -> Result<Self> {
        Ok(GithubOidcFlow {
            request_url: github_request_url(
                spec.github_actions.as_deref(),
                spec.request_url.as_deref(),
            )?,
            audience: spec.audience.clone(),
        })
    }

    /// `credential` is the job's `ACTIONS_ID_TOKEN_REQUEST_TOKEN`.
    fn request(&self, credential: &str) -> Result<HttpRequest> {
        if credential.trim().is_empty() {
            return Err(github_no_permission("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
        }
        Ok(github_oidc_request(
            &self.request_url,
            credential.trim(),
            self.audience.as_deref(),
        ))
    }

    fn parse_answer(&self, status: u16, body: &str, now: u64) -> Result<Token> {
        parse_github_oidc_response(status, body, now)
    }

    fn destination(&self) -> (&str, &'static str, PlainHttp) {
        (
            &self.request_url,
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            PlainHttp::LoopbackOnly,
        )
    }

    fn timeout_ms(&self) -> u64 {
        IAM_TIMEOUT_MS
    }
}

/// Workload identity federation: `POST {endpoint}` (default
/// [`DEFAULT_FEDERATION_ENDPOINT`]), form-encoded, exchanging the external
/// OIDC token `subject_token` for an IAM token of `service_account_id`
/// (RFC 8693 token exchange).
pub fn federation_request(
    subject_token: &str,
    service_account_id: &str,
    endpoint: Option<&str>,
) -> HttpRequest {
    HttpRequest {
        method: "POST",
        url: endpoint.unwrap_or(DEFAULT_FEDERATION_ENDPOINT).to_string(),
        headers: vec![
            (
                "Content-Type",
                "application/x-www-form-urlencoded".to_string(),
            ),
            ("Accept", "application/json".to_string()),
        ],
        body: Some(form(&[
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:token-exchange",
            ),
            (
                "requested_token_type",
                "urn:ietf:params:oauth:token-type:access_token",
            ),
            ("audience", service_account_id),
            ("subject_token", subject_token.trim()),
            (
                "subject_token_type",
                "urn:ietf:params:oauth:token-type:id_token",
            ),
        ])),
    }
}

/// Parses the token exchange's answer: `{access_token, token_type,
/// expires_in}`, or OAuth's `{error, error_description}`.
///
/// # Errors
/// [`Error::IamRejected`] with the status and OAuth's error and
/// description; [`Error::ResponseNotJson`]; [`Error::ResponseInvalid`].
pub fn parse_federation_response(status: u16, body: &str, now: u64) -> Result<Token> {
    const SERVICE: &str = "the token exchange";
    if !(200..300).contains(&status) {
        let map = object(status, body, SERVICE)?;
        let error = text(&map, "error");
        let message = text(&map, "error_description")
            .or_else(|| text(&map, "message"))
            .unwrap_or_else(|| "no description".to_string());
        return Err(Error::IamRejected {
            status,
            grpc_code: map.get("code").and_then(Value::as_i64),
            oauth_error: error.map(|e| crate::text::one_line(&e, 60)),
            message: crate::text::one_line(&message, 500),
            request_id: None,
        });
    }
    let answer = Answer::new(status, body, SERVICE)?;
    let token = answer.required("access_token", TOKEN)?;
    let expires_in = answer.required("expires_in", SECONDS)?;
    Ok(Token {
        token,
        expires_at: at_most_max_life(now.saturating_add(expires_in), now),
    })
}

/// GitHub Actions' OIDC token for this job: `GET {request_url}&audience=…`
/// (the audience only when given) with `Authorization: Bearer
/// {request_token}`; both come from the job's environment
/// (`ACTIONS_ID_TOKEN_REQUEST_URL`, `ACTIONS_ID_TOKEN_REQUEST_TOKEN`).
pub fn github_oidc_request(
    request_url: &str,
    request_token: &str,
    audience: Option<&str>,
) -> HttpRequest {
    let mut url = request_url.to_string();
    if let Some(audience) = audience.filter(|a| !a.trim().is_empty()) {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str("audience=");
        percent_encode(audience.trim(), &mut url);
    }
    HttpRequest {
        method: "GET",
        url,
        headers: vec![
            ("Authorization", format!("Bearer {request_token}")),
            ("Accept", "application/json".to_string()),
        ],
        body: None,
    }
}

/// Parses GitHub's answer `{value}`: the OIDC token, whose own `exp` is
/// its expiry (5 minutes when it has none readable).
///
/// # Errors
/// [`Error::OidcUnavailable`] for a non-2xx status (GitHub refused the
/// job's request token); [`Error::ResponseNotJson`];
/// [`Error::ResponseInvalid`].
pub fn parse_github_oidc_response(status: u16, body: &str, now: u64) -> Result<Token> {
    const SERVICE: &str = "GitHub's OIDC token service";
    if !(200..300).contains(&status) {
        return Err(Error::OidcUnavailable(format!(
            "{SERVICE} answered HTTP {status}; the job's ACTIONS_ID_TOKEN_REQUEST_TOKEN was refused"
        )));
    }
    let answer = Answer::new(status, body, SERVICE)?;
    let token = answer.required("value", TOKEN)?;
    let exp = crate::jwt::decode(&token)
        .ok()
        .and_then(|d| d.payload.get("exp").and_then(Value::as_u64));
    Ok(Token {
        token,
        expires_at: at_most_max_life(exp.unwrap_or(now.saturating_add(300)), now),
    })
}

/// A job that may not ask for an OIDC token: GitHub sets neither variable
/// without the permission; `missing` is the one that is not set.
fn github_no_permission(missing: &str) -> Error {
    Error::OidcUnavailable(format!(
        "this GitHub Actions job cannot ask for an OIDC token: give it `permissions: id-token: write` ({missing} is not set)"
    ))
}

/// The job's request URL, or which of the two things is missing: not in
/// GitHub Actions at all, or a job without the permission to ask.
fn github_request_url(github_actions: Option<&str>, request_url: Option<&str>) -> Result<String> {
    match request_url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => Ok(url.to_string()),
        None if github_actions != Some("true") => Err(Error::OidcUnavailable(
            "not running in GitHub Actions (GITHUB_ACTIONS is not true), so there is no GitHub OIDC token to ask for; give the subject token or its file instead".to_string(),
        )),
        None => Err(github_no_permission("ACTIONS_ID_TOKEN_REQUEST_URL")),
    }
}

// ---- The emulator's side ----

#[cfg(feature = "emulator")]
/// An issuer key for federation's subject tokens: the key and its `kid`.
pub(crate) struct IssuerKey {
    kid: Option<String>,
    key: PublicKey,
}

#[cfg(feature = "emulator")]
/// A registered OIDC issuer, as a workload identity federation has it: its
/// `iss`, the audiences its tokens may name, the subjects each service
/// account accepts (its federated credentials), and its keys.
pub(crate) struct Issuer {
    issuer: String,
    audiences: Vec<String>,
    subjects: Vec<(String, Vec<String>)>,
    keys: Vec<IssuerKey>,
}

#[cfg(feature = "emulator")]
impl Emulator {
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

    pub(crate) fn federate(&self, body: &str, now: u64, new_token: &str) -> Answered {
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
    pub(crate) fn check_subject(
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

#[cfg(feature = "emulator")]
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

#[cfg(feature = "emulator")]
/// An issuer's key as a PEM: a public key, or a private one's public half.
fn issuer_pem(pem: &str) -> Result<PublicKey> {
    let pem = pem.trim();
    if pem.find("PRIVATE KEY-----").is_some() {
        Ok(der::private_key_from_pem(pem, "the issuer key")?
            .key
            .to_public_key())
    } else {
        der::public_key_from_pem(pem, "the issuer key")
    }
}

#[cfg(feature = "emulator")]
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

#[cfg(feature = "emulator")]
#[derive(Serialize)]
struct FederationAnswer<'a> {
    access_token: &'a str,
    issued_token_type: &'static str,
    token_type: &'static str,
    expires_in: u64,
}
