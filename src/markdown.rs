//! Markdown → HTML, once per file, at load time.
//!
//! Everything that needs only the file itself happens here: heading ids,
//! annotation anchoring and highlighting, raw-HTML policy. Links whose target
//! is another file (`[[wiki links]]`, root-relative paths) become placeholders
//! (`\0H3\0` for the href, `\0T3\0` for a default link text) recorded in
//! [`LinkRef`]s; the resolve stage checks them and the render stage fills them
//! in. pulldown-cmark never emits NUL, so placeholders cannot collide with text.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::anchor::{self, Anchoring, NormalizedText, BLOCK_BOUNDARY, OPAQUE};
use crate::content::model::AnnotationDecl;
use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;

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
pub fn render_body(
    file: &SourceFile,
    body_offset: usize,
    annotations: &[AnnotationDecl],
    spans: &dyn AnnotationSpans,
    diags: &mut Vec<Diagnostic>,
) -> RenderedBody {
    let body = &file.text[body_offset..];
    let mut out = RenderedBody::default();
    let mut events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(body, options())
        .into_offset_iter()
        .collect();

    assign_heading_ids(&mut events, &mut out.headings);
    drop_raw_html(&mut events, body_offset, file, diags);
    let mut links = Vec::new();
    rewrite_links(&mut events, body_offset, &mut links, file, diags);

    // Flatten the text and remember which event each piece came from.
    let (flat, pieces) = flatten(&events);
    out.word_count = flat
        .split(|c: char| c.is_whitespace() || c == BLOCK_BOUNDARY)
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    // Only files with annotations need the matching text.
    let norm = if annotations.is_empty() {
        NormalizedText::new("")
    } else {
        NormalizedText::new(&flat)
    };

    // Anchor each annotation.
    let mut anchored: Vec<(usize, Range<usize>)> = vec![]; // (annotation index, flat range)
    let mut note_meta: Vec<(usize, Range<usize>)> = vec![]; // (index, normalized range)
    for (i, a) in annotations.iter().enumerate() {
        match anchor::find(&norm, &a.quote, a.prefix.as_deref(), a.suffix.as_deref()) {
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
                            a.quote.trim()
                        );
                        d.hint = Some(match anchor::closest_passage(&norm, &a.quote) {
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
                            a.quote.trim(),
                            at.len(),
                            lines.join(", ")
                        );
                        d.hint = Some("add a `prefix:` or `suffix:` with the words just before or after the occurrence you mean".into());
                    }
                    Anchoring::ContextMismatch(n) => {
                        d.message = format!(
                            "annotation quote \"{}\" occurs {} time{}, but never with the given prefix/suffix",
                            a.quote.trim(),
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
        let note_html = render_note(file, &a.note, line, &mut links);
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

    out.html.reserve(body.len() + body.len() / 4);
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter().map(|(e, _)| e));
    // Kept for the whole build: don't keep the growth slack.
    out.html.shrink_to_fit();
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

/// Renders an annotation note (Markdown, wiki links allowed, no headings ids or notes).
fn render_note(file: &SourceFile, note: &str, line: usize, links: &mut Vec<LinkRef>) -> String {
    let mut events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(note, options())
        .into_offset_iter()
        .collect();
    // Point link diagnostics at the `[[` in the file, searching from the note's line.
    let search_from = file.line_start(line);
    let before = links.len();
    let mut ignored = vec![];
    rewrite_links(&mut events, 0, links, file, &mut ignored);
    for l in &mut links[before..] {
        let needle = match l.kind {
            LinkKind::Wiki { .. } => format!("[[{}", l.target),
            LinkKind::Path => format!("({}", l.target),
        };
        l.offset = file.text[search_from..]
            .find(&needle)
            .map(|i| search_from + i + usize::from(l.kind == LinkKind::Path))
            .unwrap_or(search_from);
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        events.into_iter().map(|(e, _)| e).filter(|e| {
            !matches!(e, Event::Html(_))
                && !matches!(e, Event::InlineHtml(h) if !h.contains('\0') && !h.starts_with("</a"))
        }),
    );
    html
}

/// Gives every heading a stable, unique id (explicit ids win).
fn assign_heading_ids(events: &mut [(Event<'_>, Range<usize>)], headings: &mut Vec<Heading>) {
    let mut used: HashSet<String> = HashSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
            let level = *level as u8;
            let explicit = id.as_ref().map(|s| s.to_string());
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
            while used.contains(&candidate) {
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

/// Replaces wiki links and root-relative links with placeholder anchors.
fn rewrite_links(
    events: &mut Vec<(Event<'_>, Range<usize>)>,
    body_offset: usize,
    links: &mut Vec<LinkRef>,
    file: &SourceFile,
    diags: &mut Vec<Diagnostic>,
) {
    let mut i = 0;
    // Stack: for each open link, whether we replaced its start.
    let mut open: Vec<bool> = vec![];
    while i < events.len() {
        let range = events[i].1.clone();
        match &events[i].0 {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let wiki = match link_type {
                    LinkType::WikiLink { has_pothole } => Some(*has_pothole),
                    _ => None,
                };
                let dest = dest_url.to_string();
                let is_path = dest.starts_with('/') && !dest.starts_with("//");
                if wiki.is_none() && !is_path {
                    open.push(false);
                    i += 1;
                    continue;
                }
                let (target, fragment) = match dest.split_once('#') {
                    Some((t, f)) => (t.to_string(), Some(f.to_string())),
                    None => (dest.clone(), None),
                };
                if wiki.is_some() && target.trim().is_empty() {
                    diags.push(
                        file.error_at(body_offset + range.start, "wiki link has no target")
                            .with_hint("write [[slug]] or [[slug|text]]"),
                    );
                }
                let n = links.len();
                links.push(LinkRef {
                    target: target.trim().to_string(),
                    fragment,
                    kind: match wiki {
                        Some(has_text) => LinkKind::Wiki { has_text },
                        None => LinkKind::Path,
                    },
                    offset: body_offset + range.start,
                });
                let mut a = format!("<a href=\"\0H{n}\0\"");
                if !title.is_empty() {
                    let _ = write!(a, " title=\"{}\"", escape_html(title));
                }
                a.push('>');
                events[i].0 = Event::InlineHtml(a.into());
                open.push(true);
                if wiki == Some(false) {
                    // Drop the slug text; the target's title goes there.
                    let mut j = i + 1;
                    while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Link)) {
                        j += 1;
                    }
                    events.splice(
                        i + 1..j,
                        [(Event::InlineHtml(format!("\0T{n}\0").into()), range.clone())],
                    );
                }
            }
            Event::End(TagEnd::Link) if open.pop() == Some(true) => {
                events[i].0 = Event::InlineHtml("</a>".into());
            }
            _ => {}
        }
        i += 1;
    }
}

/// Raw HTML policy: comments are dropped, anything else is an error.
fn drop_raw_html(
    events: &mut Vec<(Event<'_>, Range<usize>)>,
    body_offset: usize,
    file: &SourceFile,
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
            file.error_at(body_offset + range.start, "raw HTML is not allowed in content")
                .with_hint("use Markdown instead (raw HTML is rejected so every page stays valid and safe); HTML comments are allowed"),
        );
        false
    });
}

/// One run of displayed text and the event it came from.
#[derive(Debug, Clone)]
struct Piece {
    event: usize,
    flat: Range<usize>,
}

/// Concatenates the displayed text, with block boundaries, and records pieces.
fn flatten(events: &[(Event<'_>, Range<usize>)]) -> (String, Vec<Piece>) {
    let mut flat = String::new();
    let mut pieces = vec![];
    let boundary = |flat: &mut String| {
        if !flat.is_empty() && !flat.ends_with(BLOCK_BOUNDARY) {
            flat.push(BLOCK_BOUNDARY);
        }
    };
    for (idx, (e, _)) in events.iter().enumerate() {
        match e {
            Event::Text(t) | Event::Code(t) => {
                let start = flat.len();
                flat.push_str(t);
                pieces.push(Piece {
                    event: idx,
                    flat: start..flat.len(),
                });
            }
            Event::SoftBreak | Event::HardBreak => flat.push(' '),
            Event::InlineHtml(h) if h.starts_with("\0T") => flat.push(OPAQUE),
            Event::Start(tag) if is_block(tag) => boundary(&mut flat),
            Event::End(tag) if is_block_end(tag) => boundary(&mut flat),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) | Event::Rule => {
                boundary(&mut flat)
            }
            _ => {}
        }
    }
    (flat, pieces)
}

fn is_block(tag: &Tag<'_>) -> bool {
    !matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
    )
}

fn is_block_end(tag: &TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// Byte offset in the body of a flat offset (for "matches on lines …").
fn flat_to_source(
    flat_off: usize,
    pieces: &[Piece],
    events: &[(Event<'_>, Range<usize>)],
) -> usize {
    let p = pieces
        .iter()
        .rev()
        .find(|p| p.flat.start <= flat_off)
        .or(pieces.first());
    p.map(|p| events[p.event].1.start).unwrap_or(0)
}

/// Wraps the text of each anchored range in `<mark>`s, split at event borders
/// so elements nest properly, and puts a note reference after each range.
fn apply_marks(
    events: &mut [(Event<'_>, Range<usize>)],
    pieces: &[Piece],
    marks: &[(usize, Range<usize>)],
) {
    if marks.is_empty() {
        return;
    }
    for piece in pieces {
        let hits: Vec<&(usize, Range<usize>)> = marks
            .iter()
            .filter(|(_, r)| r.start < piece.flat.end && r.end > piece.flat.start)
            .collect();
        if hits.is_empty() {
            continue;
        }
        let (text, is_code) = match &events[piece.event].0 {
            Event::Text(t) => (t.to_string(), false),
            Event::Code(t) => (t.to_string(), true),
            _ => continue,
        };
        // Cut points within this piece.
        let mut cuts: Vec<usize> = vec![0, text.len()];
        for (_, r) in &hits {
            for p in [r.start, r.end] {
                if p > piece.flat.start && p < piece.flat.end {
                    cuts.push(p - piece.flat.start);
                }
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut html = String::new();
        if is_code {
            html.push_str("<code>");
        }
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let (fa, fb) = (piece.flat.start + a, piece.flat.start + b);
            let mut covering: Vec<&(usize, Range<usize>)> = hits
                .iter()
                .copied()
                .filter(|(_, r)| r.start <= fa && r.end >= fb)
                .collect();
            covering.sort_by_key(|(n, r)| (r.start, *n));
            for (n, r) in &covering {
                if r.start == fa {
                    let _ = write!(
                        html,
                        "<mark class=\"anno\" id=\"mark-{n}\" data-note=\"{n}\">"
                    );
                } else {
                    let _ = write!(html, "<mark class=\"anno\" data-note=\"{n}\">");
                }
            }
            html.push_str(&escape_html(&text[a..b]));
            for _ in &covering {
                html.push_str("</mark>");
            }
            let mut ending: Vec<usize> = hits
                .iter()
                .filter(|(_, r)| r.end == fb)
                .map(|(n, _)| *n)
                .collect();
            ending.sort_unstable();
            for n in ending {
                let _ = write!(
                    html,
                    "<sup class=\"noteref\"><a href=\"#note-{n}\" id=\"ref-{n}\" role=\"doc-noteref\" aria-label=\"Note {n}\">{n}</a></sup>"
                );
            }
        }
        if is_code {
            html.push_str("</code>");
        }
        events[piece.event].0 = Event::InlineHtml(html.into());
    }
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
