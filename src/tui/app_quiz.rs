//! The quiz screens' part of `update`: the quiz list, taking a quiz one
//! question at a time, grading lab tasks against the learner's lab, and the
//! review. Grading and scoring stay in `crate::quiz`; this file only turns
//! keys into answers and saves the attempt.

use std::collections::{BTreeMap, BTreeSet};

use super::action::{Command, Flow};
use super::app::{AppState, Modal, Pane, Pending, PromptFor, Screen};
use super::strings as s;
use super::ui::layout;
use crate::gateway::time::SimTime;
use crate::progress::paths::RESULTS_FILE;
use crate::progress::results::{self, Results};
use crate::progress::store::Loaded;
use crate::quiz::{
    Answer, AttemptResult, Body, Boxes, CheckOutcome, LabConfig, Presented, Question, Session,
    Verdict,
};
use ratatui::layout::Rect;

/// A quiz being taken.
#[derive(Clone, Debug)]
pub struct QuizUi {
    /// The attempt (drawn questions, answers, hints shown).
    pub session: Session,
    /// The question shown (position in the attempt).
    pub current: usize,
    /// The selected option, item or row of the question's input.
    pub cursor: usize,
    /// First visible line of the question panel.
    pub scroll: usize,
    /// The last grading of the learner's lab, per lab-task question id.
    pub graded: BTreeMap<String, Result<Vec<CheckOutcome>, String>>,
}

impl QuizUi {
    /// The question shown and how it is presented.
    pub fn shown(&self) -> Option<(&Question, &Presented)> {
        self.session.get(self.current)
    }
}

/// The review of a submitted quiz.
#[derive(Clone, Debug)]
pub struct ReviewUi {
    /// The graded attempt.
    pub result: AttemptResult,
    /// The selected question (for `e`, which opens its lesson section).
    pub selected: usize,
    /// First visible line.
    pub scroll: usize,
}

/// The order an ordering question shows now: the learner's, or the drawn one.
pub fn current_order(session: &Session, q: &Question, p: &Presented) -> Vec<usize> {
    match session.answer(&q.id) {
        Some(Answer::Order(o)) => o.clone(),
        _ => p.order.clone(),
    }
}

/// Rows of a question's input (options, items, pairs); 0 for typed answers.
pub fn input_rows(q: &Question) -> usize {
    match &q.body {
        Body::SingleChoice { options } | Body::MultipleSelect { options, .. } => options.len(),
        Body::TrueFalse { .. } => 2,
        Body::Ordering { items, .. } => items.len(),
        Body::Matching { pairs, .. } => pairs.len(),
        _ => 0,
    }
}

/// The wall clock as a [`SimTime`], for the attempt's date (the app may
/// read it; the quiz engine never does).
fn wall_clock() -> SimTime {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    SimTime::from_millis(ms)
}

impl AppState {
    /// Read `results.json` once (a damaged file is moved aside and said so).
    fn ensure_results(&mut self) {
        if self.results.is_some() {
            return;
        }
        let Some(dir) = self.data_dir.clone() else {
            self.results = Some(Results::default());
            return;
        };
        match results::load(&dir.join(RESULTS_FILE)) {
            Ok(Loaded::Corrupt {
                value,
                moved_to,
                problem,
            }) => {
                self.notify_error(s::results_moved(&moved_to.display().to_string(), &problem));
                self.results = Some(value);
            }
            Ok(loaded) => self.results = Some(loaded.into_value()),
            // Left unset so that a later attempt never overwrites a file
            // that could not be read.
            Err(e) => self.notify_error(s::results_not_saved(&e.to_string())),
        }
    }

    /// Show the list of quiz modules.
    pub fn open_quizzes(&mut self) {
        self.ensure_results();
        self.screen = Screen::Quizzes;
        self.quiz_sel = self
            .quiz_sel
            .min(self.course.quizzes.len().saturating_sub(1));
    }

    /// Start a new attempt at a quiz module (index into `course.quizzes`).
    /// The seed is the number of earlier attempts, so each attempt draws
    /// differently and a test can predict the draw.
    pub fn start_quiz(&mut self, index: usize) {
        self.ensure_results();
        let Some(quiz) = self.course.quizzes.get(index) else {
            return;
        };
        let (seed, boxes) = match &self.results {
            Some(r) => (
                u64::try_from(r.attempts_for(&quiz.id).count()).unwrap_or(0),
                r.boxes(&quiz.id),
            ),
            None => (0, Boxes::default()),
        };
        self.quiz_sel = index;
        self.quiz = Some(QuizUi {
            session: Session::new(quiz, seed, &boxes),
            current: 0,
            cursor: 0,
            scroll: 0,
            graded: BTreeMap::new(),
        });
        self.review = None;
        self.screen = Screen::Quiz;
    }

    /// Start the quiz of a lesson (index into `course.lessons`).
    pub(super) fn open_lesson_quiz(&mut self, lesson: usize) {
        let Some(id) = self.course.lessons.get(lesson).map(|l| l.id.clone()) else {
            return;
        };
        let found = self
            .course
            .quizzes
            .iter()
            .position(|q| q.lessons.contains(&id))
            .or_else(|| self.course.quizzes.iter().position(|q| q.id == id));
        match found {
            Some(i) => {
                self.go_home();
                self.start_quiz(i);
            }
            None => self.notify(s::LESSON_HAS_NO_QUIZ),
        }
    }

    pub(super) fn quizzes_command(&mut self, c: Command) -> Flow {
        let n = self.course.quizzes.len();
        match c {
            Command::Up => self.quiz_sel = self.quiz_sel.saturating_sub(1),
            Command::Down => self.quiz_sel = (self.quiz_sel + 1).min(n.saturating_sub(1)),
            Command::Activate if n == 0 => self.notify(s::NO_QUIZZES),
            Command::Activate => self.start_quiz(self.quiz_sel),
            _ => return Flow::Unchanged,
        }
        Flow::Redraw
    }

    /// Give or change the answer to the question shown.
    pub(super) fn answer_current(&mut self, answer: Answer) -> Result<(), String> {
        let Some(ui) = self.quiz.as_mut() else {
            return Ok(());
        };
        let Some(id) = ui.shown().map(|(q, _)| q.id.clone()) else {
            return Ok(());
        };
        ui.session
            .set_answer(&id, answer, None)
            .map_err(|e| e.to_string())
    }

    fn set_or_report(&mut self, answer: Answer) {
        if let Err(e) = self.answer_current(answer) {
            self.notify_error(e);
        }
    }

    fn clear_current(&mut self) {
        if let Some(ui) = self.quiz.as_mut()
            && let Some(id) = ui.shown().map(|(q, _)| q.id.clone())
        {
            ui.session.clear_answer(&id);
        }
    }

    /// Lines the question panel can show (its inner height).
    pub fn quiz_viewport(&self) -> (usize, usize) {
        let body = layout::areas(Rect::new(0, 0, self.size.0, self.size.1)).body;
        let inn = layout::inner(body);
        (
            usize::from(inn.width),
            usize::from(inn.height.saturating_sub(super::ui::quiz::STRIP_ROWS)),
        )
    }

    pub(super) fn quiz_command(&mut self, c: Command) -> Flow {
        let Some(ui) = self.quiz.as_ref() else {
            return Flow::Unchanged;
        };
        let n = ui.session.len();
        let Some((q, p)) = ui.shown().map(|(q, p)| (q.clone(), p.clone())) else {
            return Flow::Unchanged;
        };
        let (cursor, current) = (ui.cursor, ui.current);
        let rows = input_rows(&q);
        let answer = ui.session.answer(&q.id).cloned();
        match c {
            Command::Up | Command::Down => {
                let next = if c == Command::Up {
                    cursor.saturating_sub(1)
                } else {
                    (cursor + 1).min(rows.saturating_sub(1))
                };
                if let Some(ui) = self.quiz.as_mut() {
                    ui.cursor = next;
                }
            }
            Command::PageUp | Command::PageDown => {
                let (w, h) = self.quiz_viewport();
                let total = super::ui::quiz::question_lines(self, w).len();
                let max = total.saturating_sub(h);
                if let Some(ui) = self.quiz.as_mut() {
                    ui.scroll = if c == Command::PageUp {
                        ui.scroll.saturating_sub(h.max(1))
                    } else {
                        (ui.scroll + h.max(1)).min(max)
                    };
                }
            }
            Command::NextSection | Command::PrevSection => {
                let next = if c == Command::NextSection {
                    (current + 1).min(n.saturating_sub(1))
                } else {
                    current.saturating_sub(1)
                };
                if next == current {
                    return Flow::Unchanged;
                }
                if let Some(ui) = self.quiz.as_mut() {
                    ui.current = next;
                    ui.cursor = 0;
                    ui.scroll = 0;
                }
            }
            Command::Hint => {
                let shown = self
                    .quiz
                    .as_mut()
                    .and_then(|ui| ui.session.next_hint(&q.id));
                if shown.is_none() {
                    self.notify(s::NO_MORE_HINTS);
                }
            }
            Command::Toggle => match &q.body {
                Body::SingleChoice { .. } => {
                    if let Some(o) = p.original(cursor) {
                        self.set_or_report(Answer::Choice(o));
                    }
                }
                Body::MultipleSelect { .. } => {
                    let Some(o) = p.original(cursor) else {
                        return Flow::Unchanged;
                    };
                    let mut set = match answer {
                        Some(Answer::Choices(s)) => s,
                        _ => BTreeSet::new(),
                    };
                    if !set.remove(&o) {
                        set.insert(o);
                    }
                    if set.is_empty() {
                        self.clear_current();
                    } else {
                        self.set_or_report(Answer::Choices(set));
                    }
                }
                Body::TrueFalse { .. } => self.set_or_report(Answer::Bool(cursor == 0)),
                Body::Ordering { .. } => {
                    let order = self
                        .quiz
                        .as_ref()
                        .map(|ui| current_order(&ui.session, &q, &p))
                        .unwrap_or_default();
                    self.set_or_report(Answer::Order(order));
                }
                _ => return Flow::Unchanged,
            },
            Command::MoveItemUp | Command::MoveItemDown => {
                if !matches!(q.body, Body::Ordering { .. }) {
                    return Flow::Unchanged;
                }
                let mut order = self
                    .quiz
                    .as_ref()
                    .map(|ui| current_order(&ui.session, &q, &p))
                    .unwrap_or_default();
                let other = if c == Command::MoveItemUp {
                    cursor.checked_sub(1)
                } else {
                    Some(cursor + 1).filter(|&i| i < order.len())
                };
                let Some(other) = other else {
                    return Flow::Unchanged;
                };
                if cursor >= order.len() {
                    return Flow::Unchanged;
                }
                order.swap(cursor, other);
                self.set_or_report(Answer::Order(order));
                if let Some(ui) = self.quiz.as_mut() {
                    ui.cursor = other;
                }
            }
            Command::Left | Command::Right => {
                let Body::Matching { pairs, .. } = &q.body else {
                    return Flow::Unchanged;
                };
                let mut m = match answer {
                    Some(Answer::Matches(m)) if m.len() == pairs.len() => m,
                    _ => vec![None; pairs.len()],
                };
                let Some(slot) = m.get_mut(cursor) else {
                    return Flow::Unchanged;
                };
                let choices = &p.order;
                let at = slot.and_then(|k| choices.iter().position(|&c| c == k));
                *slot = if c == Command::Right {
                    match at {
                        None => choices.first().copied(),
                        Some(i) => choices.get(i + 1).copied(),
                    }
                } else {
                    match at {
                        None => choices.last().copied(),
                        Some(0) => None,
                        Some(i) => choices.get(i - 1).copied(),
                    }
                };
                if m.iter().all(Option::is_none) {
                    self.clear_current();
                } else {
                    self.set_or_report(Answer::Matches(m));
                }
            }
            Command::Edit => {
                let (title, purpose, initial) = match (&q.body, &answer) {
                    (Body::Numeric { .. }, a) => (
                        s::PROMPT_NUMBER,
                        PromptFor::QuizNumber,
                        match a {
                            Some(Answer::Number(x)) => crate::quiz::review::fmt_number(*x),
                            _ => String::new(),
                        },
                    ),
                    (Body::ShortText { .. }, a) => (
                        s::PROMPT_TEXT,
                        PromptFor::QuizText,
                        match a {
                            Some(Answer::Text(t)) => t.clone(),
                            _ => String::new(),
                        },
                    ),
                    _ => return Flow::Unchanged,
                };
                self.prompt(title, &initial, purpose);
            }
            Command::OpenTaskLab => {
                let Body::LabTask(task) = &q.body else {
                    self.notify(s::NOT_A_LAB_TASK);
                    return Flow::Redraw;
                };
                let open_already = self
                    .lab
                    .as_ref()
                    .is_some_and(|l| l.session.scenario_id == task.start);
                if open_already {
                    self.screen = Screen::FreeLab;
                    self.focus = Pane::Gateway;
                } else {
                    self.open_free_lab(&task.start);
                }
                self.back_to = Some(Screen::Quiz);
            }
            Command::GradeLab => {
                let Body::LabTask(task) = &q.body else {
                    self.notify(s::NOT_A_LAB_TASK);
                    return Flow::Redraw;
                };
                self.grade_lab(&q.id, &task.start, &task.checks);
            }
            Command::SubmitQuiz => {
                let answered = self.quiz.as_ref().map_or(0, |ui| ui.session.answered());
                self.modals.push(Modal::Confirm {
                    question: s::confirm_submit(answered, n),
                    then: Pending::SubmitQuiz,
                });
            }
            _ => return Flow::Unchanged,
        }
        Flow::Redraw
    }

    /// The learner's lab for a scenario as scenario TOML: the open lab, else
    /// its autosave, else the scenario as shipped.
    fn lab_toml(&self, scenario_id: &str) -> Result<String, String> {
        if let Some(lab) = &self.lab
            && lab.session.scenario_id == scenario_id
        {
            return Ok(lab.session.to_scenario_toml());
        }
        if let Some(t) = self.progress.lab_autosave.get(scenario_id) {
            return Ok(t.clone());
        }
        self.course
            .labs
            .open_lab(scenario_id)
            .map(|l| l.to_scenario_toml())
    }

    /// Grade the learner's current lab for a lab task and make it the answer.
    fn grade_lab(&mut self, question: &str, start: &str, checks: &[crate::quiz::LabCheck]) {
        let result = self.lab_toml(start).and_then(|text| {
            let config = LabConfig::ScenarioText {
                name: format!("your lab ({start})"),
                text,
            };
            let outcomes = self.course.labs.lab_runner().run_checks(&config, checks)?;
            Ok((config, outcomes))
        });
        let graded = match result {
            Ok((config, outcomes)) => {
                self.set_or_report(Answer::Lab(config));
                Ok(outcomes)
            }
            Err(e) => Err(e),
        };
        if let Some(ui) = self.quiz.as_mut() {
            ui.graded.insert(question.to_string(), graded);
        }
    }

    /// Grade the attempt, save it to `results.json`, record the score in
    /// the progress of the quiz's lessons, and show the review.
    pub(super) fn submit_quiz(&mut self) {
        let Some(ui) = self.quiz.take() else {
            return;
        };
        let lessons = ui.session.quiz().lessons.clone();
        let result = ui.session.submit(None, self.course.labs.lab_runner());
        let correct = result
            .questions
            .iter()
            .filter(|q| q.verdict == Verdict::Correct)
            .count();
        let total = result.questions.len();
        let (correct, total) = (
            u32::try_from(correct).unwrap_or(u32::MAX),
            u32::try_from(total).unwrap_or(u32::MAX),
        );
        for l in &lessons {
            self.progress.record_quiz(l, correct, total);
        }
        self.persist();
        self.ensure_results();
        if let Some(results) = self.results.as_mut() {
            results.record(&result, wall_clock());
            if let Some(dir) = &self.data_dir {
                let path = dir.join(RESULTS_FILE);
                match results::save(&path, results) {
                    Ok(()) => {
                        let msg = s::results_saved(&path.display().to_string());
                        self.notify(msg);
                    }
                    Err(e) => self.notify_error(s::results_not_saved(&e.to_string())),
                }
            }
        }
        self.review = Some(ReviewUi {
            result,
            selected: 0,
            scroll: 0,
        });
        self.screen = Screen::Review;
    }

    pub(super) fn review_command(&mut self, c: Command) -> Flow {
        let (w, h) = self.quiz_viewport();
        // The review has no progress strip.
        let h = h + usize::from(super::ui::quiz::STRIP_ROWS);
        let Some(r) = self.review.as_ref() else {
            return Flow::Unchanged;
        };
        let (lines, starts) = super::ui::quiz::review_lines(r, &self.theme, w);
        let max = lines.len().saturating_sub(h);
        let n = r.result.questions.len();
        let link = r
            .result
            .questions
            .get(r.selected)
            .and_then(|q| q.lesson.clone());
        let Some(r) = self.review.as_mut() else {
            return Flow::Unchanged;
        };
        match c {
            Command::Up => r.scroll = r.scroll.saturating_sub(1),
            Command::Down => r.scroll = (r.scroll + 1).min(max),
            Command::PageUp => r.scroll = r.scroll.saturating_sub(h.max(1)),
            Command::PageDown => r.scroll = (r.scroll + h.max(1)).min(max),
            Command::NextSection | Command::PrevSection => {
                r.selected = if c == Command::NextSection {
                    (r.selected + 1).min(n.saturating_sub(1))
                } else {
                    r.selected.saturating_sub(1)
                };
                r.scroll = starts.get(r.selected).copied().unwrap_or(0).min(max);
            }
            Command::Explain => match link {
                Some(link) => self.open_link(&link),
                None => self.notify(s::QUESTION_HAS_NO_LINK),
            },
            _ => return Flow::Unchanged,
        }
        Flow::Redraw
    }

    /// Open a `lesson#section` link; `Esc` comes back to the review.
    fn open_link(&mut self, link: &str) {
        let (lid, sid) = link.split_once('#').unwrap_or((link, ""));
        let Some(li) = self.course.lessons.iter().position(|l| l.id == lid) else {
            self.notify_error(s::lesson_link_missing(link));
            return;
        };
        let si = self
            .course
            .lessons
            .get(li)
            .and_then(|l| l.sections.iter().position(|x| x.id == sid))
            .unwrap_or(0);
        self.open_lesson(li, si);
        self.back_to = Some(Screen::Review);
    }
}
