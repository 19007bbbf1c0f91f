//! Stage 4, write: put the rendered files into a fresh staging folder beside
//! the output, then swap it in. A failed build leaves the previous output
//! untouched, and nothing the generator did not create is ever deleted: the
//! output folder carries a marker file, and a non-empty folder without it is
//! refused.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::render::Output;

/// Name of the marker file in every output folder Annals writes.
pub const MARKER: &str = ".annals-output";

/// Why the output folder cannot be used.
#[derive(Debug)]
pub enum WriteError {
    /// The folder is unsafe to replace (usage error).
    Refused(String),
    /// An I/O failure while writing.
    Io(String),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Refused(m) | WriteError::Io(m) => f.write_str(m),
        }
    }
}

/// Absolute, normalised form of a path that may not exist yet.
fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    // Canonicalize the longest existing ancestor, then re-append the rest.
    let mut existing = abs.clone();
    let mut rest = vec![];
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = fs::canonicalize(&existing).unwrap_or(existing);
    for r in rest.into_iter().rev() {
        if r == ".." {
            out.pop();
        } else if r != "." {
            out.push(r);
        }
    }
    out
}

/// Checks that `out` may be (re)written for the site at `root`.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), WriteError> {
    let root_abs = absolute(root);
    let out_abs = absolute(out);
    if root_abs.starts_with(&out_abs) {
        return Err(WriteError::Refused(format!(
            "refusing to write the site to {}: it is the site root or one of its parent folders",
            out.display()
        )));
    }
    for protected in ["content", "templates", "static"] {
        if out_abs.starts_with(root_abs.join(protected)) {
            return Err(WriteError::Refused(format!(
                "refusing to write the site into {protected}/ ({})",
                out.display()
            )));
        }
    }
    if out_abs.exists() {
        if !out_abs.is_dir() {
            return Err(WriteError::Refused(format!(
                "{} exists and is not a folder",
                out.display()
            )));
        }
        let non_empty = fs::read_dir(&out_abs)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
        if non_empty && !out_abs.join(MARKER).exists() {
            return Err(WriteError::Refused(format!(
                "{} is not empty and was not written by annals (no {MARKER} file); refusing to replace it",
                out.display()
            )));
        }
    }
    Ok(())
}

/// A fresh folder beside the output that files are written into; [`Staging::commit`]
/// swaps it in, and dropping it without committing removes it.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates the staging folder beside `out`. Files of `static/` are not
    /// copied here: they come through [`Staging::write`] like every output,
    /// after [`crate::content::files::static_files`] has vetted them.
    pub fn create(out: &Path) -> Result<Staging, WriteError> {
        let out_abs = absolute(out);
        let parent = out_abs
            .parent()
            .ok_or_else(|| WriteError::Refused("output folder has no parent".into()))?
            .to_path_buf();
        let name = out_abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        fs::create_dir_all(&parent)
            .map_err(|e| WriteError::Io(format!("cannot create {}: {e}", parent.display())))?;
        let pid = std::process::id();
        let staging = Staging {
            dir: parent.join(format!(".{name}.annals-staging-{pid}")),
            old: parent.join(format!(".{name}.annals-old-{pid}")),
            out: out_abs,
            committed: false,
        };
        let _ = fs::remove_dir_all(&staging.dir);
        fs::create_dir_all(&staging.dir)
            .map_err(|e| WriteError::Io(format!("cannot prepare the output folder: {e}")))?;
        Ok(staging)
    }

    /// Writes one rendered file (safe to call from several threads).
    pub fn write(&self, output: &Output) -> io::Result<()> {
        let path = self.dir.join(&output.path);
        // Most files go into a folder that already exists (a report's page
        // and its citation files): try first, make the folder only if missing.
        match fs::write(&path, &output.bytes) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(path, &output.bytes)
            }
            r => r,
        }
    }

    /// Adds the marker and swaps the staging folder in place of the output.
    pub fn commit(mut self) -> Result<(), WriteError> {
        fs::write(
            self.dir.join(MARKER),
            "This folder is written by annals; it is replaced on every build.\n",
        )
        .map_err(|e| WriteError::Io(format!("cannot write the site: {e}")))?;
        if self.out.exists() {
            fs::rename(&self.out, &self.old).map_err(|e| {
                WriteError::Io(format!("cannot replace {}: {e}", self.out.display()))
            })?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.out) {
            let _ = fs::rename(&self.old, &self.out);
            return Err(WriteError::Io(format!(
                "cannot move the new site into place: {e}"
            )));
        }
        self.committed = true;
        let _ = fs::remove_dir_all(&self.old);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Writes `outputs` into `out`, atomically replacing it.
pub fn write_site(out: &Path, outputs: &[Output]) -> Result<(), WriteError> {
    let staging = Staging::create(out)?;
    outputs
        .par_iter()
        .try_for_each(|o| staging.write(o))
        .map_err(|e| WriteError::Io(format!("cannot write the site: {e}")))?;
    staging.commit()
}
