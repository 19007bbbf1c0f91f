//! The page plan re-renders exactly the outputs that read what an edit
//! changed — no more (so "re-render everything and compare" cannot pass) and no
//! less (serve_incremental checks the bytes against clean builds).

use std::path::PathBuf;

use crate::support::TestSite;
use annals::serve::session::{Rebuild, Session};

const REPORT: &str = "content/articles/2015-10-22-uk-china-deal.md";

/// The files a rebuild rendered, without the search index's bundle (it reads
/// every entry and is rebuilt on any content change of a small archive) and
/// without the citation files, which are checked here to come exactly with
/// their report or agreement page.
fn rendered(r: &Rebuild) -> Vec<&str> {
    let files: Vec<&str> = r
        .rendered_files
        .iter()
        .map(String::as_str)
        .filter(|f| !f.starts_with("pagefind/"))
        .collect();
    let cites: Vec<&str> = files
        .iter()
        .copied()
        .filter(|f| f.contains("/cite."))
        .collect();
    let mut expected: Vec<String> = files
        .iter()
        .filter(|f| {
            (f.starts_with("articles/") || f.starts_with("agreements/"))
                && f.ends_with("/index.html")
                && f.matches('/').count() == 2
        })
        .flat_map(|f| {
            let dir = f.trim_end_matches("index.html").to_string();
            ["bib", "json", "ris"].map(|ext| format!("{dir}cite.{ext}"))
        })
        .collect();
    expected.sort();
    assert_eq!(
        cites, expected,
        "citation files rendered without their page, or missing"
    );
    files
        .into_iter()
        .filter(|f| !f.contains("/cite."))
        .collect()
}

fn edit(site: &TestSite, s: &mut Session, file: &str, from: &str, to: &str) -> Rebuild {
    site.edit(file, from, to);
    let r = s.apply(&[PathBuf::from(file)]);
    assert!(
        !s.diagnostics().has_errors(),
        "{}",
        s.diagnostics().render_human()
    );
    r
}

/// Every file of the modules that read every entry's front matter.
const FRONT_MATTER_MODULES: &[&str] = &[
    ".nojekyll",
    "agreements/first-pact/feed.xml",
    "agreements/second-pact/feed.xml",
    "agreements/third-pact/feed.xml",
    "annotations/index.html",
    "corrections/feed.xml",
    "corrections/index.html",
    "data/actors.csv",
    "data/agreements.csv",
    "data/annotations.jsonld",
    "data/archive.json",
    "data/archive.schema.json",
    "data/index.html",
    "data/relations.csv",
    "feed.xml",
    "robots.txt",
    "search/index.html",
    "sitemap.xml",
    "timeline/agreements/index.html",
    "timeline/cn/index.html",
    "timeline/index.html",
    "timeline/no/index.html",
    "timeline/reports/index.html",
    "timeline/uk/index.html",
    "timeline/us/index.html",
];

fn with_modules(pages: &[&'static str]) -> Vec<&'static str> {
    let mut v: Vec<&str> = pages.iter().chain(FRONT_MATTER_MODULES).copied().collect();
    v.sort();
    v
}

#[test]
fn a_body_edit_re_renders_only_its_page() {
    let site = TestSite::new("basic");
    let mut s = Session::new(site.root(), false, None);
    let r = edit(
        &site,
        &mut s,
        REPORT,
        "[^1]: As reported.",
        "[^1]: As reported at the time.",
    );
    assert_eq!(
        rendered(&r),
        ["articles/2015-10-22-uk-china-deal/index.html"]
    );
    assert!(
        r.rendered_files.iter().any(|f| f.starts_with("pagefind/")),
        "the search index follows the body"
    );
    assert_eq!(
        r.resolved_entries, 1,
        "a body edit resolves its own links, no other entry's"
    );
}

#[test]
fn a_body_edit_that_links_elsewhere_resolves_the_archive_again() {
    let site = TestSite::new("basic");
    let mut s = Session::new(site.root(), false, None);
    let all = s.apply(&[]).resolved_entries;
    let r = edit(
        &site,
        &mut s,
        REPORT,
        "[^1]: As reported.",
        "[^1]: As reported; see [[parties/no]].",
    );
    assert_eq!(
        r.resolved_entries, all,
        "a new link changes the backlinks of its target"
    );
    assert!(
        rendered(&r).contains(&"parties/no/index.html"),
        "the target lists the report among what links to it"
    );
}

#[test]
fn the_pages_of_an_edit_render_before_its_modules() {
    let site = TestSite::new("basic");
    let mut s = Session::new(site.root(), false, None);
    site.edit(
        REPORT,
        "summary: The UK copies the US deal.",
        "summary: The UK copies the American deal.",
    );
    let (r, later) = s.apply_pages(&[PathBuf::from(REPORT)]);
    assert_eq!(
        rendered(&r),
        [
            "agreements/first-pact/index.html",
            "agreements/second-pact/index.html",
            "articles/2015-10-19-firm-says-hacking-continues/index.html",
            "articles/2015-10-22-uk-china-deal/index.html",
            "articles/index.html",
            "index.html",
            "search/index.html",
        ],
        "the pages first, without the modules and the archive-sized lists"
    );
    use annals::urls::Route;
    for m in [
        Route::Timeline,
        Route::Feeds,
        Route::Data,
        Route::SearchIndex,
        Route::Tag("attribution".into(), 1),
        Route::Year(2015, 1),
    ] {
        assert!(later.contains(&m), "{m:?} left to render: {later:?}");
    }
    assert!(later.iter().all(annals::serve::session::deferred));
    // Then the rest: together, what a one-step rebuild renders.
    let mut r = r;
    s.render_modules(&later, &mut r);
    assert!(rendered(&r).contains(&"parties/uk/index.html"));
    assert!(rendered(&r).contains(&"data/archive.json"));
}

#[test]
fn a_note_edit_re_renders_its_page_and_the_notes_modules() {
    let site = TestSite::new("basic");
    let mut s = Session::new(site.root(), false, None);
    let r = edit(
        &site,
        &mut s,
        REPORT,
        "£6 billion for a third",
        "£6bn for a third",
    );
    assert_eq!(
        rendered(&r),
        [
            "annotations/index.html",
            "articles/2015-10-22-uk-china-deal/index.html",
            "corrections/feed.xml",
            "corrections/index.html",
            "data/actors.csv",
            "data/agreements.csv",
            "data/annotations.jsonld",
            "data/archive.json",
            "data/archive.schema.json",
            "data/index.html",
            "data/relations.csv",
        ]
    );
}

#[test]
fn a_summary_edit_re_renders_every_page_that_lists_the_report() {
    let site = TestSite::new("basic");
    let mut s = Session::new(site.root(), false, None);
    let r = edit(
        &site,
        &mut s,
        REPORT,
        "summary: The UK copies the US deal.",
        "summary: The UK copies the American deal.",
    );
    assert_eq!(
        rendered(&r),
        with_modules(&[
            "agreements/first-pact/index.html",
            "agreements/second-pact/index.html",
            "articles/2015-10-19-firm-says-hacking-continues/index.html",
            "articles/2015-10-22-uk-china-deal/index.html",
            "articles/index.html",
            "index.html",
            "parties/cn/index.html",
            "parties/uk/index.html",
            "parties/us/index.html",
            "tags/attribution/index.html",
            "tags/economic-espionage/index.html",
            "years/2015/index.html",
        ])
    );
}

#[test]
fn a_title_edit_also_re_renders_the_pages_that_link_to_it() {
    let site = TestSite::new("basic");
    let mut s = Session::new(site.root(), false, None);
    // first-pact is linked from two reports' bodies and a note.
    let r = edit(
        &site,
        &mut s,
        "content/agreements/first-pact.md",
        "short_title: First pact",
        "short_title: The First Pact",
    );
    assert_eq!(
        rendered(&r),
        with_modules(&[
            "agreements/first-pact/index.html",
            "agreements/index.html",
            "agreements/second-pact/index.html",
            "articles/2015-10-19-firm-says-hacking-continues/index.html",
            "articles/2015-10-22-uk-china-deal/index.html",
            "clauses/index.html",
            "clauses/ip-theft/index.html",
            "index.html",
            "parties/cn/index.html",
            "parties/us/index.html",
        ])
    );
    let all = s.apply(&[]).resolved_entries;
    assert!(
        r.resolved_entries < all,
        "a new title resolves the links of what refers to it, not the archive ({} of {all})",
        r.resolved_entries
    );
}

#[test]
fn a_date_and_tag_move_re_renders_both_years_and_both_tags() {
    let site = TestSite::new("basic");
    let mut s = Session::new(site.root(), false, None);
    site.edit(REPORT, "date: 2015-10-22", "date: 2014-06-01");
    let r = edit(
        &site,
        &mut s,
        REPORT,
        "tags: [economic-espionage, attribution]",
        "tags: [economic-espionage, indictment]",
    );
    assert_eq!(
        rendered(&r),
        with_modules(&[
            "agreements/first-pact/index.html",
            "agreements/second-pact/index.html",
            "articles/2015-10-19-firm-says-hacking-continues/index.html",
            "articles/2015-10-22-uk-china-deal/index.html",
            "articles/index.html",
            "index.html",
            "parties/cn/index.html",
            // The move reorders the parties' reports: every page of them.
            "parties/cn/page/2/index.html",
            "parties/uk/index.html",
            "parties/us/index.html",
            "parties/us/page/2/index.html",
            "tags/attribution/index.html",
            "tags/economic-espionage/index.html",
            "tags/index.html",
            "tags/indictment/index.html",
            "years/2014/index.html",
            "years/2015/index.html",
            "years/index.html",
        ])
    );
}

#[test]
fn a_page_template_edit_re_renders_only_its_pages() {
    let site = TestSite::new("basic");
    let mut s = Session::new(site.root(), false, None);
    let r = edit(
        &site,
        &mut s,
        "templates/party.html",
        "<p class=\"kicker\">Party",
        "<p class=\"kicker\">Party (edited)",
    );
    assert_eq!(
        r.rendered_files,
        [
            "parties/cn/index.html",
            "parties/cn/page/2/index.html",
            "parties/no/index.html",
            "parties/uk/index.html",
            "parties/us/index.html",
            "parties/us/page/2/index.html",
        ]
    );
}

#[test]
fn a_clause_edit_re_renders_its_comparison_and_the_clauses_index() {
    let site = TestSite::new("basic");
    let mut s = Session::new(site.root(), false, None);
    // /clauses/ sums up each comparison, so it changes with any wording.
    let r = edit(
        &site,
        &mut s,
        "content/agreements/second-pact.md",
        "Neither government will conduct",
        "Neither side will conduct",
    );
    let files = rendered(&r);
    for f in ["clauses/index.html", "clauses/ip-theft/index.html"] {
        assert!(files.contains(&f), "{f} not re-rendered: {files:?}");
    }
}

/// Five reports covering the third pact, one a day from 2017-02-01: at two a
/// page (the fixture's `per_page`), its coverage runs over three pages.
fn with_coverage(site: &TestSite) {
    for i in 1..=5 {
        site.write(
            &format!("content/articles/2017-02-0{i}-cover-{i}.md"),
            &format!("---\ntitle: Cover report {i}\ndate: 2017-02-0{i}\nsource:\n  publisher: X\n  url: https://example.org/cover/{i}\nsummary: Covers it.\nparties: [no]\nagreements: [third-pact]\n---\nWords.\n"),
        );
    }
}

/// The pages of the third pact's coverage a rebuild rendered.
fn third_pact_pages(r: &Rebuild) -> Vec<&str> {
    rendered(r)
        .into_iter()
        .filter(|f| f.starts_with("agreements/third-pact/") && f.ends_with("index.html"))
        .collect()
}

#[test]
fn a_report_edit_re_renders_only_the_coverage_page_that_shows_it() {
    let site = TestSite::new("basic");
    with_coverage(&site);
    let mut s = Session::new(site.root(), false, None);
    // A title shows on the one page that lists the report.
    let fifth = "content/articles/2017-02-05-cover-5.md";
    let r = edit(
        &site,
        &mut s,
        fifth,
        "title: Cover report 5",
        "title: Fifth cover",
    );
    assert_eq!(
        third_pact_pages(&r),
        ["agreements/third-pact/page/3/index.html"]
    );
    // A date that swaps two reports of one page re-renders that page only.
    let fourth = "content/articles/2017-02-04-cover-4.md";
    let r = edit(
        &site,
        &mut s,
        fourth,
        "date: 2017-02-04",
        "date: 2017-02-03",
    );
    assert_eq!(
        third_pact_pages(&r),
        ["agreements/third-pact/page/2/index.html"]
    );
    // A date that moves a report to another page re-renders the pages it
    // left and joined, and those it shifted.
    let first = "content/articles/2017-02-01-cover-1.md";
    let r = edit(&site, &mut s, first, "date: 2017-02-01", "date: 2017-02-09");
    assert_eq!(
        third_pact_pages(&r),
        [
            "agreements/third-pact/index.html",
            "agreements/third-pact/page/2/index.html",
            "agreements/third-pact/page/3/index.html",
        ]
    );
    // The agreements table's pages: an agreement's summary re-renders the
    // one page that lists it.
    let r = edit(
        &site,
        &mut s,
        "content/agreements/third-pact.md",
        "summary: A copy of the copy.",
        "summary: A copy of a copy.",
    );
    let table: Vec<&str> = rendered(&r)
        .into_iter()
        .filter(|f| {
            f.starts_with("agreements/") && f.matches('/').count() <= 3 && !f.contains("pact")
        })
        .collect();
    assert_eq!(table, ["agreements/page/2/index.html"]);
}
