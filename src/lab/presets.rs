//! One-key request presets: the requests a learner reaches for (a valid or
//! tampered token, a signed request, each API key, a browser call from a
//! trusted or untrusted origin, an attack ...), derived from what the
//! scenario defines so every preset makes sense for the lab at hand.

use crate::gateway::config::{AuthorizationType, GatewayConfig, Route};
use crate::gateway::request::{Request, Scheme, TlsVersion};
use crate::gateway::time::SimTime;
use crate::scenario::{
    IssuerTokenSpec, Scenario, ScenarioRequest, SignSpec, TokenSpec, build_request,
};

/// A preset in the request builder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    pub id: String,
    pub label: String,
    /// Auth, Keys, Browser, Attacks, TLS.
    pub group: String,
}

fn p(id: impl Into<String>, label: impl Into<String>, group: &str) -> Preset {
    Preset {
        id: id.into(),
        label: label.into(),
        group: group.to_string(),
    }
}

/// A concrete path for a route: parameters filled in.
pub fn concrete_path(r: &Route) -> String {
    let segs: Vec<String> = r
        .path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.ends_with("+}") {
                "anything".to_string()
            } else if s.starts_with('{') {
                "1".to_string()
            } else {
                s.to_string()
            }
        })
        .collect();
    format!("/{}", segs.join("/"))
}

/// The route presets aim at: the first authorized route, else the first route.
fn target_route(g: &GatewayConfig) -> Option<&Route> {
    g.routes
        .iter()
        .find(|r| r.authorization != AuthorizationType::None && r.method != "OPTIONS")
        .or_else(|| g.routes.iter().find(|r| r.method != "OPTIONS"))
}

/// Where presets send requests: the default endpoint with the stage prefix,
/// or the first custom domain when the default endpoint is disabled.
fn base(g: &GatewayConfig) -> ScenarioRequest {
    let route = target_route(g);
    let path = route.map(concrete_path).unwrap_or_else(|| "/".into());
    let method = route
        .map(|r| {
            if r.method == "ANY" {
                "GET".to_string()
            } else {
                r.method.clone()
            }
        })
        .unwrap_or_else(|| "GET".into());
    let domain = g.custom_domains.first().filter(|_| {
        g.api.disable_execute_api_endpoint
            || g.custom_domains.iter().any(|d| d.mutual_tls.is_some())
    });
    let (host, target) = match domain {
        Some(d) => {
            let bp = d
                .mappings
                .first()
                .map(|m| m.base_path.trim_matches('/').to_string())
                .unwrap_or_default();
            let t = if bp.is_empty() {
                path.clone()
            } else {
                format!("/{bp}{path}")
            };
            (Some(d.name.clone()), t)
        }
        None => (
            None,
            format!(
                "/{}{}",
                g.api.stage,
                if path == "/" {
                    String::new()
                } else {
                    path.clone()
                }
            ),
        ),
    };
    ScenarioRequest {
        name: "preset".into(),
        method,
        path: target,
        host,
        repeat: 1,
        ..ScenarioRequest::default()
    }
}

/// The presets this scenario supports.
pub fn presets(s: &Scenario) -> Vec<Preset> {
    let g = &s.gateway;
    let mut v = vec![p("plain", "no credentials", "Auth")];
    for pool in &g.user_pools {
        if let Some(u) = pool.users.first() {
            v.push(p(
                format!("cognito-id:{}:{}", pool.id, u.username),
                format!("valid ID token ({} @ {})", u.username, pool.name),
                "Auth",
            ));
            v.push(p(
                format!("cognito-access:{}:{}", pool.id, u.username),
                format!("access token with scopes ({})", u.username),
                "Auth",
            ));
            v.push(p(
                format!("cognito-expired:{}:{}", pool.id, u.username),
                "expired token",
                "Auth",
            ));
            v.push(p(
                format!("cognito-tampered:{}:{}", pool.id, u.username),
                "tampered token (claims edited)",
                "Auth",
            ));
            v.push(p(
                format!("cognito-alg-none:{}:{}", pool.id, u.username),
                "token with alg: none",
                "Auth",
            ));
        }
    }
    for iss in &g.issuers {
        v.push(p(
            format!("issuer:{}", iss.name),
            format!("third-party token ({})", iss.name),
            "Auth",
        ));
        v.push(p(
            format!("issuer-expired:{}", iss.name),
            format!("expired {} token", iss.name),
            "Auth",
        ));
        v.push(p(
            format!("issuer-wrong-key:{}", iss.name),
            format!("{} token signed by an attacker", iss.name),
            "Auth",
        ));
    }
    for who in &g.iam {
        v.push(p(
            format!("sigv4:{}", who.name),
            format!("SigV4-signed by {}", who.name),
            "Auth",
        ));
    }
    if let Some(who) = g.iam.first() {
        v.push(p(
            format!("sigv4-wrong-secret:{}", who.name),
            "SigV4 with a wrong secret",
            "Auth",
        ));
        v.push(p(
            format!("sigv4-stale:{}", who.name),
            "SigV4 signed 20 minutes ago",
            "Auth",
        ));
    }
    for k in &g.api_keys {
        v.push(p(
            format!("key:{}", k.name),
            format!("API key {}", k.name),
            "Keys",
        ));
    }
    if !g.api_keys.is_empty() {
        v.push(p("key-wrong", "an API key that does not exist", "Keys"));
    }
    if let Some(c) = &g.cors {
        if let Some(o) = c
            .allow_origins
            .iter()
            .find(|o| o.as_str() != "*" && o.as_str() != "null")
        {
            v.push(p(
                format!("origin:{o}"),
                format!("browser call from {o}"),
                "Browser",
            ));
        }
        v.push(p(
            "origin:https://evil.example.net",
            "browser call from https://evil.example.net",
            "Browser",
        ));
        v.push(p(
            "origin-credentials",
            "browser call with cookies (credentials)",
            "Browser",
        ));
        v.push(p(
            "origin-put",
            "browser PUT with a custom header (needs a preflight)",
            "Browser",
        ));
    }
    v.push(p("sqli", "SQL injection in the query", "Attacks"));
    v.push(p("xss", "XSS in the query", "Attacks"));
    if let Some(ip) = g
        .waf
        .iter()
        .flat_map(|w| w.ip_sets.iter())
        .flat_map(|s| s.addresses.iter())
        .next()
    {
        v.push(p(
            format!("ip:{ip}"),
            format!("from a blocked address ({ip})"),
            "Attacks",
        ));
    }
    for c in &g.certificates {
        if !c.ca {
            v.push(p(
                format!("cert:{}", c.name),
                format!("client certificate {}", c.name),
                "TLS",
            ));
        }
    }
    v.push(p("plain-http", "plain http://", "TLS"));
    v.push(p("tls10", "a TLS 1.0 client", "TLS"));
    v.push(p(
        "via-default",
        "via the default execute-api endpoint",
        "TLS",
    ));
    v
}

/// Build a preset's request at `now`.
pub fn build(s: &Scenario, id: &str, now: SimTime) -> Option<Request> {
    let g = &s.gateway;
    let mut r = base(g);
    let (kind, arg) = id.split_once(':').unwrap_or((id, ""));
    let pool_user = |arg: &str| -> Option<(String, String)> {
        let (pool, user) = arg.rsplit_once(':')?;
        Some((pool.to_string(), user.to_string()))
    };
    let scopes_of = |pool: &str| -> Vec<String> {
        let route_scopes: Vec<String> = g
            .routes
            .iter()
            .flat_map(|r| r.scopes.iter().cloned())
            .collect();
        if route_scopes.is_empty() {
            g.user_pools
                .iter()
                .find(|p| p.id == pool)
                .map(|p| p.scopes.iter().map(|s| s.name.clone()).collect())
                .unwrap_or_default()
        } else {
            route_scopes
        }
    };
    match kind {
        "plain" => {}
        "cognito-id" | "cognito-access" | "cognito-expired" | "cognito-tampered"
        | "cognito-alg-none" => {
            let (pool, user) = pool_user(arg)?;
            let scopes = scopes_of(&pool);
            r.token = Some(TokenSpec {
                pool: pool.clone(),
                user,
                client: None,
                kind: if kind == "cognito-access" {
                    "access".into()
                } else {
                    "id".into()
                },
                scopes: if kind == "cognito-access" {
                    scopes
                } else {
                    Vec::new()
                },
                ttl_secs: 3600,
                issued_secs_ago: if kind == "cognito-expired" { 7200 } else { 0 },
                tamper: match kind {
                    "cognito-tampered" => Some("edit-claims".into()),
                    "cognito-alg-none" => Some("alg-none".into()),
                    _ => None,
                },
                bearer: false,
                header: "Authorization".into(),
            });
        }
        "issuer" | "issuer-expired" | "issuer-wrong-key" => {
            r.issuer_token = Some(IssuerTokenSpec {
                issuer: arg.to_string(),
                subject: "auth0|user-1".into(),
                groups: vec!["admin".into()],
                ttl_secs: 3600,
                issued_secs_ago: if kind == "issuer-expired" { 7200 } else { 0 },
                tamper: (kind == "issuer-wrong-key").then(|| "wrong-key".into()),
                bearer: true,
                header: "Authorization".into(),
            });
        }
        "sigv4" | "sigv4-wrong-secret" | "sigv4-stale" => {
            r.sign = Some(SignSpec {
                identity: arg.to_string(),
                skew_secs: if kind == "sigv4-stale" { -1200 } else { 0 },
                wrong_secret: kind == "sigv4-wrong-secret",
                ..SignSpec::default()
            });
        }
        "key" => r.api_key = Some(arg.to_string()),
        "key-wrong" => {
            r.headers
                .insert("x-api-key".into(), "wrongvalue1234567890".into());
        }
        "origin" => r.origin = Some(arg.to_string()),
        "origin-credentials" => {
            let o = g
                .cors
                .as_ref()
                .and_then(|c| c.allow_origins.iter().find(|o| o.as_str() != "*").cloned())
                .unwrap_or_else(|| "https://app.example.com".into());
            r.origin = Some(o);
            r.credentials = true;
            r.headers.insert("Cookie".into(), "session=abc123".into());
        }
        "origin-put" => {
            let o = g
                .cors
                .as_ref()
                .and_then(|c| c.allow_origins.iter().find(|o| o.as_str() != "*").cloned())
                .unwrap_or_else(|| "https://app.example.com".into());
            r.origin = Some(o);
            r.method = "PUT".into();
            r.headers.insert("X-Custom-Header".into(), "1".into());
            r.headers
                .insert("Content-Type".into(), "application/json".into());
            r.body = "{\"qty\":1}".into();
        }
        "sqli" => r.path = format!("{}?id=1%27%20OR%20%271%27%3D%271", r.path),
        "xss" => {
            r.path = format!(
                "{}?q=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E",
                r.path
            )
        }
        "ip" => {
            let a = arg.split('/').next().unwrap_or(arg);
            r.source_ip = Some(a.to_string());
        }
        "cert" => r.client_cert = Some(arg.to_string()),
        "plain-http" => r.scheme = Some(Scheme::Http),
        "tls10" => r.tls_version = Some(TlsVersion::Tls1_0),
        "via-default" => {
            r.host = None;
            let route = target_route(g);
            let path = route.map(concrete_path).unwrap_or_else(|| "/".into());
            r.path = format!(
                "/{}{}",
                g.api.stage,
                if path == "/" { String::new() } else { path }
            );
        }
        _ => return None,
    }
    build_request(&r, g, now).ok()
}
