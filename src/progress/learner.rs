//! What one learner has done: sections read, try-it steps done, labs tried,
//! the best quiz score per lesson, where they left off, and an autosave of
//! each lab they changed. One small JSON file in the data directory, written
//! atomically through [`crate::progress::store`]; a damaged file is moved
//! aside (never deleted) and the app says so.

use crate::progress::store::{self, Loaded};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

/// File name of the progress file inside the data directory.
pub const PROGRESS_FILE: &str = "progress.json";

/// The current file format version.
pub const FORMAT_VERSION: u32 = 1;

/// Everything the app remembers about a learner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct LearnerProgress {
    /// File format version (for future migrations).
    pub version: u32,
    /// Progress per lesson id.
    pub lessons: BTreeMap<String, LessonProgress>,
    /// Where the learner left off.
    pub last: Option<Position>,
    /// Scenario TOML of each lab the learner changed, by scenario id.
    pub lab_autosave: BTreeMap<String, String>,
}

impl Default for LearnerProgress {
    fn default() -> Self {
        LearnerProgress {
            version: FORMAT_VERSION,
            lessons: BTreeMap::new(),
            last: None,
            lab_autosave: BTreeMap::new(),
        }
    }
}

/// Progress in one lesson.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct LessonProgress {
    /// Ids of the sections the learner has opened.
    pub sections_read: BTreeSet<String>,
    /// Every section has been opened at least once.
    pub read: bool,
    /// The learner fired at least one request in the lesson's lab.
    pub lab_tried: bool,
    /// Try-it steps done, as `section-id/step-number` (1-based).
    pub steps_done: BTreeSet<String>,
    /// Best quiz result for the lesson's quiz.
    pub quiz: Option<QuizScore>,
}

/// A quiz result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct QuizScore {
    /// Questions answered correctly.
    pub correct: u32,
    /// Questions asked.
    pub total: u32,
}

/// A place in the course.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Position {
    /// Lesson id.
    pub lesson: String,
    /// Section id within the lesson.
    pub section: String,
}

/// The key of a try-it step in [`LessonProgress::steps_done`].
pub fn step_key(section_id: &str, step_number: usize) -> String {
    format!("{section_id}/{step_number}")
}

impl LearnerProgress {
    /// Where the progress file lives in a data directory.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(PROGRESS_FILE)
    }

    /// Load the progress file. A missing file gives empty progress; a
    /// damaged one is moved aside by the store and reported in
    /// [`Loaded::Corrupt`].
    pub fn load(data_dir: &Path) -> io::Result<Loaded<LearnerProgress>> {
        store::load_json(&Self::path(data_dir))
    }

    /// Write the progress file atomically.
    pub fn save(&self, data_dir: &Path) -> io::Result<()> {
        store::save_json_atomic(&Self::path(data_dir), self)
    }

    /// Progress of one lesson, if any.
    pub fn lesson(&self, lesson_id: &str) -> Option<&LessonProgress> {
        self.lessons.get(lesson_id)
    }

    fn lesson_mut(&mut self, lesson_id: &str) -> &mut LessonProgress {
        self.lessons.entry(lesson_id.to_string()).or_default()
    }

    /// Record that a section was opened. `all_sections` are the ids of every
    /// section of the lesson: once all were opened the lesson counts as
    /// read. Returns whether anything changed.
    pub fn mark_section_read<'a>(
        &mut self,
        lesson_id: &str,
        section_id: &str,
        all_sections: impl IntoIterator<Item = &'a str>,
    ) -> bool {
        let lp = self.lesson_mut(lesson_id);
        let mut changed = lp.sections_read.insert(section_id.to_string());
        let all_read = all_sections
            .into_iter()
            .all(|s| lp.sections_read.contains(s));
        if all_read && !lp.read {
            lp.read = true;
            changed = true;
        }
        changed
    }

    /// Record that the learner fired a request in the lesson's lab.
    pub fn mark_lab_tried(&mut self, lesson_id: &str) -> bool {
        let lp = self.lesson_mut(lesson_id);
        let changed = !lp.lab_tried;
        lp.lab_tried = true;
        changed
    }

    /// Mark a try-it step done (or not done). Returns whether anything changed.
    pub fn set_step_done(&mut self, lesson_id: &str, key: &str, done: bool) -> bool {
        let lp = self.lesson_mut(lesson_id);
        if done {
            lp.steps_done.insert(key.to_string())
        } else {
            lp.steps_done.remove(key)
        }
    }

    /// Whether a try-it step is done.
    pub fn step_done(&self, lesson_id: &str, key: &str) -> bool {
        self.lesson(lesson_id)
            .is_some_and(|lp| lp.steps_done.contains(key))
    }

    /// Record a quiz result, keeping the best one (by fraction correct).
    pub fn record_quiz(&mut self, lesson_id: &str, correct: u32, total: u32) {
        let lp = self.lesson_mut(lesson_id);
        let new = QuizScore {
            correct: correct.min(total),
            total,
        };
        let better = match lp.quiz {
            None => true,
            // Compare correct/total fractions without floating point.
            Some(old) => {
                u64::from(new.correct) * u64::from(old.total.max(1))
                    >= u64::from(old.correct) * u64::from(new.total.max(1))
            }
        };
        if better {
            lp.quiz = Some(new);
        }
    }

    /// Remember where the learner is.
    pub fn set_last(&mut self, lesson_id: &str, section_id: &str) -> bool {
        let pos = Position {
            lesson: lesson_id.to_string(),
            section: section_id.to_string(),
        };
        if self.last.as_ref() == Some(&pos) {
            return false;
        }
        self.last = Some(pos);
        true
    }

    /// Store the autosave of a lab.
    pub fn autosave_lab(&mut self, scenario_id: &str, scenario_toml: String) {
        self.lab_autosave
            .insert(scenario_id.to_string(), scenario_toml);
    }

    /// Forget the autosave of a lab.
    pub fn clear_lab_autosave(&mut self, scenario_id: &str) -> bool {
        self.lab_autosave.remove(scenario_id).is_some()
    }

    /// Forget everything about one lesson, including its lab autosave.
    pub fn reset_lesson(&mut self, lesson_id: &str, scenario_id: Option<&str>) {
        self.lessons.remove(lesson_id);
        if let Some(s) = scenario_id {
            self.lab_autosave.remove(s);
        }
        if self.last.as_ref().is_some_and(|p| p.lesson == lesson_id) {
            self.last = None;
        }
    }

    /// Forget everything.
    pub fn reset_all(&mut self) {
        *self = LearnerProgress::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lesson_is_read_once_every_section_was_opened() {
        let mut p = LearnerProgress::default();
        let all = ["intro", "try", "aws"];
        assert!(p.mark_section_read("caching", "intro", all));
        assert!(!p.lesson("caching").is_some_and(|l| l.read));
        p.mark_section_read("caching", "try", all);
        assert!(
            !p.mark_section_read("caching", "try", all),
            "second visit changes nothing"
        );
        p.mark_section_read("caching", "aws", all);
        assert!(p.lesson("caching").is_some_and(|l| l.read));
    }

    #[test]
    fn quiz_keeps_the_best_fraction() {
        let mut p = LearnerProgress::default();
        p.record_quiz("cors", 3, 5);
        p.record_quiz("cors", 2, 5);
        assert_eq!(
            p.lesson("cors").and_then(|l| l.quiz),
            Some(QuizScore {
                correct: 3,
                total: 5
            })
        );
        p.record_quiz("cors", 9, 10);
        assert_eq!(
            p.lesson("cors").and_then(|l| l.quiz),
            Some(QuizScore {
                correct: 9,
                total: 10
            })
        );
    }

    #[test]
    fn reset_lesson_forgets_only_that_lesson() {
        let mut p = LearnerProgress::default();
        p.mark_lab_tried("a");
        p.mark_lab_tried("b");
        p.set_last("a", "intro");
        p.autosave_lab("scn-a", "x = 1".into());
        p.autosave_lab("scn-b", "y = 1".into());
        p.reset_lesson("a", Some("scn-a"));
        assert!(p.lesson("a").is_none());
        assert!(p.lesson("b").is_some_and(|l| l.lab_tried));
        assert_eq!(p.last, None);
        assert_eq!(p.lab_autosave.keys().collect::<Vec<_>>(), vec!["scn-b"]);
        p.reset_all();
        assert_eq!(p, LearnerProgress::default());
    }

    #[test]
    fn json_round_trip_uses_kebab_case_and_rejects_unknown_keys() {
        let mut p = LearnerProgress::default();
        p.set_step_done("a", &step_key("try", 1), true);
        p.mark_lab_tried("a");
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"steps-done\":[\"try/1\"]"), "{json}");
        assert!(json.contains("\"lab-tried\":true"), "{json}");
        let back: LearnerProgress = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
        assert!(serde_json::from_str::<LearnerProgress>("{\"lesons\":{}}").is_err());
        // Missing keys take their defaults, so older files still load.
        let old: LearnerProgress = serde_json::from_str("{\"version\":1}").unwrap();
        assert_eq!(old, LearnerProgress::default());
    }
}
