//! Results that last: recording attempts, best scores, Leitner boxes,
//! surviving a crash mid-write and a corrupt file, and CSV/JSON export.

use gatelab::gateway::time::SimTime;
use gatelab::progress::results::{self, CSV_COLUMNS, export_csv, export_json};
use gatelab::progress::store::{Loaded, load_json, save_json_atomic};
use gatelab::progress::{DataDir, Results};
use gatelab::quiz::{Answer, AttemptResult, Boxes, NoLab, Quiz, Session, Verdict, parse_quiz};
use std::fs;
use std::path::PathBuf;

const SAMPLE: &str = include_str!("fixtures/quiz/sample.toml");

fn sample() -> Quiz {
    parse_quiz("sample.toml", SAMPLE).unwrap_or_else(|e| panic!("{e}"))
}

/// A fresh directory under the system temp dir, unique per test.
fn scratch_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "gatelab-quiz-persist-{name}-{}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn attempt(quiz: &Quiz, seed: u64, answers: &[(&str, Answer)]) -> AttemptResult {
    let mut s = Session::new(quiz, seed, &Boxes::default());
    for (id, a) in answers {
        s.set_answer(id, a.clone(), None).unwrap();
    }
    s.submit(None, &NoLab)
}

fn two_attempts() -> Results {
    let quiz = sample();
    let mut r = Results::default();
    let first = attempt(
        &quiz,
        11,
        &[
            ("throttle-status", Answer::Choice(1)),
            ("signing-protocol", Answer::Text("SigV4, really".into())),
        ],
    );
    r.record(
        &first,
        SimTime::parse_rfc3339("2025-03-01T10:00:00Z").unwrap(),
    );
    let second = attempt(
        &quiz,
        12,
        &[
            ("throttle-status", Answer::Choice(0)),
            (
                "access-control-options",
                Answer::Choices([0, 1].into_iter().collect()),
            ),
            ("cache-ttl-max", Answer::Number(3600.0)),
        ],
    );
    r.record(
        &second,
        SimTime::parse_rfc3339("2025-03-02T10:00:00Z").unwrap(),
    );
    r
}

#[test]
fn recording_keeps_history_best_scores_boxes_and_misconceptions() {
    let r = two_attempts();
    assert_eq!(r.attempts.len(), 2);
    assert_eq!(r.attempts[0].score, 0.0);
    assert!((r.attempts[1].score - (2.0 + 2.0 / 3.0)).abs() < 1e-12);
    assert_eq!(r.best("sample").map(|a| a.seed), Some(12));
    assert_eq!(r.best("other"), None);
    assert_eq!(r.best_per_module().len(), 1);
    let boxes = r.boxes("sample");
    assert_eq!(
        boxes.box_of("throttle-status"),
        Some(2),
        "missed, then right: back up to box 2"
    );
    assert_eq!(
        boxes.box_of("access-control-options"),
        Some(1),
        "partial credit counts as a miss"
    );
    assert_eq!(boxes.box_of("cache-ttl-max"), Some(2));
    assert_eq!(
        boxes.box_of("lock-admin"),
        Some(1),
        "unanswered counts as a miss"
    );
    assert_eq!(
        r.misconceptions("sample").get("throttle-is-forbidden"),
        Some(&1)
    );
    let q = &r.attempts[1]
        .questions
        .iter()
        .find(|q| q.id == "access-control-options")
        .unwrap();
    assert_eq!(q.verdict, Verdict::Partial);
    assert_eq!(
        q.answer,
        Some(Answer::Choices([0, 1].into_iter().collect()))
    );
}

#[test]
fn results_save_and_load_unchanged() {
    let dir = scratch_dir("roundtrip");
    let path = DataDir::new(&dir).results_file();
    let r = two_attempts();
    results::save(&path, &r).unwrap();
    assert_eq!(results::load(&path).unwrap(), Loaded::Ok(r.clone()));
    let text = fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("\"at\": \"2025-03-01T10:00:00Z\""),
        "times are readable: {text}"
    );
    assert_eq!(
        results::load(&dir.join("none.json")).unwrap(),
        Loaded::Missing(Results::default())
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_crash_mid_write_leaves_the_old_file_readable() {
    let dir = scratch_dir("crash");
    let path = dir.join("results.json");
    let r = two_attempts();
    results::save(&path, &r).unwrap();
    // A writer died after writing half of its temporary file.
    let full = serde_json::to_string_pretty(&Results::default()).unwrap();
    let leftover = dir.join(".results.json.tmp-4242");
    fs::write(&leftover, &full[..full.len() / 2]).unwrap();
    assert_eq!(results::load(&path).unwrap(), Loaded::Ok(r.clone()));
    // The next save still works and does not touch the other writer's file.
    let mut more = r.clone();
    more.reset_module("sample");
    results::save(&path, &more).unwrap();
    assert_eq!(results::load(&path).unwrap().into_value(), more);
    assert!(leftover.exists());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_truncated_or_corrupt_file_is_moved_aside_never_lost() {
    let dir = scratch_dir("corrupt");
    let path = dir.join("results.json");
    let r = two_attempts();
    results::save(&path, &r).unwrap();
    let bytes = fs::read(&path).unwrap();
    let truncated = &bytes[..bytes.len() / 3];
    fs::write(&path, truncated).unwrap();

    let loaded = results::load(&path).unwrap();
    let Loaded::Corrupt {
        value,
        moved_to,
        problem,
    } = loaded
    else {
        panic!("a truncated file must be reported as corrupt, got {loaded:?}");
    };
    assert_eq!(value, Results::default());
    assert_eq!(moved_to, dir.join("results.json.corrupt-1"));
    assert!(problem.contains("EOF"), "{problem}");
    assert_eq!(
        fs::read(&moved_to).unwrap(),
        truncated,
        "the damaged bytes are kept as they were"
    );
    assert!(!path.exists());

    // A new file is written; the corrupt copy stays.
    let mut fresh = Results::default();
    fresh.record(&attempt(&sample(), 1, &[]), SimTime::from_unix_secs(1));
    results::save(&path, &fresh).unwrap();
    assert_eq!(results::load(&path).unwrap(), Loaded::Ok(fresh));
    assert!(moved_to.exists());

    // Another bad file goes to the next free number; an empty file counts as corrupt.
    fs::write(&path, "").unwrap();
    let Loaded::Corrupt {
        moved_to, problem, ..
    } = results::load(&path).unwrap()
    else {
        panic!()
    };
    assert_eq!(moved_to, dir.join("results.json.corrupt-2"));
    assert_eq!(problem, "the file is empty");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_of_the_wrong_shape_is_corrupt_too() {
    let dir = scratch_dir("shape");
    let path = dir.join("results.json");
    fs::write(&path, "{\"attempts\": 3}").unwrap();
    assert!(matches!(
        results::load(&path).unwrap(),
        Loaded::Corrupt { .. }
    ));
    save_json_atomic(&path, &vec![1, 2, 3]).unwrap();
    assert_eq!(
        load_json::<Vec<u32>>(&path).unwrap(),
        Loaded::Ok(vec![1, 2, 3])
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn csv_export_has_one_row_per_attempt_and_question() {
    let r = two_attempts();
    let mut out = Vec::new();
    export_csv(&r, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], CSV_COLUMNS.join(","));
    assert_eq!(lines.len(), 1 + 8 + 8);
    let first_q = r.attempts[0].questions[0].id.clone();
    assert!(
        lines[1].starts_with(&format!("1,sample,11,2025-03-01T10:00:00Z,{first_q},")),
        "{}",
        lines[1]
    );
    let throttle = lines
        .iter()
        .find(|l| l.starts_with("2,") && l.contains(",throttle-status,"))
        .unwrap();
    assert_eq!(
        *throttle,
        "2,sample,12,2025-03-02T10:00:00Z,throttle-status,single-choice,\"{\"\"choice\"\":0}\",1,1,correct,0,,2.6667,11,24.2424,false"
    );
    let text_answer = lines
        .iter()
        .find(|l| l.contains(",signing-protocol,") && l.starts_with("1,"))
        .unwrap();
    assert!(
        text_answer.contains(",\"{\"\"text\"\":\"\"SigV4, really\"\"}\",0,1,wrong,"),
        "{text_answer}"
    );
    let missed = lines
        .iter()
        .find(|l| l.starts_with("1,") && l.contains(",throttle-status,"))
        .unwrap();
    assert!(
        missed.contains(",wrong,0,throttle-is-forbidden,"),
        "{missed}"
    );
}

#[test]
fn json_export_loads_back() {
    let r = two_attempts();
    let mut out = Vec::new();
    export_json(&r, &mut out).unwrap();
    let back: Results = serde_json::from_slice(&out).unwrap();
    assert_eq!(back, r);
}

#[test]
fn resets_forget_a_question_or_a_module() {
    let mut r = two_attempts();
    r.reset_question("sample", "throttle-status");
    assert_eq!(r.boxes("sample").box_of("throttle-status"), None);
    assert_eq!(r.attempts.len(), 2);
    r.reset_module("sample");
    assert!(r.attempts.is_empty());
    assert_eq!(r.boxes("sample"), Boxes::default());
}
