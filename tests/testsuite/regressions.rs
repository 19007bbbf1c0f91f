//! Regression tests for single bugs, each named after the bug it pins, on the
//! `basic` fixture with a report written for the case.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use lol_html::{element, rewrite_str, RewriteStrSettings};
use serde_json::Value;

use crate::support::TestSite;

const REPORT: &str = "content/articles/2015-10-23-case.md";
const PAGE: &str = "articles/2015-10-23-case/index.html";

/// The basic fixture with one more report: `annotations` is YAML list items
/// (or empty), `body` the Markdown after the front matter.
fn site_with_report(annotations: &str, body: &str) -> TestSite {
    let site = TestSite::new("basic");
    let annotations = if annotations.is_empty() {
        String::new()
    } else {
        format!("annotations:\n{annotations}")
    };
    site.write(
        REPORT,
        &format!(
            "---\ntitle: Case\ndate: 2015-10-23\nsource:\n  publisher: X\n  url: https://example.org/case\nsummary: S.\n{annotations}---\n{body}\n"
        ),
    );
    site
}

/// The TextQuoteSelector and TextPositionSelector of the note whose exact
/// text is `exact`, from `data/annotations.jsonld`.
fn selector(site: &TestSite, exact: &str) -> (String, String, String, u64, u64) {
    let doc: Value = serde_json::from_str(&site.read("data/annotations.jsonld")).unwrap();
    let items = doc["first"]["items"].as_array().unwrap();
    let item = items
        .iter()
        .find(|i| i["target"]["selector"][0]["exact"] == exact)
        .unwrap_or_else(|| panic!("no note with exact {exact:?} in {items:#?}"));
    let sel = &item["target"]["selector"];
    let s = |v: &Value| v.as_str().unwrap().to_string();
    let pos = &sel[1]["refinedBy"];
    (
        s(&sel[0]["exact"]),
        s(&sel[0]["prefix"]),
        s(&sel[0]["suffix"]),
        pos["start"].as_u64().unwrap(),
        pos["end"].as_u64().unwrap(),
    )
}

/// The `<p>` of the report body that contains `needle`.
fn paragraph_with<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not on the page"));
    let start = html[..at].rfind("<p>").unwrap();
    let end = at + html[at..].find("</p>").unwrap() + 4;
    &html[start..end]
}

#[test]
fn bare_clause_wiki_link_rendered_with_empty_text() {
    // Every kind of wiki-link target, without link text.
    let site = site_with_report(
        "",
        "See [[clauses/ip-theft]], [[agreements/first-pact]], [[first-pact#background]], \
         [[articles/2014-05-19-indictment]], [[parties/us]] and [[pages/about]].",
    );
    site.build_ok(&["--no-search"]);
    let html = site.read(PAGE);
    for expected in [
        r#"<a href="/clauses/ip-theft/">IP theft clause</a>"#,
        r#"<a href="/agreements/first-pact/">First pact</a>"#,
        r#"<a href="/agreements/first-pact/#background">First pact</a>"#,
        r#"<a href="/articles/2014-05-19-indictment/">Five officers charged</a>"#,
        r#"<a href="/parties/us/">United States</a>"#,
        r#"<a href="/about/">About</a>"#,
    ] {
        assert!(
            html.contains(expected),
            "missing {expected} in {}",
            paragraph_with(&html, "See ")
        );
    }
    assert!(!html.contains("\"></a>"), "a link with no text");
}

#[test]
fn bare_clause_wiki_link_title_counts_in_note_selectors() {
    // The note's selector is made from the page text, which now includes
    // the clause link's title: prefix and positions must count it.
    let site = site_with_report(
        "  - quote: \"the pact was tested\"\n    kind: context\n    note: N.\n",
        "See [[clauses/ip-theft]] and then the pact was tested.",
    );
    site.build_ok(&["--no-search"]);
    let html = site.read(PAGE);
    assert!(html.contains(">IP theft clause</a> and then <mark"));
    let page_text = "See IP theft clause and then the pact was tested.";
    let (exact, prefix, suffix, start, end) = selector(&site, "the pact was tested");
    assert_eq!(prefix, "See IP theft clause and then ");
    assert_eq!(suffix, ".");
    let chars: Vec<char> = page_text.chars().collect();
    assert_eq!(
        chars[start as usize..end as usize]
            .iter()
            .collect::<String>(),
        exact
    );
    assert_eq!(start as usize, prefix.chars().count());
}

/// Every `<a>` opened while another is open, as `href`s (the HTML as
/// written, before any parser's error recovery).
fn nested_links(html: &str) -> Vec<String> {
    let depth = Rc::new(Cell::new(0usize));
    let nested = RefCell::new(vec![]);
    rewrite_str(
        html,
        RewriteStrSettings::new().append_element_content_handler(element!("a", |el| {
            if depth.get() > 0 {
                nested
                    .borrow_mut()
                    .push(el.get_attribute("href").unwrap_or_default());
            }
            depth.set(depth.get() + 1);
            let d = depth.clone();
            let close: lol_html::EndTagHandler<'static> = Box::new(move |_| {
                d.set(d.get() - 1);
                Ok(())
            });
            el.on_end_tag(close)?;
            Ok(())
        })),
    )
    .unwrap();
    nested.into_inner()
}

/// Notes ending inside a wiki link with text, inside an external link,
/// inside emphasis inside a link, and one ending just after a link.
fn linked_words_site() -> TestSite {
    site_with_report(
        "  - quote: \"September pact\"\n    kind: context\n    note: One.\n\
         \x20 - quote: \"mirrors the September\"\n    kind: context\n    note: Two.\n\
         \x20 - quote: \"firm's words\"\n    kind: context\n    note: Three.\n\
         \x20 - quote: \"strong claim\"\n    kind: context\n    note: Four.\n\
         \x20 - quote: \"claim and more\"\n    kind: context\n    note: Five.\n",
        "The deal mirrors [[first-pact|the September pact]], in the \
         [firm's words](https://example.org/firm), a [*strong claim*](https://example.org/c) and more.",
    )
}

#[test]
fn note_on_linked_words_nested_its_reference_in_the_link() {
    let site = linked_words_site();
    site.build_ok(&["--no-search"]);
    let html = site.read(PAGE);
    assert_eq!(
        nested_links(&html),
        Vec::<String>::new(),
        "{}",
        paragraph_with(&html, "The deal")
    );
    let p = paragraph_with(&html, "The deal");
    // The highlight stays inside the link; the references follow it, in number order.
    let noteref = |n: usize| {
        format!(
            "<sup class=\"noteref\"><a href=\"#note-{n}\" id=\"ref-{n}\" role=\"doc-noteref\" aria-label=\"Note {n}\">{n}</a></sup>"
        )
    };
    assert!(
        p.contains(&format!("pact</mark></a>{}{},", noteref(1), noteref(2))),
        "{p}"
    );
    assert!(
        p.contains(&format!("words</mark></a>{}", noteref(3))),
        "{p}"
    );
    assert!(p.contains(&format!("</em></a>{}", noteref(4))), "{p}");
    // A note ending outside the link keeps its reference where it ends.
    assert!(p.contains(&format!("more</mark>{}.", noteref(5))), "{p}");
    for n in 1..=5 {
        assert_eq!(p.matches(&format!("id=\"ref-{n}\"")).count(), 1, "{p}");
        assert_eq!(p.matches(&format!("id=\"mark-{n}\"")).count(), 1, "{p}");
    }
    // Selectors and positions read the page text, references left out.
    let page_text =
        "The deal mirrors the September pact, in the firm's words, a strong claim and more.";
    let chars: Vec<char> = page_text.chars().collect();
    for quote in [
        "September pact",
        "mirrors the September",
        "firm's words",
        "strong claim",
        "claim and more",
    ] {
        let (exact, prefix, suffix, start, end) = selector(&site, quote);
        assert_eq!(exact, quote);
        let (start, end) = (start as usize, end as usize);
        assert_eq!(chars[start..end].iter().collect::<String>(), exact);
        assert_eq!(
            chars[start - prefix.chars().count()..start]
                .iter()
                .collect::<String>(),
            prefix
        );
        assert_eq!(
            chars[end..end + suffix.chars().count()]
                .iter()
                .collect::<String>(),
            suffix
        );
    }
}

#[test]
#[ignore = "needs Java and npm's vnu-jar (`npm ci --ignore-scripts`); .ci/run runs it"]
fn note_on_linked_words_page_passes_the_nu_checker() {
    let jar = crate::support::vnu_jar();
    let site = linked_words_site();
    site.build_ok(&["--no-search"]);
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "gnu"])
        .arg(site.out(PAGE))
        .output()
        .unwrap();
    let report =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && report.trim().is_empty(),
        "the Nu HTML Checker found errors:\n{report}"
    );
}
