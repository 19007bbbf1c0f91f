//! The site: one object that owns the whole pipeline — configuration, loading,
//! resolving, linting, the page plan and rendering. `annals build`, `check`
//! and `serve` are thin drivers over it: `build` renders every route once,
//! `serve` keeps the site in memory and, after an edit, re-loads the changed
//! files and renders only the routes that read what changed
//! ([`render::plan`]).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use tera::Tera;

use crate::config::SiteConfig;
use crate::content::{self, Content};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::plan::{self, Before, Dep, Slugs};
use crate::render::{self, templates, RouteSink};
use crate::resolve::{self, Archive};
use crate::urls::Route;

/// How the site is built.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    /// Site root (holds site.yaml).
    pub root: PathBuf,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Include `draft: true` files.
    pub drafts: bool,
    /// Build the search index.
    pub search: bool,
    /// Read the revision history from git for the pages (not needed to check).
    pub history: bool,
    /// Above this many reports, render their bodies to HTML only as their
    /// pages are written, each let go with its page, so memory never holds
    /// every body (each is read and parsed twice, a few per cent more work):
    /// a one-shot build without the search index and `check` pass
    /// [`DEFER_REPORTS_ABOVE`]; `serve` and a build with search (whose
    /// records read every body) keep them from the load on (`None`).
    pub defer_report_html_above: Option<usize>,
}

/// What changed in the files of a site, as [`Site::apply`] found it.
#[derive(Debug, Default)]
pub struct Changes {
    /// `site.yaml` changed: everything starts over.
    pub config: bool,
    /// Templates rendered by routes that changed.
    pub templates: BTreeSet<String>,
    /// A template included by others (base, partials) changed.
    pub layout: bool,
    /// A static file changed.
    pub statics: bool,
    /// The content files that changed, as they were before.
    pub entries: Vec<Before>,
}

/// The archive size above which a one-shot build renders reports' HTML as
/// their pages are written ([`SiteOptions::defer_report_html_above`]).
/// Below it a build keeps every body from the load on (10,000 reports: about
/// 250 MB at the peak), which costs less than reading and parsing each twice.
pub const DEFER_REPORTS_ABOVE: usize = 20_000;

/// The in-memory site.
pub struct Site {
    opts: SiteOptions,
    config: Option<SiteConfig>,
    config_diags: Vec<Diagnostic>,
    load_diags: BTreeMap<PathBuf, Vec<Diagnostic>>,
    template_diags: Vec<Diagnostic>,
    /// The files of static/ that may be published, and why others may not.
    statics: Vec<content::files::StaticFile>,
    static_diags: Vec<Diagnostic>,
    tera: Option<Tera>,
    /// Content not (yet) resolved; empty while `archive` holds it.
    content: Content,
    /// The last resolved archive (with the content), if it resolved.
    archive: Option<Archive>,
    /// The slugs of the resolved archive before the edits since, to compare
    /// its facts with the next one's.
    slugs_before: Option<Slugs>,
    /// Git history of the content files, read once (edits are not commits).
    history: std::sync::Arc<crate::history::History>,
    /// Why there is no history, when it was asked for.
    history_missing: Option<crate::history::Missing>,
    /// The diagnostics of the last resolve and lint, to reuse when an edit
    /// changes one entry's body alone.
    resolve_diags: resolve::ResolveDiags,
    lint_diags: Vec<Diagnostic>,
    /// How many entries the last resolve resolved (all of them, or the
    /// entries of a body-only edit).
    resolved_entries: usize,
    facts_unchanged: bool,
    /// What each route reads, while the archive's facts stand.
    readers: Option<plan::Readers>,
    timer: StageTimer,
}

impl Site {
    /// Reads the configuration, the templates and every content file.
    pub fn load(opts: SiteOptions) -> Site {
        let mut s = Site {
            opts,
            config: None,
            config_diags: vec![],
            load_diags: BTreeMap::new(),
            template_diags: vec![],
            statics: vec![],
            static_diags: vec![],
            tera: None,
            content: Content::default(),
            archive: None,
            slugs_before: None,
            history: Default::default(),
            history_missing: None,
            resolve_diags: Default::default(),
            lint_diags: vec![],
            resolved_entries: 0,
            facts_unchanged: false,
            readers: None,
            timer: StageTimer::new(),
        };
        if s.opts.history {
            match crate::history::read(&s.opts.root) {
                Ok(h) => s.history = std::sync::Arc::new(h),
                Err(m) => s.history_missing = Some(m),
            }
        }
        s.reload_config();
        s.reload_templates();
        s.reload_statics();
        if s.config.is_some() {
            let defer_above = s.opts.defer_report_html_above.filter(|_| !s.indexed());
            let (content, diags) = content::load(&s.opts.root, s.opts.drafts, defer_above);
            s.content = content;
            for d in diags {
                s.load_diags.entry(d.file.clone()).or_default().push(d);
            }
        }
        s.timer.lap("load");
        s
    }

    /// The options the site was loaded with.
    pub fn options(&self) -> &SiteOptions {
        &self.opts
    }

    /// The configuration, when site.yaml is valid.
    pub fn config(&self) -> Option<&SiteConfig> {
        self.config.as_ref()
    }

    /// The resolved archive, when it resolved.
    pub fn archive(&self) -> Option<&Archive> {
        self.archive.as_ref()
    }

    fn reload_config(&mut self) {
        match SiteConfig::load(&self.opts.root) {
            Ok(mut c) => {
                if let Some(b) = &self.opts.base_url {
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

    /// Vets static/ under the one rule for files and the allow-list of types.
    fn reload_statics(&mut self) {
        let Some(config) = &self.config else {
            self.statics.clear();
            self.static_diags.clear();
            return;
        };
        let (files, diags) = content::files::static_files(&self.opts.root, &config.static_scripts);
        self.statics = files;
        self.static_diags = diags;
    }

    /// The files of static/ that may be published (sorted by path).
    pub fn static_files(&self) -> &[content::files::StaticFile] {
        &self.statics
    }

    fn reload_templates(&mut self) {
        let Some(config) = &self.config else { return };
        let urls = crate::urls::Urls::new(&config.base_url);
        match templates::load(&self.opts.root.join("templates"), &urls) {
            Ok(t) => {
                self.tera = Some(t);
                self.template_diags.clear();
            }
            Err(d) => {
                self.tera = None;
                self.template_diags = render::attach_sources(&self.opts.root, d);
            }
        }
    }

    /// Resolves and lints the loaded content. Returns every diagnostic so far
    /// (configuration, loading, templates, resolving, linting). The archive is
    /// kept when it resolved, even with errors (its content is needed again).
    pub fn resolve(&mut self) -> Diagnostics {
        let mut diags = Diagnostics::new();
        diags.extend(self.config_diags.iter().cloned());
        diags.extend(self.static_diags.iter().cloned());
        diags.extend(self.load_diags.values().flatten().cloned());
        let Some(config) = self.config.clone() else {
            return diags;
        };
        let content = match self.archive.take() {
            Some(a) => a.content,
            None => std::mem::take(&mut self.content),
        };
        let (mut archive, d) = resolve::resolve_parts(config, content);
        archive.history = self.history.clone();
        self.resolved_entries = archive.content.keys().count();
        self.facts_unchanged = false;
        self.readers = None;
        self.resolve_diags = d;
        self.timer.lap("resolve");
        self.lint_diags = crate::lint::lint(&archive);
        self.timer.lap("lint");
        self.archive = Some(archive);
        self.diagnostics_so_far(diags)
    }

    /// `diags` (configuration, statics, loading) with those of the last
    /// resolve, lint and template load.
    fn diagnostics_so_far(&self, mut diags: Diagnostics) -> Diagnostics {
        if let Some(a) = &self.archive {
            diags.extend(self.resolve_diags.all(&a.content.failed));
            diags.extend(self.lint_diags.iter().cloned());
        }
        diags.extend(self.template_diags.iter().cloned());
        diags
    }

    /// Whether the last resolve kept every archive-wide fact (the same
    /// entries, lists and taxonomies: see [`plan::light_edit`]).
    pub fn facts_unchanged(&self) -> bool {
        self.facts_unchanged
    }

    /// How many entries the last resolve resolved: every entry, or after an
    /// edit of bodies alone only the edited ones (see [`Archive::relink`]).
    pub fn resolved_entries(&self) -> usize {
        self.resolved_entries
    }

    /// After an edit that changes no archive-wide fact (see
    /// [`plan::light_edit`]: a body whose links point where they did, a
    /// title, a summary), resolves only the edited entries' links again —
    /// and, after a new title, the links of the entries that refer to them;
    /// every index stays as it is, and the lint runs again only if the front
    /// matter's text changed. Returns the diagnostics and what changed beyond
    /// the edited entries themselves, or `None` (having changed nothing that
    /// a whole resolve would not redo) when the edit needs a whole resolve.
    fn resolve_light(&mut self, ch: &Changes) -> Option<(Diagnostics, Vec<Dep<'static>>)> {
        if ch.config || ch.layout || ch.statics || ch.entries.is_empty() {
            return None;
        }
        let archive = self.archive.as_mut()?;
        let mut edits = vec![];
        for b in &ch.entries {
            let light = plan::light_edit(&archive.content, b)?;
            if Archive::has_reference_diagnostics(&self.resolve_diags, &b.file) {
                return None;
            }
            edits.push((light, b.body.as_ref()?));
        }
        let mut diags = self.resolve_diags.clone();
        let mut resolved = 0;
        let mut more = vec![];
        for (light, old_body) in &edits {
            if !archive.relink(light.key, old_body, &mut diags) {
                return None;
            }
            resolved += 1;
        }
        for (light, _) in &edits {
            if light.retitled {
                let (relinked, reordered) = archive.retitle(light.key, &mut diags);
                resolved += archive.backlinks.get(&light.key).map_or(0, Vec::len);
                for j in relinked {
                    more.extend([Dep::Entry(j), Dep::AnyNotes, Dep::AnyContent]);
                }
                more.extend(reordered.into_iter().map(Dep::Backlinks));
            }
        }
        self.resolve_diags = diags;
        self.resolved_entries = resolved;
        self.facts_unchanged = true;
        self.timer.lap("resolve");
        if edits.iter().any(|(l, _)| !l.same_front_text) {
            self.lint_diags = crate::lint::lint(archive);
            self.timer.lap("lint");
        }
        let mut d = Diagnostics::new();
        d.extend(self.config_diags.iter().cloned());
        d.extend(self.static_diags.iter().cloned());
        d.extend(self.load_diags.values().flatten().cloned());
        Some((self.diagnostics_so_far(d), more))
    }

    /// Why pages have no revision history, when it was asked for and git could
    /// not give it: one line to print.
    pub fn history_note(&self) -> Option<&'static str> {
        self.history_missing.as_ref().map(|m| m.note())
    }

    /// Frees the source texts once no diagnostic can need them (a one-shot
    /// build then holds only the rendered bodies).
    pub fn release_sources(&mut self) {
        if let Some(a) = &mut self.archive {
            a.content.release_sources();
        }
    }

    /// Every route of the resolved archive.
    pub fn plan(&self) -> Vec<Route> {
        self.archive
            .as_ref()
            .map(|a| plan::plan(a, self.indexed()))
            .unwrap_or_default()
    }

    fn indexed(&self) -> bool {
        self.opts.search && crate::search::AVAILABLE
    }

    /// Renders `routes`, handing every file to `sink`; a report body loaded
    /// without its HTML ([`SiteOptions::defer_report_html_above`]) is
    /// rendered with its page and let go with it. Returns the number of pages
    /// rendered and the diagnostics.
    pub fn render(&self, routes: &[Route], sink: RouteSink<'_>) -> (usize, Vec<Diagnostic>) {
        let (Some(archive), Some(tera)) = (&self.archive, &self.tera) else {
            return (0, vec![]);
        };
        let r = render::render_routes(tera, archive, &self.opts.root, routes, self.indexed(), sink);
        self.timer.lap("render+write");
        r
    }

    /// A copy of the resolved archive and the templates, to render routes on
    /// another thread while this site takes the next edit (`None` before the
    /// archive resolves or while the templates do not load).
    pub fn snapshot(&self) -> Option<Snapshot> {
        Some(Snapshot {
            archive: self.archive.clone()?,
            tera: self.tera.clone()?,
            root: self.opts.root.clone(),
            indexed: self.indexed(),
        })
    }

    /// Applies changed files (absolute, or relative to the root): re-reads
    /// them, or the templates, and says what changed. Call [`Site::resolve`]
    /// and [`Site::invalidated`] next.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Changes {
        let root = self.opts.root.clone();
        let rels: BTreeSet<PathBuf> = changed
            .iter()
            .map(|p| p.strip_prefix(&root).unwrap_or(p).to_path_buf())
            .collect();
        let mut ch = Changes::default();
        if rels.iter().any(|r| r == Path::new("site.yaml")) {
            *self = Site::load(self.opts.clone());
            ch.config = true;
            return ch;
        }
        let page_templates: HashSet<&str> =
            self.plan().iter().filter_map(|r| r.template()).collect();
        if self.slugs_before.is_none() {
            self.slugs_before = self.archive.as_ref().map(|a| Slugs::of(&a.content));
        }
        let content = match &mut self.archive {
            Some(a) => &mut a.content,
            None => &mut self.content,
        };
        let mut templates_changed = false;
        for rel in &rels {
            if let Ok(name) = rel.strip_prefix("templates") {
                templates_changed = true;
                let name = name.to_string_lossy().replace('\\', "/");
                if page_templates.contains(name.as_str()) {
                    ch.templates.insert(name);
                } else {
                    ch.layout = true;
                }
            } else if rel.starts_with("static") {
                ch.statics = true;
            } else if rel.starts_with("content") && rel.extension().is_some_and(|x| x == "md") {
                ch.entries.push(plan::before(content, rel));
                content.remove(rel);
                self.load_diags.remove(rel);
                let abs = root.join(rel);
                if abs.is_file() {
                    let (loaded, diags) = content::load_one(&root, &abs, self.opts.drafts);
                    content.insert(loaded);
                    if !diags.is_empty() {
                        self.load_diags.insert(rel.clone(), diags);
                    }
                }
            }
        }
        if templates_changed {
            self.reload_templates();
        }
        if ch.statics {
            self.reload_statics();
        }
        ch
    }

    /// Resolves again after [`Site::apply`] and returns the routes of the new
    /// plan with, for each, whether it must be rendered again (it reads
    /// something that changed). With `all`, every route is.
    pub fn resolve_changes(
        &mut self,
        ch: &Changes,
        all: bool,
    ) -> (Diagnostics, Vec<Route>, Vec<bool>) {
        if !all {
            if let Some((diags, more)) = self.resolve_light(ch) {
                // No archive-wide fact changed: the edited entries are all
                // that did, with the links to a new title.
                self.slugs_before = None;
                let routes = self.plan();
                let a = self.archive.as_ref().expect("resolved");
                let mut changed = plan::diff_entries(a, &ch.entries);
                changed.extend(more);
                let readers = match self.readers.take() {
                    Some(r) if r.len() == routes.len() => r,
                    _ => plan::Readers::of(a, &routes),
                };
                let mut dirty = readers.affected(&changed);
                self.readers = Some(readers);
                for (i, r) in routes.iter().enumerate() {
                    if r.template().is_some_and(|t| ch.templates.contains(t)) {
                        dirty[i] = true;
                    }
                }
                return (diags, routes, dirty);
            }
        }
        // Keep the facts of the archive as it was, without its content.
        let slugs = self.slugs_before.take();
        let old = self.archive.as_mut().map(|a| {
            let slugs = slugs.unwrap_or_else(|| Slugs::of(&a.content));
            (slugs, std::mem::take(&mut a.content))
        });
        let old_facts = match (old, self.archive.take()) {
            (Some((slugs, content)), Some(facts)) => {
                self.content = content;
                Some((slugs, facts))
            }
            _ => None,
        };
        let diags = self.resolve();
        let routes = self.plan();
        let Some(a) = &self.archive else {
            return (diags, vec![], vec![]);
        };
        let dirty = match (&old_facts, all || ch.layout || ch.config) {
            (Some((slugs, facts)), false) => {
                let changed: HashSet<Dep<'_>> = plan::diff(facts, slugs, a, &ch.entries);
                let mut dirty = plan::affected(a, &routes, &changed);
                for (i, r) in routes.iter().enumerate() {
                    if r.template().is_some_and(|t| ch.templates.contains(t)) {
                        dirty[i] = true;
                    }
                }
                dirty
            }
            _ => vec![true; routes.len()],
        };
        (diags, routes, dirty)
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        &self.opts.root
    }
}

/// The resolved archive and templates of a [`Site`] at one moment
/// ([`Site::snapshot`]): renders routes exactly as the site did then.
pub struct Snapshot {
    archive: Archive,
    tera: Tera,
    root: PathBuf,
    indexed: bool,
}

impl Snapshot {
    /// The archive of the snapshot.
    pub fn archive(&self) -> &Archive {
        &self.archive
    }

    /// Renders `routes` as [`Site::render`] does.
    pub fn render(&self, routes: &[Route], sink: RouteSink<'_>) -> (usize, Vec<Diagnostic>) {
        render::render_routes(
            &self.tera,
            &self.archive,
            &self.root,
            routes,
            self.indexed,
            sink,
        )
    }
}

/// With `ANNALS_TIMINGS=1`, prints each stage's time and the peak memory so far
/// to stderr (for the benchmark; Linux only for memory).
struct StageTimer {
    start: Option<Instant>,
    last: std::sync::Mutex<Option<Instant>>,
}

impl StageTimer {
    fn new() -> Self {
        let on = std::env::var_os("ANNALS_TIMINGS").is_some_and(|v| v != "0");
        StageTimer {
            start: on.then(Instant::now),
            last: std::sync::Mutex::new(None),
        }
    }

    fn lap(&self, stage: &str) {
        let Some(start) = self.start else { return };
        let peak = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
            })
            .unwrap_or_else(|| "?".into());
        let now = Instant::now();
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let took = now - last.unwrap_or(start);
        *last = Some(now);
        eprintln!(
            "timing: {stage:<12} done at {:>6.0} ms (took {:>5.0} ms), peak memory {peak}",
            (now - start).as_secs_f64() * 1000.0,
            took.as_secs_f64() * 1000.0
        );
    }
}
