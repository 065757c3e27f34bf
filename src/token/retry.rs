//! The whole retry and refresh policy of a token source, as decisions its
//! IO loop asks for: whether to send again and after how long ([`next`],
//! under a [`Policy`]), when a cached token is due ([`refresh_at`]), and
//! how long a failed refresh keeps the old token before trying again
//! ([`FAILED_REFRESH_PAUSE`]). Nothing here sleeps or reads a clock: the
//! JS layer only sleeps and sends.

/// How a token source retries one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Attempts in all, the first included (1 to 10).
    pub attempts: u32,
    /// The first retry's backoff step, in milliseconds.
    pub base_ms: u64,
    /// The longest wait between attempts, `Retry-After` included.
    pub max_ms: u64,
    /// The longest the attempts and waits may take together: a wait that
    /// would end past it is not waited, and the last outcome stands.
    pub budget_ms: u64,
}

impl Policy {
    /// 4 attempts, backoff from 200 ms, at most 10 s between attempts and
    /// 30 s in all.
    pub const DEFAULT: Policy = Policy {
        attempts: 4,
        base_ms: 200,
        max_ms: 10_000,
        budget_ms: 30_000,
    };
}

impl Default for Policy {
    fn default() -> Self {
        Policy::DEFAULT
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// The server answered with `status` (and maybe `Retry-After`).
    Answered {
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` header, as sent.
        retry_after: Option<&'a str>,
    },
    /// The connection failed, or the attempt's timeout fired.
    NetworkError,
    /// The caller aborted: nothing more is sent.
    Aborted,
    /// The server redirected: a credential goes only where it was sent, so
    /// asking the same URL again changes nothing.
    Redirected,
    /// The answer was larger than [`MAX_RESPONSE_LEN`](super::MAX_RESPONSE_LEN):
    /// asking again changes nothing.
    TooLarge,
}

/// After a failed refresh, how long a source keeps serving its still-valid
/// token before it asks again, in seconds.
pub const FAILED_REFRESH_PAUSE: u64 = 5;

/// What to do after attempt number `attempt` (1 for the first), `elapsed_ms`
/// after the first began, came to `outcome`: `Some(wait)` to send again
/// after `wait` milliseconds, `None` to stop there (the answer, or the
/// failure, is the result). Network errors, 429 and 5xx are retried while
/// attempts and the budget last; nothing else is. `jitter` is a random
/// number in 0..1.
#[must_use]
pub fn next(
    policy: &Policy,
    attempt: u32,
    elapsed_ms: u64,
    outcome: Outcome<'_>,
    jitter: f64,
) -> Option<u64> {
    let retry_after = match outcome {
        Outcome::Answered {
            status,
            retry_after,
        } if is_retryable(Some(status)) => retry_after,
        Outcome::NetworkError => None,
        _ => return None,
    };
    if attempt >= policy.attempts {
        return None;
    }
    let wait = retry_delay_ms(attempt, retry_after, policy.base_ms, policy.max_ms, jitter);
    (elapsed_ms.saturating_add(wait) <= policy.budget_ms).then_some(wait)
}

/// Whether a failed attempt may be retried: network errors (`status` None),
/// 429 and 5xx. Never other 4xx.
#[must_use]
pub fn is_retryable(status: Option<u16>) -> bool {
    match status {
        None => true,
        Some(s) => s == 429 || (500..600).contains(&s),
    }
}

/// How long to wait before retry number `attempt` (1 for the first retry),
/// in milliseconds: `Retry-After` (seconds) when the server sent one, else
/// exponential backoff from `base_ms` with equal jitter: the step doubles
/// with each retry up to `max_ms`, and the wait is half the step plus a
/// random part of the other half (`jitter` in 0..1), so it is never less
/// than half the step. Both are capped at `max_ms`.
#[must_use]
pub fn retry_delay_ms(
    attempt: u32,
    retry_after: Option<&str>,
    base_ms: u64,
    max_ms: u64,
    jitter: f64,
) -> u64 {
    if let Some(seconds) = retry_after.and_then(|v| v.trim().parse::<u64>().ok()) {
        return seconds.saturating_mul(1000).min(max_ms);
    }
    let exp = base_ms
        .saturating_mul(1u64 << attempt.saturating_sub(1).min(20))
        .min(max_ms);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        1.0
    };
    // Equal jitter: half the step, plus `jitter` of the other half.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let jittered = (exp as f64 * (0.5 + jitter / 2.0)) as u64;
    jittered
}

/// The fewest seconds between two requests of one token source, however
/// short the token's life or wrong its expiry: at most 120 requests an hour
/// for a source whose server misbehaves, where a real token lives hours
/// (IAM 12 h, IBM 1 h).
pub const MIN_REFRESH_INTERVAL: u64 = 30;

/// When a cached token should be refreshed: once fewer than the margin of
/// seconds are left, where the margin is the larger of 5 minutes and 10 % of
/// the token's life (from `obtained_at` to `expires_at`); never sooner than
/// [`MIN_REFRESH_INTERVAL`] after `obtained_at`. Until then the source
/// keeps the token it has, even one whose stated expiry has passed (a
/// server with a wrong clock, a token shorter-lived than the floor).
#[must_use]
pub fn refresh_at(obtained_at: u64, expires_at: u64) -> u64 {
    let life = expires_at.saturating_sub(obtained_at);
    let margin = (life / 10).max(300);
    expires_at
        .saturating_sub(margin)
        .max(obtained_at.saturating_add(MIN_REFRESH_INTERVAL))
}
