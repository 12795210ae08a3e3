//! Instructor demos: a script of steps played against one scenario in the
//! lab, for a class to watch. Steps narrate, change a setting, fire a
//! request, run traffic, move the virtual clock or ask the room a question;
//! fire and traffic steps may carry expectations so a demo cannot silently
//! drift from what the simulator does.
//!
//! - this module: the file format (`assets/demos/<id>.toml`) and its parser,
//!   every problem as `file:line:col` with a hint;
//! - [`player`]: the pure step engine ([`DemoPlayer`]), validation against a
//!   scenario and the headless check.
//!
//! Pure: no terminal, no file system, no clock. The format is documented in
//! `docs/demos.md`.

/// The step engine, validation and the headless check.
pub mod player;

pub use player::{
    CheckReport, DemoPlayer, StepEffect, StepFailure, StepRun, check, check_course, validate,
};

use serde::Deserialize;
use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics, PathSeg, TomlLocator, parse_toml};
use crate::gateway::reason::Reason;
use crate::lab::ControlValue;
use crate::path;

/// The longest jump of the virtual clock one step may make (ten years).
pub const MAX_ADVANCE_SECS: f64 = 315_360_000.0;

/// Where a part of a demo file was written (1-based line and column).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spot {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

/// A parsed demo file.
#[derive(Clone, Debug, PartialEq)]
pub struct Demo {
    /// The file name used in messages.
    pub file: String,
    /// Stable kebab-case id, equal to the file name.
    pub id: String,
    /// Shown to the room.
    pub title: String,
    /// What the demo shows, in a sentence or two.
    pub description: String,
    /// Id of the scenario the demo plays in (`assets/scenarios/<id>.toml`).
    pub scenario: String,
    /// Where `scenario` is written, for problems with the scenario itself.
    pub scenario_at: Spot,
    /// The script.
    pub steps: Vec<Step>,
}

/// One step of the script.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// What the step does.
    pub action: Action,
    /// What a fire or traffic step must produce.
    pub expect: Option<StepExpect>,
    /// Where the step (key `""`) and each of its keys are written.
    pub at: BTreeMap<String, Spot>,
}

impl Step {
    /// Position of `key` in this step, else of the step itself.
    pub fn spot(&self, key: &str) -> Spot {
        self.at
            .get(key)
            .or_else(|| self.at.get(""))
            .copied()
            .unwrap_or(Spot { line: 1, col: 1 })
    }

    /// The step in a few words, e.g. ``fire `no-token` ``.
    pub fn label(&self) -> String {
        match &self.action {
            Action::Narrate(_) => "narrate".to_string(),
            Action::Set { control, value } => format!("set {control} = {}", value_text(value)),
            Action::Fire(t) => format!("fire `{t}`"),
            Action::Traffic(t) => format!("traffic `{t}`"),
            Action::Advance { millis } => format!("advance the clock {}", secs_text(*millis)),
            Action::Deploy => "deploy the API".to_string(),
            Action::Ask { .. } => "ask the room".to_string(),
        }
    }
}

/// What a step does.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Text shown to the room.
    Narrate(String),
    /// Change a lab control (as [`crate::lab::Lab::set_control`]). Stage
    /// settings apply at once; method, authorizer, resource-policy and API
    /// settings wait for a [`Action::Deploy`], as on AWS.
    Set {
        /// Control id, a config path such as `authorizers.orders-auth.ttl`.
        control: String,
        /// The new value.
        value: ControlValue,
    },
    /// Deploy the saved settings to the stage ([`crate::lab::Lab::deploy`]).
    Deploy,
    /// Fire a named request of the scenario, or a request preset of the lab.
    Fire(String),
    /// Run a traffic preset of the lab to completion.
    Traffic(String),
    /// Jump the virtual clock forward.
    Advance {
        /// How far, in milliseconds.
        millis: u64,
    },
    /// A question to the room; `reveal` is shown with the next step.
    Ask {
        /// The question.
        question: String,
        /// The answer, shown when the instructor moves on.
        reveal: String,
    },
}

/// What a fire or traffic step must produce.
#[derive(Clone, Debug, PartialEq)]
pub enum StepExpect {
    /// For a fire step.
    Fire(FireExpect),
    /// For a traffic step: totals by status class, reason code or counter
    /// (the same names as a scenario's `[[traffic]]` expectations).
    Traffic(BTreeMap<String, u64>),
}

/// What a fired request must get: the scenario files' expectation.
pub use crate::scenario::Expect as FireExpect;

/// Totals a traffic expectation may name besides reason codes.
pub const TRAFFIC_TOTALS: [&str; 8] = [
    "sent",
    "2xx",
    "4xx",
    "429",
    "5xx",
    "no-response",
    "authorizer-invocations",
    "cache-hits",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDemo {
    id: String,
    title: String,
    #[serde(default)]
    description: String,
    scenario: String,
    #[serde(default)]
    steps: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawStep {
    narrate: Option<String>,
    set: Option<String>,
    value: Option<toml::Value>,
    fire: Option<String>,
    traffic: Option<String>,
    advance_secs: Option<toml::Value>,
    deploy: Option<bool>,
    ask: Option<String>,
    reveal: Option<String>,
    expect: Option<toml::Table>,
}

const ACTION_KEYS: [&str; 7] = [
    "narrate",
    "set",
    "deploy",
    "fire",
    "traffic",
    "advance-secs",
    "ask",
];

/// A value as the demo file would write it: `true`, `300`, `"AWS_IAM"`, `["a", "b"]`.
pub fn value_text(v: &ControlValue) -> String {
    match v {
        ControlValue::Bool(b) => b.to_string(),
        ControlValue::Choice(i) => format!("choice {}", i + 1),
        ControlValue::Number(n) => n.to_string(),
        ControlValue::Text(t) => format!("{t:?}"),
        ControlValue::List(l) => format!(
            "[{}]",
            l.iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Milliseconds as seconds people read: `301 s`, `1.5 s`.
pub fn secs_text(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{} s", ms as f64 / 1000.0)
    }
}

/// A TOML value as a control value.
fn control_value(v: &toml::Value) -> Result<ControlValue, String> {
    match v {
        toml::Value::Boolean(b) => Ok(ControlValue::Bool(*b)),
        toml::Value::Integer(n) => Ok(ControlValue::Number(*n)),
        toml::Value::String(s) => Ok(ControlValue::Text(s.clone())),
        toml::Value::Array(items) => items
            .iter()
            .map(|x| match x {
                toml::Value::String(s) => Ok(s.clone()),
                other => Err(format!("list items must be text, not {}", other.type_str())),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(ControlValue::List),
        toml::Value::Float(f) => Err(format!(
            "{f} is not a whole number; settings take whole numbers"
        )),
        other => Err(format!(
            "a {} cannot be a setting's value",
            other.type_str()
        )),
    }
}

fn advance_millis(v: &toml::Value) -> Result<u64, String> {
    let secs = match v {
        toml::Value::Integer(n) => *n as f64,
        toml::Value::Float(f) => *f,
        other => {
            return Err(format!(
                "advance-secs must be a number of seconds, not {}",
                other.type_str()
            ));
        }
    };
    if !secs.is_finite() || secs <= 0.0 {
        return Err("advance-secs must be more than zero".to_string());
    }
    if secs > MAX_ADVANCE_SECS {
        return Err(format!("advance-secs {secs} is more than ten years"));
    }
    Ok((secs * 1000.0).round() as u64)
}

/// Whether `s` is a kebab-case id.
fn is_kebab(s: &str) -> bool {
    crate::quiz::model::is_kebab_id(s)
}

impl Demo {
    /// Parse a demo file and check everything that does not need its
    /// scenario. Every problem is reported, not only the first.
    pub fn parse(file: &str, src: &str) -> Result<Demo, Diagnostics> {
        let raw: RawDemo = parse_toml(file, src)?;
        let loc = TomlLocator::new(src);
        let spot = |p: Vec<PathSeg>| {
            let d = loc.diag(file, &p, "");
            Spot {
                line: d.line,
                col: d.col,
            }
        };
        let mut d = Diagnostics::default();
        let diag = |p: Vec<PathSeg>, m: String, h: &str| loc.diag(file, &p, m).with_hint(h);
        if !is_kebab(&raw.id) {
            d.push(diag(
                path!["id"],
                format!("demo id `{}` is not kebab-case", raw.id),
                "use lower-case words joined by -, e.g. \"authorizer-caching\"",
            ));
        }
        let stem = std::path::Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        if file.ends_with(".toml") && stem != raw.id {
            d.push(diag(
                path!["id"],
                format!("demo id `{}` differs from the file name `{stem}`", raw.id),
                "name the file <id>.toml",
            ));
        }
        if raw.title.trim().is_empty() {
            d.push(diag(
                path!["title"],
                "the title is empty".into(),
                "say in a few words what the demo shows",
            ));
        }
        if raw.scenario.trim().is_empty() {
            d.push(diag(
                path!["scenario"],
                "the scenario id is empty".into(),
                "name a scenario in assets/scenarios/ by its id",
            ));
        }
        if raw.steps.is_empty() {
            d.push(diag(
                path!["steps"],
                "the demo has no steps".into(),
                "add [[steps]] tables, e.g. narrate = \"...\"",
            ));
        }
        let n = raw.steps.len();
        let mut steps = Vec::new();
        for (i, r) in raw.steps.into_iter().enumerate() {
            let at_key = |k: &str| path!["steps", i, k];
            let mut at = BTreeMap::new();
            at.insert(String::new(), spot(path!["steps", i]));
            for k in ACTION_KEYS
                .iter()
                .chain(["value", "reveal", "expect"].iter())
            {
                if loc.span(at_key(k)).is_some() && has_key(&r, k) {
                    at.insert(k.to_string(), spot(at_key(k)));
                }
            }
            let present: Vec<&str> = ACTION_KEYS
                .iter()
                .copied()
                .filter(|k| has_key(&r, k))
                .collect();
            let action_key = match present.as_slice() {
                [one] => *one,
                [] => {
                    d.push(diag(
                        path!["steps", i],
                        format!("step {} has no action", i + 1),
                        "give it one of narrate, set, deploy, fire, traffic, advance-secs or ask",
                    ));
                    continue;
                }
                [_, second, ..] => {
                    d.push(diag(
                        at_key(second),
                        format!(
                            "step {} has several actions ({})",
                            i + 1,
                            present.join(", ")
                        ),
                        "one action per step: split it into several [[steps]]",
                    ));
                    continue;
                }
            };
            let mut ok = true;
            let mut refuse = |key: &str, why: &str| {
                d.push(diag(
                    at_key(key),
                    format!("`{key}` does not go with `{action_key}`"),
                    why,
                ));
                ok = false;
            };
            if r.value.is_some() && action_key != "set" {
                refuse("value", "`value` belongs to a set step");
            }
            if r.reveal.is_some() && action_key != "ask" {
                refuse("reveal", "`reveal` belongs to an ask step");
            }
            if r.expect.is_some() && action_key != "fire" && action_key != "traffic" {
                refuse("expect", "only fire and traffic steps have expectations");
            }
            let text_ok = |s: &Option<String>| s.as_deref().is_some_and(|t| !t.trim().is_empty());
            let action = match action_key {
                "narrate" => {
                    if !text_ok(&r.narrate) {
                        d.push(diag(
                            at_key("narrate"),
                            "the narration is empty".into(),
                            "write what the room should read",
                        ));
                        ok = false;
                    }
                    Action::Narrate(r.narrate.unwrap_or_default())
                }
                "set" => {
                    let control = r.set.unwrap_or_default();
                    if control.trim().is_empty() {
                        d.push(diag(
                            at_key("set"),
                            "the control id is empty".into(),
                            "use a control id such as \"authorizers.orders-auth.ttl\"",
                        ));
                        ok = false;
                    }
                    match &r.value {
                        None => {
                            d.push(diag(
                                at_key("set"),
                                format!("set `{control}` has no value"),
                                "add value = ... (true/false, a number, text or a list of text)",
                            ));
                            ok = false;
                            Action::Narrate(String::new())
                        }
                        Some(v) => match control_value(v) {
                            Ok(value) => Action::Set { control, value },
                            Err(e) => {
                                d.push(diag(
                                    at_key("value"),
                                    format!("bad value for `{control}`: {e}"),
                                    "use true/false, a whole number, text or a list of text",
                                ));
                                ok = false;
                                Action::Narrate(String::new())
                            }
                        },
                    }
                }
                "fire" => {
                    let t = r.fire.unwrap_or_default();
                    if t.trim().is_empty() {
                        d.push(diag(at_key("fire"), "the request name is empty".into(), "name a [[requests]] entry of the scenario or a preset such as \"plain\""));
                        ok = false;
                    }
                    Action::Fire(t)
                }
                "traffic" => {
                    let t = r.traffic.unwrap_or_default();
                    if t.trim().is_empty() {
                        d.push(diag(
                            at_key("traffic"),
                            "the traffic preset is empty".into(),
                            "name a [[traffic]] run of the scenario, or steady-20 or burst-200",
                        ));
                        ok = false;
                    }
                    Action::Traffic(t)
                }
                "deploy" => {
                    if r.deploy != Some(true) {
                        d.push(diag(
                            at_key("deploy"),
                            "deploy = false does nothing".into(),
                            "write deploy = true to deploy the saved settings, or remove the step",
                        ));
                        ok = false;
                    }
                    Action::Deploy
                }
                "advance-secs" => match r.advance_secs.as_ref().map(advance_millis) {
                    Some(Ok(millis)) => Action::Advance { millis },
                    Some(Err(e)) => {
                        d.push(diag(
                            at_key("advance-secs"),
                            e,
                            "give the seconds to jump, e.g. advance-secs = 301",
                        ));
                        ok = false;
                        Action::Narrate(String::new())
                    }
                    None => Action::Narrate(String::new()),
                },
                _ => {
                    if !text_ok(&r.ask) {
                        d.push(diag(
                            at_key("ask"),
                            "the question is empty".into(),
                            "write the question for the room",
                        ));
                        ok = false;
                    }
                    if !text_ok(&r.reveal) {
                        d.push(diag(
                            at_key("ask"),
                            "an ask step needs a `reveal`".into(),
                            "add reveal = \"...\": the answer, shown with the next step",
                        ));
                        ok = false;
                    }
                    if i + 1 == n {
                        d.push(diag(
                            at_key("ask"),
                            "the demo ends with a question, so its answer is never revealed".into(),
                            "add a step after it, e.g. a narrate step",
                        ));
                        ok = false;
                    }
                    Action::Ask {
                        question: r.ask.unwrap_or_default(),
                        reveal: r.reveal.unwrap_or_default(),
                    }
                }
            };
            let expect = match (r.expect, &action) {
                (Some(t), Action::Fire(_)) => match parse_fire_expect(t) {
                    Ok(e) => {
                        for (k, m, h) in fire_expect_problems(&e) {
                            d.push(diag(path!["steps", i, "expect", k], m, &h));
                            ok = false;
                        }
                        Some(StepExpect::Fire(e))
                    }
                    Err(m) => {
                        d.push(diag(at_key("expect"), m, "keys: status, statuses, decided-by, reason, browser, headers, body-contains, authorizer-invoked"));
                        ok = false;
                        None
                    }
                },
                (Some(t), Action::Traffic(_)) => {
                    let mut totals = BTreeMap::new();
                    for (k, v) in t {
                        if !TRAFFIC_TOTALS.contains(&k.as_str()) && Reason::from_code(&k).is_none()
                        {
                            d.push(diag(
                                path!["steps", i, "expect", k.as_str()],
                                format!("unknown total `{k}`"),
                                &format!(
                                    "use {} or a reason code such as key-throttled",
                                    TRAFFIC_TOTALS.join(", ")
                                ),
                            ));
                            ok = false;
                            continue;
                        }
                        match v.as_integer().filter(|n| *n >= 0) {
                            Some(n) => {
                                totals.insert(k, n as u64);
                            }
                            None => {
                                d.push(diag(
                                    path!["steps", i, "expect", k.as_str()],
                                    format!("total `{k}` must be a whole number, zero or more"),
                                    "e.g. \"429\" = 190",
                                ));
                                ok = false;
                            }
                        }
                    }
                    Some(StepExpect::Traffic(totals))
                }
                _ => None,
            };
            if ok {
                steps.push(Step { action, expect, at });
            }
        }
        let demo = Demo {
            file: file.to_string(),
            id: raw.id,
            title: raw.title,
            description: raw.description,
            scenario: raw.scenario,
            scenario_at: spot(path!["scenario"]),
            steps,
        };
        d.into_result(demo)
    }

    /// A problem at `key` of step `index` (0-based).
    pub fn step_diag(&self, index: usize, key: &str, message: impl Into<String>) -> Diagnostic {
        let s = self
            .steps
            .get(index)
            .map(|s| s.spot(key))
            .unwrap_or(Spot { line: 1, col: 1 });
        Diagnostic {
            file: self.file.clone(),
            line: s.line,
            col: s.col,
            message: message.into(),
            hint: None,
        }
    }
}

fn has_key(r: &RawStep, k: &str) -> bool {
    match k {
        "narrate" => r.narrate.is_some(),
        "set" => r.set.is_some(),
        "fire" => r.fire.is_some(),
        "traffic" => r.traffic.is_some(),
        "advance-secs" => r.advance_secs.is_some(),
        "deploy" => r.deploy.is_some(),
        "ask" => r.ask.is_some(),
        "value" => r.value.is_some(),
        "reveal" => r.reveal.is_some(),
        "expect" => r.expect.is_some(),
        _ => false,
    }
}

fn parse_fire_expect(t: toml::Table) -> Result<FireExpect, String> {
    toml::Value::Table(t).try_into::<FireExpect>().map_err(|e| {
        let m = e.message().trim().to_string();
        match m.strip_prefix("unknown field ") {
            Some(rest) => format!(
                "unknown key {} in expect",
                rest.split(", expected").next().unwrap_or(rest)
            ),
            None => format!("expect: {m}"),
        }
    })
}

/// Problems with the values of a fire expectation: (key, message, hint).
fn fire_expect_problems(e: &FireExpect) -> Vec<(&'static str, String, String)> {
    // The repetition count is checked against the request where it is known.
    e.problems(e.statuses.len().max(1) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"id = "t"
title = "T"
scenario = "s"

[[steps]]
narrate = "Hello"

[[steps]]
set = "authorizers.a.ttl"
value = 0

[[steps]]
fire = "no-token"
expect = { status = 401, decided-by = "authorizer" }

[[steps]]
ask = "What now?"
reveal = "A 401."

[[steps]]
advance-secs = 1.5

[[steps]]
traffic = "steady-20"
expect = { "2xx" = 600, "key-throttled" = 0 }
"#;

    #[test]
    fn a_good_file_parses_into_steps_with_positions() {
        let d = Demo::parse("t.toml", OK).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.steps.len(), 6);
        assert_eq!(
            d.steps[1].action,
            Action::Set {
                control: "authorizers.a.ttl".into(),
                value: ControlValue::Number(0)
            }
        );
        assert_eq!(d.steps[4].action, Action::Advance { millis: 1500 });
        assert_eq!(d.steps[2].spot("fire").line, 13);
        assert_eq!(d.steps[2].label(), "fire `no-token`");
        match &d.steps[5].expect {
            Some(StepExpect::Traffic(t)) => assert_eq!(t.get("2xx"), Some(&600)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_structural_problem_is_reported_with_its_line() {
        let src = "id = \"Bad_Id\"\ntitle = \"x\"\nscenario = \"s\"\n\n[[steps]]\nnarrate = \"a\"\nfire = \"b\"\n\n[[steps]]\nset = \"x.y\"\n\n[[steps]]\nfire = \"r\"\nexpect = { decided-by = \"lambda\", browser = \"maybe\" }\n\n[[steps]]\nadvance-secs = -3\n\n[[steps]]\nask = \"Why?\"\n";
        let e = Demo::parse("bad.toml", src).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("bad.toml:1:6: demo id `Bad_Id` is not kebab-case"),
            "{text}"
        );
        assert!(
            text.contains("bad.toml:7:8: step 1 has several actions"),
            "{text}"
        );
        assert!(
            text.contains("bad.toml:10:7: set `x.y` has no value"),
            "{text}"
        );
        assert!(text.contains("unknown stage `lambda`"), "{text}");
        assert!(text.contains("browser `maybe`"), "{text}");
        assert!(
            text.contains("bad.toml:17:16: advance-secs must be more than zero"),
            "{text}"
        );
        assert!(text.contains("an ask step needs a `reveal`"), "{text}");
        assert!(text.contains("the demo ends with a question"), "{text}");
        assert!(
            text.contains("bad.toml:1:6: demo id `Bad_Id` differs from the file name `bad`"),
            "{text}"
        );
        assert_eq!(e.len(), 9, "{text}");
    }

    #[test]
    fn unknown_keys_and_values_are_refused() {
        let e = Demo::parse(
            "u.toml",
            "id = \"u\"\ntitle = \"U\"\nscenario = \"s\"\n[[steps]]\nnarate = \"x\"\n",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("u.toml:5:1: unknown key `narate`"),
            "{e}"
        );
        let e = Demo::parse(
            "v.toml",
            "id = \"v\"\ntitle = \"V\"\nscenario = \"s\"\n[[steps]]\nset = \"a.b\"\nvalue = 1.5\n",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("v.toml:6:9: bad value for `a.b`: 1.5 is not a whole number"),
            "{e}"
        );
        let e = Demo::parse("w.toml", "id = \"w\"\ntitle = \"W\"\nscenario = \"s\"\n[[steps]]\ntraffic = \"t\"\nexpect = { \"2xx\" = 1, \"oops\" = 2 }\n").unwrap_err();
        assert!(e.to_string().contains("unknown total `oops`"), "{e}");
        let e = Demo::parse(
            "y.toml",
            "id = \"y\"\ntitle = \"Y\"\nscenario = \"s\"\n[[steps]]\ndeploy = false\n",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("y.toml:5:10: deploy = false does nothing"),
            "{e}"
        );
        let e = Demo::parse("x.toml", "id = \"x\"\ntitle = \"X\"\nscenario = \"s\"\n[[steps]]\nfire = \"t\"\nexpect = { stauts = 200 }\n").unwrap_err();
        assert!(
            e.to_string().contains("unknown key `stauts` in expect"),
            "{e}"
        );
    }

    #[test]
    fn values_map_to_control_values() {
        let v = |s: &str| {
            control_value(&toml::from_str::<toml::Table>(&format!("v = {s}")).unwrap()["v"])
        };
        assert_eq!(v("true"), Ok(ControlValue::Bool(true)));
        assert_eq!(v("300"), Ok(ControlValue::Number(300)));
        assert_eq!(v("\"AWS_IAM\""), Ok(ControlValue::Text("AWS_IAM".into())));
        assert_eq!(
            v("[\"a\", \"b\"]"),
            Ok(ControlValue::List(vec!["a".into(), "b".into()]))
        );
        assert!(v("[1]").unwrap_err().contains("text"));
        assert!(v("{ a = 1 }").is_err());
    }
}
