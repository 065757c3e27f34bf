//! The key check a platform signer relies on (`key::der::CheckedDer`)
//! gives rsa's verdict: on damaged keys, byte by byte, it refuses what rsa
//! refuses and takes what rsa takes; and the PKCS#8 it hands a platform is
//! the one rsa would have encoded for the same key.
mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::fixture;
use iamjwt::key::der::CheckedDer;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};

/// A fixture's PKCS#1 `RSAPrivateKey` DER.
fn pkcs1_of(name: &str) -> Vec<u8> {
    let pem = fixture(&format!("keys/{name}"));
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = STANDARD.decode(body).unwrap();
    let info = pkcs8::PrivateKeyInfoRef::try_from(der.as_slice()).unwrap();
    info.private_key.as_bytes().to_vec()
}

/// The content ranges of the nine INTEGERs in PKCS#1 DER (version, n, e,
/// d, p, q, dP, dQ, qInv).
fn integers(der: &[u8]) -> Vec<std::ops::Range<usize>> {
    tlvs(der).into_iter().map(|(_, content)| content).collect()
}

/// Where each of the nine INTEGERs' TLV starts, and its content.
fn tlvs(der: &[u8]) -> Vec<(usize, std::ops::Range<usize>)> {
    let header = |at: usize| -> (usize, usize) {
        let len = der[at + 1] as usize;
        if len < 0x80 {
            (at + 2, len)
        } else {
            let count = len & 0x7f;
            let len = der[at + 2..at + 2 + count]
                .iter()
                .fold(0usize, |acc, &b| acc << 8 | b as usize);
            (at + 2 + count, len)
        }
    };
    let (mut at, _) = header(0);
    let mut out = Vec::new();
    while at < der.len() {
        assert_eq!(der[at], 0x02, "an INTEGER");
        let (start, len) = header(at);
        out.push((at, start..start + len));
        at = start + len;
    }
    assert_eq!(out.len(), 9);
    out
}

/// rsa's verdict on PKCS#1 DER: its own decoder and `from_components`.
fn rsa_takes(der: &[u8]) -> Option<rsa::PrivateKey> {
    rsa::PrivateKey::from_pkcs1_der(der).ok()
}

/// The core's verdict: the check, then rsa only when the file's CRT values
/// are not its own (as `exportKeyForPlatform` and `signJwt` do).
fn core_takes(der: &[u8]) -> bool {
    match CheckedDer::check(der, "private_key") {
        Err(e) => {
            assert_eq!(e.code(), "ERR_KEY_CORRUPT", "{e}");
            false
        }
        Ok(checked) => checked.platform_pkcs1().is_some() || checked.build("private_key").is_ok(),
    }
}

/// Asserts the two verdicts agree, and that what a platform is handed is
/// rsa's own encoding of the key.
fn agree(der: &[u8], what: &str) -> bool {
    let theirs = rsa_takes(der);
    assert_eq!(core_takes(der), theirs.is_some(), "{what}");
    if let Ok(checked) = CheckedDer::check(der, "private_key") {
        if let Some(platform) = checked.platform_pkcs8() {
            let theirs = theirs
                .as_ref()
                .expect("rsa takes a key whose check passed with its own CRT values");
            assert_eq!(
                platform.as_slice(),
                theirs.to_pkcs8_der().unwrap().as_bytes(),
                "{what}"
            );
            let imported = rsa::PrivateKey::from_pkcs8_der(&platform).unwrap();
            assert_eq!(&imported, theirs, "{what}");
        }
    }
    theirs.is_some()
}

/// A small deterministic generator for byte positions and values.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn the_check_gives_rsas_verdict_on_every_damaged_number() {
    let mut rng = Lcg(7);
    for name in ["rsa2048.pem", "rsa2049.pem", "rsa3000.pem", "rsa4096.pem"] {
        let der = pkcs1_of(name);
        assert!(agree(&der, name), "{name} as it is");
        let ranges = integers(&der);
        let mut taken = [0usize; 9];
        for (which, range) in ranges.iter().enumerate().skip(1) {
            // The first and last bytes, and random ones between; one bit, or a
            // byte replaced, as a pasted file gets damaged.
            let mut positions = vec![range.start, range.end - 1];
            positions.extend((0..10).map(|_| range.start + rng.next() as usize % range.len()));
            for at in positions {
                for change in [1u8, 0x80, (rng.next() as u8) | 1] {
                    let mut damaged = der.clone();
                    damaged[at] ^= change;
                    if agree(
                        &damaged,
                        &format!("{name}: integer {which}, byte {at} ^ {change:#x}"),
                    ) {
                        taken[which] += 1;
                    }
                }
            }
        }
        // Damage to n, e, d, p or q is refused; to dP, dQ and qInv, which rsa
        // computes itself, it is not, unless it breaks the DER (a sign bit).
        assert_eq!(
            taken[1..6],
            [0; 5],
            "{name}: a damaged n, e, d, p or q is refused"
        );
        assert!(taken[6..].iter().all(|&t| t >= 30), "{name}: {taken:?}");
    }
}

#[test]
fn a_file_with_other_crt_values_is_taken_but_not_handed_to_a_platform() {
    let der = pkcs1_of("rsa2048.pem");
    let tlvs = tlvs(&der);
    let ((p_at, p), (q_at, q)) = (tlvs[4].clone(), tlvs[5].clone());
    // p and q swapped: the same key, whose file's dP, dQ and qInv are now
    // those of the other order.
    let mut swapped = der[..p_at].to_vec();
    swapped.extend_from_slice(&der[q_at..q.end]);
    swapped.extend_from_slice(&der[p_at..p.end]);
    swapped.extend_from_slice(&der[q.end..]);
    assert_eq!(swapped.len(), der.len());
    let checked = CheckedDer::check(&swapped, "private_key").unwrap();
    assert!(
        checked.platform_pkcs8().is_none(),
        "its CRT values are not its own"
    );
    let built = checked.build("private_key").unwrap();
    assert_eq!(built, rsa_takes(&swapped).unwrap());
    assert!(agree(&swapped, "p and q swapped"));
    // The file as it was: handed over as it is.
    let checked = CheckedDer::check(&der, "private_key").unwrap();
    assert!(checked.platform_pkcs8().is_some());
}
