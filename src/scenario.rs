//! Scenario files: a gateway configuration, named requests (with helpers that
//! sign them, mint tokens or attach API keys at the virtual time they are
//! sent), optional expectations, and traffic runs. Every scenario with
//! expectations is also a test. Documented in `docs/scenarios.md`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::diag::{Diagnostic, Diagnostics, PathSeg, TomlLocator};
use crate::gateway::config::GatewayConfig;
use crate::gateway::jwt::Tamper;
use crate::gateway::outcome::{CacheUse, Stage};
use crate::gateway::pipeline::{Gateway, Outcome};
use crate::gateway::reason::Reason;
use crate::gateway::request::{Request, Scheme, TlsVersion};
use crate::gateway::sigv4::{self, SignOptions, SigningCredentials};
use crate::gateway::time::{DEFAULT_EPOCH, SimDuration, SimTime};
use crate::gateway::traffic::{self, Fired, TrafficReport, TrafficSpec, TrafficTarget};

/// A scenario file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Scenario {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The lesson this scenario belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<String>,
    /// Where the virtual clock starts (RFC 3339; default 2025-01-01T12:00:00Z).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub gateway: GatewayConfig,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<ScenarioRequest>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traffic: Vec<TrafficRun>,
}

/// A named request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScenarioRequest {
    pub name: String,
    /// Shown in the lab and in `simulate` output.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default = "d_method")]
    pub method: String,
    /// Path and query as sent, e.g. `/prod/items?id=1`.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<Scheme>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_version: Option<TlsVersion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_cert: Option<String>,
    /// Sets the `Origin` header (a browser call).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The browser includes credentials (cookies).
    #[serde(default)]
    pub credentials: bool,
    /// Advance the virtual clock by this many seconds before sending.
    #[serde(default)]
    pub wait_secs: f64,
    /// Send the request this many times at the same instant.
    #[serde(default = "d_one")]
    pub repeat: u32,
    /// Sign with SigV4 as an IAM identity of the gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign: Option<SignSpec>,
    /// Attach a Cognito token from a user pool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenSpec>,
    /// Attach a token from a third-party issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_token: Option<IssuerTokenSpec>,
    /// Send this API key (by name) in `x-api-key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
}

fn d_method() -> String {
    "GET".into()
}
fn d_one() -> u32 {
    1
}

/// How to sign a request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SignSpec {
    /// Name of an IAM identity in `gateway.iam`.
    #[serde(rename = "as")]
    pub identity: String,
    /// Sign with a clock this many seconds off (negative: in the past).
    #[serde(default)]
    pub skew_secs: i64,
    /// Sign with a wrong secret key.
    #[serde(default)]
    pub wrong_secret: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Use a presigned query string instead of the Authorization header.
    #[serde(default)]
    pub presign: bool,
}

/// A Cognito token to attach.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TokenSpec {
    /// Pool id.
    pub pool: String,
    pub user: String,
    /// App client id (default: the pool's first client).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// `id` (default) or `access`.
    #[serde(default = "d_id")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    #[serde(default = "d_ttl")]
    pub ttl_secs: u64,
    /// Issue the token this many seconds before the request.
    #[serde(default)]
    pub issued_secs_ago: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tamper: Option<String>,
    /// Prefix with `Bearer ` (Cognito authorizers expect the bare token).
    #[serde(default)]
    pub bearer: bool,
    #[serde(default = "d_auth_header")]
    pub header: String,
}

/// A third-party token to attach.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IssuerTokenSpec {
    pub issuer: String,
    #[serde(default = "d_subject")]
    pub subject: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    #[serde(default = "d_ttl")]
    pub ttl_secs: u64,
    #[serde(default)]
    pub issued_secs_ago: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tamper: Option<String>,
    #[serde(default = "d_true")]
    pub bearer: bool,
    #[serde(default = "d_auth_header")]
    pub header: String,
}

fn d_id() -> String {
    "id".into()
}
fn d_ttl() -> u64 {
    3600
}
fn d_subject() -> String {
    "auth0|user-1".into()
}
fn d_true() -> bool {
    true
}
fn d_auth_header() -> String {
    "Authorization".into()
}

/// What a request should get.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Expect {
    /// Expected status; 0 means "no HTTP response".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// For `repeat`: the status of each repetition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_contains: Option<String>,
    /// Headers that must be present with these values (`""`: must be absent).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// `allowed` or `blocked` (the browser's CORS verdict).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// `hit`, `miss` or `disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<String>,
    /// Whether the Lambda authorizer ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_invoked: Option<bool>,
}

/// A traffic run with optional expectations on its totals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TrafficRun {
    #[serde(flatten)]
    pub spec: TrafficSpec,
    /// Expected totals by cause code or status class (`2xx`, `429`, `throttled` ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub expect: BTreeMap<String, u64>,
}

impl Scenario {
    /// Where the clock starts.
    pub fn start_time(&self) -> SimTime {
        self.start
            .as_deref()
            .and_then(|s| SimTime::parse_rfc3339(s).ok())
            .unwrap_or(DEFAULT_EPOCH)
    }

    /// Find a named request.
    pub fn request(&self, name: &str) -> Option<&ScenarioRequest> {
        self.requests.iter().find(|r| r.name == name)
    }

    /// Parse and validate a scenario file, reporting every problem with its position.
    pub fn parse(file: &str, src: &str) -> Result<Scenario, Diagnostics> {
        let s: Scenario = crate::diag::parse_toml(file, src)?;
        let out = Diagnostics(diagnostics_for(file, src, &s.problems()));
        out.into_result(s)
    }

    /// Every problem: (path, message, hint).
    pub fn problems(&self) -> Vec<(Vec<String>, String, String)> {
        let mut out = Vec::new();
        if !is_kebab(&self.id) {
            out.push((
                vec!["id".into()],
                format!("scenario id `{}` is not kebab-case", self.id),
                "use lower-case words joined by -".into(),
            ));
        }
        if let Some(s) = &self.start
            && SimTime::parse_rfc3339(s).is_err()
        {
            out.push((
                vec!["start".into()],
                format!("`{s}` is not an RFC 3339 time"),
                "e.g. \"2025-01-01T12:00:00Z\"".into(),
            ));
        }
        for p in self.gateway.problems() {
            let mut path = vec!["gateway".to_string()];
            path.extend(p.path);
            out.push((path, p.message, p.hint));
        }
        let mut names = std::collections::BTreeSet::new();
        for (i, r) in self.requests.iter().enumerate() {
            let at = |k: &str| vec!["requests".to_string(), i.to_string(), k.to_string()];
            if !names.insert(r.name.clone()) {
                out.push((
                    at("name"),
                    format!("request `{}` is defined twice", r.name),
                    "request names are unique".into(),
                ));
            }
            if !r.path.starts_with('/') {
                out.push((
                    at("path"),
                    format!("path `{}` must start with /", r.path),
                    "e.g. \"/prod/items\"".into(),
                ));
            }
            if let Some(ip) = &r.source_ip
                && ip.parse::<IpAddr>().is_err()
            {
                out.push((
                    at("source-ip"),
                    format!("`{ip}` is not an IP address"),
                    "e.g. \"198.51.100.7\"".into(),
                ));
            }
            if r.repeat == 0 {
                out.push((
                    at("repeat"),
                    "repeat must be at least 1".into(),
                    "remove it to send once".into(),
                ));
            }
            if !(r.wait_secs >= 0.0 && r.wait_secs.is_finite()) {
                out.push((
                    at("wait-secs"),
                    "wait-secs must be zero or more".into(),
                    "the clock only moves forward".into(),
                ));
            }
            if let Some(s) = &r.sign
                && !self.gateway.iam.iter().any(|p| p.name == s.identity)
            {
                out.push((
                    at("sign"),
                    format!("IAM identity `{}` is not defined", s.identity),
                    "add it under [[gateway.iam]]".into(),
                ));
            }
            if let Some(tk) = &r.token {
                match self.gateway.user_pools.iter().find(|p| p.id == tk.pool) {
                    None => out.push((
                        at("token"),
                        format!("user pool `{}` is not defined", tk.pool),
                        "use the id of a [[gateway.user-pools]] entry".into(),
                    )),
                    Some(p) => {
                        if !p.users.iter().any(|u| u.username == tk.user) {
                            out.push((
                                at("token"),
                                format!("user `{}` is not in pool `{}`", tk.user, tk.pool),
                                "add the user to the pool".into(),
                            ));
                        }
                    }
                }
                if tk.kind != "id" && tk.kind != "access" {
                    out.push((
                        at("token"),
                        format!("token kind `{}` is not id or access", tk.kind),
                        "use \"id\" or \"access\"".into(),
                    ));
                }
                if let Some(t) = &tk.tamper
                    && parse_tamper(t).is_none()
                {
                    out.push((
                        at("token"),
                        format!("unknown tamper `{t}`"),
                        TAMPER_HINT.into(),
                    ));
                }
            }
            if let Some(it) = &r.issuer_token {
                if !self.gateway.issuers.iter().any(|x| x.name == it.issuer) {
                    out.push((
                        at("issuer-token"),
                        format!("issuer `{}` is not defined", it.issuer),
                        "add it under [[gateway.issuers]]".into(),
                    ));
                }
                if let Some(t) = &it.tamper
                    && parse_tamper(t).is_none()
                {
                    out.push((
                        at("issuer-token"),
                        format!("unknown tamper `{t}`"),
                        TAMPER_HINT.into(),
                    ));
                }
            }
            if let Some(k) = &r.api_key
                && !self.gateway.api_keys.iter().any(|x| &x.name == k)
            {
                out.push((
                    at("api-key"),
                    format!("API key `{k}` is not defined"),
                    "add it under [[gateway.api-keys]]".into(),
                ));
            }
            if let Some(c) = &r.client_cert
                && !self.gateway.certificates.iter().any(|x| &x.name == c)
            {
                out.push((
                    at("client-cert"),
                    format!("certificate `{c}` is not defined"),
                    "add it under [[gateway.certificates]]".into(),
                ));
            }
            if let Some(e) = &r.expect {
                for (_, m, h) in e.problems(r.repeat) {
                    out.push((at("expect"), m, h));
                }
            }
        }
        for (i, t) in self.traffic.iter().enumerate() {
            for (p, m, h) in t.spec.validate() {
                let mut path = vec!["traffic".to_string(), i.to_string()];
                path.extend(p);
                out.push((path, m, h));
            }
            for c in &t.spec.clients {
                if self.request(&c.request).is_none() {
                    out.push((
                        vec!["traffic".into(), i.to_string(), "clients".into()],
                        format!("client request `{}` is not a named request", c.request),
                        "name one of the [[requests]]".into(),
                    ));
                }
            }
        }
        out
    }
}

const TAMPER_HINT: &str = "use alg-none, hs256-with-public-key, wrong-key, edit-claims, unknown-kid, non-canonical-base64 or strip-signature";

/// Parse a tamper name.
pub fn parse_tamper(s: &str) -> Option<Tamper> {
    Some(match s {
        "alg-none" => Tamper::AlgNone,
        "hs256-with-public-key" => Tamper::Hs256WithPublicKey,
        "wrong-key" => Tamper::WrongKey,
        "edit-claims" => Tamper::EditClaimsKeepSignature,
        "unknown-kid" => Tamper::UnknownKid,
        "non-canonical-base64" => Tamper::NonCanonicalBase64,
        "strip-signature" => Tamper::StripSignature,
        _ => return None,
    })
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Build the request a scenario entry describes, at virtual time `now`.
pub fn build_request(
    r: &ScenarioRequest,
    gw: &GatewayConfig,
    now: SimTime,
) -> Result<Request, String> {
    let mut req = Request::new(&r.method, &r.path);
    req.scheme = r.scheme.unwrap_or_default();
    req.tls_version = r.tls_version.unwrap_or_default();
    let host = r.host.clone().unwrap_or_else(|| gw.api.default_host());
    req.headers.push(("Host".into(), host));
    for (k, v) in &r.headers {
        req.headers.push((k.clone(), v.clone()));
    }
    req.body = r.body.clone();
    if let Some(ip) = &r.source_ip {
        req.source_ip = ip
            .parse()
            .map_err(|_| format!("`{ip}` is not an IP address"))?;
    }
    req.vpce = r.vpce.clone();
    req.vpc = r.vpc.clone().or_else(|| {
        r.vpce
            .as_ref()
            .and_then(|v| gw.api.vpc_endpoints.get(v).cloned())
    });
    req.client_cert = r.client_cert.clone();
    if let Some(o) = &r.origin {
        req.set_header("Origin", o);
    }
    req.browser_credentials = r.credentials;
    if let Some(k) = &r.api_key {
        let key = gw
            .api_keys
            .iter()
            .find(|x| &x.name == k)
            .ok_or_else(|| format!("API key `{k}` is not defined"))?;
        req.set_header("x-api-key", &key.value);
    }
    if let Some(tk) = &r.token {
        let pool = gw
            .user_pools
            .iter()
            .find(|p| p.id == tk.pool)
            .ok_or_else(|| format!("user pool `{}` is not defined", tk.pool))?;
        let user = pool
            .users
            .iter()
            .find(|u| u.username == tk.user)
            .ok_or_else(|| format!("user `{}` is not in the pool", tk.user))?;
        let client = match &tk.client {
            Some(c) => pool
                .clients
                .iter()
                .find(|x| &x.id == c)
                .ok_or_else(|| format!("app client `{c}` is not in the pool"))?,
            None => pool.clients.first().ok_or("the pool has no app client")?,
        };
        let issued = now.minus(SimDuration::from_secs(tk.issued_secs_ago));
        let token = if tk.kind == "access" {
            pool.issue_access_token(user, client, &tk.scopes, issued, tk.ttl_secs)
        } else {
            pool.issue_id_token(user, client, issued, tk.ttl_secs)
        };
        attach_token(&mut req, token, tk.tamper.as_deref(), tk.bearer, &tk.header)?;
    }
    if let Some(it) = &r.issuer_token {
        let iss = gw
            .issuers
            .iter()
            .find(|x| x.name == it.issuer)
            .ok_or_else(|| format!("issuer `{}` is not defined", it.issuer))?;
        let mut extra = serde_json::Map::new();
        if !it.groups.is_empty() {
            extra.insert("groups".into(), serde_json::json!(it.groups));
        }
        let issued = now.minus(SimDuration::from_secs(it.issued_secs_ago));
        let token = iss.issue(&it.subject, &extra, issued, it.ttl_secs);
        attach_token(&mut req, token, it.tamper.as_deref(), it.bearer, &it.header)?;
    }
    if let Some(s) = &r.sign {
        let who = gw
            .iam
            .iter()
            .find(|p| p.name == s.identity)
            .ok_or_else(|| format!("IAM identity `{}` is not defined", s.identity))?;
        let creds = SigningCredentials {
            access_key_id: who.access_key_id.clone(),
            secret_access_key: if s.wrong_secret {
                format!("{}WRONG", who.secret_access_key)
            } else {
                who.secret_access_key.clone()
            },
            session_token: who.session_token.clone(),
        };
        let opts = SignOptions {
            region: s.region.clone().unwrap_or_else(|| gw.api.region.clone()),
            service: s.service.clone().unwrap_or_else(|| "execute-api".into()),
            presign: s.presign,
            expires_secs: 300,
            signed_headers_extra: Vec::new(),
        };
        let at = if s.skew_secs >= 0 {
            now.plus(SimDuration::from_secs(s.skew_secs as u64))
        } else {
            now.minus(SimDuration::from_secs(s.skew_secs.unsigned_abs()))
        };
        sigv4::sign(&mut req, &creds, &opts, at);
    }
    Ok(req)
}

/// Tamper with a minted token if asked, then send it in `header`.
fn attach_token(
    req: &mut Request,
    token: String,
    tamper: Option<&str>,
    bearer: bool,
    header: &str,
) -> Result<(), String> {
    let token = match tamper {
        Some(t) => {
            let how = parse_tamper(t).ok_or_else(|| format!("unknown tamper `{t}`"))?;
            crate::gateway::jwt::tamper(&token, how, None).map_err(|e| e.to_string())?
        }
        None => token,
    };
    let value = if bearer {
        format!("Bearer {token}")
    } else {
        token
    };
    req.set_header(header, &value);
    Ok(())
}

/// The outcome of one request of a scenario.
#[derive(Clone, Debug)]
pub struct RequestResult {
    pub name: String,
    /// Repetition number (0-based).
    pub repetition: u32,
    pub at: SimTime,
    pub request: Request,
    pub outcome: Outcome,
    /// Expectation mismatches (empty: as expected or no expectation).
    pub mismatches: Vec<String>,
}

/// The outcome of one traffic run.
#[derive(Clone, Debug)]
pub struct TrafficResult {
    pub name: String,
    pub report: TrafficReport,
    pub mismatches: Vec<String>,
}

/// Everything a scenario run produced.
#[derive(Clone, Debug, Default)]
pub struct ScenarioRun {
    pub requests: Vec<RequestResult>,
    pub traffic: Vec<TrafficResult>,
}

impl ScenarioRun {
    /// All expectation mismatches, as `name: what`.
    pub fn failures(&self) -> Vec<String> {
        let mut v = Vec::new();
        for r in &self.requests {
            for m in &r.mismatches {
                v.push(format!(
                    "request {}{}: {m}",
                    r.name,
                    if r.repetition > 0 {
                        format!(" (#{})", r.repetition + 1)
                    } else {
                        String::new()
                    }
                ));
            }
        }
        for t in &self.traffic {
            for m in &t.mismatches {
                v.push(format!("traffic {}: {m}", t.name));
            }
        }
        v
    }
}

/// Run every named request in order on one gateway (state carries over), then
/// every traffic run on a fresh gateway each.
pub fn run(s: &Scenario) -> Result<ScenarioRun, String> {
    run_with(s, s.start_time(), s.seed)
}

/// As [`run`], with an explicit clock start and seed.
pub fn run_with(s: &Scenario, start: SimTime, seed: u64) -> Result<ScenarioRun, String> {
    let mut gw = Gateway::new(s.gateway.clone(), seed, start).map_err(|p| {
        p.into_iter()
            .map(|x| format!("{}: {}", x.path.join("."), x.message))
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let mut now = start;
    let mut out = ScenarioRun::default();
    for r in &s.requests {
        now = now.plus(SimDuration::from_millis(
            (r.wait_secs * 1000.0).round() as u64
        ));
        for rep in 0..r.repeat {
            let req = build_request(r, &s.gateway, now)?;
            let outcome = gw.handle(&req, now);
            let mismatches = r
                .expect
                .as_ref()
                .map(|e| check_expect(e, &outcome, rep))
                .unwrap_or_default();
            out.requests.push(RequestResult {
                name: r.name.clone(),
                repetition: rep,
                at: now,
                request: req,
                outcome,
                mismatches,
            });
        }
    }
    for t in &s.traffic {
        let report = run_traffic(s, &t.spec, start, seed)?;
        let mismatches = check_traffic(&t.expect, &report);
        out.traffic.push(TrafficResult {
            name: t.spec.name.clone(),
            report,
            mismatches,
        });
    }
    Ok(out)
}

/// A gateway plus the requests of a traffic run's clients.
pub struct ScenarioTarget {
    pub gateway: Gateway,
    templates: Vec<Request>,
}

impl ScenarioTarget {
    /// Prepare the clients of `spec` (requests built at `start`).
    pub fn new(
        s: &Scenario,
        spec: &TrafficSpec,
        start: SimTime,
        seed: u64,
    ) -> Result<ScenarioTarget, String> {
        let gateway = Gateway::new(s.gateway.clone(), seed, start).map_err(|p| {
            p.into_iter()
                .map(|x| x.message)
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        let mut templates = Vec::new();
        for c in &spec.clients {
            let r = s
                .request(&c.request)
                .ok_or_else(|| format!("client request `{}` is not a named request", c.request))?;
            templates.push(build_request(r, &s.gateway, start)?);
        }
        Ok(ScenarioTarget { gateway, templates })
    }
}

impl TrafficTarget for ScenarioTarget {
    fn fire(&mut self, client: usize, now: SimTime) -> Fired {
        let Some(req) = self.templates.get(client) else {
            return Fired {
                status: None,
                cause: "no-client",
                latency_ms: 0,
                authorizer_invoked: false,
                cache_hit: false,
            };
        };
        let q = self.gateway.handle_quick(req, now);
        Fired {
            status: q.status,
            cause: q.reason.code(),
            latency_ms: q.latency_ms,
            authorizer_invoked: q.authorizer_invoked,
            cache_hit: q.cache == CacheUse::Hit,
        }
    }
    fn gauge(&self, now: SimTime) -> Option<f64> {
        Some(self.gateway.main_gauge(now))
    }
}

/// Run one traffic spec of a scenario on a fresh gateway.
pub fn run_traffic(
    s: &Scenario,
    spec: &TrafficSpec,
    start: SimTime,
    seed: u64,
) -> Result<TrafficReport, String> {
    let mut target = ScenarioTarget::new(s, spec, start, seed)?;
    Ok(traffic::run(
        spec,
        &mut target,
        start,
        spec.seed.unwrap_or(seed),
    ))
}

/// Compare an outcome with an expectation; each mismatch is one sentence.
/// What an expectation can look at: implemented by the gateway's outcome and
/// by the lab's view of it, so scenarios, lab tasks and demos check alike.
pub trait Observed {
    fn status(&self) -> Option<u16>;
    fn status_text(&self) -> String;
    fn reason_code(&self) -> &str;
    fn decided_by(&self) -> Stage;
    fn body(&self) -> &str;
    fn header(&self, name: &str) -> Option<&str>;
    fn browser(&self) -> Option<&crate::gateway::outcome::BrowserVerdict>;
    fn authorizer_cache(&self) -> CacheUse;
    fn authorizer_invoked(&self) -> bool;
}

impl Observed for Outcome {
    fn status(&self) -> Option<u16> {
        self.status
    }
    fn status_text(&self) -> String {
        Outcome::status_text(self)
    }
    fn reason_code(&self) -> &str {
        self.reason.code()
    }
    fn decided_by(&self) -> Stage {
        self.decided_by
    }
    fn body(&self) -> &str {
        &self.body
    }
    fn header(&self, name: &str) -> Option<&str> {
        Outcome::header(self, name)
    }
    fn browser(&self) -> Option<&crate::gateway::outcome::BrowserVerdict> {
        self.browser.as_ref()
    }
    fn authorizer_cache(&self) -> CacheUse {
        self.authorizer_cache
    }
    fn authorizer_invoked(&self) -> bool {
        self.authorizer_invoked
    }
}

impl Expect {
    /// Values that cannot be right: (key, message, hint).
    pub fn problems(&self, repeat: u32) -> Vec<(&'static str, String, String)> {
        let mut v = Vec::new();
        if let Some(d) = &self.decided_by
            && Stage::from_id(d).is_none()
        {
            v.push((
                "decided-by",
                format!("unknown stage `{d}`"),
                format!("use one of: {}", Stage::ALL.map(|s| s.id()).join(", ")),
            ));
        }
        if let Some(c) = &self.reason
            && Reason::from_code(c).is_none()
        {
            v.push((
                "reason",
                format!("unknown reason `{c}`"),
                "see docs/scenarios.md for the reason codes".into(),
            ));
        }
        if self.status.is_some() && !self.statuses.is_empty() {
            v.push((
                "statuses",
                "give status or statuses, not both".into(),
                "statuses lists one status per repetition".into(),
            ));
        }
        if !self.statuses.is_empty() && self.statuses.len() != repeat as usize {
            v.push((
                "statuses",
                format!(
                    "{} statuses for {} repetitions",
                    self.statuses.len(),
                    repeat
                ),
                "give one status per repetition".into(),
            ));
        }
        if let Some(b) = &self.browser
            && b != "allowed"
            && b != "blocked"
        {
            v.push((
                "browser",
                format!("browser `{b}` is not allowed or blocked"),
                "use \"allowed\" or \"blocked\"".into(),
            ));
        }
        if let Some(c) = &self.cache
            && !["hit", "miss", "disabled", "not-applicable"].contains(&c.as_str())
        {
            v.push((
                "cache",
                format!("cache `{c}` is not hit, miss, disabled or not-applicable"),
                "e.g. cache = \"hit\"".into(),
            ));
        }
        v
    }
}

pub fn check_expect<O: Observed + ?Sized>(e: &Expect, o: &O, repetition: u32) -> Vec<String> {
    let mut v = Vec::new();
    let want_status = if e.statuses.is_empty() {
        e.status
    } else {
        e.statuses.get(repetition as usize).copied()
    };
    if let Some(want) = want_status {
        let got = o.status().unwrap_or(0);
        if got != want {
            let w = if want == 0 {
                "no HTTP response".to_string()
            } else {
                want.to_string()
            };
            v.push(format!(
                "expected status {w}, got {} ({})",
                o.status_text(),
                o.reason_code()
            ));
        }
    }
    // With one status per repetition, the other fields describe the last one.
    if !e.statuses.is_empty() && (repetition as usize) + 1 < e.statuses.len() {
        return v;
    }
    if let Some(d) = &e.decided_by
        && o.decided_by().id() != d
    {
        v.push(format!(
            "expected the {d} stage to decide, but {} did",
            o.decided_by().id()
        ));
    }
    if let Some(r) = &e.reason
        && o.reason_code() != r
    {
        v.push(format!("expected reason {r}, got {}", o.reason_code()));
    }
    if let Some(b) = &e.body
        && o.body() != b
    {
        v.push(format!("expected body {b}, got {}", o.body()));
    }
    if let Some(b) = &e.body_contains
        && !o.body().contains(b.as_str())
    {
        v.push(format!(
            "expected the body to contain {b:?}, got {}",
            o.body()
        ));
    }
    for (k, want) in &e.headers {
        match (o.header(k), want.is_empty()) {
            (Some(got), true) => v.push(format!("expected no {k} header, got {got:?}")),
            (None, false) => v.push(format!("expected header {k}: {want}, it is absent")),
            (Some(got), false) if got != want => {
                v.push(format!("expected header {k}: {want}, got {got}"))
            }
            _ => {}
        }
    }
    if let Some(b) = &e.browser {
        let got = match o.browser() {
            Some(bv) if bv.allowed => "allowed",
            Some(_) => "blocked",
            None => "no verdict (no Origin header)",
        };
        if got != b {
            v.push(format!("expected the browser verdict {b}, got {got}"));
        }
    }
    if let Some(c) = &e.cache {
        let got = match o.authorizer_cache() {
            CacheUse::Hit => "hit",
            CacheUse::Miss => "miss",
            CacheUse::Disabled => "disabled",
            CacheUse::NotApplicable => "not-applicable",
        };
        if got != c {
            v.push(format!("expected authorizer cache {c}, got {got}"));
        }
    }
    if let Some(i) = e.authorizer_invoked
        && o.authorizer_invoked() != i
    {
        v.push(format!(
            "expected the Lambda authorizer {}to run",
            if i { "" } else { "not " }
        ));
    }
    v
}

/// Compare traffic totals with expectations keyed by cause or status class.
pub fn check_traffic(expect: &BTreeMap<String, u64>, r: &TrafficReport) -> Vec<String> {
    let mut v = Vec::new();
    for (k, want) in expect {
        let got = traffic_total(r, k);
        match got {
            None => v.push(format!("unknown total `{k}` (use sent, 2xx, 4xx, 429, 5xx, no-response, authorizer-invocations, cache-hits or a reason code)")),
            Some(g) if g != *want => v.push(format!("expected {k} = {want}, got {g}")),
            _ => {}
        }
    }
    v
}

/// A total of a traffic report by name.
pub fn traffic_total(r: &TrafficReport, k: &str) -> Option<u64> {
    let t = &r.totals;
    Some(match k {
        "sent" => t.sent,
        "2xx" => t.ok_2xx,
        "4xx" => t.s4xx,
        "429" => t.s429,
        "5xx" => t.s5xx,
        "no-response" => t.no_response,
        "authorizer-invocations" => r.authorizer_invocations,
        "cache-hits" => t.cache_hits,
        code => {
            Reason::from_code(code)?;
            t.by_cause.get(code).copied().unwrap_or(0)
        }
    })
}

/// Turn a list of diagnostics-with-path problems into `Diagnostic`s for a file.
pub fn diagnostics_for(
    file: &str,
    src: &str,
    problems: &[(Vec<String>, String, String)],
) -> Vec<Diagnostic> {
    let loc = TomlLocator::new(src);
    problems
        .iter()
        .map(|(p, m, h)| {
            let path: Vec<PathSeg> = p
                .iter()
                .map(|seg| match seg.parse::<usize>() {
                    Ok(i) => PathSeg::Index(i),
                    Err(_) => PathSeg::Key(seg.clone()),
                })
                .collect();
            loc.diag(file, &path, m.clone()).with_hint(h.clone())
        })
        .collect()
}
