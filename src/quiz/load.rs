//! Loading quiz modules from TOML (`quizzes/<id>.toml`, see `docs/quizzes.md`).
//!
//! Two phases: serde into raw structs (one question at a time, so one bad
//! question does not hide problems in the others), then checks on the typed
//! quiz that collect every problem as `file:line:col: message` with a hint.

use super::model::{
    Body, ChoiceOption, Kind, LabCheck, LabTask, MatchPair, Positions, Question, Quiz, Scoring,
    SrcPos,
};
use super::validate::{Problem, validate_quiz};
use crate::diag::{Diagnostic, Diagnostics, PathSeg, TomlLocator, from_toml_error, line_col};
use crate::path;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// Keys every question may have.
const COMMON_KEYS: [&str; 7] = [
    "id",
    "kind",
    "prompt",
    "lesson",
    "explanation",
    "hints",
    "source",
];

/// Keys that only some kinds accept.
fn kind_keys(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::SingleChoice => &["options"],
        Kind::MultipleSelect => &["options", "scoring"],
        Kind::TrueFalse => &["answer", "feedback-true", "feedback-false"],
        Kind::Ordering => &["items", "scoring"],
        Kind::Matching => &["pairs", "scoring"],
        Kind::Numeric => &["answer", "tolerance", "unit"],
        Kind::ShortText => &["accept", "case-sensitive"],
        Kind::LabTask => &["start", "exploit", "solution", "checks"],
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawHeader {
    id: String,
    title: String,
    pass_mark: i64,
    #[serde(default)]
    draw: Option<i64>,
    #[serde(default)]
    time_limit_mins: Option<i64>,
    #[serde(default)]
    lessons: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawQuestion {
    id: Option<String>,
    kind: Option<String>,
    prompt: Option<String>,
    lesson: Option<String>,
    explanation: Option<String>,
    #[serde(default)]
    hints: Vec<String>,
    source: Option<String>,
    options: Option<Vec<RawOption>>,
    scoring: Option<String>,
    answer: Option<toml::Value>,
    feedback_true: Option<String>,
    feedback_false: Option<String>,
    items: Option<Vec<String>>,
    pairs: Option<Vec<RawPair>>,
    tolerance: Option<toml::Value>,
    unit: Option<String>,
    accept: Option<Vec<String>>,
    case_sensitive: Option<bool>,
    start: Option<String>,
    exploit: Option<String>,
    solution: Option<toml::Table>,
    checks: Option<Vec<RawCheck>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOption {
    text: String,
    #[serde(default)]
    correct: bool,
    feedback: Option<String>,
    misconception: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPair {
    left: String,
    right: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCheck {
    name: String,
    points: Option<i64>,
    request: toml::Table,
    expect: toml::Table,
}

/// Everything a conversion step needs to report problems.
struct Ctx<'a> {
    file: &'a str,
    src: &'a str,
    loc: TomlLocator<'a>,
}

impl Ctx<'_> {
    fn diag(
        &self,
        path: Vec<PathSeg>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Diagnostic {
        self.loc.diag(self.file, &path, message).with_hint(hint)
    }

    fn pos(&self, offset: usize) -> SrcPos {
        let (line, col) = line_col(self.src, offset);
        SrcPos { line, col }
    }
}

/// Parse and check one quiz module. `file` is the name used in messages;
/// when it ends in `.toml` its stem must equal the module id.
pub fn parse_quiz(file: &str, src: &str) -> Result<Quiz, Diagnostics> {
    let root = match DeTable::parse(src) {
        Ok(r) => r,
        Err(e) => return Err(from_toml_error(file, src, &e).into()),
    };
    let ctx = Ctx {
        file,
        src,
        loc: TomlLocator::new(src),
    };
    let mut diags = Diagnostics::default();
    let mut positions = Positions {
        file: file.to_string(),
        ..Positions::default()
    };
    for (k, v) in root.get_ref().iter() {
        positions
            .header
            .insert(k.get_ref().to_string(), ctx.pos(v.span().start));
    }

    // Header: everything but the questions.
    let mut header_table = root.clone();
    let questions_value = header_table.get_mut().remove("questions");
    let header = match RawHeader::deserialize(toml::de::Deserializer::from(header_table)) {
        Ok(h) => Some(convert_header(h, &ctx, &mut diags)),
        Err(e) => {
            diags.push(from_toml_error(file, src, &e));
            None
        }
    };

    // Questions, one at a time.
    let mut questions = Vec::new();
    let mut raw_index = Vec::new();
    let mut raw_count = 0;
    match questions_value.as_ref().map(|v| v.get_ref()) {
        None => {}
        Some(DeValue::Array(items)) => {
            raw_count = items.len();
            for (i, item) in items.iter().enumerate() {
                let Some(table) = item.get_ref().as_table() else {
                    diags.push(ctx.diag(
                        path!["questions", i],
                        "each question must be a table",
                        "write each question as a [[questions]] table",
                    ));
                    continue;
                };
                let raw = match RawQuestion::deserialize(ValueDeserializer::from(item.clone())) {
                    Ok(r) => r,
                    Err(e) => {
                        diags.push(from_toml_error(file, src, &e));
                        continue;
                    }
                };
                match convert_question(raw, table, i, &ctx) {
                    Ok(q) => {
                        positions
                            .questions
                            .push(question_positions(item, table, &ctx));
                        raw_index.push(i);
                        questions.push(q);
                    }
                    Err(ds) => diags.extend(Diagnostics(ds)),
                }
            }
        }
        Some(_) => diags.push(ctx.diag(
            path!["questions"],
            "`questions` must be an array of tables",
            "write each question as a [[questions]] table",
        )),
    }

    let header_ok = header.is_some();
    let h = header.unwrap_or_else(|| Header {
        id: String::new(),
        title: String::new(),
        pass_mark: 0,
        draw: None,
        time_limit_mins: 0,
        lessons: Vec::new(),
    });
    let quiz = Quiz {
        id: h.id,
        title: h.title,
        pass_mark: h.pass_mark,
        draw: h.draw,
        time_limit_mins: h.time_limit_mins,
        lessons: h.lessons,
        questions,
        positions,
    };

    for p in validate_quiz(&quiz) {
        if !header_ok && p.question.is_none() && !p.path.is_empty() {
            // The header already failed to parse; its placeholder values say nothing.
            continue;
        }
        if raw_count > 0 && p.question.is_none() && p.path.is_empty() {
            // "No questions" only because every question had problems, reported above.
            continue;
        }
        diags.push(problem_to_diag(&p, &raw_index, &ctx));
    }
    if header_ok
        && let Some(stem) = file_stem_toml(file)
        && stem != quiz.id
        && super::model::is_kebab_id(&quiz.id)
    {
        diags.push(ctx.diag(
            path!["id"],
            format!(
                "module id `{}` does not match the file name `{stem}.toml`",
                quiz.id
            ),
            format!("name the file `{}.toml`, or set id = \"{stem}\"", quiz.id),
        ));
    }
    diags.into_result(quiz)
}

/// Parse several modules (`(file name, source)` pairs) and check that module
/// ids are unique across files.
pub fn load_all<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<Quiz>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut quizzes: Vec<Quiz> = Vec::new();
    for (file, src) in files {
        match parse_quiz(file, src) {
            Ok(q) => {
                if let Some(first) = quizzes.iter().find(|o| o.id == q.id) {
                    diags.push(
                        q.positions
                            .header_diag("id", format!("duplicate module id `{}`", q.id))
                            .with_hint(format!(
                                "`{}` already uses this id; module ids must be unique",
                                first.positions.file
                            )),
                    );
                } else {
                    quizzes.push(q);
                }
            }
            Err(d) => diags.extend(d),
        }
    }
    diags.into_result(quizzes)
}

fn file_stem_toml(file: &str) -> Option<&str> {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.strip_suffix(".toml")
}

struct Header {
    id: String,
    title: String,
    pass_mark: u8,
    draw: Option<usize>,
    time_limit_mins: u32,
    lessons: Vec<String>,
}

/// Out-of-range values are reported here and replaced by neutral ones, so
/// the shared checks can still look at the rest of the header.
fn convert_header(h: RawHeader, ctx: &Ctx, diags: &mut Diagnostics) -> Header {
    let pass_mark = match u8::try_from(h.pass_mark) {
        Ok(p) if p <= 100 => p,
        _ => {
            diags.push(ctx.diag(
                path!["pass-mark"],
                format!("pass-mark {} is out of range", h.pass_mark),
                "pass-mark is a percentage from 0 to 100",
            ));
            0
        }
    };
    let draw = match h.draw {
        None => None,
        Some(d) if d >= 1 => Some(usize::try_from(d).unwrap_or(usize::MAX)),
        Some(d) => {
            diags.push(ctx.diag(
                path!["draw"],
                format!("draw = {d} is out of range"),
                "draw is the number of questions per attempt (1 or more); remove it to use every question",
            ));
            None
        }
    };
    let time_limit_mins = match h.time_limit_mins {
        None => 0,
        Some(t) => match u32::try_from(t) {
            Ok(t) => t,
            Err(_) => {
                diags.push(ctx.diag(
                    path!["time-limit-mins"],
                    format!("time-limit-mins = {t} is out of range"),
                    "use 0 (untimed) or a positive number of minutes",
                ));
                0
            }
        },
    };
    Header {
        id: h.id,
        title: h.title,
        pass_mark,
        draw,
        time_limit_mins,
        lessons: h.lessons,
    }
}

fn question_positions(
    item: &Spanned<DeValue>,
    table: &DeTable,
    ctx: &Ctx,
) -> BTreeMap<String, SrcPos> {
    let mut map = BTreeMap::new();
    map.insert(String::new(), ctx.pos(item.span().start));
    for (k, v) in table.iter() {
        map.insert(k.get_ref().to_string(), ctx.pos(v.span().start));
        if let Some(arr) = v.get_ref().as_array() {
            for (i, e) in arr.iter().enumerate() {
                map.insert(format!("{}[{i}]", k.get_ref()), ctx.pos(e.span().start));
            }
        }
    }
    map
}

fn problem_to_diag(p: &Problem, raw_index: &[usize], ctx: &Ctx) -> Diagnostic {
    let mut full = Vec::new();
    if let Some(i) = p.question {
        full.push(PathSeg::Key("questions".into()));
        full.push(PathSeg::Index(raw_index.get(i).copied().unwrap_or(i)));
    }
    full.extend(p.path.iter().cloned());
    let mut d = ctx.loc.diag(ctx.file, &full, p.message.clone());
    d.hint = p.hint.clone();
    d
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn type_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "text",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "true/false",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

fn convert_question(
    raw: RawQuestion,
    table: &DeTable,
    i: usize,
    ctx: &Ctx,
) -> Result<Question, Vec<Diagnostic>> {
    let mut ds = Vec::new();
    let here = |key: &str| path!["questions", i, key];
    let mut required = |value: &Option<String>, key: &str, hint: &str| {
        if value.is_none() {
            ds.push(ctx.diag(
                path!["questions", i],
                format!("missing required key `{key}`"),
                hint.to_string(),
            ));
        }
    };
    required(&raw.id, "id", "add id = \"some-kebab-case-id\"");
    required(
        &raw.kind,
        "kind",
        "add kind = \"single-choice\" (or another kind)",
    );
    required(&raw.prompt, "prompt", "add prompt = \"the question text\"");
    required(
        &raw.explanation,
        "explanation",
        "add explanation = \"why the right answer is right\"",
    );

    let kind = match raw.kind.as_deref() {
        None => None,
        Some(k) => match Kind::parse(k) {
            Some(k) => Some(k),
            None => {
                let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                ds.push(ctx.diag(
                    here("kind"),
                    format!("unknown question kind `{k}`"),
                    format!("use one of: {}", all.join(", ")),
                ));
                None
            }
        },
    };
    let Some(kind) = kind else {
        return Err(ds);
    };

    // Keys that exist but do not apply to this kind.
    let allowed = kind_keys(kind);
    for (key, _) in table.iter() {
        let k = key.get_ref();
        if !COMMON_KEYS.contains(&k.as_ref()) && !allowed.contains(&k.as_ref()) {
            ds.push(
                Diagnostic::at(
                    ctx.file,
                    ctx.src,
                    key.span().start,
                    format!("key `{k}` does not apply to {kind} questions"),
                )
                .with_hint(format!(
                    "keys for {kind} questions: {}, {}",
                    COMMON_KEYS.join(", "),
                    allowed.join(", ")
                )),
            );
        }
    }

    let scoring = match raw.scoring.as_deref() {
        None => Scoring::AllOrNothing,
        Some(s) => Scoring::parse(s).unwrap_or_else(|| {
            ds.push(ctx.diag(
                here("scoring"),
                format!("unknown scoring `{s}`"),
                "use \"all-or-nothing\" or \"partial\"",
            ));
            Scoring::AllOrNothing
        }),
    };
    let options = || -> Vec<ChoiceOption> {
        raw.options
            .iter()
            .flatten()
            .map(|o| ChoiceOption {
                text: o.text.clone(),
                correct: o.correct,
                feedback: o.feedback.clone(),
                misconception: o.misconception.clone(),
            })
            .collect()
    };

    let body = match kind {
        Kind::SingleChoice => Some(Body::SingleChoice { options: options() }),
        Kind::MultipleSelect => Some(Body::MultipleSelect {
            options: options(),
            scoring,
        }),
        Kind::TrueFalse => match &raw.answer {
            Some(toml::Value::Boolean(b)) => Some(Body::TrueFalse {
                answer: *b,
                feedback_true: raw.feedback_true.clone(),
                feedback_false: raw.feedback_false.clone(),
            }),
            Some(v) => {
                ds.push(ctx.diag(
                    here("answer"),
                    format!(
                        "the answer of a true-false question must be true or false, found {}",
                        type_name(v)
                    ),
                    "write answer = true or answer = false, without quotes",
                ));
                None
            }
            None => {
                ds.push(ctx.diag(
                    path!["questions", i],
                    "missing required key `answer`",
                    "add answer = true or answer = false",
                ));
                None
            }
        },
        Kind::Ordering => Some(Body::Ordering {
            items: raw.items.clone().unwrap_or_default(),
            scoring,
        }),
        Kind::Matching => Some(Body::Matching {
            pairs: raw
                .pairs
                .iter()
                .flatten()
                .map(|p| MatchPair {
                    left: p.left.clone(),
                    right: p.right.clone(),
                })
                .collect(),
            scoring,
        }),
        Kind::Numeric => {
            let answer = match &raw.answer {
                Some(v) => number(v).or_else(|| {
                    ds.push(ctx.diag(
                        here("answer"),
                        format!(
                            "the answer of a numeric question must be a number, found {}",
                            type_name(v)
                        ),
                        "write a number without quotes, e.g. answer = 3600",
                    ));
                    None
                }),
                None => {
                    ds.push(ctx.diag(
                        path!["questions", i],
                        "missing required key `answer`",
                        "add answer = <number>",
                    ));
                    None
                }
            };
            let tolerance = match &raw.tolerance {
                None => Some(0.0),
                Some(v) => number(v).or_else(|| {
                    ds.push(ctx.diag(
                        here("tolerance"),
                        format!("tolerance must be a number, found {}", type_name(v)),
                        "write a number without quotes, e.g. tolerance = 0.5",
                    ));
                    None
                }),
            };
            match (answer, tolerance) {
                (Some(answer), Some(tolerance)) => Some(Body::Numeric {
                    answer,
                    tolerance,
                    unit: raw.unit.clone(),
                }),
                _ => None,
            }
        }
        Kind::ShortText => Some(Body::ShortText {
            accept: raw.accept.clone().unwrap_or_default(),
            case_sensitive: raw.case_sensitive.unwrap_or(false),
        }),
        Kind::LabTask => {
            if raw.start.is_none() {
                ds.push(ctx.diag(
                    path!["questions", i],
                    "missing required key `start`",
                    "add start = \"<scenario id>\": the configuration the learner starts from",
                ));
            }
            if raw.solution.is_none() {
                ds.push(ctx.diag(
                    path!["questions", i],
                    "missing required key `solution`",
                    "add solution = { ... }: a reference fix, merged onto the start scenario, that passes every check",
                ));
            }
            let mut checks = Vec::new();
            for (ci, c) in raw.checks.iter().flatten().enumerate() {
                let points = match c.points {
                    None => 1,
                    Some(p) => u32::try_from(p).unwrap_or_else(|_| {
                        ds.push(ctx.diag(
                            path!["questions", i, "checks", ci, "points"],
                            format!("points = {p} is out of range"),
                            "points is 0 or more",
                        ));
                        0
                    }),
                };
                checks.push(LabCheck {
                    name: c.name.clone(),
                    points,
                    request: c.request.clone(),
                    expect: c.expect.clone(),
                });
            }
            match (&raw.start, &raw.solution) {
                (Some(start), Some(solution)) => Some(Body::LabTask(LabTask {
                    start: start.clone(),
                    exploit: raw.exploit.clone(),
                    solution: solution.clone(),
                    checks,
                })),
                _ => None,
            }
        }
    };

    match (body, ds.is_empty()) {
        (Some(body), true) => Ok(Question {
            id: raw.id.unwrap_or_default(),
            prompt: raw.prompt.unwrap_or_default(),
            lesson: raw.lesson,
            explanation: raw.explanation.unwrap_or_default(),
            hints: raw.hints,
            source: raw.source,
            body,
        }),
        _ => Err(ds),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "demo"
title = "Demo"
pass-mark = 70

[[questions]]
id = "one"
kind = "single-choice"
prompt = "Pick a"
explanation = "a is right"
options = [ { text = "a", correct = true }, { text = "b" } ]
"#;

    #[test]
    fn loads_a_good_module() {
        let q = parse_quiz("demo.toml", GOOD).unwrap();
        assert_eq!(q.id, "demo");
        assert_eq!(q.questions.len(), 1);
        assert_eq!(q.positions.question_pos(0, ""), SrcPos { line: 6, col: 1 });
        assert_eq!(q.positions.question_pos(0, "options").line, 11);
    }

    #[test]
    fn file_name_must_match_id() {
        let e = parse_quiz("quizzes/other.toml", GOOD).unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(
            e.to_string()
                .starts_with("quizzes/other.toml:2:6: module id `demo` does not match"),
            "{e}"
        );
    }

    #[test]
    fn one_bad_question_does_not_hide_the_next() {
        let src = format!(
            "{GOOD}\n[[questions]]\nid = \"two\"\nkind = \"true-false\"\nprompt = \"p\"\nexplanation = \"e\"\nanswr = true\n\n[[questions]]\nid = \"three\"\nkind = \"numeric\"\nprompt = \"p\"\nexplanation = \"\"\nanswer = 1\ntolerance = -1\n"
        );
        let e = parse_quiz("demo.toml", &src).unwrap_err();
        let text = e.to_string();
        assert_eq!(e.len(), 3, "{text}");
        assert!(
            text.contains("demo.toml:18:1: unknown key `answr`"),
            "{text}"
        );
        assert!(
            text.contains("demo.toml:24:15: the explanation is empty"),
            "{text}"
        );
        assert!(
            text.contains("demo.toml:26:13: tolerance -1 is negative"),
            "{text}"
        );
    }
}
