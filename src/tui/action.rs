//! What the user meant. Raw terminal events become [`Action`]s in the keymap;
//! `update` is the only place that acts on them.

macro_rules! commands {
    ($( $(#[$doc:meta])* $v:ident ),* $(,)?) => {
        /// A command a key can be bound to. Every command is listed in
        /// [`Command::ALL`], so tests can check that each one has a key and
        /// appears in the help.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command {
            $( $(#[$doc])* $v ),*
        }

        impl Command {
            /// Every command, in declaration order.
            pub const ALL: &'static [Command] = &[$(Command::$v),*];
        }
    };
}

commands! {
    /// Open the help overlay.
    Help,
    /// Quit (asks first when something would be lost).
    Quit,
    /// Quit at once (Ctrl-C); the lab autosave is still written.
    ForceQuit,
    /// Close the overlay or go back one screen.
    Back,
    /// Focus the next pane.
    NextPane,
    /// Focus the previous pane.
    PrevPane,
    /// Move up / scroll up.
    Up,
    /// Move down / scroll down.
    Down,
    /// Move left; in a choice, the previous option.
    Left,
    /// Move right; in a choice, the next option.
    Right,
    /// Scroll up one page.
    PageUp,
    /// Scroll down one page.
    PageDown,
    /// Go to the top (or the start of the input).
    Top,
    /// Go to the bottom (or the end of the input).
    Bottom,
    /// Open, choose or run the selected item.
    Activate,
    /// Toggle the selected switch (or pause a traffic run).
    Toggle,
    /// Edit the selected value.
    Edit,
    /// Continue where the learner left off.
    Continue,
    /// Show the glossary.
    Glossary,
    /// Reset the progress of the selected lesson.
    ResetTopic,
    /// Reset all progress.
    ResetAll,
    /// Next lesson section.
    NextSection,
    /// Previous lesson section.
    PrevSection,
    /// Show or hide the answers of the check-yourself questions.
    ToggleAnswers,
    /// Fire the request in the request builder.
    Fire,
    /// Load a preset request into the builder.
    Presets,
    /// Load one of the scenario's named requests into the builder.
    NamedRequests,
    /// Deploy the API to its stage.
    Deploy,
    /// Undo the last change to the gateway.
    Undo,
    /// Reset the lab to its scenario.
    ResetLab,
    /// Save the lab as a scenario file.
    SaveScenario,
    /// Show the request as a curl command.
    CopyCurl,
    /// Jump the virtual clock forward.
    JumpClock,
    /// Show the outcome of the last request.
    ViewOutcome,
    /// Show the request log.
    ViewLog,
    /// Show the traffic view.
    ViewTraffic,
    /// Show the token workbench.
    ViewToken,
    /// Open the lesson section of the stage that decided.
    Explain,
    /// Start a traffic run.
    StartTraffic,
    /// Advance a paused traffic run by one virtual second.
    StepTraffic,
    /// Cycle the traffic speed: 1x, 10x, 100x.
    Speed,
    /// Stop the traffic run.
    StopTraffic,
    /// Sign a new token from the edited claims.
    Mint,
    /// Put the token into the request's Authorization header.
    UseToken,
    /// Add an item to a list.
    AddItem,
    /// Delete the selected item (or clear the selected field).
    DeleteItem,
    /// Confirm: yes.
    Yes,
    /// Confirm: no.
    No,
    /// Accept the text input.
    Submit,
    /// Delete the character before the cursor.
    Backspace,
    /// Delete the character under the cursor.
    DeleteChar,
    /// Clear the text input.
    ClearInput,
    /// Take the quiz of the lesson being read.
    OpenQuiz,
    /// Show the next hint of the question.
    Hint,
    /// Move the selected item up (ordering questions).
    MoveItemUp,
    /// Move the selected item down (ordering questions).
    MoveItemDown,
    /// Open the lab on a lab task's start scenario.
    OpenTaskLab,
    /// Grade the learner's lab against a lab task.
    GradeLab,
    /// Submit the quiz (asks first).
    SubmitQuiz,
    /// Switch the presenter view on or off.
    TogglePresenter,
    /// Play the next step of the demo.
    NextStep,
    /// Go back one step of the demo (replayed from the start).
    PrevStep,
    /// Leave the demo's script: open its lab to change it live.
    LeaveScript,
}

/// What the user meant, or something that happened (resize, a timer tick).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// A bound command.
    Cmd(Command),
    /// A character typed into a text input.
    Insert(char),
    /// Text pasted into a text input.
    Paste(String),
    /// The terminal changed size (columns, rows).
    Resize(u16, u16),
    /// Time passed while something animates (a traffic run).
    Tick,
    /// A mouse click at (column, row); only with `--mouse`.
    Click(u16, u16),
}

impl From<Command> for Action {
    fn from(c: Command) -> Self {
        Action::Cmd(c)
    }
}

/// What the event loop should do after `update`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Nothing visible changed: do not redraw.
    Unchanged,
    /// Redraw the screen.
    Redraw,
    /// Leave the app.
    Quit,
}
