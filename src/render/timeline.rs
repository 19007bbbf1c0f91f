//! The timeline: `/timeline/` lists agreements and reports by date, grouped by
//! year, and draws the relations between agreements as an SVG made at build
//! time (in `timeline/svg.rs`). Filtering needs no JavaScript: every filter is a page of its own —
//! `/timeline/agreements/`, `/timeline/reports/` and `/timeline/<party>/`.
//! The pages' typed contexts are in `timeline/context.rs`.

mod context;
mod svg;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use tera::{Tera, Value as TeraValue};

pub use self::context::{
    Chart, ChartRelation, Filter, Filters, LegendItem, TimelineEntry, TimelinePage, TimelineYear,
    ViewLink,
};
use super::context::{Ctx, Pagination, Term};
use super::{render_page, Output};
use crate::content::date::Date;
use crate::diagnostics::Diagnostic;
use crate::resolve::{Archive, Key, Kind, Relation};
use crate::urls::paths;

/// The per-kind views; a party whose code is one of these gets no view of its own.
const KIND_VIEWS: [&str; 2] = ["agreements", "reports"];

/// One page of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    All,
    Agreements,
    Reports,
    Party(usize),
}

impl View {
    fn rel(self, a: &Archive) -> String {
        match self {
            View::All => paths::timeline(),
            View::Agreements => paths::timeline_view(KIND_VIEWS[0]),
            View::Reports => paths::timeline_view(KIND_VIEWS[1]),
            View::Party(i) => paths::timeline_view(&a.content.parties[i].slug),
        }
    }

    /// `page.view`.
    fn name(self) -> &'static str {
        match self {
            View::All => "all",
            View::Agreements => "agreements",
            View::Reports => "reports",
            View::Party(_) => "party",
        }
    }

    /// Reports (newest first, as stored) and agreements in this view.
    fn entries(self, a: &Archive) -> (Vec<usize>, Vec<usize>) {
        let all_articles = || (0..a.content.articles.len()).collect();
        let all_agreements = || (0..a.content.agreements.len()).collect();
        match self {
            View::All => (all_articles(), all_agreements()),
            View::Agreements => (vec![], all_agreements()),
            View::Reports => (all_articles(), vec![]),
            View::Party(i) => a.party_entries[i].clone(),
        }
    }
}

/// Every view: the whole timeline, the two kinds, then each party that has
/// entries (by name), except parties whose code would collide with a kind view.
fn views(a: &Archive) -> Vec<View> {
    let mut parties: Vec<usize> = (0..a.content.parties.len())
        .filter(|&i| {
            let (arts, agrs) = &a.party_entries[i];
            let has_entries = !arts.is_empty() || !agrs.is_empty();
            has_entries && !KIND_VIEWS.contains(&a.content.parties[i].slug.as_str())
        })
        .collect();
    parties.sort_by(|&x, &y| {
        let (p, q) = (&a.content.parties[x], &a.content.parties[y]);
        p.meta.title.cmp(&q.meta.title).then(p.slug.cmp(&q.slug))
    });
    let mut v = vec![View::All, View::Agreements, View::Reports];
    v.extend(parties.into_iter().map(View::Party));
    v
}

/// Renders every view, handing each page to `emit` as soon as it is ready.
/// The list items are made once for the whole archive and shared by the
/// views; the views, and the year pages of each, render in parallel.
pub fn render_each(tera: &Tera, ctx: &Ctx<'_>, emit: &(dyn Fn(Result<Output, Diagnostic>) + Sync)) {
    let a = ctx.archive;
    let views = views(a);
    let items = match Items::new(tera, ctx) {
        Ok(items) => items,
        Err(d) => return emit(Err(d)),
    };
    views
        .par_iter()
        .flat_map_iter(|&v| view_pages(ctx, &items, v, &views))
        .for_each(|(rel, page)| emit(render_page(tera, ctx, "timeline.html", &rel, &page)));
}

/// Entries a view lists on its own page; a larger view lists its years with
/// links, and each year's entries on a page of its own
/// (`/timeline/…/<year>/`), a year with more entries on several
/// (`/timeline/…/<year>/page/2/`), so no page grows with the archive.
pub const ENTRIES_PER_PAGE: usize = 1000;

/// Every page the timeline writes, site-relative, as [`render_each`] makes
/// them (for the sitemap): each view, and the pages of its years when it is
/// split.
pub fn pages(a: &Archive) -> Vec<String> {
    let mut out = vec![];
    for v in views(a) {
        let rel = v.rel(a);
        let (arts, agrs) = v.entries(a);
        if arts.len() + agrs.len() > ENTRIES_PER_PAGE {
            let mut per_year: BTreeMap<i16, usize> = BTreeMap::new();
            let dates = arts
                .iter()
                .map(|&i| a.content.articles[i].meta.date)
                .chain(agrs.iter().map(|&i| a.content.agreements[i].meta.date));
            for d in dates {
                *per_year.entry(d.year()).or_default() += 1;
            }
            for (y, n) in per_year {
                for k in 1..=n.div_ceil(ENTRIES_PER_PAGE) {
                    out.push(paths::timeline_year_page(&rel, i64::from(y), k));
                }
            }
        }
        out.push(rel);
    }
    out
}

/// The template of one entry of the list, rendered once per entry.
const ENTRY_TEMPLATE: &str = "partials/timeline_entry.html";

/// Every entry's list item, rendered once (with [`ENTRY_TEMPLATE`]) and
/// shared by every view that lists it (a report is in the whole timeline,
/// the reports view and the view of each of its parties). Tera values share
/// their contents, so a view's copy costs a pointer.
struct Items {
    /// Every entry, oldest first; agreements before reports on the same day.
    order: Vec<Key>,
    /// The rendered list item of each report, by index.
    articles: Vec<TeraValue>,
    /// The rendered list item of each agreement, by index.
    agreements: Vec<TeraValue>,
}

impl Items {
    fn new(tera: &Tera, ctx: &Ctx<'_>) -> Result<Items, Diagnostic> {
        let a = ctx.archive;
        let key = |kind, idx| Key { kind, idx };
        let mut order: Vec<Key> = (0..a.content.agreements.len())
            .map(|i| key(Kind::Agreement, i))
            .chain((0..a.content.articles.len()).map(|i| key(Kind::Article, i)))
            .collect();
        let slug = |k: &Key| match k.kind {
            Kind::Article => a.content.articles[k.idx].slug.as_str(),
            _ => a.content.agreements[k.idx].slug.as_str(),
        };
        order.par_sort_by(|x, y| {
            date_of(a, *x)
                .cmp(&date_of(a, *y))
                .then(x.kind.cmp(&y.kind).reverse())
                .then_with(|| slug(x).cmp(slug(y)))
        });
        let item = |k: Key| -> Result<TeraValue, Diagnostic> {
            let mut c = tera::Context::new();
            c.insert("e", &entry(ctx, k));
            tera.render(ENTRY_TEMPLATE, &c)
                .map(|html| TeraValue::safe_string(&html))
                .map_err(|e| {
                    super::templates::template_error(&e, Some(&format!("/{}", paths::timeline())))
                })
        };
        Ok(Items {
            order,
            articles: (0..a.content.articles.len())
                .into_par_iter()
                .map(|i| item(key(Kind::Article, i)))
                .collect::<Result<_, _>>()?,
            agreements: (0..a.content.agreements.len())
                .into_par_iter()
                .map(|i| item(key(Kind::Agreement, i)))
                .collect::<Result<_, _>>()?,
        })
    }

    fn get(&self, k: Key) -> TeraValue {
        match k.kind {
            Kind::Article => self.articles[k.idx].clone(),
            _ => self.agreements[k.idx].clone(),
        }
    }
}

/// What every page of a view shows above the list.
struct Head {
    /// The view's title.
    title: String,
    /// What the view lists.
    summary: String,
    /// The view's party, or none.
    party: Option<TeraValue>,
    /// The links to the views, as [`Filters`], serialised once.
    filters: TeraValue,
    /// How many entries the view has.
    count: usize,
}

/// A view's pages: its own page and, when it has more than
/// [`ENTRIES_PER_PAGE`] entries, one page per year (each with the filters,
/// without the chart), its own page then listing the years with links.
fn view_pages<'a>(
    ctx: &Ctx<'a>,
    items: &Items,
    view: View,
    views: &[View],
) -> Vec<(String, TimelinePage<'a>)> {
    let a = ctx.archive;
    let rel = view.rel(a);
    let (arts, agrs) = view.entries(a);
    // The view's entries, oldest first, by year.
    let mut in_view = [
        vec![false; a.content.articles.len()],
        vec![false; a.content.agreements.len()],
    ];
    for &i in &arts {
        in_view[0][i] = true;
    }
    for &i in &agrs {
        in_view[1][i] = true;
    }
    let listed = |k: &Key| match k.kind {
        Kind::Article => in_view[0][k.idx],
        _ => in_view[1][k.idx],
    };
    let mut years: Vec<(i16, Vec<TeraValue>)> = vec![];
    let mut reports_by_date = vec![];
    for k in items.order.iter().filter(|k| listed(k)) {
        if k.kind == Kind::Article {
            reports_by_date.push(k.idx);
        }
        let y = date_of(a, *k).year();
        match years.last_mut() {
            Some((last, v)) if *last == y => v.push(items.get(*k)),
            _ => years.push((y, vec![items.get(*k)])),
        }
    }
    let split = arts.len() + agrs.len() > ENTRIES_PER_PAGE;
    let year_href = |y: i16| {
        if split {
            a.urls.path(&paths::timeline_year(&rel, i64::from(y)))
        } else {
            format!("#y{y}")
        }
    };
    let head = view_head(ctx, view, views, &arts, &agrs);
    let chart = chart(ctx, view, &reports_by_date, &agrs, &year_href);
    let page =
        |head: &Head, title: String, summary: String, years: Vec<TimelineYear>| TimelinePage {
            title,
            summary,
            view: view.name(),
            party: head.party.clone(),
            filters: head.filters.clone(),
            count: head.count,
            years,
            chart: None,
            up: None,
            pagination: None,
        };
    let year_item =
        |year: i16, count: usize, entries: Vec<TeraValue>, url: Option<String>| TimelineYear {
            year,
            id: format!("y{year}"),
            count,
            entries,
            url,
        };
    if !split {
        let years = years
            .into_iter()
            .map(|(y, entries)| year_item(y, entries.len(), entries, None))
            .collect();
        let mut own = page(&head, head.title.clone(), head.summary.clone(), years);
        own.chart = chart;
        return vec![(rel, own)];
    }
    let mut out = vec![];
    let mut index = vec![];
    let up = ViewLink {
        title: head.title.clone(),
        url: a.urls.path(&rel),
    };
    for (y, entries) in years {
        let n = entries.len();
        let page_rel = |k: usize| paths::timeline_year_page(&rel, i64::from(y), k);
        index.push(year_item(y, n, vec![], Some(a.urls.path(&page_rel(1)))));
        let chunks: Vec<&[TeraValue]> = entries.chunks(ENTRIES_PER_PAGE).collect();
        let total = chunks.len();
        for (k, chunk) in (1..).zip(chunks) {
            let title = if k == 1 {
                format!("{}, {y}", head.title)
            } else {
                format!("{}, {y}, page {k} of {total}", head.title)
            };
            let summary = format!("{} in {y}, oldest first.", plural(n, "entry", "entries"));
            let mut p = page(
                &head,
                title,
                summary,
                vec![year_item(y, n, chunk.to_vec(), None)],
            );
            p.up = Some(ViewLink {
                title: up.title.clone(),
                url: up.url.clone(),
            });
            p.pagination = (total > 1).then(|| Pagination::of(a, k, total, page_rel));
            out.push((page_rel(k), p));
        }
    }
    let mut own = page(&head, head.title.clone(), head.summary.clone(), index);
    own.chart = chart;
    out.insert(0, (rel, own));
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What every page of a view shows above the list: title, summary, the
/// filters, the view's party and its number of entries.
fn view_head(ctx: &Ctx<'_>, view: View, views: &[View], arts: &[usize], agrs: &[usize]) -> Head {
    let a = ctx.archive;
    let (title, summary) = match view {
        View::All => (
            "Timeline".to_string(),
            format!(
                "{} and {} in date order, oldest first.",
                plural(agrs.len(), "agreement", "agreements"),
                plural(arts.len(), "report", "reports")
            ),
        ),
        View::Agreements => (
            "Timeline: agreements".to_string(),
            format!(
                "{} in date order, oldest first.",
                plural(agrs.len(), "agreement", "agreements")
            ),
        ),
        View::Reports => (
            "Timeline: reports".to_string(),
            format!(
                "{} in date order, oldest first.",
                plural(arts.len(), "report", "reports")
            ),
        ),
        View::Party(i) => {
            let name = &a.content.parties[i].meta.title;
            let counts: Vec<String> = [
                (agrs.len(), "agreement", "agreements"),
                (arts.len(), "report", "reports"),
            ]
            .into_iter()
            .filter(|c| c.0 > 0)
            .map(|(n, one, many)| plural(n, one, many))
            .collect();
            (
                format!("Timeline: {name}"),
                format!("{} involving {name}, oldest first.", counts.join(" and ")),
            )
        }
    };

    let filter = |v: View, label, count| Filter {
        label,
        url: a.urls.path(&v.rel(a)),
        current: v == view,
        count,
    };
    let kinds = vec![
        filter(
            View::All,
            "Everything",
            a.content.agreements.len() + a.content.articles.len(),
        ),
        filter(View::Agreements, "Agreements", a.content.agreements.len()),
        filter(View::Reports, "Reports", a.content.articles.len()),
    ];
    let parties = views
        .iter()
        .filter_map(|&v| match v {
            View::Party(i) => {
                let (r, g) = &a.party_entries[i];
                Some(filter(
                    v,
                    &a.content.parties[i].meta.title,
                    r.len() + g.len(),
                ))
            }
            _ => None,
        })
        .collect();
    Head {
        title,
        summary,
        party: match view {
            View::Party(i) => Some(ctx.party_ref(i)),
            _ => None,
        },
        filters: TeraValue::from_serializable(&Filters { kinds, parties }),
        count: arts.len() + agrs.len(),
    }
}

fn date_of(a: &Archive, k: Key) -> Date {
    match k.kind {
        Kind::Article => a.content.articles[k.idx].meta.date,
        _ => a.content.agreements[k.idx].meta.date,
    }
}

/// One list entry: kind, date, title and link, parties.
fn entry<'a>(ctx: &Ctx<'a>, k: Key) -> TimelineEntry<'a> {
    let a = ctx.archive;
    match k.kind {
        Kind::Article => {
            let e = &a.content.articles[k.idx];
            TimelineEntry {
                kind: "report",
                kind_label: "Report",
                date: e.meta.date.iso(),
                date_note: e.meta.date_note.as_deref(),
                title: &e.meta.title,
                full_title: None,
                url: a.urls.path(&paths::article(&e.slug)),
                detail: &e.meta.source.publisher,
                parties: ctx.parties(&e.meta.parties),
            }
        }
        _ => {
            let e = &a.content.agreements[k.idx];
            TimelineEntry {
                kind: "agreement",
                kind_label: "Agreement",
                date: e.meta.date.iso(),
                date_note: e.meta.date_note.as_deref(),
                title: &e.meta.short_title,
                full_title: Some(&e.meta.title),
                url: a.urls.path(&paths::agreement(&e.slug)),
                detail: Term::of(&a.config.agreement_forms, &e.meta.form).label,
                parties: ctx.parties(&e.meta.parties),
            }
        }
    }
}

fn is_agreement_relation(r: &Relation) -> bool {
    r.from.kind == Kind::Agreement && r.to.kind == Kind::Agreement
}

/// The chart and its accessible list, or null when the view has no
/// agreements. `reports` are the view's reports, oldest first; `year_href`
/// is where the list of a year is (the counts of a large chart link there).
fn chart<'a>(
    ctx: &Ctx<'a>,
    view: View,
    reports: &[usize],
    agrs: &[usize],
    year_href: &dyn Fn(i16) -> String,
) -> Option<Chart<'a>> {
    let a = ctx.archive;
    if agrs.is_empty() {
        return None;
    }
    let own: BTreeSet<usize> = agrs.iter().copied().collect();
    // In a party view, a relation counts when one end is the party's; the other
    // end is drawn too, marked as context.
    let rels: Vec<&'a Relation> = a
        .relations
        .iter()
        .filter(|r| is_agreement_relation(r))
        .filter(|r| match view {
            View::Party(_) => own.contains(&r.from.idx) || own.contains(&r.to.idx),
            _ => own.contains(&r.from.idx) && own.contains(&r.to.idx),
        })
        .collect();
    // Too many agreements for a row each: rows only for those a relation
    // leads to or from, and every agreement counted in a strip of its own.
    let counted = own.len() > svg::AGREEMENT_ROWS_MAX;
    let mut shown: BTreeSet<usize> = if counted {
        BTreeSet::new()
    } else {
        own.clone()
    };
    for r in &rels {
        shown.insert(r.from.idx);
        shown.insert(r.to.idx);
    }
    // Rows in date order, as in `agreements_by_date`.
    let rows: Vec<usize> = a
        .agreements_by_date
        .iter()
        .copied()
        .filter(|g| shown.contains(g))
        .collect();
    let row_of: BTreeMap<usize, usize> = rows.iter().enumerate().map(|(r, &g)| (g, r)).collect();
    let mut rels = rels;
    rels.sort_by_key(|r| (row_of[&r.from.idx], row_of[&r.to.idx]));
    let agreement_strip: Vec<usize> = if counted {
        a.agreements_by_date
            .iter()
            .copied()
            .filter(|g| own.contains(g))
            .collect()
    } else {
        vec![]
    };
    // The reports strip: only where reports are listed too.
    let reports: &[usize] = if view == View::Agreements {
        &[]
    } else {
        reports
    };
    let drawing = svg::draw(
        a,
        &svg::Lanes {
            rows: &rows,
            own: &own,
            rels: &rels,
            reports,
            agreements: &agreement_strip,
            year_href,
        },
    );
    // The key to the arcs: each relation type drawn, in `relation_types` order.
    let kinds: BTreeSet<usize> = rels
        .iter()
        .filter_map(|r| a.config.relation_types.get_index_of(&r.kind))
        .collect();
    let legend = kinds
        .into_iter()
        .filter_map(|i| a.config.relation_types.get_index(i))
        .map(|(kind, rt)| {
            let st = svg::style(a, kind);
            LegendItem {
                kind,
                label: &rt.label,
                class: st.class,
                dash: st.dash,
            }
        })
        .collect();
    let relations = rels
        .iter()
        .map(|r| {
            let rt = &a.config.relation_types[&r.kind];
            ChartRelation {
                from: ctx.entry_ref(r.from),
                to: ctx.entry_ref(r.to),
                kind: &r.kind,
                label: &rt.label,
                phrase: lower_first(&rt.label),
                note: r.note.as_deref(),
            }
        })
        .collect();
    Some(Chart {
        svg: drawing.svg,
        relations,
        rows: rows.len(),
        context_rows: rows.iter().filter(|g| !own.contains(g)).count(),
        reports: reports.len(),
        counts: drawing.counts,
        compressed: drawing.compressed,
        stretched: drawing.stretched,
        legend,
    })
}

/// "Mirrors" → "mirrors", but "UN report" stays as it is.
fn lower_first(s: &str) -> String {
    let mut cs = s.chars();
    match (cs.next(), cs.next()) {
        (Some(f), Some(second)) if f.is_uppercase() && !second.is_uppercase() => {
            f.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_first_keeps_acronyms() {
        assert_eq!(lower_first("Mirrors"), "mirrors");
        assert_eq!(lower_first("Contrasts with"), "contrasts with");
        assert_eq!(lower_first("UN report"), "UN report");
    }
}
