//! The shipped demos (assets/demos) and the scenarios they play in
//! (assets/scenarios/demo-*.toml): every expectation holds, in process and
//! through `gatelab demo FILE --check`, and the plain player works on stdin.

use gatelab::content::{Course, Source, Sources};
use gatelab::demo::{Demo, check, check_course};
use gatelab::scenario::{self, Scenario};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The demos this course promises instructors.
const DEMOS: [&str; 7] = [
    "authorizer-caching",
    "choosing-an-authorizer",
    "cors",
    "mutual-tls",
    "throttling",
    "usage-plans",
    "waf",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn toml_files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "toml")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    v.sort();
    v
}

fn source(p: &Path, folder: &str) -> Source {
    Source {
        file: format!("{folder}/{}", p.file_name().unwrap().to_string_lossy()),
        text: std::fs::read_to_string(p).unwrap(),
    }
}

fn demo_scenarios() -> Vec<Scenario> {
    toml_files(&root().join("assets/scenarios"), "demo-")
        .iter()
        .map(|p| {
            let s = source(p, "assets/scenarios");
            Scenario::parse(&s.file, &s.text).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

/// A course folder holding only the shipped demos and their scenarios, so
/// these tests do not depend on the rest of the course.
fn demo_content(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "gatelab-demo-content-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for (sub, prefix) in [("assets/demos", ""), ("assets/scenarios", "demo-")] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for f in toml_files(&root().join(sub), prefix) {
            std::fs::copy(&f, dir.join(sub).join(f.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn gatelab(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatelab"))
        .args(args)
        .current_dir(root())
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

#[test]
fn every_demo_scenario_meets_its_own_expectations() {
    let scenarios = demo_scenarios();
    assert_eq!(scenarios.len(), DEMOS.len());
    for s in &scenarios {
        assert!(s.id.starts_with("demo-"), "{}", s.id);
        assert!(
            s.requests.iter().all(|r| r.expect.is_some()),
            "{}: every request has an expectation",
            s.id
        );
        let run = scenario::run(s).unwrap_or_else(|e| panic!("{}: {e}", s.id));
        assert!(run.failures().is_empty(), "{}: {:#?}", s.id, run.failures());
    }
}

#[test]
fn every_shipped_demo_passes_its_check() {
    let files = toml_files(&root().join("assets/demos"), "");
    let ids: Vec<String> = files
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
        .collect();
    assert_eq!(ids, DEMOS.map(String::from).to_vec());
    let scenarios = demo_scenarios();
    for f in &files {
        let s = source(f, "assets/demos");
        let demo = Demo::parse(&s.file, &s.text).unwrap_or_else(|e| panic!("{e}"));
        let sc = scenarios
            .iter()
            .find(|x| x.id == demo.scenario)
            .unwrap_or_else(|| panic!("{}: no scenario {}", s.file, demo.scenario));
        let report = check(&demo, sc).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            report.failures.is_empty(),
            "{}: {:#?}",
            s.file,
            report.failures
        );
        assert!(
            report.expectations >= 4,
            "{}: only {} expectations",
            s.file,
            report.expectations
        );
        assert!(
            demo.steps
                .iter()
                .any(|st| matches!(st.action, gatelab::demo::Action::Ask { .. })),
            "{}: asks the room at least once",
            s.file
        );
    }
}

#[test]
fn the_course_check_finds_no_problem_in_the_demos() {
    let demos: Vec<Source> = toml_files(&root().join("assets/demos"), "")
        .iter()
        .map(|p| source(p, "assets/demos"))
        .collect();
    let scenarios: Vec<Source> = toml_files(&root().join("assets/scenarios"), "demo-")
        .iter()
        .map(|p| source(p, "assets/scenarios"))
        .collect();
    let course = Course::load(Sources {
        demos,
        scenarios,
        ..Sources::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let d = check_course(&course);
    assert!(d.is_empty(), "{d}");
}

#[test]
fn the_course_check_reports_a_broken_demo_at_its_step() {
    let scenarios: Vec<Source> = toml_files(&root().join("assets/scenarios"), "demo-")
        .iter()
        .map(|p| source(p, "assets/scenarios"))
        .collect();
    let demo = "id = \"broken\"\ntitle = \"Broken\"\nscenario = \"demo-throttling\"\n\n[[steps]]\nfire = \"one-call\"\nexpect = { status = 500 }\n\n[[steps]]\nfire = \"nothing-like-it\"\n";
    let other = "id = \"lost\"\ntitle = \"Lost\"\nscenario = \"demo-nowhere\"\n\n[[steps]]\nnarrate = \"x\"\n";
    let demos = vec![
        Source {
            file: "assets/demos/broken.toml".into(),
            text: demo.into(),
        },
        Source {
            file: "assets/demos/lost.toml".into(),
            text: other.into(),
        },
    ];
    let course = Course::load(Sources {
        demos,
        scenarios,
        ..Sources::default()
    })
    .unwrap();
    let d = check_course(&course).to_string();
    assert!(
        d.contains("assets/demos/broken.toml:10:8: step 2: `nothing-like-it` is neither a request"),
        "{d}"
    );
    assert!(
        d.contains("assets/demos/lost.toml:3:12: scenario `demo-nowhere` does not exist"),
        "{d}"
    );
}

#[test]
fn the_binary_checks_each_demo_file_and_lists_the_shipped_ones() {
    for id in DEMOS {
        let file = format!("assets/demos/{id}.toml");
        let o = gatelab(&["demo", &file, "--check"], "");
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{file}: {out}{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            out.starts_with(&format!("{file}: ")) && out.contains(" expectations hold"),
            "{out}"
        );
    }
    let content = demo_content("list");
    let o = gatelab(&["--content", content.to_str().unwrap(), "demo"], "");
    let listed: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(listed, DEMOS.map(String::from).to_vec());
}

#[test]
fn the_binary_check_exits_1_naming_the_step_that_fails() {
    let dir = std::env::temp_dir().join(format!("gatelab-demo-shipped-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("demos")).unwrap();
    std::fs::create_dir_all(dir.join("scenarios")).unwrap();
    std::fs::copy(
        root().join("assets/scenarios/demo-throttling.toml"),
        dir.join("scenarios/demo-throttling.toml"),
    )
    .unwrap();
    let file = dir.join("demos/drift.toml");
    std::fs::write(&file, "id = \"drift\"\ntitle = \"Drift\"\nscenario = \"demo-throttling\"\n\n[[steps]]\nfire = \"burst-of-12\"\nexpect = { statuses = [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429] }\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_gatelab"))
        .args(["demo", file.to_str().unwrap(), "--check"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "{}:7:10: step 1 (fire `burst-of-12`): expected status",
            file.display()
        )),
        "{err}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_gatelab"))
        .args([
            "demo",
            dir.join("demos/missing.toml").to_str().unwrap(),
            "--check",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_plain_player_steps_back_jumps_and_quits_on_stdin() {
    let o = gatelab(
        &["demo", "assets/demos/authorizer-caching.toml"],
        "\n\n\n\nb\n7\nnope\n99\nq\n",
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.contains('\x1b'), "plain text only");
    let steps: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("Step "))
        .map(|l| l.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        steps,
        [
            "Step 1 of 22",
            "Step 2 of 22",
            "Step 3 of 22",
            "Step 4 of 22",
            "Step 3 of 22",
            "Step 7 of 22"
        ]
    );
    assert!(out.contains("Answer: 403 Forbidden."), "{out}");
    assert!(out.contains("`nope` is not a command."), "{out}");
    assert!(
        out.contains("there is no step 99: the demo has 22 steps. Type a number from 0 to 22."),
        "{out}"
    );
    assert!(out.contains("  ✓ as the script expects"), "{out}");
    // A shipped demo by id; Enter at the last step ends the demo.
    let content = demo_content("play");
    let o = gatelab(
        &["--content", content.to_str().unwrap(), "demo", "waf"],
        &"\n".repeat(16),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.trim_end().ends_with("End of the demo."), "{out}");
}
