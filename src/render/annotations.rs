//! The `/annotations/` page: every editor's note across the archive, grouped by
//! annotation kind (in the vocabulary's order), each linking to its place in its
//! report (`#note-N`) and to the highlighted words (`#mark-N`).

use serde_json::{json, Value};
use tera::Tera;

use super::context::Ctx;
use super::{fill_links, render_page, Output};
use crate::diagnostics::Diagnostic;
use crate::resolve::{Key, Kind};
use crate::urls::paths;

/// Site-relative path of the page.
pub const PATH: &str = "annotations/";

/// Notes per page: an archive with more gets `/annotations/page/N/` pages, so
/// no page grows with the archive (about 1 kB of HTML per note).
pub const NOTES_PER_PAGE: usize = 500;

/// Renders this module's output files: `/annotations/` and, on a large
/// archive, its further pages.
pub fn render(tera: &Tera, ctx: &Ctx<'_>) -> Vec<Result<Output, Diagnostic>> {
    pages(ctx, NOTES_PER_PAGE)
        .into_iter()
        .map(|(rel, page)| render_page(tera, ctx, "annotations.html", &rel, &page))
        .collect()
}

/// Every page of the notes index as (site-relative path, `page`), each with
/// at most `per_page` notes, kinds in the vocabulary's order.
pub fn pages(ctx: &Ctx<'_>, per_page: usize) -> Vec<(String, Value)> {
    let mut whole = page(ctx);
    let all_groups = std::mem::take(&mut whole["groups"]);
    let total = whole["total"].as_u64().unwrap_or(0) as usize;
    let n_pages = total.div_ceil(per_page.max(1)).max(1);
    let a = ctx.archive;
    let url = |n: usize| a.urls.path(&paths::annotations_page(n));
    // Each kind's first note's page, for the kinds' links.
    let mut seen = 0;
    let mut first_page = vec![];
    for g in all_groups.as_array().into_iter().flatten() {
        first_page.push(seen / per_page.max(1) + 1);
        seen += g["count"].as_u64().unwrap_or(0) as usize;
    }
    let mut out = vec![];
    for n in 1..=n_pages {
        let (from, to) = ((n - 1) * per_page, n * per_page);
        let mut start = 0;
        let groups: Vec<Value> = all_groups
            .as_array()
            .into_iter()
            .flatten()
            .zip(&first_page)
            .map(|(g, &first)| {
                let count = g["count"].as_u64().unwrap_or(0) as usize;
                let (lo, hi) = (
                    from.saturating_sub(start),
                    to.saturating_sub(start).min(count),
                );
                start += count;
                let notes: Vec<Value> = g["notes"]
                    .as_array()
                    .map(|v| v[lo.min(v.len())..hi.max(lo).min(v.len())].to_vec())
                    .unwrap_or_default();
                let mut g = json!({
                    "key": g["key"],
                    "label": g["label"],
                    "description": g["description"],
                    "count": g["count"],
                });
                g["url"] = json!(format!(
                    "{}#kind-{}",
                    url(first),
                    g["key"].as_str().unwrap_or("")
                ));
                g["on_page"] = json!(!notes.is_empty() || (count == 0 && n == 1));
                g["notes"] = json!(notes);
                g
            })
            .collect();
        let mut p = whole.clone();
        p["groups"] = json!(groups);
        if n > 1 {
            p["title"] = json!(format!("Editors’ notes, page {n} of {n_pages}"));
        }
        p["pagination"] = json!({
            "current": n,
            "total": n_pages,
            "prev": (n > 1).then(|| url(n - 1)),
            "next": (n < n_pages).then(|| url(n + 1)),
        });
        out.push((paths::annotations_page(n), p));
    }
    out
}

/// Marks that make words their own quotation (straight or curly double;
/// a curly single one is more often an apostrophe).
const QUOTES: [char; 4] = ['"', '\'', '“', '”'];

/// One note, ready for the template, with what it sorts by.
struct Item<'a> {
    kind: &'a str,
    date: crate::content::date::Date,
    slug: &'a str,
    number: usize,
    value: Value,
}

/// `page` for `/annotations/`.
pub fn page(ctx: &Ctx<'_>) -> Value {
    let a = ctx.archive;
    let empty = vec![];
    let mut items: Vec<Item<'_>> = vec![];
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
                value: json!({
                    "id": format!("{}-note-{}", e.slug, n.number),
                    "number": n.number,
                    "exact": n.exact,
                    // Words that bring their own quotation marks get no more.
                    "quoted": n.exact.starts_with(QUOTES) || n.exact.ends_with(QUOTES),
                    "html": fill_links(&n.note_html, links),
                    "sources": decl.sources,
                    "confidence": decl.confidence,
                    "note_url": format!("{report_url}#note-{}", n.number),
                    "mark_url": format!("{report_url}#mark-{}", n.number),
                    "report": {
                        "title": e.meta.title,
                        "url": report_url,
                        "date": e.meta.date.iso(),
                        "publisher": e.meta.source.publisher,
                    },
                }),
            });
        }
    }
    // Report date, then report, then note number: reading order within a report.
    items.sort_by(|x, y| (x.date, x.slug, x.number).cmp(&(y.date, y.slug, y.number)));

    // Groups in the vocabulary's order; a kind the vocabulary lacks (resolve
    // reports it) still gets a group at the end so no note is lost.
    let mut order: Vec<(String, String, Option<String>)> = a
        .config
        .annotation_kinds
        .iter()
        .map(|(k, t)| (k.clone(), t.label.clone(), t.description.clone()))
        .collect();
    for it in &items {
        if !order.iter().any(|(k, _, _)| k == it.kind) {
            order.push((it.kind.to_string(), it.kind.to_string(), None));
        }
    }
    let total = items.len();
    let groups: Vec<Value> = order
        .into_iter()
        .map(|(key, label, description)| {
            let notes: Vec<&Value> = items
                .iter()
                .filter(|it| it.kind == key)
                .map(|it| &it.value)
                .collect();
            json!({
                "key": key,
                "label": label,
                "description": description,
                "count": notes.len(),
                "notes": notes,
            })
        })
        .collect();
    let reports = a
        .content
        .articles
        .iter()
        .filter(|e| !e.body.notes.is_empty())
        .count();
    json!({
        "title": "Editors’ notes",
        "summary": format!(
            "{total} {} across {reports} report{}, grouped by what each note does.",
            if total == 1 { "editor’s note" } else { "editors’ notes" },
            if reports == 1 { "" } else { "s" },
        ),
        "total": total,
        "groups": groups,
    })
}
