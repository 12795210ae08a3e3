//! Table tests for the fidelity spec: each file in tests/spec_rows/ holds
//! scenario rows of apigw-scenarios.md as requests with expectations, run
//! through the real pipeline.

use gatelab::scenario::{self, Scenario};
use std::path::Path;

fn files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec_rows");
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/spec_rows exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_spec_row_holds() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for f in files() {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let s = match Scenario::parse(&name, &text) {
            Ok(s) => s,
            Err(d) => {
                failures.push(d.to_string());
                continue;
            }
        };
        for r in &s.requests {
            if r.name.starts_with("row-") {
                assert!(r.expect.is_some(), "{name}: {} has no expectation", r.name);
            }
        }
        match scenario::run(&s) {
            Err(e) => failures.push(format!("{name}: {e}")),
            Ok(run) => {
                checked += run
                    .requests
                    .iter()
                    .filter(|r| {
                        !r.mismatches.is_empty()
                            || s.request(&r.name).is_some_and(|x| x.expect.is_some())
                    })
                    .count();
                checked += run.traffic.len();
                for m in run.failures() {
                    failures.push(format!("{name}: {m}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 60, "only {checked} expectations checked");
}
