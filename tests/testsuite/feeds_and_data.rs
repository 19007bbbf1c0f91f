//! Feeds, sitemap, discovery files and open data, built from
//! `tests/fixtures/feeds` under a sub-path base URL.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::support::TestSite;
use serde_json::Value;

const BASE: &str = "https://example.github.io/archive/";
const ATOM: &str = "http://www.w3.org/2005/Atom";
const SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

fn built() -> TestSite {
    let site = TestSite::new("feeds");
    site.build_ok(&["--base-url", BASE]);
    site
}

/// The output file an absolute URL of the site names.
fn file_for(site: &TestSite, url: &str) -> PathBuf {
    let rel = url
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} does not start with {BASE}"));
    let rel = rel.split('#').next().unwrap();
    if rel.is_empty() || rel.ends_with('/') {
        site.out(&format!("{rel}index.html"))
    } else {
        site.out(rel)
    }
}

fn assert_names_a_file(site: &TestSite, url: &str) {
    let f = file_for(site, url);
    assert!(
        f.is_file(),
        "{url} names {}, which was not built",
        f.display()
    );
}

fn json(site: &TestSite, rel: &str) -> Value {
    serde_json::from_str(&site.read(rel)).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

fn is_rfc3339_utc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && s.ends_with('Z')
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && s.chars()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16, 19].contains(&i) || c.is_ascii_digit())
}

fn child<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    n.children()
        .filter(|c| c.is_element() && c.tag_name().name() == name)
        .collect()
}

fn one_text<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> &'a str {
    let c = child(n, name);
    assert_eq!(
        c.len(),
        1,
        "<{}> needs exactly one <{name}>",
        n.tag_name().name()
    );
    c[0].text().unwrap_or("")
}

/// Checks the Atom 1.0 rules this site relies on; returns the entries' ids.
fn check_atom(site: &TestSite, rel: &str) -> Vec<String> {
    let text = site.read(rel);
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed", "{rel}");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM), "{rel}");
    for el in feed.descendants().filter(|n| n.is_element()) {
        assert_eq!(
            el.tag_name().namespace(),
            Some(ATOM),
            "{rel}: foreign element"
        );
    }
    let id = one_text(feed, "id");
    assert_eq!(id, format!("{BASE}{rel}"), "{rel}: feed id");
    assert!(!one_text(feed, "title").is_empty());
    let updated = one_text(feed, "updated");
    assert!(is_rfc3339_utc(updated), "{rel}: updated {updated}");
    assert!(!child(feed, "author").is_empty(), "{rel}: feed author");
    let links = child(feed, "link");
    let self_link = links
        .iter()
        .find(|l| l.attribute("rel") == Some("self"))
        .unwrap_or_else(|| panic!("{rel}: no rel=self"));
    assert_eq!(self_link.attribute("href"), Some(id));
    let alt = links
        .iter()
        .find(|l| l.attribute("rel") == Some("alternate"))
        .unwrap_or_else(|| panic!("{rel}: no rel=alternate"));
    assert_names_a_file(site, alt.attribute("href").unwrap());

    let mut ids = vec![];
    let mut newest = String::new();
    for e in child(feed, "entry") {
        let eid = one_text(e, "id").to_string();
        assert!(eid.starts_with(BASE), "{rel}: entry id {eid}");
        assert!(!one_text(e, "title").is_empty());
        assert!(!one_text(e, "summary").is_empty());
        let up = one_text(e, "updated");
        assert!(is_rfc3339_utc(up), "{rel}: entry updated {up}");
        assert!(is_rfc3339_utc(one_text(e, "published")));
        if up > newest.as_str() {
            newest = up.to_string();
        }
        let author = child(e, "author");
        assert_eq!(author.len(), 1);
        assert!(!one_text(author[0], "name").is_empty());
        let alts: Vec<_> = child(e, "link")
            .into_iter()
            .filter(|l| l.attribute("rel") == Some("alternate"))
            .collect();
        assert_eq!(alts.len(), 1, "{rel}: one alternate link per entry");
        let href = alts[0].attribute("href").unwrap();
        assert_eq!(href, eid, "entry id is its page URL");
        assert_names_a_file(site, href);
        ids.push(eid);
    }
    if !newest.is_empty() {
        assert!(
            updated >= newest.as_str(),
            "{rel}: feed updated before its newest entry"
        );
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{rel}: duplicate entry ids");
    ids
}

/// Regression: an agreement's feed carried every report covering it (8 MB
/// for one agreement of a 100,000-report archive). It carries the newest 50.
#[test]
fn agreement_feeds_carry_the_newest_fifty_reports() {
    let site = TestSite::new("feeds");
    for n in 0..55 {
        site.write(
            &format!("content/articles/2016-report-{n:02}.md"),
            &format!(
                "---\ntitle: Report {n}\ndate: 2016-01-{:02}\nsource:\n  publisher: P\n  url: https://example.org/{n}\nsummary: S.\nagreements: [first-pact]\nparties: [us]\n---\nText {n}.\n",
                1 + n % 28
            ),
        );
    }
    site.build_ok(&["--base-url", BASE]);
    let ids = check_atom(&site, "agreements/first-pact/feed.xml");
    assert_eq!(ids.len(), 50);
    // Newest first: only 2016 reports made it, none of the three from 2015.
    assert!(ids[0].contains("2016-report-"), "{}", ids[0]);
    assert!(ids.iter().all(|u| !u.contains("2015-")));
    // The agreement's pages still list every report, each on one page.
    let mut listed = 0;
    for n in 1.. {
        let rel = match n {
            1 => "agreements/first-pact/index.html".to_string(),
            _ => format!("agreements/first-pact/page/{n}/index.html"),
        };
        if !site.out(&rel).exists() {
            break;
        }
        listed += site
            .read(&rel)
            .matches("class=\"item-title\"><a href=\"")
            .count();
    }
    assert_eq!(listed, 55 + 3, "every report covering it, once");
}

#[test]
fn feeds_are_atom_with_absolute_urls_and_content_dates() {
    let site = built();
    let ids = check_atom(&site, "feed.xml");
    assert_eq!(
        ids,
        [
            format!("{BASE}articles/2015-10-22-mirror-deal/"),
            format!("{BASE}articles/2015-10-19-intrusions-continue/"),
            format!("{BASE}articles/2015-09-26-pact-announced/"),
        ],
        "newest report first"
    );
    let feed = site.read("feed.xml");
    assert!(feed.contains("<updated>2015-10-22T00:00:00Z</updated>"));
    // The time given in front matter, in UTC.
    assert!(feed.contains("<updated>2015-10-20T01:46:24Z</updated>"));
    // Escaping.
    assert!(feed.contains("with &quot;copy &amp; paste&quot; wording"));

    let first = check_atom(&site, "agreements/first-pact/feed.xml");
    assert_eq!(first.len(), 3, "every report covering first-pact");
    let mirror = check_atom(&site, "agreements/mirror-pact/feed.xml");
    assert_eq!(mirror, [format!("{BASE}articles/2015-10-22-mirror-deal/")]);
    let f = site.read("agreements/first-pact/feed.xml");
    assert!(
        f.contains("The &quot;first&quot; pact on cyber theft &amp; &lt;commercial&gt; espionage")
    );
    // The agreement page links its feed.
    file_contains!(site, "agreements/first-pact/index.html", "feed.xml");
}

#[test]
fn sitemap_lists_existing_pages_and_robots_points_at_it() {
    let site = built();
    let text = site.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(root.tag_name().namespace(), Some(SITEMAP));
    let mut locs = vec![];
    for url in child(root, "url") {
        let loc = one_text(url, "loc");
        assert!(loc.starts_with(BASE), "{loc}");
        assert_names_a_file(&site, loc);
        for m in child(url, "lastmod") {
            let d = m.text().unwrap();
            assert!(d.len() == 10 && d.as_bytes()[4] == b'-', "lastmod {d}");
        }
        locs.push(loc.to_string());
    }
    let mut sorted = locs.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(locs, sorted, "sorted, no duplicates");
    for page in [
        "",
        "articles/",
        "articles/2015-09-26-pact-announced/",
        "agreements/",
        "agreements/first-pact/",
        "agreements/mirror-pact/",
        "parties/us/",
        "tags/diplomacy/",
        "years/2015/",
        "clauses/ip-theft/",
        "data/",
    ] {
        assert!(
            locs.contains(&format!("{BASE}{page}")),
            "sitemap lacks /{page}"
        );
    }
    assert!(!text.contains("404.html"));
    assert!(text.contains(&format!(
        "<loc>{BASE}articles/2015-10-22-mirror-deal/</loc><lastmod>2015-10-22</lastmod>"
    )));

    let robots = site.read("robots.txt");
    assert!(
        robots
            .lines()
            .any(|l| l == format!("Sitemap: {BASE}sitemap.xml")),
        "{robots}"
    );
    assert_eq!(site.read(".nojekyll"), "");
    assert!(!site.out("CNAME").exists(), "no CNAME unless configured");
}

#[test]
fn feeds_carry_the_newest_feed_limit_reports() {
    let site = TestSite::new("feeds");
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{yaml}\nfeed_limit: 2\n"));
    site.build_ok(&["--base-url", BASE]);
    let newest_two = [
        format!("{BASE}articles/2015-10-22-mirror-deal/"),
        format!("{BASE}articles/2015-10-19-intrusions-continue/"),
    ];
    assert_eq!(check_atom(&site, "feed.xml"), newest_two);
    // first-pact is covered by three reports: its feed has the newest two.
    assert_eq!(
        check_atom(&site, "agreements/first-pact/feed.xml"),
        newest_two
    );
    let f = site.read("agreements/first-pact/feed.xml");
    assert!(f.contains("<updated>2015-10-22T00:00:00Z</updated>"));
    // Zero is an error, as is any key site.yaml does not know.
    site.write("site.yaml", &format!("{yaml}\nfeed_limit: 0\n"));
    let r = site.run(&["build", "--no-search"]);
    assert_eq!(r.code, 1, "feed_limit: 0 fails the build");
    assert!(
        r.stderr.contains("feed_limit must be at least 1"),
        "{}",
        r.stderr
    );
}

#[test]
fn cname_is_written_when_configured() {
    let site = TestSite::new("feeds");
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{yaml}\ncname: archive.example.org\n"),
    );
    site.build_ok(&["--base-url", "https://archive.example.org/"]);
    assert_eq!(site.read("CNAME"), "archive.example.org\n");
    assert!(site
        .read("robots.txt")
        .contains("Sitemap: https://archive.example.org/sitemap.xml"));
}

/// Every way `v` breaks `schema`, as `instance path: message`, checked by the
/// `jsonschema` crate (draft 2020-12, with `format` asserted).
pub(crate) fn schema_errors(schema: &Value, v: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("the schema is a valid JSON Schema");
    validator
        .iter_errors(v)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn archive_json_validates_against_its_schema() {
    let site = built();
    let data = json(&site, "data/archive.json");
    let schema = json(&site, "data/archive.schema.json");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["$id"], format!("{BASE}data/archive.schema.json"));
    assert_eq!(data["$schema"], schema["$id"]);
    let errs = schema_errors(&schema, &data);
    assert!(
        errs.is_empty(),
        "archive.json does not match its schema:\n{}",
        errs.join("\n")
    );

    // The validator bites: an extra key, a missing key, a wrong type.
    let mut bad = data.clone();
    bad["reports"][0]["colour"] = "blue".into();
    bad["agreements"][0]
        .as_object_mut()
        .unwrap()
        .remove("status");
    bad["parties"][0]["title"] = 3.into();
    bad["reports"][1]["date"] = "22 October 2015".into();
    let errs = schema_errors(&schema, &bad);
    let broken = [
        "/reports/0: ",
        "/agreements/0: ",
        "/parties/0/title: ",
        "/reports/1/date: ",
    ];
    for path in broken {
        assert!(
            errs.iter().any(|e| e.starts_with(path)),
            "{path} not reported: {errs:#?}"
        );
    }
    assert!(
        errs.iter().all(|e| broken.iter().any(|p| e.starts_with(p))),
        "only the broken values are reported: {errs:#?}"
    );
    assert!(errs.iter().any(|e| e.contains("colour")), "{errs:#?}");
    assert!(errs.iter().any(|e| e.contains("status")), "{errs:#?}");

    // Contents.
    let ids = |k: &str| -> Vec<String> {
        data[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids("reports"),
        [
            "2015-09-26-pact-announced",
            "2015-10-19-intrusions-continue",
            "2015-10-22-mirror-deal"
        ]
    );
    assert_eq!(ids("agreements"), ["first-pact", "mirror-pact"]);
    assert_eq!(ids("parties"), ["cn", "us"]);
    let rels = data["relations"].as_array().unwrap();
    assert_eq!(rels.len(), 2);
    let mirror = &rels[0];
    assert_eq!(mirror["from"], "mirror-pact");
    assert_eq!(mirror["to"], "first-pact");
    assert_eq!(mirror["type"], "mirrors");
    assert_eq!(mirror["label"], "Mirrors");
    assert_eq!(mirror["inverse_label"], "Mirrored by");
    let first = &data["agreements"][0];
    assert_eq!(first["reports"].as_array().unwrap().len(), 3);
    assert_eq!(
        first["clauses"][0]["comparison_url"],
        format!("{BASE}clauses/ip-theft/")
    );
    for section in ["reports", "agreements", "parties"] {
        for x in data[section].as_array().unwrap() {
            assert_names_a_file(&site, x["url"].as_str().unwrap());
        }
    }
    for a in data["agreements"].as_array().unwrap() {
        assert_names_a_file(&site, a["feed_url"].as_str().unwrap());
    }
    assert_eq!(data["reports"][1]["date"], "2015-10-19");
    assert_eq!(
        data["vocabularies"]["relation_types"]["mirrors"]["inverse_label"],
        "Mirrored by"
    );
}

/// RFC 4180 parser (quoted fields, doubled quotes, CRLF rows).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let mut row = vec![];
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
        } else {
            match c {
                '"' => {
                    assert!(field.is_empty(), "quote inside an unquoted field");
                    quoted = true;
                }
                ',' => row.push(std::mem::take(&mut field)),
                '\r' => {
                    assert_eq!(chars.next(), Some('\n'), "CR without LF");
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                '\n' => panic!("bare LF ends a row"),
                c => field.push(c),
            }
        }
    }
    assert!(
        !quoted && field.is_empty() && row.is_empty(),
        "last row must end in CRLF"
    );
    rows
}

#[test]
fn csv_tables_follow_rfc_4180() {
    let site = built();
    let agreements = parse_csv(&site.read("data/agreements.csv"));
    assert_eq!(agreements[0][0], "id");
    assert_eq!(agreements.len(), 3);
    assert!(agreements.iter().all(|r| r.len() == agreements[0].len()));
    let col = |name: &str| agreements[0].iter().position(|h| h == name).unwrap();
    assert_eq!(agreements[1][col("id")], "first-pact");
    assert_eq!(
        agreements[1][col("title")],
        "The \"first\" pact on cyber theft & <commercial> espionage"
    );
    assert_eq!(agreements[1][col("parties")], "us;cn");
    assert_eq!(agreements[1][col("report_count")], "3");
    assert_eq!(
        agreements[2][col("url")],
        format!("{BASE}agreements/mirror-pact/")
    );

    let relations = parse_csv(&site.read("data/relations.csv"));
    assert_eq!(relations.len(), 3);
    assert!(relations.iter().all(|r| r.len() == relations[0].len()));
    let col = |name: &str| relations[0].iter().position(|h| h == name).unwrap();
    assert_eq!(relations[1][col("from")], "mirror-pact");
    assert_eq!(
        relations[1][col("note")],
        "Same clause, without \"knowingly\",\nand with a comma."
    );
    assert_eq!(relations[2][col("from_kind")], "report");
    assert_eq!(relations[2][col("type")], "assesses");
}

/// The report body's text by the page-text convention documented on /data/:
/// blocks separated by one newline, whitespace runs as one space, curly quotes
/// straight, note markers left out.
fn body_text(html: &str) -> String {
    let start = html
        .find("<div class=\"report-body\">")
        .expect("report body");
    let prose = start + html[start..].find("<div class=\"prose\">").expect("prose") + 19;
    // Find the matching </div>.
    let mut depth = 1;
    let mut i = prose;
    let end = loop {
        let next_open = html[i..].find("<div").map(|x| x + i);
        let next_close = html[i..]
            .find("</div>")
            .map(|x| x + i)
            .expect("unclosed div");
        match next_open {
            Some(o) if o < next_close => {
                depth += 1;
                i = o + 4;
            }
            _ => {
                depth -= 1;
                if depth == 0 {
                    break next_close;
                }
                i = next_close + 6;
            }
        }
    };
    let inner = &html[prose..end];
    const BLOCKS: &[&str] = &[
        "p",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "hr",
        "div",
        "section",
        "dl",
        "dt",
        "dd",
    ];
    let mut flat = String::new();
    let mut rest = inner;
    let mut skip_sup = 0usize;
    while !rest.is_empty() {
        if let Some(tag_body) = rest.strip_prefix('<') {
            let close = tag_body.find('>').unwrap();
            let tag = &tag_body[..close];
            rest = &tag_body[close + 1..];
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if name == "sup" && tag.contains("class=\"noteref\"") {
                skip_sup = 1;
                continue;
            }
            if skip_sup > 0 {
                if tag == "/sup" {
                    skip_sup = 0;
                }
                continue;
            }
            if BLOCKS.contains(&name.as_str()) {
                while flat.ends_with(char::is_whitespace) {
                    flat.pop();
                }
                if !flat.is_empty() && !flat.ends_with('\u{1}') {
                    flat.push('\u{1}');
                }
            }
        } else {
            let n = rest.find('<').unwrap_or(rest.len());
            if skip_sup == 0 {
                flat.push_str(&decode(&rest[..n]));
            }
            rest = &rest[n..];
        }
    }
    // Normalise like the anchoring code.
    let mut out = String::new();
    let mut pending = false;
    for c in flat.chars() {
        if c.is_whitespace() {
            pending = true;
            continue;
        }
        if pending && !out.is_empty() && !out.ends_with('\u{1}') && c != '\u{1}' {
            out.push(' ');
        }
        pending = false;
        out.push(c);
    }
    out.replace('\u{1}', "\n").trim_matches('\n').to_string()
}

fn decode(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The quote and position selectors of one annotation match the report's text.
fn assert_selector_matches_page(html: &str, item: &Value, id: &str) {
    let text = body_text(html);
    let sel = item["target"]["selector"].as_array().unwrap();
    let quote = sel
        .iter()
        .find(|s| s["type"] == "TextQuoteSelector")
        .unwrap();
    let exact = quote["exact"].as_str().unwrap();
    let prefix = quote["prefix"].as_str().unwrap();
    let suffix = quote["suffix"].as_str().unwrap();
    assert_eq!(
        text.matches(exact).count(),
        1,
        "{id}: {exact:?} in {text:?}"
    );
    assert!(
        text.contains(&format!("{prefix}{exact}{suffix}")),
        "{id}: prefix/exact/suffix not contiguous in {text:?}"
    );
    let css = sel.iter().find(|s| s["type"] == "CssSelector").unwrap();
    assert_eq!(css["value"], ".report-body > .prose");
    let pos = &css["refinedBy"];
    assert_eq!(pos["type"], "TextPositionSelector");
    let (start, end) = (
        pos["start"].as_u64().unwrap() as usize,
        pos["end"].as_u64().unwrap() as usize,
    );
    let chars: Vec<char> = text.chars().collect();
    let at: String = chars[start..end].iter().collect();
    assert_eq!(at, exact, "{id}: positions {start}..{end} in {text:?}");
    let before: String = chars[start - prefix.chars().count()..start]
        .iter()
        .collect();
    assert_eq!(before, prefix);
}

#[test]
fn every_annotation_of_the_real_archive_matches_its_page() {
    let site = TestSite::from_repo();
    site.build_ok(&["--base-url", BASE, "--no-search"]);
    let doc = json(&site, "data/annotations.jsonld");
    let items = doc["first"]["items"].as_array().unwrap();
    assert!(items.len() >= 40, "only {} notes", items.len());
    for item in items {
        let id = item["id"].as_str().unwrap();
        let source = item["target"]["source"].as_str().unwrap();
        let html = std::fs::read_to_string(file_for(&site, source)).unwrap();
        assert_selector_matches_page(&html, item, id);
    }
}

#[test]
fn annotations_are_web_annotations_whose_selectors_match_the_page() {
    let site = built();
    let doc = json(&site, "data/annotations.jsonld");
    assert_eq!(doc["@context"], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(doc["type"], "AnnotationCollection");
    assert_eq!(doc["id"], format!("{BASE}data/annotations.jsonld"));
    let items = doc["first"]["items"].as_array().unwrap();
    assert_eq!(doc["first"]["type"], "AnnotationPage");
    assert_eq!(doc["total"], items.len());
    // One per note in the fixture: 2 + 1 + 2.
    assert_eq!(items.len(), 5);
    let mut per_page: BTreeMap<String, usize> = BTreeMap::new();
    for item in items {
        assert_eq!(item["type"], "Annotation");
        let id = item["id"].as_str().unwrap();
        let source = item["target"]["source"].as_str().unwrap();
        assert!(source.starts_with(&format!("{BASE}articles/")));
        let (page, frag) = id.split_once('#').unwrap();
        assert_eq!(page, source);
        assert!(frag.starts_with("note-"));
        *per_page.entry(source.to_string()).or_default() += 1;

        let html = std::fs::read_to_string(file_for(&site, source)).unwrap();
        assert!(
            html.contains(&format!("id=\"{frag}\"")),
            "{id}: no such note on the page"
        );
        let kind = item["body"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["purpose"] == "tagging")
            .unwrap()["value"]
            .as_str()
            .unwrap()
            .to_string();
        let expected = match kind.as_str() {
            "fact-check" | "correction" | "dispute" => "assessing",
            "context" => "describing",
            _ => "commenting",
        };
        assert_eq!(item["motivation"], expected, "{id}");
        let note = &item["body"][0];
        assert_eq!(note["type"], "TextualBody");
        assert!(!note["value"].as_str().unwrap().is_empty());
        // Links inside notes are absolute.
        for part in note["value"].as_str().unwrap().split("href=\"").skip(1) {
            assert!(
                part.starts_with(BASE),
                "{id}: relative link in note: {part}"
            );
        }

        assert_selector_matches_page(&html, item, id);
    }
    assert_eq!(per_page.values().copied().collect::<Vec<_>>(), [2, 1, 2]);
    // The quote that spans emphasis and a line break reads as on the page.
    assert!(items
        .iter()
        .any(|i| i["target"]["selector"][0]["exact"] == "not to steal trade secrets"));
    let cited = items
        .iter()
        .find(|i| i["target"]["selector"][0]["exact"] == "£67 billion")
        .unwrap();
    assert_eq!(
        cited["body"][2]["source"],
        "https://example.org/checks/figure"
    );
}

#[test]
fn data_page_documents_every_file() {
    let site = built();
    let page = site.read("data/index.html");
    for f in [
        "archive.json",
        "archive.schema.json",
        "agreements.csv",
        "relations.csv",
        "annotations.jsonld",
    ] {
        assert!(
            page.contains(&format!("href=\"/archive/data/{f}\"")),
            "data page does not link {f}"
        );
        assert!(site.out(&format!("data/{f}")).is_file());
    }
    assert!(page.contains("CC BY 4.0"), "licence");
    assert!(page.contains("Unicode code points"), "position convention");
    assert!(
        page.contains("<code>note_count</code>"),
        "fields from the schema"
    );
    assert!(page.contains(&format!("<link rel=\"canonical\" href=\"{BASE}data/\">")));
}

#[test]
fn two_builds_are_byte_identical() {
    let site = built();
    let mine = |p: &str| {
        p.ends_with("feed.xml")
            || p.starts_with("data/")
            || ["sitemap.xml", "robots.txt", ".nojekyll"].contains(&p)
    };
    let first: Vec<_> = site
        .snapshot_output()
        .into_iter()
        .filter(|(p, _)| mine(p))
        .collect();
    assert!(
        first.len() >= 12,
        "{:?}",
        first.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    site.build_ok(&["--base-url", BASE]);
    let second: Vec<_> = site
        .snapshot_output()
        .into_iter()
        .filter(|(p, _)| mine(p))
        .collect();
    assert_eq!(first.len(), second.len());
    for ((p, a), (q, b)) in first.iter().zip(&second) {
        assert_eq!(p, q);
        assert!(a == b, "{p} differs between builds");
    }
}
