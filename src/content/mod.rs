//! Stage 1, load: walk `content/`, split and parse every file on its own, in
//! parallel. Nothing here knows about other files.

pub mod date;
pub mod files;
pub mod frontmatter;
pub mod model;

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::markdown::{self, AnnotationSpans, RenderedBody};
use crate::source::SourceFile;
use crate::yaml::{self, SpanIndex};
use model::{ActorMeta, AgreementMeta, AnnotationDecl, ArticleMeta, PageMeta, PartyMeta};

/// One content file, parsed and rendered.
#[derive(Debug, Clone)]
pub struct Entry<M> {
    /// File stem.
    pub slug: String,
    /// The file, for diagnostics.
    pub file: SourceFile,
    /// Where each front-matter key sits.
    pub spans: SpanIndex,
    /// Typed front matter.
    pub meta: M,
    /// The rendered body.
    pub body: RenderedBody,
}

impl<M> Entry<M> {
    /// An error at a front-matter path such as `parties.1` (its value when on the same line).
    pub fn error_at(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.spans.value(path).unwrap_or((1, 1));
        self.file.error_at_line_col(line, col, message)
    }

    /// An error at the key or list item itself.
    pub fn error_at_key(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.spans.get(path).unwrap_or((1, 1));
        self.file.error_at_line_col(line, col, message)
    }
}

/// Everything under `content/`. Entries are shared (`Arc`): a copy of the
/// content (as the live server renders from) copies no entry, and an edit
/// replaces its entry alone.
#[derive(Debug, Default, Clone)]
pub struct Content {
    /// `content/_index.md`.
    pub home: Option<Entry<PageMeta>>,
    /// `content/pages/*.md`.
    pub pages: Vec<Arc<Entry<PageMeta>>>,
    /// `content/articles/*.md`.
    pub articles: Vec<Arc<Entry<ArticleMeta>>>,
    /// `content/agreements/*.md`.
    pub agreements: Vec<Arc<Entry<AgreementMeta>>>,
    /// `content/parties/*.md`.
    pub parties: Vec<Arc<Entry<PartyMeta>>>,
    /// `content/actors/*.md`.
    pub actors: Vec<Arc<Entry<ActorMeta>>>,
    /// Files whose front matter could not be split or parsed (their errors lead
    /// the output; links to them are not reported as unknown).
    pub failed: Vec<Failed>,
}

/// A file of a section that failed to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    /// `articles`, `agreements`, `parties`, `actors`, `pages` or `home`.
    pub section: String,
    /// The slug it would have had.
    pub slug: String,
    /// The file, relative to the site root.
    pub path: std::path::PathBuf,
}

/// The folders of `content/` and what they hold.
pub const SECTIONS: &[&str] = &["articles", "agreements", "parties", "actors", "pages"];

/// One file's result: an entry of some section, or nothing (a draft, or an error).
pub enum Loaded {
    /// `content/_index.md`.
    Home(Entry<PageMeta>),
    /// `content/pages/*.md`.
    Page(Entry<PageMeta>),
    /// `content/articles/*.md`.
    Article(Entry<ArticleMeta>),
    /// `content/agreements/*.md`.
    Agreement(Entry<AgreementMeta>),
    /// `content/parties/*.md`.
    Party(Entry<PartyMeta>),
    /// `content/actors/*.md`.
    Actor(Entry<ActorMeta>),
    /// Left out (a draft, or a file outside the sections).
    Skipped,
    /// Its front matter could not be split or parsed (see the diagnostics).
    Failed(Failed),
}

impl markdown::NoteSource for AnnotationDecl {
    fn quote(&self) -> &str {
        &self.quote
    }
    fn prefix(&self) -> Option<&str> {
        self.prefix.as_deref()
    }
    fn suffix(&self) -> Option<&str> {
        self.suffix.as_deref()
    }
    fn note(&self) -> &str {
        &self.note
    }
}

impl AnnotationSpans for SpanIndex {
    fn position(&self, i: usize, field: &str) -> (usize, usize) {
        self.get(&format!("annotations.{i}.{field}"))
            .unwrap_or((1, 1))
    }
}

/// Loads every Markdown file under `root/content`. Drafts are dropped unless `drafts`.
///
/// `reports` says when reports' bodies are rendered to HTML: now, or when
/// their pages are written ([`report_html`]), so that a build need not hold
/// every body at once.
pub fn load(root: &Path, drafts: bool, reports: markdown::Html) -> (Content, Vec<Diagnostic>) {
    let content_dir = root.join("content");
    let mut diags = vec![];
    if !content_dir.is_dir() {
        if let Err(d) = files::check_folder(root, "content") {
            return (Content::default(), vec![d]);
        }
        diags.push(
            Diagnostic::error("content", "content/ folder not found")
                .with_hint("create content/ with _index.md and the articles/, agreements/ and parties/ folders"),
        );
        return (Content::default(), diags);
    }
    let (paths, walk_diags) = files::walk(root, "content", &|p| {
        p.extension().and_then(|x| x.to_str()) == Some("md")
    });
    diags.extend(walk_diags);
    let results: Vec<(Loaded, Vec<Diagnostic>)> = paths
        .par_iter()
        .map(|p| load_file(root, p, drafts, true, reports))
        .collect();
    let mut content = Content::default();
    for (loaded, d) in results {
        diags.extend(d);
        content.insert(loaded);
    }
    (content, diags)
}

/// True when `s` is a valid slug: lowercase ASCII letters and digits in hyphen-separated runs.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

impl Content {
    /// Adds (or replaces) one loaded file, keeping each section sorted by slug.
    pub fn insert(&mut self, loaded: Loaded) {
        fn put<M>(v: &mut Vec<Arc<Entry<M>>>, e: Entry<M>) {
            let e = Arc::new(e);
            match v.binary_search_by(|x| x.slug.cmp(&e.slug)) {
                Ok(i) => v[i] = e,
                Err(i) => v.insert(i, e),
            }
        }
        let path = match &loaded {
            Loaded::Home(e) | Loaded::Page(e) => Some(e.file.path.clone()),
            Loaded::Article(e) => Some(e.file.path.clone()),
            Loaded::Agreement(e) => Some(e.file.path.clone()),
            Loaded::Party(e) => Some(e.file.path.clone()),
            Loaded::Actor(e) => Some(e.file.path.clone()),
            Loaded::Failed(f) => Some(f.path.clone()),
            Loaded::Skipped => None,
        };
        if let Some(path) = path {
            self.failed.retain(|f| f.path != path);
        }
        match loaded {
            Loaded::Failed(f) => self.failed.push(f),
            Loaded::Home(e) => self.home = Some(e),
            Loaded::Page(e) => put(&mut self.pages, e),
            Loaded::Article(e) => put(&mut self.articles, e),
            Loaded::Agreement(e) => put(&mut self.agreements, e),
            Loaded::Party(e) => put(&mut self.parties, e),
            Loaded::Actor(e) => put(&mut self.actors, e),
            Loaded::Skipped => {}
        }
    }

    /// Frees the text of every source file once no diagnostic can need it
    /// (after resolve and lint), keeping paths for edit links. A one-shot build
    /// then holds only the rendered bodies, not the files as well.
    pub fn release_sources(&mut self) {
        fn release<M: Clone>(v: &mut [Arc<Entry<M>>]) {
            for e in v {
                Arc::make_mut(e).file.release();
            }
        }
        if let Some(h) = &mut self.home {
            h.file.release();
        }
        release(&mut self.pages);
        release(&mut self.articles);
        release(&mut self.agreements);
        release(&mut self.parties);
        release(&mut self.actors);
    }

    /// Removes whatever entry `file` (relative to the site root) produced.
    pub fn remove(&mut self, file: &Path) {
        fn drop_from<M>(v: &mut Vec<Arc<Entry<M>>>, file: &Path) {
            v.retain(|e| e.file.path != file);
        }
        if self.home.as_ref().is_some_and(|h| h.file.path == file) {
            self.home = None;
        }
        drop_from(&mut self.pages, file);
        drop_from(&mut self.articles, file);
        drop_from(&mut self.agreements, file);
        drop_from(&mut self.parties, file);
        drop_from(&mut self.actors, file);
        self.failed.retain(|f| f.path != file);
    }
}

/// Loads one Markdown file (`path` absolute or relative to the working folder).
pub fn load_one(root: &Path, path: &Path, drafts: bool) -> (Loaded, Vec<Diagnostic>) {
    load_file(root, path, drafts, false, markdown::Html::Now)
}

/// The HTML of a report loaded with [`markdown::Html::Later`]: its file is
/// read again under the same rule and its body rendered. An error when the
/// file no longer gives the body the build checked and linked (it changed
/// while the site was being built).
pub fn report_html(root: &Path, e: &Entry<ArticleMeta>) -> Result<String, Diagnostic> {
    let changed = || {
        Diagnostic::error(
            &e.file.path,
            "the file changed while the site was being built",
        )
        .with_hint("build again once it is saved")
    };
    let bytes = files::read_walked(root, &root.join(&e.file.path), files::MAX_CONTENT_BYTES)
        .map_err(|_| changed())?;
    let text = String::from_utf8(bytes).map_err(|_| changed())?;
    let file = SourceFile::new(e.file.path.clone(), text);
    let split = frontmatter::split(&file.text).map_err(|_| changed())?;
    let mut diags = vec![];
    let body = markdown::render_body(
        &file,
        split.body_offset,
        &e.meta.annotations,
        &e.spans,
        &mut diags,
        markdown::Html::Again,
    );
    if body.same_text_as(&e.body) {
        Ok(body.html)
    } else {
        Err(changed())
    }
}

/// Loads one file; `walked` when [`files::walk`] found it (see
/// [`files::read_walked`]).
fn load_file(
    root: &Path,
    path: &Path,
    drafts: bool,
    walked: bool,
    reports: markdown::Html,
) -> (Loaded, Vec<Diagnostic>) {
    let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let mut diags = vec![];
    let read = if walked {
        files::read_walked(root, path, files::MAX_CONTENT_BYTES)
    } else {
        files::read(root, path, files::MAX_CONTENT_BYTES)
    };
    let text = match read {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let file = SourceFile::new(
                    rel.clone(),
                    String::from_utf8_lossy(e.as_bytes()).into_owned(),
                );
                let off = e.utf8_error().valid_up_to();
                diags.push(
                    file.error_at(off, "file is not valid UTF-8")
                        .with_hint("save the file as UTF-8"),
                );
                return (Loaded::Skipped, diags);
            }
        },
        Err(e) => {
            diags.push(e.diagnostic(&rel));
            return (Loaded::Skipped, diags);
        }
    };
    let file = SourceFile::new(rel.clone(), text);
    if let Some((off, c)) = crate::allow::find_forbidden_control(&file.text) {
        let message = if c == '\0' {
            "file contains a NUL character".to_string()
        } else {
            format!(
                "file contains the control character {}",
                crate::allow::control_name(c)
            )
        };
        diags.push(file.error_at(off, message).with_hint(
            "remove it; it is not text (only tabs and line breaks are allowed among control characters)",
        ));
        return (Loaded::Skipped, diags);
    }
    let rel_in_content: Vec<String> = path
        .strip_prefix(root.join("content"))
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_string();
    let section = match rel_in_content.as_slice() {
        [name] if name == "_index.md" => "home",
        [dir, _] if SECTIONS.contains(&dir.as_str()) => dir.as_str(),
        _ => {
            diags.push(
                file.error_at(0, "file is not in a known section")
                    .with_hint("put reports in content/articles/, agreements in content/agreements/, parties in content/parties/, threat actors in content/actors/ and other pages in content/pages/"),
            );
            return (Loaded::Skipped, diags);
        }
    };
    if section != "home" && !is_valid_slug(&stem) {
        diags.push(
            file.error_at(0, format!("invalid file name `{stem}`: the slug must use lowercase letters, digits and hyphens"))
                .with_hint(format!("rename the file to `{}.md`", crate::markdown::slugify(&stem))),
        );
        return (Loaded::Skipped, diags);
    }
    let split =
        match frontmatter::split(&file.text) {
            Ok(s) => s,
            Err(frontmatter::SplitError::NoOpeningFence) => {
                diags.push(file.error_at(0, "missing front matter").with_hint(
                "start the file with a `---` line, the YAML fields, and another `---` line",
            ).file_failed());
                return (failed(section, &stem, &rel), diags);
            }
            Err(frontmatter::SplitError::NoClosingFence) => {
                diags.push(
                    file.error_at(0, "front matter is not closed")
                        .with_hint("add a `---` line after the last front-matter field")
                        .file_failed(),
                );
                return (failed(section, &stem, &rel), diags);
            }
        };
    let fm = split.front_matter.to_string();
    let fm_line = split.front_matter_line;
    let body_offset = split.body_offset;
    let spans = SpanIndex::build(&fm, fm_line);

    fn parse<M: DeserializeOwned + Serialize>(
        file: &SourceFile,
        fm: &str,
        line: usize,
        spans: &SpanIndex,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<M> {
        match yaml::parse::<M>(file, fm, line) {
            // YAML escapes can spell what the file may not contain; the file
            // itself holds none (checked before), so without a backslash
            // (every escape starts with one) there is nothing to look for.
            Ok(m) if !fm.contains('\\') => Some(m),
            Ok(m) => {
                let value = serde_json::to_value(&m).unwrap_or_default();
                let errors = crate::allow::control_errors(&value, file, spans);
                if errors.is_empty() {
                    Some(m)
                } else {
                    diags.extend(errors);
                    None
                }
            }
            Err(d) => {
                diags.push(d);
                None
            }
        }
    }
    let no_annotations: &[AnnotationDecl] = &[];
    macro_rules! entry {
        ($meta:expr, $annotations:expr) => {
            entry!($meta, $annotations, markdown::Html::Now)
        };
        ($meta:expr, $annotations:expr, $html:expr) => {{
            let meta = $meta;
            let body =
                markdown::render_body(&file, body_offset, $annotations, &spans, &mut diags, $html);
            for l in body
                .links
                .iter()
                .filter(|l| l.kind == markdown::LinkKind::Asset)
            {
                if let Err((message, hint)) = files::check_image(root, &l.target) {
                    diags.push(file.error_at(l.offset, message).with_hint(hint));
                }
            }
            // Later stages mostly point at the front matter: let go of the
            // body's text now (a build of 100,000 reports would otherwise hold
            // every file until rendering). A diagnostic about a link in the body
            // reads the file again. Kept: through the closing `---` line.
            let keep = body_offset.saturating_sub(1);
            let mut file = file;
            file.keep_until(keep, path.to_path_buf());
            Entry {
                slug: stem.clone(),
                file,
                spans,
                meta,
                body,
            }
        }};
    }
    let loaded = match section {
        "home" | "pages" => match parse::<PageMeta>(&file, &fm, fm_line, &spans, &mut diags) {
            Some(m) if m.draft && !drafts => Loaded::Skipped,
            Some(m) => {
                let e = entry!(m, no_annotations);
                if section == "home" {
                    Loaded::Home(e)
                } else {
                    Loaded::Page(e)
                }
            }
            None => Loaded::Skipped,
        },
        "articles" => match parse::<ArticleMeta>(&file, &fm, fm_line, &spans, &mut diags) {
            Some(m) if m.draft && !drafts => Loaded::Skipped,
            Some(m) => {
                let anns = m.annotations.clone();
                Loaded::Article(entry!(m, &anns, reports))
            }
            None => Loaded::Skipped,
        },
        "agreements" => match parse::<AgreementMeta>(&file, &fm, fm_line, &spans, &mut diags) {
            Some(m) if m.draft && !drafts => Loaded::Skipped,
            Some(m) => Loaded::Agreement(entry!(m, no_annotations)),
            None => Loaded::Skipped,
        },
        "parties" => match parse::<PartyMeta>(&file, &fm, fm_line, &spans, &mut diags) {
            Some(m) if m.draft && !drafts => Loaded::Skipped,
            Some(m) => Loaded::Party(entry!(m, no_annotations)),
            None => Loaded::Skipped,
        },
        "actors" => match parse::<ActorMeta>(&file, &fm, fm_line, &spans, &mut diags) {
            Some(m) if m.draft && !drafts => Loaded::Skipped,
            Some(m) => Loaded::Actor(entry!(m, no_annotations)),
            None => Loaded::Skipped,
        },
        _ => Loaded::Skipped,
    };
    if matches!(loaded, Loaded::Skipped) && diags.iter().any(|d| d.file_failed) {
        return (failed(section, &stem, &rel), diags);
    }
    (loaded, diags)
}

fn failed(section: &str, slug: &str, path: &Path) -> Loaded {
    Loaded::Failed(Failed {
        section: section.to_string(),
        slug: slug.to_string(),
        path: path.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_valid_slug("us-china-2015"));
        assert!(!is_valid_slug("US-china"));
        assert!(!is_valid_slug("a--b"));
        assert!(!is_valid_slug("-a"));
        assert!(!is_valid_slug("a_b"));
    }
}
