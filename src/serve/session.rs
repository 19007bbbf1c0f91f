//! The live server's in-memory site: a [`Site`] kept between edits, and the
//! bytes of every output file. After an edit the site re-reads only the changed
//! files, resolves again, and renders only the routes whose declared inputs
//! changed (see [`crate::render::plan`]); the files of every other route are
//! kept as they are. The result is byte-identical to a clean build.

use std::collections::{BTreeMap, HashMap, HashSet};
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

/// With `ANNALS_TIMINGS=1`, prints the time since `start` of a rebuild's stage.
fn lap(stage: &str, start: Instant) {
    if std::env::var_os("ANNALS_TIMINGS").is_some_and(|v| v != "0") {
        eprintln!(
            "timing: rebuild {stage:<12} done at {:>6.1} ms",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
}

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
    /// Search index shards indexed anew (the others came from the shard cache).
    pub search_shards: Vec<String>,
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
    /// The next rebuild renders the search index whatever the archive's size.
    force_index: bool,
}

impl Session {
    /// Loads and builds everything. `base_url` overrides site.yaml's.
    pub fn new(root: &Path, drafts: bool, base_url: Option<String>) -> Session {
        // Watchers report canonical paths; keep the root in the same form.
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        // Search shards are re-read after every edit: keep them in memory.
        crate::search::keep_shards_in_memory();
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
            force_index: false,
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
            // Everything renders again, the search index too (the files of
            // routes no longer planned are dropped as usual).
            self.last_ok = false;
            self.force_index = true;
        }
        if ch.statics || ch.config {
            self.reload_statics();
        }
        self.rebuild(ch)
    }

    /// The site root, as the session names it (canonical).
    pub fn root(&self) -> &Path {
        self.site.root()
    }

    /// Renders the search index again, and nothing else that did not change:
    /// after [`crate::search::finish_pending`] has indexed the shards an
    /// overlay stood in for, the served index becomes a clean build's.
    ///
    /// Browsers are not told to reload for this: no page shows the index, and
    /// the search page checks `pagefind/shards.json` before each search.
    pub fn refresh_search(&mut self) -> Rebuild {
        self.force_index = true;
        let generation = self.generation;
        let errors = self.diagnostics.items().to_vec();
        let r = self.rebuild(Changes::default());
        if self.diagnostics.items() == errors.as_slice()
            && r.rendered_files.iter().all(|f| f.starts_with("pagefind/"))
        {
            self.generation = generation;
        }
        r
    }

    /// Resolves and re-renders what changed. On errors the previous pages stay.
    fn rebuild(&mut self, ch: Changes) -> Rebuild {
        let start = Instant::now();
        let (mut diags, routes, dirty) = self.site.resolve_changes(&ch, !self.last_ok);
        lap("resolve", start);
        diags.extend(self.static_read_diags.iter().cloned());
        if diags.has_errors() || self.site.archive().is_none() {
            self.last_ok = false;
            return self.finish(diags, None, start);
        }
        let a = self.site.archive().expect("resolved");
        let ids: Vec<String> = routes.iter().map(|r| plan::route_id(a, r)).collect();
        let todo: Vec<Route> = routes
            .iter()
            .zip(&ids)
            .zip(&dirty)
            .filter(|((r, id), d)| {
                let known = self.route_files.contains_key(*id);
                **d || !known || (self.force_index && **r == Route::SearchIndex)
            })
            .map(|((r, _), _)| r.clone())
            .collect();
        lap("plan", start);
        let rendered = Mutex::new(Vec::<(String, Output)>::new());
        let (_, d) = self.site.render(&todo, &|r: &Route, o: Output| {
            rendered.lock().unwrap().push((plan::route_id(a, r), o));
            Ok(())
        });
        diags.extend(d);
        lap("render", start);
        if diags.has_errors() {
            self.last_ok = false;
            return self.finish(diags, None, start);
        }
        // Drop the files of routes that are gone or were rendered again; keep
        // every other route's files as they are.
        let todo_ids: HashSet<String> = todo.iter().map(|r| plan::route_id(a, r)).collect();
        let planned: HashSet<&String> = ids.iter().collect();
        let mut changed = 0;
        let mut old_files: HashMap<String, Bytes> = HashMap::new();
        self.route_files.retain(|id, files| {
            let keep = planned.contains(id) && !todo_ids.contains(id);
            if !keep {
                for f in files.iter() {
                    if let Some(b) = self.pages.remove(f) {
                        old_files.insert(f.clone(), b);
                    }
                }
            }
            keep
        });
        let mut rendered = rendered.into_inner().unwrap();
        rendered.sort_by(|x, y| x.1.path.cmp(&y.1.path));
        let mut rendered_files = vec![];
        for id in &todo_ids {
            self.route_files.insert(id.clone(), vec![]);
        }
        for (id, o) in rendered {
            rendered_files.push(o.path.clone());
            self.route_files.entry(id).or_default().push(o.path.clone());
            if old_files.remove(&o.path).is_none_or(|b| *b != o.bytes) {
                changed += 1;
            }
            self.pages.insert(o.path, Arc::new(o.bytes));
        }
        changed += old_files.len();
        let n_pages = routes.iter().filter(|r| !r.is_module()).count();
        let n_rendered = todo.iter().filter(|r| !r.is_module()).count();
        self.last_ok = true;
        self.force_index = false;
        let mut r = self.finish(diags, Some(changed), start);
        r.rendered = n_rendered;
        r.planned = n_pages;
        r.rendered_files = rendered_files;
        lap("bookkeeping", start);
        // The search index re-indexes only the shards whose records changed.
        r.search_shards = crate::search::take_built(self.site.root());
        r
    }

    fn finish(&mut self, diags: Diagnostics, changed: Option<usize>, start: Instant) -> Rebuild {
        let changed = changed.unwrap_or(0);
        let errors_changed = diags.items() != self.diagnostics.items();
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
