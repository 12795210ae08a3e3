//! The quiz data model: modules, questions, answers, and the interface
//! through which lab tasks are graded against a simulated gateway.

use crate::diag::Diagnostic;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A 1-based position in a source file (0 when unknown).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct SrcPos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
}

/// Where the parts of a module were written, so that problems found after
/// loading (a missing lesson, a failing reference solution) can still be
/// reported as `file:line:col`. Kept apart from the questions so that two
/// questions with the same content compare equal wherever they were written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Positions {
    /// The file the module came from, as given to the loader.
    pub file: String,
    /// Header keys (`id`, `lessons`, ...) of the module.
    pub header: BTreeMap<String, SrcPos>,
    /// One map per question, in file order. The key `""` is the question
    /// itself; other keys are paths such as `lesson`, `start` or `checks[1]`.
    pub questions: Vec<BTreeMap<String, SrcPos>>,
}

impl Positions {
    /// Position of a header key, or the start of the file.
    pub fn header_pos(&self, key: &str) -> SrcPos {
        self.header
            .get(key)
            .copied()
            .unwrap_or(SrcPos { line: 1, col: 1 })
    }

    /// Position of `key` in question `index`, falling back to the question,
    /// then to the start of the file.
    pub fn question_pos(&self, index: usize, key: &str) -> SrcPos {
        let Some(map) = self.questions.get(index) else {
            return SrcPos { line: 1, col: 1 };
        };
        map.get(key)
            .or_else(|| map.get(""))
            .copied()
            .unwrap_or(SrcPos { line: 1, col: 1 })
    }

    /// A diagnostic at `key` of question `index`.
    pub fn question_diag(&self, index: usize, key: &str, message: impl Into<String>) -> Diagnostic {
        let p = self.question_pos(index, key);
        Diagnostic {
            file: self.file.clone(),
            line: p.line,
            col: p.col,
            message: message.into(),
            hint: None,
        }
    }

    /// A diagnostic at a header key.
    pub fn header_diag(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        let p = self.header_pos(key);
        Diagnostic {
            file: self.file.clone(),
            line: p.line,
            col: p.col,
            message: message.into(),
            hint: None,
        }
    }
}

/// One quiz module (`quizzes/<id>.toml`, or imported from GIFT).
#[derive(Clone, Debug, PartialEq)]
pub struct Quiz {
    /// Stable kebab-case module id.
    pub id: String,
    /// Title shown to the learner.
    pub title: String,
    /// Percentage of the points needed to pass (0..=100).
    pub pass_mark: u8,
    /// Questions drawn per attempt; `None` draws them all.
    pub draw: Option<usize>,
    /// Time limit in minutes; 0 means untimed (the default).
    pub time_limit_mins: u32,
    /// Ids of the lessons this module checks.
    pub lessons: Vec<String>,
    /// The questions, in file order.
    pub questions: Vec<Question>,
    /// Where things were written, for diagnostics.
    pub positions: Positions,
}

impl Quiz {
    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// Index of the question with this id, in file order.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == id)
    }

    /// Number of questions one attempt draws.
    pub fn draw_count(&self) -> usize {
        let n = self.questions.len();
        self.draw.map(|d| d.min(n)).unwrap_or(n)
    }
}

/// One question. Everything the learner answers is graded on stable option
/// indices (file order), never on the shuffled order shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// Stable kebab-case id, unique in its module.
    pub id: String,
    /// The question text (Markdown).
    pub prompt: String,
    /// `lesson-id#section-id` (or `lesson-id`) the explanation links to.
    pub lesson: Option<String>,
    /// Why the right answer is right; shown in the review.
    pub explanation: String,
    /// Hints, revealed one at a time.
    pub hints: Vec<String>,
    /// Where the facts come from (a documentation URL).
    pub source: Option<String>,
    /// The kind-specific part.
    pub body: Body,
}

impl Question {
    /// The kind of this question.
    pub fn kind(&self) -> Kind {
        self.body.kind()
    }
}

/// Kind-specific content of a question.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// Exactly one correct option.
    SingleChoice {
        /// The options in file order.
        options: Vec<ChoiceOption>,
    },
    /// One or more correct options; the learner picks every one.
    MultipleSelect {
        /// The options in file order.
        options: Vec<ChoiceOption>,
        /// How picks are credited.
        scoring: Scoring,
    },
    /// A statement that is true or false.
    TrueFalse {
        /// The right answer.
        answer: bool,
        /// Shown when the learner answers "true".
        feedback_true: Option<String>,
        /// Shown when the learner answers "false".
        feedback_false: Option<String>,
    },
    /// Put items in order; `items` is the correct order.
    Ordering {
        /// The items in the correct order.
        items: Vec<String>,
        /// All-or-nothing, or a share per item in its right place.
        scoring: Scoring,
    },
    /// Match each left-hand item with its right-hand item.
    Matching {
        /// The correct pairs.
        pairs: Vec<MatchPair>,
        /// All-or-nothing, or a share per correct pair.
        scoring: Scoring,
    },
    /// A number, right within `tolerance`.
    Numeric {
        /// The right value.
        answer: f64,
        /// Accepted distance from `answer` (0 = exact).
        tolerance: f64,
        /// Unit shown with the prompt, e.g. `seconds`.
        unit: Option<String>,
    },
    /// A short text matched against accepted answers.
    ShortText {
        /// Accepted answers.
        accept: Vec<String>,
        /// Whether letter case matters.
        case_sensitive: bool,
    },
    /// A hands-on task graded by running requests against the learner's gateway.
    LabTask(LabTask),
}

impl Body {
    /// The kind of this body.
    pub fn kind(&self) -> Kind {
        match self {
            Body::SingleChoice { .. } => Kind::SingleChoice,
            Body::MultipleSelect { .. } => Kind::MultipleSelect,
            Body::TrueFalse { .. } => Kind::TrueFalse,
            Body::Ordering { .. } => Kind::Ordering,
            Body::Matching { .. } => Kind::Matching,
            Body::Numeric { .. } => Kind::Numeric,
            Body::ShortText { .. } => Kind::ShortText,
            Body::LabTask(_) => Kind::LabTask,
        }
    }
}

/// The question kinds, as written in `kind = "..."`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `single-choice`
    SingleChoice,
    /// `multiple-select`
    MultipleSelect,
    /// `true-false`
    TrueFalse,
    /// `ordering`
    Ordering,
    /// `matching`
    Matching,
    /// `numeric`
    Numeric,
    /// `short-text`
    ShortText,
    /// `lab-task`
    LabTask,
}

impl Kind {
    /// Every kind, in documentation order.
    pub const ALL: [Kind; 8] = [
        Kind::SingleChoice,
        Kind::MultipleSelect,
        Kind::TrueFalse,
        Kind::Ordering,
        Kind::Matching,
        Kind::Numeric,
        Kind::ShortText,
        Kind::LabTask,
    ];

    /// The name used in quiz files.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SingleChoice => "single-choice",
            Kind::MultipleSelect => "multiple-select",
            Kind::TrueFalse => "true-false",
            Kind::Ordering => "ordering",
            Kind::Matching => "matching",
            Kind::Numeric => "numeric",
            Kind::ShortText => "short-text",
            Kind::LabTask => "lab-task",
        }
    }

    /// Parse the name used in quiz files.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The name people read, e.g. `single choice`.
    pub fn label(self) -> &'static str {
        match self {
            Kind::SingleChoice => "single choice",
            Kind::MultipleSelect => "multiple select",
            Kind::TrueFalse => "true or false",
            Kind::Ordering => "ordering",
            Kind::Matching => "matching",
            Kind::Numeric => "number",
            Kind::ShortText => "short text",
            Kind::LabTask => "lab task",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a question with several parts is credited.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scoring {
    /// Full credit only when every part is right (the default).
    #[default]
    AllOrNothing,
    /// A share of the credit per part (see `docs/quizzes.md`).
    Partial,
}

impl Scoring {
    /// The name used in quiz files.
    pub fn as_str(self) -> &'static str {
        match self {
            Scoring::AllOrNothing => "all-or-nothing",
            Scoring::Partial => "partial",
        }
    }

    /// Parse the name used in quiz files.
    pub fn parse(s: &str) -> Option<Scoring> {
        match s {
            "all-or-nothing" => Some(Scoring::AllOrNothing),
            "partial" => Some(Scoring::Partial),
            _ => None,
        }
    }
}

/// One option of a choice question.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChoiceOption {
    /// What the learner reads.
    pub text: String,
    /// Whether picking it is right.
    pub correct: bool,
    /// Shown in the review when the learner picked this option.
    pub feedback: Option<String>,
    /// Tag of the misunderstanding that makes this option attractive.
    pub misconception: Option<String>,
}

/// One correct pair of a matching question.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatchPair {
    /// Shown in file order.
    pub left: String,
    /// Shown shuffled.
    pub right: String,
}

/// A hands-on question: the learner changes a gateway configuration and a
/// fixed set of requests decides the grade.
#[derive(Clone, Debug, PartialEq)]
pub struct LabTask {
    /// Id of the starting scenario (`assets/scenarios/<id>.toml`); it may be
    /// broken on purpose.
    pub start: String,
    /// Name of a check that the start configuration fails, shown first
    /// ("break, then fix").
    pub exploit: Option<String>,
    /// Reference solution: a table deep-merged onto the start scenario.
    pub solution: toml::Table,
    /// The checks; each passed check earns its points.
    pub checks: Vec<LabCheck>,
}

impl LabTask {
    /// Points for passing every check.
    pub fn max_points(&self) -> u32 {
        self.checks.iter().map(|c| c.points).sum()
    }

    /// The learner's starting configuration.
    pub fn start_config(&self) -> LabConfig {
        LabConfig::Scenario {
            id: self.start.clone(),
            patch: None,
        }
    }

    /// The reference solution as a configuration.
    pub fn solution_config(&self) -> LabConfig {
        LabConfig::Scenario {
            id: self.start.clone(),
            patch: Some(self.solution.clone()),
        }
    }
}

/// Where a lab task's gateway configuration comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub enum LabConfig {
    /// A shipped scenario, optionally with a table deep-merged onto it
    /// (see [`deep_merge`]).
    Scenario {
        /// Scenario id (`assets/scenarios/<id>.toml`).
        id: String,
        /// Table merged onto the scenario.
        patch: Option<toml::Table>,
    },
    /// A whole scenario file the learner wrote.
    ScenarioText {
        /// File name, for messages.
        name: String,
        /// The file's text.
        text: String,
    },
}

/// One graded request of a lab task.
#[derive(Clone, Debug, PartialEq)]
pub struct LabCheck {
    /// Stable name, unique in its task; outcomes are matched by name.
    pub name: String,
    /// Credit for passing it.
    pub points: u32,
    /// A request table in scenario-file form.
    pub request: toml::Table,
    /// An expectation table in scenario-file form.
    pub expect: toml::Table,
}

/// Result of one check, for the review screen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckOutcome {
    /// The check's name.
    pub name: String,
    /// Whether the response met the expectation.
    pub passed: bool,
    /// The request, on one line.
    pub request: String,
    /// What the gateway answered.
    pub got: String,
    /// What was expected.
    pub expected: String,
    /// The decision path of the request.
    pub trace: Vec<String>,
}

/// Runs lab checks against a gateway configuration. The gateway side
/// implements it; the quiz engine only calls it.
pub trait LabRunner {
    /// Build the configuration and run every check against it, in order.
    /// `Err` means the configuration could not be built (with the reason).
    fn run_checks(
        &self,
        config: &LabConfig,
        checks: &[LabCheck],
    ) -> Result<Vec<CheckOutcome>, String>;
}

/// A runner for quizzes without lab tasks: every call fails with a reason.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoLab;

impl LabRunner for NoLab {
    fn run_checks(
        &self,
        _config: &LabConfig,
        _checks: &[LabCheck],
    ) -> Result<Vec<CheckOutcome>, String> {
        Err("lab tasks cannot be graded here: no gateway is available".to_string())
    }
}

/// A learner's answer, in stable terms (file-order indices, not the
/// shuffled positions shown).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub enum Answer {
    /// Single choice: index of the picked option.
    Choice(usize),
    /// Multiple select: indices of the picked options.
    Choices(BTreeSet<usize>),
    /// True or false.
    Bool(bool),
    /// Ordering: item indices in the order the learner put them.
    Order(Vec<usize>),
    /// Matching: for each pair (file order), the index of the pair whose
    /// right-hand side the learner chose.
    Matches(Vec<Option<usize>>),
    /// Numeric.
    Number(f64),
    /// Short text.
    Text(String),
    /// Lab task: the configuration to grade.
    Lab(LabConfig),
}

impl Answer {
    /// Whether this answer has the shape `kind` expects.
    pub fn fits(&self, kind: Kind) -> bool {
        matches!(
            (self, kind),
            (Answer::Choice(_), Kind::SingleChoice)
                | (Answer::Choices(_), Kind::MultipleSelect)
                | (Answer::Bool(_), Kind::TrueFalse)
                | (Answer::Order(_), Kind::Ordering)
                | (Answer::Matches(_), Kind::Matching)
                | (Answer::Number(_), Kind::Numeric)
                | (Answer::Text(_), Kind::ShortText)
                | (Answer::Lab(_), Kind::LabTask)
        )
    }
}

/// Merge `patch` onto `base`: tables merge recursively; arrays and scalars
/// in `patch` replace those in `base`.
pub fn deep_merge(base: &mut toml::Table, patch: &toml::Table) {
    for (key, value) in patch {
        match (base.get_mut(key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(p)) => deep_merge(b, p),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Whether `s` is a kebab-case id: lowercase ASCII letters and digits in
/// groups joined by single hyphens, starting with a letter or digit.
pub fn is_kebab_id(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Turn free text into a kebab-case id (`"Cache TTL: max?"` -> `cache-ttl-max`).
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_merge_merges_tables_and_replaces_the_rest() {
        let mut base: toml::Table = toml::from_str(
            "name = \"a\"\n[stage]\nthrottle = { rate = 10, burst = 5 }\nroutes = [1, 2]\n",
        )
        .unwrap();
        let patch: toml::Table =
            toml::from_str("[stage]\nthrottle = { rate = 1 }\nroutes = [3]\nnew = true\n").unwrap();
        deep_merge(&mut base, &patch);
        let stage = base["stage"].as_table().unwrap();
        assert_eq!(stage["throttle"]["rate"].as_integer(), Some(1));
        assert_eq!(stage["throttle"]["burst"].as_integer(), Some(5));
        assert_eq!(stage["routes"].as_array().unwrap().len(), 1);
        assert_eq!(stage["new"].as_bool(), Some(true));
        assert_eq!(base["name"].as_str(), Some("a"));
    }

    #[test]
    fn kebab_ids() {
        assert!(is_kebab_id("cache-ttl-max"));
        assert!(is_kebab_id("q1"));
        for bad in ["", "Cache", "a--b", "-a", "a-", "a_b", "a b"] {
            assert!(!is_kebab_id(bad), "{bad}");
        }
        assert_eq!(slugify("Cache TTL: max?"), "cache-ttl-max");
        assert_eq!(slugify("  --  "), "");
    }
}
