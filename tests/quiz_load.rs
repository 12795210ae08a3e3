//! Loading quiz modules: the sample loads, and every kind of mistake in a
//! quiz file is reported as `file:line:col: message` with a hint.

#[path = "quiz_fake_lab.rs"]
mod fake_lab;

use fake_lab::FakeLab;
use gatelab::quiz::{
    Body, Kind, check_lab_tasks, check_references, load_all, parse_quiz, references,
};

const SAMPLE: &str = include_str!("fixtures/quiz/sample.toml");
const HEAD: &str = "id = \"bad\"\ntitle = \"Bad\"\npass-mark = 70\n\n";

/// Problems reported for `bad.toml` = HEAD + `questions`, one line each
/// (`file:line:col: message`, without the hint).
fn problems(questions: &str) -> Vec<String> {
    let src = format!("{HEAD}{questions}");
    match parse_quiz("bad.toml", &src) {
        Ok(_) => Vec::new(),
        Err(d) => {
            d.0.iter()
                .map(|d| format!("{}: {}", d.location(), d.message))
                .collect()
        }
    }
}

fn one_problem(questions: &str) -> String {
    let p = problems(questions);
    assert_eq!(p.len(), 1, "expected exactly one problem, got {p:#?}");
    p.into_iter().next().unwrap_or_default()
}

#[test]
fn the_sample_loads_with_every_kind() {
    let quiz =
        parse_quiz("tests/fixtures/quiz/sample.toml", SAMPLE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(quiz.id, "sample");
    assert_eq!(quiz.pass_mark, 70);
    assert_eq!(quiz.time_limit_mins, 0, "untimed by default");
    let kinds: Vec<Kind> = quiz.questions.iter().map(|q| q.kind()).collect();
    assert_eq!(kinds, Kind::ALL.to_vec());
    let Body::LabTask(task) = &quiz.questions[7].body else {
        panic!("the last question is a lab task")
    };
    assert_eq!(task.checks.len(), 4);
    assert_eq!(task.max_points(), 4);
    assert_eq!(task.exploit.as_deref(), Some("anon-admin"));
    let Body::Numeric {
        answer,
        tolerance,
        unit,
    } = &quiz.questions[5].body
    else {
        panic!()
    };
    assert_eq!(
        (*answer, *tolerance, unit.as_deref()),
        (3600.0, 0.0, Some("seconds"))
    );
}

#[test]
fn references_list_lessons_and_scenarios_with_positions() {
    let quiz = parse_quiz("sample.toml", SAMPLE).unwrap();
    let refs = references(&quiz);
    assert_eq!(refs.len(), 8);
    assert_eq!(refs[0].lesson.as_deref(), Some("throttling#explain"));
    assert_eq!(refs[0].lesson_at.line, 14);
    assert_eq!(refs[5].lesson_at.line, 77);
    assert_eq!(refs[7].start.as_deref(), Some("lab-admin-open"));
    assert_eq!(refs[7].start_at.line, 96);
    assert_eq!(refs[2].lesson, None);

    let lessons = |l: &str, s: Option<&str>| match l {
        "throttling" => s.is_none() || s == Some("explain"),
        "lambda-authorizers" => matches!(s, None | Some("explain") | Some("try-it")),
        _ => false,
    };
    let d = check_references(&quiz, &lessons, &|id| id == "lab-admin-open");
    let text = d.to_string();
    assert_eq!(d.len(), 1, "{text}");
    assert!(
        text.starts_with("sample.toml:77:10: question `cache-ttl-max`: lesson `lambda-authorizers` has no section `caching`"),
        "{text}"
    );
    let d = check_references(&quiz, &|_, _| true, &|_| false);
    assert_eq!(d.len(), 1);
    assert!(
        d.to_string().contains(
            "sample.toml:96:9: question `lock-admin`: no scenario has the id `lab-admin-open`"
        ),
        "{d}"
    );
}

#[test]
fn lab_tasks_of_the_sample_pass_their_self_test() {
    let quiz = parse_quiz("sample.toml", SAMPLE).unwrap();
    let lab = FakeLab::default();
    let d = check_lab_tasks(&quiz, &lab);
    assert!(d.is_empty(), "{d}");
    assert_eq!(
        lab.runs.get(),
        2,
        "the solution and the start configuration each ran once"
    );
}

#[test]
fn lab_self_test_catches_a_broken_solution_an_already_solved_start_and_a_useless_exploit() {
    // Solution forgets the token requirement: fails `inside-no-token`.
    let broken = SAMPLE.replace(
        r#"solution = { routes = { admin = { allow-cidr = "10.0.0.0/8", auth = "cognito" } } }"#,
        r#"solution = { routes = { admin = { allow-cidr = "10.0.0.0/8" } } }"#,
    );
    let quiz = parse_quiz("sample.toml", &broken).unwrap();
    let d = check_lab_tasks(&quiz, &FakeLab::default());
    assert_eq!(d.len(), 1, "{d}");
    assert!(
        d.to_string().starts_with(
            "sample.toml:98:12: question `lock-admin`: the reference solution fails its own check `inside-no-token` (got 200, expected 401)"
        ),
        "{d}"
    );

    // Only keep the checks an open gateway passes; name one as the exploit.
    let src = format!(
        r#"{HEAD}[[questions]]
id = "nothing-to-fix"
kind = "lab-task"
prompt = "p"
explanation = "e"
start = "lab-admin-open"
exploit = "health-public"
solution = {{}}

[[questions.checks]]
name = "health-public"
request = {{ path = "/health" }}
expect = {{ status = 200 }}
"#
    );
    let quiz = parse_quiz("bad.toml", &src).unwrap();
    let d = check_lab_tasks(&quiz, &FakeLab::default());
    let text = d.to_string();
    assert_eq!(d.len(), 2, "{text}");
    assert!(text.contains("bad.toml:10:9: question `nothing-to-fix`: the start configuration already passes every check"), "{text}");
    assert!(text.contains("bad.toml:11:11: question `nothing-to-fix`: the start configuration passes the exploit check `health-public`"), "{text}");

    // A start scenario the gateway cannot build.
    let quiz = parse_quiz(
        "sample.toml",
        &SAMPLE.replace("start = \"lab-admin-open\"", "start = \"no-such-scenario\""),
    )
    .unwrap();
    let d = check_lab_tasks(&quiz, &FakeLab::default());
    assert_eq!(d.len(), 2, "{d}");
    assert!(
        d.to_string()
            .contains("could not be built: no scenario has the id `no-such-scenario`"),
        "{d}"
    );
}

const CHOICE: &str =
    "[[questions]]\nid = \"q\"\nkind = \"single-choice\"\nprompt = \"p\"\nexplanation = \"e\"\n";

#[test]
fn duplicate_question_ids() {
    let src = format!(
        "{CHOICE}options = [{{ text = \"a\", correct = true }}, {{ text = \"b\" }}]\n\n{CHOICE}options = [{{ text = \"a\", correct = true }}, {{ text = \"b\" }}]\n"
    );
    assert_eq!(
        one_problem(&src),
        "bad.toml:13:6: duplicate question id `q`"
    );
}

#[test]
fn duplicate_module_ids_across_files() {
    let a = "id = \"same\"\ntitle = \"A\"\npass-mark = 50\n[[questions]]\nid = \"t\"\nkind = \"true-false\"\nprompt = \"p\"\nexplanation = \"e\"\nanswer = true\n";
    let e = load_all([("quizzes/same.toml", a), ("more/same.toml", a)]).unwrap_err();
    assert_eq!(e.len(), 1, "{e}");
    assert_eq!(e.0[0].location(), "more/same.toml:1:6");
    assert_eq!(e.0[0].message, "duplicate module id `same`");
    assert!(
        e.0[0]
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("quizzes/same.toml")
    );
    assert_eq!(load_all([("quizzes/same.toml", a)]).unwrap().len(), 1);
}

#[test]
fn no_correct_option() {
    let src = format!("{CHOICE}options = [{{ text = \"a\" }}, {{ text = \"b\" }}]\n");
    assert_eq!(
        one_problem(&src),
        "bad.toml:10:11: no option is marked correct"
    );
}

#[test]
fn several_correct_options_in_single_choice() {
    let src = format!(
        "{CHOICE}options = [{{ text = \"a\", correct = true }}, {{ text = \"b\", correct = true }}]\n"
    );
    assert_eq!(
        one_problem(&src),
        "bad.toml:10:11: 2 options are marked correct, but a single-choice question has one right answer"
    );
}

#[test]
fn empty_explanation_and_missing_explanation() {
    let src = "[[questions]]\nid = \"q\"\nkind = \"true-false\"\nprompt = \"p\"\nexplanation = \" \"\nanswer = true\n";
    assert_eq!(one_problem(src), "bad.toml:9:15: the explanation is empty");
    let src = "[[questions]]\nid = \"q\"\nkind = \"true-false\"\nprompt = \"p\"\nanswer = true\n";
    assert_eq!(
        one_problem(src),
        "bad.toml:5:1: missing required key `explanation`"
    );
}

#[test]
fn empty_options() {
    let src = format!("{CHOICE}options = []\n");
    assert_eq!(
        one_problem(&src),
        "bad.toml:10:11: a single-choice question has no options"
    );
}

#[test]
fn ordering_needs_two_items() {
    let src = "[[questions]]\nid = \"q\"\nkind = \"ordering\"\nprompt = \"p\"\nexplanation = \"e\"\nitems = [\"only\"]\n";
    assert_eq!(
        one_problem(src),
        "bad.toml:10:9: an ordering question needs at least 2 items, found 1"
    );
}

#[test]
fn negative_tolerance() {
    let src = "[[questions]]\nid = \"q\"\nkind = \"numeric\"\nprompt = \"p\"\nexplanation = \"e\"\nanswer = 300\ntolerance = -0.5\n";
    assert_eq!(
        one_problem(src),
        "bad.toml:11:13: tolerance -0.5 is negative"
    );
}

#[test]
fn short_text_without_accepted_answers() {
    let src = "[[questions]]\nid = \"q\"\nkind = \"short-text\"\nprompt = \"p\"\nexplanation = \"e\"\naccept = []\n";
    assert_eq!(
        one_problem(src),
        "bad.toml:10:10: a short-text question has no accepted answers"
    );
}

#[test]
fn lab_task_without_checks() {
    let src = "[[questions]]\nid = \"q\"\nkind = \"lab-task\"\nprompt = \"p\"\nexplanation = \"e\"\nstart = \"lab-admin-open\"\nsolution = {}\n";
    assert_eq!(one_problem(src), "bad.toml:5:1: a lab task has no checks");
}

#[test]
fn exploit_names_a_missing_check() {
    let src = "[[questions]]\nid = \"q\"\nkind = \"lab-task\"\nprompt = \"p\"\nexplanation = \"e\"\nstart = \"lab-admin-open\"\nexploit = \"anon\"\nsolution = {}\n[[questions.checks]]\nname = \"anon-admin\"\nrequest = { path = \"/admin\" }\nexpect = { status = 403 }\n";
    assert_eq!(
        one_problem(src),
        "bad.toml:11:11: exploit names check `anon`, which this task does not have"
    );
    let src = format!("{HEAD}{src}");
    let e = parse_quiz("bad.toml", &src).unwrap_err();
    assert_eq!(
        e.0[0].hint.as_deref(),
        Some("use one of the task's check names: anon-admin")
    );
}

#[test]
fn unknown_kind() {
    let src = "[[questions]]\nid = \"q\"\nkind = \"essay\"\nprompt = \"p\"\nexplanation = \"e\"\n";
    let e = parse_quiz("bad.toml", &format!("{HEAD}{src}")).unwrap_err();
    assert_eq!(e.len(), 1, "{e}");
    assert_eq!(e.0[0].location(), "bad.toml:7:8");
    assert_eq!(e.0[0].message, "unknown question kind `essay`");
    assert!(
        e.0[0]
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("single-choice, multiple-select"),
        "{e}"
    );
}

#[test]
fn unknown_keys_and_keys_of_another_kind() {
    let src = "[[questions]]\nid = \"q\"\nkind = \"true-false\"\nprompt = \"p\"\nexplanation = \"e\"\nanswer = true\nexplaination = \"typo\"\n";
    let e = parse_quiz("bad.toml", &format!("{HEAD}{src}")).unwrap_err();
    assert_eq!(e.len(), 1, "{e}");
    assert_eq!(
        format!("{}: {}", e.0[0].location(), e.0[0].message),
        "bad.toml:11:1: unknown key `explaination`"
    );
    assert!(
        e.0[0]
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("`explanation`"),
        "{e}"
    );

    let src = "[[questions]]\nid = \"q\"\nkind = \"true-false\"\nprompt = \"p\"\nexplanation = \"e\"\nanswer = true\ntolerance = 1\n";
    assert_eq!(
        one_problem(src),
        "bad.toml:11:1: key `tolerance` does not apply to true-false questions"
    );

    let e = parse_quiz("bad.toml", &format!("{HEAD}passmark = 3\n")).unwrap_err();
    assert_eq!(e.0[0].location(), "bad.toml:5:1");
    assert_eq!(e.0[0].message, "unknown key `passmark`");
}

#[test]
fn answers_and_header_values_out_of_range() {
    let src = "[[questions]]\nid = \"q\"\nkind = \"true-false\"\nprompt = \"p\"\nexplanation = \"e\"\nanswer = \"yes\"\n";
    assert_eq!(
        one_problem(src),
        "bad.toml:10:10: the answer of a true-false question must be true or false, found text"
    );
    let src = "id = \"bad\"\ntitle = \"Bad\"\npass-mark = 150\ndraw = 5\n[[questions]]\nid = \"q\"\nkind = \"true-false\"\nprompt = \"p\"\nexplanation = \"e\"\nanswer = true\n";
    let e = parse_quiz("bad.toml", src).unwrap_err();
    let lines: Vec<String> =
        e.0.iter()
            .map(|d| format!("{}: {}", d.location(), d.message))
            .collect();
    assert_eq!(
        lines,
        vec![
            "bad.toml:3:13: pass-mark 150 is out of range".to_string(),
            "bad.toml:4:8: draw = 5 is out of range: the module has 1 questions".to_string(),
        ]
    );
}

#[test]
fn syntax_errors_have_a_position() {
    let e = parse_quiz("bad.toml", "id = \"bad\"\ntitle = \"Bad\npass-mark = 70\n").unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e.0[0].line, 2, "{e}");
}

#[test]
fn every_problem_is_collected_not_just_the_first() {
    let src = format!(
        "{CHOICE}options = []\n\n[[questions]]\nid = \"Bad Id\"\nkind = \"numeric\"\nprompt = \"\"\nexplanation = \"e\"\nanswer = 1\ntolerance = -1\n\n[[questions]]\nid = \"r\"\nkind = \"oops\"\n"
    );
    let p = problems(&src);
    let expected = [
        "bad.toml:20:1: missing required key `prompt`",
        "bad.toml:20:1: missing required key `explanation`",
        "bad.toml:22:8: unknown question kind `oops`",
        "bad.toml:10:11: a single-choice question has no options",
        "bad.toml:13:6: question id `Bad Id` is not kebab-case",
        "bad.toml:15:10: the prompt is empty",
        "bad.toml:18:13: tolerance -1 is negative",
    ];
    assert_eq!(p, expected, "{p:#?}");
}

#[test]
fn unknown_keys_inside_options_and_checks_are_located() {
    let src = format!(
        "{CHOICE}options = [{{ text = \"a\", correct = true }}, {{ text = \"b\", corect = true }}]\n"
    );
    let e = parse_quiz("bad.toml", &format!("{HEAD}{src}")).unwrap_err();
    assert_eq!(e.len(), 1, "{e}");
    assert_eq!(
        format!("{}: {}", e.0[0].location(), e.0[0].message),
        "bad.toml:10:58: unknown key `corect`"
    );

    let src = "[[questions]]\nid = \"q\"\nkind = \"lab-task\"\nprompt = \"p\"\nexplanation = \"e\"\nstart = \"s\"\nsolution = {}\n[[questions.checks]]\nname = \"c\"\npoints = -1\nrequest = { path = \"/\" }\nexpect = { status = 200 }\nexpected = 1\n";
    let e = parse_quiz("bad.toml", &format!("{HEAD}{src}")).unwrap_err();
    assert_eq!(e.len(), 1, "{e}");
    assert_eq!(
        format!("{}: {}", e.0[0].location(), e.0[0].message),
        "bad.toml:17:1: unknown key `expected`"
    );
    let src = src.replace("expected = 1\n", "");
    assert_eq!(
        one_problem(&src),
        "bad.toml:14:10: points = -1 is out of range"
    );
}
