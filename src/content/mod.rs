//! The course: lessons, glossary, lab scenarios and quizzes, either embedded
//! in the binary (the default) or loaded from a directory (`--content DIR`).
//! Loading collects every problem as `file:line:col: message` + hint.

pub mod lesson;

use include_dir::{Dir, include_dir};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diag::{Diagnostic, Diagnostics, TomlLocator, parse_toml};
use crate::path;
use crate::scenario::Scenario;
use lesson::{Glossary, Lesson, SectionKind};

static LESSONS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/lessons");
static QUIZZES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/quizzes");
static SCENARIOS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/assets/scenarios");
static DEMOS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/assets/demos");

/// A content file: its display name (relative path) and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub file: String,
    pub text: String,
}

/// Every file of a course, before parsing.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    pub lessons: Vec<Source>,
    pub quizzes: Vec<Source>,
    pub scenarios: Vec<Source>,
    pub demos: Vec<Source>,
}

fn from_dir(d: &Dir<'_>, prefix: &str) -> Vec<Source> {
    let mut v: Vec<Source> = d
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
        .filter_map(|f| {
            Some(Source {
                file: format!("{prefix}/{}", f.path().display()),
                text: f.contents_utf8()?.to_string(),
            })
        })
        .collect();
    v.sort_by(|a, b| a.file.cmp(&b.file));
    v
}

impl Sources {
    /// The course embedded in the binary.
    pub fn builtin() -> Sources {
        Sources {
            lessons: from_dir(&LESSONS, "lessons"),
            quizzes: from_dir(&QUIZZES, "quizzes"),
            scenarios: from_dir(&SCENARIOS, "assets/scenarios"),
            demos: from_dir(&DEMOS, "assets/demos"),
        }
    }

    /// A course on disk: `DIR/lessons`, `DIR/quizzes`, `DIR/assets/scenarios`,
    /// `DIR/assets/demos` (missing folders are empty; an unreadable file is a problem).
    pub fn from_path(dir: &Path) -> Result<Sources, Diagnostics> {
        if !dir.is_dir() {
            return Err(
                Diagnostic::whole_file(&dir.display().to_string(), "is not a directory")
                    .with_hint("pass the folder that contains lessons/, quizzes/ and assets/")
                    .into(),
            );
        }
        let mut problems = Diagnostics::default();
        let mut read = |sub: &str| -> Vec<Source> {
            let p = dir.join(sub);
            let Ok(entries) = std::fs::read_dir(&p) else {
                return Vec::new();
            };
            let mut v = Vec::new();
            for e in entries.flatten() {
                let path = e.path();
                if path.extension().is_none_or(|x| x != "toml") {
                    continue;
                }
                let name = format!("{sub}/{}", e.file_name().to_string_lossy());
                match std::fs::read_to_string(&path) {
                    Ok(text) => v.push(Source { file: name, text }),
                    Err(err) => problems.push(
                        Diagnostic::whole_file(&name, format!("cannot be read: {err}"))
                            .with_hint("check the file's permissions and that it is UTF-8 text"),
                    ),
                }
            }
            v.sort_by(|a, b| a.file.cmp(&b.file));
            v
        };
        let s = Sources {
            lessons: read("lessons"),
            quizzes: read("quizzes"),
            scenarios: read("assets/scenarios"),
            demos: read("assets/demos"),
        };
        problems.into_result(s)
    }
}

/// A parsed scenario with its source (so later checks can point into it).
#[derive(Clone, Debug)]
pub struct ScenarioEntry {
    pub source: Source,
    pub scenario: Scenario,
}

/// A parsed, cross-checked course.
#[derive(Clone, Debug, Default)]
pub struct Course {
    pub lessons: Vec<Lesson>,
    /// Source of each lesson, same order.
    pub lesson_sources: Vec<Source>,
    pub glossary: Option<Glossary>,
    pub scenarios: BTreeMap<String, ScenarioEntry>,
    pub quizzes: Vec<crate::quiz::model::Quiz>,
    /// Source of each quiz, same order.
    pub quiz_sources: Vec<Source>,
    /// Ids of lessons whose file could not be read (from `NN-<id>.toml`):
    /// their problem is reported once, not again at every reference to them.
    pub unreadable_lessons: BTreeSet<String>,
    pub demos: Vec<Source>,
}

impl Course {
    /// The embedded course (already checked by the test suite, so problems here
    /// mean a broken build; they are still reported, never panicked on).
    pub fn builtin() -> Result<Course, Diagnostics> {
        Course::load(Sources::builtin())
    }

    /// Parse and cross-check every file; collect every problem.
    pub fn load(src: Sources) -> Result<Course, Diagnostics> {
        let mut d = Diagnostics::default();
        let mut c = Course {
            demos: src.demos.clone(),
            ..Course::default()
        };
        for s in &src.lessons {
            if s.file.ends_with("glossary.toml") {
                match parse_toml::<Glossary>(&s.file, &s.text) {
                    Ok(g) => c.glossary = Some(g),
                    Err(e) => d.push(e),
                }
                continue;
            }
            match parse_toml::<Lesson>(&s.file, &s.text) {
                Ok(l) => {
                    c.lessons.push(l);
                    c.lesson_sources.push(s.clone());
                }
                Err(e) => {
                    let stem = Path::new(&s.file)
                        .file_stem()
                        .map(|x| x.to_string_lossy().to_string())
                        .unwrap_or_default();
                    c.unreadable_lessons.insert(
                        stem.trim_start_matches(|ch: char| ch.is_ascii_digit() || ch == '-')
                            .to_string(),
                    );
                    d.push(e);
                }
            }
        }
        for s in &src.scenarios {
            match Scenario::parse(&s.file, &s.text) {
                Ok(sc) => {
                    let stem = Path::new(&s.file)
                        .file_stem()
                        .map(|x| x.to_string_lossy().to_string())
                        .unwrap_or_default();
                    if sc.id != stem {
                        d.push(
                            TomlLocator::new(&s.text)
                                .diag(
                                    &s.file,
                                    path!["id"],
                                    format!(
                                        "scenario id `{}` differs from the file name `{stem}`",
                                        sc.id
                                    ),
                                )
                                .with_hint("name the file <id>.toml"),
                        );
                    }
                    if let Some(prev) = c.scenarios.get(&sc.id) {
                        d.push(
                            Diagnostic::whole_file(
                                &s.file,
                                format!(
                                    "scenario id `{}` is also used by {}",
                                    sc.id, prev.source.file
                                ),
                            )
                            .with_hint("ids are unique"),
                        );
                    }
                    c.scenarios.insert(
                        sc.id.clone(),
                        ScenarioEntry {
                            source: s.clone(),
                            scenario: sc,
                        },
                    );
                }
                Err(e) => d.extend(e),
            }
        }
        match crate::quiz::load::load_all(
            src.quizzes
                .iter()
                .map(|s| (s.file.as_str(), s.text.as_str())),
        ) {
            Ok(q) => {
                c.quiz_sources = q
                    .iter()
                    .filter_map(|qz| {
                        src.quizzes
                            .iter()
                            .find(|s| s.file == qz.positions.file)
                            .cloned()
                    })
                    .collect();
                c.quizzes = q;
            }
            Err(e) => d.extend(e),
        }
        c.lessons.sort_by_key(|l| l.order);
        c.lesson_sources.sort_by_key(|s| {
            c.lessons
                .iter()
                .position(|l| s.file.contains(&l.id))
                .unwrap_or(usize::MAX)
        });
        d.extend(c.cross_check());
        d.into_result(c)
    }

    /// Find a lesson.
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    /// Does `lesson-id#section-id` (or `lesson-id`) exist?
    pub fn link_exists(&self, link: &str) -> bool {
        let (l, s) = link.split_once('#').unwrap_or((link, ""));
        match self.lesson(l) {
            // Already reported where the lesson file failed to load.
            None => self.unreadable_lessons.contains(l),
            Some(les) => s.is_empty() || les.sections.iter().any(|x| x.id == s),
        }
    }

    /// References between files: ids unique, links resolve.
    fn cross_check(&self) -> Diagnostics {
        let mut d = Diagnostics::default();
        let mut ids = BTreeSet::new();
        let mut orders = BTreeSet::new();
        let glossary_ids: BTreeSet<&str> = self
            .glossary
            .iter()
            .flat_map(|g| g.terms.iter().map(|t| t.id.as_str()))
            .collect();
        for (i, l) in self.lessons.iter().enumerate() {
            let Some(src) = self.lesson_sources.get(i) else {
                continue;
            };
            let loc = TomlLocator::new(&src.text);
            let diag = |p: Vec<crate::diag::PathSeg>, m: String, h: &str| {
                loc.diag(&src.file, &p, m).with_hint(h)
            };
            if !ids.insert(l.id.clone()) {
                d.push(diag(
                    path!["id"],
                    format!("lesson id `{}` is used twice", l.id),
                    "lesson ids are unique",
                ));
            }
            if !orders.insert(l.order) {
                d.push(diag(
                    path!["order"],
                    format!("order {} is used by two lessons", l.order),
                    "give each lesson its own position",
                ));
            }
            if l.goals.is_empty() {
                d.push(diag(
                    path!["goals"],
                    "a lesson needs at least one goal".into(),
                    "say what the learner will be able to do",
                ));
            }
            let mut sec_ids = BTreeSet::new();
            for (j, s) in l.sections.iter().enumerate() {
                if !sec_ids.insert(s.id.as_str()) {
                    d.push(diag(
                        path!["sections", j, "id"],
                        format!("section id `{}` is used twice in this lesson", s.id),
                        "section ids are unique per lesson",
                    ));
                }
                if s.body.trim().is_empty() && s.steps.is_empty() {
                    d.push(diag(
                        path!["sections", j, "body"],
                        format!("section `{}` is empty", s.id),
                        "write its body",
                    ));
                }
                if s.kind == SectionKind::TryIt {
                    for (k, st) in s.steps.iter().enumerate() {
                        if let Some(r) = &st.request {
                            let sc = l.scenario.as_ref().and_then(|id| self.scenarios.get(id));
                            match sc {
                                Some(e) if e.scenario.request(r).is_none() => d.push(diag(
                                    path!["sections", j, "steps", k, "request"],
                                    format!("request `{r}` is not in scenario `{}`", e.scenario.id),
                                    "name a [[requests]] entry of the lesson's scenario",
                                )),
                                None => d.push(diag(
                                    path!["sections", j, "steps", k, "request"],
                                    format!("step fires `{r}` but the lesson has no scenario"),
                                    "set `scenario` on the lesson",
                                )),
                                _ => {}
                            }
                        }
                    }
                }
            }
            for kind in [
                SectionKind::Explain,
                SectionKind::TryIt,
                SectionKind::Mistakes,
                SectionKind::OnAws,
                SectionKind::Simplified,
            ] {
                if !l.sections.iter().any(|s| s.kind == kind) {
                    d.push(diag(path!["sections"], format!("lesson has no `{}` section", kind_id(kind)), "every lesson explains, lets the learner try it, lists mistakes, shows real AWS and says what is simplified"));
                }
            }
            if let Some(sc) = &l.scenario
                && !self.scenarios.contains_key(sc)
            {
                d.push(diag(
                    path!["scenario"],
                    format!("scenario `{sc}` does not exist"),
                    "add assets/scenarios/<id>.toml or fix the id",
                ));
            }
            if let Some(q) = &l.quiz
                && !self.quizzes.iter().any(|x| &x.id == q)
            {
                d.push(diag(
                    path!["quiz"],
                    format!("quiz `{q}` does not exist"),
                    "add quizzes/<id>.toml or fix the id",
                ));
            }
            for (j, g) in l.glossary.iter().enumerate() {
                if self.glossary.is_some() && !glossary_ids.contains(g.as_str()) {
                    d.push(diag(
                        path!["glossary", j],
                        format!("glossary term `{g}` does not exist"),
                        "add it to lessons/glossary.toml",
                    ));
                }
            }
            for (j, q) in l.check.iter().enumerate() {
                if q.answer >= q.options.len() {
                    d.push(diag(
                        path!["check", j, "answer"],
                        format!(
                            "answer {} is out of range (there are {} options)",
                            q.answer,
                            q.options.len()
                        ),
                        "answers are 0-based indexes into options",
                    ));
                }
                if q.explanation.trim().is_empty() {
                    d.push(diag(
                        path!["check", j, "explanation"],
                        "empty explanation".into(),
                        "say why the answer is right",
                    ));
                }
            }
        }
        for e in self.scenarios.values() {
            if let Some(l) = &e.scenario.lesson
                && !self.lessons.is_empty()
                && self.lesson(l).is_none()
                && !self.unreadable_lessons.contains(l)
            {
                d.push(
                    TomlLocator::new(&e.source.text)
                        .diag(
                            &e.source.file,
                            path!["lesson"],
                            format!("lesson `{l}` does not exist"),
                        )
                        .with_hint("use a lesson id"),
                );
            }
        }
        for q in &self.quizzes {
            let lesson_exists = |l: &str, sec: Option<&str>| match sec {
                Some(sec) => self.link_exists(&format!("{l}#{sec}")),
                None => self.link_exists(l),
            };
            let scenario_exists = |id: &str| self.scenarios.contains_key(id);
            d.extend(crate::quiz::lab::check_references(
                q,
                &lesson_exists,
                &scenario_exists,
            ));
        }

        d
    }
}

fn kind_id(k: SectionKind) -> &'static str {
    match k {
        SectionKind::Explain => "explain",
        SectionKind::TryIt => "try-it",
        SectionKind::Mistakes => "mistakes",
        SectionKind::OnAws => "on-aws",
        SectionKind::Simplified => "simplified",
    }
}
