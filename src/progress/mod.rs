//! Learner data on disk: quiz results, Leitner boxes and progress. Writes
//! are atomic, and a file that cannot be read is moved aside, never
//! overwritten, so no learner data is lost.
//!
//! - [`store`]: atomic JSON writes and careful loads.
//! - [`results`]: attempt history, best scores, review boxes, CSV/JSON export.
//! - [`paths`]: where the files live.

pub mod learner;
pub mod paths;
pub mod results;
pub mod store;

pub use paths::DataDir;
pub use results::{Attempt, AttemptQuestion, Results};
pub use store::{Loaded, load_json, save_json_atomic};
