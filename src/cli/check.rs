//! `gatelab check [--content DIR]`: load and validate the whole course and
//! report every problem, including the ones only running the simulator can
//! find (scenario expectations, try-it steps, lab-task reference solutions).

use std::io::Write;

use crate::content::{Course, Sources};
use crate::diag::{Diagnostic, Diagnostics, TomlLocator};
use crate::path;
use crate::scenario;

/// Run every check on already-loaded sources; returns all problems.
pub fn check_sources(src: Sources) -> Diagnostics {
    let course = match Course::load(src) {
        Ok(c) => c,
        Err(d) => return d,
    };
    deep_check(&course)
}

/// Checks that need the simulator.
pub fn deep_check(course: &Course) -> Diagnostics {
    let mut d = Diagnostics::default();
    for e in course.scenarios.values() {
        let loc = TomlLocator::new(&e.source.text);
        match scenario::run(&e.scenario) {
            Err(m) => d.push(
                Diagnostic::whole_file(&e.source.file, m)
                    .with_hint("fix the scenario so that its gateway can be built"),
            ),
            Ok(run) => {
                for r in &run.requests {
                    if r.mismatches.is_empty() {
                        continue;
                    }
                    let idx = e
                        .scenario
                        .requests
                        .iter()
                        .position(|x| x.name == r.name)
                        .unwrap_or(0);
                    for m in &r.mismatches {
                        d.push(
                            loc.diag(&e.source.file, path!["requests", idx, "expect"], format!("request `{}`: {m}", r.name))
                                .with_hint("the expectation does not hold in the simulator: fix the expectation or the configuration"),
                        );
                    }
                }
                for t in &run.traffic {
                    let idx = e
                        .scenario
                        .traffic
                        .iter()
                        .position(|x| x.spec.name == t.name)
                        .unwrap_or(0);
                    for m in &t.mismatches {
                        d.push(
                            loc.diag(
                                &e.source.file,
                                path!["traffic", idx, "expect"],
                                format!("traffic `{}`: {m}", t.name),
                            )
                            .with_hint("update the expected totals"),
                        );
                    }
                }
            }
        }
    }
    // Try-it steps that fire a request with an expected status.
    for (li, l) in course.lessons.iter().enumerate() {
        let Some(src) = course.lesson_sources.get(li) else {
            continue;
        };
        let Some(entry) = l.scenario.as_ref().and_then(|s| course.scenarios.get(s)) else {
            continue;
        };
        let loc = TomlLocator::new(&src.text);
        for (si, s) in l.sections.iter().enumerate() {
            for (ki, st) in s.steps.iter().enumerate() {
                let (Some(r), Some(want)) = (&st.request, st.expect_status) else {
                    continue;
                };
                let Some(got) = fire_named(&entry.scenario, r) else {
                    continue;
                };
                if got != want {
                    d.push(
                        loc.diag(
                            &src.file,
                            path!["sections", si, "steps", ki, "expect-status"],
                            format!(
                                "step fires `{r}` expecting {want}, but the scenario answers {}",
                                if got == 0 {
                                    "no HTTP response".to_string()
                                } else {
                                    got.to_string()
                                }
                            ),
                        )
                        .with_hint("fix expect-status or the scenario"),
                    );
                }
            }
        }
    }
    d.extend(crate::quiz_lab::check_lab_tasks(course));
    d.extend(crate::demo::check_course(course));
    d
}

/// Fire one named request of a scenario on a fresh gateway, after the
/// requests before it (so state such as caches is as the scenario builds it).
/// Returns the status (0 = no HTTP response).
pub fn fire_named(s: &scenario::Scenario, name: &str) -> Option<u16> {
    let run = scenario::run(s).ok()?;
    run.requests
        .iter()
        .rfind(|r| r.name == name)
        .map(|r| r.outcome.status.unwrap_or(0))
}

/// Run `check`; exit 1 on problems, 0 when clean.
pub fn run(src: Sources, label: &str, out: &mut dyn Write) -> std::io::Result<i32> {
    let n_files = src.lessons.len() + src.quizzes.len() + src.scenarios.len() + src.demos.len();
    let d = check_sources(src);
    if d.is_empty() {
        writeln!(
            out,
            "{label}: {n_files} file{} checked, no problems",
            plural(n_files)
        )?;
        Ok(0)
    } else {
        writeln!(out, "{d}")?;
        writeln!(
            out,
            "{label}: {} problem{} in {n_files} file{}",
            d.len(),
            plural(d.len()),
            plural(n_files)
        )?;
        Ok(1)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
