//! SQL-injection and cross-site-scripting detection for the simulated AWS WAF
//! (`SqliMatchStatement` and `XssMatchStatement`).
//!
//! Both detectors inspect one request component (a query argument, a header,
//! the body ...) and explain what they found. They decode the value step by
//! step, the way WAF text transformations do (URL decoding, HTML entity
//! decoding, JavaScript escapes ...), and look at every stage, so a payload
//! hidden behind encoding is still seen and the learner is told which
//! transformations revealed it.
//!
//! * SQL injection: a tokenizer reads the value as pasted as-is and as pasted
//!   inside `'...'`, `"..."` or `` `...` ``, and a small SQL state
//!   machine checks that the tokens form a plausible piece of a query while it
//!   records tautologies, `UNION SELECT`, stacked statements, comment
//!   truncation, delay functions and the like. Prose that happens to contain
//!   SQL words ("select a size", "1 or 2 items", "O'Reilly") does not parse
//!   as a query, so it does not match.
//! * Cross-site scripting: an HTML tag and attribute scanner (dangerous tags,
//!   event-handler attributes, `javascript:` URLs, CSS expressions, XML
//!   entities) plus a JavaScript scanner for the payloads that are injected
//!   into scripts rather than markup (`alert(1)`, `document.cookie`, JSFuck).
//!
//! See `docs/waf-detection.md` for the design, its limits and measured rates.

mod decode;
mod sql_lex;
mod sql_parse;
mod sql_words;
mod xss;

use serde::Serialize;
use sql_lex::{Tk, Token};
use sql_parse::{Ctx, Find, Finding};
use sql_words::{Kw, Word};

/// Which attack class a detector looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attack {
    /// SQL injection.
    Sqli,
    /// Cross-site scripting.
    Xss,
}

/// AWS WAF's SQLi sensitivity level: High catches more, with more false positives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sensitivity {
    /// Structural evidence only: the value must read as a piece of a query.
    #[default]
    Low,
    /// Also flags SQL function calls, database system object names and NoSQL
    /// operators standing on their own.
    High,
}

/// A detection, explained for a learner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Detection {
    /// Which detector matched.
    pub attack: Attack,
    /// The decoded fragment that matched (at most ~80 chars, on one line).
    pub evidence: String,
    /// One line saying why, e.g. "tautology `' OR '1'='1` after URL-decoding" or
    /// "event handler attribute `onerror=` in an <img> tag".
    pub explanation: String,
    /// Transformations that were applied before the match, in order (e.g. ["url-decode", "lowercase"]).
    pub transforms: Vec<&'static str>,
}

/// The longest evidence string, in characters.
const MAX_EVIDENCE: usize = 80;

/// URI path segments inspected on their own.
const MAX_SEGMENTS: usize = 32;

/// Values longer than this are inspected on their first bytes only, like the
/// body inspection limit of AWS WAF.
const MAX_INSPECT: usize = 64 * 1024;

/// Decoding passes tried, in order. URL decoding is repeated to undo double
/// encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Transform {
    UrlDecode,
    HtmlEntityDecode,
    JsDecode,
    Utf7Decode,
    FoldWidth,
    StripHighBit,
    RemoveNulls,
}

impl Transform {
    fn name(self) -> &'static str {
        match self {
            Transform::UrlDecode => "url-decode",
            Transform::HtmlEntityDecode => "html-entity-decode",
            Transform::JsDecode => "js-decode",
            Transform::Utf7Decode => "utf7-decode",
            Transform::FoldWidth => "fold-full-width",
            Transform::StripHighBit => "strip-high-bit",
            Transform::RemoveNulls => "remove-nulls",
        }
    }

    fn phrase(name: &str) -> &'static str {
        match name {
            "url-decode" => "URL-decoding",
            "html-entity-decode" => "HTML-entity decoding",
            "js-decode" => "JavaScript-escape decoding",
            "utf7-decode" => "UTF-7 decoding",
            "fold-full-width" => "folding full-width characters",
            "strip-high-bit" => "stripping the high bit",
            "remove-nulls" => "removing NUL bytes",
            _ => "lowercasing",
        }
    }

    fn apply(self, s: &str) -> Option<String> {
        match self {
            Transform::UrlDecode => decode::url_decode(s),
            Transform::HtmlEntityDecode => decode::html_entity_decode(s),
            Transform::JsDecode => decode::escape_decode(s),
            Transform::Utf7Decode => decode::utf7_decode(s),
            Transform::FoldWidth => decode::fold_width(s),
            Transform::StripHighBit => decode::strip_high_bit(s),
            Transform::RemoveNulls => s.contains('\0').then(|| s.replace('\0', "")),
        }
    }
}

const SQLI_PIPELINE: &[Transform] = &[
    Transform::UrlDecode,
    Transform::UrlDecode,
    Transform::UrlDecode,
    Transform::HtmlEntityDecode,
    Transform::UrlDecode,
];

const XSS_PIPELINE: &[Transform] = &[
    Transform::RemoveNulls,
    Transform::Utf7Decode,
    Transform::UrlDecode,
    Transform::Utf7Decode,
    Transform::UrlDecode,
    Transform::Utf7Decode,
    Transform::UrlDecode,
    Transform::HtmlEntityDecode,
    Transform::HtmlEntityDecode,
    Transform::RemoveNulls,
    Transform::JsDecode,
    Transform::Utf7Decode,
    Transform::FoldWidth,
    Transform::StripHighBit,
];

/// A match found on one stage of the pipeline, before it is explained.
struct Hit {
    start: usize,
    end: usize,
    label: String,
    /// A later decoding stage may find a more telling match.
    weak: bool,
}

/// Runs `check` on the raw value and on each decoding stage that changes it.
fn run_pipeline(
    input: &str,
    attack: Attack,
    pipeline: &[Transform],
    mut check: impl FnMut(&str) -> Option<Hit>,
) -> Option<Detection> {
    let input = clip(input, MAX_INSPECT);
    let mut applied: Vec<&'static str> = Vec::new();
    // The first weak match, kept in case no stage finds a stronger one.
    let mut weak: Option<Detection> = None;
    if let Some(hit) = check(input) {
        if !hit.weak {
            return Some(explain(attack, input, hit, applied));
        }
        weak = Some(explain(attack, input, hit, applied.clone()));
    }
    let mut current: Option<String> = None;
    for &t in pipeline {
        let text = current.as_deref().unwrap_or(input);
        let Some(next) = t.apply(text) else {
            continue;
        };
        if next == text {
            continue;
        }
        applied.push(t.name());
        if let Some(hit) = check(&next) {
            if !hit.weak {
                return Some(explain(attack, &next, hit, applied));
            }
            if weak.is_none() {
                weak = Some(explain(attack, &next, hit, applied.clone()));
            }
        }
        current = Some(next);
    }
    weak
}

fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

fn explain(attack: Attack, text: &str, hit: Hit, mut transforms: Vec<&'static str>) -> Detection {
    let evidence = evidence(text, hit.start, hit.end);
    if evidence.bytes().any(|c| c.is_ascii_uppercase()) {
        // Matching ignores case: say so when it mattered.
        transforms.push("lowercase");
    }
    let decoded: Vec<&str> = transforms
        .iter()
        .copied()
        .filter(|t| *t != "lowercase")
        .collect();
    let mut explanation = hit.label;
    if !decoded.is_empty() {
        let mut phrases: Vec<&str> = Vec::new();
        for t in decoded {
            let p = Transform::phrase(t);
            if !phrases.contains(&p) {
                phrases.push(p);
            }
        }
        explanation.push_str(" (seen after ");
        explanation.push_str(&phrases.join(" and "));
        explanation.push(')');
    }
    Detection {
        attack,
        evidence,
        explanation,
        transforms,
    }
}

/// The matched fragment on one line, at most `MAX_EVIDENCE` characters.
fn evidence(text: &str, start: usize, end: usize) -> String {
    let mut s = start.min(text.len());
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = end.clamp(s, text.len());
    while e < text.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    let frag = text.get(s..e).unwrap_or("");
    let mut out = String::with_capacity(frag.len().min(4 * MAX_EVIDENCE));
    let mut last_space = false;
    let mut count = 0usize;
    for c in frag.chars() {
        let c = if c.is_whitespace() || c.is_control() {
            ' '
        } else {
            c
        };
        if c == ' ' && (last_space || count == 0) {
            continue;
        }
        last_space = c == ' ';
        if count + 1 >= MAX_EVIDENCE {
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    out.trim_end().to_owned()
}

/// A short quote of the evidence for the explanation line.
fn quote(text: &str, start: usize, end: usize) -> String {
    let ev = evidence(text, start, end);
    if ev.chars().count() <= 40 {
        return ev;
    }
    let mut q: String = ev.chars().take(39).collect();
    q.push('…');
    q
}

// ----- SQL injection ---------------------------------------------------------

/// Detects SQL injection in one request component.
///
/// The value is inspected raw and after each decoding step; the first stage
/// that reveals an injection is reported. `Sensitivity::High` additionally
/// flags SQL function calls, database system object names and NoSQL operators
/// that appear on their own.
pub fn detect_sqli(input: &str, sensitivity: Sensitivity) -> Option<Detection> {
    let high = sensitivity == Sensitivity::High;
    if !sqli_candidate(input.as_bytes(), high) {
        return None;
    }
    let mut toks = Vec::with_capacity(32);
    let mut findings = Vec::with_capacity(4);
    run_pipeline(input, Attack::Sqli, SQLI_PIPELINE, |text| {
        sqli_check(text, high, &mut toks, &mut findings)
    })
}

/// Cheap pre-filter: could this value hold SQL at all? It looks for quote
/// characters, comment starts, parentheses, encodings and SQL keywords,
/// without allocating.
fn sqli_candidate(b: &[u8], high: bool) -> bool {
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\'' | b'"' | b'`' | b';' | b'(' | b'#' | b'\\' | b'{' => return true,
            // `@x`, `@@version`; not the `@` inside an e-mail address.
            b'@' if i == 0 || !b[i - 1].is_ascii_alphanumeric() => return true,
            b'%' if b
                .get(i + 1)
                .is_some_and(|&n| n.is_ascii_hexdigit() || n == b'u' || n == b'U') =>
            {
                return true;
            }
            b'&' if is_entity_start(b, i) || b.get(i + 1) == Some(&b'&') => return true,
            b'-' if b.get(i + 1) == Some(&b'-') => return true,
            b'/' if b.get(i + 1) == Some(&b'*') => return true,
            b'|' if b.get(i + 1) == Some(&b'|') => return true,
            b':' if b.get(i + 1) == Some(&b':') => return true,
            b'.' if matches!(b.get(i + 1), Some(b'e' | b'E'))
                && matches!(b.get(i + 2), Some(b'(' | b'.')) =>
            {
                return true;
            }
            b'$' if high => return true,
            _ if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
                let word = b.get(start..i).unwrap_or_default();
                if !matches!(sql_words::classify(word), Word::Ident)
                    || (high && sql_words::system_object(word))
                {
                    return true;
                }
                continue;
            }
            _ if c >= 0x80 => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// `&#`, `&lt`, `&quot`, or `&name;`: something the entity decoder would change.
fn is_entity_start(b: &[u8], i: usize) -> bool {
    match b.get(i + 1) {
        Some(b'#') => true,
        Some(c) if c.is_ascii_alphabetic() => {
            let mut j = i + 1;
            while j < b.len() && j - i <= 12 && b[j].is_ascii_alphanumeric() {
                j += 1;
            }
            b.get(j) == Some(&b';')
                || b.get(i + 1..j).is_some_and(|n| {
                    n.eq_ignore_ascii_case(b"lt")
                        || n.eq_ignore_ascii_case(b"gt")
                        || n.eq_ignore_ascii_case(b"quot")
                        || n.eq_ignore_ascii_case(b"amp")
                })
        }
        _ => false,
    }
}

fn sqli_check(
    text: &str,
    high: bool,
    toks: &mut Vec<Token>,
    findings: &mut Vec<Finding>,
) -> Option<Hit> {
    let b = text.as_bytes();
    let mut best: Option<(usize, Finding, Ctx)> = None;
    let contexts: [(Option<u8>, Ctx); 4] = [
        (Some(b'\''), Ctx::Quoted),
        (Some(b'"'), Ctx::Quoted),
        (Some(b'`'), Ctx::Quoted),
        (None, Ctx::Bare),
    ];
    for (quote, ctx) in contexts {
        if let Some(q) = quote
            && !b.contains(&q)
        {
            continue;
        }
        check_context(text, 0, quote, ctx, high, toks, findings, &mut best);
    }
    // A URI path: each segment is also read as a value of its own.
    if b.first() == Some(&b'/') {
        // Split at `/` but not inside `/* comments */`; the first segments
        // are enough (paths are short, hostile input is not).
        let mut start = 1;
        let mut segments = 0;
        for i in 1..=b.len() {
            if segments >= MAX_SEGMENTS {
                break;
            }
            let split =
                i == b.len() || (b[i] == b'/' && b.get(i + 1) != Some(&b'*') && b[i - 1] != b'*');
            if !split {
                continue;
            }
            if let Some(seg) = text.get(start..i)
                && !seg.is_empty()
            {
                segments += 1;
                check_context(seg, start, None, Ctx::Bare, high, toks, findings, &mut best);
            }
            start = i + 1;
        }
    }
    if high
        && best.is_none()
        && let Some(h) = nosql_operator(b)
    {
        return Some(h);
    }
    let (_, f, ctx) = best?;
    Some(Hit {
        start: f.start,
        end: f.end,
        label: sqli_label(f.find, ctx, &quote(text, f.start, f.end)),
        weak: false,
    })
}

/// Reads `text` (found at `offset` in the inspected value) in one context
/// and keeps the most convincing finding in `best`.
#[allow(clippy::too_many_arguments)]
fn check_context(
    text: &str,
    offset: usize,
    quote: Option<u8>,
    ctx: Ctx,
    high: bool,
    toks: &mut Vec<Token>,
    findings: &mut Vec<Finding>,
    best: &mut Option<(usize, Finding, Ctx)>,
) {
    let mut consider = |f: &Finding| {
        let rank = rank(f.find);
        if best.as_ref().is_none_or(|(r, _, _)| rank < *r) {
            let shifted = Finding {
                find: f.find,
                start: f.start + offset,
                end: f.end + offset,
            };
            *best = Some((rank, shifted, ctx));
        }
    };
    sql_lex::tokenize(text, quote, toks);
    let summary = sql_parse::analyse(text, toks, ctx, findings);
    for f in findings.iter() {
        if accepted(f.find, ctx, high) {
            consider(f);
        }
    }
    if let Some(f) = signatures(text, toks) {
        consider(&f);
    }
    match ctx {
        Ctx::Bare if summary.complete => {
            if let Some(f) = value_comment(text, toks) {
                consider(&f);
            }
        }
        Ctx::Quoted => {
            if let Some(f) = quote_operator(text, toks) {
                consider(&f);
            }
        }
        Ctx::Bare => {}
    }
    if high {
        if let Some(f) = high_signals(text, toks, ctx) {
            consider(&f);
        }
        if ctx == Ctx::Quoted
            && let Some(f) = terminator(text, toks)
        {
            consider(&f);
        }
    }
}

/// The next token after `i` that is not a comment.
fn next_tok(toks: &[Token], i: usize) -> Option<(usize, Token)> {
    toks.iter()
        .enumerate()
        .skip(i + 1)
        .find(|(_, t)| !matches!(t.tk, Tk::Comment(_) | Tk::Filler))
        .map(|(n, t)| (n, *t))
}

fn word_is(text: &[u8], t: &Token, w: &[u8]) -> bool {
    text.get(t.start..t.end)
        .is_some_and(|x| x.eq_ignore_ascii_case(w))
}

/// Token sequences that never occur in prose, found anywhere in the value
/// even when the rest does not parse: `WAITFOR DELAY '0:0:5'`,
/// `UNION [ALL] SELECT`, `INTO OUTFILE '...'`.
fn signatures(text: &str, toks: &[Token]) -> Option<Finding> {
    let b = text.as_bytes();
    for (i, t) in toks.iter().enumerate() {
        match t.tk {
            Tk::Word(Word::Kw(Kw::Waitfor)) => {
                let (j, d) = next_tok(toks, i)?;
                if (d.tk == Tk::Word(Word::Kw(Kw::Delay)) || word_is(b, &d, b"time"))
                    && let Some((_, s)) = next_tok(toks, j)
                    && matches!(s.tk, Tk::Str { .. })
                {
                    return Some(Finding {
                        find: Find::Delay,
                        start: t.start,
                        end: s.end,
                    });
                }
            }
            Tk::Word(Word::Kw(Kw::Union)) => {
                let (mut j, mut n) = next_tok(toks, i)?;
                if matches!(n.tk, Tk::Word(Word::Kw(Kw::All | Kw::Distinct))) {
                    (j, n) = next_tok(toks, j)?;
                }
                if n.tk == Tk::LParen {
                    (_, n) = next_tok(toks, j)?;
                }
                if n.tk == Tk::Word(Word::Kw(Kw::Select)) {
                    return Some(Finding {
                        find: Find::UnionSelect,
                        start: t.start,
                        end: n.end,
                    });
                }
            }
            Tk::Word(Word::Kw(Kw::Into)) => {
                let (j, o) = next_tok(toks, i)?;
                if o.tk == Tk::Word(Word::Kw(Kw::Outfile))
                    && let Some((_, s)) = next_tok(toks, j)
                    && matches!(s.tk, Tk::Str { .. })
                {
                    return Some(Finding {
                        find: Find::IntoOutfile,
                        start: t.start,
                        end: s.end,
                    });
                }
            }
            _ => {}
        }
    }
    None
}

/// A bare value made of constants, variables and calls, then a comment:
/// `1--`, `( 'a' OR 1 ) --`, `@@version--`. No plain words (prose ending in
/// `--` is not matched) and no top-level comma (`1,1--` is a list).
fn value_comment(text: &str, toks: &[Token]) -> Option<Finding> {
    let last = toks.last()?;
    let Tk::Comment(c) = last.tk else {
        return None;
    };
    let body = text
        .as_bytes()
        .get(last.start..last.end)
        .unwrap_or_default();
    let ok_comment = match c {
        sql_lex::Cmt::DashDash => !body.get(2).is_some_and(u8::is_ascii_alphanumeric),
        sql_lex::Cmt::Hash => !body.iter().skip(1).any(u8::is_ascii_alphanumeric),
        sql_lex::Cmt::Block { .. } => true,
    };
    if !ok_comment {
        return None;
    }
    let mut depth = 0usize;
    let mut operands = 0usize;
    for (i, t) in toks.iter().enumerate() {
        match t.tk {
            Tk::Str { closed: false } => return None,
            Tk::Num | Tk::Str { .. } => operands += 1,
            // A named variable (`@@version`), not a lone `@`.
            Tk::Var if t.end - t.start > 1 => operands += 1,
            Tk::Word(Word::Ident) => {
                // Only function names: followed by `(`.
                if next_tok(toks, i).is_none_or(|(_, n)| n.tk != Tk::LParen) {
                    return None;
                }
                operands += 1;
            }
            Tk::Word(Word::Literal(_)) => operands += 1,
            Tk::LParen => depth += 1,
            Tk::RParen => depth = depth.saturating_sub(1),
            Tk::Comma if depth == 0 => return None,
            _ => {}
        }
    }
    (operands > 0).then_some(Finding {
        find: Find::ValueComment,
        start: toks.first().map_or(0, |t| t.start),
        end: last.end,
    })
}

/// Quoted context, the whole value is `x' OP 'y`: the quote is closed, an
/// operator follows, and a new string is opened that the application's own
/// closing quote will end (`A' > 'B`, `' OR '`, `'&&'`).
fn quote_operator(text: &str, toks: &[Token]) -> Option<Finding> {
    let sig: Vec<&Token> = toks
        .iter()
        .filter(|t| !matches!(t.tk, Tk::Comment(_)))
        .collect();
    // Both strings must be single words: `A' > 'B`, not `"LIKE" STAMP`.
    let one_word = |from: usize, to: usize| {
        to > from
            && text
                .as_bytes()
                .get(from..to)
                .is_some_and(|w| !w.iter().any(u8::is_ascii_whitespace))
    };
    match sig.as_slice() {
        [s0, op, s1]
            if matches!(s0.tk, Tk::Str { closed: true })
                && matches!(s1.tk, Tk::Str { closed: false })
                && s1.end - s1.start <= 24
                && one_word(s0.start, s0.end.saturating_sub(1))
                && one_word(s1.start + 1, s1.end)
                && matches!(
                    op.tk,
                    Tk::Op(
                        sql_lex::Op::Cmp
                            | sql_lex::Op::Arith
                            | sql_lex::Op::Pipes
                            | sql_lex::Op::AndAnd
                    ) | Tk::Word(Word::Kw(Kw::Like | Kw::Or | Kw::And | Kw::DivMod))
                ) =>
        {
            Some(Finding {
                find: Find::QuoteOperator,
                start: s0.end.saturating_sub(1),
                end: s1.end,
            })
        }
        _ => None,
    }
}

/// SQL type names accepted after a PostgreSQL `::` cast.
fn is_sql_type(w: &[u8]) -> bool {
    const TYPES: &[&[u8]] = &[
        b"int",
        b"int2",
        b"int4",
        b"int8",
        b"integer",
        b"bigint",
        b"smallint",
        b"text",
        b"varchar",
        b"char",
        b"bool",
        b"boolean",
        b"json",
        b"jsonb",
        b"numeric",
        b"decimal",
        b"double",
        b"float",
        b"float4",
        b"float8",
        b"real",
        b"date",
        b"timestamp",
        b"bytea",
        b"regclass",
        b"oid",
        b"uuid",
        b"xml",
        b"inet",
        b"money",
    ];
    TYPES.iter().any(|t| w.eq_ignore_ascii_case(t))
}

/// High sensitivity: SQL syntax that is rare in prose but not an attack by
/// itself (`password::int`, `CASE WHEN`, `IF(1=1`, `x AS y FROM`, `1.e(`),
/// plus function calls and system object names on their own.
fn high_signals(text: &str, toks: &[Token], ctx: Ctx) -> Option<Finding> {
    let b = text.as_bytes();
    let found = |find, start, end| Some(Finding { find, start, end });
    // MySQL executable comments and optimizer hints: `/*!50000select*/`, `/*+ hint */`.
    if let Some(p) = b
        .windows(3)
        .position(|w| w.starts_with(b"/*") && (w[2] == b'+' || (w[2] == b'!')))
    {
        return found(Find::SqlSyntax, p, (p + 12).min(b.len()));
    }
    let significant: Vec<(usize, &Token)> = toks
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.tk, Tk::Comment(_)))
        .collect();
    if ctx == Ctx::Bare {
        match significant.as_slice() {
            // `) LIKE (`: closing the application's parenthesis, then a comparison.
            [(_, a), (_, c), ..]
                if a.tk == Tk::RParen
                    && matches!(
                        c.tk,
                        Tk::Op(sql_lex::Op::Cmp) | Tk::Word(Word::Kw(Kw::Like))
                    ) =>
            {
                return found(Find::SqlSyntax, a.start, c.end);
            }
            // `'x'!='y`, `'{"a":1}' < '$.a' = 7`: quoted strings compared
            // with each other, the way injected JSON-path probes look.
            [(_, a), (_, c), (_, d), ..]
                if matches!(a.tk, Tk::Str { closed: true })
                    && matches!(c.tk, Tk::Op(sql_lex::Op::Cmp | sql_lex::Op::Json))
                    && matches!(d.tk, Tk::Str { .. })
                    && (matches!(d.tk, Tk::Str { closed: false }) || significant.len() > 3) =>
            {
                return found(Find::SqlSyntax, a.start, d.end);
            }
            _ => {}
        }
    }
    for (i, t) in toks.iter().enumerate() {
        let next = next_tok(toks, i);
        match t.tk {
            Tk::Op(sql_lex::Op::Cast) => {
                if let Some((_, n)) = next
                    && b.get(n.start..n.end).is_some_and(is_sql_type)
                {
                    let start = toks[..i].last().map_or(t.start, |p| p.start);
                    return found(Find::SqlSyntax, start, n.end);
                }
            }
            Tk::Word(Word::Kw(Kw::Case)) => {
                if let Some((_, n)) = next
                    && n.tk == Tk::Word(Word::Kw(Kw::When))
                {
                    return found(Find::SqlSyntax, t.start, n.end);
                }
            }
            Tk::Word(Word::Kw(Kw::If)) => {
                // IF( with a comparison inside: a conditional used for blind injection.
                if let Some((j, n)) = next
                    && n.tk == Tk::LParen
                {
                    let inner = toks[j + 1..]
                        .iter()
                        .take_while(|x| x.tk != Tk::RParen)
                        .take(8);
                    if let Some(c) = inner
                        .filter(|x| matches!(x.tk, Tk::Op(sql_lex::Op::Cmp)))
                        .last()
                    {
                        return found(Find::SqlSyntax, t.start, c.end);
                    }
                }
            }
            Tk::Word(Word::Kw(Kw::As)) => {
                // `x AS alias FROM`: the tail of a select list.
                if let Some((j, alias)) = next
                    && matches!(
                        alias.tk,
                        Tk::Str { .. } | Tk::QIdent | Tk::Word(Word::Ident)
                    )
                    && let Some((_, from)) = next_tok(toks, j)
                    && from.tk == Tk::Word(Word::Kw(Kw::From))
                {
                    let start = toks[..i].last().map_or(t.start, |p| p.start);
                    return found(Find::SqlSyntax, start, from.end);
                }
            }
            Tk::Semi => {
                // `;` then a statement keyword: `;truncate`, `;drop`.
                if let Some((_, n)) = next
                    && matches!(n.tk, Tk::Word(Word::Kw(Kw::Truncate | Kw::Shutdown)))
                {
                    return found(Find::SqlSyntax, t.start, n.end);
                }
            }
            Tk::Filler => {
                // MySQL ignores `1.e` glued to a name or parenthesis.
                if let Some((_, n)) = next
                    && n.start == t.end
                    && matches!(n.tk, Tk::LParen | Tk::Op(sql_lex::Op::Dot) | Tk::Word(_))
                {
                    return found(Find::SqlSyntax, t.start, n.end);
                }
            }
            Tk::Word(_) => {
                let w = b.get(t.start..t.end).unwrap_or_default();
                if let Some((j, lp)) = next
                    && lp.tk == Tk::LParen
                    && sql_words::standalone_function(w)
                    && call_looks_like_sql(b, toks, i, j)
                {
                    return found(Find::SqlFunction, t.start, lp.end);
                }
                if sql_words::system_object(w) {
                    return found(Find::SystemObject, t.start, t.end);
                }
                // `pg_sleep`, `dbms_pipe.receive_message` named without a call.
                if matches!(
                    sql_words::function_class(w),
                    Some(sql_words::FnClass::Delay | sql_words::FnClass::Danger)
                ) && w.iter().any(|&c| c == b'_' || c == b'.')
                {
                    return found(Find::SqlFunction, t.start, t.end);
                }
            }
            _ => {}
        }
    }
    None
}

/// `name(` at high sensitivity: the call must look like SQL. A niladic
/// function (`user()`, `version()`) takes no argument; with a space before
/// the parenthesis (`tan (water ...)`), the content must not read as words.
fn call_looks_like_sql(b: &[u8], toks: &[Token], name: usize, lp: usize) -> bool {
    let w = b.get(toks[name].start..toks[name].end).unwrap_or_default();
    let first_arg = next_tok(toks, lp).map(|(_, t)| t);
    if sql_words::function_class(w) == Some(sql_words::FnClass::Info) {
        return first_arg.is_none_or(|a| matches!(a.tk, Tk::RParen | Tk::Num));
    }
    if toks[lp].start == toks[name].end {
        return true;
    }
    // With a space: reject two words in a row inside the parentheses.
    let mut prev_word = false;
    for t in toks[lp + 1..].iter().take_while(|t| t.tk != Tk::RParen) {
        let is_word = matches!(t.tk, Tk::Word(Word::Ident));
        if is_word && prev_word {
            return false;
        }
        prev_word = is_word;
    }
    true
}

/// High sensitivity, quoted context: `x';` (the quote closed and the
/// statement terminated), a probe for stacked queries. The string must be a
/// single word (an e-mail, a name), not a phrase.
fn terminator(text: &str, toks: &[Token]) -> Option<Finding> {
    let first = toks.first()?;
    if !matches!(first.tk, Tk::Str { closed: true }) || first.end < 2 {
        return None;
    }
    let body = text.as_bytes().get(..first.end - 1)?;
    if body.iter().any(u8::is_ascii_whitespace) {
        return None;
    }
    let rest: Vec<&Token> = toks[1..]
        .iter()
        .filter(|t| !matches!(t.tk, Tk::Comment(_)))
        .collect();
    match rest.as_slice() {
        [t] if t.tk == Tk::Semi => Some(Finding {
            find: Find::Terminator,
            start: first.end - 1,
            end: t.end,
        }),
        _ => None,
    }
}

/// Lower is more convincing; used to pick the finding to report.
fn rank(f: Find) -> usize {
    match f {
        Find::UnionSelect => 0,
        Find::Stacked(_) => 1,
        Find::Tautology => 2,
        Find::Delay => 3,
        Find::Danger => 4,
        Find::IntoOutfile => 5,
        Find::ConstCompare => 6,
        Find::Condition => 7,
        Find::BoolLiteral => 8,
        Find::CondCall => 9,
        Find::Subquery => 10,
        Find::Splice => 11,
        Find::ShapeProbe => 12,
        Find::CommentTruncation => 13,
        Find::TruthyConst => 14,
        Find::SelectStatement => 15,
        Find::Info => 16,
        Find::Terminator => 17,
        Find::SqlFunction => 18,
        Find::SystemObject => 19,
        Find::SqlSyntax => 20,
        Find::CaseExpr => 15,
        Find::NestedInfo => 16,
        Find::ValueComment => 14,
        Find::QuoteOperator => 14,
    }
}

/// Which findings count in which context. Findings that only make sense
/// once a quote has been closed (a constant after OR, a comment right after
/// the quote) do not count for a bare value.
fn accepted(f: Find, ctx: Ctx, high: bool) -> bool {
    match ctx {
        Ctx::Quoted => !matches!(f, Find::Terminator | Find::SelectStatement) || high,
        Ctx::Bare => match f {
            Find::UnionSelect
            | Find::Stacked(_)
            | Find::Delay
            | Find::Danger
            | Find::Tautology
            | Find::ConstCompare
            | Find::Condition
            | Find::BoolLiteral
            | Find::CondCall
            | Find::IntoOutfile
            | Find::ShapeProbe
            | Find::SelectStatement => true,
            Find::Info | Find::Subquery => high,
            Find::SqlFunction | Find::SystemObject | Find::SqlSyntax => high,
            Find::CaseExpr | Find::NestedInfo | Find::ValueComment => true,
            Find::QuoteOperator => false,
            Find::TruthyConst | Find::CommentTruncation | Find::Splice | Find::Terminator => false,
        },
    }
}

fn sqli_label(f: Find, ctx: Ctx, q: &str) -> String {
    let core = match f {
        Find::UnionSelect => {
            format!("UNION SELECT `{q}`, which appends a query of the attacker's choosing")
        }
        Find::Stacked(k) => format!(
            "stacked query `{q}` that runs a second statement ({})",
            kw_name(k)
        ),
        Find::Tautology => format!("tautology `{q}` (always true)"),
        Find::Delay => format!("time-delay call `{q}` (time-based blind injection)"),
        Find::Danger => format!(
            "dangerous database call `{q}` (reads files, runs commands or leaks data in errors)"
        ),
        Find::IntoOutfile => format!("`{q}` writes query results to a file"),
        Find::ConstCompare => format!("boolean probe `{q}` (compares constants)"),
        Find::Condition => format!("injected condition `{q}`"),
        Find::BoolLiteral => format!("injected boolean `{q}`"),
        Find::CondCall => format!("injected call or subquery `{q}` in a condition"),
        Find::Subquery => format!("subquery `{q}`"),
        Find::Splice => format!("function call spliced into the string: `{q}`"),
        Find::ShapeProbe => format!("query-shape probe `{q}` (ORDER BY, GROUP BY, HAVING)"),
        Find::CommentTruncation => {
            format!("comment truncation `{q}` (the rest of the query is commented out)")
        }
        Find::TruthyConst => format!("OR/AND with a constant: `{q}`"),
        Find::SelectStatement => format!("complete SELECT statement `{q}`"),
        Find::Info => format!("fingerprinting call `{q}` (reveals the database or its user)"),
        Find::Terminator => format!("statement terminated right after the quote: `{q}`"),
        Find::SqlFunction => format!("SQL function `{q}`"),
        Find::SystemObject => format!("database system object `{q}`"),
        Find::SqlSyntax => format!("SQL-only syntax `{q}`"),
        Find::CaseExpr => format!("CASE expression `{q}` (conditional logic for blind injection)"),
        Find::NestedInfo => format!("fingerprinting call inside a SQL expression: `{q}`"),
        Find::ValueComment => {
            format!("value followed by a comment that cuts off the query: `{q}`")
        }
        Find::QuoteOperator => {
            format!("quote closed and joined to a new string: `{q}` (MySQL type juggling)")
        }
    };
    match ctx {
        Ctx::Quoted => format!("{core}, breaking out of a quoted string"),
        Ctx::Bare => core,
    }
}

fn kw_name(k: Kw) -> &'static str {
    match k {
        Kw::Select => "SELECT",
        Kw::Insert => "INSERT",
        Kw::Update => "UPDATE",
        Kw::Delete => "DELETE",
        Kw::Drop => "DROP",
        Kw::Create => "CREATE",
        Kw::Alter => "ALTER",
        Kw::Truncate => "TRUNCATE",
        Kw::Exec => "EXEC",
        Kw::Declare => "DECLARE",
        Kw::Set => "SET",
        Kw::Shutdown => "SHUTDOWN",
        Kw::Load => "LOAD DATA",
        Kw::Grant => "GRANT",
        Kw::Backup => "BACKUP",
        Kw::Copy => "COPY",
        _ => "statement",
    }
}

/// High sensitivity: a MongoDB operator such as `[$ne]` or `{"$where": ...}`.
fn nosql_operator(b: &[u8]) -> Option<Hit> {
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' && (i == 0 || matches!(b[i - 1], b'[' | b'{' | b'"' | b'\'' | b' ')) {
            let mut j = i + 1;
            while j < b.len() && b[j].is_ascii_alphabetic() {
                j += 1;
            }
            let word = b.get(i..j).unwrap_or_default();
            let next_ok = b
                .get(j)
                .is_none_or(|&c| !c.is_ascii_alphanumeric() && c != b'_');
            if next_ok && sql_words::nosql_operator(word) {
                return Some(Hit {
                    weak: false,
                    start: i.saturating_sub(2),
                    end: (j + 2).min(b.len()),
                    label: format!(
                        "NoSQL (MongoDB) query operator `{}` that changes the query's logic",
                        String::from_utf8_lossy(word)
                    ),
                });
            }
            i = j;
            continue;
        }
        i += 1;
    }
    None
}

// ----- cross-site scripting --------------------------------------------------

/// Detects cross-site scripting in one request component.
///
/// The value is inspected raw and after each decoding step (URL, HTML
/// entities, JavaScript escapes, UTF-7, full-width forms); the first stage that
/// reveals script injection is reported.
pub fn detect_xss(input: &str) -> Option<Detection> {
    if !xss::candidate(input.as_bytes()) {
        return None;
    }
    run_pipeline(input, Attack::Xss, XSS_PIPELINE, |text| {
        xss::analyse(text).map(|(f, weak)| Hit {
            start: f.start,
            end: f.end,
            label: f.label,
            weak,
        })
    })
}

#[cfg(test)]
mod tests;
