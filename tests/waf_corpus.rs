//! Detection and false-positive rates of the WAF SQL-injection and XSS
//! detectors, measured on public corpora.
//!
//! The corpora live outside the repository (`../shared/corpora`, see its
//! README); when that folder is missing the tests print a line and pass.
//! Set `WAF_CORPUS_VERBOSE=1` to print every miss and every false positive.

use gatelab::gateway::waf_detect::{Detection, Sensitivity, detect_sqli, detect_xss};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const CORPORA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpora");

/// The minimum detection rate on attack sets that carry a threshold.
const MIN_DETECTION: f64 = 0.95;
/// The maximum false-positive rate on every benign set.
const MAX_FALSE_POSITIVE: f64 = 0.01;

fn corpora() -> Option<PathBuf> {
    let p = PathBuf::from(CORPORA);
    if p.is_dir() {
        Some(p)
    } else {
        println!("corpora not found at {CORPORA}; skipping the WAF corpus measurements");
        None
    }
}

fn verbose() -> bool {
    std::env::var_os("WAF_CORPUS_VERBOSE").is_some()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Every case is an attack: the rate is the share detected.
    Attack,
    /// Every case is benign: the rate is the share flagged (false positives).
    Benign,
}

/// Which detector(s) to run on a case.
#[derive(Clone, Copy)]
enum Detector {
    Sqli(Sensitivity),
    Xss,
    /// Both detectors, SQLi at the given sensitivity; used for benign sets.
    Both(Sensitivity),
}

impl Detector {
    fn run(self, input: &str) -> Option<Detection> {
        match self {
            Detector::Sqli(s) => detect_sqli(input, s),
            Detector::Xss => detect_xss(input),
            Detector::Both(s) => detect_sqli(input, s).or_else(|| detect_xss(input)),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Detector::Sqli(Sensitivity::Low) => "sqli/low",
            Detector::Sqli(Sensitivity::High) => "sqli/high",
            Detector::Xss => "xss",
            Detector::Both(Sensitivity::Low) => "sqli/low+xss",
            Detector::Both(Sensitivity::High) => "sqli/high+xss",
        }
    }
}

/// One measured line of the table.
struct Measure {
    corpus: String,
    kind: Kind,
    detector: &'static str,
    cases: usize,
    matched: usize,
    /// Some(limit) when the rate is asserted.
    limit: Option<f64>,
}

impl Measure {
    fn rate(&self) -> f64 {
        if self.cases == 0 {
            0.0
        } else {
            self.matched as f64 / self.cases as f64
        }
    }

    fn ok(&self) -> bool {
        match (self.kind, self.limit) {
            (_, None) => true,
            (Kind::Attack, Some(l)) => self.rate() >= l,
            (Kind::Benign, Some(l)) => self.rate() <= l,
        }
    }
}

/// Runs `detector` over `cases` (each a list of request parts; a case matches
/// when any part matches).
fn measure(
    corpus: &str,
    kind: Kind,
    detector: Detector,
    cases: &[(String, Vec<String>)],
    limit: Option<f64>,
) -> Measure {
    let mut matched = 0;
    for (id, parts) in cases {
        let hit = parts.iter().find_map(|p| detector.run(p).map(|d| (p, d)));
        if hit.is_some() {
            matched += 1;
        }
        if verbose() {
            match (kind, &hit) {
                (Kind::Attack, None) => {
                    println!("MISS [{corpus} {}] {id}: {parts:?}", detector.label())
                }
                (Kind::Benign, Some((p, d))) => println!(
                    "FP   [{corpus} {}] {id}: {p:?} -> {} | {}",
                    detector.label(),
                    d.evidence,
                    d.explanation
                ),
                _ => {}
            }
        }
    }
    Measure {
        corpus: corpus.to_owned(),
        kind,
        detector: detector.label(),
        cases: cases.len(),
        matched,
        limit,
    }
}

fn table(rows: &[Measure]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| corpus | kind | detector | cases | matched | rate | limit |\n|---|---|---|---|---|---|---|"
    );
    for r in rows {
        let kind = match r.kind {
            Kind::Attack => "attack (detected)",
            Kind::Benign => "benign (false positives)",
        };
        let limit = match (r.kind, r.limit) {
            (_, None) => "report".to_owned(),
            (Kind::Attack, Some(l)) => format!(">= {:.0}%", l * 100.0),
            (Kind::Benign, Some(l)) => format!("<= {:.0}%", l * 100.0),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.1}% | {} |",
            r.corpus,
            kind,
            r.detector,
            r.cases,
            r.matched,
            r.rate() * 100.0,
            limit
        );
    }
    out
}

fn assert_rows(rows: &[Measure]) {
    println!("{}", table(rows));
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| !r.ok())
        .map(|r| format!("{} {} ({:.1}%)", r.corpus, r.detector, r.rate() * 100.0))
        .collect();
    assert!(failed.is_empty(), "rates outside their limits: {failed:?}");
}

fn read_lossy(path: &Path) -> String {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => panic!("cannot read {}: {e}", path.display()),
    }
}

// ----- request parts -----------------------------------------------------------

/// Splits `a=1&b=2` into names and values (still percent-encoded).
fn form_parts(s: &str, out: &mut Vec<String>) {
    for pair in s.split('&') {
        if pair.is_empty() {
            continue;
        }
        match pair.split_once('=') {
            Some((k, v)) => {
                out.push(k.to_owned());
                out.push(v.to_owned());
            }
            None => out.push(pair.to_owned()),
        }
    }
}

fn json_parts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                out.push(k.clone());
                json_parts(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| json_parts(v, out)),
        Value::String(s) => out.push(s.clone()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Bool(_) | Value::Null => {}
    }
}

/// Attribute values and text nodes of an XML document.
fn xml_parts(s: &str, out: &mut Vec<String>) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'<' {
            let end = b[i..]
                .iter()
                .position(|&c| c == b'>')
                .map_or(b.len(), |p| i + p);
            let tag = &s[i..end];
            let mut rest = tag;
            while let Some(p) = rest.find("=\"") {
                let after = &rest[p + 2..];
                let q = after.find('"').unwrap_or(after.len());
                out.push(after[..q].to_owned());
                rest = &after[(q + 1).min(after.len())..];
            }
            i = end + 1;
        } else {
            let end = b[i..]
                .iter()
                .position(|&c| c == b'<')
                .map_or(b.len(), |p| i + p);
            let text = s[i..end].trim();
            if !text.is_empty() {
                out.push(text.to_owned());
            }
            i = end;
        }
    }
}

fn multipart_parts(body: &str, content_type: &str, out: &mut Vec<String>) {
    let Some(boundary) = content_type.split("boundary=").nth(1) else {
        out.push(body.to_owned());
        return;
    };
    let delim = format!("--{boundary}");
    for part in body.split(delim.as_str()) {
        if let Some((_, content)) = part.split_once("\n\n") {
            let c = content.trim();
            if !c.is_empty() && c != "--" {
                out.push(c.to_owned());
            }
        }
    }
}

/// The request parts a WAF rule would inspect: URI path, query argument names
/// and values, cookies, non-standard headers, and the body split by type.
fn crs_parts(row: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let uri = row["uri"].as_str().unwrap_or("");
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    out.push(path.to_owned());
    form_parts(query, &mut out);
    let mut content_type = String::new();
    if let Some(h) = row["headers"].as_object() {
        for (k, v) in h {
            let v = v.as_str().unwrap_or("");
            let lk = k.to_ascii_lowercase();
            match lk.as_str() {
                "host" | "accept" | "content-length" | "connection" | "accept-encoding"
                | "accept-language" | "accept-charset" | "cache-control" => {}
                "content-type" => content_type = v.to_ascii_lowercase(),
                "cookie" => {
                    for c in v.split(';') {
                        match c.trim().split_once('=') {
                            Some((n, val)) => {
                                out.push(n.to_owned());
                                out.push(val.to_owned());
                            }
                            None => out.push(c.trim().to_owned()),
                        }
                    }
                }
                _ => out.push(v.to_owned()),
            }
        }
    }
    if let Some(data) = row["data"].as_str() {
        if content_type.contains("json") {
            match serde_json::from_str::<Value>(data) {
                Ok(v) => json_parts(&v, &mut out),
                Err(_) => out.push(data.to_owned()),
            }
        } else if content_type.contains("xml") {
            xml_parts(data, &mut out);
        } else if content_type.contains("multipart") {
            multipart_parts(data, &content_type, &mut out);
        } else {
            form_parts(data.trim_end_matches(['\n', '\r']), &mut out);
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

/// CRS stages marked as negative for one rule that nevertheless carry an
/// attack, so they are not counted as benign: (rule, test, why).
const CRS_NOT_BENIGN: &[(u64, u64, &str)] = &[
    (942360, 29, "||(SELECT(DBMS_LDAP.INIT(...))FROM(DUAL))"),
    (942360, 30, "'||(select(pg_sleep(15))where(true))||'"),
    (942360, 31, "UNION ALL SELECT NULL,NULL,CONCAT(...)-- sqCV"),
    (942521, 15, "\\'lol' or '1 (labelled as a missed attack)"),
    (
        942522,
        5,
        "'or'1 (labelled as plain SQLi left to other rules)",
    ),
    (942101, 11, "24 union all select 1,2,3 from aa, in the path"),
    (
        942521,
        16,
        "an article that quotes ' OR '1'='1' -- and other payloads",
    ),
    (
        942522,
        8,
        "an article that quotes ' OR '1'='1' -- and other payloads",
    ),
];

fn crs_rows(root: &Path) -> Vec<Value> {
    let text = read_lossy(&root.join("waf-crs-regression/crs_941_942_flat.jsonl"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad CRS row: {e}")))
        .collect()
}

fn crs_id(r: &Value) -> String {
    format!(
        "{}-{}/{}",
        r["rule_id"].as_u64().unwrap_or(0),
        r["test_id"].as_u64().unwrap_or(0),
        r["stage"].as_u64().unwrap_or(0)
    )
}

fn is_crs_not_benign(r: &Value) -> bool {
    let rule = r["rule_id"].as_u64().unwrap_or(0);
    let test = r["test_id"].as_u64().unwrap_or(0);
    CRS_NOT_BENIGN
        .iter()
        .any(|(ru, t, _)| *ru == rule && *t == test)
}

#[test]
fn crs_regression_rates() {
    let Some(root) = corpora() else {
        return;
    };
    let rows = crs_rows(&root);
    let pick = |cat: &str, expect: &str, pl1: bool| -> Vec<(String, Vec<String>)> {
        rows.iter()
            .filter(|r| r["category"] == cat && r["expect"] == expect)
            .filter(|r| !pl1 || r["paranoia_level"].as_u64() == Some(1))
            .map(|r| (crs_id(r), crs_parts(r)))
            .collect()
    };
    let sqli = pick("sqli", "match", true);
    let xss = pick("xss", "match", true);
    let sqli_pl2 = rows
        .iter()
        .filter(|r| r["category"] == "sqli" && r["expect"] == "match")
        .filter(|r| r["paranoia_level"].as_u64().is_some_and(|p| p >= 2))
        .map(|r| (crs_id(r), crs_parts(r)))
        .collect::<Vec<_>>();
    let benign: Vec<(String, Vec<String>)> = rows
        .iter()
        .filter(|r| r["fp_regression_hint"] == true && !is_crs_not_benign(r))
        .map(|r| (crs_id(r), crs_parts(r)))
        .collect();
    assert!(
        sqli.len() >= 300 && xss.len() >= 180 && benign.len() >= 160,
        "unexpected CRS corpus size"
    );
    let c = "waf-crs-regression";
    let m = vec![
        measure(
            c,
            Kind::Attack,
            Detector::Sqli(Sensitivity::High),
            &sqli,
            Some(MIN_DETECTION),
        ),
        measure(
            c,
            Kind::Attack,
            Detector::Sqli(Sensitivity::Low),
            &sqli,
            None,
        ),
        measure(
            &format!("{c} PL2-4"),
            Kind::Attack,
            Detector::Sqli(Sensitivity::High),
            &sqli_pl2,
            None,
        ),
        measure(c, Kind::Attack, Detector::Xss, &xss, Some(MIN_DETECTION)),
        measure(
            c,
            Kind::Benign,
            Detector::Both(Sensitivity::Low),
            &benign,
            Some(MAX_FALSE_POSITIVE),
        ),
        measure(
            c,
            Kind::Benign,
            Detector::Both(Sensitivity::High),
            &benign,
            Some(MAX_FALSE_POSITIVE),
        ),
    ];
    assert_rows(&m);
}

// ----- PayloadsAllTheThings ----------------------------------------------------

/// Lists that are fuzzing probes or fragments rather than complete payloads
/// (see the corpus README).
const PATT_SKIP_FILES: &[&str] = &[
    "Generic_Fuzz.txt",
    "0xcela_event_handlers.txt",
    "port_swigger_xss_cheatsheet_event_handlers.txt",
    "jsonp_endpoint.txt",
    "xss_swf_fuzz.txt",
];

/// Keeps lines that are payloads: not blank, not `#` comments, not
/// documentation (tab-separated notes, `Heading:` lines, plain prose of three
/// or more words), and at least four characters long (shorter lines are
/// single-character probes such as `'` or `--`).
fn is_payload_line(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || t.starts_with('#') || line.contains('\t') {
        return false;
    }
    let prose = t.chars().all(|c| c.is_alphabetic() || c == ' ' || c == '-');
    if t.ends_with(':')
        && t.trim_end_matches(':')
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-')
    {
        return false;
    }
    if prose && t.split_whitespace().count() >= 3 {
        return false;
    }
    t.chars().filter(|c| !c.is_whitespace()).count() >= 4
}

/// XSS lists: a line must contain markup, a URL scheme, or a call; lines of
/// MarioXSSVectors that only close a previous multi-line vector (`</div>`,
/// `-->`) or hold its plain text are not payloads on their own.
fn is_xss_payload_line(line: &str) -> bool {
    if !is_payload_line(line) {
        return false;
    }
    let l = line.to_ascii_lowercase();
    l.contains('<')
        || l.contains(':')
        || l.contains('(')
        || l.contains('`')
        || l.contains('=')
        || l.contains('[')
}

/// MarioXSSVectors (html5sec.org) holds multi-line vectors: each starts
/// with `<div id="N">` and may span several lines. One vector is one case.
fn mario_vectors(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with("<div id=\"") || out.is_empty() {
            out.push((n + 1, line.to_owned()));
        } else if let Some((_, v)) = out.last_mut() {
            v.push('\n');
            v.push_str(line);
        }
    }
    out.retain(|(_, v)| !v.trim().is_empty());
    out
}

fn patt_cases(dir: &Path, xss: bool) -> Vec<(String, Vec<String>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        if PATT_SKIP_FILES.contains(&name.as_str()) {
            continue;
        }
        let text = read_lossy(&f);
        if name == "MarioXSSVectors.txt" {
            out.extend(
                mario_vectors(&text)
                    .into_iter()
                    .map(|(n, v)| (format!("{name}:{n}"), vec![v])),
            );
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            let keep = if xss {
                is_xss_payload_line(line)
            } else {
                is_payload_line(line)
            };
            if keep {
                out.push((format!("{name}:{}", n + 1), vec![line.to_owned()]));
            }
        }
    }
    out
}

#[test]
fn payloadsallthethings_rates() {
    let Some(root) = corpora() else {
        return;
    };
    let base = root.join("waf-payloadsallthethings");
    let sqli = patt_cases(&base.join("sqli-intruder"), false);
    let xss = patt_cases(&base.join("xss-intruders"), true);
    assert!(
        sqli.len() > 1000 && xss.len() > 1500,
        "unexpected PayloadsAllTheThings size"
    );
    let c = "waf-payloadsallthethings";
    let m = vec![
        measure(
            c,
            Kind::Attack,
            Detector::Sqli(Sensitivity::Low),
            &sqli,
            Some(MIN_DETECTION),
        ),
        measure(
            c,
            Kind::Attack,
            Detector::Sqli(Sensitivity::High),
            &sqli,
            Some(MIN_DETECTION),
        ),
        measure(c, Kind::Attack, Detector::Xss, &xss, Some(MIN_DETECTION)),
    ];
    assert_rows(&m);
}

// ----- libinjection ------------------------------------------------------------

fn line_cases(path: &Path) -> Vec<(String, Vec<String>)> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_owned();
    read_lossy(path)
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| (format!("{name}:{}", n + 1), vec![l.to_owned()]))
        .collect()
}

fn libinjection_files(dir: &Path, prefix: &str) -> Vec<(String, Vec<String>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".txt"))
        })
        .collect();
    files.sort();
    files.iter().flat_map(|f| line_cases(f)).collect()
}

#[test]
fn libinjection_rates() {
    let Some(root) = corpora() else {
        return;
    };
    let dir = root.join("waf-libinjection/data");
    let benign = line_cases(&dir.join("false_positives.txt"));
    let sqli = libinjection_files(&dir, "sqli-");
    let xss = libinjection_files(&dir, "xss-");
    assert!(
        benign.len() > 400 && sqli.len() > 4000 && xss.len() > 1500,
        "unexpected libinjection size"
    );
    let c = "waf-libinjection";
    let m = vec![
        measure(
            c,
            Kind::Benign,
            Detector::Both(Sensitivity::Low),
            &benign,
            Some(MAX_FALSE_POSITIVE),
        ),
        measure(
            c,
            Kind::Benign,
            Detector::Both(Sensitivity::High),
            &benign,
            Some(MAX_FALSE_POSITIVE),
        ),
        measure(
            c,
            Kind::Attack,
            Detector::Sqli(Sensitivity::Low),
            &sqli,
            None,
        ),
        measure(
            c,
            Kind::Attack,
            Detector::Sqli(Sensitivity::High),
            &sqli,
            None,
        ),
        measure(c, Kind::Attack, Detector::Xss, &xss, None),
    ];
    assert_rows(&m);
}

// ----- HttpParamsDataset -------------------------------------------------------

/// Parses the CSV (double-quoted fields, `""` escapes) into (payload, attack_type).
fn http_params(path: &Path) -> Vec<(String, String)> {
    let text = read_lossy(path);
    let mut rows = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, in_quotes) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => in_quotes = !in_quotes,
            (',', false) => fields.push(std::mem::take(&mut field)),
            ('\n', false) => {
                fields.push(std::mem::take(&mut field));
                if fields.len() == 4 {
                    rows.push((fields[0].clone(), fields[2].clone()));
                }
                fields.clear();
            }
            ('\r', false) => {}
            _ => field.push(c),
        }
    }
    rows.into_iter().skip(1).collect()
}

#[test]
fn httpparams_rates() {
    let Some(root) = corpora() else {
        return;
    };
    let rows = http_params(&root.join("waf-httpparamsdataset/payload_test.csv"));
    let of = |kind: &str| -> Vec<(String, Vec<String>)> {
        rows.iter()
            .enumerate()
            .filter(|(_, (_, k))| k == kind)
            .map(|(n, (p, _))| (format!("row {}", n + 2), vec![p.clone()]))
            .collect()
    };
    let benign = of("norm");
    let sqli = of("sqli");
    let xss = of("xss");
    assert!(
        benign.len() > 6000 && sqli.len() > 3000,
        "unexpected HttpParamsDataset size"
    );
    let c = "waf-httpparamsdataset";
    let m = vec![
        measure(
            c,
            Kind::Benign,
            Detector::Both(Sensitivity::Low),
            &benign,
            Some(MAX_FALSE_POSITIVE),
        ),
        measure(
            c,
            Kind::Benign,
            Detector::Both(Sensitivity::High),
            &benign,
            Some(MAX_FALSE_POSITIVE),
        ),
        measure(
            c,
            Kind::Attack,
            Detector::Sqli(Sensitivity::Low),
            &sqli,
            None,
        ),
        measure(c, Kind::Attack, Detector::Xss, &xss, None),
    ];
    assert_rows(&m);
}
