//! Hands the loaded course to the terminal app.

use std::collections::BTreeMap;

use crate::content::{Course, ScenarioEntry};
use crate::demo::{Demo, DemoPlayer};
use crate::lab::Lab;
use crate::quiz::{CheckOutcome, LabCheck, LabConfig, LabRunner};
use crate::quiz_lab::CourseLab;
use crate::scenario::Scenario;
use crate::tui::{self, DemoInfo, LabSource, ScenarioInfo};

/// Labs from the course's scenarios; lab tasks are graded over the same
/// scenarios (their source text is needed to apply a solution patch).
struct CourseLabs {
    scenarios: BTreeMap<String, ScenarioEntry>,
    /// The course's demos that parse (the others are reported by `gatelab demo`).
    demos: Vec<Demo>,
    runner: OwnedCourseLab,
}

/// A [`CourseLab`] that owns its scenarios, so the app can keep it.
struct OwnedCourseLab {
    scenarios: BTreeMap<String, ScenarioEntry>,
}

impl LabRunner for OwnedCourseLab {
    fn run_checks(
        &self,
        config: &LabConfig,
        checks: &[LabCheck],
    ) -> Result<Vec<CheckOutcome>, String> {
        CourseLab {
            scenarios: &self.scenarios,
        }
        .run_checks(config, checks)
    }
}

impl LabSource for CourseLabs {
    fn open_lab(&self, scenario_id: &str) -> Result<Lab, String> {
        let s = self
            .scenarios
            .get(scenario_id)
            .ok_or_else(|| format!("no scenario `{scenario_id}` in this course"))?;
        Lab::new(s.scenario.clone())
    }
    fn restore_lab(&self, scenario_toml: &str) -> Result<Lab, String> {
        let s = Scenario::parse("the lab autosave", scenario_toml).map_err(|d| d.to_string())?;
        Lab::new(s)
    }
    fn lab_runner(&self) -> &dyn LabRunner {
        &self.runner
    }
    fn demos(&self) -> Vec<DemoInfo> {
        self.demos
            .iter()
            .map(|d| DemoInfo {
                id: d.id.clone(),
                title: d.title.clone(),
                summary: first_line(&d.description),
            })
            .collect()
    }
    fn open_demo(&self, id: &str) -> Result<DemoPlayer, String> {
        let demo = self
            .demos
            .iter()
            .find(|d| d.id == id)
            .ok_or_else(|| format!("no demo `{id}` in this course"))?;
        let s = self.scenarios.get(&demo.scenario).ok_or_else(|| {
            format!(
                "demo `{id}` plays in scenario `{}`, which this course does not have",
                demo.scenario
            )
        })?;
        DemoPlayer::new(demo.clone(), s.scenario.clone()).map_err(|d| d.to_string())
    }
}

/// The first non-empty line of a text, trimmed.
fn first_line(text: &str) -> String {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

/// The app's view of a course.
pub fn tui_course(c: Course) -> tui::Course {
    let scenarios: Vec<ScenarioInfo> = c
        .scenarios
        .values()
        .map(|e| ScenarioInfo {
            id: e.scenario.id.clone(),
            title: e.scenario.title.clone(),
            summary: first_line(&e.scenario.description),
        })
        .collect();
    let demos: Vec<Demo> = c
        .demos
        .iter()
        .filter_map(|d| Demo::parse(&d.file, &d.text).ok())
        .collect();
    tui::Course {
        lessons: c.lessons,
        glossary: c.glossary.map(|g| g.terms).unwrap_or_default(),
        scenarios,
        labs: Box::new(CourseLabs {
            runner: OwnedCourseLab {
                scenarios: c.scenarios.clone(),
            },
            scenarios: c.scenarios,
            demos,
        }),
        quizzes: c.quizzes,
    }
}
