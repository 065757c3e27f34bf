//! The PS256 JWT that Yandex Cloud IAM exchanges for an IAM token
//! ([RFC 7519], [RFC 7518 §3.5]; Yandex Cloud docs, "Getting an IAM token
//! for a service account").
//!
//! Header `{"typ":"JWT","alg":"PS256","kid":<key id>}`, payload
//! `{"iss":<service account id>,"aud":<IAM token URL>,"iat":…,"exp":…}` with
//! `exp - iat <= 3600`, each base64url without padding. Time is an argument:
//! this module never reads a clock.
//!
//! # Example
//! ```
//! # let json = include_str!("../www/demo-key.json");
//! use iamjwt::{jwt, AuthorizedKey, VerifyingKey};
//!
//! let key = AuthorizedKey::from_json(json)?;
//! let token = key.sign_jwt(&jwt::SignOptions::new(1_700_000_000))?;
//! let checked = jwt::verify(&token, &VerifyingKey::from(&key), &jwt::VerifyOptions::new(1_700_000_100))?;
//! assert_eq!(checked.payload["iss"].as_str(), Some(key.service_account_id()));
//! # Ok::<(), iamjwt::Error>(())
//! ```
//!
//! [RFC 7519]: https://www.rfc-editor.org/rfc/rfc7519
//! [RFC 7518 §3.5]: https://www.rfc-editor.org/rfc/rfc7518#section-3.5

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rsa::rand_core::TryCryptoRng;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::key::VerifyingKey;
use crate::key::{AuthorizedKey, CheckedKey};
use crate::ps256;

/// The path of IAM's token exchange, written once: the JWT's default
/// audience here, and the token rooms' exchange and emulator path.
macro_rules! iam_token_path {
    () => {
        "/iam/v1/tokens"
    };
}
pub(crate) use iam_token_path;

/// The audience of the public Yandex Cloud IAM token endpoint.
pub const DEFAULT_AUDIENCE: &str = concat!("https://iam.api.cloud.yandex.net", iam_token_path!());
/// The longest JWT lifetime IAM accepts, in seconds.
pub const MAX_TTL: u64 = 3600;
/// The lifetime used when none is given, in seconds.
pub const DEFAULT_TTL: u64 = 3600;
/// The clock skew allowed when verifying, in seconds.
pub const DEFAULT_LEEWAY: u64 = 60;
/// The longest JWT accepted for decoding, in bytes.
pub const MAX_JWT_LEN: usize = 16 * 1024;

/// What to put in a new JWT besides the key's ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOptions {
    /// `iat`, in seconds since the Unix epoch.
    pub now: u64,
    /// `exp - iat`, in seconds: 1 to [`MAX_TTL`].
    pub ttl: u64,
    /// `aud`; when `None`, the endpoint's URL, else [`DEFAULT_AUDIENCE`].
    pub audience: Option<String>,
    /// The IAM token URL the JWT will be exchanged at. IAM, and the local
    /// emulator, expect its `aud` to name it: it is the audience when
    /// `audience` is not given ([`SignOptions::audience`]).
    pub endpoint: Option<String>,
}

impl SignOptions {
    /// Options for a JWT issued at `now` with the default lifetime and audience.
    #[must_use]
    pub fn new(now: u64) -> Self {
        SignOptions {
            now,
            ttl: DEFAULT_TTL,
            audience: None,
            endpoint: None,
        }
    }

    /// The `aud` these options give: `audience`, else `endpoint`, else
    /// [`DEFAULT_AUDIENCE`]. Blank values count as absent.
    #[must_use]
    pub fn audience(&self) -> &str {
        fn given(value: Option<&str>) -> Option<&str> {
            value.filter(|s| !s.trim().is_empty())
        }
        given(self.audience.as_deref())
            .or_else(|| given(self.endpoint.as_deref()))
            .unwrap_or(DEFAULT_AUDIENCE)
    }
}

/// How to check a JWT besides its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    /// The time to check `exp` and `iat` against, in seconds since the epoch.
    pub now: u64,
    /// Clock skew allowed, in seconds.
    pub leeway: u64,
    /// The `aud` required, if any.
    pub audience: Option<String>,
}

impl VerifyOptions {
    /// Options that check at `now`, with the default leeway and any audience.
    #[must_use]
    pub fn new(now: u64) -> Self {
        VerifyOptions {
            now,
            leeway: DEFAULT_LEEWAY,
            audience: None,
        }
    }
}

impl AuthorizedKey {
    /// Signs a JWT with the system's random number generator.
    ///
    /// # Errors
    /// As [`sign_with_rng`].
    pub fn sign_jwt(&self, options: &SignOptions) -> Result<String> {
        let mut rng = crate::rng::system();
        sign_with_rng(self, options, &mut rng)
    }
}

/// Builds and signs the JWT for `key`: [`signing_input`], then
/// [`ps256::sign_with_rng`], then [`finish`]. The rng supplies the PSS salt
/// and the blinding factors.
///
/// # Errors
/// [`Error::OptionInvalid`] for a `ttl` of 0 or above [`MAX_TTL`], an empty
/// audience, or a `now` so large that `exp` overflows; [`Error::Rng`].
pub fn sign_with_rng<R: TryCryptoRng + ?Sized>(
    key: &AuthorizedKey,
    options: &SignOptions,
    rng: &mut R,
) -> Result<String> {
    let signing_input = signing_input(key, options)?;
    let signature = ps256::sign_with_rng(key.signing_key(), signing_input.as_bytes(), rng)?;
    Ok(finish(signing_input, &signature))
}

/// What a JWT names of its key: `kid` and `iss`.
pub trait KeyIds {
    /// The key id: the JWT's `kid`.
    fn id(&self) -> &str;
    /// The service account id: the JWT's `iss`.
    fn service_account_id(&self) -> &str;
}

impl KeyIds for AuthorizedKey {
    fn id(&self) -> &str {
        AuthorizedKey::id(self)
    }
    fn service_account_id(&self) -> &str {
        AuthorizedKey::service_account_id(self)
    }
}

impl KeyIds for CheckedKey {
    fn id(&self) -> &str {
        CheckedKey::id(self)
    }
    fn service_account_id(&self) -> &str {
        CheckedKey::service_account_id(self)
    }
}

/// The first two parts of the JWT, `base64url(header).base64url(payload)`:
/// what PS256 signs. For a platform signer; [`finish`] appends its signature.
///
/// # Errors
/// As [`sign_with_rng`], but for the rng.
pub fn signing_input(key: &impl KeyIds, options: &SignOptions) -> Result<String> {
    if options.ttl == 0 || options.ttl > MAX_TTL {
        return Err(Error::OptionInvalid(format!(
            "ttl is {} s; IAM accepts a JWT that lives 1 to {MAX_TTL} s",
            options.ttl
        )));
    }
    if options
        .audience
        .as_deref()
        .is_some_and(|a| a.trim().is_empty())
    {
        return Err(Error::OptionInvalid(
            "audience is empty; leave it out for the default IAM URL".to_string(),
        ));
    }
    let audience = options.audience();
    let exp = options
        .now
        .checked_add(options.ttl)
        .filter(|exp| *exp <= MAX_SAFE_SECONDS)
        .ok_or_else(|| Error::OptionInvalid("now is out of range".to_string()))?;
    let header = Header {
        typ: "JWT",
        alg: "PS256",
        kid: key.id(),
    };
    let claims = Claims {
        iss: key.service_account_id(),
        aud: audience,
        iat: options.now,
        exp,
    };
    let mut token = URL_SAFE_NO_PAD.encode(to_json(&header)?);
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(to_json(&claims)?));
    Ok(token)
}

/// `{"typ":"JWT","alg":"PS256","kid":…}`, members in this order.
#[derive(Serialize)]
struct Header<'a> {
    typ: &'static str,
    alg: &'static str,
    kid: &'a str,
}

/// `{"iss":…,"aud":…,"iat":…,"exp":…}`, members in this order.
#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
}

/// A value as JSON text. Only the core's own types go through here, whose
/// serialization does not fail.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|_| Error::Internal("writing JSON failed"))
}

/// Appends the signature to the signing input: the finished JWT.
#[must_use]
pub fn finish(mut signing_input: String, signature: &[u8]) -> String {
    signing_input.push('.');
    signing_input.push_str(&URL_SAFE_NO_PAD.encode(signature));
    signing_input
}

/// Finishes a JWT whose signature came from a platform signer (node:crypto,
/// WebCrypto): the signature is verified with the key's public half
/// (`verifier`: [`AuthorizedKey::verifier`], [`CheckedKey::verifier`])
/// first, so a signer's fault never leaves as a JWT. rsa's own signer checks
/// its result itself ([`ps256`]).
///
/// # Errors
/// [`Error::Crypto`] when the signature is not a valid PS256 signature of
/// `signing_input` by the key.
pub fn finish_verified(
    verifier: &rsa::pss::VerifyingKey<sha2::Sha256>,
    signing_input: String,
    signature: &[u8],
) -> Result<String> {
    ps256::verify(verifier, signing_input.as_bytes(), signature).map_err(|_| Error::Crypto)?;
    Ok(finish(signing_input, signature))
}

/// Seconds that JavaScript numbers hold exactly (2^53 - 1).
pub const MAX_SAFE_SECONDS: u64 = (1 << 53) - 1;

/// A JWT split into its parts; nothing checked but its form. The header's
/// and the payload's members keep the JWT's own order.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The header object.
    pub header: Map<String, Value>,
    /// The payload object.
    pub payload: Map<String, Value>,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

/// Splits a JWT and decodes its header and payload, without verifying it.
///
/// # Errors
/// [`Error::InputTooLarge`] past [`MAX_JWT_LEN`]; [`Error::JwtMalformed`]
/// saying which part is wrong.
pub fn decode(token: &str) -> Result<Decoded> {
    decode_parts(token).map(|(decoded, _)| decoded)
}

fn decode_parts(token: &str) -> Result<(Decoded, &str)> {
    if token.len() > MAX_JWT_LEN {
        return Err(Error::InputTooLarge {
            what: "JWT",
            limit: MAX_JWT_LEN,
        });
    }
    let token = token.trim();
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::JwtMalformed(format!(
            "a JWT has 3 parts separated by dots, this has {}",
            token.split('.').count()
        )));
    };
    let signing_input = token
        .get(..header.len() + 1 + payload.len())
        .ok_or_else(|| Error::JwtMalformed("the parts do not line up".to_string()))?;
    let decoded = Decoded {
        header: json_part(header, "header")?,
        payload: json_part(payload, "payload")?,
        signature: URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| Error::JwtMalformed("the signature is not base64url".to_string()))?,
    };
    Ok((decoded, signing_input))
}

fn json_part(part: &str, name: &str) -> Result<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| Error::JwtMalformed(format!("the {name} is not base64url without padding")))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Error::JwtMalformed(format!(
            "the {name} is not a JSON object"
        ))),
    }
}

/// Verifies a JWT as IAM would: PS256 only, a valid signature, `iat` and
/// `exp` present with `0 < exp - iat <= 3600`, not expired and not issued in
/// the future (both within the leeway), and `kid`/`iss`/`aud` matching what
/// the key and the options name.
///
/// # Errors
/// [`Error::JwtMalformed`], [`Error::JwtAlgorithm`], [`Error::JwtSignature`],
/// [`Error::JwtExpired`], [`Error::JwtLifetime`] or [`Error::JwtClaimInvalid`].
pub fn verify(token: &str, key: &VerifyingKey, options: &VerifyOptions) -> Result<Decoded> {
    let (decoded, signing_input) = decode_parts(token)?;
    match decoded.header.get("alg") {
        Some(Value::String(alg)) if alg == "PS256" => {}
        Some(Value::String(alg)) => return Err(Error::JwtAlgorithm(shorten(alg))),
        _ => return Err(Error::JwtMalformed("the header has no \"alg\"".to_string())),
    }
    ps256::verify(key.verifier(), signing_input.as_bytes(), &decoded.signature)?;
    check_claims(&decoded, key, options)?;
    Ok(decoded)
}

fn check_claims(decoded: &Decoded, key: &VerifyingKey, options: &VerifyOptions) -> Result<()> {
    let iat = seconds(&decoded.payload, "iat")?;
    let exp = seconds(&decoded.payload, "exp")?;
    if exp <= iat {
        return Err(Error::JwtLifetime(format!(
            "the JWT's exp ({exp}) is not after its iat ({iat})"
        )));
    }
    if exp - iat > MAX_TTL {
        return Err(Error::JwtLifetime(format!(
            "the JWT lives {} s; IAM accepts at most {MAX_TTL} s",
            exp - iat
        )));
    }
    if options.now > exp.saturating_add(options.leeway) {
        return Err(Error::JwtExpired {
            exp,
            now: options.now,
        });
    }
    if iat > options.now.saturating_add(options.leeway) {
        return Err(Error::JwtClaimInvalid(format!(
            "the JWT's iat is {} in the future; check the clock of the machine that signed it",
            crate::text::duration(iat.saturating_sub(options.now))
        )));
    }
    expect_string(&decoded.header, "kid", "header", key.id.as_deref())?;
    expect_string(
        &decoded.payload,
        "iss",
        "payload",
        key.service_account_id.as_deref(),
    )?;
    if let Some(audience) = options.audience.as_deref() {
        let matches = match decoded.payload.get("aud") {
            Some(Value::String(aud)) => aud == audience,
            Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(audience)),
            _ => false,
        };
        if !matches {
            return Err(Error::JwtClaimInvalid(format!(
                "the JWT's aud is not {}",
                shorten(audience)
            )));
        }
    }
    Ok(())
}

/// A whole number of seconds.
fn seconds(payload: &Map<String, Value>, claim: &str) -> Result<u64> {
    payload.get(claim).and_then(Value::as_u64).ok_or_else(|| {
        Error::JwtClaimInvalid(format!(
            "the JWT's \"{claim}\" claim is missing or not a whole number of seconds"
        ))
    })
}

fn expect_string(
    part: &Map<String, Value>,
    name: &str,
    where_: &str,
    expected: Option<&str>,
) -> Result<()> {
    let Some(expected) = expected else {
        return Ok(());
    };
    match part.get(name) {
        Some(Value::String(actual)) if actual == expected => Ok(()),
        Some(Value::String(actual)) => Err(Error::JwtClaimInvalid(format!(
            "the JWT's {name} is \"{}\", but the key's is \"{}\"",
            shorten(actual),
            shorten(expected)
        ))),
        _ => Err(Error::JwtClaimInvalid(format!(
            "the JWT's {where_} has no \"{name}\""
        ))),
    }
}

/// At most 64 characters of a value from a token, one line, for messages.
fn shorten(text: &str) -> String {
    crate::text::one_line(text, 64)
}
