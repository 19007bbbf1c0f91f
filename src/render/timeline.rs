//! The timeline: `/timeline/` lists agreements and reports by date, grouped by
//! year, and draws the relations between agreements as an SVG made at build
//! time. Filtering needs no JavaScript: every filter is a page of its own —
//! `/timeline/agreements/`, `/timeline/reports/` and `/timeline/<party>/`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rayon::prelude::*;
use serde_json::{json, Value};
use tera::Tera;

use super::context::Ctx;
use super::{render_page, Output};
use crate::content::date::Date;
use crate::diagnostics::Diagnostic;
use crate::markdown::escape_html;
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
        for (rel, page) in split_by_year(ctx, &v.rel(a), view_page(ctx, v, &views)) {
            emit(render_page(tera, ctx, "timeline.html", &rel, &page));
        }
    });
}

/// Entries a view lists on its own page; a larger view lists its years with
/// links, and each year's entries on a page of its own
/// (`/timeline/…/<year>/`), so no page grows with the archive.
pub const ENTRIES_PER_PAGE: usize = 1500;

/// A view's page, and when it has more than [`ENTRIES_PER_PAGE`] entries, its
/// per-year pages (each with the filters, without the chart).
fn split_by_year(ctx: &Ctx<'_>, rel: &str, mut page: Value) -> Vec<(String, Value)> {
    let count = page["count"].as_u64().unwrap_or(0) as usize;
    if count <= ENTRIES_PER_PAGE {
        return vec![(rel.to_string(), page)];
    }
    let a = ctx.archive;
    let mut out = vec![];
    let title = page["title"].as_str().unwrap_or("").to_string();
    let years = std::mem::take(&mut page["years"]);
    // The year pages have no chart: keep it out of their copies.
    let chart = std::mem::take(&mut page["chart"]);
    let mut index = vec![];
    for mut y in years.as_array().cloned().unwrap_or_default() {
        let year = y["year"].as_i64().unwrap_or(0);
        let year_rel = paths::timeline_year(rel, year);
        let mut yp = page.clone();
        yp["title"] = json!(format!("{title}, {year}"));
        yp["summary"] = json!(format!(
            "{} in {year}, oldest first.",
            plural(
                y["count"].as_u64().unwrap_or(0) as usize,
                "entry",
                "entries"
            )
        ));
        yp["up"] = json!({"title": title, "url": a.urls.path(rel)});
        yp["years"] = json!([y.clone()]);
        out.push((year_rel.clone(), yp));
        y["entries"] = json!([]);
        y["url"] = json!(a.urls.path(&year_rel));
        index.push(y);
    }
    page["years"] = json!(index);
    page["chart"] = chart;
    out.insert(0, (rel.to_string(), page));
    out
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
    let drawing = draw(a, &rows, &own, &rels, &reports);
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

/// A finished drawing.
struct Drawing {
    svg: String,
    /// Ranges of empty years drawn narrow, like "2002–2013".
    compressed: Vec<String>,
}

/// The horizontal scale: each year with entries gets a full unit; runs of two or
/// more empty years between them shrink to a break half a unit wide.
struct Scale {
    /// Year → offset in units, for every year drawn at full width.
    offsets: BTreeMap<i16, f64>,
    /// (offset, first year, last year) of each break.
    breaks: Vec<(f64, i16, i16)>,
    units: f64,
}

const BREAK_UNITS: f64 = 0.5;

impl Scale {
    fn new(years: &BTreeSet<i16>) -> Scale {
        let mut offsets = BTreeMap::new();
        let mut breaks = vec![];
        let mut units = 0.0;
        let mut prev: Option<i16> = None;
        for &y in years {
            if let Some(p) = prev {
                let gap = y - p - 1;
                if gap >= 2 {
                    breaks.push((units, p + 1, y - 1));
                    units += BREAK_UNITS;
                } else if gap == 1 {
                    offsets.insert(p + 1, units);
                    units += 1.0;
                }
            }
            offsets.insert(y, units);
            units += 1.0;
            prev = Some(y);
        }
        Scale {
            offsets,
            breaks,
            units,
        }
    }

    /// Position of a date in units.
    fn at(&self, d: &Date) -> f64 {
        let day = d.day;
        let frac = f64::from(day.day_of_year() - 1) / f64::from(day.days_in_year());
        self.offsets.get(&day.year()).copied().unwrap_or(0.0) + frac
    }
}

// Geometry, in SVG user units (1 unit ≈ 1 CSS px at full size).
const PLOT_W: f64 = 720.0;
const ROW_H: f64 = 26.0;
const TOP: f64 = 46.0;
const DOT_R: f64 = 5.0;
const FONT: f64 = 13.0;
const SMALL: f64 = 11.0;
/// Rough advance of one character, in ems, for laying out labels.
const CHAR_EM: f64 = 0.56;
const MAX_LABEL_CHARS: usize = 30;

fn fmt(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * CHAR_EM
}

/// Finds a free spot for a relation label at `x`, as near `y` as possible and
/// at most `reach` above or below it; records its box in `placed`.
fn place_label(placed: &mut Vec<[f64; 4]>, x: f64, y: f64, w: f64, reach: f64) -> f64 {
    let h = SMALL + 2.0;
    let free = |y: f64| {
        placed.iter().all(|b| {
            x + w <= b[0] || b[0] + b[2] <= x || y + h / 2.0 <= b[1] || b[1] + b[3] <= y - h / 2.0
        })
    };
    let step = h;
    let mut best = y;
    for i in 0..=16 {
        let off = f64::from((i + 1) / 2) * step * if i % 2 == 1 { 1.0 } else { -1.0 };
        if off.abs() > reach.max(3.0 * step) {
            continue;
        }
        if free(y + off) {
            best = y + off;
            break;
        }
    }
    placed.push([x, best - h / 2.0, w, h]);
    best
}

/// Draws the agreements (one row each, in date order), the relations between
/// them (an arc from the declaring agreement to the one it points to, labelled
/// with the relation type) and, when given, a strip of report marks.
fn draw(
    a: &Archive,
    rows: &[usize],
    own: &BTreeSet<usize>,
    rels: &[&Relation],
    reports: &[usize],
) -> Drawing {
    let c = &a.content;
    let mut years: BTreeSet<i16> = rows
        .iter()
        .map(|&g| c.agreements[g].meta.date.year())
        .collect();
    years.extend(reports.iter().map(|&r| c.articles[r].meta.date.year()));
    let scale = Scale::new(&years);
    let labels: Vec<String> = rows
        .iter()
        .map(|&g| clip(&c.agreements[g].meta.short_title, MAX_LABEL_CHARS))
        .collect();
    let label_w = labels
        .iter()
        .map(|l| text_width(l, FONT))
        .fold(text_width("Reports", FONT), f64::max)
        .clamp(90.0, 260.0)
        + 20.0;
    let x0 = label_w;
    let unit = PLOT_W / scale.units.max(1.0);
    let x_of = |d: &Date| x0 + scale.at(d) * unit;
    let y_of = |row: usize| TOP + row as f64 * ROW_H;
    let strip_y = y_of(rows.len()) + 6.0;
    let bottom = if reports.is_empty() {
        y_of(rows.len()) - ROW_H / 2.0
    } else {
        strip_y + ROW_H / 2.0
    };
    let row_of: BTreeMap<usize, usize> = rows.iter().enumerate().map(|(r, &g)| (g, r)).collect();

    // Relations first, so dots sit on top of the lines.
    let mut rel_svg = String::new();
    let mut right = x0 + PLOT_W;
    let mut placed: Vec<[f64; 4]> = vec![];
    for r in rels {
        let (fr, tr) = (row_of[&r.from.idx], row_of[&r.to.idx]);
        let (x1, y1) = (x_of(&c.agreements[r.from.idx].meta.date), y_of(fr));
        let (x2, y2) = (x_of(&c.agreements[r.to.idx].meta.date), y_of(tr));
        let dx = (x1 - x2).abs();
        let dy = (y1 - y2).abs();
        // Control points to the right of both ends: the arc clears every dot on
        // the rows between (their dates, hence x, lie between the two ends).
        let cx = x1.max(x2) + 14.0 + (0.35 * dy).min(90.0) + 0.2 * dx;
        let (sx, ex) = (x1 + DOT_R, x2 + DOT_R + 2.5);
        // The label goes just right of the arc's rightmost point.
        let (apex_x, apex_y) = (0..=50)
            .map(|i| {
                let t = f64::from(i) / 50.0;
                let u = 1.0 - t;
                let x = u * u * u * sx + 3.0 * u * t * cx + t * t * t * ex;
                let y = u * u * (u + 3.0 * t) * y1 + t * t * (t + 3.0 * u) * y2;
                (x, y)
            })
            .fold((f64::MIN, 0.0), |m, p| if p.0 > m.0 { p } else { m });
        let label = &a.config.relation_types[&r.kind].label;
        let label_w = text_width(label, SMALL);
        let mid_y = place_label(&mut placed, apex_x + 4.0, apex_y, label_w, dy / 2.0);
        right = right.max(apex_x + 4.0 + label_w);
        let _ = write!(
            rel_svg,
            "<g class=\"tl-rel tl-rel-{kind}\"><path d=\"M{sx} {y1}C{cx} {y1} {cx} {y2} {ex} {y2}\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.6\" stroke-width=\"1.5\" marker-end=\"url(#tl-arrow)\"/><text x=\"{lx}\" y=\"{mid_y}\" dy=\"0.35em\" font-size=\"{SMALL}\" paint-order=\"stroke\" stroke-width=\"3\" stroke-linejoin=\"round\">{label}</text></g>",
            kind = escape_html(&r.kind),
            sx = fmt(sx),
            y1 = fmt(y1),
            cx = fmt(cx),
            y2 = fmt(y2),
            ex = fmt(ex),
            lx = fmt(apex_x + 4.0),
            mid_y = fmt(mid_y),
            label = escape_html(label),
        );
    }
    let width = (right + 12.0).ceil();
    let height = (bottom + 10.0).ceil();

    let mut s = String::with_capacity(4096);
    let first = years.first().copied().unwrap_or(0);
    let last = years.last().copied().unwrap_or(0);
    let compressed: Vec<String> = scale
        .breaks
        .iter()
        .map(|&(_, p, q)| format!("{p}–{q}"))
        .collect();
    let title = if first == last {
        format!("Agreements of {first} and the relations between them")
    } else {
        format!("Agreements from {first} to {last} and the relations between them")
    };
    let mut desc = format!(
        "A time axis from {first} to {last}, left to right, with one row per agreement in date order ({}). {} drawn as arcs from the agreement that declares the relation to the one it points to, each labelled with the relation type.",
        plural(rows.len(), "agreement", "agreements"),
        if rels.len() == 1 { "One relation is".to_string() } else { format!("{} relations are", rels.len()) },
    );
    if rows.len() > own.len() {
        desc.push_str(" Agreements drawn faint are shown only because a relation leads to them.");
    }
    if !reports.is_empty() {
        let _ = write!(
            desc,
            " The bottom row marks {} by date.",
            plural(reports.len(), "report", "reports")
        );
    }
    if !compressed.is_empty() {
        let _ = write!(
            desc,
            " Years without entries ({}) are drawn compressed.",
            compressed.join(", ")
        );
    }
    desc.push_str(" The same information follows as a list.");
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tl-svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"tl-svg-title tl-svg-desc\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif\" font-size=\"{FONT}\" fill=\"currentColor\">",
        w = fmt(width),
        h = fmt(height),
    );
    let _ = write!(
        s,
        "<title id=\"tl-svg-title\">{}</title><desc id=\"tl-svg-desc\">{}</desc>",
        escape_html(&title),
        escape_html(&desc)
    );
    s.push_str("<defs><marker id=\"tl-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"currentColor\"/></marker></defs>");

    // Year ticks, labels and breaks.
    let axis_y = TOP - ROW_H / 2.0 - 4.0;
    s.push_str("<g class=\"tl-axis\">");
    for (&y, &off) in &scale.offsets {
        let x = fmt(x0 + off * unit);
        let _ = write!(
            s,
            "<line x1=\"{x}\" y1=\"{axis_y}\" x2=\"{x}\" y2=\"{bottom}\" stroke=\"currentColor\" stroke-opacity=\"0.25\"/><text x=\"{lx}\" y=\"{ty}\" font-size=\"{SMALL}\">{y}</text>",
            axis_y = fmt(axis_y),
            bottom = fmt(bottom),
            lx = fmt(x0 + off * unit + 3.0),
            ty = fmt(axis_y - 4.0),
        );
    }
    let end_x = fmt(x0 + scale.units * unit);
    let _ = write!(
        s,
        "<line x1=\"{end_x}\" y1=\"{ay}\" x2=\"{end_x}\" y2=\"{b}\" stroke=\"currentColor\" stroke-opacity=\"0.25\"/><line x1=\"{x0}\" y1=\"{ay}\" x2=\"{end_x}\" y2=\"{ay}\" stroke=\"currentColor\" stroke-opacity=\"0.5\"/>",
        ay = fmt(axis_y),
        b = fmt(bottom),
        x0 = fmt(x0),
    );
    for &(off, _, _) in &scale.breaks {
        let xm = x0 + (off + BREAK_UNITS / 2.0) * unit;
        let _ = write!(
            s,
            "<rect class=\"tl-break\" x=\"{bx}\" y=\"{by}\" width=\"{bw}\" height=\"{bh}\" fill=\"currentColor\" fill-opacity=\"0.06\"/><text x=\"{xm}\" y=\"{ty}\" font-size=\"{SMALL}\" text-anchor=\"middle\">…</text>",
            bx = fmt(x0 + off * unit + 2.0),
            by = fmt(axis_y),
            bw = fmt(BREAK_UNITS * unit - 4.0),
            bh = fmt(bottom - axis_y),
            xm = fmt(xm),
            ty = fmt(axis_y - 4.0),
        );
    }
    s.push_str("</g>");

    s.push_str(&rel_svg);

    // One row per agreement: a guide, the label and the dot, linked to its page.
    // The links are for pointer users; keyboard and screen-reader users get the
    // same links in the list that follows (tabindex -1 keeps focus out of an image).
    for (row, &g) in rows.iter().enumerate() {
        let e = &c.agreements[g];
        let y = y_of(row);
        let x = x_of(&e.meta.date);
        let class = if own.contains(&g) {
            "tl-row"
        } else {
            "tl-row tl-context"
        };
        let faint = if own.contains(&g) {
            ""
        } else {
            " fill-opacity=\"0.55\""
        };
        let _ = write!(
            s,
            "<g class=\"{class}\"{faint}><line class=\"tl-guide\" x1=\"{gx}\" y1=\"{y}\" x2=\"{dx}\" y2=\"{y}\" stroke=\"currentColor\" stroke-opacity=\"0.2\" stroke-dasharray=\"2 3\"/><a href=\"{href}\" tabindex=\"-1\"><title>{tip}</title><text x=\"{tx}\" y=\"{y}\" dy=\"0.35em\" text-anchor=\"end\">{label}</text><circle cx=\"{cx}\" cy=\"{y}\" r=\"{DOT_R}\"/></a></g>",
            gx = fmt(x0 - 4.0),
            dx = fmt(x - DOT_R),
            y = fmt(y),
            href = escape_html(&a.urls.path(&paths::agreement(&e.slug))),
            tip = escape_html(&format!("{} ({})", e.meta.title, e.meta.date.iso())),
            tx = fmt(x0 - 8.0),
            label = escape_html(&labels[row]),
            cx = fmt(x),
        );
    }

    // The reports strip.
    if !reports.is_empty() {
        let _ = write!(
            s,
            "<g class=\"tl-reports\"><text x=\"{tx}\" y=\"{y}\" dy=\"0.35em\" text-anchor=\"end\" font-style=\"italic\">Reports</text>",
            tx = fmt(x0 - 8.0),
            y = fmt(strip_y),
        );
        for &r in reports {
            let e = &c.articles[r];
            let x = x_of(&e.meta.date);
            let _ = write!(
                s,
                "<a href=\"{href}\" tabindex=\"-1\"><title>{tip}</title><rect x=\"{rx}\" y=\"{ry}\" width=\"4\" height=\"14\" fill-opacity=\"0.6\"/></a>",
                href = escape_html(&a.urls.path(&paths::article(&e.slug))),
                tip = escape_html(&format!("{} ({}, {})", e.meta.title, e.meta.source.publisher, e.meta.date.iso())),
                rx = fmt(x - 2.0),
                ry = fmt(strip_y - 7.0),
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    Drawing { svg: s, compressed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_compresses_long_gaps_only() {
        let years: BTreeSet<i16> = [2001, 2015, 2017].into_iter().collect();
        let s = Scale::new(&years);
        assert_eq!(s.breaks.len(), 1);
        assert_eq!((s.breaks[0].1, s.breaks[0].2), (2002, 2014));
        // 2016 is a one-year gap: kept at full width.
        assert_eq!(s.offsets.get(&2016), Some(&2.5));
        assert_eq!(s.units, 4.5);
    }

    #[test]
    fn lower_first_keeps_acronyms() {
        assert_eq!(lower_first("Mirrors"), "mirrors");
        assert_eq!(lower_first("Contrasts with"), "contrasts with");
        assert_eq!(lower_first("UN report"), "UN report");
    }

    #[test]
    fn clip_long_labels() {
        assert_eq!(clip("abc", 5), "abc");
        assert_eq!(clip("abcdef", 5), "abcd…");
    }
}
