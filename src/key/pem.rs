//! Lenient PEM reading for keys as users paste them ([RFC 7468]).
//!
//! Key files travel through chat windows, CI secrets and shell quoting, and
//! arrive with CRLF line ends, base64 re-wrapped at any width (or not at all),
//! newlines turned into literal `\n` text, and the Yandex Cloud preamble line
//! `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <id>` in front.
//! [`decode`] accepts all of that and returns the label, the DER bytes (which
//! wipe themselves on drop) and the key id from the preamble, if any.
//!
//! The lenient part works on the text's public structure: its lines, the
//! armour, the headers and the whitespace. The base64 body, which is the
//! secret key, is decoded by base64ct, whose decoder has no table lookups
//! or branches that depend on the characters ([`decode_base64`]; the
//! constant-time gate in ct/ runs it under valgrind on the fixtures' keys).
//!
//! [RFC 7468]: https://www.rfc-editor.org/rfc/rfc7468

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use base64ct::{Base64Unpadded, Base64UrlUnpadded, Encoding as _};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The text in front of the key id in the Yandex Cloud preamble line.
const PREAMBLE_MARK: &str = "Yandex.Cloud SA Key ID";

/// One decoded PEM block.
pub struct Pem {
    /// The label between `BEGIN` and the dashes, such as `PRIVATE KEY`;
    /// `None` when the input was bare base64 with no armour.
    pub label: Option<String>,
    /// The decoded body; wiped when dropped.
    pub der: Zeroizing<Vec<u8>>,
    /// The key id from the Yandex Cloud preamble line, when there is one.
    pub preamble_id: Option<String>,
    /// `Proc-Type: 4,ENCRYPTED` or `DEK-Info:` headers were present.
    pub encrypted_headers: bool,
}

/// Decodes the first PEM block in `text`, tolerating the damage described in
/// the module docs. `field` names the field in error messages.
///
/// # Errors
/// [`Error::KeyCorrupt`] when there is no BEGIN line and the text is not bare
/// base64, when the END line is missing or does not match, or when the body is
/// not base64; [`Error::KeyUnsupported`] for OpenSSH keys.
pub fn decode(text: &str, field: &'static str) -> Result<Pem> {
    // Literal "\n" / "\r" text (a JSON string escaped twice) becomes real line ends.
    let normalized = normalize_line_ends(text);
    let text = normalized.as_deref().map_or(text, String::as_str);
    let Some((preamble, after_begin)) = text.split_once("-----BEGIN ") else {
        return decode_bare(text, field);
    };
    let preamble_id = preamble_id(preamble);
    let Some((label, body_and_rest)) = after_begin.split_once("-----") else {
        return Err(corrupt(field, "the BEGIN line is cut off"));
    };
    let label = label.trim().to_string();
    if label == "OPENSSH PRIVATE KEY" {
        return Err(Error::KeyUnsupported(alloc::format!(
            "{field} is an OpenSSH key; convert it with `ssh-keygen -p -m PKCS8 -f FILE` or use the authorized key file from Yandex Cloud"
        )));
    }
    let end_marker = alloc::format!("-----END {label}-----");
    let Some((armoured, _)) = body_and_rest.split_once(end_marker.as_str()) else {
        return Err(if body_and_rest.find("-----END ").is_some() {
            corrupt(field, "the END line does not match the BEGIN line")
        } else {
            corrupt(field, "the END line is missing; the key was cut short")
        });
    };
    let mut encrypted_headers = false;
    let mut body = Zeroizing::new(Vec::with_capacity(armoured.len()));
    for line in armoured.lines() {
        let line = line.trim();
        if let Some((name, _)) = line.split_once(':') {
            // RFC 1421 headers of legacy "traditional" PEM.
            if name == "Proc-Type" || name == "DEK-Info" {
                encrypted_headers = true;
            }
            continue;
        }
        push_without_whitespace(&mut body, line);
    }
    let der = decode_body(&body).ok_or_else(|| {
        corrupt(
            field,
            "its base64 body has characters that are not base64 or a wrong length",
        )
    })?;
    if der.is_empty() {
        return Err(corrupt(field, "its body is empty"));
    }
    Ok(Pem {
        label: Some(label),
        der,
        preamble_id,
        encrypted_headers,
    })
}

/// Turns CRLF, CR and the literal texts `\n`, `\r` into `\n`, in one copy
/// that is wiped on drop; `None` when the text has none of them (a key as
/// Yandex Cloud writes it), and needs no copy. It works on bytes: each
/// sequence it replaces is ASCII, which no byte of a longer UTF-8
/// character equals.
fn normalize_line_ends(text: &str) -> Option<Zeroizing<String>> {
    let bytes = text.as_bytes();
    if !bytes.iter().any(|&b| b == b'\\' || b == b'\r') {
        return None;
    }
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len()));
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        let rest = bytes.get(at..).unwrap_or_default();
        let skip = match rest {
            // "\r\n" as text is one line end.
            [b'\\', b'r', b'\\', b'n', ..] => 4,
            [b'\\', b'n' | b'r', ..] | [b'\r', b'\n', ..] => 2,
            [b'\r', ..] => 1,
            _ => {
                out.push(b);
                at += 1;
                continue;
            }
        };
        out.push(b'\n');
        at += skip;
    }
    let text = core::str::from_utf8(&out).ok()?;
    Some(Zeroizing::new(text.to_string()))
}

/// Appends `line` to `body` without its whitespace (as `char::is_whitespace`
/// has it), byte by byte where the line is ASCII.
fn push_without_whitespace(body: &mut Vec<u8>, line: &str) {
    if line.is_ascii() {
        body.extend(line.bytes().filter(|&b| !char::from(b).is_whitespace()));
    } else {
        let mut buf = [0u8; 4];
        for c in line.chars().filter(|c| !c.is_whitespace()) {
            body.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
}

/// Bare base64 DER without BEGIN/END lines.
fn decode_bare(text: &str, field: &'static str) -> Result<Pem> {
    let mut body = Zeroizing::new(Vec::with_capacity(text.len()));
    push_without_whitespace(&mut body, text);
    if body.is_empty() {
        return Err(corrupt(field, "it is empty"));
    }
    match decode_body(&body) {
        Some(der) if der.first() == Some(&0x30) => Ok(Pem {
            label: None,
            der,
            preamble_id: None,
            encrypted_headers: false,
        }),
        _ => Err(corrupt(
            field,
            "it has no -----BEGIN ...----- line and is not base64 DER",
        )),
    }
}

/// Decodes base64 text without whitespace: standard base64, padding
/// optional; the URL-safe alphabet is accepted too. `None` when it is not
/// base64.
///
/// The padding is part of the text's structure and is stripped first
/// ([`strip_padding`]); the characters before it are the secret, and go to
/// [`decode_base64`].
fn decode_body(body: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    decode_base64(strip_padding(core::str::from_utf8(body).ok()?))
}

/// `body` without the one or two `=` it may end with.
#[must_use]
pub fn strip_padding(body: &str) -> &str {
    body.strip_suffix("==")
        .or_else(|| body.strip_suffix('='))
        .unwrap_or(body)
}

/// Decodes unpadded base64 in constant time with respect to its characters
/// (base64ct): the standard alphabet, or else the URL-safe one. `None` when
/// it is neither.
///
/// Only text that is not standard base64 is tried again as URL-safe, so
/// what the decoding's timing can show is which of the two alphabets the
/// text is in, and its length.
#[must_use]
pub fn decode_base64(unpadded: &str) -> Option<Zeroizing<Vec<u8>>> {
    Base64Unpadded::decode_vec(unpadded)
        .or_else(|_| Base64UrlUnpadded::decode_vec(unpadded))
        .ok()
        .map(Zeroizing::new)
}

/// The id between `<` and `>` after "Yandex.Cloud SA Key ID", if present.
/// The angle brackets may also arrive as the text `\u003c` / `\u003e`.
fn preamble_id(preamble: &str) -> Option<String> {
    let (_, rest) = preamble.split_once(PREAMBLE_MARK)?;
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix('<')
        .or_else(|| rest.strip_prefix("\\u003c"))
        .or_else(|| rest.strip_prefix("\\u003C"))?;
    let end = rest
        .find('>')
        .into_iter()
        .chain(rest.find("\\u003e"))
        .chain(rest.find("\\u003E"))
        .min()?;
    let id = rest.get(..end)?.trim();
    (!id.is_empty()).then(|| id.to_string())
}

fn corrupt(field: &'static str, why: &str) -> Error {
    Error::KeyCorrupt(alloc::format!("{field} is not a valid PEM key: {why}"))
}
