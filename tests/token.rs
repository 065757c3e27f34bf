//! Token requests as values, answers parsed, retry and refresh decisions,
//! and the emulator's verdicts: all without IO.
mod common;

use common::{fixture, key_2048};
use iamjwt::jwt::SignOptions;
use iamjwt::token::emulator::Emulator;
use iamjwt::token::{self, retry, IbmProfile};

const NOW: u64 = 1_795_464_000; // 2026-11-23T20:00:00Z

#[test]
fn requests_are_exactly_what_the_services_expect() {
    let r = token::jwt_request("a.b.c", None).unwrap();
    assert_eq!(
        (r.method, r.url.as_str()),
        ("POST", "https://iam.api.cloud.yandex.net/iam/v1/tokens")
    );
    assert_eq!(r.body.as_deref(), Some(r#"{"jwt":"a.b.c"}"#));
    assert!(r
        .headers
        .contains(&("Content-Type", "application/json".into())));
    let r = token::oauth_request(" y0_token \n", Some("http://127.0.0.1:1/t")).unwrap();
    assert_eq!(r.url, "http://127.0.0.1:1/t");
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"yandexPassportOauthToken":"y0_token"}"#)
    );
    let r = token::gce_request(None);
    assert_eq!(
        (r.method, r.url.as_str()),
        (
            "GET",
            "http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/token"
        )
    );
    assert_eq!(r.headers, vec![("Metadata-Flavor", "Google".to_string())]);
    let r = token::ec2_request(Some("http://127.0.0.1:9/"));
    assert_eq!(
        r.url,
        "http://127.0.0.1:9/latest/meta-data/iam/security-credentials/default/"
    );
    let r = token::ibm_instance_token_request(None, token::IbmServiceVersion::V2022);
    assert_eq!(
        (r.method, r.url.as_str()),
        (
            "PUT",
            "http://169.254.169.254/instance_identity/v1/token?version=2022-03-01"
        )
    );
    assert!(r.headers.contains(&("Metadata-Flavor", "ibm".into())));
    assert_eq!(r.body.as_deref(), Some(r#"{"expires_in":3600}"#));
    let r = token::ibm_iam_token_request(
        None,
        "inst",
        &IbmProfile::from_id_or_crn(Some("Profile-1")),
        token::IbmServiceVersion::V2022,
    )
    .unwrap();
    assert_eq!(
        r.url,
        "http://169.254.169.254/instance_identity/v1/iam_token?version=2022-03-01"
    );
    assert!(r.headers.contains(&("Authorization", "Bearer inst".into())));
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"trusted_profile":{"id":"Profile-1"}}"#)
    );
    let r = token::ibm_iam_token_request(
        None,
        "inst",
        &IbmProfile::from_id_or_crn(Some(
            "crn:v1:bluemix:public:iam-identity::a/1::profile:Profile-1",
        )),
        token::IbmServiceVersion::V2022,
    )
    .unwrap();
    assert_eq!(
        r.body.as_deref(),
        Some(
            r#"{"trusted_profile":{"crn":"crn:v1:bluemix:public:iam-identity::a/1::profile:Profile-1"}}"#
        )
    );
    let r = token::ibm_iam_token_request(
        None,
        "inst",
        &IbmProfile::Default,
        token::IbmServiceVersion::V2025,
    )
    .unwrap();
    assert_eq!(r.body, None);
    assert_eq!(
        r.url,
        "http://169.254.169.254/identity/v1/iam_tokens?version=2025-08-26"
    );
    assert!(r.headers.contains(&("Metadata-Flavor", "ibm".into())));
    assert_eq!(
        token::ibm_instance_token_request(None, token::IbmServiceVersion::V2025).url,
        "http://169.254.169.254/identity/v1/token?version=2025-08-26"
    );
    assert!(
        !format!("{:?}", token::jwt_request("secret.jwt.here", None).unwrap()).contains("secret")
    );
}

#[test]
fn answers_parse_into_tokens() {
    let t = token::parse_iam_response(
        200,
        r#"{"iamToken":"t1.x","expiresAt":"2026-11-24T08:00:00.5Z"}"#,
        NOW,
    )
    .unwrap();
    assert_eq!((t.token.as_str(), t.expires_at), ("t1.x", 1_795_507_200));
    let t = token::parse_gce_response(
        200,
        r#"{"access_token":"g","expires_in":43167,"token_type":"Bearer"}"#,
        NOW,
    )
    .unwrap();
    assert_eq!(t.expires_at, NOW + 43167);
    let t = token::parse_ec2_response(
        200,
        r#"{"Code":"Success","Expiration":"2026-11-24T08:00:00Z","Token":"e"}"#,
        NOW,
    )
    .unwrap();
    assert_eq!((t.token.as_str(), t.expires_at), ("e", 1_795_507_200));
    let t = token::parse_ibm_iam_token_response(
        200,
        r#"{"access_token":"i","expires_in":3600,"expires_at":"2026-11-23T21:00:00Z"}"#,
        NOW,
    )
    .unwrap();
    assert_eq!(t.expires_at, NOW + 3600);
    let t = token::parse_ibm_instance_token_response(
        200,
        r#"{"access_token":"inst","expires_in":300}"#,
        NOW,
    )
    .unwrap();
    assert_eq!(t.expires_at, NOW + 300);
    assert!(!format!("{t:?}").contains("inst"));
    let t =
        token::parse_ibm_instance_token_response(200, r#"{"access_token":"inst"}"#, NOW).unwrap();
    assert_eq!(t.expires_at, NOW + 300);
    let e = token::parse_ibm_iam_token_response(200, r#"{"access_token":"iam"}"#, NOW).unwrap_err();
    assert_eq!(e.code(), "ERR_RESPONSE_INVALID");
}

#[test]
fn failures_become_typed_errors() {
    let e = token::parse_iam_response(401, r#"{"code":16,"message":"Token is invalid or has expired.","details":[{"@type":"type.googleapis.com/google.rpc.RequestInfo","requestId":"r-1"}]}"#, NOW).unwrap_err();
    assert_eq!(e.code(), "ERR_IAM_REJECTED");
    assert_eq!(
        e.to_string(),
        "401 UNAUTHENTICATED (16): Token is invalid or has expired. requestId=r-1"
    );
    let e =
        token::parse_iam_response(502, "<html><body>Bad gateway</body></html>", NOW).unwrap_err();
    assert_eq!(e.code(), "ERR_RESPONSE_NOT_JSON");
    assert!(e.to_string().contains("HTML page"), "{e}");
    assert_eq!(
        token::parse_iam_response(200, "", NOW).unwrap_err().code(),
        "ERR_RESPONSE_NOT_JSON"
    );
    assert_eq!(
        token::parse_iam_response(200, r#"{"iamToken":"t1"}"#, NOW)
            .unwrap_err()
            .code(),
        "ERR_RESPONSE_INVALID"
    );
    assert_eq!(
        token::parse_iam_response(200, "[]", NOW)
            .unwrap_err()
            .code(),
        "ERR_RESPONSE_INVALID"
    );
    let e = token::parse_ec2_response(
        200,
        r#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"no role"}"#,
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.code(), "ERR_METADATA_REJECTED");
    assert!(e.to_string().contains("AssumeRoleUnauthorizedAccess"));
    let e = token::parse_ibm_iam_token_response(
        400,
        r#"{"errors":[{"code":"bad","message":"profile not linked"}]}"#,
        NOW,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the metadata service answered HTTP 400: profile not linked"
    );
    assert_eq!(
        token::parse_gce_response(404, "Not Found", NOW)
            .unwrap_err()
            .code(),
        "ERR_METADATA_REJECTED"
    );
}

#[test]
fn retry_and_refresh_decisions() {
    for s in [None, Some(429), Some(500), Some(503), Some(599)] {
        assert!(retry::is_retryable(s), "{s:?}");
    }
    for s in [Some(400), Some(401), Some(403), Some(404), Some(200)] {
        assert!(!retry::is_retryable(s), "{s:?}");
    }
    assert_eq!(retry::retry_delay_ms(1, Some("1"), 200, 10_000, 0.5), 1000);
    assert_eq!(
        retry::retry_delay_ms(1, Some("120"), 200, 10_000, 0.5),
        10_000
    );
    assert_eq!(retry::retry_delay_ms(1, None, 200, 10_000, 1.0), 200);
    assert_eq!(retry::retry_delay_ms(3, None, 200, 10_000, 1.0), 800);
    assert_eq!(retry::retry_delay_ms(3, None, 200, 10_000, 0.0), 400);
    assert_eq!(retry::retry_delay_ms(30, None, 200, 10_000, 1.0), 10_000);
    // 12 h token: 10 % (72 min) margin; 1 h: 6 min; 30 min: the 5 min floor.
    assert_eq!(retry::refresh_at(NOW, NOW + 43_200), NOW + 43_200 - 4320);
    assert_eq!(retry::refresh_at(NOW, NOW + 3600), NOW + 3600 - 360);
    assert_eq!(retry::refresh_at(NOW, NOW + 1800), NOW + 1800 - 300);
    // The whole policy: what is retried, for how long, and what never is.
    use retry::{next, Outcome, Policy};
    let p = Policy::DEFAULT;
    let answered = |status| Outcome::Answered {
        status,
        retry_after: None,
    };
    assert_eq!(next(&p, 1, 0, answered(503), 1.0), Some(200));
    assert_eq!(next(&p, 3, 0, Outcome::NetworkError, 1.0), Some(800));
    assert_eq!(
        next(&p, 4, 0, answered(503), 1.0),
        None,
        "4 attempts in all"
    );
    assert_eq!(
        next(&p, 1, 29_900, answered(503), 1.0),
        None,
        "past the 30 s budget"
    );
    for never in [
        answered(200),
        answered(401),
        answered(404),
        Outcome::Aborted,
        Outcome::Redirected,
        Outcome::TooLarge,
    ] {
        assert_eq!(next(&p, 1, 0, never, 0.5), None, "{never:?}");
    }
    let later = Outcome::Answered {
        status: 429,
        retry_after: Some("2"),
    };
    assert_eq!(next(&p, 1, 0, later, 0.0), Some(2000), "Retry-After");
    assert_eq!(retry::FAILED_REFRESH_PAUSE, 5);
    // However short the life, or past the expiry, never sooner than 30 s on.
    assert_eq!(retry::MIN_REFRESH_INTERVAL, 30);
    assert_eq!(retry::refresh_at(NOW, NOW + 60), NOW + 30);
    assert_eq!(retry::refresh_at(NOW, NOW + 330), NOW + 30);
    assert_eq!(retry::refresh_at(NOW, NOW + 331), NOW + 31);
    assert_eq!(retry::refresh_at(NOW, NOW - 3600), NOW + 30);
    assert_eq!(retry::refresh_at(NOW, 0), NOW + 30);
}

#[test]
fn the_emulator_accepts_only_what_iam_accepts() {
    let url = "http://127.0.0.1:8080/iam/v1/tokens";
    let mut iam = Emulator::new(url);
    assert_eq!(
        iam.add_key(&fixture("key-2048.json")).unwrap().0,
        "ajetestkey2048000001"
    );
    let key = key_2048();
    let sign = |now: u64, ttl: u64, aud: &str| {
        let jwt = key
            .sign_jwt(&SignOptions {
                now,
                ttl,
                audience: Some(aud.into()),
                endpoint: None,
            })
            .unwrap();
        format!(r#"{{"jwt":"{jwt}"}}"#)
    };
    let ok = iam.exchange(&sign(NOW, 3600, url), NOW + 5, "req-1", "t1.new");
    assert_eq!(ok.status, 200, "{}", ok.body);
    let t = token::parse_iam_response(ok.status, &ok.body, NOW + 5).unwrap();
    assert_eq!(
        (t.token.as_str(), t.expires_at),
        ("t1.new", NOW + 5 + 43_200)
    );

    let reject = |body: &str, now: u64| {
        let answer = iam.exchange(body, now, "req-2", "t1.never");
        let e = token::parse_iam_response(answer.status, &answer.body, now).unwrap_err();
        assert!(e.to_string().ends_with("requestId=req-2"), "{e}");
        (answer.status, e.to_string())
    };
    // IAM's own audience, which every SDK names, is taken too; another is not.
    let production = iam.exchange(
        &sign(NOW, 3600, iamjwt::jwt::DEFAULT_AUDIENCE),
        NOW,
        "r",
        "t1.p",
    );
    assert_eq!(production.status, 200, "{}", production.body);
    assert_eq!(
        reject(
            &sign(NOW, 3600, "https://elsewhere.example/iam/v1/tokens"),
            NOW
        )
        .0,
        401,
        "wrong aud"
    );
    assert_eq!(reject(&sign(NOW - 7200, 3600, url), NOW).0, 401, "expired");
    assert_eq!(
        reject(&sign(NOW + 600, 3600, url), NOW).0,
        401,
        "iat in the future"
    );
    let other = iamjwt::AuthorizedKey::from_json(&fixture("key-2048-other.json")).unwrap();
    let jwt = other
        .sign_jwt(&SignOptions {
            now: NOW,
            ttl: 60,
            audience: Some(url.into()),
            endpoint: None,
        })
        .unwrap();
    assert!(reject(&format!(r#"{{"jwt":"{jwt}"}}"#), NOW)
        .1
        .contains("not registered"));
    let long = common::forge(
        &key,
        r#"{"typ":"JWT","alg":"PS256","kid":"ajetestkey2048000001"}"#,
        &format!(
            r#"{{"iss":"ajetestserviceacc001","aud":"{url}","iat":{NOW},"exp":{}}}"#,
            NOW + 7200
        ),
    );
    assert!(reject(&format!(r#"{{"jwt":"{long}"}}"#), NOW)
        .1
        .contains("3600"));
    let good = sign(NOW, 3600, url);
    let cut = good.len() - 8; // inside the signature, before the closing "}
    let flipped = if &good[cut..cut + 1] == "A" { "B" } else { "A" };
    let tampered = format!("{}{flipped}{}", &good[..cut], &good[cut + 1..]);
    let (status, message) = reject(&tampered, NOW);
    assert_eq!(status, 401, "{message}");
    assert!(message.contains("signature"), "{message}");
    assert_eq!(reject("not json", NOW).0, 400);
    assert_eq!(reject(r#"{"jwt":"a.b"}"#, NOW).0, 400);
    assert_eq!(reject(r#"{"yandexPassportOauthToken":"y0_x"}"#, NOW).0, 400);
}

#[test]
fn an_expiry_counts_as_at_most_twelve_hours() {
    let cap = NOW + token::MAX_TOKEN_LIFE;
    // GCE: a huge expires_in (u64::MAX) would otherwise pass 2^53.
    let t = token::parse_gce_response(
        200,
        r#"{"access_token":"g","expires_in":18446744073709551615,"token_type":"Bearer"}"#,
        NOW,
    )
    .unwrap();
    assert_eq!(t.expires_at, cap);
    let t = token::parse_iam_response(
        200,
        r#"{"iamToken":"t1.x","expiresAt":"2099-01-01T00:00:00Z"}"#,
        NOW,
    )
    .unwrap();
    assert_eq!(t.expires_at, cap);
    for body in [
        r#"{"access_token":"i","expires_at":"2099-01-01T00:00:00Z"}"#,
        r#"{"access_token":"i","expires_at":4102444800}"#,
        r#"{"access_token":"i","expires_in":9999999999}"#,
    ] {
        let t = token::parse_ibm_iam_token_response(200, body, NOW).unwrap();
        assert_eq!(t.expires_at, cap, "{body}");
    }
}

#[test]
fn an_unreadable_expires_in_is_named_as_such() {
    for value in ["\"3600\"", "-1", "36.5", "1e30", "true"] {
        let body = format!(r#"{{"access_token":"g","expires_in":{value}}}"#);
        let e = token::parse_gce_response(200, &body, NOW).unwrap_err();
        assert_eq!(e.code(), "ERR_RESPONSE_INVALID");
        assert_eq!(
            e.to_string(),
            "the metadata service answered HTTP 200, but its \"expires_in\" is not a whole number of seconds",
            "{value}"
        );
    }
    let e = token::parse_gce_response(200, r#"{"access_token":"g"}"#, NOW).unwrap_err();
    assert!(e.to_string().ends_with("without \"expires_in\""), "{e}");
    let e = token::parse_gce_response(200, r#"{"access_token":"g","expires_in":null}"#, NOW)
        .unwrap_err();
    assert!(e.to_string().ends_with("without \"expires_in\""), "{e}");
}

/// A field that is there but unreadable is an error naming it, in every
/// parser; no parser passes over it to another field or a default.
#[test]
fn every_parser_names_an_unreadable_field() {
    type Parse = fn(u16, &str, u64) -> iamjwt::Result<token::Token>;
    let cases: [(Parse, &str, &str); 10] = [
        (token::parse_iam_response, r#"{"iamToken":"t","expiresAt":"tomorrow"}"#,
            "IAM answered HTTP 200, but its \"expiresAt\" is not an RFC 3339 time"),
        (token::parse_iam_response, r#"{"iamToken":7,"expiresAt":"2026-11-24T08:00:00Z"}"#,
            "IAM answered HTTP 200, but its \"iamToken\" is not a string of printable token characters (at most 8192 bytes, no spaces or line breaks)"),
        (token::parse_iam_response, r#"{"iamToken":"","expiresAt":"2026-11-24T08:00:00Z"}"#,
            "IAM answered HTTP 200, but its \"iamToken\" is not a string of printable token characters (at most 8192 bytes, no spaces or line breaks)"),
        (token::parse_ec2_response, r#"{"Code":"Success","Token":"e","Expiration":1795507200}"#,
            "the metadata service answered HTTP 200, but its \"Expiration\" is not an RFC 3339 time"),
        (token::parse_ec2_response, r#"{"Code":0,"Token":"e","Expiration":"2026-11-24T08:00:00Z"}"#,
            "the metadata service answered HTTP 200, but its \"Code\" is not a non-empty string"),
        // IBM: expires_at used to fall back to expires_in, and an unreadable
        // expires_in to the 5-minute default of step 1.
        (token::parse_ibm_iam_token_response, r#"{"access_token":"i","expires_in":3600,"expires_at":"soon"}"#,
            "the IBM metadata service answered HTTP 200, but its \"expires_at\" is not an RFC 3339 time or Unix seconds"),
        (token::parse_ibm_iam_token_response, r#"{"access_token":"i","expires_in":"3600"}"#,
            "the IBM metadata service answered HTTP 200, but its \"expires_in\" is not a whole number of seconds"),
        (token::parse_ibm_instance_token_response, r#"{"access_token":"i","expires_in":-5}"#,
            "the IBM metadata service answered HTTP 200, but its \"expires_in\" is not a whole number of seconds"),
        (token::parse_ibm_instance_token_response, r#"{"access_token":"i","expires_at":[]}"#,
            "the IBM metadata service answered HTTP 200, but its \"expires_at\" is not an RFC 3339 time or Unix seconds"),
        (token::parse_ibm_iam_token_response, r#"{"access_token":"i","expires_at":null,"expires_in":null}"#,
            "the IBM metadata service answered HTTP 200 without \"expires_in\""),
    ];
    for (parse, body, message) in cases {
        let e = parse(200, body, NOW).unwrap_err();
        assert_eq!(e.code(), "ERR_RESPONSE_INVALID", "{body}");
        assert_eq!(e.to_string(), message, "{body}");
        assert!(!e.to_string().contains("\"i\""), "{body}");
    }
    // null counts as absent: step 1's default life, and expires_in when
    // expires_at is null.
    let readable: [(Parse, &str, u64); 2] = [
        (
            token::parse_ibm_instance_token_response,
            r#"{"access_token":"i","expires_in":null}"#,
            NOW + 300,
        ),
        (
            token::parse_ibm_iam_token_response,
            r#"{"access_token":"i","expires_at":null,"expires_in":600}"#,
            NOW + 600,
        ),
    ];
    for (parse, body, expires_at) in readable {
        assert_eq!(
            parse(200, body, NOW).unwrap().expires_at,
            expires_at,
            "{body}"
        );
    }
}

#[test]
fn a_body_that_is_not_json_is_named_once() {
    let e = token::parse_iam_response(500, "oops", NOW).unwrap_err();
    assert_eq!(e.code(), "ERR_RESPONSE_NOT_JSON");
    assert_eq!(e.to_string(), "IAM answered HTTP 500 with text, not JSON");
}

#[test]
fn a_flow_is_decided_from_what_the_user_gave() {
    use iamjwt::token::{ibm::IbmIamFlow, metadata::MetadataFlow, Flow, FlowSpec, MetadataFormat};
    let spec = |flow: &str| FlowSpec {
        flow: flow.into(),
        ..FlowSpec::default()
    };
    let flow = |spec: FlowSpec| Flow::from_spec(&spec);
    assert_eq!(
        flow(spec("metadata")).unwrap(),
        Flow::Metadata(MetadataFlow {
            format: MetadataFormat::Gce,
            base_url: None
        })
    );
    let ec2 = flow(FlowSpec {
        flavor: Some("ec2".into()),
        base_url: Some("http://127.0.0.1:9".into()),
        ..spec("metadata")
    })
    .unwrap();
    assert_eq!(
        ec2.request("").unwrap().url,
        "http://127.0.0.1:9/latest/meta-data/iam/security-credentials/default/"
    );
    assert_eq!(ec2.timeout_ms(), 2_000);
    assert_eq!(flow(spec("jwt")).unwrap().timeout_ms(), 10_000);
    for (value, profile) in [
        (None, IbmProfile::Default),
        (Some("default"), IbmProfile::Default),
        (Some(" "), IbmProfile::Default),
        (Some("Profile-1"), IbmProfile::Id("Profile-1".into())),
        (Some("crn:v1:x"), IbmProfile::Crn("crn:v1:x".into())),
    ] {
        let ibm = flow(FlowSpec {
            profile: value.map(Into::into),
            ..spec("ibm-iam")
        })
        .unwrap();
        assert_eq!(
            ibm,
            Flow::IbmIam(IbmIamFlow {
                base_url: None,
                profile,
                version: token::IbmServiceVersion::V2022,
            }),
            "{value:?}"
        );
    }
    let refused = |spec: FlowSpec| flow(spec).unwrap_err().to_string();
    assert_eq!(
        refused(FlowSpec {
            flavor: Some("azure".into()),
            ..spec("metadata")
        }),
        "flavor must be 'gce' or 'ec2', not 'azure'"
    );
    assert_eq!(refused(spec("smoke")), "unknown token flow \"smoke\"");
    assert_eq!(
        refused(FlowSpec {
            endpoint: Some("http://x".into()),
            ..spec("metadata")
        }),
        "endpoint does not apply to the metadata flow"
    );
    // Each flow parses its own answer.
    let answer = r#"{"access_token":"t1.gce","expires_in":60}"#;
    assert_eq!(
        flow(spec("metadata"))
            .unwrap()
            .parse_answer(200, answer, NOW)
            .unwrap()
            .expires_at,
        NOW + 60
    );
    assert_eq!(
        flow(spec("jwt"))
            .unwrap()
            .parse_answer(200, answer, NOW)
            .unwrap_err()
            .code(),
        "ERR_RESPONSE_INVALID"
    );
}

#[test]
fn federation_exchanges_an_oidc_token_form_encoded() {
    use iamjwt::token::{Flow, FlowSpec};
    // The audience is form-encoded too (an id never needs it; a test of the encoder).
    let flow = Flow::from_spec(&FlowSpec {
        flow: "federation".into(),
        service_account_id: Some("aje service/acc+".into()),
        ..FlowSpec::default()
    })
    .unwrap();
    let r = flow.request(" eyJhbGciOiJSUzI1NiJ9.e30.sig_- \n").unwrap();
    assert_eq!(
        (r.method, r.url.as_str()),
        ("POST", "https://auth.yandex.cloud/oauth/token")
    );
    assert_eq!(
        r.headers,
        [
            (
                "Content-Type",
                "application/x-www-form-urlencoded".to_string()
            ),
            ("Accept", "application/json".to_string())
        ]
    );
    assert_eq!(
        r.body.as_deref(),
        Some(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange\
             &requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token\
             &audience=aje%20service%2Facc%2B\
             &subject_token=eyJhbGciOiJSUzI1NiJ9.e30.sig_-\
             &subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token"
        )
    );
    assert!(!format!("{r:?}").contains("eyJ"), "Debug hides the body");
    assert_eq!(flow.timeout_ms(), 10_000);
    let token = flow
        .parse_answer(
            200,
            r#"{"access_token":"t1.fed","token_type":"Bearer","expires_in":3600}"#,
            NOW,
        )
        .unwrap();
    assert_eq!(
        (token.token.as_str(), token.expires_at),
        ("t1.fed", NOW + 3600)
    );
    let err = flow
        .parse_answer(
            400,
            r#"{"error":"invalid_grant","error_description":"the subject token has expired"}"#,
            NOW,
        )
        .unwrap_err();
    assert_eq!(err.code(), "ERR_IAM_REJECTED");
    assert_eq!(
        err.to_string(),
        "400 invalid_grant: the subject token has expired"
    );
    let iamjwt::Error::IamRejected { oauth_error, .. } = &err else {
        panic!()
    };
    assert_eq!(oauth_error.as_deref(), Some("invalid_grant"));
    for (status, body, code, message) in [
        (
            502,
            "<html>bad gateway</html>",
            "ERR_RESPONSE_NOT_JSON",
            "the token exchange answered HTTP 502 with an HTML page",
        ),
        (
            200,
            r#"{"token_type":"Bearer","expires_in":3600}"#,
            "ERR_RESPONSE_INVALID",
            "the token exchange answered HTTP 200 without \"access_token\"",
        ),
        (
            200,
            r#"{"access_token":"t1.x","expires_in":"soon"}"#,
            "ERR_RESPONSE_INVALID",
            "its \"expires_in\" is not a whole number of seconds",
        ),
    ] {
        let err = flow.parse_answer(status, body, NOW).unwrap_err();
        assert_eq!(err.code(), code, "{body}");
        assert!(err.to_string().contains(message), "{err}");
    }
    let refused = Flow::from_spec(&FlowSpec {
        flow: "federation".into(),
        ..FlowSpec::default()
    })
    .unwrap_err();
    assert_eq!(refused.code(), "ERR_OPTION_INVALID");
}

#[test]
fn github_actions_oidc_token_and_what_is_missing_outside_it() {
    use iamjwt::token::{Flow, FlowSpec};
    let spec = |github_actions: Option<&str>, request_url: Option<&str>| FlowSpec {
        flow: "github-oidc".into(),
        github_actions: github_actions.map(Into::into),
        request_url: request_url.map(Into::into),
        audience: Some("https://iam.example/aud 1".into()),
        ..FlowSpec::default()
    };
    let url = "http://127.0.0.1:9/token?api-version=2.0";
    let flow = Flow::from_spec(&spec(Some("true"), Some(url))).unwrap();
    let r = flow.request("request-token").unwrap();
    assert_eq!(
        (r.method, r.url.as_str()),
        (
            "GET",
            "http://127.0.0.1:9/token?api-version=2.0&audience=https%3A%2F%2Fiam.example%2Faud%201"
        )
    );
    assert!(r
        .headers
        .contains(&("Authorization", "Bearer request-token".into())));
    assert_eq!(r.body, None);
    let jwt = common::forge(
        &key_2048(),
        r#"{"alg":"RS256"}"#,
        &format!(r#"{{"exp":{}}}"#, NOW + 600),
    );
    let token = flow
        .parse_answer(200, &format!(r#"{{"value":"{jwt}"}}"#), NOW)
        .unwrap();
    assert_eq!((token.token, token.expires_at), (jwt, NOW + 600));
    // Outside Actions, and in a job without the permission: each said.
    let outside = Flow::from_spec(&spec(None, None)).unwrap_err();
    assert_eq!(outside.code(), "ERR_OIDC_UNAVAILABLE");
    assert!(
        outside
            .to_string()
            .contains("not running in GitHub Actions"),
        "{outside}"
    );
    let no_permission = Flow::from_spec(&spec(Some("true"), None)).unwrap_err();
    assert!(
        no_permission.to_string().contains(
            "give it `permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL is not set)"
        ),
        "{no_permission}"
    );
    let no_token = flow.request("").unwrap_err();
    assert!(
        no_token.to_string().contains(
            "give it `permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set)"
        ),
        "{no_token}"
    );
    let refused = flow.parse_answer(401, "", NOW).unwrap_err();
    assert_eq!(refused.code(), "ERR_OIDC_UNAVAILABLE");
    assert_eq!(
        flow.parse_answer(200, "{}", NOW).unwrap_err().code(),
        "ERR_RESPONSE_INVALID"
    );
}

/// An RS256 JWT signed with a fixture key: an external OIDC token.
fn oidc_token(pem: &str, header: &str, claims: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use rsa::pkcs8::DecodePrivateKey as _;
    use rsa::signature::{SignatureEncoding as _, Signer as _};
    let key = rsa::PrivateKey::from_pkcs8_pem(pem).unwrap();
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key);
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let signature = signer.sign(input.as_bytes()).to_vec();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

fn federation_body(audience: &str, subject: &str) -> String {
    format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&audience={audience}&subject_token={subject}&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token"
    )
}

#[test]
fn the_emulator_serves_the_metadata_services_for_the_first_key() {
    use iamjwt::token::emulator::Request;
    let mut emu = Emulator::new("http://127.0.0.1:1/iam/v1/tokens");
    let get = |path: &'static str, flavor: Option<&'static str>| Request {
        method: "GET",
        path,
        metadata_flavor: flavor,
        ..Request::default()
    };
    // No key yet: nothing to serve.
    let none = emu.answer(
        &get(iamjwt::token::GCE_PATH, Some("Google")),
        NOW,
        "r",
        "t1.m",
    );
    assert_eq!(none.status, 404, "{}", none.body);
    emu.add_key(&fixture("key-2048.json")).unwrap();

    let gce = emu.answer(
        &get(iamjwt::token::GCE_PATH, Some("Google")),
        NOW,
        "r",
        "t1.gce",
    );
    let t = token::parse_gce_response(gce.status, &gce.body, NOW).unwrap();
    assert_eq!((t.token.as_str(), t.expires_at), ("t1.gce", NOW + 43_200));
    let bare = emu.answer(&get(iamjwt::token::GCE_PATH, None), NOW, "r", "t1.gce");
    assert_eq!(bare.status, 403, "GCE needs Metadata-Flavor: Google");

    let ec2 = emu.answer(&get(iamjwt::token::EC2_PATH, None), NOW, "r", "t1.ec2");
    assert_eq!(
        token::parse_ec2_response(ec2.status, &ec2.body, NOW)
            .unwrap()
            .token,
        "t1.ec2"
    );

    // IBM: the instance identity token, then the IAM token for it.
    let instance = emu.answer(
        &Request {
            method: "PUT",
            path: "/instance_identity/v1/token?version=2022-03-01",
            metadata_flavor: Some("ibm"),
            body: r#"{"expires_in":3600}"#,
            ..Request::default()
        },
        NOW,
        "r",
        "abc",
    );
    let instance =
        token::parse_ibm_instance_token_response(instance.status, &instance.body, NOW).unwrap();
    let bearer = format!("Bearer {}", instance.token);
    let post = |path: &'static str, authorization: Option<&'static str>, flavor| Request {
        method: "POST",
        path,
        authorization,
        metadata_flavor: flavor,
        ..Request::default()
    };
    let bearer: &'static str = Box::leak(bearer.into_boxed_str());
    let iam_request = post(
        "/instance_identity/v1/iam_token?version=2022-03-01",
        Some(bearer),
        Some("ibm"),
    );
    // Without the emulator's signing key (it makes one at start), no IAM token.
    let unsigned = emu.answer(&iam_request, NOW, "r", "t1.ibm");
    assert_eq!(unsigned.status, 500, "{}", unsigned.body);
    emu.set_ibm_signing_key(&fixture("keys/rsa2048.pem"))
        .unwrap();
    let iam = emu.answer(&iam_request, NOW, "r", "t1.ibm");
    let t = token::parse_ibm_iam_token_response(iam.status, &iam.body, NOW).unwrap();
    assert_eq!(t.expires_at, NOW + 3600, "IBM's IAM tokens live an hour");
    // An RS256 JWT, as IBM's are, with iat and exp, signed by the emulator's key.
    let decoded = iamjwt::jwt::decode(&t.token).unwrap();
    assert_eq!(
        decoded.header.get("alg").and_then(|v| v.as_str()),
        Some("RS256")
    );
    assert_eq!(
        decoded
            .payload
            .get("iat")
            .and_then(serde_json::Value::as_u64),
        Some(NOW)
    );
    assert_eq!(
        decoded
            .payload
            .get("exp")
            .and_then(serde_json::Value::as_u64),
        Some(NOW + 3600)
    );
    assert_eq!(
        decoded.payload.get("sub").and_then(|v| v.as_str()),
        Some("default")
    );
    // Each step wants Metadata-Flavor: ibm and its path's own version.
    for (path, flavor, status) in [
        (
            "/instance_identity/v1/iam_token?version=2022-03-01",
            None,
            403,
        ),
        ("/instance_identity/v1/iam_token", Some("ibm"), 400),
        (
            "/instance_identity/v1/iam_token?version=2025-08-26",
            Some("ibm"),
            400,
        ),
        (
            "/identity/v1/iam_tokens?version=2022-03-01",
            Some("ibm"),
            400,
        ),
        (
            "/identity/v1/iam_tokens?version=2025-08-26",
            Some("ibm"),
            200,
        ),
    ] {
        let answer = emu.answer(&post(path, Some(bearer), flavor), NOW, "r", "t1.ibm");
        assert_eq!(answer.status, status, "{path} {flavor:?}: {}", answer.body);
    }
    let stranger = emu.answer(
        &post(
            "/instance_identity/v1/iam_token?version=2022-03-01",
            Some("Bearer someone-else"),
            Some("ibm"),
        ),
        NOW,
        "r",
        "t1.ibm",
    );
    assert_eq!(stranger.status, 401);
    // A token of the emulator's form that it never gave, and its own token once expired.
    let forged = emu.answer(
        &post(
            "/instance_identity/v1/iam_token?version=2022-03-01",
            Some("Bearer emulated-instance.forged"),
            Some("ibm"),
        ),
        NOW,
        "r",
        "t1.ibm",
    );
    assert_eq!(forged.status, 401, "{}", forged.body);
    let late = emu.answer(
        &post(
            "/instance_identity/v1/iam_token?version=2022-03-01",
            Some(bearer),
            Some("ibm"),
        ),
        NOW + 301,
        "r",
        "t1.ibm",
    );
    assert_eq!(late.status, 401, "{}", late.body);
    assert!(late.body.contains("expired"), "{}", late.body);
    // Other paths and methods.
    assert_eq!(
        emu.answer(&get("/nowhere", None), NOW, "r", "t").status,
        404
    );
    assert_eq!(
        emu.answer(&get(iamjwt::token::TOKEN_PATH, None), NOW, "r", "t")
            .status,
        405
    );
}

#[test]
fn the_emulator_federates_subject_tokens_of_registered_issuers() {
    use iamjwt::token::{emulator::Request, FEDERATION_PATH};
    let issuer_pem = fixture("keys/other2048.pem");
    let mut emu = Emulator::new("http://127.0.0.1:1/iam/v1/tokens");
    emu.add_key(&fixture("key-2048.json")).unwrap();
    let sa = "ajetestserviceacc001";
    let claims = |iat: u64, exp: u64| {
        format!(
            r#"{{"iss":"https://ci.example","sub":"repo:x","aud":"yc","iat":{iat},"exp":{exp}}}"#
        )
    };
    let good = oidc_token(
        &issuer_pem,
        r#"{"alg":"RS256","kid":"k1"}"#,
        &claims(NOW, NOW + 600),
    );
    let federate = |emu: &mut Emulator, body: &str| {
        let answer = emu.answer(&Request::post(FEDERATION_PATH, body), NOW, "r", "t1.fed");
        (
            answer.status,
            token::parse_federation_response(answer.status, &answer.body, NOW),
        )
    };
    // No issuer registered yet.
    let (status, refused) = federate(&mut emu, &federation_body(sa, &good));
    assert_eq!(status, 400);
    assert!(refused.unwrap_err().to_string().contains("--oidc-issuer"));

    // The issuer: its iss, audiences, the subjects each account allows, its key as a PEM.
    assert_eq!(emu.add_issuer(&fixture("issuer.json")).unwrap(), 1);
    let (status, ok) = federate(&mut emu, &federation_body(sa, &good));
    assert_eq!(status, 200);
    let ok = ok.unwrap();
    assert_eq!((ok.token.as_str(), ok.expires_at), ("t1.fed", NOW + 43_200));

    let refused = |emu: &mut Emulator, body: &str, error: &str, says: &str| {
        let (status, result) = federate(emu, body);
        let e = result.unwrap_err();
        let iamjwt::Error::IamRejected { oauth_error, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!((status, oauth_error.as_deref()), (400, Some(error)), "{e}");
        assert!(e.to_string().contains(says), "{e}");
    };
    let stranger = oidc_token(
        &fixture("keys/rsa2048.pem"),
        r#"{"alg":"RS256"}"#,
        &claims(NOW, NOW + 600),
    );
    refused(
        &mut emu,
        &federation_body(sa, &stranger),
        "invalid_grant",
        "does not verify",
    );
    let expired = oidc_token(
        &issuer_pem,
        r#"{"alg":"RS256"}"#,
        &claims(NOW - 7200, NOW - 3600),
    );
    refused(
        &mut emu,
        &federation_body(sa, &expired),
        "invalid_grant",
        "expired",
    );
    let ahead = oidc_token(
        &issuer_pem,
        r#"{"alg":"RS256"}"#,
        &claims(NOW + 600, NOW + 1200),
    );
    refused(
        &mut emu,
        &federation_body(sa, &ahead),
        "invalid_grant",
        "future",
    );
    refused(
        &mut emu,
        &federation_body("ajesomeoneelse", &good),
        "invalid_target",
        "not the service account",
    );
    refused(
        &mut emu,
        &federation_body(sa, &good).replace("token-exchange", "jwt-bearer"),
        "unsupported_grant_type",
        "grant_type",
    );
    refused(
        &mut emu,
        &federation_body(sa, ""),
        "invalid_request",
        "subject_token is missing",
    );
    let ps256 = common::forge(&key_2048(), r#"{"alg":"PS256"}"#, &claims(NOW, NOW + 600));
    refused(
        &mut emu,
        &federation_body(sa, &ps256),
        "invalid_grant",
        "RS256",
    );
    // The issuer's claims: iss, aud, and sub for this service account.
    let with = |claims: &str| oidc_token(&issuer_pem, r#"{"alg":"RS256"}"#, claims);
    let times = format!(r#""iat":{NOW},"exp":{}"#, NOW + 600);
    for (claims, says) in [
        (
            format!(r#"{{"iss":"https://other.example","sub":"repo:x","aud":"yc",{times}}}"#),
            "is not a registered issuer",
        ),
        (
            format!(r#"{{"sub":"repo:x","aud":"yc",{times}}}"#),
            "is not a registered issuer",
        ),
        (
            format!(r#"{{"iss":"https://ci.example","sub":"repo:x","aud":"other",{times}}}"#),
            "aud is not an audience",
        ),
        (
            format!(r#"{{"iss":"https://ci.example","sub":"repo:x",{times}}}"#),
            "aud is not an audience",
        ),
        (
            format!(r#"{{"iss":"https://ci.example","sub":"repo:y","aud":"yc",{times}}}"#),
            "sub is not a federated credential",
        ),
        (
            format!(r#"{{"iss":"https://ci.example","aud":["x","yc"],{times}}}"#),
            "sub is not a federated credential",
        ),
    ] {
        refused(
            &mut emu,
            &federation_body(sa, &with(&claims)),
            "invalid_grant",
            says,
        );
    }
    let listed = with(&format!(
        r#"{{"iss":"https://ci.example","sub":"repo:x","aud":["x","yc"],{times}}}"#
    ));
    assert_eq!(
        federate(&mut emu, &federation_body(sa, &listed)).0,
        200,
        "aud as a list"
    );
    // Another registered account does not take this issuer's subject.
    emu.add_key(&fixture("key-2048-other.json")).unwrap();
    refused(
        &mut emu,
        &federation_body("ajeotherservice00001", &good),
        "invalid_grant",
        "sub is not a federated credential of service account ajeotherservice00001",
    );

    // The issuer's keys as a JWKS, picked by kid.
    let mut by_jwks = Emulator::new("http://127.0.0.1:1/iam/v1/tokens");
    by_jwks.add_key(&fixture("key-2048.json")).unwrap();
    let key: rsa::PrivateKey = rsa::pkcs8::DecodePrivateKey::from_pkcs8_pem(&issuer_pem).unwrap();
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use rsa::traits::PublicKeyParts as _;
    let jwk = |kid: &str| {
        format!(
            r#"{{"kty":"RSA","kid":"{kid}","alg":"RS256","n":"{}","e":"{}"}}"#,
            URL_SAFE_NO_PAD.encode(key.n_bytes()),
            URL_SAFE_NO_PAD.encode(key.e_bytes())
        )
    };
    let issuer = |keys: &str| {
        format!(
            r#"{{"issuer":"https://ci.example","audiences":["yc"],"subjects":{{"{sa}":["repo:x"]}},"keys":{keys}}}"#
        )
    };
    let jwks = issuer(&format!(r#"[{{"kty":"EC","crv":"P-256"}},{}]"#, jwk("k1")));
    assert_eq!(by_jwks.add_issuer(&jwks).unwrap(), 1);
    assert_eq!(federate(&mut by_jwks, &federation_body(sa, &good)).0, 200);
    let other_kid = oidc_token(
        &issuer_pem,
        r#"{"alg":"RS256","kid":"k2"}"#,
        &claims(NOW, NOW + 600),
    );
    refused(
        &mut by_jwks,
        &federation_body(sa, &other_kid),
        "invalid_grant",
        "does not verify",
    );
    // A token without kid, or a key without one, matches only an issuer's one key.
    let no_kid = oidc_token(&issuer_pem, r#"{"alg":"RS256"}"#, &claims(NOW, NOW + 600));
    assert_eq!(
        federate(&mut by_jwks, &federation_body(sa, &no_kid)).0,
        200,
        "one key"
    );
    let stranger_jwk = {
        let other: rsa::PrivateKey =
            rsa::pkcs8::DecodePrivateKey::from_pkcs8_pem(&fixture("keys/rsa2048.pem")).unwrap();
        format!(
            r#"{{"kty":"RSA","n":"{}","e":"{}"}}"#,
            URL_SAFE_NO_PAD.encode(other.n_bytes()),
            URL_SAFE_NO_PAD.encode(other.e_bytes())
        )
    };
    let unnamed = jwk("k1").replace(r#""kid":"k1","#, "");
    by_jwks
        .add_issuer(&issuer(&format!("[{stranger_jwk},{unnamed}]")))
        .unwrap();
    for token in [&no_kid, &good] {
        refused(
            &mut by_jwks,
            &federation_body(sa, token),
            "invalid_grant",
            "does not verify",
        );
    }
    by_jwks
        .add_issuer(&issuer(&format!("[{unnamed}]")))
        .unwrap();
    assert_eq!(
        federate(&mut by_jwks, &federation_body(sa, &good)).0,
        200,
        "the one key, kid or not"
    );
    assert_eq!(
        by_jwks
            .add_issuer(&issuer(r#"[{"kty":"EC"}]"#))
            .unwrap_err()
            .code(),
        "ERR_KEY_CORRUPT"
    );
    for incomplete in [
        r#"{"keys":[]}"#.to_string(),
        issuer("[]").replace(r#""audiences":["yc"],"#, ""),
        issuer("[]").replace(r#"["repo:x"]"#, "[]"),
        issuer("[]").replace(r#""https://ci.example""#, r#""""#),
        "not json".to_string(),
    ] {
        assert_eq!(
            by_jwks.add_issuer(&incomplete).unwrap_err().code(),
            "ERR_OPTION_INVALID",
            "{incomplete}"
        );
    }
}
