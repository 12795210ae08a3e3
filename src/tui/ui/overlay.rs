//! Overlays: help, yes/no questions, text prompts, popups, pickers, list
//! editors and the glossary. Each is drawn over a cleared box.

use super::layout::{centered, inner};
use super::markdown;
use super::text::{ellipsize, fit, hard_wrap, wrap, wrap_plain};
use crate::tui::app::{AppState, MessageBody, Modal};
use crate::tui::keymap;
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// Draw one overlay over `area` (the whole terminal).
pub fn render(st: &AppState, m: &Modal, f: &mut Frame, area: Rect) {
    let t = &st.theme;
    match m {
        Modal::Help { scroll } => {
            let r = centered(area, 96, area.height.saturating_sub(2));
            let lines = help_lines(t, usize::from(inner(r).width));
            scrolled(f, t, r, s::HELP_TITLE, lines, *scroll);
        }
        Modal::Message {
            title,
            body,
            scroll,
        } => {
            let r = centered(area, 100, area.height.saturating_sub(4));
            let w = usize::from(inner(r).width);
            let lines = match body {
                MessageBody::Prose(text) => text
                    .split('\n')
                    .flat_map(|l| wrap_plain(l, t.text, w, 0))
                    .collect(),
                MessageBody::Verbatim(text) => text
                    .split('\n')
                    .flat_map(|l| hard_wrap(l, w))
                    .map(|l| Line::styled(l, t.text))
                    .collect(),
                MessageBody::Markdown(md) => markdown::render(md, w, t),
            };
            scrolled(f, t, r, title, lines, *scroll);
        }
        Modal::Confirm { question, .. } => {
            let w = 64u16.min(area.width.saturating_sub(4));
            let mut lines = wrap_plain(question, t.text, usize::from(w.saturating_sub(2)), 0);
            lines.push(Line::default());
            lines.push(Line::styled(s::CONFIRM_KEYS, t.key));
            let h = u16::try_from(lines.len())
                .unwrap_or(u16::MAX)
                .saturating_add(2);
            let r = centered(area, w, h);
            boxed(f, t, r, s::CONFIRM_TITLE, lines);
        }
        Modal::Prompt {
            title,
            input,
            error,
            ..
        } => {
            let w = 72u16.min(area.width.saturating_sub(4));
            let iw = usize::from(w.saturating_sub(2));
            // Show the part of the text around the cursor.
            let chars: Vec<char> = input.text.chars().collect();
            let cursor = input.cursor.min(chars.len());
            let start = (cursor + 1).saturating_sub(iw.max(1));
            let before: String = chars[start..cursor].iter().collect();
            let at: String = chars
                .get(cursor)
                .map(|c| c.to_string())
                .unwrap_or_else(|| " ".into());
            let after: String = chars.iter().skip(cursor + 1).collect();
            let mut lines = vec![Line::from(vec![
                Span::styled(before, t.text),
                Span::styled(at, t.selected),
                Span::styled(
                    ellipsize(&after, iw.saturating_sub(cursor - start + 1)),
                    t.text,
                ),
            ])];
            if let Some(e) = error {
                lines.extend(wrap_plain(&format!("✗ {e}"), t.error, iw, 0));
            }
            let h = u16::try_from(lines.len())
                .unwrap_or(u16::MAX)
                .saturating_add(2);
            let r = centered(area, w, h);
            boxed(f, t, r, title, lines);
        }
        Modal::Picker {
            title,
            items,
            selected,
            ..
        } => {
            let w = 72u16.min(area.width.saturating_sub(4));
            let iw = usize::from(w.saturating_sub(2));
            let mut lines = Vec::new();
            let mut sel_rows = (0, 0);
            for (i, it) in items.iter().enumerate() {
                let start = lines.len();
                let mark = if i == *selected { "› " } else { "  " };
                let line = Line::from(vec![
                    Span::raw(mark),
                    Span::styled(fit(&it.label, iw.saturating_sub(2)), t.text),
                ]);
                lines.push(if i == *selected {
                    line.patch_style(t.selected)
                } else {
                    line
                });
                if !it.detail.is_empty() {
                    lines.extend(wrap_plain(&it.detail, t.muted, iw, 4));
                }
                if i == *selected {
                    sel_rows = (start, lines.len());
                }
            }
            let h = (u16::try_from(lines.len())
                .unwrap_or(u16::MAX)
                .saturating_add(2))
            .min(area.height.saturating_sub(2));
            let r = centered(area, w, h);
            let ih = usize::from(inner(r).height);
            let off = super::lab::scroll_to(sel_rows, ih, lines.len());
            let title = format!("{title} ({})", s::position(selected + 1, items.len()));
            boxed(f, t, r, &title, lines.into_iter().skip(off).collect());
        }
        Modal::ListEdit {
            title,
            items,
            selected,
            error,
            ..
        } => {
            let w = 72u16.min(area.width.saturating_sub(4));
            let iw = usize::from(w.saturating_sub(2));
            let mut lines = Vec::new();
            if items.is_empty() {
                lines.push(Line::styled(s::LIST_EMPTY, t.muted));
            }
            for (i, it) in items.iter().enumerate() {
                let mark = if i == *selected { "› " } else { "  " };
                let line = Line::from(vec![
                    Span::raw(mark),
                    Span::styled(ellipsize(it, iw.saturating_sub(2)), t.text),
                ]);
                lines.push(if i == *selected {
                    line.patch_style(t.selected)
                } else {
                    line
                });
            }
            if let Some(e) = error {
                lines.extend(wrap_plain(&format!("✗ {e}"), t.error, iw, 0));
            }
            let h = (u16::try_from(lines.len())
                .unwrap_or(u16::MAX)
                .saturating_add(2))
            .min(area.height.saturating_sub(2));
            let r = centered(area, w, h.max(3));
            let ih = usize::from(inner(r).height);
            let off = (selected + 1).saturating_sub(ih);
            boxed(f, t, r, title, lines.into_iter().skip(off).collect());
        }
        Modal::Glossary { terms, selected } => {
            let r = centered(area, 90, area.height.saturating_sub(4));
            let iw = usize::from(inner(r).width);
            let mut lines = Vec::new();
            let mut sel_rows = (0, 0);
            for (i, ti) in terms.iter().enumerate() {
                let Some(term) = st.course.glossary.get(*ti) else {
                    continue;
                };
                let start = lines.len();
                let chosen = i == *selected;
                let mark = if chosen { "› " } else { "  " };
                let line = Line::from(vec![
                    Span::raw(mark),
                    Span::styled(term.term.clone(), t.heading),
                ]);
                lines.push(if chosen {
                    line.patch_style(t.selected)
                } else {
                    line
                });
                if chosen {
                    lines.extend(wrap_plain(&term.definition, t.text, iw, 4));
                    if !term.see.is_empty() {
                        lines.extend(wrap_plain(
                            &format!("{} {}", s::SEE_ALSO, term.see.join(", ")),
                            t.muted,
                            iw,
                            4,
                        ));
                    }
                    if let Some(src) = &term.source {
                        lines.extend(wrap_plain(&format!("{} {src}", s::SOURCE), t.muted, iw, 4));
                    }
                }
                sel_rows = if chosen {
                    (start, lines.len())
                } else {
                    sel_rows
                };
            }
            let ih = usize::from(inner(r).height);
            let off = super::lab::scroll_to(sel_rows, ih, lines.len());
            boxed(
                f,
                t,
                r,
                s::GLOSSARY_TITLE,
                lines.into_iter().skip(off).collect(),
            );
        }
    }
}

fn boxed(f: &mut Frame, t: &Theme, r: Rect, title: &str, lines: Vec<Line<'static>>) {
    f.render_widget(Clear, r);
    let tw = usize::from(r.width.saturating_sub(4));
    let block = Block::bordered()
        .title(Line::styled(format!(" {} ", ellipsize(title, tw)), t.focus))
        .border_style(t.focus);
    let inn = inner(r);
    f.render_widget(block, r);
    let visible: Vec<Line> = lines.into_iter().take(usize::from(inn.height)).collect();
    f.render_widget(Paragraph::new(visible), inn);
}

fn scrolled(
    f: &mut Frame,
    t: &Theme,
    r: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    scroll: usize,
) {
    let ih = usize::from(inner(r).height);
    let off = scroll.min(lines.len().saturating_sub(ih));
    let mut title = title.to_string();
    if lines.len() > ih {
        title = format!(
            "{title} · {}–{}/{}",
            off + 1,
            (off + ih).min(lines.len()),
            lines.len()
        );
    }
    boxed(f, t, r, &title, lines.into_iter().skip(off).collect());
}

/// The help text, generated from the key table.
pub fn help_lines(t: &Theme, w: usize) -> Vec<Line<'static>> {
    let mut lines = wrap_plain(s::HELP_INTRO, t.muted, w, 0);
    for (ctx, rows) in keymap::help_groups() {
        lines.push(Line::default());
        lines.push(Line::styled(ctx.title(), t.heading));
        for b in rows {
            let keys = keymap::keys_label(b);
            let first = [
                Span::raw("  "),
                Span::styled(fit(&keys, 22), t.key),
                Span::raw(" "),
            ];
            let rest = [Span::raw(" ".repeat(25))];
            lines.extend(wrap(&[(b.desc.to_string(), t.text)], w, &first, &rest));
        }
    }
    lines.push(Line::default());
    lines.extend(wrap_plain(s::KEYS_TYPING_NOTE, t.muted, w, 0));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_group() {
        let t = Theme::new(crate::tui::theme::ThemeName::Mono);
        let text: Vec<String> = help_lines(&t, 80)
            .iter()
            .map(crate::tui::ui::text::line_text)
            .collect();
        assert!(text.iter().any(|l| l == "Gateway panel"));
        assert!(
            text.iter()
                .any(|l| l.starts_with("  f ") && l.ends_with("fire the request"))
        );
    }
}
