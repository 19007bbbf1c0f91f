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

/// [`BYTE_CLASS`]: an ASCII separator (whitespace or a block border).
const SEPARATOR: u8 = 1;
/// [`BYTE_CLASS`]: an ASCII letter or digit.
const ALNUM: u8 = 2;
/// [`BYTE_CLASS`]: part of a character outside ASCII.
const NOT_ASCII: u8 = 4;

/// What each byte is to the word count, in the terms of `char`'s own
/// `is_whitespace`/`is_alphanumeric` (which also count U+000B as space).
static BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c >= 0x80 {
            NOT_ASCII
        } else if c.is_ascii_whitespace() || c == 0x0b || c == BLOCK_BOUNDARY as u8 {
            SEPARATOR
        } else if c.is_ascii_alphanumeric() {
            ALNUM
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Words in the text [`flatten`] would give: runs between whitespace and
/// block borders that hold a letter or digit. Counted without building it.
pub(super) fn count_words(events: &[(Event<'_>, Range<usize>)]) -> usize {
    let mut words = 0;
    // Whether the current run has a letter or digit (counted at its end).
    let mut alnum = false;
    fn border(words: &mut usize, alnum: &mut bool) {
        if std::mem::take(alnum) {
            *words += 1;
        }
    }
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => {
                // Bytes below 0x80 are whole characters, classified by a
                // table without branching; only the rest are decoded.
                let bytes = t.as_bytes();
                let mut run = u8::from(alnum);
                let mut i = 0;
                while i < bytes.len() {
                    let class = BYTE_CLASS[bytes[i] as usize];
                    if class == NOT_ASCII {
                        let c = t[i..].chars().next().expect("a char boundary");
                        if c.is_whitespace() {
                            words += usize::from(run);
                            run = 0;
                        } else if c.is_alphanumeric() {
                            run = 1;
                        }
                        i += c.len_utf8();
                        continue;
                    }
                    let sep = class & SEPARATOR;
                    words += usize::from(run & sep);
                    run = (run | ((class & ALNUM) >> 1)) & (sep ^ 1);
                    i += 1;
                }
                alnum = run == 1;
            }
            Event::SoftBreak | Event::HardBreak => border(&mut words, &mut alnum),
            Event::Start(tag) if is_block(tag) => border(&mut words, &mut alnum),
            Event::End(tag) if is_block_end(tag) => border(&mut words, &mut alnum),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) | Event::Rule => {
                border(&mut words, &mut alnum)
            }
            _ => {}
        }
    }
    border(&mut words, &mut alnum);
    words
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

/// For each event inside a link, the index of the event that closes the
/// outermost link around it (`None` outside links). Links are the ones
/// pulldown-cmark still renders and the placeholder anchors of
/// [`rewrite_links`]; dropped links render nothing and do not count.
fn enclosing_link_ends(events: &[(Event<'_>, Range<usize>)]) -> Vec<Option<usize>> {
    let mut ends = vec![None; events.len()];
    let mut depth = 0usize;
    let mut outer_start = 0;
    for (i, (e, _)) in events.iter().enumerate() {
        let opens = match e {
            Event::Start(Tag::Link { .. }) => Some(true),
            Event::End(TagEnd::Link) => Some(false),
            Event::InlineHtml(h) if h.starts_with("<a href=\"\0H") => Some(true),
            Event::InlineHtml(h) if h.as_ref() == "</a>" => Some(false),
            _ => None,
        };
        match opens {
            Some(true) => {
                if depth == 0 {
                    outer_start = i;
                }
                depth += 1;
            }
            Some(false) if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    for end in &mut ends[outer_start..i] {
                        *end = Some(i);
                    }
                }
            }
            _ => {}
        }
    }
    ends
}

/// The note reference put after an anchored range.
fn note_ref(html: &mut String, n: usize) {
    let _ = write!(
        html,
        "<sup class=\"noteref\"><a href=\"#note-{n}\" id=\"ref-{n}\" role=\"doc-noteref\" aria-label=\"Note {n}\">{n}</a></sup>"
    );
}

/// Wraps the text of each anchored range in `<mark>`s, split at event borders
/// so elements nest properly, and puts a note reference after each range. A
/// range that ends inside link text gets its reference right after that link
/// closes: the reference is a link itself, and links may not nest.
pub(super) fn apply_marks(
    events: &mut [(Event<'_>, Range<usize>)],
    pieces: &[Piece],
    marks: &[(usize, Range<usize>)],
) {
    if marks.is_empty() {
        return;
    }
    let link_ends = enclosing_link_ends(events);
    // Link-closing event → note references to put after it.
    let mut after_link: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
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
            match link_ends[piece.event] {
                Some(end) => after_link.entry(end).or_default().extend(ending),
                None => ending.into_iter().for_each(|n| note_ref(&mut html, n)),
            }
        }
        if is_code {
            html.push_str("</code>");
        }
        events[piece.event].0 = Event::InlineHtml(html.into());
    }
    for (end, mut numbers) in after_link {
        numbers.sort_unstable();
        let mut html = String::from("</a>");
        for n in numbers {
            note_ref(&mut html, n);
        }
        events[end].0 = Event::InlineHtml(html.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word count of the flat text, as it was computed before
    /// `count_words` learned to do without building it.
    fn counted_from_flat(md: &str) -> usize {
        let events: Vec<_> = Parser::new_ext(md, options()).into_offset_iter().collect();
        let (flat, _) = flatten(&events);
        flat.split(|c: char| c.is_whitespace() || c == BLOCK_BOUNDARY)
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count()
    }

    #[test]
    fn count_words_agrees_with_the_flat_text() {
        for md in [
            "",
            "one",
            "two words",
            "a *b*c d",
            "foo**bar** baz\nnext line",
            "# Heading\n\nPara one.\n\n- item\n- item two\n\n> quote — dash",
            "`code` and [link](https://example.org) 2015-09-25",
            "| a | b |\n|---|---|\n| 1 | x y |",
            "trailing  \nhard break\n\n---\n\nfootnote[^1]\n\n[^1]: note text",
            "— – ... !!! ",
            "- [x] done\n- [ ] todo",
            "naïve café — 日本語\u{a0}nbsp\u{2003}em\u{b}vt «quoted» x\u{3000}y",
        ] {
            let events: Vec<_> = Parser::new_ext(md, options()).into_offset_iter().collect();
            assert_eq!(count_words(&events), counted_from_flat(md), "{md:?}");
        }
    }
}
