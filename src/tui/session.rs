//! The one place the terminal app talks to the lab. Everything else reads
//! the cached lists here, so rendering never asks the simulator for work.

use crate::gateway::outcome::Stage;
use crate::gateway::request::Request;
use crate::gateway::time::SimTime;
use crate::lab::{Control, ControlValue, Lab, Outcome, Preset, TrafficFrame, TrafficPreset};

/// A lab plus the lists the screens show, refreshed after each change.
pub struct LabSession {
    lab: Lab,
    /// The gateway's controls, grouped by stage in pipeline order.
    pub controls: Vec<Control>,
    /// Preset requests (the builder's preset keys).
    pub presets: Vec<Preset>,
    /// The scenario's named requests.
    pub named: Vec<(String, Request)>,
    /// Traffic runs the scenario offers.
    pub traffic_presets: Vec<TrafficPreset>,
    /// The scenario's id.
    pub scenario_id: String,
    /// The scenario's title.
    pub title: String,
}

impl LabSession {
    /// Wrap a lab and read its lists.
    pub fn new(lab: Lab) -> LabSession {
        let mut s = LabSession {
            controls: Vec::new(),
            presets: lab.presets(),
            named: lab.named_requests(),
            traffic_presets: lab.traffic_presets(),
            scenario_id: lab.scenario_id().to_string(),
            title: lab.title().to_string(),
            lab,
        };
        s.refresh();
        s
    }

    fn refresh(&mut self) {
        let mut controls = self.lab.controls();
        // Stable sort: the lab's own order is kept within a stage.
        controls.sort_by_key(|c| stage_rank(c.group));
        self.controls = controls;
    }

    /// The virtual clock.
    pub fn now(&self) -> SimTime {
        self.lab.now()
    }

    /// Move the virtual clock forward.
    pub fn advance(&mut self, ms: u64) {
        self.lab.advance(ms);
    }

    /// Every request fired so far, with its outcome.
    pub fn log(&self) -> &[(Request, Outcome)] {
        self.lab.log()
    }

    /// Change a control; on success the cached controls are refreshed.
    pub fn set_control(&mut self, id: &str, value: ControlValue) -> Result<(), String> {
        self.lab.set_control(id, value)?;
        self.refresh();
        Ok(())
    }

    /// Fire a request; returns its index in the log.
    pub fn fire(&mut self, req: Request) -> usize {
        let _ = self.lab.fire(req);
        self.lab.log().len().saturating_sub(1)
    }

    /// A preset request by id.
    pub fn preset_request(&self, id: &str) -> Option<Request> {
        self.lab.preset_request(id)
    }

    /// The request as a curl command.
    pub fn curl(&self, req: &Request) -> String {
        self.lab.curl(req)
    }

    /// Deploy the saved configuration to the stage (method, authorizer and
    /// policy changes are served only after a deployment, as on AWS).
    pub fn deploy(&mut self) -> Result<(), String> {
        self.lab.deploy()?;
        self.refresh();
        Ok(())
    }

    /// Whether saved changes wait for a deployment.
    pub fn has_undeployed_changes(&self) -> bool {
        self.lab.has_undeployed_changes()
    }

    /// Undo the last change; false when there was nothing to undo.
    pub fn undo(&mut self) -> bool {
        let done = self.lab.undo();
        self.refresh();
        done
    }

    /// Back to the scenario as shipped.
    pub fn reset(&mut self) {
        self.lab.reset();
        self.refresh();
    }

    /// The lab as a scenario file.
    pub fn to_scenario_toml(&self) -> String {
        self.lab.to_scenario_toml()
    }

    /// Start a traffic run.
    pub fn start_traffic(&mut self, id: &str) -> Result<(), String> {
        self.lab.start_traffic(id)
    }

    /// One virtual second of the traffic run; `None` when it is over.
    pub fn traffic_step(&mut self) -> Option<TrafficFrame> {
        self.lab.traffic_step()
    }

    /// Whether a traffic run is going on.
    pub fn traffic_active(&self) -> bool {
        self.lab.traffic_active()
    }

    /// Stop the traffic run.
    pub fn stop_traffic(&mut self) {
        self.lab.stop_traffic();
    }

    /// Decode a token into (header JSON, claims JSON).
    pub fn token_decode(&self, token: &str) -> Result<(String, String), String> {
        self.lab.token_decode(token)
    }

    /// Sign new claims the given way.
    pub fn token_edit(&self, token: &str, claims_json: &str, how: &str) -> Result<String, String> {
        self.lab.token_edit(token, claims_json, how)
    }
}

/// Position of a stage in the pipeline (for grouping controls).
pub fn stage_rank(stage: Stage) -> usize {
    Stage::ALL
        .iter()
        .position(|s| *s == stage)
        .unwrap_or(Stage::ALL.len())
}
