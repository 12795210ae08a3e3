//! Plain mode: the quiz as numbered lines on a text stream, for screen
//! readers, projectors and scripts. No escape codes; every prompt says what
//! to type, invalid input is asked again with the reason, `?` shows the next
//! hint, `-` skips. End of input submits what was answered.

use super::grade::run_exploit;
use super::leitner::Boxes;
use super::model::{Answer, Body, LabConfig, LabRunner, Question, Quiz};
use super::review::{AttemptResult, answer_text, fmt_points, render_review};
use super::session::{Presented, Session, SessionError};
use crate::gateway::time::SimTime;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, BufRead, Write};

/// Settings for [`run_with`].
#[derive(Clone, Copy)]
pub struct PlainOptions<'a> {
    /// Leitner boxes from earlier attempts: missed questions come first.
    pub history: &'a Boxes,
    /// The caller's clock, for timed modules. Without it the time limit is
    /// announced but not enforced.
    pub clock: Option<&'a dyn Fn() -> SimTime>,
}

static NO_HISTORY: Boxes = Boxes(BTreeMap::new());

impl Default for PlainOptions<'_> {
    fn default() -> Self {
        PlainOptions {
            history: &NO_HISTORY,
            clock: None,
        }
    }
}

/// Run one attempt with no review history and no clock.
pub fn run(
    quiz: &Quiz,
    seed: u64,
    input: &mut impl BufRead,
    out: &mut impl Write,
    runner: &dyn LabRunner,
    load_answer_file: &dyn Fn(&str) -> Result<LabConfig, String>,
) -> io::Result<AttemptResult> {
    run_with(
        quiz,
        seed,
        PlainOptions::default(),
        input,
        out,
        runner,
        load_answer_file,
    )
}

/// What happened when a question was asked.
enum Asked {
    Done,
    Eof,
    TimeUp,
}

struct Io<'a, R, W> {
    input: &'a mut R,
    out: &'a mut W,
}

impl<R: BufRead, W: Write> Io<'_, R, W> {
    /// Print the prompt marker and read one line; `None` at end of input.
    fn read(&mut self) -> io::Result<Option<String>> {
        write!(self.out, "> ")?;
        self.out.flush()?;
        let mut line = String::new();
        if self.input.read_line(&mut line)? == 0 {
            writeln!(self.out)?;
            return Ok(None);
        }
        Ok(Some(line.trim().to_string()))
    }
}

/// Run one attempt: ask every question, let the learner change answers,
/// then submit, print the review and a last line `score: N/M`.
pub fn run_with(
    quiz: &Quiz,
    seed: u64,
    opts: PlainOptions,
    input: &mut impl BufRead,
    out: &mut impl Write,
    runner: &dyn LabRunner,
    load_answer_file: &dyn Fn(&str) -> Result<LabConfig, String>,
) -> io::Result<AttemptResult> {
    let mut session = Session::new(quiz, seed, opts.history);
    let now = || opts.clock.map(|c| c());
    if let Some(t) = now() {
        session.start(t);
    }
    let mut io = Io { input, out };
    let n = session.len();
    writeln!(
        io.out,
        "{}: {} questions, pass mark {}%.",
        quiz.title, n, quiz.pass_mark
    )?;
    match (quiz.time_limit_mins, opts.clock.is_some()) {
        (0, _) => writeln!(io.out, "Untimed: take the time you need.")?,
        (m, true) => writeln!(io.out, "Time limit: {m} minutes.")?,
        (m, false) => writeln!(
            io.out,
            "This module has a time limit of {m} minutes, which this session does not enforce."
        )?,
    }
    writeln!(
        io.out,
        "After the last question you can change any answer before you submit. Type ? for a hint, - to skip."
    )?;

    let mut ended = false;
    for i in 0..n {
        match ask(&mut session, i, &mut io, runner, load_answer_file, &now)? {
            Asked::Done => {}
            Asked::Eof | Asked::TimeUp => {
                ended = true;
                break;
            }
        }
    }
    while !ended {
        if now().is_some_and(|t| session.is_over(t)) {
            writeln!(io.out, "Time is up: submitting your answers.")?;
            break;
        }
        writeln!(io.out)?;
        writeln!(
            io.out,
            "Your answers ({} of {} answered):",
            session.answered(),
            n
        )?;
        for k in 0..n {
            if let Some((q, _)) = session.get(k) {
                let a = session
                    .answer(&q.id)
                    .map(|a| answer_text(q, a))
                    .unwrap_or_else(|| "(no answer)".to_string());
                writeln!(io.out, "  {}. {}", k + 1, one_line(&a))?;
            }
        }
        writeln!(
            io.out,
            "Type a question number to change its answer, or press Enter to submit."
        )?;
        let Some(line) = io.read()? else { break };
        if line.is_empty() {
            break;
        }
        match line.parse::<usize>() {
            Ok(k) if (1..=n).contains(&k) => {
                if let Asked::Eof | Asked::TimeUp =
                    ask(&mut session, k - 1, &mut io, runner, load_answer_file, &now)?
                {
                    ended = true;
                }
            }
            _ => writeln!(
                io.out,
                "`{line}` is not a question number. Type a number from 1 to {n}, or press Enter to submit."
            )?,
        }
    }

    let result = session.submit(now(), runner);
    writeln!(io.out)?;
    write!(io.out, "{}", render_review(&result))?;
    writeln!(
        io.out,
        "score: {}/{}",
        fmt_points(result.score),
        fmt_points(result.max)
    )?;
    io.out.flush()?;
    Ok(result)
}

fn one_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

/// Spreadsheet-style labels: a..z, aa, ab, ...
fn letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'a' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn ask<R: BufRead, W: Write>(
    session: &mut Session,
    i: usize,
    io: &mut Io<R, W>,
    runner: &dyn LabRunner,
    load_answer_file: &dyn Fn(&str) -> Result<LabConfig, String>,
    now: &dyn Fn() -> Option<SimTime>,
) -> io::Result<Asked> {
    let n = session.len();
    let Some((q, p)) = session.get(i) else {
        return Ok(Asked::Done);
    };
    let (q, p) = (q.clone(), p.clone());
    if let Some(t) = now()
        && session.is_over(t)
    {
        writeln!(io.out, "Time is up: submitting your answers.")?;
        return Ok(Asked::TimeUp);
    }
    writeln!(io.out)?;
    let mut head = format!("Question {} of {n} ({}", i + 1, q.kind().label());
    if let Body::LabTask(t) = &q.body {
        head.push_str(&format!(", {} points", t.max_points()));
    }
    head.push(')');
    if let Some(left) = now().and_then(|t| session.time_left(t)) {
        head.push_str(&format!(", {} min left", left.as_millis().div_ceil(60_000)));
    }
    writeln!(io.out, "{head}")?;
    writeln!(io.out, "{}", q.prompt.trim_end())?;
    let instruction = show_parts(&q, &p, io.out, runner)?;
    if let Some(a) = session.answer(&q.id) {
        writeln!(io.out, "Current answer: {}", one_line(&answer_text(&q, a)))?;
    }
    writeln!(io.out, "{instruction}")?;
    loop {
        let Some(line) = io.read()? else {
            return Ok(Asked::Eof);
        };
        match line.as_str() {
            "?" => {
                match session.next_hint(&q.id) {
                    Some((k, total, text)) => writeln!(io.out, "Hint {k} of {total}: {text}")?,
                    None if q.hints.is_empty() => writeln!(io.out, "This question has no hints.")?,
                    None => writeln!(io.out, "No more hints for this question.")?,
                }
                continue;
            }
            "-" => return Ok(Asked::Done),
            "" => {
                writeln!(io.out, "Nothing was typed. {instruction}")?;
                continue;
            }
            _ => {}
        }
        let answer = match parse_answer(&q, &p, &line, load_answer_file) {
            Ok(a) => a,
            Err(reason) => {
                writeln!(io.out, "{reason}")?;
                continue;
            }
        };
        match session.set_answer(&q.id, answer, now()) {
            Ok(()) => return Ok(Asked::Done),
            Err(SessionError::TimeUp) => {
                writeln!(
                    io.out,
                    "Time is up: that answer came too late. Submitting your answers."
                )?;
                return Ok(Asked::TimeUp);
            }
            Err(e) => writeln!(io.out, "{e}. {instruction}")?,
        }
    }
}

/// Print the numbered parts of a question; returns the typing instruction.
fn show_parts(
    q: &Question,
    p: &Presented,
    out: &mut impl Write,
    runner: &dyn LabRunner,
) -> io::Result<String> {
    let tail = " (? for a hint, - to skip)";
    Ok(match &q.body {
        Body::SingleChoice { options } | Body::MultipleSelect { options, .. } => {
            for (shown, &orig) in p.order.iter().enumerate() {
                if let Some(o) = options.get(orig) {
                    writeln!(out, "  {}. {}", shown + 1, o.text)?;
                }
            }
            if matches!(q.body, Body::SingleChoice { .. }) {
                format!("Type the number of the correct option{tail}.")
            } else {
                format!("Type the numbers of all correct options, separated by spaces{tail}.")
            }
        }
        Body::TrueFalse { .. } => format!("Type t for true or f for false{tail}."),
        Body::Ordering { items, .. } => {
            for (shown, &orig) in p.order.iter().enumerate() {
                if let Some(it) = items.get(orig) {
                    writeln!(out, "  {}. {it}", shown + 1)?;
                }
            }
            format!(
                "Type the numbers in the correct order, separated by spaces, e.g. {}{tail}.",
                (1..=items.len())
                    .rev()
                    .map(|k| k.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
        Body::Matching { pairs, .. } => {
            writeln!(out, "Items:")?;
            for (k, pair) in pairs.iter().enumerate() {
                writeln!(out, "  {}. {}", k + 1, pair.left)?;
            }
            writeln!(out, "Matches:")?;
            for (shown, &orig) in p.order.iter().enumerate() {
                if let Some(pair) = pairs.get(orig) {
                    writeln!(out, "  {}. {}", letter(shown), pair.right)?;
                }
            }
            let example: Vec<String> = (0..pairs.len()).rev().map(letter).collect();
            format!(
                "For items 1 to {} in order, type the letter of each one's match, separated by spaces, e.g. {}{tail}.",
                pairs.len(),
                example.join(" ")
            )
        }
        Body::Numeric { unit, .. } => match unit {
            Some(u) => format!("Type a number, in {u}{tail}."),
            None => format!("Type a number{tail}."),
        },
        Body::ShortText { .. } => format!("Type your answer{tail}."),
        Body::LabTask(t) => {
            writeln!(out, "Start scenario: {}", t.start)?;
            match run_exploit(t, runner) {
                Some(Ok(o)) => {
                    writeln!(
                        out,
                        "Break it first: the start configuration fails check `{}`:",
                        o.name
                    )?;
                    writeln!(
                        out,
                        "  {}: got {}, expected {}",
                        o.request, o.got, o.expected
                    )?;
                }
                Some(Err(e)) => writeln!(out, "(The exploit check could not be run: {e})")?,
                None => {}
            }
            let names: Vec<&str> = t.checks.iter().map(|c| c.name.as_str()).collect();
            writeln!(out, "Checks: {}", names.join(", "))?;
            format!(
                "Type the path of your scenario file (the start scenario with your changes){tail}."
            )
        }
    })
}

fn numbers(line: &str, max: usize) -> Result<Vec<usize>, String> {
    line.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .map(|t| match t.parse::<usize>() {
            Ok(k) if (1..=max).contains(&k) => Ok(k - 1),
            Ok(_) => Err(format!(
                "{t} is not one of the choices. Type numbers from 1 to {max}."
            )),
            Err(_) => Err(format!(
                "`{t}` is not a number. Type numbers from 1 to {max}."
            )),
        })
        .collect()
}

fn parse_answer(
    q: &Question,
    p: &Presented,
    line: &str,
    load_answer_file: &dyn Fn(&str) -> Result<LabConfig, String>,
) -> Result<Answer, String> {
    let original = |shown: usize| {
        p.original(shown)
            .ok_or_else(|| "That choice is not shown.".to_string())
    };
    match &q.body {
        Body::SingleChoice { options } => {
            let picked = numbers(line, options.len())?;
            match picked.as_slice() {
                [one] => Ok(Answer::Choice(original(*one)?)),
                _ => Err("Type one number only: this question has one right answer.".to_string()),
            }
        }
        Body::MultipleSelect { options, .. } => {
            let picked = numbers(line, options.len())?;
            let set: Result<BTreeSet<usize>, String> = picked.into_iter().map(original).collect();
            Ok(Answer::Choices(set?))
        }
        Body::TrueFalse { .. } => match line.to_lowercase().as_str() {
            "t" | "true" => Ok(Answer::Bool(true)),
            "f" | "false" => Ok(Answer::Bool(false)),
            _ => Err(format!(
                "`{line}` is not t or f. Type t for true or f for false."
            )),
        },
        Body::Ordering { items, .. } => {
            let n = items.len();
            let order = numbers(line, n)?;
            let distinct: BTreeSet<usize> = order.iter().copied().collect();
            if order.len() != n || distinct.len() != n {
                return Err(format!(
                    "Type each of the numbers 1 to {n} exactly once, in the order you choose."
                ));
            }
            order
                .into_iter()
                .map(original)
                .collect::<Result<Vec<_>, _>>()
                .map(Answer::Order)
        }
        Body::Matching { pairs, .. } => {
            let n = pairs.len();
            let labels: Vec<String> = (0..n).map(letter).collect();
            let tokens: Vec<String> = line
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|t| !t.is_empty())
                .map(str::to_lowercase)
                .collect();
            if tokens.len() != n {
                return Err(format!(
                    "Type {n} letters, one for each item, separated by spaces (you typed {}).",
                    tokens.len()
                ));
            }
            let mut chosen = Vec::new();
            for t in &tokens {
                match labels.iter().position(|l| l == t) {
                    Some(shown) => chosen.push(Some(original(shown)?)),
                    None => {
                        return Err(format!(
                            "`{t}` is not one of the matches. Use the letters {} to {}.",
                            labels.first().map(String::as_str).unwrap_or("a"),
                            labels.last().map(String::as_str).unwrap_or("a")
                        ));
                    }
                }
            }
            Ok(Answer::Matches(chosen))
        }
        Body::Numeric { unit, .. } => {
            let mut t = line.trim();
            if let Some(u) = unit {
                t = t.strip_suffix(u.as_str()).unwrap_or(t).trim();
            }
            match t.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Answer::Number(x)),
                _ => Err(format!(
                    "`{line}` is not a number. Type digits, e.g. 3600 or 0.5."
                )),
            }
        }
        Body::ShortText { .. } => Ok(Answer::Text(line.to_string())),
        Body::LabTask(_) => load_answer_file(line)
            .map(Answer::Lab)
            .map_err(|e| format!("Could not use `{line}`: {e}. Type another path, or - to skip.")),
    }
}

#[cfg(test)]
mod tests {
    use super::letter;

    #[test]
    fn letters_go_past_z() {
        assert_eq!(letter(0), "a");
        assert_eq!(letter(25), "z");
        assert_eq!(letter(26), "aa");
        assert_eq!(letter(27), "ab");
        assert_eq!(letter(52), "ba");
    }
}
