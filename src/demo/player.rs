//! The demo step engine. It plays a [`Demo`] against a [`Lab`] one step at a
//! time; because the simulator is deterministic, going back means playing
//! the script again from the start up to the step before, which restores
//! exactly the state the room saw (clock, caches, buckets, counters).
//!
//! The instructor may leave the script and change the lab live
//! ([`DemoPlayer::lab_mut`]); [`DemoPlayer::resume`] returns to the
//! script's state at the same step.

use std::collections::BTreeMap;

use super::{Action, Demo, FireExpect, Step, StepExpect};
use crate::content::Course;
use crate::diag::{Diagnostic, Diagnostics};
use crate::gateway::pipeline::Stats;
use crate::gateway::request::Request;
use crate::gateway::time::{SimDuration, SimTime};
use crate::gateway::traffic::TrafficReport;
use crate::lab::{Lab, Outcome};
use crate::scenario::{self, Scenario};

/// What a step produced.
#[derive(Clone, Debug, PartialEq)]
pub enum StepEffect {
    /// Text for the room.
    Narrated(String),
    /// A question for the room (its answer comes with the next step).
    Asked(String),
    /// A control changed.
    Set {
        /// The control id.
        control: String,
        /// The value as written in the demo file.
        value: String,
        /// Whether saved settings now wait for a deploy (the stage still
        /// serves the old ones).
        pending: bool,
    },
    /// The saved settings were deployed (caches and buckets start afresh).
    Deployed {
        /// Whether anything was waiting; false: the stage already served them.
        changed: bool,
    },
    /// A request was fired (several outcomes for a request with `repeat`).
    Fired {
        /// The request name or preset id.
        target: String,
        /// What was sent (the last repetition).
        request: Box<Request>,
        /// One outcome per repetition, in order.
        outcomes: Vec<Outcome>,
        /// For each repetition, whether the Lambda authorizer ran.
        invoked: Vec<bool>,
    },
    /// A traffic run went to completion (on a fresh copy of the gateway).
    Traffic {
        /// The traffic preset id.
        preset: String,
        /// Its totals.
        report: Box<TrafficReport>,
    },
    /// The virtual clock moved forward.
    Advanced {
        /// By how much.
        by: SimDuration,
    },
    /// The step could not run (only possible off script: the live changes
    /// removed what the step refers to).
    Failed {
        /// Why.
        message: String,
    },
}

/// One played step and what it showed.
#[derive(Clone, Debug, PartialEq)]
pub struct StepRun {
    /// Index of the step in the script (0-based).
    pub index: usize,
    /// The answer of the question asked by the step before, if it asked one.
    pub revealed: Option<String>,
    /// What the step produced.
    pub effect: StepEffect,
    /// Expectations that did not hold (empty: all held, or none given).
    pub mismatches: Vec<String>,
    /// Whether the step ran on a lab changed by hand.
    pub off_script: bool,
    /// The lab's clock after the step.
    pub now: SimTime,
    /// Authorizer invocations, cache hits and cost since the last redeploy.
    pub stats: Stats,
}

/// Why a step could not run, and which key of it is at fault.
struct StepError {
    key: &'static str,
    message: String,
    hint: String,
}

/// Plays a demo one step at a time.
pub struct DemoPlayer {
    demo: Demo,
    scenario: Scenario,
    lab: Lab,
    runs: Vec<StepRun>,
    off_script: bool,
}

impl DemoPlayer {
    /// Check `demo` against `scenario` (every control id, value, request,
    /// preset and expectation) and stand at the start of the script.
    pub fn new(demo: Demo, scenario: Scenario) -> Result<DemoPlayer, Diagnostics> {
        let problems = validate(&demo, &scenario);
        if !problems.is_empty() {
            return Err(problems);
        }
        let lab = fresh_lab(&demo, &scenario)?;
        Ok(DemoPlayer {
            demo,
            scenario,
            lab,
            runs: Vec::new(),
            off_script: false,
        })
    }

    /// The script.
    pub fn demo(&self) -> &Demo {
        &self.demo
    }

    /// The scenario the demo plays in, as loaded.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Number of steps in the script.
    pub fn len(&self) -> usize {
        self.demo.steps.len()
    }

    /// Whether the script has no steps.
    pub fn is_empty(&self) -> bool {
        self.demo.steps.is_empty()
    }

    /// How many steps have been played (0 at the start, `len()` at the end).
    pub fn position(&self) -> usize {
        self.runs.len()
    }

    /// Whether every step has been played.
    pub fn at_end(&self) -> bool {
        self.runs.len() >= self.demo.steps.len()
    }

    /// The step played last, or `None` at the start.
    pub fn current(&self) -> Option<&StepRun> {
        self.runs.last()
    }

    /// Every step played so far, in order.
    pub fn history(&self) -> &[StepRun] {
        &self.runs
    }

    /// Whether the lab was changed by hand since the script last set it.
    pub fn is_off_script(&self) -> bool {
        self.off_script
    }

    /// Play the next step; `None` at the end of the script.
    pub fn step_forward(&mut self) -> Option<&StepRun> {
        let i = self.runs.len();
        let step = self.demo.steps.get(i)?;
        let revealed = reveal_before(&self.demo, i);
        let run = play(&mut self.lab, step, i, revealed, self.off_script);
        self.runs.push(run);
        self.runs.last()
    }

    /// Go back one step: the script is played again from the start up to the
    /// step before the current one. Returns false at the start.
    pub fn step_back(&mut self) -> bool {
        match self.runs.len() {
            0 => false,
            n => {
                self.replay_to(n - 1);
                true
            }
        }
    }

    /// Stand after step `n` (1-based; 0 is the start), replaying from the
    /// start. Refused past the end.
    pub fn jump(&mut self, n: usize) -> Result<(), String> {
        if n > self.demo.steps.len() {
            return Err(format!(
                "there is no step {n}: the demo has {} steps",
                self.demo.steps.len()
            ));
        }
        if n >= self.runs.len() && !self.off_script {
            while self.runs.len() < n {
                self.step_forward();
            }
        } else {
            self.replay_to(n);
        }
        Ok(())
    }

    /// The lab as the script left it (or as changed by hand).
    pub fn lab(&self) -> &Lab {
        &self.lab
    }

    /// The lab, to change it by hand. The player is off script from now on
    /// until [`DemoPlayer::resume`] (or a step back or jump).
    pub fn lab_mut(&mut self) -> &mut Lab {
        self.off_script = true;
        &mut self.lab
    }

    /// Return to the script at the same step: the lab is rebuilt as the
    /// script leaves it after the current step, dropping changes made by hand.
    pub fn resume(&mut self) {
        let n = self.runs.len();
        self.replay_to(n);
    }

    /// Rebuild the lab and play the first `n` steps.
    fn replay_to(&mut self, n: usize) {
        let Ok(lab) = fresh_lab(&self.demo, &self.scenario) else {
            return;
        };
        self.lab = lab;
        self.runs.clear();
        self.off_script = false;
        for i in 0..n.min(self.demo.steps.len()) {
            if let Some(step) = self.demo.steps.get(i) {
                let run = play(&mut self.lab, step, i, reveal_before(&self.demo, i), false);
                self.runs.push(run);
            }
        }
    }
}

fn fresh_lab(demo: &Demo, scenario: &Scenario) -> Result<Lab, Diagnostics> {
    Lab::new(scenario.clone()).map_err(|e| {
        Diagnostics::from(
            Diagnostic {
                file: demo.file.clone(),
                line: demo.scenario_at.line,
                col: demo.scenario_at.col,
                message: format!(
                    "scenario `{}` cannot be opened in the lab: {e}",
                    scenario.id
                ),
                hint: None,
            }
            .with_hint("run `gatelab check` to see the scenario's problems"),
        )
    })
}

fn reveal_before(demo: &Demo, i: usize) -> Option<String> {
    let prev = demo.steps.get(i.checked_sub(1)?)?;
    match &prev.action {
        Action::Ask { reveal, .. } => Some(reveal.clone()),
        _ => None,
    }
}

/// Play one step on the lab and check its expectation.
fn play(
    lab: &mut Lab,
    step: &Step,
    index: usize,
    revealed: Option<String>,
    off_script: bool,
) -> StepRun {
    let (result, mismatches) = match exec(lab, step) {
        Ok(r) => {
            let m = mismatches(step, &r);
            (r, m)
        }
        Err(e) => {
            let message = format!("{} ({})", e.message, e.hint);
            (
                StepEffect::Failed {
                    message: message.clone(),
                },
                if step.expect.is_some() {
                    vec![format!("the step could not run: {message}")]
                } else {
                    Vec::new()
                },
            )
        }
    };
    StepRun {
        index,
        revealed,
        effect: result,
        mismatches,
        off_script,
        now: lab.now(),
        stats: lab.stats(),
    }
}

/// Names of things a fire step may target, for hints.
fn fire_targets(lab: &Lab) -> String {
    let names: Vec<String> = lab
        .scenario()
        .requests
        .iter()
        .map(|r| r.name.clone())
        .collect();
    let presets: Vec<String> = lab.presets().into_iter().map(|p| p.id).collect();
    format!(
        "requests of the scenario: {}; presets: {}",
        list_or_none(&names),
        list_or_none(&presets)
    )
}

fn list_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".to_string()
    } else {
        v.join(", ")
    }
}

/// Control ids that share the first part of `id`, for hints.
fn similar_controls(lab: &Lab, id: &str) -> String {
    let ids: Vec<String> = lab.controls().into_iter().map(|c| c.id).collect();
    let head = id.split('.').next().unwrap_or(id);
    let close: Vec<String> = ids
        .iter()
        .filter(|c| c.split('.').next() == Some(head))
        .take(12)
        .cloned()
        .collect();
    if close.is_empty() {
        let heads: std::collections::BTreeSet<&str> = ids
            .iter()
            .map(|c| c.split('.').next().unwrap_or(c))
            .collect();
        format!(
            "control ids start with {}",
            heads.into_iter().collect::<Vec<_>>().join(", ")
        )
    } else {
        format!("controls here: {}", close.join(", "))
    }
}

/// Fire one request; also tell whether the Lambda authorizer ran for it.
fn fire_once(lab: &mut Lab, req: &Request) -> (Outcome, bool) {
    let before = lab.stats().lambda_invocations;
    let o = lab.fire(req.clone());
    (o, lab.stats().lambda_invocations > before)
}

fn exec(lab: &mut Lab, step: &Step) -> Result<StepEffect, StepError> {
    match &step.action {
        Action::Narrate(t) => Ok(StepEffect::Narrated(t.clone())),
        Action::Ask { question, .. } => Ok(StepEffect::Asked(question.clone())),
        Action::Advance { millis } => {
            lab.advance(*millis);
            Ok(StepEffect::Advanced {
                by: SimDuration::from_millis(*millis),
            })
        }
        Action::Deploy => {
            let changed = lab.has_undeployed_changes();
            lab.deploy().map_err(|e| StepError {
                key: "deploy",
                message: format!("the saved settings cannot be deployed: {e}"),
                hint: "fix the settings changed before this step".into(),
            })?;
            Ok(StepEffect::Deployed { changed })
        }
        Action::Set { control, value } => {
            // The lab accepts config-path spellings of an id too (see `canonical_id`).
            let id = crate::lab::controls::canonical_id(control);
            if !lab.controls().iter().any(|c| c.id == id) {
                return Err(StepError {
                    key: "set",
                    message: format!("no control `{control}` in this lab at this step"),
                    hint: similar_controls(lab, &id),
                });
            }
            lab.set_control(control, value.clone())
                .map_err(|e| StepError {
                    key: "value",
                    message: format!(
                        "cannot set `{control}` to {}: {e}",
                        super::value_text(value)
                    ),
                    hint: "use a value the control accepts (see docs/demos.md)".into(),
                })?;
            Ok(StepEffect::Set {
                control: control.clone(),
                value: super::value_text(value),
                pending: lab.has_undeployed_changes(),
            })
        }
        Action::Fire(target) => {
            if let Some(r) = lab.scenario().request(target).cloned() {
                lab.advance((r.wait_secs * 1000.0).round() as u64);
                let req = scenario::build_request(&r, lab.config(), lab.now()).map_err(|e| {
                    StepError {
                        key: "fire",
                        message: format!("request `{target}` cannot be built: {e}"),
                        hint:
                            "the settings changed so that the request refers to something missing"
                                .into(),
                    }
                })?;
                let (outcomes, invoked) =
                    (0..r.repeat.max(1)).map(|_| fire_once(lab, &req)).unzip();
                return Ok(StepEffect::Fired {
                    target: target.clone(),
                    request: Box::new(req),
                    outcomes,
                    invoked,
                });
            }
            if lab.presets().iter().any(|p| &p.id == target)
                && let Some(req) = lab.preset_request(target)
            {
                let (o, i) = fire_once(lab, &req);
                return Ok(StepEffect::Fired {
                    target: target.clone(),
                    request: Box::new(req),
                    outcomes: vec![o],
                    invoked: vec![i],
                });
            }
            Err(StepError {
                key: "fire",
                message: format!(
                    "`{target}` is neither a request of scenario `{}` nor a preset of the lab",
                    lab.scenario_id()
                ),
                hint: fire_targets(lab),
            })
        }
        Action::Traffic(preset) => {
            lab.start_traffic(preset).map_err(|e| {
                let ids: Vec<String> = lab.traffic_presets().into_iter().map(|p| p.id).collect();
                StepError {
                    key: "traffic",
                    message: e,
                    hint: format!("traffic presets here: {}", list_or_none(&ids)),
                }
            })?;
            while lab.traffic_step().is_some() {}
            let report = lab.traffic_report().ok_or_else(|| StepError {
                key: "traffic",
                message: format!("traffic `{preset}` produced no report"),
                hint: "try another preset".into(),
            })?;
            Ok(StepEffect::Traffic {
                preset: preset.clone(),
                report: Box::new(report),
            })
        }
    }
}

/// The expectation mismatches of a step's result, one sentence each.
fn mismatches(step: &Step, r: &StepEffect) -> Vec<String> {
    match (&step.expect, r) {
        (Some(StepExpect::Fire(e)), StepEffect::Fired { outcomes, .. }) => {
            fire_mismatches(e, outcomes)
        }
        (Some(StepExpect::Traffic(t)), StepEffect::Traffic { report, .. }) => {
            scenario::check_traffic(t, report)
        }
        _ => Vec::new(),
    }
}

fn fire_mismatches(e: &FireExpect, outcomes: &[Outcome]) -> Vec<String> {
    if outcomes.is_empty() {
        return vec!["no request was sent".to_string()];
    }
    if !e.statuses.is_empty() && e.statuses.len() != outcomes.len() {
        return vec![format!(
            "expected {} responses, got {}",
            e.statuses.len(),
            outcomes.len()
        )];
    }
    outcomes
        .iter()
        .enumerate()
        .flat_map(|(i, o)| scenario::check_expect(e, o, i as u32))
        .collect()
}

/// Check a demo against its scenario without running expectations' verdicts:
/// every control id exists at its step, every value is accepted, every fire
/// and traffic target exists, and `statuses` fit the request's `repeat`. The
/// script is played once to know what the lab offers at each step.
pub fn validate(demo: &Demo, scenario: &Scenario) -> Diagnostics {
    let mut d = Diagnostics::default();
    let mut lab = match fresh_lab(demo, scenario) {
        Ok(l) => l,
        Err(e) => return e,
    };
    for (i, step) in demo.steps.iter().enumerate() {
        if let (Action::Fire(target), Some(StepExpect::Fire(e))) = (&step.action, &step.expect)
            && !e.statuses.is_empty()
        {
            let repeat = lab
                .scenario()
                .request(target)
                .map(|r| r.repeat.max(1) as usize)
                .unwrap_or(1);
            if e.statuses.len() != repeat {
                d.push(
                    demo.step_diag(i, "expect", format!("step {}: statuses lists {} status(es), but `{target}` is sent {repeat} time(s)", i + 1, e.statuses.len()))
                        .with_hint("give one status per repetition, or use status for the last one"),
                );
            }
        }
        if let Err(e) = exec(&mut lab, step) {
            d.push(
                demo.step_diag(i, e.key, format!("step {}: {}", i + 1, e.message))
                    .with_hint(e.hint),
            );
        }
    }
    d
}

/// One step whose expectation did not hold.
#[derive(Clone, Debug, PartialEq)]
pub struct StepFailure {
    /// Step number, 1-based.
    pub step: usize,
    /// `file:line:col` of the step's expectation.
    pub location: String,
    /// The step in a few words.
    pub label: String,
    /// What did not hold.
    pub problems: Vec<String>,
}

/// The result of playing a whole demo headless.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckReport {
    /// Steps played.
    pub steps: usize,
    /// Steps that carry an expectation.
    pub expectations: usize,
    /// Steps whose expectation did not hold.
    pub failures: Vec<StepFailure>,
}

/// Play every step of a demo and verify every expectation. `Err` when the
/// demo does not fit its scenario (see [`validate`]).
pub fn check(demo: &Demo, scenario: &Scenario) -> Result<CheckReport, Diagnostics> {
    let mut p = DemoPlayer::new(demo.clone(), scenario.clone())?;
    let mut report = CheckReport {
        steps: p.len(),
        ..CheckReport::default()
    };
    while let Some(run) = p.step_forward() {
        let i = run.index;
        let Some(step) = demo.steps.get(i) else {
            continue;
        };
        if step.expect.is_some() {
            report.expectations += 1;
        }
        if !run.mismatches.is_empty() {
            let d = demo.step_diag(i, "expect", "");
            report.failures.push(StepFailure {
                step: i + 1,
                location: d.location(),
                label: step.label(),
                problems: run.mismatches.clone(),
            });
        }
    }
    Ok(report)
}

/// Every demo of a course: it parses, its scenario exists, it fits the
/// scenario and every expectation holds. For `gatelab check`.
pub fn check_course(course: &Course) -> Diagnostics {
    let mut d = Diagnostics::default();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for src in &course.demos {
        let demo = match Demo::parse(&src.file, &src.text) {
            Ok(x) => x,
            Err(e) => {
                d.extend(e);
                continue;
            }
        };
        if let Some(prev) = ids.insert(demo.id.clone(), src.file.clone()) {
            d.push(
                Diagnostic::whole_file(
                    &src.file,
                    format!("demo id `{}` is also used by {prev}", demo.id),
                )
                .with_hint("demo ids are unique"),
            );
        }
        let Some(entry) = course.scenarios.get(&demo.scenario) else {
            d.push(
                Diagnostic {
                    file: demo.file.clone(),
                    line: demo.scenario_at.line,
                    col: demo.scenario_at.col,
                    message: format!("scenario `{}` does not exist", demo.scenario),
                    hint: None,
                }
                .with_hint("name a scenario in assets/scenarios/ by its id"),
            );
            continue;
        };
        match check(&demo, &entry.scenario) {
            Err(e) => d.extend(e),
            Ok(report) => {
                for f in report.failures {
                    let s = demo
                        .steps
                        .get(f.step.saturating_sub(1))
                        .map(|s| s.spot("expect"))
                        .unwrap_or_default();
                    for m in f.problems {
                        d.push(
                            Diagnostic { file: demo.file.clone(), line: s.line, col: s.col, message: format!("step {} ({}): {m}", f.step, f.label), hint: None }
                                .with_hint("the expectation does not hold in the simulator: fix the step, the expectation or the scenario"),
                        );
                    }
                }
            }
        }
    }
    d
}
