//! The live server's incremental build: the loaded archive stays in memory and a
//! change re-parses only the files that changed and re-renders only the pages
//! whose inputs changed.
//!
//! Dependency tracking is explicit and content-addressed: every page is a pure
//! function of (its template, its `page` context). The session remembers a hash
//! of both for every page; after a change it rebuilds the (cheap) contexts,
//! and renders through Tera only the pages whose hash differs. A template change
//! bumps that template's version (a change to `base.html` or a partial bumps
//! every page's), so exactly the pages using it re-render. `site.yaml` restarts
//! the session from scratch. The result is byte-identical to a clean build.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::Value;
use tera::Tera;

use crate::config::SiteConfig;
use crate::content::{self, Content};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::{self, templates, Output};
use crate::resolve;

/// File contents shared between the session and HTTP threads.
pub type Bytes = Arc<Vec<u8>>;

/// Templates rendered directly by page jobs; any other template is a parent or a partial.
const PAGE_TEMPLATES: &[&str] = &[
    "home.html",
    "article.html",
    "agreement.html",
    "party.html",
    "page.html",
    "articles.html",
    "agreements.html",
    "parties.html",
    "tags.html",
    "tag.html",
    "years.html",
    "year.html",
    "clause.html",
    "clauses.html",
    "404.html",
];

/// What one rebuild did.
#[derive(Debug, Clone, Default)]
pub struct Rebuild {
    /// Pages rendered through Tera (the rest were unchanged and skipped).
    pub rendered: usize,
    /// Pages the site has (module outputs such as feeds are always rendered and not counted).
    pub planned: usize,
    /// Output files whose bytes changed, were added or were removed.
    pub changed: usize,
    /// Wall time.
    pub millis: f64,
    /// Search index shards indexed anew (the others came from the shard cache).
    pub search_shards: Vec<String>,
}

/// The in-memory site of `annals serve`.
pub struct Session {
    root: PathBuf,
    drafts: bool,
    base_url: Option<String>,
    config: Option<SiteConfig>,
    config_diags: Vec<Diagnostic>,
    content: Content,
    load_diags: BTreeMap<PathBuf, Vec<Diagnostic>>,
    tera: Option<Tera>,
    template_diags: Vec<Diagnostic>,
    template_versions: HashMap<String, u64>,
    layout_version: u64,
    memo: HashMap<String, u64>,
    module_fingerprint: Option<u64>,
    module_outputs: BTreeSet<String>,
    pages: BTreeMap<String, Bytes>,
    statics: BTreeMap<String, Bytes>,
    diagnostics: Diagnostics,
    generation: u64,
    search_cache: crate::search::ShardCache,
}

impl Session {
    /// Loads and builds everything. `base_url` overrides site.yaml's.
    pub fn new(root: &Path, drafts: bool, base_url: Option<String>) -> Session {
        // Watchers report canonical paths; keep the root in the same form.
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let root = root.as_path();
        let mut s = Session {
            root: root.to_path_buf(),
            drafts,
            base_url,
            config: None,
            config_diags: vec![],
            content: Content::default(),
            load_diags: BTreeMap::new(),
            tera: None,
            template_diags: vec![],
            template_versions: HashMap::new(),
            layout_version: 0,
            memo: HashMap::new(),
            module_fingerprint: None,
            module_outputs: BTreeSet::new(),
            pages: BTreeMap::new(),
            statics: BTreeMap::new(),
            diagnostics: Diagnostics::new(),
            generation: 0,
            search_cache: crate::search::ShardCache::in_memory_and_on_disk(root),
        };
        s.reload_config();
        let (content, diags) = content::load(root, drafts);
        s.content = content;
        for d in diags {
            s.load_diags.entry(d.file.clone()).or_default().push(d);
        }
        s.reload_templates();
        s.reload_statics();
        s.rebuild();
        s
    }

    fn reload_config(&mut self) {
        match SiteConfig::load(&self.root) {
            Ok(mut c) => {
                if let Some(b) = &self.base_url {
                    c.base_url = b.clone();
                }
                self.config = Some(c);
                self.config_diags.clear();
            }
            Err(d) => {
                self.config = None;
                self.config_diags = d;
            }
        }
    }

    fn reload_templates(&mut self) {
        let Some(config) = &self.config else { return };
        let urls = crate::urls::Urls::new(&config.base_url);
        match templates::load(&self.root.join("templates"), &urls) {
            Ok(t) => {
                self.tera = Some(t);
                self.template_diags.clear();
            }
            Err(d) => {
                self.tera = None;
                self.template_diags = d;
            }
        }
    }

    fn reload_statics(&mut self) {
        self.statics.clear();
        let dir = self.root.join("static");
        for e in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if e.file_type().is_file() {
                if let (Ok(rel), Ok(bytes)) = (e.path().strip_prefix(&dir), std::fs::read(e.path()))
                {
                    self.statics
                        .insert(rel.to_string_lossy().replace('\\', "/"), Arc::new(bytes));
                }
            }
        }
    }

    /// Applies changed paths (absolute, or relative to the root) and rebuilds.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Rebuild {
        let rels: BTreeSet<PathBuf> = changed
            .iter()
            .map(|p| p.strip_prefix(&self.root).unwrap_or(p).to_path_buf())
            .collect();
        if rels.iter().any(|r| r == Path::new("site.yaml")) {
            let generation = self.generation;
            *self = Session::new(&self.root.clone(), self.drafts, self.base_url.clone());
            self.generation = generation + 1;
            let n = self.pages.len();
            return Rebuild {
                rendered: n,
                planned: n,
                changed: n,
                millis: 0.0,
                search_shards: vec![],
            };
        }
        let mut templates_changed = false;
        let mut statics_changed = false;
        for rel in &rels {
            if let Ok(name) = rel.strip_prefix("templates") {
                templates_changed = true;
                let name = name.to_string_lossy().replace('\\', "/");
                if PAGE_TEMPLATES.contains(&name.as_str()) {
                    *self.template_versions.entry(name).or_default() += 1;
                } else {
                    self.layout_version += 1;
                }
            } else if rel.starts_with("static") {
                statics_changed = true;
            } else if rel.starts_with("content") && rel.extension().is_some_and(|x| x == "md") {
                self.content.remove(rel);
                self.load_diags.remove(rel);
                let abs = self.root.join(rel);
                if abs.is_file() {
                    let (loaded, diags) = content::load_one(&self.root, &abs, self.drafts);
                    self.content.insert(loaded);
                    if !diags.is_empty() {
                        self.load_diags.insert(rel.clone(), diags);
                    }
                }
            }
        }
        if templates_changed {
            self.reload_templates();
        }
        if statics_changed {
            self.reload_statics();
        }
        self.rebuild()
    }

    /// Resolves and re-renders what changed. On errors the previous pages stay.
    fn rebuild(&mut self) -> Rebuild {
        let start = Instant::now();
        let mut diags = Diagnostics::new();
        diags.extend(self.config_diags.iter().cloned());
        diags.extend(self.load_diags.values().flatten().cloned());
        diags.extend(self.template_diags.iter().cloned());
        let (Some(config), Some(tera)) = (self.config.clone(), self.tera.as_ref()) else {
            return self.finish(diags, None, start);
        };
        let content = std::mem::take(&mut self.content);
        let (archive, d) = resolve::resolve(config, content);
        diags.extend(d);
        diags.extend(crate::lint::lint(&archive));
        if diags.has_errors() {
            self.content = archive.content;
            return self.finish(diags, None, start);
        }
        // The modules (timeline, notes, feeds, data) read front matter, notes
        // and links only: skip them when those are unchanged (body-only edits).
        let fingerprint =
            module_fingerprint(&archive, self.layout_version, &self.template_versions);
        let run_modules = self.module_fingerprint != Some(fingerprint);
        // Render only pages whose (template version, context) hash changed.
        let planned = Mutex::new(Vec::new());
        let new_memo = Mutex::new(HashMap::new());
        let rendered = Mutex::new(Vec::<Output>::new());
        let memo = &self.memo;
        let pages = &self.pages;
        let versions = &self.template_versions;
        let layout = self.layout_version;
        let skipped = std::sync::atomic::AtomicUsize::new(0);
        let skip = |template: &str, rel: &str, page: &Value| -> bool {
            let hash = page_hash(
                template,
                versions.get(template).copied().unwrap_or(0),
                layout,
                page,
            );
            let out = render::out_path(rel);
            let unchanged = memo.get(rel) == Some(&hash) && pages.contains_key(&out);
            planned.lock().unwrap().push(out);
            new_memo.lock().unwrap().insert(rel.to_string(), hash);
            if unchanged {
                skipped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            unchanged
        };
        let (_, d) = render::render_with(
            tera,
            &archive,
            &self.root,
            &|o| {
                rendered.lock().unwrap().push(o);
                Ok(())
            },
            Some(&skip),
            run_modules,
        );
        diags.extend(d);
        // The search index, after the pages (as `build` does): only the shards
        // whose records changed are indexed again, the others come from the cache.
        if !diags.has_errors() {
            let (_, d) = crate::search::render_to(
                &archive,
                &self.root,
                &|o| {
                    rendered.lock().unwrap().push(o);
                    Ok(())
                },
                Some(&self.search_cache),
            );
            diags.extend(d);
        }
        let search_shards = self.search_cache.take_built();
        self.content = archive.content;
        if diags.has_errors() {
            return self.finish(diags, None, start);
        }
        let rendered = rendered.into_inner().unwrap();
        let planned = planned.into_inner().unwrap();
        let n_planned = planned.len();
        let n_rendered = n_planned - skipped.load(std::sync::atomic::Ordering::Relaxed);
        let mut next: BTreeMap<String, Bytes> = BTreeMap::new();
        for out in planned {
            if let Some(b) = self.pages.get(&out) {
                next.insert(out, b.clone());
            }
        }
        if !run_modules {
            for k in &self.module_outputs {
                if let Some(v) = self.pages.get(k) {
                    next.insert(k.clone(), v.clone());
                }
            }
        }
        let page_paths: BTreeSet<String> = next.keys().cloned().collect();
        let mut module_outputs = BTreeSet::new();
        for o in rendered {
            if run_modules
                && !page_paths.contains(&o.path)
                && !o.path.starts_with("pagefind/")
                && o.path != "search/index.html"
            {
                module_outputs.insert(o.path.clone());
            }
            next.insert(o.path, Arc::new(o.bytes));
        }
        if run_modules {
            self.module_outputs = module_outputs;
        }
        self.module_fingerprint = Some(fingerprint);
        self.memo = new_memo.into_inner().unwrap();
        let mut r = self.finish(diags, Some(next), start);
        r.rendered = n_rendered;
        r.planned = n_planned;
        r.search_shards = search_shards;
        r
    }

    fn finish(
        &mut self,
        diags: Diagnostics,
        next: Option<BTreeMap<String, Bytes>>,
        start: Instant,
    ) -> Rebuild {
        let mut changed = 0;
        if let Some(next) = next {
            let keys: BTreeSet<&String> = next.keys().chain(self.pages.keys()).collect();
            changed = keys
                .into_iter()
                .filter(|k| {
                    next.get(*k).map(|b| b.as_slice()) != self.pages.get(*k).map(|b| b.as_slice())
                })
                .count();
            self.pages = next;
        }
        let errors_changed = diags.render_human() != self.diagnostics.render_human();
        self.diagnostics = diags;
        if changed > 0 || errors_changed {
            self.generation += 1;
        }
        Rebuild {
            rendered: 0,
            planned: 0,
            changed,
            millis: start.elapsed().as_secs_f64() * 1000.0,
            search_shards: vec![],
        }
    }

    /// The file at an output path (static files first, pages override, as in `build`).
    pub fn get(&self, path: &str) -> Option<Bytes> {
        self.pages
            .get(path)
            .or_else(|| self.statics.get(path))
            .cloned()
    }

    /// Every output file, as `build` would write it.
    pub fn outputs(&self) -> BTreeMap<String, Bytes> {
        let mut all = self.statics.clone();
        all.extend(self.pages.iter().map(|(k, v)| (k.clone(), v.clone())));
        all
    }

    /// The diagnostics of the last rebuild.
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }

    /// Increases whenever the served site or its diagnostics change.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The base path pages are served under.
    pub fn base_path(&self) -> String {
        self.config
            .as_ref()
            .map(|c| c.base_path())
            .unwrap_or_else(|| "/".into())
    }
}

/// A hash of everything the render modules read: every entry's front matter,
/// anchored notes and resolved links, the backlinks, and the templates.
fn module_fingerprint(a: &resolve::Archive, layout: u64, versions: &HashMap<String, u64>) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    layout.hash(&mut h);
    let mut v: Vec<(&String, &u64)> = versions.iter().collect();
    v.sort();
    v.hash(&mut h);
    let mut w = HashWriter(&mut h);
    let c = &a.content;
    let _ = serde_json::to_writer(&mut w, &c.home.as_ref().map(|e| &e.meta));
    for e in &c.pages {
        let _ = serde_json::to_writer(&mut w, &(&e.slug, &e.meta));
    }
    for e in &c.agreements {
        let _ = serde_json::to_writer(&mut w, &(&e.slug, &e.meta));
    }
    for e in &c.parties {
        let _ = serde_json::to_writer(&mut w, &(&e.slug, &e.meta));
    }
    for e in &c.articles {
        let _ = serde_json::to_writer(&mut w, &(&e.slug, &e.meta));
        for n in &e.body.notes {
            let _ = serde_json::to_writer(
                &mut w,
                &(
                    n.number,
                    &n.exact,
                    &n.prefix,
                    &n.suffix,
                    n.start,
                    n.end,
                    &n.note_html,
                ),
            );
        }
    }
    let mut keys: Vec<&resolve::Key> = a.links.keys().collect();
    keys.sort();
    for k in keys {
        for l in &a.links[k] {
            let _ = serde_json::to_writer(&mut w, &(&l.href, &l.title));
        }
    }
    let mut keys: Vec<&resolve::Key> = a.backlinks.keys().collect();
    keys.sort();
    for k in keys {
        for b in &a.backlinks[k] {
            let _ = serde_json::to_writer(&mut w, &(format!("{k:?}"), format!("{b:?}")));
        }
    }
    h.finish()
}

/// Feeds written bytes into a hasher.
struct HashWriter<'a>(&'a mut std::hash::DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A stable hash of everything a page's bytes depend on.
fn page_hash(template: &str, version: u64, layout: u64, page: &Value) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    template.hash(&mut h);
    version.hash(&mut h);
    layout.hash(&mut h);
    let _ = serde_json::to_writer(HashWriter(&mut h), page);
    h.finish()
}
