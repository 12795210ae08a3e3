//! `gatelab class report` through the real binary: students' exported
//! results merged into a class summary, with bad and duplicate files
//! reported and never counted twice.

use gatelab::gateway::time::SimTime;
use gatelab::progress::Results;
use gatelab::progress::results::export_json;
use gatelab::quiz::{Answer, Boxes, NoLab, Quiz, Session, parse_quiz};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const SAMPLE: &str = include_str!("fixtures/quiz/sample.toml");

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gatelab-cli-class-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn sample() -> Quiz {
    parse_quiz("sample.toml", SAMPLE).unwrap_or_else(|e| panic!("{e}"))
}

/// Record one attempt answering `throttle-status` with option `throttle`
/// (0 = right, 1 = the 403 misconception) and `signing-protocol` with `text`.
fn record(r: &mut Results, seed: u64, minute: u32, throttle: usize, text: &str) {
    let quiz = sample();
    let mut s = Session::new(&quiz, seed, &Boxes::default());
    s.set_answer("throttle-status", Answer::Choice(throttle), None)
        .unwrap();
    s.set_answer("signing-protocol", Answer::Text(text.into()), None)
        .unwrap();
    s.set_answer("api-key-authenticates", Answer::Bool(false), None)
        .unwrap();
    let at = SimTime::parse_rfc3339(&format!("2025-03-01T10:{minute:02}:00Z")).unwrap();
    r.record(&s.submit(None, &NoLab), at);
}

fn write(path: &Path, r: &Results) {
    let mut buf = Vec::new();
    export_json(r, &mut buf).unwrap();
    fs::write(path, buf).unwrap();
}

fn run(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_gatelab"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

/// alice: two attempts (best 3/11); bob: one (2/11, the 403 misconception);
/// carol: one (1/11); plus a copy of alice, a file that repeats bob's
/// attempt beside a new one (3/11), a damaged file and an empty one.
fn class(dir: &Path) -> Vec<PathBuf> {
    let mut alice = Results::default();
    record(&mut alice, 1, 0, 1, "md5");
    record(&mut alice, 2, 5, 0, "SigV4");
    let mut bob = Results::default();
    record(&mut bob, 3, 1, 1, "SigV4");
    let mut carol = Results::default();
    record(&mut carol, 4, 2, 1, "tls");
    let mut bob_again = bob.clone();
    record(&mut bob_again, 5, 9, 0, "SigV4");
    let files = [
        "alice.json",
        "bob.json",
        "carol.json",
        "alice-copy.json",
        "bob-final.json",
        "broken.json",
        "empty.json",
    ]
    .map(|f| dir.join(f));
    write(&files[0], &alice);
    write(&files[1], &bob);
    write(&files[2], &carol);
    fs::copy(&files[0], &files[3]).unwrap();
    write(&files[4], &bob_again);
    fs::write(&files[5], "{\"attempts\": [ {\"module\": ").unwrap();
    fs::write(&files[6], "").unwrap();
    files.to_vec()
}

#[test]
fn the_report_merges_students_and_never_counts_a_file_or_attempt_twice() {
    let dir = scratch("report");
    let files = class(&dir);
    let csv = dir.join("class.csv");
    let mut args: Vec<String> = vec!["class".into(), "report".into()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    args.extend(["--csv".to_string(), csv.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{out}{err}");
    // alice, bob, carol and bob-final (its new attempt): 4 students, 5 attempts.
    assert!(
        out.starts_with("Class report: 4 students, 5 attempts counted from 4 files.\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "Module sample: 4 student(s), 5 attempt(s); passed on their best attempt: 0 of 4"
        ),
        "{out}"
    );
    // Best scores: alice 3/11 = 27.2%, bob 2/11 = 18.1%, carol 1/11 = 9%, bob-final 3/11.
    assert!(out.contains("        0-9% | ############### 1\n"), "{out}");
    assert!(out.contains("      10-19% | ############### 1\n"), "{out}");
    assert!(
        out.contains("      20-29% | ############################## 2\n"),
        "{out}"
    );
    let row = out
        .lines()
        .find(|l| l.trim_start().starts_with("throttle-status"))
        .unwrap();
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>(),
        ["throttle-status", "2", "of", "5", "40%", "40%"]
    );
    let mis = out
        .lines()
        .find(|l| l.trim_start().starts_with("throttle-is-forbidden"))
        .unwrap();
    assert_eq!(
        mis.split_whitespace().collect::<Vec<_>>(),
        ["throttle-is-forbidden", "3", "3"]
    );
    for skipped in [
        format!(
            "{}: same content as {}; counted once",
            files[3].display(),
            files[0].display()
        ),
        format!(
            "{}: 1 attempt was already counted from {}; counted once",
            files[4].display(),
            files[1].display()
        ),
        format!("{}: not a gatelab results export (", files[5].display()),
        format!(
            "{}: not a gatelab results export (the file is empty)",
            files[6].display()
        ),
    ] {
        assert!(out.contains(&skipped), "missing {skipped:?} in\n{out}");
    }
    let csv_text = fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = csv_text.lines().collect();
    assert_eq!(lines[0], "section,module,item,count,total,percent");
    for row in [
        "score-band,sample,20-29%,2,4,50",
        "score-band,sample,90-100%,0,4,0",
        "question,sample,throttle-status,2,5,40",
        "question,sample,signing-protocol,3,5,60",
        "question,sample,api-key-authenticates,5,5,100",
        "misconception,sample,throttle-is-forbidden,3,5,60",
    ] {
        assert!(lines.contains(&row), "missing {row} in\n{csv_text}");
    }
}

#[test]
fn only_bad_files_exit_2() {
    let dir = scratch("bad");
    let bad = dir.join("x.json");
    fs::write(&bad, "[1, 2, 3]").unwrap();
    let (code, out, err) = run(&[
        "class",
        "report",
        bad.to_str().unwrap(),
        dir.join("missing.json").to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        out.contains("Class report: 0 students, 0 attempts counted from 0 files."),
        "{out}"
    );
    assert!(out.contains("missing.json: cannot be read:"), "{out}");
    assert!(err.contains("no results file could be counted"), "{err}");
    let (code, _, err) = run(&["class", "report"]);
    assert_eq!(code, 2, "clap refuses a report without files: {err}");
}

#[test]
fn the_report_is_built_the_same_in_process() {
    use gatelab::cli::class::{BANDS, build_report};
    let dir = scratch("lib");
    let files = class(&dir);
    let inputs: Vec<(String, Result<Vec<u8>, String>)> = files
        .iter()
        .map(|f| {
            (
                f.display().to_string(),
                fs::read(f).map_err(|e| e.to_string()),
            )
        })
        .collect();
    let r = build_report(&inputs);
    assert_eq!(
        r.students.iter().cloned().collect::<Vec<_>>(),
        ["alice", "bob", "bob-final", "carol"]
    );
    let m = &r.modules["sample"];
    assert_eq!(m.attempts, 5);
    assert_eq!(m.bands.iter().sum::<usize>(), 4);
    assert_eq!(BANDS.len(), m.bands.len());
    assert_eq!(m.questions["signing-protocol"].correct, 3);
    assert_eq!(r.skipped.len(), 4);
    // The same files in another order count the same attempts.
    let mut reversed = inputs.clone();
    reversed.reverse();
    let r2 = build_report(&reversed);
    assert_eq!(r2.modules["sample"].attempts, 5);
    assert_eq!(r2.modules["sample"].questions, m.questions);
}
