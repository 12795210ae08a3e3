//! The quiz screens: snapshots of the list, a question of each kind and the
//! review (mono, 80×24 and 120×40), a draw at every size, whole attempts
//! driven through `update` (results file and progress written), and lab
//! tasks graded against the real lab with the start configuration and with
//! the reference solution applied.

mod tui_common;

use gatelab::content::Course as Content;
use gatelab::lab::Lab;
use gatelab::progress::learner::LearnerProgress;
use gatelab::progress::results::{self, Results};
use gatelab::progress::store::Loaded;
use gatelab::quiz::{Answer, Body, LabConfig, Quiz, parse_quiz};
use gatelab::quiz_lab::CourseLab;
use gatelab::tui::app::{AppState, Modal, Screen};
use gatelab::tui::{Action, Command as C, update};
use std::path::PathBuf;
use tui_common::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// One question of every kind that needs no lab, linked to the test
/// course's lessons.
const FIXTURE: &str = r#"
id = "caching-check"
title = "Let's practice: authorizer caching"
pass-mark = 60
lessons = ["authorizer-caching"]

[[questions]]
id = "one"
kind = "single-choice"
prompt = "What does API Gateway use as the cache key of a TOKEN authorizer?"
lesson = "authorizer-caching#how-it-works"
explanation = "The identity source (the token) is the cache key."
hints = ["Think about what the authorizer receives.", "It is a header value."]
options = [
  { text = "The token in the identity source", correct = true },
  { text = "The caller's IP address", feedback = "The IP address is not part of a TOKEN authorizer's key." },
  { text = "The request path" },
]

[[questions]]
id = "many"
kind = "multiple-select"
prompt = "Which settings change how long a cached policy is reused?"
lesson = "authorizer-caching#how-it-works"
explanation = "Only the TTL does; 0 turns caching off."
options = [
  { text = "The authorizer's TTL", correct = true },
  { text = "Setting the TTL to 0", correct = true },
  { text = "The stage's throttling rate", feedback = "Throttling limits request rates; it does not touch the cache." },
]

[[questions]]
id = "tf"
kind = "true-false"
prompt = "A cached Deny is reused for other methods of the same API."
lesson = "authorizer-caching#mistakes"
explanation = "The whole returned policy is cached and checked against each method ARN."
answer = true

[[questions]]
id = "order"
kind = "ordering"
prompt = "Put the steps of a first request in order."
lesson = "overview#order"
explanation = "The authorizer runs before the integration and its policy is cached."
items = ["Read the token", "Invoke the authorizer", "Cache the policy", "Call the integration"]

[[questions]]
id = "pairs"
kind = "matching"
prompt = "Match each status with its cause."
lesson = "overview#intro"
explanation = "401 means unknown caller, 403 a refused one."
pairs = [
  { left = "401", right = "No token" },
  { left = "403", right = "Policy denies" },
  { left = "200", right = "Policy allows" },
]

[[questions]]
id = "ttl"
kind = "numeric"
prompt = "What is the default authorizer cache TTL?"
lesson = "authorizer-caching#how-it-works"
explanation = "300 seconds."
answer = 300
tolerance = 0
unit = "seconds"

[[questions]]
id = "word"
kind = "short-text"
prompt = "Which HTTP header carries the token by default?"
explanation = "Authorization."
accept = ["Authorization"]
"#;

fn fixture() -> Quiz {
    parse_quiz("quizzes/caching-check.toml", FIXTURE).expect("fixture quiz parses")
}

fn quiz_app(w: u16, h: u16, data_dir: Option<PathBuf>) -> AppState {
    let mut course = course(Box::new(NoLabs));
    course.quizzes = vec![fixture()];
    AppState::new(
        course,
        mono(),
        Loaded::Ok(LearnerProgress::default()),
        data_dir,
        (w, h),
    )
}

/// The app on the quiz list (from home).
fn on_list(w: u16, h: u16, data_dir: Option<PathBuf>) -> AppState {
    let mut st = quiz_app(w, h, data_dir);
    st.home_sel = st.home_entries().len() - 1;
    press(&mut st, C::Activate);
    assert_eq!(st.screen, Screen::Quizzes);
    st
}

/// Go to the question with this id in the attempt.
fn go_to(st: &mut AppState, id: &str) {
    let ui = st.quiz.as_mut().expect("a quiz is open");
    let pos = ui
        .session
        .question_ids()
        .iter()
        .position(|q| *q == id)
        .expect("question drawn");
    ui.current = pos;
    ui.cursor = 0;
}

fn answer_of(st: &AppState, id: &str) -> Option<Answer> {
    st.quiz
        .as_ref()
        .and_then(|ui| ui.session.answer(id).cloned())
}

fn type_text(st: &mut AppState, text: &str) {
    update(st, Action::Paste(text.to_string()));
    press(st, C::Submit);
}

/// Answer every fixture question right through the keys.
fn answer_all_right(st: &mut AppState) {
    let quiz = fixture();
    // single choice: move to the right option, then Space.
    go_to(st, "one");
    let p = st.quiz.as_ref().unwrap().shown().unwrap().1.clone();
    for _ in 0..p.shown(0).unwrap() {
        press(st, C::Down);
    }
    press(st, C::Toggle);
    go_to(st, "many");
    let p = st.quiz.as_ref().unwrap().shown().unwrap().1.clone();
    for orig in [0usize, 1] {
        go_to(st, "many");
        for _ in 0..p.shown(orig).unwrap() {
            press(st, C::Down);
        }
        press(st, C::Toggle);
    }
    go_to(st, "tf");
    press(st, C::Toggle);
    // ordering: sort by moving items up until the order is right.
    go_to(st, "order");
    for target in 0..4usize {
        let Some(Answer::Order(o)) = answer_of(st, "order").or_else(|| {
            let p = st.quiz.as_ref().unwrap().shown().unwrap().1.clone();
            Some(Answer::Order(p.order))
        }) else {
            unreachable!()
        };
        let at = o.iter().position(|&i| i == target).unwrap();
        st.quiz.as_mut().unwrap().cursor = at;
        for _ in target..at {
            press(st, C::MoveItemUp);
        }
        press(st, C::Toggle);
    }
    // matching: cycle each row's choice until it is its own pair.
    go_to(st, "pairs");
    for row in 0..3usize {
        st.quiz.as_mut().unwrap().cursor = row;
        for _ in 0..4 {
            if matches!(answer_of(st, "pairs"), Some(Answer::Matches(m)) if m[row] == Some(row)) {
                break;
            }
            press(st, C::Right);
        }
    }
    go_to(st, "ttl");
    press(st, C::Edit);
    type_text(st, "300");
    go_to(st, "word");
    press(st, C::Edit);
    type_text(st, "Authorization");
    assert_eq!(
        st.quiz.as_ref().unwrap().session.answered(),
        quiz.questions.len()
    );
}

/// A state per question kind, with one interaction done.
fn question_states(w: u16, h: u16) -> Vec<(String, AppState)> {
    let mut v = Vec::new();
    for (id, keys) in [
        ("one", vec![C::Down, C::Toggle, C::Hint]),
        ("many", vec![C::Toggle, C::Down, C::Toggle]),
        ("tf", vec![C::Down, C::Toggle]),
        ("order", vec![C::Down, C::MoveItemDown]),
        ("pairs", vec![C::Right, C::Down]),
        ("ttl", vec![]),
        ("word", vec![]),
    ] {
        let mut st = on_list(w, h, None);
        press(&mut st, C::Activate);
        go_to(&mut st, id);
        press_all(&mut st, &keys);
        if id == "ttl" {
            press(&mut st, C::Edit);
            type_text(&mut st, "250");
        }
        let kind = st.quiz.as_ref().unwrap().shown().unwrap().0.kind();
        v.push((format!("quiz_{}", kind.as_str().replace('-', "_")), st));
    }
    v
}

fn all_states(w: u16, h: u16) -> Vec<(String, AppState)> {
    let mut v = question_states(w, h);
    let mut st = on_list(w, h, None);
    press(&mut st, C::Activate);
    answer_all_right(&mut st);
    go_to(&mut st, "tf");
    press(&mut st, C::Down);
    press(&mut st, C::Toggle); // one wrong answer
    press(&mut st, C::SubmitQuiz);
    v.push(("quiz_confirm_submit".into(), {
        let mut c = on_list(w, h, None);
        press(&mut c, C::Activate);
        press(&mut c, C::SubmitQuiz);
        c
    }));
    press(&mut st, C::Yes);
    assert_eq!(st.screen, Screen::Review);
    v.push(("quiz_review".into(), st));
    let mut st = v.last().map(|_| on_list(w, h, None)).unwrap();
    press(&mut st, C::Activate);
    answer_all_right(&mut st);
    press_all(&mut st, &[C::SubmitQuiz, C::Yes, C::Back]);
    assert_eq!(st.screen, Screen::Quizzes);
    v.push(("quiz_list".into(), st));
    v
}

#[test]
fn snapshots_of_the_quiz_screens() {
    for (w, h) in SIZES {
        for (name, st) in all_states(w, h) {
            let term = draw(&st);
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(term.backend().buffer()));
        }
    }
}

#[test]
fn quiz_screens_draw_at_every_size() {
    let widths = [1u16, 2, 5, 20, 45, 79, 80, 81, 100, 120, 140, 200];
    let heights = [1u16, 2, 4, 8, 20, 23, 24, 25, 30, 40, 60];
    for (name, mut st) in all_states(80, 24) {
        for w in widths {
            for h in heights {
                let term = draw_at(&mut st, w, h);
                let out = text(term.backend().buffer());
                assert_eq!(out.lines().count(), usize::from(h), "{name} at {w}×{h}");
            }
        }
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gatelab-tui-quiz-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn taking_a_quiz_to_the_end_saves_results_and_progress() {
    let dir = temp_dir("take");
    let mut st = on_list(80, 24, Some(dir.clone()));
    press(&mut st, C::Activate);
    assert_eq!(st.screen, Screen::Quiz);
    answer_all_right(&mut st);
    // Answers can change until submit: change and change back.
    go_to(&mut st, "tf");
    press_all(&mut st, &[C::Down, C::Toggle]);
    assert_eq!(answer_of(&st, "tf"), Some(Answer::Bool(false)));
    press_all(&mut st, &[C::Up, C::Toggle]);
    assert_eq!(answer_of(&st, "tf"), Some(Answer::Bool(true)));
    // Submit asks first; "no" keeps the attempt open.
    press(&mut st, C::SubmitQuiz);
    assert!(matches!(st.modals.last(), Some(Modal::Confirm { .. })));
    press(&mut st, C::No);
    assert_eq!(st.screen, Screen::Quiz);
    press_all(&mut st, &[C::SubmitQuiz, C::Yes]);
    assert_eq!(st.screen, Screen::Review);
    let r = &st.review.as_ref().expect("review").result;
    assert!(r.passed);
    assert_eq!(r.percent, 100.0);
    assert!(screen(&st).contains("PASSED"), "{}", screen(&st));

    let saved: Results = match results::load(&dir.join("results.json")).expect("readable") {
        Loaded::Ok(r) => r,
        other => panic!(
            "results.json not written: {:?}",
            other.value().attempts.len()
        ),
    };
    assert_eq!(saved.attempts.len(), 1);
    assert_eq!(saved.attempts[0].module, "caching-check");
    assert_eq!(saved.attempts[0].questions.len(), 7);
    let q = st
        .progress
        .lesson("authorizer-caching")
        .and_then(|l| l.quiz)
        .expect("quiz score recorded");
    assert_eq!((q.correct, q.total), (7, 7));
    let on_disk = LearnerProgress::load(&dir).expect("progress").into_value();
    assert_eq!(
        on_disk
            .lesson("authorizer-caching")
            .and_then(|l| l.quiz)
            .map(|q| q.correct),
        Some(7)
    );
    // A second attempt is drawn with the next seed and the list shows the best.
    press(&mut st, C::Back);
    assert_eq!(st.screen, Screen::Quizzes);
    assert!(screen(&st).contains("100% ✓"), "{}", screen(&st));
    press(&mut st, C::Activate);
    assert_eq!(st.quiz.as_ref().unwrap().session.seed(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hints_come_one_at_a_time_and_review_links_to_the_lesson() {
    let mut st = on_list(120, 40, None);
    press(&mut st, C::Activate);
    go_to(&mut st, "one");
    press(&mut st, C::Hint);
    let out = screen(&st);
    assert!(out.contains("Hint 1 of 2"), "{out}");
    assert!(!out.contains("Hint 2 of 2"), "{out}");
    press_all(&mut st, &[C::Hint, C::Hint]);
    assert!(screen(&st).contains("Hint 2 of 2"));
    assert_eq!(
        st.notice.as_ref().map(|n| n.0.as_str()),
        Some("No more hints for this question.")
    );
    press_all(&mut st, &[C::SubmitQuiz, C::Yes]);
    // Find a question linked to the caching lesson and open it.
    let idx = st
        .review
        .as_ref()
        .unwrap()
        .result
        .questions
        .iter()
        .position(|q| q.lesson.as_deref() == Some("authorizer-caching#mistakes"))
        .expect("linked question");
    for _ in 0..idx {
        press(&mut st, C::NextSection);
    }
    press(&mut st, C::Explain);
    assert_eq!(st.screen, Screen::Lesson);
    let lesson = st.current_lesson().expect("lesson").id.clone();
    assert_eq!(lesson, "authorizer-caching");
    let sec = st.lesson.as_ref().unwrap().section;
    assert_eq!(
        st.course.lessons[1]
            .sections
            .get(sec)
            .map(|s| s.id.as_str()),
        Some("mistakes")
    );
    press(&mut st, C::Back);
    assert_eq!(st.screen, Screen::Review);
}

#[test]
fn a_lessons_quiz_opens_from_the_lesson() {
    let mut st = quiz_app(120, 40, None);
    let li = st
        .course
        .lessons
        .iter()
        .position(|l| l.id == "authorizer-caching")
        .unwrap();
    st.open_lesson(li, 0);
    press(&mut st, C::OpenQuiz);
    assert_eq!(st.screen, Screen::Quiz);
    assert_eq!(st.quiz.as_ref().unwrap().session.quiz().id, "caching-check");
    // Leaving asks first.
    press(&mut st, C::Back);
    press(&mut st, C::Yes);
    assert_eq!(st.screen, Screen::Quizzes);
    assert!(st.quiz.is_none());
    // The other lesson has no quiz.
    let other = st
        .course
        .lessons
        .iter()
        .position(|l| l.id == "overview")
        .unwrap();
    st.open_lesson(other, 0);
    press(&mut st, C::OpenQuiz);
    assert_eq!(st.screen, Screen::Lesson);
}

#[test]
fn a_number_that_is_not_a_number_is_refused_in_the_prompt() {
    let mut st = on_list(80, 24, None);
    press(&mut st, C::Activate);
    go_to(&mut st, "ttl");
    press(&mut st, C::Edit);
    type_text(&mut st, "five minutes");
    let Some(Modal::Prompt { error, .. }) = st.modals.last() else {
        panic!("prompt closed")
    };
    assert!(error.as_deref().unwrap_or("").contains("not a number"));
    assert_eq!(answer_of(&st, "ttl"), None);
}

// ----- lab tasks against the real lab -----------------------------------

fn real_app(w: u16, h: u16) -> (AppState, Content) {
    let content = Content::builtin().expect("builtin course");
    let course = gatelab::cli::app::tui_course(content.clone());
    let st = AppState::new(
        course,
        mono(),
        Loaded::Ok(LearnerProgress::default()),
        None,
        (w, h),
    );
    (st, content)
}

/// Start the module with the `lock-delete` lab task and show that question.
fn on_lab_task(st: &mut AppState) {
    let qi = st
        .course
        .quizzes
        .iter()
        .position(|q| q.id == "authn-vs-authz")
        .expect("module");
    st.start_quiz(qi);
    go_to(st, "lock-delete");
}

fn task(content: &Content) -> gatelab::quiz::LabTask {
    let quiz = content
        .quizzes
        .iter()
        .find(|q| q.id == "authn-vs-authz")
        .unwrap();
    match &quiz.question("lock-delete").unwrap().body {
        Body::LabTask(t) => t.clone(),
        _ => panic!("not a lab task"),
    }
}

#[test]
fn grading_the_start_configuration_fails_the_exploit_check() {
    let (mut st, _) = real_app(120, 40);
    on_lab_task(&mut st);
    press(&mut st, C::GradeLab);
    let graded = st.quiz.as_ref().unwrap().graded.get("lock-delete").cloned();
    let outcomes = graded.expect("graded").expect("gradable");
    let exploit = outcomes
        .iter()
        .find(|o| o.name == "anonymous-delete")
        .unwrap();
    assert!(
        !exploit.passed,
        "the start configuration lets anyone delete"
    );
    assert!(matches!(
        answer_of(&st, "lock-delete"),
        Some(Answer::Lab(LabConfig::ScenarioText { .. }))
    ));
    let out = screen(&st);
    assert!(
        out.contains("FAIL anonymous-delete (exploit check)"),
        "{out}"
    );
    for (w, h) in SIZES {
        let term = draw_at(&mut st, w, h);
        insta::assert_snapshot!(
            format!("quiz_lab_task_{w}x{h}"),
            text(term.backend().buffer())
        );
    }
}

#[test]
fn grading_a_lab_with_the_reference_solution_passes_every_check() {
    let (mut st, content) = real_app(120, 40);
    let t = task(&content);
    let solved = CourseLab {
        scenarios: &content.scenarios,
    }
    .scenario_for(&t.solution_config())
    .expect("solution applies");
    let toml = Lab::new(solved).expect("lab").to_scenario_toml();
    // The learner's changed lab is what the app autosaved.
    st.progress.lab_autosave.insert(t.start.clone(), toml);
    on_lab_task(&mut st);
    // Open the lab on the start scenario (restored from the autosave) and come back.
    press(&mut st, C::OpenTaskLab);
    assert_eq!(st.screen, Screen::FreeLab);
    assert_eq!(
        st.lab.as_ref().map(|l| l.session.scenario_id.as_str()),
        Some(t.start.as_str())
    );
    press(&mut st, C::Back);
    assert_eq!(st.screen, Screen::Quiz);
    press(&mut st, C::GradeLab);
    let outcomes = st.quiz.as_ref().unwrap().graded["lock-delete"]
        .clone()
        .expect("gradable");
    assert_eq!(outcomes.len(), t.checks.len());
    assert!(outcomes.iter().all(|o| o.passed), "{outcomes:?}");
    press_all(&mut st, &[C::SubmitQuiz, C::Yes]);
    let q = st
        .review
        .as_ref()
        .unwrap()
        .result
        .questions
        .iter()
        .find(|q| q.id == "lock-delete")
        .unwrap()
        .clone();
    assert_eq!(q.points, q.max);
    assert!(q.max > 0.0);
}

#[test]
fn the_review_shows_each_failed_checks_request_got_expected_and_trace() {
    let (mut st, _) = real_app(120, 40);
    on_lab_task(&mut st);
    press_all(&mut st, &[C::GradeLab, C::SubmitQuiz, C::Yes]);
    let r = st.review.as_ref().unwrap();
    let idx = r
        .result
        .questions
        .iter()
        .position(|q| q.id == "lock-delete")
        .unwrap();
    for _ in 0..idx {
        press(&mut st, C::NextSection);
    }
    let out = screen(&st);
    assert!(out.contains("FAIL anonymous-delete"), "{out}");
    assert!(out.contains("request: "), "{out}");
    assert!(out.contains("got: "), "{out}");
    assert!(out.contains("expected: "), "{out}");
    assert!(out.contains("trace:"), "{out}");
}
