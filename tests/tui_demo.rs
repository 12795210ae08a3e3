//! The demo player screen: opened from home, played step by step (back
//! replays the script), left for the live lab and resumed. Snapshots in the
//! mono theme at 80×24 and 120×40, and a draw at every size.

mod tui_common;

use gatelab::cli::app::tui_course;
use gatelab::content::Course;
use gatelab::progress::learner::LearnerProgress;
use gatelab::progress::store::Loaded;
use gatelab::tui::app::{AppState, HomeEntry, Modal, Screen};
use gatelab::tui::keymap::{Context, Key, lookup};
use gatelab::tui::{Command as C, Flow};
use ratatui::crossterm::event::KeyCode;
use tui_common::*;

fn course_app(w: u16, h: u16) -> AppState {
    let course = tui_course(Course::builtin().expect("the shipped course loads"));
    AppState::new(
        course,
        mono(),
        Loaded::Ok(LearnerProgress::default()),
        None,
        (w, h),
    )
}

/// Open the `cors` demo from the home screen's Demos entry.
fn open_cors(st: &mut AppState) {
    let at = st
        .home_entries()
        .iter()
        .position(|e| *e == HomeEntry::Demos)
        .expect("home lists the demos");
    st.home_sel = at;
    press(st, C::Activate);
    let Some(Modal::Picker { items, .. }) = st.modals.last() else {
        panic!("a demo picker, got {:?}", st.modals.len());
    };
    let i = items
        .iter()
        .position(|x| x.id == "cors")
        .expect("the cors demo is listed");
    for _ in 0..i {
        press(st, C::Down);
    }
    press(st, C::Activate);
    assert_eq!(st.screen, Screen::Demo);
}

fn position(st: &AppState) -> usize {
    st.demo.as_ref().map(|d| d.player.position()).unwrap_or(999)
}

#[test]
fn the_keys_of_the_demo_player_are_bound() {
    let chain = [Context::Demo, Context::Global];
    let k = |code| Key { code, ctrl: false };
    assert_eq!(lookup(&chain, k(KeyCode::Char(' '))), Some(C::NextStep));
    assert_eq!(lookup(&chain, k(KeyCode::Right)), Some(C::NextStep));
    assert_eq!(lookup(&chain, k(KeyCode::Left)), Some(C::PrevStep));
    assert_eq!(lookup(&chain, k(KeyCode::Enter)), Some(C::Activate));
    assert_eq!(lookup(&chain, k(KeyCode::Char('L'))), Some(C::LeaveScript));
    assert_eq!(lookup(&chain, k(KeyCode::Char('q'))), Some(C::Back));
    assert_eq!(lookup(&chain, k(KeyCode::Esc)), Some(C::Back));
}

#[test]
fn a_demo_plays_forward_back_live_and_resumes() {
    let mut st = course_app(120, 40);
    open_cors(&mut st);
    assert_eq!(st.contexts().first(), Some(&Context::Demo));
    assert_eq!(position(&st), 0);
    press_all(&mut st, &[C::NextStep, C::NextStep]);
    assert_eq!(position(&st), 2);
    let after_two = st.demo.as_ref().and_then(|d| d.player.current().cloned());
    press(&mut st, C::NextStep);
    assert_eq!(position(&st), 3);
    press(&mut st, C::PrevStep);
    assert_eq!(position(&st), 2);
    let back = st.demo.as_ref().and_then(|d| d.player.current().cloned());
    assert_eq!(back, after_two, "a step back replays to the same state");
    // Enter on the list plays up to the selected step (step 2 is selected
    // after the step back; three rows down is step 5).
    press_all(&mut st, &[C::Down, C::Down, C::Down, C::Activate]);
    assert_eq!(position(&st), 5);
    // Leave the script into the lab on the demo's lab, then come back.
    press(&mut st, C::LeaveScript);
    assert_eq!(st.screen, Screen::FreeLab);
    assert_eq!(st.back_to, Some(Screen::Demo));
    let lab = st.lab.as_ref().expect("the demo's lab is open live");
    assert_eq!(lab.session.scenario_id, "demo-cors");
    assert!(st.demo.as_ref().is_some_and(|d| d.player.is_off_script()));
    press(&mut st, C::Back);
    assert_eq!(st.screen, Screen::Demo);
    assert!(st.lab.is_none());
    let d = st.demo.as_ref().expect("still playing");
    assert!(!d.player.is_off_script());
    assert_eq!(d.player.position(), 5);
    // Esc (or q) goes home.
    press(&mut st, C::Back);
    assert_eq!(st.screen, Screen::Home);
    assert!(st.demo.is_none());
}

#[test]
fn previous_at_the_start_and_next_at_the_end_say_so() {
    let mut st = course_app(120, 40);
    open_cors(&mut st);
    assert_eq!(press(&mut st, C::PrevStep), Flow::Redraw);
    assert_eq!(position(&st), 0);
    let n = st.demo.as_ref().map(|d| d.player.len()).unwrap_or(0);
    assert!(n > 3);
    for _ in 0..n + 2 {
        press(&mut st, C::NextStep);
    }
    assert_eq!(position(&st), n);
    assert!(screen(&st).contains("end of the demo"), "{}", screen(&st));
}

#[test]
fn a_fired_step_shows_its_status_and_trace() {
    let mut st = course_app(120, 40);
    open_cors(&mut st);
    press_all(&mut st, &[C::NextStep, C::NextStep]);
    let out = screen(&st);
    assert!(
        out.contains("orders-from-app") || out.contains("GET"),
        "{out}"
    );
    assert!(out.contains("◀ decided here:"), "{out}");
    assert!(out.contains("OK"), "{out}");
}

#[test]
fn snapshots_of_the_demo_player() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut st = course_app(w, h);
        open_cors(&mut st);
        let term = draw(&st);
        insta::assert_snapshot!(format!("demo_start_{w}x{h}"), text(term.backend().buffer()));
        press_all(&mut st, &[C::NextStep, C::NextStep]);
        let term = draw(&st);
        insta::assert_snapshot!(format!("demo_fired_{w}x{h}"), text(term.backend().buffer()));
    }
}

#[test]
fn the_demo_player_draws_at_every_size() {
    let mut st = course_app(120, 40);
    open_cors(&mut st);
    press_all(&mut st, &[C::NextStep, C::NextStep]);
    for presenter in [false, true] {
        st.set_presenter(presenter);
        for w in (1..=200).step_by(7) {
            for h in (1..=60).step_by(3) {
                draw_at(&mut st, w, h);
            }
        }
    }
    assert_eq!(st.screen, Screen::Demo);
}
