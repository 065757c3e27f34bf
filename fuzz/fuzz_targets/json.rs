//! The core's JSON reader against serde_json on any bytes: both accept or
//! both reject (serde_json also rejects numbers past f64's range, which JSON
//! allows), and an accepted text reads the same, through what ours writes.
#![no_main]
use iamjwt::json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ours = json::from_slice(data);
    let theirs = serde_json::from_slice::<serde_json::Value>(data);
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => {
            let written = ours.to_string();
            let reread: serde_json::Value = serde_json::from_str(&written).expect("ours writes JSON");
            assert_eq!(reread, theirs, "{written}");
            assert_eq!(json::from_str(&written).expect("ours reads what it writes"), ours);
        }
        (Err(_), Err(_)) => {}
        (Ok(_), Err(e)) if e.to_string().starts_with("number out of range") => {}
        (ours, theirs) => panic!("ours {ours:?}, serde_json {theirs:?}"),
    }
});
