//! Each flow's request as a value and its answer parsed: the functions
//! behind [`Flow`], one pair per flow.
//!
//! The flows (Yandex Cloud docs, "Getting an IAM token"; IBM Cloud VPC docs,
//! "Instance identity and trusted profiles"):
//!
//! | flow | request | answer |
//! |---|---|---|
//! | JWT → IAM | [`jwt_request`]: `POST {endpoint}` `{"jwt"}` | [`parse_iam_response`] |
//! | OAuth → IAM | [`oauth_request`]: `POST {endpoint}` `{"yandexPassportOauthToken"}` | [`parse_iam_response`] |
//! | GCE metadata | [`gce_request`]: `GET …/service-accounts/default/token` | [`parse_gce_response`] |
//! | EC2 metadata | [`ec2_request`]: `GET …/security-credentials/default/` | [`parse_ec2_response`] |
//! | IBM, step 1 | [`ibm_instance_token_request`]: `PUT …/instance_identity/v1/token` | [`parse_ibm_instance_token_response`] |
//! | IBM, step 2 | [`ibm_iam_token_request`]: `POST …/instance_identity/v1/iam_token` | [`parse_ibm_iam_token_response`] |
//! | Federation (RFC 8693) | [`federation_request`]: `POST https://auth.yandex.cloud/oauth/token`, form-encoded | [`parse_federation_response`] |
//! | GitHub Actions' OIDC token | [`github_oidc_request`]: `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=…` | [`parse_github_oidc_response`] |
//!
//! # Example
//! ```
//! use iamjwt::token;
//!
//! let request = token::jwt_request("eyJ…", None)?;
//! assert_eq!(request.url, "https://iam.api.cloud.yandex.net/iam/v1/tokens");
//! // … send it, then:
//! let answer = token::parse_iam_response(
//!     200,
//!     r#"{"iamToken":"t1.abc","expiresAt":"2026-11-24T08:00:00Z"}"#,
//!     1_795_464_000,
//! )?;
//! assert_eq!(answer.expires_at, 1_795_507_200);
//! # Ok::<(), iamjwt::Error>(())
//! ```

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::jwt::{to_json, DEFAULT_AUDIENCE};
use crate::time::parse_rfc3339;
use crate::token::transport::{self, check_url, PlainHttp};

/// The public IAM token endpoint.
pub const DEFAULT_ENDPOINT: &str = DEFAULT_AUDIENCE;
/// The link-local metadata service of a VM.
pub const DEFAULT_METADATA_URL: &str = "http://169.254.169.254";
/// Yandex Cloud's token exchange for workload identity federation (RFC 8693).
pub const DEFAULT_FEDERATION_ENDPOINT: &str = "https://auth.yandex.cloud/oauth/token";
/// The IBM instance metadata API version sent with every IBM request.
pub const IBM_API_VERSION: &str = "2022-03-01";
/// The longest answer body parsed, in bytes.
pub const MAX_RESPONSE_LEN: usize = 256 * 1024;

/// An HTTP request for the caller to send.
#[derive(Clone, PartialEq, Eq)]
#[must_use]
pub struct HttpRequest {
    /// `GET`, `PUT` or `POST`.
    pub method: &'static str,
    /// The full URL.
    pub url: String,
    /// Header names and values.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body, if any.
    pub body: Option<String>,
}

impl core::fmt::Debug for HttpRequest {
    /// Bodies and Authorization carry credentials: only their presence shows.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            )
            .field("body", &self.body.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A token and when it expires.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    /// The token to send as `Authorization: Bearer …`.
    pub token: String,
    /// Unix seconds.
    pub expires_at: u64,
}

impl core::fmt::Debug for Token {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Token")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

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

fn json_post(url: &str, body: String) -> HttpRequest {
    HttpRequest {
        method: "POST",
        url: url.to_string(),
        headers: vec![
            ("Content-Type", "application/json".to_string()),
            ("Accept", "application/json".to_string()),
        ],
        body: Some(body),
    }
}

/// `{"jwt"}`: IAM's JWT exchange.
#[derive(Serialize)]
struct JwtExchange<'a> {
    jwt: &'a str,
}

/// `{"yandexPassportOauthToken"}`: IAM's OAuth exchange.
#[derive(Serialize)]
struct OAuthExchange<'a> {
    #[serde(rename = "yandexPassportOauthToken")]
    oauth_token: &'a str,
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

fn base(url: Option<&str>) -> &str {
    url.unwrap_or(DEFAULT_METADATA_URL).trim_end_matches('/')
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

/// The GCE-format metadata token request.
pub fn gce_request(metadata_url: Option<&str>) -> HttpRequest {
    HttpRequest {
        method: "GET",
        url: format!(
            "{}/computeMetadata/v1/instance/service-accounts/default/token",
            base(metadata_url)
        ),
        headers: vec![("Metadata-Flavor", "Google".to_string())],
        body: None,
    }
}

/// The EC2-format metadata credentials request.
pub fn ec2_request(metadata_url: Option<&str>) -> HttpRequest {
    HttpRequest {
        method: "GET",
        url: format!(
            "{}/latest/meta-data/iam/security-credentials/default/",
            base(metadata_url)
        ),
        headers: vec![],
        body: None,
    }
}

/// IBM step 1: the instance identity token.
pub fn ibm_instance_token_request(metadata_url: Option<&str>) -> HttpRequest {
    HttpRequest {
        method: "PUT",
        url: format!(
            "{}/instance_identity/v1/token?version={IBM_API_VERSION}",
            base(metadata_url)
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
            "{}/instance_identity/v1/iam_token?version={IBM_API_VERSION}",
            base(metadata_url)
        ),
        headers,
        body,
    })
}

/// Parses the body as a JSON object, or says what it is instead.
fn object(status: u16, body: &str, service: &'static str) -> Result<Map<String, Value>> {
    if body.len() > MAX_RESPONSE_LEN {
        return Err(Error::ResponseInvalid(format!(
            "{service} answered HTTP {status} with more than {MAX_RESPONSE_LEN} bytes"
        )));
    }
    match serde_json::from_str(body.trim()) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::ResponseInvalid(format!(
            "{service} answered HTTP {status} with JSON that is not an object"
        ))),
        Err(_) => {
            let head = body.trim_start();
            let what = if head.starts_with('<') {
                "an HTML page (a proxy, a captive portal or the wrong URL?)"
            } else if head.is_empty() {
                "an empty body"
            } else {
                "text"
            };
            Err(Error::ResponseNotJson(format!(
                "{service} answered HTTP {status} with {what}, not JSON"
            )))
        }
    }
}

/// A successful answer's members, each read one way. A member that is
/// absent (or `null`) is named as missing; one that is there but cannot be
/// read is named with what it should have been, never passed over for
/// another.
///
/// The members are looked up in serde_json's `Map` by name: derived
/// `Deserialize` structs for the six answer shapes cost 14 KB of the
/// .wasm's gzip (bench/levers.md), for the same checks.
struct Answer {
    map: Map<String, Value>,
    service: &'static str,
    status: u16,
}

/// How to read one of [`Answer`]'s fields, and what it should hold.
type Reader<T> = (&'static str, fn(&Value) -> Option<T>);

const TEXT: Reader<String> = ("a non-empty string", |v| {
    v.as_str().filter(|s| !s.is_empty()).map(ToOwned::to_owned)
});
/// A token or an id that goes into a header: printable, no spaces, at most 8 KB.
const TOKEN: Reader<String> = (
    "a string of printable token characters (at most 8192 bytes, no spaces or line breaks)",
    |v| {
        v.as_str()
            .filter(|s| transport::is_token_text(s))
            .map(ToOwned::to_owned)
    },
);
const SECONDS: Reader<u64> = ("a whole number of seconds", Value::as_u64);
const TIME: Reader<u64> = ("an RFC 3339 time", |v| v.as_str().and_then(parse_rfc3339));

/// `name` read as [`TEXT`], or `None` when it is absent or unreadable: the
/// lenient read of an error answer, which says what it can.
fn text(map: &Map<String, Value>, name: &str) -> Option<String> {
    map.get(name).and_then(TEXT.1)
}

impl Answer {
    /// The body of a 2xx answer as a JSON object.
    fn new(status: u16, body: &str, service: &'static str) -> Result<Self> {
        Ok(Self {
            map: object(status, body, service)?,
            service,
            status,
        })
    }

    /// `field`, if present; an error if present and unreadable.
    fn optional<T>(&self, field: &str, (what, read): Reader<T>) -> Result<Option<T>> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => read(value)
                .map(Some)
                .ok_or_else(|| self.unreadable(field, what)),
        }
    }

    fn unreadable(&self, field: &str, what: &str) -> Error {
        Error::ResponseInvalid(format!(
            "{} answered HTTP {}, but its \"{field}\" is not {what}",
            self.service, self.status
        ))
    }

    /// `field`; an error if absent or unreadable.
    fn required<T>(&self, field: &str, reader: Reader<T>) -> Result<T> {
        self.optional(field, reader)?
            .ok_or_else(|| self.missing(field))
    }

    fn missing(&self, field: &str) -> Error {
        Error::ResponseInvalid(format!(
            "{} answered HTTP {} without \"{field}\"",
            self.service, self.status
        ))
    }
}

/// The longest any token these flows give lives: IAM's 12 hours (the GCE
/// and EC2 formats of the metadata service serve IAM tokens too; IBM's
/// live one hour).
pub const MAX_TOKEN_LIFE: u64 = 12 * 3600;

/// An answer's expiry, counted as at most [`MAX_TOKEN_LIFE`] from `now`: a
/// later one (a wrong clock, a broken server) would put off the refresh,
/// and past 2^53 seconds JS numbers could not hold it.
fn at_most_max_life(expires_at: u64, now: u64) -> u64 {
    expires_at.min(now.saturating_add(MAX_TOKEN_LIFE))
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
fn iam_error(status: u16, body: &str) -> Error {
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

/// A metadata service's 2xx answer as a JSON object; other statuses are its error.
fn metadata_answer(status: u16, body: &str, service: &'static str) -> Result<Answer> {
    if !(200..300).contains(&status) {
        return Err(metadata_error(status, body));
    }
    Answer::new(status, body, service)
}

/// A metadata service's error: IBM's `{"errors":[{"message"}]}`, or the
/// status alone.
fn metadata_error(status: u16, body: &str) -> Error {
    let message = serde_json::from_str::<Value>(body).ok().and_then(|v| {
        v.get("errors")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
            .and_then(|e| e.get("message"))
            .or_else(|| v.get("message"))
            .and_then(Value::as_str)
            .map(|m| crate::text::one_line(m, 300))
    });
    Error::MetadataRejected(match message {
        Some(m) => format!("the metadata service answered HTTP {status}: {m}"),
        None => format!("the metadata service answered HTTP {status}"),
    })
}

/// `application/x-www-form-urlencoded` pairs: unreserved characters as
/// they are, every other byte as `%XX`.
fn form(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        percent_encode(value, &mut out);
    }
    out
}

fn percent_encode(value: &str, out: &mut String) {
    use core::fmt::Write as _;
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
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

/// One way to get a token: whom to ask, where, and how to read the
/// answer. Each flow builds its own request ([`Flow::request`]) and parses
/// its own answer ([`Flow::parse_answer`]); callers pass what the user
/// gave to [`Flow::from_spec`].
///
/// ```
/// use iamjwt::token::{Flow, FlowSpec};
///
/// let spec = FlowSpec { flow: "metadata".into(), flavor: Some("ec2".into()), ..FlowSpec::default() };
/// let flow = Flow::from_spec(&spec)?;
/// assert_eq!(flow.request("")?.url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/default/");
/// assert_eq!(flow.timeout_ms(), 2_000);
/// # Ok::<(), iamjwt::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flow {
    /// A JWT signed with an authorized key, exchanged at IAM.
    Jwt {
        /// The IAM token URL; [`DEFAULT_ENDPOINT`] when `None`.
        endpoint: Option<String>,
    },
    /// A Yandex OAuth token exchanged at IAM.
    OAuth {
        /// The IAM token URL; [`DEFAULT_ENDPOINT`] when `None`.
        endpoint: Option<String>,
    },
    /// The VM's metadata service.
    Metadata {
        /// GCE or EC2.
        format: MetadataFormat,
        /// The service's base URL; [`DEFAULT_METADATA_URL`] when `None`.
        base_url: Option<String>,
    },
    /// IBM Cloud VPC, step 1: the instance identity token.
    IbmInstance {
        /// The metadata service's base URL.
        base_url: Option<String>,
    },
    /// IBM Cloud VPC, step 2: the IAM token for a trusted profile.
    IbmIam {
        /// The metadata service's base URL.
        base_url: Option<String>,
        /// The trusted profile.
        profile: IbmProfile,
    },
    /// Workload identity federation: an external OIDC token exchanged for
    /// a service account's IAM token.
    Federation {
        /// The token exchange's URL; [`DEFAULT_FEDERATION_ENDPOINT`] when `None`.
        endpoint: Option<String>,
        /// The service account whose token is asked for.
        service_account_id: String,
    },
    /// GitHub Actions' OIDC token for the running job.
    GithubOidc {
        /// `ACTIONS_ID_TOKEN_REQUEST_URL`.
        request_url: String,
        /// The token's `aud`; GitHub's default when `None`.
        audience: Option<String>,
    },
}

/// A flow as a caller names it: `flow` is `jwt`, `oauth`, `metadata`,
/// `ibm-instance`, `ibm-iam`, `federation` or `github-oidc`, and the other
/// members are what the user gave, unchecked. [`Flow::from_spec`] decides what they mean.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowSpec {
    /// Which flow.
    pub flow: String,
    /// The IAM token URL (`jwt`, `oauth`).
    pub endpoint: Option<String>,
    /// The metadata format, `gce` or `ec2` (`metadata`; `gce` when absent).
    pub flavor: Option<String>,
    /// The metadata service's base URL (`metadata`, `ibm-*`).
    pub base_url: Option<String>,
    /// An IBM trusted profile id, a CRN (`crn:…`), or `default` (`ibm-iam`).
    pub profile: Option<String>,
    /// The service account to federate to (`federation`).
    pub service_account_id: Option<String>,
    /// The OIDC token's audience (`github-oidc`).
    pub audience: Option<String>,
    /// The job's `ACTIONS_ID_TOKEN_REQUEST_URL`, as its environment has it (`github-oidc`).
    pub request_url: Option<String>,
    /// The job's `GITHUB_ACTIONS`, as its environment has it (`github-oidc`).
    pub github_actions: Option<String>,
    /// Lets the flow send its credential over plain http to any host (any
    /// flow); without it plain http goes only to loopback and, for the
    /// metadata flows, to the metadata address ([`transport::check_url`]).
    pub allow_insecure_http: bool,
}

/// Per-attempt timeouts: IAM is across the internet, the metadata service
/// on the VM's own link.
const IAM_TIMEOUT_MS: u64 = 10_000;
const METADATA_TIMEOUT_MS: u64 = 2_000;

impl Flow {
    /// The flow a caller named, with what the user gave decided: the
    /// metadata format, the IBM profile's kind (id, CRN or the default).
    ///
    /// # Errors
    /// [`Error::OptionInvalid`] for an unknown flow or metadata format, or a
    /// member the flow does not take.
    pub fn from_spec(spec: &FlowSpec) -> Result<Self> {
        let FlowSpec {
            flow,
            endpoint,
            flavor,
            base_url,
            profile,
            service_account_id,
            audience,
            request_url,
            github_actions,
            allow_insecure_http,
        } = spec;
        let only = |allowed: &[&str]| -> Result<()> {
            let given = [
                ("endpoint", endpoint.is_some()),
                ("flavor", flavor.is_some()),
                ("base_url", base_url.is_some()),
                ("profile", profile.is_some()),
                ("service_account_id", service_account_id.is_some()),
                ("audience", audience.is_some()),
                ("request_url", request_url.is_some()),
                ("github_actions", github_actions.is_some()),
            ];
            match given
                .iter()
                .find(|(name, on)| *on && !allowed.contains(name))
            {
                Some((name, _)) => Err(Error::OptionInvalid(format!(
                    "{name} does not apply to the {} flow",
                    crate::text::one_line(flow, 20)
                ))),
                None => Ok(()),
            }
        };
        match flow.as_str() {
            "jwt" | "oauth" => only(&["endpoint"])?,
            "metadata" => only(&["flavor", "base_url"])?,
            "ibm-instance" => only(&["base_url"])?,
            "ibm-iam" => only(&["base_url", "profile"])?,
            "federation" => only(&["endpoint", "service_account_id"])?,
            "github-oidc" => only(&["audience", "request_url", "github_actions"])?,
            _ => {}
        }
        let base_url = base_url.clone();
        let flow = match flow.as_str() {
            "jwt" => Flow::Jwt {
                endpoint: endpoint.clone(),
            },
            "oauth" => Flow::OAuth {
                endpoint: endpoint.clone(),
            },
            "metadata" => Flow::Metadata {
                format: MetadataFormat::parse(flavor.as_deref().unwrap_or("gce"))?,
                base_url,
            },
            "ibm-instance" => Flow::IbmInstance { base_url },
            "ibm-iam" => Flow::IbmIam {
                base_url,
                profile: IbmProfile::from_id_or_crn(profile.as_deref()),
            },
            "federation" => Flow::Federation {
                endpoint: endpoint.clone(),
                service_account_id: service_account_id
                    .as_deref()
                    .map(str::trim)
                    .filter(|id| !id.is_empty())
                    .ok_or_else(|| {
                        Error::OptionInvalid(
                            "federation needs the service account id to get a token for"
                                .to_string(),
                        )
                    })?
                    .to_string(),
            },
            "github-oidc" => Flow::GithubOidc {
                request_url: github_request_url(github_actions.as_deref(), request_url.as_deref())?,
                audience: audience.clone(),
            },
            other => {
                return Err(Error::OptionInvalid(format!(
                    "unknown token flow \"{}\"",
                    crate::text::one_line(other, 20)
                )))
            }
        };
        let (url, what, plain) = flow.destination();
        check_url(url, what, plain, *allow_insecure_http)?;
        Ok(flow)
    }

    /// Where the flow sends its credential, the option that names it, and
    /// where plain http may go.
    fn destination(&self) -> (&str, &'static str, PlainHttp) {
        match self {
            Flow::Jwt { endpoint } | Flow::OAuth { endpoint } => (
                endpoint.as_deref().unwrap_or(DEFAULT_ENDPOINT),
                "endpoint",
                PlainHttp::LoopbackOnly,
            ),
            Flow::Federation { endpoint, .. } => (
                endpoint.as_deref().unwrap_or(DEFAULT_FEDERATION_ENDPOINT),
                "endpoint",
                PlainHttp::LoopbackOnly,
            ),
            Flow::Metadata { base_url, .. }
            | Flow::IbmInstance { base_url }
            | Flow::IbmIam { base_url, .. } => (
                base_url.as_deref().unwrap_or(DEFAULT_METADATA_URL),
                "baseUrl",
                PlainHttp::LoopbackAndMetadata,
            ),
            Flow::GithubOidc { request_url, .. } => (
                request_url,
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                PlainHttp::LoopbackOnly,
            ),
        }
    }

    /// The request to send. `credential` is the JWT (`Jwt`), the OAuth
    /// token (`OAuth`), the instance identity token (`IbmIam`), the
    /// external OIDC token (`Federation`) or the job's request token
    /// (`GithubOidc`); the other flows take none.
    ///
    /// # Errors
    /// As [`jwt_request`].
    pub fn request(&self, credential: &str) -> Result<HttpRequest> {
        match self {
            Flow::Jwt { endpoint } => jwt_request(credential, endpoint.as_deref()),
            Flow::OAuth { endpoint } => oauth_request(credential, endpoint.as_deref()),
            Flow::Metadata {
                format: MetadataFormat::Gce,
                base_url,
            } => Ok(gce_request(base_url.as_deref())),
            Flow::Metadata {
                format: MetadataFormat::Ec2,
                base_url,
            } => Ok(ec2_request(base_url.as_deref())),
            Flow::IbmInstance { base_url } => Ok(ibm_instance_token_request(base_url.as_deref())),
            Flow::IbmIam { base_url, profile } => {
                ibm_iam_token_request(base_url.as_deref(), credential, profile)
            }
            Flow::Federation {
                endpoint,
                service_account_id,
            } => Ok(federation_request(
                transport::subject_token(credential, "the subject token")?,
                service_account_id,
                endpoint.as_deref(),
            )),
            Flow::GithubOidc {
                request_url,
                audience,
            } => {
                if credential.trim().is_empty() {
                    return Err(github_no_permission("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
                }
                Ok(github_oidc_request(
                    request_url,
                    credential.trim(),
                    audience.as_deref(),
                ))
            }
        }
    }

    /// Parses the answer to [`Flow::request`], received at `now`.
    ///
    /// # Errors
    /// The flow's parser's errors: [`Error::IamRejected`],
    /// [`Error::MetadataRejected`], [`Error::ResponseNotJson`],
    /// [`Error::ResponseInvalid`].
    pub fn parse_answer(&self, status: u16, body: &str, now: u64) -> Result<Token> {
        match self {
            Flow::Jwt { .. } | Flow::OAuth { .. } => parse_iam_response(status, body, now),
            Flow::Metadata {
                format: MetadataFormat::Gce,
                ..
            } => parse_gce_response(status, body, now),
            Flow::Metadata {
                format: MetadataFormat::Ec2,
                ..
            } => parse_ec2_response(status, body, now),
            Flow::IbmInstance { .. } => parse_ibm_instance_token_response(status, body, now),
            Flow::IbmIam { .. } => parse_ibm_iam_token_response(status, body, now),
            Flow::Federation { .. } => parse_federation_response(status, body, now),
            Flow::GithubOidc { .. } => parse_github_oidc_response(status, body, now),
        }
    }

    /// The default timeout of one attempt, in milliseconds: 10 s across
    /// the internet, 2 s for a metadata service.
    #[must_use]
    pub fn timeout_ms(&self) -> u64 {
        match self {
            Flow::Metadata { .. } | Flow::IbmInstance { .. } | Flow::IbmIam { .. } => {
                METADATA_TIMEOUT_MS
            }
            _ => IAM_TIMEOUT_MS,
        }
    }
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
