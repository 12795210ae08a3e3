//! Text transformations applied before inspection, in the spirit of AWS WAF's
//! text transformations (URL_DECODE, HTML_ENTITY_DECODE, JS_DECODE ...).
//!
//! Every function returns `None` when the input contains nothing to decode, so
//! the common case costs one scan and no allocation.

/// Turns decoded bytes into text. Valid UTF-8 sequences become their
/// characters; any other byte becomes the Latin-1 character of the same value
/// (so `%bc` stays visible as `¼` instead of vanishing into U+FFFD).
pub(super) fn bytes_to_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len());
            let mut rest = bytes;
            while !rest.is_empty() {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        break;
                    }
                    Err(e) => {
                        let (good, bad) = rest.split_at(e.valid_up_to());
                        // `good` is valid UTF-8 by construction.
                        out.push_str(std::str::from_utf8(good).unwrap_or_default());
                        let skip = e.error_len().unwrap_or(bad.len()).max(1);
                        for &b in bad.iter().take(skip) {
                            out.push(char::from(b));
                        }
                        rest = bad.get(skip..).unwrap_or_default();
                    }
                }
            }
            out
        }
    }
}

fn hex_val(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'a'..=b'f' => Some(u32::from(c - b'a' + 10)),
        b'A'..=b'F' => Some(u32::from(c - b'A' + 10)),
        _ => None,
    }
}

fn hex_at(b: &[u8], at: usize, len: usize) -> Option<u32> {
    let digits = b.get(at..at + len)?;
    digits
        .iter()
        .try_fold(0u32, |acc, &c| Some(acc * 16 + hex_val(c)?))
}

fn push_char(out: &mut Vec<u8>, cp: u32) {
    let c = char::from_u32(cp).unwrap_or('\u{fffd}');
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// Percent-decoding as a form field is decoded: `%HH`, Microsoft `%uHHHH`,
/// and `+` as a space.
pub(super) fn url_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let needs = b.iter().enumerate().any(|(i, &c)| {
        c == b'+'
            || (c == b'%'
                && (hex_at(b, i + 1, 2).is_some()
                    || (matches!(b.get(i + 1), Some(b'u' | b'U'))
                        && hex_at(b, i + 2, 4).is_some())))
    });
    if !needs {
        return None;
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            if let Some(v) = hex_at(b, i + 1, 2) {
                out.push(v as u8);
                i += 3;
                continue;
            }
            if matches!(b.get(i + 1), Some(b'u' | b'U'))
                && let Some(v) = hex_at(b, i + 2, 4)
            {
                push_char(&mut out, v);
                i += 6;
                continue;
            }
        }
        out.push(if c == b'+' { b' ' } else { c });
        i += 1;
    }
    Some(bytes_to_text(&out))
}

/// Named character references that matter for evasion, plus the common ones.
fn named_entity(name: &[u8]) -> Option<char> {
    let mut buf = [0u8; 16];
    if name.len() > buf.len() {
        return None;
    }
    let lower = buf.get_mut(..name.len())?;
    lower.copy_from_slice(name);
    // Entity names are case-sensitive in HTML, but browsers and many
    // back ends accept the common spellings in any case.
    lower.make_ascii_lowercase();
    Some(match &*lower {
        b"lt" => '<',
        b"gt" => '>',
        b"amp" => '&',
        b"quot" => '"',
        b"apos" => '\'',
        b"tab" => '\t',
        b"newline" => '\n',
        b"nbsp" => ' ',
        b"colon" => ':',
        b"lpar" => '(',
        b"rpar" => ')',
        b"lsqb" | b"lbrack" => '[',
        b"rsqb" | b"rbrack" => ']',
        b"lcub" | b"lbrace" => '{',
        b"rcub" | b"rbrace" => '}',
        b"equals" => '=',
        b"sol" => '/',
        b"bsol" => '\\',
        b"comma" => ',',
        b"period" => '.',
        b"excl" => '!',
        b"quest" => '?',
        b"semi" => ';',
        b"plus" => '+',
        b"num" => '#',
        b"percnt" => '%',
        b"grave" => '`',
        b"ast" | b"midast" => '*',
        b"dollar" => '$',
        b"vert" | b"verbar" => '|',
        b"lowbar" => '_',
        b"hyphen" | b"dash" => '-',
        b"commat" => '@',
        b"hat" => '^',
        b"lsquo" => '\u{2018}',
        b"rsquo" => '\u{2019}',
        b"ldquo" => '\u{201c}',
        b"rdquo" => '\u{201d}',
        _ => return None,
    })
}

/// HTML character references: `&lt;`, `&#60;`, `&#x3c;`, with or without the
/// final `;` and with any number of leading zeros, as browsers accept them.
pub(super) fn html_entity_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if !b.contains(&b'&') {
        return None;
    }
    let mut out = Vec::with_capacity(b.len());
    let mut changed = false;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'&'
            && let Some((cp, len)) = entity_at(b, i)
        {
            push_char(&mut out, cp);
            i += len;
            changed = true;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    changed.then(|| bytes_to_text(&out))
}

fn entity_at(b: &[u8], i: usize) -> Option<(u32, usize)> {
    let mut j = i + 1;
    if b.get(j) == Some(&b'#') {
        j += 1;
        let hex = matches!(b.get(j), Some(b'x' | b'X'));
        if hex {
            j += 1;
        }
        let start = j;
        let mut v: u32 = 0;
        while let Some(&c) = b.get(j) {
            let d = if hex {
                hex_val(c)
            } else if c.is_ascii_digit() {
                Some(u32::from(c - b'0'))
            } else {
                None
            };
            match d {
                Some(d) => {
                    v = v
                        .saturating_mul(if hex { 16 } else { 10 })
                        .saturating_add(d);
                    j += 1;
                }
                None => break,
            }
        }
        if j == start || v > 0x10ffff {
            return None;
        }
        if b.get(j) == Some(&b';') {
            j += 1;
        }
        return Some((v, j - i));
    }
    let start = j;
    while b.get(j).is_some_and(u8::is_ascii_alphanumeric) && j - start < 12 {
        j += 1;
    }
    let name = b.get(start..j)?;
    let c = named_entity(name)?;
    if b.get(j) == Some(&b';') {
        j += 1;
    } else if !matches!(
        name,
        b"lt" | b"gt" | b"amp" | b"quot" | b"LT" | b"GT" | b"AMP" | b"QUOT"
    ) {
        // Only the legacy entities may omit the semicolon.
        return None;
    }
    Some((u32::from(c), j - i))
}

/// JavaScript and CSS escapes: `\xHH`, `\uHHHH`, `\u{H..}`, and CSS `\HH..`
/// (one to six hex digits, optionally followed by a space).
pub(super) fn escape_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if !b.contains(&b'\\') {
        return None;
    }
    let mut out = Vec::with_capacity(b.len());
    let mut raw = Vec::new();
    let mut changed = false;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            // Collapse runs of backslashes in front of an escape (`\\\\u0020`).
            let mut k = i;
            while b.get(k + 1) == Some(&b'\\') {
                k += 1;
            }
            let n = b.get(k + 1).copied();
            match n {
                Some(b'x' | b'X') if hex_at(b, k + 2, 2).is_some() => {
                    let v = hex_at(b, k + 2, 2).unwrap_or(0);
                    raw.push(v as u8);
                    i = k + 4;
                    changed = true;
                    continue;
                }
                Some(b'u' | b'U') => {
                    if b.get(k + 2) == Some(&b'{') {
                        let mut j = k + 3;
                        let mut v: u32 = 0;
                        while let Some(d) = b.get(j).and_then(|&c| hex_val(c)) {
                            v = v.saturating_mul(16).saturating_add(d);
                            j += 1;
                        }
                        if j > k + 3 && b.get(j) == Some(&b'}') {
                            flush_raw(&mut out, &mut raw);
                            push_char(&mut out, v);
                            i = j + 1;
                            changed = true;
                            continue;
                        }
                    } else if let Some(v) = hex_at(b, k + 2, 4) {
                        flush_raw(&mut out, &mut raw);
                        push_char(&mut out, v);
                        i = k + 6;
                        changed = true;
                        continue;
                    }
                }
                Some(c) if hex_val(c).is_some() => {
                    // CSS escape.
                    let mut j = k + 1;
                    let mut v: u32 = 0;
                    while j < k + 7
                        && let Some(d) = b.get(j).and_then(|&c| hex_val(c))
                    {
                        v = v.saturating_mul(16).saturating_add(d);
                        j += 1;
                    }
                    if b.get(j) == Some(&b' ') {
                        j += 1;
                    }
                    flush_raw(&mut out, &mut raw);
                    push_char(&mut out, v);
                    i = j;
                    changed = true;
                    continue;
                }
                _ => {}
            }
        }
        flush_raw(&mut out, &mut raw);
        out.push(b[i]);
        i += 1;
    }
    flush_raw(&mut out, &mut raw);
    changed.then(|| bytes_to_text(&out))
}

/// `\xHH` escapes produce bytes: a run of them is read as UTF-8 when valid
/// (`\xc2\xbc` is `¼`), else byte by byte as Latin-1.
fn flush_raw(out: &mut Vec<u8>, raw: &mut Vec<u8>) {
    if raw.is_empty() {
        return;
    }
    let text = bytes_to_text(raw);
    out.extend_from_slice(text.as_bytes());
    raw.clear();
}

/// UTF-7 as used in the `+ADw-script+AD4-` trick (`+ADw-` is `<`).
pub(super) fn utf7_decode(s: &str) -> Option<String> {
    if !s.contains("+AD") && !s.contains("+AC") {
        return None;
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    let mut changed = false;
    while i < b.len() {
        if b[i] == b'+' {
            let mut j = i + 1;
            while b
                .get(j)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
            {
                j += 1;
            }
            if j > i + 1
                && let Some(text) = decode_modified_base64(b.get(i + 1..j).unwrap_or_default())
            {
                out.push_str(&text);
                changed = true;
                i = if b.get(j) == Some(&b'-') { j + 1 } else { j };
                continue;
            }
        }
        // Copy one whole character.
        let ch_len = utf8_len(b[i]);
        out.push_str(s.get(i..i + ch_len).unwrap_or(""));
        i += ch_len.max(1);
    }
    changed.then_some(out)
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

fn decode_modified_base64(b: &[u8]) -> Option<String> {
    let mut bits: u32 = 0;
    let mut nbits = 0u32;
    let mut units = Vec::new();
    for &c in b {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 16 {
            nbits -= 16;
            units.push(((bits >> nbits) & 0xffff) as u16);
        }
    }
    if units.is_empty() {
        return None;
    }
    let text = String::from_utf16(&units).ok()?;
    // Only accept results that are printable ASCII: that is what the trick hides.
    text.chars()
        .all(|c| c.is_ascii() && !c.is_ascii_control())
        .then_some(text)
}

/// Full-width forms (`＜script＞`) folded to ASCII, as NFKC normalisation in
/// some back ends does.
pub(super) fn fold_width(s: &str) -> Option<String> {
    if !s.chars().any(|c| ('\u{ff01}'..='\u{ff5e}').contains(&c)) {
        return None;
    }
    Some(
        s.chars()
            .map(|c| {
                if ('\u{ff01}'..='\u{ff5e}').contains(&c) {
                    char::from_u32(c as u32 - 0xff01 + 0x21).unwrap_or(c)
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// Latin-1 characters read with their high bit stripped (`¼` becomes `<`),
/// the "US-ASCII malformed encoding" trick.
pub(super) fn strip_high_bit(s: &str) -> Option<String> {
    if !s.chars().any(|c| c == '\u{bc}' || c == '\u{be}') {
        return None;
    }
    Some(
        s.chars()
            .map(|c| {
                if ('\u{a0}'..='\u{ff}').contains(&c) {
                    char::from((c as u32 & 0x7f) as u8)
                } else {
                    c
                }
            })
            .collect(),
    )
}
