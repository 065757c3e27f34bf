//! Any bytes as PEM or bare base64 DER, private and public. A private key
//! that decodes is written back as PKCS#8 by the core, which must give
//! rsa's encoder's bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rsa::pkcs8::EncodePrivateKey as _;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = iamjwt::pem::decode(text, "private_key");
    if let Ok(decoded) = iamjwt::key::private_key_from_pem(text, "private_key") {
        let ours = iamjwt::key::private_key_to_pkcs8_der(&decoded.key).unwrap();
        let theirs = decoded.key.to_pkcs8_der().unwrap();
        assert_eq!(ours.as_slice(), theirs.as_bytes());
    }
    let _ = iamjwt::key::public_key_from_pem(text, "public_key");
});
