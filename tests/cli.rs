//! The command line as a user runs it: the real binary, real files, exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

fn gatelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gatelab"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

#[test]
fn simulate_json_has_the_documented_fields() {
    let f = root().join("tests/spec_rows/d_lambda.toml");
    let o = gatelab(&["simulate", f.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    for k in [
        "request",
        "status",
        "body",
        "headers",
        "decided_by",
        "reason",
        "trace",
    ] {
        assert!(first.get(k).is_some(), "missing {k} in {first}");
    }
    assert_eq!(first["status"], 401);
    assert_eq!(first["decided_by"], "authorizer");
    let step = &first["trace"][0];
    for k in ["stage", "result", "detail"] {
        assert!(step.get(k).is_some(), "trace step lacks {k}: {step}");
    }
}

#[test]
fn simulate_check_names_the_failing_expectation() {
    let dir = tempdir("check");
    let f = dir.join("s.toml");
    std::fs::write(&f, "id = \"s\"\ntitle = \"s\"\n[[gateway.routes]]\npath = \"/items\"\nmethod = \"GET\"\n[[requests]]\nname = \"get-items\"\npath = \"/prod/items\"\nexpect = { status = 401 }\n").unwrap();
    let o = gatelab(&["simulate", f.to_str().unwrap(), "--check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("request get-items: expected status 401, got 200 OK"),
        "{err}"
    );
}

#[test]
fn bad_input_exits_2_with_position_and_hint() {
    let dir = tempdir("bad");
    let f = dir.join("s.toml");
    std::fs::write(
        &f,
        "id = \"s\"\ntitle = \"s\"\n[gateway.api]\nregon = \"us-east-1\"\n",
    )
    .unwrap();
    let o = gatelab(&["simulate", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("s.toml:4:1: unknown key `regon`"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    // A bad JSON Lines file.
    let j = dir.join("r.jsonl");
    std::fs::write(
        &j,
        "{\"method\":\"GET\",\"path\":\"/prod/x\"}\n{\"path\": 3}\n",
    )
    .unwrap();
    let o = gatelab(&[
        "simulate",
        f.to_str().unwrap(),
        "--requests",
        j.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    // A bad flag value.
    let o = gatelab(&["simulate", "x", "--at", "yesterday"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("RFC 3339"), "{}", text(&o.stderr));
}

#[test]
fn raw_and_jsonl_requests_run_instead_of_the_scenario() {
    let dir = tempdir("raw");
    let raw = dir.join("req.txt");
    std::fs::write(
        &raw,
        "GET /prod/nope HTTP/1.1\r\nHost: a1b2c3d4e5.execute-api.us-east-1.amazonaws.com\r\n\r\n",
    )
    .unwrap();
    let f = root().join("tests/spec_rows/a_waf_default_block.toml");
    let o = gatelab(&[
        "simulate",
        f.to_str().unwrap(),
        "--raw",
        raw.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value =
        serde_json::from_str(text(&o.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(v["status"], 403);
    let j = dir.join("r.jsonl");
    std::fs::write(&j, "{\"method\":\"GET\",\"path\":\"/prod/items\",\"headers\":{\"x-partner\":\"yes\"}}\n{\"method\":\"GET\",\"path\":\"/prod/items\",\"at\":\"2025-01-01T12:00:05Z\"}\n").unwrap();
    let o = gatelab(&[
        "simulate",
        f.to_str().unwrap(),
        "--requests",
        j.to_str().unwrap(),
        "--json",
    ]);
    let lines: Vec<serde_json::Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[0]["status"].as_u64(), lines[1]["status"].as_u64()),
        (Some(200), Some(403))
    );
}

#[test]
fn check_reports_each_broken_content_file() {
    let corpus = root().join("tests/invalid_content");
    let mut cases = 0;
    for e in std::fs::read_dir(&corpus).unwrap().flatten() {
        let dir = e.path();
        let expect = std::fs::read_to_string(dir.join("EXPECT")).unwrap();
        let expect = expect.trim();
        let o = gatelab(&["check", "--content", dir.to_str().unwrap()]);
        let out = text(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{}: {out}", dir.display());
        assert!(
            out.contains(expect),
            "{}: expected `{expect}` in:\n{out}",
            dir.display()
        );
        assert!(out.contains("hint:"), "{}: no hint in {out}", dir.display());
        cases += 1;
    }
    assert!(cases >= 12, "only {cases} cases");
}

#[test]
fn the_builtin_course_checks_clean() {
    let o = gatelab(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gatelab-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn a_demo_can_leave_the_script_and_resume() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatelab"))
        .args(["demo", "throttling"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"\n\nset throttle.stage-burst 1\nfire burst-of-12\nresume\nq\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("(off the script) throttle.stage-burst = 1"),
        "{out}"
    );
    assert!(
        out.contains("(off the script) burst-of-12: 429 Too Many Requests"),
        "{out}"
    );
    assert!(out.contains("Back on the script."), "{out}");
    assert!(out.contains("Question for the room"), "{out}");
}

#[test]
fn an_unreadable_lesson_is_reported_once_not_at_every_reference() {
    let dir = tempdir("cascade");
    for sub in ["lessons", "quizzes", "assets"] {
        copy_dir(&root().join(sub), &dir.join(sub));
    }
    let f = dir.join("lessons/03-iam-sigv4.toml");
    let lesson = std::fs::read_to_string(&f)
        .unwrap()
        .replacen("order = 3", "order = \"three\"", 1);
    std::fs::write(&f, lesson).unwrap();
    let o = gatelab(&["check", "--content", dir.to_str().unwrap()]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("lessons/03-iam-sigv4.toml:3:9: invalid type"),
        "{out}"
    );
    assert!(out.contains(": 1 problem in"), "{out}");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}
