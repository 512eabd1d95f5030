//! The integration tests: one binary, a module per concern. Fixtures live in
//! `tests/fixtures` and are loaded through `support`.

mod support;

mod api;
mod bad_input;
mod capture;
mod cli;
mod dispatch;
mod inbox;
mod is_test;
mod legacy;
mod logging;
mod parse;
mod realworld;
mod receive;
mod roundtrip;
mod server_actix;
mod server_axum;
mod signature;
mod testing;
