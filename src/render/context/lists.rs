//! The summaries lists show (a report, an agreement, a link to any entry, a
//! vocabulary term) and the contexts of the list pages: home, the reports
//! list, agreements, parties, actors, tags and years.
//!
//! Summaries of reports and agreements are built once per render and shared
//! as Tera values (see [`Ctx::article_summary`]); list pages hold handles.

use std::borrow::Cow;

use serde::Serialize;

use super::{Ctx, PageContext};
use crate::render::plan;
use crate::resolve::{Archive, Key, Kind};
use crate::urls::paths;

/// What a list shows of a report (`page.items[]`, `page.latest[]`, …).
#[derive(Serialize)]
pub struct ArticleItem<'a> {
    /// The report's title.
    pub title: &'a str,
    /// Its page.
    pub url: String,
    /// Its date, `YYYY-MM-DD`.
    pub date: String,
    /// A note on the date (e.g. "undated; published that week"), or none.
    pub date_note: Option<&'a str>,
    /// Who published the original.
    pub publisher: &'a str,
    /// One-sentence summary.
    pub summary: &'a str,
    /// How many editor's notes it has.
    pub note_count: usize,
    /// Its tags, each `{name, url}`.
    pub tags: Vec<TagLink<'a>>,
    /// Its parties, each `{code, title, url}`.
    pub parties: Vec<tera::Value>,
}

/// A link to a tag.
#[derive(Serialize)]
pub struct TagLink<'a> {
    /// The tag.
    pub name: &'a str,
    /// Its page.
    pub url: String,
}

/// What a list shows of an agreement.
#[derive(Serialize)]
pub struct AgreementItem<'a> {
    /// Full title (on an agreement's further pages, followed by ", coverage
    /// page n of m").
    pub title: Cow<'a, str>,
    /// Short title.
    pub short_title: &'a str,
    /// Its page.
    pub url: String,
    /// Its date, `YYYY-MM-DD`.
    pub date: String,
    /// A note on the date, or none.
    pub date_note: Option<&'a str>,
    /// One-sentence summary.
    pub summary: &'a str,
    /// Its parties, each `{code, title, url}`.
    pub parties: Vec<tera::Value>,
    /// Its form (treaty, statement, …) from `site.yaml`.
    pub form: Term<'a>,
    /// Its status from `site.yaml`.
    pub status: Term<'a>,
    /// How sure the status is, or none.
    pub status_confidence: Option<&'a str>,
    /// How sure the list of parties is, or none.
    pub parties_confidence: Option<&'a str>,
    /// How many reports cover it.
    pub coverage_count: usize,
}

/// A term of a `site.yaml` vocabulary.
#[derive(Serialize)]
pub struct Term<'a> {
    /// Its key.
    pub key: &'a str,
    /// Its label (the key when the vocabulary lacks it).
    pub label: &'a str,
    /// Its description, or none.
    pub description: Option<&'a str>,
}

impl<'a> Term<'a> {
    /// The term `key` of vocabulary `map`.
    pub fn of(map: &'a indexmap::IndexMap<String, crate::config::Term>, key: &'a str) -> Self {
        let t = map.get(key);
        Term {
            key,
            label: t.map(|t| t.label.as_str()).unwrap_or(key),
            description: t.and_then(|t| t.description.as_deref()),
        }
    }

    /// Every term of vocabulary `map`, in its order.
    pub fn all(map: &'a indexmap::IndexMap<String, crate::config::Term>) -> Vec<Self> {
        map.keys().map(|k| Term::of(map, k)).collect()
    }
}

/// A link to any entry (backlinks, relations).
#[derive(Serialize)]
pub struct EntryLink<'a> {
    /// Its short title.
    pub title: &'a str,
    /// Its page.
    pub url: String,
    /// Its kind: `article`, `agreement`, `party`, `actor`, `page`, `home`.
    pub kind: &'static str,
    /// Its date, `YYYY-MM-DD` (reports and agreements), or none.
    pub date: Option<String>,
}

/// `page.pagination` of a paginated list.
#[derive(Serialize)]
pub struct Pagination {
    /// This page's number, from 1.
    pub current: usize,
    /// How many pages there are.
    pub total: usize,
    /// The previous page, or none on the first.
    pub prev: Option<String>,
    /// The next page, or none on the last.
    pub next: Option<String>,
}

impl Pagination {
    /// Page `n` of `total` of a list whose page `k` is at `rel(k)`.
    pub fn of(a: &Archive, n: usize, total: usize, rel: impl Fn(usize) -> String) -> Pagination {
        Pagination {
            current: n,
            total,
            prev: (n > 1).then(|| a.urls.path(&rel(n - 1))),
            next: (n < total).then(|| a.urls.path(&rel(n + 1))),
        }
    }
}

/// `page` of `home.html`.
#[derive(Serialize)]
pub struct HomePage<'a> {
    /// The home page's title (the site's without `content/home.md`).
    pub title: &'a str,
    /// Its summary (the site's description without one).
    pub summary: &'a str,
    /// The body of `content/home.md` (empty without it).
    pub body: String,
    /// The newest reports (`per_page` of them), as [`ArticleItem`]s.
    pub latest: Vec<tera::Value>,
    /// Every agreement, oldest first, as [`AgreementItem`]s.
    pub agreements: Vec<tera::Value>,
    /// How many reports, agreements, parties and notes there are.
    pub counts: Counts,
    /// "Edit this page", when the repository is known.
    pub edit_url: Option<String>,
}

/// `page.counts` on the home page.
#[derive(Serialize)]
pub struct Counts {
    /// Reports.
    pub articles: usize,
    /// Agreements.
    pub agreements: usize,
    /// Parties.
    pub parties: usize,
    /// Editor's notes across reports.
    pub notes: usize,
}

/// `page` of `articles.html`: one page of the reports list, newest first.
#[derive(Serialize)]
pub struct ArticlesListPage {
    /// "Reports", or "Reports, page n of m".
    pub title: String,
    /// How many reports there are.
    pub summary: String,
    /// This page's reports, as [`ArticleItem`]s.
    pub items: Vec<tera::Value>,
    /// Where this page is among the others.
    pub pagination: Pagination,
}

/// `page` of `agreements.html`: one page of the agreements table, oldest
/// first.
#[derive(Serialize)]
pub struct AgreementsIndexPage {
    /// "Agreements", or "Agreements, page n of m".
    pub title: String,
    /// How many agreements there are.
    pub summary: String,
    /// This page's agreements (`per_page` of them), as [`AgreementItem`]s.
    pub items: Vec<tera::Value>,
    /// Where this page is among the others.
    pub pagination: Pagination,
}

/// `page` of `parties.html`.
#[derive(Serialize)]
pub struct PartiesIndexPage<'a> {
    /// "Parties".
    pub title: &'static str,
    /// One sentence on what is listed.
    pub summary: &'static str,
    /// Every party, by name.
    pub items: Vec<PartyItem<'a>>,
}

/// A party on the parties index.
#[derive(Serialize)]
pub struct PartyItem<'a> {
    /// Its name.
    pub title: &'a str,
    /// Its code (slug).
    pub code: &'a str,
    /// State, organisation, company, …
    pub kind: &'a str,
    /// One-sentence summary.
    pub summary: &'a str,
    /// Its page.
    pub url: String,
    /// How many reports list it.
    pub article_count: usize,
    /// How many agreements list it.
    pub agreement_count: usize,
}

/// `page` of `tags.html`.
#[derive(Serialize)]
pub struct TagsIndexPage<'a> {
    /// "Tags".
    pub title: &'static str,
    /// One sentence on what is listed.
    pub summary: &'static str,
    /// Every tag, by name, each with its page and report count.
    pub items: Vec<TagCount<'a>>,
}

/// A tag in the tags index.
#[derive(Serialize)]
pub struct TagCount<'a> {
    /// The tag.
    pub name: &'a str,
    /// Its page.
    pub url: String,
    /// How many reports have it.
    pub count: usize,
}

/// `page` of `tag.html`: one page of a tag's reports, newest first.
#[derive(Serialize)]
pub struct TagPage<'a> {
    /// "Tagged “name”", or "Tagged “name”, page n of m".
    pub title: String,
    /// The tag.
    pub name: &'a str,
    /// How many reports have it.
    pub summary: String,
    /// This page's reports (`per_page` of them), as [`ArticleItem`]s.
    pub items: Vec<tera::Value>,
    /// Where this page is among the others.
    pub pagination: Pagination,
}

/// `page` of `years.html`.
#[derive(Serialize)]
pub struct YearsIndexPage {
    /// "Reports by year".
    pub title: &'static str,
    /// One sentence on what is listed.
    pub summary: &'static str,
    /// Every year with reports, newest first.
    pub items: Vec<YearCount>,
}

/// A year in the years index.
#[derive(Serialize)]
pub struct YearCount {
    /// The year.
    pub year: i16,
    /// Its page.
    pub url: String,
    /// How many reports are from it.
    pub count: usize,
}

/// `page` of `year.html`: one page of a year's reports, newest first.
#[derive(Serialize)]
pub struct YearPage {
    /// "Reports from YYYY", or "Reports from YYYY, page n of m".
    pub title: String,
    /// The year.
    pub year: i16,
    /// How many reports it has.
    pub summary: String,
    /// This page's reports (`per_page` of them), as [`ArticleItem`]s.
    pub items: Vec<tera::Value>,
    /// Where this page is among the others.
    pub pagination: Pagination,
}

/// `page` of `actors.html`: the alias table.
#[derive(Serialize)]
pub struct ActorsIndexPage<'a> {
    /// "Threat actors".
    pub title: &'static str,
    /// How many actors and names there are.
    pub summary: String,
    /// Every name of every actor, one row each, by name.
    pub rows: Vec<ActorRow<'a>>,
    /// Every actor.
    pub actors: Vec<ActorItem<'a>>,
}

/// One name in the alias table.
#[derive(Serialize)]
pub struct ActorRow<'a> {
    /// The name.
    pub name: &'a str,
    /// The row's id anchor.
    pub anchor: String,
    /// Whether it is an alias (not the actor's title).
    pub is_alias: bool,
    /// The actor it names.
    pub actor: ActorLink<'a>,
    /// The parties it is attributed to, each `{code, title, url}`.
    pub parties: Vec<tera::Value>,
    /// How many reports list the actor.
    pub report_count: usize,
}

/// A link to an actor: `{title, url, slug}`.
#[derive(Serialize)]
pub struct ActorLink<'a> {
    /// Its slug.
    pub slug: &'a str,
    /// Its name.
    pub title: &'a str,
    /// Its page.
    pub url: String,
}

/// An actor in `page.actors` of the alias table.
#[derive(Serialize)]
pub struct ActorItem<'a> {
    /// Its name.
    pub title: &'a str,
    /// Its page.
    pub url: String,
    /// One-sentence summary.
    pub summary: &'a str,
    /// How many aliases it has.
    pub alias_count: usize,
}

macro_rules! titled {
    ($($t:ty),*) => {$(
        impl PageContext for $t {
            fn title(&self) -> &str {
                &self.title
            }
        }
    )*};
}
titled!(
    HomePage<'_>,
    ArticlesListPage,
    AgreementsIndexPage,
    PartiesIndexPage<'_>,
    TagsIndexPage<'_>,
    TagPage<'_>,
    YearsIndexPage,
    YearPage,
    ActorsIndexPage<'_>
);

impl<'a> Ctx<'a> {
    /// The summary of report `i` (shared through [`Ctx::article_summary`]).
    pub fn article_item(&self, i: usize) -> ArticleItem<'a> {
        let a = self.archive;
        let e = &a.content.articles[i];
        ArticleItem {
            title: &e.meta.title,
            url: a.urls.path(&paths::article(&e.slug)),
            date: e.meta.date.iso(),
            date_note: e.meta.date_note.as_deref(),
            publisher: &e.meta.source.publisher,
            summary: &e.meta.summary,
            note_count: e.body.notes.len(),
            tags: e
                .meta
                .tags
                .iter()
                .map(|t| TagLink {
                    name: t,
                    url: a.urls.path(&paths::tag(t)),
                })
                .collect(),
            parties: self.parties(&e.meta.parties),
        }
    }

    /// The summary of agreement `i` (shared through [`Ctx::agreement_summary`]).
    pub fn agreement_item(&self, i: usize) -> AgreementItem<'a> {
        let a = self.archive;
        let e = &a.content.agreements[i];
        AgreementItem {
            title: Cow::Borrowed(&e.meta.title),
            short_title: &e.meta.short_title,
            url: a.urls.path(&paths::agreement(&e.slug)),
            date: e.meta.date.iso(),
            date_note: e.meta.date_note.as_deref(),
            summary: &e.meta.summary,
            parties: self.parties(&e.meta.parties),
            form: Term::of(&a.config.agreement_forms, &e.meta.form),
            status: Term::of(&a.config.agreement_statuses, &e.meta.status),
            status_confidence: e.meta.status_confidence.as_deref(),
            parties_confidence: e.meta.parties_confidence.as_deref(),
            coverage_count: a.coverage[i].len(),
        }
    }

    /// `page` for the home page.
    pub fn home(&self) -> HomePage<'a> {
        let a = self.archive;
        let (title, summary, file) = match &a.content.home {
            Some(h) => (
                h.meta.title.as_str(),
                h.meta.summary.as_deref(),
                Some(&h.file.path),
            ),
            None => (a.config.title.as_str(), None, None),
        };
        HomePage {
            title,
            summary: summary.unwrap_or(&a.config.description),
            body: self.body_html(Key {
                kind: Kind::Home,
                idx: 0,
            }),
            latest: self
                .article_summaries(a.articles_by_date.iter().take(a.config.per_page).copied()),
            agreements: self.agreement_summaries(a.agreements_by_date.iter().copied()),
            counts: Counts {
                articles: a.content.articles.len(),
                agreements: a.content.agreements.len(),
                parties: a.content.parties.len(),
                notes: a.content.articles.iter().map(|e| e.body.notes.len()).sum(),
            },
            edit_url: file.and_then(|f| self.edit_url(f)),
        }
    }

    /// `page` for page `n` of the reports list.
    pub fn articles_list(&self, n: usize) -> ArticlesListPage {
        let a = self.archive;
        let per = a.config.per_page.max(1);
        let total = a.articles_by_date.len().div_ceil(per).max(1);
        ArticlesListPage {
            title: if n == 1 {
                "Reports".to_string()
            } else {
                format!("Reports, page {n} of {total}")
            },
            summary: format!(
                "{} archived news reports, newest first.",
                a.articles_by_date.len()
            ),
            items: self.article_summaries(
                a.articles_by_date
                    .iter()
                    .skip((n - 1) * per)
                    .take(per)
                    .copied(),
            ),
            pagination: Pagination {
                current: n,
                total,
                prev: (n > 1).then(|| a.urls.path(&paths::articles_page(n - 1))),
                next: (n < total).then(|| a.urls.path(&paths::articles_page(n + 1))),
            },
        }
    }

    /// `page` for page `n` of the agreements table.
    pub fn agreements_index(&self, n: usize) -> AgreementsIndexPage {
        let a = self.archive;
        let total = plan::agreements_pages(a);
        AgreementsIndexPage {
            title: if n == 1 {
                "Agreements".to_string()
            } else {
                format!("Agreements, page {n} of {total}")
            },
            summary: format!(
                "{} agreements, statements and dialogues, oldest first.",
                a.content.agreements.len()
            ),
            items: self.agreement_summaries(plan::agreements_page(a, n).iter().copied()),
            pagination: Pagination::of(a, n, total, paths::agreements_page),
        }
    }

    /// `page` for the parties index.
    pub fn parties_index(&self) -> PartiesIndexPage<'a> {
        let a = self.archive;
        let mut items: Vec<PartyItem<'a>> = a
            .content
            .parties
            .iter()
            .enumerate()
            .map(|(i, p)| PartyItem {
                title: &p.meta.title,
                code: &p.slug,
                kind: &p.meta.kind,
                summary: &p.meta.summary,
                url: a.urls.path(&paths::party(&p.slug)),
                article_count: a.party_entries[i].0.len(),
                agreement_count: a.party_entries[i].1.len(),
            })
            .collect();
        items.sort_by(|x, y| x.title.cmp(y.title));
        PartiesIndexPage {
            title: "Parties",
            summary: "States, organisations and companies in the archive.",
            items,
        }
    }

    /// `page` for the tags index.
    pub fn tags_index(&self) -> TagsIndexPage<'a> {
        let a = self.archive;
        TagsIndexPage {
            title: "Tags",
            summary: "Topics across the reports.",
            items: a
                .tags
                .iter()
                .map(|(t, v)| TagCount {
                    name: t.as_str(),
                    url: a.urls.path(&paths::tag(t)),
                    count: v.len(),
                })
                .collect(),
        }
    }

    /// `page` for page `n` of one tag.
    pub fn tag(&self, t: &'a str, n: usize) -> TagPage<'a> {
        let a = self.archive;
        let all = &a.tags[t];
        let total = plan::list_pages(a, all.len());
        TagPage {
            title: if n == 1 {
                format!("Tagged “{t}”")
            } else {
                format!("Tagged “{t}”, page {n} of {total}")
            },
            name: t,
            summary: format!("{} reports tagged {t}.", all.len()),
            items: self.article_summaries(plan::page_of(a, all, n).iter().copied()),
            pagination: Pagination::of(a, n, total, |k| paths::tag_page(t, k)),
        }
    }

    /// `page` for the years index.
    pub fn years_index(&self) -> YearsIndexPage {
        let a = self.archive;
        YearsIndexPage {
            title: "Reports by year",
            summary: "The archive, year by year.",
            items: a
                .years
                .iter()
                .rev()
                .map(|(y, v)| YearCount {
                    year: *y,
                    url: a.urls.path(&paths::year(*y)),
                    count: v.len(),
                })
                .collect(),
        }
    }

    /// `page` for page `n` of one year.
    pub fn year(&self, y: i16, n: usize) -> YearPage {
        let a = self.archive;
        let all = &a.years[&y];
        let total = plan::list_pages(a, all.len());
        YearPage {
            title: if n == 1 {
                format!("Reports from {y}")
            } else {
                format!("Reports from {y}, page {n} of {total}")
            },
            year: y,
            summary: format!("{} reports published in {y}.", all.len()),
            items: self.article_summaries(plan::page_of(a, all, n).iter().copied()),
            pagination: Pagination::of(a, n, total, |k| paths::year_page(y, k)),
        }
    }

    /// `page` for the alias table: every name of every actor on its own row,
    /// sorted by name (case-insensitively), each row with an id anchor.
    pub fn actors_index(&self) -> ActorsIndexPage<'a> {
        let a = self.archive;
        let mut rows: Vec<(String, ActorRow<'a>)> = vec![];
        for (i, e) in a.content.actors.iter().enumerate() {
            let url = a.urls.path(&paths::actor(&e.slug));
            let mut codes: Vec<&str> = e
                .meta
                .attribution
                .iter()
                .map(|t| t.party.as_str())
                .collect();
            codes.sort_unstable();
            codes.dedup();
            let parties: Vec<tera::Value> = codes
                .into_iter()
                .filter_map(|c| a.find(Kind::Party, c))
                .map(|p| self.party_ref(p))
                .collect();
            let names = std::iter::once((e.meta.title.as_str(), false))
                .chain(e.meta.aliases.iter().map(|n| (n.as_str(), true)));
            for (name, alias) in names {
                rows.push((
                    name.to_lowercase(),
                    ActorRow {
                        name,
                        anchor: paths::name_anchor(name),
                        is_alias: alias,
                        actor: ActorLink {
                            slug: &e.slug,
                            title: &e.meta.title,
                            url: url.clone(),
                        },
                        parties: parties.clone(),
                        report_count: a.actor_entries[i].0.len(),
                    },
                ));
            }
        }
        rows.sort_by(|x, y| {
            x.0.cmp(&y.0)
                .then_with(|| x.1.actor.slug.cmp(y.1.actor.slug))
        });
        let actors = a
            .content
            .actors
            .iter()
            .map(|e| ActorItem {
                title: &e.meta.title,
                url: a.urls.path(&paths::actor(&e.slug)),
                summary: &e.meta.summary,
                alias_count: e.meta.aliases.len(),
            })
            .collect();
        ActorsIndexPage {
            title: "Threat actors",
            summary: format!("{} threat actors and the {} names they are published under. Every name, aliases included, has its own row.", a.content.actors.len(), rows.len()),
            rows: rows.into_iter().map(|(_, v)| v).collect(),
            actors,
        }
    }
}
