//! The token workbench: paste or mint a token, see its header and claims,
//! edit the claims and sign them a chosen way, then use it in the request.

use super::text::{ellipsize, fit, wrap_plain, wrap_verbatim};
use crate::tui::app::{AppState, LabUi, Pane, SIGNING, TokField};
use crate::tui::strings as s;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| json.to_string())
}

/// Draw the token workbench in `inn`.
pub fn render(st: &AppState, lab: &LabUi, f: &mut Frame, inn: Rect) {
    let t = &st.theme;
    let w = usize::from(inn.width);
    let tk = &lab.token;
    let focused = st.focus == Pane::View;
    let label_w = 11;
    let mut lines: Vec<Line> = Vec::new();
    for (i, fld) in TokField::ALL.iter().enumerate() {
        let (label, value) = match fld {
            TokField::Token => (
                s::TOKEN_FIELD,
                if tk.token.is_empty() {
                    s::NONE_VALUE.to_string()
                } else {
                    tk.token.clone()
                },
            ),
            TokField::Claims => (
                s::CLAIMS_FIELD,
                if tk.claims.is_empty() {
                    s::EMPTY_VALUE.to_string()
                } else {
                    tk.claims.clone()
                },
            ),
            TokField::Signing => {
                let id = SIGNING.get(tk.how).copied().unwrap_or("pool-key");
                (s::SIGNING_FIELD, format!("‹ {} ›", s::signing_label(id)))
            }
        };
        let selected = i == tk.sel;
        let line = Line::from(vec![
            Span::raw(if selected { "› " } else { "  " }),
            Span::styled(fit(label, label_w), t.muted),
            Span::styled(ellipsize(&value, w.saturating_sub(label_w + 2)), t.text),
        ]);
        lines.push(if selected && focused {
            line.patch_style(t.selected)
        } else {
            line
        });
    }
    if let Some(e) = &tk.error {
        lines.extend(wrap_plain(&format!("✗ {e}"), t.error, w, 2));
    }
    lines.push(Line::default());
    match &tk.decoded {
        None => lines.extend(wrap_plain(s::TOKEN_EMPTY, t.muted, w, 0)),
        Some(Err(e)) => lines.extend(wrap_plain(&format!("✗ {e}"), t.error, w, 0)),
        Some(Ok((header, claims))) => {
            lines.push(Line::styled(s::TOKEN_HEADER, t.heading));
            lines.extend(wrap_verbatim(&pretty(header), t.code, w, 2));
            lines.push(Line::styled(s::TOKEN_CLAIMS_DECODED, t.heading));
            lines.extend(wrap_verbatim(&pretty(claims), t.code, w, 2));
        }
    }
    let visible: Vec<Line> = lines.into_iter().take(usize::from(inn.height)).collect();
    f.render_widget(Paragraph::new(visible), inn);
}
