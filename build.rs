//! Rebuild when course files are added or removed: include_dir alone only
//! notices edits to files it already embedded.

fn main() {
    for dir in [
        "lessons",
        "quizzes",
        "assets/scenarios",
        "assets/demos",
        "assets/keys",
    ] {
        println!("cargo:rerun-if-changed={dir}");
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                println!("cargo:rerun-if-changed={}", e.path().display());
            }
        }
    }
}
