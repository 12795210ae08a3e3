//! Lab flows and lab screen snapshots against the real lab, on a scenario
//! written for these tests (an orders API behind a Lambda TOKEN authorizer).

#[path = "tui_common/labs.rs"]
mod labs;
mod tui_common;

use gatelab::lab::ControlKind;
use gatelab::progress::learner::{LearnerProgress, step_key};
use gatelab::scenario::Scenario;
use gatelab::tui::app::{AppState, HomeEntry, LabView, Modal, Pane, Screen};
use gatelab::tui::{Action, Command as C, Flow, LabSource, ThemeName, update};
use labs::TestLabs;
use ratatui::style::{Color, Modifier};
use std::time::Duration;
use tui_common::*;

const AUTH: &str = "routes.GET /orders.authorization";
const TTL: &str = "authorizers.orders-auth.ttl";
const ORIGINS: &str = "cors.allow-origins";

fn lab_app(w: u16, h: u16) -> AppState {
    let mut st = app_with(Box::new(TestLabs), LearnerProgress::default(), w, h);
    press_all(&mut st, &[C::Down, C::Activate]);
    assert!(st.lab.is_some(), "lab opened: {:?}", st.lab_error);
    st
}

fn select_control(st: &mut AppState, id: &str) {
    let lab = st.lab.as_mut().expect("lab");
    let ids: Vec<String> = lab.session.controls.iter().map(|c| c.id.clone()).collect();
    lab.control_sel = ids
        .iter()
        .position(|c| c == id)
        .unwrap_or_else(|| panic!("no control {id} in {ids:?}"));
}

fn control_kind(st: &AppState, id: &str) -> ControlKind {
    let lab = st.lab.as_ref().expect("lab");
    lab.session
        .controls
        .iter()
        .find(|c| c.id == id)
        .expect("control")
        .kind
        .clone()
}

fn last_status(st: &AppState) -> Option<u16> {
    st.lab
        .as_ref()
        .and_then(|l| l.session.log().last())
        .and_then(|(_, o)| o.status)
}

/// Set the route's authorization to NONE with the choice control.
fn open_the_route(st: &mut AppState) {
    st.focus = Pane::Gateway;
    select_control(st, AUTH);
    let ControlKind::Choice { options, selected } = control_kind(st, AUTH) else {
        panic!("choice")
    };
    let none = options
        .iter()
        .position(|o| o == "NONE")
        .expect("NONE option");
    let steps = (none + options.len() - selected) % options.len();
    for _ in 0..steps {
        press(st, C::Right);
    }
    assert!(
        matches!(control_kind(st, AUTH), ControlKind::Choice { selected, .. } if selected == none)
    );
}

#[test]
fn open_lesson_lab_change_the_authorizer_fire_and_read_the_trace() {
    let mut st = lab_app(160, 48);
    assert_eq!(
        st.panes(),
        vec![Pane::Lesson, Pane::Gateway, Pane::Request, Pane::View]
    );
    press_all(&mut st, &[C::NextSection, C::Activate]);
    assert_eq!(last_status(&st), Some(401));
    assert!(
        st.progress
            .step_done("authorizer-caching", &step_key("try-it", 1))
    );
    assert!(
        st.progress
            .lesson("authorizer-caching")
            .is_some_and(|p| p.lab_tried)
    );
    let out = screen(&st);
    assert!(out.contains("✗ 401 UNAUTHORIZED"), "{out}");
    assert!(out.contains("◀ decided here:"), "{out}");
    let lab = st.lab.as_ref().expect("lab");
    let (_, o) = lab.shown_entry().expect("outcome");
    assert_eq!(
        o.trace.get(lab.trace_sel).map(|t| t.stage),
        Some(o.decided_by),
        "the deciding step is selected"
    );
    open_the_route(&mut st);
    // Method changes are served only after a deployment, as on AWS.
    press(&mut st, C::Fire);
    assert_eq!(last_status(&st), Some(401));
    assert!(
        st.notice
            .as_ref()
            .is_some_and(|n| n.0.contains("D to deploy")),
        "{:?}",
        st.notice
    );
    assert!(screen(&st).contains("not deployed"));
    press_all(&mut st, &[C::Deploy, C::Fire]);
    assert_eq!(last_status(&st), Some(200));
    let out = screen(&st);
    assert!(out.contains("✓ 200 OK"), "{out}");
    assert!(!out.contains("not deployed"), "{out}");
    press_all(&mut st, &[C::Deploy]);
    assert!(
        st.notice
            .as_ref()
            .is_some_and(|n| n.0.contains("Nothing to deploy"))
    );
    press_all(&mut st, &[C::Undo, C::Fire]);
    assert_eq!(last_status(&st), Some(401), "undo restored the authorizer");
}

#[test]
fn control_steps_highlight_the_control_and_invalid_numbers_are_refused_inline() {
    let mut st = lab_app(160, 48);
    press_all(&mut st, &[C::NextSection, C::Down, C::Activate]);
    assert_eq!(st.focus, Pane::Gateway);
    let lab = st.lab.as_ref().expect("lab");
    assert_eq!(lab.highlight.as_deref(), Some(TTL));
    assert_eq!(lab.session.controls[lab.control_sel].id, TTL);
    assert!(screen(&st).contains("◆ try this"));
    press_all(&mut st, &[C::Edit, C::ClearInput]);
    type_text(&mut st, "5000");
    press(&mut st, C::Submit);
    let Some(Modal::Prompt { error: Some(e), .. }) = st.modals.last() else {
        panic!("refusal expected")
    };
    assert!(e.contains("3600"), "{e}");
    press(&mut st, C::ClearInput);
    type_text(&mut st, "0");
    press(&mut st, C::Submit);
    assert!(st.modals.is_empty());
    assert!(matches!(
        control_kind(&st, TTL),
        ControlKind::Number { value: 0, .. }
    ));
    assert!(
        st.progress
            .step_done("authorizer-caching", &step_key("try-it", 2))
    );
    let saved = st
        .progress
        .lab_autosave
        .get("orders-authorizer")
        .cloned()
        .unwrap_or_default();
    assert!(
        TestLabs.restore_lab(&saved).is_ok(),
        "the autosave is a loadable scenario:\n{saved}"
    );
}

#[test]
fn list_controls_add_and_refuse_items() {
    let mut st = lab_app(120, 40);
    st.focus = Pane::Gateway;
    select_control(&mut st, ORIGINS);
    press_all(&mut st, &[C::Edit, C::AddItem]);
    type_text(&mut st, "https://app.example.com");
    press(&mut st, C::Submit);
    let Some(Modal::ListEdit { items, error, .. }) = st.modals.last() else {
        panic!("list editor")
    };
    assert_eq!(error, &None);
    assert!(
        items.contains(&"https://app.example.com".to_string()),
        "{items:?}"
    );
    press(&mut st, C::Back);
    assert!(
        matches!(control_kind(&st, ORIGINS), ControlKind::List(v) if v.contains(&"https://app.example.com".to_string()))
    );
}

#[test]
fn browser_verdict_and_curl() {
    let mut st = lab_app(120, 40);
    st.focus = Pane::Request;
    st.lab.as_mut().expect("lab").request_sel = 5; // Origin
    press_all(&mut st, &[C::Edit, C::ClearInput]);
    type_text(&mut st, "https://evil.example");
    press_all(&mut st, &[C::Submit, C::Fire]);
    let lab = st.lab.as_ref().expect("lab");
    let (_, o) = lab.shown_entry().expect("outcome");
    assert!(
        o.browser.is_some(),
        "a request with Origin gets a browser verdict"
    );
    press(&mut st, C::CopyCurl);
    let out = screen(&st);
    assert!(out.contains("curl"), "{out}");
    assert!(
        out.contains("Origin: https://evil.example") || out.contains("evil.example"),
        "{out}"
    );
}

#[test]
fn named_requests_log_reopen_and_explain() {
    let mut st = lab_app(120, 40);
    st.focus = Pane::Request;
    press_all(
        &mut st,
        &[C::NamedRequests, C::Down, C::Down, C::Activate, C::Fire],
    );
    assert_eq!(last_status(&st), Some(403));
    press_all(&mut st, &[C::NamedRequests, C::Down, C::Activate, C::Fire]);
    assert_eq!(last_status(&st), Some(200));
    press_all(&mut st, &[C::ViewLog, C::Up, C::Activate]);
    let lab = st.lab.as_ref().expect("lab");
    assert_eq!(lab.view, LabView::Outcome);
    assert_eq!(lab.shown, Some(0));
    assert_eq!(lab.request.path(), "/prod/nope");
    assert!(screen(&st).contains("403 FORBIDDEN"));
    // The link points at a lesson this test course does not have.
    press(&mut st, C::Explain);
    assert!(
        st.notice
            .as_ref()
            .is_some_and(|n| n.0.contains("not in this course")),
        "{:?}",
        st.notice
    );
}

#[test]
fn traffic_runs_tick_only_while_live() {
    let mut st = lab_app(120, 40);
    st.focus = Pane::Request;
    press_all(&mut st, &[C::ViewTraffic, C::StartTraffic, C::Activate]);
    assert!(
        st.lab.as_ref().is_some_and(|l| l.traffic.error.is_none()),
        "{:?}",
        st.lab.as_ref().map(|l| l.traffic.error.clone())
    );
    assert_eq!(st.tick_interval(), Some(Duration::from_millis(1000)));
    update(&mut st, Action::Tick);
    let frames = |st: &AppState| st.lab.as_ref().map(|l| l.traffic.frames.len()).unwrap_or(0);
    assert_eq!(frames(&st), 1);
    press_all(&mut st, &[C::Speed, C::Speed]);
    update(&mut st, Action::Tick);
    assert_eq!(frames(&st), 11);
    press(&mut st, C::Toggle);
    assert_eq!(st.tick_interval(), None);
    press(&mut st, C::StepTraffic);
    assert_eq!(frames(&st), 12);
    assert!(screen(&st).contains("paused"));
    press(&mut st, C::Toggle);
    for _ in 0..5 {
        update(&mut st, Action::Tick);
    }
    assert!(!st.lab.as_ref().is_some_and(|l| l.session.traffic_active()));
    assert_eq!(st.tick_interval(), None);
}

#[test]
fn unsaved_changes_make_quit_ask_and_saving_clears_them() {
    let dir = std::env::temp_dir().join(format!("gatelab-tui-lab-save-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut st = lab_app(120, 40);
    open_the_route(&mut st);
    assert!(st.unsaved());
    press(&mut st, C::Quit);
    assert!(matches!(st.modals.last(), Some(Modal::Confirm { .. })));
    press_all(&mut st, &[C::No, C::SaveScenario, C::ClearInput]);
    let path = dir.join("mine.toml");
    type_text(&mut st, &path.display().to_string());
    press(&mut st, C::Submit);
    let saved = std::fs::read_to_string(&path).expect("saved file");
    assert!(Scenario::parse("mine.toml", &saved).is_ok(), "{saved}");
    assert!(!st.unsaved());
    assert_eq!(press(&mut st, C::Quit), Flow::Quit);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reset_lab_asks_then_clears_log_and_autosave() {
    let mut st = lab_app(120, 40);
    open_the_route(&mut st);
    press_all(&mut st, &[C::Fire, C::ResetLab, C::Yes]);
    let lab = st.lab.as_ref().expect("lab");
    assert!(lab.session.log().is_empty());
    assert!(!st.progress.lab_autosave.contains_key("orders-authorizer"));
    assert!(
        matches!(control_kind(&st, AUTH), ControlKind::Choice { options, selected } if options[selected] == "CUSTOM")
    );
}

#[test]
fn free_lab_and_narrow_firing() {
    let mut st = app_with(Box::new(TestLabs), LearnerProgress::default(), 80, 24);
    st.home_sel = st
        .home_entries()
        .iter()
        .position(|e| *e == HomeEntry::FreeLab)
        .expect("entry");
    press(&mut st, C::Activate);
    assert_eq!(st.screen, Screen::FreeLab);
    assert_eq!(st.focus, Pane::Gateway);
    press(&mut st, C::Fire);
    assert_eq!(
        st.focus,
        Pane::View,
        "on 80 columns the outcome is brought forward"
    );
}

#[test]
fn deciding_stage_and_status_banner_styles() {
    let mut st = lab_app(160, 48);
    press_all(&mut st, &[C::NextSection, C::Activate]);
    let decider = {
        let lab = st.lab.as_ref().expect("lab");
        lab.shown_entry().expect("outcome").1.decided_by.label()
    };
    let needle = format!("✗ {decider}");
    let term = draw(&st);
    let buf = term.backend().buffer();
    let (x, y) = find(buf, &needle).expect("deciding trace row");
    let m = buf[(x + 2, y)].style().add_modifier;
    assert!(
        m.contains(Modifier::REVERSED) && m.contains(Modifier::BOLD),
        "{m:?}"
    );
    let (bx, by) = find(buf, "✗ 401 UNAUTHORIZED").expect("banner");
    assert!(
        buf[(bx, by)]
            .style()
            .add_modifier
            .contains(Modifier::REVERSED)
    );
    st.set_theme(ThemeName::Dark);
    let term = draw(&st);
    let buf = term.backend().buffer();
    let (bx, by) = find(buf, "✗ 401 UNAUTHORIZED").expect("banner");
    assert_eq!(buf[(bx, by)].style().bg, Some(Color::Yellow));
    let (x, y) = find(buf, &needle).expect("deciding trace row");
    assert_eq!(buf[(x + 2, y)].style().bg, Some(Color::Cyan));
    open_the_route(&mut st);
    press_all(&mut st, &[C::Deploy, C::Fire]);
    let term = draw(&st);
    let (bx, by) = find(term.backend().buffer(), "✓ 200 OK").expect("banner");
    assert_eq!(
        term.backend().buffer()[(bx, by)].style().bg,
        Some(Color::Green)
    );
}

fn lab_states(w: u16, h: u16) -> Vec<(&'static str, AppState)> {
    let mut v = Vec::new();
    let mut st = lab_app(w, h);
    st.focus = Pane::Gateway;
    v.push(("lab_gateway", st));

    let mut st = lab_app(w, h);
    press_all(&mut st, &[C::NextSection, C::Activate]);
    st.focus = Pane::View;
    press(&mut st, C::Toggle);
    v.push(("lab_outcome", st));

    let mut st = lab_app(w, h);
    st.focus = Pane::Request;
    press_all(
        &mut st,
        &[
            C::Fire,
            C::NamedRequests,
            C::Down,
            C::Activate,
            C::Fire,
            C::ViewLog,
        ],
    );
    v.push(("lab_log", st));

    let mut st = lab_app(w, h);
    st.focus = Pane::Request;
    press_all(
        &mut st,
        &[
            C::ViewTraffic,
            C::StartTraffic,
            C::Activate,
            C::Speed,
            C::Speed,
        ],
    );
    update(&mut st, Action::Tick);
    press(&mut st, C::Toggle);
    v.push(("lab_traffic", st));

    let mut st = lab_app(w, h);
    st.focus = Pane::Request;
    press(&mut st, C::ViewToken);
    v.push(("lab_token", st));

    let mut st = lab_app(w, h);
    st.focus = Pane::Request;
    press(&mut st, C::CopyCurl);
    v.push(("lab_curl", st));

    let mut st = lab_app(w, h);
    st.focus = Pane::Gateway;
    select_control(&mut st, TTL);
    press_all(&mut st, &[C::Edit, C::ClearInput]);
    type_text(&mut st, "9999");
    press(&mut st, C::Submit);
    v.push(("lab_number_refused", st));

    let mut st = lab_app(w, h);
    open_the_route(&mut st);
    st.focus = Pane::Gateway;
    press(&mut st, C::Fire);
    v.push(("lab_not_deployed", st));
    v
}

#[test]
fn snapshots_of_lab_screens() {
    for (w, h) in [(80, 24), (120, 40)] {
        for (name, st) in lab_states(w, h) {
            let term = draw(&st);
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(term.backend().buffer()));
        }
    }
}

#[test]
fn lab_screens_draw_at_every_size() {
    let widths = [1u16, 2, 7, 20, 60, 79, 80, 99, 100, 119, 139, 140, 160, 200];
    let heights = [1u16, 2, 5, 12, 23, 24, 25, 30, 40, 60];
    for (name, mut st) in lab_states(120, 40) {
        for w in widths {
            for h in heights {
                let term = draw_at(&mut st, w, h);
                assert_eq!(
                    text(term.backend().buffer()).lines().count(),
                    usize::from(h),
                    "{name} {w}×{h}"
                );
            }
        }
    }
}
