//! The `gatelab` command: the terminal app with no arguments, and headless
//! subcommands for scripts, authors and instructors.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use gatelab::cli;
use gatelab::content::{Course, Sources};
use gatelab::gateway::time::SimTime;

#[derive(Parser)]
#[command(
    name = "gatelab",
    version,
    about = "Learn to protect APIs on Amazon API Gateway by breaking and fixing a faithful simulation of it.",
    long_about = "Learn to protect APIs on Amazon API Gateway by breaking and fixing a faithful simulation of it.\n\nRun without a command to open the interactive app (lessons beside a live gateway lab, and quizzes)."
)]
struct Cli {
    /// Where progress and quiz results are kept (default: the platform's data directory).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Load lessons, quizzes and scenarios from DIR instead of the built-in course.
    #[arg(long, global = true, value_name = "DIR")]
    content: Option<PathBuf>,
    /// Colour theme of the app.
    #[arg(long, value_enum, default_value_t = Theme::Dark)]
    theme: Theme,
    /// When to use colour (NO_COLOR also turns it off).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
    /// Capture the mouse (off by default so text can be selected and copied).
    #[arg(long)]
    mouse: bool,
    /// Presenter view: high contrast, large status, less chrome (for projectors).
    #[arg(long)]
    presenter: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum Theme {
    Dark,
    Light,
    Mono,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario's requests through the simulated gateway and show the outcomes.
    Simulate {
        /// A scenario file, or the id of a built-in scenario.
        #[arg(required_unless_present = "list")]
        scenario: Option<String>,
        /// One JSON object per request (request, status, body, headers, decided_by, reason, trace).
        #[arg(long)]
        json: bool,
        /// Exit 1 when an outcome differs from the scenario's expectation, naming it.
        #[arg(long)]
        check: bool,
        /// Run one raw HTTP/1.1 request from FILE instead of the scenario's requests.
        #[arg(long, value_name = "FILE", conflicts_with = "requests")]
        raw: Option<PathBuf>,
        /// Run the requests of a JSON Lines FILE instead of the scenario's requests.
        #[arg(long, value_name = "FILE")]
        requests: Option<PathBuf>,
        /// Set the virtual clock (RFC 3339, e.g. 2025-01-01T12:00:00Z).
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        at: Option<SimTime>,
        /// Fix the seed of simulated randomness (integration failures, traffic).
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// List the built-in scenarios.
        #[arg(long)]
        list: bool,
    },
    /// Validate lessons, quizzes and scenarios and report every problem.
    Check,
    /// Print the app's key bindings.
    Keys,
    /// Open the lab directly on a scenario: a built-in id, or a file saved from the lab.
    Lab {
        /// A scenario file, or the id of a built-in scenario.
        scenario: String,
    },
    /// Print where progress, results and settings are kept.
    Paths,
    /// Take a quiz module in plain mode, list the modules, see or export results, convert GIFT.
    Quiz(cli::quiz::QuizArgs),
    /// Class tools for instructors: `class report` merges students' exported results.
    Class(cli::class::ClassArgs),
    /// Clear results and progress (--all) or one quiz module's results (--module ID), after a backup.
    Reset(cli::reset::ResetArgs),
    /// List the instructor demos, play one step by step, or check one (--check).
    Demo(cli::demo::DemoArgs),
}

/// Open the terminal app, optionally straight into the lab on a scenario.
fn launch(
    cli: &Cli,
    scenario: Option<&String>,
    data_dir: std::io::Result<PathBuf>,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let Some(mut course) = load_course(&cli.content, err)? else {
        return Ok(2);
    };
    let mut open = None;
    if let Some(arg) = scenario {
        match cli::simulate::load_scenario(arg, Some(&course)) {
            Ok((file, sc)) => {
                open = Some(sc.id.clone());
                if !course.scenarios.contains_key(&sc.id) || std::path::Path::new(arg).is_file() {
                    let text = std::fs::read_to_string(&file).unwrap_or_default();
                    course.scenarios.insert(
                        sc.id.clone(),
                        gatelab::content::ScenarioEntry {
                            source: gatelab::content::Source { file, text },
                            scenario: sc,
                        },
                    );
                }
            }
            Err(ds) => {
                for d in ds {
                    writeln!(err, "{d}")?;
                }
                return Ok(2);
            }
        }
    }
    let data_dir = match data_dir {
        Ok(d) => d,
        Err(e) => {
            writeln!(
                err,
                "error: no data directory ({e})\n  hint: pass --data-dir DIR"
            )?;
            return Ok(2);
        }
    };
    let opts = gatelab::tui::TuiOptions {
        theme: match cli.theme {
            Theme::Dark => gatelab::tui::ThemeName::Dark,
            Theme::Light => gatelab::tui::ThemeName::Light,
            Theme::Mono => gatelab::tui::ThemeName::Mono,
        },
        color: match cli.color {
            ColorWhen::Auto => gatelab::tui::ColorMode::Auto,
            ColorWhen::Always => gatelab::tui::ColorMode::Always,
            ColorWhen::Never => gatelab::tui::ColorMode::Never,
        },
        mouse: cli.mouse,
        presenter: cli.presenter,
    };
    match gatelab::tui::run_opening(
        opts,
        cli::app::tui_course(course),
        data_dir,
        open.as_deref(),
    ) {
        Ok(()) => Ok(0),
        Err(e) => {
            writeln!(err, "error: {e}")?;
            Ok(1)
        }
    }
}

fn parse_time(s: &str) -> Result<SimTime, String> {
    SimTime::parse_rfc3339(s)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let code = match run(cli, &mut out, &mut err) {
        Ok(c) => c,
        // A closed pipe (`gatelab simulate x | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            1
        }
    };
    let _ = out.flush();
    ExitCode::from(code.clamp(0, 255) as u8)
}

fn load_course(content: &Option<PathBuf>, err: &mut dyn Write) -> std::io::Result<Option<Course>> {
    let sources = match content {
        Some(dir) => match Sources::from_path(dir) {
            Ok(s) => s,
            Err(d) => {
                writeln!(err, "{d}")?;
                return Ok(None);
            }
        },
        None => Sources::builtin(),
    };
    match Course::load(sources) {
        Ok(c) => Ok(Some(c)),
        Err(d) => {
            writeln!(err, "{d}")?;
            writeln!(
                err,
                "the course has {} problem(s); run `gatelab check` for the full list",
                d.len()
            )?;
            Ok(None)
        }
    }
}

fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let data_dir = gatelab::progress::paths::DataDir::resolve(cli.data_dir.as_deref())
        .map(|d| d.path().to_path_buf());
    match cli.command {
        None => launch(&cli, None, data_dir, err),
        Some(Command::Lab { ref scenario }) => launch(&cli, Some(scenario), data_dir, err),
        Some(Command::Keys) => {
            write!(out, "{}", gatelab::tui::keymap_text())?;
            Ok(0)
        }
        Some(Command::Simulate {
            scenario,
            json,
            check,
            raw,
            requests,
            at,
            seed,
            list,
        }) => {
            let course = load_course(&cli.content, err)?;
            if list {
                if let Some(c) = &course {
                    for (id, e) in &c.scenarios {
                        writeln!(out, "{id}\t{}", e.scenario.title)?;
                    }
                }
                return Ok(0);
            }
            let scenario = scenario.unwrap_or_default();
            let args = cli::simulate::SimulateArgs {
                scenario: &scenario,
                json,
                check,
                raw: raw.as_deref(),
                requests: requests.as_deref(),
                at,
                seed,
            };
            cli::simulate::run(&args, course.as_ref(), out, err)
        }
        Some(Command::Check) => {
            let (sources, label) = match &cli.content {
                Some(dir) => match Sources::from_path(dir) {
                    Ok(s) => (s, dir.display().to_string()),
                    Err(d) => {
                        writeln!(out, "{d}")?;
                        return Ok(1);
                    }
                },
                None => (Sources::builtin(), "built-in course".to_string()),
            };
            cli::check::run(sources, &label, out)
        }
        Some(Command::Quiz(args)) => {
            let course = if args.needs_course() {
                load_course(&cli.content, err)?
            } else {
                None
            };
            let stdin = &mut std::io::stdin().lock();
            cli::quiz::run(
                &args,
                course.as_ref(),
                data_dir.as_deref().ok(),
                stdin,
                out,
                err,
            )
        }
        Some(Command::Class(args)) => cli::class::run(&args, out, err),
        Some(Command::Reset(args)) => {
            let stdin = &mut std::io::stdin().lock();
            let now = cli::quiz::wall_clock();
            cli::reset::run(&args, data_dir.as_deref().ok(), now, stdin, out, err)
        }
        Some(Command::Demo(args)) => {
            let course = load_course(&cli.content, err)?;
            let stdin = &mut std::io::stdin().lock();
            cli::demo::run(&args, course.as_ref(), stdin, out, err)
        }
        Some(Command::Paths) => {
            match data_dir {
                Ok(d) => {
                    writeln!(out, "data directory: {}", d.display())?;
                    writeln!(
                        out,
                        "progress:       {}",
                        d.join(gatelab::progress::paths::PROGRESS_FILE).display()
                    )?;
                    writeln!(
                        out,
                        "quiz results:   {}",
                        d.join(gatelab::progress::paths::RESULTS_FILE).display()
                    )?;
                }
                Err(e) => writeln!(
                    out,
                    "data directory: unavailable ({e}); pass --data-dir DIR"
                )?,
            }
            writeln!(
                out,
                "content:        {}",
                cli.content
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "built-in".into())
            )?;
            Ok(0)
        }
    }
}
