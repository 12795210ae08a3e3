//! The lesson pane: a section at a time, Markdown body, try-it steps as a
//! checklist, check-yourself questions at the end.

use super::markdown;
use super::text::{ellipsize, wrap, wrap_plain};
use crate::content::lesson::{Lesson, SectionKind};
use crate::progress::learner::{LearnerProgress, step_key};
use crate::tui::app::{AppState, LessonUi, Pane, section_count};
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use crate::tui::ui::layout::inner;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Rows above the scrolling body: the section counter and the section title.
pub const HEAD_ROWS: u16 = 2;

/// The lines of a section, and where each try-it step starts.
pub struct SectionText {
    /// Wrapped lines.
    pub lines: Vec<Line<'static>>,
    /// Index into `lines` of the first line of each step.
    pub step_rows: Vec<usize>,
}

/// Build the body of the current section at a width.
pub fn section_text(
    lesson: &Lesson,
    ui: &LessonUi,
    progress: &LearnerProgress,
    width: usize,
    theme: &Theme,
) -> SectionText {
    let w = width.max(1);
    let mut lines = Vec::new();
    let mut step_rows = Vec::new();
    let Some(section) = lesson.sections.get(ui.section) else {
        check_questions(lesson, ui, w, theme, &mut lines);
        return SectionText { lines, step_rows };
    };
    if !section.body.trim().is_empty() {
        lines.extend(markdown::render(&section.body, w, theme));
    }
    if !section.steps.is_empty() {
        lines.push(Line::default());
        for (i, step) in section.steps.iter().enumerate() {
            let done = progress.step_done(&lesson.id, &step_key(&section.id, i + 1));
            let chosen = i == ui.step;
            step_rows.push(lines.len());
            let boxed = if done { "[✓]" } else { "[ ]" };
            let pointer = if chosen { "▶" } else { " " };
            let st = if done { theme.ok } else { theme.text };
            let first = [Span::styled(format!("{pointer}{boxed} {}. ", i + 1), st)];
            let rest = [Span::raw("       ")];
            let mut step_lines = wrap(&[(step.action.clone(), theme.text)], w, &first, &rest);
            if chosen {
                for l in step_lines.iter_mut() {
                    *l = std::mem::take(l).patch_style(theme.selected);
                }
            }
            lines.extend(step_lines);
            let pad = [Span::raw("       ")];
            let observe = [
                (
                    format!("{} ", s::STEP_OBSERVE),
                    theme.muted.add_modifier(Modifier::BOLD),
                ),
                (step.observe.clone(), theme.text),
            ];
            lines.extend(wrap(&observe, w, &pad, &pad));
            if chosen {
                let hint = match (&step.request, &step.control) {
                    (Some(r), _) => format!("↳ {} ({r})", s::STEP_HINT_REQUEST),
                    (None, Some(c)) => format!("↳ {} ({c})", s::STEP_HINT_CONTROL),
                    (None, None) => format!("↳ {}", s::STEP_HINT_MANUAL),
                };
                lines.extend(wrap(&[(hint, theme.accent)], w, &pad, &pad));
            }
        }
    }
    let sources: Vec<&String> = section.sources.iter().collect();
    if !sources.is_empty() {
        lines.push(Line::default());
        for src in sources {
            lines.extend(wrap_plain(
                &format!("{} {src}", s::SOURCE),
                theme.muted,
                w,
                0,
            ));
        }
    }
    SectionText { lines, step_rows }
}

fn check_questions(
    lesson: &Lesson,
    ui: &LessonUi,
    w: usize,
    theme: &Theme,
    lines: &mut Vec<Line<'static>>,
) {
    for (qi, q) in lesson.check.iter().enumerate() {
        if qi > 0 {
            lines.push(Line::default());
        }
        let first = [Span::styled(format!("{}. ", qi + 1), theme.heading)];
        let rest = [Span::raw("   ")];
        lines.extend(wrap(
            &[(q.question.clone(), theme.text.add_modifier(Modifier::BOLD))],
            w,
            &first,
            &rest,
        ));
        for (oi, opt) in q.options.iter().enumerate() {
            let letter = char::from(b'a'.saturating_add(u8::try_from(oi).unwrap_or(25)));
            let right = ui.show_answers && oi == q.answer;
            let mark = if right { "✓" } else { " " };
            let style = if right {
                theme.ok.add_modifier(Modifier::BOLD)
            } else {
                theme.text
            };
            let first = [Span::styled(format!("  {mark} {letter}) "), style)];
            let rest = [Span::raw("       ")];
            lines.extend(wrap(&[(opt.clone(), style)], w, &first, &rest));
        }
        if ui.show_answers {
            let pad = [Span::raw("   ")];
            let text = [
                (
                    format!("{} ", s::ANSWER),
                    theme.ok.add_modifier(Modifier::BOLD),
                ),
                (q.explanation.clone(), theme.text),
            ];
            lines.extend(wrap(&text, w, &pad, &pad));
        }
    }
    if !ui.show_answers && !lesson.check.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled(s::ANSWERS_HIDDEN, theme.muted));
    }
}

/// Draw the lesson pane.
pub fn render(st: &AppState, f: &mut Frame, area: Rect) {
    let t = &st.theme;
    let (Some(ui), Some(lesson)) = (st.lesson.as_ref(), st.current_lesson()) else {
        return;
    };
    let focused = st.focus == Pane::Lesson;
    let inn = inner(area);
    let w = usize::from(inn.width);
    let body_h = usize::from(inn.height.saturating_sub(HEAD_ROWS));
    let text = section_text(lesson, ui, &st.progress, w, t);
    let max_scroll = text.lines.len().saturating_sub(body_h);
    let scroll = ui.scroll.min(max_scroll);
    let n = section_count(lesson);
    let (kind, title) = match lesson.sections.get(ui.section) {
        Some(sec) => (s::section_kind(sec.kind), sec.title.as_str()),
        None => (s::CHECK_TITLE, s::CHECK_TITLE),
    };
    let more = if text.lines.len() > body_h {
        format!(
            " {}–{}/{} ",
            scroll + 1,
            (scroll + body_h).min(text.lines.len()),
            text.lines.len()
        )
    } else {
        String::new()
    };
    let border = if focused { t.focus } else { t.border };
    let block = Block::bordered()
        .title(Line::styled(
            format!(
                " {}: {} ",
                s::PANE_LESSON,
                ellipsize(&lesson.title, w.saturating_sub(12))
            ),
            border,
        ))
        .title_bottom(Line::styled(more, t.muted).right_aligned())
        .border_style(border);
    f.render_widget(block, area);

    let dots: String = (0..n)
        .map(|i| if i == ui.section { '●' } else { '○' })
        .collect();
    let kind_style = match lesson.sections.get(ui.section).map(|x| x.kind) {
        Some(SectionKind::TryIt) => t.accent.add_modifier(Modifier::BOLD),
        Some(SectionKind::Mistakes) => t.warn,
        _ => t.muted,
    };
    let head = vec![
        Line::from(vec![
            Span::styled(
                format!("{} · ", s::section_counter(ui.section + 1, n)),
                t.muted,
            ),
            Span::styled(kind.to_string(), kind_style),
            Span::styled(format!("  {dots}"), t.muted),
        ]),
        Line::styled(ellipsize(title, w), t.heading),
    ];
    let head_area = Rect {
        height: inn.height.min(HEAD_ROWS),
        ..inn
    };
    f.render_widget(Paragraph::new(head), head_area);
    let body = Rect {
        y: inn.y.saturating_add(head_area.height),
        height: inn.height.saturating_sub(head_area.height),
        ..inn
    };
    let visible: Vec<Line> = text.lines.into_iter().skip(scroll).take(body_h).collect();
    f.render_widget(Paragraph::new(visible), body);
}
