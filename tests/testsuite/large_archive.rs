//! Pages that list the whole archive split once it is large, so no page grows
//! with the archive: the notes index paginates, the timeline's views list
//! their years, each year on a page of its own, and the timeline's chart
//! counts entries per month or year instead of drawing each.

use crate::support::TestSite;

/// Adds `n` small reports with one note each, spread over 2016–2019.
fn add_reports(site: &TestSite, n: usize) {
    for i in 0..n {
        let year = 2016 + i % 4;
        let day = 1 + i % 28;
        site.write(
            &format!("content/articles/{year}-02-{day:02}-bulk-{i}.md"),
            &format!("---\ntitle: Bulk report {i}\ndate: {year}-02-{day:02}\nsource:\n  publisher: X\n  url: https://example.org/bulk/{i}\nsummary: Bulk.\nparties: [us]\nannotations:\n  - quote: plain words\n    kind: context\n    note: Note {i}.\n---\nSome plain words.\n"),
        );
    }
}

#[test]
fn everything_pages_split_when_the_archive_is_large() {
    let site = TestSite::new("basic");
    add_reports(&site, 1600);
    site.build_ok(&["--no-search"]);
    // The notes index: 1,600+ notes at 500 a page.
    let first = site.read("annotations/index.html");
    assert!(
        first.contains("Page 1 of 4"),
        "pagination on the first page"
    );
    file_contains!(site, "annotations/page/4/index.html", "Page 4 of 4");
    let mut seen = 0;
    for n in 1..=4 {
        let rel = if n == 1 {
            "annotations/index.html".to_string()
        } else {
            format!("annotations/page/{n}/index.html")
        };
        seen += site.read(&rel).matches("class=\"note-body\"").count();
    }
    assert!(seen > 1600, "every note on exactly one page: {seen}");
    // The timeline lists years with links; each year has its page.
    let tl = site.read("timeline/index.html");
    assert!(tl.contains("/timeline/2017/"), "years link to their pages");
    assert!(
        !tl.contains("Bulk report 7<"),
        "no entries on the view's page"
    );
    file_contains!(site, "timeline/2017/index.html", "Bulk report 1<");
    file_contains!(site, "timeline/us/2018/index.html", "Bulk report 2<");
    // No page of the site grows with the archive.
    for entry in walkdir::WalkDir::new(site.root().join("public")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|x| x == "html") {
            let len = entry.metadata().unwrap().len();
            assert!(len < 1_000_000, "{} is {len} bytes", entry.path().display());
        }
    }
}

/// Adds `n` agreements of `us`, all signed in March 2017.
fn add_agreements(site: &TestSite, n: usize) {
    for i in 0..n {
        site.write(
            &format!("content/agreements/bulk-pact-{i}.md"),
            &format!("---\ntitle: Bulk pact {i}\nshort_title: Bulk pact {i}\ndate: 2017-03-{:02}\nparties: [us]\nform: joint-statement\nstatus: active\ntext_url: https://example.org/pact/{i}\nsummary: Bulk.\n---\nA pact.\n", 1 + i % 28),
        );
    }
}

/// The inline `<svg …>…</svg>` of a page.
fn svg_of(html: &str) -> &str {
    let start = html.find("<svg").expect("page has an <svg>");
    let end = html[start..].find("</svg>").expect("<svg> is closed") + start;
    &html[start..end]
}

#[test]
fn timeline_chart_counts_entries_above_the_thresholds() {
    let site = TestSite::new("basic");
    add_reports(&site, 1600);
    add_agreements(&site, 70);
    // Ten reports of China, 2000–2009: the whole timeline spans twenty years.
    for y in 2000..2010 {
        site.write(
            &format!("content/articles/{y}-06-01-early.md"),
            &format!("---\ntitle: Early report {y}\ndate: {y}-06-01\nsource:\n  publisher: X\n  url: https://example.org/early/{y}\nsummary: Early.\nparties: [cn]\n---\nEarly words.\n"),
        );
    }
    site.build_ok(&["--no-search"]);
    let tl = site.read("timeline/index.html");
    let svg = svg_of(&tl);
    // No report has a mark of its own: 1,600 reports are four bars, one per
    // year, each linked to its year's page (the list is split by year).
    assert!(!svg.contains("/articles/"), "no mark per report");
    assert!(
        svg.contains(
            "<a href=\"/timeline/2017/\" tabindex=\"-1\" aria-label=\"2017: 400 reports\">"
        ),
        "a bar per year, linked to the year: {svg}"
    );
    // 73 agreements: only the three in a relation (third → second → first)
    // have rows; all are counted.
    for pact in ["First pact", "Second pact", "Third pact"] {
        assert!(svg.contains(&format!(">{pact}</text>")), "{pact}");
    }
    assert!(!svg.contains("Bulk pact"), "no row without a relation");
    assert!(svg.contains("aria-label=\"2017: 70 agreements\""), "{svg}");
    assert!(
        tl.contains("the Agreements row counts the agreements per year (the tallest bar is 70)")
    );
    assert!(tl.contains("the bottom row counts the reports per year (the tallest bar is 400)"));
    // The chart's size does not depend on the number of entries.
    assert!(svg.len() < 20_000, "the chart is {} bytes", svg.len());
    // A view spanning a few years (the United States': 2014–2019) counts per month.
    let us = site.read("timeline/us/index.html");
    let svg = svg_of(&us);
    assert!(
        svg.contains("aria-label=\"February 2017: 400 reports\""),
        "{svg}"
    );
    assert!(svg.contains("aria-label=\"March 2017: 70 agreements\""));
    assert!(svg.contains("href=\"/timeline/us/2017/\""));
    assert!(svg.len() < 20_000, "the chart is {} bytes", svg.len());
}

#[test]
fn a_timeline_year_with_more_entries_than_a_page_goes_on_to_more_pages() {
    let site = TestSite::new("basic");
    // 1,100 reports of 2017.
    for i in 0..1100 {
        let day = 1 + i % 28;
        site.write(
            &format!("content/articles/2017-05-{day:02}-busy-{i}.md"),
            &format!("---\ntitle: Busy report {i}\ndate: 2017-05-{day:02}\nsource:\n  publisher: X\n  url: https://example.org/busy/{i}\nsummary: Busy.\n---\nWords.\n"),
        );
    }
    site.build_ok(&["--no-search"]);
    let first = site.read("timeline/2017/index.html");
    let second = site.read("timeline/2017/page/2/index.html");
    assert!(!site.out("timeline/2017/page/3/index.html").exists());
    let count = |html: &str| html.matches("<li class=\"tl-entry ").count();
    assert_eq!(count(&first), 1000, "a full page");
    assert_eq!(count(&second), 100, "the rest of the year");
    assert!(first.contains("<a href=\"/timeline/2017/page/2/\" rel=\"next\">Later →</a>"));
    assert!(second.contains("<a href=\"/timeline/2017/\" rel=\"prev\">← Earlier</a>"));
    assert!(second.contains("<h1>Timeline, 2017, page 2 of 2</h1>"));
    // Oldest first across the pages: the last entry of the first page is no
    // later than the first of the second.
    let dates = |html: &str| -> Vec<String> {
        html.split("<time datetime=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .map(str::to_string)
            .collect()
    };
    assert!(dates(&first).last() <= dates(&second).first());
    // The index of the view links the year's first page.
    assert!(site
        .read("timeline/index.html")
        .contains("href=\"/timeline/2017/\""));
    // The sitemap lists every page of the timeline.
    let sitemap = site.read("sitemap.xml");
    let public = site.root().join("public");
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(public.join("timeline")) {
        let entry = entry.unwrap();
        if entry.file_name() == "index.html" {
            let dir = entry
                .path()
                .parent()
                .unwrap()
                .strip_prefix(&public)
                .unwrap();
            let rel = dir.to_string_lossy().replace('\\', "/");
            assert!(
                sitemap.contains(&format!("<loc>https://example.org/{rel}/</loc>")),
                "{rel}/ in the sitemap"
            );
            pages += 1;
        }
    }
    assert!(pages > 10, "{pages} timeline pages");
}
