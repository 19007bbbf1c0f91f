//! Anchoring annotations: finding a W3C text-quote selector (exact words plus
//! optional prefix and suffix) in the text of a rendered body.
//!
//! Matching ignores differences in whitespace and between straight and curly
//! quotes. The text is the body's text content with block elements separated by
//! one boundary character, so a quote can never span two paragraphs.

/// Separates blocks in the flattened text. Never matches a quote character.
pub const BLOCK_BOUNDARY: char = '\u{1}';
/// Stands for text we cannot know at load time (a wiki link's default title).
pub const OPAQUE: char = '\u{2}';

/// Text normalised for matching, with a map back to the original offsets.
#[derive(Debug, Clone)]
pub struct NormalizedText {
    /// The normalised text.
    pub text: String,
    /// For each byte of `text` (plus one past the end), the byte offset in the original.
    map: Vec<u32>,
}

impl NormalizedText {
    /// Normalises `original`: whitespace runs become one space (none next to a
    /// block boundary or at the ends), curly quotes become straight ones.
    pub fn new(original: &str) -> Self {
        Self::build(original, true)
    }

    /// Like [`new`](Self::new) but keeps quotation marks as written, so the
    /// result reads exactly as the page does. Character positions are the same.
    pub fn unfolded(original: &str) -> Self {
        Self::build(original, false)
    }

    fn build(original: &str, fold_quotes: bool) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut map = Vec::with_capacity(original.len() + 1);
        let mut pending_space: Option<usize> = None;
        for (i, c) in original.char_indices() {
            if c.is_whitespace() {
                if pending_space.is_none() {
                    pending_space = Some(i);
                }
                continue;
            }
            let c = if fold_quotes { fold(c) } else { c };
            if let Some(sp) = pending_space.take() {
                let at_edge =
                    text.is_empty() || text.ends_with(BLOCK_BOUNDARY) || c == BLOCK_BOUNDARY;
                if !at_edge {
                    text.push(' ');
                    map.push(sp as u32);
                }
            }
            let start = text.len();
            text.push(c);
            for _ in start..text.len() {
                map.push(i as u32);
            }
        }
        map.push(original.len() as u32);
        NormalizedText { text, map }
    }

    /// Original byte offset of a normalised byte offset.
    pub fn original(&self, n: usize) -> usize {
        self.map[n.min(self.map.len() - 1)] as usize
    }

    /// The end (exclusive) in the original of a match ending at normalised `n`.
    pub fn original_end(&self, n: usize, original: &str) -> usize {
        if n == 0 {
            return self.original(0);
        }
        // End of the character before `n`.
        let start = self.original(n - 1);
        start + original[start..].chars().next().map_or(0, char::len_utf8)
    }
}

/// Normalises a selector part the same way as the text.
pub fn normalize_selector(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().map(fold));
    }
    out
}

fn fold(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => '"',
        _ => c,
    }
}

/// The outcome of looking for a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchoring {
    /// Found once: byte range in the normalised text.
    Found(std::ops::Range<usize>),
    /// Not found at all.
    Missing,
    /// Found at several places (normalised byte offsets) and prefix/suffix did not settle it.
    Ambiguous(Vec<usize>),
    /// The quote is there, but never with the given prefix/suffix.
    ContextMismatch(usize),
}

/// Finds `quote` (with optional `prefix`/`suffix`) in `hay`.
pub fn find(
    hay: &NormalizedText,
    quote: &str,
    prefix: Option<&str>,
    suffix: Option<&str>,
) -> Anchoring {
    let q = normalize_selector(quote);
    if q.is_empty() {
        return Anchoring::Missing;
    }
    let p = prefix.map(normalize_selector).filter(|p| !p.is_empty());
    let s = suffix.map(normalize_selector).filter(|s| !s.is_empty());
    let text = &hay.text;
    // Every occurrence, overlapping ones included (`match_indices` skips
    // those: "a a" occurs twice in "a a a").
    let mut all: Vec<usize> = vec![];
    let mut from = 0;
    while let Some(k) = text[from..].find(q.as_str()) {
        let i = from + k;
        all.push(i);
        from = i + text[i..].chars().next().map_or(1, char::len_utf8);
    }
    if all.is_empty() {
        return Anchoring::Missing;
    }
    let fits: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| {
            let before_ok = p
                .as_deref()
                .is_none_or(|p| text[..i].trim_end_matches(' ').ends_with(p));
            let after_ok = s
                .as_deref()
                .is_none_or(|s| text[i + q.len()..].trim_start_matches(' ').starts_with(s));
            before_ok && after_ok
        })
        .collect();
    match fits.len() {
        1 => Anchoring::Found(fits[0]..fits[0] + q.len()),
        0 => Anchoring::ContextMismatch(all.len()),
        _ => Anchoring::Ambiguous(fits),
    }
}

/// The passage of `hay` most similar to `quote`, for a "did you mean" hint.
pub fn closest_passage(hay: &NormalizedText, quote: &str) -> Option<String> {
    let q = normalize_selector(quote).to_lowercase();
    let n_words = q.split(' ').count().max(1);
    let words: Vec<(usize, &str)> = hay
        .text
        .split([' ', BLOCK_BOUNDARY])
        .scan(0usize, |pos, w| {
            let start = *pos;
            *pos += w.len() + 1;
            Some((start, w))
        })
        .filter(|(_, w)| !w.is_empty())
        .collect();
    let mut best: Option<(f64, usize, usize)> = None;
    for win in words.windows(n_words.min(words.len()).max(1)) {
        let start = win[0].0;
        let end = win[win.len() - 1].0 + win[win.len() - 1].1.len();
        let cand = &hay.text[start..end];
        if cand.contains(BLOCK_BOUNDARY) {
            continue;
        }
        let score = strsim::normalized_levenshtein(&cand.to_lowercase(), &q);
        if best.is_none_or(|b| score > b.0) {
            best = Some((score, start, end));
        }
    }
    best.filter(|b| b.0 > 0.3)
        .map(|(_, s, e)| hay.text[s..e].to_string())
}

/// Up to `n` characters of context before `at` in the normalised text, stopping at a block boundary.
pub fn context_before(text: &str, at: usize, n: usize) -> String {
    let before = &text[..at];
    let before = before.rsplit(BLOCK_BOUNDARY).next().unwrap_or("");
    let chars: Vec<char> = before.chars().collect();
    let start = chars.len().saturating_sub(n);
    chars[start..].iter().collect::<String>()
}

/// Up to `n` characters of context after `at`, stopping at a block boundary.
pub fn context_after(text: &str, at: usize, n: usize) -> String {
    let after = text[at..].split(BLOCK_BOUNDARY).next().unwrap_or("");
    after.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> NormalizedText {
        NormalizedText::new(s)
    }

    #[test]
    fn whitespace_and_curly_quotes_are_ignored() {
        let h = norm("He said   “the very\nnext day” then.");
        assert_eq!(h.text, "He said \"the very next day\" then.");
        assert!(matches!(
            find(&h, "\"the very next   day\"", None, None),
            Anchoring::Found(_)
        ));
    }

    #[test]
    fn prefix_picks_an_occurrence() {
        let h = norm("a deal. The deal was new. Another deal was old.");
        assert_eq!(
            find(&h, "deal was", None, None),
            Anchoring::Ambiguous(vec![12, 34])
        );
        assert_eq!(
            find(&h, "deal was", Some("Another "), None),
            Anchoring::Found(34..42)
        );
        assert_eq!(
            find(&h, "deal was", None, Some("new")),
            Anchoring::Found(12..20)
        );
        assert_eq!(
            find(&h, "deal was", Some("Nope"), None),
            Anchoring::ContextMismatch(2)
        );
    }

    #[test]
    fn overlapping_occurrences_are_all_counted() {
        // The second occurrence overlaps the first: both count.
        let h = norm("a a a");
        assert_eq!(
            find(&h, "a a", None, None),
            Anchoring::Ambiguous(vec![0, 2])
        );
        // …so a prefix can pick the overlapping one.
        let h = norm("x a a a");
        assert_eq!(find(&h, "a a", Some("x a"), None), Anchoring::Found(4..7));
        assert_eq!(find(&h, "a a", Some("x"), None), Anchoring::Found(2..5));
    }

    #[test]
    fn context_may_not_cross_a_block() {
        let h = norm("one deal\u{1}two deal");
        assert_eq!(
            find(&h, "deal", Some("two"), None),
            Anchoring::Found(13..17)
        );
        assert_eq!(
            find(&h, "one", None, Some("deal two")),
            Anchoring::ContextMismatch(1)
        );
    }

    #[test]
    fn quotes_do_not_span_blocks() {
        let h = norm("end of one\u{1}start of two");
        assert_eq!(find(&h, "one start", None, None), Anchoring::Missing);
    }

    #[test]
    fn closest_passage_suggests_a_near_miss() {
        let h = norm("The intrusion took place the very next day, Saturday.");
        assert_eq!(
            closest_passage(&h, "took place the next day").as_deref(),
            Some("took place the very next")
        );
    }

    #[test]
    fn original_offsets_map_back() {
        let src = "x  “ab”";
        let h = norm(src);
        let Anchoring::Found(r) = find(&h, "\"ab\"", None, None) else {
            panic!()
        };
        assert_eq!(
            &src[h.original(r.start)..h.original_end(r.end, src)],
            "“ab”"
        );
    }
}
