//! `gatelab reset` through the real binary: a confirmation (or --yes), a
//! backup of every file of the data directory first, then the reset.

use gatelab::gateway::time::SimTime;
use gatelab::progress::Results;
use gatelab::progress::results::save;
use gatelab::quiz::{Answer, Boxes, NoLab, Session, parse_quiz};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const SAMPLE: &str = include_str!("fixtures/quiz/sample.toml");

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gatelab-cli-reset-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

/// A data directory with results for modules `sample` and `other`, and progress.
fn data_dir(name: &str) -> PathBuf {
    let d = scratch(name);
    let quiz = parse_quiz("sample.toml", SAMPLE).unwrap();
    let mut r = Results::default();
    for (seed, module) in [(1, "sample"), (2, "sample"), (3, "other")] {
        let mut s = Session::new(&quiz, seed, &Boxes::default());
        s.set_answer("api-key-authenticates", Answer::Bool(false), None)
            .unwrap();
        let mut a = s.submit(None, &NoLab);
        a.module = module.to_string();
        r.record(&a, SimTime::from_unix_secs(1_740_000_000 + seed));
    }
    save(&d.join("results.json"), &r).unwrap();
    fs::write(
        d.join("progress.json"),
        "{\"lessons\": {\"throttling\": \"done\"}}\n",
    )
    .unwrap();
    fs::write(d.join("results.json.corrupt-1"), "{").unwrap();
    d
}

fn reset(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatelab"))
        .args(["--data-dir", dir.to_str().unwrap(), "reset"])
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
    let o = child.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

/// The one backup folder under `dir/backups`.
fn backup(dir: &Path) -> PathBuf {
    let v: Vec<PathBuf> = fs::read_dir(dir.join("backups"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(v.len(), 1, "{v:?}");
    v[0].clone()
}

fn load(dir: &Path) -> Results {
    serde_json::from_str(&fs::read_to_string(dir.join("results.json")).unwrap()).unwrap()
}

#[test]
fn reset_all_with_yes_backs_up_then_clears_everything() {
    let d = data_dir("all-yes");
    let before: Vec<(String, String)> = ["results.json", "progress.json", "results.json.corrupt-1"]
        .iter()
        .map(|f| (f.to_string(), fs::read_to_string(d.join(f)).unwrap()))
        .collect();
    let (code, out, err) = reset(&d, &["--all", "--yes"], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Cleared 3 files. The backup is in "), "{out}");
    for f in ["results.json", "progress.json", "results.json.corrupt-1"] {
        assert!(!d.join(f).exists(), "{f} was cleared");
    }
    let b = backup(&d);
    let name = b.file_name().unwrap().to_string_lossy().to_string();
    // A UTC timestamp such as 20250301T101500Z.
    assert_eq!(name.len(), 16, "{name}");
    assert!(name.ends_with('Z') && name.as_bytes()[8] == b'T', "{name}");
    for (f, text) in &before {
        assert_eq!(
            &fs::read_to_string(b.join(f)).unwrap(),
            text,
            "{f} is in the backup unchanged"
        );
    }
    // A second reset finds nothing, and leaves the backups alone.
    let (code, out, _) = reset(&d, &["--all", "--yes"], "");
    assert_eq!(code, 0);
    assert!(out.starts_with("Nothing to clear"), "{out}");
    assert!(b.join("results.json").exists());
}

#[test]
fn reset_all_asks_first_and_changes_nothing_without_yes() {
    let d = data_dir("all-ask");
    let (code, out, _) = reset(&d, &["--all"], "no\n");
    assert_eq!(code, 1);
    assert!(
        out.contains("This clears all quiz results and lesson progress in"),
        "{out}"
    );
    assert!(out.contains("Type yes to continue:"), "{out}");
    assert!(out.contains("Nothing was changed."), "{out}");
    assert!(d.join("results.json").exists() && d.join("progress.json").exists());
    assert!(!d.join("backups").exists());
    // End of input is not a yes either.
    assert_eq!(reset(&d, &["--all"], "").0, 1);
    assert!(d.join("results.json").exists());
    let (code, out, _) = reset(&d, &["--all"], "yes\n");
    assert_eq!(code, 0, "{out}");
    assert!(!d.join("results.json").exists());
    assert!(backup(&d).join("results.json").exists());
}

#[test]
fn reset_module_clears_only_that_module_after_a_backup() {
    let d = data_dir("module");
    let original = fs::read_to_string(d.join("results.json")).unwrap();
    let (code, out, err) = reset(&d, &["--module", "sample", "--yes"], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("This clears module `sample`"), "{out}");
    assert!(
        out.contains(": 2 attempts and its review history."),
        "{out}"
    );
    let r = load(&d);
    assert_eq!(
        r.attempts
            .iter()
            .map(|a| a.module.as_str())
            .collect::<Vec<_>>(),
        ["other"]
    );
    assert!(!r.boxes.contains_key("sample") && r.boxes.contains_key("other"));
    assert!(d.join("progress.json").exists(), "progress is kept");
    assert_eq!(
        fs::read_to_string(backup(&d).join("results.json")).unwrap(),
        original
    );
    let (code, out, _) = reset(&d, &["--module", "sample", "--yes"], "");
    assert_eq!(code, 0);
    assert!(
        out.starts_with("Nothing to clear: there are no results for module `sample`"),
        "{out}"
    );
}

#[test]
fn reset_module_can_be_declined() {
    let d = data_dir("module-no");
    let (code, out, _) = reset(&d, &["--module", "other"], "n\n");
    assert_eq!(code, 1, "{out}");
    assert_eq!(load(&d).attempts.len(), 3);
    assert!(!d.join("backups").exists());
}

#[test]
fn reset_needs_exactly_one_of_all_and_module() {
    let d = scratch("usage");
    assert_eq!(reset(&d, &[], "").0, 2);
    assert_eq!(reset(&d, &["--all", "--module", "x"], "").0, 2);
    let (code, out, _) = reset(&d, &["--module", "x", "--yes"], "");
    assert_eq!(code, 0);
    assert!(
        out.starts_with("Nothing to clear: there are no results yet"),
        "{out}"
    );
}
