//! The integration test suite: one binary (as mdBook does), one module per area,
//! each building fixture sites from `tests/fixtures/` with the real `annals` binary.
//! Tests that need tools from outside Rust (Java, Chromium) are `#[ignore]`d with
//! the reason; `.ci/run` runs them explicitly with `cargo test -- --ignored`.

#[macro_use]
mod support;

mod actors;
mod anchoring_props;
mod annotations;
mod citations;
mod clauses;
mod corrections;
mod cross_links;
mod data_schema;
mod diagnostics;
mod editorial;
mod feeds_and_data;
mod fuzz;
mod history;
mod html_valid;
mod large_archive;
mod limits;
mod link_check;
mod list_pages;
mod new_command;
mod pipeline;
mod reading;
mod regressions;
mod search;
mod security;
mod serve_http;
mod serve_incremental;
mod serve_plan;
mod sources;
mod timeline;
