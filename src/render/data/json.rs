//! `data/archive.json`: the types it is written from, one per kind of record,
//! and the writer. Every field is documented, and the documentation becomes
//! the field's `description` in `archive.schema.json` (derived from these
//! types in `schema.rs`), which the `/data/` page shows as its field tables.
//!
//! The records borrow from the archive and the lists are streamed
//! ([`Items`]): each report, agreement, party, actor and relation is made as
//! it is written and dropped after. Fields are declared in sorted order
//! because serde writes them in declaration order and the file's keys are
//! sorted (the `/data/` page says so, and the bytes stay what they were when
//! the file was written from `serde_json` maps).

use schemars::JsonSchema;
use serde::Serialize;

use super::values::{Confidence, Count, Day, FromKind, Items, PartyKind, Slug, Slugs, Url, Vocab};
use super::{relation_rows, reports_in_order, Output, ARCHIVE_JSON, ARCHIVE_SCHEMA};
use crate::config;
use crate::resolve::Archive;
use crate::urls::paths;

/// Every report, agreement, party, threat actor and relation of the archive.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "archive", deny_unknown_fields)]
pub struct ArchiveJson<'a> {
    /// The address of this schema.
    #[serde(rename = "$schema")]
    pub schema: Url<'a>,
    /// Every threat actor, by id, with its aliases and attributions.
    pub actors: Items<'a, Actor<'a>>,
    /// Every agreement, oldest first.
    pub agreements: Items<'a, Agreement<'a>>,
    /// What the archive is.
    pub description: &'a str,
    /// BCP 47 language tag of the text.
    pub language: &'a str,
    /// Licence of the data and text.
    pub licence: Option<&'a str>,
    /// Every party, by id.
    pub parties: Items<'a, Party<'a>>,
    /// Every typed relation, sorted by from_kind, from, type and to.
    pub relations: Items<'a, Relation<'a>>,
    /// Every archived report, oldest first.
    pub reports: Items<'a, Report<'a>>,
    /// The archive’s title.
    pub title: &'a str,
    /// The archive’s home page.
    pub url: Url<'a>,
    /// Labels and descriptions of the keys used in form, status, a relation’s type and a note’s kind.
    pub vocabularies: Vocabularies<'a>,
}

/// An archived report: the original's metadata and what it concerns.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "report", deny_unknown_fields)]
pub struct Report<'a> {
    /// Ids of the threat actors it concerns.
    pub actors: Slugs<'a>,
    /// Ids of the agreements it covers.
    pub agreements: Slugs<'a>,
    /// Publication date of the original report.
    pub date: Day<'a>,
    /// Why the date is uncertain, when it is.
    pub date_note: Option<&'a str>,
    /// The report’s id: its file name without .md.
    pub id: Slug<'a>,
    /// How many editors’ notes it carries (see annotations.jsonld).
    pub note_count: Count,
    /// Ids of the parties (states, organisations, companies) it concerns.
    pub parties: Slugs<'a>,
    /// Where the report was originally published.
    pub source: Source<'a>,
    /// One-sentence summary by the editors.
    pub summary: &'a str,
    /// Topic tags.
    pub tags: Slugs<'a>,
    /// Headline, as the archive gives it.
    pub title: &'a str,
    /// The report’s page in the archive.
    pub url: Url<'a>,
}

/// Where a report was originally published.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "source", deny_unknown_fields)]
pub struct Source<'a> {
    /// Byline, when known.
    pub author: Option<&'a str>,
    /// Publication name.
    pub publisher: &'a str,
    /// Original headline, when the archive’s title differs.
    pub title: Option<&'a str>,
    /// Address of the original report.
    pub url: Url<'a>,
}

/// An agreement: what it is, where it stands, its clauses and its coverage.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "agreement", deny_unknown_fields)]
pub struct Agreement<'a> {
    /// Ids of the threat actors it concerns.
    pub actors: Slugs<'a>,
    /// Official wordings of its key clauses.
    pub clauses: Vec<Clause<'a>>,
    /// Date signed or announced.
    pub date: Day<'a>,
    /// Why the date is uncertain, when it is.
    pub date_note: Option<&'a str>,
    /// Atom feed of the reports covering it.
    pub feed_url: Url<'a>,
    /// What kind of instrument it is: a key of vocabularies.agreement_forms.
    pub form: Slug<'a>,
    /// The agreement’s id: its file name without .md.
    pub id: Slug<'a>,
    /// Ids of its parties.
    pub parties: Slugs<'a>,
    /// “unverified” when the sources do not settle the list of parties; null when they do.
    pub parties_confidence: Confidence<'a>,
    /// Ids of the reports covering it, oldest first.
    pub reports: Vec<Slug<'a>>,
    /// Short title.
    pub short_title: &'a str,
    /// Where it stands: a key of vocabularies.agreement_statuses.
    pub status: Slug<'a>,
    /// “unverified” when the sources do not settle the status; null when they do.
    pub status_confidence: Confidence<'a>,
    /// One-sentence summary by the editors.
    pub summary: &'a str,
    /// The primary text.
    pub text_url: Url<'a>,
    /// Full title.
    pub title: &'a str,
    /// The agreement’s page in the archive.
    pub url: Url<'a>,
}

/// One clause of an agreement, quoted.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "clause", deny_unknown_fields)]
pub struct Clause<'a> {
    /// Page comparing the wordings across agreements, when two or more have this clause.
    pub comparison_url: Option<Url<'a>>,
    /// Clause topic, shared by every agreement with a clause on it.
    pub id: Slug<'a>,
    /// The wording, quoted from the primary text.
    pub text: &'a str,
}

/// A party: a state, an organisation or a company.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "party", deny_unknown_fields)]
pub struct Party<'a> {
    /// The party’s code (its file name), like us or cn.
    pub id: Slug<'a>,
    /// State, organisation or company.
    pub kind: PartyKind<'a>,
    /// One sentence about it.
    pub summary: &'a str,
    /// Display name.
    pub title: &'a str,
    /// The party’s page in the archive.
    pub url: Url<'a>,
}

/// A threat actor: its names, its attributions and what lists it.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "actor", deny_unknown_fields)]
pub struct Actor<'a> {
    /// Ids of the agreements that list it, oldest first.
    pub agreements: Vec<Slug<'a>>,
    /// Other published names of the same group, as written by whoever named it. An attribution is not an alias.
    pub aliases: &'a [String],
    /// Who attributed the group to which state, when, with sources.
    pub attribution: Vec<Attribution<'a>>,
    /// The actor's id: its file name without .md.
    pub id: Slug<'a>,
    /// The name the archive uses.
    pub name: &'a str,
    /// Ids of the reports that list it, newest first.
    pub reports: Vec<Slug<'a>>,
    /// One-sentence summary by the editors.
    pub summary: &'a str,
    /// The actor's page in the archive.
    pub url: Url<'a>,
}

/// One attribution of a threat actor: a sourced claim, not another name.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "attribution", deny_unknown_fields)]
pub struct Attribution<'a> {
    /// Who made the attribution.
    pub by: &'a str,
    /// "unverified" when the editors could not read the attribution itself; null when they did.
    pub confidence: Confidence<'a>,
    /// When it was made public.
    pub date: Day<'a>,
    /// Id of the party (state) the group is attributed to.
    pub party: Slug<'a>,
    /// Where it was made.
    pub sources: Vec<Url<'a>>,
    /// The body within it, when named (a military unit, a ministry's bureau).
    pub unit: Option<&'a str>,
}

/// A typed relation from a report or agreement to an agreement.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "relation", deny_unknown_fields)]
pub struct Relation<'a> {
    /// Id of the report or agreement that declares the relation.
    pub from: Slug<'a>,
    /// Whether from is an agreement or a report.
    pub from_kind: FromKind,
    /// How it reads on the page of to (Mirrored by).
    pub inverse_label: &'a str,
    /// How the relation reads on the page of from (Mirrors).
    pub label: &'a str,
    /// The editors’ reason, in a sentence.
    pub note: Option<&'a str>,
    /// Id of the agreement it points to.
    pub to: Slug<'a>,
    /// Relation type: a key of vocabularies.relation_types.
    #[serde(rename = "type")]
    pub kind: Slug<'a>,
}

/// The vocabularies of site.yaml whose keys the records use.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "vocabularies", deny_unknown_fields)]
pub struct Vocabularies<'a> {
    /// Agreement forms by key.
    pub agreement_forms: Vocab<'a, Term<'a>>,
    /// Agreement statuses by key.
    pub agreement_statuses: Vocab<'a, Term<'a>>,
    /// Kinds of editors’ notes by key.
    pub annotation_kinds: Vocab<'a, Term<'a>>,
    /// Relation types by key.
    pub relation_types: Vocab<'a, RelationType<'a>>,
}

/// A term of a vocabulary.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "term", deny_unknown_fields)]
pub struct Term<'a> {
    /// What the term means.
    pub description: Option<&'a str>,
    /// Display label.
    pub label: &'a str,
}

/// A relation type.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "relation_type", deny_unknown_fields)]
pub struct RelationType<'a> {
    /// Label on the target page.
    pub inverse_label: &'a str,
    /// Label on the declaring page.
    pub label: &'a str,
    /// Whether it reads the same both ways.
    pub symmetric: bool,
}

/// `archive.json`, ready to be written (once).
pub fn archive_json(a: &Archive) -> ArchiveJson<'_> {
    let c = &a.content;
    let u = &a.urls;
    let cfg = &a.config;
    let article_slug = move |i: usize| c.articles[i].slug.as_str();
    let agreement_slug = move |i: usize| c.agreements[i].slug.as_str();
    let reports = reports_in_order(a).into_iter().map(move |i| {
        let e = &c.articles[i];
        let s = &e.meta.source;
        Report {
            actors: Slugs(&e.meta.actors),
            agreements: Slugs(&e.meta.agreements),
            date: Day(&e.meta.date),
            date_note: e.meta.date_note.as_deref(),
            id: Slug(&e.slug),
            note_count: Count(e.body.notes.len()),
            parties: Slugs(&e.meta.parties),
            source: Source {
                author: s.author.as_deref(),
                publisher: &s.publisher,
                title: s.title.as_deref(),
                url: Url::external(&s.url),
            },
            summary: &e.meta.summary,
            tags: Slugs(&e.meta.tags),
            title: &e.meta.title,
            url: u.absolute(&paths::article(&e.slug)).into(),
        }
    });
    let agreements = a.agreements_by_date.iter().map(move |&i| {
        let e = &c.agreements[i];
        let m = &e.meta;
        Agreement {
            actors: Slugs(&m.actors),
            clauses: m
                .clauses
                .iter()
                .map(|cl| Clause {
                    comparison_url: a
                        .clauses
                        .get(&cl.id)
                        .is_some_and(|f| f.len() >= 2)
                        .then(|| u.absolute(&paths::clause(&cl.id)).into()),
                    id: Slug(&cl.id),
                    text: &cl.text,
                })
                .collect(),
            date: Day(&m.date),
            date_note: m.date_note.as_deref(),
            feed_url: u
                .absolute(&super::super::feeds::agreement_feed_path(&e.slug))
                .into(),
            form: Slug(&m.form),
            id: Slug(&e.slug),
            parties: Slugs(&m.parties),
            parties_confidence: Confidence(m.parties_confidence.as_deref()),
            reports: ids(&a.coverage[i], article_slug),
            short_title: &m.short_title,
            status: Slug(&m.status),
            status_confidence: Confidence(m.status_confidence.as_deref()),
            summary: &m.summary,
            text_url: Url::external(&m.text_url),
            title: &m.title,
            url: u.absolute(&paths::agreement(&e.slug)).into(),
        }
    });
    let mut parties: Vec<usize> = (0..c.parties.len()).collect();
    parties.sort_by(|&x, &y| c.parties[x].slug.cmp(&c.parties[y].slug));
    let parties = parties.into_iter().map(move |i| {
        let p = &c.parties[i];
        Party {
            id: Slug(&p.slug),
            kind: PartyKind(&p.meta.kind),
            summary: &p.meta.summary,
            title: &p.meta.title,
            url: u.absolute(&paths::party(&p.slug)).into(),
        }
    });
    let actors = c.actors.iter().enumerate().map(move |(i, x)| {
        let (arts, agrs) = &a.actor_entries[i];
        Actor {
            agreements: ids(agrs, agreement_slug),
            aliases: &x.meta.aliases,
            attribution: x
                .meta
                .attribution
                .iter()
                .map(|at| Attribution {
                    by: &at.by,
                    confidence: Confidence(at.confidence.as_deref()),
                    date: Day(&at.date),
                    party: Slug(&at.party),
                    sources: at.sources.iter().map(|s| Url::external(&s.url)).collect(),
                    unit: at.unit.as_deref(),
                })
                .collect(),
            id: Slug(&x.slug),
            name: &x.meta.title,
            reports: ids(arts, article_slug),
            summary: &x.meta.summary,
            url: u.absolute(&paths::actor(&x.slug)).into(),
        }
    });
    let relations = relation_rows(a).into_iter().map(|r| Relation {
        from: Slug(r.from),
        from_kind: FromKind(r.from_key.kind),
        inverse_label: r.inverse_label,
        label: r.label,
        note: r.note,
        to: Slug(r.to),
        kind: Slug(r.kind),
    });
    ArchiveJson {
        schema: u.absolute(ARCHIVE_SCHEMA).into(),
        actors: Items::new(actors),
        agreements: Items::new(agreements),
        description: &cfg.description,
        language: &cfg.language,
        licence: cfg.licence.as_deref(),
        parties: Items::new(parties),
        relations: Items::new(relations),
        reports: Items::new(reports),
        title: &cfg.title,
        url: u.absolute("").into(),
        vocabularies: Vocabularies {
            agreement_forms: Vocab::new(&cfg.agreement_forms, term),
            agreement_statuses: Vocab::new(&cfg.agreement_statuses, term),
            annotation_kinds: Vocab::new(&cfg.annotation_kinds, term),
            relation_types: Vocab::new(&cfg.relation_types, |t| RelationType {
                inverse_label: t.inverse_label(),
                label: &t.label,
                symmetric: t.symmetric,
            }),
        },
    }
}

/// A term of a vocabulary as `archive.json` gives it.
fn term(t: &config::Term) -> Term<'_> {
    Term {
        description: t.description.as_deref(),
        label: &t.label,
    }
}

/// The ids of the entries at `idx`.
fn ids<'a>(idx: &[usize], slug: impl Fn(usize) -> &'a str) -> Vec<Slug<'a>> {
    idx.iter().map(|&i| Slug(slug(i))).collect()
}

/// Writes `archive.json`, record by record, straight into the output's bytes.
pub fn write(a: &Archive) -> Output {
    // About 1 KB per report, which most of the file is.
    let guess = 65_536 + a.content.articles.len() * 1024;
    Output {
        path: ARCHIVE_JSON.into(),
        bytes: super::pretty_into(&archive_json(a), guess),
    }
}
