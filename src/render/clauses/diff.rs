//! The word diff behind clause comparisons: splits two wordings into words and
//! punctuation, aligns them with Myers' algorithm under a fixed budget (so any
//! input costs bounded work and every build gives the same answer), groups the
//! changes into phrases (a deleted run, then the inserted run) and writes them as
//! HTML with `<del>`/`<ins>` and as a one-line summary in prose.

use crate::markdown::escape_html;

/// Most words (and punctuation marks) a wording may differ by, after the words
/// both share at the start and the end are set aside, before the comparison
/// gives up: beyond it a word-by-word marking is confetti anyway.
pub const MAX_EDITS: usize = 400;
/// Most tokens of either wording that the alignment looks at (after the common
/// start and end): together with [`MAX_EDITS`] it bounds the work of one diff to
/// about `2 × MAX_TOKENS × MAX_EDITS` steps, whatever the input.
pub const MAX_TOKENS: usize = 4_000;
/// Changes the summary names one by one; the rest are counted.
const SUMMARY_ITEMS: usize = 6;

/// One word or punctuation mark of a wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    /// Written straight after the previous token, with no space (punctuation).
    pub glued: bool,
}

/// A stretch of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Words both wordings share.
    Same(Vec<Token<'a>>),
    /// Words of the older wording replaced by words of the newer one; either side
    /// may be empty (a pure deletion or insertion).
    Change {
        del: Vec<Token<'a>>,
        ins: Vec<Token<'a>>,
    },
}

/// The outcome of comparing two wordings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison<'a> {
    /// The aligned segments, or `None` when the wordings differ too much (more
    /// than [`MAX_EDITS`] changed tokens, or more than [`MAX_TOKENS`] to align).
    pub segments: Option<Vec<Segment<'a>>>,
    /// Steps the alignment took: a deterministic measure of its cost.
    pub steps: u64,
}

const OPENING: &[char] = &['(', '[', '“', '‘', '"', '\'', '«'];
const CLOSING: &[char] = &[
    ',', '.', ';', ':', '!', '?', ')', ']', '”', '’', '"', '\'', '»', '…',
];

/// Splits a wording into words, with punctuation at either end of a word as
/// tokens of its own (so `advantage.` and `advantage` share the word).
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = vec![];
    for word in text.split_whitespace() {
        let mut rest = word;
        let mut glued = false;
        let mut tail = vec![];
        while let Some(c) = rest.chars().next().filter(|c| OPENING.contains(c)) {
            if rest.len() == c.len_utf8() {
                break;
            }
            out.push(Token {
                text: &rest[..c.len_utf8()],
                glued,
            });
            glued = true;
            rest = &rest[c.len_utf8()..];
        }
        while let Some(c) = rest.chars().next_back().filter(|c| CLOSING.contains(c)) {
            if rest.len() == c.len_utf8() {
                break;
            }
            tail.push(&rest[rest.len() - c.len_utf8()..]);
            rest = &rest[..rest.len() - c.len_utf8()];
        }
        out.push(Token { text: rest, glued });
        out.extend(tail.into_iter().rev().map(|t| Token {
            text: t,
            glued: true,
        }));
    }
    out
}

/// Compares `new` with `old`, word by word.
pub fn compare<'a>(old: &'a str, new: &'a str) -> Comparison<'a> {
    let (a, b) = (tokenize(old), tokenize(new));
    let eq = |x: &Token<'_>, y: &Token<'_>| x.text == y.text;
    let pre = a.iter().zip(&b).take_while(|(x, y)| eq(x, y)).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| eq(x, y))
        .count();
    let (am, bm) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let mut steps = (pre + suf) as u64;
    if am.len() > MAX_TOKENS || bm.len() > MAX_TOKENS {
        return Comparison {
            segments: None,
            steps,
        };
    }
    let Some(ops) = myers(am, bm, MAX_EDITS, &mut steps) else {
        return Comparison {
            segments: None,
            steps,
        };
    };
    // Rebuild the whole sequence of operations, then group it.
    let mut all: Vec<Op> = vec![Op::Same; pre];
    all.extend(ops);
    all.extend(std::iter::repeat_n(Op::Same, suf));
    let segments = merge_small_equalities(group(&a, &b, &all));
    Comparison {
        segments: Some(segments),
        steps,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Del,
    Ins,
}

/// Myers' O((N+M)·D) shortest edit script, giving up (`None`) once more than
/// `max_d` edits would be needed. `steps` counts the work done.
fn myers(a: &[Token<'_>], b: &[Token<'_>], max_d: usize, steps: &mut u64) -> Option<Vec<Op>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = ((n + m) as usize).min(max_d) as isize;
    let off = max + 1;
    let mut v = vec![0isize; 2 * off as usize + 1];
    // trace[d] is `v` as it stood before round d, over diagonals -(d+1)..=d+1.
    let mut trace: Vec<Vec<isize>> = vec![];
    let mut found = None;
    'rounds: for d in 0..=max {
        trace.push(v[(off - d - 1) as usize..=(off + d + 1) as usize].to_vec());
        for k in (-d..=d).step_by(2) {
            let i = (k + off) as usize;
            let mut x = if k == -d || (k != d && v[i - 1] < v[i + 1]) {
                v[i + 1]
            } else {
                v[i - 1] + 1
            };
            let mut y = x - k;
            *steps += 1;
            while x < n && y < m && a[x as usize].text == b[y as usize].text {
                x += 1;
                y += 1;
                *steps += 1;
            }
            v[i] = x;
            if x >= n && y >= m {
                found = Some(d);
                break 'rounds;
            }
        }
    }
    let last = found?;
    // Walk back through the trace from the end to the start.
    let mut ops = vec![];
    let (mut x, mut y) = (n, m);
    for d in (0..=last).rev() {
        let vd = &trace[d as usize];
        let at = |k: isize| vd[(k + d + 1) as usize];
        let k = x - y;
        let prev_k = if k == -d || (k != d && at(k - 1) < at(k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = at(prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            ops.push(Op::Same);
            x -= 1;
            y -= 1;
        }
        if d > 0 {
            ops.push(if x == prev_x { Op::Ins } else { Op::Del });
        }
        x = prev_x;
        y = prev_y;
    }
    ops.reverse();
    Some(ops)
}

/// Turns a sequence of operations into segments, each change holding its whole
/// deleted run and then its whole inserted run.
fn group<'a>(a: &[Token<'a>], b: &[Token<'a>], ops: &[Op]) -> Vec<Segment<'a>> {
    let (mut i, mut j) = (0, 0);
    let mut segs: Vec<Segment<'a>> = vec![];
    for op in ops {
        match op {
            Op::Same => {
                match segs.last_mut() {
                    Some(Segment::Same(t)) => t.push(b[j]),
                    _ => segs.push(Segment::Same(vec![b[j]])),
                }
                i += 1;
                j += 1;
            }
            Op::Del | Op::Ins => {
                if !matches!(segs.last(), Some(Segment::Change { .. })) {
                    segs.push(Segment::Change {
                        del: vec![],
                        ins: vec![],
                    });
                }
                let Some(Segment::Change { del, ins }) = segs.last_mut() else {
                    unreachable!()
                };
                if *op == Op::Del {
                    del.push(a[i]);
                    i += 1;
                } else {
                    ins.push(b[j]);
                    j += 1;
                }
            }
        }
    }
    segs
}

/// Length of the tokens as written, spaces included.
fn chars(ts: &[Token<'_>]) -> usize {
    join(ts).chars().count()
}

/// Folds a short shared stretch between two changes into one change, as
/// diff-match-patch's semantic clean-up does: "neither" alone kept between two
/// rewritten phrases reads as noise, not as agreement.
fn merge_small_equalities(mut segs: Vec<Segment<'_>>) -> Vec<Segment<'_>> {
    loop {
        let mut merged = false;
        let mut i = 1;
        while i + 1 < segs.len() {
            let small = match (&segs[i - 1], &segs[i], &segs[i + 1]) {
                (
                    Segment::Change { del: d1, ins: i1 },
                    Segment::Same(s),
                    Segment::Change { del: d2, ins: i2 },
                ) => {
                    let len = chars(s);
                    len <= chars(d1).max(chars(i1)) && len <= chars(d2).max(chars(i2))
                }
                _ => false,
            };
            if small {
                let next = segs.remove(i + 1);
                let Segment::Same(s) = segs.remove(i) else {
                    unreachable!()
                };
                let (Segment::Change { del: d1, ins: i1 }, Segment::Change { del: d2, ins: i2 }) =
                    (&mut segs[i - 1], next)
                else {
                    unreachable!()
                };
                d1.extend(s.iter().copied().chain(d2));
                i1.extend(s.into_iter().chain(i2));
                merged = true;
            } else {
                i += 1;
            }
        }
        if !merged {
            return segs;
        }
    }
}

/// Tokens as text, spaced as they were written.
pub fn join(ts: &[Token<'_>]) -> String {
    let mut s = String::new();
    for (n, t) in ts.iter().enumerate() {
        if n > 0 && !t.glued {
            s.push(' ');
        }
        s.push_str(t.text);
    }
    s
}

fn space_before(ts: &[Token<'_>], first: bool) -> &'static str {
    match ts.first() {
        Some(t) if !first && !t.glued => " ",
        _ => "",
    }
}

/// The newer wording as HTML, each change as `<del>` then `<ins>`, each
/// announced to screen readers in words ("dropped: …", "added: …").
pub fn to_html(segs: &[Segment<'_>]) -> String {
    let mut html = String::new();
    let mut first = true;
    for seg in segs {
        match seg {
            Segment::Same(t) => {
                html.push_str(space_before(t, first));
                html.push_str(&escape_html(&join(t)));
            }
            Segment::Change { del, ins } => {
                html.push_str(space_before(if del.is_empty() { ins } else { del }, first));
                html.push_str("<span class=\"chg\">");
                if !del.is_empty() {
                    html.push_str(&format!(
                        "<del><span class=\"visually-hidden\">[dropped: </span>{}<span class=\"visually-hidden\">]</span></del>",
                        escape_html(&join(del))
                    ));
                }
                if !ins.is_empty() {
                    if !del.is_empty() {
                        html.push(' ');
                    }
                    html.push_str(&format!(
                        "<ins><span class=\"visually-hidden\">[added: </span>{}<span class=\"visually-hidden\">]</span></ins>",
                        escape_html(&join(ins))
                    ));
                }
                html.push_str("</span>");
            }
        }
        first = false;
    }
    html
}

fn is_punctuation(ts: &[Token<'_>]) -> bool {
    ts.iter()
        .all(|t| t.text.chars().all(|c| !c.is_alphanumeric()))
}

/// A phrase for the summary: its words without punctuation at either end, in `<em>`.
fn phrase(ts: &[Token<'_>]) -> String {
    let s = join(ts);
    let trimmed = s.trim_matches(|c: char| !c.is_alphanumeric());
    format!("<em>{}</em>", escape_html(trimmed))
}

/// One line of prose saying what changed, as HTML: "drops <em>knowingly</em>;
/// <em>obtaining</em> instead of <em>providing</em>".
pub fn summary_html(segs: &[Segment<'_>]) -> String {
    let mut items = vec![];
    let mut punctuation = false;
    for seg in segs {
        let Segment::Change { del, ins } = seg else {
            continue;
        };
        let (del_p, ins_p) = (is_punctuation(del), is_punctuation(ins));
        if del_p && ins_p {
            punctuation = true;
            continue;
        }
        items.push(if ins_p {
            if !ins.is_empty() {
                punctuation = true;
            }
            format!("drops {}", phrase(del))
        } else if del_p {
            if !del.is_empty() {
                punctuation = true;
            }
            format!("adds {}", phrase(ins))
        } else {
            format!("{} instead of {}", phrase(ins), phrase(del))
        });
    }
    let more = items.len().saturating_sub(SUMMARY_ITEMS);
    items.truncate(SUMMARY_ITEMS);
    if more > 0 {
        items.push(if more == 1 {
            "one more change".to_string()
        } else {
            format!("{more} more changes")
        });
    } else if punctuation {
        items.push(if items.is_empty() {
            "differs only in punctuation".to_string()
        } else {
            "punctuation differs".to_string()
        });
    }
    if items.is_empty() {
        return "identical wording".to_string();
    }
    items.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs<'a>(old: &'a str, new: &'a str) -> Vec<Segment<'a>> {
        compare(old, new).segments.expect("comparable")
    }

    #[test]
    fn dropping_knowingly_is_marked() {
        let s = segs(
            "will not conduct or knowingly support theft",
            "will not conduct or support theft",
        );
        assert_eq!(
            to_html(&s),
            "will not conduct or <span class=\"chg\"><del><span class=\"visually-hidden\">[dropped: </span>knowingly<span class=\"visually-hidden\">]</span></del></span> support theft"
        );
        assert_eq!(summary_html(&s), "drops <em>knowingly</em>");
    }

    #[test]
    fn changed_words_group_into_one_phrase() {
        // Deletions and insertions no longer interleave word by word.
        let s = segs("a b c d", "a x y d");
        assert_eq!(
            s[1],
            Segment::Change {
                del: tokenize("b c"),
                ins: tokenize("x y")
            }
        );
        assert_eq!(summary_html(&s), "<em>x y</em> instead of <em>b c</em>");
        // A lone shared word between two rewritten phrases joins them.
        let s = segs(
            "neither country’s government will conduct",
            "Australia and China agreed that neither country would conduct",
        );
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(
            summary_html(&s),
            "<em>Australia and China agreed that neither country would</em> instead of <em>neither country’s government will</em>"
        );
    }

    #[test]
    fn summary_has_no_doubled_punctuation() {
        let s = segs(
            "with the intent of providing competitive advantages to companies",
            "with the intent of providing competitive advantage.",
        );
        let html = to_html(&s);
        assert!(
            html.ends_with("<ins><span class=\"visually-hidden\">[added: </span>advantage.<span class=\"visually-hidden\">]</span></ins></span>"),
            "{html}"
        );
        assert_eq!(
            summary_html(&s),
            "<em>advantage</em> instead of <em>advantages to companies</em>"
        );
        let s = segs("business information, with", "business information with");
        assert_eq!(summary_html(&s), "differs only in punctuation");
        assert_eq!(
            summary_html(&segs("same words", "same words")),
            "identical wording"
        );
    }

    #[test]
    fn punctuation_is_split_off_words() {
        let t = tokenize("“advantage.” (sic) country’s");
        let texts: Vec<&str> = t.iter().map(|t| t.text).collect();
        assert_eq!(
            texts,
            ["“", "advantage", ".", "”", "(", "sic", ")", "country’s"]
        );
        assert_eq!(join(&t), "“advantage.” (sic) country’s");
    }

    #[test]
    fn diff_matches_a_plain_lcs_on_small_inputs() {
        // Exhaustive over short sequences of a two-letter alphabet: the script
        // always rebuilds both sides and is as short as the LCS allows.
        for na in 0..6u32 {
            for nb in 0..6u32 {
                for ma in 0..(1u32 << na) {
                    for mb in 0..(1u32 << nb) {
                        let w = |mask: u32, n: u32| -> String {
                            (0..n)
                                .map(|i| if mask >> i & 1 == 1 { "x" } else { "y" })
                                .collect::<Vec<_>>()
                                .join(" ")
                        };
                        let (a, b) = (w(ma, na), w(mb, nb));
                        let (ta, tb) = (tokenize(&a), tokenize(&b));
                        let mut steps = 0;
                        let ops = myers(&ta, &tb, 100, &mut steps).unwrap();
                        let same = ops.iter().filter(|o| **o == Op::Same).count();
                        assert_eq!(same, lcs(&ta, &tb), "{a:?} / {b:?}");
                        let segs = group(&ta, &tb, &ops);
                        let (mut old, mut new) = (vec![], vec![]);
                        for s in &segs {
                            match s {
                                Segment::Same(t) => {
                                    old.extend(t.iter().map(|t| t.text));
                                    new.extend(t.iter().map(|t| t.text));
                                }
                                Segment::Change { del, ins } => {
                                    old.extend(del.iter().map(|t| t.text));
                                    new.extend(ins.iter().map(|t| t.text));
                                }
                            }
                        }
                        assert_eq!(old.join(" "), a);
                        assert_eq!(new.join(" "), b);
                    }
                }
            }
        }
    }

    fn lcs(a: &[Token<'_>], b: &[Token<'_>]) -> usize {
        let mut t = vec![vec![0; b.len() + 1]; a.len() + 1];
        for i in 0..a.len() {
            for j in 0..b.len() {
                t[i + 1][j + 1] = if a[i].text == b[j].text {
                    t[i][j] + 1
                } else {
                    t[i][j + 1].max(t[i + 1][j])
                };
            }
        }
        t[a.len()][b.len()]
    }

    /// #14: two 40,000-word clauses sharing an id took 86 s (the word diff was
    /// quadratic). The comparison now gives up after a fixed amount of work.
    #[test]
    fn huge_clauses_diff_in_bounded_time() {
        let old: String = (0..40_000).map(|i| format!("w{} ", i % 977)).collect();
        let new: String = (0..40_000).map(|i| format!("w{} ", i % 983)).collect();
        let c = compare(&old, &new);
        assert!(c.segments.is_none(), "falls back to 'too different'");
        // Past MAX_TOKENS the alignment is not even tried.
        assert!(c.steps <= 80_000, "{} steps", c.steps);

        // Under the token cap, the edit cap bounds the work.
        let old: String = (0..MAX_TOKENS).map(|i| format!("a{} ", i % 97)).collect();
        let new: String = (0..MAX_TOKENS).map(|i| format!("a{} ", i % 89)).collect();
        let c = compare(&old, &new);
        assert!(c.segments.is_none());
        let bound = ((2 * MAX_TOKENS + 1) * (MAX_EDITS + 1)) as u64;
        assert!(c.steps <= bound, "{} steps > {bound}", c.steps);

        // A long clause with a few changes is still compared in full, cheaply.
        let old: String = (0..MAX_TOKENS - 10).map(|i| format!("b{i} ")).collect();
        let new = old.replace("b100 ", "").replace("b2000 ", "c2000 ");
        let c = compare(&old, &new);
        let s = c.segments.expect("comparable");
        assert_eq!(
            summary_html(&s),
            "drops <em>b100</em>; <em>c2000</em> instead of <em>b2000</em>"
        );
        assert!(c.steps < 20_000, "{} steps", c.steps);
    }
}
