//! Diagnostics for files a person wrote: every problem is reported as
//! `file:line:col: message` with a hint, and loaders collect every problem
//! rather than stopping at the first.

use serde::de::DeserializeOwned;
use std::fmt;
use std::ops::Range;

/// One problem in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based line (0 when the problem has no position, e.g. a missing file).
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A problem with no position inside the file.
    pub fn whole_file(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_string(),
            line: 0,
            col: 0,
            message: message.into(),
            hint: None,
        }
    }

    /// A problem at a byte offset of `src`.
    pub fn at(file: &str, src: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, col) = line_col(src, offset);
        Diagnostic {
            file: file.to_string(),
            line,
            col,
            message: message.into(),
            hint: None,
        }
    }

    /// Attach a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `file:line:col` (or just `file` when there is no position).
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.col)
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// A list of problems, printed one after another.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    /// `Ok(value)` when there are no problems.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let mut off = offset;
    while off > 0 && !src.is_char_boundary(off) {
        off -= 1;
    }
    let before = &src[..off];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = src[line_start..off].chars().count() + 1;
    (line, col)
}

/// One step of a path into a TOML document: a key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

impl From<&str> for PathSeg {
    fn from(s: &str) -> Self {
        PathSeg::Key(s.to_string())
    }
}
impl From<String> for PathSeg {
    fn from(s: String) -> Self {
        PathSeg::Key(s)
    }
}
impl From<usize> for PathSeg {
    fn from(i: usize) -> Self {
        PathSeg::Index(i)
    }
}

/// Build a path: `path!["routes", 2, "authorizer"]`.
#[macro_export]
macro_rules! path {
    ($($seg:expr),* $(,)?) => {
        vec![$($crate::diag::PathSeg::from($seg)),*]
    };
}

/// Render a path the way a person reads it: `routes[2].authorizer`.
pub fn path_to_string(path: &[PathSeg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            PathSeg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Finds where values live in a TOML source so that problems found after
/// deserialising (a dangling reference, a value out of range) can still be
/// reported at `line:col`.
pub struct TomlLocator<'a> {
    src: &'a str,
    root: Option<toml::Spanned<toml::de::DeTable<'a>>>,
}

impl<'a> TomlLocator<'a> {
    pub fn new(src: &'a str) -> Self {
        TomlLocator {
            src,
            root: toml::de::DeTable::parse(src).ok(),
        }
    }

    /// Byte range of the value at `path`, or of its nearest existing ancestor.
    pub fn span(&self, path: impl AsRef<[PathSeg]>) -> Option<Range<usize>> {
        let path = path.as_ref();
        let root = self.root.as_ref()?;
        let mut best = None;
        let mut table: Option<&toml::de::DeTable<'a>> = Some(root.get_ref());
        let mut array: Option<&toml::de::DeArray<'a>> = None;
        for seg in path {
            let next: &toml::Spanned<toml::de::DeValue<'a>> = match (seg, table, array) {
                (PathSeg::Key(k), Some(t), _) => match t.iter().find(|(key, _)| key.get_ref() == k)
                {
                    Some((_, v)) => v,
                    None => break,
                },
                (PathSeg::Index(i), _, Some(a)) => match a.get(*i) {
                    Some(v) => v,
                    None => break,
                },
                _ => break,
            };
            best = Some(next.span());
            table = next.get_ref().as_table();
            array = next.get_ref().as_array();
        }
        best
    }

    /// A diagnostic at `path` (falls back to the start of the file).
    pub fn diag(
        &self,
        file: &str,
        path: impl AsRef<[PathSeg]>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let offset = self.span(path).map(|r| r.start).unwrap_or(0);
        let mut d = Diagnostic::at(file, self.src, offset, message);
        if self.src.is_empty() {
            d.line = 1;
            d.col = 1;
        }
        d
    }
}

/// Turn a toml/serde error into a diagnostic with a position and a hint.
pub fn from_toml_error(file: &str, src: &str, err: &toml::de::Error) -> Diagnostic {
    let offset = err.span().map(|s| s.start).unwrap_or(0);
    let raw = err.message().trim().to_string();
    let (message, hint) = explain_serde_message(&raw);
    let mut d = Diagnostic::at(file, src, offset, message);
    d.hint = hint.or_else(|| {
        Some("check the TOML syntax here: quotes around text, = between key and value, closed [ ] and { }".into())
    });
    d
}

/// Reword serde's messages slightly and derive a hint where one helps.
fn explain_serde_message(raw: &str) -> (String, Option<String>) {
    if let Some(rest) = raw.strip_prefix("unknown field ") {
        // "unknown field `foo`, expected one of `a`, `b`"
        let (field, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
        let hint = if expected.is_empty() {
            "remove it, or check its spelling".to_string()
        } else {
            format!("known keys here:{}", expected.trim_start_matches(" one of"))
        };
        return (format!("unknown key {field}"), Some(hint));
    }
    if let Some(rest) = raw.strip_prefix("missing field ") {
        return (
            format!("missing required key {rest}"),
            Some(format!("add {rest} to this table")),
        );
    }
    if let Some(rest) = raw.strip_prefix("unknown variant ") {
        let (value, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
        let hint = if expected.is_empty() {
            None
        } else {
            Some(format!(
                "use one of:{}",
                expected.trim_start_matches(" one of")
            ))
        };
        return (format!("unknown value {value}"), hint);
    }
    if raw.starts_with("invalid type") {
        return (
            raw.to_string(),
            Some("check the value's type (quotes for text, [ ] for lists)".into()),
        );
    }
    if raw.starts_with("duplicate key") {
        return (
            raw.to_string(),
            Some("each key may appear once per table".into()),
        );
    }
    (raw.to_string(), None)
}

/// Parse a TOML source into `T`, reporting problems as diagnostics.
pub fn parse_toml<T: DeserializeOwned>(file: &str, src: &str) -> Result<T, Diagnostic> {
    toml::from_str(src).map_err(|e| from_toml_error(file, src, &e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    #[allow(dead_code)]
    struct Doc {
        name: String,
        #[serde(default)]
        items: Vec<Item>,
    }
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    #[allow(dead_code)]
    struct Item {
        ttl: u32,
    }

    #[test]
    fn unknown_key_has_position_and_hint() {
        let src = "name = \"x\"\n[[items]]\nttl = 3\ntll = 4\n";
        let d = parse_toml::<Doc>("a.toml", src).unwrap_err();
        assert_eq!((d.line, d.col), (4, 1), "{d}");
        assert!(d.message.contains("unknown key `tll`"), "{d}");
        assert!(d.hint.as_deref().unwrap_or("").contains("`ttl`"), "{d}");
        assert!(d.to_string().starts_with("a.toml:4:1: "));
    }

    #[test]
    fn syntax_error_has_position() {
        let d = parse_toml::<Doc>("b.toml", "name = \"x\nitems = 3\n").unwrap_err();
        assert_eq!(d.line, 1);
        assert!(d.col > 1);
    }

    #[test]
    fn locator_finds_nested_values() {
        let src = "name = \"x\"\n\n[[items]]\nttl = 3\n\n[[items]]\nttl = 9000\n";
        let loc = TomlLocator::new(src);
        let d = loc.diag("c.toml", crate::path!["items", 1, "ttl"], "too big");
        assert_eq!((d.line, d.col), (7, 7));
        // A missing key falls back to its nearest ancestor.
        let d = loc.diag("c.toml", crate::path!["items", 1, "nope"], "x");
        assert_eq!(d.line, 6);
        assert_eq!(
            path_to_string(crate::path!["items", 1, "ttl"].as_slice()),
            "items[1].ttl"
        );
    }
}
