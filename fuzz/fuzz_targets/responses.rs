//! Every protocol answer parser with any status and any body: IAM (JWT and
//! OAuth), GCE, EC2, both IBM steps, RFC 3339 times, and the emulator's
//! verdict on any request body.
#![no_main]
use iamjwt::token::{self as exchange, emulator::Emulator};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static EMULATOR: OnceLock<Emulator> = OnceLock::new();

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
        e
    });
    let _ = emulator.exchange(body, now, "fuzz", "t1.fuzz");
});
