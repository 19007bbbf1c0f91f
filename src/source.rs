//! A loaded source file and the byte-offset → line/column arithmetic that every
//! diagnostic about it needs. Once a file is loaded, the part of its text no
//! later stage reads can be let go ([`SourceFile::keep_until`]); a diagnostic
//! that needs it after all reads the file again.

use std::borrow::Cow;
use std::path::PathBuf;

use crate::diagnostics::Diagnostic;

/// The text of one input file, with its line starts indexed.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, as printed in diagnostics.
    pub path: PathBuf,
    /// The whole file, BOM removed, line endings as written.
    pub text: String,
    line_starts: Vec<usize>,
    /// Where to read the whole text back from once part of it was let go.
    disk: Option<PathBuf>,
}

impl SourceFile {
    /// Indexes `text` (a leading UTF-8 BOM is removed).
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let mut line_starts = vec![0];
        // (A char pattern finds each newline with memchr.)
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: path.into(),
            text,
            line_starts,
            disk: None,
        }
    }

    /// Lets go of the text after byte `offset` (to the end of its line), to
    /// save memory once loading is done; `disk` is the file to read it back
    /// from if a diagnostic needs a later position after all.
    pub fn keep_until(&mut self, offset: usize, disk: PathBuf) {
        let end = self.line_starts.partition_point(|&s| s <= offset);
        let end = self
            .line_starts
            .get(end)
            .copied()
            .unwrap_or(self.text.len());
        if end < self.text.len() {
            self.text.truncate(end);
            self.text.shrink_to_fit();
        }
        self.disk = Some(disk);
    }

    /// Lets go of all the text (see [`SourceFile::keep_until`]).
    pub fn release(&mut self) {
        self.text = String::new();
    }

    /// The whole text when `end` lies past what is kept and the file can be
    /// read again (as it was loaded: BOM removed).
    fn whole(&self, end: usize) -> Option<String> {
        if end <= self.text.len() {
            return None;
        }
        let bytes = std::fs::read(self.disk.as_ref()?).ok()?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Some(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        })
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        if let Some(text) = self.whole(offset) {
            return self.with_text(text).line_col(offset);
        }
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self.text[start..end].chars().count() + 1;
        (line + 1, col)
    }

    /// Byte offset of the start of a 1-based line.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> Cow<'_, str> {
        if line == 0 || line > self.line_starts.len() {
            return Cow::Borrowed("");
        }
        let start = self.line_starts[line - 1];
        let end = self.line_starts.get(line).copied();
        if let Some(text) = self.whole(end.unwrap_or(start + 1)) {
            return Cow::Owned(self.with_text(text).line_text(line).into_owned());
        }
        let end = end.unwrap_or(self.text.len()).min(self.text.len());
        let start = start.min(end);
        Cow::Borrowed(self.text[start..end].trim_end_matches(['\n', '\r']))
    }

    /// This file with its whole text again.
    fn with_text(&self, text: String) -> SourceFile {
        SourceFile::new(self.path.clone(), text)
    }

    /// An error at a byte offset, with the source line attached.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.line_col(offset);
        self.error_at_line_col(line, col, message)
    }

    /// An error at a 1-based line and column, with the source line attached.
    pub fn error_at_line_col(
        &self,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(self.path.clone(), message)
            .at(line, col)
            .with_source_line(self.line_text(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let f = SourceFile::new("a.md", "ab\n“x” y\n".to_string());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // `y` is after two 3-byte quotes: byte 3+3+1+3+1 = 11.
        assert_eq!(f.line_col(11), (2, 5));
        assert_eq!(f.line_text(2), "“x” y");
    }

    #[test]
    fn bom_is_removed_and_crlf_lines_are_trimmed() {
        let f = SourceFile::new("a.md", "\u{feff}a\r\nb\r\n".to_string());
        assert_eq!(f.text, "a\r\nb\r\n");
        assert_eq!(f.line_text(1), "a");
        assert_eq!(f.line_col(3), (2, 1));
    }

    #[test]
    fn positions_past_the_kept_text_are_read_back_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let disk = dir.path().join("a.md");
        let text = "---\ntitle: x\n---\nfirst “line”\nsecond line\n";
        std::fs::write(&disk, text).unwrap();
        let mut f = SourceFile::new("a.md", text.to_string());
        let second = text.find("second").unwrap();
        let before = (f.line_col(second + 3), f.line_text(5).into_owned());
        f.keep_until(text.find("title").unwrap(), disk.clone());
        assert_eq!(f.text, "---\ntitle: x\n");
        assert_eq!(
            (f.line_col(second + 3), f.line_text(5).into_owned()),
            before
        );
        assert_eq!(f.line_text(2), "title: x");
        // Released entirely, positions still come out right.
        f.release();
        assert_eq!(f.line_col(second + 3), (5, 4));
        assert_eq!(f.line_text(4), "first “line”");
    }
}
