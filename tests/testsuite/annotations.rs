//! Annotations end to end: the real binary over `tests/fixtures/annotations`.
//!
//! Pins anchoring across inline markup and line breaks, prefixes that pick an
//! occurrence, the missing/ambiguous diagnostics (exact `file:line:col`, exit
//! 1, previous `public/` untouched), overlapping notes, and `/annotations/`.

use crate::support::TestSite;

const EMPHASIS: &str = "articles/2015-10-01-emphasis/index.html";
const PREFIX: &str = "articles/2015-10-02-prefix/index.html";
const OVERLAP: &str = "articles/2015-10-03-overlap/index.html";
const ANNOTATIONS: &str = "annotations/index.html";

/// The fixture in a temporary folder, built into `<tmp>/public`.
fn built() -> TestSite {
    let site = TestSite::new("annotations");
    build(&site, 0);
    site
}

/// Runs `annals build --out <tmp>/public --root <tmp>` and checks the exit code.
fn build(site: &TestSite, code: i32) -> crate::support::Run {
    let out = site.root().join("public");
    let r = site.run(&["build", "--no-search", "--out", out.to_str().unwrap()]);
    assert_eq!(
        r.code, code,
        "expected exit {code}, got {}:\n{}",
        r.code, r.stderr
    );
    r
}

/// Adds one of `tests/fixtures/annotations/broken/*.md` to the site's reports.
fn add_broken(site: &TestSite, name: &str) -> String {
    let text = std::fs::read_to_string(
        crate::support::repo()
            .join("tests/fixtures/annotations/broken")
            .join(name),
    )
    .unwrap();
    let rel = format!("content/articles/2015-10-09-{name}");
    site.write(&rel, &text);
    rel
}

/// Diagnostics with the temporary folder replaced by `[TMP]`.
fn normalise(site: &TestSite, stderr: &str) -> String {
    let root = site.root().to_string_lossy().into_owned();
    let mut s = stderr.replace(&root, "[TMP]");
    // macOS reports /var/… temp folders as /private/var/….
    if let Ok(canon) = site.root().canonicalize() {
        s = s.replace(&*canon.to_string_lossy(), "[TMP]");
    }
    s.replace('\\', "/")
}

/// 1-based (line, column) of the first `needle` in `text`.
fn line_col(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found"));
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

/// Lines (1-based) of the body of a Markdown file that contain `needle`.
fn body_lines(text: &str, needle: &str) -> Vec<usize> {
    let body_start = text[3..].find("\n---\n").unwrap() + 3 + 5;
    let first = text[..body_start].matches('\n').count() + 1;
    text[body_start..]
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| first + i)
        .collect()
}

// ---- A minimal HTML tokenizer, enough for the generator's own output. ----

#[derive(Debug)]
enum Tok<'a> {
    Open(&'a str, &'a str),
    Close(&'a str),
    Text(&'a str),
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

fn tokens(html: &str) -> Vec<Tok<'_>> {
    let mut out = vec![];
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("<!--") {
            let end = r.find("-->").expect("unterminated comment");
            rest = &r[end + 3..];
        } else if rest.starts_with("<!") {
            rest = &rest[rest.find('>').unwrap() + 1..];
        } else if rest.starts_with('<') {
            let end = rest.find('>').expect("unterminated tag");
            let tag = &rest[1..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                out.push(Tok::Close(name.trim()));
            } else {
                let name_end = tag
                    .find(|c: char| c.is_whitespace() || c == '/')
                    .unwrap_or(tag.len());
                let name = &tag[..name_end];
                if name == "script" || name == "style" {
                    let close = format!("</{name}>");
                    rest = &rest[rest.find(&close).expect("unterminated script") + close.len()..];
                    continue;
                }
                out.push(Tok::Open(name, &tag[name_end..]));
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            out.push(Tok::Text(&rest[..end]));
            rest = &rest[end..];
        }
    }
    out
}

/// Panics unless every element is closed in the order it was opened.
fn assert_well_formed(html: &str) {
    let mut stack: Vec<&str> = vec![];
    for t in tokens(html) {
        match t {
            Tok::Open(name, _) if !VOID.contains(&name) => stack.push(name),
            Tok::Close(name) => {
                let open = stack.pop();
                assert_eq!(
                    open,
                    Some(name),
                    "</{name}> closes {open:?}; open elements: {stack:?}"
                );
            }
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
}

/// The text from the first to the last `<mark>` of note `n`, whitespace
/// collapsed; panics if anything but whitespace (or another note's
/// reference number) between them is unmarked.
fn marked_text(html: &str, n: usize) -> String {
    let attr = format!("data-note=\"{n}\"");
    let mut stack: Vec<bool> = vec![];
    let mut noteref: Vec<bool> = vec![];
    let mut text = String::new();
    let mut gap = String::new();
    for t in tokens(html) {
        match t {
            Tok::Open(name, attrs) if !VOID.contains(&name) => {
                stack.push(name == "mark" && attrs.contains(&attr));
                noteref.push(name == "sup" && attrs.contains("class=\"noteref\""));
            }
            Tok::Close(_) => {
                stack.pop();
                noteref.pop();
            }
            Tok::Text(_) if noteref.iter().any(|&r| r) => {}
            Tok::Text(s) if stack.iter().any(|&m| m) => {
                assert!(
                    gap.trim().is_empty(),
                    "unmarked {gap:?} inside note {n}'s words"
                );
                text.push_str(&gap);
                gap.clear();
                text.push_str(s);
            }
            Tok::Text(s) if !text.is_empty() => gap.push_str(s),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The report's body (`.prose`), to keep assertions off the notes section.
fn prose(html: &str) -> &str {
    let start = html.find("<div class=\"prose\">").expect("no .prose");
    let end = html[start..].find("</div>").unwrap() + start;
    &html[start..end + 6]
}

// ---- (a) a quote across emphasis and a line break ----

#[test]
fn quote_spanning_emphasis_and_a_line_break_anchors() {
    let site = built();
    let html = site.read(EMPHASIS);
    assert!(html.contains("id=\"mark-1\""), "no mark-1");
    assert!(html.contains("id=\"note-1\""), "no note-1");
    assert!(html.contains("href=\"#note-1\" id=\"ref-1\" role=\"doc-noteref\""));
    assert!(html.contains("href=\"#ref-1\" role=\"doc-backlink\""));
    let body = prose(&html);
    // Split at the <em> borders: a mark outside, marks inside, a mark after.
    assert!(body.matches("<mark").count() >= 3, "{body}");
    assert!(body.contains("<em><mark"), "{body}");
    assert!(body.contains("</mark></em>"), "{body}");
    assert_eq!(
        marked_text(body, 1),
        "agreed not to conduct or support theft"
    );
    assert_well_formed(&html);
}

// ---- (b) a prefix picks one of several occurrences ----

#[test]
fn prefix_picks_the_right_occurrence() {
    let site = built();
    let html = site.read(PREFIX);
    let body = prose(&html);
    assert_eq!(body.matches("the deal held").count(), 3);
    let at = body.find("id=\"mark-1\"").expect("no mark-1");
    let tag_start = body[..at].rfind('<').unwrap();
    assert!(
        body[..tag_start].ends_with("<p>Then in November "),
        "wrong occurrence: {}",
        &body[..tag_start]
    );
    assert_eq!(body.matches("<mark").count(), 1);
    assert_eq!(marked_text(body, 1), "the deal held");
    assert_well_formed(&html);
}

// ---- (c) a missing quote ----

#[test]
fn missing_quote_is_an_error_at_its_quote_key() {
    let site = TestSite::new("annotations");
    let rel = add_broken(&site, "missing-quote.md");
    let r = build(&site, 1);
    let text = std::fs::read_to_string(site.root().join(&rel)).unwrap();
    let (line, col) = line_col(&text, "quote: \"signed the treaty");
    assert!(
        r.stderr.contains(&format!(
            "{rel}:{line}:{col}: error: annotation quote not found"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "hint: the closest passage in the text is \"signed the agreement on Saturday\""
        ),
        "{}",
        r.stderr
    );
    assert!(
        !site.out(ANNOTATIONS).exists(),
        "a failed build wrote output"
    );
    insta::assert_snapshot!("missing_quote", normalise(&site, &r.stderr));
}

// ---- (d) an ambiguous quote ----

#[test]
fn ambiguous_quote_lists_its_matches() {
    let site = TestSite::new("annotations");
    let rel = add_broken(&site, "ambiguous-quote.md");
    let r = build(&site, 1);
    let text = std::fs::read_to_string(site.root().join(&rel)).unwrap();
    let (line, col) = line_col(&text, "quote: \"the pact\"");
    let lines = body_lines(&text, "the pact");
    assert_eq!(lines.len(), 2);
    assert!(
        r.stderr
            .contains(&format!("{rel}:{line}:{col}: error: annotation quote")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "matches 2 times (lines {}, {})",
            lines[0], lines[1]
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("prefix"), "no hint: {}", r.stderr);
    insta::assert_snapshot!("ambiguous_quote", normalise(&site, &r.stderr));
}

// ---- (e) overlapping annotations ----

#[test]
fn overlapping_annotations_keep_both_notes_reachable() {
    let site = built();
    let html = site.read(OVERLAP);
    for n in [1, 2] {
        assert!(html.contains(&format!("id=\"note-{n}\"")), "no note-{n}");
        assert!(html.contains(&format!("id=\"mark-{n}\"")), "no mark-{n}");
        assert!(
            html.contains(&format!("href=\"#note-{n}\" id=\"ref-{n}\"")),
            "no noteref {n}"
        );
        assert!(
            html.contains(&format!("href=\"#ref-{n}\" role=\"doc-backlink\"")),
            "no backlink {n}"
        );
    }
    assert_eq!(
        html.matches("<mark").count(),
        html.matches("</mark>").count()
    );
    // Numbered in reading order, whatever the front matter's order.
    let body = prose(&html);
    assert_eq!(marked_text(body, 1), "stole trade secrets from");
    assert_eq!(marked_text(body, 2), "trade secrets from seven companies");
    assert!(body.find("href=\"#note-1\"") < body.find("href=\"#note-2\""));
    assert_well_formed(&html);
}

// ---- (f) a failed build leaves public/ alone ----

#[test]
fn failed_build_leaves_public_untouched() {
    let site = built();
    let page = site.out(PREFIX);
    let before_page = std::fs::read(&page).unwrap();
    let before_all = site.snapshot_output();
    site.edit(
        "content/articles/2015-10-02-prefix.md",
        "quote: \"the deal held\"",
        "quote: \"the deal collapsed\"",
    );
    let r = build(&site, 1);
    assert!(
        r.stderr.contains("annotation quote not found"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(&page).unwrap(), before_page);
    assert!(
        site.snapshot_output() == before_all,
        "public/ changed after a failed build"
    );
}

// ---- (g) the /annotations/ page ----

#[test]
fn annotations_page_lists_every_note() {
    let site = built();
    let html = site.read(ANNOTATIONS);
    assert_well_formed(&html);
    let expected = [
        (
            "2015-10-01-emphasis",
            1,
            "context",
            "agreed not to conduct or support theft",
        ),
        ("2015-10-02-prefix", 1, "claim", "the deal held"),
        ("2015-10-03-overlap", 1, "claim", "stole trade secrets from"),
        (
            "2015-10-03-overlap",
            2,
            "claim",
            "trade secrets from seven companies",
        ),
    ];
    assert_eq!(
        html.matches("<li id=").count(),
        expected.len(),
        "one list item per note"
    );
    for (slug, n, kind, quote) in expected {
        let base = format!("/annals/articles/{slug}/");
        let id = format!("id=\"{slug}-note-{n}\"");
        let at = html.find(&id).unwrap_or_else(|| panic!("no {id}"));
        let item = &html[at..at + html[at..].find("</li>").unwrap()];
        assert!(
            item.contains(&format!("class=\"note note-{kind}\"")),
            "{item}"
        );
        assert!(item.contains(&format!("href=\"{base}\"")), "{item}");
        assert!(
            item.contains(&format!("href=\"{base}#note-{n}\"")),
            "{item}"
        );
        assert!(
            item.contains(&format!("href=\"{base}#mark-{n}\"")),
            "{item}"
        );
        assert!(item.contains(quote), "{item}");
        // Under its kind's heading.
        let section = html[..at].rfind("<section").unwrap();
        assert!(
            html[section..at].contains(&format!("id=\"kind-{kind}\"")),
            "{slug} note {n} is not under {kind}"
        );
    }
    // Wiki links in notes are filled in.
    assert!(html.contains("href=\"/annals/agreements/pact-2015/\">Example Pact</a>"));
    assert!(!html.contains('\0'));
    // Report date, then note number.
    let pos = |s: &str| html.find(s).unwrap();
    assert!(pos("2015-10-02-prefix-note-1") < pos("2015-10-03-overlap-note-1"));
    assert!(pos("2015-10-03-overlap-note-1") < pos("2015-10-03-overlap-note-2"));
    // Every kind of the vocabulary has its section, with its label and description.
    for (key, label, description) in [
        ("context", "Context", "Background a reader needs"),
        ("claim", "Claim", "A claim made in the report"),
        (
            "fact-check",
            "Fact check",
            "The passage checked against primary sources",
        ),
        ("correction", "Correction", "The report got this wrong"),
        ("dispute", "Disputed", "The passage is contested"),
    ] {
        let at = pos(&format!("<section class=\"notes-kind\" id=\"kind-{key}\""));
        let section = &html[at..at + html[at..].find("</section>").unwrap()];
        assert!(section.contains(label), "{section}");
        assert!(section.contains(description), "{section}");
    }
}
