//! The traffic view: one chart row per series, one column per virtual
//! second, each labelled with its name and latest value.

use super::text::{fit, wrap_plain};
use crate::lab::TrafficFrame;
use crate::tui::app::{AppState, LabUi, SPEEDS};
use crate::tui::strings as s;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

/// Width of the label column.
const LABEL_W: u16 = 11;
/// Width of the latest-value column.
const VALUE_W: u16 = 8;

type Series = (
    &'static str,
    fn(&TrafficFrame) -> u64,
    fn(&TrafficFrame) -> String,
);

const SERIES: [Series; 7] = [
    (
        s::CHART_2XX,
        |f| u64::from(f.ok_2xx),
        |f| f.ok_2xx.to_string(),
    ),
    (s::CHART_4XX, |f| u64::from(f.s4xx), |f| f.s4xx.to_string()),
    (s::CHART_429, |f| u64::from(f.s429), |f| f.s429.to_string()),
    (s::CHART_5XX, |f| u64::from(f.s5xx), |f| f.s5xx.to_string()),
    (
        s::CHART_GAUGE,
        |f| {
            f.gauge
                .map(|g| (g.clamp(0.0, 1.0) * 100.0).round() as u64)
                .unwrap_or(0)
        },
        |f| {
            f.gauge
                .map(|g| format!("{:.0}%", g.clamp(0.0, 1.0) * 100.0))
                .unwrap_or_else(|| "–".into())
        },
    ),
    (
        s::CHART_CACHE,
        |f| u64::from(f.cache_hits),
        |f| f.cache_hits.to_string(),
    ),
    (
        s::CHART_P95,
        |f| u64::from(f.p95_ms),
        |f| f.p95_ms.to_string(),
    ),
];

/// Draw the traffic view in `inn`.
pub fn render(st: &AppState, lab: &LabUi, f: &mut Frame, inn: Rect) {
    let t = &st.theme;
    let w = usize::from(inn.width);
    let active = lab.session.traffic_active();
    let mut head: Vec<Line> = Vec::new();
    if let Some(e) = &lab.traffic.error {
        head.extend(wrap_plain(&format!("✗ {e}"), t.error, w, 0));
    }
    if lab.traffic.frames.is_empty() && !active {
        head.extend(wrap_plain(s::TRAFFIC_IDLE, t.muted, w, 0));
        f.render_widget(Paragraph::new(head), inn);
        return;
    }
    let state = if !active {
        s::TRAFFIC_DONE
    } else if lab.traffic.paused {
        s::TRAFFIC_PAUSED
    } else {
        s::TRAFFIC_RUNNING
    };
    let last_t = lab.traffic.frames.last().map(|fr| fr.t).unwrap_or(0);
    let speed = SPEEDS.get(lab.traffic.speed).copied().unwrap_or(1);
    let label = lab.traffic.label.clone().unwrap_or_default();
    head.push(Line::styled(
        fit(&s::traffic_status(&label, state, last_t, speed), w),
        t.accent,
    ));
    let head_h = u16::try_from(head.len())
        .unwrap_or(u16::MAX)
        .min(inn.height);
    f.render_widget(
        Paragraph::new(head),
        Rect {
            height: head_h,
            ..inn
        },
    );

    let rest_h = inn.height.saturating_sub(head_h);
    let n = SERIES.len() as u16;
    if rest_h == 0 {
        return;
    }
    let row_h = (rest_h / n).clamp(1, 3);
    let chart_w = inn.width.saturating_sub(LABEL_W + VALUE_W);
    let frames = &lab.traffic.frames;
    let shown = usize::from(chart_w).min(frames.len());
    let window = &frames[frames.len() - shown..];
    for (i, (name, value, text)) in SERIES.iter().enumerate() {
        let y = inn
            .y
            .saturating_add(head_h)
            .saturating_add(row_h.saturating_mul(i as u16));
        if y >= inn.y.saturating_add(inn.height) {
            break;
        }
        let h = row_h.min(inn.y.saturating_add(inn.height).saturating_sub(y));
        let label_area = Rect {
            x: inn.x,
            y,
            width: LABEL_W.min(inn.width),
            height: h,
        };
        let chart_area = Rect {
            x: inn.x.saturating_add(LABEL_W),
            y,
            width: chart_w,
            height: h,
        };
        let value_area = Rect {
            x: inn.x.saturating_add(LABEL_W).saturating_add(chart_w),
            y,
            width: inn.width.saturating_sub(LABEL_W + chart_w),
            height: h,
        };
        let series_style = match *name {
            s::CHART_2XX => t.ok,
            s::CHART_429 | s::CHART_4XX => t.warn,
            s::CHART_5XX => t.error,
            _ => t.accent,
        };
        f.render_widget(
            Paragraph::new(Line::styled(format!("{name:>10} "), t.muted)),
            label_area,
        );
        let data: Vec<u64> = window.iter().map(value).collect();
        f.render_widget(
            Sparkline::default().data(&data).style(series_style),
            chart_area,
        );
        let latest = frames.last().map(text).unwrap_or_default();
        f.render_widget(
            Paragraph::new(Line::from(Span::styled(
                format!(" {latest}"),
                Style::new().patch(t.text),
            ))),
            value_area,
        );
    }
}
