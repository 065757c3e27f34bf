//! One round trip per token service, in memory, as quinn-proto's `Pair`
//! runs a connection: the client side's request ([`Flow::request`]) goes to
//! the emulator's side of the same service ([`Emulator::answer`]), whose
//! answer the client side parses ([`Flow::parse_answer`]). No socket, no
//! clock: the path, the method, the headers and the body each side writes
//! are the ones the other reads.
mod common;

use common::{fixture, key_2048};
use iamjwt::jwt::SignOptions;
use iamjwt::token::emulator::{Emulator, Request};
use iamjwt::token::{Flow, FlowSpec, HttpRequest, Token};

const NOW: u64 = 1_795_464_000;
const BASE: &str = "http://127.0.0.1:8910";

/// The emulator, with the fixture key and the fixture issuer.
fn emulator() -> Emulator {
    let mut emu = Emulator::new(&format!("{BASE}/iam/v1/tokens"));
    emu.add_key(&fixture("key-2048.json")).unwrap();
    emu.add_issuer(&fixture("issuer.json")).unwrap();
    emu.set_ibm_signing_key(&fixture("keys/rsa2048.pem"))
        .unwrap();
    emu
}

/// Sends `request` to the emulator as its HTTP server would hand it over.
fn carry(emu: &mut Emulator, request: &HttpRequest, new_token: &str) -> (u16, String) {
    let path = request.url.strip_prefix(BASE).expect("the emulator's URL");
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let answer = emu.answer(
        &Request {
            method: request.method,
            path,
            metadata_flavor: header("Metadata-Flavor"),
            authorization: header("Authorization"),
            body: request.body.as_deref().unwrap_or_default(),
        },
        NOW,
        "req-1",
        new_token,
    );
    (answer.status, answer.body)
}

/// One round trip: the flow's request, the emulator's answer, the flow's parse.
fn round_trip(emu: &mut Emulator, spec: FlowSpec, credential: &str, new_token: &str) -> Token {
    let flow = Flow::from_spec(&spec).unwrap();
    let (status, body) = carry(emu, &flow.request(credential).unwrap(), new_token);
    flow.parse_answer(status, &body, NOW)
        .unwrap_or_else(|e| panic!("{}: {status} {body}: {e}", spec.flow))
}

fn spec(flow: &str) -> FlowSpec {
    FlowSpec {
        flow: flow.into(),
        ..FlowSpec::default()
    }
}

#[test]
fn iam_jwt_exchange() {
    let mut emu = emulator();
    let endpoint = format!("{BASE}/iam/v1/tokens");
    let jwt = key_2048()
        .sign_jwt(&SignOptions {
            endpoint: Some(endpoint.clone()),
            ..SignOptions::new(NOW)
        })
        .unwrap();
    let spec = FlowSpec {
        endpoint: Some(endpoint),
        ..spec("jwt")
    };
    let token = round_trip(&mut emu, spec, &jwt, "t1.jwt");
    assert_eq!(
        (token.token.as_str(), token.expires_at),
        ("t1.jwt", NOW + 12 * 3600)
    );
}

#[test]
fn oauth_exchange_is_refused_as_the_emulator_says() {
    let mut emu = emulator();
    let flow = Flow::from_spec(&FlowSpec {
        endpoint: Some(format!("{BASE}/iam/v1/tokens")),
        ..spec("oauth")
    })
    .unwrap();
    let (status, body) = carry(&mut emu, &flow.request("y0_token").unwrap(), "t1.never");
    let e = flow.parse_answer(status, &body, NOW).unwrap_err();
    assert_eq!(e.code(), "ERR_IAM_REJECTED");
    assert!(e.to_string().contains("JWTs only"), "{e}");
}

#[test]
fn metadata_gce_and_ec2() {
    let mut emu = emulator();
    for flavor in ["gce", "ec2"] {
        let spec = FlowSpec {
            flavor: Some(flavor.into()),
            base_url: Some(BASE.into()),
            ..spec("metadata")
        };
        let token = round_trip(&mut emu, spec, "", &format!("t1.{flavor}"));
        assert_eq!(token.token, format!("t1.{flavor}"));
        assert_eq!(token.expires_at, NOW + 12 * 3600);
    }
}

#[test]
fn ibm_instance_token_then_iam_token_at_both_service_versions() {
    let mut emu = emulator();
    let base = Some(BASE.to_string());
    for version in [None, Some("2022-03-01"), Some("2025-08-26")] {
        let instance = round_trip(
            &mut emu,
            FlowSpec {
                base_url: base.clone(),
                service_version: version.map(Into::into),
                ..spec("ibm-instance")
            },
            "",
            "i1",
        );
        assert_eq!(instance.expires_at, NOW + 300);
        for profile in [None, Some("Profile-1"), Some("crn:v1:x")] {
            let spec = FlowSpec {
                base_url: base.clone(),
                profile: profile.map(Into::into),
                service_version: version.map(Into::into),
                ..spec("ibm-iam")
            };
            let token = round_trip(&mut emu, spec, &instance.token, "t1.ibm");
            let claims = iamjwt::jwt::decode(&token.token).unwrap().payload;
            assert_eq!(claims.get("jti").and_then(|v| v.as_str()), Some("t1.ibm"));
            let sub = claims
                .get("sub")
                .and_then(|v| v.as_str())
                .unwrap()
                .to_string();
            assert_eq!(sub, profile.unwrap_or("default"), "{version:?} {profile:?}");
            assert_eq!(token.expires_at, NOW + 3600);
        }
    }
    let e = Flow::from_spec(&FlowSpec {
        service_version: Some("2024-01-01".into()),
        ..spec("ibm-instance")
    })
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "serviceVersion must be '2022-03-01' or '2025-08-26', not '2024-01-01'"
    );
}

#[test]
fn federation_with_a_registered_issuers_token() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use rsa::pkcs8::DecodePrivateKey as _;
    use rsa::signature::{SignatureEncoding as _, Signer as _};
    let key = rsa::PrivateKey::from_pkcs8_pem(&fixture("keys/other2048.pem")).unwrap();
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
        URL_SAFE_NO_PAD.encode(format!(
            r#"{{"iss":"https://ci.example","sub":"repo:x","aud":"yc","iat":{NOW},"exp":{}}}"#,
            NOW + 600
        ))
    );
    let signature = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key).sign(input.as_bytes());
    let subject = format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_vec()));
    let mut emu = emulator();
    let spec = FlowSpec {
        endpoint: Some(format!("{BASE}/oauth/token")),
        service_account_id: Some("ajetestserviceacc001".into()),
        ..spec("federation")
    };
    let token = round_trip(&mut emu, spec, &subject, "t1.fed");
    assert_eq!(
        (token.token.as_str(), token.expires_at),
        ("t1.fed", NOW + 12 * 3600)
    );
}
