//! One way to get a token: [`Flow`], a typed dispatch over the token
//! services, each a room of its own ([`iam`](super::iam),
//! [`oauth`](super::oauth), [`metadata`](super::metadata),
//! [`ibm`](super::ibm), [`federation`](super::federation)) that owns its
//! paths, its request, its answer and its emulator side. Adding a service
//! is its module, its [`Service`] impl and one line in [`flows!`].

use alloc::format;
use alloc::string::String;

use crate::error::{Error, Result};
use crate::token::federation::{FederationFlow, GithubOidcFlow};
use crate::token::http::{HttpRequest, Token};
use crate::token::iam::JwtFlow;
use crate::token::ibm::{IbmIamFlow, IbmInstanceFlow};
use crate::token::metadata::MetadataFlow;
use crate::token::oauth::OAuthFlow;
use crate::token::transport::{check_url, PlainHttp};

/// Per-attempt timeouts: IAM is across the internet, the metadata service
/// on the VM's own link.
pub(crate) const IAM_TIMEOUT_MS: u64 = 10_000;
pub(crate) const METADATA_TIMEOUT_MS: u64 = 2_000;

/// What each token service does, as values: no IO.
pub trait Service: Sized {
    /// The [`FlowSpec`] members the service takes; any other given is
    /// [`Error::OptionInvalid`].
    const OPTIONS: &'static [&'static str];
    /// The service as the user described it.
    ///
    /// # Errors
    /// [`Error::OptionInvalid`] for a member it cannot take.
    fn from_spec(spec: &FlowSpec) -> Result<Self>;
    /// The request to send, with the credential the service takes (the
    /// JWT, the OAuth token, the instance token, the subject token, the
    /// job's request token; none for the metadata services).
    ///
    /// # Errors
    /// A credential the service cannot send.
    fn request(&self, credential: &str) -> Result<HttpRequest>;
    /// The answer to [`Service::request`], received at `now`.
    ///
    /// # Errors
    /// The service's refusal, or an answer that cannot be read.
    fn parse_answer(&self, status: u16, body: &str, now: u64) -> Result<Token>;
    /// Where the credential goes, the option that names it, and where
    /// plain http may go ([`check_url`]).
    fn destination(&self) -> (&str, &'static str, PlainHttp);
    /// The default timeout of one attempt, in milliseconds.
    fn timeout_ms(&self) -> u64;
}

/// The flows: each name, its variant and its service. The one place a
/// service is added.
macro_rules! flows {
    ($($name:literal => $variant:ident($service:ty),)*) => {
        /// One way to get a token, made from what the user gave
        /// ([`Flow::from_spec`]): its request as a value ([`Flow::request`])
        /// and its answer parsed ([`Flow::parse_answer`]).
        ///
        /// ```
        /// use iamjwt::token::{Flow, FlowSpec};
        ///
        /// let spec = FlowSpec { flow: "metadata".into(), flavor: Some("ec2".into()), ..FlowSpec::default() };
        /// let flow = Flow::from_spec(&spec)?;
        /// assert_eq!(flow.request("")?.url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/default/");
        /// assert_eq!(flow.timeout_ms(), 2_000);
        /// # Ok::<(), iamjwt::Error>(())
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Flow {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant($service),
            )*
        }

        /// Runs `$e` with the flow's service as `$s`.
        macro_rules! each {
            ($flow:expr, $s:ident => $e:expr) => {
                match $flow { $(Flow::$variant($s) => $e,)* }
            };
        }

        impl Flow {
            /// The flow a caller named, with what the user gave decided.
            ///
            /// # Errors
            /// [`Error::OptionInvalid`] for an unknown flow, a member the flow
            /// does not take, or one it cannot read; [`Error::InsecureUrl`] for
            /// plain http where the flow would send a credential in the clear.
            pub fn from_spec(spec: &FlowSpec) -> Result<Self> {
                let flow = match spec.flow.as_str() {
                    $($name => Flow::$variant(build::<$service>(spec)?),)*
                    other => {
                        return Err(Error::OptionInvalid(format!(
                            "unknown token flow \"{}\"",
                            crate::text::one_line(other, 20)
                        )))
                    }
                };
                let (url, what, plain) = flow.destination();
                check_url(url, what, plain, spec.allow_insecure_http)?;
                Ok(flow)
            }
        }

        /// The names of the flows, in order.
        pub const FLOW_NAMES: &[&str] = &[$($name),*];
    };
}

flows! {
    "jwt" => Jwt(JwtFlow),
    "oauth" => OAuth(OAuthFlow),
    "metadata" => Metadata(MetadataFlow),
    "ibm-instance" => IbmInstance(IbmInstanceFlow),
    "ibm-iam" => IbmIam(IbmIamFlow),
    "federation" => Federation(FederationFlow),
    "github-oidc" => GithubOidc(GithubOidcFlow),
}

/// `S` from the spec, once no member it does not take is given.
fn build<S: Service>(spec: &FlowSpec) -> Result<S> {
    let given = [
        ("endpoint", spec.endpoint.is_some()),
        ("flavor", spec.flavor.is_some()),
        ("base_url", spec.base_url.is_some()),
        ("profile", spec.profile.is_some()),
        ("service_account_id", spec.service_account_id.is_some()),
        ("audience", spec.audience.is_some()),
        ("request_url", spec.request_url.is_some()),
        ("github_actions", spec.github_actions.is_some()),
        ("service_version", spec.service_version.is_some()),
    ];
    if let Some((name, _)) = given
        .iter()
        .find(|(name, on)| *on && !S::OPTIONS.contains(name))
    {
        return Err(Error::OptionInvalid(format!(
            "{name} does not apply to the {} flow",
            crate::text::one_line(&spec.flow, 20)
        )));
    }
    S::from_spec(spec)
}

impl Flow {
    /// The request to send ([`Service::request`]).
    ///
    /// # Errors
    /// As the service's.
    pub fn request(&self, credential: &str) -> Result<HttpRequest> {
        each!(self, s => s.request(credential))
    }

    /// Parses the answer to [`Flow::request`], received at `now`.
    ///
    /// # Errors
    /// The service's: [`Error::IamRejected`], [`Error::MetadataRejected`],
    /// [`Error::ResponseNotJson`], [`Error::ResponseInvalid`], ….
    pub fn parse_answer(&self, status: u16, body: &str, now: u64) -> Result<Token> {
        each!(self, s => s.parse_answer(status, body, now))
    }

    /// The default timeout of one attempt, in milliseconds: 10 s across
    /// the internet, 2 s for a metadata service.
    #[must_use]
    pub fn timeout_ms(&self) -> u64 {
        each!(self, s => s.timeout_ms())
    }

    fn destination(&self) -> (&str, &'static str, PlainHttp) {
        each!(self, s => s.destination())
    }
}

/// A flow as a caller names it: `flow` is `jwt`, `oauth`, `metadata`,
/// `ibm-instance`, `ibm-iam`, `federation` or `github-oidc`, and the other
/// members are what the user gave, unchecked. [`Flow::from_spec`] decides what they mean.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowSpec {
    /// Which flow.
    pub flow: String,
    /// The IAM token URL (`jwt`, `oauth`).
    pub endpoint: Option<String>,
    /// The metadata format, `gce` or `ec2` (`metadata`; `gce` when absent).
    pub flavor: Option<String>,
    /// The metadata service's base URL (`metadata`, `ibm-*`).
    pub base_url: Option<String>,
    /// An IBM trusted profile id, a CRN (`crn:…`), or `default` (`ibm-iam`).
    pub profile: Option<String>,
    /// The service account to federate to (`federation`).
    pub service_account_id: Option<String>,
    /// The OIDC token's audience (`github-oidc`).
    pub audience: Option<String>,
    /// The job's `ACTIONS_ID_TOKEN_REQUEST_URL`, as its environment has it (`github-oidc`).
    pub request_url: Option<String>,
    /// The job's `GITHUB_ACTIONS`, as its environment has it (`github-oidc`).
    pub github_actions: Option<String>,
    /// IBM's instance metadata service version, `2022-03-01` (the default)
    /// or `2025-08-26` (`ibm-*`).
    pub service_version: Option<String>,
    /// Lets the flow send its credential over plain http to any host (any
    /// flow); without it plain http goes only to loopback and, for the
    /// metadata flows, to the metadata address ([`transport::check_url`]).
    pub allow_insecure_http: bool,
}
