//! The presenter view: toggled with `P` or started with `--presenter`; high
//! contrast, the status in larger digits, no per-control help lines and the
//! lesson never beside the lab. Snapshots in the mono theme at 80×24,
//! 100×30 and 120×40, and a draw at every size.

#[path = "tui_common/labs.rs"]
mod labs;
mod tui_common;

use gatelab::progress::learner::LearnerProgress;
use gatelab::tui::app::{AppState, Pane};
use gatelab::tui::ui::outcome::huge_number;
use gatelab::tui::{Command as C, ThemeName};
use labs::TestLabs;
use ratatui::style::{Color, Modifier};
use tui_common::*;

fn lab_app(w: u16, h: u16) -> AppState {
    let mut st = app_with(Box::new(TestLabs), LearnerProgress::default(), w, h);
    press_all(&mut st, &[C::Down, C::Activate]);
    assert!(st.lab.is_some(), "lab opened: {:?}", st.lab_error);
    st
}

/// A fired request shown in the outcome view, presenter view on.
fn outcome(w: u16, h: u16) -> AppState {
    let mut st = lab_app(w, h);
    press_all(&mut st, &[C::NextSection, C::Activate]);
    st.focus = Pane::View;
    press(&mut st, C::TogglePresenter);
    st
}

fn gateway(w: u16, h: u16) -> AppState {
    let mut st = lab_app(w, h);
    st.focus = Pane::Gateway;
    press(&mut st, C::TogglePresenter);
    st
}

fn status(st: &AppState) -> Option<u16> {
    st.lab
        .as_ref()
        .and_then(|l| l.shown_entry())
        .and_then(|(_, o)| o.status)
}

#[test]
fn p_switches_the_presenter_view_and_its_high_contrast_styles() {
    let mut st = lab_app(120, 40);
    assert!(!st.opts.presenter);
    press(&mut st, C::TogglePresenter);
    assert!(st.opts.presenter);
    assert!(st.theme.text.add_modifier.contains(Modifier::BOLD));
    assert!(screen(&st).contains("[presenter]"));
    press(&mut st, C::TogglePresenter);
    assert!(!st.opts.presenter);
    assert!(!st.theme.text.add_modifier.contains(Modifier::BOLD));
    // Changing the palette keeps the presenter variant.
    press(&mut st, C::TogglePresenter);
    st.set_theme(ThemeName::Dark);
    assert!(st.theme.text.add_modifier.contains(Modifier::BOLD));
    assert_eq!(st.theme.muted, st.theme.text);
}

#[test]
fn the_status_is_drawn_in_double_size_digits() {
    for (w, h) in [(80, 24), (100, 30), (120, 40)] {
        let st = outcome(w, h);
        let code = status(&st).expect("a status");
        let huge = huge_number(Some(code));
        assert_eq!(huge.len(), 6);
        let out = screen(&st);
        for row in &huge {
            assert!(out.contains(row.as_str()), "{w}×{h}: {row}\n{out}");
        }
    }
    // Without the presenter view the digits keep their normal size.
    let mut st = outcome(120, 40);
    press(&mut st, C::TogglePresenter);
    let code = status(&st).expect("a status");
    assert!(!screen(&st).contains(huge_number(Some(code))[0].as_str()));
}

#[test]
fn per_control_help_lines_are_hidden() {
    let mut st = gateway(120, 40);
    let help = {
        let lab = st.lab.as_ref().unwrap();
        lab.session.controls[lab.control_sel].help.clone()
    };
    assert!(!help.is_empty(), "the first control has a help line");
    let first_words: String = help.chars().take(20).collect();
    assert!(!screen(&st).contains(&first_words));
    press(&mut st, C::TogglePresenter);
    assert!(screen(&st).contains(&first_words));
}

#[test]
fn the_lesson_never_sits_beside_the_lab() {
    let mut st = lab_app(160, 48);
    st.focus = Pane::Gateway;
    assert!(st.pane_layout().rect(Pane::Lesson).is_some());
    press(&mut st, C::TogglePresenter);
    assert!(st.pane_layout().rect(Pane::Lesson).is_none());
    assert!(st.pane_layout().rect(Pane::Gateway).is_some());
    st.focus = Pane::Lesson;
    assert!(st.pane_layout().rect(Pane::Lesson).is_some());
}

#[test]
fn the_mono_presenter_view_uses_no_colour() {
    let st = outcome(100, 30);
    let term = draw(&st);
    for cell in term.backend().buffer().content.iter() {
        assert!(
            cell.fg == Color::Reset && cell.bg == Color::Reset,
            "{cell:?}"
        );
    }
}

fn states(w: u16, h: u16) -> Vec<(&'static str, AppState)> {
    vec![
        ("presenter_outcome", outcome(w, h)),
        ("presenter_gateway", gateway(w, h)),
    ]
}

#[test]
fn snapshots_of_the_presenter_view() {
    for (w, h) in [(80, 24), (100, 30), (120, 40)] {
        for (name, st) in states(w, h) {
            let term = draw(&st);
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(term.backend().buffer()));
        }
    }
}

#[test]
fn the_presenter_view_draws_at_every_size() {
    let widths = [
        1u16, 2, 5, 20, 39, 40, 45, 79, 80, 99, 100, 120, 139, 140, 200,
    ];
    let heights = [1u16, 2, 4, 8, 9, 10, 11, 16, 20, 24, 30, 40, 60];
    for (name, mut st) in states(120, 40) {
        for w in widths {
            for h in heights {
                let term = draw_at(&mut st, w, h);
                let out = text(term.backend().buffer());
                assert_eq!(out.lines().count(), usize::from(h), "{name} at {w}×{h}");
            }
        }
    }
}
