//! Grades hands-on quiz questions by behaviour: a lab task's hidden request
//! suite runs against the learner's gateway configuration, through the real
//! simulator, so any configuration that behaves correctly passes.

use std::collections::BTreeMap;

use crate::content::{Course, ScenarioEntry};
use crate::diag::Diagnostics;
use crate::quiz::model::{CheckOutcome, LabCheck, LabConfig, LabRunner, deep_merge};
use crate::scenario::{self, Expect, Scenario, ScenarioRequest};

/// A [`LabRunner`] over a course's scenarios.
pub struct CourseLab<'a> {
    pub scenarios: &'a BTreeMap<String, ScenarioEntry>,
}

impl CourseLab<'_> {
    /// The scenario a lab configuration describes.
    pub fn scenario_for(&self, config: &LabConfig) -> Result<Scenario, String> {
        match config {
            LabConfig::Scenario { id, patch } => {
                let entry = self
                    .scenarios
                    .get(id)
                    .ok_or_else(|| format!("scenario `{id}` does not exist"))?;
                match patch {
                    None => Ok(entry.scenario.clone()),
                    Some(p) => {
                        let mut table: toml::Table = toml::from_str(&entry.source.text)
                            .map_err(|e| format!("{}: {e}", entry.source.file))?;
                        deep_merge(&mut table, p);
                        let text = toml::to_string(&table).map_err(|e| e.to_string())?;
                        Scenario::parse(
                            &format!("{} (with the solution applied)", entry.source.file),
                            &text,
                        )
                        .map_err(|d| d.to_string())
                    }
                }
            }
            LabConfig::ScenarioText { name, text } => {
                Scenario::parse(name, text).map_err(|d| d.to_string())
            }
        }
    }
}

impl LabRunner for CourseLab<'_> {
    fn run_checks(
        &self,
        config: &LabConfig,
        checks: &[LabCheck],
    ) -> Result<Vec<CheckOutcome>, String> {
        let base = self.scenario_for(config)?;
        run_checks_on(&base, checks)
    }
}

/// Run checks, in order and on one gateway, against a scenario's configuration.
pub fn run_checks_on(base: &Scenario, checks: &[LabCheck]) -> Result<Vec<CheckOutcome>, String> {
    let mut s = base.clone();
    s.traffic.clear();
    s.requests.clear();
    let mut expects = Vec::new();
    for c in checks {
        let mut t = c.request.clone();
        t.entry("name".to_string())
            .or_insert_with(|| toml::Value::String(c.name.clone()));
        let r: ScenarioRequest = t.try_into().map_err(|e: toml::de::Error| {
            format!("check `{}`: request: {}", c.name, e.message())
        })?;
        let e: Expect =
            c.expect.clone().try_into().map_err(|e: toml::de::Error| {
                format!("check `{}`: expect: {}", c.name, e.message())
            })?;
        let mut r = r;
        r.name = c.name.clone();
        r.expect = Some(e.clone());
        s.requests.push(r);
        expects.push(e);
    }
    let run = scenario::run(&s)?;
    let mut out = Vec::new();
    for (i, c) in checks.iter().enumerate() {
        let results: Vec<_> = run.requests.iter().filter(|r| r.name == c.name).collect();
        let Some(last) = results.last() else { continue };
        let mismatches: Vec<String> = results.iter().flat_map(|r| r.mismatches.clone()).collect();
        let e = &expects[i];
        out.push(CheckOutcome {
            name: c.name.clone(),
            passed: mismatches.is_empty(),
            request: format!(
                "{} {}{}",
                last.request.method,
                last.request.target,
                describe_extras(&s.requests[i])
            ),
            got: format!(
                "{} ({}, decided by {})",
                last.outcome.status_text(),
                last.outcome.reason,
                last.outcome.decided_by.label()
            ),
            expected: describe_expect(e),
            trace: last
                .outcome
                .trace
                .iter()
                .map(|t| format!("{} {:<20} {}", t.result.glyph(), t.stage.label(), t.detail))
                .collect(),
        });
    }
    Ok(out)
}

fn describe_extras(r: &ScenarioRequest) -> String {
    let mut v = Vec::new();
    if let Some(ip) = &r.source_ip {
        v.push(format!("from {ip}"));
    }
    if r.token.is_some() || r.issuer_token.is_some() {
        v.push("with a token".into());
    }
    if r.sign.is_some() {
        v.push("SigV4-signed".into());
    }
    if let Some(k) = &r.api_key {
        v.push(format!("API key {k}"));
    }
    if let Some(o) = &r.origin {
        v.push(format!("Origin {o}"));
    }
    if let Some(c) = &r.client_cert {
        v.push(format!("client certificate {c}"));
    }
    if let Some(t) = r.tls_version {
        v.push(t.to_string());
    }
    if r.repeat > 1 {
        v.push(format!("×{}", r.repeat));
    }
    if v.is_empty() {
        String::new()
    } else {
        format!(" ({})", v.join(", "))
    }
}

fn describe_expect(e: &Expect) -> String {
    let mut v = Vec::new();
    if let Some(s) = e.status {
        v.push(if s == 0 {
            "no HTTP response".to_string()
        } else {
            format!("status {s}")
        });
    }
    if !e.statuses.is_empty() {
        v.push(format!("statuses {:?}", e.statuses));
    }
    if let Some(b) = &e.browser {
        v.push(format!("browser {b}"));
    }
    if let Some(d) = &e.decided_by {
        v.push(format!("decided by {d}"));
    }
    if let Some(r) = &e.reason {
        v.push(format!("reason {r}"));
    }
    if let Some(i) = e.authorizer_invoked {
        v.push(if i {
            "the authorizer runs".to_string()
        } else {
            "the authorizer is not invoked".to_string()
        });
    }
    if v.is_empty() {
        "as configured".to_string()
    } else {
        v.join(", ")
    }
}

/// `gatelab check`: every lab task's reference solution passes its checks and
/// its starting configuration does not.
pub fn check_lab_tasks(course: &Course) -> Diagnostics {
    let runner = CourseLab {
        scenarios: &course.scenarios,
    };
    let mut d = Diagnostics::default();
    for q in &course.quizzes {
        d.extend(crate::quiz::check_lab_tasks(q, &runner));
    }
    d
}
