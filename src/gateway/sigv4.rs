//! AWS Signature Version 4, as API Gateway checks it on `AWS_IAM` methods:
//! signing (what an SDK does), verification (what the gateway does), and the
//! exact error messages a client gets back.
//!
//! Verification follows the order AWS front ends are observed to use:
//! header/query parsing, date format and clock window, `host` signed,
//! algorithm, credential shape, credential scope, access key, signature, then
//! the session token. Each failure carries the message API Gateway puts in
//! `{"message": ...}` and, where it can be computed, the canonical request and
//! string to sign so a learner can compare them with what the client signed.
//!
//! Canonicalisation follows the rules for every service except S3: the path
//! is normalised (dot segments and duplicate slashes removed) and URI-encoded
//! once more on top of its wire encoding ("double encoding"); query
//! parameters are decoded, re-encoded and sorted; header values are trimmed
//! and runs of spaces folded; repeated headers are joined with commas.

use crate::gateway::request::Request;
use crate::gateway::time::SimTime;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The only algorithm SigV4 (as opposed to SigV4a) defines.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The last element of every credential scope.
pub const TERMINATOR: &str = "aws4_request";
/// The payload marker a client sends in `X-Amz-Content-Sha256` to leave the body unsigned.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// How far the request time may be from the gateway's clock, either way.
/// execute-api uses 5 minutes (its messages end in `- 5 min.`); some other
/// services allow 15.
pub const CLOCK_SKEW_SECS: u64 = 300;
/// The longest validity a presigned URL may ask for (one week).
pub const MAX_PRESIGN_EXPIRES_SECS: u64 = 604_800;

/// The message of an unsigned request to an `AWS_IAM` method (or of any
/// unknown route).
pub const MSG_MISSING_AUTH_TOKEN: &str = "Missing Authentication Token";
/// The message for an access key id the gateway does not know.
pub const MSG_INVALID_TOKEN: &str = "The security token included in the request is invalid.";
/// The message when the session token does not belong to the access key.
/// AWS front ends answer this check without the final period.
pub const MSG_INVALID_SESSION_TOKEN: &str = "The security token included in the request is invalid";
/// The message for an expired session token. UNCONFIRMED for API Gateway:
/// this is the wording other AWS services use; API Gateway's own text is not
/// documented.
pub const MSG_EXPIRED_TOKEN: &str = "The security token included in the request is expired";
/// The first sentence of a signature mismatch.
pub const MSG_SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

const QP_ALGORITHM: &str = "X-Amz-Algorithm";
const QP_CREDENTIAL: &str = "X-Amz-Credential";
const QP_DATE: &str = "X-Amz-Date";
const QP_EXPIRES: &str = "X-Amz-Expires";
const QP_SIGNED_HEADERS: &str = "X-Amz-SignedHeaders";
const QP_SIGNATURE: &str = "X-Amz-Signature";
const QP_TOKEN: &str = "X-Amz-Security-Token";
/// Query parameters that make up a presigned URL (and that signing replaces).
const PRESIGN_PARAMS: [&str; 7] = [
    QP_ALGORITHM,
    QP_CREDENTIAL,
    QP_DATE,
    QP_EXPIRES,
    QP_SIGNED_HEADERS,
    QP_SIGNATURE,
    QP_TOKEN,
];

type HmacSha256 = Hmac<Sha256>;

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/// Credentials used to sign (also the simulated IAM user/role keys).
///
/// TOML: `access-key-id = "AKIA…"`, `secret-access-key = "…"`, optional
/// `session-token = "…"` for temporary (STS) credentials.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SigningCredentials {
    /// The access key id, written into the credential scope (`AKIA…`, or `ASIA…` for temporary keys).
    pub access_key_id: String,
    /// The secret the signing key is derived from; never sent.
    pub secret_access_key: String,
    /// The session token of temporary credentials, sent as `X-Amz-Security-Token`.
    #[serde(default)]
    pub session_token: Option<String>,
}

/// How to sign a request (lab presets and scenario files use this).
///
/// TOML: `region = "us-east-1"` (required), `service = "execute-api"`,
/// `presign = false`, `expires-secs = 900`, `signed-headers-extra = ["content-type"]`
/// (the last four are optional, with these defaults).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SignOptions {
    /// Region written into the credential scope.
    pub region: String,
    /// Service written into the credential scope (`execute-api` for API Gateway).
    #[serde(default = "default_service")]
    pub service: String,
    /// Sign into the query string (a presigned URL) instead of the `Authorization` header.
    #[serde(default)]
    pub presign: bool,
    /// `X-Amz-Expires` of a presigned URL, in seconds.
    #[serde(default = "default_expires")]
    pub expires_secs: u64,
    /// Headers to sign besides `host`, `x-amz-date`, `x-amz-security-token` and
    /// `x-amz-content-sha256` (each only when present). `"*"` signs every header
    /// present except `Authorization`, as the AWS SDKs do.
    #[serde(default)]
    pub signed_headers_extra: Vec<String>,
}

fn default_service() -> String {
    "execute-api".to_string()
}

fn default_expires() -> u64 {
    900
}

impl SignOptions {
    /// Header signing for API Gateway in `region`, signing only the default headers.
    pub fn execute_api(region: &str) -> Self {
        SignOptions {
            region: region.to_string(),
            service: default_service(),
            presign: false,
            expires_secs: default_expires(),
            signed_headers_extra: Vec::new(),
        }
    }
}

/// What the gateway knows about an access key id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    /// The secret the gateway derives the signing key from.
    pub secret_access_key: String,
    /// Set for temporary credentials: requests must carry this `X-Amz-Security-Token`.
    pub session_token: Option<String>,
    /// When the temporary credentials stop working.
    pub session_expires: Option<SimTime>,
}

/// A successful verification: who signed, and the material a learner debugs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The access key id that signed.
    pub access_key_id: String,
    /// The canonical request the gateway computed (equal to the client's).
    pub canonical_request: String,
    /// The string to sign the gateway computed (equal to the client's).
    pub string_to_sign: String,
    /// The request time the client signed (`X-Amz-Date` or `Date`).
    pub signed_at: SimTime,
    /// Signed in the query string rather than the `Authorization` header.
    pub presigned: bool,
}

/// Why verification failed: the exact message API Gateway puts in `{"message": ...}`, the
/// x-amzn-ErrorType, the gateway response type, and (where available) what we computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigV4Failure {
    /// The cause.
    pub kind: SigV4FailureKind,
    /// The exact text of `{"message": ...}` in the 403 response.
    pub message: String,
    /// The `x-amzn-ErrorType` header value.
    pub error_type: &'static str,
    /// The canonical request the gateway computed (once the request parsed far enough).
    pub canonical_request: Option<String>,
    /// The string to sign the gateway computed (once the credential scope parsed).
    pub string_to_sign: Option<String>,
}

/// The cause of a failed verification, one variant per distinct answer.
/// Serialises as its kebab-case [`id`](SigV4FailureKind::id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SigV4FailureKind {
    /// No `Authorization` header and no presigned query parameters.
    MissingAuthenticationToken,
    /// The signature material is malformed or incomplete (missing parameters,
    /// bad date format, unsupported algorithm, `host` not signed, bad credential).
    IncompleteSignature,
    /// The access key id is unknown, or the session token does not belong to it.
    UnknownAccessKey,
    /// The signature does not match the one the gateway computed.
    SignatureMismatch,
    /// The request time is more than 5 minutes in the past, or a presigned URL has expired.
    SignatureExpired,
    /// The request time is more than 5 minutes in the future. The message
    /// (`Signature not yet current: … (… + 5 min.)`) is UNCONFIRMED for
    /// API Gateway: it is the wording of other AWS services with execute-api's window.
    SignatureNotYetCurrent,
    /// The credential scope names another service.
    WrongService,
    /// The credential scope names another region.
    WrongRegion,
    /// The credential scope date differs from the request date.
    ScopeDateMismatch,
    /// The temporary credentials have expired.
    ExpiredSessionToken,
    /// Temporary credentials were used without their session token.
    MissingSessionToken,
}

impl SigV4FailureKind {
    /// Stable kebab-case id (scenario expectations, JSON output).
    pub fn id(self) -> &'static str {
        match self {
            SigV4FailureKind::MissingAuthenticationToken => "missing-authentication-token",
            SigV4FailureKind::IncompleteSignature => "incomplete-signature",
            SigV4FailureKind::UnknownAccessKey => "unknown-access-key",
            SigV4FailureKind::SignatureMismatch => "signature-mismatch",
            SigV4FailureKind::SignatureExpired => "signature-expired",
            SigV4FailureKind::SignatureNotYetCurrent => "signature-not-yet-current",
            SigV4FailureKind::WrongService => "wrong-service",
            SigV4FailureKind::WrongRegion => "wrong-region",
            SigV4FailureKind::ScopeDateMismatch => "scope-date-mismatch",
            SigV4FailureKind::ExpiredSessionToken => "expired-session-token",
            SigV4FailureKind::MissingSessionToken => "missing-session-token",
        }
    }

    /// The gateway response type that answers this failure (all are 403 by default).
    /// MISSING_AUTHENTICATION_TOKEN, INVALID_SIGNATURE and EXPIRED_TOKEN are the
    /// documented types; mapping unknown keys to ACCESS_DENIED follows their
    /// `AccessDeniedException` error type and is UNCONFIRMED.
    pub fn gateway_response(self) -> &'static str {
        match self {
            SigV4FailureKind::MissingAuthenticationToken => "MISSING_AUTHENTICATION_TOKEN",
            SigV4FailureKind::UnknownAccessKey | SigV4FailureKind::MissingSessionToken => {
                "ACCESS_DENIED"
            }
            SigV4FailureKind::ExpiredSessionToken => "EXPIRED_TOKEN",
            SigV4FailureKind::IncompleteSignature
            | SigV4FailureKind::SignatureMismatch
            | SigV4FailureKind::SignatureExpired
            | SigV4FailureKind::SignatureNotYetCurrent
            | SigV4FailureKind::WrongService
            | SigV4FailureKind::WrongRegion
            | SigV4FailureKind::ScopeDateMismatch => "INVALID_SIGNATURE",
        }
    }
}

impl SigV4Failure {
    fn new(kind: SigV4FailureKind, message: impl Into<String>, error_type: &'static str) -> Self {
        SigV4Failure {
            kind,
            message: message.into(),
            error_type,
            canonical_request: None,
            string_to_sign: None,
        }
    }

    fn incomplete(message: impl Into<String>) -> Self {
        Self::new(
            SigV4FailureKind::IncompleteSignature,
            message,
            "IncompleteSignatureException",
        )
    }

    fn invalid(kind: SigV4FailureKind, message: impl Into<String>) -> Self {
        Self::new(kind, message, "InvalidSignatureException")
    }

    fn with_material(mut self, creq: Option<&str>, sts: Option<&str>) -> Self {
        self.canonical_request = creq.map(str::to_string);
        self.string_to_sign = sts.map(str::to_string);
        self
    }

    /// The HTTP status API Gateway answers with (403 for every SigV4 failure).
    pub fn status(&self) -> u16 {
        403
    }

    /// The gateway response type (see [`SigV4FailureKind::gateway_response`]).
    pub fn gateway_response(&self) -> &'static str {
        self.kind.gateway_response()
    }
}

/// Which path rules the canonical URI follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathNormalization {
    /// Remove `.`/`..` segments and empty segments (every service but S3; API Gateway).
    Normalize,
    /// Keep the path as sent (S3's rule; a client that signs this way fails
    /// against API Gateway whenever normalisation would change the path).
    AsSent,
}

/// What a signer computed: the material a learner compares with the gateway's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedParts {
    /// The canonical request the client signed.
    pub canonical_request: String,
    /// The string to sign the client signed.
    pub string_to_sign: String,
    /// Lower-case hex HMAC of the string to sign.
    pub signature: String,
    /// The `SignedHeaders` value, e.g. `host;x-amz-date`.
    pub signed_headers: String,
}

/// The first line where two multi-line texts differ (1-based), for showing a
/// learner where their canonical request departs from the gateway's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineDifference {
    /// 1-based line number.
    pub line: usize,
    /// The line in the expected text (`None` past its end).
    pub expected: Option<String>,
    /// The line in the actual text (`None` past its end).
    pub actual: Option<String>,
}

// ---------------------------------------------------------------------------
// Hashing helpers
// ---------------------------------------------------------------------------

/// Lower-case hex of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    s
}

/// Lower-case hex SHA-256 (the payload hash and the canonical-request hash).
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this constructor never fails.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return [0; 32];
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The SigV4 signing key: `HMAC(HMAC(HMAC(HMAC("AWS4"+secret, day), region), service), "aws4_request")`.
pub fn signing_key(secret_access_key: &str, day: &str, region: &str, service: &str) -> [u8; 32] {
    let k_secret = format!("AWS4{secret_access_key}");
    let k_date = hmac_sha256(k_secret.as_bytes(), day.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, TERMINATOR.as_bytes())
}

/// The hex signature of a string to sign under a signing key.
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex(&hmac_sha256(signing_key, string_to_sign.as_bytes()))
}

/// `YYYYMMDD/region/service/aws4_request`.
pub fn credential_scope(day: &str, region: &str, service: &str) -> String {
    format!("{day}/{region}/{service}/{TERMINATOR}")
}

/// `AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256(canonical request)>`.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

// ---------------------------------------------------------------------------
// Canonicalisation
// ---------------------------------------------------------------------------

/// URI-encode bytes the SigV4 way: unreserved characters (`A-Z a-z 0-9 - _ . ~`)
/// stay, every other byte becomes `%XX` (upper-case hex); `/` stays only when
/// `keep_slash` (paths) and is encoded otherwise (query names and values).
pub fn uri_encode(bytes: &[u8], keep_slash: bool) -> String {
    const UPPER: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        let unreserved = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        if unreserved || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(UPPER[usize::from(b >> 4)] as char);
            out.push(UPPER[usize::from(b & 0x0f)] as char);
        }
    }
    out
}

/// Decode a query component to bytes: `%XX` escapes and `+` as a space (an
/// invalid escape stays literal, as AWS's own test suite expects).
fn query_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'%' => match (
                b.get(i + 1).and_then(|&h| hex_val(h)),
                b.get(i + 2).and_then(|&l| hex_val(l)),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Remove dot segments and empty segments from a path (the non-S3 rule):
/// `//a/./b/../c/` becomes `/a/c/`; an empty path becomes `/`.
pub fn normalize_path(path: &str) -> String {
    if path.is_empty() {
        return "/".to_string();
    }
    let mut segments: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push('/');
    }
    out.push_str(&segments.join("/"));
    if path.ends_with('/') && !segments.is_empty() {
        out.push('/');
    }
    out
}

/// The canonical URI of a path as sent: normalised (or not), then URI-encoded
/// with `/` kept. Because the path is encoded as it arrived, `%20` on the wire
/// becomes `%2520` (the "double encoding" of non-S3 services).
pub fn canonical_uri(path: &str, rules: PathNormalization) -> String {
    let path = match rules {
        PathNormalization::Normalize => normalize_path(path),
        PathNormalization::AsSent if path.is_empty() => "/".to_string(),
        PathNormalization::AsSent => path.to_string(),
    };
    uri_encode(path.as_bytes(), true)
}

/// The canonical query string: every `name=value` pair decoded, re-encoded,
/// sorted by name then value, and joined with `&`. Parameters named in
/// `exclude` (compared after decoding) are left out; a presigned request
/// leaves out `X-Amz-Signature`.
pub fn canonical_query(raw_query: &str, exclude: &[&str]) -> String {
    let mut pairs: Vec<(String, String)> = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let k = query_decode(k);
            if exclude.iter().any(|e| e.as_bytes() == k.as_slice()) {
                return None;
            }
            Some((uri_encode(&k, false), uri_encode(&query_decode(v), false)))
        })
        .collect();
    pairs.sort();
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// A header value as SigV4 signs it: trimmed, with each run of whitespace folded to one space.
pub fn canonical_header_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for word in value
        .split([' ', '\t', '\r', '\n'])
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The payload hash line: `UNSIGNED-PAYLOAD` when the client says so in
/// `X-Amz-Content-Sha256`, otherwise the hex SHA-256 of the body as received
/// (so a body that differs from what a client hashed always mismatches).
pub fn payload_hash(req: &Request) -> String {
    match req.header("x-amz-content-sha256") {
        Some(v) if v.trim() == UNSIGNED_PAYLOAD => UNSIGNED_PAYLOAD.to_string(),
        _ => sha256_hex(req.body.as_bytes()),
    }
}

/// The canonical request:
/// `METHOD\nURI\nQUERY\nname:value\n…\n\nsigned;headers\npayload-hash`.
/// `signed_headers` are used as listed (the client's `SignedHeaders`); each
/// is looked up case-insensitively, and all values of a repeated header are
/// joined with commas (a header that is absent signs as empty).
pub fn canonical_request(
    req: &Request,
    signed_headers: &[&str],
    payload_hash: &str,
    exclude_params: &[&str],
    rules: PathNormalization,
) -> String {
    let mut out = String::with_capacity(256);
    out.push_str(&req.method);
    out.push('\n');
    out.push_str(&canonical_uri(req.path(), rules));
    out.push('\n');
    out.push_str(&canonical_query(req.raw_query(), exclude_params));
    out.push('\n');
    for name in signed_headers {
        out.push_str(name);
        out.push(':');
        let mut first = true;
        for v in req.header_all(name) {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&canonical_header_value(v));
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers.join(";"));
    out.push('\n');
    out.push_str(payload_hash);
    out
}

/// The first line at which `actual` departs from `expected`, or `None` if they are equal.
pub fn first_difference(expected: &str, actual: &str) -> Option<LineDifference> {
    let mut e = expected.split('\n');
    let mut a = actual.split('\n');
    let mut line = 1;
    loop {
        match (e.next(), a.next()) {
            (None, None) => return None,
            (x, y) if x == y => line += 1,
            (x, y) => {
                return Some(LineDifference {
                    line,
                    expected: x.map(str::to_string),
                    actual: y.map(str::to_string),
                });
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------

/// Sign `req` in place at `at` (adds X-Amz-Date, Authorization or the presigned query, and X-Amz-Security-Token).
pub fn sign(req: &mut Request, creds: &SigningCredentials, opts: &SignOptions, at: SimTime) {
    sign_with(req, creds, opts, at, PathNormalization::Normalize);
}

/// [`sign`], choosing the path rule and returning what was computed.
/// `PathNormalization::AsSent` reproduces a client that signs like S3.
pub fn sign_with(
    req: &mut Request,
    creds: &SigningCredentials,
    opts: &SignOptions,
    at: SimTime,
    rules: PathNormalization,
) -> SignedParts {
    let amz_date = at.amz_date();
    let scope = credential_scope(&at.amz_day(), &opts.region, &opts.service);
    req.remove_header("authorization");
    if opts.presign {
        strip_presign_params(req);
    } else {
        req.set_header("X-Amz-Date", &amz_date);
        if let Some(token) = &creds.session_token {
            req.set_header("X-Amz-Security-Token", token);
        }
    }

    let mut names: Vec<String> = Vec::new();
    let add = |names: &mut Vec<String>, name: &str| {
        let lower = name.to_ascii_lowercase();
        if req.header(&lower).is_some() && !names.contains(&lower) {
            names.push(lower);
        }
    };
    add(&mut names, "host");
    add(&mut names, "x-amz-content-sha256");
    if !opts.presign {
        add(&mut names, "x-amz-date");
        add(&mut names, "x-amz-security-token");
    }
    for extra in &opts.signed_headers_extra {
        if extra == "*" {
            let all: Vec<String> = req
                .headers
                .iter()
                .map(|(k, _)| k.clone())
                .filter(|k| !k.eq_ignore_ascii_case("authorization"))
                .collect();
            for k in all {
                add(&mut names, &k);
            }
        } else {
            add(&mut names, extra);
        }
    }
    names.sort();
    let signed_headers = names.join(";");

    if opts.presign {
        let credential = format!("{}/{scope}", creds.access_key_id);
        let mut params = vec![
            (QP_ALGORITHM, ALGORITHM.to_string()),
            (QP_CREDENTIAL, credential),
            (QP_DATE, amz_date.clone()),
            (QP_SIGNED_HEADERS, signed_headers.clone()),
            (QP_EXPIRES, opts.expires_secs.to_string()),
        ];
        if let Some(token) = &creds.session_token {
            params.push((QP_TOKEN, token.clone()));
        }
        for (k, v) in params {
            append_query_param(req, k, &v);
        }
    }

    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let creq = canonical_request(req, &refs, &payload_hash(req), &[], rules);
    let sts = string_to_sign(&amz_date, &scope, &creq);
    let key = signing_key(
        &creds.secret_access_key,
        &at.amz_day(),
        &opts.region,
        &opts.service,
    );
    let sig = signature(&key, &sts);

    if opts.presign {
        append_query_param(req, QP_SIGNATURE, &sig);
    } else {
        req.headers.push((
            "Authorization".to_string(),
            format!(
                "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={sig}",
                creds.access_key_id
            ),
        ));
    }
    SignedParts {
        canonical_request: creq,
        string_to_sign: sts,
        signature: sig,
        signed_headers,
    }
}

fn append_query_param(req: &mut Request, name: &str, value: &str) {
    let sep = match req.target.find('?') {
        None => '?',
        Some(i) if i + 1 == req.target.len() => {
            // `/path?` with an empty query: no separator needed.
            req.target.push_str(name);
            req.target.push('=');
            req.target.push_str(&uri_encode(value.as_bytes(), false));
            return;
        }
        Some(_) => '&',
    };
    req.target.push(sep);
    req.target.push_str(name);
    req.target.push('=');
    req.target.push_str(&uri_encode(value.as_bytes(), false));
}

fn strip_presign_params(req: &mut Request) {
    let Some((path, query)) = req.target.split_once('?') else {
        return;
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| {
            let name = p.split_once('=').map_or(*p, |(k, _)| k);
            let name = query_decode(name);
            !PRESIGN_PARAMS
                .iter()
                .any(|q| q.as_bytes() == name.as_slice())
        })
        .collect();
    req.target = if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    };
}

// ---------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------

/// Where the request time came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DateSource {
    AmzDate,
    HttpDate,
}

/// The signature material of a request, from the header or the query.
#[derive(Debug)]
struct AuthInput {
    presigned: bool,
    algorithm: String,
    credential: String,
    signed_headers: String,
    signature: String,
    date_raw: String,
    date_source: DateSource,
    expires: Option<String>,
    token: Option<String>,
}

/// The parameters of an `Authorization` header, or why it is malformed.
struct HeaderParams {
    algorithm: String,
    params: Vec<(String, String)>,
}

fn parse_header_params(value: &str) -> Result<HeaderParams, String> {
    let value = value.trim();
    let (algorithm, rest) = value.split_once(' ').unwrap_or((value, ""));
    let mut params = Vec::new();
    for piece in rest.split(',') {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        match piece.split_once('=') {
            Some((k, v)) => params.push((k.trim().to_string(), v.trim().to_string())),
            None => {
                return Err(format!(
                    "'{piece}' not a valid key=value pair (missing equal-sign) in Authorization header: '{value}'."
                ));
            }
        }
    }
    Ok(HeaderParams {
        algorithm: algorithm.to_string(),
        params,
    })
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    // The last occurrence wins, as with a map insert.
    params
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The request date header: `X-Amz-Date` first, then `Date`.
fn header_date(req: &Request) -> Option<(String, DateSource)> {
    if let Some(v) = req.header("x-amz-date") {
        return Some((v.trim().to_string(), DateSource::AmzDate));
    }
    req.header("date")
        .map(|v| (v.trim().to_string(), DateSource::HttpDate))
}

fn parse_header_auth(req: &Request, value: &str) -> Result<AuthInput, String> {
    let hp = parse_header_params(value)?;
    let credential = param(&hp.params, "Credential").filter(|v| !v.is_empty());
    let signature = param(&hp.params, "Signature").filter(|v| !v.is_empty());
    let signed_headers = param(&hp.params, "SignedHeaders");
    let date = header_date(req);
    let mut msg = String::new();
    if credential.is_none() {
        msg.push_str("Authorization header requires 'Credential' parameter. ");
    }
    if signature.is_none() {
        msg.push_str("Authorization header requires 'Signature' parameter. ");
    }
    if signed_headers.is_none() {
        msg.push_str("Authorization header requires 'SignedHeaders' parameter. ");
    }
    if date.is_none() {
        msg.push_str(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ",
        );
    }
    match (credential, signature, signed_headers, date) {
        (Some(c), Some(s), Some(h), Some((d, src))) => Ok(AuthInput {
            presigned: false,
            algorithm: hp.algorithm,
            credential: c.to_string(),
            signed_headers: h.to_string(),
            signature: s.to_string(),
            date_raw: d,
            date_source: src,
            expires: None,
            token: req
                .header("x-amz-security-token")
                .map(|t| t.trim().to_string()),
        }),
        _ => Err(format!("{msg}Authorization={}", value.trim())),
    }
}

/// Decoded query parameters (lossy UTF-8), in order.
fn query_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                String::from_utf8_lossy(&query_decode(k)).into_owned(),
                String::from_utf8_lossy(&query_decode(v)).into_owned(),
            )
        })
        .collect()
}

fn is_presigned(pairs: &[(String, String)]) -> bool {
    pairs.iter().any(|(k, _)| {
        [QP_ALGORITHM, QP_CREDENTIAL, QP_SIGNATURE, QP_SIGNED_HEADERS].contains(&k.as_str())
    })
}

fn parse_query_auth(pairs: &[(String, String)]) -> Result<AuthInput, String> {
    let get = |name: &str| param(pairs, name).map(str::to_string);
    for required in [
        QP_ALGORITHM,
        QP_CREDENTIAL,
        QP_SIGNATURE,
        QP_DATE,
        QP_SIGNED_HEADERS,
    ] {
        if get(required).is_none_or(|v| v.is_empty() && required != QP_SIGNED_HEADERS) {
            return Err(format!(
                "AWS query-string parameters must include '{required}'. Re-examine the query-string parameters."
            ));
        }
    }
    Ok(AuthInput {
        presigned: true,
        algorithm: get(QP_ALGORITHM).unwrap_or_default(),
        credential: get(QP_CREDENTIAL).unwrap_or_default(),
        signed_headers: get(QP_SIGNED_HEADERS).unwrap_or_default(),
        signature: get(QP_SIGNATURE).unwrap_or_default(),
        date_raw: get(QP_DATE).unwrap_or_default(),
        date_source: DateSource::AmzDate,
        expires: get(QP_EXPIRES),
        token: get(QP_TOKEN),
    })
}

/// For routing-stage answers: if an Authorization header is present on an unknown route (or an AWS_IAM
/// method) and is not SigV4, the message API Gateway answers with (spec §0: "'abc' not a valid key=value
/// pair (missing equal-sign) in Authorization header: 'Bearer abc'." and the "Authorization header requires
/// 'Credential' parameter. ..." list). None if the header is absent or well-formed.
pub fn authorization_header_problem(req: &Request) -> Option<String> {
    let value = req.header("authorization")?;
    parse_header_auth(req, value).err()
}

/// Parse an IMF-fixdate HTTP date (`Sun, 30 Aug 2015 12:36:00 GMT`).
fn parse_http_date(s: &str) -> Option<SimTime> {
    let mut it = s.split_ascii_whitespace();
    let wkday = it.next()?;
    if !(wkday.len() == 4 && wkday.ends_with(',')) {
        return None;
    }
    let day: u32 = it.next().filter(|d| d.len() == 2)?.parse().ok()?;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month_name = it.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as u32 + 1;
    let year: i64 = it.next().filter(|y| y.len() == 4)?.parse().ok()?;
    let mut hms = it.next()?.split(':');
    let mut num = || -> Option<u32> {
        let p = hms
            .next()
            .filter(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))?;
        p.parse().ok()
    };
    let (h, m, sec) = (num()?, num()?, num()?);
    if it.next()? != "GMT" || it.next().is_some() {
        return None;
    }
    SimTime::from_civil(year, month, day, h, m, sec)
}

/// Verify a request for `expected_region`/`expected_service` at `now`, looking keys up with `lookup`.
pub fn verify(
    req: &Request,
    now: SimTime,
    expected_region: &str,
    expected_service: &str,
    lookup: impl Fn(&str) -> Option<KeyInfo>,
) -> Result<Verified, SigV4Failure> {
    // 1. Find and parse the signature material.
    let auth = if let Some(value) = req.header("authorization") {
        parse_header_auth(req, value).map_err(SigV4Failure::incomplete)?
    } else {
        let pairs = query_pairs(req.raw_query());
        if !is_presigned(&pairs) {
            return Err(SigV4Failure::new(
                SigV4FailureKind::MissingAuthenticationToken,
                MSG_MISSING_AUTH_TOKEN,
                "MissingAuthenticationTokenException",
            ));
        }
        parse_query_auth(&pairs).map_err(SigV4Failure::incomplete)?
    };

    // The canonical request needs no key, so it can accompany every later failure.
    let signed: Vec<&str> = auth.signed_headers.split(';').collect();
    let payload = payload_hash(req);
    let exclude: &[&str] = if auth.presigned { &[QP_SIGNATURE] } else { &[] };
    let creq = canonical_request(
        req,
        &signed,
        &payload,
        exclude,
        PathNormalization::Normalize,
    );

    // 2. Date format and clock window.
    let signed_at = match auth.date_source {
        DateSource::AmzDate => SimTime::parse_amz_date(&auth.date_raw),
        DateSource::HttpDate => parse_http_date(&auth.date_raw),
    };
    let Some(signed_at) = signed_at else {
        return Err(SigV4Failure::incomplete(format!(
            "Date must be in ISO-8601 'basic format'. Got '{}'. See http://en.wikipedia.org/wiki/ISO_8601",
            auth.date_raw
        ))
        .with_material(Some(&creq), None));
    };
    let amz_date = signed_at.amz_date();
    let req_s = signed_at.unix_secs();
    let now_s = now.unix_secs();
    let expires = match &auth.expires {
        None => None,
        Some(e) => match e.parse::<u64>() {
            Ok(n) if n <= MAX_PRESIGN_EXPIRES_SECS => Some(n),
            Ok(_) => {
                return Err(SigV4Failure::incomplete(format!(
                    "X-Amz-Expires must be less than a week (in seconds) that is; {MAX_PRESIGN_EXPIRES_SECS}"
                ))
                .with_material(Some(&creq), None));
            }
            Err(_) => {
                return Err(SigV4Failure::incomplete("X-Amz-Expires should be a number")
                    .with_material(Some(&creq), None));
            }
        },
    };
    if req_s > now_s.saturating_add(CLOCK_SKEW_SECS) {
        return Err(SigV4Failure::invalid(
            SigV4FailureKind::SignatureNotYetCurrent,
            format!(
                "Signature not yet current: {amz_date} is still later than {} ({} + 5 min.)",
                SimTime::from_unix_secs(now_s + CLOCK_SKEW_SECS).amz_date(),
                now.amz_date()
            ),
        )
        .with_material(Some(&creq), None));
    }
    match expires {
        Some(exp) if now_s > req_s.saturating_add(exp) => {
            return Err(SigV4Failure::invalid(
                SigV4FailureKind::SignatureExpired,
                "Request has expired",
            )
            .with_material(Some(&creq), None));
        }
        Some(_) => {}
        None if req_s.saturating_add(CLOCK_SKEW_SECS) < now_s => {
            return Err(SigV4Failure::invalid(
                SigV4FailureKind::SignatureExpired,
                format!(
                    "Signature expired: {amz_date} is now earlier than {} ({} - 5 min.)",
                    SimTime::from_unix_secs(now_s - CLOCK_SKEW_SECS).amz_date(),
                    now.amz_date()
                ),
            )
            .with_material(Some(&creq), None));
        }
        None => {}
    }

    // 3. `host` must be signed (compared case-insensitively).
    if !signed.iter().any(|h| h.eq_ignore_ascii_case("host")) {
        return Err(SigV4Failure::new(
            SigV4FailureKind::IncompleteSignature,
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
            "InvalidSignatureException",
        )
        .with_material(Some(&creq), None));
    }

    // 4. Algorithm.
    if auth.algorithm != ALGORITHM {
        return Err(SigV4Failure::incomplete(format!(
            "Unsupported AWS 'algorithm': '{}' (only {ALGORITHM} for now). ",
            auth.algorithm
        ))
        .with_material(Some(&creq), None));
    }

    // 5. Credential shape (trailing slashes are ignored).
    let parts: Vec<&str> = auth.credential.trim_end_matches('/').split('/').collect();
    let [akid, day, region, service, terminator] = parts.as_slice() else {
        return Err(SigV4Failure::incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{}'",
            auth.credential
        ))
        .with_material(Some(&creq), None));
    };
    let scope = format!("{day}/{region}/{service}/{terminator}");
    let sts = string_to_sign(&amz_date, &scope, &creq);

    // 6. Credential scope: every problem is reported, in this order.
    let mut problems: Vec<(SigV4FailureKind, String)> = Vec::new();
    if *region != expected_region {
        problems.push((
            SigV4FailureKind::WrongRegion,
            "Credential should be scoped to a valid region. ".to_string(),
        ));
    }
    if *service != expected_service {
        problems.push((
            SigV4FailureKind::WrongService,
            format!("Credential should be scoped to correct service: '{expected_service}'. "),
        ));
    }
    if *terminator != TERMINATOR {
        problems.push((
            SigV4FailureKind::IncompleteSignature,
            format!("Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{terminator}'. "),
        ));
    }
    if *day != signed_at.amz_day() {
        problems.push((
            SigV4FailureKind::ScopeDateMismatch,
            format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{day}' != '{}', from '{amz_date}'.",
                signed_at.amz_day()
            ),
        ));
    }
    if let Some((kind, _)) = problems.first() {
        let message: String = problems.iter().map(|(_, m)| m.as_str()).collect();
        return Err(SigV4Failure::invalid(*kind, message).with_material(Some(&creq), Some(&sts)));
    }

    // 7. The access key.
    let Some(key) = lookup(akid) else {
        return Err(SigV4Failure::new(
            SigV4FailureKind::UnknownAccessKey,
            MSG_INVALID_TOKEN,
            "AccessDeniedException",
        )
        .with_material(Some(&creq), Some(&sts)));
    };
    if key.session_token.is_some() && auth.token.is_none() {
        // Without its token, a temporary key id is unknown to IAM.
        return Err(SigV4Failure::new(
            SigV4FailureKind::MissingSessionToken,
            MSG_INVALID_TOKEN,
            "AccessDeniedException",
        )
        .with_material(Some(&creq), Some(&sts)));
    }

    // 8. The signature.
    let signing = signing_key(&key.secret_access_key, day, region, service);
    let mut matched = signature(&signing, &sts) == auth.signature;
    if !matched && auth.presigned && auth.token.is_some() {
        // Some clients add X-Amz-Security-Token to a presigned URL after signing.
        let alt = canonical_request(
            req,
            &signed,
            &payload,
            &[QP_SIGNATURE, QP_TOKEN],
            PathNormalization::Normalize,
        );
        let alt_sts = string_to_sign(&amz_date, &scope, &alt);
        if signature(&signing, &alt_sts) == auth.signature {
            matched = true;
        }
    }
    if !matched {
        return Err(SigV4Failure::invalid(
            SigV4FailureKind::SignatureMismatch,
            format!(
                "{MSG_SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'{creq}'\n\nThe String-to-Sign should have been\n'{sts}'\n"
            ),
        )
        .with_material(Some(&creq), Some(&sts)));
    }

    // 9. The session token, checked after the signature.
    if key.session_token != auth.token {
        return Err(SigV4Failure::new(
            SigV4FailureKind::UnknownAccessKey,
            MSG_INVALID_SESSION_TOKEN,
            "AccessDeniedException",
        )
        .with_material(Some(&creq), Some(&sts)));
    }
    if key.session_expires.is_some_and(|exp| now >= exp) {
        return Err(SigV4Failure::new(
            SigV4FailureKind::ExpiredSessionToken,
            MSG_EXPIRED_TOKEN,
            "ExpiredTokenException",
        )
        .with_material(Some(&creq), Some(&sts)));
    }

    Ok(Verified {
        access_key_id: (*akid).to_string(),
        canonical_request: creq,
        string_to_sign: sts,
        signed_at,
        presigned: auth.presigned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::raw_http::parse_raw_request;

    // Values from the AWS SigV4 test suite (botocore `aws4_testsuite`, aws-c-auth
    // `aws-signing-test-suite/v4`), embedded so conformance is tested even
    // when the corpora are not on disk.
    const AKID: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const EMPTY_SHA: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn suite_time() -> SimTime {
        SimTime::parse_amz_date("20150830T123600Z").unwrap()
    }

    fn suite_creds(token: Option<&str>) -> SigningCredentials {
        SigningCredentials {
            access_key_id: AKID.into(),
            secret_access_key: SECRET.into(),
            session_token: token.map(str::to_string),
        }
    }

    fn suite_opts(presign: bool, extra: &[&str]) -> SignOptions {
        SignOptions {
            region: "us-east-1".into(),
            service: "service".into(),
            presign,
            expires_secs: 3600,
            signed_headers_extra: extra.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn suite_key(token: Option<&str>) -> impl Fn(&str) -> Option<KeyInfo> {
        let token = token.map(str::to_string);
        move |id: &str| {
            (id == AKID).then(|| KeyInfo {
                secret_access_key: SECRET.into(),
                session_token: token.clone(),
                session_expires: None,
            })
        }
    }

    fn verify_suite(req: &Request, now: SimTime) -> Result<Verified, SigV4Failure> {
        verify(req, now, "us-east-1", "service", suite_key(None))
    }

    /// Sign a suite `.req` (every header it carries is signed) and check the result.
    fn sign_suite(raw: &str) -> (Request, SignedParts) {
        let mut req = parse_raw_request(raw).unwrap();
        let parts = sign_with(
            &mut req,
            &suite_creds(None),
            &suite_opts(false, &["*"]),
            suite_time(),
            PathNormalization::Normalize,
        );
        (req, parts)
    }

    #[test]
    fn key_derivation_matches_the_aws_documented_example() {
        let key = signing_key(SECRET, "20150830", "us-east-1", "iam");
        assert_eq!(
            hex(&key),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
        assert_eq!(sha256_hex(b""), EMPTY_SHA);
    }

    #[test]
    fn get_vanilla_matches_the_suite() {
        let (req, parts) =
            sign_suite("GET / HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z");
        assert_eq!(
            parts.canonical_request,
            format!(
                "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EMPTY_SHA}"
            )
        );
        assert_eq!(
            parts.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        );
        assert_eq!(
            req.header("authorization"),
            Some(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            )
        );
        let v = verify_suite(&req, suite_time()).unwrap();
        assert_eq!(v.access_key_id, AKID);
        assert_eq!(v.canonical_request, parts.canonical_request);
        assert_eq!(v.string_to_sign, parts.string_to_sign);
        assert_eq!(v.signed_at, suite_time());
        assert!(!v.presigned);
    }

    #[test]
    fn suite_signatures_for_tricky_cases() {
        let cases = [
            // get-header-value-multiline: obsolete line folding.
            (
                "GET / HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1:value1\n  value2\n     value3\nX-Amz-Date:20150830T123600Z",
                "cfd34249e4b1c8d6b91ef74165d41a32e5fab3306300901bb65a51a73575eefd",
            ),
            // get-header-value-trim: trimming and space folding.
            (
                "GET / HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1: value1\nMy-Header2: \"a   b   c\"\nX-Amz-Date:20150830T123600Z",
                "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
            ),
            // get-header-key-duplicate: repeated headers joined with commas, in order.
            (
                "GET / HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1:value2\nMy-Header1:value2\nMy-Header1:value1\nX-Amz-Date:20150830T123600Z",
                "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
            ),
            // get-utf8: raw UTF-8 in the path.
            (
                "GET /\u{1234} HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z",
                "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85",
            ),
            // get-space: a raw space in the path.
            (
                "GET /example space/ HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z",
                "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741",
            ),
            // get-relative-relative and get-slash-dot-slash normalise to `/`.
            (
                "GET /example1/example2/../.. HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z",
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            ),
            (
                "GET /./ HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z",
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            ),
            // get-slashes: duplicate slashes.
            (
                "GET //example// HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z",
                "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84",
            ),
            // get-vanilla-query-order-key: repeated keys sorted by value.
            (
                "GET /?Param1=value2&Param1=Value1 HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z",
                "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1",
            ),
            // get-vanilla-utf8-query: raw UTF-8 in a query name.
            (
                "GET /?\u{1234}=bar HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z",
                "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
            ),
            // get-vanilla-query-order-encoded (aws-c-auth): sorted by encoded name.
            (
                "GET /?Param-3=Value3&Param=Value2&%E1%88%B4=Value1 HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z",
                "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac",
            ),
            // post-x-www-form-urlencoded: a body.
            (
                "POST / HTTP/1.1\nContent-Type:application/x-www-form-urlencoded\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\n\nParam1=value1",
                "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            ),
        ];
        for (raw, sig) in cases {
            let (req, parts) = sign_suite(raw);
            assert_eq!(parts.signature, sig, "{raw}");
            assert!(verify_suite(&req, suite_time()).is_ok(), "{raw}");
        }
        let (_, parts) = sign_suite(cases[4].0);
        assert_eq!(
            parts.canonical_request.lines().nth(1),
            Some("/example%20space/")
        );
        let (_, parts) = sign_suite(cases[10].0);
        assert_eq!(
            parts.canonical_request.lines().nth(2),
            Some("%E1%88%B4=Value1&Param=Value2&Param-3=Value3")
        );
    }

    #[test]
    fn unnormalized_signing_matches_the_suite_and_fails_against_the_gateway() {
        // aws-c-auth get-slashes-unnormalized: a client that signs the path as sent.
        let mut req =
            parse_raw_request("GET //example// HTTP/1.1\nHost:example.amazonaws.com\n").unwrap();
        let parts = sign_with(
            &mut req,
            &suite_creds(None),
            &suite_opts(false, &[]),
            suite_time(),
            PathNormalization::AsSent,
        );
        assert_eq!(parts.canonical_request.lines().nth(1), Some("//example//"));
        assert_eq!(
            parts.signature,
            "87cca117541a147f6df867677d98a7d80dff226d2bfca9e4ffa899665623c7e5"
        );
        let err = verify_suite(&req, suite_time()).unwrap_err();
        assert_eq!(err.kind, SigV4FailureKind::SignatureMismatch);
        let diff = first_difference(
            err.canonical_request.as_deref().unwrap(),
            &parts.canonical_request,
        )
        .unwrap();
        assert_eq!(diff.line, 2);
        assert_eq!(diff.expected.as_deref(), Some("/example/"));
        assert_eq!(diff.actual.as_deref(), Some("//example//"));
    }

    #[test]
    fn presigned_urls_match_the_suite() {
        // aws-c-auth get-vanilla, query mode.
        let mut req = parse_raw_request("GET / HTTP/1.1\nHost:example.amazonaws.com\n").unwrap();
        let parts = sign_with(
            &mut req,
            &suite_creds(None),
            &suite_opts(true, &[]),
            suite_time(),
            PathNormalization::Normalize,
        );
        assert_eq!(
            parts.canonical_request.lines().nth(2),
            Some(
                "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
            )
        );
        assert_eq!(
            parts.signature,
            "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"
        );
        assert_eq!(
            req.target,
            "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"
        );
        assert!(req.header("authorization").is_none() && req.header("x-amz-date").is_none());
        let v = verify_suite(&req, suite_time()).unwrap();
        assert!(v.presigned);
        assert_eq!(v.canonical_request, parts.canonical_request);

        // get-vanilla-with-session-token, query mode: the token is signed.
        let token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
        let mut req = parse_raw_request("GET / HTTP/1.1\nHost:example.amazonaws.com\n").unwrap();
        let parts = sign_with(
            &mut req,
            &suite_creds(Some(token)),
            &suite_opts(true, &[]),
            suite_time(),
            PathNormalization::Normalize,
        );
        assert_eq!(
            parts.signature,
            "7ff2b50b376cb4d151970630573d6291dc128cc5c2a12ffb237f73cc53f67b6c"
        );
        assert!(
            verify(
                &req,
                suite_time(),
                "us-east-1",
                "service",
                suite_key(Some(token))
            )
            .is_ok()
        );

        // A presigned URL stays valid for X-Amz-Expires seconds, then expires.
        let later = suite_time().plus(crate::gateway::time::SimDuration::from_secs(3600));
        assert!(verify(&req, later, "us-east-1", "service", suite_key(Some(token))).is_ok());
        let err = verify(
            &req,
            later.plus(crate::gateway::time::SimDuration::from_secs(1)),
            "us-east-1",
            "service",
            suite_key(Some(token)),
        )
        .unwrap_err();
        assert_eq!(
            (err.kind, err.message.as_str()),
            (SigV4FailureKind::SignatureExpired, "Request has expired")
        );
    }

    #[test]
    fn presigned_token_added_after_signing_is_accepted() {
        // aws-c-auth post-sts-header-after, query mode (omit_session_token).
        let token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
        let mut req = parse_raw_request("POST / HTTP/1.1\nHost:example.amazonaws.com\n").unwrap();
        let parts = sign_with(
            &mut req,
            &suite_creds(None),
            &suite_opts(true, &[]),
            suite_time(),
            PathNormalization::Normalize,
        );
        assert_eq!(
            parts.signature,
            "2ce6e6d2e0cf2f9d1b55fafec88cd20574c31dc2e7631979f71ba2310083e95b"
        );
        let sig_param = format!("&X-Amz-Signature={}", parts.signature);
        req.target = req.target.replace(
            &sig_param,
            &format!(
                "&X-Amz-Security-Token={}{sig_param}",
                uri_encode(token.as_bytes(), false)
            ),
        );
        assert!(
            verify(
                &req,
                suite_time(),
                "us-east-1",
                "service",
                suite_key(Some(token))
            )
            .is_ok()
        );
        // The token is still checked against the key.
        let err = verify(
            &req,
            suite_time(),
            "us-east-1",
            "service",
            suite_key(Some("other")),
        )
        .unwrap_err();
        assert_eq!(err.message, MSG_INVALID_SESSION_TOKEN);
    }

    #[test]
    fn signed_payload_header_and_unsigned_payload() {
        // aws-c-auth post-x-www-form-urlencoded with sign_body.
        let raw = "POST / HTTP/1.1\nContent-Type:application/x-www-form-urlencoded\nHost:example.amazonaws.com\nContent-Length:13\n\nParam1=value1";
        let mut req = parse_raw_request(raw).unwrap();
        req.headers
            .push(("x-amz-content-sha256".into(), sha256_hex(b"Param1=value1")));
        let parts = sign_with(
            &mut req,
            &suite_creds(None),
            &suite_opts(false, &["content-type", "content-length"]),
            suite_time(),
            PathNormalization::Normalize,
        );
        assert_eq!(
            parts.signed_headers,
            "content-length;content-type;host;x-amz-content-sha256;x-amz-date"
        );
        assert_eq!(
            parts.signature,
            "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"
        );
        let mut tampered = req.clone();
        tampered.body = "Param1=value2".into();
        assert_eq!(
            verify_suite(&tampered, suite_time()).unwrap_err().kind,
            SigV4FailureKind::SignatureMismatch
        );

        // With UNSIGNED-PAYLOAD the body is not covered by the signature at all.
        let mut req = parse_raw_request(raw).unwrap();
        req.headers
            .push(("X-Amz-Content-Sha256".into(), UNSIGNED_PAYLOAD.into()));
        sign(
            &mut req,
            &suite_creds(None),
            &suite_opts(false, &[]),
            suite_time(),
        );
        let v = verify_suite(&req, suite_time()).unwrap();
        assert!(v.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
        req.body = "anything at all".into();
        assert!(verify_suite(&req, suite_time()).is_ok());
    }

    #[test]
    fn path_and_query_canonicalisation_rules() {
        // The path is encoded again on top of its wire encoding.
        assert_eq!(
            canonical_uri("/a%20b/c d", PathNormalization::Normalize),
            "/a%2520b/c%20d"
        );
        assert_eq!(
            canonical_uri("/a/./b/../../c/", PathNormalization::Normalize),
            "/c/"
        );
        assert_eq!(canonical_uri("", PathNormalization::Normalize), "/");
        assert_eq!(canonical_uri("/a/..", PathNormalization::AsSent), "/a/..");
        // Query: decoded, re-encoded in upper-case hex, `+` is a space, a stray % is literal.
        assert_eq!(
            canonical_query("b=%2f&a=x+y&c=100%&d", &[]),
            "a=x%20y&b=%2F&c=100%25&d="
        );
        assert_eq!(
            canonical_query("a=1&X-Amz-Signature=ff", &["X-Amz-Signature"]),
            "a=1"
        );
        assert_eq!(canonical_header_value("  a \t b   c  "), "a b c");
        assert_eq!(first_difference("a\nb", "a\nb"), None);
        assert_eq!(
            first_difference("a\nb", "a"),
            Some(LineDifference {
                line: 2,
                expected: Some("b".into()),
                actual: None
            })
        );
    }

    fn iam_request() -> Request {
        Request::new("GET", "/prod/items")
            .with_header("Host", "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com")
    }

    fn alice() -> SigningCredentials {
        SigningCredentials {
            access_key_id: "AKIAALICE".into(),
            secret_access_key: "alice-secret".into(),
            session_token: None,
        }
    }

    fn alice_key(id: &str) -> Option<KeyInfo> {
        (id == "AKIAALICE").then(|| KeyInfo {
            secret_access_key: "alice-secret".into(),
            session_token: None,
            session_expires: None,
        })
    }

    fn signed_at(t: &str) -> Request {
        let mut req = iam_request();
        sign(
            &mut req,
            &alice(),
            &SignOptions::execute_api("us-east-1"),
            SimTime::parse_amz_date(t).unwrap(),
        );
        req
    }

    fn check(req: &Request, now: &str) -> Result<Verified, SigV4Failure> {
        verify(
            req,
            SimTime::parse_amz_date(now).unwrap(),
            "us-east-1",
            "execute-api",
            alice_key,
        )
    }

    #[test]
    fn unsigned_and_non_sigv4_headers() {
        let err = check(&iam_request(), "20250101T120000Z").unwrap_err();
        assert_eq!(err.kind, SigV4FailureKind::MissingAuthenticationToken);
        assert_eq!(err.message, "Missing Authentication Token");
        assert_eq!(err.error_type, "MissingAuthenticationTokenException");
        assert_eq!(err.gateway_response(), "MISSING_AUTHENTICATION_TOKEN");
        assert_eq!(authorization_header_problem(&iam_request()), None);

        let bearer = iam_request().with_header("Authorization", "Bearer abc");
        let msg = "'abc' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer abc'.";
        assert_eq!(authorization_header_problem(&bearer).as_deref(), Some(msg));
        let err = check(&bearer, "20250101T120000Z").unwrap_err();
        assert_eq!(
            (err.kind, err.message.as_str()),
            (SigV4FailureKind::IncompleteSignature, msg)
        );
        assert_eq!(err.error_type, "IncompleteSignatureException");

        let allow = iam_request().with_header("Authorization", "allow");
        assert_eq!(
            authorization_header_problem(&allow).as_deref(),
            Some(
                "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=allow"
            )
        );
        // Base64 padding contains '=', so it parses as a parameter and only the list remains.
        let basic = iam_request()
            .with_header("Authorization", "Basic Og==")
            .with_header("X-Amz-Date", "20250101T120000Z");
        assert_eq!(
            authorization_header_problem(&basic).as_deref(),
            Some(
                "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Basic Og=="
            )
        );
        assert_eq!(
            authorization_header_problem(&signed_at("20250101T120000Z")),
            None
        );
    }

    #[test]
    fn clock_window_is_five_minutes_both_ways() {
        let req = signed_at("20250101T120000Z");
        assert!(check(&req, "20250101T120500Z").is_ok());
        assert!(check(&req, "20250101T115500Z").is_ok());
        // Scenario 25 of the fidelity spec: signed 20 minutes ago.
        let err = check(&req, "20250101T122000Z").unwrap_err();
        assert_eq!(err.kind, SigV4FailureKind::SignatureExpired);
        assert_eq!(
            err.message,
            "Signature expired: 20250101T120000Z is now earlier than 20250101T121500Z (20250101T122000Z - 5 min.)"
        );
        assert_eq!(err.error_type, "InvalidSignatureException");
        assert_eq!(err.gateway_response(), "INVALID_SIGNATURE");
        assert!(err.canonical_request.is_some());
        let err = check(&req, "20250101T120501Z").unwrap_err();
        assert_eq!(
            err.message,
            "Signature expired: 20250101T120000Z is now earlier than 20250101T120001Z (20250101T120501Z - 5 min.)"
        );
        let err = check(&req, "20250101T115459Z").unwrap_err();
        assert_eq!(err.kind, SigV4FailureKind::SignatureNotYetCurrent);
        assert_eq!(
            err.message,
            "Signature not yet current: 20250101T120000Z is still later than 20250101T115959Z (20250101T115459Z + 5 min.)"
        );
    }

    #[test]
    fn unknown_key_and_wrong_secret() {
        let mut req = iam_request();
        let bob = SigningCredentials {
            access_key_id: "AKIABOB".into(),
            ..alice()
        };
        sign(
            &mut req,
            &bob,
            &SignOptions::execute_api("us-east-1"),
            SimTime::parse_amz_date("20250101T120000Z").unwrap(),
        );
        let err = check(&req, "20250101T120000Z").unwrap_err();
        assert_eq!(err.kind, SigV4FailureKind::UnknownAccessKey);
        assert_eq!(
            err.message,
            "The security token included in the request is invalid."
        );
        assert_eq!(err.error_type, "AccessDeniedException");

        let mut req = iam_request();
        let wrong = SigningCredentials {
            secret_access_key: "not-alice-secret".into(),
            ..alice()
        };
        sign(
            &mut req,
            &wrong,
            &SignOptions::execute_api("us-east-1"),
            SimTime::parse_amz_date("20250101T120000Z").unwrap(),
        );
        let err = check(&req, "20250101T120000Z").unwrap_err();
        assert_eq!(err.kind, SigV4FailureKind::SignatureMismatch);
        let creq = "GET\n/prod/items\n\nhost:a1b2c3d4e5.execute-api.us-east-1.amazonaws.com\nx-amz-date:20250101T120000Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let sts = string_to_sign(
            "20250101T120000Z",
            "20250101/us-east-1/execute-api/aws4_request",
            creq,
        );
        assert_eq!(
            err.message,
            format!(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'{creq}'\n\nThe String-to-Sign should have been\n'{sts}'\n"
            )
        );
        assert_eq!(err.canonical_request.as_deref(), Some(creq));
        assert_eq!(err.string_to_sign.as_deref(), Some(sts.as_str()));
    }

    #[test]
    fn credential_scope_problems() {
        let at = SimTime::parse_amz_date("20250101T120000Z").unwrap();
        let mut req = iam_request();
        let opts = SignOptions {
            service: "s3".into(),
            ..SignOptions::execute_api("us-east-1")
        };
        sign(&mut req, &alice(), &opts, at);
        let err = check(&req, "20250101T120000Z").unwrap_err();
        assert_eq!(err.kind, SigV4FailureKind::WrongService);
        assert_eq!(
            err.message,
            "Credential should be scoped to correct service: 'execute-api'. "
        );

        let mut req = iam_request();
        sign(
            &mut req,
            &alice(),
            &SignOptions::execute_api("eu-west-1"),
            at,
        );
        let err = check(&req, "20250101T120000Z").unwrap_err();
        assert_eq!(err.kind, SigV4FailureKind::WrongRegion);
        assert_eq!(
            err.message,
            "Credential should be scoped to a valid region. "
        );
        assert!(err.string_to_sign.is_some());

        // Every scope problem is listed, region first.
        let mut req = iam_request();
        sign(
            &mut req,
            &alice(),
            &SignOptions {
                service: "s3".into(),
                ..SignOptions::execute_api("eu-west-1")
            },
            at,
        );
        let err = check(&req, "20250101T120000Z").unwrap_err();
        assert_eq!(err.kind, SigV4FailureKind::WrongRegion);
        assert_eq!(
            err.message,
            "Credential should be scoped to a valid region. Credential should be scoped to correct service: 'execute-api'. "
        );

        let mut req = signed_at("20250101T120000Z");
        let auth = req
            .header("authorization")
            .unwrap()
            .replace("/20250101/", "/20241231/");
        req.set_header("Authorization", &auth);
        let err = check(&req, "20250101T120000Z").unwrap_err();
        assert_eq!(err.kind, SigV4FailureKind::ScopeDateMismatch);
        assert_eq!(
            err.message,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20241231' != '20250101', from '20250101T120000Z'."
        );

        let mut req = signed_at("20250101T120000Z");
        let auth = req
            .header("authorization")
            .unwrap()
            .replace("/aws4_request", "/aws4_reqest");
        req.set_header("Authorization", &auth);
        let err = check(&req, "20250101T120000Z").unwrap_err();
        assert_eq!(
            err.message,
            "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_reqest'. "
        );
    }

    #[test]
    fn malformed_signature_material() {
        let base = signed_at("20250101T120000Z");
        let auth = base.header("authorization").unwrap().to_string();
        let with_auth = |a: &str| {
            let mut r = base.clone();
            r.set_header("Authorization", a);
            check(&r, "20250101T120000Z").unwrap_err()
        };
        let err =
            with_auth(&auth.replace("Credential=AKIAALICE/20250101/", "Credential=AKIAALICE/"));
        assert_eq!(
            err.message,
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIAALICE/us-east-1/execute-api/aws4_request'"
        );
        assert_eq!(err.kind, SigV4FailureKind::IncompleteSignature);
        let err = with_auth(&auth.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"));
        assert_eq!(
            err.message,
            "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). "
        );
        let err =
            with_auth(&auth.replace("SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date"));
        assert_eq!(
            err.message,
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        );
        assert_eq!(err.error_type, "InvalidSignatureException");
        // Trailing slashes after the credential are ignored.
        let mut r = base.clone();
        r.set_header(
            "Authorization",
            &auth.replace("aws4_request,", "aws4_request/,"),
        );
        assert!(check(&r, "20250101T120000Z").is_ok());

        let mut r = base.clone();
        r.set_header("X-Amz-Date", "2025-01-01T12:00:00Z");
        let err = check(&r, "20250101T120000Z").unwrap_err();
        assert_eq!(
            err.message,
            "Date must be in ISO-8601 'basic format'. Got '2025-01-01T12:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"
        );
        assert_eq!(err.kind, SigV4FailureKind::IncompleteSignature);

        let mut r = base.clone();
        r.remove_header("x-amz-date");
        let err = check(&r, "20250101T120000Z").unwrap_err();
        assert_eq!(
            err.message,
            format!(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={auth}"
            )
        );

        let mut r = Request::new("GET", "/prod/items?X-Amz-Algorithm=AWS4-HMAC-SHA256");
        r.headers.push(("Host".into(), "h".into()));
        let err = check(&r, "20250101T120000Z").unwrap_err();
        assert_eq!(
            err.message,
            "AWS query-string parameters must include 'X-Amz-Credential'. Re-examine the query-string parameters."
        );
    }

    #[test]
    fn date_header_instead_of_x_amz_date() {
        let at = SimTime::parse_amz_date("20150830T123600Z").unwrap();
        let mut req = Request::new("GET", "/")
            .with_header("Host", "example.amazonaws.com")
            .with_header("Date", "Sun, 30 Aug 2015 12:36:00 GMT");
        let creq = canonical_request(
            &req,
            &["date", "host"],
            EMPTY_SHA,
            &[],
            PathNormalization::Normalize,
        );
        let sts = string_to_sign(
            &at.amz_date(),
            "20150830/us-east-1/service/aws4_request",
            &creq,
        );
        let sig = signature(
            &signing_key(SECRET, "20150830", "us-east-1", "service"),
            &sts,
        );
        req.headers.push(("Authorization".into(), format!("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=date;host, Signature={sig}")));
        let v = verify_suite(&req, at).unwrap();
        assert_eq!(v.signed_at, at);
        assert!(v.string_to_sign.contains("\n20150830T123600Z\n"));
        assert!(
            v.canonical_request
                .contains("date:Sun, 30 Aug 2015 12:36:00 GMT\n")
        );
    }

    #[test]
    fn session_tokens() {
        let at = SimTime::parse_amz_date("20250101T120000Z").unwrap();
        let temp = SigningCredentials {
            access_key_id: "ASIATEMP".into(),
            secret_access_key: "temp-secret".into(),
            session_token: Some("tok-1".into()),
        };
        let expires = SimTime::parse_amz_date("20250101T130000Z").unwrap();
        let lookup = |id: &str| {
            (id == "ASIATEMP").then(|| KeyInfo {
                secret_access_key: "temp-secret".into(),
                session_token: Some("tok-1".into()),
                session_expires: Some(expires),
            })
        };
        let mut req = iam_request();
        sign(&mut req, &temp, &SignOptions::execute_api("us-east-1"), at);
        assert_eq!(req.header("x-amz-security-token"), Some("tok-1"));
        assert!(
            req.header("authorization")
                .unwrap()
                .contains("SignedHeaders=host;x-amz-date;x-amz-security-token,")
        );
        assert!(verify(&req, at, "us-east-1", "execute-api", lookup).is_ok());

        // Signed before expiry, arriving after it.
        let mut late = iam_request();
        sign(
            &mut late,
            &temp,
            &SignOptions::execute_api("us-east-1"),
            expires,
        );
        let err = verify(&late, expires, "us-east-1", "execute-api", lookup).unwrap_err();
        assert_eq!(err.kind, SigV4FailureKind::ExpiredSessionToken);
        assert_eq!(
            err.message,
            "The security token included in the request is expired"
        );
        assert_eq!(err.error_type, "ExpiredTokenException");
        assert_eq!(err.gateway_response(), "EXPIRED_TOKEN");

        let mut no_token = iam_request();
        sign(
            &mut no_token,
            &SigningCredentials {
                session_token: None,
                ..temp.clone()
            },
            &SignOptions::execute_api("us-east-1"),
            at,
        );
        let err = verify(&no_token, at, "us-east-1", "execute-api", lookup).unwrap_err();
        assert_eq!(err.kind, SigV4FailureKind::MissingSessionToken);
        assert_eq!(
            err.message,
            "The security token included in the request is invalid."
        );

        let mut other = iam_request();
        sign(
            &mut other,
            &SigningCredentials {
                session_token: Some("tok-2".into()),
                ..temp
            },
            &SignOptions::execute_api("us-east-1"),
            at,
        );
        let err = verify(&other, at, "us-east-1", "execute-api", lookup).unwrap_err();
        assert_eq!(err.kind, SigV4FailureKind::UnknownAccessKey);
        assert_eq!(
            err.message,
            "The security token included in the request is invalid"
        );
    }

    #[test]
    fn failure_kind_ids_match_serde() {
        use SigV4FailureKind::*;
        for k in [
            MissingAuthenticationToken,
            IncompleteSignature,
            UnknownAccessKey,
            SignatureMismatch,
            SignatureExpired,
            SignatureNotYetCurrent,
            WrongService,
            WrongRegion,
            ScopeDateMismatch,
            ExpiredSessionToken,
            MissingSessionToken,
        ] {
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.id())
            );
        }
    }

    #[test]
    fn sign_options_read_from_toml() {
        let o: SignOptions = toml::from_str(
            "region = \"eu-west-1\"\npresign = true\nsigned-headers-extra = [\"content-type\"]\n",
        )
        .unwrap();
        assert_eq!(o.service, "execute-api");
        assert_eq!(o.expires_secs, 900);
        assert!(o.presign);
        assert_eq!(o.signed_headers_extra, vec!["content-type".to_string()]);
        assert!(toml::from_str::<SignOptions>("region = \"x\"\nexpires = 3\n").is_err());
        let c: SigningCredentials =
            toml::from_str("access-key-id = \"A\"\nsecret-access-key = \"S\"\n").unwrap();
        assert_eq!(c.session_token, None);
    }

    #[test]
    fn resigning_replaces_the_old_signature() {
        let at = SimTime::parse_amz_date("20250101T120000Z").unwrap();
        let mut req = iam_request();
        let presign = SignOptions {
            presign: true,
            ..SignOptions::execute_api("us-east-1")
        };
        sign(&mut req, &alice(), &presign, at);
        sign(
            &mut req,
            &alice(),
            &presign,
            at.plus(crate::gateway::time::SimDuration::from_secs(60)),
        );
        assert_eq!(req.target.matches("X-Amz-Signature=").count(), 1);
        assert!(check(&req, "20250101T120100Z").is_ok());
        sign(
            &mut req,
            &alice(),
            &SignOptions::execute_api("us-east-1"),
            at,
        );
        assert_eq!(req.header_all("authorization").count(), 1);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::gateway::raw_http::{format_raw_request, parse_raw_request};
    use proptest::prelude::*;

    fn request() -> impl Strategy<Value = Request> {
        (
            "[A-Z]{1,7}",
            "(/[ -~]{0,6}){0,4}",
            proptest::option::of("[ -~]{0,30}"),
            proptest::collection::vec(("[A-Za-z0-9-]{1,12}", "[ -~]{0,20}"), 0..5),
            "[ -~]{0,40}",
        )
            .prop_map(|(method, path, query, headers, body)| {
                let target = match query {
                    Some(q) if !path.is_empty() => format!("{path}?{}", q.replace('#', "")),
                    _ if path.is_empty() => "/".to_string(),
                    _ => path,
                };
                let mut r = Request::new(&method, &target).with_header("Host", "api.example.com");
                for (k, v) in headers {
                    r.headers.push((k, v));
                }
                r.body = body;
                r
            })
    }

    proptest! {
        /// Whatever the request looks like, what the signer signs is what the verifier checks.
        #[test]
        fn sign_then_verify_round_trips(req in request(), presign in any::<bool>(), all in any::<bool>()) {
            let at = SimTime::parse_amz_date("20250101T120000Z").unwrap();
            let creds = SigningCredentials { access_key_id: "AKIDPROP".into(), secret_access_key: "s".into(), session_token: None };
            let opts = SignOptions {
                presign,
                signed_headers_extra: if all { vec!["*".into()] } else { Vec::new() },
                ..SignOptions::execute_api("us-east-1")
            };
            let mut req = req;
            sign(&mut req, &creds, &opts, at);
            let lookup = |id: &str| (id == "AKIDPROP").then(|| KeyInfo { secret_access_key: "s".into(), session_token: None, session_expires: None });
            let v = verify(&req, at, "us-east-1", "execute-api", lookup);
            prop_assert!(v.is_ok(), "{:?}", v.err().map(|e| e.message));
        }

        /// Arbitrary signature material never panics the verifier.
        #[test]
        fn verify_never_panics(req in request(), auth in "[ -~]{0,120}", query in "[ -~]{0,80}") {
            let mut r = req.clone();
            r.headers.push(("Authorization".into(), auth));
            let _ = verify(&r, SimTime(0), "us-east-1", "execute-api", |_| None);
            let mut r = req;
            r.target = format!("/?{query}");
            let _ = verify(&r, SimTime(u64::MAX), "us-east-1", "execute-api", |_| None);
            let _ = authorization_header_problem(&r);
        }

        /// Any text either parses or yields a positioned error; formatted requests parse back.
        #[test]
        fn raw_requests_parse_or_explain(text in "(?s).{0,200}", req in request()) {
            if let Err(e) = parse_raw_request(&text) {
                prop_assert!(e.line >= 1 && e.col >= 1);
            }
            let req = Request { headers: req.headers.into_iter().map(|(k, v)| (k, v.trim().to_string())).collect(), ..req };
            prop_assert_eq!(parse_raw_request(&format_raw_request(&req)).ok(), Some(req));
        }
    }
}
