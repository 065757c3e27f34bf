//! What every key input gives, recorded: each fixture (shapes, rejects, bare
//! keys) and a few hundred damaged copies of a key file, through
//! `AuthorizedKey::from_json`, `VerifyingKey::from_text` and the offline
//! check, with each result's code and exact message, against
//! tests/fixtures/golden.txt. A change of behaviour shows as a diff there.
//!
//! After a deliberate change: `IAMJWT_BLESS=1 cargo test --test golden`,
//! then read the diff of golden.txt before committing it.
mod common;

use common::{fixture, fixture_dir, fixture_path};
use iamjwt::{check, AuthorizedKey, VerifyingKey};

const NOW: u64 = 1_790_000_000;

fn result<T>(r: iamjwt::Result<T>, ok: impl FnOnce(T) -> String) -> String {
    match r {
        Ok(v) => format!("ok {}", ok(v)),
        Err(e) => format!("{} {e}", e.code()),
    }
}

fn describe(name: &str, text: &str, out: &mut String) {
    let key = result(AuthorizedKey::from_json(text), |k| {
        format!(
            "{} {} {:?} {:?} {}",
            k.id(),
            k.service_account_id(),
            k.key_algorithm(),
            k.created_at(),
            k.modulus_bits()
        )
    });
    let verifying = result(VerifyingKey::from_text(text), |k| {
        format!("{:?} {:?}", k.id, k.service_account_id)
    });
    out.push_str(&format!("{name}\tfrom_json\t{key}\n"));
    out.push_str(&format!("{name}\tverifying\t{verifying}\n"));
    let report = check::check_key(text, NOW);
    for c in &report.checks {
        out.push_str(&format!(
            "{name}\tcheck {}\t{} {} {}\n",
            c.id,
            c.verdict.as_str(),
            c.code.unwrap_or("-"),
            c.message
        ));
    }
}

/// Damaged copies of the RSA-2048 key file: cut short at many lengths, a
/// character replaced at many places, and hand-made breakages.
fn damaged() -> Vec<(String, String)> {
    let base = fixture("key-2048.json");
    let mut out = Vec::new();
    let boundaries: Vec<usize> = (0..base.len())
        .filter(|&i| base.is_char_boundary(i))
        .collect();
    for &cut in boundaries.iter().step_by(53) {
        out.push((format!("cut-at-{cut}"), base[..cut].to_string()));
    }
    for &at in boundaries.iter().step_by(61) {
        let mut text = base.clone();
        let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        text.replace_range(at..end, "\u{1}");
        out.push((format!("control-at-{at}"), text));
        let mut text = base.clone();
        text.replace_range(at..end, "}");
        out.push((format!("brace-at-{at}"), text));
    }
    let by_hand = [
        ("no-first-brace", base.replacen('{', "", 1)),
        (
            "unquoted-name",
            base.replace("\"private_key\"", "private_key"),
        ),
        (
            "missing-comma",
            base.replace(",\n  \"public_key\"", "\n  \"public_key\""),
        ),
        ("trailing-brace", format!("{base}}}")),
        ("no-end-line", base.replace("-----END PRIVATE KEY-----", "")),
        ("kid-not-id", base.replace("\"id\"", "\"kid\"")),
        ("multi-line-first", format!("\n\n  {base}")),
        ("array", format!("[{base}]")),
        ("string", "\"a key\"".to_string()),
        ("number", "12".to_string()),
        ("yaml", "id: aje\nservice_account_id: x\n".to_string()),
        ("unicode-line", "{\n\"ё\": 1,\n\"id\" 2}".to_string()),
    ];
    out.extend(by_hand.into_iter().map(|(n, t)| (n.to_string(), t)));
    out
}

#[test]
fn every_key_input_gives_the_recorded_result() {
    let mut out = String::new();
    for dir in ["shapes", "rejects", "keys"] {
        for (name, text) in fixture_dir(dir) {
            describe(&format!("{dir}/{name}"), &text, &mut out);
        }
    }
    for name in [
        "key-2048.json",
        "key-4096.json",
        "key-2048-other.json",
        "key-2048-public-only.json",
        "public-2048.pem",
    ] {
        describe(name, &fixture(name), &mut out);
    }
    for (name, text) in damaged() {
        describe(&format!("damaged/{name}"), &text, &mut out);
    }
    let path = fixture_path("golden.txt");
    if std::env::var_os("IAMJWT_BLESS").is_some() {
        std::fs::write(&path, &out).unwrap();
        return;
    }
    let recorded = std::fs::read_to_string(&path)
        .expect("tests/fixtures/golden.txt (IAMJWT_BLESS=1 writes it)");
    if recorded != out {
        let first = recorded
            .lines()
            .zip(out.lines())
            .find(|(a, b)| a != b)
            .map_or_else(
                || "one is longer".to_string(),
                |(a, b)| format!("recorded: {a}\n     now: {b}"),
            );
        panic!("key results differ from tests/fixtures/golden.txt\n{first}");
    }
}
