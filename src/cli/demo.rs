//! `gatelab demo`: list the shipped instructor demos, play one as plain text
//! (one step per Enter, so it works in any terminal and on a projector), or
//! check one headless (`--check`, for CI and before class).

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use crate::content::Course;
use crate::demo::{Demo, DemoPlayer, Step, StepEffect, StepRun, check};
use crate::diag::{Diagnostic, Diagnostics};
use crate::scenario::Scenario;

/// Arguments of `gatelab demo`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct DemoArgs {
    /// A demo id (run `gatelab demo` for the list) or a demo file. Without it, the shipped demos are listed.
    #[arg(value_name = "NAME|FILE")]
    pub demo: Option<String>,
    /// Play every step without stopping and verify every expectation; exit 1 naming each step that fails.
    #[arg(long, requires = "demo")]
    pub check: bool,
}

const KEYS: &str = "Enter or space = next step, b = back, l = list the steps, a number = go to that step, q = quit. \
Off the script: `set CONTROL VALUE`, `fire REQUEST`, `deploy`, then `resume` to return to the script.";

/// Run `gatelab demo`. Exit codes: 0 done, 1 an expectation failed
/// (`--check`), 2 the demo or its scenario could not be loaded.
pub fn run(
    args: &DemoArgs,
    course: Option<&Course>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let Some(name) = &args.demo else {
        return list(course, out, err);
    };
    let (demo, scenario) = match load(name, course) {
        Ok(x) => x,
        Err(d) => {
            writeln!(err, "{d}")?;
            return Ok(2);
        }
    };
    if args.check {
        return run_check(&demo, &scenario, out, err);
    }
    let mut player = match DemoPlayer::new(demo, scenario) {
        Ok(p) => p,
        Err(d) => {
            writeln!(err, "{d}")?;
            return Ok(2);
        }
    };
    play(&mut player, input, out)?;
    Ok(0)
}

/// `gatelab demo`: one demo a line, its id, a tab and its title.
fn list(course: Option<&Course>, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<i32> {
    let Some(course) = course else {
        writeln!(
            err,
            "the course could not be loaded, so its demos cannot be listed"
        )?;
        return Ok(2);
    };
    let mut code = 0;
    for src in &course.demos {
        match Demo::parse(&src.file, &src.text) {
            Ok(d) => writeln!(out, "{}\t{}", d.id, d.title)?,
            Err(d) => {
                writeln!(err, "{d}")?;
                code = 2;
            }
        }
    }
    Ok(code)
}

/// Find a demo by id in the course, or read a demo file, and the scenario it
/// plays in. A demo file takes its scenario from `../scenarios/<id>.toml` or
/// `<id>.toml` beside it when one is there (so edits on disk are used), else
/// from the course; a shipped demo takes it from the course.
pub fn load(name: &str, course: Option<&Course>) -> Result<(Demo, Scenario), Diagnostics> {
    let path = Path::new(name);
    let (demo, dir) = if path.is_file() || name.ends_with(".toml") {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostic::whole_file(name, format!("cannot be read: {e}"))
                .with_hint("give a demo file path or a demo id (run `gatelab demo` for the list)")
        })?;
        (
            Demo::parse(name, &text)?,
            path.parent().map(Path::to_path_buf),
        )
    } else {
        let src = course.and_then(|c| {
            c.demos.iter().find(|s| {
                Path::new(&s.file)
                    .file_stem()
                    .is_some_and(|stem| stem == name)
            })
        });
        match src {
            Some(s) => (Demo::parse(&s.file, &s.text)?, None),
            None => {
                return Err(Diagnostic::whole_file(
                    name,
                    "is neither a demo file nor the id of a shipped demo",
                )
                .with_hint("run `gatelab demo` to list the shipped demos")
                .into());
            }
        }
    };
    let scenario = find_scenario(&demo, course, dir.as_deref())?;
    Ok((demo, scenario))
}

fn find_scenario(
    demo: &Demo,
    course: Option<&Course>,
    dir: Option<&Path>,
) -> Result<Scenario, Diagnostics> {
    let file = format!("{}.toml", demo.scenario);
    let candidates: Vec<PathBuf> = match dir {
        Some(d) => vec![d.join("..").join("scenarios").join(&file), d.join(&file)],
        None => Vec::new(),
    };
    for c in candidates {
        if let Ok(text) = std::fs::read_to_string(&c) {
            return Scenario::parse(&c.display().to_string(), &text);
        }
    }
    if let Some(e) = course.and_then(|c| c.scenarios.get(&demo.scenario)) {
        return Ok(e.scenario.clone());
    }
    Err(Diagnostic { file: demo.file.clone(), line: demo.scenario_at.line, col: demo.scenario_at.col, message: format!("scenario `{}` does not exist", demo.scenario), hint: None }
        .with_hint("name a scenario of the course by its id (`gatelab simulate --list`), or put <id>.toml in ../scenarios/ beside the demo")
        .into())
}

fn run_check(
    demo: &Demo,
    scenario: &Scenario,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    match check(demo, scenario) {
        Err(d) => {
            writeln!(err, "{d}")?;
            Ok(2)
        }
        Ok(report) if report.failures.is_empty() => {
            writeln!(
                out,
                "{}: {} steps played, {} expectations hold",
                demo.file, report.steps, report.expectations
            )?;
            Ok(0)
        }
        Ok(report) => {
            for f in &report.failures {
                for p in &f.problems {
                    writeln!(err, "{}: step {} ({}): {p}", f.location, f.step, f.label)?;
                }
            }
            writeln!(
                err,
                "{}: {} of {} expectations do not hold",
                demo.file,
                report.failures.len(),
                report.expectations
            )?;
            Ok(1)
        }
    }
}

/// The plain player: reads one command a line until `q` or the end of input.
fn play(p: &mut DemoPlayer, input: &mut dyn BufRead, out: &mut dyn Write) -> io::Result<()> {
    let d = p.demo();
    writeln!(out, "{}", d.title)?;
    if !d.description.trim().is_empty() {
        writeln!(out, "{}", d.description.trim())?;
    }
    writeln!(out, "Scenario: {}. {} steps.", p.scenario().title, p.len())?;
    writeln!(out, "{KEYS}")?;
    loop {
        write!(out, "> ")?;
        out.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            writeln!(out)?;
            return Ok(());
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if p.at_end() {
                writeln!(out, "End of the demo.")?;
                return Ok(());
            }
            p.step_forward();
            show_current(p, out)?;
            continue;
        }
        match trimmed {
            "q" | "quit" => return Ok(()),
            "b" | "back" => {
                if p.step_back() {
                    show_current(p, out)?;
                } else {
                    writeln!(out, "This is the start of the demo. {KEYS}")?;
                }
            }
            "?" | "h" | "help" => writeln!(out, "{KEYS}")?,
            "l" | "list" => {
                let here = p.current().map(|r| r.index + 1).unwrap_or(0);
                for (i, st) in p.demo().steps.iter().enumerate() {
                    let mark = if i + 1 == here { "▶" } else { " " };
                    writeln!(out, "{mark} {:>2}. {}", i + 1, st.label())?;
                }
            }
            "resume" => {
                p.resume();
                writeln!(out, "Back on the script.")?;
                show_current(p, out)?;
            }
            "deploy" => match p.lab_mut().deploy() {
                Ok(()) => writeln!(out, "(off the script) deployed")?,
                Err(e) => writeln!(out, "cannot deploy: {e}")?,
            },
            other if other.starts_with("set ") || other.starts_with("fire ") => {
                live(p, other, out)?
            }
            other => match other.parse::<usize>() {
                Ok(n) => match p.jump(n) {
                    Ok(()) => show_current(p, out)?,
                    Err(e) => writeln!(out, "{e}. Type a number from 0 to {}.", p.len())?,
                },
                Err(_) => writeln!(out, "`{other}` is not a command. {KEYS}")?,
            },
        }
    }
}

/// A change made off the script, live in front of the room.
fn live(p: &mut DemoPlayer, cmd: &str, out: &mut dyn Write) -> io::Result<()> {
    let lab = p.lab_mut();
    if let Some(rest) = cmd.strip_prefix("fire ") {
        let name = rest.trim();
        let outcome = match lab.fire_named(name) {
            Some(o) => Some(o),
            None => lab.preset_request(name).map(|r| lab.fire(r)),
        };
        match outcome {
            Some(o) => writeln!(
                out,
                "(off the script) {name}: {} — decided by {} ({})",
                o.status_text,
                o.decided_by.label(),
                o.reason
            )?,
            None => writeln!(out, "no request or preset `{name}` in this lab")?,
        }
        return Ok(());
    }
    let rest = cmd.strip_prefix("set ").unwrap_or("").trim();
    let Some((id, value)) = rest.split_once(' ') else {
        writeln!(
            out,
            "write `set CONTROL VALUE`, e.g. `set authorizers.orders-auth.ttl 0`"
        )?;
        return Ok(());
    };
    let value = value.trim();
    let v = match value {
        "on" | "true" | "yes" => crate::lab::ControlValue::Bool(true),
        "off" | "false" | "no" => crate::lab::ControlValue::Bool(false),
        _ => match value.parse::<i64>() {
            Ok(n) => crate::lab::ControlValue::Number(n),
            Err(_) if value.starts_with('[') && value.ends_with(']') => {
                crate::lab::ControlValue::List(
                    value[1..value.len() - 1]
                        .split(',')
                        .map(|x| x.trim().to_string())
                        .filter(|x| !x.is_empty())
                        .collect(),
                )
            }
            Err(_) => crate::lab::ControlValue::Text(value.to_string()),
        },
    };
    match lab.set_control(id, v) {
        Ok(()) => writeln!(
            out,
            "(off the script) {id} = {value}{}",
            if lab.has_undeployed_changes() {
                " (saved; `deploy` to serve it)"
            } else {
                ""
            }
        )?,
        Err(e) => writeln!(out, "cannot set {id}: {e}")?,
    }
    Ok(())
}

fn show_current(p: &DemoPlayer, out: &mut dyn Write) -> io::Result<()> {
    match p.current() {
        None => writeln!(out, "Back at the start: no step played yet.")?,
        Some(run) => {
            if let Some(step) = p.demo().steps.get(run.index) {
                write!(out, "{}", describe(run, step, p.len()))?;
            }
        }
    }
    if p.at_end() {
        writeln!(out, "(last step; Enter ends the demo)")?;
    }
    Ok(())
}

/// A played step as plain text lines for the room: the step's heading, the
/// answer of the question before it, what happened, and whether the
/// expectation held.
pub fn describe(run: &StepRun, step: &Step, total: usize) -> String {
    let mut s = String::new();
    let mut line = |t: String| {
        s.push_str(&t);
        s.push('\n');
    };
    line(String::new());
    line(format!(
        "Step {} of {total}: {}   [clock {}]",
        run.index + 1,
        step.label(),
        run.now.rfc3339()
    ));
    if let Some(r) = &run.revealed {
        line(format!("Answer: {}", r.trim()));
    }
    match &run.effect {
        StepEffect::Narrated(t) => {
            for l in t.trim().lines() {
                line(format!("  {l}"));
            }
        }
        StepEffect::Asked(q) => {
            line(format!("Question for the room: {}", q.trim()));
            line("  (the answer comes with the next step)".to_string());
        }
        StepEffect::Set {
            control,
            value,
            pending,
        } => {
            line(format!("  {control} is now {value}"));
            if *pending {
                line(
                    "  saved, not deployed: the stage serves the old settings until a deploy"
                        .into(),
                );
            }
        }
        StepEffect::Deployed { changed: true } => line(
            "  the saved settings are deployed to the stage (caches and buckets start afresh)"
                .into(),
        ),
        StepEffect::Deployed { changed: false } => {
            line("  nothing to deploy: the stage already serves the saved settings".into())
        }
        StepEffect::Advanced { by } => line(format!(
            "  the clock jumped {}",
            crate::demo::secs_text(by.as_millis())
        )),
        StepEffect::Fired {
            request, outcomes, ..
        } => {
            let host = request.host().unwrap_or_default();
            line(format!(
                "  {} https://{host}{}",
                request.method, request.target
            ));
            let n = outcomes.len();
            if n > 1 {
                let statuses: Vec<String> = outcomes
                    .iter()
                    .map(|o| {
                        o.status
                            .map(|x| x.to_string())
                            .unwrap_or_else(|| "none".into())
                    })
                    .collect();
                line(format!("  sent {n} times: {}", statuses.join(" ")));
            }
            if let Some(o) = outcomes.last() {
                line(format!(
                    "  → {}, decided by {} ({})",
                    o.status_text,
                    o.decided_by.label(),
                    o.reason
                ));
                if let Some(t) = o.trace.iter().rev().find(|t| t.stage == o.decided_by) {
                    line(format!("    {}", t.detail));
                }
                if let Some(b) = &o.browser {
                    line(format!("  browser: {}", b.message));
                }
            }
            if run.stats.lambda_invocations > 0 || run.stats.cache_hits > 0 {
                line(format!(
                    "  Lambda authorizer so far: {} invocation(s), {} cache hit(s)",
                    run.stats.lambda_invocations, run.stats.cache_hits
                ));
            }
        }
        StepEffect::Traffic { report, .. } => {
            let t = &report.totals;
            line(format!(
                "  {} requests over {} s (on a fresh copy of the gateway)",
                t.sent, report.duration_secs
            ));
            line(format!(
                "  2xx {}  4xx {}  429 {}  5xx {}  no response {}",
                t.ok_2xx, t.s4xx, t.s429, t.s5xx, t.no_response
            ));
            let causes: Vec<String> = t.by_cause.iter().map(|(k, v)| format!("{k} {v}")).collect();
            line(format!("  by cause: {}", causes.join(", ")));
            if report.authorizer_invocations > 0 || t.cache_hits > 0 {
                line(format!(
                    "  Lambda authorizer: {} invocation(s), {} cache hit(s), about ${:.6}",
                    report.authorizer_invocations, t.cache_hits, report.authorizer_cost_usd
                ));
            }
        }
        StepEffect::Failed { message } => line(format!("  this step could not run: {message}")),
    }
    if run.off_script {
        line("  (played on the lab as changed by hand)".to_string());
    }
    if step.expect.is_some() {
        if run.mismatches.is_empty() {
            line("  ✓ as the script expects".to_string());
        } else {
            for m in &run.mismatches {
                line(format!("  ✗ {m}"));
            }
        }
    }
    s
}
