//! Cross-site-scripting analysis of one (already decoded) text.
//!
//! Three scanners run in turn, each on its own view of the text:
//! 1. an HTML tag scanner that reads tags and attributes the way a browser's
//!    tokenizer does (`<svg/onload=...>`, unquoted values, `1='1'onx=1`) and
//!    flags script-capable tags, event handlers, `javascript:` URLs and CSS
//!    expressions;
//! 2. a scanner for fragments that break out of an attribute or a URL without
//!    any tag (`" onmouseover=alert(1) x="`, `javascript:alert(1)`);
//! 3. a JavaScript scanner for payloads injected into a script context
//!    (`';alert(1)//`, `document.cookie`, JSFuck, template-literal calls).

use super::decode;

/// A cross-site-scripting finding with its evidence span.
pub(super) struct XFind {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) label: String,
}

/// JavaScript identifier bytes; non-ASCII letters count, so `оalert` (with
/// a Cyrillic `о`) is one identifier and not a call to `alert`.
fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

fn starts_ci(b: &[u8], at: usize, pat: &[u8]) -> bool {
    b.get(at..at + pat.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(pat))
}

/// Cheap pre-filter: could this value carry script? No allocation.
pub(super) fn candidate(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'<' | b'%' | b'\\' | b'`' => return true,
            b'&' if matches!(b.get(i + 1), Some(b'#'))
                || b.get(i + 1..).is_some_and(|r| {
                    let n = r.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
                    n >= 2
                        && (r.get(n) == Some(&b';')
                            || starts_ci(r, 0, b"lt")
                            || starts_ci(r, 0, b"gt")
                            || starts_ci(r, 0, b"quot"))
                }) =>
            {
                return true;
            }
            b'+' if b.get(i + 1) == Some(&b'A') => return true,
            b'[' if matches!(b.get(i + 1), Some(b']')) => return true,
            b'!' if starts_ci(b, i + 1, b"entity") => return true,
            _ if c >= 0x80 => return true,
            _ if c.is_ascii_alphanumeric() => {
                let start = i;
                while i < b.len() && is_ident(b[i]) {
                    i += 1;
                }
                let w = b.get(start..i).unwrap_or_default();
                let next = b[i..].iter().copied().find(|c| !c.is_ascii_whitespace());
                if interesting_word(w, next) {
                    return true;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

fn interesting_word(w: &[u8], next: Option<u8>) -> bool {
    // `onload=`, also glued to digits (`...51onabcd=`).
    if next == Some(b'=') && w.windows(2).any(|p| p.eq_ignore_ascii_case(b"on")) {
        return true;
    }
    let mut buf = [0u8; 48];
    if w.len() > buf.len() {
        return false;
    }
    let lw = &mut buf[..w.len()];
    lw.copy_from_slice(w);
    lw.make_ascii_lowercase();
    let lw = &*lw;
    match lw {
        b"javascript" | b"vbscript" | b"livescript" | b"mocha" | b"data" => next == Some(b':'),
        b"document" | b"window" | b"self" | b"top" | b"parent" | b"frames" | b"globalthis"
        | b"location" | b"reflect" => matches!(next, Some(b'.' | b'[' | b'/')),
        b"new" | b"expression" | b"binding" | b"behavior" | b"import" | b"url" | b"formaction"
        | b"attributename" | b"srcdoc" | b"innerhtml" | b"outerhtml" | b"call" => true,
        _ => sink_kind(lw).is_some() && matches!(next, Some(b'(' | b'/' | b')' | b',' | b';')),
    }
}

/// Runs the scanners; the first finding wins. The flag is true for the
/// weaker JavaScript-only findings (`alert(`, `document.cookie`), which a
/// later decoding stage may explain better (as a `<script>` tag, say).
pub(super) fn analyse(text: &str) -> Option<(XFind, bool)> {
    let b = text.as_bytes();
    if let Some(f) = scan_tags(b, 0)
        .or_else(|| breakout_handler(b))
        .or_else(|| scheme_anywhere(b))
        .or_else(|| css_tricks(b))
    {
        return Some((f, false));
    }
    js_patterns(b).or_else(|| xml_entity(b)).map(|f| (f, true))
}

// ----- HTML tags -------------------------------------------------------------

/// Tags that run or load active content by themselves.
fn dangerous_tag(name: &[u8]) -> Option<&'static str> {
    let mut buf = [0u8; 24];
    if name.len() > buf.len() {
        return None;
    }
    let l = &mut buf[..name.len()];
    l.copy_from_slice(name);
    l.make_ascii_lowercase();
    Some(match &*l {
        b"script" => "script",
        b"iframe" => "iframe",
        b"frame" => "frame",
        b"frameset" => "frameset",
        b"object" => "object",
        b"embed" => "embed",
        b"applet" => "applet",
        b"base" => "base",
        b"bgsound" => "bgsound",
        b"vmlframe" => "vmlframe",
        b"import" => "import",
        b"style" => "style",
        b"meta" => "meta",
        b"link" => "link",
        b"layer" => "layer",
        b"ilayer" => "ilayer",
        b"xml" => "xml",
        b"isindex" => "isindex",
        b"portal" => "portal",
        _ => return None,
    })
}

/// Element names recognised when spelled with spaces (`<f o r m`).
fn known_element(name: &[u8]) -> bool {
    dangerous_tag(name).is_some()
        || matches!(
            name,
            b"form"
                | b"dialog"
                | b"svg"
                | b"img"
                | b"body"
                | b"input"
                | b"video"
                | b"audio"
                | b"marquee"
                | b"details"
                | b"select"
                | b"button"
                | b"textarea"
                | b"keygen"
                | b"math"
                | b"image"
                | b"table"
                | b"html"
        )
}

/// Attributes whose value is fetched or navigated to as a URL.
fn url_attribute(name: &[u8]) -> bool {
    const URL_ATTRS: &[&[u8]] = &[
        b"href",
        b"src",
        b"action",
        b"formaction",
        b"data",
        b"background",
        b"dynsrc",
        b"lowsrc",
        b"poster",
        b"xlink:href",
        b"code",
        b"codebase",
        b"to",
        b"from",
        b"values",
        b"by",
        b"content",
        b"srcset",
        b"cite",
        b"longdesc",
        b"usemap",
        b"datasrc",
        b"icon",
        b"manifest",
        b"ping",
        b"folder",
    ];
    URL_ATTRS.iter().any(|a| name.eq_ignore_ascii_case(a))
}

struct Attr {
    name_start: usize,
    name_end: usize,
    value: Option<(usize, usize)>,
}

/// Scans every `<` of the text; `depth` limits recursion into `srcdoc`.
fn scan_tags(b: &[u8], depth: u8) -> Option<XFind> {
    let mut i = 0;
    while let Some(p) = b.get(i..).and_then(|r| r.iter().position(|&c| c == b'<')) {
        let lt = i + p;
        i = lt + 1;
        if let Some(f) = special_markup(b, lt) {
            return Some(f);
        }
        if let Some(f) = tag_at(b, lt, depth) {
            return Some(f);
        }
    }
    None
}

/// `<!--#exec`, `<!ENTITY`, `<?import`: markup that is not a plain tag.
fn special_markup(b: &[u8], lt: usize) -> Option<XFind> {
    if starts_ci(b, lt, b"<!--#") {
        for d in [
            &b"exec"[..],
            b"include",
            b"set",
            b"echo",
            b"config",
            b"printenv",
            b"fsize",
        ] {
            if starts_ci(b, lt + 5, d) {
                let end = line_bounded_end(b, lt, b"-->");
                return Some(XFind {
                    start: lt,
                    end,
                    label: format!(
                        "server-side include directive `<!--#{}` that the web server would execute",
                        String::from_utf8_lossy(d)
                    ),
                });
            }
        }
    }
    if starts_ci(b, lt, b"<!entity") {
        let end = line_bounded_end(b, lt, b">");
        return Some(XFind {
            start: lt,
            end,
            label: "XML entity declaration `<!ENTITY` (external entities fetch or leak data)"
                .to_owned(),
        });
    }
    if starts_ci(b, lt, b"<!doctype") {
        let close = b[lt..(lt + MAX_TAG).min(b.len())]
            .iter()
            .position(|&c| c == b'>')
            .map_or(b.len(), |p| lt + p);
        if b.get(lt..close).is_some_and(|s| s.contains(&b'[')) {
            return Some(XFind {
                start: lt,
                end: close.min(lt + 80),
                label: "XML DOCTYPE with an internal subset that declares entities".to_owned(),
            });
        }
    }
    let mut j = lt + 1;
    if b.get(j) == Some(&b'?') {
        j += 1;
        while b.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        if starts_ci(b, j, b"import")
            || starts_ci(b, j, b"xml-stylesheet")
            || starts_ci(b, j, b"xml:namespace")
        {
            let end = line_bounded_end(b, lt, b">");
            return Some(XFind {
                start: lt,
                end,
                label: "XML processing instruction that loads code into the page".to_owned(),
            });
        }
    }
    None
}

fn line_bounded_end(b: &[u8], from: usize, close: &[u8]) -> usize {
    let limit = (from + 120).min(b.len());
    let hay = b.get(from..limit).unwrap_or_default();
    hay.windows(close.len().max(1))
        .position(|w| w.eq_ignore_ascii_case(close))
        .map_or(limit, |p| from + p + close.len())
}

/// Tags are read at most this far, which keeps the scan linear on hostile
/// input such as thousands of unclosed `<a `.
const MAX_TAG: usize = 2048;

/// Comments are skipped only when they close within this many bytes.
const MAX_COMMENT: usize = 256;

fn tag_at(full: &[u8], lt: usize, depth: u8) -> Option<XFind> {
    let b = full.get(..(lt + MAX_TAG).min(full.len()))?;
    let mut j = lt + 1;
    let closing = b.get(j) == Some(&b'/');
    if closing {
        j += 1;
    }
    // Tolerate spaces after `<` (`< x: script`); browsers do not, some filters do.
    let loose_start = j;
    while b.get(j).is_some_and(|&c| c == b' ') && j < loose_start + 3 {
        j += 1;
    }
    let loose = j > loose_start;
    let name_start = j;
    if !b
        .get(j)
        .is_some_and(|&c| c.is_ascii_alphabetic() || c == b':')
    {
        return None;
    }
    while b
        .get(j)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || matches!(c, b':' | b'-' | b'_'))
    {
        j += 1;
    }
    // `<x: script`: a namespace prefix followed by spaces.
    if b.get(j - 1) == Some(&b':') {
        let mut k = j;
        while b.get(k) == Some(&b' ') {
            k += 1;
        }
        if b.get(k).is_some_and(u8::is_ascii_alphabetic) {
            j = k;
            while b
                .get(j)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'-')
            {
                j += 1;
            }
        }
    }
    let name = b.get(name_start..j)?;
    let local_start = name.iter().rposition(|&c| c == b':').map_or(0, |p| p + 1);
    let local = name
        .get(local_start..)
        .unwrap_or_default()
        .trim_ascii_start();
    let prefix = name
        .get(..local_start.saturating_sub(1))
        .unwrap_or_default();
    let tag_label = String::from_utf8_lossy(name).to_ascii_lowercase();

    if local.len() == 1
        && b.get(j) == Some(&b' ')
        && let Some(f) = spaced_name(b, lt, name_start)
    {
        return Some(f);
    }
    if closing {
        if local.eq_ignore_ascii_case(b"script") {
            return Some(XFind {
                start: lt,
                end: (j + 1).min(b.len()),
                label: "closing `</script>` tag that ends a script block early".to_owned(),
            });
        }
        return None;
    }
    if loose && dangerous_tag(local) != Some("script") {
        return None;
    }
    let attrs = parse_attributes(b, j);
    let tag_end = attrs.1;
    let attrs = attrs.0;
    let ev_end = tag_end.min(lt + 120);

    if local.eq_ignore_ascii_case(b"script") {
        // Show some of the script body too: `<script>alert(1)</script>`.
        return Some(XFind {
            start: lt,
            end: (tag_end + 60).min(full.len()),
            label: format!("<{tag_label}> tag that runs script"),
        });
    }
    for a in &attrs {
        let an = b.get(a.name_start..a.name_end).unwrap_or_default();
        let value = a.value.and_then(|(s, e)| b.get(s..e));
        // Event handler attribute: on + event name, with a value.
        if an.len() >= 5
            && starts_ci(an, 0, b"on")
            && an[2..].iter().all(u8::is_ascii_alphabetic)
            && value.is_some()
        {
            return Some(XFind {
                start: lt,
                end: ev_end,
                label: format!(
                    "event handler attribute `{}=` in a <{}> tag",
                    String::from_utf8_lossy(an).to_ascii_lowercase(),
                    tag_label
                ),
            });
        }
        let Some(value) = value else {
            continue;
        };
        let decoded = decode::html_entity_decode(&String::from_utf8_lossy(value))
            .unwrap_or_else(|| String::from_utf8_lossy(value).into_owned());
        if url_attribute(an)
            && let Some(scheme) = dangerous_url(decoded.as_bytes())
        {
            return Some(XFind {
                start: lt,
                end: ev_end,
                label: format!(
                    "`{scheme}` URL in the {} attribute of a <{tag_label}> tag",
                    String::from_utf8_lossy(an).to_ascii_lowercase()
                ),
            });
        }
        if an.eq_ignore_ascii_case(b"style")
            && let Some(what) = css_danger(decoded.as_bytes())
        {
            return Some(XFind {
                start: lt,
                end: ev_end,
                label: format!("{what} in the style attribute of a <{tag_label}> tag"),
            });
        }
        if an.eq_ignore_ascii_case(b"attributename")
            && decoded.len() > 2
            && decoded.as_bytes()[..2].eq_ignore_ascii_case(b"on")
        {
            return Some(XFind {
                start: lt,
                end: ev_end,
                label: format!("SVG animation that sets the event handler `{decoded}`"),
            });
        }
        if an.eq_ignore_ascii_case(b"srcdoc") && depth < 2 {
            let inner = decoded.as_bytes();
            if scan_tags(inner, depth + 1).is_some() || js_patterns(inner).is_some() {
                return Some(XFind {
                    start: lt,
                    end: ev_end,
                    label: format!(
                        "srcdoc attribute of a <{tag_label}> tag holding a script document"
                    ),
                });
            }
        }
        if an.eq_ignore_ascii_case(b"xsi:schemalocation") || an.eq_ignore_ascii_case(b"xmlns:xi") {
            return Some(XFind {
                start: lt,
                end: ev_end,
                label: format!(
                    "XML `{}` attribute that makes the parser fetch another document",
                    String::from_utf8_lossy(an).to_ascii_lowercase()
                ),
            });
        }
    }
    // IE data binding: `datasrc` + `dataformatas=html` renders fetched markup.
    let attr_value = |n: &[u8]| {
        attrs.iter().find_map(|a| {
            b.get(a.name_start..a.name_end)
                .filter(|x| x.eq_ignore_ascii_case(n))
                .map(|_| a.value.and_then(|(s, e)| b.get(s..e)).unwrap_or_default())
        })
    };
    if attr_value(b"datasrc").is_some()
        && attr_value(b"dataformatas").is_some_and(|v| v.eq_ignore_ascii_case(b"html"))
    {
        return Some(XFind {
            start: lt,
            end: ev_end,
            label: format!(
                "data binding (`datasrc` with `dataformatas=html`) that renders fetched markup in a <{tag_label}> tag"
            ),
        });
    }
    if prefix.eq_ignore_ascii_case(b"xi") && local.eq_ignore_ascii_case(b"include") {
        return Some(XFind {
            start: lt,
            end: ev_end,
            label: "XInclude `<xi:include>` that pulls another document into the XML".to_owned(),
        });
    }
    let has = |n: &[u8]| {
        attrs.iter().any(|a| {
            b.get(a.name_start..a.name_end)
                .is_some_and(|x| x.eq_ignore_ascii_case(n))
        })
    };
    let why = match dangerous_tag(local)? {
        "iframe" | "frame" | "frameset" => "that embeds another page",
        "object" | "embed" | "applet" => "that loads active content (plugins, scripts)",
        "vmlframe" => "(VML) that loads another document",
        "bgsound" | "layer" | "ilayer" | "portal" => "that loads a remote resource",
        "import" => "that imports behaviour into the page",
        "style" => "that injects CSS (CSS can run script in old browsers and restyle the page)",
        "base" if has(b"href") => "that redirects every relative URL of the page",
        "meta" if has(b"http-equiv") || has(b"charset") || has(b"content") => {
            "that can redirect the page or change its character set"
        }
        "link" if has(b"href") || has(b"rel") => "that loads an external stylesheet or document",
        "xml" if !attrs.is_empty() => "(XML data island) that loads data into the page",
        "isindex" if !attrs.is_empty() => "with attributes that run script",
        _ => return None,
    };
    Some(XFind {
        start: lt,
        end: ev_end,
        label: format!("<{tag_label}> tag {why}"),
    })
}

/// `<f o r m`: single letters separated by single spaces spelling an element.
fn spaced_name(b: &[u8], lt: usize, start: usize) -> Option<XFind> {
    let mut word = Vec::new();
    let mut j = start;
    while let Some(&c) = b.get(j) {
        if !c.is_ascii_alphabetic() {
            break;
        }
        word.push(c.to_ascii_lowercase());
        match (b.get(j + 1), b.get(j + 2)) {
            (Some(b' '), Some(n))
                if n.is_ascii_alphabetic()
                    && !b.get(j + 3).is_some_and(u8::is_ascii_alphabetic) =>
            {
                j += 2;
            }
            _ => {
                j += 1;
                break;
            }
        }
    }
    if word.len() >= 3 && known_element(&word) {
        return Some(XFind {
            start: lt,
            end: j,
            label: format!(
                "tag name `<{}>` spelled with spaces between its letters to slip past filters",
                String::from_utf8_lossy(&word)
            ),
        });
    }
    None
}

/// Reads attributes from `from` up to `>` (or the end); returns them and the
/// offset after the tag.
fn parse_attributes(b: &[u8], from: usize) -> (Vec<Attr>, usize) {
    let mut attrs = Vec::new();
    let mut j = from;
    loop {
        while b
            .get(j)
            .is_some_and(|&c| c.is_ascii_whitespace() || c == b'/' || c < 0x20)
        {
            j += 1;
        }
        match b.get(j) {
            None => return (attrs, b.len()),
            Some(b'>') => return (attrs, j + 1),
            _ => {}
        }
        let name_start = j;
        j += 1;
        while b.get(j).is_some_and(|&c| {
            !(c.is_ascii_whitespace() || c == b'/' || c == b'>' || c == b'=' || c < 0x20)
        }) {
            j += 1;
        }
        let name_end = j;
        let mut k = j;
        while b.get(k).is_some_and(|c| c.is_ascii_whitespace()) {
            k += 1;
        }
        let mut value = None;
        if b.get(k) == Some(&b'=') {
            k += 1;
            while b.get(k).is_some_and(|c| c.is_ascii_whitespace()) {
                k += 1;
            }
            match b.get(k) {
                Some(&q) if q == b'"' || q == b'\'' || q == b'`' => {
                    let vs = k + 1;
                    let ve = b[vs..]
                        .iter()
                        .position(|&c| c == q)
                        .map_or(b.len(), |p| vs + p);
                    value = Some((vs, ve));
                    k = (ve + 1).min(b.len());
                }
                Some(_) => {
                    let vs = k;
                    while b
                        .get(k)
                        .is_some_and(|&c| !(c.is_ascii_whitespace() || c == b'>'))
                    {
                        k += 1;
                    }
                    value = Some((vs, k));
                }
                None => value = Some((k, k)),
            }
            j = k;
        }
        attrs.push(Attr {
            name_start,
            name_end,
            value,
        });
        if attrs.len() > 64 {
            return (attrs, j);
        }
    }
}

/// A URL value that runs script: `javascript:`, `vbscript:`, `data:text/html`.
fn dangerous_url(v: &[u8]) -> Option<&'static str> {
    // Browsers ignore leading spaces and control characters, and tabs or
    // newlines inside the scheme.
    let text = String::from_utf8_lossy(v);
    let cleaned: String = text
        .chars()
        .filter(|c| !(c.is_whitespace() || c.is_control()))
        .flat_map(char::to_lowercase)
        .collect();
    for scheme in [
        "javascript:",
        "vbscript:",
        "livescript:",
        "mocha:",
        "jscript:",
        "mhtml:",
    ] {
        if cleaned.starts_with(scheme) {
            return Some(scheme);
        }
    }
    // srcset / refresh content: `0;url=javascript:...`
    if let Some(p) = cleaned.find("url=") {
        let rest = &cleaned[p + 4..];
        for scheme in ["javascript:", "vbscript:", "data:text/html"] {
            if rest.starts_with(scheme) {
                return Some(scheme);
            }
        }
    }
    if cleaned.starts_with("data:") && data_url_is_active(cleaned.as_bytes()) {
        return Some("data:");
    }
    None
}

/// `data:` URL whose content type renders or runs script.
fn data_url_is_active(v: &[u8]) -> bool {
    let Some(rest) = v.get(5..) else {
        return false;
    };
    let comma = rest.iter().position(|&c| c == b',').unwrap_or(rest.len());
    let meta = rest.get(..comma).unwrap_or_default();
    let mime_end = meta.iter().position(|&c| c == b';').unwrap_or(meta.len());
    let mime = meta.get(..mime_end).unwrap_or_default();
    let body = rest.get(comma + 1..).unwrap_or_default();
    let active_mime = matches!(
        mime,
        b"text/html"
            | b"text/xml"
            | b"image/svg+xml"
            | b"application/xhtml+xml"
            | b"application/xml"
            | b"text/javascript"
            | b"application/javascript"
            | b"application/x-javascript"
            | b"application/ecmascript"
            | b"text/vbscript"
    );
    if active_mime {
        return true;
    }
    // Look inside: a base64 body that decodes to markup or script.
    let is_base64 = meta.windows(6).any(|w| w.eq_ignore_ascii_case(b"base64"));
    let decoded;
    let body = if is_base64 {
        match decode_base64(body) {
            Some(d) => {
                decoded = d;
                &decoded[..]
            }
            None => return false,
        }
    } else {
        body
    };
    // Without a type a browser sniffs the content: markup is enough.
    (mime.is_empty() && body.contains(&b'<'))
        || ((mime.is_empty() || is_base64)
            && (scan_tags(body, 2).is_some() || js_patterns(body).is_some()))
}

/// Standard base64 (padding optional, whitespace ignored).
fn decode_base64(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut bits: u32 = 0;
    let mut n = 0u32;
    for &c in s {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            c if c.is_ascii_whitespace() => continue,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// CSS that runs script or pulls in code.
fn css_danger(v: &[u8]) -> Option<&'static str> {
    let css = strip_block_comments(v);
    let css: Vec<u8> = css
        .iter()
        .filter(|c| !c.is_ascii_whitespace() && **c != b'\\')
        .map(u8::to_ascii_lowercase)
        .collect();
    if contains(&css, b"expression(") {
        return Some("CSS `expression()` (runs script in old Internet Explorer)");
    }
    if contains(&css, b"url(javascript")
        || contains(&css, b"url('javascript")
        || contains(&css, b"url(\"javascript")
    {
        return Some("CSS `url(javascript:...)`");
    }
    if contains(&css, b"url(vbscript") {
        return Some("CSS `url(vbscript:...)`");
    }
    if contains(&css, b"-moz-binding") || contains(&css, b"binding:url(") {
        return Some("CSS `-moz-binding` (loads an XBL script binding)");
    }
    if contains(&css, b"behavior:") || contains(&css, b"behaviour:") {
        return Some("CSS `behavior` (loads an HTC script component)");
    }
    if contains(&css, b"javascript:") {
        return Some("`javascript:` inside CSS");
    }
    None
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

fn strip_block_comments(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'/' && v.get(i + 1) == Some(&b'*') {
            let end = v[i + 2..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(v.len(), |p| i + 2 + p + 2);
            i = end;
            continue;
        }
        out.push(v[i]);
        i += 1;
    }
    out
}

// ----- fragments outside tags ------------------------------------------------

/// Well-known DOM event names (without the `on` prefix).
fn known_event(name: &[u8]) -> bool {
    const EVENTS: &[&[u8]] = &[
        b"abort",
        b"activate",
        b"afterprint",
        b"afterscriptexecute",
        b"afterupdate",
        b"animationcancel",
        b"animationend",
        b"animationiteration",
        b"animationstart",
        b"auxclick",
        b"beforeactivate",
        b"beforecopy",
        b"beforecut",
        b"beforedeactivate",
        b"beforeeditfocus",
        b"beforeinput",
        b"beforepaste",
        b"beforeprint",
        b"beforescriptexecute",
        b"beforetoggle",
        b"beforeunload",
        b"beforeupdate",
        b"begin",
        b"blur",
        b"bounce",
        b"canplay",
        b"canplaythrough",
        b"cellchange",
        b"change",
        b"click",
        b"close",
        b"contextmenu",
        b"controlselect",
        b"copy",
        b"cuechange",
        b"cut",
        b"dataavailable",
        b"datasetchanged",
        b"datasetcomplete",
        b"dblclick",
        b"deactivate",
        b"drag",
        b"dragdrop",
        b"dragend",
        b"dragenter",
        b"dragexit",
        b"dragleave",
        b"dragover",
        b"dragstart",
        b"drop",
        b"durationchange",
        b"emptied",
        b"end",
        b"ended",
        b"error",
        b"errorupdate",
        b"filterchange",
        b"finish",
        b"focus",
        b"focusin",
        b"focusout",
        b"formdata",
        b"fullscreenchange",
        b"hashchange",
        b"help",
        b"input",
        b"invalid",
        b"keydown",
        b"keypress",
        b"keyup",
        b"layoutcomplete",
        b"load",
        b"loadeddata",
        b"loadedmetadata",
        b"loadend",
        b"loadstart",
        b"losecapture",
        b"message",
        b"mediacomplete",
        b"mediaerror",
        b"mousedown",
        b"mouseenter",
        b"mouseleave",
        b"mousemove",
        b"mouseout",
        b"mouseover",
        b"mouseup",
        b"mousewheel",
        b"move",
        b"moveend",
        b"movestart",
        b"orientationchange",
        b"outofsync",
        b"pagehide",
        b"pageshow",
        b"paste",
        b"pause",
        b"play",
        b"playing",
        b"pointercancel",
        b"pointerdown",
        b"pointerenter",
        b"pointerleave",
        b"pointermove",
        b"pointerout",
        b"pointerover",
        b"pointerrawupdate",
        b"pointerup",
        b"popstate",
        b"progress",
        b"propertychange",
        b"ratechange",
        b"readystatechange",
        b"redo",
        b"repeat",
        b"reset",
        b"resize",
        b"resizeend",
        b"resizestart",
        b"resume",
        b"reverse",
        b"rowdelete",
        b"rowenter",
        b"rowexit",
        b"rowinserted",
        b"rowsdelete",
        b"rowsinserted",
        b"scroll",
        b"scrollend",
        b"search",
        b"seek",
        b"seeked",
        b"seeking",
        b"select",
        b"selectionchange",
        b"selectstart",
        b"show",
        b"stalled",
        b"start",
        b"stop",
        b"storage",
        b"submit",
        b"suspend",
        b"synchrestored",
        b"timeerror",
        b"timeupdate",
        b"toggle",
        b"touchcancel",
        b"touchend",
        b"touchmove",
        b"touchstart",
        b"trackchange",
        b"transitioncancel",
        b"transitionend",
        b"transitionrun",
        b"transitionstart",
        b"undo",
        b"unhandledrejection",
        b"unload",
        b"urlflip",
        b"volumechange",
        b"waiting",
        b"webkitanimationend",
        b"webkitanimationiteration",
        b"webkitanimationstart",
        b"webkitmouseforcechanged",
        b"webkitmouseforcedown",
        b"webkitmouseforceup",
        b"webkitmouseforcewillbegin",
        b"webkitplaybacktargetavailabilitychanged",
        b"webkittransitionend",
        b"webkitwillrevealbottom",
        b"wheel",
        b"zoom",
    ];
    EVENTS.iter().any(|e| name.eq_ignore_ascii_case(e))
}

/// `" onmouseover=...`: an event handler written after a quote or a space,
/// which breaks out of an attribute value into a new attribute.
fn breakout_handler(b: &[u8]) -> Option<XFind> {
    breakout_event(b).or_else(|| breakout_formaction(b))
}

/// `"formaction=`: the button attribute that replaces a form's target.
fn breakout_formaction(b: &[u8]) -> Option<XFind> {
    let p = b
        .windows(10)
        .position(|w| w.eq_ignore_ascii_case(b"formaction"))?;
    let prev_ok = p == 0 || matches!(b[p - 1], b' ' | b'\t' | b'\n' | b'"' | b'\'' | b'`' | b'/');
    let mut k = p + 10;
    while b.get(k).is_some_and(|c| c.is_ascii_whitespace()) {
        k += 1;
    }
    (prev_ok && b.get(k) == Some(&b'=')).then(|| XFind {
        start: p,
        end: (k + 40).min(b.len()),
        label: "`formaction=` attribute injected after a quote (sends a form to another URL)"
            .to_owned(),
    })
}

fn breakout_event(b: &[u8]) -> Option<XFind> {
    let mut i = 0;
    while i + 2 < b.len() {
        if !(b[i] == b'o' || b[i] == b'O') || !matches!(b[i + 1], b'n' | b'N') {
            i += 1;
            continue;
        }
        // A value may start with a known handler (`onclick=`); other `on...`
        // names need a quote, a space or a digit in front (`" onxyz=`).
        let prev = if i == 0 { None } else { Some(b[i - 1]) };
        let after_separator = prev.is_some_and(|c| {
            matches!(
                c,
                b' ' | b'\t'
                    | b'\n'
                    | b'\r'
                    | 0x0b
                    | 0x0c
                    | b'"'
                    | b'\''
                    | b'`'
                    | b';'
                    | b','
                    | b'('
            ) || c.is_ascii_digit()
        });
        let mut j = i + 2;
        while b.get(j).is_some_and(u8::is_ascii_alphabetic) {
            j += 1;
        }
        let event = b.get(i + 2..j).unwrap_or_default();
        let mut k = j;
        while b.get(k).is_some_and(|c| c.is_ascii_whitespace()) {
            k += 1;
        }
        let eq = b.get(k) == Some(&b'=') && b.get(k + 1) != Some(&b'=');
        let known = known_event(event);
        let prev_ok = after_separator || (prev.is_none() && known);
        if prev_ok && eq && (known || (3..=25).contains(&event.len())) {
            let end = (k + 1 + 40).min(b.len());
            let end = b[k + 1..end]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(end, |p| k + 1 + p);
            return Some(XFind {
                start: i,
                end,
                label: format!(
                    "event handler attribute `{}=` injected after a quote or space",
                    String::from_utf8_lossy(&b[i..j]).to_ascii_lowercase()
                ),
            });
        }
        i = j.max(i + 1);
    }
    None
}

/// `javascript:` (also `vbscript:`, `data:text/html,`) anywhere, even with
/// tabs or newlines inside the word, as browsers strip them from URLs.
fn scheme_anywhere(b: &[u8]) -> Option<XFind> {
    const SCHEMES: &[&[u8]] = &[
        b"javascript",
        b"vbscript",
        b"livescript",
        b"mocha",
        b"mhtml",
        b"data",
    ];
    let mut i = 0;
    while i < b.len() {
        let c = b[i].to_ascii_lowercase();
        if !matches!(c, b'j' | b'v' | b'l' | b'm' | b'd')
            || (i > 0 && b[i - 1].is_ascii_alphanumeric())
        {
            i += 1;
            continue;
        }
        for scheme in SCHEMES {
            if let Some(end) = match_spread(b, i, scheme) {
                let mut k = end;
                while b
                    .get(k)
                    .is_some_and(|&c| c.is_ascii_whitespace() || c < 0x20)
                {
                    k += 1;
                }
                if b.get(k) != Some(&b':') {
                    continue;
                }
                if *scheme == b"data" {
                    let mut v: Vec<u8> = b"data:".to_vec();
                    v.extend(
                        b[k + 1..]
                            .iter()
                            .filter(|c| !c.is_ascii_whitespace())
                            .map(u8::to_ascii_lowercase),
                    );
                    if !data_url_is_active(&v) {
                        continue;
                    }
                }
                let ev_end = (k + 1 + 40).min(b.len());
                return Some(XFind {
                    start: i,
                    end: ev_end,
                    label: format!(
                        "`{}:` URL that runs script when followed",
                        String::from_utf8_lossy(scheme)
                    ),
                });
            }
        }
        i += 1;
    }
    None
}

/// Matches `word` at `at`, allowing whitespace and control characters between
/// its letters; returns the end offset.
fn match_spread(b: &[u8], at: usize, word: &[u8]) -> Option<usize> {
    let mut j = at;
    for (n, &w) in word.iter().enumerate() {
        if n > 0 {
            while b
                .get(j)
                .is_some_and(|&c| c == b'\t' || c == b'\n' || c == b'\r' || c == 0)
            {
                j += 1;
            }
        }
        if b.get(j).is_none_or(|&c| c.to_ascii_lowercase() != w) {
            return None;
        }
        j += 1;
    }
    Some(j)
}

/// CSS tricks outside a tag: `style=x:expression(...)`, `-moz-binding`,
/// `url(javascript`, `@import`.
fn css_tricks(b: &[u8]) -> Option<XFind> {
    let css = strip_block_comments(b);
    let lower: Vec<u8> = css.iter().map(u8::to_ascii_lowercase).collect();
    let squeezed: Vec<u8> = lower
        .iter()
        .copied()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let found = if contains(&squeezed, b":expression(") {
        Some((
            "CSS `expression()` (runs script in old Internet Explorer)",
            b"expression".as_slice(),
        ))
    } else if contains(&squeezed, b"-moz-binding:") {
        Some((
            "CSS `-moz-binding` (loads an XBL script binding)",
            b"-moz-binding".as_slice(),
        ))
    } else if contains(&squeezed, b"url(javascript")
        || contains(&squeezed, b"url('javascript")
        || contains(&squeezed, b"url(\"javascript")
    {
        Some(("CSS `url(javascript...)`", b"url".as_slice()))
    } else if contains(&squeezed, b"behavior:url(") {
        Some((
            "CSS `behavior` (loads an HTC script component)",
            b"behavior".as_slice(),
        ))
    } else if contains(&squeezed, b"@import'")
        || contains(&squeezed, b"@import\"")
        || contains(&squeezed, b"@importurl(")
    {
        Some((
            "CSS `@import` that pulls in a remote stylesheet",
            b"@import".as_slice(),
        ))
    } else {
        None
    };
    let (label, anchor) = found?;
    let start = b
        .windows(anchor.len())
        .position(|w| w.eq_ignore_ascii_case(anchor))
        .unwrap_or(0);
    Some(XFind {
        start,
        end: (start + 60).min(b.len()),
        label: label.to_owned(),
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sink {
    /// Distinctive names: whitespace before `(` is allowed.
    Strong,
    /// Everyday words: `(` must follow at once.
    Weak,
}

fn sink_kind(lw: &[u8]) -> Option<Sink> {
    match lw {
        b"alert"
        | b"eval"
        | b"settimeout"
        | b"setinterval"
        | b"execscript"
        | b"msgbox"
        | b"fromcharcode"
        | b"atob"
        | b"btoa"
        | b"showmodaldialog"
        | b"showmodelessdialog"
        | b"globaleval"
        | b"setimmediate" => Some(Sink::Strong),
        b"prompt" | b"confirm" | b"unescape" | b"getscript" => Some(Sink::Weak),
        _ => None,
    }
}

/// JavaScript injected into a script context.
fn js_patterns(b: &[u8]) -> Option<XFind> {
    if let Some(f) = jsfuck(b) {
        return Some(f);
    }
    let mut i = 0;
    while i < b.len() {
        if !(b[i].is_ascii_alphabetic() || b[i] == b'_' || b[i] == b'$')
            || (i > 0 && is_ident(b[i - 1]))
        {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_ident(b[i]) {
            i += 1;
        }
        let word = &b[start..i];
        let mut buf = [0u8; 48];
        if word.len() > buf.len() {
            continue;
        }
        let lw = &mut buf[..word.len()];
        lw.copy_from_slice(word);
        lw.make_ascii_lowercase();
        let lw = &*lw;
        let prev = prev_significant(b, start);
        // Calls: alert(1), alert`1`, String.fromCharCode(...)
        if let Some(kind) = sink_kind(lw) {
            let after = skip_js_space(b, i, kind == Sink::Strong);
            if matches!(b.get(after), Some(b'(' | b'`')) {
                return Some(XFind {
                    start,
                    end: call_end(b, after),
                    label: format!(
                        "JavaScript call `{}(` that runs attacker code",
                        String::from_utf8_lossy(word)
                    ),
                });
            }
            // A reference passed around: (alert)(1), a=alert,a(1), find(alert)
            let next = skip_js_space(b, i, true);
            if matches!(lw, b"alert" | b"prompt" | b"confirm" | b"eval")
                && matches!(prev, Some(b'(' | b',' | b'=' | b'[' | b'{'))
                && matches!(b.get(next), Some(b')' | b',' | b']' | b'}' | b';'))
            {
                return Some(XFind {
                    start: start.saturating_sub(1),
                    end: (next + 1).min(b.len()),
                    label: format!(
                        "reference to the JavaScript function `{}` passed around to call it",
                        String::from_utf8_lossy(word)
                    ),
                });
            }
        }
        if lw == b"new" {
            let after = skip_js_space(b, i, true);
            if starts_ci(b, after, b"function") {
                let p = skip_js_space(b, after + 8, true);
                if b.get(p) == Some(&b'(') {
                    return Some(XFind {
                        start,
                        end: call_end(b, p),
                        label: "`new Function(...)` that compiles a string into code".to_owned(),
                    });
                }
            }
        }
        // Property chains on browser globals: document.cookie, window.location ...
        let path_ok = !matches!(prev, Some(b'/' | b'-' | b'.' | b'\\'));
        if path_ok && let Some(f) = dom_access(b, start, i, lw) {
            return Some(f);
        }
        // x.call`...` / x`${...}`: a function called with a template literal.
        if b.get(i) == Some(&b'`') && (prev == Some(b'.') || template_has_expr(b, i)) {
            return Some(XFind {
                start: chain_start(b, start),
                end: call_end(b, i),
                label: "function called with a template literal (calls without parentheses)"
                    .to_owned(),
            });
        }
        if matches!(lw, b"innerhtml" | b"outerhtml") && prev == Some(b'.') {
            let p = skip_js_space(b, i, true);
            if b.get(p) == Some(&b'=') && b.get(p + 1) != Some(&b'=') {
                return Some(XFind {
                    start: chain_start(b, start),
                    end: (p + 30).min(b.len()),
                    label: format!(
                        "assignment to `{}`, which writes HTML into the page",
                        String::from_utf8_lossy(word)
                    ),
                });
            }
        }
    }
    None
}

/// The last non-space byte before `at` (skipping JavaScript comments).
fn prev_significant(b: &[u8], at: usize) -> Option<u8> {
    let mut j = at;
    while j > 0 {
        j -= 1;
        let c = b[j];
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'/' && j > 0 && b[j - 1] == b'*' {
            // Skip back over a /* comment */ (a short one).
            let floor = j.saturating_sub(MAX_COMMENT);
            let mut k = j.saturating_sub(1);
            while k > floor && !(b[k - 1] == b'/' && b[k] == b'*') {
                k -= 1;
            }
            if k <= floor {
                return Some(c);
            }
            j = k - 1;
            continue;
        }
        return Some(c);
    }
    None
}

/// Skips spaces (when allowed) and `/* comments */`.
fn skip_js_space(b: &[u8], mut j: usize, spaces: bool) -> usize {
    loop {
        if spaces && b.get(j).is_some_and(|c| c.is_ascii_whitespace()) {
            j += 1;
            continue;
        }
        if b.get(j) == Some(&b'/') && b.get(j + 1) == Some(&b'*') {
            let window = b
                .get(j + 2..(j + 2 + MAX_COMMENT).min(b.len()))
                .unwrap_or_default();
            match window.windows(2).position(|w| w == b"*/") {
                Some(p) => {
                    j = j + 2 + p + 2;
                    continue;
                }
                None => return j,
            }
        }
        return j;
    }
}

fn call_end(b: &[u8], open: usize) -> usize {
    let close = match b.get(open) {
        Some(b'(') => b')',
        Some(b'`') => b'`',
        _ => return (open + 1).min(b.len()),
    };
    b.get(open + 1..)
        .and_then(|r| r.iter().take(80).position(|&c| c == close))
        .map_or((open + 40).min(b.len()), |p| open + 1 + p + 1)
}

fn chain_start(b: &[u8], mut start: usize) -> usize {
    while start > 0 && (is_ident(b[start - 1]) || matches!(b[start - 1], b'.' | b'[' | b']')) {
        start -= 1;
    }
    start
}

fn template_has_expr(b: &[u8], tick: usize) -> bool {
    let rest = b.get(tick + 1..).unwrap_or_default();
    let end = rest.iter().position(|&c| c == b'`').unwrap_or(rest.len());
    contains(rest.get(..end).unwrap_or_default(), b"${")
}

/// `document.cookie`, `window.location`, `self["alert"]`, `(document)["cookie"]`.
fn dom_access(b: &[u8], start: usize, end: usize, lw: &[u8]) -> Option<XFind> {
    let global = matches!(
        lw,
        b"document"
            | b"window"
            | b"self"
            | b"top"
            | b"parent"
            | b"frames"
            | b"globalthis"
            | b"location"
            | b"opener"
            | b"content"
    );
    if !global {
        return None;
    }
    let mut j = skip_js_space(b, end, true);
    // `(document)[...]`
    if b.get(j) == Some(&b')') && start > 0 && prev_significant(b, start) == Some(b'(') {
        j = skip_js_space(b, j + 1, true);
    }
    match b.get(j) {
        Some(b'[') if lw != b"location" && lw != b"content" => {
            let k = skip_js_space(b, j + 1, true);
            if matches!(b.get(k), Some(b'"' | b'\'' | b'`' | b'/'))
                || b.get(k).is_some_and(|c| c.is_ascii_digit())
            {
                let close = b[k..]
                    .iter()
                    .position(|&c| c == b']')
                    .map_or((k + 30).min(b.len()), |p| k + p + 1);
                return Some(XFind {
                    start,
                    end: close,
                    label: format!(
                        "computed property access on `{}` (reaches functions such as alert without naming them)",
                        String::from_utf8_lossy(&b[start..end])
                    ),
                });
            }
            None
        }
        Some(b'.') => {
            let k = skip_js_space(b, j + 1, true);
            let pe = b[k..]
                .iter()
                .position(|&c| !is_ident(c))
                .map_or(b.len(), |p| k + p);
            let prop = b.get(k..pe)?.to_ascii_lowercase();
            let risky = match lw {
                b"document" => matches!(
                    prop.as_slice(),
                    b"cookie"
                        | b"domain"
                        | b"write"
                        | b"writeln"
                        | b"location"
                        | b"body"
                        | b"createelement"
                        | b"queryselector"
                        | b"queryselectorall"
                        | b"getelementbyid"
                        | b"getelementsbytagname"
                        | b"forms"
                        | b"head"
                        | b"documentelement"
                        | b"referrer"
                        | b"url"
                        | b"execcommand"
                        | b"scripts"
                        | b"images"
                        | b"links"
                        | b"defaultview"
                ),
                b"window" | b"self" | b"top" | b"parent" | b"frames" | b"globalthis"
                | b"opener" | b"content" => matches!(
                    prop.as_slice(),
                    b"location"
                        | b"name"
                        | b"open"
                        | b"eval"
                        | b"onerror"
                        | b"onload"
                        | b"execscript"
                        | b"document"
                        | b"alert"
                        | b"settimeout"
                        | b"opener"
                        | b"postmessage"
                        | b"localstorage"
                        | b"sessionstorage"
                ),
                b"location" => matches!(
                    prop.as_slice(),
                    b"href" | b"hash" | b"search" | b"assign" | b"replace" | b"protocol"
                ),
                _ => false,
            };
            if risky {
                return Some(XFind {
                    start,
                    end: pe,
                    label: format!(
                        "access to `{}.{}` from injected script",
                        String::from_utf8_lossy(lw),
                        String::from_utf8_lossy(&prop)
                    ),
                });
            }
            None
        }
        _ => None,
    }
}

/// JSFuck: JavaScript written with only `[]()!+`.
fn jsfuck(b: &[u8]) -> Option<XFind> {
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < b.len() {
        if !matches!(b[i], b'[' | b']' | b'(' | b')' | b'!' | b'+') {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && matches!(b[i], b'[' | b']' | b'(' | b')' | b'!' | b'+' | b' ') {
            i += 1;
        }
        let run = &b[start..i];
        let symbols = run.iter().filter(|&&c| c != b' ').count();
        if symbols >= 5
            && (contains(run, b"![]") || contains(run, b"+[]"))
            && best.is_none_or(|(s, e)| e - s < i - start)
        {
            best = Some((start, i));
        }
    }
    let (start, end) = best?;
    Some(XFind {
        start,
        end: end.min(start + 80),
        label: "JSFuck-encoded JavaScript (code written only with []()!+)".to_owned(),
    })
}

/// `!ENTITY % name SYSTEM` without the `<`: an XML entity declaration.
fn xml_entity(b: &[u8]) -> Option<XFind> {
    let p = b
        .windows(7)
        .position(|w| w.eq_ignore_ascii_case(b"!entity"))?;
    if !b.get(p + 7).is_some_and(u8::is_ascii_whitespace) {
        return None;
    }
    Some(XFind {
        start: p,
        end: (p + 40).min(b.len()),
        label: "XML entity declaration `!ENTITY` (external entities fetch or leak data)".to_owned(),
    })
}
