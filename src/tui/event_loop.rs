//! The event loop. It blocks on input while nothing animates (an idle lesson
//! uses no CPU), waits with a deadline only while a traffic run is live, and
//! redraws only when `update` says something changed.

use super::action::{Action, Flow};
use super::app::{AppState, update};
use super::keymap;
use super::terminal::Term;
use super::ui;
use ratatui::crossterm::event;
use std::io;
use std::time::Instant;

/// Run until `update` returns [`Flow::Quit`].
pub fn run(term: &mut Term, state: &mut AppState) -> io::Result<()> {
    let mut dirty = true;
    let mut next_tick: Option<Instant> = None;
    loop {
        if dirty {
            term.draw(|f| ui::render(state, f))?;
            dirty = false;
        }
        let action = match state.tick_interval() {
            None => {
                next_tick = None;
                Some(event::read()?)
            }
            Some(interval) => {
                let deadline = *next_tick.get_or_insert_with(|| Instant::now() + interval);
                let wait = deadline.saturating_duration_since(Instant::now());
                if event::poll(wait)? {
                    Some(event::read()?)
                } else {
                    next_tick = Some(Instant::now() + interval);
                    None
                }
            }
        }
        .map_or(Some(Action::Tick), |ev| {
            keymap::map_event(&state.contexts(), state.typing(), state.opts.mouse, ev)
        });
        let Some(action) = action else { continue };
        match update(state, action) {
            Flow::Quit => return Ok(()),
            Flow::Redraw => dirty = true,
            Flow::Unchanged => {}
        }
    }
}
