//! Virtual time. The simulator never reads the wall clock: every entry point
//! takes a [`SimTime`], and tests, traffic runs and the lab advance it
//! explicitly. Times are milliseconds since the Unix epoch (UTC) so that SigV4
//! dates and JWT `exp`/`nbf` claims can be compared with them directly.

use std::fmt;

/// A point on the virtual clock, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A span of virtual time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

/// The default clock of scenarios that do not set one: 2025-01-01T12:00:00Z.
pub const DEFAULT_EPOCH: SimTime = SimTime(1_735_732_800_000);

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);
    pub fn from_millis(ms: u64) -> Self {
        SimDuration(ms)
    }
    pub fn from_secs(s: u64) -> Self {
        SimDuration(s.saturating_mul(1000))
    }
    pub fn as_millis(self) -> u64 {
        self.0
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl SimTime {
    pub fn from_unix_secs(s: u64) -> Self {
        SimTime(s.saturating_mul(1000))
    }
    pub fn from_millis(ms: u64) -> Self {
        SimTime(ms)
    }
    pub fn as_millis(self) -> u64 {
        self.0
    }
    /// Whole seconds since the epoch (rounded down).
    pub fn unix_secs(self) -> u64 {
        self.0 / 1000
    }
    pub fn plus(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
    pub fn minus(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_sub(d.0))
    }
    /// Time elapsed since `earlier` (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }

    /// Calendar fields (UTC) of this instant.
    pub fn civil(self) -> Civil {
        let secs = self.unix_secs();
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: ((rem % 3600) / 60) as u32,
            second: (rem % 60) as u32,
            millis: (self.0 % 1000) as u32,
            weekday: ((days + 4).rem_euclid(7)) as u32, // 1970-01-01 was a Thursday (4)
        }
    }

    /// `YYYYMMDD'T'HHMMSS'Z'`, the SigV4 `X-Amz-Date` form.
    pub fn amz_date(self) -> String {
        let c = self.civil();
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )
    }

    /// `YYYYMMDD`, the SigV4 credential-scope date.
    pub fn amz_day(self) -> String {
        let c = self.civil();
        format!("{:04}{:02}{:02}", c.year, c.month, c.day)
    }

    /// RFC 3339 / ISO 8601 in UTC, e.g. `2025-01-01T12:00:00Z`
    /// (milliseconds shown only when non-zero).
    pub fn rfc3339(self) -> String {
        let c = self.civil();
        if c.millis == 0 {
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                c.year, c.month, c.day, c.hour, c.minute, c.second
            )
        } else {
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                c.year, c.month, c.day, c.hour, c.minute, c.second, c.millis
            )
        }
    }

    /// Build an instant from calendar fields (UTC). `None` if out of range.
    pub fn from_civil(year: i64, month: u32, day: u32, h: u32, m: u32, s: u32) -> Option<SimTime> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if h > 23 || m > 59 || s > 60 {
            return None;
        }
        let days = days_from_civil(year, month, day);
        if days < 0 {
            return None;
        }
        let secs = days as u64 * 86_400 + h as u64 * 3600 + m as u64 * 60 + s as u64;
        Some(SimTime::from_unix_secs(secs))
    }

    /// Parse `YYYYMMDD'T'HHMMSS'Z'` (SigV4 basic format).
    pub fn parse_amz_date(s: &str) -> Option<SimTime> {
        let b = s.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        SimTime::from_civil(
            num(0..4)? as i64,
            num(4..6)?,
            num(6..8)?,
            num(9..11)?,
            num(11..13)?,
            num(13..15)?,
        )
    }

    /// Parse an RFC 3339 timestamp such as `2025-01-01T12:00:00Z`,
    /// `2025-01-01T12:00:00.250Z` or `2025-01-01T13:00:00+01:00`.
    pub fn parse_rfc3339(s: &str) -> Result<SimTime, String> {
        let err = || format!("'{s}' is not an RFC 3339 time (expected e.g. 2025-01-01T12:00:00Z)");
        let b = s.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(err());
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, String> {
            let part = s.get(r).ok_or_else(err)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(err());
            }
            part.parse().map_err(|_| err())
        };
        let base = SimTime::from_civil(
            num(0..4)? as i64,
            num(5..7)?,
            num(8..10)?,
            num(11..13)?,
            num(14..16)?,
            num(17..19)?,
        )
        .ok_or_else(err)?;
        let mut rest = &s[19..];
        let mut millis = 0u64;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits: String = frac.chars().take_while(|c| c.is_ascii_digit()).collect();
            if digits.is_empty() {
                return Err(err());
            }
            let mut ms = String::from(&digits[..digits.len().min(3)]);
            while ms.len() < 3 {
                ms.push('0');
            }
            millis = ms.parse().map_err(|_| err())?;
            rest = &frac[digits.len()..];
        }
        let offset_secs: i64 = match rest {
            "Z" | "z" => 0,
            _ => {
                let rb = rest.as_bytes();
                if rb.len() != 6 || !(rb[0] == b'+' || rb[0] == b'-') || rb[3] != b':' {
                    return Err(err());
                }
                let h: i64 = rest[1..3].parse().map_err(|_| err())?;
                let m: i64 = rest[4..6].parse().map_err(|_| err())?;
                let v = h * 3600 + m * 60;
                if rb[0] == b'+' { v } else { -v }
            }
        };
        let ms = base.0 as i64 + millis as i64 - offset_secs * 1000;
        if ms < 0 {
            return Err(err());
        }
        Ok(SimTime(ms as u64))
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms.is_multiple_of(1000) {
            write!(f, "{} s", ms / 1000)
        } else if ms < 1000 {
            write!(f, "{ms} ms")
        } else {
            write!(f, "{:.3} s", ms as f64 / 1000.0)
        }
    }
}

/// Calendar fields of an instant, UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
    /// 0 = Sunday ... 6 = Saturday.
    pub weekday: u32,
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date for days since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_date_round_trips() {
        let t = SimTime::parse_amz_date("20150830T123600Z").unwrap();
        assert_eq!(t.amz_date(), "20150830T123600Z");
        assert_eq!(t.amz_day(), "20150830");
        assert_eq!(t.unix_secs(), 1_440_938_160);
    }

    #[test]
    fn rfc3339_parses_offsets_and_fractions() {
        let a = SimTime::parse_rfc3339("2025-01-01T12:00:00Z").unwrap();
        assert_eq!(a, DEFAULT_EPOCH);
        let b = SimTime::parse_rfc3339("2025-01-01T13:00:00+01:00").unwrap();
        assert_eq!(a, b);
        let c = SimTime::parse_rfc3339("2025-01-01T12:00:00.25Z").unwrap();
        assert_eq!(c.0 - a.0, 250);
        assert_eq!(c.rfc3339(), "2025-01-01T12:00:00.250Z");
        assert!(SimTime::parse_rfc3339("2025-02-30T00:00:00Z").is_err());
        assert!(SimTime::parse_rfc3339("yesterday").is_err());
    }

    #[test]
    fn civil_fields_and_weekday() {
        let c = DEFAULT_EPOCH.civil();
        assert_eq!((c.year, c.month, c.day, c.hour), (2025, 1, 1, 12));
        assert_eq!(c.weekday, 3); // 2025-01-01 was a Wednesday
        for days in [-1000i64, 0, 59, 365, 10_957, 20_000, 50_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
