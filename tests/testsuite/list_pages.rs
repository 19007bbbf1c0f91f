//! Tag, year and party pages paginate at the site's `per_page`, as the reports
//! list does: `/tags/<tag>/`, `/tags/<tag>/page/2/` … (`/years/<year>/page/N/`,
//! `/parties/<code>/page/N/`),
//! newest first, each page linked to its neighbours with `rel` links, every
//! page in the sitemap; a tag with no more than `per_page` reports keeps its
//! one page.

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
