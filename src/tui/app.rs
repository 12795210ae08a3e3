//! The app's state and the one `update` function that changes it. Rendering
//! (`ui`) only reads this state; tests drive `update` directly.

use super::action::{Action, Command, Flow};
pub use super::app_demo::DemoUi;
pub use super::app_quiz::{QuizUi, ReviewUi};
use super::keymap::Context;
use super::session::LabSession;
use super::strings as s;
use super::theme::{Theme, ThemeName};
use super::ui::layout::{self, PaneLayout};
use super::{Course, TuiOptions};
use crate::content::lesson::Lesson;
use crate::gateway::request::{Request, Scheme, TlsVersion};
use crate::lab::{ControlKind, ControlValue, TrafficFrame};
use crate::progress::learner::{LearnerProgress, step_key};
use crate::progress::results::Results;
use crate::progress::store::Loaded;
use ratatui::layout::Rect;
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Which screen is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// Lessons, progress, free lab, quizzes.
    Home,
    /// A lesson beside its lab.
    Lesson,
    /// A lab without a lesson.
    FreeLab,
    /// The list of quiz modules.
    Quizzes,
    /// A quiz being taken, one question at a time.
    Quiz,
    /// The review of a submitted quiz.
    Review,
    /// A demo played step by step.
    Demo,
}

/// A focusable region of the lesson and lab screens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    /// The lesson text.
    Lesson,
    /// The gateway's controls.
    Gateway,
    /// The request builder.
    Request,
    /// Outcome, log, traffic or token workbench (see [`LabView`]).
    View,
}

/// What the lab's main view shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabView {
    /// The outcome of a request and its trace.
    Outcome,
    /// Every request fired.
    Log,
    /// Traffic runs.
    Traffic,
    /// Decode, edit and sign tokens.
    Token,
}

/// One entry of the home screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HomeEntry {
    /// Continue where the learner left off.
    Continue,
    /// A lesson (index into the course).
    Lesson(usize),
    /// The free lab.
    FreeLab,
    /// The quizzes.
    Quizzes,
    /// The demos.
    Demos,
}

/// The lesson being read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonUi {
    /// Index into `course.lessons`.
    pub index: usize,
    /// Section index; one past the last real section is "check yourself"
    /// when the lesson has check questions.
    pub section: usize,
    /// First visible line of the section body.
    pub scroll: usize,
    /// The chosen try-it step (0-based).
    pub step: usize,
    /// Whether check-yourself answers are shown.
    pub show_answers: bool,
}

/// Fields of the request builder, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReqField {
    /// HTTP method.
    Method,
    /// https or http.
    Scheme,
    /// Path and query.
    Path,
    /// TLS version.
    Tls,
    /// Source IP.
    SourceIp,
    /// The Origin header (what a browser would send).
    Origin,
    /// Client certificate name (mutual TLS).
    ClientCert,
    /// Other headers.
    Headers,
    /// Body.
    Body,
}

impl ReqField {
    /// Every field, in display order.
    pub const ALL: [ReqField; 9] = [
        ReqField::Method,
        ReqField::Scheme,
        ReqField::Path,
        ReqField::Tls,
        ReqField::SourceIp,
        ReqField::Origin,
        ReqField::ClientCert,
        ReqField::Headers,
        ReqField::Body,
    ];
}

/// Methods offered by the request builder.
pub const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"];

/// Fields of the token workbench.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokField {
    /// The token (compact JWT).
    Token,
    /// The claims to sign (JSON).
    Claims,
    /// How to sign.
    Signing,
}

impl TokField {
    /// Every field, in display order.
    pub const ALL: [TokField; 3] = [TokField::Token, TokField::Claims, TokField::Signing];
}

/// Ways to sign edited claims (ids understood by the lab's `token_edit`).
pub const SIGNING: [&str; 4] = ["pool-key", "wrong-key", "alg-none", "expire"];

/// Traffic speeds (virtual seconds per wall second).
pub const SPEEDS: [u32; 3] = [1, 10, 100];

/// At most this many traffic frames are kept for the charts.
pub const MAX_TRAFFIC_FRAMES: usize = 600;

/// The traffic view.
#[derive(Clone, Debug, Default)]
pub struct TrafficUi {
    /// Frames so far (oldest first).
    pub frames: Vec<TrafficFrame>,
    /// Paused by the learner.
    pub paused: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Label of the running (or last) run.
    pub label: Option<String>,
    /// Why the last start failed.
    pub error: Option<String>,
}

/// The token workbench.
#[derive(Clone, Debug, Default)]
pub struct TokenUi {
    /// The token being looked at.
    pub token: String,
    /// Claims JSON to sign.
    pub claims: String,
    /// Index into [`SIGNING`].
    pub how: usize,
    /// Selected field (index into [`TokField::ALL`]).
    pub sel: usize,
    /// The decoded token: (header, claims) or why it could not be decoded.
    pub decoded: Option<Result<(String, String), String>>,
    /// Why the last signing failed.
    pub error: Option<String>,
}

/// A lab and everything the lab panes show about it.
pub struct LabUi {
    /// The lab itself.
    pub session: LabSession,
    /// What the main view shows.
    pub view: LabView,
    /// Selected control (index into `session.controls`).
    pub control_sel: usize,
    /// The last refused change: (control id, reason).
    pub control_error: Option<(String, String)>,
    /// A control a try-it step points at.
    pub highlight: Option<String>,
    /// The request in the builder.
    pub request: Request,
    /// Selected builder field (index into [`ReqField::ALL`]).
    pub request_sel: usize,
    /// Why the last builder edit was refused.
    pub request_error: Option<String>,
    /// The log entry whose outcome is shown.
    pub shown: Option<usize>,
    /// Selected trace step.
    pub trace_sel: usize,
    /// Trace steps whose notes are shown.
    pub expanded: BTreeSet<usize>,
    /// First visible line of the outcome view.
    pub outcome_scroll: usize,
    /// Selected log entry.
    pub log_sel: usize,
    /// Traffic view.
    pub traffic: TrafficUi,
    /// Token workbench.
    pub token: TokenUi,
    /// Gateway changes not yet saved to a scenario file.
    pub changed_since_save: bool,
}

impl LabUi {
    pub(super) fn new(session: LabSession) -> LabUi {
        let mut ui = LabUi {
            session,
            view: LabView::Outcome,
            control_sel: 0,
            control_error: None,
            highlight: None,
            request: Request::default(),
            request_sel: 0,
            request_error: None,
            shown: None,
            trace_sel: 0,
            expanded: BTreeSet::new(),
            outcome_scroll: 0,
            log_sel: 0,
            traffic: TrafficUi::default(),
            token: TokenUi::default(),
            changed_since_save: false,
        };
        ui.clear_ui();
        ui
    }

    /// Back to the state of a freshly opened lab (the session is kept).
    fn clear_ui(&mut self) {
        self.view = LabView::Outcome;
        self.control_sel = 0;
        self.control_error = None;
        self.highlight = None;
        self.request = self
            .session
            .named
            .first()
            .map(|(_, r)| r.clone())
            .unwrap_or_default();
        self.request_sel = 0;
        self.request_error = None;
        self.shown = None;
        self.trace_sel = 0;
        self.expanded.clear();
        self.outcome_scroll = 0;
        self.log_sel = 0;
        self.traffic = TrafficUi::default();
        self.token = TokenUi::default();
        self.changed_since_save = false;
    }

    /// The log entry shown in the outcome view.
    pub fn shown_entry(&self) -> Option<&(Request, crate::lab::Outcome)> {
        let log = self.session.log();
        self.shown.and_then(|i| log.get(i)).or(log.last())
    }
}

/// A single-line text editor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineInput {
    /// The text.
    pub text: String,
    /// Cursor position in characters.
    pub cursor: usize,
}

impl LineInput {
    /// An editor holding `text`, cursor at the end.
    pub fn new(text: &str) -> LineInput {
        LineInput {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }
    fn byte_at(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map(|(i, _)| i)
            .unwrap_or(self.text.len())
    }
    /// Insert text at the cursor (control characters and newlines become spaces).
    pub fn insert(&mut self, t: &str) {
        let clean: String = t
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }
    /// Delete the character before the cursor.
    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }
    /// Delete the character under the cursor.
    pub fn delete(&mut self) {
        if self.cursor < self.text.chars().count() {
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }
    /// Move the cursor.
    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }
    /// Move the cursor.
    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }
}

/// Something to do once the learner says yes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pending {
    /// Quit the app.
    Quit,
    /// Reset one lesson's progress (index into the course).
    ResetTopic(usize),
    /// Reset all progress.
    ResetAll,
    /// Reset the lab to its scenario.
    ResetLab,
    /// Submit the quiz being taken.
    SubmitQuiz,
    /// Leave the quiz being taken without submitting.
    LeaveQuiz,
}

/// What a text prompt is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptFor {
    /// A number control (by id).
    ControlNumber(String),
    /// A text control (by id).
    ControlText(String),
    /// An item of the list being edited: `None` adds one.
    ListItem(Option<usize>),
    /// A request builder field.
    RequestField(ReqField),
    /// A token workbench field.
    TokenField(TokField),
    /// Where to save the lab as a scenario file.
    SavePath,
    /// How far to jump the virtual clock.
    JumpClock,
    /// A numeric quiz answer.
    QuizNumber,
    /// A short-text quiz answer.
    QuizText,
}

/// What a picker chooses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickFor {
    /// A preset request.
    Preset,
    /// A named request of the scenario.
    Named,
    /// A scenario for the free lab.
    Scenario,
    /// A traffic run.
    Traffic,
    /// A demo to play.
    Demo,
}

/// One item of a picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickItem {
    /// What choosing it refers to.
    pub id: String,
    /// What the learner reads.
    pub label: String,
    /// A second line of explanation (may be empty).
    pub detail: String,
}

/// The list a list editor changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListTarget {
    /// A list control (by id).
    Control(String),
    /// The request's headers (`Name: value`).
    Headers,
}

/// The text of a popup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageBody {
    /// Sentences, wrapped at word boundaries.
    Prose(String),
    /// Shown character for character (a curl command to copy).
    Verbatim(String),
    /// Rendered as Markdown (a lesson section).
    Markdown(String),
}

/// An overlay over the screen; the top one gets the keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Modal {
    /// The key help.
    Help {
        /// First visible line.
        scroll: usize,
    },
    /// A yes/no question.
    Confirm {
        /// The question.
        question: String,
        /// What "yes" does.
        then: Pending,
    },
    /// A line of text to type.
    Prompt {
        /// What to type.
        title: String,
        /// The text so far.
        input: LineInput,
        /// What the text is for.
        purpose: PromptFor,
        /// Why the last attempt was refused.
        error: Option<String>,
    },
    /// A popup with text.
    Message {
        /// Title.
        title: String,
        /// Text.
        body: MessageBody,
        /// First visible line.
        scroll: usize,
    },
    /// Choose one item.
    Picker {
        /// Title.
        title: String,
        /// Items.
        items: Vec<PickItem>,
        /// Selected item.
        selected: usize,
        /// What choosing does.
        purpose: PickFor,
    },
    /// Edit the items of a list.
    ListEdit {
        /// Title.
        title: String,
        /// The list being edited.
        target: ListTarget,
        /// Items.
        items: Vec<String>,
        /// Selected item.
        selected: usize,
        /// Why the last change was refused.
        error: Option<String>,
    },
    /// Glossary terms.
    Glossary {
        /// Indices into `course.glossary`.
        terms: Vec<usize>,
        /// Selected term.
        selected: usize,
    },
}

/// The kind of a status-line notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    /// Something worked.
    Info,
    /// Something to pay attention to.
    Warn,
    /// Something did not work.
    Error,
}

/// Everything the app knows.
pub struct AppState {
    /// Lessons, glossary, scenarios, and how to open labs.
    pub course: Course,
    /// Options from the command line.
    pub opts: TuiOptions,
    /// Styles.
    pub theme: Theme,
    /// Where progress is saved (`None`: nothing is written, as in tests).
    pub data_dir: Option<PathBuf>,
    /// The learner's progress.
    pub progress: LearnerProgress,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Current screen.
    pub screen: Screen,
    /// Focused pane on the lesson and lab screens.
    pub focus: Pane,
    /// Overlays, bottom first.
    pub modals: Vec<Modal>,
    /// Selected home entry.
    pub home_sel: usize,
    /// The lesson being read.
    pub lesson: Option<LessonUi>,
    /// The open lab.
    pub lab: Option<LabUi>,
    /// Why the lesson's lab could not be opened.
    pub lab_error: Option<String>,
    /// A one-line notice for the status line.
    pub notice: Option<(String, NoticeKind)>,
    /// Selected quiz in the quiz list.
    pub quiz_sel: usize,
    /// The quiz being taken.
    pub quiz: Option<QuizUi>,
    /// The review of the last submitted quiz.
    pub review: Option<ReviewUi>,
    /// Saved quiz results (read when the quiz list first opens).
    pub results: Option<Results>,
    /// Where `Esc` goes from a lesson or lab opened from a quiz or review.
    pub back_to: Option<Screen>,
    /// The demo being played.
    pub demo: Option<DemoUi>,
}

impl AppState {
    /// A fresh app on the home screen. A damaged progress file is reported
    /// in a popup.
    pub fn new(
        course: Course,
        opts: TuiOptions,
        progress: Loaded<LearnerProgress>,
        data_dir: Option<PathBuf>,
        size: (u16, u16),
    ) -> AppState {
        let (progress, corrupt) = match progress {
            Loaded::Missing(p) | Loaded::Ok(p) => (p, None),
            Loaded::Corrupt {
                value,
                moved_to,
                problem,
            } => (value, Some((moved_to, problem))),
        };
        let mut st = AppState {
            theme: theme_for(opts),
            course,
            opts,
            data_dir,
            progress,
            size,
            screen: Screen::Home,
            focus: Pane::Lesson,
            modals: Vec::new(),
            home_sel: 0,
            lesson: None,
            lab: None,
            lab_error: None,
            notice: None,
            quiz_sel: 0,
            quiz: None,
            review: None,
            results: None,
            back_to: None,
            demo: None,
        };
        if let Some((moved_to, problem)) = corrupt {
            st.modals.push(Modal::Message {
                title: s::CORRUPT_TITLE.into(),
                body: MessageBody::Prose(s::corrupt_progress(
                    &moved_to.display().to_string(),
                    &problem,
                )),
                scroll: 0,
            });
        }
        st
    }

    /// Change the palette.
    pub fn set_theme(&mut self, name: ThemeName) {
        self.opts.theme = name;
        self.theme = theme_for(self.opts);
    }

    /// Switch the presenter view on or off.
    pub fn set_presenter(&mut self, on: bool) {
        self.opts.presenter = on;
        self.theme = theme_for(self.opts);
    }

    // ----- derived facts -------------------------------------------------

    /// Whether the terminal is large enough to draw the app.
    pub fn big_enough(&self) -> bool {
        layout::big_enough(self.size.0, self.size.1)
    }

    /// The entries of the home screen, in order.
    pub fn home_entries(&self) -> Vec<HomeEntry> {
        let mut v = Vec::new();
        if self.continue_target().is_some() {
            v.push(HomeEntry::Continue);
        }
        v.extend((0..self.course.lessons.len()).map(HomeEntry::Lesson));
        v.push(HomeEntry::FreeLab);
        v.push(HomeEntry::Quizzes);
        if !self.course.labs.demos().is_empty() {
            v.push(HomeEntry::Demos);
        }
        v
    }

    /// The lesson and section "continue" opens.
    pub fn continue_target(&self) -> Option<(usize, usize)> {
        let pos = self.progress.last.as_ref()?;
        let li = self
            .course
            .lessons
            .iter()
            .position(|l| l.id == pos.lesson)?;
        let lesson = &self.course.lessons[li];
        let si = if pos.section == s::CHECK_SECTION_ID {
            lesson.sections.len()
        } else {
            lesson
                .sections
                .iter()
                .position(|x| x.id == pos.section)
                .unwrap_or(0)
        };
        Some((li, si.min(section_count(lesson).saturating_sub(1))))
    }

    /// The lesson being read.
    pub fn current_lesson(&self) -> Option<&Lesson> {
        self.lesson
            .as_ref()
            .and_then(|l| self.course.lessons.get(l.index))
    }

    /// The panes of the current screen, in focus order.
    pub fn panes(&self) -> Vec<Pane> {
        let lab = if self.lab.is_some() {
            vec![Pane::Gateway, Pane::Request, Pane::View]
        } else if self.lab_error.is_some() {
            vec![Pane::View]
        } else {
            vec![]
        };
        match self.screen {
            Screen::Lesson => {
                let mut v = vec![Pane::Lesson];
                v.extend(lab);
                v
            }
            Screen::FreeLab => lab,
            _ => vec![],
        }
    }

    /// Where the panes of the current screen are.
    pub fn pane_layout(&self) -> PaneLayout {
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        let body = layout::areas(area).body;
        let panes = self.panes();
        if panes.is_empty() {
            return PaneLayout::default();
        }
        layout::panes_for(body, &panes, self.focus, self.opts.presenter)
    }

    /// The context chain for key lookup, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        use Context as C;
        if let Some(m) = self.modals.last() {
            let c = match m {
                Modal::Help { .. } => C::Help,
                Modal::Confirm { .. } => C::Confirm,
                Modal::Prompt { .. } => C::Prompt,
                Modal::Message { .. } => C::Message,
                Modal::Picker { .. } | Modal::Glossary { .. } => C::Picker,
                Modal::ListEdit { .. } => C::ListEdit,
            };
            return vec![c, C::Always];
        }
        if !self.big_enough() {
            return vec![C::Global, C::Always];
        }
        let mut v = match self.screen {
            Screen::Home => vec![C::Home],
            Screen::Quizzes => vec![C::Quizzes],
            Screen::Quiz => vec![C::Quiz],
            Screen::Review => vec![C::Review],
            Screen::Demo => vec![C::Demo],
            Screen::Lesson | Screen::FreeLab => match self.focus {
                Pane::Lesson => vec![C::Lesson],
                _ if self.lab.is_none() => vec![],
                Pane::Gateway => vec![C::Gateway, C::Lab],
                Pane::Request => vec![C::Request, C::Lab],
                Pane::View => {
                    let view = match self.lab.as_ref().map(|l| l.view) {
                        Some(LabView::Log) => C::Log,
                        Some(LabView::Traffic) => C::Traffic,
                        Some(LabView::Token) => C::Token,
                        _ => C::Outcome,
                    };
                    vec![view, C::Lab]
                }
            },
        };
        v.push(C::Global);
        v.push(C::Always);
        v
    }

    /// Whether a text input has the keys.
    pub fn typing(&self) -> bool {
        matches!(self.modals.last(), Some(Modal::Prompt { .. }))
    }

    /// How long the event loop may wait for input before it must call
    /// `update(Tick)`; `None` means wait for input indefinitely.
    pub fn tick_interval(&self) -> Option<Duration> {
        let lab = self.lab.as_ref()?;
        if !lab.session.traffic_active() || lab.traffic.paused {
            return None;
        }
        let speed = SPEEDS.get(lab.traffic.speed).copied().unwrap_or(1);
        Some(Duration::from_millis(if speed >= 10 { 100 } else { 1000 }))
    }

    /// Whether quitting now would lose something.
    pub fn unsaved(&self) -> bool {
        self.lab.as_ref().is_some_and(|l| l.changed_since_save)
    }

    pub(super) fn notify(&mut self, text: impl Into<String>) {
        self.notice = Some((text.into(), NoticeKind::Info));
    }

    pub(super) fn notify_error(&mut self, text: impl Into<String>) {
        self.notice = Some((text.into(), NoticeKind::Error));
    }

    pub(super) fn persist(&mut self) {
        if let Some(dir) = &self.data_dir
            && let Err(e) = self.progress.save(dir)
        {
            let msg = s::progress_not_saved(&e.to_string());
            self.notify_error(msg);
        }
    }

    // ----- opening things ------------------------------------------------

    /// Open a lesson at a section (and its lab, if it has one).
    pub fn open_lesson(&mut self, index: usize, section: usize) {
        let Some(lesson) = self.course.lessons.get(index) else {
            return;
        };
        let scenario = lesson.scenario.clone();
        let section = section.min(section_count(lesson).saturating_sub(1));
        self.lesson = Some(LessonUi {
            index,
            section,
            scroll: 0,
            step: 0,
            show_answers: false,
        });
        self.screen = Screen::Lesson;
        self.focus = Pane::Lesson;
        self.lab = None;
        self.lab_error = None;
        if let Some(id) = scenario {
            self.open_lab(&id);
        }
        self.visit_section();
    }

    pub(super) fn open_lab(&mut self, scenario_id: &str) {
        let saved = self.progress.lab_autosave.get(scenario_id).cloned();
        let mut restored = false;
        let lab = match saved.map(|t| self.course.labs.restore_lab(&t)) {
            Some(Ok(lab)) => {
                restored = true;
                Ok(lab)
            }
            Some(Err(e)) => {
                self.notify_error(s::autosave_not_restored(&e));
                self.course.labs.open_lab(scenario_id)
            }
            None => self.course.labs.open_lab(scenario_id),
        };
        match lab {
            Ok(lab) => {
                self.lab = Some(LabUi::new(LabSession::new(lab)));
                self.lab_error = None;
                if restored {
                    self.notify(s::AUTOSAVE_RESTORED);
                }
            }
            Err(e) => {
                self.lab = None;
                self.lab_error = Some(e);
            }
        }
    }

    /// Open the free lab on a scenario.
    pub fn open_free_lab(&mut self, scenario_id: &str) {
        self.lesson = None;
        self.screen = Screen::FreeLab;
        self.open_lab(scenario_id);
        self.focus = if self.lab.is_some() {
            Pane::Gateway
        } else {
            Pane::View
        };
    }

    /// `Esc` on a screen other than home: one screen back.
    fn back(&mut self) {
        match self.screen {
            Screen::Quiz => self.modals.push(Modal::Confirm {
                question: s::CONFIRM_LEAVE_QUIZ.into(),
                then: Pending::LeaveQuiz,
            }),
            Screen::Review => {
                self.review = None;
                self.open_quizzes();
            }
            Screen::Lesson | Screen::FreeLab if self.back_to == Some(Screen::Demo) => {
                self.return_to_script();
            }
            Screen::Demo => {
                self.demo = None;
                self.go_home();
            }
            Screen::Lesson | Screen::FreeLab if self.back_to.is_some() => {
                if let Some(lab) = self.lab.as_mut() {
                    lab.session.stop_traffic();
                }
                self.lesson = None;
                if let Some(to) = self.back_to.take() {
                    self.screen = to;
                }
            }
            _ => self.go_home(),
        }
    }

    pub(super) fn go_home(&mut self) {
        if let Some(lab) = self.lab.as_mut() {
            lab.session.stop_traffic();
        }
        self.screen = Screen::Home;
        self.lesson = None;
        self.lab = None;
        self.lab_error = None;
        self.back_to = None;
    }

    fn visit_section(&mut self) {
        let Some(ui) = self.lesson.as_ref() else {
            return;
        };
        let Some(lesson) = self.course.lessons.get(ui.index) else {
            return;
        };
        let lid = lesson.id.clone();
        let sid = lesson
            .sections
            .get(ui.section)
            .map(|x| x.id.clone())
            .unwrap_or_else(|| s::CHECK_SECTION_ID.to_string());
        let all: Vec<String> = lesson.sections.iter().map(|x| x.id.clone()).collect();
        let mut changed = self.progress.set_last(&lid, &sid);
        if sid != s::CHECK_SECTION_ID {
            changed |= self
                .progress
                .mark_section_read(&lid, &sid, all.iter().map(String::as_str));
        }
        if changed {
            self.persist();
        }
    }

    // ----- update --------------------------------------------------------

    fn command(&mut self, c: Command) -> Flow {
        if c == Command::ForceQuit {
            self.persist();
            return Flow::Quit;
        }
        if !self.modals.is_empty() {
            return self.modal_command(c);
        }
        match c {
            Command::Help => {
                self.modals.push(Modal::Help { scroll: 0 });
                return Flow::Redraw;
            }
            Command::Quit => {
                if self.unsaved() {
                    self.modals.push(Modal::Confirm {
                        question: s::CONFIRM_QUIT_UNSAVED.into(),
                        then: Pending::Quit,
                    });
                    return Flow::Redraw;
                }
                self.persist();
                return Flow::Quit;
            }
            Command::TogglePresenter => {
                let on = !self.opts.presenter;
                self.set_presenter(on);
                self.notify(s::presenter_switched(on));
                return Flow::Redraw;
            }
            Command::Back if self.screen != Screen::Home => {
                self.back();
                return Flow::Redraw;
            }
            Command::NextPane | Command::PrevPane => {
                let panes = self.panes();
                if let Some(i) = panes.iter().position(|p| *p == self.focus) {
                    let n = panes.len();
                    let j = if c == Command::NextPane {
                        (i + 1) % n
                    } else {
                        (i + n - 1) % n
                    };
                    self.focus = panes[j];
                } else if let Some(p) = panes.first() {
                    self.focus = *p;
                }
                return Flow::Redraw;
            }
            _ => {}
        }
        match self.screen {
            Screen::Home => self.home_command(c),
            Screen::Quizzes => self.quizzes_command(c),
            Screen::Quiz => self.quiz_command(c),
            Screen::Review => self.review_command(c),
            Screen::Demo => self.demo_command(c),
            Screen::Lesson | Screen::FreeLab => match self.focus {
                Pane::Lesson => self.lesson_command(c),
                _ => self.lab_command(c),
            },
        }
    }

    fn home_command(&mut self, c: Command) -> Flow {
        let entries = self.home_entries();
        let n = entries.len();
        match c {
            Command::Up => self.home_sel = self.home_sel.saturating_sub(1),
            Command::Down => self.home_sel = (self.home_sel + 1).min(n.saturating_sub(1)),
            Command::Activate => match entries.get(self.home_sel) {
                Some(HomeEntry::Continue) => return self.command(Command::Continue),
                Some(HomeEntry::Lesson(i)) => self.open_lesson(*i, 0),
                Some(HomeEntry::FreeLab) => {
                    let items: Vec<PickItem> = self
                        .course
                        .scenarios
                        .iter()
                        .map(|x| PickItem {
                            id: x.id.clone(),
                            label: x.title.clone(),
                            detail: x.summary.clone(),
                        })
                        .collect();
                    if items.is_empty() {
                        self.notify_error(s::NO_SCENARIOS);
                    } else if items.len() == 1 {
                        let id = items[0].id.clone();
                        self.open_free_lab(&id);
                    } else {
                        self.modals.push(Modal::Picker {
                            title: s::PICK_SCENARIO.into(),
                            items,
                            selected: 0,
                            purpose: PickFor::Scenario,
                        });
                    }
                }
                Some(HomeEntry::Quizzes) => self.open_quizzes(),
                Some(HomeEntry::Demos) => self.pick_demo(),
                None => return Flow::Unchanged,
            },
            Command::Continue => match self.continue_target() {
                Some((li, si)) => self.open_lesson(li, si),
                None => self.notify(s::NOTHING_TO_CONTINUE),
            },
            Command::Glossary => self.open_glossary(None),
            Command::ResetTopic => {
                if let Some(HomeEntry::Lesson(i)) = entries.get(self.home_sel) {
                    let title = self
                        .course
                        .lessons
                        .get(*i)
                        .map(|l| l.title.clone())
                        .unwrap_or_default();
                    self.modals.push(Modal::Confirm {
                        question: s::confirm_reset_topic(&title),
                        then: Pending::ResetTopic(*i),
                    });
                } else {
                    self.notify(s::RESET_PICK_LESSON);
                }
            }
            Command::ResetAll => self.modals.push(Modal::Confirm {
                question: s::CONFIRM_RESET_ALL.into(),
                then: Pending::ResetAll,
            }),
            _ => return Flow::Unchanged,
        }
        Flow::Redraw
    }

    fn open_glossary(&mut self, lesson: Option<usize>) {
        let terms: Vec<usize> = match lesson.and_then(|i| self.course.lessons.get(i)) {
            Some(l) if !l.glossary.is_empty() => l
                .glossary
                .iter()
                .filter_map(|id| self.course.glossary.iter().position(|t| &t.id == id))
                .collect(),
            _ => (0..self.course.glossary.len()).collect(),
        };
        if terms.is_empty() {
            self.notify(s::NO_GLOSSARY);
        } else {
            self.modals.push(Modal::Glossary { terms, selected: 0 });
        }
    }

    /// The lesson pane's inner size (width, body rows below its title).
    pub fn lesson_viewport(&self) -> (usize, usize) {
        match self.pane_layout().rect(Pane::Lesson) {
            Some(r) => {
                let i = layout::inner(r);
                (
                    usize::from(i.width),
                    usize::from(i.height.saturating_sub(super::ui::lesson::HEAD_ROWS)),
                )
            }
            None => (0, 0),
        }
    }

    fn lesson_command(&mut self, c: Command) -> Flow {
        let Some(ui) = self.lesson.clone() else {
            return Flow::Unchanged;
        };
        let Some(lesson) = self.course.lessons.get(ui.index) else {
            return Flow::Unchanged;
        };
        let (w, h) = self.lesson_viewport();
        let text = super::ui::lesson::section_text(lesson, &ui, &self.progress, w, &self.theme);
        let max_scroll = text.lines.len().saturating_sub(h);
        let steps = lesson
            .sections
            .get(ui.section)
            .map(|x| x.steps.len())
            .unwrap_or(0);
        let nsec = section_count(lesson);
        let mut ui = ui;
        let keep_step_visible = |ui: &mut LessonUi| {
            if let Some(row) = text.step_rows.get(ui.step) {
                let end = text
                    .step_rows
                    .get(ui.step + 1)
                    .copied()
                    .unwrap_or(text.lines.len());
                if *row < ui.scroll {
                    ui.scroll = *row;
                } else if end > ui.scroll + h {
                    ui.scroll = end.saturating_sub(h).min(*row);
                }
            }
        };
        match c {
            Command::Up if steps > 0 && ui.step > 0 => {
                ui.step -= 1;
                keep_step_visible(&mut ui);
            }
            Command::Down if steps > 0 && ui.step + 1 < steps => {
                ui.step += 1;
                keep_step_visible(&mut ui);
            }
            Command::Up => ui.scroll = ui.scroll.saturating_sub(1),
            Command::Down => ui.scroll = (ui.scroll + 1).min(max_scroll),
            Command::PageUp => ui.scroll = ui.scroll.saturating_sub(h.max(1)),
            Command::PageDown => ui.scroll = (ui.scroll + h.max(1)).min(max_scroll),
            Command::NextSection | Command::PrevSection => {
                let next = if c == Command::NextSection {
                    (ui.section + 1).min(nsec.saturating_sub(1))
                } else {
                    ui.section.saturating_sub(1)
                };
                if next == ui.section {
                    return Flow::Unchanged;
                }
                ui = LessonUi {
                    section: next,
                    scroll: 0,
                    step: 0,
                    show_answers: false,
                    ..ui
                };
                self.lesson = Some(ui);
                self.visit_section();
                return Flow::Redraw;
            }
            Command::ToggleAnswers => ui.show_answers = !ui.show_answers,
            Command::OpenQuiz => {
                self.open_lesson_quiz(ui.index);
                return Flow::Redraw;
            }
            Command::Glossary => {
                self.open_glossary(Some(ui.index));
                return Flow::Redraw;
            }
            Command::Activate => {
                self.lesson = Some(ui);
                self.do_step();
                return Flow::Redraw;
            }
            _ => return Flow::Unchanged,
        }
        self.lesson = Some(ui);
        Flow::Redraw
    }

    fn do_step(&mut self) {
        let Some(ui) = self.lesson.clone() else {
            return;
        };
        let Some(lesson) = self.course.lessons.get(ui.index) else {
            return;
        };
        let Some(section) = lesson.sections.get(ui.section) else {
            return;
        };
        let Some(step) = section.steps.get(ui.step).cloned() else {
            return;
        };
        let key = step_key(&section.id, ui.step + 1);
        let lid = lesson.id.clone();
        if step.request.is_none() && step.control.is_none() {
            let done = !self.progress.step_done(&lid, &key);
            self.progress.set_step_done(&lid, &key, done);
            self.persist();
            return;
        }
        let Some(lab) = self.lab.as_mut() else {
            self.notify_error(s::NO_LAB_FOR_STEP);
            return;
        };
        if step.control.as_deref() == Some("stage.deploy") {
            match lab.session.deploy() {
                Ok(()) => self.notify(s::DEPLOYED.to_string()),
                Err(e) => self.notify_error(e),
            }
            return;
        }
        if step.control.as_deref() == Some("clock") {
            self.notify(s::STEP_CLOCK.to_string());
            return;
        }
        if let Some(cid) = step
            .control
            .as_deref()
            .map(crate::lab::controls::canonical_id)
        {
            let cid = &cid;
            match lab.session.controls.iter().position(|c| &c.id == cid) {
                Some(i) => {
                    lab.control_sel = i;
                    lab.highlight = Some(cid.clone());
                }
                None => {
                    let msg = s::control_not_found(cid);
                    self.notify_error(msg);
                    return;
                }
            }
        }
        if let Some(name) = &step.request {
            let Some(req) = lab
                .session
                .named
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, r)| r.clone())
            else {
                let msg = s::request_not_found(name);
                self.notify_error(msg);
                return;
            };
            lab.request = req;
            self.fire();
            self.progress.set_step_done(&lid, &key, true);
            self.persist();
        } else {
            // A control step is done once the learner changes that control.
            self.focus = Pane::Gateway;
        }
    }

    fn lab_command(&mut self, c: Command) -> Flow {
        if self.lab.is_none() {
            return Flow::Unchanged;
        }
        // Lab-wide commands first.
        match c {
            Command::Fire => {
                self.fire();
                return Flow::Redraw;
            }
            Command::Presets | Command::NamedRequests => {
                let Some(lab) = self.lab.as_ref() else {
                    return Flow::Unchanged;
                };
                let (items, purpose, title) = if c == Command::Presets {
                    let items: Vec<PickItem> = lab
                        .session
                        .presets
                        .iter()
                        .map(|p| PickItem {
                            id: p.id.clone(),
                            label: format!("{} · {}", p.group, p.label),
                            detail: String::new(),
                        })
                        .collect();
                    (items, PickFor::Preset, s::PICK_PRESET)
                } else {
                    let items: Vec<PickItem> = lab
                        .session
                        .named
                        .iter()
                        .map(|(n, r)| PickItem {
                            id: n.clone(),
                            label: n.clone(),
                            detail: format!("{} {}", r.method, r.target),
                        })
                        .collect();
                    (items, PickFor::Named, s::PICK_NAMED)
                };
                if items.is_empty() {
                    self.notify(s::NOTHING_TO_PICK);
                } else {
                    self.modals.push(Modal::Picker {
                        title: title.into(),
                        items,
                        selected: 0,
                        purpose,
                    });
                }
                return Flow::Redraw;
            }
            Command::Undo => {
                let Some(lab) = self.lab.as_mut() else {
                    return Flow::Unchanged;
                };
                if lab.session.undo() {
                    lab.changed_since_save = true;
                    lab.control_error = None;
                    self.autosave();
                    self.notify(s::UNDONE);
                } else {
                    self.notify(s::NOTHING_TO_UNDO);
                }
                return Flow::Redraw;
            }
            Command::Deploy => {
                let Some(lab) = self.lab.as_mut() else {
                    return Flow::Unchanged;
                };
                if !lab.session.has_undeployed_changes() {
                    self.notify(s::NOTHING_TO_DEPLOY);
                } else {
                    match lab.session.deploy() {
                        Ok(()) => {
                            self.autosave();
                            self.notify(s::DEPLOYED);
                        }
                        Err(e) => self.notify_error(s::deploy_failed(&e)),
                    }
                }
                return Flow::Redraw;
            }
            Command::ResetLab => {
                self.modals.push(Modal::Confirm {
                    question: s::CONFIRM_RESET_LAB.into(),
                    then: Pending::ResetLab,
                });
                return Flow::Redraw;
            }
            Command::SaveScenario => {
                let id = self
                    .lab
                    .as_ref()
                    .map(|l| l.session.scenario_id.clone())
                    .unwrap_or_default();
                self.prompt(
                    s::PROMPT_SAVE,
                    &format!("{id}.lab.toml"),
                    PromptFor::SavePath,
                );
                return Flow::Redraw;
            }
            Command::CopyCurl => {
                let Some(lab) = self.lab.as_ref() else {
                    return Flow::Unchanged;
                };
                let curl = lab.session.curl(&lab.request);
                self.modals.push(Modal::Message {
                    title: s::CURL_TITLE.into(),
                    body: MessageBody::Verbatim(curl),
                    scroll: 0,
                });
                return Flow::Redraw;
            }
            Command::JumpClock => {
                self.prompt(s::PROMPT_JUMP, "", PromptFor::JumpClock);
                return Flow::Redraw;
            }
            Command::ViewOutcome | Command::ViewLog | Command::ViewTraffic | Command::ViewToken => {
                let view = match c {
                    Command::ViewLog => LabView::Log,
                    Command::ViewTraffic => LabView::Traffic,
                    Command::ViewToken => LabView::Token,
                    _ => LabView::Outcome,
                };
                if let Some(lab) = self.lab.as_mut() {
                    lab.view = view;
                    if view == LabView::Token && lab.token.token.is_empty() {
                        let bearer = lab
                            .request
                            .header("authorization")
                            .map(|v| v.trim_start_matches("Bearer ").trim().to_string());
                        if let Some(t) = bearer {
                            self.set_token(t);
                        }
                    }
                }
                self.focus = Pane::View;
                return Flow::Redraw;
            }
            _ => {}
        }
        match self.focus {
            Pane::Gateway => self.gateway_command(c),
            Pane::Request => self.request_command(c),
            Pane::View => match self.lab.as_ref().map(|l| l.view) {
                Some(LabView::Outcome) => self.outcome_command(c),
                Some(LabView::Log) => self.log_command(c),
                Some(LabView::Traffic) => self.traffic_command(c),
                Some(LabView::Token) => self.token_command(c),
                None => Flow::Unchanged,
            },
            Pane::Lesson => Flow::Unchanged,
        }
    }

    pub(super) fn prompt(&mut self, title: &str, initial: &str, purpose: PromptFor) {
        self.modals.push(Modal::Prompt {
            title: title.into(),
            input: LineInput::new(initial),
            purpose,
            error: None,
        });
    }

    fn fire(&mut self) {
        let Some(lab) = self.lab.as_mut() else { return };
        let idx = lab.session.fire(lab.request.clone());
        lab.shown = Some(idx);
        lab.log_sel = idx;
        lab.expanded.clear();
        lab.outcome_scroll = 0;
        lab.trace_sel = lab
            .shown_entry()
            .and_then(|(_, o)| o.trace.iter().rposition(|t| t.stage == o.decided_by))
            .unwrap_or(0);
        lab.view = LabView::Outcome;
        if lab.session.has_undeployed_changes() {
            self.notice = Some((s::FIRED_UNDEPLOYED.into(), NoticeKind::Warn));
        }
        self.keep_trace_visible();
        if let Some(l) = self.current_lesson().map(|l| l.id.clone())
            && self.progress.mark_lab_tried(&l)
        {
            self.persist();
        }
        if self.pane_layout().rect(Pane::View).is_none() {
            self.focus = Pane::View;
        }
    }

    fn autosave(&mut self) {
        // A demo's lab changed live is the instructor's, not the learner's.
        if self.back_to == Some(Screen::Demo) {
            return;
        }
        let Some(lab) = self.lab.as_ref() else { return };
        let id = lab.session.scenario_id.clone();
        let toml = lab.session.to_scenario_toml();
        self.progress.autosave_lab(&id, toml);
        self.persist();
    }

    /// Apply a control change, showing a refusal inline.
    fn set_control(&mut self, id: &str, v: ControlValue) -> bool {
        let Some(lab) = self.lab.as_mut() else {
            return false;
        };
        match lab.session.set_control(id, v) {
            Ok(()) => {
                lab.control_error = None;
                lab.changed_since_save = true;
                let highlighted = lab.highlight.as_deref() == Some(id);
                self.autosave();
                if highlighted {
                    self.mark_control_step_done(id);
                }
                true
            }
            Err(e) => {
                lab.control_error = Some((id.to_string(), e));
                false
            }
        }
    }

    fn mark_control_step_done(&mut self, control_id: &str) {
        let Some(ui) = self.lesson.as_ref() else {
            return;
        };
        let Some(lesson) = self.course.lessons.get(ui.index) else {
            return;
        };
        let Some(section) = lesson.sections.get(ui.section) else {
            return;
        };
        let lid = lesson.id.clone();
        let keys: Vec<String> = section
            .steps
            .iter()
            .enumerate()
            .filter(|(_, st)| {
                st.control
                    .as_deref()
                    .map(crate::lab::controls::canonical_id)
                    .as_deref()
                    == Some(control_id)
                    && st.request.is_none()
            })
            .map(|(i, _)| step_key(&section.id, i + 1))
            .collect();
        let mut changed = false;
        for k in keys {
            changed |= self.progress.set_step_done(&lid, &k, true);
        }
        if changed {
            self.persist();
        }
    }

    fn gateway_command(&mut self, c: Command) -> Flow {
        let Some(lab) = self.lab.as_mut() else {
            return Flow::Unchanged;
        };
        let n = lab.session.controls.len();
        let Some(ctl) = lab.session.controls.get(lab.control_sel).cloned() else {
            return Flow::Unchanged;
        };
        match c {
            Command::Up => lab.control_sel = lab.control_sel.saturating_sub(1),
            Command::Down => lab.control_sel = (lab.control_sel + 1).min(n.saturating_sub(1)),
            Command::Toggle | Command::Edit | Command::Left | Command::Right => match ctl.kind {
                ControlKind::Toggle(b) if c != Command::Left && c != Command::Right => {
                    self.set_control(&ctl.id, ControlValue::Bool(!b));
                }
                ControlKind::Toggle(_) => return Flow::Unchanged,
                ControlKind::Choice { options, selected } => {
                    let len = options.len().max(1);
                    let next = if c == Command::Left {
                        (selected + len - 1) % len
                    } else {
                        (selected + 1) % len
                    };
                    self.set_control(&ctl.id, ControlValue::Choice(next));
                }
                ControlKind::Number {
                    value, min, max, ..
                } => match c {
                    Command::Left | Command::Right => {
                        let step = if c == Command::Left { -1 } else { 1 };
                        let v = value.saturating_add(step);
                        if v < min || v > max {
                            lab.control_error = Some((ctl.id.clone(), s::number_range(min, max)));
                        } else {
                            self.set_control(&ctl.id, ControlValue::Number(v));
                        }
                    }
                    Command::Edit => {
                        let title = format!("{} ({min}..{max})", ctl.label);
                        self.prompt(
                            &title,
                            &value.to_string(),
                            PromptFor::ControlNumber(ctl.id.clone()),
                        );
                    }
                    _ => return Flow::Unchanged,
                },
                ControlKind::Text(t) => {
                    if c == Command::Edit {
                        self.prompt(&ctl.label, &t, PromptFor::ControlText(ctl.id.clone()));
                    } else {
                        return Flow::Unchanged;
                    }
                }
                ControlKind::List(items) => {
                    if c == Command::Edit {
                        self.modals.push(Modal::ListEdit {
                            title: ctl.label.clone(),
                            target: ListTarget::Control(ctl.id.clone()),
                            items,
                            selected: 0,
                            error: None,
                        });
                    } else {
                        return Flow::Unchanged;
                    }
                }
            },
            _ => return Flow::Unchanged,
        }
        Flow::Redraw
    }

    fn request_command(&mut self, c: Command) -> Flow {
        let Some(lab) = self.lab.as_mut() else {
            return Flow::Unchanged;
        };
        let field = ReqField::ALL
            .get(lab.request_sel)
            .copied()
            .unwrap_or(ReqField::Method);
        let cycle = |i: usize, len: usize, back: bool| {
            if back {
                (i + len - 1) % len
            } else {
                (i + 1) % len
            }
        };
        match c {
            Command::Up => lab.request_sel = lab.request_sel.saturating_sub(1),
            Command::Down => lab.request_sel = (lab.request_sel + 1).min(ReqField::ALL.len() - 1),
            Command::Left | Command::Right | Command::Edit => {
                let back = c == Command::Left;
                match field {
                    ReqField::Method => {
                        let i = METHODS
                            .iter()
                            .position(|m| *m == lab.request.method)
                            .unwrap_or(METHODS.len() - 1);
                        lab.request.method = METHODS[cycle(i, METHODS.len(), back)].to_string();
                    }
                    ReqField::Scheme => {
                        lab.request.scheme = match lab.request.scheme {
                            Scheme::Https => Scheme::Http,
                            Scheme::Http => Scheme::Https,
                        }
                    }
                    ReqField::Tls => {
                        let all = TlsVersion::ALL;
                        let i = all
                            .iter()
                            .position(|v| *v == lab.request.tls_version)
                            .unwrap_or(0);
                        lab.request.tls_version = all[cycle(i, all.len(), back)];
                    }
                    ReqField::Headers if c == Command::Edit => {
                        let items: Vec<String> = lab
                            .request
                            .headers
                            .iter()
                            .filter(|(k, _)| !k.eq_ignore_ascii_case("origin"))
                            .map(|(k, v)| format!("{k}: {v}"))
                            .collect();
                        self.modals.push(Modal::ListEdit {
                            title: s::HEADERS_TITLE.into(),
                            target: ListTarget::Headers,
                            items,
                            selected: 0,
                            error: None,
                        });
                    }
                    _ if c == Command::Edit => {
                        let current = request_field_text(&lab.request, field);
                        let title = s::req_field_label(field);
                        self.prompt(title, &current, PromptFor::RequestField(field));
                    }
                    _ => return Flow::Unchanged,
                }
            }
            Command::DeleteItem => {
                let r = &mut lab.request;
                match field {
                    ReqField::Path => r.target = "/".into(),
                    ReqField::Origin => r.remove_header("origin"),
                    ReqField::ClientCert => r.client_cert = None,
                    ReqField::Headers => {
                        r.headers.retain(|(k, _)| k.eq_ignore_ascii_case("origin"))
                    }
                    ReqField::Body => r.body.clear(),
                    ReqField::SourceIp => r.source_ip = Request::default().source_ip,
                    _ => return Flow::Unchanged,
                }
                lab.request_error = None;
            }
            _ => return Flow::Unchanged,
        }
        Flow::Redraw
    }

    fn outcome_command(&mut self, c: Command) -> Flow {
        let Some(lab) = self.lab.as_mut() else {
            return Flow::Unchanged;
        };
        let steps = lab.shown_entry().map(|(_, o)| o.trace.len()).unwrap_or(0);
        match c {
            Command::Up | Command::Down => {
                lab.trace_sel = if c == Command::Up {
                    lab.trace_sel.saturating_sub(1)
                } else {
                    (lab.trace_sel + 1).min(steps.saturating_sub(1))
                };
                self.keep_trace_visible();
            }
            Command::PageUp | Command::PageDown => {
                let (_, h, total) = self.outcome_geometry();
                let Some(lab) = self.lab.as_mut() else {
                    return Flow::Unchanged;
                };
                let page = h.saturating_sub(1).max(1);
                lab.outcome_scroll = if c == Command::PageUp {
                    lab.outcome_scroll.saturating_sub(page)
                } else {
                    (lab.outcome_scroll + page).min(total.saturating_sub(h))
                };
            }
            Command::Toggle => {
                if steps == 0 {
                    return Flow::Unchanged;
                }
                let i = lab.trace_sel;
                if !lab.expanded.remove(&i) {
                    lab.expanded.insert(i);
                }
            }
            Command::Explain => {
                let link = lab.shown_entry().and_then(|(_, o)| o.lesson_link.clone());
                self.explain(link);
            }
            _ => return Flow::Unchanged,
        }
        Flow::Redraw
    }

    /// The outcome view's scrolling part: (trace step rows, visible rows,
    /// total rows).
    fn outcome_geometry(&self) -> (Vec<usize>, usize, usize) {
        let (Some(lab), Some(r)) = (self.lab.as_ref(), self.pane_layout().rect(Pane::View)) else {
            return (Vec::new(), 0, 0);
        };
        let inn = layout::inner(r);
        let banner = if lab.shown_entry().is_some() {
            let rows = super::ui::outcome::banner_rows(inn, self.opts.presenter).min(inn.height);
            rows.saturating_add(u16::from(inn.height > rows + 1))
        } else {
            0
        };
        let h = usize::from(inn.height.saturating_sub(banner));
        let (lines, rows) =
            super::ui::outcome::outcome_lines(lab, usize::from(inn.width), &self.theme);
        (rows, h, lines.len())
    }

    fn keep_trace_visible(&mut self) {
        let (rows, h, _) = self.outcome_geometry();
        let Some(lab) = self.lab.as_mut() else { return };
        if let Some(row) = rows.get(lab.trace_sel) {
            let end = rows.get(lab.trace_sel + 1).copied().unwrap_or(row + 1);
            if *row < lab.outcome_scroll {
                lab.outcome_scroll = *row;
            } else if end > lab.outcome_scroll + h {
                lab.outcome_scroll = end.saturating_sub(h).min(*row);
            }
        }
    }

    /// Open a `lesson-id#section-id` link: in the lesson pane when it is the
    /// lesson being read, otherwise in a popup.
    fn explain(&mut self, link: Option<String>) {
        let Some(link) = link else {
            self.notify(s::NO_LESSON_LINK);
            return;
        };
        let (lid, sid) = link.split_once('#').unwrap_or((link.as_str(), ""));
        let Some(li) = self.course.lessons.iter().position(|l| l.id == lid) else {
            self.notify_error(s::lesson_link_missing(&link));
            return;
        };
        let lesson = &self.course.lessons[li];
        let si = lesson
            .sections
            .iter()
            .position(|x| x.id == sid)
            .unwrap_or(0);
        if self.lesson.as_ref().is_some_and(|l| l.index == li) {
            if let Some(ui) = self.lesson.as_mut() {
                ui.section = si;
                ui.scroll = 0;
                ui.step = 0;
            }
            self.focus = Pane::Lesson;
            self.visit_section();
            return;
        }
        if let Some(sec) = lesson.sections.get(si) {
            self.modals.push(Modal::Message {
                title: format!("{} › {}", lesson.title, sec.title),
                body: MessageBody::Markdown(sec.body.clone()),
                scroll: 0,
            });
        }
    }

    fn log_command(&mut self, c: Command) -> Flow {
        let Some(lab) = self.lab.as_mut() else {
            return Flow::Unchanged;
        };
        let n = lab.session.log().len();
        match c {
            Command::Up => lab.log_sel = lab.log_sel.saturating_sub(1),
            Command::Down => lab.log_sel = (lab.log_sel + 1).min(n.saturating_sub(1)),
            Command::Activate => {
                let Some((req, o)) = lab.session.log().get(lab.log_sel) else {
                    return Flow::Unchanged;
                };
                lab.request = req.clone();
                lab.trace_sel = o
                    .trace
                    .iter()
                    .rposition(|t| t.stage == o.decided_by)
                    .unwrap_or(0);
                lab.shown = Some(lab.log_sel);
                lab.expanded.clear();
                lab.outcome_scroll = 0;
                lab.view = LabView::Outcome;
            }
            _ => return Flow::Unchanged,
        }
        Flow::Redraw
    }

    fn traffic_command(&mut self, c: Command) -> Flow {
        let Some(lab) = self.lab.as_mut() else {
            return Flow::Unchanged;
        };
        match c {
            Command::StartTraffic => {
                let items: Vec<PickItem> = lab
                    .session
                    .traffic_presets
                    .iter()
                    .map(|t| PickItem {
                        id: t.id.clone(),
                        label: t.label.clone(),
                        detail: String::new(),
                    })
                    .collect();
                if items.is_empty() {
                    self.notify(s::NOTHING_TO_PICK);
                } else {
                    self.modals.push(Modal::Picker {
                        title: s::PICK_TRAFFIC.into(),
                        items,
                        selected: 0,
                        purpose: PickFor::Traffic,
                    });
                }
            }
            Command::Toggle => {
                if !lab.session.traffic_active() {
                    return Flow::Unchanged;
                }
                lab.traffic.paused = !lab.traffic.paused;
            }
            Command::StepTraffic => {
                if !lab.session.traffic_active() {
                    return Flow::Unchanged;
                }
                lab.traffic.paused = true;
                traffic_steps(lab, 1);
            }
            Command::Speed => lab.traffic.speed = (lab.traffic.speed + 1) % SPEEDS.len(),
            Command::StopTraffic => {
                lab.session.stop_traffic();
                lab.traffic.paused = false;
            }
            _ => return Flow::Unchanged,
        }
        Flow::Redraw
    }

    fn set_token(&mut self, token: String) {
        let Some(lab) = self.lab.as_mut() else { return };
        let decoded = lab.session.token_decode(&token);
        if let Ok((_, claims)) = &decoded {
            lab.token.claims = claims.clone();
        }
        lab.token.token = token;
        lab.token.decoded = Some(decoded);
        lab.token.error = None;
    }

    fn token_command(&mut self, c: Command) -> Flow {
        let Some(lab) = self.lab.as_mut() else {
            return Flow::Unchanged;
        };
        let field = TokField::ALL
            .get(lab.token.sel)
            .copied()
            .unwrap_or(TokField::Token);
        match c {
            Command::Up => lab.token.sel = lab.token.sel.saturating_sub(1),
            Command::Down => lab.token.sel = (lab.token.sel + 1).min(TokField::ALL.len() - 1),
            Command::Left => lab.token.how = (lab.token.how + SIGNING.len() - 1) % SIGNING.len(),
            Command::Right => lab.token.how = (lab.token.how + 1) % SIGNING.len(),
            Command::Edit => match field {
                TokField::Signing => lab.token.how = (lab.token.how + 1) % SIGNING.len(),
                TokField::Token => {
                    let t = lab.token.token.clone();
                    self.prompt(s::PROMPT_TOKEN, &t, PromptFor::TokenField(TokField::Token));
                }
                TokField::Claims => {
                    let t = lab.token.claims.clone();
                    self.prompt(
                        s::PROMPT_CLAIMS,
                        &t,
                        PromptFor::TokenField(TokField::Claims),
                    );
                }
            },
            Command::Mint => {
                let how = SIGNING.get(lab.token.how).copied().unwrap_or("pool-key");
                match lab
                    .session
                    .token_edit(&lab.token.token, &lab.token.claims, how)
                {
                    Ok(t) => {
                        self.set_token(t);
                        self.notify(s::TOKEN_MINTED);
                    }
                    Err(e) => lab.token.error = Some(e),
                }
            }
            Command::UseToken => {
                if lab.token.token.is_empty() {
                    self.notify(s::NO_TOKEN);
                } else {
                    let v = format!("Bearer {}", lab.token.token);
                    lab.request.set_header("Authorization", &v);
                    self.notify(s::TOKEN_USED);
                }
            }
            _ => return Flow::Unchanged,
        }
        Flow::Redraw
    }

    // ----- overlays ------------------------------------------------------

    fn modal_command(&mut self, c: Command) -> Flow {
        let Some(top) = self.modals.last_mut() else {
            return Flow::Unchanged;
        };
        match top {
            Modal::Help { scroll } | Modal::Message { scroll, .. } => match c {
                Command::Up => *scroll = scroll.saturating_sub(1),
                Command::Down => *scroll = scroll.saturating_add(1),
                Command::PageUp => *scroll = scroll.saturating_sub(10),
                Command::PageDown => *scroll = scroll.saturating_add(10),
                Command::Back => {
                    self.modals.pop();
                }
                _ => return Flow::Unchanged,
            },
            Modal::Confirm { then, .. } => {
                let then = *then;
                match c {
                    Command::Yes => {
                        self.modals.pop();
                        return self.confirmed(then);
                    }
                    Command::No => {
                        self.modals.pop();
                    }
                    _ => return Flow::Unchanged,
                }
            }
            Modal::Picker {
                items, selected, ..
            } => match c {
                Command::Up => *selected = selected.saturating_sub(1),
                Command::Down => *selected = (*selected + 1).min(items.len().saturating_sub(1)),
                Command::Back => {
                    self.modals.pop();
                }
                Command::Activate => {
                    if let Some(Modal::Picker {
                        items,
                        selected,
                        purpose,
                        ..
                    }) = self.modals.pop()
                        && let Some(item) = items.get(selected)
                    {
                        self.picked(purpose, &item.id);
                    }
                }
                _ => return Flow::Unchanged,
            },
            Modal::Glossary { terms, selected } => match c {
                Command::Up => *selected = selected.saturating_sub(1),
                Command::Down => *selected = (*selected + 1).min(terms.len().saturating_sub(1)),
                Command::Back | Command::Activate => {
                    self.modals.pop();
                }
                _ => return Flow::Unchanged,
            },
            Modal::ListEdit {
                items, selected, ..
            } => match c {
                Command::Up => *selected = selected.saturating_sub(1),
                Command::Down => *selected = (*selected + 1).min(items.len().saturating_sub(1)),
                Command::Back => {
                    self.modals.pop();
                }
                Command::AddItem => self.prompt(s::PROMPT_ADD_ITEM, "", PromptFor::ListItem(None)),
                Command::Edit => {
                    if let Some(t) = items.get(*selected).cloned() {
                        let i = *selected;
                        self.prompt(s::PROMPT_EDIT_ITEM, &t, PromptFor::ListItem(Some(i)));
                    }
                }
                Command::DeleteItem => {
                    if *selected < items.len() {
                        let mut next = items.clone();
                        next.remove(*selected);
                        self.apply_list(next);
                    }
                }
                _ => return Flow::Unchanged,
            },
            Modal::Prompt { input, .. } => match c {
                Command::Left => input.left(),
                Command::Right => input.right(),
                Command::Top => input.cursor = 0,
                Command::Bottom => input.cursor = input.text.chars().count(),
                Command::Backspace => input.backspace(),
                Command::DeleteChar => input.delete(),
                Command::ClearInput => *input = LineInput::default(),
                Command::Back => {
                    self.modals.pop();
                }
                Command::Submit => self.submit_prompt(),
                _ => return Flow::Unchanged,
            },
        }
        Flow::Redraw
    }

    fn confirmed(&mut self, then: Pending) -> Flow {
        match then {
            Pending::Quit => {
                self.persist();
                return Flow::Quit;
            }
            Pending::ResetTopic(i) => {
                if let Some(l) = self.course.lessons.get(i) {
                    let (id, scn) = (l.id.clone(), l.scenario.clone());
                    self.progress.reset_lesson(&id, scn.as_deref());
                    self.persist();
                    self.notify(s::PROGRESS_RESET);
                }
            }
            Pending::ResetAll => {
                self.progress.reset_all();
                self.home_sel = 0;
                self.persist();
                self.notify(s::PROGRESS_RESET);
            }
            Pending::SubmitQuiz => self.submit_quiz(),
            Pending::LeaveQuiz => {
                self.quiz = None;
                self.open_quizzes();
            }
            Pending::ResetLab => {
                if let Some(lab) = self.lab.as_mut() {
                    lab.session.stop_traffic();
                    lab.session.reset();
                    let id = lab.session.scenario_id.clone();
                    lab.clear_ui();
                    self.progress.clear_lab_autosave(&id);
                    self.persist();
                    self.notify(s::LAB_RESET);
                }
            }
        }
        Flow::Redraw
    }

    fn picked(&mut self, purpose: PickFor, id: &str) {
        match purpose {
            PickFor::Scenario => self.open_free_lab(id),
            PickFor::Demo => self.open_demo(id),
            PickFor::Preset | PickFor::Named => {
                let Some(lab) = self.lab.as_mut() else { return };
                let req = if purpose == PickFor::Preset {
                    lab.session.preset_request(id)
                } else {
                    lab.session
                        .named
                        .iter()
                        .find(|(n, _)| n == id)
                        .map(|(_, r)| r.clone())
                };
                match req {
                    Some(r) => {
                        lab.request = r;
                        lab.request_error = None;
                        self.notify(s::request_loaded(id));
                    }
                    None => self.notify_error(s::request_not_found(id)),
                }
            }
            PickFor::Traffic => {
                let Some(lab) = self.lab.as_mut() else { return };
                match lab.session.start_traffic(id) {
                    Ok(()) => {
                        let label = lab
                            .session
                            .traffic_presets
                            .iter()
                            .find(|t| t.id == id)
                            .map(|t| t.label.clone());
                        lab.traffic = TrafficUi {
                            speed: lab.traffic.speed,
                            label,
                            ..TrafficUi::default()
                        };
                    }
                    Err(e) => lab.traffic.error = Some(e),
                }
            }
        }
    }

    /// Replace the items of the list being edited (validated first).
    fn apply_list(&mut self, next: Vec<String>) {
        let Some(Modal::ListEdit { target, .. }) = self.modals.last() else {
            return;
        };
        let result: Result<(), String> = match target.clone() {
            ListTarget::Control(id) => {
                let ok = self.set_control(&id, ControlValue::List(next.clone()));
                if ok {
                    Ok(())
                } else {
                    Err(self
                        .lab
                        .as_ref()
                        .and_then(|l| l.control_error.as_ref().map(|(_, e)| e.clone()))
                        .unwrap_or_default())
                }
            }
            ListTarget::Headers => match parse_headers(&next) {
                Ok(headers) => {
                    if let Some(lab) = self.lab.as_mut() {
                        let origin: Vec<(String, String)> = lab
                            .request
                            .headers
                            .iter()
                            .filter(|(k, _)| k.eq_ignore_ascii_case("origin"))
                            .cloned()
                            .collect();
                        lab.request.headers = headers;
                        lab.request.headers.extend(origin);
                    }
                    Ok(())
                }
                Err(e) => Err(e),
            },
        };
        if let Some(Modal::ListEdit {
            items,
            selected,
            error,
            ..
        }) = self.modals.last_mut()
        {
            match result {
                Ok(()) => {
                    *items = next;
                    *selected = (*selected).min(items.len().saturating_sub(1));
                    *error = None;
                }
                Err(e) => *error = Some(e),
            }
        }
    }

    fn submit_prompt(&mut self) {
        let Some(Modal::Prompt { input, purpose, .. }) = self.modals.last() else {
            return;
        };
        let text = input.text.clone();
        let purpose = purpose.clone();
        let result: Result<(), String> = match purpose {
            PromptFor::ControlNumber(id) => match text.trim().parse::<i64>() {
                Ok(n) => {
                    if self.set_control(&id, ControlValue::Number(n)) {
                        Ok(())
                    } else {
                        Err(self.control_error_text())
                    }
                }
                Err(_) => Err(s::not_a_number(&text)),
            },
            PromptFor::ControlText(id) => {
                if self.set_control(&id, ControlValue::Text(text.clone())) {
                    Ok(())
                } else {
                    Err(self.control_error_text())
                }
            }
            PromptFor::ListItem(at) => {
                let mut next = self
                    .modals
                    .iter()
                    .rev()
                    .find_map(|m| match m {
                        Modal::ListEdit { items, .. } => Some(items.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                let item = text.trim().to_string();
                if item.is_empty() {
                    Err(s::EMPTY_ITEM.into())
                } else {
                    match at {
                        Some(i) if i < next.len() => next[i] = item,
                        _ => next.push(item),
                    }
                    // Apply to the list editor below the prompt.
                    let prompt = self.modals.pop();
                    self.apply_list(next);
                    let err = match self.modals.last() {
                        Some(Modal::ListEdit { error, .. }) => error.clone(),
                        _ => None,
                    };
                    if let Some(p) = prompt {
                        self.modals.push(p);
                    }
                    match err {
                        Some(e) => {
                            // Keep the refusal on the prompt, not on the list.
                            if let Some(Modal::ListEdit { error, .. }) =
                                self.modals.iter_mut().rev().nth(1)
                            {
                                *error = None;
                            }
                            Err(e)
                        }
                        None => Ok(()),
                    }
                }
            }
            PromptFor::RequestField(field) => match self.lab.as_mut() {
                Some(lab) => set_request_field(&mut lab.request, field, &text),
                None => Ok(()),
            },
            PromptFor::TokenField(f) => {
                match f {
                    TokField::Token => self.set_token(text.trim().to_string()),
                    _ => {
                        if let Some(lab) = self.lab.as_mut() {
                            lab.token.claims = text.clone();
                        }
                    }
                }
                Ok(())
            }
            PromptFor::SavePath => self.save_scenario(&text),
            PromptFor::JumpClock => match parse_duration_ms(&text) {
                Ok(ms) => {
                    if let Some(lab) = self.lab.as_mut() {
                        lab.session.advance(ms);
                        let now = lab.session.now();
                        self.notify(s::clock_now(&now.rfc3339()));
                    }
                    Ok(())
                }
                Err(e) => Err(e),
            },
            PromptFor::QuizNumber => match text.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => self.answer_current(crate::quiz::Answer::Number(n)),
                _ => Err(s::answer_not_a_number(&text)),
            },
            PromptFor::QuizText => {
                self.answer_current(crate::quiz::Answer::Text(text.trim().to_string()))
            }
        };
        match result {
            Ok(()) => {
                self.modals.pop();
            }
            Err(e) => {
                if let Some(Modal::Prompt { error, .. }) = self.modals.last_mut() {
                    *error = Some(e);
                }
            }
        }
    }

    fn control_error_text(&self) -> String {
        self.lab
            .as_ref()
            .and_then(|l| l.control_error.as_ref().map(|(_, e)| e.clone()))
            .unwrap_or_default()
    }

    fn save_scenario(&mut self, path: &str) -> Result<(), String> {
        let path = path.trim();
        if path.is_empty() {
            return Err(s::EMPTY_PATH.into());
        }
        let path = expand_home(path);
        let Some(lab) = self.lab.as_mut() else {
            return Ok(());
        };
        let text = lab.session.to_scenario_toml();
        match crate::progress::store::save_text_atomic(&path, &text) {
            Ok(()) => {
                lab.changed_since_save = false;
                self.notify(s::saved_to(&path.display().to_string()));
                Ok(())
            }
            Err(e) => Err(s::save_failed(&path.display().to_string(), &e.to_string())),
        }
    }

    fn tick(&mut self) -> Flow {
        let Some(lab) = self.lab.as_mut() else {
            return Flow::Unchanged;
        };
        if !lab.session.traffic_active() || lab.traffic.paused {
            return Flow::Unchanged;
        }
        let speed = SPEEDS.get(lab.traffic.speed).copied().unwrap_or(1);
        // 1x: one virtual second per 1 s tick; 10x: one per 100 ms tick;
        // 100x: ten per 100 ms tick.
        let steps = if speed >= 100 { 10 } else { 1 };
        traffic_steps(lab, steps);
        Flow::Redraw
    }

    fn click(&mut self, x: u16, y: u16) -> Flow {
        if !self.modals.is_empty() {
            return Flow::Unchanged;
        }
        let layout = self.pane_layout();
        let inside = |r: Rect| {
            x >= r.x
                && x < r.x.saturating_add(r.width)
                && y >= r.y
                && y < r.y.saturating_add(r.height)
        };
        if let Some((strip, tabs)) = &layout.tabs
            && inside(*strip)
        {
            // Tabs are laid out left to right, equal widths.
            let n = tabs.len().max(1) as u16;
            let w = (strip.width / n).max(1);
            let i = usize::from(x.saturating_sub(strip.x) / w);
            if let Some(p) = tabs.get(i).and_then(|t| t.panes.first()) {
                self.focus = *p;
                return Flow::Redraw;
            }
        }
        match layout.panes.iter().find(|(_, r)| inside(*r)) {
            Some((p, _)) if *p != self.focus => {
                self.focus = *p;
                Flow::Redraw
            }
            _ => Flow::Unchanged,
        }
    }
}

fn traffic_steps(lab: &mut LabUi, n: usize) {
    for _ in 0..n {
        match lab.session.traffic_step() {
            Some(f) => {
                lab.traffic.frames.push(f);
                if lab.traffic.frames.len() > MAX_TRAFFIC_FRAMES {
                    let extra = lab.traffic.frames.len() - MAX_TRAFFIC_FRAMES;
                    lab.traffic.frames.drain(..extra);
                }
            }
            None => {
                lab.traffic.paused = false;
                break;
            }
        }
    }
}

/// Number of sections shown for a lesson (its sections plus "check
/// yourself" when it has check questions).
pub fn section_count(lesson: &Lesson) -> usize {
    lesson.sections.len() + usize::from(!lesson.check.is_empty())
}

/// The text of a request builder field, as edited.
pub fn request_field_text(r: &Request, f: ReqField) -> String {
    match f {
        ReqField::Method => r.method.clone(),
        ReqField::Scheme => match r.scheme {
            Scheme::Https => "https".into(),
            Scheme::Http => "http".into(),
        },
        ReqField::Path => r.target.clone(),
        ReqField::Tls => r.tls_version.label().into(),
        ReqField::SourceIp => r.source_ip.to_string(),
        ReqField::Origin => r.header("origin").unwrap_or("").to_string(),
        ReqField::ClientCert => r.client_cert.clone().unwrap_or_default(),
        ReqField::Headers => r
            .headers
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("origin"))
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("; "),
        ReqField::Body => r.body.clone(),
    }
}

/// Set a request builder field from typed text.
pub fn set_request_field(r: &mut Request, f: ReqField, text: &str) -> Result<(), String> {
    let t = text.trim();
    match f {
        ReqField::Method => {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(s::BAD_METHOD.into());
            }
            r.method = t.to_ascii_uppercase();
        }
        ReqField::Path => {
            if !t.starts_with('/') {
                return Err(s::BAD_PATH.into());
            }
            r.target = t.to_string();
        }
        ReqField::SourceIp => {
            r.source_ip = t.parse::<IpAddr>().map_err(|_| s::bad_ip(t))?;
        }
        ReqField::Origin => {
            if t.is_empty() {
                r.remove_header("origin");
            } else {
                r.set_header("Origin", t);
            }
        }
        ReqField::ClientCert => r.client_cert = (!t.is_empty()).then(|| t.to_string()),
        ReqField::Body => r.body = text.to_string(),
        ReqField::Scheme | ReqField::Tls | ReqField::Headers => {}
    }
    Ok(())
}

/// Parse `Name: value` lines into headers.
pub fn parse_headers(items: &[String]) -> Result<Vec<(String, String)>, String> {
    items
        .iter()
        .map(|line| match line.split_once(':') {
            Some((k, v)) if !k.trim().is_empty() && !k.trim().contains(' ') => {
                Ok((k.trim().to_string(), v.trim().to_string()))
            }
            _ => Err(s::bad_header(line)),
        })
        .collect()
}

/// Parse a clock jump: `30s`, `5m`, `2h`, `1d`, `250ms`, or a plain number
/// of seconds.
pub fn parse_duration_ms(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| s::bad_duration(text))?;
    let mult = match unit.trim() {
        "" | "s" | "sec" | "secs" => 1000,
        "ms" => 1,
        "m" | "min" | "mins" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(s::bad_duration(text)),
    };
    Ok(n.saturating_mul(mult))
}

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// The styles for the options: the palette, in its presenter variant when
/// the presenter view is on.
fn theme_for(opts: TuiOptions) -> Theme {
    let t = Theme::new(opts.theme);
    if opts.presenter { t.presenter() } else { t }
}

/// Apply one action. Returns whether to redraw or quit.
pub fn update(st: &mut AppState, action: Action) -> Flow {
    match action {
        Action::Resize(w, h) => {
            st.size = (w, h);
            Flow::Redraw
        }
        Action::Tick => st.tick(),
        Action::Click(x, y) => st.click(x, y),
        Action::Insert(c) => insert_text(st, &c.to_string()),
        Action::Paste(t) => insert_text(st, &t),
        Action::Cmd(c) => {
            let had_notice = st.notice.take().is_some();
            match st.command(c) {
                Flow::Unchanged if had_notice => Flow::Redraw,
                f => f,
            }
        }
    }
}

fn insert_text(st: &mut AppState, text: &str) -> Flow {
    match st.modals.last_mut() {
        Some(Modal::Prompt { input, error, .. }) => {
            input.insert(text);
            *error = None;
            Flow::Redraw
        }
        _ => Flow::Unchanged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_input_edits_by_character() {
        let mut i = LineInput::new("héllo");
        assert_eq!(i.cursor, 5);
        i.left();
        i.backspace();
        assert_eq!(i.text, "hélo");
        i.insert("L\n");
        assert_eq!(i.text, "hélL o");
        i.cursor = 0;
        i.delete();
        assert_eq!(i.text, "élL o");
        i.left();
        assert_eq!(i.cursor, 0);
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration_ms("30s"), Ok(30_000));
        assert_eq!(parse_duration_ms(" 5m "), Ok(300_000));
        assert_eq!(parse_duration_ms("250ms"), Ok(250));
        assert_eq!(parse_duration_ms("2"), Ok(2000));
        assert!(parse_duration_ms("soon").unwrap_err().contains("30s"));
        assert!(parse_duration_ms("5 parsecs").is_err());
    }

    #[test]
    fn headers_need_a_name_and_a_colon() {
        let ok = parse_headers(&["X-Api-Key: abc".into(), "Accept:*/*".into()]).unwrap();
        assert_eq!(
            ok,
            vec![
                ("X-Api-Key".into(), "abc".into()),
                ("Accept".into(), "*/*".into())
            ]
        );
        assert!(parse_headers(&["no colon".into()]).is_err());
        assert!(parse_headers(&[": v".into()]).is_err());
    }

    #[test]
    fn request_fields_refuse_bad_values_with_reasons() {
        let mut r = Request::default();
        assert!(
            set_request_field(&mut r, ReqField::SourceIp, "10.0.0.300")
                .unwrap_err()
                .contains("10.0.0.300")
        );
        set_request_field(&mut r, ReqField::SourceIp, "203.0.113.7").unwrap();
        assert_eq!(r.source_ip.to_string(), "203.0.113.7");
        assert!(set_request_field(&mut r, ReqField::Path, "orders").is_err());
        set_request_field(&mut r, ReqField::Origin, "https://evil.example").unwrap();
        assert_eq!(r.header("origin"), Some("https://evil.example"));
        set_request_field(&mut r, ReqField::Origin, "").unwrap();
        assert_eq!(r.header("origin"), None);
        set_request_field(&mut r, ReqField::Method, "post").unwrap();
        assert_eq!(r.method, "POST");
    }
}
