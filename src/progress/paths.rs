//! Where learner data lives: `--data-dir DIR` when given, else the
//! platform's data directory for `gatelab` (XDG on Linux and macOS, Known
//! Folders on Windows, via etcetera).

use etcetera::{AppStrategy, AppStrategyArgs, choose_app_strategy};
use std::io;
use std::path::{Path, PathBuf};

/// Application name used for the data directory.
pub const APP_NAME: &str = "gatelab";
/// Quiz results and review boxes.
pub const RESULTS_FILE: &str = "results.json";
/// Lesson progress.
pub const PROGRESS_FILE: &str = "progress.json";

/// The directory holding a learner's files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataDir(PathBuf);

impl DataDir {
    /// Use `override_dir` (from `--data-dir`) when given, else the
    /// platform's data directory. The directory is not created here.
    pub fn resolve(override_dir: Option<&Path>) -> io::Result<DataDir> {
        if let Some(d) = override_dir {
            return Ok(DataDir(d.to_path_buf()));
        }
        let strategy = choose_app_strategy(AppStrategyArgs {
            top_level_domain: "org".to_string(),
            author: APP_NAME.to_string(),
            app_name: APP_NAME.to_string(),
        })
        .map_err(|e| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("cannot find a data directory ({e}); pass --data-dir DIR to choose one"),
            )
        })?;
        Ok(DataDir(strategy.data_dir()))
    }

    /// A data directory at a known path.
    pub fn new(dir: impl Into<PathBuf>) -> DataDir {
        DataDir(dir.into())
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// `results.json` in this directory.
    pub fn results_file(&self) -> PathBuf {
        self.0.join(RESULTS_FILE)
    }

    /// `progress.json` in this directory.
    pub fn progress_file(&self) -> PathBuf {
        self.0.join(PROGRESS_FILE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_wins_and_names_are_fixed() {
        let d = DataDir::resolve(Some(Path::new("/tmp/x"))).unwrap();
        assert_eq!(d.results_file(), Path::new("/tmp/x/results.json"));
        assert_eq!(d.progress_file(), Path::new("/tmp/x/progress.json"));
    }

    #[cfg(unix)]
    #[test]
    fn platform_dir_is_the_xdg_data_dir_of_the_app() {
        let d = DataDir::resolve(None).unwrap();
        assert_eq!(
            d.path().file_name().and_then(|n| n.to_str()),
            Some(APP_NAME)
        );
    }
}
