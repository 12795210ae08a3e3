//! Speed of the token bucket and of traffic runs in virtual time.
//!
//! Targets: a bucket decision costs a few nanoseconds (a request may touch
//! three or four buckets on a pipeline aiming at 2 million requests/s), and an
//! hour of traffic at 1,000 rps (3.6 million requests) runs in well under 2 s.

use divan::{Bencher, black_box, counter::ItemsCount};
use gatelab::gateway::throttle::{ThrottleSettings, TokenBucket};
use gatelab::gateway::time::{DEFAULT_EPOCH, SimTime};
use gatelab::gateway::traffic::{Fired, Pattern, TrafficClient, TrafficSpec, TrafficTarget, run};

fn main() {
    divan::main();
}

const BATCH: u64 = 1_000_000;

/// One bucket, one request per millisecond against 800 rps: mostly refills.
#[divan::bench]
fn bucket_try_take(bencher: Bencher) {
    bencher.counter(ItemsCount::new(BATCH)).bench_local(|| {
        let mut b = TokenBucket::new(
            ThrottleSettings {
                rate: 800.0,
                burst: 200,
            },
            DEFAULT_EPOCH,
        );
        let mut admitted = 0u32;
        for i in 0..BATCH {
            // Four requests per millisecond: a mix of refills and refusals.
            let now = SimTime(DEFAULT_EPOCH.as_millis() + i / 4);
            admitted += u32::from(b.try_take(black_box(now)));
        }
        admitted
    });
}

/// The four levels a request can meet (usage plan, method, stage, account),
/// all consulted and all admitting: the cost of a request that passes every
/// throttle.
#[divan::bench]
fn four_buckets_per_request(bencher: Bencher) {
    let levels = [
        ThrottleSettings {
            rate: 2_000.0,
            burst: 50,
        },
        ThrottleSettings {
            rate: 5_000.0,
            burst: 100,
        },
        ThrottleSettings {
            rate: 8_000.0,
            burst: 500,
        },
        ThrottleSettings {
            rate: 10_000.0,
            burst: 5_000,
        },
    ];
    bencher.counter(ItemsCount::new(BATCH)).bench_local(|| {
        let mut buckets = levels.map(|s| TokenBucket::new(s, DEFAULT_EPOCH));
        let mut admitted = 0u32;
        for i in 0..BATCH {
            // One request per millisecond: every bucket refills and admits.
            let now = black_box(SimTime(DEFAULT_EPOCH.as_millis() + i));
            let mut ok = true;
            for b in buckets.iter_mut() {
                ok &= b.try_take(now);
            }
            admitted += u32::from(ok);
        }
        assert_eq!(u64::from(admitted), BATCH);
        admitted
    });
}

/// A trivial gateway: one real token bucket in front of a 200.
struct OneBucket(TokenBucket);

impl TrafficTarget for OneBucket {
    fn fire(&mut self, _client: usize, now: SimTime) -> Fired {
        let ok = self.0.try_take(now);
        Fired {
            status: Some(if ok { 200 } else { 429 }),
            cause: if ok { "ok" } else { "throttled" },
            latency_ms: if ok { 40 } else { 3 },
            authorizer_invoked: false,
            cache_hit: false,
        }
    }
    fn gauge(&self, now: SimTime) -> Option<f64> {
        Some(self.0.level(now))
    }
}

fn hour_at_1000_rps(pattern: Pattern) -> TrafficSpec {
    TrafficSpec {
        name: "hour".into(),
        duration_secs: Some(3_600),
        requests: None,
        pattern,
        clients: vec![
            TrafficClient {
                request: "gold".into(),
                weight: 3,
            },
            TrafficClient {
                request: "free".into(),
                weight: 1,
            },
        ],
        seed: None,
    }
}

/// 3.6 million requests: one hour at 1,000 rps against a 900 rps bucket.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn traffic_hour_steady_1000_rps(bencher: Bencher) {
    let spec = hour_at_1000_rps(Pattern::Steady { rps: 1_000.0 });
    bencher
        .counter(ItemsCount::new(3_600_000u64))
        .bench_local(|| {
            let mut t = OneBucket(TokenBucket::new(
                ThrottleSettings {
                    rate: 900.0,
                    burst: 100,
                },
                DEFAULT_EPOCH,
            ));
            let rep = run(&spec, &mut t, DEFAULT_EPOCH, 7);
            assert_eq!(rep.totals.sent, 3_600_000);
            rep.totals.s429
        });
}

/// The same hour with Poisson arrivals (one exponential draw per request).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn traffic_hour_poisson_1000_rps(bencher: Bencher) {
    let spec = hour_at_1000_rps(Pattern::Poisson { rps: 1_000.0 });
    bencher
        .counter(ItemsCount::new(3_600_000u64))
        .bench_local(|| {
            let mut t = OneBucket(TokenBucket::new(
                ThrottleSettings {
                    rate: 900.0,
                    burst: 100,
                },
                DEFAULT_EPOCH,
            ));
            run(&spec, &mut t, DEFAULT_EPOCH, 7).totals.s429
        });
}
