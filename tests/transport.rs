//! What may cross the wire: plain http only to loopback and the metadata
//! address, tokens from answers only as printable header text, subject
//! tokens only as JWTs of bounded size.

use iamjwt::token::{self, Flow, FlowSpec};

const NOW: u64 = 1_790_000_000;

fn spec(flow: &str) -> FlowSpec {
    FlowSpec {
        flow: flow.into(),
        service_account_id: (flow == "federation").then(|| "ajesa".into()),
        request_url: (flow == "github-oidc").then(|| "https://pipelines.example/token?x=1".into()),
        ..FlowSpec::default()
    }
}

fn with_url(flow: &str, url: &str) -> FlowSpec {
    let mut s = spec(flow);
    match flow {
        "metadata" | "ibm-instance" | "ibm-iam" => s.base_url = Some(url.into()),
        "github-oidc" => s.request_url = Some(url.into()),
        _ => s.endpoint = Some(url.into()),
    }
    s
}

#[test]
fn plain_http_goes_only_to_loopback_and_the_metadata_address() {
    let all = [
        "jwt",
        "oauth",
        "federation",
        "github-oidc",
        "metadata",
        "ibm-instance",
        "ibm-iam",
    ];
    for flow in all {
        assert!(
            Flow::from_spec(&spec(flow)).is_ok(),
            "{flow}: its default URL"
        );
        for url in [
            "https://iam.example.com/iam/v1/tokens",
            "HTTPS://iam.example.com",
            "http://127.0.0.1:8910/x",
            "http://127.45.0.9/",
            "http://localhost:1/",
            "http://LOCALHOST/",
            "http://[::1]:8910/x",
        ] {
            assert!(
                Flow::from_spec(&with_url(flow, url)).is_ok(),
                "{flow} {url}"
            );
        }
        for url in [
            "http://iam.example.com/iam/v1/tokens",
            "http://127.0.0.1.nip.io/",
            "http://localhost.example.com/",
            "http://127.0.0.1@evil.example/",
            "http://user:pw@evil.example:80/",
            "http://127.1/",
            "http://0x7f.0.0.1/",
            "http://127.0.0.256/",
            "http://10.0.0.5/",
            "http://[::ffff:7f00:1]/",
        ] {
            let e = Flow::from_spec(&with_url(flow, url)).unwrap_err();
            assert_eq!(e.code(), "ERR_INSECURE_URL", "{flow} {url}");
            assert!(e.to_string().contains("allowInsecureHttp"), "{e}");
            assert!(!e.to_string().contains("pw"), "{e}");
            let opted = FlowSpec {
                allow_insecure_http: true,
                ..with_url(flow, url)
            };
            assert!(Flow::from_spec(&opted).is_ok(), "{flow} {url} opted in");
        }
        for url in [
            "ftp://x/",
            "file:///etc/passwd",
            "iam.example.com",
            "http:/x",
            "http://",
        ] {
            let e = Flow::from_spec(&with_url(flow, url)).unwrap_err();
            assert_eq!(e.code(), "ERR_OPTION_INVALID", "{flow} {url}");
        }
    }
    // The metadata address is for the metadata flows only.
    for flow in ["metadata", "ibm-instance", "ibm-iam"] {
        assert!(Flow::from_spec(&with_url(flow, "http://169.254.169.254")).is_ok());
    }
    for flow in ["jwt", "oauth", "federation", "github-oidc"] {
        let e = Flow::from_spec(&with_url(flow, "http://169.254.169.254/x")).unwrap_err();
        assert_eq!(e.code(), "ERR_INSECURE_URL", "{flow}");
    }
    let e = Flow::from_spec(&with_url("jwt", "http://iam.example.com:8080/x")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "endpoint is plain http to iam.example.com, which would send the credential in the clear; use https, or for a test host you trust opt in with allowInsecureHttp: true (the command line's --allow-insecure-http)"
    );
}

#[test]
fn tokens_and_ids_from_answers_are_printable_header_text() {
    let bad = ["t1.abc\r\nX-Evil: 1", "t1 abc", "t1.\u{7f}", "t1.é", ""];
    for token in bad {
        let body = serde_json::json!({"iamToken": token, "expiresAt": "2026-11-24T08:00:00Z"});
        let e = token::parse_iam_response(200, &body.to_string(), NOW).unwrap_err();
        assert_eq!(e.code(), "ERR_RESPONSE_INVALID", "{token:?}");
        assert!(!e.to_string().contains("Evil"), "{e}");
        let gce = serde_json::json!({"access_token": token, "expires_in": 60});
        let e = token::parse_gce_response(200, &gce.to_string(), NOW).unwrap_err();
        assert_eq!(e.code(), "ERR_RESPONSE_INVALID", "{token:?}");
        let ec2 = serde_json::json!({"Code": "Success", "Token": token, "Expiration": "2026-11-24T08:00:00Z"});
        let e = token::parse_ec2_response(200, &ec2.to_string(), NOW).unwrap_err();
        assert_eq!(e.code(), "ERR_RESPONSE_INVALID", "{token:?}");
        let e = token::parse_federation_response(200, &gce.to_string(), NOW).unwrap_err();
        assert_eq!(e.code(), "ERR_RESPONSE_INVALID", "{token:?}");
        let e = token::parse_ibm_iam_token_response(200, &gce.to_string(), NOW).unwrap_err();
        assert_eq!(e.code(), "ERR_RESPONSE_INVALID", "{token:?}");
        let github = serde_json::json!({ "value": token });
        let e = token::parse_github_oidc_response(200, &github.to_string(), NOW).unwrap_err();
        assert_eq!(e.code(), "ERR_RESPONSE_INVALID", "{token:?}");
    }
    let long = "a".repeat(8 * 1024 + 1);
    let body = serde_json::json!({"iamToken": long, "expiresAt": "2026-11-24T08:00:00Z"});
    let e = token::parse_iam_response(200, &body.to_string(), NOW).unwrap_err();
    assert_eq!(
        e.to_string(),
        "IAM answered HTTP 200, but its \"iamToken\" is not a string of printable token characters (at most 8192 bytes, no spaces or line breaks)"
    );
    let ok =
        serde_json::json!({"iamToken": "a".repeat(8 * 1024), "expiresAt": "2026-11-24T08:00:00Z"});
    assert!(token::parse_iam_response(200, &ok.to_string(), NOW).is_ok());
    // An error answer's request id is an id too.
    let refusal = r#"{"code":16,"message":"no","details":[{"requestId":"r1\r\nX-Evil: 1"}]}"#;
    let e = token::parse_iam_response(401, refusal, NOW).unwrap_err();
    assert_eq!(e.code(), "ERR_RESPONSE_INVALID");
    let refusal = r#"{"code":16,"message":"no","details":[{"requestId":"r-1"}]}"#;
    assert_eq!(
        token::parse_iam_response(401, refusal, NOW)
            .unwrap_err()
            .code(),
        "ERR_IAM_REJECTED"
    );
}

#[test]
fn a_subject_token_must_be_a_bounded_jwt_and_is_never_quoted() {
    use iamjwt::token::transport::{subject_token, MAX_SUBJECT_TOKEN_LEN};
    let flow = Flow::from_spec(&spec("federation")).unwrap();
    assert!(flow.request("eyJh.eyJz.c2ln").is_ok());
    assert!(
        flow.request("eyJh.eyJz.").is_ok(),
        "an unsigned token is still a JWT's shape"
    );
    for bad in [
        "",
        "secret-password",
        "a.b",
        "a.b.c.d",
        ".b.c",
        "a..c",
        "eyJh.eyJz.c2ln+/=",
        "eyJh.eyJ z.c2ln",
    ] {
        let e = flow.request(bad).unwrap_err();
        assert_eq!(e.code(), "ERR_SUBJECT_TOKEN_INVALID", "{bad:?}");
        if !bad.is_empty() {
            assert!(!e.to_string().contains(bad), "{e}");
        }
    }
    let big = format!("eyJh.{}.c2ln", "A".repeat(MAX_SUBJECT_TOKEN_LEN));
    let e = subject_token(&big, "the subject token file /run/t").unwrap_err();
    assert_eq!(
        e.to_string(),
        "the subject token file /run/t is larger than 16384 bytes, so it is no OIDC token; nothing was sent"
    );
    assert_eq!(subject_token(" a.b.c\n", "x").unwrap(), "a.b.c");
}
