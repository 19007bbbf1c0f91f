//! "Cite this page": BibTeX, RIS and CSL-JSON files next to report and agreement
//! pages, the readable reference, and the `citation_*` meta tags.

use std::process::Command;

use crate::support::{repo, TestSite};

const REPORT: &str = "articles/2015-10-22-uk-china-deal/";
const PACT: &str = "agreements/first-pact/";

fn site() -> TestSite {
    let site = TestSite::new("basic");
    // A title full of BibTeX's special characters.
    site.edit(
        "content/articles/2015-10-22-uk-china-deal.md",
        "title: UK and China sign a deal",
        "title: \"UK & China sign a {50%} #deal_now\"",
    );
    site.build_ok(&["--no-search", "--base-url", "https://example.org/archive/"]);
    site
}

#[test]
fn report_and_agreement_pages_have_citation_files_and_meta_tags() {
    let site = site();
    let page = site.read(&format!("{REPORT}index.html"));
    for (name, content) in [
        ("citation_title", "UK &amp; China sign a {50%} #deal_now"),
        ("citation_publication_date", "2015/10/22"),
        ("citation_publisher", "Fixture archive"),
        (
            "citation_public_url",
            "https://example.org/archive/articles/2015-10-22-uk-china-deal/",
        ),
    ] {
        let tag = format!(r#"<meta name="{name}" content="{content}">"#);
        assert!(page.contains(&tag), "missing {tag}");
    }
    assert!(page.contains("Cite this page"));
    for ext in ["bib", "ris", "json"] {
        let href = format!(r#"href="/archive/{REPORT}cite.{ext}""#);
        assert!(page.contains(&href), "missing link {href}");
    }
    // The readable reference names the original too.
    assert!(page.contains("Archived report of: A. Writer, “UK &amp; China"));

    let csl: serde_json::Value =
        serde_json::from_str(&site.read(&format!("{REPORT}cite.json"))).unwrap();
    let item = &csl.as_array().unwrap()[0];
    assert_eq!(item["type"], "webpage");
    assert_eq!(item["title"], "UK & China sign a {50%} #deal_now");
    assert_eq!(
        item["URL"],
        "https://example.org/archive/articles/2015-10-22-uk-china-deal/"
    );
    assert_eq!(item["original-publisher"], "The Example");
    assert_eq!(item["original-date"]["date-parts"][0][0], 2015);
    assert_eq!(item["original-author"][0]["literal"], "A. Writer");

    let ris = site.read(&format!("{REPORT}cite.ris"));
    let lines: Vec<&str> = ris.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.first(), Some(&"TY  - ELEC"));
    assert_eq!(lines.last(), Some(&"ER  - "));
    for l in &lines {
        let tag = &l[..2];
        assert!(
            tag.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && &l[2..6] == "  - ",
            "not a RIS line: {l:?}"
        );
    }

    let bib = site.read(&format!("{REPORT}cite.bib"));
    assert!(bib.starts_with("@misc{annals-2015-10-22-uk-china-deal,\n"));
    assert!(bib.contains(r"title        = {UK \& China sign a \{50\%\} \#deal\_now},"));

    let pact = site.read(&format!("{PACT}index.html"));
    assert!(pact.contains(r#"<meta name="citation_title" content="The first pact"#));
    let csl: serde_json::Value =
        serde_json::from_str(&site.read(&format!("{PACT}cite.json"))).unwrap();
    assert_eq!(csl[0]["original-publisher"], "United States, China");
}

#[test]
#[ignore = "needs node and npm's @citation-js packages (`npm ci --ignore-scripts`); .ci/run runs it"]
fn citation_files_parse_back_the_same_with_citation_js() {
    let node = crate::support::browser_tools();
    let site = site();
    for page in [REPORT, PACT] {
        let out = Command::new(&node)
            .arg(repo().join("tests/node/citations.mjs"))
            .arg(site.out(page))
            .current_dir(repo())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{page}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let parsed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        if page == REPORT {
            assert_eq!(parsed["bib"]["title"], "UK & China sign a {50%} #deal_now");
        }
        assert_eq!(
            parsed["ris"]["url"],
            format!("https://example.org/archive/{page}")
        );
    }
}
