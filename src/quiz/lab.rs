//! Content self-tests for lab tasks, and the cross-references a module makes
//! to lessons and scenarios (checked by the caller, who knows both).

use super::model::{Body, LabRunner, Quiz, SrcPos};
use crate::diag::{Diagnostic, Diagnostics};

/// The lesson and scenario a question refers to, with positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionRefs {
    /// Question id.
    pub question: String,
    /// `lesson-id#section-id` (or `lesson-id`) the question links to.
    pub lesson: Option<String>,
    /// Where `lesson` is written.
    pub lesson_at: SrcPos,
    /// Lab tasks: id of the start scenario.
    pub start: Option<String>,
    /// Where `start` is written.
    pub start_at: SrcPos,
}

/// Every question's lesson link and start scenario, in file order.
pub fn references(quiz: &Quiz) -> Vec<QuestionRefs> {
    quiz.questions
        .iter()
        .enumerate()
        .map(|(i, q)| QuestionRefs {
            question: q.id.clone(),
            lesson: q.lesson.clone(),
            lesson_at: quiz.positions.question_pos(i, "lesson"),
            start: match &q.body {
                Body::LabTask(t) => Some(t.start.clone()),
                _ => None,
            },
            start_at: quiz.positions.question_pos(i, "start"),
        })
        .collect()
}

/// Check the module's lesson ids, every question's lesson link and every
/// start scenario. `lesson_exists(lesson, section)` and
/// `scenario_exists(id)` answer from the loaded course.
pub fn check_references(
    quiz: &Quiz,
    lesson_exists: &dyn Fn(&str, Option<&str>) -> bool,
    scenario_exists: &dyn Fn(&str) -> bool,
) -> Diagnostics {
    let mut d = Diagnostics::default();
    let file = &quiz.positions.file;
    let at = |pos: SrcPos, message: String| Diagnostic {
        file: file.clone(),
        line: pos.line,
        col: pos.col,
        message,
        hint: None,
    };
    for (i, l) in quiz.lessons.iter().enumerate() {
        if !lesson_exists(l, None) {
            let pos = quiz.positions.header_pos("lessons");
            d.push(
                at(pos, format!("lessons[{i}]: no lesson has the id `{l}`"))
                    .with_hint("use the id of a lesson in lessons/ (its `id` key)"),
            );
        }
    }
    for r in references(quiz) {
        if let Some(link) = &r.lesson {
            let (lesson, section) = match link.split_once('#') {
                Some((l, s)) => (l, Some(s)),
                None => (link.as_str(), None),
            };
            if !lesson_exists(lesson, section) {
                let what = match section {
                    Some(s) => format!("lesson `{lesson}` has no section `{s}`, or does not exist"),
                    None => format!("no lesson has the id `{lesson}`"),
                };
                d.push(
                    at(r.lesson_at, format!("question `{}`: {what}", r.question))
                        .with_hint("link to an existing `lesson-id#section-id`"),
                );
            }
        }
        if let Some(start) = &r.start
            && !scenario_exists(start)
        {
            d.push(
                at(
                    r.start_at,
                    format!(
                        "question `{}`: no scenario has the id `{start}`",
                        r.question
                    ),
                )
                .with_hint("name a scenario in assets/scenarios/ by its id"),
            );
        }
    }
    d
}

/// Run every lab task's checks on its reference solution and on its start
/// configuration. Reports a solution that fails its own checks, a start
/// configuration that already passes them all, and an exploit check that the
/// start configuration passes (so it shows nothing broken).
pub fn check_lab_tasks(quiz: &Quiz, runner: &dyn LabRunner) -> Diagnostics {
    let mut d = Diagnostics::default();
    let pos = &quiz.positions;
    for (i, q) in quiz.questions.iter().enumerate() {
        let Body::LabTask(task) = &q.body else {
            continue;
        };
        match runner.run_checks(&task.solution_config(), &task.checks) {
            Err(e) => d.push(
                pos.question_diag(
                    i,
                    "solution",
                    format!(
                        "question `{}`: the reference solution could not be built: {e}",
                        q.id
                    ),
                )
                .with_hint("the solution table is merged onto the start scenario; check its keys"),
            ),
            Ok(outcomes) => {
                for c in &task.checks {
                    match outcomes.iter().find(|o| o.name == c.name) {
                        Some(o) if o.passed => {}
                        Some(o) => d.push(
                            pos.question_diag(
                                i,
                                "solution",
                                format!(
                                    "question `{}`: the reference solution fails its own check `{}` (got {}, expected {})",
                                    q.id, c.name, o.got, o.expected
                                ),
                            )
                            .with_hint("fix the solution table, or the check's expect table"),
                        ),
                        None => d.push(pos.question_diag(
                            i,
                            "solution",
                            format!("question `{}`: check `{}` was not run on the reference solution", q.id, c.name),
                        )),
                    }
                }
            }
        }
        match runner.run_checks(&task.start_config(), &task.checks) {
            Err(e) => d.push(
                pos.question_diag(
                    i,
                    "start",
                    format!(
                        "question `{}`: start scenario `{}` could not be built: {e}",
                        q.id, task.start
                    ),
                )
                .with_hint("name a scenario that loads on its own"),
            ),
            Ok(outcomes) => {
                let passed = |name: &str| outcomes.iter().any(|o| o.name == name && o.passed);
                if !task.checks.is_empty() && task.checks.iter().all(|c| passed(&c.name)) {
                    d.push(
                        pos.question_diag(
                            i,
                            "start",
                            format!(
                                "question `{}`: the start configuration already passes every check, so there is nothing to fix",
                                q.id
                            ),
                        )
                        .with_hint("start from a scenario that fails at least one check, or add a check it fails"),
                    );
                }
                if let Some(e) = &task.exploit
                    && passed(e)
                {
                    d.push(
                            pos.question_diag(
                                i,
                                "exploit",
                                format!(
                                    "question `{}`: the start configuration passes the exploit check `{e}`, so the exploit shows nothing broken",
                                    q.id
                                ),
                            )
                            .with_hint("name a check that the start configuration fails"),
                        );
                }
            }
        }
    }
    d
}
