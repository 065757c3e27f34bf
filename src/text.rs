//! Quoting untrusted text in messages: one line, bounded, control
//! characters escaped. Every message that shows a value from a token, a key
//! file or a server goes through [`one_line`].

use alloc::string::String;
use core::fmt::Write as _;

/// At most `max` characters of `text`, with control characters (newlines,
/// escapes, bidi overrides) written as `\u{…}` so a message stays one line
/// and shows what it says; `…` marks a cut.
#[must_use]
pub fn one_line(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max) + 4);
    for (count, c) in text.chars().enumerate() {
        if count == max {
            out.push('…');
            break;
        }
        if c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// A quoted id or name in a message: [`one_line`], at most 40 characters.
#[must_use]
pub fn short(text: &str) -> String {
    one_line(text, 40)
}

/// A span of seconds for people: `45 s`, `12 min`, `3 h 5 min`, `63 days`.
#[must_use]
pub fn duration(seconds: u64) -> String {
    let (m, h, d) = (seconds / 60, seconds / 3600, seconds / 86_400);
    match seconds {
        0..=119 => alloc::format!("{seconds} s"),
        120..=7199 => alloc::format!("{m} min"),
        7200..=172_799 => alloc::format!("{h} h {} min", m % 60),
        _ => alloc::format!("{d} days"),
    }
}

#[cfg(test)]
mod tests {
    use super::{duration, one_line};

    #[test]
    fn durations() {
        assert_eq!(duration(45), "45 s");
        assert_eq!(duration(600), "10 min");
        assert_eq!(duration(3 * 3600 + 300), "3 h 5 min");
        assert_eq!(duration(63 * 86_400 + 5), "63 days");
    }

    #[test]
    fn escapes_and_bounds() {
        assert_eq!(one_line("abc", 10), "abc");
        assert_eq!(
            one_line("a\nb\r\u{1b}[31m", 20),
            "a\\u{a}b\\u{d}\\u{1b}[31m"
        );
        assert_eq!(one_line("abcdef", 3), "abc…");
        assert_eq!(one_line("\u{202e}evil", 10), "\\u{202e}evil");
    }
}
