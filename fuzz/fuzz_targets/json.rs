//! Any bytes to every JSON reader of the core (serde_json underneath): the
//! key file, a JWT's header and payload, every server answer and the
//! emulator's request. None may panic; every error is one line; a decoded
//! JWT part written out reads back the same, members in the same order.
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

fuzz_target!(|data: &[u8]| {
    let part = URL_SAFE_NO_PAD.encode(data);
    match jwt::decode(&format!("{part}.{part}.AAAA")) {
        Ok(decoded) => {
            let written = serde_json::to_string(&decoded.header).expect("a map writes");
            let reread: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&written).expect("what was written reads");
            assert_eq!(reread, decoded.header);
            assert!(reread.keys().eq(decoded.payload.keys()), "member order");
        }
        Err(e) => assert!(!e.to_string().contains('\n')),
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    one_line(KeyFile::from_json_public(text));
    for status in [200, 401, 503] {
        one_line(exchange::parse_iam_response(status, text, NOW));
        one_line(exchange::parse_gce_response(status, text, NOW));
        one_line(exchange::parse_ec2_response(status, text, NOW));
        one_line(exchange::parse_ibm_instance_token_response(status, text, NOW));
        one_line(exchange::parse_ibm_iam_token_response(status, text, NOW));
    }
    let answer = Emulator::new("http://127.0.0.1:1/iam/v1/tokens").exchange(text, NOW, "r", "t1.x");
    assert!(answer.status == 400 || answer.status == 401, "{answer:?}");
});
