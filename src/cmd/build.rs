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

/// Runs load → resolve → render, returning outputs and diagnostics.
pub fn run_pipeline(opts: &BuildOptions) -> (Vec<Output>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut config = match SiteConfig::load(&opts.root) {
        Ok(c) => c,
        Err(d) => {
            diags.extend(d);
            return (vec![], diags);
        }
    };
    if let Some(b) = &opts.base_url {
        config.base_url = b.clone();
    }
    let (content, d) = content::load(&opts.root, opts.drafts);
    diags.extend(d);
    let (archive, d) = resolve::resolve(config, content);
    diags.extend(d);
    if diags.has_errors() {
        return (vec![], diags);
    }
    let (outputs, d) = render::render(&archive, &opts.root);
    diags.extend(d);
    (outputs, diags)
}

/// `annals check`: everything but writing.
pub fn check(opts: &BuildOptions, github: bool) -> Outcome {
    let (outputs, diags) = run_pipeline(opts);
    print_diagnostics(&diags, github);
    if diags.has_errors() {
        Outcome::ContentErrors
    } else {
        Outcome::Ok(outputs.len())
    }
}

/// `annals build`: run the pipeline and write the site.
pub fn build(opts: &BuildOptions) -> Outcome {
    let start = Instant::now();
    let out = opts.out.clone().unwrap_or_else(|| opts.root.join("public"));
    if let Err(e) = write::check_output_dir(&opts.root, &out) {
        return Outcome::Usage(e.to_string());
    }
    let (outputs, diags) = run_pipeline(opts);
    print_diagnostics(&diags, false);
    if diags.has_errors() {
        eprintln!("build failed; {} left unchanged", display(&out));
        return Outcome::ContentErrors;
    }
    let static_dir = opts.root.join("static");
    if let Err(e) = write::write_site(&out, &outputs, Some(&static_dir)) {
        return Outcome::Usage(e.to_string());
    }
    println!(
        "built {} pages in {:.2} s → {}",
        outputs.len(),
        start.elapsed().as_secs_f64(),
        display(&out)
    );
    Outcome::Ok(outputs.len())
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
