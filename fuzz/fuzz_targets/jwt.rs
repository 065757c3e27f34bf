//! Any bytes as a JWT: decode, and verify against a fixed key with and
//! without ids, at a fixed time.
#![no_main]
use iamjwt::jwt::{self, VerifyOptions};
use iamjwt::VerifyingKey;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static KEYS: OnceLock<(VerifyingKey, VerifyingKey)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let (with_ids, bare) = KEYS.get_or_init(|| {
        (
            VerifyingKey::from_text(include_str!(
                "../../tests/fixtures/key-2048-public-only.json"
            ))
            .unwrap(),
            VerifyingKey::from_text(include_str!("../../tests/fixtures/public-2048.pem")).unwrap(),
        )
    });
    let _ = jwt::decode(token);
    let mut options = VerifyOptions::new(1_790_000_000);
    let _ = jwt::verify(token, with_ids, &options);
    options.audience = Some(jwt::DEFAULT_AUDIENCE.into());
    let _ = jwt::verify(token, bare, &options);
});
