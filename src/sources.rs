//! `annals check --sources`: is every external source still there?
//!
//! The one part of Annals that uses the network, and the one part of `check` that
//! writes (its cache, `.annals-cache/sources.json` under the site root, which git
//! ignores). It probes every external URL in front matter — reports' `source.url`,
//! agreements' `text_url`, notes' `sources` — with bounded concurrency, a minimum
//! interval between requests to one host, timeouts and retries with backoff, and
//! reports dead or moved sources as warnings at the URL's `file:line:col`.
//! A server that refuses robots (401, 403, 429, a bot challenge) says nothing
//! about the page: those are "unknown", listed in the summary, never "dead".

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Severity};
use crate::resolve::Archive;

/// How the checker behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Time allowed for one request, connection included.
    pub timeout: Duration,
    /// Further tries after a timeout, a refused connection or a 5xx answer.
    pub retries: u32,
    /// The wait before the first retry; it doubles for each further one.
    pub backoff: Duration,
    /// The least time between two requests to one host.
    pub per_host_interval: Duration,
    /// How long a cached result is trusted.
    pub max_age: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            concurrency: 8,
            timeout: Duration::from_secs(15),
            retries: 2,
            backoff: Duration::from_millis(500),
            per_host_interval: Duration::from_millis(500),
            max_age: Duration::from_secs(24 * 3600),
        }
    }
}

/// What one URL's check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
pub enum Verdict {
    /// Answered 2xx (after temporary redirects, if any).
    Ok,
    /// Permanently redirected (301, 308) to another address.
    Moved {
        /// Where it points now.
        to: String,
    },
    /// Gone: 404 or 410, or the host does not exist or refuses connections.
    Dead {
        /// What happened.
        why: String,
    },
    /// Failing: a server error or no answer, still after retries.
    Failing {
        /// What happened.
        why: String,
    },
    /// The server would not say (401, 403, 429, a bot challenge): a person should look.
    Unknown {
        /// What happened.
        why: String,
    },
}

/// Where a URL is used: a positioned diagnostic to fill in, and whether that
/// place already names an archived copy.
struct Use {
    url: String,
    at: Diagnostic,
    has_archive: bool,
}

/// Every external URL in the archive's front matter, with its position.
fn collect(a: &Archive) -> Vec<Use> {
    let mut uses = vec![];
    let c = &a.content;
    for e in &c.articles {
        uses.push(Use {
            url: e.meta.source.url.clone(),
            at: e.error_at("source.url", ""),
            has_archive: e.meta.source.archived.is_some(),
        });
        for (i, an) in e.meta.annotations.iter().enumerate() {
            for (j, s) in an.sources.iter().enumerate() {
                let path = if s.archived.is_some() {
                    format!("annotations.{i}.sources.{j}.url")
                } else {
                    format!("annotations.{i}.sources.{j}")
                };
                uses.push(Use {
                    url: s.url.clone(),
                    at: e.error_at(&path, ""),
                    has_archive: s.archived.is_some(),
                });
            }
        }
    }
    for e in &c.agreements {
        uses.push(Use {
            url: e.meta.text_url.clone(),
            at: e.error_at("text_url", ""),
            has_archive: e.meta.text_archived.is_some(),
        });
    }
    uses.retain(|u| u.url.starts_with("https://") || u.url.starts_with("http://"));
    uses
}

/// One cached result.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Cached {
    /// When it was checked, in seconds since the Unix epoch.
    checked: u64,
    #[serde(flatten)]
    verdict: Verdict,
}

/// The cache file's contents.
#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    /// Bumped when the format or the meaning of a verdict changes.
    version: u32,
    /// URL → last result.
    checks: BTreeMap<String, Cached>,
}

const CACHE_VERSION: u32 = 1;

/// `.annals-cache/sources.json` under the site root.
pub fn cache_path(root: &Path) -> PathBuf {
    root.join(".annals-cache").join("sources.json")
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn read_cache(path: &Path) -> CacheFile {
    // Under the one rule for files read from a site (the cache sits in it):
    // inside the root, a regular file, bounded.
    let root = path
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("."));
    crate::content::files::read(root, path, 64 * 1024 * 1024)
        .ok()
        .and_then(|b| serde_json::from_slice::<CacheFile>(&b).ok())
        .filter(|c| c.version == CACHE_VERSION)
        .unwrap_or_default()
}

fn write_cache(path: &Path, cache: &CacheFile) -> std::io::Result<()> {
    let dir = path.parent().expect("cache path has a parent");
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(".sources.json.tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(cache)?)?;
    std::fs::rename(tmp, path)
}

/// The outcome of a run, for the summary line.
#[derive(Debug, Default)]
pub struct Report {
    /// Warnings for dead, moved and failing sources, at each place they are used.
    pub diagnostics: Vec<Diagnostic>,
    /// Distinct URLs checked over the network in this run.
    pub probed: usize,
    /// Distinct URLs answered from the cache.
    pub cached: usize,
    /// Count of distinct URLs per verdict name.
    pub counts: BTreeMap<&'static str, usize>,
    /// URLs whose state is unknown, with why.
    pub unknown: Vec<(String, String)>,
}

impl Report {
    /// One line for the end of the run.
    pub fn summary(&self) -> String {
        let total: usize = self.counts.values().sum();
        let parts: Vec<String> = self
            .counts
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        format!(
            "checked {total} source URLs ({} over the network, {} from the cache): {}",
            self.probed,
            self.cached,
            if parts.is_empty() {
                "none".to_string()
            } else {
                parts.join(", ")
            }
        )
    }
}

fn verdict_name(v: &Verdict) -> &'static str {
    match v {
        Verdict::Ok => "ok",
        Verdict::Moved { .. } => "moved",
        Verdict::Dead { .. } => "dead",
        Verdict::Failing { .. } => "failing",
        Verdict::Unknown { .. } => "unknown",
    }
}

/// Checks every external source of the archive, using and refreshing the cache
/// under `root`.
pub fn check(a: &Archive, root: &Path, opts: &Options) -> Report {
    let uses = collect(a);
    let cache_file = cache_path(root);
    let mut cache = read_cache(&cache_file);
    let now = now_secs();
    let mut urls: Vec<&str> = uses.iter().map(|u| u.url.as_str()).collect();
    urls.sort_unstable();
    urls.dedup();
    let mut results: HashMap<String, Verdict> = HashMap::new();
    let mut todo = vec![];
    for url in urls {
        match cache.checks.get(url) {
            Some(c) if now.saturating_sub(c.checked) < opts.max_age.as_secs() => {
                results.insert(url.to_string(), c.verdict.clone());
            }
            _ => todo.push(url.to_string()),
        }
    }
    let mut report = Report {
        cached: results.len(),
        probed: todo.len(),
        ..Report::default()
    };
    for (url, verdict) in probe_all(&todo, opts) {
        cache.checks.insert(
            url.clone(),
            Cached {
                checked: now_secs(),
                verdict: verdict.clone(),
            },
        );
        results.insert(url, verdict);
    }
    cache.version = CACHE_VERSION;
    if let Err(e) = write_cache(&cache_file, &cache) {
        report.diagnostics.push(Diagnostic::warning(
            &cache_file,
            format!("cannot write the source-check cache: {e}"),
        ));
    }
    let mut names: Vec<&String> = results.keys().collect();
    names.sort();
    for url in names {
        let v = &results[url];
        *report.counts.entry(verdict_name(v)).or_default() += 1;
        if let Verdict::Unknown { why } = v {
            report.unknown.push((url.clone(), why.clone()));
        }
    }
    for u in &uses {
        let Some(v) = results.get(&u.url) else {
            continue;
        };
        let archive_hint = |d: Diagnostic| {
            if u.has_archive {
                d.with_hint(
                    "readers are offered the archived copy; consider linking another live source",
                )
            } else {
                d.with_hint(format!(
                    "add `archived:` with a snapshot of it (https://web.archive.org/web/*/{})",
                    u.url
                ))
            }
        };
        let message = |m: String| {
            let mut d = u.at.clone();
            d.severity = Severity::Warning;
            d.message = m;
            d
        };
        match v {
            Verdict::Ok | Verdict::Unknown { .. } => {}
            Verdict::Moved { to } => report.diagnostics.push(
                message(format!(
                    "source `{}` has moved permanently to `{to}`",
                    u.url
                ))
                .with_hint("link the new address (check it is still the same document)"),
            ),
            Verdict::Dead { why } => report.diagnostics.push(archive_hint(message(format!(
                "source `{}` is dead: {why}",
                u.url
            )))),
            Verdict::Failing { why } => report.diagnostics.push(archive_hint(message(format!(
                "source `{}` is failing: {why}",
                u.url
            )))),
        }
    }
    report
}

/// Probes `urls` with at most `opts.concurrency` requests in flight and at
/// least `opts.per_host_interval` between two requests to one host.
fn probe_all(urls: &[String], opts: &Options) -> Vec<(String, Verdict)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!(
            "annals-source-check/",
            env!("CARGO_PKG_VERSION"),
            " (+https://github.com/)"
        ))
        .build()
        .into();
    let next = Mutex::new(0usize);
    let hosts: Mutex<HashMap<String, Instant>> = Mutex::new(HashMap::new());
    let out = Mutex::new(Vec::with_capacity(urls.len()));
    let workers = opts.concurrency.clamp(1, urls.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    let i = *n;
                    *n += 1;
                    i
                };
                let Some(url) = urls.get(i) else { break };
                let v = probe(&agent, url, opts, &hosts);
                out.lock().unwrap().push((url.clone(), v));
            });
        }
    });
    let mut out = out.into_inner().unwrap();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Waits until `host` may be asked again, then books the next slot.
fn wait_for_host(hosts: &Mutex<HashMap<String, Instant>>, host: &str, gap: Duration) {
    let wait = {
        let mut h = hosts.lock().unwrap();
        let now = Instant::now();
        let slot = h.get(host).copied().filter(|t| *t > now).unwrap_or(now);
        h.insert(host.to_string(), slot + gap);
        slot - now
    };
    if !wait.is_zero() {
        std::thread::sleep(wait);
    }
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Resolves a `Location` header against the URL that sent it.
fn resolve_location(base: &str, loc: &str) -> String {
    if loc.contains("://") {
        return loc.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if let Some(p) = loc.strip_prefix("//") {
        format!("{scheme}://{p}")
    } else if loc.starts_with('/') {
        format!("{scheme}://{host}{loc}")
    } else {
        let dir = match base.rfind('/') {
            Some(i) if i > scheme.len() + 2 => &base[..=i],
            _ => base,
        };
        format!("{dir}{loc}")
    }
}

/// What one request answered.
enum Answer {
    Status(u16, Option<String>, bool),
    Error(ureq::Error),
}

fn request(agent: &ureq::Agent, url: &str) -> Answer {
    match agent.get(url).call() {
        Ok(resp) => {
            let h = resp.headers();
            let location = h
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            // Cloudflare and similar front doors mark their challenges.
            let cloudflare = h
                .get("server")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|s| s.to_ascii_lowercase().contains("cloudflare"));
            let challenge = h.contains_key("cf-mitigated")
                || (cloudflare && matches!(resp.status().as_u16(), 403 | 503));
            Answer::Status(resp.status().as_u16(), location, challenge)
        }
        Err(e) => Answer::Error(e),
    }
}

/// Checks one URL, following up to five temporary redirects.
fn probe(
    agent: &ureq::Agent,
    url: &str,
    opts: &Options,
    hosts: &Mutex<HashMap<String, Instant>>,
) -> Verdict {
    let mut current = url.to_string();
    let mut moved_to: Option<String> = None;
    for _hop in 0..6 {
        let mut attempt = 0;
        let answer = loop {
            wait_for_host(hosts, &host_of(&current), opts.per_host_interval);
            let a = request(agent, &current);
            let retry = match &a {
                Answer::Status(code, _, challenge) => *code >= 500 && !challenge,
                Answer::Error(e) => matches!(
                    e,
                    ureq::Error::Timeout(_) | ureq::Error::Io(_) | ureq::Error::ConnectionFailed
                ),
            };
            if !retry || attempt >= opts.retries {
                break a;
            }
            std::thread::sleep(opts.backoff * 2u32.pow(attempt));
            attempt += 1;
        };
        let tries = attempt + 1;
        let after = if tries > 1 {
            format!(" (after {tries} tries)")
        } else {
            String::new()
        };
        match answer {
            Answer::Status(code, location, challenge) => match code {
                200..=299 => {
                    return match moved_to {
                        Some(to) => Verdict::Moved { to },
                        None => Verdict::Ok,
                    }
                }
                301 | 308 | 302 | 303 | 307 => {
                    let Some(loc) = location else {
                        return Verdict::Failing {
                            why: format!("redirect {code} without a Location"),
                        };
                    };
                    let next = resolve_location(&current, &loc);
                    if matches!(code, 301 | 308) && moved_to.is_none() && current == url {
                        moved_to = Some(next.clone());
                    }
                    current = next;
                }
                404 | 410 => {
                    return Verdict::Dead {
                        why: format!("HTTP {code}{}", status_text(code)),
                    }
                }
                401 | 403 | 429 | 999 => {
                    return Verdict::Unknown {
                        why: format!(
                            "HTTP {code}{}{}",
                            status_text(code),
                            if challenge { " (a bot challenge)" } else { "" }
                        ),
                    }
                }
                _ if challenge => {
                    return Verdict::Unknown {
                        why: format!("HTTP {code} (a bot challenge)"),
                    }
                }
                500..=599 => {
                    return Verdict::Failing {
                        why: format!("HTTP {code}{}{after}", status_text(code)),
                    }
                }
                _ => {
                    return Verdict::Unknown {
                        why: format!("HTTP {code}"),
                    }
                }
            },
            Answer::Error(e) => {
                return match e {
                    ureq::Error::Timeout(_) => Verdict::Failing {
                        why: format!("no answer within {:?}{after}", opts.timeout),
                    },
                    ureq::Error::HostNotFound => Verdict::Dead {
                        why: "the host does not exist".into(),
                    },
                    ureq::Error::ConnectionFailed | ureq::Error::Io(_) => Verdict::Dead {
                        why: format!("cannot connect: {e}{after}"),
                    },
                    other => Verdict::Unknown {
                        why: other.to_string(),
                    },
                }
            }
        }
    }
    Verdict::Failing {
        why: "too many redirects".into(),
    }
}

fn status_text(code: u16) -> &'static str {
    match code {
        401 => " Unauthorized",
        403 => " Forbidden",
        404 => " Not Found",
        410 => " Gone",
        429 => " Too Many Requests",
        500 => " Internal Server Error",
        502 => " Bad Gateway",
        503 => " Service Unavailable",
        504 => " Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_against_the_redirecting_url() {
        let b = "https://ex.org/a/b?q=1";
        assert_eq!(resolve_location(b, "/c"), "https://ex.org/c");
        assert_eq!(resolve_location(b, "c"), "https://ex.org/a/c");
        assert_eq!(resolve_location(b, "//cdn.org/x"), "https://cdn.org/x");
        assert_eq!(resolve_location(b, "http://y.org/"), "http://y.org/");
    }

    #[test]
    fn hosts_are_compared_without_case_or_path() {
        assert_eq!(host_of("https://Ex.ORG:8080/a?b"), "ex.org:8080");
    }
}
