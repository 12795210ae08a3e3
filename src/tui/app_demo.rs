//! The demo player screen: a scripted demo played step by step, with a way
//! out of the script into the live lab and back.

use super::action::{Command, Flow};
use super::app::{AppState, LabUi, Modal, Pane, PickFor, PickItem, Screen};
use super::session::LabSession;
use super::strings as s;
use crate::demo::DemoPlayer;
use crate::lab::Lab;

/// The demo being played.
pub struct DemoUi {
    /// The player (script, lab and steps played).
    pub player: DemoPlayer,
    /// Selected row of the step list (0-based step index).
    pub selected: usize,
    /// Scroll offset of the step text.
    pub scroll: usize,
}

impl DemoUi {
    /// A player shown from its first step.
    pub fn new(player: DemoPlayer) -> DemoUi {
        DemoUi {
            player,
            selected: 0,
            scroll: 0,
        }
    }

    /// Select the step just played (or the first step at the start).
    fn follow(&mut self) {
        self.selected = self.player.position().saturating_sub(1);
        self.scroll = 0;
    }
}

impl AppState {
    /// Offer the course's demos (or open the only one).
    pub(super) fn pick_demo(&mut self) {
        let items: Vec<PickItem> = self
            .course
            .labs
            .demos()
            .into_iter()
            .map(|d| PickItem {
                id: d.id,
                label: d.title,
                detail: d.summary,
            })
            .collect();
        match items.as_slice() {
            [] => self.notify_error(s::NO_DEMOS),
            [only] => {
                let id = only.id.clone();
                self.open_demo(&id);
            }
            _ => self.modals.push(Modal::Picker {
                title: s::PICK_DEMO.into(),
                items,
                selected: 0,
                purpose: PickFor::Demo,
            }),
        }
    }

    /// Open the demo player on demo `id`, at the start of the script.
    pub fn open_demo(&mut self, id: &str) {
        match self.course.labs.open_demo(id) {
            Ok(player) => self.open_player(player),
            Err(e) => self.notify_error(e),
        }
    }

    /// Open the demo player on a player already made (`gatelab demo NAME --app`).
    pub fn open_player(&mut self, player: DemoPlayer) {
        if let Some(lab) = self.lab.as_mut() {
            lab.session.stop_traffic();
        }
        self.lesson = None;
        self.lab = None;
        self.lab_error = None;
        self.back_to = None;
        self.demo = Some(DemoUi::new(player));
        self.screen = Screen::Demo;
    }

    pub(super) fn demo_command(&mut self, c: Command) -> Flow {
        let Some(ui) = self.demo.as_mut() else {
            return Flow::Unchanged;
        };
        let last = ui.player.len().saturating_sub(1);
        match c {
            Command::NextStep => {
                if ui.player.step_forward().is_none() {
                    self.notify(s::DEMO_AT_END);
                    return Flow::Redraw;
                }
                ui.follow();
            }
            Command::PrevStep => {
                if !ui.player.step_back() {
                    self.notify(s::DEMO_AT_START);
                    return Flow::Redraw;
                }
                ui.follow();
            }
            Command::Up => ui.selected = ui.selected.saturating_sub(1),
            Command::Down => ui.selected = (ui.selected + 1).min(last),
            Command::PageUp => ui.scroll = ui.scroll.saturating_sub(10),
            Command::PageDown => ui.scroll = ui.scroll.saturating_add(10),
            Command::Activate => {
                let n = ui.selected + 1;
                if let Err(e) = ui.player.jump(n) {
                    self.notify_error(e);
                    return Flow::Redraw;
                }
                ui.follow();
            }
            Command::LeaveScript => self.leave_script(),
            _ => return Flow::Unchanged,
        }
        Flow::Redraw
    }

    /// Open the normal lab screen on the demo's lab as the script left it.
    /// `Esc` there comes back with [`AppState::return_to_script`].
    fn leave_script(&mut self) {
        let Some(ui) = self.demo.as_mut() else {
            return;
        };
        // The lab is lent to the lab screen; the player rebuilds its own
        // when the script resumes.
        let spare = match Lab::new(ui.player.scenario().clone()) {
            Ok(lab) => lab,
            Err(e) => {
                self.notify_error(e);
                return;
            }
        };
        let lab = std::mem::replace(ui.player.lab_mut(), spare);
        self.lab = Some(LabUi::new(LabSession::new(lab)));
        self.lab_error = None;
        self.lesson = None;
        self.screen = Screen::FreeLab;
        self.focus = Pane::Gateway;
        self.back_to = Some(Screen::Demo);
        self.notify(s::DEMO_LIVE);
    }

    /// Back from the live lab to the script, at the same step: changes made
    /// by hand are dropped.
    pub(super) fn return_to_script(&mut self) {
        if let Some(lab) = self.lab.as_mut() {
            lab.session.stop_traffic();
        }
        self.lab = None;
        self.lab_error = None;
        self.back_to = None;
        if let Some(ui) = self.demo.as_mut() {
            ui.player.resume();
            self.screen = Screen::Demo;
            self.notify(s::DEMO_RESUMED);
        } else {
            self.go_home();
        }
    }
}
