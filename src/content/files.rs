//! The one rule for every file Annals reads from a site, shared by `build`,
//! `check` and `serve`: it must be a regular file whose real path (after
//! every symbolic link, including a top-level `content/`, `static/`,
//! `templates/` or `site.yaml` that is itself a link) lies inside the site
//! root, no larger than the limit for its kind, and it is read through a
//! bounded reader. Devices, pipes and sockets are refused, so `/dev/zero`
//! cannot be read forever and `/etc/passwd` cannot be published.
//!
//! It also decides which files of `static/` may be published: passive types
//! ([`crate::allow::PASSIVE_STATIC_TYPES`]) and the files `site.yaml` names in
//! `static_scripts`; any other file could run script on the site's origin.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// Largest content file (`content/**/*.md`).
pub const MAX_CONTENT_BYTES: u64 = 2 * 1024 * 1024;
/// Largest `site.yaml`.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
/// Largest template.
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;
/// Largest file of `static/`.
pub const MAX_STATIC_BYTES: u64 = 20 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// It does not exist.
    NotFound,
    /// It breaks the rule (outside the root, not a regular file, too large),
    /// or cannot be read: a message and a hint.
    Refused(String, Option<String>),
}

impl ReadError {
    /// The diagnostic for file `rel` (relative to the root).
    pub fn diagnostic(self, rel: &Path) -> Diagnostic {
        match self {
            ReadError::NotFound => Diagnostic::error(rel, "cannot read file: it does not exist"),
            ReadError::Refused(message, hint) => {
                let d = Diagnostic::error(rel, message);
                match hint {
                    Some(h) => d.with_hint(h),
                    None => d,
                }
            }
        }
    }
}

/// A size for messages: `2 MB`, `512 KB`, `300 bytes`.
fn size(n: u64) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MB", n / (1024 * 1024))
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

fn display(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The real path of `path`, refused unless it lies inside the real `root`.
fn inside_root(root: &Path, path: &Path) -> Result<PathBuf, ReadError> {
    let real_root = fs::canonicalize(root)
        .map_err(|e| ReadError::Refused(format!("cannot read the site root: {e}"), None))?;
    let real = match fs::canonicalize(path) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling link is a link, not a missing file.
            return Err(if fs::symlink_metadata(path).is_ok() {
                ReadError::Refused(
                    format!("`{}` is a symbolic link to nothing", display(root, path)),
                    Some("remove the link, or replace it with the file itself".into()),
                )
            } else {
                ReadError::NotFound
            });
        }
        Err(e) => {
            return Err(ReadError::Refused(
                format!("cannot read `{}`: {e}", display(root, path)),
                None,
            ))
        }
    };
    if !real.starts_with(&real_root) {
        return Err(ReadError::Refused(
            format!(
                "`{}` leads outside the site root (to {}) through a symbolic link",
                display(root, path),
                real.display()
            ),
            Some(
                "Annals reads only files inside the site root: copy the file into the site instead of linking to it"
                    .into(),
            ),
        ));
    }
    Ok(real)
}

/// Checks that a top-level folder of the site (`content`, `static`,
/// `templates`) that exists does not lead outside the root.
pub fn check_folder(root: &Path, name: &str) -> Result<(), Diagnostic> {
    let path = root.join(name);
    if fs::symlink_metadata(&path).is_err() {
        return Ok(());
    }
    inside_root(root, &path)
        .map(|_| ())
        .map_err(|e| e.diagnostic(Path::new(name)))
}

/// Reads a file of the site under the one rule, at most `limit` bytes.
pub fn read(root: &Path, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let real = inside_root(root, path)?;
    // A pipe or a device is refused before opening it (opening a pipe
    // waits for a writer).
    let meta = fs::metadata(&real);
    read_checked(root, path, limit, meta, || fs::File::open(&real))
}

/// [`read`] for a path [`walk`] returned. The walk follows no link to a
/// folder and has checked the top-level folder, so a regular file it found
/// (not a link) lies inside the root without looking up its real path (two
/// lookups of every folder on the way for each file): it is opened without
/// following a link, and a link takes the whole rule.
pub fn read_walked(root: &Path, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    #[cfg(unix)]
    if let Ok(meta) = fs::symlink_metadata(path) {
        use std::os::unix::fs::OpenOptionsExt;
        if meta.is_file() {
            // (Non-blocking: should a pipe have taken its place since, the
            // open does not wait, and the look after opening refuses it.)
            let file = fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                .open(path);
            // A link put in its place since: the whole rule.
            if !file
                .as_ref()
                .is_err_and(|e| e.raw_os_error() == Some(libc::ELOOP))
            {
                return read_checked(root, path, limit, Ok(meta), || file);
            }
        }
    }
    read(root, path, limit)
}

/// Reads the file `meta` describes and `open` opens, refusing what is not a
/// regular file or passes `limit`; `path` names it in messages.
fn read_checked(
    root: &Path,
    path: &Path,
    limit: u64,
    meta: std::io::Result<fs::Metadata>,
    open: impl FnOnce() -> std::io::Result<fs::File>,
) -> Result<Vec<u8>, ReadError> {
    let rel = display(root, path);
    let refused = |m: String, h: &str| ReadError::Refused(m, Some(h.to_string()));
    let too_large = |n: u64| {
        refused(
            format!(
                "`{rel}` is {n} bytes, more than the limit of {} for this kind of file",
                size(limit)
            ),
            "split it, or shrink it: the limits keep a build quick and its memory bounded",
        )
    };
    let not_regular = || {
        refused(
            format!("`{rel}` is not a regular file (a device, a pipe or a socket)"),
            "remove it: Annals reads only regular files",
        )
    };
    let meta = meta.map_err(|e| refused(format!("cannot read `{rel}`: {e}"), ""))?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let file = open().map_err(|e| refused(format!("cannot read `{rel}`: {e}"), ""))?;
    // The file opened may not be the one looked at: look again, and read no
    // more than the limit whatever it claims.
    let meta = file
        .metadata()
        .map_err(|e| refused(format!("cannot read `{rel}`: {e}"), ""))?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| refused(format!("cannot read `{rel}`: {e}"), ""))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads a UTF-8 text file of the site under the one rule.
pub fn read_text(root: &Path, path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read(root, path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        ReadError::Refused(
            format!(
                "`{}` is not valid UTF-8 (at byte {})",
                display(root, path),
                e.utf8_error().valid_up_to()
            ),
            Some("save the file as UTF-8".into()),
        )
    })
}

/// The files under the top-level folder `name` (sorted), for which `wanted`
/// says yes, with an error for each link that leaves the root, each link to
/// a folder, and each wanted entry that is not a regular file. Names
/// starting with `.` are skipped.
pub fn walk(
    root: &Path,
    name: &str,
    wanted: &dyn Fn(&Path) -> bool,
) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let dir = root.join(name);
    let mut files = vec![];
    let mut diags = vec![];
    if let Err(d) = check_folder(root, name) {
        diags.push(d);
        return (files, diags);
    }
    let rel = |p: &Path| PathBuf::from(display(root, p));
    let not_hidden =
        |e: &walkdir::DirEntry| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.');
    for entry in walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(not_hidden)
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(name, format!("cannot read {name}/: {e}")));
                continue;
            }
        };
        let path = entry.path();
        let ft = entry.file_type();
        if ft.is_dir() {
            continue;
        }
        if ft.is_symlink() {
            match inside_root(root, path) {
                Err(e) => diags.push(e.diagnostic(&rel(path))),
                Ok(real) if real.is_dir() => diags.push(
                    Diagnostic::error(
                        rel(path),
                        format!("`{}` is a symbolic link to a folder", display(root, path)),
                    )
                    .with_hint("links to folders are not followed: move or copy the folder here"),
                ),
                Ok(_) if wanted(path) => files.push(path.to_path_buf()),
                Ok(_) => {}
            }
            continue;
        }
        if !wanted(path) {
            continue;
        }
        if ft.is_file() {
            files.push(path.to_path_buf());
        } else {
            diags.push(
                Diagnostic::error(
                    rel(path),
                    format!(
                        "`{}` is not a regular file (a device, a pipe or a socket)",
                        display(root, path)
                    ),
                )
                .with_hint("remove it: Annals reads only regular files"),
            );
        }
    }
    (files, diags)
}

/// Checks that an image path from the site root (`/figure.png`) names an
/// image file of `static/` (inside the root, a regular file, of an image type).
pub fn check_image(root: &Path, site_path: &str) -> Result<(), (String, String)> {
    let rel = site_path.trim_start_matches('/');
    let plain = !rel.is_empty()
        && !rel.contains('\\')
        && rel
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != ".." && !seg.starts_with('.'));
    if !plain {
        return Err((
            format!("image path `{site_path}` does not name a file of static/"),
            "write the path from the site root of a file in static/, such as /figure.png".into(),
        ));
    }
    if !crate::allow::extension(rel)
        .is_some_and(|e| crate::allow::IMAGE_TYPES.contains(&e.as_str()))
    {
        return Err((
            format!("`{site_path}` is not an image"),
            format!("images may be {}", crate::allow::IMAGE_TYPES.join(", ")),
        ));
    }
    let path = root.join("static").join(rel);
    match inside_root(root, &path) {
        Ok(real) if real.is_file() => Ok(()),
        Ok(_) => Err((
            format!("`static/{rel}` is not a regular file"),
            "point the image at a file in static/".into(),
        )),
        Err(ReadError::NotFound) => Err((
            format!("image `{site_path}` not found: there is no static/{rel}"),
            "put the image in static/ (it is served at the site root)".into(),
        )),
        Err(ReadError::Refused(m, h)) => Err((m, h.unwrap_or_default())),
    }
}

/// A file of `static/` that may be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticFile {
    /// Its path in the output (and inside `static/`), with `/` separators.
    pub rel: String,
    /// Where it is.
    pub path: PathBuf,
}

/// The files of `static/` to publish, and an error for each that may not be:
/// one that leaves the root or is not a regular file, one larger than
/// [`MAX_STATIC_BYTES`], one that would land on output Annals writes itself,
/// and one whose type could run script on the site's origin unless `allowed`
/// (site.yaml's `static_scripts`) names it.
pub fn static_files(root: &Path, allowed: &[String]) -> (Vec<StaticFile>, Vec<Diagnostic>) {
    let (paths, mut diags) = walk(root, "static", &|_| true);
    let dir = root.join("static");
    let mut files = vec![];
    for path in paths {
        let rel = display(&dir, &path);
        let shown = PathBuf::from(format!("static/{rel}"));
        let mut ok = true;
        if !crate::allow::is_passive_static(&rel) && !allowed.contains(&rel) {
            let kind = match crate::allow::extension(&rel) {
                Some(ext) => format!("a .{ext} file"),
                None => "a file without an extension".into(),
            };
            diags.push(
                Diagnostic::error(
                    &shown,
                    format!("`static/{rel}` is {kind}, a type that could run script on the site's origin"),
                )
                .with_hint(format!(
                    "remove it, or after review name it in site.yaml: `static_scripts: [{rel}]`"
                )),
            );
            ok = false;
        }
        if crate::urls::routes::is_reserved_output(&rel) {
            diags.push(
                Diagnostic::error(
                    &shown,
                    format!("`static/{rel}` would land on /{rel}, which the site writes itself"),
                )
                .with_hint("rename or move it"),
            );
            ok = false;
        }
        match fs::metadata(&path) {
            Ok(m) if m.is_file() && m.len() > MAX_STATIC_BYTES => {
                diags.push(
                    Diagnostic::error(
                        &shown,
                        format!(
                            "`static/{rel}` is {} bytes, more than the limit of {} for a static file",
                            m.len(),
                            size(MAX_STATIC_BYTES)
                        ),
                    )
                    .with_hint("shrink it, or publish it elsewhere and link to it"),
                );
                ok = false;
            }
            Ok(m) if !m.is_file() => {
                diags.push(
                    ReadError::Refused(
                        format!(
                            "`static/{rel}` is not a regular file (a device, a pipe or a socket)"
                        ),
                        Some("remove it: Annals reads only regular files".into()),
                    )
                    .diagnostic(&shown),
                );
                ok = false;
            }
            _ => {}
        }
        if ok {
            files.push(StaticFile { rel, path });
        }
    }
    // A name allowed for a file that is gone would let a later file of that
    // name in without review.
    for name in allowed {
        if files.iter().any(|f| f.rel == *name) || !dir.is_dir() {
            continue;
        }
        let mut d = Diagnostic::warning(
            "site.yaml",
            format!("static_scripts names `{name}`, which is not a file of static/"),
        )
        .with_hint("remove it from static_scripts, so a file added later under that name is reviewed first");
        if let Ok(text) = read_text(root, &root.join("site.yaml"), MAX_CONFIG_BYTES) {
            if let Some((i, line)) = text
                .lines()
                .enumerate()
                .skip_while(|(_, l)| !l.starts_with("static_scripts"))
                .take_while(|(_, l)| l.starts_with("static_scripts") || l.starts_with([' ', '-']))
                .find(|(_, l)| l.contains(name.as_str()))
            {
                let col = line[..line.find(name.as_str()).unwrap_or(0)]
                    .chars()
                    .count()
                    + 1;
                d = d.at(i + 1, col).with_source_line(line);
            }
        }
        diags.push(d);
    }
    (files, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(2 * 1024 * 1024), "2 MB");
        assert_eq!(size(512 * 1024), "512 KB");
        assert_eq!(size(300), "300 bytes");
    }
}
