//! Public CORS corpora run against the simulated REST API's CORS model.
//!
//! The corpora live outside the repository, in `../shared/corpora` (see the
//! README of each folder); every test returns early, saying so, when they are
//! absent.
//!
//! API Gateway answers preflights from a MOCK `OPTIONS` method with *static*
//! headers, while the middlewares behind these corpora compute their answer
//! per request. The comparison therefore asks what a browser would make of
//! both answers: the verdict (can script read it, does the preflight pass)
//! must agree, and where the browser lets script read the response the
//! header values that matter must agree too:
//! - `Access-Control-Allow-Origin`, `-Allow-Credentials` and `-Max-Age`
//!   exactly;
//! - `-Allow-Methods` and `-Allow-Headers`: every element the middleware
//!   allowed must be in our static list (or covered by `*` when the request
//!   carries no credentials);
//! - `-Expose-Headers` as a case-insensitive set, on actual responses.
//!
//! `Vary` and the failure status of a preflight are middleware choices
//! (jub0bs/cors README) and are not compared.

use gatelab::gateway::cors::{
    ACAC, ACAH, ACAM, ACAO, ACEH, ACMA, ACRH, ACRM, CorsConfig, browser_preflight_for,
    browser_verdict, is_preflight, preflight_reason,
};
use gatelab::gateway::request::Request;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

type Headers = Vec<(String, String)>;

fn corpora() -> Option<PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpora"));
    if dir.is_dir() {
        Some(dir.to_path_buf())
    } else {
        eprintln!("skipping: corpora not found at {}", dir.display());
        None
    }
}

fn load(rel: &str) -> Option<Value> {
    let path = corpora()?.join(rel);
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipping: {} is missing", path.display());
        return None;
    };
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Counts reported at the end of each corpus run.
#[derive(Default)]
struct Tally {
    ran: usize,
    skipped: usize,
    passed: usize,
    failures: Vec<String>,
}

impl Tally {
    fn record(&mut self, name: &str, result: Result<(), String>) {
        self.ran += 1;
        match result {
            Ok(()) => self.passed += 1,
            Err(e) => self.failures.push(format!("{name}: {e}")),
        }
    }
    fn finish(self, corpus: &str, want_ran: usize, want_skipped: usize) {
        eprintln!(
            "{corpus}: ran {} / skipped {} / passed {}",
            self.ran, self.skipped, self.passed
        );
        assert!(
            self.failures.is_empty(),
            "{corpus}: {} failure(s):\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
        assert_eq!(
            (self.ran, self.skipped),
            (want_ran, want_skipped),
            "{corpus}: the number of cases run or skipped changed"
        );
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `{"Name": ["v1", "v2"]}` -> one pair per header line.
fn header_lines(v: &Value) -> Headers {
    let mut out = Vec::new();
    if let Some(map) = v.as_object() {
        for (name, values) in map {
            for value in strings(values) {
                out.push((name.clone(), value));
            }
        }
    }
    out
}

fn values<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

fn joined(headers: &[(String, String)], name: &str) -> Option<String> {
    let v = values(headers, name);
    if v.is_empty() {
        None
    } else {
        Some(v.join(", "))
    }
}

/// Comma-separated elements of every line, trimmed, empty ones dropped.
fn elements(headers: &[(String, String)], name: &str) -> Vec<String> {
    values(headers, name)
        .iter()
        .flat_map(|line| line.split(','))
        .map(|e| e.trim_matches([' ', '\t']).to_string())
        .filter(|e| !e.is_empty())
        .collect()
}

fn lower_set(items: &[String]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_ascii_lowercase()).collect()
}

fn request(
    method: &str,
    url_path: &str,
    host: &str,
    headers: &Headers,
    credentials: bool,
) -> Request {
    let mut req = Request::new(method, url_path).with_header("Host", host);
    for (k, v) in headers {
        req = req.with_header(k, v);
    }
    req.browser_credentials = credentials;
    req
}

/// A value that makes `name` CORS-unsafe, so the rebuilt request needs the
/// same preflight the corpus sent.
fn unsafe_value(name: &str) -> &'static str {
    match name {
        "content-type" => "application/json",
        "accept" | "accept-language" | "content-language" => "@",
        "range" => "bytes 0-",
        _ => "x",
    }
}

/// The request a browser was about to send when it sent this preflight.
fn actual_from_preflight(pf: &Request, credentials: bool) -> (Request, BTreeSet<String>) {
    let method = pf.header(ACRM).unwrap_or("GET").trim().to_string();
    let mut req = Request::new(&method, &pf.target);
    for name in ["host", "origin"] {
        if let Some(v) = pf.header(name) {
            req = req.with_header(name, v);
        }
    }
    let names: BTreeSet<String> = pf
        .header_all(ACRH)
        .flat_map(|line| line.split(','))
        .map(|e| e.trim_matches([' ', '\t']).to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .collect();
    for n in &names {
        req = req.with_header(n, unsafe_value(n));
    }
    req.browser_credentials = credentials;
    (req, names)
}

/// What the corpus says the server answered.
struct Expected {
    /// The preflight passes (for preflights) or the origin is allowed.
    ok: bool,
    headers: Headers,
}

/// One corpus request against one configuration (`None`: no CORS at all,
/// i.e. no OPTIONS method and nothing added to responses).
struct Run<'a> {
    cfg: Option<&'a CorsConfig>,
    credentials: bool,
    resource_methods: &'a [String],
    url: &'a str,
    backend: &'a [(String, String)],
}

impl Run<'_> {
    fn check(&self, req: &Request, exp: &Expected) -> Result<(), String> {
        let Some(cfg) = self.cfg else {
            return self.check_without_cors(req);
        };
        if is_preflight(req) {
            return self.check_preflight(cfg, req, exp);
        }
        let ours = if req.method == "OPTIONS" {
            // The MOCK OPTIONS method answers every OPTIONS request alike.
            cfg.preflight_headers(req, self.resource_methods)
        } else {
            cfg.response_headers(req)
        };
        if req.method != "OPTIONS" {
            for name in [ACAM, ACAH, ACMA] {
                if joined(&ours, name).is_some() {
                    return Err(format!("{name} on an actual response"));
                }
            }
        }
        let compare_expose = req.method != "OPTIONS";
        let Some(origin) = req.header("origin") else {
            // Not a CORS request. API Gateway's static value is sent anyway
            // (harmless); otherwise the headers must agree.
            if joined(&exp.headers, ACAO).is_none() {
                let static_value =
                    cfg.allow_origins.len() == 1 || cfg.allow_origins.iter().any(|o| o == "*");
                return match joined(&ours, ACAO) {
                    Some(v) if !static_value => {
                        Err(format!("{ACAO}: {v} on a request without Origin"))
                    }
                    _ => Ok(()),
                };
            }
            return same_values(&ours, &exp.headers, compare_expose);
        };
        // Judge the read on a GET from the same origin: the CORS check does
        // not depend on the method.
        let mut probe = Request::new("GET", &req.target).with_header("Origin", origin);
        probe.browser_credentials = self.credentials;
        let with_backend = |h: &Headers| -> Headers {
            self.backend
                .iter()
                .cloned()
                .chain(h.iter().cloned())
                .collect()
        };
        let ours_full = with_backend(&ours);
        let exp_full = with_backend(&exp.headers);
        let v_ours = browser_verdict(&probe, self.url, None, Some((200, &ours_full)));
        let v_exp = browser_verdict(&probe, self.url, None, Some((200, &exp_full)));
        if v_ours.allowed != v_exp.allowed {
            return Err(format!(
                "readable with our headers: {}, with the corpus's headers: {} ({})",
                v_ours.allowed, v_exp.allowed, v_ours.message
            ));
        }
        if !exp.ok && v_ours.allowed {
            return Err(format!(
                "the corpus refuses this origin but a browser could read our response: {ours:?}"
            ));
        }
        if v_ours.allowed {
            same_values(&ours, &exp.headers, compare_expose)
        } else {
            Ok(())
        }
    }

    fn check_preflight(
        &self,
        cfg: &CorsConfig,
        pf: &Request,
        exp: &Expected,
    ) -> Result<(), String> {
        let (actual, names) = actual_from_preflight(pf, self.credentials);
        if preflight_reason(&actual).is_some() {
            // Our browser would send the same preflight.
            let ours = browser_preflight_for(&actual);
            let want_acrm = pf.header(ACRM).map(str::trim);
            if ours.header(ACRM) != want_acrm {
                return Err(format!(
                    "browser_preflight_for sends {ACRM} {:?}, not {want_acrm:?}",
                    ours.header(ACRM)
                ));
            }
            let sent: BTreeSet<String> = ours
                .header(ACRH)
                .unwrap_or("")
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            if sent != names {
                return Err(format!(
                    "browser_preflight_for sends {ACRH} {sent:?}, not {names:?}"
                ));
            }
        }
        let pf_headers = cfg.preflight_headers(pf, self.resource_methods);
        let actual_headers: Headers = self
            .backend
            .iter()
            .cloned()
            .chain(cfg.response_headers(&actual))
            .collect();
        let v = browser_verdict(
            &actual,
            self.url,
            Some((200, &pf_headers)),
            Some((200, &actual_headers)),
        );
        if v.allowed != exp.ok {
            return Err(format!(
                "browser verdict allowed={} but the corpus expects {}: {}",
                v.allowed, exp.ok, v.message
            ));
        }
        if !exp.ok {
            return Ok(());
        }
        for name in [ACAO, ACAC, ACMA] {
            if joined(&pf_headers, name) != joined(&exp.headers, name) {
                return Err(format!(
                    "{name}: ours {:?}, corpus {:?}",
                    joined(&pf_headers, name),
                    joined(&exp.headers, name)
                ));
            }
        }
        let star = |list: &[String]| !self.credentials && list.iter().any(|e| e == "*");
        let our_methods = elements(&pf_headers, ACAM);
        for m in elements(&exp.headers, ACAM) {
            if !(our_methods.contains(&m) || star(&our_methods)) {
                return Err(format!(
                    "{ACAM}: the corpus allows {m}, ours is {our_methods:?}"
                ));
            }
        }
        let our_headers = elements(&pf_headers, ACAH);
        let our_lower = lower_set(&our_headers);
        for h in lower_set(&elements(&exp.headers, ACAH)) {
            let covered = our_lower.contains(&h) || (h != "authorization" && star(&our_headers));
            if !covered {
                return Err(format!(
                    "{ACAH}: the corpus allows {h}, ours is {our_headers:?}"
                ));
            }
        }
        Ok(())
    }

    /// No CORS configured: a preflight meets no OPTIONS method (403 Missing
    /// Authentication Token) and nothing adds CORS headers, so every
    /// cross-origin read is blocked.
    fn check_without_cors(&self, req: &Request) -> Result<(), String> {
        let (actual, pf) = if is_preflight(req) {
            (
                actual_from_preflight(req, self.credentials).0,
                Some((403u16, Vec::new())),
            )
        } else {
            let mut r = req.clone();
            r.browser_credentials = self.credentials;
            let pf = preflight_reason(&r).map(|_| (403u16, Vec::new()));
            (r, pf)
        };
        let backend = self.backend.to_vec();
        let v = browser_verdict(
            &actual,
            self.url,
            pf.as_ref().map(|(s, h)| (*s, h.as_slice())),
            Some((200, &backend)),
        );
        if v.allowed
            || !v
                .message
                .contains("No 'Access-Control-Allow-Origin' header is present")
        {
            return Err(format!(
                "expected a missing-header block, got: {}",
                v.message
            ));
        }
        Ok(())
    }
}

/// On a readable response: the origin, credentials and exposed headers agree.
fn same_values(
    ours: &[(String, String)],
    exp: &[(String, String)],
    compare_expose: bool,
) -> Result<(), String> {
    for name in [ACAO, ACAC] {
        if joined(ours, name) != joined(exp, name) {
            return Err(format!(
                "{name}: ours {:?}, corpus {:?}",
                joined(ours, name),
                joined(exp, name)
            ));
        }
    }
    if compare_expose && lower_set(&elements(ours, ACEH)) != lower_set(&elements(exp, ACEH)) {
        return Err(format!(
            "{ACEH}: ours {:?}, corpus {:?}",
            joined(ours, ACEH),
            joined(exp, ACEH)
        ));
    }
    Ok(())
}

fn is_error_at(cfg: &CorsConfig, key: &str, index: Option<usize>) -> bool {
    cfg.problems().iter().any(|(path, _, _, is_error)| {
        *is_error
            && path.first().map(String::as_str) == Some(key)
            && index.is_none_or(|i| path.get(1) == Some(&i.to_string()))
    })
}

/// jub0bs config (JSON) -> our config. An absent method list means only the
/// safelisted methods, which the console's default (the resource's methods)
/// reproduces with a resource that has GET, HEAD and POST.
fn jub0bs_config(c: &Value) -> CorsConfig {
    CorsConfig {
        allow_origins: strings(&c["origins"]),
        allow_methods: strings(&c["methods"]),
        allow_headers: strings(&c["request_headers"]),
        expose_headers: strings(&c["response_headers"]),
        allow_credentials: c["credentialed"].as_bool().unwrap_or(false),
        max_age: c["max_age_seconds"]
            .as_i64()
            .map(|n| u32::try_from(n.max(0)).unwrap_or(u32::MAX)),
    }
}

/// Cases left out, with the reason.
const JUB0BS_SKIPPED_GROUPS: [(&str, &str); 2] = [
    (
        "credentialed all req headers",
        "allowing every request header with credentials needs the preflight's \
         Access-Control-Request-Headers echoed back; a static '*' is taken literally on \
         credentialed requests (problems() reports it as an error)",
    ),
    (
        "arbitrary subdomains and arbitrary ports",
        "origin pattern http://*.example.com:* cannot be expressed by a static or echoed \
         Access-Control-Allow-Origin (problems() reports it as an error)",
    ),
];
const JUB0BS_SKIPPED_CASES: [(&str, &str, &str); 3] = [
    (
        "credentialed",
        "preflight with PURGE and Authorization with too many empty elements from allowed",
        "jub0bs caps empty Access-Control-Request-Headers elements as a denial-of-service guard; \
         browsers never send empty elements and the MOCK OPTIONS method does not read the header",
    ),
    (
        "credentialed",
        "preflight with PURGE and Authorization with too many empty ACRH header lines from allowed",
        "same guard, counted over header lines",
    ),
    (
        "outer Vary middleware",
        "fake preflight with CORS-safelisted method from allowed",
        "jub0bs expects this to fail although the identical request passes in group \
         'credentialed'; a browser never sends a preflight for a GET without custom headers, and \
         the gateway's static answer would let it read the response",
    ),
];

#[test]
fn jub0bs_middleware_cases() {
    let Some(doc) = load("cors-jub0bs/middleware_cases.json") else {
        return;
    };
    let url = doc["meta"]["request_url"]
        .as_str()
        .unwrap_or("https://example.com/whatever")
        .to_string();
    let mut tally = Tally::default();
    let mut seen_skips = 0;
    let resource_methods: Vec<String> = ["GET", "HEAD", "POST"].map(String::from).to_vec();
    for group in doc["groups"].as_array().expect("groups") {
        let gname = group["group"].as_str().unwrap_or("?");
        let cases = group["cases"].as_array().expect("cases");
        let cfg = (!group["config"].is_null()).then(|| jub0bs_config(&group["config"]));
        if let Some((_, why)) = JUB0BS_SKIPPED_GROUPS.iter().find(|(g, _)| *g == gname) {
            let c = cfg.as_ref().expect("skipped groups have a config");
            // The reason is checked: the configuration is refused.
            assert!(
                c.problems().iter().any(|p| p.3),
                "{gname}: expected a configuration error ({why})"
            );
            tally.skipped += cases.len();
            seen_skips += 1;
            continue;
        }
        if gname == "credentialed allow some" {
            // The pattern entry stays as a literal (it matches nothing);
            // none of this group's requests needs it to match.
            let c = cfg.as_ref().expect("config");
            assert!(
                is_error_at(c, "allow-origins", Some(1)),
                "https://*.example.com must be refused"
            );
        }
        let credentials = cfg.as_ref().is_some_and(|c| c.allow_credentials);
        let backend = header_lines(&group["backend"]["headers"]);
        let run = Run {
            cfg: cfg.as_ref(),
            credentials,
            resource_methods: &resource_methods,
            url: &url,
            backend: &backend,
        };
        for case in cases {
            let desc = case["desc"].as_str().unwrap_or("?");
            let name = format!("{gname} / {desc}");
            if JUB0BS_SKIPPED_CASES
                .iter()
                .any(|(g, d, _)| *g == gname && *d == desc)
            {
                tally.skipped += 1;
                seen_skips += 1;
                continue;
            }
            let headers = header_lines(&case["request_headers"]);
            let req = request(
                case["method"].as_str().unwrap_or("GET"),
                "/whatever",
                "example.com",
                &headers,
                credentials,
            );
            if cfg.is_none() && req.header("origin").is_none() {
                // No CORS and no Origin: nothing for either side to say.
                tally.skipped += 1;
                continue;
            }
            let outcome = case["expect"]["outcome"].as_str().unwrap_or("");
            let exp_headers = header_lines(&case["expect"]["cors_response_headers"]);
            let ok = match outcome {
                "preflight_succeeds" => true,
                "actual" => joined(&exp_headers, ACAO).is_some(),
                _ => false,
            };
            if outcome != "actual" && !is_preflight(&req) && cfg.is_some() {
                tally.record(
                    &name,
                    Err(format!(
                        "the corpus treats it as a preflight ({outcome}), is_preflight does not"
                    )),
                );
                continue;
            }
            tally.record(
                &name,
                run.check(
                    &req,
                    &Expected {
                        ok,
                        headers: exp_headers,
                    },
                ),
            );
        }
    }
    assert_eq!(
        seen_skips,
        JUB0BS_SKIPPED_GROUPS.len() + JUB0BS_SKIPPED_CASES.len(),
        "a listed skip no longer exists"
    );
    tally.finish("cors-jub0bs middleware_cases", 101, 18);
}

/// rs/cors options -> our config. Empty or absent lists take rs/cors's
/// defaults (any origin; GET, POST, HEAD; Accept, Content-Type,
/// X-Requested-With). A negative max age means "send 0".
fn rs_config(o: &Value) -> CorsConfig {
    let or = |v: Vec<String>, d: &[&str]| {
        if v.is_empty() {
            d.iter().map(|s| s.to_string()).collect()
        } else {
            v
        }
    };
    CorsConfig {
        allow_origins: or(strings(&o["allowed_origins"]), &["*"]),
        allow_methods: or(strings(&o["allowed_methods"]), &["GET", "POST", "HEAD"]),
        allow_headers: or(
            strings(&o["allowed_headers"]),
            &["Accept", "Content-Type", "X-Requested-With"],
        ),
        expose_headers: strings(&o["exposed_headers"]),
        allow_credentials: o["allow_credentials"].as_bool().unwrap_or(false),
        max_age: match o["max_age_seconds"].as_i64() {
            Some(n) if n < 0 => Some(0),
            Some(n) if n > 0 => Some(u32::try_from(n).unwrap_or(u32::MAX)),
            _ => None,
        },
    }
}

const RS_SKIPPED: [(&str, &str); 3] = [
    (
        "WildcardOrigin",
        "origin pattern http://*.bar.com cannot be expressed by API Gateway's header",
    ),
    (
        "DisallowedWildcardOrigin",
        "origin pattern http://*.bar.com cannot be expressed by API Gateway's header",
    ),
    (
        "AllowedPrivateNetwork",
        "Private Network Access preflights are not modelled (and no longer shipped by browsers)",
    ),
];

#[test]
fn rs_spec_cases() {
    let Some(doc) = load("cors-rs/spec_cases.json") else {
        return;
    };
    let url = doc["meta"]["request_url"]
        .as_str()
        .unwrap_or("http://example.com/foo")
        .to_string();
    let mut tally = Tally::default();
    let no_backend: Headers = Vec::new();
    for case in doc["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap_or("?");
        if RS_SKIPPED.iter().any(|(n, _)| *n == name) {
            tally.skipped += 1;
            continue;
        }
        let cfg = rs_config(&case["options"]);
        let credentials = cfg.allow_credentials;
        let headers = header_lines(&case["request_headers"]);
        let req = request(
            case["method"].as_str().unwrap_or("GET"),
            "/foo",
            "example.com",
            &headers,
            credentials,
        );
        let exp_headers = header_lines(&case["expect"]["response_headers"]);
        // rs/cors adds Access-Control-Allow-Origin only when everything passed.
        let ok = case["expect"]["origin_allowed"].as_bool().unwrap_or(false)
            && joined(&exp_headers, ACAO).is_some();
        let run = Run {
            cfg: Some(&cfg),
            credentials,
            resource_methods: &[],
            url: &url,
            backend: &no_backend,
        };
        let mut result = run.check(
            &req,
            &Expected {
                ok,
                headers: exp_headers,
            },
        );
        if name == "MatchAllOriginWithCredentials" && result.is_ok() {
            // rs/cors sends '*' with credentials; browsers refuse it and so
            // does our configuration check.
            let v = browser_verdict(&req, &url, None, Some((200, &cfg.response_headers(&req))));
            if v.allowed || !is_error_at(&cfg, "allow-origins", Some(0)) {
                result = Err(format!(
                    "'*' with credentials must be blocked and refused: {}",
                    v.message
                ));
            }
        }
        tally.record(name, result);
    }
    tally.finish("cors-rs spec_cases", 20, 3);
}

#[test]
fn wpt_unsafe_headers_force_a_preflight() {
    let Some(doc) = load("cors-wpt/not-cors-safelisted.json") else {
        return;
    };
    let mut tally = Tally::default();
    for pair in doc.as_array().expect("array of pairs") {
        let name = pair[0].as_str().expect("name");
        let value = pair[1].as_str().expect("value");
        let req = Request::new("GET", "/resources/preflight.py")
            .with_header("Host", "www1.web-platform.test")
            .with_header("Origin", "https://web-platform.test")
            .with_header(name, value);
        let label = format!("{name}: {value:.20}");
        let result = match preflight_reason(&req) {
            None => Err("no preflight".to_string()),
            Some(reason) if !reason.contains(&format!("header {name} ")) => {
                Err(format!("reason does not name the header: {reason}"))
            }
            Some(_) => {
                let pf = browser_preflight_for(&req);
                if pf.header(ACRH) == Some(name) && is_preflight(&pf) {
                    Ok(())
                } else {
                    Err(format!("preflight carries {ACRH} {:?}", pf.header(ACRH)))
                }
            }
        };
        tally.record(&label, result);
    }
    tally.finish("cors-wpt not-cors-safelisted", 13, 0);
}

/// Where a jub0bs error should show up in `problems()`, and whether it must
/// be an error there (`false`: a warning is enough, because API Gateway
/// accepts the setting and it works, if unwisely).
fn expected_problem(cfg: &Value, err: &Value) -> (String, Option<usize>, bool) {
    let value = err["Value"].as_str();
    let index_in = |key: &str| value.and_then(|v| strings(&cfg[key]).iter().position(|x| x == v));
    let reason = err["Reason"].as_str().unwrap_or("");
    match err["type"].as_str().unwrap_or("") {
        "UnacceptableOriginPatternError" => (
            "allow-origins".into(),
            index_in("origins"),
            reason != "prohibited",
        ),
        "IncompatibleOriginPatternError" => (
            "allow-origins".into(),
            index_in("origins"),
            reason != "insecure",
        ),
        "UnacceptableMethodError" => (
            "allow-methods".into(),
            index_in("methods"),
            reason == "invalid",
        ),
        "UnacceptableHeaderNameError" if err["Type"] == "response" => (
            "expose-headers".into(),
            index_in("response_headers"),
            reason == "invalid",
        ),
        "UnacceptableHeaderNameError" => (
            "allow-headers".into(),
            index_in("request_headers"),
            reason == "invalid",
        ),
        "MaxAgeOutOfBoundsError" => ("max-age".into(), None, false),
        "IncompatibleWildcardResponseHeaderNameError" => {
            let i = strings(&cfg["response_headers"])
                .iter()
                .position(|x| x == "*");
            ("expose-headers".into(), i, true)
        }
        other => (format!("unknown error type {other}"), None, true),
    }
}

#[test]
fn jub0bs_invalid_configs_are_reported() {
    let Some(doc) = load("cors-jub0bs/invalid_config_cases.json") else {
        return;
    };
    let mut tally = Tally::default();
    for case in doc["cases"].as_array().expect("cases") {
        let desc = case["desc"].as_str().unwrap_or("?");
        let raw = &case["config"];
        let result = (|| {
            if raw["max_age_seconds"].as_i64().is_some_and(|n| n < 0) {
                // A negative max age cannot even be written: max-age is unsigned.
                let src = format!(
                    "allow-origins = [\"https://example.com\"]\nmax-age = {}\n",
                    raw["max_age_seconds"]
                );
                return match toml::from_str::<CorsConfig>(&src) {
                    Err(_) => Ok(()),
                    Ok(c) => Err(format!("max-age {:?} was accepted", c.max_age)),
                };
            }
            let cfg = jub0bs_config(raw);
            let problems = cfg.problems();
            for err in case["want_errors"].as_array().expect("want_errors") {
                let (key, index, must_be_error) = expected_problem(raw, err);
                let found = problems.iter().find(|(path, _, _, is_error)| {
                    path.first() == Some(&key)
                        && index.is_none_or(|i| path.get(1) == Some(&i.to_string()))
                        && (*is_error || !must_be_error)
                });
                if found.is_none() {
                    return Err(format!(
                        "no {} at {key}{} for {err}; problems: {problems:?}",
                        if must_be_error { "error" } else { "problem" },
                        index.map(|i| format!(".{i}")).unwrap_or_default()
                    ));
                }
            }
            Ok(())
        })();
        tally.record(desc, result);
    }
    tally.finish("cors-jub0bs invalid_config_cases", 23, 0);
}
