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
}

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
/// `sink`. Returns the number of pages rendered and every diagnostic.
pub fn run_pipeline(opts: &BuildOptions, sink: render::Sink<'_>) -> (usize, Diagnostics) {
    let mut site = Site::load(SiteOptions {
        root: opts.root.clone(),
        base_url: opts.base_url.clone(),
        drafts: opts.drafts,
        search: !opts.no_search,
    });
    let mut diags = site.resolve();
    site.release_sources();
    if diags.has_errors() {
        return (0, diags);
    }
    let (count, d) = site.render(&site.plan(), &|_, o| sink(o));
    diags.extend(d);
    (count, diags)
}

/// `annals check`: everything but writing.
pub fn check(opts: &BuildOptions, github: bool) -> Outcome {
    let opts = &BuildOptions {
        no_search: true,
        ..opts.clone()
    };
    let (count, diags) = run_pipeline(opts, &|_| Ok(()));
    print_diagnostics(&diags, github);
    if diags.has_errors() {
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
    let staging = match write::Staging::create(&out, Some(&opts.root.join("static"))) {
        Ok(s) => s,
        Err(e) => return Outcome::Usage(e.to_string()),
    };
    let (count, diags) = run_pipeline(opts, &|o: Output| staging.write(&o));
    print_diagnostics(&diags, false);
    if diags.has_errors() {
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

fn display(p: &Path) -> String {
    p.display().to_string()
}

fn print_diagnostics(diags: &Diagnostics, github: bool) {
    if diags.is_empty() {
        return;
    }
    if github {
        print!("{}", diags.render_github());
    } else {
        eprint!("{}", diags.render_human());
    }
}
