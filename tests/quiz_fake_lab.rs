//! A small stand-in gateway for quiz tests: it knows one scenario, applies
//! patches with `deep_merge`, and decides requests with three rules
//! (IP allow-list -> 403, missing token -> 401, else 200). Included by
//! other test files with `#[path]`.
#![allow(dead_code)]

use gatelab::quiz::{CheckOutcome, LabCheck, LabConfig, LabRunner, deep_merge};
use std::cell::Cell;

/// The start scenario of the sample lab task: every route open.
pub const LAB_ADMIN_OPEN: &str = r#"
[routes.admin]
path = "/admin"
auth = "none"

[routes.health]
path = "/health"
auth = "none"
"#;

/// The fake gateway; counts how often it was asked to run checks.
#[derive(Default)]
pub struct FakeLab {
    pub runs: Cell<usize>,
}

fn ip_in(ip: &str, cidr: &str) -> bool {
    let Some((net, len)) = cidr.split_once('/') else {
        return false;
    };
    let Ok(len) = len.parse::<usize>() else {
        return false;
    };
    let octets = len / 8;
    let a: Vec<&str> = ip.split('.').collect();
    let b: Vec<&str> = net.split('.').collect();
    octets <= 4 && a.len() == 4 && b.len() == 4 && a.get(..octets) == b.get(..octets)
}

fn status(config: &toml::Table, request: &toml::Table) -> Result<i64, String> {
    let path = request
        .get("path")
        .and_then(|v| v.as_str())
        .ok_or("request has no path")?;
    let ip = request
        .get("source-ip")
        .and_then(|v| v.as_str())
        .unwrap_or("0.0.0.0");
    let token = request
        .get("token")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let routes = config
        .get("routes")
        .and_then(|v| v.as_table())
        .ok_or("config has no routes")?;
    let Some(route) = routes
        .values()
        .filter_map(|r| r.as_table())
        .find(|r| r.get("path").and_then(|p| p.as_str()) == Some(path))
    else {
        return Ok(404);
    };
    if let Some(cidr) = route.get("allow-cidr").and_then(|v| v.as_str())
        && !ip_in(ip, cidr)
    {
        return Ok(403);
    }
    match route.get("auth").and_then(|v| v.as_str()).unwrap_or("none") {
        "none" => Ok(200),
        "cognito" if token => Ok(200),
        "cognito" => Ok(401),
        other => Err(format!("unknown auth `{other}`")),
    }
}

impl LabRunner for FakeLab {
    fn run_checks(
        &self,
        config: &LabConfig,
        checks: &[LabCheck],
    ) -> Result<Vec<CheckOutcome>, String> {
        self.runs.set(self.runs.get() + 1);
        let table: toml::Table = match config {
            LabConfig::Scenario { id, patch } => {
                if id != "lab-admin-open" {
                    return Err(format!("no scenario has the id `{id}`"));
                }
                let mut base: toml::Table =
                    toml::from_str(LAB_ADMIN_OPEN).map_err(|e| e.to_string())?;
                if let Some(p) = patch {
                    deep_merge(&mut base, p);
                }
                base
            }
            LabConfig::ScenarioText { name, text } => {
                toml::from_str(text).map_err(|e| format!("{name}: {e}"))?
            }
        };
        checks
            .iter()
            .map(|c| {
                let got = status(&table, &c.request)?;
                let want = c
                    .expect
                    .get("status")
                    .and_then(|v| v.as_integer())
                    .ok_or("expect has no status")?;
                Ok(CheckOutcome {
                    name: c.name.clone(),
                    passed: got == want,
                    request: format!(
                        "GET {} from {}",
                        c.request
                            .get("path")
                            .and_then(|v| v.as_str())
                            .unwrap_or("?"),
                        c.request
                            .get("source-ip")
                            .and_then(|v| v.as_str())
                            .unwrap_or("?")
                    ),
                    got: got.to_string(),
                    expected: want.to_string(),
                    trace: vec![format!("decided {got}")],
                })
            })
            .collect()
    }
}
