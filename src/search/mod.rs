//! Full-text search: the `/search/` page and, with the `search` cargo feature
//! (on by default), a [Pagefind](https://pagefind.app) index of the archive.
//!
//! The index is built from the resolved [`Archive`], not from the rendered
//! pages: every report, agreement, party, free-standing page and clause
//! comparison becomes one small HTML document ([`Record::to_html`]) holding only
//! the page's own words — no navigation, lists or footers — with the title as
//! Pagefind's `title` metadata (ranked above body text), the summary weighted ×2
//! and body headings weighted as Pagefind weights `<h2>`…`<h6>`. A report's
//! editors' notes are sections with `id="note-N"`, so a match in a note comes
//! back as a sub-result that links to its place (`…/articles/<slug>/#note-N`);
//! notes as sections rather than records of their own keep the index's
//! per-page metadata, which every search downloads, to one entry per page.
//! Records carry the filters the search page offers (kind, party, year, tag,
//! agreement) and a `date` sort key.
//!
//! The index is sharded by date ([`shard`]): each year's records (each month's,
//! for a year above [`shard::SHARD_MAX`]) and the undated ones form their own
//! Pagefind bundle under `pagefind/<key>/`, built in parallel and reused from a
//! content-keyed cache when its records did not change, so a one-report edit
//! re-indexes one shard in `annals build` and `annals serve` alike. The files go
//! through the same sink as every page, so a failed build writes none of them.
//! `static/search.js` searches the shards in the reader's browser as one
//! index (same ranking, same matches, exact date order).
//!
//! The index builds while the pages render, on threads of its own: each
//! search thread takes one shard at a time, builds its records, indexes them
//! (Pagefind's API is async: on a current-thread tokio runtime per shard) or
//! reads them from the cache, writes the files and lets them go, so memory
//! follows the shards in flight, not the archive ([`in_flight`]).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{json, Value};

use crate::diagnostics::Diagnostic;
use crate::markdown::escape_html;
use crate::render::{self, fill_links, Output, Sink};
use crate::resolve::{Archive, Key, Kind};
use crate::urls::{paths, Route};

pub mod live;
pub mod shard;
pub use live::{finish_pending, has_pending, note_changed, use_overlays};
pub use shard::{keep_shards_in_memory, take_built, ShardCache};

/// Site-relative path of the search page.
pub const PATH: &str = "search/";
/// Site-relative folder of the Pagefind bundle.
pub const BUNDLE: &str = "pagefind/";

/// Filters offered on the search page, in order: (key, label, "any" option).
const FILTERS: &[(&str, &str, &str)] = &[
    ("kind", "Kind", "Any kind"),
    ("party", "Party", "Any party"),
    ("year", "Year", "Any year"),
    ("agreement", "Agreement", "Any agreement"),
    ("tag", "Tag", "Any tag"),
];

/// Values of the `kind` filter.
pub mod kinds {
    /// A news report.
    pub const REPORT: &str = "Report";
    /// An agreement, statement or dialogue.
    pub const AGREEMENT: &str = "Agreement";
    /// A state, organisation or company.
    pub const PARTY: &str = "Party";
    /// A clause comparison page.
    pub const CLAUSE: &str = "Clause";
    /// A threat actor, found by any of its names.
    pub const ACTOR: &str = "Threat actor";
    /// A free-standing page such as /about/.
    pub const PAGE: &str = "Page";
}

/// Whether this binary can build a search index (the `search` feature).
pub const AVAILABLE: bool = cfg!(feature = "search");

/// Builds the sharded Pagefind bundle of `archive`, reusing unchanged shards
/// from the cache under `root` (and, in `annals serve`, from memory), and
/// hands each file to `sink`, with `pagefind/shards.json`: each shard's key,
/// pages and words, newest first, which `static/search.js` loads first (and,
/// in the live server, the overlay of recent edits: see [`live`]).
/// Returns the diagnostics (none on success).
///
/// In the live server, which renders only the routes an edit affects and
/// says which ([`note_changed`]), an entry whose page was not rendered again
/// keeps its record from the last rendering (a record reads nothing its page
/// does not), so an edit builds only its own records.
pub fn render_index(archive: &Archive, root: &Path, sink: Sink<'_>) -> Vec<Diagnostic> {
    let mut diags = vec![];
    lap("search: start");
    let changed = live::take_changed(root);
    let kept = live::take_kept(root);
    // In the live server, an entry whose page was not rendered again keeps
    // its record from the last rendering.
    let reuse = |route: &Route, url: &str| -> Option<Arc<Record>> {
        let (kept, changed) = (kept.as_ref()?, changed.as_ref()?);
        if changed.contains(&crate::render::plan::route_id(archive, route)) {
            None
        } else {
            kept.get(url).map(|(r, _)| r.clone())
        }
    };
    let shards = shard::split(items(archive), |i| i.date.as_deref());
    lap("search: items");
    let keys: Vec<String> = shards.iter().map(|s| s.key.clone()).collect();
    let cache = ShardCache::for_root(root);
    let language = archive.config.language.to_ascii_lowercase();
    let overlays = live::overlays_on(root);
    // Each shard's records are built inside its own task, then indexed (or
    // read from the cache), written and dropped: memory follows the shards in
    // flight, one per search thread, not the archive.
    let done: Vec<Result<Indexed, Diagnostic>> = in_flight(shards, |s| {
        let records = s
            .records
            .par_iter()
            .map(|i| record(archive, i, &reuse))
            .collect();
        let s = shard::Shard {
            key: s.key,
            records,
        };
        index_shard(s, &language, &cache, sink, overlays, kept.as_ref())
    });
    lap("search: shards");
    let mut listed = vec![];
    let mut fresh: Vec<Arc<Record>> = vec![];
    let mut keep = live::Kept::new();
    let mut hide = serde_json::Map::new();
    for (key, d) in keys.iter().zip(done) {
        match d {
            Ok(i) => {
                if shard::in_memory() {
                    keep.extend(
                        i.records
                            .into_iter()
                            .zip(i.digests.iter())
                            .map(|(r, (_, d))| (r.url.clone(), (r, *d))),
                    );
                }
                listed.push(json!({
                    "key": key,
                    "pages": i.stats.pages,
                    "words": i.stats.words,
                    "entry": i.entry,
                }));
                if let Some((records, ids)) = i.stale {
                    fresh.extend(records);
                    hide.insert(key.clone(), json!(ids));
                }
            }
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        return diags;
    }
    live::put_kept(root, keep);
    cache.retain(&keys);
    let mut list = json!({ "shards": listed });
    if !hide.is_empty() {
        let mut overlay = json!({ "hide": hide });
        if !fresh.is_empty() {
            match write_overlay(&fresh, &language, sink) {
                Ok(stats) => {
                    cache.note_built(live::OVERLAY);
                    overlay["key"] = json!(live::OVERLAY);
                    overlay["pages"] = json!(stats.pages);
                    overlay["words"] = json!(stats.words);
                }
                Err(d) => return vec![d],
            }
        }
        list["overlay"] = overlay;
    }
    let list = serde_json::to_vec(&list).unwrap_or_default();
    if let Err(e) = sink(Output {
        path: format!("{BUNDLE}{}", shard::LIST),
        bytes: list,
    }) {
        diags.push(Diagnostic::error(
            format!("{BUNDLE}{}", shard::LIST),
            format!("cannot write search index file: {e}"),
        ));
    }
    lap("search: list, overlay");
    diags
}

/// What writing one shard gave: its stats and, when an overlay stands in for
/// its changed records (live server), those records and the ids of the pages
/// of its previous files that they replace.
struct Indexed {
    stats: shard::Stats,
    /// The shard's `pagefind-entry.json`, listed in `shards.json` so that the
    /// search page needs not ask for each shard's.
    entry: Value,
    stale: Option<(Vec<Arc<Record>>, Vec<String>)>,
    /// The shard's records (live server only) and their digests.
    records: Vec<Arc<Record>>,
    digests: shard::Digests,
}

/// Writes shard `s` under `pagefind/<key>/`, from the cache when its records
/// are unchanged, otherwise indexed anew (and cached) or, with `overlays`,
/// as it was before, leaving its changed records to the overlay.
fn index_shard(
    s: shard::Shard,
    language: &str,
    cache: &ShardCache,
    sink: Sink<'_>,
    overlays: bool,
    kept: Option<&live::Kept>,
) -> Result<Indexed, Diagnostic> {
    let (stamp, digests) = shard::fingerprint(&s, language, kept);
    let digests: shard::Digests = Arc::new(
        s.records
            .iter()
            .map(|r| r.url.clone())
            .zip(digests)
            .collect(),
    );
    let mut stale = None;
    let files = match cache.get(&s.key, &stamp, &digests) {
        Some(files) => {
            live::clear_pending(cache.root(), &s.key);
            files
        }
        None => match cache.previous(&s.key).filter(|_| overlays) {
            Some(prev) => {
                let before: HashMap<&str, &shard::Digest20> =
                    prev.digests.iter().map(|(u, d)| (u.as_str(), d)).collect();
                let now: BTreeSet<&str> = digests.iter().map(|(u, _)| u.as_str()).collect();
                let mut gone: HashSet<&str> = before
                    .keys()
                    .copied()
                    .filter(|u| !now.contains(u))
                    .collect();
                let mut changed = vec![];
                for (r, (_, d)) in s.records.iter().zip(digests.iter()) {
                    match before.get(r.url.as_str()) {
                        Some(old) if *old == d => {}
                        Some(_) => {
                            gone.insert(&r.url);
                            changed.push(r.clone());
                        }
                        None => changed.push(r.clone()),
                    }
                }
                let ids = live::page_ids(&prev.files, &gone);
                stale = Some((changed, ids));
                live::set_pending(
                    cache.root(),
                    &s.key,
                    live::Pending {
                        stamp,
                        digests: digests.clone(),
                        records: s.records.clone(),
                        language: language.to_string(),
                    },
                );
                prev.files
            }
            None => {
                let t = std::time::Instant::now();
                let files = build_files(&s.key, language, &s.records)?;
                if timings_on() {
                    eprintln!(
                        "timing:   search: indexed shard {} ({} records) in {:.0} ms",
                        s.key,
                        s.records.len(),
                        t.elapsed().as_secs_f64() * 1000.0
                    );
                }
                let files = Arc::new(files);
                cache.put(&s.key, &stamp, &files, &digests);
                cache.note_built(&s.key);
                files
            }
        },
    };
    write_files(&s.key, &files, sink)?;
    Ok(Indexed {
        stats: shard::Stats::of(&files),
        entry: files
            .iter()
            .find(|f| f.path == "pagefind-entry.json")
            .and_then(|f| serde_json::from_slice(&f.bytes).ok())
            .unwrap_or(Value::Null),
        stale,
        records: if shard::in_memory() {
            s.records
        } else {
            vec![]
        },
        digests,
    })
}

/// Indexes `records` with Pagefind, as the files of the bundle `pagefind/<key>/`.
fn build_files(
    key: &str,
    language: &str,
    records: &[Arc<Record>],
) -> Result<Vec<Output>, Diagnostic> {
    shard::build(language, records).map_err(|e| {
        Diagnostic::error(
            format!("{BUNDLE}{key}/"),
            format!("cannot build the search index: {e}"),
        )
        .with_hint("build without it with `annals build --no-search`, and report the error")
    })
}

/// Indexes the overlay's records and writes them under `pagefind/overlay/`.
fn write_overlay(
    records: &[Arc<Record>],
    language: &str,
    sink: Sink<'_>,
) -> Result<shard::Stats, Diagnostic> {
    let files = build_files(live::OVERLAY, language, records)?;
    write_files(live::OVERLAY, &files, sink)?;
    Ok(shard::Stats::of(&files))
}

/// Hands a bundle's files to `sink` under `pagefind/<key>/`.
fn write_files(key: &str, files: &[Output], sink: Sink<'_>) -> Result<(), Diagnostic> {
    let failed = files
        .par_iter()
        .filter(|f| f.path != shard::STATS)
        .find_map_any(|f| {
            let path = format!("{BUNDLE}{key}/{}", f.path);
            sink(Output {
                path: path.clone(),
                bytes: f.bytes.clone(),
            })
            .err()
            .map(|e| (path, e))
        });
    match failed {
        Some((path, e)) => Err(Diagnostic::error(
            path,
            format!("cannot write search index file: {e}"),
        )),
        None => Ok(()),
    }
}

/// Runs `job` on each of `jobs`, at most one job per search thread in flight,
/// and returns the results in the jobs' order. Each search thread runs its
/// jobs in a rayon pool of its own, so the work inside a job (Pagefind's
/// included) is neither queued behind pages rendering on the global pool at
/// the same time, nor does a pool thread waiting inside one shard's indexing
/// take up another shard (which would start Pagefind's runtime inside its
/// runtime, and hold two shards in memory on one thread).
pub(crate) fn in_flight<T: Send, R: Send>(jobs: Vec<T>, job: impl Fn(T) -> R + Sync) -> Vec<R> {
    use std::sync::{Mutex, OnceLock};
    static POOLS: OnceLock<Vec<rayon::ThreadPool>> = OnceLock::new();
    let pools = POOLS.get_or_init(|| {
        let n = rayon::current_num_threads();
        (0..n)
            .filter_map(|i| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .thread_name(move |j| format!("annals-search-{i}-{j}"))
                    .build()
                    .ok()
            })
            .collect()
    });
    let queue = Mutex::new(jobs.into_iter().enumerate());
    let next = || queue.lock().unwrap_or_else(|e| e.into_inner()).next();
    let done = Mutex::new(Vec::new());
    let keep = |i, r| done.lock().unwrap_or_else(|e| e.into_inner()).push((i, r));
    if pools.is_empty() {
        while let Some((i, t)) = next() {
            keep(i, job(t));
        }
    }
    std::thread::scope(|scope| {
        for pool in pools {
            scope.spawn(|| {
                while let Some((i, t)) = next() {
                    keep(i, pool.install(|| job(t)));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

fn timings_on() -> bool {
    std::env::var_os("ANNALS_TIMINGS").is_some_and(|v| v != "0")
}

/// With `ANNALS_TIMINGS=1`, prints the time since the previous lap to stderr
/// (`search: start` only starts the clock).
fn lap(stage: &str) {
    use std::sync::Mutex;
    use std::time::Instant;
    static LAST: Mutex<Option<Instant>> = Mutex::new(None);
    if !timings_on() {
        return;
    }
    let now = Instant::now();
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(prev) = last.filter(|_| stage != "search: start") {
        eprintln!(
            "timing:   {stage:<22} {:>6.0} ms",
            (now - prev).as_secs_f64() * 1000.0
        );
    }
    *last = Some(now);
}

/// The `/search/` page's context.
#[derive(serde::Serialize)]
pub struct SearchPage {
    /// "Search".
    pub title: &'static str,
    /// One sentence under the title.
    pub summary: &'static str,
    /// Whether this build has an index (`--no-search` builds say search is unavailable).
    pub indexed: bool,
    /// URL of Pagefind's bundle folder.
    pub bundle_path: String,
    /// The filters that have values in this archive, in display order.
    pub filters: Vec<SearchFilter>,
    /// The browsable lists offered beside the search box (and without script).
    pub browse: Vec<BrowseLink>,
}

/// One filter of the search form.
#[derive(serde::Serialize)]
pub struct SearchFilter {
    /// Its key in the index (`kind`, `party`, `year`, …).
    pub key: &'static str,
    /// Its label.
    pub label: &'static str,
    /// The label of the "any value" choice.
    pub any: &'static str,
    /// Every value it can take, in display order.
    pub options: Vec<String>,
}

/// A list of the site to browse instead of searching.
#[derive(serde::Serialize)]
pub struct BrowseLink {
    /// Its URL.
    pub url: String,
    /// Its name.
    pub title: &'static str,
    /// What it lists.
    pub description: &'static str,
}

impl render::context::PageContext for SearchPage {
    fn title(&self) -> &str {
        self.title
    }
}

/// The `/search/` page's context; `indexed` says whether an index exists.
pub fn page(a: &Archive, indexed: bool) -> SearchPage {
    let mut values = filter_values(a);
    let filters = FILTERS
        .iter()
        .filter_map(|&(key, label, any)| {
            let options = values.remove(key).filter(|v| !v.is_empty())?;
            Some(SearchFilter {
                key,
                label,
                any,
                options,
            })
        })
        .collect();
    let browse = [
        (
            "articles/",
            "Reports",
            "every archived report, newest first",
        ),
        ("agreements/", "Agreements", "the agreements in a table"),
        ("timeline/", "Timeline", "agreements and reports in time"),
        ("annotations/", "Editors’ notes", "every note, by kind"),
        (
            "clauses/",
            "Clauses",
            "the same clause in each agreement's words",
        ),
        ("parties/", "Parties", "states, organisations and companies"),
        ("years/", "Years", "reports year by year"),
        ("tags/", "Tags", "reports by topic"),
    ]
    .into_iter()
    .map(|(p, title, description)| BrowseLink {
        url: a.urls.path(p),
        title,
        description,
    })
    .collect();
    SearchPage {
        title: "Search",
        summary: "Find any report, agreement, party, clause or editor’s note by a name, a phrase or a date.",
        indexed,
        bundle_path: a.urls.path(BUNDLE),
        filters,
        browse,
    }
}

/// Every value each filter can take, in display order.
fn filter_values(a: &Archive) -> BTreeMap<&'static str, Vec<String>> {
    let c = &a.content;
    let mut kinds = vec![];
    for (present, k) in [
        (!c.articles.is_empty(), kinds::REPORT),
        (!c.agreements.is_empty(), kinds::AGREEMENT),
        (!c.parties.is_empty(), kinds::PARTY),
        (!c.actors.is_empty(), kinds::ACTOR),
        (a.clauses.values().any(|v| v.len() >= 2), kinds::CLAUSE),
        (!c.pages.is_empty(), kinds::PAGE),
    ] {
        if present {
            kinds.push(k.to_string());
        }
    }
    let mut parties: Vec<String> = c.parties.iter().map(|p| p.meta.title.clone()).collect();
    parties.sort();
    parties.dedup();
    let years: BTreeSet<i16> = c
        .articles
        .iter()
        .map(|e| e.meta.date.year())
        .chain(c.agreements.iter().map(|e| e.meta.date.year()))
        .collect();
    let mut agreements: Vec<String> = a
        .agreements_by_date
        .iter()
        .map(|&i| c.agreements[i].meta.short_title.clone())
        .collect();
    let mut seen = BTreeSet::new();
    agreements.retain(|t| seen.insert(t.clone()));
    BTreeMap::from([
        ("kind", kinds),
        ("party", parties),
        ("year", years.iter().rev().map(|y| y.to_string()).collect()),
        ("agreement", agreements),
        ("tag", a.tags.keys().cloned().collect()),
    ])
}

/// One entry of the search index: a small HTML document that Pagefind indexes
/// as if it were the page (but only the page's own words, without navigation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Where the result links to, with the base path (`/archive/articles/x/`).
    pub url: String,
    /// The result's title: Pagefind's `title` metadata, which it searches and
    /// ranks above body text.
    pub title: String,
    /// What Pagefind indexes, as HTML: the summary (weighted ×2), the body (its
    /// headings weighted as Pagefind weights `<h2>`…`<h6>`, each with its id, so
    /// a match under a heading links to it) and, for reports, the editors' notes,
    /// each a `<section id="note-N">` so a match in a note links to its place.
    pub body: String,
    /// Filter values: `kind`, `party`, `year`, `tag`, `agreement`.
    pub filters: BTreeMap<String, Vec<String>>,
    /// Shown with the result but never searched: `date` (ISO), `context`
    /// (publisher, form, …).
    pub shown: BTreeMap<String, String>,
    /// Sort keys: `date` (ISO) when the entry has one.
    pub sort: BTreeMap<String, String>,
}

impl Record {
    /// The document handed to Pagefind. Pagefind 1.6 searches every metadata
    /// field, so only the title is metadata; what is only shown travels as
    /// filters named `_date` and `_context`, which the page never filters on (so
    /// their indexes are never downloaded) but which come back with each result.
    pub fn to_html(&self, language: &str) -> String {
        let e = crate::markdown::escape_html;
        let mut h = String::with_capacity(self.body.len() + 512);
        h.push_str("<!DOCTYPE html><html lang=\"");
        h.push_str(&e(language));
        h.push_str("\"><head><meta data-pagefind-meta=\"title[content]\" content=\"");
        h.push_str(&e(&self.title));
        h.push_str("\">");
        let shown = self.shown.iter().map(|(k, v)| (format!("_{k}"), v));
        let filters = self
            .filters
            .iter()
            .flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v)));
        for (k, v) in filters.chain(shown) {
            h.push_str("<meta data-pagefind-filter=\"");
            h.push_str(&e(&k));
            h.push_str("[content]\" content=\"");
            h.push_str(&e(v));
            h.push_str("\">");
        }
        for (k, v) in &self.sort {
            h.push_str("<meta data-pagefind-sort=\"");
            h.push_str(&e(k));
            h.push_str("[content]\" content=\"");
            h.push_str(&e(v));
            h.push_str("\">");
        }
        h.push_str("</head><body><main data-pagefind-body>");
        h.push_str(&self.body);
        h.push_str("</main></body></html>");
        h
    }
}

/// Builds the search records of the whole archive, in a fixed order (reports,
/// agreements, clauses, parties, actors, pages), in parallel.
pub fn records(a: &Archive) -> Vec<Record> {
    items(a)
        .par_iter()
        .map(|i| record(a, i, &|_, _| None))
        .map(|r| Arc::try_unwrap(r).unwrap_or_else(|r| (*r).clone()))
        .collect()
}

/// A record kept from an earlier rendering, asked for by the route of the
/// entry's page and the record's URL; `None` builds it anew.
type Reuse<'r> = dyn Fn(&Route, &str) -> Option<Arc<Record>> + Sync + 'r;

/// An entry of the index before its record is built: which entry, and the
/// date that decides its shard ([`shard::split`]). Listing every item costs a
/// date string each; the records themselves are built inside each shard's
/// task, so only the shards in flight hold theirs.
#[derive(Debug, Clone)]
struct Item<'a> {
    what: What<'a>,
    /// ISO date, for the entries that have one.
    date: Option<String>,
}

/// Which entry an [`Item`] is.
#[derive(Debug, Clone, Copy)]
enum What<'a> {
    Article(usize),
    Agreement(usize),
    /// A clause id and its wordings (agreement, clause index), two or more.
    Clause(&'a str, &'a [(usize, usize)]),
    Party(usize),
    Actor(usize),
    Page(usize),
}

/// Every item of the index, in the records' fixed order (reports,
/// agreements, clauses, parties, actors, pages).
fn items(a: &Archive) -> Vec<Item<'_>> {
    let c = &a.content;
    let dated = |what, date: crate::content::date::Date| Item {
        what,
        date: Some(date.iso()),
    };
    let undated = |what| Item { what, date: None };
    let mut out = Vec::with_capacity(
        c.articles.len() + c.agreements.len() + c.parties.len() + c.actors.len() + c.pages.len(),
    );
    out.extend(
        c.articles
            .iter()
            .enumerate()
            .map(|(i, e)| dated(What::Article(i), e.meta.date)),
    );
    out.extend(
        c.agreements
            .iter()
            .enumerate()
            .map(|(i, e)| dated(What::Agreement(i), e.meta.date)),
    );
    for (id, family) in a.clauses.iter().filter(|(_, v)| v.len() >= 2) {
        let first = family.iter().map(|&(g, _)| c.agreements[g].meta.date).min();
        out.push(Item {
            what: What::Clause(id, family),
            date: first.map(|d| d.iso()),
        });
    }
    out.extend((0..c.parties.len()).map(|i| undated(What::Party(i))));
    out.extend((0..c.actors.len()).map(|i| undated(What::Actor(i))));
    out.extend((0..c.pages.len()).map(|i| undated(What::Page(i))));
    out
}

/// The names of the parties `codes` names (unknown codes left out).
fn party_titles(a: &Archive, codes: &[String]) -> Vec<String> {
    codes.iter().filter_map(|p| party_title(a, p)).collect()
}

fn party_title(a: &Archive, code: &str) -> Option<String> {
    a.find(Kind::Party, code)
        .map(|i| a.content.parties[i].meta.title.clone())
}

fn agreement_title(a: &Archive, slug: &str) -> Option<String> {
    a.find(Kind::Agreement, slug)
        .map(|i| a.content.agreements[i].meta.short_title.clone())
}

/// An entry's body as Pagefind should read it, its links filled in.
fn body_of(a: &Archive, kind: Kind, idx: usize) -> String {
    let key = Key { kind, idx };
    let links = a.links.get(&key).map(Vec::as_slice).unwrap_or_default();
    a.body(key)
        .map(|b| indexable(&fill_links(&b.html, links)))
        .unwrap_or_default()
}

/// The record of `item`, from `reuse` when it has one for the entry's page.
fn record(a: &Archive, item: &Item<'_>, reuse: &Reuse<'_>) -> Arc<Record> {
    let c = &a.content;
    match item.what {
        What::Article(i) => {
            let e = &c.articles[i];
            let url = a.urls.path(&paths::article(&e.slug));
            if let Some(r) = reuse(&Route::Article(i), &url) {
                return r;
            }
            let key = Key {
                kind: Kind::Article,
                idx: i,
            };
            let links = a.links.get(&key).map(Vec::as_slice).unwrap_or_default();
            let date = e.meta.date.iso();
            let mut f = BTreeMap::new();
            f.insert("kind".to_string(), vec![kinds::REPORT.to_string()]);
            put(&mut f, "party", party_titles(a, &e.meta.parties));
            put(
                &mut f,
                "agreement",
                e.meta
                    .agreements
                    .iter()
                    .filter_map(|g| agreement_title(a, g))
                    .collect(),
            );
            put(&mut f, "tag", e.meta.tags.clone());
            f.insert("year".to_string(), vec![e.meta.date.year().to_string()]);
            let mut source = e.meta.source.publisher.clone();
            if let Some(author) = &e.meta.source.author {
                source.push_str(", ");
                source.push_str(author);
            }
            let mut body = summary(&e.meta.summary);
            body.push_str(&body_of(a, Kind::Article, i));
            for n in &e.body.notes {
                let kind = a
                    .config
                    .annotation_kinds
                    .get(&e.meta.annotations[n.index].kind)
                    .map(|t| t.label.as_str())
                    .unwrap_or("Note");
                let _ = write!(
                    body,
                    "<section id=\"note-{}\" data-pagefind-title=\"{}\">{}</section>",
                    n.number,
                    escape_html(&format!(
                        "Note {} ({kind}) on {}",
                        n.number,
                        render::context::quoted(&n.exact)
                    )),
                    indexable(&fill_links(&n.note_html, links)),
                );
            }
            // The byline and original headline, last, as a sentence of their
            // own so that an excerpt never runs from the text into them.
            let _ = match &e.meta.source.title {
                Some(t) => write!(
                    body,
                    "<p>Reported by {} as {}.</p>",
                    escape_html(&source),
                    escape_html(&render::context::quoted(t))
                ),
                None => write!(body, "<p>Reported by {}.</p>", escape_html(&source)),
            };
            Arc::new(Record {
                url,
                title: e.meta.title.clone(),
                body,
                filters: f,
                shown: shown(Some(&date), &source),
                sort: sort(Some(&date)),
            })
        }
        What::Agreement(i) => {
            let e = &c.agreements[i];
            let url = a.urls.path(&paths::agreement(&e.slug));
            if let Some(r) = reuse(&Route::Agreement(i, 1), &url) {
                return r;
            }
            let date = e.meta.date.iso();
            let form = a
                .config
                .agreement_forms
                .get(&e.meta.form)
                .map(|t| t.label.as_str())
                .unwrap_or(&e.meta.form);
            let mut body = format!(
                "<p data-pagefind-weight=\"{TITLE_WEIGHT}\">{}</p>",
                escape_html(&e.meta.short_title)
            );
            body.push_str(&summary(&e.meta.summary));
            if let Some(n) = &e.meta.date_note {
                let _ = write!(body, "<p>{}</p>", escape_html(n));
            }
            body.push_str(&body_of(a, Kind::Agreement, i));
            for cl in &e.meta.clauses {
                let _ = write!(body, "<blockquote>{}</blockquote>", escape_html(&cl.text));
            }
            for r in &e.meta.relations {
                if let Some(n) = &r.note {
                    let _ = write!(body, "<p>{}</p>", escape_html(n));
                }
            }
            let mut f = BTreeMap::new();
            f.insert("kind".to_string(), vec![kinds::AGREEMENT.to_string()]);
            put(&mut f, "party", party_titles(a, &e.meta.parties));
            f.insert("agreement".to_string(), vec![e.meta.short_title.clone()]);
            f.insert("year".to_string(), vec![e.meta.date.year().to_string()]);
            Arc::new(Record {
                url,
                title: e.meta.title.clone(),
                body,
                filters: f,
                shown: shown(Some(&date), &format!("{} · {form}", e.meta.short_title)),
                sort: sort(Some(&date)),
            })
        }
        What::Clause(id, family) => {
            let mut body = String::new();
            let mut parties = BTreeSet::new();
            let mut agreements = vec![];
            let mut years = BTreeSet::new();
            for &(g, ci) in family {
                let ag = &c.agreements[g];
                let _ = write!(
                    body,
                    "<p data-pagefind-weight=\"{SUMMARY_WEIGHT}\">{}</p><blockquote>{}</blockquote>",
                    escape_html(&ag.meta.short_title),
                    escape_html(&ag.meta.clauses[ci].text)
                );
                parties.extend(ag.meta.parties.iter().filter_map(|p| party_title(a, p)));
                agreements.push(ag.meta.short_title.clone());
                years.insert(ag.meta.date.year().to_string());
            }
            let first = item.date.as_deref();
            let mut f = BTreeMap::new();
            f.insert("kind".to_string(), vec![kinds::CLAUSE.to_string()]);
            put(&mut f, "party", parties.into_iter().collect());
            put(&mut f, "agreement", agreements);
            put(&mut f, "year", years.into_iter().collect());
            Arc::new(Record {
                url: a.urls.path(&paths::clause(id)),
                title: format!("Clause: {}", render::clauses::clause_title(id)),
                body,
                filters: f,
                shown: shown(first, &format!("{} wordings compared", family.len())),
                sort: sort(first),
            })
        }
        What::Party(i) => {
            let e = &c.parties[i];
            let url = a.urls.path(&paths::party(&e.slug));
            if let Some(r) = reuse(&Route::Party(i, 1), &url) {
                return r;
            }
            let mut body = summary(&e.meta.summary);
            body.push_str(&body_of(a, Kind::Party, i));
            let mut f = BTreeMap::new();
            f.insert("kind".to_string(), vec![kinds::PARTY.to_string()]);
            f.insert("party".to_string(), vec![e.meta.title.clone()]);
            let kind = match e.meta.kind.as_str() {
                "state" => "State",
                "organisation" => "Organisation",
                "company" => "Company",
                other => other,
            };
            Arc::new(Record {
                url,
                title: e.meta.title.clone(),
                body,
                filters: f,
                shown: shown(None, kind),
                sort: BTreeMap::new(),
            })
        }
        // Threat actors: every alias weighted like the title, so any name finds it.
        What::Actor(i) => {
            let e = &c.actors[i];
            let url = a.urls.path(&paths::actor(&e.slug));
            if let Some(r) = reuse(&Route::Actor(i), &url) {
                return r;
            }
            let mut body = String::new();
            if !e.meta.aliases.is_empty() {
                body.push_str(&format!(
                    "<p data-pagefind-weight=\"{TITLE_WEIGHT}\">Also known as {}</p>",
                    crate::markdown::escape_html(&e.meta.aliases.join(", "))
                ));
            }
            body.push_str(&summary(&e.meta.summary));
            body.push_str(&body_of(a, Kind::Actor, i));
            let mut f = BTreeMap::new();
            f.insert("kind".to_string(), vec![kinds::ACTOR.to_string()]);
            Arc::new(Record {
                url,
                title: e.meta.title.clone(),
                body,
                filters: f,
                shown: shown(None, &e.meta.aliases.join(", ")),
                sort: BTreeMap::new(),
            })
        }
        What::Page(i) => {
            let e = &c.pages[i];
            let url = a.urls.path(&paths::page(&e.slug));
            if let Some(r) = reuse(&Route::Page(i), &url) {
                return r;
            }
            let mut body = e.meta.summary.as_deref().map(summary).unwrap_or_default();
            body.push_str(&body_of(a, Kind::Page, i));
            let mut f = BTreeMap::new();
            f.insert("kind".to_string(), vec![kinds::PAGE.to_string()]);
            Arc::new(Record {
                url,
                title: e.meta.title.clone(),
                body,
                filters: f,
                shown: shown(None, ""),
                sort: BTreeMap::new(),
            })
        }
    }
}

/// Weight of an agreement's short title, as Pagefind weights an `<h1>`.
const TITLE_WEIGHT: u8 = 7;
/// Weight of a summary (dek): above body text, below headings.
const SUMMARY_WEIGHT: u8 = 2;

fn summary(text: &str) -> String {
    format!(
        "<p data-pagefind-weight=\"{SUMMARY_WEIGHT}\">{}</p>",
        escape_html(text)
    )
}

/// Rendered body HTML as Pagefind should read it: note and footnote reference
/// numbers (`<sup>`) left out, so they neither glue digits to the words they
/// follow nor turn up in excerpts.
pub fn indexable(html: &str) -> String {
    html.replace("<sup", "<sup data-pagefind-ignore=\"all\"")
}

fn put(f: &mut BTreeMap<String, Vec<String>>, key: &str, values: Vec<String>) {
    if !values.is_empty() {
        f.insert(key.to_string(), values);
    }
}

fn shown(date: Option<&str>, context: &str) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    if let Some(d) = date {
        m.insert("date".to_string(), d.to_string());
    }
    if !context.is_empty() {
        m.insert("context".to_string(), context.to_string());
    }
    m
}

fn sort(date: Option<&str>) -> BTreeMap<String, String> {
    date.map(|d| BTreeMap::from([("date".to_string(), d.to_string())]))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a search thread waiting inside one shard's indexing (in
    /// Pagefind's parallel loop) took up another shard and started Pagefind's
    /// runtime inside its runtime ("Cannot start a runtime from within a
    /// runtime", seen at 100,000 reports).
    #[test]
    fn a_search_thread_waiting_inside_a_shard_never_takes_up_another() {
        use std::cell::Cell;
        thread_local!(static IN_JOB: Cell<bool> = const { Cell::new(false) });
        let done = in_flight((0..64).collect(), |i: usize| {
            let nested = IN_JOB.with(|f| f.replace(true));
            let sum: usize = (0..200_000usize)
                .into_par_iter()
                .with_max_len(500)
                .map(|x| (x * x) % 7)
                .sum();
            IN_JOB.with(|f| f.set(false));
            (i, nested, sum)
        });
        assert_eq!(
            done.iter().map(|d| d.0).collect::<Vec<_>>(),
            (0..64).collect::<Vec<_>>()
        );
        assert!(done.iter().all(|d| !d.1 && d.2 == done[0].2));
    }

    #[test]
    fn reference_numbers_are_not_indexed() {
        assert_eq!(
            indexable("took<sup class=\"noteref\"><a href=\"#note-1\">1</a></sup> place"),
            "took<sup data-pagefind-ignore=\"all\" class=\"noteref\"><a href=\"#note-1\">1</a></sup> place"
        );
    }

    #[test]
    fn record_html_carries_title_filters_and_sort_but_no_other_metadata() {
        let r = Record {
            url: "/a/".into(),
            title: "A & B".into(),
            body: "<p>x</p>".into(),
            filters: BTreeMap::from([(
                "party".into(),
                vec!["China".into(), "Côte, d’Ivoire".into()],
            )]),
            shown: BTreeMap::from([("date".into(), "2015-10-22".into())]),
            sort: BTreeMap::from([("date".into(), "2015-10-22".into())]),
        };
        let h = r.to_html("en");
        assert!(
            h.contains(r#"<meta data-pagefind-meta="title[content]" content="A &amp; B">"#),
            "{h}"
        );
        assert!(
            h.contains(r#"<meta data-pagefind-filter="party[content]" content="Côte, d’Ivoire">"#),
            "{h}"
        );
        assert!(
            h.contains(r#"<meta data-pagefind-filter="_date[content]" content="2015-10-22">"#),
            "{h}"
        );
        assert!(
            h.contains(r#"<meta data-pagefind-sort="date[content]" content="2015-10-22">"#),
            "{h}"
        );
        assert_eq!(h.matches("data-pagefind-meta").count(), 1, "{h}");
        assert!(
            h.ends_with("<main data-pagefind-body><p>x</p></main></body></html>"),
            "{h}"
        );
    }
}
