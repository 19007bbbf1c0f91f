//! `annals build` and `annals check`: run the pipeline, print diagnostics.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostics;
use crate::render::{self, Output};
use crate::{content, resolve, write};

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

/// Runs load → resolve; on success, render into `sink`. Returns the number of
/// files rendered and every diagnostic.
pub fn run_pipeline(opts: &BuildOptions, sink: render::Sink<'_>) -> (usize, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut config = match SiteConfig::load(&opts.root) {
        Ok(c) => c,
        Err(d) => {
            diags.extend(d);
            return (0, diags);
        }
    };
    if let Some(b) = &opts.base_url {
        config.base_url = b.clone();
    }
    let timer = StageTimer::new();
    let (content, d) = content::load(&opts.root, opts.drafts);
    diags.extend(d);
    timer.lap("load");
    let (mut archive, d) = resolve::resolve(config, content);
    diags.extend(d);
    diags.extend(crate::lint::lint(&archive));
    archive.content.release_sources();
    timer.lap("resolve");
    if diags.has_errors() {
        return (0, diags);
    }
    let (count, d) = render::render_to(&archive, &opts.root, sink);
    diags.extend(d);
    timer.lap("render+write");
    let with_index = !opts.no_search && !diags.has_errors();
    let cache = crate::search::ShardCache::on_disk(&opts.root);
    let (pages, d) =
        crate::search::render_to(&archive, &opts.root, sink, with_index.then_some(&cache));
    diags.extend(d);
    timer.lap("search");
    (count + pages, diags)
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

/// With `ANNALS_TIMINGS=1`, prints each stage's time and the peak memory so far
/// to stderr (for the benchmark; Linux only for memory).
struct StageTimer {
    start: Option<Instant>,
}

impl StageTimer {
    fn new() -> Self {
        let on = std::env::var_os("ANNALS_TIMINGS").is_some_and(|v| v != "0");
        StageTimer {
            start: on.then(Instant::now),
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
        eprintln!(
            "timing: {stage:<12} done at {:>6.0} ms, peak memory {peak}",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
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
