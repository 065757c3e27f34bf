//! Any bytes as an authorized key file: parsing, the verifying key, and the
//! offline check must return, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = iamjwt::AuthorizedKey::from_json(text);
    let _ = iamjwt::VerifyingKey::from_text(text);
    let _ = iamjwt::key::KeyFile::from_json_public(text);
    // The check signs a test JWT only for keys that decode; the rng is the OS's.
    let _ = iamjwt::check::check_key(text, 1_790_000_000);
});
