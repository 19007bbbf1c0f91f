//! The corrections log: every note of a logged kind (`correction`, `update`)
//! across the archive, newest first, as the `/corrections/` page and an Atom
//! feed (`/corrections/feed.xml`). Dates are the notes' own `date:`, so two
//! builds are byte-identical.

use std::fmt::Write as _;

use serde::Serialize;
use tera::Tera;

use super::annotations::ReportRef;
use super::context::{Corrected, Ctx, PageContext};
use super::feeds::xml_escape;
use super::{fill_links, render_page, Output};
use crate::content::date::Date;
use crate::content::model::LOGGED_NOTE_KINDS;
use crate::diagnostics::Diagnostic;
use crate::resolve::{Archive, Key, Kind};
use crate::urls::paths;

/// One logged note: where it is and when it was made.
#[derive(Debug, Clone, Copy)]
pub struct Logged {
    /// The report carrying it.
    pub article: usize,
    /// Its place among the report's anchored notes (`body.notes`).
    pub note: usize,
    /// When it was made.
    pub date: Date,
}

/// Every logged note, newest first (ties: report slug, then note number).
/// A note without a date (an error already reported) is left out.
pub fn logged(a: &Archive) -> Vec<Logged> {
    let mut v = vec![];
    for (i, e) in a.content.articles.iter().enumerate() {
        for (k, n) in e.body.notes.iter().enumerate() {
            let decl = &e.meta.annotations[n.index];
            if let (true, Some(date)) = (LOGGED_NOTE_KINDS.contains(&decl.kind.as_str()), decl.date)
            {
                v.push(Logged {
                    article: i,
                    note: k,
                    date,
                });
            }
        }
    }
    let c = &a.content;
    v.sort_by(|x, y| {
        y.date
            .cmp(&x.date)
            .then_with(|| c.articles[x.article].slug.cmp(&c.articles[y.article].slug))
            .then_with(|| x.note.cmp(&y.note))
    });
    v
}

/// The logged notes of one report, oldest first: what "Corrected on" shows.
pub fn of_article(a: &Archive, i: usize) -> Vec<Corrected<'_>> {
    let e = &a.content.articles[i];
    let mut v: Vec<(Date, usize, &str)> = e
        .body
        .notes
        .iter()
        .filter_map(|n| {
            let d = &e.meta.annotations[n.index];
            LOGGED_NOTE_KINDS
                .contains(&d.kind.as_str())
                .then_some(())
                .and(d.date)
                .map(|date| (date, n.number, d.kind.as_str()))
        })
        .collect();
    v.sort();
    v.into_iter()
        .map(|(date, number, kind)| Corrected {
            date: date.iso(),
            kind,
            number,
            url: format!("#note-{number}"),
        })
        .collect()
}

/// Renders `/corrections/` and its feed.
pub fn render(tera: &Tera, ctx: &Ctx<'_>) -> Vec<Result<Output, Diagnostic>> {
    let a = ctx.archive;
    let list = logged(a);
    vec![
        render_page(
            tera,
            ctx,
            "corrections.html",
            &paths::corrections(),
            &page(a, &list),
        ),
        Ok(Output {
            path: paths::corrections_feed(),
            bytes: feed(a, &list).into_bytes(),
        }),
    ]
}

fn note_html(a: &Archive, l: &Logged) -> String {
    let e = &a.content.articles[l.article];
    let key = Key {
        kind: Kind::Article,
        idx: l.article,
    };
    let empty = vec![];
    fill_links(
        &e.body.notes[l.note].note_html,
        a.links.get(&key).unwrap_or(&empty),
    )
}

/// `page` of `corrections.html`: the corrections log, newest first.
#[derive(Serialize)]
pub struct CorrectionsPage<'a> {
    /// "Corrections and updates".
    pub title: &'static str,
    /// How many there are.
    pub summary: String,
    /// Every logged note, newest first.
    pub items: Vec<LoggedNote<'a>>,
    /// The log's Atom feed.
    pub feed_url: String,
}

/// One correction or update in the log.
#[derive(Serialize)]
pub struct LoggedNote<'a> {
    /// When, `YYYY-MM-DD`.
    pub date: String,
    /// `correction` or `update`.
    pub kind: &'a str,
    /// The kind's label.
    pub label: &'a str,
    /// The note's number in its report.
    pub number: usize,
    /// The note in its report.
    pub url: String,
    /// The report.
    pub article: ReportRef<'a>,
    /// The words it marks.
    pub exact: &'a str,
    /// The note, links filled in.
    pub html: String,
    /// Its sources, each `{url, archived?}`.
    pub sources: &'a [crate::content::model::SourceRef],
}

impl PageContext for CorrectionsPage<'_> {
    fn title(&self) -> &str {
        self.title
    }
}

fn page<'a>(a: &'a Archive, list: &[Logged]) -> CorrectionsPage<'a> {
    let c = &a.content;
    let items: Vec<LoggedNote<'a>> = list
        .iter()
        .map(|l| {
            let e = &c.articles[l.article];
            let n = &e.body.notes[l.note];
            let decl = &e.meta.annotations[n.index];
            LoggedNote {
                date: l.date.iso(),
                kind: &decl.kind,
                label: a
                    .config
                    .annotation_kinds
                    .get(&decl.kind)
                    .map(|t| t.label.as_str())
                    .unwrap_or(&decl.kind),
                number: n.number,
                url: a.urls.path(&paths::note(&e.slug, n.number)),
                article: ReportRef {
                    title: &e.meta.title,
                    url: a.urls.path(&paths::article(&e.slug)),
                    date: e.meta.date.iso(),
                    publisher: &e.meta.source.publisher,
                },
                exact: &n.exact,
                html: note_html(a, l),
                sources: &decl.sources,
            }
        })
        .collect();
    CorrectionsPage {
        title: "Corrections and updates",
        summary: format!(
            "{} corrections and updates to the archive’s reports, newest first.",
            items.len()
        ),
        items,
        feed_url: a.urls.path(&paths::corrections_feed()),
    }
}

fn feed(a: &Archive, list: &[Logged]) -> String {
    let u = &a.urls;
    let c = &a.content;
    let self_url = xml_escape(&u.absolute(&paths::corrections_feed()));
    let updated = list
        .first()
        .map(|l| l.date.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escape(&a.config.language)
    );
    let _ = writeln!(
        x,
        "  <title type=\"text\">{}: corrections and updates</title>",
        xml_escape(&a.config.title)
    );
    let _ = writeln!(x, "  <id>{self_url}</id>");
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{self_url}\"/>"
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&u.absolute(&paths::corrections()))
    );
    let _ = writeln!(x, "  <updated>{updated}</updated>");
    let _ = writeln!(
        x,
        "  <author><name>{}</name><uri>{}</uri></author>",
        xml_escape(&a.config.title),
        xml_escape(&u.absolute(""))
    );
    for l in list {
        let e = &c.articles[l.article];
        let n = &e.body.notes[l.note];
        let decl = &e.meta.annotations[n.index];
        let url = xml_escape(&u.absolute(&paths::note(&e.slug, n.number)));
        let label = a
            .config
            .annotation_kinds
            .get(&decl.kind)
            .map(|t| t.label.as_str())
            .unwrap_or(&decl.kind);
        let date = l.date.rfc3339();
        x.push_str("  <entry>\n");
        let _ = writeln!(
            x,
            "    <title type=\"text\">{}: {}</title>",
            xml_escape(label),
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
            "    <content type=\"html\">{}</content>",
            xml_escape(&note_html(a, l))
        );
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}
