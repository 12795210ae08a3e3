//! `gatelab class report RESULTS...`: merge the results that students
//! exported (`gatelab quiz results --export NAME.json`, one file per
//! student, named after the student) into a class summary: the spread of
//! best scores, how often each question was answered correctly, and the
//! misconceptions chosen most often. Unreadable files and duplicates (the
//! same content, or attempts already counted from another file) are
//! reported and never counted twice.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::progress::results::{Attempt, Results};
use crate::quiz::Verdict;
use crate::quiz::review::fmt_percent;

/// Arguments of `gatelab class`.
#[derive(clap::Args, Debug, Clone)]
pub struct ClassArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: ClassAction,
}

/// Subcommands of `gatelab class`.
#[derive(clap::Subcommand, Debug, Clone)]
pub enum ClassAction {
    /// Merge students' exported results (JSON, one file per student, named after the student) into a class summary.
    Report {
        /// Results files exported with `gatelab quiz results --export NAME.json`.
        #[arg(value_name = "RESULTS", required = true)]
        files: Vec<PathBuf>,
        /// Also write the summary as CSV (columns section, module, item, count, total, percent).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
}

/// Score bands of the distribution: 0-9 %, 10-19 % ... 90-100 %.
pub const BANDS: [&str; 10] = [
    "0-9%", "10-19%", "20-29%", "30-39%", "40-49%", "50-59%", "60-69%", "70-79%", "80-89%",
    "90-100%",
];

/// The band of a percentage (100 % falls in the last band).
pub fn band(percent: f64) -> usize {
    if !percent.is_finite() || percent <= 0.0 {
        return 0;
    }
    ((percent / 10.0).floor() as usize).min(BANDS.len() - 1)
}

/// A file that was not counted, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The file as given.
    pub file: String,
    /// Why it was not counted (fully or partly).
    pub reason: String,
}

/// How one question fared across the class.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuestionStats {
    /// Times the question was in an attempt.
    pub seen: usize,
    /// Times it was answered fully correctly.
    pub correct: usize,
    /// Points earned, summed.
    pub points: f64,
    /// Points available, summed.
    pub max: f64,
}

/// One module's class summary.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModuleReport {
    /// Attempts counted.
    pub attempts: usize,
    /// Each student's best attempt: (percent, passed).
    pub best: BTreeMap<String, (f64, bool)>,
    /// Students per score band of their best attempt.
    pub bands: [usize; 10],
    /// Per question id.
    pub questions: BTreeMap<String, QuestionStats>,
    /// Per misconception tag: times chosen, and by whom.
    pub misconceptions: BTreeMap<String, (usize, BTreeSet<String>)>,
}

/// The whole class summary.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClassReport {
    /// Files whose attempts were counted (all or some).
    pub files_counted: usize,
    /// Students (file names without extension) with counted attempts.
    pub students: BTreeSet<String>,
    /// Per module id.
    pub modules: BTreeMap<String, ModuleReport>,
    /// Files not counted, or counted only in part, with the reason.
    pub skipped: Vec<Skipped>,
}

/// The student a file belongs to: its name without the extension.
pub fn student_of(file: &str) -> String {
    Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| file.to_string())
}

/// A key that is equal for the same attempt exported twice.
fn attempt_key(a: &Attempt) -> String {
    serde_json::to_string(a)
        .unwrap_or_else(|_| format!("{}|{}|{}", a.module, a.seed, a.at.as_millis()))
}

/// Merge files (name, content) into a class report. Files are taken in the
/// order given; the first copy of anything counts.
pub fn build_report(files: &[(String, Result<Vec<u8>, String>)]) -> ClassReport {
    let mut r = ClassReport::default();
    let mut seen_content: Vec<(Results, String)> = Vec::new();
    let mut seen_attempts: BTreeMap<String, String> = BTreeMap::new();
    for (file, bytes) in files {
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                r.skipped.push(Skipped {
                    file: file.clone(),
                    reason: format!("cannot be read: {e}"),
                });
                continue;
            }
        };
        let results: Results = match serde_json::from_slice(bytes) {
            Ok(x) => x,
            Err(e) => {
                let why = if bytes.iter().all(u8::is_ascii_whitespace) {
                    "the file is empty".to_string()
                } else {
                    e.to_string()
                };
                r.skipped.push(Skipped {
                    file: file.clone(),
                    reason: format!("not a gatelab results export ({why})"),
                });
                continue;
            }
        };
        if let Some((_, first)) = seen_content.iter().find(|(c, _)| c == &results) {
            r.skipped.push(Skipped {
                file: file.clone(),
                reason: format!("same content as {first}; counted once"),
            });
            continue;
        }
        seen_content.push((results.clone(), file.clone()));
        if results.attempts.is_empty() {
            r.skipped.push(Skipped {
                file: file.clone(),
                reason: "holds no attempts".into(),
            });
            continue;
        }
        let student = student_of(file);
        let mut counted = 0;
        let mut dupes: BTreeMap<String, usize> = BTreeMap::new();
        for a in &results.attempts {
            let key = attempt_key(a);
            if let Some(first) = seen_attempts.get(&key) {
                *dupes.entry(first.clone()).or_default() += 1;
                continue;
            }
            seen_attempts.insert(key, file.clone());
            counted += 1;
            add_attempt(&mut r, &student, a);
        }
        for (first, n) in dupes {
            r.skipped.push(Skipped {
                file: file.clone(),
                reason: format!(
                    "{n} attempt{} already counted from {first}; counted once",
                    if n == 1 { " was" } else { "s were" }
                ),
            });
        }
        if counted > 0 {
            r.files_counted += 1;
            r.students.insert(student);
        }
    }
    for m in r.modules.values_mut() {
        m.bands = [0; 10];
        for (p, _) in m.best.values() {
            if let Some(b) = m.bands.get_mut(band(*p)) {
                *b += 1;
            }
        }
    }
    r
}

fn add_attempt(r: &mut ClassReport, student: &str, a: &Attempt) {
    let m = r.modules.entry(a.module.clone()).or_default();
    m.attempts += 1;
    let better = m.best.get(student).is_none_or(|(p, _)| a.percent > *p);
    if better {
        m.best.insert(student.to_string(), (a.percent, a.passed));
    }
    for q in &a.questions {
        let s = m.questions.entry(q.id.clone()).or_default();
        s.seen += 1;
        if q.verdict == Verdict::Correct {
            s.correct += 1;
        }
        s.points += q.points;
        s.max += q.max;
        for tag in &q.misconceptions {
            let e = m.misconceptions.entry(tag.clone()).or_default();
            e.0 += 1;
            e.1.insert(student.to_string());
        }
    }
}

fn pct(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 * 100.0 / d as f64
    }
}

/// The report as the terminal shows it.
pub fn render(r: &ClassReport) -> String {
    let mut s = String::new();
    let mut line = |t: String| {
        s.push_str(&t);
        s.push('\n');
    };
    let attempts: usize = r.modules.values().map(|m| m.attempts).sum();
    line(format!(
        "Class report: {} student{}, {} attempt{} counted from {} file{}.",
        r.students.len(),
        if r.students.len() == 1 { "" } else { "s" },
        attempts,
        if attempts == 1 { "" } else { "s" },
        r.files_counted,
        if r.files_counted == 1 { "" } else { "s" }
    ));
    for (id, m) in &r.modules {
        let passed = m.best.values().filter(|(_, p)| *p).count();
        line(String::new());
        line(format!(
            "Module {id}: {} student(s), {} attempt(s); passed on their best attempt: {passed} of {}",
            m.best.len(),
            m.attempts,
            m.best.len()
        ));
        line("  Best score per student:".into());
        let most = m.bands.iter().copied().max().unwrap_or(0).max(1);
        for (i, n) in m.bands.iter().enumerate() {
            let width = (n * 30).div_ceil(most);
            line(format!(
                "    {:>8} | {}{}",
                BANDS.get(i).copied().unwrap_or(""),
                "#".repeat(width),
                if *n > 0 {
                    format!(" {n}")
                } else {
                    String::new()
                }
            ));
        }
        line("  Questions, hardest first:".into());
        let mut qs: Vec<(&String, &QuestionStats)> = m.questions.iter().collect();
        qs.sort_by(|a, b| {
            pct(a.1.correct, a.1.seen)
                .total_cmp(&pct(b.1.correct, b.1.seen))
                .then(a.0.cmp(b.0))
        });
        let w = qs
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(8)
            .max(8);
        line(format!(
            "    {:<w$}  {:>12}  {:>7}  {:>11}",
            "QUESTION", "CORRECT", "RATE", "MEAN CREDIT"
        ));
        for (qid, st) in qs {
            let credit = if st.max > 0.0 {
                st.points * 100.0 / st.max
            } else {
                0.0
            };
            line(format!(
                "    {qid:<w$}  {:>12}  {:>7}  {:>11}",
                format!("{} of {}", st.correct, st.seen),
                format!("{}%", fmt_percent(pct(st.correct, st.seen))),
                format!("{}%", fmt_percent(credit))
            ));
        }
        if m.misconceptions.is_empty() {
            line("  No misconception tags were chosen.".into());
        } else {
            line("  Misconceptions chosen most often:".into());
            let mut ms: Vec<(&String, &(usize, BTreeSet<String>))> =
                m.misconceptions.iter().collect();
            ms.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
            let w = ms
                .iter()
                .map(|(k, _)| k.chars().count())
                .max()
                .unwrap_or(3)
                .max(3);
            line(format!(
                "    {:<w$}  {:>5}  {:>8}",
                "TAG", "TIMES", "STUDENTS"
            ));
            for (tag, (n, who)) in ms.into_iter().take(10) {
                line(format!("    {tag:<w$}  {n:>5}  {:>8}", who.len()));
            }
        }
    }
    if !r.skipped.is_empty() {
        line(String::new());
        line("Not counted:".into());
        for k in &r.skipped {
            line(format!("  {}: {}", k.file, k.reason));
        }
    }
    s
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The report as CSV: `section,module,item,count,total,percent`, with the
/// sections `score-band` (students per band of their best score),
/// `question` (fully correct answers of all answers) and `misconception`
/// (times chosen of all attempts at the module).
pub fn to_csv(r: &ClassReport) -> String {
    let mut s = String::from("section,module,item,count,total,percent\n");
    let mut row = |section: &str, module: &str, item: &str, count: usize, total: usize| {
        let p = fmt_percent(pct(count, total));
        s.push_str(&[section, module, item].map(csv_field).join(","));
        s.push_str(&format!(",{count},{total},{p}\n"));
    };
    for (id, m) in &r.modules {
        let students = m.best.len();
        for (i, n) in m.bands.iter().enumerate() {
            row(
                "score-band",
                id,
                BANDS.get(i).copied().unwrap_or(""),
                *n,
                students,
            );
        }
        for (qid, st) in &m.questions {
            row("question", id, qid, st.correct, st.seen);
        }
        for (tag, (n, _)) in &m.misconceptions {
            row("misconception", id, tag, *n, m.attempts);
        }
    }
    s
}

/// Run `gatelab class`. Exit codes: 0 a report was made, 2 no file could be
/// counted or the CSV could not be written.
pub fn run(args: &ClassArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<i32> {
    let ClassAction::Report { files, csv } = &args.action;
    let inputs: Vec<(String, Result<Vec<u8>, String>)> = files
        .iter()
        .map(|f| {
            (
                f.display().to_string(),
                std::fs::read(f).map_err(|e| e.to_string()),
            )
        })
        .collect();
    let report = build_report(&inputs);
    write!(out, "{}", render(&report))?;
    if report.files_counted == 0 {
        writeln!(
            err,
            "no results file could be counted\n  hint: each student runs `gatelab quiz results --export NAME.json` and hands in that file"
        )?;
        return Ok(2);
    }
    if let Some(path) = csv {
        if let Err(e) = std::fs::write(path, to_csv(&report)) {
            writeln!(err, "{}: cannot be written: {e}", path.display())?;
            return Ok(2);
        }
        writeln!(out, "\nWrote the summary as CSV to {}.", path.display())?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_split_by_ten_percent_with_100_in_the_last() {
        assert_eq!(band(0.0), 0);
        assert_eq!(band(9.99), 0);
        assert_eq!(band(10.0), 1);
        assert_eq!(band(69.9), 6);
        assert_eq!(band(70.0), 7);
        assert_eq!(band(100.0), 9);
        assert_eq!(band(f64::NAN), 0);
    }

    #[test]
    fn students_are_file_names_without_extension() {
        assert_eq!(student_of("class/alice.json"), "alice");
        assert_eq!(student_of("bob"), "bob");
    }
}
