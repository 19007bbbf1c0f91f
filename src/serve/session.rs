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
    /// The diagnostics differ from the previous rebuild's.
    pub diagnostics_changed: bool,
    /// Search index shards indexed anew (the others came from the shard cache).
    pub search_shards: Vec<String>,
    /// Entries whose links were resolved: every entry, or after an edit of
    /// bodies alone only the edited ones.
    pub resolved_entries: usize,
}

/// Module routes to render on another thread from a copy of the site
/// ([`Session::module_job`]), while the session serves the pages and takes
/// the next edits.
pub struct ModuleJob {
    snapshot: crate::site::Snapshot,
    routes: Vec<Route>,
    /// The routes' ids (stable across edits, unlike entry indices).
    ids: Vec<String>,
    /// The site root (as the session names it).
    root: PathBuf,
    /// Ids of the routes the edits since the last job re-rendered: the search
    /// index builds only their entries' records anew.
    changed: HashSet<String>,
}

impl ModuleJob {
    /// Renders the modules from the copy.
    pub fn run(self) -> ModulesDone {
        crate::search::note_changed(&self.root, self.changed);
        let rendered = Mutex::new(Vec::<(String, Output)>::new());
        let a = self.snapshot.archive();
        let (_, diagnostics) = self
            .snapshot
            .render(&self.routes, &|route: &Route, o: Output| {
                rendered.lock().unwrap().push((plan::route_id(a, route), o));
                Ok(())
            });
        ModulesDone {
            rendered: rendered.into_inner().unwrap(),
            ids: self.ids,
            diagnostics,
        }
    }

    /// The routes to render.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// Adds the routes of an older job not yet run: this job's copy is newer
    /// (entry routes are found again by id: the indices may have moved; a
    /// route the newer archive no longer has is dropped).
    pub fn absorb(&mut self, older: ModuleJob) {
        self.changed.extend(older.changed);
        let have: HashSet<&String> = self.ids.iter().collect();
        let wanted: HashSet<String> = older
            .ids
            .into_iter()
            .filter(|id| !have.contains(id))
            .collect();
        if wanted.is_empty() {
            return;
        }
        let a = self.snapshot.archive();
        for r in plan::plan(a, true) {
            let id = plan::route_id(a, &r);
            if wanted.contains(&id) {
                self.routes.push(r);
                self.ids.push(id);
            }
        }
    }
}

/// What a [`ModuleJob`] rendered, for [`Session::publish_modules`].
pub struct ModulesDone {
    ids: Vec<String>,
    rendered: Vec<(String, Output)>,
    diagnostics: Vec<crate::diagnostics::Diagnostic>,
}

/// Whether a route renders after the pages of an edit are served, on the
/// modules' thread: the modules (timeline, notes index, feeds, data, search
/// index), and the pages that list a share of the archive that grows with it
/// (a party's, a tag's, a year's or an actor's reports, an agreement's
/// further pages of coverage: thousands at 10,000 reports, where each takes
/// longer than the rest of an edit's pages).
pub fn deferred(r: &Route) -> bool {
    r.is_module()
        || matches!(
            r,
            Route::Party(..) | Route::Tag(..) | Route::Year(..) | Route::Actor(..)
        )
        || matches!(r, Route::Agreement(_, n) if *n > 1)
}

/// The in-memory site of `annals serve`.
pub struct Session {
    site: Site,
    /// The routes of the last rebuild, and their ids.
    routes: Vec<Route>,
    ids: Vec<String>,
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
    /// Ids of the routes re-rendered since the search index last rendered.
    search_changed: HashSet<String>,
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
            defer_report_html_above: None,
        });
        let mut s = Session {
            site,
            routes: vec![],
            ids: vec![],
            route_files: HashMap::new(),
            pages: BTreeMap::new(),
            statics: BTreeMap::new(),
            static_read_diags: vec![],
            diagnostics: Diagnostics::new(),
            generation: 0,
            last_ok: false,
            force_index: false,
            search_changed: HashSet::new(),
        };
        s.reload_statics();
        let (mut r, modules) = s.rebuild(Changes::default());
        s.render_modules(&modules, &mut r);
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

    /// Applies changed paths (absolute, or relative to the root) and rebuilds
    /// everything they affect, pages and modules, before returning.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Rebuild {
        let (mut r, modules) = self.apply_pages(changed);
        self.render_modules(&modules, &mut r);
        r
    }

    /// Applies changed paths and rebuilds the pages they affect; returns the
    /// module routes (timeline, feeds, data, search index …: the outputs
    /// that read the whole archive) that must be rendered again as well, for
    /// [`Session::render_modules`] now, or [`Session::module_job`] to render
    /// them on another thread while the pages are already served.
    pub fn apply_pages(&mut self, changed: &[PathBuf]) -> (Rebuild, Vec<Route>) {
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

    /// Renders the search index again, here and now (after
    /// [`crate::search::finish_pending`] has indexed the shards an overlay
    /// stood in for, the index is then a clean build's).
    pub fn refresh_search(&mut self) -> Rebuild {
        let mut r = Rebuild::default();
        self.render_modules(&[Route::SearchIndex], &mut r);
        r
    }

    /// Renders module routes (from [`Session::apply_pages`]) here and now.
    pub fn render_modules(&mut self, modules: &[Route], r: &mut Rebuild) {
        if modules.is_empty() {
            return;
        }
        let changed = std::mem::take(&mut self.search_changed);
        crate::search::note_changed(self.site.root(), changed);
        let start = Instant::now();
        let rendered = Mutex::new(Vec::<(String, Output)>::new());
        let Some(a) = self.site.archive() else {
            return;
        };
        let ids = modules
            .iter()
            .map(|route| plan::route_id(a, route))
            .collect();
        let (_, d) = self.site.render(modules, &|route: &Route, o: Output| {
            rendered.lock().unwrap().push((plan::route_id(a, route), o));
            Ok(())
        });
        r.rendered += modules.iter().filter(|m| !m.is_module()).count();
        let done = ModulesDone {
            ids,
            rendered: rendered.into_inner().unwrap(),
            diagnostics: d,
        };
        self.publish_modules(done, r, start);
    }

    /// A copy of the site to render `modules` on another thread
    /// ([`ModuleJob::run`]); hand the result to [`Session::publish_modules`].
    pub fn module_job(&mut self, modules: Vec<Route>) -> Option<ModuleJob> {
        if modules.is_empty() {
            return None;
        }
        let start = Instant::now();
        let snapshot = self.site.snapshot()?;
        let ids = modules
            .iter()
            .map(|route| plan::route_id(snapshot.archive(), route))
            .collect();
        lap("snapshot", start);
        Some(ModuleJob {
            snapshot,
            routes: modules,
            ids,
            root: self.site.root().to_path_buf(),
            changed: std::mem::take(&mut self.search_changed),
        })
    }

    /// Puts the files of rendered modules in place of their old ones. On
    /// errors the old files stay and the next rebuild renders every route.
    pub fn publish_modules(&mut self, done: ModulesDone, r: &mut Rebuild, start: Instant) {
        if !done.diagnostics.is_empty() {
            r.diagnostics_changed = true;
            let mut diags = self.diagnostics.clone();
            diags.extend(done.diagnostics);
            if diags.has_errors() {
                self.last_ok = false;
                let _ = self.finish(diags, None, start);
                return;
            }
            self.diagnostics = diags;
        }
        // A route an edit since has removed stays removed.
        let ids: HashSet<String> = done
            .ids
            .into_iter()
            .filter(|id| self.route_files.contains_key(id))
            .collect();
        let rendered = done
            .rendered
            .into_iter()
            .filter(|(id, _)| ids.contains(id))
            .collect();
        let changed = self.publish(&ids, rendered, r);
        if changed > 0 {
            self.generation += 1;
        }
        r.changed += changed;
        r.millis += start.elapsed().as_secs_f64() * 1000.0;
        lap("modules", start);
        // The search index re-indexes only the shards whose records changed.
        r.search_shards = crate::search::take_built(self.site.root());
    }

    /// Replaces the files of the routes `ids` by `rendered`; returns how many
    /// files changed, were added or were removed.
    fn publish(
        &mut self,
        ids: &HashSet<String>,
        mut rendered: Vec<(String, Output)>,
        r: &mut Rebuild,
    ) -> usize {
        let mut old_files: HashMap<String, Bytes> = HashMap::new();
        for id in ids {
            for f in self.route_files.remove(id).unwrap_or_default() {
                if let Some(b) = self.pages.remove(&f) {
                    old_files.insert(f, b);
                }
            }
            self.route_files.insert(id.clone(), vec![]);
        }
        rendered.sort_by(|x, y| x.1.path.cmp(&y.1.path));
        let mut changed = 0;
        for (id, o) in rendered {
            r.rendered_files.push(o.path.clone());
            self.route_files.entry(id).or_default().push(o.path.clone());
            if old_files.remove(&o.path).is_none_or(|b| *b != o.bytes) {
                changed += 1;
            }
            self.pages.insert(o.path, Arc::new(o.bytes));
        }
        r.rendered_files.sort();
        changed + old_files.len()
    }

    /// Resolves and re-renders the pages that changed; returns the module
    /// routes to render too. On errors the previous pages stay.
    fn rebuild(&mut self, ch: Changes) -> (Rebuild, Vec<Route>) {
        let start = Instant::now();
        let (mut diags, routes, dirty) = self.site.resolve_changes(&ch, !self.last_ok);
        lap("resolve", start);
        diags.extend(self.static_read_diags.iter().cloned());
        if diags.has_errors() || self.site.archive().is_none() {
            self.last_ok = false;
            return (self.finish(diags, None, start), vec![]);
        }
        let a = self.site.archive().expect("resolved");
        // The same routes of the same entries as last time: the same ids.
        let same_routes = self.site.facts_unchanged() && self.routes == routes;
        if !same_routes {
            self.ids = routes.iter().map(|r| plan::route_id(a, r)).collect();
        }
        let ids = &self.ids;
        type Todo = Vec<(Route, String)>;
        let (modules, todo): (Todo, Todo) = routes
            .iter()
            .zip(ids)
            .zip(&dirty)
            .filter(|((_, id), d)| **d || !self.route_files.contains_key(*id))
            .map(|((r, id), _)| (r.clone(), id.clone()))
            .partition(|(r, _)| deferred(r));
        // Deferred routes are planned: a later edit must not take them for new.
        for (_, id) in &modules {
            self.route_files.entry(id.clone()).or_default();
        }
        let modules_ids: Vec<String> = modules.iter().map(|(_, id)| id.clone()).collect();
        let modules: Vec<Route> = modules.into_iter().map(|(r, _)| r).collect();
        let (todo, todo_ids): (Vec<Route>, HashSet<String>) = todo.into_iter().unzip();
        // The search index rebuilds the records of these entries only.
        self.search_changed.extend(todo_ids.iter().cloned());
        self.search_changed.extend(modules_ids.iter().cloned());
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
            return (self.finish(diags, None, start), vec![]);
        }
        // Drop the files of routes that are gone; those rendered again are
        // replaced; keep every other route's files as they are.
        let gone: Vec<String> = if same_routes {
            vec![]
        } else {
            let planned: HashSet<&String> = self.ids.iter().collect();
            self.route_files
                .keys()
                .filter(|id| !planned.contains(id))
                .cloned()
                .collect()
        };
        let n_pages = routes.iter().filter(|r| !r.is_module()).count();
        self.routes = routes;
        let mut r = Rebuild::default();
        let mut changed = 0;
        for id in gone {
            for f in self.route_files.remove(&id).unwrap_or_default() {
                if self.pages.remove(&f).is_some() {
                    changed += 1;
                }
            }
        }
        changed += self.publish(&todo_ids, rendered.into_inner().unwrap(), &mut r);
        let n_rendered = todo.iter().filter(|r| !r.is_module()).count();
        self.last_ok = true;
        self.force_index = false;
        let files = std::mem::take(&mut r.rendered_files);
        r = Rebuild {
            rendered: n_rendered,
            planned: n_pages,
            rendered_files: files,
            resolved_entries: self.site.resolved_entries(),
            ..self.finish(diags, Some(changed), start)
        };
        lap("bookkeeping", start);
        (r, modules)
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
            diagnostics_changed: errors_changed,
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
