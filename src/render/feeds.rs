//! Feeds and discovery files: the archive's Atom feed (`feed.xml`), one Atom
//! feed per agreement (`agreements/<slug>/feed.xml`), `sitemap.xml`,
//! `robots.txt`, `.nojekyll` and, when configured, `CNAME`.
//!
//! Everything is written by hand (no template) with XML escaping, every URL is
//! absolute and made by [`crate::urls::Urls`], and every date comes from the
//! content — never from the clock — so two builds are byte-identical.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use tera::Tera;

use super::context::Ctx;
use super::Output;
use crate::content::date::Date;
use crate::diagnostics::Diagnostic;
use crate::resolve::{Archive, Key, Kind};
use crate::urls::paths;

/// The feed's `<updated>` when the archive has no dated content at all.
const EPOCH: &str = "1970-01-01T00:00:00Z";

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// Site-relative path of an agreement's feed.
pub fn agreement_feed_path(slug: &str) -> String {
    format!("{}feed.xml", paths::agreement(slug))
}

/// Renders the feeds, the sitemap and the small discovery files.
pub fn render(_tera: &Tera, ctx: &Ctx<'_>) -> Vec<Result<Output, Diagnostic>> {
    let a = ctx.archive;
    let mut out = vec![];
    let newest: Vec<usize> = a
        .articles_by_date
        .iter()
        .copied()
        .take(a.config.feed_limit)
        .collect();
    out.push(Output {
        path: "feed.xml".into(),
        bytes: archive_feed(a, &newest).into_bytes(),
    });
    for (i, g) in a.content.agreements.iter().enumerate() {
        out.push(Output {
            path: agreement_feed_path(&g.slug),
            bytes: agreement_feed(a, i).into_bytes(),
        });
    }
    out.extend(sitemap_files(a, &sitemap_pages(a)));
    out.push(Output {
        path: "robots.txt".into(),
        bytes: format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            a.urls.absolute("sitemap.xml")
        )
        .into_bytes(),
    });
    // GitHub Pages: serve files as they are (no Jekyll processing).
    out.push(Output {
        path: ".nojekyll".into(),
        bytes: vec![],
    });
    if let Some(cname) = a.config.cname.as_deref().map(str::trim) {
        if !cname.is_empty() {
            out.push(Output {
                path: "CNAME".into(),
                bytes: format!("{cname}\n").into_bytes(),
            });
        }
    }
    out.into_iter().map(Ok).collect()
}

/// Escapes text for XML element content and attribute values, dropping the
/// control characters XML 1.0 does not allow.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// What a feed is about: its head elements.
struct FeedHead {
    title: String,
    subtitle: String,
    self_rel: String,
    alternate_rel: String,
    updated: String,
}

fn feed(a: &Archive, head: &FeedHead, reports: &[usize]) -> String {
    let u = &a.urls;
    let mut x = String::with_capacity(1024 + reports.len() * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"{ATOM_NS}\" xml:lang=\"{}\">",
        xml_escape(&a.config.language)
    );
    let _ = writeln!(
        x,
        "  <title type=\"text\">{}</title>",
        xml_escape(&head.title)
    );
    let _ = writeln!(
        x,
        "  <subtitle type=\"text\">{}</subtitle>",
        xml_escape(&head.subtitle)
    );
    let _ = writeln!(x, "  <id>{}</id>", xml_escape(&u.absolute(&head.self_rel)));
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&u.absolute(&head.self_rel))
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&u.absolute(&head.alternate_rel))
    );
    let _ = writeln!(x, "  <updated>{}</updated>", head.updated);
    let _ = writeln!(
        x,
        "  <author><name>{}</name><uri>{}</uri></author>",
        xml_escape(&a.config.title),
        xml_escape(&u.absolute(""))
    );
    if let Some(l) = &a.config.licence {
        let _ = writeln!(x, "  <rights type=\"text\">{}</rights>", xml_escape(l));
    }
    match &a.config.repository {
        Some(r) => {
            let _ = writeln!(
                x,
                "  <generator uri=\"{}\">Annals</generator>",
                xml_escape(r)
            );
        }
        None => x.push_str("  <generator>Annals</generator>\n"),
    }
    for &i in reports {
        entry(a, &mut x, i);
    }
    x.push_str("</feed>\n");
    x
}

fn entry(a: &Archive, x: &mut String, i: usize) {
    let u = &a.urls;
    let e = &a.content.articles[i];
    let url = xml_escape(&u.absolute(&paths::article(&e.slug)));
    let date = e.meta.date.rfc3339();
    x.push_str("  <entry>\n");
    let _ = writeln!(
        x,
        "    <title type=\"text\">{}</title>",
        xml_escape(&e.meta.title)
    );
    let _ = writeln!(
        x,
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>"
    );
    let _ = writeln!(x, "    <id>{url}</id>");
    let _ = writeln!(x, "    <published>{date}</published>");
    let _ = writeln!(x, "    <updated>{date}</updated>");
    let _ = writeln!(
        x,
        "    <author><name>{}</name></author>",
        xml_escape(&e.meta.source.publisher)
    );
    if let Some(by) = &e.meta.source.author {
        let _ = writeln!(
            x,
            "    <contributor><name>{}</name></contributor>",
            xml_escape(by)
        );
    }
    let _ = writeln!(
        x,
        "    <link rel=\"related\" type=\"text/html\" href=\"{}\" title=\"{}\"/>",
        xml_escape(&e.meta.source.url),
        xml_escape(&format!("Original at {}", e.meta.source.publisher))
    );
    let _ = writeln!(
        x,
        "    <summary type=\"text\">{}</summary>",
        xml_escape(&e.meta.summary)
    );
    let tags_scheme = xml_escape(&u.absolute("tags/"));
    let mut tags: Vec<&String> = e.meta.tags.iter().collect();
    tags.sort();
    tags.dedup();
    for t in tags {
        let _ = writeln!(
            x,
            "    <category term=\"{}\" scheme=\"{tags_scheme}\" label=\"{}\"/>",
            xml_escape(t),
            xml_escape(t)
        );
    }
    x.push_str("  </entry>\n");
}

/// The archive-wide feed: the newest reports, newest first.
fn archive_feed(a: &Archive, reports: &[usize]) -> String {
    let updated = reports
        .first()
        .map(|&i| a.content.articles[i].meta.date.rfc3339())
        .or_else(|| newest_agreement(a).map(|d| d.rfc3339()))
        .unwrap_or_else(|| EPOCH.to_string());
    let head = FeedHead {
        title: a.config.title.clone(),
        subtitle: a.config.description.clone(),
        self_rel: "feed.xml".into(),
        alternate_rel: String::new(),
        updated,
    };
    feed(a, &head, reports)
}

/// One agreement's coverage: the newest `feed_limit` reports covering it,
/// newest first (a feed tells subscribers what is new; the agreement page
/// lists the whole coverage).
fn agreement_feed(a: &Archive, i: usize) -> String {
    let g = &a.content.agreements[i];
    // `coverage` is oldest first.
    let reports: Vec<usize> = a.coverage[i]
        .iter()
        .rev()
        .take(a.config.feed_limit)
        .copied()
        .collect();
    let updated = reports
        .iter()
        .map(|&r| a.content.articles[r].meta.date)
        .chain(std::iter::once(g.meta.date))
        .max()
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| EPOCH.to_string());
    let head = FeedHead {
        title: format!("{}: reports · {}", g.meta.short_title, a.config.title),
        subtitle: format!("Reports covering {}. {}", g.meta.title, g.meta.summary),
        self_rel: agreement_feed_path(&g.slug),
        alternate_rel: paths::agreement(&g.slug),
        updated,
    };
    feed(a, &head, &reports)
}

fn newest_agreement(a: &Archive) -> Option<Date> {
    a.content.agreements.iter().map(|g| g.meta.date).max()
}

fn newest_report(a: &Archive) -> Option<Date> {
    a.articles_by_date
        .first()
        .map(|&i| a.content.articles[i].meta.date)
}

fn newest_of(dates: impl IntoIterator<Item = Option<Date>>) -> Option<Date> {
    dates.into_iter().flatten().max()
}

/// Every HTML page of the site worth listing, with the date it last changed
/// (from content) where there is one. Site-relative paths, sorted.
pub fn sitemap_pages(a: &Archive) -> BTreeMap<String, Option<Date>> {
    let c = &a.content;
    let mut pages: BTreeMap<String, Option<Date>> = BTreeMap::new();
    let newest_content = newest_of([newest_report(a), newest_agreement(a)]);
    let linked = |key: Key| -> Option<Date> {
        newest_of(
            a.backlinks
                .get(&key)
                .into_iter()
                .flatten()
                .map(|k| a.date_of(*k)),
        )
    };

    pages.insert(String::new(), newest_content);
    let per_page = a.config.per_page.max(1);
    let n_pages = a.articles_by_date.len().div_ceil(per_page).max(1);
    for n in 1..=n_pages {
        let first = a.articles_by_date.get((n - 1) * per_page);
        pages.insert(
            paths::articles_page(n),
            first.map(|&i| c.articles[i].meta.date),
        );
    }
    for (i, e) in c.articles.iter().enumerate() {
        let key = Key {
            kind: Kind::Article,
            idx: i,
        };
        pages.insert(
            paths::article(&e.slug),
            newest_of([Some(e.meta.date), linked(key)]),
        );
    }
    for (i, e) in c.agreements.iter().enumerate() {
        let key = Key {
            kind: Kind::Agreement,
            idx: i,
        };
        let covered = newest_of(a.coverage[i].iter().map(|&r| Some(c.articles[r].meta.date)));
        pages.insert(
            paths::agreement(&e.slug),
            newest_of([Some(e.meta.date), covered, linked(key)]),
        );
        // Its further pages of coverage, dated by their newest report.
        let list = super::plan::agreement_coverage(a, i);
        for n in 2..=super::plan::list_pages(a, list.len()) {
            pages.insert(
                paths::agreement_page(&e.slug, n),
                newest_of(
                    super::plan::page_of(a, &list, n)
                        .iter()
                        .map(|x| Some(c.articles[x.report].meta.date)),
                ),
            );
        }
    }
    for (i, e) in c.parties.iter().enumerate() {
        let key = Key {
            kind: Kind::Party,
            idx: i,
        };
        let (arts, agrs) = &a.party_entries[i];
        let own = newest_of(
            arts.iter()
                .map(|&r| Some(c.articles[r].meta.date))
                .chain(agrs.iter().map(|&g| Some(c.agreements[g].meta.date))),
        );
        pages.insert(paths::party(&e.slug), newest_of([own, linked(key)]));
        // Its further pages of reports (newest first), dated by their newest.
        for n in 2..=super::plan::list_pages(a, arts.len()) {
            pages.insert(
                paths::party_page(&e.slug, n),
                super::plan::page_of(a, arts, n)
                    .first()
                    .map(|&r| c.articles[r].meta.date),
            );
        }
    }
    for (i, e) in c.actors.iter().enumerate() {
        let (arts, agrs) = &a.actor_entries[i];
        let own = newest_of(
            arts.iter()
                .map(|&r| Some(c.articles[r].meta.date))
                .chain(agrs.iter().map(|&g| Some(c.agreements[g].meta.date)))
                .chain(e.meta.attribution.iter().map(|t| Some(t.date))),
        );
        let key = Key {
            kind: Kind::Actor,
            idx: i,
        };
        pages.insert(paths::actor(&e.slug), newest_of([own, linked(key)]));
    }
    if !c.actors.is_empty() {
        pages.insert(
            "actors/".into(),
            newest_of(
                c.actors
                    .iter()
                    .flat_map(|e| e.meta.attribution.iter().map(|t| Some(t.date))),
            ),
        );
    }
    pages.insert(
        paths::corrections(),
        super::corrections::logged(a).first().map(|l| l.date),
    );
    for e in &c.pages {
        pages.insert(paths::page(&e.slug), None);
    }
    pages.insert("agreements/".into(), newest_agreement(a));
    // The agreements table's further pages, dated by their newest agreement.
    for n in 2..=super::plan::agreements_pages(a) {
        pages.insert(
            paths::agreements_page(n),
            newest_of(
                super::plan::agreements_page(a, n)
                    .iter()
                    .map(|&g| Some(c.agreements[g].meta.date)),
            ),
        );
    }
    pages.insert("parties/".into(), newest_content);
    pages.insert("tags/".into(), newest_report(a));
    for (t, reports) in &a.tags {
        for n in 1..=super::plan::list_pages(a, reports.len()) {
            pages.insert(
                paths::tag_page(t, n),
                super::plan::page_of(a, reports, n)
                    .first()
                    .map(|&i| c.articles[i].meta.date),
            );
        }
    }
    pages.insert("years/".into(), newest_report(a));
    for (y, reports) in &a.years {
        for n in 1..=super::plan::list_pages(a, reports.len()) {
            pages.insert(
                paths::year_page(*y, n),
                super::plan::page_of(a, reports, n)
                    .first()
                    .map(|&i| c.articles[i].meta.date),
            );
        }
    }
    let clause_date = |family: &[(usize, usize)]| {
        newest_of(family.iter().map(|&(g, _)| Some(c.agreements[g].meta.date)))
    };
    pages.insert(
        "clauses/".into(),
        newest_of(a.clauses.values().map(|f| clause_date(f))),
    );
    for (id, family) in &a.clauses {
        if family.len() >= 2 {
            pages.insert(paths::clause(id), clause_date(family));
        }
    }
    // The timeline's views, and the pages of their years when they are split.
    for rel in super::timeline::pages(a) {
        pages.insert(rel, newest_content);
    }
    pages.insert(
        "annotations/".into(),
        newest_of(
            c.articles
                .iter()
                .filter(|e| !e.body.notes.is_empty())
                .map(|e| Some(e.meta.date)),
        ),
    );
    pages.insert("data/".into(), newest_content);
    pages
}

/// Most URLs one sitemap file lists: the sitemaps protocol allows 50,000 (and
/// 50 MB, which 50,000 of our URLs stay far below).
pub const SITEMAP_URLS: usize = 50_000;

/// The sitemap of the given site-relative pages: `sitemap.xml` alone, or,
/// past [`SITEMAP_URLS`] pages, `sitemap.xml` as a sitemap index pointing at
/// `sitemap1.xml`, `sitemap2.xml`, … of at most that many URLs each.
pub fn sitemap_files(a: &Archive, pages: &BTreeMap<String, Option<Date>>) -> Vec<Output> {
    // Sort by the final URL so the order never depends on the map's key order.
    let mut urls: Vec<(String, Option<Date>)> = pages
        .iter()
        .map(|(rel, d)| (a.urls.absolute(rel), *d))
        .collect();
    urls.sort();
    split_sitemap(&urls, SITEMAP_URLS, &|rel| a.urls.absolute(rel))
        .into_iter()
        .map(|(path, xml)| Output {
            path,
            bytes: xml.into_bytes(),
        })
        .collect()
}

/// The name of the `n`th part of a split sitemap (1-based).
pub fn sitemap_part(n: usize) -> String {
    format!("sitemap{n}.xml")
}

/// `(path, XML)` of the sitemap files for sorted absolute `urls`, at most
/// `limit` URLs per file; `absolute` makes a site-relative path absolute.
fn split_sitemap(
    urls: &[(String, Option<Date>)],
    limit: usize,
    absolute: &dyn Fn(&str) -> String,
) -> Vec<(String, String)> {
    if urls.len() <= limit {
        return vec![("sitemap.xml".into(), urlset(urls))];
    }
    let mut files = vec![];
    let mut index = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(index, "<sitemapindex xmlns=\"{SITEMAP_NS}\">");
    for (n, part) in urls.chunks(limit).enumerate() {
        let path = sitemap_part(n + 1);
        let _ = write!(
            index,
            "  <sitemap><loc>{}</loc>",
            xml_escape(&absolute(&path))
        );
        if let Some(d) = part.iter().filter_map(|(_, d)| *d).max() {
            let _ = write!(index, "<lastmod>{}</lastmod>", d.iso());
        }
        index.push_str("</sitemap>\n");
        files.push((path, urlset(part)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, ("sitemap.xml".into(), index));
    files
}

/// One `<urlset>` sitemap file.
fn urlset(urls: &[(String, Option<Date>)]) -> String {
    let mut x = String::with_capacity(128 + urls.len() * 120);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(x, "<urlset xmlns=\"{SITEMAP_NS}\">");
    for (loc, lastmod) in urls {
        let _ = write!(x, "  <url><loc>{}</loc>", xml_escape(loc));
        if let Some(d) = lastmod {
            let _ = write!(x, "<lastmod>{}</lastmod>", d.iso());
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_invalid_controls() {
        assert_eq!(
            xml_escape("a & <b> \"c\" 'd'\u{1}\n"),
            "a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos;\n"
        );
    }

    #[test]
    fn a_sitemap_past_the_limit_becomes_an_index_of_parts() {
        let d = |s: &str| Date::parse(s).unwrap();
        let urls: Vec<(String, Option<Date>)> = (0..7)
            .map(|i| {
                let date = (i % 2 == 0).then(|| d(&format!("2016-0{}-01", i + 1)));
                (format!("https://x.example/p{i}/"), date)
            })
            .collect();
        let abs = |rel: &str| format!("https://x.example/{rel}");
        // At or under the limit: one urlset.
        let one = split_sitemap(&urls, 7, &abs);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].0, "sitemap.xml");
        assert!(one[0].1.contains("<urlset") && one[0].1.matches("<url>").count() == 7);
        // Past it: sitemap.xml indexes three parts holding every URL once.
        let files = split_sitemap(&urls, 3, &abs);
        let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "sitemap1.xml",
                "sitemap2.xml",
                "sitemap3.xml"
            ]
        );
        let index = roxmltree::Document::parse(&files[0].1).unwrap();
        assert_eq!(index.root_element().tag_name().name(), "sitemapindex");
        let locs: Vec<&str> = index
            .descendants()
            .filter(|n| n.has_tag_name("loc"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(
            locs,
            [
                "https://x.example/sitemap1.xml",
                "https://x.example/sitemap2.xml",
                "https://x.example/sitemap3.xml"
            ]
        );
        // Each part's lastmod is its newest page's.
        assert!(files[0]
            .1
            .contains("<loc>https://x.example/sitemap1.xml</loc><lastmod>2016-03-01</lastmod>"));
        let mut listed = vec![];
        for (_, xml) in &files[1..] {
            let doc = roxmltree::Document::parse(xml).unwrap();
            assert_eq!(doc.root_element().tag_name().name(), "urlset");
            let n = doc.descendants().filter(|n| n.has_tag_name("url")).count();
            assert!(n <= 3);
            listed.extend(
                doc.descendants()
                    .filter(|n| n.has_tag_name("loc"))
                    .filter_map(|n| n.text().map(str::to_string)),
            );
        }
        let all: Vec<String> = urls.iter().map(|(u, _)| u.clone()).collect();
        assert_eq!(listed, all);
    }
}
