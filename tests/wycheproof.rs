//! The PS256 verifier against every Wycheproof RSASSA-PSS SHA-256/MGF1-SHA-256
//! salt-32 case (tests/vectors/wycheproof, Apache-2.0), and its insistence on
//! that salt length.
mod common;

use iamjwt::{ps256, VerifyingKey};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn run(file: &str) -> (usize, usize) {
    let path = format!(
        "{}/tests/vectors/wycheproof/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let suite: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (mut valid, mut invalid) = (0, 0);
    for group in suite["testGroups"].as_array().unwrap() {
        assert_eq!(group["sLen"], 32);
        assert_eq!(group["sha"], "SHA-256");
        assert_eq!(group["mgfSha"], "SHA-256");
        let key = VerifyingKey::from_text(group["publicKeyPem"].as_str().unwrap()).unwrap();
        for case in group["tests"].as_array().unwrap() {
            let msg = hex(case["msg"].as_str().unwrap());
            let sig = hex(case["sig"].as_str().unwrap());
            let result = ps256::verify(key.verifier(), &msg, &sig);
            let id = &case["tcId"];
            match case["result"].as_str().unwrap() {
                "valid" => {
                    assert!(result.is_ok(), "{file} case {id} must verify");
                    valid += 1;
                }
                "invalid" => {
                    assert_eq!(
                        result.unwrap_err().code(),
                        "ERR_JWT_SIGNATURE",
                        "{file} case {id}"
                    );
                    invalid += 1;
                }
                other => panic!("{file} case {id}: unexpected result {other}"),
            }
        }
    }
    assert_eq!(
        valid + invalid,
        suite["numberOfTests"].as_u64().unwrap() as usize
    );
    (valid, invalid)
}

#[test]
fn wycheproof_rsa_pss_2048_sha256_mgf1_32() {
    assert_eq!(run("rsa_pss_2048_sha256_mgf1_32_test.json"), (63, 45));
}

#[test]
fn wycheproof_rsa_pss_3072_sha256_mgf1_32() {
    assert_eq!(run("rsa_pss_3072_sha256_mgf1_32_test.json"), (63, 45));
}

#[test]
fn wycheproof_rsa_pss_4096_sha256_mgf1_32() {
    assert_eq!(run("rsa_pss_4096_sha256_mgf1_32_test.json"), (63, 45));
}

#[test]
fn verify_insists_on_a_32_byte_salt_whatever_the_verifier_says() {
    let key = common::key_2048();
    let public = rsa::PublicKey::from(key.private_key());
    let auto = rsa::pss::VerifyingKey::<sha2::Sha256>::new_with_auto_salt_len(public.clone());
    let exact = ps256::verifier(public);
    let message = b"the signing input";
    let mut rng = getrandom::SysRng;
    let salt_32 = ps256::sign_with_rng(key.signing_key(), message, &mut rng).unwrap();
    let salt_20_key = ps256::SigningKey::new_with_salt_len(key.private_key().clone(), 20);
    let salt_20 = ps256::sign_with_rng(&salt_20_key, message, &mut rng).unwrap();
    for verifier in [&exact, &auto] {
        assert!(ps256::verify(verifier, message, &salt_32).is_ok());
        assert_eq!(
            ps256::verify(verifier, message, &salt_20)
                .unwrap_err()
                .code(),
            "ERR_JWT_SIGNATURE"
        );
    }
    // rsa itself, with the auto salt length, would have taken it.
    use rsa::signature::Verifier as _;
    let signature = rsa::pss::Signature::try_from(&salt_20[..]).unwrap();
    assert!(auto.verify(message, &signature).is_ok());
}
