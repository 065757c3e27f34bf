//! The emulator's bindings (feature `emulator`): only in the emulator's
//! own .wasm (pkg/iamjwt_emulator_bg.wasm), never in the one users ship.

use alloc::string::String;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::convert::{seconds, to_js, JsResult};
use super::hygiene::StackScrub;
use crate::token::emulator::{Emulator, Request};

/// The local IAM emulator's decisions (the JS side runs the HTTP server).
#[wasm_bindgen(js_name = EmulatorCore)]
pub struct EmulatorCore {
    inner: Emulator,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyIds<'a> {
    id: &'a str,
    service_account_id: &'a str,
}

#[derive(Serialize)]
struct AnswerJs<'a> {
    status: u16,
    body: &'a str,
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
        let (id, service_account_id) = self.inner.add_key(&json)?;
        Ok(to_js(&KeyIds {
            id: &id,
            service_account_id: &service_account_id,
        }))
    }

    /// Registers an OIDC issuer for federation (`{issuer, audiences,
    /// subjects, keys | publicKey}`, JSON); returns how many keys it has.
    #[wasm_bindgen(js_name = addIssuer)]
    pub fn add_issuer(&mut self, text: &str) -> JsResult<u32> {
        let count = self.inner.add_issuer(text)?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// Sets the key IBM IAM tokens are signed with (a private key PEM the
    /// JS side makes at start).
    #[wasm_bindgen(js_name = setIbmSigningKey)]
    pub fn set_ibm_signing_key(&mut self, pem: &str) -> JsResult<()> {
        let _scrub = StackScrub;
        Ok(self.inner.set_ibm_signing_key(pem)?)
    }

    /// Answers one request (`method`, `path` with its query, the
    /// `Metadata-Flavor` and `Authorization` headers, the body): `{status, body}`.
    #[allow(clippy::too_many_arguments)]
    pub fn answer(
        &mut self,
        method: &str,
        path: &str,
        metadata_flavor: Option<String>,
        authorization: Option<String>,
        body: &str,
        now: f64,
        request_id: &str,
        new_token: &str,
    ) -> JsResult<JsValue> {
        let now = seconds("now", now, false)?;
        let request = Request {
            method,
            path,
            metadata_flavor: metadata_flavor.as_deref(),
            authorization: authorization.as_deref(),
            body,
        };
        let answer = self.inner.answer(&request, now, request_id, new_token);
        Ok(to_js(&AnswerJs {
            status: answer.status,
            body: &answer.body,
        }))
    }
}
