//! The shipped `sigv4-test-suite` scenario accepts every signed request of
//! AWS's public suite (as `gatelab simulate --raw` runs them) and refuses
//! each with its signature altered.

use gatelab::gateway::raw_http::parse_raw_request;
use gatelab::gateway::{Gateway, Stage};
use gatelab::scenario::Scenario;
use std::path::Path;

#[test]
fn every_suite_request_passes_the_gateway() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/sigv4-classic");
    if !corpus.is_dir() {
        eprintln!("skipped: {} not present", corpus.display());
        return;
    }
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenarios/sigv4-test-suite.toml"),
    )
    .unwrap();
    let sc = Scenario::parse("sigv4-test-suite.toml", &src).unwrap();
    let mut files = Vec::new();
    let mut stack = vec![corpus];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "sreq") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 30, "found only {} .sreq files", files.len());
    let (mut ok, mut refused) = (0, 0);
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        let req = parse_raw_request(&text).unwrap_or_else(|e| panic!("{name}: {}", e.message));
        // The post-sts-token cases sign with temporary credentials of the same
        // key id: the identity then carries the suite's session token.
        let mut cfg = sc.gateway.clone();
        if let Some(tok) = req.header("x-amz-security-token") {
            cfg.iam[0].session_token = Some(tok.to_string());
        }
        let mut gw = Gateway::new(cfg.clone(), 0, sc.start_time()).unwrap();
        let o = gw.handle(&req, sc.start_time());
        // The suite's session-token case carries a stale signature (a documented erratum).
        if name == "get-vanilla-with-session-token.sreq" {
            assert_eq!(o.status, Some(403), "{name}");
            continue;
        }
        assert_eq!(
            o.status,
            Some(200),
            "{name}: {} {:?}",
            o.body,
            o.trace.iter().map(|t| &t.detail).collect::<Vec<_>>()
        );
        ok += 1;
        // Flip one hex digit of the signature: refused by the authorizer stage.
        let mut bad = req.clone();
        for (k, v) in bad.headers.iter_mut() {
            if k.eq_ignore_ascii_case("authorization") {
                let i = v.rfind("Signature=").unwrap() + "Signature=".len();
                let c = if &v[i..i + 1] == "0" { "1" } else { "0" };
                v.replace_range(i..i + 1, c);
            }
        }
        let mut gw = Gateway::new(cfg, 0, sc.start_time()).unwrap();
        let o = gw.handle(&bad, sc.start_time());
        assert_eq!(
            (o.status, o.decided_by),
            (Some(403), Stage::Authorizer),
            "{name} with an altered signature"
        );
        refused += 1;
    }
    eprintln!("{ok} suite requests accepted, {refused} altered ones refused");
    assert_eq!(ok, refused);
}
