//! Every page of the real archive passes the W3C Nu HTML Checker with zero errors.
//!
//! Needs Java and `vnu-jar` from npm (`npm ci` at the repository root; `.ci/run`
//! does it). Without them the test says so and passes locally, but fails under CI.

mod support;

use std::process::Command;

#[test]
fn every_page_of_the_archive_is_valid_html() {
    let jar = support::repo().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let java_ok = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !jar.is_file() || !java_ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "vnu.jar or java missing under CI: run `npm ci`"
        );
        eprintln!("skipping: run `npm ci` (and install Java) to validate HTML with the Nu checker");
        return;
    }
    let site = support::TestSite::from_repo();
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
