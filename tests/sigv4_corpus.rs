//! SigV4 conformance against the public AWS test suites in `../shared/corpora`
//! (`sigv4-classic`: botocore's copy of the AWS suite; `sigv4-crt`: aws-c-auth's
//! signing suite, header and presigned variants). Skips when the corpora are absent;
//! `GATELAB_CORPORA=/path/to/corpora` points elsewhere.
//!
//! For every case: signing reproduces the suite's canonical request, string to
//! sign and signature; `verify` accepts the suite's signed request; and every
//! single-character mutation of that signed request is rejected unless it is
//! equivalent under SigV4 canonicalisation (see `Exemption`), in which case it
//! must be accepted.

use gatelab::gateway::raw_http::parse_raw_request;
use gatelab::gateway::request::Request;
use gatelab::gateway::sigv4::{
    self, KeyInfo, PathNormalization, SigV4FailureKind, SignOptions, SigningCredentials,
};
use gatelab::gateway::time::SimTime;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
const SERVICE: &str = "service";

fn corpora() -> Option<PathBuf> {
    let dir = std::env::var_os("GATELAB_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpora"))
        });
    if dir.join("sigv4-classic").is_dir() && dir.join("sigv4-crt").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping SigV4 corpus tests: no corpora at {}",
            dir.display()
        );
        None
    }
}

fn clock() -> SimTime {
    SimTime::parse_amz_date("20150830T123600Z").expect("suite clock")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse(path: &Path) -> Request {
    parse_raw_request(&read(path)).unwrap_or_else(|e| panic!("{}:{e}", path.display()))
}

fn creds(token: Option<&str>) -> SigningCredentials {
    SigningCredentials {
        access_key_id: AKID.into(),
        secret_access_key: SECRET.into(),
        session_token: token.map(str::to_string),
    }
}

fn opts(presign: bool, expires: u64) -> SignOptions {
    SignOptions {
        region: REGION.into(),
        service: SERVICE.into(),
        presign,
        expires_secs: expires,
        // The suites sign every header the request carries.
        signed_headers_extra: vec!["*".into()],
    }
}

fn key(token: Option<String>) -> impl Fn(&str) -> Option<KeyInfo> {
    move |id: &str| {
        (id == AKID).then(|| KeyInfo {
            secret_access_key: SECRET.into(),
            session_token: token.clone(),
            session_expires: None,
        })
    }
}

fn verify(req: &Request, token: &Option<String>) -> Result<sigv4::Verified, sigv4::SigV4Failure> {
    sigv4::verify(req, clock(), REGION, SERVICE, key(token.clone()))
}

// ---------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------

/// Why a mutation is semantically equivalent to the signed request (and so must be accepted).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Exemption {
    /// A header name with one letter's case changed names the same header.
    HeaderNameCase,
    /// A header value equal after trimming and folding runs of spaces.
    HeaderValueWhitespace,
    /// An `Authorization` header with the same parameters after splitting on
    /// commas and trimming (`, ` turned into `,,`).
    AuthorizationSeparators,
    /// A target whose path is written differently but normalises to the same
    /// path (a character inside a segment that a later `..` removes, `/./` or
    /// `//` for `/`, an empty path for `/`), with the same query.
    PathNormalization,
    /// A target with the same path whose query decodes to the same parameters
    /// (`%2F` = `%2f`).
    QueryEncoding,
}

#[derive(Default)]
struct Tally {
    mutations: usize,
    rejected: usize,
    exempt: BTreeMap<Exemption, usize>,
    failures: Vec<String>,
}

/// The printable ASCII characters each position is changed to (besides its
/// case flip and its successor): characters that matter to HTTP, URLs, SigV4
/// parsing and path normalisation, plus ordinary letters and digits.
const REPLACEMENTS: &[char] = &[
    '/', '.', ' ', '%', '+', '=', '&', '?', ';', ',', ':', '0', '9', 'a', 'Z', '~', '-', '_',
];

/// Every single-character variant of `s`: each character replaced by each
/// candidate. ASCII positions get every candidate; a non-ASCII character
/// (several bytes of UTF-8) is replaced as a whole, because a `String` cannot
/// hold half of one.
fn variants(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, c) in s.char_indices() {
        let mut cands: Vec<char> = REPLACEMENTS.to_vec();
        if c.is_ascii_alphabetic() {
            cands.push(if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            });
        }
        if c.is_ascii_graphic() || c == ' ' {
            let next = ((c as u8 - 0x20 + 1) % 95 + 0x20) as char;
            cands.push(next);
        }
        cands.sort();
        cands.dedup();
        for r in cands.into_iter().filter(|r| *r != c) {
            let mut m = String::with_capacity(s.len());
            m.push_str(&s[..i]);
            m.push(r);
            m.push_str(&s[i + c.len_utf8()..]);
            out.push(m);
        }
    }
    out
}

fn fold(v: &str) -> String {
    v.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn auth_params(v: &str) -> (String, Vec<String>) {
    let v = v.trim();
    let (alg, rest) = v.split_once(' ').unwrap_or((v, ""));
    let params = rest
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    (alg.to_string(), params)
}

/// The path rule of non-S3 SigV4, stated as botocore's `remove_dot_segments`:
/// drop empty and `.` segments, `..` removes the previous one, keep a leading
/// `/`, keep a trailing `/` if anything remains; an empty path is `/`.
fn reference_path(p: &str) -> String {
    if p.is_empty() {
        return "/".into();
    }
    let mut stack: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                stack.pop();
            }
            s => stack.push(s),
        }
    }
    let lead = if p.starts_with('/') { "/" } else { "" };
    let trail = if p.ends_with('/') && !stack.is_empty() {
        "/"
    } else {
        ""
    };
    format!("{lead}{}{trail}", stack.join("/"))
}

fn reference_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let hex = |j: usize| b.get(j).and_then(|c| (*c as char).to_digit(16));
        match b[i] {
            b'%' if hex(i + 1).is_some() && hex(i + 2).is_some() => {
                out.push((hex(i + 1).unwrap() * 16 + hex(i + 2).unwrap()) as u8);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Decoded query parameters, sorted: the query's meaning under SigV4.
type DecodedQuery = Vec<(Vec<u8>, Vec<u8>)>;

fn reference_target(t: &str) -> (String, DecodedQuery) {
    let (path, query) = t.split_once('?').unwrap_or((t, ""));
    let mut params: DecodedQuery = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (reference_decode(k), reference_decode(v))
        })
        .collect();
    params.sort();
    (reference_path(path), params)
}

/// Mutate every character of the method, the target, the signed headers (name
/// and value), `Authorization` (which holds the signature), `X-Amz-Security-Token`
/// and the body, and check each verdict.
fn mutate_all(
    case: &str,
    base: &Request,
    signed: &[String],
    token: &Option<String>,
    tally: &mut Tally,
) {
    let mut check = |m: Request, exemption: Option<Exemption>, what: String| {
        tally.mutations += 1;
        let ok = verify(&m, token).is_ok();
        match (ok, exemption) {
            (false, None) => tally.rejected += 1,
            (true, Some(e)) => *tally.exempt.entry(e).or_default() += 1,
            (true, None) => tally.failures.push(format!("{case}: accepted {what}")),
            (false, Some(e)) => tally
                .failures
                .push(format!("{case}: rejected {e:?}-equivalent {what}")),
        }
    };

    for m in variants(&base.method) {
        let mut r = base.clone();
        r.method = m.clone();
        check(r, None, format!("method {m:?}"));
    }
    let reference = reference_target(&base.target);
    for t in variants(&base.target) {
        let mut r = base.clone();
        r.target = t.clone();
        let same_path = t.split('?').next() == base.target.split('?').next();
        let ex = (reference_target(&t) == reference).then_some(if same_path {
            Exemption::QueryEncoding
        } else {
            Exemption::PathNormalization
        });
        check(r, ex, format!("target {t:?}"));
    }
    for (idx, (name, value)) in base.headers.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        let is_auth = lower == "authorization";
        if !(is_auth || lower == "x-amz-security-token" || signed.contains(&lower)) {
            continue;
        }
        for n in variants(name) {
            let mut r = base.clone();
            r.headers[idx].0 = n.clone();
            let ex = n
                .eq_ignore_ascii_case(name)
                .then_some(Exemption::HeaderNameCase);
            check(r, ex, format!("header name {n:?}"));
        }
        for v in variants(value) {
            let mut r = base.clone();
            r.headers[idx].1 = v.clone();
            let ex = if is_auth {
                (auth_params(&v) == auth_params(value))
                    .then_some(Exemption::AuthorizationSeparators)
            } else {
                (fold(&v) == fold(value)).then_some(Exemption::HeaderValueWhitespace)
            };
            check(r, ex, format!("{name} value {v:?}"));
        }
    }
    for b in variants(&base.body) {
        let mut r = base.clone();
        r.body = b.clone();
        check(r, None, format!("body {b:?}"));
    }
}

fn signed_headers_of(v: &sigv4::Verified) -> Vec<String> {
    let lines: Vec<&str> = v.canonical_request.split('\n').collect();
    lines
        .get(lines.len().saturating_sub(2))
        .map(|l| l.split(';').map(str::to_string).collect())
        .unwrap_or_default()
}

fn report(suite: &str, cases: usize, variants: usize, tally: &Tally) {
    eprintln!(
        "{suite}: {cases} cases, {variants} signed variants, {} mutations: {} rejected, {} accepted as equivalent {:?}",
        tally.mutations,
        tally.rejected,
        tally.exempt.values().sum::<usize>(),
        tally.exempt
    );
    assert!(
        tally.failures.is_empty(),
        "{} wrong verdicts, e.g.:\n{}",
        tally.failures.len(),
        tally
            .failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

// ---------------------------------------------------------------------------
// sigv4-classic
// ---------------------------------------------------------------------------

fn classic_cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries.into_iter().filter(|p| p.is_dir()) {
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if p.join(format!("{name}.req")).is_file() {
            out.push(p);
        } else {
            classic_cases(&p, out);
        }
    }
}

#[test]
fn classic_suite() {
    let Some(root) = corpora() else { return };
    let mut cases = Vec::new();
    classic_cases(&root.join("sigv4-classic"), &mut cases);
    assert_eq!(cases.len(), 34, "sigv4-classic has 34 cases");
    let mut tally = Tally::default();
    for dir in &cases {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let file = |ext: &str| dir.join(format!("{name}.{ext}"));
        let creq = read(&file("creq"));
        let sts = read(&file("sts"));
        let authz = read(&file("authz"));

        // Signing the unsigned request reproduces the suite.
        let mut req = parse(&file("req"));
        // A token the suite signs but leaves out of `.req` comes in with the credentials.
        let token_line = creq
            .lines()
            .find_map(|l| l.strip_prefix("x-amz-security-token:"));
        let sign_token = token_line.filter(|_| req.header("x-amz-security-token").is_none());
        let parts = sigv4::sign_with(
            &mut req,
            &creds(sign_token),
            &opts(false, 0),
            clock(),
            PathNormalization::Normalize,
        );
        assert_eq!(parts.canonical_request, creq, "{name}: canonical request");
        assert_eq!(parts.string_to_sign, sts, "{name}: string to sign");
        assert_eq!(
            req.header("authorization"),
            Some(authz.as_str()),
            "{name}: Authorization"
        );

        // The gateway accepts the suite's signed request (but for the known erratum).
        let sreq = parse(&file("sreq"));
        let token = sreq.header("x-amz-security-token").map(str::to_string);
        let base = if name == "get-vanilla-with-session-token" {
            // Its .sreq carries get-vanilla's signature: a correct verifier rejects it.
            let err = verify(&sreq, &token).expect_err("stale .sreq must be rejected");
            assert_eq!(err.kind, SigV4FailureKind::SignatureMismatch);
            assert_eq!(err.canonical_request.as_deref(), Some(creq.as_str()));
            req
        } else {
            sreq
        };
        let v = verify(&base, &token).unwrap_or_else(|e| panic!("{name}: {}", e.message));
        assert_eq!(
            v.canonical_request, creq,
            "{name}: verified canonical request"
        );
        assert_eq!(v.string_to_sign, sts, "{name}: verified string to sign");
        mutate_all(name, &base, &signed_headers_of(&v), &token, &mut tally);
    }
    report("sigv4-classic", cases.len(), cases.len(), &tally);
    assert!(tally.rejected > 50_000, "the mutation run is not vacuous");
}

// ---------------------------------------------------------------------------
// sigv4-crt
// ---------------------------------------------------------------------------

struct Context {
    token: Option<String>,
    normalize: bool,
    sign_body: bool,
    omit_session_token: bool,
    expires: u64,
}

fn context(dir: &Path) -> Context {
    let v: serde_json::Value =
        serde_json::from_str(&read(&dir.join("context.json"))).expect("context.json");
    assert_eq!(v["credentials"]["access_key_id"], AKID);
    assert_eq!(v["credentials"]["secret_access_key"], SECRET);
    assert_eq!(v["region"], REGION);
    assert_eq!(v["service"], SERVICE);
    assert_eq!(v["timestamp"], "2015-08-30T12:36:00Z");
    Context {
        token: v["credentials"]["token"].as_str().map(str::to_string),
        normalize: v["normalize"].as_bool().unwrap_or(true),
        sign_body: v["sign_body"].as_bool().unwrap_or(false),
        omit_session_token: v["omit_session_token"].as_bool().unwrap_or(false),
        expires: v["expiration_in_seconds"].as_u64().unwrap_or(3600),
    }
}

#[test]
fn crt_suite() {
    let Some(root) = corpora() else { return };
    let v4 = root.join("sigv4-crt/v4");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&v4)
        .expect("v4")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 38, "sigv4-crt has 38 cases");
    let mut tally = Tally::default();
    let mut unnormalized_rejected = 0;
    for dir in &dirs {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let ctx = context(dir);
        let rules = if ctx.normalize {
            PathNormalization::Normalize
        } else {
            PathNormalization::AsSent
        };
        let sign_token = ctx.token.as_deref().filter(|_| !ctx.omit_session_token);

        for (mode, presign) in [("header", false), ("query", true)] {
            let label = format!("{name} ({mode})");
            let expected = |what: &str| read(&dir.join(format!("{mode}-{what}.txt")));
            let mut req = parse(&dir.join("request.txt"));
            if ctx.sign_body && !presign {
                let hash = sigv4::sha256_hex(req.body.as_bytes());
                req.headers.push(("x-amz-content-sha256".into(), hash));
            }
            let parts = sigv4::sign_with(
                &mut req,
                &creds(sign_token),
                &opts(presign, ctx.expires),
                clock(),
                rules,
            );
            assert_eq!(
                parts.canonical_request,
                expected("canonical-request"),
                "{label}: canonical request"
            );
            assert_eq!(
                parts.string_to_sign,
                expected("string-to-sign"),
                "{label}: string to sign"
            );
            assert_eq!(parts.signature, expected("signature"), "{label}: signature");
            let signed_file = parse(&dir.join(format!("{mode}-signed-request.txt")));
            if presign {
                if let (true, Some(t)) = (ctx.omit_session_token, &ctx.token) {
                    // The token goes into the URL after signing.
                    let sig = format!("&X-Amz-Signature={}", parts.signature);
                    let tok = format!(
                        "&X-Amz-Security-Token={}",
                        sigv4::uri_encode(t.as_bytes(), false)
                    );
                    req.target = req.target.replace(&sig, &format!("{tok}{sig}"));
                }
                assert_eq!(req.target, signed_file.target, "{label}: presigned URL");
            }

            // The gateway always normalises: a client that did not is rejected
            // exactly when normalisation changes the path.
            let token = ctx.token.clone();
            let path = signed_file.path().to_string();
            let same_path = sigv4::canonical_uri(&path, PathNormalization::Normalize)
                == sigv4::canonical_uri(&path, PathNormalization::AsSent);
            if !ctx.normalize && !same_path {
                let err = verify(&signed_file, &token).expect_err("unnormalized signature");
                assert_eq!(err.kind, SigV4FailureKind::SignatureMismatch, "{label}");
                let sibling = v4.join(name.replace("-unnormalized", "-normalized"));
                // The sibling signed the same request with the path normalised.
                let normalized = read(&sibling.join(format!("{mode}-canonical-request.txt")));
                assert_eq!(
                    err.canonical_request.as_deref(),
                    Some(normalized.as_str()),
                    "{label}"
                );
                unnormalized_rejected += 1;
                continue;
            }
            let v =
                verify(&signed_file, &token).unwrap_or_else(|e| panic!("{label}: {}", e.message));
            assert_eq!(v.presigned, presign, "{label}");
            assert_eq!(v.signed_at, clock());
            mutate_all(
                &label,
                &signed_file,
                &signed_headers_of(&v),
                &token,
                &mut tally,
            );
        }
    }
    assert_eq!(
        unnormalized_rejected, 12,
        "6 path-changing unnormalized cases x 2 modes"
    );
    report(
        "sigv4-crt",
        dirs.len(),
        dirs.len() * 2 - unnormalized_rejected,
        &tally,
    );
    assert!(tally.rejected > 50_000, "the mutation run is not vacuous");
}
