//! Property tests for annotation anchoring (`annals::anchor`).
//!
//! Bodies are made of words from a small alphabet, so the same words repeat
//! often, joined by random whitespace (newlines, tabs, no-break spaces) and cut
//! into blocks by the block-boundary character, as `markdown::render_body`
//! flattens a body. Quotes are picked from the text the way an editor picks
//! them from the page: any run of characters, with a prefix grown word by word
//! (then a suffix) until the occurrence is unique.

use annals::anchor::{find, normalize_selector, Anchoring, NormalizedText, BLOCK_BOUNDARY};
use proptest::prelude::*;

/// Words that repeat and overlap ("a" in "ab"), with a curly apostrophe and
/// non-ASCII letters to exercise folding and byte/char offsets.
const WORDS: &[&str] = &["a", "b", "ab", "ba", "deal", "held", "don’t", "été"];

/// Whitespace an editor or a source file might use between words.
const SPACES: &[&str] = &[" ", " ", " ", "  ", "\n", "\n  ", "\t", "\u{a0}", "\r\n"];

fn space() -> impl Strategy<Value = &'static str> {
    prop::sample::select(SPACES)
}

/// One block: 1–12 words with random whitespace between them.
fn block() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(WORDS), space()), 1..12).prop_map(|ws| {
        let mut s = String::new();
        for (i, (w, sp)) in ws.iter().enumerate() {
            if i > 0 {
                s.push_str(sp);
            }
            s.push_str(w);
        }
        s
    })
}

/// A body: 1–4 blocks separated by the boundary character, with optional
/// whitespace around it and at the ends.
fn body() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((block(), prop::option::of(space())), 1..5),
        prop::option::of(space()),
    )
        .prop_map(|(blocks, lead)| {
            let mut s = lead.unwrap_or("").to_string();
            for (i, (b, sp)) in blocks.iter().enumerate() {
                if i > 0 {
                    s.push(BLOCK_BOUNDARY);
                    s.push_str(sp.unwrap_or(""));
                }
                s.push_str(b);
                if let Some(sp) = sp {
                    s.push_str(sp);
                }
            }
            s
        })
}

/// Rewrites the single spaces of a normalised string with random whitespace
/// (`picks` chooses, cycling), plus optional whitespace at both ends.
fn respace(s: &str, picks: &[usize], ends: bool) -> String {
    let mut out = String::new();
    let mut k = 0;
    let mut pick = || {
        let sp = SPACES[picks.get(k % picks.len().max(1)).copied().unwrap_or(0) % SPACES.len()];
        k += 1;
        sp
    };
    if ends {
        out.push_str(pick());
    }
    for c in s.chars() {
        if c == ' ' {
            out.push_str(pick());
        } else {
            out.push(c);
        }
    }
    if ends {
        out.push_str(pick());
    }
    out
}

/// Char-boundary offsets of `s`, end included.
fn boundaries(s: &str) -> Vec<usize> {
    s.char_indices().map(|(i, _)| i).chain([s.len()]).collect()
}

/// Brute-force oracle with the documented semantics: every (overlapping)
/// occurrence of `q` whose preceding text, spaces trimmed, ends with `p` and
/// whose following text, spaces trimmed, starts with `s`.
fn occurrences(text: &str, q: &str, p: Option<&str>, s: Option<&str>) -> Vec<usize> {
    boundaries(text)
        .into_iter()
        .filter(|&i| text[i..].starts_with(q))
        .filter(|&i| p.is_none_or(|p| text[..i].trim_end_matches(' ').ends_with(p)))
        .filter(|&i| s.is_none_or(|s| text[i + q.len()..].trim_start_matches(' ').starts_with(s)))
        .collect()
}

/// The block of `text` around `[start, end)`: (block start, block end).
fn block_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let bs = text[..start].rfind(BLOCK_BOUNDARY).map_or(0, |i| i + 1);
    let be = text[end..]
        .find(BLOCK_BOUNDARY)
        .map_or(text.len(), |i| end + i);
    (bs, be)
}

/// What an editor writes: the quote, plus the fewest words of prefix (then
/// suffix) from the same block that make the occurrence unique.
struct Selector {
    quote: String,
    prefix: Option<String>,
    suffix: Option<String>,
    unique: bool,
}

fn editor_selector(text: &str, start: usize, end: usize) -> Selector {
    let quote = text[start..end].to_string();
    let (bs, be) = block_around(text, start, end);
    let before: Vec<&str> = text[bs..start]
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect();
    let after: Vec<&str> = text[end..be].split(' ').filter(|w| !w.is_empty()).collect();
    let mut prefix = None;
    for k in 0..=before.len() {
        prefix = (k > 0).then(|| before[before.len() - k..].join(" "));
        if occurrences(text, &quote, prefix.as_deref(), None).len() == 1 {
            return Selector {
                quote,
                prefix,
                suffix: None,
                unique: true,
            };
        }
    }
    let mut suffix = None;
    for m in 1..=after.len() {
        suffix = Some(after[..m].join(" "));
        if occurrences(text, &quote, prefix.as_deref(), suffix.as_deref()).len() == 1 {
            return Selector {
                quote,
                prefix,
                suffix,
                unique: true,
            };
        }
    }
    Selector {
        quote,
        prefix,
        suffix,
        unique: false,
    }
}

/// A body and a quote range in its normalised text: `(raw body, start, end)`,
/// the range on char boundaries, inside one block, not starting or ending
/// with a space.
fn body_and_quote() -> impl Strategy<Value = (String, usize, usize)> {
    (
        body(),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        1usize..40,
    )
        .prop_filter_map("no quotable text", |(raw, a, b, len)| {
            let h = NormalizedText::new(&raw);
            let t = &h.text;
            let starts: Vec<usize> = boundaries(t)
                .into_iter()
                .filter(|&i| i < t.len())
                .filter(|&i| !t[i..].starts_with([' ', BLOCK_BOUNDARY]))
                .collect();
            if starts.is_empty() {
                return None;
            }
            let start = *a.get(&starts);
            let block_end = t[start..]
                .find(BLOCK_BOUNDARY)
                .map_or(t.len(), |i| start + i);
            let ends: Vec<usize> = boundaries(&t[..block_end])
                .into_iter()
                .filter(|&e| e > start && e - start <= len.max(1) * 2)
                .filter(|&e| !t[..e].ends_with(' '))
                .collect();
            if ends.is_empty() {
                return None;
            }
            let end = *b.get(&ends);
            Some((raw, start, end))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// With enough prefix (or suffix) to be unique, `find` lands on exactly
    /// the chosen occurrence, whatever whitespace the editor typed; and the
    /// range maps back to original text that reads as the quote.
    #[test]
    fn finds_the_chosen_occurrence(
        (raw, start, end) in body_and_quote(),
        picks in prop::collection::vec(0usize..SPACES.len(), 1..6),
        ends in any::<bool>(),
    ) {
        let h = NormalizedText::new(&raw);
        let sel = editor_selector(&h.text, start, end);
        let quote = respace(&sel.quote, &picks, ends);
        let prefix = sel.prefix.as_deref().map(|p| respace(p, &picks, ends));
        let suffix = sel.suffix.as_deref().map(|s| respace(s, &picks, ends));
        let got = find(&h, &quote, prefix.as_deref(), suffix.as_deref());
        if sel.unique {
            prop_assert_eq!(&got, &Anchoring::Found(start..end), "text {:?}", h.text);
            let orig = &raw[h.original(start)..h.original_end(end, &raw)];
            prop_assert_eq!(normalize_selector(orig), normalize_selector(&sel.quote));
        } else {
            // Even the whole block around it does not settle it: say so.
            match got {
                Anchoring::Ambiguous(at) => prop_assert!(at.contains(&start)),
                other => prop_assert!(false, "expected Ambiguous, got {:?}", other),
            }
        }
    }

    /// Without context, the outcome follows the number of occurrences.
    #[test]
    fn bare_quote_outcome_counts_occurrences((raw, start, end) in body_and_quote()) {
        let h = NormalizedText::new(&raw);
        let q = &h.text[start..end];
        let all = occurrences(&h.text, q, None, None);
        let got = find(&h, q, None, None);
        match all.len() {
            0 => unreachable!("the quote comes from the text"),
            1 => prop_assert_eq!(got, Anchoring::Found(start..end)),
            _ => prop_assert_eq!(got, Anchoring::Ambiguous(all)),
        }
    }

    /// Words that run across a block boundary never match there: the result
    /// is `Missing`, unless the same words also occur inside one block.
    #[test]
    fn never_matches_across_a_block_boundary(
        raw in body(),
        which in any::<prop::sample::Index>(),
        k in 1usize..4,
        m in 1usize..4,
        picks in prop::collection::vec(0usize..SPACES.len(), 1..6),
    ) {
        let h = NormalizedText::new(&raw);
        let blocks: Vec<&str> = h.text.split(BLOCK_BOUNDARY).collect();
        prop_assume!(blocks.len() >= 2);
        let i = which.index(blocks.len() - 1);
        let left: Vec<&str> = blocks[i].split(' ').collect();
        let right: Vec<&str> = blocks[i + 1].split(' ').collect();
        let quote = [
            &left[left.len().saturating_sub(k)..],
            &right[..m.min(right.len())],
        ]
        .concat()
        .join(" ");
        let got = find(&h, &respace(&quote, &picks, false), None, None);
        if let Anchoring::Found(r) = &got {
            prop_assert!(!h.text[r.clone()].contains(BLOCK_BOUNDARY));
            prop_assert!(!raw[h.original(r.start)..h.original_end(r.end, &raw)].contains(BLOCK_BOUNDARY));
        }
        if !blocks.iter().any(|b| b.contains(&quote)) {
            prop_assert_eq!(got, Anchoring::Missing);
        }
    }

    /// Whitespace differences in the quote (and in the body) do not change
    /// the outcome.
    #[test]
    fn whitespace_variations_still_match(
        (raw, start, end) in body_and_quote(),
        picks in prop::collection::vec(0usize..SPACES.len(), 1..6),
        body_picks in prop::collection::vec(0usize..SPACES.len(), 1..6),
    ) {
        let h = NormalizedText::new(&raw);
        let q = &h.text[start..end];
        let canonical = find(&h, q, None, None);
        prop_assert_eq!(&find(&h, &respace(q, &picks, true), None, None), &canonical);
        // The same body typed with other whitespace normalises identically.
        let h2 = NormalizedText::new(&respace(&h.text, &body_picks, true));
        prop_assert_eq!(&h2.text, &h.text);
        prop_assert_eq!(&find(&h2, &respace(q, &picks, false), None, None), &canonical);
    }
}
