//! Measures the live server's rebuild in-process (no watcher, no HTTP): the
//! time `Session::apply_pages` takes after a body edit and after a title edit
//! of one report (until the pages are served; the modules and archive-sized
//! lists render after, on their own thread, timed apart), and how many pages
//! each re-rendered. With `ANNALS_TIMINGS=1` each rebuild also prints its
//! stages.
//!
//! ```sh
//! cargo run --release --example serve_rebuild -- --root target/bench-archive-10000 [--runs 5]
//! ```

use std::path::PathBuf;

use clap::Parser;
use std::time::Instant;

use annals::serve::session::Session;

/// Command line.
#[derive(Parser)]
struct Args {
    /// Site root to measure.
    #[arg(long)]
    root: PathBuf,
    /// How many runs.
    #[arg(long, default_value_t = 5)]
    runs: usize,
}

fn main() {
    let Args { root, runs } = Args::parse();
    let t = Instant::now();
    let mut s = Session::new(&root, false, None);
    println!("first build: {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
    let dir = root.join("content/articles");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("content/articles")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let file = files.last().expect("a report").clone();
    let original = std::fs::read_to_string(&file).expect("readable report");
    let mut body = vec![];
    let mut title = vec![];
    let mut modules = vec![];
    let mut current = original.clone();
    for i in 0..runs {
        current.push_str(&format!("\nBody edit {i}.\n"));
        std::fs::write(&file, &current).unwrap();
        let (r, later) = s.apply_pages(std::slice::from_ref(&file));
        body.push((r.millis, r.rendered));
        let mut m = r.clone();
        s.render_modules(&later, &mut m);
        modules.push((m.millis - r.millis, later.len()));
    }
    for i in 0..runs {
        current = current.replacen("title: ", &format!("title: Edit {i} "), 1);
        std::fs::write(&file, &current).unwrap();
        let (r, later) = s.apply_pages(std::slice::from_ref(&file));
        title.push((r.millis, r.rendered));
        let mut m = r.clone();
        s.render_modules(&later, &mut m);
        modules.push((m.millis - r.millis, later.len()));
    }
    std::fs::write(&file, &original).unwrap();
    s.apply(std::slice::from_ref(&file));
    for (name, mut v) in [
        ("body edit", body),
        ("title edit", title),
        ("then, modules and lists (routes)", modules),
    ] {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let all: Vec<String> = v.iter().map(|(ms, _)| format!("{ms:.0}")).collect();
        println!(
            "{name}: median {:.0} ms ({} pages re-rendered); all {}",
            v[v.len() / 2].0,
            v[v.len() / 2].1,
            all.join(", ")
        );
    }
}
