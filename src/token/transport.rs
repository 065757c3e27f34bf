//! What may cross the wire, decided before anything is sent or kept: which
//! URLs may carry a credential over plain http, which strings from an
//! answer may become a token, and what a federation subject token must
//! look like.

use alloc::format;
use alloc::string::String;

use crate::error::{Error, Result};

/// The link-local address of the VM metadata services, written once.
macro_rules! metadata_host {
    () => {
        "169.254.169.254"
    };
}
pub(crate) use metadata_host;
/// The link-local address of the VM metadata services (GCE, EC2, IBM).
pub const METADATA_HOST: &str = metadata_host!();
/// The longest token or id taken from an answer, in bytes.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;
/// The longest federation subject token (or its file), in bytes.
pub const MAX_SUBJECT_TOKEN_LEN: usize = 16 * 1024;

/// Where plain http may go for a flow: loopback always, and the metadata
/// address for the metadata flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlainHttp {
    /// Loopback only (IAM, OAuth, federation, GitHub's OIDC token).
    LoopbackOnly,
    /// Loopback and [`METADATA_HOST`] (GCE, EC2, IBM).
    LoopbackAndMetadata,
}

/// The host of an `http:` or `https:` URL as a browser reads it: after
/// the scheme's `//`, up to the first `/`, `\`, `?` or `#`, after the last
/// `@`, without the port. `None` for any other scheme.
fn scheme_and_host(url: &str) -> Option<(bool, &str)> {
    let (secure, rest) = if let Some(rest) = strip_prefix_ignore_case(url, "https://") {
        (true, rest)
    } else {
        (false, strip_prefix_ignore_case(url, "http://")?)
    };
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end)?;
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = if host_port.starts_with('[') {
        host_port.split_inclusive(']').next().unwrap_or(host_port)
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    Some((secure, host))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

/// A loopback host, as written: `localhost`, `[::1]`, or a dotted quad
/// `127.a.b.c` in plain decimal. Other spellings of loopback (`127.1`,
/// `0x7f.0.0.1`, percent-escapes) count as other hosts.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") || host == "[::1]" {
        return true;
    }
    let mut parts = host.split('.');
    let decimal = |p: &str| {
        !p.is_empty()
            && p.len() <= 3
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok_and(|n| n <= 255)
    };
    parts.next() == Some("127") && parts.clone().count() == 3 && parts.all(decimal)
}

/// Checks a URL a flow will send a credential to: `https:` anywhere;
/// `http:` only to loopback, or to [`METADATA_HOST`] where `plain` allows
/// it, unless the caller opted in (`allow_insecure_http`, for a test host
/// it trusts). `what` names the option in the message.
///
/// # Errors
/// [`Error::OptionInvalid`] for a URL that is not `http:` or `https:`;
/// [`Error::InsecureUrl`] for plain http to any other host.
pub fn check_url(url: &str, what: &str, plain: PlainHttp, allow_insecure_http: bool) -> Result<()> {
    let Some((secure, host)) = scheme_and_host(url.trim()) else {
        return Err(Error::OptionInvalid(format!(
            "{what} must be an https:// URL (or http:// to 127.0.0.1 or localhost)"
        )));
    };
    if host.is_empty() {
        return Err(Error::OptionInvalid(format!("{what} has no host")));
    }
    let allowed = secure
        || allow_insecure_http
        || is_loopback(host)
        || (plain == PlainHttp::LoopbackAndMetadata && host == METADATA_HOST);
    if allowed {
        return Ok(());
    }
    Err(Error::InsecureUrl(format!(
        "{what} is plain http to {}, which would send the credential in the clear; use https, or for a test host you trust opt in with allowInsecureHttp: true (the command line's --allow-insecure-http)",
        crate::text::one_line(host, 60)
    )))
}

/// Whether `text` can be a bearer token or an id in a header: 1 to
/// [`MAX_TOKEN_LEN`] bytes, each a printable ASCII character other than a
/// space (no CR, LF or other control a header could be split with).
#[must_use]
pub fn is_token_text(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_TOKEN_LEN
        && text.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// A federation subject token, trimmed: at most
/// [`MAX_SUBJECT_TOKEN_LEN`] bytes and three base64url parts (a JWT), the
/// first two non-empty. `origin` names where it came from ("the subject
/// token", "the subject token file …"); the message never quotes it.
///
/// # Errors
/// [`Error::SubjectTokenInvalid`].
pub fn subject_token<'a>(text: &'a str, origin: &str) -> Result<&'a str> {
    let token = text.trim();
    if token.len() > MAX_SUBJECT_TOKEN_LEN {
        return Err(Error::SubjectTokenInvalid(format!(
            "{origin} is larger than {MAX_SUBJECT_TOKEN_LEN} bytes, so it is no OIDC token; nothing was sent"
        )));
    }
    let base64url = |p: &str| {
        p.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let parts: alloc::vec::Vec<&str> = token.split('.').collect();
    let jwt = matches!(parts.as_slice(), [h, p, s] if !h.is_empty() && !p.is_empty() && base64url(h) && base64url(p) && base64url(s));
    if !jwt {
        let what = if token.is_empty() {
            "empty"
        } else {
            "not a JWT (three base64url parts separated by dots)"
        };
        return Err(Error::SubjectTokenInvalid(format!(
            "{origin} is {what}, so it is no OIDC token; nothing was sent"
        )));
    }
    Ok(token)
}

/// Names a file in a message: one line, at most 200 characters.
#[must_use]
pub fn file_origin(path: &str) -> String {
    format!(
        "the subject token file {}",
        crate::text::one_line(path, 200)
    )
}
