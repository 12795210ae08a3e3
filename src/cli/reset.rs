//! `gatelab reset`: clear a learner's data, everything (`--all`) or one quiz
//! module's results (`--module ID`), after a confirmation and after copying
//! every file of the data directory into `backups/<timestamp>/`, so a reset
//! can always be undone by copying the files back.

use std::fs;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use crate::progress::paths::{PROGRESS_FILE, RESULTS_FILE};
use crate::progress::results;
use crate::progress::store::Loaded;

/// Name of the folder, inside the data directory, that holds backups.
pub const BACKUPS_DIR: &str = "backups";

/// Arguments of `gatelab reset`.
#[derive(clap::Args, Debug, Clone)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(false).args(["all", "module"])))]
pub struct ResetArgs {
    /// Clear all quiz results and lesson progress.
    #[arg(long)]
    pub all: bool,
    /// Clear one quiz module's results: its attempts and its review history.
    #[arg(long, value_name = "ID")]
    pub module: Option<String>,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
}

/// Run `gatelab reset`. `now` names the backup folder (the command line
/// passes the wall clock). Exit codes: 0 cleared or nothing to clear,
/// 1 not confirmed, 2 no data directory or a file error.
pub fn run(
    args: &ResetArgs,
    data_dir: Option<&Path>,
    now: crate::gateway::time::SimTime,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let Some(dir) = data_dir else {
        writeln!(
            err,
            "there is no data directory to reset\n  hint: pass --data-dir DIR"
        )?;
        return Ok(2);
    };
    let stamp = now.amz_date();
    match &args.module {
        Some(m) => reset_module(m, dir, &stamp, args.yes, input, out, err),
        None => reset_all(dir, &stamp, args.yes, input, out, err),
    }
}

/// The files `--all` clears: results, progress, and copies of them set
/// aside as damaged.
fn files_to_clear(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut v = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(v),
        Err(e) => return Err(e),
    };
    for e in entries {
        let e = e?;
        let name = e.file_name().to_string_lossy().to_string();
        let ours = [RESULTS_FILE, PROGRESS_FILE]
            .iter()
            .any(|f| name == *f || name.starts_with(&format!("{f}.corrupt-")));
        if ours && e.file_type()?.is_file() {
            v.push(e.path());
        }
    }
    v.sort();
    Ok(v)
}

fn backup_note(dir: &Path, stamp: &str) -> String {
    format!(
        "First, every file of the data directory is copied to {}.",
        dir.join(BACKUPS_DIR).join(stamp).display()
    )
}

fn confirm(
    yes: bool,
    question: &str,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> io::Result<bool> {
    if yes {
        return Ok(true);
    }
    write!(out, "{question} Type yes to continue: ")?;
    out.flush()?;
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        writeln!(out)?;
        return Ok(false);
    }
    let a = line.trim().to_ascii_lowercase();
    Ok(a == "yes" || a == "y")
}

/// Copy every regular file at the top of `dir` into
/// `dir/backups/<stamp>/` (or `<stamp>-2` ... if that exists). Returns the folder.
pub fn backup(dir: &Path, stamp: &str) -> io::Result<PathBuf> {
    let root = dir.join(BACKUPS_DIR);
    fs::create_dir_all(&root)?;
    let mut target = root.join(stamp);
    let mut n = 2;
    loop {
        match fs::create_dir(&target) {
            Ok(()) => break,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => {
                target = root.join(format!("{stamp}-{n}"));
                n += 1;
            }
            Err(e) => return Err(e),
        }
    }
    for e in fs::read_dir(dir)? {
        let e = e?;
        if e.file_type()?.is_file() {
            fs::copy(e.path(), target.join(e.file_name()))?;
        }
    }
    Ok(target)
}

fn reset_all(
    dir: &Path,
    stamp: &str,
    yes: bool,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let files = match files_to_clear(dir) {
        Ok(f) => f,
        Err(e) => {
            writeln!(err, "{}: cannot be read: {e}", dir.display())?;
            return Ok(2);
        }
    };
    if files.is_empty() {
        writeln!(
            out,
            "Nothing to clear: {} holds no results or progress.",
            dir.display()
        )?;
        return Ok(0);
    }
    writeln!(
        out,
        "This clears all quiz results and lesson progress in {}:",
        dir.display()
    )?;
    for f in &files {
        writeln!(
            out,
            "  {}",
            f.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        )?;
    }
    if !confirm(yes, &backup_note(dir, stamp), input, out)? {
        writeln!(out, "Nothing was changed.")?;
        return Ok(1);
    }
    let saved = match backup(dir, stamp) {
        Ok(p) => p,
        Err(e) => {
            writeln!(
                err,
                "the backup could not be written: {e}; nothing was cleared"
            )?;
            return Ok(2);
        }
    };
    for f in &files {
        if let Err(e) = fs::remove_file(f) {
            writeln!(err, "{}: cannot be removed: {e}", f.display())?;
            return Ok(2);
        }
    }
    writeln!(
        out,
        "Cleared {} file{}. The backup is in {}.",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        saved.display()
    )?;
    Ok(0)
}

fn reset_module(
    module: &str,
    dir: &Path,
    stamp: &str,
    yes: bool,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let path = dir.join(RESULTS_FILE);
    let mut res = match results::load(&path) {
        Ok(Loaded::Ok(r)) => r,
        Ok(Loaded::Missing(_)) => {
            writeln!(
                out,
                "Nothing to clear: there are no results yet ({}).",
                path.display()
            )?;
            return Ok(0);
        }
        Ok(Loaded::Corrupt {
            moved_to, problem, ..
        }) => {
            writeln!(
                err,
                "{}: could not be read ({problem}); it was moved to {}, so there are no results to clear",
                path.display(),
                moved_to.display()
            )?;
            return Ok(2);
        }
        Err(e) => {
            writeln!(err, "{}: cannot be read: {e}", path.display())?;
            return Ok(2);
        }
    };
    let attempts = res.attempts_for(module).count();
    if attempts == 0 && !res.boxes.contains_key(module) {
        writeln!(
            out,
            "Nothing to clear: there are no results for module `{module}` in {}.",
            path.display()
        )?;
        return Ok(0);
    }
    writeln!(
        out,
        "This clears module `{module}` in {}: {attempts} attempt{} and its review history.",
        path.display(),
        if attempts == 1 { "" } else { "s" }
    )?;
    if !confirm(yes, &backup_note(dir, stamp), input, out)? {
        writeln!(out, "Nothing was changed.")?;
        return Ok(1);
    }
    let saved = match backup(dir, stamp) {
        Ok(p) => p,
        Err(e) => {
            writeln!(
                err,
                "the backup could not be written: {e}; nothing was cleared"
            )?;
            return Ok(2);
        }
    };
    res.reset_module(module);
    if let Err(e) = results::save(&path, &res) {
        writeln!(err, "{}: cannot be written: {e}", path.display())?;
        return Ok(2);
    }
    writeln!(
        out,
        "Cleared module `{module}`. The backup is in {}.",
        saved.display()
    )?;
    Ok(0)
}
