//! The search index in shards: which shard a record belongs to, the content-keyed
//! shard cache, and building one shard's Pagefind index.
//!
//! Every record with a date goes to the shard of its year (`2015`); a year with
//! more than [`SHARD_MAX`] records is split into calendar months (`2015-10`).
//! Records without a date (parties, free-standing pages) share the shard
//! [`UNDATED`]. The key depends only on a record's own date, so adding a report
//! changes only the shard of its year (or month): every other shard keeps its
//! records, its bytes and its cache entry. Shards are disjoint date ranges, so a
//! date-sorted search is exact by reading shards newest first (`static/search.js`).
//!
//! Each shard is a complete Pagefind bundle under `pagefind/<key>/`, built on its
//! own (in parallel, at most one per search thread in flight, records included,
//! so memory follows the shards in flight rather than the archive) and merged in the reader's
//! browser with Pagefind's `mergeIndex`.
//!
//! The cache keeps each shard's files in `.annals-cache/search/<key>.shard` under
//! the site root, named by shard and stamped with a SHA-1 of everything the bytes
//! depend on (the Pagefind version, the settings below, the language and every
//! record's document), with a checksum of the contents: an entry whose stamp or
//! checksum does not match is rebuilt, never trusted. The folder is safe to delete.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha1::{Digest, Sha1};

use super::Record;
use crate::render::Output;

/// A year with more records than this is split into months.
pub const SHARD_MAX: usize = 2_000;
/// Key of the shard of records without a date.
pub const UNDATED: &str = "undated";
/// Pagefind's index chunk size (word locations per chunk) in every shard. A
/// search loads each shard's list of chunks (in its metadata, about 11 bytes
/// a chunk gzipped) and one chunk per word (about 1.8 bytes a location), so
/// smaller chunks trade metadata for chunk bytes; Pagefind's default is
/// 20,000. Chunk bounds also decide which shorter words Pagefind falls back to
/// for a term no word starts with (see `static/search.js`), so a change here
/// needs the ranking browser test.
pub const INDEX_CHUNK_SIZE: usize = 2_500;
/// The Pagefind crate's version (checked against Cargo.lock by a test): a cached
/// shard is never reused across Pagefind versions.
pub const PAGEFIND_VERSION: &str = "1.6.0";
/// Bump when anything else that shapes a shard's bytes changes.
const FORMAT: &str = "annals-search-shard 3";
/// Set `ANNALS_SEARCH_SINGLE=1` to put every record in one shard (`all`): the
/// reference the sharded index's ranking is compared with in the tests.
pub const SINGLE_ENV: &str = "ANNALS_SEARCH_SINGLE";

/// The records of one shard (or what they are built from), in archive order.
#[derive(Debug)]
pub struct Shard<T = Arc<Record>> {
    /// Folder name under `pagefind/`: a year, a year-month, or [`UNDATED`].
    pub key: String,
    /// The shard's records.
    pub records: Vec<T>,
}

/// What the search page needs to know of a shard to rank across shards: the
/// pages Pagefind indexed and their words (Pagefind's average page length is
/// `words / pages`). Kept in the cache entry as the file [`STATS`], which is
/// not written to the site.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Pages in the shard's index.
    pub pages: u64,
    /// Words of those pages, as Pagefind counts them.
    pub words: u64,
}

/// The list of shards written at the top of `pagefind/`.
pub const LIST: &str = "shards.json";

/// Name of the stats entry among a shard's files.
pub const STATS: &str = ".annals-stats";

impl Stats {
    fn to_output(self) -> Output {
        Output {
            path: STATS.into(),
            bytes: format!("{} {}", self.pages, self.words).into_bytes(),
        }
    }

    /// Reads the stats entry of a shard's files.
    pub fn of(files: &[Output]) -> Stats {
        let text = files
            .iter()
            .find(|f| f.path == STATS)
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .unwrap_or_default();
        let mut it = text.split(' ').map(|n| n.parse().unwrap_or(0));
        Stats {
            pages: it.next().unwrap_or(0),
            words: it.next().unwrap_or(0),
        }
    }
}

/// Splits `records` into shards by the ISO date `date` gives each (none for an
/// undated record), newest first and [`UNDATED`] last (the order
/// `static/search.js` reads them in for a date-sorted search), each in the
/// order given.
pub fn split<T>(records: Vec<T>, date: impl Fn(&T) -> Option<&str>) -> Vec<Shard<T>> {
    if std::env::var_os(SINGLE_ENV).is_some_and(|v| v != "0") {
        return vec![Shard {
            key: "all".into(),
            records,
        }];
    }
    let year = |d: &str| -> String { d.split('-').next().unwrap_or(d).to_string() };
    let mut per_year: HashMap<String, usize> = HashMap::new();
    for r in &records {
        if let Some(d) = date(r) {
            *per_year.entry(year(d)).or_default() += 1;
        }
    }
    let mut shards: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for r in records {
        let key = match date(&r) {
            Some(d) => {
                let y = year(d);
                if per_year[&y] > SHARD_MAX {
                    d.get(..y.len() + 3).unwrap_or(d).to_string()
                } else {
                    y
                }
            }
            None => UNDATED.to_string(),
        };
        shards.entry(key).or_default().push(r);
    }
    let undated = shards.remove(UNDATED);
    let mut out: Vec<Shard<T>> = shards
        .into_iter()
        .rev()
        .map(|(key, records)| Shard { key, records })
        .collect();
    if let Some(records) = undated {
        out.push(Shard {
            key: UNDATED.into(),
            records,
        });
    }
    out
}

/// A SHA-1 of one record: everything its Pagefind document is made of.
pub type Digest20 = [u8; 20];

/// The stamp of a shard (a SHA-1 of everything its bytes depend on) and the
/// digest of each of its records, in order. A record's digest covers every
/// field [`Record::to_html`] reads, so two records with the same digest give
/// Pagefind the same document; the stamp covers the digests with the settings.
/// A record found unchanged in `kept` (the live server's records of the last
/// rendering) keeps its digest.
pub fn fingerprint(
    shard: &Shard,
    language: &str,
    kept: Option<&super::live::Kept>,
) -> (String, Vec<Digest20>) {
    use rayon::prelude::*;
    let digests: Vec<Digest20> = shard
        .records
        .par_iter()
        .with_min_len(16)
        .map(|r| match kept.and_then(|k| k.get(&r.url)) {
            Some((old, d)) if Arc::ptr_eq(old, r) || old == r => *d,
            _ => record_digest(r),
        })
        .collect();
    let mut h = Sha1::new();
    for part in [
        FORMAT,
        PAGEFIND_VERSION,
        &INDEX_CHUNK_SIZE.to_string(),
        language,
        &shard.key,
    ] {
        h.update(part.len().to_le_bytes());
        h.update(part.as_bytes());
    }
    for d in &digests {
        h.update(d);
    }
    (hex(&h.finalize()), digests)
}

fn record_digest(r: &Record) -> Digest20 {
    let mut h = Sha1::new();
    let mut part = |s: &str| {
        h.update(s.len().to_le_bytes());
        h.update(s.as_bytes());
    };
    part(&r.url);
    part(&r.title);
    part(&r.body);
    for (name, map) in [("shown", &r.shown), ("sort", &r.sort)] {
        part(name);
        for (k, v) in map {
            part(k);
            part(v);
        }
    }
    part("filters");
    for (k, vs) in &r.filters {
        part(k);
        for v in vs {
            part(v);
        }
        part("");
    }
    h.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Each record's URL and digest, in shard order (see [`fingerprint`]).
pub type Digests = Arc<Vec<(String, Digest20)>>;

/// A shard kept in memory: its stamp, its files and its records' digests.
#[derive(Clone)]
pub struct Cached {
    /// The stamp the files were built for.
    pub stamp: String,
    /// The shard's files.
    pub files: Arc<Vec<Output>>,
    /// The digests of the records the files were built from.
    pub digests: Digests,
}

/// Shard files kept between builds: on disk under the site root and, in the
/// live server, in memory too (see [`keep_shards_in_memory`]).
pub struct ShardCache {
    root: PathBuf,
    dir: PathBuf,
}

/// The cache folder under a site root.
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(".annals-cache").join("search")
}

static IN_MEMORY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// Shards kept in memory, by site root and key (live server only).
static MEMORY: Mutex<Option<HashMap<(PathBuf, String), Cached>>> = Mutex::new(None);
/// Shards indexed anew, by site root, since [`take_built`] last took them.
static BUILT: Mutex<Option<HashMap<PathBuf, Vec<String>>>> = Mutex::new(None);

/// Keeps every shard in memory as well as on disk, for the rest of the
/// process (the live server, which re-reads them after every edit).
pub fn keep_shards_in_memory() {
    IN_MEMORY.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether shards are kept in memory (see [`keep_shards_in_memory`]).
pub fn in_memory() -> bool {
    IN_MEMORY.load(std::sync::atomic::Ordering::Relaxed)
}

/// The shards of the site at `root` indexed anew (not taken from the cache)
/// since the last call, sorted: what a rebuild re-indexed.
pub fn take_built(root: &Path) -> Vec<String> {
    let mut m = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let mut v = m
        .get_or_insert_with(HashMap::new)
        .remove(root)
        .unwrap_or_default();
    v.sort();
    v
}

impl ShardCache {
    /// The cache of the site at `root`.
    pub fn for_root(root: &Path) -> Self {
        ShardCache {
            root: root.to_path_buf(),
            dir: cache_dir(root),
        }
    }

    /// The site root the cache belongs to.
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub(super) fn note_built(&self, key: &str) {
        BUILT
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert_with(HashMap::new)
            .entry(self.root.clone())
            .or_default()
            .push(key.to_string());
    }

    fn memory<T>(&self, f: impl FnOnce(&mut HashMap<(PathBuf, String), Cached>) -> T) -> Option<T> {
        if !IN_MEMORY.load(std::sync::atomic::Ordering::Relaxed) {
            return None;
        }
        let mut m = MEMORY.lock().unwrap_or_else(|e| e.into_inner());
        Some(f(m.get_or_insert_with(HashMap::new)))
    }

    /// The cached files of shard `key` when their stamp is `stamp` (built
    /// from records whose digests are `digests`).
    pub fn get(&self, key: &str, stamp: &str, digests: &Digests) -> Option<Arc<Vec<Output>>> {
        let hit = self
            .memory(|m| {
                m.get(&(self.root.clone(), key.to_string()))
                    .filter(|c| c.stamp == stamp)
                    .map(|c| c.files.clone())
            })
            .flatten();
        if hit.is_some() {
            return hit;
        }
        let files = Arc::new(read_entry(&self.dir.join(format!("{key}.shard")), stamp).ok()??);
        self.remember(key, stamp, &files, digests);
        Some(files)
    }

    /// The version of shard `key` kept in memory, whatever its stamp (live
    /// server only).
    pub fn previous(&self, key: &str) -> Option<Cached> {
        self.memory(|m| m.get(&(self.root.clone(), key.to_string())).cloned())
            .flatten()
    }

    /// Keeps shard `key`'s files; a cache that cannot be written is only slower.
    pub fn put(&self, key: &str, stamp: &str, files: &Arc<Vec<Output>>, digests: &Digests) {
        self.remember(key, stamp, files, digests);
        let _ = write_entry(&self.dir, key, stamp, files);
    }

    fn remember(&self, key: &str, stamp: &str, files: &Arc<Vec<Output>>, digests: &Digests) {
        self.memory(|m| {
            m.insert(
                (self.root.clone(), key.to_string()),
                Cached {
                    stamp: stamp.to_string(),
                    files: files.clone(),
                    digests: digests.clone(),
                },
            )
        });
    }

    /// Forgets shards that no longer exist (their files would never be read again).
    pub fn retain(&self, keys: &[String]) {
        self.memory(|m| m.retain(|(root, k), _| root != &self.root || keys.contains(k)));
        super::live::retain_pending(&self.root, keys);
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(key) = name.strip_suffix(".shard") {
                if !keys.iter().any(|k| k == key) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
}

const MAGIC: &[u8] = b"annals search shard\n";

/// Writes `dir/key.shard`: magic, stamp, then (path, bytes) pairs with lengths,
/// then a SHA-1 of everything before it. Written beside and renamed into place.
fn write_entry(dir: &Path, key: &str, stamp: &str, files: &[Output]) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut buf = Vec::with_capacity(files.iter().map(|f| f.bytes.len() + 64).sum());
    buf.extend_from_slice(MAGIC);
    buf.extend_from_slice(stamp.as_bytes());
    buf.push(b'\n');
    buf.extend_from_slice(&(files.len() as u64).to_le_bytes());
    for f in files {
        buf.extend_from_slice(&(f.path.len() as u64).to_le_bytes());
        buf.extend_from_slice(f.path.as_bytes());
        buf.extend_from_slice(&(f.bytes.len() as u64).to_le_bytes());
        buf.extend_from_slice(&f.bytes);
    }
    let sum = Sha1::digest(&buf);
    buf.extend_from_slice(&sum);
    let tmp = dir.join(format!(".{key}.shard.{}.tmp", std::process::id()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(&buf)?;
    drop(f);
    std::fs::rename(&tmp, dir.join(format!("{key}.shard"))).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Reads an entry written by [`write_entry`]; `Ok(None)` when it is for other
/// inputs, an error when it is damaged.
fn read_entry(path: &Path, stamp: &str) -> io::Result<Option<Vec<Output>>> {
    let mut buf = vec![];
    std::fs::File::open(path)?.read_to_end(&mut buf)?;
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "damaged search cache entry");
    if buf.len() < MAGIC.len() + 20 || !buf.starts_with(MAGIC) {
        return Err(bad());
    }
    let (body, sum) = buf.split_at(buf.len() - 20);
    let mut rest = &body[MAGIC.len()..];
    let line = rest.iter().position(|&b| b == b'\n').ok_or_else(bad)?;
    if &rest[..line] != stamp.as_bytes() {
        return Ok(None);
    }
    if Sha1::digest(body).as_slice() != sum {
        return Err(bad());
    }
    rest = &rest[line + 1..];
    let mut take = |n: usize| -> io::Result<&[u8]> {
        if rest.len() < n {
            return Err(bad());
        }
        let (a, b) = rest.split_at(n);
        rest = b;
        Ok(a)
    };
    let num = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])) as usize;
    let count = num(take(8)?);
    let mut files = Vec::with_capacity(count.min(1 << 20));
    for _ in 0..count {
        let n = num(take(8)?);
        let path = String::from_utf8(take(n)?.to_vec()).map_err(|_| bad())?;
        let n = num(take(8)?);
        let bytes = take(n)?.to_vec();
        files.push(Output { path, bytes });
    }
    Ok(Some(files))
}

/// Builds one shard's Pagefind bundle: its files relative to the shard's
/// folder, sorted by path, without what the search page never loads (Pagefind's
/// UI kits, highlighter and playground).
#[cfg(feature = "search")]
pub fn build(language: &str, records: &[Arc<Record>]) -> Result<Vec<Output>, String> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;

    set_chunk_size();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start the indexing runtime: {e}"))?;
    let files = rt.block_on(async {
        let config = PagefindServiceConfig::builder()
            .force_language(language.to_string())
            .keep_index_url(true)
            .build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| e.to_string())?;
        let mut stats = Stats::default();
        for r in records {
            let added = index
                .add_html_file(None, Some(r.url.clone()), r.to_html(language))
                .await
                .map_err(|e| e.to_string())?;
            if added.page_word_count > 0 {
                stats.pages += 1;
                stats.words += u64::from(added.page_word_count);
            }
        }
        let files = index.get_files().await.map_err(|e| e.to_string())?;
        Ok::<_, String>((files, stats))
    })?;
    let (mut files, stats) = files;
    // The generic WebAssembly is only loaded when there is none for the language.
    let has_lang_wasm = files.iter().any(|f| {
        let n = f.filename.to_string_lossy();
        n.starts_with("wasm.") && n != "wasm.unknown.pagefind"
    });
    files.retain(|f| {
        let name = f.filename.to_string_lossy();
        !(name.starts_with("pagefind-ui")
            || name.starts_with("pagefind-modular-ui")
            || name.starts_with("pagefind-component-ui")
            || name.starts_with("pagefind-highlight")
            || name.starts_with("playground")
            || (has_lang_wasm && name == "wasm.unknown.pagefind"))
    });
    let mut out: Vec<Output> = files
        .into_iter()
        .map(|f| {
            let path = f.filename.to_string_lossy().replace('\\', "/");
            let bytes = if path == "pagefind.js" {
                export_instance(f.contents)
            } else {
                f.contents
            };
            Output { path, bytes }
        })
        .collect();
    out.push(stats.to_output());
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// `static/search.js` runs one Pagefind instance per shard itself (to rank
/// across shards as one index would, see there), so Pagefind's JS also exports
/// its instance class.
#[cfg(feature = "search")]
fn export_instance(js: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&js);
    text.replacen(
        "export{createInstance,",
        "export{PagefindInstance,createInstance,",
        1,
    )
    .into_bytes()
}

/// Pagefind reads its chunk size from the environment only; set it once, before
/// any index is made.
#[cfg(feature = "search")]
fn set_chunk_size() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::env::set_var(
            "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE",
            INDEX_CHUNK_SIZE.to_string(),
        )
    });
}

/// Without the `search` feature there is no index to build.
#[cfg(not(feature = "search"))]
pub fn build(_language: &str, _records: &[Arc<Record>]) -> Result<Vec<Output>, String> {
    Err("this annals was built without the `search` feature".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_date(r: &Arc<Record>) -> Option<&str> {
        r.sort.get("date").map(String::as_str)
    }

    fn rec(url: &str, date: Option<&str>) -> Record {
        Record {
            url: url.into(),
            title: url.into(),
            body: "<p>x</p>".into(),
            filters: BTreeMap::new(),
            shown: BTreeMap::new(),
            sort: date
                .map(|d| BTreeMap::from([("date".to_string(), d.to_string())]))
                .unwrap_or_default(),
        }
    }

    #[test]
    fn shards_are_years_newest_first_with_undated_last() {
        let s = split(
            [
                rec("/a/", Some("2015-10-22")),
                rec("/p/", None),
                rec("/b/", Some("2018-01-02")),
                rec("/c/", Some("2015-01-01")),
            ]
            .map(Arc::new)
            .into(),
            by_date,
        );
        let keys: Vec<(&str, Vec<&str>)> = s
            .iter()
            .map(|s| {
                (
                    s.key.as_str(),
                    s.records.iter().map(|r| r.url.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                ("2018", vec!["/b/"]),
                ("2015", vec!["/a/", "/c/"]),
                ("undated", vec!["/p/"])
            ]
        );
    }

    #[test]
    fn a_year_above_the_limit_is_split_by_month_and_others_are_untouched() {
        let mut v: Vec<Record> = (0..=SHARD_MAX)
            .map(|i| rec(&format!("/{i}/"), Some(["2016-01-05", "2016-02-07"][i % 2])))
            .collect();
        v.push(rec("/z/", Some("2015-03-03")));
        let keys: Vec<String> = split(v.into_iter().map(Arc::new).collect(), by_date)
            .into_iter()
            .map(|s| s.key)
            .collect();
        assert_eq!(keys, ["2016-02", "2016-01", "2015"]);
    }

    #[test]
    fn the_pagefind_version_is_the_one_in_cargo_lock() {
        let lock = include_str!("../../Cargo.lock");
        let at = lock
            .find("name = \"pagefind\"\nversion = \"")
            .expect("pagefind in Cargo.lock");
        let rest = &lock[at + "name = \"pagefind\"\nversion = \"".len()..];
        assert_eq!(&rest[..rest.find('"').unwrap()], PAGEFIND_VERSION);
    }

    #[test]
    fn a_cache_entry_is_read_back_and_never_trusted_for_other_inputs_or_when_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            Output {
                path: "a".into(),
                bytes: vec![1, 2, 3],
            },
            Output {
                path: "index/b".into(),
                bytes: vec![],
            },
        ];
        write_entry(dir.path(), "2015", "stamp1", &files).unwrap();
        let p = dir.path().join("2015.shard");
        assert_eq!(read_entry(&p, "stamp1").unwrap(), Some(files));
        assert_eq!(read_entry(&p, "stamp2").unwrap(), None);
        let mut bytes = std::fs::read(&p).unwrap();
        let n = bytes.len();
        bytes[n - 25] ^= 1;
        std::fs::write(&p, &bytes).unwrap();
        assert!(read_entry(&p, "stamp1").is_err());
        std::fs::write(&p, &bytes[..30]).unwrap();
        assert!(read_entry(&p, "stamp1").is_err());
    }
}
