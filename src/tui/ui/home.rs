//! The home screen: the course with progress, "continue", the free lab and
//! the quizzes.

use crate::tui::app::{AppState, HomeEntry};
use crate::tui::strings as s;
use crate::tui::ui::layout::{LAB_SPLIT_COLS, inner};
use crate::tui::ui::text::{ellipsize, fit, width, wrap, wrap_plain};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Rows of the detail panel when it sits under the list.
const DETAIL_ROWS: u16 = 8;

/// Draw the home screen.
pub fn render(st: &AppState, f: &mut Frame, body: Rect) {
    let (list, detail) = if body.width >= LAB_SPLIT_COLS {
        let lw = body.width.saturating_mul(3) / 5;
        (
            Rect { width: lw, ..body },
            Rect {
                x: body.x.saturating_add(lw),
                width: body.width.saturating_sub(lw),
                ..body
            },
        )
    } else {
        let dh = DETAIL_ROWS.min(body.height / 3);
        let lh = body.height.saturating_sub(dh);
        (
            Rect { height: lh, ..body },
            Rect {
                y: body.y.saturating_add(lh),
                height: dh,
                ..body
            },
        )
    };
    render_list(st, f, list);
    render_detail(st, f, detail);
}

fn render_list(st: &AppState, f: &mut Frame, area: Rect) {
    let t = &st.theme;
    let block = Block::bordered()
        .title(format!(" {} ", s::HOME_LIST_TITLE))
        .border_style(t.focus)
        .title_style(t.focus);
    let inn = inner(area);
    f.render_widget(block, area);
    let w = usize::from(inn.width);
    let cols = format!("{:>4} {:>3} {:>5}", s::COL_READ, s::COL_LAB, s::COL_QUIZ);
    let cols_w = width(&cols);
    let title_w = w.saturating_sub(cols_w + 3);
    let entries = st.home_entries();
    let mut lines: Vec<Line> = vec![Line::from(vec![
        Span::raw(" ".repeat(title_w + 3)),
        Span::styled(cols, t.muted),
    ])];
    let first_row = lines.len();
    for (i, e) in entries.iter().enumerate() {
        let selected = i == st.home_sel;
        let marker = if selected { "› " } else { "  " };
        let line = match e {
            HomeEntry::Continue => {
                let (li, si) = st.continue_target().unwrap_or((0, 0));
                let lesson = st.course.lessons.get(li);
                let lt = lesson.map(|l| l.title.as_str()).unwrap_or("");
                let sec = lesson
                    .and_then(|l| l.sections.get(si))
                    .map(|x| x.title.as_str())
                    .unwrap_or(s::CHECK_TITLE);
                Line::from(vec![
                    Span::raw(marker),
                    Span::styled(
                        ellipsize(&s::continue_entry(lt, sec), w.saturating_sub(2)),
                        t.accent,
                    ),
                ])
            }
            HomeEntry::Lesson(li) => {
                let Some(l) = st.course.lessons.get(*li) else {
                    continue;
                };
                let p = st.progress.lesson(&l.id);
                let read = p.is_some_and(|p| p.read);
                let lab = p.is_some_and(|p| p.lab_tried);
                let quiz = p
                    .and_then(|p| p.quiz)
                    .map(|q| format!("{}/{}", q.correct, q.total));
                let title = fit(&format!("{:>2}. {}", l.order, l.title), title_w);
                let mark = |b: bool| if b { "✓" } else { "–" };
                let cells = format!(
                    " {:>4} {:>3} {:>5}",
                    mark(read),
                    if l.scenario.is_some() { mark(lab) } else { " " },
                    quiz.unwrap_or_else(|| "–".into())
                );
                Line::from(vec![Span::raw(marker), Span::raw(title), Span::raw(cells)])
            }
            HomeEntry::FreeLab => Line::from(vec![
                Span::raw(marker),
                Span::styled(ellipsize(s::FREE_LAB_ENTRY, w.saturating_sub(2)), t.accent),
            ]),
            HomeEntry::Quizzes => Line::from(vec![
                Span::raw(marker),
                Span::styled(ellipsize(s::QUIZZES_ENTRY, w.saturating_sub(2)), t.accent),
            ]),
            HomeEntry::Demos => Line::from(vec![
                Span::raw(marker),
                Span::styled(ellipsize(s::DEMOS_ENTRY, w.saturating_sub(2)), t.accent),
            ]),
        };
        lines.push(if selected {
            line.style(t.selected)
        } else {
            line
        });
    }
    // Keep the selected entry in view (the column heads stay on top).
    let rows = usize::from(inn.height).saturating_sub(first_row).max(1);
    let offset = (st.home_sel + 1).saturating_sub(rows);
    let mut visible: Vec<Line> = lines.iter().take(first_row).cloned().collect();
    visible.extend(lines.into_iter().skip(first_row + offset).take(rows));
    f.render_widget(Paragraph::new(visible), inn);
}

fn render_detail(st: &AppState, f: &mut Frame, area: Rect) {
    let t = &st.theme;
    let block = Block::bordered()
        .title(format!(" {} ", s::HOME_DETAIL_TITLE))
        .border_style(t.border);
    let inn = inner(area);
    f.render_widget(block, area);
    let w = usize::from(inn.width);
    let mut lines: Vec<Line> = Vec::new();
    match st.home_entries().get(st.home_sel) {
        Some(HomeEntry::Lesson(i)) => {
            if let Some(l) = st.course.lessons.get(*i) {
                lines.extend(wrap_plain(&l.title, t.heading, w, 0));
                lines.extend(wrap_plain(&l.summary, t.text, w, 0));
                let p = st.progress.lesson(&l.id);
                let prog = s::lesson_progress(
                    p.is_some_and(|p| p.read),
                    p.is_some_and(|p| p.lab_tried),
                    p.and_then(|p| p.quiz).map(|q| (q.correct, q.total)),
                );
                lines.extend(wrap_plain(&prog, t.muted, w, 0));
                if !l.goals.is_empty() {
                    lines.push(Line::default());
                    lines.push(Line::styled(s::GOALS, t.text));
                    for g in &l.goals {
                        let first = [Span::styled("• ", t.accent)];
                        let rest = [Span::raw("  ")];
                        lines.extend(wrap(&[(g.clone(), t.text)], w, &first, &rest));
                    }
                }
            }
        }
        Some(HomeEntry::Continue) => lines.extend(wrap_plain(s::CONTINUE_DETAIL, t.text, w, 0)),
        Some(HomeEntry::FreeLab) => lines.extend(wrap_plain(s::FREE_LAB_DETAIL, t.text, w, 0)),
        Some(HomeEntry::Quizzes) => lines.extend(wrap_plain(s::QUIZZES_DETAIL, t.text, w, 0)),
        Some(HomeEntry::Demos) => lines.extend(wrap_plain(s::DEMOS_DETAIL, t.text, w, 0)),
        None => {}
    }
    f.render_widget(Paragraph::new(lines), inn);
}
