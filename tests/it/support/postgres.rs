//! The test PostgreSQL: `STEPPAY_TEST_POSTGRES_URL`, which `.ci/run` sets after starting a
//! throw-away server (`.ci/postgres.sh`; `source` it to get one by hand).

use chrono::Utc;

/// The test server's URL, or `None` after printing that `test` is skipped. When `CI` is set
/// a missing URL fails the test instead: in CI the PostgreSQL tests must run.
pub fn test_url(test: &str) -> Option<String> {
    let Ok(url) = std::env::var("STEPPAY_TEST_POSTGRES_URL") else {
        if std::env::var_os("CI").is_some() {
            panic!("STEPPAY_TEST_POSTGRES_URL is not set, but CI is: the PostgreSQL tests must run in CI");
        }
        println!("skipped: STEPPAY_TEST_POSTGRES_URL not set ({test})");
        return None;
    };
    Some(url)
}

/// A schema name for `test` that no other test or test process uses (tests run in
/// parallel, and the inbox tests in several processes).
pub fn unique_schema(test: &str) -> String {
    let unique = std::process::id() as u64 * 1_000_003 + Utc::now().timestamp_subsec_nanos() as u64;
    format!("t_{test}_{unique:x}")
}
