//! The lab screen: tab strip, gateway panel, request builder, request log,
//! and the placement of the lesson pane beside them.

use super::layout::{self, inner};
use super::text::{ellipsize, fit, width, wrap_plain};
use super::{lesson, outcome, token, traffic};
use crate::gateway::outcome::Stage;
use crate::lab::ControlKind;
use crate::tui::app::{AppState, LabUi, LabView, Pane, ReqField, request_field_text};
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Draw the lesson or free-lab screen body.
pub fn render_screen(st: &AppState, f: &mut Frame, body: Rect) {
    let pl = layout::panes_for(body, &st.panes(), st.focus, st.opts.presenter);
    if let Some((strip, tabs)) = &pl.tabs {
        render_tabs(st, f, *strip, tabs);
    }
    for (pane, rect) in &pl.panes {
        match pane {
            Pane::Lesson => lesson::render(st, f, *rect),
            Pane::Gateway => render_gateway(st, f, *rect),
            Pane::Request => render_request(st, f, *rect),
            Pane::View => render_view(st, f, *rect),
        }
    }
}

/// The title of a pane (for tabs and borders).
pub fn pane_title(st: &AppState, p: Pane) -> &'static str {
    match p {
        Pane::Lesson => s::PANE_LESSON,
        Pane::Gateway => s::PANE_GATEWAY,
        Pane::Request => s::PANE_REQUEST,
        Pane::View => match st.lab.as_ref().map(|l| l.view) {
            Some(LabView::Log) => s::VIEW_LOG,
            Some(LabView::Traffic) => s::VIEW_TRAFFIC,
            Some(LabView::Token) => s::VIEW_TOKEN,
            Some(LabView::Outcome) => s::VIEW_OUTCOME,
            None => s::PANE_LAB,
        },
    }
}

fn render_tabs(st: &AppState, f: &mut Frame, area: Rect, tabs: &[layout::Tab]) {
    let t = &st.theme;
    let n = tabs.len().max(1);
    let w = usize::from(area.width) / n;
    let spans: Vec<Span> = tabs
        .iter()
        .map(|tab| {
            let name = if tab.panes.len() > 1 {
                s::PANE_LAB
            } else {
                tab.panes.first().map(|p| pane_title(st, *p)).unwrap_or("")
            };
            let label = if tab.active {
                format!("▸ {name}")
            } else {
                format!("  {name}")
            };
            let style = if tab.active { t.selected } else { t.muted };
            Span::styled(fit(&label, w), style)
        })
        .collect();
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn block<'a>(st: &AppState, pane: Pane, title: String) -> Block<'a> {
    let t = &st.theme;
    let style = if st.focus == pane { t.focus } else { t.border };
    Block::bordered()
        .title(Line::styled(title, style))
        .border_style(style)
}

fn value_text(kind: &ControlKind) -> String {
    match kind {
        ControlKind::Toggle(true) => format!("[x] {}", s::ON),
        ControlKind::Toggle(false) => format!("[ ] {}", s::OFF),
        ControlKind::Choice { options, selected } => {
            format!(
                "‹ {} ›",
                options.get(*selected).map(String::as_str).unwrap_or("?")
            )
        }
        ControlKind::Number { value, unit, .. } => {
            if unit.is_empty() {
                value.to_string()
            } else {
                format!("{value} {unit}")
            }
        }
        ControlKind::Text(t) if t.is_empty() => s::EMPTY_VALUE.to_string(),
        ControlKind::Text(t) => format!("\"{t}\""),
        ControlKind::List(items) if items.is_empty() => s::list_summary(0),
        ControlKind::List(items) => {
            format!("{}: {}", s::list_summary(items.len()), items.join(", "))
        }
    }
}

/// The lines of the gateway panel and the row range of the selected control.
pub fn gateway_lines(
    lab: &LabUi,
    w: usize,
    theme: &Theme,
    focused: bool,
    presenter: bool,
) -> (Vec<Line<'static>>, (usize, usize)) {
    let mut lines = Vec::new();
    let mut sel = (0, 0);
    let mut group: Option<Stage> = None;
    if lab.session.controls.is_empty() {
        lines.extend(wrap_plain(s::NO_CONTROLS, theme.muted, w, 0));
    }
    for (i, c) in lab.session.controls.iter().enumerate() {
        if group != Some(c.group) {
            group = Some(c.group);
            let head = format!("── {} ", c.group.label());
            let pad = w.saturating_sub(width(&head));
            lines.push(Line::styled(
                format!("{head}{}", "─".repeat(pad)),
                theme.heading,
            ));
        }
        let start = lines.len();
        let selected = i == lab.control_sel;
        let marker = if selected { "› " } else { "  " };
        let value = value_text(&c.kind);
        let highlighted = lab.highlight.as_deref() == Some(c.id.as_str());
        let tail = if highlighted {
            format!(" {}", s::TRY_THIS)
        } else {
            String::new()
        };
        let avail = w.saturating_sub(2);
        let value = ellipsize(&value, avail.saturating_sub(4 + width(&tail)).max(1));
        let label_w = avail.saturating_sub(width(&value) + 1 + width(&tail));
        let row_style = if selected && focused {
            theme.selected
        } else {
            Style::new()
        };
        let mut tail_spans = vec![Span::styled(value, theme.accent)];
        if highlighted {
            tail_spans.push(Span::styled(tail, theme.highlight));
        }
        if width(&c.label) <= label_w {
            let mut spans = vec![
                Span::raw(marker),
                Span::styled(fit(&c.label, label_w), theme.text),
                Span::raw(" "),
            ];
            spans.extend(tail_spans);
            lines.push(Line::from(spans).patch_style(row_style));
        } else {
            // Too narrow for label and value on one row: value goes below.
            let label = Line::from(vec![
                Span::raw(marker),
                Span::styled(fit(&c.label, avail), theme.text),
            ]);
            lines.push(label.patch_style(row_style));
            let mut spans = vec![Span::raw("    ")];
            spans.extend(tail_spans);
            lines.push(Line::from(spans).patch_style(row_style));
        }
        if let Some((id, err)) = &lab.control_error
            && id == &c.id
        {
            lines.extend(wrap_plain(&format!("✗ {err}"), theme.error, w, 4));
        }
        if selected {
            if let ControlKind::List(items) = &c.kind {
                for it in items {
                    lines.extend(wrap_plain(&format!("· {it}"), theme.text, w, 4));
                }
            }
            // The presenter view leaves out the per-control help lines.
            if !c.help.is_empty() && !presenter {
                lines.extend(wrap_plain(&c.help, theme.muted, w, 4));
            }
            sel = (start, lines.len());
        }
    }
    (lines, sel)
}

/// First line to show so that rows `sel` are visible in `h` rows.
pub fn scroll_to(sel: (usize, usize), h: usize, total: usize) -> usize {
    let (start, end) = sel;
    let max = total.saturating_sub(h);
    let s = end.saturating_sub(h);
    s.min(start).min(max)
}

fn render_gateway(st: &AppState, f: &mut Frame, area: Rect) {
    let Some(lab) = &st.lab else { return };
    let t = &st.theme;
    let inn = inner(area);
    let title = format!(
        " {} · {} ",
        s::PANE_GATEWAY,
        ellipsize(
            &lab.session.title,
            usize::from(inn.width).saturating_sub(14)
        )
    );
    let mut b = block(st, Pane::Gateway, title);
    if lab.session.has_undeployed_changes() {
        b = b.title_bottom(Line::styled(format!(" {} ", s::NOT_DEPLOYED), t.warn));
    }
    f.render_widget(b, area);
    let (lines, sel) = gateway_lines(
        lab,
        usize::from(inn.width),
        t,
        st.focus == Pane::Gateway,
        st.opts.presenter,
    );
    let h = usize::from(inn.height);
    let off = scroll_to(sel, h, lines.len());
    let visible: Vec<Line> = lines.into_iter().skip(off).take(h).collect();
    f.render_widget(Paragraph::new(visible), inn);
}

fn render_request(st: &AppState, f: &mut Frame, area: Rect) {
    let Some(lab) = &st.lab else { return };
    let t = &st.theme;
    let inn = inner(area);
    let mut b = block(st, Pane::Request, format!(" {} ", s::PANE_REQUEST));
    if let Some(e) = &lab.request_error {
        b = b.title_bottom(Line::styled(format!(" ✗ {e} "), t.error));
    }
    f.render_widget(b, area);
    let w = usize::from(inn.width);
    let label_w = 12usize;
    let focused = st.focus == Pane::Request;
    let lines: Vec<Line> = ReqField::ALL
        .iter()
        .enumerate()
        .map(|(i, fld)| {
            let selected = i == lab.request_sel;
            let mut v = request_field_text(&lab.request, *fld);
            if v.is_empty() {
                v = match fld {
                    ReqField::Body => s::EMPTY_VALUE.to_string(),
                    _ => s::NONE_VALUE.to_string(),
                };
            }
            if matches!(fld, ReqField::Method | ReqField::Scheme | ReqField::Tls) {
                v = format!("‹ {v} ›");
            }
            let marker = if selected { "› " } else { "  " };
            let line = Line::from(vec![
                Span::raw(marker),
                Span::styled(fit(s::req_field_label(*fld), label_w), t.muted),
                Span::styled(ellipsize(&v, w.saturating_sub(label_w + 2)), t.text),
            ]);
            if selected && focused {
                line.patch_style(t.selected)
            } else {
                line
            }
        })
        .collect();
    let h = usize::from(inn.height);
    let off = (lab.request_sel + 1).saturating_sub(h);
    let visible: Vec<Line> = lines.into_iter().skip(off).take(h).collect();
    f.render_widget(Paragraph::new(visible), inn);
}

fn render_view(st: &AppState, f: &mut Frame, area: Rect) {
    let t = &st.theme;
    let Some(lab) = &st.lab else {
        let inn = inner(area);
        f.render_widget(block(st, Pane::View, format!(" {} ", s::PANE_LAB)), area);
        let msg = match &st.lab_error {
            Some(e) => s::lab_unavailable(e),
            None => s::NO_LAB.to_string(),
        };
        f.render_widget(
            Paragraph::new(wrap_plain(&msg, t.error, usize::from(inn.width), 0)),
            inn,
        );
        return;
    };
    let inn = inner(area);
    let title = format!(" {} ", pane_title(st, Pane::View));
    let b = block(st, Pane::View, title)
        .title_bottom(Line::styled(format!(" {} ", s::VIEW_SWITCH), t.muted).right_aligned());
    f.render_widget(b, area);
    match lab.view {
        LabView::Outcome => outcome::render(st, lab, f, inn),
        LabView::Log => render_log(st, lab, f, inn),
        LabView::Traffic => traffic::render(st, lab, f, inn),
        LabView::Token => token::render(st, lab, f, inn),
    }
}

fn render_log(st: &AppState, lab: &LabUi, f: &mut Frame, inn: Rect) {
    let t = &st.theme;
    let log = lab.session.log();
    if log.is_empty() {
        f.render_widget(
            Paragraph::new(wrap_plain(s::LOG_EMPTY, t.muted, usize::from(inn.width), 0)),
            inn,
        );
        return;
    }
    let w = usize::from(inn.width);
    let focused = st.focus == Pane::View;
    let lines: Vec<Line> = log
        .iter()
        .enumerate()
        .map(|(i, (req, o))| {
            let ok = o.status.is_some_and(|c| c < 400);
            let glyph = if ok { "✓" } else { "✗" };
            let style = if ok { t.ok } else { t.error };
            let marker = if i == lab.log_sel { "› " } else { "  " };
            let left = format!("#{:<3} {} {} ", i + 1, req.method, req.target);
            let right = format!("→ {} ({})", o.status_text, o.decided_by.label());
            let lw = w.saturating_sub(width(&right) + 4).max(8);
            let line = Line::from(vec![
                Span::raw(marker),
                Span::styled(format!("{glyph} "), style),
                Span::raw(fit(&left, lw)),
                Span::styled(ellipsize(&right, w.saturating_sub(lw + 4)), style),
            ]);
            if i == lab.log_sel && focused {
                line.patch_style(t.selected)
            } else {
                line
            }
        })
        .collect();
    let h = usize::from(inn.height);
    let off = (lab.log_sel + 1).saturating_sub(h);
    let visible: Vec<Line> = lines.into_iter().skip(off).take(h).collect();
    f.render_widget(Paragraph::new(visible), inn);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scroll_to_keeps_the_selection_visible() {
        assert_eq!(scroll_to((0, 1), 5, 20), 0);
        assert_eq!(scroll_to((10, 12), 5, 20), 7);
        assert_eq!(scroll_to((18, 20), 5, 20), 15);
        // A selection taller than the view shows its start.
        assert_eq!(scroll_to((4, 14), 5, 20), 4);
        assert_eq!(scroll_to((0, 0), 0, 0), 0);
    }
}
