//! The timeline: `/timeline/` and its per-kind and per-party views, built from
//! a small fixture archive with a chain of `mirrors` relations
//! (gamma-2017 → beta-2015 → alpha-2015), with the repo's own templates; and
//! the layout of the real archive's chart (no text on text, arcs inside).

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
    // A group, not an image: it holds links (axe-core's nested-interactive).
    assert_eq!(root.attribute("role"), Some("group"));
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
    // Each arc names its relation for pointer users; the key below the chart
    // names each type once.
    for arc in [
        "Beta & <Co> 2015 mirrors Alpha 2015",
        "Gamma 2017 mirrors Beta & <Co> 2015",
    ] {
        assert!(texts.iter().any(|t| t == arc), "arc {arc:?}:\n{all}");
    }
    let legend = &html[html.find("<ul class=\"tl-legend\"").expect("a key")..];
    let legend = &legend[..legend.find("</ul>").unwrap()];
    assert_eq!(legend.matches("<li>").count(), 1, "{legend}");
    assert!(legend.contains("</svg>Mirrors</li>"), "{legend}");
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
    assert!(aa_texts.contains("Beta & <Co> 2015") && aa_texts.contains("mirrors"));

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

/// The list item of an agreement carries its full title as the link's
/// tooltip, a report's link none; a view small enough for one page has no
/// link up to a list of years and no page navigation.
#[test]
fn timeline_items_and_an_unsplit_view_show_only_what_they_have() {
    let (_site, out) = build(None);
    let html = read(&out, "timeline/index.html");
    assert!(
        html.contains(
            "<a href=\"/annals/agreements/alpha-2015/\" title=\"Alpha agreement between Aland and Borduria\">Alpha 2015</a>"
        ),
        "agreement tooltip:\n{html}"
    );
    assert!(
        html.contains("<a href=\"/annals/articles/2015-10-22-beta-signed/\">Aland signs Beta</a>"),
        "a report's link has no tooltip"
    );
    assert!(html.contains("<li class=\"tl-entry tl-agreement\">"));
    assert!(html.contains("<li class=\"tl-entry tl-report\">"));
    for p in timeline_pages(&out) {
        let page = fs::read_to_string(&p).unwrap();
        assert!(!page.contains("every year</a>"), "{}", p.display());
        assert!(!page.contains("class=\"pagination\""), "{}", p.display());
        // Years are jumped to within the page.
        assert!(!page.contains("href=\"/annals/timeline/2015/\""));
    }
    assert!(
        html.contains("<a href=\"#y2015\">2015</a>"),
        "jump links:\n{html}"
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

/// A text element's box, estimated from its position, anchor, size and
/// length (0.6 em a character, as wide as or wider than the usual fonts).
fn text_box(n: roxmltree::Node<'_, '_>, default_size: f64) -> [f64; 4] {
    let num = |name: &str| n.attribute(name).map(|v| v.parse::<f64>().unwrap());
    let size = n
        .ancestors()
        .find_map(|a| a.attribute("font-size"))
        .map_or(default_size, |v| v.parse().unwrap());
    let text: String = n
        .descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect();
    let w = text.chars().count() as f64 * size * 0.6;
    let (x, y) = (num("x").unwrap(), num("y").unwrap());
    let left = match n.attribute("text-anchor") {
        Some("end") => x - w,
        Some("middle") => x - w / 2.0,
        _ => x,
    };
    // The baseline moves down by `dy` (only ever given in em here).
    let dy = n.attribute("dy").map_or(0.0, |v| {
        v.trim_end_matches("em").parse::<f64>().unwrap() * size
    });
    let base = y + dy;
    [left, base - 0.8 * size, left + w, base + 0.2 * size]
}

/// The numbers in a path's `d` (absolute commands only), as (x, y) pairs.
fn path_points(d: &str) -> Vec<(f64, f64)> {
    let nums: Vec<f64> = d
        .split(|c: char| c.is_ascii_alphabetic() || c == ' ' || c == ',')
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap())
        .collect();
    assert!(
        !d.chars().any(|c| c.is_ascii_lowercase()),
        "relative path commands: {d}"
    );
    nums.chunks(2).map(|p| (p[0], p[1])).collect()
}

/// #17 item 3: relation labels stacked on each other and arcs swung past the
/// axis. On every timeline page of the real archive, no two texts of the chart
/// overlap and every arc (its control points, hence the whole curve) stays
/// inside the viewBox and left of the axis's end.
#[test]
fn timeline_chart_labels_do_not_collide_and_arcs_stay_inside() {
    let site = TestSite::from_repo();
    site.build_ok(&["--no-search"]);
    let out = site.root().join("public");
    let mut charts = 0;
    for page in timeline_pages(&out) {
        let html = fs::read_to_string(&page).unwrap();
        if !html.contains("<svg xmlns") {
            continue;
        }
        charts += 1;
        let svg = svg_of(&html[html.find("<svg xmlns").unwrap()..]);
        let doc = roxmltree::Document::parse(svg).unwrap();
        let root = doc.root_element();
        let vb: Vec<f64> = root
            .attribute("viewBox")
            .unwrap()
            .split(' ')
            .map(|v| v.parse().unwrap())
            .collect();
        let size: f64 = root.attribute("font-size").unwrap().parse().unwrap();
        let boxes: Vec<([f64; 4], String)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| (text_box(n, size), n.text().unwrap_or("").to_string()))
            .collect();
        assert!(boxes.len() > 3, "{}: texts", page.display());
        for (i, (a, ta)) in boxes.iter().enumerate() {
            assert!(
                a[0] >= vb[0] && a[2] <= vb[0] + vb[2] && a[1] >= vb[1] && a[3] <= vb[1] + vb[3],
                "{}: {ta:?} {a:?} leaves the viewBox {vb:?}",
                page.display()
            );
            for (b, tb) in &boxes[i + 1..] {
                let apart = a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1];
                assert!(
                    apart,
                    "{}: {ta:?} {a:?} overlaps {tb:?} {b:?}",
                    page.display()
                );
            }
        }
        // The axis: the long line along the top.
        let axis_end = doc
            .descendants()
            .filter(|n| n.has_tag_name("line"))
            .filter(|n| n.attribute("y1") == n.attribute("y2"))
            .map(|n| n.attribute("x2").unwrap().parse::<f64>().unwrap())
            .fold(f64::MIN, f64::max);
        let arcs: Vec<_> = doc
            .descendants()
            .filter(|n| {
                n.attribute("class")
                    .is_some_and(|c| c.starts_with("tl-rel "))
            })
            .collect();
        for g in &arcs {
            let path = g.children().find(|n| n.has_tag_name("path")).unwrap();
            for (x, y) in path_points(path.attribute("d").unwrap()) {
                assert!(
                    x >= vb[0] && x <= axis_end && y >= vb[1] && y <= vb[1] + vb[3],
                    "{}: arc point ({x}, {y}) outside the axis (ends at {axis_end}) or the viewBox {vb:?}",
                    page.display()
                );
            }
        }
        if page.ends_with("timeline/index.html") {
            assert!(arcs.len() >= 15, "the archive's chart draws its relations");
        }
    }
    assert!(charts >= 10, "{charts} charts");
}
