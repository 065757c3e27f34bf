//! The constant-time gate (`npm run ct`; README "Secrets").
//!
//! Parses authorized keys through iamjwt's public API, marks every secret
//! the parsed key holds as undefined for valgrind memcheck, and signs one
//! PS256 JWT with each, by the functions `AuthorizedKey::sign_jwt` is made
//! of: `jwt::signing_input`, `ps256::sign_with_rng`, `jwt::finish`. The rng
//! is the system's, and every byte it gives after the 32-byte salt (the
//! blinding factors) is marked undefined too. memcheck then reports each
//! branch and each memory address that depends on a secret; scripts/ct.sh
//! fails on any report outside ct/valgrind.supp.
//!
//! The signature is public (it is the output), but it is computed from
//! secret values, so memcheck would follow it into the base64 encoding: it
//! is marked defined as it leaves the signer.
//!
//! It also decodes each key's base64 body through `pem::decode_base64`,
//! the decoder the PEM reader hands the secret text to once it has
//! normalised the armour, the line ends and the padding: every character
//! before the padding is marked undefined.
//!
//! Built with the release profile, so each package has the opt-level the
//! .wasm is built with (Cargo.toml). Run it under valgrind; outside valgrind
//! it only signs.
//!
//! ```text
//! iamjwt-ct [KEY.json ...]     # default: tests/fixtures/key-2048.json and key-4096.json
//! ```

use iamjwt::{jwt, ps256, AuthorizedKey};
use rsa::rand_core::{TryCryptoRng, TryRng};

mod secrets;

extern "C" {
    fn iamjwt_ct_secret(p: *const u8, n: usize);
    fn iamjwt_ct_public(p: *const u8, n: usize);
    fn iamjwt_ct_on_valgrind() -> i32;
}

/// Marks `bytes` undefined: memcheck reports what depends on them.
pub fn secret(bytes: &[u8]) {
    // SAFETY: a client request only changes valgrind's shadow state for
    // these bytes; it reads and writes no memory.
    unsafe { iamjwt_ct_secret(bytes.as_ptr(), bytes.len()) }
}

/// Marks `bytes` defined again: a public result.
pub fn public(bytes: &[u8]) {
    // SAFETY: as in `secret`.
    unsafe { iamjwt_ct_public(bytes.as_ptr(), bytes.len()) }
}

/// The system rng, with every byte after the first `salt` bytes marked
/// secret.
struct MarkingRng {
    salt: usize,
}

impl TryRng for MarkingRng {
    type Error = getrandom::Error;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut bytes = [0; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut bytes = [0; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        getrandom::fill(dst)?;
        let public_len = self.salt.min(dst.len());
        self.salt -= public_len;
        if let Some(rest) = dst.get(public_len..) {
            secret(rest);
        }
        Ok(())
    }
}

impl TryCryptoRng for MarkingRng {}

/// The base64 body of the key file's private key: its lines between the
/// armour, joined.
fn base64_body(json: &str) -> String {
    let file = iamjwt::key::KeyFile::from_json(json).expect("a key file");
    let pem = file.private_key.as_deref().expect("a private key");
    pem.lines()
        .filter(|line| !line.starts_with("-----") && !line.starts_with("PLEASE"))
        .map(str::trim)
        .collect()
}

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        paths = ["key-2048.json", "key-4096.json"]
            .map(|name| format!("{root}/tests/fixtures/{name}"))
            .into();
    }
    // SAFETY: a client request; no memory is touched.
    let on_valgrind = unsafe { iamjwt_ct_on_valgrind() } != 0;
    if !on_valgrind {
        eprintln!("iamjwt-ct: not under valgrind; signing without checks");
    }
    for path in &paths {
        let json =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("iamjwt-ct: {path}: {e}"));
        let body = base64_body(&json);
        let data = iamjwt::key::pem::strip_padding(&body);
        secret(data.as_bytes());
        let der = iamjwt::key::pem::decode_base64(data).map(|der| der.len());
        public(&der.unwrap_or(0).to_ne_bytes());
        assert!(der.is_some(), "iamjwt-ct: {path}: the body does not decode");

        let key =
            AuthorizedKey::from_json(&json).unwrap_or_else(|e| panic!("iamjwt-ct: {path}: {e}"));
        let marked = secrets::mark(&key);
        #[cfg(feature = "negative-control")]
        secrets::negative_control(&key);

        let options = jwt::SignOptions::new(1_790_000_000);
        let input = jwt::signing_input(&key, &options).expect("signing input");
        let mut rng = MarkingRng {
            salt: ps256::SALT_LEN,
        };
        let signature =
            ps256::sign_with_rng(key.signing_key(), input.as_bytes(), &mut rng).expect("sign");
        public(&signature);
        let token = jwt::finish(input, &signature);
        println!(
            "iamjwt-ct: {} bits: {marked} secret bytes marked; signed a {}-byte JWT",
            key.modulus_bits(),
            token.len()
        );
    }
}
