//! The exports the JS layer calls. Options come in as JS objects, whose
//! members are read by name and checked here against the names each call
//! takes; results go out as plain JS objects, derived `Serialize` types
//! written by serde-wasm-bindgen (convert.rs). Errors are thrown as the JS
//! layer's own `IamJwtError` (js/errors.js), made by the one
//! `From<Error> for JsValue` in convert.rs, so every binding uses `?`.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::Serialize;
use serde_json::{Map, Number, Value};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::convert::{seconds, to_js, JsResult};
use super::hygiene::StackScrub;
use crate::check::{self, Verdict};
use crate::jwt::{self, SignOptions, VerifyOptions, MAX_SAFE_SECONDS};
use crate::key::{CheckedKey, DerFormat};
use crate::token::{retry, Flow, FlowSpec, HttpRequest, Token};
use crate::{AuthorizedKey, Error, VerifyingKey, ERROR_CODES};

// ---- Options coming in ----

/// A call's options object, its own member names checked against the
/// names the call takes. `undefined` and `null` members count as absent.
struct Options {
    call: &'static str,
    object: JsValue,
}

impl Options {
    fn new(call: &'static str, object: JsValue, names: &[&str]) -> crate::Result<Self> {
        if object.is_undefined() || object.is_null() {
            return Ok(Options { call, object });
        }
        if !object.is_object() || js_sys::Array::is_array(&object) {
            return Err(Error::OptionInvalid(format!(
                "{call}'s options must be an object"
            )));
        }
        // An unknown name counts only with a value: `{ ttl: undefined }` is
        // how JS leaves an option out.
        let keys = js_sys::Object::keys(object.unchecked_ref::<js_sys::Object>());
        let unknown = keys.iter().find_map(|key| {
            let set = js_sys::Reflect::get(&object, &key).is_ok_and(|v| !v.is_undefined());
            let key = key.as_string().unwrap_or_default();
            (set && !names.contains(&key.as_str())).then_some(key)
        });
        if let Some(unknown) = unknown {
            return Err(Error::OptionInvalid(format!(
                "{call} has no option \"{}\"; it takes {}",
                crate::text::one_line(&unknown, 40),
                names.join(", ")
            )));
        }
        Ok(Options { call, object })
    }

    fn get(&self, name: &str) -> Option<JsValue> {
        if self.object.is_undefined() || self.object.is_null() {
            return None;
        }
        js_sys::Reflect::get(&self.object, &JsValue::from_str(name))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    fn invalid(&self, name: &str, what: &str) -> Error {
        Error::OptionInvalid(format!("{}'s {name} must be {what}", self.call))
    }

    fn string(&self, name: &str) -> crate::Result<Option<String>> {
        match self.get(name) {
            None => Ok(None),
            Some(value) => value
                .as_string()
                .map(Some)
                .ok_or_else(|| self.invalid(name, "a string")),
        }
    }

    /// `name` as a boolean; absent is `false`.
    fn flag(&self, name: &str) -> crate::Result<bool> {
        match self.get(name) {
            None => Ok(false),
            Some(value) => value
                .as_bool()
                .ok_or_else(|| self.invalid(name, "true or false")),
        }
    }

    /// `name` as a whole number from 0 to `max` (milliseconds, a count).
    fn whole(&self, name: &str, max: u64) -> crate::Result<Option<u64>> {
        let Some(value) = self.get(name) else {
            return Ok(None);
        };
        #[allow(clippy::cast_precision_loss)]
        let limit = max as f64;
        match value.as_f64() {
            Some(v) if v.is_finite() && v >= 0.0 && v <= limit => {
                // In [0, max] the cast is the floor; a fraction is refused.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let n = v as u64;
                #[allow(clippy::cast_precision_loss, clippy::float_cmp)]
                if n as f64 == v {
                    return Ok(Some(n));
                }
                Err(self.invalid(name, &format!("a whole number from 0 to {max}")))
            }
            _ => Err(self.invalid(name, &format!("a whole number from 0 to {max}"))),
        }
    }

    /// `name` as whole seconds ([`seconds`]).
    fn seconds(&self, name: &str, whole: bool) -> crate::Result<Option<u64>> {
        match self.get(name) {
            None => Ok(None),
            Some(value) => match value.as_f64() {
                Some(value) => seconds(name, value, whole).map(Some),
                None => Err(self.invalid(name, "a number of seconds")),
            },
        }
    }

    /// `now`, which the JS layer always passes (it reads the clock).
    fn now(&self) -> crate::Result<u64> {
        self.seconds("now", false)?
            .ok_or_else(|| self.invalid("now", "a number of seconds since the epoch"))
    }
}

/// A JS string copied into wasm memory, but never more than one UTF-16 unit
/// past `limit`, the core's bound in bytes for what it holds: each unit is
/// at least one UTF-8 byte, so a longer string is over the bound all the
/// same, and the core refuses it with its own error. A mistaken input (a
/// whole log, a video) is not copied whole into wasm memory, which never
/// shrinks.
fn text_up_to(text: &js_sys::JsString, limit: usize) -> String {
    let limit = u32::try_from(limit).unwrap_or(u32::MAX);
    let copied = if text.length() > limit {
        text.slice(0, limit.saturating_add(1)).as_string()
    } else {
        text.as_string()
    };
    copied.unwrap_or_default()
}

/// Key text (JSON, its base64, or PEM), up to [`crate::key::MAX_KEY_JSON`]
/// ([`text_up_to`]).
fn key_arg(text: &js_sys::JsString) -> Zeroizing<String> {
    Zeroizing::new(text_up_to(text, crate::key::MAX_KEY_JSON))
}

/// A JWT argument: a string, up to [`jwt::MAX_JWT_LEN`] ([`text_up_to`]);
/// `undefined` and `null` are the empty string (which then fails as a
/// malformed JWT).
fn jwt_arg(token: &JsValue) -> crate::Result<String> {
    if token.is_undefined() || token.is_null() {
        return Ok(String::new());
    }
    token
        .dyn_ref::<js_sys::JsString>()
        .map(|text| text_up_to(text, jwt::MAX_JWT_LEN))
        .ok_or_else(|| Error::OptionInvalid("jwt must be a string".to_string()))
}

/// `signJwt`'s options. `engine` is the JS layer's (which signer runs); it
/// is listed so that it counts as known.
const SIGN_OPTIONS: &[&str] = &["now", "ttl", "audience", "endpoint", "engine"];

fn sign_options(js: JsValue) -> crate::Result<SignOptions> {
    let options = Options::new("signJwt", js, SIGN_OPTIONS)?;
    Ok(SignOptions {
        now: options.now()?,
        ttl: options.seconds("ttl", true)?.unwrap_or(jwt::DEFAULT_TTL),
        audience: options.string("audience")?,
        endpoint: options.string("endpoint")?,
    })
}

fn verify_options(js: JsValue) -> crate::Result<VerifyOptions> {
    let options = Options::new("verifyJwt", js, &["now", "leeway", "audience"])?;
    Ok(VerifyOptions {
        now: options.now()?,
        leeway: options
            .seconds("leeway", true)?
            .unwrap_or(jwt::DEFAULT_LEEWAY),
        audience: options.string("audience")?,
    })
}

// ---- Keys and JWTs ----

/// A parsed authorized key held in wasm memory: checked at once, and built
/// into rsa's key only when the wasm engine first signs with it (a platform
/// signer imports the checked DER, and never needs rsa's key). Freeing it
/// (or letting the JS wrapper be collected) drops it, which wipes its
/// private parts.
#[wasm_bindgen]
pub struct KeyHandle {
    key: CheckedKey,
    built: core::cell::OnceCell<AuthorizedKey>,
    verifying: core::cell::OnceCell<VerifyingKey>,
}

/// A key's public facts.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyInfo<'a> {
    id: &'a str,
    service_account_id: &'a str,
    key_algorithm: Option<&'a str>,
    created_at: Option<&'a str>,
    modulus_bits: u32,
}

impl KeyHandle {
    /// rsa's key, built on first use.
    fn built(&self) -> crate::Result<&AuthorizedKey> {
        if let Some(key) = self.built.get() {
            return Ok(key);
        }
        let key = self.key.build()?;
        Ok(self.built.get_or_init(|| key))
    }

    /// The public half and ids JWTs are verified with, built on first use
    /// (rsa's public key sets up its Montgomery parameters once, not per JWT).
    fn verifying(&self) -> crate::Result<&VerifyingKey> {
        if let Some(key) = self.verifying.get() {
            return Ok(key);
        }
        let key = VerifyingKey::try_from(&self.key)?;
        Ok(self.verifying.get_or_init(|| key))
    }
}

#[wasm_bindgen]
impl KeyHandle {
    /// Parses and checks an authorized key file. Its copy in wasm memory is
    /// wiped after parsing.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &js_sys::JsString) -> JsResult<KeyHandle> {
        let _scrub = StackScrub;
        let text = key_arg(text);
        Ok(KeyHandle {
            key: CheckedKey::from_json(&text)?,
            built: core::cell::OnceCell::new(),
            verifying: core::cell::OnceCell::new(),
        })
    }

    /// `{id, serviceAccountId, keyAlgorithm, createdAt, modulusBits}`: no secrets.
    pub fn info(&self) -> JsValue {
        let key = &self.key;
        to_js(&KeyInfo {
            id: key.id(),
            service_account_id: key.service_account_id(),
            key_algorithm: key.key_algorithm(),
            created_at: key.created_at(),
            modulus_bits: key.modulus_bits(),
        })
    }

    /// Signs a JWT with the wasm engine: `{now, ttl, audience, endpoint}`.
    #[wasm_bindgen(js_name = signJwt)]
    pub fn sign_jwt(&self, options: JsValue) -> JsResult<String> {
        let _scrub = StackScrub;
        let options = sign_options(options)?;
        Ok(self.built()?.sign_jwt(&options)?)
    }

    /// The JWT's signing input, for a platform signer (see `finishJwt`).
    #[wasm_bindgen(js_name = signingInput)]
    pub fn signing_input(&self, options: JsValue) -> JsResult<String> {
        Ok(jwt::signing_input(&self.key, &sign_options(options)?)?)
    }

    /// The private key's DER for a platform signer to import once, in the
    /// `format` it takes (`'pkcs1'`: node:crypto; `'pkcs8'`: WebCrypto): the
    /// file's own key, when its CRT values are its own. `undefined` when they
    /// are not: then the wasm engine signs with rsa's key, which computes its
    /// own. The caller wipes the bytes after importing them.
    #[wasm_bindgen(js_name = exportKeyForPlatform)]
    pub fn export_key_for_platform(&self, format: &str) -> JsResult<Option<js_sys::Uint8Array>> {
        let _scrub = StackScrub;
        let format = match format {
            "pkcs1" => DerFormat::Pkcs1,
            "pkcs8" => DerFormat::Pkcs8,
            _ => {
                return Err(
                    Error::Internal("a platform signer's key format is pkcs1 or pkcs8").into(),
                )
            }
        };
        // Copied straight into a JS array; the wasm-side buffer wipes itself.
        Ok(self
            .key
            .platform_der(format)
            .map(|der| js_sys::Uint8Array::from(der.as_slice())))
    }

    /// Why a platform signer could not sign with this key, when the key is
    /// the reason: rsa builds it, and its error is thrown. Returns when rsa
    /// takes the key (then the platform is at fault).
    #[wasm_bindgen(js_name = explainPlatformFailure)]
    pub fn explain_platform_failure(&self) -> JsResult<()> {
        let _scrub = StackScrub;
        self.built()?;
        Ok(())
    }

    /// The public key as JWK JSON text, for the platform's verifier.
    #[wasm_bindgen(js_name = publicJwkForPlatform)]
    pub fn public_jwk_for_platform(&self) -> String {
        self.key.public_jwk()
    }

    /// The finished JWT from a platform signer's signature, which is
    /// verified with this key's public half first (`jwt::finish_verified`).
    #[wasm_bindgen(js_name = finishJwt)]
    pub fn finish_jwt(&self, signing_input: String, signature: &[u8]) -> JsResult<String> {
        Ok(jwt::finish_verified(
            self.verifying()?.verifier(),
            signing_input,
            signature,
        )?)
    }

    /// The finished JWT from a platform signer's signature that the
    /// platform's own public operation has verified, with the key this
    /// handle exported (`jwt::finish`): half the cost of a native
    /// signature is spared, which the core's verification in wasm takes.
    #[wasm_bindgen(js_name = finishPlatformVerifiedJwt)]
    pub fn finish_platform_verified_jwt(&self, signing_input: String, signature: &[u8]) -> String {
        jwt::finish(signing_input, signature)
    }

    /// Verifies a JWT against this key's public half and ids.
    #[wasm_bindgen(js_name = verifyJwt)]
    pub fn verify_jwt(&self, token: JsValue, options: JsValue) -> JsResult<JsValue> {
        let token = jwt_arg(&token)?;
        let options = verify_options(options)?;
        let decoded = jwt::verify(&token, self.verifying()?, &options)?;
        Ok(decoded_to_js(decoded))
    }
}

/// Verifies a JWT with a key given as text (authorized key JSON, key
/// description, or PEM).
#[wasm_bindgen(js_name = verifyJwtWithText)]
pub fn verify_jwt_with_text(
    token: JsValue,
    key: &js_sys::JsString,
    options: JsValue,
) -> JsResult<JsValue> {
    let _scrub = StackScrub;
    let key = key_arg(key);
    let token = jwt_arg(&token)?;
    let options = verify_options(options)?;
    let key = VerifyingKey::from_text(&key)?;
    Ok(decoded_to_js(jwt::verify(&token, &key, &options)?))
}

/// Verifies a raw PS256 signature over `message` with a public key given as
/// text (PEM or key JSON). For test vectors; JWTs go through `verifyJwt`.
#[wasm_bindgen(js_name = verifyPs256)]
pub fn verify_ps256(key: &str, message: &[u8], signature: &[u8]) -> JsResult<()> {
    let key = VerifyingKey::from_text(key)?;
    Ok(crate::ps256::verify(key.verifier(), message, signature)?)
}

/// Decodes a JWT without verifying it: `{header, payload}`, members in the
/// JWT's own order.
#[wasm_bindgen(js_name = decodeJwt)]
pub fn decode_jwt(token: JsValue) -> JsResult<JsValue> {
    Ok(decoded_to_js(jwt::decode(&jwt_arg(&token)?)?))
}

#[derive(Serialize)]
struct DecodedJs {
    header: Map<String, Value>,
    payload: Map<String, Value>,
}

/// `{header, payload}` as plain JS objects. Integers past 2^53 become JS
/// numbers (the nearest double), as every JS JWT library gives them.
fn decoded_to_js(decoded: jwt::Decoded) -> JsValue {
    let jwt::Decoded {
        mut header,
        mut payload,
        ..
    } = decoded;
    header.values_mut().for_each(as_js_number);
    payload.values_mut().for_each(as_js_number);
    to_js(&DecodedJs { header, payload })
}

fn as_js_number(value: &mut Value) {
    match value {
        Value::Number(n)
            if n.as_f64()
                .is_some_and(|f| f.abs() > MAX_SAFE_SECONDS as f64) =>
        {
            if let Some(f) = n.as_f64().and_then(Number::from_f64) {
                *n = f;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(as_js_number),
        Value::Object(members) => members.values_mut().for_each(as_js_number),
        _ => {}
    }
}

/// One check of the report.
#[derive(Serialize)]
struct CheckJs<'a> {
    id: &'static str,
    ok: bool,
    verdict: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
}

#[derive(Serialize)]
struct ReportJs<'a> {
    ok: bool,
    checks: Vec<CheckJs<'a>>,
}

/// Runs the offline key check: `{ok, checks: [{id, ok, verdict, message, code?}]}`.
/// Options: `{now}`.
#[wasm_bindgen(js_name = checkKey)]
pub fn check_key(text: &js_sys::JsString, options: JsValue) -> JsResult<JsValue> {
    let _scrub = StackScrub;
    let text = key_arg(text);
    let now = Options::new("checkKey", options, &["now"])?.now()?;
    let report = check::check_key(&text, now);
    let checks = report
        .checks
        .iter()
        .map(|c| CheckJs {
            id: c.id,
            ok: c.verdict != Verdict::Fail,
            verdict: c.verdict.as_str(),
            message: &c.message,
            code: c.code,
        })
        .collect();
    Ok(to_js(&ReportJs {
        ok: report.ok(),
        checks,
    }))
}

/// Every error code the core can give.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    ERROR_CODES.iter().map(|c| (*c).to_string()).collect()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Defaults {
    audience: &'static str,
    endpoint: &'static str,
    ttl: u64,
    max_ttl: u64,
    leeway: u64,
    max_key_bytes: usize,
    max_response_bytes: usize,
    max_subject_token_bytes: usize,
    failed_refresh_pause: u64,
    federation_endpoint: &'static str,
    metadata_url: &'static str,
    paths: super::convert::Services,
}

/// The defaults and bounds the JS layer shows and keeps: `{audience,
/// endpoint, ttl, maxTtl, leeway, maxKeyBytes, maxResponseBytes,
/// maxSubjectTokenBytes, failedRefreshPause, federationEndpoint, metadataUrl,
/// paths}` (`paths` as [`services`](super::convert::services)).
#[wasm_bindgen]
pub fn defaults() -> JsValue {
    to_js(&Defaults {
        audience: jwt::DEFAULT_AUDIENCE,
        endpoint: crate::token::DEFAULT_ENDPOINT,
        ttl: jwt::DEFAULT_TTL,
        max_ttl: jwt::MAX_TTL,
        leeway: jwt::DEFAULT_LEEWAY,
        max_key_bytes: crate::key::MAX_KEY_JSON,
        max_response_bytes: crate::token::MAX_RESPONSE_LEN,
        max_subject_token_bytes: crate::token::transport::MAX_SUBJECT_TOKEN_LEN,
        failed_refresh_pause: retry::FAILED_REFRESH_PAUSE,
        federation_endpoint: crate::token::DEFAULT_FEDERATION_ENDPOINT,
        metadata_url: crate::token::DEFAULT_METADATA_URL,
        paths: super::convert::Services::new(),
    })
}

// ---- Getting tokens: requests as values, answers parsed (sans-IO) ----

/// A request's headers as an object, in the request's order.
struct Headers<'a>(&'a [(&'static str, String)]);

impl Serialize for Headers<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(name, value)| (*name, value)))
    }
}

#[derive(Serialize)]
struct RequestJs<'a> {
    method: &'static str,
    url: &'a str,
    headers: Headers<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a str>,
}

fn request_to_js(request: &HttpRequest) -> JsValue {
    to_js(&RequestJs {
        method: request.method,
        url: &request.url,
        headers: Headers(&request.headers),
        body: request.body.as_deref(),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenJs<'a> {
    token: &'a str,
    expires_at: u64,
}

/// One token flow (`jwt`, `oauth`, `metadata`, `ibm-instance`, `ibm-iam`,
/// `federation`, `github-oidc`), made from what the user gave: `{flow,
/// endpoint, flavor, baseUrl, profile, serviceAccountId, audience,
/// requestUrl, githubActions}`. The core decides what they mean.
#[wasm_bindgen(js_name = TokenFlow)]
pub struct TokenFlow {
    flow: Flow,
}

#[wasm_bindgen(js_class = TokenFlow)]
impl TokenFlow {
    /// The flow a spec names.
    #[wasm_bindgen(constructor)]
    pub fn new(spec: JsValue) -> JsResult<TokenFlow> {
        let spec = Options::new(
            "the token flow",
            spec,
            &[
                "flow",
                "endpoint",
                "flavor",
                "baseUrl",
                "profile",
                "serviceAccountId",
                "audience",
                "requestUrl",
                "githubActions",
                "serviceVersion",
                "allowInsecureHttp",
            ],
        )?;
        let spec = FlowSpec {
            flow: spec.string("flow")?.unwrap_or_default(),
            endpoint: spec.string("endpoint")?,
            flavor: spec.string("flavor")?,
            base_url: spec.string("baseUrl")?,
            profile: spec.string("profile")?,
            service_account_id: spec.string("serviceAccountId")?,
            audience: spec.string("audience")?,
            request_url: spec.string("requestUrl")?,
            github_actions: spec.string("githubActions")?,
            service_version: spec.string("serviceVersion")?,
            allow_insecure_http: spec.flag("allowInsecureHttp")?,
        };
        Ok(TokenFlow {
            flow: Flow::from_spec(&spec)?,
        })
    }

    /// `{method, url, headers, body?}`. `credential` is the JWT, the OAuth
    /// token or the IBM instance token, for the flows that take one.
    pub fn request(&self, credential: Option<String>) -> JsResult<JsValue> {
        let credential = Zeroizing::new(credential.unwrap_or_default());
        Ok(request_to_js(&self.flow.request(&credential)?))
    }

    /// The answer as `{token, expiresAt}` (Unix seconds).
    #[wasm_bindgen(js_name = parseAnswer)]
    pub fn parse_answer(&self, status: u16, body: &str, now: f64) -> JsResult<JsValue> {
        let now = seconds("now", now, false)?;
        let Token { token, expires_at } = self.flow.parse_answer(status, body, now)?;
        Ok(to_js(&TokenJs {
            token: &token,
            expires_at,
        }))
    }

    /// The default timeout of one attempt, in milliseconds.
    #[wasm_bindgen(getter, js_name = timeoutMs)]
    pub fn timeout_ms(&self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let ms = self.flow.timeout_ms() as f64;
        ms
    }
}

/// A subject token file's text as the token to send, or
/// `ERR_SUBJECT_TOKEN_INVALID` naming the file (never quoting the text).
#[wasm_bindgen(js_name = subjectTokenFromFile)]
pub fn subject_token_from_file(text: &str, path: &str) -> JsResult<String> {
    let origin = crate::token::transport::file_origin(path);
    Ok(crate::token::transport::subject_token(text, &origin)?.to_string())
}

/// The user's `retry` option: `{attempts, baseMs, maxMs, budgetMs}`, each
/// defaulting to [`retry::Policy::DEFAULT`]'s.
fn retry_policy(js: JsValue) -> crate::Result<retry::Policy> {
    let options = Options::new("retry", js, &["attempts", "baseMs", "maxMs", "budgetMs"])?;
    let default = retry::Policy::DEFAULT;
    let attempts = match options.whole("attempts", 10)? {
        None => default.attempts,
        Some(0) => return Err(options.invalid("attempts", "a whole number from 1 to 10")),
        Some(n) => u32::try_from(n).unwrap_or(default.attempts),
    };
    // At most a day: no wait a token source makes is longer.
    const DAY_MS: u64 = 86_400_000;
    Ok(retry::Policy {
        attempts,
        base_ms: options.whole("baseMs", DAY_MS)?.unwrap_or(default.base_ms),
        max_ms: options.whole("maxMs", DAY_MS)?.unwrap_or(default.max_ms),
        budget_ms: options
            .whole("budgetMs", DAY_MS)?
            .unwrap_or(default.budget_ms),
    })
}

/// The options every call that sends takes: the JS layer's IO (`fetch`,
/// `signal`), the attempt's timeout, the retry policy, the plain-http opt-in.
const TRANSPORT_OPTIONS: &[&str] = &["fetch", "signal", "timeoutMs", "retry", "allowInsecureHttp"];

/// Checks a token source's whole options object, as the user gave it, once,
/// when the source is made: every member is one the source takes (else
/// `ERR_OPTION_INVALID` naming it and listing what it takes), the
/// transport's members are of their types, and federation has exactly one
/// subject token source. The flows' own members are checked by `TokenFlow`.
#[wasm_bindgen(js_name = checkSourceOptions)]
pub fn check_source_options(source: &str, options: JsValue) -> JsResult<()> {
    const SOURCES: &[(&str, &[&str])] = &[
        ("exchangeJwt", &["endpoint"]),
        ("exchangeOAuthToken", &["endpoint"]),
        ("oauthTokenSource", &["endpoint"]),
        (
            "serviceAccountTokenSource",
            &["endpoint", "audience", "jwtTtl", "engine"],
        ),
        ("metadataTokenSource", &["flavor", "baseUrl"]),
        (
            "ibmTrustedProfileTokenSource",
            &[
                "profile",
                "profileId",
                "profileCrn",
                "baseUrl",
                "serviceVersion",
            ],
        ),
        (
            "federationTokenSource",
            &[
                "serviceAccountId",
                "subjectToken",
                "subjectTokenFile",
                "github",
                "endpoint",
            ],
        ),
    ];
    let Some(&(call, own)) = SOURCES.iter().find(|(name, _)| *name == source) else {
        return Err(Error::Internal("a token source the core does not know").into());
    };
    let names: Vec<&str> = own.iter().chain(TRANSPORT_OPTIONS).copied().collect();
    let options = Options::new(call, options, &names)?;
    if let Some(timeout) = options.whole("timeoutMs", 600_000)? {
        if timeout == 0 {
            return Err(options
                .invalid("timeoutMs", "a whole number from 1 to 600000")
                .into());
        }
    }
    options.flag("allowInsecureHttp")?;
    if let Some(retry) = options.get("retry") {
        retry_policy(retry)?;
    }
    if options.get("fetch").is_some_and(|f| !f.is_function()) {
        return Err(options.invalid("fetch", "a function").into());
    }
    if call == "federationTokenSource" {
        let given = ["subjectToken", "subjectTokenFile", "github"]
            .iter()
            .filter(|name| options.get(name).is_some())
            .count();
        if given != 1 {
            return Err(Error::OptionInvalid(
                "federationTokenSource takes one of subjectToken, subjectTokenFile or github"
                    .to_string(),
            )
            .into());
        }
    }
    Ok(())
}

/// After attempt `attempt` (1 for the first), `elapsedMs` after the first
/// began, came to `outcome` (`answered` with `status` and maybe
/// `retryAfter`, `network`, `aborted`, `redirected`, `too-large`): the
/// milliseconds to wait before sending again, or -1 to stop there
/// (`retry::next`, under the user's `retry` option).
#[wasm_bindgen(js_name = retryNext)]
pub fn retry_next(
    attempt: u32,
    elapsed_ms: f64,
    outcome: &str,
    status: Option<u16>,
    retry_after: Option<String>,
    jitter: f64,
    policy: JsValue,
) -> JsResult<f64> {
    let policy = retry_policy(policy)?;
    let outcome = match (outcome, status) {
        ("answered", Some(status)) => retry::Outcome::Answered {
            status,
            retry_after: retry_after.as_deref(),
        },
        ("network", _) => retry::Outcome::NetworkError,
        ("aborted", _) => retry::Outcome::Aborted,
        ("redirected", _) => retry::Outcome::Redirected,
        ("too-large", _) => retry::Outcome::TooLarge,
        _ => return Err(Error::Internal("an attempt's outcome the core does not know").into()),
    };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let elapsed = elapsed_ms.max(0.0) as u64;
    #[allow(clippy::cast_precision_loss)]
    Ok(retry::next(&policy, attempt, elapsed, outcome, jitter).map_or(-1.0, |ms| ms as f64))
}

/// The Unix second at which a token obtained at `obtainedAt` and expiring at
/// `expiresAt` should be refreshed.
#[wasm_bindgen(js_name = refreshAt)]
pub fn refresh_at(obtained_at: f64, expires_at: f64) -> f64 {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let at = retry::refresh_at(obtained_at.max(0.0) as u64, expires_at.max(0.0) as u64) as f64;
    at
}
