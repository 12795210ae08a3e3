//! The outcome of a request: a large status banner (digits drawn in block
//! characters plus the status text, so it never depends on colour), what
//! decided, the browser's CORS verdict, the trace with the deciding stage
//! marked, response headers and body.

use super::text::{fit, wrap, wrap_plain, wrap_verbatim};
use crate::gateway::outcome::StepResult;
use crate::lab::Outcome;
use crate::tui::app::{AppState, LabUi};
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Rows of the large banner.
pub const BIG_ROWS: u16 = 3;

/// Rows of the presenter view's banner: the large digits at twice the size.
pub const HUGE_ROWS: u16 = 2 * BIG_ROWS;

/// Block-character digits, three rows each.
const DIGITS: [[&str; 3]; 10] = [
    ["█▀█", "█ █", "▀▀▀"],
    ["▀█ ", " █ ", "▀▀▀"],
    ["▀▀█", "█▀▀", "▀▀▀"],
    ["▀▀█", " ▀█", "▀▀▀"],
    ["█ █", "▀▀█", "  ▀"],
    ["█▀▀", "▀▀█", "▀▀▀"],
    ["█▀▀", "█▀█", "▀▀▀"],
    ["▀▀█", "  █", "  ▀"],
    ["█▀█", "█▀█", "▀▀▀"],
    ["█▀█", "▀▀█", "▀▀▀"],
];

/// The three rows of a number in block digits (dashes when there is none).
pub fn big_number(status: Option<u16>) -> [String; 3] {
    let mut rows = [String::new(), String::new(), String::new()];
    match status {
        Some(code) => {
            for (i, ch) in code.to_string().chars().enumerate() {
                let d = ch.to_digit(10).and_then(|d| DIGITS.get(d as usize));
                for (r, row) in rows.iter_mut().enumerate() {
                    if i > 0 {
                        row.push(' ');
                    }
                    row.push_str(d.map(|g| g[r]).unwrap_or("   "));
                }
            }
        }
        None => {
            rows = ["   ".into(), "▀▀▀".into(), "   ".into()];
        }
    }
    rows
}

/// The large digits at twice the size (each cell doubled both ways).
pub fn huge_number(status: Option<u16>) -> Vec<String> {
    big_number(status)
        .iter()
        .flat_map(|row| {
            let wide: String = row.chars().flat_map(|c| [c, c]).collect();
            [wide.clone(), wide]
        })
        .collect()
}

/// Rows the banner takes in an area of this size (larger in the presenter
/// view when it fits).
pub fn banner_rows(area: Rect, presenter: bool) -> u16 {
    if presenter && area.width >= 40 && area.height >= 10 {
        HUGE_ROWS
    } else if area.width >= 30 && area.height >= 12 {
        BIG_ROWS
    } else {
        1
    }
}

fn status_words(o: &Outcome) -> String {
    let glyph = match o.status {
        Some(c) if c < 400 => "✓",
        _ => "✗",
    };
    let text = if o.status.is_none() {
        s::NO_RESPONSE_BIG.to_string()
    } else {
        o.status_text.to_uppercase()
    };
    format!("{glyph} {text}")
}

/// The banner lines for an outcome.
pub fn banner(o: &Outcome, rows: u16, w: usize, theme: &Theme) -> Vec<Line<'static>> {
    let style = theme.banner(o.status);
    let words = status_words(o);
    if rows < BIG_ROWS {
        return vec![Line::styled(fit(&format!(" {words}"), w), style)];
    }
    if rows >= HUGE_ROWS {
        let huge = huge_number(o.status);
        return huge
            .iter()
            .enumerate()
            .map(|(r, row)| {
                let text = if r == 2 {
                    format!(" {row}  {words}")
                } else {
                    format!(" {row}")
                };
                Line::styled(fit(&text, w), style)
            })
            .collect();
    }
    let big = big_number(o.status);
    big.iter()
        .enumerate()
        .map(|(r, row)| {
            let text = if r == 1 {
                format!(" {row}  {words}")
            } else {
                format!(" {row}")
            };
            Line::styled(fit(&text, w), style)
        })
        .collect()
}

/// The scrolling lines below the banner, and where each trace step starts.
pub fn outcome_lines(lab: &LabUi, w: usize, theme: &Theme) -> (Vec<Line<'static>>, Vec<usize>) {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut rows = Vec::new();
    let Some((req, o)) = lab.shown_entry() else {
        lines.extend(wrap_plain(s::NO_OUTCOME, theme.muted, w, 0));
        return (lines, rows);
    };
    let index = lab
        .shown
        .unwrap_or(lab.session.log().len().saturating_sub(1))
        + 1;
    let bold = theme.text.add_modifier(Modifier::BOLD);
    let facts = vec![
        (format!("{}: ", s::DECIDED_BY), theme.muted),
        (o.decided_by.label().to_string(), bold),
        (format!(" · {}: ", s::REASON), theme.muted),
        (o.reason.clone(), theme.text),
        (format!(" · {}: ", s::LATENCY), theme.muted),
        (format!("{} ms", o.latency_ms), theme.text),
    ];
    lines.extend(wrap(&facts, w, &[], &[Span::raw("  ")]));
    lines.extend(wrap_plain(
        &format!("#{index} {} {}", req.method, req.target),
        theme.muted,
        w,
        0,
    ));
    if let Some(b) = &o.browser {
        let (verdict, st) = if b.allowed {
            (s::BROWSER_ALLOWED, theme.ok)
        } else {
            (s::BROWSER_BLOCKED, theme.error)
        };
        lines.push(Line::default());
        lines.push(Line::styled(s::BROWSER, theme.heading));
        lines.extend(wrap_plain(verdict, st, w, 2));
        lines.extend(wrap_plain(&b.message, theme.text, w, 4));
        if b.preflight_required {
            lines.extend(wrap_plain(
                &format!("• {}", s::PREFLIGHT),
                theme.muted,
                w,
                2,
            ));
        }
        for warn in &b.warnings {
            lines.extend(wrap_plain(&format!("⚠ {warn}"), theme.warn, w, 2));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled(s::TRACE, theme.heading),
        Span::styled(format!("   {}", s::EXPLAIN_HINT), theme.muted),
    ]));
    let decider = o.trace.iter().rposition(|t| t.stage == o.decided_by);
    for (i, step) in o.trace.iter().enumerate() {
        rows.push(lines.len());
        let selected = i == lab.trace_sel;
        let deciding = Some(i) == decider;
        let result_style = match step.result {
            StepResult::Pass => theme.ok,
            StepResult::Fail => theme.error,
            StepResult::Skip | StepResult::Info => theme.muted,
        };
        let label_style = if deciding {
            theme.highlight
        } else {
            theme.text.add_modifier(Modifier::BOLD)
        };
        let marker = if selected { "› " } else { "  " };
        let first = vec![
            Span::raw(marker),
            Span::styled(format!("{} ", step.result.glyph()), result_style),
            Span::styled(fit(step.stage.label(), 20), label_style),
            Span::raw(" "),
        ];
        let rest = vec![Span::raw(" ".repeat(25))];
        let mut pieces = Vec::new();
        if deciding {
            pieces.push((s::DECIDED_HERE.to_string(), theme.highlight));
            pieces.push((" ".to_string(), theme.text));
        }
        pieces.push((step.detail.clone(), theme.text));
        let expanded = lab.expanded.contains(&i);
        if !step.notes.is_empty() && !expanded {
            pieces.push((
                format!("  {}", s::notes_hidden(step.notes.len())),
                theme.muted,
            ));
        }
        let mut step_lines = wrap(&pieces, w, &first, &rest);
        if selected && let Some(l) = step_lines.first_mut() {
            *l = std::mem::take(l).patch_style(theme.selected);
        }
        lines.extend(step_lines);
        if expanded {
            for n in &step.notes {
                let pad = [Span::raw(" ".repeat(6))];
                let rest = [Span::raw(" ".repeat(8))];
                lines.extend(wrap(&[(format!("· {n}"), theme.muted)], w, &pad, &rest));
            }
        }
    }
    if !o.headers.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled(s::RESPONSE_HEADERS, theme.heading));
        for (k, v) in &o.headers {
            let pad = [Span::raw("  ")];
            let rest = [Span::raw("    ")];
            lines.extend(wrap(
                &[(format!("{k}: "), theme.muted), (v.clone(), theme.text)],
                w,
                &pad,
                &rest,
            ));
        }
    }
    lines.push(Line::default());
    lines.push(Line::styled(s::RESPONSE_BODY, theme.heading));
    let body = if o.body.is_empty() {
        s::EMPTY_VALUE.to_string()
    } else {
        o.body.clone()
    };
    lines.extend(wrap_verbatim(&body, theme.code, w, 2));
    (lines, rows)
}

/// Draw the outcome view in `inn` (inside the view's border).
pub fn render(st: &AppState, lab: &LabUi, f: &mut Frame, inn: Rect) {
    let t = &st.theme;
    let w = usize::from(inn.width);
    let mut top = 0;
    if let Some((_, o)) = lab.shown_entry() {
        let rows = banner_rows(inn, st.opts.presenter).min(inn.height);
        let area = Rect {
            height: rows,
            ..inn
        };
        f.render_widget(Paragraph::new(banner(o, rows, w, t)), area);
        top = rows.saturating_add(u16::from(inn.height > rows + 1));
    }
    let body = Rect {
        y: inn.y.saturating_add(top),
        height: inn.height.saturating_sub(top),
        ..inn
    };
    let (lines, _) = outcome_lines(lab, w, t);
    let h = usize::from(body.height);
    let off = lab.outcome_scroll.min(lines.len().saturating_sub(h));
    let visible: Vec<Line> = lines.into_iter().skip(off).take(h).collect();
    f.render_widget(Paragraph::new(visible), body);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_digits_have_three_equal_rows() {
        let rows = big_number(Some(429));
        assert_eq!(rows[0], "█ █ ▀▀█ █▀█");
        assert!(rows.iter().all(|r| r.chars().count() == 11));
        let none = big_number(None);
        assert_eq!(none[1], "▀▀▀");
    }
}
