//! Parse one HTTP/1.1 request written out as text, the way curl (`curl -v`
//! lines start with `> `), a proxy or the SigV4 test suites' `.req`/`.sreq`
//! files show it: request line, header lines, a blank line, then the body.
//!
//! The request target is kept exactly as written, including raw spaces and
//! UTF-8, because SigV4 signs the path as it arrives and the test suites
//! depend on that. Obsolete line folding (a header line that starts with
//! whitespace continues the header above) is accepted and replaced by a single
//! space. Repeated headers stay separate, in order. The body is everything
//! after the first blank line, byte for byte (`Content-Length` is not
//! enforced, so a trailing newline added by an editor is part of the body).

use crate::diag::Diagnostic;
use crate::gateway::request::{Request, Scheme};
use std::fmt;

/// Why a request text could not be parsed, with a 1-based position (column in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawHttpError {
    /// 1-based line of the problem.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl RawHttpError {
    fn new(line: usize, col: usize, message: impl Into<String>, hint: impl Into<String>) -> Self {
        RawHttpError {
            line,
            col,
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// The same problem as a file diagnostic (`file:line:col: message` + hint).
    pub fn into_diagnostic(self, file: &str) -> Diagnostic {
        Diagnostic {
            file: file.to_string(),
            line: self.line,
            col: self.col,
            message: self.message,
            hint: Some(self.hint),
        }
    }
}

impl fmt::Display for RawHttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}\n  hint: {}",
            self.line, self.col, self.message, self.hint
        )
    }
}

impl std::error::Error for RawHttpError {}

/// One line of the head, without its line ending and without a curl `> ` prefix.
struct Line<'a> {
    /// 1-based line number in the text.
    number: usize,
    text: &'a str,
    /// Characters removed from the start (the curl prefix), to keep columns true.
    prefix_chars: usize,
}

impl Line<'_> {
    /// 1-based column (in characters) of a byte offset into `text`.
    fn col(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        let chars = self.text.get(..byte).map_or(0, |s| s.chars().count());
        self.prefix_chars + chars + 1
    }
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Parse one HTTP/1.1 request. See the module documentation for the accepted forms.
pub fn parse_raw_request(text: &str) -> Result<Request, RawHttpError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut pos = 0;
    let mut number = 0;
    let mut head: Vec<Line> = Vec::new();
    let mut body = "";
    let mut curl = false;
    loop {
        if pos >= text.len() && !head.is_empty() {
            break;
        }
        number += 1;
        let rest = text.get(pos..).unwrap_or("");
        let (raw, next) = match rest.find('\n') {
            Some(i) => (rest.get(..i).unwrap_or(""), Some(pos + i + 1)),
            None => (rest, None),
        };
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let mut line = Line {
            number,
            text: raw,
            prefix_chars: 0,
        };
        if head.is_empty() && line.text.starts_with("> ") {
            curl = true;
        }
        if curl {
            if let Some(t) = line.text.strip_prefix("> ") {
                line.text = t;
                line.prefix_chars = 2;
            } else if let Some(t) = line.text.strip_prefix('>') {
                line.text = t;
                line.prefix_chars = 1;
            } else {
                return Err(RawHttpError::new(
                    number,
                    1,
                    "this line of a `curl -v` request does not start with `>`",
                    "copy only the `> ` lines curl prints for the request, or remove every `> ` prefix",
                ));
            }
        }
        if line.text.is_empty() {
            if head.is_empty() {
                // Empty lines before the request line are ignored (RFC 9112 §2.2).
                match next {
                    Some(n) => {
                        pos = n;
                        continue;
                    }
                    None => {
                        return Err(RawHttpError::new(
                            number,
                            1,
                            "the request is empty",
                            "start with a request line such as `GET /prod/items HTTP/1.1`",
                        ));
                    }
                }
            }
            if let Some(n) = next {
                body = text.get(n..).unwrap_or("");
            }
            break;
        }
        head.push(line);
        match next {
            Some(n) => pos = n,
            None => break,
        }
    }

    let Some((request_line, header_lines)) = head.split_first() else {
        return Err(RawHttpError::new(
            1,
            1,
            "the request is empty",
            "start with a request line such as `GET /prod/items HTTP/1.1`",
        ));
    };
    let mut req = parse_request_line(request_line)?;
    req.headers = parse_headers(header_lines)?;
    req.body = body.to_string();
    if let Some(authority) = absolute_form(&mut req)
        && req.header("host").is_none()
    {
        req.headers.insert(0, ("Host".to_string(), authority));
    }
    Ok(req)
}

fn parse_request_line(line: &Line) -> Result<Request, RawHttpError> {
    let text = line.text;
    let example = "write the request line as `METHOD /path?query HTTP/1.1`";
    let Some(sp1) = text.find(' ') else {
        return Err(RawHttpError::new(
            line.number,
            line.col(text.len()),
            "the request line has no target and no protocol version",
            example,
        ));
    };
    let method = text.get(..sp1).unwrap_or("");
    if method.is_empty() {
        return Err(RawHttpError::new(
            line.number,
            line.col(0),
            "the request line does not start with a method",
            example,
        ));
    }
    if let Some((i, c)) = method.char_indices().find(|(_, c)| !is_tchar(*c)) {
        return Err(RawHttpError::new(
            line.number,
            line.col(i),
            format!("the method contains '{c}', which is not allowed in a method name"),
            "use a method such as GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS",
        ));
    }
    let sp2 = text.rfind(' ').unwrap_or(sp1);
    let version = text.get(sp2 + 1..).unwrap_or("");
    if sp2 == sp1 || !version.starts_with("HTTP/") {
        return Err(RawHttpError::new(
            line.number,
            line.col(if sp2 == sp1 { text.len() } else { sp2 + 1 }),
            "the request line does not end with a protocol version",
            format!("{example}; a target that contains spaces is kept as written"),
        ));
    }
    let digits = version.trim_start_matches("HTTP/");
    let valid_version = match digits.split_once('.') {
        Some((a, b)) => is_digits(a) && is_digits(b),
        None => is_digits(digits),
    };
    if !valid_version {
        return Err(RawHttpError::new(
            line.number,
            line.col(sp2 + 1),
            format!("'{version}' is not a protocol version"),
            "use HTTP/1.1 (HTTP/1.0, HTTP/2 and HTTP/3 are accepted too)",
        ));
    }
    let target = text.get(sp1 + 1..sp2).unwrap_or("");
    if target.is_empty() {
        return Err(RawHttpError::new(
            line.number,
            line.col(sp1 + 1),
            "the request target is empty",
            "put the path between the method and the version, e.g. `GET /prod/items HTTP/1.1`",
        ));
    }
    if let Some((i, _)) = target.char_indices().find(|(_, c)| c.is_control()) {
        return Err(RawHttpError::new(
            line.number,
            line.col(sp1 + 1 + i),
            "the request target contains a control character",
            "percent-encode it, e.g. a tab as %09",
        ));
    }
    let lower = target.to_ascii_lowercase();
    if !(target.starts_with('/')
        || target == "*"
        || lower.starts_with("http://")
        || lower.starts_with("https://"))
    {
        return Err(RawHttpError::new(
            line.number,
            line.col(sp1 + 1),
            format!("the request target '{target}' does not start with '/'"),
            "write the path from the root, e.g. `/prod/items`, or a full URL such as `https://host/prod/items`",
        ));
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        ..Request::default()
    })
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn parse_headers(lines: &[Line]) -> Result<Vec<(String, String)>, RawHttpError> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        let text = line.text;
        if text.starts_with([' ', '\t']) {
            // Obsolete line folding: this line continues the header above.
            let Some((_, value)) = headers.last_mut() else {
                return Err(RawHttpError::new(
                    line.number,
                    line.col(0),
                    "this line starts with whitespace, but there is no header above it to continue",
                    "remove the leading whitespace, or move the line below the header it belongs to",
                ));
            };
            let more = text.trim_matches([' ', '\t']);
            check_value(
                line,
                more,
                text.len() - text.trim_start_matches([' ', '\t']).len(),
            )?;
            if !more.is_empty() {
                if !value.is_empty() {
                    value.push(' ');
                }
                value.push_str(more);
            }
            continue;
        }
        let Some(colon) = text.find(':') else {
            return Err(RawHttpError::new(
                line.number,
                line.col(text.len()),
                format!("the header line '{text}' has no ':'"),
                "write each header as `Name: value`, and leave one blank line before the body",
            ));
        };
        let name = text.get(..colon).unwrap_or("");
        if name.is_empty() {
            return Err(RawHttpError::new(
                line.number,
                line.col(0),
                "the header name is empty",
                "write each header as `Name: value`",
            ));
        }
        if let Some((i, c)) = name.char_indices().find(|(_, c)| !is_tchar(*c)) {
            let message = if c == ' ' || c == '\t' {
                "whitespace between a header name and its ':' is not allowed".to_string()
            } else {
                format!("the header name contains '{c}', which is not allowed in a header name")
            };
            return Err(RawHttpError::new(
                line.number,
                line.col(i),
                message,
                "header names are letters, digits and -, e.g. `X-Amz-Date: 20150830T123600Z`",
            ));
        }
        let raw_value = text.get(colon + 1..).unwrap_or("");
        let value = raw_value.trim_matches([' ', '\t']);
        let lead = raw_value.len() - raw_value.trim_start_matches([' ', '\t']).len();
        check_value(line, value, colon + 1 + lead)?;
        headers.push((name.to_string(), value.to_string()));
    }
    Ok(headers)
}

/// Reject control characters (other than tab) inside a header value.
fn check_value(line: &Line, value: &str, start: usize) -> Result<(), RawHttpError> {
    match value
        .char_indices()
        .find(|(_, c)| c.is_control() && *c != '\t')
    {
        Some((i, c)) => Err(RawHttpError::new(
            line.number,
            line.col(start + i),
            format!(
                "the header value contains the control character U+{:04X}",
                c as u32
            ),
            "remove it; header values are printable text",
        )),
        None => Ok(()),
    }
}

/// Turn an absolute-form target (`https://host/path?q`, as a client sends to a
/// proxy) into origin form, setting the scheme; returns the authority.
fn absolute_form(req: &mut Request) -> Option<String> {
    let lower = req.target.to_ascii_lowercase();
    let (scheme, skip) = if lower.starts_with("https://") {
        (Scheme::Https, "https://".len())
    } else if lower.starts_with("http://") {
        (Scheme::Http, "http://".len())
    } else {
        return None;
    };
    let rest = req.target.get(skip..)?.to_string();
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = rest.get(..end)?.to_string();
    let tail = rest.get(end..).unwrap_or("");
    req.scheme = scheme;
    req.target = if tail.starts_with('/') {
        tail.to_string()
    } else {
        format!("/{tail}")
    };
    Some(authority)
}

/// Write a request out as text that [`parse_raw_request`] reads back
/// (request line, `Name: value` headers, blank line, body).
pub fn format_raw_request(req: &Request) -> String {
    let mut out = format!("{} {} HTTP/1.1\n", req.method, req.target);
    for (k, v) in &req.headers {
        out.push_str(k);
        out.push_str(": ");
        out.push_str(v);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&req.body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> RawHttpError {
        parse_raw_request(text).unwrap_err()
    }

    #[test]
    fn parses_a_suite_request_without_trailing_newline() {
        let r = parse_raw_request("POST /?a=1 HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\n\nParam1=value1").unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.target, "/?a=1");
        assert_eq!(
            r.headers,
            vec![
                ("Host".to_string(), "example.amazonaws.com".to_string()),
                ("X-Amz-Date".to_string(), "20150830T123600Z".to_string()),
            ]
        );
        assert_eq!(r.body, "Param1=value1");
        // No blank line at all: no body. A final newline is not a blank line.
        let r = parse_raw_request("GET / HTTP/1.1\nHost:h").unwrap();
        assert_eq!((r.headers.len(), r.body.as_str()), (1, ""));
        let r = parse_raw_request("GET / HTTP/1.1\nHost:h\n").unwrap();
        assert_eq!((r.headers.len(), r.body.as_str()), (1, ""));
        // The body is kept byte for byte, blank lines and trailing newline included.
        let r = parse_raw_request("POST / HTTP/1.1\r\nHost: h\r\n\r\na\r\n\r\nb\n").unwrap();
        assert_eq!(r.body, "a\r\n\r\nb\n");
        assert_eq!(r.header("host"), Some("h"));
    }

    #[test]
    fn keeps_odd_targets_as_written() {
        let r = parse_raw_request("GET /example space/ HTTP/1.1\nHost:h").unwrap();
        assert_eq!(r.target, "/example space/");
        let r = parse_raw_request("GET /\u{1234}?\u{1234}=bar HTTP/1.1\nHost:h").unwrap();
        assert_eq!(r.target, "/\u{1234}?\u{1234}=bar");
        let r = parse_raw_request("GET //example/../x/. HTTP/1.1\n").unwrap();
        assert_eq!(r.target, "//example/../x/.");
    }

    #[test]
    fn folds_continuation_lines_and_keeps_duplicates() {
        let r = parse_raw_request("GET / HTTP/1.1\nHost:h\nMy-Header1:value1\n  value2\n     value3\nMy-Header1: again \nX-Amz-Date:20150830T123600Z").unwrap();
        assert_eq!(
            r.headers[1],
            ("My-Header1".to_string(), "value1 value2 value3".to_string())
        );
        assert_eq!(
            r.header_all("my-header1").collect::<Vec<_>>(),
            vec!["value1 value2 value3", "again"]
        );
        assert_eq!(r.headers.len(), 4);
    }

    #[test]
    fn reads_curl_verbose_and_absolute_form() {
        let r = parse_raw_request(
            "> GET /prod/items HTTP/2\n> Host: api.example.com\n> User-Agent: curl/8.5.0\n> \n",
        )
        .unwrap();
        assert_eq!(r.target, "/prod/items");
        assert_eq!(r.header("user-agent"), Some("curl/8.5.0"));
        let e = err("> GET / HTTP/1.1\nHost: x\n");
        assert_eq!((e.line, e.col), (2, 1));

        let r =
            parse_raw_request("GET https://API.example.com:8443/prod?x=1 HTTP/1.1\n\n").unwrap();
        assert_eq!(r.target, "/prod?x=1");
        assert_eq!(r.header("host"), Some("API.example.com:8443"));
        assert_eq!(r.scheme, Scheme::Https);
        let r = parse_raw_request("GET http://h?x HTTP/1.1\nHost: other\n").unwrap();
        assert_eq!(
            (r.target.as_str(), r.header("host"), r.scheme),
            ("/?x", Some("other"), Scheme::Http)
        );
    }

    #[test]
    fn reports_problems_with_positions_and_hints() {
        let e = err("");
        assert_eq!(
            (e.line, e.col, e.message.as_str()),
            (1, 1, "the request is empty")
        );
        let e = err("\n\nGET\n");
        assert_eq!((e.line, e.col), (3, 4));
        assert_eq!(
            e.message,
            "the request line has no target and no protocol version"
        );
        let e = err("GET /items\n");
        assert_eq!((e.line, e.col), (1, 11));
        assert!(e.hint.contains("METHOD /path?query HTTP/1.1"), "{e}");
        let e = err("GET /items HTTP/one\n");
        assert_eq!(
            (e.line, e.col, e.message.as_str()),
            (1, 12, "'HTTP/one' is not a protocol version")
        );
        let e = err("G(T / HTTP/1.1\n");
        assert_eq!((e.line, e.col), (1, 2));
        let e = err("GET items HTTP/1.1\n");
        assert_eq!((e.line, e.col), (1, 5));
        let e = err("GET / HTTP/1.1\nHost h\n");
        assert_eq!(
            (e.line, e.col, e.message.as_str()),
            (2, 7, "the header line 'Host h' has no ':'")
        );
        let e = err("GET / HTTP/1.1\nHost : h\n");
        assert_eq!(
            (e.line, e.col, e.message.as_str()),
            (
                2,
                5,
                "whitespace between a header name and its ':' is not allowed"
            )
        );
        let e = err("GET / HTTP/1.1\n  folded\n");
        assert_eq!((e.line, e.col), (2, 1));
        let e = err("GET / HTTP/1.1\n: v\n");
        assert_eq!(e.message, "the header name is empty");
        let e = err("GET / HTTP/1.1\nX-\u{e9}: v\n");
        assert_eq!((e.line, e.col), (2, 3));
        let e = err("GET / HTTP/1.1\nX: a\u{7}b\n");
        assert_eq!((e.line, e.col), (2, 5));
        assert_eq!(
            e.to_string(),
            "2:5: the header value contains the control character U+0007\n  hint: remove it; header values are printable text"
        );
        let d = e.into_diagnostic("case.req");
        assert_eq!(
            d.to_string(),
            "case.req:2:5: the header value contains the control character U+0007\n  hint: remove it; header values are printable text"
        );
    }

    #[test]
    fn formatted_requests_parse_back() {
        let r = parse_raw_request("PUT /a%20b/ c?x=1 HTTP/1.1\nHost: h\nX: 1\nX: 2\n\nbody\n\n")
            .unwrap();
        let again = parse_raw_request(&format_raw_request(&r)).unwrap();
        assert_eq!(again, r);
    }
}
