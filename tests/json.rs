//! The core's JSON reader and writer (`iamjwt::json`) against serde_json,
//! which shares no code with it: the same texts are accepted and rejected,
//! what is read is what serde_json reads, and what is written reads back
//! the same.

use iamjwt::json::{self, Value};

/// serde_json's reading of `text`, or `None` when it rejects it.
fn oracle(text: &str) -> Option<serde_json::Value> {
    serde_json::from_str(text).ok()
}

/// Ours, written out and read back by serde_json.
fn ours_via_oracle(text: &str) -> Option<serde_json::Value> {
    let value = json::from_str(text).ok()?;
    Some(serde_json::from_str(&value.to_string()).expect("our output is JSON"))
}

const ACCEPTED: &[&str] = &[
    "null",
    "true",
    " false ",
    "0",
    "-0",
    "1",
    "-1",
    "1.5",
    "-1.25e+3",
    "1E-2",
    "12345678901234567890",
    "123456789012345678901234567890",
    "9007199254740993",
    r#""""#,
    r#""plain""#,
    r#""esc \" \\ \/ \b \f \n \r \t""#,
    r#""\u0000\u001f\u007f\u00e9\u20ac""#,
    r#""\ud83d\ude00 and 😀""#,
    r#""UTF-8: дёнер ✓""#,
    "[]",
    "[ ]",
    "{}",
    "{ }",
    "\t\r\n[1,\n2 , 3]\n",
    r#"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
    r#"{"z":1,"a":2,"m":{"y":[],"b":{}}}"#,
    r#"{"dup":1,"dup":2}"#,
    r#"[{"":""},[[]],"x"]"#,
    r#"{"private_key":"PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID aje\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"}"#,
];

const REJECTED: &[&str] = &[
    "",
    " ",
    "nul",
    "nulls",
    "True",
    "01",
    "-",
    "+1",
    "1.",
    ".5",
    "1e",
    "1e+",
    "0x10",
    "NaN",
    "Infinity",
    r#"""#,
    r#""abc"#,
    "\"tab\there\"",
    "\"new\nline\"",
    r#""\x""#,
    r#""\u12"#,
    r#""\u12G4""#,
    r#""\ud800""#,
    r#""\ud800\u0041""#,
    r#""\udc00""#,
    r#""\ud800\""#,
    "[",
    "[1",
    "[1,",
    "[1,]",
    "[,1]",
    "[1 2]",
    "{",
    r#"{"a""#,
    r#"{"a":"#,
    r#"{"a":1"#,
    r#"{"a":1,}"#,
    r#"{a:1}"#,
    r#"{"a" 1}"#,
    r#"{"a":1 "b":2}"#,
    "{1:2}",
    "[] []",
    "{} x",
    "'single'",
    "\u{feff}{}",
];

#[test]
fn accepts_what_serde_json_accepts_and_reads_the_same() {
    for text in ACCEPTED {
        let expected = oracle(text).unwrap_or_else(|| panic!("serde_json rejects {text:?}"));
        assert_eq!(ours_via_oracle(text), Some(expected), "{text:?}");
    }
}

#[test]
fn rejects_what_serde_json_rejects_and_agrees_on_a_cut_short_text() {
    for text in REJECTED {
        let expected = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        let ours = json::from_str(text).unwrap_err();
        assert_eq!(
            ours.is_eof(),
            expected.classify() == serde_json::error::Category::Eof,
            "{text:?}: ours {ours}, serde_json {expected}"
        );
    }
}

#[test]
fn reports_the_line_and_column_of_the_error() {
    let e = json::from_str("{\n  \"a\": 1,\n  \"b\": tru\n}").unwrap_err();
    assert!(!e.is_eof());
    assert_eq!((e.line(), e.column()), (3, 11));
    let e = json::from_str("{\n  \"a\": [1, 2").unwrap_err();
    assert!(e.is_eof());
    assert_eq!(e.line(), 2);
    // Columns count characters, not bytes.
    let e = json::from_str("[\"ё\" x]").unwrap_err();
    assert_eq!((e.line(), e.column()), (1, 6));
    assert_eq!(
        e.to_string(),
        "the text is not valid JSON (line 1, column 6)"
    );
}

#[test]
fn nesting_stops_at_max_depth() {
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(json::from_str(&nested(json::MAX_DEPTH)).is_ok());
    assert!(!json::from_str(&nested(json::MAX_DEPTH + 1))
        .unwrap_err()
        .is_eof());
    let objects = |n: usize| format!("{}1{}", r#"{"a":"#.repeat(n), "}".repeat(n));
    assert!(json::from_str(&objects(json::MAX_DEPTH)).is_ok());
    assert!(json::from_str(&objects(json::MAX_DEPTH + 1)).is_err());
    // Far deeper than the stack could take by recursion: refused first.
    assert!(json::from_str(&nested(100_000)).is_err());
}

#[test]
fn from_slice_needs_utf8() {
    assert!(json::from_slice(br#"{"a":"b"}"#).is_ok());
    let e = json::from_slice(b"{\"a\":\"\xff\"}").unwrap_err();
    assert_eq!((e.line(), e.column()), (1, 7));
    assert!(serde_json::from_slice::<serde_json::Value>(b"{\"a\":\"\xff\"}").is_err());
}

#[test]
fn integers_read_as_serde_json_reads_them() {
    for text in [
        "0",
        "7",
        "-7",
        "1.0",
        "1e3",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "9223372036854775808",
    ] {
        let ours = json::from_str(text).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours.as_u64(), theirs.as_u64(), "{text} as u64");
        assert_eq!(ours.as_i64(), theirs.as_i64(), "{text} as i64");
    }
    // serde_json reads -0 as a float; here it is the integer 0.
    assert_eq!(json::from_str("-0").unwrap().as_i64(), Some(0));
    assert_eq!(Value::from(u64::MAX).as_u64(), Some(u64::MAX));
    assert_eq!(Value::from(i64::MIN).as_i64(), Some(i64::MIN));
}

#[test]
fn writes_strings_as_serde_json_does() {
    let all_controls: String = (0u8..0x20).map(char::from).collect();
    for s in [
        "",
        "plain",
        "\"quoted\" \\ /",
        all_controls.as_str(),
        "\u{7f} é € 😀",
    ] {
        assert_eq!(json::quote(s), serde_json::to_string(s).unwrap(), "{s:?}");
    }
}

#[test]
fn builds_objects_with_sorted_members() {
    let v = Value::object([
        ("b", 2u64.into()),
        ("a", "x".into()),
        (
            "c",
            vec![Value::Null, Value::Bool(true), (-3i64).into()].into(),
        ),
    ]);
    assert_eq!(v.to_string(), r#"{"a":"x","b":2,"c":[null,true,-3]}"#);
    assert_eq!(v.get("a").and_then(Value::as_str), Some("x"));
    assert_eq!(v.get("missing"), None);
    assert_eq!(Value::Null.get("a"), None);
}
