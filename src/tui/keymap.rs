//! The one key table. Key handling, the footer and the help overlay are all
//! generated from [`BINDINGS`], so they cannot drift apart. `gatelab keys`
//! prints it with [`keymap_text`].

use super::action::{Action, Command};
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

/// Where a binding applies. The app asks for keys along a chain of contexts,
/// most specific first (e.g. gateway panel, then lab, then global).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// Everywhere, even while typing.
    Always,
    /// Everywhere except while typing or answering a question.
    Global,
    /// The home screen.
    Home,
    /// The lesson pane.
    Lesson,
    /// Every pane of the lab.
    Lab,
    /// The gateway panel (controls).
    Gateway,
    /// The request builder.
    Request,
    /// The outcome and its trace.
    Outcome,
    /// The request log.
    Log,
    /// The traffic view.
    Traffic,
    /// The token workbench.
    Token,
    /// A list to choose from (lessons to open, presets, scenarios).
    Picker,
    /// Editing the items of a list.
    ListEdit,
    /// Typing text.
    Prompt,
    /// A yes/no question.
    Confirm,
    /// A popup with text (curl command, a lesson section, a notice).
    Message,
    /// The help overlay.
    Help,
    /// The list of quizzes.
    Quizzes,
    /// A question of a quiz being taken.
    Quiz,
    /// The review of a submitted quiz.
    Review,
    /// The demo player.
    Demo,
}

impl Context {
    /// The group title used in the help overlay and `gatelab keys`.
    pub fn title(self) -> &'static str {
        match self {
            Context::Always => "Even while typing",
            Context::Global => "Everywhere",
            Context::Home => "Home",
            Context::Lesson => "Lesson",
            Context::Lab => "Lab (any lab pane)",
            Context::Gateway => "Gateway panel",
            Context::Request => "Request builder",
            Context::Outcome => "Outcome and trace",
            Context::Log => "Request log",
            Context::Traffic => "Traffic view",
            Context::Token => "Token workbench",
            Context::Picker => "Choosing from a list",
            Context::ListEdit => "Editing a list",
            Context::Prompt => "Typing text",
            Context::Confirm => "Yes/no questions",
            Context::Message => "Popups",
            Context::Help => "This help",
            Context::Quizzes => "Quiz list",
            Context::Quiz => "Taking a quiz",
            Context::Review => "Quiz review",
            Context::Demo => "Demo player",
        }
    }

    /// Every context, in the order the help shows them.
    pub const ALL: [Context; 21] = [
        Context::Global,
        Context::Always,
        Context::Home,
        Context::Lesson,
        Context::Lab,
        Context::Gateway,
        Context::Request,
        Context::Outcome,
        Context::Log,
        Context::Traffic,
        Context::Token,
        Context::Quizzes,
        Context::Quiz,
        Context::Review,
        Context::Demo,
        Context::Picker,
        Context::ListEdit,
        Context::Prompt,
        Context::Confirm,
        Context::Message,
        Context::Help,
    ];
}

/// A key: a key code plus whether Ctrl is held. Shift is part of the
/// character (`R` is not `r`), so it is not tracked separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl held.
    pub ctrl: bool,
}

impl Key {
    const fn c(ch: char) -> Key {
        Key {
            code: KeyCode::Char(ch),
            ctrl: false,
        }
    }
    const fn k(code: KeyCode) -> Key {
        Key { code, ctrl: false }
    }
    const fn ctrl(ch: char) -> Key {
        Key {
            code: KeyCode::Char(ch),
            ctrl: true,
        }
    }

    /// The key from a terminal key event (Shift folded into the character,
    /// Shift-Tab reported as BackTab).
    pub fn from_event(ev: &KeyEvent) -> Key {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let code = match ev.code {
            KeyCode::Tab if ev.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            other => other,
        };
        Key { code, ctrl }
    }

    /// How the key is written in the footer and help.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{}", base.to_uppercase())
        } else {
            base
        }
    }
}

/// One row of the key table.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    /// Where it applies.
    pub ctx: Context,
    /// The keys (the first one is shown in the footer).
    pub keys: &'static [Key],
    /// What it does.
    pub cmd: Command,
    /// What it does, in words (help overlay and footer).
    pub desc: &'static str,
    /// Short word for the footer; `None` keeps it out of the footer.
    pub footer: Option<&'static str>,
}

macro_rules! b {
    ($ctx:ident, [$($key:expr),+], $cmd:ident, $desc:expr) => {
        Binding { ctx: Context::$ctx, keys: &[$($key),+], cmd: Command::$cmd, desc: $desc, footer: None }
    };
    ($ctx:ident, [$($key:expr),+], $cmd:ident, $desc:expr, $foot:expr) => {
        Binding { ctx: Context::$ctx, keys: &[$($key),+], cmd: Command::$cmd, desc: $desc, footer: Some($foot) }
    };
}

use KeyCode as K;
const UP: Key = Key::k(K::Up);
const DOWN: Key = Key::k(K::Down);
const LEFT: Key = Key::k(K::Left);
const RIGHT: Key = Key::k(K::Right);
const ENTER: Key = Key::k(K::Enter);
const ESC: Key = Key::k(K::Esc);
const PGUP: Key = Key::k(K::PageUp);
const PGDN: Key = Key::k(K::PageDown);
const HOME: Key = Key::k(K::Home);
const END: Key = Key::k(K::End);

/// The key table. Within one context a key appears once (a test checks it).
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    // Always
    b!(Always, [Key::ctrl('c')], ForceQuit, "quit at once (the lab autosave is kept)"),
    // Global
    b!(Global, [Key::c('?'), Key::k(K::F(1))], Help, "show all keys", "help"),
    b!(Global, [Key::c('q')], Quit, "quit (asks first if something would be lost)", "quit"),
    b!(Global, [ESC], Back, "back / close", "back"),
    b!(Global, [Key::k(K::Tab)], NextPane, "next pane", "pane"),
    b!(Global, [Key::k(K::BackTab)], PrevPane, "previous pane"),
    b!(Global, [Key::c('P')], TogglePresenter, "presenter view on/off (high contrast, large status)"),
    // Home
    b!(Home, [UP, Key::c('k')], Up, "previous entry"),
    b!(Home, [DOWN, Key::c('j')], Down, "next entry"),
    b!(Home, [ENTER, RIGHT, Key::c('l')], Activate, "open the entry", "open"),
    b!(Home, [Key::c('c')], Continue, "continue where you left off", "continue"),
    b!(Home, [Key::c('g')], Glossary, "glossary", "glossary"),
    b!(Home, [Key::c('x')], ResetTopic, "reset the selected lesson's progress", "reset"),
    b!(Home, [Key::c('X')], ResetAll, "reset all progress"),
    // Lesson
    b!(Lesson, [UP, Key::c('k')], Up, "scroll up / previous step"),
    b!(Lesson, [DOWN, Key::c('j')], Down, "scroll down / next step", "scroll"),
    b!(Lesson, [PGUP], PageUp, "page up"),
    b!(Lesson, [PGDN, Key::c(' ')], PageDown, "page down"),
    b!(Lesson, [Key::c('n'), RIGHT, Key::c('l')], NextSection, "next section", "next"),
    b!(Lesson, [Key::c('p'), LEFT, Key::c('h')], PrevSection, "previous section", "prev"),
    b!(Lesson, [ENTER], Activate, "do the chosen try-it step", "do step"),
    b!(Lesson, [Key::c('g')], Glossary, "this lesson's glossary terms", "glossary"),
    b!(Lesson, [Key::c('a')], ToggleAnswers, "show or hide the answers"),
    b!(Lesson, [Key::c('Q')], OpenQuiz, "take this lesson's quiz"),
    // Lab (any lab pane)
    b!(Lab, [Key::c('f')], Fire, "fire the request", "fire"),
    b!(Lab, [Key::c('p')], Presets, "load a preset request", "presets"),
    b!(Lab, [Key::c('r')], NamedRequests, "load a named request of the scenario"),
    b!(Lab, [Key::c('D')], Deploy, "deploy the API (method, authorizer and policy changes need it)", "deploy"),
    b!(Lab, [Key::c('u')], Undo, "undo the last gateway change", "undo"),
    b!(Lab, [Key::c('R')], ResetLab, "reset the lab to its scenario"),
    b!(Lab, [Key::c('S')], SaveScenario, "save the lab as a scenario file"),
    b!(Lab, [Key::c('c')], CopyCurl, "show the request as a curl command", "curl"),
    b!(Lab, [Key::c('J')], JumpClock, "jump the virtual clock forward"),
    b!(Lab, [Key::c('1')], ViewOutcome, "show the outcome"),
    b!(Lab, [Key::c('2')], ViewLog, "show the request log"),
    b!(Lab, [Key::c('3')], ViewTraffic, "show the traffic view"),
    b!(Lab, [Key::c('4')], ViewToken, "show the token workbench"),
    // Gateway panel
    b!(Gateway, [UP, Key::c('k')], Up, "previous control"),
    b!(Gateway, [DOWN, Key::c('j')], Down, "next control"),
    b!(Gateway, [Key::c(' ')], Toggle, "switch on/off", "toggle"),
    b!(Gateway, [LEFT, Key::c('h')], Left, "previous option / one less"),
    b!(Gateway, [RIGHT, Key::c('l')], Right, "next option / one more", "change"),
    b!(Gateway, [ENTER, Key::c('e')], Edit, "edit the value (type a number, edit a list)", "edit"),
    // Request builder
    b!(Request, [UP, Key::c('k')], Up, "previous field"),
    b!(Request, [DOWN, Key::c('j')], Down, "next field"),
    b!(Request, [LEFT, Key::c('h')], Left, "previous option"),
    b!(Request, [RIGHT, Key::c('l')], Right, "next option"),
    b!(Request, [ENTER, Key::c('e')], Edit, "edit the field", "edit"),
    b!(Request, [Key::c('d')], DeleteItem, "clear the field"),
    // Outcome
    b!(Outcome, [UP, Key::c('k')], Up, "previous trace step"),
    b!(Outcome, [DOWN, Key::c('j')], Down, "next trace step"),
    b!(Outcome, [PGUP], PageUp, "scroll up a page"),
    b!(Outcome, [PGDN], PageDown, "scroll down a page"),
    b!(Outcome, [ENTER, Key::c(' ')], Toggle, "show or hide the step's notes", "notes"),
    b!(Outcome, [Key::c('e')], Explain, "open the lesson about the deciding stage", "explain"),
    // Log
    b!(Log, [UP, Key::c('k')], Up, "previous entry"),
    b!(Log, [DOWN, Key::c('j')], Down, "next entry"),
    b!(Log, [ENTER], Activate, "reopen the entry", "reopen"),
    // Traffic
    b!(Traffic, [Key::c('t')], StartTraffic, "start a traffic run", "start"),
    b!(Traffic, [Key::c(' ')], Toggle, "pause or resume", "pause"),
    b!(Traffic, [Key::c('.')], StepTraffic, "one virtual second forward (paused)", "step"),
    b!(Traffic, [Key::c('s')], Speed, "speed 1x, 10x, 100x", "speed"),
    b!(Traffic, [Key::c('x')], StopTraffic, "stop the run"),
    // Token
    b!(Token, [UP, Key::c('k')], Up, "previous field"),
    b!(Token, [DOWN, Key::c('j')], Down, "next field"),
    b!(Token, [LEFT, Key::c('h')], Left, "previous signing choice"),
    b!(Token, [RIGHT, Key::c('l')], Right, "next signing choice"),
    b!(Token, [ENTER, Key::c('e')], Edit, "edit the field", "edit"),
    b!(Token, [Key::c('m')], Mint, "sign a token from the claims", "mint"),
    b!(Token, [Key::c('a')], UseToken, "use the token in the request", "use"),
    // Quiz list
    b!(Quizzes, [UP, Key::c('k')], Up, "previous quiz"),
    b!(Quizzes, [DOWN, Key::c('j')], Down, "next quiz"),
    b!(Quizzes, [ENTER, RIGHT, Key::c('l')], Activate, "take the quiz", "take"),
    // Quiz
b!(Quiz, [UP, Key::c('k')], Up, "previous option or item"),
    b!(Quiz, [DOWN, Key::c('j')], Down, "next option or item"),
    b!(Quiz, [Key::c(' ')], Toggle, "choose or tick the option", "choose"),
    b!(Quiz, [ENTER, Key::c('e')], Edit, "type the answer (number or text)", "type"),
    b!(Quiz, [Key::c('n')], NextSection, "next question", "next"),
    b!(Quiz, [Key::c('p')], PrevSection, "previous question", "prev"),
    b!(Quiz, [Key::c('h')], Hint, "show the next hint", "hint"),
    b!(Quiz, [Key::c('s')], SubmitQuiz, "submit the quiz (asks first)", "submit"),
    b!(Quiz, [Key::c('g')], GradeLab, "grade my lab (lab tasks)", "grade"),
    b!(Quiz, [Key::c('o')], OpenTaskLab, "open the lab on the task's start scenario (Esc comes back)"),
    b!(Quiz, [LEFT], Left, "previous match"),
    b!(Quiz, [RIGHT], Right, "next match"),
    b!(Quiz, [Key::c('K')], MoveItemUp, "move the item up (ordering)"),
    b!(Quiz, [Key::c('J')], MoveItemDown, "move the item down (ordering)"),
    b!(Quiz, [PGUP], PageUp, "scroll the question up a page"),
    b!(Quiz, [PGDN], PageDown, "scroll the question down a page"),
    // Review
    b!(Review, [UP, Key::c('k')], Up, "scroll up"),
    b!(Review, [DOWN, Key::c('j')], Down, "scroll down", "scroll"),
    b!(Review, [PGUP], PageUp, "page up"),
    b!(Review, [PGDN, Key::c(' ')], PageDown, "page down"),
    b!(Review, [Key::c('n')], NextSection, "next question", "next"),
    b!(Review, [Key::c('p')], PrevSection, "previous question", "prev"),
    b!(Review, [Key::c('e')], Explain, "open the lesson section of the selected question", "lesson"),
    // Demo player
    b!(Demo, [Key::c(' '), RIGHT, Key::c('n')], NextStep, "play the next step", "next"),
    b!(Demo, [LEFT, Key::c('p')], PrevStep, "back one step (the script is replayed from the start)", "prev"),
    b!(Demo, [UP, Key::c('k')], Up, "previous step in the list"),
    b!(Demo, [DOWN, Key::c('j')], Down, "next step in the list"),
    b!(Demo, [ENTER], Activate, "jump to the selected step", "jump"),
    b!(Demo, [PGUP], PageUp, "scroll the step text up"),
    b!(Demo, [PGDN], PageDown, "scroll the step text down"),
    b!(Demo, [Key::c('L')], LeaveScript, "leave the script: change the demo's lab live (Esc returns to the script)", "live"),
    b!(Demo, [Key::c('q')], Back, "back to the home screen", "back"),
    // Picker
    b!(Picker, [UP, Key::c('k')], Up, "previous"),
    b!(Picker, [DOWN, Key::c('j')], Down, "next"),
    b!(Picker, [ENTER], Activate, "choose", "choose"),
    b!(Picker, [ESC, Key::c('q')], Back, "close", "close"),
    // ListEdit
    b!(ListEdit, [UP, Key::c('k')], Up, "previous item"),
    b!(ListEdit, [DOWN, Key::c('j')], Down, "next item"),
    b!(ListEdit, [Key::c('a')], AddItem, "add an item", "add"),
    b!(ListEdit, [ENTER, Key::c('e')], Edit, "edit the item", "edit"),
    b!(ListEdit, [Key::c('d'), Key::k(K::Delete)], DeleteItem, "remove the item", "remove"),
    b!(ListEdit, [ESC, Key::c('q')], Back, "close", "close"),
    // Prompt
    b!(Prompt, [ENTER], Submit, "accept", "accept"),
    b!(Prompt, [ESC], Back, "cancel", "cancel"),
    b!(Prompt, [LEFT], Left, "cursor left"),
    b!(Prompt, [RIGHT], Right, "cursor right"),
    b!(Prompt, [HOME], Top, "start of the line"),
    b!(Prompt, [END], Bottom, "end of the line"),
    b!(Prompt, [Key::k(K::Backspace)], Backspace, "delete before the cursor"),
    b!(Prompt, [Key::k(K::Delete)], DeleteChar, "delete under the cursor"),
    b!(Prompt, [Key::ctrl('u')], ClearInput, "clear the line", "clear"),
    // Confirm
    b!(Confirm, [Key::c('y'), ENTER], Yes, "yes", "yes"),
    b!(Confirm, [Key::c('n'), ESC], No, "no", "no"),
    // Message
    b!(Message, [UP, Key::c('k')], Up, "scroll up"),
    b!(Message, [DOWN, Key::c('j')], Down, "scroll down", "scroll"),
    b!(Message, [PGUP], PageUp, "page up"),
    b!(Message, [PGDN, Key::c(' ')], PageDown, "page down"),
    b!(Message, [ESC, ENTER, Key::c('q')], Back, "close", "close"),
    // Help
    b!(Help, [UP, Key::c('k')], Up, "scroll up"),
    b!(Help, [DOWN, Key::c('j')], Down, "scroll down", "scroll"),
    b!(Help, [PGUP], PageUp, "page up"),
    b!(Help, [PGDN, Key::c(' ')], PageDown, "page down"),
    b!(Help, [ESC, Key::c('?'), Key::c('q'), Key::k(K::F(1))], Back, "close the help", "close"),
];

/// The command bound to `key` along a chain of contexts (first match wins).
pub fn lookup(chain: &[Context], key: Key) -> Option<Command> {
    chain.iter().find_map(|ctx| {
        BINDINGS
            .iter()
            .find(|b| b.ctx == *ctx && b.keys.contains(&key))
            .map(|b| b.cmd)
    })
}

/// Turn a terminal event into an action, given the current context chain.
/// `typing` is true while a text input has focus: unbound printable
/// characters are then inserted rather than ignored.
pub fn map_event(chain: &[Context], typing: bool, mouse: bool, ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            let key = Key::from_event(&k);
            if let Some(cmd) = lookup(chain, key) {
                return Some(Action::Cmd(cmd));
            }
            match key.code {
                KeyCode::Char(c) if typing && !key.ctrl => Some(Action::Insert(c)),
                _ => None,
            }
        }
        Event::Paste(text) if typing => Some(Action::Paste(text)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Mouse(m) if mouse => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(m.column, m.row)),
            MouseEventKind::ScrollUp => Some(Action::Cmd(Command::Up)),
            MouseEventKind::ScrollDown => Some(Action::Cmd(Command::Down)),
            _ => None,
        },
        _ => None,
    }
}

/// The keys of a binding, written for people: `↑/k`.
pub fn keys_label(b: &Binding) -> String {
    b.keys.iter().map(Key::label).collect::<Vec<_>>().join("/")
}

/// The help groups: each context with its bindings, in table order.
pub fn help_groups() -> Vec<(Context, Vec<&'static Binding>)> {
    Context::ALL
        .iter()
        .map(|ctx| {
            (
                *ctx,
                BINDINGS
                    .iter()
                    .filter(|b| b.ctx == *ctx)
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// Footer entries for a context chain: (key label, command, word), most
/// specific context first, each command once; a key that a more specific
/// context binds to something else is left out.
pub fn footer_entries(chain: &[Context]) -> Vec<(String, Command, &'static str)> {
    let mut seen: Vec<Command> = Vec::new();
    let mut out = Vec::new();
    for ctx in chain {
        for b in BINDINGS.iter().filter(|b| b.ctx == *ctx) {
            // A key bound again by a more specific context is not shown
            // with its wider meaning.
            let shadowed = b
                .keys
                .first()
                .is_some_and(|k| lookup(chain, *k) != Some(b.cmd));
            if let Some(word) = b.footer
                && !seen.contains(&b.cmd)
                && !shadowed
            {
                seen.push(b.cmd);
                let first = b.keys.first().map(Key::label).unwrap_or_default();
                out.push((first, b.cmd, word));
            }
        }
    }
    out
}

/// The whole key table as plain text, grouped by context (`gatelab keys`).
pub fn keymap_text() -> String {
    let mut out = String::new();
    for (ctx, rows) in help_groups() {
        out.push_str(ctx.title());
        out.push('\n');
        for b in rows {
            out.push_str(&format!("  {:<24} {}\n", keys_label(b), b.desc));
        }
        out.push('\n');
    }
    out.push_str(super::strings::KEYS_TYPING_NOTE);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.ctx == b.ctx {
                    for k in a.keys {
                        assert!(
                            !b.keys.contains(k),
                            "{:?} bound twice in {:?}: {:?} and {:?}",
                            k.label(),
                            a.ctx,
                            a.cmd,
                            b.cmd
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_command_has_a_key() {
        for cmd in Command::ALL {
            assert!(BINDINGS.iter().any(|b| b.cmd == *cmd), "{cmd:?} has no key");
        }
    }

    #[test]
    fn first_match_wins_along_the_chain() {
        let chain = [
            Context::Gateway,
            Context::Lab,
            Context::Global,
            Context::Always,
        ];
        assert_eq!(lookup(&chain, Key::c(' ')), Some(Command::Toggle));
        assert_eq!(lookup(&chain, Key::c('f')), Some(Command::Fire));
        assert_eq!(lookup(&chain, Key::c('q')), Some(Command::Quit));
        assert_eq!(lookup(&chain, Key::ctrl('c')), Some(Command::ForceQuit));
        assert_eq!(lookup(&chain, Key::c('Z')), None);
    }

    #[test]
    fn typing_inserts_unbound_characters_only() {
        use ratatui::crossterm::event::KeyEvent;
        let chain = [Context::Prompt, Context::Always];
        let ev = |c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        assert_eq!(
            map_event(&chain, true, false, ev('q')),
            Some(Action::Insert('q'))
        );
        assert_eq!(map_event(&chain, false, false, ev('q')), None);
        let enter = Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(
            map_event(&chain, true, false, enter),
            Some(Action::Cmd(Command::Submit))
        );
        let shift_r = Event::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT));
        let lab = [Context::Lab];
        assert_eq!(
            map_event(&lab, false, false, shift_r),
            Some(Action::Cmd(Command::ResetLab))
        );
    }

    #[test]
    fn keymap_text_lists_every_binding() {
        let text = keymap_text();
        for b in BINDINGS {
            let row = format!("{:<24} {}", keys_label(b), b.desc);
            assert!(text.contains(&row), "missing row: {row}");
        }
        assert!(text.contains("Gateway panel\n"));
    }
}
