//! The Yandex Cloud authorized key file, in every shape users paste it.
//!
//! The format is described in the Yandex Cloud docs, "Authorized keys"
//! (`yc iam key create --output key.json`). The shapes read here:
//!
//! - the yc CLI / console file, snake_case: `id`, `service_account_id`,
//!   `created_at`, `key_algorithm`, `public_key`, `private_key`;
//! - the `keys.create` API answer: `{"key": {…camelCase…}, "privateKey": "…"}`;
//! - the same fields flat in camelCase;
//! - any of them with a UTF-8 BOM or whitespace around;
//! - any of them as base64 (wrapped or not), a common form of CI secrets.
//!
//! Other credentials pasted by mistake (static access keys, API keys,
//! user-account keys) are named in the error.
//!
//! <div class="warning">A key file is a secret: never log it, and never put
//! the text of a parse error next to it.</div>

use alloc::format;
use alloc::string::{String, ToString};
use serde_json::error::Category;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The largest key JSON accepted, in bytes. A real file is about 3–5 KB.
pub const MAX_KEY_JSON: usize = 64 * 1024;

/// The fields of an authorized key file, before any key is decoded.
///
/// `private_key` is optional here so that public-only descriptions (the
/// answer of `yc iam key get`) can serve for verification.
pub struct KeyFile {
    /// The key id, the JWT's `kid`.
    pub id: String,
    /// The service account id, the JWT's `iss`.
    pub service_account_id: String,
    /// When the key was created (RFC 3339), as the file says.
    pub created_at: Option<String>,
    /// `RSA_2048` or `RSA_4096`, as the file says.
    pub key_algorithm: Option<String>,
    /// The public key PEM.
    pub public_key: Option<String>,
    /// The private key PEM; wiped on drop.
    pub private_key: Option<Zeroizing<String>>,
}

impl core::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyFile")
            .field("id", &self.id)
            .field("service_account_id", &self.service_account_id)
            .field("created_at", &self.created_at)
            .field("key_algorithm", &self.key_algorithm)
            .field(
                "private_key",
                &self.private_key.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

impl KeyFile {
    /// Reads the fields of an authorized key file in any of the shapes in the
    /// module docs. The private key is required.
    ///
    /// # Errors
    /// [`Error::InputTooLarge`], [`Error::KeyNotJson`],
    /// [`Error::KeyWrongKind`], [`Error::KeyUserAccount`],
    /// [`Error::KeyFieldMissing`] or [`Error::KeyFieldInvalid`].
    pub fn from_json(text: &str) -> Result<Self> {
        let file = Self::from_json_public(text)?;
        if file.private_key.is_none() {
            return Err(Error::KeyFieldMissing("private_key"));
        }
        Ok(file)
    }

    /// Like [`from_json`](Self::from_json), but the private key may be absent
    /// (for verifying with a key description that has only `public_key`).
    ///
    /// # Errors
    /// As [`from_json`](Self::from_json), but for a missing private key.
    pub fn from_json_public(text: &str) -> Result<Self> {
        let mut object = parse_object(text)?;
        let file = Self::from_object(&object);
        wipe(&mut object);
        file
    }

    fn from_object(object: &Map<String, Value>) -> Result<Self> {
        reject_other_kinds(object)?;
        // keys.create answer: {"key": {...}, "privateKey": "..."}.
        let (fields, outer) = match object.get("key") {
            Some(Value::Object(inner)) => (inner, Some(object)),
            _ => (object, None),
        };
        reject_other_kinds(fields)?;
        if has_any(fields, &["user_account_id", "userAccountId"])
            && !has_any(fields, &["service_account_id", "serviceAccountId"])
        {
            return Err(Error::KeyUserAccount);
        }
        let id = required(fields, "id", &["id"])?;
        let service_account_id = required(
            fields,
            "service_account_id",
            &["service_account_id", "serviceAccountId"],
        )?;
        let private_key = match optional(fields, "private_key", &["private_key", "privateKey"])? {
            Some(pem) => Some(pem),
            None => match outer {
                Some(outer) => optional(outer, "private_key", &["private_key", "privateKey"])?,
                None => None,
            },
        }
        .map(Zeroizing::new);
        Ok(KeyFile {
            id,
            service_account_id,
            created_at: optional(fields, "created_at", &["created_at", "createdAt"])?,
            key_algorithm: optional(fields, "key_algorithm", &["key_algorithm", "keyAlgorithm"])?,
            public_key: optional(fields, "public_key", &["public_key", "publicKey"])?,
            private_key,
        })
    }
}

/// [`Error::InputTooLarge`] when key text (JSON or PEM) passes
/// [`MAX_KEY_JSON`]: the bound every key input is checked against first.
pub(crate) fn check_size(text: &str) -> Result<()> {
    if text.len() > MAX_KEY_JSON {
        return Err(Error::InputTooLarge {
            what: "key",
            limit: MAX_KEY_JSON,
        });
    }
    Ok(())
}

/// Parses the text as one JSON object, after a BOM and whitespace.
///
/// # Errors
/// [`Error::InputTooLarge`] past [`MAX_KEY_JSON`]; [`Error::KeyNotJson`]
/// with a hint of what the text looks like instead.
pub fn parse_object(text: &str) -> Result<Map<String, Value>> {
    check_size(text)?;
    if let Some(json) = from_base64(text) {
        return parse_object(&json);
    }
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Err(Error::KeyNotJson(
            "the key is empty; paste the authorized key JSON (the file `yc iam key create` wrote)"
                .to_string(),
        ));
    }
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::KeyNotJson(
            "the key is JSON but not an object; paste the whole authorized key file, which starts with {".to_string(),
        )),
        Err(e) => Err(Error::KeyNotJson(not_json_hint(text, &e))),
    }
}

/// The key file's JSON when `text` is base64 of it (standard or URL-safe,
/// wrapped at any width or not): its decoding, which wipes itself. `None`
/// for anything else, which is read as it is. The decoding is
/// constant-time ([`super::pem::decode_base64`]): it is the private key.
pub(crate) fn from_base64(text: &str) -> Option<Zeroizing<String>> {
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.starts_with('{') || text.len() < 16 {
        return None;
    }
    let body: Zeroizing<String> =
        Zeroizing::new(text.chars().filter(|c| !c.is_whitespace()).collect());
    let bytes = super::pem::decode_base64(super::pem::strip_padding(&body))?;
    let json = Zeroizing::new(String::from_utf8(bytes.to_vec()).ok()?);
    json.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
        .then_some(json)
}

/// What the text looks like, for the not-JSON message; never quotes it.
fn not_json_hint(text: &str, e: &serde_json::Error) -> String {
    if text.starts_with("-----BEGIN") || text.starts_with("PLEASE DO NOT REMOVE") {
        "this is a bare PEM key; iamjwt needs the whole authorized key JSON, which also carries the key id and the service account id".to_string()
    } else if text.starts_with("y0_") || text.starts_with("AQAAAA") {
        "this looks like an OAuth token, not an authorized key; exchange it with `iamjwt token --oauth`".to_string()
    } else if text.starts_with("t1.") {
        "this looks like an IAM token already, not an authorized key".to_string()
    } else if text.starts_with("eyJ") {
        "this looks like a JWT, not an authorized key".to_string()
    } else if text.starts_with("access_key:") || text.starts_with("id:") {
        "the key is YAML, not JSON; create it with `yc iam key create --output key.json`, which writes JSON".to_string()
    } else if e.classify() == Category::Eof {
        format!(
            "the key JSON ends early (line {}); the file was cut short, so paste all of it, from {{ to }}",
            e.line()
        )
    } else {
        format!(
            "the key is not valid JSON (line {}, column {}); paste the whole authorized key file, from {{ to }}",
            e.line(),
            e.column()
        )
    }
}

fn reject_other_kinds(fields: &Map<String, Value>) -> Result<()> {
    if has_any(
        fields,
        &[
            "access_key",
            "accessKey",
            "storage_access_key",
            "storageAccessKey",
        ],
    ) || (has_any(
        fields,
        &["secret", "secret_key", "secretKey", "aws_secret_access_key"],
    ) && has_any(
        fields,
        &["key_id", "keyId", "access_key_id", "aws_access_key_id"],
    )) {
        return Err(Error::KeyWrongKind(
            "a static access key (for Object Storage)",
        ));
    }
    if has_any(fields, &["api_key", "apiKey"])
        || (fields.contains_key("secret") && !fields.contains_key("private_key"))
    {
        return Err(Error::KeyWrongKind("an API key"));
    }
    Ok(())
}

/// Overwrites every string in the parsed JSON before it is dropped, so the
/// private key does not linger in freed memory.
fn wipe(map: &mut Map<String, Value>) {
    use zeroize::Zeroize as _;
    for value in map.values_mut() {
        match value {
            Value::String(s) => s.zeroize(),
            Value::Object(inner) => wipe(inner),
            Value::Array(items) => items.iter_mut().for_each(|item| {
                if let Value::String(s) = item {
                    s.zeroize();
                }
            }),
            _ => {}
        }
    }
}

fn has_any(fields: &Map<String, Value>, names: &[&str]) -> bool {
    names.iter().any(|n| fields.contains_key(*n))
}

fn optional(
    fields: &Map<String, Value>,
    canonical: &'static str,
    names: &[&str],
) -> Result<Option<String>> {
    let Some(value) = names.iter().find_map(|n| fields.get(*n)) else {
        return Ok(None);
    };
    match value {
        Value::String(s) if !s.trim().is_empty() => Ok(Some(s.clone())),
        Value::Null => Ok(None),
        _ => Err(Error::KeyFieldInvalid(canonical)),
    }
}

/// An id (`id`, `service_account_id`): 1 to 128 visible ASCII characters,
/// as every Yandex Cloud id is. Anything else is a damaged or foreign file.
fn required(
    fields: &Map<String, Value>,
    canonical: &'static str,
    names: &[&str],
) -> Result<String> {
    let value = optional(fields, canonical, names)?
        .map(|s| s.trim().to_string())
        .ok_or(Error::KeyFieldMissing(canonical))?;
    let plain = value.len() <= 128
        && value
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
    if plain {
        Ok(value)
    } else {
        Err(Error::KeyFieldInvalid(canonical))
    }
}
