//! The live server's in-memory site: a [`Site`] kept between edits, and the
//! bytes of every output file. After an edit the site re-reads only the changed
//! files, resolves again, and renders only the routes whose declared inputs
//! changed (see [`crate::render::plan`]); the files of every other route are
//! kept as they are. The result is byte-identical to a clean build.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::diagnostics::Diagnostics;
use crate::render::plan;
use crate::render::Output;
use crate::site::{Changes, Site, SiteOptions};
use crate::urls::Route;

/// File contents shared between the session and HTTP threads.
pub type Bytes = Arc<Vec<u8>>;

/// Above this many reports, edits do not rebuild the search index (it takes
/// seconds); the index from the first build keeps being served.
pub const REINDEX_LIMIT: usize = 2_000;

/// What one rebuild did.
#[derive(Debug, Clone, Default)]
pub struct Rebuild {
    /// Pages rendered through Tera (the rest were unchanged and skipped).
    pub rendered: usize,
    /// Pages the site has (module outputs such as feeds are not counted).
    pub planned: usize,
    /// Output files whose bytes changed, were added or were removed.
    pub changed: usize,
    /// Every output file rendered again, sorted (module files included).
    pub rendered_files: Vec<String>,
    /// Wall time.
    pub millis: f64,
}

/// The in-memory site of `annals serve`.
pub struct Session {
    site: Site,
    /// Output files of each route, by route id.
    route_files: HashMap<String, Vec<String>>,
    pages: BTreeMap<String, Bytes>,
    statics: BTreeMap<String, Bytes>,
    /// Vetted static files that could not be read after all.
    static_read_diags: Vec<crate::diagnostics::Diagnostic>,
    diagnostics: Diagnostics,
    generation: u64,
    /// The last rebuild rendered; otherwise the next one renders everything.
    last_ok: bool,
}

impl Session {
    /// Loads and builds everything. `base_url` overrides site.yaml's.
    pub fn new(root: &Path, drafts: bool, base_url: Option<String>) -> Session {
        // Watchers report canonical paths; keep the root in the same form.
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let site = Site::load(SiteOptions {
            root,
            base_url,
            drafts,
            search: true,
            history: true,
        });
        let mut s = Session {
            site,
            route_files: HashMap::new(),
            pages: BTreeMap::new(),
            statics: BTreeMap::new(),
            static_read_diags: vec![],
            diagnostics: Diagnostics::new(),
            generation: 0,
            last_ok: false,
        };
        s.reload_statics();
        s.rebuild(Changes::default());
        s
    }

    /// Reads the files of static/ the site vetted (as `build` publishes them).
    fn reload_statics(&mut self) {
        self.statics.clear();
        self.static_read_diags.clear();
        let root = self.site.root().to_path_buf();
        for f in self.site.static_files() {
            match crate::content::files::read(
                &root,
                &f.path,
                crate::content::files::MAX_STATIC_BYTES,
            ) {
                Ok(bytes) => {
                    self.statics.insert(f.rel.clone(), Arc::new(bytes));
                }
                Err(e) => self
                    .static_read_diags
                    .push(e.diagnostic(&Path::new("static").join(&f.rel))),
            }
        }
    }

    /// Applies changed paths (absolute, or relative to the root) and rebuilds.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Rebuild {
        let ch = self.site.apply(changed);
        if ch.config {
            self.last_ok = false;
            self.route_files.clear();
        }
        if ch.statics || ch.config {
            self.reload_statics();
        }
        self.rebuild(ch)
    }

    /// Resolves and re-renders what changed. On errors the previous pages stay.
    fn rebuild(&mut self, ch: Changes) -> Rebuild {
        let start = Instant::now();
        let (mut diags, routes, dirty) = self.site.resolve_changes(&ch, !self.last_ok);
        diags.extend(self.static_read_diags.iter().cloned());
        if diags.has_errors() || self.site.archive().is_none() {
            self.last_ok = false;
            return self.finish(diags, None, start);
        }
        let a = self.site.archive().expect("resolved");
        let ids: Vec<String> = routes.iter().map(|r| plan::route_id(a, r)).collect();
        // The search index takes seconds on large archives: after the first
        // build it is only redone for small ones; otherwise the previous index
        // keeps being served.
        let reindex = a.content.articles.len() <= REINDEX_LIMIT;
        let todo: Vec<Route> = routes
            .iter()
            .zip(&ids)
            .zip(&dirty)
            .filter(|((r, id), d)| {
                let known = self.route_files.contains_key(*id);
                if **r == Route::SearchIndex && known && !reindex {
                    return false;
                }
                **d || !known
            })
            .map(|((r, _), _)| r.clone())
            .collect();
        let rendered = Mutex::new(Vec::<(String, Output)>::new());
        let (_, d) = self.site.render(&todo, &|r: &Route, o: Output| {
            rendered.lock().unwrap().push((plan::route_id(a, r), o));
            Ok(())
        });
        diags.extend(d);
        if diags.has_errors() {
            self.last_ok = false;
            return self.finish(diags, None, start);
        }
        // The new files: every kept route's files as they were, and the
        // rendered routes' new files.
        let todo_ids: std::collections::HashSet<String> =
            todo.iter().map(|r| plan::route_id(a, r)).collect();
        let mut route_files: HashMap<String, Vec<String>> = HashMap::new();
        let mut next: BTreeMap<String, Bytes> = BTreeMap::new();
        for id in &ids {
            if todo_ids.contains(id) {
                route_files.insert(id.clone(), vec![]);
            } else if let Some(files) = self.route_files.get(id) {
                for f in files {
                    if let Some(b) = self.pages.get(f) {
                        next.insert(f.clone(), b.clone());
                    }
                }
                route_files.insert(id.clone(), files.clone());
            }
        }
        let mut rendered = rendered.into_inner().unwrap();
        rendered.sort_by(|x, y| x.1.path.cmp(&y.1.path));
        let mut rendered_files = vec![];
        for (id, o) in rendered {
            rendered_files.push(o.path.clone());
            route_files.entry(id).or_default().push(o.path.clone());
            next.insert(o.path, Arc::new(o.bytes));
        }
        let n_pages = routes.iter().filter(|r| !r.is_module()).count();
        let n_rendered = todo.iter().filter(|r| !r.is_module()).count();
        self.route_files = route_files;
        self.last_ok = true;
        let mut r = self.finish(diags, Some(next), start);
        r.rendered = n_rendered;
        r.planned = n_pages;
        r.rendered_files = rendered_files;
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
            let keys: std::collections::BTreeSet<&String> =
                next.keys().chain(self.pages.keys()).collect();
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
            changed,
            millis: start.elapsed().as_secs_f64() * 1000.0,
            ..Rebuild::default()
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
        self.site
            .config()
            .map(|c| c.base_path())
            .unwrap_or_else(|| "/".into())
    }
}
