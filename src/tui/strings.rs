//! Every sentence of the app's chrome, in one place so the wording can be
//! reviewed. (Lesson text comes from the course; the description of each key
//! sits beside the key in `keymap.rs`, where help and footer read it.)

use super::app::ReqField;

// ----- app chrome ----------------------------------------------------------

/// Name shown in the title bar.
pub const APP_NAME: &str = "gatelab";
/// Shown when the terminal is smaller than the minimum.
pub fn too_small(need_w: u16, need_h: u16, w: u16, h: u16) -> String {
    format!(
        "Terminal too small (need {need_w}×{need_h}, have {w}×{h}). Enlarge the window, or press q to quit."
    )
}
/// Footer prefix for the help key.
pub const FOOTER_MORE: &str = "more keys";
/// Note under `gatelab keys`.
pub const KEYS_TYPING_NOTE: &str =
    "While typing text, letters are inserted; Ctrl-C still quits. Mouse support only with --mouse.";
/// Title of the help overlay.
pub const HELP_TITLE: &str = "Keys";
/// Shown at the top of the help overlay.
pub const HELP_INTRO: &str =
    "Arrows always work beside the letter keys. The footer shows the keys of the pane you are in.";
/// Marks a screen whose lab has changes not saved to a file.
pub const CHANGED_MARK: &str = "changed";
/// Marks a lab whose changes wait for a deployment.
pub const UNDEPLOYED_MARK: &str = "not deployed";
/// Prefix of the virtual clock in the title bar.
pub const CLOCK_PREFIX: &str = "sim";
/// Presenter mode marker in the title bar.
pub const PRESENTER_MARK: &str = "presenter";

// ----- home ----------------------------------------------------------------

/// Home screen title.
pub const HOME_TITLE: &str = "Protecting APIs on Amazon API Gateway";
/// Panel title of the lesson list.
pub const HOME_LIST_TITLE: &str = "Course";
/// Panel title of the detail panel.
pub const HOME_DETAIL_TITLE: &str = "About";
/// "Continue" entry.
pub fn continue_entry(lesson: &str, section: &str) -> String {
    format!("▶ Continue: {lesson} › {section}")
}
/// Free lab entry.
pub const FREE_LAB_ENTRY: &str = "Free lab: any scenario, no lesson";
/// Quizzes entry.
pub const QUIZZES_ENTRY: &str = "Quizzes";
/// Column heads of the progress columns.
pub const COL_READ: &str = "read";
/// Column heads of the progress columns.
pub const COL_LAB: &str = "lab";
/// Column heads of the progress columns.
pub const COL_QUIZ: &str = "quiz";
/// Detail of the free lab entry.
pub const FREE_LAB_DETAIL: &str = "Open any scenario's gateway without a lesson: change settings, fire requests, read the trace, run traffic.";
/// Detail of the quizzes entry.
pub const QUIZZES_DETAIL: &str = "Check what you learned with the course's quizzes.";
/// Detail of the continue entry.
pub const CONTINUE_DETAIL: &str = "Open the lesson and section you were last reading.";
/// Heading of the goals list.
pub const GOALS: &str = "You will be able to:";
/// Progress summary of a lesson.
pub fn lesson_progress(read: bool, lab: bool, quiz: Option<(u32, u32)>) -> String {
    let q = match quiz {
        Some((c, t)) => format!("quiz {c}/{t}"),
        None => "quiz not taken".into(),
    };
    format!(
        "{} · {} · {q}",
        if read { "read ✓" } else { "not read yet" },
        if lab {
            "lab tried ✓"
        } else {
            "lab not tried"
        }
    )
}
/// Quizzes screen title.
pub const QUIZZES_TITLE: &str = "Quizzes";
/// Presenter view switched.
pub fn presenter_switched(on: bool) -> &'static str {
    if on {
        "Presenter view on (P switches it off)."
    } else {
        "Presenter view off."
    }
}
/// The course has no quizzes.
pub const NO_QUIZZES: &str = "This course has no quizzes.";
/// Column head of the best score in the quiz list.
pub const COL_BEST: &str = "best";
/// A quiz module's line in the list: questions drawn and pass mark.
pub fn quiz_facts(questions: usize, pass_mark: u8) -> String {
    format!(
        "{questions} question{}, pass mark {pass_mark}%",
        if questions == 1 { "" } else { "s" }
    )
}
/// Best score of a module, with pass/fail in words.
pub fn best_score(percent: &str, passed: bool) -> String {
    format!("{percent}%{}", if passed { " ✓" } else { " ✗" })
}
/// The lesson has no quiz.
pub const LESSON_HAS_NO_QUIZ: &str = "This lesson has no quiz.";
/// Progress strip: question n of m, answered count.
pub fn quiz_progress(n: usize, total: usize, answered: usize) -> String {
    format!("Question {n} of {total} · {answered} answered · untimed")
}
/// Marker of an answered question in the progress strip.
pub const STRIP_ANSWERED: &str = "■";
/// Marker of an unanswered question in the progress strip.
pub const STRIP_OPEN: &str = "□";
/// Hint heading.
pub fn hint_heading(n: usize, total: usize) -> String {
    format!("Hint {n} of {total}")
}
/// No more hints.
pub const NO_MORE_HINTS: &str = "No more hints for this question.";
/// True/false labels.
pub const TRUE_LABEL: &str = "True";
/// True/false labels.
pub const FALSE_LABEL: &str = "False";
/// Not yet matched.
pub const NOT_MATCHED: &str = "(choose with ← →)";
/// How to answer, per kind.
pub const HOW_SINGLE: &str = "Choose one: ↑ ↓ to move, Space to choose.";
/// How to answer, per kind.
pub const HOW_MULTI: &str = "Choose every right option: ↑ ↓ to move, Space to tick or untick.";
/// How to answer, per kind.
pub const HOW_BOOL: &str = "True or false: ↑ ↓ to move, Space to choose.";
/// How to answer, per kind.
pub const HOW_ORDER: &str = "Put the items in order: ↑ ↓ to pick an item, K moves it up, J moves it down, Space keeps the order shown.";
/// How to answer, per kind.
pub const HOW_MATCH: &str = "Match each item: ↑ ↓ to pick an item, ← → to choose its match.";
/// How to answer, per kind.
pub const HOW_NUMBER: &str = "Press Enter to type a number.";
/// How to answer, per kind.
pub const HOW_TEXT: &str = "Press Enter to type your answer.";
/// How to answer, per kind.
pub const HOW_LAB: &str = "Press o to open the lab on the task's start scenario, change the gateway, then press g to grade your lab.";
/// Your current answer.
pub fn your_answer(a: &str) -> String {
    format!("Your answer: {a}")
}
/// No answer yet.
pub const NO_ANSWER_YET: &str = "Your answer: (none yet)";
/// Unit of a numeric answer.
pub fn unit_note(unit: &str) -> String {
    format!("Unit: {unit}")
}
/// Prompt titles.
pub const PROMPT_NUMBER: &str = "Your answer (a number)";
/// Prompt titles.
pub const PROMPT_TEXT: &str = "Your answer";
/// A quiz answer could not be read as a number.
pub fn answer_not_a_number(text: &str) -> String {
    format!("\"{text}\" is not a number; type digits, e.g. 300 or 0.5")
}
/// The exploit check's label.
pub const EXPLOIT_CHECK: &str = "exploit check";
/// Heading of a graded lab.
pub const LAB_GRADED: &str = "Your lab, graded:";
/// Lab not graded yet.
pub const LAB_NOT_GRADED: &str = "Not graded yet.";
/// The lab could not be graded.
pub fn lab_not_graded(reason: &str) -> String {
    format!("Your lab could not be graded: {reason}")
}
/// Check result labels.
pub const CHECK_PASS: &str = "pass";
/// Check result labels.
pub const CHECK_FAIL: &str = "FAIL";
/// Field labels of a check outcome.
pub const CHECK_REQUEST: &str = "request";
/// Field labels of a check outcome.
pub const CHECK_GOT: &str = "got";
/// Field labels of a check outcome.
pub const CHECK_EXPECTED: &str = "expected";
/// Field labels of a check outcome.
pub const CHECK_TRACE: &str = "trace";
/// Lab task: not a lab task.
pub const NOT_A_LAB_TASK: &str = "This question is not a lab task.";
/// Confirm submit.
pub fn confirm_submit(answered: usize, total: usize) -> String {
    format!(
        "Submit your answers ({answered} of {total} answered)? They cannot be changed afterwards."
    )
}
/// Confirm leaving a quiz.
pub const CONFIRM_LEAVE_QUIZ: &str = "Leave this quiz? Your answers are not kept.";
/// Results saved.
pub fn results_saved(path: &str) -> String {
    format!("Saved to {path}.")
}
/// Results not saved.
pub fn results_not_saved(e: &str) -> String {
    format!("The attempt could not be saved: {e}. Check that the data directory is writable.")
}
/// Damaged results file.
pub fn results_moved(moved_to: &str, problem: &str) -> String {
    format!("The results file could not be read ({problem}); it was moved to {moved_to}.")
}
/// Review title.
pub const REVIEW_TITLE: &str = "Review";
/// Review score line.
pub fn review_score(score: &str, max: &str, percent: &str, passed: bool, pass_mark: u8) -> String {
    format!(
        "Score {score} of {max} ({percent}%) · {} (pass mark {pass_mark}%)",
        if passed { "PASSED" } else { "NOT PASSED" }
    )
}
/// Review labels.
pub const REVIEW_YOURS: &str = "Your answer: ";
/// Review labels.
pub const REVIEW_RIGHT: &str = "Right answer: ";
/// Review labels.
pub const REVIEW_WHY: &str = "Why: ";
/// Review labels.
pub const REVIEW_FEEDBACK: &str = "On your choice: ";
/// Review labels.
pub const REVIEW_PROBLEM: &str = "Problem: ";
/// Review labels.
pub fn review_lesson(link: &str) -> String {
    format!("Read more: {link} (press e)")
}
/// No lesson linked to a quiz question.
pub const QUESTION_HAS_NO_LINK: &str = "This question links to no lesson section.";
/// Nothing to continue.
pub const NOTHING_TO_CONTINUE: &str = "Nothing to continue yet: open a lesson first.";
/// The course has no scenarios for the free lab.
pub const NO_SCENARIOS: &str = "This course has no lab scenarios.";
/// Picker title.
pub const PICK_SCENARIO: &str = "Open a scenario in the free lab";
/// Reset: not on a lesson.
pub const RESET_PICK_LESSON: &str =
    "Select a lesson first (x resets the selected lesson, X resets everything).";
/// Reset one topic.
pub fn confirm_reset_topic(title: &str) -> String {
    format!(
        "Reset your progress in \"{title}\"? This forgets the sections read, the try-it steps done, the quiz score and the lab autosave of this lesson."
    )
}
/// Reset everything.
pub const CONFIRM_RESET_ALL: &str = "Reset ALL progress? This forgets every lesson read, every step done, every quiz score and every lab autosave.";
/// After a reset.
pub const PROGRESS_RESET: &str = "Progress reset.";
/// No glossary terms.
pub const NO_GLOSSARY: &str = "The glossary is empty.";
/// Glossary popup title.
pub const GLOSSARY_TITLE: &str = "Glossary";
/// "See also" prefix.
pub const SEE_ALSO: &str = "See also:";
/// Source prefix.
pub const SOURCE: &str = "Source:";

// ----- progress file -------------------------------------------------------

/// Title of the notice about a damaged progress file.
pub const CORRUPT_TITLE: &str = "Progress file could not be read";
/// Body of the notice about a damaged progress file.
pub fn corrupt_progress(moved_to: &str, problem: &str) -> String {
    format!(
        "Your progress file could not be read ({problem}). It was moved to\n\n{moved_to}\n\nso nothing is lost, and you start with empty progress. Press Enter to continue."
    )
}
/// Saving progress failed.
pub fn progress_not_saved(e: &str) -> String {
    format!("Could not save progress: {e}")
}
/// The lab autosave was restored.
pub const AUTOSAVE_RESTORED: &str =
    "Your earlier changes to this lab were restored (R resets the lab).";
/// The lab autosave could not be restored.
pub fn autosave_not_restored(e: &str) -> String {
    format!("Your saved lab changes could not be restored ({e}); the scenario opened as shipped.")
}

// ----- lesson --------------------------------------------------------------

/// Id used for the "check yourself" pseudo-section in positions.
pub const CHECK_SECTION_ID: &str = "#check";
/// Title of the "check yourself" pseudo-section.
pub const CHECK_TITLE: &str = "Check yourself";
/// Label of a section kind.
pub fn section_kind(kind: crate::content::lesson::SectionKind) -> &'static str {
    use crate::content::lesson::SectionKind as K;
    match kind {
        K::Explain => "Explanation",
        K::TryIt => "Try it",
        K::Mistakes => "Common mistakes",
        K::OnAws => "On AWS",
        K::Simplified => "What the simulator simplifies",
    }
}
/// "Section 2 of 5".
pub fn section_counter(n: usize, of: usize) -> String {
    format!("Section {n} of {of}")
}
/// Prefix of the observe line of a try-it step.
pub const STEP_OBSERVE: &str = "Expect:";
/// How to do a step.
pub const STEP_HINT_REQUEST: &str = "Enter fires this request";
/// How to do a step.
pub const STEP_HINT_CONTROL: &str = "Enter shows the control in the gateway panel";
/// How to do a step.
pub const STEP_HINT_MANUAL: &str = "Enter marks it done";
/// Show answers hint.
pub const ANSWERS_HIDDEN: &str = "Press a to show the answers.";
/// Answer prefix.
pub const ANSWER: &str = "Answer:";
/// The lesson has no lab but a step needs one.
pub const NO_LAB_FOR_STEP: &str = "This step needs the lab, which is not open.";
/// A step names a control that the lab does not have.
pub fn control_not_found(id: &str) -> String {
    format!("The lab has no control '{id}'.")
}
/// A step or picker names a request the lab does not have.
pub fn request_not_found(name: &str) -> String {
    format!("The scenario has no request named '{name}'.")
}
/// The lesson's lab could not be opened.
pub fn lab_unavailable(e: &str) -> String {
    format!("The lab for this lesson could not be opened: {e}")
}
/// The lesson has no lab.
pub const NO_LAB: &str = "This lesson has no lab.";
/// Explain: no link.
pub const NO_LESSON_LINK: &str = "No lesson section is linked to this stage.";
/// Explain: link to a missing lesson.
pub fn lesson_link_missing(link: &str) -> String {
    format!("The linked lesson section '{link}' is not in this course.")
}

// ----- lab -----------------------------------------------------------------

/// Pane titles.
pub const PANE_LESSON: &str = "Lesson";
/// Pane titles.
pub const PANE_GATEWAY: &str = "Gateway";
/// Pane titles.
pub const PANE_REQUEST: &str = "Request";
/// Pane titles.
pub const PANE_LAB: &str = "Lab";
/// View titles.
pub const VIEW_OUTCOME: &str = "Outcome";
/// View titles.
pub const VIEW_LOG: &str = "Request log";
/// View titles.
pub const VIEW_TRAFFIC: &str = "Traffic";
/// View titles.
pub const VIEW_TOKEN: &str = "Token workbench";
/// Switch hint in the view title.
pub const VIEW_SWITCH: &str = "1 outcome · 2 log · 3 traffic · 4 token";
/// Control values.
pub const ON: &str = "on";
/// Control values.
pub const OFF: &str = "off";
/// Empty text value.
pub const EMPTY_VALUE: &str = "(empty)";
/// List value summary.
pub fn list_summary(n: usize) -> String {
    match n {
        0 => "no items".into(),
        1 => "1 item".into(),
        n => format!("{n} items"),
    }
}
/// Marker of the control a step points at.
pub const TRY_THIS: &str = "◆ try this";
/// No controls.
pub const NO_CONTROLS: &str = "This scenario has no settings to change.";
/// Label of a request builder field.
pub fn req_field_label(f: ReqField) -> &'static str {
    match f {
        ReqField::Method => "Method",
        ReqField::Scheme => "Scheme",
        ReqField::Path => "Path",
        ReqField::Tls => "TLS",
        ReqField::SourceIp => "Source IP",
        ReqField::Origin => "Origin",
        ReqField::ClientCert => "Client cert",
        ReqField::Headers => "Headers",
        ReqField::Body => "Body",
    }
}
/// No value in a request field.
pub const NONE_VALUE: &str = "(none)";
/// Nothing fired yet.
pub const NO_OUTCOME: &str =
    "No request fired yet. Press f to fire the request in the builder, or p for a preset.";
/// "decided by".
pub const DECIDED_BY: &str = "Decided by";
/// Marker of the deciding step in the trace.
pub const DECIDED_HERE: &str = "◀ decided here:";
/// Reason label.
pub const REASON: &str = "Reason";
/// Latency label.
pub const LATENCY: &str = "Latency";
/// Trace heading.
pub const TRACE: &str = "Trace";
/// Notes hint.
pub fn notes_hidden(n: usize) -> String {
    if n == 1 {
        "(1 note: Enter)".into()
    } else {
        format!("({n} notes: Enter)")
    }
}
/// Browser heading.
pub const BROWSER: &str = "Browser (CORS)";
/// Browser verdicts.
pub const BROWSER_ALLOWED: &str = "✓ page script can read the response";
/// Browser verdicts.
pub const BROWSER_BLOCKED: &str = "✗ the browser blocks page script from reading the response";
/// Preflight.
pub const PREFLIGHT: &str = "preflight (OPTIONS) required first";
/// Headers heading.
pub const RESPONSE_HEADERS: &str = "Response headers";
/// Body heading.
pub const RESPONSE_BODY: &str = "Response body";
/// Explain hint.
pub const EXPLAIN_HINT: &str = "e: lesson about the deciding stage";
/// Shown when no response.
pub const NO_RESPONSE_BIG: &str = "NO HTTP RESPONSE";
/// Log empty.
pub const LOG_EMPTY: &str = "No requests yet.";
/// Traffic: idle.
pub const TRAFFIC_IDLE: &str =
    "No traffic run. Press t to start one; the charts fill one virtual second at a time.";
/// Traffic state words.
pub const TRAFFIC_RUNNING: &str = "running";
/// Traffic state words.
pub const TRAFFIC_PAUSED: &str = "paused";
/// Traffic state words.
pub const TRAFFIC_DONE: &str = "finished";
/// Chart labels.
pub const CHART_2XX: &str = "2xx";
/// Chart labels.
pub const CHART_4XX: &str = "4xx";
/// Chart labels.
pub const CHART_429: &str = "429";
/// Chart labels.
pub const CHART_5XX: &str = "5xx";
/// Chart labels.
pub const CHART_GAUGE: &str = "bucket";
/// Chart labels.
pub const CHART_CACHE: &str = "cache hits";
/// Chart labels.
pub const CHART_P95: &str = "p95 ms";
/// Traffic status line.
pub fn traffic_status(label: &str, state: &str, t: u64, speed: u32) -> String {
    format!("{label} · {state} · t = {t} s · speed {speed}x")
}
/// Token workbench labels.
pub const TOKEN_FIELD: &str = "Token";
/// Token workbench labels.
pub const CLAIMS_FIELD: &str = "Claims";
/// Token workbench labels.
pub const SIGNING_FIELD: &str = "Sign with";
/// Token workbench labels.
pub const TOKEN_HEADER: &str = "Header";
/// Token workbench labels.
pub const TOKEN_CLAIMS_DECODED: &str = "Claims (decoded)";
/// Token workbench empty.
pub const TOKEN_EMPTY: &str =
    "No token. Press Enter on Token to paste one, or edit the claims and press m to sign.";
/// Label of a signing choice.
pub fn signing_label(id: &str) -> &'static str {
    match id {
        "pool-key" => "the pool's key (valid signature)",
        "wrong-key" => "a different key (bad signature)",
        "alg-none" => "alg: none (no signature)",
        "expire" => "the pool's key, already expired",
        _ => "unknown",
    }
}
/// Minted.
pub const TOKEN_MINTED: &str = "New token signed; press a to use it in the request.";
/// Used.
pub const TOKEN_USED: &str = "The request now sends this token in its Authorization header.";
/// No token.
pub const NO_TOKEN: &str = "There is no token to use yet.";

// ----- pickers, prompts, confirmations ------------------------------------

/// Picker titles.
pub const PICK_PRESET: &str = "Load a preset request";
/// Picker titles.
pub const PICK_NAMED: &str = "Load a request of the scenario";
/// Picker titles.
pub const PICK_TRAFFIC: &str = "Start a traffic run";
/// Nothing to pick.
pub const NOTHING_TO_PICK: &str = "The scenario offers none.";
/// A request was loaded into the builder.
pub fn request_loaded(id: &str) -> String {
    format!("Loaded '{id}' into the request builder; press f to fire it.")
}
/// Deployed.
pub const DEPLOYED: &str = "Deployed: the stage now serves your changes (authorizer caches and throttle buckets start afresh).";
/// A try-it step that asks to move the virtual clock.
pub const STEP_CLOCK: &str = "This step moves the virtual clock: use the clock keys in the lab (see ? for help) to jump forward.";
/// Fired while changes wait for a deployment.
pub const FIRED_UNDEPLOYED: &str =
    "The stage still serves the last deployment: press D to deploy your changes.";
/// Nothing to deploy.
pub const NOTHING_TO_DEPLOY: &str =
    "Nothing to deploy: the stage already serves this configuration.";
/// Deploy failed.
pub fn deploy_failed(e: &str) -> String {
    format!("Could not deploy: {e}")
}
/// Shown in the gateway panel while changes wait for a deployment.
pub const NOT_DEPLOYED: &str = "⚠ not deployed yet: D deploys";
/// Undo worked.
pub const UNDONE: &str = "Undone.";
/// Undo had nothing.
pub const NOTHING_TO_UNDO: &str = "Nothing to undo.";
/// Reset the lab.
pub const CONFIRM_RESET_LAB: &str = "Reset the lab to its scenario? Your gateway changes, the request log and the autosave are discarded.";
/// Lab was reset.
pub const LAB_RESET: &str = "The lab is back to its scenario.";
/// Quit with unsaved changes.
pub const CONFIRM_QUIT_UNSAVED: &str = "The lab has gateway changes you have not saved as a scenario file (S saves). They stay in the autosave for this lab. Quit anyway?";
/// Confirm title.
pub const CONFIRM_TITLE: &str = "Are you sure?";
/// Confirm keys.
pub const CONFIRM_KEYS: &str = "y: yes   n: no";
/// Prompt: save path.
pub const PROMPT_SAVE: &str = "Save the lab as a scenario file (path)";
/// Prompt: jump.
pub const PROMPT_JUMP: &str = "Jump the clock forward by (e.g. 30s, 5m, 2h, 250ms)";
/// Prompt: token.
pub const PROMPT_TOKEN: &str = "Token (a compact JWT)";
/// Prompt: claims.
pub const PROMPT_CLAIMS: &str = "Claims to sign (JSON object)";
/// Prompt: list item.
pub const PROMPT_ADD_ITEM: &str = "New item";
/// Prompt: list item.
pub const PROMPT_EDIT_ITEM: &str = "Edit item";
/// Header list title.
pub const HEADERS_TITLE: &str = "Request headers (Name: value)";
/// Empty list.
pub const LIST_EMPTY: &str = "(no items: press a to add one)";
/// Curl popup title.
pub const CURL_TITLE: &str = "Copy as curl (select the text with your mouse)";
/// The empty item.
pub const EMPTY_ITEM: &str = "An item cannot be empty.";
/// The empty path.
pub const EMPTY_PATH: &str = "Type a file path, e.g. my-lab.toml.";
/// Saved.
pub fn saved_to(path: &str) -> String {
    format!("Saved the lab to {path}.")
}
/// Save failed.
pub fn save_failed(path: &str, e: &str) -> String {
    format!("Could not write {path}: {e}")
}
/// Number out of range.
pub fn number_range(min: i64, max: i64) -> String {
    format!("must be between {min} and {max}")
}
/// Not a number.
pub fn not_a_number(t: &str) -> String {
    format!("'{t}' is not a whole number")
}
/// Clock after a jump.
pub fn clock_now(t: &str) -> String {
    format!("The virtual clock is now {t}.")
}
/// Bad method.
pub const BAD_METHOD: &str = "A method is letters only, e.g. GET or POST.";
/// Bad path.
pub const BAD_PATH: &str = "A path starts with '/', e.g. /orders?id=1.";
/// Bad IP.
pub fn bad_ip(t: &str) -> String {
    format!("'{t}' is not an IP address (e.g. 203.0.113.7 or 2001:db8::1)")
}
/// Bad header.
pub fn bad_header(line: &str) -> String {
    format!("'{line}' is not a header line: write Name: value, e.g. x-api-key: abc123")
}
/// Bad duration.
pub fn bad_duration(t: &str) -> String {
    format!("'{t}' is not a duration: write e.g. 30s, 5m, 2h or 250ms")
}
/// Picker/list position hint.
pub fn position(i: usize, n: usize) -> String {
    format!("{i}/{n}")
}

/// Home entry of the demos.
pub const DEMOS_ENTRY: &str = "Demos";
/// Detail of the demos entry.
pub const DEMOS_DETAIL: &str = "Play a scripted demo step by step, for a room: narration, questions, requests and their outcomes.";
/// Header title of the demo player.
pub const DEMO_TITLE: &str = "Demo";
/// The course has no demos.
pub const NO_DEMOS: &str = "This course has no demos.";
/// Picker title.
pub const PICK_DEMO: &str = "Play a demo";
/// Next step pressed after the last one.
pub const DEMO_AT_END: &str = "This is the end of the demo.";
/// Previous step pressed at the start.
pub const DEMO_AT_START: &str = "This is the start of the demo.";
/// The lab was opened live from the demo.
pub const DEMO_LIVE: &str = "Off script: change the lab live. Esc returns to the demo.";
/// Back in the script.
pub const DEMO_RESUMED: &str = "Back on script: changes made live were dropped.";
/// Title of the step list.
pub const DEMO_STEPS: &str = "Steps";
/// Shown before the first step is played.
pub const DEMO_NOT_STARTED: &str = "Press Space or → to play the first step.";
/// Status of the step list.
pub fn demo_position(at: usize, total: usize) -> String {
    format!("step {at} of {total}")
}
