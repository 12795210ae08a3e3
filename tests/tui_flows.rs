//! Whole flows driven through `update` (no terminal, no sleeps), and the
//! agreement of key handling, footer and help.

mod tui_common;

use gatelab::progress::learner::{LearnerProgress, step_key};
use gatelab::tui::app::{AppState, HomeEntry, Modal, Pane, Screen};
use gatelab::tui::keymap::{self, BINDINGS, Context, Key};
use gatelab::tui::theme::{Theme, ThemeName};
use gatelab::tui::ui::overlay::help_lines;
use gatelab::tui::ui::text::line_text;
use gatelab::tui::{Action, Command as C, Command, Flow, keymap_text, update};
use ratatui::crossterm::event::KeyCode;
use tui_common::*;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("gatelab-tui-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

// ----- keymap, footer and help agree --------------------------------------

#[test]
fn every_help_row_is_a_working_binding_and_every_command_is_in_help() {
    let lines: Vec<String> = help_lines(&Theme::new(ThemeName::Mono), 200)
        .iter()
        .map(line_text)
        .collect();
    let mut group: Option<Context> = None;
    let mut seen: Vec<Command> = Vec::new();
    let mut rows = 0;
    for l in &lines {
        if let Some(ctx) = Context::ALL.iter().find(|c| c.title() == l.as_str()) {
            group = Some(*ctx);
            continue;
        }
        let Some(ctx) = group else { continue };
        let Some(row) = l.strip_prefix("  ") else {
            continue;
        };
        if row.trim().is_empty() {
            continue;
        }
        let (keys, desc) = row.split_at(22.min(row.len()));
        let (keys, desc) = (keys.trim(), desc.trim());
        let b = BINDINGS
            .iter()
            .find(|b| b.ctx == ctx && keymap::keys_label(b) == keys && b.desc == desc)
            .unwrap_or_else(|| panic!("help row '{l}' in {ctx:?} has no binding"));
        // Every key of the row really triggers the command in its context.
        for k in b.keys {
            assert_eq!(
                keymap::lookup(&[ctx], *k),
                Some(b.cmd),
                "{} in {ctx:?}",
                k.label()
            );
        }
        seen.push(b.cmd);
        rows += 1;
    }
    assert_eq!(rows, BINDINGS.len(), "one help row per binding");
    for cmd in Command::ALL {
        assert!(seen.contains(cmd), "{cmd:?} is missing from the help");
    }
}

#[test]
fn footer_keys_do_what_the_footer_says_in_every_context() {
    let chains: Vec<Vec<Context>> = vec![
        vec![Context::Home, Context::Global, Context::Always],
        vec![Context::Lesson, Context::Global, Context::Always],
        vec![
            Context::Gateway,
            Context::Lab,
            Context::Global,
            Context::Always,
        ],
        vec![
            Context::Request,
            Context::Lab,
            Context::Global,
            Context::Always,
        ],
        vec![
            Context::Outcome,
            Context::Lab,
            Context::Global,
            Context::Always,
        ],
        vec![Context::Log, Context::Lab, Context::Global, Context::Always],
        vec![
            Context::Traffic,
            Context::Lab,
            Context::Global,
            Context::Always,
        ],
        vec![
            Context::Token,
            Context::Lab,
            Context::Global,
            Context::Always,
        ],
        vec![Context::Picker, Context::Always],
        vec![Context::ListEdit, Context::Always],
        vec![Context::Prompt, Context::Always],
        vec![Context::Confirm, Context::Always],
        vec![Context::Message, Context::Always],
        vec![Context::Help, Context::Always],
    ];
    for chain in chains {
        let entries = keymap::footer_entries(&chain);
        assert!(!entries.is_empty(), "{chain:?} has an empty footer");
        for (label, cmd, _) in entries {
            let b = BINDINGS
                .iter()
                .find(|b| b.cmd == cmd && chain.contains(&b.ctx) && b.keys[0].label() == label);
            let key = b
                .map(|b| b.keys[0])
                .unwrap_or_else(|| panic!("footer key {label} not bound in {chain:?}"));
            assert_eq!(
                keymap::lookup(&chain, key),
                Some(cmd),
                "footer '{label}' in {chain:?} is shadowed"
            );
        }
    }
}

#[test]
fn keys_text_is_grouped_and_names_every_context_in_use() {
    let t = keymap_text();
    for title in [
        "Everywhere\n",
        "Home\n",
        "Lesson\n",
        "Gateway panel\n",
        "Traffic view\n",
        "Typing text\n",
    ] {
        assert!(t.contains(title), "missing group {title:?}");
    }
    assert!(t.contains("Ctrl-C"), "{t}");
    assert!(
        t.contains("  f                        fire the request\n"),
        "{t}"
    );
}

#[test]
fn arrows_and_vim_keys_move_alike_on_home() {
    let chain = [Context::Home, Context::Global, Context::Always];
    let down = Key {
        code: KeyCode::Down,
        ctrl: false,
    };
    let j = Key {
        code: KeyCode::Char('j'),
        ctrl: false,
    };
    assert_eq!(keymap::lookup(&chain, down), Some(C::Down));
    assert_eq!(keymap::lookup(&chain, j), Some(C::Down));
}

// ----- flows -------------------------------------------------------------

#[test]
fn reading_every_section_marks_the_lesson_read_and_home_shows_it() {
    let mut st = app(120, 40);
    press(&mut st, C::Activate); // first lesson: overview
    assert_eq!(st.screen, Screen::Lesson);
    assert_eq!(st.current_lesson().map(|l| l.id.as_str()), Some("overview"));
    assert!(!st.progress.lesson("overview").is_some_and(|p| p.read));
    press(&mut st, C::NextSection);
    assert!(st.progress.lesson("overview").is_some_and(|p| p.read));
    // The last section stays the last.
    assert_eq!(press(&mut st, C::NextSection), Flow::Unchanged);
    press(&mut st, C::Back);
    assert_eq!(st.screen, Screen::Home);
    let out = screen(&st);
    let row = out
        .lines()
        .find(|l| l.contains("1. Protecting your APIs"))
        .expect("lesson row");
    assert!(row.contains('✓'), "{row}");
}

#[test]
fn continue_reopens_the_last_section() {
    let mut st = app(120, 40);
    press_all(
        &mut st,
        &[
            C::Down,
            C::Activate,
            C::NextSection,
            C::NextSection,
            C::Back,
        ],
    );
    assert_eq!(st.home_entries().first(), Some(&HomeEntry::Continue));
    press(&mut st, C::Continue);
    assert_eq!(
        st.lesson.as_ref().map(|l| (l.index, l.section)),
        Some((1, 2))
    );
    assert!(screen(&st).contains("Common mistakes"));
}

#[test]
fn manual_steps_toggle_and_persist_to_disk() {
    let dir = temp_dir("steps");
    let mut st = AppState::new(
        course(Box::new(NoLabs)),
        mono(),
        LearnerProgress::load(&dir).expect("load"),
        Some(dir.clone()),
        (120, 40),
    );
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
    let key = step_key("try-it", 3);
    assert!(st.progress.step_done("authorizer-caching", &key));
    // Reload from disk: the step and the position were saved.
    let back = match LearnerProgress::load(&dir).expect("reload") {
        gatelab::progress::store::Loaded::Ok(p) => p,
        _ => panic!("expected the saved progress file to load"),
    };
    assert!(back.step_done("authorizer-caching", &key));
    assert_eq!(
        back.last.as_ref().map(|p| p.section.as_str()),
        Some("try-it")
    );
    // Enter again un-ticks it.
    press(&mut st, C::Activate);
    assert!(!st.progress.step_done("authorizer-caching", &key));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn steps_that_need_the_lab_say_so_when_it_is_missing() {
    let mut st = app(120, 40);
    press_all(
        &mut st,
        &[C::Down, C::Activate, C::NextSection, C::Activate],
    );
    let notice = st.notice.clone().map(|n| n.0).unwrap_or_default();
    assert!(notice.contains("needs the lab"), "{notice}");
    assert!(
        !st.progress
            .step_done("authorizer-caching", &step_key("try-it", 1))
    );
}

#[test]
fn reset_topic_asks_first_and_no_keeps_everything() {
    let mut p = LearnerProgress::default();
    p.mark_lab_tried("authorizer-caching");
    p.mark_lab_tried("overview");
    let mut st = app_with(Box::new(NoLabs), p, 120, 40);
    press_all(&mut st, &[C::Down, C::ResetTopic]);
    assert!(matches!(st.modals.last(), Some(Modal::Confirm { .. })));
    press(&mut st, C::No);
    assert!(st.modals.is_empty());
    assert!(st.progress.lesson("authorizer-caching").is_some());
    press_all(&mut st, &[C::ResetTopic, C::Yes]);
    assert!(st.progress.lesson("authorizer-caching").is_none());
    assert!(
        st.progress.lesson("overview").is_some(),
        "other lessons are kept"
    );
    press_all(&mut st, &[C::ResetAll, C::Yes]);
    assert_eq!(st.progress, LearnerProgress::default());
}

#[test]
fn reset_topic_on_a_non_lesson_entry_explains_itself() {
    let mut st = app(120, 40);
    press_all(&mut st, &[C::Down, C::Down, C::ResetTopic]);
    assert!(st.modals.is_empty());
    assert!(
        st.notice
            .as_ref()
            .is_some_and(|n| n.0.contains("Select a lesson"))
    );
}

#[test]
fn quit_needs_no_question_without_unsaved_work_and_ctrl_c_always_quits() {
    let mut st = app(80, 24);
    assert_eq!(press(&mut st, C::Quit), Flow::Quit);
    let mut st = app(80, 24);
    press(&mut st, C::Help);
    assert_eq!(press(&mut st, C::ForceQuit), Flow::Quit);
}

#[test]
fn help_and_back_navigation() {
    let mut st = app(80, 24);
    press(&mut st, C::Help);
    assert!(matches!(st.modals.last(), Some(Modal::Help { .. })));
    assert!(screen(&st).contains("Gateway panel") || screen(&st).contains("Keys"));
    press(&mut st, C::PageDown);
    press(&mut st, C::Back);
    assert!(st.modals.is_empty());
    press_all(&mut st, &[C::Activate, C::Back]);
    assert_eq!(st.screen, Screen::Home);
    // The quizzes entry leads to the quiz list (this test course has none).
    let quizzes = st
        .home_entries()
        .iter()
        .position(|e| *e == HomeEntry::Quizzes)
        .expect("entry");
    st.home_sel = quizzes;
    press(&mut st, C::Activate);
    assert_eq!(st.screen, Screen::Quizzes);
    assert!(screen(&st).contains("This course has no quizzes."));
    press(&mut st, C::Back);
    assert_eq!(st.screen, Screen::Home);
}

#[test]
fn lesson_glossary_shows_only_the_lessons_terms() {
    let mut st = app(120, 40);
    press_all(&mut st, &[C::Down, C::Activate, C::Glossary]);
    let Some(Modal::Glossary { terms, .. }) = st.modals.last() else {
        panic!("no glossary")
    };
    let names: Vec<&str> = terms
        .iter()
        .map(|i| st.course.glossary[*i].term.as_str())
        .collect();
    assert_eq!(names, vec!["TTL", "Lambda authorizer"]);
    let out = screen(&st);
    assert!(out.contains("Time to live"), "{out}");
}

#[test]
fn a_corrupt_progress_file_is_reported_not_lost() {
    let dir = temp_dir("corrupt");
    std::fs::write(LearnerProgress::path(&dir), "{ this is not json").expect("write");
    let loaded = LearnerProgress::load(&dir).expect("load");
    let st = AppState::new(
        course(Box::new(NoLabs)),
        mono(),
        loaded,
        Some(dir.clone()),
        (100, 30),
    );
    let Some(Modal::Message { title, .. }) = st.modals.last() else {
        panic!("no notice")
    };
    assert!(title.contains("could not be read"));
    assert!(screen(&st).contains("nothing is lost"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lesson_scrolling_is_clamped_and_steps_stay_in_view_on_short_terminals() {
    let mut st = app(80, 24);
    press_all(&mut st, &[C::Down, C::Activate]);
    for _ in 0..100 {
        press(&mut st, C::Down);
    }
    let (_, h) = st.lesson_viewport();
    let scroll = st.lesson.as_ref().map(|l| l.scroll).unwrap_or(0);
    assert!(
        scroll > 0 && scroll + h <= 17 + 1,
        "scroll {scroll}, view {h}"
    );
    press(&mut st, C::PageUp);
    press(&mut st, C::PageUp);
    assert_eq!(st.lesson.as_ref().map(|l| l.scroll), Some(0));
    // On the try-it section, moving down chooses the next step.
    press(&mut st, C::NextSection);
    press_all(&mut st, &[C::Down, C::Down]);
    assert_eq!(st.lesson.as_ref().map(|l| l.step), Some(2));
    assert!(screen(&st).contains("▶[ ] 3."));
}

#[test]
fn nothing_ticks_while_idle() {
    let mut st = app(120, 40);
    assert_eq!(st.tick_interval(), None);
    press_all(&mut st, &[C::Down, C::Activate]);
    assert_eq!(st.tick_interval(), None);
    assert_eq!(update(&mut st, Action::Tick), Flow::Unchanged);
}

#[test]
fn tab_cycles_panes_and_clicks_focus_them() {
    let mut st = app(160, 40);
    press_all(&mut st, &[C::Down, C::Activate]);
    assert_eq!(st.panes(), vec![Pane::Lesson, Pane::View]);
    press(&mut st, C::NextPane);
    assert_eq!(st.focus, Pane::View);
    press(&mut st, C::NextPane);
    assert_eq!(st.focus, Pane::Lesson);
    press(&mut st, C::PrevPane);
    assert_eq!(st.focus, Pane::View);
    // A click inside the lesson pane (left part of a wide screen) focuses it.
    assert_eq!(update(&mut st, Action::Click(5, 10)), Flow::Redraw);
    assert_eq!(st.focus, Pane::Lesson);
}

#[test]
fn too_small_terminals_only_quit() {
    let mut st = app(40, 10);
    assert!(!st.big_enough());
    assert_eq!(st.contexts(), vec![Context::Global, Context::Always]);
    assert_eq!(press(&mut st, C::Quit), Flow::Quit);
}
