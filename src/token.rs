//! Getting tokens, sans-IO: each flow's request as a value for the caller
//! to send, its answer parsed from the status and body the caller received
//! ([`flow`], behind [`Flow`]); whether and when to retry, and when a cached
//! token is due ([`retry`]); and the decisions of the local IAM emulator
//! ([`emulator`]). Nothing here opens a socket or reads a clock.
//!
//! How a token request travels: the caller names a flow with what the user
//! gave ([`FlowSpec`]) → [`Flow::from_spec`] decides what it means →
//! [`Flow::request`] → the caller sends it and reads the clock →
//! [`Flow::parse_answer`] → a [`Token`]; a failure goes to
//! [`retry::is_retryable`] and [`retry::retry_delay_ms`], a success to
//! [`retry::refresh_at`].
//!
//! ```
//! use iamjwt::token::{Flow, FlowSpec};
//!
//! let flow = Flow::from_spec(&FlowSpec { flow: "jwt".into(), ..FlowSpec::default() })?;
//! let request = flow.request("eyJ…")?;
//! assert_eq!(request.url, "https://iam.api.cloud.yandex.net/iam/v1/tokens");
//! let token = flow.parse_answer(200, r#"{"iamToken":"t1.abc","expiresAt":"2026-11-24T08:00:00Z"}"#, 1_795_464_000)?;
//! assert_eq!(token.expires_at, 1_795_507_200);
//! # Ok::<(), iamjwt::Error>(())
//! ```

pub mod emulator;
pub mod flow;
pub mod retry;
pub mod transport;

pub use flow::{
    ec2_request, gce_request, ibm_iam_token_request, ibm_instance_token_request, jwt_request,
    oauth_request, parse_ec2_response, parse_gce_response, parse_iam_response,
    parse_ibm_iam_token_response, parse_ibm_instance_token_response, Flow, FlowSpec, HttpRequest,
    IbmProfile, MetadataFormat, Token, DEFAULT_ENDPOINT, DEFAULT_METADATA_URL, IBM_API_VERSION,
    MAX_RESPONSE_LEN, MAX_TOKEN_LIFE,
};
pub use flow::{
    federation_request, github_oidc_request, parse_federation_response, parse_github_oidc_response,
    DEFAULT_FEDERATION_ENDPOINT,
};
