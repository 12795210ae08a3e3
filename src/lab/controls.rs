//! The gateway panel's controls, derived from the configuration, and how a
//! changed value is written back. Ids are stable config paths (e.g.
//! `authorizers.orders-auth.ttl`), never list positions, so lessons and quiz
//! hints can point at them.

use crate::gateway::config::*;
use crate::gateway::outcome::Stage;
use crate::gateway::policy::{
    Effect, OneOrMany, PolicyDocument, Principal, Statement, parse_ip_or_cidr,
};
use crate::gateway::throttle::ThrottleSettings;
use std::collections::BTreeMap;

/// How a control is edited.
#[derive(Clone, Debug, PartialEq)]
pub enum ControlKind {
    Toggle(bool),
    Choice {
        options: Vec<String>,
        selected: usize,
    },
    Number {
        value: i64,
        min: i64,
        max: i64,
        unit: &'static str,
    },
    Text(String),
    List(Vec<String>),
}

/// One setting of the gateway panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Control {
    /// Config path, e.g. `authorizers.orders-auth.ttl`.
    pub id: String,
    pub label: String,
    /// The stage it belongs to (the panel groups by stage).
    pub group: Stage,
    pub kind: ControlKind,
    /// One line on what it does.
    pub help: String,
}

/// A new value for a control.
#[derive(Clone, Debug, PartialEq)]
pub enum ControlValue {
    Bool(bool),
    Choice(usize),
    Number(i64),
    Text(String),
    List(Vec<String>),
}

fn choice(options: &[&str], current: &str) -> ControlKind {
    ControlKind::Choice {
        options: options.iter().map(|s| s.to_string()).collect(),
        selected: options.iter().position(|o| *o == current).unwrap_or(0),
    }
}

fn c(id: String, label: impl Into<String>, group: Stage, kind: ControlKind, help: &str) -> Control {
    Control {
        id,
        label: label.into(),
        group,
        kind,
        help: help.to_string(),
    }
}

const AUTH_TYPES: [&str; 4] = ["NONE", "AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM"];
const ENDPOINTS: [&str; 3] = ["regional", "edge", "private"];
const WAF_ACTIONS: [&str; 3] = ["block", "count", "allow"];
const SCOPES: [&str; 3] = ["method-arn", "stage", "api"];
const REJECTS: [&str; 2] = ["unauthorized", "deny"];

/// The lab's id for a control path as lessons write it: routes as
/// `routes.<path> <METHOD>.<field>`, authorizer function fields under
/// `.function.`, quoted domain names, `throttle.rate`/`.burst`, `quota.limit`.
/// Ids already in the lab's form are returned unchanged.
pub fn canonical_id(id: &str) -> String {
    let id = id.replace('"', "");
    if let Some(rest) = id.strip_prefix("routes./") {
        // `/path METHOD.field...` -> `METHOD /path.field`
        if let Some((path, after)) = rest.split_once(' ') {
            let (method, field) = after.split_once('.').unwrap_or((after, ""));
            let field = match field {
                "throttle.rate" => "throttle-rate",
                "throttle.burst" => "throttle-burst",
                "integration.backend-cors" => "backend-cors",
                "integration.type" => "integration",
                f => f,
            };
            return format!("routes.{method} /{path}.{field}");
        }
    }
    if let Some(rest) = id.strip_prefix("authorizers.")
        && let Some((name, field)) = rest.split_once(".function.")
    {
        return format!("authorizers.{name}.{field}");
    }
    if let Some(rest) = id.strip_prefix("usage-plans.") {
        for (from, to) in [
            (".quota.limit", ".quota"),
            (".throttle.rate", ".rate"),
            (".throttle.burst", ".burst"),
        ] {
            if let Some(name) = rest.strip_suffix(from) {
                return format!("usage-plans.{name}{to}");
            }
        }
    }
    if let Some(rest) = id.strip_prefix("custom-domains.")
        && let Some(name) = rest.strip_suffix(".mutual-tls.truststore")
    {
        return format!("custom-domains.{name}.truststore");
    }
    if let Some(ty) = id
        .strip_prefix("gateway-responses.")
        .and_then(|r| r.strip_suffix(".headers"))
    {
        return format!("gateway-responses.{ty}.cors-origin");
    }
    id
}

/// Stage settings take effect without a deployment; everything else (methods,
/// authorizers, the resource policy, gateway responses, API settings) is
/// served only after the stage is redeployed.
pub fn applies_without_deploy(id: &str) -> bool {
    [
        "throttle.",
        "waf.",
        "usage-plans.",
        "api-keys.",
        "cors.",
        "custom-domains.",
    ]
    .iter()
    .any(|p| id.starts_with(p))
        || (id.starts_with("routes.")
            && (id.ends_with(".throttle-rate") || id.ends_with(".throttle-burst")))
}

/// The route key used in control ids: `GET /items`.
pub fn route_key(r: &Route) -> String {
    format!("{} {}", r.method, r.path)
}

/// Every control for a configuration, in pipeline order.
pub fn controls(g: &GatewayConfig) -> Vec<Control> {
    let mut v = Vec::new();
    v.push(c(
        "api.endpoint-type".into(),
        "Endpoint type",
        Stage::Endpoint,
        choice(
            &ENDPOINTS,
            match g.api.endpoint_type {
                EndpointType::Regional => "regional",
                EndpointType::Edge => "edge",
                EndpointType::Private => "private",
            },
        ),
        "Regional, edge-optimized, or private (reachable only through a VPC endpoint)",
    ));
    v.push(c(
        "api.disable-execute-api-endpoint".into(),
        "Disable default endpoint",
        Stage::Endpoint,
        ControlKind::Toggle(g.api.disable_execute_api_endpoint),
        "force clients onto the custom domain (closes the mTLS bypass)",
    ));
    for d in &g.custom_domains {
        let p = format!("custom-domains.{}", d.name);
        let pol: Vec<&str> = KNOWN_POLICIES.to_vec();
        v.push(c(
            format!("{p}.security-policy"),
            format!("{} TLS policy", d.name),
            Stage::Tls,
            choice(&pol, &d.security_policy),
            "minimum TLS version clients must offer",
        ));
        v.push(c(
            format!("{p}.mutual-tls"),
            format!("{} mutual TLS", d.name),
            Stage::Mtls,
            ControlKind::Toggle(d.mutual_tls.is_some()),
            "require a client certificate from a CA in the truststore",
        ));
        if let Some(m) = &d.mutual_tls {
            v.push(c(
                format!("{p}.truststore"),
                format!("{} truststore", d.name),
                Stage::Mtls,
                ControlKind::List(m.truststore.clone()),
                "names of CA certificates that may issue client certificates",
            ));
        }
    }
    if let Some(w) = &g.waf {
        v.push(c(
            "waf.enabled".into(),
            "Web ACL attached",
            Stage::Waf,
            ControlKind::Toggle(w.enabled),
            "associate the web ACL with the stage",
        ));
        v.push(c(
            "waf.default-action".into(),
            "Default action",
            Stage::Waf,
            choice(
                &["allow", "block"],
                if w.default_action == WafDefaultAction::Allow {
                    "allow"
                } else {
                    "block"
                },
            ),
            "what happens when no rule terminates",
        ));
        for r in &w.rules {
            let act = match r.action {
                WafAction::Block => "block",
                WafAction::Allow => "allow",
                WafAction::Count => "count",
            };
            v.push(c(
                format!("waf.rules.{}.action", r.name),
                format!("Rule {} ({:?})", r.name, r.matcher),
                Stage::Waf,
                choice(&WAF_ACTIONS, act),
                "block, count only, or allow and stop evaluating",
            ));
        }
        for s in &w.ip_sets {
            v.push(c(
                format!("waf.ip-sets.{}", s.name),
                format!("IP set {}", s.name),
                Stage::Waf,
                ControlKind::List(s.addresses.clone()),
                "addresses or CIDR blocks",
            ));
        }
    } else {
        v.push(c(
            "waf.enabled".into(),
            "Web ACL attached",
            Stage::Waf,
            ControlKind::Toggle(false),
            "attach a web ACL with SQLi and XSS rules",
        ));
    }
    v.push(c(
        "resource-policy".into(),
        "Resource policy",
        Stage::ResourcePolicy,
        ControlKind::List(g.resource_policy.as_ref().map(|d| d.statements.iter().map(statement_line).collect()).unwrap_or_default()),
        "one statement per line: EFFECT PRINCIPAL RESOURCE [if OPERATOR KEY VALUE,...]  e.g. Allow * execute-api:/* if IpAddress aws:SourceIp 10.0.0.0/8",
    ));
    for r in &g.routes {
        let k = route_key(r);
        let p = format!("routes.{k}");
        v.push(c(
            format!("{p}.authorization"),
            format!("{k} authorization"),
            Stage::Authorizer,
            choice(&AUTH_TYPES, r.authorization.aws_name()),
            "who may call the method: nobody checked, IAM (SigV4), Cognito, or a Lambda authorizer",
        ));
        let wanted = match r.authorization {
            AuthorizationType::CognitoUserPools => Some(true),
            AuthorizationType::Custom => Some(false),
            _ => None,
        };
        if let Some(cog) = wanted {
            let names: Vec<&str> = g
                .authorizers
                .iter()
                .filter(|a| (a.kind == AuthorizerType::CognitoUserPools) == cog)
                .map(|a| a.name.as_str())
                .collect();
            if !names.is_empty() {
                v.push(c(
                    format!("{p}.authorizer"),
                    format!("{k} authorizer"),
                    Stage::Authorizer,
                    choice(&names, r.authorizer.as_deref().unwrap_or("")),
                    "which authorizer checks the caller",
                ));
            }
        }
        if r.authorization == AuthorizationType::CognitoUserPools {
            v.push(c(
                format!("{p}.scopes"),
                format!("{k} OAuth scopes"),
                Stage::Authorizer,
                ControlKind::List(r.scopes.clone()),
                "with scopes the method wants an access token holding any one of them",
            ));
        }
        v.push(c(
            format!("{p}.api-key-required"),
            format!("{k} API key required"),
            Stage::UsagePlan,
            ControlKind::Toggle(r.api_key_required),
            "require an API key of a usage plan (identifies callers; does not authenticate them)",
        ));
        let (rate, burst) = r
            .throttle
            .map(|t| (t.rate as i64, t.burst as i64))
            .unwrap_or((0, 0));
        v.push(c(
            format!("{p}.throttle-rate"),
            format!("{k} method rate"),
            Stage::Throttle,
            ControlKind::Number {
                value: rate,
                min: 0,
                max: 10_000,
                unit: "rps",
            },
            "method-level throttle; 0 rate and 0 burst = use the stage default",
        ));
        v.push(c(
            format!("{p}.throttle-burst"),
            format!("{k} method burst"),
            Stage::Throttle,
            ControlKind::Number {
                value: burst,
                min: 0,
                max: 5_000,
                unit: "requests",
            },
            "bucket size of the method throttle",
        ));
        v.push(c(
            format!("{p}.cors"),
            format!("{k} Enable CORS"),
            Stage::Cors,
            ControlKind::Toggle(r.cors),
            "MOCK OPTIONS answers preflights; non-proxy responses get Access-Control-Allow-Origin",
        ));
        let kinds: Vec<&str> = IntegrationType::ALL.iter().map(|t| t.id()).collect();
        v.push(c(
            format!("{p}.integration"),
            format!("{k} integration"),
            Stage::Integration,
            choice(&kinds, r.integration.kind.id()),
            "proxy integrations pass everything to the backend, which must set CORS headers itself",
        ));
        if r.integration.kind.is_proxy() {
            v.push(c(
                format!("{p}.backend-cors"),
                format!("{k} backend returns CORS headers"),
                Stage::Cors,
                ControlKind::Toggle(r.integration.backend_cors),
                "for proxy integrations only the backend can add them",
            ));
        }
    }
    for a in &g.authorizers {
        let p = format!("authorizers.{}", a.name);
        v.push(c(
            format!("{p}.ttl"),
            format!("{} cache TTL", a.name),
            Stage::Authorizer,
            ControlKind::Number {
                value: a.ttl as i64,
                min: 0,
                max: MAX_AUTHORIZER_TTL as i64,
                unit: "s",
            },
            "0 disables caching; default 300; maximum 3600",
        ));
        if let Some(f) = &a.function {
            let b: Vec<&str> = Behaviour::ALL.iter().map(|b| b.id()).collect();
            v.push(c(
                format!("{p}.behaviour"),
                format!("{} function", a.name),
                Stage::Authorizer,
                choice(&b, f.behaviour.id()),
                "what the Lambda function does",
            ));
            let scope = match f.policy_resource {
                PolicyScope::MethodArn => "method-arn",
                PolicyScope::Stage => "stage",
                PolicyScope::Api => "api",
            };
            v.push(c(format!("{p}.policy-resource"), format!("{} policy covers", a.name), Stage::Authorizer, choice(&SCOPES, scope), "method-arn scopes the cached policy to the first call's path (the classic pitfall)"));
            v.push(c(
                format!("{p}.on-reject"),
                format!("{} rejects with", a.name),
                Stage::Authorizer,
                choice(
                    &REJECTS,
                    if f.on_reject == RejectWith::Deny {
                        "deny"
                    } else {
                        "unauthorized"
                    },
                ),
                "throw Unauthorized (401) or return a Deny policy (403)",
            ));
            if f.behaviour == Behaviour::AllowIfHeader {
                v.push(c(
                    format!("{p}.values"),
                    format!("{} accepted values", a.name),
                    Stage::Authorizer,
                    ControlKind::List(f.values.clone()),
                    "values the function accepts",
                ));
            }
            if f.behaviour == Behaviour::AllowIfSourceIp {
                v.push(c(
                    format!("{p}.cidrs"),
                    format!("{} accepted CIDRs", a.name),
                    Stage::Authorizer,
                    ControlKind::List(f.cidrs.clone()),
                    "source addresses the function accepts",
                ));
            }
        }
        if a.kind == AuthorizerType::Token {
            v.push(c(
                format!("{p}.validation-regex"),
                format!("{} token regex", a.name),
                Stage::Authorizer,
                ControlKind::Text(a.validation_regex.clone().unwrap_or_default()),
                "checked before invoking the Lambda; empty = none",
            ));
        }
    }
    for k in &g.api_keys {
        v.push(c(
            format!("api-keys.{}.enabled", k.name),
            format!("API key {} enabled", k.name),
            Stage::UsagePlan,
            ControlKind::Toggle(k.enabled),
            "a disabled key gets 403",
        ));
    }
    for p in &g.usage_plans {
        let id = format!("usage-plans.{}", p.name);
        let (rate, burst) = p
            .throttle
            .map(|t| (t.rate as i64, t.burst as i64))
            .unwrap_or((0, 0));
        v.push(c(
            format!("{id}.rate"),
            format!("Plan {} rate", p.name),
            Stage::UsagePlan,
            ControlKind::Number {
                value: rate,
                min: 0,
                max: 10_000,
                unit: "rps",
            },
            "per-key steady rate; 0 rate and 0 burst = no per-key throttle",
        ));
        v.push(c(
            format!("{id}.burst"),
            format!("Plan {} burst", p.name),
            Stage::UsagePlan,
            ControlKind::Number {
                value: burst,
                min: 0,
                max: 5_000,
                unit: "requests",
            },
            "per-key bucket size",
        ));
        v.push(c(
            format!("{id}.quota"),
            format!("Plan {} quota", p.name),
            Stage::UsagePlan,
            ControlKind::Number {
                value: p.quota.map(|q| q.limit as i64).unwrap_or(0),
                min: 0,
                max: 1_000_000_000,
                unit: "requests",
            },
            "requests per quota period; 0 = no quota",
        ));
    }
    let (sr, sb) = g
        .throttle
        .stage
        .map(|t| (t.rate as i64, t.burst as i64))
        .unwrap_or((0, 0));
    v.push(c(
        "throttle.stage-rate".into(),
        "Stage rate",
        Stage::Throttle,
        ControlKind::Number {
            value: sr,
            min: 0,
            max: 10_000,
            unit: "rps",
        },
        "stage default for every method; 0 and 0 = none",
    ));
    v.push(c(
        "throttle.stage-burst".into(),
        "Stage burst",
        Stage::Throttle,
        ControlKind::Number {
            value: sb,
            min: 0,
            max: 5_000,
            unit: "requests",
        },
        "bucket size of the stage default",
    ));
    v.push(c(
        "throttle.account-rate".into(),
        "Account rate",
        Stage::Throttle,
        ControlKind::Number {
            value: g.throttle.account.rate as i64,
            min: 1,
            max: 100_000,
            unit: "rps",
        },
        "per Region, all APIs of the account (default 10,000)",
    ));
    v.push(c(
        "throttle.account-burst".into(),
        "Account burst",
        Stage::Throttle,
        ControlKind::Number {
            value: g.throttle.account.burst as i64,
            min: 1,
            max: 50_000,
            unit: "requests",
        },
        "default 5,000",
    ));
    let cors = g.cors.clone().unwrap_or_default();
    v.push(c(
        "cors.allow-origins".into(),
        "CORS allowed origins",
        Stage::Cors,
        ControlKind::List(cors.allow_origins.clone()),
        "exact origins like https://app.example.com; avoid *",
    ));
    v.push(c(
        "cors.allow-methods".into(),
        "CORS allowed methods",
        Stage::Cors,
        ControlKind::List(cors.allow_methods.clone()),
        "empty = the resource's methods",
    ));
    v.push(c(
        "cors.allow-headers".into(),
        "CORS allowed headers",
        Stage::Cors,
        ControlKind::List(cors.allow_headers.clone()),
        "request headers a preflight may ask for",
    ));
    v.push(c(
        "cors.allow-credentials".into(),
        "CORS allow credentials",
        Stage::Cors,
        ControlKind::Toggle(cors.allow_credentials),
        "cookies; never together with origin *",
    ));
    let d4 = g
        .gateway_responses
        .get(&ResponseType::DEFAULT_4XX)
        .and_then(|r| r.headers.get("Access-Control-Allow-Origin"))
        .cloned()
        .unwrap_or_default();
    v.push(c(
        "gateway-responses.DEFAULT_4XX.cors-origin".into(),
        "DEFAULT_4XX Allow-Origin",
        Stage::Cors,
        ControlKind::Text(d4),
        "e.g. 'https://app.example.com' so browsers can read 4XX errors; empty = none",
    ));
    let d5 = g
        .gateway_responses
        .get(&ResponseType::DEFAULT_5XX)
        .and_then(|r| r.headers.get("Access-Control-Allow-Origin"))
        .cloned()
        .unwrap_or_default();
    v.push(c(
        "gateway-responses.DEFAULT_5XX.cors-origin".into(),
        "DEFAULT_5XX Allow-Origin",
        Stage::Cors,
        ControlKind::Text(d5),
        "the same for 5XX errors",
    ));
    v
}

/// A statement as one editable line.
pub fn statement_line(s: &Statement) -> String {
    let eff = if s.effect == Effect::Allow {
        "Allow"
    } else {
        "Deny"
    };
    let principal = match &s.principal {
        None => "-".to_string(),
        Some(Principal::Star(x)) => x.clone(),
        Some(Principal::Map(m)) => m
            .values()
            .flat_map(|v| v.as_slice())
            .cloned()
            .collect::<Vec<_>>()
            .join(","),
    };
    let res = s
        .resource
        .as_ref()
        .map(|r| r.as_slice().join(","))
        .unwrap_or_else(|| "*".into());
    let mut line = format!("{eff} {principal} {res}");
    for (op, keys) in &s.condition {
        for (k, vals) in keys {
            line.push_str(&format!(" if {op} {k} {}", vals.as_slice().join(",")));
        }
    }
    line
}

/// Parse a statement line (see [`statement_line`]).
pub fn parse_statement_line(line: &str) -> Result<Statement, String> {
    let mut parts = line.split_whitespace();
    let eff = match parts.next() {
        Some(e) if e.eq_ignore_ascii_case("allow") => Effect::Allow,
        Some(e) if e.eq_ignore_ascii_case("deny") => Effect::Deny,
        other => {
            return Err(format!(
                "a statement starts with Allow or Deny, not `{}`",
                other.unwrap_or("")
            ));
        }
    };
    let principal = parts
        .next()
        .ok_or("missing principal (use * or an account id or IAM ARN)")?;
    let resource = parts
        .next()
        .ok_or("missing resource (e.g. execute-api:/*)")?;
    let mut condition: BTreeMap<String, BTreeMap<String, OneOrMany>> = BTreeMap::new();
    loop {
        match parts.next() {
            None => break,
            Some(w) if w.eq_ignore_ascii_case("if") => {
                let op = parts.next().ok_or("`if` needs an operator, a key and values, e.g. if IpAddress aws:SourceIp 10.0.0.0/8")?;
                let key = parts
                    .next()
                    .ok_or("missing condition key, e.g. aws:SourceIp")?;
                let vals = parts.next().ok_or("missing condition values")?;
                let list: Vec<String> = vals
                    .split(',')
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect();
                if op.contains("IpAddress") {
                    for x in &list {
                        if parse_ip_or_cidr(x).is_none() {
                            return Err(format!("`{x}` is not an IP address or CIDR block"));
                        }
                    }
                }
                condition
                    .entry(op.to_string())
                    .or_default()
                    .insert(key.to_string(), OneOrMany::Many(list));
            }
            Some(w) => return Err(format!("unexpected `{w}`; conditions start with `if`")),
        }
    }
    let principal = match principal {
        "-" => None,
        "*" => Some(Principal::Star("*".into())),
        p => Some(Principal::Map(BTreeMap::from([(
            "AWS".to_string(),
            OneOrMany::Many(p.split(',').map(str::to_string).collect()),
        )]))),
    };
    Ok(Statement {
        sid: None,
        effect: eff,
        principal,
        action: Some(OneOrMany::One("execute-api:Invoke".into())),
        not_action: None,
        resource: Some(OneOrMany::Many(
            resource.split(',').map(str::to_string).collect(),
        )),
        not_resource: None,
        condition,
    })
}

fn want_bool(v: &ControlValue) -> Result<bool, String> {
    match v {
        ControlValue::Bool(b) => Ok(*b),
        _ => Err("expected on/off".into()),
    }
}
fn want_num(v: &ControlValue) -> Result<i64, String> {
    match v {
        ControlValue::Number(n) => Ok(*n),
        ControlValue::Text(t) => t
            .trim()
            .parse()
            .map_err(|_| format!("`{t}` is not a whole number")),
        _ => Err("expected a number".into()),
    }
}
fn want_list(v: &ControlValue) -> Result<Vec<String>, String> {
    match v {
        ControlValue::List(l) => Ok(l
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()),
        _ => Err("expected a list".into()),
    }
}
fn want_text(v: &ControlValue) -> Result<String, String> {
    match v {
        ControlValue::Text(t) => Ok(t.clone()),
        _ => Err("expected text".into()),
    }
}
fn want_choice<'a>(v: &ControlValue, options: &[&'a str]) -> Result<&'a str, String> {
    match v {
        ControlValue::Choice(i) => options
            .get(*i)
            .copied()
            .ok_or_else(|| "choice out of range".into()),
        ControlValue::Text(t) => options
            .iter()
            .find(|o| **o == t.as_str())
            .copied()
            .ok_or_else(|| format!("`{t}` is not one of {}", options.join(", "))),
        _ => Err("expected a choice".into()),
    }
}

fn throttle_from(rate: i64, burst: i64) -> Option<ThrottleSettings> {
    (rate > 0 || burst > 0).then_some(ThrottleSettings {
        rate: rate.max(0) as f64,
        burst: burst.max(0) as u32,
    })
}

/// Write a control's new value into the configuration. The caller validates
/// the result by building a gateway.
pub fn apply(g: &mut GatewayConfig, id: &str, v: ControlValue) -> Result<(), String> {
    let unknown = || format!("no setting `{id}`");
    if let Some(rest) = id.strip_prefix("routes.") {
        let (key, field) = rest.rsplit_once('.').ok_or_else(unknown)?;
        let authorizers: Vec<(String, AuthorizerType)> = g
            .authorizers
            .iter()
            .map(|a| (a.name.clone(), a.kind))
            .collect();
        let r = g
            .routes
            .iter_mut()
            .find(|r| route_key(r) == key)
            .ok_or_else(unknown)?;
        match field {
            "authorization" => {
                let a = want_choice(&v, &AUTH_TYPES)?;
                r.authorization =
                    AuthorizationType::ALL[AUTH_TYPES.iter().position(|x| *x == a).unwrap_or(0)];
                let cog = r.authorization == AuthorizationType::CognitoUserPools;
                r.authorizer = match r.authorization {
                    AuthorizationType::CognitoUserPools | AuthorizationType::Custom => {
                        let keep = r.authorizer.as_ref().filter(|n| {
                            authorizers.iter().any(|(x, k)| {
                                x == *n && (*k == AuthorizerType::CognitoUserPools) == cog
                            })
                        });
                        match keep {
                            Some(n) => Some(n.clone()),
                            None => Some(
                                authorizers
                                    .iter()
                                    .find(|(_, k)| (*k == AuthorizerType::CognitoUserPools) == cog)
                                    .map(|(n, _)| n.clone())
                                    .ok_or_else(|| {
                                        format!(
                                            "this lab has no {} authorizer",
                                            if cog { "Cognito" } else { "Lambda" }
                                        )
                                    })?,
                            ),
                        }
                    }
                    _ => None,
                };
                if !cog {
                    r.scopes.clear();
                }
            }
            "authorizer" => {
                let names: Vec<&str> = authorizers.iter().map(|(n, _)| n.as_str()).collect();
                let n = match &v {
                    ControlValue::Text(t) => t.clone(),
                    ControlValue::Choice(_) => {
                        let cog = r.authorization == AuthorizationType::CognitoUserPools;
                        let fitting: Vec<&str> = authorizers
                            .iter()
                            .filter(|(_, k)| (*k == AuthorizerType::CognitoUserPools) == cog)
                            .map(|(n, _)| n.as_str())
                            .collect();
                        want_choice(&v, &fitting)?.to_string()
                    }
                    _ => return Err("expected an authorizer name".into()),
                };
                if !names.contains(&n.as_str()) {
                    return Err(format!("no authorizer `{n}`"));
                }
                r.authorizer = Some(n);
            }
            "scopes" => r.scopes = want_list(&v)?,
            "api-key-required" => r.api_key_required = want_bool(&v)?,
            "throttle-rate" => {
                let b = r.throttle.map(|t| t.burst as i64).unwrap_or(0);
                r.throttle = throttle_from(want_num(&v)?, b);
            }
            "throttle-burst" => {
                let rate = r.throttle.map(|t| t.rate as i64).unwrap_or(0);
                r.throttle = throttle_from(rate, want_num(&v)?);
            }
            "cors" => r.cors = want_bool(&v)?,
            "integration" => {
                let kinds: Vec<&str> = IntegrationType::ALL.iter().map(|t| t.id()).collect();
                let k = want_choice(&v, &kinds)?;
                r.integration.kind =
                    IntegrationType::ALL[kinds.iter().position(|x| *x == k).unwrap_or(0)];
                if !r.integration.kind.is_proxy() {
                    r.integration.backend_cors = false;
                }
            }
            "backend-cors" => r.integration.backend_cors = want_bool(&v)?,
            _ => return Err(unknown()),
        }
        return Ok(());
    }
    if let Some(rest) = id.strip_prefix("authorizers.") {
        let (name, field) = rest.rsplit_once('.').ok_or_else(unknown)?;
        let a = g
            .authorizers
            .iter_mut()
            .find(|a| a.name == name)
            .ok_or_else(unknown)?;
        match field {
            "ttl" => {
                let n = want_num(&v)?;
                if !(0..=MAX_AUTHORIZER_TTL as i64).contains(&n) {
                    return Err(format!(
                        "TTL {n} s is outside 0 to 3600 (0 disables caching)"
                    ));
                }
                a.ttl = n as u32;
            }
            "validation-regex" => {
                let t = want_text(&v)?;
                if !t.is_empty() {
                    regex::Regex::new(&t).map_err(|e| {
                        format!(
                            "invalid regex: {}",
                            e.to_string().lines().last().unwrap_or("")
                        )
                    })?;
                }
                a.validation_regex = (!t.is_empty()).then_some(t);
            }
            f => {
                let func = a.function.as_mut().ok_or_else(unknown)?;
                match f {
                    "behaviour" => {
                        let b: Vec<&str> = Behaviour::ALL.iter().map(|b| b.id()).collect();
                        let x = want_choice(&v, &b)?;
                        func.behaviour =
                            Behaviour::ALL[b.iter().position(|y| *y == x).unwrap_or(0)];
                    }
                    "policy-resource" => {
                        func.policy_resource = match want_choice(&v, &SCOPES)? {
                            "method-arn" => PolicyScope::MethodArn,
                            "api" => PolicyScope::Api,
                            _ => PolicyScope::Stage,
                        }
                    }
                    "on-reject" => {
                        func.on_reject = if want_choice(&v, &REJECTS)? == "deny" {
                            RejectWith::Deny
                        } else {
                            RejectWith::Unauthorized
                        }
                    }
                    "values" => func.values = want_list(&v)?,
                    "cidrs" => {
                        let l = want_list(&v)?;
                        for x in &l {
                            if parse_ip_or_cidr(x).is_none() {
                                return Err(format!("`{x}` is not a CIDR block"));
                            }
                        }
                        func.cidrs = l;
                    }
                    _ => return Err(unknown()),
                }
            }
        }
        return Ok(());
    }
    if let Some(rest) = id.strip_prefix("custom-domains.") {
        let (name, field) = rest.rsplit_once('.').ok_or_else(unknown)?;
        let cas: Vec<String> = g
            .certificates
            .iter()
            .filter(|c| c.ca)
            .map(|c| c.name.clone())
            .collect();
        let d = g
            .custom_domains
            .iter_mut()
            .find(|d| d.name == name)
            .ok_or_else(unknown)?;
        match field {
            "security-policy" => d.security_policy = want_choice(&v, KNOWN_POLICIES)?.to_string(),
            "mutual-tls" => {
                d.mutual_tls = if want_bool(&v)? {
                    if cas.is_empty() {
                        return Err("this lab defines no CA certificate for a truststore".into());
                    }
                    Some(d.mutual_tls.clone().unwrap_or(MutualTlsConfig {
                        truststore: cas.into_iter().take(1).collect(),
                    }))
                } else {
                    None
                }
            }
            "truststore" => {
                let m = d.mutual_tls.as_mut().ok_or("turn mutual TLS on first")?;
                m.truststore = want_list(&v)?;
            }
            _ => return Err(unknown()),
        }
        return Ok(());
    }
    if let Some(rest) = id.strip_prefix("waf.rules.") {
        let (name, _) = rest.rsplit_once('.').ok_or_else(unknown)?;
        let w = g.waf.as_mut().ok_or_else(unknown)?;
        let r = w
            .rules
            .iter_mut()
            .find(|r| r.name == name)
            .ok_or_else(unknown)?;
        r.action = match want_choice(&v, &WAF_ACTIONS)? {
            "block" => WafAction::Block,
            "allow" => WafAction::Allow,
            _ => WafAction::Count,
        };
        if r.action != WafAction::Block {
            r.custom_response = None;
        }
        return Ok(());
    }
    if let Some(name) = id.strip_prefix("waf.ip-sets.") {
        let w = g.waf.as_mut().ok_or_else(unknown)?;
        let s = w
            .ip_sets
            .iter_mut()
            .find(|s| s.name == name)
            .ok_or_else(unknown)?;
        let l = want_list(&v)?;
        for x in &l {
            if parse_ip_or_cidr(x).is_none() {
                return Err(format!("`{x}` is not an IP address or CIDR block"));
            }
        }
        s.addresses = l;
        return Ok(());
    }
    if let Some(rest) = id.strip_prefix("api-keys.") {
        let (name, _) = rest.rsplit_once('.').ok_or_else(unknown)?;
        let k = g
            .api_keys
            .iter_mut()
            .find(|k| k.name == name)
            .ok_or_else(unknown)?;
        k.enabled = want_bool(&v)?;
        return Ok(());
    }
    if let Some(rest) = id.strip_prefix("usage-plans.") {
        let (name, field) = rest.rsplit_once('.').ok_or_else(unknown)?;
        let p = g
            .usage_plans
            .iter_mut()
            .find(|p| p.name == name)
            .ok_or_else(unknown)?;
        let (rate, burst) = p
            .throttle
            .map(|t| (t.rate as i64, t.burst as i64))
            .unwrap_or((0, 0));
        match field {
            "rate" => p.throttle = throttle_from(want_num(&v)?, burst),
            "burst" => p.throttle = throttle_from(rate, want_num(&v)?),
            "quota" => {
                let n = want_num(&v)?;
                if n < 0 {
                    return Err("a quota cannot be negative".into());
                }
                p.quota = if n == 0 {
                    None
                } else {
                    let mut q = p.quota.unwrap_or(crate::gateway::quota::QuotaSettings {
                        limit: 0,
                        period: crate::gateway::quota::QuotaPeriod::Day,
                        offset: 0,
                    });
                    q.limit = n as u64;
                    Some(q)
                };
            }
            _ => return Err(unknown()),
        }
        return Ok(());
    }
    if let Some(rest) = id.strip_prefix("gateway-responses.") {
        let (ty, _) = rest.split_once('.').ok_or_else(unknown)?;
        let ty = ResponseType::ALL
            .iter()
            .copied()
            .find(|t| t.name() == ty)
            .ok_or_else(unknown)?;
        let val = want_text(&v)?;
        let val = val.trim().to_string();
        let entry = g.gateway_responses.entry(ty).or_default();
        if val.is_empty() {
            entry.headers.remove("Access-Control-Allow-Origin");
        } else {
            let quoted = if val.starts_with('\'') || val.starts_with("method.request.") {
                val
            } else {
                format!("'{val}'")
            };
            entry
                .headers
                .insert("Access-Control-Allow-Origin".into(), quoted);
        }
        if entry == &GatewayResponseConfig::default() {
            g.gateway_responses.remove(&ty);
        }
        return Ok(());
    }
    match id {
        "api.endpoint-type" => {
            g.api.endpoint_type = match want_choice(&v, &ENDPOINTS)? {
                "edge" => EndpointType::Edge,
                "private" => EndpointType::Private,
                _ => EndpointType::Regional,
            }
        }
        "api.disable-execute-api-endpoint" => g.api.disable_execute_api_endpoint = want_bool(&v)?,
        "waf.enabled" => {
            let on = want_bool(&v)?;
            match &mut g.waf {
                Some(w) => w.enabled = on,
                None if on => {
                    g.waf = Some(default_web_acl());
                }
                None => {}
            }
        }
        "waf.default-action" => {
            let w = g.waf.as_mut().ok_or_else(unknown)?;
            w.default_action = if want_choice(&v, &["allow", "block"])? == "block" {
                WafDefaultAction::Block
            } else {
                WafDefaultAction::Allow
            };
        }
        "resource-policy" => {
            let lines = want_list(&v)?;
            if lines.is_empty() {
                g.resource_policy = None;
            } else {
                let mut statements = Vec::new();
                for (i, l) in lines.iter().enumerate() {
                    statements
                        .push(parse_statement_line(l).map_err(|e| format!("line {}: {e}", i + 1))?);
                }
                g.resource_policy = Some(PolicyDocument {
                    version: "2012-10-17".into(),
                    statements,
                });
            }
        }
        "throttle.stage-rate" | "throttle.stage-burst" => {
            let (rate, burst) = g
                .throttle
                .stage
                .map(|t| (t.rate as i64, t.burst as i64))
                .unwrap_or((0, 0));
            let n = want_num(&v)?;
            g.throttle.stage = if id.ends_with("rate") {
                throttle_from(n, burst)
            } else {
                throttle_from(rate, n)
            };
        }
        "throttle.account-rate" => g.throttle.account.rate = want_num(&v)?.max(1) as f64,
        "throttle.account-burst" => g.throttle.account.burst = want_num(&v)?.max(1) as u32,
        "cors.allow-origins"
        | "cors.allow-methods"
        | "cors.allow-headers"
        | "cors.allow-credentials" => {
            let c = g.cors.get_or_insert_with(Default::default);
            match id {
                "cors.allow-origins" => c.allow_origins = want_list(&v)?,
                "cors.allow-methods" => c.allow_methods = want_list(&v)?,
                "cors.allow-headers" => c.allow_headers = want_list(&v)?,
                _ => c.allow_credentials = want_bool(&v)?,
            }
        }
        _ => return Err(unknown()),
    }
    Ok(())
}

/// The web ACL the lab attaches when a learner switches WAF on: SQLi and XSS
/// rules on query, body and URI, blocking.
pub fn default_web_acl() -> WafConfig {
    let rule = |name: &str, priority, matcher| WafRule {
        name: name.into(),
        priority,
        action: WafAction::Block,
        matcher,
        fields: vec![
            WafField::Query,
            WafField::Body,
            WafField::Uri,
            WafField::Cookies,
        ],
        sensitivity: None,
        ip_set: None,
        limit: None,
        window_secs: None,
        header: None,
        value: None,
        custom_response: None,
    };
    WafConfig {
        enabled: true,
        default_action: WafDefaultAction::Allow,
        body_inspection_kb: 16,
        rules: vec![
            rule("sqli", 1, WafMatch::Sqli),
            rule("xss", 2, WafMatch::Xss),
        ],
        ip_sets: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lesson_control_paths_map_to_lab_ids() {
        assert_eq!(
            canonical_id("routes./users/{id} DELETE.authorization"),
            "routes.DELETE /users/{id}.authorization"
        );
        assert_eq!(
            canonical_id("routes./search GET.throttle.burst"),
            "routes.GET /search.throttle-burst"
        );
        assert_eq!(
            canonical_id("routes./orders PUT.integration.backend-cors"),
            "routes.PUT /orders.backend-cors"
        );
        assert_eq!(
            canonical_id("authorizers.a.function.policy-resource"),
            "authorizers.a.policy-resource"
        );
        assert_eq!(
            canonical_id("usage-plans.trial.quota.limit"),
            "usage-plans.trial.quota"
        );
        assert_eq!(
            canonical_id("custom-domains.\"api.example.com\".mutual-tls.truststore"),
            "custom-domains.api.example.com.truststore"
        );
        assert_eq!(
            canonical_id("gateway-responses.DEFAULT_4XX.headers"),
            "gateway-responses.DEFAULT_4XX.cors-origin"
        );
        assert_eq!(canonical_id("authorizers.a.ttl"), "authorizers.a.ttl");
    }

    #[test]
    fn statement_lines_round_trip() {
        let l = "Deny * execute-api:/* if NotIpAddress aws:SourceIp 10.0.0.0/8,192.0.2.0/24";
        let s = parse_statement_line(l).unwrap();
        assert_eq!(statement_line(&s), l);
        assert!(parse_statement_line("Permit * x").is_err());
        assert!(
            parse_statement_line("Allow * x if IpAddress aws:SourceIp 10.0.0.0/99")
                .unwrap_err()
                .contains("10.0.0.0/99")
        );
    }

    #[test]
    fn ttl_out_of_range_is_refused_with_reason() {
        let mut g: GatewayConfig = toml::from_str(
            "[[authorizers]]\nname = \"a\"\ntype = \"TOKEN\"\nfunction = { behaviour = \"allow\" }\n",
        )
        .unwrap();
        let e = apply(&mut g, "authorizers.a.ttl", ControlValue::Number(4000)).unwrap_err();
        assert!(e.contains("3600"), "{e}");
        apply(&mut g, "authorizers.a.ttl", ControlValue::Number(0)).unwrap();
        assert_eq!(g.authorizers[0].ttl, 0);
        assert!(apply(&mut g, "authorizers.nope.ttl", ControlValue::Number(1)).is_err());
    }

    #[test]
    fn every_listed_control_can_be_written_back() {
        let g: GatewayConfig = toml::from_str(
            r#"
            [[routes]]
            path = "/items"
            method = "GET"
            authorization = "CUSTOM"
            authorizer = "a"
            [[authorizers]]
            name = "a"
            type = "TOKEN"
            function = { behaviour = "allow-if-header", values = ["allow"] }
            [[api-keys]]
            name = "k"
            value = "abcdefghijklmnopqrstuvwxyz"
            [[usage-plans]]
            name = "p"
            stages = ["prod"]
            keys = ["k"]
            "#,
        )
        .unwrap();
        for ctl in controls(&g) {
            let mut g2 = g.clone();
            let v = match &ctl.kind {
                ControlKind::Toggle(b) => ControlValue::Bool(*b),
                ControlKind::Choice { selected, .. } => ControlValue::Choice(*selected),
                ControlKind::Number { value, .. } => ControlValue::Number(*value),
                ControlKind::Text(t) => ControlValue::Text(t.clone()),
                ControlKind::List(l) => ControlValue::List(l.clone()),
            };
            apply(&mut g2, &ctl.id, v).unwrap_or_else(|e| panic!("{}: {e}", ctl.id));
        }
    }
}
