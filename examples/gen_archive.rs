//! Generates a synthetic, deterministic Annals archive for benchmarking.
//!
//! ```text
//! cargo run --release --example gen_archive -- --reports 10000 --out target/bench-archive [--seed 42]
//! ```
//!
//! The generated root holds a copy of the repository's `site.yaml`, `templates/` and
//! `static/`, plus `content/` with parties, agreements and N reports whose front matter
//! follows the content model in the design notes: every reference resolves, every
//! annotation quote occurs exactly once in its body, every slug is unique.
//!
//! Deliberately std-only and independent of the `annals` crate, so it still builds
//! (`rustc --edition 2021 -O examples/gen_archive.rs`) while the generator does not.
//! The output is byte-identical for the same `--reports` and `--seed`, whatever the
//! number of threads used to write it.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// File written into `--out`; its presence is what allows a later run to wipe the folder.
const MARKER: &str = ".annals-bench";
/// Report numbers are written with six digits (`r000123-…`).
const MAX_REPORTS: usize = 999_999;

const USAGE: &str = "\
gen_archive: write a synthetic Annals archive for benchmarking

USAGE:
    cargo run --release --example gen_archive -- --reports <N> --out <DIR> [--seed <S>]

OPTIONS:
    --reports <N>   number of reports (articles) to generate, 0..=999999 [default: 1000]
    --out <DIR>     folder to write the archive root into (required)
    --seed <S>      seed for the pseudo-random content, an unsigned integer [default: 42]
    -h, --help      print this help

The archive gets about N/20 agreements (at least 1) and 13 parties, and a copy of the
repository's site.yaml, templates/ and static/, so that
    annals build --root <DIR> --out <DIR>/public
builds it with the repository's templates.

<DIR> must be missing, empty, or a folder this tool created earlier (it holds a
`.annals-bench` marker file); such a folder is deleted and written again.

Exit codes: 0 success, 1 I/O error, 2 usage error or refused output folder.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse_args(&args) {
        Ok(Some(opts)) => opts,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("error: {msg}");
            eprintln!("Run with --help for usage.");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Io(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

struct Options {
    reports: usize,
    out: PathBuf,
    seed: u64,
}

enum Failure {
    /// Bad arguments or an output folder we refuse to touch: exit code 2.
    Usage(String),
    /// Anything the file system refused: exit code 1.
    Io(String),
}

fn io_err(what: &str, path: &Path, e: io::Error) -> Failure {
    Failure::Io(format!("{what} {}: {e}", path.display()))
}

/// `Ok(None)` means `--help` was asked for.
fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let mut reports: Option<usize> = None;
    let mut out: Option<PathBuf> = None;
    let mut seed: Option<u64> = None;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        // Accept both `--key value` and `--key=value`.
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k, Some(v.to_string())),
            _ => (arg, None),
        };
        if !matches!(key, "--reports" | "--out" | "--seed") {
            return Err(if key.starts_with('-') {
                format!("unknown option `{key}`")
            } else {
                format!("unexpected argument `{arg}` (options are --reports, --out, --seed)")
            });
        }
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                match args.get(i) {
                    Some(v) => v.clone(),
                    None => return Err(format!("`{key}` needs a value")),
                }
            }
        };
        match key {
            "--reports" => {
                if reports.is_some() {
                    return Err("`--reports` given twice".into());
                }
                let n: usize = value
                    .parse()
                    .map_err(|_| format!("`--reports` must be a whole number, got `{value}`"))?;
                if n > MAX_REPORTS {
                    return Err(format!(
                        "`--reports` must be at most {MAX_REPORTS}, got {n}"
                    ));
                }
                reports = Some(n);
            }
            "--out" => {
                if out.is_some() {
                    return Err("`--out` given twice".into());
                }
                if value.is_empty() {
                    return Err("`--out` must not be empty".into());
                }
                out = Some(PathBuf::from(value));
            }
            _ => {
                if seed.is_some() {
                    return Err("`--seed` given twice".into());
                }
                seed =
                    Some(value.parse().map_err(|_| {
                        format!("`--seed` must be an unsigned integer, got `{value}`")
                    })?);
            }
        }
        i += 1;
    }
    let out = out.ok_or("missing `--out <DIR>`")?;
    Ok(Some(Options {
        reports: reports.unwrap_or(1000),
        out,
        seed: seed.unwrap_or(42),
    }))
}

/// Counts what was written, across threads.
#[derive(Default)]
struct Tally {
    files: AtomicU64,
    bytes: AtomicU64,
}

impl Tally {
    fn write(&self, path: &Path, data: &[u8]) -> Result<(), Failure> {
        fs::write(path, data).map_err(|e| io_err("cannot write", path, e))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

fn run(opts: &Options) -> Result<(), Failure> {
    let started = Instant::now();
    let repo = repo_root()?;
    prepare_out(&opts.out, &repo)?;
    let tally = Tally::default();
    tally.write(
        &opts.out.join(MARKER),
        b"Created by annals examples/gen_archive.rs; gen_archive may delete this folder.\n",
    )?;

    // The repository's site settings, templates and static files.
    let site = repo.join("site.yaml");
    if site.is_file() {
        let data = fs::read(&site).map_err(|e| io_err("cannot read", &site, e))?;
        tally.write(&opts.out.join("site.yaml"), &data)?;
    } else {
        eprintln!("note: {} not found; skipped", site.display());
    }
    for dir in ["templates", "static"] {
        let src = repo.join(dir);
        if src.is_dir() {
            copy_tree(&src, &opts.out.join(dir), &tally)?;
        } else {
            eprintln!("note: {} not found; skipped", src.display());
        }
    }

    let content = opts.out.join("content");
    for sub in ["parties", "agreements", "articles"] {
        let dir = content.join(sub);
        fs::create_dir_all(&dir).map_err(|e| io_err("cannot create", &dir, e))?;
    }
    let agreement_count = (opts.reports / 20).max(1);
    let agreements = gen_agreements(agreement_count, opts.seed);

    tally.write(
        &content.join("_index.md"),
        index_page(opts.reports, agreement_count, opts.seed).as_bytes(),
    )?;
    for p in PARTIES {
        tally.write(
            &content.join("parties").join(format!("{}.md", p.code)),
            party_page(p).as_bytes(),
        )?;
    }
    for (i, a) in agreements.iter().enumerate() {
        tally.write(
            &content.join("agreements").join(format!("{}.md", a.slug)),
            agreement_page(a, i, &agreements[..i], opts.seed).as_bytes(),
        )?;
    }

    // Reports: independent of each other (each has its own RNG stream), so write them
    // from a few threads; the bytes do not depend on the thread count.
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let articles = content.join("articles");
    let results: Vec<Result<(), Failure>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (articles, agreements, tally) = (&articles, &agreements, &tally);
                scope.spawn(move || -> Result<(), Failure> {
                    let mut buf = String::with_capacity(16 * 1024);
                    for n in (1 + t..=opts.reports).step_by(threads) {
                        buf.clear();
                        let slug = article(n, agreements, opts.seed, &mut buf);
                        tally.write(&articles.join(format!("{slug}.md")), buf.as_bytes())?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("generator thread panicked"))
            .collect()
    });
    results.into_iter().collect::<Result<Vec<()>, Failure>>()?;

    println!(
        "wrote {} files, {} bytes ({} reports, {} agreements, {} parties) to {} in {:.2} s",
        tally.files.load(Ordering::Relaxed),
        tally.bytes.load(Ordering::Relaxed),
        opts.reports,
        agreement_count,
        PARTIES.len(),
        opts.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The output folder
// ---------------------------------------------------------------------------------------

fn repo_root() -> Result<PathBuf, Failure> {
    match option_env!("CARGO_MANIFEST_DIR") {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => std::env::current_dir()
            .map_err(|e| Failure::Io(format!("cannot read the current folder: {e}"))),
    }
}

/// An absolute path with symlinks of its existing part resolved and `.`/`..` removed,
/// for paths that may not exist yet.
fn absolute(path: &Path) -> io::Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    // Split into the longest existing prefix (canonicalised) and the rest.
    let mut rest = Vec::new();
    let mut base = joined.as_path();
    loop {
        if let Ok(canon) = base.canonicalize() {
            let mut out = canon;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    other => out.push(other),
                }
            }
            return Ok(out);
        }
        match (base.parent(), base.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                base = parent;
            }
            _ => return Ok(joined),
        }
    }
}

/// Makes `out` an empty folder, or refuses (exit code 2) when that would destroy
/// something this tool did not create or would write into the repository's own sources.
fn prepare_out(out: &Path, repo: &Path) -> Result<(), Failure> {
    let abs_out = absolute(out).map_err(|e| io_err("cannot resolve", out, e))?;
    let abs_repo = absolute(repo).map_err(|e| io_err("cannot resolve", repo, e))?;
    if abs_repo.starts_with(&abs_out) {
        return Err(Failure::Usage(format!(
            "refusing to use {} as --out: it is the repository root or one of its ancestors",
            out.display()
        )));
    }
    for dir in [
        "content",
        "templates",
        "static",
        "src",
        "examples",
        "scripts",
    ] {
        if abs_out.starts_with(abs_repo.join(dir)) {
            return Err(Failure::Usage(format!(
                "refusing to use {} as --out: it is inside the repository's {dir}/ folder; \
                 use a folder under target/ instead",
                out.display()
            )));
        }
    }

    match fs::symlink_metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err("cannot inspect", out, e)),
        Ok(meta) if !meta.is_dir() => {
            return Err(Failure::Usage(format!(
                "--out {} exists and is not a folder",
                out.display()
            )));
        }
        Ok(_) => {
            let mut entries = fs::read_dir(out).map_err(|e| io_err("cannot read", out, e))?;
            let empty = entries.next().is_none();
            if !empty {
                if !out.join(MARKER).is_file() {
                    return Err(Failure::Usage(format!(
                        "--out {} is not empty and was not created by gen_archive (no {MARKER} \
                         file in it); choose a new or empty folder, e.g. target/bench-archive",
                        out.display()
                    )));
                }
                fs::remove_dir_all(out).map_err(|e| io_err("cannot delete", out, e))?;
            }
        }
    }
    fs::create_dir_all(out).map_err(|e| io_err("cannot create", out, e))
}

fn copy_tree(src: &Path, dst: &Path, tally: &Tally) -> Result<(), Failure> {
    fs::create_dir_all(dst).map_err(|e| io_err("cannot create", dst, e))?;
    let mut entries: Vec<_> = fs::read_dir(src)
        .map_err(|e| io_err("cannot read", src, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| io_err("cannot read", src, e))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let from = entry.path();
        let to = dst.join(entry.file_name());
        // `metadata` follows symlinks, so a linked file is copied as a file.
        let meta = fs::metadata(&from).map_err(|e| io_err("cannot inspect", &from, e))?;
        if meta.is_dir() {
            copy_tree(&from, &to, tally)?;
        } else if meta.is_file() {
            let data = fs::read(&from).map_err(|e| io_err("cannot read", &from, e))?;
            tally.write(&to, &data)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------

/// SplitMix64: tiny, fast, and good enough for filler text.
struct Rng(u64);

impl Rng {
    /// An independent stream for item `index` of kind `stream`.
    fn new(seed: u64, stream: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xA24B_AED4_963E_E407));
        r.0 ^= index.wrapping_mul(0x9FB2_1C65_1E98_DF25);
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    /// `k` distinct indices in `0..n`, in the order drawn (k <= n).
    fn distinct(&mut self, k: usize, n: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(k);
        while out.len() < k {
            let i = self.below(n);
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }
}

const STREAM_AGREEMENT: u64 = 1;
const STREAM_ARTICLE: u64 = 2;
const STREAM_AGREEMENT_BODY: u64 = 3;

// ---------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------

/// Days since 1970-01-01 for a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number, as `(year, month, day)`.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[derive(Clone, Copy)]
struct Date(i64);

impl Date {
    fn year(self) -> i64 {
        civil_from_days(self.0).0
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn date_span() -> (i64, i64) {
    (days_from_civil(2010, 1, 1), days_from_civil(2024, 12, 31))
}

// ---------------------------------------------------------------------------------------
// Vocabularies
// ---------------------------------------------------------------------------------------

struct Party {
    code: &'static str,
    title: &'static str,
    kind: &'static str,
    summary: &'static str,
}

#[rustfmt::skip]
const PARTIES: &[Party] = &[
    Party { code: "us", title: "United States", kind: "state", summary: "The United States of America." },
    Party { code: "cn", title: "China", kind: "state", summary: "The People's Republic of China." },
    Party { code: "uk", title: "United Kingdom", kind: "state", summary: "The United Kingdom of Great Britain and Northern Ireland." },
    Party { code: "de", title: "Germany", kind: "state", summary: "The Federal Republic of Germany." },
    Party { code: "au", title: "Australia", kind: "state", summary: "The Commonwealth of Australia." },
    Party { code: "ca", title: "Canada", kind: "state", summary: "Canada." },
    Party { code: "jp", title: "Japan", kind: "state", summary: "Japan." },
    Party { code: "in", title: "India", kind: "state", summary: "The Republic of India." },
    Party { code: "no", title: "Norway", kind: "state", summary: "The Kingdom of Norway: its code is the YAML 1.1 word for false." },
    Party { code: "g20", title: "Group of Twenty", kind: "organisation", summary: "The G20 forum of major economies." },
    Party { code: "un", title: "United Nations", kind: "organisation", summary: "The United Nations and its expert groups." },
    Party { code: "fireline", title: "Fireline Security", kind: "company", summary: "A fictional incident-response company." },
    Party { code: "kestrel", title: "Kestrel Analytics", kind: "company", summary: "A fictional threat-intelligence company." },
];

/// Indices of the parties that are states (agreements start with one of these).
const STATE_COUNT: usize = 9;

const FORMS: &[&str] = &[
    "treaty",
    "bilateral-agreement",
    "joint-statement",
    "fact-sheet",
    "communique",
    "dialogue",
    "un-report",
    "declaration",
];
const FORM_PHRASES: &[&str] = &[
    "treaty",
    "bilateral agreement",
    "joint statement",
    "fact sheet",
    "communique",
    "dialogue outcome",
    "expert report",
    "declaration",
];
const STATUSES: &[&str] = &["in-force", "active", "superseded", "dormant", "contested"];
const RELATION_TYPES: &[&str] = &["mirrors", "implements", "reaffirms", "references"];
const ANNOTATION_KINDS: &[&str] = &["context", "claim", "fact-check", "correction", "dispute"];

#[rustfmt::skip]
const TAGS: &[&str] = &[
    "economic-espionage", "attribution", "indictment", "sanctions", "supply-chain",
    "critical-infrastructure", "intellectual-property", "trade-secrets", "diplomacy", "norms",
    "confidence-building", "hotline", "law-enforcement", "extradition", "ransomware",
    "phishing", "zero-day", "cloud-hopper", "apt", "threat-intelligence", "incident-response",
    "disclosure", "export-controls", "summit", "g20", "un-gge", "oewg", "due-diligence",
    "state-responsibility", "election-security", "telecoms", "semiconductors", "aviation",
    "energy", "healthcare", "finance", "academia", "cyber-command", "deterrence",
    "verification",
];

const HEADINGS: &[&str] = &[
    "Background",
    "What the report says",
    "Reactions",
    "The evidence",
    "Timeline of events",
    "Official responses",
    "Open questions",
    "Analysis",
    "Earlier incidents",
    "Legal questions",
    "What comes next",
    "Industry view",
];

const PUBLISHERS: &[(&str, &str)] = &[
    ("The Harbour Ledger", "harbourledger.example.com"),
    ("Northern Dispatch", "northerndispatch.example.com"),
    ("Policy Wire", "policywire.example.org"),
    ("The Capital Courier", "capitalcourier.example.com"),
    ("Signal & Noise", "signalnoise.example.net"),
    ("Asia Trade Review", "asiatradereview.example.com"),
    ("The Morning Record", "morningrecord.example.com"),
    ("Cyber Brief: Weekly", "cyberbrief.example.org"),
    ("Global Affairs Monitor", "gamonitor.example.org"),
    ("The Evening Standard-Bearer", "standardbearer.example.com"),
    ("Tech Policy Journal", "techpolicyjournal.example.com"),
    ("Reuters-Like Newswire", "newswire.example.com"),
];

#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Alex", "Maria", "Chen", "Priya", "Jonas", "Fatima", "Liam", "Sofia", "Kenji", "Amara",
    "Olga", "Diego", "Hannah", "Tomasz", "Aisha", "Mateo", "Ingrid", "Ravi", "Claire", "Yusuf",
];
#[rustfmt::skip]
const LAST_NAMES: &[&str] = &[
    "Walker", "Okafor", "Li", "Sharma", "Berg", "Haddad", "Murphy", "Rossi", "Tanaka", "Mensah",
    "Ivanova", "Garcia", "Schmidt", "Nowak", "Rahman", "Lopez", "Larsen", "Patel", "Dubois",
    "Demir",
];

/// Content words: lowercase ASCII only (they also make slugs).
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "harbour", "ledger", "signal", "vendor", "access", "network", "agency", "market", "border",
    "treaty", "pledge", "council", "summit", "channel", "archive", "breach", "intrusion",
    "server", "campaign", "operator", "analyst", "minister", "envoy", "embassy", "clause",
    "commitment", "framework", "dialogue", "mechanism", "hotline", "inquiry", "report",
    "evidence", "source", "official", "statement", "response", "warning", "pattern", "activity",
    "theft", "secret", "design", "blueprint", "patent", "factory", "supplier", "contract",
    "tender", "customs", "export", "import", "license", "software", "hardware", "update",
    "patch", "exploit", "malware", "implant", "backdoor", "credential", "password", "account",
    "mailbox", "cloud", "provider", "telecom", "satellite", "pipeline", "grid", "utility",
    "hospital", "university", "laboratory", "research", "prototype", "turbine", "engine",
    "aircraft", "vessel", "port", "railway", "bank", "payment", "ledger", "auditor",
    "regulator", "court", "judge", "prosecutor", "indictment", "warrant", "sanction", "tariff",
    "negotiator", "delegation", "protocol", "memorandum", "annex", "paragraph", "wording",
    "draft", "revision", "deadline", "quarter", "decade", "season", "morning", "evening",
    "quiet", "steady", "sudden", "careful", "formal", "informal", "public", "private", "joint",
    "bilateral", "regional", "global", "national", "foreign", "domestic", "commercial",
    "technical", "political", "legal", "economic", "strategic", "limited", "broad", "narrow",
    "early", "late", "recent", "former", "senior", "junior", "anonymous", "named", "credible",
    "disputed", "partial", "complete", "modest", "notable", "familiar", "unusual", "routine",
    "renewed", "stalled", "broken", "kept", "signed", "drafted", "announced", "denied",
    "confirmed", "reported", "traced", "linked", "attributed", "observed", "tracked",
    "detected", "blocked", "leaked", "stolen", "copied", "shared", "reviewed", "challenged",
    "welcomed", "questioned", "extended", "narrowed", "repeated", "cited", "quoted", "noted",
    "argued", "claimed", "suggested", "insisted", "promised", "agreed", "declined", "refused",
    "resumed", "paused", "expanded", "reduced",
];

/// Short function words, mixed in so the filler reads a little like English.
#[rustfmt::skip]
const GLUE: &[&str] = &[
    "the", "the", "the", "of", "of", "and", "and", "to", "in", "a", "on", "for", "with", "by",
    "that", "as", "from", "after", "before", "under", "over", "between", "against", "while",
];

// ---------------------------------------------------------------------------------------
// Writing helpers
// ---------------------------------------------------------------------------------------

/// A YAML double-quoted scalar.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A YAML flow sequence of double-quoted scalars.
fn q_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = items.into_iter().map(q).collect();
    format!("[{}]", quoted.join(", "))
}

fn capitalise(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// `n` content words joined by spaces.
fn words(rng: &mut Rng, n: usize) -> Vec<&'static str> {
    (0..n).map(|_| *rng.pick(WORDS)).collect()
}

/// One sentence of filler; returns the number of words written.
fn sentence(rng: &mut Rng, out: &mut String) -> usize {
    let n = rng.range(7, 16);
    let mut prev_glue = false;
    for i in 0..n {
        // Function words only between content words, never first or last.
        let glue = i > 0 && i + 1 < n && !prev_glue && rng.percent(30);
        let w = if glue {
            *rng.pick(GLUE)
        } else {
            *rng.pick(WORDS)
        };
        prev_glue = glue;
        if i == 0 {
            out.push_str(&capitalise(w));
        } else {
            out.push(' ');
            out.push_str(w);
        }
        if !glue && i > 1 && i + 2 < n && rng.percent(6) {
            out.push(',');
        }
    }
    out.push('.');
    n
}

/// A paragraph of `sentences` sentences (no trailing newline); returns its word count.
fn paragraph(rng: &mut Rng, sentences: usize, out: &mut String) -> usize {
    let mut count = 0;
    for i in 0..sentences {
        if i > 0 {
            out.push(' ');
        }
        count += sentence(rng, out);
    }
    count
}

// ---------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------

fn index_page(reports: usize, agreements: usize, seed: u64) -> String {
    format!(
        "---\ntitle: {}\nsummary: {}\n---\n\
         This is a synthetic archive for benchmarking Annals: {reports} reports, \
         {agreements} agreements and {} parties, generated by `examples/gen_archive.rs` \
         with seed {seed}. The text is filler; only its shape is realistic.\n",
        q("Annals benchmark archive"),
        q(&format!(
            "Synthetic archive: {reports} reports, {agreements} agreements (seed {seed})."
        )),
        PARTIES.len(),
    )
}

fn party_page(p: &Party) -> String {
    format!(
        "---\ntitle: {}\nkind: {}\nsummary: {}\n---\n\
         {} appears in this synthetic archive as a {}. Its page lists the agreements it is \
         a party to and the reports that mention it.\n",
        q(p.title),
        q(p.kind),
        q(p.summary),
        p.title,
        p.kind,
    )
}

struct Agreement {
    slug: String,
    title: String,
    short_title: String,
    date: Date,
    parties: Vec<usize>,
    form: usize,
    status: usize,
    /// (relation type index, index of an earlier agreement).
    relations: Vec<(usize, usize)>,
}

fn gen_agreements(count: usize, seed: u64) -> Vec<Agreement> {
    let (lo, hi) = date_span();
    let span = (hi - lo + 1) as usize;
    (0..count)
        .map(|i| {
            let mut rng = Rng::new(seed, STREAM_AGREEMENT, i as u64);
            // Dates never decrease with the slug number, so relations to earlier slugs
            // also point back in time.
            let start = lo + (i * span / count) as i64;
            let step = (span / count).max(1);
            let date = Date((start + rng.below(step) as i64).min(hi));

            let mut parties = vec![rng.below(STATE_COUNT)];
            let extra = rng.range(0, 2);
            while parties.len() < 1 + extra {
                let p = rng.below(PARTIES.len());
                if !parties.contains(&p) {
                    parties.push(p);
                }
            }
            let form = rng.below(FORMS.len());
            let status = rng.below(STATUSES.len());

            let mut relations: Vec<(usize, usize)> = Vec::new();
            if i > 0 && rng.percent(45) {
                let want = rng.range(1, 2);
                for _ in 0..want {
                    // Mostly recent predecessors, sometimes any earlier one.
                    let to = if rng.percent(70) {
                        i - 1 - rng.below(i.min(10))
                    } else {
                        rng.below(i)
                    };
                    let kind = rng.below(RELATION_TYPES.len());
                    if !relations.contains(&(kind, to)) {
                        relations.push((kind, to));
                    }
                }
            }

            let names: Vec<&str> = parties.iter().map(|&p| PARTIES[p].title).collect();
            let topic = words(&mut rng, 2).join(" ");
            let title = format!("{} {} on {topic}", names.join("–"), FORM_PHRASES[form]);
            let codes: Vec<String> = parties
                .iter()
                .map(|&p| PARTIES[p].code.to_uppercase())
                .collect();
            let short_title = format!("{} {} #{}", codes.join("–"), date.year(), i + 1);
            Agreement {
                slug: format!("agr-{:04}", i + 1),
                title,
                short_title,
                date,
                parties,
                form,
                status,
                relations,
            }
        })
        .collect()
}

/// Agreement number `index` (0-based); `earlier` holds the agreements before it.
fn agreement_page(a: &Agreement, index: usize, earlier: &[Agreement], seed: u64) -> String {
    let mut rng = Rng::new(seed, STREAM_AGREEMENT_BODY, index as u64);
    let mut s = String::with_capacity(2048);
    s.push_str("---\n");
    let _ = writeln!(s, "title: {}", q(&a.title));
    let _ = writeln!(s, "short_title: {}", q(&a.short_title));
    let _ = writeln!(s, "date: {}", a.date);
    let _ = writeln!(
        s,
        "parties: {}",
        q_list(a.parties.iter().map(|&p| PARTIES[p].code))
    );
    let _ = writeln!(s, "form: {}", q(FORMS[a.form]));
    let _ = writeln!(s, "status: {}", q(STATUSES[a.status]));
    let _ = writeln!(
        s,
        "text_url: {}",
        q(&format!("https://treaties.example.org/texts/{}", a.slug))
    );
    let _ = writeln!(
        s,
        "summary: {}",
        q(&format!(
            "{}: a {} announced on {}.",
            a.short_title, FORM_PHRASES[a.form], a.date
        ))
    );
    if !a.relations.is_empty() {
        s.push_str("relations:\n");
        for &(kind, to) in &a.relations {
            let target = &earlier[to];
            let _ = writeln!(s, "  - type: {}", q(RELATION_TYPES[kind]));
            let _ = writeln!(s, "    to: {}", q(&target.slug));
            let _ = writeln!(
                s,
                "    note: {}",
                q(&format!(
                    "Repeats the {} clause of {} in its own words.",
                    rng.pick(WORDS),
                    target.short_title
                ))
            );
        }
    }
    s.push_str("---\n");
    paragraph(&mut rng, 3, &mut s);
    s.push_str("\n\n");
    paragraph(&mut rng, 2, &mut s);
    s.push('\n');
    s
}

/// Writes report number `n` into `s` and returns its slug.
fn article(n: usize, agreements: &[Agreement], seed: u64, s: &mut String) -> String {
    let mut rng = Rng::new(seed, STREAM_ARTICLE, n as u64);
    let (lo, hi) = date_span();
    let date = Date(lo + rng.below((hi - lo + 1) as usize) as i64);

    let title_len = rng.range(4, 8);
    let title_words = words(&mut rng, title_len);
    let slug = format!("r{n:06}-{}", title_words[..3].join("-"));
    let title = {
        let mut t = capitalise(title_words[0]);
        for w in &title_words[1..] {
            t.push(' ');
            t.push_str(w);
        }
        t
    };

    // 0–3 agreements (a quarter of reports cover none).
    let covered: Vec<usize> = if rng.percent(25) {
        Vec::new()
    } else {
        let k = rng.range(1, 3).min(agreements.len());
        rng.distinct(k, agreements.len())
    };
    // 1–3 parties, preferring those of the first covered agreement.
    let want = rng.range(1, 3);
    let mut parties: Vec<usize> = Vec::with_capacity(3);
    if let Some(&first) = covered.first() {
        for &p in &agreements[first].parties {
            if parties.len() < want {
                parties.push(p);
            }
        }
    }
    while parties.len() < want {
        let p = rng.below(PARTIES.len());
        if !parties.contains(&p) {
            parties.push(p);
        }
    }
    let tag_count = rng.range(1, 4);
    let tags = rng.distinct(tag_count, TAGS.len());

    let (publisher, domain) = *rng.pick(PUBLISHERS);
    let author = format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
    let (y, m, _) = civil_from_days(date.0);
    let url = format!("https://{domain}/{y}/{m:02}/{slug}");

    // Annotated sentences: they contain the report number, so each occurs once.
    let anchors = [
        (
            format!("Observation {n} was recorded on site by the field team."),
            format!("Observation {n} was recorded"),
        ),
        (
            format!("Witness statement {n} was filed late in the afternoon."),
            format!("statement {n} was filed"),
        ),
    ];
    let annotation_count = rng.range(1, 2);

    // Front matter.
    s.push_str("---\n");
    let _ = writeln!(s, "title: {}", q(&title));
    let _ = writeln!(s, "date: {date}");
    s.push_str("source:\n");
    let _ = writeln!(s, "  publisher: {}", q(publisher));
    let _ = writeln!(s, "  url: {}", q(&url));
    let _ = writeln!(s, "  author: {}", q(&author));
    let _ = writeln!(
        s,
        "summary: {}",
        q(&format!(
            "Report {n}: {} on the {} {}.",
            publisher,
            rng.pick(WORDS),
            rng.pick(WORDS)
        ))
    );
    let _ = writeln!(
        s,
        "agreements: {}",
        q_list(covered.iter().map(|&a| agreements[a].slug.as_str()))
    );
    let _ = writeln!(
        s,
        "parties: {}",
        q_list(parties.iter().map(|&p| PARTIES[p].code))
    );
    let _ = writeln!(s, "tags: {}", q_list(tags.iter().map(|&t| TAGS[t])));
    s.push_str("annotations:\n");
    for (_, quote) in anchors.iter().take(annotation_count) {
        let _ = writeln!(s, "  - quote: {}", q(quote));
        let kind = *rng.pick(ANNOTATION_KINDS);
        let _ = writeln!(s, "    kind: {}", q(kind));
        let _ = writeln!(
            s,
            "    note: {}",
            q(&format!(
                "The *{}* account of this passage is {} by a second source.",
                rng.pick(WORDS),
                rng.pick(&[
                    "confirmed",
                    "disputed",
                    "not yet confirmed",
                    "partly confirmed"
                ])
            ))
        );
        // Kinds that must cite a source (site.yaml's `requires_source`), and
        // corrections, which carry the day they were made.
        if !matches!(kind, "context" | "claim") {
            let _ = writeln!(
                s,
                "    sources: [https://example.org/sources/{}]",
                rng.pick(WORDS)
            );
        }
        if kind == "correction" {
            s.push_str("    date: 2019-01-15\n");
        }
    }
    s.push_str("---\n");
    let body_start = s.len();

    // Body: about 700 words.
    let target = rng.range(650, 750);
    let mut count = 0;

    // Lead paragraph, with the ordinary link and the wiki link.
    count += paragraph(&mut rng, 2, s);
    let _ = write!(
        s,
        " The original is available from [{publisher}]({url}), which first reported the \
         {} {}.",
        rng.pick(WORDS),
        rng.pick(WORDS)
    );
    count += 12;
    if let Some(&first) = covered.first() {
        let _ = write!(
            s,
            " The report concerns [[{}]] and the {} that followed it.",
            agreements[first].slug,
            rng.pick(WORDS)
        );
        count += 9;
    }
    s.push_str("\n\n");

    let heading_count = rng.range(2, 3);
    let headings = rng.distinct(heading_count, HEADINGS.len());
    // Roughly the words each section should add, after the fixed elements.
    let per_section = target.saturating_sub(count + 60) / heading_count;
    for (section, &h) in headings.iter().enumerate() {
        let _ = write!(s, "## {}\n\n", HEADINGS[h]);
        let section_end = count + per_section;
        let mut first_paragraph = true;
        while count < section_end || first_paragraph {
            let sentences = rng.range(3, 5);
            count += paragraph(&mut rng, sentences, s);
            if first_paragraph {
                // Section 0 holds the first anchor, the footnote and the list; section 1
                // the quotation and the second anchor.
                match section {
                    0 => {
                        let _ = write!(s, " {}", anchors[0].0);
                        s.push_str(" The figures were later revised.[^1]");
                        count += 16;
                    }
                    1 => {
                        let _ = write!(s, " {}", anchors[1].0);
                        count += 10;
                    }
                    _ => {}
                }
                first_paragraph = false;
                s.push_str("\n\n");
                match section {
                    0 => {
                        for _ in 0..rng.range(3, 5) {
                            s.push_str("- ");
                            let k = rng.range(4, 9);
                            let item = words(&mut rng, k);
                            s.push_str(&capitalise(item[0]));
                            for w in &item[1..] {
                                s.push(' ');
                                s.push_str(w);
                            }
                            s.push('\n');
                            count += k;
                        }
                        s.push('\n');
                    }
                    1 => {
                        s.push_str("> ");
                        count += paragraph(&mut rng, 2, s);
                        let _ = write!(
                            s,
                            "\n>\n> — {} {}, {}\n\n",
                            rng.pick(FIRST_NAMES),
                            rng.pick(LAST_NAMES),
                            rng.pick(&["a senior official", "an analyst", "a spokesperson"])
                        );
                        count += 6;
                    }
                    _ => {}
                }
            } else {
                s.push_str("\n\n");
            }
        }
    }
    let _ = writeln!(
        s,
        "[^1]: Revised figures appeared in a {} {} published the following {}.",
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(&["week", "month", "year"])
    );

    // The contract the benchmark relies on: each quote occurs exactly once in the body.
    for (_, quote) in anchors.iter().take(annotation_count) {
        debug_assert_eq!(s[body_start..].matches(quote.as_str()).count(), 1);
    }
    slug
}
