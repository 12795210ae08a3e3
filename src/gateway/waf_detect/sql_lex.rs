//! SQL tokenizer used by the SQL-injection detector.
//!
//! The tokenizer is deliberately forgiving: it never fails, it understands the
//! lexical quirks of the common database engines (MySQL `#` comments and
//! `/*! ... */` executable comments, MSSQL `[name]` identifiers, PostgreSQL
//! `$$` strings and JSON operators, Oracle `q'[...]'` strings) and it can start
//! "inside" a quoted string, which is how a value that is pasted between quotes
//! by an application is seen by the database.

use super::sql_words::{Word, classify};

/// The lexical class of one token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tk {
    /// A string literal; `closed` is false when the input ended inside it.
    Str { closed: bool },
    /// A numeric literal (decimal, float, hexadecimal, binary).
    Num,
    /// A word: keyword, function name or plain identifier.
    Word(Word),
    /// A quoted identifier (`` `name` ``, `[name]`).
    QIdent,
    /// A variable such as `@x` or `@@version`.
    Var,
    /// An operator.
    Op(Op),
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `;`
    Semi,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `[` that does not open a `[name]` identifier (array subscripts).
    LBrack,
    /// `]`
    RBrack,
    /// A comment.
    Comment(Cmt),
    /// A MySQL `1.e` number used as filler; it has no meaning to the parser.
    Filler,
    /// Any other character (`\`, `$`, stray symbols, non-ASCII punctuation).
    Other,
}

/// Operator classes, grouped by how the parser treats them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    /// `=`, `<`, `>`, `<=`, `>=`, `<>`, `!=`, `<=>`, `==`.
    Cmp,
    /// `+`, `-`, `*`, `/`, `%`, `^`, `|`, `&`, `<<`, `>>`.
    Arith,
    /// `||` (OR in MySQL, concatenation elsewhere).
    Pipes,
    /// `&&`.
    AndAnd,
    /// `!` and `~` (unary only).
    Unary,
    /// `::` (PostgreSQL cast).
    Cast,
    /// `:=` (MySQL assignment).
    Assign,
    /// PostgreSQL JSON/array operators: `->`, `->>`, `#>`, `#>>`, `@>`, `<@`, `?`, `?|`, `?&`, `@?`, `@@`, `#-`.
    Json,
    /// `.` between names.
    Dot,
}

/// Comment flavours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cmt {
    /// `-- ...` to end of line.
    DashDash,
    /// `# ...` to end of line (MySQL).
    Hash,
    /// `/* ... */`; `closed` is false when the input ended inside it.
    Block { closed: bool },
}

/// One token: its class and its byte span in the inspected text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Token {
    pub(super) tk: Tk,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// The most tokens looked at; longer inputs are judged on their first tokens.
pub(super) const MAX_TOKENS: usize = 256;

/// Tokenizes `text`. When `quote` is `Some(q)`, the text is read as if it
/// started inside a string delimited by `q`: the first token is that string.
pub(super) fn tokenize(text: &str, quote: Option<u8>, out: &mut Vec<Token>) {
    out.clear();
    let b = text.as_bytes();
    let mut i = 0usize;
    if let Some(q) = quote {
        let end = scan_string_body(b, 0, q);
        let (closed, stop) = match end {
            Some(e) => (true, e + 1),
            None => (false, b.len()),
        };
        out.push(Token {
            tk: Tk::Str { closed },
            start: 0,
            end: stop,
        });
        i = stop;
    }
    // Inside `/*! ... */` the text is code; the closing `*/` is skipped.
    let mut exec_comment_depth = 0usize;
    while i < b.len() && out.len() < MAX_TOKENS {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0 => {
                i += 1;
            }
            0xc2 if b.get(i + 1) == Some(&0xa0) => {
                // No-break space acts as whitespace in MySQL.
                i += 2;
            }
            b'\'' | b'"' => {
                let start = i;
                let (closed, stop) = match scan_string_body(b, i + 1, c) {
                    Some(e) => (true, e + 1),
                    None => (false, b.len()),
                };
                out.push(Token {
                    tk: Tk::Str { closed },
                    start,
                    end: stop,
                });
                i = stop;
            }
            b'`' => {
                let start = i;
                let stop = match find_byte(b, i + 1, b'`') {
                    Some(e) => e + 1,
                    None => b.len(),
                };
                out.push(Token {
                    tk: Tk::QIdent,
                    start,
                    end: stop,
                });
                i = stop;
            }
            b'[' => {
                // MSSQL quoted identifier `[name]`, or a stray bracket.
                let mut j = i + 1;
                while j < b.len() && (is_word_byte(b[j]) || b[j] == b' ') {
                    j += 1;
                }
                if j > i + 1 && b.get(j) == Some(&b']') {
                    out.push(Token {
                        tk: Tk::QIdent,
                        start: i,
                        end: j + 1,
                    });
                    i = j + 1;
                } else {
                    out.push(tok(Tk::LBrack, i, i + 1));
                    i += 1;
                }
            }
            b']' | b'(' | b')' | b',' | b';' | b'{' | b'}' => {
                let tk = match c {
                    b']' => Tk::RBrack,
                    b'(' => Tk::LParen,
                    b')' => Tk::RParen,
                    b',' => Tk::Comma,
                    b';' => Tk::Semi,
                    b'{' => Tk::LBrace,
                    _ => Tk::RBrace,
                };
                out.push(tok(tk, i, i + 1));
                i += 1;
            }
            b'#' => {
                // PostgreSQL JSON path operators start with `#`.
                if b.get(i + 1) == Some(&b'>') {
                    let len = if b.get(i + 2) == Some(&b'>') { 3 } else { 2 };
                    out.push(tok(Tk::Op(Op::Json), i, i + len));
                    i += len;
                } else if b.get(i + 1) == Some(&b'-') && b.get(i + 2) == Some(&b' ') {
                    out.push(tok(Tk::Op(Op::Json), i, i + 2));
                    i += 2;
                } else {
                    let stop = line_end(b, i);
                    out.push(tok(Tk::Comment(Cmt::Hash), i, stop));
                    i = stop;
                }
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                let stop = line_end(b, i);
                out.push(tok(Tk::Comment(Cmt::DashDash), i, stop));
                i = stop;
            }
            b'-' if b.get(i + 1) == Some(&b'>') => {
                let len = if b.get(i + 2) == Some(&b'>') { 3 } else { 2 };
                out.push(tok(Tk::Op(Op::Json), i, i + len));
                i += len;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                if b.get(i + 2) == Some(&b'!') {
                    // MySQL executable comment: skip the marker and version.
                    let mut j = i + 3;
                    while j < b.len() && j < i + 8 && b[j].is_ascii_digit() {
                        j += 1;
                    }
                    exec_comment_depth += 1;
                    i = j;
                } else {
                    let (closed, stop) = match find_seq(b, i + 2, b"*/") {
                        Some(e) => (true, e + 2),
                        None => (false, b.len()),
                    };
                    out.push(tok(Tk::Comment(Cmt::Block { closed }), i, stop));
                    i = stop;
                }
            }
            b'*' if b.get(i + 1) == Some(&b'/') && exec_comment_depth > 0 => {
                exec_comment_depth -= 1;
                i += 2;
            }
            b'@' => {
                let start = i;
                let mut j = i + 1;
                if b.get(j) == Some(&b'@') {
                    j += 1;
                }
                match b.get(j) {
                    Some(&q) if q == b'\'' || q == b'"' || q == b'`' => {
                        let stop = match find_byte(b, j + 1, q) {
                            Some(e) => e + 1,
                            None => b.len(),
                        };
                        out.push(tok(Tk::Var, start, stop));
                        i = stop;
                    }
                    Some(&w) if is_word_byte(w) || w == b'.' => {
                        while j < b.len() && (is_word_byte(b[j]) || b[j] == b'.') {
                            j += 1;
                        }
                        out.push(tok(Tk::Var, start, j));
                        i = j;
                    }
                    Some(&b'>') | Some(&b'?') => {
                        out.push(tok(Tk::Op(Op::Json), i, i + 2));
                        i += 2;
                    }
                    _ if j == i + 2 => {
                        out.push(tok(Tk::Op(Op::Json), i, j));
                        i = j;
                    }
                    _ => {
                        // A lone `@` is a valid (empty) user variable in MySQL.
                        out.push(tok(Tk::Var, start, j));
                        i = j;
                    }
                }
            }
            b'0'..=b'9' => {
                i = lex_number(b, i, out);
            }
            b'.' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i = lex_number(b, i, out);
            }
            b'$' => {
                // PostgreSQL dollar-quoted string: $$...$$ or $tag$...$tag$.
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                if b.get(j) == Some(&b'$') {
                    let tag = &b[i..=j];
                    let (closed, stop) = match find_seq(b, j + 1, tag) {
                        Some(e) => (true, e + tag.len()),
                        None => (false, b.len()),
                    };
                    out.push(tok(Tk::Str { closed }, i, stop));
                    i = stop;
                } else if j > i + 1 {
                    // `$name`: treat as a word (PostgreSQL positional or Mongo operator).
                    let w = classify(&b[i..j]);
                    out.push(tok(Tk::Word(w), i, j));
                    i = j;
                } else {
                    out.push(tok(Tk::Other, i, i + 1));
                    i += 1;
                }
            }
            _ if is_word_start(c) => {
                i = lex_word(b, i, out);
            }
            _ => {
                i = lex_operator(b, i, out);
            }
        }
    }
}

fn tok(tk: Tk, start: usize, end: usize) -> Token {
    Token { tk, start, end }
}

/// Bytes that may appear inside a word. Non-ASCII bytes count, so that words
/// in other scripts stay single tokens.
pub(super) fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn find_byte(b: &[u8], from: usize, x: u8) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&c| c == x)
        .map(|p| p + from)
}

fn find_seq(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    let hay = b.get(from..)?;
    if pat.is_empty() || hay.len() < pat.len() {
        return None;
    }
    hay.windows(pat.len())
        .position(|w| w == pat)
        .map(|p| p + from)
}

fn line_end(b: &[u8], from: usize) -> usize {
    let mut j = from;
    while j < b.len() && b[j] != b'\n' && b[j] != b'\r' {
        j += 1;
    }
    j
}

/// Finds the closing quote of a string whose body starts at `from`. A quote
/// doubled (`''`) or preceded by an odd number of backslashes is part of the
/// body. Returns the index of the closing quote.
fn scan_string_body(b: &[u8], from: usize, q: u8) -> Option<usize> {
    let mut j = from;
    while j < b.len() {
        if b[j] == q {
            let mut backslashes = 0usize;
            let mut k = j;
            while k > from && b[k - 1] == b'\\' {
                backslashes += 1;
                k -= 1;
            }
            if backslashes % 2 == 1 {
                j += 1;
                continue;
            }
            if b.get(j + 1) == Some(&q) {
                j += 2;
                continue;
            }
            return Some(j);
        }
        j += 1;
    }
    None
}

fn lex_number(b: &[u8], start: usize, out: &mut Vec<Token>) -> usize {
    let mut j = start;
    // Hexadecimal and binary literals.
    if b.get(j) == Some(&b'0') && matches!(b.get(j + 1), Some(b'x' | b'X')) {
        let mut k = j + 2;
        while k < b.len() && b[k].is_ascii_hexdigit() {
            k += 1;
        }
        if k > j + 2 && !b.get(k).is_some_and(|&c| is_word_byte(c)) {
            out.push(tok(Tk::Num, start, k));
            return k;
        }
    }
    if b.get(j) == Some(&b'0') && matches!(b.get(j + 1), Some(b'b' | b'B')) {
        let mut k = j + 2;
        while k < b.len() && (b[k] == b'0' || b[k] == b'1') {
            k += 1;
        }
        if k > j + 2 && !b.get(k).is_some_and(|&c| is_word_byte(c)) {
            out.push(tok(Tk::Num, start, k));
            return k;
        }
    }
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    let mut has_dot = false;
    if b.get(j) == Some(&b'.') && b.get(j + 1).is_none_or(|&c| c != b'.') {
        has_dot = true;
        j += 1;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
    }
    if matches!(b.get(j), Some(b'e' | b'E')) {
        let mut k = j + 1;
        if matches!(b.get(k), Some(b'+' | b'-')) {
            k += 1;
        }
        let digits_start = k;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        if k > digits_start {
            j = k;
        } else if has_dot && !b.get(j + 1).is_some_and(|&c| is_word_byte(c)) {
            // MySQL reads `1.e` as a number and ignores it before `(`, `.`,
            // `,` or a name: a known way to split keywords apart.
            out.push(tok(Tk::Filler, start, j + 1));
            return j + 1;
        }
    }
    // MySQL float suffixes are not valid, but `1d`/`1f` are in Oracle.
    if matches!(b.get(j), Some(b'd' | b'D' | b'f' | b'F'))
        && !b.get(j + 1).is_some_and(|&c| is_word_byte(c))
    {
        j += 1;
    }
    out.push(tok(Tk::Num, start, j));
    j
}

/// True at a UTF-8 no-break space, which MySQL reads as whitespace.
fn nbsp_at(b: &[u8], j: usize) -> bool {
    b.get(j) == Some(&0xc2) && b.get(j + 1) == Some(&0xa0)
}

fn lex_word(b: &[u8], start: usize, out: &mut Vec<Token>) -> usize {
    let mut j = start;
    while j < b.len() && is_word_byte(b[j]) && !nbsp_at(b, j) {
        j += 1;
    }
    // String prefixes: N'..', X'..', B'..', E'..', q'[..]'.
    let word = &b[start..j];
    if j - start == 1 && matches!(b.get(j), Some(b'\'')) {
        let p = word[0].to_ascii_lowercase();
        if matches!(p, b'n' | b'x' | b'b' | b'e' | b'_') {
            let (closed, stop) = match scan_string_body(b, j + 1, b'\'') {
                Some(e) => (true, e + 1),
                None => (false, b.len()),
            };
            out.push(tok(Tk::Str { closed }, start, stop));
            return stop;
        }
        if p == b'q'
            && let Some(&open) = b.get(j + 1)
        {
            let close = match open {
                b'[' => b']',
                b'(' => b')',
                b'{' => b'}',
                b'<' => b'>',
                other => other,
            };
            let mut k = j + 2;
            let mut found = None;
            while k + 1 < b.len() {
                if b[k] == close && b[k + 1] == b'\'' {
                    found = Some(k + 2);
                    break;
                }
                k += 1;
            }
            let (closed, stop) = match found {
                Some(e) => (true, e),
                None => (false, b.len()),
            };
            out.push(tok(Tk::Str { closed }, start, stop));
            return stop;
        }
    }
    // Qualified names: a.b, a..b (MSSQL default schema), a.`b`, a.*
    // Keywords take no qualifier: `SELECT.2alias` is SELECT then `.2`.
    let is_keyword = matches!(classify(&b[start..j]), Word::Kw(_));
    while !is_keyword && j < b.len() && b[j] == b'.' {
        let mut k = j + 1;
        if b.get(k) == Some(&b'.') {
            k += 1;
        }
        match b.get(k) {
            Some(&c) if is_word_start(c) || c.is_ascii_digit() => {
                let mut m = k;
                while m < b.len() && is_word_byte(b[m]) && !nbsp_at(b, m) {
                    m += 1;
                }
                j = m;
            }
            Some(b'`') => match find_byte(b, k + 1, b'`') {
                Some(e) => j = e + 1,
                None => break,
            },
            Some(b'*') => {
                j = k + 1;
                break;
            }
            _ => break,
        }
    }
    let w = classify(&b[start..j]);
    out.push(tok(Tk::Word(w), start, j));
    j
}

fn lex_operator(b: &[u8], i: usize, out: &mut Vec<Token>) -> usize {
    let c = b[i];
    let n1 = b.get(i + 1).copied();
    let n2 = b.get(i + 2).copied();
    let (tk, len) = match (c, n1, n2) {
        (b'<', Some(b'='), Some(b'>')) => (Tk::Op(Op::Cmp), 3),
        (b'<', Some(b'>'), _) | (b'<', Some(b'='), _) | (b'>', Some(b'='), _) => {
            (Tk::Op(Op::Cmp), 2)
        }
        (b'!', Some(b'='), _) | (b'=', Some(b'='), _) => (Tk::Op(Op::Cmp), 2),
        (b'!', Some(b'<'), _) | (b'!', Some(b'>'), _) => (Tk::Op(Op::Cmp), 2),
        (b'<', Some(b'<'), _) | (b'>', Some(b'>'), _) => (Tk::Op(Op::Arith), 2),
        (b'<', Some(b'@'), _) => (Tk::Op(Op::Json), 2),
        (b'=', _, _) | (b'<', _, _) | (b'>', _, _) => (Tk::Op(Op::Cmp), 1),
        (b'|', Some(b'|'), _) => (Tk::Op(Op::Pipes), 2),
        (b'&', Some(b'&'), _) => (Tk::Op(Op::AndAnd), 2),
        (b':', Some(b':'), _) => (Tk::Op(Op::Cast), 2),
        (b':', Some(b'='), _) => (Tk::Op(Op::Assign), 2),
        (b'?', Some(b'|'), _) | (b'?', Some(b'&'), _) => (Tk::Op(Op::Json), 2),
        (b'?', _, _) => (Tk::Op(Op::Json), 1),
        (b'+' | b'-' | b'*' | b'/' | b'%' | b'^' | b'|' | b'&', _, _) => (Tk::Op(Op::Arith), 1),
        (b'!' | b'~', _, _) => (Tk::Op(Op::Unary), 1),
        (b'.', _, _) => (Tk::Op(Op::Dot), 1),
        _ => {
            // Skip a whole UTF-8 sequence for non-ASCII punctuation.
            let mut len = 1;
            while b.get(i + len).is_some_and(|&x| (0x80..0xc0).contains(&x)) {
                len += 1;
            }
            (Tk::Other, len)
        }
    };
    out.push(tok(tk, i, i + len));
    i + len
}
