//! The timeline's typed contexts: `page` of `timeline.html` ([`TimelinePage`])
//! and `e` of the list item partial `partials/timeline_entry.html`
//! ([`TimelineEntry`]). Parties are the shared [`PartyRef`] links and
//! relations' ends the shared [`EntryLink`]s of the other contexts.
//!
//! [`PartyRef`]: crate::render::context::PartyRef

use serde::Serialize;

use super::svg::Counts;
use crate::render::context::{EntryLink, PageContext, Pagination};

/// `page` of `timeline.html`: the page of a view (`/timeline/`,
/// `/timeline/agreements/`, `/timeline/reports/`, `/timeline/<party>/`), or,
/// when the view has more than [`super::ENTRIES_PER_PAGE`] entries, a page of
/// one of its years (`/timeline/…/<year>/`, `/timeline/…/<year>/page/N/`).
#[derive(Serialize)]
pub struct TimelinePage<'a> {
    /// "Timeline", "Timeline: agreements", "Timeline: reports" or "Timeline:
    /// <party>"; on a year's page followed by ", 2017" (and ", page n of m").
    pub title: String,
    /// What the view lists ("3 agreements and 20 reports in date order,
    /// oldest first."); on a year's page, how many entries the year has.
    pub summary: String,
    /// The view: `all`, `agreements`, `reports` or `party`.
    pub view: &'static str,
    /// The party of a party's view (a [`PartyRef`]), or none.
    ///
    /// [`PartyRef`]: crate::render::context::PartyRef
    pub party: Option<tera::Value>,
    /// The links to every view, as [`Filters`] (made once per view and shared
    /// by its pages).
    pub filters: tera::Value,
    /// How many entries the view has.
    pub count: usize,
    /// The years listed, oldest first: every year with its entries on an
    /// unsplit view; every year with a link to its page (and no entries) on
    /// a split view's page; the one year, with this page's entries, on a
    /// year's page.
    pub years: Vec<TimelineYear>,
    /// The chart and its accessible list, on a view's own page when the view
    /// has agreements; none otherwise (and on a year's page).
    pub chart: Option<Chart<'a>>,
    /// On a year's page, the view's own page (which lists every year); none
    /// elsewhere.
    pub up: Option<ViewLink>,
    /// On a year with more entries than a page holds, where this page is
    /// among the year's pages; none elsewhere.
    pub pagination: Option<Pagination>,
}

impl PageContext for TimelinePage<'_> {
    fn title(&self) -> &str {
        &self.title
    }
}

/// `page.filters`: a link to each view, the current one marked.
#[derive(Serialize)]
pub struct Filters<'a> {
    /// Everything, agreements, reports.
    pub kinds: Vec<Filter<'a>>,
    /// Each party with entries, by name (empty when no party has any).
    pub parties: Vec<Filter<'a>>,
}

/// A link to one view of the timeline.
#[derive(Serialize)]
pub struct Filter<'a> {
    /// "Everything", "Agreements", "Reports" or the party's name.
    pub label: &'a str,
    /// The view's page.
    pub url: String,
    /// Whether it is the view being shown.
    pub current: bool,
    /// How many entries it lists.
    pub count: usize,
}

/// A link to a view's own page (`page.up` of a year's page).
#[derive(Serialize)]
pub struct ViewLink {
    /// The view's title.
    pub title: String,
    /// Its page.
    pub url: String,
}

/// A year of the list (`page.years[]`).
#[derive(Serialize)]
pub struct TimelineYear {
    /// The year.
    pub year: i16,
    /// Its heading's id, `y2017` (the "Jump to" links of an unsplit view).
    pub id: String,
    /// How many entries the view has in that year.
    pub count: usize,
    /// This page's entries of the year, oldest first, each a rendered
    /// [`TimelineEntry`] (empty on a split view's own page).
    pub entries: Vec<tera::Value>,
    /// On a split view's own page, the year's first page; none elsewhere.
    pub url: Option<String>,
}

/// `e` of `partials/timeline_entry.html`: one entry of the list, rendered
/// once and shared by every view that lists it.
#[derive(Serialize)]
pub struct TimelineEntry<'a> {
    /// `report` or `agreement` (the item's class is `tl-<kind>`).
    pub kind: &'static str,
    /// "Report" or "Agreement".
    pub kind_label: &'static str,
    /// Its date, `YYYY-MM-DD`.
    pub date: String,
    /// A note on the date, or none.
    pub date_note: Option<&'a str>,
    /// A report's title, or an agreement's short title.
    pub title: &'a str,
    /// An agreement's full title (the link's tooltip); none for a report.
    pub full_title: Option<&'a str>,
    /// Its page.
    pub url: String,
    /// A report's publisher, or an agreement's form (its label).
    pub detail: &'a str,
    /// Its parties, each a [`PartyRef`].
    ///
    /// [`PartyRef`]: crate::render::context::PartyRef
    pub parties: Vec<tera::Value>,
}

/// `page.chart`: the relations between a view's agreements, drawn as SVG at
/// build time, with the key to its arcs and the same relations as a list.
#[derive(Serialize)]
pub struct Chart<'a> {
    /// The drawing, an inline `<svg>` (see `timeline/svg.rs`).
    pub svg: String,
    /// The relations drawn, in the order of their rows: the accessible list.
    pub relations: Vec<ChartRelation<'a>>,
    /// How many agreements have a row.
    pub rows: usize,
    /// How many rows are agreements of other parties that a relation of the
    /// view's party leads to (drawn faint).
    pub context_rows: usize,
    /// How many reports the reports strip shows (0: no strip).
    pub reports: usize,
    /// How the strips count, when they count rather than mark each entry.
    pub counts: Option<Counts>,
    /// Ranges of empty years drawn narrow, like "2002–2013".
    pub compressed: Vec<String>,
    /// Whether the axis is widened where agreements crowd together.
    pub stretched: bool,
    /// The key to the arcs: each relation type drawn, in `relation_types` order.
    pub legend: Vec<LegendItem<'a>>,
}

/// A relation between two agreements in `page.chart.relations`.
#[derive(Serialize)]
pub struct ChartRelation<'a> {
    /// The agreement that declares it.
    pub from: EntryLink<'a>,
    /// The agreement it points to.
    pub to: EntryLink<'a>,
    /// The relation type's key.
    pub kind: &'a str,
    /// The relation type's label ("Mirrors").
    pub label: &'a str,
    /// The label as it reads mid-sentence ("mirrors"; acronyms kept).
    pub phrase: String,
    /// The editor's note on it, or none.
    pub note: Option<&'a str>,
}

/// A relation type in the key to the arcs.
#[derive(Serialize)]
pub struct LegendItem<'a> {
    /// The relation type's key.
    pub kind: &'a str,
    /// Its label.
    pub label: &'a str,
    /// Its colour class, `tl-k1` … `tl-k8`.
    pub class: String,
    /// Its `stroke-dasharray`, empty for a solid line.
    pub dash: &'static str,
}
