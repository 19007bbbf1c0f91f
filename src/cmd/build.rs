//! `annals build` and `annals check`: run the pipeline, print diagnostics.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diagnostics::Diagnostics;
use crate::render::{self, Output};
use crate::site::{Site, SiteOptions};
use crate::write;

/// Options shared by build and check.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Site root (holds site.yaml).
    pub root: PathBuf,
    /// Output folder (default `root/public`).
    pub out: Option<PathBuf>,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Include `draft: true` files.
    pub drafts: bool,
    /// Skip the search index (the `/search/` page is still written).
    pub no_search: bool,
    /// Fail the run (exit 1) when there are warnings, as for errors.
    pub deny_warnings: bool,
    /// Print every warning (otherwise a few per rule, then a count).
    pub verbose: bool,
    /// Read the revision history from git for the pages (`build`, not `check`).
    pub history: bool,
    /// `check --sources`: also probe every external source over the network.
    pub sources: Option<crate::sources::Options>,
}

/// Warnings of one rule printed before the rest are summed up in one line.
pub const WARNINGS_PER_RULE: usize = 5;

/// What a run produced.
#[derive(Debug)]
pub enum Outcome {
    /// Success; the number of pages written or rendered.
    Ok(usize),
    /// Content or template errors (exit 1).
    ContentErrors,
    /// Usage error (exit 2) with a message.
    Usage(String),
}

/// Loads, resolves and lints the site; on success renders every route into
/// `sink`. Returns the number of pages rendered and every diagnostic. On a
/// terminal (and not under CI) shows the stages' progress.
pub fn run_pipeline(opts: &BuildOptions, sink: render::Sink<'_>) -> (usize, Diagnostics) {
    let progress = Progress::new();
    progress.stage("loading");
    let mut site = Site::load(SiteOptions {
        root: opts.root.clone(),
        base_url: opts.base_url.clone(),
        drafts: opts.drafts,
        search: !opts.no_search,
        history: opts.history,
        defer_report_html_above: Some(crate::site::DEFER_REPORTS_ABOVE),
    });
    progress.stage("resolving");
    let mut diags = site.resolve();
    if let (Some(o), Some(archive)) = (&opts.sources, site.archive()) {
        progress.stage("checking sources");
        let r = crate::sources::check(archive, &opts.root, o);
        diags.extend(r.diagnostics.clone());
        eprintln!("{}", r.summary());
        for (url, why) in &r.unknown {
            eprintln!("  unknown: {url}: {why} (look at it in a browser)");
        }
    }
    site.release_sources();
    if diags.has_errors() {
        progress.done();
        return (0, diags);
    }
    // static/ is published through the sink like every output, once vetted
    // (the one rule for files, the allow-list of types).
    for f in site.static_files() {
        let written = crate::content::files::read(
            &opts.root,
            &f.path,
            crate::content::files::MAX_STATIC_BYTES,
        )
        .map_err(|e| e.diagnostic(&Path::new("static").join(&f.rel)))
        .and_then(|bytes| {
            sink(Output {
                path: f.rel.clone(),
                bytes,
            })
            .map_err(|e| {
                crate::diagnostics::Diagnostic::error(
                    &f.rel,
                    format!("cannot write output file: {e}"),
                )
            })
        });
        if let Err(d) = written {
            diags.push(d);
        }
    }
    if diags.has_errors() {
        progress.done();
        return (0, diags);
    }
    if let Some(note) = site.history_note() {
        eprintln!("{note}");
    }
    let routes = site.plan();
    progress.rendering(routes.len() as u64);
    let (count, d) = site.render(&routes, &|r, o| {
        if !r.is_module() {
            progress.tick();
        }
        sink(o)
    });
    progress.done();
    diags.extend(d);
    (count, diags)
}

/// A progress line on stderr while a long build runs; nothing when stderr
/// is not a terminal or under CI.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new() -> Self {
        use std::io::IsTerminal;
        let on = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        Progress {
            bar: on.then(|| {
                let bar = indicatif::ProgressBar::new_spinner();
                bar.enable_steady_tick(std::time::Duration::from_millis(120));
                bar
            }),
        }
    }

    fn stage(&self, name: &str) {
        if let Some(b) = &self.bar {
            b.set_message(name.to_string());
        }
    }

    fn rendering(&self, pages: u64) {
        if let Some(b) = &self.bar {
            b.set_length(pages);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "rendering {bar:30} {human_pos}/{human_len} pages, {eta} left",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
        }
    }

    fn tick(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    fn done(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// `annals check`: everything but writing.
pub fn check(opts: &BuildOptions, github: bool) -> Outcome {
    let opts = &BuildOptions {
        no_search: true,
        ..opts.clone()
    };
    let (count, diags) = run_pipeline(opts, &|_| Ok(()));
    print_diagnostics(&diags, github, opts.verbose);
    if failed(&diags, opts) {
        Outcome::ContentErrors
    } else {
        Outcome::Ok(count)
    }
}

/// `annals build`: run the pipeline, writing each page into a staging folder
/// that replaces the output only when the whole build succeeded.
pub fn build(opts: &BuildOptions) -> Outcome {
    let start = Instant::now();
    let out = opts.out.clone().unwrap_or_else(|| opts.root.join("public"));
    if let Err(e) = write::check_output_dir(&opts.root, &out) {
        return Outcome::Usage(e.to_string());
    }
    // static/ files come through the pipeline's sink, vetted by the site.
    let staging = match write::Staging::create(&out) {
        Ok(s) => s,
        Err(e) => return Outcome::Usage(e.to_string()),
    };
    let (count, diags) = run_pipeline(opts, &|o: Output| staging.write(&o));
    print_diagnostics(&diags, false, opts.verbose);
    if failed(&diags, opts) {
        drop(staging);
        eprintln!("build failed; {} left unchanged", display(&out));
        return Outcome::ContentErrors;
    }
    if let Err(e) = staging.commit() {
        return Outcome::Usage(e.to_string());
    }
    println!(
        "built {count} pages in {:.2} s → {}",
        start.elapsed().as_secs_f64(),
        display(&out)
    );
    Outcome::Ok(count)
}

/// Whether the run fails: on any error, or on any warning under
/// `--deny-warnings` (which it then says, since warnings alone never fail).
fn failed(diags: &Diagnostics, opts: &BuildOptions) -> bool {
    if diags.has_errors() {
        return true;
    }
    let warnings = diags.warning_count();
    if opts.deny_warnings && warnings > 0 {
        eprintln!(
            "error: {warnings} warning{} and --deny-warnings is set: fix them or run without the flag",
            if warnings == 1 { "" } else { "s" }
        );
        return true;
    }
    false
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

/// Errors always in full; warnings in full with `verbose` (or for GitHub's
/// annotations), otherwise a few per rule and a count of the rest.
fn print_diagnostics(diags: &Diagnostics, github: bool, verbose: bool) {
    if diags.is_empty() {
        return;
    }
    if github {
        print!("{}", diags.render_github());
    } else if verbose {
        eprint!("{}", diags.render_human());
    } else {
        eprint!("{}", diags.render_human_grouped(WARNINGS_PER_RULE));
    }
}
