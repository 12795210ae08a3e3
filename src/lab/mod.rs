//! The lab: one simulated gateway built from a scenario, a virtual clock, a
//! request log and an undo history. The terminal app drives it; every
//! decision still comes from [`crate::gateway`].

pub mod controls;
pub mod presets;

use crate::gateway::config::GatewayConfig;
use crate::gateway::jwt;
use crate::gateway::outcome::{BrowserVerdict, CacheUse, Stage, TraceStep};
use crate::gateway::pipeline::{self, Gateway};
use crate::gateway::request::{Request, Scheme};
use crate::gateway::time::{SimDuration, SimTime};
use crate::gateway::traffic::{TrafficRun as Stepper, TrafficSpec};
use crate::scenario::{Scenario, ScenarioTarget};

pub use controls::{Control, ControlKind, ControlValue};
pub use presets::Preset;

/// An outcome as the app shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// None: no HTTP response (plain HTTP refused, TLS failure, unknown host).
    pub status: Option<u16>,
    /// `403 Forbidden` or `no HTTP response`.
    pub status_text: String,
    pub body: String,
    pub headers: Vec<(String, String)>,
    pub decided_by: Stage,
    /// Kebab-case reason code.
    pub reason: String,
    pub trace: Vec<TraceStep>,
    pub browser: Option<BrowserVerdict>,
    pub latency_ms: u32,
    /// `lesson-id#section-id` explaining the deciding stage.
    pub lesson_link: Option<String>,
    pub authorizer_cache: CacheUse,
    pub authorizer_invoked: bool,
}

impl crate::scenario::Observed for Outcome {
    fn status(&self) -> Option<u16> {
        self.status
    }
    fn status_text(&self) -> String {
        self.status_text.clone()
    }
    fn reason_code(&self) -> &str {
        &self.reason
    }
    fn decided_by(&self) -> Stage {
        self.decided_by
    }
    fn body(&self) -> &str {
        &self.body
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn browser(&self) -> Option<&BrowserVerdict> {
        self.browser.as_ref()
    }
    fn authorizer_cache(&self) -> CacheUse {
        self.authorizer_cache
    }
    fn authorizer_invoked(&self) -> bool {
        self.authorizer_invoked
    }
}

impl From<pipeline::Outcome> for Outcome {
    fn from(o: pipeline::Outcome) -> Self {
        Outcome {
            status: o.status,
            status_text: o.status_text(),
            lesson_link: Some(o.reason.lesson().to_string()),
            body: o.body,
            headers: o.headers,
            decided_by: o.decided_by,
            reason: o.reason.code().to_string(),
            trace: o.trace,
            browser: o.browser,
            latency_ms: o.latency_ms,
            authorizer_cache: o.authorizer_cache,
            authorizer_invoked: o.authorizer_invoked,
        }
    }
}

/// A traffic preset the app can start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrafficPreset {
    pub id: String,
    pub label: String,
}

/// One virtual second of a running traffic run, for the charts.
#[derive(Clone, Debug, PartialEq)]
pub struct TrafficFrame {
    pub t: u64,
    pub ok_2xx: u32,
    pub s4xx: u32,
    pub s429: u32,
    pub s5xx: u32,
    pub gauge: Option<f64>,
    pub cache_hits: u32,
    pub p95_ms: u32,
}

struct LiveTraffic {
    stepper: Stepper,
    target: ScenarioTarget,
}

/// The lab's state.
pub struct Lab {
    original: Scenario,
    scenario: Scenario,
    gateway: Gateway,
    /// What the stage serves; `scenario.gateway` is the saved (draft) configuration.
    deployed: GatewayConfig,
    now: SimTime,
    undo: Vec<(GatewayConfig, GatewayConfig)>,
    log: Vec<(Request, Outcome)>,
    traffic: Option<LiveTraffic>,
}

impl Lab {
    /// Open a scenario in the lab.
    pub fn new(scenario: Scenario) -> Result<Lab, String> {
        let now = scenario.start_time();
        let gateway = build(&scenario.gateway, scenario.seed, now)?;
        let deployed = scenario.gateway.clone();
        Ok(Lab {
            original: scenario.clone(),
            scenario,
            gateway,
            deployed,
            now,
            undo: Vec::new(),
            log: Vec::new(),
            traffic: None,
        })
    }

    pub fn title(&self) -> &str {
        &self.scenario.title
    }
    pub fn scenario_id(&self) -> &str {
        &self.scenario.id
    }
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    pub fn config(&self) -> &GatewayConfig {
        &self.scenario.gateway
    }
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Jump the virtual clock forward.
    pub fn advance(&mut self, ms: u64) {
        self.now = self.now.plus(SimDuration::from_millis(ms));
    }

    /// The controls of the gateway panel, grouped by stage.
    pub fn controls(&self) -> Vec<Control> {
        controls::controls(&self.scenario.gateway)
    }

    /// Change a setting. Stage settings (throttles, WAF, usage plans, keys,
    /// CORS, custom domains) apply at once; method, authorizer, resource-policy,
    /// gateway-response and API settings are saved and served after
    /// [`Lab::deploy`], as on AWS. Invalid values are refused with the reason.
    pub fn set_control(&mut self, id: &str, v: ControlValue) -> Result<(), String> {
        let id = &controls::canonical_id(id);
        let mut draft = self.scenario.gateway.clone();
        controls::apply(&mut draft, id, v.clone())?;
        build(&draft, self.scenario.seed, self.now)?;
        let mut deployed = self.deployed.clone();
        if controls::applies_without_deploy(id) {
            controls::apply(&mut deployed, id, v)?;
        }
        self.commit(draft, deployed)
    }

    fn commit(&mut self, draft: GatewayConfig, deployed: GatewayConfig) -> Result<(), String> {
        let gw = if deployed != self.deployed {
            Some(build(&deployed, self.scenario.seed, self.now)?)
        } else {
            None
        };
        let old_draft = std::mem::replace(&mut self.scenario.gateway, draft);
        let old_deployed = std::mem::replace(&mut self.deployed, deployed);
        self.undo.push((old_draft, old_deployed));
        if let Some(gw) = gw {
            self.gateway = gw;
            self.traffic = None;
        }
        Ok(())
    }

    /// Replace the whole saved configuration and deploy it (a loaded file).
    pub fn replace_config(&mut self, cfg: GatewayConfig) -> Result<(), String> {
        build(&cfg, self.scenario.seed, self.now)?;
        self.commit(cfg.clone(), cfg)
    }

    /// Deploy the saved configuration to the stage (caches and buckets start afresh).
    pub fn deploy(&mut self) -> Result<(), String> {
        if !self.has_undeployed_changes() {
            return Ok(());
        }
        let cfg = self.scenario.gateway.clone();
        self.commit(cfg.clone(), cfg)
    }

    /// Whether saved changes wait for a deploy.
    pub fn has_undeployed_changes(&self) -> bool {
        self.scenario.gateway != self.deployed
    }

    /// The configuration the stage serves.
    pub fn deployed_config(&self) -> &GatewayConfig {
        &self.deployed
    }

    /// One-key request presets for this scenario.
    pub fn presets(&self) -> Vec<Preset> {
        presets::presets(&self.scenario)
    }

    /// The request a preset builds, at the lab's clock.
    pub fn preset_request(&self, id: &str) -> Option<Request> {
        presets::build(&self.scenario, id, self.now)
    }

    /// The scenario's named requests, built at the lab's clock.
    pub fn named_requests(&self) -> Vec<(String, Request)> {
        self.scenario
            .requests
            .iter()
            .filter_map(|r| {
                crate::scenario::build_request(r, &self.scenario.gateway, self.now)
                    .ok()
                    .map(|q| (r.name.clone(), q))
            })
            .collect()
    }

    /// Fire a request at the lab's clock and log it.
    pub fn fire(&mut self, req: Request) -> Outcome {
        let o: Outcome = self.gateway.handle(&req, self.now).into();
        self.log.push((req, o.clone()));
        o
    }

    /// Fire a scenario's named request (after waiting its `wait-secs`).
    pub fn fire_named(&mut self, name: &str) -> Option<Outcome> {
        let r = self.scenario.request(name)?.clone();
        self.advance((r.wait_secs * 1000.0).round() as u64);
        let req = crate::scenario::build_request(&r, &self.scenario.gateway, self.now).ok()?;
        let mut last = None;
        for _ in 0..r.repeat.max(1) {
            last = Some(self.fire(req.clone()));
        }
        last
    }

    /// Everything fired in this session.
    pub fn log(&self) -> &[(Request, Outcome)] {
        &self.log
    }

    /// Lambda invocations, cache hits and cost so far.
    pub fn stats(&self) -> pipeline::Stats {
        self.gateway.stats()
    }

    /// Bucket levels for the throttling panel.
    pub fn bucket_levels(&self) -> Vec<(String, f64, u32)> {
        self.gateway.bucket_levels(self.now)
    }

    /// The equivalent curl command.
    pub fn curl(&self, req: &Request) -> String {
        curl_command(req)
    }

    /// Undo the last configuration change.
    pub fn undo(&mut self) -> bool {
        let Some((draft, deployed)) = self.undo.pop() else {
            return false;
        };
        match build(&deployed, self.scenario.seed, self.now) {
            Ok(gw) => {
                self.scenario.gateway = draft;
                self.deployed = deployed;
                self.gateway = gw;
                true
            }
            Err(_) => false,
        }
    }

    /// Back to the scenario as loaded (clock, log and history cleared).
    pub fn reset(&mut self) {
        if let Ok(l) = Lab::new(self.original.clone()) {
            *self = l;
        }
    }

    /// The lab as a scenario file (TOML).
    pub fn to_scenario_toml(&self) -> String {
        toml::to_string_pretty(&self.scenario)
            .unwrap_or_else(|e| format!("# could not serialise the scenario: {e}\n"))
    }

    /// Traffic runs the app offers: the scenario's, plus a steady and a burst
    /// pattern on its first request.
    pub fn traffic_presets(&self) -> Vec<TrafficPreset> {
        let mut v: Vec<TrafficPreset> = self
            .scenario
            .traffic
            .iter()
            .map(|t| TrafficPreset {
                id: t.spec.name.clone(),
                label: format!("{} (from the scenario)", t.spec.name),
            })
            .collect();
        if let Some(first) = self.scenario.requests.first() {
            v.push(TrafficPreset {
                id: "steady-20".into(),
                label: format!("steady 20 rps for 30 s of `{}`", first.name),
            });
            v.push(TrafficPreset {
                id: "burst-200".into(),
                label: format!("bursts of 200 every 10 s of `{}`", first.name),
            });
        }
        v
    }

    fn traffic_spec(&self, id: &str) -> Option<TrafficSpec> {
        if let Some(t) = self.scenario.traffic.iter().find(|t| t.spec.name == id) {
            return Some(t.spec.clone());
        }
        let first = self.scenario.requests.first()?.name.clone();
        let src = match id {
            "steady-20" => format!(
                "name = \"steady-20\"\nduration-secs = 30\npattern = {{ kind = \"steady\", rps = 20 }}\nclients = [{{ request = \"{first}\" }}]\n"
            ),
            "burst-200" => format!(
                "name = \"burst-200\"\nduration-secs = 30\npattern = {{ kind = \"burst\", rps = 5, burst-every-secs = 10, burst-size = 200 }}\nclients = [{{ request = \"{first}\" }}]\n"
            ),
            _ => return None,
        };
        toml::from_str(&src).ok()
    }

    /// Start a traffic run on a fresh copy of the current gateway.
    pub fn start_traffic(&mut self, id: &str) -> Result<(), String> {
        let spec = self
            .traffic_spec(id)
            .ok_or_else(|| format!("no traffic preset `{id}`"))?;
        // Traffic runs against what the stage serves, not unsaved drafts.
        let mut served = self.scenario.clone();
        served.gateway = self.deployed.clone();
        let target = ScenarioTarget::new(&served, &spec, self.now, self.scenario.seed)?;
        let stepper = Stepper::new(&spec, self.now, spec.seed.unwrap_or(self.scenario.seed));
        self.traffic = Some(LiveTraffic { stepper, target });
        Ok(())
    }

    /// Run one virtual second of the live traffic run.
    pub fn traffic_step(&mut self) -> Option<TrafficFrame> {
        let live = self.traffic.as_mut()?;
        let s = live.stepper.step_second(&mut live.target)?;
        Some(TrafficFrame {
            t: s.t,
            ok_2xx: s.ok_2xx,
            s4xx: s.s4xx,
            s429: s.s429,
            s5xx: s.s5xx,
            gauge: s.gauge_end,
            cache_hits: s.cache_hits,
            p95_ms: s.p95_ms,
        })
    }

    pub fn traffic_active(&self) -> bool {
        self.traffic.as_ref().is_some_and(|t| !t.stepper.is_done())
    }

    pub fn stop_traffic(&mut self) {
        self.traffic = None;
    }

    /// Totals of the live (or finished) traffic run.
    pub fn traffic_report(&self) -> Option<crate::gateway::traffic::TrafficReport> {
        self.traffic.as_ref().map(|t| t.stepper.report())
    }

    /// Decode a JWT for the workbench: (header JSON, claims JSON), pretty-printed.
    pub fn token_decode(&self, token: &str) -> Result<(String, String), String> {
        let token = token.trim().trim_start_matches("Bearer ").trim();
        let d = jwt::decode_unverified(token).map_err(|e| e.to_string())?;
        let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
        Ok((
            pretty(&d.header),
            pretty(&serde_json::Value::Object(d.claims.clone())),
        ))
    }

    /// Rewrite a token: `claims_json` replaces its claims, then `how` decides
    /// the signature: `pool-key` (re-sign with the key of the pool that issued
    /// it), `wrong-key`, `alg-none`, `expire` (set exp to the lab's clock minus
    /// one minute and re-sign with the pool key), or `keep` (keep the old signature).
    pub fn token_edit(&self, token: &str, claims_json: &str, how: &str) -> Result<String, String> {
        let token = token.trim().trim_start_matches("Bearer ").trim();
        let mut claims: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(claims_json)
                .map_err(|e| format!("the claims are not a JSON object: {e}"))?;
        let iss = claims
            .get("iss")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        let key_name = self
            .scenario
            .gateway
            .user_pools
            .iter()
            .find(|p| p.issuer() == iss)
            .map(|p| p.key.clone())
            .or_else(|| {
                self.scenario
                    .gateway
                    .issuers
                    .iter()
                    .find(|i| i.issuer == iss)
                    .map(|i| i.key.clone())
            });
        let resign =
            |claims: &serde_json::Map<String, serde_json::Value>| -> Result<String, String> {
                let name = key_name
                    .clone()
                    .ok_or_else(|| format!("no pool or issuer of this lab issues `{iss}`"))?;
                let key = jwt::builtin_key(&name).ok_or_else(|| format!("unknown key `{name}`"))?;
                Ok(jwt::sign_rs256(claims, key))
            };
        match how {
            "pool-key" => resign(&claims),
            "expire" => {
                claims.insert(
                    "exp".into(),
                    serde_json::json!(self.now.unix_secs().saturating_sub(60)),
                );
                resign(&claims)
            }
            "wrong-key" => jwt::tamper(&resign(&claims)?, jwt::Tamper::WrongKey, None)
                .map_err(|e| e.to_string()),
            "alg-none" => jwt::tamper(&resign(&claims)?, jwt::Tamper::AlgNone, None)
                .map_err(|e| e.to_string()),
            "keep" => jwt::tamper(token, jwt::Tamper::EditClaimsKeepSignature, Some(&claims))
                .map_err(|e| e.to_string()),
            other => Err(format!(
                "unknown signing choice `{other}` (use pool-key, wrong-key, alg-none, expire or keep)"
            )),
        }
    }
}

fn build(cfg: &GatewayConfig, seed: u64, now: SimTime) -> Result<Gateway, String> {
    Gateway::new(cfg.clone(), seed, now).map_err(|p| {
        p.into_iter()
            .map(|x| format!("{}: {} ({})", x.path.join("."), x.message, x.hint))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// A curl command line that sends the same request.
pub fn curl_command(req: &Request) -> String {
    let host = req.host().unwrap_or_else(|| "localhost".into());
    let scheme = if req.scheme == Scheme::Http {
        "http"
    } else {
        "https"
    };
    let mut s = format!(
        "curl -i -X {} '{scheme}://{host}{}'",
        req.method,
        req.target.replace('\'', "'\\''")
    );
    for (k, v) in &req.headers {
        if k.eq_ignore_ascii_case("host") {
            continue;
        }
        s.push_str(&format!(" \\\n  -H '{}: {}'", k, v.replace('\'', "'\\''")));
    }
    if !req.body.is_empty() {
        s.push_str(&format!(
            " \\\n  --data '{}'",
            req.body.replace('\'', "'\\''")
        ));
    }
    if req.client_cert.is_some() {
        s.push_str(&format!(
            " \\\n  --cert {}.pem --key {}.key",
            req.client_cert.as_deref().unwrap_or(""),
            req.client_cert.as_deref().unwrap_or("")
        ));
    }
    if req.tls_version != crate::gateway::request::TlsVersion::Tls1_2 {
        let flag = match req.tls_version {
            crate::gateway::request::TlsVersion::Tls1_0 => "--tlsv1.0 --tls-max 1.0",
            crate::gateway::request::TlsVersion::Tls1_1 => "--tlsv1.1 --tls-max 1.1",
            _ => "--tlsv1.3",
        };
        s.push_str(&format!(" \\\n  {flag}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"
id = "t"
title = "t"
[[gateway.routes]]
path = "/items"
method = "GET"
[[requests]]
name = "get"
path = "/prod/items"
"#;

    #[test]
    fn resource_policy_waits_for_deploy_and_throttles_do_not() {
        let s = Scenario::parse("t.toml", SRC).unwrap();
        let mut lab = Lab::new(s).unwrap();
        assert_eq!(lab.fire_named("get").unwrap().status, Some(200));
        lab.set_control(
            "resource-policy",
            ControlValue::List(vec!["Deny * execute-api:/*".into()]),
        )
        .unwrap();
        assert!(lab.has_undeployed_changes());
        assert_eq!(
            lab.fire_named("get").unwrap().status,
            Some(200),
            "saved, not deployed"
        );
        lab.deploy().unwrap();
        assert_eq!(lab.fire_named("get").unwrap().status, Some(403));
        assert!(lab.undo());
        assert_eq!(
            lab.fire_named("get").unwrap().status,
            Some(200),
            "undo restores the served config"
        );
        lab.set_control("throttle.stage-burst", ControlValue::Number(1))
            .unwrap();
        assert!(!lab.has_undeployed_changes() || lab.config().resource_policy.is_some());
        assert_eq!(lab.fire_named("get").unwrap().status, Some(200));
        assert_eq!(
            lab.fire_named("get").unwrap().status,
            Some(429),
            "stage throttles apply at once"
        );
    }

    #[test]
    fn invalid_values_are_refused_and_change_nothing() {
        let s = Scenario::parse("t.toml", SRC).unwrap();
        let mut lab = Lab::new(s).unwrap();
        let before = lab.config().clone();
        let e = lab
            .set_control(
                "resource-policy",
                ControlValue::List(vec!["Permit all".into()]),
            )
            .unwrap_err();
        assert!(e.contains("Allow or Deny"), "{e}");
        assert_eq!(lab.config(), &before);
        assert!(!lab.undo());
    }

    #[test]
    fn presets_build_requests_and_saved_labs_reload() {
        let s = Scenario::parse("t.toml", SRC).unwrap();
        let mut lab = Lab::new(s).unwrap();
        for p in lab.presets() {
            let r = lab
                .preset_request(&p.id)
                .unwrap_or_else(|| panic!("preset {}", p.id));
            let _ = lab.fire(r);
        }
        lab.set_control(
            "routes.GET /items.api-key-required",
            ControlValue::Bool(true),
        )
        .unwrap();
        let text = lab.to_scenario_toml();
        let back = Scenario::parse("saved.toml", &text).unwrap();
        assert!(back.gateway.routes[0].api_key_required);
        assert!(lab.curl(&lab.log()[0].0).starts_with(
            "curl -i -X GET 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/items'"
        ));
    }
}
