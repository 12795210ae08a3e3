//! Moodle GIFT import and export for the question kinds GIFT can express.
//!
//! Supported: multiple choice (`=` right, `~` wrong, `~%50%` weights for
//! multiple select), true/false, short answer, matching, numeric (with
//! tolerance `#3600:5` and ranges `#1..5`), titles `::title::`, `//`
//! comments, per-answer feedback `#`, general feedback `####` (the
//! explanation) and the escapes `\~ \= \# \{ \} \: \\ \n`.
//!
//! gatelab details GIFT has no place for travel in comments that Moodle
//! ignores: `// @lesson authorizer-caching#explain`, `// @hint ...`,
//! `// @source ...`, `// @misconception 2 cache-per-path`, `// @scoring ...`,
//! `// @unit ...`, `// @case-sensitive`, and module keys `// @id`,
//! `// @title`, `// @pass-mark`, `// @draw`, `// @time-limit-mins`,
//! `// @lessons`. Ordering questions and lab tasks are exported as comments.

use super::model::{
    Body, ChoiceOption, Kind, MatchPair, Positions, Question, Quiz, Scoring, SrcPos, is_kebab_id,
    slugify,
};
use super::review::fmt_number;
use super::validate::validate_quiz;
use crate::diag::{Diagnostic, Diagnostics, PathSeg};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Pass mark given to imported modules that do not set `// @pass-mark`.
pub const DEFAULT_PASS_MARK: u8 = 70;

/// One character of a question block, with its escape status and position.
#[derive(Clone, Copy, Debug)]
struct Ch {
    c: char,
    esc: bool,
    line: usize,
    col: usize,
}

/// A `// @key value` comment.
#[derive(Clone, Debug)]
struct Meta {
    key: String,
    value: String,
    line: usize,
}

struct Block {
    chars: Vec<Ch>,
    line: usize,
    meta: Vec<Meta>,
}

const MODULE_KEYS: [&str; 6] = [
    "id",
    "title",
    "pass-mark",
    "draw",
    "time-limit-mins",
    "lessons",
];
const QUESTION_KEYS: [&str; 7] = [
    "lesson",
    "hint",
    "source",
    "misconception",
    "scoring",
    "unit",
    "case-sensitive",
];

/// Read a GIFT file into a quiz module. Every problem is reported with its
/// line, and unsupported GIFT features say what to do instead.
pub fn import(text: &str, file_name: &str) -> Result<Quiz, Diagnostics> {
    let mut diags = Diagnostics::default();
    let at = |line: usize, col: usize, message: String, hint: &str| Diagnostic {
        file: file_name.to_string(),
        line,
        col,
        message,
        hint: Some(hint.to_string()),
    };

    // Split into blocks separated by blank lines; collect `// @` comments.
    let mut blocks: Vec<Block> = Vec::new();
    let mut module_meta: Vec<Meta> = Vec::new();
    let mut pending: Vec<Meta> = Vec::new();
    let mut current: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        let ln = i + 1;
        let t = line.trim();
        if t.is_empty() {
            if let Some(b) = current.take() {
                blocks.push(b);
            }
            continue;
        }
        if let Some(comment) = t.strip_prefix("//") {
            if let Some(rest) = comment.trim_start().strip_prefix('@') {
                let (key, value) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let meta = Meta {
                    key: key.to_string(),
                    value: unescape_plain(value.trim()),
                    line: ln,
                };
                if MODULE_KEYS.contains(&key) {
                    module_meta.push(meta);
                } else if !QUESTION_KEYS.contains(&key) {
                    let col = line
                        .find('@')
                        .map(|c| line[..c].chars().count() + 1)
                        .unwrap_or(1);
                    diags.push(at(
                        ln,
                        col,
                        format!("unknown gatelab comment `@{key}`"),
                        &format!(
                            "known: @{}, @{}; write a plain comment without @ for anything else",
                            MODULE_KEYS.join(", @"),
                            QUESTION_KEYS.join(", @")
                        ),
                    ));
                } else if let Some(b) = current.as_mut() {
                    b.meta.push(meta);
                } else {
                    pending.push(meta);
                }
            }
            continue;
        }
        let block = current.get_or_insert_with(|| Block {
            chars: Vec::new(),
            line: ln,
            meta: std::mem::take(&mut pending),
        });
        if !block.chars.is_empty() {
            block.chars.push(Ch {
                c: '\n',
                esc: false,
                line: ln - 1,
                col: 0,
            });
        }
        tokenize(line, ln, &mut block.chars);
    }
    if let Some(b) = current.take() {
        blocks.push(b);
    }
    for m in &pending {
        diags.push(at(
            m.line,
            1,
            format!("`@{}` is not followed by a question", m.key),
            "put question comments directly above the question they describe",
        ));
    }

    // Parse each block.
    let mut questions = Vec::new();
    let mut positions = Positions {
        file: file_name.to_string(),
        ..Positions::default()
    };
    let mut used_ids = BTreeSet::new();
    for b in &blocks {
        match parse_block(b, questions.len() + 1, &mut used_ids) {
            Ok(q) => {
                let mut map = BTreeMap::new();
                map.insert(
                    String::new(),
                    SrcPos {
                        line: b.line,
                        col: 1,
                    },
                );
                positions.questions.push(map);
                questions.push(q);
            }
            Err(problems) => {
                for (line, col, message, hint) in problems {
                    diags.push(at(line, col, message, &hint));
                }
            }
        }
    }

    // Module header from `// @` comments, or from the file name.
    let stem = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .split('.')
        .next()
        .unwrap_or("");
    let mut quiz = Quiz {
        id: if slugify(stem).is_empty() {
            "imported".to_string()
        } else {
            slugify(stem)
        },
        title: if stem.is_empty() {
            "Imported quiz".to_string()
        } else {
            stem.to_string()
        },
        pass_mark: DEFAULT_PASS_MARK,
        draw: None,
        time_limit_mins: 0,
        lessons: Vec::new(),
        questions,
        positions,
    };
    for m in &module_meta {
        quiz.positions.header.insert(
            m.key.clone(),
            SrcPos {
                line: m.line,
                col: 1,
            },
        );
        let bad_number = |what: &str| {
            at(
                m.line,
                1,
                format!("@{} needs {what}, found `{}`", m.key, m.value),
                "write e.g. `// @pass-mark 70`",
            )
        };
        match m.key.as_str() {
            "id" => quiz.id = m.value.clone(),
            "title" => quiz.title = m.value.clone(),
            "pass-mark" => match m.value.parse::<u8>() {
                Ok(p) => quiz.pass_mark = p,
                Err(_) => diags.push(bad_number("a percentage from 0 to 100")),
            },
            "draw" => match m.value.parse::<usize>() {
                Ok(d) => quiz.draw = Some(d),
                Err(_) => diags.push(bad_number("a number of questions")),
            },
            "time-limit-mins" => match m.value.parse::<u32>() {
                Ok(t) => quiz.time_limit_mins = t,
                Err(_) => diags.push(bad_number("a number of minutes")),
            },
            "lessons" => quiz.lessons = m.value.split_whitespace().map(str::to_string).collect(),
            _ => {}
        }
    }

    for p in validate_quiz(&quiz) {
        if !blocks.is_empty() && p.question.is_none() && p.path.is_empty() {
            // "No questions" only because every question had problems, reported above.
            continue;
        }
        let pos = match p.question {
            Some(i) => quiz.positions.question_pos(i, ""),
            None => quiz.positions.header_pos(match p.path.first() {
                Some(PathSeg::Key(k)) => k.as_str(),
                _ => "",
            }),
        };
        let hint = match p.path.first() {
            Some(PathSeg::Key(k)) if k == "explanation" => {
                "add general feedback before the closing brace: ####Why the right answer is right"
                    .to_string()
            }
            _ => p.hint.clone().unwrap_or_default(),
        };
        let who = p
            .question
            .and_then(|i| quiz.questions.get(i))
            .map(|q| format!("question `{}`: ", q.id))
            .unwrap_or_default();
        diags.push(at(pos.line, pos.col, format!("{who}{}", p.message), &hint));
    }
    diags.into_result(quiz)
}

/// Split one line into characters, resolving GIFT escapes.
fn tokenize(line: &str, ln: usize, out: &mut Vec<Ch>) {
    let mut it = line.chars().enumerate().peekable();
    while let Some((col0, c)) = it.next() {
        let col = col0 + 1;
        if c == '\\'
            && let Some(&(_, n)) = it.peek()
        {
            let mapped = match n {
                '~' | '=' | '#' | '{' | '}' | ':' | '\\' => Some(n),
                'n' => Some('\n'),
                _ => None,
            };
            if let Some(m) = mapped {
                it.next();
                out.push(Ch {
                    c: m,
                    esc: true,
                    line: ln,
                    col,
                });
                continue;
            }
        }
        out.push(Ch {
            c,
            esc: false,
            line: ln,
            col,
        });
    }
}

/// Resolve escapes in a comment value.
fn unescape_plain(s: &str) -> String {
    let mut v = Vec::new();
    tokenize(s, 0, &mut v);
    v.iter().map(|c| c.c).collect()
}

fn is(ch: Option<&Ch>, c: char) -> bool {
    ch.is_some_and(|x| !x.esc && x.c == c)
}

/// Index of the first unescaped occurrence of `pat` at or after `from`.
fn find(chars: &[Ch], from: usize, pat: &str) -> Option<usize> {
    let p: Vec<char> = pat.chars().collect();
    (from..chars.len()).find(|&i| p.iter().enumerate().all(|(k, &c)| is(chars.get(i + k), c)))
}

/// Index of the last unescaped occurrence of `pat`.
fn rfind(chars: &[Ch], pat: &str) -> Option<usize> {
    let p: Vec<char> = pat.chars().collect();
    (0..chars.len())
        .rev()
        .find(|&i| p.iter().enumerate().all(|(k, &c)| is(chars.get(i + k), c)))
}

fn trim(chars: &[Ch]) -> &[Ch] {
    let start = chars
        .iter()
        .position(|c| c.esc || !c.c.is_whitespace())
        .unwrap_or(chars.len());
    let end = chars
        .iter()
        .rposition(|c| c.esc || !c.c.is_whitespace())
        .map(|e| e + 1)
        .unwrap_or(start);
    chars.get(start..end.max(start)).unwrap_or(&[])
}

fn text(chars: &[Ch]) -> String {
    trim(chars).iter().map(|c| c.c).collect()
}

fn pos_of(chars: &[Ch], fallback: usize) -> (usize, usize) {
    chars
        .first()
        .map(|c| (c.line, c.col.max(1)))
        .unwrap_or((fallback, 1))
}

type Problems = Vec<(usize, usize, String, String)>;

/// One answer of a `{...}` block: its marker, weight, text and feedback.
struct Item<'a> {
    marker: char,
    weight: Option<f64>,
    body: &'a [Ch],
    feedback: Option<String>,
    at: (usize, usize),
}

fn split_items<'a>(inner: &'a [Ch], line: usize, problems: &mut Problems) -> Vec<Item<'a>> {
    let starts: Vec<usize> = inner
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.esc && (c.c == '=' || c.c == '~'))
        .map(|(i, _)| i)
        .collect();
    let lead = inner
        .get(..starts.first().copied().unwrap_or(inner.len()))
        .unwrap_or(&[]);
    if !trim(lead).is_empty() {
        let (l, c) = pos_of(trim(lead), line);
        problems.push((
            l,
            c,
            format!("`{}` comes before the first answer", text(lead)),
            "start every answer with = (right) or ~ (wrong); escape a literal = or ~ as \\= or \\~"
                .into(),
        ));
    }
    let mut items = Vec::new();
    for (n, &s) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(inner.len());
        let Some(marker) = inner.get(s).map(|c| c.c) else {
            continue;
        };
        let mut rest = trim(inner.get(s + 1..end).unwrap_or(&[]));
        let at = pos_of(inner.get(s..).unwrap_or(&[]), line);
        let mut weight = None;
        if is(rest.first(), '%')
            && let Some(close) = find(rest, 1, "%")
        {
            let w = text(rest.get(1..close).unwrap_or(&[]));
            match w.parse::<f64>() {
                Ok(v) if v.is_finite() => weight = Some(v),
                _ => problems.push((
                    at.0,
                    at.1,
                    format!("weight `%{w}%` is not a number"),
                    "write a percentage such as %50% or %-25%".into(),
                )),
            }
            rest = trim(rest.get(close + 1..).unwrap_or(&[]));
        }
        let (body, feedback) = match find(rest, 0, "#") {
            Some(h) => {
                let fb = text(rest.get(h + 1..).unwrap_or(&[]));
                (rest.get(..h).unwrap_or(&[]), (!fb.is_empty()).then_some(fb))
            }
            None => (rest, None),
        };
        items.push(Item {
            marker,
            weight,
            body: trim(body),
            feedback,
            at,
        });
    }
    items
}

fn parse_block(
    b: &Block,
    number: usize,
    used_ids: &mut BTreeSet<String>,
) -> Result<Question, Problems> {
    let mut problems: Problems = Vec::new();
    let line = b.line;
    let all = trim(&b.chars);
    let raw_text: String = all.iter().map(|c| c.c).collect();
    if raw_text.starts_with("$CATEGORY:") {
        return Err(vec![(
            line,
            1,
            "categories ($CATEGORY) are not supported".into(),
            "delete the line: each gatelab module is one file, and its questions share one category".into(),
        )]);
    }

    // ::title::
    let mut rest = all;
    let mut title = None;
    if is(rest.first(), ':') && is(rest.get(1), ':') {
        match find(rest, 2, "::") {
            Some(end) => {
                title = Some(text(rest.get(2..end).unwrap_or(&[])));
                rest = trim(rest.get(end + 2..).unwrap_or(&[]));
            }
            None => {
                return Err(vec![(
                    line,
                    1,
                    "the question title is not closed with `::`".into(),
                    "write ::title:: before the question text, or escape colons as \\:".into(),
                )]);
            }
        }
    }
    // [markdown], [plain], [html], [moodle]
    if is(rest.first(), '[')
        && let Some(close) = find(rest, 1, "]")
    {
        let fmt = text(rest.get(1..close).unwrap_or(&[]));
        if matches!(fmt.as_str(), "markdown" | "plain" | "html" | "moodle") {
            rest = trim(rest.get(close + 1..).unwrap_or(&[]));
        }
    }

    let open = find(rest, 0, "{");
    let close = find(rest, 0, "}");
    let (open, close) = match (open, close) {
        (None, None) => {
            return Err(vec![(
                line,
                1,
                "a description without answers is not supported".into(),
                "gatelab modules hold questions only: delete it, or keep it as a // comment".into(),
            )]);
        }
        (Some(o), Some(c)) if o < c => (o, c),
        _ => {
            let (l, c) = pos_of(rest.get(open.or(close).unwrap_or(0)..).unwrap_or(&[]), line);
            return Err(vec![(
                l,
                c,
                "the braces of the answer block do not match".into(),
                "write answers as {...}; escape literal braces as \\{ and \\}".into(),
            )]);
        }
    };
    let after = trim(rest.get(close + 1..).unwrap_or(&[]));
    if !after.is_empty() {
        let (l, c) = pos_of(rest.get(open..).unwrap_or(&[]), line);
        return Err(vec![(
            l,
            c,
            "an answer block in the middle of the text (missing-word format) is not supported"
                .into(),
            "move the {...} block to the end of the question and write the gap as ____ in the text"
                .into(),
        )]);
    }
    let prompt = text(rest.get(..open).unwrap_or(&[]));
    let mut inner = trim(rest.get(open + 1..close).unwrap_or(&[]));
    let brace_at = pos_of(rest.get(open..).unwrap_or(&[]), line);
    let mut explanation = String::new();
    if let Some(g) = rfind(inner, "####") {
        explanation = text(inner.get(g + 4..).unwrap_or(&[]));
        inner = trim(inner.get(..g).unwrap_or(&[]));
    }

    let unsupported = |message: &str, hint: &str| {
        (
            brace_at.0,
            brace_at.1,
            message.to_string(),
            hint.to_string(),
        )
    };
    let first_meta = |key: &str| metas(b, key).next().map(|m| m.value.clone());

    let body = if inner.is_empty() {
        return Err(vec![unsupported(
            "essay questions (an empty answer block) are not supported",
            "gatelab grades every question automatically: give answers, e.g. {=right ~wrong}",
        )]);
    } else if is(inner.first(), '#') {
        parse_numeric(inner.get(1..).unwrap_or(&[]), brace_at, &mut problems).map(
            |(answer, tolerance)| Body::Numeric {
                answer,
                tolerance,
                unit: first_meta("unit"),
            },
        )
    } else if inner.iter().any(|c| !c.esc && c.c == '~') {
        parse_choice(inner, b, brace_at, &mut problems)
    } else if inner.iter().any(|c| !c.esc && c.c == '=') && find(inner, 0, "->").is_some() {
        let items = split_items(inner, line, &mut problems);
        let mut pairs = Vec::new();
        for it in &items {
            match find(it.body, 0, "->") {
                Some(arrow) => pairs.push(MatchPair {
                    left: text(it.body.get(..arrow).unwrap_or(&[])),
                    right: text(it.body.get(arrow + 2..).unwrap_or(&[])),
                }),
                None => problems.push((
                    it.at.0,
                    it.at.1,
                    format!("matching answer `{}` has no `->`", text(it.body)),
                    "write each pair as =left -> right".into(),
                )),
            }
        }
        if pairs.iter().any(|p| p.left.is_empty()) {
            problems.push(unsupported(
                "extra right-hand answers with no left side are not supported",
                "give every right-hand answer a left side",
            ));
        }
        let scoring = scoring_meta(b, Scoring::Partial, &mut problems);
        Some(Body::Matching { pairs, scoring })
    } else {
        let head = text(
            inner
                .get(..find(inner, 0, "#").unwrap_or(inner.len()))
                .unwrap_or(&[]),
        );
        if matches!(head.as_str(), "T" | "TRUE" | "F" | "FALSE") {
            let answer = head.starts_with('T');
            let mut parts = Vec::new();
            let mut from = 0;
            while let Some(h) = find(inner, from, "#") {
                parts.push(h);
                from = h + 1;
            }
            let piece = |n: usize| -> Option<String> {
                let start = parts.get(n)? + 1;
                let end = parts.get(n + 1).copied().unwrap_or(inner.len());
                let t = text(inner.get(start..end).unwrap_or(&[]));
                (!t.is_empty()).then_some(t)
            };
            let (wrong, right) = (piece(0), piece(1));
            let (feedback_true, feedback_false) = if answer {
                (right, wrong)
            } else {
                (wrong, right)
            };
            Some(Body::TrueFalse {
                answer,
                feedback_true,
                feedback_false,
            })
        } else {
            let items = split_items(inner, line, &mut problems);
            let mut accept = Vec::new();
            for it in &items {
                if it.weight.is_some_and(|w| (w - 100.0).abs() > 1e-6) {
                    problems.push((
                        it.at.0,
                        it.at.1,
                        "partly correct short answers (weights below 100%) are not supported"
                            .into(),
                        "remove the %weight% to accept the answer fully, or remove the answer"
                            .into(),
                    ));
                }
                if it.feedback.is_some() {
                    problems.push((
                        it.at.0,
                        it.at.1,
                        "feedback on a short answer is not supported".into(),
                        "move it into the general feedback (####) at the end of the answer block"
                            .into(),
                    ));
                }
                accept.push(text(it.body));
            }
            Some(Body::ShortText {
                accept,
                case_sensitive: metas(b, "case-sensitive").next().is_some(),
            })
        }
    };

    // Question-level comments that only fit some kinds.
    let kind = body.as_ref().map(Body::kind);
    let fits = |key: &str, kinds: &[Kind]| -> bool {
        kind.is_none_or(|k| kinds.contains(&k)) || metas(b, key).next().is_none()
    };
    for (key, kinds) in [
        ("unit", &[Kind::Numeric][..]),
        ("case-sensitive", &[Kind::ShortText][..]),
        ("scoring", &[Kind::MultipleSelect, Kind::Matching][..]),
        (
            "misconception",
            &[Kind::SingleChoice, Kind::MultipleSelect][..],
        ),
    ] {
        if !fits(key, kinds)
            && let Some(m) = metas(b, key).next()
        {
            problems.push((
                m.line,
                1,
                format!("@{key} does not apply to this question"),
                "remove the comment".into(),
            ));
        }
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    let Some(body) = body else {
        return Err(problems);
    };

    let mut id = match &title {
        Some(t) if is_kebab_id(t) => t.clone(),
        Some(t) if !slugify(t).is_empty() => slugify(t),
        _ => format!("q{number}"),
    };
    if used_ids.contains(&id) {
        let base = id.clone();
        let mut n = 2;
        while used_ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
    }
    used_ids.insert(id.clone());

    Ok(Question {
        id,
        prompt,
        lesson: first_meta("lesson"),
        explanation,
        hints: metas(b, "hint").map(|m| m.value.clone()).collect(),
        source: first_meta("source"),
        body,
    })
}

fn metas<'a>(b: &'a Block, key: &'a str) -> impl Iterator<Item = &'a Meta> + 'a {
    b.meta.iter().filter(move |m| m.key == key)
}

fn scoring_meta(b: &Block, default: Scoring, problems: &mut Problems) -> Scoring {
    match b.meta.iter().find(|m| m.key == "scoring") {
        None => default,
        Some(m) => Scoring::parse(&m.value).unwrap_or_else(|| {
            problems.push((
                m.line,
                1,
                format!("unknown scoring `{}`", m.value),
                "write `// @scoring partial` or `// @scoring all-or-nothing`".into(),
            ));
            default
        }),
    }
}

fn parse_choice(
    inner: &[Ch],
    b: &Block,
    brace_at: (usize, usize),
    problems: &mut Problems,
) -> Option<Body> {
    let items = split_items(inner, b.line, problems);
    let mut options: Vec<ChoiceOption> = items
        .iter()
        .map(|it| ChoiceOption {
            text: text(it.body),
            correct: false,
            feedback: it.feedback.clone(),
            misconception: None,
        })
        .collect();
    let equals = items.iter().filter(|it| it.marker == '=').count();
    let single = equals > 0;
    if single {
        if equals > 1 {
            problems.push((
                brace_at.0,
                brace_at.1,
                format!("{equals} answers are marked = (right) in a multiple-choice question"),
                "mark one answer with =, or mark every right answer with ~%50% (weights adding up to 100) to let learners pick several".into(),
            ));
        }
        for (it, o) in items.iter().zip(options.iter_mut()) {
            o.correct = it.marker == '=';
            let w = it.weight.unwrap_or(if o.correct { 100.0 } else { 0.0 });
            let expected = if o.correct { 100.0 } else { 0.0 };
            if it.marker == '~' && w > 0.0 || it.marker == '=' && (w - expected).abs() > 1e-6 {
                problems.push((
                    it.at.0,
                    it.at.1,
                    "partly correct options in a single-answer question are not supported".into(),
                    "make the option fully right (=) or wrong (~ without a weight)".into(),
                ));
            }
        }
    } else {
        let positive: Vec<f64> = items
            .iter()
            .filter_map(|it| it.weight)
            .filter(|w| *w > 0.0)
            .collect();
        if positive.is_empty() {
            problems.push((
                brace_at.0,
                brace_at.1,
                "no answer is right: none is marked = and none has a positive weight".into(),
                "mark the right answer with =, or give every right answer a weight such as ~%50%"
                    .into(),
            ));
        }
        let first = positive.first().copied().unwrap_or(0.0);
        let sum: f64 = positive.iter().sum();
        if positive.iter().any(|w| (w - first).abs() > 0.01)
            || (!positive.is_empty() && (sum - 100.0).abs() > 0.5)
        {
            problems.push((
                brace_at.0,
                brace_at.1,
                "right answers with different weights are not supported".into(),
                "give every right answer the same weight, adding up to 100 (e.g. %50% and %50%); gatelab credits each equally".into(),
            ));
        }
        for (it, o) in items.iter().zip(options.iter_mut()) {
            o.correct = it.weight.is_some_and(|w| w > 0.0);
        }
    }
    for m in b.meta.iter().filter(|m| m.key == "misconception") {
        let (n, tag) = m
            .value
            .split_once(char::is_whitespace)
            .unwrap_or((m.value.as_str(), ""));
        match n
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| options.get_mut(i))
        {
            Some(o) if !tag.trim().is_empty() => o.misconception = Some(tag.trim().to_string()),
            _ => problems.push((
                m.line,
                1,
                format!("@misconception `{}` does not name an option", m.value),
                format!(
                    "write `// @misconception <option number 1-{}> <tag>`",
                    options.len()
                ),
            )),
        }
    }
    if single {
        Some(Body::SingleChoice { options })
    } else {
        let scoring = scoring_meta(b, Scoring::Partial, problems);
        Some(Body::MultipleSelect { options, scoring })
    }
}

fn parse_numeric(spec: &[Ch], at: (usize, usize), problems: &mut Problems) -> Option<(f64, f64)> {
    let spec = trim(spec);
    let one = if spec.iter().any(|c| !c.esc && c.c == '=') {
        let items = split_items(spec, at.0, problems);
        if items.len() != 1
            || items
                .iter()
                .any(|it| it.weight.is_some_and(|w| (w - 100.0).abs() > 1e-6))
        {
            problems.push((
                at.0,
                at.1,
                "several numeric answers, or partial credit on one, are not supported".into(),
                "keep one fully right answer, e.g. {#3600:60}; use a tolerance or a range (#10..20) to accept close values".into(),
            ));
            return None;
        }
        let it = items.first()?;
        if it.feedback.is_some() {
            problems.push((
                it.at.0,
                it.at.1,
                "feedback on a numeric answer is not supported".into(),
                "move it into the general feedback (####)".into(),
            ));
        }
        text(it.body)
    } else {
        if find(spec, 0, "#").is_some() {
            problems.push((
                at.0,
                at.1,
                "feedback on a numeric answer is not supported".into(),
                "move it into the general feedback (####)".into(),
            ));
            return None;
        }
        text(spec)
    };
    let bad = |problems: &mut Problems| {
        problems.push((
            at.0,
            at.1,
            format!("`{one}` is not a numeric answer"),
            "write {#answer}, {#answer:tolerance} or {#low..high}".into(),
        ));
        None
    };
    if let Some((lo, hi)) = one.split_once("..") {
        match (lo.trim().parse::<f64>(), hi.trim().parse::<f64>()) {
            (Ok(lo), Ok(hi)) if lo <= hi => Some(((lo + hi) / 2.0, (hi - lo) / 2.0)),
            _ => bad(problems),
        }
    } else if let Some((a, t)) = one.split_once(':') {
        match (a.trim().parse::<f64>(), t.trim().parse::<f64>()) {
            (Ok(a), Ok(t)) => Some((a, t)),
            _ => bad(problems),
        }
    } else {
        match one.trim().parse::<f64>() {
            Ok(a) => Some((a, 0.0)),
            Err(_) => bad(problems),
        }
    }
}

/// Escape text for GIFT: `\ ~ = # { } :` and newlines.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '~' | '=' | '#' | '{' | '}' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Escape a `// @` comment value: only backslashes and newlines.
fn escape_meta(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\r', "")
        .replace('\n', "\\n")
}

fn comment_lines(out: &mut String, text: &str) {
    for l in text.lines() {
        let _ = writeln!(out, "// | {l}");
    }
}

/// Write a module as GIFT. Lab tasks and ordering questions, which GIFT
/// cannot express, become comments describing them.
pub fn export(quiz: &Quiz) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// {} (gatelab module `{}`), in Moodle GIFT format.",
        quiz.title, quiz.id
    );
    let _ = writeln!(
        out,
        "// Comments starting with @ keep gatelab details that GIFT has no place for."
    );
    let _ = writeln!(out, "// @id {}", escape_meta(&quiz.id));
    let _ = writeln!(out, "// @title {}", escape_meta(&quiz.title));
    let _ = writeln!(out, "// @pass-mark {}", quiz.pass_mark);
    if let Some(d) = quiz.draw {
        let _ = writeln!(out, "// @draw {d}");
    }
    if quiz.time_limit_mins > 0 {
        let _ = writeln!(out, "// @time-limit-mins {}", quiz.time_limit_mins);
    }
    if !quiz.lessons.is_empty() {
        let _ = writeln!(out, "// @lessons {}", quiz.lessons.join(" "));
    }
    for q in &quiz.questions {
        out.push('\n');
        export_question(&mut out, q);
    }
    out
}

fn export_question(out: &mut String, q: &Question) {
    match &q.body {
        Body::LabTask(t) => {
            let _ = writeln!(
                out,
                "// Lab task `{}` (graded in the gatelab lab; GIFT has no equivalent):",
                q.id
            );
            comment_lines(out, &q.prompt);
            let _ = writeln!(out, "// Start scenario: {}", t.start);
            let checks: Vec<String> = t
                .checks
                .iter()
                .map(|c| {
                    format!(
                        "{} ({} point{})",
                        c.name,
                        c.points,
                        if c.points == 1 { "" } else { "s" }
                    )
                })
                .collect();
            let _ = writeln!(out, "// Checks: {}", checks.join(", "));
            let _ = writeln!(
                out,
                "// Reference solution, merged onto the start scenario:"
            );
            comment_lines(out, &toml::to_string(&t.solution).unwrap_or_default());
            let _ = writeln!(out, "// Explanation:");
            comment_lines(out, &q.explanation);
            return;
        }
        Body::Ordering { items, .. } => {
            let _ = writeln!(
                out,
                "// Ordering question `{}` (GIFT has no ordering question):",
                q.id
            );
            comment_lines(out, &q.prompt);
            let _ = writeln!(out, "// Correct order:");
            for (i, it) in items.iter().enumerate() {
                let _ = writeln!(out, "// | {}. {it}", i + 1);
            }
            let _ = writeln!(out, "// Explanation:");
            comment_lines(out, &q.explanation);
            return;
        }
        _ => {}
    }
    if let Some(l) = &q.lesson {
        let _ = writeln!(out, "// @lesson {}", escape_meta(l));
    }
    for h in &q.hints {
        let _ = writeln!(out, "// @hint {}", escape_meta(h));
    }
    if let Some(s) = &q.source {
        let _ = writeln!(out, "// @source {}", escape_meta(s));
    }
    let fb = |f: &Option<String>| {
        f.as_ref()
            .map(|f| format!("#{}", escape(f)))
            .unwrap_or_default()
    };
    let mut answers = Vec::new();
    match &q.body {
        Body::SingleChoice { options } | Body::MultipleSelect { options, .. } => {
            for (i, o) in options.iter().enumerate() {
                if let Some(m) = &o.misconception {
                    let _ = writeln!(out, "// @misconception {} {}", i + 1, escape_meta(m));
                }
            }
            if let Body::MultipleSelect { scoring, .. } = &q.body {
                if *scoring == Scoring::AllOrNothing {
                    let _ = writeln!(out, "// @scoring all-or-nothing");
                }
                let k = options.iter().filter(|o| o.correct).count().max(1);
                let w = fmt_number((100.0 / k as f64 * 100_000.0).round() / 100_000.0);
                for o in options {
                    let sign = if o.correct { "" } else { "-" };
                    answers.push(format!(
                        "~%{sign}{w}%{}{}",
                        escape(&o.text),
                        fb(&o.feedback)
                    ));
                }
            } else {
                for o in options {
                    let m = if o.correct { '=' } else { '~' };
                    answers.push(format!("{m}{}{}", escape(&o.text), fb(&o.feedback)));
                }
            }
        }
        Body::TrueFalse {
            answer,
            feedback_true,
            feedback_false,
        } => {
            let (right, wrong) = if *answer {
                (feedback_true, feedback_false)
            } else {
                (feedback_false, feedback_true)
            };
            let mut s = if *answer {
                "TRUE".to_string()
            } else {
                "FALSE".to_string()
            };
            if right.is_some() || wrong.is_some() {
                s.push('#');
                s.push_str(&wrong.as_deref().map(escape).unwrap_or_default());
            }
            if let Some(r) = right {
                s.push('#');
                s.push_str(&escape(r));
            }
            answers.push(s);
        }
        Body::Matching { pairs, scoring } => {
            if *scoring == Scoring::AllOrNothing {
                let _ = writeln!(out, "// @scoring all-or-nothing");
            }
            for p in pairs {
                answers.push(format!("={} -> {}", escape(&p.left), escape(&p.right)));
            }
        }
        Body::Numeric {
            answer,
            tolerance,
            unit,
        } => {
            if let Some(u) = unit {
                let _ = writeln!(out, "// @unit {}", escape_meta(u));
            }
            answers.push(format!(
                "#{}:{}",
                fmt_number(*answer),
                fmt_number(*tolerance)
            ));
        }
        Body::ShortText {
            accept,
            case_sensitive,
        } => {
            if *case_sensitive {
                let _ = writeln!(out, "// @case-sensitive");
            }
            for a in accept {
                answers.push(format!("={}", escape(a)));
            }
        }
        Body::LabTask(_) | Body::Ordering { .. } => {}
    }
    let _ = writeln!(
        out,
        "::{}::[markdown]{} {{",
        escape(&q.id),
        escape(&q.prompt)
    );
    for a in answers {
        let _ = writeln!(out, "\t{a}");
    }
    let _ = writeln!(out, "\t####{}", escape(&q.explanation));
    let _ = writeln!(out, "}}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str) -> Question {
        let q = import(src, "t.gift").unwrap_or_else(|e| panic!("{e}"));
        q.questions.into_iter().next().unwrap()
    }

    #[test]
    fn escapes_survive() {
        let q = one("::a::What is 1\\=1 \\{set\\} \\#1 a\\:b? {=yes\\~no ~no####because\\n2}\n");
        assert_eq!(q.prompt, "What is 1=1 {set} #1 a:b?");
        let Body::SingleChoice { options } = &q.body else {
            panic!()
        };
        assert_eq!(options[0].text, "yes~no");
        assert_eq!(q.explanation, "because\n2");
    }

    #[test]
    fn numeric_forms() {
        let get = |s: &str| match one(s).body {
            Body::Numeric {
                answer, tolerance, ..
            } => (answer, tolerance),
            _ => panic!(),
        };
        assert_eq!(get("Q {#3600####e}"), (3600.0, 0.0));
        assert_eq!(get("Q {#3600:5####e}"), (3600.0, 5.0));
        assert_eq!(get("Q {#1..5####e}"), (3.0, 2.0));
        assert_eq!(get("Q {#=2.5:0.5####e}"), (2.5, 0.5));
    }

    #[test]
    fn true_false_feedback_order_is_wrong_then_right() {
        let q = one("Sky is blue {T#No, look up.#Yes.####e}");
        assert_eq!(
            q.body,
            Body::TrueFalse {
                answer: true,
                feedback_true: Some("Yes.".into()),
                feedback_false: Some("No, look up.".into())
            }
        );
    }
}
