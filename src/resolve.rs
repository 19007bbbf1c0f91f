//! Stage 2, resolve: every rule that spans files. Builds the [`Archive`] —
//! slugs, vocabularies, relations and their inverses, wiki links, backlinks,
//! taxonomies, related reports, clause families — and turns every broken
//! reference into a diagnostic at its line and column.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::config::SiteConfig;
use crate::content::model::PARTY_KINDS;
use crate::content::{is_valid_slug, Content, Entry};
use crate::diagnostics::Diagnostic;
use crate::markdown::{escape_html, LinkKind, RenderedBody};
use crate::urls::{paths, Urls};
use crate::yaml::closest;

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
    /// A free-standing page.
    Page,
    /// The home page.
    Home,
}

impl Kind {
    /// The content folder name.
    pub fn section(self) -> &'static str {
        match self {
            Kind::Article => "articles",
            Kind::Agreement => "agreements",
            Kind::Party => "parties",
            Kind::Page => "pages",
            Kind::Home => "",
        }
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
#[derive(Debug)]
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
    /// Each content file's git history (empty without a full git checkout).
    pub history: std::sync::Arc<crate::history::History>,
    slug_index: HashMap<(Kind, String), usize>,
}

impl Archive {
    /// Looks up an entry by kind and slug.
    pub fn find(&self, kind: Kind, slug: &str) -> Option<usize> {
        self.slug_index.get(&(kind, slug.to_string())).copied()
    }

    /// Site-relative path of an entry.
    pub fn rel_path(&self, key: Key) -> String {
        let c = &self.content;
        match key.kind {
            Kind::Article => paths::article(&c.articles[key.idx].slug),
            Kind::Agreement => paths::agreement(&c.agreements[key.idx].slug),
            Kind::Party => paths::party(&c.parties[key.idx].slug),
            Kind::Page => paths::page(&c.pages[key.idx].slug),
            Kind::Home => String::new(),
        }
    }

    /// Short title of an entry (used as default link text).
    pub fn short_title(&self, key: Key) -> &str {
        let c = &self.content;
        match key.kind {
            Kind::Article => &c.articles[key.idx].meta.title,
            Kind::Agreement => &c.agreements[key.idx].meta.short_title,
            Kind::Party => &c.parties[key.idx].meta.title,
            Kind::Page => &c.pages[key.idx].meta.title,
            Kind::Home => c.home.as_ref().map(|h| h.meta.title.as_str()).unwrap_or(""),
        }
    }

    /// Date of an entry, for ordering (parties and pages have none).
    pub fn date_of(&self, key: Key) -> Option<crate::content::date::Date> {
        match key.kind {
            Kind::Article => Some(self.content.articles[key.idx].meta.date),
            Kind::Agreement => Some(self.content.agreements[key.idx].meta.date),
            _ => None,
        }
    }

    /// The rendered body of an entry.
    pub fn body(&self, key: Key) -> Option<&RenderedBody> {
        let c = &self.content;
        match key.kind {
            Kind::Article => Some(&c.articles[key.idx].body),
            Kind::Agreement => Some(&c.agreements[key.idx].body),
            Kind::Party => Some(&c.parties[key.idx].body),
            Kind::Page => Some(&c.pages[key.idx].body),
            Kind::Home => c.home.as_ref().map(|h| &h.body),
        }
    }
}

/// Builds the archive and reports every broken cross-file reference.
pub fn resolve(config: SiteConfig, content: Content) -> (Archive, Vec<Diagnostic>) {
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
        content,
        links: HashMap::new(),
        relations: vec![],
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
    let mut backlinks: HashMap<Key, BTreeSet<Key>> = HashMap::new();
    resolve_references(&mut archive, &mut backlinks, &mut diags);
    resolve_relations(&mut archive, &mut backlinks, &mut diags);
    resolve_all_links(&mut archive, &mut backlinks, &mut diags);
    complete_note_selectors(&mut archive);
    build_indexes(&mut archive, backlinks);
    suppress_links_to_failed(&archive.content.failed, &mut diags);
    (archive, diags)
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
            || m.starts_with("unknown party `"))
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

fn check_vocabularies(a: &Archive, diags: &mut Vec<Diagnostic>) {
    let cfg = &a.config;
    let vocab_error = |e: &dyn Fn(&str, String) -> Diagnostic,
                       path: &str,
                       what: &str,
                       value: &str,
                       known: Vec<&str>| {
        let mut d = e(path, format!("unknown {what} `{value}`"));
        d.hint = Some(match closest(value, &known) {
            Some(c) => format!("did you mean `{c}`? (the {what}s are set in site.yaml)"),
            None => format!("use one of: {} (set in site.yaml)", known.join(", ")),
        });
        d
    };
    for e in &a.content.agreements {
        let at = |p: &str, m: String| e.error_at(p, m);
        if !cfg.agreement_forms.contains_key(&e.meta.form) {
            diags.push(vocab_error(
                &at,
                "form",
                "agreement form",
                &e.meta.form,
                cfg.agreement_forms.keys().map(String::as_str).collect(),
            ));
        }
        if !cfg.agreement_statuses.contains_key(&e.meta.status) {
            diags.push(vocab_error(
                &at,
                "status",
                "agreement status",
                &e.meta.status,
                cfg.agreement_statuses.keys().map(String::as_str).collect(),
            ));
        }
        check_url(e, "text_url", &e.meta.text_url, diags);
        for (i, c) in e.meta.clauses.iter().enumerate() {
            if !is_valid_slug(&c.id) {
                diags.push(
                    e.error_at(
                        &format!("clauses.{i}.id"),
                        format!("invalid clause id `{}`", c.id),
                    )
                    .with_hint("use lowercase letters, digits and hyphens, like `ip-theft`"),
                );
            }
            let words = c.text.split_whitespace().count();
            if words > MAX_CLAUSE_WORDS {
                diags.push(
                    e.error_at(
                        &format!("clauses.{i}.text"),
                        format!(
                            "clause text is {words} words long, more than the limit of {}",
                            MAX_CLAUSE_WORDS
                        ),
                    )
                    .with_hint("quote only the words of the one commitment; link the full text with `text_url`"),
                );
            }
        }
    }
    for e in &a.content.articles {
        let at = |p: &str, m: String| e.error_at(p, m);
        for (i, an) in e.meta.annotations.iter().enumerate() {
            if !cfg.annotation_kinds.contains_key(&an.kind) {
                diags.push(vocab_error(
                    &at,
                    &format!("annotations.{i}.kind"),
                    "annotation kind",
                    &an.kind,
                    cfg.annotation_kinds.keys().map(String::as_str).collect(),
                ));
            }
            for (j, s) in an.sources.iter().enumerate() {
                let at = format!("annotations.{i}.sources.{j}");
                if s.archived.is_some() {
                    check_url(e, &format!("{at}.url"), &s.url, diags);
                } else {
                    check_url(e, &at, &s.url, diags);
                }
                if let Some(arch) = &s.archived {
                    check_url(e, &format!("{at}.archived"), arch, diags);
                }
            }
        }
        check_url(e, "source.url", &e.meta.source.url, diags);
        if let Some(arch) = &e.meta.source.archived {
            check_url(e, "source.archived", arch, diags);
        }
        for (i, t) in e.meta.tags.iter().enumerate() {
            if !is_valid_slug(t) {
                diags.push(
                    e.error_at(&format!("tags.{i}"), format!("invalid tag `{t}`"))
                        .with_hint(format!(
                            "tags use lowercase letters, digits and hyphens: `{}`",
                            crate::markdown::slugify(t)
                        )),
                );
            }
        }
    }
    for e in &a.content.parties {
        if !PARTY_KINDS.contains(&e.meta.kind.as_str()) {
            let at = |p: &str, m: String| e.error_at(p, m);
            diags.push(vocab_error(
                &at,
                "kind",
                "party kind",
                &e.meta.kind,
                PARTY_KINDS.to_vec(),
            ));
        }
    }
}

/// Front-matter URLs go through the same allow-list as links in Markdown.
fn check_url<M>(e: &Entry<M>, path: &str, url: &str, diags: &mut Vec<Diagnostic>) {
    if let Err(p) = crate::allow::check_url(url, crate::allow::UrlUse::Absolute) {
        diags.push(
            e.error_at(path, p.message)
                .with_hint("link the original with its full address, starting with https://"),
        );
    }
}

/// `parties:` and `agreements:` lists.
fn resolve_references(
    a: &mut Archive,
    backlinks: &mut HashMap<Key, BTreeSet<Key>>,
    diags: &mut Vec<Diagnostic>,
) {
    let party_codes: Vec<&str> = a.content.parties.iter().map(|p| p.slug.as_str()).collect();
    let agreement_slugs: Vec<&str> = a
        .content
        .agreements
        .iter()
        .map(|p| p.slug.as_str())
        .collect();
    let unknown = |e: &dyn Fn(&str, String) -> Diagnostic,
                   path: &str,
                   what: &str,
                   v: &str,
                   known: &[&str],
                   folder: &str| {
        let mut d = e(path, format!("unknown {what} `{v}`"));
        d.hint = Some(match closest(v, known) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("create content/{folder}/{v}.md or fix the code"),
        });
        d
    };
    let check_parties = |list: &[String],
                         at: &dyn Fn(&str, String) -> Diagnostic,
                         diags: &mut Vec<Diagnostic>|
     -> Vec<usize> {
        let mut out = vec![];
        let mut seen = BTreeSet::new();
        for (i, p) in list.iter().enumerate() {
            match a.slug_index.get(&(Kind::Party, p.clone())) {
                Some(&idx) => {
                    if !seen.insert(idx) {
                        diags.push(at(
                            &format!("parties.{i}"),
                            format!("party `{p}` is listed twice"),
                        ));
                    }
                    out.push(idx)
                }
                None => diags.push(unknown(
                    at,
                    &format!("parties.{i}"),
                    "party",
                    p,
                    &party_codes,
                    "parties",
                )),
            }
        }
        out
    };
    let mut party_entries = vec![(vec![], vec![]); a.content.parties.len()];
    let mut coverage = vec![vec![]; a.content.agreements.len()];
    for (ai, e) in a.content.articles.iter().enumerate() {
        let at = |p: &str, m: String| e.error_at(p, m);
        for p in check_parties(&e.meta.parties, &at, diags) {
            party_entries[p].0.push(ai);
        }
        let mut seen = BTreeSet::new();
        for (i, s) in e.meta.agreements.iter().enumerate() {
            match a.slug_index.get(&(Kind::Agreement, s.clone())) {
                Some(&idx) => {
                    if seen.insert(idx) {
                        coverage[idx].push(ai);
                        backlinks
                            .entry(Key::new(Kind::Agreement, idx))
                            .or_default()
                            .insert(Key::new(Kind::Article, ai));
                    } else {
                        diags.push(at(
                            &format!("agreements.{i}"),
                            format!("agreement `{s}` is listed twice"),
                        ));
                    }
                }
                None => diags.push(unknown(
                    &at,
                    &format!("agreements.{i}"),
                    "agreement",
                    s,
                    &agreement_slugs,
                    "agreements",
                )),
            }
        }
    }
    for (gi, e) in a.content.agreements.iter().enumerate() {
        let at = |p: &str, m: String| e.error_at(p, m);
        for p in check_parties(&e.meta.parties, &at, diags) {
            party_entries[p].1.push(gi);
        }
    }
    a.party_entries = party_entries;
    a.coverage = coverage;
}

/// Typed relations from agreements and reports to agreements.
fn resolve_relations(
    a: &mut Archive,
    backlinks: &mut HashMap<Key, BTreeSet<Key>>,
    diags: &mut Vec<Diagnostic>,
) {
    let types: Vec<&str> = a.config.relation_types.keys().map(String::as_str).collect();
    let agreement_slugs: Vec<&str> = a
        .content
        .agreements
        .iter()
        .map(|p| p.slug.as_str())
        .collect();
    let mut relations = vec![];
    let mut check = |from: Key,
                     decls: &[crate::content::model::RelationDecl],
                     at: &dyn Fn(&str, String) -> Diagnostic,
                     at_key: &dyn Fn(&str, String) -> Diagnostic,
                     self_slug: &str| {
        let mut seen = BTreeSet::new();
        for (i, r) in decls.iter().enumerate() {
            let mut ok = true;
            if !a.config.relation_types.contains_key(&r.kind) {
                let mut d = at(
                    &format!("relations.{i}.type"),
                    format!("unknown relation type `{}`", r.kind),
                );
                d.hint = Some(match closest(&r.kind, &types) {
                    Some(c) => format!("did you mean `{c}`? (relation types are set in site.yaml)"),
                    None => format!("use one of: {} (set in site.yaml)", types.join(", ")),
                });
                diags.push(d);
                ok = false;
            }
            let target = a.slug_index.get(&(Kind::Agreement, r.to.clone())).copied();
            if from.kind == Kind::Agreement && r.to == self_slug {
                diags.push(
                    at_key(
                        &format!("relations.{i}"),
                        format!("agreement `{}` cannot have a relation to itself", r.to),
                    )
                    .with_hint("point `to:` at another agreement"),
                );
                continue;
            }
            let Some(target) = target else {
                let mut d = at(
                    &format!("relations.{i}.to"),
                    format!("unknown agreement `{}` in relation", r.to),
                );
                d.hint = Some(match closest(&r.to, &agreement_slugs) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => "relations point at agreements: use the file name of one in content/agreements/".into(),
                });
                diags.push(d);
                continue;
            };
            if !seen.insert((r.kind.clone(), target)) {
                diags.push(
                    at_key(
                        &format!("relations.{i}"),
                        format!("relation `{} {}` is declared twice", r.kind, r.to),
                    )
                    .with_hint("remove the duplicate entry"),
                );
                continue;
            }
            if ok {
                relations.push(Relation {
                    from,
                    to: Key::new(Kind::Agreement, target),
                    kind: r.kind.clone(),
                    note: r.note.clone(),
                });
                backlinks
                    .entry(Key::new(Kind::Agreement, target))
                    .or_default()
                    .insert(from);
            }
        }
    };
    for (i, e) in a.content.agreements.iter().enumerate() {
        check(
            Key::new(Kind::Agreement, i),
            &e.meta.relations,
            &|p, m| e.error_at(p, m),
            &|p, m| e.error_at_key(p, m),
            &e.slug,
        );
    }
    for (i, e) in a.content.articles.iter().enumerate() {
        check(
            Key::new(Kind::Article, i),
            &e.meta.relations,
            &|p, m| e.error_at(p, m),
            &|p, m| e.error_at_key(p, m),
            "",
        );
    }
    a.relations = relations;
}

/// Resolves the wiki links and path links of every body and note.
fn resolve_all_links(
    a: &mut Archive,
    backlinks: &mut HashMap<Key, BTreeSet<Key>>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut keys: Vec<Key> = vec![];
    keys.extend((0..a.content.articles.len()).map(|i| Key::new(Kind::Article, i)));
    keys.extend((0..a.content.agreements.len()).map(|i| Key::new(Kind::Agreement, i)));
    keys.extend((0..a.content.parties.len()).map(|i| Key::new(Kind::Party, i)));
    keys.extend((0..a.content.pages.len()).map(|i| Key::new(Kind::Page, i)));
    if a.content.home.is_some() {
        keys.push(Key::new(Kind::Home, 0));
    }
    let mut all = HashMap::new();
    for key in keys {
        let (body, file) = match key.kind {
            Kind::Article => (
                &a.content.articles[key.idx].body,
                &a.content.articles[key.idx].file,
            ),
            Kind::Agreement => (
                &a.content.agreements[key.idx].body,
                &a.content.agreements[key.idx].file,
            ),
            Kind::Party => (
                &a.content.parties[key.idx].body,
                &a.content.parties[key.idx].file,
            ),
            Kind::Page => (
                &a.content.pages[key.idx].body,
                &a.content.pages[key.idx].file,
            ),
            Kind::Home => (
                &a.content.home.as_ref().unwrap().body,
                &a.content.home.as_ref().unwrap().file,
            ),
        };
        let mut resolved = Vec::with_capacity(body.links.len());
        for l in &body.links {
            let result = match l.kind {
                LinkKind::Wiki { .. } => resolve_wiki(a, &l.target),
                LinkKind::Path => resolve_path(a, &l.target),
                // Checked against static/ at load time.
                LinkKind::Asset => Ok(Target::Path(l.target.trim_start_matches('/').to_string())),
            };
            match result {
                Ok(Target::Entry(target)) => {
                    if let Some(frag) = &l.fragment {
                        if !has_anchor(a, target, frag) {
                            let known: Vec<String> = a
                                .body(target)
                                .map(|b| b.headings.iter().map(|h| h.id.clone()).collect())
                                .unwrap_or_default();
                            let known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
                            let mut d = file.error_at(
                                l.offset,
                                format!("`{}` has no heading `#{frag}`", l.target),
                            );
                            d.hint = Some(match closest(frag, &known_refs) {
                                Some(c) => format!("did you mean `#{c}`?"),
                                None if known.is_empty() => "that page has no headings".into(),
                                None => format!(
                                    "its headings are: {}",
                                    known
                                        .iter()
                                        .map(|k| format!("#{k}"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            });
                            diags.push(d);
                        }
                    }
                    if target != key {
                        backlinks.entry(target).or_default().insert(key);
                    }
                    let mut href = a.urls.path(&a.rel_path(target));
                    if let Some(f) = &l.fragment {
                        href.push('#');
                        href.push_str(f);
                    }
                    resolved.push(ResolvedLink {
                        href,
                        text: escape_html(a.short_title(target)),
                        title: a.short_title(target).to_string(),
                    });
                }
                Ok(Target::Path(p)) => {
                    let mut href = a.urls.path(&p);
                    if let Some(f) = &l.fragment {
                        href.push('#');
                        href.push_str(f);
                    }
                    resolved.push(ResolvedLink {
                        href,
                        ..Default::default()
                    });
                }
                Err((msg, hint)) => {
                    let mut d = file.error_at(l.offset, msg);
                    d.hint = hint;
                    diags.push(d);
                    resolved.push(ResolvedLink::default());
                }
            }
        }
        all.insert(key, resolved);
    }
    a.links = all;
}

enum Target {
    Entry(Key),
    Path(String),
}

fn has_anchor(a: &Archive, target: Key, frag: &str) -> bool {
    if let Some(body) = a.body(target) {
        if body.headings.iter().any(|h| h.id == frag) {
            return true;
        }
        if target.kind == Kind::Article {
            if let Some(n) = frag
                .strip_prefix("note-")
                .and_then(|n| n.parse::<usize>().ok())
            {
                return n >= 1 && n <= body.notes.len();
            }
        }
    }
    false
}

type LinkError = (String, Option<String>);

fn resolve_wiki(a: &Archive, target: &str) -> Result<Target, LinkError> {
    let kinds = [Kind::Agreement, Kind::Article, Kind::Party, Kind::Page];
    if let Some((section, slug)) = target.split_once('/') {
        let kind = kinds.iter().find(|k| k.section() == section);
        if section == "clauses" {
            return if a
                .content
                .agreements
                .iter()
                .any(|g| g.meta.clauses.iter().any(|c| c.id == slug))
            {
                Ok(Target::Path(paths::clause(slug)))
            } else {
                Err((
                    format!("unknown clause `{slug}` in wiki link"),
                    Some("clause ids come from `clauses:` in agreements".into()),
                ))
            };
        }
        let Some(&kind) = kind else {
            return Err((
                format!("unknown section `{section}` in wiki link `[[{target}]]`"),
                Some("use agreements/, articles/, parties/, pages/ or clauses/".into()),
            ));
        };
        return match a.find(kind, slug) {
            Some(i) => Ok(Target::Entry(Key::new(kind, i))),
            None => Err((
                format!("wiki link to unknown {} `{slug}`", kind_name(kind)),
                suggest(a, slug),
            )),
        };
    }
    let hits: Vec<Key> = kinds
        .iter()
        .filter_map(|&k| a.find(k, target).map(|i| Key::new(k, i)))
        .collect();
    match hits.len() {
        1 => Ok(Target::Entry(hits[0])),
        0 => Err((
            format!("wiki link to unknown page `{target}`"),
            suggest(a, target).or(Some(
                "link to an agreement, report or party by its file name".into(),
            )),
        )),
        _ => Err((
            format!(
                "ambiguous wiki link `[[{target}]]`: {} share this slug",
                hits.iter()
                    .map(|k| k.kind.section())
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            Some(format!(
                "name the section, like [[{}/{target}]]",
                hits[0].kind.section()
            )),
        )),
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Article => "report",
        Kind::Agreement => "agreement",
        Kind::Party => "party",
        Kind::Page => "page",
        Kind::Home => "home page",
    }
}

fn suggest(a: &Archive, slug: &str) -> Option<String> {
    let all: Vec<&str> = a.slug_index.keys().map(|(_, s)| s.as_str()).collect();
    closest(slug, &all).map(|c| format!("did you mean `{c}`?"))
}

/// Checks a root-relative path against the pages the site will have.
fn resolve_path(a: &Archive, target: &str) -> Result<Target, LinkError> {
    let p = target.trim_start_matches('/');
    let segs: Vec<&str> = p
        .trim_end_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let ok = match segs.as_slice() {
        [] => true,
        [s] => {
            (crate::urls::routes::sections().iter().any(|x| x == s) && *s != "pagefind")
                || a.find(Kind::Page, s).is_some()
                || ["feed.xml", "sitemap.xml", "404.html", "robots.txt"].contains(s)
        }
        ["articles", slug] => a.find(Kind::Article, slug).is_some(),
        ["agreements", slug] => a.find(Kind::Agreement, slug).is_some(),
        ["parties", slug] => a.find(Kind::Party, slug).is_some(),
        ["tags", t] => a
            .content
            .articles
            .iter()
            .any(|e| e.meta.tags.iter().any(|x| x == t)),
        ["clauses", c] => a
            .content
            .agreements
            .iter()
            .any(|g| g.meta.clauses.iter().any(|x| x.id == *c)),
        ["years", y] => a
            .content
            .articles
            .iter()
            .any(|e| e.meta.date.year().to_string() == *y),
        ["static", ..] | ["data", ..] | ["agreements", _, "feed.xml"] => true,
        _ => false,
    };
    if !ok {
        return Err((
            format!("link to `{target}`, which is not a page of this site"),
            Some("link to an existing page, or use a wiki link like [[slug]]".into()),
        ));
    }
    if let ["articles", slug] = segs.as_slice() {
        return Ok(Target::Entry(Key::new(
            Kind::Article,
            a.find(Kind::Article, slug).unwrap(),
        )));
    }
    if let ["agreements", slug] = segs.as_slice() {
        return Ok(Target::Entry(Key::new(
            Kind::Agreement,
            a.find(Kind::Agreement, slug).unwrap(),
        )));
    }
    if let ["parties", slug] = segs.as_slice() {
        return Ok(Target::Entry(Key::new(
            Kind::Party,
            a.find(Kind::Party, slug).unwrap(),
        )));
    }
    Ok(Target::Path(p.to_string()))
}

/// Puts the titles of `[[slug]]` links (unknown at load time) into the
/// annotation selectors: their texts and character positions.
fn complete_note_selectors(a: &mut Archive) {
    use crate::anchor::OPAQUE;
    let Archive { content, links, .. } = a;
    for (i, e) in content.articles.iter_mut().enumerate() {
        let Some(resolved) = links.get(&Key::new(Kind::Article, i)) else {
            continue;
        };
        let titles: Vec<&str> = e
            .body
            .links
            .iter()
            .zip(resolved)
            .filter(|(l, _)| l.kind == LinkKind::Wiki { has_text: false })
            .map(|(_, r)| r.title.as_str())
            .collect();
        let width =
            |upto: usize| -> usize { titles.iter().take(upto).map(|t| t.chars().count()).sum() };
        let fill = |s: &str, first: usize| -> String {
            let mut k = first;
            let mut out = String::with_capacity(s.len());
            for c in s.chars() {
                if c == OPAQUE {
                    out.push_str(titles.get(k).copied().unwrap_or(""));
                    k += 1;
                } else {
                    out.push(c);
                }
            }
            out
        };
        // Always from the load-time selector, so resolving again (as the
        // live server does) gives the same result as the first time.
        for n in &mut e.body.notes {
            let l = &n.loaded;
            let in_prefix = l.prefix.chars().filter(|&c| c == OPAQUE).count();
            n.exact = fill(&l.exact, n.opaque_before_start);
            let prefix = fill(&l.prefix, n.opaque_before_start - in_prefix);
            let skip = prefix.chars().count().saturating_sub(32);
            n.prefix = prefix.chars().skip(skip).collect();
            n.suffix = fill(&l.suffix, n.opaque_before_end)
                .chars()
                .take(32)
                .collect();
            n.start = l.start + width(n.opaque_before_start);
            n.end = l.end + width(n.opaque_before_end);
        }
    }
}

fn build_indexes(a: &mut Archive, backlinks: HashMap<Key, BTreeSet<Key>>) {
    let c = &a.content;
    let mut by_date: Vec<usize> = (0..c.articles.len()).collect();
    // Newest first; ties by slug so output is stable.
    by_date.sort_by(|&x, &y| {
        c.articles[y]
            .meta
            .date
            .cmp(&c.articles[x].meta.date)
            .then_with(|| c.articles[x].slug.cmp(&c.articles[y].slug))
    });
    let rank: Vec<usize> = {
        let mut r = vec![0; by_date.len()];
        for (pos, &i) in by_date.iter().enumerate() {
            r[i] = pos;
        }
        r
    };
    let mut agreements: Vec<usize> = (0..c.agreements.len()).collect();
    agreements.sort_by(|&x, &y| {
        c.agreements[x]
            .meta
            .date
            .cmp(&c.agreements[y].meta.date)
            .then_with(|| c.agreements[x].slug.cmp(&c.agreements[y].slug))
    });
    let mut tags: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut years: BTreeMap<i16, Vec<usize>> = BTreeMap::new();
    for &i in &by_date {
        for t in &c.articles[i].meta.tags {
            let v = tags.entry(t.clone()).or_default();
            if v.last() != Some(&i) {
                v.push(i);
            }
        }
        years
            .entry(c.articles[i].meta.date.year())
            .or_default()
            .push(i);
    }
    // Coverage and party lists: oldest first for coverage, newest first for parties.
    for cov in a.coverage.iter_mut() {
        cov.sort_by_key(|&i| std::cmp::Reverse(rank[i]));
    }
    for (arts, agrs) in a.party_entries.iter_mut() {
        arts.sort_by_key(|&i| rank[i]);
        agrs.sort_by(|&x, &y| c.agreements[x].meta.date.cmp(&c.agreements[y].meta.date));
    }
    // Related reports: share at least one agreement; most shared first, then newest.
    let mut related = vec![vec![]; c.articles.len()];
    for (i, e) in c.articles.iter().enumerate() {
        let mine: BTreeSet<usize> = e
            .meta
            .agreements
            .iter()
            .filter_map(|s| a.slug_index.get(&(Kind::Agreement, s.clone())).copied())
            .collect();
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for g in &mine {
            for &other in &a.coverage[*g] {
                if other != i {
                    *counts.entry(other).or_default() += 1;
                }
            }
        }
        let mut v: Vec<(usize, usize)> = counts.into_iter().collect();
        v.sort_by(|x, y| y.1.cmp(&x.1).then(rank[x.0].cmp(&rank[y.0])));
        related[i] = v.into_iter().take(5).map(|(k, _)| k).collect();
    }
    // Clause families.
    let mut clauses: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for &g in &agreements {
        for (ci, cl) in c.agreements[g].meta.clauses.iter().enumerate() {
            clauses.entry(cl.id.clone()).or_default().push((g, ci));
        }
    }
    // Backlinks in date order (undated entries last, by title).
    let mut bl = HashMap::new();
    for (k, set) in backlinks {
        let mut v: Vec<Key> = set.into_iter().collect();
        v.sort_by(|x, y| {
            let (dx, dy) = (a.date_of(*x), a.date_of(*y));
            match (dx, dy) {
                (Some(p), Some(q)) => p.cmp(&q),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then_with(|| a.short_title(*x).cmp(a.short_title(*y)))
        });
        bl.insert(k, v);
    }
    a.articles_by_date = by_date;
    a.agreements_by_date = agreements;
    a.tags = tags;
    a.years = years;
    a.related = related;
    a.clauses = clauses;
    a.backlinks = bl;
}
