//! Reading authorized keys: every shape users paste, and every rejection.
mod common;

use common::{fixture, fixture_dir, secret_runs};
use iamjwt::jwt::{self, SignOptions, VerifyOptions};
use iamjwt::{AuthorizedKey, VerifyingKey};

const ID: &str = "ajetestkey2048000001";
const SA: &str = "ajetestserviceacc001";
const NOW: u64 = 1_790_000_000;

#[test]
fn every_shape_parses_to_the_same_key() {
    // The public key of tests/fixtures/keys/rsa2048.pem, independent of the shapes.
    let public = VerifyingKey::from_text(&fixture("public-2048.pem")).unwrap();
    let shapes = fixture_dir("shapes");
    assert!(
        shapes.len() >= 15,
        "expected all shapes, found {}",
        shapes.len()
    );
    for (name, text) in shapes {
        let key =
            AuthorizedKey::from_json(&text).unwrap_or_else(|e| panic!("{name}: {} {e}", e.code()));
        assert_eq!(key.id(), ID, "{name}");
        assert_eq!(key.service_account_id(), SA, "{name}");
        assert_eq!(key.modulus_bits(), 2048, "{name}");
        // Same private key: what it signs verifies with the reference public key.
        let token = key.sign_jwt(&SignOptions::new(NOW)).unwrap();
        jwt::verify(&token, &public, &VerifyOptions::new(NOW))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn the_fields_are_read_from_each_shape() {
    let yc = AuthorizedKey::from_json(&fixture("shapes/yc-cli.json")).unwrap();
    assert_eq!(yc.created_at(), Some("2026-11-01T10:00:00.000000000Z"));
    assert_eq!(yc.key_algorithm(), Some("RSA_2048"));
    let api = AuthorizedKey::from_json(&fixture("shapes/api-keys-create.json")).unwrap();
    assert_eq!(api.created_at(), yc.created_at());
    assert_eq!(api.key_algorithm(), yc.key_algorithm());
    let big = AuthorizedKey::from_json(&fixture("key-4096.json")).unwrap();
    assert_eq!(big.modulus_bits(), 4096);
    assert_eq!(big.key_algorithm(), Some("RSA_4096"));
}

#[test]
fn every_reject_gets_its_code() {
    let manifest: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&fixture("rejects.json")).unwrap();
    let files = fixture_dir("rejects");
    assert_eq!(
        files.len(),
        manifest.len(),
        "every reject file is in rejects.json"
    );
    for (name, text) in files {
        let want = manifest[&name].as_str().unwrap();
        let err = AuthorizedKey::from_json(&text)
            .err()
            .unwrap_or_else(|| panic!("{name} parsed"));
        assert_eq!(err.code(), want, "{name}: {err}");
        let message = err.to_string();
        assert!(
            !message.is_empty() && !message.contains('\n'),
            "{name}: one line: {message:?}"
        );
    }
}

#[test]
fn messages_name_what_is_wrong() {
    let cases = [
        (
            "rejects/missing-service-account-id.json",
            "\"service_account_id\"",
        ),
        ("rejects/missing-private-key.json", "\"private_key\""),
        ("rejects/static-access-key-yc.json", "static access key"),
        ("rejects/api-key-yc.json", "API key"),
        ("rejects/ec-key.json", "EC key"),
        ("rejects/ed25519-key.json", "Ed25519"),
        ("rejects/rsa-1024.json", "1024 bits"),
        ("rejects/bare-pem.pem", "bare PEM"),
        ("rejects/truncated-json.json", "cut short"),
        ("rejects/not-json.txt", "line 1, column"),
        ("rejects/encrypted-pkcs1.json", "openssl pkey"),
        ("rejects/oauth-token.txt", "OAuth token"),
        ("rejects/user-account-key.json", "user account"),
        ("rejects/public-key-as-private.json", "public key"),
    ];
    for (file, needle) in cases {
        let err = AuthorizedKey::from_json(&fixture(file)).unwrap_err();
        assert!(err.to_string().contains(needle), "{file}: {err}");
    }
}

#[test]
fn no_message_quotes_the_private_key() {
    let runs = secret_runs(&fixture("keys/rsa2048.pem"));
    let base = fixture("key-2048.json");
    // The key inside damaged JSON, in many ways.
    let damaged = [
        base.replacen('{', "", 1),
        base.replace("\"private_key\"", "private_key"),
        base.replace(",\n  \"public_key\"", "\n  \"public_key\""),
        format!("{base}}}"),
        base.replace("-----END PRIVATE KEY-----", ""),
        base.replace("\"id\"", "\"kid\""),
        base.replace("service_account_id", "user_account_id"),
        format!("[{base}]"),
        base.replace("BEGIN PRIVATE KEY", "BEGIN EC PRIVATE KEY"),
    ];
    for text in damaged {
        let message = match AuthorizedKey::from_json(&text) {
            Err(e) => e.to_string(),
            Ok(_) => continue,
        };
        for run in &runs {
            assert!(
                !message.contains(run.as_str()),
                "message quotes the key: {message}"
            );
        }
    }
}

#[test]
fn debug_output_hides_the_key() {
    let key = common::key_2048();
    let debug = format!("{key:?}");
    assert!(debug.contains(ID));
    for run in secret_runs(&fixture("keys/rsa2048.pem")) {
        assert!(!debug.contains(&run));
    }
    assert!(
        !debug.contains("BoxedUint") && !debug.contains("primes"),
        "{debug}"
    );
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let text = format!("{{\"pad\":\"{}\"}}", "a".repeat(70 * 1024));
    let err = AuthorizedKey::from_json(&text).unwrap_err();
    assert_eq!(err.code(), "ERR_INPUT_TOO_LARGE");
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----",
        "A".repeat(70 * 1024)
    );
    assert_eq!(
        VerifyingKey::from_text(&pem).err().unwrap().code(),
        "ERR_INPUT_TOO_LARGE"
    );
}

#[test]
fn public_only_descriptions_serve_for_verification() {
    let key = common::key_2048();
    let token = key.sign_jwt(&SignOptions::new(NOW)).unwrap();
    let from_description = VerifyingKey::from_text(&fixture("key-2048-public-only.json")).unwrap();
    assert_eq!(from_description.id.as_deref(), Some(ID));
    jwt::verify(&token, &from_description, &VerifyOptions::new(NOW)).unwrap();
    // A key description cannot sign.
    let err = AuthorizedKey::from_json(&fixture("key-2048-public-only.json")).unwrap_err();
    assert_eq!(err.code(), "ERR_KEY_FIELD_MISSING");
}

#[test]
fn ids_must_look_like_ids() {
    let base = fixture("key-2048.json");
    for bad in ["aje\\nid", "aje id", "aje\\\"id", "ajeидентификатор"] {
        let text = base.replace(
            "\"id\": \"ajetestkey2048000001\"",
            &format!("\"id\": \"{bad}\""),
        );
        let err = AuthorizedKey::from_json(&text)
            .err()
            .unwrap_or_else(|| panic!("{bad} parsed"));
        assert_eq!(err.code(), "ERR_KEY_FIELD_INVALID", "{bad}");
    }
}

#[test]
fn a_key_file_as_base64_reads_like_the_json() {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use base64::Engine as _;
    let json = fixture("key-2048.json");
    let standard = STANDARD.encode(&json);
    let wrapped: String = standard
        .as_bytes()
        .chunks(76)
        .map(|line| format!("{}\n", std::str::from_utf8(line).unwrap()))
        .collect();
    for (what, text) in [
        ("one line", standard.clone()),
        ("wrapped at 76", wrapped),
        ("URL-safe, unpadded", URL_SAFE_NO_PAD.encode(&json)),
        ("with a newline", format!("{standard}\n")),
    ] {
        let key = AuthorizedKey::from_json(&text).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!((key.id(), key.service_account_id()), (ID, SA), "{what}");
        let verifying = VerifyingKey::from_text(&text).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(verifying.id.as_deref(), Some(ID), "{what}");
        assert!(iamjwt::check_key(&text, NOW).ok(), "{what}");
    }
    // Base64 of something else is not a key, and says what the text looks like.
    let not_json = STANDARD.encode("certainly not JSON, but long enough");
    assert_eq!(
        AuthorizedKey::from_json(&not_json).unwrap_err().code(),
        "ERR_KEY_NOT_JSON"
    );
    // Other credentials keep their own names.
    for (text, named) in [
        (
            "y0_AgAAAAAAbcdefghijklmnopqrstuvwxyz0123456789",
            "OAuth token",
        ),
        (
            "t1.9euelZqNzZ2QlZmSkJKbkJSWlY2Rje3rnpWaxcfGnZvNiY6bk8eVx4_LyJ3l",
            "IAM token",
        ),
    ] {
        let err = AuthorizedKey::from_json(text).unwrap_err();
        assert!(err.to_string().contains(named), "{named}: {err}");
    }
    // A base64 key file that is a static access key is named as one.
    let static_key = STANDARD.encode(fixture("rejects/static-access-key-yc.json"));
    assert_eq!(
        AuthorizedKey::from_json(&static_key).unwrap_err().code(),
        "ERR_KEY_WRONG_KIND"
    );
}
