//! A small Markdown renderer for lesson text: headings, **bold**, *emphasis*,
//! `code`, lists (nested, ordered or not), block quotes, fenced code blocks,
//! pipe tables and links, wrapped to a width. Tables that do not fit are
//! shown one row at a time as `header: value` lines, so nothing is cut off.

use super::text::{width, wrap};
use crate::tui::theme::Theme;
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// Render Markdown to lines at most `max_width` cells wide.
pub fn render(md: &str, max_width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut r = Renderer {
        theme,
        width: max_width.max(1),
        out: Vec::new(),
        inline: Vec::new(),
        styles: Vec::new(),
        lists: Vec::new(),
        pending_bullet: None,
        quote: 0,
        code: None,
        table: None,
        links: Vec::new(),
        heading: None,
        ticks: theme.code.fg.is_none(),
    };
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for ev in Parser::new_ext(md, opts) {
        r.event(ev);
    }
    r.flush_inline();
    while r
        .out
        .last()
        .is_some_and(|l| l.spans.iter().all(|s| s.content.trim().is_empty()))
    {
        r.out.pop();
    }
    r.out
}

struct ListLevel {
    next: Option<u64>,
    bullet_w: usize,
}

#[derive(Default)]
struct TableBuf {
    rows: Vec<Vec<String>>,
    head_rows: usize,
    in_head: bool,
    cell: String,
    row: Vec<String>,
}

struct Renderer<'t> {
    theme: &'t Theme,
    width: usize,
    out: Vec<Line<'static>>,
    inline: Vec<(String, Style)>,
    styles: Vec<Style>,
    lists: Vec<ListLevel>,
    pending_bullet: Option<String>,
    quote: usize,
    code: Option<String>,
    table: Option<TableBuf>,
    links: Vec<String>,
    heading: Option<HeadingLevel>,
    /// Show backticks around inline code (when the theme cannot colour it).
    ticks: bool,
}

impl Renderer<'_> {
    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or(self.theme.text)
    }

    fn push_style(&mut self, f: impl FnOnce(Style) -> Style) {
        let s = f(self.style());
        self.styles.push(s);
    }

    fn blank(&mut self) {
        if self.out.last().is_some_and(|l| !l.spans.is_empty()) {
            self.out.push(Line::default());
        }
    }

    fn indent_widths(&self) -> (usize, usize) {
        let all: usize = self.lists.iter().map(|l| l.bullet_w).sum();
        let outer = all.saturating_sub(self.lists.last().map(|l| l.bullet_w).unwrap_or(0));
        (outer, all)
    }

    fn quote_prefix(&self) -> Vec<Span<'static>> {
        (0..self.quote)
            .map(|_| Span::styled("│ ", self.theme.muted))
            .collect()
    }

    fn prefixes(&mut self) -> (Vec<Span<'static>>, Vec<Span<'static>>) {
        let (outer, all) = self.indent_widths();
        let mut first = self.quote_prefix();
        let mut rest = self.quote_prefix();
        match self.pending_bullet.take() {
            Some(b) => {
                first.push(Span::raw(" ".repeat(outer)));
                first.push(Span::styled(b, self.theme.accent));
            }
            None => first.push(Span::raw(" ".repeat(all))),
        }
        rest.push(Span::raw(" ".repeat(all)));
        (first, rest)
    }

    fn flush_inline(&mut self) {
        if self.inline.is_empty() && self.pending_bullet.is_none() {
            return;
        }
        let pieces = std::mem::take(&mut self.inline);
        let (first, rest) = self.prefixes();
        let lines = wrap(&pieces, self.width, &first, &rest);
        self.out.extend(lines);
    }

    fn text(&mut self, t: &str) {
        if let Some(code) = self.code.as_mut() {
            code.push_str(t);
        } else if let Some(tb) = self.table.as_mut() {
            tb.cell.push_str(t);
        } else {
            let st = self.style();
            self.inline.push((t.to_string(), st));
        }
    }

    fn event(&mut self, ev: Event<'_>) {
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t),
            Event::Code(t) => {
                if let Some(tb) = self.table.as_mut() {
                    tb.cell.push_str(&t);
                } else {
                    let st = self.theme.code;
                    let t = if self.ticks {
                        format!("`{t}`")
                    } else {
                        t.to_string()
                    };
                    self.inline.push((t, st));
                }
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.text("\n"),
            Event::Rule => {
                self.flush_inline();
                self.blank();
                let w = self.width;
                self.out.push(Line::styled("─".repeat(w), self.theme.muted));
                self.out.push(Line::default());
            }
            Event::Html(t) | Event::InlineHtml(t) => self.text(&t),
            Event::FootnoteReference(t) => self.text(&format!("[{t}]")),
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph if self.pending_bullet.is_none() => {
                self.flush_inline();
                if self.lists.is_empty() {
                    self.blank();
                }
            }
            Tag::Heading { level, .. } => {
                self.flush_inline();
                self.blank();
                self.heading = Some(level);
                let h = self.theme.heading;
                let st = if level == HeadingLevel::H1 {
                    h.add_modifier(Modifier::UNDERLINED)
                } else {
                    h
                };
                self.styles.push(st);
            }
            Tag::BlockQuote(_) => {
                self.flush_inline();
                self.blank();
                self.quote += 1;
            }
            Tag::CodeBlock(kind) => {
                self.flush_inline();
                self.blank();
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => l.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let _ = lang;
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                self.flush_inline();
                if self.lists.is_empty() {
                    self.blank();
                }
                self.lists.push(ListLevel {
                    next: start,
                    bullet_w: 2,
                });
            }
            Tag::Item => {
                self.flush_inline();
                let depth = self.lists.len();
                if let Some(level) = self.lists.last_mut() {
                    let bullet = match level.next.as_mut() {
                        Some(n) => {
                            let b = format!("{n}. ");
                            *n += 1;
                            b
                        }
                        None if depth > 1 => "◦ ".to_string(),
                        None => "• ".to_string(),
                    };
                    level.bullet_w = width(&bullet);
                    self.pending_bullet = Some(bullet);
                }
            }
            Tag::Emphasis => self.push_style(|s| s.add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(|s| s.add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.push_style(|s| s.add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                let a = self.theme.accent;
                self.push_style(|s| s.patch(a).add_modifier(Modifier::UNDERLINED));
            }
            Tag::Image { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                self.text("[image: ");
                self.push_style(|s| s);
            }
            Tag::Table(_) => {
                self.flush_inline();
                self.blank();
                self.table = Some(TableBuf::default());
            }
            Tag::TableHead => {
                if let Some(tb) = self.table.as_mut() {
                    tb.in_head = true;
                }
            }
            Tag::TableRow | Tag::TableCell => {}
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush_inline();
            }
            TagEnd::Heading(_) => {
                self.flush_inline();
                self.styles.pop();
                self.heading = None;
            }
            TagEnd::BlockQuote(_) => {
                self.flush_inline();
                self.quote = self.quote.saturating_sub(1);
                self.blank();
            }
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                self.code_block(&code);
                self.out.push(Line::default());
            }
            TagEnd::List(_) => {
                self.flush_inline();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.blank();
                }
            }
            TagEnd::Item => self.flush_inline(),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link => {
                self.styles.pop();
                if let Some(url) = self.links.pop() {
                    let shown: String = self
                        .inline
                        .last()
                        .map(|(t, _)| t.clone())
                        .unwrap_or_default();
                    if !url.is_empty() && shown != url {
                        let m = self.theme.muted;
                        self.inline.push((format!(" ({url})"), m));
                    }
                }
            }
            TagEnd::Image => {
                self.styles.pop();
                self.links.pop();
                self.text("]");
            }
            TagEnd::TableCell => {
                if let Some(tb) = self.table.as_mut() {
                    let cell = std::mem::take(&mut tb.cell);
                    tb.row.push(cell.trim().to_string());
                }
            }
            TagEnd::TableHead => {
                if let Some(tb) = self.table.as_mut() {
                    let row = std::mem::take(&mut tb.row);
                    tb.rows.push(row);
                    tb.head_rows = tb.rows.len();
                    tb.in_head = false;
                }
            }
            TagEnd::TableRow => {
                if let Some(tb) = self.table.as_mut() {
                    let row = std::mem::take(&mut tb.row);
                    tb.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(tb) = self.table.take() {
                    self.render_table(tb);
                }
                self.out.push(Line::default());
            }
            _ => {}
        }
    }

    fn code_block(&mut self, code: &str) {
        let (_, all) = self.indent_widths();
        let mut prefix = self.quote_prefix();
        prefix.push(Span::raw(" ".repeat(all + 2)));
        prefix.push(Span::styled("│ ", self.theme.muted));
        let pw: usize = prefix.iter().map(|s| width(&s.content)).sum();
        let avail = self.width.saturating_sub(pw).max(1);
        let code = code.strip_suffix('\n').unwrap_or(code);
        for src_line in code.split('\n') {
            let mut chunk = String::new();
            let mut w = 0;
            let mut emitted = false;
            for ch in src_line.chars() {
                let ch = if ch == '\t' { ' ' } else { ch };
                let cw = UnicodeWidthChar::width(ch).unwrap_or(0);
                if w + cw > avail && !chunk.is_empty() {
                    let mut spans = prefix.clone();
                    spans.push(Span::styled(std::mem::take(&mut chunk), self.theme.code));
                    self.out.push(Line::from(spans));
                    emitted = true;
                    w = 0;
                }
                chunk.push(ch);
                w += cw;
            }
            if !chunk.is_empty() || !emitted {
                let mut spans = prefix.clone();
                spans.push(Span::styled(chunk, self.theme.code));
                self.out.push(Line::from(spans));
            }
        }
    }

    fn render_table(&mut self, tb: TableBuf) {
        let cols = tb.rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return;
        }
        let mut widths = vec![0usize; cols];
        for row in &tb.rows {
            for (i, c) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(width(c));
                }
            }
        }
        let (_, indent) = self.indent_widths();
        let mut prefix = self.quote_prefix();
        prefix.push(Span::raw(" ".repeat(indent)));
        let pw: usize = prefix.iter().map(|s| width(&s.content)).sum();
        let total = widths.iter().sum::<usize>() + 3 * cols.saturating_sub(1);
        let head_style = self.theme.text.add_modifier(Modifier::BOLD);
        if pw + total <= self.width {
            for (r, row) in tb.rows.iter().enumerate() {
                let mut spans = prefix.clone();
                for (i, w) in widths.iter().enumerate() {
                    if i > 0 {
                        spans.push(Span::styled(" │ ", self.theme.muted));
                    }
                    let cell = row.get(i).map(String::as_str).unwrap_or("");
                    let st = if r < tb.head_rows {
                        head_style
                    } else {
                        self.theme.text
                    };
                    let pad = w.saturating_sub(width(cell));
                    spans.push(Span::styled(format!("{cell}{}", " ".repeat(pad)), st));
                }
                self.out.push(Line::from(spans));
                if r + 1 == tb.head_rows {
                    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                    let mut spans = prefix.clone();
                    spans.push(Span::styled(rule.join("─┼─"), self.theme.muted));
                    self.out.push(Line::from(spans));
                }
            }
        } else {
            // Too wide: one block per row, "header: value".
            let header: Vec<String> = if tb.head_rows > 0 {
                tb.rows.first().cloned().unwrap_or_default()
            } else {
                Vec::new()
            };
            for (n, row) in tb.rows.iter().skip(tb.head_rows).enumerate() {
                if n > 0 {
                    self.out.push(Line::default());
                }
                for (i, cell) in row.iter().enumerate() {
                    let name = header
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| format!("{}", i + 1));
                    let pieces = vec![
                        (format!("{name}: "), head_style),
                        (cell.clone(), self.theme.text),
                    ];
                    let mut first = prefix.clone();
                    first.push(Span::styled(
                        if i == 0 { "▸ " } else { "  " },
                        self.theme.muted,
                    ));
                    let mut rest = prefix.clone();
                    rest.push(Span::raw("    "));
                    let lines = wrap(&pieces, self.width, &first, &rest);
                    self.out.extend(lines);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::ThemeName;
    use crate::tui::ui::text::line_text;

    fn plain(md: &str, w: usize) -> Vec<String> {
        render(md, w, &Theme::new(ThemeName::Mono))
            .iter()
            .map(line_text)
            .collect()
    }

    #[test]
    fn paragraphs_lists_and_inline_code() {
        let out = plain("Intro with `ttl` here.\n\n- one\n- two\n  1. sub\n", 40);
        assert_eq!(
            out,
            vec!["Intro with `ttl` here.", "", "• one", "• two", "  1. sub"]
        );
    }

    #[test]
    fn emphasis_is_a_modifier_not_text() {
        let t = Theme::new(ThemeName::Mono);
        let lines = render("a **bold** and *it*", 40, &t);
        let spans = &lines[0].spans;
        let bold = spans.iter().find(|s| s.content == "bold").map(|s| s.style);
        assert!(bold.is_some_and(|s| s.add_modifier.contains(Modifier::BOLD)));
        let it = spans.iter().find(|s| s.content == "it").map(|s| s.style);
        assert!(it.is_some_and(|s| s.add_modifier.contains(Modifier::ITALIC)));
    }

    #[test]
    fn code_blocks_keep_indentation_and_split_long_lines() {
        let out = plain("```toml\n[a]\n  ttl = 300\n```\n", 40);
        assert_eq!(out, vec!["  │ [a]", "  │   ttl = 300"]);
        let out = plain("```\nabcdefghij\n```\n", 8);
        assert_eq!(out, vec!["  │ abcd", "  │ efgh", "  │ ij"]);
    }

    #[test]
    fn tables_align_or_fall_back_to_rows() {
        let md = "| Status | Stage |\n|---|---|\n| 401 | Authorizer |\n| 403 | WAF |\n";
        let out = plain(md, 40);
        assert_eq!(out[0], "Status │ Stage     ");
        assert_eq!(out[1], "───────┼───────────");
        assert_eq!(out[2], "401    │ Authorizer");
        let narrow = plain(md, 18);
        assert!(narrow.contains(&"▸ Status: 401".to_string()), "{narrow:?}");
        assert!(narrow.iter().any(|l| l.contains("Stage:")), "{narrow:?}");
    }

    #[test]
    fn headings_and_links() {
        let out = plain("# Title\n\nSee [the docs](https://aws.example/x).", 80);
        assert_eq!(
            out,
            vec!["Title", "", "See the docs (https://aws.example/x)."]
        );
    }

    #[test]
    fn never_panics_on_odd_input_or_width() {
        for md in [
            "",
            "|",
            "- ",
            "```",
            "> > >",
            "1. a\n   ```\n   x\n   ```",
            "| a |\n|---|\n| b | c | d |",
        ] {
            for w in [0, 1, 2, 5, 80] {
                let _ = render(md, w, &Theme::new(ThemeName::Dark));
            }
        }
    }
}
