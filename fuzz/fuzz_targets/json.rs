//! Any bytes to every JSON reader of the core (serde_json underneath): the
//! key file, a JWT's header and payload, every server answer and the
//! emulator's request. None may panic; every error is one line; a decoded
//! JWT part written out reads back the same, members in the same order
//! (floats to within a rounding: serde_json reads them fast, not exactly,
//! without its float_roundtrip feature, which costs 9 KB of the .wasm).
#![no_main]
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use iamjwt::token::{self as exchange, emulator::Emulator};
use iamjwt::{jwt, KeyFile};
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_790_000_000;

fn one_line<T>(result: iamjwt::Result<T>) {
    if let Err(e) = result {
        assert!(!e.to_string().contains('\n'), "{}: {e}", e.code());
    }
}

/// Equal, but for floats, which may differ in their last bits.
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x == y || (x - y).abs() <= x.abs().max(y.abs()) * 1e-14
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((k, v), (l, w))| k == l && same(v, w))
        }
        _ => a == b,
    }
}

fuzz_target!(|data: &[u8]| {
    let part = URL_SAFE_NO_PAD.encode(data);
    match jwt::decode(&format!("{part}.{part}.AAAA")) {
        Ok(decoded) => {
            let written = serde_json::to_string(&decoded.header).expect("a map writes");
            let reread: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&written).expect("what was written reads");
            assert!(
                same(
                    &serde_json::Value::Object(reread.clone()),
                    &serde_json::Value::Object(decoded.header.clone())
                ),
                "{reread:?} {:?}",
                decoded.header
            );
            assert!(reread.keys().eq(decoded.header.keys()), "member order");
            assert!(reread.keys().eq(decoded.payload.keys()), "member order");
        }
        Err(e) => assert!(!e.to_string().contains('\n')),
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    one_line(KeyFile::from_json_public(text));
    for status in [200, 401, 503] {
        one_line(exchange::parse_iam_response(status, text, NOW));
        one_line(exchange::parse_gce_response(status, text, NOW));
        one_line(exchange::parse_ec2_response(status, text, NOW));
        one_line(exchange::parse_ibm_instance_token_response(
            status, text, NOW,
        ));
        one_line(exchange::parse_ibm_iam_token_response(status, text, NOW));
    }
    let answer = Emulator::new("http://127.0.0.1:1/iam/v1/tokens").exchange(text, NOW, "r", "t1.x");
    assert!(answer.status == 400 || answer.status == 401, "{answer:?}");
});
