//! Search: the `/search/` page, the Pagefind bundle `annals build` writes (and
//! `--no-search` skips), and browser tests that type queries on the built site.
//!
//! The browser tests need `node_modules/playwright-core` (`npm ci --ignore-scripts`)
//! and Chromium at /usr/bin/chromium (or `$CHROMIUM`), so they are ignored by a
//! plain `cargo test`; `.ci/run` runs them with `cargo test -- --ignored`.

use std::collections::BTreeMap;
use std::fs;
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use crate::support::{repo, TestSite};

/// Every file under `dir`, relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            out.insert(rel.replace('\\', "/"), fs::read(e.path()).unwrap());
        }
    }
    out
}

#[test]
fn build_writes_the_search_page_and_the_pagefind_bundle_under_the_base_path() {
    let site = TestSite::new("search");
    site.build_with_search_ok(&["--base-url", "https://example.org/archive/"]);

    let bundle = tree(&site.out("pagefind"));
    for f in [
        "pagefind.js",
        "pagefind-worker.js",
        "pagefind-entry.json",
        "wasm.en.pagefind",
    ] {
        assert!(
            bundle.contains_key(f),
            "pagefind/{f} missing: {:?}",
            bundle.keys()
        );
    }
    let count = |pred: &dyn Fn(&str) -> bool| bundle.keys().filter(|k| pred(k)).count();
    assert_eq!(count(&|k| k.ends_with(".pf_meta")), 1);
    assert!(count(&|k| k.starts_with("index/") && k.ends_with(".pf_index")) >= 1);
    assert!(count(&|k| k.starts_with("filter/") && k.ends_with(".pf_filter")) >= 1);
    // What the page never loads is left out.
    for k in bundle.keys() {
        assert!(
            !(k.contains("-ui") || k.contains("highlight") || k.contains("playground")),
            "unexpected {k}"
        );
        assert_ne!(k, "wasm.unknown.pagefind");
    }
    // One record per report, agreement, clause comparison, party and page:
    // 3 + 2 + 1 + 4 + 1.
    assert_eq!(count(&|k| k.starts_with("fragment/")), 11);
    let entry: serde_json::Value = serde_json::from_slice(&bundle["pagefind-entry.json"]).unwrap();
    assert_eq!(entry["languages"]["en"]["page_count"], 11, "{entry}");

    let page = site.read("search/index.html");
    for needle in [
        r#"data-bundle="/archive/pagefind/""#,
        r#"<script type="module" src="/archive/search.js"></script>"#,
        r#"<form class="search-form" role="search" action="/archive/search/" method="get" hidden>"#,
        r#"<select id="search-party" name="party" data-filter="party">"#,
        r#"<option value="United Kingdom">United Kingdom</option>"#,
        r#"<option value="2015">2015</option>"#,
        r#"<option value="UK–China 2015">UK–China 2015</option>"#,
        r#"<a href="/archive/timeline/">Timeline</a>"#,
        "<noscript>",
    ] {
        assert!(page.contains(needle), "search page lacks {needle}:\n{page}");
    }
    assert!(site.out("search.js").is_file());
    // Every page's header links to it.
    for p in ["index.html", "articles/2015-10-22-britain-signs/index.html"] {
        assert!(
            site.read(p)
                .contains(r#"<a href="/archive/search/">Search</a>"#),
            "{p} has no header link to the search page"
        );
    }
}

#[test]
fn no_search_skips_the_index_but_keeps_the_page() {
    let site = TestSite::new("search");
    let run = site.build_with_search_ok(&["--no-search"]);
    assert!(run.stdout.starts_with("built "), "{}", run.stdout);
    assert!(
        !site.out("pagefind").exists(),
        "--no-search wrote pagefind/"
    );
    let page = site.read("search/index.html");
    assert!(page.contains("built without its search index"), "{page}");
    assert!(!page.contains("search.js"), "{page}");
    // Then a full build adds it, and --no-search again takes it away.
    site.build_with_search_ok(&[]);
    assert!(site.out("pagefind/pagefind.js").is_file());
    site.build_with_search_ok(&["--no-search"]);
    assert!(!site.out("pagefind").exists());
}

#[test]
fn the_index_is_byte_identical_from_run_to_run() {
    let site = TestSite::new("search");
    site.build_with_search_ok(&[]);
    let first = tree(&site.out("pagefind"));
    site.build_with_search_ok(&[]);
    let second = tree(&site.out("pagefind"));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (k, v) in &first {
        assert!(second[k] == *v, "pagefind/{k} differs between two builds");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_index() {
    let site = TestSite::new("search");
    site.build_with_search_ok(&[]);
    let before = tree(&site.out("pagefind"));
    site.edit(
        "content/articles/2015-10-30-germany-talks.md",
        "parties: [de, cn]",
        "parties: [de, cn, atlantis]",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(tree(&site.out("pagefind")), before);
}

#[test]
fn check_builds_no_index() {
    let site = TestSite::new("search");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.root().join("public").exists());
}

#[test]
fn records_carry_the_page_words_notes_filters_and_dates() {
    let site = TestSite::new("search");
    let mut config = annals::config::SiteConfig::load(site.root()).expect("site.yaml");
    config.base_url = "https://example.org/archive/".into();
    let (content, diags) = annals::content::load(site.root(), false);
    assert!(diags
        .iter()
        .all(|d| d.severity != annals::diagnostics::Severity::Error));
    let (archive, _) = annals::resolve::resolve(config, content);
    let records = annals::search::records(&archive);
    let by_url = |u: &str| {
        records
            .iter()
            .find(|r| r.url == u)
            .unwrap_or_else(|| panic!("no record for {u}"))
    };

    let r = by_url("/archive/articles/2015-10-30-germany-talks/");
    assert_eq!(r.title, "Germany and China open talks");
    assert_eq!(r.filters["kind"], ["Report"]);
    assert_eq!(r.filters["party"], ["Germany", "China"]);
    assert_eq!(r.filters["year"], ["2015"]);
    assert_eq!(r.filters["tag"], ["diplomacy"]);
    assert_eq!(r.sort["date"], "2015-10-30");
    assert_eq!(r.shown["date"], "2015-10-30");
    assert!(r.body.contains("Berlin seeks a pledge"), "{}", r.body);
    assert!(
        r.body.contains(r#"<section id="note-1" data-pagefind-title="Note 1 (Context) on “a pledge like London&#39;s”">"#)
            || r.body.contains(r#"<section id="note-1" data-pagefind-title="Note 1 (Context) on “a pledge like London's”">"#),
        "{}",
        r.body
    );
    assert!(r.body.contains("aboard a zeppelin"), "{}", r.body);
    // Reference numbers are not words.
    assert!(
        r.body.contains(r#"<sup data-pagefind-ignore="all""#),
        "{}",
        r.body
    );

    let html = r.to_html("en");
    assert_eq!(html.matches("data-pagefind-meta=").count(), 1, "{html}");

    let g = by_url("/archive/agreements/uk-china-2015/");
    assert_eq!(g.filters["kind"], ["Agreement"]);
    assert_eq!(g.filters["agreement"], ["UK–China 2015"]);
    assert!(
        g.body.contains("Same clause, without one word."),
        "{}",
        g.body
    );
    assert!(
        g.body.contains("agree not to conduct or support"),
        "{}",
        g.body
    );

    let c = by_url("/archive/clauses/ip-theft/");
    assert_eq!(c.title, "Clause: IP theft");
    assert_eq!(c.filters["kind"], ["Clause"]);
    assert_eq!(c.sort["date"], "2015-09-25");

    let p = by_url("/archive/parties/uk/");
    assert_eq!(p.filters["party"], ["United Kingdom"]);
    assert!(p.sort.is_empty());
    by_url("/archive/about/");
    assert_eq!(records.len(), 11);
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Builds `site` for `http://127.0.0.1:<port>/archive/` and runs the browser
/// spec's `scenario` against it.
fn run_browser(site: &TestSite, scenario: &str) {
    let node = crate::support::browser_tools();
    let port = free_port();
    site.build_with_search_ok(&["--base-url", &format!("http://127.0.0.1:{port}/archive/")]);
    let out = Command::new(node)
        .arg(repo().join("tests/browser/search.spec.mjs"))
        .arg(scenario)
        .arg(site.root().join("public"))
        .args(["--port", &port.to_string(), "--prefix", "/archive/"])
        .current_dir(repo())
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "browser test `{scenario}` failed:\n{report}"
    );
    eprintln!("{report}");
}

#[test]
#[ignore = "needs node, playwright-core and Chromium; .ci/run runs it"]
fn browser_typing_a_query_finds_titles_and_a_party_filter_narrows_them() {
    run_browser(&TestSite::new("search"), "fixture");
}

#[test]
#[ignore = "needs node, playwright-core and Chromium; .ci/run runs it"]
fn browser_full_archive_finds_the_seed_report_the_uk_china_statement_and_a_note() {
    let site = TestSite::from_repo();
    // The note test needs a word found in one note and nowhere else.
    let mut files = 0;
    for e in walkdir::WalkDir::new(site.root().join("content")) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let text = fs::read_to_string(e.path()).unwrap().to_lowercase();
            files += text.matches("menupass").count();
        }
    }
    assert_eq!(
        files, 1,
        "“MenuPass” should occur once in content/, in a note"
    );
    run_browser(&site, "archive");
}
