//! Hands the loaded course to the terminal app.

use std::collections::BTreeMap;

use crate::content::Course;
use crate::lab::Lab;
use crate::scenario::Scenario;
use crate::tui::{self, LabSource, ScenarioInfo};

/// Labs from the course's scenarios.
struct CourseLabs {
    scenarios: BTreeMap<String, Scenario>,
}

impl LabSource for CourseLabs {
    fn open_lab(&self, scenario_id: &str) -> Result<Lab, String> {
        let s = self
            .scenarios
            .get(scenario_id)
            .ok_or_else(|| format!("no scenario `{scenario_id}` in this course"))?;
        Lab::new(s.clone())
    }
    fn restore_lab(&self, scenario_toml: &str) -> Result<Lab, String> {
        let s = Scenario::parse("the lab autosave", scenario_toml).map_err(|d| d.to_string())?;
        Lab::new(s)
    }
}

/// The app's view of a course.
pub fn tui_course(c: Course) -> tui::Course {
    let scenarios: Vec<ScenarioInfo> = c
        .scenarios
        .values()
        .map(|e| ScenarioInfo {
            id: e.scenario.id.clone(),
            title: e.scenario.title.clone(),
            summary: e
                .scenario
                .description
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .trim()
                .to_string(),
        })
        .collect();
    tui::Course {
        lessons: c.lessons,
        glossary: c.glossary.map(|g| g.terms).unwrap_or_default(),
        scenarios,
        labs: Box::new(CourseLabs {
            scenarios: c
                .scenarios
                .into_iter()
                .map(|(k, v)| (k, v.scenario))
                .collect(),
        }),
    }
}
