//! Stage 2, resolve: every rule that spans files. Builds the [`Archive`] —
//! slugs, vocabularies, relations and their inverses, wiki links, backlinks,
//! taxonomies, related reports, clause families — and turns every broken
//! reference into a diagnostic at its line and column.
//!
//! Here: the archive type, its entry handles and `resolve` itself; the rules
//! are in `vocabularies`, `references` (party and agreement lists,
//! relations), `links` (wiki and path links) and `indexes` (what render reads).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::config::SiteConfig;
use crate::content::model::PARTY_KINDS;
use crate::content::{is_valid_slug, Content, Entry};
use crate::diagnostics::Diagnostic;
use crate::markdown::{escape_html, LinkKind, RenderedBody};
use crate::urls::{paths, Urls};
use crate::yaml::closest;

mod indexes;
mod links;
mod references;
mod vocabularies;

use indexes::*;
use links::*;
use references::*;
use vocabularies::*;

/// Most words a clause's text may have: a clause quotes one commitment, and a
/// word-by-word comparison of longer texts helps no reader (see `render::clauses`).
pub const MAX_CLAUSE_WORDS: usize = 1_000;

/// Which collection an entry is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A report.
    Article,
    /// An agreement.
    Agreement,
    /// A party.
    Party,
    /// A threat actor.
    Actor,
    /// A free-standing page.
    Page,
    /// The home page.
    Home,
}

impl Kind {
    /// Every kind, in the order wiki links and listings try them.
    pub const ALL: [Kind; 6] = [
        Kind::Agreement,
        Kind::Article,
        Kind::Party,
        Kind::Actor,
        Kind::Page,
        Kind::Home,
    ];

    /// What readers call an entry of this kind: `report`, `agreement`,
    /// `party`, `threat actor`, `page` (the home page is a page).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Article => "report",
            Kind::Agreement => "agreement",
            Kind::Party => "party",
            Kind::Actor => "threat actor",
            Kind::Page | Kind::Home => "page",
        }
    }

    /// The content folder name.
    pub fn section(self) -> &'static str {
        match self {
            Kind::Article => "articles",
            Kind::Agreement => "agreements",
            Kind::Party => "parties",
            Kind::Actor => "actors",
            Kind::Page => "pages",
            Kind::Home => "",
        }
    }

    /// Site-relative path of the entry of this kind with `slug`.
    pub fn path(self, slug: &str) -> String {
        match self {
            Kind::Article => paths::article(slug),
            Kind::Agreement => paths::agreement(slug),
            Kind::Party => paths::party(slug),
            Kind::Actor => paths::actor(slug),
            Kind::Page => paths::page(slug),
            Kind::Home => String::new(),
        }
    }
}

impl Content {
    /// The entry at `key`, whatever its kind (`None` past the end, or for a
    /// missing home page).
    pub fn entry(&self, key: Key) -> Option<EntryRef<'_>> {
        fn of<'a, M>(key: Key, e: &'a Entry<M>, title: &'a str) -> EntryRef<'a> {
            EntryRef {
                key,
                slug: &e.slug,
                file: &e.file,
                title,
                short_title: title,
                date: None,
                body: &e.body,
            }
        }
        let i = key.idx;
        Some(match key.kind {
            Kind::Article => {
                let e = self.articles.get(i)?;
                EntryRef {
                    date: Some(e.meta.date),
                    ..of(key, e, &e.meta.title)
                }
            }
            Kind::Agreement => {
                let e = self.agreements.get(i)?;
                EntryRef {
                    date: Some(e.meta.date),
                    short_title: &e.meta.short_title,
                    ..of(key, e, &e.meta.title)
                }
            }
            Kind::Party => {
                let e = self.parties.get(i)?;
                of(key, e, &e.meta.title)
            }
            Kind::Actor => {
                let e = self.actors.get(i)?;
                of(key, e, &e.meta.title)
            }
            Kind::Page => {
                let e = self.pages.get(i)?;
                of(key, e, &e.meta.title)
            }
            Kind::Home => {
                let e = self.home.as_ref()?;
                EntryRef {
                    slug: "",
                    ..of(key, e, &e.meta.title)
                }
            }
        })
    }

    /// How many entries of `kind` there are.
    pub fn count(&self, kind: Kind) -> usize {
        match kind {
            Kind::Article => self.articles.len(),
            Kind::Agreement => self.agreements.len(),
            Kind::Party => self.parties.len(),
            Kind::Actor => self.actors.len(),
            Kind::Page => self.pages.len(),
            Kind::Home => usize::from(self.home.is_some()),
        }
    }

    /// Every entry's key, kind by kind in [`Kind::ALL`] order.
    pub fn keys(&self) -> impl Iterator<Item = Key> + '_ {
        Kind::ALL
            .into_iter()
            .flat_map(move |kind| (0..self.count(kind)).map(move |idx| Key { kind, idx }))
    }
}

/// An entry of the archive: its kind and index in that collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// Collection.
    pub kind: Kind,
    /// Index in the collection.
    pub idx: usize,
}

impl Key {
    fn new(kind: Kind, idx: usize) -> Self {
        Key { kind, idx }
    }
}

/// A link placeholder, resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedLink {
    /// The href, with base path.
    pub href: String,
    /// HTML-escaped default text (the target's short title).
    pub text: String,
    /// The same title, unescaped.
    pub title: String,
}

/// A typed relation between two entries (the target is always an agreement).
#[derive(Debug, Clone)]
pub struct Relation {
    /// Declaring entry.
    pub from: Key,
    /// Agreement pointed at.
    pub to: Key,
    /// Relation type key.
    pub kind: String,
    /// Editor's note.
    pub note: Option<String>,
}

/// The resolved archive: content plus every cross-file fact render needs.
#[derive(Debug, Clone)]
pub struct Archive {
    /// Site settings.
    pub config: SiteConfig,
    /// URL builder.
    pub urls: Urls,
    /// The loaded content.
    pub content: Content,
    /// Resolved link placeholders, per entry.
    pub links: HashMap<Key, Vec<ResolvedLink>>,
    /// All relations, in declaration order.
    pub relations: Vec<Relation>,
    /// For each entry at either end of a relation, the indices of its
    /// relations in `relations`, in declaration order (see
    /// [`Archive::relations_of`]).
    pub relations_by_entry: HashMap<Key, Vec<usize>>,
    /// What links to each entry, in date order.
    pub backlinks: HashMap<Key, Vec<Key>>,
    /// Reports covering each agreement, oldest first.
    pub coverage: Vec<Vec<usize>>,
    /// Reports newest first.
    pub articles_by_date: Vec<usize>,
    /// Agreements oldest first.
    pub agreements_by_date: Vec<usize>,
    /// Tag → reports, newest first.
    pub tags: BTreeMap<String, Vec<usize>>,
    /// Year → reports, newest first.
    pub years: BTreeMap<i16, Vec<usize>>,
    /// Party index → (reports, agreements).
    pub party_entries: Vec<(Vec<usize>, Vec<usize>)>,
    /// For each report, related reports (most shared agreements, then newest).
    pub related: Vec<Vec<usize>>,
    /// Clause id → (agreement index, clause index), in date order.
    pub clauses: BTreeMap<String, Vec<(usize, usize)>>,
    /// Actor index → (reports, agreements) that list it, reports newest first,
    /// agreements oldest first.
    pub actor_entries: Vec<(Vec<usize>, Vec<usize>)>,
    /// Each content file's git history (empty without a full git checkout).
    pub history: std::sync::Arc<crate::history::History>,
    slug_index: HashMap<(Kind, String), usize>,
    /// Every name of every actor (slug, title, aliases) by [`name_key`] →
    /// (actor index, the name as the actor file spells it).
    actor_names: HashMap<String, (usize, String)>,
}

/// A name compared as wiki links compare actor names: lowercase, without
/// spaces, hyphens or underscores (`Stone Panda` = `stone-panda` = `STONEPANDA`).
pub fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '\u{2010}'..='\u{2015}'))
        .flat_map(char::to_lowercase)
        .collect()
}

impl Archive {
    /// The relations `k` is at either end of, in declaration order, without
    /// looking through every relation of the archive.
    pub fn relations_of(&self, k: Key) -> impl Iterator<Item = &Relation> {
        self.relations_by_entry
            .get(&k)
            .into_iter()
            .flatten()
            .map(|&i| &self.relations[i])
    }

    /// Looks up an entry by kind and slug.
    pub fn find(&self, kind: Kind, slug: &str) -> Option<usize> {
        self.slug_index.get(&(kind, slug.to_string())).copied()
    }

    /// The handle of an entry: what every kind of entry has (`None` only for
    /// a missing home page).
    pub fn entry(&self, key: Key) -> Option<EntryRef<'_>> {
        self.content.entry(key)
    }

    /// Site-relative path of an entry.
    pub fn rel_path(&self, key: Key) -> String {
        self.entry(key).map(|e| e.rel()).unwrap_or_default()
    }

    /// Short title of an entry (used as default link text).
    pub fn short_title(&self, key: Key) -> &str {
        self.entry(key).map(|e| e.short_title).unwrap_or("")
    }

    /// Date of an entry, for ordering (parties and pages have none).
    pub fn date_of(&self, key: Key) -> Option<crate::content::date::Date> {
        self.entry(key).and_then(|e| e.date)
    }

    /// The rendered body of an entry.
    pub fn body(&self, key: Key) -> Option<&RenderedBody> {
        self.entry(key).map(|e| e.body)
    }

    /// The actor a wiki-link name stands for: its slug or any alias, ignoring
    /// case, spaces and hyphens.
    pub fn actor_by_name(&self, name: &str) -> Option<usize> {
        self.actor_names.get(&name_key(name)).map(|(i, _)| *i)
    }
}

/// One handle per entry, whatever its kind: its slug, file, title, date,
/// body and URL, so code that treats entries alike needs no match on kinds.
#[derive(Debug, Clone, Copy)]
pub struct EntryRef<'a> {
    /// Kind and index.
    pub key: Key,
    /// File stem (empty for the home page's URL).
    pub slug: &'a str,
    /// The source file.
    pub file: &'a crate::source::SourceFile,
    /// Full title.
    pub title: &'a str,
    /// Short title (agreements have one; otherwise the title).
    pub short_title: &'a str,
    /// Date (reports and agreements).
    pub date: Option<crate::content::date::Date>,
    /// Rendered body.
    pub body: &'a RenderedBody,
}

impl EntryRef<'_> {
    /// Site-relative path of the entry's page.
    pub fn rel(&self) -> String {
        self.key.kind.path(self.slug)
    }
}

/// Builds the archive and reports every broken cross-file reference.
pub fn resolve(config: SiteConfig, content: Content) -> (Archive, Vec<Diagnostic>) {
    let (archive, diags) = resolve_parts(config, content);
    let all = diags.all(&archive.content.failed);
    (archive, all)
}

/// The diagnostics of a resolve, kept apart so that the live server can
/// resolve one entry's links again ([`Archive::relink`]) and get exactly the
/// diagnostics a whole resolve would give.
#[derive(Debug, Clone, Default)]
pub struct ResolveDiags {
    /// Everything but the links: vocabularies, names, references, relations.
    before_links: Vec<Diagnostic>,
    /// Each entry's broken links, in key order.
    links: Vec<(Key, Vec<Diagnostic>)>,
}

impl ResolveDiags {
    /// Every diagnostic, as [`resolve`] returns them.
    pub fn all(&self, failed: &[crate::content::Failed]) -> Vec<Diagnostic> {
        let mut diags = self.before_links.clone();
        diags.extend(self.links.iter().flat_map(|(_, d)| d.iter().cloned()));
        suppress_links_to_failed(failed, &mut diags);
        diags
    }
}

impl Archive {
    /// Resolves the links of entry `key` again after its body changed (its
    /// front matter did not), keeping `diags` what a whole resolve would give.
    /// Returns false, changing nothing, when the edit can reach beyond the
    /// entry — its links point elsewhere than before (backlinks change), or
    /// another entry could link to a heading it gained or lost — and only a
    /// whole [`resolve`] will do; `old` is the body before the edit.
    pub fn relink(&mut self, key: Key, old: &RenderedBody, diags: &mut ResolveDiags) -> bool {
        let Some(body) = self.body(key) else {
            return false;
        };
        let shape = |b: &RenderedBody| -> Vec<(LinkKind, String, Option<String>)> {
            b.links
                .iter()
                .map(|l| (l.kind, l.target.clone(), l.fragment.clone()))
                .collect()
        };
        let ids =
            |b: &RenderedBody| -> Vec<String> { b.headings.iter().map(|h| h.id.clone()).collect() };
        if shape(body) != shape(old) || ids(body) != ids(old) || !self.content.failed.is_empty() {
            return false;
        }
        self.relink_one(key, diags)
    }

    /// Resolves the links of entry `key` again, as they stand.
    fn relink_one(&mut self, key: Key, diags: &mut ResolveDiags) -> bool {
        let mut unused = HashMap::new();
        let mut d = vec![];
        let Some(resolved) = resolve_links_of(self, key, &mut unused, &mut d) else {
            return false;
        };
        self.links.insert(key, resolved);
        if key.kind == Kind::Article {
            complete_note_selectors_of(self, key.idx);
        }
        diags.links.retain(|(k, _)| *k != key);
        if !d.is_empty() {
            let order = |k: Key| (Kind::ALL.iter().position(|x| *x == k.kind), k.idx);
            let at = diags.links.partition_point(|(k, _)| order(*k) < order(key));
            diags.links.insert(at, (key, d));
        }
        true
    }
}

impl Archive {
    /// After the title of entry `key` changed (nothing else that a fact reads
    /// did): resolves again the links of the entries that refer to it (a
    /// link's text is its target's title) and re-sorts the backlink lists it
    /// is in (ties go by title). Returns the entries whose resolved links
    /// changed and the entries whose backlinks changed order.
    pub fn retitle(&mut self, key: Key, diags: &mut ResolveDiags) -> (Vec<Key>, Vec<Key>) {
        let mut relinked = vec![];
        for j in self.backlinks.get(&key).cloned().unwrap_or_default() {
            let before = self.links.get(&j).cloned();
            self.relink_one(j, diags);
            if self.links.get(&j) != before.as_ref() {
                relinked.push(j);
            }
        }
        let mut backlinks = std::mem::take(&mut self.backlinks);
        let mut reordered = vec![];
        for (t, list) in backlinks.iter_mut() {
            if list.contains(&key) {
                let before = list.clone();
                list.sort_by(|x, y| backlink_order(self, *x, *y));
                if *list != before {
                    reordered.push(*t);
                }
            }
        }
        self.backlinks = backlinks;
        (relinked, reordered)
    }

    /// Whether the diagnostics of the resolve before links (vocabularies,
    /// references, relations) say anything about `file`: their positions
    /// could have moved with an edit, so only a whole resolve will do.
    pub fn has_reference_diagnostics(diags: &ResolveDiags, file: &std::path::Path) -> bool {
        diags.before_links.iter().any(|d| d.file == file)
    }
}

/// [`resolve`], with the diagnostics kept by stage.
pub fn resolve_parts(config: SiteConfig, content: Content) -> (Archive, ResolveDiags) {
    let mut diags = vec![];
    let urls = Urls::new(&config.base_url);
    let mut slug_index = HashMap::new();
    for (i, e) in content.articles.iter().enumerate() {
        slug_index.insert((Kind::Article, e.slug.clone()), i);
    }
    for (i, e) in content.agreements.iter().enumerate() {
        slug_index.insert((Kind::Agreement, e.slug.clone()), i);
    }
    for (i, e) in content.parties.iter().enumerate() {
        slug_index.insert((Kind::Party, e.slug.clone()), i);
    }
    for (i, e) in content.actors.iter().enumerate() {
        slug_index.insert((Kind::Actor, e.slug.clone()), i);
    }
    for (i, e) in content.pages.iter().enumerate() {
        slug_index.insert((Kind::Page, e.slug.clone()), i);
        if let Some(out) = crate::urls::routes::reserved_page_output(&e.slug) {
            let message = if out.ends_with('/') {
                format!(
                    "page `{}` would have the same URL as the site's own /{out} section",
                    e.slug
                )
            } else {
                format!(
                    "page `{}` would sit beside the site's own /{out} under the same name",
                    e.slug
                )
            };
            diags.push(
                e.file
                    .error_at(0, message)
                    .with_hint("rename the file: the site writes this path itself"),
            );
        }
    }
    if content.home.is_none() {
        diags.push(
            Diagnostic::error("content/_index.md", "content/_index.md not found")
                .with_hint("create it with `title:` front matter and the home page text"),
        );
    }

    let mut archive = Archive {
        config,
        urls,
        coverage: vec![vec![]; content.agreements.len()],
        party_entries: vec![(vec![], vec![]); content.parties.len()],
        related: vec![vec![]; content.articles.len()],
        actor_entries: vec![(vec![], vec![]); content.actors.len()],
        actor_names: HashMap::new(),
        content,
        links: HashMap::new(),
        relations: vec![],
        relations_by_entry: HashMap::new(),
        backlinks: HashMap::new(),
        articles_by_date: vec![],
        agreements_by_date: vec![],
        tags: BTreeMap::new(),
        years: BTreeMap::new(),
        clauses: BTreeMap::new(),
        history: Default::default(),
        slug_index,
    };

    check_vocabularies(&archive, &mut diags);
    index_actor_names(&mut archive, &mut diags);
    let mut backlinks: HashMap<Key, BTreeSet<Key>> = HashMap::new();
    resolve_references(&mut archive, &mut backlinks, &mut diags);
    resolve_relations(&mut archive, &mut backlinks, &mut diags);
    let mut link_diags = vec![];
    resolve_all_links(&mut archive, &mut backlinks, &mut link_diags);
    complete_note_selectors(&mut archive);
    build_indexes(&mut archive, backlinks);
    (
        archive,
        ResolveDiags {
            before_links: diags,
            links: link_diags,
        },
    )
}

/// Drops "unknown …" errors about entries whose file failed to parse (they
/// exist; their own error says what to fix) and says once, at each such file,
/// how many references wait on it.
fn suppress_links_to_failed(failed: &[crate::content::Failed], diags: &mut Vec<Diagnostic>) {
    if failed.is_empty() {
        return;
    }
    let mut waiting = vec![0usize; failed.len()];
    diags.retain(|d| {
        let m = d.message.as_str();
        if !(m.starts_with("wiki link to unknown ")
            || m.starts_with("unknown agreement `")
            || m.starts_with("unknown party `")
            || m.starts_with("unknown actor `"))
        {
            return true;
        }
        let Some(slug) = m.split('`').nth(1) else {
            return true;
        };
        match failed.iter().position(|f| f.slug == slug) {
            Some(i) => {
                waiting[i] += 1;
                false
            }
            None => true,
        }
    });
    for (f, n) in failed.iter().zip(waiting) {
        if n > 0 {
            diags.push(Diagnostic::warning(
                f.path.clone(),
                format!(
                    "{n} reference{} to `{}` from other files cannot be checked until this file parses",
                    if n == 1 { "" } else { "s" },
                    f.slug
                ),
            ).file_failed());
        }
    }
}
