//! Throttling: the token bucket API Gateway documents for every throttle level
//! (usage-plan per key, stage/method, account, Region). `rate` is the number of
//! tokens added per second (the steady requests per second) and `burst` is the
//! bucket's capacity; each request takes one token and is refused with
//! 429 `Too Many Requests` when the bucket is empty.
//!
//! The bucket runs on the virtual clock and uses exact integer arithmetic, so
//! a run never depends on float rounding and the same arrivals always give the
//! same answers.

use crate::gateway::time::SimTime;
use serde::{Deserialize, Serialize};

/// One problem found by a `validate()` method: the key path (relative to the
/// table that was validated; array indexes as decimal strings), what is
/// wrong, and a hint on how to fix it.
pub type Problem = (Vec<String>, String, String);

/// Nano-tokens in one token. The bucket counts in nano-tokens so that a rate
/// of `r` requests per second refills `r * 1_000_000` nano-tokens per
/// millisecond, an exact integer for any rate with at most six decimals.
const NANO: u64 = 1_000_000_000;

/// The smallest rate the bucket can represent (one nano-token per millisecond).
pub const MIN_NONZERO_RATE: f64 = 0.000_001;

/// Throttle settings: rate = tokens added per second (steady requests per
/// second), burst = bucket capacity.
///
/// TOML: `{ rate = 10.0, burst = 20 }`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ThrottleSettings {
    /// Tokens added per second (steady-state requests per second).
    pub rate: f64,
    /// Bucket capacity: how many requests may arrive at once after a quiet spell.
    pub burst: u32,
}

/// Account-level default per Region: 10,000 rps, burst 5,000.
pub const ACCOUNT_DEFAULT: ThrottleSettings = ThrottleSettings {
    rate: 10_000.0,
    burst: 5_000,
};

impl ThrottleSettings {
    /// Every problem with these settings; empty when they are usable.
    pub fn validate(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        if !self.rate.is_finite() || self.rate < 0.0 {
            problems.push((
                vec!["rate".to_string()],
                format!(
                    "rate must be a finite number of requests per second, 0 or more (found {})",
                    self.rate
                ),
                "use e.g. rate = 10.0 for ten requests per second, or 0 to stop steady traffic"
                    .to_string(),
            ));
        } else if self.rate > 0.0 && self.rate < MIN_NONZERO_RATE {
            problems.push((
                vec!["rate".to_string()],
                format!(
                    "rate {} is below the smallest rate the simulator can represent ({MIN_NONZERO_RATE} requests per second)",
                    self.rate
                ),
                "use 0 to allow only the burst, or a rate of at least 0.000001".to_string(),
            ));
        }
        problems
    }

    /// Refill in nano-tokens per millisecond (rate rounded to six decimals).
    fn nano_per_ms(&self) -> u64 {
        if self.rate.is_finite() && self.rate > 0.0 {
            // `as` saturates, so absurd rates become "always full", never a panic.
            (self.rate * 1_000_000.0).round() as u64
        } else {
            0
        }
    }
}

/// A deterministic token bucket on the virtual clock. Starts full. Exact
/// integer arithmetic (nano-tokens and milliseconds) so results never depend
/// on float rounding; one token per request.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenBucket {
    /// Capacity in nano-tokens.
    cap: u64,
    /// Refill in nano-tokens per millisecond.
    per_ms: u64,
    /// Level in nano-tokens at `last`.
    level: u64,
    /// Time of the latest call, in ms since the epoch.
    last: u64,
    settings: ThrottleSettings,
}

impl TokenBucket {
    /// A full bucket at `now`.
    pub fn new(s: ThrottleSettings, now: SimTime) -> Self {
        let cap = u64::from(s.burst) * NANO;
        TokenBucket {
            cap,
            per_ms: s.nano_per_ms(),
            level: cap,
            last: now.as_millis(),
            settings: s,
        }
    }

    /// Level in nano-tokens at `now` (never before the latest call).
    #[inline(always)]
    fn level_at(&self, now: u64) -> u64 {
        if now <= self.last || self.level == self.cap {
            return self.level;
        }
        (now - self.last)
            .saturating_mul(self.per_ms)
            .saturating_add(self.level)
            .min(self.cap)
    }

    /// Take one token at `now` if available. `now` earlier than the last call
    /// is treated as the last call.
    #[inline]
    pub fn try_take(&mut self, now: SimTime) -> bool {
        let now = now.as_millis();
        if now > self.last {
            self.level = self.level_at(now);
            self.last = now;
        }
        if self.level >= NANO {
            self.level -= NANO;
            true
        } else {
            false
        }
    }

    /// Tokens available at `now` (for charts), without taking any.
    pub fn level(&self, now: SimTime) -> f64 {
        self.level_at(now.as_millis()) as f64 / NANO as f64
    }

    /// The settings this bucket was built from.
    pub fn settings(&self) -> ThrottleSettings {
        self.settings
    }

    /// When the next token will be available (None if one is available now,
    /// or if the rate is 0 and the bucket is empty forever).
    pub fn next_token_at(&self, now: SimTime) -> Option<SimTime> {
        let at = now.as_millis().max(self.last);
        let level = self.level_at(at);
        if level >= NANO || self.per_ms == 0 || self.cap < NANO {
            return None;
        }
        let missing = NANO - level;
        let wait_ms = missing.div_ceil(self.per_ms);
        Some(SimTime::from_millis(at.saturating_add(wait_ms)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::time::{DEFAULT_EPOCH, SimDuration};

    fn s(rate: f64, burst: u32) -> ThrottleSettings {
        ThrottleSettings { rate, burst }
    }

    #[test]
    fn scenario_76_rate_1_burst_5() {
        // Idle for 10 s first: the bucket is full (it starts full and cannot overfill).
        let t0 = DEFAULT_EPOCH;
        let mut b = TokenBucket::new(s(1.0, 5), t0.minus(SimDuration::from_secs(10)));
        let admitted: Vec<bool> = (0..6).map(|_| b.try_take(t0)).collect();
        assert_eq!(admitted, vec![true, true, true, true, true, false]);
        assert_eq!(
            b.next_token_at(t0),
            Some(t0.plus(SimDuration::from_secs(1)))
        );
        assert!(!b.try_take(t0.plus(SimDuration::from_millis(999))));
        assert!(b.try_take(t0.plus(SimDuration::from_secs(1))));
        assert!(!b.try_take(t0.plus(SimDuration::from_secs(1))));
    }

    #[test]
    fn zero_rate_and_zero_burst() {
        let t0 = DEFAULT_EPOCH;
        let mut blocked = TokenBucket::new(s(0.0, 0), t0);
        assert!(!blocked.try_take(t0));
        assert!(!blocked.try_take(t0.plus(SimDuration::from_secs(86_400))));
        assert_eq!(blocked.next_token_at(t0), None);

        let mut three = TokenBucket::new(s(0.0, 3), t0);
        let n = (0..10)
            .map(|i| three.try_take(t0.plus(SimDuration::from_secs(i))))
            .filter(|ok| *ok)
            .count();
        assert_eq!(n, 3);
        assert_eq!(
            three.next_token_at(t0.plus(SimDuration::from_secs(100))),
            None
        );

        // A positive rate with burst 0 never holds a whole token either.
        let mut no_burst = TokenBucket::new(s(100.0, 0), t0);
        assert!(!no_burst.try_take(t0.plus(SimDuration::from_secs(5))));
        assert_eq!(no_burst.next_token_at(t0), None);
    }

    #[test]
    fn fractional_rate_refills_exactly() {
        let t0 = DEFAULT_EPOCH;
        let mut b = TokenBucket::new(s(0.5, 1), t0);
        assert!(b.try_take(t0));
        assert_eq!(
            b.next_token_at(t0),
            Some(t0.plus(SimDuration::from_secs(2)))
        );
        assert!((b.level(t0.plus(SimDuration::from_millis(1000))) - 0.5).abs() < 1e-12);
        assert!(!b.try_take(t0.plus(SimDuration::from_millis(1999))));
        assert!((b.level(t0.plus(SimDuration::from_millis(1999))) - 0.9995).abs() < 1e-12);
        assert!(b.try_take(t0.plus(SimDuration::from_millis(2000))));
        // Rates are kept to six decimals: 1/3 becomes 0.333333 rps, so a whole
        // token takes 3000.003 ms and is there at the next millisecond, 3001.
        let mut third = TokenBucket::new(s(1.0 / 3.0, 1), t0);
        assert!(third.try_take(t0));
        assert_eq!(
            third.next_token_at(t0),
            Some(t0.plus(SimDuration::from_millis(3001)))
        );
        assert!(!third.try_take(t0.plus(SimDuration::from_millis(3000))));
        assert!(third.try_take(t0.plus(SimDuration::from_millis(3001))));
    }

    #[test]
    fn earlier_time_is_treated_as_the_latest_call() {
        let t0 = DEFAULT_EPOCH;
        let mut b = TokenBucket::new(s(10.0, 1), t0);
        assert!(b.try_take(t0.plus(SimDuration::from_secs(1))));
        // Going back in time must not refill (nor underflow).
        assert!(!b.try_take(t0));
        assert_eq!(b.level(t0), 0.0);
        assert!((b.level(t0.plus(SimDuration::from_millis(1050))) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn level_caps_at_burst_and_huge_gaps_do_not_overflow() {
        let t0 = SimTime(0);
        let mut b = TokenBucket::new(s(1e12, u32::MAX), t0);
        for _ in 0..1000 {
            assert!(b.try_take(t0));
        }
        assert_eq!(b.level(SimTime(u64::MAX)), u32::MAX as f64);
        assert!(b.try_take(SimTime(u64::MAX)));
        assert_eq!(b.settings(), s(1e12, u32::MAX));
    }

    #[test]
    fn account_default_matches_the_limits_page() {
        assert_eq!(ACCOUNT_DEFAULT, s(10_000.0, 5_000));
        assert!(ACCOUNT_DEFAULT.validate().is_empty());
    }

    #[test]
    fn validate_reports_bad_rates() {
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            let p = s(bad, 5).validate();
            assert_eq!(p.len(), 1, "{bad}");
            assert_eq!(p[0].0, vec!["rate".to_string()]);
            assert!(p[0].1.contains("finite number"), "{}", p[0].1);
        }
        let tiny = s(1e-9, 5).validate();
        assert_eq!(tiny.len(), 1);
        assert!(tiny[0].1.contains("smallest rate"), "{}", tiny[0].1);
        assert!(s(0.0, 0).validate().is_empty());
    }

    #[test]
    fn toml_shape() {
        let t: ThrottleSettings = toml::from_str("rate = 5.5\nburst = 10\n").unwrap();
        assert_eq!(t, s(5.5, 10));
        assert!(toml::from_str::<ThrottleSettings>("rate = 1.0\nburst = 1\nbrust = 2\n").is_err());
        assert!(toml::from_str::<ThrottleSettings>("rate = 1.0\nburst = -1\n").is_err());
    }
}
