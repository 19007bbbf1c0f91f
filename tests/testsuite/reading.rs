//! Reading: how the built archive reads in a browser. The margin notes of every
//! report stay beside their words at 1280 px, and axe-core finds no violation on
//! any page at 375 and 1280 px in either colour scheme
//! (`tests/browser/reading.spec.mjs`), plus the page structure those rely on.
//!
//! The browser tests need node, `node_modules/playwright-core` and
//! `node_modules/axe-core` (`npm ci --ignore-scripts`) and Chromium at
//! /usr/bin/chromium (or `$CHROMIUM`), so a plain `cargo test` ignores them;
//! `.ci/run` runs them with `cargo test -- --ignored`.

use crate::support::{free_port, repo, TestSite};

/// Builds the repository's own archive for `http://127.0.0.1:<port>/archive/`
/// and runs the reading spec's `scenario` against it.
fn run_browser(scenario: &str) {
    assert!(
        repo().join("node_modules/axe-core/axe.min.js").is_file(),
        "node_modules/axe-core missing (run `npm ci --ignore-scripts`)"
    );
    let site = TestSite::from_repo();
    let port = free_port();
    site.build_ok(&[
        "--no-search",
        "--base-url",
        &format!("http://127.0.0.1:{port}/archive/"),
    ]);
    crate::support::run_browser_spec(&site, "reading.spec.mjs", scenario, &[], port);
}

#[test]
#[ignore = "needs node, playwright-core and Chromium; .ci/run runs it"]
fn browser_every_margin_note_of_the_archive_sits_within_300px_of_its_words() {
    run_browser("notes");
}

#[test]
#[ignore = "needs node, playwright-core and Chromium; .ci/run runs it"]
fn browser_axe_core_finds_no_violation_on_any_page_in_either_width_or_theme() {
    run_browser("axe");
}
