//! The page plan: every output of the site as a [`Route`] (the route table is in
//! [`crate::urls`]), and what each route reads — entries, and archive-wide facts
//! such as a list, a taxonomy term or a count — as [`Dep`]s.
//!
//! After an edit, [`diff`] compares the archive before and after (the edited
//! entries field by field, the archive-wide facts as lists of slugs) and
//! returns the set of `Dep`s that changed; exactly the routes that read one of
//! them are rendered again. Nothing is rendered, hashed or serialised to find
//! out that it did not change.
//!
//! An agreement's coverage list, which its pages split at `per_page`, is made
//! in `plan/coverage.rs` from facts alone, so an edit tells which of its pages
//! it moved.

mod coverage;

pub use coverage::{coverage_list, mentioned as mentioned_group, Covering};

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{json, Value};

use crate::content::Content;
use crate::resolve::{Archive, Key, Kind};
use crate::urls::Route;

/// Something an output reads. Keys and indices are those of the archive the
/// plan was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dep<'a> {
    /// Everything of one entry: body, front matter, notes and resolved links.
    Entry(Key),
    /// What lists and references show of an entry (title, date, summary, …).
    Summary(Key),
    /// The home page's newest reports.
    Latest,
    /// Which reports are on page n of the reports list (and how many there are).
    ArticlesPage(usize),
    /// The agreements in date order.
    AgreementsByDate,
    /// Which agreements are on page n of the agreements table (and how many
    /// pages there are).
    AgreementsPage(usize),
    /// The reports with a tag.
    Tag(&'a str),
    /// The tags and their counts.
    TagsIndex,
    /// The reports of a year.
    Year(i16),
    /// The years and their counts.
    YearsIndex,
    /// Page n of an agreement's coverage list: which reports it shows, under
    /// which group and with which relations, how many reports each group and
    /// the whole list have, and how many pages.
    CoveragePage(usize, usize),
    /// A party's reports and agreements.
    PartyEntries(usize),
    /// How many reports and agreements each party has.
    PartyCounts,
    /// An actor's reports and agreements.
    ActorEntries(usize),
    /// A report's related reports.
    Related(usize),
    /// What links to an entry.
    Backlinks(Key),
    /// Every relation between entries.
    Relations,
    /// The clause families.
    Clauses,
    /// The number of reports, agreements, parties and notes.
    Counts,
    /// Any entry's front matter (but its notes), or the set of entries.
    AnyFrontMatter,
    /// Any note (its words, sources, place or links), or the set of entries.
    AnyNotes,
    /// Anything at all (the search index).
    AnyContent,
}

/// Every route of the archive, in a fixed order (modules first: they take longest).
pub fn plan(a: &Archive, search: bool) -> Vec<Route> {
    let mut routes = vec![
        Route::Timeline,
        Route::Annotations,
        Route::Feeds,
        Route::Data,
        Route::Search,
        Route::Home,
        Route::PartiesIndex,
        Route::TagsIndex,
        Route::YearsIndex,
        Route::NotFound,
        Route::ClausesIndex,
        Route::ActorsIndex,
        Route::Corrections,
    ];
    let c = &a.content;
    routes.extend((0..c.articles.len()).map(Route::Article));
    let rels = coverage::report_relations(a);
    for (i, rels) in rels.iter().enumerate() {
        let total = list_pages(a, coverage_len(a, i, rels));
        routes.extend((1..=total).map(|n| Route::Agreement(i, n)));
    }
    routes.extend((1..=agreements_pages(a)).map(Route::AgreementsIndex));
    for (i, (arts, _)) in a.party_entries.iter().enumerate() {
        routes.extend((1..=list_pages(a, arts.len())).map(|n| Route::Party(i, n)));
    }
    routes.extend((0..c.actors.len()).map(Route::Actor));
    routes.extend((0..c.pages.len()).map(Route::Page));
    routes.extend((1..=articles_pages(a)).map(Route::ArticlesList));
    for (t, reports) in &a.tags {
        routes.extend((1..=list_pages(a, reports.len())).map(|n| Route::Tag(t.clone(), n)));
    }
    for (&y, reports) in &a.years {
        routes.extend((1..=list_pages(a, reports.len())).map(|n| Route::Year(y, n)));
    }
    routes.extend(
        a.clauses
            .iter()
            .filter(|(_, v)| v.len() >= 2)
            .map(|(k, _)| Route::Clause(k.clone())),
    );
    if search {
        routes.push(Route::SearchIndex);
    }
    routes
}

/// How many pages the reports list has.
pub fn articles_pages(a: &Archive) -> usize {
    list_pages(a, a.articles_by_date.len())
}

/// How many pages the agreements table has.
pub fn agreements_pages(a: &Archive) -> usize {
    a.agreements_by_date
        .len()
        .div_ceil(a.config.table_rows.max(1))
        .max(1)
}

/// The agreements (indices, oldest first) on page `n` (1-based) of the
/// table, `table_rows` to a page (`site.yaml`; 100 by default: an archive's
/// few dozen agreements stay on one page, 5,000 make 50 pages of ~45 KB).
pub fn agreements_page(a: &Archive, n: usize) -> &[usize] {
    let (all, rows) = (&a.agreements_by_date, a.config.table_rows.max(1));
    let start = (n.max(1) - 1).saturating_mul(rows).min(all.len());
    &all[start..(start + rows).min(all.len())]
}

/// How many reports agreement `i`'s coverage list has (`rels`: the relations
/// from reports to it).
fn coverage_len(a: &Archive, i: usize, rels: &[(usize, usize)]) -> usize {
    let key = key(Kind::Agreement, i);
    let mut seen: HashSet<usize> = a.coverage[i].iter().copied().collect();
    seen.extend(rels.iter().map(|&(r, _)| r));
    seen.extend(
        a.backlinks
            .get(&key)
            .into_iter()
            .flatten()
            .filter(|k| k.kind == Kind::Article)
            .map(|k| k.idx),
    );
    seen.len()
}

/// Agreement `i`'s coverage list, oldest first in each group by the
/// reports' dates (ties by slug, newest slug first, as `coverage` is
/// ordered): what its pages show.
pub fn agreement_coverage(a: &Archive, i: usize) -> Vec<Covering> {
    let c = &a.content;
    let older = |x: usize, y: usize| {
        let (p, q) = (&c.articles[x], &c.articles[y]);
        p.meta
            .date
            .cmp(&q.meta.date)
            .then_with(|| q.slug.cmp(&p.slug))
    };
    coverage_list(a, i, &coverage::report_relations_to(a, i), &older)
}

/// How many pages a list of `items` reports takes at `per_page` (at least one).
pub fn list_pages(a: &Archive, items: usize) -> usize {
    items.div_ceil(a.config.per_page.max(1)).max(1)
}

/// The items of page `n` (1-based) of a paginated list.
pub fn page_of<'i, T>(a: &Archive, items: &'i [T], n: usize) -> &'i [T] {
    let per = a.config.per_page.max(1);
    let start = (n.max(1) - 1).saturating_mul(per).min(items.len());
    &items[start..(start + per).min(items.len())]
}

/// A stable name for a route across edits (entry routes by slug).
pub fn route_id(a: &Archive, r: &Route) -> String {
    let c = &a.content;
    match r {
        Route::Article(i) => r.rel(&c.articles[*i].slug),
        Route::Agreement(i, _) => r.rel(&c.agreements[*i].slug),
        Route::Party(i, _) => r.rel(&c.parties[*i].slug),
        Route::Actor(i) => r.rel(&c.actors[*i].slug),
        Route::Corrections => "#corrections".into(),
        Route::Page(i) => r.rel(&c.pages[*i].slug),
        Route::Timeline => "#timeline".into(),
        Route::Annotations => "#annotations".into(),
        Route::Feeds => "#feeds".into(),
        Route::Data => "#data".into(),
        Route::SearchIndex => "#search-index".into(),
        _ => r.rel(""),
    }
}

fn key(kind: Kind, idx: usize) -> Key {
    Key { kind, idx }
}

/// What a route reads. Must name everything its context reads (see
/// `context.rs`); the incremental tests compare with clean builds.
pub fn reads<'a>(a: &'a Archive, r: &'a Route) -> Vec<Dep<'a>> {
    use Dep::*;
    let c = &a.content;
    let summaries = |kind: Kind, idx: &mut dyn Iterator<Item = usize>| -> Vec<Dep<'a>> {
        idx.map(|i| Summary(key(kind, i))).collect()
    };
    let backlinks = |k: Key| -> Vec<Dep<'a>> {
        let mut v = vec![Backlinks(k)];
        v.extend(
            a.backlinks
                .get(&k)
                .into_iter()
                .flatten()
                .map(|b| Summary(*b)),
        );
        v
    };
    let relations = |k: Key| -> Vec<Dep<'a>> {
        let mut v = vec![Relations];
        for rel in a.relations_of(k) {
            v.push(Summary(rel.from));
            v.push(Summary(rel.to));
        }
        v
    };
    match r {
        Route::Home => {
            let mut v = vec![Entry(key(Kind::Home, 0)), Latest, AgreementsByDate, Counts];
            let per = a.config.per_page;
            v.extend(summaries(
                Kind::Article,
                &mut a.articles_by_date.iter().take(per).copied(),
            ));
            v.extend(summaries(
                Kind::Agreement,
                &mut a.agreements_by_date.iter().copied(),
            ));
            v
        }
        Route::Article(i) => {
            let k = key(Kind::Article, *i);
            let mut v = vec![Entry(k), Summary(k), Related(*i)];
            v.extend(summaries(
                Kind::Agreement,
                &mut c.articles[*i]
                    .meta
                    .agreements
                    .iter()
                    .filter_map(|s| a.find(Kind::Agreement, s)),
            ));
            v.extend(summaries(Kind::Article, &mut a.related[*i].iter().copied()));
            v.extend(summaries(
                Kind::Actor,
                &mut c.articles[*i]
                    .meta
                    .actors
                    .iter()
                    .filter_map(|s| a.find(Kind::Actor, s)),
            ));
            v.extend(relations(k));
            v.extend(backlinks(k));
            v
        }
        // Every page shows a page of the coverage list; the first one the
        // agreement itself, its relations to other entries and what else
        // links to it.
        Route::Agreement(i, n) => {
            let k = key(Kind::Agreement, *i);
            let mut v = vec![Summary(k), CoveragePage(*i, *n)];
            let list = agreement_coverage(a, *i);
            v.extend(summaries(
                Kind::Article,
                &mut page_of(a, &list, *n).iter().map(|x| x.report),
            ));
            if *n == 1 {
                v.extend([Entry(k), Clauses, Relations, Backlinks(k)]);
                v.extend(summaries(
                    Kind::Actor,
                    &mut c.agreements[*i]
                        .meta
                        .actors
                        .iter()
                        .filter_map(|s| a.find(Kind::Actor, s)),
                ));
                // Reports' relations and links are in the coverage list.
                let not_report = |x: &Key| x.kind != Kind::Article;
                for rel in a.relations_of(k) {
                    v.extend(
                        [rel.from, rel.to]
                            .into_iter()
                            .filter(not_report)
                            .map(Summary),
                    );
                }
                v.extend(
                    a.backlinks
                        .get(&k)
                        .into_iter()
                        .flatten()
                        .filter(|x| not_report(x))
                        .map(|b| Summary(*b)),
                );
            }
            v
        }
        // The first page shows the party and its agreements; every page a
        // page of its reports.
        Route::Party(i, n) => {
            let k = key(Kind::Party, *i);
            let mut v = vec![Summary(k), PartyEntries(*i)];
            let (arts, agrs) = &a.party_entries[*i];
            v.extend(summaries(
                Kind::Article,
                &mut page_of(a, arts, *n).iter().copied(),
            ));
            if *n == 1 {
                v.push(Entry(k));
                v.extend(summaries(Kind::Agreement, &mut agrs.iter().copied()));
                v.extend(backlinks(k));
            }
            v
        }
        Route::Actor(i) => {
            let k = key(Kind::Actor, *i);
            let mut v = vec![Entry(k), Summary(k), ActorEntries(*i)];
            let (arts, agrs) = &a.actor_entries[*i];
            v.extend(summaries(Kind::Article, &mut arts.iter().copied()));
            v.extend(summaries(Kind::Agreement, &mut agrs.iter().copied()));
            for at in &c.actors[*i].meta.attribution {
                v.extend(
                    a.find(Kind::Party, &at.party)
                        .map(|p| Summary(key(Kind::Party, p))),
                );
            }
            v.extend(backlinks(k));
            v
        }
        Route::ActorsIndex => {
            let mut v = summaries(Kind::Actor, &mut (0..c.actors.len()));
            v.extend((0..c.actors.len()).map(ActorEntries));
            for e in &c.actors {
                for at in &e.meta.attribution {
                    v.extend(
                        a.find(Kind::Party, &at.party)
                            .map(|p| Summary(key(Kind::Party, p))),
                    );
                }
            }
            v
        }
        Route::Corrections => vec![AnyFrontMatter, AnyNotes],
        Route::Page(i) => vec![Entry(key(Kind::Page, *i))],
        Route::ArticlesList(n) => {
            let per = a.config.per_page.max(1);
            let mut v = vec![ArticlesPage(*n)];
            v.extend(summaries(
                Kind::Article,
                &mut a
                    .articles_by_date
                    .iter()
                    .skip((n - 1) * per)
                    .take(per)
                    .copied(),
            ));
            v
        }
        Route::AgreementsIndex(n) => {
            let mut v = vec![AgreementsPage(*n)];
            v.extend(summaries(
                Kind::Agreement,
                &mut agreements_page(a, *n).iter().copied(),
            ));
            v
        }
        Route::PartiesIndex => {
            let mut v = summaries(Kind::Party, &mut (0..c.parties.len()));
            v.push(PartyCounts);
            v
        }
        Route::TagsIndex => vec![TagsIndex],
        Route::Tag(t, n) => {
            let mut v = vec![Tag(t)];
            v.extend(summaries(
                Kind::Article,
                &mut page_of(a, &a.tags[t], *n).iter().copied(),
            ));
            v
        }
        Route::YearsIndex => vec![YearsIndex],
        Route::Year(y, n) => {
            let mut v = vec![Year(*y)];
            v.extend(summaries(
                Kind::Article,
                &mut page_of(a, &a.years[y], *n).iter().copied(),
            ));
            v
        }
        Route::Clause(id) => {
            let mut v = vec![Clauses, Relations];
            for &(g, _) in &a.clauses[id] {
                v.push(Entry(key(Kind::Agreement, g)));
                v.push(Summary(key(Kind::Agreement, g)));
            }
            v
        }
        // The index sums up every comparison (what each wording changes), so it
        // reads what the comparison pages read.
        Route::ClausesIndex => {
            let mut v = vec![Clauses, Relations];
            for family in a.clauses.values().filter(|f| f.len() >= 2) {
                for &(g, _) in family {
                    v.push(Entry(key(Kind::Agreement, g)));
                    v.push(Summary(key(Kind::Agreement, g)));
                }
            }
            v
        }
        Route::NotFound => vec![],
        Route::Timeline | Route::Search => vec![AnyFrontMatter],
        // The sitemap lists every page of every agreement's coverage, dated
        // by its reports.
        Route::Feeds => {
            let mut v = vec![AnyFrontMatter];
            for (i, rels) in coverage::report_relations(a).iter().enumerate() {
                let total = list_pages(a, coverage_len(a, i, rels));
                v.extend((1..=total).map(|n| CoveragePage(i, n)));
            }
            v
        }
        Route::Annotations | Route::Data => vec![AnyFrontMatter, AnyNotes],
        Route::SearchIndex => vec![AnyContent],
    }
}

/// What lists and references show of an entry, to tell a summary change from
/// a change that only its own page shows.
fn summary_of(c: &Content, k: Key) -> Value {
    match k.kind {
        Kind::Article => {
            let m = &c.articles[k.idx].meta;
            json!([
                m.title,
                m.date.iso(),
                m.date_note,
                m.source.publisher,
                m.summary,
                c.articles[k.idx].body.notes.len(),
                m.tags,
                m.parties
            ])
        }
        Kind::Agreement => {
            let m = &c.agreements[k.idx].meta;
            json!([
                m.title,
                m.short_title,
                m.date.iso(),
                m.date_note,
                m.summary,
                m.parties,
                m.form,
                m.status
            ])
        }
        Kind::Party => {
            let m = &c.parties[k.idx].meta;
            json!([m.title, m.kind, m.summary])
        }
        Kind::Actor => {
            let m = &c.actors[k.idx].meta;
            json!([m.title, m.aliases, m.summary, m.attribution])
        }
        Kind::Page => json!([c.pages[k.idx].meta.title]),
        Kind::Home => json!(c.home.as_ref().map(|h| &h.meta.title)),
    }
}

/// An entry's front matter but its notes.
fn front_of(c: &Content, k: Key) -> Value {
    match k.kind {
        Kind::Article => {
            let mut v = json!(c.articles[k.idx].meta);
            if let Some(m) = v.as_object_mut() {
                m.remove("annotations");
            }
            v
        }
        Kind::Agreement => json!(c.agreements[k.idx].meta),
        Kind::Party => json!(c.parties[k.idx].meta),
        Kind::Actor => json!(c.actors[k.idx].meta),
        Kind::Page => json!(c.pages[k.idx].meta),
        Kind::Home => json!(c.home.as_ref().map(|h| &h.meta)),
    }
}

/// An entry's notes: as declared, and as anchored in the body.
fn notes_of(c: &Content, k: Key) -> Value {
    if k.kind != Kind::Article {
        return Value::Null;
    }
    let e = &c.articles[k.idx];
    let anchored: Vec<Value> = e
        .body
        .notes
        .iter()
        .map(|n| {
            json!([
                n.number,
                n.index,
                n.exact,
                n.prefix,
                n.suffix,
                n.start,
                n.end,
                n.note_html
            ])
        })
        .collect();
    json!([e.meta.annotations, anchored])
}

fn body_of(c: &Content, k: Key) -> Option<&str> {
    c.entry(k).map(|e| e.body.html.as_str())
}

/// The entry a content file (relative to the root) holds, if any.
pub fn entry_of(c: &Content, file: &std::path::Path) -> Option<Key> {
    c.keys()
        .find(|&k| c.entry(k).is_some_and(|e| e.file.path == file))
}

/// An edited entry as it was before the edit.
#[derive(Debug, Clone)]
pub struct Before {
    /// The file.
    pub file: std::path::PathBuf,
    /// Its summary, front matter, notes and body, if it existed.
    pub entry: Option<(Value, Value, Value, String)>,
    /// Its rendered body, if it existed (to tell whether its links moved).
    pub body: Option<crate::markdown::RenderedBody>,
    /// Its front matter as written, if it existed.
    pub front_text: Option<String>,
}

/// The front matter of a content file as written (up to the closing `---`).
fn front_text(text: &str) -> &str {
    let end = text
        .get(3..)
        .and_then(|t| t.find("\n---"))
        .map_or(text.len(), |i| i + 7);
    &text[..end.min(text.len())]
}

/// Records an entry before an edit replaces it.
pub fn before(c: &Content, file: &std::path::Path) -> Before {
    let key = entry_of(c, file);
    Before {
        file: file.to_path_buf(),
        entry: key.map(|k| {
            (
                summary_of(c, k),
                front_of(c, k),
                notes_of(c, k),
                body_of(c, k).unwrap_or("").to_string(),
            )
        }),
        body: key.and_then(|k| c.entry(k)).map(|e| e.body.clone()),
        front_text: key
            .and_then(|k| c.entry(k))
            .map(|e| front_text(&e.file.text).to_string()),
    }
}

/// An edit that changes no archive-wide fact (see [`light_edit`]).
#[derive(Debug, Clone, Copy)]
pub struct Light {
    /// The entry.
    pub key: Key,
    /// Its title or short title changed (links to it show them).
    pub retitled: bool,
    /// Its front matter is the same, as written: every diagnostic about it
    /// stands where it stood.
    pub same_front_text: bool,
}

/// Front-matter fields that only pages and lists show: no archive-wide fact
/// (an order, a taxonomy, a reference) reads them, except link texts and the
/// order of backlinks among entries of one date, which read the title.
const SHOWN_ONLY: [&str; 4] = ["title", "short_title", "summary", "date_note"];

/// The entry an edit changed without changing a fact of the archive: a
/// report, agreement or page that existed before and exists now under the
/// same file, with the same notes and the same front matter but for
/// [`SHOWN_ONLY`] fields. Whether its links moved is for
/// [`crate::resolve::Archive::relink`] to tell.
pub fn light_edit(c: &Content, b: &Before) -> Option<Light> {
    let (_, front, notes, _) = b.entry.as_ref()?;
    let k = entry_of(c, &b.file)?;
    if !matches!(k.kind, Kind::Article | Kind::Agreement | Kind::Page) {
        return None;
    }
    // The notes as declared are front matter too (not where they anchor).
    let declared = |n: &Value| n.get(0).cloned();
    if declared(notes) != declared(&notes_of(c, k)) {
        return None;
    }
    let now = front_of(c, k);
    let facts = |v: &Value| -> Value {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            for f in SHOWN_ONLY {
                m.remove(f);
            }
        }
        v
    };
    if facts(front) != facts(&now) {
        return None;
    }
    let field = |v: &Value, f: &str| v.get(f).cloned();
    let retitled = ["title", "short_title"]
        .iter()
        .any(|f| field(front, f) != field(&now, f));
    let same_front_text = b.front_text.as_deref() == c.entry(k).map(|e| front_text(&e.file.text));
    Some(Light {
        key: k,
        retitled,
        same_front_text,
    })
}

/// The slugs of each collection, to compare facts across an edit.
#[derive(Debug, Clone, Default)]
pub struct Slugs {
    articles: Vec<String>,
    agreements: Vec<String>,
    parties: Vec<String>,
    actors: Vec<String>,
    pages: Vec<String>,
}

impl Slugs {
    /// The slugs of `c`.
    pub fn of(c: &Content) -> Slugs {
        Slugs {
            articles: c.articles.iter().map(|e| e.slug.clone()).collect(),
            agreements: c.agreements.iter().map(|e| e.slug.clone()).collect(),
            parties: c.parties.iter().map(|e| e.slug.clone()).collect(),
            actors: c.actors.iter().map(|e| e.slug.clone()).collect(),
            pages: c.pages.iter().map(|e| e.slug.clone()).collect(),
        }
    }

    fn get(&self, k: Key) -> &str {
        match k.kind {
            Kind::Article => &self.articles[k.idx],
            Kind::Agreement => &self.agreements[k.idx],
            Kind::Party => &self.parties[k.idx],
            Kind::Actor => &self.actors[k.idx],
            Kind::Page => &self.pages[k.idx],
            Kind::Home => "",
        }
    }

    fn list(&self, kind: Kind) -> &[String] {
        match kind {
            Kind::Article => &self.articles,
            Kind::Agreement => &self.agreements,
            Kind::Party => &self.parties,
            Kind::Actor => &self.actors,
            Kind::Page => &self.pages,
            Kind::Home => &[],
        }
    }
}

/// The archive-wide facts of an archive whose content has been taken away.
pub type Facts = Archive;

/// The `Dep`s (in the new archive's terms) an edit changed: the edited
/// entries compared field by field, and every archive-wide fact compared as
/// slugs before and after.
pub fn diff<'a>(
    old: &Facts,
    old_slugs: &Slugs,
    new: &'a Archive,
    edits: &[Before],
) -> HashSet<Dep<'a>> {
    let mut d = diff_entries(new, edits);
    let new_slugs = Slugs::of(&new.content);
    diff_facts(&mut d, old, old_slugs, &new_slugs, new, edits);
    d
}

/// The `Dep`s of the edited entries themselves, compared field by field: all
/// an edit changed when it changed no archive-wide fact (see [`light_edit`]).
pub fn diff_entries<'a>(new: &'a Archive, edits: &[Before]) -> HashSet<Dep<'a>> {
    use Dep::*;
    let mut d: HashSet<Dep<'a>> = HashSet::new();
    let c = &new.content;
    for b in edits {
        let now = entry_of(c, &b.file);
        match (&b.entry, now) {
            (Some((summary, front, notes, body)), Some(k)) => {
                let front_changed = *front != front_of(c, k);
                let notes_changed = *notes != notes_of(c, k);
                let body_changed = body_of(c, k).unwrap_or("") != body;
                if front_changed || notes_changed || body_changed {
                    d.insert(Entry(k));
                    d.insert(AnyContent);
                }
                if front_changed {
                    d.insert(AnyFrontMatter);
                }
                if notes_changed {
                    d.insert(AnyNotes);
                }
                if *summary != summary_of(c, k) {
                    d.insert(Summary(k));
                }
            }
            (None, None) => {}
            (_, now) => {
                if let Some(k) = now {
                    d.insert(Entry(k));
                    d.insert(Summary(k));
                }
                d.insert(AnyFrontMatter);
                d.insert(AnyNotes);
                d.insert(AnyContent);
            }
        }
    }
    d
}

/// Adds to `d` the archive-wide facts an edit changed, compared as slugs
/// before and after.
fn diff_facts<'a>(
    d: &mut HashSet<Dep<'a>>,
    old: &Facts,
    old_slugs: &Slugs,
    new_slugs: &Slugs,
    new: &'a Archive,
    edits: &[Before],
) {
    use Dep::*;
    let c = &new.content;
    // Slug lists of the facts, old and new.
    let same = |kind: Kind, o: &[usize], n: &[usize]| -> bool {
        let (os, ns) = (old_slugs.list(kind), new_slugs.list(kind));
        o.len() == n.len() && o.iter().zip(n).all(|(x, y)| os[*x] == ns[*y])
    };
    let old_index = |kind: Kind, i: usize| -> Option<usize> {
        let slug = new_slugs.list(kind).get(i)?;
        old_slugs
            .list(kind)
            .binary_search_by(|s| s.as_str().cmp(slug))
            .ok()
    };
    let old_key = |k: Key| -> Option<Key> {
        if k.kind == Kind::Home {
            return Some(k);
        }
        old_index(k.kind, k.idx).map(|idx| key(k.kind, idx))
    };
    // Reports list pages and the home page's newest.
    let per = new.config.per_page.max(1);
    let total_changed = old.articles_by_date.len() != new.articles_by_date.len();
    for n in 1..=articles_pages(new) {
        let slice = |v: &[usize]| -> Vec<usize> {
            v.iter().skip((n - 1) * per).take(per).copied().collect()
        };
        if total_changed
            || !same(
                Kind::Article,
                &slice(&old.articles_by_date),
                &slice(&new.articles_by_date),
            )
        {
            d.insert(ArticlesPage(n));
        }
    }
    let latest =
        |v: &[usize]| -> Vec<usize> { v.iter().take(new.config.per_page).copied().collect() };
    if !same(
        Kind::Article,
        &latest(&old.articles_by_date),
        &latest(&new.articles_by_date),
    ) {
        d.insert(Latest);
    }
    if !same(
        Kind::Agreement,
        &old.agreements_by_date,
        &new.agreements_by_date,
    ) {
        d.insert(AgreementsByDate);
        // The pages of the agreements table whose agreements moved.
        let agreements_total_changed = old.agreements_by_date.len() != new.agreements_by_date.len();
        for n in 1..=agreements_pages(new) {
            if agreements_total_changed
                || !same(
                    Kind::Agreement,
                    page_of(old, &old.agreements_by_date, n),
                    page_of(new, &new.agreements_by_date, n),
                )
            {
                d.insert(AgreementsPage(n));
            }
        }
    }
    // Taxonomies.
    let counts = |m: &BTreeMap<String, Vec<usize>>| -> Vec<(String, usize)> {
        m.iter().map(|(k, v)| (k.clone(), v.len())).collect()
    };
    if counts(&old.tags) != counts(&new.tags) {
        d.insert(TagsIndex);
    }
    for (t, v) in &new.tags {
        if !old.tags.get(t).is_some_and(|o| same(Kind::Article, o, v)) {
            d.insert(Tag(t));
        }
    }
    let ycounts = |m: &BTreeMap<i16, Vec<usize>>| -> Vec<(i16, usize)> {
        m.iter().map(|(k, v)| (*k, v.len())).collect()
    };
    if ycounts(&old.years) != ycounts(&new.years) {
        d.insert(YearsIndex);
    }
    for (y, v) in &new.years {
        if !old.years.get(y).is_some_and(|o| same(Kind::Article, o, v)) {
            d.insert(Year(*y));
        }
    }
    // Per-entry facts.
    for (g, v) in new.coverage.iter().enumerate() {
        let before = old_index(Kind::Agreement, g).map(|o| &old.coverage[o]);
        if before.map(Vec::len) != Some(v.len()) {
            // The agreement's summary shows how many reports cover it.
            d.insert(Summary(key(Kind::Agreement, g)));
        }
    }
    // The pages of each agreement's coverage list that changed.
    let (old_rels, new_rels) = (
        coverage::report_relations(old),
        coverage::report_relations(new),
    );
    let (old_rank, new_rank) = (coverage::ranks(old), coverage::ranks(new));
    for (g, rels) in new_rels.iter().enumerate() {
        let now = coverage_fact(new, new_slugs, g, rels, &new_rank);
        let before = old_index(Kind::Agreement, g)
            .map(|o| coverage_fact(old, old_slugs, o, &old_rels[o], &old_rank));
        let pages = list_pages(new, now.0.len());
        match before {
            Some(b) if b.1 == now.1 => {
                for n in 1..=pages {
                    if page_of(old, &b.0, n) != page_of(new, &now.0, n) {
                        d.insert(CoveragePage(g, n));
                    }
                }
            }
            // Another number of reports, in the list or in a group: every
            // page says how many.
            _ => d.extend((1..=pages).map(|n| CoveragePage(g, n))),
        }
    }
    for (p, (arts, agrs)) in new.party_entries.iter().enumerate() {
        let before = old_index(Kind::Party, p).map(|o| &old.party_entries[o]);
        if !before.is_some_and(|(oa, og)| {
            same(Kind::Article, oa, arts) && same(Kind::Agreement, og, agrs)
        }) {
            d.insert(PartyEntries(p));
            if before.map(|(a, g)| (a.len(), g.len())) != Some((arts.len(), agrs.len())) {
                d.insert(PartyCounts);
            }
        }
    }
    for (x, (arts, agrs)) in new.actor_entries.iter().enumerate() {
        let before = old_index(Kind::Actor, x).map(|o| &old.actor_entries[o]);
        if !before.is_some_and(|(oa, og)| {
            same(Kind::Article, oa, arts) && same(Kind::Agreement, og, agrs)
        }) {
            d.insert(ActorEntries(x));
        }
    }
    for (i, v) in new.related.iter().enumerate() {
        if !old_index(Kind::Article, i).is_some_and(|o| same(Kind::Article, &old.related[o], v)) {
            d.insert(Related(i));
        }
    }
    let empty = vec![];
    for (k, v) in &new.backlinks {
        let before = old_key(*k)
            .and_then(|o| old.backlinks.get(&o))
            .unwrap_or(&empty);
        let key_slugs = |s: &Slugs, v: &[Key]| -> Vec<(Kind, String)> {
            v.iter().map(|k| (k.kind, s.get(*k).to_string())).collect()
        };
        if key_slugs(old_slugs, before) != key_slugs(new_slugs, v) {
            d.insert(Backlinks(*k));
        }
    }
    for (k, v) in &old.backlinks {
        if !v.is_empty() {
            let slug = old_slugs.get(*k);
            let now = if k.kind == Kind::Home {
                Some(*k)
            } else {
                new_slugs
                    .list(k.kind)
                    .binary_search_by(|s| s.as_str().cmp(slug))
                    .ok()
                    .map(|i| key(k.kind, i))
            };
            if let Some(n) = now {
                if !new.backlinks.contains_key(&n) {
                    d.insert(Backlinks(n));
                }
            }
        }
    }
    // Resolved links: a link's text is its target's title.
    let mut links_changed = false;
    let no_links = vec![];
    for (k, v) in &new.links {
        let before = old_key(*k)
            .and_then(|o| old.links.get(&o))
            .unwrap_or(&no_links);
        if before != v {
            d.insert(Entry(*k));
            links_changed = true;
        }
    }
    if links_changed {
        d.insert(AnyNotes);
        d.insert(AnyContent);
    }
    // Relations and clause families.
    let rel =
        |s: &Slugs, a: &Archive| -> Vec<(Kind, String, Kind, String, String, Option<String>)> {
            a.relations
                .iter()
                .map(|r| {
                    (
                        r.from.kind,
                        s.get(r.from).to_string(),
                        r.to.kind,
                        s.get(r.to).to_string(),
                        r.kind.clone(),
                        r.note.clone(),
                    )
                })
                .collect()
        };
    if rel(old_slugs, old) != rel(new_slugs, new) {
        d.insert(Relations);
    }
    let clauses = |s: &Slugs, a: &Archive| -> Vec<(String, Vec<(String, usize)>)> {
        a.clauses
            .iter()
            .map(|(id, v)| {
                (
                    id.clone(),
                    v.iter()
                        .map(|&(g, i)| (s.agreements[g].clone(), i))
                        .collect(),
                )
            })
            .collect()
    };
    if clauses(old_slugs, old) != clauses(new_slugs, new) {
        d.insert(Clauses);
    }
    let count = |a: &Archive, notes: usize| {
        (
            a.articles_by_date.len(),
            a.agreements_by_date.len(),
            a.party_entries.len(),
            notes,
        )
    };
    let new_notes: usize = c.articles.iter().map(|e| e.body.notes.len()).sum();
    if count(old, old_notes(old, edits, new)) != count(new, new_notes) {
        d.insert(Counts);
    }
    // A party's name shows in every summary that lists the party.
    let changed_parties: Vec<usize> = d
        .iter()
        .filter_map(|x| match x {
            Summary(k) if k.kind == Kind::Party => Some(k.idx),
            _ => None,
        })
        .collect();
    for p in changed_parties {
        let (arts, agrs) = &new.party_entries[p];
        d.extend(arts.iter().map(|&i| Summary(key(Kind::Article, i))));
        d.extend(agrs.iter().map(|&i| Summary(key(Kind::Agreement, i))));
    }
}

/// One report of a coverage list as its page shows it, besides its summary:
/// its slug, its group and its relations to the agreement (type and note).
type CoverageItemFact<'s> = (&'s str, usize, Vec<(&'s str, Option<&'s str>)>);

/// What the pages of agreement `g`'s coverage list show besides the
/// reports' summaries, comparable across an edit: each report in order, and
/// how many reports each group has.
fn coverage_fact<'s>(
    a: &'s Archive,
    slugs: &'s Slugs,
    g: usize,
    rels: &[(usize, usize)],
    rank: &[usize],
) -> (Vec<CoverageItemFact<'s>>, Vec<usize>) {
    let list = coverage_list(a, g, rels, &coverage::by_rank(rank));
    let mut groups = vec![0; coverage::mentioned(a) + 1];
    let items = list
        .iter()
        .map(|x| {
            groups[x.group] += 1;
            let rels = x
                .relations
                .iter()
                .map(|&ri| {
                    let r = &a.relations[ri];
                    (r.kind.as_str(), r.note.as_deref())
                })
                .collect();
            (slugs.articles[x.report].as_str(), x.group, rels)
        })
        .collect();
    (items, groups)
}

/// The archive's note count before the edits (the facts keep no content).
fn old_notes(_old: &Facts, edits: &[Before], new: &Archive) -> usize {
    let mut n: i64 = new
        .content
        .articles
        .iter()
        .map(|e| e.body.notes.len() as i64)
        .sum();
    for b in edits {
        let before = b
            .entry
            .as_ref()
            .and_then(|(s, _, _, _)| s.get(5).and_then(Value::as_u64))
            .unwrap_or(0) as i64;
        let now = match entry_of(&new.content, &b.file) {
            Some(k) if k.kind == Kind::Article => {
                new.content.articles[k.idx].body.notes.len() as i64
            }
            _ => 0,
        };
        n += before - now;
    }
    n.max(0) as usize
}

/// The routes of `routes` that read something in `changed`.
pub fn affected<'a>(a: &'a Archive, routes: &'a [Route], changed: &HashSet<Dep<'a>>) -> Vec<bool> {
    use rayon::prelude::*;
    routes
        .par_iter()
        .map(|r| reads(a, r).iter().any(|d| changed.contains(d)))
        .collect()
}

/// Which routes read each [`Dep`], found by the dep's hash (a collision can
/// only make a route render once more, never skip one). What a route reads
/// changes only with the archive's facts, so the live server builds this once
/// after a whole resolve and answers every edit that changes no fact (see
/// [`light_edit`]) without asking each of the archive's routes what it reads.
#[derive(Debug, Default)]
pub struct Readers {
    by_dep: HashMap<u64, Vec<u32>>,
    routes: usize,
}

fn dep_hash(d: &Dep<'_>) -> u64 {
    use std::hash::{Hash, Hasher};
    // Fixed keys: the same dep hashes alike in every call.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    d.hash(&mut h);
    h.finish()
}

impl Readers {
    /// The readers of every dep of `routes`.
    pub fn of(a: &Archive, routes: &[Route]) -> Readers {
        use rayon::prelude::*;
        let pairs: Vec<Vec<u64>> = routes
            .par_iter()
            .map(|r| reads(a, r).iter().map(dep_hash).collect())
            .collect();
        let mut by_dep: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, deps) in pairs.into_iter().enumerate() {
            for h in deps {
                let v = by_dep.entry(h).or_default();
                if v.last() != Some(&(i as u32)) {
                    v.push(i as u32);
                }
            }
        }
        Readers {
            by_dep,
            routes: routes.len(),
        }
    }

    /// How many routes it was built for.
    pub fn len(&self) -> usize {
        self.routes
    }

    /// Whether it was built for no route.
    pub fn is_empty(&self) -> bool {
        self.routes == 0
    }

    /// The routes that read something in `changed`, as [`affected`] finds them.
    pub fn affected(&self, changed: &HashSet<Dep<'_>>) -> Vec<bool> {
        let mut dirty = vec![false; self.routes];
        for d in changed {
            for &i in self.by_dep.get(&dep_hash(d)).into_iter().flatten() {
                dirty[i as usize] = true;
            }
        }
        dirty
    }
}

/// Which routes use each template, to re-render only those when it changes.
pub fn by_template(routes: &[Route]) -> HashMap<&'static str, Vec<usize>> {
    let mut m: HashMap<&'static str, Vec<usize>> = HashMap::new();
    for (i, r) in routes.iter().enumerate() {
        if let Some(t) = r.template() {
            m.entry(t).or_default().push(i);
        }
    }
    m
}
