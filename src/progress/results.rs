//! Quiz results that last: every attempt (module, seed, time, answers and
//! points per question, score, pass), best scores, Leitner boxes for spaced
//! re-review, and CSV/JSON export.
//!
//! Stored as `results.json` in the data directory (see [`super::paths`]).

use super::store::{Loaded, load_json, save_json_atomic};
use crate::gateway::time::SimTime;
use crate::quiz::grade::Verdict;
use crate::quiz::leitner::Boxes;
use crate::quiz::model::{Answer, Kind};
use crate::quiz::review::AttemptResult;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

/// Format version written to `results.json`.
pub const FORMAT_VERSION: u32 = 1;

fn format_version() -> u32 {
    FORMAT_VERSION
}

/// Every result of one learner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Results {
    /// Format version of the file.
    #[serde(default = "format_version")]
    pub version: u32,
    /// Attempts, oldest first.
    #[serde(default)]
    pub attempts: Vec<Attempt>,
    /// Leitner boxes per module id.
    #[serde(default)]
    pub boxes: BTreeMap<String, Boxes>,
}

impl Default for Results {
    fn default() -> Self {
        Results {
            version: FORMAT_VERSION,
            attempts: Vec::new(),
            boxes: BTreeMap::new(),
        }
    }
}

/// One submitted attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Attempt {
    /// Module id.
    pub module: String,
    /// Seed the attempt was drawn with.
    pub seed: u64,
    /// When it was submitted (RFC 3339 in the file).
    #[serde(with = "rfc3339")]
    pub at: SimTime,
    /// Points earned.
    pub score: f64,
    /// Points available.
    pub max: f64,
    /// `score / max` in percent.
    pub percent: f64,
    /// Pass mark at the time.
    pub pass_mark: u8,
    /// Whether it passed.
    pub passed: bool,
    /// Submitted after the time limit.
    #[serde(default)]
    pub timed_out: bool,
    /// Per question, in the order shown.
    pub questions: Vec<AttemptQuestion>,
}

/// One question of an attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AttemptQuestion {
    /// Question id.
    pub id: String,
    /// Question kind.
    pub kind: Kind,
    /// The answer in stable terms (`null` when not answered).
    pub answer: Option<Answer>,
    /// Points earned.
    pub points: f64,
    /// Points available.
    pub max: f64,
    /// Summary of the credit.
    pub verdict: Verdict,
    /// Hints revealed.
    #[serde(default)]
    pub hints_used: usize,
    /// Misconception tags of the options chosen.
    #[serde(default)]
    pub misconceptions: Vec<String>,
}

mod rfc3339 {
    use crate::gateway::time::SimTime;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(t: &SimTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.rfc3339())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SimTime, D::Error> {
        let s = String::deserialize(d)?;
        SimTime::parse_rfc3339(&s).map_err(D::Error::custom)
    }
}

impl Results {
    /// Add a graded attempt submitted at `at`, and move every question of
    /// it between Leitner boxes (a full-credit answer moves up one box,
    /// anything else goes back to box 1). Returns the stored attempt.
    pub fn record(&mut self, r: &AttemptResult, at: SimTime) -> &Attempt {
        let boxes = self.boxes.entry(r.module.clone()).or_default();
        for q in &r.questions {
            boxes.record(&q.id, q.verdict == Verdict::Correct);
        }
        self.attempts.push(Attempt {
            module: r.module.clone(),
            seed: r.seed,
            at,
            score: r.score,
            max: r.max,
            percent: r.percent,
            pass_mark: r.pass_mark,
            passed: r.passed,
            timed_out: r.timed_out,
            questions: r
                .questions
                .iter()
                .map(|q| AttemptQuestion {
                    id: q.id.clone(),
                    kind: q.kind,
                    answer: q.answer.clone(),
                    points: q.points,
                    max: q.max,
                    verdict: q.verdict,
                    hints_used: q.hints_used,
                    misconceptions: q.misconceptions.clone(),
                })
                .collect(),
        });
        let last = self.attempts.len() - 1;
        &self.attempts[last]
    }

    /// Attempts at one module, oldest first.
    pub fn attempts_for<'a>(&'a self, module: &'a str) -> impl Iterator<Item = &'a Attempt> + 'a {
        self.attempts.iter().filter(move |a| a.module == module)
    }

    /// The best attempt at a module: highest percent, the earliest on ties.
    pub fn best(&self, module: &str) -> Option<&Attempt> {
        self.attempts.iter().filter(|a| a.module == module).fold(
            None,
            |best: Option<&Attempt>, a| match best {
                Some(b) if b.percent >= a.percent => Some(b),
                _ => Some(a),
            },
        )
    }

    /// The best attempt of every module attempted.
    pub fn best_per_module(&self) -> BTreeMap<&str, &Attempt> {
        let mut out = BTreeMap::new();
        for a in &self.attempts {
            if let Some(b) = self.best(&a.module) {
                out.insert(a.module.as_str(), b);
            }
        }
        out
    }

    /// The Leitner boxes of a module (empty if never attempted).
    pub fn boxes(&self, module: &str) -> Boxes {
        self.boxes.get(module).cloned().unwrap_or_default()
    }

    /// How often each misconception tag was chosen in a module.
    pub fn misconceptions(&self, module: &str) -> BTreeMap<String, u32> {
        let mut out = BTreeMap::new();
        for a in self.attempts_for(module) {
            for q in &a.questions {
                for m in &q.misconceptions {
                    *out.entry(m.clone()).or_insert(0) += 1;
                }
            }
        }
        out
    }

    /// Forget one question's review box (its attempts stay in the history).
    pub fn reset_question(&mut self, module: &str, question: &str) {
        if let Some(b) = self.boxes.get_mut(module) {
            b.0.remove(question);
        }
    }

    /// Forget a module: its attempts and its review boxes.
    pub fn reset_module(&mut self, module: &str) {
        self.attempts.retain(|a| a.module != module);
        self.boxes.remove(module);
    }
}

/// Load `results.json` (see [`load_json`] for what happens to a bad file).
pub fn load(path: &Path) -> io::Result<Loaded<Results>> {
    load_json(path)
}

/// Save `results.json` atomically.
pub fn save(path: &Path, results: &Results) -> io::Result<()> {
    save_json_atomic(path, results)
}

/// Column names of [`export_csv`].
pub const CSV_COLUMNS: [&str; 16] = [
    "attempt",
    "module",
    "seed",
    "at",
    "question",
    "kind",
    "answer",
    "points",
    "max",
    "verdict",
    "hints-used",
    "misconceptions",
    "score",
    "max-score",
    "percent",
    "passed",
];

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_num(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Write one CSV row per attempt and question (attempts numbered from 1 in
/// file order). The answer column holds the stable answer as JSON.
pub fn export_csv(results: &Results, w: &mut impl Write) -> io::Result<()> {
    writeln!(w, "{}", CSV_COLUMNS.join(","))?;
    for (n, a) in results.attempts.iter().enumerate() {
        for q in &a.questions {
            let answer = match &q.answer {
                Some(ans) => serde_json::to_string(ans).map_err(io::Error::other)?,
                None => String::new(),
            };
            let row = [
                (n + 1).to_string(),
                a.module.clone(),
                a.seed.to_string(),
                a.at.rfc3339(),
                q.id.clone(),
                q.kind.as_str().to_string(),
                answer,
                csv_num(q.points),
                csv_num(q.max),
                serde_json::to_value(q.verdict)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                q.hints_used.to_string(),
                q.misconceptions.join(" "),
                csv_num(a.score),
                csv_num(a.max),
                csv_num(a.percent),
                a.passed.to_string(),
            ];
            let row: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
            writeln!(w, "{}", row.join(","))?;
        }
    }
    Ok(())
}

/// Write every result as pretty JSON, in the same form as `results.json`,
/// so an export can be copied to another machine and loaded there.
pub fn export_json(results: &Results, w: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, results).map_err(io::Error::other)?;
    writeln!(w)
}
