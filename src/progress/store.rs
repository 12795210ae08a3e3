//! JSON files that survive crashes: writes go to a temporary file in the
//! same directory, are flushed to disk, then renamed over the target (and
//! the directory entry is flushed too). A file that cannot be read is
//! renamed aside as `<name>.corrupt-<n>` rather than overwritten.

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Highest `n` tried for `<name>.corrupt-<n>` before giving up.
const MAX_CORRUPT_COPIES: u32 = 10_000;

/// The outcome of loading a file.
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded<T> {
    /// No file yet: the default value.
    Missing(T),
    /// The file was read.
    Ok(T),
    /// The file could not be read; it was moved to `moved_to` and the
    /// default value is returned. Tell the learner.
    Corrupt {
        /// The default value.
        value: T,
        /// Where the unreadable file now is.
        moved_to: PathBuf,
        /// Why it could not be read.
        problem: String,
    },
}

impl<T> Loaded<T> {
    /// The value, whatever happened.
    pub fn into_value(self) -> T {
        match self {
            Loaded::Missing(v) | Loaded::Ok(v) | Loaded::Corrupt { value: v, .. } => v,
        }
    }

    /// The value, whatever happened.
    pub fn value(&self) -> &T {
        match self {
            Loaded::Missing(v) | Loaded::Ok(v) | Loaded::Corrupt { value: v, .. } => v,
        }
    }
}

fn file_name(path: &Path) -> io::Result<String> {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_string)
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{}` is not a file path", path.display()),
            )
        })
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Write `value` as pretty JSON to `path` atomically: either the old file or
/// the complete new one is there after a crash, never a mix.
pub fn save_json_atomic<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    bytes.push(b'\n');
    save_bytes_atomic(path, &bytes)
}

/// Write text to `path` atomically (a lab saved as a scenario file, an export).
pub fn save_text_atomic(path: &Path, text: &str) -> io::Result<()> {
    save_bytes_atomic(path, text.as_bytes())
}

/// Write to a temporary file in the same directory, sync it, rename it over
/// `path` and sync the directory: a crash leaves the old file or the new one,
/// never a half-written one.
fn save_bytes_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = file_name(path)?;
    let dir = parent(path);
    fs::create_dir_all(dir)?;
    // One temporary name per process, so two instances never share one.
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let write = || -> io::Result<()> {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        sync_dir(dir)
    };
    let result = write();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Directories cannot be opened for syncing here; the rename is already durable enough.
    Ok(())
}

/// Read JSON from `path`. A missing file gives the default; an unreadable
/// one (bad JSON, truncated, not UTF-8, wrong shape) is moved aside to
/// `<name>.corrupt-<n>` (the first free n) and the default is returned.
/// Errors are real I/O failures (permissions, a failed rename).
pub fn load_json<T: DeserializeOwned + Default>(path: &Path) -> io::Result<Loaded<T>> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Loaded::Missing(T::default())),
        Err(e) => return Err(e),
    };
    match serde_json::from_slice::<T>(&bytes) {
        Ok(v) => Ok(Loaded::Ok(v)),
        Err(e) => {
            let problem = if bytes.is_empty() {
                "the file is empty".to_string()
            } else {
                e.to_string()
            };
            let moved_to = move_aside(path)?;
            Ok(Loaded::Corrupt {
                value: T::default(),
                moved_to,
                problem,
            })
        }
    }
}

/// Rename `path` to `<name>.corrupt-<n>` with the first free `n`, never
/// replacing an existing file.
pub fn move_aside(path: &Path) -> io::Result<PathBuf> {
    let name = file_name(path)?;
    for n in 1..=MAX_CORRUPT_COPIES {
        let target = path.with_file_name(format!("{name}.corrupt-{n}"));
        // A hard link fails if the target exists, so this never clobbers.
        match fs::hard_link(path, &target) {
            Ok(()) => {
                fs::remove_file(path)?;
                sync_dir(parent(path))?;
                return Ok(target);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(_) => {
                // No hard links on this file system: check, then rename.
                if target.exists() {
                    continue;
                }
                fs::rename(path, &target)?;
                sync_dir(parent(path))?;
                return Ok(target);
            }
        }
    }
    Err(io::Error::other(format!(
        "too many copies of {name} already set aside; move some {name}.corrupt-* files away"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn tmpdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("gatelab-store-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn save_then_load_round_trips_and_leaves_no_temp_file() {
        let d = tmpdir("roundtrip");
        let p = d.join("x.json");
        let mut v = BTreeMap::new();
        v.insert("a".to_string(), 1u32);
        save_json_atomic(&p, &v).unwrap();
        assert_eq!(
            load_json::<BTreeMap<String, u32>>(&p).unwrap(),
            Loaded::Ok(v)
        );
        let names: Vec<_> = fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("x.json")]);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn corrupt_copies_get_increasing_numbers() {
        let d = tmpdir("numbers");
        let p = d.join("r.json");
        fs::write(&p, "{").unwrap();
        let first = load_json::<BTreeMap<String, u32>>(&p).unwrap();
        fs::write(&p, "[").unwrap();
        let second = load_json::<BTreeMap<String, u32>>(&p).unwrap();
        let moved = |l: &Loaded<_>| match l {
            Loaded::Corrupt { moved_to, .. } => moved_to.clone(),
            _ => panic!("expected a corrupt file"),
        };
        assert_eq!(moved(&first), d.join("r.json.corrupt-1"));
        assert_eq!(moved(&second), d.join("r.json.corrupt-2"));
        assert_eq!(fs::read_to_string(d.join("r.json.corrupt-1")).unwrap(), "{");
        assert_eq!(fs::read_to_string(d.join("r.json.corrupt-2")).unwrap(), "[");
        assert!(!p.exists());
        fs::remove_dir_all(&d).unwrap();
    }
}
