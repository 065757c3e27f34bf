//! Every protocol answer parser with any status and any body: IAM (JWT and
//! OAuth), GCE, EC2, both IBM steps, federation (RFC 8693), GitHub's OIDC
//! token, RFC 3339 times; the emulator's answer to any request body on
//! each of its paths, and an OIDC issuer from any text.
#![no_main]
use iamjwt::token::{
    self as exchange,
    emulator::{self, Emulator, Request},
};
use libfuzzer_sys::fuzz_target;
use std::sync::{Mutex, OnceLock};

static EMULATOR: OnceLock<Mutex<Emulator>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let [a, b, rest @ ..] = data else { return };
    let Ok(body) = std::str::from_utf8(rest) else {
        return;
    };
    let status = u16::from_be_bytes([*a, *b]) % 1000;
    let now = 1_790_000_000;
    let _ = exchange::parse_iam_response(status, body, now);
    let _ = exchange::parse_gce_response(status, body, now);
    let _ = exchange::parse_ec2_response(status, body, now);
    let _ = exchange::parse_ibm_instance_token_response(status, body, now);
    let _ = exchange::parse_ibm_iam_token_response(status, body, now);
    let _ = exchange::parse_federation_response(status, body, now);
    let _ = exchange::parse_github_oidc_response(status, body, now);
    // RFC 3339 times, as IAM's expiresAt.
    let as_time = serde_json::to_string(body).unwrap();
    let _ = exchange::parse_iam_response(
        200,
        &format!(r#"{{"iamToken":"t","expiresAt":{as_time}}}"#),
        now,
    );
    let emulator = EMULATOR.get_or_init(|| {
        let mut e = Emulator::new("http://127.0.0.1:8910/iam/v1/tokens");
        e.add_key(include_str!(
            "../../tests/fixtures/key-2048-public-only.json"
        ))
        .unwrap();
        e.add_issuer(include_str!("../../tests/fixtures/issuer.json"))
            .unwrap();
        Mutex::new(e)
    });
    let mut emulator = emulator.lock().unwrap();
    // The status's bytes pick the method, the path and the headers.
    let method = ["POST", "GET", "PUT", "DELETE"][usize::from(*a) % 4];
    let path = [
        emulator::TOKEN_PATH,
        emulator::FEDERATION_PATH,
        emulator::GCE_PATH,
        emulator::EC2_PATH,
        emulator::IBM_INSTANCE_PATH,
        emulator::IBM_IAM_PATH,
        "/",
    ][usize::from(*b) % 7];
    let request = Request {
        method,
        path,
        metadata_flavor: [None, Some("Google"), Some("ibm")][usize::from(*a >> 2) % 3],
        authorization: (a & 0x80 != 0).then_some(body),
        body,
    };
    let answer = emulator.answer(&request, now, "fuzz", "t1.fuzz");
    assert!(!answer.body.is_empty());
    let _ = emulator.exchange(body, now, "fuzz", "t1.fuzz");
    // An issuer key from any text.
    let _ = Emulator::new("http://127.0.0.1:8910/iam/v1/tokens").add_issuer(body);
});
