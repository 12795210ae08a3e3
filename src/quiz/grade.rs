//! Grading, one question at a time. Grades depend only on the question and
//! the answer in stable terms (file-order indices), never on the order the
//! options were shown in.

use super::model::{Answer, Body, ChoiceOption, LabRunner, LabTask, Question, Scoring};
use super::model::{CheckOutcome, LabConfig};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How an answer fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Full credit.
    Correct,
    /// Some credit.
    Partial,
    /// No credit.
    Wrong,
    /// No answer given.
    Unanswered,
}

impl Verdict {
    /// Lowercase word for reviews and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Correct => "correct",
            Verdict::Partial => "partly correct",
            Verdict::Wrong => "wrong",
            Verdict::Unanswered => "not answered",
        }
    }

    fn from_points(points: f64, max: f64) -> Verdict {
        if max > 0.0 && points >= max - EPSILON {
            Verdict::Correct
        } else if points > EPSILON {
            Verdict::Partial
        } else {
            Verdict::Wrong
        }
    }
}

/// Tolerance for comparing credit computed with fractions.
const EPSILON: f64 = 1e-9;

/// The grade of one question.
#[derive(Clone, Debug, PartialEq)]
pub struct Grade {
    /// Credit earned (0..=max).
    pub points: f64,
    /// Credit available.
    pub max: f64,
    /// Summary of the credit.
    pub verdict: Verdict,
    /// Feedback of the options the learner chose (in file order).
    pub feedback: Vec<String>,
    /// Misconception tags of the options the learner chose.
    pub misconceptions: Vec<String>,
    /// Lab tasks: the outcome of every check, in the task's order.
    pub checks: Vec<CheckOutcome>,
    /// Why the answer could not be graded normally (wrong shape, a lab
    /// configuration that did not build).
    pub problem: Option<String>,
}

/// Credit available for a question: 1, or the sum of a lab task's check points.
pub fn max_points(q: &Question) -> f64 {
    match &q.body {
        Body::LabTask(t) => f64::from(t.max_points()),
        _ => 1.0,
    }
}

/// Grade `answer` (or its absence) to `q`. Lab tasks run their checks
/// through `runner`.
pub fn grade(q: &Question, answer: Option<&Answer>, runner: &dyn LabRunner) -> Grade {
    let max = max_points(q);
    let mut g = Grade {
        points: 0.0,
        max,
        verdict: Verdict::Unanswered,
        feedback: Vec::new(),
        misconceptions: Vec::new(),
        checks: Vec::new(),
        problem: None,
    };
    let Some(answer) = answer else {
        return g;
    };
    if !answer.fits(q.kind()) {
        g.verdict = Verdict::Wrong;
        g.problem = Some(format!(
            "this answer does not fit a {} question",
            q.kind().label()
        ));
        return g;
    }
    let share = match (&q.body, answer) {
        (Body::SingleChoice { options }, Answer::Choice(i)) => {
            note_choices(options, [*i].iter(), &mut g);
            match options.get(*i) {
                Some(o) if o.correct => 1.0,
                Some(_) => 0.0,
                None => {
                    g.problem = Some(format!("option {} does not exist", i + 1));
                    0.0
                }
            }
        }
        (Body::MultipleSelect { options, scoring }, Answer::Choices(picked)) => {
            note_choices(options, picked.iter(), &mut g);
            if picked.iter().any(|&i| i >= options.len()) {
                g.problem = Some("an option that does not exist was picked".to_string());
            }
            multi_share(options, picked, *scoring)
        }
        (
            Body::TrueFalse {
                answer: right,
                feedback_true,
                feedback_false,
            },
            Answer::Bool(b),
        ) => {
            let fb = if *b { feedback_true } else { feedback_false };
            g.feedback.extend(fb.iter().cloned());
            if b == right { 1.0 } else { 0.0 }
        }
        (Body::Ordering { items, scoring }, Answer::Order(order)) => {
            let n = items.len();
            let is_permutation = order.len() == n
                && order.iter().collect::<BTreeSet<_>>().len() == n
                && order.iter().all(|&i| i < n);
            if !is_permutation {
                g.problem = Some(format!("the answer must place each of the {n} items once"));
                0.0
            } else {
                let in_place = order
                    .iter()
                    .enumerate()
                    .filter(|(pos, i)| pos == *i)
                    .count();
                share_of(in_place, n, *scoring)
            }
        }
        (Body::Matching { pairs, scoring }, Answer::Matches(chosen)) => {
            let n = pairs.len();
            // Compare right-hand texts, so two pairs with the same right side are interchangeable.
            let right = pairs
                .iter()
                .enumerate()
                .filter(|(i, p)| {
                    chosen
                        .get(*i)
                        .copied()
                        .flatten()
                        .and_then(|c| pairs.get(c))
                        .is_some_and(|c| c.right == p.right)
                })
                .count();
            share_of(right, n, *scoring)
        }
        (
            Body::Numeric {
                answer: right,
                tolerance,
                ..
            },
            Answer::Number(x),
        ) => {
            let slack = EPSILON * right.abs().max(1.0);
            if x.is_finite() && (x - right).abs() <= tolerance + slack {
                1.0
            } else {
                0.0
            }
        }
        (
            Body::ShortText {
                accept,
                case_sensitive,
            },
            Answer::Text(t),
        ) => {
            let given = normalize_text(t, *case_sensitive);
            if accept
                .iter()
                .any(|a| normalize_text(a, *case_sensitive) == given)
            {
                1.0
            } else {
                0.0
            }
        }
        (Body::LabTask(task), Answer::Lab(config)) => {
            let (points, checks, problem) = grade_lab(task, config, runner);
            g.checks = checks;
            g.problem = problem;
            g.points = points;
            g.verdict = Verdict::from_points(points, max);
            return g;
        }
        _ => 0.0,
    };
    g.points = clamp_points(share * max, max);
    g.verdict = Verdict::from_points(g.points, max);
    g
}

fn clamp_points(points: f64, max: f64) -> f64 {
    if points.is_finite() {
        points.clamp(0.0, max)
    } else {
        0.0
    }
}

fn note_choices<'a>(
    options: &[ChoiceOption],
    picked: impl Iterator<Item = &'a usize>,
    g: &mut Grade,
) {
    let picked: BTreeSet<usize> = picked.copied().collect();
    for i in picked {
        if let Some(o) = options.get(i) {
            if let Some(f) = &o.feedback {
                g.feedback.push(f.clone());
            }
            if let Some(m) = &o.misconception
                && !g.misconceptions.contains(m)
            {
                g.misconceptions.push(m.clone());
            }
        }
    }
}

/// Multiple select: all-or-nothing, or +1/k per right pick and -1/k per
/// wrong pick (k = number of correct options), floored at 0.
fn multi_share(options: &[ChoiceOption], picked: &BTreeSet<usize>, scoring: Scoring) -> f64 {
    let correct: BTreeSet<usize> = options
        .iter()
        .enumerate()
        .filter(|(_, o)| o.correct)
        .map(|(i, _)| i)
        .collect();
    let k = correct.len();
    if k == 0 {
        return 0.0;
    }
    match scoring {
        Scoring::AllOrNothing => {
            if *picked == correct {
                1.0
            } else {
                0.0
            }
        }
        Scoring::Partial => {
            let right = picked.intersection(&correct).count() as f64;
            let wrong = picked.difference(&correct).count() as f64;
            ((right - wrong) / k as f64).max(0.0)
        }
    }
}

fn share_of(right: usize, n: usize, scoring: Scoring) -> f64 {
    if n == 0 {
        return 0.0;
    }
    match scoring {
        Scoring::AllOrNothing => {
            if right == n {
                1.0
            } else {
                0.0
            }
        }
        Scoring::Partial => right as f64 / n as f64,
    }
}

/// Trim, collapse inner whitespace and, unless case matters, lowercase.
pub fn normalize_text(s: &str, case_sensitive: bool) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if case_sensitive {
        joined
    } else {
        joined.to_lowercase()
    }
}

/// Run a lab task's checks on `config`; returns (points, outcomes, problem).
/// Outcomes are matched to checks by name, never by position, so a runner
/// that reorders or drops outcomes cannot earn points for the wrong check.
pub fn grade_lab(
    task: &LabTask,
    config: &LabConfig,
    runner: &dyn LabRunner,
) -> (f64, Vec<CheckOutcome>, Option<String>) {
    match runner.run_checks(config, &task.checks) {
        Err(reason) => (
            0.0,
            Vec::new(),
            Some(format!("the configuration could not be used: {reason}")),
        ),
        Ok(outcomes) => {
            let mut points = 0u32;
            let mut ordered = Vec::new();
            let mut problem = None;
            for check in &task.checks {
                match outcomes.iter().find(|o| o.name == check.name) {
                    Some(o) => {
                        if o.passed {
                            points = points.saturating_add(check.points);
                        }
                        ordered.push(o.clone());
                    }
                    None => {
                        problem = Some(format!("check `{}` was not run", check.name));
                        ordered.push(CheckOutcome {
                            name: check.name.clone(),
                            passed: false,
                            request: String::new(),
                            got: "not run".to_string(),
                            expected: String::new(),
                            trace: Vec::new(),
                        });
                    }
                }
            }
            (f64::from(points), ordered, problem)
        }
    }
}

/// Run the exploit check of a "break and fix" task on the start
/// configuration, to show the learner what is broken. `None` when the task
/// names no exploit.
pub fn run_exploit(task: &LabTask, runner: &dyn LabRunner) -> Option<Result<CheckOutcome, String>> {
    let name = task.exploit.as_ref()?;
    let check = task.checks.iter().find(|c| &c.name == name)?;
    Some(
        runner
            .run_checks(&task.start_config(), std::slice::from_ref(check))
            .and_then(|v| {
                v.into_iter()
                    .find(|o| &o.name == name)
                    .ok_or_else(|| format!("check `{name}` was not run"))
            }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::model::{MatchPair, NoLab};

    fn q(body: Body) -> Question {
        Question {
            id: "q".into(),
            prompt: "p".into(),
            lesson: None,
            explanation: "e".into(),
            hints: vec![],
            source: None,
            body,
        }
    }

    fn opts(correct: &[bool]) -> Vec<ChoiceOption> {
        correct
            .iter()
            .enumerate()
            .map(|(i, &c)| ChoiceOption {
                text: format!("o{i}"),
                correct: c,
                feedback: Some(format!("fb{i}")),
                misconception: (!c).then(|| format!("m{i}")),
            })
            .collect()
    }

    #[test]
    fn partial_multiple_select_adds_and_subtracts_thirds() {
        let question = q(Body::MultipleSelect {
            options: opts(&[true, true, true, false]),
            scoring: Scoring::Partial,
        });
        let pick = |v: &[usize]| Answer::Choices(v.iter().copied().collect());
        let g = grade(&question, Some(&pick(&[0, 1, 2])), &NoLab);
        assert_eq!((g.points, g.verdict), (1.0, Verdict::Correct));
        let g = grade(&question, Some(&pick(&[0, 1])), &NoLab);
        assert!((g.points - 2.0 / 3.0).abs() < 1e-12, "{}", g.points);
        assert_eq!(g.verdict, Verdict::Partial);
        let g = grade(&question, Some(&pick(&[0, 3])), &NoLab);
        assert_eq!(g.points, 0.0);
        assert_eq!(g.misconceptions, vec!["m3".to_string()]);
        assert_eq!(g.feedback, vec!["fb0".to_string(), "fb3".to_string()]);
    }

    #[test]
    fn matching_compares_right_hand_texts() {
        let pairs = vec![
            MatchPair {
                left: "a".into(),
                right: "x".into(),
            },
            MatchPair {
                left: "b".into(),
                right: "x".into(),
            },
            MatchPair {
                left: "c".into(),
                right: "y".into(),
            },
        ];
        let question = q(Body::Matching {
            pairs,
            scoring: Scoring::Partial,
        });
        // a and b both map to "x": choosing either pair's right side counts.
        let g = grade(
            &question,
            Some(&Answer::Matches(vec![Some(1), Some(0), None])),
            &NoLab,
        );
        assert!((g.points - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn wrong_shape_is_wrong_with_a_reason() {
        let question = q(Body::TrueFalse {
            answer: true,
            feedback_true: None,
            feedback_false: None,
        });
        let g = grade(&question, Some(&Answer::Number(1.0)), &NoLab);
        assert_eq!(g.verdict, Verdict::Wrong);
        assert!(g.problem.unwrap().contains("true or false"));
    }
}
