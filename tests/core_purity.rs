//! The simulator core and the quiz engine stay pure: no terminal, command
//! line, file system, wall clock or unseeded randomness.

use std::path::Path;

const FORBIDDEN: &[&str] = &[
    "ratatui",
    "crossterm",
    "clap",
    "std::fs",
    "std::time",
    "SystemTime",
    "Instant::now",
    "thread_rng",
    "rand::rng()",
    "from_os_rng",
    "std::env",
    "std::process",
    "std::io::stdin",
];

fn scan(dir: &Path, hits: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            scan(&p, hits);
            continue;
        }
        if p.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        // Unit tests may use what they like.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let l = line.trim_start();
            if l.starts_with("//") {
                continue;
            }
            for f in FORBIDDEN {
                if l.contains(f) {
                    hits.push(format!("{}:{}: uses `{f}`", p.display(), n + 1));
                }
            }
        }
    }
}

#[test]
fn gateway_and_quiz_have_no_io_clock_or_terminal() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut hits = Vec::new();
    scan(&root.join("src/gateway"), &mut hits);
    scan(&root.join("src/quiz"), &mut hits);
    scan(&root.join("src/demo"), &mut hits);
    assert!(
        hits.is_empty(),
        "the pure core must not use these:\n{}",
        hits.join("\n")
    );
}

#[test]
fn the_scanner_catches_a_forbidden_import() {
    let dir = std::env::temp_dir().join(format!("gatelab-purity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bad.rs"),
        "use std::time::Instant;\nfn f() { let _ = Instant::now(); }\n",
    )
    .unwrap();
    let mut hits = Vec::new();
    scan(&dir, &mut hits);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(hits.len(), 2, "{hits:?}");
}
