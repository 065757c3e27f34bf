//! What both .wasm builds share: the core's errors thrown as the JS
//! layer's `IamJwtError`, results as plain JS values, seconds read from JS
//! numbers, and each service's paths and default URLs.

use alloc::format;
use alloc::string::ToString;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::jwt::MAX_SAFE_SECONDS;
use crate::Error;

#[wasm_bindgen(raw_module = "../js/errors.js")]
extern "C" {
    /// `new IamJwtError(code, message)`, with `details`' members on it.
    #[wasm_bindgen(js_name = coreError)]
    fn core_error(code: &str, message: &str, details: JsValue) -> JsValue;
}

/// What an `ERR_IAM_REJECTED` carries besides its message: `status`, and
/// `grpcCode`, `oauthError` and `requestId` when the answer gave them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rejection<'a> {
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    grpc_code: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    oauth_error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
}

/// The one mapping of the core's errors to JS: an `IamJwtError` with the
/// error's code and message, and for IAM's refusals its status, gRPC code
/// and request id.
impl From<Error> for JsValue {
    fn from(error: Error) -> JsValue {
        let details = match &error {
            Error::IamRejected {
                status,
                grpc_code,
                oauth_error,
                request_id,
                ..
            } => to_js(&Rejection {
                status: *status,
                grpc_code: *grpc_code,
                oauth_error: oauth_error.as_deref(),
                request_id: request_id.as_deref(),
            }),
            _ => JsValue::UNDEFINED,
        };
        core_error(error.code(), &error.to_string(), details)
    }
}

pub(crate) type JsResult<T> = core::result::Result<T, JsValue>;

/// A result as a plain JS value, written by serde-wasm-bindgen as JSON
/// would have it: maps as objects, `None` as `null`, numbers as numbers.
/// The core's own types, which it writes without fail.
#[cfg(feature = "serde-wasm-bindgen")]
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// Without serde-wasm-bindgen (the emulator's .wasm, a test tool that
/// need not carry std), the few results go as JSON text for `JSON.parse`.
#[cfg(not(feature = "serde-wasm-bindgen"))]
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

/// Whole seconds from 0 to 2^53: a fractional `now` counts whole seconds;
/// `whole` refuses fractions.
pub(crate) fn seconds(name: &str, value: f64, whole: bool) -> crate::Result<u64> {
    let invalid = || {
        Error::OptionInvalid(format!(
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

// ---- The services' paths and default URLs ----

/// Each service's path and default URL, as the core has them (written
/// once there).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Services {
    iam: &'static str,
    federation: &'static str,
    gce: &'static str,
    ec2: &'static str,
    ibm_instance: &'static str,
    ibm_iam: &'static str,
}

impl Services {
    pub(crate) fn new() -> Self {
        use crate::token as t;
        Services {
            iam: t::TOKEN_PATH,
            federation: t::FEDERATION_PATH,
            gce: t::GCE_PATH,
            ec2: t::EC2_PATH,
            ibm_instance: t::IBM_INSTANCE_PATH,
            ibm_iam: t::IBM_IAM_PATH,
        }
    }
}

/// The services' paths: `{iam, federation, gce, ec2, ibmInstance, ibmIam}`.
#[wasm_bindgen]
pub fn services() -> JsValue {
    to_js(&Services::new())
}

/// Without std (the emulator's .wasm), a panic traps (a `RuntimeError` in
/// JS), as it would under std with `panic = "abort"`; the core denies
/// `unwrap`, `expect`, `panic!` and indexing, so none is expected.
#[cfg(not(feature = "serde-wasm-bindgen"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
