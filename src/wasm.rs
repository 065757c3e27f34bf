//! wasm-bindgen bindings: thin wrappers that convert JS values to the core's
//! types and the core's errors to JS `Error`s named `IamJwtError` with a
//! `code`. All logic stays in the core.

extern crate std; // the allocator and panic handler of the cdylib

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::check::{self, Verdict};
use crate::jwt::{self, SignOptions, VerifyOptions, MAX_SAFE_SECONDS};
use crate::{AuthorizedKey, Error, VerifyingKey, ERROR_CODES};

/// Converts a core error into a JS `Error` with `name` `IamJwtError` and `code`.
fn to_js(error: &Error) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    js.set_name("IamJwtError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&js, &"code".into(), &error.code().into());
    js.into()
}

type JsResult<T> = core::result::Result<T, JsValue>;

/// A whole, non-negative number of seconds that JS numbers hold exactly.
fn seconds(name: &str, value: f64, whole: bool) -> core::result::Result<u64, Error> {
    let ok = value.is_finite() && value >= 0.0 && value <= MAX_SAFE_SECONDS as f64;
    if !ok || (whole && value.fract() != 0.0) {
        return Err(Error::OptionInvalid(alloc::format!(
            "{name} must be a whole number of seconds from 0 to 2^53"
        )));
    }
    // Truncation is the intent: a fractional `now` counts whole seconds.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(value.floor() as u64)
}

fn to_object<T: Serialize>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}

/// A parsed authorized key held in wasm memory. Freeing it (or letting the
/// JS wrapper be collected) drops it, which wipes its private parts.
#[wasm_bindgen]
pub struct KeyHandle {
    key: AuthorizedKey,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyInfo<'a> {
    id: &'a str,
    service_account_id: &'a str,
    key_algorithm: Option<&'a str>,
    created_at: Option<&'a str>,
    modulus_bits: u32,
}

#[wasm_bindgen]
impl KeyHandle {
    /// Parses an authorized key file. The text is taken by value so that
    /// its copy in wasm memory is wiped after parsing.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: String) -> JsResult<KeyHandle> {
        let text = Zeroizing::new(text);
        AuthorizedKey::from_json(&text)
            .map(|key| KeyHandle { key })
            .map_err(|e| to_js(&e))
    }

    /// `{id, serviceAccountId, keyAlgorithm, createdAt, modulusBits}`: no secrets.
    pub fn info(&self) -> JsValue {
        let key = &self.key;
        to_object(&KeyInfo {
            id: key.id(),
            service_account_id: key.service_account_id(),
            key_algorithm: key.key_algorithm(),
            created_at: key.created_at(),
            modulus_bits: key.modulus_bits(),
        })
    }

    /// Signs a JWT issued at `now` (seconds) that lives `ttl` seconds.
    #[wasm_bindgen(js_name = signJwt)]
    pub fn sign_jwt(&self, now: f64, ttl: f64, audience: Option<String>) -> JsResult<String> {
        let run = || {
            let options = SignOptions {
                now: seconds("now", now, false)?,
                ttl: seconds("ttl", ttl, true)?,
                audience,
            };
            self.key.sign_jwt(&options)
        };
        run().map_err(|e| to_js(&e))
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
    let object = js_sys::Object::new();
    for (name, part) in [("header", &decoded.header), ("payload", &decoded.payload)] {
        let text = serde_json::to_string(part).unwrap_or_default();
        let value = js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL);
        let _ = js_sys::Reflect::set(&object, &name.into(), &value);
    }
    object.into()
}

#[derive(Serialize)]
struct JsCheck<'a> {
    id: &'a str,
    ok: bool,
    verdict: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
}

#[derive(Serialize)]
struct JsReport<'a> {
    ok: bool,
    checks: Vec<JsCheck<'a>>,
}

/// Runs the offline key check: `{ok, checks: [{id, ok, verdict, message, code?}]}`.
#[wasm_bindgen(js_name = checkKey)]
pub fn check_key(text: String, now: f64) -> JsResult<JsValue> {
    let text = Zeroizing::new(text);
    let now = seconds("now", now, false).map_err(|e| to_js(&e))?;
    let report = check::check_key(&text, now);
    let checks = report
        .checks
        .iter()
        .map(|c| JsCheck {
            id: c.id,
            ok: c.verdict != Verdict::Fail,
            verdict: c.verdict.as_str(),
            message: &c.message,
            code: c.code,
        })
        .collect();
    Ok(to_object(&JsReport {
        ok: report.ok(),
        checks,
    }))
}

/// Every error code the core can give.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    ERROR_CODES.iter().map(|c| (*c).to_string()).collect()
}

/// The defaults the JS layer shows and uses: `{audience, ttl, maxTtl, leeway}`.
#[wasm_bindgen]
pub fn defaults() -> JsValue {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Defaults {
        audience: &'static str,
        ttl: u64,
        max_ttl: u64,
        leeway: u64,
    }
    to_object(&Defaults {
        audience: jwt::DEFAULT_AUDIENCE,
        ttl: jwt::DEFAULT_TTL,
        max_ttl: jwt::MAX_TTL,
        leeway: jwt::DEFAULT_LEEWAY,
    })
}
