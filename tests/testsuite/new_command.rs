//! `annals new report|agreement "Title"`: the file it writes is correctly named,
//! has every required field, passes `annals check --drafts`, and is never written
//! over an existing file.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::support::{Run, TestSite};
use annals::content::model::{AgreementMeta, ArticleMeta};

/// Runs `annals <args>` in `dir` (no `--root` added).
fn annals_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_annals"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The YAML between the `---` lines.
fn front_matter(text: &str) -> &str {
    let rest = text.strip_prefix("---\n").expect("starts with ---");
    &rest[..rest.find("\n---\n").expect("closing ---")]
}

#[test]
fn new_report_and_agreement_pass_check_with_drafts() {
    let site = TestSite::new("basic");
    let r = site.run(&[
        "new",
        "report",
        "UK, China mirror US anti-hacking pact",
        "--date",
        "2015-10-22",
    ]);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    let rel = "content/articles/2015-10-22-uk-china-mirror-us-anti-hacking-pact.md";
    assert_eq!(
        r.stdout.trim(),
        site.root().join(rel).display().to_string(),
        "prints the path written"
    );
    let text = fs::read_to_string(site.root().join(rel)).unwrap();
    let meta: ArticleMeta = serde_yaml::from_str(front_matter(&text)).unwrap();
    assert_eq!(meta.title, "UK, China mirror US anti-hacking pact");
    assert_eq!(meta.date.iso(), "2015-10-22");
    assert!(meta.draft, "a new file is a draft");
    assert!(meta.source.url.starts_with("https://"));
    assert!(!meta.summary.trim().is_empty());
    // Optional fields are shown, commented out.
    for hint in [
        "# relations:",
        "# annotations:",
        "#   - quote:",
        "# date_note:",
    ] {
        assert!(text.contains(hint), "missing `{hint}` in:\n{text}");
    }

    let r = site.run(&[
        "new",
        "agreement",
        "Second UK–China Pact",
        "--date",
        "2016-01-02",
    ]);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    let rel = "content/agreements/second-uk-china-pact.md";
    let text = fs::read_to_string(site.root().join(rel)).unwrap();
    let meta: AgreementMeta = serde_yaml::from_str(front_matter(&text)).unwrap();
    assert_eq!(meta.title, "Second UK–China Pact");
    assert_eq!(meta.date.iso(), "2016-01-02");
    assert!(meta.parties.is_empty());
    // Placeholders come from the fixture's vocabularies (first key of each).
    assert_eq!(meta.form, "joint-statement");
    assert_eq!(meta.status, "active");
    assert!(meta.text_url.starts_with("https://"));
    assert!(meta.draft);
    for hint in ["# relations:", "# clauses:", "mirrors", "contrasts-with"] {
        assert!(text.contains(hint), "missing `{hint}` in:\n{text}");
    }

    // Both new files load, resolve and render.
    let r = site.run(&["check", "--drafts"]);
    assert_eq!(r.code, 0, "check --drafts failed:\n{}", r.stderr);
    assert!(!r.stderr.contains("error:"), "{}", r.stderr);
    // And a build without --drafts leaves them out.
    let r = site.build_ok(&[]);
    assert_eq!(r.code, 0);
    assert!(!site
        .out("agreements/second-uk-china-pact/index.html")
        .exists());
}

#[test]
fn new_files_pass_check_on_the_real_site() {
    let dir = tempfile::tempdir().unwrap();
    let repo = crate::support::repo();
    fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    for d in ["content", "templates", "static"] {
        crate::support::copy_dir(&repo.join(d), &dir.path().join(d));
    }
    let r = annals_in(dir.path(), &["new", "report", "A new report"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let today = jiff::ZonedDateTime::now().date().to_string();
    let rel = format!("content/articles/{today}-a-new-report.md");
    assert_eq!(r.stdout.trim(), rel, "relative path when run in the root");
    assert!(dir.path().join(&rel).is_file());
    let r = annals_in(dir.path(), &["new", "agreement", "A new agreement"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.trim(), "content/agreements/a-new-agreement.md");
    let r = annals_in(dir.path(), &["check", "--drafts"]);
    assert_eq!(r.code, 0, "check --drafts failed:\n{}", r.stderr);
}

#[test]
fn new_refuses_to_overwrite() {
    let site = TestSite::new("basic");
    let path = site.root().join("content/agreements/first-pact.md");
    let before = fs::read(&path).unwrap();
    let r = site.run(&["new", "agreement", "First pact"]);
    assert_eq!(r.code, 2, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert!(r.stderr.contains("first-pact.md"), "{}", r.stderr);
    assert_eq!(fs::read(&path).unwrap(), before, "file left untouched");

    // Twice in a row: the second run refuses.
    let args = ["new", "report", "Same title", "--date", "2015-01-01"];
    assert_eq!(site.run(&args).code, 0);
    let r = site.run(&args);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
}

#[test]
fn new_rejects_bad_dates_titles_and_kinds() {
    let site = TestSite::new("basic");
    for date in [
        "2015-13-01",
        "2015-02-30",
        "22/10/2015",
        "2015-10-22T10:00:00Z",
    ] {
        let r = site.run(&["new", "report", "Title", "--date", date]);
        assert_eq!(r.code, 2, "--date {date}: {}", r.stderr);
        assert!(r.stderr.contains("YYYY-MM-DD"), "{}", r.stderr);
    }
    let r = site.run(&["new", "report", "   "]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("title is empty"), "{}", r.stderr);
    let r = site.run(&["new", "report", "中美网络协议"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--slug"), "{}", r.stderr);
    let r = site.run(&[
        "new",
        "agreement",
        "中美网络协议",
        "--slug",
        "us-china-2015",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(site
        .root()
        .join("content/agreements/us-china-2015.md")
        .is_file());
    let r = site.run(&["new", "agreement", "Title", "--slug", "Not A Slug"]);
    assert_eq!(r.code, 2);
    let r = site.run(&["new", "party", "Title"]);
    assert_eq!(r.code, 2, "clap rejects an unknown kind");
    // Nothing else was written.
    let articles: Vec<_> = fs::read_dir(site.root().join("content/articles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(articles.len(), 4, "{articles:?}");
}

#[test]
fn new_without_site_yaml_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let r = annals_in(dir.path(), &["new", "report", "Title"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("site.yaml"), "{}", r.stderr);
    assert!(!dir.path().join("content").exists());
}

#[test]
fn placeholders_left_in_a_published_file_are_warned_about() {
    let site = TestSite::new("basic");
    let r = site.run(&["new", "report", "Left unfinished", "--date", "2016-03-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rel = "content/articles/2016-03-01-left-unfinished.md";
    site.edit(rel, "draft: true", "draft: false");
    let r = site.run(&["check"]);
    assert_eq!(
        r.code, 0,
        "placeholders warn, they do not fail: {}",
        r.stderr
    );
    for field in ["summary", "source.publisher", "source.url"] {
        assert!(
            r.stderr.contains(&format!(
                "warning: `{field}` still holds the placeholder from `annals new`"
            )),
            "no warning for {field}:\n{}",
            r.stderr
        );
    }
}
