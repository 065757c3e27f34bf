//! The offline key check: everything that can be known about an authorized
//! key without asking IAM, as a list of named checks.
//!
//! Checks run in order; one that cannot run because an earlier one failed is
//! [`Verdict::Skip`]. The key can mint tokens when no check failed.
//!
//! # Example
//! ```
//! # let json = include_str!("../www/demo-key.json");
//! let report = iamjwt::check::check_key(json, 1_700_000_000);
//! assert!(report.ok());
//! assert!(report.checks.iter().any(|c| c.id == "sign_verify"));
//! ```

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use rsa::rand_core::TryCryptoRng;

use crate::error::Error;
use crate::jwt::{self, SignOptions, VerifyOptions};
use crate::key::authorized::same_public_key;
use crate::key::der::{self, DecodedPrivateKey};
use crate::key::file::{self as key_file, KeyFile};
use crate::text::short;
use crate::{AuthorizedKey, VerifyingKey};

/// The ids of the checks, in the order they run.
pub const CHECK_IDS: &[&str] = &[
    "json",
    "fields",
    "private_key",
    "rsa",
    "key_size",
    "key_algorithm",
    "public_key",
    "preamble_id",
    "sign_verify",
];

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The check passed.
    Pass,
    /// The check failed: the key cannot mint tokens, or the file is inconsistent.
    Fail,
    /// The check could not run, or does not apply to this file.
    Skip,
}

impl Verdict {
    /// `pass`, `fail` or `skip`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Skip => "skip",
        }
    }
}

/// One named check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// One of [`CHECK_IDS`].
    pub id: &'static str,
    /// Pass, fail or skip.
    pub verdict: Verdict,
    /// One line for the user.
    pub message: String,
    /// The error code behind a failure.
    pub code: Option<&'static str>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The checks, in the order of [`CHECK_IDS`].
    pub checks: Vec<Check>,
}

impl Report {
    /// True when no check failed: the key can mint tokens.
    #[must_use]
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.verdict != Verdict::Fail)
    }
}

struct Builder(Vec<Check>);

impl Builder {
    fn pass(&mut self, id: &'static str, message: impl Into<String>) {
        self.push(id, Verdict::Pass, message.into(), None);
    }
    fn fail(&mut self, id: &'static str, error: &Error) {
        self.push(id, Verdict::Fail, error.to_string(), Some(error.code()));
    }
    fn fail_with(&mut self, id: &'static str, message: String, code: &'static str) {
        self.push(id, Verdict::Fail, message, Some(code));
    }
    fn skip(&mut self, id: &'static str, message: &str) {
        self.push(id, Verdict::Skip, message.to_string(), None);
    }
    fn push(
        &mut self,
        id: &'static str,
        verdict: Verdict,
        message: String,
        code: Option<&'static str>,
    ) {
        self.0.push(Check {
            id,
            verdict,
            message,
            code,
        });
    }
    /// Skips every check after `after` that has not run.
    fn skip_rest(mut self, why: &str) -> Report {
        for id in CHECK_IDS.iter().skip(self.0.len()) {
            self.skip(id, why);
        }
        Report { checks: self.0 }
    }
}

/// Checks an authorized key, signing the test JWT at `now` with the system
/// random number generator, as signing does.
#[must_use]
pub fn check_key(text: &str, now: u64) -> Report {
    check_key_with_rng(text, now, &mut crate::rng::system())
}

/// Checks an authorized key; see the module docs.
#[must_use]
pub fn check_key_with_rng<R: TryCryptoRng + ?Sized>(text: &str, now: u64, rng: &mut R) -> Report {
    let mut b = Builder(Vec::with_capacity(CHECK_IDS.len()));
    if let Err(e) = key_file::parse_object(text) {
        b.fail("json", &e);
        return b.skip_rest("the key is not JSON");
    }
    b.pass("json", "parses as a JSON object");

    let file = match KeyFile::from_json(text) {
        Ok(file) => file,
        Err(e) => {
            b.fail("fields", &e);
            return b.skip_rest("the authorized key's fields are missing");
        }
    };
    b.pass(
        "fields",
        format!(
            "key {} of service account {}",
            short(&file.id),
            short(&file.service_account_id)
        ),
    );

    let pem = file.private_key.as_deref().map_or("", |s| s.as_str());
    let decoded = match der::private_key_from_pem(pem, "private_key") {
        Ok(decoded) => decoded,
        Err(e @ Error::KeyNotRsa(_)) => {
            b.pass("private_key", "decodes");
            b.fail("rsa", &e);
            return b.skip_rest("the key is not RSA");
        }
        Err(e @ Error::KeyTooSmall(_)) => {
            b.pass("private_key", "decodes");
            b.pass("rsa", "is an RSA key");
            b.fail("key_size", &e);
            return b.skip_rest("the key is too small to use");
        }
        Err(e) => {
            b.fail("private_key", &e);
            return b.skip_rest("the private key does not decode");
        }
    };
    let DecodedPrivateKey {
        key: private,
        preamble_id,
    } = decoded;
    b.pass("private_key", "decodes");
    b.pass("rsa", "is an RSA key");
    let public = private.to_public_key();
    let bits = der::modulus_bits(&public);
    b.pass("key_size", format!("{bits} bits"));

    let expected_algorithm = format!("RSA_{bits}");
    match file.key_algorithm.as_deref() {
        None => b.skip("key_algorithm", "the file has no key_algorithm"),
        Some(alg) if alg == expected_algorithm => {
            b.pass("key_algorithm", format!("{alg} matches the key"))
        }
        Some(alg) => b.fail_with(
            "key_algorithm",
            format!(
                "key_algorithm says {}, but the key has {bits} bits",
                short(alg)
            ),
            "ERR_KEY_MISMATCH",
        ),
    }

    match file.public_key.as_deref() {
        None => b.skip("public_key", "the file has no public_key"),
        Some(pem) => match der::public_key_from_pem(pem, "public_key") {
            Ok(listed) if same_public_key(&listed, &public) => {
                b.pass("public_key", "is the public half of private_key");
            }
            Ok(_) => b.fail("public_key", &Error::KeyMismatch),
            Err(e) => b.fail("public_key", &e),
        },
    }

    match preamble_id {
        None => b.skip(
            "preamble_id",
            "private_key has no \"Yandex.Cloud SA Key ID\" line",
        ),
        Some(id) if id == file.id => b.pass(
            "preamble_id",
            "the id in private_key's first line is the key's id",
        ),
        Some(id) => b.fail_with(
            "preamble_id",
            format!(
                "private_key's first line names key {}, but id is {}; the file mixes two keys",
                short(&id),
                short(&file.id)
            ),
            "ERR_KEY_MISMATCH",
        ),
    }

    // The path a user takes from here: the key, a signature, its verification.
    let result = AuthorizedKey::from_parts(file, private).and_then(|key| {
        let token = jwt::sign_with_rng(&key, &SignOptions::new(now), rng)?;
        jwt::verify(&token, &VerifyingKey::from(&key), &VerifyOptions::new(now))
    });
    match result {
        Ok(_) => b.pass("sign_verify", "a test JWT signs and verifies (PS256)"),
        Err(e) => b.fail("sign_verify", &e),
    }
    Report { checks: b.0 }
}
