//! Known answers for the PSS signing path: NIST CAVP SigGenPSS (FIPS 186-2)
//! SHA-256 cases, salt 20 bytes injected through the rng
//! (tests/vectors/nist, public domain).
use iamjwt::ps256;
use rsa::rand_core::{TryCryptoRng, TryRng};
use rsa::BoxedUint;
use sha2::{Digest, Sha256};
use std::convert::Infallible;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Gives the salt first (rsa's PSS signer draws it before anything else),
/// then a SHA-256 counter stream for the blinding factor.
struct SaltThenStream {
    salt: Vec<u8>,
    counter: u64,
}

impl TryRng for SaltThenStream {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        if !self.salt.is_empty() {
            assert_eq!(dst.len(), self.salt.len(), "the first draw is the salt");
            dst.copy_from_slice(&std::mem::take(&mut self.salt));
            return Ok(());
        }
        for chunk in dst.chunks_mut(32) {
            self.counter += 1;
            let block = Sha256::digest(self.counter.to_be_bytes());
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(())
    }
}
impl TryCryptoRng for SaltThenStream {}

fn uint(bytes: &[u8]) -> BoxedUint {
    BoxedUint::from_be_slice_vartime(bytes)
}

#[test]
fn nist_sig_gen_pss_sha256() {
    let text = include_str!("vectors/nist/SigGenPSS_186-2.txt");
    let (mut n, mut e) = (Vec::new(), Vec::new());
    let mut key: Option<rsa::PrivateKey> = None;
    let (mut sha, mut salt, mut msg) = (String::new(), Vec::new(), Vec::new());
    let mut checked = std::collections::BTreeMap::<usize, usize>::new();
    for line in text.lines() {
        let Some((name, value)) = line.split_once(" = ") else {
            continue;
        };
        match name {
            "n" => n = hex(value),
            "e" => e = hex(value),
            "d" => {
                let d = hex(value);
                // The vectors give n, e and d: rsa recovers the primes.
                key = Some(
                    rsa::PrivateKey::from_components(uint(&n), uint(&e), uint(&d), vec![]).unwrap(),
                );
            }
            "SHAAlg" => sha = value.to_string(),
            "SaltVal" => salt = hex(value),
            "Msg" => msg = hex(value),
            "S" if sha == "SHA256" => {
                let key = ps256::SigningKey::new_with_salt_len(key.clone().unwrap(), salt.len());
                let mut rng = SaltThenStream {
                    salt: salt.clone(),
                    counter: 0,
                };
                let signature = ps256::sign_with_rng(&key, &msg, &mut rng).unwrap();
                assert_eq!(&signature[..], hex(value), "mod {} bits", n.len() * 8);
                *checked.entry(n.len() * 8).or_default() += 1;
            }
            _ => {}
        }
    }
    // 10 SHA-256 cases for each of the five modulus sizes.
    assert_eq!(
        checked.into_iter().collect::<Vec<_>>(),
        vec![(1024, 10), (1536, 10), (2048, 10), (3072, 10), (4096, 10)]
    );
}
