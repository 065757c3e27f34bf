//! Reading a token service's answer: the body as a JSON object, each
//! member read one way and named when it cannot be, and the bounds every
//! answer is held to.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::time::parse_rfc3339;
use crate::token::transport;

/// The longest answer body parsed, in bytes.
pub const MAX_RESPONSE_LEN: usize = 256 * 1024;

/// Parses the body as a JSON object, or says what it is instead.
pub(crate) fn object(status: u16, body: &str, service: &'static str) -> Result<Map<String, Value>> {
    if body.len() > MAX_RESPONSE_LEN {
        return Err(Error::ResponseInvalid(format!(
            "{service} answered HTTP {status} with more than {MAX_RESPONSE_LEN} bytes"
        )));
    }
    match serde_json::from_str(body.trim()) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::ResponseInvalid(format!(
            "{service} answered HTTP {status} with JSON that is not an object"
        ))),
        Err(_) => {
            let head = body.trim_start();
            let what = if head.starts_with('<') {
                "an HTML page (a proxy, a captive portal or the wrong URL?)"
            } else if head.is_empty() {
                "an empty body"
            } else {
                "text"
            };
            Err(Error::ResponseNotJson(format!(
                "{service} answered HTTP {status} with {what}, not JSON"
            )))
        }
    }
}

/// A successful answer's members, each read one way. A member that is
/// absent (or `null`) is named as missing; one that is there but cannot be
/// read is named with what it should have been, never passed over for
/// another.
///
/// The members are looked up in serde_json's `Map` by name: derived
/// `Deserialize` structs for the six answer shapes cost 14 KB of the
/// .wasm's gzip (bench/levers.md), for the same checks.
pub(crate) struct Answer {
    pub(crate) map: Map<String, Value>,
    service: &'static str,
    status: u16,
}

/// How to read one of [`Answer`]'s fields, and what it should hold.
pub(crate) type Reader<T> = (&'static str, fn(&Value) -> Option<T>);

/// A non-empty string.
pub(crate) const TEXT: Reader<String> = ("a non-empty string", |v| {
    v.as_str().filter(|s| !s.is_empty()).map(ToOwned::to_owned)
});
/// A token or an id that goes into a header: printable, no spaces, at most 8 KB.
pub(crate) const TOKEN: Reader<String> = (
    "a string of printable token characters (at most 8192 bytes, no spaces or line breaks)",
    |v| {
        v.as_str()
            .filter(|s| transport::is_token_text(s))
            .map(ToOwned::to_owned)
    },
);
pub(crate) const SECONDS: Reader<u64> = ("a whole number of seconds", Value::as_u64);
pub(crate) const TIME: Reader<u64> = ("an RFC 3339 time", |v| v.as_str().and_then(parse_rfc3339));

/// `name` read as [`TEXT`], or `None` when it is absent or unreadable: the
/// lenient read of an error answer, which says what it can.
pub(crate) fn text(map: &Map<String, Value>, name: &str) -> Option<String> {
    map.get(name).and_then(TEXT.1)
}

impl Answer {
    /// The body of a 2xx answer as a JSON object.
    pub(crate) fn new(status: u16, body: &str, service: &'static str) -> Result<Self> {
        Ok(Self {
            map: object(status, body, service)?,
            service,
            status,
        })
    }

    /// `field`, if present; an error if present and unreadable.
    pub(crate) fn optional<T>(&self, field: &str, (what, read): Reader<T>) -> Result<Option<T>> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => read(value)
                .map(Some)
                .ok_or_else(|| self.unreadable(field, what)),
        }
    }

    fn unreadable(&self, field: &str, what: &str) -> Error {
        Error::ResponseInvalid(format!(
            "{} answered HTTP {}, but its \"{field}\" is not {what}",
            self.service, self.status
        ))
    }

    /// `field`; an error if absent or unreadable.
    pub(crate) fn required<T>(&self, field: &str, reader: Reader<T>) -> Result<T> {
        self.optional(field, reader)?
            .ok_or_else(|| self.missing(field))
    }

    pub(crate) fn missing(&self, field: &str) -> Error {
        Error::ResponseInvalid(format!(
            "{} answered HTTP {} without \"{field}\"",
            self.service, self.status
        ))
    }
}

/// The longest any token these flows give lives: IAM's 12 hours (the GCE
/// and EC2 formats of the metadata service serve IAM tokens too; IBM's
/// live one hour).
pub const MAX_TOKEN_LIFE: u64 = 12 * 3600;

/// An answer's expiry, counted as at most [`MAX_TOKEN_LIFE`] from `now`: a
/// later one (a wrong clock, a broken server) would put off the refresh,
/// and past 2^53 seconds JS numbers could not hold it.
pub(crate) fn at_most_max_life(expires_at: u64, now: u64) -> u64 {
    expires_at.min(now.saturating_add(MAX_TOKEN_LIFE))
}

/// A metadata service's 2xx answer as a JSON object; other statuses are its error.
pub(crate) fn metadata_answer(status: u16, body: &str, service: &'static str) -> Result<Answer> {
    if !(200..300).contains(&status) {
        return Err(metadata_error(status, body));
    }
    Answer::new(status, body, service)
}

/// A metadata service's error: IBM's `{"errors":[{"message"}]}`, or the
/// status alone.
fn metadata_error(status: u16, body: &str) -> Error {
    let message = serde_json::from_str::<Value>(body).ok().and_then(|v| {
        v.get("errors")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
            .and_then(|e| e.get("message"))
            .or_else(|| v.get("message"))
            .and_then(Value::as_str)
            .map(|m| crate::text::one_line(m, 300))
    });
    Error::MetadataRejected(match message {
        Some(m) => format!("the metadata service answered HTTP {status}: {m}"),
        None => format!("the metadata service answered HTTP {status}"),
    })
}
