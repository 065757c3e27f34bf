//! Any bytes as PEM or bare base64 DER, private and public.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = iamjwt::pem::decode(text, "private_key");
    let _ = iamjwt::key::private_key_from_pem(text, "private_key");
    let _ = iamjwt::key::public_key_from_pem(text, "public_key");
});
