//! The contexts of the pages of single entries: a report, an agreement, a
//! party, a threat actor, a free-standing page, and the 404 page.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::lists::{ActorLink, AgreementItem, ArticleItem, EntryLink, Pagination, Term};
use super::{text_fragment_url, Ctx, History, PageContext};
use crate::content::model::{Source, SourceRef};
use crate::render::cite::{Citation, CiteContext};
use crate::render::{fill_links, plan};
use crate::resolve::{Key, Kind};
use crate::urls::paths;

/// `page` of `article.html`: a report, its notes and everything it links to.
/// Has every field of [`ArticleItem`] too.
#[derive(Serialize)]
pub struct ArticlePage<'a> {
    /// What lists show of it (title, url, date, publisher, summary, tags, parties, …).
    #[serde(flatten)]
    pub item: ArticleItem<'a>,
    /// The body, links filled in.
    pub body: String,
    /// Its editor's notes, in the order of their marks.
    pub notes: Vec<Note<'a>>,
    /// The original (`source:` front matter: publisher, url, author, title, archived).
    pub source: &'a Source,
    /// The agreements it covers, as [`AgreementItem`]s.
    pub agreements: Vec<tera::Value>,
    /// Its declared relations, each `{label, target, note}`.
    pub relations: Vec<Relation<'a>>,
    /// The threat actors it lists.
    pub actors: Vec<ActorLink<'a>>,
    /// Its corrections and updates, oldest first.
    pub corrected: Vec<Corrected<'a>>,
    /// Related reports, as [`ArticleItem`]s.
    pub related: Vec<tera::Value>,
    /// What links to it.
    pub backlinks: Vec<EntryLink<'a>>,
    /// Words in the body.
    pub word_count: usize,
    /// Whether the body has footnotes.
    pub has_footnotes: bool,
    /// "Edit this page", when the repository is known.
    pub edit_url: Option<String>,
    /// Its git history, or none.
    pub history: Option<History<'a>>,
    /// "Cite this page".
    pub cite: Option<CiteContext>,
    /// The citation `cite` shows (for the citation files).
    #[serde(skip)]
    pub citation: Option<Citation>,
}

/// One editor's note on a report page.
#[derive(Serialize)]
pub struct Note<'a> {
    /// Its number (`#note-N`, `#mark-N`).
    pub number: usize,
    /// Its kind, from `site.yaml` `annotation_kinds`.
    pub kind: Term<'a>,
    /// The note, links filled in.
    pub html: String,
    /// The words it marks.
    pub exact: &'a str,
    /// Those words in curly quotes.
    pub quoted: String,
    /// Its sources, each `{url, archived?}`.
    pub sources: &'a [SourceRef],
    /// How sure it is, or none.
    pub confidence: Option<&'a str>,
    /// Its date (`YYYY-MM-DD`), or none.
    pub date: Option<String>,
    /// The marked words in the original (a text fragment link), when the
    /// note cites the original.
    pub original_passage_url: Option<String>,
}

/// A declared relation on a report page.
#[derive(Serialize)]
pub struct Relation<'a> {
    /// The relation type's label.
    pub label: &'a str,
    /// The entry it points to.
    pub target: EntryLink<'a>,
    /// The editor's note on it, or none.
    pub note: Option<&'a str>,
}

/// A correction or update of a report (`page.corrected[]`).
#[derive(Serialize)]
pub struct Corrected<'a> {
    /// When, `YYYY-MM-DD`.
    pub date: String,
    /// `correction` or `update`.
    pub kind: &'a str,
    /// The note's number.
    pub number: usize,
    /// `#note-N`.
    pub url: String,
}

/// `page` of `agreement.html`: page `n` of an agreement. The first shows
/// the agreement (its facts, text, relations, clauses, what links to it) and
/// the first `per_page` reports of its coverage list; the next ones only
/// their share of the coverage. Has every field of [`AgreementItem`] too.
#[derive(Serialize)]
pub struct AgreementPage<'a> {
    /// What lists show of it (title, short title, url, date, parties, form,
    /// status, …); past the first page the title says which page it is.
    #[serde(flatten)]
    pub item: AgreementItem<'a>,
    /// The body, links filled in.
    pub body: String,
    /// Where its text is.
    pub text_url: &'a str,
    /// A snapshot of the text in a web archive, or none.
    pub text_archived: Option<&'a str>,
    /// Relations to other entries: outgoing groups by label, then incoming by
    /// inverse label, each `{label, items: [{target, note}]}`, oldest first.
    pub relations: Vec<RelationGroup<'a>>,
    /// This page's share of the reports about it (`per_page` of them), each
    /// once, grouped by its first relation to it.
    pub coverage: Vec<CoverageGroup<'a>>,
    /// How many reports the whole coverage list has, over all pages.
    pub coverage_total: usize,
    /// The place of this page's first report in the whole list (from 1).
    pub coverage_first: usize,
    /// The place of this page's last report in the whole list.
    pub coverage_last: usize,
    /// Where this page is among the agreement's pages.
    pub pagination: Pagination,
    /// Its clauses.
    pub clauses: Vec<Clause<'a>>,
    /// The threat actors it lists.
    pub actors: Vec<ActorLink<'a>>,
    /// What else links to it (not reports, not related entries).
    pub backlinks: Vec<EntryLink<'a>>,
    /// Its coverage feed.
    pub feed_url: String,
    /// "Edit this page", when the repository is known.
    pub edit_url: Option<String>,
    /// Its git history, or none.
    pub history: Option<History<'a>>,
    /// "Cite this page".
    pub cite: Option<CiteContext>,
    /// The citation `cite` shows (for the citation files).
    #[serde(skip)]
    pub citation: Option<Citation>,
}

/// Relations of one label on an agreement page.
#[derive(Serialize)]
pub struct RelationGroup<'a> {
    /// The label.
    pub label: &'a str,
    /// The related entries, oldest first.
    pub items: Vec<RelationTarget<'a>>,
}

/// One related entry in a [`RelationGroup`].
#[derive(Serialize)]
pub struct RelationTarget<'a> {
    /// The entry.
    pub target: EntryLink<'a>,
    /// The editor's note on the relation, or none.
    pub note: Option<&'a str>,
}

/// A group of an agreement's coverage list, as far as a page shows it.
#[derive(Serialize)]
pub struct CoverageGroup<'a> {
    /// The relation's label, "Other coverage" or "Also mentioned in".
    pub label: &'a str,
    /// How many reports the group has, over all pages.
    pub count: usize,
    /// Whether the group began on an earlier page.
    pub continued: bool,
    /// This page's reports of the group, oldest first.
    pub items: Vec<CoverageItem<'a>>,
}

/// A report in an agreement's coverage list: every field of [`ArticleItem`],
/// plus its relations to the agreement.
#[derive(Serialize)]
pub struct CoverageItem<'a> {
    /// The report's summary.
    #[serde(flatten)]
    pub item: ArticleItem<'a>,
    /// Its relations to the agreement, each `{label, note}`.
    pub relations: Vec<CoverageRelation<'a>>,
    /// Whether it only links to the agreement.
    pub mention_only: bool,
}

/// A report's relation to the agreement whose coverage lists it.
#[derive(Serialize)]
pub struct CoverageRelation<'a> {
    /// The label seen from the agreement.
    pub label: &'a str,
    /// The editor's note, or none.
    pub note: Option<&'a str>,
}

/// A clause of an agreement.
#[derive(Serialize)]
pub struct Clause<'a> {
    /// Its id (shared by the wordings of one commitment).
    pub id: &'a str,
    /// Its wording.
    pub text: &'a str,
    /// Its comparison page, when two or more agreements have it.
    pub url: Option<String>,
    /// How many agreements have it.
    pub family: usize,
}

/// `page` of `party.html`: page `n` of a party. The first shows the party,
/// its agreements, the first `per_page` of its reports and what links to it;
/// the next ones only its further reports.
#[derive(Serialize)]
pub struct PartyPage<'a> {
    /// Its name, or "Name, reports page n of m" past the first page.
    pub title: Cow<'a, str>,
    /// Its name.
    pub party_title: &'a str,
    /// Its (first) page.
    pub url: String,
    /// Its code (slug).
    pub code: &'a str,
    /// State, organisation, company, …
    pub kind: &'a str,
    /// One-sentence summary (past the first page, what the page lists).
    pub summary: Cow<'a, str>,
    /// The body, links filled in (empty past the first page).
    pub body: String,
    /// This page's reports listing it (`per_page` of them, newest first), as
    /// [`ArticleItem`]s.
    pub articles: Vec<tera::Value>,
    /// How many reports list it.
    pub article_count: usize,
    /// Where this page is among the others.
    pub pagination: Pagination,
    /// Agreements listing it, as [`AgreementItem`]s (first page only).
    pub agreements: Vec<tera::Value>,
    /// What links to it.
    pub backlinks: Vec<EntryLink<'a>>,
    /// "Edit this page", when the repository is known.
    pub edit_url: Option<String>,
    /// Its git history, or none.
    pub history: Option<History<'a>>,
}

/// `page` of `actor.html`: a threat actor.
#[derive(Serialize)]
pub struct ActorPage<'a> {
    /// Its name.
    pub title: &'a str,
    /// Its slug.
    pub slug: &'a str,
    /// One-sentence summary.
    pub summary: &'a str,
    /// Its other names, each with its row in the alias table.
    pub aliases: Vec<Alias<'a>>,
    /// Who attributed it to whom, with sources.
    pub attribution: Vec<Attribution<'a>>,
    /// The body, links filled in.
    pub body: String,
    /// Reports listing it, newest first, as [`ArticleItem`]s.
    pub articles: Vec<tera::Value>,
    /// Agreements listing it, as [`AgreementItem`]s.
    pub agreements: Vec<tera::Value>,
    /// What links to it.
    pub backlinks: Vec<EntryLink<'a>>,
    /// The alias table.
    pub index_url: String,
    /// "Edit this page", when the repository is known.
    pub edit_url: Option<String>,
    /// Its git history, or none.
    pub history: Option<History<'a>>,
    /// "Cite this page".
    pub cite: Option<CiteContext>,
    /// The citation `cite` shows (for the citation files).
    #[serde(skip)]
    pub citation: Option<Citation>,
}

/// An alias of an actor.
#[derive(Serialize)]
pub struct Alias<'a> {
    /// The name.
    pub name: &'a str,
    /// Its row's anchor in the alias table.
    pub anchor: String,
    /// Its row in the alias table.
    pub table_url: String,
}

/// One attribution of an actor.
#[derive(Serialize)]
pub struct Attribution<'a> {
    /// The party it is attributed to (`{code, title, url}`), or none when unknown.
    pub party: Option<tera::Value>,
    /// The unit within the party, or none.
    pub unit: Option<&'a str>,
    /// Who made the attribution.
    pub by: &'a str,
    /// When, `YYYY-MM-DD`.
    pub date: String,
    /// Its sources.
    pub sources: &'a [SourceRef],
    /// How sure it is, or none.
    pub confidence: Option<&'a str>,
}

/// `page` of `page.html`: a free-standing page, with the site's vocabularies
/// (for an "about" page that explains them).
#[derive(Serialize)]
pub struct EntryPage<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its summary, or none.
    pub summary: Option<&'a str>,
    /// The body, links filled in.
    pub body: String,
    /// "Edit this page", when the repository is known.
    pub edit_url: Option<String>,
    /// Its git history, or none.
    pub history: Option<History<'a>>,
    /// The vocabularies of `site.yaml`.
    pub vocabularies: Vocabularies<'a>,
}

/// `page.vocabularies` of a free-standing page.
#[derive(Serialize)]
pub struct Vocabularies<'a> {
    /// Annotation kinds.
    pub annotation_kinds: Vec<Term<'a>>,
    /// Agreement forms.
    pub agreement_forms: Vec<Term<'a>>,
    /// Agreement statuses.
    pub agreement_statuses: Vec<Term<'a>>,
    /// Relation types, each `{key, label, inverse}`.
    pub relation_types: Vec<RelationTypeTerm<'a>>,
}

/// A relation type in `page.vocabularies`.
#[derive(Serialize)]
pub struct RelationTypeTerm<'a> {
    /// Its key.
    pub key: &'a str,
    /// Its label.
    pub label: &'a str,
    /// Its label seen from the other side.
    pub inverse: &'a str,
}

/// `page` of `404.html`.
#[derive(Serialize)]
pub struct NotFoundPage {
    /// "Page not found".
    pub title: &'static str,
    /// One sentence.
    pub summary: &'static str,
}

macro_rules! titled {
    ($($t:ty => $($f:ident).+),*) => {$(
        impl PageContext for $t {
            fn title(&self) -> &str {
                &self.$($f).+
            }
        }
    )*};
}
titled!(
    ArticlePage<'_> => item.title,
    AgreementPage<'_> => item.title,
    PartyPage<'_> => title,
    ActorPage<'_> => title,
    EntryPage<'_> => title,
    NotFoundPage => title
);

impl<'a> Ctx<'a> {
    /// `page.cite` and the citation it shows, for reports, agreements and actors.
    fn cite(&self, key: Key) -> (Option<CiteContext>, Option<Citation>) {
        let a = self.archive;
        match super::super::cite::citation(a, key) {
            Some(c) => (Some(c.context(a, &a.rel_path(key))), Some(c)),
            None => (None, None),
        }
    }

    /// Links to the actors a report or agreement lists.
    fn actors(&self, slugs: &[String]) -> Vec<ActorLink<'a>> {
        let a = self.archive;
        slugs
            .iter()
            .filter_map(|s| a.find(Kind::Actor, s))
            .map(|i| {
                let e = &a.content.actors[i];
                ActorLink {
                    slug: &e.slug,
                    title: &e.meta.title,
                    url: a.urls.path(&paths::actor(&e.slug)),
                }
            })
            .collect()
    }

    /// `page` for a report.
    pub fn article(&self, i: usize) -> ArticlePage<'a> {
        let a = self.archive;
        let e = &a.content.articles[i];
        let key = Key {
            kind: Kind::Article,
            idx: i,
        };
        let empty = vec![];
        let links = a.links.get(&key).unwrap_or(&empty);
        let notes = e
            .body
            .notes
            .iter()
            .map(|n| {
                let decl = &e.meta.annotations[n.index];
                let cites_original = decl.sources.iter().any(|s| s.url == e.meta.source.url);
                Note {
                    number: n.number,
                    kind: Term::of(&a.config.annotation_kinds, &decl.kind),
                    html: fill_links(&n.note_html, links),
                    exact: &n.exact,
                    quoted: super::quoted(&n.exact),
                    sources: &decl.sources,
                    confidence: decl.confidence.as_deref(),
                    date: decl.date.map(|d| d.iso()),
                    original_passage_url: cites_original.then(|| {
                        text_fragment_url(&e.meta.source.url, &n.prefix, &n.exact, &n.suffix)
                    }),
                }
            })
            .collect();
        let relations = a
            .relations_of(key)
            .filter(|r| r.from == key)
            .map(|r| Relation {
                label: &a.config.relation_types[&r.kind].label,
                target: self.entry_ref(r.to),
                note: r.note.as_deref(),
            })
            .collect();
        let (cite, citation) = self.cite(key);
        ArticlePage {
            item: self.article_item(i),
            body: self.body_html(key),
            notes,
            source: &e.meta.source,
            agreements: self.agreement_summaries(
                e.meta
                    .agreements
                    .iter()
                    .filter_map(|s| a.find(Kind::Agreement, s)),
            ),
            relations,
            actors: self.actors(&e.meta.actors),
            corrected: super::super::corrections::of_article(a, i),
            related: self.article_summaries(a.related[i].iter().copied()),
            backlinks: self.backlinks(key),
            word_count: e.body.word_count,
            has_footnotes: e.body.has_footnotes,
            edit_url: self.edit_url(&e.file.path),
            history: self.history(&e.file.path),
            cite,
            citation,
        }
    }

    /// `page` for page `n` of an agreement.
    pub fn agreement(&self, i: usize, n: usize) -> AgreementPage<'a> {
        let a = self.archive;
        let e = &a.content.agreements[i];
        let key = Key {
            kind: Kind::Agreement,
            idx: i,
        };
        let rel = paths::agreement(&e.slug);
        let cov = self.coverage(i);
        let list = &cov.list;
        let total = plan::list_pages(a, list.len());
        let shown = plan::page_of(a, list, n);
        let first = (n.max(1) - 1) * a.config.per_page.max(1);
        let mut page = AgreementPage {
            item: self.agreement_item(i),
            body: String::new(),
            text_url: &e.meta.text_url,
            text_archived: e.meta.text_archived.as_deref(),
            relations: vec![],
            coverage: self.coverage_groups(cov, first, shown),
            coverage_total: list.len(),
            coverage_first: (first + 1).min(list.len()),
            coverage_last: first + shown.len(),
            pagination: Pagination::of(a, n, total, |k| paths::agreement_page(&e.slug, k)),
            clauses: vec![],
            actors: vec![],
            backlinks: vec![],
            feed_url: a.urls.path(&format!("{rel}feed.xml")),
            edit_url: None,
            history: None,
            cite: None,
            citation: None,
        };
        if n > 1 {
            page.item.title = Cow::Owned(format!("{}, coverage page {n} of {total}", e.meta.title));
            return page;
        }
        // Outgoing relations grouped by label, incoming by inverse label;
        // reports' relations go to the coverage list instead.
        let mut out_groups: BTreeMap<&'a str, Vec<RelationTarget<'a>>> = BTreeMap::new();
        let mut in_groups: BTreeMap<&'a str, Vec<RelationTarget<'a>>> = BTreeMap::new();
        let mut related: HashSet<Key> = HashSet::new();
        for r in a.relations_of(key) {
            let rt = &a.config.relation_types[&r.kind];
            if r.from == key {
                related.insert(r.to);
                out_groups
                    .entry(&rt.label)
                    .or_default()
                    .push(RelationTarget {
                        target: self.entry_ref(r.to),
                        note: r.note.as_deref(),
                    });
            } else if r.to == key && r.from.kind == Kind::Article {
                // In the coverage list.
            } else if r.to == key
                && !(rt.symmetric
                    && a.relations_of(key)
                        .any(|o| o.from == key && o.to == r.from && o.kind == r.kind))
            {
                // (A symmetric relation declared from both sides is shown once.)
                related.insert(r.from);
                let label = if rt.symmetric {
                    rt.label.as_str()
                } else {
                    rt.inverse_label()
                };
                in_groups.entry(label).or_default().push(RelationTarget {
                    target: self.entry_ref(r.from),
                    note: r.note.as_deref(),
                });
            }
        }
        let groups = |m: BTreeMap<&'a str, Vec<RelationTarget<'a>>>| {
            m.into_iter().map(|(label, mut items)| {
                items.sort_by(|x, y| x.target.date.cmp(&y.target.date));
                RelationGroup { label, items }
            })
        };
        page.relations = groups(out_groups).collect();
        page.relations.extend(groups(in_groups));
        page.clauses = e
            .meta
            .clauses
            .iter()
            .map(|c| {
                let family = a.clauses.get(&c.id).map(|v| v.len()).unwrap_or(0);
                Clause {
                    id: &c.id,
                    text: &c.text,
                    url: (family >= 2).then(|| a.urls.path(&paths::clause(&c.id))),
                    family,
                }
            })
            .collect();
        // Reports are all in the coverage list and related agreements under
        // Relations: "Mentioned in" keeps only what neither shows.
        page.backlinks = a
            .backlinks
            .get(&key)
            .map(|v| {
                v.iter()
                    .filter(|k| k.kind != Kind::Article && !related.contains(k))
                    .map(|k| self.entry_ref(*k))
                    .collect()
            })
            .unwrap_or_default();
        let (cite, citation) = self.cite(key);
        page.body = self.body_html(key);
        page.actors = self.actors(&e.meta.actors);
        page.edit_url = self.edit_url(&e.file.path);
        page.history = self.history(&e.file.path);
        page.cite = cite;
        page.citation = citation;
        page
    }

    /// The groups of one page of an agreement's coverage list (`cov`):
    /// `shown` are its reports, starting at place `first` (from 0) of the
    /// list. Each group says how many reports it has in all and whether it
    /// began on an earlier page.
    fn coverage_groups(
        &self,
        cov: &super::CoverageList,
        first: usize,
        shown: &[plan::Covering],
    ) -> Vec<CoverageGroup<'a>> {
        let a = self.archive;
        let types = &a.config.relation_types;
        let list = &cov.list;
        let mut out: Vec<CoverageGroup<'a>> = vec![];
        for (place, x) in (first..).zip(shown) {
            let relations: Vec<CoverageRelation<'a>> = x
                .relations
                .iter()
                .map(|&ri| {
                    let r = &a.relations[ri];
                    CoverageRelation {
                        label: types[&r.kind].inverse_label(),
                        note: r.note.as_deref(),
                    }
                })
                .collect();
            let item = CoverageItem {
                item: self.article_item(x.report),
                relations,
                mention_only: x.group == plan::mentioned_group(a),
            };
            match out.last_mut() {
                Some(g) if place > first && list[place - 1].group == x.group => g.items.push(item),
                _ => {
                    let label = match types.get_index(x.group) {
                        Some((_, rt)) => rt.inverse_label(),
                        None if x.group == plan::mentioned_group(a) => "Also mentioned in",
                        None => "Other coverage",
                    };
                    out.push(CoverageGroup {
                        label,
                        count: cov.groups[x.group],
                        continued: place > 0 && list[place - 1].group == x.group,
                        items: vec![item],
                    });
                }
            }
        }
        out
    }

    /// `page` for page `n` of a party.
    pub fn party(&self, i: usize, n: usize) -> PartyPage<'a> {
        let a = self.archive;
        let e = &a.content.parties[i];
        let key = Key {
            kind: Kind::Party,
            idx: i,
        };
        let (arts, agrs) = &a.party_entries[i];
        let total = crate::render::plan::list_pages(a, arts.len());
        let mut page = PartyPage {
            title: Cow::Borrowed(&e.meta.title),
            party_title: &e.meta.title,
            url: a.urls.path(&paths::party(&e.slug)),
            code: &e.slug,
            kind: &e.meta.kind,
            summary: Cow::Borrowed(&e.meta.summary),
            body: String::new(),
            articles: self
                .article_summaries(crate::render::plan::page_of(a, arts, n).iter().copied()),
            article_count: arts.len(),
            pagination: Pagination::of(a, n, total, |k| paths::party_page(&e.slug, k)),
            agreements: vec![],
            backlinks: vec![],
            edit_url: None,
            history: None,
        };
        if n > 1 {
            page.title = Cow::Owned(format!("{}, reports page {n} of {total}", e.meta.title));
            page.summary = Cow::Owned(format!("Reports involving {}, newest first.", e.meta.title));
            return page;
        }
        page.body = self.body_html(key);
        page.agreements = self.agreement_summaries(agrs.iter().copied());
        page.backlinks = self.backlinks(key);
        page.edit_url = self.edit_url(&e.file.path);
        page.history = self.history(&e.file.path);
        page
    }

    /// `page` for a threat actor: its names, attributions with their sources,
    /// the reports and agreements that list it (newest reports first) and what
    /// links to it.
    pub fn actor(&self, i: usize) -> ActorPage<'a> {
        let a = self.archive;
        let e = &a.content.actors[i];
        let key = Key {
            kind: Kind::Actor,
            idx: i,
        };
        let (arts, agrs) = &a.actor_entries[i];
        let attribution = e
            .meta
            .attribution
            .iter()
            .map(|at| Attribution {
                party: a.find(Kind::Party, &at.party).map(|p| self.party_ref(p)),
                unit: at.unit.as_deref(),
                by: &at.by,
                date: at.date.iso(),
                sources: &at.sources,
                confidence: at.confidence.as_deref(),
            })
            .collect();
        let (cite, citation) = self.cite(key);
        ActorPage {
            title: &e.meta.title,
            slug: &e.slug,
            summary: &e.meta.summary,
            aliases: e
                .meta
                .aliases
                .iter()
                .map(|n| {
                    let anchor = paths::name_anchor(n);
                    Alias {
                        name: n,
                        table_url: a.urls.path(&paths::actor_name(&anchor)),
                        anchor,
                    }
                })
                .collect(),
            attribution,
            body: self.body_html(key),
            articles: self.article_summaries(arts.iter().rev().copied()),
            agreements: self.agreement_summaries(agrs.iter().copied()),
            backlinks: self.backlinks(key),
            index_url: a.urls.path("actors/"),
            edit_url: self.edit_url(&e.file.path),
            history: self.history(&e.file.path),
            cite,
            citation,
        }
    }

    /// `page` for a free-standing page.
    pub fn page(&self, i: usize) -> EntryPage<'a> {
        let a = self.archive;
        let e = &a.content.pages[i];
        let key = Key {
            kind: Kind::Page,
            idx: i,
        };
        let cfg = &a.config;
        EntryPage {
            title: &e.meta.title,
            summary: e.meta.summary.as_deref(),
            body: self.body_html(key),
            edit_url: self.edit_url(&e.file.path),
            history: self.history(&e.file.path),
            vocabularies: Vocabularies {
                annotation_kinds: Term::all(&cfg.annotation_kinds),
                agreement_forms: Term::all(&cfg.agreement_forms),
                agreement_statuses: Term::all(&cfg.agreement_statuses),
                relation_types: cfg
                    .relation_types
                    .iter()
                    .map(|(k, r)| RelationTypeTerm {
                        key: k,
                        label: &r.label,
                        inverse: r.inverse_label(),
                    })
                    .collect(),
            },
        }
    }

    /// `page` for the 404 page.
    pub fn not_found(&self) -> NotFoundPage {
        NotFoundPage {
            title: "Page not found",
            summary: "There is no page at this address.",
        }
    }
}
