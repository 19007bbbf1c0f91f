//! Search: the `/search/` page, the Pagefind bundle `annals build` writes (and
//! `--no-search` skips), and browser tests that type queries on the built site.
//!
//! The browser tests need `node_modules/playwright-core` (`npm ci --ignore-scripts`)
//! and Chromium at /usr/bin/chromium (or `$CHROMIUM`), so they are ignored by a
//! plain `cargo test`; `.ci/run` runs them with `cargo test -- --ignored`.

use std::collections::BTreeMap;
use std::fs;

use std::path::Path;
use std::process::Command;

use crate::support::{free_port, TestSite};

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
    // One Pagefind bundle per shard: years newest first, then the undated.
    for shard in ["2017", "2015", "2014", "undated"] {
        for f in ["pagefind.js", "pagefind-entry.json", "wasm.en.pagefind"] {
            assert!(
                bundle.contains_key(&format!("{shard}/{f}")),
                "pagefind/{shard}/{f} missing: {:?}",
                bundle.keys()
            );
        }
    }
    // The list the page loads first: key, pages and words of each shard.
    assert_eq!(
        bundle
            .keys()
            .filter(|k| !k.contains('/'))
            .collect::<Vec<_>>(),
        ["shards.json"]
    );
    let list: serde_json::Value = serde_json::from_slice(&bundle["shards.json"]).unwrap();
    let keys: Vec<&str> = list["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["2017", "2015", "2014", "undated"]);
    assert_eq!(list["shards"][1]["pages"], 6, "{list}");
    // Each shard's pagefind-entry.json comes with the list (one request, not one per shard).
    let entry: serde_json::Value =
        serde_json::from_slice(&bundle["2015/pagefind-entry.json"]).unwrap();
    assert_eq!(list["shards"][1]["entry"], entry, "{list}");
    let count = |pred: &dyn Fn(&str) -> bool| bundle.keys().filter(|k| pred(k)).count();
    assert_eq!(count(&|k| k.ends_with(".pf_meta")), 4);
    assert!(count(&|k| k.contains("/index/") && k.ends_with(".pf_index")) >= 4);
    assert!(count(&|k| k.contains("/filter/") && k.ends_with(".pf_filter")) >= 4);
    // What the page never loads is left out.
    for k in bundle.keys() {
        assert!(
            !(k.contains("-ui") || k.contains("highlight") || k.contains("playground")),
            "unexpected {k}"
        );
        assert!(!k.ends_with("wasm.unknown.pagefind"), "unexpected {k}");
    }
    // One record per report, agreement, clause comparison, party and page:
    // 5 + 2 + 1 + 4 + 1, each in the shard of its year.
    assert_eq!(count(&|k| k.contains("/fragment/")), 13);
    let pages = |shard: &str| {
        let entry: serde_json::Value =
            serde_json::from_slice(&bundle[&format!("{shard}/pagefind-entry.json")]).unwrap();
        entry["languages"]["en"]["page_count"].as_u64().unwrap()
    };
    assert_eq!(["2017", "2015", "2014", "undated"].map(pages), [1, 6, 1, 5]);

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
    assert!(site.out("pagefind/2015/pagefind.js").is_file());
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
    let (content, diags) = annals::content::load(site.root(), false, annals::markdown::Html::Now);
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
    assert_eq!(records.len(), 13);
}

/// Runs annals in `site` with extra environment variables: (exit code, stderr).
fn run_env(site: &TestSite, args: &[&str], env: &[(&str, &str)]) -> crate::support::Run {
    let out = Command::new(env!("CARGO_BIN_EXE_annals"))
        .args(args)
        .arg("--root")
        .arg(site.root())
        .current_dir(site.root())
        .envs(env.iter().copied())
        .output()
        .unwrap();
    crate::support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The shards a build indexed anew, from its `ANNALS_TIMINGS` log.
fn indexed_shards(stderr: &str) -> Vec<String> {
    let mut v: Vec<String> = stderr
        .lines()
        .filter_map(|l| l.split("search: indexed shard ").nth(1))
        .map(|rest| rest.split(' ').next().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn a_warm_build_reindexes_only_the_edited_shard_and_writes_the_bytes_of_a_clean_build() {
    let site = TestSite::new("search");
    let run = run_env(&site, &["build"], &[("ANNALS_TIMINGS", "1")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        indexed_shards(&run.stderr),
        ["2014", "2015", "2017", "undated"]
    );
    // Nothing changed: every shard comes from the cache.
    let run = run_env(&site, &["build"], &[("ANNALS_TIMINGS", "1")]);
    assert_eq!(indexed_shards(&run.stderr), Vec::<String>::new());
    site.edit(
        "content/articles/2014-06-10-early-warning.md",
        "a pact was more",
        "a pact was still more",
    );
    let run = run_env(&site, &["build"], &[("ANNALS_TIMINGS", "1")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(indexed_shards(&run.stderr), ["2014"]);
    let warm = tree(&site.out("pagefind"));
    // A clean build (no cache) writes the same bytes.
    fs::remove_dir_all(site.root().join(".annals-cache")).unwrap();
    let run = run_env(&site, &["build"], &[("ANNALS_TIMINGS", "1")]);
    assert_eq!(indexed_shards(&run.stderr).len(), 4);
    assert_eq!(tree(&site.out("pagefind")), warm);
}

#[test]
fn a_damaged_cache_entry_is_rebuilt_not_trusted() {
    let site = TestSite::new("search");
    site.build_with_search_ok(&[]);
    let clean = tree(&site.out("pagefind"));
    let entry = site.root().join(".annals-cache/search/2015.shard");
    let mut bytes = fs::read(&entry).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    fs::write(&entry, &bytes).unwrap();
    let run = run_env(&site, &["build"], &[("ANNALS_TIMINGS", "1")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(indexed_shards(&run.stderr), ["2015"]);
    assert_eq!(tree(&site.out("pagefind")), clean);
}

#[test]
fn serve_reindexes_only_the_shard_of_an_edited_report() {
    use annals::serve::session::Session;
    let site = TestSite::new("search");
    let mut session = Session::new(site.root(), false, None);
    assert!(session.get("pagefind/2015/pagefind.js").is_some());
    site.edit(
        "content/articles/2015-10-30-germany-talks.md",
        "officials said",
        "officials said on Friday",
    );
    let r = session.apply(&[site
        .root()
        .join("content/articles/2015-10-30-germany-talks.md")]);
    assert_eq!(r.search_shards, ["2015"]);
    // A report in a new year makes a new shard and leaves the others alone.
    fs::write(
        site.root().join("content/articles/2019-01-02-new-year.md"),
        fs::read_to_string(
            site.root()
                .join("content/articles/2017-05-04-two-years-on.md"),
        )
        .unwrap()
        .replace("date: 2017-05-04", "date: 2019-01-02")
        .replace("Two years on", "Three years on"),
    )
    .unwrap();
    let r = session.apply(&[site.root().join("content/articles/2019-01-02-new-year.md")]);
    assert_eq!(r.search_shards, ["2019"]);
    let fresh = Session::new(site.root(), false, None);
    let pick = |s: &Session| -> BTreeMap<String, Vec<u8>> {
        s.outputs()
            .into_iter()
            .filter(|(k, _)| k.starts_with("pagefind/") || k == "search/index.html")
            .map(|(k, v)| (k, v.to_vec()))
            .collect()
    };
    assert_eq!(pick(&session), pick(&fresh));
}

/// The JSON text of a Pagefind fragment file (gzipped, `pagefind_dcd` first).
fn fragment_text(gz: &[u8]) -> String {
    use std::io::Read as _;
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut text)
        .unwrap();
    text.strip_prefix("pagefind_dcd").unwrap().to_string()
}

#[test]
fn serve_answers_an_edit_with_an_overlay_then_reindexes_only_its_shard() {
    use annals::serve::session::Session;
    let site = TestSite::new("search");
    let mut session = Session::new(site.root(), false, None);
    let root = session.root().to_path_buf();
    annals::search::use_overlays(&root);
    let before = session.outputs();
    let report = "content/articles/2015-10-30-germany-talks.md";
    site.edit(report, "officials said", "officials said over wombat stew");
    let r = session.apply(&[site.root().join(report)]);
    // Only the edited record is indexed, as the overlay, at once.
    assert_eq!(r.search_shards, ["overlay"]);
    let list: serde_json::Value =
        serde_json::from_slice(&session.get("pagefind/shards.json").unwrap()).unwrap();
    assert_eq!(list["overlay"]["key"], "overlay", "{list}");
    assert_eq!(list["overlay"]["pages"], 1, "{list}");
    let hidden = list["overlay"]["hide"].as_object().unwrap();
    assert_eq!(hidden.keys().collect::<Vec<_>>(), ["2015"], "{list}");
    let ids = hidden["2015"].as_array().unwrap();
    assert_eq!(ids.len(), 1, "{list}");
    // The hidden page is the report as it was; the overlay has it as it is.
    let old = fragment_text(
        &session
            .get(&format!(
                "pagefind/2015/fragment/{}.pf_fragment",
                ids[0].as_str().unwrap()
            ))
            .unwrap(),
    );
    assert!(old.contains("/articles/2015-10-30-germany-talks/") && !old.contains("wombat"));
    let outputs = session.outputs();
    let overlay: Vec<String> = outputs
        .iter()
        .filter(|(k, _)| k.starts_with("pagefind/overlay/fragment/"))
        .map(|(_, v)| fragment_text(v))
        .collect();
    assert!(
        overlay.len() == 1 && overlay[0].contains("wombat"),
        "{overlay:?}"
    );
    // Every shard's files are as they were until the shard is indexed again.
    for (k, v) in &before {
        if k.starts_with("pagefind/20") || k.starts_with("pagefind/undated/") {
            assert!(outputs.get(k) == Some(v), "{k} changed");
        }
    }
    // Then the shard is indexed off the session, and the index rendered again
    // is a clean build's: no overlay left.
    assert!(annals::search::has_pending(&root));
    assert_eq!(annals::search::finish_pending(&root), ["2015"]);
    assert!(!annals::search::has_pending(&root));
    let r = session.refresh_search();
    assert_eq!(r.search_shards, ["2015"]);
    assert!(r.rendered_files.iter().all(|f| f.starts_with("pagefind/")));
    let pick = |s: &Session| -> BTreeMap<String, Vec<u8>> {
        s.outputs()
            .into_iter()
            .filter(|(k, _)| k.starts_with("pagefind/"))
            .map(|(k, v)| (k, v.to_vec()))
            .collect()
    };
    let served = pick(&session);
    assert!(!served.keys().any(|k| k.contains("overlay")));
    assert_eq!(served, pick(&Session::new(site.root(), false, None)));
}

/// Builds `site` for `http://127.0.0.1:<port>/archive/` and runs the browser
/// spec's `scenario` against it.
fn run_browser(site: &TestSite, scenario: &str) {
    run_browser_with(site, scenario, &[], free_port())
}

fn run_browser_with(site: &TestSite, scenario: &str, extra: &[&str], port: u16) {
    site.build_with_search_ok(&["--base-url", &format!("http://127.0.0.1:{port}/archive/")]);
    crate::support::run_browser_spec(site, "search.spec.mjs", scenario, extra, port);
}

#[test]
#[ignore = "needs node, playwright-core and Chromium; .ci/run runs it"]
fn browser_typing_a_query_finds_titles_and_a_party_filter_narrows_them() {
    run_browser(&TestSite::new("search"), "fixture");
}

#[test]
#[ignore = "needs node, playwright-core and Chromium; .ci/run runs it"]
fn browser_an_overlay_of_edits_is_searched_in_place_of_the_stale_records() {
    use annals::serve::session::Session;
    let site = TestSite::new("search");
    let port = free_port();
    let mut session = Session::new(
        site.root(),
        false,
        Some(format!("http://127.0.0.1:{port}/archive/")),
    );
    annals::search::use_overlays(session.root());
    let report = "content/articles/2015-10-30-germany-talks.md";
    site.edit(report, "aboard a zeppelin", "aboard a blimp");
    site.edit(
        report,
        "officials said",
        "officials said over wombat stew, citing the pact",
    );
    let r = session.apply(&[site.root().join(report)]);
    assert_eq!(r.search_shards, ["overlay"]);
    // The site as the server has it until the shard is indexed again.
    let public = site.root().join("public");
    for (path, bytes) in session.outputs() {
        let file = public.join(&path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, &*bytes).unwrap();
    }
    crate::support::run_browser_spec(&site, "search.spec.mjs", "overlay", &[], port);
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
            files += text.matches("apparatus").count();
        }
    }
    assert_eq!(
        files, 1,
        "“apparatus” should occur once in content/, in a note (MenuPass, used before, is now an alias of an actor)"
    );
    run_browser(&site, "archive");
}

#[test]
#[ignore = "needs node, playwright-core and Chromium; .ci/run runs it"]
fn browser_the_sharded_index_ranks_30_queries_as_a_single_index_does() {
    let site = TestSite::from_repo();
    let port = free_port();
    let single = site.root().join("single");
    let run = run_env(
        &site,
        &[
            "build",
            "--out",
            single.to_str().unwrap(),
            "--base-url",
            &format!("http://127.0.0.1:{port}/archive/"),
        ],
        &[("ANNALS_SEARCH_SINGLE", "1")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list: serde_json::Value =
        serde_json::from_slice(&fs::read(single.join("pagefind/shards.json")).unwrap()).unwrap();
    let keys: Vec<&str> = list["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["all"]);
    run_browser_with(
        &site,
        "ranking",
        &["--single", single.to_str().unwrap()],
        port,
    );
}
