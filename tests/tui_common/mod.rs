//! Shared fixtures for the terminal app tests: a small course written for
//! these tests (two lessons shaped like the shipped ones, a glossary), an app
//! at a given size, and functions that press keys and draw frames.
#![allow(dead_code)]

use gatelab::content::lesson::{Glossary, Lesson};
use gatelab::progress::learner::LearnerProgress;
use gatelab::progress::store::Loaded;
use gatelab::tui::app::AppState;
use gatelab::tui::{
    Action, Command, Course, Flow, LabSource, ScenarioInfo, ThemeName, TuiOptions, render, update,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// A lesson with every kind of section and Markdown element the renderer
/// handles, a lab scenario, try-it steps and check questions.
pub const CACHING_LESSON: &str = r#"
id = "authorizer-caching"
title = "Authorizer caching"
order = 2
summary = "Why a cached policy can let a caller into a path the authorizer never approved."
goals = ["Explain what the authorizer cache key is", "Pick a safe TTL and policy resource"]
scenario = "orders-authorizer"
quiz = "authorizer-caching"
glossary = ["ttl", "lambda-authorizer"]
sources = ["https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html"]

[[sections]]
id = "how-it-works"
title = "How the cache works"
kind = "explain"
body = """
API Gateway caches the **policy** a Lambda authorizer returns, keyed by the
*identity source* (for a TOKEN authorizer: the `Authorization` header).

## What is cached

- the policy document, for `ttl` seconds (0 disables caching)
- the principal and context
  1. nested detail one
  2. nested detail two

```toml
[authorizers.orders-auth]
ttl = 300
```

| TTL | Effect |
|-----|--------|
| 0 | every request invokes the Lambda |
| 300 | the default: five minutes |
"""

[[sections]]
id = "try-it"
title = "Watch a cached policy"
kind = "try-it"
body = "Fire the two requests and compare the traces."
[[sections.steps]]
do = "Fire the `no-token` request."
observe = "401 Unauthorized, decided by the Authorizer stage; the Lambda is not invoked."
request = "no-token"
expect-status = 401
[[sections.steps]]
do = "Set the authorizer cache TTL to 0."
observe = "The next request invokes the Lambda again."
control = "authorizers.orders-auth.ttl"
[[sections.steps]]
do = "Explain to a colleague why the cache key matters."
observe = "You can say it in one sentence."

[[sections]]
id = "mistakes"
title = "Common mistakes"
kind = "mistakes"
body = "Returning a policy for `event.methodArn` only, then caching it for every path."

[[sections]]
id = "on-aws"
title = "On AWS"
kind = "on-aws"
body = "`aws apigateway update-authorizer --patch-operations op=replace,path=/authorizerResultTtlInSeconds,value=0`"

[[sections]]
id = "simplified"
title = "What the simulator simplifies"
kind = "simplified"
body = "The cache is exact; on AWS it is best effort."

[[check]]
question = "What does a TOKEN authorizer's cache key on?"
options = ["The path", "The token (identity source)", "The source IP"]
answer = 1
explanation = "The identity source, so one cached policy answers for every path."
"#;

/// A lesson without a lab.
pub const OVERVIEW_LESSON: &str = r#"
id = "overview"
title = "Protecting your APIs: an overview"
order = 1
summary = "Authentication is who you are; authorization is what you can do."
goals = ["Name the access-control options of API Gateway"]
glossary = ["sigv4"]

[[sections]]
id = "intro"
title = "Who and what"
kind = "explain"
body = "Amazon API Gateway offers *several* ways to control access: IAM with **SigV4**, Cognito, Lambda authorizers, resource policies, API keys, mTLS and AWS WAF."

[[sections]]
id = "order"
title = "The order of the checks"
kind = "explain"
body = "1. WAF\n2. Resource policy\n3. Authorizer\n4. Usage plan\n5. Throttling"
"#;

/// The glossary.
pub const GLOSSARY: &str = r#"
[[term]]
id = "ttl"
term = "TTL"
definition = "Time to live: how long a cached authorizer policy is reused, 0 to 3600 seconds."
see = ["lambda-authorizer"]

[[term]]
id = "lambda-authorizer"
term = "Lambda authorizer"
definition = "A Lambda function that receives the caller's identity and returns an IAM policy."

[[term]]
id = "sigv4"
term = "SigV4"
definition = "AWS Signature Version 4: the way AWS clients sign requests."
source = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-signing.html"
"#;

/// A lab source without labs: every lab fails to open with a clear reason.
pub struct NoLabs;

impl LabSource for NoLabs {
    fn open_lab(&self, scenario_id: &str) -> Result<gatelab::lab::Lab, String> {
        Err(format!("no scenario '{scenario_id}' in this test course"))
    }
    fn restore_lab(&self, _toml: &str) -> Result<gatelab::lab::Lab, String> {
        Err("no labs in this test course".into())
    }
}

/// The test course, with labs from `labs`.
pub fn course(labs: Box<dyn LabSource>) -> Course {
    let mut lessons: Vec<Lesson> = [OVERVIEW_LESSON, CACHING_LESSON]
        .iter()
        .map(|t| toml::from_str(t).expect("fixture lesson parses"))
        .collect();
    lessons.sort_by_key(|l| l.order);
    let glossary: Glossary = toml::from_str(GLOSSARY).expect("fixture glossary parses");
    Course {
        lessons,
        glossary: glossary.terms,
        scenarios: vec![ScenarioInfo {
            id: "orders-authorizer".into(),
            title: "Orders API with a Lambda authorizer".into(),
            summary: "GET /orders behind a TOKEN authorizer with a 300 s cache.".into(),
        }],
        labs,
        quizzes: Vec::new(),
    }
}

/// Mono-theme options (what snapshots use).
pub fn mono() -> TuiOptions {
    TuiOptions {
        theme: ThemeName::Mono,
        ..TuiOptions::default()
    }
}

/// An app on the test course without labs.
pub fn app(w: u16, h: u16) -> AppState {
    app_with(Box::new(NoLabs), LearnerProgress::default(), w, h)
}

/// An app with given labs and progress.
pub fn app_with(labs: Box<dyn LabSource>, progress: LearnerProgress, w: u16, h: u16) -> AppState {
    AppState::new(course(labs), mono(), Loaded::Ok(progress), None, (w, h))
}

/// Send a command.
pub fn press(st: &mut AppState, c: Command) -> Flow {
    update(st, Action::Cmd(c))
}

/// Send several commands.
pub fn press_all(st: &mut AppState, cs: &[Command]) {
    for c in cs {
        press(st, *c);
    }
}

/// Type text into the open prompt.
pub fn type_text(st: &mut AppState, text: &str) {
    for ch in text.chars() {
        update(st, Action::Insert(ch));
    }
}

/// Draw the app at its size.
pub fn draw(st: &AppState) -> Terminal<TestBackend> {
    let (w, h) = st.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    term.draw(|f| render(st, f)).expect("draw");
    term
}

/// Resize and draw.
pub fn draw_at(st: &mut AppState, w: u16, h: u16) -> Terminal<TestBackend> {
    update(st, Action::Resize(w, h));
    draw(st)
}

/// The text of a buffer, one line per row, trailing spaces removed.
pub fn text(buf: &Buffer) -> String {
    let w = usize::from(buf.area.width);
    let mut out = String::new();
    for (i, cell) in buf.content.iter().enumerate() {
        out.push_str(cell.symbol());
        if w > 0 && (i + 1) % w == 0 {
            let trimmed = out.trim_end_matches(' ').len();
            out.truncate(trimmed);
            out.push('\n');
        }
    }
    out
}

/// The screen as text.
pub fn screen(st: &AppState) -> String {
    text(draw(st).backend().buffer())
}

/// Find the first cell (x, y) where `needle` starts on screen.
pub fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let w = buf.area.width;
    for y in 0..buf.area.height {
        let row: Vec<&str> = (0..w).map(|x| buf[(x, y)].symbol()).collect();
        let joined: String = row.concat();
        if let Some(byte) = joined.find(needle) {
            // Map the byte offset back to a column.
            let mut acc = 0;
            for (x, sym) in row.iter().enumerate() {
                if acc == byte {
                    return Some((x as u16, y));
                }
                acc += sym.len();
            }
        }
    }
    None
}
