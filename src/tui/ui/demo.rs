//! The demo player: the step list on the left (collapsed into one line on
//! narrow terminals) and the current step on the right, with the outcome of
//! a fired request drawn as in the lab (status digits, trace).

use crate::cli::demo::describe;
use crate::demo::StepEffect;
use crate::gateway::outcome::StepResult;
use crate::tui::app::{AppState, DemoUi};
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use crate::tui::ui::layout::inner;
use crate::tui::ui::outcome::{banner, banner_rows};
use crate::tui::ui::text::{fit, wrap, wrap_plain};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Below this many columns the step list collapses into one line.
pub const LIST_COLS: u16 = 100;

/// Draw the demo player.
pub fn render(st: &AppState, f: &mut Frame, body: Rect) {
    let Some(ui) = st.demo.as_ref() else {
        return;
    };
    let t = &st.theme;
    let title = format!(" {} · {} ", s::DEMO_TITLE, ui.player.demo().title);
    let text_area = if body.width >= LIST_COLS {
        let lw = (body.width / 3).min(40);
        let list = Rect { width: lw, ..body };
        let rest = Rect {
            x: body.x.saturating_add(lw),
            width: body.width.saturating_sub(lw),
            ..body
        };
        render_list(ui, t, f, list);
        rest
    } else {
        body
    };
    let block = Block::bordered()
        .title(title)
        .border_style(t.focus)
        .title_style(t.focus);
    f.render_widget(block, text_area);
    let inn = inner(text_area);
    let w = usize::from(inn.width);
    let mut lines = Vec::new();
    if body.width < LIST_COLS {
        lines.push(strip(ui, t, w));
        lines.push(Line::default());
    }
    lines.extend(step_lines(st, ui, inn, w));
    let h = usize::from(inn.height);
    let off = ui.scroll.min(lines.len().saturating_sub(h));
    let shown: Vec<Line> = lines.into_iter().skip(off).take(h).collect();
    f.render_widget(Paragraph::new(shown), inn);
}

/// One line for narrow terminals: where the demo stands and the selected step.
fn strip(ui: &DemoUi, t: &Theme, w: usize) -> Line<'static> {
    let total = ui.player.len();
    let label = ui
        .player
        .demo()
        .steps
        .get(ui.selected)
        .map(|x| x.label())
        .unwrap_or_default();
    let text = format!(
        "{} · › {}. {label}",
        s::demo_position(ui.player.position(), total),
        ui.selected + 1
    );
    Line::styled(fit(&text, w), t.muted)
}

fn render_list(ui: &DemoUi, t: &Theme, f: &mut Frame, area: Rect) {
    let block = Block::bordered()
        .title(format!(
            " {} · {} ",
            s::DEMO_STEPS,
            s::demo_position(ui.player.position(), ui.player.len())
        ))
        .border_style(t.border)
        .title_style(t.muted);
    f.render_widget(block, area);
    let inn = inner(area);
    let w = usize::from(inn.width);
    let played = ui.player.position();
    let lines: Vec<Line> = ui
        .player
        .demo()
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let current = played > 0 && i + 1 == played;
            let marker = match (i == ui.selected, current) {
                (true, true) => "›▶",
                (true, false) => "› ",
                (false, true) => " ▶",
                (false, false) => "  ",
            };
            let style = if i < played { t.text } else { t.muted };
            let text = fit(&format!("{marker}{:>2}. {}", i + 1, step.label()), w);
            let line = Line::styled(text, style);
            if i == ui.selected {
                line.style(t.selected)
            } else if current {
                line.style(style.add_modifier(Modifier::BOLD))
            } else {
                line
            }
        })
        .collect();
    let h = usize::from(inn.height).max(1);
    let off = (ui.selected + 1).saturating_sub(h);
    let shown: Vec<Line> = lines.into_iter().skip(off).take(h).collect();
    f.render_widget(Paragraph::new(shown), inn);
}

/// The text of the step just played, then its outcome when it fired a
/// request.
fn step_lines(st: &AppState, ui: &DemoUi, inn: Rect, w: usize) -> Vec<Line<'static>> {
    let t = &st.theme;
    let mut lines = Vec::new();
    let demo = ui.player.demo();
    let Some(run) = ui.player.current() else {
        lines.extend(wrap_plain(&demo.description, t.text, w, 0));
        lines.push(Line::default());
        lines.extend(wrap_plain(s::DEMO_NOT_STARTED, t.muted, w, 0));
        return lines;
    };
    let Some(step) = demo.steps.get(run.index) else {
        return lines;
    };
    let text = describe(run, step, demo.steps.len());
    for (i, l) in text.trim_matches('\n').lines().enumerate() {
        let style = if i == 0 { t.heading } else { t.text };
        let indent = l.len() - l.trim_start().len();
        lines.extend(wrap_plain(l.trim_start(), style, w, indent));
    }
    if let StepEffect::Fired { outcomes, .. } = &run.effect
        && let Some(o) = outcomes.last()
    {
        lines.push(Line::default());
        let rows = banner_rows(inn, st.opts.presenter);
        lines.extend(banner(o, rows, w, t));
        lines.push(Line::default());
        let decider = o.trace.iter().rposition(|x| x.stage == o.decided_by);
        for (i, x) in o.trace.iter().enumerate() {
            let result_style = match x.result {
                StepResult::Pass => t.ok,
                StepResult::Fail => t.error,
                StepResult::Skip | StepResult::Info => t.muted,
            };
            let deciding = Some(i) == decider;
            let label_style = if deciding {
                t.highlight
            } else {
                t.text.add_modifier(Modifier::BOLD)
            };
            let first = vec![
                Span::raw("  "),
                Span::styled(format!("{} ", x.result.glyph()), result_style),
                Span::styled(fit(x.stage.label(), 20), label_style),
                Span::raw(" "),
            ];
            let rest = vec![Span::raw(" ".repeat(25))];
            let mut pieces = Vec::new();
            if deciding {
                pieces.push((s::DECIDED_HERE.to_string(), t.highlight));
                pieces.push((" ".to_string(), t.text));
            }
            pieces.push((x.detail.clone(), t.text));
            lines.extend(wrap(&pieces, w, &first, &rest));
        }
    }
    lines
}
