//! Plain mode driven end to end through an in-memory stdin.

#[path = "quiz_fake_lab.rs"]
mod fake_lab;

use fake_lab::{FakeLab, LAB_ADMIN_OPEN};
use gatelab::gateway::time::{SimDuration, SimTime};
use gatelab::quiz::plain::{self, PlainOptions};
use gatelab::quiz::{Body, Boxes, LabConfig, Presented, Question, Quiz, Session, parse_quiz};
use std::cell::Cell;
use std::io::Cursor;

const SAMPLE: &str = include_str!("fixtures/quiz/sample.toml");
const SEED: u64 = 77;

fn sample() -> Quiz {
    parse_quiz("sample.toml", SAMPLE).unwrap_or_else(|e| panic!("{e}"))
}

fn load_file(path: &str) -> Result<LabConfig, String> {
    match path {
        "fixed.toml" => Ok(LabConfig::ScenarioText {
            name: path.to_string(),
            text: LAB_ADMIN_OPEN.replace(
                "path = \"/admin\"\nauth = \"none\"",
                "path = \"/admin\"\nauth = \"cognito\"\nallow-cidr = \"10.0.0.0/8\"",
            ),
        }),
        _ => Err("no such file".to_string()),
    }
}

fn letter(i: usize) -> char {
    (b'a' + i as u8) as char
}

/// The line a learner types to answer `q`, shown as `p`, correctly.
fn right_input(q: &Question, p: &Presented) -> String {
    let shown = |orig: usize| p.shown(orig).unwrap() + 1;
    match &q.body {
        Body::SingleChoice { options } => {
            shown(options.iter().position(|o| o.correct).unwrap()).to_string()
        }
        Body::MultipleSelect { options, .. } => options
            .iter()
            .enumerate()
            .filter(|(_, o)| o.correct)
            .map(|(i, _)| shown(i).to_string())
            .collect::<Vec<_>>()
            .join(" "),
        Body::TrueFalse { answer, .. } => if *answer { "t" } else { "f" }.to_string(),
        Body::Ordering { items, .. } => (0..items.len())
            .map(|i| shown(i).to_string())
            .collect::<Vec<_>>()
            .join(" "),
        Body::Matching { pairs, .. } => (0..pairs.len())
            .map(|i| letter(shown(i) - 1).to_string())
            .collect::<Vec<_>>()
            .join(" "),
        Body::Numeric { .. } => "3600 seconds".to_string(),
        Body::ShortText { .. } => "sigv4".to_string(),
        Body::LabTask(_) => "fixed.toml".to_string(),
    }
}

/// Invalid lines to type before the right answer, by kind.
fn wrong_first(q: &Question) -> Vec<&'static str> {
    match &q.body {
        Body::SingleChoice { .. } => vec!["9", "?", "1 2"],
        Body::MultipleSelect { .. } => vec!["x"],
        Body::TrueFalse { .. } => vec!["maybe"],
        Body::Ordering { .. } => vec!["1 1 2 3"],
        Body::Matching { .. } => vec!["a"],
        Body::Numeric { .. } => vec!["lots"],
        Body::ShortText { .. } => vec![""],
        Body::LabTask(_) => vec!["missing.toml"],
    }
}

fn drive(quiz: &Quiz, input: &str) -> (String, gatelab::quiz::AttemptResult) {
    let mut stdin = Cursor::new(input.as_bytes().to_vec());
    let mut out = Vec::new();
    let r = plain::run(
        quiz,
        SEED,
        &mut stdin,
        &mut out,
        &FakeLab::default(),
        &load_file,
    )
    .unwrap();
    (String::from_utf8(out).unwrap(), r)
}

fn right_answers(quiz: &Quiz, with_mistakes: bool) -> String {
    let s = Session::new(quiz, SEED, &Boxes::default());
    let mut lines = Vec::new();
    for k in 0..s.len() {
        let (q, p) = s.get(k).unwrap();
        if with_mistakes {
            lines.extend(wrong_first(q).into_iter().map(str::to_string));
        }
        lines.push(right_input(q, p));
    }
    lines.join("\n") + "\n"
}

#[test]
fn a_full_attempt_with_mistakes_on_the_way() {
    let quiz = sample();
    let input = right_answers(&quiz, true) + "99\n\n";
    let (out, r) = drive(&quiz, &input);
    assert!(!out.contains('\x1b'), "plain mode writes no escape codes");
    for expected in [
        "Sample: protecting an API: 8 questions, pass mark 70%.",
        "Untimed: take the time you need.",
        "Question 1 of 8 (",
        "Type the number of the correct option (? for a hint, - to skip).",
        "Type the numbers of all correct options, separated by spaces (? for a hint, - to skip).",
        "9 is not one of the choices. Type numbers from 1 to 4.",
        "Hint 1 of 2: It is a 4xx code: the client is sending too much.",
        "Type one number only: this question has one right answer.",
        "`x` is not a number. Type numbers from 1 to 4.",
        "`maybe` is not t or f. Type t for true or f for false.",
        "Type each of the numbers 1 to 4 exactly once, in the order you choose.",
        "Type 3 letters, one for each item, separated by spaces (you typed 1).",
        "`lots` is not a number. Type digits, e.g. 3600 or 0.5.",
        "Type a number, in seconds (? for a hint, - to skip).",
        "Nothing was typed. Type your answer",
        "Could not use `missing.toml`: no such file. Type another path, or - to skip.",
        "Start scenario: lab-admin-open",
        "Break it first: the start configuration fails check `anon-admin`:",
        "  GET /admin from 203.0.113.5: got 200, expected 403",
        "Your answers (8 of 8 answered):",
        "`99` is not a question number. Type a number from 1 to 8, or press Enter to submit.",
        "Result: 11 of 11 points (100%); pass mark 70%: passed.",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert_eq!(out.lines().last(), Some("score: 11/11"));
    assert!(r.passed);
    assert_eq!(
        r.questions
            .iter()
            .find(|q| q.id == "throttle-status")
            .unwrap()
            .hints_used,
        1
    );
}

#[test]
fn end_of_input_submits_what_was_answered() {
    let quiz = sample();
    let all = right_answers(&quiz, false);
    let first_two: String = all.lines().take(2).map(|l| format!("{l}\n")).collect();
    let (out, r) = drive(&quiz, &first_two);
    let answered = r.questions.iter().filter(|q| q.answer.is_some()).count();
    assert_eq!(answered, 2);
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("score: ") && last.ends_with("/11"),
        "{last}"
    );
    assert!(out.contains("[not answered]"), "{out}");
    assert!(out.contains("Review of Sample: protecting an API (8 questions)"));
}

#[test]
fn skipping_and_changing_an_answer_before_submitting() {
    let quiz = sample();
    let s = Session::new(&quiz, SEED, &Boxes::default());
    let ids = s.question_ids();
    let k = ids
        .iter()
        .position(|id| *id == "api-key-authenticates")
        .unwrap();
    let mut lines: Vec<String> = right_answers(&quiz, false)
        .lines()
        .map(str::to_string)
        .collect();
    lines[0] = "-".to_string(); // skip the first question
    lines.push((k + 1).to_string()); // go back to the true/false question
    lines.push("t".to_string()); // change the right answer to a wrong one
    lines.push(String::new()); // submit
    let (out, r) = drive(&quiz, &(lines.join("\n") + "\n"));
    assert!(out.contains("Your answers (7 of 8 answered):"), "{out}");
    assert!(out.contains("Current answer: false"), "{out}");
    assert!(out.contains("  1. (no answer)"), "{out}");
    let first = &r.questions[0];
    assert!(first.answer.is_none());
    let tf = r
        .questions
        .iter()
        .find(|q| q.id == "api-key-authenticates")
        .unwrap();
    assert_eq!(tf.points, 0.0);
    let expected = 11.0 - first.max - 1.0;
    assert_eq!(r.score, expected);
    assert_eq!(
        out.lines().last(),
        Some(format!("score: {expected}/11").as_str())
    );
}

#[test]
fn a_timed_module_stops_when_the_clock_runs_out() {
    let mut quiz = sample();
    quiz.time_limit_mins = 10;
    // Every reading of the clock moves it on by two minutes.
    let calls = Cell::new(0u64);
    let t0 = SimTime::from_unix_secs(1_700_000_000);
    let clock = || {
        calls.set(calls.get() + 1);
        t0.plus(SimDuration::from_secs(120 * (calls.get() - 1)))
    };
    let history = Boxes::default();
    let opts = PlainOptions {
        history: &history,
        clock: Some(&clock),
    };
    let mut stdin = Cursor::new(right_answers(&quiz, false).into_bytes());
    let mut out = Vec::new();
    let r = plain::run_with(
        &quiz,
        SEED,
        opts,
        &mut stdin,
        &mut out,
        &FakeLab::default(),
        &load_file,
    )
    .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("Time limit: 10 minutes."), "{out}");
    assert!(out.contains("min left"), "{out}");
    assert!(out.contains("Time is up"), "{out}");
    let answered = r.questions.iter().filter(|q| q.answer.is_some()).count();
    assert!((1..8).contains(&answered), "answered {answered}");
    assert!(out.lines().last().unwrap().starts_with("score: "));
}

#[test]
fn missed_questions_come_first_in_plain_mode_too() {
    let quiz = sample();
    let mut history = Boxes::default();
    history.record("cache-ttl-max", false);
    let opts = PlainOptions {
        history: &history,
        clock: None,
    };
    let mut stdin = Cursor::new(Vec::new());
    let mut out = Vec::new();
    let r = plain::run_with(
        &quiz,
        SEED,
        opts,
        &mut stdin,
        &mut out,
        &FakeLab::default(),
        &load_file,
    )
    .unwrap();
    assert_eq!(r.questions[0].id, "cache-ttl-max");
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("Question 1 of 8 (number)\nWhat is the longest time"),
        "{out}"
    );
}

mod any_input {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever is typed, plain mode ends with a score line and never panics.
        #[test]
        fn any_typing_ends_with_a_score(lines in proptest::collection::vec("[ a-e0-9?\\-,.xt]{0,12}", 0..40), seed in any::<u64>()) {
            let quiz = sample();
            let mut stdin = Cursor::new((lines.join("\n") + "\n").into_bytes());
            let mut out = Vec::new();
            let r = plain::run(&quiz, seed, &mut stdin, &mut out, &FakeLab::default(), &load_file).unwrap();
            let out = String::from_utf8(out).unwrap();
            let last = out.lines().last().unwrap_or("");
            prop_assert!(last.starts_with("score: ") && last.ends_with("/11"), "{}", last);
            prop_assert!(r.score >= 0.0 && r.score <= 11.0);
        }
    }
}
