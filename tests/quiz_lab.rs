//! Lab tasks graded through a runner: good, bad and alternative
//! configurations, partial credit per check, the exploit shown first, and
//! what the review reports.

#[path = "quiz_fake_lab.rs"]
mod fake_lab;

use fake_lab::{FakeLab, LAB_ADMIN_OPEN};
use gatelab::quiz::grade::run_exploit;
use gatelab::quiz::review::render_review;
use gatelab::quiz::{
    Answer, Body, Boxes, CheckOutcome, LabCheck, LabConfig, LabRunner, LabTask, Question, Quiz,
    Session, Verdict, grade, parse_quiz,
};

const SAMPLE: &str = include_str!("fixtures/quiz/sample.toml");

fn sample() -> Quiz {
    parse_quiz("sample.toml", SAMPLE).unwrap_or_else(|e| panic!("{e}"))
}

fn lab_question() -> Question {
    sample().question("lock-admin").cloned().unwrap()
}

fn task(q: &Question) -> &LabTask {
    match &q.body {
        Body::LabTask(t) => t,
        _ => panic!("not a lab task"),
    }
}

fn text_config(text: &str) -> Answer {
    Answer::Lab(LabConfig::ScenarioText {
        name: "mine.toml".into(),
        text: text.into(),
    })
}

fn passed(checks: &[CheckOutcome]) -> Vec<(&str, bool)> {
    checks.iter().map(|c| (c.name.as_str(), c.passed)).collect()
}

#[test]
fn the_reference_solution_earns_every_point() {
    let q = lab_question();
    let answer = Answer::Lab(task(&q).solution_config());
    let g = grade(&q, Some(&answer), &FakeLab::default());
    assert_eq!((g.points, g.max, g.verdict), (4.0, 4.0, Verdict::Correct));
    assert_eq!(g.problem, None);
}

#[test]
fn a_different_correct_configuration_also_passes() {
    // Grading looks at behaviour: a narrower range that still holds 10.1.2.3 works.
    let q = lab_question();
    let mine = format!("{LAB_ADMIN_OPEN}\n").replace(
        "path = \"/admin\"\nauth = \"none\"",
        "path = \"/admin\"\nauth = \"cognito\"\nallow-cidr = \"10.1.0.0/16\"",
    );
    let g = grade(&q, Some(&text_config(&mine)), &FakeLab::default());
    assert_eq!(g.points, 4.0, "{:?}", g.checks);
}

#[test]
fn a_wrong_configuration_gets_credit_per_passed_check() {
    let q = lab_question();
    // Locks /health as well: only `health-public` fails.
    let patch: toml::Table = toml::from_str(
        "[routes.admin]\nallow-cidr = \"10.0.0.0/8\"\nauth = \"cognito\"\n[routes.health]\nallow-cidr = \"10.0.0.0/8\"\n",
    )
    .unwrap();
    let answer = Answer::Lab(LabConfig::Scenario {
        id: "lab-admin-open".into(),
        patch: Some(patch),
    });
    let g = grade(&q, Some(&answer), &FakeLab::default());
    assert_eq!((g.points, g.verdict), (3.0, Verdict::Partial));
    assert_eq!(
        passed(&g.checks),
        vec![
            ("anon-admin", true),
            ("inside-no-token", true),
            ("inside-with-token", true),
            ("health-public", false)
        ]
    );
    let failed = &g.checks[3];
    assert_eq!(
        (failed.got.as_str(), failed.expected.as_str()),
        ("403", "200")
    );

    // The untouched start configuration: the two open-door checks fail.
    let g = grade(
        &q,
        Some(&Answer::Lab(task(&q).start_config())),
        &FakeLab::default(),
    );
    assert_eq!(g.points, 2.0);
    assert_eq!(
        passed(&g.checks),
        vec![
            ("anon-admin", false),
            ("inside-no-token", false),
            ("inside-with-token", true),
            ("health-public", true)
        ]
    );
}

#[test]
fn a_configuration_that_does_not_build_scores_zero_with_the_reason() {
    let q = lab_question();
    let g = grade(&q, Some(&text_config("routes = [")), &FakeLab::default());
    assert_eq!((g.points, g.verdict), (0.0, Verdict::Wrong));
    let problem = g.problem.unwrap();
    assert!(
        problem.starts_with("the configuration could not be used: mine.toml:"),
        "{problem}"
    );
}

#[test]
fn checks_are_matched_by_name_not_by_position() {
    struct Reversed(FakeLab);
    impl LabRunner for Reversed {
        fn run_checks(
            &self,
            c: &LabConfig,
            checks: &[LabCheck],
        ) -> Result<Vec<CheckOutcome>, String> {
            let mut v = self.0.run_checks(c, checks)?;
            v.reverse();
            Ok(v)
        }
    }
    struct DropsLast(FakeLab);
    impl LabRunner for DropsLast {
        fn run_checks(
            &self,
            c: &LabConfig,
            checks: &[LabCheck],
        ) -> Result<Vec<CheckOutcome>, String> {
            let mut v = self.0.run_checks(c, checks)?;
            v.pop();
            Ok(v)
        }
    }
    let q = lab_question();
    let start = Answer::Lab(task(&q).start_config());
    let g = grade(&q, Some(&start), &Reversed(FakeLab::default()));
    assert_eq!(g.points, 2.0);
    assert_eq!(
        g.checks[0].name, "anon-admin",
        "outcomes are listed in the task's order"
    );
    let g = grade(
        &q,
        Some(&Answer::Lab(task(&q).solution_config())),
        &DropsLast(FakeLab::default()),
    );
    assert_eq!(g.points, 3.0);
    assert_eq!(
        g.problem.as_deref(),
        Some("check `health-public` was not run")
    );
}

#[test]
fn the_exploit_is_shown_failing_on_the_start_configuration() {
    let q = lab_question();
    let o = run_exploit(task(&q), &FakeLab::default()).unwrap().unwrap();
    assert_eq!(o.name, "anon-admin");
    assert!(!o.passed);
    assert_eq!((o.got.as_str(), o.expected.as_str()), ("200", "403"));
    let mut no_exploit = task(&q).clone();
    no_exploit.exploit = None;
    assert!(run_exploit(&no_exploit, &FakeLab::default()).is_none());
}

#[test]
fn the_review_lists_check_outcomes_and_the_reference_solution() {
    let quiz = sample();
    let mut s = Session::new(&quiz, 9, &Boxes::default());
    s.set_answer(
        "lock-admin",
        Answer::Lab(task(&lab_question()).start_config()),
        None,
    )
    .unwrap();
    let r = s.submit(None, &FakeLab::default());
    let lab = r.questions.iter().find(|q| q.id == "lock-admin").unwrap();
    assert_eq!((lab.points, lab.max), (2.0, 4.0));
    assert_eq!(lab.your_answer, "scenario `lab-admin-open` unchanged");
    assert!(
        lab.right_answer.contains("[routes.admin]"),
        "{}",
        lab.right_answer
    );
    let text = render_review(&r);
    assert!(
        text.contains("[FAIL] anon-admin: GET /admin from 203.0.113.5"),
        "{text}"
    );
    assert!(text.contains("got 200; expected 403"), "{text}");
    assert!(
        text.contains("| decided 200"),
        "the trace of a failed check is shown: {text}"
    );
    assert!(text.contains("[pass] health-public"), "{text}");
    assert!(
        text.contains("Read more: lesson lambda-authorizers#try-it"),
        "{text}"
    );
}
