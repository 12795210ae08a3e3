//! Where things go on the screen. Used by rendering and by `update` (which
//! needs to know, e.g., whether the outcome is visible after a request is
//! fired), so both agree on one layout.

use crate::tui::app::Pane;
use ratatui::layout::Rect;

/// Below this many columns the app shows "terminal too small".
pub const MIN_COLS: u16 = 80;
/// Below this many rows the app shows "terminal too small".
pub const MIN_ROWS: u16 = 24;
/// From this width a lesson and its lab are shown side by side.
pub const SIDE_BY_SIDE_COLS: u16 = 140;
/// From this width the lab shows its panes together (gateway | request over
/// outcome); below it, one pane at a time with tabs.
pub const LAB_SPLIT_COLS: u16 = 100;
/// Height of the request builder when it shares a column with the outcome.
pub const REQUEST_ROWS: u16 = 11;

/// Whether the terminal is large enough to draw the app.
pub fn big_enough(w: u16, h: u16) -> bool {
    w >= MIN_COLS && h >= MIN_ROWS
}

/// The four bands of every screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    /// Title bar (1 row).
    pub header: Rect,
    /// The screen's content.
    pub body: Rect,
    /// Notices and hints (1 row).
    pub status: Rect,
    /// Keys of the current context (1 row).
    pub footer: Rect,
}

/// Split the terminal into header, body, status line and footer.
pub fn areas(area: Rect) -> Areas {
    let row = |y: u16, h: u16| Rect {
        x: area.x,
        y,
        width: area.width,
        height: h,
    };
    let h = area.height;
    let header = row(area.y, h.min(1));
    let footer_h = u16::from(h >= 2);
    let status_h = u16::from(h >= 3);
    let body_h = h.saturating_sub(header.height + footer_h + status_h);
    let body = row(area.y.saturating_add(header.height), body_h);
    let status = row(body.y.saturating_add(body_h), status_h);
    let footer = row(status.y.saturating_add(status_h), footer_h);
    Areas {
        header,
        body,
        status,
        footer,
    }
}

/// One tab of the tab strip: the panes it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tab {
    /// Panes shown when the tab is active.
    pub panes: Vec<Pane>,
    /// Whether the focused pane is in this tab.
    pub active: bool,
}

/// Where each visible pane goes, plus the tab strip when not everything fits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaneLayout {
    /// The tab strip (1 row), when some panes are hidden.
    pub tabs: Option<(Rect, Vec<Tab>)>,
    /// Visible panes and their areas.
    pub panes: Vec<(Pane, Rect)>,
}

impl PaneLayout {
    /// The area of a pane, if it is visible.
    pub fn rect(&self, pane: Pane) -> Option<Rect> {
        self.panes.iter().find(|(p, _)| *p == pane).map(|(_, r)| *r)
    }
}

/// Lay out the panes of the lesson and lab screens in `body`.
pub fn panes(body: Rect, available: &[Pane], focus: Pane) -> PaneLayout {
    panes_for(body, available, focus, false)
}

/// [`panes`], for the presenter view too: there the lesson never sits
/// beside the lab, so whichever is shown gets the whole width.
pub fn panes_for(body: Rect, available: &[Pane], focus: Pane, presenter: bool) -> PaneLayout {
    let has_lesson = available.contains(&Pane::Lesson);
    let lab: Vec<Pane> = available
        .iter()
        .copied()
        .filter(|p| *p != Pane::Lesson)
        .collect();
    if lab.is_empty() {
        return PaneLayout {
            tabs: None,
            panes: vec![(Pane::Lesson, body)],
        };
    }
    if !has_lesson && body.width >= LAB_SPLIT_COLS {
        return PaneLayout {
            tabs: None,
            panes: lab_split(body, &lab),
        };
    }
    if has_lesson && !presenter && body.width >= SIDE_BY_SIDE_COLS {
        let lw = body.width.saturating_mul(2) / 5;
        let left = Rect { width: lw, ..body };
        let right = Rect {
            x: body.x.saturating_add(lw),
            width: body.width.saturating_sub(lw),
            ..body
        };
        let mut panes = vec![(Pane::Lesson, left)];
        panes.extend(lab_split(right, &lab));
        return PaneLayout { tabs: None, panes };
    }
    let strip = Rect {
        height: body.height.min(1),
        ..body
    };
    let rest = Rect {
        y: body.y.saturating_add(strip.height),
        height: body.height.saturating_sub(strip.height),
        ..body
    };
    if body.width >= LAB_SPLIT_COLS {
        // Lesson on one tab, the whole lab on the other.
        let lab_focused = focus != Pane::Lesson;
        let tabs = vec![
            Tab {
                panes: vec![Pane::Lesson],
                active: !lab_focused,
            },
            Tab {
                panes: lab.clone(),
                active: lab_focused,
            },
        ];
        let panes = if lab_focused {
            lab_split(rest, &lab)
        } else {
            vec![(Pane::Lesson, rest)]
        };
        return PaneLayout {
            tabs: Some((strip, tabs)),
            panes,
        };
    }
    // Narrow: one pane at a time.
    let tabs = available
        .iter()
        .map(|p| Tab {
            panes: vec![*p],
            active: *p == focus,
        })
        .collect();
    let shown = if available.contains(&focus) {
        focus
    } else {
        available[0]
    };
    PaneLayout {
        tabs: Some((strip, tabs)),
        panes: vec![(shown, rest)],
    }
}

fn lab_split(area: Rect, lab: &[Pane]) -> Vec<(Pane, Rect)> {
    let has = |p: Pane| lab.contains(&p);
    if !(has(Pane::Gateway) && has(Pane::Request)) {
        return lab.iter().take(1).map(|p| (*p, area)).collect();
    }
    let gw = area.width.saturating_mul(2) / 5;
    let left = Rect { width: gw, ..area };
    let right = Rect {
        x: area.x.saturating_add(gw),
        width: area.width.saturating_sub(gw),
        ..area
    };
    let req_h = REQUEST_ROWS.min(right.height / 2);
    let req = Rect {
        height: req_h,
        ..right
    };
    let view = Rect {
        y: right.y.saturating_add(req_h),
        height: right.height.saturating_sub(req_h),
        ..right
    };
    let mut out = vec![(Pane::Gateway, left), (Pane::Request, req)];
    if has(Pane::View) {
        out.push((Pane::View, view));
    }
    out
}

/// A rectangle of at most `w`×`h` centred in `area` (never larger than it).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x.saturating_add((area.width - w) / 2),
        y: area.y.saturating_add((area.height - h) / 2),
        width: w,
        height: h,
    }
}

/// The inside of a bordered block.
pub fn inner(r: Rect) -> Rect {
    Rect {
        x: r.x.saturating_add(1),
        y: r.y.saturating_add(1),
        width: r.width.saturating_sub(2),
        height: r.height.saturating_sub(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const ALL: [Pane; 4] = [Pane::Lesson, Pane::Gateway, Pane::Request, Pane::View];

    #[test]
    fn wide_terminals_show_lesson_and_lab_side_by_side() {
        let l = panes(Rect::new(0, 1, 160, 40), &ALL, Pane::Lesson);
        assert!(l.tabs.is_none());
        assert_eq!(l.panes.len(), 4);
        assert_eq!(l.rect(Pane::Lesson).map(|r| r.width), Some(64));
    }

    #[test]
    fn middle_widths_switch_between_lesson_and_lab_tabs() {
        let l = panes(Rect::new(0, 1, 120, 30), &ALL, Pane::Lesson);
        assert_eq!(l.panes.len(), 1);
        let l = panes(Rect::new(0, 1, 120, 30), &ALL, Pane::Request);
        assert_eq!(
            l.panes.iter().map(|p| p.0).collect::<Vec<_>>(),
            vec![Pane::Gateway, Pane::Request, Pane::View]
        );
        assert_eq!(l.tabs.map(|t| t.1.len()), Some(2));
    }

    #[test]
    fn narrow_terminals_show_one_pane_with_tabs() {
        let l = panes(Rect::new(0, 1, 80, 21), &ALL, Pane::View);
        assert_eq!(l.panes.len(), 1);
        assert_eq!(l.panes[0].0, Pane::View);
        assert_eq!(l.panes[0].1.height, 20);
    }

    #[test]
    fn areas_never_overflow_tiny_terminals() {
        for h in 0..5 {
            let a = areas(Rect::new(0, 0, 10, h));
            let total = a.header.height + a.body.height + a.status.height + a.footer.height;
            assert_eq!(total, h);
        }
        assert_eq!(
            centered(Rect::new(0, 0, 10, 5), 40, 40),
            Rect::new(0, 0, 10, 5)
        );
    }
}
