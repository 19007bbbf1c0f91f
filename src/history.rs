//! Revision history from git: when each content file last changed, and how.
//!
//! Read in one pass over the whole history (`git log --name-only`, one process
//! for the site, never one per file). Without a git checkout, or in a shallow
//! clone (whose oldest commit would pose as the creation of every file, giving
//! plausible but false dates), there is no history and the caller says so once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One commit that touched a file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// Full commit hash.
    pub hash: String,
    /// Commit date, `YYYY-MM-DD` (committer date, in the committer's time zone).
    pub date: String,
    /// The commit's subject line.
    pub subject: String,
}

/// Each content file's changes, newest first, keyed by its path relative to the
/// site root (`content/articles/x.md`).
#[derive(Debug, Clone, Default)]
pub struct History {
    files: HashMap<PathBuf, Vec<Change>>,
}

impl History {
    /// The changes of one file (relative to the site root), newest first.
    pub fn of(&self, rel: &Path) -> &[Change] {
        self.files.get(rel).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether any history was read.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Why there is no history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// `git` is not installed or the root is not in a git work tree.
    NotACheckout,
    /// A shallow clone: dates would be false.
    Shallow,
}

impl Missing {
    /// One line for the build's output.
    pub fn note(&self) -> &'static str {
        match self {
            Missing::NotACheckout => {
                "note: not a git checkout, so pages show no revision history"
            }
            Missing::Shallow => {
                "note: a shallow git clone, so pages show no revision history (its dates would be false; clone with full history, e.g. actions/checkout with fetch-depth: 0)"
            }
        }
    }
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Reads the history of every file under `content/` of the site at `root`.
pub fn read(root: &Path) -> Result<History, Missing> {
    let Some(inside) = git(root, &["rev-parse", "--is-inside-work-tree"]) else {
        return Err(Missing::NotACheckout);
    };
    if inside.trim() != "true" {
        return Err(Missing::NotACheckout);
    }
    if git(root, &["rev-parse", "--is-shallow-repository"]).is_some_and(|s| s.trim() == "true") {
        return Err(Missing::Shallow);
    }
    // Paths in `git log` are relative to the repository's top; the site root
    // may be a folder inside it.
    let prefix = git(root, &["rev-parse", "--show-prefix"]).unwrap_or_default();
    let prefix = prefix.trim_end_matches('\n');
    // A repository with no commit yet has no history (not an error).
    let Some(log) = git(
        root,
        &[
            "log",
            "--no-renames",
            "--name-only",
            "-z",
            "--format=%x1e%H%x1f%cs%x1f%s",
            "--",
            "content",
        ],
    ) else {
        return Ok(History::default());
    };
    Ok(parse(&log, prefix))
}

/// Parses `git log -z --name-only --format=%x1e%H%x1f%cs%x1f%s` output.
fn parse(log: &str, prefix: &str) -> History {
    let mut files: HashMap<PathBuf, Vec<Change>> = HashMap::new();
    for record in log.split('\x1e').filter(|r| !r.is_empty()) {
        // The header ends at the first NUL (-z ends the format line with one,
        // before the blank line and the file names).
        let (header, names) = record.split_once('\0').unwrap_or((record, ""));
        let mut f = header.splitn(3, '\x1f');
        let (Some(hash), Some(date), Some(subject)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let change = Change {
            hash: hash.to_string(),
            date: date.to_string(),
            subject: subject.trim().to_string(),
        };
        for name in names.split('\0').map(|n| n.trim_start_matches('\n')) {
            if name.is_empty() {
                continue;
            }
            let Some(rel) = name.strip_prefix(prefix) else {
                continue;
            };
            files
                .entry(PathBuf::from(rel))
                .or_default()
                .push(change.clone());
        }
    }
    History { files }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commits_with_their_files_newest_first() {
        let log = "\x1eaaa\x1f2026-02-01\x1fFix a date\0\ncontent/articles/a.md\0content/parties/us.md\0\x1ebbb\x1f2025-12-24\x1fAdd a report\0\ncontent/articles/a.md\0";
        let h = parse(log, "");
        let a = h.of(Path::new("content/articles/a.md"));
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].hash, "aaa");
        assert_eq!(a[0].date, "2026-02-01");
        assert_eq!(a[1].subject, "Add a report");
        assert_eq!(h.of(Path::new("content/parties/us.md")).len(), 1);
    }

    #[test]
    fn keeps_only_files_under_the_site_root() {
        let log = "\x1eaaa\x1f2026-02-01\x1fx\0\nsite/content/a.md\0other/content/b.md\0";
        let h = parse(log, "site/");
        assert_eq!(h.of(Path::new("content/a.md")).len(), 1);
        assert!(h.of(Path::new("content/b.md")).is_empty());
    }
}
