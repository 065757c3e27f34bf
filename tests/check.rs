//! The offline key check report.
mod common;

use common::{fixture, fixture_dir};
use iamjwt::check::{check_key, Verdict, CHECK_IDS};

const NOW: u64 = 1_790_000_000;

fn verdicts(text: &str) -> Vec<(&'static str, Verdict)> {
    check_key(text, NOW)
        .checks
        .iter()
        .map(|c| (c.id, c.verdict))
        .collect()
}

#[test]
fn good_keys_pass_every_check() {
    for file in [
        "key-2048.json",
        "key-4096.json",
        "shapes/api-keys-create.json",
    ] {
        let report = check_key(&fixture(file), NOW);
        assert!(report.ok(), "{file}: {report:?}");
        let ids: Vec<_> = report.checks.iter().map(|c| c.id).collect();
        assert_eq!(ids, CHECK_IDS);
        assert!(
            report.checks.iter().all(|c| c.verdict == Verdict::Pass),
            "{file}: {report:?}"
        );
    }
    let demo = check_key(include_str!("../www/demo-key.json"), NOW);
    assert!(
        demo.checks.iter().all(|c| c.verdict == Verdict::Pass),
        "{demo:?}"
    );
}

#[test]
fn every_shape_passes_and_the_preamble_id_is_found() {
    for (name, text) in fixture_dir("shapes") {
        let v = verdicts(&text);
        assert!(
            v.iter().all(|(_, verdict)| *verdict != Verdict::Fail),
            "{name}: {v:?}"
        );
        let has_preamble = text.contains("Yandex.Cloud SA Key ID");
        let want = if has_preamble {
            Verdict::Pass
        } else {
            Verdict::Skip
        };
        assert!(v.contains(&("preamble_id", want)), "{name}: {v:?}");
    }
}

#[test]
fn optional_parts_that_are_absent_are_skipped() {
    let v = verdicts(&fixture("shapes/flat-camel-case.json"));
    assert!(v.contains(&("preamble_id", Verdict::Skip)));
    assert!(v.contains(&("sign_verify", Verdict::Pass)));
}

#[test]
fn each_failure_is_reported_at_its_check() {
    let cases = [
        ("rejects/not-json.txt", "json"),
        ("rejects/missing-service-account-id.json", "fields"),
        ("rejects/static-access-key-yc.json", "fields"),
        ("rejects/corrupt-base64.json", "private_key"),
        ("rejects/encrypted-pkcs8.json", "private_key"),
        ("rejects/ec-key.json", "rsa"),
        ("rejects/rsa-1024.json", "key_size"),
        ("rejects/public-key-mismatch.json", "public_key"),
    ];
    for (file, failing) in cases {
        let report = check_key(&fixture(file), NOW);
        assert!(!report.ok(), "{file}");
        let failed: Vec<_> = report
            .checks
            .iter()
            .filter(|c| c.verdict == Verdict::Fail)
            .map(|c| c.id)
            .collect();
        assert_eq!(failed.first(), Some(&failing), "{file}: {report:?}");
        let check = report.checks.iter().find(|c| c.id == failing).unwrap();
        assert!(check.code.is_some() && !check.message.is_empty());
        assert_eq!(report.checks.len(), CHECK_IDS.len());
    }
}

#[test]
fn a_mislabelled_algorithm_and_a_foreign_preamble_fail() {
    let base = fixture("key-2048.json");
    let v = verdicts(&base.replace("RSA_2048", "RSA_4096"));
    assert!(v.contains(&("key_algorithm", Verdict::Fail)), "{v:?}");
    let v = verdicts(&base.replace(
        "Key ID \\u003cajetestkey2048000001",
        "Key ID \\u003cajesomeotherkey00001",
    ));
    assert!(v.contains(&("preamble_id", Verdict::Fail)), "{v:?}");
    assert!(v.contains(&("sign_verify", Verdict::Pass)), "{v:?}");
}

#[test]
fn every_reject_fails_the_check() {
    for (name, text) in fixture_dir("rejects") {
        assert!(!check_key(&text, NOW).ok(), "{name}");
    }
}
