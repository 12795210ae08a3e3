//! The quiz screens: the list of modules with the best score, one question
//! at a time with its input, and the review after submitting. Pass/fail and
//! right/wrong are always written out, never shown by colour alone.

use crate::quiz::review::{answer_text, fmt_percent, fmt_points};
use crate::quiz::{Answer, Body, CheckOutcome, Question, Verdict};
use crate::tui::app::{AppState, ReviewUi};
use crate::tui::app_quiz::{current_order, input_rows};
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use crate::tui::ui::layout::inner;
use crate::tui::ui::text::{ellipsize, fit, width, wrap, wrap_plain};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Rows above the question panel's text: the progress strip and a gap.
pub const STRIP_ROWS: u16 = 2;

/// Draw the list of quiz modules.
pub fn render_list(st: &AppState, f: &mut Frame, body: Rect) {
    let t = &st.theme;
    let block = Block::bordered()
        .title(format!(" {} ", s::QUIZZES_TITLE))
        .border_style(t.focus)
        .title_style(t.focus);
    let inn = inner(body);
    f.render_widget(block, body);
    let w = usize::from(inn.width);
    if st.course.quizzes.is_empty() {
        f.render_widget(Paragraph::new(wrap_plain(s::NO_QUIZZES, t.text, w, 1)), inn);
        return;
    }
    let best_w = 8;
    let title_w = w.saturating_sub(best_w + 3);
    let mut lines = vec![Line::from(vec![
        Span::raw(" ".repeat(title_w + 3)),
        Span::styled(format!("{:>best_w$}", s::COL_BEST), t.muted),
    ])];
    let mut rows: Vec<Line> = Vec::new();
    for (i, q) in st.course.quizzes.iter().enumerate() {
        let selected = i == st.quiz_sel;
        let marker = if selected { "▶ " } else { "  " };
        let best = st
            .results
            .as_ref()
            .and_then(|r| r.best(&q.id))
            .map(|a| s::best_score(&fmt_percent(a.percent), a.passed))
            .unwrap_or_else(|| "–".into());
        let title = fit(&ellipsize(&q.title, title_w), title_w);
        let line = Line::from(vec![
            Span::raw(marker),
            Span::raw(title),
            Span::raw(" "),
            Span::raw(format!("{:>best_w$}", best)),
        ]);
        rows.push(if selected {
            line.style(t.selected)
        } else {
            line
        });
        let facts = s::quiz_facts(q.draw_count(), q.pass_mark);
        rows.push(Line::styled(
            format!("    {}", ellipsize(&facts, w.saturating_sub(4))),
            t.muted,
        ));
    }
    let h = usize::from(inn.height).saturating_sub(1).max(2);
    let offset = (st.quiz_sel * 2 + 2).saturating_sub(h);
    lines.extend(rows.into_iter().skip(offset).take(h));
    f.render_widget(Paragraph::new(lines), inn);
}

/// The progress strip: one mark per question, the current one bracketed.
fn strip(st: &AppState) -> Line<'static> {
    let t = &st.theme;
    let Some(ui) = st.quiz.as_ref() else {
        return Line::default();
    };
    let n = ui.session.len();
    let mut spans = vec![Span::styled(
        s::quiz_progress(ui.current + 1, n, ui.session.answered()),
        t.heading,
    )];
    spans.push(Span::raw("  "));
    for (i, id) in ui.session.question_ids().iter().enumerate() {
        let mark = if ui.session.answer(id).is_some() {
            s::STRIP_ANSWERED
        } else {
            s::STRIP_OPEN
        };
        if i == ui.current {
            spans.push(Span::styled(format!("[{mark}]"), t.accent));
        } else {
            spans.push(Span::raw(format!(" {mark} ")));
        }
    }
    Line::from(spans)
}

fn row(marker: &str, text: &str, selected: bool, t: &Theme, w: usize) -> Vec<Line<'static>> {
    let cur = if selected { "▶ " } else { "  " };
    let first = vec![Span::raw(format!("{cur}{marker} "))];
    let pad = " ".repeat(width(cur) + width(marker) + 1);
    let style = if selected { t.selected } else { t.text };
    wrap(&[(text.to_string(), style)], w, &first, &[Span::raw(pad)])
}

/// The lines of a lab task's check outcomes: the exploit check first.
fn check_lines(
    outcomes: &[CheckOutcome],
    exploit: Option<&str>,
    t: &Theme,
    w: usize,
) -> Vec<Line<'static>> {
    let mut ordered: Vec<&CheckOutcome> = outcomes
        .iter()
        .filter(|o| Some(o.name.as_str()) == exploit)
        .collect();
    ordered.extend(outcomes.iter().filter(|o| Some(o.name.as_str()) != exploit));
    let mut lines = Vec::new();
    for o in ordered {
        let verdict = if o.passed {
            s::CHECK_PASS
        } else {
            s::CHECK_FAIL
        };
        let style = if o.passed { t.ok } else { t.error };
        let mut head = format!("{verdict} {}", o.name);
        if Some(o.name.as_str()) == exploit {
            head.push_str(&format!(" ({})", s::EXPLOIT_CHECK));
        }
        lines.extend(wrap_plain(&head, style, w, 2));
        if !o.passed {
            for (label, value) in [
                (s::CHECK_REQUEST, &o.request),
                (s::CHECK_GOT, &o.got),
                (s::CHECK_EXPECTED, &o.expected),
            ] {
                lines.extend(wrap_plain(&format!("{label}: {value}"), t.text, w, 4));
            }
            if !o.trace.is_empty() {
                lines.extend(wrap_plain(&format!("{}:", s::CHECK_TRACE), t.text, w, 4));
                for step in &o.trace {
                    lines.extend(wrap_plain(step, t.muted, w, 6));
                }
            }
        }
    }
    lines
}

/// The question panel's text at width `w` (also used by `update` to know
/// how far the panel scrolls).
pub fn question_lines(st: &AppState, w: usize) -> Vec<Line<'static>> {
    let t = &st.theme;
    let Some(ui) = st.quiz.as_ref() else {
        return Vec::new();
    };
    let Some((q, p)) = ui.shown() else {
        return Vec::new();
    };
    let mut lines = wrap_plain(&q.prompt, t.heading, w, 0);
    lines.push(Line::default());
    let answer = ui.session.answer(&q.id);
    let how = match &q.body {
        Body::SingleChoice { .. } => s::HOW_SINGLE,
        Body::MultipleSelect { .. } => s::HOW_MULTI,
        Body::TrueFalse { .. } => s::HOW_BOOL,
        Body::Ordering { .. } => s::HOW_ORDER,
        Body::Matching { .. } => s::HOW_MATCH,
        Body::Numeric { .. } => s::HOW_NUMBER,
        Body::ShortText { .. } => s::HOW_TEXT,
        Body::LabTask(_) => s::HOW_LAB,
    };
    lines.extend(wrap_plain(how, t.muted, w, 0));
    let rows = input_rows(q);
    let cursor = ui.cursor.min(rows.saturating_sub(1));
    match &q.body {
        Body::SingleChoice { options } | Body::MultipleSelect { options, .. } => {
            let multi = matches!(q.body, Body::MultipleSelect { .. });
            for (shown, orig) in p.order.iter().enumerate() {
                let Some(o) = options.get(*orig) else {
                    continue;
                };
                let on = match answer {
                    Some(Answer::Choice(i)) => i == orig,
                    Some(Answer::Choices(set)) => set.contains(orig),
                    _ => false,
                };
                let marker = match (multi, on) {
                    (true, true) => "[x]",
                    (true, false) => "[ ]",
                    (false, true) => "(•)",
                    (false, false) => "( )",
                };
                lines.extend(row(marker, &o.text, shown == cursor, t, w));
            }
        }
        Body::TrueFalse { .. } => {
            for (i, (label, value)) in [(s::TRUE_LABEL, true), (s::FALSE_LABEL, false)]
                .into_iter()
                .enumerate()
            {
                let on = matches!(answer, Some(Answer::Bool(b)) if *b == value);
                lines.extend(row(
                    if on { "(•)" } else { "( )" },
                    label,
                    i == cursor,
                    t,
                    w,
                ));
            }
        }
        Body::Ordering { items, .. } => {
            for (pos, item) in current_order(&ui.session, q, p).iter().enumerate() {
                let text = items.get(*item).cloned().unwrap_or_default();
                lines.extend(row(&format!("{}.", pos + 1), &text, pos == cursor, t, w));
            }
        }
        Body::Matching { pairs, .. } => {
            let chosen = match answer {
                Some(Answer::Matches(m)) => m.clone(),
                _ => Vec::new(),
            };
            for (i, pair) in pairs.iter().enumerate() {
                let right = chosen
                    .get(i)
                    .copied()
                    .flatten()
                    .and_then(|k| pairs.get(k))
                    .map(|x| x.right.clone())
                    .unwrap_or_else(|| s::NOT_MATCHED.to_string());
                lines.extend(row(
                    "•",
                    &format!("{} → {right}", pair.left),
                    i == cursor,
                    t,
                    w,
                ));
            }
        }
        Body::Numeric { unit, .. } => {
            if let Some(u) = unit {
                lines.extend(wrap_plain(&s::unit_note(u), t.text, w, 2));
            }
        }
        Body::ShortText { .. } => {}
        Body::LabTask(task) => {
            lines.push(Line::default());
            match ui.graded.get(&q.id) {
                None => lines.extend(wrap_plain(s::LAB_NOT_GRADED, t.muted, w, 0)),
                Some(Err(e)) => lines.extend(wrap_plain(&s::lab_not_graded(e), t.error, w, 0)),
                Some(Ok(outcomes)) => {
                    lines.extend(wrap_plain(s::LAB_GRADED, t.text, w, 0));
                    lines.extend(check_lines(outcomes, task.exploit.as_deref(), t, w));
                }
            }
        }
    }
    lines.push(Line::default());
    match answer {
        Some(a) => {
            lines.extend(wrap_plain(
                &s::your_answer(&answer_text(q, a)),
                t.accent,
                w,
                0,
            ));
        }
        _ => lines.extend(wrap_plain(s::NO_ANSWER_YET, t.muted, w, 0)),
    }
    let hints = ui.session.hints_shown(&q.id);
    for (i, h) in q.hints.iter().take(hints).enumerate() {
        lines.push(Line::default());
        lines.push(Line::styled(
            s::hint_heading(i + 1, q.hints.len()),
            t.heading,
        ));
        lines.extend(wrap_plain(h, t.text, w, 2));
    }
    lines
}

/// Draw the question being answered.
pub fn render_quiz(st: &AppState, f: &mut Frame, body: Rect) {
    let t = &st.theme;
    let Some(ui) = st.quiz.as_ref() else {
        return;
    };
    let kind = ui
        .shown()
        .map(|(q, _): (&Question, _)| q.kind().label())
        .unwrap_or_default();
    let block = Block::bordered()
        .title(format!(" {} · {kind} ", ui.session.quiz().title))
        .border_style(t.focus)
        .title_style(t.focus);
    let inn = inner(body);
    f.render_widget(block, body);
    let w = usize::from(inn.width);
    let h = usize::from(inn.height.saturating_sub(STRIP_ROWS));
    let lines = question_lines(st, w);
    let scroll = ui.scroll.min(lines.len().saturating_sub(h));
    let mut shown = vec![strip(st), Line::default()];
    shown.extend(lines.into_iter().skip(scroll).take(h));
    f.render_widget(Paragraph::new(shown), inn);
}

fn verdict_style(v: Verdict, t: &Theme) -> Style {
    match v {
        Verdict::Correct => t.ok,
        Verdict::Partial => t.warn,
        Verdict::Wrong | Verdict::Unanswered => t.error,
    }
}

/// The review's text at width `w`, and the first line of each question.
pub fn review_lines(r: &ReviewUi, t: &Theme, w: usize) -> (Vec<Line<'static>>, Vec<usize>) {
    let res = &r.result;
    let mut lines = wrap_plain(
        &s::review_score(
            &fmt_points(res.score),
            &fmt_points(res.max),
            &fmt_percent(res.percent),
            res.passed,
            res.pass_mark,
        ),
        if res.passed { t.ok } else { t.error },
        w,
        0,
    );
    let mut starts = Vec::new();
    for (i, q) in res.questions.iter().enumerate() {
        lines.push(Line::default());
        starts.push(lines.len());
        let marker = if i == r.selected { "▶ " } else { "  " };
        let head = format!(
            "{marker}{}. [{}] {} of {}",
            i + 1,
            q.verdict.as_str(),
            fmt_points(q.points),
            fmt_points(q.max)
        );
        lines.extend(wrap_plain(&head, verdict_style(q.verdict, t), w, 0));
        lines.extend(wrap_plain(&q.prompt, t.heading, w, 2));
        let labelled = |label: &str, text: &str, style: Style| {
            wrap(
                &[(text.to_string(), style)],
                w,
                &[Span::raw("  "), Span::styled(label.to_string(), t.muted)],
                &[Span::raw("    ")],
            )
        };
        lines.extend(labelled(s::REVIEW_YOURS, &q.your_answer, t.text));
        lines.extend(labelled(s::REVIEW_RIGHT, &q.right_answer, t.text));
        for fb in &q.feedback {
            lines.extend(labelled(s::REVIEW_FEEDBACK, fb, t.text));
        }
        if !q.explanation.is_empty() {
            lines.extend(labelled(s::REVIEW_WHY, &q.explanation, t.text));
        }
        if let Some(p) = &q.problem {
            lines.extend(labelled(s::REVIEW_PROBLEM, p, t.error));
        }
        let failed: Vec<CheckOutcome> = q.checks.iter().filter(|c| !c.passed).cloned().collect();
        if !failed.is_empty() {
            lines.extend(check_lines(&failed, None, t, w));
        }
        if let Some(link) = &q.lesson {
            lines.extend(wrap_plain(&s::review_lesson(link), t.muted, w, 2));
        }
    }
    (lines, starts)
}

/// Draw the review of the submitted quiz.
pub fn render_review(st: &AppState, f: &mut Frame, body: Rect) {
    let t = &st.theme;
    let Some(r) = st.review.as_ref() else {
        return;
    };
    let block = Block::bordered()
        .title(format!(" {} · {} ", s::REVIEW_TITLE, r.result.title))
        .border_style(t.focus)
        .title_style(t.focus);
    let inn = inner(body);
    f.render_widget(block, body);
    let w = usize::from(inn.width);
    let h = usize::from(inn.height);
    let (lines, _) = review_lines(r, t, w);
    let scroll = r.scroll.min(lines.len().saturating_sub(h));
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(h).collect();
    f.render_widget(Paragraph::new(shown), inn);
}
