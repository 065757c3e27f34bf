//! wasm-bindgen bindings: thin wrappers that convert JS values to the core's
//! types and the core's errors to JS `Error`s named `IamJwtError` with a
//! `code`. All logic stays in the core.

// The cdylib is `no_std` too: it brings its own allocator (below) and panic
// handler, so no formatting of panic messages is linked.

/// A panic traps (a `RuntimeError` in JS), as it did under std with
/// `panic = "abort"`; the core denies `unwrap`, `expect`, `panic!` and
/// indexing, so none is expected.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// Every heap block is wiped when freed, so no temporary that held key
/// material (in this crate or in rsa and crypto-bigint, whose big integers do
/// not wipe themselves) survives in wasm memory after it is dropped.
struct WipingAllocator;

// SAFETY: delegates to dlmalloc (the allocator std uses on wasm32); only
// adds a wipe of the block being freed, which the caller owns until
// `dealloc` returns.
unsafe impl core::alloc::GlobalAlloc for WipingAllocator {
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        unsafe { dlmalloc::GlobalDlmalloc.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: core::alloc::Layout) {
        // SAFETY: `ptr` is a live block of `layout.size()` bytes owned by the caller.
        let block = unsafe { core::slice::from_raw_parts_mut(ptr, layout.size()) };
        zeroize::Zeroize::zeroize(block);
        // SAFETY: same contract as the caller's.
        unsafe { dlmalloc::GlobalDlmalloc.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: WipingAllocator = WipingAllocator;

/// Wipes the stack below it when dropped: RSA arithmetic leaves limbs of
/// the primes in stack frames, which live in wasm linear memory too. Every
/// export that touches a private key holds one, so its frames are wiped
/// when it returns.
struct StackScrub;

/// How much stack below an export is wiped; the deepest RSA frames use
/// under 16 KiB (measured in tests/js/secrets.test.mjs).
const SCRUB_BYTES: usize = 64 * 1024;

impl Drop for StackScrub {
    #[inline(never)]
    fn drop(&mut self) {
        let mut frame = [0u8; SCRUB_BYTES];
        zeroize::Zeroize::zeroize(&mut frame[..]);
        core::hint::black_box(&frame);
    }
}

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::check::{self, Verdict};
use crate::emulator::Emulator;
use crate::exchange;
use crate::jwt::{self, SignOptions, VerifyOptions, MAX_SAFE_SECONDS};
use crate::{AuthorizedKey, Error, VerifyingKey, ERROR_CODES};

/// Converts a core error into a JS `Error` with `name` `IamJwtError` and `code`.
fn to_js(error: &Error) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    js.set_name("IamJwtError");
    let mut js = Object(js.into()).str("code", error.code());
    if let Error::IamRejected {
        status,
        grpc_code,
        request_id,
        ..
    } = error
    {
        js = js.number("status", (*status).into());
        if let Some(code) = grpc_code {
            #[allow(clippy::cast_precision_loss)]
            let code = JsValue::from_f64(*code as f64);
            js = js.set("grpcCode", &code);
        }
        if let Some(id) = request_id {
            js = js.str("requestId", id);
        }
    }
    js.done()
}

type JsResult<T> = core::result::Result<T, JsValue>;

/// A whole, non-negative number of seconds that JS numbers hold exactly.
/// A fractional `now` counts whole seconds; a fractional `ttl` is refused.
fn seconds(name: &str, value: f64, whole: bool) -> core::result::Result<u64, Error> {
    let invalid = || {
        Error::OptionInvalid(alloc::format!(
            "{name} must be a whole number of seconds from 0 to 2^53"
        ))
    };
    if !(value.is_finite() && value >= 0.0 && value <= MAX_SAFE_SECONDS as f64) {
        return Err(invalid());
    }
    // In [0, 2^53] the cast is the floor, and the floor converts back exactly.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let floor = value as u64;
    #[allow(clippy::cast_precision_loss, clippy::float_cmp)]
    if whole && floor as f64 != value {
        return Err(invalid());
    }
    Ok(floor)
}

/// `SignOptions` from JS numbers, checked as whole seconds.
fn sign_options(now: f64, ttl: f64, audience: Option<String>) -> crate::Result<SignOptions> {
    Ok(SignOptions {
        now: seconds("now", now, false)?,
        ttl: seconds("ttl", ttl, true)?,
        audience,
    })
}

/// A JS object (a plain one, or an `Error`), built one property at a time.
struct Object(js_sys::Object);

impl Object {
    fn new() -> Self {
        Self(js_sys::Object::new())
    }

    fn set(self, name: &str, value: &JsValue) -> Self {
        // Setting a property on a fresh object of ours cannot fail.
        let _ = js_sys::Reflect::set(&self.0, &JsValue::from_str(name), value);
        self
    }

    fn str(self, name: &str, value: &str) -> Self {
        self.set(name, &JsValue::from_str(value))
    }

    /// `null` for `None`, as JSON would have it.
    fn str_or_null(self, name: &str, value: Option<&str>) -> Self {
        self.set(name, &value.map_or(JsValue::NULL, JsValue::from_str))
    }

    /// Whole seconds and counts, as a JS number: exact up to 2^53, which
    /// `now` is checked against and an expiry passes by 12 hours at most.
    #[allow(clippy::cast_precision_loss)]
    fn number(self, name: &str, value: u64) -> Self {
        self.set(name, &JsValue::from_f64(value as f64))
    }

    fn bool(self, name: &str, value: bool) -> Self {
        self.set(name, &JsValue::from_bool(value))
    }

    fn done(self) -> JsValue {
        self.0.into()
    }
}

/// A parsed authorized key held in wasm memory. Freeing it (or letting the
/// JS wrapper be collected) drops it, which wipes its private parts.
#[wasm_bindgen]
pub struct KeyHandle {
    key: AuthorizedKey,
}

#[wasm_bindgen]
impl KeyHandle {
    /// Parses an authorized key file. The text is taken by value so that
    /// its copy in wasm memory is wiped after parsing.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: String) -> JsResult<KeyHandle> {
        let _scrub = StackScrub;
        let text = Zeroizing::new(text);
        AuthorizedKey::from_json(&text)
            .map(|key| KeyHandle { key })
            .map_err(|e| to_js(&e))
    }

    /// `{id, serviceAccountId, keyAlgorithm, createdAt, modulusBits}`: no secrets.
    pub fn info(&self) -> JsValue {
        let key = &self.key;
        Object::new()
            .str("id", key.id())
            .str("serviceAccountId", key.service_account_id())
            .str_or_null("keyAlgorithm", key.key_algorithm())
            .str_or_null("createdAt", key.created_at())
            .number("modulusBits", key.modulus_bits().into())
            .done()
    }

    /// Signs a JWT issued at `now` (seconds) that lives `ttl` seconds.
    #[wasm_bindgen(js_name = signJwt)]
    pub fn sign_jwt(&self, now: f64, ttl: f64, audience: Option<String>) -> JsResult<String> {
        let _scrub = StackScrub;
        sign_options(now, ttl, audience)
            .and_then(|options| self.key.sign_jwt(&options))
            .map_err(|e| to_js(&e))
    }

    /// The JWT's signing input, for a platform signer (see `finishJwt`).
    #[wasm_bindgen(js_name = signingInput)]
    pub fn signing_input(&self, now: f64, ttl: f64, audience: Option<String>) -> JsResult<String> {
        sign_options(now, ttl, audience)
            .and_then(|options| jwt::signing_input(&self.key, &options))
            .map_err(|e| to_js(&e))
    }

    /// The private key as PKCS#8 DER, for the native engine to import once
    /// (node:crypto). The caller wipes the bytes after importing them.
    #[wasm_bindgen(js_name = exportPkcs8ForNativeEngine)]
    pub fn export_pkcs8_for_native_engine(&self) -> JsResult<js_sys::Uint8Array> {
        let _scrub = StackScrub;
        // Copied straight into a JS array; the wasm-side buffer wipes itself.
        let der = self.key.to_pkcs8_der().map_err(|e| to_js(&e))?;
        Ok(js_sys::Uint8Array::from(der.as_slice()))
    }

    /// The finished JWT from a platform signer's signature, which is
    /// verified with this key's public half first (`jwt::finish_verified`).
    #[wasm_bindgen(js_name = finishJwt)]
    pub fn finish_jwt(&self, signing_input: String, signature: &[u8]) -> JsResult<String> {
        jwt::finish_verified(&self.key, signing_input, signature).map_err(|e| to_js(&e))
    }

    /// Verifies a JWT against this key's public half and ids.
    #[wasm_bindgen(js_name = verifyJwt)]
    pub fn verify_jwt(
        &self,
        token: &str,
        now: f64,
        leeway: f64,
        audience: Option<String>,
    ) -> JsResult<JsValue> {
        verify_with(token, &VerifyingKey::from(&self.key), now, leeway, audience)
    }
}

/// A flow name the token bindings do not know (JS passes it through).
fn unknown_flow(flow: &str) -> Error {
    Error::OptionInvalid(alloc::format!(
        "unknown token flow \"{}\"",
        crate::text::one_line(flow, 20)
    ))
}

/// Verifies a JWT with a key given as text (authorized key JSON, key
/// description, or PEM).
#[wasm_bindgen(js_name = verifyJwtWithText)]
pub fn verify_jwt_with_text(
    token: &str,
    key: String,
    now: f64,
    leeway: f64,
    audience: Option<String>,
) -> JsResult<JsValue> {
    let _scrub = StackScrub;
    let key = Zeroizing::new(key);
    let key = VerifyingKey::from_text(&key).map_err(|e| to_js(&e))?;
    verify_with(token, &key, now, leeway, audience)
}

fn verify_with(
    token: &str,
    key: &VerifyingKey,
    now: f64,
    leeway: f64,
    audience: Option<String>,
) -> JsResult<JsValue> {
    let run = || {
        let options = VerifyOptions {
            now: seconds("now", now, false)?,
            leeway: seconds("leeway", leeway, true)?,
            audience,
        };
        jwt::verify(token, key, &options)
    };
    run()
        .map(|decoded| decoded_to_js(&decoded))
        .map_err(|e| to_js(&e))
}

/// Verifies a raw PS256 signature over `message` with a public key given as
/// text (PEM or key JSON). For test vectors; JWTs go through `verifyJwt`.
#[wasm_bindgen(js_name = verifyPs256)]
pub fn verify_ps256(key: &str, message: &[u8], signature: &[u8]) -> JsResult<()> {
    let key = VerifyingKey::from_text(key).map_err(|e| to_js(&e))?;
    crate::ps256::verify(key.verifier(), message, signature).map_err(|e| to_js(&e))
}

/// Decodes a JWT without verifying it: `{header, payload}`.
#[wasm_bindgen(js_name = decodeJwt)]
pub fn decode_jwt(token: &str) -> JsResult<JsValue> {
    jwt::decode(token)
        .map(|d| decoded_to_js(&d))
        .map_err(|e| to_js(&e))
}

/// `{header, payload}` as plain JS objects. Through JSON text, so numbers
/// beyond 2^53 come out as JS numbers, as every JS JWT library gives them.
fn decoded_to_js(decoded: &jwt::Decoded) -> JsValue {
    let part = |part: &serde_json::Map<String, serde_json::Value>| {
        serde_json::to_string(part)
            .ok()
            .and_then(|text| js_sys::JSON::parse(&text).ok())
            .unwrap_or(JsValue::NULL)
    };
    Object::new()
        .set("header", &part(&decoded.header))
        .set("payload", &part(&decoded.payload))
        .done()
}

/// Runs the offline key check: `{ok, checks: [{id, ok, verdict, message, code?}]}`.
#[wasm_bindgen(js_name = checkKey)]
pub fn check_key(text: String, now: f64) -> JsResult<JsValue> {
    let _scrub = StackScrub;
    let text = Zeroizing::new(text);
    let now = seconds("now", now, false).map_err(|e| to_js(&e))?;
    let report = check::check_key(&text, now);
    let checks = js_sys::Array::new();
    for c in &report.checks {
        let mut check = Object::new()
            .str("id", c.id)
            .bool("ok", c.verdict != Verdict::Fail)
            .str("verdict", c.verdict.as_str())
            .str("message", &c.message);
        if let Some(code) = c.code {
            check = check.str("code", code);
        }
        checks.push(&check.done());
    }
    Ok(Object::new()
        .bool("ok", report.ok())
        .set("checks", &checks)
        .done())
}

/// Every error code the core can give.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    ERROR_CODES.iter().map(|c| (*c).to_string()).collect()
}

/// The defaults the JS layer shows and uses: `{audience, ttl, maxTtl, leeway}`.
#[wasm_bindgen]
pub fn defaults() -> JsValue {
    Object::new()
        .str("audience", jwt::DEFAULT_AUDIENCE)
        .number("ttl", jwt::DEFAULT_TTL)
        .number("maxTtl", jwt::MAX_TTL)
        .number("leeway", jwt::DEFAULT_LEEWAY)
        .done()
}

// ---- Getting tokens: requests as values, answers parsed (sans-IO) ----

/// `{method, url, headers, body?}`, the headers as an object in the
/// request's order (their names are distinct).
fn request_to_js(request: &exchange::HttpRequest) -> JsValue {
    let headers = request
        .headers
        .iter()
        .fold(Object::new(), |headers, (name, value)| {
            headers.str(name, value)
        });
    let object = Object::new()
        .str("method", request.method)
        .str("url", &request.url)
        .set("headers", &headers.done());
    match &request.body {
        Some(body) => object.str("body", body),
        None => object,
    }
    .done()
}

fn token_to_js(result: crate::Result<exchange::Token>) -> JsResult<JsValue> {
    result
        .map(|t| {
            Object::new()
                .str("token", &t.token)
                .number("expiresAt", t.expires_at)
                .done()
        })
        .map_err(|e| to_js(&e))
}

/// The request for one flow: `jwt`, `oauth`, `gce`, `ec2`, `ibm-instance`
/// or `ibm-iam`. `credential` is the JWT, the OAuth token or the IBM
/// instance token; `url` the endpoint or metadata base; `profile` the IBM
/// trusted profile id or CRN.
#[wasm_bindgen(js_name = buildTokenRequest)]
pub fn build_token_request(
    flow: &str,
    credential: Option<String>,
    url: Option<String>,
    profile: Option<String>,
) -> JsResult<JsValue> {
    let credential = Zeroizing::new(credential.unwrap_or_default());
    let url = url.as_deref();
    let request = match flow {
        "jwt" => exchange::jwt_request(&credential, url),
        "oauth" => exchange::oauth_request(&credential, url),
        "gce" => Ok(exchange::gce_request(url)),
        "ec2" => Ok(exchange::ec2_request(url)),
        "ibm-instance" => Ok(exchange::ibm_instance_token_request(url)),
        "ibm-iam" => exchange::ibm_iam_token_request(
            url,
            &credential,
            &exchange::IbmProfile::from_id_or_crn(profile.as_deref()),
        ),
        _ => Err(unknown_flow(flow)),
    }
    .map_err(|e| to_js(&e))?;
    Ok(request_to_js(&request))
}

/// Parses the answer of one flow (as in `buildTokenRequest`) into
/// `{token, expiresAt}` (Unix seconds).
#[wasm_bindgen(js_name = parseTokenResponse)]
pub fn parse_token_response(flow: &str, status: u16, body: &str, now: f64) -> JsResult<JsValue> {
    let now = seconds("now", now, false).map_err(|e| to_js(&e))?;
    token_to_js(match flow {
        "jwt" | "oauth" => exchange::parse_iam_response(status, body, now),
        "gce" => exchange::parse_gce_response(status, body, now),
        "ec2" => exchange::parse_ec2_response(status, body, now),
        "ibm-instance" => exchange::parse_ibm_instance_token_response(status, body, now),
        "ibm-iam" => exchange::parse_ibm_iam_token_response(status, body, now),
        _ => Err(unknown_flow(flow)),
    })
}

/// Whether a failed attempt (status, or none for a network error) may be retried.
#[wasm_bindgen(js_name = isRetryable)]
pub fn is_retryable(status: Option<u16>) -> bool {
    exchange::is_retryable(status)
}

/// Milliseconds to wait before retry `attempt` (see `exchange::retry_delay_ms`).
#[wasm_bindgen(js_name = retryDelayMs)]
pub fn retry_delay_ms(
    attempt: u32,
    retry_after: Option<String>,
    base_ms: f64,
    max_ms: f64,
    jitter: f64,
) -> f64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let ms = exchange::retry_delay_ms(
        attempt,
        retry_after.as_deref(),
        base_ms.max(0.0) as u64,
        max_ms.max(0.0) as u64,
        jitter,
    );
    #[allow(clippy::cast_precision_loss)]
    let ms = ms as f64;
    ms
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
    let at = exchange::refresh_at(obtained_at.max(0.0) as u64, expires_at.max(0.0) as u64) as f64;
    at
}

/// The local IAM emulator's decisions (the JS side runs the HTTP server).
#[wasm_bindgen(js_name = EmulatorCore)]
pub struct EmulatorCore {
    inner: Emulator,
}

#[wasm_bindgen(js_class = EmulatorCore)]
impl EmulatorCore {
    /// An emulator answering at `tokenUrl`.
    #[wasm_bindgen(constructor)]
    pub fn new(token_url: &str) -> EmulatorCore {
        EmulatorCore {
            inner: Emulator::new(token_url),
        }
    }

    /// Registers a key's public half; returns `{id, serviceAccountId}`.
    #[wasm_bindgen(js_name = addKey)]
    pub fn add_key(&mut self, json: String) -> JsResult<JsValue> {
        let _scrub = StackScrub;
        let json = Zeroizing::new(json);
        self.inner
            .add_key(&json)
            .map(|(id, service_account_id)| {
                Object::new()
                    .str("id", &id)
                    .str("serviceAccountId", &service_account_id)
                    .done()
            })
            .map_err(|e| to_js(&e))
    }

    /// Answers one exchange: `{status, body}`.
    pub fn exchange(
        &self,
        body: &str,
        now: f64,
        request_id: &str,
        new_token: &str,
    ) -> JsResult<JsValue> {
        let now = seconds("now", now, false).map_err(|e| to_js(&e))?;
        let answer = self.inner.exchange(body, now, request_id, new_token);
        Ok(Object::new()
            .number("status", answer.status.into())
            .str("body", &answer.body)
            .done())
    }
}
