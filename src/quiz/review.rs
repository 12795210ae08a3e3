//! The result of an attempt and its review: per question, the learner's
//! answer, the right one, the explanation, feedback, misconception tags,
//! the lesson link and lab check outcomes.

use super::grade::Verdict;
use super::model::{Answer, Body, CheckOutcome, Kind, LabConfig, Question};
use crate::gateway::time::SimTime;
use std::fmt::Write as _;

/// The graded result of one attempt.
#[derive(Clone, Debug, PartialEq)]
pub struct AttemptResult {
    /// Module id.
    pub module: String,
    /// Module title.
    pub title: String,
    /// Seed the attempt was drawn with (replays the same variant).
    pub seed: u64,
    /// Points earned.
    pub score: f64,
    /// Points available.
    pub max: f64,
    /// `score / max` in percent.
    pub percent: f64,
    /// Percent needed to pass.
    pub pass_mark: u8,
    /// Whether `percent >= pass_mark`.
    pub passed: bool,
    /// When the clock started, if it did.
    pub started_at: Option<SimTime>,
    /// When the attempt was submitted, if the caller said.
    pub submitted_at: Option<SimTime>,
    /// Submitted after the time limit.
    pub timed_out: bool,
    /// One review per question, in the order shown.
    pub questions: Vec<QuestionReview>,
}

/// Review of one question.
#[derive(Clone, Debug, PartialEq)]
pub struct QuestionReview {
    /// Question id.
    pub id: String,
    /// Question kind.
    pub kind: Kind,
    /// The question text.
    pub prompt: String,
    /// The answer in stable terms, as given.
    pub answer: Option<Answer>,
    /// The learner's answer, in words.
    pub your_answer: String,
    /// The right answer, in words.
    pub right_answer: String,
    /// Points earned.
    pub points: f64,
    /// Points available.
    pub max: f64,
    /// Summary of the credit.
    pub verdict: Verdict,
    /// Why the right answer is right.
    pub explanation: String,
    /// Feedback of the options chosen.
    pub feedback: Vec<String>,
    /// Misconception tags of the options chosen.
    pub misconceptions: Vec<String>,
    /// `lesson-id#section-id` to read more.
    pub lesson: Option<String>,
    /// Documentation URL.
    pub source: Option<String>,
    /// Hints revealed before answering.
    pub hints_used: usize,
    /// Lab tasks: outcome of every check.
    pub checks: Vec<CheckOutcome>,
    /// Why the answer could not be graded normally.
    pub problem: Option<String>,
}

/// A number as people write it: `3600`, `0.5`.
pub fn fmt_number(x: f64) -> String {
    format!("{x}")
}

/// Points rounded to two decimals, without trailing zeros: `5`, `5.5`, `0.67`.
pub fn fmt_points(x: f64) -> String {
    let s = format!("{:.2}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// A percentage with at most one decimal, never rounded up past a pass
/// mark: `63.6`, `100`, and 69.96 shows as `69.9`.
pub fn fmt_percent(x: f64) -> String {
    let tenths = (x * 10.0 + 1e-9).floor() / 10.0;
    let s = format!("{tenths:.1}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn option_text(options: &[super::model::ChoiceOption], i: usize) -> String {
    options
        .get(i)
        .map(|o| o.text.clone())
        .unwrap_or_else(|| format!("option {} (no longer in the question)", i + 1))
}

/// The learner's answer, in words.
pub fn answer_text(q: &Question, a: &Answer) -> String {
    match (&q.body, a) {
        (
            Body::SingleChoice { options } | Body::MultipleSelect { options, .. },
            Answer::Choice(i),
        ) => option_text(options, *i),
        (
            Body::SingleChoice { options } | Body::MultipleSelect { options, .. },
            Answer::Choices(s),
        ) => {
            if s.is_empty() {
                "(nothing picked)".to_string()
            } else {
                s.iter()
                    .map(|&i| option_text(options, i))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        }
        (_, Answer::Bool(b)) => b.to_string(),
        (Body::Ordering { items, .. }, Answer::Order(o)) => o
            .iter()
            .map(|&i| items.get(i).cloned().unwrap_or_else(|| "?".to_string()))
            .collect::<Vec<_>>()
            .join(" -> "),
        (Body::Matching { pairs, .. }, Answer::Matches(m)) => pairs
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let right = m
                    .get(i)
                    .copied()
                    .flatten()
                    .and_then(|c| pairs.get(c))
                    .map(|c| c.right.as_str())
                    .unwrap_or("(none)");
                format!("{} = {right}", p.left)
            })
            .collect::<Vec<_>>()
            .join("; "),
        (Body::Numeric { unit, .. }, Answer::Number(x)) => with_unit(*x, unit.as_deref()),
        (_, Answer::Number(x)) => fmt_number(*x),
        (_, Answer::Text(t)) => format!("\"{t}\""),
        (_, Answer::Lab(c)) => config_text(c),
        (_, Answer::Order(_) | Answer::Matches(_) | Answer::Choice(_) | Answer::Choices(_)) => {
            "(an answer that does not fit this question)".to_string()
        }
    }
}

fn with_unit(x: f64, unit: Option<&str>) -> String {
    match unit {
        Some(u) => format!("{} {u}", fmt_number(x)),
        None => fmt_number(x),
    }
}

/// A lab configuration, in words.
pub fn config_text(c: &LabConfig) -> String {
    match c {
        LabConfig::Scenario { id, patch: None } => format!("scenario `{id}` unchanged"),
        LabConfig::Scenario { id, patch: Some(_) } => format!("scenario `{id}` with changes"),
        LabConfig::ScenarioText { name, .. } => format!("scenario file `{name}`"),
    }
}

/// The right answer, in words.
pub fn right_answer_text(q: &Question) -> String {
    match &q.body {
        Body::SingleChoice { options } | Body::MultipleSelect { options, .. } => options
            .iter()
            .filter(|o| o.correct)
            .map(|o| o.text.clone())
            .collect::<Vec<_>>()
            .join("; "),
        Body::TrueFalse { answer, .. } => answer.to_string(),
        Body::Ordering { items, .. } => items.join(" -> "),
        Body::Matching { pairs, .. } => pairs
            .iter()
            .map(|p| format!("{} = {}", p.left, p.right))
            .collect::<Vec<_>>()
            .join("; "),
        Body::Numeric {
            answer,
            tolerance,
            unit,
        } => {
            let mut s = with_unit(*answer, unit.as_deref());
            if *tolerance > 0.0 {
                let _ = write!(s, " (give or take {})", fmt_number(*tolerance));
            }
            s
        }
        Body::ShortText { accept, .. } => accept
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(" or "),
        Body::LabTask(t) => {
            let solution = toml::to_string(&t.solution).unwrap_or_default();
            format!(
                "a configuration that passes every check; reference solution, merged onto scenario `{}`:\n{}",
                t.start,
                solution.trim_end()
            )
        }
    }
}

/// The review as plain text: no colours or escape codes, ASCII markers.
pub fn render_review(r: &AttemptResult) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Review of {} ({} questions)", r.title, r.questions.len());
    for (n, q) in r.questions.iter().enumerate() {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{}. [{}] {} ({} of {} {})",
            n + 1,
            q.verdict.as_str(),
            q.id,
            fmt_points(q.points),
            fmt_points(q.max),
            if q.max == 1.0 { "point" } else { "points" }
        );
        let _ = writeln!(s, "   Question: {}", indent(&q.prompt));
        if q.kind == Kind::LabTask {
            let _ = writeln!(s, "   Your configuration: {}", q.your_answer);
        } else {
            let _ = writeln!(s, "   Your answer: {}", indent(&q.your_answer));
        }
        if q.verdict != Verdict::Correct {
            let _ = writeln!(s, "   Right answer: {}", indent(&q.right_answer));
        }
        if let Some(p) = &q.problem {
            let _ = writeln!(s, "   Note: {p}");
        }
        for c in &q.checks {
            let mark = if c.passed { "pass" } else { "FAIL" };
            let _ = writeln!(s, "   [{mark}] {}: {}", c.name, c.request);
            let _ = writeln!(s, "          got {}; expected {}", c.got, c.expected);
            if !c.passed {
                for t in &c.trace {
                    let _ = writeln!(s, "          | {t}");
                }
            }
        }
        for f in &q.feedback {
            let _ = writeln!(s, "   Feedback: {}", indent(f));
        }
        if !q.misconceptions.is_empty() {
            let _ = writeln!(s, "   Misconception: {}", q.misconceptions.join(", "));
        }
        let _ = writeln!(s, "   Why: {}", indent(&q.explanation));
        if let Some(l) = &q.lesson {
            let _ = writeln!(s, "   Read more: lesson {l}");
        }
        if let Some(src) = &q.source {
            let _ = writeln!(s, "   Source: {src}");
        }
    }
    let _ = writeln!(s);
    let verdict = if r.passed { "passed" } else { "not passed" };
    let _ = write!(
        s,
        "Result: {} of {} points ({}%); pass mark {}%: {verdict}.",
        fmt_points(r.score),
        fmt_points(r.max),
        fmt_percent(r.percent),
        r.pass_mark
    );
    if r.timed_out {
        let _ = write!(s, " Submitted after the time limit.");
    }
    let _ = writeln!(s);
    s
}

fn indent(text: &str) -> String {
    text.trim_end().replace('\n', "\n   ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_format_without_noise() {
        assert_eq!(fmt_points(5.0), "5");
        assert_eq!(fmt_points(5.5), "5.5");
        assert_eq!(fmt_points(2.0 / 3.0), "0.67");
        assert_eq!(fmt_points(0.0), "0");
        assert_eq!(fmt_number(3600.0), "3600");
        assert_eq!(fmt_number(0.25), "0.25");
        assert_eq!(fmt_percent(100.0), "100");
        assert_eq!(fmt_percent(700.0 / 11.0), "63.6");
        assert_eq!(fmt_percent(69.96), "69.9");
        assert_eq!(fmt_percent(0.0), "0");
    }
}
