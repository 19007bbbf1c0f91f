//! Tag, year and party pages paginate at the site's `per_page`, as the reports
//! list does: `/tags/<tag>/`, `/tags/<tag>/page/2/` … (`/years/<year>/page/N/`,
//! `/parties/<code>/page/N/`),
//! newest first, each page linked to its neighbours with `rel` links, every
//! page in the sitemap; a tag with no more than `per_page` reports keeps its
//! one page. An agreement's coverage goes on past its first page
//! (`/agreements/<slug>/page/N/`) and the agreements table pages too
//! (`/agreements/page/N/`), so no page grows with the archive.

use crate::support::TestSite;

/// Adds five reports of Norway tagged `bulk`, one a day from 2017-01-01
/// (the fixture's `per_page` is 2: three pages).
fn add_bulk(site: &TestSite) {
    for i in 1..=5 {
        site.write(
            &format!("content/articles/2017-01-0{i}-bulk-{i}.md"),
            &format!("---\ntitle: Bulk report {i}\ndate: 2017-01-0{i}\nsource:\n  publisher: X\n  url: https://example.org/bulk/{i}\nsummary: Bulk.\nparties: [no]\ntags: [bulk]\n---\nWords.\n"),
        );
    }
}

/// The report links of a list page, in order.
fn report_links(html: &str) -> Vec<String> {
    html.split("class=\"item-title\"><a href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|href| href.starts_with("/articles/"))
        .map(str::to_string)
        .collect()
}

#[test]
fn tag_pages_paginate_at_per_page_with_links_between_them() {
    let site = TestSite::new("basic");
    add_bulk(&site);
    site.build_ok(&["--no-search"]);
    let pages = [
        site.read("tags/bulk/index.html"),
        site.read("tags/bulk/page/2/index.html"),
        site.read("tags/bulk/page/3/index.html"),
    ];
    assert!(!site.out("tags/bulk/page/4/index.html").exists());
    assert!(
        !site.out("tags/bulk/page/1/index.html").exists(),
        "page 1 is the tag's own URL"
    );
    // Every report on exactly one page, newest first across the pages.
    let links: Vec<String> = pages.iter().flat_map(|p| report_links(p)).collect();
    let expected: Vec<String> = (1..=5)
        .rev()
        .map(|i| format!("/articles/2017-01-0{i}-bulk-{i}/"))
        .collect();
    assert_eq!(links, expected);
    // Links between neighbours.
    assert!(pages[0].contains("<a href=\"/tags/bulk/page/2/\" rel=\"next\">"));
    assert!(!pages[0].contains("rel=\"prev\""));
    assert!(pages[0].contains("Page 1 of 3"));
    assert!(pages[1].contains("<a href=\"/tags/bulk/\" rel=\"prev\">"));
    assert!(pages[1].contains("<a href=\"/tags/bulk/page/3/\" rel=\"next\">"));
    assert!(pages[2].contains("<a href=\"/tags/bulk/page/2/\" rel=\"prev\">"));
    assert!(!pages[2].contains("rel=\"next\""));
    // Each page has a title of its own, and its own canonical URL.
    assert!(pages[1].contains("<h1>Tagged “bulk”, page 2 of 3</h1>"));
    assert!(pages[1]
        .contains("<link rel=\"canonical\" href=\"https://example.org/tags/bulk/page/2/\">"));
    // The sitemap lists every page.
    let sitemap = site.read("sitemap.xml");
    for rel in ["tags/bulk/", "tags/bulk/page/2/", "tags/bulk/page/3/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://example.org/{rel}</loc>")),
            "{rel} in the sitemap"
        );
    }
    // A tag with no more reports than `per_page` keeps one page, without navigation.
    let small = site.read("tags/indictment/index.html");
    assert_eq!(report_links(&small).len(), 1);
    assert!(!small.contains("class=\"pagination\""));
    assert!(!site.out("tags/indictment/page").exists());
}

#[test]
fn party_pages_go_on_with_their_reports_past_the_first_page() {
    let site = TestSite::new("basic");
    add_bulk(&site);
    site.build_ok(&["--no-search"]);
    let first = site.read("parties/no/index.html");
    let second = site.read("parties/no/page/2/index.html");
    let third = site.read("parties/no/page/3/index.html");
    assert!(!site.out("parties/no/page/4/index.html").exists());
    // The first page is the party's: its text, its agreements, two reports.
    assert!(first.contains("About Norway."));
    assert!(first.contains("<a href=\"/agreements/third-pact/\">"));
    assert_eq!(
        report_links(&first),
        [
            "/articles/2017-01-05-bulk-5/",
            "/articles/2017-01-04-bulk-4/"
        ]
    );
    assert!(first.contains("<a href=\"/parties/no/page/2/\" rel=\"next\">"));
    // The next pages: its further reports, linked back to the party.
    assert_eq!(
        report_links(&second),
        [
            "/articles/2017-01-03-bulk-3/",
            "/articles/2017-01-02-bulk-2/"
        ]
    );
    assert_eq!(report_links(&third), ["/articles/2017-01-01-bulk-1/"]);
    for page in [&second, &third] {
        assert!(!page.contains("About Norway."), "the party's text once");
        assert!(!page.contains("agr-heading"), "its agreements once");
        assert!(page.contains("<a href=\"/parties/no/\">Norway</a>"));
    }
    assert!(second.contains("<h1 id=\"title\">Norway, reports page 2 of 3</h1>"));
    assert!(second.contains("<a href=\"/parties/no/\" rel=\"prev\">"));
    assert!(third.contains("<a href=\"/parties/no/page/2/\" rel=\"prev\">"));
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/parties/no/page/3/</loc>"));
}

#[test]
fn year_pages_paginate_at_per_page() {
    let site = TestSite::new("basic");
    add_bulk(&site);
    site.build_ok(&["--no-search"]);
    let pages = [
        site.read("years/2017/index.html"),
        site.read("years/2017/page/2/index.html"),
        site.read("years/2017/page/3/index.html"),
    ];
    assert!(!site.out("years/2017/page/4/index.html").exists());
    let links: Vec<String> = pages.iter().flat_map(|p| report_links(p)).collect();
    assert_eq!(links.len(), 5, "every report of 2017 on exactly one page");
    assert_eq!(
        links
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        5
    );
    assert!(pages[0].contains("<a href=\"/years/2017/page/2/\" rel=\"next\">"));
    assert!(pages[2].contains("<a href=\"/years/2017/page/2/\" rel=\"prev\">"));
    assert!(pages[1].contains("<h1>Reports from 2017, page 2 of 3</h1>"));
    assert!(site
        .read("sitemap.xml")
        .contains("<loc>https://example.org/years/2017/page/3/</loc>"));
    // 2014 has one report: one page, no navigation.
    assert!(!site
        .read("years/2014/index.html")
        .contains("class=\"pagination\""));
}

/// Adds five reports covering the third pact, one a day from 2017-02-01
/// (at two a page: three pages of coverage).
fn add_coverage(site: &TestSite) {
    for i in 1..=5 {
        site.write(
            &format!("content/articles/2017-02-0{i}-cover-{i}.md"),
            &format!("---\ntitle: Cover report {i}\ndate: 2017-02-0{i}\nsource:\n  publisher: X\n  url: https://example.org/cover/{i}\nsummary: Covers it.\nparties: [no]\nagreements: [third-pact]\n---\nWords.\n"),
        );
    }
}

#[test]
fn agreement_pages_go_on_with_their_coverage_past_the_first_page() {
    let site = TestSite::new("basic");
    add_coverage(&site);
    site.build_ok(&["--no-search"]);
    let pages = [
        site.read("agreements/third-pact/index.html"),
        site.read("agreements/third-pact/page/2/index.html"),
        site.read("agreements/third-pact/page/3/index.html"),
    ];
    assert!(!site.out("agreements/third-pact/page/4/index.html").exists());
    assert!(!site.out("agreements/third-pact/page/1/index.html").exists());
    // Every report on exactly one page, oldest first across the pages.
    let links: Vec<String> = pages.iter().flat_map(|p| report_links(p)).collect();
    let expected: Vec<String> = (1..=5)
        .map(|i| format!("/articles/2017-02-0{i}-cover-{i}/"))
        .collect();
    assert_eq!(links, expected);
    // The first page is the agreement's, complete: its facts, text and
    // relations, and says which share of the coverage it shows.
    let first = &pages[0];
    assert!(first.contains("<h1 id=\"title\">The third pact between Norway and China</h1>"));
    assert!(first.contains("The third pact."), "its text");
    assert!(first.contains("relations-heading"), "its relations");
    assert!(first.contains("<dl class=\"facts\">"));
    assert!(first.contains("5 reports, grouped by what they say about it; oldest first. Page 1 of 3 shows reports 1–2."));
    assert!(first.contains("Other coverage <span class=\"count\">(5)</span>"));
    assert!(first.contains("<a href=\"/agreements/third-pact/page/2/\" rel=\"next\">"));
    assert!(!first.contains("rel=\"prev\""));
    assert!(first.contains("<span>Page 1 of 3</span>"));
    // The next pages: only their share of the coverage, linked back.
    for (n, page) in [(2, &pages[1]), (3, &pages[2])] {
        assert!(!page.contains("The third pact.</p>"), "the text once");
        assert!(!page.contains("relations-heading"), "the relations once");
        assert!(!page.contains("<dl class=\"facts\">"));
        assert!(page.contains(&format!(
            "<h1 id=\"title\">The third pact between Norway and China, coverage page {n} of 3</h1>"
        )));
        assert!(page.contains(
            "<p class=\"kicker\"><a href=\"/agreements/third-pact/\">Third pact</a> · Agreement"
        ));
        assert!(page.contains("Other coverage, continued <span class=\"count\">(5)</span>"));
        assert!(page.contains(&format!(
            "<link rel=\"canonical\" href=\"https://example.org/agreements/third-pact/page/{n}/\">"
        )));
    }
    assert!(pages[1].contains("Page 2 of 3 shows reports 3–4."));
    assert!(pages[1].contains("<a href=\"/agreements/third-pact/\" rel=\"prev\">"));
    assert!(pages[2].contains("Page 3 of 3 shows reports 5–5."));
    assert!(!pages[2].contains("rel=\"next\""));
    // Only the first page has citation files.
    assert!(site.out("agreements/third-pact/cite.bib").exists());
    assert!(!site.out("agreements/third-pact/page/2/cite.bib").exists());
    let sitemap = site.read("sitemap.xml");
    for rel in [
        "agreements/third-pact/page/2/",
        "agreements/third-pact/page/3/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>https://example.org/{rel}</loc>")),
            "{rel}"
        );
    }
    // An agreement covered by no more than `per_page` reports keeps one page.
    let second = site.read("agreements/second-pact/index.html");
    assert!(!second.contains("class=\"pagination\""));
    assert!(!second.contains(" shows reports "));
    assert!(!site.out("agreements/second-pact/page").exists());
}

#[test]
fn the_agreements_table_paginates_at_table_rows() {
    let site = TestSite::new("basic");
    site.build_ok(&["--no-search"]);
    // Three agreements at two a page (`table_rows: 2`), oldest first.
    let first = site.read("agreements/index.html");
    let second = site.read("agreements/page/2/index.html");
    assert!(!site.out("agreements/page/3/index.html").exists());
    let rows = |html: &str| -> Vec<String> {
        html.split("<th scope=\"row\"><a href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        rows(&first),
        ["/agreements/first-pact/", "/agreements/second-pact/"]
    );
    assert_eq!(rows(&second), ["/agreements/third-pact/"]);
    assert!(first.contains("<a href=\"/agreements/page/2/\" rel=\"next\">Later →</a>"));
    assert!(second.contains("<a href=\"/agreements/\" rel=\"prev\">← Earlier</a>"));
    assert!(second.contains("<h1>Agreements, page 2 of 2</h1>"));
    assert!(site
        .read("sitemap.xml")
        .contains("<loc>https://example.org/agreements/page/2/</loc>"));
    // Zero rows a page is an error at its line in site.yaml.
    site.edit("site.yaml", "table_rows: 2", "table_rows: 0");
    let r = site.run(&["build", "--no-search"]);
    assert_eq!(r.code, 1, "table_rows: 0 fails the build");
    assert!(
        r.stderr.contains("site.yaml:") && r.stderr.contains("table_rows must be at least 1"),
        "{}",
        r.stderr
    );
}

/// The live server's files, compared with a clean in-memory build of the same
/// content.
fn assert_same_as_clean(site: &TestSite, s: &annals::serve::session::Session, step: &str) {
    let fresh = annals::serve::session::Session::new(site.root(), false, None);
    let inc = s.outputs();
    let full = fresh.outputs();
    assert_eq!(
        inc.keys().collect::<Vec<_>>(),
        full.keys().collect::<Vec<_>>(),
        "{step}: different file lists"
    );
    for (k, v) in &full {
        assert!(inc[k] == *v, "{step}: {k} differs from a clean build");
    }
}

#[test]
fn serve_opens_and_closes_a_tags_second_page_as_a_clean_build_does() {
    let site = TestSite::new("basic");
    add_bulk(&site);
    let third = "content/articles/2017-01-03-bulk-3.md";
    let third_text = std::fs::read_to_string(site.root().join(third)).unwrap();
    std::fs::remove_file(site.root().join(third)).unwrap();
    std::fs::remove_file(site.root().join("content/articles/2017-01-04-bulk-4.md")).unwrap();
    std::fs::remove_file(site.root().join("content/articles/2017-01-05-bulk-5.md")).unwrap();
    // Two reports tagged `bulk` at two a page: one page.
    let mut s = annals::serve::session::Session::new(site.root(), false, None);
    assert!(s.get("tags/bulk/index.html").is_some());
    assert!(s.get("tags/bulk/page/2/index.html").is_none());
    // A third opens the second page of the tag, of the year and of Norway.
    site.write(third, &third_text);
    s.apply(&[std::path::PathBuf::from(third)]);
    for page in ["tags/bulk", "years/2017", "parties/no"] {
        assert!(
            s.get(&format!("{page}/page/2/index.html")).is_some(),
            "{page}/page/2/"
        );
    }
    assert_same_as_clean(&site, &s, "third report");
    // Deleting it closes them again.
    std::fs::remove_file(site.root().join(third)).unwrap();
    s.apply(&[std::path::PathBuf::from(third)]);
    assert!(s.get("tags/bulk/page/2/index.html").is_none());
    assert_same_as_clean(&site, &s, "deleted");
}

#[test]
fn serve_moves_reports_between_an_agreements_coverage_pages_as_a_clean_build_does() {
    let site = TestSite::new("basic");
    add_coverage(&site);
    let mut s = annals::serve::session::Session::new(site.root(), false, None);
    assert!(s.get("agreements/third-pact/page/3/index.html").is_some());
    // The oldest report becomes the newest: every page of the coverage moves.
    let first = "content/articles/2017-02-01-cover-1.md";
    site.edit(first, "date: 2017-02-01", "date: 2017-02-09");
    s.apply(&[std::path::PathBuf::from(first)]);
    assert_same_as_clean(&site, &s, "oldest made newest");
    // A sixth report opens a fourth page; deleting it closes it again.
    let sixth = "content/articles/2017-02-07-cover-6.md";
    site.write(
        sixth,
        "---\ntitle: Cover report 6\ndate: 2017-02-07\nsource:\n  publisher: X\n  url: https://example.org/cover/6\nsummary: Covers it.\nparties: [no]\nagreements: [third-pact]\n---\nWords.\n",
    );
    s.apply(&[std::path::PathBuf::from(sixth)]);
    assert!(s.get("agreements/third-pact/page/3/index.html").is_some());
    site.write(
        "content/articles/2017-02-08-cover-7.md",
        "---\ntitle: Cover report 7\ndate: 2017-02-08\nsource:\n  publisher: X\n  url: https://example.org/cover/7\nsummary: Covers it.\nparties: [no]\nagreements: [third-pact]\n---\nWords.\n",
    );
    s.apply(&[std::path::PathBuf::from(
        "content/articles/2017-02-08-cover-7.md",
    )]);
    assert!(s.get("agreements/third-pact/page/4/index.html").is_some());
    assert_same_as_clean(&site, &s, "seventh report");
    std::fs::remove_file(site.root().join(sixth)).unwrap();
    s.apply(&[std::path::PathBuf::from(sixth)]);
    assert!(s.get("agreements/third-pact/page/4/index.html").is_none());
    assert_same_as_clean(&site, &s, "sixth deleted");
    // A report that only links to the agreement joins the list in a group of its own.
    let linking = "content/articles/2015-10-22-uk-china-deal.md";
    site.edit(
        linking,
        "[^1]: As reported.",
        "[^1]: As reported; see [[third-pact]].",
    );
    s.apply(&[std::path::PathBuf::from(linking)]);
    assert_same_as_clean(&site, &s, "a link");
}
