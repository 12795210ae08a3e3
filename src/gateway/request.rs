//! An HTTP request as it reaches the simulated gateway: what a client sent,
//! plus the connection facts a real gateway sees (source IP, VPC endpoint,
//! TLS version, client certificate).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

/// `https` or plain `http`. API Gateway only serves HTTPS.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    #[default]
    Https,
    Http,
}

/// The TLS protocol version a client negotiates (or offers at most).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum TlsVersion {
    #[serde(rename = "1.0", alias = "TLSv1.0", alias = "tls1.0")]
    Tls1_0,
    #[serde(rename = "1.1", alias = "TLSv1.1", alias = "tls1.1")]
    Tls1_1,
    #[default]
    #[serde(rename = "1.2", alias = "TLSv1.2", alias = "tls1.2")]
    Tls1_2,
    #[serde(rename = "1.3", alias = "TLSv1.3", alias = "tls1.3")]
    Tls1_3,
}

impl TlsVersion {
    pub const ALL: [TlsVersion; 4] = [
        TlsVersion::Tls1_0,
        TlsVersion::Tls1_1,
        TlsVersion::Tls1_2,
        TlsVersion::Tls1_3,
    ];
    pub fn label(self) -> &'static str {
        match self {
            TlsVersion::Tls1_0 => "TLS 1.0",
            TlsVersion::Tls1_1 => "TLS 1.1",
            TlsVersion::Tls1_2 => "TLS 1.2",
            TlsVersion::Tls1_3 => "TLS 1.3",
        }
    }
}

impl fmt::Display for TlsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One request to the gateway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// HTTP method as sent (upper case by convention; compared exactly).
    pub method: String,
    pub scheme: Scheme,
    /// Path and optional query exactly as sent, e.g. `/prod/items?id=1`.
    pub target: String,
    /// Header fields in the order sent; names keep their case.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The address the connection came from (`aws:SourceIp`).
    pub source_ip: IpAddr,
    /// The interface VPC endpoint the request came through, if any (`aws:SourceVpce`).
    pub vpce: Option<String>,
    /// The VPC of that endpoint, if any (`aws:SourceVpc`).
    pub vpc: Option<String>,
    /// The TLS version the client negotiates.
    pub tls_version: TlsVersion,
    /// Name of the client certificate presented in the TLS handshake, if any
    /// (certificates are defined in the scenario's identities).
    pub client_cert: Option<String>,
    /// A browser sent this request with `credentials: 'include'` (cookies or
    /// HTTP auth); only matters for the CORS verdict.
    pub browser_credentials: bool,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            method: "GET".into(),
            scheme: Scheme::Https,
            target: "/".into(),
            headers: Vec::new(),
            body: String::new(),
            source_ip: IpAddr::V4(Ipv4Addr::new(198, 51, 100, 10)),
            vpce: None,
            vpc: None,
            tls_version: TlsVersion::Tls1_2,
            client_cert: None,
            browser_credentials: false,
        }
    }
}

impl Request {
    /// A request with the given method and target and default connection facts.
    pub fn new(method: &str, target: &str) -> Self {
        Request {
            method: method.to_string(),
            target: target.to_string(),
            ..Request::default()
        }
    }

    /// Builder: add a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The path part of the target (before `?`), as sent.
    pub fn path(&self) -> &str {
        match self.target.find('?') {
            Some(i) => &self.target[..i],
            None => &self.target,
        }
    }

    /// The raw query string (after `?`), as sent; empty if none.
    pub fn raw_query(&self) -> &str {
        match self.target.find('?') {
            Some(i) => &self.target[i + 1..],
            None => "",
        }
    }

    /// Query parameters, split on `&` and `=` and percent-decoded (`+` is a space).
    pub fn query_params(&self) -> Vec<(String, String)> {
        let q = self.raw_query();
        if q.is_empty() {
            return Vec::new();
        }
        q.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (form_decode(k), form_decode(v))
            })
            .collect()
    }

    /// First value of a query parameter (name compared exactly, as API Gateway does).
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_params()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// First value of a header, name compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All values of a header, in order.
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Set (replace) a header.
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
    }

    /// Remove a header.
    pub fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    }

    /// The `Host` header, lower-cased and without a port, if present.
    pub fn host(&self) -> Option<String> {
        self.header("host").map(|h| {
            let h = h.trim();
            let h = match h.rsplit_once(':') {
                Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
                _ => h,
            };
            h.to_ascii_lowercase()
        })
    }

    /// Cookies from every `Cookie` header, as name/value pairs.
    pub fn cookies(&self) -> Vec<(String, String)> {
        self.header_all("cookie")
            .flat_map(|c| c.split(';'))
            .filter_map(|p| {
                let p = p.trim();
                if p.is_empty() {
                    return None;
                }
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                Some((k.trim().to_string(), v.trim().to_string()))
            })
            .collect()
    }
}

/// Percent-decode a string (invalid escapes are kept as they are).
pub fn percent_decode(s: &str) -> String {
    decode_impl(s, false)
}

/// Percent-decode a form/query component, where `+` also means a space.
pub fn form_decode(s: &str) -> String {
    decode_impl(s, true)
}

fn decode_impl(s: &str, plus_is_space: bool) -> String {
    if !s.bytes().any(|b| b == b'%' || (plus_is_space && b == b'+')) {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex_val(b[i + 1]), hex_val(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_target_and_decodes_query() {
        let r = Request::new("GET", "/prod/items?id=1%27%20OR%201=1&q=a+b&flag");
        assert_eq!(r.path(), "/prod/items");
        assert_eq!(r.query_param("id").as_deref(), Some("1' OR 1=1"));
        assert_eq!(r.query_param("q").as_deref(), Some("a b"));
        assert_eq!(r.query_param("flag").as_deref(), Some(""));
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%41%zz"), "A%zz");
    }

    #[test]
    fn headers_are_case_insensitive_and_host_drops_port() {
        let r = Request::new("GET", "/").with_header("Host", "API.Example.com:443");
        assert_eq!(r.header("host"), Some("API.Example.com:443"));
        assert_eq!(r.host().as_deref(), Some("api.example.com"));
        let r = r
            .with_header("Cookie", "a=1; b=2")
            .with_header("cookie", "c=3");
        assert_eq!(r.cookies().len(), 3);
    }
}
