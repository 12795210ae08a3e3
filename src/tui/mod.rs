//! The interactive terminal app (ratatui + crossterm; the only place that
//! uses them). Elm-style: one [`AppState`], one [`Action`] enum, one
//! synchronous [`update`], pure rendering ([`render`]). See `docs/app.md`.

pub mod action;
pub mod app;
pub mod app_demo;
pub mod app_quiz;
pub mod event_loop;
pub mod keymap;
pub mod session;
pub mod strings;
pub mod terminal;
pub mod theme;
pub mod ui;

pub use action::{Action, Command, Flow};
pub use app::{AppState, update};
pub use keymap::keymap_text;
pub use theme::{ColorMode, ThemeName};
pub use ui::render;

use crate::content::lesson::{Lesson, Term};
use crate::demo::DemoPlayer;
use crate::lab::Lab;
use crate::progress::learner::LearnerProgress;
use crate::quiz::{LabRunner, NoLab, Quiz};
use std::error::Error;
use std::path::PathBuf;

/// Options from the command line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TuiOptions {
    /// Requested palette (`--theme`).
    pub theme: ThemeName,
    /// Colour mode (`--color`); `never`, or `auto` with a non-empty
    /// `NO_COLOR`, selects the mono theme.
    pub color: ColorMode,
    /// Capture the mouse (`--mouse`). Off by default so that text (curl
    /// commands, tokens) can be selected and copied in the terminal.
    pub mouse: bool,
    /// Presenter view (`--presenter`, toggled with `P`): high contrast, the
    /// status in larger digits, less chrome.
    pub presenter: bool,
}

/// How the app gets labs. The binary implements it over the embedded
/// scenarios; tests can implement it over anything.
pub trait LabSource {
    /// A fresh lab for a scenario id.
    fn open_lab(&self, scenario_id: &str) -> Result<Lab, String>;
    /// A lab from scenario TOML written by `Lab::to_scenario_toml` (used to
    /// restore the autosave of a lab the learner changed).
    fn restore_lab(&self, scenario_toml: &str) -> Result<Lab, String>;
    /// What grades lab-task questions. The default grades nothing (every
    /// lab task reports that no gateway is available).
    fn lab_runner(&self) -> &dyn LabRunner {
        &NoLab
    }
    /// The demos the home screen lists. The default lists none.
    fn demos(&self) -> Vec<DemoInfo> {
        Vec::new()
    }
    /// A player standing at the start of demo `id`.
    fn open_demo(&self, id: &str) -> Result<DemoPlayer, String> {
        Err(format!("no demo `{id}` in this course"))
    }
}

/// A demo the home screen lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoInfo {
    /// Demo id (as passed to [`LabSource::open_demo`]).
    pub id: String,
    /// Title shown in the list.
    pub title: String,
    /// What the demo shows, in a sentence.
    pub summary: String,
}

/// A scenario the free lab can open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioInfo {
    /// Scenario id (as passed to [`LabSource::open_lab`]).
    pub id: String,
    /// Title shown in the picker.
    pub title: String,
    /// One sentence shown under the title.
    pub summary: String,
}

/// The content the app shows.
pub struct Course {
    /// Lessons, in course order.
    pub lessons: Vec<Lesson>,
    /// Glossary terms.
    pub glossary: Vec<Term>,
    /// Scenarios the free lab offers.
    pub scenarios: Vec<ScenarioInfo>,
    /// Where labs come from (and how lab tasks are graded).
    pub labs: Box<dyn LabSource>,
    /// Quiz modules, in course order.
    pub quizzes: Vec<Quiz>,
}

/// Run the app until the learner quits. Progress is kept in `data_dir`
/// (created if needed). The terminal is restored on every way out: quit,
/// error, panic and Ctrl-C.
pub fn run(opts: TuiOptions, content: Course, data_dir: PathBuf) -> Result<(), Box<dyn Error>> {
    run_opening(opts, content, data_dir, None)
}

/// Run the app, opening the free lab on `scenario_id` first (`gatelab lab FILE`).
pub fn run_opening(
    mut opts: TuiOptions,
    content: Course,
    data_dir: PathBuf,
    scenario_id: Option<&str>,
) -> Result<(), Box<dyn Error>> {
    let no_color = std::env::var("NO_COLOR").ok();
    opts.theme = theme::resolve(opts.theme, opts.color, no_color.as_deref());
    let progress = match LearnerProgress::load(&data_dir) {
        Ok(p) => p,
        Err(e) => {
            return Err(format!(
                "cannot read the progress file {}: {e}",
                LearnerProgress::path(&data_dir).display()
            )
            .into());
        }
    };
    let mut term = terminal::init(opts.mouse)?;
    let size = term.size().map(|s| (s.width, s.height)).unwrap_or((80, 24));
    let mut state = AppState::new(content, opts, progress, Some(data_dir), size);
    if let Some(id) = scenario_id {
        state.open_free_lab(id);
    }
    let result = event_loop::run(&mut term, &mut state);
    terminal::restore();
    result.map_err(Into::into)
}
