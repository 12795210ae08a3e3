//! Grading per question kind, and sessions: seeded draws and shuffles,
//! spaced re-review, changing answers, hints and the time limit.

use gatelab::gateway::time::{SimDuration, SimTime};
use gatelab::quiz::{
    Answer, Body, Boxes, NoLab, Question, Quiz, Scoring, Session, SessionError, Verdict, grade,
    parse_quiz,
};
use proptest::prelude::*;
use std::collections::BTreeSet;

const SAMPLE: &str = include_str!("fixtures/quiz/sample.toml");

fn sample() -> Quiz {
    parse_quiz("sample.toml", SAMPLE).unwrap_or_else(|e| panic!("{e}"))
}

fn question(quiz: &Quiz, id: &str) -> Question {
    quiz.question(id)
        .cloned()
        .unwrap_or_else(|| panic!("no question {id}"))
}

fn points(q: &Question, a: Answer) -> f64 {
    grade(q, Some(&a), &NoLab).points
}

fn picks(v: &[usize]) -> Answer {
    Answer::Choices(v.iter().copied().collect())
}

#[test]
fn single_choice_credits_the_right_option_and_reports_feedback_and_misconceptions() {
    let q = question(&sample(), "throttle-status");
    let g = grade(&q, Some(&Answer::Choice(0)), &NoLab);
    assert_eq!((g.points, g.max, g.verdict), (1.0, 1.0, Verdict::Correct));
    assert_eq!(
        g.feedback,
        vec!["Right: throttling answers 429.".to_string()]
    );
    let g = grade(&q, Some(&Answer::Choice(1)), &NoLab);
    assert_eq!((g.points, g.verdict), (0.0, Verdict::Wrong));
    assert_eq!(g.misconceptions, vec!["throttle-is-forbidden".to_string()]);
    let g = grade(&q, None, &NoLab);
    assert_eq!((g.points, g.verdict), (0.0, Verdict::Unanswered));
}

#[test]
fn multiple_select_partial_and_all_or_nothing() {
    let mut q = question(&sample(), "access-control-options");
    assert_eq!(points(&q, picks(&[0, 1, 2])), 1.0);
    assert!((points(&q, picks(&[0, 1])) - 2.0 / 3.0).abs() < 1e-12);
    assert!(
        (points(&q, picks(&[0, 1, 2, 3])) - 2.0 / 3.0).abs() < 1e-12,
        "a wrong pick costs 1/3"
    );
    assert!(
        (points(&q, picks(&[0, 3])) - 0.0).abs() < 1e-12,
        "one right and one wrong cancel out"
    );
    assert_eq!(points(&q, picks(&[3])), 0.0, "floored at 0");
    assert_eq!(points(&q, picks(&[])), 0.0);
    let g = grade(&q, Some(&picks(&[1, 3])), &NoLab);
    assert_eq!(g.misconceptions, vec!["api-key-is-auth".to_string()]);
    assert_eq!(g.verdict, Verdict::Wrong);

    if let Body::MultipleSelect { scoring, .. } = &mut q.body {
        *scoring = Scoring::AllOrNothing;
    }
    assert_eq!(points(&q, picks(&[0, 1, 2])), 1.0);
    assert_eq!(points(&q, picks(&[0, 1])), 0.0);
    assert_eq!(points(&q, picks(&[0, 1, 2, 3])), 0.0);
}

#[test]
fn true_false_uses_the_feedback_of_the_answer_given() {
    let q = question(&sample(), "api-key-authenticates");
    let g = grade(&q, Some(&Answer::Bool(false)), &NoLab);
    assert_eq!(g.points, 1.0);
    assert!(g.feedback[0].starts_with("Right: keys meter"));
    let g = grade(&q, Some(&Answer::Bool(true)), &NoLab);
    assert_eq!(g.points, 0.0);
    assert!(g.feedback[0].starts_with("No: anyone holding the key"));
}

#[test]
fn ordering_all_or_nothing_and_partial() {
    let mut q = question(&sample(), "sigv4-steps");
    assert_eq!(points(&q, Answer::Order(vec![0, 1, 2, 3])), 1.0);
    assert_eq!(points(&q, Answer::Order(vec![1, 0, 2, 3])), 0.0);
    let g = grade(&q, Some(&Answer::Order(vec![0, 1, 2])), &NoLab);
    assert_eq!(g.points, 0.0);
    assert!(g.problem.unwrap().contains("each of the 4 items once"));
    if let Body::Ordering { scoring, .. } = &mut q.body {
        *scoring = Scoring::Partial;
    }
    assert_eq!(points(&q, Answer::Order(vec![1, 0, 2, 3])), 0.5);
    assert_eq!(points(&q, Answer::Order(vec![3, 2, 1, 0])), 0.0);
}

#[test]
fn matching_partial_credits_each_pair() {
    let q = question(&sample(), "authorizer-inputs");
    assert_eq!(
        points(&q, Answer::Matches(vec![Some(0), Some(1), Some(2)])),
        1.0
    );
    assert!(
        (points(&q, Answer::Matches(vec![Some(1), Some(0), Some(2)])) - 1.0 / 3.0).abs() < 1e-12
    );
    assert!((points(&q, Answer::Matches(vec![Some(0), None, None])) - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(points(&q, Answer::Matches(vec![None, None, None])), 0.0);
}

#[test]
fn numeric_within_tolerance() {
    let mut q = question(&sample(), "cache-ttl-max");
    assert_eq!(points(&q, Answer::Number(3600.0)), 1.0);
    assert_eq!(points(&q, Answer::Number(3599.0)), 0.0);
    assert_eq!(points(&q, Answer::Number(f64::NAN)), 0.0);
    if let Body::Numeric { tolerance, .. } = &mut q.body {
        *tolerance = 5.0;
    }
    assert_eq!(points(&q, Answer::Number(3595.0)), 1.0);
    assert_eq!(points(&q, Answer::Number(3605.0)), 1.0);
    assert_eq!(points(&q, Answer::Number(3594.9)), 0.0);
}

#[test]
fn short_text_ignores_case_and_spacing_unless_told() {
    let mut q = question(&sample(), "signing-protocol");
    assert_eq!(points(&q, Answer::Text("  sigv4 ".into())), 1.0);
    assert_eq!(
        points(&q, Answer::Text("signature   VERSION 4".into())),
        1.0
    );
    assert_eq!(points(&q, Answer::Text("SigV2".into())), 0.0);
    if let Body::ShortText { case_sensitive, .. } = &mut q.body {
        *case_sensitive = true;
    }
    assert_eq!(points(&q, Answer::Text("sigv4".into())), 0.0);
    assert_eq!(points(&q, Answer::Text("SigV4".into())), 1.0);
}

fn variant(s: &Session) -> Vec<(String, Vec<usize>)> {
    s.presented()
        .iter()
        .map(|p| (s.quiz().questions[p.index].id.clone(), p.order.clone()))
        .collect()
}

#[test]
fn a_seed_reproduces_the_same_variant() {
    let quiz = sample();
    let a = Session::new(&quiz, 2041, &Boxes::default());
    let b = Session::new(&quiz, 2041, &Boxes::default());
    assert_eq!(variant(&a), variant(&b));
    assert_eq!(a.len(), 8);
    // Every choice question shows all its options exactly once.
    for p in a.presented() {
        let set: BTreeSet<usize> = p.order.iter().copied().collect();
        assert_eq!(set.len(), p.order.len());
    }
}

#[test]
fn different_seeds_give_different_variants() {
    let quiz = sample();
    let variants: BTreeSet<_> = (0..20u64)
        .map(|s| variant(&Session::new(&quiz, s, &Boxes::default())))
        .collect();
    assert!(
        variants.len() >= 19,
        "only {} distinct variants in 20 seeds",
        variants.len()
    );
    let firsts: BTreeSet<String> = (0..20u64)
        .map(|s| Session::new(&quiz, s, &Boxes::default()).question_ids()[0].to_string())
        .collect();
    assert!(
        firsts.len() >= 4,
        "question order barely changes: {firsts:?}"
    );
}

#[test]
fn ordering_and_matching_never_start_solved() {
    let quiz = sample();
    for seed in 0..200u64 {
        let s = Session::new(&quiz, seed, &Boxes::default());
        for p in s.presented() {
            let q = &quiz.questions[p.index];
            if matches!(q.body, Body::Ordering { .. } | Body::Matching { .. }) {
                assert!(
                    p.order.iter().enumerate().any(|(i, &o)| i != o),
                    "seed {seed}: {} shown solved",
                    q.id
                );
            }
        }
    }
}

#[test]
fn draw_takes_a_seeded_subset() {
    let mut quiz = sample();
    quiz.draw = Some(3);
    let a = Session::new(&quiz, 7, &Boxes::default());
    assert_eq!(a.len(), 3);
    assert_eq!(
        a.question_ids(),
        Session::new(&quiz, 7, &Boxes::default()).question_ids()
    );
    let subsets: BTreeSet<Vec<String>> = (0..10u64)
        .map(|s| {
            let mut ids: Vec<String> = Session::new(&quiz, s, &Boxes::default())
                .question_ids()
                .iter()
                .map(|x| x.to_string())
                .collect();
            ids.sort();
            ids
        })
        .collect();
    assert!(subsets.len() > 3, "{subsets:?}");
}

#[test]
fn missed_questions_come_first_then_unseen_then_known() {
    let mut quiz = sample();
    let mut history = Boxes::default();
    for id in [
        "throttle-status",
        "access-control-options",
        "api-key-authenticates",
        "authorizer-inputs",
    ] {
        history.record(id, true); // box 2
    }
    history.record("authorizer-inputs", true); // box 3
    history.record("sigv4-steps", false); // missed
    history.record("cache-ttl-max", false); // missed
    for seed in 0..30u64 {
        let ids = Session::new(&quiz, seed, &history)
            .question_ids()
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>();
        let first: BTreeSet<&str> = ids[..2].iter().map(String::as_str).collect();
        assert_eq!(
            first,
            BTreeSet::from(["sigv4-steps", "cache-ttl-max"]),
            "seed {seed}: {ids:?}"
        );
        let unseen: BTreeSet<&str> = ids[2..4].iter().map(String::as_str).collect();
        assert_eq!(
            unseen,
            BTreeSet::from(["signing-protocol", "lock-admin"]),
            "seed {seed}: {ids:?}"
        );
        assert_eq!(
            ids[7], "authorizer-inputs",
            "the best-known question comes last"
        );
    }
    // With a draw smaller than the module, missed questions are always drawn.
    quiz.draw = Some(2);
    for seed in 0..30u64 {
        let s = Session::new(&quiz, seed, &history);
        let ids: BTreeSet<&str> = s.question_ids().into_iter().collect();
        assert_eq!(ids, BTreeSet::from(["sigv4-steps", "cache-ttl-max"]));
    }
    // Option order depends on the seed only, not on the history.
    let a = Session::new(&sample(), 5, &history);
    let b = Session::new(&sample(), 5, &Boxes::default());
    let order_of = |s: &Session, id: &str| {
        s.presented()
            .iter()
            .find(|p| s.quiz().questions[p.index].id == id)
            .map(|p| p.order.clone())
    };
    assert_eq!(
        order_of(&a, "access-control-options"),
        order_of(&b, "access-control-options")
    );
}

#[test]
fn answers_can_change_until_submit_and_bad_answers_are_refused() {
    let quiz = sample();
    let mut s = Session::new(&quiz, 1, &Boxes::default());
    s.set_answer("throttle-status", Answer::Choice(2), None)
        .unwrap();
    s.set_answer("throttle-status", Answer::Choice(0), None)
        .unwrap();
    assert_eq!(s.answer("throttle-status"), Some(&Answer::Choice(0)));
    s.set_answer("cache-ttl-max", Answer::Number(1.0), None)
        .unwrap();
    s.clear_answer("cache-ttl-max");
    assert_eq!(s.answered(), 1);
    assert!(matches!(
        s.set_answer("throttle-status", Answer::Choice(9), None),
        Err(SessionError::Invalid { .. })
    ));
    assert!(matches!(
        s.set_answer("throttle-status", Answer::Bool(true), None),
        Err(SessionError::WrongShape { .. })
    ));
    assert!(matches!(
        s.set_answer("nope", Answer::Bool(true), None),
        Err(SessionError::NotInAttempt(_))
    ));
    assert!(matches!(
        s.set_answer("sigv4-steps", Answer::Order(vec![0, 0, 1, 2]), None),
        Err(SessionError::Invalid { .. })
    ));
    assert!(matches!(
        s.set_answer("cache-ttl-max", Answer::Number(f64::INFINITY), None),
        Err(SessionError::Invalid { .. })
    ));
    let r = s.submit(None, &NoLab);
    assert_eq!(r.score, 1.0);
    assert_eq!(r.max, 11.0, "7 one-point questions and a 4-point lab task");
    assert!(!r.passed);
}

#[test]
fn hints_are_revealed_one_at_a_time_and_counted() {
    let quiz = sample();
    let mut s = Session::new(&quiz, 1, &Boxes::default());
    assert_eq!(
        s.next_hint("throttle-status"),
        Some((
            1,
            2,
            "It is a 4xx code: the client is sending too much.".to_string()
        ))
    );
    assert_eq!(s.next_hint("throttle-status").map(|h| h.0), Some(2));
    assert_eq!(s.next_hint("throttle-status"), None);
    assert_eq!(s.next_hint("cache-ttl-max"), None);
    let r = s.submit(None, &NoLab);
    let review = r
        .questions
        .iter()
        .find(|q| q.id == "throttle-status")
        .unwrap();
    assert_eq!(review.hints_used, 2);
}

#[test]
fn a_full_marks_attempt_passes() {
    let quiz = sample();
    let mut s = Session::new(&quiz, 3, &Boxes::default());
    let right = [
        ("throttle-status", Answer::Choice(0)),
        ("access-control-options", picks(&[0, 1, 2])),
        ("api-key-authenticates", Answer::Bool(false)),
        ("sigv4-steps", Answer::Order(vec![0, 1, 2, 3])),
        (
            "authorizer-inputs",
            Answer::Matches(vec![Some(0), Some(1), Some(2)]),
        ),
        ("cache-ttl-max", Answer::Number(3600.0)),
        ("signing-protocol", Answer::Text("SigV4".into())),
    ];
    for (id, a) in right {
        s.set_answer(id, a, None).unwrap();
    }
    let r = s.submit(None, &NoLab);
    assert_eq!((r.score, r.max), (7.0, 11.0), "the lab task is unanswered");
    assert!((r.percent - 700.0 / 11.0).abs() < 1e-9);
    assert!(!r.passed, "63.6% is below the pass mark of 70%");
    assert_eq!(r.questions.len(), 8);
    assert_eq!(r.seed, 3);
}

#[test]
fn the_time_limit_is_checked_against_the_times_given() {
    let mut quiz = sample();
    quiz.time_limit_mins = 10;
    let t0 = SimTime::from_unix_secs(1_000_000);
    let mut s = Session::new(&quiz, 1, &Boxes::default());
    assert_eq!(s.deadline(), None, "the clock starts when the caller says");
    s.start(t0);
    assert_eq!(
        s.time_left(t0.plus(SimDuration::from_secs(60))),
        Some(SimDuration::from_secs(540))
    );
    s.set_answer(
        "throttle-status",
        Answer::Choice(0),
        Some(t0.plus(SimDuration::from_secs(599))),
    )
    .unwrap();
    assert_eq!(
        s.set_answer(
            "cache-ttl-max",
            Answer::Number(3600.0),
            Some(t0.plus(SimDuration::from_secs(600)))
        ),
        Err(SessionError::TimeUp)
    );
    let r = s.submit(Some(t0.plus(SimDuration::from_secs(660))), &NoLab);
    assert!(r.timed_out);
    assert_eq!(r.score, 1.0);

    // Untimed modules ignore the times.
    let quiz = sample();
    let mut s = Session::new(&quiz, 1, &Boxes::default());
    s.start(t0);
    assert!(!s.is_over(t0.plus(SimDuration::from_secs(1_000_000))));
    s.set_answer(
        "throttle-status",
        Answer::Choice(0),
        Some(t0.plus(SimDuration::from_secs(1_000_000))),
    )
    .unwrap();
    assert!(
        !s.submit(Some(t0.plus(SimDuration::from_secs(2_000_000))), &NoLab)
            .timed_out
    );
}

/// A one-question module around `body`.
fn single(body: Body) -> Quiz {
    let mut quiz = sample();
    quiz.questions = vec![Question {
        id: "only".into(),
        prompt: "p".into(),
        lesson: None,
        explanation: "e".into(),
        hints: vec![],
        source: None,
        body,
    }];
    quiz
}

/// Answer through the shuffled display: pick what is shown, map back with
/// `Presented::original`, submit, and return the points.
fn points_through_display(quiz: &Quiz, seed: u64, choose: impl Fn(&[String]) -> Vec<usize>) -> f64 {
    let mut s = Session::new(quiz, seed, &Boxes::default());
    let (q, p) = s.get(0).map(|(q, p)| (q.clone(), p.clone())).unwrap();
    let shown: Vec<String> = p
        .order
        .iter()
        .map(|&o| match &q.body {
            Body::MultipleSelect { options, .. } => options[o].text.clone(),
            Body::Ordering { items, .. } => items[o].clone(),
            Body::Matching { pairs, .. } => pairs[o].right.clone(),
            _ => unreachable!(),
        })
        .collect();
    let positions = choose(&shown);
    let originals: Vec<usize> = positions.iter().map(|&d| p.original(d).unwrap()).collect();
    let answer = match &q.body {
        Body::MultipleSelect { .. } => Answer::Choices(originals.into_iter().collect()),
        Body::Ordering { .. } => Answer::Order(originals),
        _ => Answer::Matches(originals.into_iter().map(Some).collect()),
    };
    s.set_answer("only", answer, None).unwrap();
    s.submit(None, &NoLab).score
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn grading_ignores_the_shuffle(
        correct in proptest::collection::vec(any::<bool>(), 2..8),
        picked in proptest::collection::vec(any::<bool>(), 8),
        partial in any::<bool>(),
        seed_a in any::<u64>(),
        seed_b in any::<u64>(),
    ) {
        prop_assume!(correct.iter().any(|&c| c));
        let options: Vec<_> = correct
            .iter()
            .enumerate()
            .map(|(i, &c)| gatelab::quiz::ChoiceOption { text: format!("option {i}"), correct: c, ..Default::default() })
            .collect();
        let scoring = if partial { Scoring::Partial } else { Scoring::AllOrNothing };
        let quiz = single(Body::MultipleSelect { options: options.clone(), scoring });
        let wanted: BTreeSet<String> = (0..options.len()).filter(|&i| picked[i]).map(|i| format!("option {i}")).collect();
        let choose = |shown: &[String]| -> Vec<usize> {
            shown.iter().enumerate().filter(|(_, t)| wanted.contains(*t)).map(|(d, _)| d).collect()
        };
        let a = points_through_display(&quiz, seed_a, choose);
        let b = points_through_display(&quiz, seed_b, choose);
        let direct = grade(
            &quiz.questions[0],
            Some(&Answer::Choices((0..options.len()).filter(|&i| picked[i]).collect())),
            &NoLab,
        ).points;
        prop_assert!((a - b).abs() < 1e-12);
        prop_assert!((a - direct).abs() < 1e-12);
    }

    #[test]
    fn ordering_and_matching_grades_ignore_the_shuffle(
        n in 2usize..7,
        perm_seed in any::<u64>(),
        seed_a in any::<u64>(),
        seed_b in any::<u64>(),
    ) {
        let items: Vec<String> = (0..n).map(|i| format!("item {i}")).collect();
        // The learner's intended sequence of texts: a rotation decided by perm_seed.
        let k = (perm_seed % n as u64) as usize;
        let mut intended = items.clone();
        intended.rotate_left(k);
        let quiz = single(Body::Ordering { items: items.clone(), scoring: Scoring::Partial });
        let choose = |shown: &[String]| -> Vec<usize> {
            intended.iter().map(|t| shown.iter().position(|s| s == t).unwrap()).collect()
        };
        let a = points_through_display(&quiz, seed_a, choose);
        let b = points_through_display(&quiz, seed_b, choose);
        let expected = if k == 0 { 1.0 } else { 0.0 };
        prop_assert_eq!(a, expected);
        prop_assert_eq!(b, expected);

        let pairs: Vec<_> = (0..n).map(|i| gatelab::quiz::MatchPair { left: format!("l{i}"), right: format!("r{i}") }).collect();
        let quiz = single(Body::Matching { pairs, scoring: Scoring::Partial });
        // Match left i with right (i + k) mod n, by text.
        let choose = |shown: &[String]| -> Vec<usize> {
            (0..n).map(|i| shown.iter().position(|s| *s == format!("r{}", (i + k) % n)).unwrap()).collect()
        };
        let a = points_through_display(&quiz, seed_a, choose);
        let b = points_through_display(&quiz, seed_b, choose);
        prop_assert_eq!(a, expected);
        prop_assert_eq!(b, expected);
    }
}
