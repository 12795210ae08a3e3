//! `gatelab simulate SCENARIO`: run a scenario's requests (or a raw HTTP
//! request, or a JSON Lines file of requests) and print what the gateway
//! answered and why.

use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::diag::Diagnostic;
use crate::gateway::pipeline::{Gateway, Outcome};
use crate::gateway::raw_http;
use crate::gateway::request::{Request, Scheme, TlsVersion};
use crate::gateway::time::SimTime;
use crate::scenario::{self, Scenario, ScenarioRun};

/// Options of `simulate`.
pub struct SimulateArgs<'a> {
    pub scenario: &'a str,
    pub json: bool,
    pub check: bool,
    pub raw: Option<&'a Path>,
    pub requests: Option<&'a Path>,
    pub at: Option<SimTime>,
    pub seed: Option<u64>,
}

/// Load a scenario by file path, or by id from the given course.
pub fn load_scenario(
    arg: &str,
    course: Option<&crate::content::Course>,
) -> Result<(String, Scenario), Vec<Diagnostic>> {
    let p = Path::new(arg);
    if p.is_file() || arg.ends_with(".toml") {
        let text = std::fs::read_to_string(p).map_err(|e| {
            vec![Diagnostic::whole_file(arg, format!("cannot be read: {e}")).with_hint("give a scenario file path or a built-in scenario id (see `gatelab simulate --list`)")]
        })?;
        return Scenario::parse(arg, &text)
            .map(|s| (arg.to_string(), s))
            .map_err(|d| d.0);
    }
    match course.and_then(|c| c.scenarios.get(arg)) {
        Some(e) => Ok((e.source.file.clone(), e.scenario.clone())),
        None => Err(vec![
            Diagnostic::whole_file(arg, "is neither a file nor a built-in scenario id")
                .with_hint("run `gatelab simulate --list` to see the built-in scenarios"),
        ]),
    }
}

/// One JSON Lines request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct JsonRequest {
    #[serde(default = "d_get")]
    method: String,
    path: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: String,
    #[serde(default)]
    source_ip: Option<String>,
    #[serde(default)]
    vpce: Option<String>,
    #[serde(default)]
    scheme: Option<Scheme>,
    #[serde(default)]
    tls_version: Option<TlsVersion>,
    #[serde(default)]
    client_cert: Option<String>,
    #[serde(default)]
    at: Option<String>,
}

fn d_get() -> String {
    "GET".into()
}

/// Parse a JSON Lines file of requests; problems are `file:line:col`.
pub fn parse_jsonl(
    file: &str,
    text: &str,
    default_host: &str,
) -> Result<Vec<(Request, Option<SimTime>)>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        match serde_json::from_str::<JsonRequest>(line) {
            Err(e) => problems.push(Diagnostic { file: file.into(), line: n, col: e.column().max(1), message: e.to_string().split(" at line").next().unwrap_or("").to_string(), hint: Some("one JSON object per line with method, path, headers, body, source-ip, vpce, scheme, tls-version, client-cert, at".into()) }),
            Ok(j) => {
                let mut r = Request::new(&j.method, &j.path);
                if !j.headers.keys().any(|k| k.eq_ignore_ascii_case("host")) {
                    r.headers.push(("Host".into(), default_host.into()));
                }
                for (k, v) in j.headers {
                    r.headers.push((k, v));
                }
                r.body = j.body;
                if let Some(ip) = j.source_ip {
                    match ip.parse() {
                        Ok(a) => r.source_ip = a,
                        Err(_) => {
                            problems.push(Diagnostic { file: file.into(), line: n, col: line.find(&ip).map(|c| c + 1).unwrap_or(1), message: format!("`{ip}` is not an IP address"), hint: Some("e.g. \"198.51.100.7\"".into()) });
                            continue;
                        }
                    }
                }
                r.vpce = j.vpce;
                r.scheme = j.scheme.unwrap_or_default();
                r.tls_version = j.tls_version.unwrap_or_default();
                r.client_cert = j.client_cert;
                let at = match j.at {
                    None => None,
                    Some(a) => match SimTime::parse_rfc3339(&a) {
                        Ok(t) => Some(t),
                        Err(m) => {
                            problems.push(Diagnostic { file: file.into(), line: n, col: line.find(&a).map(|c| c + 1).unwrap_or(1), message: m, hint: Some("`at` is an RFC 3339 time".into()) });
                            continue;
                        }
                    },
                };
                out.push((r, at));
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// JSON for one request and its outcome.
pub fn outcome_json(name: &str, at: SimTime, req: &Request, o: &Outcome) -> serde_json::Value {
    json!({
        "request": {
            "name": name,
            "at": at.rfc3339(),
            "method": req.method,
            "target": req.target,
            "headers": req.headers,
            "body": req.body,
            "source-ip": req.source_ip.to_string(),
        },
        "status": o.status,
        "body": o.body,
        "headers": o.headers,
        "decided_by": o.decided_by,
        "reason": o.reason,
        "latency_ms": o.latency_ms,
        "authorizer_cache": o.authorizer_cache,
        "browser": o.browser,
        "trace": o.trace.iter().map(|s| json!({"stage": s.stage, "result": s.result.id(), "detail": s.detail, "notes": s.notes})).collect::<Vec<_>>(),
    })
}

/// Run `simulate`. Returns the process exit code.
pub fn run(
    args: &SimulateArgs<'_>,
    course: Option<&crate::content::Course>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let (file, sc) = match load_scenario(args.scenario, course) {
        Ok(x) => x,
        Err(ds) => {
            for d in ds {
                writeln!(err, "{d}")?;
            }
            return Ok(2);
        }
    };
    let start = args.at.unwrap_or_else(|| sc.start_time());
    let seed = args.seed.unwrap_or(sc.seed);
    // Raw request or JSON Lines: run those instead of the scenario's requests.
    let external: Option<Vec<(String, Request, Option<SimTime>)>> = if let Some(raw) = args.raw {
        let text = match std::fs::read_to_string(raw) {
            Ok(t) => t,
            Err(e) => {
                writeln!(
                    err,
                    "{}: cannot be read: {e}\n  hint: give the path of a file holding one HTTP/1.1 request",
                    raw.display()
                )?;
                return Ok(2);
            }
        };
        match raw_http::parse_raw_request(&text) {
            Ok(r) => Some(vec![(raw.display().to_string(), r, None)]),
            Err(e) => {
                writeln!(
                    err,
                    "{}:{}:{}: {}\n  hint: {}",
                    raw.display(),
                    e.line,
                    e.col,
                    e.message,
                    e.hint
                )?;
                return Ok(2);
            }
        }
    } else if let Some(p) = args.requests {
        let text = match std::fs::read_to_string(p) {
            Ok(t) => t,
            Err(e) => {
                writeln!(
                    err,
                    "{}: cannot be read: {e}\n  hint: give a JSON Lines file, one request per line",
                    p.display()
                )?;
                return Ok(2);
            }
        };
        match parse_jsonl(
            &p.display().to_string(),
            &text,
            &sc.gateway.api.default_host(),
        ) {
            Ok(v) => Some(
                v.into_iter()
                    .enumerate()
                    .map(|(i, (r, at))| (format!("line-{}", i + 1), r, at))
                    .collect(),
            ),
            Err(ds) => {
                for d in ds {
                    writeln!(err, "{d}")?;
                }
                return Ok(2);
            }
        }
    } else {
        None
    };
    let run: ScenarioRun = match external {
        Some(reqs) => {
            let mut gw = match Gateway::new(sc.gateway.clone(), seed, start) {
                Ok(g) => g,
                Err(p) => {
                    for x in p {
                        writeln!(
                            err,
                            "{file}: {}: {}\n  hint: {}",
                            x.path.join("."),
                            x.message,
                            x.hint
                        )?;
                    }
                    return Ok(2);
                }
            };
            let mut run = ScenarioRun::default();
            let mut now = start;
            for (name, r, at) in reqs {
                if let Some(a) = at {
                    now = now.max(a);
                }
                let outcome = gw.handle(&r, now);
                run.requests.push(scenario::RequestResult {
                    name,
                    repetition: 0,
                    at: now,
                    request: r,
                    outcome,
                    mismatches: vec![],
                });
            }
            run
        }
        None => match scenario::run_with(&sc, start, seed) {
            Ok(r) => r,
            Err(m) => {
                writeln!(err, "{file}: {m}")?;
                return Ok(2);
            }
        },
    };
    if args.json {
        for r in &run.requests {
            let mut v = outcome_json(&r.name, r.at, &r.request, &r.outcome);
            if !r.mismatches.is_empty() {
                v["mismatches"] = json!(r.mismatches);
            }
            writeln!(out, "{v}")?;
        }
        for t in &run.traffic {
            writeln!(
                out,
                "{}",
                json!({"traffic": t.name, "report": t.report, "mismatches": t.mismatches})
            )?;
        }
    } else {
        print_table(&sc, &run, out)?;
    }
    let failures = run.failures();
    if args.check {
        if failures.is_empty() {
            let n = run.requests.len() + run.traffic.len();
            writeln!(err, "{file}: all {n} expectations hold")?;
        } else {
            for f in &failures {
                writeln!(err, "{file}: {f}")?;
            }
            return Ok(1);
        }
    }
    Ok(0)
}

fn print_table(sc: &Scenario, run: &ScenarioRun, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{} — {}", sc.id, sc.title)?;
    let w = run
        .requests
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 28);
    writeln!(
        out,
        "{:<w$}  {:<26}  {:<25}  {:<15}  REASON",
        "REQUEST", "METHOD PATH", "STATUS", "DECIDED BY"
    )?;
    for r in &run.requests {
        let name = if r.repetition > 0 {
            format!("{} #{}", r.name, r.repetition + 1)
        } else {
            r.name.clone()
        };
        let mp = format!("{} {}", r.request.method, r.request.path());
        let mark = if r.mismatches.is_empty() {
            ""
        } else {
            "  ✗ UNEXPECTED"
        };
        writeln!(
            out,
            "{:<w$}  {:<26}  {:<25}  {:<15}  {}{mark}",
            trunc(&name, w),
            trunc(&mp, 26),
            r.outcome.status_text(),
            r.outcome.decided_by.label(),
            r.outcome.reason
        )?;
        let decisive = r
            .outcome
            .trace
            .iter()
            .rev()
            .find(|s| s.stage == r.outcome.decided_by);
        if let Some(s) = decisive {
            writeln!(out, "{:<w$}  └ {}", "", s.detail)?;
        }
        for m in &r.mismatches {
            writeln!(out, "{:<w$}    ✗ {m}", "")?;
        }
    }
    for t in &run.traffic {
        let r = &t.report;
        writeln!(
            out,
            "\ntraffic {}: {} requests over {} s",
            t.name,
            r.totals.sent,
            r.series.len()
        )?;
        writeln!(
            out,
            "  2xx {}  4xx {}  429 {}  5xx {}  no response {}",
            r.totals.ok_2xx, r.totals.s4xx, r.totals.s429, r.totals.s5xx, r.totals.no_response
        )?;
        let causes: Vec<String> = r
            .totals
            .by_cause
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        writeln!(out, "  by cause: {}", causes.join(", "))?;
        writeln!(
            out,
            "  latency p50 {} ms, p95 {} ms, p99 {} ms",
            r.latency_p50_ms, r.latency_p95_ms, r.latency_p99_ms
        )?;
        writeln!(
            out,
            "  authorizer invocations {} (cache hits {}), cost ≈ ${:.6}",
            r.authorizer_invocations, r.totals.cache_hits, r.authorizer_cost_usd
        )?;
        for m in &t.mismatches {
            writeln!(out, "  ✗ {m}")?;
        }
    }
    Ok(())
}

fn trunc(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
