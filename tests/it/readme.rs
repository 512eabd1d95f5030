//! The README's Rust examples are the crate docs' doctests: every ```rust block of README.md
//! must appear, line for line, in src/crate_docs.md once rustdoc's hidden `# ` lines are
//! dropped. The doctests compile and run them (the axum one under `--all-features`).

const README: &str = include_str!("../../README.md");
const CRATE_DOCS: &str = include_str!("../../src/crate_docs.md");

/// The bodies of the code blocks whose info string starts with `rust`, without rustdoc's
/// hidden lines.
fn rust_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.starts_with("```rust") => current = Some(Vec::new()),
            None => {}
            Some(_) if line == "```" => blocks.push(current.take().unwrap_or_default().join("\n")),
            Some(_) if line == "#" || line.starts_with("# ") => {}
            Some(lines) => lines.push(line),
        }
    }
    blocks
}

#[test]
fn every_readme_example_is_a_doctest() {
    let readme = rust_blocks(README);
    let docs = rust_blocks(CRATE_DOCS);
    assert_eq!(
        readme.len(),
        5,
        "README examples: usage, verifying, handling, inbox on SQLite, inbox on PostgreSQL"
    );
    for block in &readme {
        assert!(
            docs.iter().any(|doc| doc.trim() == block.trim()),
            "this README example is not a doctest in src/crate_docs.md:\n{block}"
        );
    }
}

#[test]
fn hidden_lines_are_dropped_and_blocks_are_separated() {
    let markdown =
        "text\n```rust\na\n# hidden\n#\nb\n```\n```sh\nnot rust\n```\n```rust,no_run\nc\n```\n";
    assert_eq!(rust_blocks(markdown), ["a\nb", "c"]);
}
