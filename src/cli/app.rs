//! Hands the loaded course to the terminal app.

use std::collections::BTreeMap;

use crate::content::{Course, ScenarioEntry};
use crate::lab::Lab;
use crate::quiz::{CheckOutcome, LabCheck, LabConfig, LabRunner};
use crate::quiz_lab::CourseLab;
use crate::scenario::Scenario;
use crate::tui::{self, LabSource, ScenarioInfo};

/// Labs from the course's scenarios; lab tasks are graded over the same
/// scenarios (their source text is needed to apply a solution patch).
struct CourseLabs {
    scenarios: BTreeMap<String, ScenarioEntry>,
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
            runner: OwnedCourseLab {
                scenarios: c.scenarios.clone(),
            },
            scenarios: c.scenarios,
        }),
        quizzes: c.quizzes,
    }
}
