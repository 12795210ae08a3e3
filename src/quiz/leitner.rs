//! Spaced re-review with Leitner boxes: a miss puts a question in box 1, a
//! fully correct answer moves it up one box (to at most [`Boxes::TOP`]).
//! Sessions draw box-1 questions first, then questions never seen, then the
//! rest from the lowest box up.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Leitner box per question id of one module.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Boxes(pub BTreeMap<String, u8>);

impl Boxes {
    /// The highest box.
    pub const TOP: u8 = 5;

    /// The box of a question; `None` if it was never answered.
    pub fn box_of(&self, question: &str) -> Option<u8> {
        self.0.get(question).copied()
    }

    /// Record one graded answer.
    pub fn record(&mut self, question: &str, fully_correct: bool) {
        let next = if fully_correct {
            self.box_of(question)
                .unwrap_or(1)
                .saturating_add(1)
                .min(Self::TOP)
        } else {
            1
        };
        self.0.insert(question.to_string(), next);
    }

    /// Draw priority: lower comes first. Missed questions (box 1) come
    /// before unseen ones, which come before boxes 2 and up.
    pub fn priority(&self, question: &str) -> u8 {
        match self.box_of(question) {
            Some(1) => 0,
            None => 1,
            Some(b) => b,
        }
    }

    /// Ids of the questions missed last time they were answered.
    pub fn missed(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(|(_, b)| **b <= 1)
            .map(|(k, _)| k.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_move_up_on_success_and_back_on_a_miss() {
        let mut b = Boxes::default();
        assert_eq!(b.priority("a"), 1);
        b.record("a", true);
        assert_eq!(b.box_of("a"), Some(2));
        for _ in 0..10 {
            b.record("a", true);
        }
        assert_eq!(b.box_of("a"), Some(Boxes::TOP));
        b.record("a", false);
        assert_eq!(b.box_of("a"), Some(1));
        assert_eq!(b.priority("a"), 0);
        assert_eq!(b.missed().collect::<Vec<_>>(), vec!["a"]);
    }
}
