//! Revision history from git: "Last updated" and the latest changes on content
//! pages, read from a fixture repository; none (said once) without full history.

use std::path::Path;
use std::process::Command;

use crate::support::TestSite;

const REPORT: &str = "articles/2015-10-22-uk-china-deal/index.html";
const PACT: &str = "agreements/first-pact/index.html";

/// Runs git in `dir` with fixed identity and dates; returns stdout.
fn git(dir: &Path, date: &str, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Ed Itor", "-c", "user.email=ed@example.org"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The basic fixture as a repository with two commits.
fn repo_site() -> (TestSite, String) {
    let site = TestSite::new("basic");
    let dir = site.root();
    git(dir, "2025-01-02T10:00:00+00:00", &["init", "-q"]);
    git(dir, "2025-01-02T10:00:00+00:00", &["add", "."]);
    git(
        dir,
        "2025-01-02T10:00:00+00:00",
        &["commit", "-q", "-m", "Add the archive"],
    );
    site.edit(
        "content/articles/2015-10-22-uk-china-deal.md",
        "The UK copies the US deal.",
        "The UK copies the US deal, almost word for word.",
    );
    git(
        dir,
        "2025-03-04T09:30:00+00:00",
        &["commit", "-q", "-am", "Sharpen the summary of the UK deal"],
    );
    let head = git(dir, "2025-03-04T09:30:00+00:00", &["rev-parse", "HEAD"]);
    (site, head)
}

#[test]
fn content_pages_show_last_updated_and_their_changes_from_git() {
    let (site, head) = repo_site();
    let r = site.build_ok(&["--no-search"]);
    assert!(!r.stderr.contains("revision history"), "{}", r.stderr);
    let report = site.read(REPORT);
    assert!(
        report.contains(r#"Last updated <time datetime="2025-03-04">"#),
        "{report}"
    );
    assert!(
        report.contains("Sharpen the UK deal’s summary")
            || report.contains("Sharpen the UK deal&#x27;s summary")
            || report.contains("Sharpen the summary of the UK deal")
    );
    assert!(report.contains("Add the archive"));
    let repo = "https://github.com/example/archive";
    assert!(
        report.contains(&format!(r#"href="{repo}/commit/{head}""#)),
        "no link to the commit {head}:\n{report}"
    );
    // Newest first.
    assert!(report.find("Sharpen").unwrap() < report.find("Add the archive").unwrap());
    // A file changed once shows only that change.
    let pact = site.read(PACT);
    assert!(pact.contains(r#"Last updated <time datetime="2025-01-02">"#));
    assert!(!pact.contains("Sharpen"));
}

#[test]
fn a_shallow_clone_builds_without_history_and_says_so_once() {
    let (site, _) = repo_site();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", site.root().display());
    git(
        clone.path(),
        "2025-03-04T09:30:00+00:00",
        &["clone", "-q", "--depth", "1", &url, "site"],
    );
    let out = Command::new(env!("CARGO_BIN_EXE_annals"))
        .args(["build", "--no-search", "--root"])
        .arg(clone.path().join("site"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr.matches("shallow git clone").count(), 1, "{stderr}");
    let page = std::fs::read_to_string(clone.path().join("site/public").join(REPORT)).unwrap();
    assert!(!page.contains("Revision history"));
}

#[test]
fn a_folder_outside_git_builds_without_history_and_says_so_once() {
    let site = TestSite::new("basic");
    let r = site.build_ok(&["--no-search"]);
    assert_eq!(
        r.stderr.matches("not a git checkout").count(),
        1,
        "{}",
        r.stderr
    );
    assert!(!site.read(REPORT).contains("Revision history"));
}
