//! One attempt at a module: which questions, in which order, with which
//! option order, and the learner's answers until they submit.
//!
//! Everything random comes from `ChaCha8Rng::seed_from_u64(seed)`, so the
//! same seed (and the same review history) gives every learner the same
//! variant. Time comes in as [`SimTime`] values from the caller.

use super::grade::grade;
use super::leitner::Boxes;
use super::model::LabRunner;
use super::model::{Answer, Body, Question, Quiz};
use super::review::{AttemptResult, QuestionReview, answer_text, right_answer_text};
use crate::gateway::time::{SimDuration, SimTime};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A question as this session shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presented {
    /// Index of the question in the module (file order).
    pub index: usize,
    /// Display order: `order[shown position] = file-order index` of the
    /// options (choice questions), items (ordering) or right-hand sides
    /// (matching). Empty for other kinds.
    pub order: Vec<usize>,
}

impl Presented {
    /// File-order index of the thing shown at `shown` (0-based).
    pub fn original(&self, shown: usize) -> Option<usize> {
        self.order.get(shown).copied()
    }

    /// Shown position (0-based) of a file-order index.
    pub fn shown(&self, original: usize) -> Option<usize> {
        self.order.iter().position(|&o| o == original)
    }
}

/// Why an answer was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionError {
    /// No question with this id is part of this attempt.
    NotInAttempt(String),
    /// The answer has the wrong shape for the question.
    WrongShape {
        /// The question.
        question: String,
        /// What the question expects.
        expected: &'static str,
    },
    /// The answer refers to something the question does not have.
    Invalid {
        /// The question.
        question: String,
        /// What is wrong.
        reason: String,
    },
    /// The time limit has passed; the attempt can only be submitted.
    TimeUp,
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::NotInAttempt(id) => {
                write!(f, "question `{id}` is not part of this attempt")
            }
            SessionError::WrongShape { question, expected } => {
                write!(f, "question `{question}` expects a {expected} answer")
            }
            SessionError::Invalid { question, reason } => {
                write!(f, "answer to `{question}`: {reason}")
            }
            SessionError::TimeUp => write!(f, "the time limit has passed; submit the attempt"),
        }
    }
}

impl std::error::Error for SessionError {}

/// One attempt, from drawing the questions to submitting.
#[derive(Clone, Debug)]
pub struct Session {
    quiz: Quiz,
    seed: u64,
    items: Vec<Presented>,
    answers: BTreeMap<String, Answer>,
    hints_shown: BTreeMap<String, usize>,
    started_at: Option<SimTime>,
}

impl Session {
    /// Draw and shuffle an attempt. Option orders are drawn for every
    /// question in file order first, so a question's option order depends
    /// only on the seed; then questions are shuffled and stably sorted by
    /// review priority (missed ones first), and the first `draw` are kept.
    pub fn new(quiz: &Quiz, seed: u64, history: &Boxes) -> Session {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let orders: Vec<Vec<usize>> = quiz
            .questions
            .iter()
            .map(|q| shuffled_order(q, &mut rng))
            .collect();
        let mut picks: Vec<usize> = (0..quiz.questions.len()).collect();
        picks.shuffle(&mut rng);
        picks.sort_by_key(|&i| {
            quiz.questions
                .get(i)
                .map(|q| history.priority(&q.id))
                .unwrap_or(u8::MAX)
        });
        picks.truncate(quiz.draw_count());
        let items = picks
            .into_iter()
            .map(|index| Presented {
                index,
                order: orders.get(index).cloned().unwrap_or_default(),
            })
            .collect();
        Session {
            quiz: quiz.clone(),
            seed,
            items,
            answers: BTreeMap::new(),
            hints_shown: BTreeMap::new(),
            started_at: None,
        }
    }

    /// The module.
    pub fn quiz(&self) -> &Quiz {
        &self.quiz
    }

    /// The seed this attempt was drawn with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Number of questions in this attempt.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the attempt has no questions.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The questions in the order shown.
    pub fn presented(&self) -> &[Presented] {
        &self.items
    }

    /// Question `n` (0-based, in the order shown) with its display order.
    pub fn get(&self, n: usize) -> Option<(&Question, &Presented)> {
        let p = self.items.get(n)?;
        Some((self.quiz.questions.get(p.index)?, p))
    }

    /// Question ids in the order shown.
    pub fn question_ids(&self) -> Vec<&str> {
        self.items
            .iter()
            .filter_map(|p| self.quiz.questions.get(p.index).map(|q| q.id.as_str()))
            .collect()
    }

    /// Start the clock (only matters for timed modules).
    pub fn start(&mut self, now: SimTime) {
        self.started_at.get_or_insert(now);
    }

    /// When the attempt must be submitted, if the module is timed and started.
    pub fn deadline(&self) -> Option<SimTime> {
        let mins = self.quiz.time_limit_mins;
        if mins == 0 {
            return None;
        }
        self.started_at
            .map(|s| s.plus(SimDuration::from_secs(u64::from(mins) * 60)))
    }

    /// Time left at `now`, if the attempt is timed and started.
    pub fn time_left(&self, now: SimTime) -> Option<SimDuration> {
        self.deadline().map(|d| d.since(now))
    }

    /// Whether the time limit has passed at `now`.
    pub fn is_over(&self, now: SimTime) -> bool {
        self.deadline().is_some_and(|d| now >= d)
    }

    /// Give or change the answer to a question. `now` is checked against
    /// the time limit when given.
    pub fn set_answer(
        &mut self,
        question: &str,
        answer: Answer,
        now: Option<SimTime>,
    ) -> Result<(), SessionError> {
        if now.is_some_and(|n| self.is_over(n)) {
            return Err(SessionError::TimeUp);
        }
        let q = self.drawn(question)?;
        check_answer(q, &answer)?;
        self.answers.insert(question.to_string(), answer);
        Ok(())
    }

    /// Withdraw the answer to a question.
    pub fn clear_answer(&mut self, question: &str) {
        self.answers.remove(question);
    }

    /// The current answer to a question.
    pub fn answer(&self, question: &str) -> Option<&Answer> {
        self.answers.get(question)
    }

    /// Number of questions answered.
    pub fn answered(&self) -> usize {
        self.answers.len()
    }

    /// Reveal the next hint of a question: `(number, total, text)`, or
    /// `None` when every hint is already shown.
    pub fn next_hint(&mut self, question: &str) -> Option<(usize, usize, String)> {
        let q = self.drawn(question).ok()?;
        let total = q.hints.len();
        let shown = self.hints_shown.get(question).copied().unwrap_or(0);
        let text = q.hints.get(shown)?.clone();
        self.hints_shown.insert(question.to_string(), shown + 1);
        Some((shown + 1, total, text))
    }

    /// Number of hints revealed for a question.
    pub fn hints_shown(&self, question: &str) -> usize {
        self.hints_shown.get(question).copied().unwrap_or(0)
    }

    fn drawn(&self, question: &str) -> Result<&Question, SessionError> {
        self.items
            .iter()
            .filter_map(|p| self.quiz.questions.get(p.index))
            .find(|q| q.id == question)
            .ok_or_else(|| SessionError::NotInAttempt(question.to_string()))
    }

    /// Grade every question and end the attempt. `now` (when given) is the
    /// submission time, checked against the time limit.
    pub fn submit(self, now: Option<SimTime>, runner: &dyn LabRunner) -> AttemptResult {
        let mut questions = Vec::new();
        let (mut score, mut max) = (0.0, 0.0);
        for p in &self.items {
            let Some(q) = self.quiz.questions.get(p.index) else {
                continue;
            };
            let answer = self.answers.get(&q.id);
            let g = grade(q, answer, runner);
            score += g.points;
            max += g.max;
            questions.push(QuestionReview {
                id: q.id.clone(),
                kind: q.kind(),
                prompt: q.prompt.clone(),
                answer: answer.cloned(),
                your_answer: answer
                    .map(|a| answer_text(q, a))
                    .unwrap_or_else(|| "(no answer)".to_string()),
                right_answer: right_answer_text(q),
                points: g.points,
                max: g.max,
                verdict: g.verdict,
                explanation: q.explanation.clone(),
                feedback: g.feedback,
                misconceptions: g.misconceptions,
                lesson: q.lesson.clone(),
                source: q.source.clone(),
                hints_used: self.hints_shown(&q.id),
                checks: g.checks,
                problem: g.problem,
            });
        }
        let percent = if max > 0.0 { score / max * 100.0 } else { 0.0 };
        let timed_out = now.is_some_and(|n| self.deadline().is_some_and(|d| n > d));
        AttemptResult {
            module: self.quiz.id.clone(),
            title: self.quiz.title.clone(),
            seed: self.seed,
            score,
            max,
            percent,
            pass_mark: self.quiz.pass_mark,
            passed: max > 0.0 && percent + 1e-9 >= f64::from(self.quiz.pass_mark),
            started_at: self.started_at,
            submitted_at: now,
            timed_out,
            questions,
        }
    }
}

/// The display order of a question's parts. Ordering and matching
/// questions never start out already solved when they have 2 or more parts.
fn shuffled_order(q: &Question, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let (n, avoid_identity) = match &q.body {
        Body::SingleChoice { options } | Body::MultipleSelect { options, .. } => {
            (options.len(), false)
        }
        Body::Ordering { items, .. } => (items.len(), true),
        Body::Matching { pairs, .. } => (pairs.len(), true),
        _ => return Vec::new(),
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(rng);
    if avoid_identity && n >= 2 && order.iter().enumerate().all(|(i, &o)| i == o) {
        order.rotate_left(1);
    }
    order
}

fn check_answer(q: &Question, a: &Answer) -> Result<(), SessionError> {
    let invalid = |reason: String| SessionError::Invalid {
        question: q.id.clone(),
        reason,
    };
    if !a.fits(q.kind()) {
        return Err(SessionError::WrongShape {
            question: q.id.clone(),
            expected: q.kind().label(),
        });
    }
    match (&q.body, a) {
        (Body::SingleChoice { options }, Answer::Choice(i)) if *i >= options.len() => {
            Err(invalid(format!("option {} does not exist", i + 1)))
        }
        (Body::MultipleSelect { options, .. }, Answer::Choices(s)) => {
            match s.iter().find(|&&i| i >= options.len()) {
                Some(i) => Err(invalid(format!("option {} does not exist", i + 1))),
                None => Ok(()),
            }
        }
        (Body::Ordering { items, .. }, Answer::Order(o)) => {
            let n = items.len();
            let distinct: BTreeSet<_> = o.iter().collect();
            if o.len() != n || distinct.len() != n || o.iter().any(|&i| i >= n) {
                Err(invalid(format!("place each of the {n} items exactly once")))
            } else {
                Ok(())
            }
        }
        (Body::Matching { pairs, .. }, Answer::Matches(m)) => {
            if m.len() != pairs.len() {
                Err(invalid(format!(
                    "give one match for each of the {} items",
                    pairs.len()
                )))
            } else if m.iter().flatten().any(|&i| i >= pairs.len()) {
                Err(invalid("a chosen match does not exist".to_string()))
            } else {
                Ok(())
            }
        }
        (Body::Numeric { .. }, Answer::Number(x)) if !x.is_finite() => {
            Err(invalid("the number is not finite".to_string()))
        }
        _ => Ok(()),
    }
}
