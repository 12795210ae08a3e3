//! `gatelab quiz` through the real binary: listing, a plain attempt driven
//! through stdin and saved to --data-dir, lab tasks answered with a scenario
//! file, results and exports, GIFT import and export.

use gatelab::progress::Results;
use gatelab::quiz::{Body, Boxes, Presented, Question, Quiz, Session, gift, parse_quiz};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const SAMPLE: &str = include_str!("fixtures/quiz/sample.toml");
const SAMPLE_GIFT: &str = include_str!("fixtures/quiz/sample.gift");

/// A fresh directory under the system temp dir, unique per test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gatelab-cli-quiz-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn lesson(id: &str, order: u32) -> String {
    let mut s = format!(
        "id = \"{id}\"\ntitle = \"{id}\"\norder = {order}\nsummary = \"A lesson for the quiz tests.\"\ngoals = [\"Answer the sample quiz.\"]\n"
    );
    for (sid, kind) in [
        ("explain", "explain"),
        ("caching", "explain"),
        ("try-it", "try-it"),
        ("mistakes", "mistakes"),
        ("on-aws", "on-aws"),
        ("simplified", "simplified"),
    ] {
        s.push_str(&format!("\n[[sections]]\nid = \"{sid}\"\ntitle = \"{sid}\"\nkind = \"{kind}\"\nbody = \"Text.\"\n"));
    }
    s
}

/// The start scenario of the lab tasks: /admin and /health open to anyone.
const LAB_ADMIN_OPEN: &str = r#"id = "lab-admin-open"
title = "Admin open to everyone"

[[gateway.routes]]
path = "/admin"
method = "GET"

[[gateway.routes]]
path = "/health"
method = "GET"
"#;

/// A module with one lab task in the real scenario format.
const LAB_ONLY: &str = r#"id = "lab-only"
title = "Lab: lock the admin page"
pass-mark = 100

[[questions]]
id = "lock-admin-cidr"
kind = "lab-task"
prompt = "Allow /admin only from 10.0.0.0/8; leave /health public."
explanation = "A resource policy Deny with NotIpAddress refuses callers outside the range with 403."
start = "lab-admin-open"
exploit = "outside-admin"
solution = { gateway = { resource-policy = { Statement = [
  { Effect = "Allow", Principal = "*", Action = "execute-api:Invoke", Resource = "execute-api:/*" },
  { Effect = "Deny", Principal = "*", Action = "execute-api:Invoke", Resource = "execute-api:/prod/GET/admin", Condition = { NotIpAddress = { "aws:SourceIp" = ["10.0.0.0/8"] } } },
] } } }

[[questions.checks]]
name = "outside-admin"
request = { path = "/prod/admin", source-ip = "203.0.113.5" }
expect = { status = 403, decided-by = "resource-policy" }

[[questions.checks]]
name = "inside-admin"
request = { path = "/prod/admin", source-ip = "10.1.2.3" }
expect = { status = 200 }

[[questions.checks]]
name = "health-public"
request = { path = "/prod/health", source-ip = "203.0.113.5" }
expect = { status = 200 }
"#;

/// A course on disk: the sample module, the lessons it links to and the
/// lab tasks' start scenario.
fn content(root: &Path) -> PathBuf {
    let c = root.join("content");
    for sub in ["quizzes", "lessons", "assets/scenarios"] {
        fs::create_dir_all(c.join(sub)).unwrap();
    }
    fs::write(c.join("quizzes/sample.toml"), SAMPLE).unwrap();
    fs::write(c.join("quizzes/lab-only.toml"), LAB_ONLY).unwrap();
    fs::write(
        c.join("lessons/lambda-authorizers.toml"),
        lesson("lambda-authorizers", 1),
    )
    .unwrap();
    fs::write(c.join("lessons/throttling.toml"), lesson("throttling", 2)).unwrap();
    fs::write(
        c.join("assets/scenarios/lab-admin-open.toml"),
        LAB_ADMIN_OPEN,
    )
    .unwrap();
    c
}

fn gatelab(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatelab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

fn sample() -> Quiz {
    parse_quiz("sample.toml", SAMPLE).unwrap_or_else(|e| panic!("{e}"))
}

/// The line that answers `q`, shown as `p`, correctly (`None` for lab tasks).
fn right_input(q: &Question, p: &Presented) -> Option<String> {
    let shown = |orig: usize| p.shown(orig).unwrap() + 1;
    let nums = |v: Vec<usize>| {
        v.iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    Some(match &q.body {
        Body::SingleChoice { options } => {
            shown(options.iter().position(|o| o.correct).unwrap()).to_string()
        }
        Body::MultipleSelect { options, .. } => nums(
            options
                .iter()
                .enumerate()
                .filter(|(_, o)| o.correct)
                .map(|(i, _)| shown(i))
                .collect(),
        ),
        Body::TrueFalse { answer, .. } => if *answer { "t" } else { "f" }.to_string(),
        Body::Ordering { items, .. } => nums((0..items.len()).map(shown).collect()),
        Body::Matching { pairs, .. } => (0..pairs.len())
            .map(|i| ((b'a' + (shown(i) - 1) as u8) as char).to_string())
            .collect::<Vec<_>>()
            .join(" "),
        Body::Numeric { .. } => "3600".to_string(),
        Body::ShortText { .. } => "SigV4".to_string(),
        Body::LabTask(_) => return None,
    })
}

/// Input for a whole attempt: right answers, except `throttle-status`
/// answered with the 403 option (a misconception) and lab tasks skipped;
/// then Enter to submit.
fn attempt_input(quiz: &Quiz, seed: u64) -> String {
    let s = Session::new(quiz, seed, &Boxes::default());
    let mut lines = Vec::new();
    for k in 0..s.len() {
        let (q, p) = s.get(k).unwrap();
        let line = if q.id == "throttle-status" {
            (p.shown(1).unwrap() + 1).to_string()
        } else {
            right_input(q, p).unwrap_or_else(|| "-".to_string())
        };
        lines.push(line);
    }
    lines.join("\n") + "\n\n"
}

fn load_results(dir: &Path) -> Results {
    serde_json::from_str(&fs::read_to_string(dir.join("results.json")).unwrap()).unwrap()
}

#[test]
fn list_prints_each_module_id_a_tab_and_its_title() {
    let root = scratch("list");
    let c = content(&root);
    let o = gatelab(&["--content", c.to_str().unwrap(), "quiz", "--list"], "");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "lab-only\tLab: lock the admin page\nsample\tSample: protecting an API\n"
    );
}

#[test]
fn a_plain_attempt_is_scored_and_saved_to_the_data_dir() {
    let root = scratch("attempt");
    let c = content(&root);
    let data = root.join("data");
    let input = attempt_input(&sample(), 41);
    let o = gatelab(
        &[
            "--content",
            c.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
            "quiz",
            "sample",
            "--plain",
            "--seed",
            "41",
        ],
        &input,
    );
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}\n{}", text(&o.stderr));
    assert!(
        out.starts_with("Attempt seed 41 (add --seed 41 to draw the same attempt again).\n"),
        "{out}"
    );
    // 7 one-point questions, 6 right; the 4-point lab task skipped.
    assert_eq!(out.lines().last(), Some("score: 6/11"), "{out}");
    assert!(!out.contains('\x1b'));
    assert!(text(&o.stderr).contains("Saved to "), "{}", text(&o.stderr));
    let r = load_results(&data);
    assert_eq!(r.attempts.len(), 1);
    let a = &r.attempts[0];
    assert_eq!(
        (a.module.as_str(), a.seed, a.score, a.max, a.passed),
        ("sample", 41, 6.0, 11.0, false)
    );
    let t = a
        .questions
        .iter()
        .find(|q| q.id == "throttle-status")
        .unwrap();
    assert_eq!(t.misconceptions, vec!["throttle-is-forbidden".to_string()]);
    assert_eq!(r.boxes("sample").box_of("signing-protocol"), Some(2));
    assert_eq!(r.boxes("sample").box_of("throttle-status"), Some(1));
}

#[test]
fn a_failed_attempt_still_exits_0_and_is_saved() {
    let root = scratch("failed");
    let c = content(&root);
    let data = root.join("data");
    let o = gatelab(
        &[
            "--content",
            c.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
            "quiz",
            "sample",
            "--plain",
            "--seed",
            "3",
        ],
        "-\n-\n-\n-\n-\n-\n-\n-\n\n",
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(text(&o.stdout).lines().last(), Some("score: 0/11"));
    assert_eq!(load_results(&data).attempts[0].percent, 0.0);
}

#[test]
fn end_of_input_submits_and_a_second_attempt_adds_to_the_file() {
    let root = scratch("twice");
    let c = content(&root);
    let data = root.join("data");
    let args = [
        "--content",
        c.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
        "quiz",
        "sample",
        "--plain",
        "--seed",
        "9",
    ];
    assert_eq!(gatelab(&args, "").status.code(), Some(0));
    let o = gatelab(&args, "");
    assert_eq!(o.status.code(), Some(0));
    let r = load_results(&data);
    assert_eq!(r.attempts.len(), 2);
    assert!(r.attempts.iter().all(|a| a.seed == 9 && a.score == 0.0));
}

#[test]
fn a_lab_task_is_answered_with_a_scenario_file_and_graded_by_the_simulator() {
    let root = scratch("lab");
    let c = content(&root);
    let data = root.join("data");
    let fixed = root.join("fixed.toml");
    fs::write(
        &fixed,
        format!(
            "{LAB_ADMIN_OPEN}\n[gateway.resource-policy]\n[[gateway.resource-policy.Statement]]\nEffect = \"Allow\"\nPrincipal = \"*\"\nAction = \"execute-api:Invoke\"\nResource = \"execute-api:/*\"\n[[gateway.resource-policy.Statement]]\nEffect = \"Deny\"\nPrincipal = \"*\"\nAction = \"execute-api:Invoke\"\nResource = \"execute-api:/prod/GET/admin\"\nCondition = {{ NotIpAddress = {{ \"aws:SourceIp\" = [\"10.0.0.0/8\"] }} }}\n"
        ),
    )
    .unwrap();
    let broken = root.join("broken.toml");
    fs::write(&broken, "id = \"x\"\ntitle = \"x\"\nrequestz = 1\n").unwrap();
    let input = format!(
        "{}\n{}\n{}\n\n",
        root.join("missing.toml").display(),
        broken.display(),
        fixed.display()
    );
    let o = gatelab(
        &[
            "--content",
            c.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
            "quiz",
            "lab-only",
            "--plain",
            "--seed",
            "1",
        ],
        &input,
    );
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}\n{}", text(&o.stderr));
    assert!(
        out.contains("Break it first: the start configuration fails check `outside-admin`:"),
        "{out}"
    );
    assert!(out.contains("the file cannot be read"), "{out}");
    assert!(
        out.contains("it is not a valid scenario:") && out.contains("unknown key `requestz`"),
        "{out}"
    );
    assert_eq!(out.lines().last(), Some("score: 3/3"), "{out}");
    let r = load_results(&data);
    assert!(r.attempts[0].passed);
}

#[test]
fn unknown_module_and_missing_content_exit_2() {
    let root = scratch("unknown");
    let c = content(&root);
    let o = gatelab(
        &[
            "--content",
            c.to_str().unwrap(),
            "--data-dir",
            root.join("d").to_str().unwrap(),
            "quiz",
            "nope",
            "--plain",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("no quiz module `nope`"),
        "{}",
        text(&o.stderr)
    );
    assert!(
        text(&o.stderr).contains("lab-only, sample"),
        "{}",
        text(&o.stderr)
    );
    assert!(!root.join("d/results.json").exists());
}

#[test]
fn a_damaged_results_file_is_set_aside_and_a_new_one_started() {
    let root = scratch("corrupt");
    let c = content(&root);
    let data = root.join("data");
    fs::create_dir_all(&data).unwrap();
    fs::write(data.join("results.json"), "{ not json").unwrap();
    let o = gatelab(
        &[
            "--content",
            c.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
            "quiz",
            "sample",
            "--plain",
            "--seed",
            "2",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        text(&o.stderr).contains("results.json.corrupt-1"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        fs::read_to_string(data.join("results.json.corrupt-1")).unwrap(),
        "{ not json"
    );
    assert_eq!(load_results(&data).attempts.len(), 1);
}

#[test]
fn results_are_summarized_and_exported_as_csv_and_json() {
    let root = scratch("results");
    let c = content(&root);
    let data = root.join("data");
    let d = data.to_str().unwrap();
    let empty = gatelab(&["--data-dir", d, "quiz", "results"], "");
    assert_eq!(empty.status.code(), Some(0));
    assert!(
        text(&empty.stdout).starts_with("No quiz attempts yet"),
        "{}",
        text(&empty.stdout)
    );
    let input = attempt_input(&sample(), 41);
    assert_eq!(
        gatelab(
            &[
                "--content",
                c.to_str().unwrap(),
                "--data-dir",
                d,
                "quiz",
                "sample",
                "--plain",
                "--seed",
                "41"
            ],
            &input
        )
        .status
        .code(),
        Some(0)
    );
    let o = gatelab(&["--data-dir", d, "quiz", "results"], "");
    let out = text(&o.stdout);
    assert!(out.starts_with("1 attempt at 1 module ("), "{out}");
    let row = out
        .lines()
        .find(|l| l.starts_with("sample "))
        .unwrap_or_else(|| panic!("{out}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        &cells[..5],
        &["sample", "1", "6/11", "54.5%", "no"],
        "{row}"
    );

    let csv = root.join("out.csv");
    let o = gatelab(
        &[
            "--data-dir",
            d,
            "quiz",
            "results",
            "--export",
            csv.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("Exported 1 attempts (8 answers) to"),
        "{}",
        text(&o.stdout)
    );
    let csv_text = fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = csv_text.lines().collect();
    assert_eq!(lines[0], gatelab::progress::results::CSV_COLUMNS.join(","));
    assert_eq!(lines.len(), 9);
    assert!(
        lines.iter().any(|l| l.starts_with("1,sample,41,")
            && l.contains(",throttle-status,single-choice,")
            && l.contains("throttle-is-forbidden")),
        "{csv_text}"
    );

    let json = root.join("out.json");
    assert_eq!(
        gatelab(
            &[
                "--data-dir",
                d,
                "quiz",
                "results",
                "--export",
                json.to_str().unwrap()
            ],
            ""
        )
        .status
        .code(),
        Some(0)
    );
    let exported: Results = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(exported, load_results(&data));

    let o = gatelab(
        &[
            "--data-dir",
            d,
            "quiz",
            "results",
            "--export",
            root.join("out.txt").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("end the file name in .csv or .json"));
    assert!(!root.join("out.txt").exists());
}

#[test]
fn importing_a_bad_gift_file_exits_2_with_file_and_line() {
    let root = scratch("bad-gift");
    let f = root.join("bad.gift");
    fs::write(
        &f,
        "// @id bad\n\n::q1::Describe throttling. {}\n\n::q2::Pick one {=a ~b}\n",
    )
    .unwrap();
    let out_file = root.join("bad.toml");
    let o = gatelab(
        &[
            "quiz",
            "import",
            f.to_str().unwrap(),
            "-o",
            out_file.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains(&format!("{}:3:", f.display())), "{err}");
    assert!(err.contains("essay questions"), "{err}");
    assert!(
        err.contains(&format!(
            "{}:5:1: question `q2`: the explanation is empty",
            f.display()
        )),
        "{err}"
    );
    assert!(err.contains("2 problems; nothing was written"), "{err}");
    assert!(!out_file.exists());
    let o = gatelab(
        &[
            "quiz",
            "import",
            root.join("missing.gift").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cannot be read"));
}

#[test]
fn importing_gift_writes_a_module_that_loads_back_to_the_same_questions() {
    let root = scratch("gift");
    let f = root.join("sample.gift");
    fs::write(&f, SAMPLE_GIFT).unwrap();
    let target = root.join("sample.toml");
    let o = gatelab(
        &[
            "quiz",
            "import",
            f.to_str().unwrap(),
            "-o",
            target.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("Wrote module `sample` (6 questions)"),
        "{}",
        text(&o.stderr)
    );
    let written = fs::read_to_string(&target).unwrap();
    let back = parse_quiz("sample.toml", &written).unwrap_or_else(|e| panic!("{e}\n{written}"));
    let direct = gift::import(SAMPLE_GIFT, "sample.gift").unwrap();
    assert_eq!(back.questions, direct.questions);
    assert_eq!(
        (back.id.as_str(), back.title.as_str(), back.pass_mark),
        ("sample", "Sample: protecting an API", 70)
    );
    let to_stdout = gatelab(&["quiz", "import", f.to_str().unwrap()], "");
    assert_eq!(text(&to_stdout.stdout), written);
}

#[test]
fn every_question_kind_survives_the_toml_writer() {
    let quiz = sample();
    let text = gatelab::cli::quiz::to_toml(&quiz);
    let back = parse_quiz("sample.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(back.questions, quiz.questions);
    assert_eq!(
        (
            back.pass_mark,
            back.draw,
            back.time_limit_mins,
            back.lessons.clone()
        ),
        (
            quiz.pass_mark,
            quiz.draw,
            quiz.time_limit_mins,
            quiz.lessons.clone()
        )
    );
    let lab = parse_quiz("lab-only.toml", LAB_ONLY).unwrap();
    let back = parse_quiz("lab-only.toml", &gatelab::cli::quiz::to_toml(&lab)).unwrap();
    assert_eq!(back.questions, lab.questions);
}

#[test]
fn export_writes_the_module_as_gift() {
    let root = scratch("export");
    let c = content(&root);
    let o = gatelab(
        &[
            "--content",
            c.to_str().unwrap(),
            "quiz",
            "export",
            "sample",
            "--gift",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), gift::export(&sample()));
    let o = gatelab(
        &[
            "--content",
            c.to_str().unwrap(),
            "quiz",
            "export",
            "nope",
            "--gift",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
}
