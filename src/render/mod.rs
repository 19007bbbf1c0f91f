//! Stage 3, render: pure functions from the resolved [`Archive`] to
//! `(path, bytes)` pairs — pages through Tera, plus feeds and data. No I/O
//! besides reading templates; pages render in parallel.

pub mod annotations;
pub mod cite;
pub mod clauses;
pub mod context;
pub mod data;
pub mod feeds;
pub mod templates;
pub mod timeline;

use std::path::Path;

use rayon::prelude::*;
use serde_json::{json, Value};
use tera::{Context, Tera};

use crate::diagnostics::Diagnostic;
use crate::resolve::{Archive, Key, Kind};
use crate::urls::paths;
use context::Ctx;

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Path relative to the output folder, with `/` separators.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// What to render for one output file.
#[derive(Debug, Clone)]
pub enum Job {
    /// The home page.
    Home,
    /// A report.
    Article(usize),
    /// An agreement.
    Agreement(usize),
    /// A party.
    Party(usize),
    /// A free-standing page.
    Page(usize),
    /// Page n of the reports list.
    ArticlesList(usize),
    /// The agreements table.
    AgreementsIndex,
    /// The parties index.
    PartiesIndex,
    /// The tags index.
    TagsIndex,
    /// One tag.
    Tag(String),
    /// The years index.
    YearsIndex,
    /// One year.
    Year(i16),
    /// One clause comparison.
    Clause(String),
    /// The clauses index.
    ClausesIndex,
    /// 404.html.
    NotFound,
}

/// Where rendered files go: the writer's staging folder, or nowhere for `check`.
pub type Sink<'s> = &'s (dyn Fn(Output) -> std::io::Result<()> + Sync);

/// Renders every page of the archive and collects the outputs in memory
/// (sorted by path). Used by tests and tools; `build` streams with [`render_to`].
pub fn render(archive: &Archive, root: &Path) -> (Vec<Output>, Vec<Diagnostic>) {
    let collected = std::sync::Mutex::new(vec![]);
    let (_, diags) = render_to(archive, root, &|o| {
        collected.lock().unwrap().push(o);
        Ok(())
    });
    let mut outputs = collected.into_inner().unwrap();
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    (outputs, diags)
}

/// Renders every page of the archive, handing each file to `sink` as soon as it
/// is rendered so the whole site never sits in memory. Returns the file count.
pub fn render_to(archive: &Archive, root: &Path, sink: Sink<'_>) -> (usize, Vec<Diagnostic>) {
    let tera = match templates::load(&root.join("templates"), &archive.urls) {
        Ok(t) => t,
        Err(d) => return (0, attach_sources(root, d)),
    };
    render_with(&tera, archive, root, sink, None, true)
}

/// The modules that render their own outputs. They read only front matter,
/// notes and links (never bodies), so the live server can skip them when none
/// of those changed.
const MODULES: [&str; 5] = ["timeline", "annotations", "feeds", "data", "cite"];

/// Decides, from a page's template name, site-relative path and context,
/// whether it can be skipped because its output cannot have changed.
pub type Skip<'s> = &'s (dyn Fn(&str, &str, &Value) -> bool + Sync);

/// Every page job of the archive, in a fixed order.
pub fn plan(archive: &Archive) -> Vec<Job> {
    let mut jobs = vec![
        Job::Home,
        Job::AgreementsIndex,
        Job::PartiesIndex,
        Job::TagsIndex,
        Job::YearsIndex,
        Job::NotFound,
        Job::ClausesIndex,
    ];
    jobs.extend((0..archive.content.articles.len()).map(Job::Article));
    jobs.extend((0..archive.content.agreements.len()).map(Job::Agreement));
    jobs.extend((0..archive.content.parties.len()).map(Job::Party));
    jobs.extend((0..archive.content.pages.len()).map(Job::Page));
    let per_page = archive.config.per_page.max(1);
    let n_pages = archive.articles_by_date.len().div_ceil(per_page).max(1);
    jobs.extend((1..=n_pages).map(Job::ArticlesList));
    jobs.extend(archive.tags.keys().cloned().map(Job::Tag));
    jobs.extend(archive.years.keys().copied().map(Job::Year));
    jobs.extend(
        archive
            .clauses
            .iter()
            .filter(|(_, v)| v.len() >= 2)
            .map(|(k, _)| Job::Clause(k.clone())),
    );
    jobs
}

/// Renders with an already loaded Tera. With `skip`, pages it declares
/// unchanged are not rendered (the live server's incremental rebuild); the
/// module outputs (timeline, notes, feeds, data) are always rendered.
pub fn render_with(
    tera: &Tera,
    archive: &Archive,
    root: &Path,
    sink: Sink<'_>,
    skip: Option<Skip<'_>>,
    modules: bool,
) -> (usize, Vec<Diagnostic>) {
    let t0 = std::time::Instant::now();
    let ctx = Ctx::new(archive);
    let jobs = plan(archive);
    let count = std::sync::atomic::AtomicUsize::new(0);
    let deliver = |r: Result<Output, Diagnostic>| -> Option<Diagnostic> {
        match r {
            Ok(o) => {
                let path = o.path.clone();
                match sink(o) {
                    Ok(()) => {
                        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        None
                    }
                    Err(e) => Some(Diagnostic::error(
                        path,
                        format!("cannot write output file: {e}"),
                    )),
                }
            }
            Err(d) => Some(d),
        }
    };
    let mut diags: Vec<Diagnostic> = jobs
        .par_iter()
        .filter_map(|job| {
            let (template, rel, page) = job_page(&ctx, job);
            if skip.is_some_and(|skip| skip(template, &rel, &page)) {
                return None;
            }
            deliver(render_page(tera, &ctx, template, &rel, &page))
        })
        .collect();
    if std::env::var_os("ANNALS_TIMINGS").is_some() {
        eprintln!(
            "timing:   pages              {:>6.0} ms",
            t0.elapsed().as_secs_f64() * 1000.0
        );
    }
    // Outputs owned by their own modules, rendered side by side.
    // Each module hands over its files as they are rendered, so even the
    // largest (timeline views, notes index, data exports) are not held together.
    let module_diags = std::sync::Mutex::new(Vec::new());
    let emit = |r: Result<Output, Diagnostic>| {
        if let Some(d) = deliver(r) {
            module_diags.lock().unwrap().push(d);
        }
    };
    if modules {
        MODULES.par_iter().for_each(|name| {
            let t = std::time::Instant::now();
            match *name {
                "timeline" => timeline::render_each(tera, &ctx, &emit),
                "annotations" => annotations::render(tera, &ctx).into_iter().for_each(&emit),
                "feeds" => feeds::render(tera, &ctx).into_iter().for_each(&emit),
                "cite" => cite::render(tera, &ctx).into_iter().for_each(&emit),
                _ => data::render(tera, &ctx).into_iter().for_each(&emit),
            }
            if std::env::var_os("ANNALS_TIMINGS").is_some() {
                eprintln!(
                    "timing:   module {name:<12} {:>6.0} ms",
                    t.elapsed().as_secs_f64() * 1000.0
                );
            }
        });
    }
    let mut module_diags = module_diags.into_inner().unwrap();
    module_diags.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    diags.extend(module_diags);
    (count.into_inner(), attach_sources(root, diags))
}

/// Adds the offending template line to template diagnostics.
pub fn attach_sources(root: &Path, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .map(|d| {
            if d.line > 0 && d.source_line.is_none() {
                if let Ok(text) = std::fs::read_to_string(root.join(&d.file)) {
                    let line = text.lines().nth(d.line - 1).unwrap_or("").to_string();
                    return d.with_source_line(line);
                }
            }
            d
        })
        .collect()
}

fn html_path(rel: &str) -> String {
    format!("{rel}index.html")
}

/// The output file of a page at site-relative path `rel`.
pub fn out_path(rel: &str) -> String {
    if rel.ends_with(".html") || rel.ends_with(".xml") {
        rel.to_string()
    } else {
        html_path(rel)
    }
}

/// The template, site-relative path and `page` context of a job.
pub fn job_page(ctx: &Ctx<'_>, job: &Job) -> (&'static str, String, Value) {
    let a = ctx.archive;
    let (template, rel, page): (&'static str, String, Value) = match job {
        Job::Home => ("home.html", String::new(), ctx.home()),
        Job::Article(i) => (
            "article.html",
            paths::article(&a.content.articles[*i].slug),
            ctx.article(*i),
        ),
        Job::Agreement(i) => (
            "agreement.html",
            paths::agreement(&a.content.agreements[*i].slug),
            ctx.agreement(*i),
        ),
        Job::Party(i) => (
            "party.html",
            paths::party(&a.content.parties[*i].slug),
            ctx.party(*i),
        ),
        Job::Page(i) => (
            "page.html",
            paths::page(&a.content.pages[*i].slug),
            ctx.page(*i),
        ),
        Job::ArticlesList(n) => (
            "articles.html",
            paths::articles_page(*n),
            ctx.articles_list(*n),
        ),
        Job::AgreementsIndex => (
            "agreements.html",
            "agreements/".into(),
            ctx.agreements_index(),
        ),
        Job::PartiesIndex => ("parties.html", "parties/".into(), ctx.parties_index()),
        Job::TagsIndex => ("tags.html", "tags/".into(), ctx.tags_index()),
        Job::Tag(t) => ("tag.html", paths::tag(t), ctx.tag(t)),
        Job::YearsIndex => ("years.html", "years/".into(), ctx.years_index()),
        Job::Year(y) => ("year.html", paths::year(*y), ctx.year(*y)),
        Job::Clause(id) => (
            "clause.html",
            paths::clause(id),
            clauses::clause_page(ctx, id),
        ),
        Job::ClausesIndex => (
            "clauses.html",
            "clauses/".into(),
            clauses::clauses_index(ctx),
        ),
        Job::NotFound => (
            "404.html",
            "404.html".into(),
            json!({"title": "Page not found", "summary": "There is no page at this address."}),
        ),
    };
    (template, rel, page)
}

/// Renders `template` with the standard `site`, `page`, `current_path` and
/// `canonical` variables to the output file for the site-relative path `rel`.
pub fn render_page(
    tera: &Tera,
    ctx: &Ctx<'_>,
    template: &str,
    rel: &str,
    page: &Value,
) -> Result<Output, Diagnostic> {
    let out_path = out_path(rel);
    let mut context = Context::new();
    context.insert("site", &ctx.site);
    context.insert("page", page);
    context.insert("current_path", rel);
    context.insert("canonical", &ctx.archive.urls.absolute(rel));
    let title = page.get("title").and_then(Value::as_str).unwrap_or("");
    context.insert("correction_url", &ctx.correction_url(title, rel));
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
