//! The request pipeline: every stage in the order API Gateway runs it
//! (fidelity spec §1.2), each writing what it looked at into the trace.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::IpAddr;
use std::rc::Rc;

use ipnet::IpNet;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use regex::Regex;
use serde::Serialize;

use super::config::*;
use super::cors;
use super::outcome::{
    BrowserVerdict, CacheUse, FullTrace, NoTrace, Stage, StepResult, Trace, TraceStep,
};
use super::policy::{
    Caller, Decision, Effect, OneOrMany, PolicyContext, PolicyDocument, Statement, parse_ip_or_cidr,
};
use super::quota::QuotaCounter;
use super::reason::{Reason, status_phrase};
use super::request::{Request, Scheme};
use super::sigv4;
use super::throttle::TokenBucket;
use super::time::SimTime;
use super::waf_detect;

/// Simulated gateway overhead added to every answered request.
const GATEWAY_OVERHEAD_MS: u32 = 4;
/// Extra latency when a web ACL inspects the request.
const WAF_OVERHEAD_MS: u32 = 1;
/// Longest method ARN an authorizer-protected method accepts.
const MAX_METHOD_ARN_BYTES: usize = 1600;
/// The simulated Amazon IP reputation list (documentation address ranges).
pub const IP_REPUTATION_LIST: &[&str] = &[
    "198.51.100.66/32",
    "203.0.113.66/32",
    "203.0.113.99/32",
    "198.51.100.200/29",
];
/// Lambda price: $0.20 per million requests plus $0.0000166667 per GB-second
/// (x86, us-east-1; https://aws.amazon.com/lambda/pricing/, approximate).
const LAMBDA_PRICE_PER_REQUEST: f64 = 0.20 / 1_000_000.0;
const LAMBDA_PRICE_PER_GB_SECOND: f64 = 0.000_016_666_7;
/// Memory of the simulated authorizer functions.
const LAMBDA_MEMORY_GB: f64 = 0.128;

/// What the gateway answered, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// HTTP status, or None when the client gets no HTTP response (plain HTTP,
    /// TLS handshake failure, a name that does not resolve to the API).
    pub status: Option<u16>,
    pub body: String,
    pub headers: Vec<(String, String)>,
    pub decided_by: Stage,
    pub reason: Reason,
    pub trace: Vec<TraceStep>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser: Option<BrowserVerdict>,
    /// Simulated latency as the client sees it.
    pub latency_ms: u32,
    pub authorizer_cache: CacheUse,
    /// Whether a Lambda authorizer function ran for this request.
    pub authorizer_invoked: bool,
    pub request_id: String,
}

impl Outcome {
    /// `403 Forbidden`, or `no HTTP response`.
    pub fn status_text(&self) -> String {
        match self.status {
            Some(s) => {
                let p = status_phrase(s);
                if p.is_empty() {
                    s.to_string()
                } else {
                    format!("{s} {p}")
                }
            }
            None => "no HTTP response".to_string(),
        }
    }
    /// First value of a response header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The cheap result of a request in a traffic run (no strings built).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quick {
    pub status: Option<u16>,
    pub reason: Reason,
    pub decided_by: Stage,
    pub latency_ms: u32,
    pub cache: CacheUse,
    pub authorizer_invoked: bool,
}

/// Running totals since the gateway was built.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    pub requests: u64,
    pub lambda_invocations: u64,
    pub lambda_ms: u64,
    pub cache_hits: u64,
    pub cache_misses: u64,
}

impl Stats {
    /// Approximate cost of the authorizer invocations so far, in US dollars.
    pub fn lambda_cost_usd(&self) -> f64 {
        lambda_cost(self.lambda_invocations, self.lambda_ms)
    }
}

/// Lambda cost for `n` invocations that ran `ms` milliseconds in total.
pub fn lambda_cost(n: u64, ms: u64) -> f64 {
    n as f64 * LAMBDA_PRICE_PER_REQUEST
        + (ms as f64 / 1000.0) * LAMBDA_MEMORY_GB * LAMBDA_PRICE_PER_GB_SECOND
}

/// One simulated API Gateway REST API stage with its state (caches, buckets,
/// counters). Build it from a validated configuration.
pub struct Gateway {
    cfg: GatewayConfig,
    routes: Vec<CompiledRoute>,
    regexes: Vec<Option<Regex>>,
    ip_sets: BTreeMap<String, Vec<IpNet>>,
    reputation: Vec<IpNet>,
    lambda_cidrs: Vec<Vec<IpNet>>,
    /// WAF rule indexes in priority order.
    waf_order: Vec<usize>,
    /// Authorizers shared cheaply with per-request code.
    authorizers: Vec<Rc<AuthorizerConfig>>,
    /// Index of each route's authorizer.
    route_authorizer: Vec<Option<usize>>,
    stage_arn_prefix: String,
    masked_arn_prefix: String,
    default_host: String,
    stage_prefix: String,
    state: State,
}

struct CompiledRoute {
    segs: Vec<Seg>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Lit(String),
    Param,
    Greedy,
}

struct State {
    rng: ChaCha8Rng,
    request_counter: u64,
    stats: Stats,
    account_bucket: TokenBucket,
    stage_bucket: Option<TokenBucket>,
    method_buckets: Vec<Option<TokenBucket>>,
    /// (plan, key) -> bucket
    key_buckets: HashMap<(usize, usize), TokenBucket>,
    /// (plan, key, route) -> bucket
    key_method_buckets: HashMap<(usize, usize, usize), TokenBucket>,
    quotas: HashMap<(usize, usize), QuotaCounter>,
    /// (authorizer, cache key) -> entry
    auth_cache: HashMap<usize, HashMap<String, CacheEntry>>,
    /// (rule, ip) -> per-second counts in the window
    waf_rates: HashMap<(usize, IpAddr), VecDeque<(u64, u32)>>,
}

#[derive(Clone, Debug)]
struct CacheEntry {
    expires: SimTime,
    result: AuthResult,
}

/// What an authorizer established about the caller.
#[derive(Clone, Debug)]
enum AuthResult {
    /// A Lambda authorizer's policy.
    Lambda(Rc<LambdaPolicy>),
    /// A validated Cognito token.
    Cognito(Rc<CognitoCaller>),
}

#[derive(Clone, Debug)]
struct LambdaPolicy {
    principal_id: String,
    policy: PolicyDocument,
    context: BTreeMap<String, String>,
    usage_key: Option<String>,
}

#[derive(Clone, Debug)]
struct CognitoCaller {
    summary: String,
    username: String,
    scopes: Vec<String>,
    token_use: String,
}

/// Where the request entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    Default,
    Domain(usize),
}

/// How a request ended.
enum End {
    NoResponse,
    /// A gateway response of the reason's type with this message.
    Gateway {
        message: Cow<'static, str>,
        capital_m: bool,
    },
    /// A fixed response (WAF custom response, mTLS failures, 414 ...).
    Fixed {
        status: u16,
        body: Cow<'static, str>,
        headers: Vec<(String, String)>,
    },
    /// The integration answered (or failed).
    Integration {
        route: usize,
        status: u16,
        failed: bool,
    },
}

struct Verdict {
    stage: Stage,
    reason: Reason,
    end: End,
}

/// Facts gathered along the way.
#[derive(Default)]
struct Ctx {
    via: Option<Via>,
    stage_path: String,
    route: Option<usize>,
    /// The full method ARN; `arn_suffix` is where `{VERB}/{path}` starts.
    arn: String,
    arn_suffix: usize,
    caller: Option<Caller>,
    principal_id: Option<String>,
    lambda: Option<Rc<LambdaPolicy>>,
    api_key: Option<usize>,
    /// The resource policy's verdict for an anonymous caller, once computed.
    rp_anonymous: Option<(Decision, Option<usize>)>,
    latency_ms: u32,
    cache: CacheUse,
    invoked: bool,
    waf_inspected: bool,
}

type Early = Result<(), Verdict>;

fn stop(stage: Stage, reason: Reason, message: impl Into<Cow<'static, str>>) -> Verdict {
    Verdict {
        stage,
        reason,
        end: End::Gateway {
            message: message.into(),
            capital_m: false,
        },
    }
}

fn deny_m(stage: Stage, reason: Reason, message: String) -> Verdict {
    Verdict {
        stage,
        reason,
        end: End::Gateway {
            message: Cow::Owned(message),
            capital_m: true,
        },
    }
}

fn no_response(stage: Stage, reason: Reason) -> Verdict {
    Verdict {
        stage,
        reason,
        end: End::NoResponse,
    }
}

fn forbidden_fixed(stage: Stage, reason: Reason) -> Verdict {
    Verdict {
        stage,
        reason,
        end: End::Fixed {
            status: 403,
            body: Cow::Borrowed("{\"message\":\"Forbidden\"}"),
            headers: Vec::new(),
        },
    }
}

impl Gateway {
    /// Build a gateway from a configuration, refusing it with every problem
    /// found. `seed` drives the simulated integration failures.
    pub fn new(cfg: GatewayConfig, seed: u64, now: SimTime) -> Result<Gateway, Vec<ConfigProblem>> {
        let problems = cfg.problems();
        if !problems.is_empty() {
            return Err(problems);
        }
        let routes = cfg
            .routes
            .iter()
            .map(|r| CompiledRoute {
                segs: r
                    .path
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        if s.starts_with('{') && s.ends_with("+}") {
                            Seg::Greedy
                        } else if s.starts_with('{') && s.ends_with('}') {
                            Seg::Param
                        } else {
                            Seg::Lit(s.to_string())
                        }
                    })
                    .collect(),
            })
            .collect();
        let regexes = cfg
            .authorizers
            .iter()
            .map(|a| {
                a.validation_regex
                    .as_deref()
                    .and_then(|r| Regex::new(r).ok())
            })
            .collect();
        let ip_sets = cfg
            .waf
            .iter()
            .flat_map(|w| w.ip_sets.iter())
            .map(|s| {
                (
                    s.name.clone(),
                    s.addresses
                        .iter()
                        .filter_map(|a| parse_ip_or_cidr(a))
                        .collect(),
                )
            })
            .collect();
        let reputation = IP_REPUTATION_LIST
            .iter()
            .filter_map(|a| parse_ip_or_cidr(a))
            .collect();
        let lambda_cidrs = cfg
            .authorizers
            .iter()
            .map(|a| {
                a.function
                    .iter()
                    .flat_map(|f| f.cidrs.iter())
                    .filter_map(|c| parse_ip_or_cidr(c))
                    .collect()
            })
            .collect();
        let mut waf_order: Vec<usize> =
            (0..cfg.waf.as_ref().map_or(0, |w| w.rules.len())).collect();
        if let Some(w) = &cfg.waf {
            waf_order.sort_by_key(|&i| w.rules[i].priority);
        }
        let authorizers: Vec<Rc<AuthorizerConfig>> =
            cfg.authorizers.iter().cloned().map(Rc::new).collect();
        let route_authorizer = cfg
            .routes
            .iter()
            .map(|r| {
                r.authorizer
                    .as_ref()
                    .and_then(|n| cfg.authorizers.iter().position(|a| &a.name == n))
            })
            .collect();
        let api = &cfg.api;
        let default_host = api.default_host();
        let stage_prefix = format!("/{}", api.stage);
        let stage_arn_prefix = format!(
            "arn:aws:execute-api:{}:{}:{}/{}/",
            api.region, api.account, api.id, api.stage
        );
        let masked_arn_prefix = format!(
            "arn:aws:execute-api:{}:{}:{}/{}/",
            api.region,
            api.masked_account(),
            api.id,
            api.stage
        );
        let state = State {
            rng: ChaCha8Rng::seed_from_u64(seed),
            request_counter: 0,
            stats: Stats::default(),
            account_bucket: TokenBucket::new(cfg.throttle.account, now),
            stage_bucket: cfg.throttle.stage.map(|s| TokenBucket::new(s, now)),
            method_buckets: cfg
                .routes
                .iter()
                .map(|r| r.throttle.map(|t| TokenBucket::new(t, now)))
                .collect(),
            key_buckets: HashMap::new(),
            key_method_buckets: HashMap::new(),
            quotas: HashMap::new(),
            auth_cache: HashMap::new(),
            waf_rates: HashMap::new(),
        };
        Ok(Gateway {
            cfg,
            routes,
            regexes,
            ip_sets,
            reputation,
            lambda_cidrs,
            waf_order,
            authorizers,
            route_authorizer,
            stage_arn_prefix,
            masked_arn_prefix,
            default_host,
            stage_prefix,
            state,
        })
    }

    /// The configuration this gateway runs.
    pub fn config(&self) -> &GatewayConfig {
        &self.cfg
    }

    /// Totals since the gateway was built.
    pub fn stats(&self) -> Stats {
        self.state.stats
    }

    /// Token levels for charts: (label, tokens, capacity) of each live bucket.
    pub fn bucket_levels(&self, now: SimTime) -> Vec<(String, f64, u32)> {
        let mut v = vec![(
            "account".to_string(),
            self.state.account_bucket.level(now),
            self.state.account_bucket.settings().burst,
        )];
        if let Some(b) = &self.state.stage_bucket {
            v.push(("stage".into(), b.level(now), b.settings().burst));
        }
        for (i, b) in self.state.method_buckets.iter().enumerate() {
            if let Some(b) = b {
                let r = &self.cfg.routes[i];
                v.push((
                    format!("{} {}", r.method, r.path),
                    b.level(now),
                    b.settings().burst,
                ));
            }
        }
        let mut keys: Vec<_> = self.state.key_buckets.iter().collect();
        keys.sort_by_key(|(k, _)| **k);
        for ((p, k), b) in keys {
            v.push((
                format!(
                    "key {} ({})",
                    self.cfg.api_keys[*k].name, self.cfg.usage_plans[*p].name
                ),
                b.level(now),
                b.settings().burst,
            ));
        }
        v
    }

    /// The level of the most specific bucket a request would hit first, for
    /// traffic charts: a per-key bucket if any exists, else a method or stage
    /// bucket, else the account bucket.
    pub fn main_gauge(&self, now: SimTime) -> f64 {
        if let Some((_, b)) = self.state.key_buckets.iter().min_by_key(|(k, _)| **k) {
            return b.level(now);
        }
        if let Some(b) = self.state.method_buckets.iter().flatten().next() {
            return b.level(now);
        }
        if let Some(b) = &self.state.stage_bucket {
            return b.level(now);
        }
        self.state.account_bucket.level(now)
    }

    /// Remaining quota of each (plan, key) that has been used.
    pub fn quota_levels(&self, now: SimTime) -> Vec<(String, u64)> {
        let mut v: Vec<_> = self
            .state
            .quotas
            .iter()
            .map(|((p, k), q)| {
                (
                    format!(
                        "key {} ({})",
                        self.cfg.api_keys[*k].name, self.cfg.usage_plans[*p].name
                    ),
                    q.remaining(now),
                )
            })
            .collect();
        v.sort();
        v
    }

    /// Handle one request at `now` and explain every step.
    pub fn handle(&mut self, req: &Request, now: SimTime) -> Outcome {
        let mut trace = FullTrace::default();
        let mut ctx = Ctx::default();
        let verdict = self.decide(req, now, &mut ctx, &mut trace);
        let (status, body, mut headers) = self.render(req, &verdict, &ctx);
        let mut browser = None;
        if req.header("origin").is_some()
            && !cors::is_preflight(req)
            && verdict.reason != Reason::PlainHttp
        {
            browser = Some(self.browser_check(req, now, status, &headers, &mut trace));
        } else if cors::is_preflight(req) && status.is_some() {
            trace.step(Stage::Cors, StepResult::Info, || {
                if headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("access-control-allow-origin")) {
                    "preflight answered with Access-Control-Allow-* headers".to_string()
                } else {
                    "preflight answered without Access-Control-Allow-Origin: a browser would block the call".to_string()
                }
            });
        }
        if status.is_some() {
            headers.push(("x-amzn-RequestId".into(), self.request_id()));
        }
        let request_id = self.request_id();
        Outcome {
            status,
            body,
            headers,
            decided_by: verdict.stage,
            reason: verdict.reason,
            trace: trace.0,
            browser,
            latency_ms: if status.is_some() {
                ctx.latency_ms + GATEWAY_OVERHEAD_MS
            } else {
                0
            },
            authorizer_cache: ctx.cache,
            authorizer_invoked: ctx.invoked,
            request_id,
        }
    }

    /// Handle one request without building explanations or bodies (traffic runs).
    pub fn handle_quick(&mut self, req: &Request, now: SimTime) -> Quick {
        let mut ctx = Ctx::default();
        let v = self.decide(req, now, &mut ctx, &mut NoTrace);
        let status = match &v.end {
            End::NoResponse => None,
            End::Fixed { status, .. } => Some(*status),
            End::Integration { status, failed, .. } => Some(if *failed {
                self.failure_status(&ctx)
            } else {
                *status
            }),
            End::Gateway { .. } => Some(self.gateway_status(v.reason)),
        };
        Quick {
            status,
            reason: v.reason,
            decided_by: v.stage,
            latency_ms: if status.is_some() {
                ctx.latency_ms + GATEWAY_OVERHEAD_MS
            } else {
                0
            },
            cache: ctx.cache,
            authorizer_invoked: ctx.invoked,
        }
    }

    fn request_id(&self) -> String {
        // Deterministic, UUID-shaped.
        let n = self.state.request_counter;
        format!(
            "{:08x}-0000-4000-8000-{:012x}",
            (n.wrapping_mul(2_654_435_761)) & 0xffff_ffff,
            n
        )
    }

    fn failure_status(&self, ctx: &Ctx) -> u16 {
        match ctx.route.map(|r| self.cfg.routes[r].integration.kind) {
            Some(k) if k.is_proxy() => 502,
            _ => self.gateway_status(Reason::IntegrationFailure),
        }
    }

    /// The whole decision.
    fn decide<T: Trace>(
        &mut self,
        req: &Request,
        now: SimTime,
        ctx: &mut Ctx,
        t: &mut T,
    ) -> Verdict {
        self.state.request_counter += 1;
        self.state.stats.requests += 1;
        match self.run_stages(req, now, ctx, t) {
            Ok(v) | Err(v) => v,
        }
    }

    /// Every stage in order; `Err` ends the request early, `Ok` is the integration's answer.
    fn run_stages<T: Trace>(
        &mut self,
        req: &Request,
        now: SimTime,
        ctx: &mut Ctx,
        t: &mut T,
    ) -> Result<Verdict, Verdict> {
        self.endpoint(req, ctx, t)?;
        self.tls(req, ctx, t)?;
        self.mtls(req, now, ctx, t)?;
        self.waf(req, now, ctx, t)?;
        self.routing(req, ctx, t)?;
        let route = ctx.route.unwrap_or(0);
        let auth = self.cfg.routes[route].authorization;
        if auth != AuthorizationType::None && ctx.arn.len() > MAX_METHOD_ARN_BYTES {
            t.step(Stage::Authorizer, StepResult::Fail, || {
                format!("the method ARN is longer than {MAX_METHOD_ARN_BYTES} bytes: 414 Request URI too long")
            });
            return Err(Verdict {
                stage: Stage::Authorizer,
                reason: Reason::MethodArnTooLong,
                end: End::Fixed {
                    status: 414,
                    body: Cow::Borrowed("{\"message\":\"Request URI too long\"}"),
                    headers: Vec::new(),
                },
            });
        }
        match auth {
            AuthorizationType::None => self.auth_none(req, now, ctx, t)?,
            AuthorizationType::AwsIam => self.auth_iam(req, now, ctx, t)?,
            AuthorizationType::CognitoUserPools => self.auth_cognito(req, now, ctx, t)?,
            AuthorizationType::Custom => self.auth_lambda(req, now, ctx, t)?,
        }
        self.usage_plan(req, now, ctx, t)?;
        self.throttle(now, ctx, t)?;
        self.validate(req, ctx, t)?;
        Ok(self.integrate(req, ctx, t))
    }

    // ----- Endpoint, TLS, mTLS -------------------------------------------------

    fn endpoint<T: Trace>(&self, req: &Request, ctx: &mut Ctx, t: &mut T) -> Early {
        let api = &self.cfg.api;
        if req.scheme == Scheme::Http {
            t.step(Stage::Endpoint, StepResult::Fail, || {
                "plain http:// — API Gateway only serves HTTPS; the client gets no HTTP response \
                 (refused or timed out; the exact symptom is UNCONFIRMED)"
                    .into()
            });
            return Err(no_response(Stage::Endpoint, Reason::PlainHttp));
        }
        let default_host = self.default_host.as_str();
        let host: &str = req.header("host").map(host_only).unwrap_or(default_host);
        if api.endpoint_type == EndpointType::Private && req.vpce.is_none() {
            t.step(Stage::Endpoint, StepResult::Fail, || {
                format!(
                    "{} is a private API: it is reachable only through an interface VPC endpoint, \
                     and this request did not come through one (no HTTP response)",
                    api.name
                )
            });
            return Err(no_response(Stage::Endpoint, Reason::PrivateApiNotReachable));
        }
        let path = req.path();
        let vpce_host = req
            .vpce
            .as_ref()
            .map(|v| format!("{}-{v}.execute-api.{}.amazonaws.com", api.id, api.region));
        if host.eq_ignore_ascii_case(default_host)
            || vpce_host.is_some_and(|v| v.eq_ignore_ascii_case(host))
        {
            if api.disable_execute_api_endpoint {
                t.step(Stage::Endpoint, StepResult::Fail, || {
                    format!(
                        "the default endpoint {default_host} is disabled (disable-execute-api-endpoint); \
                         clients must use a custom domain. 403 Forbidden (body UNCONFIRMED)"
                    )
                });
                return Err(forbidden_fixed(
                    Stage::Endpoint,
                    Reason::DefaultEndpointDisabled,
                ));
            }
            let rest = match path.strip_prefix(self.stage_prefix.as_str()) {
                Some("") => "/",
                Some(r) if r.starts_with('/') => r,
                _ => {
                    t.step(Stage::Endpoint, StepResult::Fail, || {
                        format!(
                            "on the default endpoint the path starts with the stage name; `{path}` does not start \
                             with /{}. 403 Forbidden (body UNCONFIRMED)",
                            api.stage
                        )
                    });
                    return Err(forbidden_fixed(Stage::Endpoint, Reason::StageNotFound));
                }
            };
            ctx.via = Some(Via::Default);
            ctx.stage_path = rest.to_string();
            t.step(Stage::Endpoint, StepResult::Pass, || {
                format!(
                    "HTTPS to the default endpoint {default_host}, stage {} → path {rest}",
                    api.stage
                )
            });
            return Ok(());
        }
        let Some(di) = self
            .cfg
            .custom_domains
            .iter()
            .position(|d| d.name.eq_ignore_ascii_case(host))
        else {
            t.step(Stage::Endpoint, StepResult::Fail, || {
                format!("host `{host}` is neither {default_host} nor a custom domain of this API: DNS does not lead here (no HTTP response)")
            });
            return Err(no_response(Stage::Endpoint, Reason::UnknownHost));
        };
        let d = &self.cfg.custom_domains[di];
        // Longest matching base path wins; an empty base path is `(none)`.
        let mut best: Option<(&BasePathMapping, &str)> = None;
        for m in &d.mappings {
            let bp = m.base_path.trim_matches('/');
            let rest = if bp.is_empty() {
                Some(path)
            } else {
                path.strip_prefix('/')
                    .and_then(|p| p.strip_prefix(bp))
                    .filter(|r| r.is_empty() || r.starts_with('/'))
            };
            if let Some(rest) = rest
                && best.is_none_or(|(b, _)| b.base_path.trim_matches('/').len() < bp.len())
            {
                best = Some((m, rest));
            }
        }
        let Some((m, rest)) = best else {
            t.step(Stage::Endpoint, StepResult::Fail, || {
                format!(
                    "no base-path mapping of {} matches `{path}`: 403 Missing Authentication Token",
                    d.name
                )
            });
            return Err(stop(
                Stage::Endpoint,
                Reason::NoBasePathMapping,
                "Missing Authentication Token",
            ));
        };
        let rest = if rest.is_empty() { "/" } else { rest };
        ctx.via = Some(Via::Domain(di));
        ctx.stage_path = rest.to_string();
        t.step(Stage::Endpoint, StepResult::Pass, || {
            let bp = if m.base_path.is_empty() {
                "(none)".to_string()
            } else {
                m.base_path.clone()
            };
            format!(
                "HTTPS to custom domain {} (base path {bp} → stage {}) → path {rest}",
                d.name, m.stage
            )
        });
        Ok(())
    }

    fn tls<T: Trace>(&self, req: &Request, ctx: &mut Ctx, t: &mut T) -> Early {
        let policy: &str = match ctx.via {
            Some(Via::Domain(i)) => self.cfg.custom_domains[i].security_policy.as_str(),
            _ => match &self.cfg.api.security_policy {
                Some(p) => p.as_str(),
                None => match self.cfg.api.endpoint_type {
                    EndpointType::Private => "TLS_1_2",
                    _ => "TLS_1_0",
                },
            },
        };
        let what = || match ctx.via {
            Some(Via::Domain(i)) => format!("custom domain {}", self.cfg.custom_domains[i].name),
            _ if self.cfg.api.security_policy.is_some() => "the API's endpoint".to_string(),
            _ => format!(
                "the {} default endpoint (fixed policy)",
                self.cfg.api.endpoint_type.label()
            ),
        };
        let ok = policy_accepts(policy, req.tls_version).unwrap_or(true);
        if !ok {
            t.step(Stage::Tls, StepResult::Fail, || {
                format!(
                    "{} offered by the client is below security policy {policy} of {}: the handshake fails, no HTTP response",
                    req.tls_version,
                    what()
                )
            });
            return Err(no_response(Stage::Tls, Reason::TlsVersionRejected));
        }
        t.step(Stage::Tls, StepResult::Pass, || {
            format!(
                "{} accepted by security policy {policy} of {}",
                req.tls_version,
                what()
            )
        });
        Ok(())
    }

    fn mtls<T: Trace>(&self, req: &Request, now: SimTime, ctx: &mut Ctx, t: &mut T) -> Early {
        let domain = match ctx.via {
            Some(Via::Domain(i)) => Some(&self.cfg.custom_domains[i]),
            _ => None,
        };
        let Some(mt) = domain.and_then(|d| d.mutual_tls.as_ref()) else {
            if T::ENABLED {
                let guarded: Vec<&str> = self
                    .cfg
                    .custom_domains
                    .iter()
                    .filter(|d| d.mutual_tls.is_some())
                    .map(|d| d.name.as_str())
                    .collect();
                if ctx.via == Some(Via::Default) && !guarded.is_empty() {
                    t.step(Stage::Mtls, StepResult::Info, || {
                        format!(
                            "mutual TLS is required on {}, but this request used the default execute-api endpoint, \
                             which never asks for a client certificate: mTLS is bypassed. Disable the default endpoint to close this.",
                            guarded.join(", ")
                        )
                    });
                } else {
                    t.step(Stage::Mtls, StepResult::Skip, || {
                        "no mutual TLS on this endpoint".into()
                    });
                }
            }
            return Ok(());
        };
        let Some(name) = &req.client_cert else {
            t.step(Stage::Mtls, StepResult::Fail, || {
                "mutual TLS is required and the client sent no certificate: 403 Forbidden (body UNCONFIRMED)".into()
            });
            return Err(forbidden_fixed(Stage::Mtls, Reason::MtlsNoCertificate));
        };
        let certs = &self.cfg.certificates;
        let Some(leaf) = certs.iter().find(|c| &c.name == name) else {
            t.step(Stage::Mtls, StepResult::Fail, || {
                format!("client certificate `{name}` was issued by no CA the simulator knows: Could not find issuer for certificate")
            });
            return Err(forbidden_fixed(Stage::Mtls, Reason::MtlsUntrusted));
        };
        // Walk the chain up to a truststore certificate (max chain length 4).
        let mut chain = vec![leaf];
        let mut cur = leaf;
        let mut trusted = mt.truststore.contains(&cur.name);
        while !trusted && chain.len() < 4 {
            if cur.issuer == cur.name {
                break;
            }
            match certs.iter().find(|c| c.name == cur.issuer) {
                Some(next) => {
                    chain.push(next);
                    cur = next;
                    trusted = mt.truststore.contains(&cur.name);
                }
                None => break,
            }
        }
        if !trusted {
            let self_signed = leaf.issuer == leaf.name;
            t.step(Stage::Mtls, StepResult::Fail, || {
                if self_signed {
                    format!("`{}` is a self-signed certificate that is not in the truststore: Access denied. Reason: self signed certificate", leaf.subject)
                } else {
                    format!("no CA in the truststore ({}) issued `{}`: Access denied. Reason: Could not find issuer for certificate", mt.truststore.join(", "), leaf.subject)
                }
            });
            return Err(forbidden_fixed(Stage::Mtls, Reason::MtlsUntrusted));
        }
        for c in &chain {
            let nb = SimTime::parse_rfc3339(&c.not_before).unwrap_or(SimTime(0));
            let na = SimTime::parse_rfc3339(&c.not_after).unwrap_or(SimTime(0));
            if now < nb || now > na {
                t.step(Stage::Mtls, StepResult::Fail, || {
                    format!(
                        "certificate `{}` is valid from {} to {}; now is {now}: expired or not yet valid, 403 Forbidden",
                        c.subject, c.not_before, c.not_after
                    )
                });
                return Err(forbidden_fixed(Stage::Mtls, Reason::MtlsExpired));
            }
            if c.signature == SignatureHash::Sha1 || c.key == KeyAlgorithm::Rsa1024 {
                t.step(Stage::Mtls, StepResult::Fail, || {
                    format!("certificate `{}` uses {:?}/{:?}: Access denied. Reason: Client cert using an insecure Signature Algorithm", c.subject, c.key, c.signature)
                });
                return Err(forbidden_fixed(Stage::Mtls, Reason::MtlsInsecureAlgorithm));
            }
        }
        t.step(Stage::Mtls, StepResult::Pass, || {
            let names: Vec<&str> = chain.iter().map(|c| c.subject.as_str()).collect();
            format!(
                "client certificate chain {} ends at a truststore CA and is within its validity",
                names.join(" ← ")
            )
        });
        if leaf.revoked {
            t.note(|| "this certificate is revoked, but API Gateway does not check revocation: check it in a Lambda authorizer".into());
        }
        Ok(())
    }

    // ----- WAF -------------------------------------------------------------------

    fn waf<T: Trace>(&mut self, req: &Request, now: SimTime, ctx: &mut Ctx, t: &mut T) -> Early {
        let Some(w) = self.cfg.waf.as_ref().filter(|w| w.enabled) else {
            t.step(Stage::Waf, StepResult::Skip, || {
                "no web ACL is associated with the stage".into()
            });
            return Ok(());
        };
        ctx.waf_inspected = true;
        ctx.latency_ms += WAF_OVERHEAD_MS;
        for &i in &self.waf_order {
            let r = &w.rules[i];
            let hit: Option<String> = match r.matcher {
                WafMatch::Sqli | WafMatch::Xss => inspect(req, r, w.body_inspection_kb),
                WafMatch::IpSet => {
                    let set = r.ip_set.as_deref().and_then(|n| self.ip_sets.get(n));
                    set.and_then(|nets| nets.iter().find(|n| n.contains(&req.source_ip)))
                        .map(|n| {
                            format!(
                                "source IP {} is in IP set {} ({n})",
                                req.source_ip,
                                r.ip_set.as_deref().unwrap_or("")
                            )
                        })
                }
                WafMatch::IpReputation => self
                    .reputation
                    .iter()
                    .find(|n| n.contains(&req.source_ip))
                    .map(|n| {
                        format!(
                            "source IP {} is on the (simulated) Amazon IP reputation list ({n})",
                            req.source_ip
                        )
                    }),
                WafMatch::Header => {
                    let (h, v) = (
                        r.header.as_deref().unwrap_or(""),
                        r.value.as_deref().unwrap_or(""),
                    );
                    req.header(h)
                        .filter(|x| *x == v)
                        .map(|_| format!("header {h} is `{v}`"))
                }
                WafMatch::RateBased => {
                    let limit = r.limit.unwrap_or(100);
                    let window = r.window_secs.unwrap_or(300) as u64;
                    let sec = now.unix_secs();
                    let q = self.state.waf_rates.entry((i, req.source_ip)).or_default();
                    while q.front().is_some_and(|(s, _)| *s + window <= sec) {
                        q.pop_front();
                    }
                    match q.back_mut() {
                        Some((s, c)) if *s == sec => *c += 1,
                        _ => q.push_back((sec, 1)),
                    }
                    let count: u32 = q.iter().map(|(_, c)| c).sum();
                    (count > limit).then(|| {
                        format!("{} sent {count} requests in the last {window} s, over the limit of {limit} (AWS enforces this approximately; the simulator counts exactly)", req.source_ip)
                    })
                }
            };
            let Some(why) = hit else { continue };
            match r.action {
                WafAction::Count => {
                    t.step(Stage::Waf, StepResult::Info, || {
                        format!(
                            "rule {} (priority {}) matched but only counts: {why}",
                            r.name, r.priority
                        )
                    });
                }
                WafAction::Allow => {
                    t.step(Stage::Waf, StepResult::Pass, || {
                        format!("rule {} allows: {why}; later rules are skipped", r.name)
                    });
                    return Ok(());
                }
                WafAction::Block => {
                    t.step(Stage::Waf, StepResult::Fail, || {
                        format!("rule {} (priority {}) blocks: {why}. Nothing after WAF runs (no authorizer, no resource policy).", r.name, r.priority)
                    });
                    return Err(match &r.custom_response {
                        Some(cr) => Verdict {
                            stage: Stage::Waf,
                            reason: Reason::WafBlocked,
                            end: End::Fixed {
                                status: cr.status,
                                body: Cow::Owned(cr.body.clone()),
                                headers: cr
                                    .headers
                                    .iter()
                                    .map(|(k, v)| (k.clone(), v.clone()))
                                    .collect(),
                            },
                        },
                        None => stop(Stage::Waf, Reason::WafBlocked, "Forbidden"),
                    });
                }
            }
        }
        match w.default_action {
            WafDefaultAction::Allow => {
                t.step(Stage::Waf, StepResult::Pass, || {
                    format!(
                        "no rule of {} blocked; default action Allow",
                        self.cfg.api.name
                    )
                });
                Ok(())
            }
            WafDefaultAction::Block => {
                t.step(Stage::Waf, StepResult::Fail, || {
                    "no rule allowed the request; the web ACL's default action is Block".into()
                });
                Err(stop(Stage::Waf, Reason::WafBlocked, "Forbidden"))
            }
        }
    }

    // ----- Routing -----------------------------------------------------------------

    fn routing<T: Trace>(&self, req: &Request, ctx: &mut Ctx, t: &mut T) -> Early {
        // Best resource: literals beat {param}, which beats {proxy+}.
        let mut best: Option<(u128, &str)> = None;
        for (i, r) in self.routes.iter().enumerate() {
            if let Some(score) = match_segs(&r.segs, &ctx.stage_path)
                && best.as_ref().is_none_or(|(s, _)| score > *s)
            {
                best = Some((score, self.cfg.routes[i].path.as_str()));
            }
        }
        let resource = best.map(|(_, p)| p);
        let method = req.method.as_str();
        let found = resource.and_then(|p| {
            self.cfg
                .routes
                .iter()
                .position(|r| r.path == p && r.method == method)
                .or_else(|| {
                    self.cfg
                        .routes
                        .iter()
                        .position(|r| r.path == p && r.method == "ANY")
                })
        });
        let cors_options = resource.is_some()
            && found.is_none()
            && method == "OPTIONS"
            && self
                .cfg
                .routes
                .iter()
                .any(|r| Some(r.path.as_str()) == resource && r.cors);
        if cors_options {
            let p = resource.unwrap_or("/");
            t.step(Stage::Routing, StepResult::Pass, || {
                format!("OPTIONS {p}: the MOCK method that \"Enable CORS\" created")
            });
            let methods: Vec<String> = self
                .cfg
                .routes
                .iter()
                .filter(|r| r.path == p)
                .map(|r| r.method.clone())
                .collect();
            let headers = self
                .cfg
                .cors
                .as_ref()
                .map(|c| c.preflight_headers(req, &methods))
                .unwrap_or_default();
            t.step(Stage::Integration, StepResult::Pass, || {
                "MOCK integration answers the preflight with static CORS headers".into()
            });
            return Err(Verdict {
                stage: Stage::Integration,
                reason: Reason::Ok,
                end: End::Fixed {
                    status: 200,
                    body: Cow::Borrowed(""),
                    headers,
                },
            });
        }
        let Some(ri) = found else {
            let problem = sigv4::authorization_header_problem(req);
            let why = match resource {
                Some(p) => format!("resource {p} exists but has no {method} method"),
                None => format!("no resource matches {}", ctx.stage_path),
            };
            return Err(match problem {
                Some(msg) => {
                    t.step(Stage::Routing, StepResult::Fail, || format!("{why}; the Authorization header is not SigV4, so API Gateway complains about it: 403"));
                    stop(Stage::Routing, Reason::MalformedAuthorizationHeader, msg)
                }
                None => {
                    t.step(Stage::Routing, StepResult::Fail, || {
                        format!(
                            "{why}: API Gateway answers 403 Missing Authentication Token (not 404)"
                        )
                    });
                    stop(
                        Stage::Routing,
                        Reason::RouteNotFound,
                        "Missing Authentication Token",
                    )
                }
            });
        };
        ctx.route = Some(ri);
        let r = &self.cfg.routes[ri];
        let mut arn = String::with_capacity(
            self.stage_arn_prefix.len() + req.method.len() + ctx.stage_path.len() + 1,
        );
        arn.push_str(&self.stage_arn_prefix);
        ctx.arn_suffix = arn.len();
        arn.push_str(&req.method);
        arn.push('/');
        arn.push_str(ctx.stage_path.trim_start_matches('/'));
        ctx.arn = arn;
        t.step(Stage::Routing, StepResult::Pass, || {
            format!(
                "{} {} → {} {} (authorization {}{})",
                req.method,
                ctx.stage_path,
                r.method,
                r.path,
                r.authorization.aws_name(),
                r.authorizer
                    .as_ref()
                    .map(|a| format!(", authorizer {a}"))
                    .unwrap_or_default()
            )
        });
        Ok(())
    }

    fn masked_arn(&self, ctx: &Ctx) -> String {
        format!(
            "{}{}",
            self.masked_arn_prefix,
            ctx.arn.get(ctx.arn_suffix..).unwrap_or("")
        )
    }

    fn policy_ctx<'a>(
        &self,
        req: &'a Request,
        caller: &'a Caller,
        arn: &'a str,
        now: SimTime,
    ) -> PolicyContext<'a> {
        let via_vpce = req.vpce.is_some();
        PolicyContext {
            caller,
            action: "execute-api:Invoke",
            resource: arn,
            source_ip: if via_vpce { None } else { Some(req.source_ip) },
            vpc_source_ip: if via_vpce { Some(req.source_ip) } else { None },
            source_vpce: req.vpce.as_deref(),
            source_vpc: req.vpc.as_deref(),
            secure_transport: req.scheme == Scheme::Https,
            user_agent: req.header("user-agent"),
            referer: req.header("referer"),
            now,
        }
    }

    /// Resource policy evaluation (None when the API has no policy).
    fn resource_policy_decision(
        &self,
        req: &Request,
        caller: &Caller,
        now: SimTime,
        arn: &str,
    ) -> Option<(Decision, Option<usize>)> {
        let doc = self.cfg.resource_policy.as_ref()?;
        let pc = self.policy_ctx(req, caller, arn, now);
        let e = doc.evaluate(&pc, true);
        Some((e.decision, e.statement))
    }

    /// `statement N: ...` of the resource policy, for the trace.
    fn rp_statement(&self, i: Option<usize>) -> String {
        match (i, &self.cfg.resource_policy) {
            (Some(i), Some(d)) => d.describe(i),
            _ => String::new(),
        }
    }

    fn deny_message(&self, caller: &Caller, ctx: &Ctx, explicit: bool) -> String {
        format!(
            "User: {} is not authorized to perform: execute-api:Invoke on resource: {}{}",
            caller.display_arn(),
            self.masked_arn(ctx),
            if explicit {
                " with an explicit deny"
            } else {
                ""
            }
        )
    }

    // ----- Authorization per type ------------------------------------------------------

    fn auth_none<T: Trace>(
        &mut self,
        req: &Request,
        now: SimTime,
        ctx: &mut Ctx,
        t: &mut T,
    ) -> Early {
        let caller = Caller::Anonymous;
        let arn = ctx.arn.clone();
        let private = self.cfg.api.endpoint_type == EndpointType::Private;
        match self.resource_policy_decision(req, &caller, now, &arn) {
            None if private => {
                t.step(Stage::ResourcePolicy, StepResult::Fail, || "a private API needs a resource policy that allows its VPC endpoint; until one is attached every call fails (body UNCONFIRMED)".into());
                Err(deny_m(
                    Stage::ResourcePolicy,
                    Reason::ResourcePolicyImplicitDeny,
                    self.deny_message(&caller, ctx, false),
                ))
            }
            None => {
                t.step(Stage::ResourcePolicy, StepResult::Skip, || {
                    "no resource policy: a method with authorization NONE is public".into()
                });
                t.step(Stage::Authorizer, StepResult::Skip, || {
                    "authorization NONE: nobody is asked who they are".into()
                });
                Ok(())
            }
            Some((Decision::Allow, st)) => {
                t.step(Stage::ResourcePolicy, StepResult::Pass, || {
                    format!(
                        "explicit Allow for anonymous callers ({})",
                        self.rp_statement(st)
                    )
                });
                t.step(Stage::Authorizer, StepResult::Skip, || {
                    "authorization NONE".into()
                });
                Ok(())
            }
            Some((Decision::ExplicitDeny, st)) => {
                t.step(Stage::ResourcePolicy, StepResult::Fail, || {
                    format!(
                        "explicit Deny ({}): an explicit deny always wins",
                        self.rp_statement(st)
                    )
                });
                Err(deny_m(
                    Stage::ResourcePolicy,
                    Reason::ResourcePolicyExplicitDeny,
                    self.deny_message(&caller, ctx, true),
                ))
            }
            Some((Decision::ImplicitDeny, _)) => {
                t.step(Stage::ResourcePolicy, StepResult::Fail, || "no statement allows this caller: with no authorizer, the resource policy must explicitly Allow (implicit deny)".into());
                Err(deny_m(
                    Stage::ResourcePolicy,
                    Reason::ResourcePolicyImplicitDeny,
                    self.deny_message(&caller, ctx, false),
                ))
            }
        }
    }

    fn auth_iam<T: Trace>(
        &mut self,
        req: &Request,
        now: SimTime,
        ctx: &mut Ctx,
        t: &mut T,
    ) -> Early {
        t.step(Stage::ResourcePolicy, StepResult::Skip, || {
            "evaluated together with the caller's IAM policies after SigV4 authentication".into()
        });
        let signed =
            req.header("authorization").is_some() || req.query_param("X-Amz-Signature").is_some();
        if !signed {
            t.step(Stage::Authorizer, StepResult::Fail, || {
                "AWS_IAM method called without a SigV4 signature: 403 Missing Authentication Token"
                    .into()
            });
            return Err(stop(
                Stage::Authorizer,
                Reason::MissingAuthenticationToken,
                "Missing Authentication Token",
            ));
        }
        if let Some(msg) = sigv4::authorization_header_problem(req) {
            t.step(Stage::Authorizer, StepResult::Fail, || {
                "the Authorization header is not a SigV4 header".into()
            });
            return Err(stop(
                Stage::Authorizer,
                Reason::MalformedAuthorizationHeader,
                msg,
            ));
        }
        let iam = &self.cfg.iam;
        let region = self.cfg.api.region.clone();
        let service = self.cfg.api.sigv4_service.clone();
        let res = sigv4::verify(req, now, &region, &service, |akid| {
            iam.iter()
                .find(|p| p.access_key_id == akid)
                .map(|p| sigv4::KeyInfo {
                    secret_access_key: p.secret_access_key.clone(),
                    session_token: p.session_token.clone(),
                    session_expires: p
                        .session_expires
                        .as_deref()
                        .and_then(|e| SimTime::parse_rfc3339(e).ok()),
                })
        });
        let v = match res {
            Ok(v) => v,
            Err(f) => {
                use sigv4::SigV4FailureKind as K;
                let reason = match f.kind {
                    K::MissingAuthenticationToken => Reason::MissingAuthenticationToken,
                    K::IncompleteSignature => Reason::MalformedAuthorizationHeader,
                    K::UnknownAccessKey => Reason::UnknownAccessKey,
                    K::SignatureMismatch => Reason::InvalidSignature,
                    K::SignatureExpired | K::SignatureNotYetCurrent => Reason::SignatureExpired,
                    K::WrongService | K::WrongRegion | K::ScopeDateMismatch => {
                        Reason::CredentialScope
                    }
                    K::ExpiredSessionToken | K::MissingSessionToken => Reason::ExpiredSessionToken,
                };
                t.step(Stage::Authorizer, StepResult::Fail, || {
                    format!("SigV4 verification failed: {}", first_line(&f.message))
                });
                if let Some(c) = &f.canonical_request {
                    t.note(|| format!("canonical request we computed:\n{c}"));
                }
                if let Some(s) = &f.string_to_sign {
                    t.note(|| format!("string to sign we computed:\n{s}"));
                }
                return Err(stop(Stage::Authorizer, reason, f.message));
            }
        };
        let Some(p) = iam.iter().find(|p| p.access_key_id == v.access_key_id) else {
            return Err(stop(
                Stage::Authorizer,
                Reason::UnknownAccessKey,
                "The security token included in the request is invalid.",
            ));
        };
        let caller = Caller::Iam {
            account: p.account.clone(),
            arn: p.arn(),
            name: p.name.clone(),
        };
        t.step(Stage::Authorizer, StepResult::Pass, || {
            format!(
                "SigV4 signature valid: signed by {} ({}) at {}",
                p.name, v.access_key_id, v.signed_at
            )
        });
        t.note(|| format!("canonical request:\n{}", v.canonical_request));
        t.note(|| format!("string to sign:\n{}", v.string_to_sign));
        // Identity policy and resource policy: Table A (same account) or B (cross-account).
        let arn = ctx.arn.clone();
        let pc = self.policy_ctx(req, &caller, &arn, now);
        let id = p.policy.evaluate(&pc, false);
        let rp = self.resource_policy_decision(req, &caller, now, &arn);
        let same = p.account == self.cfg.api.account;
        let rp_dec = rp
            .as_ref()
            .map(|(d, _)| *d)
            .unwrap_or(Decision::ImplicitDeny);
        let explicit = id.decision == Decision::ExplicitDeny || rp_dec == Decision::ExplicitDeny;
        let allowed = !explicit
            && if same {
                id.decision == Decision::Allow || rp_dec == Decision::Allow
            } else {
                id.decision == Decision::Allow && rp_dec == Decision::Allow
            };
        let table = if same {
            "Table A, same account: either may allow"
        } else {
            "Table B, cross-account: both must allow"
        };
        let rp_label = match &rp {
            None => "no resource policy".to_string(),
            Some((d, s)) => format!("resource policy {} {}", d.label(), self.rp_statement(*s)),
        };
        ctx.caller = Some(caller.clone());
        ctx.principal_id = Some(p.arn());
        if allowed {
            t.step(Stage::Authorization, StepResult::Pass, || {
                format!(
                    "identity policy {}, {rp_label} → Allow ({table})",
                    id.decision.label()
                )
            });
            return Ok(());
        }
        t.step(Stage::Authorization, StepResult::Fail, || {
            format!(
                "identity policy {}, {rp_label} → {} ({table})",
                id.decision.label(),
                if explicit {
                    "explicit Deny"
                } else {
                    "implicit Deny"
                }
            )
        });
        Err(deny_m(
            Stage::Authorization,
            if explicit {
                Reason::IamExplicitDeny
            } else {
                Reason::IamAccessDenied
            },
            self.deny_message(&caller, ctx, explicit),
        ))
    }

    /// Read a TOKEN/Cognito authorizer's header.
    fn token_of<'a, 'r>(az: &'a AuthorizerConfig, req: &'r Request) -> (&'a str, Option<&'r str>) {
        let src = az
            .identity_sources
            .first()
            .map(String::as_str)
            .unwrap_or("method.request.header.Authorization");
        let header = src.rsplit('.').next().unwrap_or("Authorization");
        let v = req.header(header).map(str::trim).filter(|v| !v.is_empty());
        (header, v)
    }

    fn cache_get(&mut self, az_idx: usize, key: &str, now: SimTime) -> Option<AuthResult> {
        let m = self.state.auth_cache.get_mut(&az_idx)?;
        match m.get(key) {
            Some(e) if e.expires > now => Some(e.result.clone()),
            Some(_) => {
                m.remove(key);
                None
            }
            None => None,
        }
    }

    fn cache_put(
        &mut self,
        az_idx: usize,
        key: String,
        result: AuthResult,
        now: SimTime,
        ttl: u32,
    ) {
        if ttl == 0 {
            return;
        }
        self.state.auth_cache.entry(az_idx).or_default().insert(
            key,
            CacheEntry {
                expires: now.plus(super::time::SimDuration::from_secs(ttl as u64)),
                result,
            },
        );
    }

    fn auth_cognito<T: Trace>(
        &mut self,
        req: &Request,
        now: SimTime,
        ctx: &mut Ctx,
        t: &mut T,
    ) -> Early {
        let route = &self.cfg.routes[ctx.route.unwrap_or(0)];
        let az_name = route.authorizer.clone().unwrap_or_default();
        let scopes = route.scopes.clone();
        let Some(az_idx) = self.cfg.authorizers.iter().position(|a| a.name == az_name) else {
            return Err(stop(Stage::Authorizer, Reason::AuthorizerError, "null"));
        };
        t.step(Stage::ResourcePolicy, StepResult::Skip, || {
            "evaluated after the Cognito authorizer".into()
        });
        let az = self.cfg.authorizers[az_idx].clone();
        let (header, token) = Self::token_of(&az, req);
        let Some(token) = token else {
            t.step(Stage::Authorizer, StepResult::Fail, || {
                format!("no token in the {header} header: 401 Unauthorized")
            });
            return Err(stop(
                Stage::Authorizer,
                Reason::IdentitySourceMissing,
                "Unauthorized",
            ));
        };
        let cached = if az.ttl > 0 {
            self.cache_get(az_idx, token, now)
        } else {
            None
        };
        let caller = match cached {
            Some(AuthResult::Cognito(c)) => {
                ctx.cache = CacheUse::Hit;
                self.state.stats.cache_hits += 1;
                t.step(Stage::Authorizer, StepResult::Pass, || {
                    format!("cache hit for this token (TTL {} s): {}", az.ttl, c.summary)
                });
                c
            }
            _ => {
                ctx.cache = if az.ttl > 0 {
                    CacheUse::Miss
                } else {
                    CacheUse::Disabled
                };
                if az.ttl > 0 {
                    self.state.stats.cache_misses += 1;
                }
                let mut last_err = None;
                let mut ok = None;
                for pid in &az.user_pools {
                    let Some(pool) = self.cfg.user_pools.iter().find(|p| &p.id == pid) else {
                        continue;
                    };
                    // The pool applies the method's rule: ID token without scopes,
                    // access token with any one scope otherwise.
                    match pool.validate_for_api(token, &scopes, now) {
                        Ok(id) => {
                            ok = Some(CognitoCaller {
                                summary: id.summary,
                                username: id.username,
                                scopes: id.scopes,
                                token_use: id.token_use,
                            });
                            break;
                        }
                        Err(e) => last_err = Some(e),
                    }
                }
                match ok {
                    Some(c) => {
                        t.step(Stage::Authorizer, StepResult::Pass, || {
                            format!("Cognito token valid: {}", c.summary)
                        });
                        let c = Rc::new(c);
                        self.cache_put(
                            az_idx,
                            token.to_string(),
                            AuthResult::Cognito(Rc::clone(&c)),
                            now,
                            az.ttl,
                        );
                        c
                    }
                    None => {
                        use super::jwt::JwtFailureKind as K;
                        let scope_problem = !scopes.is_empty()
                            && last_err.as_ref().is_some_and(|e| {
                                matches!(e.kind, K::MissingScope | K::WrongTokenUse)
                            });
                        let detail = last_err
                            .map(|e| e.detail)
                            .unwrap_or_else(|| "no user pool accepted it".into());
                        if scope_problem {
                            t.step(Stage::Authorizer, StepResult::Fail, || {
                                format!(
                                    "the method requires one of the scopes [{}]: {detail}: 401 Unauthorized",
                                    scopes.join(" ")
                                )
                            });
                            return Err(stop(
                                Stage::Authorizer,
                                Reason::ScopeMismatch,
                                "Unauthorized",
                            ));
                        }
                        t.step(Stage::Authorizer, StepResult::Fail, || {
                            format!("token rejected: {detail}: 401 Unauthorized")
                        });
                        return Err(stop(
                            Stage::Authorizer,
                            Reason::InvalidToken,
                            "Unauthorized",
                        ));
                    }
                }
            }
        };
        // Scope rule (spec §4.1): no method scopes -> ID token; scopes -> access token with any one scope.
        if scopes.is_empty() {
            if caller.token_use != "id" {
                t.step(Stage::Authorizer, StepResult::Fail, || "the method has no OAuth scopes, so API Gateway expects an ID token; this is an access token: 401".into());
                return Err(stop(
                    Stage::Authorizer,
                    Reason::InvalidToken,
                    "Unauthorized",
                ));
            }
        } else {
            let matched = caller.scopes.iter().find(|s| scopes.contains(s));
            if caller.token_use != "access" || matched.is_none() {
                t.step(Stage::Authorizer, StepResult::Fail, || {
                    format!("the method requires one of the scopes [{}]; the token ({} token) carries [{}]: 401 Unauthorized",
                        scopes.join(" "), caller.token_use, caller.scopes.join(" "))
                });
                return Err(stop(
                    Stage::Authorizer,
                    Reason::ScopeMismatch,
                    "Unauthorized",
                ));
            }
            t.note(|| {
                format!(
                    "scope {} satisfies the method (any one suffices)",
                    matched.map(String::as_str).unwrap_or("")
                )
            });
        }
        ctx.principal_id = Some(caller.username.clone());
        self.combine_with_resource_policy(
            req,
            now,
            ctx,
            t,
            "Cognito authorizer",
            Decision::Allow,
            None,
        )
    }

    /// Table A for Lambda and Cognito authorizers. `auth_stmt` describes the
    /// caller's policy statement that decided, for the trace.
    #[allow(clippy::too_many_arguments)]
    fn combine_with_resource_policy<T: Trace>(
        &mut self,
        req: &Request,
        now: SimTime,
        ctx: &mut Ctx,
        t: &mut T,
        who: &str,
        auth: Decision,
        auth_stmt: Option<&Statement>,
    ) -> Early {
        let caller = Caller::Anonymous;
        let rp = match (ctx.rp_anonymous, &self.cfg.resource_policy) {
            (Some(v), Some(_)) => Some(v),
            _ => self.resource_policy_decision(req, &caller, now, &ctx.arn),
        };
        let rp_dec = rp.as_ref().map(|(d, _)| *d);
        let rp_label = || match &rp {
            None => "no resource policy".to_string(),
            Some((d, s)) => format!("resource policy {} {}", d.label(), self.rp_statement(*s)),
        };
        let auth_label = || {
            format!(
                "{who} {}{}",
                auth.label(),
                auth_stmt
                    .map(|s| format!(" ({})", s.summary()))
                    .unwrap_or_default()
            )
        };
        match (auth, rp_dec) {
            (_, Some(Decision::ExplicitDeny)) => {
                t.step(Stage::Authorization, StepResult::Fail, || {
                    format!(
                        "{}, {} → explicit Deny (an explicit deny always wins)",
                        auth_label(),
                        rp_label()
                    )
                });
                Err(deny_m(
                    Stage::Authorization,
                    Reason::ResourcePolicyExplicitDeny,
                    self.deny_message(&caller, ctx, true),
                ))
            }
            (Decision::ExplicitDeny, _) => {
                t.step(Stage::Authorization, StepResult::Fail, || {
                    format!("{}, {} → explicit Deny", auth_label(), rp_label())
                });
                Err(deny_m(
                    Stage::Authorization,
                    Reason::AuthorizerExplicitDeny,
                    "User is not authorized to access this resource with an explicit deny".into(),
                ))
            }
            (Decision::Allow, _) | (Decision::ImplicitDeny, Some(Decision::Allow)) => {
                t.step(Stage::Authorization, StepResult::Pass, || {
                    let mut s = format!("{}, {} → Allow (Table A)", auth_label(), rp_label());
                    if who.starts_with("Cognito") && rp_dec == Some(Decision::ImplicitDeny) {
                        s.push_str(". The docs' narrative says Cognito needs an explicit Allow here, but their Table A says Allow; the simulator follows the table (UNCONFIRMED)");
                    }
                    s
                });
                Ok(())
            }
            (Decision::ImplicitDeny, _) => {
                t.step(Stage::Authorization, StepResult::Fail, || {
                    format!(
                        "{}, {} → implicit Deny: the returned policy does not cover {}",
                        auth_label(),
                        rp_label(),
                        ctx.arn
                    )
                });
                Err(deny_m(
                    Stage::Authorization,
                    Reason::AuthorizerImplicitDeny,
                    "User is not authorized to access this resource".into(),
                ))
            }
        }
    }

    fn auth_lambda<T: Trace>(
        &mut self,
        req: &Request,
        now: SimTime,
        ctx: &mut Ctx,
        t: &mut T,
    ) -> Early {
        let Some(az_idx) = self
            .route_authorizer
            .get(ctx.route.unwrap_or(0))
            .copied()
            .flatten()
        else {
            return Err(stop(Stage::Authorizer, Reason::AuthorizerError, "null"));
        };
        // Resource policy pre-check: an explicit Deny rejects before the Lambda runs.
        if let Some(doc) = &self.cfg.resource_policy {
            let anon = Caller::Anonymous;
            let pc = self.policy_ctx(req, &anon, &ctx.arn, now);
            // One full evaluation serves the pre-check and Table A later.
            let e = doc.evaluate(&pc, true);
            ctx.rp_anonymous = Some((e.decision, e.statement));
            if let (Decision::ExplicitDeny, Some(i)) = (e.decision, e.statement) {
                t.step(Stage::ResourcePolicy, StepResult::Fail, || {
                    format!(
                        "pre-check: {} explicitly denies; the Lambda authorizer is not invoked",
                        doc.describe(i)
                    )
                });
                return Err(deny_m(
                    Stage::ResourcePolicy,
                    Reason::ResourcePolicyExplicitDeny,
                    self.deny_message(&anon, ctx, true),
                ));
            }
            t.step(Stage::ResourcePolicy, StepResult::Pass, || {
                "pre-check: no explicit Deny, so the Lambda authorizer may run".into()
            });
        } else {
            t.step(Stage::ResourcePolicy, StepResult::Skip, || {
                "no resource policy".into()
            });
        }
        let az = Rc::clone(&self.authorizers[az_idx]);
        // Identity sources -> cache key.
        let key: Cow<'_, str> = match az.kind {
            AuthorizerType::Token => {
                let (header, token) = Self::token_of(&az, req);
                let Some(token) = token else {
                    t.step(Stage::Authorizer, StepResult::Fail, || format!("the token source header {header} is missing or empty: 401 Unauthorized, the Lambda is not invoked"));
                    return Err(stop(
                        Stage::Authorizer,
                        Reason::IdentitySourceMissing,
                        "Unauthorized",
                    ));
                };
                if let Some(Some(re)) = self.regexes.get(az_idx)
                    && !re.is_match(token)
                {
                    t.step(Stage::Authorizer, StepResult::Fail, || format!("the token does not match the validation regex {}: 401 Unauthorized, the Lambda is not invoked (saves a call)", az.validation_regex.as_deref().unwrap_or("")));
                    return Err(stop(
                        Stage::Authorizer,
                        Reason::TokenRegexMismatch,
                        "Unauthorized",
                    ));
                }
                Cow::Borrowed(token)
            }
            _ => {
                let mut parts = Vec::new();
                for src in &az.identity_sources {
                    let v: Option<String> = match identity_source_kind(src) {
                        Some(IdentitySource::Header(h)) => req.header(&h).map(str::to_string),
                        Some(IdentitySource::Query(q)) => req.query_param(&q),
                        Some(IdentitySource::Context(c)) if c == "identity.sourceIp" => {
                            Some(req.source_ip.to_string())
                        }
                        Some(IdentitySource::Context(c))
                            if c == "routeKey" || c == "resourcePath" =>
                        {
                            ctx.arn.get(ctx.arn_suffix..).map(str::to_string)
                        }
                        _ => None,
                    };
                    match v.filter(|v| !v.trim().is_empty()) {
                        Some(v) => parts.push(v),
                        None if az.ttl > 0 => {
                            t.step(Stage::Authorizer, StepResult::Fail, || format!("identity source {src} is missing or empty: 401 Unauthorized, the Lambda is not invoked"));
                            return Err(stop(
                                Stage::Authorizer,
                                Reason::IdentitySourceMissing,
                                "Unauthorized",
                            ));
                        }
                        None => parts.push(String::new()),
                    }
                }
                Cow::Owned(parts.join(","))
            }
        };
        let cached = if az.ttl > 0 {
            self.cache_get(az_idx, &key, now)
        } else {
            None
        };
        let policy: Rc<LambdaPolicy> = match cached {
            Some(AuthResult::Lambda(p)) => {
                ctx.cache = CacheUse::Hit;
                self.state.stats.cache_hits += 1;
                t.step(Stage::Authorizer, StepResult::Pass, || {
                    format!("cache hit (TTL {} s) for key `{}`: reusing the policy of principal {} without invoking the Lambda", az.ttl, abbreviate(&key, 24), p.principal_id)
                });
                p
            }
            _ => {
                ctx.cache = if az.ttl > 0 {
                    CacheUse::Miss
                } else {
                    CacheUse::Disabled
                };
                if az.ttl > 0 {
                    self.state.stats.cache_misses += 1;
                }
                let Some(f) = az.function.as_ref() else {
                    t.step(Stage::Authorizer, StepResult::Fail, || {
                        "the authorizer has no function: 500".into()
                    });
                    return Err(stop(Stage::Authorizer, Reason::AuthorizerMalformed, "null"));
                };
                ctx.invoked = true;
                let ran = if f.behaviour == Behaviour::Timeout {
                    f.timeout_ms
                } else {
                    f.duration_ms.min(f.timeout_ms)
                };
                ctx.latency_ms += ran;
                self.state.stats.lambda_invocations += 1;
                self.state.stats.lambda_ms += ran as u64;
                let cache_note = || {
                    if az.ttl > 0 {
                        format!("cache miss (TTL {} s)", az.ttl)
                    } else {
                        "caching disabled (TTL 0)".to_string()
                    }
                };
                match self.invoke(az_idx, &az, f, &key, req, now, ctx) {
                    LambdaOutcome::Policy(p) => {
                        t.step(Stage::Authorizer, StepResult::Pass, || {
                            format!(
                                "{}: invoked the Lambda ({}, {ran} ms) → principalId {}",
                                cache_note(),
                                f.behaviour.id(),
                                p.principal_id
                            )
                        });
                        for s in &p.policy.statements {
                            t.note(|| format!("returned policy: {}", s.summary()));
                        }
                        let p = Rc::new(p);
                        self.cache_put(
                            az_idx,
                            key.to_string(),
                            AuthResult::Lambda(Rc::clone(&p)),
                            now,
                            az.ttl,
                        );
                        p
                    }
                    LambdaOutcome::Unauthorized(why) => {
                        t.step(Stage::Authorizer, StepResult::Fail, || format!("{}: the Lambda threw \"Unauthorized\" ({why}): 401 Unauthorized (not cached: UNCONFIRMED whether AWS caches it)", cache_note()));
                        return Err(stop(
                            Stage::Authorizer,
                            Reason::AuthorizerUnauthorized,
                            "Unauthorized",
                        ));
                    }
                    LambdaOutcome::Error(m) => {
                        t.step(Stage::Authorizer, StepResult::Fail, || format!("{}: the Lambda threw \"{m}\" — anything but exactly \"Unauthorized\" is a 500 AuthorizerConfigurationException", cache_note()));
                        return Err(stop(Stage::Authorizer, Reason::AuthorizerError, "null"));
                    }
                    LambdaOutcome::Timeout => {
                        t.step(Stage::Authorizer, StepResult::Fail, || {
                            format!(
                                "{}: the Lambda ran past its {} ms timeout: 500",
                                cache_note(),
                                f.timeout_ms
                            )
                        });
                        return Err(stop(Stage::Authorizer, Reason::AuthorizerTimeout, "null"));
                    }
                    LambdaOutcome::Malformed => {
                        t.step(Stage::Authorizer, StepResult::Fail, || {
                            format!(
                                "{}: the Lambda returned no principalId/policyDocument: 500",
                                cache_note()
                            )
                        });
                        return Err(stop(Stage::Authorizer, Reason::AuthorizerMalformed, "null"));
                    }
                }
            }
        };
        let anon = Caller::Anonymous;
        let e = policy
            .policy
            .evaluate(&self.policy_ctx(req, &anon, &ctx.arn, now), false);
        ctx.lambda = Some(Rc::clone(&policy));
        let stmt = e.statement.and_then(|i| policy.policy.statements.get(i));
        self.combine_with_resource_policy(req, now, ctx, t, "authorizer policy", e.decision, stmt)
    }

    #[allow(clippy::too_many_arguments)]
    fn invoke(
        &self,
        az_idx: usize,
        az: &AuthorizerConfig,
        f: &LambdaFunction,
        key: &str,
        req: &Request,
        now: SimTime,
        ctx: &Ctx,
    ) -> LambdaOutcome {
        let api = &self.cfg.api;
        let resource = match f.policy_resource {
            PolicyScope::MethodArn => ctx.arn.clone(),
            PolicyScope::Stage => format!(
                "arn:aws:execute-api:{}:{}:{}/{}/*/*",
                api.region, api.account, api.id, api.stage
            ),
            PolicyScope::Api => format!(
                "arn:aws:execute-api:{}:{}:{}/*",
                api.region, api.account, api.id
            ),
        };
        let token = key.strip_prefix("Bearer ").unwrap_or(key);
        let make = |effect: Effect, principal: String| LambdaPolicy {
            principal_id: principal,
            policy: PolicyDocument {
                version: "2012-10-17".into(),
                statements: vec![Statement {
                    sid: None,
                    effect,
                    principal: None,
                    action: Some(OneOrMany::One("execute-api:Invoke".into())),
                    not_action: None,
                    resource: Some(OneOrMany::One(resource.clone())),
                    not_resource: None,
                    condition: BTreeMap::new(),
                }],
            },
            context: f.context.clone(),
            usage_key: f
                .usage_identifier_key
                .as_ref()
                .and_then(|k| self.cfg.api_keys.iter().find(|x| &x.name == k))
                .map(|k| k.value.clone()),
        };
        let reject = |why: String| match f.on_reject {
            RejectWith::Unauthorized => LambdaOutcome::Unauthorized(why),
            RejectWith::Deny => LambdaOutcome::Policy(make(Effect::Deny, "anonymous".into())),
        };
        match f.behaviour {
            Behaviour::Rules => {
                let Some(rule) = f.rules.iter().find(|r| r.token == key) else {
                    return match f.otherwise {
                        Otherwise::Unauthorized => {
                            LambdaOutcome::Unauthorized("no rule names this token".into())
                        }
                        Otherwise::Deny => {
                            LambdaOutcome::Policy(make(Effect::Deny, "anonymous".into()))
                        }
                        Otherwise::Allow => {
                            LambdaOutcome::Policy(make(Effect::Allow, "anonymous".into()))
                        }
                        Otherwise::Error => LambdaOutcome::Error(f.error_message.clone()),
                    };
                };
                let principal = rule
                    .principal
                    .clone()
                    .unwrap_or_else(|| key.chars().take(12).collect());
                if rule.unauthorized {
                    return LambdaOutcome::Unauthorized(format!(
                        "the rule for `{}` throws it",
                        abbreviate(key, 20)
                    ));
                }
                if let Some(e) = &rule.error {
                    return LambdaOutcome::Error(e.clone());
                }
                if rule.malformed {
                    return LambdaOutcome::Malformed;
                }
                let mut p = make(
                    if rule.deny {
                        Effect::Deny
                    } else {
                        Effect::Allow
                    },
                    principal,
                );
                if !rule.deny {
                    let stage = format!(
                        "arn:aws:execute-api:{}:{}:{}/{}/",
                        api.region, api.account, api.id, api.stage
                    );
                    let resources: Vec<String> = rule
                        .allow
                        .iter()
                        .map(|a| match a.split_once(' ') {
                            Some((m, path)) => {
                                format!("{stage}{m}/{}", path.trim_start_matches('/'))
                            }
                            None => format!("{stage}*/*"),
                        })
                        .collect();
                    if let Some(st) = p.policy.statements.first_mut() {
                        st.resource = Some(OneOrMany::Many(resources));
                    }
                } else if let Some(st) = p.policy.statements.first_mut() {
                    st.resource = Some(OneOrMany::One(ctx.arn.clone()));
                }
                LambdaOutcome::Policy(p)
            }
            Behaviour::Allow => LambdaOutcome::Policy(make(Effect::Allow, "user".into())),
            Behaviour::Deny => LambdaOutcome::Policy(make(Effect::Deny, "user".into())),
            Behaviour::ThrowUnauthorized => {
                LambdaOutcome::Unauthorized("the function always throws it".into())
            }
            Behaviour::ThrowError => LambdaOutcome::Error(f.error_message.clone()),
            Behaviour::Timeout => LambdaOutcome::Timeout,
            Behaviour::Malformed => LambdaOutcome::Malformed,
            Behaviour::AllowIfHeader => {
                let v = match (&f.header, az.kind) {
                    (Some(h), AuthorizerType::Request) => req.header(h).map(str::to_string),
                    _ => Some(key.to_string()),
                };
                match v {
                    Some(v) if f.values.iter().any(|x| x == &v) => {
                        LambdaOutcome::Policy(make(Effect::Allow, v))
                    }
                    other => reject(format!(
                        "`{}` is not an accepted value",
                        other.unwrap_or_default()
                    )),
                }
            }
            Behaviour::AllowIfSourceIp => {
                if self.lambda_cidrs[az_idx]
                    .iter()
                    .any(|n| n.contains(&req.source_ip))
                {
                    LambdaOutcome::Policy(make(Effect::Allow, req.source_ip.to_string()))
                } else {
                    reject(format!(
                        "source IP {} is not in {}",
                        req.source_ip,
                        f.cidrs.join(", ")
                    ))
                }
            }
            Behaviour::ValidateJwt => {
                let Some(iss) = f
                    .issuer
                    .as_ref()
                    .and_then(|n| self.cfg.issuers.iter().find(|x| &x.name == n))
                else {
                    return LambdaOutcome::Error("issuer not configured".into());
                };
                match iss.validate(token, now) {
                    Err(e) => reject(e.detail),
                    Ok(claims) => {
                        let sub = claims
                            .get("sub")
                            .and_then(|v| v.as_str())
                            .unwrap_or("unknown")
                            .to_string();
                        if !f.require_groups.is_empty() {
                            let groups: Vec<String> = claims
                                .get("groups")
                                .and_then(|g| g.as_array())
                                .map(|a| {
                                    a.iter()
                                        .filter_map(|x| x.as_str().map(str::to_string))
                                        .collect()
                                })
                                .unwrap_or_default();
                            if !groups.iter().any(|g| f.require_groups.contains(g)) {
                                return reject(format!(
                                    "token groups [{}] include none of [{}]",
                                    groups.join(", "),
                                    f.require_groups.join(", ")
                                ));
                            }
                        }
                        LambdaOutcome::Policy(make(Effect::Allow, sub))
                    }
                }
            }
        }
    }

    // ----- Usage plan, throttles ---------------------------------------------------

    fn usage_plan<T: Trace>(
        &mut self,
        req: &Request,
        now: SimTime,
        ctx: &mut Ctx,
        t: &mut T,
    ) -> Early {
        let ri = ctx.route.unwrap_or(0);
        let route = &self.cfg.routes[ri];
        if !route.api_key_required {
            if T::ENABLED {
                let sent = req.header("x-api-key").is_some();
                t.step(Stage::UsagePlan, StepResult::Skip, || {
                    if sent {
                        "the method does not require an API key: the x-api-key header is ignored and no usage plan limits apply".into()
                    } else {
                        "the method does not require an API key".into()
                    }
                });
            }
            return Ok(());
        }
        let source = self.cfg.api.api_key_source;
        let value: Option<String> = match source {
            ApiKeySource::Header => req.header("x-api-key").map(str::to_string),
            ApiKeySource::Authorizer => ctx.lambda.as_ref().and_then(|l| l.usage_key.clone()),
        };
        let from = match source {
            ApiKeySource::Header => "the x-api-key header",
            ApiKeySource::Authorizer => "the authorizer's usageIdentifierKey",
        };
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            t.step(Stage::UsagePlan, StepResult::Fail, || {
                format!("the method requires an API key and {from} has none: 403 Forbidden")
            });
            return Err(stop(Stage::UsagePlan, Reason::ApiKeyMissing, "Forbidden"));
        };
        let Some(ki) = self.cfg.api_keys.iter().position(|k| k.value == value) else {
            t.step(Stage::UsagePlan, StepResult::Fail, || {
                format!("no API key has the value from {from}: 403 Forbidden")
            });
            return Err(stop(Stage::UsagePlan, Reason::ApiKeyInvalid, "Forbidden"));
        };
        let key = &self.cfg.api_keys[ki];
        if !key.enabled {
            t.step(Stage::UsagePlan, StepResult::Fail, || {
                format!("API key {} is disabled: 403 Forbidden", key.name)
            });
            return Err(stop(Stage::UsagePlan, Reason::ApiKeyDisabled, "Forbidden"));
        }
        let stage = &self.cfg.api.stage;
        let Some(pi) = self
            .cfg
            .usage_plans
            .iter()
            .position(|p| p.keys.contains(&key.name) && p.stages.contains(stage))
        else {
            t.step(Stage::UsagePlan, StepResult::Fail, || {
                format!("API Key {} not authorized because method '{} {}' requires API Key and API Key is not associated with a Usage Plan for API Stage {}/{}: No Usage Plan found for key and API Stage",
                    key.name, route.method, route.path, self.cfg.api.id, stage)
            });
            return Err(stop(Stage::UsagePlan, Reason::ApiKeyNotInPlan, "Forbidden"));
        };
        ctx.api_key = Some(ki);
        let plan = &self.cfg.usage_plans[pi];
        // Per-key throttle: a per-method override in the plan replaces the plan-wide one.
        let method_throttle = plan
            .method_throttles
            .iter()
            .find(|m| m.path == route.path && (m.method == route.method || m.method == req.method));
        let throttled = if let Some(mt) = method_throttle {
            let s = super::throttle::ThrottleSettings {
                rate: mt.rate,
                burst: mt.burst,
            };
            let b = self
                .state
                .key_method_buckets
                .entry((pi, ki, ri))
                .or_insert_with(|| TokenBucket::new(s, now));
            (!b.try_take(now)).then(|| {
                format!(
                    "per-method throttle of plan {} for {} {}: rate {} /s, burst {}",
                    plan.name, mt.method, mt.path, mt.rate, mt.burst
                )
            })
        } else if let Some(s) = plan.throttle {
            let b = self
                .state
                .key_buckets
                .entry((pi, ki))
                .or_insert_with(|| TokenBucket::new(s, now));
            (!b.try_take(now)).then(|| {
                format!(
                    "Key throttle limit exceeded for Usage Plan {}: Limit: {:.2} Burst: {}",
                    plan.name, s.rate, s.burst
                )
            })
        } else {
            None
        };
        if let Some(why) = throttled {
            t.step(Stage::UsagePlan, StepResult::Fail, || {
                format!("{why}: 429 Too Many Requests")
            });
            return Err(stop(
                Stage::UsagePlan,
                Reason::KeyThrottled,
                "Too Many Requests",
            ));
        }
        if let Some(q) = plan.quota {
            let c = self
                .state
                .quotas
                .entry((pi, ki))
                .or_insert_with(|| QuotaCounter::new(q, now));
            match c.try_consume(now) {
                Ok(left) => {
                    t.step(Stage::UsagePlan, StepResult::Pass, || {
                        format!(
                            "key {} in plan {}: quota {} per {:?}, {left} left",
                            key.name, plan.name, q.limit, q.period
                        )
                    });
                }
                Err(e) => {
                    t.step(Stage::UsagePlan, StepResult::Fail, || format!("Key quota exhausted for Usage Plan {} (limit {} per {:?}; resets at {}): 429 Limit Exceeded", plan.name, q.limit, q.period, e.resets_at));
                    return Err(stop(
                        Stage::UsagePlan,
                        Reason::QuotaExceeded,
                        "Limit Exceeded",
                    ));
                }
            }
        } else {
            t.step(Stage::UsagePlan, StepResult::Pass, || {
                format!(
                    "API key {} is in usage plan {} for stage {stage}",
                    key.name, plan.name
                )
            });
        }
        if T::ENABLED && source == ApiKeySource::Header {
            t.note(|| {
                "an API key identifies the caller for the plan; it does not prove who they are"
                    .into()
            });
        }
        Ok(())
    }

    fn throttle<T: Trace>(&mut self, now: SimTime, ctx: &mut Ctx, t: &mut T) -> Early {
        let ri = ctx.route.unwrap_or(0);
        let (label, reason) = if self.state.method_buckets[ri].is_some() {
            ("method", Reason::MethodThrottled)
        } else {
            ("stage", Reason::StageThrottled)
        };
        let bucket = match self.state.method_buckets[ri].as_mut() {
            Some(b) => Some(b),
            None => self.state.stage_bucket.as_mut(),
        };
        if let Some(b) = bucket
            && !b.try_take(now)
        {
            let s = b.settings();
            t.step(Stage::Throttle, StepResult::Fail, || {
                format!(
                    "the {label} bucket (rate {} /s, burst {}) is empty: 429 Too Many Requests",
                    s.rate, s.burst
                )
            });
            return Err(stop(Stage::Throttle, reason, "Too Many Requests"));
        }
        if !self.state.account_bucket.try_take(now) {
            let s = self.state.account_bucket.settings();
            t.step(Stage::Throttle, StepResult::Fail, || {
                format!(
                    "the account-level bucket for the Region (rate {} /s, burst {}) is empty: 429",
                    s.rate, s.burst
                )
            });
            return Err(stop(
                Stage::Throttle,
                Reason::AccountThrottled,
                "Too Many Requests",
            ));
        }
        if T::ENABLED {
            let mut parts = Vec::new();
            if let Some(b) = self.state.method_buckets[ri].as_ref() {
                parts.push(format!(
                    "method bucket {:.1}/{} left",
                    b.level(now),
                    b.settings().burst
                ));
            } else if let Some(b) = self.state.stage_bucket.as_ref() {
                parts.push(format!(
                    "stage bucket {:.1}/{} left",
                    b.level(now),
                    b.settings().burst
                ));
            }
            let a = &self.state.account_bucket;
            parts.push(format!(
                "account bucket {:.0}/{} left",
                a.level(now),
                a.settings().burst
            ));
            t.step(Stage::Throttle, StepResult::Pass, || parts.join("; "));
        }
        Ok(())
    }

    fn validate<T: Trace>(&self, req: &Request, ctx: &Ctx, t: &mut T) -> Early {
        let r = &self.cfg.routes[ctx.route.unwrap_or(0)];
        let Some(v) = &r.validation else {
            t.step(Stage::Validation, StepResult::Skip, || {
                "no request validator".into()
            });
            return Ok(());
        };
        let mut missing: Vec<&str> = Vec::new();
        for q in &v.required_query {
            if req.query_param(q).is_none() {
                missing.push(q);
            }
        }
        for h in &v.required_headers {
            if req.header(h).is_none() {
                missing.push(h);
            }
        }
        if !missing.is_empty() {
            let list = missing.join(", ");
            t.step(Stage::Validation, StepResult::Fail, || {
                format!("required parameters missing: {list}")
            });
            return Err(stop(
                Stage::Validation,
                Reason::MissingParameters,
                format!("Missing required request parameters: [{list}]"),
            ));
        }
        if !v.body_required_fields.is_empty() {
            let ok = serde_json::from_str::<serde_json::Value>(&req.body)
                .ok()
                .and_then(|b| {
                    b.as_object()
                        .map(|o| v.body_required_fields.iter().all(|f| o.contains_key(f)))
                })
                .unwrap_or(false);
            if !ok {
                t.step(Stage::Validation, StepResult::Fail, || {
                    format!(
                        "the body is not a JSON object with {}",
                        v.body_required_fields.join(", ")
                    )
                });
                return Err(stop(
                    Stage::Validation,
                    Reason::InvalidBody,
                    "Invalid request body",
                ));
            }
        }
        t.step(Stage::Validation, StepResult::Pass, || {
            "the request passes the method's validator".into()
        });
        Ok(())
    }

    fn integrate<T: Trace>(&mut self, _req: &Request, ctx: &mut Ctx, t: &mut T) -> Verdict {
        let ri = ctx.route.unwrap_or(0);
        let int = &self.cfg.routes[ri].integration;
        if int.latency_ms > int.timeout_ms {
            ctx.latency_ms += int.timeout_ms;
            t.step(Stage::Integration, StepResult::Fail, || {
                format!(
                    "the backend needs {} ms but the integration timeout is {} ms: 504",
                    int.latency_ms, int.timeout_ms
                )
            });
            return stop(
                Stage::Integration,
                Reason::IntegrationTimeout,
                "Endpoint request timed out",
            );
        }
        ctx.latency_ms += int.latency_ms;
        let failed =
            int.failure_rate > 0.0 && self.state.rng.random_bool(int.failure_rate.clamp(0.0, 1.0));
        if failed {
            t.step(Stage::Integration, StepResult::Fail, || {
                if int.kind.is_proxy() {
                    format!("the {} backend failed (simulated failure rate {}): 502 Internal server error", int.kind.id(), int.failure_rate)
                } else {
                    format!("the {} backend failed (simulated failure rate {}): INTEGRATION_FAILURE", int.kind.id(), int.failure_rate)
                }
            });
            return Verdict {
                stage: Stage::Integration,
                reason: Reason::IntegrationFailure,
                end: End::Integration {
                    route: ri,
                    status: 502,
                    failed: true,
                },
            };
        }
        t.step(Stage::Integration, StepResult::Pass, || {
            let mut s = format!(
                "{} integration answered {} after {} ms",
                int.kind.id(),
                int.status,
                int.latency_ms
            );
            if let Some(p) = ctx
                .principal_id
                .as_deref()
                .or(ctx.lambda.as_ref().map(|l| l.principal_id.as_str()))
            {
                s.push_str(&format!("; it sees principalId {p}"));
            }
            s
        });
        if let Some(l) = ctx
            .lambda
            .as_ref()
            .filter(|l| T::ENABLED && !l.context.is_empty())
        {
            t.note(|| {
                format!(
                    "authorizer context passed to the backend: {}",
                    l.context
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
        }
        Verdict {
            stage: Stage::Integration,
            reason: Reason::Ok,
            end: End::Integration {
                route: ri,
                status: int.status,
                failed: false,
            },
        }
    }

    // ----- Responses ------------------------------------------------------------------

    /// Status a gateway response of this reason gets, after customisation.
    fn gateway_status(&self, reason: Reason) -> u16 {
        let Some(ty) = reason.response_type() else {
            return 500;
        };
        if let Some(s) = self.cfg.gateway_responses.get(&ty).and_then(|c| c.status) {
            return s;
        }
        if let Some(fb) = ty.fallback()
            && let Some(s) = self.cfg.gateway_responses.get(&fb).and_then(|c| c.status)
        {
            return s;
        }
        ty.default_status().unwrap_or(500)
    }

    fn render(
        &self,
        req: &Request,
        v: &Verdict,
        ctx: &Ctx,
    ) -> (Option<u16>, String, Vec<(String, String)>) {
        match &v.end {
            End::NoResponse => (None, String::new(), Vec::new()),
            End::Fixed {
                status,
                body,
                headers,
            } => {
                let mut h = vec![("Content-Type".to_string(), "application/json".to_string())];
                h.extend(headers.iter().cloned());
                if let Some(et) = v.reason.error_type()
                    && v.reason != Reason::Ok
                {
                    h.push(("x-amzn-ErrorType".into(), et.into()));
                }
                (Some(*status), body.to_string(), h)
            }
            End::Gateway { message, capital_m } => {
                self.render_gateway(req, v.reason, message, *capital_m, ctx)
            }
            End::Integration {
                route,
                status,
                failed,
            } => {
                let r = &self.cfg.routes[*route];
                let int = &r.integration;
                if *failed {
                    if int.kind.is_proxy() {
                        return (
                            Some(502),
                            "{\"message\": \"Internal server error\"}".into(),
                            vec![
                                ("Content-Type".into(), "application/json".into()),
                                (
                                    "x-amzn-ErrorType".into(),
                                    "InternalServerErrorException".into(),
                                ),
                            ],
                        );
                    }
                    return self.render_gateway(
                        req,
                        Reason::IntegrationFailure,
                        "Internal server error",
                        false,
                        ctx,
                    );
                }
                let mut headers: Vec<(String, String)> = Vec::new();
                if !int
                    .headers
                    .keys()
                    .any(|k| k.eq_ignore_ascii_case("content-type"))
                {
                    headers.push(("Content-Type".into(), "application/json".into()));
                }
                headers.extend(int.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
                let cors_headers = match (&self.cfg.cors, int.kind.is_proxy()) {
                    (Some(c), false) if r.cors => c.response_headers(req),
                    (Some(c), true) if int.backend_cors => c.response_headers(req),
                    _ => Vec::new(),
                };
                headers.extend(cors_headers);
                let body = if int.echo_context {
                    let echo = serde_json::json!({
                        "principalId": ctx.principal_id.clone().or(ctx.lambda.as_ref().map(|l| l.principal_id.clone())),
                        "authorizer": ctx.lambda.as_ref().map(|l| l.context.clone()).unwrap_or_default(),
                        "apiKeyId": ctx.api_key.and_then(|k| self.cfg.api_keys.get(k)).map(|k| k.name.clone()),
                        "sourceIp": req.source_ip.to_string(),
                        "resourcePath": r.path,
                        "httpMethod": req.method,
                    });
                    echo.to_string()
                } else {
                    int.body.clone()
                };
                (Some(*status), body, headers)
            }
        }
    }

    fn render_gateway(
        &self,
        req: &Request,
        reason: Reason,
        message: &str,
        capital_m: bool,
        ctx: &Ctx,
    ) -> (Option<u16>, String, Vec<(String, String)>) {
        let status = self.gateway_status(reason);
        let ty = reason.response_type();
        let custom = ty.and_then(|t| self.cfg.gateway_responses.get(&t));
        let fallback = ty
            .and_then(|t| t.fallback())
            .and_then(|f| self.cfg.gateway_responses.get(&f));
        let template = custom
            .and_then(|c| c.template.as_deref())
            .or_else(|| fallback.and_then(|c| c.template.as_deref()));
        let message_json = if message == "null" {
            "null".to_string()
        } else {
            serde_json::Value::String(message.to_string()).to_string()
        };
        let body = match template {
            Some(tpl) => {
                let mut b = tpl.replace("$context.error.messageString", &message_json);
                b = b.replace("$context.error.message", message);
                b = b.replace(
                    "$context.error.responseType",
                    ty.map(|t| t.name()).unwrap_or(""),
                );
                b = b.replace("$context.requestId", &self.request_id());
                b = b.replace("$context.identity.sourceIp", &req.source_ip.to_string());
                b = b.replace(
                    "$context.authorizer.principalId",
                    ctx.principal_id
                        .as_deref()
                        .or(ctx.lambda.as_ref().map(|l| l.principal_id.as_str()))
                        .unwrap_or(""),
                );
                b
            }
            None if message == "null" => "{\"message\": null}".to_string(),
            // The request validator's documented bodies carry a space after the colon.
            None if matches!(reason, Reason::MissingParameters | Reason::InvalidBody) => {
                format!("{{\"message\": {message_json}}}")
            }
            None if capital_m => format!("{{\"Message\":{message_json}}}"),
            None => format!("{{\"message\":{message_json}}}"),
        };
        let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        if let Some(et) = reason.error_type() {
            headers.push(("x-amzn-ErrorType".into(), et.into()));
        }
        // Header mappings: the specific type's, then DEFAULT_4XX/5XX's for names it does not set.
        let mut mapped: Vec<(String, String)> = Vec::new();
        for src in [custom, fallback].into_iter().flatten() {
            for (k, v) in &src.headers {
                if mapped.iter().any(|(x, _)| x.eq_ignore_ascii_case(k)) {
                    continue;
                }
                let v = v.trim();
                let val = if let Some(h) = v.strip_prefix("method.request.header.") {
                    req.header(h).map(str::to_string)
                } else if let Some(q) = v.strip_prefix("method.request.querystring.") {
                    req.query_param(q)
                } else {
                    Some(v.trim_matches('\'').to_string())
                };
                if let Some(val) = val {
                    mapped.push((k.clone(), val));
                }
            }
        }
        headers.extend(mapped);
        (Some(status), body, headers)
    }

    fn browser_check(
        &mut self,
        req: &Request,
        now: SimTime,
        status: Option<u16>,
        headers: &[(String, String)],
        trace: &mut FullTrace,
    ) -> BrowserVerdict {
        let url = format!(
            "https://{}{}",
            req.host().unwrap_or_else(|| self.cfg.api.default_host()),
            req.target
        );
        let mut preflight_resp: Option<(u16, Vec<(String, String)>)> = None;
        let needs = cors::preflight_reason(req);
        if let Some(why) = &needs {
            let pf = cors::browser_preflight_for(req);
            let mut ctx = Ctx::default();
            let v = self.decide(&pf, now, &mut ctx, &mut NoTrace);
            let (s, _, h) = self.render(&pf, &v, &ctx);
            trace.step(Stage::Cors, StepResult::Info, || {
                format!(
                    "a browser first sends a preflight ({why}): OPTIONS → {}",
                    s.map(|s| format!("{s} {}", status_phrase(s)))
                        .unwrap_or_else(|| "no response".into())
                )
            });
            preflight_resp = Some((s.unwrap_or(0), h));
        }
        let pre = preflight_resp.as_ref().map(|(s, h)| (*s, h.as_slice()));
        let preflight_ok = pre.is_none_or(|(s, _)| (200..300).contains(&s));
        let actual = status.filter(|_| preflight_ok).map(|s| (s, headers));
        let verdict = cors::browser_verdict(req, &url, pre, actual);
        trace.step(
            Stage::Cors,
            if verdict.allowed {
                StepResult::Pass
            } else {
                StepResult::Fail
            },
            || {
                if verdict.allowed {
                    format!(
                        "a page on {} can read this response",
                        req.header("origin").unwrap_or("")
                    )
                } else {
                    format!("the browser blocks it: {}", verdict.message)
                }
            },
        );
        for w in &verdict.warnings {
            trace.note(|| format!("warning: {w}"));
        }
        verdict
    }
}

enum LambdaOutcome {
    Policy(LambdaPolicy),
    Unauthorized(String),
    Error(String),
    Timeout,
    Malformed,
}

/// A Host header value without surrounding space or port.
fn host_only(h: &str) -> &str {
    let h = h.trim();
    match h.rsplit_once(':') {
        Some((name, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => h,
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn abbreviate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// Match route segments against request segments; a higher score is more specific.
fn match_segs(pattern: &[Seg], path: &str) -> Option<u128> {
    // Score digits (3 literal, 2 parameter, 1 greedy) in base 4 from the most
    // significant position, so comparing numbers compares specificity left to right.
    const MAX: u32 = 60;
    let mut segs = path.split('/').filter(|s| !s.is_empty());
    let mut score: u128 = 0;
    for (i, p) in pattern.iter().enumerate() {
        let weight = 4u128.pow(MAX.saturating_sub(i as u32 + 1));
        match p {
            Seg::Greedy => {
                segs.next()?;
                return Some(score + weight);
            }
            Seg::Lit(l) => {
                if segs.next()? != l.as_str() {
                    return None;
                }
                score += 3 * weight;
            }
            Seg::Param => {
                segs.next()?;
                score += 2 * weight;
            }
        }
    }
    segs.next().is_none().then_some(score)
}

/// WAF SQLi/XSS inspection of the configured request components.
fn inspect(req: &Request, r: &WafRule, body_kb: u32) -> Option<String> {
    let sens = match r.sensitivity.as_deref() {
        Some("high") => waf_detect::Sensitivity::High,
        _ => waf_detect::Sensitivity::Low,
    };
    let check = |what: &dyn Fn() -> String, s: &str| -> Option<String> {
        if s.is_empty() {
            return None;
        }
        let what = what();
        let d = match r.matcher {
            WafMatch::Sqli => waf_detect::detect_sqli(s, sens),
            _ => waf_detect::detect_xss(s),
        }?;
        // The explanation already names the decoding steps it needed.
        Some(format!(
            "{} in {what}: {}",
            if r.matcher == WafMatch::Sqli {
                "SQL injection"
            } else {
                "XSS"
            },
            d.explanation
        ))
    };
    for f in &r.fields {
        let hit = match f {
            WafField::Query => req
                .raw_query()
                .split('&')
                .filter(|p| !p.is_empty())
                .find_map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or(("", p));
                    check(&|| format!("query argument `{}`", abbreviate(k, 20)), v)
                }),
            WafField::Body => {
                let limit = (body_kb as usize) * 1024;
                let mut end = req.body.len().min(limit);
                while !req.body.is_char_boundary(end) {
                    end -= 1;
                }
                check(&|| "the body".to_string(), &req.body[..end])
            }
            WafField::Uri => check(&|| "the URI path".to_string(), req.path()),
            WafField::Cookies => req
                .cookies()
                .iter()
                .find_map(|(k, v)| check(&|| format!("cookie `{k}`"), v)),
            WafField::Headers => req
                .headers
                .iter()
                .filter(|(k, _)| {
                    !k.eq_ignore_ascii_case("authorization") && !k.eq_ignore_ascii_case("cookie")
                })
                .find_map(|(k, v)| check(&|| format!("header {k}"), v)),
        };
        if hit.is_some() {
            return hit;
        }
    }
    None
}
