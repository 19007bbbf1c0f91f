//! Stage 3, render: pure functions from the resolved [`Archive`] to
//! `(path, bytes)` pairs — pages through Tera, plus feeds and data. No I/O
//! besides reading templates; pages render in parallel.

pub mod annotations;
pub mod cite;
pub mod clauses;
pub mod context;
pub mod corrections;
pub mod data;
pub mod feeds;
pub mod plan;
pub mod templates;
pub mod timeline;

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostics::Diagnostic;
use crate::resolve::{Archive, Key, Kind};
use crate::urls::{paths, Route};
use context::{Ctx, PageContext};

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Path relative to the output folder, with `/` separators.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Where rendered files go: the writer's staging folder, or nowhere for `check`.
pub type Sink<'s> = &'s (dyn Fn(Output) -> std::io::Result<()> + Sync);

/// Where rendered files go, told which route produced each (the live server
/// keeps track of the files of each route).
pub type RouteSink<'s> = &'s (dyn Fn(&Route, Output) -> std::io::Result<()> + Sync);

/// Renders every page of the archive and collects the outputs in memory
/// (sorted by path), without the search index. Used by tests and tools.
pub fn render(archive: &Archive, root: &Path) -> (Vec<Output>, Vec<Diagnostic>) {
    let tera = match templates::load(&root.join("templates"), &archive.urls) {
        Ok(t) => t,
        Err(d) => return (vec![], attach_sources(root, d)),
    };
    let collected = std::sync::Mutex::new(vec![]);
    let routes = plan::plan(archive, false);
    let (_, diags) = render_routes(&tera, archive, root, &routes, false, &|_, o| {
        collected.lock().unwrap().push(o);
        Ok(())
    });
    let mut outputs = collected.into_inner().unwrap();
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    (outputs, diags)
}

/// Renders `routes` in parallel, handing each file to `sink` as soon as it is
/// rendered so the whole site never sits in memory. The search index, if
/// planned, is built at the same time, on threads of its own. `indexed`
/// tells `/search/` whether an index exists. Returns the number of pages
/// written and the diagnostics.
pub fn render_routes(
    tera: &Tera,
    archive: &Archive,
    root: &Path,
    routes: &[Route],
    indexed: bool,
    sink: RouteSink<'_>,
) -> (usize, Vec<Diagnostic>) {
    // (Reports loaded without their HTML are rendered from their files as
    // their pages are.)
    let ctx = Ctx::new(archive, root);
    let (count, mut diags) = if routes.contains(&Route::SearchIndex) {
        // The search index builds on threads of its own while the pages render.
        std::thread::scope(|scope| {
            let index = std::thread::Builder::new()
                .name("annals-search".into())
                .spawn_scoped(scope, || {
                    crate::search::render_index(archive, root, &|o| sink(&Route::SearchIndex, o))
                });
            let (count, mut diags) = render_routes_with(tera, &ctx, routes, indexed, sink);
            match index {
                Ok(h) => diags.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
                Err(e) => diags.push(Diagnostic::error(
                    crate::search::BUNDLE,
                    format!("cannot start the search index's thread: {e}"),
                )),
            }
            (count, diags)
        })
    } else {
        render_routes_with(tera, &ctx, routes, indexed, sink)
    };
    diags.extend(ctx.late_errors());
    (count, finish_diagnostics(root, diags))
}

/// Groups template errors, sorts, and attaches sources.
fn finish_diagnostics(root: &Path, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut diags = group_template_errors(diags);
    diags.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    attach_sources(root, diags)
}

/// Renders every route but the search index (which [`render_routes`] builds
/// beside the pages) with the contexts `ctx`; the diagnostics come back as
/// found.
fn render_routes_with(
    tera: &Tera,
    ctx: &Ctx<'_>,
    routes: &[Route],
    indexed: bool,
    sink: RouteSink<'_>,
) -> (usize, Vec<Diagnostic>) {
    let t0 = std::time::Instant::now();
    let archive = ctx.archive;
    let count = std::sync::atomic::AtomicUsize::new(0);
    let diags = std::sync::Mutex::new(Vec::new());
    let emit = |route: &Route, r: Result<Output, Diagnostic>| match r {
        Ok(o) => {
            let path = o.path.clone();
            match sink(route, o) {
                Ok(()) => {
                    if !route.is_module() {
                        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
                Err(e) => diags.lock().unwrap().push(Diagnostic::error(
                    path,
                    format!("cannot write output file: {e}"),
                )),
            }
        }
        Err(d) => diags.lock().unwrap().push(d),
    };
    let timings = std::env::var_os("ANNALS_TIMINGS").is_some_and(|v| v != "0");
    // Time spent per page template (pages, time), when timings are asked for.
    let by_template = std::sync::Mutex::new(std::collections::BTreeMap::new());
    routes
        .par_iter()
        .filter(|r| **r != Route::SearchIndex)
        .for_each(|route| {
            let t = std::time::Instant::now();
            let out = |r: Result<Output, Diagnostic>| emit(route, r);
            match route {
                Route::Timeline => timeline::render_each(tera, ctx, &out),
                Route::Annotations => annotations::render(tera, ctx).into_iter().for_each(out),
                Route::Feeds => feeds::render(tera, ctx).into_iter().for_each(out),
                Route::Data => data::render(tera, ctx).into_iter().for_each(out),
                Route::Corrections => corrections::render(tera, ctx).into_iter().for_each(out),
                Route::Search => out(render_page(
                    tera,
                    ctx,
                    "search.html",
                    crate::search::PATH,
                    &crate::search::page(archive, indexed),
                )),
                _ => {
                    let (template, rel, page) = route_page(ctx, route);
                    out(render_page(tera, ctx, template, &rel, &page));
                    // Reports, agreements and actors have their citation files beside them.
                    if let Some(c) = page.citation() {
                        c.files(&rel).into_iter().map(Ok).for_each(out);
                    }
                    if timings {
                        let mut m = by_template.lock().unwrap();
                        let e = m.entry(template).or_insert((0, 0.0));
                        *e = (e.0 + 1, e.1 + t.elapsed().as_secs_f64());
                    }
                }
            }
            if timings && route.is_module() {
                eprintln!(
                    "timing:   module {route:<12?} {:>6.0} ms",
                    t.elapsed().as_secs_f64() * 1000.0
                );
            }
        });
    if timings {
        for (template, (n, secs)) in by_template.into_inner().unwrap() {
            eprintln!(
                "timing:   {template:<16} {:>6.0} ms for {n} pages (both cores)",
                secs * 1000.0
            );
        }
        eprintln!(
            "timing:   pages              {:>6.0} ms",
            t0.elapsed().as_secs_f64() * 1000.0
        );
    }
    (count.into_inner(), diags.into_inner().unwrap())
}

/// What [`templates::template_error`] appends to say which page was rendering.
const WHILE_RENDERING: &str = " (while rendering ";

/// A template mistake shows on every page the template renders (a field
/// missing from its context fails all 10,000 report pages alike): reports each
/// one once, naming the first page in path order and how many others failed.
fn group_template_errors(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut groups: Vec<(Diagnostic, Vec<String>)> = vec![];
    let mut index = std::collections::HashMap::new();
    for d in diags {
        let Some(at) = d.message.rfind(WHILE_RENDERING) else {
            groups.push((d, vec![]));
            continue;
        };
        let page = d.message[at + WHILE_RENDERING.len()..]
            .trim_end_matches(')')
            .to_string();
        let base = d.message[..at].to_string();
        let key = (d.file.clone(), d.line, d.col, base.clone());
        match index.get(&key) {
            Some(&i) => {
                let g: &mut (Diagnostic, Vec<String>) = &mut groups[i];
                g.1.push(page);
            }
            None => {
                index.insert(key, groups.len());
                groups.push((Diagnostic { message: base, ..d }, vec![page]));
            }
        }
    }
    groups
        .into_iter()
        .map(|(mut d, mut pages)| {
            pages.sort();
            match pages.len() {
                0 => {}
                1 => d.message = format!("{}{WHILE_RENDERING}{})", d.message, pages[0]),
                n => {
                    d.message = format!(
                        "{}{WHILE_RENDERING}{} and {} other page{})",
                        d.message,
                        pages[0],
                        n - 1,
                        if n == 2 { "" } else { "s" }
                    )
                }
            }
            d
        })
        .collect()
}

/// Adds the offending template line to template diagnostics.
pub fn attach_sources(root: &Path, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .map(|d| {
            if d.line > 0 && d.source_line.is_none() {
                if let Ok(text) = crate::content::files::read_text(
                    root,
                    &root.join(&d.file),
                    crate::content::files::MAX_TEMPLATE_BYTES,
                ) {
                    let line = text.lines().nth(d.line - 1).unwrap_or("").to_string();
                    return d.with_source_line(line);
                }
            }
            d
        })
        .collect()
}

/// The output file of a page at site-relative path `rel`.
pub use crate::urls::out_path;

/// The typed `page` context of a page route, whichever it is.
#[derive(Serialize)]
#[serde(untagged)]
pub enum RoutePage<'a> {
    /// `home.html`.
    Home(context::HomePage<'a>),
    /// `article.html`.
    Article(context::ArticlePage<'a>),
    /// `agreement.html`.
    Agreement(context::AgreementPage<'a>),
    /// `party.html`.
    Party(context::PartyPage<'a>),
    /// `actor.html`.
    Actor(context::ActorPage<'a>),
    /// `actors.html`.
    ActorsIndex(context::ActorsIndexPage<'a>),
    /// `page.html`.
    Page(context::EntryPage<'a>),
    /// `articles.html`.
    ArticlesList(context::ArticlesListPage),
    /// `agreements.html`.
    AgreementsIndex(context::AgreementsIndexPage),
    /// `parties.html`.
    PartiesIndex(context::PartiesIndexPage<'a>),
    /// `tags.html`.
    TagsIndex(context::TagsIndexPage<'a>),
    /// `tag.html`.
    Tag(context::TagPage<'a>),
    /// `years.html`.
    YearsIndex(context::YearsIndexPage),
    /// `year.html`.
    Year(context::YearPage),
    /// `clause.html`.
    Clause(clauses::ClausePage<'a>),
    /// `clauses.html`.
    ClausesIndex(clauses::ClausesIndexPage<'a>),
    /// `404.html`.
    NotFound(context::NotFoundPage),
}

macro_rules! each_page {
    ($page:expr, $p:ident => $e:expr) => {
        match $page {
            RoutePage::Home($p) => $e,
            RoutePage::Article($p) => $e,
            RoutePage::Agreement($p) => $e,
            RoutePage::Party($p) => $e,
            RoutePage::Actor($p) => $e,
            RoutePage::ActorsIndex($p) => $e,
            RoutePage::Page($p) => $e,
            RoutePage::ArticlesList($p) => $e,
            RoutePage::AgreementsIndex($p) => $e,
            RoutePage::PartiesIndex($p) => $e,
            RoutePage::TagsIndex($p) => $e,
            RoutePage::Tag($p) => $e,
            RoutePage::YearsIndex($p) => $e,
            RoutePage::Year($p) => $e,
            RoutePage::Clause($p) => $e,
            RoutePage::ClausesIndex($p) => $e,
            RoutePage::NotFound($p) => $e,
        }
    };
}

impl PageContext for RoutePage<'_> {
    fn title(&self) -> &str {
        each_page!(self, p => p.title())
    }
}

impl RoutePage<'_> {
    /// The citation of a report, agreement or actor page (its citation files
    /// are written beside it).
    pub fn citation(&self) -> Option<&cite::Citation> {
        match self {
            RoutePage::Article(p) => p.citation.as_ref(),
            RoutePage::Agreement(p) => p.citation.as_ref(),
            RoutePage::Actor(p) => p.citation.as_ref(),
            _ => None,
        }
    }
}

/// The template, site-relative path and `page` context of a page route.
pub fn route_page<'a>(ctx: &Ctx<'a>, route: &'a Route) -> (&'static str, String, RoutePage<'a>) {
    let a = ctx.archive;
    match route {
        Route::Home => ("home.html", String::new(), RoutePage::Home(ctx.home())),
        Route::Article(i) => (
            "article.html",
            paths::article(&a.content.articles[*i].slug),
            RoutePage::Article(ctx.article(*i)),
        ),
        Route::Agreement(i, n) => (
            "agreement.html",
            paths::agreement_page(&a.content.agreements[*i].slug, *n),
            RoutePage::Agreement(ctx.agreement(*i, *n)),
        ),
        Route::Party(i, n) => (
            "party.html",
            paths::party_page(&a.content.parties[*i].slug, *n),
            RoutePage::Party(ctx.party(*i, *n)),
        ),
        Route::Actor(i) => (
            "actor.html",
            paths::actor(&a.content.actors[*i].slug),
            RoutePage::Actor(ctx.actor(*i)),
        ),
        Route::ActorsIndex => (
            "actors.html",
            "actors/".into(),
            RoutePage::ActorsIndex(ctx.actors_index()),
        ),
        Route::Page(i) => (
            "page.html",
            paths::page(&a.content.pages[*i].slug),
            RoutePage::Page(ctx.page(*i)),
        ),
        Route::ArticlesList(n) => (
            "articles.html",
            paths::articles_page(*n),
            RoutePage::ArticlesList(ctx.articles_list(*n)),
        ),
        Route::AgreementsIndex(n) => (
            "agreements.html",
            paths::agreements_page(*n),
            RoutePage::AgreementsIndex(ctx.agreements_index(*n)),
        ),
        Route::PartiesIndex => (
            "parties.html",
            "parties/".into(),
            RoutePage::PartiesIndex(ctx.parties_index()),
        ),
        Route::TagsIndex => (
            "tags.html",
            "tags/".into(),
            RoutePage::TagsIndex(ctx.tags_index()),
        ),
        Route::Tag(t, n) => (
            "tag.html",
            paths::tag_page(t, *n),
            RoutePage::Tag(ctx.tag(t, *n)),
        ),
        Route::YearsIndex => (
            "years.html",
            "years/".into(),
            RoutePage::YearsIndex(ctx.years_index()),
        ),
        Route::Year(y, n) => (
            "year.html",
            paths::year_page(*y, *n),
            RoutePage::Year(ctx.year(*y, *n)),
        ),
        Route::Clause(id) => (
            "clause.html",
            paths::clause(id),
            RoutePage::Clause(clauses::clause_page(ctx, id)),
        ),
        Route::ClausesIndex => (
            "clauses.html",
            "clauses/".into(),
            RoutePage::ClausesIndex(clauses::clauses_index(ctx)),
        ),
        Route::NotFound => (
            "404.html",
            "404.html".into(),
            RoutePage::NotFound(ctx.not_found()),
        ),
        Route::Timeline
        | Route::Annotations
        | Route::Feeds
        | Route::Data
        | Route::Search
        | Route::Corrections
        | Route::SearchIndex => unreachable!("modules render their own files"),
    }
}

/// Renders `template` with the standard `site`, `page`, `current_path`,
/// `canonical` and `correction_url` variables to the output file for the
/// site-relative path `rel`. `page` is serialised once, straight into Tera's
/// value; `site` is shared.
pub fn render_page<P: PageContext + ?Sized>(
    tera: &Tera,
    ctx: &Ctx<'_>,
    template: &str,
    rel: &str,
    page: &P,
) -> Result<Output, Diagnostic> {
    let value = tera::Value::from_serializable(page);
    render_with(tera, ctx, template, rel, value, page.title())
}

fn render_with(
    tera: &Tera,
    ctx: &Ctx<'_>,
    template: &str,
    rel: &str,
    page: tera::Value,
    title: &str,
) -> Result<Output, Diagnostic> {
    let out_path = out_path(rel);
    let mut context = Context::new();
    context.insert_value("site", ctx.site.clone());
    context.insert_value("page", page);
    context.insert("current_path", rel);
    context.insert("section", context::section_of(rel));
    context.insert("canonical", &ctx.archive.urls.absolute(rel));
    context.insert("correction_url", &ctx.correction_url(title, rel));
    // (Tera sizes the buffer from the template; `serve` keeps the bytes, so
    // no larger buffer than that.)
    let html = tera
        .render(template, &context)
        .map_err(|e| templates::template_error(&e, Some(&format!("/{rel}"))))?;
    Ok(Output {
        path: out_path,
        bytes: html.into_bytes(),
    })
}

/// Fills the link placeholders of a rendered body.
pub fn fill_links(html: &str, links: &[crate::resolve::ResolvedLink]) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(i) = rest.find('\0') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find('\0').unwrap_or(after.len());
        let token = &after[..end];
        let n: usize = token
            .get(1..)
            .and_then(|s| s.parse().ok())
            .unwrap_or(usize::MAX);
        if let Some(l) = links.get(n) {
            match token.as_bytes().first() {
                Some(b'H') => out.push_str(&crate::markdown::escape_html(&l.href)),
                Some(b'T') => out.push_str(&l.text),
                _ => {}
            }
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// The key for an entry, used by contexts.
pub fn key(kind: Kind, idx: usize) -> Key {
    Key { kind, idx }
}
