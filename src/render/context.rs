//! Template contexts: what each page kind's template sees under `page`.
//!
//! List items are small summaries computed once and shared, so list pages never
//! copy report bodies.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use serde_json::{json, Value};

use super::fill_links;
use crate::resolve::{Archive, Key, Kind};
use crate::urls::paths;

/// Each report's relations to one agreement, by report index: (relation type
/// key, label shown on the agreement, editor's note), in declaration order.
type ReportRelations<'r> = BTreeMap<usize, Vec<(&'r str, String, Option<&'r str>)>>;

/// Shared, precomputed pieces of every context.
pub struct Ctx<'a> {
    /// The archive.
    pub archive: &'a Archive,
    /// The `site` object.
    pub site: Value,
    article_items: Vec<OnceLock<Value>>,
    agreement_items: Vec<OnceLock<Value>>,
    party_refs: Vec<Value>,
}

impl<'a> Ctx<'a> {
    /// Precomputes summaries.
    pub fn new(a: &'a Archive) -> Self {
        let cfg = &a.config;
        let site = json!({
            "title": cfg.title,
            "description": cfg.description,
            "language": cfg.language,
            "base_url": cfg.base_url,
            "base_path": a.urls.base_path(),
            "repository": cfg.repository,
            "branch": cfg.branch,
            "licence": cfg.licence,
        });
        let party_refs: Vec<Value> = a
            .content
            .parties
            .iter()
            .map(|p| json!({"code": p.slug, "title": p.meta.title, "url": a.urls.path(&paths::party(&p.slug))}))
            .collect();
        Ctx {
            archive: a,
            site,
            // Made on first use: a live rebuild that renders a few pages
            // makes only the summaries those pages show.
            article_items: (0..a.content.articles.len())
                .map(|_| OnceLock::new())
                .collect(),
            agreement_items: (0..a.content.agreements.len())
                .map(|_| OnceLock::new())
                .collect(),
            party_refs,
        }
    }

    /// The summary of report `i` that lists show.
    fn article_summary(&self, i: usize) -> &Value {
        self.article_items[i].get_or_init(|| self.article_item(i))
    }

    /// The summary of agreement `i` that lists show.
    fn agreement_summary_item(&self, i: usize) -> &Value {
        self.agreement_items[i].get_or_init(|| self.agreement_item(i))
    }

    fn parties(&self, codes: &[String]) -> Vec<Value> {
        codes
            .iter()
            .filter_map(|c| self.archive.find(Kind::Party, c))
            .map(|i| self.party_refs[i].clone())
            .collect()
    }

    /// Links to the actors a report or agreement lists.
    fn actors(&self, slugs: &[String]) -> Vec<Value> {
        let a = self.archive;
        slugs
            .iter()
            .filter_map(|s| a.find(Kind::Actor, s))
            .map(|i| {
                let e = &a.content.actors[i];
                json!({"slug": e.slug, "title": e.meta.title, "url": a.urls.path(&paths::actor(&e.slug))})
            })
            .collect()
    }

    fn term(map: &indexmap::IndexMap<String, crate::config::Term>, key: &str) -> Value {
        json!({"key": key, "label": map.get(key).map(|t| t.label.as_str()).unwrap_or(key), "description": map.get(key).and_then(|t| t.description.clone())})
    }

    fn article_item(&self, i: usize) -> Value {
        let a = self.archive;
        let e = &a.content.articles[i];
        json!({
            "title": e.meta.title,
            "url": a.urls.path(&paths::article(&e.slug)),
            "date": e.meta.date.iso(),
            "date_note": e.meta.date_note,
            "publisher": e.meta.source.publisher,
            "summary": e.meta.summary,
            "note_count": e.body.notes.len(),
            "tags": e.meta.tags.iter().map(|t| json!({"name": t, "url": a.urls.path(&paths::tag(t))})).collect::<Vec<_>>(),
            "parties": self.parties(&e.meta.parties),
        })
    }

    fn agreement_item(&self, i: usize) -> Value {
        let a = self.archive;
        let e = &a.content.agreements[i];
        json!({
            "title": e.meta.title,
            "short_title": e.meta.short_title,
            "url": a.urls.path(&paths::agreement(&e.slug)),
            "date": e.meta.date.iso(),
            "date_note": e.meta.date_note,
            "summary": e.meta.summary,
            "parties": self.parties(&e.meta.parties),
            "form": Self::term(&a.config.agreement_forms, &e.meta.form),
            "status": Self::term(&a.config.agreement_statuses, &e.meta.status),
            "status_confidence": e.meta.status_confidence,
            "parties_confidence": e.meta.parties_confidence,
            "coverage_count": a.coverage[i].len(),
        })
    }

    /// A reference to any entry: title, url, kind, date.
    pub fn entry_ref(&self, key: Key) -> Value {
        let a = self.archive;
        json!({
            "title": a.short_title(key),
            "url": a.urls.path(&a.rel_path(key)),
            "kind": key.kind.name(),
            "date": a.date_of(key).map(|d| d.iso()),
        })
    }

    fn backlinks(&self, key: Key) -> Vec<Value> {
        self.archive
            .backlinks
            .get(&key)
            .map(|v| v.iter().map(|k| self.entry_ref(*k)).collect())
            .unwrap_or_default()
    }

    fn body_html(&self, key: Key) -> String {
        let a = self.archive;
        let empty = vec![];
        let links = a.links.get(&key).unwrap_or(&empty);
        a.body(key)
            .map(|b| fill_links(&b.html, links))
            .unwrap_or_default()
    }

    fn edit_url(&self, file: &std::path::Path) -> Option<String> {
        let cfg = &self.archive.config;
        cfg.repository.as_ref().map(|r| {
            format!(
                "{}/edit/{}/{}",
                r.trim_end_matches('/'),
                cfg.branch,
                file.to_string_lossy().replace('\\', "/")
            )
        })
    }

    /// "Last updated" and the latest changes of a content file, from git, with
    /// links to the commits when the repository is known. `null` without history.
    fn history(&self, file: &std::path::Path) -> Value {
        const SHOWN: usize = 8;
        let changes = self.archive.history.of(file);
        let Some(last) = changes.first() else {
            return Value::Null;
        };
        let repo = self.archive.config.repository.as_deref();
        let list: Vec<Value> = changes
            .iter()
            .take(SHOWN)
            .map(|c| {
                json!({
                    "date": c.date,
                    "subject": c.subject,
                    "short": &c.hash[..c.hash.len().min(7)],
                    "url": repo.map(|r| format!("{}/commit/{}", r.trim_end_matches('/'), c.hash)),
                })
            })
            .collect();
        json!({
            "updated": last.date,
            "changes": list,
            "more": changes.len().saturating_sub(SHOWN),
            "log_url": repo.map(|r| format!(
                "{}/commits/{}/{}",
                r.trim_end_matches('/'),
                self.archive.config.branch,
                file.to_string_lossy().replace('\\', "/")
            )),
        })
    }

    /// `page.cite`: the reference and citation files of a report or agreement.
    fn cite(&self, key: Key) -> Value {
        super::cite::citation(self.archive, key)
            .map(|c| c.context(self.archive, &self.archive.rel_path(key)))
            .unwrap_or(Value::Null)
    }

    /// "Suggest a correction": a new issue from the correction form, pre-filled
    /// with the page's title and address.
    pub fn correction_url(&self, title: &str, rel: &str) -> Option<String> {
        let cfg = &self.archive.config;
        let page = self.archive.urls.absolute(rel);
        cfg.repository.as_ref().map(|r| {
            format!(
                "{}/issues/new?template=correction.yml&title={}&page-url={}",
                r.trim_end_matches('/'),
                urlencode(&format!("Correction: {title}")),
                urlencode(&page)
            )
        })
    }

    /// `page` for the home page.
    pub fn home(&self) -> Value {
        let a = self.archive;
        let latest: Vec<Value> = a
            .articles_by_date
            .iter()
            .take(a.config.per_page)
            .map(|&i| self.article_summary(i).clone())
            .collect();
        let agreements: Vec<Value> = a
            .agreements_by_date
            .iter()
            .map(|&i| self.agreement_summary_item(i).clone())
            .collect();
        let (title, summary, file) = match &a.content.home {
            Some(h) => (
                h.meta.title.clone(),
                h.meta.summary.clone(),
                Some(h.file.path.clone()),
            ),
            None => (a.config.title.clone(), None, None),
        };
        json!({
            "title": title,
            "summary": summary.unwrap_or_else(|| a.config.description.clone()),
            "body": self.body_html(Key { kind: Kind::Home, idx: 0 }),
            "latest": latest,
            "agreements": agreements,
            "counts": {"articles": a.content.articles.len(), "agreements": a.content.agreements.len(), "parties": a.content.parties.len(), "notes": a.content.articles.iter().map(|e| e.body.notes.len()).sum::<usize>()},
            "edit_url": file.and_then(|f| self.edit_url(&f)),
        })
    }

    /// `page` for a report.
    pub fn article(&self, i: usize) -> Value {
        let a = self.archive;
        let e = &a.content.articles[i];
        let key = Key {
            kind: Kind::Article,
            idx: i,
        };
        let empty = vec![];
        let links = a.links.get(&key).unwrap_or(&empty);
        let notes: Vec<Value> = e
            .body
            .notes
            .iter()
            .map(|n| {
                let decl = &e.meta.annotations[n.index];
                let fragment = if decl.sources.iter().any(|s| s.url == e.meta.source.url) {
                    Some(text_fragment_url(
                        &e.meta.source.url,
                        &n.prefix,
                        &n.exact,
                        &n.suffix,
                    ))
                } else {
                    None
                };
                json!({
                    "number": n.number,
                    "kind": Self::term(&a.config.annotation_kinds, &decl.kind),
                    "html": fill_links(&n.note_html, links),
                    "exact": n.exact,
                    "quoted": quoted(&n.exact),
                    "sources": decl.sources,
                    "confidence": decl.confidence,
                    "date": decl.date.map(|d| d.iso()),
                    "original_passage_url": fragment,
                })
            })
            .collect();
        let relations: Vec<Value> = a
            .relations
            .iter()
            .filter(|r| r.from == key)
            .map(|r| json!({"label": a.config.relation_types[&r.kind].label, "target": self.entry_ref(r.to), "note": r.note}))
            .collect();
        let mut item = self.article_summary(i).clone();
        let m = item.as_object_mut().unwrap();
        m.insert("body".into(), json!(self.body_html(key)));
        m.insert("notes".into(), json!(notes));
        m.insert("source".into(), json!(e.meta.source));
        m.insert(
            "agreements".into(),
            json!(e
                .meta
                .agreements
                .iter()
                .filter_map(|s| a.find(Kind::Agreement, s))
                .map(|g| self.agreement_summary_item(g).clone())
                .collect::<Vec<_>>()),
        );
        m.insert("relations".into(), json!(relations));
        m.insert("actors".into(), json!(self.actors(&e.meta.actors)));
        m.insert(
            "corrected".into(),
            json!(super::corrections::of_article(a, i)),
        );
        m.insert(
            "related".into(),
            json!(a.related[i]
                .iter()
                .map(|&r| self.article_summary(r).clone())
                .collect::<Vec<_>>()),
        );
        m.insert("backlinks".into(), json!(self.backlinks(key)));
        m.insert("word_count".into(), json!(e.body.word_count));
        m.insert(
            "has_footnotes".into(),
            json!(e.body.html.contains("footnote-definition")),
        );
        m.insert("edit_url".into(), json!(self.edit_url(&e.file.path)));
        m.insert("history".into(), self.history(&e.file.path));
        m.insert("cite".into(), self.cite(key));
        item
    }

    /// `page` for an agreement.
    pub fn agreement(&self, i: usize) -> Value {
        let a = self.archive;
        let e = &a.content.agreements[i];
        let key = Key {
            kind: Kind::Agreement,
            idx: i,
        };
        // Outgoing relations grouped by label, incoming by inverse label;
        // reports' relations go to the coverage list instead.
        let mut out_groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut in_groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut related: HashSet<Key> = HashSet::new();
        let mut report_rels: ReportRelations<'_> = BTreeMap::new();
        for r in &a.relations {
            let rt = &a.config.relation_types[&r.kind];
            if r.from == key {
                related.insert(r.to);
                out_groups
                    .entry(rt.label.clone())
                    .or_default()
                    .push(json!({"target": self.entry_ref(r.to), "note": r.note}));
            } else if r.to == key && r.from.kind == Kind::Article {
                report_rels.entry(r.from.idx).or_default().push((
                    r.kind.as_str(),
                    rt.inverse_label().to_string(),
                    r.note.as_deref(),
                ));
            } else if r.to == key
                && !(rt.symmetric
                    && a.relations
                        .iter()
                        .any(|o| o.from == key && o.to == r.from && o.kind == r.kind))
            {
                // (A symmetric relation declared from both sides is shown once.)
                related.insert(r.from);
                let label = if rt.symmetric {
                    rt.label.clone()
                } else {
                    rt.inverse_label().to_string()
                };
                in_groups
                    .entry(label)
                    .or_default()
                    .push(json!({"target": self.entry_ref(r.from), "note": r.note}));
            }
        }
        let groups = |m: BTreeMap<String, Vec<Value>>| -> Vec<Value> {
            m.into_iter()
                .map(|(label, mut items)| {
                    items.sort_by(|x, y| {
                        x["target"]["date"]
                            .as_str()
                            .cmp(&y["target"]["date"].as_str())
                    });
                    json!({"label": label, "items": items})
                })
                .collect()
        };
        let mut relations = groups(out_groups);
        relations.extend(groups(in_groups));
        let clauses: Vec<Value> = e
            .meta
            .clauses
            .iter()
            .map(|c| {
                let family = a.clauses.get(&c.id).map(|v| v.len()).unwrap_or(0);
                json!({"id": c.id, "text": c.text, "url": if family >= 2 { Some(a.urls.path(&paths::clause(&c.id))) } else { None }, "family": family})
            })
            .collect();
        let rel = paths::agreement(&e.slug);
        let mut item = self.agreement_summary_item(i).clone();
        let m = item.as_object_mut().unwrap();
        m.insert("body".into(), json!(self.body_html(key)));
        m.insert("text_url".into(), json!(e.meta.text_url));
        m.insert("text_archived".into(), json!(e.meta.text_archived));
        m.insert("relations".into(), json!(relations));
        let (coverage, count) = self.coverage_groups(i, &report_rels);
        m.insert("coverage".into(), json!(coverage));
        m.insert("coverage_total".into(), json!(count));
        m.insert("clauses".into(), json!(clauses));
        m.insert("actors".into(), json!(self.actors(&e.meta.actors)));
        // Reports are all in the coverage list and related agreements under
        // Relations: "Mentioned in" keeps only what neither shows.
        let others: Vec<Value> = a
            .backlinks
            .get(&key)
            .map(|v| {
                v.iter()
                    .filter(|k| k.kind != Kind::Article && !related.contains(k))
                    .map(|k| self.entry_ref(*k))
                    .collect()
            })
            .unwrap_or_default();
        m.insert("backlinks".into(), json!(others));
        m.insert(
            "feed_url".into(),
            json!(a.urls.path(&format!("{rel}feed.xml"))),
        );
        m.insert("edit_url".into(), json!(self.edit_url(&e.file.path)));
        m.insert("history".into(), self.history(&e.file.path));
        m.insert("cite".into(), self.cite(key));
        item
    }

    /// An agreement's one coverage list: every report that covers it (its
    /// `agreements:`), declares a relation to it or links to it, once, under
    /// its first relation to it (groups in the order of `relation_types`), then
    /// "Other coverage", then "Also mentioned in"; oldest first in each group.
    /// Returns the groups and the number of reports.
    fn coverage_groups(&self, i: usize, report_rels: &ReportRelations<'_>) -> (Vec<Value>, usize) {
        let a = self.archive;
        let key = Key {
            kind: Kind::Agreement,
            idx: i,
        };
        let covering: HashSet<usize> = a.coverage[i].iter().copied().collect();
        let mentioning: Vec<usize> = a
            .backlinks
            .get(&key)
            .map(|v| {
                v.iter()
                    .filter(|k| k.kind == Kind::Article)
                    .map(|k| k.idx)
                    .collect()
            })
            .unwrap_or_default();
        let mut reports: Vec<usize> = a.coverage[i].clone();
        reports.extend(report_rels.keys().copied());
        reports.extend(mentioning);
        let mut seen = HashSet::new();
        reports.retain(|r| seen.insert(*r));
        // group index → items; relation types first, in site.yaml order.
        let types = &a.config.relation_types;
        let other = types.len();
        let mentioned = types.len() + 1;
        let mut groups: BTreeMap<usize, (String, Vec<(String, Value)>)> = BTreeMap::new();
        for &r in &reports {
            let mut item = self.article_item(r);
            let rels = report_rels.get(&r);
            let g = match rels.and_then(|v| v.first()) {
                Some((kind, label, _)) => {
                    let g = types.get_index_of(*kind).unwrap_or(other);
                    groups.entry(g).or_insert_with(|| (label.clone(), vec![]));
                    g
                }
                None if covering.contains(&r) => {
                    groups
                        .entry(other)
                        .or_insert_with(|| ("Other coverage".into(), vec![]));
                    other
                }
                None => {
                    groups
                        .entry(mentioned)
                        .or_insert_with(|| ("Also mentioned in".into(), vec![]));
                    mentioned
                }
            };
            let m = item.as_object_mut().unwrap();
            m.insert(
                "relations".into(),
                json!(rels
                    .map(|v| v
                        .iter()
                        .map(|(_, label, note)| json!({"label": label, "note": note}))
                        .collect::<Vec<_>>())
                    .unwrap_or_default()),
            );
            m.insert("mention_only".into(), json!(g == mentioned));
            let date = a.content.articles[r].meta.date.iso();
            groups.get_mut(&g).unwrap().1.push((date, item));
        }
        let out = groups
            .into_values()
            .map(|(label, mut items)| {
                items.sort_by(|x, y| x.0.cmp(&y.0));
                json!({"label": label, "items": items.into_iter().map(|(_, v)| v).collect::<Vec<_>>()})
            })
            .collect();
        (out, reports.len())
    }

    /// `page` for page `n` of a party: the first page shows the party, its
    /// agreements, the first `per_page` of its reports (newest first) and what
    /// links to it; the next pages its further reports.
    pub fn party(&self, i: usize, n: usize) -> Value {
        let a = self.archive;
        let e = &a.content.parties[i];
        let key = Key {
            kind: Kind::Party,
            idx: i,
        };
        let (arts, agrs) = &a.party_entries[i];
        let total = super::plan::list_pages(a, arts.len());
        let articles: Vec<Value> = super::plan::page_of(a, arts, n)
            .iter()
            .map(|&r| self.article_summary(r).clone())
            .collect();
        let pagination = pagination(a, n, total, |k| paths::party_page(&e.slug, k));
        if n > 1 {
            return json!({
                "title": format!("{}, reports page {n} of {total}", e.meta.title),
                "party_title": e.meta.title,
                "url": a.urls.path(&paths::party(&e.slug)),
                "code": e.slug,
                "kind": e.meta.kind,
                "summary": format!("Reports involving {}, newest first.", e.meta.title),
                "articles": articles,
                "article_count": arts.len(),
                "agreements": [],
                "backlinks": [],
                "pagination": pagination,
            });
        }
        json!({
            "title": e.meta.title,
            "code": e.slug,
            "kind": e.meta.kind,
            "summary": e.meta.summary,
            "body": self.body_html(key),
            "articles": articles,
            "article_count": arts.len(),
            "agreements": agrs.iter().map(|&g| self.agreement_summary_item(g).clone()).collect::<Vec<_>>(),
            "backlinks": self.backlinks(key),
            "edit_url": self.edit_url(&e.file.path),
            "history": self.history(&e.file.path),
            "pagination": pagination,
        })
    }

    /// `page` for a threat actor: its names, attributions with their sources,
    /// the reports and agreements that list it (oldest first) and what links to it.
    pub fn actor(&self, i: usize) -> Value {
        let a = self.archive;
        let e = &a.content.actors[i];
        let key = Key {
            kind: Kind::Actor,
            idx: i,
        };
        let (arts, agrs) = &a.actor_entries[i];
        let mut arts: Vec<Value> = arts
            .iter()
            .map(|&r| self.article_summary(r).clone())
            .collect();
        arts.reverse();
        let attribution: Vec<Value> = e
            .meta
            .attribution
            .iter()
            .map(|at| {
                let party = a.find(Kind::Party, &at.party).map(|p| self.party_refs[p].clone());
                json!({"party": party, "unit": at.unit, "by": at.by, "date": at.date.iso(), "sources": at.sources, "confidence": at.confidence})
            })
            .collect();
        json!({
            "title": e.meta.title,
            "slug": e.slug,
            "summary": e.meta.summary,
            "aliases": e.meta.aliases.iter().map(|n| json!({"name": n, "anchor": paths::name_anchor(n), "table_url": a.urls.path(&paths::actor_name(&paths::name_anchor(n)))})).collect::<Vec<_>>(),
            "attribution": attribution,
            "body": self.body_html(key),
            "articles": arts,
            "agreements": agrs.iter().map(|&g| self.agreement_summary_item(g).clone()).collect::<Vec<_>>(),
            "backlinks": self.backlinks(key),
            "index_url": a.urls.path("actors/"),
            "edit_url": self.edit_url(&e.file.path),
            "history": self.history(&e.file.path),
            "cite": self.cite(key),
        })
    }

    /// `page` for the alias table: every name of every actor on its own row,
    /// sorted by name (case-insensitively), each row with an id anchor.
    pub fn actors_index(&self) -> Value {
        let a = self.archive;
        let mut rows: Vec<(String, Value)> = vec![];
        for (i, e) in a.content.actors.iter().enumerate() {
            let url = a.urls.path(&paths::actor(&e.slug));
            let parties: Vec<Value> = {
                let mut codes: Vec<&str> = e
                    .meta
                    .attribution
                    .iter()
                    .map(|t| t.party.as_str())
                    .collect();
                codes.sort_unstable();
                codes.dedup();
                codes
                    .into_iter()
                    .filter_map(|c| a.find(Kind::Party, c))
                    .map(|p| self.party_refs[p].clone())
                    .collect()
            };
            let names = std::iter::once((e.meta.title.as_str(), false))
                .chain(e.meta.aliases.iter().map(|n| (n.as_str(), true)));
            for (name, alias) in names {
                rows.push((
                    name.to_lowercase(),
                    json!({
                        "name": name,
                        "anchor": paths::name_anchor(name),
                        "is_alias": alias,
                        "actor": {"title": e.meta.title, "url": url, "slug": e.slug},
                        "parties": parties,
                        "report_count": a.actor_entries[i].0.len(),
                    }),
                ));
            }
        }
        rows.sort_by(|x, y| {
            x.0.cmp(&y.0).then_with(|| {
                x.1["actor"]["slug"]
                    .as_str()
                    .cmp(&y.1["actor"]["slug"].as_str())
            })
        });
        let actors: Vec<Value> = a
            .content
            .actors
            .iter()
            .map(|e| json!({"title": e.meta.title, "url": a.urls.path(&paths::actor(&e.slug)), "summary": e.meta.summary, "alias_count": e.meta.aliases.len()}))
            .collect();
        json!({
            "title": "Threat actors",
            "summary": format!("{} threat actors and the {} names they are published under. Every name, aliases included, has its own row.", a.content.actors.len(), rows.len()),
            "rows": rows.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
            "actors": actors,
        })
    }

    /// `page` for a free-standing page.
    pub fn page(&self, i: usize) -> Value {
        let a = self.archive;
        let e = &a.content.pages[i];
        let key = Key {
            kind: Kind::Page,
            idx: i,
        };
        json!({
            "title": e.meta.title,
            "summary": e.meta.summary,
            "body": self.body_html(key),
            "edit_url": self.edit_url(&e.file.path),
            "history": self.history(&e.file.path),
            "vocabularies": {
                "annotation_kinds": a.config.annotation_kinds.keys().map(|k| Self::term(&a.config.annotation_kinds, k)).collect::<Vec<_>>(),
                "agreement_forms": a.config.agreement_forms.keys().map(|k| Self::term(&a.config.agreement_forms, k)).collect::<Vec<_>>(),
                "agreement_statuses": a.config.agreement_statuses.keys().map(|k| Self::term(&a.config.agreement_statuses, k)).collect::<Vec<_>>(),
                "relation_types": a.config.relation_types.iter().map(|(k, r)| json!({"key": k, "label": r.label, "inverse": r.inverse_label()})).collect::<Vec<_>>(),
            },
        })
    }

    /// `page` for page `n` of the reports list.
    pub fn articles_list(&self, n: usize) -> Value {
        let a = self.archive;
        let per = a.config.per_page.max(1);
        let total = a.articles_by_date.len().div_ceil(per).max(1);
        let items: Vec<Value> = a
            .articles_by_date
            .iter()
            .skip((n - 1) * per)
            .take(per)
            .map(|&i| self.article_summary(i).clone())
            .collect();
        json!({
            "title": if n == 1 { "Reports".to_string() } else { format!("Reports, page {n} of {total}") },
            "summary": format!("{} archived news reports, newest first.", a.articles_by_date.len()),
            "items": items,
            "pagination": {
                "current": n,
                "total": total,
                "prev": if n > 1 { Some(a.urls.path(&paths::articles_page(n - 1))) } else { None },
                "next": if n < total { Some(a.urls.path(&paths::articles_page(n + 1))) } else { None },
            },
        })
    }

    /// `page` for the agreements table.
    pub fn agreements_index(&self) -> Value {
        let a = self.archive;
        json!({
            "title": "Agreements",
            "summary": format!("{} agreements, statements and dialogues, oldest first.", a.content.agreements.len()),
            "items": a.agreements_by_date.iter().map(|&i| self.agreement_summary_item(i).clone()).collect::<Vec<_>>(),
        })
    }

    /// `page` for the parties index.
    pub fn parties_index(&self) -> Value {
        let a = self.archive;
        let mut items: Vec<Value> = a
            .content
            .parties
            .iter()
            .enumerate()
            .map(|(i, p)| json!({"title": p.meta.title, "code": p.slug, "kind": p.meta.kind, "summary": p.meta.summary, "url": a.urls.path(&paths::party(&p.slug)), "article_count": a.party_entries[i].0.len(), "agreement_count": a.party_entries[i].1.len()}))
            .collect();
        items.sort_by(|x, y| x["title"].as_str().cmp(&y["title"].as_str()));
        json!({"title": "Parties", "summary": "States, organisations and companies in the archive.", "items": items})
    }

    /// `page` for the tags index.
    pub fn tags_index(&self) -> Value {
        let a = self.archive;
        let items: Vec<Value> = a
            .tags
            .iter()
            .map(|(t, v)| json!({"name": t, "url": a.urls.path(&paths::tag(t)), "count": v.len()}))
            .collect();
        json!({"title": "Tags", "summary": "Topics across the reports.", "items": items})
    }

    /// `page` for page `n` of one tag: `per_page` of its reports, newest first.
    pub fn tag(&self, t: &str, n: usize) -> Value {
        let a = self.archive;
        let all = &a.tags[t];
        let total = super::plan::list_pages(a, all.len());
        let items: Vec<Value> = super::plan::page_of(a, all, n)
            .iter()
            .map(|&i| self.article_summary(i).clone())
            .collect();
        let title = if n == 1 {
            format!("Tagged “{t}”")
        } else {
            format!("Tagged “{t}”, page {n} of {total}")
        };
        json!({
            "title": title,
            "name": t,
            "summary": format!("{} reports tagged {t}.", all.len()),
            "items": items,
            "pagination": pagination(a, n, total, |k| paths::tag_page(t, k)),
        })
    }

    /// `page` for the years index.
    pub fn years_index(&self) -> Value {
        let a = self.archive;
        let items: Vec<Value> = a
            .years
            .iter()
            .rev()
            .map(
                |(y, v)| json!({"year": y, "url": a.urls.path(&paths::year(*y)), "count": v.len()}),
            )
            .collect();
        json!({"title": "Reports by year", "summary": "The archive, year by year.", "items": items})
    }

    /// `page` for page `n` of one year: `per_page` of its reports, newest first.
    pub fn year(&self, y: i16, n: usize) -> Value {
        let a = self.archive;
        let all = &a.years[&y];
        let total = super::plan::list_pages(a, all.len());
        let items: Vec<Value> = super::plan::page_of(a, all, n)
            .iter()
            .map(|&i| self.article_summary(i).clone())
            .collect();
        let title = if n == 1 {
            format!("Reports from {y}")
        } else {
            format!("Reports from {y}, page {n} of {total}")
        };
        json!({
            "title": title,
            "year": y,
            "summary": format!("{} reports published in {y}.", all.len()),
            "items": items,
            "pagination": pagination(a, n, total, |k| paths::year_page(y, k)),
        })
    }

    /// A summary item for an agreement (for other modules).
    pub fn agreement_summary(&self, i: usize) -> &Value {
        self.agreement_summary_item(i)
    }
}

/// Where page `n` of `total` is, and its neighbours (`prev`, `next`: paths
/// or null), for a paginated list whose page `k` is at `rel(k)`.
fn pagination(a: &Archive, n: usize, total: usize, rel: impl Fn(usize) -> String) -> Value {
    json!({
        "current": n,
        "total": total,
        "prev": if n > 1 { Some(a.urls.path(&rel(n - 1))) } else { None },
        "next": if n < total { Some(a.urls.path(&rel(n + 1))) } else { None },
    })
}

/// The quoted words in curly quotes, adding only the marks they do not carry
/// themselves (a quote that starts with its own “ gets only the closing ”).
pub fn quoted(exact: &str) -> String {
    let open = if exact.starts_with(['"', '“', '\'', '‘']) {
        ""
    } else {
        "“"
    };
    let close = if exact.ends_with(['"', '”', '\'', '’']) {
        ""
    } else {
        "”"
    };
    format!("{open}{exact}{close}")
}

/// `url#:~:text=prefix-,exact,-suffix`, each part percent-encoded.
pub fn text_fragment_url(url: &str, prefix: &str, exact: &str, suffix: &str) -> String {
    let enc = |s: &str| {
        urlencode(s)
            .replace('-', "%2D")
            .replace(',', "%2C")
            .replace('&', "%26")
    };
    let mut frag = String::new();
    let prefix = last_words(prefix, 3);
    let suffix = first_words(suffix, 3);
    if !prefix.is_empty() {
        frag.push_str(&enc(&prefix));
        frag.push_str("-,");
    }
    frag.push_str(&enc(exact));
    if !suffix.is_empty() {
        frag.push_str(",-");
        frag.push_str(&enc(&suffix));
    }
    let base = url.split('#').next().unwrap_or(url);
    format!("{base}#:~:text={frag}")
}

fn last_words(s: &str, n: usize) -> String {
    let w: Vec<&str> = s.split_whitespace().collect();
    // Drop a partial first word when the context was cut mid-word.
    let start = w.len().saturating_sub(n);
    w[start..].join(" ")
}

fn first_words(s: &str, n: usize) -> String {
    s.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

/// Percent-encodes everything but unreserved characters.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'~' | b'-' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
