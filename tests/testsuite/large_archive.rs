//! Pages that list the whole archive split once it is large, so no page grows
//! with the archive: the notes index paginates and the timeline's views list
//! their years, each year on a page of its own.

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
