//! The constant-time gate (`npm run ct`; SECURITY.md, "Secrets").
//!
//! For each authorized key, by iamjwt's public API, with every secret
//! marked undefined for valgrind memcheck:
//!
//! 1. decodes the private key's base64 text (`pem::decode_base64`), every
//!    character before the padding marked;
//! 2. builds the key from that DER (`der::private_key_from_der`: pkcs1's
//!    parser, the crate's own check of the numbers, `CheckedDer::check`,
//!    then rsa's `from_components`, its CRT values and checks), with the
//!    contents of d, p, q, dP, dQ and qInv in the DER marked (not their tags
//!    and lengths, which follow from the key size), then the key as the
//!    file has it (`AuthorizedKey::from_parts`);
//! 3. exports it as the platform engines import it, the checked DER as it
//!    is (`CheckedDer::platform_pkcs1`, `platform_pkcs8`: a copy, and a
//!    copy wrapped in PKCS#8), and as the Rust API does, rsa's PKCS#8
//!    (`to_pkcs8_der`);
//! 4. signs one PS256 JWT by the functions `AuthorizedKey::sign_jwt` is
//!    made of (`jwt::signing_input`, `ps256::sign_with_rng`, `jwt::finish`),
//!    with every secret the parsed key holds marked again, and every byte
//!    the system rng gives after the 32-byte salt (the blinding factors).
//!
//! memcheck then reports each branch and each memory address that depends
//! on a secret; scripts/ct.sh fails on any report outside ct/valgrind.supp,
//! and on any change in how many reports each entry there absorbs.
//!
//! The signature is public (it is the output), but it is computed from
//! secret values, so memcheck would follow it into the base64 encoding: it
//! is marked defined as it leaves the signer.
//!
//! What it does not cover: the lenient reading of the key text before the
//! decoder (the JSON, the armour, line ends, whitespace), which works on
//! the text's structure.
//!
//! Built with the release profile, so each package has the opt-level the
//! .wasm is built with (Cargo.toml). Run it under valgrind; outside valgrind
//! it only signs.
//!
//! ```text
//! iamjwt-ct [build|sign|both] [KEY.json ...]
//!     # default: both, tests/fixtures/key-2048.json and key-4096.json
//! ```

use iamjwt::{jwt, ps256, AuthorizedKey};
use rsa::rand_core::{TryCryptoRng, TryRng};

mod der;
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
            #[cfg(feature = "negative-control-blinding")]
            secrets::negative_control_blinding(rest);
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

/// The key built from its DER with the secrets in the DER marked, as the
/// `build` phase runs it: decoded, built, checked, exported.
fn build(path: &str, json: &str) -> AuthorizedKey {
    let body = base64_body(json);
    let data = iamjwt::key::pem::strip_padding(&body);
    secret(data.as_bytes());
    let der = iamjwt::key::pem::decode_base64(data);
    public(&usize::from(der.is_some()).to_ne_bytes());
    let der = der.unwrap_or_else(|| panic!("iamjwt-ct: {path}: the body does not decode"));

    // The DER's structure is public; the numbers inside are not.
    public(&der);
    let integers = der::private_integers(&der);
    let in_der: usize = integers
        .iter()
        .map(|range| {
            secret(&der[range.clone()]);
            range.len()
        })
        .sum();
    let private = iamjwt::key::der::private_key_from_der(&der, "private_key")
        .unwrap_or_else(|e| panic!("iamjwt-ct: {path}: {e}"));
    let file = iamjwt::key::KeyFile::from_json(json).expect("a key file");
    let key = AuthorizedKey::from_parts(file, private)
        .unwrap_or_else(|e| panic!("iamjwt-ct: {path}: {e}"));
    let pkcs8 = key.to_pkcs8_der().expect("PKCS#8");
    public(&pkcs8.len().to_ne_bytes());
    drop(pkcs8);
    // What a platform signer is handed: the checked key's own DER.
    let pkcs1 = iamjwt::key::der::pkcs1_of_pkcs8(&der, "private_key").expect("PKCS#1 in PKCS#8");
    let checked = iamjwt::key::der::CheckedDer::check(pkcs1, "private_key")
        .unwrap_or_else(|e| panic!("iamjwt-ct: {path}: {e}"));
    for platform in [checked.platform_pkcs1(), checked.platform_pkcs8()] {
        let platform = platform.expect("the fixture's CRT values are its own");
        public(&platform.len().to_ne_bytes());
    }
    println!(
        "iamjwt-ct: {} bits: decoded, checked, built and exported with {in_der} secret bytes marked in the DER",
        key.modulus_bits()
    );
    key
}

/// One JWT signed with every secret of the parsed key and the blinding
/// randomness marked, as the `sign` phase runs it.
fn sign(key: &AuthorizedKey) {
    let marked = secrets::mark(key);
    #[cfg(feature = "negative-control-d")]
    secrets::negative_control_d(key);
    #[cfg(feature = "negative-control-dp")]
    secrets::negative_control_dp(key);

    let options = jwt::SignOptions::new(1_790_000_000);
    let input = jwt::signing_input(key, &options).expect("signing input");
    let mut rng = MarkingRng {
        salt: ps256::SALT_LEN,
    };
    let signature =
        ps256::sign_with_rng(key.signing_key(), input.as_bytes(), &mut rng).expect("sign");
    public(&signature);
    let token = jwt::finish(input, &signature);
    println!(
        "iamjwt-ct: {} bits: signed a {}-byte JWT with {marked} secret bytes of the parsed key marked",
        key.modulus_bits(),
        token.len()
    );
}

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // memcheck checks suppressions only on the first report of each context
    // (its innermost four frames) and counts the rest into it: building and
    // signing run in processes of their own, so that a signing report is
    // never counted into a building one's entry, nor the other way round.
    let phase = match args.first().map(String::as_str) {
        Some("build" | "sign" | "both") => args.remove(0),
        _ => "both".to_string(),
    };
    if args.is_empty() {
        args = ["key-2048.json", "key-4096.json"]
            .map(|name| format!("{root}/tests/fixtures/{name}"))
            .into();
    }
    // SAFETY: a client request; no memory is touched.
    let on_valgrind = unsafe { iamjwt_ct_on_valgrind() } != 0;
    if !on_valgrind {
        eprintln!("iamjwt-ct: not under valgrind; running without checks");
    }
    for path in &args {
        let json =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("iamjwt-ct: {path}: {e}"));
        match phase.as_str() {
            "build" => drop(build(path, &json)),
            "sign" => sign(
                &AuthorizedKey::from_json(&json)
                    .unwrap_or_else(|e| panic!("iamjwt-ct: {path}: {e}")),
            ),
            _ => sign(&build(path, &json)),
        }
    }
}
