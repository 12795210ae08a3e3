//! Moodle GIFT: import of a hand-written file, export and round trip, and
//! diagnostics for the GIFT features gatelab does not support.

use gatelab::quiz::{Body, Kind, Question, Quiz, gift, parse_quiz};

const SAMPLE_TOML: &str = include_str!("fixtures/quiz/sample.toml");
const SAMPLE_GIFT: &str = include_str!("fixtures/quiz/sample.gift");

fn sample() -> Quiz {
    parse_quiz("sample.toml", SAMPLE_TOML).unwrap_or_else(|e| panic!("{e}"))
}

/// The questions GIFT can hold: everything but ordering questions and lab tasks.
fn giftable(quiz: &Quiz) -> Vec<Question> {
    quiz.questions
        .iter()
        .filter(|q| !matches!(q.kind(), Kind::Ordering | Kind::LabTask))
        .cloned()
        .collect()
}

fn header(q: &Quiz) -> (String, String, u8, Option<usize>, u32, Vec<String>) {
    (
        q.id.clone(),
        q.title.clone(),
        q.pass_mark,
        q.draw,
        q.time_limit_mins,
        q.lessons.clone(),
    )
}

#[test]
fn the_hand_written_gift_sample_matches_the_toml_sample() {
    let imported = gift::import(SAMPLE_GIFT, "sample.gift").unwrap_or_else(|e| panic!("{e}"));
    let toml = sample();
    assert_eq!(header(&imported), header(&toml));
    let expected = giftable(&toml);
    assert_eq!(imported.questions.len(), expected.len());
    for (got, want) in imported.questions.iter().zip(&expected) {
        assert_eq!(got, want, "question {}", want.id);
    }
    // Positions point at the question's first line.
    assert_eq!(imported.positions.question_pos(2, "").line, 33);
}

#[test]
fn export_then_import_round_trips() {
    let quiz = sample();
    let text = gift::export(&quiz);
    let back = gift::import(&text, "exported.gift").unwrap_or_else(|e| panic!("{e}\n---\n{text}"));
    assert_eq!(header(&back), header(&quiz));
    assert_eq!(back.questions, giftable(&quiz));
    // Exporting again gives the same text, minus what GIFT cannot hold.
    let again = gift::export(&back);
    assert_eq!(
        gift::import(&again, "again.gift").unwrap().questions,
        back.questions
    );
}

#[test]
fn export_writes_moodle_syntax_and_describes_lab_tasks_in_comments() {
    let text = gift::export(&sample());
    assert!(
        text.contains("::throttle-status::[markdown]A client sends"),
        "{text}"
    );
    assert!(
        text.contains("\t=429 Too Many Requests#Right\\: throttling answers 429.\n"),
        "{text}"
    );
    assert!(text.contains("\t~%33.33333%A resource policy\n"), "{text}");
    assert!(
        text.contains("\t~%-33.33333%An API key on its own#"),
        "{text}"
    );
    assert!(text.contains("\tFALSE#No\\: anyone holding"), "{text}");
    assert!(
        text.contains("\t=Lambda TOKEN authorizer -> A single header value"),
        "{text}"
    );
    assert!(text.contains("\t#3600:0\n"), "{text}");
    assert!(
        text.contains("// @misconception 2 throttle-is-forbidden\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "// Lab task `lock-admin` (graded in the gatelab lab; GIFT has no equivalent):"
        ),
        "{text}"
    );
    assert!(
        text.contains("// Start scenario: lab-admin-open\n"),
        "{text}"
    );
    assert!(
        text.contains("// Checks: anon-admin (1 point), inside-no-token (1 point)"),
        "{text}"
    );
    assert!(text.contains("// | [routes.admin]"), "{text}");
    assert!(
        text.contains("// Ordering question `sigv4-steps`"),
        "{text}"
    );
    assert!(
        text.contains("// | 1. Create the canonical request\n"),
        "{text}"
    );
    // Every non-comment line belongs to a question block.
    for line in text.lines() {
        let t = line.trim();
        assert!(
            t.is_empty()
                || t.starts_with("//")
                || t.starts_with("::")
                || t.starts_with(['\t', '}'])
                || line.starts_with('\t'),
            "stray line: {line}"
        );
    }
}

#[test]
fn escaped_characters_round_trip() {
    let mut quiz = sample();
    let q = &mut quiz.questions[6];
    q.prompt =
        "Braces {a}, tilde ~, equals =, hash #, colon :: and a backslash \\ on\ntwo lines".into();
    q.explanation = "Use \\n for a new line: a\nb".into();
    if let Body::ShortText { accept, .. } = &mut q.body {
        accept[0] = "a=b~c#d".into();
    }
    let back = gift::import(&gift::export(&quiz), "x.gift").unwrap_or_else(|e| panic!("{e}"));
    let q2 = back.question("signing-protocol").unwrap();
    assert_eq!(q2, &quiz.questions[6]);
}

#[test]
fn moodle_features_import_as_expected() {
    let src = "\
// A plain comment is ignored.
::Q1:: 1 + 1 = 2 {T}

::Range:: Pick a number from 1 to 5. {#1..5####Any of them.}

What does SigV4 sign? {
  =The canonical request#Yes.
  ~The password#No password is sent.
  ####It signs a hash of the canonical request.
}
";
    let e = gift::import(src, "m.gift").unwrap_err();
    // {T} has no general feedback: gatelab needs an explanation.
    assert_eq!(e.len(), 1, "{e}");
    assert_eq!(e.0[0].location(), "m.gift:2:1");
    assert_eq!(e.0[0].message, "question `q1`: the explanation is empty");
    assert!(e.0[0].hint.as_deref().unwrap_or("").contains("####"));

    let fixed = src.replace("{T}", "{T####Because.}");
    let quiz = gift::import(&fixed, "m.gift").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(quiz.id, "m");
    assert_eq!(quiz.pass_mark, gift::DEFAULT_PASS_MARK);
    assert_eq!(
        quiz.questions
            .iter()
            .map(|q| q.id.as_str())
            .collect::<Vec<_>>(),
        ["q1", "range", "q3"]
    );
    assert_eq!(quiz.questions[0].prompt, "1 + 1 = 2");
    assert!(matches!(
        quiz.questions[0].body,
        Body::TrueFalse { answer: true, .. }
    ));
    assert!(matches!(
        quiz.questions[1].body,
        Body::Numeric {
            answer: 3.0,
            tolerance: 2.0,
            ..
        }
    ));
    let Body::SingleChoice { options } = &quiz.questions[2].body else {
        panic!()
    };
    assert_eq!(options[1].feedback.as_deref(), Some("No password is sent."));
    assert_eq!(
        quiz.questions[2].explanation,
        "It signs a hash of the canonical request."
    );
}

#[test]
fn unsupported_features_name_the_line_and_what_to_do() {
    let src = "\
$CATEGORY: top/apis

::essay:: Describe your API. {}

This is only a description.

The {=throttle ~cache} returns 429 when exceeded.

::several:: Pick {=a =b ~c####e}

::weights:: Pick {~%70%a ~%30%b ~c####e}

::partial-sa:: Name it {=SigV4 =%50%SigV2####e}

::multi-num:: When? {#=1822:0 =%50%1822:2####e}

// @lessn typo
::ok:: Fine {=yes ~no####e}
";
    let e = gift::import(src, "bad.gift").unwrap_err();
    let got: Vec<(String, String)> =
        e.0.iter()
            .map(|d| (d.location(), d.message.clone()))
            .collect();
    let want = [
        ("bad.gift:17:4", "unknown gatelab comment `@lessn`"),
        ("bad.gift:1:1", "categories ($CATEGORY) are not supported"),
        (
            "bad.gift:3:30",
            "essay questions (an empty answer block) are not supported",
        ),
        (
            "bad.gift:5:1",
            "a description without answers is not supported",
        ),
        (
            "bad.gift:7:5",
            "an answer block in the middle of the text (missing-word format) is not supported",
        ),
        (
            "bad.gift:9:18",
            "2 answers are marked = (right) in a multiple-choice question",
        ),
        (
            "bad.gift:11:18",
            "right answers with different weights are not supported",
        ),
        (
            "bad.gift:13:32",
            "partly correct short answers (weights below 100%) are not supported",
        ),
        (
            "bad.gift:15:21",
            "several numeric answers, or partial credit on one, are not supported",
        ),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
    for d in &e.0 {
        assert!(
            d.hint.as_deref().is_some_and(|h| !h.is_empty()),
            "every problem says what to do: {d}"
        );
    }
}

mod never_panics {
    use gatelab::quiz::{gift, parse_quiz};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn gift_import_never_panics(s in "[ a-z0-9:~=#{}\\\\%\\-\\.>\\n/@$\\[\\]]{0,120}") {
            let _ = gift::import(&s, "x.gift");
        }

        #[test]
        fn toml_load_never_panics(s in "[ a-z0-9=\\[\\]\\{\\}\"\\n,.\\-#]{0,160}") {
            let _ = parse_quiz("x.toml", &s);
        }
    }
}
