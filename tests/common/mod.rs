//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `tests/fixtures`, whatever the working directory.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every `*.json` file directly in `dir` (relative to `tests/fixtures`), sorted by name,
/// as (file name, bytes).
pub fn json_files(dir: &str) -> Vec<(String, Vec<u8>)> {
    let dir = fixtures_dir().join(dir);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {name}: {e}"));
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

/// The 27 realistic bodies, one per event type.
pub fn event_fixtures() -> Vec<(String, Vec<u8>)> {
    let files = json_files("");
    assert_eq!(files.len(), 27, "expected one fixture per event type");
    files
}

/// Every body that must parse: the 27 realistic ones, the minimal ones and the edge cases.
pub fn all_valid_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut files = event_fixtures();
    for dir in ["minimal", "edge"] {
        let more = json_files(dir);
        assert!(!more.is_empty(), "no fixtures in {dir}");
        files.extend(
            more.into_iter()
                .map(|(name, bytes)| (format!("{dir}/{name}"), bytes)),
        );
    }
    files
}
