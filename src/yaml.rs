//! All YAML parsing lives here, so the YAML crate can be swapped (for example for
//! the maintained `yaml_serde` fork) by changing the one `use` below.
//!
//! Besides deserializing, this module maps parser positions back to positions in
//! the whole file and keeps a small index of where each key and list item sits,
//! so that later stages can point a diagnostic at `parties[1]` or
//! `annotations[3]` rather than at the top of the file.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_yaml as backend;

use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;

/// Deserializes `text`, which starts at 1-based line `first_line` of `file`.
///
/// Errors carry the line and column in the whole file, a cleaned-up message and,
/// for an unknown field, the closest known field name as a hint.
pub fn parse<T: DeserializeOwned>(
    file: &SourceFile,
    text: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    if let Some((line, col)) = too_deep(text) {
        return Err(file
            .error_at_line_col(
                line + first_line - 1,
                col,
                format!("YAML nested more than {MAX_FLOW_DEPTH} levels deep"),
            )
            .with_hint(
                "front matter needs only a few levels of `[` and `{`: close the brackets opened before this one",
            )
            .file_failed());
    }
    // An empty front matter is an empty mapping, so "missing field" errors name the field.
    let text_for_parse = if text.trim().is_empty() { "{}" } else { text };
    backend::from_str::<T>(text_for_parse).map_err(|err| {
        let (line, col) = match err.location() {
            Some(loc) => (loc.line() + first_line - 1, loc.column()),
            None => (first_line, 1),
        };
        let raw = err.to_string();
        let message = strip_location(&raw);
        // Custom errors (a bad date) come back at the start of the mapping; point
        // at the offending value instead when it is quoted in the message.
        let (line, col) = match (err.location(), quoted_value(&message)) {
            (Some(loc), Some(v)) if loc.line() == 1 && loc.column() == 1 => find_value(text, v)
                .map(|(l, c)| (l + first_line - 1, c))
                .unwrap_or((line, col)),
            _ => (line, col),
        };
        let (message, hint) = explain(&message);
        // A quote left open swallows the lines after it, and the parser complains
        // only where it gives up: point at the quote instead.
        let syntax = !["unknown field", "missing", "invalid", "duplicate"]
            .iter()
            .any(|m| message.starts_with(m));
        if let Some((l, c, q)) = unclosed_quote(text).filter(|(l, _, _)| syntax && *l + first_line - 1 <= line) {
            return file
                .error_at_line_col(l + first_line - 1, c, "this quoted value is never closed")
                .with_hint(format!(
                    "end it with {q} on the same line (the YAML parser then reported: {message} at line {line})"
                ))
                .file_failed();
        }
        let mut d = file.error_at_line_col(line, col, message).file_failed();
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        d
    })
}

/// Deepest nesting of flow collections (`[`, `{`) accepted. The YAML parser's
/// cost grows faster than linearly with depth (40,000 levels took 8 s), and real
/// front matter uses two or three.
pub const MAX_FLOW_DEPTH: usize = 64;

/// 1-based (line, column) of the bracket that opens level [`MAX_FLOW_DEPTH`] + 1,
/// if any: a linear pre-scan, so the parser never sees such input.
///
/// It over-counts rather than under-counts: brackets inside plain scalars and
/// block scalars count too (they close again in real text), quoted strings and
/// comments do not.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let (mut line, mut col) = (1usize, 0usize);
    let mut quote: Option<char> = None;
    let mut prev = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        col += 1;
        if c == '\n' {
            (line, col) = (line + 1, 0);
            if quote == Some('#') {
                quote = None;
            }
            prev = c;
            continue;
        }
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
                col += 1;
            }
            Some(q) if c == q && q != '#' => {
                if q == '\'' && chars.peek() == Some(&'\'') {
                    chars.next();
                    col += 1;
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None => match c {
                // A quote opens a string only where a scalar starts.
                '"' | '\'' if prev.is_whitespace() || "[{,:-".contains(prev) => quote = Some(c),
                '#' if prev.is_whitespace() => quote = Some('#'),
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some((line, col));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        prev = c;
    }
    None
}

/// 1-based (line, column, quote) of the first quote that opens a value and is
/// not closed on its line (front matter values are one line long).
fn unclosed_quote(text: &str) -> Option<(usize, usize, char)> {
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        // The value after `key: ` or `- `.
        let start = match (line.find(": "), trimmed.starts_with("- ")) {
            (Some(p), _) => p + 2,
            (None, true) => line.len() - trimmed.len() + 2,
            _ => continue,
        };
        let value = line[start..].trim_start();
        let Some(q) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let open = line.len() - value.len();
        let rest = &value[1..];
        let closed = if q == '"' {
            let mut esc = false;
            rest.chars().any(|c| {
                let end = c == '"' && !esc;
                esc = c == '\\' && !esc;
                end
            })
        } else {
            rest.contains('\'')
        };
        if !closed {
            return Some((i + 1, line[..open].chars().count() + 1, q));
        }
    }
    None
}

/// Parses a stand-alone YAML file (such as `site.yaml`).
pub fn parse_file<T: DeserializeOwned>(file: &SourceFile) -> Result<T, Diagnostic> {
    parse(file, &file.text, 1)
}

/// The first backtick-quoted value in a message.
fn quoted_value(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(&msg[start..start + len])
}

/// 1-based (line, column) of the first occurrence of `value` as a value (after `: ` or `- `).
fn find_value(text: &str, value: &str) -> Option<(usize, usize)> {
    for (i, line) in text.lines().enumerate() {
        for sep in [": ", "- "] {
            if let Some(p) = line.find(&format!("{sep}{value}")) {
                let col = line[..p + sep.len()].chars().count() + 1;
                return Some((i + 1, col));
            }
        }
    }
    None
}

/// serde_yaml appends " at line N column M"; we print the position ourselves.
fn strip_location(msg: &str) -> String {
    let mut m = msg.to_string();
    if let Some(i) = m.find(" at line ") {
        m.truncate(i);
    }
    m.trim_start_matches(['.', ':']).trim().to_string()
}

/// Turns serde's messages into ones an editor can act on.
fn explain(msg: &str) -> (String, Option<String>) {
    // serde_yaml prefixes nested errors with their path: "source.url: missing field …".
    if let Some((path, rest)) = msg.split_once(": ") {
        let is_path = !path.is_empty()
            && path
                .chars()
                .all(|c| c.is_alphanumeric() || "._-[]".contains(c));
        if is_path && (rest.starts_with("unknown field") || rest.starts_with("missing field")) {
            let (m, h) = explain(rest);
            return (format!("{m} in `{path}`"), h);
        }
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        if let Some((field, expected)) = rest.split_once('`') {
            let known: Vec<&str> = expected
                .split('`')
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(_, s)| s)
                .collect();
            let hint = match closest(field, &known) {
                Some(best) => format!("did you mean `{best}`?"),
                None if known.is_empty() => "remove this field".to_string(),
                None => format!("known fields are: {}", known.join(", ")),
            };
            return (format!("unknown field `{field}`"), Some(hint));
        }
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        return (
            format!("missing required field `{field}`"),
            Some(format!("add `{field}: …` to the front matter")),
        );
    }
    (msg.to_string(), None)
}

/// The candidate most similar to `word`, if any is reasonably close.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, c)| {
            *score > 0.8 && strsim::levenshtein(word, c) <= (word.chars().count() / 3).max(2)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Where each key and list item of a YAML block sits, by path
/// (`title`, `parties.1`, `annotations.3.quote`), as 1-based (line, column)
/// in the whole file.
///
/// This is a small indentation scanner, not a YAML parser: it understands block
/// mappings, block sequences, one level of flow sequences and block scalars,
/// which is what front matter uses. Lookups fall back to the nearest known
/// ancestor path, so a position is always found.
#[derive(Debug, Default, Clone)]
pub struct SpanIndex {
    /// Sorted by path, for binary search (smaller than a map: one per file is kept).
    spans: Vec<(Box<str>, (u32, u32))>,
}

impl SpanIndex {
    /// Scans `text`, whose first line is line `first_line` of the file.
    pub fn build(text: &str, first_line: usize) -> Self {
        let mut spans = HashMap::new();
        let mut stack = vec![Frame {
            indent: 0,
            path: String::new(),
            kind: FrameKind::Map,
        }];
        let mut block_scalar_indent: Option<usize> = None;
        for (i, raw) in text.lines().enumerate() {
            let line_no = first_line + i;
            let line = raw.trim_end_matches('\r');
            let trimmed = line.trim_start_matches(' ');
            let mut col = line.len() - trimmed.len();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if let Some(bi) = block_scalar_indent {
                if col > bi {
                    continue;
                }
                block_scalar_indent = None;
            }
            let mut rest = trimmed;
            // Zero or more "- " sequence markers, then maybe a key.
            while rest == "-" || rest.starts_with("- ") {
                while stack.len() > 1 && stack.last().unwrap().indent > col {
                    stack.pop();
                }
                let top = stack.last_mut().unwrap();
                let (seq_path, idx) = match top.kind {
                    FrameKind::Seq(ref mut next) if top.indent == col => {
                        *next += 1;
                        (top.path.clone(), *next - 1)
                    }
                    FrameKind::Pending if top.indent <= col => {
                        top.kind = FrameKind::Seq(1);
                        top.indent = col;
                        (top.path.clone(), 0)
                    }
                    _ => break,
                };
                let item_path = join(&seq_path, &idx.to_string());
                spans.insert(item_path.clone(), (line_no, col + 1));
                let after = rest[1..].trim_start_matches(' ');
                col += rest.len() - after.len();
                rest = after;
                stack.push(Frame {
                    indent: col,
                    path: item_path,
                    kind: if rest.is_empty() {
                        FrameKind::Pending
                    } else {
                        FrameKind::Map
                    },
                });
            }
            let Some((key, value)) = split_key(rest) else {
                continue;
            };
            while stack.len() > 1 {
                let top = stack.last().unwrap();
                if top.indent > col || (top.indent == col && top.kind != FrameKind::Map) {
                    stack.pop();
                } else {
                    break;
                }
            }
            let top = stack.last_mut().unwrap();
            if top.kind == FrameKind::Pending {
                top.kind = FrameKind::Map;
                top.indent = col;
            }
            let key_path = join(&top.path, key);
            spans.insert(key_path.clone(), (line_no, col + 1));
            let value_trim = value.trim_start();
            let value_col = col + rest[..rest.len() - value_trim.len()].chars().count();
            if value_trim.is_empty() {
                stack.push(Frame {
                    indent: col,
                    path: key_path,
                    kind: FrameKind::Pending,
                });
            } else if value_trim.starts_with('|') || value_trim.starts_with('>') {
                block_scalar_indent = Some(col);
                spans.insert(format!("{key_path}#value"), (line_no + 1, col + 3));
            } else if let Some(inner) = value_trim.strip_prefix('[') {
                // A one-line flow sequence: index each item.
                let inner = inner.trim_end().trim_end_matches(']');
                let mut offset = 0;
                for (n, item) in inner.split(',').enumerate() {
                    let lead = item.len() - item.trim_start().len();
                    let before = inner[..offset + lead].chars().count();
                    spans.insert(
                        join(&key_path, &n.to_string()),
                        (line_no, value_col + 1 + before + 1),
                    );
                    offset += item.len() + 1;
                }
                spans.insert(format!("{key_path}#value"), (line_no, value_col + 1));
            } else {
                spans.insert(format!("{key_path}#value"), (line_no, value_col + 1));
            }
        }
        let mut spans: Vec<(Box<str>, (u32, u32))> = spans
            .into_iter()
            .map(|(k, (l, c)): (String, (usize, usize))| (k.into_boxed_str(), (l as u32, c as u32)))
            .collect();
        spans.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        SpanIndex { spans }
    }

    fn lookup(&self, path: &str) -> Option<(usize, usize)> {
        self.spans
            .binary_search_by(|(k, _)| k.as_ref().cmp(path))
            .ok()
            .map(|i| (self.spans[i].1 .0 as usize, self.spans[i].1 .1 as usize))
    }

    /// Position of `path` (or of its nearest recorded ancestor).
    pub fn get(&self, path: &str) -> Option<(usize, usize)> {
        let mut p = path.to_string();
        loop {
            if let Some(pos) = self.lookup(&p) {
                return Some(pos);
            }
            match p.rfind(['.', '#']) {
                Some(i) => p.truncate(i),
                None => return None,
            }
        }
    }

    /// Position of the value of `path` when on the same line, else of the key.
    pub fn value(&self, path: &str) -> Option<(usize, usize)> {
        self.lookup(&format!("{path}#value"))
            .or_else(|| self.get(path))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum FrameKind {
    Map,
    /// A sequence; the index of the next item.
    Seq(usize),
    /// A key with no value yet: becomes a map or a sequence.
    Pending,
}

#[derive(Debug)]
struct Frame {
    indent: usize,
    path: String,
    kind: FrameKind,
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `key: value` → (key, value) for plain or quoted keys.
fn split_key(s: &str) -> Option<(&str, &str)> {
    if s.starts_with('"') || s.starts_with('\'') {
        let q = s.chars().next()?;
        let end = s[1..].find(q)? + 1;
        let after = &s[end + 1..];
        let after = after.strip_prefix(':')?;
        return Some((&s[1..end], after));
    }
    if let Some(i) = s.find(": ") {
        return Some((&s[..i], &s[i + 1..]));
    }
    if let Some(k) = s.strip_suffix(':') {
        return Some((k, ""));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const FM: &str = "title: A\nparties: [us, cn, uk]\nannotations:\n  - quote: \"one\"\n    kind: claim\n    note: |\n      text\n      - not an item\n  - quote: two\n    kind: context\nrelations:\n- type: mirrors\n  to: x\n- type: implements\n  to: y\n";

    #[test]
    fn span_index_finds_keys_items_and_flow_items() {
        let idx = SpanIndex::build(FM, 2);
        assert_eq!(idx.get("title"), Some((2, 1)));
        assert_eq!(idx.get("parties.1"), Some((3, 15)));
        assert_eq!(idx.get("annotations.0"), Some((5, 3)));
        assert_eq!(idx.get("annotations.0.kind"), Some((6, 5)));
        assert_eq!(idx.get("annotations.1"), Some((10, 3)));
        assert_eq!(idx.get("annotations.1.quote"), Some((10, 5)));
        assert_eq!(idx.get("relations.0.to"), Some((14, 3)));
        assert_eq!(idx.get("relations.1"), Some((15, 1)));
        assert_eq!(idx.get("relations.1.to"), Some((16, 3)));
        assert_eq!(idx.value("relations.1.to"), Some((16, 7)));
    }

    #[test]
    fn flow_nesting_is_limited_before_parsing() {
        let ok = format!(
            "a: {}{}",
            "[".repeat(MAX_FLOW_DEPTH),
            "]".repeat(MAX_FLOW_DEPTH)
        );
        assert_eq!(too_deep(&ok), None);
        let deep = format!("title: x\nparties: {}", "[".repeat(40_000));
        assert_eq!(
            too_deep(&deep),
            Some((2, "parties: ".len() + MAX_FLOW_DEPTH + 1))
        );
        // Brackets in quoted strings and comments do not count; apostrophes in
        // plain text do not open strings.
        let quoted = format!(
            "a: \"{0}\"\nb: '{0}'\n# {0}\nc: China's [[x]] {{y}}\n",
            "[".repeat(100)
        );
        assert_eq!(too_deep(&quoted), None);
    }

    #[test]
    fn unknown_field_gets_a_suggestion() {
        let (m, h) = explain("unknown field `summery`, expected one of `title`, `summary`, `date`");
        assert_eq!(m, "unknown field `summery`");
        assert_eq!(h.as_deref(), Some("did you mean `summary`?"));
    }
}
