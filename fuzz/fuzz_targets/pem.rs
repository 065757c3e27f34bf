//! Any bytes as PEM or bare base64 DER, private and public, with rsa and
//! the base64 crate as oracles:
//! - a key the core decodes from a PKCS#8 or PKCS#1 PEM is the key rsa
//!   decodes from the same DER;
//! - a PKCS#8 or PKCS#1 key rsa decodes, of the sizes the core signs with,
//!   the core decodes too;
//! - the constant-time base64 decoder (base64ct) accepts and decodes
//!   exactly what the base64 crate's does, in either alphabet.
#![no_main]
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::traits::PublicKeyParts as _;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = iamjwt::key::der::private_key_from_pem(text, "private_key");
    if let Ok(pem) = iamjwt::key::pem::decode(text, "private_key") {
        let theirs = match pem.label.as_deref() {
            Some("PRIVATE KEY") => rsa::PrivateKey::from_pkcs8_der(&pem.der).ok(),
            Some("RSA PRIVATE KEY") if !pem.encrypted_headers => {
                rsa::PrivateKey::from_pkcs1_der(&pem.der).ok()
            }
            _ => None,
        };
        if let Some(theirs) = theirs {
            let bits = theirs.n().bit_width_vartime();
            if (iamjwt::key::MIN_BITS..=iamjwt::key::MAX_BITS).contains(&bits) {
                let decoded = ours.as_ref().expect("the core refuses a key rsa took");
                assert!(
                    decoded.key == theirs,
                    "the core and rsa decode different keys"
                );
            }
        }
    }
    let _ = iamjwt::key::der::public_key_from_pem(text, "public_key");

    let body = iamjwt::key::pem::strip_padding(text);
    let ct = iamjwt::key::pem::decode_base64(body).map(|der| der.to_vec());
    let reference = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(body)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(body))
        .ok();
    assert_eq!(ct, reference, "base64ct and base64 disagree");
});
