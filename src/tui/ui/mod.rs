//! Pure rendering: `render(&AppState, &mut Frame)` draws the whole screen
//! from the state and changes nothing. One file per screen or region.

pub mod chrome;
pub mod demo;
pub mod home;
pub mod lab;
pub mod layout;
pub mod lesson;
pub mod markdown;
pub mod outcome;
pub mod overlay;
pub mod quiz;
pub mod text;
pub mod token;
pub mod traffic;

use super::app::{AppState, Screen};
use super::strings as s;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

/// Draw the whole screen.
pub fn render(st: &AppState, f: &mut Frame) {
    let area = f.area();
    if !layout::big_enough(area.width, area.height) {
        render_too_small(st, f, area);
        return;
    }
    let a = layout::areas(area);
    chrome::render_header(st, f, a.header);
    match st.screen {
        Screen::Home => home::render(st, f, a.body),
        Screen::Quizzes => quiz::render_list(st, f, a.body),
        Screen::Quiz => quiz::render_quiz(st, f, a.body),
        Screen::Review => quiz::render_review(st, f, a.body),
        Screen::Demo => demo::render(st, f, a.body),
        Screen::Lesson | Screen::FreeLab => lab::render_screen(st, f, a.body),
    }
    chrome::render_status(st, f, a.status);
    chrome::render_footer(st, f, a.footer);
    for m in &st.modals {
        overlay::render(st, m, f, area);
    }
}

fn render_too_small(st: &AppState, f: &mut Frame, area: Rect) {
    let msg = s::too_small(layout::MIN_COLS, layout::MIN_ROWS, area.width, area.height);
    let p = Paragraph::new(Line::styled(msg, st.theme.warn)).wrap(Wrap { trim: true });
    f.render_widget(p, area);
}
