//! Helpers shared by the integration tests: fixture paths and a token forger.
#![allow(dead_code)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use iamjwt::AuthorizedKey;
use std::path::PathBuf;

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The files of a fixture folder, sorted, as (file name, text).
pub fn fixture_dir(dir: &str) -> Vec<(String, String)> {
    let mut out: Vec<_> = std::fs::read_dir(fixture_path(dir))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no fixtures in {dir}");
    out
}

pub fn key_2048() -> AuthorizedKey {
    AuthorizedKey::from_json(&fixture("key-2048.json")).unwrap()
}

/// Signs any header and payload JSON with the key, PS256, to build tokens the
/// library itself would refuse to make.
pub fn forge(key: &AuthorizedKey, header: &str, payload: &str) -> String {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = iamjwt::ps256::sign_with_rng(
        key.signing_key(),
        signing_input.as_bytes(),
        &mut getrandom::SysRng,
    )
    .unwrap();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

pub fn b64url_json(part: &str) -> serde_json::Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// Every run of 16 characters of the base64 body of the private keys in the
/// fixtures: none may appear in any message.
pub fn secret_runs(pem: &str) -> Vec<String> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----") && !l.contains("PLEASE"))
        .collect();
    let chars: Vec<char> = body.chars().collect();
    chars
        .windows(16)
        .step_by(8)
        .map(|w| w.iter().collect())
        .collect()
}
