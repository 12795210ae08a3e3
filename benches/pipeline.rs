//! Requests per second through the simulated gateway: the full pipeline the
//! brief names (WAF, resource policy, cached Lambda authorizer, usage plan,
//! throttle, CORS, mock integration), and one stage added at a time so a
//! regression shows where it comes from. Run with `cargo bench --bench pipeline`.

use divan::{Bencher, black_box};
use gatelab::gateway::request::Request;
use gatelab::gateway::{Gateway, SimTime};
use gatelab::scenario::{Scenario, build_request};

fn main() {
    divan::main();
}

const BASE: &str = r#"
id = "bench"
title = "bench"
[gateway.throttle]
account = { rate = 100000000, burst = 100000000 }
[[gateway.routes]]
path = "/items/{id}"
method = "GET"
"#;

fn scenario(extra_route: &str, extra: &str) -> Scenario {
    let src = format!(
        "{}\n{extra_route}\n{extra}\n[[requests]]\nname = \"r\"\npath = \"/prod/items/42?sort=name&page=2\"\nheaders = {{ Authorization = \"Bearer tok-123\", x-api-key = \"goldKey0123456789abcdef\", Origin = \"https://app.example.com\", User-Agent = \"bench/1.0\" }}\n",
        BASE.trim_end()
    );
    Scenario::parse("bench.toml", &src).unwrap_or_else(|d| panic!("{d}"))
}

const WAF: &str = r#"
[gateway.waf]
[[gateway.waf.rules]]
name = "sqli"
priority = 1
action = "block"
match = "sqli"
fields = ["query", "uri"]
[[gateway.waf.rules]]
name = "xss"
priority = 2
action = "block"
match = "xss"
fields = ["query", "uri"]
"#;

const POLICY: &str = r#"
[gateway.resource-policy]
[[gateway.resource-policy.Statement]]
Effect = "Allow"
Principal = "*"
Action = "execute-api:Invoke"
Resource = "execute-api:/*"
[[gateway.resource-policy.Statement]]
Effect = "Deny"
Principal = "*"
Action = "execute-api:Invoke"
Resource = "execute-api:/*"
Condition = { IpAddress = { "aws:SourceIp" = ["203.0.113.0/24"] } }
"#;

const AUTHORIZER: &str = r#"
[[gateway.authorizers]]
name = "a"
type = "TOKEN"
ttl = 3600
function = { behaviour = "allow", policy-resource = "stage" }
"#;

const PLAN: &str = r#"
[[gateway.api-keys]]
name = "gold"
value = "goldKey0123456789abcdef"
[[gateway.usage-plans]]
name = "gold"
stages = ["prod"]
keys = ["gold"]
throttle = { rate = 100000000, burst = 100000000 }
quota = { limit = 1000000000, period = "MONTH" }
"#;

const CORS: &str = r#"
[gateway.cors]
allow-origins = ["https://app.example.com"]
"#;

fn make(level: usize) -> (Gateway, Request, SimTime) {
    let mut route = String::new();
    let mut extra = String::new();
    if level >= 1 {
        extra.push_str(WAF);
    }
    if level >= 2 {
        extra.push_str(POLICY);
    }
    if level >= 3 {
        route.push_str("authorization = \"CUSTOM\"\nauthorizer = \"a\"\n");
        extra.push_str(AUTHORIZER);
    }
    if level >= 4 {
        route.push_str("api-key-required = true\n");
        extra.push_str(PLAN);
    }
    if level >= 5 {
        route.push_str("throttle = { rate = 100000000, burst = 100000000 }\ncors = true\n");
        extra.push_str(CORS);
    }
    let s = scenario(&route, &extra);
    let now = s.start_time();
    let mut gw = Gateway::new(s.gateway.clone(), 1, now).unwrap();
    let req = build_request(&s.requests[0], &s.gateway, now).unwrap();
    // Warm the authorizer cache so the steady state is measured.
    let q = gw.handle_quick(&req, now);
    assert_eq!(q.status, Some(200), "level {level}: {:?}", q.reason);
    (gw, req, now)
}

/// 0 = routing + mock only; 1 + WAF; 2 + resource policy; 3 + cached Lambda
/// authorizer; 4 + usage plan; 5 = everything (method throttle, CORS).
#[divan::bench(args = [0, 1, 2, 3, 4, 5])]
fn pipeline_quick(b: Bencher, level: usize) {
    let (mut gw, req, start) = make(level);
    let mut t = start.as_millis();
    b.counter(divan::counter::ItemsCount::new(1usize))
        .bench_local(|| {
            t += 1;
            black_box(gw.handle_quick(black_box(&req), SimTime::from_millis(t)))
        });
}

/// The full pipeline with the explained trace, as the lab and `simulate` use it.
#[divan::bench]
fn pipeline_with_trace(b: Bencher) {
    let (mut gw, req, start) = make(5);
    let mut t = start.as_millis();
    b.bench_local(|| {
        t += 1;
        black_box(gw.handle(black_box(&req), SimTime::from_millis(t)))
    });
}
