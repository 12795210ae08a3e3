//! Title bar, status line and footer.

use crate::tui::action::Command;
use crate::tui::app::{AppState, NoticeKind, Screen};
use crate::tui::keymap;
use crate::tui::strings as s;
use crate::tui::ui::text::{ellipsize, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The title bar: app name, where you are, the virtual clock.
pub fn render_header(st: &AppState, f: &mut Frame, area: Rect) {
    let t = &st.theme;
    let place = match st.screen {
        Screen::Home => s::HOME_TITLE.to_string(),
        Screen::Quizzes => s::QUIZZES_TITLE.to_string(),
        Screen::Demo => st
            .demo
            .as_ref()
            .map(|d| format!("{} › {}", s::DEMO_TITLE, d.player.demo().title))
            .unwrap_or_else(|| s::DEMO_TITLE.to_string()),
        Screen::Quiz => st
            .quiz
            .as_ref()
            .map(|q| format!("{} › {}", s::QUIZZES_TITLE, q.session.quiz().title))
            .unwrap_or_else(|| s::QUIZZES_TITLE.to_string()),
        Screen::Review => st
            .review
            .as_ref()
            .map(|r| format!("{} › {}", s::REVIEW_TITLE, r.result.title))
            .unwrap_or_else(|| s::REVIEW_TITLE.to_string()),
        Screen::Lesson => st
            .current_lesson()
            .map(|l| format!("{}. {}", l.order, l.title))
            .unwrap_or_default(),
        Screen::FreeLab => st
            .lab
            .as_ref()
            .map(|l| format!("{} · {}", s::PANE_LAB, l.session.title))
            .unwrap_or_else(|| s::PANE_LAB.to_string()),
    };
    let mut right = String::new();
    if let Some(lab) = &st.lab {
        if lab.session.has_undeployed_changes() {
            right.push_str(&format!("⚠ {}  ", s::UNDEPLOYED_MARK));
        }
        if lab.changed_since_save {
            right.push_str(&format!("● {}  ", s::CHANGED_MARK));
        }
        right.push_str(&format!(
            "{} {} ",
            s::CLOCK_PREFIX,
            lab.session.now().rfc3339()
        ));
    }
    if st.opts.presenter {
        right.push_str(&format!("[{}] ", s::PRESENTER_MARK));
    }
    let w = usize::from(area.width);
    let left = format!(" {} │ {}", s::APP_NAME, place);
    let left = ellipsize(&left, w.saturating_sub(width(&right) + 1));
    let pad = w.saturating_sub(width(&left) + width(&right));
    let line = Line::from(vec![
        Span::raw(left),
        Span::raw(" ".repeat(pad)),
        Span::raw(right),
    ])
    .style(t.title);
    f.render_widget(Paragraph::new(line).style(t.title), area);
}

/// The status line: the latest notice.
pub fn render_status(st: &AppState, f: &mut Frame, area: Rect) {
    let t = &st.theme;
    let line = match &st.notice {
        Some((text, NoticeKind::Info)) => Line::from(Span::styled(format!(" ✓ {text}"), t.ok)),
        Some((text, NoticeKind::Warn)) => Line::from(Span::styled(format!(" ⚠ {text}"), t.warn)),
        Some((text, NoticeKind::Error)) => Line::from(Span::styled(format!(" ✗ {text}"), t.error)),
        None => Line::default(),
    };
    f.render_widget(Paragraph::new(line), area);
}

/// The footer: keys of the current context, from the key table.
pub fn render_footer(st: &AppState, f: &mut Frame, area: Rect) {
    let t = &st.theme;
    let chain = st.contexts();
    let no_panes = st.panes().len() < 2;
    let on_home = st.screen == Screen::Home && st.modals.is_empty();
    let entries: Vec<_> = keymap::footer_entries(&chain)
        .into_iter()
        .filter(|(_, cmd, _)| {
            !((no_panes && *cmd == Command::NextPane) || (on_home && *cmd == Command::Back))
        })
        .map(|(k, _, word)| (k, word))
        .collect();
    let w = usize::from(area.width);
    let (help, rest): (Vec<_>, Vec<_>) = entries.into_iter().partition(|(_, word)| *word == "help");
    let help_w = help
        .iter()
        .map(|(k, wd)| width(k) + width(wd) + 3)
        .sum::<usize>();
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (key, word) in rest {
        let need = width(&key) + width(word) + 3;
        if used + need + help_w > w {
            break;
        }
        spans.push(Span::styled(key, t.key));
        spans.push(Span::styled(format!(" {word}  "), t.muted));
        used += need;
    }
    for (key, word) in help {
        spans.push(Span::styled(key, t.key));
        spans.push(Span::styled(format!(" {word}"), t.muted));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
