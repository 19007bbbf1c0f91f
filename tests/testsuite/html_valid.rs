//! Every page of the real archive passes the W3C Nu HTML Checker with zero errors.
//!
//! Needs Java and `vnu-jar` from npm, so it is ignored by a plain `cargo test`;
//! `.ci/run` installs both and runs it with `cargo test -- --ignored`.

use std::process::Command;

#[test]
#[ignore = "needs Java and npm's vnu-jar (`npm ci --ignore-scripts`); .ci/run runs it"]
fn every_page_of_the_archive_is_valid_html() {
    let jar = crate::support::vnu_jar();
    let site = crate::support::TestSite::from_repo();
    site.build_ok(&["--base-url", "https://example.github.io/archive/"]);
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "gnu", "--skip-non-html"])
        .arg(site.root().join("public"))
        .output()
        .unwrap();
    let report =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && report.trim().is_empty(),
        "the Nu HTML Checker found errors:\n{report}"
    );
}
