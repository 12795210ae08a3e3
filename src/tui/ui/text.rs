//! Word wrapping of styled text. Lessons, traces and popups are wrapped here
//! rather than by `Paragraph`, so the app knows how many lines a text takes
//! (for scrolling and for keeping a chosen item in view).

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width of a string in terminal cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cut a string to at most `max` cells, adding `…` when something was cut.
pub fn ellipsize(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut w = 0;
    for ch in s.chars() {
        let cw = UnicodeWidthChar::width(ch).unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(ch);
        w += cw;
    }
    out.push('…');
    out
}

/// Pad or cut a string to exactly `w` cells.
pub fn fit(s: &str, w: usize) -> String {
    let s = ellipsize(s, w);
    let pad = w.saturating_sub(width(&s));
    format!("{s}{}", " ".repeat(pad))
}

/// Wrap styled pieces of text to `max_width` cells. The first line starts
/// with `first`, the following ones with `rest` (hanging indent). Words
/// longer than a line are split. Newlines in the text start a new line.
pub fn wrap(
    pieces: &[(String, Style)],
    max_width: usize,
    first: &[Span<'static>],
    rest: &[Span<'static>],
) -> Vec<Line<'static>> {
    let prefix_w = |p: &[Span<'static>]| p.iter().map(|s| width(&s.content)).sum::<usize>();
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut cur: Vec<Span<'static>> = first.to_vec();
    let mut cur_w = prefix_w(first);
    let mut line_start_w = cur_w;
    let avail = |start: usize| max_width.saturating_sub(start).max(1);
    let mut pending_space: Option<Style> = None;

    let flush = |cur: &mut Vec<Span<'static>>, lines: &mut Vec<Line<'static>>| {
        lines.push(Line::from(std::mem::take(cur)));
    };

    for (text, style) in pieces {
        for (i, segment) in text.split('\n').enumerate() {
            if i > 0 {
                flush(&mut cur, &mut lines);
                cur = rest.to_vec();
                cur_w = prefix_w(rest);
                line_start_w = cur_w;
                pending_space = None;
            }
            for token in split_keep_spaces(segment) {
                if token.chars().all(char::is_whitespace) {
                    if cur_w > line_start_w {
                        pending_space = Some(*style);
                    }
                    continue;
                }
                let tw = width(token);
                let space_w = usize::from(pending_space.is_some());
                if cur_w + space_w + tw > line_start_w + avail(line_start_w) && cur_w > line_start_w
                {
                    flush(&mut cur, &mut lines);
                    cur = rest.to_vec();
                    cur_w = prefix_w(rest);
                    line_start_w = cur_w;
                    pending_space = None;
                }
                if let Some(st) = pending_space.take() {
                    cur.push(Span::styled(" ", st));
                    cur_w += 1;
                }
                if tw <= avail(line_start_w) {
                    cur.push(Span::styled(token.to_string(), *style));
                    cur_w += tw;
                } else {
                    // A word longer than a whole line: split it by characters.
                    let mut chunk = String::new();
                    for ch in token.chars() {
                        let cw = UnicodeWidthChar::width(ch).unwrap_or(0);
                        if cur_w + cw > line_start_w + avail(line_start_w) && cur_w > line_start_w {
                            if !chunk.is_empty() {
                                cur.push(Span::styled(std::mem::take(&mut chunk), *style));
                            }
                            flush(&mut cur, &mut lines);
                            cur = rest.to_vec();
                            cur_w = prefix_w(rest);
                            line_start_w = cur_w;
                        }
                        chunk.push(ch);
                        cur_w += cw;
                    }
                    if !chunk.is_empty() {
                        cur.push(Span::styled(chunk, *style));
                    }
                }
            }
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        flush(&mut cur, &mut lines);
    }
    lines
}

/// Wrap one plain string in one style.
pub fn wrap_plain(text: &str, style: Style, max_width: usize, indent: usize) -> Vec<Line<'static>> {
    let pad = vec![Span::raw(" ".repeat(indent))];
    wrap(&[(text.to_string(), style)], max_width, &pad, &pad)
}

/// Split a line into pieces of at most `w` cells, keeping every character
/// (for text that is copied, such as curl commands).
pub fn hard_wrap(line: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cw = 0;
    for ch in line.chars() {
        let chw = width(ch.encode_utf8(&mut [0; 4]));
        if cw + chw > w && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            cw = 0;
        }
        cur.push(ch);
        cw += chw;
    }
    out.push(cur);
    out
}

/// Lines of text shown character for character (JSON, bodies), split at
/// `max_width` cells and indented by `indent` spaces.
pub fn wrap_verbatim(
    text: &str,
    style: Style,
    max_width: usize,
    indent: usize,
) -> Vec<Line<'static>> {
    let pad = " ".repeat(indent);
    text.split('\n')
        .flat_map(|l| hard_wrap(l, max_width.saturating_sub(indent)))
        .map(|piece| Line::from(vec![Span::raw(pad.clone()), Span::styled(piece, style)]))
        .collect()
}

/// Split into runs of whitespace and runs of non-whitespace.
fn split_keep_spaces(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space: Option<bool> = None;
    for (i, ch) in s.char_indices() {
        let sp = ch.is_whitespace();
        match in_space {
            Some(prev) if prev != sp => {
                out.push(&s[start..i]);
                start = i;
            }
            _ => {}
        }
        in_space = Some(sp);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// The plain text of a line (for tests and for measuring).
pub fn line_text(line: &Line<'_>) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(line_text).collect()
    }

    #[test]
    fn wraps_on_word_boundaries_with_hanging_indent() {
        let p = vec![("one two three four five".to_string(), Style::new())];
        let first = [Span::raw("• ")];
        let rest = [Span::raw("  ")];
        let out = texts(&wrap(&p, 12, &first, &rest));
        assert_eq!(out, vec!["• one two", "  three four", "  five"]);
    }

    #[test]
    fn splits_words_longer_than_a_line_and_handles_tiny_widths() {
        let p = vec![("abcdefghij".to_string(), Style::new())];
        assert_eq!(texts(&wrap(&p, 4, &[], &[])), vec!["abcd", "efgh", "ij"]);
        // Width 0 or a prefix wider than the line never loops forever.
        assert_eq!(wrap(&p, 0, &[], &[]).len(), 10);
        let wide = [Span::raw("          ")];
        assert!(!wrap(&p, 3, &wide, &wide).is_empty());
    }

    #[test]
    fn keeps_styles_and_newlines() {
        let bold = Style::new().add_modifier(ratatui::style::Modifier::BOLD);
        let p = vec![
            ("plain ".to_string(), Style::new()),
            ("bold\nnext".to_string(), bold),
        ];
        let out = wrap(&p, 40, &[], &[]);
        assert_eq!(texts(&out), vec!["plain bold", "next"]);
        assert_eq!(out[0].spans.last().map(|s| s.style), Some(bold));
    }

    #[test]
    fn hard_wrap_keeps_every_character() {
        let s = "curl -H 'a: b' https://x";
        let parts = hard_wrap(s, 7);
        assert_eq!(parts.concat(), s);
        assert!(parts.iter().all(|p| width(p) <= 7));
        assert_eq!(hard_wrap("", 5), vec![String::new()]);
        let json = texts(&wrap_verbatim("{\n  \"a\": 1\n}", Style::new(), 40, 2));
        assert_eq!(json, vec!["  {", "    \"a\": 1", "  }"]);
    }

    #[test]
    fn ellipsize_and_fit_respect_cell_width() {
        assert_eq!(ellipsize("abcdef", 4), "abc…");
        assert_eq!(ellipsize("abc", 4), "abc");
        assert_eq!(ellipsize("abc", 0), "");
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(width("✓ ok"), 4);
    }
}
