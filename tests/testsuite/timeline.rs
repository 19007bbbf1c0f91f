//! The timeline: `/timeline/` and its per-kind and per-party views, built from
//! a small fixture archive with a chain of `mirrors` relations
//! (gamma-2017 → beta-2015 → alpha-2015), with the repo's own templates.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::TestSite;

/// Builds the fixture (with the repo's templates) into `public/`, optionally
/// under another base URL, and returns the site and its output folder.
fn build(base_url: Option<&str>) -> (TestSite, PathBuf) {
    let site = TestSite::new("timeline");
    match base_url {
        Some(b) => site.build_ok(&["--base-url", b]),
        None => site.build_ok(&[]),
    };
    let out = site.root().join("public");
    (site, out)
}

fn read(out: &Path, rel: &str) -> String {
    fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The inline `<svg …>…</svg>` of a page.
fn svg_of(html: &str) -> &str {
    let start = html.find("<svg").expect("page has an <svg>");
    let end = html[start..].find("</svg>").expect("<svg> is closed") + start + "</svg>".len();
    &html[start..end]
}

/// Parses the SVG as XML (panics with the parser's message if it is not
/// well-formed) and returns all its text, in document order.
fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg)
        .unwrap_or_else(|e| panic!("SVG is not well-formed XML: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("role"), Some("img"));
    let kids: Vec<&str> = root
        .children()
        .filter(|n| n.is_element())
        .map(|n| n.tag_name().name())
        .collect();
    assert!(
        kids.starts_with(&["title", "desc"]),
        "<svg> starts with <title> and <desc>: {kids:?}"
    );
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .map(str::to_string)
        .collect()
}

/// Every `href="…"` value in a page.
fn hrefs(html: &str) -> Vec<String> {
    html.match_indices("href=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

fn timeline_pages(out: &Path) -> Vec<PathBuf> {
    let mut pages = vec![];
    let mut stack = vec![out.join("timeline")];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                pages.push(p);
            }
        }
    }
    pages.sort();
    pages
}

#[test]
fn timeline_renders_svg_list_and_views() {
    let (_site, out) = build(None);
    let html = read(&out, "timeline/index.html");

    // The SVG is inline, well-formed, and carries every agreement and the label.
    let svg = svg_of(&html);
    let texts = svg_texts(svg);
    let all = texts.join("\n");
    for title in ["Alpha 2015", "Beta & <Co> 2015", "Gamma 2017"] {
        assert!(all.contains(title), "SVG names {title:?}:\n{all}");
    }
    assert!(
        texts.iter().filter(|t| t.as_str() == "Mirrors").count() == 2,
        "both mirrors relations are labelled:\n{all}"
    );
    assert!(!svg.contains("<script"), "no scripts in the SVG");
    // Agreement dots link to their pages.
    for slug in ["alpha-2015", "beta-2015", "gamma-2017"] {
        assert!(
            svg.contains(&format!("href=\"/annals/agreements/{slug}/\"")),
            "SVG links {slug}"
        );
    }

    // The accessible list says the same.
    assert!(html.contains("Relations between agreements"));
    assert!(html.contains(
        "<a href=\"/annals/agreements/beta-2015/\">Beta &amp; &lt;Co&gt; 2015</a> — mirrors → <a href=\"/annals/agreements/alpha-2015/\">Alpha 2015</a>"
    ), "relation list item:\n{html}");
    assert!(html.contains(
        "<a href=\"/annals/agreements/gamma-2017/\">Gamma 2017</a> — mirrors → <a href=\"/annals/agreements/beta-2015/\">Beta &amp; &lt;Co&gt; 2015</a>"
    ));

    // The list: grouped by year, oldest first, agreements and reports.
    let y2015 = html.find("id=\"y2015\"").expect("2015 group");
    let y2017 = html.find("id=\"y2017\"").expect("2017 group");
    let y2018 = html.find("id=\"y2018\"").expect("2018 group");
    assert!(y2015 < y2017 && y2017 < y2018);
    let list = &html[y2015..];
    let alpha = list.find(">Alpha 2015</a>").unwrap();
    let beta = list.find(">Beta &amp; &lt;Co&gt; 2015</a>").unwrap();
    let report = list.find(">Aland signs Beta</a>").unwrap();
    assert!(alpha < beta && beta < report, "date order");
    assert!(list.contains(">Gamma broken, says Borduria</a>"));
    assert!(list.contains("<span class=\"tl-kind\">Report</span>"));
    assert!(list.contains("<a href=\"/annals/parties/aa/\">Aland</a>"));

    // Filter bar: the current view is marked, every view is linked.
    assert!(html.contains("<a href=\"/annals/timeline/\" aria-current=\"page\">"));
    for view in ["agreements", "reports", "aa", "bb"] {
        assert!(
            html.contains(&format!("href=\"/annals/timeline/{view}/\"")),
            "filter bar links {view}"
        );
    }

    // Per-kind and per-party views exist.
    let agreements = read(&out, "timeline/agreements/index.html");
    assert!(agreements.contains("<h1>Timeline: agreements</h1>"));
    assert!(agreements.contains("<a href=\"/annals/timeline/agreements/\" aria-current=\"page\">"));
    assert!(!agreements.contains(">Aland signs Beta</a>"));
    svg_texts(svg_of(&agreements));

    let reports = read(&out, "timeline/reports/index.html");
    assert!(
        reports.contains("<h1>Timeline: reports</h1>"),
        "the kind view wins over the party whose code is `reports`"
    );
    assert!(reports.contains(">Aland signs Beta</a>"));
    assert!(!reports.contains(">Alpha 2015</a>"));
    assert!(!reports.contains("<svg"), "no agreements, no chart");
    assert!(
        !html.contains(">Reports &amp; Co <span"),
        "no filter for the colliding party"
    );

    let aa = read(&out, "timeline/aa/index.html");
    assert!(aa.contains("<h1>Timeline: Aland</h1>"));
    assert!(aa.contains("<a href=\"/annals/timeline/aa/\" aria-current=\"page\">"));
    assert!(aa.contains(">Aland signs Beta</a>"));
    assert!(!aa.contains(">Gamma broken, says Borduria</a>"));
    let aa_texts = svg_texts(svg_of(aa.as_str())).join("\n");
    assert!(aa_texts.contains("Beta & <Co> 2015") && aa_texts.contains("Mirrors"));

    let bb = read(&out, "timeline/bb/index.html");
    assert!(bb.contains("<h1>Timeline: Borduria</h1>"));
    assert!(bb.contains(">Gamma broken, says Borduria</a>"));
    svg_texts(svg_of(&bb));

    // Only parties with entries get a view.
    assert!(!out.join("timeline/cc").exists(), "party without entries");
    assert_eq!(
        timeline_pages(&out).len(),
        5,
        "timeline, agreements, reports, aa, bb"
    );
}

#[test]
fn timeline_links_respect_base_path() {
    let (_site, out) = build(Some("https://example.github.io/archive/"));
    let pages = timeline_pages(&out);
    assert_eq!(pages.len(), 5);
    for p in pages {
        let html = fs::read_to_string(&p).unwrap();
        if html.contains("<svg") {
            svg_texts(svg_of(&html));
        }
        for h in hrefs(&html) {
            assert!(
                h.starts_with("/archive/") || h.starts_with("https://") || h.starts_with('#'),
                "{}: href {h:?} ignores the base path",
                p.display()
            );
        }
        assert!(html.contains("href=\"/archive/timeline/\""));
    }
}
