//! The quiz engine behind "Let's practice". Pure: no file system, no wall
//! clock, no unseeded randomness, no terminal.
//!
//! - [`load`]: quiz modules from TOML, every problem as `file:line:col`.
//! - [`session`]: a seeded attempt (draw, shuffles, answers, time limit).
//! - [`grade`]: grading per question kind, including lab tasks run through
//!   a [`LabRunner`].
//! - [`review`]: the attempt result and its review.
//! - [`lab`]: self-tests of lab tasks and the references to lessons and
//!   scenarios.
//! - [`gift`]: Moodle GIFT import and export.
//! - [`plain`]: the quiz on a plain text stream.
//! - [`leitner`]: spaced re-review boxes.
//!
//! The file format is documented in `docs/quizzes.md`.

pub mod gift;
pub mod grade;
pub mod lab;
pub mod leitner;
pub mod load;
pub mod model;
pub mod plain;
pub mod review;
pub mod session;
pub mod validate;

pub use grade::{Grade, Verdict, grade};
pub use lab::{QuestionRefs, check_lab_tasks, check_references, references};
pub use leitner::Boxes;
pub use load::{load_all, parse_quiz};
pub use model::{
    Answer, Body, CheckOutcome, ChoiceOption, Kind, LabCheck, LabConfig, LabRunner, LabTask,
    MatchPair, NoLab, Question, Quiz, Scoring, deep_merge,
};
pub use review::{AttemptResult, QuestionReview};
pub use session::{Presented, Session, SessionError};
