//! `gatelab quiz`: list the quiz modules, take one in plain mode (the
//! attempt is saved to `results.json`), summarize and export results, and
//! convert modules from and to Moodle GIFT.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use crate::content::Course;
use crate::gateway::time::SimTime;
use crate::progress::paths::RESULTS_FILE;
use crate::progress::results::{self, Results};
use crate::progress::store::Loaded;
use crate::quiz::gift;
use crate::quiz::model::{Body, LabConfig, Question, Quiz, Scoring};
use crate::quiz::plain::{self, PlainOptions};
use crate::quiz::review::{fmt_percent, fmt_points};
use crate::quiz_lab::CourseLab;
use crate::scenario::Scenario;

/// Arguments of `gatelab quiz`.
#[derive(clap::Args, Debug, Clone)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct QuizArgs {
    /// A subcommand instead of taking a quiz.
    #[command(subcommand)]
    pub action: Option<QuizAction>,
    /// The module to take (`gatelab quiz --list` shows the ids).
    #[arg(value_name = "MODULE", required_unless_present = "list")]
    pub module: Option<String>,
    /// Ask the questions as plain numbered lines on standard input and output (screen readers, projectors, scripts).
    #[arg(long)]
    pub plain: bool,
    /// Seed of the attempt: which questions, their order and the order of options (default: from the clock).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// List the quiz modules: one id a line, a tab, the title.
    #[arg(long, conflicts_with_all = ["module", "plain", "seed"])]
    pub list: bool,
}

/// Subcommands of `gatelab quiz`.
#[derive(clap::Subcommand, Debug, Clone)]
pub enum QuizAction {
    /// Summarize the saved results (attempts, best score per module); --export writes every answer to a file.
    Results {
        /// Write one CSV row per attempt and question (FILE.csv), or the results as JSON (FILE.json).
        #[arg(long, value_name = "FILE")]
        export: Option<PathBuf>,
    },
    /// Convert a Moodle GIFT file into a quiz module (TOML), to stdout or to OUT.toml.
    Import {
        /// The GIFT file.
        #[arg(value_name = "FILE.gift")]
        file: PathBuf,
        /// Write the module here instead of to standard output.
        #[arg(short = 'o', long = "output", value_name = "OUT.toml")]
        output: Option<PathBuf>,
    },
    /// Write a quiz module in Moodle GIFT format to standard output.
    Export {
        /// The module id.
        #[arg(value_name = "MODULE")]
        module: String,
        /// Moodle GIFT (the only export format).
        #[arg(long, required = true)]
        gift: bool,
    },
}

impl QuizArgs {
    /// Whether this invocation needs the course loaded (import and results do not).
    pub fn needs_course(&self) -> bool {
        !matches!(
            self.action,
            Some(QuizAction::Import { .. } | QuizAction::Results { .. })
        )
    }
}

/// The wall clock as a [`SimTime`] (the command line may read it; the core never does).
pub fn wall_clock() -> SimTime {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    SimTime::from_millis(ms)
}

/// Run `gatelab quiz`. Exit codes: 0 done (whether the attempt passed or
/// not), 2 usage or file errors.
pub fn run(
    args: &QuizArgs,
    course: Option<&Course>,
    data_dir: Option<&Path>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    match &args.action {
        Some(QuizAction::Results { export }) => {
            return results_cmd(data_dir, export.as_deref(), out, err);
        }
        Some(QuizAction::Import { file, output }) => {
            return import_cmd(file, output.as_deref(), out, err);
        }
        _ => {}
    }
    let Some(course) = course else {
        writeln!(
            err,
            "the course could not be loaded (see the problems above); run `gatelab check` for the full list"
        )?;
        return Ok(2);
    };
    if let Some(QuizAction::Export { module, .. }) = &args.action {
        let Some(quiz) = find(course, module, err)? else {
            return Ok(2);
        };
        write!(out, "{}", gift::export(quiz))?;
        return Ok(0);
    }
    if args.list {
        for q in &course.quizzes {
            writeln!(out, "{}\t{}", q.id, q.title)?;
        }
        return Ok(0);
    }
    let Some(module) = &args.module else {
        writeln!(
            err,
            "name a quiz module, e.g. `gatelab quiz MODULE --plain`\n  hint: `gatelab quiz --list` shows the modules"
        )?;
        return Ok(2);
    };
    let Some(quiz) = find(course, module, err)? else {
        return Ok(2);
    };
    take(quiz, course, args.seed, data_dir, input, out, err)
}

fn find<'a>(course: &'a Course, module: &str, err: &mut dyn Write) -> io::Result<Option<&'a Quiz>> {
    match course.quizzes.iter().find(|q| q.id == module) {
        Some(q) => Ok(Some(q)),
        None => {
            let ids: Vec<&str> = course.quizzes.iter().map(|q| q.id.as_str()).collect();
            writeln!(
                err,
                "no quiz module `{module}`\n  hint: the modules are: {}",
                if ids.is_empty() {
                    "(none)".to_string()
                } else {
                    ids.join(", ")
                }
            )?;
            Ok(None)
        }
    }
}

/// Load `results.json`, telling the learner when a damaged file was set aside.
fn load_results(path: &Path, err: &mut dyn Write) -> io::Result<Result<Results, ()>> {
    match results::load(path) {
        Ok(Loaded::Missing(r)) | Ok(Loaded::Ok(r)) => Ok(Ok(r)),
        Ok(Loaded::Corrupt {
            value,
            moved_to,
            problem,
        }) => {
            writeln!(
                err,
                "{}: could not be read ({problem}); it was moved to {} and a new file is started",
                path.display(),
                moved_to.display()
            )?;
            Ok(Ok(value))
        }
        Err(e) => {
            writeln!(
                err,
                "{}: cannot be read: {e}\n  hint: check the permissions of the data directory, or pass --data-dir DIR",
                path.display()
            )?;
            Ok(Err(()))
        }
    }
}

fn no_data_dir(err: &mut dyn Write) -> io::Result<i32> {
    writeln!(
        err,
        "there is no data directory to keep results in\n  hint: pass --data-dir DIR"
    )?;
    Ok(2)
}

/// Read a learner's scenario file as a lab-task answer.
fn answer_file(path: &str) -> Result<LabConfig, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("the file cannot be read ({e})"))?;
    if let Err(d) = Scenario::parse(path, &text) {
        let first =
            d.0.first()
                .map(|x| x.to_string().replace('\n', " "))
                .unwrap_or_default();
        let more = if d.len() > 1 {
            format!(" (and {} more problems)", d.len() - 1)
        } else {
            String::new()
        };
        return Err(format!("it is not a valid scenario: {first}{more}"));
    }
    Ok(LabConfig::ScenarioText {
        name: path.to_string(),
        text,
    })
}

fn take(
    quiz: &Quiz,
    course: &Course,
    seed: Option<u64>,
    data_dir: Option<&Path>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let Some(dir) = data_dir else {
        return no_data_dir(err);
    };
    let path = dir.join(RESULTS_FILE);
    let Ok(mut results) = load_results(&path, err)? else {
        return Ok(2);
    };
    let seed = seed.unwrap_or_else(|| wall_clock().as_millis() % 1_000_000);
    let history = results.boxes(&quiz.id);
    let clock = wall_clock;
    let opts = PlainOptions {
        history: &history,
        clock: Some(&clock),
    };
    let runner = CourseLab {
        scenarios: &course.scenarios,
    };
    writeln!(
        out,
        "Attempt seed {seed} (add --seed {seed} to draw the same attempt again)."
    )?;
    let (mut input, mut out) = (input, out);
    let result = plain::run_with(
        quiz,
        seed,
        opts,
        &mut input,
        &mut out,
        &runner,
        &answer_file,
    )?;
    results.record(&result, result.submitted_at.unwrap_or_else(wall_clock));
    if let Err(e) = results::save(&path, &results) {
        writeln!(
            err,
            "{}: the attempt could not be saved: {e}\n  hint: check that the data directory is writable, or pass --data-dir DIR",
            path.display()
        )?;
        return Ok(2);
    }
    writeln!(err, "Saved to {}.", path.display())?;
    Ok(0)
}

fn results_cmd(
    data_dir: Option<&Path>,
    export: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let Some(dir) = data_dir else {
        return no_data_dir(err);
    };
    let path = dir.join(RESULTS_FILE);
    let Ok(results) = load_results(&path, err)? else {
        return Ok(2);
    };
    summary(&results, &path, out)?;
    let Some(file) = export else { return Ok(0) };
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let mut buf = Vec::new();
    match ext.as_deref() {
        Some("csv") => results::export_csv(&results, &mut buf)?,
        Some("json") => results::export_json(&results, &mut buf)?,
        _ => {
            writeln!(
                err,
                "{}: cannot tell the export format\n  hint: end the file name in .csv or .json",
                file.display()
            )?;
            return Ok(2);
        }
    }
    if let Err(e) = std::fs::write(file, &buf) {
        writeln!(err, "{}: cannot be written: {e}", file.display())?;
        return Ok(2);
    }
    let rows: usize = results.attempts.iter().map(|a| a.questions.len()).sum();
    writeln!(
        out,
        "Exported {} attempts ({rows} answers) to {}.",
        results.attempts.len(),
        file.display()
    )?;
    Ok(0)
}

/// The summary `quiz results` prints: attempts, and the best attempt of each module.
pub fn summary(results: &Results, path: &Path, out: &mut dyn Write) -> io::Result<()> {
    if results.attempts.is_empty() {
        writeln!(out, "No quiz attempts yet ({}).", path.display())?;
        return Ok(());
    }
    let best = results.best_per_module();
    writeln!(
        out,
        "{} attempt{} at {} module{} ({}).",
        results.attempts.len(),
        plural(results.attempts.len()),
        best.len(),
        plural(best.len()),
        path.display()
    )?;
    let w = best
        .keys()
        .map(|m| m.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    writeln!(
        out,
        "{:<w$}  {:>8}  {:>13}  {:>6}  {:<6}  BEST ON",
        "MODULE", "ATTEMPTS", "BEST SCORE", "BEST %", "PASSED"
    )?;
    for (m, a) in &best {
        let n = results.attempts_for(m).count();
        let score = format!("{}/{}", fmt_points(a.score), fmt_points(a.max));
        writeln!(
            out,
            "{m:<w$}  {n:>8}  {score:>13}  {:>6}  {:<6}  {}",
            format!("{}%", fmt_percent(a.percent)),
            if a.passed { "yes" } else { "no" },
            a.at.rfc3339()
        )?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn import_cmd(
    file: &Path,
    output: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let name = file.display().to_string();
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            writeln!(
                err,
                "{name}: cannot be read: {e}\n  hint: give the path of a Moodle GIFT text file"
            )?;
            return Ok(2);
        }
    };
    let quiz = match gift::import(&text, &name) {
        Ok(q) => q,
        Err(d) => {
            writeln!(err, "{d}")?;
            writeln!(
                err,
                "{name}: {} problem{}; nothing was written",
                d.len(),
                plural(d.len())
            )?;
            return Ok(2);
        }
    };
    let toml = to_toml(&quiz);
    match output {
        None => write!(out, "{toml}")?,
        Some(o) => {
            if let Err(e) = std::fs::write(o, &toml) {
                writeln!(err, "{}: cannot be written: {e}", o.display())?;
                return Ok(2);
            }
            writeln!(
                err,
                "Wrote module `{}` ({} questions) to {}.",
                quiz.id,
                quiz.questions.len(),
                o.display()
            )?;
            let stem = o.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            if stem != quiz.id {
                writeln!(
                    err,
                    "note: the module id is `{}`; save it as quizzes/{}.toml so the course loads it",
                    quiz.id, quiz.id
                )?;
            }
        }
    }
    Ok(0)
}

/// A TOML basic string on one line (escapes quotes, backslashes and control characters).
fn q(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                o.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn q_list(v: &[String]) -> String {
    format!(
        "[{}]",
        v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

/// A number as TOML: whole numbers without a fraction.
fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:?}")
    }
}

/// A quiz module in the TOML format of `docs/quizzes.md`; loading the text
/// back gives the same questions.
pub fn to_toml(quiz: &Quiz) -> String {
    let mut s = String::new();
    let mut kv = |k: &str, v: String| {
        s.push_str(k);
        s.push_str(" = ");
        s.push_str(&v);
        s.push('\n');
    };
    kv("id", q(&quiz.id));
    kv("title", q(&quiz.title));
    kv("pass-mark", quiz.pass_mark.to_string());
    if let Some(d) = quiz.draw {
        kv("draw", d.to_string());
    }
    if quiz.time_limit_mins > 0 {
        kv("time-limit-mins", quiz.time_limit_mins.to_string());
    }
    if !quiz.lessons.is_empty() {
        kv("lessons", q_list(&quiz.lessons));
    }
    for question in &quiz.questions {
        s.push_str("\n[[questions]]\n");
        question_toml(&mut s, question);
    }
    s
}

fn question_toml(s: &mut String, qn: &Question) {
    let mut kv = |k: &str, v: String| {
        s.push_str(k);
        s.push_str(" = ");
        s.push_str(&v);
        s.push('\n');
    };
    kv("id", q(&qn.id));
    kv("kind", q(qn.kind().as_str()));
    kv("prompt", q(&qn.prompt));
    if let Some(l) = &qn.lesson {
        kv("lesson", q(l));
    }
    kv("explanation", q(&qn.explanation));
    if !qn.hints.is_empty() {
        kv("hints", q_list(&qn.hints));
    }
    if let Some(src) = &qn.source {
        kv("source", q(src));
    }
    let scoring = |sc: Scoring| (sc != Scoring::default()).then(|| q(sc.as_str()));
    match &qn.body {
        Body::SingleChoice { options } | Body::MultipleSelect { options, .. } => {
            if let Body::MultipleSelect { scoring: sc, .. } = &qn.body
                && let Some(v) = scoring(*sc)
            {
                kv("scoring", v);
            }
            let lines: Vec<String> = options
                .iter()
                .map(|o| {
                    let mut parts = vec![format!("text = {}", q(&o.text))];
                    if o.correct {
                        parts.push("correct = true".into());
                    }
                    if let Some(f) = &o.feedback {
                        parts.push(format!("feedback = {}", q(f)));
                    }
                    if let Some(m) = &o.misconception {
                        parts.push(format!("misconception = {}", q(m)));
                    }
                    format!("  {{ {} }},", parts.join(", "))
                })
                .collect();
            kv("options", format!("[\n{}\n]", lines.join("\n")));
        }
        Body::TrueFalse {
            answer,
            feedback_true,
            feedback_false,
        } => {
            kv("answer", answer.to_string());
            if let Some(f) = feedback_true {
                kv("feedback-true", q(f));
            }
            if let Some(f) = feedback_false {
                kv("feedback-false", q(f));
            }
        }
        Body::Ordering { items, scoring: sc } => {
            if let Some(v) = scoring(*sc) {
                kv("scoring", v);
            }
            let lines: Vec<String> = items.iter().map(|i| format!("  {},", q(i))).collect();
            kv("items", format!("[\n{}\n]", lines.join("\n")));
        }
        Body::Matching { pairs, scoring: sc } => {
            if let Some(v) = scoring(*sc) {
                kv("scoring", v);
            }
            let lines: Vec<String> = pairs
                .iter()
                .map(|p| format!("  {{ left = {}, right = {} }},", q(&p.left), q(&p.right)))
                .collect();
            kv("pairs", format!("[\n{}\n]", lines.join("\n")));
        }
        Body::Numeric {
            answer,
            tolerance,
            unit,
        } => {
            kv("answer", num(*answer));
            if *tolerance != 0.0 {
                kv("tolerance", num(*tolerance));
            }
            if let Some(u) = unit {
                kv("unit", q(u));
            }
        }
        Body::ShortText {
            accept,
            case_sensitive,
        } => {
            kv("accept", q_list(accept));
            if *case_sensitive {
                kv("case-sensitive", "true".into());
            }
        }
        Body::LabTask(t) => {
            kv("start", q(&t.start));
            if let Some(e) = &t.exploit {
                kv("exploit", q(e));
            }
            kv("solution", inline(&toml::Value::Table(t.solution.clone())));
            for c in &t.checks {
                s.push_str("\n[[questions.checks]]\n");
                s.push_str(&format!("name = {}\npoints = {}\n", q(&c.name), c.points));
                s.push_str(&format!(
                    "request = {}\n",
                    inline(&toml::Value::Table(c.request.clone()))
                ));
                s.push_str(&format!(
                    "expect = {}\n",
                    inline(&toml::Value::Table(c.expect.clone()))
                ));
            }
        }
    }
}

/// A TOML value written inline on one line (tables as `{ k = v }`).
fn inline(v: &toml::Value) -> String {
    match v {
        toml::Value::String(x) => q(x),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => {
            if f.is_finite() {
                format!("{f:?}")
            } else if f.is_nan() {
                "nan".into()
            } else if *f > 0.0 {
                "inf".into()
            } else {
                "-inf".into()
            }
        }
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(a) => {
            format!("[{}]", a.iter().map(inline).collect::<Vec<_>>().join(", "))
        }
        toml::Value::Table(t) => {
            if t.is_empty() {
                return "{}".into();
            }
            let parts: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{} = {}", key(k), inline(v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
    }
}

/// A TOML key: bare when it can be, quoted otherwise.
fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        q(k)
    }
}
