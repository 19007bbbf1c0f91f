//! The `/annotations/` page: every editor's note across the archive, grouped by
//! annotation kind (in the vocabulary's order), each linking to its place in its
//! report (`#note-N`) and to the highlighted words (`#mark-N`).

use serde::Serialize;
use tera::Tera;

use super::context::{Ctx, PageContext, Pagination};
use super::{fill_links, render_page, Output};
use crate::content::model::SourceRef;
use crate::diagnostics::Diagnostic;
use crate::resolve::{Key, Kind};
use crate::urls::paths;

/// Site-relative path of the page.
pub const PATH: &str = "annotations/";

/// Notes per page: an archive with more gets `/annotations/page/N/` pages, so
/// no page grows with the archive (about 1 kB of HTML per note).
pub const NOTES_PER_PAGE: usize = 500;

/// `page` of `annotations.html`: one page of the notes index.
#[derive(Serialize)]
pub struct AnnotationsPage<'n> {
    /// "Editors’ notes", or "Editors’ notes, page n of m".
    pub title: String,
    /// How many notes across how many reports.
    pub summary: &'n str,
    /// How many notes there are in all.
    pub total: usize,
    /// Every kind, in the vocabulary's order, with this page's notes of it.
    pub groups: Vec<KindGroup<'n>>,
    /// Where this page is among the others.
    pub pagination: Pagination,
}

/// One annotation kind on a page of the notes index.
#[derive(Serialize)]
pub struct KindGroup<'n> {
    /// The kind's key.
    pub key: &'n str,
    /// Its label.
    pub label: &'n str,
    /// Its description, or none.
    pub description: Option<&'n str>,
    /// How many notes of this kind there are in all.
    pub count: usize,
    /// Its first note's place: `<page>#kind-<key>`.
    pub url: String,
    /// Whether this page shows it (it has notes here, or none at all and this
    /// is the first page).
    pub on_page: bool,
    /// Its notes on this page, report date, report and note number order.
    pub notes: &'n [IndexedNote<'n>],
}

/// One note on the notes index.
#[derive(Serialize)]
pub struct IndexedNote<'a> {
    /// Its id on the page: `<report slug>-note-<n>`.
    pub id: String,
    /// Its number in its report.
    pub number: usize,
    /// The words it marks.
    pub exact: &'a str,
    /// Whether those words bring their own quotation marks.
    pub quoted: bool,
    /// The note, links filled in.
    pub html: String,
    /// Its sources, each `{url, archived?}`.
    pub sources: &'a [SourceRef],
    /// How sure it is, or none.
    pub confidence: Option<&'a str>,
    /// The note in its report.
    pub note_url: String,
    /// The marked words in its report.
    pub mark_url: String,
    /// Its report.
    pub report: ReportRef<'a>,
}

/// The report a note is in.
#[derive(Serialize)]
pub struct ReportRef<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its page.
    pub url: String,
    /// Its date, `YYYY-MM-DD`.
    pub date: String,
    /// Who published the original.
    pub publisher: &'a str,
}

impl PageContext for AnnotationsPage<'_> {
    fn title(&self) -> &str {
        &self.title
    }
}

/// Every note of the archive by kind, in the vocabulary's order.
pub struct Notes<'a> {
    /// (key, label, description, notes), kinds in the vocabulary's order; a
    /// kind the vocabulary lacks comes last, its key as label.
    kinds: Vec<(&'a str, &'a str, Option<&'a str>, Vec<IndexedNote<'a>>)>,
    /// The index's summary sentence.
    summary: String,
}

/// Renders this module's output files: `/annotations/` and, on a large
/// archive, its further pages.
pub fn render(tera: &Tera, ctx: &Ctx<'_>) -> Vec<Result<Output, Diagnostic>> {
    let notes = notes(ctx);
    pages(ctx, &notes, NOTES_PER_PAGE)
        .into_iter()
        .map(|(rel, page)| render_page(tera, ctx, "annotations.html", &rel, &page))
        .collect()
}

/// Every page of the notes index as (site-relative path, `page`), each with
/// at most `per_page` notes, kinds in the vocabulary's order.
pub fn pages<'n>(
    ctx: &Ctx<'_>,
    notes: &'n Notes<'n>,
    per_page: usize,
) -> Vec<(String, AnnotationsPage<'n>)> {
    let per_page = per_page.max(1);
    let total: usize = notes.kinds.iter().map(|k| k.3.len()).sum();
    let n_pages = total.div_ceil(per_page).max(1);
    let a = ctx.archive;
    let url = |n: usize| a.urls.path(&paths::annotations_page(n));
    // Each kind's first note's page, for the kinds' links.
    let mut seen = 0;
    let mut first_page = vec![];
    for k in &notes.kinds {
        first_page.push(seen / per_page + 1);
        seen += k.3.len();
    }
    let mut out = vec![];
    for n in 1..=n_pages {
        let (from, to) = ((n - 1) * per_page, n * per_page);
        let mut start = 0;
        let groups = notes
            .kinds
            .iter()
            .zip(&first_page)
            .map(|((key, label, description, all), &first)| {
                let count = all.len();
                let (lo, hi) = (
                    from.saturating_sub(start).min(count),
                    to.saturating_sub(start).min(count),
                );
                start += count;
                let on_page = &all[lo..hi.max(lo)];
                KindGroup {
                    key,
                    label,
                    description: *description,
                    count,
                    url: format!("{}#kind-{key}", url(first)),
                    on_page: !on_page.is_empty() || (count == 0 && n == 1),
                    notes: on_page,
                }
            })
            .collect();
        out.push((
            paths::annotations_page(n),
            AnnotationsPage {
                title: if n > 1 {
                    format!("Editors’ notes, page {n} of {n_pages}")
                } else {
                    "Editors’ notes".to_string()
                },
                summary: &notes.summary,
                total,
                groups,
                pagination: Pagination {
                    current: n,
                    total: n_pages,
                    prev: (n > 1).then(|| url(n - 1)),
                    next: (n < n_pages).then(|| url(n + 1)),
                },
            },
        ));
    }
    out
}

/// Marks that make words their own quotation (straight or curly double;
/// a curly single one is more often an apostrophe).
const QUOTES: [char; 4] = ['"', '\'', '“', '”'];

/// One note with what it sorts by.
struct Item<'a> {
    kind: &'a str,
    date: crate::content::date::Date,
    slug: &'a str,
    number: usize,
    note: IndexedNote<'a>,
}

/// Every note of the archive, by kind.
pub fn notes<'a>(ctx: &Ctx<'a>) -> Notes<'a> {
    let a = ctx.archive;
    let empty = vec![];
    let mut items: Vec<Item<'a>> = vec![];
    for (i, e) in a.content.articles.iter().enumerate() {
        let key = Key {
            kind: Kind::Article,
            idx: i,
        };
        let links = a.links.get(&key).unwrap_or(&empty);
        let report_url = a.urls.path(&paths::article(&e.slug));
        for n in &e.body.notes {
            let decl = &e.meta.annotations[n.index];
            items.push(Item {
                kind: &decl.kind,
                date: e.meta.date,
                slug: &e.slug,
                number: n.number,
                note: IndexedNote {
                    id: format!("{}-note-{}", e.slug, n.number),
                    number: n.number,
                    exact: &n.exact,
                    // Words that bring their own quotation marks get no more.
                    quoted: n.exact.starts_with(QUOTES) || n.exact.ends_with(QUOTES),
                    html: fill_links(&n.note_html, links),
                    sources: &decl.sources,
                    confidence: decl.confidence.as_deref(),
                    note_url: format!("{report_url}#note-{}", n.number),
                    mark_url: format!("{report_url}#mark-{}", n.number),
                    report: ReportRef {
                        title: &e.meta.title,
                        url: report_url.clone(),
                        date: e.meta.date.iso(),
                        publisher: &e.meta.source.publisher,
                    },
                },
            });
        }
    }
    // Report date, then report, then note number: reading order within a report.
    items.sort_by(|x, y| (x.date, x.slug, x.number).cmp(&(y.date, y.slug, y.number)));

    // Groups in the vocabulary's order; a kind the vocabulary lacks (resolve
    // reports it) still gets a group at the end so no note is lost.
    let mut kinds: Vec<(&'a str, &'a str, Option<&'a str>, Vec<IndexedNote<'a>>)> = a
        .config
        .annotation_kinds
        .iter()
        .map(|(k, t)| {
            (
                k.as_str(),
                t.label.as_str(),
                t.description.as_deref(),
                vec![],
            )
        })
        .collect();
    let total = items.len();
    for it in items {
        match kinds.iter_mut().find(|k| k.0 == it.kind) {
            Some(k) => k.3.push(it.note),
            None => kinds.push((it.kind, it.kind, None, vec![it.note])),
        }
    }
    let reports = a
        .content
        .articles
        .iter()
        .filter(|e| !e.body.notes.is_empty())
        .count();
    Notes {
        kinds,
        summary: format!(
            "{total} {} across {reports} report{}, grouped by what each note does.",
            if total == 1 {
                "editor’s note"
            } else {
                "editors’ notes"
            },
            if reports == 1 { "" } else { "s" },
        ),
    }
}
