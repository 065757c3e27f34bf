//! The one error type of the crate, with stable codes.
//!
//! Every failure has a [`code`](Error::code) that never changes between
//! versions (switch on it) and a one-line message that tells the user what to
//! do (show it). Messages never quote the input: a key file is a secret, and
//! so may be anything pasted next to it.

use alloc::string::String;
use core::fmt;

/// What went wrong, with a stable [`code`](Error::code).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The input is longer than the bound for its kind (key JSON, JWT).
    InputTooLarge {
        /// What the input was meant to be ("key", "JWT").
        what: &'static str,
        /// The bound, in bytes.
        limit: usize,
    },
    /// The key input is not JSON; the message says what it looks like instead.
    KeyNotJson(String),
    /// A required field of the authorized key is absent.
    KeyFieldMissing(&'static str),
    /// A field of the authorized key has the wrong type or is empty.
    KeyFieldInvalid(&'static str),
    /// The JSON is another kind of credential (a static access key, an API key).
    KeyWrongKind(&'static str),
    /// The key belongs to a user account, not a service account.
    KeyUserAccount,
    /// The private key is not an RSA key (EC, Ed25519, …).
    KeyNotRsa(&'static str),
    /// The private key is encrypted with a passphrase.
    KeyEncrypted,
    /// The RSA modulus is shorter than 2048 bits.
    KeyTooSmall(u32),
    /// The key is RSA but in a form this crate does not take (too large,
    /// multi-prime, OpenSSH, PSS-restricted).
    KeyUnsupported(String),
    /// The PEM or DER of a key is damaged; the message says which field and how.
    KeyCorrupt(String),
    /// `public_key` is not the public half of `private_key`.
    KeyMismatch,
    /// An option is out of range: `ttl`, `now`, `audience`, `leeway`.
    OptionInvalid(String),
    /// The JWT is not three base64url parts of JSON objects.
    JwtMalformed(String),
    /// The JWT's `alg` is not PS256.
    JwtAlgorithm(String),
    /// The JWT's signature does not verify with the given key.
    JwtSignature,
    /// The JWT's `exp` has passed (beyond the leeway).
    JwtExpired {
        /// The token's `exp`.
        exp: u64,
        /// The time it was checked at.
        now: u64,
    },
    /// The JWT lives longer than IAM accepts (`exp - iat > 3600`) or `exp <= iat`.
    JwtLifetime(String),
    /// A claim or header field is missing, of the wrong type, or does not
    /// match (`iat` in the future, `kid`, `iss`, `aud`).
    JwtClaimInvalid(String),
    /// IAM refused the exchange: an HTTP error status with IAM's error JSON
    /// (or, from the token exchange of workload identity federation,
    /// OAuth's `{error, error_description}`).
    IamRejected {
        /// The HTTP status.
        status: u16,
        /// The gRPC status code IAM gave (16 is UNAUTHENTICATED).
        grpc_code: Option<i64>,
        /// OAuth's error code (`invalid_grant`, …), from the token exchange.
        oauth_error: Option<String>,
        /// IAM's message.
        message: String,
        /// IAM's request id, for support.
        request_id: Option<String>,
    },
    /// A token service answered with something that is not JSON (an HTML
    /// page from a proxy, an empty body).
    ResponseNotJson(String),
    /// A token service answered JSON without the fields it must have.
    ResponseInvalid(String),
    /// A VM metadata service refused (an HTTP error, or EC2's `Code` not `Success`).
    MetadataRejected(String),
    /// A URL would carry a credential over plain http to a host that is
    /// neither loopback nor the flow's metadata address; the message names
    /// the host and the opt-in.
    InsecureUrl(String),
    /// A federation subject token is not a JWT (three base64url parts) or
    /// is larger than 16 KB; the message names where it came from, never
    /// its text.
    SubjectTokenInvalid(String),
    /// A CI's OIDC token cannot be had here (GitHub Actions: not in
    /// Actions, or the job lacks `permissions: id-token: write`).
    OidcUnavailable(String),
    /// The random number generator failed.
    Rng,
    /// The RSA operation failed for a reason that is not the input's fault.
    Crypto,
    /// A failure inside the core that no input can cause (writing its own
    /// JSON, say); the message names what failed.
    Internal(&'static str),
}

/// The one table of codes: each variant's code, in a stable order.
/// [`ERROR_CODES`] and [`Error::code`] are made from it, and the JS layer's
/// `ERROR_CODES` from [`ERROR_CODES`] (at build time).
macro_rules! codes {
    ($($variant:ident => $code:literal,)*) => {
        /// Every code [`Error::code`] can return, in a stable order.
        pub const ERROR_CODES: &[&str] = &[$($code),*];

        impl Error {
            /// The stable code of this error, such as `ERR_KEY_NOT_JSON`.
            ///
            /// Codes never change meaning; messages may be reworded.
            #[must_use]
            pub fn code(&self) -> &'static str {
                match self {
                    $(Error::$variant { .. } => $code,)*
                }
            }
        }
    };
}

codes! {
    InputTooLarge => "ERR_INPUT_TOO_LARGE",
    KeyNotJson => "ERR_KEY_NOT_JSON",
    KeyFieldMissing => "ERR_KEY_FIELD_MISSING",
    KeyFieldInvalid => "ERR_KEY_FIELD_INVALID",
    KeyWrongKind => "ERR_KEY_WRONG_KIND",
    KeyUserAccount => "ERR_KEY_USER_ACCOUNT",
    KeyNotRsa => "ERR_KEY_NOT_RSA",
    KeyEncrypted => "ERR_KEY_ENCRYPTED",
    KeyTooSmall => "ERR_KEY_TOO_SMALL",
    KeyUnsupported => "ERR_KEY_UNSUPPORTED",
    KeyCorrupt => "ERR_KEY_CORRUPT",
    KeyMismatch => "ERR_KEY_MISMATCH",
    OptionInvalid => "ERR_OPTION_INVALID",
    JwtMalformed => "ERR_JWT_MALFORMED",
    JwtAlgorithm => "ERR_JWT_ALGORITHM",
    JwtSignature => "ERR_JWT_SIGNATURE",
    JwtExpired => "ERR_JWT_EXPIRED",
    JwtLifetime => "ERR_JWT_LIFETIME",
    JwtClaimInvalid => "ERR_JWT_CLAIM_INVALID",
    IamRejected => "ERR_IAM_REJECTED",
    ResponseNotJson => "ERR_RESPONSE_NOT_JSON",
    ResponseInvalid => "ERR_RESPONSE_INVALID",
    MetadataRejected => "ERR_METADATA_REJECTED",
    OidcUnavailable => "ERR_OIDC_UNAVAILABLE",
    InsecureUrl => "ERR_INSECURE_URL",
    SubjectTokenInvalid => "ERR_SUBJECT_TOKEN_INVALID",
    Rng => "ERR_RNG",
    Crypto => "ERR_CRYPTO",
    Internal => "ERR_INTERNAL",
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InputTooLarge { what, limit } => write!(
                f,
                "the {what} is larger than {limit} bytes; paste only the {what} itself"
            ),
            Error::KeyNotJson(why) => f.write_str(why),
            Error::KeyFieldMissing(field) => write!(
                f,
                "the authorized key has no \"{field}\" field; use the whole file that `yc iam key create` wrote"
            ),
            Error::KeyFieldInvalid(field) => write!(
                f,
                "the authorized key's \"{field}\" field is not a string of the expected form; use the file as `yc iam key create` wrote it"
            ),
            Error::KeyWrongKind(kind) => write!(
                f,
                "this is {kind}, not an authorized key; create one with `yc iam key create --service-account-name NAME --output key.json`"
            ),
            Error::KeyUserAccount => f.write_str(
                "this key belongs to a user account; only service-account authorized keys can be exchanged for IAM tokens with a JWT",
            ),
            Error::KeyNotRsa(kind) => write!(
                f,
                "the private key is {kind}, not RSA; Yandex Cloud authorized keys are RSA_2048 or RSA_4096"
            ),
            Error::KeyEncrypted => f.write_str(
                "the private key is encrypted with a passphrase; decrypt it first (openssl pkey -in encrypted.pem -out key.pem) or use the key file as Yandex Cloud issued it",
            ),
            Error::KeyTooSmall(bits) => write!(
                f,
                "the RSA key has {bits} bits; at least 2048 are required"
            ),
            Error::KeyUnsupported(why) => f.write_str(why),
            Error::KeyCorrupt(why) => f.write_str(why),
            Error::KeyMismatch => f.write_str(
                "public_key is not the public half of private_key; the file mixes two keys, so download the key again",
            ),
            Error::OptionInvalid(why) => f.write_str(why),
            Error::JwtMalformed(why) => write!(f, "malformed JWT: {why}"),
            Error::JwtAlgorithm(alg) => {
                write!(f, "the JWT's alg is \"{alg}\"; only PS256 is accepted")
            }
            Error::JwtSignature => {
                f.write_str("the JWT's signature does not verify with this key")
            }
            Error::JwtExpired { exp, now } => write!(
                f,
                "the JWT expired {} ago, at {}; sign a new one",
                crate::text::duration(now.saturating_sub(*exp)),
                crate::time::format_rfc3339(*exp)
            ),
            Error::JwtLifetime(why) => f.write_str(why),
            Error::JwtClaimInvalid(why) => f.write_str(why),
            Error::IamRejected {
                status,
                grpc_code,
                oauth_error,
                message,
                request_id,
            } => {
                write!(f, "{status}")?;
                if let Some(code) = grpc_code {
                    write!(f, " {} ({code})", grpc_code_name(*code))?;
                }
                if let Some(error) = oauth_error {
                    write!(f, " {error}")?;
                }
                write!(f, ": {}", message.trim_end_matches('.'))?;
                if let Some(id) = request_id {
                    write!(f, ". requestId={id}")?;
                }
                Ok(())
            }
            Error::ResponseNotJson(why)
            | Error::ResponseInvalid(why)
            | Error::MetadataRejected(why)
            | Error::OidcUnavailable(why)
            | Error::InsecureUrl(why)
            | Error::SubjectTokenInvalid(why) => f.write_str(why),
            Error::Rng => f.write_str("the system random number generator failed"),
            Error::Crypto => f.write_str("the RSA operation failed its check, so nothing was signed"),
            Error::Internal(what) => write!(f, "internal error in the iamjwt core: {what}"),
        }
    }
}

impl core::error::Error for Error {}

/// The crate's result type.
pub type Result<T> = core::result::Result<T, Error>;

/// The gRPC status name of a code, as IAM reports them.
#[must_use]
pub fn grpc_code_name(code: i64) -> &'static str {
    match code {
        0 => "OK",
        1 => "CANCELLED",
        2 => "UNKNOWN",
        3 => "INVALID_ARGUMENT",
        4 => "DEADLINE_EXCEEDED",
        5 => "NOT_FOUND",
        6 => "ALREADY_EXISTS",
        7 => "PERMISSION_DENIED",
        8 => "RESOURCE_EXHAUSTED",
        9 => "FAILED_PRECONDITION",
        10 => "ABORTED",
        11 => "OUT_OF_RANGE",
        12 => "UNIMPLEMENTED",
        13 => "INTERNAL",
        14 => "UNAVAILABLE",
        15 => "DATA_LOSS",
        16 => "UNAUTHENTICATED",
        _ => "UNKNOWN",
    }
}
