//! Cross-links: relations shown from both ends, backlinks, related reports,
//! clause comparison, and the editorial warnings of `annals check`.

use crate::support::TestSite;

/// The `<section class="relations">…</section>` of a page.
fn relations_section(html: &str) -> String {
    let start = html
        .find("<section class=\"relations\"")
        .expect("no relations section");
    let end = start + html[start..].find("</section>").unwrap() + "</section>".len();
    html[start..end].to_string()
}

#[test]
fn a_mirrors_chain_shows_both_directions() {
    let site = TestSite::new("basic");
    site.build_ok(&[]);
    let first = relations_section(&site.read("agreements/first-pact/index.html"));
    let second = relations_section(&site.read("agreements/second-pact/index.html"));
    let third = relations_section(&site.read("agreements/third-pact/index.html"));
    insta::assert_snapshot!("mirrors_chain_first", first);
    insta::assert_snapshot!("mirrors_chain_second", second);
    insta::assert_snapshot!("mirrors_chain_third", third);
    assert!(first.contains("Mirrored by") && !first.contains(">Mirrors<"));
    assert!(second.contains(">Mirrors<") && second.contains("Mirrored by"));
    assert!(second.contains("Same clause without &quot;knowingly&quot;."));
}

/// The `<section class="coverage">…</section>` of an agreement page.
fn coverage_section(html: &str) -> String {
    let start = html
        .find("<section class=\"coverage\"")
        .expect("no coverage section");
    let end = start + html[start..].find("</section>").unwrap() + "</section>".len();
    html[start..end].to_string()
}

#[test]
fn reports_relations_show_on_the_agreement_grouped_by_type() {
    let site = TestSite::new("basic");
    site.build_ok(&[]);
    let html = site.read("agreements/second-pact/index.html");
    let coverage = coverage_section(&html);
    let group = coverage
        .find(">Assessed by ")
        .expect("no Assessed by group");
    assert!(
        coverage[group..].contains("UK and China sign a deal"),
        "{coverage}"
    );
    assert!(!html.contains("What reports say about it"));
}

/// Issue 17 item 4: an agreement page listed the same report under "What
/// reports say about it", "Coverage" and "Mentioned in".
#[test]
fn agreement_pages_list_each_report_once_in_one_coverage_list() {
    let site = TestSite::new("basic");
    site.build_ok(&[]);
    for (page, reports) in [
        (
            "agreements/first-pact/index.html",
            &["Firm says hacking continues", "UK and China sign a deal"][..],
        ),
        (
            "agreements/second-pact/index.html",
            &["UK and China sign a deal"][..],
        ),
    ] {
        let html = site.read(page);
        let coverage = coverage_section(&html);
        for r in reports {
            assert_eq!(html.matches(r).count(), 1, "{page}: {r} not listed once");
            assert!(coverage.contains(r), "{page}: {r} not in the coverage list");
        }
        let count = format!("class=\"meta\">{} report", reports.len());
        assert!(coverage.contains(&count), "{page}: no {count}: {coverage}");
    }
    // Reports that only cover it (no relation) come under "Other coverage",
    // oldest first.
    let coverage = coverage_section(&site.read("agreements/first-pact/index.html"));
    let other = coverage
        .find(">Other coverage ")
        .expect("no Other coverage");
    let firm = coverage.find("Firm says hacking continues").unwrap();
    let deal = coverage.find("UK and China sign a deal").unwrap();
    assert!(other < firm && firm < deal, "{coverage}");
    // "Mentioned in" keeps what is neither a report nor under Relations: the
    // home page links the first pact; the second pact mirrors it.
    let html = site.read("agreements/first-pact/index.html");
    let start = html.find("id=\"backlinks-heading\"").expect("no backlinks");
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(!section.contains("Second pact"), "{section}");
    assert!(!section.contains("Firm says"), "{section}");
    // Parties list what links to them too.
    let no = site.read("parties/no/index.html");
    assert!(no.contains("Mentioned in") && no.contains("Five officers charged"));
}

#[test]
fn related_reports_share_agreements() {
    let site = TestSite::new("basic");
    site.build_ok(&[]);
    let html = site.read("articles/2015-10-19-firm-says-hacking-continues/index.html");
    let i = html.find("Related reports").expect("no related reports");
    assert!(html[i..].contains("UK and China sign a deal"));
    let html = site.read("articles/2014-05-19-indictment/index.html");
    assert!(!html.contains("Related reports"));
}

#[test]
fn clause_page_marks_the_dropped_word() {
    let site = TestSite::new("basic");
    site.build_ok(&[]);
    let html = site.read("clauses/ip-theft/index.html");
    let first = html.find("First pact").unwrap();
    let second = html.find("Second pact").unwrap();
    assert!(first < second, "wordings are in date order");
    assert!(
        html.contains("<del><span class=\"visually-hidden\">[dropped: </span>knowingly<span class=\"visually-hidden\">]</span></del>"),
        "the UK-style wording drops knowingly, in words for screen readers too"
    );
    assert!(html.contains("drops <em>knowingly</em>."));
    // Agreement pages link to their clause page.
    assert!(site
        .read("agreements/second-pact/index.html")
        .contains("href=\"/clauses/ip-theft/\""));
}

#[test]
fn check_warns_about_editorial_gaps_without_failing() {
    let site = TestSite::new("basic");
    site.edit(
        "content/agreements/second-pact.md",
        "text_url: https://example.org/second",
        "text_url: http://example.org/second",
    );
    site.edit(
        "content/agreements/third-pact.md",
        "relations:\n",
        "relations:\n  - type: contrasts-with\n    to: first-pact\n",
    );
    let r = site.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for expected in [
        "content/articles/2015-10-19-firm-says-hacking-continues.md:2:1: warning: report has no annotations",
        "content/agreements/third-pact.md:2:1: warning: no report covers agreement `third-pact`",
        "content/agreements/second-pact.md:8:11: warning: text URL `http://example.org/second` is not https",
        "content/agreements/third-pact.md:11:3: warning: `contrasts-with` is symmetric but `first-pact` does not declare it back",
    ] {
        assert!(r.stderr.contains(expected), "missing {expected:?} in\n{}", r.stderr);
    }
}
