//! What every token service's request and answer are made of: the
//! request as a value ([`HttpRequest`]), the token it gives ([`Token`]),
//! and the two body encodings (JSON, form).

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

/// An HTTP request for the caller to send.
#[derive(Clone, PartialEq, Eq)]
#[must_use]
pub struct HttpRequest {
    /// `GET`, `PUT` or `POST`.
    pub method: &'static str,
    /// The full URL.
    pub url: String,
    /// Header names and values.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body, if any.
    pub body: Option<String>,
}

impl core::fmt::Debug for HttpRequest {
    /// Bodies and Authorization carry credentials: only their presence shows.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            )
            .field("body", &self.body.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A token and when it expires.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    /// The token to send as `Authorization: Bearer …`.
    pub token: String,
    /// Unix seconds.
    pub expires_at: u64,
}

impl core::fmt::Debug for Token {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Token")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// `POST {url}` with a JSON body.
pub(crate) fn json_post(url: &str, body: String) -> HttpRequest {
    HttpRequest {
        method: "POST",
        url: url.to_string(),
        headers: vec![
            ("Content-Type", "application/json".to_string()),
            ("Accept", "application/json".to_string()),
        ],
        body: Some(body),
    }
}

/// `application/x-www-form-urlencoded` pairs: unreserved characters as
/// they are, every other byte as `%XX`.
pub(crate) fn form(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        percent_encode(value, &mut out);
    }
    out
}

/// Appends `value` percent-encoded: unreserved characters as they are, every
/// other byte as `%XX`.
pub(crate) fn percent_encode(value: &str, out: &mut String) {
    use core::fmt::Write as _;
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

/// A base URL without its trailing slashes, or `default`.
pub(crate) fn base<'a>(url: Option<&'a str>, default: &'a str) -> &'a str {
    url.unwrap_or(default).trim_end_matches('/')
}
