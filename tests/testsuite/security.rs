//! Issue 13: content from a pull request must never run script, load off-site
//! resources or publish files from outside the archive.
//!
//! One regression test per way in, named after it, each trying variants and
//! asserting the exact positioned errors of `annals check` (and nothing else);
//! and one test that builds `tests/fixtures/hostile` — every payload written so
//! that it is allowed, as text — and parses every HTML, SVG, XML and JSON output
//! to show that none of it became an event handler, a script-capable URL or an
//! off-site resource.

use std::cell::RefCell;
use std::fs;

use annals::allow::{browser_normalize, scheme_of};
use lol_html::{element, rewrite_str, RewriteStrSettings};

use crate::support::TestSite;

/// The smallest file that passes for a PNG (the site only copies it).
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
/// The hostile fixture's origin (its `base_url`).
const ORIGIN: &str = "https://example.org";
const ATTACK: &str = "content/articles/2015-11-01-attack.md";

/// The hostile fixture, with the image its content shows.
fn hostile() -> TestSite {
    let site = TestSite::new("hostile");
    fs::write(site.root().join("static/figure.png"), PNG).unwrap();
    site
}

/// A report whose annotation note is `note` (indented under `note: |`,
/// starting on line 12) and whose body is `body` (starting on line 14).
fn attack_report(note: &str, body: &str) -> String {
    let note: String = note.lines().map(|l| format!("      {l}\n")).collect();
    format!(
        "---\ntitle: Attack\ndate: 2015-11-01\nsource:\n  publisher: X\n  url: https://example.org/x\nsummary: S.\nannotations:\n  - quote: \"Words\"\n    kind: context\n    note: |\n{note}---\n{body}\n\nWords.\n"
    )
}

/// Runs `annals check` and asserts exit 1 with exactly the `expected` errors.
fn assert_errors(site: &TestSite, expected: &[&str]) {
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1, "expected exit 1, got {}:\n{}", r.code, r.stderr);
    let errors: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    for e in expected {
        assert!(errors.contains(e), "missing {e:?} in:\n{}", r.stderr);
    }
    assert_eq!(
        errors.len(),
        expected.len(),
        "unexpected errors:\n{}",
        errors.join("\n")
    );
}

#[test]
fn heading_attributes_cannot_add_event_handlers_or_styles() {
    let site = hostile();
    site.write(
        ATTACK,
        &attack_report(
            "## In a note {tabindex=0 autofocus onfocus=alert(1)}",
            "## x {tabindex=0 autofocus onfocus=alert(document.domain)}\n\
             ## y {ONFOCUS=\"alert(1)\"}\n\
             ## z {style=\"position:fixed;inset:0\"}\n\
             ## w {#fine .evil}\n\
             Setext heading {onmouseover=alert(1)}\n\
             ---",
        ),
    );
    let at = |lc: &str, m: &str| format!("{ATTACK}:{lc}: error: {m}");
    assert_errors(
        &site,
        &[
            &at("12:21", "heading attribute `tabindex` is not allowed"),
            &at("12:32", "heading attribute `autofocus` is not allowed"),
            &at("12:42", "heading attribute `onfocus` is not allowed"),
            &at("14:7", "heading attribute `tabindex` is not allowed"),
            &at("14:18", "heading attribute `autofocus` is not allowed"),
            &at("14:28", "heading attribute `onfocus` is not allowed"),
            &at("15:7", "heading attribute `ONFOCUS` is not allowed"),
            &at("16:7", "heading attribute `style` is not allowed"),
            &at("17:13", "heading class `.evil` is not allowed"),
            &at("18:17", "heading attribute `onmouseover` is not allowed"),
        ],
    );
}

#[test]
fn heading_and_footnote_ids_cannot_take_the_pages_own_ids() {
    let site = hostile();
    site.write(
        ATTACK,
        &attack_report(
            "## In a note {#title}",
            "## notes {#notes}\n## b {#title}\n## c {#main}\n## d {#note-1}\n## e {#ref-2}\n\
             ## f {#notes-heading}\n## g {#ok}\n\n\
             Text.[^main] More.[^mark-1] And.[^ok]\n\n[^main]: x\n[^mark-1]: y\n[^ok]: z",
        ),
    );
    let at = |lc: &str, m: &str| format!("{ATTACK}:{lc}: error: {m}");
    let used = |kind: &str, id: &str| format!("{kind} id `{id}` is one the page itself uses");
    assert_errors(
        &site,
        &[
            &at("12:22", &used("heading", "title")),
            &at("14:12", &used("heading", "notes")),
            &at("15:8", &used("heading", "title")),
            &at("16:8", &used("heading", "main")),
            &at("17:8", &used("heading", "note-1")),
            &at("18:8", &used("heading", "ref-2")),
            &at("19:8", &used("heading", "notes-heading")),
            &at("24:3", &used("footnote", "main")),
            &at("25:3", &used("footnote", "mark-1")),
            &at("26:3", "footnote `ok` has the same id as a heading"),
        ],
    );
}

#[test]
fn script_urls_in_links_are_errors_in_every_spelling() {
    let site = hostile();
    site.write(
        ATTACK,
        &attack_report(
            "Note [n1](JAVASCRIPT:alert(1)), autolink <vbscript:msgbox(1)>,\n\
             [n2][nref] and [ok](https://example.org/).\n\n\
             [nref]: &#x6A;avascript:alert(2)",
            "Inline [a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](&#106;avascript:alert(1))\n\
             [d](&#x6a;avascript:alert(1)) [e]( javascript:alert(1)) [f](<javascript:alert(1)>)\n\
             [g](javascript&colon;alert(1)) [h](vbscript:msgbox(1)) [i](java&#9;script:alert(1))\n\
             [j](data:text/html,<script>alert(1)</script>) [k](file:///etc/passwd)\n\
             [l](//evil.example/x) [m](relative/path) <javascript:alert(1)> <DATA:text/html,x>\n\
             [n][used] [o][] [p](/\\\\evil.example/x)\n\n\
             [used]: javascript:alert(3)\n[o]: DATA:text/html,x\n[unused]: vbscript:msgbox(2)\n\n\
             Footnote.[^f]\n\n[^f]: A footnote [fl](javascript:alert(4)).",
        ),
    );
    let at = |lc: &str, m: &str| format!("{ATTACK}:{lc}: error: {m}");
    let js = "`javascript:` links are not allowed (`javascript:alert(1)`)";
    assert_errors(
        &site,
        &[
            // In the note.
            &at(
                "12:17",
                "`javascript:` links are not allowed (`JAVASCRIPT:alert(1)`)",
            ),
            &at(
                "12:49",
                "`vbscript:` links are not allowed (`vbscript:msgbox(1)`)",
            ),
            &at(
                "15:15",
                "`javascript:` links are not allowed (`javascript:alert(2)`)",
            ),
            // In the body: case, character references, spaces, angle brackets.
            &at("17:12", js),
            &at(
                "17:37",
                "`javascript:` links are not allowed (`JaVaScRiPt:alert(1)`)",
            ),
            &at("17:62", js),
            &at("18:5", js),
            &at("18:36", js),
            &at("18:62", js),
            &at("19:5", js),
            &at(
                "19:36",
                "`vbscript:` links are not allowed (`vbscript:msgbox(1)`)",
            ),
            &at(
                "19:60",
                "`javascript:` links are not allowed (`java\\tscript:alert(1)`)",
            ),
            &at(
                "20:5",
                "`data:` links are not allowed (`data:text/html,<script>alert(1)</script>`)",
            ),
            &at(
                "20:51",
                "`file:` links are not allowed (`file:///etc/passwd`)",
            ),
            // Protocol-relative, relative, autolinks.
            &at(
                "21:5",
                "protocol-relative URL `//evil.example/x` is not allowed",
            ),
            &at("21:27", "relative URL `relative/path` is not allowed"),
            &at("21:43", js),
            &at(
                "21:65",
                "`data:` links are not allowed (`DATA:text/html,x`)",
            ),
            &at(
                "22:21",
                "protocol-relative URL `/\\\\evil.example/x` is not allowed",
            ),
            // Reference definitions, used or not.
            &at(
                "24:9",
                "`javascript:` links are not allowed (`javascript:alert(3)`)",
            ),
            &at("25:6", "`data:` links are not allowed (`DATA:text/html,x`)"),
            &at(
                "26:11",
                "`vbscript:` links are not allowed (`vbscript:msgbox(2)`)",
            ),
            // A footnote.
            &at(
                "30:23",
                "`javascript:` links are not allowed (`javascript:alert(4)`)",
            ),
        ],
    );
    let r = site.run(&["check"]);
    assert!(
        r.stderr
            .contains("hint: write the scheme: https://evil.example/x"),
        "{}",
        r.stderr
    );
}

#[test]
fn images_must_be_served_by_the_site() {
    let site = hostile();
    site.write(
        ATTACK,
        &attack_report(
            "![n](https://evil.example/n.png)",
            "![a](https://evil.example/a.png) ![b](HTTP://evil.example/b.png)\n\
             ![c](//evil.example/c.png) ![d](data:image/svg+xml,<svg/onload=alert(1)>)\n\
             ![e](figure.png) ![f][img] ![g](/figure.png) ![h](javascript:alert(1))\n\
             ![m](/missing.png) ![j](/notes.js) ![u](/../site.yaml)\n\n\
             [img]: https://evil.example/f.png",
        ),
    );
    let at = |lc: &str, m: &str| format!("{ATTACK}:{lc}: error: {m}");
    let off = |u: &str| format!("image `{u}` is on another server");
    assert_errors(
        &site,
        &[
            &at("12:12", &off("https://evil.example/n.png")),
            &at("14:6", &off("https://evil.example/a.png")),
            &at("14:39", &off("HTTP://evil.example/b.png")),
            &at(
                "15:6",
                "protocol-relative URL `//evil.example/c.png` is not allowed",
            ),
            &at(
                "15:33",
                "`data:` images are not allowed (`data:image/svg+xml,<svg/onload=alert(1)>`)",
            ),
            &at("16:6", "relative URL `figure.png` is not allowed"),
            &at("16:18", &off("https://evil.example/f.png")),
            &at(
                "16:51",
                "`javascript:` images are not allowed (`javascript:alert(1)`)",
            ),
            &at(
                "17:1",
                "image `/missing.png` not found: there is no static/missing.png",
            ),
            &at("17:20", "`/notes.js` is not an image"),
            &at(
                "17:36",
                "image path `/../site.yaml` does not name a file of static/",
            ),
        ],
    );
}

#[test]
fn raw_html_in_notes_is_an_error_like_in_bodies() {
    let site = hostile();
    site.write(
        ATTACK,
        &attack_report(
            "Closing </a> and <img src=x onerror=alert(1)> and </A >\n\
             <!-- a comment is fine -->\n\n\
             <div onclick=\"alert(1)\">block</div>",
            "Body </a> and <script>alert(1)</script>",
        ),
    );
    let at = |lc: &str| format!("{ATTACK}:{lc}: error: raw HTML is not allowed in content");
    assert_errors(
        &site,
        &[
            &at("12:15"),
            &at("12:24"),
            &at("12:57"),
            &at("15:7"),
            &at("17:6"),
            &at("17:15"),
            &at("17:31"),
        ],
    );
}

#[test]
fn front_matter_urls_must_be_absolute_http_or_https() {
    let site = hostile();
    site.write(
        ATTACK,
        "---\ntitle: Attack\ndate: 2015-11-01\nsource:\n  publisher: X\n  url: javascript:alert(1)\n\
         summary: S.\nannotations:\n  - quote: \"Words\"\n    kind: context\n    note: A note.\n\
         \x20   sources: [\" JAVASCRIPT:alert(1)\", \"//evil.example/\", \"data:text/html,x\", https://example.org/ok]\n\
         ---\nWords.\n",
    );
    site.edit(
        "content/agreements/second-pact.md",
        "text_url: http://example.org/second",
        "text_url: \"&#106;avascript:alert(1)\"",
    );
    let at = |f: &str, lc: &str, m: &str| format!("{f}:{lc}: error: {m}");
    assert_errors(
        &site,
        &[
            &at(
                ATTACK,
                "6:8",
                "`javascript:alert(1)` is not an absolute http(s) URL",
            ),
            &at(
                ATTACK,
                "12:15",
                "` JAVASCRIPT:alert(1)` is not an absolute http(s) URL",
            ),
            &at(
                ATTACK,
                "12:39",
                "protocol-relative URL `//evil.example/` is not allowed",
            ),
            &at(
                ATTACK,
                "12:58",
                "`data:text/html,x` is not an absolute http(s) URL",
            ),
            &at(
                "content/agreements/second-pact.md",
                "8:11",
                "`&#106;avascript:alert(1)` is not an absolute http(s) URL",
            ),
        ],
    );
}

#[test]
fn site_yaml_url_settings_are_checked() {
    let site = hostile();
    site.edit(
        "site.yaml",
        "repository: https://github.com/example/archive",
        "repository: \"JaVaScRiPt:alert(document.domain)//\"",
    );
    site.edit(
        "site.yaml",
        "base_url: https://example.org/",
        "base_url: //evil.example/",
    );
    site.edit(
        "site.yaml",
        "branch: main",
        "branch: main\ncname: \"evil.example/<script>\"",
    );
    assert_errors(
        &site,
        &[
            "site.yaml:4:11: error: base_url: protocol-relative URL `//evil.example/` is not allowed",
            "site.yaml:5:13: error: repository: `JaVaScRiPt:alert(document.domain)//` is not an absolute http(s) URL",
            "site.yaml:7:8: error: cname `evil.example/<script>` is not a domain name",
        ],
    );
}

#[test]
fn yaml_escapes_cannot_forge_internal_markers() {
    let site = hostile();
    // A note made of a forged link placeholder, a NUL title, a C1 control in a tag.
    site.write(
        ATTACK,
        "---\ntitle: \"Attack \\0\"\ndate: 2015-11-01\nsource:\n  publisher: X\n  url: https://example.org/x\n\
         summary: S.\ntags: [\"a\\x01\", \"b\\u0085\"]\nannotations:\n  - quote: \"Words\"\n    kind: context\n\
         \x20   note: \"\\0H0\\0 and \\0T0\\0\"\n---\nWords [[first-pact]].\n",
    );
    // A raw control character in a body (the anchoring's internal boundary mark).
    site.write(
        "content/articles/2015-11-02-raw.md",
        "---\ntitle: Raw\ndate: 2015-11-02\nsource:\n  publisher: X\n  url: https://example.org/x\nsummary: S.\n---\nWords \u{1} and \u{2}.\n",
    );
    let at = |f: &str, lc: &str, m: &str| format!("{f}:{lc}: error: {m}");
    assert_errors(
        &site,
        &[
            &at(
                ATTACK,
                "2:8",
                "`title` contains the control character U+0000",
            ),
            &at(
                ATTACK,
                "8:8",
                "`tags.0` contains the control character U+0001",
            ),
            &at(
                ATTACK,
                "8:17",
                "`tags.1` contains the control character U+0085",
            ),
            &at(
                ATTACK,
                "12:11",
                "`annotations.0.note` contains the control character U+0000",
            ),
            &at(
                "content/articles/2015-11-02-raw.md",
                "9:7",
                "file contains the control character U+0001",
            ),
        ],
    );
}

#[test]
fn character_references_cannot_write_control_characters() {
    let site = hostile();
    site.write(
        ATTACK,
        &attack_report(
            "A boundary &#1; and `code` and an opaque &#x2; mark.",
            "Text &#1; and &#2; and &#x85; and &#0; (NUL reads as U+FFFD).",
        ),
    );
    let at = |lc: &str, c: &str| {
        format!("{ATTACK}:{lc}: error: a character reference writes the control character {c}")
    };
    assert_errors(
        &site,
        &[
            &at("12:18", "U+0001"),
            &at("12:48", "U+0002"),
            &at("14:6", "U+0001"),
            &at("14:15", "U+0002"),
            &at("14:24", "U+0085"),
        ],
    );
}

#[test]
fn page_names_cannot_take_the_sites_own_outputs() {
    let site = hostile();
    let names = [
        "pagefind",
        "search",
        "data",
        "annotations",
        "timeline",
        "feed",
        "sitemap",
        "robots",
        "404",
    ];
    for n in names {
        site.write(
            &format!("content/pages/{n}.md"),
            "---\ntitle: Hijack\n---\nText.\n",
        );
    }
    let expected: Vec<String> = names
        .iter()
        .map(|n| {
            let what = match *n {
                "feed" | "sitemap" => {
                    format!("would sit beside the site's own /{n}.xml under the same name")
                }
                "robots" => {
                    "would sit beside the site's own /robots.txt under the same name".into()
                }
                "404" => "would sit beside the site's own /404.html under the same name".into(),
                _ => format!("would have the same URL as the site's own /{n}/ section"),
            };
            format!("content/pages/{n}.md:1:1: error: page `{n}` {what}")
        })
        .collect();
    let refs: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_errors(&site, &refs);
}

#[test]
fn csv_cells_that_spreadsheets_run_are_neutralised() {
    let site = hostile();
    site.build_ok(&["--no-search"]);
    let agreements = site.read("data/agreements.csv");
    let rows: Vec<&str> = agreements.split("\r\n").collect();
    assert_eq!(
        rows[1],
        "first-pact,\"'=1+1 pact\",The first pact </a><script>alert(1)</script>,2015-09-25,joint-statement,active,us;cn,https://example.org/first?a=1&b=<script>,https://example.org/agreements/first-pact/,1,\"'-2+3 \"\" onmouseover=\"\"alert(1)\",,"
    );
    assert!(rows[2].starts_with("second-pact,\"'+Second pact\","));
    assert!(rows[2].ends_with(",\"'\tTab-led summary.\",,"));
    let relations = site.read("data/relations.csv");
    assert!(relations.contains(",\"'@mirror </a><script>alert(1)</script> javascript:alert(1)\","));
    assert!(relations.contains(",\"'=cmd|' /C calc'!A0\","));
    file_contains!(site, "data/index.html", "OWASP recommends");
}

// ---------------------------------------------------------------------------
// The built site, parsed.

/// True when a URL attribute leads to this site (a path, or the site's origin).
fn same_site(url: &str) -> bool {
    let u = browser_normalize(url);
    match scheme_of(&u) {
        Some(_) => u.starts_with(&format!("{ORIGIN}/")) || u == ORIGIN,
        None => !(u.starts_with("//") || u.starts_with("/\\") || u.starts_with('\\')),
    }
}

/// A script-capable (or any unexpected) scheme.
fn bad_scheme(url: &str) -> Option<String> {
    scheme_of(&browser_normalize(url))
        .filter(|s| !matches!(s.as_str(), "https" | "http" | "mailto"))
}

const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "data",
    "xlink:href",
    "cite",
    "background",
    "ping",
    "manifest",
    "codebase",
    "longdesc",
    "srcset",
];

/// Problems with one attribute of an element.
fn attribute_problem(tag: &str, name: &str, value: &str, rel: &str) -> Option<String> {
    if name.starts_with("on") {
        return Some("event-handler attribute".into());
    }
    if name == "style" {
        let v = value.to_ascii_lowercase();
        if v.contains("url(") || v.contains("expression(") || v.contains("position") {
            return Some("style attribute that loads or covers".into());
        }
    }
    if !URL_ATTRIBUTES.contains(&name) {
        return None;
    }
    let urls: Vec<&str> = if name == "srcset" {
        value
            .split(',')
            .filter_map(|c| c.split_whitespace().next())
            .collect()
    } else {
        vec![value]
    };
    for u in urls {
        if let Some(s) = bad_scheme(u) {
            return Some(format!("`{s}:` URL"));
        }
        let resource = matches!(
            name,
            "src" | "poster" | "srcset" | "background" | "action" | "formaction"
        ) || (name == "data" && tag == "object")
            || (tag == "link"
                && rel.split_whitespace().any(|r| {
                    matches!(
                        r.to_ascii_lowercase().as_str(),
                        "stylesheet"
                            | "icon"
                            | "preload"
                            | "modulepreload"
                            | "prefetch"
                            | "manifest"
                            | "apple-touch-icon"
                            | "mask-icon"
                    )
                }))
            || matches!(tag, "image" | "use" | "feimage" | "script");
        if resource && !same_site(u) {
            return Some("off-site resource".into());
        }
    }
    None
}

/// Elements that must not appear at all (or only in a harmless form).
fn element_problem(tag: &str, has_src: bool, http_equiv: Option<&str>) -> Option<String> {
    match tag {
        "script" if !has_src => Some("inline script".into()),
        "iframe" | "frame" | "object" | "embed" | "base" | "foreignobject" => {
            Some("element that loads or runs content".into())
        }
        "meta" if http_equiv.is_some_and(|h| h.eq_ignore_ascii_case("refresh")) => {
            Some("meta refresh".into())
        }
        _ => None,
    }
}

/// Parses HTML and lists every problem.
fn html_problems(html: &str, what: &str) -> Vec<String> {
    let found = RefCell::new(vec![]);
    let ids = RefCell::new(std::collections::BTreeMap::<String, usize>::new());
    rewrite_str(
        html,
        RewriteStrSettings::new().append_element_content_handler(element!("*", |el| {
            let tag = el.tag_name().to_ascii_lowercase();
            let rel = el.get_attribute("rel").unwrap_or_default();
            if let Some(p) = element_problem(
                &tag,
                el.has_attribute("src"),
                el.get_attribute("http-equiv").as_deref(),
            ) {
                found.borrow_mut().push(format!("{what}: <{tag}>: {p}"));
            }
            for a in el.attributes() {
                let name = a.name().to_ascii_lowercase();
                let value = a.value();
                if name == "id" {
                    *ids.borrow_mut().entry(value.clone()).or_default() += 1;
                }
                if let Some(p) = attribute_problem(&tag, &name, &value, &rel) {
                    found
                        .borrow_mut()
                        .push(format!("{what}: <{tag} {name}=\"{value}\">: {p}"));
                }
            }
            Ok(())
        })),
    )
    .unwrap_or_else(|e| panic!("{what}: {e}"));
    let mut found = found.into_inner();
    for (id, n) in ids.into_inner() {
        if n > 1 {
            found.push(format!("{what}: id `{id}` is used {n} times"));
        }
    }
    found
}

/// Parses XML (SVG, Atom, sitemap) and lists every problem, parsing the
/// HTML that feeds carry (`type="html"`) as HTML.
fn xml_problems(xml: &str, what: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse_with_options(
        xml,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{what}: {e}"));
    let mut found = vec![];
    for n in doc.descendants() {
        if n.is_pi() {
            found.push(format!("{what}: processing instruction {:?}", n.pi()));
        }
        if !n.is_element() {
            continue;
        }
        let tag = n.tag_name().name().to_ascii_lowercase();
        if let Some(p) = element_problem(
            &tag,
            n.has_attribute("src") || n.has_attribute("href"),
            None,
        ) {
            found.push(format!("{what}: <{tag}>: {p}"));
        }
        let rel = n.attribute("rel").unwrap_or("");
        for a in n.attributes() {
            let name = match a.namespace() {
                Some("http://www.w3.org/1999/xlink") => format!("xlink:{}", a.name()),
                _ => a.name().to_ascii_lowercase(),
            };
            if let Some(p) = attribute_problem(&tag, &name, a.value(), rel) {
                found.push(format!("{what}: <{tag} {name}=\"{}\">: {p}", a.value()));
            }
        }
        if n.attribute("type") == Some("html") {
            let text: String = n
                .descendants()
                .filter(|t| t.is_text())
                .filter_map(|t| t.text())
                .collect();
            found.extend(html_problems(&text, &format!("{what} <{tag}>")));
        }
        if matches!(tag.as_str(), "icon" | "logo") && !same_site(n.text().unwrap_or("")) {
            found.push(format!("{what}: <{tag}> off-site"));
        }
        if matches!(tag.as_str(), "loc" | "id" | "uri") {
            if let Some(s) = bad_scheme(n.text().unwrap_or("")) {
                found.push(format!("{what}: <{tag}> `{s}:` URL"));
            }
        }
    }
    found
}

/// Walks JSON: URL-valued keys must not hold a script-capable URL, and HTML
/// values (`"format": "text/html"`) are parsed as HTML.
fn json_problems(v: &serde_json::Value, key: &str, what: &str, found: &mut Vec<String>) {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            let url_key = matches!(
                key,
                "$schema"
                    | "@context"
                    | "@id"
                    | "id"
                    | "url"
                    | "homepage"
                    | "partOf"
                    | "source"
                    | "target"
                    | "first"
                    | "last"
                    | "next"
                    | "prev"
            ) || key.ends_with("_url");
            if url_key {
                if let Some(scheme) = bad_scheme(s) {
                    found.push(format!("{what}: {key}: `{scheme}:` URL"));
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|x| json_problems(x, key, what, found)),
        Value::Object(map) => {
            if map.get("format").and_then(Value::as_str) == Some("text/html") {
                if let Some(html) = map.get("value").and_then(Value::as_str) {
                    found.extend(html_problems(html, &format!("{what} (HTML value)")));
                }
            }
            for (k, x) in map {
                json_problems(x, k, what, found);
            }
        }
        _ => {}
    }
}

#[test]
fn built_site_has_no_event_handler_script_url_or_off_site_resource() {
    let site = hostile();
    site.build_ok(&["--no-search"]);
    let mut problems = vec![];
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for (rel, bytes) in site.snapshot_output() {
        let text = String::from_utf8(bytes).unwrap_or_else(|_| {
            assert!(rel.ends_with(".png"), "{rel} is not UTF-8");
            String::new()
        });
        if let Some(c) = text
            .chars()
            .find(|&c| annals::allow::is_forbidden_control(c))
        {
            problems.push(format!("{rel}: control character U+{:04X}", c as u32));
        }
        let ext = rel.rsplit('.').next().unwrap_or("").to_string();
        match ext.as_str() {
            "html" => problems.extend(html_problems(&text, &rel)),
            "svg" | "xml" => problems.extend(xml_problems(&text, &rel)),
            "json" | "jsonld" => {
                let v: serde_json::Value =
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
                json_problems(&v, "", &rel, &mut problems);
            }
            _ => continue,
        }
        *counts.entry(ext).or_default() += 1;
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every kind of output was looked at (the timeline's SVG is inline in HTML).
    for ext in ["html", "svg", "xml", "json", "jsonld"] {
        assert!(
            counts.contains_key(ext),
            "no .{ext} output parsed: {counts:?}"
        );
    }
    // The allowed content is there, as text and as the links it is.
    let first = site.read("agreements/first-pact/index.html");
    assert!(
        first.contains("<img src=\"/figure.png\" alt=\"A figure &quot;onerror=&quot;alert(1)\"")
    );
    assert!(first.contains("<h2 id=\"notes-1\">Notes</h2>"));
    assert!(first.contains("The first pact &lt;/a&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn the_checker_finds_what_it_looks_for() {
    // The parse-based checks above must be able to fail.
    let bad = r#"<h2 tabindex=0 OnFocus="x">a</h2><a href=" JaVa&#x53;cript:x">b</a>
        <img src="https://evil.example/x.png"><link rel="Stylesheet" href="//evil.example/s.css">
        <script>alert(1)</script><iframe src="/x"></iframe><p id="a"></p><p id="a"></p>"#;
    let found = html_problems(bad, "t");
    for needle in [
        "onfocus",
        "`javascript:` URL",
        "<img src=\"https://evil.example/x.png\">: off-site resource",
        "<link href=\"//evil.example/s.css\">: off-site resource",
        "<script>: inline script",
        "<iframe>: element",
        "id `a` is used 2 times",
    ] {
        assert!(
            found.iter().any(|f| f.contains(needle)),
            "{needle} not found in {found:?}"
        );
    }
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:x"><circle onload="x"/></a><image href="https://evil.example/i.png"/><script>x</script></svg>"#;
    assert_eq!(
        xml_problems(svg, "s").len(),
        4,
        "{:?}",
        xml_problems(svg, "s")
    );
    let feed = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html">&lt;img src=x onerror=alert(1)&gt;</content></entry></feed>"#;
    assert_eq!(
        xml_problems(feed, "f").len(),
        1,
        "{:?}",
        xml_problems(feed, "f")
    );
    let mut found = vec![];
    json_problems(
        &serde_json::json!({"url": "javascript:x", "body": {"format": "text/html", "value": "<b onclick=x>"}}),
        "",
        "j",
        &mut found,
    );
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn reserved_ids_cover_every_id_the_templates_put_on_content_pages() {
    // The fixture's only content-made ids are its `## Background` heading and
    // its footnote's name.
    let site = TestSite::new("basic");
    site.build_ok(&["--no-search"]);
    let mut unreserved = vec![];
    for (rel, bytes) in site.snapshot_output() {
        let content_page = rel == "index.html"
            || ["articles/", "agreements/", "parties/", "about/"]
                .iter()
                .any(|p| rel.starts_with(p) && rel.matches('/').count() == 2)
            || rel == "about/index.html";
        if !content_page || !rel.ends_with("index.html") || rel.starts_with("articles/page") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let ids = RefCell::new(vec![]);
        rewrite_str(
            &html,
            RewriteStrSettings::new().append_element_content_handler(element!("[id]", |el| {
                // Footnote definitions carry the content's own names.
                if el.get_attribute("class").as_deref() != Some("footnote-definition") {
                    ids.borrow_mut().push(el.get_attribute("id").unwrap());
                }
                Ok(())
            })),
        )
        .unwrap();
        for id in ids.into_inner() {
            if id != "background" && !annals::allow::is_reserved_id(&id) {
                unreserved.push(format!("{rel}: #{id}"));
            }
        }
    }
    assert!(
        unreserved.is_empty(),
        "ids the templates use but src/allow.rs does not reserve:\n{}",
        unreserved.join("\n")
    );
}

// ---------------------------------------------------------------------------
// Files from outside the root, special files, sizes, and static/.

/// A folder outside the site root with a secret file in it.
fn outside() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.md");
    fs::write(
        &secret,
        "---\ntitle: Secret\n---\nroot:x:0:0:root:/root:/bin/bash\n",
    )
    .unwrap();
    let real = fs::canonicalize(dir.path()).unwrap();
    (dir, real)
}

fn link(target: &std::path::Path, at: &std::path::Path) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

fn leaves(rel: &str, target: &std::path::Path) -> String {
    format!(
        "{rel}: error: `{rel}` leads outside the site root (to {}) through a symbolic link",
        target.display()
    )
}

#[test]
fn symlinks_inside_the_folders_that_leave_the_root_are_refused() {
    let (_keep, out) = outside();
    let site = hostile();
    let r = site.root();
    link(&out.join("secret.md"), &r.join("content/pages/leak.md"));
    link(&out.join("secret.md"), &r.join("static/leak.txt"));
    link(
        &out.join("secret.md"),
        &r.join("templates/partials/leak.html"),
    );
    link(&r.join("content/parties"), &r.join("static/parties-link"));
    link(&r.join("nowhere.md"), &r.join("content/pages/dangling.md"));
    // A link that stays inside the root is followed.
    link(
        &r.join("content/pages/about.md"),
        &r.join("content/pages/about-copy.md"),
    );
    assert_errors(
        &site,
        &[
            &leaves("content/pages/leak.md", &out.join("secret.md")),
            &leaves("static/leak.txt", &out.join("secret.md")),
            &leaves("templates/partials/leak.html", &out.join("secret.md")),
            "content/pages/dangling.md: error: `content/pages/dangling.md` is a symbolic link to nothing",
            "static/parties-link: error: `static/parties-link` is a symbolic link to a folder",
        ],
    );
    for f in [
        "content/pages/leak.md",
        "content/pages/dangling.md",
        "static/leak.txt",
        "static/parties-link",
    ] {
        fs::remove_file(r.join(f)).unwrap();
    }
    fs::remove_file(r.join("templates/partials/leak.html")).unwrap();
    site.build_ok(&["--no-search"]);
    file_contains!(site, "about-copy/index.html", "About this archive");
}

#[test]
fn top_level_folders_and_site_yaml_that_leave_the_root_are_refused() {
    let (_keep, out) = outside();
    let site = hostile();
    let r = site.root();
    for name in ["content", "static", "templates"] {
        fs::rename(r.join(name), out.join(name)).unwrap();
        link(&out.join(name), &r.join(name));
    }
    fs::rename(r.join("site.yaml"), out.join("site.yaml")).unwrap();
    link(&out.join("site.yaml"), &r.join("site.yaml"));
    assert_errors(&site, &[&leaves("site.yaml", &out.join("site.yaml"))]);
    // With site.yaml back, the folders are refused.
    fs::remove_file(r.join("site.yaml")).unwrap();
    fs::copy(out.join("site.yaml"), r.join("site.yaml")).unwrap();
    assert_errors(
        &site,
        &[
            &leaves("content", &out.join("content")),
            // What follows from content/ not being read.
            "content/_index.md: error: content/_index.md not found",
            &leaves("static", &out.join("static")),
            &leaves("templates", &out.join("templates")),
        ],
    );
    let r2 = site.run(&["build", "--no-search"]);
    assert_eq!(r2.code, 1, "{}", r2.stderr);
    assert!(!site.out("secret.md").exists() && !site.out("index.html").exists());
}

#[test]
fn serve_refuses_a_content_symlink_created_while_running() {
    let (_keep, out) = outside();
    let site = hostile();
    let mut session = annals::serve::session::Session::new(site.root(), false, None);
    assert!(!session.diagnostics().has_errors());
    let leak = site.root().join("content/pages/leak.md");
    link(&out.join("secret.md"), &leak);
    session.apply(&[leak]);
    let report = session.diagnostics().render_human();
    assert!(
        report.contains("`content/pages/leak.md` leads outside the site root"),
        "{report}"
    );
    assert!(session.get("leak/index.html").is_none());
    assert!(!session
        .outputs()
        .values()
        .any(|b| String::from_utf8_lossy(b).contains("root:x:0:0")));
    // The same for static/.
    fs::remove_file(site.root().join("content/pages/leak.md")).unwrap();
    let leak = site.root().join("static/leak.txt");
    link(&out.join("secret.md"), &leak);
    session.apply(&[site.root().join("content/pages/leak.md"), leak]);
    let report = session.diagnostics().render_human();
    assert!(
        report.contains("`static/leak.txt` leads outside the site root"),
        "{report}"
    );
    assert!(session.get("leak.txt").is_none());
}

#[test]
fn oversized_and_special_files_are_refused_without_reading_them() {
    let site = hostile();
    let r = site.root();
    // 2 MB and one byte of a valid report.
    let mut big = fs::read_to_string(r.join("content/articles/2015-10-22-report.md")).unwrap();
    big.push_str(&"x".repeat(2 * 1024 * 1024 + 1 - big.len()));
    fs::write(r.join("content/articles/2015-10-23-big.md"), &big).unwrap();
    // Pipes that would block a reader forever.
    for p in ["content/pages/pipe.md", "static/pipe.css"] {
        let ok = std::process::Command::new("mkfifo")
            .arg(r.join(p))
            .status()
            .unwrap()
            .success();
        assert!(ok, "mkfifo {p}");
    }
    assert_errors(
        &site,
        &[
            "content/articles/2015-10-23-big.md: error: `content/articles/2015-10-23-big.md` is 2097153 bytes, more than the limit of 2 MB for this kind of file",
            "content/pages/pipe.md: error: `content/pages/pipe.md` is not a regular file (a device, a pipe or a socket)",
            "static/pipe.css: error: `static/pipe.css` is not a regular file (a device, a pipe or a socket)",
        ],
    );
    // site.yaml as a pipe: refused before it is opened.
    fs::remove_file(r.join("site.yaml")).unwrap();
    std::process::Command::new("mkfifo")
        .arg(r.join("site.yaml"))
        .status()
        .unwrap();
    assert_errors(
        &site,
        &["site.yaml: error: `site.yaml` is not a regular file (a device, a pipe or a socket)"],
    );
}

#[test]
fn script_capable_static_files_are_errors_unless_named_in_site_yaml() {
    let site = hostile();
    let r = site.root();
    for f in [
        "x.html",
        "x.HTM",
        "x.svg",
        "x.js",
        "x.mjs",
        "x.xml",
        "x.xhtml",
        "CNAME",
        "sub/y.js",
        "sub/ok.js",
        "fine.css",
        "Fine.PNG",
        "data/extra.json",
        "feed.xml",
        ".hidden.html",
    ] {
        site.write(&format!("static/{f}"), "<script>alert(1)</script>");
    }
    site.edit(
        "site.yaml",
        "static_scripts: [notes.js, search.js, favicon.svg]",
        "static_scripts: [notes.js, search.js, favicon.svg, sub/ok.js]",
    );
    let script = |f: &str, kind: &str| {
        format!("static/{f}: error: `static/{f}` is {kind}, a type that could run script on the site's origin")
    };
    let reserved = |f: &str| {
        format!("static/{f}: error: `static/{f}` would land on /{f}, which the site writes itself")
    };
    assert_errors(
        &site,
        &[
            &script("CNAME", "a file without an extension"),
            &reserved("CNAME"),
            &reserved("data/extra.json"),
            &script("feed.xml", "a .xml file"),
            &reserved("feed.xml"),
            &script("sub/y.js", "a .js file"),
            &script("x.HTM", "a .htm file"),
            &script("x.html", "a .html file"),
            &script("x.js", "a .js file"),
            &script("x.mjs", "a .mjs file"),
            &script("x.svg", "a .svg file"),
            &script("x.xhtml", "a .xhtml file"),
            &script("x.xml", "a .xml file"),
        ],
    );
    let out = site.run(&["check"]);
    assert!(out.stderr.contains(
        "hint: remove it, or after review name it in site.yaml: `static_scripts: [x.js]`"
    ));
    // A name allowed for a file that is gone is a warning.
    fs::remove_file(r.join("static/sub/ok.js")).unwrap();
    let out = site.run(&["check"]);
    assert!(
        out.stderr.contains("site.yaml:9:52: warning: static_scripts names `sub/ok.js`, which is not a file of static/"),
        "{}",
        out.stderr
    );
    site.write("static/sub/ok.js", "// reviewed");
    // Named and passive files are published; nothing else is.
    for f in [
        "x.html",
        "x.HTM",
        "x.svg",
        "x.js",
        "x.mjs",
        "x.xml",
        "x.xhtml",
        "CNAME",
        "sub/y.js",
        "data/extra.json",
        "feed.xml",
    ] {
        fs::remove_file(r.join("static").join(f)).unwrap();
    }
    site.build_ok(&["--no-search"]);
    for f in [
        "sub/ok.js",
        "fine.css",
        "Fine.PNG",
        "notes.js",
        "figure.png",
    ] {
        file_exists!(site, f);
    }
    assert!(!site.out(".hidden.html").exists());
}

#[test]
fn the_route_table_names_every_top_level_output() {
    // With the search index, so pagefind/ is there too.
    let site = TestSite::new("basic");
    site.build_ok(&[]);
    let mut unknown = vec![];
    for e in fs::read_dir(site.root().join("public")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        let known = annals::urls::routes::sections().contains(&name)
            || annals::urls::routes::root_files().contains(&name)
            || site.root().join("static").join(&name).exists()
            || site
                .root()
                .join("content/pages")
                .join(format!("{name}.md"))
                .exists();
        if !known {
            unknown.push(name);
        }
    }
    assert!(
        unknown.is_empty(),
        "outputs missing from the route table in src/urls.rs: {unknown:?}"
    );
}
