//! Building, decoding and verifying the PS256 JWT.
mod common;

use common::{b64url_json, fixture, forge, key_2048};
use iamjwt::jwt::{self, SignOptions, VerifyOptions, DEFAULT_AUDIENCE};
use iamjwt::{AuthorizedKey, VerifyingKey};
use serde_json::json;

const NOW: u64 = 1_790_000_000;

#[test]
fn header_and_payload_are_exactly_what_iam_expects() {
    for (file, kid, bits) in [
        ("key-2048.json", "ajetestkey2048000001", 256),
        ("key-4096.json", "ajetestkey4096000001", 512),
    ] {
        let key = AuthorizedKey::from_json(&fixture(file)).unwrap();
        let token = key.sign_jwt(&SignOptions::new(NOW)).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        // Exact bytes, in this order: IAM and other verifiers see these.
        assert_eq!(
            String::from_utf8(
                base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, parts[0])
                    .unwrap()
            )
            .unwrap(),
            format!(r#"{{"typ":"JWT","alg":"PS256","kid":"{kid}"}}"#)
        );
        assert_eq!(
            b64url_json(parts[1]),
            json!({"iss": "ajetestserviceacc001", "aud": DEFAULT_AUDIENCE, "iat": NOW, "exp": NOW + 3600})
        );
        assert!(
            !token.contains('=') && !token.contains('+') && !token.contains('/'),
            "base64url, no padding"
        );
        let signature =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, parts[2])
                .unwrap();
        assert_eq!(signature.len(), bits);
        jwt::verify(&token, &VerifyingKey::from(&key), &VerifyOptions::new(NOW)).unwrap();
    }
}

#[test]
fn salted_signatures_differ_but_all_verify() {
    let key = key_2048();
    let a = key.sign_jwt(&SignOptions::new(NOW)).unwrap();
    let b = key.sign_jwt(&SignOptions::new(NOW)).unwrap();
    assert_ne!(a, b, "PSS is salted");
    assert_eq!(a.rsplit_once('.').unwrap().0, b.rsplit_once('.').unwrap().0);
}

#[test]
fn ttl_and_audience_options() {
    let key = key_2048();
    let token = key
        .sign_jwt(&SignOptions {
            now: NOW,
            ttl: 600,
            audience: Some("http://127.0.0.1:8080/iam/v1/tokens".into()),
            endpoint: None,
        })
        .unwrap();
    let payload = jwt::decode(&token).unwrap().payload;
    assert_eq!(payload["exp"].as_u64(), Some(NOW + 600));
    assert_eq!(
        payload["aud"].as_str(),
        Some("http://127.0.0.1:8080/iam/v1/tokens")
    );
    for ttl in [0, 3601, 86_400] {
        let err = key
            .sign_jwt(&SignOptions {
                now: NOW,
                ttl,
                audience: None,
                endpoint: None,
            })
            .unwrap_err();
        assert_eq!(err.code(), "ERR_OPTION_INVALID", "ttl {ttl}");
        assert!(err.to_string().contains("3600"), "{err}");
    }
    let err = key
        .sign_jwt(&SignOptions {
            now: NOW,
            ttl: 60,
            audience: Some(" ".into()),
            endpoint: None,
        })
        .unwrap_err();
    assert_eq!(err.code(), "ERR_OPTION_INVALID");
    let err = key.sign_jwt(&SignOptions::new(u64::MAX - 10)).unwrap_err();
    assert_eq!(err.code(), "ERR_OPTION_INVALID");
}

#[test]
fn the_audience_is_the_endpoint_unless_given() {
    let key = key_2048();
    let aud = |audience: Option<&str>, endpoint: Option<&str>| {
        let options = SignOptions {
            audience: audience.map(Into::into),
            endpoint: endpoint.map(Into::into),
            ..SignOptions::new(NOW)
        };
        let token = key.sign_jwt(&options).unwrap();
        let payload = jwt::decode(&token).unwrap().payload;
        payload["aud"].as_str().unwrap().to_string()
    };
    let local = "http://127.0.0.1:8910/iam/v1/tokens";
    assert_eq!(aud(None, None), DEFAULT_AUDIENCE);
    assert_eq!(aud(None, Some(local)), local);
    assert_eq!(aud(Some("urn:a"), Some(local)), "urn:a");
    assert_eq!(aud(None, Some("  ")), DEFAULT_AUDIENCE);
}

#[test]
fn decode_shows_header_and_payload_without_checking() {
    let key = key_2048();
    let token = key.sign_jwt(&SignOptions::new(NOW)).unwrap();
    let decoded = jwt::decode(&token).unwrap();
    assert_eq!(decoded.header["kid"].as_str(), Some("ajetestkey2048000001"));
    assert_eq!(decoded.payload["iat"].as_u64(), Some(NOW));
    assert_eq!(decoded.signature.len(), 256);
}

#[test]
fn malformed_tokens_are_errors_not_panics() {
    let key = key_2048();
    let good = key.sign_jwt(&SignOptions::new(NOW)).unwrap();
    let (h, rest) = good.split_once('.').unwrap();
    let (p, s) = rest.split_once('.').unwrap();
    let cases = [
        String::new(),
        "abc".into(),
        "a.b".into(),
        "a.b.c.d".into(),
        format!("{h}.{p}"),
        format!("{h}=.{p}.{s}"),
        format!("!!.{p}.{s}"),
        format!("{h}.{p}.{s}!"),
        format!(
            "{}.{p}.{s}",
            base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, "[1]")
        ),
        format!(
            "{h}.{}.{s}",
            base64::Engine::encode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                "not json"
            )
        ),
        "é.ü.ö".into(),
        "..".into(),
    ];
    let verifying = VerifyingKey::from(&key);
    for token in cases {
        let err = jwt::verify(&token, &verifying, &VerifyOptions::new(NOW)).unwrap_err();
        assert_eq!(err.code(), "ERR_JWT_MALFORMED", "{token:?}: {err}");
        assert_eq!(jwt::decode(&token).unwrap_err().code(), "ERR_JWT_MALFORMED");
    }
    let huge = "a".repeat(17 * 1024);
    assert_eq!(
        jwt::decode(&huge).unwrap_err().code(),
        "ERR_INPUT_TOO_LARGE"
    );
}

#[test]
fn verify_rejects_what_iam_rejects() {
    let key = key_2048();
    let verifying = VerifyingKey::from(&key);
    let at = |now| VerifyOptions::new(now);
    let good = key.sign_jwt(&SignOptions::new(NOW)).unwrap();
    jwt::verify(&good, &verifying, &at(NOW + 3600 + 59)).unwrap();

    let code = |token: &str, opts: &VerifyOptions| {
        jwt::verify(token, &verifying, opts).unwrap_err().code()
    };
    // Expired (past the 60 s leeway), and issued in the future.
    assert_eq!(code(&good, &at(NOW + 3600 + 61)), "ERR_JWT_EXPIRED");
    assert_eq!(code(&good, &at(NOW - 120)), "ERR_JWT_CLAIM_INVALID");
    // Tampered payload.
    let (h, rest) = good.split_once('.').unwrap();
    let (_, s) = rest.split_once('.').unwrap();
    let evil = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        json!({"iss":"ajeattacker","aud":DEFAULT_AUDIENCE,"iat":NOW,"exp":NOW+3600}).to_string(),
    );
    assert_eq!(
        code(&format!("{h}.{evil}.{s}"), &at(NOW)),
        "ERR_JWT_SIGNATURE"
    );
    // Signed with another key.
    let other = AuthorizedKey::from_json(&fixture("key-2048-other.json")).unwrap();
    let theirs = other.sign_jwt(&SignOptions::new(NOW)).unwrap();
    assert_eq!(code(&theirs, &at(NOW)), "ERR_JWT_SIGNATURE");
    // Too long-lived, and exp before iat.
    let header = r#"{"typ":"JWT","alg":"PS256","kid":"ajetestkey2048000001"}"#;
    let claims = |iat: u64, exp: u64| {
        json!({"iss":"ajetestserviceacc001","aud":DEFAULT_AUDIENCE,"iat":iat,"exp":exp}).to_string()
    };
    assert_eq!(
        code(&forge(&key, header, &claims(NOW, NOW + 3601)), &at(NOW)),
        "ERR_JWT_LIFETIME"
    );
    assert_eq!(
        code(&forge(&key, header, &claims(NOW, NOW)), &at(NOW)),
        "ERR_JWT_LIFETIME"
    );
    // Other algorithms, even with a valid PSS signature.
    let hs = forge(
        &key,
        r#"{"typ":"JWT","alg":"HS256","kid":"ajetestkey2048000001"}"#,
        &claims(NOW, NOW + 60),
    );
    assert_eq!(code(&hs, &at(NOW)), "ERR_JWT_ALGORITHM");
    let none = forge(&key, r#"{"alg":"none"}"#, &claims(NOW, NOW + 60));
    assert_eq!(code(&none, &at(NOW)), "ERR_JWT_ALGORITHM");
    // kid and iss must name the key.
    let wrong_kid = forge(
        &key,
        r#"{"typ":"JWT","alg":"PS256","kid":"ajeotherkey"}"#,
        &claims(NOW, NOW + 60),
    );
    assert_eq!(code(&wrong_kid, &at(NOW)), "ERR_JWT_CLAIM_INVALID");
    let wrong_iss = forge(
        &key,
        header,
        &json!({"iss":"ajeother","aud":DEFAULT_AUDIENCE,"iat":NOW,"exp":NOW+60}).to_string(),
    );
    assert_eq!(code(&wrong_iss, &at(NOW)), "ERR_JWT_CLAIM_INVALID");
    let no_exp = forge(
        &key,
        header,
        &json!({"iss":"ajetestserviceacc001","iat":NOW}).to_string(),
    );
    assert_eq!(code(&no_exp, &at(NOW)), "ERR_JWT_CLAIM_INVALID");
    let float_iat = forge(
        &key,
        header,
        &json!({"iss":"ajetestserviceacc001","iat":1.5,"exp":60}).to_string(),
    );
    assert_eq!(code(&float_iat, &at(NOW)), "ERR_JWT_CLAIM_INVALID");
    // aud only when asked for.
    let mut want_aud = at(NOW);
    want_aud.audience = Some("http://127.0.0.1:1/iam/v1/tokens".into());
    assert_eq!(code(&good, &want_aud), "ERR_JWT_CLAIM_INVALID");
    want_aud.audience = Some(DEFAULT_AUDIENCE.into());
    jwt::verify(&good, &verifying, &want_aud).unwrap();
}

#[test]
fn a_bare_public_key_checks_the_signature_but_not_the_ids() {
    let key = key_2048();
    let pem = VerifyingKey::from_text(&fixture("public-2048.pem")).unwrap();
    let header = r#"{"typ":"JWT","alg":"PS256","kid":"anything"}"#;
    let payload = json!({"iss":"anyone","iat":NOW,"exp":NOW+60}).to_string();
    jwt::verify(
        &forge(&key, header, &payload),
        &pem,
        &VerifyOptions::new(NOW),
    )
    .unwrap();
    let private_pem = VerifyingKey::from_text(&fixture("keys/rsa2048.pem")).unwrap();
    jwt::verify(
        &forge(&key, header, &payload),
        &private_pem,
        &VerifyOptions::new(NOW),
    )
    .unwrap();
    let err = VerifyingKey::from_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
        .err()
        .unwrap();
    assert_eq!(err.code(), "ERR_KEY_CORRUPT");
}

#[test]
fn messages_quoting_a_token_stay_one_line() {
    let key = key_2048();
    let verifying = VerifyingKey::from(&key);
    let nasty = forge(
        &key,
        r#"{"typ":"JWT","alg":"PS256","kid":"evil\nkid\u001b[31m\u202e"}"#,
        &json!({"iss":"ajetestserviceacc001","iat":NOW,"exp":NOW+60}).to_string(),
    );
    let err = jwt::verify(&nasty, &verifying, &VerifyOptions::new(NOW)).unwrap_err();
    assert_eq!(err.code(), "ERR_JWT_CLAIM_INVALID");
    let message = err.to_string();
    assert!(
        !message.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{message:?}"
    );
    assert!(message.contains("evil\\u{a}kid"), "{message}");
    let alg = forge(&key, &format!(r#"{{"alg":"{}"}}"#, "X".repeat(500)), "{}");
    assert!(
        jwt::verify(&alg, &verifying, &VerifyOptions::new(NOW))
            .unwrap_err()
            .to_string()
            .len()
            < 200
    );
}
