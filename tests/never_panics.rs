//! `Gateway::handle` answers any request without panicking, whatever the
//! configuration in the scenario rows and whatever the client sends.

use gatelab::gateway::request::{Request, Scheme, TlsVersion};
use gatelab::gateway::{Gateway, SimTime};
use gatelab::scenario::Scenario;
use proptest::prelude::*;
use std::path::Path;

fn gateways() -> Vec<Scenario> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec_rows");
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap();
        v.push(Scenario::parse("x.toml", &text).unwrap());
    }
    v
}

fn arb_request() -> impl Strategy<Value = Request> {
    (
        prop::sample::select(vec![
            "GET", "POST", "OPTIONS", "DELETE", "PUT", "", "get", "ANY",
        ]),
        "(/[a-zA-Z0-9{}%'\" <>.+*?=&-]{0,12}){0,5}(\\?[a-z0-9=&%'+<>]{0,20})?",
        prop::collection::vec(
            (
                prop::sample::select(vec![
                    "Authorization",
                    "Host",
                    "Origin",
                    "x-api-key",
                    "Cookie",
                    "X-Amz-Date",
                    "Access-Control-Request-Method",
                    "Content-Type",
                    "X-User",
                ]),
                ".{0,40}",
            ),
            0..6,
        ),
        ".{0,60}",
        any::<[u8; 4]>(),
        any::<bool>(),
        0u8..4,
        prop::option::of(prop::sample::select(vec![
            "billing",
            "nope",
            "expired",
            "vpce-1a2b3c4d",
        ])),
    )
        .prop_map(|(m, target, headers, body, ip, http, tls, cert)| {
            let mut r = Request::new(m, if target.is_empty() { "/" } else { &target });
            r.headers = headers
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            r.body = body;
            r.source_ip = std::net::IpAddr::from(ip);
            r.scheme = if http { Scheme::Http } else { Scheme::Https };
            r.tls_version = TlsVersion::ALL[tls as usize];
            r.client_cert = cert.map(str::to_string);
            r.vpce = cert.filter(|c| c.starts_with("vpce")).map(str::to_string);
            r.browser_credentials = http;
            r
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn handle_never_panics(req in arb_request(), which in 0usize..64, secs in 0u64..100_000) {
        let all = gateways();
        let s = &all[which % all.len()];
        let now = SimTime::from_unix_secs(1_735_732_800 + secs);
        let mut gw = Gateway::new(s.gateway.clone(), 1, now).unwrap();
        let o = gw.handle(&req, now);
        // Every outcome explains itself: the deciding stage is in the trace.
        prop_assert!(o.trace.iter().any(|t| t.stage == o.decided_by), "{:?}", o);
        let q = gw.handle_quick(&req, now);
        prop_assert_eq!(q.reason.is_no_response(), q.status.is_none());
    }
}
