//! Traffic runs in virtual time: a load generator that fires requests at a
//! [`TrafficTarget`] (normally the simulated gateway) following a pattern, and
//! streaming metrics that summarise every virtual second.
//!
//! A run never reads the wall clock: request `k` is fired at a computed
//! [`SimTime`], so an hour of traffic takes as long as the gateway needs to
//! answer it, and the same spec and seed always give the same report. Memory
//! does not grow with the number of requests: besides fixed-size histograms,
//! a run keeps one [`SecondStats`] per virtual second.

use crate::gateway::throttle::Problem;
use crate::gateway::time::{SimDuration, SimTime};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;

/// Longest run, in virtual seconds (one day), so a report stays small.
pub const MAX_DURATION_SECS: u64 = 86_400;
/// Highest rate a pattern may ask for, in requests per second.
pub const MAX_RPS: f64 = 1_000_000.0;
/// Most requests a `requests = N` run may ask for.
pub const MAX_REQUESTS: u64 = 100_000_000;

/// Lambda price per request (us-east-1, x86): USD 0.20 per million requests.
/// Approximate and without the free tier; source: <https://aws.amazon.com/lambda/pricing/>.
pub const LAMBDA_USD_PER_REQUEST: f64 = 0.20 / 1_000_000.0;
/// Lambda price per GB-second of duration (us-east-1, x86, first pricing tier).
/// Approximate and without the free tier; source: <https://aws.amazon.com/lambda/pricing/>.
pub const LAMBDA_USD_PER_GB_SECOND: f64 = 0.000_016_666_7;

// ---------------------------------------------------------------------------
// The spec, as written in scenario files
// ---------------------------------------------------------------------------

/// A traffic run as written in scenario files (kebab-case TOML):
///
/// ```toml
/// [[traffic]]
/// name = "burst-then-steady"
/// duration-secs = 60            # or requests = 1000 (exactly one of the two)
/// pattern = { kind = "steady", rps = 100 }
/// clients = [ { request = "with-gold-key", weight = 3 }, { request = "with-free-key", weight = 1 } ]
/// seed = 7                      # optional
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TrafficSpec {
    /// Name shown in the lab and in reports.
    pub name: String,
    /// Length of the run in virtual seconds (exclusive with `requests`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<u64>,
    /// Number of requests to send (exclusive with `duration-secs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<u64>,
    /// When requests arrive.
    pub pattern: Pattern,
    /// Who sends them: named requests of the scenario, interleaved by weight.
    pub clients: Vec<TrafficClient>,
    /// Seed for random patterns; when set it wins over the seed given to the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// When requests arrive. Rates are requests per second, to 0.001 rps.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "kebab-case",
    deny_unknown_fields
)]
pub enum Pattern {
    /// A constant rate, evenly spaced: `{ kind = "steady", rps = 100 }`.
    Steady {
        /// Requests per second.
        rps: f64,
    },
    /// A steady background rate plus `burst-size` extra requests, all in the
    /// same millisecond, at the start of every `burst-every-secs` seconds
    /// (the first at second 0):
    /// `{ kind = "burst", rps = 5, burst-every-secs = 10, burst-size = 50 }`.
    Burst {
        /// Background requests per second (may be 0).
        rps: f64,
        /// Seconds between bursts (at least 1).
        burst_every_secs: u64,
        /// Extra requests in each burst.
        burst_size: u32,
    },
    /// A rate that changes linearly from `from-rps` at the start to `to-rps` at
    /// the end of the run (needs `duration-secs`):
    /// `{ kind = "ramp", from-rps = 10, to-rps = 500 }`.
    Ramp {
        /// Requests per second at the start.
        from_rps: f64,
        /// Requests per second at the end.
        to_rps: f64,
    },
    /// Random arrivals of a Poisson process with mean rate `rps`, drawn from
    /// the run's seed: `{ kind = "poisson", rps = 50 }`.
    Poisson {
        /// Mean requests per second.
        rps: f64,
    },
}

/// One client of a traffic run: a named request of the scenario and its share.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TrafficClient {
    /// Name of a request defined in the scenario.
    pub request: String,
    /// Relative share of the traffic (default 1).
    #[serde(default = "default_weight")]
    pub weight: u32,
}

fn default_weight() -> u32 {
    1
}

/// Requests per second in thousandths, rounded (0 for NaN or negative rates).
fn milli_rps(rps: f64) -> u64 {
    if rps.is_finite() && rps > 0.0 {
        (rps * 1000.0).round() as u64
    } else {
        0
    }
}

impl Pattern {
    /// The pattern's id as written in `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Pattern::Steady { .. } => "steady",
            Pattern::Burst { .. } => "burst",
            Pattern::Ramp { .. } => "ramp",
            Pattern::Poisson { .. } => "poisson",
        }
    }

    /// Average requests per second over a long run (for ramps: the mean of both ends).
    pub fn mean_rps(&self) -> f64 {
        let m = |r: f64| milli_rps(r) as f64 / 1000.0;
        match *self {
            Pattern::Steady { rps } | Pattern::Poisson { rps } => m(rps),
            Pattern::Burst {
                rps,
                burst_every_secs,
                burst_size,
            } => m(rps) + f64::from(burst_size) / burst_every_secs.max(1) as f64,
            Pattern::Ramp { from_rps, to_rps } => (m(from_rps) + m(to_rps)) / 2.0,
        }
    }

    fn rates(&self) -> Vec<(&'static str, f64)> {
        match *self {
            Pattern::Steady { rps } | Pattern::Burst { rps, .. } | Pattern::Poisson { rps } => {
                vec![("rps", rps)]
            }
            Pattern::Ramp { from_rps, to_rps } => vec![("from-rps", from_rps), ("to-rps", to_rps)],
        }
    }
}

impl TrafficSpec {
    /// Every problem with this spec (paths relative to the `[[traffic]]` table);
    /// empty when it can run. Request names are checked by [`TrafficSpec::check_requests`].
    pub fn validate(&self) -> Vec<Problem> {
        let mut p: Vec<Problem> = Vec::new();
        let mut add =
            |path: Vec<String>, msg: String, hint: &str| p.push((path, msg, hint.to_string()));
        let key = |k: &str| vec![k.to_string()];

        if self.name.trim().is_empty() {
            add(
                key("name"),
                "the traffic run has an empty name".into(),
                "give it a short name such as \"steady-100\"",
            );
        }
        match (self.duration_secs, self.requests) {
            (Some(_), Some(_)) => add(
                key("requests"),
                "duration-secs and requests are both set".into(),
                "keep exactly one: duration-secs = 60 runs a minute, requests = 1000 sends a thousand requests",
            ),
            (None, None) => add(
                Vec::new(),
                "the traffic run has neither duration-secs nor requests".into(),
                "add duration-secs = 60 (a minute of virtual time) or requests = 1000",
            ),
            _ => {}
        }
        if let Some(d) = self.duration_secs
            && (d == 0 || d > MAX_DURATION_SECS)
        {
            add(
                key("duration-secs"),
                format!("duration-secs must be from 1 to {MAX_DURATION_SECS} (found {d})"),
                "runs are measured in virtual seconds; 3600 is an hour",
            );
        }
        if let Some(n) = self.requests
            && (n == 0 || n > MAX_REQUESTS)
        {
            add(
                key("requests"),
                format!("requests must be from 1 to {MAX_REQUESTS} (found {n})"),
                "use duration-secs for long runs",
            );
        }

        let mut rates_ok = true;
        for (field, rps) in self.pattern.rates() {
            if !rps.is_finite() || !(0.0..=MAX_RPS).contains(&rps) {
                rates_ok = false;
                add(
                    vec!["pattern".to_string(), field.to_string()],
                    format!(
                        "{field} must be a number of requests per second from 0 to {MAX_RPS} (found {rps})"
                    ),
                    "e.g. rps = 100",
                );
            }
        }
        match self.pattern {
            Pattern::Burst {
                burst_every_secs: 0,
                ..
            } => add(
                vec!["pattern".to_string(), "burst-every-secs".to_string()],
                "burst-every-secs must be at least 1".into(),
                "burst-every-secs = 10 sends a burst at seconds 0, 10, 20 ...",
            ),
            Pattern::Ramp { .. } if self.duration_secs.is_none() => add(
                key("pattern"),
                "a ramp needs duration-secs: the rate reaches to-rps at the end of the run".into(),
                "replace requests = N with duration-secs = 60",
            ),
            _ => {}
        }
        let mean = self.pattern.mean_rps();
        if rates_ok && mean <= 0.0 {
            add(
                key("pattern"),
                format!("this {} pattern sends no requests", self.pattern.kind()),
                "give it a rate above 0 (rates are counted to 0.001 requests per second)",
            );
        }
        if let (Some(n), true) = (self.requests, rates_ok && mean > 0.0)
            && n as f64 / mean > MAX_DURATION_SECS as f64
        {
            add(
                key("requests"),
                format!(
                    "{n} requests at about {mean} requests per second would take longer than {MAX_DURATION_SECS} virtual seconds"
                ),
                "raise the rate or lower requests",
            );
        }

        if self.clients.is_empty() {
            add(
                key("clients"),
                "the traffic run has no clients".into(),
                "add clients = [ { request = \"NAME\", weight = 1 } ] naming a request of this scenario",
            );
        }
        for (i, c) in self.clients.iter().enumerate() {
            let at = |k: &str| vec!["clients".to_string(), i.to_string(), k.to_string()];
            if c.request.trim().is_empty() {
                add(
                    at("request"),
                    "the client names no request".into(),
                    "use the name of a request defined in this scenario",
                );
            }
            if c.weight == 0 {
                add(
                    at("weight"),
                    "weight must be at least 1".into(),
                    "weights are relative shares: 3 and 1 send three requests of the first for each of the second",
                );
            }
        }
        p
    }

    /// Problems for clients naming requests that `known` does not recognise.
    pub fn check_requests(&self, known: impl Fn(&str) -> bool) -> Vec<Problem> {
        self.clients
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.request.trim().is_empty() && !known(&c.request))
            .map(|(i, c)| {
                (
                    vec!["clients".to_string(), i.to_string(), "request".to_string()],
                    format!("no request named '{}' in this scenario", c.request),
                    "client requests refer to the names of the scenario's requests".to_string(),
                )
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------
// What a run needs from the gateway
// ---------------------------------------------------------------------------

/// What a run needs from the gateway: fire client `client` (index into
/// `spec.clients`) at `now` and report the outcome cheaply.
pub trait TrafficTarget {
    /// Send one request of client `client` at `now`.
    fn fire(&mut self, client: usize, now: SimTime) -> Fired;
    /// A gauge to chart (e.g. the level of the most relevant token bucket), if any.
    fn gauge(&self, _now: SimTime) -> Option<f64> {
        None
    }
    /// How authorizer invocations are billed (memory and simulated duration).
    fn authorizer_billing(&self) -> LambdaBilling {
        LambdaBilling::DEFAULT
    }
}

/// The outcome of one fired request, reduced to what the metrics need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fired {
    /// HTTP status; `None` when the client got no HTTP response (e.g. a refused TLS handshake).
    pub status: Option<u16>,
    /// Machine reason code, e.g. "throttled", "quota-exceeded", "ok".
    pub cause: &'static str,
    /// Latency the client saw, in milliseconds.
    pub latency_ms: u32,
    /// Whether a Lambda authorizer was invoked (a cache hit does not invoke it).
    pub authorizer_invoked: bool,
    /// Whether the authorizer result came from the cache.
    pub cache_hit: bool,
}

/// How a Lambda authorizer is billed: memory size and billed duration per invocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LambdaBilling {
    /// Configured memory in MB.
    pub memory_mb: u32,
    /// Billed duration of one invocation in ms (Lambda bills per 1 ms).
    pub billed_ms: u32,
}

impl LambdaBilling {
    /// 128 MB (the smallest size) for 20 ms, a warm authorizer that checks a token locally.
    pub const DEFAULT: LambdaBilling = LambdaBilling {
        memory_mb: 128,
        billed_ms: 20,
    };

    /// Approximate cost in USD of one invocation (request + GB-seconds).
    pub fn usd_per_invocation(&self) -> f64 {
        let gb_seconds = f64::from(self.memory_mb) / 1024.0 * f64::from(self.billed_ms) / 1000.0;
        LAMBDA_USD_PER_REQUEST + gb_seconds * LAMBDA_USD_PER_GB_SECOND
    }
}

// ---------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------

/// One second of virtual time.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SecondStats {
    /// Seconds since the start of the run (0-based).
    pub t: u64,
    /// Requests fired in this second.
    pub sent: u32,
    /// 2xx responses.
    pub ok_2xx: u32,
    /// 4xx responses, 429 included.
    pub s4xx: u32,
    /// 429 responses (throttled or over quota).
    pub s429: u32,
    /// 5xx responses.
    pub s5xx: u32,
    /// Requests that got no HTTP response.
    pub no_response: u32,
    /// 1xx and 3xx responses.
    pub other_status: u32,
    /// Requests per reason code.
    pub by_cause: BTreeMap<&'static str, u32>,
    /// Lowest gauge value seen after a request of this second or at its end.
    pub gauge_min: Option<f64>,
    /// Gauge value at the end of the second.
    pub gauge_end: Option<f64>,
    /// Authorizer results served from the cache.
    pub cache_hits: u32,
    /// Lambda authorizer invocations.
    pub authorizer_invocations: u32,
    /// Latency percentiles of this second's requests (0 when none were sent).
    pub p50_ms: u32,
    /// 95th percentile latency.
    pub p95_ms: u32,
    /// 99th percentile latency.
    pub p99_ms: u32,
}

/// Counts over the whole run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Totals {
    /// Requests fired.
    pub sent: u64,
    /// 2xx responses.
    pub ok_2xx: u64,
    /// 4xx responses, 429 included.
    pub s4xx: u64,
    /// 429 responses.
    pub s429: u64,
    /// 5xx responses.
    pub s5xx: u64,
    /// Requests that got no HTTP response.
    pub no_response: u64,
    /// 1xx and 3xx responses.
    pub other_status: u64,
    /// Requests per reason code.
    pub by_cause: BTreeMap<&'static str, u64>,
    /// Authorizer results served from the cache.
    pub cache_hits: u64,
}

/// The summary of a traffic run (complete, or so far while it is running).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct TrafficReport {
    /// The spec's name.
    pub name: String,
    /// The seed the run used (the spec's seed if it has one).
    pub seed: u64,
    /// Virtual time of the first second.
    #[serde(serialize_with = "ser_time")]
    pub start: SimTime,
    /// Virtual seconds run so far.
    pub duration_secs: u64,
    /// Whether the run has finished.
    pub finished: bool,
    /// Whether a `requests = N` run stopped at [`MAX_DURATION_SECS`] before sending N.
    pub truncated: bool,
    /// Counts over the whole run.
    pub totals: Totals,
    /// One entry per virtual second.
    pub series: Vec<SecondStats>,
    /// Latency percentiles over the whole run (within 1 ms or 0.4 %).
    pub latency_p50_ms: u32,
    /// 95th percentile latency.
    pub latency_p95_ms: u32,
    /// 99th percentile latency.
    pub latency_p99_ms: u32,
    /// Highest latency seen (exact).
    pub latency_max_ms: u32,
    /// Lowest gauge value seen during the run.
    pub gauge_min: Option<f64>,
    /// Lambda authorizer invocations.
    pub authorizer_invocations: u64,
    /// How they were billed.
    pub authorizer_billing: LambdaBilling,
    /// Approximate Lambda cost of those invocations in USD (no free tier).
    pub authorizer_cost_usd: f64,
}

fn ser_time<S: Serializer>(t: &SimTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.rfc3339())
}

/// Latencies below this are counted exactly (1 ms buckets).
const HIST_LINEAR: u32 = 256;
/// Sub-buckets per power of two above that (bucket width <= value / 128).
const HIST_SUB_BITS: u32 = 7;
const HIST_SUB: u32 = 1 << HIST_SUB_BITS;
/// 256 exact buckets, then 128 per octave for 2^8 .. 2^32.
const HIST_BUCKETS: usize = (HIST_LINEAR + (32 - 8) * HIST_SUB) as usize;

/// Bucket of a latency: exact below 256 ms, log-linear above.
#[inline(always)]
fn hist_index(v: u32) -> usize {
    if v < HIST_LINEAR {
        v as usize
    } else {
        let k = 31 - v.leading_zeros(); // 8..=31
        let sub = (v >> (k - HIST_SUB_BITS)) & (HIST_SUB - 1);
        (HIST_LINEAR + (k - 8) * HIST_SUB + sub) as usize
    }
}

/// The value reported for a bucket: its middle (error <= half the bucket width).
fn hist_value(i: usize) -> u32 {
    let i = i as u32;
    if i < HIST_LINEAR {
        i
    } else {
        let o = i - HIST_LINEAR;
        let k = o / HIST_SUB + 8;
        let sub = o % HIST_SUB;
        let shift = k - HIST_SUB_BITS;
        let lower = (HIST_SUB + sub) << shift;
        lower + ((1u32 << shift) - 1) / 2
    }
}

/// Nearest-rank p50, p95 and p99 of `n` samples from bucket counts, where
/// `counts[0]` is bucket `first`.
fn percentiles<C: Copy + Into<u64>>(counts: &[C], first: usize, n: u64) -> [u32; 3] {
    let mut out = [0u32; 3];
    if n == 0 {
        return out;
    }
    let ranks = [50u64, 95, 99].map(|p| (p * n).div_ceil(100).max(1));
    let mut seen = 0u64;
    let mut next = 0usize;
    for (i, c) in counts.iter().enumerate() {
        seen += (*c).into();
        while next < 3 && seen >= ranks[next] {
            out[next] = hist_value(first + i);
            next += 1;
        }
        if next == 3 {
            break;
        }
    }
    out
}

/// Accumulates one virtual second.
struct SecondAcc {
    sent: u32,
    ok_2xx: u32,
    s4xx: u32,
    s429: u32,
    s5xx: u32,
    no_response: u32,
    other_status: u32,
    cache_hits: u32,
    authorizer_invocations: u32,
    /// Reason codes in order of first appearance (few per second), with a
    /// cached index for the common case of the same cause as the last request.
    causes: Vec<(&'static str, u32)>,
    last_cause: usize,
    gauge_min: Option<f64>,
    /// Latency histogram of this second, with the range of buckets touched.
    hist: Box<[u32]>,
    lo: usize,
    hi: usize,
}

impl SecondAcc {
    fn new() -> Self {
        SecondAcc {
            sent: 0,
            ok_2xx: 0,
            s4xx: 0,
            s429: 0,
            s5xx: 0,
            no_response: 0,
            other_status: 0,
            cache_hits: 0,
            authorizer_invocations: 0,
            causes: Vec::with_capacity(8),
            last_cause: 0,
            gauge_min: None,
            hist: vec![0u32; HIST_BUCKETS].into_boxed_slice(),
            lo: usize::MAX,
            hi: 0,
        }
    }

    #[inline(always)]
    fn record(&mut self, f: &Fired) {
        self.sent += 1;
        match f.status {
            None => self.no_response += 1,
            Some(200..=299) => self.ok_2xx += 1,
            Some(429) => {
                self.s4xx += 1;
                self.s429 += 1;
            }
            Some(400..=499) => self.s4xx += 1,
            Some(500..=599) => self.s5xx += 1,
            Some(_) => self.other_status += 1,
        }
        self.cache_hits += u32::from(f.cache_hit);
        self.authorizer_invocations += u32::from(f.authorizer_invoked);
        self.count_cause(f.cause);
        let i = hist_index(f.latency_ms);
        if let Some(c) = self.hist.get_mut(i) {
            *c += 1;
        }
        self.lo = self.lo.min(i);
        self.hi = self.hi.max(i);
    }

    #[inline(always)]
    fn count_cause(&mut self, cause: &'static str) {
        if let Some((c, n)) = self.causes.get_mut(self.last_cause)
            && (std::ptr::eq(*c, cause) || *c == cause)
        {
            *n += 1;
            return;
        }
        match self.causes.iter().position(|(c, _)| *c == cause) {
            Some(i) => {
                if let Some((_, n)) = self.causes.get_mut(i) {
                    *n += 1;
                }
                self.last_cause = i;
            }
            None => {
                self.causes.push((cause, 1));
                self.last_cause = self.causes.len() - 1;
            }
        }
    }

    #[inline(always)]
    fn gauge(&mut self, g: Option<f64>) {
        if let Some(g) = g {
            self.gauge_min = Some(self.gauge_min.map_or(g, |m| m.min(g)));
        }
    }

    /// Close the second: add it to the run's totals and histogram, and reset.
    fn finish(
        &mut self,
        t: u64,
        gauge_end: Option<f64>,
        totals: &mut Totals,
        total_hist: &mut [u64],
    ) -> SecondStats {
        self.gauge(gauge_end);
        let touched = if self.lo <= self.hi {
            self.hist.get(self.lo..=self.hi).unwrap_or(&[])
        } else {
            &[]
        };
        let pct = percentiles(touched, self.lo, u64::from(self.sent));
        if self.lo <= self.hi
            && let Some(dst) = total_hist.get_mut(self.lo..=self.hi)
        {
            for (d, s) in dst.iter_mut().zip(touched) {
                *d += u64::from(*s);
            }
        }
        let by_cause: BTreeMap<&'static str, u32> = self.causes.iter().copied().collect();
        for (c, n) in &self.causes {
            *totals.by_cause.entry(c).or_insert(0) += u64::from(*n);
        }
        totals.sent += u64::from(self.sent);
        totals.ok_2xx += u64::from(self.ok_2xx);
        totals.s4xx += u64::from(self.s4xx);
        totals.s429 += u64::from(self.s429);
        totals.s5xx += u64::from(self.s5xx);
        totals.no_response += u64::from(self.no_response);
        totals.other_status += u64::from(self.other_status);
        totals.cache_hits += u64::from(self.cache_hits);
        let stats = SecondStats {
            t,
            sent: self.sent,
            ok_2xx: self.ok_2xx,
            s4xx: self.s4xx,
            s429: self.s429,
            s5xx: self.s5xx,
            no_response: self.no_response,
            other_status: self.other_status,
            by_cause,
            gauge_min: self.gauge_min,
            gauge_end,
            cache_hits: self.cache_hits,
            authorizer_invocations: self.authorizer_invocations,
            p50_ms: pct[0],
            p95_ms: pct[1],
            p99_ms: pct[2],
        };
        if self.lo <= self.hi
            && let Some(h) = self.hist.get_mut(self.lo..=self.hi)
        {
            h.fill(0);
        }
        self.sent = 0;
        self.ok_2xx = 0;
        self.s4xx = 0;
        self.s429 = 0;
        self.s5xx = 0;
        self.no_response = 0;
        self.other_status = 0;
        self.cache_hits = 0;
        self.authorizer_invocations = 0;
        self.causes.clear();
        self.last_cause = 0;
        self.gauge_min = None;
        self.lo = usize::MAX;
        self.hi = 0;
        stats
    }
}

// ---------------------------------------------------------------------------
// Arrivals and client choice
// ---------------------------------------------------------------------------

/// Picks clients in proportion to their weights with smooth weighted
/// round-robin: deterministic, and the shares are exact over every cycle
/// (weights 3 and 1 give A A B A, A A B A ...).
struct Picker {
    weights: Vec<i64>,
    current: Vec<i64>,
    total: i64,
}

impl Picker {
    fn new(clients: &[TrafficClient]) -> Self {
        let weights: Vec<i64> = clients.iter().map(|c| i64::from(c.weight)).collect();
        let total = weights.iter().sum();
        Picker {
            current: vec![0; weights.len()],
            weights,
            total,
        }
    }

    #[inline(always)]
    fn pick(&mut self) -> usize {
        if self.weights.len() == 1 {
            return 0;
        }
        let mut best = 0usize;
        let mut best_v = i64::MIN;
        for (i, (c, w)) in self.current.iter_mut().zip(&self.weights).enumerate() {
            *c += *w;
            if *c > best_v {
                best_v = *c;
                best = i;
            }
        }
        if let Some(c) = self.current.get_mut(best) {
            *c -= self.total;
        }
        best
    }
}

/// Count of arrivals in `[0, t)` seconds for a rate of `m` milli-requests per
/// second, with arrival `k` at `k / rate` (so the first one is at 0).
fn steady_before(m: u64, t: u64) -> u128 {
    (u128::from(m) * u128::from(t)).div_ceil(1000)
}

/// Count of arrivals in `[0, t)` seconds of a linear ramp over `d` seconds.
fn ramp_before(from_m: u64, to_m: u64, d: u64, t: u64) -> u128 {
    let (f, to, d, t) = (
        i128::from(from_m),
        i128::from(to_m),
        i128::from(d.max(1)),
        i128::from(t),
    );
    // Cumulative milli-requests: from*t + (to-from)*t^2/(2d), always >= 0 for t <= d.
    let num = 2 * d * f * t + (to - f) * t * t;
    let den = 2000 * d;
    if num <= 0 {
        0
    } else {
        ((num + den - 1) / den) as u128
    }
}

/// The arrivals of the current second.
#[derive(Default)]
struct SecondPlan {
    /// Burst requests still to fire at offset 0.
    burst_left: u32,
    /// Evenly spread requests: index of the next one, and how many this second.
    even_next: u64,
    even_count: u64,
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

/// A traffic run that advances one virtual second at a time, so the terminal
/// app can animate, pause, step and change speed. [`run`] drives it to the end.
pub struct TrafficRun {
    name: String,
    pattern: Pattern,
    duration_secs: Option<u64>,
    requests: Option<u64>,
    start: SimTime,
    seed: u64,
    rng: ChaCha8Rng,
    picker: Picker,
    /// The next virtual second to run.
    second: u64,
    sent: u64,
    done: bool,
    truncated: bool,
    plan: SecondPlan,
    /// Poisson: time of the next arrival, in ns since the start of the run.
    next_poisson_ns: u64,
    acc: SecondAcc,
    totals: Totals,
    hist: Box<[u64]>,
    latency_max_ms: u32,
    gauge_min: Option<f64>,
    authorizer_invocations: u64,
    billing: LambdaBilling,
    series: Vec<SecondStats>,
}

impl TrafficRun {
    /// A run of `spec` starting at `start`. The spec's own seed, when set, wins
    /// over `seed`. An invalid spec does not panic: a run with no clients or no
    /// traffic simply sends nothing (validate specs before running them).
    pub fn new(spec: &TrafficSpec, start: SimTime, seed: u64) -> Self {
        let seed = spec.seed.unwrap_or(seed);
        let picker = Picker::new(&spec.clients);
        let mut run = TrafficRun {
            name: spec.name.clone(),
            pattern: spec.pattern,
            duration_secs: spec.duration_secs.map(|d| d.min(MAX_DURATION_SECS)),
            requests: spec.requests,
            start,
            seed,
            rng: ChaCha8Rng::seed_from_u64(seed),
            done: picker.total <= 0 || (spec.duration_secs.is_none() && spec.requests.is_none()),
            picker,
            second: 0,
            sent: 0,
            truncated: false,
            plan: SecondPlan::default(),
            next_poisson_ns: 0,
            acc: SecondAcc::new(),
            totals: Totals::default(),
            hist: vec![0u64; HIST_BUCKETS].into_boxed_slice(),
            latency_max_ms: 0,
            gauge_min: None,
            authorizer_invocations: 0,
            billing: LambdaBilling::DEFAULT,
            series: Vec::with_capacity(
                spec.duration_secs.unwrap_or(0).min(MAX_DURATION_SECS) as usize
            ),
        };
        if run.requests == Some(0) || run.duration_secs == Some(0) {
            run.done = true;
        }
        if let Pattern::Poisson { rps } = run.pattern {
            run.next_poisson_ns = run.poisson_gap_ns(rps);
        }
        run
    }

    /// Whether the run has finished.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Virtual seconds run so far.
    pub fn seconds_run(&self) -> u64 {
        self.second
    }

    /// Requests fired so far.
    pub fn requests_sent(&self) -> u64 {
        self.sent
    }

    /// The virtual time the next second starts at.
    pub fn now(&self) -> SimTime {
        self.start.plus(SimDuration::from_secs(self.second))
    }

    /// How far the run is, from 0.0 to 1.0 (by seconds, or by requests for `requests = N`).
    pub fn progress(&self) -> f64 {
        if self.done {
            return 1.0;
        }
        match (self.duration_secs, self.requests) {
            (Some(d), _) if d > 0 => self.second as f64 / d as f64,
            (_, Some(n)) if n > 0 => self.sent as f64 / n as f64,
            _ => 1.0,
        }
    }

    /// Exponential gap to the next Poisson arrival, in ns.
    fn poisson_gap_ns(&mut self, rps: f64) -> u64 {
        let m = milli_rps(rps);
        if m == 0 {
            return u64::MAX;
        }
        let u: f64 = self.rng.random();
        // 1 - u is in (0, 1], so the logarithm is finite and the gap >= 0.
        let gap_s = -(1.0 - u).ln() * 1000.0 / m as f64;
        (gap_s * 1e9).round() as u64 // saturates for absurd values
    }

    fn plan_second(&mut self, s: u64) {
        let (count, burst) = match self.pattern {
            Pattern::Steady { rps } => {
                let m = milli_rps(rps);
                (steady_before(m, s + 1) - steady_before(m, s), 0)
            }
            Pattern::Burst {
                rps,
                burst_every_secs,
                burst_size,
            } => {
                let m = milli_rps(rps);
                let burst = if burst_every_secs > 0 && s.is_multiple_of(burst_every_secs) {
                    burst_size
                } else {
                    0
                };
                (steady_before(m, s + 1) - steady_before(m, s), burst)
            }
            Pattern::Ramp { from_rps, to_rps } => {
                let (f, t) = (milli_rps(from_rps), milli_rps(to_rps));
                let d = self.duration_secs.unwrap_or(1);
                (
                    ramp_before(f, t, d, s + 1).saturating_sub(ramp_before(f, t, d, s)),
                    0,
                )
            }
            Pattern::Poisson { .. } => (0, 0),
        };
        self.plan = SecondPlan {
            burst_left: burst,
            even_next: 0,
            even_count: u64::try_from(count).unwrap_or(u64::MAX),
        };
    }

    /// Millisecond offset (within second `s`) of the next arrival, if any.
    #[inline(always)]
    fn next_arrival(&mut self, s: u64) -> Option<u64> {
        if let Pattern::Poisson { rps } = self.pattern {
            let end_ns = (s + 1).saturating_mul(1_000_000_000);
            if self.next_poisson_ns >= end_ns {
                return None;
            }
            let off = (self.next_poisson_ns / 1_000_000)
                .saturating_sub(s * 1000)
                .min(999);
            let gap = self.poisson_gap_ns(rps);
            self.next_poisson_ns = self.next_poisson_ns.saturating_add(gap);
            return Some(off);
        }
        if self.plan.burst_left > 0 {
            self.plan.burst_left -= 1;
            return Some(0);
        }
        let p = &mut self.plan;
        if p.even_next < p.even_count {
            let off = (u128::from(p.even_next) * 1000 / u128::from(p.even_count)) as u64;
            p.even_next += 1;
            return Some(off);
        }
        None
    }

    /// Run the next virtual second against `target` and return its statistics,
    /// or `None` when the run is already done.
    pub fn step_second<T: TrafficTarget + ?Sized>(
        &mut self,
        target: &mut T,
    ) -> Option<SecondStats> {
        if self.advance(target) {
            self.series.last().cloned()
        } else {
            None
        }
    }

    /// Run one second; false when the run was already done.
    fn advance<T: TrafficTarget + ?Sized>(&mut self, target: &mut T) -> bool {
        if self.done {
            return false;
        }
        self.billing = target.authorizer_billing();
        let s = self.second;
        let sec_start = self
            .start
            .as_millis()
            .saturating_add(s.saturating_mul(1000));
        self.plan_second(s);
        let limit = self.requests.unwrap_or(u64::MAX);
        while self.sent < limit {
            let Some(off) = self.next_arrival(s) else {
                break;
            };
            let client = self.picker.pick();
            let now = SimTime(sec_start.saturating_add(off));
            let fired = target.fire(client, now);
            self.sent += 1;
            self.latency_max_ms = self.latency_max_ms.max(fired.latency_ms);
            self.acc.record(&fired);
            self.acc.gauge(target.gauge(now));
        }
        let end = SimTime(sec_start.saturating_add(1000));
        let stats = self
            .acc
            .finish(s, target.gauge(end), &mut self.totals, &mut self.hist);
        self.authorizer_invocations += u64::from(stats.authorizer_invocations);
        if let Some(g) = stats.gauge_min {
            self.gauge_min = Some(self.gauge_min.map_or(g, |m| m.min(g)));
        }
        self.series.push(stats);
        self.second += 1;
        if self.duration_secs.is_some_and(|d| self.second >= d) || self.sent >= limit {
            self.done = true;
        } else if self.second >= MAX_DURATION_SECS {
            self.done = true;
            self.truncated = true;
        }
        true
    }

    /// The report so far (complete once [`TrafficRun::is_done`]).
    pub fn report(&self) -> TrafficReport {
        self.build_report(self.series.clone())
    }

    /// The report, without copying the series.
    pub fn into_report(mut self) -> TrafficReport {
        let series = std::mem::take(&mut self.series);
        self.build_report(series)
    }

    fn build_report(&self, series: Vec<SecondStats>) -> TrafficReport {
        let pct = percentiles(&self.hist, 0, self.totals.sent);
        TrafficReport {
            name: self.name.clone(),
            seed: self.seed,
            start: self.start,
            duration_secs: self.second,
            finished: self.done,
            truncated: self.truncated,
            totals: self.totals.clone(),
            series,
            latency_p50_ms: pct[0],
            latency_p95_ms: pct[1],
            latency_p99_ms: pct[2],
            latency_max_ms: self.latency_max_ms,
            gauge_min: self.gauge_min,
            authorizer_invocations: self.authorizer_invocations,
            authorizer_billing: self.billing,
            authorizer_cost_usd: self.authorizer_invocations as f64
                * self.billing.usd_per_invocation(),
        }
    }

    /// The statistics of every second run so far.
    pub fn series(&self) -> &[SecondStats] {
        &self.series
    }
}

/// Run the whole thing as fast as possible, streaming: memory does not grow
/// with the number of requests except for one [`SecondStats`] per virtual
/// second. The spec's own seed, when set, wins over `seed`.
pub fn run(
    spec: &TrafficSpec,
    target: &mut impl TrafficTarget,
    start: SimTime,
    seed: u64,
) -> TrafficReport {
    let mut r = TrafficRun::new(spec, start, seed);
    while r.advance(target) {}
    r.into_report()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::throttle::{ThrottleSettings, TokenBucket};
    use crate::gateway::time::DEFAULT_EPOCH;

    /// Records every fire and answers 200 "ok".
    #[derive(Default)]
    struct Recorder {
        fired: Vec<(usize, u64)>,
    }
    impl TrafficTarget for Recorder {
        fn fire(&mut self, client: usize, now: SimTime) -> Fired {
            self.fired
                .push((client, now.as_millis() - DEFAULT_EPOCH.as_millis()));
            Fired {
                status: Some(200),
                cause: "ok",
                latency_ms: 10,
                authorizer_invoked: false,
                cache_hit: false,
            }
        }
    }

    /// One token bucket in front of a 200; the bucket level is the gauge.
    struct Bucket(TokenBucket);
    impl TrafficTarget for Bucket {
        fn fire(&mut self, _client: usize, now: SimTime) -> Fired {
            let ok = self.0.try_take(now);
            Fired {
                status: Some(if ok { 200 } else { 429 }),
                cause: if ok { "ok" } else { "throttled" },
                latency_ms: if ok { 25 } else { 1 },
                authorizer_invoked: false,
                cache_hit: false,
            }
        }
        fn gauge(&self, now: SimTime) -> Option<f64> {
            Some(self.0.level(now))
        }
    }

    fn spec(pattern: Pattern, duration: Option<u64>, requests: Option<u64>) -> TrafficSpec {
        TrafficSpec {
            name: "t".into(),
            duration_secs: duration,
            requests,
            pattern,
            clients: vec![TrafficClient {
                request: "r".into(),
                weight: 1,
            }],
            seed: None,
        }
    }

    fn times(spec: &TrafficSpec) -> Vec<u64> {
        let mut r = Recorder::default();
        run(spec, &mut r, DEFAULT_EPOCH, 1);
        r.fired.into_iter().map(|(_, t)| t).collect()
    }

    #[test]
    fn toml_example_parses() {
        let src = r#"
name = "burst-then-steady"
duration-secs = 60
pattern = { kind = "steady", rps = 100 }
clients = [ { request = "with-gold-key", weight = 3 }, { request = "with-free-key", weight = 1 } ]
seed = 7
"#;
        let s: TrafficSpec = toml::from_str(src).unwrap();
        assert_eq!(s.duration_secs, Some(60));
        assert_eq!(s.pattern, Pattern::Steady { rps: 100.0 });
        assert_eq!(s.clients[1].request, "with-free-key");
        assert_eq!(s.seed, Some(7));
        assert!(s.validate().is_empty());

        let burst: Pattern =
            toml::from_str("kind = \"burst\"\nrps = 5\nburst-every-secs = 10\nburst-size = 50\n")
                .unwrap();
        assert_eq!(
            burst,
            Pattern::Burst {
                rps: 5.0,
                burst_every_secs: 10,
                burst_size: 50
            }
        );
        let ramp: Pattern =
            toml::from_str("kind = \"ramp\"\nfrom-rps = 1\nto-rps = 2.5\n").unwrap();
        assert_eq!(
            ramp,
            Pattern::Ramp {
                from_rps: 1.0,
                to_rps: 2.5
            }
        );
        let c: TrafficClient = toml::from_str("request = \"a\"\n").unwrap();
        assert_eq!(c.weight, 1);
        assert!(toml::from_str::<Pattern>("kind = \"steady\"\nrps = 1\nburst = 2\n").is_err());
        assert!(toml::from_str::<Pattern>("kind = \"sawtooth\"\nrps = 1\n").is_err());
        assert!(toml::from_str::<TrafficSpec>(&format!("{src}\nspeed = 2\n")).is_err());
    }

    fn messages(s: &TrafficSpec) -> Vec<(String, String)> {
        s.validate()
            .into_iter()
            .map(|(p, m, _)| (p.join("."), m))
            .collect()
    }

    #[test]
    fn validate_collects_every_problem() {
        let mut s = spec(Pattern::Steady { rps: -1.0 }, Some(10), Some(5));
        s.name = " ".into();
        s.clients.push(TrafficClient {
            request: "".into(),
            weight: 0,
        });
        let m = messages(&s);
        let paths: Vec<&str> = m.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "name",
                "requests",
                "pattern.rps",
                "clients.1.request",
                "clients.1.weight"
            ],
            "{m:?}"
        );

        let m = messages(&spec(
            Pattern::Ramp {
                from_rps: 1.0,
                to_rps: 2.0,
            },
            None,
            Some(10),
        ));
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].1.contains("a ramp needs duration-secs"));

        let m = messages(&spec(Pattern::Steady { rps: 0.0 }, Some(10), None));
        assert_eq!(
            m,
            vec![(
                "pattern".to_string(),
                "this steady pattern sends no requests".to_string()
            )]
        );

        let m = messages(&spec(Pattern::Steady { rps: 1.0 }, None, None));
        assert_eq!(m[0].0, "");
        assert!(m[0].1.contains("neither duration-secs nor requests"));

        let m = messages(&spec(
            Pattern::Steady { rps: 1.0 },
            Some(MAX_DURATION_SECS + 1),
            None,
        ));
        assert!(
            m[0].1.contains("duration-secs must be from 1 to 86400"),
            "{m:?}"
        );

        let m = messages(&spec(Pattern::Steady { rps: 1.0 }, None, Some(1_000_000)));
        assert_eq!(m[0].0, "requests");
        assert!(m[0].1.contains("would take longer than 86400"), "{m:?}");

        let m = messages(&spec(
            Pattern::Burst {
                rps: 0.0,
                burst_every_secs: 0,
                burst_size: 5,
            },
            Some(10),
            None,
        ));
        assert_eq!(m[0].0, "pattern.burst-every-secs", "{m:?}");

        let mut s = spec(Pattern::Steady { rps: 1.0 }, Some(1), None);
        s.clients.clear();
        assert_eq!(messages(&s)[0].1, "the traffic run has no clients");

        let mut s = spec(Pattern::Steady { rps: 1.0 }, Some(1), None);
        s.clients.push(TrafficClient {
            request: "missing".into(),
            weight: 2,
        });
        let p = s.check_requests(|n| n == "r");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0.join("."), "clients.1.request");
        assert_eq!(p[0].1, "no request named 'missing' in this scenario");
    }

    #[test]
    fn steady_arrivals_are_evenly_spaced() {
        assert_eq!(
            times(&spec(Pattern::Steady { rps: 3.0 }, Some(2), None)),
            vec![0, 333, 666, 1000, 1333, 1666]
        );
        assert_eq!(
            times(&spec(Pattern::Steady { rps: 0.5 }, Some(10), None)),
            vec![0, 2000, 4000, 6000, 8000]
        );
        let t = times(&spec(Pattern::Steady { rps: 2500.0 }, Some(1), None));
        assert_eq!(t.len(), 2500);
        assert_eq!(t.iter().filter(|&&x| x == 0).count(), 3);
        assert_eq!(t.last(), Some(&999));
    }

    #[test]
    fn burst_adds_requests_at_the_start_of_every_nth_second() {
        let s = spec(
            Pattern::Burst {
                rps: 1.0,
                burst_every_secs: 5,
                burst_size: 10,
            },
            Some(10),
            None,
        );
        let mut r = Recorder::default();
        let rep = run(&s, &mut r, DEFAULT_EPOCH, 1);
        let sent: Vec<u32> = rep.series.iter().map(|x| x.sent).collect();
        assert_eq!(sent, vec![11, 1, 1, 1, 1, 11, 1, 1, 1, 1]);
        assert_eq!(r.fired.iter().filter(|(_, t)| *t == 5000).count(), 11);
    }

    #[test]
    fn ramp_rises_linearly() {
        let s = spec(
            Pattern::Ramp {
                from_rps: 0.0,
                to_rps: 100.0,
            },
            Some(10),
            None,
        );
        let rep = run(&s, &mut Recorder::default(), DEFAULT_EPOCH, 1);
        let sent: Vec<u32> = rep.series.iter().map(|x| x.sent).collect();
        // Cumulative count at t s is ceil(5 t^2): 5, 20, 45, ... 500.
        assert_eq!(sent, vec![5, 15, 25, 35, 45, 55, 65, 75, 85, 95]);
        assert_eq!(rep.totals.sent, 500);
        let down = spec(
            Pattern::Ramp {
                from_rps: 100.0,
                to_rps: 0.0,
            },
            Some(10),
            None,
        );
        let rep = run(&down, &mut Recorder::default(), DEFAULT_EPOCH, 1);
        assert_eq!(rep.series.first().map(|x| x.sent), Some(95));
        assert_eq!(rep.totals.sent, 500);
    }

    #[test]
    fn poisson_is_seeded_and_near_its_mean() {
        let mut s = spec(Pattern::Poisson { rps: 100.0 }, Some(100), None);
        let a = times(&s);
        let b = times(&s);
        assert_eq!(a, b);
        // Mean 10,000, standard deviation 100: four sigmas either side.
        assert!((9_600..=10_400).contains(&a.len()), "{}", a.len());
        assert!(a.windows(2).all(|w| w[0] <= w[1]));
        s.seed = Some(99);
        let c = times(&s);
        assert_ne!(a, c);
        // The spec's seed wins over the run's.
        let mut r1 = Recorder::default();
        let rep = run(&s, &mut r1, DEFAULT_EPOCH, 12345);
        assert_eq!(rep.seed, 99);
        assert_eq!(r1.fired.len(), c.len());
    }

    #[test]
    fn requests_mode_stops_mid_second() {
        let s = spec(Pattern::Steady { rps: 100.0 }, None, Some(250));
        let rep = run(&s, &mut Recorder::default(), DEFAULT_EPOCH, 1);
        let sent: Vec<u32> = rep.series.iter().map(|x| x.sent).collect();
        assert_eq!(sent, vec![100, 100, 50]);
        assert_eq!(rep.totals.sent, 250);
        assert!(rep.finished && !rep.truncated);
        assert_eq!(rep.duration_secs, 3);
    }

    #[test]
    fn requests_mode_is_truncated_at_the_longest_run() {
        let s = spec(Pattern::Steady { rps: 0.001 }, None, Some(1000));
        let rep = run(&s, &mut Recorder::default(), DEFAULT_EPOCH, 1);
        assert!(rep.truncated && rep.finished);
        assert_eq!(rep.duration_secs, MAX_DURATION_SECS);
        assert_eq!(rep.totals.sent, 87); // arrivals at 0, 1000, ..., 86000 s
    }

    #[test]
    fn clients_interleave_by_weight() {
        let mut s = spec(Pattern::Steady { rps: 8.0 }, Some(1), None);
        s.clients = vec![
            TrafficClient {
                request: "a".into(),
                weight: 3,
            },
            TrafficClient {
                request: "b".into(),
                weight: 1,
            },
        ];
        let mut r = Recorder::default();
        run(&s, &mut r, DEFAULT_EPOCH, 1);
        let order: Vec<usize> = r.fired.iter().map(|(c, _)| *c).collect();
        assert_eq!(order, vec![0, 0, 1, 0, 0, 0, 1, 0]);
    }

    #[test]
    fn bucket_run_counts_throttles_and_charts_the_level() {
        // 10 rps against rate 5, burst 5 (see docs/traffic.md for the walk-through).
        let s = spec(Pattern::Steady { rps: 10.0 }, Some(3), None);
        let mut t = Bucket(TokenBucket::new(
            ThrottleSettings {
                rate: 5.0,
                burst: 5,
            },
            DEFAULT_EPOCH,
        ));
        let rep = run(&s, &mut t, DEFAULT_EPOCH, 1);
        let s0 = &rep.series[0];
        assert_eq!((s0.sent, s0.ok_2xx, s0.s429, s0.s4xx), (10, 9, 1, 1));
        assert_eq!(s0.gauge_min, Some(0.0));
        assert_eq!(s0.gauge_end, Some(1.0));
        assert_eq!(s0.by_cause.get("throttled"), Some(&1));
        assert_eq!(s0.by_cause.get("ok"), Some(&9));
        for s in &rep.series[1..] {
            assert_eq!((s.sent, s.ok_2xx, s.s429), (10, 5, 5));
        }
        assert_eq!(rep.totals.sent, 30);
        assert_eq!(rep.totals.ok_2xx, 19);
        assert_eq!(rep.totals.by_cause.get("throttled"), Some(&11));
        // 19 of 30 at 25 ms, 11 at 1 ms.
        assert_eq!(
            (rep.latency_p50_ms, rep.latency_p95_ms, rep.latency_max_ms),
            (25, 25, 25)
        );
        assert_eq!(rep.series[1].p50_ms, 1);
        assert_eq!(rep.series[1].p95_ms, 25);
        assert_eq!(rep.gauge_min, Some(0.0));
    }

    /// Status and flags chosen by the request's index.
    struct Mixed(u64);
    impl TrafficTarget for Mixed {
        fn fire(&mut self, _c: usize, _now: SimTime) -> Fired {
            self.0 += 1;
            let (status, cause) = match self.0 % 6 {
                0 => (Some(200), "ok"),
                1 => (Some(403), "forbidden"),
                2 => (Some(429), "quota-exceeded"),
                3 => (Some(502), "integration-failure"),
                4 => (None, "tls-refused"),
                _ => (Some(301), "redirect"),
            };
            Fired {
                status,
                cause,
                latency_ms: self.0 as u32,
                authorizer_invoked: self.0.is_multiple_of(2),
                cache_hit: self.0 % 2 == 1,
            }
        }
        fn authorizer_billing(&self) -> LambdaBilling {
            LambdaBilling {
                memory_mb: 1024,
                billed_ms: 1000,
            }
        }
    }

    #[test]
    fn statuses_causes_percentiles_and_cost() {
        let s = spec(Pattern::Steady { rps: 100.0 }, Some(2), None);
        let rep = run(&s, &mut Mixed(0), DEFAULT_EPOCH, 1);
        let s0 = &rep.series[0];
        // Requests 1..=100 in the first second.
        assert_eq!(s0.sent, 100);
        assert_eq!(
            (
                s0.ok_2xx,
                s0.s4xx,
                s0.s429,
                s0.s5xx,
                s0.no_response,
                s0.other_status
            ),
            (16, 34, 17, 17, 17, 16)
        );
        assert_eq!(s0.by_cause.len(), 6);
        assert_eq!(s0.by_cause.get("forbidden"), Some(&17));
        assert_eq!((s0.authorizer_invocations, s0.cache_hits), (50, 50));
        assert_eq!((s0.p50_ms, s0.p95_ms, s0.p99_ms), (50, 95, 99));
        assert_eq!(rep.series[1].p50_ms, 150);
        assert_eq!(rep.latency_max_ms, 200);
        assert_eq!(rep.authorizer_invocations, 100);
        assert_eq!(rep.totals.cache_hits, 100);
        // 1 GB for 1 s = 1 GB-second per invocation.
        let expected = 100.0 * (LAMBDA_USD_PER_REQUEST + LAMBDA_USD_PER_GB_SECOND);
        assert!(
            (rep.authorizer_cost_usd - expected).abs() < 1e-12,
            "{}",
            rep.authorizer_cost_usd
        );
        assert_eq!(rep.gauge_min, None);
        assert_eq!(s0.gauge_end, None);
    }

    #[test]
    fn default_billing_is_128_mb_for_20_ms() {
        let per = LambdaBilling::DEFAULT.usd_per_invocation();
        assert!((per - (0.2e-6 + 0.125 * 0.02 * 0.000_016_666_7)).abs() < 1e-15);
        assert!((per * 1_000_000.0 - 0.2417).abs() < 0.0001, "{}", per * 1e6);
    }

    #[test]
    fn histogram_is_within_one_ms_or_half_a_percent() {
        let mut v: u64 = 0;
        while v <= u64::from(u32::MAX) {
            let x = v as u32;
            let got = hist_value(hist_index(x));
            assert!(got.abs_diff(x) <= 1.max(x / 256), "{x} -> {got}");
            assert!(hist_index(x) < HIST_BUCKETS);
            v = v + 1 + v / 97;
        }
        assert!(hist_index(u32::MAX) < HIST_BUCKETS);
        for v in 0..256 {
            assert_eq!(hist_value(hist_index(v)), v);
        }
    }

    #[test]
    fn stepping_matches_run_and_stops() {
        let s = spec(Pattern::Poisson { rps: 30.0 }, Some(20), None);
        let whole = run(&s, &mut Recorder::default(), DEFAULT_EPOCH, 5);
        let mut stepped = TrafficRun::new(&s, DEFAULT_EPOCH, 5);
        let mut target = Recorder::default();
        let mut n = 0;
        assert_eq!(stepped.progress(), 0.0);
        while let Some(sec) = stepped.step_second(&mut target) {
            assert_eq!(sec.t, n);
            n += 1;
            if n == 10 {
                assert!((stepped.progress() - 0.5).abs() < 1e-12);
                let partial = stepped.report();
                assert!(!partial.finished);
                assert_eq!(partial.series.len(), 10);
            }
        }
        assert_eq!(n, 20);
        assert!(stepped.is_done());
        assert!(stepped.step_second(&mut target).is_none());
        assert_eq!(stepped.report(), whole);
        assert_eq!(
            stepped.now(),
            DEFAULT_EPOCH.plus(SimDuration::from_secs(20))
        );
    }

    #[test]
    fn a_spec_that_cannot_run_sends_nothing() {
        let mut s = spec(Pattern::Steady { rps: 10.0 }, None, Some(10));
        s.clients.clear();
        let rep = run(&s, &mut Recorder::default(), DEFAULT_EPOCH, 1);
        assert_eq!((rep.totals.sent, rep.series.len()), (0, 0));
        assert!(rep.finished);
        let nan = spec(Pattern::Steady { rps: f64::NAN }, Some(3), None);
        let rep = run(&nan, &mut Recorder::default(), DEFAULT_EPOCH, 1);
        assert_eq!((rep.totals.sent, rep.series.len()), (0, 3));
    }

    #[test]
    fn report_serialises_with_kebab_keys() {
        let s = spec(Pattern::Steady { rps: 1.0 }, Some(1), None);
        let rep = run(&s, &mut Recorder::default(), DEFAULT_EPOCH, 1);
        let j = serde_json::to_value(&rep).unwrap();
        assert_eq!(j["start"], "2025-01-01T12:00:00Z");
        assert_eq!(j["totals"]["ok-2xx"], 1);
        assert_eq!(j["series"][0]["by-cause"]["ok"], 1);
        assert_eq!(j["authorizer-billing"]["memory-mb"], 128);
    }
}
