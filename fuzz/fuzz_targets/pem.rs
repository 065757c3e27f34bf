//! Any bytes as PEM or bare base64 DER, private and public, with rsa as the
//! oracle for private keys:
//! - a key the core decodes is written back as PKCS#8 by the core; rsa
//!   decodes those bytes (so it accepts the key's numbers too) and encodes
//!   them again, byte for byte the same;
//! - a PKCS#8 or PKCS#1 key rsa decodes, of the sizes the core signs with,
//!   the core decodes too.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use rsa::traits::PublicKeyParts as _;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ours = iamjwt::key::private_key_from_pem(text, "private_key");
    if let Ok(decoded) = &ours {
        let der = iamjwt::key::private_key_to_pkcs8_der(&decoded.key);
        let theirs = rsa::PrivateKey::from_pkcs8_der(&der).expect("rsa refuses a key the core took");
        assert_eq!(der.as_slice(), theirs.to_pkcs8_der().unwrap().as_bytes());
    }
    if let Ok(pem) = iamjwt::pem::decode(text, "private_key") {
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
                assert!(ours.is_ok(), "the core refuses a key rsa took: {:?}", ours.err());
            }
        }
    }
    let _ = iamjwt::key::public_key_from_pem(text, "public_key");
});
