//! The corrections log (issue 15): dated `correction` and `update` notes,
//! `/corrections/` newest first, its Atom feed, "Corrected on" under a
//! corrected report's title, and the error for a correction without a date.

use crate::support::TestSite;

const BASE: &str = "https://example.org/";
const UK: &str = "content/articles/2015-10-22-uk-china-deal.md";

fn built() -> TestSite {
    let site = TestSite::new("actors");
    site.build_ok(&["--no-search", "--base-url", BASE]);
    site
}

#[test]
fn corrections_page_lists_corrections_and_updates_newest_first_linking_to_the_note() {
    let site = built();
    let page = site.read("corrections/index.html");
    // The update (2016-03-01) is newer than the correction (2015-11-02).
    let update = page
        .find(r#"href="/articles/2015-10-19-firm-says-hacking-continues/#note-1""#)
        .expect("the update links to its note in place");
    let correction = page
        .find(r#"href="/articles/2015-10-22-uk-china-deal/#note-2""#)
        .expect("the correction links to its note in place");
    assert!(update < correction, "newest first");
    assert!(page.contains(r#"<time datetime="2016-03-01">"#));
    assert!(page.contains(r#"<time datetime="2015-11-02">"#));
    // A note of another kind (the context note 1 of the same report) is not listed.
    assert!(!page.contains("uk-china-deal/#note-1"));
    // The page advertises its feed; the sitemap and footer link the page.
    assert!(page.contains(r#"<link rel="alternate" type="application/atom+xml" title="Corrections and updates" href="/corrections/feed.xml">"#));
    file_contains!(
        site,
        "sitemap.xml",
        &format!("<loc>{BASE}corrections/</loc>")
    );
    file_contains!(
        site,
        "index.html",
        r#"href="/corrections/">Corrections</a>"#
    );
}

#[test]
fn corrections_feed_is_atom_newest_first_with_dates_from_the_notes() {
    let site = built();
    let xml = site.read("corrections/feed.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(
        feed.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let text = |n: roxmltree::Node, name: &str| -> String {
        n.children()
            .find(|c| c.tag_name().name() == name)
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(text(feed, "id"), format!("{BASE}corrections/feed.xml"));
    assert_eq!(text(feed, "updated"), "2016-03-01T00:00:00Z");
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        text(entries[0], "id"),
        format!("{BASE}articles/2015-10-19-firm-says-hacking-continues/#note-1")
    );
    assert_eq!(text(entries[0], "updated"), "2016-03-01T00:00:00Z");
    assert!(text(entries[0], "title").starts_with("Update: "));
    assert_eq!(
        text(entries[1], "id"),
        format!("{BASE}articles/2015-10-22-uk-china-deal/#note-2")
    );
    assert_eq!(text(entries[1], "published"), "2015-11-02T00:00:00Z");
    assert!(text(entries[1], "content").contains("£6 billion"));
    // No clock: a second build writes the same bytes.
    site.build_ok(&["--no-search", "--base-url", BASE]);
    assert_eq!(site.read("corrections/feed.xml"), xml);
}

#[test]
fn a_corrected_report_says_corrected_on_under_its_title_linking_to_the_note() {
    let site = built();
    let page = site.read("articles/2015-10-22-uk-china-deal/index.html");
    let title = page.find("<h1 id=\"title\">").unwrap();
    let mark = page
        .find(
            r##"<p class="corrected"><a href="#note-2">Corrected on <time datetime="2015-11-02">"##,
        )
        .expect("Corrected on mark");
    assert!(mark > title);
    let updated = site.read("articles/2015-10-19-firm-says-hacking-continues/index.html");
    assert!(updated.contains(r##"<a href="#note-1">Updated on <time datetime="2016-03-01">"##));
    // An uncorrected report has no mark.
    let plain = site.read("articles/2014-05-19-indictment/index.html");
    assert!(!plain.contains("class=\"corrected\""));
}

#[test]
fn a_correction_without_a_date_is_an_error_at_the_note_with_a_hint() {
    let site = TestSite::new("actors");
    site.edit(UK, "    date: 2015-11-02\n", "");
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{UK}:22:11: error: a note of kind `correction` needs `date:`, the day it was made"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("add `date: YYYY-MM-DD` to the note"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_correction_date_is_checked_like_other_dates() {
    let site = TestSite::new("actors");
    site.edit(UK, "    date: 2015-11-02\n", "    date: 2015-13-02\n");
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{UK}:21:5: error: annotations[1]: invalid date `2015-13-02`"
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("2015-13-02"), "{}", r.stderr);
}
