//! The timeline: `/timeline/` lists agreements and reports by date, grouped by
//! year, and draws the relations between agreements as an SVG made at build
//! time (in `timeline/svg.rs`). Filtering needs no JavaScript: every filter is a page of its own —
//! `/timeline/agreements/`, `/timeline/reports/` and `/timeline/<party>/`.

mod svg;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde_json::{json, Value};
use tera::Tera;

use super::context::Ctx;
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
            View::All => "timeline/".into(),
            View::Agreements => "timeline/agreements/".into(),
            View::Reports => "timeline/reports/".into(),
            View::Party(i) => format!("timeline/{}/", a.content.parties[i].slug),
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
pub fn render_each(tera: &Tera, ctx: &Ctx<'_>, emit: &(dyn Fn(Result<Output, Diagnostic>) + Sync)) {
    let a = ctx.archive;
    let views = views(a);
    views.par_iter().for_each(|&v| {
        emit(render_page(
            tera,
            ctx,
            "timeline.html",
            &v.rel(a),
            &view_page(ctx, v, &views),
        ))
    });
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `page` for one view.
fn view_page(ctx: &Ctx<'_>, view: View, views: &[View]) -> Value {
    let a = ctx.archive;
    let (arts, agrs) = view.entries(a);
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

    // Entries oldest first; agreements before reports on the same day.
    let mut keys: Vec<Key> = agrs
        .iter()
        .map(|&i| Key {
            kind: Kind::Agreement,
            idx: i,
        })
        .chain(arts.iter().map(|&i| Key {
            kind: Kind::Article,
            idx: i,
        }))
        .collect();
    let slug = |k: &Key| match k.kind {
        Kind::Article => a.content.articles[k.idx].slug.as_str(),
        _ => a.content.agreements[k.idx].slug.as_str(),
    };
    keys.sort_by(|x, y| {
        date_of(a, *x)
            .cmp(&date_of(a, *y))
            .then(x.kind.cmp(&y.kind).reverse())
            .then_with(|| slug(x).cmp(slug(y)))
    });
    let mut years: BTreeMap<i16, Vec<Value>> = BTreeMap::new();
    for k in &keys {
        years
            .entry(date_of(a, *k).year())
            .or_default()
            .push(entry(ctx, *k));
    }
    let years: Vec<Value> = years
        .into_iter()
        .map(|(y, entries)| json!({"year": y, "id": format!("y{y}"), "count": entries.len(), "entries": entries}))
        .collect();

    let filter = |v: View, label: String, count: usize| json!({"label": label, "url": a.urls.path(&v.rel(a)), "current": v == view, "count": count});
    let kinds = vec![
        filter(
            View::All,
            "Everything".into(),
            a.content.agreements.len() + a.content.articles.len(),
        ),
        filter(
            View::Agreements,
            "Agreements".into(),
            a.content.agreements.len(),
        ),
        filter(View::Reports, "Reports".into(), a.content.articles.len()),
    ];
    let parties: Vec<Value> = views
        .iter()
        .filter_map(|&v| match v {
            View::Party(i) => {
                let (r, g) = &a.party_entries[i];
                Some(filter(
                    v,
                    a.content.parties[i].meta.title.clone(),
                    r.len() + g.len(),
                ))
            }
            _ => None,
        })
        .collect();
    let party = match view {
        View::Party(i) => {
            let p = &a.content.parties[i];
            json!({"code": p.slug, "title": p.meta.title, "url": a.urls.path(&paths::party(&p.slug))})
        }
        _ => Value::Null,
    };

    json!({
        "title": title,
        "summary": summary,
        "view": match view { View::All => "all", View::Agreements => "agreements", View::Reports => "reports", View::Party(_) => "party" },
        "party": party,
        "filters": {"kinds": kinds, "parties": parties},
        "count": keys.len(),
        "years": years,
        "chart": chart(ctx, view, &arts, &agrs),
    })
}

fn date_of(a: &Archive, k: Key) -> Date {
    match k.kind {
        Kind::Article => a.content.articles[k.idx].meta.date,
        _ => a.content.agreements[k.idx].meta.date,
    }
}

fn party_refs(a: &Archive, codes: &[String]) -> Vec<Value> {
    codes
        .iter()
        .filter_map(|c| a.find(Kind::Party, c))
        .map(|i| {
            let p = &a.content.parties[i];
            json!({"code": p.slug, "title": p.meta.title, "url": a.urls.path(&paths::party(&p.slug))})
        })
        .collect()
}

/// One list entry: kind, date, title and link, parties.
fn entry(ctx: &Ctx<'_>, k: Key) -> Value {
    let a = ctx.archive;
    match k.kind {
        Kind::Article => {
            let e = &a.content.articles[k.idx];
            json!({
                "kind": "report",
                "kind_label": "Report",
                "date": e.meta.date.iso(),
                "date_note": e.meta.date_note,
                "title": e.meta.title,
                "url": a.urls.path(&paths::article(&e.slug)),
                "detail": e.meta.source.publisher,
                "parties": party_refs(a, &e.meta.parties),
            })
        }
        _ => {
            let e = &a.content.agreements[k.idx];
            let form = a
                .config
                .agreement_forms
                .get(&e.meta.form)
                .map(|t| t.label.clone())
                .unwrap_or_else(|| e.meta.form.clone());
            json!({
                "kind": "agreement",
                "kind_label": "Agreement",
                "date": e.meta.date.iso(),
                "date_note": e.meta.date_note,
                "title": e.meta.short_title,
                "full_title": e.meta.title,
                "url": a.urls.path(&paths::agreement(&e.slug)),
                "detail": form,
                "parties": party_refs(a, &e.meta.parties),
            })
        }
    }
}

fn is_agreement_relation(r: &Relation) -> bool {
    r.from.kind == Kind::Agreement && r.to.kind == Kind::Agreement
}

/// The chart and its accessible list, or null when the view has no agreements.
fn chart(ctx: &Ctx<'_>, view: View, arts: &[usize], agrs: &[usize]) -> Value {
    let a = ctx.archive;
    if agrs.is_empty() {
        return Value::Null;
    }
    let own: BTreeSet<usize> = agrs.iter().copied().collect();
    // In a party view, a relation counts when one end is the party's; the other
    // end is drawn too, marked as context.
    let rels: Vec<&Relation> = a
        .relations
        .iter()
        .filter(|r| is_agreement_relation(r))
        .filter(|r| match view {
            View::Party(_) => own.contains(&r.from.idx) || own.contains(&r.to.idx),
            _ => own.contains(&r.from.idx) && own.contains(&r.to.idx),
        })
        .collect();
    let mut shown = own.clone();
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
    // The reports strip: only where reports are listed too.
    let reports: Vec<usize> = if view == View::Agreements {
        vec![]
    } else {
        let mut v = arts.to_vec();
        v.sort_by(|&x, &y| {
            a.content.articles[x]
                .meta
                .date
                .cmp(&a.content.articles[y].meta.date)
                .then_with(|| a.content.articles[x].slug.cmp(&a.content.articles[y].slug))
        });
        v
    };
    let drawing = svg::draw(a, &rows, &own, &rels, &reports);
    // The key to the arcs: each relation type drawn, in `relation_types` order.
    let kinds: BTreeSet<usize> = rels
        .iter()
        .filter_map(|r| a.config.relation_types.get_index_of(&r.kind))
        .collect();
    let legend: Vec<Value> = kinds
        .into_iter()
        .filter_map(|i| a.config.relation_types.get_index(i))
        .map(|(kind, rt)| {
            let st = svg::style(a, kind);
            json!({"kind": kind, "label": rt.label, "class": st.class, "dash": st.dash})
        })
        .collect();
    let relations: Vec<Value> = rels
        .iter()
        .map(|r| {
            let rt = &a.config.relation_types[&r.kind];
            json!({
                "from": ctx.entry_ref(r.from),
                "to": ctx.entry_ref(r.to),
                "kind": r.kind,
                "label": rt.label,
                "phrase": lower_first(&rt.label),
                "note": r.note,
            })
        })
        .collect();
    json!({
        "svg": drawing.svg,
        "relations": relations,
        "rows": rows.len(),
        "context_rows": rows.len() - own.len(),
        "reports": reports.len(),
        "compressed": drawing.compressed,
        "stretched": drawing.stretched,
        "legend": legend,
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
