//! Usage-plan quotas: how many requests one API key may make per calendar
//! day, week or month. When the quota is used up API Gateway answers
//! 429 `Limit Exceeded` (QUOTA_EXCEEDED) until the period ends.
//!
//! Periods are calendar periods in UTC: DAY from 00:00, WEEK from Sunday
//! 00:00 (as AWS's older SDK documentation describes the default week),
//! MONTH from the 1st at 00:00.
//!
//! `offset` follows the current API reference
//! (<https://docs.aws.amazon.com/apigateway/latest/api/API_QuotaSettings.html>):
//! "the number of requests subtracted from the given limit in the initial time
//! period". Older SDK documentation described `offset` as the day on which a
//! period starts (for WEEK, 0 = Sunday, 1 = Monday); that meaning is not
//! used because the current reference replaced it and a single meaning keeps
//! scenario files unambiguous.

use crate::gateway::throttle::Problem;
use crate::gateway::time::{SimTime, civil_from_days, days_from_civil, days_in_month};
use serde::{Deserialize, Serialize};
use std::fmt;

const MS_PER_DAY: i64 = 86_400_000;

/// The calendar period a quota counts over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum QuotaPeriod {
    /// A UTC calendar day, from 00:00.
    #[serde(rename = "DAY", alias = "day")]
    Day,
    /// A UTC calendar week, from Sunday 00:00.
    #[serde(rename = "WEEK", alias = "week")]
    Week,
    /// A UTC calendar month, from the 1st at 00:00.
    #[serde(rename = "MONTH", alias = "month")]
    Month,
}

impl QuotaPeriod {
    /// The AWS spelling: `DAY`, `WEEK` or `MONTH`.
    pub fn id(self) -> &'static str {
        match self {
            QuotaPeriod::Day => "DAY",
            QuotaPeriod::Week => "WEEK",
            QuotaPeriod::Month => "MONTH",
        }
    }

    /// The period containing `now`: `[start, end)` in ms since the epoch.
    fn bounds(self, now: SimTime) -> (SimTime, SimTime) {
        let ms = now.as_millis() as i64;
        let day = ms.div_euclid(MS_PER_DAY);
        let (first_day, len_days) = match self {
            QuotaPeriod::Day => (day, 1),
            QuotaPeriod::Week => {
                // 1970-01-01 was a Thursday: weekday 4 with Sunday = 0.
                let weekday = (day + 4).rem_euclid(7);
                (day - weekday, 7)
            }
            QuotaPeriod::Month => {
                let (y, m, _) = civil_from_days(day);
                (days_from_civil(y, m, 1), i64::from(days_in_month(y, m)))
            }
        };
        // The first week of the epoch starts on a Sunday before 1970; clamp to the clock's origin.
        let start = first_day.saturating_mul(MS_PER_DAY).max(0) as u64;
        let end = (first_day + len_days).saturating_mul(MS_PER_DAY).max(0) as u64;
        (SimTime(start), SimTime(end))
    }
}

impl fmt::Display for QuotaPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Quota settings of a usage plan.
///
/// TOML: `{ limit = 1000, period = "DAY", offset = 0 }` (`offset` is optional).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct QuotaSettings {
    /// Requests allowed per period.
    pub limit: u64,
    /// The calendar period the limit applies to.
    pub period: QuotaPeriod,
    /// Requests subtracted from the limit in the initial period only.
    #[serde(default)]
    pub offset: u64,
}

impl QuotaSettings {
    /// Every problem with these settings; empty when they are usable.
    pub fn validate(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        if self.offset > self.limit {
            problems.push((
                vec!["offset".to_string()],
                format!(
                    "offset {} is larger than the limit {}",
                    self.offset, self.limit
                ),
                "offset is the number of requests subtracted from the limit in the first period only; use a value from 0 to the limit".to_string(),
            ));
        }
        problems
    }
}

/// A request refused because the key's quota for the current period is used up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("quota of {limit} requests per {period} used up; it resets at {resets_at}")]
pub struct QuotaExhausted {
    /// When the next period starts and requests are counted afresh.
    pub resets_at: SimTime,
    /// The limit that applied to the exhausted period (after any offset).
    pub limit: u64,
    /// The quota's period.
    pub period: QuotaPeriod,
}

/// Usage counter of one API key under one plan.
#[derive(Clone, Debug, PartialEq)]
pub struct QuotaCounter {
    settings: QuotaSettings,
    /// Bounds of the period being counted.
    start: SimTime,
    end: SimTime,
    /// Requests counted in that period.
    used: u64,
    /// Whether that period is the initial one (the offset applies).
    initial: bool,
    /// The latest time seen; earlier times are treated as this one.
    last: SimTime,
}

impl QuotaCounter {
    /// A counter with nothing used yet; the period containing `now` is the initial one.
    pub fn new(s: QuotaSettings, now: SimTime) -> Self {
        let (start, end) = s.period.bounds(now);
        QuotaCounter {
            settings: s,
            start,
            end,
            used: 0,
            initial: true,
            last: now,
        }
    }

    /// The settings this counter was built from.
    pub fn settings(&self) -> QuotaSettings {
        self.settings
    }

    fn limit_for(&self, initial: bool) -> u64 {
        if initial {
            self.settings.limit.saturating_sub(self.settings.offset)
        } else {
            self.settings.limit
        }
    }

    /// Count one request at `now`; `Err(QuotaExhausted)` when the limit for the
    /// period is used up (a rejected request does not count). `Ok` carries the
    /// requests remaining after this one. A `now` earlier than the latest call
    /// is treated as the latest call.
    pub fn try_consume(&mut self, now: SimTime) -> Result<u64, QuotaExhausted> {
        let now = now.max(self.last);
        self.last = now;
        if now >= self.end {
            let (start, end) = self.settings.period.bounds(now);
            self.start = start;
            self.end = end;
            self.used = 0;
            self.initial = false;
        }
        let limit = self.limit_for(self.initial);
        if self.used >= limit {
            return Err(QuotaExhausted {
                resets_at: self.end,
                limit,
                period: self.settings.period,
            });
        }
        self.used += 1;
        Ok(limit - self.used)
    }

    /// Set how many requests were already counted in the period containing
    /// `now`, for scenarios such as "the key already used 1000 requests today".
    pub fn set_used(&mut self, now: SimTime, used: u64) {
        let now = now.max(self.last);
        self.last = now;
        if now >= self.end {
            let (start, end) = self.settings.period.bounds(now);
            self.start = start;
            self.end = end;
            self.initial = false;
        }
        self.used = used;
    }

    /// Requests still allowed in the period containing `now`.
    pub fn remaining(&self, now: SimTime) -> u64 {
        if now.max(self.last) >= self.end {
            self.settings.limit
        } else {
            self.limit_for(self.initial).saturating_sub(self.used)
        }
    }

    /// Requests counted so far in the period containing `now`.
    pub fn used(&self, now: SimTime) -> u64 {
        if now.max(self.last) >= self.end {
            0
        } else {
            self.used
        }
    }

    /// `[start, end)` of the calendar period containing `now`.
    pub fn period_bounds(&self, now: SimTime) -> (SimTime, SimTime) {
        let now = now.max(self.last);
        if now < self.end {
            (self.start, self.end)
        } else {
            self.settings.period.bounds(now)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::time::SimDuration;

    fn at(y: i64, m: u32, d: u32, h: u32, min: u32, s: u32) -> SimTime {
        SimTime::from_civil(y, m, d, h, min, s).unwrap()
    }
    fn q(limit: u64, period: QuotaPeriod, offset: u64) -> QuotaSettings {
        QuotaSettings {
            limit,
            period,
            offset,
        }
    }
    const MS: SimDuration = SimDuration(1);

    #[test]
    fn day_rolls_over_at_utc_midnight() {
        let start = at(2025, 3, 10, 12, 0, 0);
        let mut c = QuotaCounter::new(q(2, QuotaPeriod::Day, 0), start);
        assert_eq!(c.try_consume(start), Ok(1));
        assert_eq!(c.try_consume(start), Ok(0));
        let midnight = at(2025, 3, 11, 0, 0, 0);
        let err = c.try_consume(midnight.minus(MS)).unwrap_err();
        assert_eq!(err.resets_at, midnight);
        assert_eq!(err.limit, 2);
        assert_eq!(
            err.to_string(),
            "quota of 2 requests per DAY used up; it resets at 2025-03-11T00:00:00Z"
        );
        assert_eq!(c.remaining(midnight.minus(MS)), 0);
        assert_eq!(c.remaining(midnight), 2);
        assert_eq!(c.try_consume(midnight), Ok(1));
        assert_eq!(
            c.period_bounds(midnight),
            (midnight, at(2025, 3, 12, 0, 0, 0))
        );
    }

    #[test]
    fn week_starts_on_sunday() {
        // 2025-01-01 was a Wednesday; its week runs Sunday 2024-12-29 to Sunday 2025-01-05.
        let wed = at(2025, 1, 1, 12, 0, 0);
        let mut c = QuotaCounter::new(q(1, QuotaPeriod::Week, 0), wed);
        assert_eq!(
            c.period_bounds(wed),
            (at(2024, 12, 29, 0, 0, 0), at(2025, 1, 5, 0, 0, 0))
        );
        assert_eq!(c.try_consume(wed), Ok(0));
        let sat_night = at(2025, 1, 4, 23, 59, 59);
        assert_eq!(
            c.try_consume(sat_night).unwrap_err().resets_at,
            at(2025, 1, 5, 0, 0, 0)
        );
        assert_eq!(c.try_consume(at(2025, 1, 5, 0, 0, 0)), Ok(0));
        // A Sunday at 00:00 is the first instant of its own week.
        let sun = at(2025, 1, 5, 0, 0, 0);
        assert_eq!(QuotaPeriod::Week.bounds(sun).0, sun);
    }

    #[test]
    fn week_before_the_first_sunday_of_the_epoch_is_clamped() {
        // 1970-01-01 was a Thursday; its week began on 1969-12-28, before the clock's origin.
        let (s, e) = QuotaPeriod::Week.bounds(SimTime(0));
        assert_eq!(s, SimTime(0));
        assert_eq!(e, at(1970, 1, 4, 0, 0, 0));
    }

    #[test]
    fn month_ends_and_leap_years() {
        let cases = [
            (
                at(2024, 2, 10, 8, 0, 0),
                at(2024, 2, 1, 0, 0, 0),
                at(2024, 3, 1, 0, 0, 0),
            ), // leap February: 29 days
            (
                at(2025, 2, 28, 23, 59, 59),
                at(2025, 2, 1, 0, 0, 0),
                at(2025, 3, 1, 0, 0, 0),
            ),
            (
                at(2100, 2, 15, 0, 0, 0),
                at(2100, 2, 1, 0, 0, 0),
                at(2100, 3, 1, 0, 0, 0),
            ), // not a leap year
            (
                at(2000, 2, 29, 0, 0, 0),
                at(2000, 2, 1, 0, 0, 0),
                at(2000, 3, 1, 0, 0, 0),
            ), // leap (400)
            (
                at(2025, 12, 31, 23, 0, 0),
                at(2025, 12, 1, 0, 0, 0),
                at(2026, 1, 1, 0, 0, 0),
            ),
            (
                at(2025, 4, 30, 0, 0, 0),
                at(2025, 4, 1, 0, 0, 0),
                at(2025, 5, 1, 0, 0, 0),
            ),
        ];
        for (now, start, end) in cases {
            assert_eq!(QuotaPeriod::Month.bounds(now), (start, end), "{now}");
        }
        assert_eq!(
            at(2024, 3, 1, 0, 0, 0).since(at(2024, 2, 1, 0, 0, 0)),
            SimDuration::from_secs(29 * 86_400)
        );

        let feb29 = at(2024, 2, 29, 23, 59, 59);
        let mut c = QuotaCounter::new(q(1, QuotaPeriod::Month, 0), feb29);
        assert_eq!(c.try_consume(feb29), Ok(0));
        assert_eq!(
            c.try_consume(feb29.plus(SimDuration::from_millis(999)))
                .unwrap_err()
                .resets_at,
            at(2024, 3, 1, 0, 0, 0)
        );
        assert_eq!(c.try_consume(at(2024, 3, 1, 0, 0, 0)), Ok(0));
    }

    #[test]
    fn offset_applies_to_the_initial_period_only() {
        let day1 = at(2025, 6, 1, 9, 0, 0);
        let mut c = QuotaCounter::new(q(5, QuotaPeriod::Day, 3), day1);
        assert_eq!(c.remaining(day1), 2);
        assert_eq!(c.try_consume(day1), Ok(1));
        assert_eq!(c.try_consume(day1), Ok(0));
        assert_eq!(c.try_consume(day1).unwrap_err().limit, 2);
        let day2 = at(2025, 6, 2, 0, 0, 0);
        let admitted = (0..10).filter(|_| c.try_consume(day2).is_ok()).count();
        assert_eq!(admitted, 5);
        // Skipping several periods: still the full limit.
        let day9 = at(2025, 6, 9, 0, 0, 0);
        assert_eq!(c.remaining(day9), 5);
        assert_eq!((0..10).filter(|_| c.try_consume(day9).is_ok()).count(), 5);
    }

    #[test]
    fn offset_larger_than_limit_blocks_the_first_period_and_is_reported() {
        let t = at(2025, 6, 1, 9, 0, 0);
        let s = q(3, QuotaPeriod::Day, 10);
        let p = s.validate();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, vec!["offset".to_string()]);
        assert!(p[0].1.contains("offset 10 is larger than the limit 3"));
        let mut c = QuotaCounter::new(s, t);
        assert!(c.try_consume(t).is_err());
        assert_eq!(c.try_consume(at(2025, 6, 2, 0, 0, 0)), Ok(2));
        assert!(q(3, QuotaPeriod::Day, 3).validate().is_empty());
    }

    #[test]
    fn rejected_requests_do_not_count() {
        let t = at(2025, 6, 1, 9, 0, 0);
        let mut c = QuotaCounter::new(q(3, QuotaPeriod::Day, 0), t);
        for _ in 0..3 {
            assert!(c.try_consume(t).is_ok());
        }
        for _ in 0..100 {
            assert!(c.try_consume(t).is_err());
        }
        assert_eq!(c.used(t), 3);
        assert_eq!(c.remaining(t), 0);
        let next = at(2025, 6, 2, 0, 0, 0);
        assert_eq!(c.used(next), 0);
        assert_eq!(c.try_consume(next), Ok(2));
    }

    #[test]
    fn scenario_71_quota_already_used_today() {
        let t = at(2025, 6, 1, 15, 0, 0);
        let mut c = QuotaCounter::new(q(1000, QuotaPeriod::Day, 0), t);
        c.set_used(t, 1000);
        assert_eq!(c.remaining(t), 0);
        let e = c.try_consume(t).unwrap_err();
        assert_eq!(e.resets_at, at(2025, 6, 2, 0, 0, 0));
        assert_eq!(c.try_consume(at(2025, 6, 2, 0, 0, 0)), Ok(999));
        // Setting usage in a later period moves the counter there first.
        c.set_used(at(2025, 6, 5, 1, 0, 0), 10);
        assert_eq!(c.remaining(at(2025, 6, 5, 2, 0, 0)), 990);
        assert_eq!(c.remaining(at(2025, 6, 6, 0, 0, 0)), 1000);
    }

    #[test]
    fn earlier_time_does_not_reopen_a_past_period() {
        let t = at(2025, 6, 1, 9, 0, 0);
        let mut c = QuotaCounter::new(q(1, QuotaPeriod::Day, 0), t);
        let next = at(2025, 6, 2, 1, 0, 0);
        assert_eq!(c.try_consume(next), Ok(0));
        // Yesterday's remaining request is gone: the call counts as `next`.
        assert!(c.try_consume(t).is_err());
        assert_eq!(c.period_bounds(t).0, at(2025, 6, 2, 0, 0, 0));
    }

    #[test]
    fn serde_accepts_aws_and_lowercase_periods() {
        let a: QuotaSettings = toml::from_str("limit = 1000\nperiod = \"DAY\"\n").unwrap();
        assert_eq!(a, q(1000, QuotaPeriod::Day, 0));
        let b: QuotaSettings =
            toml::from_str("limit = 10\nperiod = \"month\"\noffset = 2\n").unwrap();
        assert_eq!(b, q(10, QuotaPeriod::Month, 2));
        let w: QuotaSettings = toml::from_str("limit = 1\nperiod = \"week\"\n").unwrap();
        assert_eq!(w.period, QuotaPeriod::Week);
        assert!(toml::from_str::<QuotaSettings>("limit = 1\nperiod = \"YEAR\"\n").is_err());
        assert!(
            toml::from_str::<QuotaSettings>("limit = 1\nperiod = \"DAY\"\nstart = 1\n").is_err()
        );
        assert_eq!(
            serde_json::to_string(&QuotaPeriod::Week).unwrap(),
            "\"WEEK\""
        );
    }
}
