//! Diagnostics: the one error/warning type every stage reports through.
//!
//! Stages never stop at the first problem: they push [`Diagnostic`]s into a
//! [`Diagnostics`] collection, and the command prints them all at the end,
//! sorted by file and position, as `path:line:col: error: message`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build fails.
    Error,
    /// Printed, but the build succeeds.
    Warning,
}

impl Severity {
    fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in the input, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// File the problem is in, relative to the site root where possible.
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The offending source line, shown under the message.
    pub source_line: Option<String>,
    /// The file could not be read or parsed, so its entry is missing and other
    /// errors may follow from that: reported before all others.
    pub file_failed: bool,
}

impl Diagnostic {
    /// An error about a whole file (no position).
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            col: 0,
            message: message.into(),
            hint: None,
            source_line: None,
            file_failed: false,
        }
    }

    /// A warning about a whole file (no position).
    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Sets the position (1-based line and column).
    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.line = line;
        self.col = col;
        self
    }

    /// Adds a hint saying what to do.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Marks the diagnostic as one that kept its file from loading (it leads the output).
    pub fn file_failed(mut self) -> Self {
        self.file_failed = true;
        self
    }

    /// Attaches the source line to show under the message.
    pub fn with_source_line(mut self, line: impl Into<String>) -> Self {
        self.source_line = Some(line.into());
        self
    }

    /// `path:line:col` (or less when the position is unknown).
    pub fn location(&self) -> String {
        let file = display_path(&self.file);
        match (self.line, self.col) {
            (0, _) => file,
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        }
    }

    /// The human format: `path:line:col: error: message`, the source line with a
    /// caret under the column, then the hint. Terminal control characters from
    /// the content are shown escaped (see [`printable`]), never sent raw.
    pub fn render_human(&self) -> String {
        let mut out = format!(
            "{}: {}: {}\n",
            printable(&self.location(), false),
            self.severity.as_str(),
            printable(&self.message, true)
        );
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{gutter} | {}", printable(src.trim_end(), false));
            if self.col > 0 {
                // Keep tabs so the caret lines up under tabbed source, and as
                // many spaces as an escaped character takes.
                let lead: String = src
                    .chars()
                    .take(self.col - 1)
                    .map(|c| match c {
                        '\t' => "\t".to_string(),
                        c if is_unsafe(c) => " ".repeat(escaped(c).chars().count()),
                        _ => " ".to_string(),
                    })
                    .collect();
                let _ = writeln!(out, "{pad} | {lead}^");
            }
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  = hint: {}", printable(hint, true));
        }
        out
    }

    /// A GitHub Actions workflow command, so the message shows on the PR diff.
    pub fn render_github(&self) -> String {
        let mut props = format!("file={}", escape_gh_property(&display_path(&self.file)));
        if self.line > 0 {
            let _ = write!(props, ",line={}", self.line);
        }
        if self.col > 0 {
            let _ = write!(props, ",col={}", self.col);
        }
        let title = match self.severity {
            Severity::Error => "Annals error",
            Severity::Warning => "Annals warning",
        };
        let _ = write!(props, ",title={}", escape_gh_property(title));
        let mut msg = self.message.clone();
        if let Some(hint) = &self.hint {
            msg.push_str("\nhint: ");
            msg.push_str(hint);
        }
        format!(
            "::{} {}::{}\n",
            self.severity.as_str(),
            props,
            escape_gh_data(&msg)
        )
    }
}

/// Whether a character must not reach a terminal raw: C0 controls (but tab and
/// newline), DEL, C1 controls (which include the 8-bit CSI and OSC), and the
/// bidirectional overrides and isolates that can reorder what a line shows.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// How an unsafe character is shown: `\u{1b}`.
fn escaped(c: char) -> String {
    format!("\\u{{{:x}}}", c as u32)
}

/// `s` with every unsafe character escaped; newlines are kept only when `newlines`.
pub fn printable(s: &str, newlines: bool) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) || (c == '\n' && !newlines)) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| {
            if is_unsafe(c) || (c == '\n' && !newlines) {
                escaped(c)
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn escape_gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_gh_property(s: &str) -> String {
    escape_gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// All diagnostics of one run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds many.
    pub fn extend(&mut self, it: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(it);
    }

    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics sorted by file, position, severity and message, duplicates
    /// removed; files that failed to load come first, since later errors may
    /// follow from them.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut v = self.items.clone();
        // (A failed file's notes follow its errors.)
        let key = |d: &Diagnostic| {
            let note = d.file_failed && d.severity == Severity::Warning;
            (
                !d.file_failed,
                d.file.clone(),
                note,
                d.line,
                d.col,
                d.severity,
            )
        };
        v.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message)));
        v.dedup();
        v
    }

    /// Everything in the human format, followed by a count line.
    pub fn render_human(&self) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            out.push_str(&d.render_human());
            out.push('\n');
        }
        let (e, w) = (self.error_count(), self.warning_count());
        if e + w > 0 {
            let _ = writeln!(
                out,
                "{} error{}, {} warning{}",
                e,
                if e == 1 { "" } else { "s" },
                w,
                if w == 1 { "" } else { "s" }
            );
        }
        out
    }

    /// The human format with warnings grouped by rule: errors always in full,
    /// but beyond `per_rule` warnings of one rule (the same hint, or the same
    /// message when there is none) one line says how many more there are.
    pub fn render_human_grouped(&self, per_rule: usize) -> String {
        let sorted = self.sorted();
        let rule = |d: &Diagnostic| d.hint.clone().unwrap_or_else(|| generic(&d.message));
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        for d in sorted.iter().filter(|d| d.severity == Severity::Warning) {
            *counts.entry(rule(d)).or_default() += 1;
        }
        let mut shown: std::collections::HashMap<String, usize> = Default::default();
        let mut out = String::new();
        let mut more: Vec<(String, usize, String)> = vec![];
        for d in &sorted {
            if d.severity == Severity::Warning {
                let r = rule(d);
                let n = shown.entry(r.clone()).or_default();
                *n += 1;
                if *n > per_rule {
                    if *n == per_rule + 1 {
                        more.push((r.clone(), counts[&r] - per_rule, generic(&d.message)));
                    }
                    continue;
                }
            }
            out.push_str(&d.render_human());
            out.push('\n');
        }
        for (_, n, message) in &more {
            let _ = writeln!(
                out,
                "warning: … and {} more like “{message}”; `annals check --verbose` lists them all",
                thousands(*n)
            );
        }
        if !more.is_empty() {
            out.push('\n');
        }
        let (e, w) = (self.error_count(), self.warning_count());
        if e + w > 0 {
            let _ = writeln!(
                out,
                "{} error{}, {} warning{}",
                e,
                if e == 1 { "" } else { "s" },
                w,
                if w == 1 { "" } else { "s" }
            );
        }
        out
    }

    /// Everything as GitHub Actions workflow commands.
    pub fn render_github(&self) -> String {
        self.sorted()
            .iter()
            .map(Diagnostic::render_github)
            .collect()
    }

    /// The raw items, unsorted.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }
}

/// A message with its quoted specifics (`…`) elided, to name a rule.
fn generic(message: &str) -> String {
    let mut out = String::new();
    for (i, part) in message.split('`').enumerate() {
        out.push_str(if i % 2 == 1 { "`…`" } else { part });
    }
    out
}

/// 9990 → `9,990`.
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_format_points_at_the_column() {
        let d = Diagnostic::error("content/a.md", "unknown party `xx`")
            .at(3, 11)
            .with_source_line("parties: [xx]")
            .with_hint("add content/parties/xx.md");
        let out = d.render_human();
        assert!(out.starts_with("content/a.md:3:11: error: unknown party `xx`\n"));
        assert!(out.contains("3 | parties: [xx]\n"));
        assert!(out.contains("  |           ^\n"), "{out}");
        assert!(out.contains("= hint: add content/parties/xx.md"));
    }

    #[test]
    fn human_format_escapes_terminal_control_characters() {
        // A line that would clear the screen, set the clipboard (OSC 52) and
        // reverse the text, with the caret after it.
        let src = "title: \u{1b}[2J\u{1b}]52;c;aGk=\u{7}\u{9b}31m\u{202e}abc x";
        let d = Diagnostic::error("content/a\u{1b}[31m.md", "bad `\u{1b}[2J`")
            .at(1, src.chars().count())
            .with_source_line(src)
            .with_hint("remove \u{202e}");
        let out = d.render_human();
        for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(!out.contains(bad), "{bad:?} in {out:?}");
        }
        assert!(out.starts_with("content/a\\u{1b}[31m.md:1:"), "{out}");
        assert!(out.contains("bad `\\u{1b}[2J`"));
        assert!(out.contains("= hint: remove \\u{202e}"));
        // The caret still sits under the `x`.
        let lines: Vec<&str> = out.lines().collect();
        let x = lines[2].rfind('x').unwrap();
        assert_eq!(lines[3].find('^'), Some(x), "{out}");
    }

    #[test]
    fn warnings_group_by_rule_beyond_the_limit_and_errors_never_do() {
        let mut all = Diagnostics::new();
        for i in 0..5 {
            all.push(
                Diagnostic::warning(
                    format!("content/articles/{i}.md"),
                    "report has no annotations",
                )
                .with_hint("add notes"),
            );
            all.push(Diagnostic::error(format!("content/articles/{i}.md"), "bad"));
        }
        for i in 0..1200 {
            all.push(Diagnostic::warning(
                format!("content/x{i}.md"),
                format!("source URL `http://{i}` is not https"),
            ));
        }
        let out = all.render_human_grouped(2);
        assert_eq!(out.matches("error: bad").count(), 5);
        assert_eq!(out.matches("warning: report has no annotations").count(), 2);
        assert!(out.contains("… and 3 more like “report has no annotations”"));
        assert!(
            out.contains("… and 1,198 more like “source URL `…` is not https”"),
            "{out}"
        );
        assert!(out.contains("`annals check --verbose` lists them all"));
        assert!(out.ends_with("5 errors, 1205 warnings\n"));
    }

    #[test]
    fn github_format_escapes_properties_and_newlines() {
        let d = Diagnostic::error("content/a,b.md", "bad: thing")
            .at(2, 5)
            .with_hint("fix it");
        assert_eq!(
            d.render_github(),
            "::error file=content/a%2Cb.md,line=2,col=5,title=Annals error::bad: thing%0Ahint: fix it\n"
        );
    }
}
