//! Lessons: one TOML file per topic in `lessons/`, plus `lessons/glossary.toml`.
//! The format is documented in `docs/lessons.md`.

use serde::{Deserialize, Serialize};

/// One lesson (one topic of the course).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Lesson {
    /// Stable id, kebab-case (e.g. `authorizer-caching`).
    pub id: String,
    pub title: String,
    /// Position in the course (1-based; the overview is 1).
    pub order: u32,
    /// One sentence shown on the home screen.
    pub summary: String,
    /// What the learner will be able to do afterwards.
    pub goals: Vec<String>,
    /// Id of the lab scenario this lesson opens with "try it"
    /// (`assets/scenarios/<id>.toml`).
    #[serde(default)]
    pub scenario: Option<String>,
    /// Id of the quiz module that checks this lesson (`quizzes/<id>.toml`).
    #[serde(default)]
    pub quiz: Option<String>,
    /// Glossary term ids this lesson relies on.
    #[serde(default)]
    pub glossary: Vec<String>,
    /// Documentation URLs the lesson's facts come from.
    #[serde(default)]
    pub sources: Vec<String>,
    pub sections: Vec<Section>,
    /// Check-yourself questions at the end.
    #[serde(default)]
    pub check: Vec<CheckQuestion>,
}

/// What a section is for; the app styles and orders them by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionKind {
    /// The explanation.
    Explain,
    /// Steps to do in the lab, each with what to observe.
    TryIt,
    /// Common mistakes.
    Mistakes,
    /// Where the setting lives on real AWS, with CLI / CloudFormation / SAM.
    OnAws,
    /// What the simulator simplifies compared with the real service.
    Simplified,
}

/// A titled part of a lesson. `body` is Markdown (headings, emphasis, lists,
/// fenced code blocks, tables).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Section {
    /// Stable id within the lesson, kebab-case; links use `lesson-id#section-id`.
    pub id: String,
    pub title: String,
    pub kind: SectionKind,
    #[serde(default)]
    pub body: String,
    /// For `try-it` sections: the steps.
    #[serde(default)]
    pub steps: Vec<TryStep>,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// One "try it" step: what to do in the lab and what the learner should see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TryStep {
    /// What to do, e.g. "Fire the `no-token` request".
    #[serde(rename = "do")]
    pub action: String,
    /// What to observe, e.g. "401 Unauthorized, decided by the Authorizer stage".
    pub observe: String,
    /// Name of a request in the lesson's scenario to fire, if the step fires one.
    #[serde(default)]
    pub request: Option<String>,
    /// Lab control to point at (a config path such as `authorizers.jwt-auth.ttl`).
    #[serde(default)]
    pub control: Option<String>,
    /// Expected status when `request` is fired on the unchanged scenario (checked
    /// by `gatelab check`).
    #[serde(default)]
    pub expect_status: Option<u16>,
}

/// A check-yourself question at the end of a lesson (single choice).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckQuestion {
    pub question: String,
    pub options: Vec<String>,
    /// 0-based index into `options`.
    pub answer: usize,
    pub explanation: String,
}

/// The glossary (`lessons/glossary.toml`): `[[term]]` entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Glossary {
    #[serde(rename = "term")]
    pub terms: Vec<Term>,
}

/// One glossary entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Term {
    /// Stable id, kebab-case (e.g. `sigv4`).
    pub id: String,
    /// How it is written (e.g. `SigV4`).
    pub term: String,
    pub definition: String,
    #[serde(default)]
    pub see: Vec<String>,
    #[serde(default)]
    pub source: Option<String>,
}
