//! What to do after a failed attempt, and when a cached token is due: the
//! decisions a token source's IO loop asks for, as values. Nothing here
//! sleeps or reads a clock.

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
/// exponential backoff from `base_ms` with full jitter (`jitter` in 0..1),
/// capped at `max_ms`.
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
    // Full jitter, but never less than half the step.
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
