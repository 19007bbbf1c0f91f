//! The build pipeline end to end: every page kind, sub-path URLs, byte-identical
//! output, and the safety rules of the output folder.

use crate::support::TestSite;

#[test]
fn builds_every_page_kind() {
    let site = TestSite::new("basic");
    let r = site.build_ok(&[]);
    assert!(r.stdout.starts_with("built "), "summary line: {}", r.stdout);
    for rel in [
        "index.html",
        "404.html",
        "articles/index.html",
        "articles/page/2/index.html",
        "articles/2015-10-22-uk-china-deal/index.html",
        "agreements/index.html",
        "agreements/first-pact/index.html",
        "parties/index.html",
        "parties/no/index.html",
        "tags/index.html",
        "tags/attribution/index.html",
        "years/index.html",
        "years/2015/index.html",
        "clauses/ip-theft/index.html",
        "about/index.html",
        "style.css",
        ".annals-output",
    ] {
        file_exists!(site, rel);
    }
    // Drafts are left out by default.
    assert!(!site
        .out("articles/2016-01-01-draft-story/index.html")
        .exists());
    // Reports list is newest first and paginated at per_page = 2.
    let list = site.read("articles/index.html");
    let a = list.find("UK and China sign a deal").unwrap();
    let b = list.find("Firm says hacking continues").unwrap();
    assert!(a < b);
    file_contains!(site, "articles/page/2/index.html", "Five officers charged");
    // The agreements index is a table with parties, form and status.
    file_contains!(site, "agreements/index.html", "<table");
    file_contains!(site, "agreements/index.html", "Joint statement");
    // The party `no` is Norway (YAML 1.2), not `false`.
    file_contains!(site, "parties/no/index.html", "Norway");
}

#[test]
fn drafts_are_built_with_the_flag() {
    let site = TestSite::new("basic");
    site.build_ok(&["--drafts"]);
    file_exists!(site, "articles/2016-01-01-draft-story/index.html");
}

#[test]
fn every_internal_url_starts_with_the_base_path() {
    let site = TestSite::new("basic");
    site.build_ok(&["--base-url", "https://example.github.io/archive/"]);
    let mut checked = 0;
    for (path, bytes) in site.snapshot_output() {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"", "src=\""] {
            for (i, _) in html.match_indices(attr) {
                let rest = &html[i + attr.len()..];
                let url = &rest[..rest.find('"').unwrap()];
                checked += 1;
                let ok = url.starts_with("/archive/")
                    || url.starts_with("https://")
                    || url.starts_with('#');
                assert!(ok, "{path}: URL {url:?} does not start with /archive/");
            }
        }
    }
    assert!(checked > 100, "only {checked} URLs checked");
    file_contains!(
        site,
        "index.html",
        "<link rel=\"canonical\" href=\"https://example.github.io/archive/\">"
    );
}

/// The main navigation is built once per build (`site.nav`): each page marks
/// the link of its own section as current, and only that one.
#[test]
fn the_main_navigation_marks_the_section_of_each_page_as_current() {
    let site = TestSite::new("basic");
    site.build_ok(&[
        "--no-search",
        "--base-url",
        "https://example.github.io/archive/",
    ]);
    for (path, bytes) in site.snapshot_output() {
        if !path.ends_with(".html") || path.starts_with("pagefind/") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let nav = &html[html.find("<nav aria-label=\"Main\">").unwrap()..];
        let nav = &nav[..nav.find("</nav>").unwrap()];
        assert_eq!(nav.matches("<li>").count(), 10, "{path}: {nav}");
        let current: Vec<&str> = nav
            .match_indices(" aria-current=\"page\"")
            .map(|(i, _)| {
                let href = &nav[..i];
                let start = href.rfind("href=\"").unwrap() + "href=\"".len();
                &href[start..href.len() - 1]
            })
            .collect();
        let section = path.split_once('/').map_or("", |(first, _)| first);
        let expected: Vec<String> = match section {
            "articles" | "agreements" | "clauses" | "timeline" | "annotations" | "parties"
            | "actors" | "years" | "tags" | "search" => vec![format!("/archive/{section}/")],
            _ => vec![],
        };
        assert_eq!(current, expected, "{path}");
    }
    file_contains!(
        site,
        "tags/index.html",
        "<li><a href=\"/archive/tags/\" aria-current=\"page\">Tags</a></li>"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let site = TestSite::new("basic");
    site.build_ok(&[]);
    let first = site.snapshot_output();
    site.build_ok(&[]);
    let second = site.snapshot_output();
    assert_eq!(first.len(), second.len());
    for ((p1, b1), (p2, b2)) in first.iter().zip(&second) {
        assert_eq!(p1, p2);
        assert!(b1 == b2, "{p1} differs between builds");
    }
}

#[test]
fn check_writes_nothing_and_exits_zero() {
    let site = TestSite::new("basic");
    let r = site.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!site.root().join("public").exists());
}

#[test]
fn bom_and_crlf_files_load() {
    let site = TestSite::new("basic");
    site.write(
        "content/articles/2015-11-01-windows-file.md",
        "\u{feff}---\r\ntitle: Written on Windows\r\ndate: 2015-11-01\r\nsource:\r\n  publisher: X\r\n  url: https://example.org/w\r\nsummary: CRLF and BOM.\r\n---\r\nBody with *emphasis*.\r\n",
    );
    site.build_ok(&[]);
    file_contains!(
        site,
        "articles/2015-11-01-windows-file/index.html",
        "<em>emphasis</em>"
    );
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let site = TestSite::new("basic");
    site.write("public/precious.txt", "keep me");
    let r = site.run(&["build"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not written by annals"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(site.out("precious.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn refuses_unsafe_output_folders() {
    let site = TestSite::new("basic");
    let root = site.root().to_string_lossy().into_owned();
    for out in [
        root.clone(),
        format!("{root}/content"),
        format!("{root}/templates/x"),
        site.root().parent().unwrap().to_string_lossy().into_owned(),
    ] {
        let r = site.run(&["build", "--out", &out]);
        assert_eq!(r.code, 2, "--out {out} was accepted: {}", r.stderr);
    }
    assert!(site.root().join("content/_index.md").exists());
}

#[test]
fn usage_errors_exit_with_code_2() {
    let site = TestSite::new("basic");
    assert_eq!(site.run(&["build", "--no-such-flag"]).code, 2);
    assert_eq!(site.run(&["build", "--base-url", "example.org"]).code, 2);
}

#[test]
fn a_missing_root_is_a_usage_error_and_is_not_created() {
    let site = TestSite::new("basic");
    let missing = site.root().join("no-such-site");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_annals"))
        .args(["build", "--root"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a folder"));
    assert!(!missing.exists(), "build created the missing root");
}

#[test]
fn a_wiki_link_to_a_heading_resolves_with_its_fragment() {
    let site = TestSite::new("basic");
    site.build_ok(&[]);
    file_contains!(
        site,
        "agreements/second-pact/index.html",
        "href=\"/agreements/first-pact/#background\">the first one</a>"
    );
    // Default link text is the target's short title.
    file_contains!(
        site,
        "index.html",
        "<a href=\"/agreements/first-pact/\">First pact</a>"
    );
    // Root-relative Markdown links get the base path and are checked.
    file_contains!(
        site,
        "articles/2014-05-19-indictment/index.html",
        "<a href=\"/agreements/\">the agreements</a>"
    );
}

#[test]
fn every_page_offers_a_correction_and_content_pages_an_edit_link() {
    let site = TestSite::new("basic");
    site.build_ok(&[]);
    for (path, bytes) in site.snapshot_output() {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        assert!(
            html.contains("https://github.com/example/archive/issues/new?template=correction.yml&amp;title=Correction"),
            "{path} has no correction link"
        );
    }
    file_contains!(
        site,
        "articles/2015-10-22-uk-china-deal/index.html",
        "href=\"https://github.com/example/archive/edit/main/content/articles/2015-10-22-uk-china-deal.md\">Edit this page</a>"
    );
    file_contains!(
        site,
        "articles/2015-10-22-uk-china-deal/index.html",
        "page-url=https%3A%2F%2Fexample.org%2Farticles%2F2015-10-22-uk-china-deal%2F"
    );
}

#[test]
fn report_body_with_notes_and_footnotes_is_pinned() {
    let site = TestSite::new("basic");
    site.build_ok(&[]);
    let html = site.read("articles/2015-10-22-uk-china-deal/index.html");
    let start = html.find("<div class=\"prose\">").unwrap();
    let end = start + html[start..].find("<section id=\"notes\"").unwrap();
    insta::assert_snapshot!("report_body", html[start..end].trim());
    // Markdown footnotes keep working beside the notes.
    assert!(html.contains("footnote-definition"));
    // The header counts the notes; a note citing the original links the passage in it.
    assert!(html.contains("2 editors’ notes"));
    assert!(html.contains("https://example.org/news/uk-china#:~:text=pact.%20Intrusions%20resumed-,the%20very%20next%20day,-%2C%20a%20firm"), "no text fragment link");
}

#[test]
fn warnings_of_one_rule_are_summed_up_unless_verbose() {
    let site = TestSite::new("basic");
    for i in 0..12 {
        site.write(
            &format!("content/articles/2016-03-{:02}-bare-{i}.md", i + 1),
            &format!("---\ntitle: Bare report {i}\ndate: 2016-03-{:02}\nsource:\n  publisher: X\n  url: https://example.org/bare/{i}\nsummary: Bare.\ntags: [bare]\n---\nNo notes here.\n", i + 1),
        );
    }
    let r = site.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shown = r
        .stderr
        .matches("warning: report has no annotations")
        .count();
    assert_eq!(shown, 5, "a few of the rule's warnings:\n{}", r.stderr);
    let total: usize = shown
        + r.stderr
            .split("… and ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .expect("a count of the rest");
    assert!(total >= 12, "{}", r.stderr);
    assert!(r.stderr.contains(
        "more like “report has no annotations”; `annals check --verbose` lists them all"
    ));
    let all = site.run(&["check", "--verbose"]);
    assert_eq!(
        all.stderr
            .matches("warning: report has no annotations")
            .count(),
        total
    );
    assert!(!all.stderr.contains("… and "));
    // Not a terminal: no progress output around the diagnostics.
    assert!(!r.stderr.contains("rendering"));
}

/// A one-shot build renders reports' bodies only as their pages are written
/// (`Html::Later`): reading each file again gives exactly the HTML a load
/// with bodies gives, notes and links included; a file that changed since it
/// was loaded is an error, not a page built from a text nobody checked.
#[test]
fn a_report_body_rendered_when_its_page_is_written_equals_one_rendered_at_load() {
    let site = TestSite::from_repo();
    let (now, _) = annals::content::load(site.root(), false, None);
    let (later, _) = annals::content::load(site.root(), false, Some(0));
    assert_eq!(now.articles.len(), later.articles.len());
    let mut with_notes = 0;
    for (n, l) in now.articles.iter().zip(&later.articles) {
        assert!(l.body.html.is_empty() && l.body.html_deferred, "{}", l.slug);
        assert!(!n.body.html.is_empty() && !n.body.html_deferred);
        let html = annals::content::report_html(site.root(), l).expect("unchanged file");
        assert_eq!(html, n.body.html, "{}", l.slug);
        with_notes += usize::from(!l.body.notes.is_empty());
    }
    assert!(
        with_notes > 5,
        "the archive's reports with notes: {with_notes}"
    );

    // The same words, another link: the file changed under the build.
    let e = later
        .articles
        .iter()
        .find(|e| !e.body.links.is_empty())
        .expect("a report with links");
    let path = site.root().join(&e.file.path);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\nSee [[no-such-report]].\n")).unwrap();
    let err = annals::content::report_html(site.root(), e).unwrap_err();
    assert_eq!(err.file, e.file.path);
    assert!(
        err.message
            .contains("changed while the site was being built"),
        "{}",
        err.message
    );
}

/// Above `defer_report_html_above` reports a one-shot build renders their
/// HTML only as their pages are written, in batches: every file it writes is
/// the same as when each body is rendered at load.
#[test]
fn a_build_rendering_report_html_late_writes_the_same_files() {
    use annals::site::{Site, SiteOptions};
    let site = TestSite::from_repo();
    let build = |defer_above: Option<usize>| {
        let mut s = Site::load(SiteOptions {
            root: site.root().to_path_buf(),
            base_url: None,
            drafts: false,
            search: false,
            history: false,
            defer_report_html_above: defer_above,
        });
        let diags = s.resolve();
        assert!(!diags.has_errors(), "{diags:?}");
        let routes = s.plan();
        let out = std::sync::Mutex::new(std::collections::BTreeMap::new());
        let (pages, diags) = s.render(&routes, &|_, o| {
            out.lock().unwrap().insert(o.path, o.bytes);
            Ok(())
        });
        assert!(diags.is_empty(), "{diags:?}");
        assert!(pages > 100);
        out.into_inner().unwrap()
    };
    let now = build(None);
    let later = build(Some(0));
    assert_eq!(now.len(), later.len());
    for ((p1, b1), (p2, b2)) in now.iter().zip(&later) {
        assert_eq!(p1, p2);
        assert!(b1 == b2, "{p1} differs when report HTML is rendered late");
    }
}
