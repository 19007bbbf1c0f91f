//! The live server's incremental rebuild gives byte-for-byte the site a clean
//! full build gives, after every kind of edit.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::support::TestSite;
use annals::serve::session::{Rebuild, Session};

fn as_map(outputs: BTreeMap<String, std::sync::Arc<Vec<u8>>>) -> BTreeMap<String, Vec<u8>> {
    outputs
        .into_iter()
        .map(|(k, v)| (k, v.as_ref().clone()))
        .collect()
}

/// Compares the incremental session with a clean build of the same files.
fn assert_same_as_full_build(site: &TestSite, session: &Session, step: &str) {
    assert!(
        !session.diagnostics().has_errors(),
        "{step}: {}",
        session.diagnostics().render_human()
    );
    let fresh = Session::new(site.root(), false, None);
    let inc = as_map(session.outputs());
    let full = as_map(fresh.outputs());
    let inc_keys: Vec<&String> = inc.keys().collect();
    let full_keys: Vec<&String> = full.keys().collect();
    assert_eq!(inc_keys, full_keys, "{step}: different file lists");
    for (k, v) in &full {
        assert!(
            inc[k] == *v,
            "{step}: {k} differs from a clean build:\n--- incremental\n{}\n--- clean\n{}",
            String::from_utf8_lossy(&inc[k])
                .chars()
                .take(3000)
                .collect::<String>(),
            String::from_utf8_lossy(v)
                .chars()
                .take(3000)
                .collect::<String>()
        );
    }
    // And the clean in-memory build equals what `annals build` writes (serve
    // keeps the search index too).
    site.build_with_search_ok(&[]);
    let mut on_disk: BTreeMap<String, Vec<u8>> = site.snapshot_output().into_iter().collect();
    on_disk.remove(".annals-output");
    let disk_keys: Vec<&String> = on_disk.keys().collect();
    assert_eq!(
        disk_keys, full_keys,
        "{step}: serve files differ from `annals build`"
    );
    for (k, v) in &full {
        assert!(on_disk[k] == *v, "{step}: {k} differs from `annals build`");
    }
}

#[test]
fn incremental_rebuilds_equal_a_clean_build_after_each_edit() {
    let site = TestSite::new("basic");
    let mut s = Session::new(site.root(), false, None);
    assert_same_as_full_build(&site, &s, "initial");
    let gen0 = s.generation();

    // Change a report.
    let report = "content/articles/2015-10-22-uk-china-deal.md";
    site.edit(
        report,
        "The UK copies the US deal.",
        "The UK copies the American deal.",
    );
    let r = s.apply(&[PathBuf::from(report)]);
    assert!(r.changed > 0 && s.generation() > gen0);
    assert!(
        r.rendered <= r.planned / 2,
        "rendered {} of {} pages for one report",
        r.rendered,
        r.planned
    );
    assert!(
        r.rendered >= 5,
        "the report, its lists, tags, parties and agreements re-render"
    );
    assert_same_as_full_build(&site, &s, "change");

    // Body-only edits: one after the notes (the modules are skipped), one that
    // shifts the notes' positions (the notes index and JSON-LD must follow).
    site.edit(
        report,
        "[^1]: As reported.",
        "[^1]: As reported at the time.",
    );
    s.apply(&[PathBuf::from(report)]);
    assert_same_as_full_build(&site, &s, "body edit after the notes");
    site.edit(report, "The deal mirrors", "The new deal mirrors");
    s.apply(&[PathBuf::from(report)]);
    assert_same_as_full_build(&site, &s, "body edit moving the notes");

    // A new title: the links to it, in bodies and notes, show it.
    site.edit(
        "content/agreements/first-pact.md",
        "short_title: First pact",
        "short_title: The First Pact",
    );
    s.apply(&[PathBuf::from("content/agreements/first-pact.md")]);
    assert_same_as_full_build(&site, &s, "title of a linked agreement");

    // Move the report to another year and swap one of its tags: both years,
    // both tags and the indexes follow.
    site.edit(report, "date: 2015-10-22", "date: 2014-06-01");
    site.edit(
        report,
        "tags: [economic-espionage, attribution]",
        "tags: [economic-espionage, indictment]",
    );
    s.apply(&[PathBuf::from(report)]);
    assert_same_as_full_build(&site, &s, "move between years and tags");
    site.edit(report, "date: 2014-06-01", "date: 2015-10-22");
    s.apply(&[PathBuf::from(report)]);
    assert_same_as_full_build(&site, &s, "move back");

    // Add a report with a new tag.
    let added = "content/articles/2016-02-02-new-report.md";
    site.write(added, "---\ntitle: A new report\ndate: 2016-02-02\nsource:\n  publisher: X\n  url: https://example.org/new\nsummary: New.\nagreements: [third-pact]\nparties: [\"no\"]\ntags: [brand-new]\nannotations:\n  - quote: fresh words\n    kind: context\n    note: A note.\n---\nSome fresh words about [[third-pact]].\n");
    s.apply(&[PathBuf::from(added)]);
    assert!(s.get("tags/brand-new/index.html").is_some());
    assert_same_as_full_build(&site, &s, "add");

    // Rename it (write-to-new, delete-old, as editors' tools do).
    let renamed = "content/articles/2016-02-02-renamed-report.md";
    std::fs::rename(site.root().join(added), site.root().join(renamed)).unwrap();
    s.apply(&[PathBuf::from(added), PathBuf::from(renamed)]);
    assert!(s.get("articles/2016-02-02-new-report/index.html").is_none());
    assert_same_as_full_build(&site, &s, "rename");

    // Delete it: its tag page goes too.
    std::fs::remove_file(site.root().join(renamed)).unwrap();
    s.apply(&[site.root().join(renamed)]);
    assert!(s.get("tags/brand-new/index.html").is_none());
    assert_same_as_full_build(&site, &s, "delete");

    // Change a page template, then a shared one.
    site.edit(
        "templates/party.html",
        "<p class=\"kicker\">Party",
        "<p class=\"kicker\">Party (edited)",
    );
    let r = s.apply(&[PathBuf::from("templates/party.html")]);
    assert!(s
        .get("parties/no/index.html")
        .unwrap()
        .windows(8)
        .any(|w| w == b"(edited)"));
    assert_eq!(
        r.rendered, 6,
        "only the party pages use party.html (four parties, two with a second page of reports)"
    );
    assert_same_as_full_build(&site, &s, "page template");
    site.edit(
        "templates/base.html",
        "Skip to content",
        "Skip to the content",
    );
    s.apply(&[PathBuf::from("templates/base.html")]);
    assert_same_as_full_build(&site, &s, "base template");

    // An error keeps the last good pages and reports it; fixing it clears it.
    site.edit(report, "kind: context", "kind: contxt");
    let before = as_map(s.outputs());
    s.apply(&[PathBuf::from(report)]);
    assert!(s.diagnostics().has_errors());
    assert!(as_map(s.outputs()) == before);
    site.edit(report, "kind: contxt", "kind: context");
    s.apply(&[PathBuf::from(report)]);
    assert_same_as_full_build(&site, &s, "fixed");

    // site.yaml starts over.
    site.edit(
        "site.yaml",
        "title: Fixture archive",
        "title: Renamed archive",
    );
    s.apply(&[PathBuf::from("site.yaml")]);
    assert_same_as_full_build(&site, &s, "site.yaml");
}

/// `annals serve` serves an edit's pages at once and renders the modules
/// (timeline, feeds, data, search index) on another thread from a copy of the
/// site, while the next edit comes in: whatever order the copies finish in,
/// the end state is the clean build's.
#[test]
fn modules_rendered_later_from_copies_equal_a_clean_build() {
    let site = TestSite::new("basic");
    let mut s = Session::new(site.root(), false, None);
    let report = "content/articles/2015-10-22-uk-china-deal.md";
    let data_before = s.get("data/archive.json").unwrap();

    site.edit(report, "sign a deal", "sign a new deal");
    let (_, first) = s.apply_pages(&[PathBuf::from(report)]);
    let page = s
        .get("articles/2015-10-22-uk-china-deal/index.html")
        .unwrap();
    assert!(
        String::from_utf8_lossy(&page).contains("sign a new deal"),
        "the page is served before the modules render"
    );
    assert!(
        s.get("data/archive.json").unwrap() == data_before,
        "the modules wait for their job"
    );
    let first = s.module_job(first).expect("a job for the modules");

    // A second edit comes in before the first edit's modules are done.
    site.edit(report, "date: 2015-10-22", "date: 2014-06-01");
    let (_, second) = s.apply_pages(&[PathBuf::from(report)]);
    let mut second = s.module_job(second).expect("a job for the modules");

    let mut r = Rebuild::default();
    let t = std::time::Instant::now();
    s.publish_modules(first.run(), &mut r, t);
    assert!(r.changed > 0);
    s.publish_modules(second.run(), &mut r, t);
    assert_same_as_full_build(&site, &s, "modules from two copies in turn");

    // Jobs queued behind a running one merge: the newest copy renders the
    // routes of both.
    site.edit(report, "sign a new deal", "sign a deal");
    let (_, third) = s.apply_pages(&[PathBuf::from(report)]);
    let third = s.module_job(third).expect("a job for the modules");
    site.edit(report, "date: 2014-06-01", "date: 2015-10-22");
    let (_, fourth) = s.apply_pages(&[PathBuf::from(report)]);
    second = s.module_job(fourth).expect("a job for the modules");
    second.absorb(third);
    s.publish_modules(second.run(), &mut r, t);
    assert_same_as_full_build(&site, &s, "merged jobs");

    // A page a job renders that a later edit removed stays removed.
    let tags = "tags: [economic-espionage, attribution]";
    site.edit(
        report,
        tags,
        "tags: [economic-espionage, attribution, brand-new]",
    );
    let (_, added) = s.apply_pages(&[PathBuf::from(report)]);
    let added = s.module_job(added).expect("a job for the modules");
    site.edit(
        report,
        "tags: [economic-espionage, attribution, brand-new]",
        tags,
    );
    let (_, removed) = s.apply_pages(&[PathBuf::from(report)]);
    let removed = s.module_job(removed).expect("a job for the modules");
    s.publish_modules(added.run(), &mut r, t);
    assert!(s.get("tags/brand-new/index.html").is_none());
    s.publish_modules(removed.run(), &mut r, t);
    assert_same_as_full_build(&site, &s, "a removed tag's page from an older job");
}
