//! Measures the timeline module alone: loads and resolves a site, then renders
//! only `Route::Timeline` a few times and prints the time of each run, the
//! number of files and their total and largest size.
//!
//! ```sh
//! cargo run --release --example timeline_bench -- --root SITE [--runs 3]
//! ```

use std::path::PathBuf;

use clap::Parser;
use std::sync::Mutex;
use std::time::Instant;

use annals::site::{Site, SiteOptions};
use annals::urls::Route;

/// Command line.
#[derive(Parser)]
struct Args {
    /// Site root to measure.
    #[arg(long)]
    root: PathBuf,
    /// How many runs.
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

fn main() {
    let Args { root, runs } = Args::parse();
    let mut site = Site::load(SiteOptions {
        root,
        base_url: None,
        drafts: false,
        search: false,
        history: false,
        defer_report_html: false,
    });
    let diags = site.resolve();
    if diags.has_errors() {
        eprintln!("the site does not resolve");
        std::process::exit(1);
    }
    for run in 1..=runs {
        let sizes = Mutex::new(vec![]);
        let t = Instant::now();
        site.render(&[Route::Timeline], &|_, o| {
            sizes.lock().unwrap().push((o.bytes.len(), o.path));
            Ok(())
        });
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let mut sizes = sizes.into_inner().unwrap();
        sizes.sort();
        let total: usize = sizes.iter().map(|s| s.0).sum();
        let largest = sizes.last().cloned().unwrap_or_default();
        println!(
            "run {run}: {ms:.0} ms, {} files, {} bytes, largest {} ({} bytes)",
            sizes.len(),
            total,
            largest.1,
            largest.0
        );
    }
}
