//! Getting tokens, sans-IO: a room per token service, each owning its
//! paths, its request as a value, its answer parsed and its emulator side
//! ([`iam`], [`oauth`], [`metadata`], [`ibm`], [`federation`]); [`Flow`]
//! dispatches over them from what the user gave ([`FlowSpec`]); [`retry`]
//! decides retries and refreshes, [`transport`] what may cross the wire;
//! and (feature `emulator`) [`emulator`] answers every service's requests.
//! Nothing here opens a socket or reads a clock.
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

pub mod answer;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod federation;
pub mod flow;
pub mod http;
pub mod iam;
pub mod ibm;
pub mod metadata;
pub mod oauth;
pub mod retry;
pub mod transport;

pub use answer::{MAX_RESPONSE_LEN, MAX_TOKEN_LIFE};
pub use federation::{
    federation_request, github_oidc_request, parse_federation_response, parse_github_oidc_response,
    DEFAULT_FEDERATION_ENDPOINT, FEDERATION_PATH,
};
pub use flow::{Flow, FlowSpec, Service, FLOW_NAMES};
pub use http::{HttpRequest, Token};
pub use iam::{jwt_request, parse_iam_response, DEFAULT_ENDPOINT, TOKEN_PATH};
pub use ibm::{
    ibm_iam_token_request, ibm_instance_token_request, parse_ibm_iam_token_response,
    parse_ibm_instance_token_response, IbmProfile, IbmServiceVersion, IBM_API_VERSION,
    IBM_IAM_PATH, IBM_IAM_PATH_2025, IBM_INSTANCE_PATH, IBM_INSTANCE_PATH_2025,
};
pub use metadata::{
    ec2_request, gce_request, parse_ec2_response, parse_gce_response, MetadataFormat,
    DEFAULT_METADATA_URL, EC2_PATH, GCE_PATH,
};
pub use oauth::oauth_request;
