//! The fuzz harness that stays (issue 14): mutations of the real archive's files
//! driven through the whole load → resolve → lint → render path in-process
//! (front matter split, YAML, Markdown with wiki links, annotation anchoring,
//! the clause diff). Fixed seed and case count in `cargo test`;
//! `ANNALS_FUZZ_CASES=N` runs longer (see README). It asserts no panic and a
//! deterministic bound on the work each case causes (bytes rendered and
//! diagnostics per input byte), never wall time.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use annals::cmd::build::run_pipeline;
use annals::cmd::BuildOptions;
use annals::render::Output;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::support::TestSite;

/// Fragments spliced into real content: wiki links, attribute lists, raw HTML,
/// entities, YAML punctuation and deep nesting.
const FRAGMENTS: &[&str] = &[
    "[[",
    "]]",
    "[[us-china-2015]]",
    "[[agreements/",
    "|",
    "{#",
    "{.x}",
    "<",
    "<div>",
    "&#",
    "&#x1F600;",
    "&amp",
    "---\n",
    "\n---\n",
    ": ",
    "- ",
    "\"",
    "'",
    "`",
    "```",
    "*",
    "_",
    "[^1]",
    "[^1]: x\n",
    "# ",
    "\n\n",
    "\t",
    "\r\n",
    "\u{1b}[2J",
    "\u{202e}",
    "%",
    "\\",
    "quote: ",
    "prefix: ",
    "clauses:\n  - id: ip-theft\n    text: ",
    "annotations:\n  - quote: ",
];

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Duplicate(usize, usize, usize),
    Splice(usize, usize),
    /// A run of one fragment: deep nesting or a long line of `<`, `[`, `{`.
    Run(usize, usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), 1usize..64).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), 1usize..256, 1usize..4)
            .prop_map(|(at, n, k)| Mutation::Duplicate(at, n, k)),
        (any::<usize>(), 0..FRAGMENTS.len()).prop_map(|(at, f)| Mutation::Splice(at, f)),
        (any::<usize>(), 0..FRAGMENTS.len(), 1usize..5000)
            .prop_map(|(at, f, n)| Mutation::Run(at, f, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let at = |p: usize, len: usize| if len == 0 { 0 } else { p % (len + 1) };
    match m {
        Mutation::Insert(p, b) => {
            let i = at(*p, bytes.len());
            bytes.splice(i..i, b.iter().copied());
        }
        Mutation::Delete(p, n) => {
            let i = at(*p, bytes.len());
            let j = (i + n).min(bytes.len());
            bytes.drain(i..j);
        }
        Mutation::Duplicate(p, n, k) => {
            let i = at(*p, bytes.len());
            let j = (i + n).min(bytes.len());
            let part = bytes[i..j].repeat(*k);
            bytes.splice(j..j, part);
        }
        Mutation::Splice(p, f) => {
            let i = at(*p, bytes.len());
            bytes.splice(i..i, FRAGMENTS[*f].bytes());
        }
        Mutation::Run(p, f, n) => {
            let i = at(*p, bytes.len());
            bytes.splice(i..i, FRAGMENTS[*f].repeat(*n).into_bytes());
        }
    }
}

/// Every Markdown file of the real archive (relative paths), the seeds.
fn seeds(site: &TestSite) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(site.root().join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().strip_prefix(site.root()).unwrap().to_path_buf())
        .collect();
    v.sort();
    v
}

/// What one case did: (input bytes, output bytes, diagnostics).
fn run_case(site: &TestSite, file: &PathBuf, bytes: &[u8]) -> (usize, usize, usize) {
    let path = site.root().join(file);
    let original = std::fs::read(&path).unwrap();
    std::fs::write(&path, bytes).unwrap();
    let out = AtomicUsize::new(0);
    let sink = |o: Output| {
        out.fetch_add(o.bytes.len() + o.path.len(), Ordering::Relaxed);
        Ok(())
    };
    let opts = BuildOptions {
        root: site.root().to_path_buf(),
        no_search: true,
        ..BuildOptions::default()
    };
    let (_, diags) = run_pipeline(&opts, &sink);
    // Human rendering is part of the path too (escaping, carets).
    let rendered = diags.render_human();
    std::fs::write(&path, original).unwrap();
    (
        bytes.len(),
        out.load(Ordering::Relaxed),
        rendered.len() + diags.items().len(),
    )
}

#[test]
fn mutated_archive_files_never_panic_and_cost_stays_bounded() {
    let cases: u32 = std::env::var("ANNALS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let site = TestSite::from_repo();
    let files = seeds(&site);
    let total_input: usize = files
        .iter()
        .map(|f| std::fs::metadata(site.root().join(f)).unwrap().len() as usize)
        .sum();
    // The unmutated archive: the baseline for the work bound.
    let (_, base_out, _) = run_case(
        &site,
        &files[0],
        &std::fs::read(site.root().join(&files[0])).unwrap(),
    );
    assert!(base_out > 0, "the real archive builds");

    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[14; 32]),
    );
    let stats = std::cell::RefCell::new((0usize, (0f64, String::new()), (0usize, String::new())));
    let strategy = (0..files.len(), prop::collection::vec(mutation(), 1..6));
    let result = runner.run(&strategy, |(i, muts)| {
        let file = &files[i];
        let mut bytes = std::fs::read(site.root().join(file)).unwrap();
        for m in &muts {
            apply(&mut bytes, m);
        }
        let t = Instant::now();
        let (input, out, diag) = run_case(&site, file, &bytes);
        let secs = t.elapsed().as_secs_f64();
        let mut s = stats.borrow_mut();
        s.0 += 1;
        if secs > s.1 .0 {
            s.1 = (secs, format!("{} ({} bytes)", file.display(), input));
        }
        if input > s.2 .0 {
            s.2 = (input, file.display().to_string());
        }
        // Work bound: a case may render at most the clean archive's output plus
        // a generous 200 bytes per byte of input, and report at most 200 bytes
        // of diagnostics per byte of input.
        let bound = base_out + 200 * (total_input + input);
        prop_assert!(
            out <= bound,
            "{} rendered {out} bytes (bound {bound})",
            file.display()
        );
        prop_assert!(
            diag <= 200 * (total_input + input),
            "{} reported {diag} bytes",
            file.display()
        );
        Ok(())
    });
    let s = stats.into_inner();
    eprintln!(
        "fuzz: {} cases; slowest {:.3} s: {}; largest input {} bytes: {}",
        s.0, s.1 .0, s.1 .1, s.2 .0, s.2 .1
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}
