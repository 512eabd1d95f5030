//! The integration tests: one binary, a module per concern. Fixtures live in
//! `tests/fixtures` and are loaded through `support`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // tests: a panic is a failed assertion

mod support;

mod api;
mod bad_input;
mod capture;
mod cli;
mod cli_inbox;
mod differential;
mod dispatch;
mod formats;
mod hostile;
mod inbox;
mod is_test;
mod legacy;
mod logging;
mod memory;
mod parse;
mod realworld;
mod receive;
mod redaction;
mod roundtrip;
mod server_actix;
mod server_axum;
mod signature;
mod testing;
