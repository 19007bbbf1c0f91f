//! Markdown: note anchoring — the body's events flattened to the text a
//! reader sees, and the quoted words marked where they were found.

use super::*;

/// One run of displayed text and the event it came from.
#[derive(Debug, Clone)]
pub(super) struct Piece {
    event: usize,
    flat: Range<usize>,
}

/// Concatenates the displayed text, with block boundaries, and records pieces.
pub(super) fn flatten(events: &[(Event<'_>, Range<usize>)]) -> (String, Vec<Piece>) {
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

pub(super) fn is_block(tag: &Tag<'_>) -> bool {
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

pub(super) fn is_block_end(tag: &TagEnd) -> bool {
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
pub(super) fn flat_to_source(
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
pub(super) fn apply_marks(
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
