//! Frame render time. Target: a full lab frame at 200×60 in under 2 ms.
//! Run with `cargo bench --bench render`.

#[path = "../tests/tui_common/labs.rs"]
mod labs;
#[path = "../tests/tui_common/mod.rs"]
mod tui_common;

use gatelab::progress::learner::LearnerProgress;
use gatelab::tui::app::{AppState, Pane};
use gatelab::tui::{Command as C, render};
use labs::TestLabs;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tui_common::*;

fn main() {
    divan::main();
}

/// A lesson beside its lab, a request fired, the deciding step's notes open.
fn lab_state(w: u16, h: u16) -> AppState {
    let mut st = app_with(Box::new(TestLabs), LearnerProgress::default(), w, h);
    press_all(
        &mut st,
        &[C::Down, C::Activate, C::NextSection, C::Activate],
    );
    st.focus = Pane::View;
    press(&mut st, C::Toggle);
    st
}

fn bench_frame(bencher: divan::Bencher, st: AppState) {
    let (w, h) = st.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("backend");
    bencher.bench_local(|| {
        term.draw(|f| render(&st, f)).expect("draw");
    });
}

#[divan::bench]
fn lab_frame_200x60(bencher: divan::Bencher) {
    bench_frame(bencher, lab_state(200, 60));
}

#[divan::bench]
fn lab_frame_80x24(bencher: divan::Bencher) {
    bench_frame(bencher, lab_state(80, 24));
}

#[divan::bench]
fn home_frame_200x60(bencher: divan::Bencher) {
    bench_frame(
        bencher,
        app_with(Box::new(TestLabs), LearnerProgress::default(), 200, 60),
    );
}
