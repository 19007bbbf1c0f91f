//! Markdown → HTML, once per file, at load time.
//!
//! Everything that needs only the file itself happens here: heading ids,
//! annotation anchoring and highlighting, raw-HTML policy. Links whose target
//! is another file (`[[wiki links]]`, root-relative paths) become placeholders
//! (`\0H3\0` for the href, `\0T3\0` for a default link text) recorded in
//! [`LinkRef`]s; the resolve stage checks them and the render stage fills them
//! in. pulldown-cmark never emits NUL, and load refuses every control
//! character in files and in decoded YAML strings, so content cannot forge a
//! placeholder.
//!
//! Content is untrusted: every link and image URL (inline, reference
//! definition, autolink; in bodies, footnotes and notes alike) goes through
//! [`crate::allow::check_url`], heading attributes through the heading
//! allow-list, and ids through the reserved-id list. Anything refused is an
//! error at its line and column and is left out of the HTML.
//!
//! Here: rendering, heading ids and the raw-HTML policy; `links` checks and
//! rewrites links, `notes` anchors the annotations in the rendered text.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::allow::{check_url, is_reserved_id, UrlKind, UrlUse, HEADING_CLASSES};
use crate::anchor::{self, Anchoring, NormalizedText, BLOCK_BOUNDARY, OPAQUE};
use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;

mod links;
mod notes;

use links::*;
use notes::*;

/// A link to resolve against the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// `slug`, `agreements/slug`, or a root-relative path `/agreements/x/`.
    pub target: String,
    /// The part after `#`, if any.
    pub fragment: Option<String>,
    /// Wiki link or ordinary Markdown link.
    pub kind: LinkKind,
    /// Byte offset of the link in the file, for diagnostics.
    pub offset: usize,
}

/// What sort of link a [`LinkRef`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `[[target]]` (text filled in from the target) or `[[target|text]]`.
    Wiki {
        /// Whether the editor gave the link text.
        has_text: bool,
    },
    /// `[text](/path/)`.
    Path,
    /// `![alt](/figure.png)`: a file of `static/`, served at the site root.
    Asset,
}

/// A heading of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// Its id (explicit `{#id}` or made from the text).
    pub id: String,
    /// Its text.
    pub text: String,
    /// 1–6.
    pub level: u8,
}

/// An annotation found in the text.
#[derive(Debug, Clone)]
pub struct AnchoredNote {
    /// 1-based number in reading order.
    pub number: usize,
    /// Index in the front matter's `annotations:` list.
    pub index: usize,
    /// The quoted words as they read on the page (whitespace normalised).
    pub exact: String,
    /// Up to 32 characters before, as on the page.
    pub prefix: String,
    /// Up to 32 characters after, as on the page.
    pub suffix: String,
    /// Start, in characters of the page text (see [`page_text`]).
    pub start: usize,
    /// End (exclusive), in characters.
    pub end: usize,
    /// Wiki links with default titles before `start` (their titles are only
    /// known after resolve, which adds them to the positions and texts).
    pub opaque_before_start: usize,
    /// The same, before `end`.
    pub opaque_before_end: usize,
    /// The selector as anchored at load time, before resolve filled in link
    /// titles (kept so resolving again, as the live server does, starts afresh).
    pub loaded: LoadedSelector,
    /// The note rendered to HTML (with link placeholders).
    pub note_html: String,
}

/// A note's selector texts and positions as computed at load time.
#[derive(Debug, Clone, Default)]
pub struct LoadedSelector {
    /// Exact text, with link-title placeholders.
    pub exact: String,
    /// Prefix, with placeholders.
    pub prefix: String,
    /// Suffix, with placeholders.
    pub suffix: String,
    /// Start, not counting placeholders.
    pub start: usize,
    /// End, not counting placeholders.
    pub end: usize,
}

/// A body rendered to HTML with its link placeholders and anchored notes.
#[derive(Debug, Clone, Default)]
pub struct RenderedBody {
    /// HTML with `\0H{n}\0` / `\0T{n}\0` placeholders.
    pub html: String,
    /// The links the placeholders stand for.
    pub links: Vec<LinkRef>,
    /// Headings in order.
    pub headings: Vec<Heading>,
    /// Anchored annotations, in reading order.
    pub notes: Vec<AnchoredNote>,
    /// Words in the body.
    pub word_count: usize,
    /// Whether the body has footnotes.
    pub has_footnotes: bool,
    /// The body's length in bytes, as written.
    pub source_len: usize,
    /// The HTML was not rendered at load ([`Html::Later`]): `html` is empty
    /// until [`render_body`] runs again on the same file.
    pub html_deferred: bool,
}

impl RenderedBody {
    /// True when `other` was rendered from the same text as far as the rest
    /// of the build can tell: the same length, links, headings, notes and
    /// footnotes (what it took from a body whose HTML comes later).
    pub fn same_text_as(&self, other: &RenderedBody) -> bool {
        // Resolving moves notes' positions past link titles: compare where
        // the load found them.
        let notes = |b: &RenderedBody| -> Vec<(usize, usize, String, usize, usize, String)> {
            b.notes
                .iter()
                .map(|n| {
                    let l = &n.loaded;
                    (
                        n.number,
                        n.index,
                        l.exact.clone(),
                        l.start,
                        l.end,
                        n.note_html.clone(),
                    )
                })
                .collect()
        };
        self.source_len == other.source_len
            && self.links == other.links
            && self.headings == other.headings
            && self.has_footnotes == other.has_footnotes
            && notes(self) == notes(other)
    }
}

/// Whether [`render_body`] writes the body's HTML now, or only finds what
/// the rest of the build needs of it (links, headings, notes, words) and
/// leaves the HTML for when the page is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Html {
    /// Render it now.
    Now,
    /// Leave `html` empty and mark it deferred.
    Later,
    /// Render the HTML of a body loaded with [`Html::Later`]: what the load
    /// already counted (its words) is not counted again.
    Again,
}

/// An annotation as declared in front matter: what anchoring needs of it
/// (implemented by the content model, so Markdown does not depend on it).
pub trait NoteSource {
    /// The exact words commented on.
    fn quote(&self) -> &str;
    /// Words right before, to pick one of several occurrences.
    fn prefix(&self) -> Option<&str>;
    /// Words right after.
    fn suffix(&self) -> Option<&str>;
    /// The note, in Markdown.
    fn note(&self) -> &str;
}

/// Where a file's annotations start, to point diagnostics at them.
pub trait AnnotationSpans {
    /// 1-based (line, col) of annotation `i`, or of its `field`.
    fn position(&self, i: usize, field: &str) -> (usize, usize);
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// Renders a body; `body_offset` is where it starts in `file`.
pub fn render_body<A: NoteSource>(
    file: &SourceFile,
    body_offset: usize,
    annotations: &[A],
    spans: &dyn AnnotationSpans,
    diags: &mut Vec<Diagnostic>,
    html: Html,
) -> RenderedBody {
    let body = &file.text[body_offset..];
    let mut out = RenderedBody::default();
    let origin = Origin::Body {
        file,
        offset: body_offset,
    };
    let mut parser = Parser::new_ext(body, options()).into_offset_iter();
    let mut events: Vec<(Event<'_>, Range<usize>)> = parser.by_ref().collect();
    check_reference_definitions(parser.reference_definitions(), &origin, diags);

    drop_raw_html(&mut events, &origin, diags);
    check_decoded_controls(&mut events, &origin, diags);
    check_heading_attributes(&mut events, &origin, diags);
    assign_heading_ids(&mut events, &mut out.headings, &origin, diags);
    check_footnote_names(&events, &out.headings, &origin, diags);
    let mut links = Vec::new();
    rewrite_links(&mut events, &origin, &mut links, diags);

    out.source_len = body.len();
    if html != Html::Again {
        out.word_count = notes::count_words(&events);
    }
    out.has_footnotes = events
        .iter()
        .any(|(e, _)| matches!(e, Event::Start(Tag::FootnoteDefinition(_))));
    // Only files with annotations need the flat text (with which event each
    // piece came from) and its normalised form for matching.
    let (flat, pieces) = if annotations.is_empty() {
        (String::new(), vec![])
    } else {
        flatten(&events)
    };
    let norm = NormalizedText::new(&flat);

    // Anchor each annotation.
    let mut anchored: Vec<(usize, Range<usize>)> = vec![]; // (annotation index, flat range)
    let mut note_meta: Vec<(usize, Range<usize>)> = vec![]; // (index, normalized range)
    for (i, a) in annotations.iter().enumerate() {
        match anchor::find(&norm, a.quote(), a.prefix(), a.suffix()) {
            Anchoring::Found(r) => {
                let fr = norm.original(r.start)..norm.original_end(r.end, &flat);
                anchored.push((i, fr));
                note_meta.push((i, r));
            }
            other => {
                let (line, col) = spans.position(i, "quote");
                let mut d = file.error_at_line_col(line, col, "");
                match other {
                    Anchoring::Missing => {
                        d.message = format!(
                            "annotation quote not found in the text: \"{}\"",
                            a.quote().trim()
                        );
                        d.hint = Some(match anchor::closest_passage(&norm, a.quote()) {
                            Some(p) => format!("the closest passage in the text is \"{}\"", p.replace([BLOCK_BOUNDARY, OPAQUE], " ")),
                            None => "copy the words exactly as they read on the page (Markdown syntax is not part of the text)".into(),
                        });
                    }
                    Anchoring::Ambiguous(at) => {
                        let lines: Vec<String> = at
                            .iter()
                            .map(|&n| {
                                let off = flat_to_source(norm.original(n), &pieces, &events);
                                file.line_col(body_offset + off).0.to_string()
                            })
                            .collect();
                        d.message = format!(
                            "annotation quote \"{}\" matches {} times (lines {})",
                            a.quote().trim(),
                            at.len(),
                            lines.join(", ")
                        );
                        d.hint = Some("add a `prefix:` or `suffix:` with the words just before or after the occurrence you mean".into());
                    }
                    Anchoring::ContextMismatch(n) => {
                        d.message = format!(
                            "annotation quote \"{}\" occurs {} time{}, but never with the given prefix/suffix",
                            a.quote().trim(),
                            n,
                            if n == 1 { "" } else { "s" }
                        );
                        d.hint = Some(
                            "check `prefix:`/`suffix:` against the text as it reads on the page"
                                .into(),
                        );
                    }
                    Anchoring::Found(_) => unreachable!(),
                }
                diags.push(d);
            }
        }
    }
    // Number in reading order.
    let mut order: Vec<usize> = (0..anchored.len()).collect();
    order.sort_by_key(|&k| (anchored[k].1.start, anchored[k].0));
    let mut number_of = vec![0usize; annotations.len()];
    for (n, &k) in order.iter().enumerate() {
        number_of[anchored[k].0] = n + 1;
    }
    let marks: Vec<(usize, Range<usize>)> = anchored
        .iter()
        .map(|(i, r)| (number_of[*i], r.clone()))
        .collect();
    apply_marks(&mut events, &pieces, &marks);

    for &k in &order {
        let (i, _) = anchored[k];
        let r = note_meta[k].1.clone();
        let a = &annotations[i];
        let (line, _) = spans.position(i, "note");
        let note_html = render_note(file, a.note(), line, &mut links, diags);
        // Selector texts as the page reads (quotation marks unfolded). Prefix
        // and suffix stop at block borders, so only the quote's block is needed;
        // folding is one character for one, so character positions carry over.
        let (cs, ce) = (
            norm.text[..r.start].chars().count(),
            norm.text[..r.end].chars().count(),
        );
        let nb = norm.text[..r.start]
            .rfind(BLOCK_BOUNDARY)
            .map_or(0, |i| i + 1);
        let block_chars = norm.text[..nb].chars().count();
        let (fs, fe) = (norm.original(r.start), norm.original_end(r.end, &flat));
        let fb = flat[..fs].rfind(BLOCK_BOUNDARY).map_or(0, |i| i + 1);
        let fend = flat[fe..]
            .find(BLOCK_BOUNDARY)
            .map_or(flat.len(), |i| fe + i);
        let unfolded = NormalizedText::unfolded(&flat[fb..fend]).text;
        let at = |c: usize| {
            unfolded
                .char_indices()
                .nth(c - block_chars)
                .map_or(unfolded.len(), |(b, _)| b)
        };
        let (us, ue) = (at(cs), at(ce));
        let opaque = |t: &str| t.chars().filter(|&c| c == OPAQUE).count();
        let loaded = LoadedSelector {
            exact: unfolded[us..ue].to_string(),
            prefix: anchor::context_before(&unfolded, us, 32),
            suffix: anchor::context_after(&unfolded, ue, 32),
            start: cs - opaque(&norm.text[..r.start]),
            end: ce - opaque(&norm.text[..r.end]),
        };
        out.notes.push(AnchoredNote {
            number: number_of[i],
            index: i,
            exact: loaded.exact.clone(),
            prefix: loaded.prefix.clone(),
            suffix: loaded.suffix.clone(),
            start: loaded.start,
            end: loaded.end,
            opaque_before_start: opaque(&norm.text[..r.start]),
            opaque_before_end: opaque(&norm.text[..r.end]),
            loaded,
            note_html,
        });
    }

    if html != Html::Later {
        out.html.reserve(body.len() + body.len() / 4);
        pulldown_cmark::html::push_html(&mut out.html, events.into_iter().map(|(e, _)| e));
        // Kept for the whole build: don't keep the growth slack.
        out.html.shrink_to_fit();
    } else {
        out.html_deferred = true;
    }
    out.links = links;
    out
}

/// The page-text convention for positions: block boundaries read as one
/// newline, opaque link titles as nothing. Positions count Unicode code points.
pub fn page_text(normalized: &str) -> String {
    normalized
        .replace(BLOCK_BOUNDARY, "\n")
        .replace(OPAQUE, "")
        .trim_matches('\n')
        .to_string()
}

/// Renders an annotation note (Markdown, wiki links allowed) under the same
/// rules as a body: raw HTML, heading attributes, ids and URLs are checked.
fn render_note(
    file: &SourceFile,
    note: &str,
    line: usize,
    links: &mut Vec<LinkRef>,
    diags: &mut Vec<Diagnostic>,
) -> String {
    let origin = Origin::Note { file, line, note };
    let mut parser = Parser::new_ext(note, options()).into_offset_iter();
    let mut events: Vec<(Event<'_>, Range<usize>)> = parser.by_ref().collect();
    check_reference_definitions(parser.reference_definitions(), &origin, diags);
    drop_raw_html(&mut events, &origin, diags);
    check_decoded_controls(&mut events, &origin, diags);
    check_heading_attributes(&mut events, &origin, diags);
    // A note has no heading ids of its own: an explicit one must still not
    // take an id of the page.
    for (e, range) in &mut events {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = e {
            if is_reserved_id(id) {
                diags.push(reserved_id_error(&origin, range.clone(), id, "heading"));
            }
        }
    }
    check_footnote_names(&events, &[], &origin, diags);
    // Point link diagnostics at the `[[` in the file, searching from the note's line.
    let search_from = file.line_start(line);
    let before = links.len();
    rewrite_links(&mut events, &origin, links, diags);
    for l in &mut links[before..] {
        let needle = match l.kind {
            LinkKind::Wiki { .. } => format!("[[{}", l.target),
            LinkKind::Path | LinkKind::Asset => format!("({}", l.target),
        };
        l.offset = file.text[search_from..]
            .find(&needle)
            .map(|i| search_from + i + usize::from(!matches!(l.kind, LinkKind::Wiki { .. })))
            .unwrap_or(search_from);
    }
    // Every HTML event left is one the renderer made (raw HTML was refused above).
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
    html
}

/// Where a piece of Markdown comes from, to point diagnostics into the file.
enum Origin<'a> {
    /// A body starting at byte `offset` of `file`.
    Body {
        /// The file.
        file: &'a SourceFile,
        /// Where the body starts.
        offset: usize,
    },
    /// An annotation's `note:`, decoded from YAML, whose key is on `line`.
    Note {
        /// The file.
        file: &'a SourceFile,
        /// 1-based line of the `note:` key.
        line: usize,
        /// The decoded note.
        note: &'a str,
    },
}

impl Origin<'_> {
    fn file(&self) -> &SourceFile {
        match self {
            Origin::Body { file, .. } | Origin::Note { file, .. } => file,
        }
    }

    /// The Markdown source of a range.
    fn snippet(&self, range: Range<usize>) -> &str {
        match self {
            Origin::Body { file, offset } => file
                .text
                .get(offset + range.start..offset + range.end)
                .unwrap_or(""),
            Origin::Note { note, .. } => note.get(range).unwrap_or(""),
        }
    }

    /// Byte offset in the file of the start of a range, and whether it is
    /// exact (for a note: where the first line of that text appears from the
    /// note's line on; else the note's line).
    fn find(&self, range: Range<usize>) -> (usize, Option<usize>) {
        match self {
            Origin::Body { offset, .. } => (offset + range.start, None),
            Origin::Note { file, line, note } => {
                let from = file.line_start(*line);
                let first = note
                    .get(range)
                    .unwrap_or("")
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim_end();
                if first.is_empty() {
                    return (from, Some(0));
                }
                match file.text[from..].find(first) {
                    Some(i) => (from + i, Some(first.len())),
                    None => (from, Some(0)),
                }
            }
        }
    }

    /// Byte offset in the file of the start of a range.
    fn locate(&self, range: Range<usize>) -> usize {
        self.find(range).0
    }

    /// An error at `delta` bytes into `range`.
    fn error(&self, range: Range<usize>, delta: usize, message: impl Into<String>) -> Diagnostic {
        let (at, limit) = self.find(range);
        let at = match limit {
            Some(n) if delta >= n.max(1) => at,
            _ => at + delta,
        };
        self.file()
            .error_at(at.min(self.file().text.len()), message)
    }
}

fn reserved_id_error(origin: &Origin<'_>, range: Range<usize>, id: &str, what: &str) -> Diagnostic {
    let snippet = origin.snippet(range.clone());
    // The `{#id}` of a heading (at its end), or the `[^id]` of a footnote.
    let delta = snippet
        .rfind(&format!("#{id}"))
        .map(|i| i + 1)
        .or_else(|| snippet.find(id))
        .unwrap_or(0);
    origin
        .error(
            range,
            delta,
            format!("{what} id `{id}` is one the page itself uses"),
        )
        .with_hint(
            "choose another id: `main`, `title`, `notes`, `note-N`, `ref-N`, `mark-N`, ids ending in `-heading` and the other ids of the templates are reserved",
        )
}

/// Heading attributes (`## Title {#id .class key=value}`): only `#id` and the
/// classes of [`HEADING_CLASSES`]; anything else is an error and is removed.
fn check_heading_attributes(
    events: &mut [(Event<'_>, Range<usize>)],
    origin: &Origin<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    for (e, range) in events.iter_mut() {
        let Event::Start(Tag::Heading { classes, attrs, .. }) = e else {
            continue;
        };
        if classes.is_empty() && attrs.is_empty() {
            continue;
        }
        let snippet = origin.snippet(range.clone());
        let brace = snippet.rfind('{').unwrap_or(0);
        let pos = |needle: &str| brace + snippet[brace..].find(needle).unwrap_or(0);
        for class in classes.iter() {
            if HEADING_CLASSES.contains(&class.as_ref()) {
                continue;
            }
            diags.push(
                origin
                    .error(
                        range.clone(),
                        pos(&format!(".{class}")),
                        format!("heading class `.{class}` is not allowed"),
                    )
                    .with_hint(if HEADING_CLASSES.is_empty() {
                        "a heading may only have an id, like `## Background {#background}`: the templates give no heading class a meaning".to_string()
                    } else {
                        format!("allowed heading classes: {}", HEADING_CLASSES.join(", "))
                    }),
            );
        }
        for (key, _) in attrs.iter() {
            diags.push(
                origin
                    .error(
                        range.clone(),
                        pos(key),
                        format!("heading attribute `{key}` is not allowed"),
                    )
                    .with_hint("a heading may only have an id, like `## Background {#background}`: other attributes could run script or change the page"),
            );
        }
        classes.retain(|c| HEADING_CLASSES.contains(&c.as_ref()));
        attrs.clear();
    }
}

/// Footnote names become ids on the page: they must not take the page's own
/// ids or a heading's.
fn check_footnote_names(
    events: &[(Event<'_>, Range<usize>)],
    headings: &[Heading],
    origin: &Origin<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    for (e, range) in events {
        let Event::Start(Tag::FootnoteDefinition(name)) = e else {
            continue;
        };
        if is_reserved_id(name) {
            diags.push(reserved_id_error(origin, range.clone(), name, "footnote"));
        } else if headings.iter().any(|h| h.id == name.as_ref()) {
            diags.push(
                origin
                    .error(
                        range.clone(),
                        2,
                        format!("footnote `{name}` has the same id as a heading"),
                    )
                    .with_hint("rename the footnote, like [^n1]"),
            );
        }
    }
}

/// Reference definitions (`[label]: url`) go through the URL allow-list
/// whether or not a link uses them; links that use one are not reported again.
fn check_reference_definitions(
    defs: &pulldown_cmark::RefDefs<'_>,
    origin: &Origin<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut found: Vec<(Range<usize>, Diagnostic)> = vec![];
    for (_, def) in defs.iter() {
        if let Err(p) = check_url(&def.dest, UrlUse::Link) {
            let snippet = origin.snippet(def.span.clone());
            let delta = snippet.find("]:").map_or(0, |i| {
                i + 2 + snippet[i + 2..].len() - snippet[i + 2..].trim_start().len()
            });
            found.push((
                def.span.clone(),
                origin
                    .error(def.span.clone(), delta, p.message)
                    .with_hint(p.hint),
            ));
        }
    }
    found.sort_by_key(|(r, _)| r.start);
    diags.extend(found.into_iter().map(|(_, d)| d));
}

/// Gives every heading a stable, unique id (explicit ids win) that no element
/// of the page itself has: a made-up id steps past reserved ones
/// (`## Notes` → `notes-1`), an explicit reserved one is an error.
fn assign_heading_ids(
    events: &mut [(Event<'_>, Range<usize>)],
    headings: &mut Vec<Heading>,
    origin: &Origin<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut used: HashSet<String> = HashSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
            let level = *level as u8;
            let explicit = id.as_ref().map(|s| s.to_string());
            if let Some(x) = &explicit {
                if is_reserved_id(x) {
                    diags.push(reserved_id_error(origin, events[i].1.clone(), x, "heading"));
                }
            }
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                match &events[j].0 {
                    Event::Text(t) | Event::Code(t) => text.push_str(t),
                    _ => {}
                }
                j += 1;
            }
            let base = explicit.unwrap_or_else(|| slugify(&text));
            let base = if base.is_empty() {
                "section".to_string()
            } else {
                base
            };
            let mut candidate = base.clone();
            let mut n = 1;
            while used.contains(&candidate) || is_reserved_id(&candidate) {
                candidate = format!("{base}-{n}");
                n += 1;
            }
            used.insert(candidate.clone());
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                *id = Some(CowStr::from(candidate.clone()));
            }
            headings.push(Heading {
                id: candidate,
                text: text.trim().to_string(),
                level,
            });
            i = j;
        }
        i += 1;
    }
}

/// Lowercase ASCII letters and digits, everything else a single hyphen.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Raw HTML policy, the same for bodies and notes: comments are dropped,
/// anything else is an error (and is left out).
fn drop_raw_html(
    events: &mut Vec<(Event<'_>, Range<usize>)>,
    origin: &Origin<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut in_comment = false;
    events.retain(|(e, range)| {
        let (Event::Html(h) | Event::InlineHtml(h)) = e else { return true };
        let t = h.trim();
        if in_comment || t.starts_with("<!--") {
            in_comment = !t.ends_with("-->");
            return false;
        }
        if t.is_empty() {
            return false;
        }
        diags.push(
            origin.error(range.clone(), 0, "raw HTML is not allowed in content")
                .with_hint("use Markdown instead (raw HTML is rejected so every page stays valid and safe); HTML comments are allowed"),
        );
        false
    });
}

/// Minimal HTML escaping for text and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}
