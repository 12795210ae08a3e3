//! CORS on the simulated REST API, and what a browser makes of the answer.
//!
//! REST APIs have no built-in CORS. The console's "Enable CORS" creates an
//! `OPTIONS` method with a MOCK integration that returns static
//! `Access-Control-Allow-*` headers, and adds `Access-Control-Allow-Origin` to
//! the 200 response of the real methods (non-proxy integrations only). With a
//! proxy integration the backend must return the headers itself. Errors that
//! the gateway generates (401, 403, 429, 5xx) carry CORS headers only when the
//! matching gateway response is configured with them.
//!
//! [`CorsConfig`] holds those settings (or what a proxy backend returns) and
//! produces the headers. The browser side follows the Fetch standard
//! (<https://fetch.spec.whatwg.org/#http-cors-protocol>): [`preflight_reason`]
//! says whether a browser sends a preflight, [`browser_preflight_for`] builds
//! it, and [`browser_verdict`] decides whether page script can read the
//! response, with the message Chrome prints in its console.

use crate::gateway::outcome::BrowserVerdict;
use crate::gateway::request::Request;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// `Access-Control-Allow-Origin`.
pub const ACAO: &str = "Access-Control-Allow-Origin";
/// `Access-Control-Allow-Credentials`.
pub const ACAC: &str = "Access-Control-Allow-Credentials";
/// `Access-Control-Allow-Methods`.
pub const ACAM: &str = "Access-Control-Allow-Methods";
/// `Access-Control-Allow-Headers`.
pub const ACAH: &str = "Access-Control-Allow-Headers";
/// `Access-Control-Expose-Headers`.
pub const ACEH: &str = "Access-Control-Expose-Headers";
/// `Access-Control-Max-Age`.
pub const ACMA: &str = "Access-Control-Max-Age";
/// `Access-Control-Request-Method` (sent by the browser in a preflight).
pub const ACRM: &str = "Access-Control-Request-Method";
/// `Access-Control-Request-Headers` (sent by the browser in a preflight).
pub const ACRH: &str = "Access-Control-Request-Headers";

/// The request headers the console's "Enable CORS" offers by default.
pub const DEFAULT_ALLOW_HEADERS: [&str; 5] = [
    "Content-Type",
    "X-Amz-Date",
    "Authorization",
    "X-Api-Key",
    "X-Amz-Security-Token",
];

/// What the console lists for a resource whose method is `ANY`.
const ANY_METHODS: [&str; 7] = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

/// Chrome appends this to origin mismatches on `fetch()` calls.
const NO_CORS_INFO: &str = " Have the server send the header with a valid value, or, if an opaque \
response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.";
const NO_ACAO: &str = "No 'Access-Control-Allow-Origin' header is present on the requested \
resource. If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch \
the resource with CORS disabled.";
const WILDCARD_WITH_CREDENTIALS: &str = "The value of the 'Access-Control-Allow-Origin' header in \
the response must not be the wildcard '*' when the request's credentials mode is 'include'.";
const PREFLIGHT_PREFIX: &str = "Response to preflight request doesn't pass access control check: ";

const WARN_STAR: &str = "Access-Control-Allow-Origin is '*': any website can read this response. \
Keep '*' for public data that needs no key, token or cookie.";
const WARN_NULL: &str = "Access-Control-Allow-Origin is 'null': sandboxed iframes and local files \
on any website send 'Origin: null', so any website can read this response. Never allow 'null'.";

/// CORS settings of the API ("Enable CORS" on the resources, or what a proxy
/// backend returns).
///
/// TOML shape (every key optional):
/// ```toml
/// allow-origins = ["https://app.example.com"]
/// allow-methods = ["GET", "POST", "OPTIONS"]
/// allow-headers = ["Content-Type", "Authorization"]
/// expose-headers = ["X-Request-Id"]
/// allow-credentials = true
/// max-age = 600
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CorsConfig {
    /// Allowed origins: `https://app.example.com`, `*` or `null`. One origin
    /// is a static header value; several are echoed back when the request's
    /// `Origin` is listed (the usual mapping-template fix), and nothing is
    /// returned when it is not.
    pub allow_origins: Vec<String>,
    /// `Access-Control-Allow-Methods`; when empty, the methods of the resource
    /// plus `OPTIONS`, as the console fills it in.
    pub allow_methods: Vec<String>,
    /// `Access-Control-Allow-Headers`; when empty, [`DEFAULT_ALLOW_HEADERS`].
    pub allow_headers: Vec<String>,
    /// `Access-Control-Expose-Headers`: response headers script may read
    /// beyond the safelisted ones.
    pub expose_headers: Vec<String>,
    /// Send `Access-Control-Allow-Credentials: true`.
    pub allow_credentials: bool,
    /// `Access-Control-Max-Age` in seconds (how long a browser caches the
    /// preflight answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u32>,
}

/// How the allowed origins turn into an `Access-Control-Allow-Origin` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OriginMode<'a> {
    /// No origin configured: the header is never sent.
    Nothing,
    /// One value (or `*`) sent on every response, whatever the request says.
    Static(&'a str),
    /// Several origins: the request's `Origin` is echoed when it is listed.
    Echo(&'a [String]),
}

impl CorsConfig {
    fn origin_mode(&self) -> OriginMode<'_> {
        if self.allow_origins.iter().any(|o| o.trim() == "*") {
            return OriginMode::Static("*");
        }
        let mut distinct: BTreeSet<String> = BTreeSet::new();
        for o in &self.allow_origins {
            distinct.insert(origin_key(o));
        }
        match (distinct.len(), self.allow_origins.first()) {
            (0, _) | (_, None) => OriginMode::Nothing,
            (1, Some(first)) => OriginMode::Static(first.as_str()),
            _ => OriginMode::Echo(&self.allow_origins),
        }
    }

    /// The `Access-Control-Allow-Origin` value for this request, if any.
    fn allow_origin_for(&self, req: &Request) -> Option<String> {
        match self.origin_mode() {
            OriginMode::Nothing => None,
            OriginMode::Static(v) => Some(v.to_string()),
            OriginMode::Echo(list) => {
                let origin = req.header("origin")?.trim();
                list.iter()
                    .any(|allowed| origin_matches(allowed, origin))
                    .then(|| origin.to_string())
            }
        }
    }

    /// The methods the OPTIONS method announces.
    fn effective_methods(&self, resource_methods: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut push = |m: &str| {
            if !out.iter().any(|x| x == m) {
                out.push(m.to_string());
            }
        };
        if !self.allow_methods.is_empty() {
            for m in &self.allow_methods {
                push(m);
            }
            return out;
        }
        for m in resource_methods {
            if m.eq_ignore_ascii_case("ANY") {
                for any in ANY_METHODS {
                    push(any);
                }
            } else {
                push(m);
            }
        }
        push("OPTIONS");
        out
    }

    fn effective_headers(&self) -> Vec<String> {
        if self.allow_headers.is_empty() {
            DEFAULT_ALLOW_HEADERS
                .iter()
                .map(|h| h.to_string())
                .collect()
        } else {
            self.allow_headers.clone()
        }
    }

    /// Problems with the configuration itself, as (key path, message, hint,
    /// is_error). Key paths use the TOML key names; list entries are
    /// addressed by their index as a decimal string, e.g.
    /// `["allow-origins", "1"]`.
    ///
    /// Errors are settings that cannot work in any browser (invalid syntax,
    /// a wildcard combined with credentials, an origin that can never match).
    /// Warnings are settings that work but are risky or have no effect (`*`
    /// alone, `null`, plain-http origins with credentials, duplicates).
    pub fn problems(&self) -> Vec<(Vec<String>, String, String, bool)> {
        let mut out = Vec::new();
        let mode = self.origin_mode();
        self.origin_problems(mode, &mut out);
        list_problems(
            ListKind::Methods,
            &self.allow_methods,
            self.allow_credentials,
            &mut out,
        );
        list_problems(
            ListKind::RequestHeaders,
            &self.allow_headers,
            self.allow_credentials,
            &mut out,
        );
        list_problems(
            ListKind::ExposeHeaders,
            &self.expose_headers,
            self.allow_credentials,
            &mut out,
        );
        if let Some(age) = self.max_age {
            if age > 86_400 {
                out.push(problem(
                    vec!["max-age".into()],
                    format!(
                        "max-age {age} has no effect beyond browsers' caps: Chromium keeps a \
                         preflight answer at most 7200 seconds and Firefox at most 86400 seconds"
                    ),
                    "use 7200 (2 hours) or less",
                    false,
                ));
            } else if age > 7200 {
                out.push(problem(
                    vec!["max-age".into()],
                    format!(
                        "max-age {age} is longer than Chromium's cap of 7200 seconds, so Chrome \
                         and Edge repeat the preflight every 2 hours anyway"
                    ),
                    "use 7200 (2 hours) or less",
                    false,
                ));
            }
        }
        out
    }

    fn origin_problems(
        &self,
        mode: OriginMode<'_>,
        out: &mut Vec<(Vec<String>, String, String, bool)>,
    ) {
        if self.allow_origins.is_empty() {
            out.push(problem(
                vec!["allow-origins".into()],
                "no origin is allowed, so no response carries Access-Control-Allow-Origin and \
                 browsers block every cross-origin read"
                    .into(),
                "add the origin of your web app, e.g. allow-origins = [\"https://app.example.com\"]",
                true,
            ));
            return;
        }
        let has_star = self.allow_origins.iter().any(|o| o.trim() == "*");
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (i, raw) in self.allow_origins.iter().enumerate() {
            let path = vec!["allow-origins".to_string(), i.to_string()];
            let o = raw.as_str();
            if let Some(first) = seen.get(&origin_key(o)) {
                out.push(problem(
                    path.clone(),
                    format!("\"{o}\" repeats allow-origins entry {first}"),
                    "remove the duplicate",
                    false,
                ));
                continue;
            }
            seen.insert(origin_key(o), i);
            if o == "*" {
                if self.allow_credentials {
                    out.push(problem(
                        path,
                        "'*' cannot be combined with allow-credentials: browsers refuse a \
                         wildcard Access-Control-Allow-Origin on requests that carry cookies or \
                         HTTP authentication"
                            .into(),
                        "list the exact origins of your web apps, or set allow-credentials = false",
                        true,
                    ));
                } else {
                    out.push(problem(
                        path,
                        "'*' lets every website read the responses".into(),
                        "fine for public data; list your app's origins for anything behind an API \
                         key, a token or a cookie",
                        false,
                    ));
                }
                if self.allow_origins.len() > 1 {
                    out.push(problem(
                        vec!["allow-origins".into()],
                        "'*' is listed, so the other origins make no difference".into(),
                        "keep either '*' or the list of origins",
                        false,
                    ));
                }
                continue;
            }
            if o == "null" {
                out.push(problem(
                    path,
                    "the 'null' origin is allowed: sandboxed iframes and local files on any \
                     website send 'Origin: null', so any website can read the responses"
                        .into(),
                    "remove \"null\" and serve the calling page from a real https:// origin",
                    false,
                ));
                continue;
            }
            match parse_origin(o) {
                Err(why) => out.push(problem(
                    path,
                    format!("\"{o}\" is not a valid origin: {why}"),
                    "an origin is scheme://host[:port] with no path and no trailing slash, e.g. \
                     \"https://app.example.com\"",
                    true,
                )),
                Ok(p) => {
                    let serialized = p.serialize();
                    if serialized != o {
                        let (is_error, consequence) = match mode {
                            OriginMode::Static(_) => (
                                true,
                                "the static header value never equals what browsers send, so \
                                 every request is blocked",
                            ),
                            _ => (
                                false,
                                "the allow-list comparison tolerates it, but write it the way \
                                 browsers send it",
                            ),
                        };
                        out.push(problem(
                            path.clone(),
                            format!(
                                "browsers send this origin as \"{serialized}\" (lower case, no \
                                 default port): {consequence}"
                            ),
                            &format!("write \"{serialized}\""),
                            is_error,
                        ));
                    }
                    if has_star {
                        continue;
                    }
                    if p.scheme != "http" && p.scheme != "https" {
                        out.push(problem(
                            path.clone(),
                            format!(
                                "\"{o}\" does not use http or https: pages loaded that way \
                                 usually send 'Origin: null' instead"
                            ),
                            "check which Origin header your client really sends",
                            false,
                        ));
                    }
                    if p.scheme == "http" && self.allow_credentials && !is_loopback(&p.host) {
                        out.push(problem(
                            path,
                            format!(
                                "\"{o}\" uses plain http: anyone on the network path can \
                                 impersonate it, and allow-credentials lets that impersonator \
                                 read your users' data"
                            ),
                            "serve the web app over https and allow its https:// origin",
                            false,
                        ));
                    }
                }
            }
        }
    }

    /// Headers the gateway's MOCK OPTIONS method returns for this preflight
    /// request. `resource_methods` are the methods defined on the resource;
    /// they fill `Access-Control-Allow-Methods` when `allow-methods` is empty.
    ///
    /// The values are static, as in the console's MOCK integration: they do
    /// not depend on the requested method or headers. Only
    /// `Access-Control-Allow-Origin` depends on the request, when several
    /// origins are configured.
    pub fn preflight_headers(
        &self,
        req: &Request,
        resource_methods: &[String],
    ) -> Vec<(String, String)> {
        let mut h = Vec::new();
        if let Some(origin) = self.allow_origin_for(req) {
            h.push((ACAO.to_string(), origin));
        }
        h.push((
            ACAM.to_string(),
            self.effective_methods(resource_methods).join(","),
        ));
        h.push((ACAH.to_string(), self.effective_headers().join(",")));
        if self.allow_credentials {
            h.push((ACAC.to_string(), "true".to_string()));
        }
        if let Some(age) = self.max_age {
            h.push((ACMA.to_string(), age.to_string()));
        }
        if matches!(self.origin_mode(), OriginMode::Echo(_)) {
            // The answer depends on Origin, so caches must key on it.
            h.push(("Vary".to_string(), "Origin".to_string()));
        }
        h
    }

    /// Headers to add to an actual (non-preflight) response for `req`
    /// (non-proxy integrations, or gateway responses configured with CORS).
    pub fn response_headers(&self, req: &Request) -> Vec<(String, String)> {
        let mut h = Vec::new();
        if let Some(origin) = self.allow_origin_for(req) {
            h.push((ACAO.to_string(), origin));
            if self.allow_credentials {
                h.push((ACAC.to_string(), "true".to_string()));
            }
            if !self.expose_headers.is_empty() {
                h.push((ACEH.to_string(), self.expose_headers.join(",")));
            }
        }
        if matches!(self.origin_mode(), OriginMode::Echo(_)) {
            h.push(("Vary".to_string(), "Origin".to_string()));
        }
        h
    }
}

fn problem(
    path: Vec<String>,
    message: String,
    hint: &str,
    is_error: bool,
) -> (Vec<String>, String, String, bool) {
    (path, message, hint.to_string(), is_error)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Methods,
    RequestHeaders,
    ExposeHeaders,
}

impl ListKind {
    fn key(self) -> &'static str {
        match self {
            ListKind::Methods => "allow-methods",
            ListKind::RequestHeaders => "allow-headers",
            ListKind::ExposeHeaders => "expose-headers",
        }
    }
    fn what(self) -> &'static str {
        match self {
            ListKind::Methods => "method",
            ListKind::RequestHeaders | ListKind::ExposeHeaders => "header name",
        }
    }
}

/// Problems in allow-methods, allow-headers or expose-headers.
fn list_problems(
    kind: ListKind,
    items: &[String],
    credentials: bool,
    out: &mut Vec<(Vec<String>, String, String, bool)>,
) {
    let key = kind.key();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let has_star = items.iter().any(|i| i == "*");
    for (i, item) in items.iter().enumerate() {
        let path = vec![key.to_string(), i.to_string()];
        // Header names compare case-insensitively, method names do not.
        let norm = if kind == ListKind::Methods {
            item.clone()
        } else {
            item.to_ascii_lowercase()
        };
        if let Some(first) = seen.get(&norm) {
            out.push(problem(
                path,
                format!("\"{item}\" repeats {key} entry {first}"),
                "remove the duplicate",
                false,
            ));
            continue;
        }
        seen.insert(norm.clone(), i);
        if item == "*" {
            if credentials {
                let effect = match kind {
                    ListKind::Methods => "every method that needs a preflight is refused",
                    ListKind::RequestHeaders => "every request with a custom header is refused",
                    ListKind::ExposeHeaders => "no header is exposed",
                };
                out.push(problem(
                    path,
                    format!(
                        "'*' in {key} is taken literally when allow-credentials is on, so {effect}"
                    ),
                    &format!("list the {}s explicitly", kind.what()),
                    true,
                ));
            }
            continue;
        }
        if !is_token(item) {
            let why = if item.is_empty() {
                "it is empty".to_string()
            } else {
                invalid_token_reason(item)
            };
            let effect = match kind {
                ListKind::Methods | ListKind::RequestHeaders => {
                    "browsers cannot parse the header and fail every preflight"
                }
                ListKind::ExposeHeaders => "browsers cannot parse the header and expose nothing",
            };
            out.push(problem(
                path,
                format!(
                    "\"{item}\" is not a valid {} ({why}): {effect}",
                    kind.what()
                ),
                match kind {
                    ListKind::Methods => "method names are tokens such as GET, PUT or PATCH",
                    _ => "header names are tokens such as Content-Type or X-Api-Key",
                },
                true,
            ));
            continue;
        }
        match kind {
            ListKind::Methods => {
                let upper = item.to_ascii_uppercase();
                if matches!(upper.as_str(), "CONNECT" | "TRACE" | "TRACK") {
                    out.push(problem(
                        path,
                        format!(
                            "browsers never let script send {upper}, so listing it has no effect"
                        ),
                        "remove it",
                        false,
                    ));
                } else if upper != *item && is_standard_method(&upper) {
                    out.push(problem(
                        path,
                        format!(
                            "method names are case-sensitive and browsers compare them in upper \
                             case, so \"{item}\" never matches"
                        ),
                        &format!("write \"{upper}\""),
                        false,
                    ));
                }
            }
            ListKind::RequestHeaders => {
                if is_forbidden_request_header(&norm) {
                    out.push(problem(
                        path,
                        format!(
                            "browsers set {item} themselves and never let script send it, so \
                             listing it has no effect"
                        ),
                        "remove it",
                        false,
                    ));
                } else if norm.starts_with("access-control-") {
                    out.push(problem(
                        path,
                        format!(
                            "{item} is a CORS header the server or the browser sets; a client \
                             never needs permission to send it"
                        ),
                        "remove it: allow-headers lists request headers your client sends, such \
                         as Content-Type or Authorization",
                        false,
                    ));
                }
            }
            ListKind::ExposeHeaders => {
                if norm == "set-cookie" || norm == "set-cookie2" {
                    out.push(problem(
                        path,
                        format!("browsers never let script read {item}, even when exposed"),
                        "remove it",
                        false,
                    ));
                } else if norm.starts_with("access-control-") {
                    out.push(problem(
                        path,
                        format!(
                            "{item} is a CORS control header; exposing it to script has no use"
                        ),
                        "remove it",
                        false,
                    ));
                } else if is_safelisted_response_header(&norm) {
                    out.push(problem(
                        path,
                        format!("{item} is readable by script without being exposed"),
                        "remove it",
                        false,
                    ));
                }
            }
        }
    }
    if kind == ListKind::RequestHeaders
        && has_star
        && !credentials
        && !seen.contains_key("authorization")
    {
        out.push(problem(
            vec![key.to_string()],
            "'*' in allow-headers does not cover Authorization: browsers still refuse it unless \
             it is listed by name"
                .into(),
            "add \"Authorization\" next to '*' if clients send it",
            false,
        ));
    }
}

fn invalid_token_reason(s: &str) -> String {
    match s.chars().find(|c| !is_tchar(*c)) {
        Some(' ') => "it contains a space".to_string(),
        Some(c) if c.is_control() => {
            format!("it contains the control character U+{:04X}", c as u32)
        }
        Some(c) => format!("it contains the character '{c}'"),
        None => "it is empty".to_string(),
    }
}

fn is_standard_method(m: &str) -> bool {
    matches!(
        m,
        "DELETE" | "GET" | "HEAD" | "OPTIONS" | "PATCH" | "POST" | "PUT"
    )
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host.starts_with("127.")
}

/// Is this request a CORS preflight (OPTIONS + Origin +
/// Access-Control-Request-Method)?
pub fn is_preflight(req: &Request) -> bool {
    req.method == "OPTIONS" && req.header("origin").is_some() && req.header(ACRM).is_some()
}

/// Would a browser send a preflight before this request (non-simple method,
/// non-safelisted header or content type per the Fetch standard)? Returns the
/// reason if so.
///
/// Headers the browser sets itself (Host, Origin, Cookie, User-Agent,
/// `Sec-*` ...) are ignored: they are in the request because the browser
/// added them, not because script did.
pub fn preflight_reason(req: &Request) -> Option<String> {
    let mut reasons = Vec::new();
    let method = normalize_method(&req.method);
    if !is_safelisted_method(&method) {
        reasons.push(format!(
            "method {method} is not CORS-safelisted (only GET, HEAD and POST are)"
        ));
    }
    for (name, why) in unsafe_request_headers(req) {
        reasons.push(match why {
            None => format!("header {name} is not CORS-safelisted"),
            Some(why) => format!("header {name} is not CORS-safelisted here: {why}"),
        });
    }
    if reasons.is_empty() {
        None
    } else {
        Some(reasons.join("; "))
    }
}

/// Build the preflight a browser would send before `req`: same URL, method
/// OPTIONS, `Origin`, `Access-Control-Request-Method` and (when script set
/// non-safelisted headers) `Access-Control-Request-Headers` with their
/// lower-case names, sorted and comma-separated. A preflight never carries
/// cookies or an Authorization header. The TLS connection facts (including a
/// client certificate) are kept, as Chromium does.
pub fn browser_preflight_for(req: &Request) -> Request {
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(host) = req.header("host") {
        headers.push(("Host".into(), host.to_string()));
    }
    headers.push(("Accept".into(), "*/*".into()));
    headers.push((ACRM.into(), normalize_method(&req.method)));
    let names: Vec<String> = unsafe_request_headers(req)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    if !names.is_empty() {
        headers.push((ACRH.into(), names.join(",")));
    }
    if let Some(origin) = req.header("origin") {
        headers.push(("Origin".into(), origin.to_string()));
    }
    if let Some(ua) = req.header("user-agent") {
        headers.push(("User-Agent".into(), ua.to_string()));
    }
    headers.push(("Sec-Fetch-Mode".into(), "cors".into()));
    Request {
        method: "OPTIONS".into(),
        scheme: req.scheme,
        target: req.target.clone(),
        headers,
        body: String::new(),
        source_ip: req.source_ip,
        vpce: req.vpce.clone(),
        vpc: req.vpc.clone(),
        tls_version: req.tls_version,
        client_cert: req.client_cert.clone(),
        browser_credentials: false,
    }
}

/// What a browser makes of a cross-origin call: given the actual request
/// (with `Origin`; `req.browser_credentials` says whether credentials were
/// included), the preflight response (status + headers) if one was needed,
/// and the actual response (status + headers) if it was sent, decide whether
/// script can read the response and, if not, the message Chrome's console
/// shows.
///
/// A preflight response passed when [`preflight_reason`] finds no reason is
/// ignored, as a browser would never have sent it. Warnings flag an allowed
/// origin of `*` or `null`, even when the call is allowed.
pub fn browser_verdict(
    req: &Request,
    url: &str,
    preflight: Option<(u16, &[(String, String)])>,
    actual: Option<(u16, &[(String, String)])>,
) -> BrowserVerdict {
    let Some(origin) = req.header("origin").map(trim_ws) else {
        return BrowserVerdict {
            allowed: true,
            preflight_required: false,
            message: "The request has no Origin header, so it is not a cross-origin browser call \
                      and no CORS check applies."
                .into(),
            warnings: Vec::new(),
        };
    };
    let credentials = req.browser_credentials;
    let reason = preflight_reason(req);
    let blocked = format!(
        "Access to fetch at '{url}' from origin '{origin}' has been blocked by CORS policy: "
    );
    let mut warnings = Vec::new();
    let verdict = |allowed: bool, message: String, warnings: Vec<String>| BrowserVerdict {
        allowed,
        preflight_required: reason.is_some(),
        message,
        warnings,
    };

    let mut preflight_status = None;
    if reason.is_some() {
        let Some((status, headers)) = preflight else {
            return verdict(
                false,
                format!(
                    "{blocked}no response to the preflight request was received (net::ERR_FAILED)."
                ),
                warnings,
            );
        };
        origin_warnings(headers, &mut warnings);
        if let Err(detail) = preflight_check(req, origin, credentials, status, headers) {
            return verdict(false, format!("{blocked}{detail}"), warnings);
        }
        preflight_status = Some(status);
    }

    let Some((status, headers)) = actual else {
        let message = match preflight_status {
            Some(s) => format!(
                "The preflight passed (status {s}), but the request itself was not sent, so there is \
                 no response for script to read."
            ),
            None => "The request was not sent, so there is no response for script to read.".into(),
        };
        return verdict(false, message, warnings);
    };
    origin_warnings(headers, &mut warnings);
    if let Err(detail) = cors_check(origin, credentials, headers) {
        return verdict(false, format!("{blocked}{detail}"), warnings);
    }
    let mut message =
        format!("Allowed: script on '{origin}' can read the response (status {status}).");
    if let (Some(r), Some(s)) = (&reason, preflight_status) {
        message.push_str(&format!(
            " A preflight was needed because {r}; its answer (status {s}) allowed the request."
        ));
    }
    verdict(true, message, warnings)
}

/// The Fetch "CORS check" on one response, with Chrome's wording.
fn cors_check(origin: &str, credentials: bool, headers: &[(String, String)]) -> Result<(), String> {
    let values = header_values(headers, ACAO);
    if values.is_empty() {
        return Err(NO_ACAO.to_string());
    }
    // Several header lines arrive joined, as Chromium reads them.
    let acao = values.join(", ");
    if acao == "*" {
        return if credentials {
            Err(WILDCARD_WITH_CREDENTIALS.to_string())
        } else {
            Ok(())
        };
    }
    if acao != origin {
        if acao.contains([' ', ',']) {
            return Err(format!(
                "The 'Access-Control-Allow-Origin' header contains multiple values '{acao}', but only \
                 one is allowed.{NO_CORS_INFO}"
            ));
        }
        if acao != "null" && !looks_like_url(&acao) {
            return Err(format!(
                "The 'Access-Control-Allow-Origin' header contains the invalid value '{acao}'.{NO_CORS_INFO}"
            ));
        }
        return Err(format!(
            "The 'Access-Control-Allow-Origin' header has a value '{acao}' that is not equal to the \
             supplied origin.{NO_CORS_INFO}"
        ));
    }
    if credentials {
        let acac = header_values(headers, ACAC).join(", ");
        if acac != "true" {
            return Err(format!(
                "The value of the 'Access-Control-Allow-Credentials' header in the response is \
                 '{acac}' which must be 'true' when the request's credentials mode is 'include'."
            ));
        }
    }
    Ok(())
}

/// The checks on a preflight response, in Chromium's order: CORS check,
/// status, header syntax, method, request headers.
fn preflight_check(
    req: &Request,
    origin: &str,
    credentials: bool,
    status: u16,
    headers: &[(String, String)],
) -> Result<(), String> {
    cors_check(origin, credentials, headers).map_err(|d| format!("{PREFLIGHT_PREFIX}{d}"))?;
    if !(200..=299).contains(&status) {
        return Err(format!(
            "{PREFLIGHT_PREFIX}It does not have HTTP ok status."
        ));
    }
    let methods = parse_allow_list(headers, ACAM).ok_or_else(|| {
        "Cannot parse Access-Control-Allow-Methods response header field in preflight response."
            .to_string()
    })?;
    let allowed_headers: BTreeSet<String> = parse_allow_list(headers, ACAH)
        .ok_or_else(|| {
            "Cannot parse Access-Control-Allow-Headers response header field in preflight response."
                .to_string()
        })?
        .into_iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();

    // Chromium upper-cases the request method and compares case-sensitively.
    let method = normalize_method(&req.method);
    let upper = req.method.to_ascii_uppercase();
    let wildcard_ok = !credentials;
    if !(is_safelisted_method(&upper)
        || methods.contains(&upper)
        || (wildcard_ok && methods.iter().any(|m| m == "*")))
    {
        return Err(format!(
            "Method {method} is not allowed by Access-Control-Allow-Methods in preflight response."
        ));
    }

    let unsafe_names: Vec<String> = unsafe_request_headers(req)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let header_refused = |name: &str| {
        format!(
            "Request header field {name} is not allowed by Access-Control-Allow-Headers in preflight response."
        )
    };
    // Authorization is never covered by '*' (Fetch: CORS non-wildcard request-header name).
    if unsafe_names.iter().any(|n| n == "authorization")
        && !allowed_headers.contains("authorization")
    {
        return Err(header_refused("authorization"));
    }
    let star = wildcard_ok && allowed_headers.contains("*");
    if let Some(name) = unsafe_names
        .iter()
        .find(|n| !star && !allowed_headers.contains(n.as_str()))
    {
        return Err(header_refused(name));
    }
    Ok(())
}

fn origin_warnings(headers: &[(String, String)], warnings: &mut Vec<String>) {
    for v in header_values(headers, ACAO) {
        let w = match v {
            "*" => WARN_STAR,
            "null" => WARN_NULL,
            _ => continue,
        };
        if !warnings.iter().any(|x| x == w) {
            warnings.push(w.to_string());
        }
    }
}

/// All values of a response header (names compared case-insensitively),
/// trimmed of surrounding whitespace.
fn header_values<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| trim_ws(v))
        .collect()
}

/// Split a comma-separated list header the way Chromium does: every line,
/// every element trimmed, empty elements skipped, each one a token.
/// `None` means the value cannot be parsed.
fn parse_allow_list(headers: &[(String, String)], name: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for line in header_values(headers, name) {
        for item in line.split(',').map(trim_ws).filter(|s| !s.is_empty()) {
            if !is_token(item) {
                return None;
            }
            out.push(item.to_string());
        }
    }
    Some(out)
}

/// Chromium calls a value that is not even a URL "invalid" rather than
/// "not equal".
fn looks_like_url(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, rest)) => is_scheme(scheme) && !rest.is_empty(),
        None => false,
    }
}

fn trim_ws(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// An HTTP token (RFC 9110 §5.6.2): what method and header names must be.
fn is_token(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_tchar)
}

fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Fetch "normalize a method": the six well-known methods are upper-cased,
/// anything else (notably `patch`) is sent as written.
fn normalize_method(m: &str) -> String {
    const KNOWN: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    match KNOWN.iter().find(|k| k.eq_ignore_ascii_case(m)) {
        Some(k) => k.to_string(),
        None => m.to_string(),
    }
}

fn is_safelisted_method(m: &str) -> bool {
    matches!(m, "GET" | "HEAD" | "POST")
}

/// Fetch "forbidden request-header" names (plus the private-network one):
/// the browser sets these, script cannot.
fn is_forbidden_request_header(lower: &str) -> bool {
    const FORBIDDEN: [&str; 23] = [
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "access-control-request-private-network",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "via",
    ];
    FORBIDDEN.contains(&lower) || lower.starts_with("proxy-") || lower.starts_with("sec-")
}

fn is_safelisted_response_header(lower: &str) -> bool {
    matches!(
        lower,
        "cache-control"
            | "content-language"
            | "content-length"
            | "content-type"
            | "expires"
            | "last-modified"
            | "pragma"
    )
}

/// Fetch "CORS-unsafe request-header byte".
fn is_unsafe_byte(b: u8) -> bool {
    (b < 0x20 && b != 0x09) || b == 0x7f || b"\"():<>?@[\\]{}".contains(&b)
}

/// The request headers script set that are not CORS-safelisted, as sorted,
/// de-duplicated lower-case names with the reason when the name itself is
/// safelisted but the value is not (Fetch "CORS-unsafe request-header names").
fn unsafe_request_headers(req: &Request) -> Vec<(String, Option<String>)> {
    let mut unsafe_names: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut safelisted: Vec<String> = Vec::new();
    let mut safelisted_bytes = 0usize;
    for (name, value) in &req.headers {
        let lower = name.trim().to_ascii_lowercase();
        if is_forbidden_request_header(&lower) {
            continue;
        }
        let value = trim_ws(value);
        match safelist_problem(&lower, value) {
            Safelist::Safe => {
                safelisted_bytes += value.len();
                safelisted.push(lower);
            }
            Safelist::NotSafelistedName => {
                unsafe_names.entry(lower).or_insert(None);
            }
            Safelist::UnsafeValue(why) => {
                unsafe_names.entry(lower).or_insert(Some(why));
            }
        }
    }
    if safelisted_bytes > 1024 {
        for name in safelisted {
            unsafe_names.entry(name).or_insert(Some(
                "the safelisted header values together exceed 1024 bytes".into(),
            ));
        }
    }
    unsafe_names.into_iter().collect()
}

enum Safelist {
    Safe,
    NotSafelistedName,
    UnsafeValue(String),
}

/// Fetch "CORS-safelisted request-header" for one (lower-case name, value).
fn safelist_problem(name: &str, value: &str) -> Safelist {
    if !matches!(
        name,
        "accept" | "accept-language" | "content-language" | "content-type" | "range"
    ) {
        return Safelist::NotSafelistedName;
    }
    if value.len() > 128 {
        return Safelist::UnsafeValue(format!(
            "its value is {} bytes long, over the 128-byte limit",
            value.len()
        ));
    }
    let bad_char = || {
        Safelist::UnsafeValue(
            "its value contains a character browsers only send after a preflight (a control \
             character or one of \" ( ) : < > ? @ [ \\ ] { })"
                .into(),
        )
    };
    match name {
        "accept" => {
            if value.bytes().any(is_unsafe_byte) {
                return bad_char();
            }
        }
        "accept-language" | "content-language" => {
            let ok = value.bytes().all(|b| {
                b.is_ascii_alphanumeric()
                    || matches!(b, b' ' | b'*' | b',' | b'-' | b'.' | b';' | b'=')
            });
            if !ok {
                return Safelist::UnsafeValue(
                    "its value may only contain letters, digits, spaces and * , - . ; =".into(),
                );
            }
        }
        "content-type" => {
            if value.bytes().any(is_unsafe_byte) {
                return bad_char();
            }
            let essence = trim_ws(value.split(';').next().unwrap_or("")).to_ascii_lowercase();
            if !matches!(
                essence.as_str(),
                "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
            ) {
                return Safelist::UnsafeValue(format!(
                    "'{value}' is not application/x-www-form-urlencoded, multipart/form-data or text/plain"
                ));
            }
        }
        _ => {
            if !is_simple_range(value) {
                return Safelist::UnsafeValue(
                    "only one range written 'bytes=N-' or 'bytes=N-M' is safelisted".into(),
                );
            }
        }
    }
    Safelist::Safe
}

/// Fetch "parse a single range header value" without whitespace, requiring
/// a start position.
fn is_simple_range(value: &str) -> bool {
    let Some(prefix) = value.get(..6) else {
        return false;
    };
    if !prefix.eq_ignore_ascii_case("bytes=") {
        return false;
    }
    let rest = value.get(6..).unwrap_or("");
    let Some((start, end)) = rest.split_once('-') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(start) {
        return false;
    }
    if end.is_empty() {
        return true;
    }
    if !digits(end) {
        return false;
    }
    match (start.parse::<u128>(), end.parse::<u128>()) {
        (Ok(s), Ok(e)) => s <= e,
        _ => false,
    }
}

/// An origin split into its parts, scheme and host in lower case.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Origin {
    /// The form browsers send in `Origin`: lower case, default port omitted.
    fn serialize(&self) -> String {
        let default = match self.scheme.as_str() {
            "http" | "ws" => Some(80),
            "https" | "wss" => Some(443),
            _ => None,
        };
        match self.port {
            Some(p) if Some(p) != default => format!("{}://{}:{p}", self.scheme, self.host),
            _ => format!("{}://{}", self.scheme, self.host),
        }
    }
}

/// Parse `scheme://host[:port]`, saying what is wrong otherwise.
fn parse_origin(s: &str) -> Result<Origin, String> {
    if s.is_empty() {
        return Err("it is empty".into());
    }
    if s.chars().any(char::is_whitespace) {
        return Err("it contains whitespace".into());
    }
    let Some((scheme, rest)) = s.split_once("://") else {
        return Err("it does not start with a scheme such as https://".into());
    };
    if !is_scheme(scheme) {
        return Err(format!("\"{scheme}\" is not a valid scheme"));
    }
    if let Some(i) = rest.find(['/', '?', '#']) {
        return Err(if rest.get(i..) == Some("/") {
            "it ends with a slash, which browsers never send".into()
        } else {
            "it has a path, query or fragment; an origin is only scheme://host[:port]".into()
        });
    }
    if rest.contains('@') {
        return Err("it contains a user name (user@host)".into());
    }
    let (host, port) = if rest.starts_with('[') {
        let Some(end) = rest.find(']') else {
            return Err("its IPv6 address has no closing ']'".into());
        };
        let host = rest.get(..=end).unwrap_or(rest);
        let after = rest.get(end + 1..).unwrap_or("");
        if let Some(bad) = host
            .chars()
            .find(|c| !(c.is_ascii_hexdigit() || matches!(c, ':' | '.' | '[' | ']')))
        {
            return Err(format!("its IPv6 address contains the character '{bad}'"));
        }
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(p) => (host, Some(p)),
                None => return Err("unexpected text after the IPv6 address".into()),
            },
        }
    } else {
        match rest.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        }
    };
    if host.is_empty() {
        return Err("it has no host".into());
    }
    if host.contains('*') {
        return Err(
            "it contains a wildcard; API Gateway's static or echoed header cannot express \
                    origin patterns, so list each origin"
                .into(),
        );
    }
    if !host.starts_with('[')
        && let Some(bad) = host
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
    {
        return Err(if bad.is_ascii() {
            format!("its host contains the character '{bad}'")
        } else {
            "its host is not ASCII; write internationalised names in their xn-- form".into()
        });
    }
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => match p.parse::<u16>()
        {
            Ok(n) => Some(n),
            Err(_) => return Err(format!("port {p} is above 65535")),
        },
        Some(p) => return Err(format!("\"{p}\" is not a port number")),
    };
    Ok(Origin {
        scheme: scheme.to_ascii_lowercase(),
        host: host.to_ascii_lowercase(),
        port,
    })
}

/// A key under which equivalent origins collide (for duplicates and modes).
fn origin_key(o: &str) -> String {
    match parse_origin(o.trim()) {
        Ok(p) => p.serialize(),
        Err(_) => o.trim().to_string(),
    }
}

/// Does a configured origin allow the origin a browser sent? Exact, except
/// that scheme and host compare case-insensitively and a default port may be
/// written out (browsers always send the short form).
fn origin_matches(allowed: &str, sent: &str) -> bool {
    let allowed = allowed.trim();
    if allowed == sent {
        return true;
    }
    match (parse_origin(allowed), parse_origin(sent)) {
        (Ok(a), Ok(s)) => a.serialize() == s.serialize(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/items";
    const APP: &str = "https://app.example.com";

    fn cfg(origins: &[&str]) -> CorsConfig {
        CorsConfig {
            allow_origins: origins.iter().map(|s| s.to_string()).collect(),
            ..CorsConfig::default()
        }
    }

    fn from(origin: &str, method: &str) -> Request {
        Request::new(method, "/prod/items")
            .with_header("Host", "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com")
            .with_header("Origin", origin)
    }

    fn methods(ms: &[&str]) -> Vec<String> {
        ms.iter().map(|s| s.to_string()).collect()
    }

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn get<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Run the browser flow: preflight through `cfg` when needed, then the
    /// actual request answered with `status` and `cfg`'s headers.
    fn flow(cfg: &CorsConfig, req: &Request, status: u16) -> BrowserVerdict {
        let pf = cfg.preflight_headers(&browser_preflight_for(req), &methods(&["ANY"]));
        let actual = cfg.response_headers(req);
        browser_verdict(req, URL, Some((200, &pf)), Some((status, &actual)))
    }

    // Row 82: no OPTIONS method, the preflight gets 403 Missing Authentication
    // Token without CORS headers. Chromium reports the missing header before
    // the status.
    #[test]
    fn row82_preflight_to_resource_without_options_is_blocked() {
        let req = from(APP, "POST").with_header("Content-Type", "application/json");
        assert!(preflight_reason(&req).is_some());
        let pf = browser_preflight_for(&req);
        assert!(is_preflight(&pf));
        let gateway_403 = h(&[
            ("Content-Type", "application/json"),
            ("x-amzn-ErrorType", "MissingAuthenticationTokenException"),
        ]);
        let v = browser_verdict(&req, URL, Some((403, &gateway_403)), None);
        assert!(!v.allowed);
        assert!(v.preflight_required);
        assert_eq!(
            v.message,
            format!(
                "Access to fetch at '{URL}' from origin '{APP}' has been blocked by CORS policy: Response to \
                 preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header \
                 is present on the requested resource. If an opaque response serves your needs, set the \
                 request's mode to 'no-cors' to fetch the resource with CORS disabled."
            )
        );
    }

    // Row 83: a static origin is returned to everyone; the browser compares.
    #[test]
    fn row83_static_origin_mismatch_is_blocked() {
        let c = cfg(&[APP]);
        let req = from("https://evil.example.net", "PUT");
        let pf_headers =
            c.preflight_headers(&browser_preflight_for(&req), &methods(&["GET", "PUT"]));
        assert_eq!(get(&pf_headers, ACAO), Some(APP));
        assert_eq!(
            get(&pf_headers, ACAH),
            Some("Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token")
        );
        assert_eq!(get(&pf_headers, ACAM), Some("GET,PUT,OPTIONS"));
        let v = browser_verdict(&req, URL, Some((200, &pf_headers)), None);
        assert!(!v.allowed);
        assert!(
            v.message.contains(
                "Response to preflight request doesn't pass access control check: The \
                 'Access-Control-Allow-Origin' header has a value 'https://app.example.com' that is not \
                 equal to the supplied origin."
            ),
            "{}",
            v.message
        );
        // The same configuration lets the real app through.
        assert!(flow(&c, &from(APP, "PUT"), 200).allowed);
    }

    // Row 85: the authorizer's 401 has no CORS headers unless DEFAULT_4XX adds them.
    #[test]
    fn row85_gateway_error_without_acao_is_unreadable() {
        let req = from(APP, "GET");
        let gateway_401 = h(&[("Content-Type", "application/json")]);
        let v = browser_verdict(&req, URL, None, Some((401, &gateway_401)));
        assert!(!v.allowed);
        assert!(!v.preflight_required);
        assert!(v.message.ends_with(NO_ACAO), "{}", v.message);
    }

    // Row 86: DEFAULT_4XX maps Access-Control-Allow-Origin: the 401 is readable.
    #[test]
    fn row86_gateway_error_with_acao_is_readable() {
        let req = from(APP, "GET");
        let mut gateway_401 = h(&[("Content-Type", "application/json")]);
        gateway_401.extend(cfg(&[APP]).response_headers(&req));
        let v = browser_verdict(&req, URL, None, Some((401, &gateway_401)));
        assert!(v.allowed, "{}", v.message);
        assert!(v.message.contains("(status 401)"), "{}", v.message);
        assert!(v.warnings.is_empty());
    }

    // Row 88: '*' with credentials.
    #[test]
    fn row88_wildcard_with_credentials_is_blocked_and_refused_as_config() {
        let mut req = from(APP, "GET");
        req.browser_credentials = true;
        let v = browser_verdict(
            &req,
            URL,
            None,
            Some((200, &h(&[(ACAO, "*"), (ACAC, "true")]))),
        );
        assert!(!v.allowed);
        assert!(
            v.message.ends_with(WILDCARD_WITH_CREDENTIALS),
            "{}",
            v.message
        );
        assert_eq!(v.warnings, vec![WARN_STAR.to_string()]);
        // The same response without credentials is readable, with a warning.
        req.browser_credentials = false;
        let v = browser_verdict(&req, URL, None, Some((200, &h(&[(ACAO, "*")]))));
        assert!(v.allowed);
        assert_eq!(v.warnings, vec![WARN_STAR.to_string()]);

        let mut c = cfg(&["*"]);
        let p = c.problems();
        assert_eq!(p.len(), 1);
        assert!(!p[0].3, "'*' alone is a warning");
        c.allow_credentials = true;
        let p = c.problems();
        assert_eq!(p.len(), 1);
        assert!(p[0].3, "'*' with credentials is an error");
        assert_eq!(p[0].0, vec!["allow-origins".to_string(), "0".to_string()]);
    }

    // Row 89: 'null' echoed for a sandboxed iframe is allowed, but flagged.
    #[test]
    fn row89_null_origin_is_allowed_with_warning() {
        let c = cfg(&["null"]);
        let req = from("null", "GET");
        let v = flow(&c, &req, 200);
        assert!(v.allowed, "{}", v.message);
        assert_eq!(v.warnings, vec![WARN_NULL.to_string()]);
        let p = c.problems();
        assert_eq!(p.len(), 1);
        assert!(!p[0].3);
        assert!(p[0].1.contains("'null'"));
    }

    // Row 91: OPTIONS with Origin but no Access-Control-Request-Method.
    #[test]
    fn row91_options_without_request_method_is_not_a_preflight() {
        assert!(!is_preflight(&from(APP, "OPTIONS")));
        assert!(is_preflight(
            &from(APP, "OPTIONS").with_header("access-control-request-method", "PUT")
        ));
        assert!(!is_preflight(
            &Request::new("OPTIONS", "/").with_header(ACRM, "PUT")
        ));
    }

    #[test]
    fn method_not_in_allow_methods_is_blocked() {
        let c = CorsConfig {
            allow_methods: methods(&["GET", "POST", "OPTIONS"]),
            ..cfg(&[APP])
        };
        let v = flow(&c, &from(APP, "put"), 200);
        assert!(!v.allowed);
        assert!(
            v.message.ends_with(
                "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."
            ),
            "{}",
            v.message
        );
        // PATCH is not normalised by fetch, but Chromium compares in upper case.
        let c = CorsConfig {
            allow_methods: methods(&["PATCH"]),
            ..cfg(&[APP])
        };
        assert!(flow(&c, &from(APP, "patch"), 200).allowed);
        let c = CorsConfig {
            allow_methods: methods(&["patch"]),
            ..cfg(&[APP])
        };
        let v = flow(&c, &from(APP, "PATCH"), 200);
        assert!(
            v.message.ends_with(
                "Method PATCH is not allowed by Access-Control-Allow-Methods in preflight response."
            ),
            "{}",
            v.message
        );
    }

    #[test]
    fn header_not_in_allow_headers_is_blocked() {
        let c = cfg(&[APP]);
        let req = from(APP, "GET").with_header("X-Custom", "1");
        let v = flow(&c, &req, 200);
        assert!(v.preflight_required);
        assert!(
            v.message.ends_with("Request header field x-custom is not allowed by Access-Control-Allow-Headers in preflight response."),
            "{}",
            v.message
        );
        // Listed in any case: allowed.
        let c = CorsConfig {
            allow_headers: methods(&["x-CUSTOM"]),
            ..cfg(&[APP])
        };
        assert!(flow(&c, &req, 200).allowed);
    }

    #[test]
    fn wildcard_allow_headers_excludes_authorization_and_credentials() {
        let c = CorsConfig {
            allow_headers: methods(&["*"]),
            ..cfg(&[APP])
        };
        assert!(flow(&c, &from(APP, "GET").with_header("X-Custom", "1"), 200).allowed);
        let v = flow(
            &c,
            &from(APP, "GET")
                .with_header("X-Custom", "1")
                .with_header("Authorization", "Bearer x"),
            200,
        );
        assert!(v.message.ends_with("Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response."), "{}", v.message);
        let c = CorsConfig {
            allow_headers: methods(&["*", "Authorization"]),
            ..cfg(&[APP])
        };
        assert!(
            flow(
                &c,
                &from(APP, "GET").with_header("Authorization", "Bearer x"),
                200
            )
            .allowed
        );
        // With credentials '*' is a literal name.
        let c = CorsConfig {
            allow_headers: methods(&["*"]),
            allow_credentials: true,
            ..cfg(&[APP])
        };
        let mut req = from(APP, "GET").with_header("X-Custom", "1");
        req.browser_credentials = true;
        assert!(flow(&c, &req, 200).message.ends_with("Request header field x-custom is not allowed by Access-Control-Allow-Headers in preflight response."));
        assert!(
            c.problems()
                .iter()
                .any(|p| p.3 && p.0 == vec!["allow-headers".to_string(), "0".to_string()])
        );
    }

    #[test]
    fn simple_requests_skip_the_preflight() {
        let simple = [
            from(APP, "GET"),
            from(APP, "head"),
            from(APP, "POST").with_header("Content-Type", "text/plain;charset=UTF-8"),
            from(APP, "POST").with_header("content-type", "application/x-www-form-urlencoded"),
            from(APP, "GET")
                .with_header("Accept", "application/json")
                .with_header("Accept-Language", "en-GB,en;q=0.9"),
            from(APP, "GET").with_header("Range", "bytes=0-499"),
            // Headers the browser adds itself do not count.
            from(APP, "GET")
                .with_header("Cookie", "sid=1")
                .with_header("User-Agent", "x")
                .with_header("Sec-Fetch-Mode", "cors"),
        ];
        for req in &simple {
            assert_eq!(preflight_reason(req), None, "{req:?}");
            let v = browser_verdict(
                req,
                URL,
                None,
                Some((200, &cfg(&[APP]).response_headers(req))),
            );
            assert!(v.allowed && !v.preflight_required, "{}", v.message);
        }
        let r =
            preflight_reason(&from(APP, "DELETE").with_header("Content-Type", "application/json"))
                .unwrap_or_default();
        assert_eq!(
            r,
            "method DELETE is not CORS-safelisted (only GET, HEAD and POST are); header content-type is not \
             CORS-safelisted here: 'application/json' is not application/x-www-form-urlencoded, \
             multipart/form-data or text/plain"
        );
        assert!(preflight_reason(&from(APP, "GET").with_header("Range", "bytes=-500")).is_some());
        assert!(preflight_reason(&from(APP, "GET").with_header("Range", "bytes=5-1")).is_some());
    }

    #[test]
    fn safelisted_values_over_1024_bytes_force_a_preflight() {
        let long = "a".repeat(120);
        let mut req = from(APP, "GET");
        for name in ["Accept", "Accept-Language", "Content-Language"] {
            req = req.with_header(name, &long);
        }
        assert_eq!(preflight_reason(&req), None);
        for _ in 0..7 {
            req = req.with_header("Accept", &long);
        }
        let r = preflight_reason(&req).unwrap_or_default();
        assert!(r.contains("header accept is not CORS-safelisted here: the safelisted header values together exceed 1024 bytes"), "{r}");
    }

    #[test]
    fn non_2xx_preflight_fails_after_the_origin_check() {
        let c = cfg(&[APP]);
        let req = from(APP, "DELETE");
        let pf = c.preflight_headers(&browser_preflight_for(&req), &methods(&["DELETE"]));
        let v = browser_verdict(&req, URL, Some((401, &pf)), None);
        assert!(!v.allowed);
        assert!(
            v.message.ends_with("Response to preflight request doesn't pass access control check: It does not have HTTP ok status."),
            "{}",
            v.message
        );
        let v = browser_verdict(
            &req,
            URL,
            Some((204, &pf)),
            Some((200, &c.response_headers(&req))),
        );
        assert!(v.allowed, "{}", v.message);
        let v = browser_verdict(&req, URL, None, None);
        assert!(v.message.contains("net::ERR_FAILED"));
        let v = browser_verdict(&req, URL, Some((200, &pf)), None);
        assert!(!v.allowed);
        assert!(v.message.contains("not sent"), "{}", v.message);
    }

    #[test]
    fn credentials_need_allow_credentials_true() {
        let c = cfg(&[APP]);
        let mut req = from(APP, "GET");
        req.browser_credentials = true;
        let v = flow(&c, &req, 200);
        assert!(
            v.message.ends_with("The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'."),
            "{}",
            v.message
        );
        let c = CorsConfig {
            allow_credentials: true,
            ..cfg(&[APP])
        };
        assert!(flow(&c, &req, 200).allowed);
        // Preflights check it too.
        let v = browser_verdict(
            &req.clone().with_header("X-Custom", "1"),
            URL,
            Some((200, &h(&[(ACAO, APP), (ACAH, "x-custom")]))),
            None,
        );
        assert!(v.message.contains("Response to preflight request doesn't pass access control check: The value of the 'Access-Control-Allow-Credentials'"), "{}", v.message);
    }

    #[test]
    fn several_origins_are_echoed_only_when_listed() {
        let c = cfg(&[APP, "https://admin.example.com"]);
        let hdrs = c.response_headers(&from("https://admin.example.com", "GET"));
        assert_eq!(
            hdrs,
            h(&[(ACAO, "https://admin.example.com"), ("Vary", "Origin")])
        );
        let hdrs = c.response_headers(&from("https://app.example.com.evil.net", "GET"));
        assert_eq!(hdrs, h(&[("Vary", "Origin")]));
        assert_eq!(
            c.response_headers(&Request::new("GET", "/")),
            h(&[("Vary", "Origin")])
        );
        // Scheme and port are part of the origin; case and default ports are not.
        assert_eq!(
            get(
                &c.response_headers(&from("http://app.example.com", "GET")),
                ACAO
            ),
            None
        );
        assert_eq!(
            get(
                &c.response_headers(&from("https://app.example.com:8443", "GET")),
                ACAO
            ),
            None
        );
        let c2 = cfg(&["https://App.Example.com:443", "https://b.example.com"]);
        assert_eq!(
            get(&c2.response_headers(&from(APP, "GET")), ACAO),
            Some(APP)
        );
        let v = flow(&c, &from("https://evil.example.net", "GET"), 200);
        assert!(v.message.ends_with(NO_ACAO), "{}", v.message);
    }

    #[test]
    fn static_origin_headers_and_defaults() {
        let c = CorsConfig {
            allow_credentials: true,
            max_age: Some(600),
            expose_headers: methods(&["X-Request-Id"]),
            ..cfg(&[APP])
        };
        let req = from(APP, "GET");
        assert_eq!(
            c.response_headers(&req),
            h(&[(ACAO, APP), (ACAC, "true"), (ACEH, "X-Request-Id")])
        );
        assert_eq!(
            c.preflight_headers(&browser_preflight_for(&req), &methods(&["ANY"])),
            h(&[
                (ACAO, APP),
                (ACAM, "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT"),
                (
                    ACAH,
                    "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"
                ),
                (ACAC, "true"),
                (ACMA, "600"),
            ])
        );
        assert_eq!(CorsConfig::default().response_headers(&req), Vec::new());
    }

    #[test]
    fn browser_preflight_carries_no_credentials() {
        let mut req = from(APP, "put")
            .with_header("Cookie", "sid=1")
            .with_header("Authorization", "Bearer t")
            .with_header("X-Api-Key", "k")
            .with_header("Content-Type", "application/json");
        req.browser_credentials = true;
        req.body = "{}".into();
        let pf = browser_preflight_for(&req);
        assert_eq!(pf.method, "OPTIONS");
        assert_eq!(pf.target, req.target);
        assert_eq!(pf.header(ACRM), Some("PUT"));
        assert_eq!(
            pf.header(ACRH),
            Some("authorization,content-type,x-api-key")
        );
        assert_eq!(pf.header("origin"), Some(APP));
        assert_eq!(pf.header("cookie"), None);
        assert_eq!(pf.header("authorization"), None);
        assert!(!pf.browser_credentials);
        assert!(pf.body.is_empty());
        assert_eq!(
            preflight_reason(&pf),
            Some("method OPTIONS is not CORS-safelisted (only GET, HEAD and POST are)".into())
        );
    }

    #[test]
    fn acao_syntax_errors_use_chrome_wording() {
        let req = from(APP, "GET");
        let v = browser_verdict(
            &req,
            URL,
            None,
            Some((200, &h(&[(ACAO, APP), (ACAO, "https://b.example.com")]))),
        );
        assert!(v.message.contains("contains multiple values 'https://app.example.com, https://b.example.com', but only one is allowed."), "{}", v.message);
        let v = browser_verdict(
            &req,
            URL,
            None,
            Some((200, &h(&[(ACAO, "app.example.com")]))),
        );
        assert!(
            v.message
                .contains("contains the invalid value 'app.example.com'."),
            "{}",
            v.message
        );
        let v = browser_verdict(
            &req,
            URL,
            None,
            Some((200, &h(&[(ACAO, "https://app.example.com/")]))),
        );
        assert!(
            v.message
                .contains("has a value 'https://app.example.com/' that is not equal"),
            "{}",
            v.message
        );
        let v = browser_verdict(&Request::new("GET", "/"), URL, None, None);
        assert!(v.allowed && v.message.contains("no Origin header"));
    }

    #[test]
    fn unparsable_allow_lists_fail_the_preflight() {
        let req = from(APP, "PUT");
        let v = browser_verdict(
            &req,
            URL,
            Some((200, &h(&[(ACAO, APP), (ACAM, "PUT, GET POST")]))),
            None,
        );
        assert!(v.message.ends_with("Cannot parse Access-Control-Allow-Methods response header field in preflight response."), "{}", v.message);
        // Empty elements and whitespace are tolerated.
        let v = browser_verdict(
            &req,
            URL,
            Some((200, &h(&[(ACAO, APP), (ACAM, " ,GET,\tPUT ,")]))),
            Some((200, &h(&[(ACAO, APP)]))),
        );
        assert!(v.allowed, "{}", v.message);
    }

    #[test]
    fn origin_problems() {
        let p = cfg(&["https://app.example.com/"]).problems();
        assert_eq!(p.len(), 1);
        assert!(p[0].3 && p[0].1.contains("ends with a slash"), "{p:?}");
        let p = cfg(&["https://app.example.com/index.html"]).problems();
        assert!(p[0].3 && p[0].1.contains("path"), "{p:?}");
        let p = cfg(&["app.example.com"]).problems();
        assert!(p[0].3 && p[0].1.contains("scheme"), "{p:?}");
        let p = cfg(&["https://*.example.com"]).problems();
        assert!(p[0].3 && p[0].1.contains("wildcard"), "{p:?}");
        let p = cfg(&["https://App.example.com"]).problems();
        assert!(
            p[0].3 && p[0].2 == "write \"https://app.example.com\"",
            "{p:?}"
        );
        let p = cfg(&["https://App.example.com", "https://b.example.com"]).problems();
        assert_eq!(p.len(), 1);
        assert!(!p[0].3, "an echoed list tolerates case: {p:?}");
        let p = cfg(&[APP, "https://APP.example.com:443"]).problems();
        assert!(
            p.iter()
                .any(|x| x.1.contains("repeats allow-origins entry 0") && !x.3),
            "{p:?}"
        );
        let p = cfg(&[]).problems();
        assert!(p[0].3 && p[0].0 == vec!["allow-origins".to_string()]);
        let mut c = cfg(&["http://app.example.com", "http://localhost:3000"]);
        assert!(c.problems().is_empty());
        c.allow_credentials = true;
        let p = c.problems();
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, vec!["allow-origins".to_string(), "0".to_string()]);
        assert!(!p[0].3);
        assert!(
            cfg(&[APP, "https://[::1]:8443", "http://127.0.0.1:8080"])
                .problems()
                .is_empty()
        );
        assert!(cfg(&["https://[::1"]).problems()[0].3);
        assert!(
            cfg(&["https://a.example.com:99999"]).problems()[0]
                .1
                .contains("above 65535")
        );
    }

    #[test]
    fn list_and_max_age_problems() {
        let c = CorsConfig {
            allow_methods: methods(&["GET", "", "put", "CONNECT", "GET"]),
            allow_headers: methods(&[
                "Content-Type",
                "X Bad",
                "Cookie",
                "Access-Control-Allow-Origin",
            ]),
            expose_headers: methods(&["Set-Cookie", "Content-Type", "X-Ok"]),
            max_age: Some(86_401),
            ..cfg(&[APP])
        };
        let got: Vec<(String, bool)> = c
            .problems()
            .into_iter()
            .map(|(p, _, _, e)| (p.join("."), e))
            .collect();
        let want = [
            ("allow-methods.1", true),
            ("allow-methods.2", false),
            ("allow-methods.3", false),
            ("allow-methods.4", false),
            ("allow-headers.1", true),
            ("allow-headers.2", false),
            ("allow-headers.3", false),
            ("expose-headers.0", false),
            ("expose-headers.1", false),
            ("max-age", false),
        ];
        let want: Vec<(String, bool)> = want.iter().map(|(p, e)| (p.to_string(), *e)).collect();
        assert_eq!(got, want);
        let p = CorsConfig {
            max_age: Some(7200),
            ..cfg(&[APP])
        }
        .problems();
        assert!(p.is_empty());
        let p = CorsConfig {
            allow_headers: methods(&["*"]),
            ..cfg(&[APP])
        }
        .problems();
        assert_eq!(p.len(), 1);
        assert!(p[0].1.contains("does not cover Authorization"));
    }

    #[test]
    fn toml_shape_round_trips_and_rejects_unknown_keys() {
        let src = "allow-origins = [\"https://app.example.com\"]\nallow-credentials = true\nmax-age = 600\nexpose-headers = [\"X-Request-Id\"]\n";
        let c: CorsConfig = toml::from_str(src).expect("valid TOML");
        assert_eq!(c.allow_origins, vec![APP.to_string()]);
        assert!(c.allow_credentials);
        assert_eq!(c.max_age, Some(600));
        assert!(c.allow_methods.is_empty());
        let back: CorsConfig =
            toml::from_str(&toml::to_string(&c).expect("serialises")).expect("parses");
        assert_eq!(back, c);
        assert!(toml::from_str::<CorsConfig>("allow-origin = [\"x\"]").is_err());
        assert!(toml::from_str::<CorsConfig>("max-age = -1").is_err());
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn never_panics_on_any_input(
                origin in ".{0,40}",
                allowed in proptest::collection::vec(".{0,40}", 0..4),
                method in "[A-Za-z]{0,8}",
                header in ("[A-Za-z-]{1,12}", ".{0,140}"),
                acao in ".{0,40}",
                acam in ".{0,30}",
                creds in any::<bool>(),
                status in any::<u16>(),
            ) {
                let c = CorsConfig { allow_origins: allowed, allow_credentials: creds, ..CorsConfig::default() };
                let _ = c.problems();
                let mut req = from(&origin, &method).with_header(&header.0, &header.1);
                req.browser_credentials = creds;
                let _ = preflight_reason(&req);
                let pf = browser_preflight_for(&req);
                let pf_headers = c.preflight_headers(&pf, std::slice::from_ref(&method));
                let actual = c.response_headers(&req);
                let _ = browser_verdict(&req, URL, Some((status, &pf_headers)), Some((status, &actual)));
                let _ = browser_verdict(&req, URL, Some((status, &h(&[(ACAO, acao.as_str()), (ACAM, acam.as_str())]))), None);
            }

            #[test]
            fn a_listed_origin_always_reads_a_simple_get(host in "[a-z][a-z0-9-]{0,20}", port in proptest::option::of(1u16..)) {
                let origin = match port { Some(p) => format!("https://{host}.example:{p}"), None => format!("https://{host}.example") };
                let origin = parse_origin(&origin).map(|o| o.serialize()).unwrap_or_default();
                for c in [cfg(&[&origin]), cfg(&[&origin, "https://other.example"])] {
                    prop_assert!(c.problems().iter().all(|p| !p.3));
                    let req = from(&origin, "GET");
                    let v = browser_verdict(&req, URL, None, Some((200, &c.response_headers(&req))));
                    prop_assert!(v.allowed, "{}", v.message);
                }
            }
        }
    }
}
