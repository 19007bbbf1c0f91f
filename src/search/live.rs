//! Search in the live server (`annals serve`): an edit is findable at once.
//!
//! Re-indexing a year's shard takes about as long as Pagefind needs for a few
//! hundred records, too long to wait for after every save. With overlays on
//! (the server turns them on for its site, [`use_overlays`]), a rebuild that
//! finds a shard's records changed does not re-index the shard: it keeps the
//! shard's previous files, indexes only the changed records into a small
//! Pagefind bundle, `pagefind/overlay/`, and lists in `pagefind/shards.json`
//! the previous shard's pages they replace (Pagefind page ids), which
//! `static/search.js` leaves out. The shard's new records are kept as pending;
//! [`finish_pending`] indexes them off the session lock, after which the server
//! renders the index again: every shard then comes from the cache, the overlay
//! is gone, and the index is byte for byte a clean build's.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::shard::{self, Digests, ShardCache};
use super::Record;
use crate::render::Output;

/// The records of the last rendering of the index, by URL, with their
/// digests (live server only).
pub type Kept = HashMap<String, (Arc<Record>, shard::Digest20)>;

/// Records of the last rendering, by site root (live server only).
static KEPT: Mutex<Option<HashMap<PathBuf, Kept>>> = Mutex::new(None);

/// Takes the records the last rendering of the site at `root` kept, if the
/// process keeps shards in memory (the live server).
pub(super) fn take_kept(root: &Path) -> Option<Kept> {
    if !shard::in_memory() {
        return None;
    }
    KEPT.lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .remove(root)
}

/// Keeps this rendering's records for the next (live server only).
pub(super) fn put_kept(root: &Path, kept: Kept) {
    if shard::in_memory() {
        KEPT.lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert_with(HashMap::new)
            .insert(root.to_path_buf(), kept);
    }
}

/// Ids of the routes re-rendered since the index last rendered, by site root
/// (live server only; see [`note_changed`]).
static CHANGED: Mutex<Option<HashMap<PathBuf, HashSet<String>>>> = Mutex::new(None);

/// Tells the next rendering of the index of the site at `root` that the
/// routes `ids` (as [`crate::render::plan::route_id`] names them) were
/// rendered again: their entries' records are built anew, and every other
/// entry keeps the record of the last rendering. Without it, every record is
/// built anew. The live server calls it with each batch of modules it renders.
pub fn note_changed(root: &Path, ids: HashSet<String>) {
    CHANGED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .entry(root.to_path_buf())
        .or_default()
        .extend(ids);
}

/// Takes what [`note_changed`] gathered for `root`.
pub(super) fn take_changed(root: &Path) -> Option<HashSet<String>> {
    CHANGED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .remove(root)
}

/// Folder (under `pagefind/`) of the overlay bundle.
pub const OVERLAY: &str = "overlay";

/// A shard whose new records wait to be indexed.
pub(super) struct Pending {
    pub stamp: String,
    pub digests: Digests,
    pub records: Vec<Arc<Record>>,
    pub language: String,
}

/// Site roots whose rebuilds use overlays.
static OVERLAYS: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
/// Pending shards, by site root and key.
static PENDING: Mutex<Option<HashMap<PathBuf, BTreeMap<String, Pending>>>> = Mutex::new(None);

/// From now on, rebuilds of the site at `root` (as its session names it)
/// answer a changed shard with an overlay and leave the shard pending, for
/// [`finish_pending`]. Only the live server does this; a build never does.
pub fn use_overlays(root: &Path) {
    shard::keep_shards_in_memory();
    OVERLAYS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashSet::new)
        .insert(root.to_path_buf());
}

pub(super) fn overlays_on(root: &Path) -> bool {
    OVERLAYS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .is_some_and(|s| s.contains(root))
}

fn pending<T>(f: impl FnOnce(&mut HashMap<PathBuf, BTreeMap<String, Pending>>) -> T) -> T {
    let mut m = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    f(m.get_or_insert_with(HashMap::new))
}

/// Whether shards of the site at `root` wait to be indexed (an overlay stands
/// in for them).
pub fn has_pending(root: &Path) -> bool {
    pending(|m| m.get(root).is_some_and(|p| !p.is_empty()))
}

pub(super) fn set_pending(root: &Path, key: &str, p: Pending) {
    pending(|m| {
        m.entry(root.to_path_buf())
            .or_default()
            .insert(key.to_string(), p)
    });
}

pub(super) fn clear_pending(root: &Path, key: &str) {
    pending(|m| m.get_mut(root).map(|p| p.remove(key)));
}

pub(super) fn retain_pending(root: &Path, keys: &[String]) {
    pending(|m| m.get_mut(root).map(|p| p.retain(|k, _| keys.contains(k))));
}

/// Indexes the shards pending for the site at `root` (in parallel) and keeps
/// them in the cache, so that the next rendering of the index takes them from
/// there and needs no overlay. Returns their keys, sorted. Runs without the
/// session: the live server calls it on a thread of its own after a rebuild
/// that left shards pending, then renders the index again.
pub fn finish_pending(root: &Path) -> Vec<String> {
    let todo: Vec<(String, Pending)> =
        pending(|m| m.remove(root).unwrap_or_default().into_iter().collect());
    let cache = ShardCache::for_root(root);
    let mut done: Vec<String> = super::in_flight(todo, |(key, p)| {
        let files = Arc::new(shard::build(&p.language, &p.records).ok()?);
        cache.put(&key, &p.stamp, &files, &p.digests);
        cache.note_built(&key);
        Some(key)
    })
    .into_iter()
    .flatten()
    .collect();
    done.sort();
    done
}

/// The Pagefind page ids (fragment names) of the pages at `urls` in a shard's
/// `files`.
pub(super) fn page_ids(files: &[Output], urls: &HashSet<&str>) -> Vec<String> {
    let mut ids: Vec<String> = files
        .par_iter()
        .filter_map(|f| {
            let id = f
                .path
                .strip_prefix("fragment/")?
                .strip_suffix(".pf_fragment")?;
            let url = fragment_url(&f.bytes)?;
            urls.contains(url.as_str()).then(|| id.to_string())
        })
        .collect();
    ids.sort();
    ids
}

/// The `url` of a Pagefind fragment (gzipped `pagefind_dcd` + JSON).
#[cfg(feature = "search")]
fn fragment_url(gz: &[u8]) -> Option<String> {
    use std::io::Read as _;
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut text)
        .ok()?;
    let json = text.strip_prefix(b"pagefind_dcd")?;
    let v: serde_json::Value = serde_json::from_slice(json).ok()?;
    v.get("url")?.as_str().map(str::to_string)
}

#[cfg(not(feature = "search"))]
fn fragment_url(_gz: &[u8]) -> Option<String> {
    None
}
