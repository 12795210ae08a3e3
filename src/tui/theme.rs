//! Styles by meaning, not by element. Three themes: dark (the default, named
//! ANSI colours on the terminal's own background), light and mono (no colour
//! at all: emphasis, underline and reverse video only). Every piece of
//! information that a colour carries is also carried by text or a glyph.

use ratatui::style::{Color, Modifier, Style};

/// Which palette to use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ThemeName {
    /// Colours for dark terminal backgrounds.
    #[default]
    Dark,
    /// Colours for light terminal backgrounds.
    Light,
    /// No colour: bold, underline and reverse video only.
    Mono,
}

impl ThemeName {
    /// Parse `dark`, `light` or `mono`.
    pub fn parse(s: &str) -> Result<ThemeName, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dark" => Ok(ThemeName::Dark),
            "light" => Ok(ThemeName::Light),
            "mono" | "none" | "monochrome" => Ok(ThemeName::Mono),
            other => Err(format!(
                "unknown theme '{other}' (expected dark, light or mono)"
            )),
        }
    }
}

/// Whether colour may be used at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorMode {
    /// Colour unless `NO_COLOR` is set to a non-empty value.
    #[default]
    Auto,
    /// Colour even when `NO_COLOR` is set.
    Always,
    /// Never colour: selects the mono theme.
    Never,
}

impl ColorMode {
    /// Parse `auto`, `always` or `never`.
    pub fn parse(s: &str) -> Result<ColorMode, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(ColorMode::Auto),
            "always" => Ok(ColorMode::Always),
            "never" => Ok(ColorMode::Never),
            other => Err(format!(
                "unknown colour mode '{other}' (expected auto, always or never)"
            )),
        }
    }
}

/// The theme to use, given the requested theme, colour mode and the value
/// of `NO_COLOR` (any non-empty value turns colour off in `auto` mode).
pub fn resolve(theme: ThemeName, color: ColorMode, no_color: Option<&str>) -> ThemeName {
    let no_color_set = no_color.is_some_and(|v| !v.is_empty());
    match color {
        ColorMode::Never => ThemeName::Mono,
        ColorMode::Auto if no_color_set => ThemeName::Mono,
        _ => theme,
    }
}

/// Semantic styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    /// Which palette these styles come from.
    pub name: ThemeName,
    /// Ordinary text.
    pub text: Style,
    /// Secondary text: help lines, hints, units.
    pub muted: Style,
    /// Headings in lessons and panel titles.
    pub heading: Style,
    /// Links, names of things, the active tab.
    pub accent: Style,
    /// The border and title of the focused pane.
    pub focus: Style,
    /// Borders of panes without focus.
    pub border: Style,
    /// The selected row of a list.
    pub selected: Style,
    /// Success (2xx, a passing step, a done checklist item).
    pub ok: Style,
    /// Warnings (4xx caused by the client, configuration warnings).
    pub warn: Style,
    /// Failures (a failing step, an invalid value, 5xx).
    pub error: Style,
    /// Inline code and code blocks.
    pub code: Style,
    /// Key names in the footer and help.
    pub key: Style,
    /// Something the learner should look at now (a control named by a
    /// try-it step, the stage that decided a request).
    pub highlight: Style,
    /// The large status banner of a successful response.
    pub banner_ok: Style,
    /// The large status banner of a 4xx response.
    pub banner_warn: Style,
    /// The large status banner of a 5xx response or no response at all.
    pub banner_error: Style,
    /// The title bar.
    pub title: Style,
}

impl Theme {
    /// A colour palette: `accent` for headings, keys and focus, `on` for text
    /// on accent or status backgrounds.
    fn palette(name: ThemeName, accent: Color, on: Color, error: Color, code: Color) -> Theme {
        let b = Modifier::BOLD;
        Theme {
            name,
            text: Style::new().fg(Color::Reset),
            muted: Style::new().fg(Color::DarkGray),
            heading: Style::new().fg(accent).add_modifier(b),
            accent: Style::new().fg(accent),
            focus: Style::new().fg(accent).add_modifier(b),
            border: Style::new().fg(Color::DarkGray),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            ok: Style::new().fg(Color::Green),
            warn: Style::new().fg(Color::Magenta),
            error: Style::new().fg(error),
            code: Style::new().fg(code),
            key: Style::new().fg(accent).add_modifier(b),
            highlight: Style::new().fg(on).bg(accent).add_modifier(b),
            banner_ok: Style::new().fg(on).bg(Color::Green).add_modifier(b),
            banner_warn: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(b),
            banner_error: Style::new().fg(on).bg(Color::Red).add_modifier(b),
            title: Style::new().fg(on).bg(accent).add_modifier(b),
        }
    }

    /// The styles of a palette.
    pub fn new(name: ThemeName) -> Theme {
        let b = Modifier::BOLD;
        match name {
            // Both colour palettes share their layout; they differ in the
            // accent, the ink used on accent backgrounds, and two text colours.
            ThemeName::Dark => Theme::palette(
                name,
                Color::Cyan,
                Color::Black,
                Color::LightRed,
                Color::LightBlue,
            ),
            ThemeName::Light => {
                Theme::palette(name, Color::Blue, Color::White, Color::Red, Color::Blue)
            }
            ThemeName::Mono => {
                let plain = Style::new();
                Theme {
                    name,
                    text: plain,
                    muted: plain,
                    heading: plain.add_modifier(b | Modifier::UNDERLINED),
                    accent: plain.add_modifier(Modifier::UNDERLINED),
                    focus: plain.add_modifier(b),
                    border: plain,
                    selected: plain.add_modifier(Modifier::REVERSED),
                    ok: plain,
                    warn: plain.add_modifier(b),
                    error: plain.add_modifier(b),
                    code: plain,
                    key: plain.add_modifier(b),
                    highlight: plain.add_modifier(Modifier::REVERSED | b),
                    banner_ok: plain.add_modifier(Modifier::REVERSED | b),
                    banner_warn: plain.add_modifier(Modifier::REVERSED | b),
                    banner_error: plain.add_modifier(Modifier::REVERSED | b),
                    title: plain.add_modifier(Modifier::REVERSED | b),
                }
            }
        }
    }

    /// The presenter variant: high contrast for projectors. Dim and grey
    /// styles become plain text and body text is bold; colours of the
    /// status banners and the marks stay, so the mono theme works too.
    pub fn presenter(mut self) -> Theme {
        let b = Modifier::BOLD;
        self.text = self.text.add_modifier(b);
        self.muted = self.text;
        self.border = self.text;
        self.code = self.code.add_modifier(b);
        self.ok = self.ok.add_modifier(b);
        self
    }

    /// The banner style for an HTTP status (or for no response at all).
    pub fn banner(&self, status: Option<u16>) -> Style {
        match status {
            Some(s) if s < 400 => self.banner_ok,
            Some(s) if s < 500 => self.banner_warn,
            _ => self.banner_error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_selects_mono_only_in_auto_mode() {
        let d = ThemeName::Dark;
        assert_eq!(resolve(d, ColorMode::Auto, Some("1")), ThemeName::Mono);
        assert_eq!(resolve(d, ColorMode::Auto, Some("")), ThemeName::Dark);
        assert_eq!(resolve(d, ColorMode::Auto, None), ThemeName::Dark);
        assert_eq!(resolve(d, ColorMode::Always, Some("1")), ThemeName::Dark);
        assert_eq!(
            resolve(ThemeName::Light, ColorMode::Never, None),
            ThemeName::Mono
        );
    }

    #[test]
    fn mono_has_no_colour_anywhere() {
        let t = Theme::new(ThemeName::Mono);
        for s in [
            t.text,
            t.muted,
            t.heading,
            t.accent,
            t.focus,
            t.border,
            t.selected,
            t.ok,
            t.warn,
            t.error,
            t.code,
            t.key,
            t.highlight,
            t.banner_ok,
            t.banner_warn,
            t.banner_error,
            t.title,
        ] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
    }

    #[test]
    fn parse_rejects_unknown_names_with_the_choices() {
        assert_eq!(ThemeName::parse("LIGHT"), Ok(ThemeName::Light));
        let e = ThemeName::parse("solarized").unwrap_err();
        assert!(e.contains("dark, light or mono"), "{e}");
        assert_eq!(ColorMode::parse("never"), Ok(ColorMode::Never));
        assert!(ColorMode::parse("sometimes").is_err());
    }
}
