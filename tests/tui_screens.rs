//! Snapshots of every screen that needs no lab (mono theme, 80×24 and
//! 120×40), a few style checks, and a draw at every size from 1×1 to 200×60.

mod tui_common;

use gatelab::progress::learner::LearnerProgress;
use gatelab::tui::app::{AppState, Screen};
use gatelab::tui::{Action, Command as C, ThemeName, update};
use ratatui::style::{Color, Modifier};
use tui_common::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn some_progress() -> LearnerProgress {
    let mut p = LearnerProgress::default();
    p.mark_section_read("overview", "intro", ["intro", "order"]);
    p.mark_section_read("overview", "order", ["intro", "order"]);
    p.mark_lab_tried("authorizer-caching");
    p.record_quiz("authorizer-caching", 4, 5);
    p.set_last("authorizer-caching", "try-it");
    p
}

/// Every screen state reachable without a lab, by name.
fn states(w: u16, h: u16) -> Vec<(&'static str, AppState)> {
    let mut v = Vec::new();
    v.push(("home", app_with(Box::new(NoLabs), some_progress(), w, h)));

    let mut st = app(w, h);
    press(&mut st, C::Down);
    v.push(("home_second_lesson", st));

    let mut st = app(w, h);
    press(&mut st, C::Glossary);
    press(&mut st, C::Down);
    v.push(("glossary", st));

    let mut st = app(w, h);
    press_all(&mut st, &[C::Down, C::Activate]);
    v.push(("lesson_explain", st));

    let mut st = app(w, h);
    press_all(
        &mut st,
        &[C::Down, C::Activate, C::NextSection, C::Down, C::Activate],
    );
    v.push(("lesson_try_it", st));

    let mut st = app(w, h);
    press_all(&mut st, &[C::Down, C::Activate]);
    for _ in 0..6 {
        press(&mut st, C::NextSection);
    }
    press(&mut st, C::ToggleAnswers);
    v.push(("lesson_check_answers", st));

    let mut st = app(w, h);
    press_all(&mut st, &[C::Down, C::Activate, C::NextPane]);
    v.push(("lesson_lab_unavailable", st));

    let mut st = app(w, h);
    press(&mut st, C::Help);
    v.push(("help", st));

    let mut st = app(w, h);
    press_all(&mut st, &[C::Down, C::Down, C::Down, C::Activate]);
    v.push(("quizzes", st));

    let mut st = app(w, h);
    press_all(&mut st, &[C::Down, C::ResetTopic]);
    v.push(("confirm_reset_topic", st));

    let corrupt = gatelab::progress::store::Loaded::Corrupt {
        value: LearnerProgress::default(),
        moved_to: "/home/learner/.local/state/gatelab/progress.corrupt-1.json".into(),
        problem: "expected value at line 1 column 1".into(),
    };
    let st = AppState::new(course(Box::new(NoLabs)), mono(), corrupt, None, (w, h));
    v.push(("corrupt_progress", st));
    v
}

#[test]
fn snapshots_of_every_screen_without_a_lab() {
    for (w, h) in SIZES {
        for (name, st) in states(w, h) {
            let term = draw(&st);
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(term.backend().buffer()));
        }
    }
}

#[test]
fn snapshot_of_the_too_small_screen() {
    let st = app(60, 20);
    let out = screen(&st);
    assert!(out.contains("need 80×24, have 60×20"), "{out}");
    insta::assert_snapshot!("too_small_60x20", out);
}

#[test]
fn draws_every_screen_at_every_size_without_panicking() {
    let widths = [
        1u16, 2, 3, 5, 8, 13, 20, 30, 45, 60, 79, 80, 81, 99, 100, 101, 120, 139, 140, 141, 170,
        200,
    ];
    let heights = [1u16, 2, 3, 4, 5, 8, 13, 20, 23, 24, 25, 30, 40, 60];
    for (name, mut st) in states(80, 24) {
        for w in widths {
            for h in heights {
                let term = draw_at(&mut st, w, h);
                let out = text(term.backend().buffer());
                assert_eq!(out.lines().count(), usize::from(h), "{name} at {w}×{h}");
            }
        }
    }
}

#[test]
fn resizing_mid_scroll_keeps_the_lesson_readable() {
    let mut st = app(120, 40);
    press_all(&mut st, &[C::Down, C::Activate]);
    for _ in 0..30 {
        press(&mut st, C::Down);
    }
    // Much taller: the scroll position is clamped when drawn, never past the end.
    let term = draw_at(&mut st, 200, 60);
    let out = text(term.backend().buffer());
    assert!(out.contains("How the cache works"), "{out}");
    assert!(out.contains("every request invokes the Lambda"), "{out}");
}

#[test]
fn selected_home_row_is_reversed_and_marked() {
    let st = app(80, 24);
    let term = draw(&st);
    let buf = term.backend().buffer();
    let (x, y) = find(buf, "› ").expect("selection marker");
    assert!(
        buf[(x, y)]
            .style()
            .add_modifier
            .contains(Modifier::REVERSED)
    );
    let (tx, ty) = find(buf, "Protecting your APIs: an overview").expect("first lesson");
    assert_eq!(ty, y, "the marker is on the first lesson's row");
    assert!(
        buf[(tx, ty)]
            .style()
            .add_modifier
            .contains(Modifier::REVERSED)
    );
}

#[test]
fn done_steps_carry_a_glyph_and_the_ok_colour_in_the_dark_theme() {
    let mut st = app(120, 40);
    st.set_theme(ThemeName::Dark);
    press_all(
        &mut st,
        &[
            C::Down,
            C::Activate,
            C::NextSection,
            C::Down,
            C::Down,
            C::Activate,
        ],
    );
    let term = draw(&st);
    let buf = term.backend().buffer();
    let (x, y) = find(buf, "[✓] 3.").expect("the manual step is ticked");
    assert_eq!(buf[(x, y)].style().fg, Some(Color::Green));
    assert!(
        find(buf, "[ ] 1.").is_some(),
        "undone steps show an empty box"
    );
}

#[test]
fn focused_pane_border_is_bold_in_mono() {
    let mut st = app(160, 40);
    press_all(&mut st, &[C::Down, C::Activate]);
    let term = draw(&st);
    let buf = term.backend().buffer();
    let (x, y) = find(buf, "Lesson: Authorizer caching").expect("lesson pane title");
    assert!(buf[(x, y)].style().add_modifier.contains(Modifier::BOLD));
    // The pane without focus (the lab, which failed to open) is not bold.
    let (lx, ly) = find(buf, " Lab ").expect("lab pane title");
    assert!(
        !buf[(lx + 1, ly)]
            .style()
            .add_modifier
            .contains(Modifier::BOLD)
    );
    assert_eq!(st.screen, Screen::Lesson);
}

#[test]
fn mono_theme_draws_no_colour_at_all() {
    for (name, st) in states(120, 40) {
        let term = draw(&st);
        for cell in term.backend().buffer().content.iter() {
            assert!(
                cell.fg == Color::Reset && cell.bg == Color::Reset,
                "{name}: coloured cell {:?}",
                cell
            );
        }
    }
}

#[test]
fn resize_action_is_redraw_and_records_the_size() {
    let mut st = app(80, 24);
    assert_eq!(
        update(&mut st, Action::Resize(33, 7)),
        gatelab::tui::Flow::Redraw
    );
    assert_eq!(st.size, (33, 7));
    assert!(!st.big_enough());
}
