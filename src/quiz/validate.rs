//! Checks on a typed quiz that every front end (TOML, GIFT) shares. Each
//! problem names the question and the path of the value inside it, so the
//! front end can turn it into `file:line:col`.

use super::model::{Body, ChoiceOption, Kind, Question, Quiz, is_kebab_id};
use crate::diag::PathSeg;
use crate::path;
use std::collections::{BTreeMap, BTreeSet};

/// Longest time limit accepted, in minutes (one day).
pub const MAX_TIME_LIMIT_MINS: u32 = 24 * 60;

/// One problem found in a typed quiz.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Index of the question (file order), or `None` for the module header.
    pub question: Option<usize>,
    /// Path of the offending value inside the question (or the header).
    pub path: Vec<PathSeg>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

fn problem(question: Option<usize>, path: Vec<PathSeg>, message: String, hint: &str) -> Problem {
    Problem {
        question,
        path,
        message,
        hint: if hint.is_empty() {
            None
        } else {
            Some(hint.to_string())
        },
    }
}

/// Check the module header and every question; returns every problem.
pub fn validate_quiz(quiz: &Quiz) -> Vec<Problem> {
    let mut out = Vec::new();
    if !is_kebab_id(&quiz.id) {
        out.push(problem(
            None,
            path!["id"],
            format!("module id `{}` is not kebab-case", quiz.id),
            "use lowercase letters, digits and single hyphens, e.g. `authorizers`",
        ));
    }
    if quiz.title.trim().is_empty() {
        out.push(problem(
            None,
            path!["title"],
            "the module title is empty".into(),
            "write the title learners see",
        ));
    }
    if quiz.pass_mark > 100 {
        out.push(problem(
            None,
            path!["pass-mark"],
            format!("pass-mark {} is out of range", quiz.pass_mark),
            "pass-mark is a percentage from 0 to 100",
        ));
    }
    if let Some(d) = quiz.draw
        && (d == 0 || d > quiz.questions.len())
    {
        out.push(problem(
            None,
            path!["draw"],
            format!(
                "draw = {d} is out of range: the module has {} questions",
                quiz.questions.len()
            ),
            "draw must be between 1 and the number of questions; remove it to use every question",
        ));
    }
    if quiz.time_limit_mins > MAX_TIME_LIMIT_MINS {
        out.push(problem(
            None,
            path!["time-limit-mins"],
            format!(
                "time-limit-mins = {} is longer than a day",
                quiz.time_limit_mins
            ),
            "use 0 (untimed) or a number of minutes up to 1440",
        ));
    }
    let mut seen_lessons = BTreeSet::new();
    for (i, l) in quiz.lessons.iter().enumerate() {
        if !is_kebab_id(l) {
            out.push(problem(
                None,
                path!["lessons", i],
                format!("lesson id `{l}` is not kebab-case"),
                "lessons lists lesson ids such as `lambda-authorizers`",
            ));
        } else if !seen_lessons.insert(l.as_str()) {
            out.push(problem(
                None,
                path!["lessons", i],
                format!("lesson `{l}` is listed twice"),
                "remove the repeat",
            ));
        }
    }
    if quiz.questions.is_empty() {
        out.push(problem(
            None,
            Vec::new(),
            "the module has no questions".into(),
            "add at least one [[questions]] table",
        ));
    }
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, q) in quiz.questions.iter().enumerate() {
        if let Some(&j) = first.get(q.id.as_str()) {
            let p = quiz.positions.question_pos(j, "id");
            out.push(Problem {
                question: Some(i),
                path: path!["id"],
                message: format!("duplicate question id `{}`", q.id),
                hint: Some(if p.line > 0 {
                    format!(
                        "the same id is used at line {}; ids must be unique in a module",
                        p.line
                    )
                } else {
                    "ids must be unique in a module".to_string()
                }),
            });
        } else {
            first.insert(q.id.as_str(), i);
        }
        out.extend(validate_question(q).into_iter().map(|mut p| {
            p.question = Some(i);
            p
        }));
    }
    out
}

/// Check one question (its `question` field is left `None`).
pub fn validate_question(q: &Question) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut push = |path: Vec<PathSeg>, message: String, hint: &str| {
        out.push(problem(None, path, message, hint))
    };
    if !is_kebab_id(&q.id) {
        push(
            path!["id"],
            format!("question id `{}` is not kebab-case", q.id),
            "use lowercase letters, digits and single hyphens, e.g. `cache-ttl-max`",
        );
    }
    if q.prompt.trim().is_empty() {
        push(
            path!["prompt"],
            "the prompt is empty".into(),
            "write the question the learner answers",
        );
    }
    if q.explanation.trim().is_empty() {
        push(
            path!["explanation"],
            "the explanation is empty".into(),
            "every question needs an explanation of why the right answer is right",
        );
    }
    for (i, h) in q.hints.iter().enumerate() {
        if h.trim().is_empty() {
            push(
                path!["hints", i],
                format!("hint {} is empty", i + 1),
                "remove it or write the hint",
            );
        }
    }
    if let Some(l) = &q.lesson
        && !is_lesson_link(l)
    {
        push(
            path!["lesson"],
            format!("`{l}` is not a lesson link"),
            "write `lesson-id#section-id` (or just `lesson-id`), both kebab-case",
        );
    }
    if let Some(s) = &q.source
        && !(s.starts_with("https://") || s.starts_with("http://"))
    {
        push(
            path!["source"],
            format!("source `{s}` is not a web address"),
            "give the documentation URL, starting with https://",
        );
    }
    match &q.body {
        Body::SingleChoice { options } => {
            check_options(options, Kind::SingleChoice, &mut push);
            let correct = options.iter().filter(|o| o.correct).count();
            if !options.is_empty() && correct == 0 {
                push(
                    path!["options"],
                    "no option is marked correct".into(),
                    "mark the right option with `correct = true`",
                );
            }
            if correct > 1 {
                push(
                    path!["options"],
                    format!(
                        "{correct} options are marked correct, but a single-choice question has one right answer"
                    ),
                    "keep one `correct = true`, or use kind = \"multiple-select\"",
                );
            }
        }
        Body::MultipleSelect { options, .. } => {
            check_options(options, Kind::MultipleSelect, &mut push);
            if !options.is_empty() && !options.iter().any(|o| o.correct) {
                push(
                    path!["options"],
                    "no option is marked correct".into(),
                    "mark every right option with `correct = true`",
                );
            }
        }
        Body::TrueFalse { .. } => {}
        Body::Ordering { items, .. } => {
            if items.len() < 2 {
                push(
                    path!["items"],
                    format!(
                        "an ordering question needs at least 2 items, found {}",
                        items.len()
                    ),
                    "list the items in the correct order: items = [\"first\", \"second\"]",
                );
            }
            let mut seen = BTreeSet::new();
            for (i, it) in items.iter().enumerate() {
                if it.trim().is_empty() {
                    push(
                        path!["items", i],
                        format!("item {} is empty", i + 1),
                        "write the item's text",
                    );
                } else if !seen.insert(it.as_str()) {
                    push(
                        path!["items", i],
                        format!("item `{it}` appears twice, so its place is ambiguous"),
                        "make every item's text different",
                    );
                }
            }
        }
        Body::Matching { pairs, .. } => {
            if pairs.len() < 2 {
                push(
                    path!["pairs"],
                    format!(
                        "a matching question needs at least 2 pairs, found {}",
                        pairs.len()
                    ),
                    "add pairs = [ { left = \"...\", right = \"...\" }, ... ]",
                );
            }
            let mut seen = BTreeSet::new();
            for (i, p) in pairs.iter().enumerate() {
                if p.left.trim().is_empty() || p.right.trim().is_empty() {
                    push(
                        path!["pairs", i],
                        format!("pair {} has an empty side", i + 1),
                        "write both left and right",
                    );
                } else if !seen.insert(p.left.as_str()) {
                    push(
                        path!["pairs", i, "left"],
                        format!("left item `{}` appears twice", p.left),
                        "make every left item different",
                    );
                }
            }
        }
        Body::Numeric {
            answer, tolerance, ..
        } => {
            if !answer.is_finite() {
                push(
                    path!["answer"],
                    "the answer is not a finite number".into(),
                    "write a number such as 3600",
                );
            }
            if !tolerance.is_finite() || *tolerance < 0.0 {
                push(
                    path!["tolerance"],
                    format!("tolerance {tolerance} is negative"),
                    "tolerance is the accepted distance from the answer: 0 or more",
                );
            }
        }
        Body::ShortText { accept, .. } => {
            if accept.is_empty() {
                push(
                    path!["accept"],
                    "a short-text question has no accepted answers".into(),
                    "list them: accept = [\"SigV4\", \"Signature Version 4\"]",
                );
            }
            for (i, a) in accept.iter().enumerate() {
                if a.trim().is_empty() {
                    push(
                        path!["accept", i],
                        format!("accepted answer {} is empty", i + 1),
                        "remove it",
                    );
                }
            }
        }
        Body::LabTask(t) => {
            if !is_kebab_id(&t.start) {
                push(
                    path!["start"],
                    format!("start scenario `{}` is not a scenario id", t.start),
                    "name a scenario in assets/scenarios/ by its id, e.g. `lab-admin-open`",
                );
            }
            if t.checks.is_empty() {
                push(
                    path!["checks"],
                    "a lab task has no checks".into(),
                    "add [[questions.checks]] tables with name, points, request and expect",
                );
            }
            let mut names = BTreeSet::new();
            for (i, c) in t.checks.iter().enumerate() {
                if !is_kebab_id(&c.name) {
                    push(
                        path!["checks", i, "name"],
                        format!("check name `{}` is not kebab-case", c.name),
                        "use a stable kebab-case name such as `anon-admin`",
                    );
                } else if !names.insert(c.name.as_str()) {
                    push(
                        path!["checks", i, "name"],
                        format!("duplicate check name `{}`", c.name),
                        "check names must be unique within a task",
                    );
                }
                if c.request.is_empty() {
                    push(
                        path!["checks", i, "request"],
                        "the request table is empty".into(),
                        "describe the request to send",
                    );
                }
                if c.expect.is_empty() {
                    push(
                        path!["checks", i, "expect"],
                        "the expect table is empty".into(),
                        "say what must come back, e.g. { status = 403 }",
                    );
                }
            }
            if !t.checks.is_empty() && t.max_points() == 0 {
                push(
                    path!["checks"],
                    "the checks are worth 0 points in total".into(),
                    "give at least one check points = 1 or more",
                );
            }
            if let Some(e) = &t.exploit
                && !t.checks.iter().any(|c| &c.name == e)
            {
                let known: Vec<&str> = t.checks.iter().map(|c| c.name.as_str()).collect();
                push(
                    path!["exploit"],
                    format!("exploit names check `{e}`, which this task does not have"),
                    &format!("use one of the task's check names: {}", known.join(", ")),
                );
            }
        }
    }
    out
}

fn check_options(
    options: &[ChoiceOption],
    kind: Kind,
    push: &mut impl FnMut(Vec<PathSeg>, String, &str),
) {
    if options.is_empty() {
        push(
            path!["options"],
            format!("a {kind} question has no options"),
            "add options = [ { text = \"...\", correct = true }, { text = \"...\" } ]",
        );
        return;
    }
    if options.len() < 2 {
        push(
            path!["options"],
            format!("a {kind} question needs at least 2 options, found 1"),
            "add the wrong options learners choose between",
        );
    }
    let mut seen = BTreeSet::new();
    for (i, o) in options.iter().enumerate() {
        if o.text.trim().is_empty() {
            push(
                path!["options", i, "text"],
                format!("option {} has no text", i + 1),
                "write the option's text",
            );
        } else if !seen.insert(o.text.trim()) {
            push(
                path!["options", i, "text"],
                format!("option {} repeats the text `{}`", i + 1, o.text.trim()),
                "make every option's text different",
            );
        }
        if let Some(m) = &o.misconception
            && !is_kebab_id(m)
        {
            push(
                path!["options", i, "misconception"],
                format!("misconception tag `{m}` is not kebab-case"),
                "use a short kebab-case tag such as `cache-per-path`",
            );
        }
    }
}

/// Whether `s` is `lesson-id` or `lesson-id#section-id` with kebab-case parts.
pub fn is_lesson_link(s: &str) -> bool {
    match s.split_once('#') {
        Some((l, sec)) => is_kebab_id(l) && is_kebab_id(sec),
        None => is_kebab_id(s),
    }
}
